package main

// Thread-local storage for the initial objects, x86-64 variant II: the
// thread pointer (FS) points at the thread control block (glibc's struct
// pthread), and each module's block sits below it at -tlsOffset. The dynamic
// thread vector (DTV) keeps glibc's format because libc reads it:
// dtv[-1].counter is the vector's length, dtv[0].counter the generation,
// dtv[modid] = {block address, to_free}.

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
	offset, image, imageSize, blockSize uintptr
}

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
		tlsState.modules[modid] = tlsModule{offset: off, image: o.tlsImage, imageSize: o.tlsImageSize, blockSize: o.tlsBlockSize}
	}
	tlsState.maxModid = modid
	tlsState.dtvLen = modid + dtvSurplus
	tlsState.generation = 1
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

//go:nosplit
func allocDTV() uintptr {
	n := (tlsState.dtvLen + 2) * 16
	p := rawSyscall6(sysMmap, 0, pageUpNosplit(n), protRW, mapPrivateAnon, ^uintptr(0), 0)
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
	dtv := getPtr(tcb + 8)
	for id := uintptr(1); id <= tlsState.maxModid && id < uintptr(len(tlsState.modules)); id++ {
		m := &tlsState.modules[id]
		dest := tcb - m.offset
		putPtr(dtv+id*16, dest)
		putPtr(dtv+id*16+8, 0)
		if initTLS&0xff == 0 {
			continue
		}
		i := uintptr(0)
		for ; i < m.imageSize; i++ {
			put8(dest+i, get8(m.image+i))
		}
		for ; i < m.blockSize; i++ {
			put8(dest+i, 0)
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
	dtv := getPtr(tcb + 8)
	if dtv == 0 || dtv == tlsState.initialDtv {
		return 0
	}
	base := dtv - 16
	rawSyscall6(sysMunmap, base, pageUpNosplit((getPtr(base)+2)*16), 0, 0, 0, 0)
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
