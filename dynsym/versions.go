package dynsym

import (
	"debug/elf"
	"encoding/binary"
	"fmt"
)

// Version indexes as stored in .gnu.version (one uint16 per dynsym entry).
// debug/elf has elf.VersionIndex with Index/IsHidden methods and the
// VER_FLG_* flags (elf.VER_FLG_BASE, elf.VER_FLG_WEAK) but no names for
// these values.
const (
	VER_NDX_LOCAL  = 0      // symbol is local, not exported
	VER_NDX_GLOBAL = 1      // symbol is in the base (unversioned) definition
	VERSYM_HIDDEN  = 0x8000 // foo@V rather than foo@@V: not the default version
	VERSYM_VERSION = 0x7fff // mask of the index bits
)

// On-disk entry sizes (identical for ELFCLASS32 and ELFCLASS64).
const (
	verdefSize  = 20 // vd_version, vd_flags, vd_ndx, vd_cnt u16; vd_hash, vd_aux, vd_next u32
	verdauxSize = 8  // vda_name, vda_next u32
	verneedSize = 16 // vn_version, vn_cnt u16; vn_file, vn_aux, vn_next u32
	vernauxSize = 16 // vna_hash u32; vna_flags, vna_other u16; vna_name, vna_next u32
)

// Verdef is one entry of .gnu.version_d. The first entry of a section is
// the base version: Index VER_NDX_GLOBAL, Flags elf.VER_FLG_BASE and the
// soname (or output file name) as Name.
type Verdef struct {
	Index  uint16
	Flags  elf.DynamicVersionFlag
	Name   string
	Parent string // optional; written as a second Verdaux (VERS_2 { } VERS_1;)
}

// Verneed is one entry of .gnu.version_r: the versions needed from File,
// a DT_NEEDED soname.
type Verneed struct {
	File    string
	Vernaux []Vernaux
}

// Vernaux is one version needed from a Verneed's file; Index is the value
// that symbols bound to it carry in .gnu.version.
type Vernaux struct {
	Name  string
	Index uint16
	Weak  bool // VER_FLG_WEAK: a missing version is a warning, not an error
}

// BuildVerdef returns the .gnu.version_d contents, each Verdef followed by
// its Verdaux entries, and the entry count for DT_VERDEFNUM (and sh_info).
// Names go into strtab, which must become .dynstr.
func BuildVerdef(defs []Verdef, strtab *StringTable) (data []byte, num uint32) {
	le := binary.LittleEndian
	for i, d := range defs {
		cnt := 1
		if d.Parent != "" {
			cnt = 2
		}
		size := verdefSize + verdauxSize*cnt
		e := make([]byte, size)
		le.PutUint16(e[0:], 1) // vd_version
		le.PutUint16(e[2:], uint16(d.Flags))
		le.PutUint16(e[4:], d.Index)
		le.PutUint16(e[6:], uint16(cnt))
		le.PutUint32(e[8:], SysVHash(d.Name))
		le.PutUint32(e[12:], verdefSize) // vd_aux
		if i < len(defs)-1 {
			le.PutUint32(e[16:], uint32(size)) // vd_next
		}
		le.PutUint32(e[20:], strtab.Add(d.Name))
		if cnt == 2 {
			le.PutUint32(e[24:], verdauxSize) // vda_next
			le.PutUint32(e[28:], strtab.Add(d.Parent))
		}
		data = append(data, e...)
	}
	return data, uint32(len(defs))
}

// BuildVerneed returns the .gnu.version_r contents, each Verneed followed
// by its Vernaux entries, and the entry count for DT_VERNEEDNUM (and
// sh_info). Files with no Vernaux are dropped, as GNU ld does.
func BuildVerneed(needs []Verneed, strtab *StringTable) (data []byte, num uint32) {
	le := binary.LittleEndian
	var kept []Verneed
	for _, n := range needs {
		if len(n.Vernaux) > 0 {
			kept = append(kept, n)
		}
	}
	for i, n := range kept {
		size := verneedSize + vernauxSize*len(n.Vernaux)
		e := make([]byte, size)
		le.PutUint16(e[0:], 1) // vn_version
		le.PutUint16(e[2:], uint16(len(n.Vernaux)))
		le.PutUint32(e[4:], strtab.Add(n.File))
		le.PutUint32(e[8:], verneedSize) // vn_aux
		if i < len(kept)-1 {
			le.PutUint32(e[12:], uint32(size)) // vn_next
		}
		for j, a := range n.Vernaux {
			x := e[verneedSize+vernauxSize*j:]
			le.PutUint32(x[0:], SysVHash(a.Name))
			if a.Weak {
				le.PutUint16(x[4:], uint16(elf.VER_FLG_WEAK))
			}
			le.PutUint16(x[6:], a.Index)
			le.PutUint32(x[8:], strtab.Add(a.Name))
			if j < len(n.Vernaux)-1 {
				le.PutUint32(x[12:], vernauxSize) // vna_next
			}
		}
		data = append(data, e...)
	}
	return data, uint32(len(kept))
}

// span returns data[off:off+n] or false if that is out of range.
func span(data []byte, off uint64, n uint64) ([]byte, bool) {
	if off > uint64(len(data)) || n > uint64(len(data))-off {
		return nil, false
	}
	return data[off : off+n], true
}

