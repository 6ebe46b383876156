package e2e

import (
	"testing"
)

// TestClangInputs: gshared links what clang emits for -fpic C and C++ at
// several optimisation levels, with and without debug information; the
// programs (linked by clang with the system linker) behave as with gcc's
// objects.
func TestClangInputs(t *testing.T) {
	t.Parallel()
	needTools(t, "clang", "clang++")
	wantVector := "z = [4 6]\n"
	wantCxx := readExpected(t, "cxx", "expected.txt")
	wantTLS := readExpected(t, "tls", "expected.txt")
	for _, flags := range [][]string{{"-O0", "-g"}, {"-O1"}, {"-O2", "-g"}, {"-O3"}} {
		flags := flags
		t.Run(flags[0]+map[bool]string{true: "-g", false: ""}[len(flags) > 1], func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			cc := func(tool string, args ...string) {
				mustRun(t, runOpts{dir: dir, timeout: linkTimeout}, tool, append(append([]string{}, flags...), args...)...)
			}

			cc("clang", "-fpic", "-c", src("vector", "addvec.c"), src("vector", "multvec.c"))
			mustGshared(t, dir, "-o", "libvector.so", "addvec.o", "multvec.o")
			cc("clang", "-I", src("vector"), "-o", "vector", src("vector", "main2.c"), "./libvector.so")
			requireOutput(t, mustRun(t, runOpts{dir: dir}, "./vector"), wantVector, "")

			cc("clang++", "-fpic", "-I", src("cxx"), "-c", src("cxx", "lib.cpp"), "-o", "lib.o")
			mustGshared(t, dir, "-o", "libcxxtest.so", "lib.o")
			cc("clang++", "-I", src("cxx"), "-o", "cxx", src("cxx", "main.cpp"), "./libcxxtest.so")
			requireOutput(t, mustRun(t, runOpts{dir: dir}, "./cxx"), wantCxx, "")

			cc("clang", "-fpic", "-I", src("tls"), "-c", src("tls", "tlslib.c"), "-o", "tlslib.o")
			mustGshared(t, dir, "-o", "libtlstest.so", "tlslib.o")
			cc("clang", "-pthread", "-I", src("tls"), "-o", "tls", src("tls", "main.c"), "./libtlstest.so")
			requireOutput(t, mustRun(t, runOpts{dir: dir}, "./tls"), wantTLS, "")
		})
	}
}
