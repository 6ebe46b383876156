package main

import (
	"debug/elf"
	"sync/atomic"

	"golang.org/x/sys/unix"
)

// The glibc road (DESIGN-NOTES §2): glibc's libc.so.6 runs unchanged under
// ldgo. ld-linux-x86-64.so.2 is mapped as an ordinary library whose
// _dl_start never runs; it supplies the storage and initial contents of
// _rtld_global and _rtld_global_ro, CPU feature detection (its IRELATIVE
// resolver), __tunable_get_val and the other functions libc imports. ldgo
// fills in what ld.so's dl_main would have: GLRO, GL, link maps, TLS, the
// main thread's TCB; then __libc_early_init runs before any initializer.
type glibcRoad struct {
	lay        *glibcLayout
	rtld, libc *Object
	global     uintptr   // _rtld_global
	globalRO   uintptr   // _rtld_global_ro
	scopeElem  uintptr   // struct r_scope_elem of the global scope
	earlyInit  uintptr   // libc's __libc_early_init
	rDebug     []uintptr // the struct r_debug copies debuggers read
}

// debugState tells debuggers the link map list changes (RT_ADD, 1) or is
// consistent again (RT_CONSISTENT, 0), as ld.so does around dlopen.
func (g *glibcRoad) debugState(state uint32) {
	for _, rd := range g.rDebug {
		put32(rd+24, state)
	}
	callC(cFunc(funcDebugState), 0, 0, 0)
}

// newGlibcRoad finds ld.so's globals and picks the layout table entry.
func newGlibcRoad(rtld, libc *Object) (*glibcRoad, error) {
	lay, err := chooseGlibcLayout(rtld, libc)
	if err != nil {
		return nil, err
	}
	g := &glibcRoad{lay: lay, rtld: rtld, libc: libc,
		global: symbolAddr(rtld, "_rtld_global"), globalRO: symbolAddr(rtld, "_rtld_global_ro"),
		earlyInit: symbolAddr(libc, "__libc_early_init")}
	if g.global == 0 || g.globalRO == 0 || g.earlyInit == 0 {
		return nil, errorf("%s: not a glibc ld.so this loader can use", rtld.path)
	}
	// ld.so's own link_map is part of _rtld_global.
	rtld.linkMap = g.global + lay.gl.rtldMap
	return g, nil
}

// fillGLRO fills _rtld_global_ro as dl_main and _dl_sysdep_start would
// (before ld.so's IRELATIVE resolver reads it to detect CPU features).
func (g *glibcRoad) fillGLRO(ps *processStart, bindNow bool) {
	r, ro := &g.lay.ro, g.globalRO
	putPtr(ro+r.pagesize, max(ps.aux[atPagesz], pageSize))
	if p := ps.aux[atPlatform]; p != 0 {
		putPtr(ro+r.platform, p)
		putPtr(ro+r.platformlen, uintptr(cstringLen(p)))
	}
	minsig := ps.aux[atMinsigstksz]
	if minsig == 0 {
		minsig = 2048 // CONSTANT_MINSIGSTKSZ
	}
	putPtr(ro+r.minsigstacksize, minsig)
	clk := ps.aux[atClktck]
	if clk == 0 {
		clk = 100
	}
	put32(ro+r.clktck, uint32(clk))
	put32(ro+r.debugFd, 2)
	lazy := uint32(1)
	if bindNow {
		lazy = 0
	}
	put32(ro+r.lazy, lazy)
	put16(ro+r.fpuControl, 0x37f) // _FPU_DEFAULT
	putPtr(ro+r.hwcap, ps.aux[atHwcap])
	putPtr(ro+r.hwcap2, ps.aux[atHwcap2])
	putPtr(ro+r.auxv, ps.auxv)
	putPtr(ro+r.tlsStaticSize, tlsState.staticSize)
	putPtr(ro+r.tlsStaticAlign, tlsState.staticAlign)
	putPtr(ro+r.tlsStaticSurplus, tlsStaticSurplus)
	putPtr(ro+r.sysinfoDso, ps.aux[atSysinfoEhdr])
	g.fillVDSOPointers(ps.aux[atSysinfoEhdr])
	putPtr(ro+r.findObject, cFunc(funcFindObject))
	putPtr(ro+r.dlfcnHook, dlfcnHookTable())
	// GLRO(dl_init_all_dirs) stays NULL: libc's rtld_active() is then false
	// and libc sends dlopen and friends through GLRO(dl_dlfcn_hook).
}

