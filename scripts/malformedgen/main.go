// Command malformedgen creates the malformed-input corpus of
// testdata/malformed/cases.txt: it compiles small C and C++ files with the
// system gcc (real compiler output) and writes broken copies of the results
// into DIR. Nothing it makes is committed; e2e/malformed_test.go runs it into
// a temporary directory.
//
//	go run ./scripts/malformedgen DIR
//
// It uses the standard library only. Every case is a byte-level edit of a
// file gcc, g++, ar or GNU ld made, so the rest of the file stays realistic.
package main

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

var le = binary.LittleEndian

// sources are compiled in DIR/.build.
var sources = map[string]string{
	// obj.o: functions, data, relocations against local and undefined symbols.
	"obj.c": "extern int ext_var;\nextern int ext_fn(int);\nint counter = 5;\n" +
		"static int tbl[4] = {1, 2, 3, 4};\n" +
		"int api(int x) { return ext_fn(x) + ext_var + counter + tbl[x & 3]; }\n",
	"other.c":                   "int other(int x) { return x * 7; }\n",
	"a_very_long_member_name.c": "int longname(int x) { return x - 1; }\n",
	"main.c":                    "extern int api(int);\nint main(void) { return api(1); }\n",
	"dbg.c":                     "int dbg(int x) { return x * 3; }\nint dbg2(int y) { return dbg(y) + 1; }\n",
	"grp.cpp":                   "inline int twice(int x) { return 2 * x; }\nint use(int x) { return twice(x); }\n",
	"lib.c":                     "int lib_fn(int x) { return x + 1; }\nint lib_fn2(int x) { return x + 2; }\n",
	"prog.c":                    "int lib_fn(int);\nint main(void) { return lib_fn(41) == 42 ? 0 : 1; }\n",
	"v.map":                     "VERS_1 { global: lib_fn; local: *; };\nVERS_2 { global: lib_fn2; } VERS_1;\n",
	"i386.c":                    "int f32(int x) { return x + 1; }\n",
	// strs.o: a mergeable string section, .eh_frame, one PC32 relocation.
	"strs.c": "const char *s(void) { return \"hello merge\"; }\n",
}

// ldgoLibs are the libraries the ldgo cases corrupt: each gets a program
// prog-NAME linked against libNAME.so with RUNPATH $ORIGIN.
var ldgoLibs = []string{
	"trunc", "dynoor", "strtab", "gone", "phnum", "phoff", "notelf", "empty",
	"i386", "memsz", "filesz", "neededoor", "gnuhash", "verloop",
	"phentsize", "etrel", "arm", "noload", "hashoor",
}

type gen struct {
	dir, build                  string
	obj, dbg, grp, mainObj, lib []byte
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: malformedgen DIR")
		os.Exit(2)
	}
	g := &gen{dir: os.Args[1], build: filepath.Join(os.Args[1], ".build")}
	if err := g.run(); err != nil {
		fmt.Fprintln(os.Stderr, "malformedgen:", err)
		os.Exit(1)
	}
}

func (g *gen) sh(name string, args ...string) error {
	cmd := exec.Command(name, args...)
	cmd.Dir = g.build
	cmd.Env = append(os.Environ(), "LC_ALL=C")
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return nil
}

func (g *gen) read(name string) []byte {
	b, err := os.ReadFile(filepath.Join(g.build, name))
	if err != nil {
		panic(err)
	}
	return b
}

func (g *gen) write(name string, b []byte) {
	if err := os.WriteFile(filepath.Join(g.dir, name), b, 0o644); err != nil {
		panic(err)
	}
}

