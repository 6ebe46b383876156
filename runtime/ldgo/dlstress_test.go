package main

import (
	"fmt"
	"os"
	"strconv"
	"testing"
)

// TestDlcloseCycles: dlopen/dlclose cycles of a library with TLS, a
// constructor, a destructor and an atexit handler leave the file mappings of
// /proc/self/maps and VmRSS where they were (measured after 100 warm-up
// cycles, which let the Go heap of the service reach its steady size).
func TestDlcloseCycles(t *testing.T) {
	dir := t.TempDir()
	lib := buildC(t, dir, "gcc", "libcyc.so", cyclesLib, "-shared", "-fPIC")
	prog := buildC(t, dir, "gcc", "cycles", cyclesMain, "-ldl")
	got := compareWithGlibc(t, nil, prog, lib, "10000")
	want := "sum 70398 destructors+atexit 1020100\nmaps same\nrss within 1 MB\n"
	if got.stdout != want {
		t.Errorf("stdout %q, want %q (stderr %q)", got.stdout, want, got.stderr)
	}
}

// TestDlopenThreads: 8 threads call dlopen, dlsym and dlclose on their own
// libraries (with TLS and a constructor) for LDGO_DLSTRESS_SECONDS (3 by
// default; the acceptance run uses 10): no crash, no deadlock, every symbol
// right, dlerror per thread.
func TestDlopenThreads(t *testing.T) {
	secs := 3.0
	if s, err := strconv.ParseFloat(os.Getenv("LDGO_DLSTRESS_SECONDS"), 64); err == nil && s > 0 {
		secs = s
	}
	dir := t.TempDir()
	for i := 0; i < 8; i++ {
		buildC(t, dir, "gcc", fmt.Sprintf("libthr%d.so", i), threadsLib, "-shared", "-fPIC", fmt.Sprintf("-DID=%d", i))
	}
	prog := buildC(t, dir, "gcc", "thr", threadsMain, "-ldl", "-pthread")
	got := run(t, nil, ldgoPath, prog, dir, strconv.FormatFloat(secs, 'f', -1, 64))
	if got.stdout != "threads ok\n" || got.code != 0 {
		t.Errorf("exit %d, stdout %q, stderr %q", got.code, got.stdout, got.stderr)
	}
	t.Logf("%s", got.stderr)
}

const cyclesLib = `#include <stdlib.h>
__thread int tcount = 3;
__thread char tbuf[5000];
static int ctors, dtors;
int *dtor_counter;
static void at(void) { if (dtor_counter) (*dtor_counter) += 100; }
__attribute__((constructor)) static void c(void) { ctors++; atexit(at); }
__attribute__((destructor)) static void d(void) { if (dtor_counter) (*dtor_counter)++; }
int work(int x) { tcount += x; tbuf[x % 5000] = 1; return tcount + ctors; }
`

const cyclesMain = `#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dlfcn.h>
/* File-backed mappings: what a library left mapped would add. Anonymous
   ones (the loader's Go heap arenas, malloc's) are judged by the RSS bound:
   a new heap arena reservation is address space, not a leak of the object. */
static long maps(void) { FILE *f = fopen("/proc/self/maps", "r"); char l[4096]; long n = 0; while (fgets(l, sizeof l, f)) if (strchr(l, '/')) n++; fclose(f); return n; }
static long rss(void) { FILE *f = fopen("/proc/self/status", "r"); char l[4096]; long v = 0; while (fgets(l, sizeof l, f)) if (!strncmp(l, "VmRSS:", 6)) v = atol(l + 6); fclose(f); return v; }
static int cycle(const char *lib, int i, int *counter) {
	void *h = dlopen(lib, RTLD_NOW);
	if (!h) { printf("%s\n", dlerror()); exit(1); }
	*(int **)dlsym(h, "dtor_counter") = counter;
	int r = ((int (*)(int))dlsym(h, "work"))(i);
	if (dlclose(h)) { printf("dlclose: %s\n", dlerror()); exit(1); }
	return r;
}
int main(int argc, char **argv) {
	int n = atoi(argv[2]), counter = 0;
	long sum = 0; for (int i = 0; i < 100; i++) sum += cycle(argv[1], 0, &counter);
	long m0 = maps(), r0 = rss();
	for (int i = 1; i <= n; i++) sum += cycle(argv[1], i % 7, &counter);
	long m1 = maps(), r1 = rss();
	printf("sum %ld destructors+atexit %d\n", sum, counter);
	printf("maps %s\n", m1 == m0 ? "same" : "differ");
	printf("rss %s\n", r1 - r0 <= 1024 ? "within 1 MB" : "grew");
	fprintf(stderr, "maps %ld -> %ld, rss %ld -> %ld kB\n", m0, m1, r0, r1);
	return 0;
}
`

