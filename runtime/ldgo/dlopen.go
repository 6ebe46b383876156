package main

import (
	"debug/elf"
	"fmt"
	"os"
	"path/filepath"
	"syscall"

	"gold/dynsym"
	"gold/runtime/ldgo/search"

	"golang.org/x/sys/unix"
)

// The service side of dlopen and friends: full Go, on the service thread
// (or, in a forked child, on the thread that called; see dlfork.go).

const (
	rtldLazy     = 0x1
	rtldNoload   = 0x4
	rtldDeepbind = 0x8
	rtldGlobal   = 0x100
	rtldNodelete = 0x1000
)

// dlState is what the service keeps between requests, beside the loader's
// object list (l.objs is the namespace's link-map list in order).
type dlState struct {
	byHandle  map[uintptr]*Object
	groups    map[*Object][]*Object // a dlopen root (or the program) and its dependencies, breadth-first
	direct    map[*Object]int       // dlopen count (glibc's l_direct_opencount)
	initial   map[*Object]bool      // the start-up set: never unloaded
	nodelete  map[*Object]bool
	global    map[*Object]bool // dlopen'ed with RTLD_GLOBAL
	deep      map[*Object]bool // its group was relocated with RTLD_DEEPBIND
	scopeRoot map[*Object]*Object
	reldeps   map[*Object]map[*Object]bool // bindings outside the dependencies
	regions   map[*Object][2]uintptr       // memory of the link map and its strings
	closing   []*Object                    // chosen by dlClose, unmapped by dlCloseFinish
	mainName  uintptr
	closes    int
}

var dl = dlState{byHandle: map[uintptr]*Object{}, groups: map[*Object][]*Object{},
	direct: map[*Object]int{}, initial: map[*Object]bool{}, nodelete: map[*Object]bool{},
	global: map[*Object]bool{}, deep: map[*Object]bool{}, scopeRoot: map[*Object]*Object{},
	reldeps: map[*Object]map[*Object]bool{}, regions: map[*Object][2]uintptr{}}

// serve answers one request; a panic becomes an error, never a crash.
func (l *loader) serve(r *relocator, op uintptr, a [5]uintptr) (res, table uintptr, err error) {
	defer func() {
		if p := recover(); p != nil {
			res, table, err = 0, 0, fmt.Errorf("ldgo: internal error: %v", p)
		}
	}()
	switch op {
	case dlOpen:
		if a[3] == 1 {
			return l.dlmopen(r, a[4], a[0], int(a[1]), a[2])
		}
		ns := 0
		if c := l.objectAt(a[2]); c != nil {
			ns = c.ns // dlopen loads into the caller's namespace
		}
		return l.dlopenNS(r, ns, a[0], int(a[1]), a[2])
	case dlSym:
		v, err := l.dlsym(r, a[0], cstring(a[1]), cstring(a[2]), a[3])
		return v, 0, err
	case dlClose:
		t, err := l.dlclose(a[0])
		return 0, t, err
	case dlCloseFinish:
		l.dlcloseFinish(r)
		return 0, 0, nil
	case dlAddr:
		return l.dladdr(a[0], a[1], a[2], a[3]), 0, nil
	case dlInfo:
		v, err := l.dlinfo(a[0], a[1], a[2], a[3])
		return v, 0, err
	case dlFini:
		return 0, l.exitFinis(), nil
	}
	return 0, 0, fmt.Errorf("unknown request")
}

