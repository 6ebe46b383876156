package link

import (
	"debug/elf"
	"strings"
)

// --gc-sections: sections no root reaches through relocations are dropped.
// Roots are what the output must keep whatever references it: the entry
// point, exported symbols, -u symbols, initialisers and finalisers, notes,
// sections named like C identifiers (reached through __start_/__stop_),
// and SHF_GNU_RETAIN sections. .eh_frame is not a root: an FDE keeps its
// LSDA and personality only when its function is kept.

const shfGNURetain = elf.SectionFlag(0x200000)

func (ctx *Context) gcSections() error {
	if !ctx.Cfg.GCSections {
		return nil
	}
	var work []*InputSection
	mark := func(sec *InputSection) {
		if sec != nil && sec.Live && !sec.gcMarked {
			sec.gcMarked = true
			work = append(work, sec)
		}
	}
	markSym := func(s *Symbol) {
		if s != nil && s.Sec != nil && s.File != nil {
			mark(s.Sec)
		}
	}
	for _, obj := range ctx.objs {
		for _, sec := range obj.Sections {
			if sec != nil && sec.Live && isGCRoot(sec) {
				mark(sec)
			}
		}
	}
	for _, s := range ctx.symbolOrder {
		if ctx.isExportRoot(s) {
			markSym(s)
		}
	}
	for _, name := range append([]string{ctx.Cfg.Entry, "_start", "_init", "_fini"}, ctx.Cfg.Undefined...) {
		if name != "" {
			markSym(ctx.lookup(name))
		}
	}
	fdes := ctx.fdeReferences()
	for len(work) > 0 {
		sec := work[len(work)-1]
		work = work[:len(work)-1]
		for i := 0; i < sec.NumRels(); i++ {
			markSym(sec.File.Symbols[sec.Rel(i).Sym])
		}
		for _, t := range fdes[sec] {
			mark(t)
		}
	}
	for _, obj := range ctx.objs {
		for _, sec := range obj.Sections {
			if sec != nil && sec.Live && sec.isAlloc() && !sec.gcMarked && sec.eh == nil {
				sec.Live = false
			}
		}
	}
	return nil
}

func isGCRoot(sec *InputSection) bool {
	name := sec.Name
	switch {
	case !sec.isAlloc(), sec.Flags&shfGNURetain != 0, sec.Type == elf.SHT_NOTE,
		sec.Type == elf.SHT_INIT_ARRAY, sec.Type == elf.SHT_FINI_ARRAY, sec.Type == elf.SHT_PREINIT_ARRAY:
		return sec.Name != ".eh_frame"
	case name == ".init", name == ".fini", name == ".jcr",
		strings.HasPrefix(name, ".ctors"), strings.HasPrefix(name, ".dtors"),
		strings.HasPrefix(name, ".init_array"), strings.HasPrefix(name, ".fini_array"),
		strings.HasPrefix(name, ".preinit_array"):
		return true
	}
	return isCIdentifier(name)
}

// isExportRoot reports whether a symbol will be visible to other modules,
// and so must keep its section.
func (ctx *Context) isExportRoot(s *Symbol) bool {
	if s.File == nil || s.Sec == nil || s.Vis == elf.STV_HIDDEN || s.File.excludeLibs {
		return false
	}
	if ctx.Cfg.Kind == OutputShared || ctx.Cfg.ExportDynamic {
		return true
	}
	return s.RefByDSO
}

// fdeReferences maps each function section to what its FDEs (and their
// CIEs) reference besides the function: LSDAs and personality routines.
func (ctx *Context) fdeReferences() map[*InputSection][]*InputSection {
	refs := map[*InputSection][]*InputSection{}
	for _, obj := range ctx.objs {
		for _, sec := range obj.Sections {
			if sec == nil || sec.eh == nil {
				continue
			}
			for _, rec := range sec.eh.records {
				if rec.cie < 0 || rec.pcRel < 0 {
					continue
				}
				fn := obj.Symbols[sec.Rel(rec.pcRel).Sym]
				if fn == nil || fn.Sec == nil {
					continue
				}
				cie := sec.eh.records[rec.cie]
				add := func(from, to uint64) {
					for i := sec.relIndexAt(from); i < sec.NumRels(); i++ {
						r := sec.Rel(i)
						if r.Off >= to {
							break
						}
						if t := obj.Symbols[r.Sym]; t != nil && t.Sec != nil {
							refs[fn.Sec] = append(refs[fn.Sec], t.Sec)
						}
					}
				}
				add(rec.off+9, rec.off+rec.size) // past the function's own address
				add(cie.off, cie.off+cie.size)   // the personality routine
			}
		}
	}
	return refs
}
