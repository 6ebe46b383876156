package search

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// fakeFS has a set of files and directories; other paths do not exist.
type fakeFS struct {
	files map[string]Verdict
	dirs  map[string]bool
	tried []string
}

func (f *fakeFS) Verify(p string) Verdict {
	f.tried = append(f.tried, p)
	if v, ok := f.files[p]; ok {
		return v
	}
	return Verdict{Errno: unix.ENOENT}
}

func (f *fakeFS) Stat(p string) (bool, unix.Errno) {
	if f.dirs[p] {
		return true, 0
	}
	return false, unix.ENOENT
}

// plainCaps keeps lists short: no subdirectory besides "tls".
var plainCaps = Caps{}

func paths(rs []Result) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Path)
	}
	return out
}

func rules(rs []Result) []string {
	var out []string
	seen := map[string]bool{}
	for _, r := range rs {
		if !seen[r.Rule] {
			seen[r.Rule] = true
			out = append(out, r.Rule)
		}
	}
	return out
}

func TestCandidatesOrder(t *testing.T) {
	main := &Requester{Origin: "/app/bin", RPath: "/m1:$ORIGIN/../lib"}
	y := &Requester{Path: "/y/liby.so", Origin: "/y", RPath: "/y1", Loader: main}
	z := &Requester{Path: "/z/libz.so", Origin: "/z", RPath: "/z1", Loader: y}
	env := &Env{Caps: plainCaps, Main: main, ProgName: "prog", LibraryPath: "/llp"}

	got := Candidates("libq.so", z, env)
	require.Equal(t, []string{
		"RPATH from file /z/libz.so", "RPATH from file /y/liby.so", "RPATH from file prog",
		"LD_LIBRARY_PATH", RuleSystem,
	}, rules(got))
	require.Equal(t, []string{
		"/z1/tls/libq.so", "/z1/libq.so", "/y1/tls/libq.so", "/y1/libq.so",
		"/m1/tls/libq.so", "/m1/libq.so", "/app/bin/../lib/tls/libq.so", "/app/bin/../lib/libq.so",
		"/llp/tls/libq.so", "/llp/libq.so",
		"/lib/x86_64-linux-gnu/tls/libq.so", "/lib/x86_64-linux-gnu/libq.so",
		"/usr/lib/x86_64-linux-gnu/tls/libq.so", "/usr/lib/x86_64-linux-gnu/libq.so",
		"/lib/tls/libq.so", "/lib/libq.so", "/usr/lib/tls/libq.so", "/usr/lib/libq.so",
	}, paths(got))

	// A RUNPATH in the requester disables every RPATH and comes after
	// LD_LIBRARY_PATH; its own value is not inherited by its dependencies.
	z.RunPath = "/zr"
	require.Equal(t, []string{"LD_LIBRARY_PATH", "RUNPATH from file /z/libz.so", RuleSystem},
		rules(Candidates("libq.so", z, env)))
	w := &Requester{Path: "/w/libw.so", Origin: "/w", Loader: z}
	require.Equal(t, []string{
		"RPATH from file /y/liby.so", "RPATH from file prog", "LD_LIBRARY_PATH", RuleSystem,
	}, rules(Candidates("libq.so", w, env)), "z's DT_RPATH is void since it has DT_RUNPATH")

	// An object opened by dlopen has no loader: the executable's RPATH
	// still follows its own.
	d := &Requester{Path: "/d/libd.so", Origin: "/d", RPath: "/d1"}
	require.Equal(t, []string{"RPATH from file /d/libd.so", "RPATH from file prog", "LD_LIBRARY_PATH", RuleSystem},
		rules(Candidates("libq.so", d, env)))

	// An executable with DT_RUNPATH has no usable RPATH either.
	main.RunPath = "/mr"
	require.Equal(t, []string{"RPATH from file /d/libd.so", "LD_LIBRARY_PATH", RuleSystem},
		rules(Candidates("libq.so", d, env)))
}

func TestCandidatesPathLists(t *testing.T) {
	env := &Env{Caps: Caps{}, LibraryPath: "/a//:;/b:/a:$ORIGIN/x:/c/$PLATFORM", InhibitCache: true,
		Main: &Requester{Origin: "/o"}}
	// Empty element = current directory ("" + name); repeats dropped; no
	// platform drops the last element.
	require.Equal(t, []string{
		"/a/tls/libq.so", "/a/libq.so", "tls/libq.so", "libq.so", "/b/tls/libq.so", "/b/libq.so",
		"/o/x/tls/libq.so", "/o/x/libq.so",
	}, paths(Candidates("libq.so", nil, env))[:8])

	// Secure: LD_LIBRARY_PATH is ignored, and the executable's $ORIGIN
	// paths must stay inside the system directories.
	env = &Env{Caps: Caps{}, Secure: true, LibraryPath: "/llp", InhibitCache: true,
		Main: &Requester{Origin: "/usr/bin", RPath: "$ORIGIN/../lib/x86_64-linux-gnu/app:$ORIGIN/../../opt:/fixed"}}
	got := Candidates("libq.so", env.Main, env)
	require.Equal(t, []string{
		"/usr/bin/../lib/x86_64-linux-gnu/app/tls/libq.so", "/usr/bin/../lib/x86_64-linux-gnu/app/libq.so",
		"/fixed/tls/libq.so", "/fixed/libq.so",
	}, paths(got)[:4])
	require.Equal(t, []string{"RPATH from file <program name unknown>", RuleSystem}, rules(got))

	// --inhibit-rpath names objects by l_name; "" is the executable.
	env = &Env{Caps: Caps{}, InhibitCache: true, InhibitRPath: "/y/liby.so",
		Main: &Requester{RPath: "/m"}}
	y := &Requester{Path: "/y/liby.so", RPath: "/y1", Loader: env.Main}
	require.Equal(t, "/m/tls/libq.so", Candidates("libq.so", y, env)[0].Path)
}