func (g *gen) run() (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	if err := os.MkdirAll(g.build, 0o755); err != nil {
		return err
	}
	names := make([]string, 0, len(sources))
	for n := range sources {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if err := os.WriteFile(filepath.Join(g.build, n), []byte(sources[n]), 0o644); err != nil {
			return err
		}
	}
	steps := [][]string{
		{"gcc", "-O2", "-fpic", "-c", "obj.c", "other.c", "a_very_long_member_name.c", "main.c", "lib.c", "prog.c", "strs.c"},
		{"gcc", "-O1", "-fpic", "-g", "-gz=zlib", "-c", "dbg.c"},
		{"g++", "-O0", "-fpic", "-c", "grp.cpp"},
		{"gcc", "-m32", "-c", "i386.c"},
		{"gcc", "-m32", "-shared", "-nostdlib", "-o", "libi386-32.so", "i386.o"},
		{"ar", "rc", "libx.a", "obj.o", "other.o"},
		{"ar", "rcs", "liblong.a", "a_very_long_member_name.o", "obj.o"},
		{"ar", "rcs", "libsym.a", "other.o", "obj.o"},
		{"gcc", "-shared", "-o", "libv.so", "-Wl,-soname,libv.so", "-Wl,--version-script=v.map", "lib.o"},
	}
	for _, s := range steps {
		if err := g.sh(s[0], s[1:]...); err != nil {
			return err
		}
	}
	g.obj, g.dbg, g.grp, g.mainObj = g.read("obj.o"), g.read("dbg.o"), g.read("grp.o"), g.read("main.o")
	g.lib = g.read("libv.so")
	g.write("main.o", g.mainObj)
	g.write("prog.o", g.read("prog.o"))
	g.objectCases()
	g.archiveCases()
	if err := g.sharedCases(); err != nil {
		return err
	}
	g.scriptCases()
	if err := g.ldgoCases(); err != nil {
		return err
	}
	// Only the cases stay: the thin archive's member and libgone.so must
	// really be missing.
	return os.RemoveAll(g.build)
}

// ---- ELF helpers (ELF64 little-endian) ----

func shoff(b []byte) uint64    { return le.Uint64(b[40:]) }
func shnum(b []byte) int       { return int(le.Uint16(b[60:])) }
func phoff(b []byte) uint64    { return le.Uint64(b[32:]) }
func phnum(b []byte) int       { return int(le.Uint16(b[56:])) }
func shdr(b []byte, i int) int { return int(shoff(b)) + 64*i }
func phdr(b []byte, i int) int { return int(phoff(b)) + 56*i }

// Section header field offsets.
const (
	shName   = 0
	shType   = 4
	shFlags  = 8
	shOffset = 24
	shSize   = 32
	shLink   = 40
	shInfo   = 44
	shAlign  = 48
	shEnt    = 56
)

func sec(b []byte, name string) int {
	f, err := elf.NewFile(bytes.NewReader(b))
	if err != nil {
		panic(err)
	}
	for i, s := range f.Sections {
		if s.Name == name {
			return i
		}
	}
	panic("no section " + name)
}

func secOff(b []byte, i int) int  { return int(le.Uint64(b[shdr(b, i)+shOffset:])) }
func secSize(b []byte, i int) int { return int(le.Uint64(b[shdr(b, i)+shSize:])) }
func set32(b []byte, off int, v uint32) []byte {
	c := bytes.Clone(b)
	le.PutUint32(c[off:], v)
	return c
}
func set64(b []byte, off int, v uint64) []byte {
	c := bytes.Clone(b)
	le.PutUint64(c[off:], v)
	return c
}
func set16(b []byte, off int, v uint16) []byte {
	c := bytes.Clone(b)
	le.PutUint16(c[off:], v)
	return c
}

// symOff returns the file offset of symbol name in the object's .symtab.
func symOff(b []byte, name string) int {
	st := sec(b, ".symtab")
	str := sec(b, ".strtab")
	so, ss := secOff(b, st), secSize(b, st)
	strOff := secOff(b, str)
	for off := so; off < so+ss; off += 24 {
		n := int(le.Uint32(b[off:]))
		end := bytes.IndexByte(b[strOff+n:], 0)
		if string(b[strOff+n:strOff+n+end]) == name {
			return off
		}
	}
	panic("no symbol " + name)
}

// shdrsFirst rewrites an object so that its section header table comes
// right after the ELF header: then a truncation inside a section leaves the
// headers intact and the reader must notice the section itself is cut.
func shdrsFirst(b []byte) []byte {
	n := shnum(b)
	tbl := b[shoff(b) : int(shoff(b))+64*n]
	shift := uint64(64 * n)
	out := append([]byte{}, b[:64]...)
	out = append(out, tbl...)
	out = append(out, b[64:shoff(b)]...)
	le.PutUint64(out[40:], 64)
	for i := 1; i < n; i++ {
		h := 64 + 64*i
		if elf.SectionType(le.Uint32(out[h+shType:])) != elf.SHT_NOBITS {
			le.PutUint64(out[h+shOffset:], le.Uint64(out[h+shOffset:])+shift)
		}
	}
	return out
}

