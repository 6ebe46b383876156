package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// badInputSources are the C files of TestGoldBadInputs and
// TestGoldUndefinedHint, compiled with gcc -O0 -c.
var badInputSources = map[string]string{
	// Four calls in two functions: gold shows three and counts the rest.
	"undef.c": "void missing_fn(void);\n" +
		"void f1(void) { missing_fn(); missing_fn(); }\n" +
		"int main(void) { missing_fn(); missing_fn(); f1(); return 0; }\n",
	"dup1.c": "int dup = 1;\n",
	"dup2.c": "int dup = 2;\nint main(void) { return dup; }\n",
	"main.c": "int main(void) { return 0; }\n",
}

// badInputDir compiles badInputSources into a fresh directory (the names of
// the objects appear in gold's messages, so they are given relative).
func badInputDir(t testing.TB, files ...string) string {
	t.Helper()
	dir := t.TempDir()
	for _, f := range files {
		writeFile(t, filepath.Join(dir, f), badInputSources[f])
	}
	gcc(t, dir, append([]string{"-O0", "-c"}, files...)...)
	return dir
}

// goldInvocations are the two ways of calling gold: under its own name (the
// system loader as interpreter, as ldgo may not be built) and as gcc's ld.
var goldInvocations = []string{"gold", "ld"}

// linkWithGold runs gold in dir with the given inputs and -o out, in one of
// goldInvocations. It returns the result and gold's own stderr lines (gcc's
// collect2 line taken out, after checking that it says ld returned 1).
func linkWithGold(t testing.TB, how, dir, out string, inputs ...string) (result, []string) {
	t.Helper()
	var r result
	if how == "gold" {
		r = run(t, runOpts{dir: dir, timeout: linkTimeout}, tool(t, "gold"),
			append([]string{"-dynamic-linker", systemLoader, "-o", out}, inputs...)...)
	} else {
		r = run(t, runOpts{dir: dir, timeout: linkTimeout}, "gcc",
			append([]string{"-B", goldBDir(t), "-o", out}, inputs...)...)
	}
	var lines []string
	for _, l := range strings.Split(strings.TrimSuffix(r.stderr, "\n"), "\n") {
		if how == "ld" && strings.HasPrefix(l, "collect2: ") {
			require.Equal(t, "collect2: error: ld returned 1 exit status", l, "%s", r)
			continue
		}
		lines = append(lines, l)
	}
	return r, lines
}

// requireFailedCleanly checks what every failed link must do: exit status 1,
// no Go panic text, every stderr line either "gold: error: ..." or a ">>> "
// continuation with exactly one error, and the output directory exactly as
// it was (no output, no temporary file, a pre-existing output untouched).
func requireFailedCleanly(t testing.TB, r result, lines []string, dir string, before map[string]string) {
	t.Helper()
	all := r.stdout + r.stderr
	for _, bad := range []string{"goroutine ", "panic:", "internal error"} {
		require.NotContains(t, all, bad, "gold crashed:\n%s", r)
	}
	require.NoError(t, r.err, "%s", r)
	require.Equal(t, 1, r.code, "want exit status 1:\n%s", r)
	require.Empty(t, r.stdout, "%s", r)
	errs := 0
	for _, l := range lines {
		switch {
		case strings.HasPrefix(l, "gold: error: "):
			errs++
		case strings.HasPrefix(l, ">>> "):
		default:
			t.Fatalf("stray line %q on stderr:\n%s", l, r)
		}
	}
	require.Equal(t, 1, errs, "want exactly one \"gold: error:\" report:\n%s", r)
	require.True(t, strings.HasPrefix(lines[0], "gold: error: "), "%s", r)
	require.Equal(t, before, dirContents(t, dir), "the output directory changed in a failed link")
}

// dirContents maps each file in dir to its contents.
func dirContents(t testing.TB, dir string) map[string]string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	require.NoError(t, err)
	m := map[string]string{}
	for _, e := range ents {
		if e.IsDir() {
			m[e.Name()+"/"] = ""
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		require.NoError(t, err)
		m[e.Name()] = string(b)
	}
	return m
}

