package link

import (
	"cmp"
	"debug/elf"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"gold/archive"
)

// Symbol resolution follows lld and mold rather than ld's strict
// left-to-right archive scan: an archive member is extracted whenever a
// live object references a symbol it defines, wherever the archive stands
// on the command line. This accepts every link ld accepts, with the same
// result, and makes --start-group/--end-group unnecessary.

// addObject enters a live object's COMDAT groups and symbols into the link.
func (ctx *Context) addObject(obj *ObjectFile) {
	ctx.objs = append(ctx.objs, obj)
	for _, g := range obj.groups {
		if _, taken := ctx.comdats[g.signature]; taken {
			for _, m := range g.members {
				if sec := obj.Sections[m]; sec != nil {
					sec.Live = false
				}
			}
			continue
		}
		ctx.comdats[g.signature] = obj
	}
	if !obj.symbolsReady {
		ctx.prepareSymbols(obj)
	}
	for _, err := range obj.localErrs {
		ctx.errorf("%s: %v", obj.Name, err)
	}
	for i := obj.FirstGlobal; i < len(obj.esyms); i++ {
		ctx.addGlobal(obj, i)
	}
}

func (ctx *Context) placeLocal(obj *ObjectFile, i int, s *Symbol) error {
	es := obj.esyms[i]
	switch {
	case es.isAbs():
		s.Abs = true
	case es.isUndef(), es.isCommon():
		if es.typ() != elf.STT_FILE && es.typ() != elf.STT_NOTYPE && !es.isUndef() {
			return fmt.Errorf("local symbol %d (%s) is undefined or common", i, s.Name)
		}
	default:
		shndx := obj.symSection(i)
		if shndx >= uint32(len(obj.Sections)) {
			return fmt.Errorf("symbol %d (%s): section index %d out of range (%d sections)", i, s.Name, shndx, len(obj.Sections))
		}
		s.Sec = obj.Sections[shndx]
		if s.Type == elf.STT_SECTION && s.Sec != nil {
			s.Name = s.Sec.Name
		}
	}
	return nil
}

// globalKey is the name global symbol i of obj has in the symbol table:
// .symver's foo@@V is the default version of foo (verName V), foo@V an old
// one (hidden, and named so), and an undefined reference is --wrap'ed.
func (ctx *Context) globalKey(obj *ObjectFile, i int) (name, verName string, hidden bool, err error) {
	name, err = obj.symName(i)
	if err != nil {
		return "", "", false, err
	}
	if obj.esyms[i].isUndef() {
		return ctx.wrapped(name), "", false, nil
	}
	if at := strings.IndexByte(name, '@'); at >= 0 {
		if strings.HasPrefix(name[at:], "@@") {
			return name[:at], name[at+2:], false, nil
		}
		return name, name[at+1:], true, nil
	}
	return name, "", false, nil
}

// prepareSymbols builds an object's local symbols and creates (or finds)
// its global ones, so that addObject, which runs serially, has only the
// resolution itself to do. It runs in parallel over the objects of a wave;
// errors wait in obj.localErrs for addObject to report them in order.
func (ctx *Context) prepareSymbols(obj *ObjectFile) {
	obj.symbolsReady = true
	obj.locals = make([]Symbol, obj.FirstGlobal)
	obj.Symbols = make([]*Symbol, len(obj.esyms))
	for i := 1; i < obj.FirstGlobal; i++ {
		es := obj.esyms[i]
		name, err := obj.symName(i)
		if err != nil {
			obj.localErrs = append(obj.localErrs, err)
			continue
		}
		s := &obj.locals[i]
		*s = Symbol{Name: name, File: obj, Value: es.Value, Size: es.Size, Type: es.typ(),
			Bind: elf.STB_LOCAL, Vis: es.vis(), IsLocal: true, rank: rankStrong,
			DynIdx: -1, GotIdx: -1, GotTPIdx: -1, TLSGDIdx: -1, TLSDescIdx: -1, PltIdx: -1}
		if err := ctx.placeLocal(obj, i, s); err != nil {
			obj.localErrs = append(obj.localErrs, err)
		}
		obj.Symbols[i] = s
	}
	if len(obj.esyms) > 0 {
		obj.Symbols[0] = &Symbol{Name: "", IsLocal: true, Abs: true, rank: rankStrong, DynIdx: -1, GotIdx: -1}
	}
	for i := obj.FirstGlobal; i < len(obj.esyms); i++ {
		if name, _, _, err := ctx.globalKey(obj, i); err == nil {
			obj.Symbols[i] = ctx.symbols.get(name)
		}
	}
}