// moveLast copies section i's data to the (8-aligned) end of the file and
// points its header there.
func moveLast(b []byte, i int) []byte {
	data := bytes.Clone(b[secOff(b, i) : secOff(b, i)+secSize(b, i)])
	out := bytes.Clone(b)
	for len(out)%8 != 0 {
		out = append(out, 0)
	}
	le.PutUint64(out[shdr(out, i)+shOffset:], uint64(len(out)))
	return append(out, data...)
}

// dyn returns the file offset of the first dynamic entry with tag.
func dyn(b []byte, tag elf.DynTag) int {
	for i := 0; i < phnum(b); i++ {
		p := phdr(b, i)
		if elf.ProgType(le.Uint32(b[p:])) != elf.PT_DYNAMIC {
			continue
		}
		off, size := int(le.Uint64(b[p+8:])), int(le.Uint64(b[p+32:]))
		for d := off; d < off+size; d += 16 {
			if elf.DynTag(le.Uint64(b[d:])) == tag {
				return d
			}
		}
	}
	panic("no dynamic tag " + tag.String())
}

// prog returns the program header index of the n-th header of type t.
func prog(b []byte, t elf.ProgType, n int) int {
	for i := 0; i < phnum(b); i++ {
		if elf.ProgType(le.Uint32(b[phdr(b, i):])) == t {
			if n == 0 {
				return phdr(b, i)
			}
			n--
		}
	}
	panic("no program header " + t.String())
}

// ---- relocatable objects ----

