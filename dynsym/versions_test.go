package dynsym

import (
	"debug/elf"
	"encoding/binary"
	"testing"

	"github.com/stretchr/testify/require"
)

func sectionCount(t *testing.T, f *elf.File, name string, tag elf.DynTag) int {
	t.Helper()
	s := f.Section(name)
	require.NotNil(t, s, name)
	vals, err := f.DynValue(tag)
	require.NoError(t, err)
	require.Equal(t, []uint64{uint64(s.Info)}, vals, "sh_info vs %v", tag)
	return int(s.Info)
}

// zeroNames clears the string-table offsets in a verdef (or verneed)
// section so two sections written against different .dynstr layouts can be
// compared byte for byte.
func zeroNames(data []byte, verneed bool) []byte {
	d := append([]byte(nil), data...)
	le := binary.LittleEndian
	for off := uint32(0); ; {
		cnt := uint32(le.Uint16(d[off+6:]))
		aux, next := le.Uint32(d[off+12:]), le.Uint32(d[off+16:])
		auxName, auxNext := uint32(0), uint32(4)
		if verneed {
			cnt = uint32(le.Uint16(d[off+2:]))
			le.PutUint32(d[off+4:], 0) // vn_file
			aux, next = le.Uint32(d[off+8:]), le.Uint32(d[off+12:])
			auxName, auxNext = 8, 12
		}
		a := off + aux
		for range cnt {
			le.PutUint32(d[a+auxName:], 0)
			a += le.Uint32(d[a+auxNext:])
		}
		if next == 0 {
			return d
		}
		off += next
	}
}

func TestVerdefLibc(t *testing.T) {
	f := openELF(t, libcPath)
	dynstr := sectionData(t, f, ".dynstr")
	data := sectionData(t, f, ".gnu.version_d")
	n := sectionCount(t, f, ".gnu.version_d", elf.DT_VERDEFNUM)
	defs, err := ParseVerdef(data, dynstr, n)
	require.NoError(t, err)

	want, err := f.DynamicVersions()
	require.NoError(t, err)
	require.Len(t, want, n)
	var inOrder []Verdef
	for _, w := range want {
		d := defs[w.Index]
		require.Equal(t, w.Index, d.Index)
		require.Equal(t, w.Name, d.Name)
		require.Equal(t, w.Flags, d.Flags)
		if len(w.Deps) > 0 {
			require.Equal(t, w.Deps[0], d.Parent)
		} else {
			require.Empty(t, d.Parent)
		}
		inOrder = append(inOrder, d)
	}
	require.Equal(t, "libc.so.6", defs[VER_NDX_GLOBAL].Name)
	require.Equal(t, elf.VER_FLG_BASE, defs[VER_NDX_GLOBAL].Flags)
	require.Equal(t, "GLIBC_2.2.5", defs[2].Name)

	// Rebuilding gives ld's layout exactly, apart from .dynstr offsets.
	st := NewStringTable()
	ours, num := BuildVerdef(inOrder, st)
	require.Equal(t, uint32(n), num)
	require.Equal(t, zeroNames(data, false), zeroNames(ours, false))
	again, err := ParseVerdef(ours, st.Bytes(), int(num))
	require.NoError(t, err)
	require.Equal(t, defs, again)
}

func TestVerneedLibc(t *testing.T) {
	f := openELF(t, libcPath)
	dynstr := sectionData(t, f, ".dynstr")
	data := sectionData(t, f, ".gnu.version_r")
	n := sectionCount(t, f, ".gnu.version_r", elf.DT_VERNEEDNUM)
	needs, err := ParseVerneed(data, dynstr, n)
	require.NoError(t, err)

	want, err := f.DynamicVersionNeeds()
	require.NoError(t, err)
	require.Len(t, needs, len(want))
	for i, w := range want {
		require.Equal(t, w.Name, needs[i].File)
		require.Len(t, needs[i].Vernaux, len(w.Needs))
		for j, dep := range w.Needs {
			a := needs[i].Vernaux[j]
			require.Equal(t, dep.Dep, a.Name)
			require.Equal(t, dep.Index, a.Index)
			require.Equal(t, dep.Flags&elf.VER_FLG_WEAK != 0, a.Weak)
		}
	}

	st := NewStringTable()
	ours, num := BuildVerneed(needs, st)
	require.Equal(t, uint32(n), num)
	require.Equal(t, zeroNames(data, true), zeroNames(ours, true))
}

