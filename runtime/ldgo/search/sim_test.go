package search

import (
	"debug/elf"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// Test scaffolding: run the real ld.so with LD_DEBUG=libs, and replay the
// same process with this package through a tiny breadth-first dependency
// walk modelled on _dl_map_object_deps.

const rtld = "/lib64/ld-linux-x86-64.so.2"

func needTools(t *testing.T, tools ...string) {
	t.Helper()
	if _, err := os.Stat(rtld); err != nil {
		t.Skip("no glibc dynamic loader:", err)
	}
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed", tool)
		}
	}
}

// gcc compiles C source into out with extra arguments.
func gcc(t *testing.T, src, out string, args ...string) {
	t.Helper()
	cfile := out + ".c"
	require.NoError(t, os.WriteFile(cfile, []byte(src), 0o644))
	cmd := exec.Command("gcc", append([]string{"-o", out, cfile}, args...)...)
	b, err := cmd.CombinedOutput()
	require.NoError(t, err, "gcc %v: %s", args, b)
}

// debugLine matches the trace lines the search itself prints, after the
// "pid:\t" tag.
var (
	pidTag    = regexp.MustCompile(`^ *[0-9]+:\t`)
	traceKind = regexp.MustCompile(`^(find library=| search path=|  trying file=| search cache=|cannot load auxiliary )`)
)

// searchLines keeps the search trace lines of an LD_DEBUG=libs log.
func searchLines(log string) []string {
	var out []string
	for _, l := range strings.Split(log, "\n") {
		if !pidTag.MatchString(l) {
			continue
		}
		l = pidTag.ReplaceAllString(l, "")
		if traceKind.MatchString(l) {
			out = append(out, l)
		}
	}
	return out
}

// runRtld runs prog under ld.so with LD_DEBUG=libs and a clean
// environment plus env; it returns stdout, the search trace and whether
// the program ran.
func runRtld(t *testing.T, dir string, env []string, rtldArgs []string, prog string) (string, []string, bool) {
	t.Helper()
	args := append(append([]string{}, rtldArgs...), prog)
	cmd := exec.Command(rtld, args...)
	cmd.Dir = dir
	cmd.Env = append([]string{"LD_DEBUG=libs"}, env...)
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	return stdout.String(), searchLines(stderr.String()), err == nil
}

// objInfo is what the walk needs from an ELF object.
type objInfo struct {
	needed  []string
	soname  string
	rpath   string
	runpath []string
	nodef   bool
}

func readObj(t *testing.T, path string) objInfo {
	t.Helper()
	f, err := elf.Open(path)
	require.NoError(t, err)
	defer f.Close()
	var o objInfo
	o.needed, err = f.DynString(elf.DT_NEEDED)
	require.NoError(t, err)
	if s, _ := f.DynString(elf.DT_SONAME); len(s) > 0 {
		o.soname = s[0]
	}
	if s, _ := f.DynString(elf.DT_RPATH); len(s) > 0 {
		o.rpath = s[0]
	}
	o.runpath, _ = f.DynString(elf.DT_RUNPATH)
	if v, _ := f.DynValue(elf.DT_FLAGS_1); len(v) > 0 {
		o.nodef = v[0]&uint64(elf.DF_1_NODEFLIB) != 0
	}
	return o
}

func requesterFor(t *testing.T, path, cwd string, loader *Requester) (*Requester, objInfo) {
	o := readObj(t, cwdFS{cwd}.abs(path))
	r := &Requester{Path: path, Origin: Origin(path, cwd), RPath: o.rpath, NoDefLib: o.nodef, Loader: loader}
	if len(o.runpath) > 0 {
		r.RunPath, r.HasRunPath = o.runpath[0], true
	}
	return r, o
}

// simResult is the replay of one process start.
type simResult struct {
	trace []string
	found map[string]string // DT_NEEDED name (as searched) -> path
	err   error
}

// simulate replays ld.so loading prog as "ld.so prog" from cwd: the
// executable is opened by its path, then every DT_NEEDED is searched in
// breadth-first order, skipping names already loaded (the dynamic loader
// itself and the vDSO are there from the start).
func simulate(t *testing.T, env *Env, prog, cwd string) simResult {
	t.Helper()
	var res simResult
	res.found = map[string]string{}
	env.Debug = func(format string, args ...any) {
		res.trace = append(res.trace, fmt.Sprintf(format, args...))
	}
	main, mainInfo := requesterFor(t, prog, cwd, nil)
	// rtld clears the main map's l_name even for "ld.so prog"; the trace
	// names it by argv[0], which is then the program path.
	main.Path = ""
	env.Main, env.ProgName = main, prog
	st := NewState(env)
	loaded := map[string]bool{"ld-linux-x86-64.so.2": true, rtld: true, "linux-vdso.so.1": true, prog: true}
	type item struct {
		req  *Requester
		info objInfo
	}
	queue := []item{{main, mainInfo}}
	for len(queue) > 0 {
		it := queue[0]
		queue = queue[1:]
		for _, raw := range it.info.needed {
			name, skip, err := ExpandNeeded(raw, it.req, env)
			if err != nil {
				res.err = err
				return keepSearchLines(res)
			}
			if skip || loaded[name] {
				continue
			}
			r, err := st.Find(name, it.req, cwdFS{cwd})
			if err != nil {
				res.err = err
				return keepSearchLines(res)
			}
			res.found[name] = r.Path
			loaded[name] = true
			req, info := requesterFor(t, r.Path, cwd, it.req)
			if info.soname != "" {
				loaded[info.soname] = true
			}
			queue = append(queue, item{req, info})
		}
	}
	return keepSearchLines(res)
}

// cwdFS is OSFS with relative paths taken from the replayed process's
// working directory instead of the test's.
type cwdFS struct{ cwd string }

func (f cwdFS) abs(p string) string {
	if p == "" || strings.HasPrefix(p, "/") {
		return p // stat("") must keep failing
	}
	return filepath.Join(f.cwd, p)
}

func (f cwdFS) Verify(p string) Verdict          { return OSFS{}.Verify(f.abs(p)) }
func (f cwdFS) Stat(p string) (bool, unix.Errno) { return OSFS{}.Stat(f.abs(p)) }

func keepSearchLines(r simResult) simResult {
	var out []string
	for _, l := range r.trace {
		if traceKind.MatchString(l) {
			out = append(out, l)
		}
	}
	r.trace = out
	return r
}

// lddMap runs ldd on prog and returns name -> resolved path ("not found"
// for missing ones).
func lddMap(t *testing.T, dir string, env []string, prog string) map[string]string {
	t.Helper()
	cmd := exec.Command("ldd", prog)
	cmd.Dir = dir
	cmd.Env = append([]string{"PATH=/usr/bin:/bin"}, env...)
	out, err := cmd.Output()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		require.NoError(t, err)
	}
	m := map[string]string{}
	for _, l := range strings.Split(string(out), "\n") {
		l = strings.TrimSpace(l)
		name, rest, ok := strings.Cut(l, " => ")
		if !ok {
			// An object found under the very name it was asked for (a
			// path, or a relative directory) is listed as "name (addr)".
			if p, _, ok := strings.Cut(l, " ("); ok {
				m[p] = p
			}
			continue
		}
		if strings.HasPrefix(rest, "not found") {
			m[name] = "not found"
			continue
		}
		if i := strings.Index(rest, " ("); i >= 0 {
			rest = rest[:i]
		}
		m[name] = rest
	}
	return m
}
