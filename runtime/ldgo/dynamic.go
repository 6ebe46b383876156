package main

import (
	"debug/elf"
	"fmt"
)

// readDynamic reads the program headers and .dynamic of a mapped object:
// TLS, RELRO, stack flags, symbol tables, versions and DT_NEEDED names.
func readDynamic(o *Object) error {
	for _, p := range o.phdrs {
		switch elf.ProgType(p.Type) {
		case elf.PT_DYNAMIC:
			o.dynamic = o.bias + uintptr(p.Vaddr)
		case elf.PT_TLS:
			if p.Memsz == 0 {
				continue
			}
			// The image is copied into every thread's block: it must be
			// readable, no larger than the block, and the block and its
			// alignment sane (glibc asserts the size relation later,
			// when it allocates the first thread's TLS).
			if p.Filesz > p.Memsz || p.Memsz > 1<<30 || p.Align > 1<<20 || p.Align&(p.Align-1) != 0 ||
				p.Filesz > 0 && !o.inSegment(o.bias+uintptr(p.Vaddr), p.Filesz) {
				return fmt.Errorf("invalid PT_TLS segment")
			}
			o.tlsImage = o.bias + uintptr(p.Vaddr)
			o.tlsImageSize = uintptr(p.Filesz)
			o.tlsBlockSize = uintptr(p.Memsz)
			o.tlsAlign = max(uintptr(p.Align), 1)
			o.tlsFirstByte = uintptr(p.Vaddr) & (o.tlsAlign - 1)
		case elf.PT_GNU_RELRO:
			o.relroStart = o.bias + uintptr(p.Vaddr)
			o.relroSize = uintptr(p.Memsz)
		case elf.PT_GNU_STACK:
			o.stackFlags = p.Flags
		}
	}
	if o.dynamic == 0 {
		return nil // static program: nothing to link
	}
	// Everything .dynamic points at is checked against the object's
	// readable segments before it is used: a corrupt file gets a load
	// error here instead of a fault later (glibc's ld.so trusts the file
	// and dies of SIGSEGV on most of these).
	var neededOffs []uint64
	var rpathOff, runpathOff, sonameOff uint64
	var hasRpath, hasRunpath, hasSoname bool
	var verdef, verneed uint64     // glibc never reads DT_VERDEFNUM or DT_VERNEEDNUM
	var hasVerdef, hasVerneed bool // glibc goes by presence: a zero address is read too
	for d := o.dynamic; ; d += 16 {
		if !o.inSegment(d, 16) {
			return fmt.Errorf("PT_DYNAMIC lies outside the loadable segments")
		}
		tag := elf.DynTag(get64(d))
		val := get64(d + 8)
		o.dynNum++
		if tag == elf.DT_NULL {
			break
		}
		if uint64(tag) < dynSlots && !o.hasDyn[tag] {
			o.dyn[tag], o.hasDyn[tag] = val, true
		}
		switch tag {
		case elf.DT_NEEDED:
			neededOffs = append(neededOffs, val)
		case elf.DT_RPATH:
			rpathOff, hasRpath = val, true
		case elf.DT_RUNPATH:
			runpathOff, hasRunpath = val, true
		case elf.DT_SONAME:
			sonameOff, hasSoname = val, true
		case elf.DT_FLAGS:
			o.flags = val
		case elf.DT_FLAGS_1:
			o.flags1 = val
		case elf.DT_RELACOUNT:
			o.relaCount = val
		case elf.DT_GNU_HASH:
			o.gnuHash = o.bias + uintptr(val)
		case elf.DT_VERSYM:
			o.versym = o.bias + uintptr(val)
		case elf.DT_VERDEF:
			verdef, hasVerdef = val, true
		case elf.DT_VERNEED:
			verneed, hasVerneed = val, true
		}
	}
	if !o.hasDyn[elf.DT_STRTAB] || !o.hasDyn[elf.DT_SYMTAB] {
		return fmt.Errorf("object has no dynamic symbol table")
	}
	// The assertions of glibc's get-dynamic-info.h, as load errors.
	if o.hasDyn[elf.DT_PLTREL] && o.dyn[elf.DT_PLTREL] != uint64(elf.DT_RELA) {
		return fmt.Errorf("DT_PLTREL is not DT_RELA")
	}
	if o.hasDyn[elf.DT_RELA] && o.hasDyn[elf.DT_RELAENT] && o.dyn[elf.DT_RELAENT] != 24 {
		return fmt.Errorf("DT_RELAENT is %d, not 24", o.dyn[elf.DT_RELAENT])
	}
	if o.hasDyn[elf.DT_SYMENT] && o.dyn[elf.DT_SYMENT] != symSize {
		return fmt.Errorf("DT_SYMENT is %d, not %d", o.dyn[elf.DT_SYMENT], symSize)
	}
	o.strtab = o.bias + uintptr(o.dyn[elf.DT_STRTAB])
	o.strsz = uintptr(o.dyn[elf.DT_STRSZ])
	o.symtab = o.bias + uintptr(o.dyn[elf.DT_SYMTAB])
	if o.hasDyn[elf.DT_HASH] {
		o.sysvHash = o.bias + uintptr(o.dyn[elf.DT_HASH])
	}
	if err := checkTables(o); err != nil {
		return err
	}
	str := func(tag string, off uint64) (string, error) {
		if off >= uint64(o.strsz) {
			return "", fmt.Errorf("%s name offset 0x%x out of range", tag, off)
		}
		return cstring(o.strtab + uintptr(off)), nil
	}
	for _, off := range neededOffs {
		s, err := str("DT_NEEDED", off)
		if err != nil {
			return err
		}
		o.needed = append(o.needed, s)
	}
	var err error
	if hasRpath {
		if o.rpath, err = str("DT_RPATH", rpathOff); err != nil {
			return err
		}
	}
	if hasRunpath {
		if o.runpath, err = str("DT_RUNPATH", runpathOff); err != nil {
			return err
		}
	}
	if hasSoname {
		if o.soname, err = str("DT_SONAME", sonameOff); err != nil {
			return err
		}
	}
	return readVersions(o, hasVerdef, verdef, hasVerneed, verneed)
}

