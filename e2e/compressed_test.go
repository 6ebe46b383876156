package e2e

import (
	"debug/elf"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestCompressedDebugSections: objects whose debug sections are
// SHF_COMPRESSED (gcc -gz for zlib, objcopy for zstd) link into a library
// with the same, uncompressed, debug information.
func TestCompressedDebugSections(t *testing.T) {
	t.Parallel()
	needTools(t, "objcopy", "readelf")
	dir := t.TempDir()
	gcc(t, dir, "-g", "-gz=zlib", "-fpic", "-c", src("vector", "addvec.c"), "-o", "addvec.o")
	gcc(t, dir, "-g", "-fpic", "-c", src("vector", "multvec.c"), "-o", "multvec-plain.o")
	mustRun(t, runOpts{dir: dir}, "objcopy", "--compress-debug-sections=zstd", "multvec-plain.o", "multvec.o")
	for _, obj := range []string{"addvec.o", "multvec.o"} {
		f, err := elf.Open(filepath.Join(dir, obj))
		require.NoError(t, err)
		require.NotZero(t, f.Section(".debug_info").Flags&elf.SHF_COMPRESSED, "%s: .debug_info should be compressed", obj)
		f.Close()
	}
	mustGshared(t, dir, "-o", "libvector.so", "addvec.o", "multvec.o")

	f, err := elf.Open(filepath.Join(dir, "libvector.so"))
	require.NoError(t, err)
	defer f.Close()
	info := f.Section(".debug_info")
	require.NotNil(t, info)
	require.Zero(t, info.Flags&elf.SHF_COMPRESSED)
	d, err := f.DWARF()
	require.NoError(t, err, "the output's DWARF must be readable")
	var names []string
	r := d.Reader()
	for {
		e, err := r.Next()
		require.NoError(t, err)
		if e == nil {
			break
		}
		if e.Tag == 0x2e { // DW_TAG_subprogram
			if n, ok := e.Val(0x03).(string); ok { // DW_AT_name
				names = append(names, n)
			}
		}
	}
	require.ElementsMatch(t, []string{"addvec", "multvec"}, names)
}
