package e2e

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// vectorObjects compiles addvec.o and multvec.o into dir (extra flags first).
func vectorObjects(t testing.TB, dir string, flags ...string) {
	t.Helper()
	args := append(append([]string{"-O2", "-fpic"}, flags...), "-c", src("vector", "addvec.c"), src("vector", "multvec.c"))
	gcc(t, dir, args...)
}

// runProg2l links main2.c against lib with the system gcc and checks that it
// prints z = [4 6], lazily and with LD_BIND_NOW=1.
func runProg2l(t testing.TB, dir, lib string, ldflags ...string) {
	t.Helper()
	gcc(t, dir, append([]string{"-o", "prog2l", src("vector", "main2.c"), lib}, ldflags...)...)
	for _, env := range [][]string{nil, {"LD_BIND_NOW=1"}} {
		requireOutput(t, run(t, runOpts{dir: dir, env: env}, "./prog2l"), "z = [4 6]\n", "")
	}
}

func TestOptionSoname(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	vectorObjects(t, dir)
	mustGshared(t, dir, "-soname", "libvector.so.1", "-o", "libvector.so.1", "addvec.o", "multvec.o")
	require.Equal(t, []string{"libvector.so.1"}, dynStrings(t, filepath.Join(dir, "libvector.so.1"), elf.DT_SONAME))
	// The program records the soname, not the path, and finds it by RUNPATH.
	runProg2l(t, dir, filepath.Join(dir, "libvector.so.1"), "-Wl,-rpath,"+dir)
	needed := neededLibs(t, filepath.Join(dir, "prog2l"))
	require.Contains(t, needed, "libvector.so.1")
	require.NotContains(t, needed, filepath.Join(dir, "libvector.so.1"))
}

// TestOptionRpathAndLibraries: a library that needs another one, found by
// -L/-l at link time and by -rpath '$ORIGIN/sub' at run time.
func TestOptionRpathAndLibraries(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	sub := filepath.Join(dir, "sub")
	require.NoError(t, os.Mkdir(sub, 0o755))
	vectorObjects(t, dir)
	mustGshared(t, dir, "-o", "sub/libaddvec.so", "addvec.o")
	writeFile(t, filepath.Join(dir, "outer.c"), `#include "vector.h"
int outer(void) { int x[2] = {1, 2}, y[2] = {3, 4}, z[2]; addvec(x, y, z, 2); return z[0] * 10 + z[1]; }
`)
	gcc(t, dir, "-O2", "-fpic", "-I", src("vector"), "-c", "outer.c")
	mustGshared(t, dir, "-o", "libouter.so", "outer.o", "-L", "sub", "-laddvec", "-rpath", "$ORIGIN/sub")
	lib := filepath.Join(dir, "libouter.so")
	require.Contains(t, neededLibs(t, lib), "libaddvec.so")
	paths := append(dynStrings(t, lib, elf.DT_RUNPATH), dynStrings(t, lib, elf.DT_RPATH)...)
	require.Equal(t, []string{"$ORIGIN/sub"}, paths, "DT_RUNPATH/DT_RPATH")

	writeFile(t, filepath.Join(dir, "main.c"), `#include <stdio.h>
int outer(void);
int main(void) { printf("outer=%d\n", outer()); return 0; }
`)
	gcc(t, dir, "-o", "prog", "main.c", lib, "-Wl,-rpath-link,"+sub)
	for _, env := range [][]string{nil, {"LD_BIND_NOW=1"}} {
		requireOutput(t, run(t, runOpts{dir: dir, env: env}, "./prog"), "outer=46\n", "")
	}
}

