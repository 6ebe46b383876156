package e2e

import (
	"os"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestVectorSystemLoader is CSAPP's example: libvector.so from gshared, the
// program from the system gcc/ld, run by the system loader lazily and with
// LD_BIND_NOW=1 (which resolves every PLT slot up front, catching broken
// relocations that lazy binding never reaches).
func TestVectorSystemLoader(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	gcc(t, dir, "-O2", "-fpic", "-c", src("vector", "addvec.c"), src("vector", "multvec.c"))
	mustGshared(t, dir, "-o", "libvector.so", "addvec.o", "multvec.o")
	// Named by path, so DT_NEEDED is "./libvector.so", found from the cwd.
	gcc(t, dir, "-o", "prog2l", src("vector", "main2.c"), "./libvector.so")
	want := readExpected(t, "vector", "expected.txt")
	for _, env := range [][]string{nil, {"LD_BIND_NOW=1"}} {
		r := run(t, runOpts{dir: dir, env: env}, "./prog2l")
		requireOutput(t, r, want, "")
	}
}

// TestCxxShared: a C++ library from g++ -fpic objects. gshared adds
// libstdc++ and libm itself (no -lstdc++ here). Checks exceptions thrown from
// and through the library, COMDAT and STB_GNU_UNIQUE sharing, and the exact
// order of static constructors and destructors.
func TestCxxShared(t *testing.T) {
	t.Parallel()
	lib := shared(t, "cxx")
	want := readExpected(t, "cxx", "expected.txt")
	for _, pie := range []string{"-pie", "-no-pie"} {
		t.Run(pie[1:], func(t *testing.T) {
			dir := t.TempDir()
			gxx(t, dir, "-O2", pie, "-o", "main", src("cxx", "main.cpp"), lib)
			for _, env := range [][]string{nil, {"LD_BIND_NOW=1"}} {
				requireOutput(t, run(t, runOpts{dir: dir, env: env}, "./main"), want, "")
			}
		})
	}
}

// TestTLSShared links the TLS library, built in each TLS model and
// optimisation level, with gshared; the executable (system gcc) uses its
// exported variable directly and through the library from two threads.
func TestTLSShared(t *testing.T) {
	t.Parallel()
	want := readExpected(t, "tls", "expected.txt")
	for _, v := range tlsVariants {
		for _, opt := range tlsOpts {
			t.Run(v.name+opt, func(t *testing.T) {
				t.Parallel()
				lib := shared(t, tlsSpecName(v.name, opt))
				dir := t.TempDir()
				gcc(t, dir, "-O2", "-o", "main", src("tls", "main.c"), lib)
				for _, env := range [][]string{nil, {"LD_BIND_NOW=1"}} {
					requireOutput(t, run(t, runOpts{dir: dir, env: env}, "./main"), want, "")
				}
			})
		}
	}
}

// requireNeeds checks that a program's DT_NEEDED names the library by its
// absolute path, so it cannot silently run against a system copy of it.
func requireNeeds(t testing.TB, prog, lib string) {
	t.Helper()
	libs := neededLibs(t, prog)
	require.Contains(t, libs, lib, "%s does not load %s", prog, lib)
}

// writeFile writes a small generated source or input file for a test.
func writeFile(t testing.TB, path, content string) {
	t.Helper()
	require.NoError(t, os.WriteFile(path, []byte(content), 0o644))
}
