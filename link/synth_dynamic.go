package link

import (
	"debug/elf"
	"strings"
)

// dynamicSection is .dynamic. Its entries are chosen once the dynamic
// symbols are final; their values are read at write time, when every
// address is known.
type dynamicSection struct {
	chunkHeader
	entries []dynEntry
}

type dynEntry struct {
	tag elf.DynTag
	val func() uint64
}

func newDynamicSection() *dynamicSection {
	return &dynamicSection{chunkHeader: chunkHeader{Name: ".dynamic", Type: elf.SHT_DYNAMIC,
		Flags: elf.SHF_ALLOC | elf.SHF_WRITE, Align: 8, Entsize: dynSize}}
}

func constant(v uint64) func() uint64 { return func() uint64 { return v } }

// finalizeDynamic chooses the .dynamic entries. Strings go into .dynstr
// now, before its size is fixed.
func (ctx *Context) finalizeDynamic() {
	d := ctx.dynamic
	cfg := ctx.Cfg
	add := func(tag elf.DynTag, val func() uint64) { d.entries = append(d.entries, dynEntry{tag, val}) }
	addr := func(c chunk) func() uint64 { return func() uint64 { return c.header().Addr } }
	size := func(c chunk) func() uint64 { return func() uint64 { return c.header().Size } }
	str := func(s string) func() uint64 { return constant(uint64(ctx.dynstr.tab.Add(s))) }

	for _, so := range ctx.dsos {
		if so.Used || !so.AsNeeded {
			add(elf.DT_NEEDED, str(so.Soname))
		}
	}
	if cfg.Soname != "" {
		add(elf.DT_SONAME, str(cfg.Soname))
	}
	if len(cfg.Rpath) > 0 {
		tag := elf.DT_RUNPATH
		if cfg.DisableNewDtags {
			tag = elf.DT_RPATH
		}
		add(tag, str(strings.Join(cfg.Rpath, ":")))
	}
	if s := ctx.lookup("_init"); s != nil && s.isDefinedHere() && s.File != nil {
		add(elf.DT_INIT, func() uint64 { return s.Addr(ctx) })
	}
	if s := ctx.lookup("_fini"); s != nil && s.isDefinedHere() && s.File != nil {
		add(elf.DT_FINI, func() uint64 { return s.Addr(ctx) })
	}
	for _, a := range []struct {
		name       string
		tag, szTag elf.DynTag
	}{
		{".preinit_array", elf.DT_PREINIT_ARRAY, elf.DT_PREINIT_ARRAYSZ},
		{".init_array", elf.DT_INIT_ARRAY, elf.DT_INIT_ARRAYSZ},
		{".fini_array", elf.DT_FINI_ARRAY, elf.DT_FINI_ARRAYSZ},
	} {
		if o := ctx.findOutputSection(a.name); o != nil {
			add(a.tag, addr(o))
			add(a.szTag, size(o))
		}
	}
	if ctx.sysvHash != nil {
		add(elf.DT_HASH, addr(ctx.sysvHash))
	}
	if ctx.gnuHash != nil {
		add(elf.DT_GNU_HASH, addr(ctx.gnuHash))
	}
	add(elf.DT_STRTAB, addr(ctx.dynstr))
	add(elf.DT_SYMTAB, addr(ctx.dynsym))
	add(elf.DT_STRSZ, size(ctx.dynstr))
	add(elf.DT_SYMENT, constant(symSize))
	if cfg.Kind != OutputShared {
		add(elf.DT_DEBUG, constant(0))
	}
	if len(ctx.plt.syms) > 0 || ctx.gotPlt.needed {
		add(elf.DT_PLTGOT, addr(ctx.gotPlt))
	}
	if len(ctx.plt.syms) > 0 {
		add(elf.DT_PLTRELSZ, size(ctx.relaPlt))
		add(elf.DT_PLTREL, constant(uint64(elf.DT_RELA)))
		add(elf.DT_JMPREL, addr(ctx.relaPlt))
	}
	if ctx.relaDyn.expected > 0 {
		add(elf.DT_RELA, addr(ctx.relaDyn))
		add(elf.DT_RELASZ, size(ctx.relaDyn))
		add(elf.DT_RELAENT, constant(relaSize))
		if ctx.relaDyn.relative > 0 {
			add(elf.DT_RELACOUNT, constant(uint64(ctx.relaDyn.relative)))
		}
	}
	if ctx.textRel {
		add(elf.DT_TEXTREL, constant(0))
	}
	// Which condition sets which DT_FLAGS and DT_FLAGS_1 bits.
	flags := flagBits(
		flagIf{cfg.ZNow, uint64(elf.DF_BIND_NOW)},
		flagIf{ctx.textRel, uint64(elf.DF_TEXTREL)},
		flagIf{ctx.staticTLS, uint64(elf.DF_STATIC_TLS)},
		flagIf{cfg.Bsymbolic, uint64(elf.DF_SYMBOLIC)},
		flagIf{cfg.ZOrigin, uint64(elf.DF_ORIGIN)})
	flags1 := flagBits(
		flagIf{cfg.ZNow, uint64(elf.DF_1_NOW)},
		flagIf{cfg.ZOrigin, uint64(elf.DF_1_ORIGIN)},
		flagIf{cfg.ZNodelete, uint64(elf.DF_1_NODELETE)},
		flagIf{cfg.ZNodlopen, uint64(elf.DF_1_NOOPEN)},
		flagIf{cfg.ZInterpose, uint64(elf.DF_1_INTERPOSE)},
		flagIf{cfg.ZInitFirst, uint64(elf.DF_1_INITFIRST)})
	if cfg.Kind == OutputPIE || cfg.Kind == OutputStaticPIE {
		flags1 |= uint64(elf.DF_1_PIE)
	}
	if flags != 0 {
		add(elf.DT_FLAGS, constant(flags))
	}
	if flags1 != 0 {
		add(elf.DT_FLAGS_1, constant(flags1))
	}
	if ctx.versym != nil {
		add(elf.DT_VERSYM, addr(ctx.versym))
	}
	if ctx.verdef != nil {
		add(elf.DT_VERDEF, addr(ctx.verdef))
		add(elf.DT_VERDEFNUM, func() uint64 { return uint64(ctx.verdef.num) })
	}
	if ctx.verneed != nil {
		add(elf.DT_VERNEED, addr(ctx.verneed))
		add(elf.DT_VERNEEDNUM, func() uint64 { return uint64(ctx.verneed.num) })
	}
	add(elf.DT_NULL, constant(0))
}

