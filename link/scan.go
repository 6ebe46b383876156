package link

import (
	"debug/elf"
	"fmt"
	"sync/atomic"

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

// relocScan is one worker's view of the scan of one object: objects are
// scanned in parallel, and what must come out in input order (errors,
// undefined references) or is shared (the Context's flags) waits here for
// the serial merge. Symbols' needs are set with atomic ORs.
type relocScan struct {
	ctx     *Context
	errs    []string
	undefs  []undefRef
	gotPlt  bool // a GOT-relative reference needs .got.plt
	tlsld   bool // a local-dynamic TLS reference needs the module's GOT pair
	static  bool // initial-exec TLS in a shared object (DF_STATIC_TLS)
	textRel bool // a dynamic relocation patches read-only memory
}

// undefRef is a reference to an undefined symbol, reported after the scan.
type undefRef struct {
	s   *Symbol
	sec *InputSection
	r   rela
}

func (sc *relocScan) errorf(format string, args ...any) {
	sc.errs = append(sc.errs, fmt.Sprintf(format, args...))
}

// need records what a reference asks of s.
func need(s *Symbol, f uint32) {
	if atomic.LoadUint32(&s.flags)&f != f {
		atomic.OrUint32(&s.flags, f)
	}
}

func (ctx *Context) scanRelocs() error {
	scans := make([]relocScan, len(ctx.objs))
	ctx.parallelFor(len(ctx.objs), func(k int) {
		sc := &scans[k]
		sc.ctx = ctx
		for _, sec := range ctx.objs[k].Sections {
			if sec == nil || !sec.Live || !sec.isAlloc() || sec.NumRels() == 0 {
				continue
			}
			sc.scanSection(sec)
		}
	})
	for k := range scans {
		sc := &scans[k]
		for _, msg := range sc.errs {
			ctx.errorf("%s", msg)
		}
		for _, u := range sc.undefs {
			ctx.noteUndefined(u.s, u.sec, u.r)
		}
		ctx.gotPlt.needed = ctx.gotPlt.needed || sc.gotPlt
		ctx.got.needTLSLD = ctx.got.needTLSLD || sc.tlsld
		ctx.staticTLS = ctx.staticTLS || sc.static
		ctx.textRel = ctx.textRel || sc.textRel
	}
	return ctx.checkpoint()
}

func (sc *relocScan) scanSection(sec *InputSection) {
	ctx := sc.ctx
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
			sc.undefs = append(sc.undefs, undefRef{s, sec, r})
		}
		t := ctx.target(s)
		if ctx.takesIfuncAddress(s, t, r.Type) {
			// Every way of taking the address must agree: the PLT entry
			// becomes the function's address (lld's canonical PLT).
			need(s, needsPLT|needsCanonicalPLT)
		}
		switch r.Type {
		case elf.R_X86_64_NONE, elf.R_X86_64_SIZE32, elf.R_X86_64_SIZE64, elf.R_X86_64_DTPOFF32, elf.R_X86_64_DTPOFF64,
			elf.R_X86_64_TLSDESC_CALL:
		case elf.R_X86_64_64:
			sc.noteAbsolute(sec, r, s, pic.Absolute64(out, t, writable), writable)
		case elf.R_X86_64_32, elf.R_X86_64_32S, elf.R_X86_64_16, elf.R_X86_64_8:
			sc.noteAbsolute(sec, r, s, pic.Absolute32(out, t), writable)
		case elf.R_X86_64_PC32, elf.R_X86_64_PC64, elf.R_X86_64_PC16, elf.R_X86_64_PC8:
			sc.notePCRel(sec, r, s, pic.PCRelative(out, t))
		case elf.R_X86_64_PLT32:
			if pic.Call(t) == pic.PLT || s.Type == elf.STT_GNU_IFUNC {
				need(s, needsPLT)
			}
		case elf.R_X86_64_GOTPCRELX, elf.R_X86_64_REX_GOTPCRELX:
			if t == pic.Local && s.Type != elf.STT_GNU_IFUNC &&
				pic.CanRelaxGOTPCRELX(sec.Data, r.Off, r.Type == elf.R_X86_64_REX_GOTPCRELX) {
				continue
			}
			need(s, needsGOT)
		case elf.R_X86_64_GOTPCREL, elf.R_X86_64_GOTPCREL64, elf.R_X86_64_GOT32, elf.R_X86_64_GOT64:
			need(s, needsGOT)
		case elf.R_X86_64_GOTOFF64, elf.R_X86_64_GOTPC32, elf.R_X86_64_GOTPC64:
			sc.gotPlt = true
		case elf.R_X86_64_TLSGD:
			switch {
			case out == pic.Shared:
				need(s, needsTLSGD)
			case t == pic.Local:
				i++ // GD→LE: the call to __tls_get_addr that follows goes away
			default:
				need(s, needsGOTTP)
				i++
			}
		case elf.R_X86_64_TLSLD:
			if out == pic.Shared {
				sc.tlsld = true
			} else {
				i++
			}
		case elf.R_X86_64_GOTTPOFF:
			if out == pic.Shared || t != pic.Local {
				need(s, needsGOTTP)
				sc.static = sc.static || out == pic.Shared
			}
		case elf.R_X86_64_GOTPC32_TLSDESC:
			switch {
			case out == pic.Shared:
				need(s, needsTLSDesc)
			case t != pic.Local:
				need(s, needsGOTTP)
			}
		case elf.R_X86_64_TPOFF32, elf.R_X86_64_TPOFF64:
			if out == pic.Shared {
				sc.errorf("%s: relocation %v against %s can not be used when making a shared object; recompile with -fPIC", ctx.where(sec, r.Off), relocName(r.Type), symDisplay(s))
			}
		default:
			sc.errorf("%s: unsupported relocation type %v against %s", ctx.where(sec, r.Off), relocName(r.Type), symDisplay(s))
		}
	}
}