// addGlobal resolves one global symbol of a live object against the table.
func (ctx *Context) addGlobal(obj *ObjectFile, i int) {
	es := obj.esyms[i]
	s := obj.Symbols[i] // created by prepareSymbols; nil if its name is broken
	if s == nil {
		_, _, _, err := ctx.globalKey(obj, i)
		ctx.errorf("%s: %v", obj.Name, err)
		return
	}
	name := s.Name // the table's key: what globalKey made of the name
	ctx.met(s)
	if v := es.vis(); v != elf.STV_DEFAULT && (s.Vis == elf.STV_DEFAULT || v == elf.STV_HIDDEN || v == elf.STV_INTERNAL) {
		s.Vis = v
		if v == elf.STV_INTERNAL {
			s.Vis = elf.STV_HIDDEN
		}
	}
	if es.isUndef() {
		if es.bind() == elf.STB_WEAK {
			if !s.Referenced {
				s.WeakRefOnly = true
			}
		} else {
			s.WeakRefOnly = false
		}
		s.Referenced = true
		if es.bind() != elf.STB_WEAK && s.lazy != nil && s.rank == rankLazy {
			ctx.extract(s.lazy)
		}
		return
	}
	rank := rankStrong
	var sec *InputSection
	switch {
	case es.isCommon():
		rank = rankCommon
	case es.isAbs():
	default:
		shndx := obj.symSection(i)
		if shndx >= uint32(len(obj.Sections)) {
			ctx.errorf("%s: symbol %d (%s): section index %d out of range (%d sections)", obj.Name, i, name, shndx, len(obj.Sections))
			return
		}
		sec = obj.Sections[shndx]
		if sec == nil || !sec.Live {
			return // in a discarded COMDAT group: the winning copy defines it
		}
	}
	if es.bind() == elf.STB_WEAK && rank == rankStrong {
		rank = rankWeak
	}
	if rank == rankCommon && s.rank == rankCommon {
		// Commons merge: the largest size and alignment win.
		s.Size = max(s.Size, es.Size)
		s.Align = max(s.Align, es.Value)
		return
	}
	if rank == rankStrong && s.rank == rankStrong && s.File != nil {
		ctx.errorf("duplicate symbol: %s\n>>> defined in %s\n>>> defined in %s", name, s.File.Name, obj.Name)
		return
	}
	if rank > s.rank || rank == s.rank && s.File != nil && s.File.Priority <= obj.Priority {
		return
	}
	s.File, s.Sec, s.Shared = obj, sec, nil
	s.Value, s.Size, s.Type, s.Bind = es.Value, es.Size, es.typ(), es.bind()
	s.Abs = es.isAbs()
	s.Common = es.isCommon()
	if s.Common {
		s.Align = es.Value
		s.Value = 0
	}
	s.rank = rank
	s.lazy = nil
	s.Imported = false
	// Only a winning definition needs its .symver version: the name is
	// not scanned again for every reference.
	_, s.VerName, s.VerHidden, _ = ctx.globalKey(obj, i)
	if es.bind() == stbGNUUnique {
		s.Bind = stbGNUUnique
	}
}

// addShared enters a shared library's definitions into the table. Its
// definitions rank below any object's.
func (ctx *Context) addShared(so *SharedFile) {
	for _, d := range ctx.dsos {
		if d.Soname == so.Soname {
			return // the same library twice (libc.so and a direct libc.so.6)
		}
	}
	ctx.dsos = append(ctx.dsos, so)
	so.Used = !so.AsNeeded
	for i := range so.Syms {
		ss := &so.Syms[i]
		key := ss.Name
		if ss.Hidden {
			key = ss.Name + "@" + ss.Ver
		}
		if ss.Undef {
			if s := ctx.lookup(key); s != nil {
				s.RefByDSO = true
			} else {
				s := ctx.intern(key)
				s.RefByDSO = true
				s.rank = rankUndefined
			}
			continue
		}
		s := ctx.intern(key)
		// An executable exports what a library also defines, so the
		// library's own references (COMDAT templates, unique statics)
		// bind to the executable's copy, as with ld and lld.
		s.RefByDSO = true
		rank := rankShared
		if ss.Bind == elf.STB_WEAK {
			rank = rankSharedWk
		}
		if rank >= s.rank {
			continue
		}
		s.File, s.Sec, s.Shared = nil, nil, so
		s.Value, s.Size, s.Type, s.Bind = ss.Value, ss.Size, ss.Type, ss.Bind
		s.Abs, s.Common = false, false
		s.rank, s.lazy = rank, nil
		s.VerName, s.VerHidden = ss.Ver, ss.Hidden
		s.Imported = true
	}
}

// addArchive registers an archive's symbols as lazy, or loads every member
// under --whole-archive.
func (ctx *Context) addArchive(ar *archive.Archive, in Input, prio int, mapping *inputMapping) {
	ai := &archiveInput{path: ar.Path, ar: ar, priority: prio, excludeLibs: ctx.excludedArchive(ar.Path), mapping: mapping}
	ai.members = make([]*archiveMember, len(ar.Members))
	for i := range ar.Members {
		ai.members[i] = &archiveMember{ar: ai, idx: i}
	}
	ctx.archives = append(ctx.archives, ai)
	if in.WholeArchive {
		for _, m := range ai.members {
			ctx.extract(m)
		}
		return
	}
	if !ar.HasIndex {
		ctx.indexArchive(ai)
		return
	}
	// Walk the index in member order, so extraction order, and with it the
	// output, is the archive's. A GNU index is in member order already.
	byMember := func(a, b archive.IndexEntry) int { return cmp.Compare(a.Member, b.Member) }
	entries := ar.Index
	if !slices.IsSortedFunc(entries, byMember) {
		entries = slices.Clone(entries)
		slices.SortStableFunc(entries, byMember)
	}
	for _, e := range entries {
		ctx.offerLazy(e.Name, ai.members[e.Member])
	}
}

