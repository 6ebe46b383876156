package main

import (
	"debug/elf"

	"gold/dynsym"
)

// Elf64_Sym field offsets.
const (
	symSize  = 24
	symName  = 0
	symInfo  = 4
	symShndx = 6
	symValue = 8
	symSizeF = 16
)

// symRef is what a relocation asks for: a name and, when the referencing
// object has version information, the version it needs.
type symRef struct {
	name    string
	gnuHash uint32
	version *versionName // nil: unversioned reference
}

// symDef is a symbol found by lookup.
type symDef struct {
	obj *Object
	sym uintptr // address of the Elf64_Sym
}

func (d symDef) found() bool { return d.obj != nil }
func (d symDef) typ() elf.SymType {
	return elf.ST_TYPE(get8(d.sym + symInfo))
}
func (d symDef) value() uint64 { return get64(d.sym + symValue) }

// size is st_size; 0 for an undefined weak symbol, which has no entry
// (glibc dereferences NULL for an R_X86_64_SIZE* against one).
func (d symDef) size() uint64 {
	if d.sym == 0 {
		return 0
	}
	return get64(d.sym + symSizeF)
}

// nameEquals compares the NUL-terminated string at addr with name without
// allocating.
func nameEquals(addr uintptr, name string) bool {
	for i := 0; i < len(name); i++ {
		if get8(addr+uintptr(i)) != name[i] {
			return false
		}
	}
	return get8(addr+uintptr(len(name))) == 0
}

// Relocation type classes, as glibc's: a PLT reference must not bind to an
// undefined symbol's PLT address, a copy relocation must not bind to the
// program itself.
const (
	classPLT  = 1
	classCopy = 2
)

// matchSym is glibc's check_match: is symbol idx of o a definition that
// satisfies ref? versioned is set to a usable non-default-version candidate
// for an unversioned reference.
func (o *Object) matchSym(idx uint32, ref *symRef, class int, versioned *uintptr, nversioned *int) bool {
	s := o.symtab + uintptr(idx)*symSize
	info := get8(s + symInfo)
	typ := elf.ST_TYPE(info)
	shndx := get16(s + symShndx)
	if get64(s+symValue) == 0 && typ != elf.STT_TLS {
		return false
	}
	if class&classPLT != 0 && shndx == 0 {
		return false
	}
	switch typ {
	case elf.STT_NOTYPE, elf.STT_OBJECT, elf.STT_FUNC, elf.STT_COMMON, elf.STT_TLS, elf.STT_GNU_IFUNC:
	default:
		return false
	}
	switch elf.ST_BIND(info) {
	case elf.STB_GLOBAL, elf.STB_WEAK, stbGNUUnique:
	default:
		return false
	}
	if off := uintptr(get32(s + symName)); off >= o.strsz || !nameEquals(o.strtab+off, ref.name) {
		return false
	}
	if o.versym == 0 {
		return true
	}
	raw := get16(o.versym + uintptr(idx)*2)
	ndx := int(raw & 0x7fff)
	var def versionName
	if ndx < len(o.versions) {
		def = o.versions[ndx]
	}
	if ref.version != nil {
		if def.hash == ref.version.hash && def.name == ref.version.name {
			return true
		}
		// The default (unversioned) definition serves a versioned
		// reference unless the reference insists or it is hidden.
		return !ref.version.hidden && def.hash == 0 && raw&0x8000 == 0
	}
	if ndx >= 3 {
		// An unversioned reference takes a versioned definition only if
		// it is the single non-hidden one.
		if raw&0x8000 == 0 {
			if *nversioned == 0 {
				*versioned = s
			}
			*nversioned++
		}
		return false
	}
	return true
}

// lookupIn finds ref in one object through its GNU or SysV hash table.
func (o *Object) lookupIn(ref *symRef, class int) uintptr {
	var versioned uintptr
	nversioned := 0
	if o.gnuHash != 0 {
		h := o.gnuHash
		nbuckets := get32(h)
		symoffset := get32(h + 4)
		bloomSize := get32(h + 8)
		shift := get32(h + 12)
		if nbuckets == 0 || bloomSize == 0 {
			return 0
		}
		bloom := h + 16
		buckets := bloom + uintptr(bloomSize)*8
		chain := buckets + uintptr(nbuckets)*4
		h1 := ref.gnuHash
		word := get64(bloom + uintptr((h1/64)%bloomSize)*8)
		mask := uint64(1)<<(h1%64) | uint64(1)<<((h1>>shift)%64)
		if word&mask != mask {
			return 0
		}
		i := get32(buckets + uintptr(h1%nbuckets)*4)
		if i == 0 || i < symoffset {
			return 0
		}
		for {
			h2 := get32(chain + uintptr(i-symoffset)*4)
			if h1|1 == h2|1 && o.matchSym(i, ref, class, &versioned, &nversioned) {
				return o.symtab + uintptr(i)*symSize
			}
			if h2&1 != 0 {
				break
			}
			i++
		}
	} else if o.sysvHash != 0 {
		nbucket := get32(o.sysvHash)
		if nbucket == 0 {
			return 0
		}
		buckets := o.sysvHash + 8
		chains := buckets + uintptr(nbucket)*4
		// checkTables keeps every index below nchain; a loop in a chain
		// ends after nchain steps.
		i := get32(buckets + uintptr(dynsym.SysVHash(ref.name)%nbucket)*4)
		for n := uintptr(0); i != 0 && n < o.nsyms; i, n = get32(chains+uintptr(i)*4), n+1 {
			if o.matchSym(i, ref, class, &versioned, &nversioned) {
				return o.symtab + uintptr(i)*symSize
			}
		}
	}
	if nversioned == 1 {
		return versioned
	}
	return 0
}

// lookup searches the scope in order; skip is left out (the program, for
// copy relocations).
func lookup(scope []*Object, ref *symRef, class int, skip *Object) symDef {
	for _, o := range scope {
		if o == skip {
			continue
		}
		if s := o.lookupIn(ref, class); s != 0 {
			return symDef{obj: o, sym: s}
		}
	}
	return symDef{}
}

// symRefOf builds the reference for symbol idx of o (idx below o.nsyms).
func (o *Object) symRefOf(idx uint32) symRef {
	s := o.symtab + uintptr(idx)*symSize
	name := ""
	if off := uintptr(get32(s + symName)); off < o.strsz {
		name = cstring(o.strtab + off)
	}
	ref := symRef{name: name, gnuHash: dynsym.GNUHash(name)}
	if o.versym != 0 {
		ndx := int(get16(o.versym+uintptr(idx)*2) & 0x7fff)
		if ndx < len(o.versions) && o.versions[ndx].hash != 0 {
			ref.version = &o.versions[ndx]
		}
	}
	return ref
}

// stbGNUUnique is STB_GNU_UNIQUE (not in debug/elf).
const stbGNUUnique elf.SymBind = 10
