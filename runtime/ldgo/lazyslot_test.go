package main

import (
	"debug/elf"
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestPrelinkedGOTPLT gives the corrupt-test library a .got.plt as prelink
// leaves it (GOT[1] holding the address of PLT entry 1's push, the slots
// something else than their PLT entries: here zero) and requires the
// program to run under ldgo, lazily and with LD_BIND_NOW, as it does under
// glibc's ld.so, which computes the lazy slots from GOT[1]
// (lazyslot.go).
func TestPrelinkedGOTPLT(t *testing.T) {
	dir := t.TempDir()
	lib := buildCorruptLib(t, dir)
	prog := buildC(t, dir, "gcc", "prog", corruptProg, "-L"+dir, "-lcor")
	b, err := os.ReadFile(lib)
	require.NoError(t, err)

	f, err := elf.Open(lib)
	require.NoError(t, err)
	gotPLT := f.Section(".got.plt")
	require.NotNil(t, gotPLT)
	f.Close()
	slots := int(gotPLT.Size/8) - 3
	require.Positive(t, slots)
	word := func(i int) []byte { return b[int(gotPLT.Offset)+8*i:][:8] }
	first := binary.LittleEndian.Uint64(word(3))
	for i := range slots {
		// glibc's rule assumes 16-byte PLT entries in slot order.
		require.Equal(t, first+16*uint64(i), binary.LittleEndian.Uint64(word(3+i)), "slot %d", i)
		binary.LittleEndian.PutUint64(word(3+i), 0)
	}
	binary.LittleEndian.PutUint64(word(1), first)
	pdir := filepath.Join(dir, "prelinked")
	require.NoError(t, os.Mkdir(pdir, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(pdir, "libcor.so"), b, 0o755))

	for _, bindNow := range []string{"", "1"} {
		env := []string{"LD_LIBRARY_PATH=" + pdir, "LD_BIND_NOW=" + bindNow}
		want := runBounded(t, env, glibcLdso, prog)
		require.Equal(t, runResult{stdout: "one three\nok 42 7\n"}, want, "glibc's ld.so, LD_BIND_NOW=%q", bindNow)
		require.Equal(t, want, runBounded(t, env, ldgoPath, prog), "ldgo, LD_BIND_NOW=%q", bindNow)
	}
}

// TestLazyBindNameOutsideStrtab: the library's PLT call to printf refers to
// symbol 0, whose name offset lies far outside the string table (the load
// checks every other symbol's). glibc's resolver looks up whatever bytes
// lie there and reports them undefined (exit 127); ldgo's must not fault
// reading them (it did, depending on the address space layout): it
// reports the symbol without a name. Run ten times for the layouts.
func TestLazyBindNameOutsideStrtab(t *testing.T) {
	dir := t.TempDir()
	lib := buildCorruptLib(t, dir)
	prog := buildC(t, dir, "gcc", "prog", corruptProg, "-L"+dir, "-lcor")
	b, err := os.ReadFile(lib)
	require.NoError(t, err)
	f, err := elf.Open(lib)
	require.NoError(t, err)
	relaPLT, dynsym := f.Section(".rela.plt"), f.Section(".dynsym")
	syms, err := f.DynamicSymbols()
	require.NoError(t, err)
	f.Close()
	require.NotNil(t, relaPLT)
	require.NotNil(t, dynsym)
	le := binary.LittleEndian
	retargeted := false
	for off := relaPLT.Offset; off+24 <= relaPLT.Offset+relaPLT.Size; off += 24 {
		// DynamicSymbols leaves out symbol 0: index i is syms[i-1].
		if i := le.Uint64(b[off+8:]) >> 32; i > 0 && syms[i-1].Name == "printf" {
			le.PutUint64(b[off+8:], uint64(elf.R_X86_64_JMP_SLOT))
			retargeted = true
		}
	}
	require.True(t, retargeted, "no PLT relocation against printf")
	le.PutUint32(b[dynsym.Offset:], 0x40000) // symbol 0's st_name
	bad := filepath.Join(dir, "bad")
	require.NoError(t, os.Mkdir(bad, 0o755))
	badLib := filepath.Join(bad, "libcor.so")
	require.NoError(t, os.WriteFile(badLib, b, 0o755))

	env := []string{"LD_LIBRARY_PATH=" + bad}
	prefix := prog + ": symbol lookup error: " + badLib + ": undefined symbol: "
	want := runBounded(t, env, glibcLdso, prog)
	require.Equal(t, 127, want.code, "glibc's ld.so: %+v", want)
	require.True(t, strings.HasPrefix(want.stderr, prefix), "glibc's ld.so: %q", want.stderr)
	for range 10 {
		require.Equal(t, runResult{code: 127, stderr: prefix + "\n"}, runBounded(t, env, ldgoPath, prog))
	}
}
