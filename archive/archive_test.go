package archive

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// ---- helpers: real archives via binutils ----

// needTool skips the test when a binutils program is missing.
func needTool(t testing.TB, name string) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		t.Skipf("%s not installed", name)
	}
}

func run(t testing.TB, dir, prog string, args ...string) {
	t.Helper()
	cmd := exec.Command(prog, args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s %v: %s", prog, args, out)
}

// object assembles dir/name defining the given global symbols, so that
// `ar s` has something to put in the index without needing a C compiler.
func object(t testing.TB, dir, name string, syms ...string) {
	t.Helper()
	var src strings.Builder
	src.WriteString(".text\n")
	for _, s := range syms {
		fmt.Fprintf(&src, ".globl %s\n%s:\n\tret\n", s, s)
	}
	asm := filepath.Join(dir, name+".s")
	require.NoError(t, os.MkdirAll(filepath.Dir(asm), 0o755))
	require.NoError(t, os.WriteFile(asm, []byte(src.String()), 0o644))
	run(t, dir, "as", "-o", name, name+".s")
}

const longName = "this_is_a_long_member_name.o" // > 15 chars: forces the "//" table

// gnuFixture builds lib.a (regular) and thin.a (thin) in a temp dir from
// three members: a short-named object, a long-named object in a subdir,
// and an odd-sized non-object file to exercise the 2-byte padding.
func gnuFixture(t testing.TB) (dir string) {
	t.Helper()
	needTool(t, "ar")
	needTool(t, "as")
	dir = t.TempDir()
	object(t, dir, "a.o", "foo", "dup")
	object(t, dir, "sub/"+longName, "bar", "baz", "dup")
	require.NoError(t, os.WriteFile(filepath.Join(dir, "odd.txt"), []byte("odd"), 0o644))
	members := []string{"a.o", "sub/" + longName, "odd.txt"}
	run(t, dir, "ar", append([]string{"rcs", "lib.a"}, members...)...)
	run(t, dir, "ar", append([]string{"rcsT", "thin.a"}, members...)...)
	run(t, dir, "ar", append([]string{"rcS", "noindex.a"}, members...)...)
	return dir
}

func parseFile(t testing.TB, path string) (*Archive, []byte) {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	a, err := Parse(path, data)
	require.NoError(t, err)
	return a, data
}

func names(a *Archive) []string {
	var s []string
	for _, m := range a.Members {
		s = append(s, m.Name)
	}
	return s
}

// ---- helpers: hand-crafted archives ----

type part struct {
	name string // raw header name, written as is (caller adds "/" etc.)
	data []byte
}

func header(name string, size int) []byte {
	h := fmt.Sprintf("%-16s%-12s%-6s%-6s%-8s%-10d`\n", name, "0", "0", "0", "644", size)
	if len(h) != headerSize {
		panic("bad test header for " + name)
	}
	return []byte(h)
}

// build lays out an archive and returns it with each part's header offset.
func build(magic string, parts ...part) ([]byte, []int64) {
	out := []byte(magic)
	var offs []int64
	for _, p := range parts {
		offs = append(offs, int64(len(out)))
		out = append(out, header(p.name, len(p.data))...)
		out = append(out, p.data...)
		if len(out)%2 == 1 {
			out = append(out, '\n')
		}
	}
	return out, offs
}

// gnuIndex encodes a "/" (w=4) or "/SYM64/" (w=8) index body.
func gnuIndex(w int, syms []string, offs []int64) []byte {
	b := make([]byte, w*(1+len(syms)))
	put := func(at int, v uint64) {
		if w == 4 {
			binary.BigEndian.PutUint32(b[at:], uint32(v))
		} else {
			binary.BigEndian.PutUint64(b[at:], v)
		}
	}
	put(0, uint64(len(syms)))
	for i := range syms {
		put(w*(1+i), uint64(offs[i]))
	}
	for _, s := range syms {
		b = append(b, s...)
		b = append(b, 0)
	}
	return b
}

// bsdIndex encodes a "__.SYMDEF" body (w=4) or "__.SYMDEF_64" (w=8).
func bsdIndex(o binary.AppendByteOrder, w int, syms []string, offs []int64) []byte {
	put := func(b []byte, v uint64) []byte {
		if w == 4 {
			return o.AppendUint32(b, uint32(v))
		}
		return o.AppendUint64(b, v)
	}
	var strtab []byte
	var b []byte
	b = put(b, uint64(len(syms)*2*w))
	for i, s := range syms {
		b = put(b, uint64(len(strtab)))
		b = put(b, uint64(offs[i]))
		strtab = append(strtab, s...)
		strtab = append(strtab, 0)
	}
	b = put(b, uint64(len(strtab)))
	return append(b, strtab...)
}

// bsdName stores name BSD-style: "#1/LEN" header, name NUL-padded to 4 at
// the start of the data.
func bsdName(name string, data []byte) part {
	n := (len(name) + 4) &^ 3
	body := append([]byte(name), make([]byte, n-len(name))...)
	return part{name: fmt.Sprintf("#1/%d", n), data: append(body, data...)}
}

// withIndex builds an archive whose first part is an index over the later
// parts: syms[i] is defined by parts[defs[i]] (0 = first non-index part).
// The index body only depends on counts and names, so it is built once with
// zero offsets to find the layout, then again with the real offsets.
func withIndex(magic string, mkIndex func(offs []int64) part, syms []string, defs []int, parts ...part) []byte {
	zero := make([]int64, len(syms))
	_, layout := build(magic, append([]part{mkIndex(zero)}, parts...)...)
	offs := make([]int64, len(syms))
	for i, d := range defs {
		offs[i] = layout[1+d]
	}
	out, _ := build(magic, append([]part{mkIndex(offs)}, parts...)...)
	return out
}

// ---- tests ----

func TestIsArchive(t *testing.T) {
	require.True(t, IsArchive([]byte("!<arch>\n")))
	require.True(t, IsArchive([]byte("!<thin>\nrest")))
	require.False(t, IsArchive([]byte("!<arch>")))
	require.False(t, IsArchive([]byte("\x7fELF\x02\x01\x01\x00")))
	require.False(t, IsArchive(nil))
}

func TestGNUArchive(t *testing.T) {
	dir := gnuFixture(t)
	a, data := parseFile(t, filepath.Join(dir, "lib.a"))

	require.False(t, a.Thin)
	require.True(t, a.HasIndex)
	require.Equal(t, []string{"a.o", longName, "odd.txt"}, names(a))
	for i, f := range []string{"a.o", "sub/" + longName, "odd.txt"} {
		want, err := os.ReadFile(filepath.Join(dir, f))
		require.NoError(t, err)
		m := a.Members[i]
		require.Equal(t, want, m.Data, f)
		require.Equal(t, int64(len(want)), m.Size)
		require.Empty(t, m.Path)
	}
	require.Equal(t, "a.o/", strings.TrimRight(string(data[a.Members[0].Offset:][:16]), " "),
		"Offset points at the member header")

	require.Equal(t, []int{0}, a.Symbols()["foo"])
	require.Equal(t, []int{1}, a.Symbols()["bar"])
	require.Equal(t, []int{1}, a.Symbols()["baz"])
	require.Equal(t, []int{0, 1}, a.Symbols()["dup"], "all definitions, archive order")
	require.NotContains(t, a.Symbols(), "odd")

	// Zero-copy: member data is a window on the input buffer...
	m := a.Members[2]
	data[m.Offset+headerSize] = 'X'
	require.Equal(t, "Xdd", string(m.Data))
	// ...capped so that appending to it cannot overwrite the next member.
	require.Equal(t, len(m.Data), cap(m.Data))
}

func TestNoIndex(t *testing.T) {
	dir := gnuFixture(t)
	a, _ := parseFile(t, filepath.Join(dir, "noindex.a"))
	require.False(t, a.HasIndex)
	require.Nil(t, a.Symbols())
	require.Equal(t, []string{"a.o", longName, "odd.txt"}, names(a))
}

func TestThinArchive(t *testing.T) {
	dir := gnuFixture(t)
	a, _ := parseFile(t, filepath.Join(dir, "thin.a"))

	require.True(t, a.Thin)
	require.True(t, a.HasIndex)
	require.Equal(t, []string{"a.o", "sub/" + longName, "odd.txt"}, names(a))
	for _, m := range a.Members {
		require.Nil(t, m.Data)
		require.Equal(t, filepath.Join(dir, m.Name), m.Path)
		st, err := os.Stat(m.Path)
		require.NoError(t, err)
		require.Equal(t, st.Size(), m.Size)
	}
	require.Equal(t, []int{1}, a.Symbols()["bar"])
	require.Equal(t, []int{0, 1}, a.Symbols()["dup"])

	// Paths are relative to the archive's directory, even a relative one.
	data, err := os.ReadFile(filepath.Join(dir, "thin.a"))
	require.NoError(t, err)
	a, err = Parse("rel/thin.a", data)
	require.NoError(t, err)
	require.Equal(t, filepath.Join("rel", "sub", longName), a.Members[1].Path)

	// Absolute names are kept as they are.
	abs, _ := build(thinMagic, part{name: "//", data: []byte("/abs/dir/x.o/\n")}, part{name: "/0", data: nil})
	a, err = Parse("rel/thin.a", abs)
	require.NoError(t, err)
	require.Equal(t, "/abs/dir/x.o", a.Members[0].Path)
}

func TestThinNested(t *testing.T) {
	dir := gnuFixture(t)
	// A regular archive inside a thin one becomes "/N:ORIGIN" names.
	run(t, dir, "ar", "rcT", "nested.a", "lib.a")
	data, err := os.ReadFile(filepath.Join(dir, "nested.a"))
	require.NoError(t, err)
	_, err = Parse("nested.a", data)
	require.ErrorContains(t, err, "nested archive, which is not supported")

	// A thin archive inside a thin one is flattened by ar: fine.
	run(t, dir, "ar", "rcT", "flat.a", "thin.a")
	a, _ := parseFile(t, filepath.Join(dir, "flat.a"))
	require.Equal(t, []string{"a.o", "sub/" + longName, "odd.txt"}, names(a))
}

func TestEmptyArchive(t *testing.T) {
	for _, m := range []string{magic, thinMagic} {
		a, err := Parse("libdl.a", []byte(m))
		require.NoError(t, err)
		require.Empty(t, a.Members)
		require.False(t, a.HasIndex)
	}
}

func TestSym64Index(t *testing.T) {
	idx := func(offs []int64) part {
		return part{name: "/SYM64/", data: gnuIndex(8, []string{"f", "g"}, offs)}
	}
	data := withIndex(magic, idx, []string{"f", "g"}, []int{1, 0},
		part{name: "x.o/", data: []byte("xx")}, part{name: "y.o/", data: []byte("yyy")})
	a, err := Parse("lib.a", data)
	require.NoError(t, err)
	require.True(t, a.HasIndex)
	require.Equal(t, []string{"x.o", "y.o"}, names(a))
	require.Equal(t, map[string][]int{"f": {1}, "g": {0}}, a.Symbols())
}

func TestBSDArchive(t *testing.T) {
	members := []part{
		bsdName("a_rather_long_file_name.o", []byte("AAAA")),
		{name: "short.o", data: []byte("SS")},
		bsdName("with space.o", []byte("W")),
	}
	syms := []string{"s1", "s2", "a1", "a2"}
	// SORTED: index order is by name, not by member; "s2" is defined twice.
	defs := []int{1, 2, 0, 0}
	syms = append(syms, "s2")
	defs = append(defs, 0)

	for _, tc := range []struct {
		name  string
		order binary.AppendByteOrder
		w     int
		short bool // short "__.SYMDEF" header name instead of "#1/"
	}{
		{"__.SYMDEF SORTED", binary.LittleEndian, 4, false},
		{"__.SYMDEF", binary.LittleEndian, 4, true},
		{"__.SYMDEF", binary.BigEndian, 4, false},
		{"__.SYMDEF_64", binary.LittleEndian, 8, false},
	} {
		t.Run(fmt.Sprintf("%s/%v/short=%v", tc.name, tc.order, tc.short), func(t *testing.T) {
			idx := func(offs []int64) part {
				body := bsdIndex(tc.order, tc.w, syms, offs)
				if tc.short {
					return part{name: tc.name, data: body}
				}
				return bsdName(tc.name, body)
			}
			a, err := Parse("libbsd.a", withIndex(magic, idx, syms, defs, members...))
			require.NoError(t, err)
			require.True(t, a.HasIndex)
			require.Equal(t, []string{"a_rather_long_file_name.o", "short.o", "with space.o"}, names(a))
			require.Equal(t, "AAAA", string(a.Members[0].Data), "BSD name excluded from Data")
			require.Equal(t, int64(4), a.Members[0].Size)
			require.Equal(t, "SS", string(a.Members[1].Data))
			require.Equal(t, "W", string(a.Members[2].Data))
			require.Equal(t, map[string][]int{"s1": {1}, "s2": {0, 2}, "a1": {0}, "a2": {0}}, a.Symbols())
		})
	}

	// "__.SYMDEF" that is not the first member is just a member.
	data, _ := build(magic, part{name: "x.o", data: []byte("x")}, part{name: "__.SYMDEF", data: []byte("junk")})
	a, err := Parse("lib.a", data)
	require.NoError(t, err)
	require.False(t, a.HasIndex)
	require.Equal(t, []string{"x.o", "__.SYMDEF"}, names(a))
}

func TestMalformed(t *testing.T) {
	good, _ := build(magic, part{name: "a.o/", data: []byte("abcd")})
	patch := func(at int, s string) []byte {
		b := bytes.Clone(good)
		copy(b[at:], s)
		return b
	}
	gnuIdx := func(count uint32, offs []uint32, names string) part {
		b := binary.BigEndian.AppendUint32(nil, count)
		for _, o := range offs {
			b = binary.BigEndian.AppendUint32(b, o)
		}
		return part{name: "/", data: append(b, names...)}
	}
	mk := func(magic string, parts ...part) []byte {
		b, _ := build(magic, parts...)
		return b
	}
	// With a one-entry index ("f") first, a.o's header is at 8+60+10 = 78;
	// with a two-entry one at 8+60+14 = 82.
	obj := part{name: "a.o/", data: []byte("abcd")}

	cases := []struct {
		name string
		data []byte
		want string
	}{
		{"not an archive", []byte("\x7fELF"), "lib.a: not an ar archive"},
		{"truncated header", good[:40], "lib.a: member at offset 8: truncated header (32 bytes left, want 60)"},
		{"trailing junk", append(bytes.Clone(good), "junk"...), "truncated header (4 bytes left"},
		{"bad terminator", patch(8+58, "x\n"), "bad header terminator"},
		{"bad size field", patch(8+48, "12a"), `member at offset 8: bad size field "12a       "`},
		{"empty size field", patch(8+48, "          "), "bad size field"},
		{"negative size", patch(8+48, "-4        "), "bad size field"},
		{"size past EOF", patch(8+48, "99999     "), "lib.a: member at offset 8: size 99999 runs past end of file (72 bytes)"},
		{"bad long-name offset", mk(magic, part{name: "//", data: []byte("x/\n")}, part{name: "/40", data: nil}),
			"long name offset 40 past end of name table (3 bytes)"},
		{"long name without table", mk(magic, part{name: "/0"}), `long name "/0" but no "//" name table`},
		{"bad long-name reference", mk(magic, part{name: "//", data: []byte("x/\n")}, part{name: "/1x"}), `bad long name reference "/1x"`},
		{"origin outside thin", mk(magic, part{name: "//", data: []byte("x/\n")}, part{name: "/0:5"}), `bad long name reference "/0:5"`},
		{"second name table", mk(magic, part{name: "//"}, part{name: "//"}), "second long-name table"},
		{"index not first", mk(magic, obj, gnuIdx(0, nil, "")), "symbol index is not the first member"},
		{"index offset not a member", mk(magic, gnuIdx(1, []uint32{0x40}, "f\x00"), obj),
			`lib.a: symbol index names offset 0x40 which is no member header (symbol "f")`},
		{"index offset at index itself", mk(magic, gnuIdx(1, []uint32{8}, "f\x00"), obj), "which is no member header"},
		{"index count too large", mk(magic, gnuIdx(0x7fffffff, nil, ""), obj), "lib.a: symbol index count 2147483647 too large for a 4-byte index"},
		{"index names missing", mk(magic, gnuIdx(2, []uint32{82, 82}, "f\x00"), obj), "symbol index count 2 but only 1 names"},
		{"index too short", mk(magic, part{name: "/", data: []byte{0}}, obj), "symbol index too short (1 bytes)"},
		{"sym64 count too large", mk(magic, part{name: "/SYM64/", data: []byte{0xff, 0, 0, 0, 0, 0, 0, 0}}, obj), "count 18374686479671623680 too large"},
		{"bsd name too long", mk(magic, part{name: "#1/20", data: []byte("abc")}), "BSD name length 20 exceeds member size 3"},
		{"bsd bad name length", mk(magic, part{name: "#1/x", data: []byte("abc")}), `bad BSD name length "#1/x"`},
		{"bsd index sizes", mk(magic, part{name: "__.SYMDEF", data: []byte{1, 0, 0, 0, 0, 0, 0, 0}}, obj), "symbol index BSD index sizes do not fit its 8 bytes"},
		{"bsd strx past end", mk(magic, part{name: "__.SYMDEF",
			data: []byte{8, 0, 0, 0, 9, 0, 0, 0, 78, 0, 0, 0, 2, 0, 0, 0, 'f', 0}}, obj), "name offset 9 past end of string table (2 bytes)"},
		{"bsd name in thin", mk(thinMagic, part{name: "#1/4"}), `BSD name "#1/4" in a thin archive`},
		{"thin name too long", mk(thinMagic, part{name: "//", data: bytes.Repeat([]byte{'x'}, 5000)}, part{name: "/0"}),
			"member at offset 5068: thin member name of 5000 bytes is longer than PATH_MAX"},
		{"thin index past EOF", []byte(thinMagic + string(header("/", 100))), "size 100 runs past end of file"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a, err := Parse("lib.a", tc.data)
			require.Error(t, err, "parsed as %+v", a)
			require.Nil(t, a)
			require.Contains(t, err.Error(), tc.want)
			require.True(t, strings.HasPrefix(err.Error(), "lib.a: "), err.Error())
			require.NotContains(t, err.Error(), "\n")
		})
	}

	// Names read from the file are quoted, so even a newline in one cannot
	// break the one-line rule.
	_, err := Parse("lib.a", mk(magic, part{name: "/1\n"}))
	require.Error(t, err)
	require.NotContains(t, err.Error(), "\n")

	// Sanity: the patched fixture itself is fine.
	a, err := Parse("lib.a", good)
	require.NoError(t, err)
	require.Equal(t, "abcd", string(a.Members[0].Data))
}

