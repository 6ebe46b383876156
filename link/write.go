package link

import (
	"debug/elf"

	"golang.org/x/sys/unix"
)

// writeOutput fills the output image: every chunk writes its own bytes (in
// parallel, input section by input section), the dynamic relocation tables
// last (the other chunks emit their entries), then the section headers,
// then the build-id over it all.
func (ctx *Context) writeOutput() error {
	if err := ctx.openOutput(); err != nil {
		return err
	}
	type task struct {
		c   chunk
		sec *InputSection // an output section's member, or nil for the whole chunk
	}
	var tasks []task
	var last []chunk
	for _, c := range ctx.chunks {
		switch c := c.(type) {
		case *relaDynSection, *relaPltSection:
			last = append(last, c)
		case *OutputSection:
			if !c.isNobits() {
				for _, m := range c.Members {
					if m.Type != elf.SHT_NOBITS {
						tasks = append(tasks, task{c, m})
					}
				}
			}
		default:
			tasks = append(tasks, task{c, nil})
		}
	}
	// First what may read any input (synthetic chunks, merged tables,
	// .eh_frame_hdr reading FDE relocations), then the input sections,
	// each giving its file's pages back when the file's last section is
	// written.
	var early, byFile []task
	for _, t := range tasks {
		if t.sec == nil || t.sec.File == nil || t.sec.File.mapping == nil {
			early = append(early, t)
		} else {
			byFile = append(byFile, t)
			t.sec.File.mapping.pending.Add(1)
		}
	}
	run := func(t task) {
		if t.sec == nil {
			ctx.writeChunk(t.c)
			return
		}
		h := t.c.header()
		out := ctx.buf[h.Offset : h.Offset+h.Size]
		t.c.(*OutputSection).writeMember(ctx, t.sec, out[t.sec.Offset:t.sec.Offset+t.sec.Size])
	}
	ctx.parallelFor(len(early), func(i int) { run(early[i]) })
	ctx.parallelFor(len(byFile), func(i int) {
		run(byFile[i])
		if m := byFile[i].sec.File.mapping; m.pending.Add(-1) == 0 {
			releaseInput(m)
		}
	})
	for _, c := range last {
		ctx.writeChunk(c)
	}
	ctx.writeSectionHeaders()
	if err := ctx.checkpoint(); err != nil {
		return err
	}
	ctx.fillBuildID()
	return nil
}

func (ctx *Context) writeChunk(c chunk) {
	h := c.header()
	c.write(ctx, ctx.buf[h.Offset:h.Offset+h.fileSize()])
}

func (ctx *Context) writeSectionHeaders() {
	buf := ctx.buf[ctx.shdrOffset:]
	for _, c := range ctx.chunks {
		h := c.header()
		if h.Shndx == 0 {
			continue
		}
		e := buf[h.Shndx*shdrSize:]
		le.PutUint32(e, h.nameOff)
		le.PutUint32(e[4:], uint32(h.Type))
		le.PutUint64(e[8:], uint64(h.Flags))
		le.PutUint64(e[16:], h.Addr)
		le.PutUint64(e[24:], h.Offset)
		le.PutUint64(e[32:], h.Size)
		link, info := ctx.sectionLinks(c)
		le.PutUint32(e[40:], link)
		le.PutUint32(e[44:], info)
		le.PutUint64(e[48:], h.Align)
		le.PutUint64(e[56:], h.Entsize)
	}
}

// sectionLinks gives sh_link and sh_info, which name other sections.
func (ctx *Context) sectionLinks(c chunk) (uint32, uint32) {
	var dynsymIdx, dynstrIdx, strtabIdx uint32
	if ctx.dynsym != nil {
		dynsymIdx, dynstrIdx = uint32(ctx.dynsym.Shndx), uint32(ctx.dynstr.Shndx)
	}
	if ctx.strtab != nil {
		strtabIdx = uint32(ctx.strtab.Shndx)
	}
	h := c.header()
	switch {
	case ctx.dynsym != nil && c == chunk(ctx.dynsym):
		return dynstrIdx, h.Info
	case c == chunk(ctx.relaPlt):
		if ctx.isStatic() {
			return strtabLinkOfStatic(ctx), uint32(ctx.gotPlt.Shndx)
		}
		return dynsymIdx, uint32(ctx.gotPlt.Shndx)
	case c == chunk(ctx.relaDyn),
		ctx.gnuHash != nil && c == chunk(ctx.gnuHash),
		ctx.sysvHash != nil && c == chunk(ctx.sysvHash),
		ctx.versym != nil && c == chunk(ctx.versym):
		return dynsymIdx, 0
	case ctx.verdef != nil && c == chunk(ctx.verdef),
		ctx.verneed != nil && c == chunk(ctx.verneed),
		ctx.dynamic != nil && c == chunk(ctx.dynamic):
		return dynstrIdx, h.Info
	case ctx.symtab != nil && c == chunk(ctx.symtab):
		return strtabIdx, h.Info
	}
	return h.Link, h.Info
}

// strtabLinkOfStatic is the symbol table .rela.iplt names in a static
// executable, which has no .dynsym: .symtab, as GNU ld writes it.
func strtabLinkOfStatic(ctx *Context) uint32 {
	if ctx.symtab == nil {
		return 0
	}
	return uint32(ctx.symtab.Shndx)
}

// releaseInput gives an input's pages back to the kernel. The mapping stays
// valid (a later read would fault the file back in), so names that point
// into it stay safe; nothing reads it after its sections are written.
func releaseInput(m *inputMapping) {
	_ = unix.Madvise(m.data, unix.MADV_DONTNEED)
}
