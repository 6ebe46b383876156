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
// through a futex mailbox; the caller then runs the constructors the service
// returns, on its own thread. Callers take turns (one request at a time). A
// forked child has no service thread: it gets a dlerror instead of a hang.

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
	dlForkError = arenaString("ldgo: dlopen and dlsym are not available in a forked child yet")
	return dlfcnHook
}

// Requests.
const (
	dlOpen = iota + 1
	dlSym
	dlClose
	dlAddr
)

// mailbox is shared by the callers and the service; no Go pointers.
var mailbox struct {
	lock  uint32 // 0 free, 1 taken
	state uint32 // 0 idle, 1 request posted, 2 answer posted
	op    uintptr
	args  [4]uintptr
	res   uintptr
	inits uintptr // constructors for the caller to run, or 0
	fail  uintptr // the answer is an error (text in dlErrorBuf)
}

const dlErrorSize = 1024

var (
	serviceTid  int // blocks every signal itself
	servicePid  uintptr
	dlErrorBuf  uintptr // C string of the service's last error
	dlErrorText uintptr // what dlerror returns: dlErrorBuf or dlForkError
	dlErrorSet  uint32  // an error is waiting for dlerror
	dlForkError uintptr
)

//go:nosplit
func futexWait(addr *uint32, val uint32) {
	rawSyscall6(202, uintptr(unsafePointer(addr)), 128 /* FUTEX_WAIT_PRIVATE */, uintptr(val), 0, 0, 0)
}

//go:nosplit
func futexWake(addr *uint32) {
	rawSyscall6(202, uintptr(unsafePointer(addr)), 129 /* FUTEX_WAKE_PRIVATE */, 1<<30, 0, 0, 0)
}

// dlCall posts a request, waits for the answer and runs the constructors
// it brings.
//
//go:nosplit
func dlCall(op, a1, a2, a3, a4 uintptr) (uintptr, bool) {
	if servicePid == 0 || rawSyscall6(39, 0, 0, 0, 0, 0, 0) != servicePid {
		dlErrorText = dlForkError
		atomic.StoreUint32(&dlErrorSet, 1)
		return 0, false
	}
	for !atomic.CompareAndSwapUint32(&mailbox.lock, 0, 1) {
		futexWait(&mailbox.lock, 1)
	}
	mailbox.op = op
	mailbox.args = [4]uintptr{a1, a2, a3, a4}
	atomic.StoreUint32(&mailbox.state, 1)
	futexWake(&mailbox.state)
	for {
		s := atomic.LoadUint32(&mailbox.state)
		if s == 2 {
			break
		}
		futexWait(&mailbox.state, s)
	}
	res, inits, fail := mailbox.res, mailbox.inits, mailbox.fail
	if fail != 0 {
		dlErrorText = dlErrorBuf
		atomic.StoreUint32(&dlErrorSet, 1)
	}
	atomic.StoreUint32(&mailbox.state, 0)
	atomic.StoreUint32(&mailbox.lock, 0)
	futexWake(&mailbox.lock)
	if inits != 0 {
		runInits(inits)
	}
	return res, fail == 0
}

func runInits(table uintptr)

// startDlService starts the service goroutine before the hand-off.
func startDlService(l *loader, r *relocator) {
	servicePid = uintptr(unix.Getpid())
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
			res, inits, err := l.serve(r, mailbox.op, mailbox.args)
			mailbox.res, mailbox.inits, mailbox.fail = res, inits, 0
			if err != nil {
				setDlError(err.Error())
				mailbox.fail = 1
			}
			atomic.StoreUint32(&mailbox.state, 2)
			futexWake(&mailbox.state)
		}
	}()
	<-started
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

//go:nosplit
func hookDlopen(file, mode, caller, _ uintptr) uintptr {
	r, _ := dlCall(dlOpen, file, mode, caller, 0)
	return r
}

//go:nosplit
func hookDlmopen(ns, file, mode, caller uintptr) uintptr {
	// Only the base namespace (LM_ID_BASE = 0) exists so far.
	r, _ := dlCall(dlOpen, file, mode, caller, ns+1)
	return r
}

//go:nosplit
func hookDlclose(handle, _, _, _ uintptr) uintptr {
	if _, ok := dlCall(dlClose, handle, 0, 0, 0); !ok {
		return ^uintptr(0)
	}
	return 0
}

//go:nosplit
func hookDlsym(handle, name, caller, _ uintptr) uintptr {
	r, _ := dlCall(dlSym, handle, name, 0, caller)
	return r
}

//go:nosplit
func hookDlvsym(handle, name, version, caller uintptr) uintptr {
	r, _ := dlCall(dlSym, handle, name, version, caller)
	return r
}

//go:nosplit
func hookDlerror(_, _, _, _ uintptr) uintptr {
	if atomic.SwapUint32(&dlErrorSet, 0) == 0 {
		return 0
	}
	return dlErrorText
}

//go:nosplit
func hookDladdr(addr, info, _, _ uintptr) uintptr {
	r, _ := dlCall(dlAddr, addr, info, 0, 0)
	return r
}

//go:nosplit
func hookDladdr1(addr, info, extra, flags uintptr) uintptr {
	r, _ := dlCall(dlAddr, addr, info, extra, flags)
	return r
}

// dlinfo supports RTLD_DI_LINKMAP (2): the handle is the link_map.
//
//go:nosplit
func hookDlinfo(handle, request, arg, _ uintptr) uintptr {
	if request == 2 {
		putPtr(arg, handle)
		return 0
	}
	return ^uintptr(0)
}

//go:nosplit
func hookLibcDlopenMode(name, mode, _, _ uintptr) uintptr {
	r, _ := dlCall(dlOpen, name, mode, 0, 0)
	return r
}

//go:nosplit
func hookLibcDlsym(handle, name, _, _ uintptr) uintptr {
	r, _ := dlCall(dlSym, handle, name, 0, 0)
	return r
}

//go:nosplit
func hookLibcDlvsym(handle, name, version, _ uintptr) uintptr {
	r, _ := dlCall(dlSym, handle, name, version, 0)
	return r
}

//go:nosplit
func hookLibcDlclose(handle, _, _, _ uintptr) uintptr {
	dlCall(dlClose, handle, 0, 0, 0)
	return 0
}
