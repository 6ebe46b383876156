package link

import (
	"debug/elf"
)

// Symbols the linker defines when something references them and no input
// defines them (ld's PROVIDE semantics).
var linkerDefinedNames = []string{
	"_GLOBAL_OFFSET_TABLE_", "_DYNAMIC", "__ehdr_start", "__executable_start",
	"__preinit_array_start", "__preinit_array_end", "__init_array_start", "__init_array_end",
	"__fini_array_start", "__fini_array_end", "__bss_start", "_edata", "edata", "_end", "end",
	"_etext", "etext", "__etext", "__GNU_EH_FRAME_HDR", "__rela_iplt_start", "__rela_iplt_end",
}

// hiddenLinkerDefined are local to the output, as in ld's default script.
var hiddenLinkerDefined = map[string]bool{
	"_GLOBAL_OFFSET_TABLE_": true, "_DYNAMIC": true, "__ehdr_start": true, "__GNU_EH_FRAME_HDR": true,
	"__preinit_array_start": true, "__preinit_array_end": true, "__init_array_start": true, "__init_array_end": true,
	"__fini_array_start": true, "__fini_array_end": true, "__rela_iplt_start": true, "__rela_iplt_end": true,
}

// claimLinkerDefined turns referenced-but-undefined reserved names into
// linker-defined symbols, so the relocation scan sees them as local.
func (ctx *Context) claimLinkerDefined() {
	claim := func(name string, hidden bool) {
		s := ctx.lookup(name)
		if s == nil || !s.IsUndefined() {
			return
		}
		s.linkerDef = true
		s.rank = rankStrong
		s.lazy = nil
		s.Bind = elf.STB_GLOBAL
		s.Type = elf.STT_NOTYPE
		if hidden {
			s.Vis = elf.STV_HIDDEN
		}
		s.excludeExport = hidden
	}
	// --defsym NAME=VALUE or NAME=SYMBOL[+-N] overrides any definition.
	for _, d := range ctx.Cfg.Defsyms {
		s := ctx.intern(d.Name)
		s.File, s.Sec, s.Shared, s.lazy, s.Imported = nil, nil, nil, nil, false
		s.rank, s.Bind = rankStrong, elf.STB_GLOBAL
		if d.Symbol == "" {
			s.Abs, s.Value = true, uint64(d.Addend)
			continue
		}
		s.linkerDef = true
		if t := ctx.lookup(d.Symbol); t != nil && t.IsDefined() {
			s.Type, s.Size = t.Type, t.Size
		} else {
			ctx.errorf("--defsym %s=%s: symbol %s is not defined", d.Name, d.Symbol, d.Symbol)
		}
	}
	if ctx.Cfg.Kind.IsExecutable() {
		// ld's default script defines these in every executable; with -E
		// they are exported.
		for _, n := range []string{"__bss_start", "_edata", "_end"} {
			ctx.intern(n)
		}
	}
	for _, n := range linkerDefinedNames {
		claim(n, hiddenLinkerDefined[n])
	}
	// _TLS_MODULE_BASE_ is the start of this module's TLS block, used by
	// local-dynamic accesses in the TLSDESC dialect.
	claim("_TLS_MODULE_BASE_", true)
	if s := ctx.lookup("_TLS_MODULE_BASE_"); s != nil && s.linkerDef {
		s.Type = elf.STT_TLS
	}
	if s := ctx.lookup("_GLOBAL_OFFSET_TABLE_"); s != nil && s.linkerDef {
		ctx.gotPlt.needed = true
	}
	for _, o := range ctx.outSecs {
		if isCIdentifier(o.Name) {
			claim("__start_"+o.Name, false)
			claim("__stop_"+o.Name, false)
		}
	}
}

