package search

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

const mainSrc = `#include <stdio.h>
const char *where(void);
int main(void) { puts(where()); return 0; }
`

const indirectMainSrc = `#include <stdio.h>
const char *y(void);
int main(void) { puts(y()); return 0; }
`

const libySrc = `const char *where(void);
const char *y(void) { return where(); }
`

func libxSrc(tag string) string {
	return `const char *where(void) { return "` + tag + `"; }` + "\n"
}

// matrixTree builds the libraries and programs of the matrix under root.
// Every libx.so returns the directory it lives in (relative to root).
func matrixTree(t *testing.T, root string) {
	t.Helper()
	mk := func(rel string) string {
		p := filepath.Join(root, rel)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		return p
	}
	lib := func(rel, tag string, args ...string) {
		gcc(t, libxSrc(tag), mk(rel), append([]string{"-shared", "-fPIC", "-Wl,-soname,libx.so"}, args...)...)
	}
	for _, d := range []string{"a", "b", "c", "h", "h/glibc-hwcaps/x86-64-v2", "h2/x86_64"} {
		lib(d+"/libx.so", d)
	}
	// Unusable candidates: another machine and another class are skipped,
	// garbage and a directory are fatal.
	good, err := os.ReadFile(filepath.Join(root, "a/libx.so"))
	require.NoError(t, err)
	patched := func(rel string, off int, val byte) {
		b := append([]byte(nil), good...)
		b[off] = val
		require.NoError(t, os.WriteFile(mk(rel), b, 0o755))
	}
	patched("mach/libx.so", 18, 183) // EM_AARCH64
	patched("cls/libx.so", 4, 1)     // ELFCLASS32
	require.NoError(t, os.WriteFile(mk("junk/libx.so"), []byte("not an ELF file at all, but long enough to read a header from it......"), 0o644))
	require.NoError(t, os.MkdirAll(mk("dirlib/libx.so/x"), 0o755))
	require.NoError(t, os.WriteFile(mk("afile"), []byte("x"), 0o644))

	// liby.so variants, all needing libx.so.
	liby := func(rel string, args ...string) {
		gcc(t, libySrc, mk(rel), append([]string{"-shared", "-fPIC", "-Wl,-soname,liby.so", "-L" + filepath.Join(root, "a"), "-lx"}, args...)...)
	}
	liby("y1/liby.so")
	liby("y2/liby.so", "-Wl,--disable-new-dtags", "-Wl,-rpath,"+filepath.Join(root, "b"))
	liby("y3/liby.so", "-Wl,--enable-new-dtags", "-Wl,-rpath,"+filepath.Join(root, "b"))
	// DF_1_NODEFLIB (ld -z nodefaultlib) on liby.so governs the search
	// for its libm.so.6, which is in the cache and the system directories.
	liby("y4/liby.so", "-Wl,-z,nodefaultlib", "-Wl,--enable-new-dtags", "-Wl,-rpath,"+filepath.Join(root, "a"),
		"-Wl,--no-as-needed", "/lib/x86_64-linux-gnu/libm.so.6")

	// A library whose soname (so the DT_NEEDED of its users) has $ORIGIN,
	// and one without soname linked by absolute path.
	gcc(t, libxSrc("a-z"), mk("a/libz.so"), "-shared", "-fPIC", "-Wl,-soname,$ORIGIN/a/libz.so")
	gcc(t, libxSrc("a-nos"), mk("a/libnos.so"), "-shared", "-fPIC")

	rpath := func(p string) []string { return []string{"-Wl,--disable-new-dtags", "-Wl,-rpath," + p} }
	runpath := func(p string) []string { return []string{"-Wl,--enable-new-dtags", "-Wl,-rpath," + p} }
	prog := func(name string, extra ...string) {
		gcc(t, mainSrc, mk(name), append([]string{"-L" + filepath.Join(root, "a"), "-lx"}, extra...)...)
	}
	ind := func(name, ydir string, extra ...string) {
		gcc(t, indirectMainSrc, mk(name), append([]string{"-L" + filepath.Join(root, ydir), "-ly"}, extra...)...)
	}
	r := func(s string) string { return strings.ReplaceAll(s, "T/", root+"/") }

	prog("p_plain")
	prog("p_rpath_a", rpath(r("T/a"))...)
	prog("p_runpath_a", runpath(r("T/a"))...)
	prog("p_runpath_b", runpath(r("T/b"))...)
	prog("p_rpath_origin", rpath("$ORIGIN/a:${ORIGIN}/../"+filepath.Base(root)+"/b")...)
	prog("p_runpath_origin", runpath("$ORIGIN/b")...)
	prog("p_rpath_skip", rpath(r("T/mach:T/cls:T/nonexist:T/a/libx.so:T/a"))...)
	prog("p_rpath_junk", rpath(r("T/junk:T/a"))...)
	prog("p_rpath_dirlib", rpath(r("T/dirlib:T/a"))...)
	prog("p_rpath_empty", rpath(r("T/nonexist::T/b:T/b/:T/b//"))...)
	prog("p_rpath_dst", rpath(r("T/$LIB:T/$PLATFORM:T/${LIB}x:T/$ORIGINX:T/$FOO:T/a"))...)
	prog("p_rpath_system", rpath(r("/lib/x86_64-linux-gnu:T/a"))...)
	prog("p_rpath_root", rpath(r("/:T/a"))...)
	prog("p_rpath_hwcaps", rpath(r("T/h"))...)
	prog("p_rpath_legacy", rpath(r("T/h2"))...)
	ind("p_ind_rpath", "y1", rpath(r("T/y1:T/a"))...)
	ind("p_ind_runpath", "y1", runpath(r("T/y1:T/a"))...)
	ind("p_ind_y2", "y2", rpath(r("T/y2:T/a"))...)
	ind("p_ind_y3", "y3", rpath(r("T/y3:T/a"))...)
	ind("p_ind_y3_runpath", "y3", runpath(r("T/y3:T/a"))...)
	ind("p_ind_nodeflib", "y4", runpath(r("T/y4"))...)
	gcc(t, mainSrc, mk("p_needed_origin"), filepath.Join(root, "a/libz.so"))
	gcc(t, mainSrc, mk("p_needed_path"), filepath.Join(root, "a/libnos.so"))
}

