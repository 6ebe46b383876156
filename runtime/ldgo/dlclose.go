package main

import (
	"debug/elf"
	"fmt"
	"runtime/debug"
	"sync/atomic"

	"golang.org/x/sys/unix"
)

// dlclose, as glibc's _dl_close_worker: the handle's count goes down; at
// zero, every dlopen'ed object no longer reachable from a live root (an
// object with a dlopen count, RTLD_NODELETE, or the start-up set) through
// DT_NEEDED links or recorded bindings (l_reldeps) is finalized — on the
// caller's thread, in glibc's order — and then unmapped: link map unlinked
// from _dl_ns, TLS module freed in every thread, _dl_find_object entry
// dropped, link map memory returned.

func (l *loader) dlclose(handle uintptr) (uintptr, error) {
	o := dl.byHandle[handle]
	if o == nil || dl.direct[o] == 0 || containsObj(dl.closing, o) {
		return 0, fmt.Errorf("shared object not open")
	}
	dl.direct[o]--
	l.updateLinkMapFlags(o)
	if dl.direct[o] > 0 || dl.initial[o] {
		return 0, nil
	}
	// Mark what stays (bindings made lazily count: drainLazyDeps).
	drainLazyDeps()
	used := map[*Object]bool{}
	var mark func(x *Object)
	mark = func(x *Object) {
		if used[x] {
			return
		}
		used[x] = true
		for _, d := range x.deps {
			mark(d)
		}
		for d := range dl.reldeps[x] {
			mark(d)
		}
		if lostLazyDeps(x) {
			for _, d := range l.objs {
				if dl.global[d] || d.ns != 0 {
					mark(d)
				}
			}
		}
	}
	for _, x := range l.objs {
		if containsObj(dl.closing, x) {
			continue
		}
		if dl.initial[x] || dl.direct[x] > 0 || dl.nodelete[x] {
			mark(x)
		}
	}
	var unused []*Object
	for _, x := range l.finiOrder(l.objs) {
		if !used[x] && !containsObj(dl.closing, x) {
			unused = append(unused, x)
		}
	}
	var entries [][4]uintptr
	for _, x := range unused {
		entries = append(entries, finiEntries(x)...)
	}
	dl.closing = append(dl.closing, unused...)
	return newCallTable(entries), nil
}

// finiEntries are an object's destructors: DT_FINI_ARRAY backwards, then
// DT_FINI (none if its constructors never ran).
func finiEntries(o *Object) [][4]uintptr {
	if !o.initDone {
		return nil
	}
	var e [][4]uintptr
	arr := arrayEntries(o, elf.DT_FINI_ARRAY, elf.DT_FINI_ARRAYSZ)
	for i := len(arr) - 1; i >= 0; i-- {
		e = append(e, [4]uintptr{arr[i]})
	}
	if v, ok := o.dynVal(elf.DT_FINI); ok {
		e = append(e, [4]uintptr{o.bias + uintptr(v)})
	}
	return e
}

// initfini is glibc's l_initfini without the object itself: a dlopen root's
// (or the program's) whole search list, another object's DT_NEEDED.
func (l *loader) initfini(o *Object) []*Object {
	if g, ok := dl.groups[o]; ok {
		return g[1:]
	}
	return o.deps
}

// finiOrder is glibc's _dl_sort_maps (DFS, for fini): objects before the
// objects they need; otherwise list order.
func (l *loader) finiOrder(objs []*Object) []*Object {
	in := map[*Object]bool{}
	for _, o := range objs {
		in[o] = true
	}
	visited := map[*Object]bool{}
	rpo := make([]*Object, len(objs))
	head := len(objs)
	var dfs func(o *Object)
	dfs = func(o *Object) {
		visited[o] = true
		for _, d := range l.initfini(o) {
			if in[d] && !visited[d] && !d.isMain {
				dfs(d)
			}
		}
		head--
		rpo[head] = o
	}
	for i := len(objs) - 1; i >= 0; i-- {
		if !visited[objs[i]] {
			dfs(objs[i])
		}
	}
	return rpo[head:]
}

