package link

import (
	"debug/elf"
)

// ehdrChunk is the ELF header.
type ehdrChunk struct{ chunkHeader }

func (h *ehdrChunk) updateSize(ctx *Context) { h.Size = ehdrSize }

func (h *ehdrChunk) write(ctx *Context, buf []byte) {
	copy(buf, elf.ELFMAG)
	buf[elf.EI_CLASS] = byte(elf.ELFCLASS64)
	buf[elf.EI_DATA] = byte(elf.ELFDATA2LSB)
	buf[elf.EI_VERSION] = byte(elf.EV_CURRENT)
	buf[elf.EI_OSABI] = byte(elf.ELFOSABI_NONE)
	if ctx.hasGnuUnique || ctx.hasIfunc {
		buf[elf.EI_OSABI] = byte(elf.ELFOSABI_LINUX)
	}
	typ := elf.ET_DYN
	if ctx.Cfg.Kind == OutputExec || ctx.Cfg.Kind == OutputStaticExec {
		typ = elf.ET_EXEC
	}
	le.PutUint16(buf[16:], uint16(typ))
	le.PutUint16(buf[18:], uint16(elf.EM_X86_64))
	le.PutUint32(buf[20:], uint32(elf.EV_CURRENT))
	le.PutUint64(buf[24:], ctx.entryAddr())
	le.PutUint64(buf[32:], ctx.phdrs.Offset)
	le.PutUint64(buf[40:], ctx.shdrOffset)
	le.PutUint16(buf[52:], ehdrSize)
	le.PutUint16(buf[54:], phdrSize)
	le.PutUint16(buf[56:], uint16(len(ctx.segments)))
	le.PutUint16(buf[58:], shdrSize)
	le.PutUint16(buf[60:], uint16(ctx.numSections))
	le.PutUint16(buf[62:], uint16(ctx.shstrtab.Shndx))
}

// phdrChunk is the program header table.
type phdrChunk struct{ chunkHeader }

func (p *phdrChunk) updateSize(ctx *Context) { p.Size = uint64(len(ctx.segments)) * phdrSize }

func (p *phdrChunk) write(ctx *Context, buf []byte) {
	for i, s := range ctx.segments {
		e := buf[i*phdrSize:]
		le.PutUint32(e, uint32(s.typ))
		le.PutUint32(e[4:], uint32(s.flags))
		le.PutUint64(e[8:], s.offset)
		le.PutUint64(e[16:], s.vaddr)
		le.PutUint64(e[24:], s.vaddr)
		le.PutUint64(e[32:], s.filesz)
		le.PutUint64(e[40:], s.memsz)
		le.PutUint64(e[48:], s.align)
	}
}

// buildIDSection is .note.gnu.build-id; the hash of the whole output is
// written last, over a file whose build-id bytes are still zero.
type buildIDSection struct {
	chunkHeader
	descSize int
}

func newBuildIDSection(style string) *buildIDSection {
	n := 20 // sha1 (ld's default style) and fast, both tree hashes
	switch style {
	case "md5", "uuid":
		n = 16
	}
	if len(style) > 2 && style[:2] == "0x" {
		n = (len(style) - 2) / 2
	}
	return &buildIDSection{chunkHeader: chunkHeader{Name: ".note.gnu.build-id", Type: elf.SHT_NOTE, Flags: elf.SHF_ALLOC, Align: 4}, descSize: n}
}

func (b *buildIDSection) updateSize(ctx *Context) { b.Size = 16 + uint64(b.descSize) }

func (b *buildIDSection) write(ctx *Context, buf []byte) {
	le.PutUint32(buf, 4)
	le.PutUint32(buf[4:], uint32(b.descSize))
	le.PutUint32(buf[8:], ntGNUBuildID)
	copy(buf[12:], "GNU\x00")
}

// propertySection is .note.gnu.property with the x86 feature bits every
// input agrees on (GNU_PROPERTY_X86_FEATURE_1_AND).
type propertySection struct {
	chunkHeader
	features uint32
}

func newPropertySection(features uint32) *propertySection {
	return &propertySection{chunkHeader: chunkHeader{Name: ".note.gnu.property", Type: elf.SHT_NOTE, Flags: elf.SHF_ALLOC, Align: 8}, features: features}
}

func (p *propertySection) updateSize(ctx *Context) { p.Size = 32 }

func (p *propertySection) write(ctx *Context, buf []byte) {
	le.PutUint32(buf, 4)
	le.PutUint32(buf[4:], 16)
	le.PutUint32(buf[8:], ntGNUPropertyType0)
	copy(buf[12:], "GNU\x00")
	le.PutUint32(buf[16:], gnuPropertyX86Feature1And)
	le.PutUint32(buf[20:], 4)
	features := p.features
	if len(ctx.plt.syms) > 0 {
		// The PLT entries do not start with endbr64: an indirect branch
		// to one would fault under IBT.
		features &^= gnuPropertyX86FeatureIBT
	}
	le.PutUint32(buf[24:], features)
}

const gnuPropertyX86FeatureIBT = 1

// copyRelSection holds the data copied into an executable (or, for the
// PIE-model archives gshared accepts, a shared object) by R_X86_64_COPY:
// .bss space named after the shared library's symbol.
type copyRelSection struct {
	chunkHeader
	syms []*Symbol
	offs []uint64
}

func newCopyRelSection() *copyRelSection {
	return &copyRelSection{chunkHeader: chunkHeader{Name: ".bss.rel.ro", Type: elf.SHT_NOBITS,
		Flags: elf.SHF_ALLOC | elf.SHF_WRITE, Align: 8}}
}

func (c *copyRelSection) add(s *Symbol) {
	for _, o := range c.syms {
		if o == s {
			return
		}
	}
	c.syms = append(c.syms, s)
	s.copyRel = true
}

func (c *copyRelSection) updateSize(ctx *Context) {
	off := uint64(0)
	c.offs = c.offs[:0]
	for _, s := range c.syms {
		a := uint64(8)
		if s.Size >= 16 {
			a = 16
		}
		c.Align = max(c.Align, a)
		off = align(off, a)
		c.offs = append(c.offs, off)
		off += max(s.Size, 1)
	}
	c.Size = off
}

// markAliases makes the other names of copied data (environ for
// __environ: same library, same address) follow the copy.
func (c *copyRelSection) markAliases(ctx *Context) {
	for _, s := range ctx.symbolOrder {
		if s.Shared == nil || s.copyRel || s.Type != elf.STT_OBJECT {
			continue
		}
		for _, c2 := range c.syms {
			if c2.Shared == s.Shared && c2.Value == s.Value {
				s.copyRel = true
				s.rareFields().aliasOf = c2
			}
		}
	}
}

// assignAddrs gives each copied symbol, and its aliases, its address.
func (c *copyRelSection) assignAddrs(ctx *Context) {
	for i, s := range c.syms {
		s.rareFields().copyAddr = c.Addr + c.offs[i]
	}
	for _, s := range ctx.symbolOrder {
		if a := s.aliasOf(); a != nil {
			s.rareFields().copyAddr = a.copyAddr()
		}
	}
}

func (c *copyRelSection) write(ctx *Context, buf []byte) {
	for _, s := range c.syms {
		ctx.relaDyn.add(s.copyAddr(), elf.R_X86_64_COPY, s, 0)
	}
}
