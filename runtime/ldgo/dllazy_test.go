package main

import (
	"os"
	"strings"
	"testing"
)

// TestDlopenLazyBinding: a library dlopen'ed with RTLD_LAZY binds its PLT
// slots at the first call (LDGO_DEBUG=bindings shows `lazy symbol' after
// the marker the program writes before the call), both to its own
// dependency and to a library another dlopen made RTLD_GLOBAL; that lazily
// made binding keeps the RTLD_GLOBAL library loaded after its own dlclose
// (glibc's l_reldeps), until the caller goes. Same output as under ld.so.
func TestDlopenLazyBinding(t *testing.T) {
	dir := t.TempDir()
	buildC(t, dir, "gcc", "libb.so", "int helper(int x) { return x * 2; }\n", "-shared", "-fpic")
	buildC(t, dir, "gcc", "libg.so", "int gfun(int x) { return x + 100; }\n", "-shared", "-fpic")
	buildC(t, dir, "gcc", "liba.so", "int helper(int);\nint gfun(int);\nint fa(int x) { return helper(x) + 1; }\nint fg(int x) { return gfun(x); }\n",
		"-shared", "-fpic", "-L"+dir, "-lb", "-Wl,-rpath,"+dir)
	src := mustRead(t, "testdata/dllazy.c")
	prog := buildC(t, dir, "gcc", "dllazy", src, "-ldl")
	got := compareWithGlibc(t, nil, prog, dir)
	want := "fa 41\nfg 101\nlibg mapped after its dlclose: 1\nfg 102\nmapped after closing liba: 0 0 0\n"
	if got.stdout != want {
		t.Errorf("stdout %q, want %q", got.stdout, want)
	}
	r := run(t, []string{"LDGO_DEBUG=bindings"}, ldgoPath, prog, dir)
	var order []string
	for _, line := range strings.Split(r.stderr, "\n") {
		switch {
		case strings.HasPrefix(line, "MARK"):
			order = append(order, line)
		case strings.Contains(line, "liba.so [0]") && (strings.Contains(line, "`helper'") || strings.Contains(line, "`gfun'")):
			i := strings.Index(line, "binding file")
			order = append(order, line[i:])
		}
	}
	wantOrder := []string{
		"MARK before fa",
		"binding file " + dir + "/liba.so [0] to " + dir + "/libb.so [0]: lazy symbol `helper'",
		"MARK after fa",
		"binding file " + dir + "/liba.so [0] to " + dir + "/libg.so [0]: lazy symbol `gfun'",
	}
	if strings.Join(order, "\n") != strings.Join(wantOrder, "\n") {
		t.Errorf("bindings:\n%s\nwant:\n%s", strings.Join(order, "\n"), strings.Join(wantOrder, "\n"))
	}
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
