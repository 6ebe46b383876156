package archive

import (
	"math"
	"slices"
)

// strtab looks names up in a string table (the GNU "//" long-name table or
// a BSD index's string table) by offset.
//
// Scanning for the terminator from each offset would be quadratic on
// hostile input (a table with no terminator and thousands of references to
// its start), so the terminator positions are collected once, on the first
// lookup, and each lookup is a binary search. Positions are int32 to keep
// that side table at most 4 bytes per table byte; tables of 2 GiB or more
// are refused.
type strtab struct {
	s     string
	term  func(byte) bool
	ends  []int32
	ready bool
}

func newStrtab(s string, term func(byte) bool) (*strtab, bool) {
	if len(s) > math.MaxInt32 {
		return nil, false
	}
	return &strtab{s: s, term: term}, true
}

// at returns the name starting at off, up to the next terminator or the end
// of the table. The caller checks 0 <= off < len(s).
func (t *strtab) at(off int) string {
	if !t.ready {
		t.ready = true
		for i := 0; i < len(t.s); i++ {
			if t.term(t.s[i]) {
				t.ends = append(t.ends, int32(i))
			}
		}
	}
	i, _ := slices.BinarySearch(t.ends, int32(off))
	if i == len(t.ends) {
		return t.s[off:]
	}
	return t.s[off:t.ends[i]]
}

func isNUL(c byte) bool { return c == 0 }

// GNU ends "//" entries with "/\n"; some COFF writers use NUL.
func isLongNameEnd(c byte) bool { return c == '\n' || c == 0 }
