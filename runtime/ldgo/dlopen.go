package main

import (
	"debug/elf"
	"fmt"

	"gold/dynsym"
)

// The service side of dlopen and friends: full Go, on the service thread.

const (
	rtldLazy   = 0x1
	rtldNoload = 0x4
	rtldGlobal = 0x100
)

// dlState is what the service keeps between requests.
type dlState struct {
	byHandle map[uintptr]*Object
	groups   map[*Object][]*Object // an object and its dependencies, breadth-first
	refs     map[*Object]int
}

var dl = dlState{byHandle: map[uintptr]*Object{}, groups: map[*Object][]*Object{}, refs: map[*Object]int{}}

// serve answers one request; a panic becomes an error, never a crash.
func (l *loader) serve(r *relocator, op uintptr, a [4]uintptr) (res, inits uintptr, err error) {
	defer func() {
		if p := recover(); p != nil {
			res, inits, err = 0, 0, fmt.Errorf("ldgo: internal error: %v", p)
		}
	}()
	switch op {
	case dlOpen:
		if a[3] > 1 {
			return 0, 0, fmt.Errorf("dlmopen: only LM_ID_BASE is supported")
		}
		return l.dlopen(r, cstring(a[0]), int(a[1]))
	case dlSym:
		v, err := l.dlsym(r, a[0], cstring(a[1]), cstring(a[2]), a[3])
		return v, 0, err
	case dlClose:
		if o := dl.byHandle[a[0]]; o == nil {
			return 0, 0, fmt.Errorf("shared object not open")
		}
		return 0, 0, nil // objects stay mapped (dlclose is issue 5)
	case dlAddr:
		return l.dladdr(a[0], a[1], a[2], a[3]), 0, nil
	}
	return 0, 0, fmt.Errorf("unknown request")
}

// register makes the objects of the start-up set known to the service.
func (l *loader) registerInitial() {
	for _, o := range l.objs {
		dl.byHandle[o.linkMap] = o
		dl.refs[o] = 1
	}
}

func (l *loader) group(root *Object) []*Object {
	if g, ok := dl.groups[root]; ok {
		return g
	}
	g := []*Object{root}
	seen := map[*Object]bool{root: true}
	for i := 0; i < len(g); i++ {
		for _, d := range g[i].deps {
			if !seen[d] {
				seen[d] = true
				g = append(g, d)
			}
		}
	}
	dl.groups[root] = g
	return g
}

// dlopen loads file and its dependencies, relocates what is new and
// returns the handle (its link_map) and the constructors to run.
func (l *loader) dlopen(r *relocator, file string, mode int) (uintptr, uintptr, error) {
	prog := l.objs[0]
	if file == "" {
		return prog.linkMap, 0, nil
	}
	if o := l.byName[file]; o != nil {
		dl.refs[o]++
		if mode&rtldGlobal != 0 {
			r.addGlobal(l.group(o))
		}
		return o.linkMap, 0, nil
	}
	if mode&rtldNoload != 0 {
		return 0, 0, nil
	}
	first := len(l.objs)
	root, err := l.loadLibrary(file, prog)
	if err != nil {
		return 0, 0, dlErr(err)
	}
	if err := l.loadDependencies(); err != nil {
		l.forget(first) // the mappings stay, unreferenced
		return 0, 0, dlErr(err)
	}
	fresh := l.objs[first:]
	for _, o := range fresh {
		if err := addDynamicTLS(o, road); err != nil {
			l.forget(first)
			return 0, 0, err
		}
	}
	group := l.group(root)
	scoped := &relocator{scope: append(append([]*Object{}, r.scope...), group...), provided: r.provided, bindNow: true, debug: r.debug}
	order := l.initOrder(root)
	order = append(order, root)
	for _, o := range order {
		if o.relocated {
			continue
		}
		if _, err := scoped.relocate(o, false); err != nil {
			l.forget(first)
			if se, ok := err.(*symbolError); ok {
				return 0, 0, fmt.Errorf("%s: undefined symbol: %s", se.obj.path, se.name)
			}
			return 0, 0, fmt.Errorf("%s: %v", o.path, err)
		}
	}
	scoped.finishPending()
	if road != nil {
		road.debugState(1)
		road.addLinkMaps(l.objs[first-1], fresh)
		road.tlsChanged(fresh)
		road.debugState(0)
	}
	var entries [][4]uintptr
	ps := l.ps
	for _, o := range fresh {
		rebaseDynamic(o)
		o.protectRELRO()
		registerFindObject(o)
		dl.byHandle[o.linkMap] = o
	}
	for _, o := range order {
		if o.initDone || !containsObj(fresh, o) {
			continue
		}
		o.initDone = true
		if v, ok := o.dynVal(elf.DT_INIT); ok {
			entries = append(entries, [4]uintptr{o.bias + uintptr(v), uintptr(ps.argc), ps.argv, ps.envp})
		}
		for _, fn := range arrayEntries(o, elf.DT_INIT_ARRAY, elf.DT_INIT_ARRAYSZ) {
			entries = append(entries, [4]uintptr{fn, uintptr(ps.argc), ps.argv, ps.envp})
		}
	}
	dl.refs[root]++
	if mode&rtldGlobal != 0 {
		r.addGlobal(group)
	}
	var inits uintptr
	if len(entries) > 0 {
		inits = arenaAlloc(uintptr(len(entries)+1)*32, 16)
		for i, e := range entries {
			for j, v := range e {
				putPtr(inits+uintptr(i*32+j*8), v)
			}
		}
	}
	return root.linkMap, inits, nil
}

