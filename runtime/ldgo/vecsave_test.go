package main

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// TestLazyBindingVectorState: first calls through the PLT to functions
// taking __m256 (AVX) and double arguments get every value intact. With
// LDGO_TEST_CLOBBER_VECTORS=1 the trampoline zeroes all ymm registers after
// saving them, so only the xsave/xrstor of the whole state can make the
// values arrive; LD_BIND_NOT sends every call through the trampoline.
func TestLazyBindingVectorState(t *testing.T) {
	if b, err := os.ReadFile("/proc/cpuinfo"); err != nil || !strings.Contains(string(b), " avx ") {
		t.Skip("no AVX")
	}
	dir := t.TempDir()
	var lib, decls, calls strings.Builder
	lib.WriteString("#include <immintrin.h>\nstatic double hsum(__m256 v) { float f[8]; _mm256_storeu_ps(f, v); double s = 0; for (int i = 0; i < 8; i++) s += f[i] * (i + 1); return s; }\n")
	lib.WriteString("static double hsumd(__m256d v) { double f[4]; _mm256_storeu_pd(f, v); return f[0] + 2 * f[1] + 3 * f[2] + 4 * f[3]; }\n")
	for i := 0; i < 8; i++ {
		fmt.Fprintf(&lib, "double v%d(__m256 a, double b, __m256 c, long n, __m256d d, double e, __m256 f, __m256 g, __m256 h, __m256 k, __m256 m) {\n"+
			"\treturn hsum(a) + b * 3 + hsum(c) * 5 + n + hsumd(d) * 7 + e * 11 + hsum(f) + hsum(g) * 2 + hsum(h) * 3 + hsum(k) * 4 + hsum(m) * 5 + %d; }\n", i, i)
		fmt.Fprintf(&decls, "double v%d(__m256, double, __m256, long, __m256d, double, __m256, __m256, __m256, __m256, __m256);\n", i)
		fmt.Fprintf(&calls, "\tprintf(\"%%.3f\\n\", v%d(A, 1.25, B, 7, D, -2.5, C, A, B, C, A));\n", i)
	}
	buildC(t, dir, "gcc", "libvec.so", lib.String(), "-mavx", "-shared", "-fPIC")
	prog := buildC(t, dir, "gcc", "vecprog", "#include <stdio.h>\n#include <immintrin.h>\n"+decls.String()+
		"int main(void) {\n\t__m256 A = _mm256_setr_ps(1, 2, 3, 4, 5, 6, 7, 8), B = _mm256_setr_ps(-1, .5, 9, 10, 11, 12, 13, 14.5), C = _mm256_set1_ps(3.5);\n"+
		"\t__m256d D = _mm256_setr_pd(1.5, 2.5, -3.5, 4.5);\n"+calls.String()+calls.String()+"\treturn 0;\n}\n",
		"-mavx", "-L"+dir, "-lvec", "-Wl,-rpath,"+dir, "-Wl,-z,lazy")
	want := run(t, nil, glibcLdso, prog)
	if want.code != 0 || strings.Count(want.stdout, "\n") != 16 {
		t.Fatalf("ld.so: exit %d %q %q", want.code, want.stdout, want.stderr)
	}
	for _, env := range [][]string{nil, {"LDGO_TEST_CLOBBER_VECTORS=1"}, {"LDGO_TEST_CLOBBER_VECTORS=1", "LD_BIND_NOT=1"}} {
		got := run(t, env, ldgoPath, prog)
		if got.stdout != want.stdout || got.code != 0 {
			t.Errorf("%v: exit %d, stdout\n%s\nstderr %s\nld.so:\n%s", env, got.code, got.stdout, got.stderr, want.stdout)
		}
	}
}
