package search

import (
	"encoding/binary"
	"sort"
)

// synthEntry is one record for buildCache.
type synthEntry struct {
	flags      int32
	key, value string
	hwcap      uint64
}

// buildCache writes an ld.so.cache image like ldconfig does: the new
// format, sorted so the binary search works (descending libcmp order,
// stable for equal names), with a glibc-hwcaps extension when hwcaps is
// non-empty. withOld puts an old-format table with the same entries in
// front, as ldconfig -c compat did.
func buildCache(entries []synthEntry, hwcaps []string, withOld bool) []byte {
	es := append([]synthEntry(nil), entries...)
	sort.SliceStable(es, func(i, j int) bool { return libcmp(es[i].key, es[j].key) > 0 })
	le := binary.LittleEndian

	var prefix []byte
	if withOld {
		// glibc ignores the old table when a new one follows, so its
		// string offsets are left at zero.
		prefix = append([]byte(cacheMagicOld), 0)
		prefix = le.AppendUint32(prefix, uint32(len(es)))
		for _, e := range es {
			prefix = le.AppendUint32(prefix, uint32(e.flags))
			prefix = append(prefix, make([]byte, 8)...)
		}
		for len(prefix)%8 != 0 {
			prefix = append(prefix, 0)
		}
	}

	base := len(prefix)
	strStart := newHeaderSize + len(es)*newEntrySize
	var strs []byte
	off := map[string]uint32{}
	str := func(s string) uint32 { // offset relative to the new header
		if o, ok := off[s]; ok {
			return o
		}
		off[s] = uint32(strStart + len(strs))
		strs = append(append(strs, s...), 0)
		return off[s]
	}
	body := make([]byte, 0, 4096)
	for _, e := range es {
		body = le.AppendUint32(body, uint32(e.flags))
		body = le.AppendUint32(body, str(e.key))
		body = le.AppendUint32(body, str(e.value))
		body = le.AppendUint32(body, 0)
		body = le.AppendUint64(body, e.hwcap)
	}
	hwOff := make([]uint32, len(hwcaps))
	for i, h := range hwcaps {
		hwOff[i] = uint32(base) + str(h) // file offsets
	}
	body = append(body, strs...)
	extOff := 0
	if len(hwcaps) > 0 {
		for (base+newHeaderSize+len(body))%4 != 0 {
			body = append(body, 0)
		}
		extOff = base + newHeaderSize + len(body)
		dataOff := extOff + 8 + 16
		body = le.AppendUint32(body, extensionMagic)
		body = le.AppendUint32(body, 1)
		body = le.AppendUint32(body, extTagHWCaps)
		body = le.AppendUint32(body, 0)
		body = le.AppendUint32(body, uint32(dataOff))
		body = le.AppendUint32(body, uint32(4*len(hwcaps)))
		for _, o := range hwOff {
			body = le.AppendUint32(body, o)
		}
	}
	h := append([]byte(cacheMagicNew), make([]byte, newHeaderSize-len(cacheMagicNew))...)
	le.PutUint32(h[20:], uint32(len(es)))
	le.PutUint32(h[24:], uint32(len(strs)))
	h[28] = endianLittle
	le.PutUint32(h[32:], uint32(extOff))
	out := append(prefix, h...)
	return append(out, body...)
}

// hwcapsEntry is the hwcap word ldconfig stores for a library in the
// glibc-hwcaps subdirectory with index idx that needs ISA level isa.
func hwcapsEntry(idx uint32, isa uint64) uint64 {
	return hwcapsExtension | isa<<32 | uint64(idx)
}

// buildOldCache writes the libc5-era format alone: header, table, strings
// (offsets relative to the end of the table).
func buildOldCache(entries []synthEntry) []byte {
	es := append([]synthEntry(nil), entries...)
	sort.SliceStable(es, func(i, j int) bool { return libcmp(es[i].key, es[j].key) > 0 })
	le := binary.LittleEndian
	out := append([]byte(cacheMagicOld), 0)
	out = le.AppendUint32(out, uint32(len(es)))
	var strs []byte
	for _, e := range es {
		out = le.AppendUint32(out, uint32(e.flags))
		out = le.AppendUint32(out, uint32(len(strs)))
		strs = append(append(strs, e.key...), 0)
		out = le.AppendUint32(out, uint32(len(strs)))
		strs = append(append(strs, e.value...), 0)
	}
	return append(out, strs...)
}
