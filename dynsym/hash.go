// Package dynsym holds what the linker and the loader share about dynamic
// symbols: the GNU and SysV hash functions, the hash-table layouts, string
// tables and symbol versions. It depends on the standard library only, so
// the loader can import it without pulling in the linker.
package dynsym

// GNUHash is the hash of .gnu.hash (DJB's h*33+c, seeded with 5381).
func GNUHash(name string) uint32 {
	h := uint32(5381)
	for i := 0; i < len(name); i++ {
		h = h*33 + uint32(name[i])
	}
	return h
}

// GNUHashBytes is GNUHash over a NUL-free byte slice, for callers that read
// names straight out of a mapped string table without allocating.
func GNUHashBytes(name []byte) uint32 {
	h := uint32(5381)
	for _, c := range name {
		h = h*33 + uint32(c)
	}
	return h
}

// SysVHash is the classic ELF hash of .hash (System V ABI, figure 5-13).
func SysVHash(name string) uint32 {
	var h uint32
	for i := 0; i < len(name); i++ {
		h = h<<4 + uint32(name[i])
		g := h & 0xf0000000
		h ^= g >> 24
		h &^= g
	}
	return h
}
