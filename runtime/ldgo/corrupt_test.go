package main

import (
	"bytes"
	"context"
	"debug/elf"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// corruptLib is a small library with versioned symbols (verdef), a needed
// version (verneed on libc), TLS, a constructor, data relocations and PLT
// calls, so that its first 4 KiB hold every table the loader reads.
const corruptLib = `#include <stdio.h>
#include <string.h>
__thread int tcount = 3;
static int inits;
__attribute__((constructor)) static void init(void) { inits++; }
const char *names[] = { "one", "two", "three" };
int lib_fn(int x) { return x + 1 + inits - 1; }
int lib_fn2(const char *s) { tcount++; return (int)strlen(s) + tcount; }
void lib_say(void) { printf("%s %s\n", names[0], names[2]); }
`

const corruptProg = `#include <stdio.h>
int lib_fn(int); int lib_fn2(const char *); void lib_say(void);
int main(void) { lib_say(); printf("ok %d %d\n", lib_fn(41), lib_fn2("abc")); return 0; }
`

// TestCorruptLibraries flips random bytes in the first 4 KiB of a small
// library (fixed seed, 200 variants: headers, notes, hash tables, dynsym,
// dynstr, version tables, relocations) and runs a program that needs it.
// ldgo must never print an internal error or a Go stack: it exits 127 with
// one loader message, or runs the program to completion (its output may
// differ: a flipped symbol value or string), or ends as it does under
// glibc's ld.so, a signal only where glibc's run dies of one too.
func TestCorruptLibraries(t *testing.T) {
	dir := t.TempDir()
	buildCorruptLib(t, dir)
	prog := buildC(t, dir, "gcc", "prog", corruptProg, "-L"+dir, "-lcor")
	orig, err := os.ReadFile(filepath.Join(dir, "libcor.so"))
	if err != nil {
		t.Fatal(err)
	}
	good := runBounded(t, []string{"LD_LIBRARY_PATH=" + dir}, ldgoPath, prog)
	if good.code != 0 || good.stdout != "one three\nok 42 7\n" {
		t.Fatalf("the intact library does not work: %+v", good)
	}
	// LDGO_TEST_CORRUPT=N,SEED runs N variants from another seed (to
	// look for more).
	variants, seed := 200, uint64(7)
	if v := os.Getenv("LDGO_TEST_CORRUPT"); v != "" {
		fmt.Sscanf(v, "%d,%d", &variants, &seed)
	}
	rng := rand.New(rand.NewPCG(seed, 2024))
	var loadErrors, normal, likeGlibc int
	var failures []string
	for v := 0; v < variants; v++ {
		b := bytes.Clone(orig)
		flips := 1 + rng.IntN(4)
		var where []string
		for i := 0; i < flips; i++ {
			off := rng.IntN(min(4096, len(b)))
			x := byte(1 + rng.IntN(255))
			b[off] ^= x
			where = append(where, fmt.Sprintf("0x%x^0x%02x", off, x))
		}
		vdir := filepath.Join(dir, fmt.Sprintf("v%03d", v))
		if err := os.Mkdir(vdir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(vdir, "libcor.so"), b, 0o644); err != nil {
			t.Fatal(err)
		}
		verdict, failure := judgeCorrupt(t, []string{"LD_LIBRARY_PATH=" + vdir}, prog, good, codeChanged(b, orig))
		switch verdict {
		case corruptLoadError:
			loadErrors++
		case corruptRanNormally:
			normal++
		case corruptLikeGlibc:
			likeGlibc++
		default:
			failures = append(failures, fmt.Sprintf("variant %d (%s): %s", v, strings.Join(where, " "), failure))
		}
		os.RemoveAll(vdir)
	}
	t.Logf("%d corrupt libraries: %d load errors, %d ran normally, %d otherwise (completed, or as under glibc's ld.so), %d failures",
		variants, loadErrors, normal, likeGlibc, len(failures))
	for _, f := range failures {
		t.Error(f)
	}
}

type corruptVerdict int

const (
	corruptFailure     corruptVerdict = iota
	corruptLoadError                  // exit 127 with one glibc-style line
	corruptRanNormally                // the program's usual output
	corruptLikeGlibc                  // completed, or ended as under glibc's ld.so
)

// judgeCorrupt runs prog under ldgo with env (which points it at a
// corrupted library) and says whether ldgo behaved: never an internal
// error or a Go stack; a load error in glibc's words, a normal run, a
// completed one (exit 0, nothing on stderr but the version check's
// warnings), or the same end as under glibc's ld.so (a signal only where
// glibc dies of one, or where the input changed the library's code:
// corrupt code runs by the registers it finds, and ldgo's calls into the
// program do not leave them as glibc's do, rbp for one).
func judgeCorrupt(t testing.TB, env []string, prog string, good runResult, codeChanged bool) (corruptVerdict, string) {
	got := runBounded(t, env, ldgoPath, prog)
	all := got.stdout + got.stderr
	desc := fmt.Sprintf("exit %d, stdout %q, stderr %q", got.code, clip(got.stdout), clip(got.stderr))
	// The version check's messages (glibc prints them too, and goes on
	// after them) may come before a load error.
	checked, errs := splitVersionCheck(got.stderr)
	switch {
	case strings.Contains(all, "internal error") || strings.Contains(all, "goroutine ") || strings.Contains(all, "panic:"):
		return corruptFailure, desc
	case got.code == 127 && strings.Count(errs, "\n") == 1 &&
		(strings.Contains(errs, ": error while loading shared libraries: ") || strings.Contains(errs, ": symbol lookup error: ")):
		return corruptLoadError, ""
	case got.code == good.code && got.stdout == good.stdout && got.stderr == "":
		return corruptRanNormally, ""
	case got.code == 1 && got.stdout == "" && errs == "" && versionCheckFailed(checked):
		// glibc's start-up version check fails this way too (exit 1).
		return corruptLoadError, ""
	}
	want := runBounded(t, env, glibcLdso, prog)
	if got.code == want.code && got.stdout == want.stdout || got.code == 0 && errs == "" ||
		got.code == -1 && (want.code == -1 || codeChanged) {
		return corruptLikeGlibc, ""
	}
	return corruptFailure, fmt.Sprintf("%s; glibc's ld.so: exit %d, stdout %q, stderr %q", desc, want.code, clip(want.stdout), clip(want.stderr))
}

// FuzzLoadLibrary is the loader's whole path from file bytes to a mapped,
// relocated, running object: the fuzzed bytes are the library a program
// needs, run under ldgo in a child process (a fault must not take the
// fuzzer down with it) and judged as TestCorruptLibraries judges.
func FuzzLoadLibrary(f *testing.F) {
	dir := f.TempDir()
	buildC(f, dir, "gcc", "libcor.so", corruptLib, "-shared", "-fPIC", "-Wl,-soname,libcor.so",
		"-Wl,--version-script="+writeMap(f, dir))
	prog := buildC(f, dir, "gcc", "prog", corruptProg, "-L"+dir, "-lcor")
	orig, err := os.ReadFile(filepath.Join(dir, "libcor.so"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(orig)
	var good runResult
	f.Fuzz(func(t *testing.T, lib []byte) {
		if good.stdout == "" {
			good = runBounded(t, []string{"LD_LIBRARY_PATH=" + dir}, ldgoPath, prog)
		}
		vdir := t.TempDir()
		if err := os.WriteFile(filepath.Join(vdir, "libcor.so"), lib, 0o644); err != nil {
			t.Fatal(err)
		}
		if verdict, failure := judgeCorrupt(t, []string{"LD_LIBRARY_PATH=" + vdir}, prog, good, codeChanged(lib, orig)); verdict == corruptFailure {
			t.Error(failure)
		}
	})
}

func writeMap(t testing.TB, dir string) string {
	p := filepath.Join(dir, "cor.map")
	if err := os.WriteFile(p, []byte("COR_1 { global: lib_fn; local: *; };\nCOR_2 { global: lib_fn2; lib_say; names; tcount; } COR_1;\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// runBounded runs argv with a 10 s timeout; a signal gives code -1 and a
// timeout code -2 (both reported by the caller, not fatal here).
func runBounded(t testing.TB, env []string, argv ...string) runResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	switch {
	case ctx.Err() != nil:
		code = -2
		stderr.WriteString("(timed out)")
	case errors.As(err, &ee):
		code = ee.ExitCode()
	case err != nil:
		t.Fatalf("%q: %v", argv, err)
	}
	return runResult{stdout.String(), stderr.String(), code}
}

// codeChanged reports whether the executable PT_LOAD segments of lib (as
// its program headers describe them) hold other bytes than orig's.
func codeChanged(lib, orig []byte) bool {
	return !bytes.Equal(execBytes(lib), execBytes(orig))
}

// execBytes is the file contents of the PF_X PT_LOAD segments, in header
// order, as far as the file has them; nil for unreadable headers.
func execBytes(b []byte) []byte {
	le := binary.LittleEndian
	if len(b) < 64 {
		return nil
	}
	phoff, phnum := le.Uint64(b[32:]), uint64(le.Uint16(b[56:]))
	if phoff > uint64(len(b)) || phnum*56 > uint64(len(b))-phoff {
		return nil
	}
	var code []byte
	for i := uint64(0); i < phnum; i++ {
		ph := b[phoff+56*i:]
		if elf.ProgType(le.Uint32(ph)) != elf.PT_LOAD || elf.ProgFlag(le.Uint32(ph[4:]))&elf.PF_X == 0 {
			continue
		}
		off, size := le.Uint64(ph[8:]), le.Uint64(ph[32:])
		if off < uint64(len(b)) {
			code = append(code, b[off:off+min(size, uint64(len(b))-off)]...)
		}
	}
	return code
}

// splitVersionCheck separates the lines of glibc's start-up version check
// (errors and warnings) from the rest of stderr.
func splitVersionCheck(stderr string) (checked []string, rest string) {
	var b strings.Builder
	for _, l := range strings.SplitAfter(stderr, "\n") {
		switch {
		case l == "":
		case strings.Contains(l, ": version `"), strings.Contains(l, ": weak version `"),
			strings.Contains(l, ": no version information available (required by "),
			strings.Contains(l, ": unsupported version ") && strings.Contains(l, " of Verdef record"):
			checked = append(checked, l)
		default:
			b.WriteString(l)
		}
	}
	return checked, b.String()
}

// versionCheckFailed reports whether one of the version check's lines is
// an error, not a warning.
func versionCheckFailed(checked []string) bool {
	for _, l := range checked {
		if strings.Contains(l, ": version `") || strings.Contains(l, ": unsupported version ") {
			return true
		}
	}
	return false
}

// TestRelocNoneIgnoresSymbol: an R_X86_64_NONE relocation reads nothing,
// so a symbol index far past the symbol table in one is harmless: the
// library's last .rela.dyn entry (GLOB_DAT of the weak __cxa_finalize)
// becomes NONE against symbol 0x10000000 and the program runs as usual
// (ldgo used to read that symbol's name and fault; glibc reads its
// version index and, here, dies of SIGSEGV).
func TestRelocNoneIgnoresSymbol(t *testing.T) {
	dir := t.TempDir()
	lib := buildCorruptLib(t, dir)
	prog := buildC(t, dir, "gcc", "prog", corruptProg, "-L"+dir, "-lcor")
	f, err := elf.Open(lib)
	require.NoError(t, err)
	relaDyn := f.Section(".rela.dyn")
	f.Close()
	require.NotNil(t, relaDyn)
	b, err := os.ReadFile(lib)
	require.NoError(t, err)
	last := relaDyn.Offset + relaDyn.Size - 24
	require.Equal(t, elf.R_X86_64_GLOB_DAT, elf.R_X86_64(binary.LittleEndian.Uint64(b[last+8:])&0xffffffff))
	binary.LittleEndian.PutUint64(b[last+8:], 0x10000000<<32|uint64(elf.R_X86_64_NONE))
	none := installLib(t, dir, "none", b)
	require.Equal(t, runResult{stdout: "one three\nok 42 7\n"}, runBounded(t, []string{"LD_LIBRARY_PATH=" + none}, ldgoPath, prog))
}

// TestRelocSizeOfUndefinedWeak: an R_X86_64_SIZE64 against an undefined
// weak symbol (the library's GLOB_DAT of _ITM_registerTMCloneTable made
// one) stores the addend, the symbol having no size; glibc dereferences
// NULL there and ldgo used to fault likewise (internal error). The slot
// stays 0, so the program runs as usual.
func TestRelocSizeOfUndefinedWeak(t *testing.T) {
	dir := t.TempDir()
	lib := buildCorruptLib(t, dir)
	prog := buildC(t, dir, "gcc", "prog", corruptProg, "-L"+dir, "-lcor")
	b := rewriteRelaDyn(t, lib, func(e []byte, sym string) bool {
		info := binary.LittleEndian.Uint64(e[8:])
		if sym != "_ITM_registerTMCloneTable" || elf.R_X86_64(info&0xffffffff) != elf.R_X86_64_GLOB_DAT {
			return false
		}
		binary.LittleEndian.PutUint64(e[8:], info>>32<<32|uint64(elf.R_X86_64_SIZE64))
		return true
	})
	sized := installLib(t, dir, "sized", b)
	require.Equal(t, runResult{stdout: "one three\nok 42 7\n"}, runBounded(t, []string{"LD_LIBRARY_PATH=" + sized}, ldgoPath, prog))
}

// TestResolverFaultIsASignal: an IRELATIVE relocation whose resolver is
// the library's ELF header (the GLOB_DAT of _ITM_deregisterTMCloneTable
// made one, addend 0) faults when called at start-up. glibc's ld.so dies
// of the signal; so must ldgo, not print a Go traceback (runResolver).
func TestResolverFaultIsASignal(t *testing.T) {
	dir := t.TempDir()
	lib := buildCorruptLib(t, dir)
	prog := buildC(t, dir, "gcc", "prog", corruptProg, "-L"+dir, "-lcor")
	b := rewriteRelaDyn(t, lib, func(e []byte, sym string) bool {
		if sym != "_ITM_deregisterTMCloneTable" {
			return false
		}
		info := binary.LittleEndian.Uint64(e[8:])
		binary.LittleEndian.PutUint64(e[8:], info>>32<<32|uint64(elf.R_X86_64_IRELATIVE))
		binary.LittleEndian.PutUint64(e[16:], 0)
		return true
	})
	irel := installLib(t, dir, "irel", b)
	env := []string{"LD_LIBRARY_PATH=" + irel}
	require.Equal(t, runResult{code: -1}, runBounded(t, env, glibcLdso, prog), "glibc's ld.so")
	require.Equal(t, runResult{code: -1}, runBounded(t, env, ldgoPath, prog), "ldgo")
}

// buildCorruptLib builds libcor.so, the library the corruption tests
// damage, in dir and returns its path.
func buildCorruptLib(t *testing.T, dir string) string {
	return buildC(t, dir, "gcc", "libcor.so", corruptLib, "-shared", "-fPIC", "-Wl,-soname,libcor.so",
		"-Wl,--version-script="+writeMap(t, dir))
}

// rewriteRelaDyn returns lib's bytes with every .rela.dyn entry that
// rewrite changes: it gets the entry (offset, info, addend: 24 bytes) and
// the name of its symbol ("" for symbol 0) and reports whether it changed
// the entry. The test fails if no entry changed.
func rewriteRelaDyn(t *testing.T, lib string, rewrite func(entry []byte, sym string) bool) []byte {
	t.Helper()
	b, err := os.ReadFile(lib)
	require.NoError(t, err)
	f, err := elf.Open(lib)
	require.NoError(t, err)
	relaDyn := f.Section(".rela.dyn")
	syms, err := f.DynamicSymbols()
	require.NoError(t, err)
	f.Close()
	require.NotNil(t, relaDyn)
	changed := false
	for off := relaDyn.Offset; off+24 <= relaDyn.Offset+relaDyn.Size; off += 24 {
		sym := ""
		// DynamicSymbols leaves out symbol 0: index i is syms[i-1].
		if i := binary.LittleEndian.Uint64(b[off+8:]) >> 32; i > 0 && i <= uint64(len(syms)) {
			sym = syms[i-1].Name
		}
		changed = rewrite(b[off:off+24], sym) || changed
	}
	require.True(t, changed, "%s: no .rela.dyn entry rewritten", lib)
	return b
}

// installLib writes a damaged libcor.so into dir/sub and returns that
// directory, for LD_LIBRARY_PATH.
func installLib(t *testing.T, dir, sub string, b []byte) string {
	d := filepath.Join(dir, sub)
	require.NoError(t, os.Mkdir(d, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(d, "libcor.so"), b, 0o755))
	return d
}