func TestCandidatesCacheAndNoDefLib(t *testing.T) {
	cache, err := ParseCache(buildCache([]synthEntry{
		{flags: 0x303, key: "libq.so", value: "/usr/lib/x86_64-linux-gnu/libq.so"},
		{flags: 0x303, key: "libo.so", value: "/opt/libo.so"},
	}, nil, false))
	require.NoError(t, err)
	env := &Env{Caps: Caps{}, Cache: cache}
	req := &Requester{Path: "/r/libr.so", RunPath: "/rr"}
	got := Candidates("libq.so", req, env)
	require.Equal(t, Result{Path: "/usr/lib/x86_64-linux-gnu/libq.so", Rule: RuleCache}, got[2])
	require.Equal(t, []string{"RUNPATH from file /r/libr.so", RuleCache, RuleSystem}, rules(got))

	// NODEFLIB: cache hits inside system directories and the system
	// directories themselves are out; other cache hits stay.
	req.NoDefLib = true
	require.Equal(t, []string{"/rr/tls/libq.so", "/rr/libq.so"}, paths(Candidates("libq.so", req, env)))
	require.Equal(t, "/opt/libo.so", Candidates("libo.so", req, env)[2].Path)

	env.InhibitCache = true
	require.Equal(t, []string{"/rr/tls/libo.so", "/rr/libo.so"}, paths(Candidates("libo.so", req, env)))
}

func TestCandidatesDirect(t *testing.T) {
	env := &Env{Caps: Caps{}}
	req := &Requester{Path: "/a/liba.so", Origin: "/a"}
	require.Equal(t, []Result{{Path: "/a/sub/libb.so", Rule: RuleDirect}}, Candidates("$ORIGIN/sub/libb.so", req, env))
	require.Equal(t, []Result{{Path: "./libb.so", Rule: RuleDirect}}, Candidates("./libb.so", req, env))
	// Without a requester nothing is expanded.
	require.Equal(t, []Result{{Path: "$ORIGIN/x.so", Rule: RuleDirect}}, Candidates("$ORIGIN/x.so", nil, env))
	env.Secure = true
	require.Empty(t, Candidates("/x/$ORIGIN/libb.so", req, env))
}

func TestFindErrnoAbandonsList(t *testing.T) {
	// EMFILE in an existing directory ends that list only.
	fs := &fakeFS{
		files: map[string]Verdict{
			"/a/libq.so": {Errno: unix.EMFILE},
			"/c/libq.so": {OK: true},
		},
		dirs: map[string]bool{"/a": true, "/b": true, "/c": true},
	}
	env := &Env{Caps: Caps{}, LibraryPath: "/a:/b", InhibitCache: true,
		Main: &Requester{RunPath: "/c"}}
	s := NewState(env)
	r, err := s.Find("libq.so", env.Main, fs)
	require.NoError(t, err)
	require.Equal(t, Result{Path: "/c/libq.so", Rule: "RUNPATH from file <program name unknown>"}, r)
	require.NotContains(t, fs.tried, "/b/libq.so")
}

func TestFindFatalAndNotFound(t *testing.T) {
	fs := &fakeFS{
		files: map[string]Verdict{
			"/a/libbad.so": {Fatal: &LoadError{Name: "/a/libbad.so", Msg: "invalid ELF header"}},
			"/b/libbad.so": {OK: true},
			"/a/lib32.so":  {Errno: unix.ENOENT, OtherClass: true},
		},
		dirs: map[string]bool{"/a": true, "/b": true},
	}
	env := &Env{Caps: Caps{}, LibraryPath: "/a:/b", InhibitCache: true}
	s := NewState(env)
	_, err := s.Find("libbad.so", nil, fs)
	require.EqualError(t, err, "/a/libbad.so: invalid ELF header")

	_, err = s.Find("lib32.so", nil, fs)
	require.EqualError(t, err, "lib32.so: wrong ELF class: ELFCLASS32")

	_, err = s.Find("libnone.so", nil, fs)
	require.EqualError(t, err, "libnone.so: cannot open shared object file: no such file or directory")

	_, err = s.Find("/b/libbad.so", nil, fs)
	require.NoError(t, err)
}

func TestFindRemembersMissingDirs(t *testing.T) {
	fs := &fakeFS{
		files: map[string]Verdict{"/lib/libq.so": {OK: true}, "/lib/libr.so": {OK: true}},
		dirs:  map[string]bool{"/lib": true, "/x": true},
	}
	var trace []string
	env := &Env{Caps: Caps{}, InhibitCache: true, LibraryPath: "/nope:/x",
		Debug: func(f string, a ...any) { trace = append(trace, strings.TrimSpace(fmt.Sprintf(f, a...))) }}
	s := NewState(env)
	_, err := s.Find("libq.so", nil, fs)
	require.NoError(t, err)
	fs.tried = nil
	trace = nil
	_, err = s.Find("libr.so", nil, fs)
	require.NoError(t, err)
	// /nope, every tls/ subdirectory and the missing system directories
	// are known by now and skipped.
	require.Equal(t, []string{"/x/libr.so", "/lib/libr.so"}, fs.tried)
	require.Equal(t, "search path=/x\t\t(LD_LIBRARY_PATH)", trace[1])
}