func (g *gen) objectCases() {
	o := g.obj
	w := g.write
	w("empty.o", nil)
	w("notelf.o", []byte("This is not an object file.\nIt is a text file with a .o name.\n"))
	w("trunc-ident.o", o[:10])
	w("trunc-ehdr.o", o[:63])
	w("trunc-at-ehdr.o", o[:64])
	w("trunc-shdr-mid.o", o[:int(shoff(o))+64*shnum(o)/2+5])
	w("trunc-shdr-last.o", o[:len(o)-1])
	// Truncations inside a section: the section is moved to the end of the
	// file and the section header table to the front, so the cut leaves
	// every other part of the file intact.
	for _, c := range []struct{ file, name string }{
		{"trunc-symtab.o", ".symtab"}, {"trunc-strtab.o", ".strtab"},
		{"trunc-rela.o", ".rela.text"}, {"trunc-text.o", ".text"},
	} {
		b := shdrsFirst(o)
		i := sec(b, c.name)
		b = moveLast(b, i)
		w(c.file, b[:secOff(b, i)+secSize(b, i)/2])
	}
	w("shnum-huge.o", set16(o, 60, 0xffff))
	w("shoff-past-eof.o", set64(o, 40, uint64(len(o))+4096))
	w("shoff-overflow.o", set64(o, 40, 0xffffffffffffffc0))
	w("shentsize-bad.o", set16(o, 58, 32))
	w("shstrndx-oor.o", set16(o, 62, 200))
	ot := sec(o, ".text")
	w("shname-oor.o", set32(o, shdr(o, ot)+shName, 0xfffffff))
	w("text-size-past-eof.o", set64(o, shdr(o, ot)+shSize, uint64(len(o))))
	w("text-offset-huge.o", set64(o, shdr(o, ot)+shOffset, 0xfffffffffffff000))
	w("text-align-huge.o", set64(o, shdr(o, ot)+shAlign, 1<<40))
	ost := sec(o, ".symtab")
	w("symtab-entsize-zero.o", set64(o, shdr(o, ost)+shEnt, 0))
	w("symtab-size-partial.o", set64(o, shdr(o, ost)+shSize, uint64(secSize(o, ost)-12)))
	w("symtab-link-oor.o", set32(o, shdr(o, ost)+shLink, 99))
	w("symtab-link-nonstr.o", set32(o, shdr(o, ost)+shLink, uint32(ot)))
	w("symtab-info-oor.o", set32(o, shdr(o, ost)+shInfo, 5000))
	api := symOff(o, "api")
	w("sym-shndx-oor.o", set16(o, api+6, 500))
	w("sym-name-oor.o", set32(o, api, 0xffffff))
	ors := sec(o, ".rela.text")
	ro := secOff(o, ors)
	w("rela-sym-oor.o", set32(o, ro+12, 900))
	w("rela-offset-oor.o", set64(o, ro, 0x100000))
	w("rela-info-oor.o", set32(o, shdr(o, ors)+shInfo, 77))
	w("rela-link-oor.o", set32(o, shdr(o, ors)+shLink, 77))
	w("rela-entsize-zero.o", set64(o, shdr(o, ors)+shEnt, 0))
	w("rela-size-partial.o", set64(o, shdr(o, ors)+shSize, uint64(secSize(o, ors)-8)))
	w("rela-type-rel.o", set32(o, shdr(o, ors)+shType, uint32(elf.SHT_REL)))
	w("etype-core.o", set16(o, 16, uint16(elf.ET_CORE)))
	w("bigendian.o", func() []byte { c := bytes.Clone(o); c[elf.EI_DATA] = byte(elf.ELFDATA2MSB); return c }())
	w("class-bad.o", func() []byte { c := bytes.Clone(o); c[elf.EI_CLASS] = 7; return c }())
	w("aarch64.o", set16(o, 18, uint16(elf.EM_AARCH64)))
	w("i386.o", g.read("i386.o"))

	// Later passes: mergeable strings, .eh_frame, relocation values.
	st := g.read("strs.o")
	ms := sec(st, ".rodata.str1.1")
	c := bytes.Clone(st)
	c[secOff(st, ms)+secSize(st, ms)-1] = 'X'
	w("merge-nonul.o", c)
	w("merge-entsize-huge.o", set64(st, shdr(st, ms)+shEnt, 1<<40))
	srt := secOff(st, sec(st, ".rela.text"))
	w("rela-edge.o", set64(st, srt, uint64(secSize(st, sec(st, ".text"))-2)))
	w("rela-type-unknown.o", set32(st, srt+8, 200))
	w("rela-tpoff.o", set32(st, srt+8, uint32(elf.R_X86_64_TPOFF32)))
	w("rela-addend-huge.o", set64(st, srt+16, uint64(0xc000000000000000)))
	eh := secOff(st, sec(st, ".eh_frame"))
	w("ehframe-len-huge.o", set32(st, eh, 0x7ffffff0))
	w("ehframe-64bit.o", set32(st, eh, 0xffffffff))
	w("ehframe-fde-cieptr.o", set32(st, eh+4+int(le.Uint32(st[eh:]))+4, 0x1234))

	// Groups (g++ COMDAT for the inline function).
	gr := g.grp
	gs := sec(gr, ".group")
	w("group-member-oor.o", set32(gr, secOff(gr, gs)+4, 300))
	w("group-sig-oor.o", set32(gr, shdr(gr, gs)+shInfo, 300))
	w("group-size-odd.o", set64(gr, shdr(gr, gs)+shSize, 6))
	// The signature becomes a section symbol of SHN_ABS (found by fuzzing).
	sig := symOff(gr, "_Z5twicei")
	c = bytes.Clone(gr)
	c[sig+4] = byte(elf.STB_WEAK)<<4 | byte(elf.STT_SECTION)
	le.PutUint16(c[sig+6:], uint16(elf.SHN_ABS))
	w("group-sig-abs-section.o", c)

	// Compressed debug sections (gcc -gz=zlib).
	d := g.dbg
	di := sec(d, ".debug_info")
	doff, dsize := secOff(d, di), secSize(d, di)
	if le.Uint32(d[doff:]) != uint32(elf.COMPRESS_ZLIB) {
		panic("dbg.o .debug_info is not zlib-compressed")
	}
	c = bytes.Clone(d)
	for i := doff + 24; i < doff+dsize; i++ {
		c[i] = byte(i*7 + 1)
	}
	w("zlib-garbage.o", c)
	c = set32(c, doff, uint32(elf.COMPRESS_ZSTD))
	w("zstd-garbage.o", c)
	w("zlib-size-lies.o", set64(d, doff+8, le.Uint64(d[doff+8:])+100))
	w("zlib-size-huge.o", set64(d, doff+8, 1<<40))
	w("compress-type-bad.o", set32(d, doff, 9))
	w("compress-hdr-trunc.o", set64(d, shdr(d, di)+shSize, 10))
}

// ---- archives ----

// member returns the offset of the header of the archive member whose
// name field starts with name.
func member(a []byte, name string) int {
	for off := 8; off+60 <= len(a); {
		if strings.HasPrefix(string(a[off:off+16]), name) {
			return off
		}
		size, err := strconv.Atoi(strings.TrimSpace(string(a[off+48 : off+58])))
		if err != nil {
			panic(err)
		}
		off += 60 + size + size&1
	}
	panic("no member " + name)
}

func setField(a []byte, off, width int, v string) []byte {
	c := bytes.Clone(a)
	copy(c[off:off+width], fmt.Sprintf("%-*s", width, v))
	return c
}

