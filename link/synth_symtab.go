package link

import (
	"debug/elf"
	"strings"
)

// symtabSection is .symtab: the local symbols of every object (grouped
// after a FILE symbol each), then the global symbols.
type symtabSection struct {
	chunkHeader
	entries []symtabEntry
	files   []string // the FILE entries' names, in order
	strSize uint64   // of .strtab
}

// symtabEntry is one .symtab entry: a symbol, or (sym nil, file set) the
// next name of files.
type symtabEntry struct {
	name  uint32 // offset in .strtab
	sym   *Symbol
	local bool
	file  bool
}

func newSymtabSection() *symtabSection {
	return &symtabSection{chunkHeader: chunkHeader{Name: ".symtab", Type: elf.SHT_SYMTAB, Align: 8, Entsize: symSize}}
}

// keepLocal reports whether a local symbol belongs in the output .symtab.
func keepLocal(s *Symbol, strip StripMode) bool {
	switch {
	case s == nil || s.Name == "" || s.Type == elf.STT_SECTION || s.Type == elf.STT_FILE:
		return false
	case strings.HasPrefix(s.Name, ".L"):
		return false
	case s.Sec != nil && (!s.Sec.Live || s.Sec.Out == nil && s.Sec.merge == nil):
		return false
	}
	return true
}

// fileSymbolName is the FILE entry of an object: its base name, or the
// member name of an archive member.
func fileSymbolName(obj *ObjectFile) string {
	name := obj.Name
	if j := strings.LastIndexByte(name, '('); j >= 0 && strings.HasSuffix(name, ")") {
		return name[j+1 : len(name)-1]
	}
	if j := strings.LastIndexByte(name, '/'); j >= 0 {
		return name[j+1:]
	}
	return name
}

// finalizeSymtab chooses the entries and gives each name its offset in
// .strtab, whose bytes are written with the rest of the output. The locals
// are counted and placed object by object in parallel; a prefix sum puts
// every object's block where a serial walk would.
func (ctx *Context) finalizeSymtab() {
	st := ctx.symtab
	type block struct{ entries, bytes int }
	blocks := make([]block, len(ctx.objs)+1) // blocks[k+1] is object k's
	ctx.parallelFor(len(ctx.objs), func(k int) {
		obj := ctx.objs[k]
		b := &blocks[k+1]
		for i := 1; i < obj.FirstGlobal && i < len(obj.Symbols); i++ {
			if s := obj.Symbols[i]; keepLocal(s, ctx.Cfg.Strip) {
				b.entries++
				b.bytes += len(s.Name) + 1
			}
		}
		if b.entries > 0 {
			b.entries++ // the FILE entry
			b.bytes += len(fileSymbolName(obj)) + 1
		}
	})
	blocks[0] = block{1, 1} // the null entry, the empty name
	for k := 1; k < len(blocks); k++ {
		blocks[k].entries += blocks[k-1].entries
		blocks[k].bytes += blocks[k-1].bytes
	}
	nlocal := blocks[len(blocks)-1].entries
	st.entries = make([]symtabEntry, nlocal, nlocal+len(ctx.symbolOrder))
	ctx.parallelFor(len(ctx.objs), func(k int) {
		obj := ctx.objs[k]
		e, off := blocks[k].entries, uint32(blocks[k].bytes)
		if e == blocks[k+1].entries {
			return
		}
		st.entries[e] = symtabEntry{name: off, local: true, file: true}
		e, off = e+1, off+uint32(len(fileSymbolName(obj))+1)
		for i := 1; i < obj.FirstGlobal && i < len(obj.Symbols); i++ {
			if s := obj.Symbols[i]; keepLocal(s, ctx.Cfg.Strip) {
				st.entries[e] = symtabEntry{name: off, sym: s, local: true}
				e, off = e+1, off+uint32(len(s.Name)+1)
			}
		}
	})
	// The FILE entries' names, in entry order (an object with no kept
	// local has none).
	st.files = st.files[:0]
	for k, obj := range ctx.objs {
		if blocks[k].entries != blocks[k+1].entries {
			st.files = append(st.files, fileSymbolName(obj))
		}
	}
	off := uint64(blocks[len(blocks)-1].bytes)
	// Hidden globals become locals in the output, as ld writes them: they
	// join the locals, the others follow.
	globals := make([]symtabEntry, 0, len(ctx.symbolOrder))
	for _, s := range ctx.symbolOrder {
		if s.IsUndefined() && !s.Referenced || s.rank == rankLazy {
			continue
		}
		if s.Sec != nil && !s.Sec.Live {
			continue
		}
		if s.Shared != nil && !s.Referenced && s.flags == 0 && !s.copyRel {
			continue
		}
		e := symtabEntry{name: uint32(off), sym: s}
		off += uint64(len(s.Name)) + 1
		if s.Vis == elf.STV_HIDDEN && s.isDefinedHere() {
			e.local = true
			st.entries = append(st.entries, e)
			continue
		}
		globals = append(globals, e)
	}
	st.Info = uint32(len(st.entries))
	st.entries = append(st.entries, globals...)
	st.strSize = off
}

