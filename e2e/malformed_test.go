package e2e

import (
	"bufio"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// knownBugs are the cases of testdata/malformed/cases.txt the tools get
// wrong today. Each is run and must STILL fail its expectation (the test
// fails once a bug is fixed, so that the entry is removed and the case
// guards the fix); the value says what happens instead.
var knownBugs = map[string]string{}

type malformedCase struct {
	name, tool string
	args       []string
	want       string
	line       int
}

func readMalformedCases(t testing.TB) []malformedCase {
	t.Helper()
	f, err := os.Open(src("malformed", "cases.txt"))
	require.NoError(t, err)
	defer f.Close()
	var cases []malformedCase
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		l := sc.Text()
		if strings.TrimSpace(l) == "" || strings.HasPrefix(l, "#") {
			continue
		}
		p := strings.SplitN(l, " | ", 4)
		require.Len(t, p, 4, "cases.txt:%d: want 4 fields separated by \" | \"", n)
		cases = append(cases, malformedCase{name: p[0], tool: p[1], args: strings.Fields(p[2]), want: p[3], line: n})
	}
	require.NoError(t, sc.Err())
	return cases
}

// malformedDir generates the corpus once per test binary.
func malformedDir(t testing.TB) string {
	t.Helper()
	dir, err := once("malformed", func() (string, error) {
		dir := filepath.Join(cacheDir, "malformed")
		return dir, step(runOpts{dir: repoRoot, timeout: 5 * time.Minute}, goBinary(), "run", "./scripts/malformedgen", dir)
	})
	require.NoError(t, err)
	return dir
}

// TestMalformedInputs runs every case of testdata/malformed/cases.txt: the
// tool must fail with exactly the expected line, its exit status (1 for the
// linkers, 127 for ldgo), no panic, within 10 s, leaving nothing behind and
// a previous output untouched.
func TestMalformedInputs(t *testing.T) {
	t.Parallel()
	cases := readMalformedCases(t)
	require.GreaterOrEqual(t, len(cases), 50)
	dir := malformedDir(t)
	seen := map[string]bool{}
	for _, c := range cases {
		require.False(t, seen[c.name], "cases.txt:%d: duplicate case %s", c.line, c.name)
		seen[c.name] = true
		t.Run(c.name, func(t *testing.T) {
			problems, r := runMalformedCase(t, dir, c)
			bug, known := knownBugs[c.name]
			switch {
			case known && len(problems) == 0:
				t.Errorf("known bug %q is fixed (%s): remove it from knownBugs", c.name, bug)
			case known:
				t.Logf("known bug, still present: %s\n%s", bug, strings.Join(problems, "\n"))
			case len(problems) > 0:
				t.Errorf("cases.txt:%d:\n%s\n%s", c.line, strings.Join(problems, "\n"), r)
			}
		})
	}
	for name := range knownBugs {
		require.True(t, seen[name] || strings.HasPrefix(name, "fuzz/"), "knownBugs names %s, which is not in cases.txt", name)
	}
}

// runMalformedCase runs one case and lists what is wrong with the outcome.
// A linker case runs twice: into an empty directory, which must stay empty,
// and over a previous output, which must stay as it was.
func runMalformedCase(t *testing.T, dir string, c malformedCase) ([]string, result) {
	problems, r := runMalformedOnce(t, dir, c, false)
	if c.tool != "ldgo" && len(problems) == 0 {
		problems, r = runMalformedOnce(t, dir, c, true)
	}
	return problems, r
}

const previousOutput = "the previous output\n"

func runMalformedOnce(t *testing.T, dir string, c malformedCase, previous bool) ([]string, result) {
	outDir := t.TempDir()
	if previous {
		require.NoError(t, os.WriteFile(filepath.Join(outDir, "out"), []byte(previousOutput), 0o755))
	}
	args := make([]string, len(c.args))
	for i, a := range c.args {
		args[i] = strings.ReplaceAll(a, "{out}", filepath.Join(outDir, "out"))
	}
	wantCode := 1
	if c.tool == "ldgo" {
		wantCode = 127
	}
	r := run(t, runOpts{dir: dir, timeout: 10 * time.Second}, tool(t, c.tool), args...)
	var problems []string
	all := r.stdout + r.stderr
	for _, bad := range []string{"goroutine ", "panic:", "internal error"} {
		if strings.Contains(all, bad) {
			problems = append(problems, "output contains "+bad)
		}
	}
	if r.err != nil {
		problems = append(problems, r.err.Error())
	}
	if r.code != wantCode {
		problems = append(problems, "exit status "+strconv.Itoa(r.code)+", want "+strconv.Itoa(wantCode))
	}
	if want := strings.ReplaceAll(c.want, "{dir}", dir) + "\n"; r.stderr != want {
		problems = append(problems, "stderr:\n  "+strings.ReplaceAll(strings.TrimSuffix(clip(r.stderr), "\n"), "\n", "\n  ")+"\nwant:\n  "+want)
	}
	var names []string
	ents, _ := os.ReadDir(outDir)
	for _, e := range ents {
		if !previous || e.Name() != "out" {
			names = append(names, e.Name())
		}
	}
	if len(names) > 0 {
		problems = append(problems, "left behind in the output directory: "+strings.Join(names, " "))
	}
	if previous {
		b, err := os.ReadFile(filepath.Join(outDir, "out"))
		fi, serr := os.Stat(filepath.Join(outDir, "out"))
		if err != nil || serr != nil || string(b) != previousOutput || fi.Mode() != 0o755 {
			problems = append(problems, "the previous output was not left as it was")
		}
	}
	return problems, r
}