func (g *gen) archiveCases() {
	a := g.read("libx.a") // no symbol index
	s := g.read("libsym.a")
	l := g.read("liblong.a")
	w := g.write
	m := member(a, "obj.o/")
	w("ar-member-past-end.a", setField(a, m+48, 10, "999999"))
	w("ar-bad-fmag.a", setField(a, m+58, 2, "XX"))
	w("ar-bad-size.a", setField(a, m+48, 10, "12z4"))
	w("ar-trunc-header.a", a[:m+30])
	w("ar-trunc-member.a", a[:m+60+100])
	c := bytes.Clone(a)
	copy(c[m+60:], "GARBAGE!")
	w("ar-member-notelf.a", c)
	w("ar-not-archive.a", []byte("!<arch>\nthis is not an archive member header at all, it is text\n"))
	// The symbol index (member "/"): count, offsets (big-endian), names.
	si := member(s, "/ ")
	n := int(binary.BigEndian.Uint32(s[si+60:]))
	c = bytes.Clone(s)
	for i := 0; i < n; i++ {
		binary.BigEndian.PutUint32(c[si+64+4*i:], uint32(len(s)+1000))
	}
	w("ar-symidx-past-end.a", c)
	c = bytes.Clone(s)
	for i := 0; i < n; i++ {
		binary.BigEndian.PutUint32(c[si+64+4*i:], uint32(member(s, "obj.o/")+61))
	}
	w("ar-symidx-mid-member.a", c)
	c = bytes.Clone(s)
	binary.BigEndian.PutUint32(c[si+60:], 0x7fffffff)
	w("ar-symidx-count-huge.a", c)
	// GNU long names: "/N" into the "//" member.
	lm := member(l, "/0 ")
	w("ar-longname-oor.a", setField(l, lm, 16, "/9999"))
	// A thin archive whose member file is gone.
	must(g.sh("cp", "obj.o", "thin-missing-member.o"))
	must(g.sh("ar", "rcT", "thin.a", "thin-missing-member.o"))
	w("ar-thin-missing.a", g.read("thin.a"))
}

func must(err error) {
	if err != nil {
		panic(err)
	}
}

// ---- shared libraries as linker inputs ----

// verdefs returns the offsets of the Elf64_Verdef entries of a library.
func verdefs(b []byte) []int {
	vd := sec(b, ".gnu.version_d")
	off := secOff(b, vd)
	var out []int
	for {
		out = append(out, off)
		next := le.Uint32(b[off+16:])
		if next == 0 {
			return out
		}
		off += int(next)
	}
}

// verLoop makes the second version definition's vd_next point back at the
// first (in 32-bit offset arithmetic): the chain loops before the
// definition count (3) is reached, so the third is never found.
func verLoop(b []byte) []byte {
	vds := verdefs(b)
	return set32(b, vds[1]+16, uint32(-(vds[1] - vds[0])))
}

func (g *gen) sharedCases() error {
	s := g.lib
	w := g.write
	vds := verdefs(s)
	w("libverloop.so", verLoop(s))
	w("libveraux-oor.so", set32(s, vds[1]+12, 0x7ffffff0))
	w("libtrunc-half.so", s[:len(s)/2])
	ds := sec(s, ".dynsym")
	w("libdynsym-link-oor.so", set32(s, shdr(s, ds)+shLink, 99))
	w("libdynsym-name-oor.so", set32(s, secOff(s, ds)+24*5, 0xfffffff))
	vs := sec(s, ".gnu.version")
	w("libversym-short.so", set64(s, shdr(s, vs)+shSize, 4))
	w("libsoname-oor.so", set64(s, dyn(s, elf.DT_SONAME)+8, 0xfffffff))
	return nil
}

// ---- linker scripts and other files ----

func (g *gen) scriptCases() {
	w := g.write
	w("sections.ld", []byte("SECTIONS\n{\n  .text : { *(.text) }\n}\n"))
	w("unterminated.ld", []byte("GROUP ( libc.so.6 "))
	w("missing-input.ld", []byte("INPUT ( nosuch-input.o )\n"))
	w("self.ld", []byte("INPUT ( self.ld )\n"))
	w("notes.txt", []byte("Shopping list:\n- eggs\n- flour\n"))
}

// ---- libraries and programs for ldgo ----

