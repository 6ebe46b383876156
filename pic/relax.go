package pic

// Instruction rewrites for GOT relaxation (x86-64 psABI, "Optimize
// GOTPCRELX Relocations"). loc is the relocated field's offset within
// section bytes b.

// RelaxGOTPCRELX rewrites "mov foo@GOTPCREL(%rip), %reg" into "lea
// foo(%rip), %reg", "call *foo@GOTPCREL(%rip)" into "addr32 call foo" and
// "jmp *foo@GOTPCREL(%rip)" into "jmp foo; nop". rex says the relocation
// was R_X86_64_REX_GOTPCRELX (a REX prefix precedes the opcode). It returns
// where the 32-bit displacement to the symbol must now be written (the
// field moves one byte earlier for jmp), and false when the instruction is
// not one it knows, in which case the GOT slot must be used.
func RelaxGOTPCRELX(b []byte, loc uint64, rex bool) (field uint64, ok bool) {
	if loc < 2 || loc+4 > uint64(len(b)) {
		return 0, false
	}
	op, modrm := b[loc-2], b[loc-1]
	switch {
	case op == 0x8b: // mov disp(%rip), %reg
		b[loc-2] = 0x8d // lea disp(%rip), %reg
		return loc, true
	case !rex && op == 0xff && modrm == 0x15: // call *disp(%rip)
		b[loc-2], b[loc-1] = 0x67, 0xe8 // addr32 call rel32
		return loc, true
	case !rex && op == 0xff && modrm == 0x25: // jmp *disp(%rip)
		b[loc-2] = 0xe9 // jmp rel32
		b[loc+3] = 0x90 // nop
		return loc - 1, true
	}
	return 0, false
}

// CanRelaxGOTPCRELX reports whether RelaxGOTPCRELX would rewrite the
// instruction, without touching it (the relocation scan asks this).
func CanRelaxGOTPCRELX(b []byte, loc uint64, rex bool) bool {
	if loc < 2 || loc+4 > uint64(len(b)) {
		return false
	}
	op, modrm := b[loc-2], b[loc-1]
	return op == 0x8b || !rex && op == 0xff && (modrm == 0x15 || modrm == 0x25)
}
