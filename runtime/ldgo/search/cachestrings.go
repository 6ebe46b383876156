package search

import (
	"bytes"
	"sort"
)

// cacheStrings collects the string references of a cache image and resolves
// them in one pass. Every string is a substring of a single copy of the
// file, and references are resolved in offset order so each byte is scanned
// for its terminator at most once: a hostile file whose entries all point
// into one long run costs O(n log n) time and O(n) memory, where reading
// each string separately would be quadratic in both.
type cacheStrings struct {
	data []byte
	refs []strRef
}

type strRef struct {
	abs  int     // offset in the file
	dst  *string // where the string goes
	what string  // for errors
	idx  int
}

// add records that *dst is the string at off relative to base, checking
// that the offset lies inside the file.
func (cs *cacheStrings) add(base int, off uint32, dst *string, what string, idx int) error {
	abs := uint64(base) + uint64(off)
	if abs >= uint64(len(cs.data)) {
		return cacheErr("%s %d: string offset %#x outside %d bytes", what, idx, off, len(cs.data)-base)
	}
	cs.refs = append(cs.refs, strRef{abs: int(abs), dst: dst, what: what, idx: idx})
	return nil
}

// resolve fills every recorded string. A string must end with a NUL inside
// the file.
func (cs *cacheStrings) resolve() error {
	s := string(cs.data)
	sort.Slice(cs.refs, func(i, j int) bool { return cs.refs[i].abs < cs.refs[j].abs })
	end := -1 // first NUL at or after the previous reference
	for _, r := range cs.refs {
		if r.abs > end {
			n := bytes.IndexByte(cs.data[r.abs:], 0)
			if n < 0 {
				return cacheErr("%s %d: string at %#x has no terminator", r.what, r.idx, r.abs)
			}
			end = r.abs + n
		}
		*r.dst = s[r.abs:end]
	}
	return nil
}
