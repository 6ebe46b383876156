package main

import (
	"path/filepath"
	"testing"
)

// TestPreloadWrapper: an LD_PRELOAD library wraps malloc and time with
// dlsym(RTLD_NEXT, ...), under ldgo as under glibc.
func TestPreloadWrapper(t *testing.T) {
	dir := t.TempDir()
	buildC(t, dir, "gcc", "libwrap.so", `#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
static long mallocs;
void *malloc(size_t n) {
	static void *(*real)(size_t);
	if (!real) real = (void *(*)(size_t))dlsym(RTLD_NEXT, "malloc");
	mallocs++;
	return real(n);
}
time_t time(time_t *t) {
	static time_t (*real)(time_t *);
	if (!real) real = (time_t (*)(time_t *))dlsym(RTLD_NEXT, "time");
	real(t);
	if (t) *t = 42;
	return 42;
}
__attribute__((destructor)) static void report(void) { printf("mallocs counted: %d\n", mallocs > 0); }
`, "-shared", "-fPIC", "-ldl")
	prog := buildC(t, dir, "gcc", "usewrap", `#include <stdio.h>
#include <stdlib.h>
#include <time.h>
int main(void) { char *p = malloc(100); printf("time %ld %d\n", (long)time(NULL), p != NULL); free(p); return 0; }
`)
	env := []string{"LD_PRELOAD=" + filepath.Join(dir, "libwrap.so")}
	got := compareWithGlibc(t, env, prog)
	if got.stdout != "time 42 1\nmallocs counted: 1\n" {
		t.Errorf("stdout %q", got.stdout)
	}
	// A preload that does not exist is reported and skipped, in glibc's words.
	bad := run(t, []string{"LD_PRELOAD=/nonexistent/libnope.so"}, ldgoPath, "/usr/bin/true")
	want := run(t, []string{"LD_PRELOAD=/nonexistent/libnope.so"}, glibcLdso, "/usr/bin/true")
	if bad.code != 0 || bad.stderr != want.stderr {
		t.Errorf("missing preload: exit %d, stderr %q; ld.so: %q", bad.code, bad.stderr, want.stderr)
	}
}
