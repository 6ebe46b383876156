// Package e2e holds the end-to-end tests of the toolchain: it builds gshared,
// gold (and ldgo once it exists) once, links real programs and libraries with
// them, and runs the results under the system dynamic loader.
//
// Every test program in testdata/ was checked against the system toolchain
// (gcc -shared / GNU ld), so a failure here is a linker bug, not a test bug.
package e2e

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

const (
	// runTimeout bounds compiles, small links and test programs.
	runTimeout = 60 * time.Second
	// linkTimeout bounds whole-archive links of big libraries (libcrypto.a
	// is ~5 MB of code): generous so a slow-but-correct linker still passes.
	linkTimeout = 3 * time.Minute
	// systemLoader is the glibc dynamic linker used until ldgo is ready.
	systemLoader = "/lib64/ld-linux-x86-64.so.2"
	// libDir is where Debian keeps the static archives the tests link.
	libDir = "/usr/lib/x86_64-linux-gnu"
)

var (
	repoRoot string // the module root (parent of e2e/)
	toolDir  string // install tree: bin/{gshared,gold,ldgo}, libexec/gold/ld
	cacheDir string // libraries shared between tests (see shared())

	// buildFailures maps a tool name to its `go build` output when it did
	// not build; tests needing that tool fail with this text.
	buildFailures = map[string]string{}
)

func TestMain(m *testing.M) { os.Exit(testMain(m)) }

func testMain(m *testing.M) int {
	root, err := filepath.Abs("..")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	repoRoot = root
	tmp, err := os.MkdirTemp("", "gold-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	defer os.RemoveAll(tmp)
	toolDir = filepath.Join(tmp, "tools")
	cacheDir = filepath.Join(tmp, "cache")
	for _, d := range []string{filepath.Join(toolDir, "bin"), filepath.Join(toolDir, "libexec", "gold"), cacheDir} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			fmt.Fprintln(os.Stderr, "e2e:", err)
			return 1
		}
	}
	buildTools()
	return m.Run()
}

// buildTools builds each tool separately (rather than through
// scripts/install.sh, which TestInstallScript covers) so that one tool failing
// to build fails only the tests that need it, with the compiler's message.
func buildTools() {
	goCmd := goBinary()
	tools := map[string]string{"gshared": "./cmd/gshared", "gold": "./cmd/gold"}
	if hasGoFiles(filepath.Join(repoRoot, "runtime", "ldgo")) {
		tools["ldgo"] = "./runtime/ldgo"
	}
	for name, pkg := range tools {
		out := filepath.Join(toolDir, "bin", name)
		args := []string{"build", "-trimpath", "-o", out, pkg}
		if os.Getenv("GOLD_E2E_RACE") != "" {
			// The linkers under the race detector: a race makes them
			// print a report and exit 66, failing the test that ran them.
			args = append(args[:1], append([]string{"-race"}, args[1:]...)...)
		}
		cmd := goCmd
		if name == "ldgo" {
			// The loader's build flags live in one place: its build.sh.
			cmd, args = "bash", []string{filepath.Join(repoRoot, "runtime", "ldgo", "build.sh"), out}
		}
		r := execute(runOpts{dir: repoRoot, timeout: 5 * time.Minute}, cmd, args...)
		if !r.ok() {
			buildFailures[name] = r.String()
			fmt.Fprintf(os.Stderr, "e2e: building %s failed; the tests that need it will fail:\n%s\n", name, r)
		}
	}
	// gcc -B DIR/libexec/gold/ runs DIR/libexec/gold/ld: gold under the name ld.
	if err := os.Symlink("../../bin/gold", filepath.Join(toolDir, "libexec", "gold", "ld")); err != nil {
		buildFailures["gold"] += "\nsymlink: " + err.Error()
	}
}

func goBinary() string {
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	return "/usr/local/go/bin/go"
}

func hasGoFiles(dir string) bool {
	m, _ := filepath.Glob(filepath.Join(dir, "*.go"))
	for _, f := range m {
		if !strings.HasSuffix(f, "_test.go") {
			return true
		}
	}
	return false
}

// tool returns the path of a built tool, failing the test if it did not build.
func tool(t testing.TB, name string) string {
	t.Helper()
	if msg, failed := buildFailures[name]; failed {
		t.Fatalf("%s did not build:\n%s", name, msg)
	}
	return filepath.Join(toolDir, "bin", name)
}

// goldBDir is the directory to pass as gcc -B so that gcc links with gold.
func goldBDir(t testing.TB) string {
	t.Helper()
	tool(t, "gold")
	return filepath.Join(toolDir, "libexec", "gold") + "/"
}

// src returns the path of a file under testdata/.
func src(parts ...string) string {
	return filepath.Join(append([]string{repoRoot, "testdata"}, parts...)...)
}

// readExpected returns the contents of a testdata expectation file.
func readExpected(t testing.TB, parts ...string) string {
	t.Helper()
	b, err := os.ReadFile(src(parts...))
	require.NoError(t, err)
	return string(b)
}

// needTools skips the test when a system tool it compares against is not
// installed (scripts/deps.sh installs them all); gcc and friends are assumed.
func needTools(t testing.TB, names ...string) {
	t.Helper()
	for _, n := range names {
		if _, err := exec.LookPath(n); err != nil {
			t.Skipf("%s is not installed (scripts/deps.sh installs it)", n)
		}
	}
}

// needFiles skips the test when a system file (a -dev package's archive or
// header) is missing.
func needFiles(t testing.TB, paths ...string) {
	t.Helper()
	for _, p := range paths {
		if _, err := os.Stat(p); err != nil {
			t.Skipf("%s is missing (scripts/deps.sh installs its package)", p)
		}
	}
}

