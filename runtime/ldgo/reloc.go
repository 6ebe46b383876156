package main

import (
	"debug/elf"
	"fmt"
	"syscall"

	"golang.org/x/sys/unix"
)

// relocator applies relocations in glibc's order: dependencies before the
// objects that need them, each object's IRELATIVE relocations after its
// symbolic ones (so ifunc resolvers run against relocated code).
type relocator struct {
	scope    []*Object          // global scope: program, dependencies breadth-first
	provided map[string]uintptr // symbols the loader itself defines for glibc
	rtld     *Object            // glibc's ld.so, whose definitions provided stands in for
	bindNow  bool
	debug    *debugLog
	pending  []pendingIfunc
	// For dlopen: bound is told about each binding to another object
	// (glibc's l_reldeps).
	bound func(from, to *Object)
}

// finishPending runs the ifunc resolvers that had to wait.
func (r *relocator) finishPending() {
	for _, p := range r.pending {
		putPtr(p.where, runResolver(p.resolver)+p.addend)
	}
	r.pending = nil
}

// symbolError is glibc's "symbol lookup error".
type symbolError struct {
	obj     *Object
	name    string
	version *versionName // the reference's version, nil for an unversioned one
	// unversionedIn: the symbol was found, but in the very file the
	// version is needed from, which has no version table (noVersionsHere).
	unversionedIn *Object
}

func (e *symbolError) Error() string {
	return fmt.Sprintf("symbol lookup error: %s: %s", e.obj.dsoFilename(), e.detail())
}

// detail is glibc's "undefined symbol: NAME", with ", version V" for a
// versioned reference, or what is wrong with the definition found.
func (e *symbolError) detail() string {
	switch {
	case e.unversionedIn != nil:
		return fmt.Sprintf("symbol %s, version %s, %s %s", e.name, e.version.name, unversionedDefinition, e.unversionedIn.path)
	case e.version == nil:
		return "undefined symbol: " + e.name
	}
	return "undefined symbol: " + e.name + ", version " + e.version.name
}

// unversionedDefinition ends the message for noVersionsHere's case.
const unversionedDefinition = "is defined without version information in"

// noVersionsHere is the assertion in glibc's check_match: a versioned
// reference whose version a verneed entry needs from a certain file must
// not find its symbol in that file if the file has no version table
// (DT_VERSYM): the symbol would have lost its version, and the start-up
// check could not have seen it. glibc stops with "Inconsistency detected
// by ld.so"; ldgo reports a symbol lookup error (exit 127 as well). In any
// other object an unversioned definition serves the reference.
func noVersionsHere(def *Object, v *versionName) bool {
	return v != nil && v.file != "" && def.versym == 0 && def.answersTo(v.file)
}

// resolved is a symbol's owner and address for a relocation.
type resolved struct {
	def          symDef // zero for an undefined weak symbol
	value        uintptr
	ifuncPending bool // value is an ifunc resolver not yet callable
}

// pendingIfunc is a relocation against an ifunc whose resolver must wait
// until its object is relocated: *where = resolver() + addend.
type pendingIfunc struct {
	where, resolver, addend uintptr
}

// resolve finds the definition of symbol idx referenced by o.
func (r *relocator) resolve(o *Object, idx uint32, class int) (resolved, error) {
	s := o.symtab + uintptr(idx)*symSize
	info := get8(s + symInfo)
	vis := elf.ST_VISIBILITY(get8(s + 5))
	if elf.ST_BIND(info) == elf.STB_LOCAL || vis == elf.STV_HIDDEN || vis == elf.STV_INTERNAL {
		return resolved{def: symDef{obj: o, sym: s}, value: symAddr(o, s)}, nil
	}
	ref := o.symRefOf(idx)
	if v, ok := r.provided[ref.name]; ok && r.rtldServes(&ref, class) {
		return resolved{value: v}, nil
	}
	var skip *Object
	if class&classCopy != 0 {
		skip = r.scope[0]
	}
	scope := r.scope
	if o.flags&uint64(elf.DF_SYMBOLIC) != 0 {
		scope = append([]*Object{o}, r.scope...)
	}
	def := lookup(scope, &ref, class, skip)
	if def.found() && noVersionsHere(def.obj, ref.version) {
		return resolved{}, &symbolError{obj: o, name: ref.name, version: ref.version, unversionedIn: def.obj}
	}
	if !def.found() {
		if elf.ST_BIND(info) == elf.STB_WEAK {
			return resolved{}, nil
		}
		return resolved{}, &symbolError{obj: o, name: ref.name, version: ref.version}
	}
	v := symAddr(def.obj, def.sym)
	if def.typ() == elf.STT_GNU_IFUNC && get16(def.sym+symShndx) != 0 {
		if !def.obj.relocated && def.obj != o {
			// The resolver's object is not relocated yet (a dependency
			// cycle): run it once everything is.
			return resolved{def: def, value: v, ifuncPending: true}, nil
		}
		v = runResolver(v)
	}
	r.debug.binding(o, def, ref.name, v)
	if r.bound != nil && def.obj != o {
		r.bound(o, def.obj)
	}
	return resolved{def: def, value: v}, nil
}

