package search

// cpuFeatures are the CPUID features glibc consults for the ISA level and
// the platform, already reduced to "usable" (the OS saves the AVX/AVX-512
// state), as CPU_FEATURE_USABLE_P does.
type cpuFeatures struct {
	intel bool // vendor GenuineIntel (arch_kind_intel)

	cx16, lahf, popcnt, sse3, ssse3, sse41, sse42   bool
	avx, avx2, bmi1, bmi2, f16c, fma, lzcnt, movbe  bool
	avx512f, avx512bw, avx512cd, avx512dq, avx512vl bool
	avx512er, avx512pf                              bool
}

// isaLevel is get_isa_level (sysdeps/x86/get-isa-level.h). The baseline
// features (CMOV, CX8, FPU, FXSR, MMX, SSE, SSE2) are part of x86-64.
func (f cpuFeatures) isaLevel() uint32 {
	level := ISABaseline
	if !(f.cx16 && f.lahf && f.popcnt && f.sse3 && f.ssse3 && f.sse41 && f.sse42) {
		return level
	}
	level |= ISAV2
	if !(f.avx && f.avx2 && f.bmi1 && f.bmi2 && f.f16c && f.fma && f.lzcnt && f.movbe) {
		return level
	}
	level |= ISAV3
	if f.avx512f && f.avx512bw && f.avx512cd && f.avx512dq && f.avx512vl {
		level |= ISAV4
	}
	return level
}

// caps applies init_cpu_features' x86-64 rules: dl_hwcap is HWCAP_X86_64,
// plus avx512_1 and a "haswell"/"xeon_phi" platform only on Intel CPUs;
// other vendors keep the kernel's AT_PLATFORM.
func (f cpuFeatures) caps(atPlatform string) Caps {
	c := Caps{
		Platform:  atPlatform,
		ISALevel:  f.isaLevel(),
		HWCap:     HWCapX86_64,
		HWCapMask: HWCapImportant,
	}
	c.HWCaps = HWCapsSubdirs(c.ISALevel, nil, nil)
	if !f.intel {
		return c
	}
	platform := ""
	if f.avx512cd {
		if f.avx512er {
			if f.avx512pf {
				platform = "xeon_phi"
			}
		} else if f.avx512bw && f.avx512dq && f.avx512vl {
			c.HWCap |= HWCapX86AVX512
		}
	}
	if platform == "" && f.avx2 && f.fma && f.bmi1 && f.bmi2 && f.lzcnt && f.movbe && f.popcnt {
		platform = "haswell"
	}
	if platform != "" {
		c.Platform = platform
	}
	return c
}
