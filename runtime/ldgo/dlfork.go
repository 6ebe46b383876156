package main

import "unsafe"

// A forked child has no service thread (threads do not survive fork).

var (
	inForkedChild bool
	forkErrorC    uintptr
)

//go:nosplit
func forkErrorText() uintptr { return forkErrorC }

// forkedChildReady reports whether this (forked) process can serve dl
// requests itself.
//
//go:nosplit
func forkedChildReady() bool { return false }

//go:nosplit
func forkServe() {}

//go:nosplit
func unsafePointerBytes(p *byte) unsafe.Pointer { return unsafe.Pointer(p) }

func init() {
	forkErrorC = arenaString("ldgo: dlopen and dlsym are not available in a forked child yet")
}