// rtldServes reports whether ld.so's own definition would serve ref, a
// reference to a symbol the loader provides in ld.so's place (before any
// other definition, as ld.so's would not be). A reference to a version ld.so
// does not define fails under glibc: it must not bind to the loader's.
func (r *relocator) rtldServes(ref *symRef, class int) bool {
	return ref.version == nil || r.rtld == nil || r.rtld.lookupIn(ref, class) != 0
}

// symAddr is glibc's SYMBOL_ADDRESS: absolute symbols are not biased.
func symAddr(o *Object, s uintptr) uintptr {
	if get16(s+symShndx) == uint16(elf.SHN_ABS) {
		return uintptr(get64(s + symValue))
	}
	return o.bias + uintptr(get64(s+symValue))
}

// relocate applies all of o's relocations. With deferIRelative the
// IRELATIVE ones are returned instead of run (ld.so's own, whose resolver
// needs GLRO filled first).
func (r *relocator) relocate(o *Object, deferIRelative bool) (irel []uintptr, err error) {
	if o.dynamic == 0 || o.relocated {
		return nil, nil
	}
	// glibc binds PLT slots lazily unless LD_BIND_NOW or the object's own
	// DF_BIND_NOW / DF_1_NOW says otherwise.
	_, hasGOT := o.dynVal(elf.DT_PLTGOT)
	o.lazy = hasGOT && !r.bindNow && o.flags&uint64(elf.DF_BIND_NOW) == 0 && o.flags1&uint64(elf.DF_1_NOW) == 0
	if o.lazy && !o.relocTarget(o.gotAddr(), 24) {
		// Lazy binding writes GOT[1] and GOT[2]: they must be the
		// object's own writable memory (glibc would fault there).
		return nil, fmt.Errorf("DT_PLTGOT lies outside the writable segments")
	}
	o.notePrelinkedPLT()
	textrel := o.hasDyn[elf.DT_TEXTREL] || o.flags&uint64(elf.DF_TEXTREL) != 0
	if textrel {
		o.protectSegments(true)
	}
	if v, ok := o.dynVal(dtRELR); ok {
		applyRELR(o, o.bias+uintptr(v), uintptr(o.dyn[dtRELRSZ]))
	}
	if v, ok := o.dynVal(elf.DT_RELA); ok {
		if irel, err = r.applyRela(o, o.bias+uintptr(v), uintptr(o.dyn[elf.DT_RELASZ]), o.relaCount, irel); err != nil {
			return nil, err
		}
	}
	if v, ok := o.dynVal(elf.DT_JMPREL); ok {
		if o.dyn[elf.DT_PLTREL] != uint64(elf.DT_RELA) {
			return nil, fmt.Errorf("DT_PLTREL is not DT_RELA")
		}
		if o.lazy {
			// glibc's elf_machine_lazy_rel takes only these in DT_JMPREL.
			for p, end := o.bias+uintptr(v), o.bias+uintptr(v)+uintptr(o.dyn[elf.DT_PLTRELSZ]); p+24 <= end; p += 24 {
				switch t := elf.R_X86_64(get64(p+8) & 0xffffffff); t {
				case elf.R_X86_64_JMP_SLOT, elf.R_X86_64_IRELATIVE, elf.R_X86_64_TLSDESC:
				default:
					return nil, fmt.Errorf("unexpected PLT reloc type 0x%02x", uint32(t))
				}
			}
		}
		if irel, err = r.applyRela(o, o.bias+uintptr(v), uintptr(o.dyn[elf.DT_PLTRELSZ]), 0, irel); err != nil {
			return nil, err
		}
	}
	if !deferIRelative {
		runIRelative(irel)
		irel = nil
	}
	if textrel {
		o.protectSegments(false)
	}
	o.relocated = true
	return irel, nil
}

// runIRelative calls each resolver (pairs of address, resolver) and stores
// the function it picks.
func runIRelative(irel []uintptr) {
	for i := 0; i+1 < len(irel); i += 2 {
		putPtr(irel[i], runResolver(irel[i+1]))
	}
}

// applyRELR applies a DT_RELR table: even words are addresses, odd words
// bitmaps of the 63 words that follow the last address.
func applyRELR(o *Object, table, size uintptr) {
	var where uintptr
	for p := table; p < table+size; p += 8 {
		e := uintptr(get64(p))
		if e&1 == 0 {
			where = o.bias + e
			if !o.relocTarget(where, 8) {
				return
			}
			putPtr(where, getPtr(where)+o.bias)
			where += 8
			continue
		}
		for i := uintptr(0); e>>1 != 0; i++ {
			e >>= 1
			if e&1 != 0 {
				a := where + i*8
				if !o.relocTarget(a, 8) {
					return
				}
				putPtr(a, getPtr(a)+o.bias)
			}
		}
		where += 63 * 8
	}
}