func TestOptionZFlags(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	vectorObjects(t, dir)
	mustGshared(t, dir, "-z", "now", "-z", "relro", "-z", "noexecstack", "-o", "libvector.so", "addvec.o", "multvec.o")
	lib := filepath.Join(dir, "libvector.so")
	flags := append(dynValues(t, lib, elf.DT_FLAGS), 0)[0]
	flags1 := append(dynValues(t, lib, elf.DT_FLAGS_1), 0)[0]
	require.True(t, flags&uint64(elf.DF_BIND_NOW) != 0 || flags1&uint64(elf.DF_1_NOW) != 0,
		"-z now: neither DF_BIND_NOW (DT_FLAGS=%#x) nor DF_1_NOW (DT_FLAGS_1=%#x)", flags, flags1)
	var relro, stack *elf.Prog
	for _, p := range openELF(t, lib).Progs {
		switch p.Type {
		case elf.PT_GNU_RELRO:
			relro = p
		case elf.PT_GNU_STACK:
			stack = p
		}
	}
	require.NotNil(t, relro, "-z relro: no PT_GNU_RELRO")
	require.NotNil(t, stack, "-z noexecstack: no PT_GNU_STACK")
	require.Zero(t, stack.Flags&elf.PF_X, "-z noexecstack: PT_GNU_STACK is executable")
	runProg2l(t, dir, lib)
}

// buildID returns the NT_GNU_BUILD_ID note's descriptor, or nil.
func buildID(t testing.TB, path string) []byte {
	t.Helper()
	s := openELF(t, path).Section(".note.gnu.build-id")
	if s == nil {
		return nil
	}
	b, err := s.Data()
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(b), 16, "short build-id note")
	namesz, descsz, typ := binary.LittleEndian.Uint32(b), binary.LittleEndian.Uint32(b[4:]), binary.LittleEndian.Uint32(b[8:])
	require.Equal(t, uint32(4), namesz)
	require.Equal(t, uint32(3), typ, "note type is not NT_GNU_BUILD_ID")
	require.Equal(t, "GNU\x00", string(b[12:16]))
	require.GreaterOrEqual(t, len(b), 16+int(descsz))
	return b[16 : 16+descsz]
}

// TestOptionBuildID: --build-id writes an NT_GNU_BUILD_ID note that depends
// on the contents. (Without the option nothing is checked: Debian's gcc
// passes --build-id to ld by default, and gshared may do the same.)
func TestOptionBuildID(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	vectorObjects(t, dir)
	mustGshared(t, dir, "--build-id", "-o", "libvector.so", "addvec.o", "multvec.o")
	mustGshared(t, dir, "--build-id", "-o", "libaddvec.so", "addvec.o")
	id1 := buildID(t, filepath.Join(dir, "libvector.so"))
	id2 := buildID(t, filepath.Join(dir, "libaddvec.so"))
	require.GreaterOrEqual(t, len(id1), 8, "build-id too short: %x", id1)
	require.NotEqual(t, make([]byte, len(id1)), id1, "build-id is all zeros")
	require.NotEqual(t, id1, id2, "different libraries got the same build-id")
	runProg2l(t, dir, filepath.Join(dir, "libvector.so"))

	// Every hashing style gives ld's 20 bytes; sha1 and the default (fast)
	// hash the pieces differently, so their ids differ.
	mustGshared(t, dir, "--build-id=sha1", "-o", "libsha1.so", "addvec.o", "multvec.o")
	idSHA1 := buildID(t, filepath.Join(dir, "libsha1.so"))
	require.Len(t, id1, 20)
	require.Len(t, idSHA1, 20)
	require.NotEqual(t, id1, idSHA1, "--build-id=sha1 gave the fast style's id")
}

// TestOptionHashStyle: the loader must find symbols through whichever table
// is present, so each style is also run.
func TestOptionHashStyle(t *testing.T) {
	t.Parallel()
	for _, style := range []string{"gnu", "sysv", "both"} {
		t.Run(style, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			vectorObjects(t, dir)
			mustGshared(t, dir, "--hash-style="+style, "-o", "libvector.so", "addvec.o", "multvec.o")
			lib := filepath.Join(dir, "libvector.so")
			f := openELF(t, lib)
			wantGNU, wantSysV := style != "sysv", style != "gnu"
			require.Equal(t, wantGNU, f.Section(".gnu.hash") != nil, ".gnu.hash")
			require.Equal(t, wantSysV, f.Section(".hash") != nil, ".hash")
			require.Equal(t, wantGNU, len(dynValues(t, lib, elf.DT_GNU_HASH)) == 1, "DT_GNU_HASH")
			require.Equal(t, wantSysV, len(dynValues(t, lib, elf.DT_HASH)) == 1, "DT_HASH")
			runProg2l(t, dir, lib)
		})
	}
}