// fillGL fills _rtld_global and the link maps once every object is mapped
// and has TLS; objs is the global scope in load order.
func (g *glibcRoad) fillGL(objs []*Object, main *Object) {
	lay, gl := g.lay, g.global
	// The global scope: struct r_scope_elem { link_map **r_list; uint r_nlist; }
	list := arenaAlloc(uintptr(len(objs))*8, 8)
	for i, o := range objs {
		if o.linkMap == 0 {
			o.linkMap = arenaAlloc(lay.lm.size, 16)
		}
		putPtr(list+uintptr(i)*8, o.linkMap)
	}
	g.scopeElem = arenaAlloc(16, 8)
	putPtr(g.scopeElem, list)
	put32(g.scopeElem+8, uint32(len(objs)))
	for i, o := range objs {
		var prev, next *Object
		if i > 0 {
			prev = objs[i-1]
		}
		if i+1 < len(objs) {
			next = objs[i+1]
		}
		o.serial = i
		buildLinkMap(lay, o, prev, next, g.scopeElem)
	}
	putPtr(g.globalRO+lay.ro.initialSearchlist, list)
	put32(g.globalRO+lay.ro.initialSearchlist+8, uint32(len(objs)))

	ns := gl + lay.gl.ns
	putPtr(ns+lay.ns.loaded, main.linkMap)
	put32(ns+lay.ns.nloaded, uint32(len(objs)))
	putPtr(ns+lay.ns.mainSearchlist, main.linkMap+lay.lm.searchlist)
	putPtr(ns+lay.ns.libcMap, g.libc.linkMap)
	g.fillDebug(ns+lay.ns.debug, main)
	g.rDebug = []uintptr{ns + lay.ns.debug}
	if rd := symbolAddr(g.rtld, "_r_debug"); rd != 0 {
		g.fillDebug(rd, main)
		setDTDebug(main, rd)
		g.rDebug = append(g.rDebug, rd)
	}
	putPtr(gl+lay.gl.nns, 1)
	put64(gl+lay.gl.loadAdds, uint64(len(objs)))
	stackFlags := uint32(elf.PF_R | elf.PF_W | elf.PF_X)
	for _, p := range main.phdrs {
		if elf.ProgType(p.Type) == elf.PT_GNU_STACK {
			stackFlags = p.Flags
		}
	}
	put32(gl+lay.gl.stackFlags, stackFlags)
	putPtr(gl+lay.gl.tlsMaxDtvIdx, tlsState.maxModid)
	putPtr(gl+lay.gl.slotinfoList, g.slotinfoList(objs))
	putPtr(gl+lay.gl.tlsStaticNelem, tlsState.maxModid)
	putPtr(gl+lay.gl.tlsStaticUsed, tlsState.staticUsed)
	putPtr(gl+lay.gl.tlsStaticOptional, tlsStaticOptional)
	putPtr(gl+lay.gl.tlsGeneration, tlsState.generation)
	for _, off := range []uintptr{lay.gl.stackUsed, lay.gl.stackUser, lay.gl.stackCache} {
		putPtr(gl+off, gl+off) // empty list: next = prev = head
		putPtr(gl+off+8, gl+off)
	}
}

// fillDebug fills a struct r_debug for debuggers.
func (g *glibcRoad) fillDebug(rd uintptr, main *Object) {
	put32(rd, 1) // r_version
	putPtr(rd+8, main.linkMap)
	putPtr(rd+16, cFunc(funcDebugState))
	put32(rd+24, 0) // RT_CONSISTENT
	putPtr(rd+32, g.rtld.bias)
}

// setDTDebug points the program's DT_DEBUG at r_debug, as ld.so does.
func setDTDebug(main *Object, rd uintptr) {
	if main.dynamic == 0 || !main.writable(main.dynamic) {
		return
	}
	for i := 0; i < main.dynNum; i++ {
		d := main.dynamic + uintptr(i)*16
		if elf.DynTag(get64(d)) == elf.DT_DEBUG {
			putPtr(d+8, rd)
		}
	}
}

// slotinfoList builds GL(dl_tls_dtv_slotinfo_list): {len, next,
// {gen, map}[len]}.
func (g *glibcRoad) slotinfoList(objs []*Object) uintptr {
	n := tlsState.maxModid + dtvSurplus + 1
	l := arenaAlloc(16+n*16, 8)
	putPtr(l, n)
	for _, o := range objs {
		if o.tlsModid != 0 {
			putPtr(l+16+o.tlsModid*16, tlsState.generation)
			putPtr(l+16+o.tlsModid*16+8, o.linkMap)
		}
	}
	return l
}

