package main

// Thread-local storage for the initial objects, x86-64 variant II: the
// thread pointer (FS) points at the thread control block (glibc's struct
// pthread), and each module's block sits below it at -tlsOffset. The dynamic
// thread vector (DTV) keeps glibc's format because libc reads it:
// dtv[-1].counter is the vector's length, dtv[0].counter the generation,
// dtv[modid] = {block address, to_free (always NULL: libc free()s it when it
// reuses a cached stack)}. After the pairs, ldgo keeps the generation of
// the module each entry was made for (dtvGen).

import "sync/atomic"

const (
	tcbAlignment  = 64 // glibc's TCB_ALIGNMENT
	dtvSurplus    = 14 // glibc's DTV_SURPLUS
	maxTLSModules = 256
	// tlsStaticSurplus is glibc 2.36's default surplus with its default
	// tunables: (nns-1)*144 + nns*144 + optional 512, nns = 4.
	tlsStaticSurplus  = 3*144 + 4*144 + 512
	tlsStaticOptional = 512
)

// tlsModule is what the C-callable TLS functions need about one module.
// These live in plain Go globals without pointers so that nosplit code on a
// C thread can read them.
type tlsModule struct {
	offset, image, imageSize, blockSize, align uintptr // offset 0: dynamic TLS
	prevUsed                                   uintptr // static: tlsState.staticUsed before this block
	gen                                        uintptr // the generation that gave the module this id
}

// tlsGeneration is tlsState.generation as __tls_get_addr's fast path reads
// it: a thread whose dtv[0] differs sweeps its DTV first (sweepDTV).
var tlsGeneration uintptr

var tlsState struct {
	modules     [maxTLSModules + 1]tlsModule // by module id; 0 is unused
	maxModid    uintptr
	dtvLen      uintptr // entries after dtv[0]
	generation  uintptr
	staticUsed  uintptr
	staticSize  uintptr // glibc's dl_tls_static_size: blocks + surplus + TCB
	staticAlign uintptr
	tcbSize     uintptr
	initialDtv  uintptr
}

// layoutTLS gives each object with PT_TLS a module id and a static offset,
// in load order, as glibc's _dl_determine_tlsoffset does (without its reuse
// of alignment gaps).
func layoutTLS(objs []*Object, tcbSize uintptr) error {
	offset := uintptr(0)
	maxAlign := uintptr(tcbAlignment)
	modid := uintptr(0)
	for _, o := range objs {
		if o.tlsBlockSize == 0 {
			continue
		}
		modid++
		if modid > maxTLSModules {
			return errorf("too many modules with TLS")
		}
		o.tlsModid = modid
		align := o.tlsAlign
		maxAlign = max(maxAlign, align)
		firstbyte := (-o.tlsFirstByte) & (align - 1)
		off := roundUp(offset+o.tlsBlockSize-firstbyte, align) + firstbyte
		o.tlsOffset = off
		offset = off
		tlsState.modules[modid] = tlsModule{offset: off, image: o.tlsImage, imageSize: o.tlsImageSize, blockSize: o.tlsBlockSize, align: align}
	}
	tlsState.maxModid = modid
	tlsState.dtvLen = modid + dtvSurplus
	tlsState.generation = 1
	tlsGeneration = 1
	tlsState.staticUsed = offset
	tlsState.staticAlign = maxAlign
	tlsState.tcbSize = tcbSize
	tlsState.staticSize = roundUp(offset+tlsStaticSurplus, maxAlign) + tcbSize
	return nil
}

func roundUp(x, a uintptr) uintptr { return (x + a - 1) &^ (a - 1) }

// allocateInitialTLS maps the main thread's static TLS block and TCB, fills
// the module blocks and a DTV, and returns the thread pointer.
func allocateInitialTLS() uintptr {
	size := tlsState.staticSize + tlsState.staticAlign
	base := arenaAlloc(size, pageSize)
	tp := roundUp(base+tlsState.staticSize-tlsState.tcbSize, tlsState.staticAlign)
	putPtr(tp, tp) // tcb->tcb
	if dlAllocateTLS(tp, 0, 0, 0) == 0 {
		fatalf("cannot allocate TLS")
	}
	putPtr(tp+16, tp) // tcb->self
	tlsState.initialDtv = getPtr(tp + 8)
	return tp
}

// The functions below are called by glibc's libc (pthread_create, thread
// exit) through C-ABI assembly stubs, on the calling thread's stack, after
// the Go runtime has let go of the thread. They must stay nosplit, must not
// allocate and must not write Go pointers.