type matrixCase struct {
	prog     string
	llp      *string  // LD_LIBRARY_PATH, nil when unset
	rtldArgs []string // options to ld.so
	cwd      string   // relative to root; "" is root
	want     string   // what the program prints: the libx.so used; "" when it cannot start
}

func strp(s string) *string { return &s }

// matrixCases is every program under no LD_LIBRARY_PATH, one directory,
// and a list with a missing directory and both separators, plus special
// cases. The expectations record what glibc did; the test compares far
// more (the full trace) but these keep the matrix from passing vacuously.
func matrixCases() []matrixCase {
	llps := []*string{nil, strp("T/c"), strp("T/nonexist;T/c:T/b")}
	grid := []struct {
		prog string
		want [3]string // per llps entry
	}{
		{"p_plain", [3]string{"", "c", "c"}},
		{"p_rpath_a", [3]string{"a", "a", "a"}},        // RPATH before LD_LIBRARY_PATH
		{"p_runpath_a", [3]string{"a", "c", "c"}},      // RUNPATH after it
		{"p_rpath_origin", [3]string{"a", "a", "a"}},   // $ORIGIN/a
		{"p_runpath_origin", [3]string{"b", "c", "c"}}, // $ORIGIN/b
		{"p_rpath_skip", [3]string{"a", "a", "a"}},     // other machine/class skipped
		{"p_rpath_dst", [3]string{"a", "a", "a"}},      // $LIB, $PLATFORM, unknown $FOO
		{"p_rpath_system", [3]string{"a", "a", "a"}},   // a system dir in RPATH
		{"p_rpath_hwcaps", [3]string{"h/glibc-hwcaps/x86-64-v2", "h/glibc-hwcaps/x86-64-v2", "h/glibc-hwcaps/x86-64-v2"}},
		{"p_rpath_legacy", [3]string{"h2/x86_64", "h2/x86_64", "h2/x86_64"}},
		{"p_ind_rpath", [3]string{"a", "a", "a"}},  // executable's RPATH inherited
		{"p_ind_runpath", [3]string{"", "c", "c"}}, // its RUNPATH is not
		{"p_ind_y2", [3]string{"b", "b", "b"}},     // liby's own RPATH first
		{"p_ind_y3", [3]string{"b", "c", "c"}},     // liby's RUNPATH: no RPATH chain
		{"p_ind_y3_runpath", [3]string{"b", "c", "c"}},
		{"p_needed_origin", [3]string{"a-z", "a-z", "a-z"}}, // DT_NEEDED "$ORIGIN/a/libz.so"
		{"p_needed_path", [3]string{"a-nos", "a-nos", "a-nos"}},
	}
	var cs []matrixCase
	for _, g := range grid {
		for i, l := range llps {
			cs = append(cs, matrixCase{prog: g.prog, llp: l, want: g.want[i]})
		}
	}
	cs = append(cs,
		// Garbage and a directory named libx.so are fatal, not skipped.
		matrixCase{prog: "p_rpath_junk"},
		matrixCase{prog: "p_rpath_dirlib"},
		// Empty RPATH and LD_LIBRARY_PATH elements are the current directory.
		matrixCase{prog: "p_rpath_empty", cwd: "c", want: "c"},
		matrixCase{prog: "p_rpath_empty", cwd: "a", llp: strp(":T/c"), want: "a"},
		// glibc stats "" instead of "/" after a miss in "/", so the root
		// directory is skipped by the next search.
		matrixCase{prog: "p_rpath_root", want: "a"},
		// $ORIGIN in LD_LIBRARY_PATH is the executable's directory.
		matrixCase{prog: "p_plain", llp: strp("$ORIGIN/b"), want: "b"},
		// A relative element that is a file makes open fail with ENOTDIR
		// in an "existing" directory: glibc abandons the rest of
		// LD_LIBRARY_PATH and goes on with RUNPATH.
		matrixCase{prog: "p_runpath_b", llp: strp("afile:T/c"), want: "b"},
		matrixCase{prog: "p_runpath_b", llp: strp("T/c"), want: "c"},
		// NODEFLIB refuses the cache hit and the system directories for
		// libm; via LD_LIBRARY_PATH the system directory is found, still
		// labelled "system search path" in the trace.
		matrixCase{prog: "p_ind_nodeflib"},
		matrixCase{prog: "p_ind_nodeflib", llp: strp("/lib/x86_64-linux-gnu"), want: "a"},
		matrixCase{prog: "p_ind_nodeflib", llp: strp("/usr/lib/x86_64-linux-gnu/:T/c"), want: "c"},
		matrixCase{prog: "p_rpath_a", rtldArgs: []string{"--inhibit-cache"}, want: "a"},
		// The executable's l_name is "", so only an empty name inhibits
		// its RPATH; a library is matched by the path it was found at.
		matrixCase{prog: "p_rpath_a", rtldArgs: []string{"--inhibit-rpath", "T/p_rpath_a"}, llp: strp("T/c"), want: "a"},
		matrixCase{prog: "p_rpath_a", rtldArgs: []string{"--inhibit-rpath", ":"}, llp: strp("T/c"), want: "c"},
		matrixCase{prog: "p_ind_y2", rtldArgs: []string{"--inhibit-rpath", "T/y2/liby.so"}, want: "a"},
		matrixCase{prog: "p_rpath_a", rtldArgs: []string{"--library-path", "T/b"}, want: "a"},
		matrixCase{prog: "p_ind_rpath", rtldArgs: []string{"--glibc-hwcaps-mask", "x86-64-v2"}, want: "a"},
		matrixCase{prog: "p_rpath_hwcaps", rtldArgs: []string{"--glibc-hwcaps-prepend", "foo:bar"}, want: "h/glibc-hwcaps/x86-64-v2"},
	)
	return cs
}

