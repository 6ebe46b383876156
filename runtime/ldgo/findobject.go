package main

import "debug/elf"

// _dl_find_object for libgcc's unwinder (every C++ throw): glibc's libc
// jumps through GLRO(dl_find_object). The table is filled before the
// hand-off and only read afterwards, from nosplit code on any thread.

type findObjectEntry struct {
	start, end, linkMap, ehFrame uintptr
}

var findObjectTable struct {
	n       uintptr
	entries [512]findObjectEntry
}

// registerFindObject adds o to the table.
func registerFindObject(o *Object) {
	if findObjectTable.n >= uintptr(len(findObjectTable.entries)) {
		return
	}
	e := findObjectEntry{start: o.mapStart, end: o.mapEnd, linkMap: o.linkMap}
	for _, p := range o.phdrs {
		if elf.ProgType(p.Type) == elf.PT_GNU_EH_FRAME {
			e.ehFrame = o.bias + uintptr(p.Vaddr)
		}
	}
	findObjectTable.entries[findObjectTable.n] = e
	findObjectTable.n++
}

// findObject is int _dl_find_object(void *pc, struct dl_find_object *result).
//
//go:nosplit
func findObject(pc, result, _, _ uintptr) uintptr {
	n := findObjectTable.n
	if n > uintptr(len(findObjectTable.entries)) {
		n = uintptr(len(findObjectTable.entries))
	}
	for i := uintptr(0); i < n; i++ {
		e := &findObjectTable.entries[i]
		if pc >= e.start && pc < e.end {
			putPtr(result, 0) // dlfo_flags
			putPtr(result+8, e.start)
			putPtr(result+16, e.end)
			putPtr(result+24, e.linkMap)
			putPtr(result+32, e.ehFrame)
			return 0
		}
	}
	return ^uintptr(0) // -1
}