const threadsLib = `__thread int tv = ID;
static int inited;
__attribute__((constructor)) static void c(void) { inited = 1; }
int ident(void) { tv++; return inited ? ID : -1; }
`

const threadsMain = `#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dlfcn.h>
#include <pthread.h>
#include <time.h>
static const char *dir; static double secs; static int bad;
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec / 1e9; }
static void *run(void *a) {
	long k = (long)a; char path[4096]; long n = 0;
	snprintf(path, sizeof path, "%s/libthr%ld.so", dir, k);
	double end = now() + secs;
	while (now() < end) {
		void *h = dlopen(path, (n & 1) ? RTLD_NOW : RTLD_LAZY);
		if (!h) { printf("thread %ld: %s\n", k, dlerror()); bad = 1; break; }
		int (*f)(void) = (int (*)(void))dlsym(h, "ident");
		if (!f || f() != k) { printf("thread %ld: wrong symbol\n", k); bad = 1; }
		if (dlsym(h, "nosuch")) bad = 1;
		const char *e = dlerror();
		if (!e || !strstr(e, path) || dlerror()) { printf("thread %ld: dlerror %s\n", k, e ? e : "(null)"); bad = 1; }
		if (dlclose(h)) { printf("thread %ld: dlclose %s\n", k, dlerror()); bad = 1; }
		n++;
	}
	return (void *)n;
}
int main(int argc, char **argv) {
	dir = argv[1]; secs = atof(argv[2]);
	pthread_t t[8]; long total = 0;
	for (long i = 0; i < 8; i++) pthread_create(&t[i], 0, run, (void *)i);
	for (int i = 0; i < 8; i++) { void *r; pthread_join(t[i], &r); if ((long)r == 0) bad = 1; total += (long)r; }
	fprintf(stderr, "%ld cycles\n", total);
	printf("%s\n", bad ? "FAILED" : "threads ok");
	return bad;
}
`

// TestDlopenForkedChild: Python's multiprocessing with the fork start
// method imports extension modules in its workers; a forked child has no
// service thread, and serves dlopen on its own thread (dlfork.go).
func TestDlopenForkedChild(t *testing.T) {
	got := compareWithGlibc(t, nil, "/usr/bin/python3", "-c", `import multiprocessing as mp
def work(i):
    import _ssl, _sqlite3, _decimal
    import ssl, sqlite3, decimal
    return (i, sqlite3.sqlite_version_info[0], str(decimal.Decimal(1) / 7)[:5], ssl.OPENSSL_VERSION[:7])
if __name__ == "__main__":
    mp.set_start_method("fork")
    with mp.Pool(4) as p:
        print(p.map(work, range(8)))
`)
	if got.code != 0 || got.stdout == "" {
		t.Errorf("exit %d, stdout %q, stderr %q", got.code, got.stdout, got.stderr)
	}
}

// TestDlopenTLSThreads: 8 threads each dlopen, use and dlclose their own
// library with dynamic TLS for 3 s, module ids passing from thread to
// thread; every cycle must see a freshly initialized block. Each thread
// drops the entries of unloaded modules itself (sweepDTV), as glibc's
// generations do, so dlclose never writes into another thread's DTV.
func TestDlopenTLSThreads(t *testing.T) {
	dir := t.TempDir()
	for i := 0; i < 8; i++ {
		buildC(t, dir, "gcc", fmt.Sprintf("libtl%d.so", i), "__thread int v = 42;\n__thread char big[8192];\nint use(void) { big[100]++; return v++ + big[100]; }\n", "-shared", "-fpic")
	}
	src, err := os.ReadFile("testdata/tlsrace.c")
	if err != nil {
		t.Fatal(err)
	}
	prog := buildC(t, dir, "gcc", "tlsrace", string(src), "-lpthread", "-ldl")
	got := compareWithGlibc(t, nil, prog, dir, "3")
	if got.stdout != "tls ok\n" {
		t.Errorf("stdout %q, stderr %q", got.stdout, got.stderr)
	}
}
