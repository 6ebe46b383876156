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

// verdefRecord is one record of an object's DT_VERDEF chain as glibc's
// start-up version check (match_symbol) reads it, the base record too.
type verdefRecord struct {
	version uint16 // vd_version: anything but 1 is "unsupported"
	hash    uint32
	name    string
	named   bool // the name lies in the string table (always, but for a base record)
}

// readVersions builds o.versions, indexed like the entries of .gnu.version,
// o.verdefs and o.needs. Like glibc (_dl_check_map_versions, match_symbol),
// it follows each chain by its next offsets until one is zero: glibc never
// reads DT_VERDEFNUM, DT_VERNEEDNUM or vn_cnt, so neither does the loader
// (a corrupted count would otherwise hide versions glibc sees). Each record
// must lie in the segment that holds the chain's start, and every name but
// a base definition's must be in the string table; the walks end because
// every step moves forward inside that segment.
func readVersions(o *Object, hasVerdef bool, verdef uint64, hasVerneed bool, verneed uint64) error {
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
	o.hasVerdef = hasVerdef
	if hasVerdef {
		bad := fmt.Errorf("bad version definition chain (DT_VERDEF)")
		d := o.bias + uintptr(verdef)
		start, end := d, o.segmentEnd(d)
		in := func(a, n uintptr) bool { return end != 0 && a >= start && a < end && n <= end-a }
		for {
			// Elf64_Verdef: version, flags, ndx, cnt (16-bit), hash, aux, next (32-bit)
			if !in(d, 20) {
				return bad
			}
			rec := verdefRecord{version: get16(d), hash: get32(d + 8)}
			flags := get16(d + 2)
			ndx := get16(d + 4)
			aux := d + uintptr(get32(d+12))
			if in(aux, 8) {
				rec.name, rec.named = str(get32(aux))
			}
			if flags&1 == 0 { // not VER_FLG_BASE: glibc puts it in l_versions
				if !rec.named {
					return bad
				}
				set(ndx, versionName{name: rec.name, hash: rec.hash})
			}
			o.verdefs = append(o.verdefs, rec)
			next := get32(d + 16)
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
		// glibc checks the first record's version only, before anything
		// else (a load error).
		if in(n, 2) {
			if v := get16(n); v != 1 {
				o.badVerneed = v
				return nil
			}
		}
		for {
			// Elf64_Verneed: version, cnt (16-bit), file, aux, next (32-bit)
			if !in(n, 16) {
				return bad
			}
			file, ok := str(get32(n + 4))
			if !ok {
				return bad
			}
			for a := n + uintptr(get32(n+8)); ; {
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
