package link

import (
	"debug/elf"

	"gold/pic"
)

// gotSection is .got: one slot per symbol whose address is loaded through
// the GOT, two per TLS general-dynamic or TLSDESC access, one per
// initial-exec TP offset, and one module pair for local-dynamic TLS.
type gotSection struct {
	chunkHeader
	slots     []gotSlot
	needTLSLD bool
	tlsldIdx  int32
}

type gotSlotKind uint8

const (
	gotAddr    gotSlotKind = iota // the symbol's address
	gotTP                         // the symbol's offset from the thread pointer
	gotTLSGD                      // module id, then offset within the module (2 slots)
	gotTLSDesc                    // TLS descriptor: function, argument (2 slots)
	gotTLSLD                      // module id of this object, then 0 (2 slots)
)

type gotSlot struct {
	kind gotSlotKind
	sym  *Symbol
}

func newGotSection() *gotSection {
	return &gotSection{chunkHeader: chunkHeader{Name: ".got", Type: elf.SHT_PROGBITS,
		Flags: elf.SHF_ALLOC | elf.SHF_WRITE, Align: 8, Entsize: 8}, tlsldIdx: -1}
}

func (g *gotSection) add(kind gotSlotKind, s *Symbol) int32 {
	idx := int32(len(g.slots))
	g.slots = append(g.slots, gotSlot{kind, s})
	if kind == gotTLSGD || kind == gotTLSDesc || kind == gotTLSLD {
		g.slots = append(g.slots, gotSlot{kind, nil}) // second half of the pair
	}
	return idx
}

func (g *gotSection) slotAddr(i int32) uint64 { return g.Addr + uint64(i)*8 }

func (g *gotSection) updateSize(ctx *Context) { g.Size = uint64(len(g.slots)) * 8 }

// numDynRelocs counts the dynamic relocations the GOT needs, by kind.
func (g *gotSection) numDynRelocs(ctx *Context) (relative, other int) {
	for i := 0; i < len(g.slots); i++ {
		r, o := ctx.gotSlotRelocs(g.slots[i])
		relative += r
		other += o
		if g.slots[i].kind != gotAddr && g.slots[i].kind != gotTP {
			i++ // the second slot of a pair
		}
	}
	return
}

func (g *gotSection) write(ctx *Context, buf []byte) {
	for i := 0; i < len(g.slots); i++ {
		sl := g.slots[i]
		addr := g.slotAddr(int32(i))
		s := sl.sym
		switch sl.kind {
		case gotAddr:
			ctx.writeGotAddr(buf[i*8:], addr, s)
		case gotTP:
			if ctx.Cfg.Kind == OutputShared || s.Imported || s.Preemptible {
				if s.Imported || s.Preemptible {
					ctx.relaDyn.add(addr, elf.R_X86_64_TPOFF64, s, 0)
				} else {
					ctx.relaDyn.add(addr, elf.R_X86_64_TPOFF64, nil, int64(s.Addr(ctx)-ctx.tlsStart))
				}
			} else {
				le.PutUint64(buf[i*8:], uint64(ctx.tpOffset(s.Addr(ctx))))
			}
		case gotTLSGD:
			if s.Imported || s.Preemptible {
				ctx.relaDyn.add(addr, elf.R_X86_64_DTPMOD64, s, 0)
				ctx.relaDyn.add(addr+8, elf.R_X86_64_DTPOFF64, s, 0)
			} else if ctx.Cfg.Kind == OutputShared {
				ctx.relaDyn.add(addr, elf.R_X86_64_DTPMOD64, nil, 0)
				le.PutUint64(buf[i*8+8:], s.Addr(ctx)-ctx.tlsStart)
			} else {
				// An executable is module 1 and knows its offsets.
				le.PutUint64(buf[i*8:], 1)
				le.PutUint64(buf[i*8+8:], s.Addr(ctx)-ctx.tlsStart)
			}
			i++
		case gotTLSDesc:
			if s.Imported || s.Preemptible {
				ctx.relaDyn.add(addr, elf.R_X86_64_TLSDESC, s, 0)
			} else {
				ctx.relaDyn.add(addr, elf.R_X86_64_TLSDESC, nil, int64(s.Addr(ctx)-ctx.tlsStart))
			}
			i++
		case gotTLSLD:
			if ctx.Cfg.Kind == OutputShared {
				ctx.relaDyn.add(addr, elf.R_X86_64_DTPMOD64, nil, 0)
			} else {
				le.PutUint64(buf[i*8:], 1)
			}
			i++
		}
	}
}

