package link

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// seedObjects compiles a few small C files into objects for the fuzz
// corpora: real compiler output is the best starting point for mutations.
func seedObjects(f *testing.F) [][]byte {
	dir := f.TempDir()
	srcs := map[string]string{
		"a.c":   "int g; static int s = 3; int f(int x) { return x + s + g; } __thread int t; int tl(void) { return t; }",
		"b.cpp": "struct E {}; inline int twice(int x) { return 2 * x; } int h(int x) { if (x < 0) throw E(); return twice(x); }",
	}
	var out [][]byte
	for name, text := range srcs {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			f.Fatal(err)
		}
		obj := p + ".o"
		cc := "gcc"
		if filepath.Ext(name) == ".cpp" {
			cc = "g++"
		}
		if err := exec.Command(cc, "-O1", "-g", "-fpic", "-c", p, "-o", obj).Run(); err != nil {
			f.Logf("%s not compiled (%v); seeding without it", name, err)
			continue
		}
		data, err := os.ReadFile(obj)
		if err != nil {
			f.Fatal(err)
		}
		out = append(out, data)
	}
	return out
}

// FuzzParseObject: no input, however broken, makes the object reader or
// symbol entry panic; errors are the only way out.
func FuzzParseObject(f *testing.F) {
	for _, s := range seedObjects(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		obj, err := parseObject("fuzz.o", data)
		if err != nil {
			return
		}
		ctx := newContext(&Config{Kind: OutputShared})
		obj.Live = true
		ctx.addObject(obj)
		for _, sec := range obj.Sections {
			if sec != nil && sec.Name == ".eh_frame" {
				_, _ = parseEhFrame(sec)
			}
		}
	})
}

// FuzzParseShared: the shared-library reader survives any input.
func FuzzParseShared(f *testing.F) {
	for _, p := range []string{"/lib/x86_64-linux-gnu/libm.so.6", "/lib/x86_64-linux-gnu/libz.so.1"} {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = parseShared("fuzz.so", data)
	})
}
