package e2e

import (
	"debug/elf"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestGoldProg2l is CSAPP's example linked by gold under its own name (which
// adds the C runtime like gcc does), against a gshared library, with the
// system loader until ldgo is ready.
func TestGoldProg2l(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	vectorObjects(t, dir)
	gcc(t, dir, "-O2", "-c", src("vector", "main2.c"))
	mustGshared(t, dir, "-o", "libvector.so", "addvec.o", "multvec.o")
	r := run(t, runOpts{dir: dir, timeout: linkTimeout}, tool(t, "gold"),
		"-dynamic-linker", systemLoader, "-o", "prog2l", "main2.o", "./libvector.so")
	require.True(t, r.ok(), "gold failed:\n%s", r)
	require.Empty(t, r.stderr, "gold printed diagnostics for a valid link:\n%s", r)
	// CSAPP's form: the library named by path is recorded as such.
	require.Contains(t, neededLibs(t, filepath.Join(dir, "prog2l")), "./libvector.so")
	want := readExpected(t, "vector", "expected.txt")
	for _, env := range [][]string{nil, {"LD_BIND_NOW=1"}} {
		requireOutput(t, run(t, runOpts{dir: dir, env: env}, "./prog2l"), want, "")
	}
}

// gccGold runs gcc (or g++) with gold as its linker: gcc looks for "ld" in
// the -B directory first, where install.sh links it to gold.
func gccGold(t testing.TB, driver, dir string, args ...string) {
	t.Helper()
	b := goldBDir(t)
	// Make sure gcc really picks gold, or the test would prove nothing.
	r := mustRun(t, runOpts{dir: dir}, driver, "-B", b, "-print-prog-name=ld")
	require.Equal(t, filepath.Join(b, "ld"), strings.TrimSpace(r.stdout))
	mustRun(t, runOpts{dir: dir, timeout: linkTimeout}, driver, append([]string{"-B", b}, args...)...)
}

// outputKinds are the executable kinds gcc asks ld for.
var outputKinds = []struct {
	flag   string
	typ    elf.Type
	interp bool // has PT_INTERP
}{
	{"-pie", elf.ET_DYN, true},
	{"-no-pie", elf.ET_EXEC, true},
	{"-static", elf.ET_EXEC, false},
	{"-static-pie", elf.ET_DYN, false},
}

// requireKind checks an executable's ELF type and interpreter.
func requireKind(t testing.TB, path string, typ elf.Type, interp bool) {
	t.Helper()
	f := openELF(t, path)
	require.Equal(t, typ, f.Type, "ELF type")
	has := false
	for _, p := range f.Progs {
		has = has || p.Type == elf.PT_INTERP
	}
	require.Equal(t, interp, has, "PT_INTERP")
}

// TestGccWithGold: gold as a drop-in GNU ld under gcc, for every output kind.
func TestGccWithGold(t *testing.T) {
	t.Parallel()
	for _, k := range outputKinds {
		t.Run("c"+k.flag, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			gccGold(t, "gcc", dir, "-O2", k.flag, "-o", "hello", src("hello", "hello.c"))
			requireKind(t, filepath.Join(dir, "hello"), k.typ, k.interp)
			requireOutput(t, run(t, runOpts{dir: dir}, "./hello"), readExpected(t, "hello", "expected_c.txt"), "")
		})
	}
	for _, k := range outputKinds[:2] {
		t.Run("c++"+k.flag, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			gccGold(t, "g++", dir, "-O2", k.flag, "-o", "hello", src("hello", "hello.cpp"))
			requireKind(t, filepath.Join(dir, "hello"), k.typ, k.interp)
			for _, env := range [][]string{nil, {"LD_BIND_NOW=1"}} {
				requireOutput(t, run(t, runOpts{dir: dir, env: env}, "./hello"), readExpected(t, "hello", "expected_cpp.txt"), "")
			}
		})
	}
}

// TestCopyRelocs: copy relocations of libc data and IFUNC address equality,
// for every output kind. The program's own comment explains what it checks;
// its expected output was produced with ld.lld (GNU ld gets the IFUNC address
// wrong in -pie and -static-pie).
func TestCopyRelocs(t *testing.T) {
	t.Parallel()
	want := readExpected(t, "copyreloc", "expected.txt")
	for _, k := range outputKinds {
		t.Run(k.flag[1:], func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			gccGold(t, "gcc", dir, "-O2", k.flag, "-o", "prog", src("copyreloc", "main.c"), src("copyreloc", "other.c"))
			requireKind(t, filepath.Join(dir, "prog"), k.typ, k.interp)
			if k.flag == "-no-pie" {
				requireReloc(t, filepath.Join(dir, "prog"), elf.R_X86_64_COPY)
			}
			for _, env := range [][]string{nil, {"LD_BIND_NOW=1"}} {
				requireOutput(t, run(t, runOpts{dir: dir, env: env}, "./prog", "-a", "-b", "value", "rest"), want, "")
			}
		})
	}
}

// requireReloc checks that a file has at least one dynamic relocation of a
// type, so a test really exercises what it claims to.
func requireReloc(t testing.TB, path string, typ elf.R_X86_64) {
	t.Helper()
	r := mustRun(t, runOpts{dir: filepath.Dir(path)}, "readelf", "-r", "-W", path)
	require.Contains(t, r.stdout, typ.String(), "%s has no %v relocation", path, typ)
}

// TestCxxThreads: std::thread, thread_local and an exception carried between
// threads, in a gshared C++ library; the executable is linked both by the
// system g++ (testing gshared alone) and by g++ with gold.
func TestCxxThreads(t *testing.T) {
	t.Parallel()
	lib := shared(t, "cxxthreads")
	want := readExpected(t, "cxx", "threads_expected.txt")
	for _, linker := range []string{"system", "gold"} {
		for _, pie := range []string{"-pie", "-no-pie"} {
			t.Run(linker+pie, func(t *testing.T) {
				t.Parallel()
				dir := t.TempDir()
				args := []string{"-O2", pie, "-o", "main", src("cxx", "threads_main.cpp"), lib}
				if linker == "gold" {
					gccGold(t, "g++", dir, args...)
				} else {
					gxx(t, dir, args...)
				}
				for _, env := range [][]string{nil, {"LD_BIND_NOW=1"}} {
					requireOutput(t, run(t, runOpts{dir: dir, env: env}, "./main"), want, "")
				}
			})
		}
	}
}

// TestCxxSharedWithGold: the C++ exception/ctor-order program of
// TestCxxShared with the executable linked by gold.
func TestCxxSharedWithGold(t *testing.T) {
	t.Parallel()
	lib := shared(t, "cxx")
	want := readExpected(t, "cxx", "expected.txt")
	for _, pie := range []string{"-pie", "-no-pie"} {
		t.Run(pie[1:], func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			gccGold(t, "g++", dir, "-O2", pie, "-o", "main", src("cxx", "main.cpp"), lib)
			requireOutput(t, run(t, runOpts{dir: dir}, "./main"), want, "")
		})
	}
}
