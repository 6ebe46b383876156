package main

import (
	"os"
	"strconv"
	"sync/atomic"
	"time"
	_ "unsafe" // go:linkname

	"golang.org/x/sys/unix"
)

// The hand-off (DESIGN-NOTES §2, "Handing the thread to the program"): the
// program runs on the main thread, on the process stack, with its own
// thread pointer. The Go runtime must not touch that thread again, and no
// Go thread may take a signal meant for the program.

//go:linkname entersyscallblock runtime.entersyscallblock
func entersyscallblock()

func jumpToProgram(sp, entry, fini, inits, tp uintptr)

// threadsBlocked counts Go threads that ran blockAllHandler.
var threadsBlocked uint64

// finiTable is the zero-terminated list of destructors finiAll runs.
var finiTable uintptr

const (
	saSiginfo  = 0x4
	saOnstack  = 0x08000000
	saRestorer = 0x04000000
	// Go leaves SIGCHLD unblocked on its threads, and debuggers pass it
	// on silently.
	sigQuiet = unix.SIGCHLD
)

// handOff gives the thread to the program; it does not return.
func handOff(ps *processStart, entry, tp, inits, fini uintptr) {
	all := ^uint64(0)
	unix.RawSyscall6(unix.SYS_RT_SIGPROCMASK, unix.SIG_BLOCK, addrOfU64(&all), 0, 8, 0, 0)
	quietOtherThreads()
	restoreDispositions()
	ss := [3]uint64{0, 2 /* SS_DISABLE */, 0}
	unix.RawSyscall(unix.SYS_SIGALTSTACK, addrOfU64(&ss[0]), 0, 0)
	if unix.Gettid() != unix.Getpid() {
		fatalf("internal error: not on the main thread at hand-off")
	}
	beforeHandOff = false
	entersyscallblock()
	jumpToProgram(ps.sp, entry, fini, inits, tp)
}

// quietOtherThreads makes every other thread of the process (all Go's)
// block all signals: each gets blockAllHandler by tgkill, which sets the
// mask the thread resumes with.
func quietOtherThreads() {
	act := [4]uint64{uint64(cFunc(funcBlockAllHandler)), saSiginfo | saOnstack | saRestorer,
		uint64(cFunc(funcSigreturn)), ^uint64(0)}
	unix.RawSyscall6(unix.SYS_RT_SIGACTION, uintptr(sigQuiet), addrOfU64(&act[0]), 0, 8, 0, 0)
	pid := unix.Getpid()
	entries, _ := os.ReadDir("/proc/self/task")
	sent := uint64(0)
	for _, e := range entries {
		tid, err := strconv.Atoi(e.Name())
		if err != nil || tid == pid || tid == serviceTid {
			continue
		}
		if unix.Tgkill(pid, tid, sigQuiet) == nil {
			sent++
		}
	}
	deadline := time.Now().Add(time.Second)
	for atomic.LoadUint64(&threadsBlocked) < sent && time.Now().Before(deadline) {
		unix.RawSyscall(unix.SYS_SCHED_YIELD, 0, 0, 0)
	}
}

// restoreDispositions puts back every signal disposition the process had at
// exec (saved by ldgoEntry before the Go runtime installed its handlers).
func restoreDispositions() {
	for sig := 1; sig < len(savedSigactions); sig++ {
		if sig == int(unix.SIGKILL) || sig == int(unix.SIGSTOP) {
			continue
		}
		unix.RawSyscall6(unix.SYS_RT_SIGACTION, uintptr(sig), addrOfU64(&savedSigactions[sig][0]), 0, 8, 0, 0)
	}
}
