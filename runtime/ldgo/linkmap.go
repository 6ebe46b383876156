package main

import "debug/elf"

// glibc's l_info[] index of a dynamic tag (elf/get-dynamic-info.h), or -1.
func linkMapInfoIndex(tag elf.DynTag) int {
	const (
		dtNum         = 38 // DT_NUM in glibc 2.36 (DT_RELRENT + 1)
		versionTagNum = 16
		extraNum      = 3
		valNum        = 12
		addrNum       = 11
	)
	t := uint64(tag)
	switch {
	case t < dtNum:
		return int(t)
	case 0x6fffffff-t < versionTagNum:
		return dtNum + int(0x6fffffff-t)
	case uint32(-(int32(uint32(t)<<1)>>1)-1) < extraNum && t >= 0x7ffffffd && t <= 0x7fffffff:
		return dtNum + versionTagNum + int(uint32(-(int32(uint32(t)<<1)>>1)-1))
	case 0x6ffffdff-t < valNum:
		return dtNum + versionTagNum + extraNum + int(0x6ffffdff-t)
	case 0x6ffffeff-t < addrNum:
		return dtNum + versionTagNum + extraNum + valNum + int(0x6ffffeff-t)
	}
	return -1
}

// adjustedTags are the d_ptr entries glibc rebases in place (ADJUST_DYN_INFO)
// so that code reading l_info (libc's _dl_addr, gdb) gets addresses.
var adjustedTags = []elf.DynTag{elf.DT_HASH, elf.DT_PLTGOT, elf.DT_STRTAB, elf.DT_SYMTAB,
	elf.DT_RELA, dtRELR, elf.DT_JMPREL, elf.DT_VERSYM, elf.DT_GNU_HASH}

