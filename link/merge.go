package link

import (
	"bytes"
	"debug/elf"
	"sort"
)

// SHF_MERGE sections (string literals, constants) are split into pieces
// and each distinct piece is written once per output section. Symbols and
// relocations that point into such a section are remapped to the piece.

type mergeableSection struct {
	sec     *InputSection
	table   *mergedSection
	offsets []uint32 // start of each piece in the input section
	pieces  []*mergedPiece
}

type mergedPiece struct {
	data   []byte
	offset uint64 // in the output section, once laid out
}

// mergeKey separates pieces that may not share a table: strings from
// constants, and entries of different sizes or alignments.
type mergeKey struct {
	out     *OutputSection
	entsize uint64
	strings bool
	align   uint64
}

// mergedSection collects the distinct pieces of one kind within an output
// section.
type mergedSection struct {
	out    *OutputSection
	pieces map[string]*mergedPiece
	order  []*mergedPiece
	align  uint64
	holder *InputSection // the synthetic section the pieces are written to
}

// splitMergeable splits every live SHF_MERGE input section into pieces and
// deduplicates them per output section. Must run after createOutputSections.
func (ctx *Context) splitMergeable() error {
	merged := map[mergeKey]*mergedSection{}
	var outs []*mergedSection
	for _, o := range ctx.outSecs {
		for _, sec := range o.Members {
			if sec.Flags&elf.SHF_MERGE == 0 || sec.Entsize == 0 || sec.Type == elf.SHT_NOBITS || sec.NumRels() > 0 {
				continue
			}
			key := mergeKey{o, sec.Entsize, sec.Flags&elf.SHF_STRINGS != 0, sec.Align}
			ms := merged[key]
			if ms == nil {
				ms = &mergedSection{out: o, pieces: map[string]*mergedPiece{}, align: 1}
				merged[key] = ms
				outs = append(outs, ms)
			}
			m, err := split(sec)
			if err != nil {
				ctx.errorf("%s: %v", sec, err)
				continue
			}
			for i, off := range m.offsets {
				end := uint64(len(sec.Data))
				if i+1 < len(m.offsets) {
					end = uint64(m.offsets[i+1])
				}
				data := sec.Data[off:end]
				p := ms.pieces[string(data)]
				if p == nil {
					p = &mergedPiece{data: data}
					ms.pieces[string(data)] = p
					ms.order = append(ms.order, p)
				}
				m.pieces = append(m.pieces, p)
			}
			ms.align = max(ms.align, sec.Align)
			sec.merge = m
			m.table = ms
		}
	}
	// Each table becomes one synthetic member holding its distinct pieces
	// in first-seen order; the split sections leave the member list.
	holders := map[*OutputSection][]*InputSection{}
	for _, ms := range outs {
		off := uint64(0)
		for _, p := range ms.order {
			p.offset = off
			off += uint64(len(p.data))
		}
		holder := &InputSection{Name: ms.out.Name, Type: elf.SHT_PROGBITS, Flags: ms.out.Flags, Align: ms.align,
			Size: off, Live: true, Out: ms.out}
		holder.Data = make([]byte, off)
		for _, p := range ms.order {
			copy(holder.Data[p.offset:], p.data)
		}
		ms.holder = holder
		holders[ms.out] = append(holders[ms.out], holder)
	}
	for o, hs := range holders {
		var keep []*InputSection
		for _, m := range o.Members {
			if m.merge == nil {
				keep = append(keep, m)
			} else {
				m.mergeHolder = m.merge.table.holder
			}
		}
		o.Members = append(hs, keep...)
	}
	return ctx.checkpoint()
}

// split cuts a mergeable section into its pieces: NUL-terminated strings
// of the entry size for SHF_STRINGS, fixed-size entries otherwise.
func split(sec *InputSection) (*mergeableSection, error) {
	m := &mergeableSection{sec: sec}
	data := sec.Data
	es := int(sec.Entsize)
	if sec.Flags&elf.SHF_STRINGS == 0 {
		if len(data)%es != 0 {
			return nil, errorf("mergeable section size %d is not a multiple of its entry size %d", len(data), es)
		}
		for off := 0; off < len(data); off += es {
			m.offsets = append(m.offsets, uint32(off))
		}
		return m, nil
	}
	zero := make([]byte, es)
	for off := 0; off < len(data); {
		m.offsets = append(m.offsets, uint32(off))
		end := off
		for ; end+es <= len(data); end += es {
			if bytes.Equal(data[end:end+es], zero) {
				break
			}
		}
		if end+es > len(data) {
			return nil, errorf("string in mergeable section at offset %d is not terminated", off)
		}
		off = end + es
	}
	return m, nil
}

// pieceAt finds the piece holding input offset off.
func (m *mergeableSection) pieceAt(off uint64) (int, bool) {
	i := sort.Search(len(m.offsets), func(i int) bool { return uint64(m.offsets[i]) > off }) - 1
	if i < 0 {
		return 0, false
	}
	return i, true
}

// addrOf maps an input offset of the section to its output address.
func (m *mergeableSection) addrOf(off uint64) uint64 {
	i, ok := m.pieceAt(off)
	if !ok {
		return m.sec.mergeHolder.Addr()
	}
	return m.sec.mergeHolder.Addr() + m.pieces[i].offset + (off - uint64(m.offsets[i]))
}
