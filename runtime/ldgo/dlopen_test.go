package main

import "testing"

// TestDlopenLibm is the dlopen manual's example under ldgo.
func TestDlopenLibm(t *testing.T) {
	prog := buildC(t, t.TempDir(), "gcc", "cos", `#include <stdio.h>
#include <dlfcn.h>
#include <gnu/lib-names.h>
int main(void) {
	void *handle = dlopen(LIBM_SO, RTLD_LAZY);
	if (!handle) { fprintf(stderr, "%s\n", dlerror()); return 1; }
	dlerror();
	double (*cosine)(double) = (double (*)(double))dlsym(handle, "cos");
	char *error = dlerror();
	if (error != NULL) { fprintf(stderr, "%s\n", error); return 1; }
	printf("%f\n", (*cosine)(2.0));
	if (dlopen("libdoesnotexist.so", RTLD_NOW) == NULL) printf("%s\n", dlerror());
	if (dlsym(handle, "no_such_symbol") == NULL) printf("missing symbol ok\n");
	dlclose(handle);
	return 0;
}
`, "-ldl")
	got := compareWithGlibc(t, nil, prog)
	want := "-0.416147\nlibdoesnotexist.so: cannot open shared object file: No such file or directory\nmissing symbol ok\n"
	if got.stdout != want {
		t.Errorf("stdout %q, want %q", got.stdout, want)
	}
}

// TestPythonExtensions: python3's C extension modules are loaded through
// libc's dlopen, which glibc sends to ldgo's dlfcn hook.
func TestPythonExtensions(t *testing.T) {
	compareWithGlibc(t, nil, "/usr/bin/python3", "-c",
		"import ssl, sqlite3, ctypes, decimal, hashlib, json; print(sqlite3.sqlite_version, hashlib.sha256(b'x').hexdigest(), decimal.Decimal(1) / 7)")
}
