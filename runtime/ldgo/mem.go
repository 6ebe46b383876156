package main

import "unsafe"

// The loader works on memory that Go did not allocate: mapped ELF images,
// the initial process stack, glibc's structures. These helpers read and write
// it by address. Every such address is outside the Go heap, so the garbage
// collector neither moves nor tracks it.

// ptr turns a raw address into an unsafe.Pointer.
//
//go:nosplit
func ptr(addr uintptr) unsafe.Pointer { return unsafe.Add(nil, addr) }

//go:nosplit
func get8(addr uintptr) uint8 { return *(*uint8)(ptr(addr)) }

//go:nosplit
func get16(addr uintptr) uint16 { return *(*uint16)(ptr(addr)) }

//go:nosplit
func get32(addr uintptr) uint32 { return *(*uint32)(ptr(addr)) }

//go:nosplit
func get64(addr uintptr) uint64 { return *(*uint64)(ptr(addr)) }

//go:nosplit
func getPtr(addr uintptr) uintptr {
	return *(*uintptr)(ptr(addr))
}

//go:nosplit
func put8(addr uintptr, v uint8) { *(*uint8)(ptr(addr)) = v }

//go:nosplit
func put16(addr uintptr, v uint16) { *(*uint16)(ptr(addr)) = v }

//go:nosplit
func put32(addr uintptr, v uint32) { *(*uint32)(ptr(addr)) = v }

//go:nosplit
func put64(addr uintptr, v uint64) { *(*uint64)(ptr(addr)) = v }

//go:nosplit
func putPtr(addr, v uintptr) { *(*uintptr)(ptr(addr)) = v }

// bytesAt views n bytes at addr.
func bytesAt(addr uintptr, n int) []byte {
	if n == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(ptr(addr)), n)
}

// cstring copies the NUL-terminated string at addr.
func cstring(addr uintptr) string {
	if addr == 0 {
		return ""
	}
	n := 0
	for get8(addr+uintptr(n)) != 0 {
		n++
	}
	return string(bytesAt(addr, n))
}

// cstringLen is the length of the NUL-terminated string at addr.
func cstringLen(addr uintptr) int {
	n := 0
	for get8(addr+uintptr(n)) != 0 {
		n++
	}
	return n
}

// addrOf returns the address of the first byte of b.
func addrOf(b []byte) uintptr { return uintptr(unsafe.Pointer(unsafe.SliceData(b))) }

// addrOfU64 is the address of a Go variable, for system calls.
func addrOfU64(p *uint64) uintptr { return uintptr(unsafe.Pointer(p)) }

// stringData is the address of a string's bytes.
//
//go:nosplit
func stringData(s string) uintptr { return uintptr(unsafe.Pointer(unsafe.StringData(s))) }

// unsafePointer is the address of a uint32 variable, for futexes.
//
//go:nosplit
func unsafePointer(p *uint32) unsafe.Pointer { return unsafe.Pointer(p) }
