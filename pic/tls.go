package pic

// TLS relaxations for executables (x86-64 psABI §11, "TLS optimizations"):
// a program knows the offset of its own thread-local variables from the
// thread pointer, so general- and local-dynamic accesses become
// local-exec, and accesses to imported variables become initial-exec.
// loc is the offset of the relocated field in section bytes b; each
// rewrite returns where the new 32-bit value goes, or false when the
// instruction sequence is not the one compilers emit.

var (
	// mov %fs:0, %rax
	movFS0 = []byte{0x64, 0x48, 0x8b, 0x04, 0x25, 0, 0, 0, 0}
)

// GDToLE rewrites the 16-byte general-dynamic sequence
//
//	data16 lea x@tlsgd(%rip), %rdi; data16 data16 rex.W call __tls_get_addr
//
// (or its -fno-plt form, "call *__tls_get_addr@GOTPCREL(%rip)") into
// "mov %fs:0, %rax; lea x@tpoff(%rax), %rax". The field receives the
// variable's (negative) offset from the thread pointer.
func GDToLE(b []byte, loc uint64) (field uint64, ok bool) {
	start, ok := gdStart(b, loc)
	if !ok {
		return 0, false
	}
	seq := append(append([]byte{}, movFS0...), 0x48, 0x8d, 0x80, 0, 0, 0, 0)
	copy(b[start:], seq)
	return start + 12, true
}

// GDToIE rewrites the general-dynamic sequence into "mov %fs:0, %rax; add
// x@gottpoff(%rip), %rax". The field receives the PC-relative address of
// the GOT slot holding the variable's TP offset.
func GDToIE(b []byte, loc uint64) (field uint64, ok bool) {
	start, ok := gdStart(b, loc)
	if !ok {
		return 0, false
	}
	seq := append(append([]byte{}, movFS0...), 0x48, 0x03, 0x05, 0, 0, 0, 0)
	copy(b[start:], seq)
	return start + 12, true
}

func gdStart(b []byte, loc uint64) (uint64, bool) {
	if loc < 4 || loc+12 > uint64(len(b)) {
		return 0, false
	}
	s := loc - 4
	if b[s] != 0x66 || b[s+1] != 0x48 || b[s+2] != 0x8d || b[s+3] != 0x3d {
		return 0, false
	}
	// data16 data16 rex.W call rel32, or data16 rex.W call *rel32(%rip)
	// (-fno-plt): 16 bytes either way.
	if b[s+8] == 0x66 && b[s+9] == 0x66 && b[s+10] == 0x48 && b[s+11] == 0xe8 ||
		b[s+8] == 0x66 && b[s+9] == 0x48 && b[s+10] == 0xff && b[s+11] == 0x15 {
		return s, true
	}
	return 0, false
}

// LDToLE rewrites the local-dynamic sequence
//
//	lea x@tlsld(%rip), %rdi; call __tls_get_addr
//
// into "mov %fs:0, %rax" padded with prefixes to the same length; the
// DTPOFF relocations that follow then receive TP offsets.
func LDToLE(b []byte, loc uint64) bool {
	if loc < 3 || loc+9 > uint64(len(b)) {
		return false
	}
	s := loc - 3
	if b[s] != 0x48 || b[s+1] != 0x8d || b[s+2] != 0x3d {
		return false
	}
	switch {
	case b[s+7] == 0xe8: // call rel32: 12 bytes in all
		copy(b[s:], []byte{0x66, 0x66, 0x66, 0x64, 0x48, 0x8b, 0x04, 0x25, 0, 0, 0, 0})
		return true
	case b[s+7] == 0xff && b[s+8] == 0x15 && loc+10 <= uint64(len(b)): // call *rel32(%rip): 13 bytes
		copy(b[s:], []byte{0x66, 0x66, 0x66, 0x66, 0x64, 0x48, 0x8b, 0x04, 0x25, 0, 0, 0, 0})
		return true
	}
	return false
}

// IEToLE rewrites "mov x@gottpoff(%rip), %reg" into "mov $tpoff, %reg"
// and "add x@gottpoff(%rip), %reg" into "add $tpoff, %reg". The field
// then holds the TP offset itself.
func IEToLE(b []byte, loc uint64) bool {
	if loc < 3 {
		return false
	}
	rex, op, modrm := b[loc-3], b[loc-2], b[loc-1]
	if rex != 0x48 && rex != 0x4c {
		return false
	}
	reg := (modrm >> 3) & 7
	if modrm&0xc7 != 0x05 {
		return false
	}
	newRex := byte(0x48)
	if rex == 0x4c {
		newRex = 0x49 // the register moves from ModRM.reg (REX.R) to ModRM.rm (REX.B)
	}
	switch op {
	case 0x8b:
		b[loc-3], b[loc-2], b[loc-1] = newRex, 0xc7, 0xc0|reg
	case 0x03:
		b[loc-3], b[loc-2], b[loc-1] = newRex, 0x81, 0xc0|reg
	default:
		return false
	}
	return true
}

// TLSDescToLE rewrites "lea x@tlsdesc(%rip), %rax" into "mov $tpoff,
// %rax"; the "call *x@tlscall(%rax)" that follows becomes a nop through
// TLSDescCallToNop.
func TLSDescToLE(b []byte, loc uint64) bool {
	if loc < 3 || b[loc-2] != 0x8d || b[loc-1]&0xc7 != 0x05 {
		return false
	}
	rex := b[loc-3]
	reg := (b[loc-1] >> 3) & 7
	newRex := byte(0x48)
	if rex == 0x4c {
		newRex = 0x49
	}
	b[loc-3], b[loc-2], b[loc-1] = newRex, 0xc7, 0xc0|reg
	return true
}

// TLSDescToIE rewrites "lea x@tlsdesc(%rip), %rax" into "mov
// x@gottpoff(%rip), %rax".
func TLSDescToIE(b []byte, loc uint64) bool {
	if loc < 3 || b[loc-2] != 0x8d {
		return false
	}
	b[loc-2] = 0x8b
	return true
}

// TLSDescCallToNop replaces "call *(%rax)" (ff 10) with a two-byte nop.
func TLSDescCallToNop(b []byte, loc uint64) bool {
	if loc+2 > uint64(len(b)) || b[loc] != 0xff || b[loc+1] != 0x10 {
		return false
	}
	b[loc], b[loc+1] = 0x66, 0x90
	return true
}