func TestOptionStrip(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	vectorObjects(t, dir, "-g")
	for _, c := range []struct {
		flag          string
		symtab, debug bool
	}{{"", true, true}, {"-S", true, false}, {"-s", false, false}} {
		name := "lib" + strings.TrimPrefix(c.flag, "-") + ".so"
		args := []string{"-o", name, "addvec.o", "multvec.o"}
		if c.flag != "" {
			args = append(args, c.flag)
		}
		mustGshared(t, dir, args...)
		f := openELF(t, filepath.Join(dir, name))
		require.Equal(t, c.symtab, f.Section(".symtab") != nil, "%q: .symtab", c.flag)
		require.Equal(t, c.debug, f.Section(".debug_info") != nil, "%q: .debug_info", c.flag)
		// Stripping must not touch what the loader needs.
		require.True(t, exportNames(t, filepath.Join(dir, name))["addvec"], "%q: addvec not exported", c.flag)
	}
	runProg2l(t, dir, filepath.Join(dir, "lib.so"))
	runProg2l(t, dir, filepath.Join(dir, "libs.so"))
}

// TestOptionZDefs: undefined symbols are allowed in a shared library unless
// -z defs asks for them to be errors.
func TestOptionZDefs(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "undef.c"), "int missing_function_e2e(void);\nint f(void) { return missing_function_e2e(); }\n")
	gcc(t, dir, "-O2", "-fpic", "-c", "undef.c")
	mustGshared(t, dir, "-o", "liballowed.so", "undef.o")
	r := gshared(t, dir, "-z", "defs", "-o", "libdefs.so", "undef.o")
	require.NoError(t, r.err, "%s", r)
	require.Equal(t, 1, r.code, "%s", r)
	require.True(t, strings.HasPrefix(r.stderr, "gshared: error:"), "%s", r)
	require.Contains(t, r.stderr, "missing_function_e2e", "%s", r)
	_, err := os.Stat(filepath.Join(dir, "libdefs.so"))
	require.True(t, os.IsNotExist(err), "output written despite the error")
}

// TestOptionGCSections: with -ffunction-sections objects, --gc-sections drops
// hidden code and data nothing exported reaches, and keeps the rest.
func TestOptionGCSections(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "gc.c"), `#define HIDDEN __attribute__((visibility("hidden")))
HIDDEN int used_data_e2e = 5;
HIDDEN int unused_data_e2e = 6;
HIDDEN int used_fn_e2e(void) { return used_data_e2e; }
HIDDEN int unused_fn_e2e(void) { return unused_data_e2e; }
int kept_fn_e2e(void) { return used_fn_e2e() + 1; }
`)
	gcc(t, dir, "-O0", "-fpic", "-ffunction-sections", "-fdata-sections", "-c", "gc.c")
	mustGshared(t, dir, "-o", "libkeep.so", "gc.o")
	mustGshared(t, dir, "--gc-sections", "-o", "libgc.so", "gc.o")
	keep, gc := symtabNames(t, filepath.Join(dir, "libkeep.so")), symtabNames(t, filepath.Join(dir, "libgc.so"))
	for _, s := range []string{"used_data_e2e", "unused_data_e2e", "used_fn_e2e", "unused_fn_e2e", "kept_fn_e2e"} {
		require.True(t, keep[s], "%s missing without --gc-sections", s)
	}
	for _, s := range []string{"used_data_e2e", "used_fn_e2e", "kept_fn_e2e"} {
		require.True(t, gc[s], "--gc-sections dropped %s, which kept_fn_e2e uses", s)
	}
	for _, s := range []string{"unused_data_e2e", "unused_fn_e2e"} {
		require.False(t, gc[s], "--gc-sections kept unreferenced %s", s)
	}
}

