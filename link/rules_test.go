package link

import (
	"debug/elf"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gold/dynsym"
)

// Input sections join the output sections ld's default script gives them.
func TestOutputSectionName(t *testing.T) {
	alloc := elf.SHF_ALLOC
	for in, out := range map[string]string{
		".text.unlikely.foo": ".text", ".text": ".text", ".rodata.str1.1": ".rodata",
		".data.rel.ro.local": ".data.rel.ro", ".data.rel.local": ".data", ".bss.x": ".bss",
		".tbss.v": ".tbss", ".init_array.00100": ".init_array", ".ctors.65435": ".init_array",
		".dtors": ".fini_array", ".gcc_except_table._Z1fv": ".gcc_except_table",
		".gnu.linkonce.t.foo": ".text", "my_section": "my_section",
	} {
		assert.Equal(t, out, outputSectionName(in, alloc), in)
	}
	assert.Equal(t, ".debug_info", outputSectionName(".debug_info", 0), "non-allocated sections keep their names")
}

// .init_array.N runs in priority order, before plain .init_array; .ctors.N
// counts down from 65535 as ld converts it.
func TestInitPriority(t *testing.T) {
	sec := func(name string) *InputSection { return &InputSection{Name: name} }
	assert.Less(t, initPriority(sec(".init_array.00100")), initPriority(sec(".init_array.00200")))
	assert.Less(t, initPriority(sec(".init_array.65000")), initPriority(sec(".init_array")))
	assert.Equal(t, initPriority(sec(".init_array.00100")), initPriority(sec(".ctors.65435")))
}

// Version script precedence: exact names before wildcards, a lone "*" last.
func TestMatchVersion(t *testing.T) {
	vs, err := dynsym.ParseVersionScript("v.map", []byte(`
V1 { global: foo; bar*; local: *; };
V2 { global: bar_exact; local: baz*; } V1;
`))
	require.NoError(t, err)
	check := func(name, node string, global, found bool) {
		t.Helper()
		n, g, f := matchVersion(vs.Nodes, name)
		assert.Equal(t, []any{node, global, found}, []any{n, g, f}, name)
	}
	check("foo", "V1", true, true)
	check("bar_exact", "V2", true, true) // exact in V2 beats V1's bar*
	check("bar_glob", "V1", true, true)
	check("bazooka", "V2", false, true)
	check("other", "V1", false, true) // only the lone * matches
}

// Mergeable strings are split at NULs, deduplicated across sections in
// first-occurrence order, and offsets inside a piece map into it.
func TestMergeStrings(t *testing.T) {
	out := &OutputSection{chunkHeader: chunkHeader{Name: ".rodata", Flags: elf.SHF_ALLOC}}
	mk := func(data string) *InputSection {
		return &InputSection{Name: ".rodata.str1.1", Flags: elf.SHF_ALLOC | elf.SHF_MERGE | elf.SHF_STRINGS,
			Entsize: 1, Align: 1, Data: []byte(data), Size: uint64(len(data)), Live: true, Out: out}
	}
	a, b := mk("hello\x00world\x00"), mk("world\x00again\x00hello\x00")
	out.Members = []*InputSection{a, b}
	ctx := newContext(&Config{})
	ctx.outSecs = []*OutputSection{out}
	require.NoError(t, ctx.splitMergeable())
	require.Len(t, out.Members, 1, "one table holds the distinct pieces")
	holder := out.Members[0]
	assert.Equal(t, uint64(len("hello\x00world\x00again\x00")), holder.Size)
	dst := make([]byte, holder.Size)
	holder.mergeTable.write(dst)
	assert.Equal(t, "hello\x00world\x00again\x00", string(dst))
	out.updateSize(ctx)
	// "world" in b is the piece at offset 6 of the table; "orld" is one in.
	assert.Equal(t, holder.Addr()+6, b.merge.addrOf(0))
	assert.Equal(t, holder.Addr()+7, b.merge.addrOf(1))
	assert.Equal(t, holder.Addr()+0, b.merge.addrOf(12), "b's hello is a's")
}
