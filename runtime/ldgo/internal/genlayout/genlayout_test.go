package genlayout

import (
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

func generate(t *testing.T) *Layout {
	t.Helper()
	l, err := Generate(Options{})
	if err != nil {
		if strings.Contains(err.Error(), "no DWARF") {
			t.Skipf("%v", err)
		}
		t.Fatal(err)
	}
	return l
}

// TestAgainstGdb checks every generated offset against what gdb's
// `ptype/o struct S` prints from the same debug files.
func TestAgainstGdb(t *testing.T) {
	if _, err := exec.LookPath("gdb"); err != nil {
		t.Skip("no gdb")
	}
	l := generate(t)
	files := map[string]struct{ file, strct string }{
		"ro": {"/lib64/ld-linux-x86-64.so.2", "rtld_global_ro"},
		"gl": {"/lib64/ld-linux-x86-64.so.2", "rtld_global"},
		"ns": {"/lib64/ld-linux-x86-64.so.2", "link_namespaces"},
		"lm": {"/lib64/ld-linux-x86-64.so.2", "link_map"},
		"pt": {"/lib/x86_64-linux-gnu/libc.so.6", "pthread"},
	}
	offsets := map[string]map[string]uint64{}
	sizes := map[string]uint64{}
	for g, f := range files {
		out, err := exec.Command("gdb", "-batch", "-nx", "-ex", "ptype/o struct "+f.strct, f.file).Output()
		if err != nil {
			t.Fatalf("gdb ptype/o struct %s: %v", f.strct, err)
		}
		offsets[g], sizes[f.strct] = parsePtype(t, string(out))
	}
	n := 0
	for _, f := range l.Fields {
		var want uint64
		var ok bool
		switch {
		case f.Group == "":
			want, ok = sizes[strings.TrimSuffix(strings.TrimPrefix(f.C, "sizeof(struct "), ")")]
		case strings.HasPrefix(f.C, "sizeof(struct "):
			want, ok = sizes[strings.TrimSuffix(strings.TrimPrefix(f.C, "sizeof(struct "), ")")]
			if f.Name == "nsSize" {
				want, ok = sizes["link_namespaces"]
			}
		default:
			want, ok = offsets[f.Group][strings.Fields(f.C)[0]]
		}
		if !ok {
			t.Errorf("%s (%s): not in gdb's output", f.Key(), f.C)
			continue
		}
		n++
		if want != f.Value {
			t.Errorf("%s (%s): generated %d, gdb %d", f.Key(), f.C, f.Value, want)
		}
	}
	t.Logf("%d fields agree with gdb", n)
}

var ptypeLine = regexp.MustCompile(`^/\*\s*(\d+)?(?::\s*\d+)?\s*\|?\s*(\d+) \*/\s*(.*)$`)

// parsePtype maps member names (at any depth, the shallowest first) to
// offsets, and returns the total size. A nested struct or union's name is on
// its closing line; members of a union have no offset column and take the
// union's.
func parsePtype(t *testing.T, out string) (map[string]uint64, uint64) {
	offs := map[string]uint64{}
	depth := map[string]int{}
	var stack []uint64
	var total uint64
	name := func(decl string) string {
		decl = strings.TrimSuffix(strings.TrimSpace(decl), ";")
		if i := strings.Index(decl, "(*"); i >= 0 { // function pointer
			decl = decl[i+2:]
			decl = decl[:strings.IndexByte(decl, ')')]
		}
		if i := strings.Index(decl, " : "); i >= 0 { // bit-field
			decl = decl[:i]
		}
		if i := strings.IndexByte(decl, '['); i >= 0 {
			decl = decl[:i]
		}
		f := strings.Fields(decl)
		if len(f) == 0 {
			return ""
		}
		return strings.TrimLeft(f[len(f)-1], "*")
	}
	record := func(n string, off uint64) {
		if d, ok := depth[n]; n != "" && (!ok || len(stack) < d) {
			offs[n], depth[n] = off, len(stack)
		}
	}
	for _, line := range strings.Split(out, "\n") {
		line = strings.TrimRight(line, " ")
		if m := ptypeLine.FindStringSubmatch(line); m != nil {
			var off uint64
			if m[1] != "" {
				off, _ = strconv.ParseUint(m[1], 10, 64)
			} else if len(stack) > 0 {
				off = stack[len(stack)-1]
			}
			if strings.HasSuffix(m[3], "{") {
				stack = append(stack, off)
				continue
			}
			record(name(m[3]), off)
			continue
		}
		s := strings.TrimSpace(line)
		if strings.HasPrefix(s, "/* total size (bytes):") {
			total, _ = strconv.ParseUint(strings.TrimSuffix(strings.Fields(s)[4], "*/"), 10, 64)
			continue
		}
		if strings.HasPrefix(s, "}") && len(stack) > 0 {
			off := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			record(name(strings.TrimPrefix(s, "}")), off)
		}
	}
	if total == 0 {
		t.Fatalf("no total size in gdb's output:\n%s", out)
	}
	return offs, total
}

// TestUpdateAdds: -w with a new function name appends the entry and lists
// it in glibcLayouts; with the same name it replaces it.
func TestUpdateAdds(t *testing.T) {
	l := generate(t)
	src, err := os.ReadFile("../../glibclayout.go")
	if err != nil {
		t.Fatal(err)
	}
	l.Func, l.Name = "glibcTestOther", "glibc test"
	out, err := l.Update(src)
	if err != nil {
		t.Fatal(err)
	}
	s := string(out)
	if !strings.Contains(s, "var glibcLayouts = []*glibcLayout{glibc236Debian(), glibcTestOther()}") {
		t.Errorf("glibcLayouts not extended:\n%s", s[:min(len(s), 3000)])
	}
	if strings.Count(s, "func glibcTestOther() *glibcLayout {") != 1 || strings.Count(s, "func glibc236Debian() *glibcLayout {") != 1 {
		t.Errorf("expected each entry once")
	}
	again, err := l.Update(out)
	if err != nil {
		t.Fatal(err)
	}
	if string(again) != s {
		t.Errorf("a second Update with the same name changed the file")
	}
}
