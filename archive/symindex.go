package archive

import (
	"encoding/binary"
	"slices"
	"strings"
)

// indexMember is the undecoded symbol index, kept until the walk has seen
// every member header so its offsets can be mapped to member indices.
type indexMember struct {
	kind   memberKind
	offset int64 // header offset of the index member, for error messages
	body   []byte
}

// readIndex decodes the symbol index into a.Index.
func (a *Archive) readIndex(ix indexMember) error {
	switch ix.kind {
	case kindGNUIndex32:
		return a.readGNUIndex(ix.body, 4)
	case kindGNUIndex64:
		return a.readGNUIndex(ix.body, 8)
	case kindBSDIndex32:
		return a.readBSDIndex(ix.body, 4)
	case kindBSDIndex64:
		return a.readBSDIndex(ix.body, 8)
	}
	return nil
}

// readGNUIndex decodes the SysV/GNU index: a big-endian count N, N member
// header offsets, then N NUL-terminated names. w is the width of the count
// and offsets: 4 for "/", 8 for "/SYM64/".
func (a *Archive) readGNUIndex(body []byte, w int) error {
	if len(body) < w {
		return a.indexErr("too short (%d bytes)", len(body))
	}
	n := readUint(binary.BigEndian, body, w)
	// Bound the count by what fits in the member before allocating for it.
	if n > uint64(len(body)-w)/uint64(w) {
		return a.indexErr("count %d too large for a %d-byte index", n, len(body))
	}
	offs := body[w : w+int(n)*w]
	names := string(body[w+int(n)*w:]) // one allocation; every symbol name is a substring
	a.Index = make([]IndexEntry, 0, n)
	pos := 0
	for i := 0; i < int(n); i++ {
		if pos >= len(names) {
			return a.indexErr("count %d but only %d names", n, i)
		}
		name := names[pos:]
		if j := strings.IndexByte(name, 0); j >= 0 {
			name = name[:j]
			pos += j + 1
		} else {
			pos = len(names) // tolerate a last name that is not NUL terminated
		}
		if err := a.addSymbol(name, readUint(binary.BigEndian, offs[i*w:], w)); err != nil {
			return err
		}
	}
	return nil
}

// readBSDIndex decodes a BSD "__.SYMDEF" index:
//
//	ranlib_size            bytes of the ranlib array that follows
//	{ran_strx, ran_off}    name offset in the string table, member header offset
//	strtab_size
//	strtab                 NUL-terminated names
//
// Every field is w bytes (4, or 8 for "__.SYMDEF_64") in the byte order of
// the machine that wrote it, which the format does not record: try little
// endian (every current BSD/macOS target) first, then big endian, and take
// the first whose sizes are consistent with the member size.
func (a *Archive) readBSDIndex(body []byte, w int) error {
	var order binary.ByteOrder
	var ranSize, strSize uint64
	for _, o := range []binary.ByteOrder{binary.LittleEndian, binary.BigEndian} {
		if r, s, ok := bsdLayout(body, w, o); ok {
			order, ranSize, strSize = o, r, s
			break
		}
	}
	if order == nil {
		return a.indexErr("BSD index sizes do not fit its %d bytes", len(body))
	}
	ranlibs := body[w : w+int(ranSize)]
	strtab, ok := newStrtab(string(body[2*w+int(ranSize):2*w+int(ranSize)+int(strSize)]), isNUL)
	if !ok {
		return a.indexErr("string table of %d bytes is too large", strSize)
	}
	n := len(ranlibs) / (2 * w)
	a.Index = make([]IndexEntry, 0, n)
	// Entries may share or overlap names in the string table, so n lookups
	// of a huge unterminated name would hash gigabytes. Real writers store
	// each name once per entry; allow that plus generous slack.
	budget := 4*uint64(len(body)) + 1<<20
	for i := 0; i < n; i++ {
		e := ranlibs[i*2*w:]
		strx := readUint(order, e, w)
		if strx >= uint64(len(strtab.s)) {
			return a.indexErr("name offset %d past end of string table (%d bytes)", strx, len(strtab.s))
		}
		name := strtab.at(int(strx))
		if uint64(len(name)) > budget {
			return a.indexErr("names overlap: more name bytes than a %d-byte index can hold", len(body))
		}
		budget -= uint64(len(name))
		if err := a.addSymbol(name, readUint(order, e[w:], w)); err != nil {
			return err
		}
	}
	return nil
}

