package link

import (
	"debug/elf"
	"sort"
	"strings"

	"gold/dynsym"
)

// strtabSection is a string table (.dynstr, .strtab, .shstrtab).
type strtabSection struct {
	chunkHeader
	tab   *dynsym.StringTable // deduplicated (.dynstr, .shstrtab)
	plain []byte              // appended (.strtab), when used
}

func newStrtabSection(name string, alloc bool) *strtabSection {
	s := &strtabSection{chunkHeader: chunkHeader{Name: name, Type: elf.SHT_STRTAB, Align: 1}, tab: dynsym.NewStringTable()}
	if alloc {
		s.Flags = elf.SHF_ALLOC
	}
	return s
}

func (s *strtabSection) updateSize(ctx *Context) {
	if s.plain != nil {
		s.Size = uint64(len(s.plain))
		return
	}
	s.Size = uint64(s.tab.Len())
}

func (s *strtabSection) write(ctx *Context, buf []byte) {
	if s.plain != nil {
		copy(buf, s.plain)
		return
	}
	copy(buf, s.tab.Bytes())
}

// append adds a string without looking for an earlier copy: .strtab is
// large and rarely repeats itself, so a dedup map costs more than it saves
// (lld does the same).
func (s *strtabSection) append(name string) uint32 {
	if s.plain == nil {
		s.plain = []byte{0}
	}
	off := uint32(len(s.plain))
	s.plain = append(append(s.plain, name...), 0)
	return off
}

// dynsymSection is .dynsym: the null symbol, the imported symbols, then the
// exported definitions in GNU-hash bucket order.
type dynsymSection struct {
	chunkHeader
	syms     []*Symbol // index 0 is nil
	nameOff  []uint32
	firstDef int // first symbol covered by .gnu.hash
	nbuckets uint32
}

func newDynsymSection() *dynsymSection {
	return &dynsymSection{chunkHeader: chunkHeader{Name: ".dynsym", Type: elf.SHT_DYNSYM, Flags: elf.SHF_ALLOC,
		Align: 8, Entsize: symSize, Info: 1}, syms: []*Symbol{nil}}
}

// dynName is the name a symbol has in .dynsym: foo@V1 is written as foo
// with version V1 in .gnu.version.
func dynName(s *Symbol) string {
	if i := strings.IndexByte(s.Name, '@'); i > 0 {
		return s.Name[:i]
	}
	return s.Name
}

// finalizeDynsym chooses the dynamic symbols and orders them.
func (ctx *Context) finalizeDynsym() {
	d := ctx.dynsym
	var undefs []*Symbol
	defs := make([]*Symbol, 0, len(ctx.symbolOrder)/2)
	for _, s := range ctx.symbolOrder {
		switch {
		case s.Exported && !s.IsUndefined() && s.Shared == nil:
			defs = append(defs, s)
		case ctx.copyIsDefinition(s) && (s.aliasOf() == nil || s.Referenced || s.Bind == elf.STB_GLOBAL):
			// The executable now holds the data. The library's own code
			// reaches it through its strong alias (__environ for environ),
			// so that one is exported too; weak aliases only when used.
			defs = append(defs, s)
		case (s.Imported || s.Preemptible) && (s.Referenced || s.flags != 0):
			undefs = append(undefs, s)
		case s.flags&needsDynsym != 0:
			undefs = append(undefs, s)
		}
	}
	d.syms = append(d.syms, undefs...)
	d.firstDef = len(d.syms)
	defs = append(ctx.versionNameSymbols(), defs...)
	names := make([]string, len(defs))
	for i, s := range defs {
		names[i] = dynName(s)
	}
	if ctx.Cfg.HashStyle&HashGNU != 0 {
		perm, nb := dynsym.SortForGNUHash(names)
		d.nbuckets = nb
		sorted := make([]*Symbol, len(defs))
		sortedNames := make([]string, len(defs))
		for i, p := range perm {
			sorted[i], sortedNames[i] = defs[p], names[p]
		}
		defs, names = sorted, sortedNames
	}
	d.syms = append(d.syms, defs...)
	// Dynamic symbol names are distinct (one entry per name and version):
	// append them without a deduplication map, into a table grown once.
	size := 0
	for _, s := range d.syms[:d.firstDef] {
		if s != nil {
			size += len(s.Name) + 1
		}
	}
	for _, n := range names {
		size += len(n) + 1
	}
	ctx.dynstr.tab.Grow(size)
	d.nameOff = make([]uint32, len(d.syms))
	for i, s := range d.syms {
		if s == nil {
			continue
		}
		s.DynIdx = int32(i)
		name := ""
		if i >= d.firstDef {
			name = names[i-d.firstDef]
		} else {
			name = dynName(s)
		}
		d.nameOff[i] = ctx.dynstr.tab.Append(name)
		if s.Shared != nil {
			s.Shared.Used = true
		}
	}
}