func (d *dynamicSection) updateSize(ctx *Context) { d.Size = uint64(len(d.entries)) * dynSize }

func (d *dynamicSection) write(ctx *Context, buf []byte) {
	for i, e := range d.entries {
		le.PutUint64(buf[i*dynSize:], uint64(e.tag))
		le.PutUint64(buf[i*dynSize+8:], e.val())
	}
}

func (ctx *Context) findOutputSection(name string) *OutputSection {
	for _, o := range ctx.outSecs {
		if o.Name == name && o.Size > 0 {
			return o
		}
	}
	return nil
}

// interpSection is .interp: the path of the program interpreter.
type interpSection struct {
	chunkHeader
	path string
}

func newInterpSection(path string) *interpSection {
	return &interpSection{chunkHeader: chunkHeader{Name: ".interp", Type: elf.SHT_PROGBITS, Flags: elf.SHF_ALLOC, Align: 1}, path: path}
}

func (s *interpSection) updateSize(ctx *Context)        { s.Size = uint64(len(s.path)) + 1 }
func (s *interpSection) write(ctx *Context, buf []byte) { copy(buf, s.path) }

// flagIf is a dynamic flag bit and the condition that sets it.
type flagIf struct {
	on  bool
	bit uint64
}

// flagBits ORs together the bits whose condition holds.
func flagBits(fs ...flagIf) uint64 {
	var v uint64
	for _, f := range fs {
		if f.on {
			v |= f.bit
		}
	}
	return v
}
