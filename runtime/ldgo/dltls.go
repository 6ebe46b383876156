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

// freeDynamicBlocks frees the dynamic blocks the DTV of thread tp points
// at (those of unloaded modules included) and clears their entries.
//
//go:nosplit
func freeDynamicBlocks(tp, dtv uintptr) {
	if dtv == 0 {
		return
	}
	n := getPtr(dtv - 16)
	for id := uintptr(1); id <= n; id++ {
		b := getPtr(dtv + id*16)
		if b != 0 && b != ^uintptr(0) && !inStaticTLS(tp, b) {
			freeDynamicBlock(b)
			putPtr(dtv+id*16, 0)
			putPtr(dtv+id*16+8, 0)
		}
	}
}

// freeTLSModule releases o's module id: its static space if it is the last
// block, its slotinfo entry. Threads drop their blocks for it themselves
// (sweepDTV, at their next __tls_get_addr after the generation changes;
// freeDynamicBlocks when libc reuses or frees their stack): only a program
// without glibc has its main thread's entry cleared here.
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
	if road == nil && threadPointerOfMain != 0 {
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
