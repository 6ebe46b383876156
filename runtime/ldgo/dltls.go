package main

// TLS of objects dlopen loads and dlclose unloads: module ids are reused,
// dynamic blocks (mmap'd by __tls_get_addr's slow path) carry a header so
// they can be freed when their module goes away, when a cached thread stack
// is reused and when libc frees a stack.

// freeModid is the lowest free module id (one past the highest if none).
func freeModid() uintptr {
	for id := uintptr(1); id <= tlsState.maxModid && id < uintptr(len(tlsState.modules)); id++ {
		if tlsState.modules[id].blockSize == 0 {
			return id
		}
	}
	return tlsState.maxModid + 1
}

// allocDynamicBlock maps and initializes a dynamic TLS block for m:
// {mapping, size} sit in the 16 bytes below the block.
//
//go:nosplit
func allocDynamicBlock(m *tlsModule) uintptr {
	align := max(m.align, 16)
	size := pageUpNosplit(m.blockSize + align + 16)
	p := rawSyscall6(sysMmap, 0, size, protRW, mapPrivateAnon, ^uintptr(0), 0)
	if p > ^uintptr(4095) {
		return 0
	}
	block := (p + 16 + align - 1) &^ (align - 1)
	putPtr(block-16, p)
	putPtr(block-8, size)
	initTLSBlock(block, m)
	return block
}

//go:nosplit
func freeDynamicBlock(block uintptr) {
	rawSyscall6(sysMunmap, getPtr(block-16), getPtr(block-8), 0, 0, 0, 0)
}

// freeDynamicBlocks frees the dynamic blocks a DTV points at and clears
// their entries.
//
//go:nosplit
func freeDynamicBlocks(dtv uintptr) {
	if dtv == 0 {
		return
	}
	n := getPtr(dtv - 16)
	for id := uintptr(1); id <= n && id < uintptr(len(tlsState.modules)); id++ {
		if tlsState.modules[id].offset != 0 || tlsState.modules[id].blockSize == 0 {
			continue
		}
		b := getPtr(dtv + id*16)
		if b != 0 && b != ^uintptr(0) {
			freeDynamicBlock(b)
			putPtr(dtv+id*16, 0)
			putPtr(dtv+id*16+8, 0)
		}
	}
}

// freeTLSModule releases o's module id: every thread's block for it (libc's
// live threads and cached stacks), its static space if it is the last
// block, its slotinfo entry.
func freeTLSModule(o *Object) {
	id := o.tlsModid
	if id == 0 || id >= uintptr(len(tlsState.modules)) {
		return
	}
	m := tlsState.modules[id]
	clear := func(tp uintptr) {
		dtv := getPtr(tp + 8)
		if dtv == 0 || getPtr(dtv-16) < id {
			return
		}
		b := getPtr(dtv + id*16)
		if m.offset == 0 && b != 0 && b != ^uintptr(0) {
			freeDynamicBlock(b)
		}
		putPtr(dtv+id*16, 0)
		putPtr(dtv+id*16+8, 0)
	}
	if road != nil {
		road.forEachThread(clear)
		head := road.global + road.lay.gl.stackCache
		for e := getPtr(head); e != head && e != 0; e = getPtr(e) {
			clear(e - road.lay.pt.list)
		}
	} else if threadPointerOfMain != 0 {
		clear(threadPointerOfMain)
	}
	if m.offset != 0 && m.offset == tlsState.staticUsed {
		tlsState.staticUsed = m.prevUsed
	}
	tlsState.modules[id] = tlsModule{}
	for tlsState.maxModid > 0 && tlsState.modules[tlsState.maxModid].blockSize == 0 {
		tlsState.maxModid--
	}
	if road != nil {
		list := getPtr(road.global + road.lay.gl.slotinfoList)
		if id < getPtr(list) {
			putPtr(list+16+id*16+8, 0)
		}
	}
	o.tlsModid, o.tlsOffset = 0, 0
}

// munmapRaw unmaps memory not mapped through unix.Mmap (whose Munmap
// refuses it).
func munmapRaw(addr, size uintptr) {
	if addr != 0 && size != 0 {
		rawSyscall6(sysMunmap, addr, size, 0, 0, 0, 0)
	}
}
