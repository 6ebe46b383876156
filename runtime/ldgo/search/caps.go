package search

import "strings"

// Legacy hwcap bits of GLRO(dl_hwcap) on x86 (sysdeps/x86/dl-hwcap.h). On
// x86-64 glibc ignores AT_HWCAP and sets these from CPUID itself.
const (
	HWCapX86SSE2    uint64 = 1 << 0
	HWCapX86_64     uint64 = 1 << 1
	HWCapX86AVX512  uint64 = 1 << 2 // "avx512_1"
	HWCapImportant         = HWCapX86_64 | HWCapX86AVX512
	hwcapTLSMask    uint64 = 1 << 63 // _DL_HWCAP_TLS_MASK
	firstPlatform          = 48      // _DL_FIRST_PLATFORM
	platformsCount         = 4       // HWCAP_PLATFORMS_COUNT
	hwcapPlatform   uint64 = (1<<platformsCount - 1) << firstPlatform
	glibcHWCapsDir         = "glibc-hwcaps/"
	hwcapsExtension uint64 = 1 << 62 // DL_CACHE_HWCAP_EXTENSION
)

// ISA level bits (GNU_PROPERTY_X86_ISA_1_*), as in cpu_features->isa_1.
const (
	ISABaseline uint32 = 1 << 0
	ISAV2       uint32 = 1 << 1
	ISAV3       uint32 = 1 << 2
	ISAV4       uint32 = 1 << 3
)

// hwcapNames is _dl_x86_hwcap_flags: the legacy subdirectory for each bit.
var hwcapNames = [...]string{"sse2", "x86_64", "avx512_1"}

// x86Platforms is _dl_x86_platforms; only indexes 2 and 3 are valid on
// x86-64 (HWCAP_PLATFORMS_START is 2), which matters for cache entries
// tagged with a platform bit.
var x86Platforms = [...]string{"i586", "i686", "haswell", "xeon_phi"}

// Caps is what ld.so derives from the CPU and uses to pick subdirectories
// and cache entries. DetectCaps fills it for this machine.
type Caps struct {
	// Platform is GLRO(dl_platform) and the value of $PLATFORM: AT_PLATFORM
	// ("x86_64"), replaced by "haswell" or "xeon_phi" on Intel CPUs that
	// qualify (sysdeps/x86/cpu-features.c). "" means none: $PLATFORM
	// then drops the path and no platform subdirectory is searched.
	Platform string
	// HWCaps are the glibc-hwcaps subdirectory names in priority order,
	// best first (see HWCapsSubdirs), e.g. x86-64-v4, x86-64-v3, x86-64-v2.
	HWCaps []string
	// ISALevel is cpu_features->isa_1: ISABaseline|ISAV2|... Cache entries
	// for a glibc-hwcaps subdirectory carry the ISA level they need.
	ISALevel uint32
	// HWCap is GLRO(dl_hwcap): HWCapX86_64, plus HWCapX86AVX512 on Intel
	// CPUs with AVX512F/CD/BW/DQ/VL.
	HWCap uint64
	// HWCapMask is the glibc.cpu.hwcap_mask tunable (LD_HWCAP_MASK); glibc's
	// default is HWCapImportant. Only HWCap bits inside it produce legacy
	// subdirectories. DetectCaps sets the default; a zero value means no
	// legacy hwcap subdirectories besides tls and the platform.
	HWCapMask uint64
}

// x86HWCapsSubdirs is _dl_hwcaps_subdirs for x86-64, best first.
var x86HWCapsSubdirs = [...]string{"x86-64-v4", "x86-64-v3", "x86-64-v2"}

// SplitHWCaps splits a ':' list the way _dl_hwcaps_split does: empty
// elements vanish.
func SplitHWCaps(list string) []string {
	var out []string
	for _, s := range strings.Split(list, ":") {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// HWCapsSubdirs is the glibc-hwcaps part of _dl_important_hwcaps: the
// --glibc-hwcaps-prepend names first, then the built-in x86-64-vN
// subdirectories the CPU supports, restricted to mask when mask is non-nil
// (--glibc-hwcaps-mask). Support is a contiguous tail of v4, v3, v2: v3
// counts only if v2 does (sysdeps/x86_64/dl-hwcaps-subdirs.c tests in
// reverse preference order and stops at the first miss).
func HWCapsSubdirs(isaLevel uint32, prepend, mask []string) []string {
	active := 0
	for _, bit := range []uint32{ISAV2, ISAV3, ISAV4} {
		if isaLevel&bit == 0 {
			break
		}
		active++
	}
	out := append([]string(nil), prepend...)
	for i, name := range x86HWCapsSubdirs {
		if i < len(x86HWCapsSubdirs)-active {
			continue
		}
		if mask != nil && !contains(mask, name) {
			continue
		}
		out = append(out, name)
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// legacyNames is the TEMP array of _dl_important_hwcaps: the names of the
// hwcap bits set in HWCap&HWCapMask (lowest bit first), the platform, and
// "tls", which glibc always adds.
func (c *Caps) legacyNames() []string {
	var names []string
	masked := c.HWCap & c.HWCapMask
	for n, name := range hwcapNames {
		if masked&(1<<uint(n)) != 0 {
			names = append(names, name)
		}
	}
	if c.Platform != "" {
		names = append(names, c.Platform)
	}
	return append(names, "tls")
}

// LegacySubdirs is the power set glibc 2.36 still searches under every
// directory after the glibc-hwcaps ones: subset k (k = 0 .. 2^n-1) holds the
// names whose bit is clear in k, joined from the last name to the first,
// so the full set comes first and the directory itself ("") last. Each
// element but the last ends in '/'.
func (c *Caps) LegacySubdirs() []string {
	names := c.legacyNames()
	n := len(names)
	out := make([]string, 0, 1<<uint(n))
	for k := 0; k < 1<<uint(n); k++ {
		m := (1<<uint(n) - 1) ^ k
		var b strings.Builder
		for i := n - 1; i >= 0; i-- {
			if m&(1<<uint(i)) != 0 {
				b.WriteString(names[i])
				b.WriteByte('/')
			}
		}
		out = append(out, b.String())
	}
	return out
}

// Subdirs is glibc's capstr array: every subdirectory tried under each
// search directory, in order, each ending in '/' except the final "" that
// stands for the directory itself.
func (c *Caps) Subdirs() []string {
	out := make([]string, 0, len(c.HWCaps)+32)
	for _, h := range c.HWCaps {
		out = append(out, glibcHWCapsDir+h+"/")
	}
	return append(out, c.LegacySubdirs()...)
}