// dlErr words a load error as dlerror does (no "error while loading").
func dlErr(err error) error {
	if le, ok := err.(*loadError); ok {
		return fmt.Errorf("%s: %v", le.name, le.err)
	}
	return err
}

// addGlobal appends objects to the global scope (RTLD_GLOBAL), for later
// dlopens and for lazily bound calls.
func (r *relocator) addGlobal(objs []*Object) {
	for _, o := range objs {
		if !containsObj(r.scope, o) {
			r.scope = append(r.scope, o)
			addLazyObject(o, true)
		}
	}
}

// dlsym looks name (at version, if given) up for handle: RTLD_DEFAULT (0)
// is the global scope, RTLD_NEXT (-1) the objects after the caller's, any
// other handle its object and dependencies.
func (l *loader) dlsym(r *relocator, handle uintptr, name, version string, caller uintptr) (uintptr, error) {
	ref := symRef{name: name, gnuHash: dynsym.GNUHash(name)}
	if version != "" {
		ref.version = &versionName{name: version, hash: elfHash(version)}
	}
	var scope []*Object
	switch handle {
	case 0:
		scope = r.scope
		if c := l.objectAt(caller); c != nil && !containsObj(scope, c) {
			scope = append(append([]*Object{}, scope...), l.group(c)...)
		}
	case ^uintptr(0):
		c := l.objectAt(caller)
		for i, o := range r.scope {
			if o == c {
				scope = r.scope[i+1:]
			}
		}
	default:
		o := dl.byHandle[handle]
		if o == nil {
			return 0, fmt.Errorf("invalid handle")
		}
		scope = l.group(o)
	}
	def := lookup(scope, &ref, 0, nil)
	if !def.found() {
		where := "ldgo"
		if o := dl.byHandle[handle]; o != nil {
			where = o.path
			if o.isMain {
				where = ""
			}
		}
		return 0, fmt.Errorf("%s: undefined symbol: %s", where, name)
	}
	v := symAddr(def.obj, def.sym)
	switch def.typ() {
	case elf.STT_GNU_IFUNC:
		v = callC(v, 0, 0, 0)
	case elf.STT_TLS:
		return 0, fmt.Errorf("%s: dlsym of a TLS symbol is not supported yet", name)
	}
	return v, nil
}

// objectAt finds the object whose mapping holds addr.
func (l *loader) objectAt(addr uintptr) *Object {
	for _, o := range l.objs {
		if addr >= o.mapStart && addr < o.mapEnd {
			return o
		}
	}
	return nil
}

// dladdr fills Dl_info {dli_fname, dli_fbase, dli_sname, dli_saddr} with
// the object holding addr and the nearest symbol at or below it.
func (l *loader) dladdr(addr, info, extra, flags uintptr) uintptr {
	o := l.objectAt(addr)
	if o == nil {
		return 0
	}
	putPtr(info, getPtr(o.linkMap+road.lay.lm.name))
	if o.isMain {
		putPtr(info, arenaString(o.path))
	}
	putPtr(info+8, o.mapStart)
	putPtr(info+16, 0)
	putPtr(info+24, 0)
	var best uintptr
	if n := o.symbolCount(); n > 0 {
		for i := uintptr(1); i < n; i++ {
			s := o.symtab + i*symSize
			v := o.bias + uintptr(get64(s+symValue))
			if get16(s+symShndx) == 0 || get64(s+symValue) == 0 || v > addr {
				continue
			}
			size := uintptr(get64(s + symSizeF))
			if addr >= v+max(size, 1) && size != 0 {
				continue
			}
			if best == 0 || v > o.bias+uintptr(get64(best+symValue)) {
				best = s
			}
		}
	}
	if best != 0 {
		putPtr(info+16, o.strtab+uintptr(get32(best+symName)))
		putPtr(info+24, o.bias+uintptr(get64(best+symValue)))
	}
	if extra != 0 {
		switch flags {
		case 2: // RTLD_DL_LINKMAP
			putPtr(extra, o.linkMap)
		case 1: // RTLD_DL_SYMENT
			putPtr(extra, best)
		}
	}
	return 1
}

// symbolCount is the number of dynamic symbols (from the hash tables).
func (o *Object) symbolCount() uintptr {
	if o.sysvHash != 0 {
		return uintptr(get32(o.sysvHash + 4))
	}
	h := o.gnuHash
	if h == 0 {
		return 0
	}
	nbuckets, symoffset, bloomSize := get32(h), get32(h+4), get32(h+8)
	buckets := h + 16 + uintptr(bloomSize)*8
	chain := buckets + uintptr(nbuckets)*4
	last := uint32(0)
	for i := uint32(0); i < nbuckets; i++ {
		last = max(last, get32(buckets+uintptr(i)*4))
	}
	if last < symoffset {
		return uintptr(symoffset)
	}
	for get32(chain+uintptr(last-symoffset)*4)&1 == 0 {
		last++
	}
	return uintptr(last) + 1
}

// elfHash is the ELF (SysV) hash that version entries carry.
func elfHash(s string) uint32 { return dynsym.SysVHash(s) }

// forget drops the objects a failed dlopen loaded from the loader's sets.
func (l *loader) forget(first int) {
	for _, o := range l.objs[first:] {
		for k, v := range l.byName {
			if v == o {
				delete(l.byName, k)
			}
		}
		delete(l.byFile, [2]uint64{o.dev, o.ino})
	}
	l.objs = l.objs[:first]
}