// The odd final member may lack its pad byte; ar itself writes it, but
// other tools (and truncating copies) do not.
func TestMissingFinalPad(t *testing.T) {
	data, _ := build(magic, part{name: "a.o/", data: []byte("abc")})
	require.Equal(t, byte('\n'), data[len(data)-1])
	a, err := Parse("lib.a", data[:len(data)-1])
	require.NoError(t, err)
	require.Equal(t, "abc", string(a.Members[0].Data))
}

// ---- system libraries ----

const sysLib = "/usr/lib/x86_64-linux-gnu/"

func parseSystem(t *testing.T, name string) *Archive {
	t.Helper()
	path := sysLib + name
	if _, err := os.Stat(path); err != nil {
		t.Skipf("%s not present", path)
	}
	a, _ := parseFile(t, path)
	return a
}

// definer returns the name of the first member defining sym.
func definer(t *testing.T, a *Archive, sym string) string {
	t.Helper()
	idx, ok := a.Symbols()[sym]
	require.True(t, ok, "%s not in index", sym)
	require.NotEmpty(t, idx)
	return a.Members[idx[0]].Name
}

// Every member of a real library is an ELF object and every index entry
// points at one: a cheap check that offsets and padding are right.
func checkObjects(t *testing.T, a *Archive) {
	t.Helper()
	for _, m := range a.Members {
		require.True(t, bytes.HasPrefix(m.Data, []byte("\x7fELF")), "%s(%s) at %d", a.Path, m.Name, m.Offset)
	}
	for s, idx := range a.Symbols() {
		for i := 1; i < len(idx); i++ {
			require.Less(t, idx[i-1], idx[i], "%s: definitions of %s out of order", a.Path, s)
		}
	}
}