// dlAllocateTLS is glibc's _dl_allocate_tls(mem): give the TCB at mem a new
// DTV and initialise its TLS blocks. mem == NULL (glibc allocates the whole
// block) is not used by libc's pthread_create.
//
//go:nosplit
func dlAllocateTLS(mem, _, _, _ uintptr) uintptr {
	if mem == 0 {
		return 0
	}
	dtv := allocDTV()
	if dtv == 0 {
		return 0
	}
	putPtr(mem+8, dtv+16)
	return dlAllocateTLSInit(mem, 1, 0, 0)
}

// dtvMapSize is the size of the mapping of a DTV of n entries: glibc's
// pairs from dtv[-1] to dtv[n], then ldgo's generations of dtv[0..n].
//
//go:nosplit
func dtvMapSize(n uintptr) uintptr { return pageUpNosplit((n+2)*16 + (n+1)*8) }

// dtvGen is where the generation of the module entry id was made for is
// kept.
//
//go:nosplit
func dtvGen(dtv, id uintptr) uintptr { return dtv + (getPtr(dtv-16)+1)*16 + id*8 }

//go:nosplit
func allocDTV() uintptr {
	p := rawSyscall6(sysMmap, 0, dtvMapSize(tlsState.dtvLen), protRW, mapPrivateAnon, ^uintptr(0), 0)
	if p > ^uintptr(4095) {
		return 0
	}
	putPtr(p, tlsState.dtvLen) // becomes dtv[-1].counter
	return p
}

//go:nosplit
func pageUpNosplit(x uintptr) uintptr { return (x + pageSize - 1) &^ (pageSize - 1) }

// dlAllocateTLSInit is glibc's _dl_allocate_tls_init(tcb, init_tls).
//
//go:nosplit
func dlAllocateTLSInit(tcb, initTLS, _, _ uintptr) uintptr {
	if tcb == 0 {
		return 0
	}
	forgetErrSlot(tcb)
	dtv := getPtr(tcb + 8)
	// A cached thread stack keeps its DTV and the dynamic TLS blocks of
	// the thread that ran on it: free those.
	freeDynamicBlocks(tcb, dtv)
	if n := getPtr(dtv - 16); n < tlsState.maxModid {
		// dlopen added modules since.
		grown := allocDTV()
		if grown == 0 {
			return 0
		}
		if dtv != tlsState.initialDtv {
			rawSyscall6(sysMunmap, dtv-16, dtvMapSize(n), 0, 0, 0, 0)
		}
		dtv = grown + 16
		putPtr(tcb+8, dtv)
	}
	for id := uintptr(1); id <= tlsState.maxModid && id < uintptr(len(tlsState.modules)); id++ {
		m := &tlsState.modules[id]
		putPtr(dtv+id*16+8, 0)
		if m.offset == 0 {
			putPtr(dtv+id*16, 0) // dynamic TLS: allocated at first use
			continue
		}
		dest := tcb - m.offset
		putPtr(dtvGen(dtv, id), m.gen)
		putPtr(dtv+id*16, dest)
		if initTLS&0xff != 0 {
			initTLSBlock(dest, m)
		}
	}
	putPtr(dtv, tlsState.generation)
	return tcb
}

// dlDeallocateTLS is glibc's _dl_deallocate_tls(tcb, dealloc_tcb): free the
// DTV (never the main thread's). The TCB itself is part of the thread's
// stack block, which libc frees.
//
//go:nosplit
func dlDeallocateTLS(tcb, _, _, _ uintptr) uintptr {
	forgetErrSlot(tcb)
	dtv := getPtr(tcb + 8)
	if dtv == 0 || dtv == tlsState.initialDtv {
		return 0
	}
	freeDynamicBlocks(tcb, dtv)
	base := dtv - 16
	rawSyscall6(sysMunmap, base, dtvMapSize(getPtr(base)), 0, 0, 0, 0)
	putPtr(tcb+8, 0)
	return 0
}

// Raw system call numbers and flags for nosplit code.
const (
	sysMmap        = 9
	sysMunmap      = 11
	protRW         = 3
	mapPrivateAnon = 0x22
)

func rawSyscall6(num, a1, a2, a3, a4, a5, a6 uintptr) uintptr

//go:nosplit
func initTLSBlock(dest uintptr, m *tlsModule) {
	i := uintptr(0)
	for ; i < m.imageSize; i++ {
		put8(dest+i, get8(m.image+i))
	}
	for ; i < m.blockSize; i++ {
		put8(dest+i, 0)
	}
}

func threadPointer() uintptr

