package main

import "golang.org/x/sys/unix"

// faultSignals are what a fault in C code raises.
var faultSignals = [...]unix.Signal{unix.SIGSEGV, unix.SIGBUS, unix.SIGILL, unix.SIGFPE, unix.SIGTRAP, unix.SIGSYS}

// beforeHandOff is true until handOff gives the main thread to the program.
var beforeHandOff = true

// runResolver calls an ifunc or IRELATIVE resolver and returns the function
// it picks. Before the hand-off a fault in it (a corrupt library's resolver
// is garbage) must end the process by its signal, as it ends glibc's
// ld.so, so the call runs with the dispositions the process had at exec
// for faultSignals: Go's handler would turn the fault into a panic that
// cannot unwind through callC's switch to the C stack, and the loader
// would die printing a Go traceback instead. After the hand-off (dlopen,
// dlsym) the process's dispositions are the program's business.
func runResolver(fn uintptr) uintptr {
	if !beforeHandOff {
		return callC(fn, 0, 0, 0)
	}
	var goHandlers [len(faultSignals)][4]uint64
	for i, sig := range faultSignals {
		unix.RawSyscall6(unix.SYS_RT_SIGACTION, uintptr(sig), addrOfU64(&savedSigactions[sig][0]), addrOfU64(&goHandlers[i][0]), 8, 0, 0)
	}
	v := callC(fn, 0, 0, 0)
	for i, sig := range faultSignals {
		unix.RawSyscall6(unix.SYS_RT_SIGACTION, uintptr(sig), addrOfU64(&goHandlers[i][0]), 0, 8, 0, 0)
	}
	return v
}
