package main

import (
	"debug/elf"
	"encoding/binary"
	"os"
	"path/filepath"
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
	lib := buildC(t, dir, "gcc", "libcor.so", corruptLib, "-shared", "-fPIC", "-Wl,-soname,libcor.so",
		"-Wl,--version-script="+writeMap(t, dir))
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
