package search

import "golang.org/x/sys/cpu"

// cpuid executes CPUID; see cpuid_amd64.s. x/sys/cpu hides the vendor,
// which glibc needs because only Intel CPUs get a "haswell" platform.
func cpuid(leaf, sub uint32) (eax, ebx, ecx, edx uint32)

// DetectCaps computes what glibc's ld.so derives from this CPU.
// atPlatform is the kernel's AT_PLATFORM ("x86_64" on x86-64 Linux).
// x/sys/cpu already folds XCR0 into AVX, AVX2 and AVX-512; glibc also
// nests AVX2, FMA and F16C under a usable AVX, so that is added here.
func DetectCaps(atPlatform string) Caps {
	return detectFeatures().caps(atPlatform)
}

func detectFeatures() cpuFeatures {
	x := cpu.X86
	_, b, c, d := cpuid(0, 0)
	return cpuFeatures{
		// "GenuineIntel" in EBX, EDX, ECX order.
		intel: b == 0x756e6547 && d == 0x49656e69 && c == 0x6c65746e,

		cx16: x.HasCX16, lahf: x.HasLAHF, popcnt: x.HasPOPCNT,
		sse3: x.HasSSE3, ssse3: x.HasSSSE3, sse41: x.HasSSE41, sse42: x.HasSSE42,
		avx: x.HasAVX, avx2: x.HasAVX2 && x.HasAVX, bmi1: x.HasBMI1, bmi2: x.HasBMI2,
		f16c: x.HasF16C && x.HasAVX, fma: x.HasFMA && x.HasAVX, lzcnt: x.HasLZCNT, movbe: x.HasMOVBE,
		avx512f: x.HasAVX512F, avx512bw: x.HasAVX512BW, avx512cd: x.HasAVX512CD,
		avx512dq: x.HasAVX512DQ, avx512vl: x.HasAVX512VL,
		avx512er: x.HasAVX512ER, avx512pf: x.HasAVX512PF,
	}
}