// bsdLayout checks the two size fields of a BSD index under one byte order.
func bsdLayout(body []byte, w int, o binary.ByteOrder) (ranSize, strSize uint64, ok bool) {
	if len(body) < 2*w {
		return 0, 0, false
	}
	room := uint64(len(body) - 2*w)
	ranSize = readUint(o, body, w)
	if ranSize%uint64(2*w) != 0 || ranSize > room {
		return 0, 0, false
	}
	strSize = readUint(o, body[w+int(ranSize):], w)
	if strSize > room-ranSize {
		return 0, 0, false
	}
	return ranSize, strSize, true
}

func readUint(o binary.ByteOrder, b []byte, w int) uint64 {
	if w == 4 {
		return uint64(o.Uint32(b))
	}
	return o.Uint64(b)
}

// addSymbol maps the member header offset off to a member index and records
// the index entry. Consecutive entries usually name the same member, so the
// last lookup is tried first.
func (a *Archive) addSymbol(name string, off uint64) error {
	if k := len(a.Index); k > 0 && uint64(a.Members[a.Index[k-1].Member].Offset) == off {
		a.Index = append(a.Index, IndexEntry{name, a.Index[k-1].Member})
		return nil
	}
	idx, ok := a.memberAt(off)
	if !ok {
		return a.indexErr("names offset %#x which is no member header (symbol %q)", off, name)
	}
	a.Index = append(a.Index, IndexEntry{name, idx})
	return nil
}

// symbolMap builds Archive.Symbols from the index. Most names have one
// definition, so their one-element slices are carved from a single backing
// array instead of one allocation each; the capacity limit makes a second
// definition reallocate rather than overwrite the neighbour. The lists end
// in archive order without duplicates: GNU indexes are already in archive
// order, a BSD "SORTED" index is in name order, and sorting once at the
// end, rather than inserting in place, keeps hostile input from going
// quadratic.
func symbolMap(index []IndexEntry) map[string][]int {
	m := make(map[string][]int, len(index))
	backing := make([]int, 0, len(index))
	var unsorted []string // names whose list got a definition out of archive order, maybe repeated
	for _, e := range index {
		list, ok := m[e.Name]
		if !ok {
			k := len(backing)
			backing = append(backing, e.Member)
			m[e.Name] = backing[k : k+1 : k+1]
			continue
		}
		last := list[len(list)-1]
		if e.Member == last {
			continue // the same member listed twice for one name
		}
		if e.Member < last {
			unsorted = append(unsorted, e.Name)
		}
		m[e.Name] = append(list, e.Member)
	}
	// A name can be queued many times; sort each list once.
	slices.Sort(unsorted)
	for _, name := range slices.Compact(unsorted) {
		list := m[name]
		slices.Sort(list)
		m[name] = slices.Compact(list)
	}
	return m
}

// memberAt finds the member whose header is at off. Members are in file
// order, so their offsets are sorted.
func (a *Archive) memberAt(off uint64) (int, bool) {
	i, found := slices.BinarySearchFunc(a.Members, off, func(m Member, t uint64) int {
		switch {
		case uint64(m.Offset) < t:
			return -1
		case uint64(m.Offset) > t:
			return 1
		}
		return 0
	})
	return i, found
}

func (a *Archive) indexErr(format string, args ...any) error {
	return errorf(a.Path, -1, "symbol index "+format, args...)
}