func (g *gen) ldgoCases() error {
	for _, n := range ldgoLibs {
		lib := "lib" + n + ".so"
		if err := g.sh("gcc", "-shared", "-o", lib, "-Wl,-soname,"+lib, "-Wl,--version-script=v.map", "lib.o"); err != nil {
			return err
		}
		if err := g.sh("gcc", "-o", "prog-"+n, "prog.o", "-L.", "-l"+n, "-Wl,-rpath,$ORIGIN", "-Wl,--enable-new-dtags"); err != nil {
			return err
		}
		p := g.read("prog-" + n)
		if err := os.WriteFile(filepath.Join(g.dir, "prog-"+n), p, 0o755); err != nil {
			return err
		}
	}
	w := g.write
	lib := func(n string) []byte { return g.read("lib" + n + ".so") }
	b := lib("trunc")
	load1 := prog(b, elf.PT_LOAD, 1) // the text segment
	w("libtrunc.so", b[:le.Uint64(b[load1+8:])+le.Uint64(b[load1+32:])/2])
	b = lib("dynoor")
	p := prog(b, elf.PT_DYNAMIC, 0)
	c := set64(b, p+8, 0x40000000)
	c = set64(c, p+16, 0x40000000)
	w("libdynoor.so", set64(c, p+24, 0x40000000))
	b = lib("strtab")
	w("libstrtab.so", set64(b, dyn(b, elf.DT_STRTAB)+8, 0x7fff0000))
	// libgone.so is simply not there.
	b = lib("phnum")
	w("libphnum.so", set16(b, 56, 0xffff))
	b = lib("phoff")
	w("libphoff.so", set64(b, 32, 0x7fffffff0000))
	w("libnotelf.so", []byte("INPUT(this is a linker script, not a library)\n"))
	w("libempty.so", nil)
	w("libi386.so", g.read("libi386-32.so"))
	b = lib("memsz")
	p = prog(b, elf.PT_LOAD, 3)
	w("libmemsz.so", set64(b, p+40, 1<<46))
	b = lib("filesz")
	p = prog(b, elf.PT_LOAD, 3)
	w("libfilesz.so", set64(b, p+32, le.Uint64(b[p+40:])+0x10000))
	b = lib("neededoor")
	c = set64(b, dyn(b, elf.DT_SONAME), uint64(elf.DT_NEEDED))
	w("libneededoor.so", set64(c, dyn(b, elf.DT_SONAME)+8, 0x7ffffff))
	b = lib("gnuhash")
	gh := dyn(b, elf.DT_GNU_HASH)
	w("libgnuhash.so", set64(b, gh+8, 0x7fff0000))
	w("libverloop.so", verLoop(lib("verloop")))
	b = lib("phentsize")
	w("libphentsize.so", set16(b, 54, 32))
	b = lib("etrel")
	w("libetrel.so", set16(b, 16, uint16(elf.ET_REL)))
	b = lib("arm")
	w("libarm.so", set16(b, 18, uint16(elf.EM_AARCH64)))
	b = lib("noload")
	c = bytes.Clone(b)
	for i := 0; i < phnum(c); i++ {
		if elf.ProgType(le.Uint32(c[phdr(c, i):])) == elf.PT_LOAD {
			le.PutUint32(c[phdr(c, i):], uint32(elf.PT_NULL))
		}
	}
	w("libnoload.so", c)
	// DT_GNU_HASH's bucket count claims far more than the file holds.
	b = lib("hashoor")
	ghOff := int(le.Uint64(b[dyn(b, elf.DT_GNU_HASH)+8:])) // == file offset in the first segment
	w("libhashoor.so", set32(b, ghOff, 0x7fffffff))

	// Broken programs (run as `ldgo ./PROG`): the errors come before any
	// library is looked for.
	pg := g.read("prog-gone")
	wx := func(name string, b []byte) { must(os.WriteFile(filepath.Join(g.dir, name), b, 0o755)) }
	wx("badprog-phnum", set16(pg, 56, 0xffff))
	wx("badprog-memsz", set64(pg, prog(pg, elf.PT_LOAD, 3)+40, 1<<46))
	p = prog(pg, elf.PT_DYNAMIC, 0)
	c = set64(pg, p+8, 0x40000000)
	wx("badprog-dynoor", set64(c, p+16, 0x40000000))
	wx("badprog-trunc", pg[:len(pg)/3])
	wx("badprog-etrel", set16(pg, 16, uint16(elf.ET_REL)))
	w("notaprog", []byte("#!not really\nplain text\n"))
	return os.WriteFile(filepath.Join(g.dir, "emptyprog"), nil, 0o755)
}
