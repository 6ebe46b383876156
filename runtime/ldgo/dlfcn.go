package main

import (
	"runtime"
	"runtime/debug"
	"sync/atomic"

	"golang.org/x/sys/unix"
)

// GLRO(dl_dlfcn_hook): glibc's libc sends dlopen, dlsym, dlclose, dlerror,
// dladdr, dlinfo, dlmopen and its internal __libc_dlopen_mode (NSS, iconv,
// libgcc_s) here, because ld.so is not "active" (GLRO(dl_init_all_dirs)
// is NULL).
//
// The hook functions run on the caller's thread and stack, in nosplit Go.
// Loading needs the whole Go runtime, so they hand each request to the
// service goroutine, locked to its own thread with every signal blocked,
// through a futex mailbox; the caller then runs the constructors (or
// destructors) the service returns, on its own thread.
//
// Locks, as glibc's: dlopen and dlclose hold a recursive "load lock" (by
// thread) for the whole call, constructors and destructors included, so a
// constructor may call dlopen; the requests that change the namespace list
// also hold libc's GL(dl_load_write_lock), the lock dl_iterate_phdr takes.
// dlsym and dladdr only take turns at the mailbox.

var dlfcnHook uintptr

// dlfcnHookTable returns the struct dlfcn_hook, built once.
func dlfcnHookTable() uintptr {
	if dlfcnHook != 0 {
		return dlfcnHook
	}
	funcs := []int{funcDlopen, funcDlclose, funcDlsym, funcDlvsym, funcDlerror, funcDladdr,
		funcDladdr1, funcDlinfo, funcDlmopen, funcLibcDlopenMode, funcLibcDlsym, funcLibcDlvsym, funcLibcDlclose}
	dlfcnHook = arenaAlloc(uintptr(len(funcs))*8, 8)
	for i, f := range funcs {
		putPtr(dlfcnHook+uintptr(i)*8, cFunc(f))
	}
	dlErrorBuf = arenaAlloc(dlErrorSize, 16)
	return dlfcnHook
}

// Requests.
const (
	dlOpen        = iota + 1
	dlSym         // handle, name, version, caller
	dlClose       // phase 1: count down, return the destructors to run
	dlCloseFinish // phase 2: unmap what phase 1 chose
	dlAddr
	dlInfo
	dlFini // at exit: every destructor, in glibc's order
)

// mailbox is shared by the callers and the service; no Go pointers.
var mailbox struct {
	lock  uint32 // 0 free, 1 taken
	state uint32 // 0 idle, 1 request posted, 2 answer posted
	op    uintptr
	args  [5]uintptr
	res   uintptr
	table uintptr // constructors or destructors for the caller to run, or 0
	fail  uintptr // the answer is an error (text in dlErrorBuf)
}

const dlErrorSize = 1024

var (
	serviceTid int // blocks every signal itself
	servicePid uintptr
	dlErrorBuf uintptr // C string of the service's last error
)

// dlErrSlot is one thread's dlerror state, found by its thread pointer.
type dlErrSlot struct {
	tp  uintptr
	set uint32
	buf [dlErrorSize]byte
}

var (
	dlErrSlots    [256]dlErrSlot
	dlErrOverflow dlErrSlot // shared by threads beyond the table
)

// errSlot returns the calling thread's dlerror slot (nil if it has none
// and create is false).
//
//go:nosplit
func errSlot(create bool) *dlErrSlot {
	tp := threadPointer()
	for i := range dlErrSlots {
		if atomic.LoadUintptr(&dlErrSlots[i].tp) == tp {
			return &dlErrSlots[i]
		}
	}
	if !create {
		return nil
	}
	for i := range dlErrSlots {
		s := &dlErrSlots[i]
		if atomic.CompareAndSwapUintptr(&s.tp, 0, tp) {
			s.set = 0
			return s
		}
	}
	return &dlErrOverflow
}

// forgetErrSlot drops the dlerror state of the thread whose TCB is tp (a
// new thread on a reused stack starts without an error).
//
//go:nosplit
func forgetErrSlot(tp uintptr) {
	for i := range dlErrSlots {
		if atomic.LoadUintptr(&dlErrSlots[i].tp) == tp {
			dlErrSlots[i].set = 0
			atomic.StoreUintptr(&dlErrSlots[i].tp, 0)
		}
	}
}

// setThreadError stores a C string as the calling thread's dlerror.
//
//go:nosplit
func setThreadError(msg uintptr) {
	s := errSlot(true)
	i := 0
	for ; i < dlErrorSize-1; i++ {
		c := get8(msg + uintptr(i))
		if c == 0 {
			break
		}
		s.buf[i] = c
	}
	s.buf[i] = 0
	atomic.StoreUint32(&s.set, 1)
}

//go:nosplit
func clearThreadError() {
	if s := errSlot(false); s != nil {
		atomic.StoreUint32(&s.set, 0)
	}
}

// loadLock is glibc's GL(dl_load_lock): recursive, by thread.
var loadLock struct {
	state uint32
	depth uint32
	owner uintptr
}