func (st *symtabSection) updateSize(ctx *Context) {
	st.Size = uint64(len(st.entries)) * symSize
	st.Link = uint32(ctx.strtab.Shndx)
}

func (st *symtabSection) write(ctx *Context, buf []byte) {
	for i, e := range st.entries {
		b := buf[i*symSize:]
		if e.file {
			le.PutUint32(b, e.name)
			b[4] = byte(elf.STB_LOCAL)<<4 | byte(elf.STT_FILE)
			le.PutUint16(b[6:], uint16(elf.SHN_ABS))
			continue
		}
		s := e.sym
		if s == nil {
			continue
		}
		le.PutUint32(b, e.name)
		bind, typ := ctx.outputBindType(s)
		if e.local {
			bind = elf.STB_LOCAL
		}
		b[4] = byte(bind)<<4 | byte(typ)&0xf
		b[5] = byte(s.Vis)
		shndx, value := ctx.symbolSection(s)
		le.PutUint16(b[6:], shndx)
		le.PutUint64(b[8:], value)
		le.PutUint64(b[16:], s.Size)
	}
}

// symtabStrings is .strtab: the names of .symtab's entries, at the offsets
// finalizeSymtab gave them, copied straight into the output.
type symtabStrings struct {
	chunkHeader
	symtab *symtabSection
}

func newSymtabStrings(st *symtabSection) *symtabStrings {
	return &symtabStrings{chunkHeader: chunkHeader{Name: ".strtab", Type: elf.SHT_STRTAB, Align: 1}, symtab: st}
}

func (s *symtabStrings) updateSize(ctx *Context) { s.Size = s.symtab.strSize }

func (s *symtabStrings) write(ctx *Context, buf []byte) {
	files := s.symtab.files
	for _, e := range s.symtab.entries {
		name := ""
		switch {
		case e.file:
			name, files = files[0], files[1:]
		case e.sym != nil:
			name = e.sym.Name
		default:
			continue
		}
		copy(buf[e.name:], name)
		buf[int(e.name)+len(name)] = 0
	}
}

// outputBindType is the binding and type a global symbol is written with:
// undefined references are GLOBAL (WEAK when every reference is weak), and
// an imported IFUNC is an ordinary function to the output's users.
func (ctx *Context) outputBindType(s *Symbol) (elf.SymBind, elf.SymType) {
	bind, typ := s.Bind, s.Type
	undef := s.IsUndefined() || s.Shared != nil && !ctx.copyIsDefinition(s)
	if undef {
		bind = elf.STB_GLOBAL
		if s.WeakRefOnly {
			bind = elf.STB_WEAK
		}
		if typ == elf.STT_GNU_IFUNC {
			typ = elf.STT_FUNC
		}
	}
	if bind == elf.STB_LOCAL && !s.IsLocal {
		bind = elf.STB_GLOBAL
	}
	if typ == elf.STT_COMMON {
		typ = elf.STT_OBJECT
	}
	return bind, typ
}

// copyIsDefinition reports whether a copy-relocated symbol is defined by
// the output (an executable's copy is the definition everyone uses) or is
// still an undefined, sized reference (a shared object's private copy).
func (ctx *Context) copyIsDefinition(s *Symbol) bool {
	return s.copyRel && ctx.Cfg.Kind != OutputShared
}

// symbolSection gives a symbol's output section index and value: TLS
// symbols are offsets within the TLS template.
func (ctx *Context) symbolSection(s *Symbol) (uint16, uint64) {
	shndx, v := ctx.symbolSectionAddr(s)
	if s.Type == elf.STT_TLS && shndx != uint16(elf.SHN_UNDEF) {
		v -= ctx.tlsStart
	}
	return shndx, v
}

func (ctx *Context) symbolSectionAddr(s *Symbol) (uint16, uint64) {
	switch {
	case s.copyRel && ctx.copyIsDefinition(s):
		return uint16(ctx.copyBss.Shndx), s.copyAddr()
	case s.Shared != nil || s.IsUndefined():
		if s.canonicalPLT {
			return uint16(elf.SHN_UNDEF), ctx.plt.entryAddr(s)
		}
		return uint16(elf.SHN_UNDEF), 0
	case s.linkerDef:
		if d := s.defSec(); d != nil && d.header().Shndx > 0 {
			return uint16(d.header().Shndx), s.Value
		}
		return uint16(elf.SHN_ABS), s.Value
	case s.Sec != nil:
		if s.Sec.mergeHolder != nil {
			return uint16(s.Sec.mergeHolder.Out.Shndx), s.Addr(ctx)
		}
		if s.Sec.Out == nil {
			return uint16(elf.SHN_UNDEF), 0
		}
		// An IFUNC whose PLT entry is its canonical address is still
		// written at its resolver, as GNU ld does.
		return uint16(s.Sec.Out.Shndx), s.defAddr(ctx)
	}
	return uint16(elf.SHN_ABS), s.Value
}