// arHeader is an ar member header for a member of size bytes.
func arHeader(name string, size int) string {
	return fmt.Sprintf("%-16s%-12d%-6d%-6d%-8o%-10d`\n", name+"/", 0, 0, 0, 0o644, size)
}

// TestGoldBadInputs: each bad input gives one clear error, exit status 1, and
// leaves the output directory as it was, both for gold under its own name and
// as ld through gcc.
func TestGoldBadInputs(t *testing.T) {
	t.Parallel()
	garbage := strings.Repeat("this is not an ar member header! ", 8)
	cases := []struct {
		name    string
		sources []string          // badInputSources compiled into the directory
		files   map[string]string // other input files
		inputs  []string          // link inputs besides -o
		check   func(t testing.TB, r result, lines []string, dir string)
	}{
		{name: "undefined", sources: []string{"undef.c"}, inputs: []string{"undef.o"},
			check: func(t testing.TB, r result, lines []string, _ string) {
				ref := regexp.MustCompile(`^>>> referenced by undef\.o:\(\.text\+0x[0-9a-f]+\) in function (f1|main)$`)
				require.Len(t, lines, 5, "%s", r)
				require.Equal(t, "gold: error: undefined symbol: missing_fn", lines[0], "%s", r)
				for _, l := range lines[1:4] {
					require.Regexp(t, ref, l, "%s", r)
				}
				require.Equal(t, ">>> referenced 1 more times", lines[4], "%s", r)
				fns := strings.Join([]string{ref.FindStringSubmatch(lines[1])[1], ref.FindStringSubmatch(lines[2])[1],
					ref.FindStringSubmatch(lines[3])[1]}, " ")
				require.Equal(t, "f1 f1 main", fns, "the references, in order, name their functions:\n%s", r)
			}},
		{name: "duplicate", sources: []string{"dup1.c", "dup2.c"}, inputs: []string{"dup1.o", "dup2.o"},
			check: func(t testing.TB, r result, lines []string, _ string) {
				require.Equal(t, "gold: error: duplicate symbol: dup", lines[0], "%s", r)
				rest := strings.Join(lines[1:], "\n")
				require.Contains(t, rest, "dup1.o", "the report must name both objects:\n%s", r)
				require.Contains(t, rest, "dup2.o", "the report must name both objects:\n%s", r)
			}},
		{name: "missing-library", sources: []string{"main.c"}, inputs: []string{"main.o", "-Lextra", "-lnope"},
			files: map[string]string{"extra/README": "an empty library directory\n"},
			check: func(t testing.TB, r result, lines []string, _ string) {
				require.Contains(t, lines[0], "unable to find library -lnope", "%s", r)
				// It lists the directories searched: -L's first, then the
				// system's.
				all := strings.Join(lines, "\n")
				require.Contains(t, all, "extra", "%s", r)
				require.Contains(t, all, "/usr/lib/x86_64-linux-gnu", "%s", r)
			}},
		{name: "archive-garbage", sources: []string{"main.c"}, inputs: []string{"main.o", "libgarbage.a"},
			files: map[string]string{"libgarbage.a": "!<arch>\n" + garbage}},
		{name: "archive-short-header", sources: []string{"main.c"}, inputs: []string{"main.o", "libshorthdr.a"},
			files: map[string]string{"libshorthdr.a": "!<arch>\nm.o/   0"}},
		{name: "archive-member-past-eof", sources: []string{"main.c"}, inputs: []string{"main.o", "libpasteof.a"},
			files: map[string]string{"libpasteof.a": "!<arch>\n" + arHeader("m.o", 100000) + "\x7fELF\x02\x01\x01"}},
		{name: "linker-script-sections", sources: []string{"main.c"}, inputs: []string{"main.o", "libx.so"},
			files: map[string]string{"libx.so": "SECTIONS { . = 0x1000; }\n"},
			check: func(t testing.TB, r result, lines []string, _ string) {
				require.Contains(t, lines[0], "not supported", "%s", r)
			}},
		{name: "linker-script-sections-by-l", sources: []string{"main.c"}, inputs: []string{"main.o", "-L.", "-lx"},
			files: map[string]string{"libx.so": "SECTIONS { . = 0x1000; }\n"},
			check: func(t testing.TB, r result, lines []string, _ string) {
				require.Contains(t, lines[0], "libx.so", "%s", r)
				require.Contains(t, lines[0], "not supported", "%s", r)
			}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			dir := badInputDir(t, c.sources...)
			// The message must name the offending input.
			var named []string
			for f, content := range c.files {
				p := filepath.Join(dir, f)
				require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
				writeFile(t, p, content)
				if !strings.Contains(f, "/") {
					named = append(named, f)
				}
			}
			sort.Strings(named)
			for _, how := range goldInvocations {
				for _, preexisting := range []bool{false, true} {
					out := "prog"
					if preexisting {
						writeFile(t, filepath.Join(dir, out), "the previous build's output\n")
					}
					before := dirContents(t, dir)
					r, lines := linkWithGold(t, how, dir, out, c.inputs...)
					requireFailedCleanly(t, r, lines, dir, before)
					for _, f := range named {
						require.Contains(t, lines[0], f, "the error must name the bad input:\n%s", r)
					}
					if c.check != nil {
						c.check(t, r, lines, dir)
					}
					require.NoError(t, os.RemoveAll(filepath.Join(dir, out)))
				}
			}
		})
	}
}