func TestVersionsRoundTrip(t *testing.T) {
	st := NewStringTable()
	defs := []Verdef{
		{Index: VER_NDX_GLOBAL, Flags: elf.VER_FLG_BASE, Name: "libfoo.so.1"},
		{Index: 2, Name: "FOO_1.0"},
		{Index: 3, Name: "FOO_2.0", Parent: "FOO_1.0"},
	}
	vd, nd := BuildVerdef(defs, st)
	require.Equal(t, uint32(3), nd)
	needs := []Verneed{
		{File: "libc.so.6", Vernaux: []Vernaux{{Name: "GLIBC_2.2.5", Index: 4}, {Name: "GLIBC_2.34", Index: 5, Weak: true}}},
		{File: "libunused.so"}, // no versions: dropped
		{File: "libm.so.6", Vernaux: []Vernaux{{Name: "GLIBC_2.2.5", Index: 6}}},
	}
	vn, nn := BuildVerneed(needs, st)
	require.Equal(t, uint32(2), nn)

	gotDefs, err := ParseVerdef(vd, st.Bytes(), int(nd))
	require.NoError(t, err)
	require.Equal(t, append([]Verdef{{}}, defs...), gotDefs)
	gotNeeds, err := ParseVerneed(vn, st.Bytes(), int(nn))
	require.NoError(t, err)
	require.Equal(t, []Verneed{needs[0], needs[2]}, gotNeeds)

	// The hash fields are SysVHash of the names.
	le := binary.LittleEndian
	require.Equal(t, SysVHash("FOO_1.0"), le.Uint32(vd[28+8:]))     // second verdef's vd_hash
	require.Equal(t, SysVHash("GLIBC_2.34"), le.Uint32(vn[16+16:])) // second vernaux's vna_hash

	_, err = ParseVerdef(nil, nil, 0)
	require.NoError(t, err)
	v, n := BuildVerdef(nil, st)
	require.Empty(t, v)
	require.Zero(t, n)
}

func TestVersionsCorrupt(t *testing.T) {
	st := NewStringTable()
	vd, _ := BuildVerdef([]Verdef{
		{Index: 1, Flags: elf.VER_FLG_BASE, Name: "a"},
		{Index: 2, Name: "b"},
	}, st)
	le := binary.LittleEndian
	mut := func(f func(d []byte)) []byte { d := append([]byte(nil), vd...); f(d); return d }

	cases := map[string]struct {
		data  []byte
		count int
	}{
		"count too big":   {vd, 100},
		"negative count":  {vd, -1},
		"bad version":     {mut(func(d []byte) { le.PutUint16(d[0:], 2) }), 2},
		"index 0":         {mut(func(d []byte) { le.PutUint16(d[4:], 0) }), 2},
		"duplicate index": {mut(func(d []byte) { le.PutUint16(d[28+4:], 1) }), 2},
		// vd_next is unsigned and added to a 64-bit offset (as glibc adds
		// it to a pointer), so it cannot wrap back to an earlier entry.
		"next past end":     {mut(func(d []byte) { le.PutUint32(d[16:], 0xfffffff0) }), 2},
		"ends early":        {mut(func(d []byte) { le.PutUint32(d[16:], 0) }), 2},
		"aux out of range":  {mut(func(d []byte) { le.PutUint32(d[12:], 1000) }), 2},
		"name out of range": {mut(func(d []byte) { le.PutUint32(d[20:], 1000) }), 2},
	}
	for name, c := range cases {
		_, err := ParseVerdef(c.data, st.Bytes(), c.count)
		require.Error(t, err, name)
		require.NotContains(t, err.Error(), "\n")
	}

	vn, _ := BuildVerneed([]Verneed{{File: "x.so", Vernaux: []Vernaux{{Name: "V", Index: 3}}}}, st)
	_, err := ParseVerneed(vn, st.Bytes(), 2)
	require.Error(t, err)
	bad := append([]byte(nil), vn...)
	le.PutUint16(bad[2:], 0xffff) // vn_cnt far beyond the data
	_, err = ParseVerneed(bad, st.Bytes(), 1)
	require.Error(t, err)
}
