package link

import (
	"debug/elf"
	"fmt"

	"gold/pic"
)

// The relocation scan decides, for every relocation in a live allocated
// section, what it needs: GOT slots, PLT entries, copy relocations, or
// dynamic relocations (counted per section, so .rela.dyn is sized before
// any address is known). The same decisions are taken again, identically,
// when relocations are applied.

func (ctx *Context) outputKind() pic.Output {
	switch ctx.Cfg.Kind {
	case OutputShared:
		return pic.Shared
	case OutputExec, OutputStaticExec:
		return pic.Exec
	default:
		return pic.PIE
	}
}

// target classifies a symbol for the decision tables.
func (ctx *Context) target(s *Symbol) pic.Target {
	switch {
	case s.Imported || s.Preemptible:
		if s.isFunc() {
			return pic.ImportedCode
		}
		return pic.ImportedData
	case s.IsUndefined():
		return pic.Absolute // a weak undefined symbol in an executable is 0
	case s.Abs && !s.linkerDef:
		return pic.Absolute
	}
	return pic.Local
}

// isStatic reports whether the output has no dynamic section at all.
func (ctx *Context) isStatic() bool { return ctx.Cfg.Kind == OutputStaticExec }

func (ctx *Context) scanRelocs() error {
	for _, obj := range ctx.objs {
		for _, sec := range obj.Sections {
			if sec == nil || !sec.Live || !sec.isAlloc() || sec.NumRels() == 0 {
				continue
			}
			ctx.scanSection(sec)
		}
	}
	return ctx.checkpoint()
}

func (ctx *Context) scanSection(sec *InputSection) {
	out := ctx.outputKind()
	writable := sec.Flags&elf.SHF_WRITE != 0
	sec.numRelative, sec.numDynamic = 0, 0
	n := sec.NumRels()
	for i := 0; i < n; i++ {
		r := sec.Rel(i)
		if sec.eh != nil && !sec.eh.relLive(r.Off) {
			continue // belongs to a dropped FDE
		}
		s := sec.File.Symbols[r.Sym]
		if s == nil {
			continue
		}
		if s.IsUndefined() && !s.IsLocal && r.Type != elf.R_X86_64_NONE {
			ctx.noteUndefined(s, sec, r)
		}
		t := ctx.target(s)
		if ctx.takesIfuncAddress(s, t, r.Type) {
			// Every way of taking the address must agree: the PLT entry
			// becomes the function's address (lld's canonical PLT).
			s.flags |= needsPLT | needsCanonicalPLT
		}
		switch r.Type {
		case elf.R_X86_64_NONE, elf.R_X86_64_SIZE32, elf.R_X86_64_SIZE64, elf.R_X86_64_DTPOFF32, elf.R_X86_64_DTPOFF64,
			elf.R_X86_64_TLSDESC_CALL:
		case elf.R_X86_64_64:
			ctx.noteAbsolute(sec, r, s, pic.Absolute64(out, t, writable), writable)
		case elf.R_X86_64_32, elf.R_X86_64_32S, elf.R_X86_64_16, elf.R_X86_64_8:
			ctx.noteAbsolute(sec, r, s, pic.Absolute32(out, t), writable)
		case elf.R_X86_64_PC32, elf.R_X86_64_PC64, elf.R_X86_64_PC16, elf.R_X86_64_PC8:
			ctx.notePCRel(sec, r, s, pic.PCRelative(out, t))
		case elf.R_X86_64_PLT32:
			if pic.Call(t) == pic.PLT || s.Type == elf.STT_GNU_IFUNC {
				s.flags |= needsPLT
			}
		case elf.R_X86_64_GOTPCRELX, elf.R_X86_64_REX_GOTPCRELX:
			if t == pic.Local && s.Type != elf.STT_GNU_IFUNC &&
				pic.CanRelaxGOTPCRELX(sec.Data, r.Off, r.Type == elf.R_X86_64_REX_GOTPCRELX) {
				continue
			}
			s.flags |= needsGOT
		case elf.R_X86_64_GOTPCREL, elf.R_X86_64_GOTPCREL64, elf.R_X86_64_GOT32, elf.R_X86_64_GOT64:
			s.flags |= needsGOT
		case elf.R_X86_64_GOTOFF64, elf.R_X86_64_GOTPC32, elf.R_X86_64_GOTPC64:
			ctx.gotPlt.needed = true
		case elf.R_X86_64_TLSGD:
			switch {
			case out == pic.Shared:
				s.flags |= needsTLSGD
			case t == pic.Local:
				i++ // GD→LE: the call to __tls_get_addr that follows goes away
			default:
				s.flags |= needsGOTTP
				i++
			}
		case elf.R_X86_64_TLSLD:
			if out == pic.Shared {
				ctx.got.needTLSLD = true
			} else {
				i++
			}
		case elf.R_X86_64_GOTTPOFF:
			if out == pic.Shared || t != pic.Local {
				s.flags |= needsGOTTP
				ctx.staticTLS = out == pic.Shared
			}
		case elf.R_X86_64_GOTPC32_TLSDESC:
			switch {
			case out == pic.Shared:
				s.flags |= needsTLSDesc
			case t != pic.Local:
				s.flags |= needsGOTTP
			}
		case elf.R_X86_64_TPOFF32, elf.R_X86_64_TPOFF64:
			if out == pic.Shared {
				ctx.errorf("%s: relocation %v against %s can not be used when making a shared object; recompile with -fPIC", ctx.where(sec, r.Off), relocName(r.Type), symDisplay(s))
			}
		default:
			ctx.errorf("%s: unsupported relocation type %v against %s", ctx.where(sec, r.Off), relocName(r.Type), symDisplay(s))
		}
	}
}

