package link

import (
	"bytes"
	"debug/elf"
	"hash/maphash"
	"sort"
	"unsafe"
)

// SHF_MERGE sections (string literals, constants, .debug_str) are split
// into pieces and each distinct piece is written once per table. Symbols
// and relocations that point into such a section are remapped to the
// piece. Deduplication runs in parallel over hash shards; pieces are then
// laid out in order of first occurrence, so the output does not depend on
// the number of threads.

type mergeableSection struct {
	sec     *InputSection
	table   *mergedSection
	offsets []uint32 // start of each piece in the input section
	hashes  []uint64
	pieces  []*mergedPiece
}

type mergedPiece struct {
	data   []byte
	first  uint64 // (section index in table << 32 | piece index) of its first occurrence
	offset uint64 // in the table, once laid out
}

// mergeKey separates pieces that may not share a table: strings from
// constants, and entries of different sizes or alignments.
type mergeKey struct {
	out     *OutputSection
	entsize uint64
	strings bool
	align   uint64
}

// mergedSection is one table of distinct pieces within an output section.
type mergedSection struct {
	out      *OutputSection
	sections []*mergeableSection // in input order
	align    uint64
	holder   *InputSection // the synthetic section the pieces are written to
}

const mergeShards = 32

var mergeSeed = maphash.MakeSeed()

// splitMergeable splits every live SHF_MERGE input section into pieces and
// deduplicates them per table. Must run after createOutputSections.
func (ctx *Context) splitMergeable() error {
	tables := map[mergeKey]*mergedSection{}
	var order []*mergedSection
	var all []*mergeableSection
	for _, o := range ctx.outSecs {
		for _, sec := range o.Members {
			if sec.Flags&elf.SHF_MERGE == 0 || sec.Entsize == 0 || sec.Type == elf.SHT_NOBITS || sec.NumRels() > 0 {
				continue
			}
			key := mergeKey{o, sec.Entsize, sec.Flags&elf.SHF_STRINGS != 0, sec.Align}
			t := tables[key]
			if t == nil {
				t = &mergedSection{out: o, align: 1}
				tables[key] = t
				order = append(order, t)
			}
			m := &mergeableSection{sec: sec, table: t}
			t.sections = append(t.sections, m)
			t.align = max(t.align, sec.Align)
			sec.merge = m
			all = append(all, m)
		}
	}
	// Split and hash every section in parallel.
	errs := make([]error, len(all))
	ctx.parallelFor(len(all), func(i int) { errs[i] = all[i].split() })
	for i, err := range errs {
		if err != nil {
			ctx.errorf("%s: %v", all[i].sec, err)
		}
	}
	if err := ctx.checkpoint(); err != nil {
		return err
	}
	// Deduplicate: shard s owns the pieces whose hash falls in it, and
	// walks every table's sections in input order.
	ctx.parallelFor(mergeShards, func(s int) {
		for _, t := range order {
			seen := map[string]*mergedPiece{}
			for si, m := range t.sections {
				for pi, h := range m.hashes {
					if h%mergeShards != uint64(s) {
						continue
					}
					data := m.pieceData(pi)
					key := unsafe.String(unsafe.SliceData(data), len(data))
					p := seen[key]
					if p == nil {
						p = &mergedPiece{data: data, first: uint64(si)<<32 | uint64(pi)}
						seen[key] = p
					}
					m.pieces[pi] = p
				}
			}
		}
	})
	for _, t := range order {
		t.layout()
	}
	// Each table becomes one synthetic member; the split sections leave
	// the member list.
	holders := map[*OutputSection][]*InputSection{}
	for _, t := range order {
		holders[t.out] = append(holders[t.out], t.holder)
	}
	for _, o := range ctx.outSecs {
		hs := holders[o]
		if hs == nil {
			continue
		}
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
	return nil
}

// layout orders a table's distinct pieces by first occurrence and builds
// the section that holds them.
func (t *mergedSection) layout() {
	var uniq []*mergedPiece
	for si, m := range t.sections {
		for pi, p := range m.pieces {
			if p.first == uint64(si)<<32|uint64(pi) {
				uniq = append(uniq, p)
			}
		}
	}
	// Already in first-occurrence order: sections, then pieces, in order.
	size := uint64(0)
	for _, p := range uniq {
		p.offset = size
		size += uint64(len(p.data))
	}
	holder := &InputSection{Name: t.out.Name, Type: elf.SHT_PROGBITS, Flags: t.out.Flags, Align: t.align,
		Size: size, Live: true, Out: t.out, Data: make([]byte, size)}
	for _, p := range uniq {
		copy(holder.Data[p.offset:], p.data)
	}
	t.holder = holder
}

func (m *mergeableSection) pieceData(i int) []byte {
	end := len(m.sec.Data)
	if i+1 < len(m.offsets) {
		end = int(m.offsets[i+1])
	}
	return m.sec.Data[m.offsets[i]:end]
}

// split cuts the section into its pieces (NUL-terminated strings of the
// entry size for SHF_STRINGS, fixed-size entries otherwise) and hashes them.
func (m *mergeableSection) split() error {
	sec := m.sec
	data := sec.Data
	es := int(sec.Entsize)
	if sec.Flags&elf.SHF_STRINGS == 0 {
		if len(data)%es != 0 {
			return errorf("mergeable section size %d is not a multiple of its entry size %d", len(data), es)
		}
		for off := 0; off < len(data); off += es {
			m.offsets = append(m.offsets, uint32(off))
		}
	} else {
		for off := 0; off < len(data); {
			m.offsets = append(m.offsets, uint32(off))
			end := off
			if es == 1 {
				n := bytes.IndexByte(data[off:], 0)
				if n < 0 {
					return errorf("string in mergeable section at offset %d is not terminated", off)
				}
				end = off + n
			} else {
				for ; end+es <= len(data) && !allZero(data[end:end+es]); end += es {
				}
				if end+es > len(data) {
					return errorf("string in mergeable section at offset %d is not terminated", off)
				}
			}
			off = end + es
		}
	}
	m.hashes = make([]uint64, len(m.offsets))
	m.pieces = make([]*mergedPiece, len(m.offsets))
	for i := range m.offsets {
		m.hashes[i] = maphash.Bytes(mergeSeed, m.pieceData(i))
	}
	return nil
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
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