func isCIdentifier(s string) bool {
	if s == "" {
		return false
	}
	for i, c := range s {
		if c != '_' && !(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z') && !(i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// setLinkerDefinedValues gives the linker-defined symbols their addresses
// once layout is done.
func (ctx *Context) setLinkerDefinedValues() {
	set := func(name string, c chunk, v uint64) {
		if s := ctx.lookup(name); s != nil && s.linkerDef {
			s.Value = v
			s.rareFields().defSec = c
		}
	}
	start := func(c chunk) uint64 { return c.header().Addr }
	end := func(c chunk) uint64 { return c.header().Addr + c.header().Size }
	for _, d := range ctx.Cfg.Defsyms {
		if t := ctx.lookup(d.Symbol); d.Symbol != "" && t != nil {
			s := ctx.lookup(d.Name)
			s.Value = uint64(int64(t.Addr(ctx)) + d.Addend)
			if t.Sec != nil && t.Sec.Out != nil {
				s.rareFields().defSec = t.Sec.Out
			}
		}
	}
	set("__ehdr_start", ctx.ehdr, start(ctx.ehdr))
	if tls := ctx.tlsChunks(); len(tls) > 0 {
		set("_TLS_MODULE_BASE_", tls[0], ctx.tlsStart)
	}
	set("__executable_start", ctx.ehdr, start(ctx.ehdr))
	if ctx.gotPlt.Size > 0 {
		set("_GLOBAL_OFFSET_TABLE_", ctx.gotPlt, start(ctx.gotPlt))
	} else {
		set("_GLOBAL_OFFSET_TABLE_", ctx.got, start(ctx.got))
	}
	if ctx.dynamic != nil {
		set("_DYNAMIC", ctx.dynamic, start(ctx.dynamic))
	}
	if ctx.ehHdr != nil && ctx.ehHdr.Shndx > 0 {
		set("__GNU_EH_FRAME_HDR", ctx.ehHdr, start(ctx.ehHdr))
	}
	for _, a := range []string{"preinit_array", "init_array", "fini_array"} {
		if o := ctx.findOutputSection("." + a); o != nil {
			set("__"+a+"_start", o, start(o))
			set("__"+a+"_end", o, end(o))
		} else {
			set("__"+a+"_start", ctx.ehdr, start(ctx.ehdr))
			set("__"+a+"_end", ctx.ehdr, start(ctx.ehdr))
		}
	}
	// Only a static executable's start code applies IRELATIVE relocations
	// itself; elsewhere the range is empty (static-pie's start code would
	// apply them again, unbiased).
	if ctx.isStatic() {
		set("__rela_iplt_start", ctx.relaPlt, start(ctx.relaPlt))
		set("__rela_iplt_end", ctx.relaPlt, end(ctx.relaPlt))
	} else {
		set("__rela_iplt_start", ctx.ehdr, start(ctx.ehdr))
		set("__rela_iplt_end", ctx.ehdr, start(ctx.ehdr))
	}
	var lastText, lastData, lastAlloc chunk
	for _, c := range ctx.chunks {
		h := c.header()
		if !h.isAlloc() {
			continue
		}
		if h.Flags&elf.SHF_TLS != 0 && h.isNobits() {
			continue
		}
		lastAlloc = c
		if h.Flags&elf.SHF_EXECINSTR != 0 {
			lastText = c
		}
		if !h.isNobits() {
			lastData = c
		}
	}
	if lastText != nil {
		for _, n := range []string{"_etext", "etext", "__etext"} {
			set(n, lastText, end(lastText))
		}
	}
	if lastData != nil {
		for _, n := range []string{"_edata", "edata", "__bss_start"} {
			set(n, lastData, end(lastData))
		}
	}
	if lastAlloc != nil {
		set("_end", lastAlloc, end(lastAlloc))
		set("end", lastAlloc, end(lastAlloc))
	}
	for _, o := range ctx.outSecs {
		if isCIdentifier(o.Name) && o.Shndx > 0 {
			set("__start_"+o.Name, o, start(o))
			set("__stop_"+o.Name, o, end(o))
		}
	}
}