// gotSlotRelocs is the number of (relative, other) dynamic relocations a
// GOT slot emits; it must agree with write.
func (ctx *Context) gotSlotRelocs(sl gotSlot) (int, int) {
	s := sl.sym
	shared := ctx.Cfg.Kind == OutputShared
	switch sl.kind {
	case gotAddr:
		switch {
		case s.Imported || s.Preemptible:
			return 0, 1
		case s.Type == elf.STT_GNU_IFUNC && !s.canonicalPLT:
			return 0, 1
		case ctx.Cfg.Kind.IsPIC() && ctx.target(s) != pic.Absolute:
			return 1, 0
		}
	case gotTP:
		if shared || s.Imported || s.Preemptible {
			return 0, 1
		}
	case gotTLSGD:
		if s.Imported || s.Preemptible {
			return 0, 2
		}
		if shared {
			return 0, 1
		}
	case gotTLSDesc:
		return 0, 1
	case gotTLSLD:
		if shared {
			return 0, 1
		}
	}
	return 0, 0
}

// writeGotAddr fills a GOT slot holding a symbol's address.
func (ctx *Context) writeGotAddr(dst []byte, addr uint64, s *Symbol) {
	switch {
	case s.Imported || s.Preemptible:
		ctx.relaDyn.add(addr, elf.R_X86_64_GLOB_DAT, s, 0)
	case s.Type == elf.STT_GNU_IFUNC && !s.canonicalPLT:
		if ctx.isStatic() {
			// No loader: the start code applies __rela_iplt_start..end.
			ctx.relaPlt.addExtra(addr, elf.R_X86_64_IRELATIVE, nil, int64(s.defAddr(ctx)))
			return
		}
		ctx.relaDyn.add(addr, elf.R_X86_64_IRELATIVE, nil, int64(s.defAddr(ctx)))
	case ctx.Cfg.Kind.IsPIC() && ctx.target(s) != pic.Absolute:
		ctx.relaDyn.add(addr, elf.R_X86_64_RELATIVE, nil, int64(s.Addr(ctx)))
		le.PutUint64(dst, s.Addr(ctx))
	default:
		le.PutUint64(dst, s.Addr(ctx))
	}
}

// gotPltSection is .got.plt: three slots for the loader (_DYNAMIC, the
// link map, the resolver), then one per PLT entry, initially pointing back
// into the PLT entry so the first call goes to the lazy resolver.
type gotPltSection struct {
	chunkHeader
	needed bool
}

func newGotPltSection() *gotPltSection {
	return &gotPltSection{chunkHeader: chunkHeader{Name: ".got.plt", Type: elf.SHT_PROGBITS,
		Flags: elf.SHF_ALLOC | elf.SHF_WRITE, Align: 8, Entsize: 8}}
}

func (g *gotPltSection) updateSize(ctx *Context) {
	if !g.needed && len(ctx.plt.syms) == 0 {
		g.Size = 0
		return
	}
	g.Size = uint64(3+len(ctx.plt.syms)) * 8
}

func (g *gotPltSection) slotAddr(i int) uint64 { return g.Addr + uint64(3+i)*8 }

func (g *gotPltSection) write(ctx *Context, buf []byte) {
	if g.Size == 0 {
		return
	}
	if ctx.dynamic != nil {
		le.PutUint64(buf, ctx.dynamic.Addr)
	}
	for i, s := range ctx.plt.syms {
		slot := g.slotAddr(i)
		if s.Type == elf.STT_GNU_IFUNC && !s.Imported && !s.Preemptible {
			ctx.relaPlt.setPLT(i, slot, elf.R_X86_64_IRELATIVE, nil, int64(s.defAddr(ctx)))
			continue
		}
		// Lazy binding: jump back to the push in the PLT entry.
		le.PutUint64(buf[(3+i)*8:], ctx.plt.entryAddr(s)+6)
		ctx.relaPlt.setPLT(i, slot, elf.R_X86_64_JMP_SLOT, s, 0)
	}
}