// noteAbsolute records what an absolute reference needs.
func (sc *relocScan) noteAbsolute(sec *InputSection, r rela, s *Symbol, a pic.Action, writable bool) {
	switch a {
	case pic.Relative:
		sec.numRelative++
		sc.noteTextRel(sec, r, s, writable)
	case pic.Dynamic:
		sec.numDynamic++
		need(s, needsDynsym)
		sc.noteTextRel(sec, r, s, writable)
	case pic.Copy:
		need(s, needsCopy)
	case pic.CanonicalPLT:
		need(s, needsPLT|needsCanonicalPLT)
	case pic.Error:
		sc.errorf("%s: relocation %v against %s can not be used when making a %s; recompile with -fPIC",
			sc.ctx.where(sec, r.Off), r.Type, symDisplay(s), sc.ctx.kindName())
	}
}

// notePCRel records what a direct PC-relative reference needs.
func (sc *relocScan) notePCRel(sec *InputSection, r rela, s *Symbol, a pic.Action) {
	switch a {
	case pic.Copy:
		if s.Shared == nil {
			sc.errorf("%s: relocation %v against undefined symbol %s can not be used when making a %s; recompile with -fPIC",
				sc.ctx.where(sec, r.Off), r.Type, symDisplay(s), sc.ctx.kindName())
			return
		}
		need(s, needsCopy)
	case pic.CanonicalPLT:
		need(s, needsPLT|needsCanonicalPLT)
	case pic.Error:
		hint := "recompile with -fPIC"
		if s.isDefinedHere() && s.Preemptible {
			hint = "link with -Bsymbolic (the symbol is defined in this library), or recompile with -fPIC"
		}
		sc.errorf("%s: relocation %v against symbol %s can not be used when making a %s; %s",
			sc.ctx.where(sec, r.Off), r.Type, symDisplay(s), sc.ctx.kindName(), hint)
	}
}

// noteTextRel records a dynamic relocation in read-only memory.
func (sc *relocScan) noteTextRel(sec *InputSection, r rela, s *Symbol, writable bool) {
	if writable {
		return
	}
	if sc.ctx.Cfg.ZText {
		sc.errorf("%s: relocation %v against %s in read-only section %s; recompile with -fPIC",
			sc.ctx.where(sec, r.Off), r.Type, symDisplay(s), sec.Name)
		return
	}
	sc.textRel = true
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