func (d *dynsymSection) updateSize(ctx *Context) { d.Size = uint64(len(d.syms)) * symSize }

func (d *dynsymSection) write(ctx *Context, buf []byte) {
	for i, s := range d.syms {
		if s == nil {
			continue
		}
		e := buf[i*symSize:]
		le.PutUint32(e, d.nameOff[i])
		bind, typ := ctx.outputBindType(s)
		vis := s.Vis
		if s.Shared != nil && !ctx.copyIsDefinition(s) {
			vis = elf.STV_DEFAULT
		}
		e[4] = byte(bind)<<4 | byte(typ)&0xf
		e[5] = byte(vis)
		if s.verSym {
			// A version name (GNU ld lists each defined version this way).
			le.PutUint16(e[6:], uint16(elf.SHN_ABS))
			continue
		}
		shndx, value := ctx.symbolSection(s)
		if s.canonicalPLT && s.isDefinedHere() {
			// Other modules must see the canonical address, and a plain
			// function there: they would call an IFUNC's value.
			shndx, value = uint16(ctx.plt.Shndx), ctx.plt.entryAddr(s)
			e[4] = byte(bind)<<4 | byte(elf.STT_FUNC)
		}
		le.PutUint16(e[6:], shndx)
		le.PutUint64(e[8:], value)
		switch {
		case shndx != uint16(elf.SHN_UNDEF):
			le.PutUint64(e[16:], s.Size)
		case s.flags&needsCopy != 0:
			// A copy made inside a shared object: the size tells the
			// loader how much to copy (see DESIGN.md).
			le.PutUint64(e[16:], s.Size)
		}
	}
}

// gnuHashSection is .gnu.hash over the exported definitions.
type gnuHashSection struct {
	chunkHeader
}

func newGnuHashSection() *gnuHashSection {
	return &gnuHashSection{chunkHeader: chunkHeader{Name: ".gnu.hash", Type: elf.SHT_GNU_HASH, Flags: elf.SHF_ALLOC, Align: 8}}
}

// buckets is the table's bucket count, as SortForGNUHash chose it.
func (g *gnuHashSection) buckets(ctx *Context) uint32 {
	d := ctx.dynsym
	if d.nbuckets == 0 {
		return dynsym.GNUHashBuckets(len(d.syms) - d.firstDef)
	}
	return d.nbuckets
}

func (g *gnuHashSection) updateSize(ctx *Context) {
	d := ctx.dynsym
	g.Size = uint64(dynsym.GNUHashSize(len(d.syms)-d.firstDef, g.buckets(ctx)))
}

// write builds the table, in the parallel write phase rather than at
// layout, which only needs its size.
func (g *gnuHashSection) write(ctx *Context, buf []byte) {
	d := ctx.dynsym
	names := make([]string, 0, len(d.syms)-d.firstDef)
	for _, s := range d.syms[d.firstDef:] {
		names = append(names, dynName(s))
	}
	copy(buf, dynsym.BuildGNUHash(uint32(d.firstDef), names, g.buckets(ctx)))
}

// sysvHashSection is the classic .hash over every dynamic symbol.
type sysvHashSection struct {
	chunkHeader
	data []byte
}

func newSysvHashSection() *sysvHashSection {
	return &sysvHashSection{chunkHeader: chunkHeader{Name: ".hash", Type: elf.SHT_HASH, Flags: elf.SHF_ALLOC, Align: 8, Entsize: 4}}
}

func (h *sysvHashSection) updateSize(ctx *Context) {
	names := make([]string, len(ctx.dynsym.syms))
	for i, s := range ctx.dynsym.syms {
		if s != nil {
			names[i] = dynName(s)
		}
	}
	h.data = dynsym.BuildSysVHash(names)
	h.Size = uint64(len(h.data))
}

func (h *sysvHashSection) write(ctx *Context, buf []byte) { copy(buf, h.data) }

// versymSection is .gnu.version: a version index per dynamic symbol.
type versymSection struct{ chunkHeader }

func newVersymSection() *versymSection {
	return &versymSection{chunkHeader{Name: ".gnu.version", Type: elf.SHT_GNU_VERSYM, Flags: elf.SHF_ALLOC, Align: 2, Entsize: 2}}
}