// segmentEnd is the end of the readable PT_LOAD segment that holds addr
// (a run-time address), or 0 when no such segment holds it.
func (o *Object) segmentEnd(addr uintptr) uintptr {
	for _, p := range o.phdrs {
		if elf.ProgType(p.Type) != elf.PT_LOAD || p.Memsz == 0 ||
			elf.ProgFlag(p.Flags)&(elf.PF_R|elf.PF_W) == 0 {
			continue
		}
		start := o.bias + uintptr(p.Vaddr)
		end := start + uintptr(p.Memsz)
		if end > start && addr >= start && addr < end {
			return end
		}
	}
	return 0
}

// inSegment reports whether the n bytes at addr lie in one readable
// segment of o (n may be 0: addr itself must still be inside).
func (o *Object) inSegment(addr uintptr, n uint64) bool {
	end := o.segmentEnd(addr)
	return end != 0 && n <= uint64(end-addr)
}

// checkTables validates the string table, the hash tables, the symbol
// table and version symbol table, and the relocation and initializer
// arrays of o against its segments, and sets o.nsyms and o.hashSyms.
// Afterwards a symbol index below o.nsyms, its versym entry, and a string offset below
// o.strsz can be read without faulting, and every hash chain ends inside
// its table.
func checkTables(o *Object) error {
	if !o.inSegment(o.strtab, uint64(o.strsz)) {
		return fmt.Errorf("DT_STRTAB lies outside the loadable segments")
	}
	if o.strsz == 0 || get8(o.strtab+o.strsz-1) != 0 {
		// Every string read stops at the table's last byte.
		return fmt.Errorf("DT_STRTAB is not NUL-terminated")
	}
	if !o.inSegment(o.symtab, symSize) {
		return fmt.Errorf("DT_SYMTAB lies outside the loadable segments")
	}
	// Without DT_HASH nothing says how many symbols there are (DT_GNU_HASH
	// leaves out those below symoffset, and a program's symoffset may not
	// cover its undefined ones): the bound is what the segment holds,
	// dynsym and versym alike.
	nsyms := uint64(o.segmentEnd(o.symtab)-o.symtab) / symSize
	if o.versym != 0 {
		if !o.inSegment(o.versym, 2) {
			return fmt.Errorf("DT_VERSYM lies outside the loadable segments")
		}
		nsyms = min(nsyms, uint64(o.segmentEnd(o.versym)-o.versym)/2)
	}
	hashSyms := uint64(0)
	if o.sysvHash != 0 {
		h := o.sysvHash
		if !o.inSegment(h, 8) {
			return fmt.Errorf("DT_HASH lies outside the loadable segments")
		}
		nbucket, nchain := uint64(get32(h)), uint64(get32(h+4))
		if !o.inSegment(h, 8+4*(nbucket+nchain)) {
			return fmt.Errorf("DT_HASH table runs past the end of its segment")
		}
		for i := uint64(0); i < nbucket+nchain; i++ {
			if uint64(get32(h+8+uintptr(i)*4)) >= nchain {
				return fmt.Errorf("DT_HASH table refers to a symbol past its chain count")
			}
		}
		if nchain > nsyms {
			return fmt.Errorf("DT_HASH covers more symbols than DT_SYMTAB's segment holds")
		}
		nsyms, hashSyms = nchain, nchain
	}
	if o.gnuHash != 0 {
		n, err := checkGNUHash(o)
		if err != nil {
			return err
		}
		if n > nsyms {
			return fmt.Errorf("DT_GNU_HASH covers more symbols than DT_SYMTAB's segment holds")
		}
		if o.sysvHash == 0 {
			hashSyms = n
		}
	}
	o.nsyms, o.hashSyms = uintptr(nsyms), uintptr(hashSyms)
	for _, t := range [...]struct {
		addr, size elf.DynTag
		name       string
	}{
		{elf.DT_RELA, elf.DT_RELASZ, "DT_RELA"},
		{elf.DT_JMPREL, elf.DT_PLTRELSZ, "DT_JMPREL"},
		{dtRELR, dtRELRSZ, "DT_RELR"},
		{elf.DT_INIT_ARRAY, elf.DT_INIT_ARRAYSZ, "DT_INIT_ARRAY"},
		{elf.DT_FINI_ARRAY, elf.DT_FINI_ARRAYSZ, "DT_FINI_ARRAY"},
		{elf.DT_PREINIT_ARRAY, elf.DT_PREINIT_ARRAYSZ, "DT_PREINIT_ARRAY"},
	} {
		v, ok := o.dynVal(t.addr)
		if !ok {
			continue
		}
		if size := o.dyn[t.size]; size != 0 && !o.inSegment(o.bias+uintptr(v), size) {
			return fmt.Errorf("%s lies outside the loadable segments", t.name)
		}
	}
	return nil
}