type runOpts struct {
	dir     string
	env     []string // added to the hermetic base environment
	timeout time.Duration
}

// result is what a command did. code is the exit status, or -1 when the
// command could not start, timed out or died of a signal (err says which).
type result struct {
	cmdline        string
	dir            string
	stdout, stderr string
	code           int
	err            error
}

func (r result) ok() bool { return r.err == nil && r.code == 0 }

func (r result) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "$ %s\n  (in %s)\n", r.cmdline, r.dir)
	if r.err != nil {
		fmt.Fprintf(&b, "error: %v\n", r.err)
	}
	fmt.Fprintf(&b, "exit status: %d\n", r.code)
	fmt.Fprintf(&b, "stdout:\n%s\nstderr:\n%s", clip(r.stdout), clip(r.stderr))
	return b.String()
}

// clip keeps failure messages readable when a tool prints megabytes.
func clip(s string) string {
	const max = 16 << 10
	if len(s) <= max {
		return s
	}
	return s[:max/2] + "\n[... " + fmt.Sprint(len(s)-max) + " bytes cut ...]\n" + s[len(s)-max/2:]
}

// baseEnv is the environment for every command: the test's own, minus the
// variables that would change which libraries a program loads or how.
func baseEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "LD_") || k == "GOMAXPROCS" {
			continue
		}
		env = append(env, kv)
	}
	return append(env, "LC_ALL=C")
}

// execute runs a command without a testing.T, so that builds shared between
// tests (see shared()) can report errors to every test that waits for them.
func execute(o runOpts, name string, args ...string) result {
	if o.timeout == 0 {
		o.timeout = runTimeout
	}
	ctx, cancel := context.WithTimeout(context.Background(), o.timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = o.dir
	cmd.Env = append(baseEnv(), o.env...)
	// A child left behind holding the pipes must not hang the test.
	cmd.WaitDelay = 5 * time.Second
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	r := result{
		cmdline: strings.Join(append(append(append([]string{}, o.env...), name), args...), " "),
		dir:     o.dir,
		code:    -1,
	}
	var ee *exec.ExitError
	switch {
	case ctx.Err() == context.DeadlineExceeded:
		r.err = fmt.Errorf("timed out after %v", o.timeout)
	case errors.As(err, &ee):
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			r.err = fmt.Errorf("killed by signal %v", ws.Signal())
		} else {
			r.code = ee.ExitCode()
		}
	case err != nil:
		r.err = err
	default:
		r.code = 0
	}
	r.stdout, r.stderr = stdout.String(), stderr.String()
	return r
}

// run runs a command and logs it; it never fails the test by itself.
func run(t testing.TB, o runOpts, name string, args ...string) result {
	t.Helper()
	r := execute(o, name, args...)
	t.Logf("$ %s -> %d", r.cmdline, r.code)
	return r
}

// mustRun runs a command and fails the test unless it exits 0.
func mustRun(t testing.TB, o runOpts, name string, args ...string) result {
	t.Helper()
	r := run(t, o, name, args...)
	require.True(t, r.ok(), "command failed:\n%s", r)
	return r
}

// requireOutput checks a program's exact stdout and stderr and exit status 0.
func requireOutput(t testing.TB, r result, wantStdout, wantStderr string) {
	t.Helper()
	require.True(t, r.ok(), "program failed:\n%s", r)
	require.Equal(t, wantStdout, r.stdout, "stdout differs:\n%s", r)
	require.Equal(t, wantStderr, r.stderr, "stderr differs:\n%s", r)
}

// gcc runs the C compiler driver in dir and requires success.
func gcc(t testing.TB, dir string, args ...string) {
	t.Helper()
	mustRun(t, runOpts{dir: dir}, "gcc", args...)
}

// gxx runs the C++ compiler driver in dir and requires success.
func gxx(t testing.TB, dir string, args ...string) {
	t.Helper()
	mustRun(t, runOpts{dir: dir}, "g++", args...)
}

// gshared runs gshared in dir with the link timeout.
func gshared(t testing.TB, dir string, args ...string) result {
	t.Helper()
	return run(t, runOpts{dir: dir, timeout: linkTimeout}, tool(t, "gshared"), args...)
}

// mustGshared runs gshared and requires success and a silent link: GNU ld
// prints nothing for the same links.
func mustGshared(t testing.TB, dir string, args ...string) {
	t.Helper()
	r := gshared(t, dir, args...)
	require.True(t, r.ok(), "gshared failed:\n%s", r)
	require.Empty(t, r.stderr, "gshared printed diagnostics for a valid link:\n%s", r)
}

// memo runs each named build once per test binary, for libraries that
// several tests use (linking libcrypto.a takes seconds). Builds report errors
// as values, so every test that asks for a failed build fails with its text.
var memo struct {
	sync.Mutex
	m map[string]*memoEntry
}

type memoEntry struct {
	once sync.Once
	path string
	err  error
}

func once(key string, build func() (string, error)) (string, error) {
	memo.Lock()
	if memo.m == nil {
		memo.m = map[string]*memoEntry{}
	}
	e, ok := memo.m[key]
	if !ok {
		e = &memoEntry{}
		memo.m[key] = e
	}
	memo.Unlock()
	e.once.Do(func() { e.path, e.err = build() })
	return e.path, e.err
}

// step runs one command of a shared build, turning failure into an error.
func step(o runOpts, name string, args ...string) error {
	r := execute(o, name, args...)
	if !r.ok() {
		return fmt.Errorf("build step failed:\n%s", r)
	}
	return nil
}