// setupThread fills the main thread's struct pthread at tp as glibc's
// TLS_INIT_TP and __tls_init_tp do, and ld.so's variables that libc reads.
func (g *glibcRoad) setupThread(ps *processStart, tp uintptr) {
	p, gl := &g.lay.pt, g.global
	// Stack protector and pointer guard from AT_RANDOM, as
	// _dl_setup_stack_chk_guard / _dl_setup_pointer_guard.
	if rnd := ps.aux[atRandom]; rnd != 0 {
		putPtr(tp+0x28, getPtr(rnd)&^0xff)
		putPtr(tp+0x30, getPtr(rnd+8))
	}
	// list_add(&pd->list, &GL(dl_stack_user))
	head := gl + g.lay.gl.stackUser
	entry := tp + p.list
	first := getPtr(head)
	putPtr(first+8, entry)
	putPtr(entry, first)
	putPtr(entry+8, head)
	putPtr(head, entry)
	tid, _, _ := unix.RawSyscall(unix.SYS_SET_TID_ADDRESS, tp+p.tid, 0, 0)
	put32(tp+p.tid, uint32(tid))
	putPtr(tp+p.specific, tp+p.specific1stblock)
	put8(tp+p.userStack, 1)
	if a := symbolAddr(g.rtld, "__nptl_initial_report_events"); a != 0 {
		put8(tp+p.reportEvents, get8(a))
	}
	// Robust mutex list: futex_offset = offsetof(__lock) - offsetof(__list.__next).
	putPtr(tp+p.robustPrev, tp+p.robustHead)
	putPtr(tp+p.robustHead, tp+p.robustHead)
	put64(tp+p.robustHead+8, uint64(0xffffffffffffffe8)) // -24
	unix.RawSyscall(unix.SYS_SET_ROBUST_LIST, tp+p.robustHead, 24, 0)
	// rseq is not registered for the main thread: cpu_id says so and
	// __rseq_size stays 0.
	put32(tp+p.rseqArea+4, ^uint32(1)) // RSEQ_CPU_ID_REGISTRATION_FAILED (-2)
	if a := symbolAddr(g.rtld, "__rseq_offset"); a != 0 {
		putPtr(a, p.rseqArea)
	}
	putPtr(tp+p.stackblockSize, ps.sp)
	putPtr(gl+g.lay.gl.initialDtv, tlsState.initialDtv)

	if a := symbolAddr(g.rtld, "__libc_stack_end"); a != 0 {
		putPtr(a, ps.sp)
	}
	if a := symbolAddr(g.rtld, "_dl_argv"); a != 0 {
		putPtr(a, ps.argv)
	}
	if a := symbolAddr(g.rtld, "__libc_enable_secure"); a != 0 {
		put32(a, uint32(ps.aux[atSecure]))
	}
}

// road is the glibc road of this process, or nil for a program without
// glibc.
var road *glibcRoad

// addLinkMaps gives objects loaded by dlopen link maps, appends them to the
// namespace's list after last, and tells dl_iterate_phdr's cache.
func (g *glibcRoad) addLinkMaps(last *Object, fresh []*Object) {
	lay := g.lay
	prev := last
	for _, o := range fresh {
		o.linkMap = arenaAlloc(lay.lm.size, 16)
	}
	for i, o := range fresh {
		var next *Object
		if i+1 < len(fresh) {
			next = fresh[i+1]
		}
		o.serial = prev.serial + 1
		buildLinkMap(lay, o, prev, next, g.scopeElem)
		putPtr(prev.linkMap+lay.lm.next, o.linkMap)
		prev = o
	}
	ns := g.global + lay.gl.ns
	put32(ns+lay.ns.nloaded, get32(ns+lay.ns.nloaded)+uint32(len(fresh)))
	put64(g.global+lay.gl.loadAdds, get64(g.global+lay.gl.loadAdds)+uint64(len(fresh)))
}

// forEachThread calls fn with the thread pointer of every thread libc
// knows: GL(dl_stack_used) (threads with stacks libc allocated) and
// GL(dl_stack_user) (the main thread, user stacks). Each list entry is
// struct pthread's list field.
func (g *glibcRoad) forEachThread(fn func(tp uintptr)) {
	for _, off := range []uintptr{g.lay.gl.stackUsed, g.lay.gl.stackUser} {
		head := g.global + off
		for e := getPtr(head); e != head && e != 0; e = getPtr(e) {
			fn(e - g.lay.pt.list)
		}
	}
}

// tlsChanged tells glibc about module ids added by dlopen: the maximum
// index, the slotinfo entries and a new generation (so that libc's
// _dl_tls_get_addr_soft checks a thread's DTV before trusting it).
func (g *glibcRoad) tlsChanged(objs []*Object) {
	gl := g.global
	tlsState.generation++
	putPtr(gl+g.lay.gl.tlsGeneration, tlsState.generation)
	putPtr(gl+g.lay.gl.tlsMaxDtvIdx, tlsState.maxModid)
	list := getPtr(gl + g.lay.gl.slotinfoList)
	for _, o := range objs {
		if o.tlsModid != 0 && o.tlsModid < uintptr(len(tlsState.modules)) {
			atomic.StoreUintptr(&tlsState.modules[o.tlsModid].gen, tlsState.generation)
		}
	}
	// Published after the modules' generations (sweepDTV compares them).
	atomic.StoreUintptr(&tlsGeneration, tlsState.generation)
	for _, o := range objs {
		if o.tlsModid != 0 && o.tlsModid < getPtr(list) {
			putPtr(list+16+o.tlsModid*16, tlsState.generation)
			putPtr(list+16+o.tlsModid*16+8, o.linkMap)
		}
	}
}
