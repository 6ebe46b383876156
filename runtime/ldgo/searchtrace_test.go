package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The library search is runtime/ldgo/search; these tests check that ldgo
// drives it as glibc's ld.so drives its own: LDGO_DEBUG=libs prints the
// same search trace as LD_DEBUG=libs, the same libraries are chosen, and
// --list agrees with ldd.

var (
	debugPrefix = regexp.MustCompile(`^ *[0-9]+:\t`)
	searchLine  = regexp.MustCompile(`^(find library=| search path=|  trying file=| search cache=|cannot load auxiliary )`)
)

// searchTrace keeps the search lines of an LD_DEBUG=libs log, without
// the pid prefix.
func searchTrace(log string) []string {
	var out []string
	for _, l := range strings.Split(log, "\n") {
		if !debugPrefix.MatchString(l) {
			continue
		}
		l = debugPrefix.ReplaceAllString(l, "")
		if searchLine.MatchString(l) {
			out = append(out, l)
		}
	}
	return out
}

// searchTree builds libraries and programs exercising every search rule
// under root. Each libx.so returns the name of its directory.
func searchTree(t *testing.T, root string) {
	mk := func(rel string) string {
		p := filepath.Join(root, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		return filepath.Dir(p)
	}
	libx := func(rel string) {
		dir := mk(rel + "/libx.so")
		buildC(t, dir, "gcc", "libx.so", `const char *where(void) { return "`+rel+`"; }`+"\n", "-shared", "-fPIC", "-Wl,-soname,libx.so")
	}
	for _, d := range []string{"a", "b", "c", "h", "h/glibc-hwcaps/x86-64-v2", "h2/x86_64"} {
		libx(d)
	}
	// An i386-class copy earlier in a path is skipped.
	good, err := os.ReadFile(filepath.Join(root, "a/libx.so"))
	if err != nil {
		t.Fatal(err)
	}
	cls := append([]byte{}, good...)
	cls[4] = 1 // ELFCLASS32
	mk("cls/libx.so")
	os.WriteFile(filepath.Join(root, "cls/libx.so"), cls, 0o755)

	liby := func(rel string, flags ...string) {
		dir := mk(rel + "/liby.so")
		buildC(t, dir, "gcc", "liby.so", "const char *where(void);\nconst char *y(void) { return where(); }\n",
			append([]string{"-shared", "-fPIC", "-Wl,-soname,liby.so", "-L" + filepath.Join(root, "a"), "-lx"}, flags...)...)
	}
	liby("y1")
	liby("y3", "-Wl,--enable-new-dtags", "-Wl,-rpath,"+filepath.Join(root, "b"))
	rpath := func(p string) []string { return []string{"-Wl,--disable-new-dtags", "-Wl,-rpath," + p} }
	runpath := func(p string) []string { return []string{"-Wl,--enable-new-dtags", "-Wl,-rpath," + p} }
	prog := func(name string, flags ...string) {
		buildC(t, root, "gcc", name, "#include <stdio.h>\nconst char *where(void);\nint main(void) { puts(where()); return 0; }\n",
			append([]string{"-L" + filepath.Join(root, "a"), "-lx"}, flags...)...)
	}
	ind := func(name, ydir string, flags ...string) {
		buildC(t, root, "gcc", name, "#include <stdio.h>\nconst char *y(void);\nint main(void) { puts(y()); return 0; }\n",
			append([]string{"-L" + filepath.Join(root, ydir), "-ly"}, flags...)...)
	}
	T := func(s string) string { return strings.ReplaceAll(s, "T/", root+"/") }
	prog("p_plain")
	prog("p_rpath", rpath(T("T/nonexist:T/a"))...)
	prog("p_runpath", runpath(T("T/b"))...)
	prog("p_origin", rpath("$ORIGIN/b")...)
	prog("p_cls", rpath(T("T/cls:T/a"))...)
	prog("p_hwcaps", rpath(T("T/h"))...)
	prog("p_legacy", rpath(T("T/h2"))...)
	ind("p_ind_rpath", "y1", rpath(T("T/y1:T/a"))...)
	ind("p_ind_runpath", "y1", runpath(T("T/y1:T/a"))...)
	ind("p_ind_y3", "y3", rpath(T("T/y3:T/a"))...)
}

// TestSearchTraceMatchesGlibc runs each program of the matrix under ldgo
// with LDGO_DEBUG=libs and under ld.so with LD_DEBUG=libs and compares
// the whole search trace, the output and the exit status.
func TestSearchTraceMatchesGlibc(t *testing.T) {
	root := t.TempDir()
	searchTree(t, root)
	T := func(s string) string { return strings.ReplaceAll(s, "T/", root+"/") }
	cases := []struct {
		prog string
		env  []string
		opts []string
	}{
		{prog: "p_plain"}, // nothing: not found
		{prog: "p_plain", env: []string{"LD_LIBRARY_PATH=T/nonexist;T/c:T/b"}}, // LD_LIBRARY_PATH
		{prog: "p_plain", env: []string{"LD_LIBRARY_PATH=$ORIGIN/b"}},
		{prog: "p_plain", opts: []string{"--library-path", "T/c"}},
		{prog: "p_rpath"}, // RPATH before LD_LIBRARY_PATH
		{prog: "p_rpath", env: []string{"LD_LIBRARY_PATH=T/c"}},
		{prog: "p_runpath"}, // RUNPATH after it
		{prog: "p_runpath", env: []string{"LD_LIBRARY_PATH=T/c"}},
		{prog: "p_runpath", opts: []string{"--inhibit-cache"}},
		{prog: "p_origin"},
		{prog: "p_cls"},
		{prog: "p_hwcaps"},
		{prog: "p_legacy"},
		{prog: "p_ind_rpath"},   // the executable's RPATH is inherited
		{prog: "p_ind_runpath"}, // its RUNPATH is not
		{prog: "p_ind_runpath", env: []string{"LD_LIBRARY_PATH=T/c"}},
		{prog: "p_ind_y3"}, // liby's RUNPATH turns off the RPATH chain
		{prog: "/usr/bin/ls"},
		{prog: "p_rpath", env: []string{"LD_PRELOAD=libm.so.6 /nonexist/libz.so:liby.so", "LD_LIBRARY_PATH=T/y1"}},
	}
	for _, c := range cases {
		name := c.prog + strings.Join(c.env, ",") + strings.Join(c.opts, " ")
		t.Run(name, func(t *testing.T) {
			prog := c.prog
			if !strings.HasPrefix(prog, "/") {
				prog = filepath.Join(root, prog)
			}
			var env, opts []string
			for _, e := range c.env {
				env = append(env, T(e))
			}
			for _, o := range c.opts {
				opts = append(opts, T(o))
			}
			args := append(opts, prog)
			want := run(t, append(env, "LD_DEBUG=libs"), append([]string{glibcLdso}, args...)...)
			got := run(t, append(env, "LDGO_DEBUG=libs"), append([]string{ldgoPath}, args...)...)
			if got.stdout != want.stdout || got.code != want.code {
				t.Errorf("ldgo: exit %d, stdout %q, stderr %q\nld.so: exit %d, stdout %q", got.code, got.stdout, clip(got.stderr), want.code, want.stdout)
			}
			wt, gt := searchTrace(want.stderr), searchTrace(got.stderr)
			if os.Getenv("SHOWTRACE") != "" {
				t.Logf("%s\n%s", got.stdout, strings.Join(gt, "\n"))
			}
			if len(wt) == 0 {
				t.Fatalf("no trace from ld.so: %s", want.stderr)
			}
			if strings.Join(wt, "\n") != strings.Join(gt, "\n") {
				t.Errorf("trace differs\nldgo:\n%s\nld.so:\n%s", strings.Join(gt, "\n"), strings.Join(wt, "\n"))
			}
		})
	}
}

// listMap reads "name => path (...)" lines of ldd or ldgo --list.
func listMap(out string) map[string]string {
	m := map[string]string{}
	for _, l := range strings.Split(out, "\n") {
		name, rest, ok := strings.Cut(strings.TrimSpace(l), " => ")
		if !ok || strings.HasPrefix(name, "ld-linux") || strings.HasPrefix(name, "linux-vdso") {
			continue
		}
		if i := strings.Index(rest, " ("); i >= 0 {
			rest = rest[:i]
		}
		m[name] = rest
	}
	return m
}

// TestListMatchesLdd: ldgo --list chooses the libraries ldd shows and
// names the rule that found each.
func TestListMatchesLdd(t *testing.T) {
	root := t.TempDir()
	searchTree(t, root)
	for _, c := range []struct {
		prog, llp, rule string
	}{
		{"p_rpath", "", "RPATH from file "},
		{"p_runpath", root + "/c", "LD_LIBRARY_PATH"},
		{"p_ind_runpath", "", "RUNPATH from file "},
		{"p_hwcaps", "", "RPATH from file "},
		{"/usr/bin/python3", "", "ld.so.cache"},
	} {
		prog := c.prog
		if !strings.HasPrefix(prog, "/") {
			prog = filepath.Join(root, prog)
		}
		env := []string{"LD_LIBRARY_PATH=" + c.llp}
		got := run(t, env, ldgoPath, "--list", prog)
		want := run(t, env, "ldd", prog)
		gm, wm := listMap(got.stdout), listMap(want.stdout)
		if got.code != 0 || len(gm) == 0 || len(gm) != len(wm) {
			t.Errorf("%s: ldgo --list exit %d:\n%s\nldd:\n%s", c.prog, got.code, got.stdout+got.stderr, want.stdout)
			continue
		}
		for name, path := range wm {
			if gm[name] != path {
				t.Errorf("%s: %s => %s, ldd says %s", c.prog, name, gm[name], path)
			}
		}
		if !strings.Contains(got.stdout, "["+c.rule) {
			t.Errorf("%s: no rule %q in\n%s", c.prog, c.rule, got.stdout)
		}
	}
}

// TestBadCache: a corrupt, truncated or missing ld.so.cache (LDGO_CACHE
// names another file; ignored for AT_SECURE) is ignored as glibc ignores
// it: the libraries are found in the system directories.
func TestBadCache(t *testing.T) {
	dir := t.TempDir()
	real, err := os.ReadFile("/etc/ld.so.cache")
	if err != nil {
		t.Skip("no /etc/ld.so.cache")
	}
	files := map[string][]byte{
		"garbage":   []byte(strings.Repeat("not a cache ", 100)),
		"truncated": real[:len(real)/3],
		"header":    append([]byte("glibc-ld.so.cache1.1"), make([]byte, 64)...),
	}
	corrupt := append([]byte{}, real...)
	for i := 48; i < len(corrupt) && i < 4096; i += 7 {
		corrupt[i] ^= 0xa5
	}
	files["scrambled"] = corrupt
	want := run(t, nil, glibcLdso, "/usr/bin/ls", "-la", "/usr/lib")
	for name, data := range files {
		p := filepath.Join(dir, name)
		os.WriteFile(p, data, 0o644)
		got := run(t, []string{"LDGO_CACHE=" + p, "LDGO_DEBUG=libs"}, ldgoPath, "/usr/bin/ls", "-la", "/usr/lib")
		if got.code != want.code || got.stdout != want.stdout {
			t.Errorf("%s cache: exit %d, stderr %s", name, got.code, clip(got.stderr))
		}
		if strings.Contains(got.stderr, "panic") || !strings.Contains(got.stderr, "search cache="+p) {
			t.Errorf("%s cache: trace %s", name, clip(got.stderr))
		}
	}
	got := run(t, []string{"LDGO_CACHE=" + filepath.Join(dir, "missing")}, ldgoPath, "/usr/bin/ls", "-la", "/usr/lib")
	if got.code != want.code || got.stdout != want.stdout {
		t.Errorf("missing cache: exit %d, stderr %s", got.code, clip(got.stderr))
	}
}