// buildLinkMap fills o's struct link_map (already allocated at o.linkMap).
// scope is the global search list (the program's l_searchlist).
func buildLinkMap(lay *glibcLayout, o *Object, prev, next *Object, scopeElem uintptr) {
	m := &lay.lm
	lm := o.linkMap
	putPtr(lm+m.addr, o.bias)
	name := o.path
	if o.isMain {
		name = ""
	}
	putPtr(lm+m.name, arenaString(name))
	putPtr(lm+m.ld, o.dynamic)
	if prev != nil {
		putPtr(lm+m.prev, prev.linkMap)
	}
	if next != nil {
		putPtr(lm+m.next, next.linkMap)
	}
	putPtr(lm+m.real, lm)
	libname := arenaAlloc(24, 8)
	libname_ := o.name
	if o.soname != "" && !o.isMain {
		libname_ = o.soname
	}
	putPtr(libname, arenaString(libname_))
	put32(libname+16, 1) // dont_free
	putPtr(lm+m.libname, libname)
	if o.dynamic != 0 {
		for i := 0; i < o.dynNum; i++ {
			d := o.dynamic + uintptr(i)*16
			tag := elf.DynTag(get64(d))
			if tag == elf.DT_NULL {
				break
			}
			if idx := linkMapInfoIndex(tag); idx >= 0 && getPtr(lm+m.info+uintptr(idx)*8) == 0 {
				putPtr(lm+m.info+uintptr(idx)*8, d)
			}
		}
	}
	putPtr(lm+m.phdr, o.phdr)
	putPtr(lm+m.entry, o.entry)
	put16(lm+m.phnum, uint16(o.phnum))
	put16(lm+m.ldnum, uint16(o.dynNum))
	// Every object's own search list is itself; the program's is the
	// global scope.
	if o.isMain {
		putPtr(lm+m.searchlist, getPtr(scopeElem))
		put32(lm+m.searchlist+8, get32(scopeElem+8))
	} else {
		self := arenaAlloc(8, 8)
		putPtr(self, lm)
		putPtr(lm+m.searchlist, self)
		put32(lm+m.searchlist+8, 1)
	}
	putPtr(lm+m.symbolicSearchlist, lm+m.real)
	put32(lm+m.symbolicSearchlist+8, 1)
	if o.loader != nil {
		putPtr(lm+m.loader, o.loader.linkMap)
	}
	if h := o.gnuHash; h != 0 {
		nbuckets, symoffset, bloomSize, shift := get32(h), get32(h+4), get32(h+8), get32(h+12)
		put32(lm+m.nbuckets, nbuckets)
		put32(lm+m.gnuBitmaskIdxbits, bloomSize-1)
		put32(lm+m.gnuShift, shift)
		putPtr(lm+m.gnuBitmask, h+16)
		buckets := h + 16 + uintptr(bloomSize)*8
		putPtr(lm+m.gnuBuckets, buckets)
		putPtr(lm+m.gnuChainZero, buckets+uintptr(nbuckets)*4-uintptr(symoffset)*4)
	} else if h := o.sysvHash; h != 0 {
		put32(lm+m.nbuckets, get32(h))
		putPtr(lm+m.gnuBuckets, h+8+uintptr(get32(h))*4) // l_chain
		putPtr(lm+m.gnuChainZero, h+8)                   // l_buckets
	}
	put32(lm+m.directOpencount, 1)
	// l_type: lt_executable (0) or lt_library (1); l_relocated,
	// l_init_called, l_global; l_main_map; l_contiguous (the whole span
	// is reserved, so map_start..map_end belongs to this object).
	bits := uint32(1<<3 | 1<<4 | 1<<5 | 1<<19)
	if o.isMain {
		bits |= 1 << 8
	} else {
		bits |= 1
	}
	put32(lm+m.bits, bits)
	putPtr(lm+m.mapStart, o.mapStart)
	putPtr(lm+m.mapEnd, o.mapEnd)
	putPtr(lm+m.textEnd, o.textEnd)
	putPtr(lm+m.scopeMem, scopeElem)
	putPtr(lm+m.scopeMax, 4)
	putPtr(lm+m.scope, lm+m.scopeMem)
	putPtr(lm+m.localScope, lm+m.searchlist)
	put64(lm+m.fileID, o.dev)
	put64(lm+m.fileID+8, o.ino)
	put32(lm+m.flags1, uint32(o.flags1))
	put32(lm+m.flags, uint32(o.flags))
	putPtr(lm+m.tlsInitimage, o.tlsImage)
	putPtr(lm+m.tlsInitimageSize, o.tlsImageSize)
	putPtr(lm+m.tlsBlocksize, o.tlsBlockSize)
	putPtr(lm+m.tlsAlign, o.tlsAlign)
	putPtr(lm+m.tlsFirstbyteOffset, o.tlsFirstByte)
	putPtr(lm+m.tlsOffset, o.tlsOffset)
	putPtr(lm+m.tlsModid, o.tlsModid)
	putPtr(lm+m.relroAddr, o.relroStart)
	putPtr(lm+m.relroSize, o.relroSize)
	put64(lm+m.serial, uint64(o.serial))
}

// rebaseDynamic rewrites the d_ptr entries glibc rebases, once the loader
// has read them.
func rebaseDynamic(o *Object) {
	if o.dynamic == 0 || o.bias == 0 || !o.writable(o.dynamic) {
		return
	}
	for i := 0; i < o.dynNum; i++ {
		d := o.dynamic + uintptr(i)*16
		tag := elf.DynTag(get64(d))
		for _, t := range adjustedTags {
			if t == tag {
				put64(d+8, get64(d+8)+uint64(o.bias))
			}
		}
	}
}

// writable reports whether addr lies in a writable PT_LOAD of o.
func (o *Object) writable(addr uintptr) bool {
	for _, p := range o.phdrs {
		if elf.ProgType(p.Type) == elf.PT_LOAD && elf.ProgFlag(p.Flags)&elf.PF_W != 0 &&
			addr >= o.bias+uintptr(p.Vaddr) && addr < o.bias+uintptr(p.Vaddr+p.Memsz) {
			return true
		}
	}
	return false
}
