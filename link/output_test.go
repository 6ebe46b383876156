package link

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestOutputRoads: an image built in anonymous memory and one built in a
// shared mapping of the file are the same file, with the same mode, and
// neither leaves its temporary file behind.
func TestOutputRoads(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "a.c")
	require.NoError(t, os.WriteFile(src, []byte("int g; int f(int x) { return x + g; }\n"), 0o644))
	obj := filepath.Join(dir, "a.o")
	out, err := exec.Command("gcc", "-O1", "-fpic", "-c", src, "-o", obj).CombinedOutput()
	require.NoError(t, err, "gcc: %s", out)
	link := func(out string) []byte {
		err := Link(&Config{Output: out, Kind: OutputShared, BuildID: "fast",
			Inputs: []Input{{Kind: InputFile, Path: obj}}})
		require.NoError(t, err)
		st, err := os.Stat(out)
		require.NoError(t, err)
		require.Equal(t, os.FileMode(0o777)&^umask(), st.Mode().Perm())
		data, err := os.ReadFile(out)
		require.NoError(t, err)
		return data
	}
	anon := link(filepath.Join(dir, "anon.so"))
	saved := anonOutputMax
	anonOutputMax = 0
	defer func() { anonOutputMax = saved }()
	mapped := link(filepath.Join(dir, "mapped.so"))
	require.Equal(t, anon, mapped)
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	require.ElementsMatch(t, []string{"a.c", "a.o", "anon.so", "mapped.so"}, names)
}
