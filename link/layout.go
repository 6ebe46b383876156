package link

import (
	"debug/elf"
	"sort"
	"strings"
)

const pageSize = 0x1000

// segment is a program header and the chunks it covers.
type segment struct {
	typ    elf.ProgType
	flags  elf.ProgFlag
	chunks []chunk
	offset uint64
	vaddr  uint64
	filesz uint64
	memsz  uint64
	align  uint64
}

// Ranks place chunks in the order ld's default linker script does:
// read-only metadata, code, read-only data, RELRO data, data, bss, then
// the non-allocated sections.
const (
	rankEhdr = iota * 10
	rankPhdr
	rankInterp
	rankNote
	rankHash
	rankDynsym
	rankVersion
	rankRela
	rankInit
	rankPlt
	rankText
	rankFini
	rankRodata
	rankEhFrameHdr
	rankEhFrame
	rankROOther
	rankTData
	rankRelro
	rankDynamic
	rankGot
	rankGotPlt
	rankData
	rankBss
	rankNonAlloc
	rankSymtab
)

// chunkRank decides where a chunk goes.
func (ctx *Context) chunkRank(c chunk) int {
	h := c.header()
	switch c {
	case chunk(ctx.ehdr):
		return rankEhdr
	case chunk(ctx.phdrs):
		return rankPhdr
	}
	switch h.Name {
	case ".interp":
		return rankInterp
	case ".note.gnu.property":
		return rankNote
	case ".note.gnu.build-id":
		return rankNote + 1
	case ".hash":
		return rankHash
	case ".gnu.hash":
		return rankHash + 1
	case ".dynsym":
		return rankDynsym
	case ".dynstr":
		return rankDynsym + 1
	case ".gnu.version":
		return rankVersion
	case ".gnu.version_d":
		return rankVersion + 1
	case ".gnu.version_r":
		return rankVersion + 2
	case ".rela.dyn":
		return rankRela
	case ".rela.plt":
		return rankRela + 1
	case ".init":
		return rankInit
	case ".plt":
		return rankPlt
	case ".text":
		return rankText
	case ".fini":
		return rankFini
	case ".rodata":
		return rankRodata
	case ".eh_frame_hdr":
		return rankEhFrameHdr
	case ".eh_frame":
		return rankEhFrame
	case ".gcc_except_table":
		return rankEhFrame + 1
	case ".tdata":
		return rankTData
	case ".tbss":
		return rankTData + 1
	case ".preinit_array":
		return rankRelro
	case ".init_array":
		return rankRelro + 1
	case ".fini_array":
		return rankRelro + 2
	case ".data.rel.ro":
		return rankRelro + 3
	case ".dynamic":
		return rankDynamic
	case ".got":
		return rankGot
	case ".got.plt":
		if ctx.Cfg.ZNow && ctx.Cfg.ZRelro {
			return rankGot + 1
		}
		return rankGotPlt
	case ".data":
		return rankData
	case ".dynbss":
		return rankBss
	case ".bss":
		return rankBss + 1
	case ".symtab":
		return rankSymtab
	case ".strtab":
		return rankSymtab + 1
	case ".shstrtab":
		return rankSymtab + 2
	}
	switch {
	case !h.isAlloc():
		return rankNonAlloc
	case h.Type == elf.SHT_NOTE:
		return rankNote + 2
	case h.Flags&elf.SHF_TLS != 0:
		if h.isNobits() {
			return rankTData + 1
		}
		return rankTData
	case h.Flags&elf.SHF_EXECINSTR != 0:
		return rankText + 1
	case h.Flags&elf.SHF_WRITE == 0:
		return rankROOther
	case h.isNobits():
		return rankBss + 2
	case strings.HasPrefix(h.Name, ".data.rel.ro"):
		return rankRelro + 4
	}
	return rankData + 1
}

// isRelro reports whether a chunk is read-only after relocation.
func (ctx *Context) isRelro(c chunk) bool {
	if !ctx.Cfg.ZRelro {
		return false
	}
	r := ctx.chunkRank(c)
	return r >= rankTData && r < rankGotPlt
}

