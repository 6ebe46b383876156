package main

// GLRO(dl_dlfcn_hook): glibc's libc sends dlopen, dlsym, dlclose, dlerror,
// dladdr, dlinfo, dlmopen and its internal __libc_dlopen_mode (NSS, iconv,
// libgcc_s) here when ld.so is not active. Loading at run time is not done
// yet (issue 5): these report a clean failure, so that callers that can live
// without the library (NSS modules, for one) go on.

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
	dlErrorText = arenaString("ldgo: dlopen is not supported yet")
	return dlfcnHook
}

// dlErrorText is the C string dlerror returns; dlErrorPending says whether
// an error is waiting (dlerror clears it).
var dlErrorText, dlErrorPending uintptr

//go:nosplit
func failDl() uintptr { dlErrorPending = 1; return 0 }

//go:nosplit
func hookDlopen(_, _, _, _ uintptr) uintptr { return failDl() }

//go:nosplit
func hookDlmopen(_, _, _, _ uintptr) uintptr { return failDl() }

//go:nosplit
func hookDlclose(_, _, _, _ uintptr) uintptr { failDl(); return ^uintptr(0) }

//go:nosplit
func hookDlsym(_, _, _, _ uintptr) uintptr { return failDl() }

//go:nosplit
func hookDlvsym(_, _, _, _ uintptr) uintptr { return failDl() }

//go:nosplit
func hookDlerror(_, _, _, _ uintptr) uintptr {
	if dlErrorPending == 0 {
		return 0
	}
	dlErrorPending = 0
	return dlErrorText
}

//go:nosplit
func hookDladdr(_, _, _, _ uintptr) uintptr { return 0 }

//go:nosplit
func hookDladdr1(_, _, _, _ uintptr) uintptr { return 0 }

//go:nosplit
func hookDlinfo(_, _, _, _ uintptr) uintptr { failDl(); return ^uintptr(0) }

//go:nosplit
func hookLibcDlopenMode(_, _, _, _ uintptr) uintptr { return 0 }

//go:nosplit
func hookLibcDlsym(_, _, _, _ uintptr) uintptr { return 0 }

//go:nosplit
func hookLibcDlvsym(_, _, _, _ uintptr) uintptr { return 0 }

//go:nosplit
func hookLibcDlclose(_, _, _, _ uintptr) uintptr { return 0 }
