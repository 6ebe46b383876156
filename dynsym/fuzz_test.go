package dynsym

import (
	"debug/elf"
	"testing"
)

// Fuzz targets: the parsers read files and mapped memory we do not
// control, so they must return errors, never panic or loop.

func FuzzParseVersionScript(f *testing.F) {
	for _, s := range []string{
		"VERS_1.0 { global: foo; bar*; local: *; };",
		"V1 { a; }; V2 { extern \"C++\" { \"ns::f()\"; ns::*; }; } V1;",
		"{ global: a; local: *; };",
		"{ sym1; extern \"C\" { x; }; };",
		"/* c */ # c\nV { a[0-9]; \\*; };",
	} {
		f.Add([]byte(s), "foo")
	}
	f.Fuzz(func(t *testing.T, src []byte, sym string) {
		if vs, err := ParseVersionScript("f.map", src); err == nil {
			for _, n := range vs.Nodes {
				for _, p := range append(n.Global, n.Local...) {
					p.Match(sym)
				}
			}
		}
		if pats, err := ParseDynamicList("f.list", src); err == nil {
			for _, p := range pats {
				p.Match(sym)
			}
		}
		(Pattern{Text: string(src), Glob: true}).Match(sym)
	})
}

func FuzzParseGNUHash(f *testing.F) {
	for _, names := range [][]string{nil, {"a"}, {"printf", "malloc", "free", "x", "y", "z", "w", "v", "u"}} {
		_, data := buildHashed(names, 1)
		f.Add(data, "printf")
	}
	f.Fuzz(func(t *testing.T, data []byte, name string) {
		tab, err := ParseGNUHash(data)
		if err != nil {
			return
		}
		steps := 0
		for _, h := range []uint32{GNUHash(name), 0, 1, 0xffffffff} {
			tab.Lookup(name, h, func(uint32) bool { steps++; return false })
		}
		if steps > 4*len(data) {
			t.Fatalf("%d match calls for %d bytes", steps, len(data))
		}
		tab.SymbolCount()
	})
}

func FuzzParseSysVHash(f *testing.F) {
	f.Add(BuildSysVHash([]string{"", "a", "b", "printf"}), "printf")
	f.Fuzz(func(t *testing.T, data []byte, name string) {
		tab, err := ParseSysVHash(data)
		if err != nil {
			return
		}
		tab.NChain()
		tab.Lookup(name, SysVHash(name), func(uint32) bool { return false })
	})
}

func FuzzParseVerdef(f *testing.F) {
	st := NewStringTable()
	vd, nd := BuildVerdef([]Verdef{
		{Index: 1, Flags: elf.VER_FLG_BASE, Name: "libx.so"},
		{Index: 2, Name: "X_1"},
		{Index: 3, Name: "X_2", Parent: "X_1"},
	}, st)
	vn, nn := BuildVerneed([]Verneed{{File: "libc.so.6", Vernaux: []Vernaux{{Name: "GLIBC_2.2.5", Index: 4}}}}, st)
	f.Add(vd, st.Bytes(), int(nd))
	f.Add(vn, st.Bytes(), int(nn))
	f.Fuzz(func(t *testing.T, data, strtab []byte, count int) {
		ParseVerdef(data, strtab, count)
		ParseVerneed(data, strtab, count)
	})
}
