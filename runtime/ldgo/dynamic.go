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
	var neededOffs []uint64
	var rpathOff, runpathOff, sonameOff uint64
	var hasRpath, hasRunpath, hasSoname bool
	var verdef, verdefnum, verneed, verneednum uint64
	for d := o.dynamic; ; d += 16 {
		tag := elf.DynTag(get64(d))
		val := get64(d + 8)
		o.dynNum++
		if tag == elf.DT_NULL {
			break
		}
		if int(tag) < dynSlots && !o.hasDyn[tag] {
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
		case elf.DT_GNU_HASH:
			o.gnuHash = o.bias + uintptr(val)
		case elf.DT_VERSYM:
			o.versym = o.bias + uintptr(val)
		case elf.DT_VERDEF:
			verdef = val
		case elf.DT_VERDEFNUM:
			verdefnum = val
		case elf.DT_VERNEED:
			verneed = val
		case elf.DT_VERNEEDNUM:
			verneednum = val
		}
	}
	if !o.hasDyn[elf.DT_STRTAB] || !o.hasDyn[elf.DT_SYMTAB] {
		return fmt.Errorf("object has no dynamic symbol table")
	}
	o.strtab = o.bias + uintptr(o.dyn[elf.DT_STRTAB])
	o.strsz = uintptr(o.dyn[elf.DT_STRSZ])
	o.symtab = o.bias + uintptr(o.dyn[elf.DT_SYMTAB])
	if o.hasDyn[elf.DT_HASH] {
		o.sysvHash = o.bias + uintptr(o.dyn[elf.DT_HASH])
	}
	str := func(off uint64) string {
		if uintptr(off) >= o.strsz {
			return ""
		}
		return cstring(o.strtab + uintptr(off))
	}
	for _, off := range neededOffs {
		o.needed = append(o.needed, str(off))
	}
	if hasRpath {
		o.rpath = str(rpathOff)
	}
	if hasRunpath {
		o.runpath = str(runpathOff)
	}
	if hasSoname {
		o.soname = str(sonameOff)
	}
	readVersions(o, verdef, verdefnum, verneed, verneednum, str)
	return nil
}

// versionName is one entry of an object's version index space: a version it
// defines (verdef) or one it needs from a library (verneed).
type versionName struct {
	name   string
	hash   uint32
	hidden bool // vna_other has 0x8000: only an exact version matches
	file   string
}

// readVersions builds o.versions, indexed like the entries of .gnu.version.
func readVersions(o *Object, verdef, verdefnum, verneed, verneednum uint64, str func(uint64) string) {
	set := func(idx uint16, v versionName) {
		idx &= 0x7fff
		for int(idx) >= len(o.versions) {
			o.versions = append(o.versions, versionName{})
		}
		o.versions[idx] = v
	}
	if verdef != 0 {
		d := o.bias + uintptr(verdef)
		for i := uint64(0); i < verdefnum; i++ {
			// Elf64_Verdef: version, flags, ndx, cnt (16-bit), hash, aux, next (32-bit)
			flags := get16(d + 2)
			ndx := get16(d + 4)
			hash := get32(d + 8)
			aux := get32(d + 12)
			next := get32(d + 16)
			if flags&1 == 0 { // not VER_FLG_BASE
				set(ndx, versionName{name: str(uint64(get32(d + uintptr(aux)))), hash: hash})
			}
			if next == 0 {
				break
			}
			d += uintptr(next)
		}
	}
	if verneed != 0 {
		n := o.bias + uintptr(verneed)
		for i := uint64(0); i < verneednum; i++ {
			// Elf64_Verneed: version, cnt (16-bit), file, aux, next (32-bit)
			cnt := get16(n + 2)
			file := str(uint64(get32(n + 4)))
			a := n + uintptr(get32(n+8))
			for j := uint16(0); j < cnt; j++ {
				// Elf64_Vernaux: hash (32), flags (16), other (16), name, next (32)
				hash := get32(a)
				other := get16(a + 6)
				name := str(uint64(get32(a + 8)))
				set(other, versionName{name: name, hash: hash, hidden: other&0x8000 != 0, file: file})
				next := get32(a + 12)
				if next == 0 {
					break
				}
				a += uintptr(next)
			}
			next := get32(n + 12)
			if next == 0 {
				break
			}
			n += uintptr(next)
		}
	}
}
