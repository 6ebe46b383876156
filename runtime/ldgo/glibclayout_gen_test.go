package main

import (
	"bytes"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"gold/runtime/ldgo/internal/genlayout"
)

// TestGlibcLayoutGenerated runs the generator (gen-layout.sh's code) on this
// machine's glibc and libc6-dbg and checks its output against the table:
// every field of glibcLayout, field by field, and the entry's source text,
// which must be the generator's own output (regenerate it with
// `bash runtime/ldgo/gen-layout.sh -w runtime/ldgo/glibclayout.go`).
func TestGlibcLayoutGenerated(t *testing.T) {
	gen, err := genlayout.Generate(genlayout.Options{})
	if err != nil {
		if strings.Contains(err.Error(), "no DWARF") {
			t.Skipf("%v", err)
		}
		t.Fatal(err)
	}
	var entry *glibcLayout
	for _, l := range glibcLayouts {
		if l.name == gen.Name {
			entry = l
		}
	}
	if entry == nil {
		t.Fatalf("no entry named %q in glibcLayouts: add it with gen-layout.sh -w glibclayout.go", gen.Name)
	}

	// Every numeric field of the struct, by its Go path.
	have := map[string]uint64{}
	v := reflect.ValueOf(entry).Elem()
	for i := 0; i < v.NumField(); i++ {
		f, ft := v.Field(i), v.Type().Field(i)
		switch f.Kind() {
		case reflect.Uint32, reflect.Uint64, reflect.Uintptr:
			have[ft.Name] = f.Uint()
		case reflect.Struct:
			for j := 0; j < f.NumField(); j++ {
				have[ft.Name+"."+f.Type().Field(j).Name] = f.Field(j).Uint()
			}
		}
	}
	seen := map[string]bool{}
	for _, f := range gen.Fields {
		k := f.Key()
		seen[k] = true
		got, ok := have[k]
		if !ok {
			t.Errorf("the generator makes %s (%s), which glibcLayout does not have", k, f.C)
		} else if got != f.Value {
			t.Errorf("%s (%s): table %d, DWARF %d", k, f.C, got, f.Value)
		}
	}
	for k := range have {
		if !seen[k] {
			t.Errorf("glibcLayout.%s is not generated", k)
		}
	}
	if len(gen.ThreadDB) != len(entry.threadDB) {
		t.Errorf("threadDB: table has %d descriptors, generator %d", len(entry.threadDB), len(gen.ThreadDB))
	}
	for _, f := range gen.ThreadDB {
		if got, ok := entry.threadDB[f.Name]; !ok || uint64(got) != f.Value {
			t.Errorf("threadDB %s (%s): table %d (present %v), libc %d", f.Name, f.C, got, ok, f.Value)
		}
	}

	// The source text too, so the table stays the generator's output. The
	// doc comment names build-ids and may differ on a rebuilt glibc with
	// the same layout; the function must not.
	want, err := gen.Source()
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile("glibclayout.go")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := funcText(t, src, gen.Func), funcText(t, want, gen.Func); got != want {
		t.Errorf("%s in glibclayout.go is not the generator's output; regenerate it with gen-layout.sh -w. Generated:\n%s", gen.Func, want)
	}
}

// funcText is a function declaration's source, without its doc comment.
func funcText(t *testing.T, src []byte, name string) string {
	t.Helper()
	if !bytes.HasPrefix(src, []byte("package")) {
		src = append([]byte("package main\n\n"), src...)
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "x.go", src, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Name.Name == name {
			return string(src[fset.Position(fd.Pos()).Offset:fset.Position(fd.End()).Offset])
		}
	}
	t.Fatalf("no func %s", name)
	return ""
}

// TestGenLayoutScript runs gen-layout.sh as documented and checks it prints
// the entry and that -w on a copy of glibclayout.go changes nothing (the
// table is the generator's output).
func TestGenLayoutScript(t *testing.T) {
	if _, err := genlayout.Generate(genlayout.Options{}); err != nil {
		t.Skipf("%v", err)
	}
	out, err := exec.Command("bash", "gen-layout.sh").Output()
	if err != nil {
		t.Fatalf("gen-layout.sh: %v", err)
	}
	if !strings.Contains(string(out), "func glibc") || !strings.Contains(string(out), "l.threadDB = map[string]uint32{") {
		t.Fatalf("gen-layout.sh printed:\n%s", out)
	}
	cp := filepath.Join(t.TempDir(), "glibclayout.go")
	src, err := os.ReadFile("glibclayout.go")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cp, src, 0o644); err != nil {
		t.Fatal(err)
	}
	if msg, err := exec.Command("bash", "gen-layout.sh", "-w", cp).CombinedOutput(); err != nil {
		t.Fatalf("gen-layout.sh -w: %v\n%s", err, msg)
	}
	after, err := os.ReadFile(cp)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(after, src) {
		t.Errorf("gen-layout.sh -w changed glibclayout.go: the table is not its output")
	}
}
