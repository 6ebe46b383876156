package archive

import (
	"encoding/binary"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// FuzzParse only checks that Parse returns rather than panics or hangs on
// any input. Seeds cover every format the reader knows, so mutations start
// from deep inside the name and index code.
func FuzzParse(f *testing.F) {
	f.Add([]byte(magic))
	f.Add([]byte(thinMagic))
	f.Add([]byte("!<arch>\nshort"))

	// GNU names, long-name table, odd sizes.
	f.Add(mustBuild(magic,
		part{name: "//", data: []byte("a_long_member_name.o/\nx/\n")},
		part{name: "/0", data: []byte("abc")},
		part{name: "b.o/", data: []byte("bb")}))
	// GNU "/" and "/SYM64/" indexes.
	for _, w := range []int{4, 8} {
		name := "/"
		if w == 8 {
			name = "/SYM64/"
		}
		idx := func(offs []int64) part { return part{name: name, data: gnuIndex(w, []string{"f", "g"}, offs)} }
		f.Add(withIndex(magic, idx, []string{"f", "g"}, []int{0, 1},
			part{name: "x.o/", data: []byte("x")}, part{name: "y.o/", data: []byte("yy")}))
	}
	// BSD names and indexes.
	for _, w := range []int{4, 8} {
		name := "__.SYMDEF SORTED"
		if w == 8 {
			name = "__.SYMDEF_64"
		}
		idx := func(offs []int64) part { return bsdName(name, bsdIndex(binary.LittleEndian, w, []string{"f"}, offs)) }
		f.Add(withIndex(magic, idx, []string{"f"}, []int{0}, bsdName("long_bsd_name.o", []byte("zz"))))
	}
	// Thin, including a nested reference.
	f.Add(mustBuild(thinMagic,
		part{name: "//", data: []byte("sub/a.o/\nlib.a/\n")},
		part{name: "/0"}, part{name: "/9:68"}))

	// Real archives from binutils, when available.
	if _, err := exec.LookPath("ar"); err == nil {
		if _, err := exec.LookPath("as"); err == nil {
			dir := gnuFixture(f)
			for _, name := range []string{"lib.a", "thin.a", "noindex.a"} {
				if data, err := os.ReadFile(filepath.Join(dir, name)); err == nil {
					f.Add(data)
				}
			}
		}
	}

	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := Parse("fuzz.a", data)
		if err == nil && a == nil {
			t.Fatal("nil archive without error")
		}
	})
}

func mustBuild(magic string, parts ...part) []byte {
	b, _ := build(magic, parts...)
	return b
}