// TestGoldUndefinedHint: an undefined symbol that exists elsewhere gets a
// ">>> hint:" line saying where.
//
// Not covered: a C program calling cos() linked without -lm gets no hint,
// since libc.so.6 does not depend on libm.so.6 and gold only looks through
// the DT_NEEDED libraries of its inputs.
func TestGoldUndefinedHint(t *testing.T) {
	t.Parallel()
	hint := func(t testing.TB, r result, lines []string) string {
		t.Helper()
		for _, l := range lines {
			if strings.HasPrefix(l, ">>> hint: ") {
				return l
			}
		}
		t.Fatalf("no \">>> hint:\" line:\n%s", r)
		return ""
	}

	// The symbol exists, but only as a non-default version: a plain
	// reference cannot bind to it.
	t.Run("other-version", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		writeFile(t, filepath.Join(dir, "v.c"), "int vfn_old(void) { return 1; }\n"+
			`__asm__(".symver vfn_old, vfn@VERS_1");`+"\n")
		writeFile(t, filepath.Join(dir, "v.map"), "VERS_1 { global: vfn; local: *; };\n")
		writeFile(t, filepath.Join(dir, "use.c"), "int vfn(void);\nint main(void) { return vfn(); }\n")
		gcc(t, dir, "-shared", "-fpic", "-o", "libv.so", "v.c", "-Wl,--version-script=v.map")
		gcc(t, dir, "-c", "use.c")
		for _, how := range goldInvocations {
			before := dirContents(t, dir)
			r, lines := linkWithGold(t, how, dir, "prog", "use.o", "./libv.so")
			requireFailedCleanly(t, r, lines, dir, before)
			require.Equal(t, "gold: error: undefined symbol: vfn", lines[0], "%s", r)
			require.Contains(t, hint(t, r, lines), "vfn@VERS_1", "%s", r)
		}
	})

	// The symbol is in a library that an input library depends on, but
	// dependencies are not searched for symbols (as with GNU ld): cos is in
	// libm.so.6, which libstdc++.so.6 needs.
	t.Run("dependency", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		writeFile(t, filepath.Join(dir, "cos.c"), "#include <math.h>\n#include <stdio.h>\n"+
			"int main(int argc, char **argv) { printf(\"%f\\n\", cos(argc * 0.5)); return 0; }\n")
		gcc(t, dir, "-O2", "-fno-builtin", "-c", "cos.c")
		for _, how := range goldInvocations {
			before := dirContents(t, dir)
			r, lines := linkWithGold(t, how, dir, "prog", "cos.o", "-lstdc++")
			requireFailedCleanly(t, r, lines, dir, before)
			require.Equal(t, "gold: error: undefined symbol: cos", lines[0], "%s", r)
			require.Contains(t, hint(t, r, lines), "libm.so.6", "%s", r)
		}
	})
}