// dlcloseFinish unmaps what dlclose chose, once its destructors ran.
func (l *loader) dlcloseFinish(r *relocator) {
	gone := dl.closing
	dl.closing = nil
	if len(gone) == 0 {
		return
	}
	if road != nil {
		road.debugState(2) // RT_DELETE
	}
	drop := map[*Object]bool{}
	for _, o := range gone {
		drop[o] = true
	}
	// Global scope, and lazily bound calls' copy of it.
	kept := r.scope[:0:0]
	for _, o := range r.scope {
		if !drop[o] {
			kept = append(kept, o)
		}
	}
	r.scope = kept
	removeLazyScope(drop)
	for _, o := range gone {
		freeLazyObject(o)
		if road != nil && o.linkMap != 0 {
			unlinkLinkMap(o)
		}
		removeFindObject(o)
		freeTLSModule(o)
		munmapRaw(o.mapStart, o.mapEnd-o.mapStart)
		if reg, ok := dl.regions[o]; ok {
			munmapRaw(reg[0], reg[1])
		}
		delete(dl.regions, o)
		delete(dl.byHandle, o.linkMap)
		delete(dl.direct, o)
		delete(dl.nodelete, o)
		delete(dl.global, o)
		delete(dl.deep, o)
		delete(dl.scopeRoot, o)
		delete(dl.reldeps, o)
		delete(dl.groups, o)
	}
	for x, deps := range dl.reldeps {
		for d := range deps {
			if drop[d] {
				delete(deps, d)
			}
		}
		if len(deps) == 0 {
			delete(dl.reldeps, x)
		}
	}
	l.forget(gone)
	l.dropEmptyNamespaces()
	if road != nil {
		setNNS()
		road.tlsChanged(nil)
		road.debugState(0)
	}
	// The Go heap only grows while the collector is off: collect now and
	// then so that dlopen/dlclose cycles stay flat.
	dl.closes++
	if dl.closes%16 == 0 && !inForkedChild {
		debug.FreeOSMemory()
	}
}

// removeLazyScope replaces the unloaded objects in lazyScope (read without
// locks by lazyBind) by the program's entry, which is harmless to search
// twice.
func removeLazyScope(drop map[*Object]bool) {
	for i, idx := range lazyScope {
		lo := &lazyObjects[idx]
		for o := range drop {
			if lo.bias == o.bias && lo.symtab == o.symtab && !lo.isMain {
				atomic.StoreInt32(&lazyScope[i], 0)
			}
		}
	}
}

// unlinkLinkMap takes o's link map out of its namespace list (the caller
// holds GL(dl_load_write_lock)).
func unlinkLinkMap(o *Object) {
	lay := road.lay
	lm := o.linkMap
	ns := road.global + lay.gl.ns + uintptr(linkList(o))*lay.gl.nsSize
	prev, next := getPtr(lm+lay.lm.prev), getPtr(lm+lay.lm.next)
	if prev != 0 {
		putPtr(prev+lay.lm.next, next)
	} else if getPtr(ns+lay.ns.loaded) == lm {
		putPtr(ns+lay.ns.loaded, next)
	}
	if next != 0 {
		putPtr(next+lay.lm.prev, prev)
	}
	put32(ns+lay.ns.nloaded, get32(ns+lay.ns.nloaded)-1)
}

// setNNS makes GL(dl_nns) one past the highest _dl_ns slot in use.
func setNNS() {
	lay := road.lay
	n := uintptr(1)
	for i := uintptr(1); i < dlNNS; i++ {
		if getPtr(road.global+lay.gl.ns+i*lay.gl.nsSize+lay.ns.loaded) != 0 {
			n = i + 1
		}
	}
	putPtr(road.global+lay.gl.nns, n)
}

