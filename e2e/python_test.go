package e2e

import (
	"debug/elf"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// pythonTestTimeout bounds the CPython test run (about 3 s on an idle
// machine, a minute on a loaded one).
const pythonTestTimeout = 5 * time.Minute

// TestPythonRelink: Debian's libpython3.11.a relinked by gold (as gcc's ld)
// with a main that calls Py_BytesMain, -no-pie (the archive is non-PIC) and
// -Wl,-E (extension modules in lib-dynload use the interpreter's symbols).
// Its prefix is /usr, so it runs on Debian's standard library, imports C
// extension modules (sqlite3, ssl, decimal), passes part of CPython's own
// test suite, and exports exactly what GNU ld's link of the same exports.
func TestPythonRelink(t *testing.T) {
	t.Parallel()
	py := linkedProg(t, "python", byGold)
	requireKind(t, py, elf.ET_EXEC, true)

	// The interpreter finds Debian's stdlib by itself (no PYTHONHOME).
	r := run(t, runOpts{dir: t.TempDir(), env: pythonEnv}, py, "-c",
		"import sys, json; print(sys.prefix); print(json.__file__)")
	requireOutput(t, r, "/usr\n/usr/lib/python3.11/json/__init__.py\n", "")

	for _, env := range [][]string{nil, {"LD_BIND_NOW=1"}} {
		r := run(t, runOpts{dir: t.TempDir(), env: append(env, pythonEnv...)}, py, pythonImports...)
		requireOutput(t, r, "ok\n", "")
	}

	t.Run("testsuite", func(t *testing.T) {
		t.Parallel()
		needFiles(t, "/usr/lib/python3.11/test/test_json/__init__.py", "/usr/lib/python3.11/test/test_decimal.py")
		tmp := t.TempDir()
		r := run(t, runOpts{dir: tmp, env: append([]string{"TMPDIR=" + tmp}, pythonEnv...), timeout: pythonTestTimeout},
			py, "-m", "test", "test_json", "test_re", "test_unicode", "test_decimal")
		require.True(t, r.ok(), "CPython's tests failed under the relinked interpreter:\n%s", r)
		require.Contains(t, r.stdout, "Tests result: SUCCESS", "%s", r)
	})

	t.Run("dynamic", func(t *testing.T) {
		t.Parallel()
		ref := linkedProg(t, "python", byGNULD)
		require.Equal(t, neededLibs(t, ref), neededLibs(t, py), "DT_NEEDED differs from GNU ld's")
		// Deliberate: gold resolves the undefined weak __gmon_start__ (from
		// crti.o) to 0 at link time, as lld and mold do, instead of exporting
		// it for the loader; everything else in .dynsym (about 1700 exports
		// for extension modules, and the imports) must be as GNU ld has it.
		onlyGold, onlyGNU := diffSets(dynSymKeys(dynSyms(t, py)), dynSymKeys(dynSyms(t, ref)))
		require.Empty(t, onlyGold, "dynamic symbols only in gold's python")
		require.Equal(t, []string{"UND __gmon_start__ STT_NOTYPE STB_WEAK STV_DEFAULT size=0"}, onlyGNU,
			"dynamic symbols only in GNU ld's python")
		require.Greater(t, len(exports(t, py)), 1000, "-Wl,-E: the interpreter must export its API")
	})
}