// offerLazy makes an archive member the provider of name, extracting it at
// once if a live object already needs the symbol.
func (ctx *Context) offerLazy(name string, m *archiveMember) {
	s := ctx.intern(name)
	if s.rank < rankLazy || s.lazy != nil {
		return
	}
	if s.Referenced && !s.WeakRefOnly {
		ctx.extract(m)
		return
	}
	s.lazy, s.rank = m, rankLazy
}

// indexArchive reads the symbols of an archive that has no index (ld
// requires one; lld and mold read the members instead, and so do we).
func (ctx *Context) indexArchive(ai *archiveInput) {
	for _, m := range ai.members {
		mem := ai.ar.Members[m.idx]
		if ai.ar.Thin || len(mem.Data) < 4 || string(mem.Data[:4]) != "\x7fELF" {
			continue
		}
		obj, err := parseObject(m.name(), mem.Data)
		if err != nil {
			continue // not an object (ld ignores such members too)
		}
		for i := obj.FirstGlobal; i < len(obj.esyms); i++ {
			es := obj.esyms[i]
			if es.isUndef() || es.isCommon() {
				continue
			}
			if name, err := obj.symName(i); err == nil {
				ctx.offerLazy(name, m)
			}
		}
	}
}

// extract pulls an archive member into the link.
func (ctx *Context) extract(m *archiveMember) {
	if m.extracted {
		return
	}
	m.extracted = true
	ctx.pending = append(ctx.pending, m)
}

// drainExtractions loads extracted members until no new one is needed.
// Each wave of pending members is parsed in parallel, then entered into
// the symbol table one by one in extraction order, so the result is that
// of a first-in-first-out walk whatever the thread count.
func (ctx *Context) drainExtractions() {
	for len(ctx.pending) > 0 {
		wave := ctx.pending
		ctx.pending = nil
		objs := make([]*ObjectFile, len(wave))
		errs := make([]error, len(wave))
		ctx.parallelFor(len(wave), func(i int) {
			objs[i], errs[i] = ctx.parseMember(wave[i])
			if errs[i] == nil {
				ctx.prepareSymbols(objs[i])
			}
		})
		for i, obj := range objs {
			if errs[i] != nil {
				ctx.errorf("%v", errs[i])
				continue
			}
			ctx.inputCount++
			obj.Priority = ctx.inputCount
			if ctx.Cfg.Trace {
				fmt.Fprintln(ctx.Log, obj.Name)
			}
			ctx.addObject(obj)
		}
	}
}

// parseMember parses an archive member as an object; it runs in parallel.
func (ctx *Context) parseMember(m *archiveMember) (*ObjectFile, error) {
	mem := m.ar.ar.Members[m.idx]
	data, mapping := mem.Data, m.ar.mapping
	if m.ar.ar.Thin {
		var err error
		if data, err = ctx.mapFile(mem.Path); err != nil {
			return nil, fmt.Errorf("%s: %v", m.name(), err)
		}
		mapping = ctx.mappingOf(data)
	}
	obj, err := parseObject(m.name(), data)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", m.name(), err)
	}
	obj.mapping = mapping
	obj.inArchive = true
	obj.excludeLibs = m.ar.excludeLibs
	obj.Live = true
	return obj, nil
}

// excludedArchive reports whether --exclude-libs names this archive.
func (ctx *Context) excludedArchive(path string) bool {
	base := filepath.Base(path)
	for _, n := range ctx.Cfg.ExcludeLibs {
		if n == "ALL" || n == base {
			return true
		}
	}
	return false
}

// allocateCommons turns the surviving common symbols into .bss space.
func (ctx *Context) allocateCommons() {
	for _, s := range ctx.symbolOrder {
		if !s.Common || s.File == nil {
			continue
		}
		sec := &InputSection{File: s.File, Index: ^uint32(0), Name: ".bss", Type: elf.SHT_NOBITS,
			Flags: elf.SHF_ALLOC | elf.SHF_WRITE, Align: max(s.Align, 1), Size: s.Size, Live: true}
		s.File.Sections = append(s.File.Sections, sec)
		s.Sec, s.Value, s.Common = sec, 0, false
		if s.Type == elf.STT_NOTYPE || s.Type == elf.STT_COMMON {
			s.Type = elf.STT_OBJECT
		}
	}
}

// wrapped applies --wrap to an undefined reference: foo becomes __wrap_foo
// and __real_foo becomes foo.
func (ctx *Context) wrapped(name string) string {
	for _, w := range ctx.Cfg.Wraps {
		switch name {
		case w:
			return "__wrap_" + w
		case "__real_" + w:
			return w
		}
	}
	return name
}