// registerInitial makes the objects of the start-up set known to the
// service.
func (l *loader) registerInitial() {
	for _, o := range l.objs {
		dl.byHandle[o.linkMap] = o
		dl.direct[o] = 1
		dl.initial[o] = true
		o.initDone = true
	}
	if len(l.objs) > 0 {
		dl.mainName = arenaString(l.objs[0].path)
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

// localScope is the search list an object's symbols are looked up in
// besides the global scope: its dlopen root's group, nil for the start-up
// set.
func (l *loader) localScope(o *Object) []*Object {
	if root := dl.scopeRoot[o]; root != nil {
		return l.group(root)
	}
	return nil
}

// symbolScope is glibc's l_scope of o: global scope then local, or the
// other way round with RTLD_DEEPBIND.
func (l *loader) symbolScope(r *relocator, o *Object) []*Object {
	local := l.localScope(o)
	global := l.globalScopeOf(r, o.ns)
	if local == nil {
		return global
	}
	if dl.deep[dl.scopeRoot[o]] {
		return appendNew(append([]*Object{}, local...), global)
	}
	return appendNew(append([]*Object{}, global...), local)
}

// appendNew appends the objects of b not in a.
func appendNew(a, b []*Object) []*Object {
	for _, o := range b {
		if !containsObj(a, o) {
			a = append(a, o)
		}
	}
	return a
}

// findLoaded returns the loaded object dlopen's name refers to, if any:
// by name or soname, else by the file the search finds.
func (l *loader) findLoaded(name string, req *Object) *Object {
	if o := l.byName[name]; o != nil && !containsObj(dl.closing, o) {
		return o
	}
	res, err := l.findLibrary(name, req, forNeeded)
	if err != nil {
		return nil
	}
	path := res.Path
	var st syscall.Stat_t
	if syscall.Stat(path, &st) != nil {
		return nil
	}
	if o := l.byFile[[2]uint64{st.Dev, st.Ino}]; o != nil && !containsObj(dl.closing, o) {
		return o
	}
	return nil
}

// dlopenNS loads file and its dependencies into namespace ns, relocates
// what is new and returns the handle (its link_map) and the constructors
// to run.
func (l *loader) dlopenNS(r *relocator, ns int, fileAddr uintptr, mode int, caller uintptr) (uintptr, uintptr, error) {
	prog := l.objs[0]
	if fileAddr == 0 {
		dl.direct[prog]++
		return prog.linkMap, 0, nil
	}
	defer l.enterNS(l.enterNS(ns))
	file := cstring(fileAddr)
	req := l.objectAt(caller)
	if req == nil {
		req = prog
	}
	if ns != 0 && sharedWithBase(file) {
		// glibc's libraries are the base namespace's.
		l.enterNS(0)
	}
	if o := l.findLoaded(file, req); o != nil {
		dl.direct[o]++
		l.applyMode(r, o, mode)
		return o.linkMap, 0, nil
	}
	if mode&rtldNoload != 0 {
		return 0, 0, nil
	}
	first := len(l.objs)
	root, err := l.loadLibrary(file, req)
	if err != nil {
		return 0, 0, dlErr(err)
	}
	if len(l.objs) == first {
		// Found under another name after all.
		dl.direct[root]++
		l.applyMode(r, root, mode)
		return root.linkMap, 0, nil
	}
	for i := first; i < len(l.objs); i++ {
		o := l.objs[i]
		l.enterNS(o.ns)
		for _, name := range o.needed {
			dep, err := l.loadLibrary(name, o)
			if err != nil {
				l.discard(first)
				return 0, 0, dlErr(err)
			}
			o.deps = append(o.deps, dep)
		}
	}
	l.enterNS(ns)
	fresh := append([]*Object{}, l.objs[first:]...)
	for _, o := range fresh {
		if err := addDynamicTLS(o, road); err != nil {
			l.discard(first)
			return 0, 0, err
		}
	}
	delete(dl.groups, root)
	g := l.group(root)
	if ns != 0 && root.ns == ns && namespaces[ns] != nil && len(namespaces[ns].global) == 0 {
		// The first object of a namespace: its group is the namespace's
		// global scope (glibc's _ns_loaded searchlist).
		addNSGlobal(ns, g)
	}
	for _, o := range fresh {
		if o.ns == root.ns {
			dl.scopeRoot[o] = root
		} else {
			// A glibc library the base namespace gets for a namespace's
			// sake: a group of its own there.
			dl.scopeRoot[o] = o
			delete(dl.groups, o)
		}
	}
	if mode&rtldDeepbind != 0 {
		dl.deep[root] = true
	}
	// RTLD_LAZY: PLT slots are bound at the first call (lazy.go), if the
	// lazy table has room for the new objects and their groups.
	lazyOK := mode&rtldLazy != 0 && !r.bindNow && lazyRoom(2*len(fresh)+len(l.symbolScope(r, root)))
	scoped := &relocator{provided: r.provided, rtld: r.rtld, bindNow: !lazyOK, debug: r.debug,
		bound: func(from, to *Object) {
			if dl.initial[to] {
				return
			}
			if dl.reldeps[from] == nil {
				dl.reldeps[from] = map[*Object]bool{}
			}
			dl.reldeps[from][to] = true
		}}
	order := append(l.initOrder(root), root)
	for _, o := range order {
		if o.relocated {
			continue
		}
		scoped.scope = l.symbolScope(r, o)
		if _, err := scoped.relocate(o, false); err != nil {
			l.discard(first)
			if se, ok := err.(*symbolError); ok {
				return 0, 0, fmt.Errorf("%s: %s", se.obj.path, se.detail())
			}
			return 0, 0, fmt.Errorf("%s: %v", o.path, err)
		}
	}
	scoped.finishPending()
	for _, o := range fresh {
		if !o.lazy {
			continue
		}
		// Bound at the first call: the object's lazy entry searches its
		// namespace's global scope and its group, as relocation did.
		idx := addLazyObject(o, false)
		if idx < 0 {
			continue // lazyRoom said there was room
		}
		local := l.localScope(o)
		if o.ns != 0 {
			local = appendNew(append([]*Object{}, l.globalScopeOf(r, o.ns)...), local)
		}
		setLazyScope(idx, local, o.ns != 0, dl.deep[dl.scopeRoot[o]])
		got := o.bias + uintptr(o.dyn[elf.DT_PLTGOT])
		putPtr(got+8, uintptr(idx))
		putPtr(got+16, lazyTrampolineAddr())
	}
	if road != nil {
		road.debugState(1)
		l.linkFresh(fresh)
		road.tlsChanged(fresh)
		road.debugState(0)
	}
	for _, o := range fresh {
		rebaseDynamic(o)
		// Past the point of no return: a RELRO range that cannot be
		// protected leaves the object writable (glibc's dlopen fails).
		_ = o.protectRELRO()
		addFindObject(o)
		dl.byHandle[o.linkMap] = o
		if o.flags1&0x8 != 0 { // DF_1_NODELETE
			dl.nodelete[o] = true
		}
	}
	var entries [][4]uintptr
	ps := l.ps
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
	dl.direct[root]++
	l.applyMode(r, root, mode)
	return root.linkMap, newCallTable(entries), nil
}

// applyMode applies RTLD_GLOBAL (promotion included) and RTLD_NODELETE to
// an object dlopen returns, and refreshes its link map's flags.
func (l *loader) applyMode(r *relocator, o *Object, mode int) {
	if mode&rtldGlobal != 0 && o.ns != 0 {
		for _, g := range l.group(o) {
			dl.global[g] = true
		}
		addNSGlobal(o.ns, l.group(o))
	} else if mode&rtldGlobal != 0 && !dl.initial[o] {
		for _, g := range l.group(o) {
			if !dl.initial[g] {
				dl.global[g] = true
			}
		}
		r.addGlobal(l.group(o))
	}
	if mode&rtldNodelete != 0 {
		dl.nodelete[o] = true
	}
	l.updateLinkMapFlags(o)
}

// newCallTable puts {fn, a1, a2, a3} entries in an mmap'd table for the
// caller (runTable unmaps it): 16-byte header {mapping size, 0}, the
// entries, a zero entry.
func newCallTable(entries [][4]uintptr) uintptr {
	if len(entries) == 0 {
		return 0
	}
	size := pageUp(uintptr(16 + (len(entries)+1)*32))
	m, err := unix.MmapPtr(-1, 0, nil, size, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANONYMOUS)
	if err != nil {
		return 0
	}
	t := uintptr(m)
	putPtr(t, size)
	for i, e := range entries {
		for j, v := range e {
			putPtr(t+16+uintptr(i*32+j*8), v)
		}
	}
	return t
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
// is the caller's scope, RTLD_NEXT (-1) the objects after the caller's in
// its root's search list, any other handle its search list.
func (l *loader) dlsym(r *relocator, handle uintptr, name, version string, caller uintptr) (uintptr, error) {
	ref := symRef{name: name, gnuHash: dynsym.GNUHash(name)}
	if version != "" {
		ref.version = &versionName{name: version, hash: elfHash(version)}
	}
	prog := l.objs[0]
	c := l.objectAt(caller)
	if c == nil {
		c = prog
	}
	var scope []*Object
	var skip *Object
	undef := c
	switch handle {
	case 0:
		scope = l.symbolScope(r, c)
	case ^uintptr(0):
		list := r.scope
		if local := l.localScope(c); local != nil {
			list = local
		}
		for i, o := range list {
			if o == c {
				scope = list[i+1:]
			}
		}
	default:
		o := dl.byHandle[handle]
		if o == nil || containsObj(dl.closing, o) {
			return 0, fmt.Errorf("invalid handle")
		}
		undef = o
		if o == prog {
			scope = r.scope
		} else {
			scope = l.group(o)
		}
	}
	def := lookup(scope, &ref, 0, skip)
	if !def.found() {
		msg := "undefined symbol: " + name
		if version != "" {
			msg += ", version " + version
		}
		if undef.isMain {
			// glibc names the program by its argv[0] (rtld_progname).
			return 0, fmt.Errorf("%s: %s", cstring(getPtr(l.ps.argv)), msg)
		}
		return 0, fmt.Errorf("%s: %s", undef.path, msg)
	}
	v := symAddr(def.obj, def.sym)
	switch def.typ() {
	case elf.STT_GNU_IFUNC:
		v = runResolver(v)
	case elf.STT_TLS:
		return 0, fmt.Errorf("%s: dlsym of a TLS symbol is not supported yet", name)
	}
	return v, nil
}

// objectAt finds the object whose mapping holds addr.
func (l *loader) objectAt(addr uintptr) *Object {
	if addr == 0 {
		return nil
	}
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
	if o == nil || o.linkMap == 0 {
		return 0
	}
	putPtr(info, getPtr(o.linkMap+road.lay.lm.name))
	if o.isMain {
		putPtr(info, dl.mainName)
	}
	putPtr(info+8, o.mapStart)
	putPtr(info+16, 0)
	putPtr(info+24, 0)
	var best uintptr
	if n := o.symbolCount(); n > 0 {
		for i := uintptr(1); i < n; i++ {
			s := o.symtab + i*symSize
			v := o.bias + uintptr(get64(s+symValue))
			if get16(s+symShndx) == 0 || get64(s+symValue) == 0 || v > addr || uintptr(get32(s+symName)) >= o.strsz {
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

// dlinfo answers RTLD_DI_LMID (1), RTLD_DI_LINKMAP (2), RTLD_DI_ORIGIN (6),
// RTLD_DI_TLS_MODID (9), RTLD_DI_TLS_DATA (10) and RTLD_DI_PHDR (11).
func (l *loader) dlinfo(handle, request, arg, tp uintptr) (uintptr, error) {
	o := dl.byHandle[handle]
	if o == nil {
		return 0, fmt.Errorf("invalid handle")
	}
	switch request {
	case 1:
		put64(arg, uint64(namespaceOf(o)))
	case 2:
		putPtr(arg, handle)
	case 6:
		s := objectOrigin(o)
		if p, err := filepath.Abs(s); err == nil {
			s = p
		}
		copy(bytesAt(arg, len(s)+1), s+"\x00")
	case 9:
		putPtr(arg, o.tlsModid)
	case 10:
		putPtr(arg, 0)
		if o.tlsModid != 0 && tp != 0 {
			if dtv := getPtr(tp + 8); dtv != 0 && getPtr(dtv-16) >= o.tlsModid {
				b := getPtr(dtv + o.tlsModid*16)
				if b != 0 && b != ^uintptr(0) && getPtr(dtvGen(dtv, o.tlsModid)) == tlsState.modules[o.tlsModid].gen {
					putPtr(arg, b)
				}
			}
		}
	case 11:
		putPtr(arg, o.phdr)
		return uintptr(o.phnum), nil
	default:
		return 0, fmt.Errorf("unsupported dlinfo request")
	}
	return 0, nil
}

// symbolCount is the number of dynamic symbols (from the hash tables,
// checked by checkTables).
func (o *Object) symbolCount() uintptr { return o.hashSyms }

// elfHash is the ELF (SysV) hash that version entries carry.
func elfHash(s string) uint32 { return dynsym.SysVHash(s) }

// forget drops objects from the loader's sets.
func (l *loader) forget(objs []*Object) {
	drop := map[*Object]bool{}
	for _, o := range objs {
		drop[o] = true
	}
	for _, o := range objs {
		byName, byFile := l.tablesOf(o)
		for k, v := range byName {
			if v == o {
				delete(byName, k)
			}
		}
		for k, v := range byFile {
			if v == o {
				delete(byFile, k)
			}
		}
		if ns := namespaces[o.ns]; ns != nil {
			kept := ns.global[:0]
			for _, g := range ns.global {
				if !drop[g] {
					kept = append(kept, g)
				}
			}
			ns.global = kept
		}
	}
	kept := l.objs[:0]
	for _, o := range l.objs {
		if !drop[o] {
			kept = append(kept, o)
		}
	}
	for i := len(kept); i < len(l.objs); i++ {
		l.objs[i] = nil
	}
	l.objs = kept
}

// discard undoes a failed dlopen: the objects it mapped go away.
func (l *loader) discard(first int) {
	fresh := append([]*Object{}, l.objs[first:]...)
	for _, o := range fresh {
		freeTLSModule(o)
		munmapRaw(o.mapStart, o.mapEnd-o.mapStart)
		delete(dl.scopeRoot, o)
		delete(dl.groups, o)
		delete(dl.reldeps, o)
		delete(dl.deep, o)
	}
	l.forget(fresh)
}

// namespaceOf is the namespace an object was loaded into.
func namespaceOf(o *Object) int { return o.ns }

var _ = os.Getpid

// objectOrigin is the directory $ORIGIN names for an object
// (RTLD_DI_ORIGIN): what the search computed for it when it was loaded.
func objectOrigin(o *Object) string {
	if o.req != nil && o.req.Origin != "" {
		return o.req.Origin
	}
	cwd, _ := os.Getwd()
	return search.Origin(o.path, cwd)
}
