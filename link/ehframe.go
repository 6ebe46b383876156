package link

import (
	"cmp"
	"debug/elf"
	"fmt"
	"slices"
	"sort"
)

// .eh_frame is parsed into CIEs and FDEs so that FDEs describing
// discarded code (COMDAT losers, --gc-sections victims) are dropped, and
// so .eh_frame_hdr can index every FDE kept.

type ehFrameSection struct {
	records []ehRecord
	size    uint64 // after dropping dead FDEs
}

type ehRecord struct {
	off, size uint64 // in the input section, length field included
	newOff    uint64
	cie       int // for an FDE, the index of its CIE record; -1 for a CIE
	live      bool
	pcRel     int // relocation index of the FDE's initial location, -1 if none
}

// parseEhFrames parses every live .eh_frame input section, in parallel over
// objects; errors are reported in input order.
func (ctx *Context) parseEhFrames() error {
	ctx.waitPrework()
	errs := make([][]error, len(ctx.objs))
	ctx.parallelFor(len(ctx.objs), func(k int) {
		for _, sec := range ctx.objs[k].Sections {
			if sec == nil || !sec.Live || !isEhFrame(sec) {
				continue
			}
			var eh *ehFrameSection
			var err error
			if p := sec.pre; p != nil && (p.eh != nil || p.ehErr != nil) {
				eh, err = p.eh, p.ehErr
			} else {
				eh, err = parseEhFrame(sec)
			}
			if err != nil {
				errs[k] = append(errs[k], fmt.Errorf("%s: %v", sec, err))
				continue
			}
			sec.eh = eh
		}
	})
	for _, objErrs := range errs {
		for _, err := range objErrs {
			ctx.errorf("%v", err)
		}
	}
	return ctx.checkpoint()
}

func parseEhFrame(sec *InputSection) (*ehFrameSection, error) {
	data := sec.Data
	nrels := sec.NumRels()
	// Every FDE has a relocation (its pc_begin): a bound on the records.
	eh := &ehFrameSection{records: make([]ehRecord, 0, nrels+2)}
	// The CIEs seen so far: few per section, and an FDE usually names the
	// latest, so a slice searched from the end beats a map.
	type cie struct {
		off uint64
		idx int
	}
	var cies []cie
	for i, prev := 0, uint64(0); i < nrels; i++ {
		off := sec.Rel(i).Off
		if off < prev {
			return nil, fmt.Errorf("relocations are not sorted by offset")
		}
		prev = off
	}
	ri := 0
	for off := uint64(0); off < uint64(len(data)); {
		if off+4 > uint64(len(data)) {
			return nil, fmt.Errorf("record at offset 0x%x is truncated", off)
		}
		length := uint64(le.Uint32(data[off:]))
		if length == 0 {
			// A terminator (crtend.o ends the section with one): keep it.
			eh.records = append(eh.records, ehRecord{off: off, size: 4, cie: -1, live: true, pcRel: -1})
			off += 4
			continue
		}
		if length == 0xffffffff {
			return nil, fmt.Errorf("record at offset 0x%x uses the 64-bit format, which is not supported", off)
		}
		end := off + 4 + length
		if end > uint64(len(data)) || length < 4 {
			return nil, fmt.Errorf("record at offset 0x%x (length 0x%x) runs past the section", off, length)
		}
		id := le.Uint32(data[off+4:])
		rec := ehRecord{off: off, size: 4 + length, cie: -1, live: true, pcRel: -1}
		if id == 0 {
			cies = append(cies, cie{off, len(eh.records)})
		} else {
			cieOff := off + 4 - uint64(id)
			k := len(cies) - 1
			for k >= 0 && cies[k].off != cieOff {
				k--
			}
			if k < 0 || uint64(id) > off+4 {
				return nil, fmt.Errorf("FDE at offset 0x%x points to no CIE", off)
			}
			rec.cie = cies[k].idx
			for ri < nrels && sec.Rel(ri).Off < off {
				ri++
			}
			if ri < nrels && sec.Rel(ri).Off == off+8 {
				rec.pcRel = ri
			}
		}
		eh.records = append(eh.records, rec)
		off = end
	}
	return eh, nil
}

// dropDeadFDEs marks FDEs whose function was discarded, and lays out what
// remains, in parallel over objects (each writes only its own records).
// Runs after COMDAT and --gc-sections decisions.
func (ctx *Context) dropDeadFDEs() {
	ctx.parallelFor(len(ctx.objs), func(k int) {
		obj := ctx.objs[k]
		for _, sec := range obj.Sections {
			if sec == nil || sec.eh == nil {
				continue
			}
			eh := sec.eh
			off := uint64(0)
			for i := range eh.records {
				rec := &eh.records[i]
				if rec.cie >= 0 {
					rec.live = false
					if rec.pcRel >= 0 {
						r := sec.Rel(rec.pcRel)
						if s := obj.Symbols[r.Sym]; s != nil && s.Sec != nil && s.Sec.Live {
							rec.live = true
						}
					}
				}
				if rec.live {
					rec.newOff = off
					off += rec.size
				}
			}
			eh.size = off
			sec.Size = off
		}
	})
}