// TestOptionArchives: archive members are linked only when needed, unless
// --whole-archive; --exclude-libs keeps an archive's symbols out of .dynsym.
func TestOptionArchives(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	vectorObjects(t, dir)
	mustRun(t, runOpts{dir: dir}, "ar", "rcs", "libadd.a", "addvec.o")
	for _, c := range []struct {
		name   string
		args   []string
		addvec bool
	}{
		{"plain", []string{"libadd.a"}, false},
		{"whole-archive", []string{"--whole-archive", "libadd.a", "--no-whole-archive"}, true},
		{"exclude-all", []string{"--whole-archive", "libadd.a", "--no-whole-archive", "--exclude-libs", "ALL"}, false},
		{"exclude-one", []string{"--exclude-libs", "libadd.a", "--whole-archive", "libadd.a", "--no-whole-archive"}, false},
	} {
		out := "lib" + c.name + ".so"
		mustGshared(t, dir, append([]string{"-o", out, "multvec.o"}, c.args...)...)
		names := exportNames(t, filepath.Join(dir, out))
		require.True(t, names["multvec"] && names["multcnt"], "%s: multvec/multcnt not exported: %v", c.name, names)
		require.Equal(t, c.addvec, names["addvec"], "%s: addvec exported", c.name)
		require.Equal(t, c.addvec, names["addcnt"], "%s: addcnt exported", c.name)
		if c.name == "exclude-all" {
			// Excluded from .dynsym, but still linked in.
			require.True(t, symtabNames(t, filepath.Join(dir, out))["addvec"], "exclude-libs dropped addvec's code")
		}
	}
}

// TestOptionBsymbolic: without -Bsymbolic the executable's definition of
// helper interposes on the library's; with it, the library binds to its own.
func TestOptionBsymbolic(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "lib.c"), "int helper(void) { return 1; }\nint lib_calls_helper(void) { return helper(); }\n")
	writeFile(t, filepath.Join(dir, "main.c"), `#include <stdio.h>
int helper(void) { return 2; }
int lib_calls_helper(void);
int main(void) { printf("helper=%d\n", lib_calls_helper()); return 0; }
`)
	gcc(t, dir, "-O2", "-fpic", "-c", "lib.c")
	for _, c := range []struct {
		flag, want string
	}{{"", "helper=2\n"}, {"-Bsymbolic", "helper=1\n"}} {
		sub := filepath.Join(dir, "b"+c.flag)
		require.NoError(t, os.Mkdir(sub, 0o755))
		lib := filepath.Join(sub, "libhelper.so")
		args := []string{"-o", lib, "../lib.o"}
		if c.flag != "" {
			args = append(args, c.flag)
		}
		mustGshared(t, sub, args...)
		if c.flag != "" {
			flags := append(dynValues(t, lib, elf.DT_FLAGS), 0)[0]
			require.True(t, flags&uint64(elf.DF_SYMBOLIC) != 0 || len(dynValues(t, lib, elf.DT_SYMBOLIC)) > 0,
				"-Bsymbolic: neither DF_SYMBOLIC nor DT_SYMBOLIC")
		}
		gcc(t, sub, "-O2", "-o", "prog", "../main.c", lib)
		for _, env := range [][]string{nil, {"LD_BIND_NOW=1"}} {
			requireOutput(t, run(t, runOpts{dir: sub, env: env}, "./prog"), c.want, "")
		}
	}
}

// TestOptionVersionScript: versioned definitions from --version-script are
// recorded by the program (DT_VERNEED) and resolved by the loader.
func TestOptionVersionScript(t *testing.T) {
	t.Parallel()
	lib := shared(t, "vector-versioned")
	names := exports(t, lib)
	for _, s := range []string{"addvec@@VECTOR_1.0 ", "multvec@@VECTOR_1.0 ", "addcnt@@VECTOR_1.0 ", "multcnt@@VECTOR_1.0 "} {
		found := false
		for _, n := range names {
			found = found || strings.HasPrefix(n, s)
		}
		require.True(t, found, "no export %q in %v", s, names)
	}
	dir := t.TempDir()
	runProg2l(t, dir, lib)
	prog := openELF(t, filepath.Join(dir, "prog2l"))
	require.NotNil(t, prog.Section(".gnu.version_r"), "prog2l has no version needs")
	dynstr, err := prog.Section(".dynstr").Data()
	require.NoError(t, err)
	require.True(t, bytes.Contains(dynstr, []byte("\x00VECTOR_1.0\x00")), "prog2l does not need VECTOR_1.0")
}
