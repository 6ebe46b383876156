package dynsym

import (
	"encoding/binary"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestSysVBuckets(t *testing.T) {
	for nsyms, want := range map[int]uint32{
		0: 1, 2: 1, 3: 3, 16: 3, 17: 17, 36: 17, 37: 37, 1030: 521, 1031: 1031, 40000: 32771,
	} {
		require.Equal(t, want, sysvBuckets(nsyms), "nsyms %d", nsyms)
	}
}

func TestSysVHashRoundTrip(t *testing.T) {
	for _, n := range []int{0, 1, 2, 20, 500} {
		names := []string{""}
		for i := range n {
			names = append(names, fmt.Sprintf("s%d", i))
		}
		tab, err := ParseSysVHash(BuildSysVHash(names))
		require.NoError(t, err)
		require.Equal(t, uint32(len(names)), tab.NChain())
		for i, name := range names[1:] {
			idx, ok := tab.Lookup(name, SysVHash(name), func(j uint32) bool { return names[j] == name })
			require.True(t, ok, name)
			require.Equal(t, uint32(i+1), idx)
		}
		_, ok := tab.Lookup("absent", SysVHash("absent"), func(j uint32) bool { return names[j] == "absent" })
		require.False(t, ok)
	}
}

// A library linked by GNU ld with --hash-style=both: look up in its .hash,
// and check our builder picks ld's bucket count and puts every symbol in the
// same bucket. (Order within a chain follows bfd's internal hash-table walk,
// which we do not imitate, so the bytes are not identical.)
func TestSysVHashGNULD(t *testing.T) {
	var src strings.Builder
	src.WriteString("extern int printf(const char *, ...);\nextern void *malloc(unsigned long);\n")
	for i := range 40 {
		fmt.Fprintf(&src, "int f%d(void) { return printf(\"%%p\", malloc(%d)); }\n", i, i)
	}
	so := buildSharedLib(t, "gcc", src.String(), "-fuse-ld=bfd", "-Wl,--hash-style=both")
	f := openELF(t, so)
	names, _ := dynsymNames(t, f)
	data := sectionData(t, f, ".hash")
	tab, err := ParseSysVHash(data)
	require.NoError(t, err)
	require.Equal(t, uint32(len(names)), tab.NChain())

	lookup := func(name string) (uint32, bool) {
		return tab.Lookup(name, SysVHash(name), func(i uint32) bool { return names[i] == name })
	}
	for _, name := range []string{"f0", "f39", "printf", "malloc"} { // defined and undefined
		idx, ok := lookup(name)
		require.True(t, ok, name)
		require.Equal(t, name, names[idx])
	}
	_, ok := lookup("no_such_sym")
	require.False(t, ok)

	ours := BuildSysVHash(names)
	require.Equal(t, len(data), len(ours))
	require.Equal(t, data[:8], ours[:8]) // nbucket, nchain
	require.Equal(t, bucketSets(data), bucketSets(ours))
}

// bucketSets lists the dynsym indexes on each bucket's chain, sorted.
func bucketSets(data []byte) [][]uint32 {
	le := binary.LittleEndian
	nb, nc := le.Uint32(data[0:]), le.Uint32(data[4:])
	chain := data[8+4*nb:]
	sets := make([][]uint32, nb)
	for b := range nb {
		for i, n := le.Uint32(data[8+4*b:]), uint32(0); i != 0 && n < nc; i, n = le.Uint32(chain[4*i:]), n+1 {
			sets[b] = append(sets[b], i)
		}
		slices.Sort(sets[b])
	}
	return sets
}

func TestSysVHashCorrupt(t *testing.T) {
	le := binary.LittleEndian
	_, err := ParseSysVHash([]byte{1, 0, 0, 0})
	require.Error(t, err)
	_, err = ParseSysVHash([]byte{0, 0, 0, 0, 0, 0, 0, 0})
	require.Error(t, err)
	_, err = ParseSysVHash([]byte{1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0})
	require.Error(t, err)

	// A chain that loops (1 -> 2 -> 1) must terminate.
	d := make([]byte, 8+4+4*3)
	le.PutUint32(d[0:], 1)
	le.PutUint32(d[4:], 3)
	le.PutUint32(d[8:], 1)
	le.PutUint32(d[12+4:], 2)
	le.PutUint32(d[12+8:], 1)
	tab, err := ParseSysVHash(d)
	require.NoError(t, err)
	calls := 0
	_, ok := tab.Lookup("x", 7, func(uint32) bool { calls++; return false })
	require.False(t, ok)
	require.LessOrEqual(t, calls, 3)
}
