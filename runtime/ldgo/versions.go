package main

import "fmt"

// versionName is one entry of an object's version index space: a version it
// defines (verdef) or one it needs from a library (verneed).
type versionName struct {
	name   string
	hash   uint32
	hidden bool // vna_other has 0x8000: only an exact version matches
	file   string
}

// readVersions builds o.versions, indexed like the entries of .gnu.version.
// Each record of the verdef and verneed chains must lie in the segment
// that holds the chain's start, and every name must be in the string table.
func readVersions(o *Object, hasVerdef bool, verdef, verdefnum uint64, hasVerneed bool, verneed, verneednum uint64) error {
	set := func(idx uint16, v versionName) {
		idx &= 0x7fff
		for int(idx) >= len(o.versions) {
			o.versions = append(o.versions, versionName{})
		}
		o.versions[idx] = v
	}
	str := func(off uint32) (string, bool) {
		if uintptr(off) >= o.strsz {
			return "", false
		}
		return cstring(o.strtab + uintptr(off)), true
	}
	if hasVerdef {
		bad := fmt.Errorf("bad version definition chain (DT_VERDEF)")
		d := o.bias + uintptr(verdef)
		start, end := d, o.segmentEnd(d)
		in := func(a, n uintptr) bool { return end != 0 && a >= start && a < end && n <= end-a }
		if in(d, 2) {
			if v := get16(d); v != 1 {
				o.badVerdef = v
			}
		}
		for i := uint64(0); i < verdefnum; i++ {
			// Elf64_Verdef: version, flags, ndx, cnt (16-bit), hash, aux, next (32-bit)
			if !in(d, 20) {
				return bad
			}
			if v := get16(d); v != 1 && o.badVerdef == 0 {
				o.badVerdef = v
			}
			flags := get16(d + 2)
			ndx := get16(d + 4)
			hash := get32(d + 8)
			aux := d + uintptr(get32(d+12))
			next := get32(d + 16)
			if flags&1 == 0 { // not VER_FLG_BASE
				if !in(aux, 8) {
					return bad
				}
				name, ok := str(get32(aux))
				if !ok {
					return bad
				}
				set(ndx, versionName{name: name, hash: hash})
				o.defined = append(o.defined, versionName{name: name, hash: hash})
			}
			if next == 0 {
				break
			}
			d += uintptr(next)
		}
	}
	if hasVerneed {
		bad := fmt.Errorf("bad version need chain (DT_VERNEED)")
		n := o.bias + uintptr(verneed)
		start, end := n, o.segmentEnd(n)
		in := func(a, k uintptr) bool { return end != 0 && a >= start && a < end && k <= end-a }
		// glibc checks the first record's version whatever DT_VERNEEDNUM says.
		if in(n, 2) {
			if v := get16(n); v != 1 {
				o.badVerneed = v
			}
		}
		for i := uint64(0); i < verneednum; i++ {
			// Elf64_Verneed: version, cnt (16-bit), file, aux, next (32-bit)
			if !in(n, 16) {
				return bad
			}
			if v := get16(n); v != 1 && o.badVerneed == 0 {
				o.badVerneed = v
			}
			if o.badVerneed != 0 {
				break
			}
			cnt := get16(n + 2)
			file, ok := str(get32(n + 4))
			if !ok {
				return bad
			}
			a := n + uintptr(get32(n+8))
			for j := uint16(0); j < cnt; j++ {
				// Elf64_Vernaux: hash (32), flags (16), other (16), name, next (32)
				if !in(a, 16) {
					return bad
				}
				hash := get32(a)
				weak := get16(a+4)&verFlagWeak != 0
				other := get16(a + 6)
				name, ok := str(get32(a + 8))
				if !ok {
					return bad
				}
				set(other, versionName{name: name, hash: hash, hidden: other&0x8000 != 0, file: file})
				o.needs = append(o.needs, versionNeed{file: file, name: name, hash: hash, weak: weak})
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
	return nil
}
