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

// TestDlopenTLS: libraries with __thread variables loaded by dlopen while a
// thread already runs (general-dynamic TLS, and initial-exec TLS placed in
// the static surplus), used by that thread, the main thread and a thread
// created afterwards on a reused stack.
func TestDlopenTLS(t *testing.T) {
	dir := t.TempDir()
	buildC(t, dir, "gcc", "libtlslib.so", "__thread int counter = 100;\n__thread char big[3000];\nint bump(void) { big[10]++; return ++counter + big[10]; }\n", "-shared", "-fPIC")
	buildC(t, dir, "gcc", "libtlsie.so", "__attribute__((tls_model(\"initial-exec\"))) __thread int ie = 7;\nint getie(void) { return ++ie; }\n", "-shared", "-fPIC")
	prog := buildC(t, dir, "gcc", "usetls", `#include <stdio.h>
#include <dlfcn.h>
#include <pthread.h>
static int (*bump)(void), (*getie)(void);
static pthread_barrier_t b1, b2;
static void *early(void *a) {
	pthread_barrier_wait(&b1);
	pthread_barrier_wait(&b2);
	int x = bump();
	x += bump();
	return (void *)(long)(x * 100 + getie());
}
static void *late(void *a) { return (void *)(long)(bump() * 100 + getie()); }
int main(void) {
	pthread_barrier_init(&b1, 0, 2);
	pthread_barrier_init(&b2, 0, 2);
	pthread_t t;
	pthread_create(&t, 0, early, 0);
	pthread_barrier_wait(&b1);
	void *h = dlopen("libtlslib.so", RTLD_NOW), *h2 = dlopen("libtlsie.so", RTLD_NOW);
	if (!h || !h2) { printf("%s\n", dlerror()); return 1; }
	bump = (int (*)(void))dlsym(h, "bump");
	getie = (int (*)(void))dlsym(h2, "getie");
	pthread_barrier_wait(&b2);
	void *r;
	pthread_join(t, &r);
	printf("early %ld\n", (long)r);
	printf("main %d %d\n", bump(), getie());
	pthread_create(&t, 0, late, 0);
	pthread_join(t, &r);
	printf("late %ld\n", (long)r);
	return 0;
}
`, "-pthread", "-ldl")
	got := compareWithGlibc(t, []string{"LD_LIBRARY_PATH=" + dir}, prog)
	if got.stdout != "early 20608\nmain 102 8\nlate 10208\n" {
		t.Errorf("stdout %q", got.stdout)
	}
}

// TestDlopenGlobalLazy: a lazily bound call from the initial set finds a
// symbol that only a library opened later with RTLD_GLOBAL defines.
func TestDlopenGlobalLazy(t *testing.T) {
	dir := t.TempDir()
	lib := buildC(t, dir, "gcc", "libglob.so", "int later(void) { return 77; }\n", "-shared", "-fPIC")
	buildC(t, dir, "gcc", "libdep.so", "int later(void);\nint dep_call(void) { return later(); }\n", "-shared", "-fPIC", "-Wl,-z,lazy")
	prog := buildC(t, dir, "gcc", "glob", `#include <stdio.h>
#include <dlfcn.h>
int dep_call(void);
int main(void) {
	if (!dlopen("`+lib+`", RTLD_NOW | RTLD_GLOBAL)) { printf("%s\n", dlerror()); return 1; }
	printf("later %d\n", dep_call());
	return 0;
}
`, "-L"+dir, "-ldep", "-Wl,-rpath,"+dir, "-ldl", "-Wl,-z,lazy", "-Wl,--allow-shlib-undefined")
	if got := compareWithGlibc(t, nil, prog); got.stdout != "later 77\n" {
		t.Errorf("stdout %q", got.stdout)
	}
}
