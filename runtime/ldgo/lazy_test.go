package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLazyBinding: the seed example's shape — a program calling addvec in
// its own library — binds addvec at the first call, or before main with
// LD_BIND_NOW; LDGO_DEBUG=bindings says which.
func TestLazyBinding(t *testing.T) {
	dir := t.TempDir()
	buildC(t, dir, "gcc", "libvector.so", "void addvec(int *x, int *y, int *z, int n) { for (int i = 0; i < n; i++) z[i] = x[i] + y[i]; }\n", "-shared", "-fPIC")
	prog := buildC(t, dir, "gcc", "prog", `#include <stdio.h>
void addvec(int *x, int *y, int *z, int n);
int x[2] = {1, 2}, y[2] = {3, 4}, z[2];
int main(void) { addvec(x, y, z, 2); printf("z = [%d %d]\n", z[0], z[1]); return 0; }
`, "-L"+dir, "-lvector", "-Wl,-rpath,$ORIGIN", "-Wl,-z,lazy", "-Wl,-dynamic-linker,"+ldgoPath)
	for _, tc := range []struct {
		env  []string
		kind string
	}{
		{[]string{"LDGO_DEBUG=bindings"}, "lazy symbol `addvec'"},
		{[]string{"LDGO_DEBUG=bindings", "LD_BIND_NOW=1"}, "normal symbol `addvec'"},
		{[]string{"LDGO_DEBUG=bindings", "LD_BIND_NOT=1"}, "lazy symbol `addvec'"},
	} {
		got := run(t, tc.env, prog)
		if got.stdout != "z = [4 6]\n" || got.code != 0 {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", tc.env, got.code, got.stdout, got.stderr)
		}
		if !strings.Contains(got.stderr, "binding file "+prog+" [0] to "+filepath.Join(dir, "libvector.so")+" [0]: "+tc.kind) {
			t.Errorf("%v: no %q in\n%s", tc.env, tc.kind, got.stderr)
		}
	}
}

// TestLazyBindingThreads: 16 threads make the first calls to 300 unbound
// functions at once (taking float and integer arguments through the
// trampoline); every result must be right.
func TestLazyBindingThreads(t *testing.T) {
	dir := t.TempDir()
	const n = 300
	var lib, decls, calls strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&lib, "double f%d(long a, double b, long c, double d) { return a * %d + b + c + d; }\n", i, i)
		fmt.Fprintf(&decls, "double f%d(long, double, long, double);\n", i)
		fmt.Fprintf(&calls, "\tif (f%d(2, 0.5, 3, 0.25) != 2.0 * %d + 3.75) bad++;\n", i, i)
	}
	buildC(t, dir, "gcc", "libmany.so", lib.String(), "-shared", "-fPIC")
	src := "#include <stdio.h>\n#include <pthread.h>\n" + decls.String() +
		"static void *worker(void *arg) { long bad = 0;\n" + calls.String() + "\treturn (void *)bad; }\n" +
		`int main(void) {
	pthread_t t[16];
	long bad = 0;
	for (int i = 0; i < 16; i++) pthread_create(&t[i], 0, worker, 0);
	for (int i = 0; i < 16; i++) { void *r; pthread_join(t[i], &r); bad += (long)r; }
	printf("bad %ld\n", bad);
	return bad != 0;
}
`
	prog := buildC(t, dir, "gcc", "many", src, "-pthread", "-L"+dir, "-lmany", "-Wl,-rpath,"+dir, "-Wl,-z,lazy")
	for i := 0; i < 5; i++ {
		got := run(t, nil, ldgoPath, prog)
		if got.stdout != "bad 0\n" || got.code != 0 {
			t.Fatalf("run %d: exit %d, stdout %q, stderr %q", i, got.code, got.stdout, got.stderr)
		}
	}
	os.Remove(prog)
}
