package e2e

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestInstallScript: scripts/install.sh works from any directory and makes
// a relocatable tree whose libexec/gold/ld is a relative link to bin/gold.
func TestInstallScript(t *testing.T) {
	t.Parallel()
	dest := filepath.Join(t.TempDir(), "inst")
	elsewhere := t.TempDir()
	mustRun(t, runOpts{dir: elsewhere, timeout: 5 * time.Minute}, "bash", filepath.Join(repoRoot, "scripts", "install.sh"), dest)
	bins := []string{"gshared", "gold"}
	if hasGoFiles(filepath.Join(repoRoot, "runtime", "ldgo")) {
		bins = append(bins, "ldgo")
	}
	for _, b := range bins {
		fi, err := os.Stat(filepath.Join(dest, "bin", b))
		require.NoError(t, err)
		require.NotZero(t, fi.Mode()&0o111, "%s is not executable", b)
	}
	link, err := os.Readlink(filepath.Join(dest, "libexec", "gold", "ld"))
	require.NoError(t, err)
	require.Equal(t, "../../bin/gold", link)

	// Move the tree: the link must still reach gold.
	moved := filepath.Join(t.TempDir(), "moved")
	require.NoError(t, os.Rename(dest, moved))
	_, err = os.Stat(filepath.Join(moved, "libexec", "gold", "ld"))
	require.NoError(t, err, "libexec/gold/ld is dangling after moving the tree")
}

// TestTestdataWithSystemToolchain runs scripts/check-testdata.sh: every test
// program built with the system toolchain must print exactly what the e2e
// tests expect. It passes without gshared and gold, so when another test
// fails while this one passes, the linker is at fault, not the test.
func TestTestdataWithSystemToolchain(t *testing.T) {
	t.Parallel()
	needTools(t, "ld.lld")
	r := run(t, runOpts{dir: repoRoot, timeout: 5 * time.Minute}, "bash", filepath.Join(repoRoot, "scripts", "check-testdata.sh"))
	require.True(t, r.ok(), "%s", r)
}