// linkFresh gives objects loaded by dlopen link maps, each in its own
// mapping (returned at dlclose), and appends each to the end of its
// namespace's list in _dl_ns (linkList).
func (l *loader) linkFresh(fresh []*Object) {
	lay := road.lay
	for _, o := range fresh {
		size := pageUp(lay.lm.size + 1024 + 2*uintptr(len(o.path)+len(o.name)+len(o.soname)))
		m, err := unix.MmapPtr(-1, 0, nil, size, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANONYMOUS)
		if err != nil {
			o.linkMap = arenaAlloc(lay.lm.size, 16)
			continue
		}
		dl.regions[o] = [2]uintptr{uintptr(m), size}
		o.linkMap = uintptr(m)
	}
	for _, o := range fresh {
		ns := road.global + lay.gl.ns + uintptr(linkList(o))*lay.gl.nsSize
		var tail uintptr
		for lm := getPtr(ns + lay.ns.loaded); lm != 0; lm = getPtr(lm + lay.lm.next) {
			tail = lm
		}
		o.serial = int(get64(road.global+lay.gl.loadAdds)) + 1
		saved := arena
		if reg, ok := dl.regions[o]; ok {
			arena.next, arena.end = reg[0]+lay.lm.size, reg[0]+reg[1]
		}
		buildLinkMap(lay, o, nil, nil, road.scopeElem)
		arena = saved
		if linkList(o) != 0 {
			putPtr(o.linkMap+lay.lm.ns, uintptr(o.ns))
		}
		putPtr(o.linkMap+lay.lm.prev, tail)
		if tail != 0 {
			putPtr(tail+lay.lm.next, o.linkMap)
		} else {
			putPtr(ns+lay.ns.loaded, o.linkMap)
		}
		l.updateLinkMapFlags(o)
		put32(ns+lay.ns.nloaded, get32(ns+lay.ns.nloaded)+1)
		put64(road.global+lay.gl.loadAdds, get64(road.global+lay.gl.loadAdds)+1)
	}
	setNNS()
}

// updateLinkMapFlags sets l_type (lt_loaded for dlopen'ed objects),
// l_global, l_direct_opencount and l_nodelete_active as glibc keeps them.
func (l *loader) updateLinkMapFlags(o *Object) {
	if road == nil || o.linkMap == 0 || dl.initial[o] {
		return
	}
	lay := road.lay
	bits := get32(o.linkMap + lay.lm.bits)
	bits = bits&^3 | 2 // lt_loaded
	bits &^= 1 << 5
	if dl.global[o] {
		bits |= 1 << 5
	}
	put32(o.linkMap+lay.lm.bits, bits)
	put32(o.linkMap+lay.lm.directOpencount, uint32(dl.direct[o]))
	if dl.nodelete[o] {
		put8(o.linkMap+lay.lm.directOpencount+7, 1) // l_nodelete_active, 3 bytes after the bit fields
	}
}

// addFindObject registers o for _dl_find_object, reusing a free entry.
// Readers run lock-free on other threads: an entry's end is written last
// and cleared first.
func addFindObject(o *Object) {
	n := findObjectTable.n
	for i := uintptr(0); i < n && i < uintptr(len(findObjectTable.entries)); i++ {
		e := &findObjectTable.entries[i]
		if e.start == 0 && e.end == 0 {
			var eh uintptr
			for _, p := range o.phdrs {
				if elf.ProgType(p.Type) == elf.PT_GNU_EH_FRAME {
					eh = o.bias + uintptr(p.Vaddr)
				}
			}
			e.start, e.linkMap, e.ehFrame = o.mapStart, o.linkMap, eh
			atomic.StoreUintptr(&e.end, o.mapEnd)
			return
		}
	}
	registerFindObject(o)
}

func removeFindObject(o *Object) {
	for i := range findObjectTable.entries {
		e := &findObjectTable.entries[i]
		if e.linkMap == o.linkMap && e.start == o.mapStart {
			atomic.StoreUintptr(&e.end, 0)
			e.start, e.linkMap, e.ehFrame = 0, 0, 0
		}
	}
}

// exitFinis is the destructor table for the program's exit: every object
// whose constructors ran, in glibc's _dl_fini order (the program first).
func (l *loader) exitFinis() uintptr {
	var entries [][4]uintptr
	for _, o := range l.finiOrder(l.objs) {
		entries = append(entries, finiEntries(o)...)
	}
	if len(entries) == 0 {
		// Nothing to run, but say so (0 would mean "use the old table").
		entries = append(entries, [4]uintptr{cFunc(funcDebugState)})
	}
	return newCallTable(entries)
}
