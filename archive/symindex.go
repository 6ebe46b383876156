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

// readIndex decodes the symbol index into a.Symbols.
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
	s := newSymbolTable(int(n))
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
		if err := a.addSymbol(s, name, readUint(binary.BigEndian, offs[i*w:], w)); err != nil {
			return err
		}
	}
	a.Symbols = s.done()
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
	s := newSymbolTable(n)
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
		if err := a.addSymbol(s, name, readUint(order, e[w:], w)); err != nil {
			return err
		}
	}
	a.Symbols = s.done()
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

// symbolTable builds Archive.Symbols. Most names have one definition, so
// their one-element slices are carved from a single backing array instead
// of one allocation each; the capacity limit makes a second definition
// reallocate rather than overwrite the neighbour.
type symbolTable struct {
	m        map[string][]int
	backing  []int
	unsorted []string // names whose list got a definition out of archive order, maybe repeated
}

func newSymbolTable(n int) *symbolTable {
	return &symbolTable{m: make(map[string][]int, n), backing: make([]int, 0, n)}
}

// addSymbol maps the member header offset off to a member index and records
// it under name.
func (a *Archive) addSymbol(s *symbolTable, name string, off uint64) error {
	idx, ok := a.memberAt(off)
	if !ok {
		return a.indexErr("names offset %#x which is no member header (symbol %q)", off, name)
	}
	list, ok := s.m[name]
	if !ok {
		k := len(s.backing)
		s.backing = append(s.backing, idx)
		s.m[name] = s.backing[k : k+1 : k+1]
		return nil
	}
	last := list[len(list)-1]
	if idx == last {
		return nil // the same member listed twice for one name
	}
	if idx < last {
		s.unsorted = append(s.unsorted, name)
	}
	s.m[name] = append(list, idx)
	return nil
}

// done puts every list in archive order without duplicates, so [0] is the
// first definition (the one a linker pulls in). GNU indexes are already in
// archive order; a BSD "SORTED" index is in name order. Sorting once at the
// end, rather than inserting in place, keeps hostile input from going
// quadratic.
func (s *symbolTable) done() map[string][]int {
	// A name can be queued many times; sort each list once.
	slices.Sort(s.unsorted)
	for _, name := range slices.Compact(s.unsorted) {
		list := s.m[name]
		slices.Sort(list)
		s.m[name] = slices.Compact(list)
	}
	return s.m
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