func (v *versymSection) updateSize(ctx *Context) { v.Size = uint64(len(ctx.dynsym.syms)) * 2 }

func (v *versymSection) write(ctx *Context, buf []byte) {
	for i, s := range ctx.dynsym.syms {
		if s == nil {
			continue
		}
		idx := s.VerIdx
		if idx == 0 {
			idx = dynsym.VER_NDX_GLOBAL
		}
		if s.VerHidden && s.Shared == nil {
			idx |= dynsym.VERSYM_HIDDEN
		}
		le.PutUint16(buf[i*2:], idx)
	}
}

// verdefSection is .gnu.version_d, from the version script's nodes.
type verdefSection struct {
	chunkHeader
	data []byte
	num  uint32
}

func newVerdefSection() *verdefSection {
	return &verdefSection{chunkHeader: chunkHeader{Name: ".gnu.version_d", Type: elf.SHT_GNU_VERDEF, Flags: elf.SHF_ALLOC, Align: 8}}
}

func (v *verdefSection) build(ctx *Context) {
	var defs []dynsym.Verdef
	for i, d := range ctx.verDefs {
		vd := dynsym.Verdef{Index: d.index, Name: d.name}
		if i == 0 {
			vd.Flags = elf.VER_FLG_BASE
		}
		if len(d.parents) > 0 {
			vd.Parent = d.parents[0]
		}
		defs = append(defs, vd)
	}
	v.data, v.num = dynsym.BuildVerdef(defs, ctx.dynstr.tab)
	v.Info = v.num
}

func (v *verdefSection) updateSize(ctx *Context)        { v.Size = uint64(len(v.data)) }
func (v *verdefSection) write(ctx *Context, buf []byte) { copy(buf, v.data) }

// verneedSection is .gnu.version_r: the versions the output's imported
// symbols need from each library.
type verneedSection struct {
	chunkHeader
	data []byte
	num  uint32
}

func newVerneedSection() *verneedSection {
	return &verneedSection{chunkHeader: chunkHeader{Name: ".gnu.version_r", Type: elf.SHT_GNU_VERNEED, Flags: elf.SHF_ALLOC, Align: 8}}
}

// build assigns version indices to imported symbols, after the output's
// own version definitions.
func (v *verneedSection) build(ctx *Context) {
	next := uint16(2)
	for _, d := range ctx.verDefs {
		next = max(next, d.index+1)
	}
	type key struct {
		so  *SharedFile
		ver string
	}
	idx := map[key]uint16{}
	var needs []dynsym.Verneed
	fileIdx := map[*SharedFile]int{}
	for _, s := range ctx.dynsym.syms[1:] {
		if s.Shared == nil || s.VerName == "" {
			continue
		}
		k := key{s.Shared, s.VerName}
		i, ok := idx[k]
		if !ok {
			i = next
			next++
			idx[k] = i
			fi, ok := fileIdx[s.Shared]
			if !ok {
				fi = len(needs)
				fileIdx[s.Shared] = fi
				needs = append(needs, dynsym.Verneed{File: s.Shared.Soname})
			}
			needs[fi].Vernaux = append(needs[fi].Vernaux, dynsym.Vernaux{Name: s.VerName, Index: i})
		}
		s.VerIdx = i
	}
	// Libraries in DT_NEEDED order, so the section reads like ld's.
	sort.SliceStable(needs, func(a, b int) bool { return ctx.neededRank(needs[a].File) < ctx.neededRank(needs[b].File) })
	v.data, v.num = dynsym.BuildVerneed(needs, ctx.dynstr.tab)
	v.Info = v.num
}

func (ctx *Context) neededRank(soname string) int {
	for i, so := range ctx.dsos {
		if so.Soname == soname {
			return i
		}
	}
	return len(ctx.dsos)
}

func (v *verneedSection) updateSize(ctx *Context)        { v.Size = uint64(len(v.data)) }
func (v *verneedSection) write(ctx *Context, buf []byte) { copy(buf, v.data) }

// versionNameSymbols are the absolute symbols GNU ld adds to .dynsym for
// each version the output defines (VECTOR_1.0), which some tools look for.
func (ctx *Context) versionNameSymbols() []*Symbol {
	var syms []*Symbol
	for _, d := range ctx.verDefs[min(1, len(ctx.verDefs)):] {
		s := newSymbol(d.name)
		s.Type, s.Bind, s.Abs, s.verSym, s.VerIdx = elf.STT_OBJECT, elf.STB_GLOBAL, true, true, d.index
		s.rank, s.linkerDef = rankStrong, true
		syms = append(syms, s)
	}
	return syms
}
