package dynsym

import (
	"debug/elf"
	"encoding/binary"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestGNUHashSizing(t *testing.T) {
	require.Equal(t, uint32(1), GNUHashBuckets(0))
	require.Equal(t, uint32(1), GNUHashBuckets(7))
	require.Equal(t, uint32(2), GNUHashBuckets(8))
	require.Equal(t, uint32(250), GNUHashBuckets(1000))
	// llvm::NextPowerOf2 is strictly greater: 5*12/64 = 0 -> 1, 6*12/64 = 1 -> 2.
	require.Equal(t, uint32(1), gnuBloomWords(0))
	require.Equal(t, uint32(1), gnuBloomWords(5))
	require.Equal(t, uint32(2), gnuBloomWords(6))
	require.Equal(t, uint32(256), gnuBloomWords(1000)) // 187 -> 256
}

// buildHashed sorts names for .gnu.hash and returns them in dynsym order
// (after symoffset undefined entries) with the built table.
func buildHashed(names []string, symoffset uint32) ([]string, []byte) {
	perm, nb := SortForGNUHash(names)
	sorted := make([]string, len(names))
	for i, p := range perm {
		sorted[i] = names[p]
	}
	return sorted, BuildGNUHash(symoffset, sorted, nb)
}

func TestGNUHashRoundTrip(t *testing.T) {
	for _, n := range []int{0, 1, 3, 4, 17, 100, 1000} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			var names []string
			for i := range n {
				names = append(names, fmt.Sprintf("sym_%d", i))
			}
			const symoffset = 5 // index 0 plus four undefined symbols
			sorted, data := buildHashed(names, symoffset)
			require.Len(t, data, GNUHashSize(n, GNUHashBuckets(n)), "GNUHashSize")
			dynsym := append([]string{"", "u1", "u2", "u3", "u4"}, sorted...)

			tab, err := ParseGNUHash(data)
			require.NoError(t, err)
			require.Equal(t, uint32(symoffset), tab.SymOffset())
			count, err := tab.SymbolCount()
			require.NoError(t, err)
			require.Equal(t, uint32(len(dynsym)), count)

			for _, name := range names {
				idx, ok := tab.Lookup(name, GNUHash(name), func(i uint32) bool { return dynsym[i] == name })
				require.True(t, ok, name)
				require.Equal(t, name, dynsym[idx])
			}
			for _, name := range []string{"u1", "nope", "sym_", "sym_100000"} {
				_, ok := tab.Lookup(name, GNUHash(name), func(i uint32) bool { return dynsym[i] == name })
				require.False(t, ok, name)
			}
		})
	}
}

func TestSortForGNUHashStable(t *testing.T) {
	names := []string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"}
	perm, nb := SortForGNUHash(names)
	require.Equal(t, uint32(2), nb)
	for i := 1; i < len(perm); i++ {
		bi, bp := GNUHash(names[perm[i]])%nb, GNUHash(names[perm[i-1]])%nb
		require.True(t, bp < bi || (bp == bi && perm[i-1] < perm[i]), "order %v", perm)
	}
	require.Panics(t, func() { BuildGNUHash(1, names, nb) }) // not grouped
}

func TestGNUHashLookupAllocFree(t *testing.T) {
	names := []string{"alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta"}
	sorted, data := buildHashed(names, 1)
	tab, err := ParseGNUHash(data)
	require.NoError(t, err)
	want := "theta"
	h := GNUHash(want)
	allocs := testing.AllocsPerRun(100, func() {
		_, ok := tab.Lookup(want, h, func(i uint32) bool { return sorted[i-1] == want })
		if !ok {
			panic("not found")
		}
	})
	require.Zero(t, allocs)
}

// libc.so.6 is linked by GNU ld: look symbols up in its own .gnu.hash.
func TestGNUHashLibc(t *testing.T) {
	f := openELF(t, libcPath)
	names, syms := dynsymNames(t, f)
	data := sectionData(t, f, ".gnu.hash")
	tab, err := ParseGNUHash(data)
	require.NoError(t, err)
	count, err := tab.SymbolCount()
	require.NoError(t, err)
	require.Equal(t, uint32(len(names)), count)

	lookup := func(name string) (uint32, bool) {
		return tab.Lookup(name, GNUHash(name), func(i uint32) bool { return names[i] == name })
	}
	for _, name := range []string{"printf", "malloc"} {
		idx, ok := lookup(name)
		require.True(t, ok, name)
		require.Equal(t, name, names[idx])
		require.NotEqual(t, elf.SHN_UNDEF, syms[idx].Section)
	}
	_, ok := lookup("no_such_sym")
	require.False(t, ok)
	// Every hashed symbol must be reachable.
	for i := tab.SymOffset(); i < uint32(len(names)); i++ {
		_, ok := lookup(names[i])
		require.True(t, ok, names[i])
	}

	// With ld's own bucket count our buckets and chains must equal ld's
	// byte for byte (only the bloom filter is sized differently).
	le := binary.LittleEndian
	nb := le.Uint32(data[0:])
	ours := BuildGNUHash(tab.SymOffset(), names[tab.SymOffset():], nb)
	tail := func(d []byte) []byte { return d[16+8*int(le.Uint32(d[8:])):] }
	require.Equal(t, tail(data), tail(ours))
}

// lld chooses the same sizes we do, so for a library it links our builder
// must reproduce its .gnu.hash exactly.
func TestGNUHashMatchesLLD(t *testing.T) {
	var src strings.Builder
	src.WriteString("extern int printf(const char *, ...);\nextern void *malloc(unsigned long);\n")
	for i := range 300 {
		fmt.Fprintf(&src, "int f%d(void) { return printf(\"%%p\", malloc(%d)); }\n", i, i)
	}
	so := buildSharedLib(t, "clang", src.String(), "-fuse-ld=lld", "-Wl,--hash-style=gnu")
	f := openELF(t, so)
	names, _ := dynsymNames(t, f)
	data := sectionData(t, f, ".gnu.hash")
	le := binary.LittleEndian
	symoffset := le.Uint32(data[4:])
	hashed := names[symoffset:]
	require.GreaterOrEqual(t, len(hashed), 300)
	require.Equal(t, le.Uint32(data[0:]), GNUHashBuckets(len(hashed)))
	require.Equal(t, data, BuildGNUHash(symoffset, hashed, GNUHashBuckets(len(hashed))))
}

func TestParseGNUHashErrors(t *testing.T) {
	hdr := func(nb, off, bloom, shift uint32, extra int) []byte {
		b := make([]byte, 16+extra)
		le := binary.LittleEndian
		le.PutUint32(b[0:], nb)
		le.PutUint32(b[4:], off)
		le.PutUint32(b[8:], bloom)
		le.PutUint32(b[12:], shift)
		return b
	}
	for name, data := range map[string][]byte{
		"short":        make([]byte, 15),
		"zero buckets": hdr(0, 1, 1, 26, 64),
		"zero bloom":   hdr(1, 1, 0, 26, 64),
		"bloom not 2^": hdr(1, 1, 3, 26, 64),
		"overrun":      hdr(4, 1, 1, 26, 8+15),
		"huge":         hdr(0xffffffff, 1, 0x80000000, 26, 8),
	} {
		_, err := ParseGNUHash(data)
		require.Error(t, err, name)
		require.NotContains(t, err.Error(), "\n")
	}
	_, err := ParseGNUHash(hdr(4, 1, 1, 26, 8+16))
	require.NoError(t, err)
}