//go:nosplit
func loadLockAcquire() {
	tp := threadPointer()
	if atomic.LoadUintptr(&loadLock.owner) == tp {
		loadLock.depth++
		return
	}
	for !atomic.CompareAndSwapUint32(&loadLock.state, 0, 1) {
		futexWait(&loadLock.state, 1)
	}
	atomic.StoreUintptr(&loadLock.owner, tp)
	loadLock.depth = 1
}

//go:nosplit
func loadLockRelease() {
	loadLock.depth--
	if loadLock.depth > 0 {
		return
	}
	atomic.StoreUintptr(&loadLock.owner, 0)
	atomic.StoreUint32(&loadLock.state, 0)
	futexWake(&loadLock.state)
}

// libc's pthread_mutex_lock/unlock and GL(dl_load_write_lock), set before
// the hand-off (0 without glibc).
var mutexLock, mutexUnlock, loadWriteLock uintptr

//go:nosplit
func writeLock() {
	if mutexLock != 0 {
		callCHere(mutexLock, loadWriteLock)
	}
}

//go:nosplit
func writeUnlock() {
	if mutexUnlock != 0 {
		callCHere(mutexUnlock, loadWriteLock)
	}
}

// callCHere calls the C function fn(a1) on the current (C) stack.
func callCHere(fn, a1 uintptr) uintptr

//go:nosplit
func futexWait(addr *uint32, val uint32) {
	rawSyscall6(202, uintptr(unsafePointer(addr)), 128 /* FUTEX_WAIT_PRIVATE */, uintptr(val), 0, 0, 0)
}

//go:nosplit
func futexWake(addr *uint32) {
	rawSyscall6(202, uintptr(unsafePointer(addr)), 129 /* FUTEX_WAKE_PRIVATE */, 1<<30, 0, 0, 0)
}

// dlCall posts a request and waits for the answer: the result, a table of
// functions for the caller to run (or 0) and whether it succeeded. A
// failure becomes the calling thread's dlerror.
//
//go:nosplit
func dlCall(op, a1, a2, a3, a4, a5 uintptr) (uintptr, uintptr, bool) {
	// Each call starts without an error, as glibc's _dlerror_run.
	clearThreadError()
	if servicePid == 0 {
		setThreadError(forkErrorText())
		return 0, 0, false
	}
	if rawSyscall6(39, 0, 0, 0, 0, 0, 0) != servicePid {
		if !forkedChildReady() {
			setThreadError(forkErrorText())
			return 0, 0, false
		}
	}
	for !atomic.CompareAndSwapUint32(&mailbox.lock, 0, 1) {
		futexWait(&mailbox.lock, 1)
	}
	mailbox.op = op
	mailbox.args = [5]uintptr{a1, a2, a3, a4, a5}
	if inForkedChild {
		forkServe()
	} else {
		atomic.StoreUint32(&mailbox.state, 1)
		futexWake(&mailbox.state)
		for {
			s := atomic.LoadUint32(&mailbox.state)
			if s == 2 {
				break
			}
			futexWait(&mailbox.state, s)
		}
	}
	res, table, fail := mailbox.res, mailbox.table, mailbox.fail
	if fail != 0 {
		setThreadError(dlErrorBuf)
	}
	atomic.StoreUint32(&mailbox.state, 0)
	atomic.StoreUint32(&mailbox.lock, 0)
	futexWake(&mailbox.lock)
	return res, table, fail == 0
}

// runTable runs a {fn, a1, a2, a3} table the service made (see
// newCallTable) and unmaps it.
//
//go:nosplit
func runTable(table uintptr) {
	if table == 0 {
		return
	}
	runInits(table + 16)
	rawSyscall6(sysMunmap, table, getPtr(table), 0, 0, 0, 0)
}

func runInits(table uintptr)

// startDlService starts the service goroutine before the hand-off.
func startDlService(l *loader, r *relocator) {
	servicePid = uintptr(unix.Getpid())
	if road != nil {
		mutexLock = symbolAddr(road.libc, "pthread_mutex_lock")
		mutexUnlock = symbolAddr(road.libc, "pthread_mutex_unlock")
		loadWriteLock = road.global + road.lay.gl.nns + 48 // _dl_load_write_lock follows _dl_nns and _dl_load_lock
		if mutexLock == 0 || mutexUnlock == 0 {
			mutexLock, mutexUnlock = 0, 0
		}
	}
	dlServer = l
	dlRelocator = r
	started := make(chan struct{})
	go func() {
		runtime.LockOSThread()
		debug.SetPanicOnFault(true)
		all := ^uint64(0)
		unix.RawSyscall6(unix.SYS_RT_SIGPROCMASK, unix.SIG_BLOCK, addrOfU64(&all), 0, 8, 0, 0)
		serviceTid = unix.Gettid()
		close(started)
		for {
			for {
				s := atomic.LoadUint32(&mailbox.state)
				if s == 1 {
					break
				}
				unix.Syscall6(unix.SYS_FUTEX, uintptr(unsafePointer(&mailbox.state)), 128, uintptr(s), 0, 0, 0)
			}
			serveMailbox()
			atomic.StoreUint32(&mailbox.state, 2)
			futexWake(&mailbox.state)
		}
	}()
	<-started
}

