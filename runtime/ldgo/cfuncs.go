package main

// Addresses of the loader's C-callable functions (cabi_amd64.s), in the
// order of cFuncTable.
const (
	funcDlAllocateTLS = iota
	funcDlAllocateTLSInit
	funcDlDeallocateTLS
	funcTLSGetAddr
	funcFindObject
	funcDlopen
	funcDlclose
	funcDlsym
	funcDlvsym
	funcDlerror
	funcDladdr
	funcDladdr1
	funcDlinfo
	funcDlmopen
	funcLibcDlopenMode
	funcLibcDlsym
	funcLibcDlvsym
	funcLibcDlclose
	funcFini
	funcBlockAllHandler
	funcSigreturn
	funcDebugState
)

func cFuncAddrs() uintptr

// cFunc returns the run-time address of C-ABI entry point i.
func cFunc(i int) uintptr { return getPtr(cFuncAddrs() + uintptr(i)*8) }

// callC calls a C function on the loader's C stack (see cabi_amd64.s).
func callC(fn, a1, a2, a3 uintptr) uintptr

var cStackTop uintptr

// initCStack maps the stack callC runs C code on.
func initCStack() { cStackTop = mapStack(1 << 20) }

// providedSymbols are the symbols ldgo itself defines for glibc's libc, in
// place of ld.so's versions that would need ld.so's own malloc and state.
func providedSymbols() map[string]uintptr {
	return map[string]uintptr{
		"__tls_get_addr":        cFunc(funcTLSGetAddr),
		"_dl_allocate_tls":      cFunc(funcDlAllocateTLS),
		"_dl_allocate_tls_init": cFunc(funcDlAllocateTLSInit),
		"_dl_deallocate_tls":    cFunc(funcDlDeallocateTLS),
	}
}
