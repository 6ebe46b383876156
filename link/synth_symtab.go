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
}

type symtabEntry struct {
	name  uint32
	sym   *Symbol // nil for FILE entries
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

// finalizeSymtab chooses the entries and puts their names in .strtab.
func (ctx *Context) finalizeSymtab() {
	st := ctx.symtab
	st.entries = append(st.entries, symtabEntry{})
	for _, obj := range ctx.objs {
		fileDone := false
		for i := 1; i < obj.FirstGlobal && i < len(obj.Symbols); i++ {
			s := obj.Symbols[i]
			if !keepLocal(s, ctx.Cfg.Strip) {
				continue
			}
			if !fileDone {
				fileDone = true
				name := obj.Name
				if j := strings.LastIndexByte(name, '('); j >= 0 && strings.HasSuffix(name, ")") {
					name = name[j+1 : len(name)-1]
				} else if j := strings.LastIndexByte(name, '/'); j >= 0 {
					name = name[j+1:]
				}
				st.entries = append(st.entries, symtabEntry{name: ctx.strtab.append(name), local: true, file: true})
			}
			st.entries = append(st.entries, symtabEntry{name: ctx.strtab.append(s.Name), sym: s, local: true})
		}
	}
	// Hidden globals become locals in the output, as ld writes them.
	var globals []symtabEntry
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
		e := symtabEntry{name: ctx.strtab.append(s.Name), sym: s}
		if s.Vis == elf.STV_HIDDEN && s.isDefinedHere() {
			e.local = true
			st.entries = append(st.entries, e)
			continue
		}
		globals = append(globals, e)
	}
	st.Info = uint32(len(st.entries))
	st.entries = append(st.entries, globals...)
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