var (
	dlServer    *loader
	dlRelocator *relocator
)

// serveMailbox answers the request in the mailbox.
func serveMailbox() {
	res, table, err := dlServer.serve(dlRelocator, mailbox.op, mailbox.args)
	mailbox.res, mailbox.table, mailbox.fail = res, table, 0
	if err != nil {
		setDlError(err.Error())
		mailbox.fail = 1
	}
}

// setDlError stores the text dlerror will return.
func setDlError(msg string) {
	if len(msg) >= dlErrorSize {
		msg = msg[:dlErrorSize-1]
	}
	b := bytesAt(dlErrorBuf, dlErrorSize)
	copy(b, msg)
	b[len(msg)] = 0
}

// dlopenCommon is dlopen and dlmopen (isM = 1, ns the Lmid_t).
//
//go:nosplit
func dlopenCommon(file, mode, caller, isM, ns uintptr) uintptr {
	loadLockAcquire()
	writeLock()
	res, table, ok := dlCall(dlOpen, file, mode, caller, isM, ns)
	writeUnlock()
	runTable(table)
	loadLockRelease()
	if !ok {
		return 0
	}
	return res
}

//go:nosplit
func hookDlopen(file, mode, caller, _ uintptr) uintptr {
	return dlopenCommon(file, mode, caller, 0, 0)
}

//go:nosplit
func hookDlmopen(ns, file, mode, caller uintptr) uintptr {
	return dlopenCommon(file, mode, caller, 1, ns)
}

//go:nosplit
func hookDlclose(handle, _, _, _ uintptr) uintptr {
	loadLockAcquire()
	_, table, ok := dlCall(dlClose, handle, 0, 0, 0, 0)
	if !ok {
		loadLockRelease()
		return ^uintptr(0)
	}
	runTable(table)
	writeLock()
	dlCall(dlCloseFinish, 0, 0, 0, 0, 0)
	writeUnlock()
	loadLockRelease()
	return 0
}

//go:nosplit
func hookDlsym(handle, name, caller, _ uintptr) uintptr {
	r, _, _ := dlCall(dlSym, handle, name, 0, caller, 0)
	return r
}

//go:nosplit
func hookDlvsym(handle, name, version, caller uintptr) uintptr {
	r, _, _ := dlCall(dlSym, handle, name, version, caller, 0)
	return r
}

//go:nosplit
func hookDlerror(_, _, _, _ uintptr) uintptr {
	s := errSlot(false)
	if s == nil || atomic.SwapUint32(&s.set, 0) == 0 {
		return 0
	}
	return uintptr(unsafePointerBytes(&s.buf[0]))
}

// dladdr does not touch dlerror.
//
//go:nosplit
func hookDladdr(addr, info, _, _ uintptr) uintptr {
	return dladdrKeepError(addr, info, 0, 0)
}

//go:nosplit
func hookDladdr1(addr, info, extra, flags uintptr) uintptr {
	return dladdrKeepError(addr, info, extra, flags)
}

//go:nosplit
func dladdrKeepError(addr, info, extra, flags uintptr) uintptr {
	s := errSlot(false)
	var saved uint32
	if s != nil {
		saved = atomic.LoadUint32(&s.set)
	}
	r, _, _ := dlCall(dlAddr, addr, info, extra, flags, 0)
	if s != nil {
		atomic.StoreUint32(&s.set, saved)
	}
	return r
}

//go:nosplit
func hookDlinfo(handle, request, arg, _ uintptr) uintptr {
	r, _, ok := dlCall(dlInfo, handle, request, arg, threadPointer(), 0)
	if !ok {
		return ^uintptr(0)
	}
	return r
}

//go:nosplit
func hookLibcDlopenMode(name, mode, _, _ uintptr) uintptr {
	return dlopenCommon(name, mode, 0, 0, 0)
}

//go:nosplit
func hookLibcDlsym(handle, name, _, _ uintptr) uintptr {
	r, _, _ := dlCall(dlSym, handle, name, 0, 0, 0)
	return r
}

//go:nosplit
func hookLibcDlvsym(handle, name, version, _ uintptr) uintptr {
	r, _, _ := dlCall(dlSym, handle, name, version, 0, 0)
	return r
}

//go:nosplit
func hookLibcDlclose(handle, _, _, _ uintptr) uintptr {
	hookDlclose(handle, 0, 0, 0)
	return 0
}

// exitFinis is called by dlFiniAll when the program exits: the destructors
// of every object still loaded, in glibc's _dl_fini order, or 0 (then the
// table built before the hand-off runs).
//
//go:nosplit
func exitFinis(_, _, _, _ uintptr) uintptr {
	if servicePid == 0 {
		return 0
	}
	_, table, ok := dlCall(dlFini, 0, 0, 0, 0, 0)
	if !ok {
		return 0
	}
	return table
}
