package main

// The lazy-binding trampoline and the dynamic TLS descriptor save the
// caller's whole vector state around Go code, as glibc's
// _dl_runtime_resolve_xsavec does: arguments may sit in ymm/zmm registers
// (__m256, __m512) and mask registers, and Go's own code (memmove,
// for one) may use AVX. vecSaveKind picks the instruction, vecSaveSize the
// area, from CPUID leaf 0xd.

const (
	vecFXSave = iota // no XSAVE: fxsave, 512 bytes (x87, MXCSR, xmm0-15)
	vecXSave         // xsave, standard format
	vecXSaveC        // xsavec, compacted format
)

// vecSaveMask is the XSAVE requested-feature bitmap: x87, SSE, AVX,
// MPX bounds and config, AVX-512 opmask and upper zmm halves, Hi16_ZMM
// (glibc saves the same set minus x87). The processor saves only what
// XCR0 enables.
const vecSaveMask = 0xff

var (
	vecSaveKind uint64
	vecSaveSize uint64 // bytes, a multiple of 64
	// vecClobber (LDGO_TEST_CLOBBER_VECTORS=1, tests only, AVX machines)
	// zeroes every ymm register after the save, so a test proves the
	// restore rather than the resolver's restraint.
	vecClobber uint64
)

func cpuid(leaf, sub uint32) (eax, ebx, ecx, edx uint32)

func init() { vecSaveKind, vecSaveSize = vecSaveSetup() }

// vecSaveSetup chooses the save instruction and the area size. CPUID
// 0xd/0 EBX is the standard-format size for the features XCR0 enables,
// which bounds the compacted size too.
func vecSaveSetup() (kind, size uint64) {
	maxLeaf, _, _, _ := cpuid(0, 0)
	_, _, ecx1, _ := cpuid(1, 0)
	const osxsave = 1 << 27
	if maxLeaf < 0xd || ecx1&osxsave == 0 {
		return vecFXSave, 512
	}
	_, ebx, _, _ := cpuid(0xd, 0)
	size = (uint64(ebx) + 63) &^ 63
	if size < 576 {
		size = 576
	}
	eax1, _, _, _ := cpuid(0xd, 1)
	if vecClobberWanted && ecx1&(1<<28) != 0 { // AVX
		vecClobber = 1
	}
	if eax1&2 != 0 { // XSAVEC
		return vecXSaveC, size
	}
	return vecXSave, size
}

// vecClobberWanted is set by main from LDGO_TEST_CLOBBER_VECTORS before
// vecSaveSetup runs again.
var vecClobberWanted bool