// sortChunks orders the chunks, drops the empty optional ones and numbers
// the sections.
func (ctx *Context) sortChunks() {
	var kept []chunk
	for _, c := range ctx.chunks {
		c.updateSize(ctx)
		h := c.header()
		if h.Size == 0 && c != chunk(ctx.ehdr) && c != chunk(ctx.dynamic) && c != chunk(ctx.shstrtab) &&
			c != chunk(ctx.phdrs) && c != chunk(ctx.strtab) && c != chunk(ctx.symtab) {
			if o, ok := c.(*OutputSection); !ok || len(o.Members) == 0 || h.isAlloc() {
				continue
			}
		}
		if c == chunk(ctx.dynamic) && ctx.dynamic == nil {
			continue
		}
		h.rank = ctx.chunkRank(c)
		kept = append(kept, c)
	}
	sort.SliceStable(kept, func(i, j int) bool { return kept[i].header().rank < kept[j].header().rank })
	ctx.chunks = kept
	n := 1
	for _, c := range ctx.chunks {
		h := c.header()
		if c == chunk(ctx.ehdr) || c == chunk(ctx.phdrs) {
			continue
		}
		h.Shndx = n
		n++
		h.nameOff = ctx.shstrtab.tab.Add(h.Name)
	}
	ctx.numSections = n
	ctx.shstrtab.updateSize(ctx) // the names were added just now
}

// segmentClass is the permission set of a loadable chunk.
func segmentClass(h *chunkHeader) elf.ProgFlag {
	f := elf.PF_R
	if h.Flags&elf.SHF_WRITE != 0 {
		f |= elf.PF_W
	}
	if h.Flags&elf.SHF_EXECINSTR != 0 {
		f |= elf.PF_X
	}
	return f
}

// loadFlags reports whether a chunk is loaded (allocated sections, and the
// ELF and program headers, which the first PT_LOAD maps) and with which
// permissions.
func (ctx *Context) loadFlags(c chunk) (elf.ProgFlag, bool) {
	h := c.header()
	switch {
	case h.isAlloc():
		return segmentClass(h), true
	case c == chunk(ctx.ehdr) || c == chunk(ctx.phdrs):
		return elf.PF_R, true
	}
	return 0, false
}

// planSegments decides the program headers; addresses come later.
func (ctx *Context) planSegments() {
	cfg := ctx.Cfg
	var segs []*segment
	add := func(t elf.ProgType, f elf.ProgFlag, align uint64, cs ...chunk) *segment {
		s := &segment{typ: t, flags: f, chunks: cs, align: align}
		segs = append(segs, s)
		return s
	}
	if ctx.interp != nil {
		add(elf.PT_PHDR, elf.PF_R, 8, ctx.phdrs)
		add(elf.PT_INTERP, elf.PF_R, 1, ctx.interp)
	}
	var load *segment
	for _, c := range ctx.chunks {
		f, loadable := ctx.loadFlags(c)
		if !loadable {
			continue
		}
		if load == nil || load.flags != f {
			load = add(elf.PT_LOAD, f, pageSize)
		}
		load.chunks = append(load.chunks, c)
	}
	if ctx.tlsChunks() != nil {
		add(elf.PT_TLS, elf.PF_R, 1, ctx.tlsChunks()...)
	}
	if ctx.dynamic != nil {
		add(elf.PT_DYNAMIC, elf.PF_R|elf.PF_W, 8, ctx.dynamic)
	}
	// One PT_NOTE per run of notes with the same alignment, as ld does.
	var note *segment
	for _, c := range ctx.chunks {
		h := c.header()
		if h.Type != elf.SHT_NOTE || !h.isAlloc() {
			note = nil
			continue
		}
		if note == nil || note.align != h.Align {
			note = add(elf.PT_NOTE, elf.PF_R, h.Align)
		}
		note.chunks = append(note.chunks, c)
	}
	if ctx.property != nil {
		add(elf.PT_GNU_PROPERTY, elf.PF_R, 8, ctx.property)
	}
	if ctx.ehHdr != nil {
		add(elf.PT_GNU_EH_FRAME, elf.PF_R, 4, ctx.ehHdr)
	}
	stack := elf.PF_R | elf.PF_W
	if cfg.ZExecStack {
		stack |= elf.PF_X
	}
	add(elf.PT_GNU_STACK, stack, 16)
	var relro []chunk
	for _, c := range ctx.chunks {
		if ctx.isRelro(c) && c.header().isAlloc() {
			relro = append(relro, c)
		}
	}
	if len(relro) > 0 {
		add(elf.PT_GNU_RELRO, elf.PF_R, 1, relro...)
	}
	ctx.segments = segs
}

func (ctx *Context) tlsChunks() []chunk {
	var cs []chunk
	for _, c := range ctx.chunks {
		if c.header().Flags&elf.SHF_TLS != 0 && c.header().isAlloc() {
			cs = append(cs, c)
		}
	}
	return cs
}