// applyRela applies one Elf64_Rela table.
// applyRela applies a RELA table; its first relative entries must be
// R_X86_64_RELATIVE (DT_RELACOUNT). glibc applies those blindly and asserts
// on a mismatch; a loader that trusted the type instead would carry on with
// a corrupt object, so the mismatch is a load error.
func (r *relocator) applyRela(o *Object, table, size uintptr, relative uint64, irel []uintptr) ([]uintptr, error) {
	for i, p := uint64(0), table; p+24 <= table+size; i, p = i+1, p+24 {
		offset := uintptr(get64(p))
		info := get64(p + 8)
		addend := uintptr(get64(p + 16))
		typ := elf.R_X86_64(info & 0xffffffff)
		idx := uint32(info >> 32)
		where := o.bias + offset
		if i < relative && typ != elf.R_X86_64_RELATIVE {
			return irel, fmt.Errorf("DT_RELACOUNT counts %d relative relocations, but relocation %d has type %d", relative, i, uint32(typ))
		}
		if typ != elf.R_X86_64_NONE && !o.relocTarget(where, relocWidth(typ)) {
			// A corrupt file: glibc would write there and crash; the
			// loader's own memory must not be touched.
			return irel, fmt.Errorf("relocation at 0x%x outside the object's writable segments", offset)
		}
		// R_X86_64_NONE reads nothing: its symbol index need not be
		// valid, and its symbol must not be read.
		if idx != 0 && typ != elf.R_X86_64_NONE {
			if uintptr(idx) >= o.nsyms {
				return irel, fmt.Errorf("relocation at 0x%x refers to symbol %d of %d", offset, idx, o.nsyms)
			}
			if uintptr(get32(o.symtab+uintptr(idx)*symSize+symName)) >= o.strsz {
				return irel, fmt.Errorf("relocation at 0x%x refers to a symbol whose name is outside DT_STRTAB", offset)
			}
		}
		switch typ {
		case elf.R_X86_64_NONE:
			continue
		case elf.R_X86_64_RELATIVE, elf.R_X86_64_RELATIVE64:
			putPtr(where, o.bias+addend)
			continue
		case elf.R_X86_64_IRELATIVE:
			irel = append(irel, where, o.bias+addend)
			continue
		}
		if typ == elf.R_X86_64_JMP_SLOT && o.lazy {
			// Until the first call the slot points back into the PLT.
			putPtr(where, o.lazySlotValue(where))
			continue
		}
		class := 0
		switch typ {
		case elf.R_X86_64_JMP_SLOT:
			class = classPLT
		case elf.R_X86_64_COPY:
			class = classCopy
		}
		var res resolved
		if idx != 0 {
			var err error
			res, err = r.resolve(o, idx, class)
			if err != nil {
				return irel, err
			}
		} else {
			// Symbol 0 is a real (null) entry: glibc reads its
			// st_value and st_size as any other local symbol's.
			res.def = symDef{obj: o, sym: o.symtab}
		}
		if res.ifuncPending {
			a := uintptr(0)
			if typ == elf.R_X86_64_64 {
				a = addend
			} else if typ != elf.R_X86_64_GLOB_DAT && typ != elf.R_X86_64_JMP_SLOT {
				return irel, fmt.Errorf("relocation against ifunc %s in an unrelocated object", cstring(res.def.obj.strtab+uintptr(get32(res.def.sym+symName))))
			}
			r.pending = append(r.pending, pendingIfunc{where: where, resolver: res.value, addend: a})
			continue
		}
		switch typ {
		case elf.R_X86_64_GLOB_DAT, elf.R_X86_64_JMP_SLOT:
			putPtr(where, res.value)
		case elf.R_X86_64_64:
			putPtr(where, res.value+addend)
		case elf.R_X86_64_PC32, elf.R_X86_64_32, elf.R_X86_64_32S:
			v := res.value + addend
			if typ == elf.R_X86_64_PC32 {
				v -= where
			}
			put32(where, uint32(v))
		case elf.R_X86_64_PC64:
			putPtr(where, res.value+addend-where)
		case elf.R_X86_64_SIZE64:
			putPtr(where, uintptr(res.def.size())+addend)
		case elf.R_X86_64_SIZE32:
			put32(where, uint32(uintptr(res.def.size())+addend))
		case elf.R_X86_64_COPY:
			if res.def.found() {
				n := min(res.def.size(), get64(o.symtab+uintptr(idx)*symSize+symSizeF))
				if !o.relocTarget(where, uintptr(n)) || !res.def.obj.inSegment(res.value, n) {
					return irel, fmt.Errorf("copy relocation at 0x%x of %d bytes outside the objects' segments", offset, n)
				}
				copy(bytesAt(where, int(n)), bytesAt(res.value, int(n)))
			}
		case elf.R_X86_64_DTPMOD64:
			if res.def.obj != nil {
				putPtr(where, res.def.obj.tlsModid)
			}
		case elf.R_X86_64_DTPOFF64:
			if res.def.sym != 0 {
				putPtr(where, uintptr(res.def.value())+addend)
			} else {
				putPtr(where, addend)
			}
		case elf.R_X86_64_TLSDESC:
			var v uintptr
			if res.def.sym != 0 {
				v = uintptr(res.def.value())
			}
			if err := applyTLSDESC(where, res.def, v, addend); err != nil {
				return irel, err
			}
		case elf.R_X86_64_TPOFF64:
			if d := res.def; d.obj != nil {
				if d.obj.tlsOffset == 0 {
					return irel, fmt.Errorf("cannot allocate memory in static TLS block")
				}
				var v uintptr
				if d.sym != 0 {
					v = uintptr(d.value())
				}
				putPtr(where, v+addend-d.obj.tlsOffset)
			}
		default:
			return irel, fmt.Errorf("unexpected reloc type 0x%x", uint32(typ))
		}
	}
	return irel, nil
}