// pltSection is .plt: PLT0, which pushes the link map and jumps to the
// loader's resolver, then one 16-byte entry per function called through
// the PLT (the classic lazy-binding layout of the x86-64 psABI).
type pltSection struct {
	chunkHeader
	syms []*Symbol
}

const pltEntrySize = 16

func newPltSection() *pltSection {
	return &pltSection{chunkHeader: chunkHeader{Name: ".plt", Type: elf.SHT_PROGBITS,
		Flags: elf.SHF_ALLOC | elf.SHF_EXECINSTR, Align: 16, Entsize: pltEntrySize}}
}

func (p *pltSection) add(s *Symbol) {
	s.PltIdx = int32(len(p.syms))
	p.syms = append(p.syms, s)
}

func (p *pltSection) entryAddr(s *Symbol) uint64 {
	return p.Addr + pltEntrySize*uint64(1+s.PltIdx)
}

func (p *pltSection) updateSize(ctx *Context) {
	if len(p.syms) == 0 {
		p.Size = 0
		return
	}
	p.Size = pltEntrySize * uint64(1+len(p.syms))
}

func (p *pltSection) write(ctx *Context, buf []byte) {
	if len(p.syms) == 0 {
		return
	}
	gotPlt := ctx.gotPlt.Addr
	// PLT0: pushq GOT+8(%rip); jmpq *GOT+16(%rip); nopl 0(%rax)
	copy(buf, []byte{0xff, 0x35, 0, 0, 0, 0, 0xff, 0x25, 0, 0, 0, 0, 0x0f, 0x1f, 0x40, 0x00})
	le.PutUint32(buf[2:], uint32(gotPlt+8-(p.Addr+6)))
	le.PutUint32(buf[8:], uint32(gotPlt+16-(p.Addr+12)))
	for i, s := range p.syms {
		e := buf[pltEntrySize*(1+i):]
		ent := p.entryAddr(s)
		// jmpq *slot(%rip); pushq $index; jmpq PLT0
		copy(e, []byte{0xff, 0x25, 0, 0, 0, 0, 0x68, 0, 0, 0, 0, 0xe9, 0, 0, 0, 0})
		le.PutUint32(e[2:], uint32(ctx.gotPlt.slotAddr(i)-(ent+6)))
		le.PutUint32(e[7:], uint32(i)) // .rela.plt is in PLT order
		le.PutUint32(e[12:], uint32(p.Addr-(ent+16)))
	}
}

// allocateGotPlt gives GOT slots and PLT entries to the symbols the scan
// marked, walking objects in input order so the layout is deterministic.
func (ctx *Context) allocateGotPlt() {
	for _, obj := range ctx.objs {
		for _, s := range obj.Symbols {
			if s == nil || s.flags == 0 || s.slotsAllocated {
				continue
			}
			s.slotsAllocated = true
			ctx.allocateSymbol(s)
		}
	}
	if ctx.got.needTLSLD {
		ctx.got.tlsldIdx = ctx.got.add(gotTLSLD, nil)
	}
}

func (ctx *Context) allocateSymbol(s *Symbol) {
	f := s.flags
	if f&needsGOT != 0 {
		s.GotIdx = ctx.got.add(gotAddr, s)
	}
	if f&needsPLT != 0 {
		ctx.plt.add(s)
		if f&needsCanonicalPLT != 0 && (s.Imported || s.Type == elf.STT_GNU_IFUNC) {
			s.canonicalPLT = true
		}
	}
	if f&needsGOTTP != 0 {
		s.GotTPIdx = ctx.got.add(gotTP, s)
	}
	if f&needsTLSGD != 0 {
		s.TLSGDIdx = ctx.got.add(gotTLSGD, s)
	}
	if f&needsTLSDesc != 0 {
		s.TLSDescIdx = ctx.got.add(gotTLSDesc, s)
	}
	if f&needsCopy != 0 && s.Shared != nil {
		ctx.copyBss.add(s)
	}
}
