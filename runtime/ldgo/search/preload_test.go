package search

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// TestFindPreloadSecure: glibc's __RTLD_SECURE rules for a preload of a
// secure process (open_path's set-user-ID check, no ld.so.cache), and
// none of them for a DT_NEEDED search or a process that is not secure.
func TestFindPreloadSecure(t *testing.T) {
	cache, err := ParseCache(buildCache([]synthEntry{
		{flags: 0x303, key: "libp.so", value: "/opt/cached/libp.so"},
	}, nil, false))
	require.NoError(t, err)
	newFS := func() *fakeFS {
		return &fakeFS{
			files: map[string]Verdict{
				"/m/libp.so":                        {OK: true},
				"/opt/cached/libp.so":               {OK: true, SetUID: true},
				"/usr/lib/x86_64-linux-gnu/libp.so": {OK: true},
				"/usr/lib/libp.so":                  {OK: true, SetUID: true},
				"/lib/libplain.so":                  {OK: true},
			},
			dirs: map[string]bool{"/m": true, "/lib/x86_64-linux-gnu": true, "/usr/lib/x86_64-linux-gnu": true,
				"/lib": true, "/usr/lib": true},
		}
	}
	var trace []string
	main := &Requester{RunPath: "/m"}
	env := &Env{Caps: Caps{}, Secure: true, Cache: cache, Main: main,
		Debug: func(f string, a ...any) { trace = append(trace, strings.TrimSpace(fmt.Sprintf(f, a...))) }}

	// Secure: the RUNPATH's and the first system directory's files lack
	// the set-user-ID bit, the cache is not read (its setuid file is not
	// even tried): the setuid file in /usr/lib wins.
	fs := newFS()
	r, err := NewState(env).FindPreload("libp.so", main, fs)
	require.NoError(t, err)
	require.Equal(t, Result{Path: "/usr/lib/libp.so", Rule: RuleSystem}, r)
	require.NotContains(t, fs.tried, "/opt/cached/libp.so")
	for _, line := range trace {
		require.NotContains(t, line, "search cache=")
	}
	// Only files without the bit: the search fails as if none existed.
	_, err = NewState(env).FindPreload("libplain.so", main, newFS())
	require.EqualError(t, err, "libplain.so: cannot open shared object file: no such file or directory")

	// The same process's DT_NEEDED search has no such rule.
	r, err = NewState(env).Find("libp.so", main, newFS())
	require.NoError(t, err)
	require.Equal(t, "/m/libp.so", r.Path)

	// Nor has a preload of a process that is not secure.
	env.Secure = false
	r, err = NewState(env).FindPreload("libp.so", main, newFS())
	require.NoError(t, err)
	require.Equal(t, "/m/libp.so", r.Path)
}

// TestFindPreloadRejectedDirExists: a directory whose file was opened and
// then refused for lacking the set-user-ID bit exists, for the search that
// follows too: glibc settles the directory's status before the check.
func TestFindPreloadRejectedDirExists(t *testing.T) {
	// Stat knows no directory at all: only a successful open can
	// show that /z exists.
	fs := &fakeFS{files: map[string]Verdict{"/z/libp.so": {OK: true}}}
	main := &Requester{RunPath: "/z"}
	s := NewState(&Env{Caps: Caps{}, Secure: true, InhibitCache: true, Main: main})
	_, err := s.FindPreload("libp.so", main, fs)
	require.Error(t, err)
	var le *LoadError
	require.ErrorAs(t, err, &le)
	require.Equal(t, unix.ENOENT, le.Errno)
	fs.tried = nil
	_, err = s.Find("libq.so", main, fs)
	require.Error(t, err)
	// Had /z counted as missing, its RUNPATH would have been dropped.
	require.Contains(t, fs.tried, "/z/libq.so")
}

// TestOSFSReportsSetUID: OSFS.Verify reports the set-user-ID bit of a file
// it accepts (the owner may set it on their own file, no root needed).
func TestOSFSReportsSetUID(t *testing.T) {
	needTools(t, "gcc")
	lib := filepath.Join(t.TempDir(), "libs.so")
	gcc(t, "int f(void) { return 1; }\n", lib, "-shared", "-fPIC")
	v := OSFS{}.Verify(lib)
	require.True(t, v.OK)
	require.False(t, v.SetUID)
	require.NoError(t, os.Chmod(lib, os.ModeSetuid|0o755))
	v = OSFS{}.Verify(lib)
	require.True(t, v.OK)
	require.True(t, v.SetUID)
}
