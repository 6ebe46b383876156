package dynsym

import (
	"bytes"
	"errors"
	"slices"
	"strings"
)

// StringTable builds an ELF string table (.dynstr, .strtab). Offset 0 is
// the empty string, as the ELF spec requires, and every name is stored once
// so repeated names (a symbol and its version, a soname and DT_NEEDED) share
// their bytes. Offsets depend only on the order of Add calls, so output is
// deterministic.
type StringTable struct {
	buf  []byte
	offs map[string]uint32
}

// NewStringTable returns a table holding only the leading NUL.
func NewStringTable() *StringTable {
	return &StringTable{buf: []byte{0}, offs: map[string]uint32{"": 0}}
}

// Add returns the offset of s, appending it on first use. The zero value is
// usable: it gets its leading NUL on the first Add. s must not contain a NUL
// byte (ELF names are NUL-terminated), which is a caller bug and panics.
func (t *StringTable) Add(s string) uint32 {
	if t.offs == nil {
		t.buf = append(t.buf[:0], 0)
		t.offs = map[string]uint32{"": 0}
	}
	if off, ok := t.offs[s]; ok {
		return off
	}
	if strings.IndexByte(s, 0) >= 0 {
		panic("dynsym: string table entry contains NUL: " + s)
	}
	off := uint32(len(t.buf))
	t.buf = append(t.buf, s...)
	t.buf = append(t.buf, 0)
	t.offs[s] = off
	return off
}

// Grow makes room for n more bytes of names, so a caller that knows what it
// will add appends without reallocating.
func (t *StringTable) Grow(n int) { t.buf = slices.Grow(t.buf, n) }

// Append adds s without looking for an earlier copy, for names the caller
// knows to be distinct (dynamic symbol names): at 100,000 symbols the
// lookup map costs more than the few bytes a shared copy would save. A
// later Add of the same string stores it again.
func (t *StringTable) Append(s string) uint32 {
	if t.offs == nil {
		t.buf = append(t.buf[:0], 0)
		t.offs = map[string]uint32{"": 0}
	}
	if strings.IndexByte(s, 0) >= 0 {
		panic("dynsym: string table entry contains NUL: " + s)
	}
	off := uint32(len(t.buf))
	t.buf = append(append(t.buf, s...), 0)
	return off
}

// Bytes returns the table contents. The slice aliases the builder, so it
// is only valid until the next Add.
func (t *StringTable) Bytes() []byte {
	if t.offs == nil {
		return []byte{0}
	}
	return t.buf
}

// Len is the size in bytes (DT_STRSZ / sh_size).
func (t *StringTable) Len() int { return len(t.Bytes()) }

var errBadStrOff = errors.New("string offset out of range or not NUL-terminated")

// StringAt reads the NUL-terminated string at off in tab, the reader-side
// counterpart of Add used by the version and hash parsers.
func StringAt(tab []byte, off uint32) (string, error) {
	if uint64(off) >= uint64(len(tab)) {
		return "", errBadStrOff
	}
	n := bytes.IndexByte(tab[off:], 0)
	if n < 0 {
		return "", errBadStrOff
	}
	return string(tab[off : int(off)+n]), nil
}