// relLive reports whether the relocation at input offset off belongs to a
// kept record.
func (eh *ehFrameSection) relLive(off uint64) bool {
	rec := eh.recordAt(off)
	return rec != nil && rec.live
}

func (eh *ehFrameSection) recordAt(off uint64) *ehRecord {
	i := sort.Search(len(eh.records), func(i int) bool { return eh.records[i].off > off }) - 1
	if i < 0 {
		return nil
	}
	return &eh.records[i]
}

// mapOffset maps an input offset (a symbol such as __FRAME_END__) to the
// output offset within the section.
func (eh *ehFrameSection) mapOffset(off uint64) uint64 {
	if rec := eh.recordAt(off); rec != nil && rec.live {
		return rec.newOff + off - rec.off
	}
	return eh.size
}

// write copies the kept records, rewrites each FDE's CIE pointer for the
// new distances, and applies the records' relocations at their new places.
func (eh *ehFrameSection) write(ctx *Context, sec *InputSection, dst []byte) {
	for _, rec := range eh.records {
		if !rec.live {
			continue
		}
		copy(dst[rec.newOff:], sec.Data[rec.off:rec.off+rec.size])
		if rec.cie >= 0 {
			cie := eh.records[rec.cie]
			le.PutUint32(dst[rec.newOff+4:], uint32(rec.newOff+4-cie.newOff))
		}
	}
	for i := 0; i < sec.NumRels(); i++ {
		r := sec.Rel(i)
		rec := eh.recordAt(r.Off)
		if rec == nil || !rec.live {
			continue
		}
		ctx.applyReloc(sec, i, r, dst, rec.newOff+r.Off-rec.off)
	}
}

// ehFrameHdrSection is .eh_frame_hdr: a sorted table of (function start,
// FDE address) pairs the unwinder binary-searches (PT_GNU_EH_FRAME).
type ehFrameHdrSection struct {
	chunkHeader
	count int
}

func newEhFrameHdrSection() *ehFrameHdrSection {
	return &ehFrameHdrSection{chunkHeader: chunkHeader{Name: ".eh_frame_hdr", Type: elf.SHT_PROGBITS, Flags: elf.SHF_ALLOC, Align: 4}}
}

func (h *ehFrameHdrSection) updateSize(ctx *Context) {
	n := 0
	if ctx.ehFrame != nil {
		for _, m := range ctx.ehFrame.Members {
			if m.eh == nil {
				continue
			}
			for _, rec := range m.eh.records {
				if rec.live && rec.cie >= 0 && rec.pcRel >= 0 {
					n++
				}
			}
		}
	}
	h.count = n
	h.Size = 12 + uint64(n)*8
}

func (h *ehFrameHdrSection) write(ctx *Context, buf []byte) {
	type entry struct{ pc, fde uint64 }
	table := make([]entry, 0, h.count)
	for _, m := range ctx.ehFrame.Members {
		if m.eh == nil {
			continue
		}
		for _, rec := range m.eh.records {
			if !rec.live || rec.cie < 0 || rec.pcRel < 0 {
				continue
			}
			r := m.Rel(rec.pcRel)
			s := m.File.Symbols[r.Sym]
			pc := uint64(int64(s.Addr(ctx)) + r.Addend)
			table = append(table, entry{pc, m.Addr() + rec.newOff})
		}
	}
	// Each FDE has its own address: a total order, whatever the input order.
	slices.SortFunc(table, func(a, b entry) int { return cmp.Or(cmp.Compare(a.pc, b.pc), cmp.Compare(a.fde, b.fde)) })
	buf[0] = 1    // version
	buf[1] = 0x1b // eh_frame_ptr: pcrel | sdata4
	buf[2] = 0x03 // fde_count: udata4
	buf[3] = 0x3b // table: datarel | sdata4
	le.PutUint32(buf[4:], uint32(ctx.ehFrame.Addr-(h.Addr+4)))
	le.PutUint32(buf[8:], uint32(len(table)))
	for i, e := range table {
		le.PutUint32(buf[12+i*8:], uint32(e.pc-h.Addr))
		le.PutUint32(buf[16+i*8:], uint32(e.fde-h.Addr))
	}
}
