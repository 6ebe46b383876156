package main

import (
	"debug/elf"
	"encoding/binary"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestVersionChainsIgnoreCounts: glibc walks the DT_VERDEF and DT_VERNEED
// chains by their next offsets and never reads DT_VERDEFNUM or
// DT_VERNEEDNUM. With those counts zeroed, a program needing a version its
// library no longer defines must still fail glibc's start-up version check
// under ldgo, in glibc's words, whichever side's count is zero.
func TestVersionChainsIgnoreCounts(t *testing.T) {
	dir := t.TempDir()
	buildCorruptLib(t, dir)
	prog := buildC(t, dir, "gcc", "prog", corruptProg, "-L"+dir, "-lcor")
	// The same library with COR_1 renamed: the program's need is unmet.
	renamed := filepath.Join(dir, "renamed")
	require.NoError(t, os.Mkdir(renamed, 0o755))
	script := filepath.Join(dir, "renamed.map")
	require.NoError(t, os.WriteFile(script, []byte("COR_X { global: lib_fn; local: *; };\nCOR_2 { global: lib_fn2; lib_say; names; tcount; } COR_X;\n"), 0o644))
	buildC(t, renamed, "gcc", "libcor.so", corruptLib, "-shared", "-fPIC", "-Wl,-soname,libcor.so", "-Wl,--version-script="+script)
	lib := filepath.Join(renamed, "libcor.so")

	env := []string{"LD_LIBRARY_PATH=" + renamed}
	check := func(what string) {
		t.Helper()
		want := runBounded(t, env, glibcLdso, prog)
		require.Equal(t, 1, want.code, "glibc's ld.so, %s: %+v", what, want)
		require.Contains(t, want.stderr, "version `COR_1' not found", "glibc's ld.so, %s", what)
		require.Equal(t, want, runBounded(t, env, ldgoPath, prog), "ldgo, %s", what)
	}
	check("intact counts")
	zeroDynamic(t, lib, elf.DT_VERDEFNUM)
	check("the library's DT_VERDEFNUM zero")
	zeroDynamic(t, prog, elf.DT_VERNEEDNUM)
	check("the program's DT_VERNEEDNUM zero as well")
}

// zeroDynamic sets the value of the file's dynamic entry tag to zero.
func zeroDynamic(t *testing.T, path string, tag elf.DynTag) {
	t.Helper()
	editDynamic(t, path, tag, func(e []byte) { binary.LittleEndian.PutUint64(e[8:], 0) })
}

// hideDynamic gives the file's dynamic entry tag a tag from the OS range
// that neither glibc nor ldgo knows, so both ignore the entry.
func hideDynamic(t *testing.T, path string, tag elf.DynTag) {
	t.Helper()
	editDynamic(t, path, tag, func(e []byte) { binary.LittleEndian.PutUint64(e, 0x6000000d) })
}

// editDynamic applies edit to the 16 bytes of the file's first dynamic
// entry with the tag.
func editDynamic(t *testing.T, path string, tag elf.DynTag, edit func(entry []byte)) {
	t.Helper()
	f, err := elf.Open(path)
	require.NoError(t, err)
	dyn := f.Section(".dynamic")
	require.NotNil(t, dyn)
	f.Close()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	for off := dyn.Offset; off+16 <= dyn.Offset+dyn.Size; off += 16 {
		if elf.DynTag(binary.LittleEndian.Uint64(b[off:])) == tag {
			edit(b[off : off+16])
			require.NoError(t, os.WriteFile(path, b, 0o755))
			return
		}
	}
	t.Fatalf("%s has no %v", path, tag)
}

// TestVersionedUndefinedSymbol: a versioned reference that finds nothing
// is glibc's "undefined symbol: NAME, version V", at start-up and from
// the lazy resolver. The library keeps both versions (the start-up check
// passes) but moves lib_fn to COR_2 and lib_fn2 to COR_1.
func TestVersionedUndefinedSymbol(t *testing.T) {
	dir := t.TempDir()
	buildCorruptLib(t, dir)
	prog := buildC(t, dir, "gcc", "prog", corruptProg, "-L"+dir, "-lcor")
	swapped := filepath.Join(dir, "swapped")
	require.NoError(t, os.Mkdir(swapped, 0o755))
	script := filepath.Join(dir, "swapped.map")
	require.NoError(t, os.WriteFile(script, []byte("COR_1 { global: lib_fn2; local: *; };\nCOR_2 { global: lib_fn; lib_say; names; tcount; } COR_1;\n"), 0o644))
	buildC(t, swapped, "gcc", "libcor.so", corruptLib, "-shared", "-fPIC", "-Wl,-soname,libcor.so", "-Wl,--version-script="+script)

	for _, bindNow := range []string{"", "1"} {
		env := []string{"LD_LIBRARY_PATH=" + swapped, "LD_BIND_NOW=" + bindNow}
		want := runBounded(t, env, glibcLdso, prog)
		require.Equal(t, 127, want.code, "glibc's ld.so, LD_BIND_NOW=%q: %+v", bindNow, want)
		require.Contains(t, want.stderr, ", version COR_", "glibc's ld.so, LD_BIND_NOW=%q", bindNow)
		require.Equal(t, want, runBounded(t, env, ldgoPath, prog), "ldgo, LD_BIND_NOW=%q", bindNow)
	}
}

// TestVersionedReferenceUnversionedDefinition: the program needs lib_say
// at version COR_2 of libcor.so, which has lost its version tables
// (DT_VERSYM, DT_VERDEF, DT_VERNEED; without DT_VERSYM alone glibc's
// version check dereferences NULL). glibc's check_match asserts
// ("Inconsistency detected by ld.so", exit 127) before the program prints
// anything, lazily or not, after its version check's warnings (libcor.so
// has no version information); ldgo prints the same warnings and stops
// the same way, with a symbol lookup error saying what it found.
func TestVersionedReferenceUnversionedDefinition(t *testing.T) {
	dir := t.TempDir()
	lib := buildCorruptLib(t, dir)
	prog := buildC(t, dir, "gcc", "prog", corruptProg, "-L"+dir, "-lcor")
	for _, tag := range []elf.DynTag{elf.DT_VERSYM, elf.DT_VERDEF, elf.DT_VERNEED} {
		hideDynamic(t, lib, tag)
	}
	ldgoSays := regexp.MustCompile(`^` + regexp.QuoteMeta(prog) + `: symbol lookup error: ` + regexp.QuoteMeta(prog) +
		`: symbol lib_\w+, version COR_\d, is defined without version information in ` + regexp.QuoteMeta(lib) + "\n$")
	for _, bindNow := range []string{"", "1"} {
		env := []string{"LD_LIBRARY_PATH=" + dir, "LD_BIND_NOW=" + bindNow}
		want := runBounded(t, env, glibcLdso, prog)
		require.Equal(t, 127, want.code, "glibc's ld.so, LD_BIND_NOW=%q: %+v", bindNow, want)
		require.Contains(t, want.stderr, "check_match: Assertion", "glibc's ld.so, LD_BIND_NOW=%q", bindNow)
		got := runBounded(t, env, ldgoPath, prog)
		require.Equal(t, want.code, got.code, "ldgo, LD_BIND_NOW=%q: %+v", bindNow, got)
		require.Equal(t, want.stdout, got.stdout, "ldgo, LD_BIND_NOW=%q", bindNow)
		lines, wantLines := strings.SplitAfter(got.stderr, "\n"), strings.SplitAfter(want.stderr, "\n")
		require.Len(t, lines, 4, "ldgo, LD_BIND_NOW=%q: %q", bindNow, got.stderr)
		require.Equal(t, wantLines[:2], lines[:2], "ldgo's warnings, LD_BIND_NOW=%q", bindNow)
		require.Contains(t, lines[0], ": no version information available (required by ")
		require.Regexp(t, ldgoSays, lines[2], "ldgo, LD_BIND_NOW=%q", bindNow)
	}
}

// TestNoVersionInformationWarning: the program needs versions of libcor.so,
// which has been rebuilt without a version script (no DT_VERDEF). glibc's
// start-up check warns once per needed version and the program runs; so
// under ldgo.
func TestNoVersionInformationWarning(t *testing.T) {
	dir := t.TempDir()
	buildCorruptLib(t, dir)
	prog := buildC(t, dir, "gcc", "prog", corruptProg, "-L"+dir, "-lcor")
	plain := filepath.Join(dir, "plain")
	require.NoError(t, os.Mkdir(plain, 0o755))
	buildC(t, plain, "gcc", "libcor.so", corruptLib, "-shared", "-fPIC", "-Wl,-soname,libcor.so")

	env := []string{"LD_LIBRARY_PATH=" + plain}
	want := runBounded(t, env, glibcLdso, prog)
	require.Equal(t, "one three\nok 42 7\n", want.stdout)
	require.Equal(t, 2, strings.Count(want.stderr, ": no version information available (required by "), "%q", want.stderr)
	require.Equal(t, want, runBounded(t, env, ldgoPath, prog))
}

// TestVersionNeedFromUnloadedFile: libcor.so's version needs name a file
// no loaded object answers to (its libc.so.6 record now names "COR_1").
// glibc asserts in _dl_check_map_versions (find_needed found nothing,
// exit 127); ldgo stops with a load error saying so.
func TestVersionNeedFromUnloadedFile(t *testing.T) {
	dir := t.TempDir()
	lib := buildCorruptLib(t, dir)
	prog := buildC(t, dir, "gcc", "prog", corruptProg, "-L"+dir, "-lcor")
	b, err := os.ReadFile(lib)
	require.NoError(t, err)
	f, err := elf.Open(lib)
	require.NoError(t, err)
	verneed, dynstr := f.Section(".gnu.version_r"), f.Section(".dynstr")
	f.Close()
	require.NotNil(t, verneed)
	require.NotNil(t, dynstr)
	strs := b[dynstr.Offset : dynstr.Offset+dynstr.Size]
	cor1 := strings.Index(string(strs), "\x00COR_1\x00") + 1
	require.Positive(t, cor1)
	le := binary.LittleEndian
	patched := false
	forEachRecord(b, verneed.Offset, 12, func(off uint64) {
		// Elf64_Verneed: version, cnt (16-bit), file, aux, next (32-bit)
		if file := le.Uint32(b[off+4:]); cstr(strs[file:]) == "libc.so.6" {
			le.PutUint32(b[off+4:], uint32(cor1))
			patched = true
		}
	})
	require.True(t, patched, "no version need from libc.so.6")
	require.NoError(t, os.WriteFile(lib, b, 0o755))

	env := []string{"LD_LIBRARY_PATH=" + dir}
	want := runBounded(t, env, glibcLdso, prog)
	require.Equal(t, 127, want.code, "glibc's ld.so: %+v", want)
	require.Contains(t, want.stderr, "Assertion `needed != NULL' failed")
	require.Equal(t, runResult{code: 127, stderr: prog + ": error while loading shared libraries: " + lib + ": needs versions from COR_1, which is not loaded\n"},
		runBounded(t, env, ldgoPath, prog))
}

// forEachRecord calls fn for each record of a chain that starts at off and
// links each record to the next by the 32-bit offset at next (0 ends it),
// as version needs and their auxiliary entries do.
func forEachRecord(b []byte, off, next uint64, fn func(off uint64)) {
	for {
		fn(off)
		n := binary.LittleEndian.Uint32(b[off+next:])
		if n == 0 {
			return
		}
		off += uint64(n)
	}
}

// cstr is the NUL-terminated string at the start of b.
func cstr(b []byte) string {
	if i := strings.IndexByte(string(b), 0); i >= 0 {
		return string(b[:i])
	}
	return string(b)
}

// TestProvidedSymbolKeepsVersion: ldgo defines __tls_get_addr in place of
// ld.so's __tls_get_addr@@GLIBC_2.3. libcor.so's need of GLIBC_2.3 from
// ld.so is made weak and its hash wrong: glibc warns at start-up, then
// finds no __tls_get_addr of that version (exit 127). ldgo must not bind
// the reference to its own definition instead.
func TestProvidedSymbolKeepsVersion(t *testing.T) {
	dir := t.TempDir()
	lib := buildCorruptLib(t, dir)
	prog := buildC(t, dir, "gcc", "prog", corruptProg, "-L"+dir, "-lcor")
	b, err := os.ReadFile(lib)
	require.NoError(t, err)
	f, err := elf.Open(lib)
	require.NoError(t, err)
	verneed, dynstr := f.Section(".gnu.version_r"), f.Section(".dynstr")
	f.Close()
	require.NotNil(t, verneed)
	require.NotNil(t, dynstr)
	strs := b[dynstr.Offset : dynstr.Offset+dynstr.Size]
	le := binary.LittleEndian
	patched := false
	forEachRecord(b, verneed.Offset, 12, func(off uint64) {
		// Elf64_Verneed: version, cnt (16-bit), file, aux, next (32-bit);
		// Elf64_Vernaux: hash (32), flags (16), other (16), name, next (32)
		forEachRecord(b, off+uint64(le.Uint32(b[off+8:])), 12, func(a uint64) {
			if cstr(strs[le.Uint32(b[a+8:]):]) == "GLIBC_2.3" {
				le.PutUint32(b[a:], le.Uint32(b[a:])^1)
				le.PutUint16(b[a+4:], verFlagWeak)
				patched = true
			}
		})
	})
	require.True(t, patched, "no need of GLIBC_2.3")
	require.NoError(t, os.WriteFile(lib, b, 0o755))

	for _, bindNow := range []string{"", "1"} {
		env := []string{"LD_LIBRARY_PATH=" + dir, "LD_BIND_NOW=" + bindNow}
		want := runBounded(t, env, glibcLdso, prog)
		require.Equal(t, 127, want.code, "glibc's ld.so, LD_BIND_NOW=%q: %+v", bindNow, want)
		require.Contains(t, want.stderr, ": weak version `GLIBC_2.3' not found (required by "+lib+")\n")
		require.Contains(t, want.stderr, ": symbol lookup error: "+lib+": undefined symbol: __tls_get_addr, version GLIBC_2.3\n")
		require.Equal(t, want, runBounded(t, env, ldgoPath, prog), "ldgo, LD_BIND_NOW=%q", bindNow)
	}
}
