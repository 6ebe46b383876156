package e2e

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// determinismRuns are the (GOMAXPROCS, --threads) pairs every link below
// is made with; the output must not change.
var determinismRuns = []struct{ procs, threads string }{
	{"1", "1"}, {"2", "2"}, {"1", "2"}, {"2", "1"},
}

// requireSameAndClean checks that every output is byte-identical to the
// first and that none contains a path of the build machine: the e2e
// temporary tree (tools, caches), the directories of the links and the
// objects, and the repository.
func requireSameAndClean(t *testing.T, outputs [][]byte, runs []string, paths ...string) {
	t.Helper()
	paths = append(paths, repoRoot, filepath.Dir(toolDir))
	for i, out := range outputs {
		require.True(t, bytes.Equal(outputs[0], out),
			"%s differs from %s (%d vs %d bytes)", runs[i], runs[0], len(out), len(outputs[0]))
		for _, p := range paths {
			require.False(t, bytes.Contains(out, []byte(p)), "%s: the output contains the build machine's path %s", runs[i], p)
		}
	}
}

// TestDeterministicSharedLibraries: gshared links all of libsqlite3.a and
// libcrypto.a into the same bytes with GOMAXPROCS 1 and 2 and --threads 1
// and 2, each time into a different directory.
func TestDeterministicSharedLibraries(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"sqlite", "crypto"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			args := linkArgs(t, name)
			gs := tool(t, "gshared")
			var outputs [][]byte
			var runs, dirs []string
			for _, c := range determinismRuns {
				dir := t.TempDir()
				out := filepath.Join(dir, spec(t, name).out)
				r := run(t, runOpts{dir: dir, env: []string{"GOMAXPROCS=" + c.procs}, timeout: linkTimeout},
					gs, append([]string{"--threads", c.threads, "--build-id", "-o", out}, args...)...)
				require.True(t, r.ok(), "%s", r)
				b, err := os.ReadFile(out)
				require.NoError(t, err)
				outputs = append(outputs, b)
				runs = append(runs, fmt.Sprintf("GOMAXPROCS=%s --threads %s", c.procs, c.threads))
				dirs = append(dirs, dir)
			}
			requireSameAndClean(t, outputs, runs, dirs...)
		})
	}
}

// TestDeterministicCxxProgram: gold, as g++'s ld, links a C++ program
// (exceptions, COMDAT templates, static constructors; objects given by
// absolute paths in a temporary directory) into the same bytes with
// GOMAXPROCS 1 and 2 and --threads 1 and 2.
func TestDeterministicCxxProgram(t *testing.T) {
	t.Parallel()
	b := goldBDir(t)
	objDir := t.TempDir()
	// Sources are copied and compiled by relative names: gcc writes the
	// source name into the object's STT_FILE symbol, and that is the
	// compiler's doing, not the linker's.
	for _, f := range []string{"lib.cpp", "main.cpp", "shared.h"} {
		writeFile(t, filepath.Join(objDir, f), readExpected(t, "cxx", f))
	}
	gxx(t, objDir, "-O2", "-c", "lib.cpp", "main.cpp")
	var outputs [][]byte
	var runs, dirs []string
	for _, c := range determinismRuns {
		dir := t.TempDir()
		out := filepath.Join(dir, "prog")
		r := run(t, runOpts{dir: dir, env: []string{"GOMAXPROCS=" + c.procs}, timeout: linkTimeout},
			"g++", "-B", b, "-Wl,-dynamic-linker,"+systemLoader, "-Wl,--threads="+c.threads, "-Wl,--build-id",
			"-o", out, filepath.Join(objDir, "main.o"), filepath.Join(objDir, "lib.o"))
		require.True(t, r.ok(), "%s", r)
		data, err := os.ReadFile(out)
		require.NoError(t, err)
		outputs = append(outputs, data)
		runs = append(runs, fmt.Sprintf("GOMAXPROCS=%s --threads=%s", c.procs, c.threads))
		dirs = append(dirs, dir)
	}
	requireSameAndClean(t, outputs, runs, append(dirs, objDir)...)
	// The program works (so the test is not comparing broken links). Its
	// constructors run in link order here, not in the library order of
	// cxx/expected.txt, so only its last line is checked.
	r := mustRun(t, runOpts{dir: dirs[0]}, "./prog")
	require.Contains(t, r.stdout, "main end\n", "%s", r)
}
