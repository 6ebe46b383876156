package main

import (
	"encoding/binary"
	"os"
)

// ldsoCache reads glibc's /etc/ld.so.cache (format "glibc-ld.so.cache1.1":
// a 48-byte header, nlibs 24-byte entries {flags int32, key, value uint32,
// osversion uint32, hwcap uint64}, then strings; key and value are offsets
// from the start of the file). A missing or corrupt cache gives an empty
// map, as glibc ignores it. Entries for glibc-hwcaps subdirectories
// (hwcap != 0) are left to runtime/ldgo/search.
func ldsoCache(path string) map[string]string {
	data, err := os.ReadFile(path)
	if err != nil || len(data) < 48 || string(data[:20]) != "glibc-ld.so.cache1.1" {
		return nil
	}
	const flagX8664Libc6 = 0x0303
	nlibs := int(binary.LittleEndian.Uint32(data[20:]))
	if nlibs < 0 || 48+nlibs*24 > len(data) {
		return nil
	}
	str := func(off uint32) (string, bool) {
		if int(off) >= len(data) {
			return "", false
		}
		for i := int(off); i < len(data); i++ {
			if data[i] == 0 {
				return string(data[off:i]), true
			}
		}
		return "", false
	}
	m := map[string]string{}
	for i := 0; i < nlibs; i++ {
		e := data[48+i*24:]
		flags := binary.LittleEndian.Uint32(e)
		hwcap := binary.LittleEndian.Uint64(e[16:])
		if flags != flagX8664Libc6 || hwcap != 0 {
			continue
		}
		key, ok1 := str(binary.LittleEndian.Uint32(e[4:]))
		val, ok2 := str(binary.LittleEndian.Uint32(e[8:]))
		if !ok1 || !ok2 {
			return nil
		}
		if _, dup := m[key]; !dup {
			m[key] = val
		}
	}
	return m
}
