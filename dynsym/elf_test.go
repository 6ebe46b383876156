package dynsym

import (
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// Helpers for tests that check our tables against real linkers' output.

const libcPath = "/lib/x86_64-linux-gnu/libc.so.6"

func openELF(t *testing.T, path string) *elf.File {
	t.Helper()
	if _, err := os.Stat(path); err != nil {
		t.Skipf("%s not available: %v", path, err)
	}
	f, err := elf.Open(path)
	require.NoError(t, err)
	t.Cleanup(func() { f.Close() })
	return f
}

func sectionData(t *testing.T, f *elf.File, name string) []byte {
	t.Helper()
	s := f.Section(name)
	if s == nil {
		t.Fatalf("no %s section", name)
	}
	d, err := s.Data()
	require.NoError(t, err)
	return d
}

// dynsymNames returns every .dynsym name in index order, including the ""
// at index 0 that debug/elf leaves out, and the symbols themselves.
func dynsymNames(t *testing.T, f *elf.File) ([]string, []elf.Symbol) {
	t.Helper()
	syms, err := f.DynamicSymbols()
	require.NoError(t, err)
	names := []string{""}
	for _, s := range syms {
		names = append(names, s.Name)
	}
	return names, append([]elf.Symbol{{}}, syms...)
}

// buildSharedLib compiles src into a shared library with the given
// compiler and flags, skipping the test if the tools are missing.
func buildSharedLib(t *testing.T, cc string, src string, flags ...string) string {
	t.Helper()
	if _, err := exec.LookPath(cc); err != nil {
		t.Skipf("%s not installed", cc)
	}
	dir := t.TempDir()
	c := filepath.Join(dir, "lib.c")
	out := filepath.Join(dir, "lib.so")
	require.NoError(t, os.WriteFile(c, []byte(src), 0o644))
	args := append([]string{"-shared", "-fpic", "-o", out, c}, flags...)
	cmd := exec.Command(cc, args...)
	msg, err := cmd.CombinedOutput()
	if err != nil {
		t.Skipf("%s %v failed (toolchain unusable?): %v\n%s", cc, args, err, msg)
	}
	return out
}
