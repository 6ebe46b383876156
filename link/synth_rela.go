package link

import (
	"cmp"
	"debug/elf"
	"slices"
	"sync"
)

// dynReloc is one entry of .rela.dyn or .rela.plt.
type dynReloc struct {
	addr   uint64
	typ    elf.R_X86_64
	sym    *Symbol // nil: symbol index 0
	addend int64
}

// relaDynSection is .rela.dyn. Its size is fixed by the relocation scan's
// counts; the entries are emitted while the rest of the output is written,
// then sorted RELATIVE first (DT_RELACOUNT lets the loader apply those in
// one tight loop).
type relaDynSection struct {
	chunkHeader
	mu       sync.Mutex
	relocs   []dynReloc
	expected int
	relative int
}

func newRelaDynSection() *relaDynSection {
	return &relaDynSection{chunkHeader: chunkHeader{Name: ".rela.dyn", Type: elf.SHT_RELA,
		Flags: elf.SHF_ALLOC, Align: 8, Entsize: relaSize}}
}

// add records a dynamic relocation; sections are written in parallel, and
// the table is sorted before it is written, so arrival order does not
// matter.
func (r *relaDynSection) add(addr uint64, typ elf.R_X86_64, s *Symbol, addend int64) {
	r.mu.Lock()
	r.relocs = append(r.relocs, dynReloc{addr, typ, s, addend})
	r.mu.Unlock()
}

func (r *relaDynSection) updateSize(ctx *Context) {
	r.Size = uint64(r.expected) * relaSize
	if len(r.relocs) == 0 && cap(r.relocs) < r.expected {
		r.relocs = make([]dynReloc, 0, r.expected)
	}
}

func (r *relaDynSection) write(ctx *Context, buf []byte) {
	if len(r.relocs) != r.expected {
		ctx.errorf("internal error: .rela.dyn has %d relocations, %d were counted", len(r.relocs), r.expected)
		return
	}
	sortParallel(ctx, r.relocs, compareRelaDyn)
	writeRelocs(buf, r.relocs)
}

// relaDynClass orders .rela.dyn: RELATIVE first (DT_RELACOUNT), IRELATIVE
// last (their resolvers may call functions whose GOT slots the symbolic
// relocations fill), the symbolic ones between.
func relaDynClass(t elf.R_X86_64) int {
	switch t {
	case elf.R_X86_64_RELATIVE:
		return 0
	case elf.R_X86_64_IRELATIVE:
		return 2
	}
	return 1
}

// compareRelaDyn is a total order (no two entries patch the same address
// with the same type), so the sort's result does not depend on the order
// the parallel writers added the entries in.
func compareRelaDyn(a, b dynReloc) int {
	return cmp.Or(cmp.Compare(relaDynClass(a.typ), relaDynClass(b.typ)),
		cmp.Compare(a.addr, b.addr), cmp.Compare(a.typ, b.typ))
}

func writeRelocs(buf []byte, relocs []dynReloc) {
	for i, d := range relocs {
		e := buf[i*relaSize:]
		sym := uint64(0)
		if d.sym != nil {
			sym = uint64(d.sym.DynIdx)
		}
		le.PutUint64(e, d.addr)
		le.PutUint64(e[8:], sym<<32|uint64(d.typ))
		le.PutUint64(e[16:], uint64(d.addend))
	}
}

// relaPltSection is .rela.plt: one JUMP_SLOT (or IRELATIVE) per PLT entry,
// in PLT order, so the PLT entry's pushed index names its relocation. In a
// static executable it is .rela.iplt and also holds the IRELATIVE
// relocations of IFUNCs' GOT slots, after the PLT's.
type relaPltSection struct {
	chunkHeader
	plt []dynReloc // indexed by PLT entry

	mu    sync.Mutex
	extra []dynReloc // GOT IRELATIVE (static executables), sorted at write
	// gotIrelative counts the extra entries, known before layout.
	gotIrelative int
}

func newRelaPltSection() *relaPltSection {
	return &relaPltSection{chunkHeader: chunkHeader{Name: ".rela.plt", Type: elf.SHT_RELA,
		Flags: elf.SHF_ALLOC | elf.SHF_INFO_LINK, Align: 8, Entsize: relaSize}}
}

// setPLT records PLT entry i's relocation.
func (r *relaPltSection) setPLT(i int, addr uint64, typ elf.R_X86_64, s *Symbol, addend int64) {
	r.plt[i] = dynReloc{addr, typ, s, addend}
}

func (r *relaPltSection) addExtra(addr uint64, typ elf.R_X86_64, s *Symbol, addend int64) {
	r.mu.Lock()
	r.extra = append(r.extra, dynReloc{addr, typ, s, addend})
	r.mu.Unlock()
}

func (r *relaPltSection) updateSize(ctx *Context) {
	if len(r.plt) != len(ctx.plt.syms) {
		r.plt = make([]dynReloc, len(ctx.plt.syms))
	}
	r.Size = uint64(len(ctx.plt.syms)+r.gotIrelative) * relaSize
}

func (r *relaPltSection) write(ctx *Context, buf []byte) {
	if len(r.extra) != r.gotIrelative {
		ctx.errorf("internal error: .rela.iplt has %d GOT relocations, %d were counted", len(r.extra), r.gotIrelative)
		return
	}
	slices.SortFunc(r.extra, func(a, b dynReloc) int { return cmp.Compare(a.addr, b.addr) })
	writeRelocs(buf, r.plt)
	writeRelocs(buf[len(r.plt)*relaSize:], r.extra)
}

// countDynRelocs sizes .rela.dyn from the scan's per-section counts, the
// GOT, and the copy relocations.
func (ctx *Context) countDynRelocs() {
	rel, other := ctx.got.numDynRelocs(ctx)
	if ctx.isStatic() {
		ctx.relaPlt.gotIrelative, other = other, 0
		ctx.relaPlt.Name = ".rela.iplt"
	}
	for _, obj := range ctx.objs {
		for _, sec := range obj.Sections {
			if sec != nil && sec.Live {
				rel += sec.numRelative
				other += sec.numDynamic
			}
		}
	}
	other += len(ctx.copyBss.syms)
	ctx.relaDyn.expected = rel + other
	ctx.relaDyn.relative = rel
}
