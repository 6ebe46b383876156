package search

import "sort"

// Lookup is glibc's search_cache: the path ld.so.cache gives for name on a
// CPU described by caps, or false.
//
// Entries for a name sit together, the glibc-hwcaps ones (ldconfig puts
// them first) before the plain ones. Among the hwcaps entries the one whose
// subdirectory comes earliest in caps.HWCaps wins, skipping those whose ISA
// level the CPU lacks; failing that, the first plain entry whose legacy
// hwcap and platform bits fit the CPU. Only x86-64 libc6 entries (flags
// 0x303) count.
func (c *Cache) Lookup(name string, caps *Caps) (string, bool) {
	platform := platformBit(caps.Platform)
	exclude := ^((caps.HWCap & caps.HWCapMask) | hwcapPlatform | hwcapTLSMask)
	var prios []uint32 // glibc_hwcaps_priorities, built on first need
	var best string
	found := false
	bestPrio := uint32(0)
	left, right := 0, len(c.entries)-1
	for left <= right {
		middle := (left + right) / 2
		cmp := libcmp(name, c.entries[middle].Name)
		if cmp != 0 {
			if cmp < 0 {
				left = middle + 1
			} else {
				right = middle - 1
			}
			continue
		}
		// Entries before the hit may share its name: start at the first.
		left = middle
		for middle > 0 && libcmp(name, c.entries[middle-1].Name) == 0 {
			middle--
		}
		for ; middle <= right; middle++ {
			e := &c.entries[middle]
			if middle > left && libcmp(name, e.Name) != 0 {
				break
			}
			if e.Flags != cacheDefaultID {
				continue
			}
			named := false
			if c.hasHWCap {
				named = isHWCapsEntry(e.HWCap)
				if named && !isaCompatible(e.HWCap, caps.ISALevel) {
					continue
				}
				// Plain entries follow all hwcaps ones: a hwcaps hit wins.
				if !named && found {
					break
				}
				if !named && e.HWCap&exclude != 0 {
					continue
				}
				if p := e.HWCap & hwcapPlatform; p != 0 && p != platform {
					continue
				}
				if named {
					if prios == nil {
						prios = hwcapsPriorities(c.hwcapNames, caps.HWCaps)
					}
					p := uint32(0)
					if idx := uint32(e.HWCap); uint64(idx) < uint64(len(prios)) {
						p = prios[idx]
					}
					if p == 0 || found && p >= bestPrio {
						continue
					}
					bestPrio = p
				}
			}
			best, found = e.Path, true
			if !named {
				// Flags equal the default ID here, so nothing better
				// can follow.
				break
			}
		}
		break
	}
	return best, found
}

// platformBit is the cache hwcap bit of a platform name, or all ones when
// the name is not an x86-64 platform: then every entry tagged with a
// platform is rejected, as glibc's comparison with (uint64_t) -1 does.
func platformBit(name string) uint64 {
	for i := 2; i < platformsCount; i++ {
		if x86Platforms[i] == name {
			return 1 << uint(firstPlatform+i)
		}
	}
	return ^uint64(0)
}

// isHWCapsEntry is dl_cache_hwcap_extension: only bit 62 is set in the
// upper half apart from the ISA level bits.
func isHWCapsEntry(hwcap uint64) bool {
	return (hwcap>>32)&^isaLevelMask == hwcapsExtension>>32
}

// isaCompatible is dl_cache_hwcap_isa_level_compatible. glibc shifts an
// unsigned int by the stored level; x86 masks the count to 5 bits, which
// is what the compiled code does for out-of-range levels, so that is kept.
func isaCompatible(hwcap uint64, isa uint32) bool {
	level := uint32(1) << ((hwcap >> 32) & isaLevelMask & 31)
	return level&isa == level
}

// hwcapsPriorities is glibc_hwcaps_priorities_init: for each name of the
// cache's glibc-hwcaps table, its 1-based rank in the active list, 0 when
// inactive. Like glibc it merges two name-sorted lists (ldconfig writes
// the table sorted) rather than using a map, so an unsorted table behaves
// the same way it does in ld.so.
func hwcapsPriorities(names, active []string) []uint32 {
	type prio struct {
		name string
		rank uint32
	}
	sorted := make([]prio, len(active))
	for i, n := range active {
		sorted[i] = prio{n, uint32(i + 1)}
	}
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].name < sorted[j].name })
	out := make([]uint32, 0, len(names))
	l, r := 0, 0
	for l < len(names) && r < len(sorted) {
		switch {
		case names[l] == sorted[r].name:
			out = append(out, sorted[r].rank)
			l++
			r++
		case names[l] < sorted[r].name:
			out = append(out, 0)
			l++
		default:
			r++
		}
	}
	for ; l < len(names); l++ {
		out = append(out, 0)
	}
	return out
}

// libcmp is _dl_cache_libcmp, the order ldconfig sorts by: runs of digits
// compare numerically, a digit sorts after any non-digit, and other bytes
// compare as (signed, on x86) chars. The int arithmetic wraps like the C.
func libcmp(p1, p2 string) int32 {
	at := func(s string, i int) int8 {
		if i < len(s) {
			return int8(s[i])
		}
		return 0
	}
	digit := func(c int8) bool { return c >= '0' && c <= '9' }
	i, j := 0, 0
	for at(p1, i) != 0 {
		c1, c2 := at(p1, i), at(p2, j)
		switch {
		case digit(c1):
			if !digit(c2) {
				return 1
			}
			var v1, v2 int32
			for digit(at(p1, i)) {
				v1 = v1*10 + int32(at(p1, i)-'0')
				i++
			}
			for digit(at(p2, j)) {
				v2 = v2*10 + int32(at(p2, j)-'0')
				j++
			}
			if v1 != v2 {
				return v1 - v2
			}
		case digit(c2):
			return -1
		case c1 != c2:
			return int32(c1) - int32(c2)
		default:
			i++
			j++
		}
	}
	return -int32(at(p2, j))
}
