package main

import (
	"debug/elf"
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestLoadCommandChecks: program headers checkLoadCommands refuses before
// anything is mapped. Without a dynamic section (none, or one without file
// bytes) glibc's ld.so gives the same message; a PT_LOAD with more file
// than memory bytes is refused by ldgo alone (glibc maps the excess over
// whatever lies past the library and, here, dies of SIGSEGV).
func TestLoadCommandChecks(t *testing.T) {
	dir := t.TempDir()
	buildCorruptLib(t, dir)
	prog := buildC(t, dir, "gcc", "prog", corruptProg, "-L"+dir, "-lcor")
	orig, err := os.ReadFile(filepath.Join(dir, "libcor.so"))
	require.NoError(t, err)

	variant := func(name string, edit func(b []byte, phdrs map[elf.ProgType][]int)) []string {
		b := append([]byte{}, orig...)
		edit(b, phdrOffsets(t, b))
		vdir := filepath.Join(dir, name)
		require.NoError(t, os.Mkdir(vdir, 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(vdir, "libcor.so"), b, 0o755))
		return []string{"LD_LIBRARY_PATH=" + vdir}
	}
	le := binary.LittleEndian
	for name, edit := range map[string]func(b []byte, phdrs map[elf.ProgType][]int){
		"no-dynamic": func(b []byte, ph map[elf.ProgType][]int) {
			le.PutUint32(b[ph[elf.PT_DYNAMIC][0]:], uint32(elf.PT_NULL))
		},
		"empty-dynamic": func(b []byte, ph map[elf.ProgType][]int) { le.PutUint64(b[ph[elf.PT_DYNAMIC][0]+32:], 0) },
	} {
		env := variant(name, edit)
		want := runBounded(t, env, glibcLdso, prog)
		require.Equal(t, runResult{code: 127, stderr: prog + ": error while loading shared libraries: libcor.so: object file has no dynamic section\n"}, want, name)
		require.Equal(t, want, runBounded(t, env, ldgoPath, prog), name)
	}

	// The last PT_LOAD (RW) claims 12 KiB more of the file than of memory,
	// which the file has: only the sizes are wrong.
	orig = append(orig, make([]byte, 3*4096)...)
	env := variant("filesz-over-memsz", func(b []byte, ph map[elf.ProgType][]int) {
		load := ph[elf.PT_LOAD][len(ph[elf.PT_LOAD])-1]
		le.PutUint64(b[load+32:], le.Uint64(b[load+40:])+3*4096)
	})
	require.Equal(t, runResult{code: 127, stderr: prog + ": error while loading shared libraries: libcor.so: ELF load command's file size exceeds its memory size\n"},
		runBounded(t, env, ldgoPath, prog))
}

// phdrOffsets returns the file offsets of the program headers by type.
func phdrOffsets(t *testing.T, b []byte) map[elf.ProgType][]int {
	t.Helper()
	le := binary.LittleEndian
	phoff, phnum := int(le.Uint64(b[32:])), int(le.Uint16(b[56:]))
	out := map[elf.ProgType][]int{}
	for i := 0; i < phnum; i++ {
		off := phoff + 56*i
		out[elf.ProgType(le.Uint32(b[off:]))] = append(out[elf.ProgType(le.Uint32(b[off:]))], off)
	}
	require.NotEmpty(t, out[elf.PT_DYNAMIC])
	return out
}