// envFor builds the Env ld.so would have for a case.
func envFor(t *testing.T, c matrixCase, root string, cache *Cache) *Env {
	env := &Env{Caps: DetectCaps("x86_64"), Cache: cache}
	if c.llp != nil {
		env.LibraryPath = strings.ReplaceAll(*c.llp, "T/", root+"/")
	}
	var prepend, mask []string
	useMask := false
	for i := 0; i < len(c.rtldArgs); i++ {
		arg := c.rtldArgs[i]
		val := ""
		if i+1 < len(c.rtldArgs) {
			val = strings.ReplaceAll(c.rtldArgs[i+1], "T/", root+"/")
		}
		switch arg {
		case "--inhibit-cache":
			env.InhibitCache = true
		case "--inhibit-rpath":
			env.InhibitRPath, i = val, i+1
		case "--library-path":
			env.LibraryPath, env.LibraryPathSource, i = val, "--library-path", i+1
		case "--glibc-hwcaps-prepend":
			prepend, i = SplitHWCaps(val), i+1
		case "--glibc-hwcaps-mask":
			mask, useMask, i = SplitHWCaps(val), true, i+1
		}
	}
	if !useMask {
		mask = nil
	} else if mask == nil {
		mask = []string{}
	}
	env.HWCaps = HWCapsSubdirs(env.ISALevel, prepend, mask)
	return env
}

func loadSystemCache(t *testing.T) *Cache {
	data, err := os.ReadFile(DefaultCachePath)
	if err != nil {
		return nil
	}
	c, err := ParseCache(data)
	require.NoError(t, err)
	return c
}

