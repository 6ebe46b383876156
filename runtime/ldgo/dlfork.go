package main

import (
	"sync/atomic"
	"unsafe"
	_ "unsafe" // go:linkname
)

// dlopen in a forked child. Threads do not survive fork, so the child has
// no service thread. The Go runtime's memory does survive, and with it the
// main goroutine, parked "in a system call" since the hand-off on its own
// stack (jumpToProgram's frame, which never returned, is still there). A dl
// request in the child is served on the calling thread: forkEnter blocks
// every signal, switches to Go's thread pointer and to that stack, as if
// jumpToProgram had made a call; forkServeGo leaves the system call state
// (runtime.exitsyscall takes an idle P), serves the request with the full
// runtime, re-enters it (entersyscall keeps the P for next time) and
// forkLeave goes back to the C side. Whichever thread forked, the child's
// one thread takes m0's identity; one request at a time (the mailbox
// lock). In the child no other Go thread exists: nothing there may wake
// one (no collection, no new goroutines).

var (
	inForkedChild bool
	forkErrorC    uintptr
	forkPid       uintptr

	goFS            uintptr // Go's FS base on the main thread at the hand-off
	jumpFrameOffset uintptr // g.stack.hi minus jumpToProgram's SP
	forkCSP         uintptr
	forkProgFS      uintptr
	forkOldMask     uint64
	forkAllMask     = ^uint64(0)
)

//go:nosplit
func forkErrorText() uintptr { return forkErrorC }

// forkedChildReady is called in a process whose pid is not the service's:
// the first time in each new child, reset the locks other threads may have
// held at fork time.
//
//go:nosplit
func forkedChildReady() bool {
	if goFS == 0 || jumpFrameOffset == 0 {
		return false
	}
	pid := rawSyscall6(39, 0, 0, 0, 0, 0, 0)
	if atomic.LoadUintptr(&forkPid) != pid {
		atomic.StoreUintptr(&forkPid, pid)
		atomic.StoreUint32(&mailbox.lock, 0)
		atomic.StoreUint32(&mailbox.state, 0)
		if atomic.LoadUintptr(&loadLock.owner) != threadPointer() {
			atomic.StoreUintptr(&loadLock.owner, 0)
			loadLock.depth = 0
			atomic.StoreUint32(&loadLock.state, 0)
		}
		inForkedChild = true
	}
	return true
}

func forkEnter()
func forkLeave()

//go:linkname exitsyscall runtime.exitsyscall
func exitsyscall()

//go:linkname entersyscall runtime.entersyscall
func entersyscall()

// forkServe serves the mailbox's request on this thread (in a forked child).
//
//go:nosplit
func forkServe() { forkEnter() }

//go:nosplit
func forkServeGo() {
	exitsyscall()
	serveMailbox()
	entersyscall()
	forkLeave()
}

//go:nosplit
func unsafePointerBytes(p *byte) unsafe.Pointer { return unsafe.Pointer(p) }

func init() {
	forkErrorC = arenaString("ldgo: dlopen and dlsym are not available in this process")
}
