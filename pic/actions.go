// Package pic decides what each x86-64 relocation needs in each kind of
// output (a direct value, a GOT slot, a PLT entry, a dynamic relocation, a
// copy relocation, or an error), and rewrites instructions when a GOT or
// TLS access can be relaxed. Everything here is a pure function on plain
// values and byte slices, so the tables can be read and tested on their own.
package pic

// Output is the kind of file being linked.
type Output uint8

const (
	Shared Output = iota // shared object
	PIE                  // position-independent executable (static-pie too)
	Exec                 // position-dependent executable
)

// Target classifies the symbol a relocation refers to, as seen from the
// output being linked.
type Target uint8

const (
	Absolute     Target = iota // SHN_ABS, or an undefined weak that resolves to 0 in an executable
	Local                      // defined in the output and not preemptible
	ImportedData               // preemptible or defined in a shared library, not code
	ImportedCode               // preemptible or defined in a shared library, code
)

// Action is what a relocation needs.
type Action uint8

const (
	None         Action = iota // resolved at link time
	Relative                   // R_X86_64_RELATIVE: the address plus the load bias
	Dynamic                    // a dynamic relocation against the symbol
	Copy                       // copy the data into the executable (R_X86_64_COPY)
	CanonicalPLT               // the PLT entry becomes the function's address
	PLT                        // go through a PLT entry
	Error                      // cannot be expressed in this output
)

// Absolute64 is the action for a 64-bit absolute reference (R_X86_64_64),
// as mold's scan_absrel: position-independent outputs need the load bias
// added (Relative) or the symbol's run-time address (Dynamic). A
// position-dependent executable writing into a writable section can leave
// the work to a dynamic relocation; into read-only data it must make the
// address fixed (copy relocation or canonical PLT).
func Absolute64(o Output, t Target, writable bool) Action {
	switch {
	case t == Absolute:
		return None
	case o == Exec && t == Local:
		return None
	case o == Exec && !writable && t == ImportedData:
		return Copy
	case o == Exec && !writable && t == ImportedCode:
		return CanonicalPLT
	case t == Local:
		return Relative
	default:
		return Dynamic
	}
}

// Absolute32 is the action for R_X86_64_32 and R_X86_64_32S: a 32-bit
// field cannot hold a load bias, so only position-dependent code may use it.
func Absolute32(o Output, t Target) Action {
	switch {
	case t == Absolute:
		return None
	case o != Exec:
		return Error
	case t == Local:
		return None
	case t == ImportedData:
		return Copy
	default:
		return CanonicalPLT
	}
}

// PCRelative is the action for R_X86_64_PC32/PC64 (not PLT32): a direct
// PC-relative reference must land on a fixed place in the output. A shared
// object reading imported data this way gets a copy of the data (see
// DESIGN.md: how gshared accepts liblua's and libzstd's PIE-model objects).
func PCRelative(o Output, t Target) Action {
	switch {
	case t == Local:
		return None
	case t == Absolute:
		if o == Exec {
			return None
		}
		return Error
	case t == ImportedData:
		return Copy
	case o == Shared:
		return Error
	default:
		return CanonicalPLT
	}
}

// Call is the action for R_X86_64_PLT32: calls to preemptible or imported
// functions go through the PLT.
func Call(t Target) Action {
	if t == ImportedData || t == ImportedCode {
		return PLT
	}
	return None
}
