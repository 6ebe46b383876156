package interp

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// install lays out DIR/bin/gold, DIR/bin/ldgo and DIR/libexec/gold/ld as
// the installer does, ld being a symlink or a copy.
func install(t *testing.T, symlink bool) string {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "bin"), 0o755))
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "libexec", "gold"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "bin", "gold"), []byte("gold"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "bin", "ldgo"), []byte("ldgo"), 0o755))
	ld := filepath.Join(dir, "libexec", "gold", "ld")
	if symlink {
		require.NoError(t, os.Symlink("../../bin/gold", ld))
	} else {
		require.NoError(t, os.WriteFile(ld, []byte("gold"), 0o755))
	}
	// TempDir may itself sit behind a symlink; compare resolved paths.
	real, err := filepath.EvalSymlinks(dir)
	require.NoError(t, err)
	return real
}

func TestBesideGold(t *testing.T) {
	dir := install(t, true)
	want := filepath.Join(dir, "bin", "ldgo")

	got, err := bundledBeside(filepath.Join(dir, "bin", "gold"))
	require.NoError(t, err)
	assert.Equal(t, want, got)

	got, err = bundledBeside(filepath.Join(dir, "libexec", "gold", "ld"))
	require.NoError(t, err)
	assert.Equal(t, want, got, "symlinked libexec/gold/ld")
}

func TestCopiedLd(t *testing.T) {
	dir := install(t, false)
	got, err := bundledBeside(filepath.Join(dir, "libexec", "gold", "ld"))
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(dir, "bin", "ldgo"), got)
}

func TestSymlinkedGold(t *testing.T) {
	// gold reached through a symlink elsewhere (say /usr/local/bin/gold)
	// still finds the ldgo of its real installation.
	dir := install(t, true)
	other := t.TempDir()
	link := filepath.Join(other, "gold")
	require.NoError(t, os.Symlink(filepath.Join(dir, "bin", "gold"), link))
	got, err := bundledBeside(link)
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(dir, "bin", "ldgo"), got)
}

func TestNotFound(t *testing.T) {
	dir := t.TempDir()
	exe := filepath.Join(dir, "gold")
	require.NoError(t, os.WriteFile(exe, nil, 0o755))
	// A non-executable ldgo does not count.
	require.NoError(t, os.WriteFile(filepath.Join(dir, "ldgo"), nil, 0o644))
	_, err := bundledBeside(exe)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "GOLD_INTERP")
	assert.Contains(t, err.Error(), "cannot find the bundled ldgo")
}

func TestEnvOverride(t *testing.T) {
	t.Setenv(EnvVar, "/opt/ldgo")
	got, err := Bundled()
	require.NoError(t, err)
	assert.Equal(t, "/opt/ldgo", got)

	got, err = For("")
	require.NoError(t, err)
	assert.Equal(t, "/opt/ldgo", got)
}

func TestForExplicit(t *testing.T) {
	t.Setenv(EnvVar, "/opt/ldgo")
	got, err := For(SystemLoader)
	require.NoError(t, err)
	assert.Equal(t, SystemLoader, got, "-dynamic-linker wins over everything")
}

func TestBundledFromTestBinary(t *testing.T) {
	// The test binary has no ldgo beside it: the error must say so rather
	// than return a path that does not exist.
	t.Setenv(EnvVar, "")
	got, err := Bundled()
	if err == nil {
		_, statErr := os.Stat(got)
		assert.NoError(t, statErr)
	}
}