// assignAddresses places every chunk in the file and in memory. Each
// PT_LOAD starts on a fresh page in both (so code pages hold only code,
// as ld's -z separate-code), and RELRO ends on a page boundary so the
// loader can protect all of it.
func (ctx *Context) assignAddresses() {
	base := uint64(0)
	if ctx.Cfg.Kind == OutputExec || ctx.Cfg.Kind == OutputStaticExec {
		base = 0x400000
	}
	addr, off := base, uint64(0)
	var prevFlags elf.ProgFlag
	first := true
	inRelro := false
	for _, c := range ctx.chunks {
		f, loadable := ctx.loadFlags(c)
		if !loadable {
			continue
		}
		h := c.header()
		relro := ctx.isRelro(c)
		if !first && (f != prevFlags || inRelro && !relro) {
			off = align(off, pageSize)
			addr = align(addr, pageSize)
		}
		first, prevFlags, inRelro = false, f, relro
		addr = align(addr, h.Align)
		off = align(off, h.Align)
		h.Addr, h.Offset = addr, off
		switch {
		case h.isNobits() && h.Flags&elf.SHF_TLS != 0:
			// .tbss takes no room in the segment: the TLS image is copied
			// per thread from PT_TLS.
		case h.isNobits():
			addr += h.Size
		default:
			addr += h.Size
			off += h.Size
		}
	}
	for _, c := range ctx.chunks {
		h := c.header()
		if h.isAlloc() || c == chunk(ctx.ehdr) || c == chunk(ctx.phdrs) {
			continue
		}
		off = align(off, h.Align)
		h.Offset = off
		h.Addr = 0
		off += h.fileSize()
	}
	off = align(off, 8)
	ctx.shdrOffset = off
	ctx.fileSize = off + uint64(ctx.numSections)*shdrSize
}

// fillSegments computes each program header from its chunks.
func (ctx *Context) fillSegments() {
	for _, s := range ctx.segments {
		if len(s.chunks) == 0 {
			continue
		}
		first := s.chunks[0].header()
		s.offset, s.vaddr = first.Offset, first.Addr
		end, fileEnd := s.vaddr, s.offset
		for _, c := range s.chunks {
			h := c.header()
			s.align = max(s.align, h.Align)
			if s.typ == elf.PT_LOAD && h.Flags&elf.SHF_TLS != 0 && h.isNobits() {
				continue
			}
			end = max(end, h.Addr+h.Size)
			if !h.isNobits() {
				fileEnd = max(fileEnd, h.Offset+h.Size)
			}
		}
		s.memsz = end - s.vaddr
		s.filesz = fileEnd - s.offset
		switch s.typ {
		case elf.PT_LOAD:
			s.align = pageSize
		case elf.PT_GNU_RELRO:
			// Cover the whole last page: the loader rounds the end down.
			s.memsz = align(s.vaddr+s.memsz, pageSize) - s.vaddr
			s.filesz = s.memsz
			s.align = 1
		case elf.PT_TLS:
			ctx.tlsStart, ctx.tlsAlign = s.vaddr, s.align
			ctx.tlsEnd = align(s.vaddr+s.memsz, s.align)
		}
	}
	// A RELRO region reaching past its PT_LOAD's file bytes must not claim
	// file bytes it does not have.
	for _, s := range ctx.segments {
		if s.typ == elf.PT_GNU_RELRO {
			for _, l := range ctx.segments {
				if l.typ == elf.PT_LOAD && l.vaddr <= s.vaddr && s.vaddr < l.vaddr+l.memsz {
					s.filesz = min(s.filesz, l.offset+l.filesz-s.offset)
					if s.filesz > s.memsz {
						s.filesz = s.memsz
					}
				}
			}
		}
	}
}

// tpOffset is a TLS variable's offset from the thread pointer (x86-64
// variant II: the TLS block ends at the thread pointer).
func (ctx *Context) tpOffset(addr uint64) int64 { return int64(addr - ctx.tlsEnd) }

// entryAddr is the entry point written to the ELF header.
func (ctx *Context) entryAddr() uint64 {
	name := ctx.Cfg.Entry
	if name == "" {
		if ctx.Cfg.Kind == OutputShared {
			return 0
		}
		name = "_start"
	}
	if s := ctx.lookup(name); s != nil && s.isDefinedHere() {
		return s.Addr(ctx)
	}
	return 0
}