// fuzzCrasherTools says how the inputs on which a link fuzz target failed
// (go test's corpus format) are given to a tool: the fuzz target's parser
// is the one that reads a file of that extension. They are kept in
// link/testdata/fuzz/TARGET once fixed (regression seeds of the target),
// and in testdata/malformed/fuzz/TARGET while a fix is pending (they would
// fail go test ./link there).
var fuzzCrasherTools = map[string]struct{ ext, tool string }{
	"FuzzParseObject":      {".o", "gshared"},
	"FuzzLinkObject":       {".o", "gshared"},
	"FuzzParseShared":      {".so", "gshared"},
	"FuzzParseSharedSmall": {".so", "gshared"},
}

// TestFuzzCrashersThroughTools: every input on which a fuzz target failed
// is also given to the tool: it must fail with exit status 1 and one
// "TOOL: error: NAME: ..." line naming the file, without an internal error.
// Names listed in knownBugs ("fuzz/TARGET/HASH") must still fail that.
func TestFuzzCrashersThroughTools(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob(src("malformed", "fuzz", "*", "*"))
	require.NoError(t, err)
	fixed, err := filepath.Glob(filepath.Join(repoRoot, "link", "testdata", "fuzz", "*", "*"))
	require.NoError(t, err)
	for _, f := range append(files, fixed...) {
		target := filepath.Base(filepath.Dir(f))
		how, ok := fuzzCrasherTools[target]
		if !ok {
			continue
		}
		name := "fuzz/" + target + "/" + filepath.Base(f)
		t.Run(name, func(t *testing.T) {
			data := readCorpusBytes(t, f)
			dir := t.TempDir()
			in := "crasher" + how.ext
			require.NoError(t, os.WriteFile(filepath.Join(dir, in), data, 0o644))
			r := run(t, runOpts{dir: dir, timeout: 10 * time.Second}, tool(t, how.tool), "-o", "out", in)
			var problems []string
			if strings.Contains(r.stdout+r.stderr, "internal error") || strings.Contains(r.stdout+r.stderr, "panic:") {
				problems = append(problems, "internal error or panic")
			}
			if r.err != nil || r.code != 1 {
				problems = append(problems, "want exit status 1")
			}
			if lines := strings.Split(strings.TrimSuffix(r.stderr, "\n"), "\n"); len(lines) != 1 ||
				!strings.HasPrefix(lines[0], how.tool+": error: "+in+": ") {
				problems = append(problems, "want one line \""+how.tool+": error: "+in+": ...\"")
			}
			if _, err := os.Stat(filepath.Join(dir, "out")); err == nil {
				problems = append(problems, "output left behind")
			}
			bug, known := knownBugs[name]
			switch {
			case known && len(problems) == 0:
				t.Errorf("known bug %q is fixed (%s): remove it from knownBugs and move the input to the package's testdata/fuzz/%s/ as a regression seed", name, bug, target)
			case known:
				t.Logf("known bug, still present: %s: %s", bug, strings.Join(problems, "; "))
			case len(problems) > 0:
				t.Errorf("%s\n%s", strings.Join(problems, "\n"), r)
			}
		})
	}
}

// readCorpusBytes decodes a one-value []byte corpus file of go test -fuzz.
func readCorpusBytes(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	lines := strings.SplitN(strings.TrimSpace(string(b)), "\n", 2)
	require.Len(t, lines, 2, "%s: not a go test fuzz v1 file", path)
	require.Equal(t, "go test fuzz v1", lines[0], "%s", path)
	v := strings.TrimSpace(lines[1])
	require.True(t, strings.HasPrefix(v, "[]byte(") && strings.HasSuffix(v, ")"), "%s: not a []byte value", path)
	s, err := strconv.Unquote(v[len("[]byte(") : len(v)-1])
	require.NoError(t, err, "%s", path)
	return []byte(s)
}
