package pic

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The decision tables, row by row (x86-64 psABI; mold's scan tables).
func TestActions(t *testing.T) {
	assert.Equal(t, Relative, Absolute64(Shared, Local, true))
	assert.Equal(t, Dynamic, Absolute64(Shared, ImportedData, true))
	assert.Equal(t, None, Absolute64(Shared, Absolute, false))
	assert.Equal(t, None, Absolute64(Exec, Local, false))
	assert.Equal(t, Copy, Absolute64(Exec, ImportedData, false))
	assert.Equal(t, CanonicalPLT, Absolute64(Exec, ImportedCode, false))
	assert.Equal(t, Dynamic, Absolute64(Exec, ImportedCode, true), "writable data can take a dynamic relocation")

	assert.Equal(t, Error, Absolute32(Shared, Local), "a 32-bit field cannot hold a load bias")
	assert.Equal(t, Error, Absolute32(PIE, ImportedData))
	assert.Equal(t, None, Absolute32(Exec, Local))
	assert.Equal(t, None, Absolute32(Shared, Absolute))

	assert.Equal(t, None, PCRelative(Shared, Local))
	assert.Equal(t, Error, PCRelative(Shared, ImportedCode))
	assert.Equal(t, Copy, PCRelative(Shared, ImportedData), "PIE-model archives into shared objects")
	assert.Equal(t, Copy, PCRelative(PIE, ImportedData))
	assert.Equal(t, CanonicalPLT, PCRelative(Exec, ImportedCode))
	assert.Equal(t, Error, PCRelative(PIE, Absolute))

	assert.Equal(t, PLT, Call(ImportedCode))
	assert.Equal(t, None, Call(Local))
}

func TestRelaxGOTPCRELX(t *testing.T) {
	// mov foo@GOTPCREL(%rip), %rax → lea foo(%rip), %rax
	b := []byte{0x48, 0x8b, 0x05, 0, 0, 0, 0}
	field, ok := RelaxGOTPCRELX(b, 3, true)
	require.True(t, ok)
	assert.Equal(t, uint64(3), field)
	assert.Equal(t, byte(0x8d), b[1])

	// call *foo@GOTPCREL(%rip) → addr32 call foo
	b = []byte{0xff, 0x15, 0, 0, 0, 0}
	field, ok = RelaxGOTPCRELX(b, 2, false)
	require.True(t, ok)
	assert.Equal(t, uint64(2), field)
	assert.Equal(t, []byte{0x67, 0xe8}, b[:2])

	// jmp *foo@GOTPCREL(%rip) → jmp foo; nop (the field moves one byte back)
	b = []byte{0xff, 0x25, 0, 0, 0, 0}
	field, ok = RelaxGOTPCRELX(b, 2, false)
	require.True(t, ok)
	assert.Equal(t, uint64(1), field)
	assert.Equal(t, byte(0xe9), b[0])
	assert.Equal(t, byte(0x90), b[5])

	// Anything else keeps its GOT slot.
	b = []byte{0x48, 0x03, 0x05, 0, 0, 0, 0} // add foo@GOTPCREL(%rip), %rax
	assert.False(t, CanRelaxGOTPCRELX(b, 3, true))
}

func TestTLSRelaxations(t *testing.T) {
	// data16 lea x@tlsgd(%rip), %rdi; data16 data16 rex.W call __tls_get_addr
	gd := []byte{0x66, 0x48, 0x8d, 0x3d, 0, 0, 0, 0, 0x66, 0x66, 0x48, 0xe8, 0, 0, 0, 0}
	b := append([]byte{}, gd...)
	field, ok := GDToLE(b, 4)
	require.True(t, ok)
	assert.Equal(t, uint64(12), field)
	assert.Equal(t, []byte{0x64, 0x48, 0x8b, 0x04, 0x25}, b[:5], "mov %fs:0, %rax")
	assert.Equal(t, []byte{0x48, 0x8d, 0x80}, b[9:12], "lea x@tpoff(%rax), %rax")

	b = append([]byte{}, gd...)
	_, ok = GDToIE(b, 4)
	require.True(t, ok)
	assert.Equal(t, []byte{0x48, 0x03, 0x05}, b[9:12], "add x@gottpoff(%rip), %rax")

	// lea x@tlsld(%rip), %rdi; call __tls_get_addr → mov %fs:0, %rax (padded)
	b = []byte{0x48, 0x8d, 0x3d, 0, 0, 0, 0, 0xe8, 0, 0, 0, 0}
	require.True(t, LDToLE(b, 3))
	assert.Equal(t, []byte{0x66, 0x66, 0x66, 0x64, 0x48, 0x8b, 0x04, 0x25, 0, 0, 0, 0}, b)

	// movq x@gottpoff(%rip), %r12 → movq $x@tpoff, %r12
	b = []byte{0x4c, 0x8b, 0x25, 0, 0, 0, 0}
	require.True(t, IEToLE(b, 3))
	assert.Equal(t, []byte{0x49, 0xc7, 0xc4}, b[:3])

	// lea x@tlsdesc(%rip), %rax; call *x@tlscall(%rax)
	b = []byte{0x48, 0x8d, 0x05, 0, 0, 0, 0, 0xff, 0x10}
	require.True(t, TLSDescToLE(b, 3))
	require.True(t, TLSDescCallToNop(b, 7))
	assert.Equal(t, []byte{0x48, 0xc7, 0xc0}, b[:3])
	assert.Equal(t, []byte{0x66, 0x90}, b[7:])

	// A sequence that is not the compiler's is left alone.
	assert.False(t, LDToLE([]byte{0x90, 0x90, 0x90, 0, 0, 0, 0, 0x90, 0, 0, 0, 0}, 3))
}
