package link

import (
	"debug/elf"
	"sort"
	"strconv"
	"strings"
)

// OutputSection is a section of the output made of input sections of the
// same name, concatenated at their alignments.
type OutputSection struct {
	chunkHeader
	Members []*InputSection
}

func (o *OutputSection) updateSize(ctx *Context) {
	off := uint64(0)
	for _, m := range o.Members {
		off = align(off, m.Align)
		m.Offset = off
		off += m.Size
		o.Align = max(o.Align, m.Align)
	}
	o.Size = off
}

func (o *OutputSection) write(ctx *Context, buf []byte) {
	if o.isNobits() {
		return
	}
	for _, m := range o.Members {
		if m.Type != elf.SHT_NOBITS {
			o.writeMember(ctx, m, buf[m.Offset:m.Offset+m.Size])
		}
	}
}

// writeMember copies one input section to dst, its place in the output,
// and applies its relocations. Members are independent: writeOutput runs
// them in parallel.
func (o *OutputSection) writeMember(ctx *Context, m *InputSection, dst []byte) {
	switch {
	case m.mergeTable != nil:
		m.mergeTable.write(dst)
	case m.eh != nil:
		m.eh.write(ctx, m, dst)
	case m.merge != nil:
		// its pieces are written by the merged section
	default:
		copy(dst, m.Data)
		ctx.applyRelocs(m, dst)
	}
}

// outputSectionName maps an input section name to the output section it
// joins, following the conventions of ld's default linker script.
func outputSectionName(name string, flags elf.SectionFlag) string {
	if flags&elf.SHF_ALLOC == 0 {
		return name
	}
	for _, p := range [...]string{".text", ".rodata", ".data.rel.ro", ".data", ".bss", ".tdata", ".tbss",
		".gcc_except_table", ".init_array", ".fini_array", ".preinit_array", ".ldata", ".lbss", ".lrodata"} {
		if name == p || strings.HasPrefix(name, p+".") {
			return p
		}
	}
	switch {
	case strings.HasPrefix(name, ".ctors"):
		return ".init_array"
	case strings.HasPrefix(name, ".dtors"):
		return ".fini_array"
	case strings.HasPrefix(name, ".gnu.linkonce.t."):
		return ".text"
	case strings.HasPrefix(name, ".gnu.linkonce.r."):
		return ".rodata"
	case strings.HasPrefix(name, ".gnu.linkonce.d."):
		return ".data"
	case strings.HasPrefix(name, ".gnu.linkonce.b."):
		return ".bss"
	}
	return name
}

// createOutputSections groups the live input sections by output name, in
// first-seen order, and sorts .init_array/.fini_array by priority as ld's
// SORT_BY_INIT_PRIORITY does.
func (ctx *Context) createOutputSections() {
	byName := map[string]*OutputSection{}
	for _, obj := range ctx.objs {
		for _, sec := range obj.Sections {
			if sec == nil || !sec.Live {
				continue
			}
			name := outputSectionName(sec.Name, sec.Flags)
			if ctx.Cfg.Strip != StripNone && isDebugSection(name) {
				sec.Live = false
				continue
			}
			o := byName[name]
			if o == nil {
				o = &OutputSection{chunkHeader: chunkHeader{Name: name, Type: sec.Type, Flags: sec.Flags &^ (elf.SHF_GROUP | elf.SHF_MERGE | elf.SHF_STRINGS | elf.SHF_COMPRESSED), Align: 1}}
				if name == ".init_array" {
					o.Type = elf.SHT_INIT_ARRAY
				} else if name == ".fini_array" {
					o.Type = elf.SHT_FINI_ARRAY
				}
				byName[name] = o
				ctx.outSecs = append(ctx.outSecs, o)
			}
			if sec.Type != elf.SHT_NOBITS && o.Type == elf.SHT_NOBITS {
				o.Type = elf.SHT_PROGBITS
			}
			o.Flags |= sec.Flags & (elf.SHF_WRITE | elf.SHF_EXECINSTR | elf.SHF_ALLOC | elf.SHF_TLS)
			sec.Out = o
			o.Members = append(o.Members, sec)
		}
	}
	for _, o := range ctx.outSecs {
		if o.Name == ".init_array" || o.Name == ".fini_array" || o.Name == ".preinit_array" {
			sort.SliceStable(o.Members, func(i, j int) bool {
				return initPriority(o.Members[i]) < initPriority(o.Members[j])
			})
		}
		if o.Name == ".eh_frame" {
			ctx.ehFrame = o
		}
	}
}

// initPriority orders .init_array.N sections before plain .init_array
// ones; .ctors.N use 65535-N, as ld converts them.
func initPriority(s *InputSection) int {
	name := s.Name
	for _, p := range [...]string{".init_array.", ".fini_array.", ".preinit_array."} {
		if strings.HasPrefix(name, p) {
			if n, err := strconv.Atoi(name[len(p):]); err == nil {
				return n
			}
		}
	}
	for _, p := range [...]string{".ctors.", ".dtors."} {
		if strings.HasPrefix(name, p) {
			if n, err := strconv.Atoi(name[len(p):]); err == nil {
				return 65535 - n
			}
		}
	}
	return 1 << 20
}

func isDebugSection(name string) bool {
	return strings.HasPrefix(name, ".debug") || strings.HasPrefix(name, ".zdebug") ||
		strings.HasPrefix(name, ".gnu.debuglto") || name == ".stab" || name == ".stabstr"
}