// protectSegments makes read-only segments writable (for text relocations)
// or restores their protections.
func (o *Object) protectSegments(writable bool) {
	for _, p := range o.phdrs {
		if elf.ProgType(p.Type) != elf.PT_LOAD || elf.ProgFlag(p.Flags)&elf.PF_W != 0 {
			continue
		}
		start := pageDown(o.bias + uintptr(p.Vaddr))
		end := pageUp(o.bias + uintptr(p.Vaddr+p.Memsz))
		prot := elfProt(elf.ProgFlag(p.Flags))
		if writable {
			prot |= unix.PROT_WRITE
		}
		unix.Mprotect(bytesAt(start, int(end-start)), prot)
	}
}

// protectRELRO makes the object's PT_GNU_RELRO read-only after relocation.
// A range reaching outside the object is what glibc's mprotect fails on
// (ENOMEM, nothing mapped there); here it would protect someone else's
// pages, so it is the same load error.
func (o *Object) protectRELRO() error {
	if o.relroSize == 0 {
		return nil
	}
	start := pageDown(o.relroStart)
	end := pageDown(o.relroStart + o.relroSize)
	if start < pageDown(o.mapStart) || end > pageUp(o.mapEnd) || end < start {
		return &loadError{name: o.displayName(), err: fmt.Errorf("cannot apply additional memory protection after relocation: Cannot allocate memory")}
	}
	if end > start {
		if err := unix.Mprotect(bytesAt(start, int(end-start)), unix.PROT_READ); err != nil {
			msg := err.Error()
			if e, ok := err.(syscall.Errno); ok {
				msg = strerror(e)
			}
			return &loadError{name: o.displayName(), err: fmt.Errorf("cannot apply additional memory protection after relocation: %s", msg)}
		}
	}
	return nil
}

// relocTarget reports whether the n bytes at addr lie in one segment the
// relocations may write: a PF_W one, or any while text relocations have
// made them all writable.
func (o *Object) relocTarget(addr, n uintptr) bool {
	textrel := o.hasDyn[elf.DT_TEXTREL] || o.flags&uint64(elf.DF_TEXTREL) != 0
	for _, p := range o.phdrs {
		if elf.ProgType(p.Type) != elf.PT_LOAD || p.Memsz == 0 || !textrel && elf.ProgFlag(p.Flags)&elf.PF_W == 0 {
			continue
		}
		start := o.bias + uintptr(p.Vaddr)
		end := start + uintptr(p.Memsz)
		if end > start && addr >= start && addr < end && n <= end-addr {
			return true
		}
	}
	return false
}

// relocWidth is how many bytes a relocation of type typ writes (TLSDESC:
// two words).
func relocWidth(typ elf.R_X86_64) uintptr {
	switch typ {
	case elf.R_X86_64_PC32, elf.R_X86_64_32, elf.R_X86_64_32S, elf.R_X86_64_SIZE32:
		return 4
	case elf.R_X86_64_TLSDESC:
		return 16
	}
	return 8
}

// inSpan reports whether n bytes at addr lie inside the object's mapped
// span (the last word may be shorter than n at the very end: n is an upper
// bound for the relocation's width).
func (o *Object) inSpan(addr, n uintptr) bool {
	return addr >= o.mapStart && addr < o.mapEnd && addr+8 <= o.mapEnd && (n <= 8 || addr+n <= o.mapEnd+8)
}