// ParseVerdef reads count entries (DT_VERDEFNUM or sh_info) of a
// .gnu.version_d. The result is keyed by version index, so a .gnu.version
// value v resolves as defs[v&VERSYM_VERSION]; indexes without a definition
// (0 and any gaps) are zero Verdefs. Only the first parent is kept. The walk
// does exactly count steps, so a cyclic vd_next cannot loop forever.
func ParseVerdef(data []byte, strtab []byte, count int) ([]Verdef, error) {
	if count < 0 || count > len(data)/verdefSize {
		return nil, fmt.Errorf("verdef: count %d does not fit in %d bytes", count, len(data))
	}
	le := binary.LittleEndian
	var defs []Verdef
	off := uint64(0)
	for n := 0; n < count; n++ {
		e, ok := span(data, off, verdefSize)
		if !ok {
			return nil, fmt.Errorf("verdef: entry %d at offset %d out of range", n, off)
		}
		if v := le.Uint16(e[0:]); v != 1 {
			return nil, fmt.Errorf("verdef: entry %d has version %d, want 1", n, v)
		}
		// glibc masks vd_ndx with 0x7fff rather than rejecting the bit.
		d := Verdef{Flags: elf.DynamicVersionFlag(le.Uint16(e[2:])), Index: le.Uint16(e[4:]) & VERSYM_VERSION}
		cnt := le.Uint16(e[6:])
		if d.Index == 0 {
			return nil, fmt.Errorf("verdef: entry %d has bad index %d", n, d.Index)
		}
		if cnt == 0 {
			return nil, fmt.Errorf("verdef: entry %d (index %d) has no name", n, d.Index)
		}
		aux := off + uint64(le.Uint32(e[12:]))
		for j := 0; j < int(cnt) && j < 2; j++ {
			a, ok := span(data, aux, verdauxSize)
			if !ok {
				return nil, fmt.Errorf("verdef: index %d: verdaux %d at offset %d out of range", d.Index, j, aux)
			}
			name, err := StringAt(strtab, le.Uint32(a[0:]))
			if err != nil {
				return nil, fmt.Errorf("verdef: index %d: name: %v", d.Index, err)
			}
			if j == 0 {
				d.Name = name
			} else {
				d.Parent = name
			}
			next := le.Uint32(a[4:])
			if next == 0 && j+1 < int(cnt) {
				return nil, fmt.Errorf("verdef: index %d: verdaux chain ends after %d of %d", d.Index, j+1, cnt)
			}
			aux += uint64(next)
		}
		if int(d.Index) >= len(defs) {
			defs = append(defs, make([]Verdef, int(d.Index)+1-len(defs))...)
		}
		if defs[d.Index].Index != 0 {
			return nil, fmt.Errorf("verdef: index %d defined twice", d.Index)
		}
		defs[d.Index] = d
		next := le.Uint32(e[16:])
		if next == 0 && n+1 < count {
			return nil, fmt.Errorf("verdef: chain ends after %d of %d entries", n+1, count)
		}
		off += uint64(next)
	}
	return defs, nil
}

// ParseVerneed reads count entries (DT_VERNEEDNUM or sh_info) of a
// .gnu.version_r, in file order. Like ParseVerdef, every chain walk is
// bounded by its declared count.
func ParseVerneed(data []byte, strtab []byte, count int) ([]Verneed, error) {
	if count < 0 || count > len(data)/verneedSize {
		return nil, fmt.Errorf("verneed: count %d does not fit in %d bytes", count, len(data))
	}
	le := binary.LittleEndian
	needs := make([]Verneed, 0, count)
	off := uint64(0)
	for n := 0; n < count; n++ {
		e, ok := span(data, off, verneedSize)
		if !ok {
			return nil, fmt.Errorf("verneed: entry %d at offset %d out of range", n, off)
		}
		if v := le.Uint16(e[0:]); v != 1 {
			return nil, fmt.Errorf("verneed: entry %d has version %d, want 1", n, v)
		}
		file, err := StringAt(strtab, le.Uint32(e[4:]))
		if err != nil {
			return nil, fmt.Errorf("verneed: entry %d file: %v", n, err)
		}
		cnt := int(le.Uint16(e[2:]))
		// Each vernaux takes 16 bytes, which bounds a believable count and
		// keeps a hostile vn_cnt from sizing a large allocation.
		if cnt > len(data)/vernauxSize {
			return nil, fmt.Errorf("verneed: %s: %d vernaux do not fit in %d bytes", file, cnt, len(data))
		}
		vn := Verneed{File: file, Vernaux: make([]Vernaux, 0, cnt)}
		aux := off + uint64(le.Uint32(e[8:]))
		for j := 0; j < cnt; j++ {
			a, ok := span(data, aux, vernauxSize)
			if !ok {
				return nil, fmt.Errorf("verneed: %s: vernaux %d at offset %d out of range", file, j, aux)
			}
			name, err := StringAt(strtab, le.Uint32(a[8:]))
			if err != nil {
				return nil, fmt.Errorf("verneed: %s: vernaux %d name: %v", file, j, err)
			}
			vn.Vernaux = append(vn.Vernaux, Vernaux{
				Name:  name,
				Index: le.Uint16(a[6:]) & VERSYM_VERSION, // as glibc reads vna_other
				Weak:  elf.DynamicVersionFlag(le.Uint16(a[4:]))&elf.VER_FLG_WEAK != 0,
			})
			next := le.Uint32(a[12:])
			if next == 0 && j+1 < cnt {
				return nil, fmt.Errorf("verneed: %s: vernaux chain ends after %d of %d", file, j+1, cnt)
			}
			aux += uint64(next)
		}
		needs = append(needs, vn)
		next := le.Uint32(e[12:])
		if next == 0 && n+1 < count {
			return nil, fmt.Errorf("verneed: chain ends after %d of %d entries", n+1, count)
		}
		off += uint64(next)
	}
	return needs, nil
}
