package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// buildNamespaceTest builds testdata/nstest.c and its libraries: two
// built without a C library (a counter with inc/get, and a user of inc)
// and one that uses libc.
func buildNamespaceTest(t *testing.T) (dir, prog string) {
	dir = t.TempDir()
	src, err := os.ReadFile("testdata/nstest.c")
	if err != nil {
		t.Fatal(err)
	}
	buildC(t, dir, "gcc", "libcounter.so", "static int counter;\nint inc(void) { return ++counter; }\nint get(void) { return counter; }\n", "-nostdlib", "-shared", "-fpic")
	buildC(t, dir, "gcc", "libuser.so", "int inc(void);\nint inc_twice(void) { inc(); return inc(); }\n", "-nostdlib", "-shared", "-fpic")
	buildC(t, dir, "gcc", "libwithlibc.so", "#include <string.h>\n#include <stdlib.h>\nint slen(const char *s) { char *p = strdup(s); int n = strlen(p); free(p); return n; }\nvoid *malloc_addr(void) { return (void *)&malloc; }\n", "-shared", "-fpic")
	prog = buildC(t, dir, "gcc", "nstest", string(src), "-ldl")
	return dir, prog
}

// TestDlmopenGlibcCommon: 15 namespaces (glibc's most: 16 slots, the base
// one included) print the same under ld.so and ldgo: lmids, independent
// counters, _dl_find_object, dl_iterate_phdr from the base namespace, the
// same file again in its namespace, binding within a namespace, isolation
// from the base namespace, a libc-using library, glibc's errors, and
// namespaces freed by dlclose.
func TestDlmopenGlibcCommon(t *testing.T) {
	dir, prog := buildNamespaceTest(t)
	got := compareWithGlibc(t, nil, prog, "15", dir)
	if !strings.Contains(got.stdout, "counters independent: 1\n") || !strings.Contains(got.stdout, "mapped after closing: 0\n") {
		t.Errorf("stdout:\n%s", got.stdout)
	}
	// glibc has no 16th namespace to give.
	r := run(t, nil, glibcLdso, prog, "16", dir)
	if !strings.Contains(r.stdout, "no more namespaces available for dlmopen()") {
		t.Errorf("ld.so with 16 namespaces: %q", r.stdout)
	}
}

// TestDlmopen256: 256 namespaces under ldgo, each with its own copy of the
// counter library.
func TestDlmopen256(t *testing.T) {
	dir, prog := buildNamespaceTest(t)
	r := run(t, nil, ldgoPath, prog, "256", dir, "ldgo")
	want := `256 namespaces, lmids distinct 1, first 1
counters independent: 1
_dl_find_object finds every copy: 1
dl_iterate_phdr from the base namespace sees 241 copies
same file again in its namespace: same handle
user in namespace same: inc_twice 3, counter 0 now 3
RTLD_DEFAULT inc: not found
base copy: lmid 0, counter 0
user in the base namespace: undefined inc
slen 9
libc shared with the base namespace: yes
NEWLM|GLOBAL: invalid mode: Invalid argument
bad lmid: ` + filepath.Join(dir, "libcounter.so") + `: invalid target namespace in dlmopen(): Invalid argument
NULL file: invalid namespace: Invalid argument
mapped before closing: 1
mapped after closing: 0
new namespace after closing: lmid 1, counter 0
`
	if r.code != 0 || r.stdout != want {
		t.Errorf("exit %d\nstdout:\n%s\nstderr:\n%s\nwant:\n%s", r.code, r.stdout, r.stderr, want)
	}
}
