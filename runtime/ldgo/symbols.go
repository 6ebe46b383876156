package main

import (
	"debug/elf"
	"encoding/hex"

	"gold/dynsym"
)

// findSymbol looks name up in o alone, taking any version.
func findSymbol(o *Object, name string) uintptr {
	if o == nil || o.symtab == 0 {
		return 0
	}
	ref := symRef{name: name, gnuHash: dynsym.GNUHash(name)}
	if s := o.lookupIn(&ref, 0); s != 0 {
		return s
	}
	// A versioned definition that is not the only one: take the default.
	if o.versym != 0 && o.gnuHash != 0 {
		return o.scanSymbol(name)
	}
	return 0
}

// scanSymbol walks the GNU hash chain for name and returns the first
// non-hidden definition, whatever its version.
func (o *Object) scanSymbol(name string) uintptr {
	h := o.gnuHash
	nbuckets, symoffset, bloomSize := get32(h), get32(h+4), get32(h+8)
	buckets := h + 16 + uintptr(bloomSize)*8
	chain := buckets + uintptr(nbuckets)*4
	h1 := dynsym.GNUHash(name)
	i := get32(buckets + uintptr(h1%nbuckets)*4)
	if i == 0 {
		return 0
	}
	for {
		h2 := get32(chain + uintptr(i-symoffset)*4)
		s := o.symtab + uintptr(i)*symSize
		if h1|1 == h2|1 && get16(s+symShndx) != 0 && get16(o.versym+uintptr(i)*2)&0x8000 == 0 &&
			uintptr(get32(s+symName)) < o.strsz && nameEquals(o.strtab+uintptr(get32(s+symName)), name) {
			return s
		}
		if h2&1 != 0 {
			return 0
		}
		i++
	}
}

// symbolAddr is the run-time address of name defined in o, or 0.
func symbolAddr(o *Object, name string) uintptr {
	s := findSymbol(o, name)
	if s == 0 {
		return 0
	}
	return symAddr(o, s)
}

// symbolSize is st_size of name defined in o, or 0.
func symbolSize(o *Object, name string) uint64 {
	s := findSymbol(o, name)
	if s == 0 {
		return 0
	}
	return get64(s + symSizeF)
}

// buildID returns the GNU build-id of o in hex, or "".
func buildID(o *Object) string {
	for _, p := range o.phdrs {
		if elf.ProgType(p.Type) != elf.PT_NOTE {
			continue
		}
		a, end := o.bias+uintptr(p.Vaddr), o.bias+uintptr(p.Vaddr+p.Memsz)
		for a+12 <= end {
			namesz, descsz, typ := uintptr(get32(a)), uintptr(get32(a+4)), get32(a+8)
			desc := a + 12 + (namesz+3)&^3
			if typ == 3 /* NT_GNU_BUILD_ID */ && namesz == 4 && nameEquals(a+12, "GNU") {
				return hex.EncodeToString(bytesAt(desc, int(descsz)))
			}
			a = desc + (descsz+3)&^3
		}
	}
	return ""
}