func TestSystemLibz(t *testing.T) {
	a := parseSystem(t, "libz.a")
	require.True(t, a.HasIndex)
	require.Equal(t, "deflate.o", definer(t, a, "deflate"))
	require.Equal(t, "inflate.o", definer(t, a, "inflate"))
	checkObjects(t, a)
}

func TestSystemLibc(t *testing.T) {
	a := parseSystem(t, "libc.a")
	require.True(t, a.HasIndex)
	require.Greater(t, len(a.Members), 1000)
	require.Equal(t, "printf.o", definer(t, a, "printf"))
	require.Equal(t, "malloc.o", definer(t, a, "malloc"))
	checkObjects(t, a)
}

func TestSystemLibpthread(t *testing.T) {
	a := parseSystem(t, "libpthread.a")
	require.Empty(t, a.Members)
	require.False(t, a.HasIndex)
}

func BenchmarkParseLibc(b *testing.B) {
	data, err := os.ReadFile(sysLib + "libc.a")
	if err != nil {
		b.Skip("libc.a not present")
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse("libc.a", data); err != nil {
			b.Fatal(err)
		}
	}
}

// Hostile inputs that a naive reader handles in quadratic time: many
// references into a big string table without terminators, and an index
// that lists one name's definitions in reverse archive order. Each must
// parse in time linear-ish in the input; the bound is loose enough for slow
// CI machines and far below what the quadratic versions take (minutes).
func TestHostileInputsAreNotQuadratic(t *testing.T) {
	if testing.Short() {
		t.Skip("builds multi-megabyte inputs")
	}
	const members = 50000
	table := bytes.Repeat([]byte{'x'}, 4<<20)

	t.Run("long-name table", func(t *testing.T) {
		parts := []part{{name: "//", data: table}}
		for range members {
			parts = append(parts, part{name: "/0"})
		}
		data, _ := build(magic, parts...)
		start := time.Now()
		a, err := Parse("lib.a", data)
		require.NoError(t, err)
		require.Len(t, a.Members, members)
		require.Less(t, time.Since(start), 10*time.Second)
	})

	t.Run("BSD string table", func(t *testing.T) {
		ranlibs := binary.LittleEndian.AppendUint32(nil, members*8)
		for range members {
			ranlibs = binary.LittleEndian.AppendUint32(ranlibs, 0)  // strx: the unterminated start
			ranlibs = binary.LittleEndian.AppendUint32(ranlibs, 72) // ran_off: patched below
		}
		body := binary.LittleEndian.AppendUint32(ranlibs, uint32(len(table)))
		body = append(body, table...)
		data, offs := build(magic, part{name: "__.SYMDEF", data: body}, part{name: "x.o", data: []byte("x")})
		for i := range members {
			binary.LittleEndian.PutUint32(data[8+headerSize+4+8*i+4:], uint32(offs[1]))
		}
		start := time.Now()
		_, err := Parse("lib.a", data)
		require.ErrorContains(t, err, "symbol index names overlap")
		require.Less(t, time.Since(start), 10*time.Second)
	})

	t.Run("reverse-order definitions", func(t *testing.T) {
		var parts []part
		for range members {
			parts = append(parts, part{name: "m.o/"})
		}
		syms := make([]string, members)
		defs := make([]int, members)
		for i := range defs {
			syms[i] = "dup"
			defs[i] = members - 1 - i
		}
		idx := func(offs []int64) part { return part{name: "/", data: gnuIndex(4, syms, offs)} }
		data := withIndex(magic, idx, syms, defs, parts...)
		start := time.Now()
		a, err := Parse("lib.a", data)
		require.NoError(t, err)
		list := a.Symbols()["dup"]
		require.Len(t, list, members)
		require.Equal(t, 0, list[0])
		require.Equal(t, members-1, list[members-1])
		require.Less(t, time.Since(start), 10*time.Second)
	})
}