// TestMatrixAgainstLdSo compares, for each program and environment, the
// whole sequence of "trying file=" (and search path) lines of the real
// ld.so with a replay through State.Find, the program's output with the
// library the replay picked, and ldd's answers.
func TestMatrixAgainstLdSo(t *testing.T) {
	needTools(t, "gcc", "ldd")
	root := t.TempDir()
	matrixTree(t, root)
	cache := loadSystemCache(t)
	for _, c := range matrixCases() {
		name := c.prog
		if c.llp != nil {
			name += "/LLP=" + *c.llp
		}
		if len(c.rtldArgs) > 0 {
			name += "/" + strings.Join(c.rtldArgs, "_")
		}
		if c.cwd != "" {
			name += "/cwd=" + c.cwd
		}
		t.Run(name, func(t *testing.T) {
			prog := filepath.Join(root, c.prog)
			cwd := filepath.Join(root, c.cwd)
			env := envFor(t, c, root, cache)
			var osEnv []string
			if c.llp != nil {
				osEnv = append(osEnv, "LD_LIBRARY_PATH="+env.LibraryPath)
			}
			var args []string
			for _, a := range c.rtldArgs {
				args = append(args, strings.ReplaceAll(a, "T/", root+"/"))
			}
			out, trace, ran := runRtld(t, cwd, osEnv, args, prog)
			want := c.want
			if strings.HasPrefix(want, "h/glibc-hwcaps/") && !contains(env.HWCaps, "x86-64-v2") {
				want = "h" // a CPU below x86-64-v2
			}
			require.Equal(t, want, strings.TrimSpace(out), "what the program printed under ld.so")
			sim := simulate(t, env, prog, cwd)
			require.Equal(t, trace, sim.trace, "trace of ld.so vs replay")
			require.Equal(t, ran, sim.err == nil, "ld.so ran=%v, replay error %v", ran, sim.err)
			if !ran {
				return
			}
			for name, path := range sim.found {
				if strings.HasPrefix(name, "libx.so") || strings.Contains(name, "/lib") && strings.HasPrefix(path, root) {
					rel, err := filepath.Rel(root, filepath.Dir(cwdFS{cwd}.abs(path)))
					require.NoError(t, err)
					require.True(t, strings.HasPrefix(strings.TrimSpace(out), rel), "program printed %q, replay found %s", out, path)
				}
			}
			if len(c.rtldArgs) > 0 {
				return // ldd cannot pass ld.so options
			}
			ldd := lddMap(t, cwd, osEnv, prog)
			for name, path := range sim.found {
				require.Equal(t, path, ldd[name], "ldd for %s", name)
			}
		})
	}
}

// TestCandidatesMatchFirstSearch checks that the stateless Candidates list
// is exactly what ld.so tries for the first search of a process (nothing
// is known to be missing yet), up to the file it accepts.
func TestCandidatesMatchFirstSearch(t *testing.T) {
	needTools(t, "gcc")
	root := t.TempDir()
	matrixTree(t, root)
	cache := loadSystemCache(t)
	for _, c := range []matrixCase{
		{prog: "p_rpath_a"}, {prog: "p_runpath_a", llp: strp("T/c:T/b")},
		{prog: "p_rpath_skip"}, {prog: "p_plain", llp: strp("T/nonexist:T/c")},
		{prog: "p_rpath_hwcaps"}, {prog: "p_ind_rpath"}, {prog: "p_rpath_dst"},
	} {
		t.Run(c.prog, func(t *testing.T) {
			prog := filepath.Join(root, c.prog)
			env := envFor(t, c, root, cache)
			var osEnv []string
			if c.llp != nil {
				osEnv = append(osEnv, "LD_LIBRARY_PATH="+env.LibraryPath)
			}
			_, trace, ran := runRtld(t, root, osEnv, nil, prog)
			require.True(t, ran)
			var tried []string
			for _, l := range trace {
				if l == "find library=libc.so.6 [0]; searching" && len(tried) > 0 {
					break // the second search benefits from pruning
				}
				if p, ok := strings.CutPrefix(l, "  trying file="); ok {
					tried = append(tried, p)
				}
			}
			main, info := requesterFor(t, prog, root, nil)
			main.Path = ""
			env.Main, env.ProgName = main, prog
			var got []string
			for _, r := range Candidates(info.needed[0], main, env) {
				got = append(got, r.Path)
				if len(got) == len(tried) {
					break
				}
			}
			require.Equal(t, tried, got)
		})
	}
}