// noteAbsolute records what an absolute reference needs.
func (ctx *Context) noteAbsolute(sec *InputSection, r rela, s *Symbol, a pic.Action, writable bool) {
	switch a {
	case pic.Relative:
		sec.numRelative++
		ctx.noteTextRel(sec, r, s, writable)
	case pic.Dynamic:
		sec.numDynamic++
		s.flags |= needsDynsym
		ctx.noteTextRel(sec, r, s, writable)
	case pic.Copy:
		s.flags |= needsCopy
	case pic.CanonicalPLT:
		s.flags |= needsPLT | needsCanonicalPLT
	case pic.Error:
		ctx.errorf("%s: relocation %v against %s can not be used when making a %s; recompile with -fPIC",
			ctx.where(sec, r.Off), r.Type, symDisplay(s), ctx.kindName())
	}
}

// notePCRel records what a direct PC-relative reference needs.
func (ctx *Context) notePCRel(sec *InputSection, r rela, s *Symbol, a pic.Action) {
	switch a {
	case pic.Copy:
		if s.Shared == nil {
			ctx.errorf("%s: relocation %v against undefined symbol %s can not be used when making a %s; recompile with -fPIC",
				ctx.where(sec, r.Off), r.Type, symDisplay(s), ctx.kindName())
			return
		}
		s.flags |= needsCopy
	case pic.CanonicalPLT:
		s.flags |= needsPLT | needsCanonicalPLT
	case pic.Error:
		hint := "recompile with -fPIC"
		if s.isDefinedHere() && s.Preemptible {
			hint = "link with -Bsymbolic (the symbol is defined in this library), or recompile with -fPIC"
		}
		ctx.errorf("%s: relocation %v against symbol %s can not be used when making a %s; %s",
			ctx.where(sec, r.Off), r.Type, symDisplay(s), ctx.kindName(), hint)
	}
}

// noteTextRel records a dynamic relocation in read-only memory.
func (ctx *Context) noteTextRel(sec *InputSection, r rela, s *Symbol, writable bool) {
	if writable {
		return
	}
	if ctx.Cfg.ZText {
		ctx.errorf("%s: relocation %v against %s in read-only section %s; recompile with -fPIC",
			ctx.where(sec, r.Off), r.Type, symDisplay(s), sec.Name)
		return
	}
	ctx.textRel = true
}

func (ctx *Context) kindName() string {
	if ctx.Cfg.Kind == OutputShared {
		return "shared object"
	}
	return "PIE executable"
}

// where names a place for diagnostics: "foo.o:(.text+0x1a)".
func (ctx *Context) where(sec *InputSection, off uint64) string {
	return fmt.Sprintf("%s:(%s+0x%x)", sec.File.Name, sec.Name, off)
}

func symDisplay(s *Symbol) string {
	if s.IsLocal && s.Type == elf.STT_SECTION {
		return "section " + s.Name
	}
	return "'" + s.Name + "'"
}

// takesIfuncAddress reports whether a relocation takes the address of an
// IFUNC the output defines, other than through the GOT or a call.
func (ctx *Context) takesIfuncAddress(s *Symbol, t pic.Target, typ elf.R_X86_64) bool {
	if s.Type != elf.STT_GNU_IFUNC || t != pic.Local {
		return false
	}
	switch typ {
	case elf.R_X86_64_64, elf.R_X86_64_32, elf.R_X86_64_32S, elf.R_X86_64_PC32, elf.R_X86_64_PC64:
		return true
	}
	return false
}