// tlsGetAddrSlow is __tls_get_addr for a module this thread's DTV does not
// cover yet: grow the DTV if it is too short, then point the entry at the
// module's static block (static TLS placed by dlopen) or at a new block.
//
//go:nosplit
func tlsGetAddrSlow(ti, _, _, _ uintptr) uintptr {
	modid, off := getPtr(ti), getPtr(ti+8)
	tp := threadPointer()
	if modid == 0 || modid > tlsState.maxModid || modid >= uintptr(len(tlsState.modules)) {
		return 0
	}
	dtv := getPtr(tp + 8)
	if g := atomic.LoadUintptr(&tlsGeneration); getPtr(dtv) != g {
		sweepDTV(tp, dtv)
		putPtr(dtv, g)
	}
	if n := getPtr(dtv - 16); modid > n {
		grown := allocDTV()
		if grown == 0 {
			return 0
		}
		for i := uintptr(0); i <= n; i++ {
			putPtr(grown+16+i*16, getPtr(dtv+i*16))
			putPtr(grown+16+i*16+8, getPtr(dtv+i*16+8))
			putPtr(dtvGen(grown+16, i), getPtr(dtvGen(dtv, i)))
		}
		putPtr(tp+8, grown+16)
		if dtv != tlsState.initialDtv {
			rawSyscall6(sysMunmap, dtv-16, dtvMapSize(n), 0, 0, 0, 0)
		}
		dtv = grown + 16
	}
	if e := getPtr(dtv + modid*16); e != 0 && e != ^uintptr(0) {
		return e + off // valid after the sweep
	}
	m := &tlsState.modules[modid]
	var block uintptr
	if m.offset != 0 {
		block = tp - m.offset
	} else {
		block = allocDynamicBlock(m)
		if block == 0 {
			return 0
		}
	}
	putPtr(dtvGen(dtv, modid), m.gen)
	putPtr(dtv+modid*16, block)
	return block + off
}

// sweepDTV is glibc's _dl_update_slotinfo for the calling thread: each
// entry made for a module that has since been unloaded (its generation no
// longer the id's) is dropped, its block freed if it was dynamic. Only the
// thread itself (or libc reusing or freeing its stack) changes its DTV, so
// dlclose never races with a thread growing it.
//
//go:nosplit
func sweepDTV(tp, dtv uintptr) {
	n := getPtr(dtv - 16)
	for id := uintptr(1); id <= n && id < uintptr(len(tlsState.modules)); id++ {
		e := getPtr(dtv + id*16)
		if e == 0 || e == ^uintptr(0) {
			continue
		}
		m := &tlsState.modules[id]
		if atomic.LoadUintptr(&m.blockSize) != 0 && getPtr(dtvGen(dtv, id)) == atomic.LoadUintptr(&m.gen) {
			continue
		}
		if !inStaticTLS(tp, e) {
			freeDynamicBlock(e)
		}
		putPtr(dtv+id*16, 0)
		putPtr(dtv+id*16+8, 0)
	}
}

// inStaticTLS reports whether a block lies in thread tp's static TLS.
//
//go:nosplit
func inStaticTLS(tp, block uintptr) bool {
	return block < tp && block >= tp-tlsState.staticSize
}

// addDynamicTLS gives an object loaded by dlopen a module id. It takes a
// static offset from the surplus if the block fits (so initial-exec code
// works) and copies its image into every existing thread (walking glibc's
// thread lists), else it gets dynamic TLS.
func addDynamicTLS(o *Object, g *glibcRoad) error {
	if o.tlsBlockSize == 0 || o.tlsModid != 0 {
		return nil
	}
	modid := freeModid()
	if modid >= uintptr(len(tlsState.modules)) {
		return errorf("%s: cannot allocate TLS: too many modules with TLS", o.path)
	}
	m := tlsModule{image: o.tlsImage, imageSize: o.tlsImageSize, blockSize: o.tlsBlockSize, align: o.tlsAlign}
	firstbyte := (-o.tlsFirstByte) & (o.tlsAlign - 1)
	off := roundUp(tlsState.staticUsed+o.tlsBlockSize-firstbyte, o.tlsAlign) + firstbyte
	if o.tlsAlign <= tlsState.staticAlign && off+tlsState.tcbSize <= tlsState.staticSize {
		m.offset = off
		m.prevUsed = tlsState.staticUsed
		tlsState.staticUsed = off
		if g != nil {
			g.forEachThread(func(tp uintptr) { initTLSBlock(tp-off, &m) })
		} else {
			initTLSBlock(threadPointerOfMain-off, &m)
		}
	} else if o.flags&uint64(0x10) != 0 { // DF_STATIC_TLS
		return errorf("%s: cannot allocate memory in static TLS block", o.path)
	}
	o.tlsModid, o.tlsOffset = modid, m.offset
	tlsState.modules[modid] = m
	tlsState.maxModid = max(tlsState.maxModid, modid)
	if tlsState.dtvLen < modid {
		tlsState.dtvLen = modid + dtvSurplus
	}
	return nil
}

// threadPointerOfMain is the main thread's thread pointer (for programs
// without glibc, which have no thread lists).
var threadPointerOfMain uintptr