// checkGNUHash validates DT_GNU_HASH: header, bloom filter, buckets and
// every chain inside one segment, each bucket at or after symoffset. It
// returns the number of symbols the table covers.
func checkGNUHash(o *Object) (uint64, error) {
	h := o.gnuHash
	if !o.inSegment(h, 16) {
		return 0, fmt.Errorf("DT_GNU_HASH lies outside the loadable segments")
	}
	nbuckets, symoffset, bloomSize := uint64(get32(h)), uint64(get32(h+4)), uint64(get32(h+8))
	if !o.inSegment(h, 16+bloomSize*8+nbuckets*4) {
		return 0, fmt.Errorf("DT_GNU_HASH table runs past the end of its segment")
	}
	buckets := h + 16 + uintptr(bloomSize)*8
	chain := buckets + uintptr(nbuckets)*4
	last := uint64(0)
	for i := uint64(0); i < nbuckets; i++ {
		b := uint64(get32(buckets + uintptr(i)*4))
		if b != 0 && b < symoffset {
			return 0, fmt.Errorf("DT_GNU_HASH bucket refers to a symbol below symoffset")
		}
		last = max(last, b)
	}
	if last == 0 {
		return symoffset, nil
	}
	// Every chain runs forward to the first entry with the low bit set;
	// the one that starts last ends last.
	end := o.segmentEnd(h)
	for i := last; ; i++ {
		c := chain + uintptr(i-symoffset)*4
		if c < chain || c+4 > end {
			return 0, fmt.Errorf("DT_GNU_HASH table runs past the end of its segment")
		}
		if get32(c)&1 != 0 {
			return i + 1, nil
		}
	}
}
