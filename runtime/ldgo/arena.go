package main

import (
	"golang.org/x/sys/unix"
)

// The arena holds what the program's C code reads after the hand-off and the
// Go heap must not own: link maps, names, search lists, the TLS block, the
// dlfcn hook table. It is a bump allocator over anonymous mappings; nothing
// in it is ever freed while the program runs.
var arena struct {
	next, end uintptr
}

const arenaChunk = 1 << 20

// arenaAlloc returns n zeroed bytes aligned to align (a power of two).
func arenaAlloc(n, align uintptr) uintptr {
	p := (arena.next + align - 1) &^ (align - 1)
	if arena.next == 0 || p+n > arena.end {
		size := max(pageUp(n+align), arenaChunk)
		m, err := unix.MmapPtr(-1, 0, nil, size, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANONYMOUS)
		if err != nil {
			fatalf("cannot allocate memory for the loader: %v", err)
		}
		arena.next, arena.end = uintptr(m), uintptr(m)+size
		p = (arena.next + align - 1) &^ (align - 1)
	}
	arena.next = p + n
	return p
}

// arenaCopy copies b into the arena.
func arenaCopy(b []byte) uintptr {
	p := arenaAlloc(uintptr(len(b)), 16)
	copy(bytesAt(p, len(b)), b)
	return p
}

// arenaString copies s as a NUL-terminated C string.
func arenaString(s string) uintptr {
	p := arenaAlloc(uintptr(len(s)+1), 1)
	copy(bytesAt(p, len(s)), s)
	return p
}

// mapStack maps a stack of size bytes for C code the loader calls before the
// hand-off (ifunc resolvers), and returns its top.
func mapStack(size uintptr) uintptr {
	m, err := unix.MmapPtr(-1, 0, nil, size, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANONYMOUS|unix.MAP_STACK)
	if err != nil {
		fatalf("cannot allocate a stack: %v", err)
	}
	return uintptr(m) + size
}
