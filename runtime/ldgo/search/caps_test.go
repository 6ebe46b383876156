package search

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// ldsoHelp returns the names listed in a section of "ld.so --help" whose
// annotation contains "supported".
func ldsoHelp(t *testing.T, section string) []string {
	t.Helper()
	out, err := exec.Command(rtld, "--help").Output()
	require.NoError(t, err)
	var names []string
	in := false
	for _, l := range strings.Split(string(out), "\n") {
		switch {
		case strings.HasPrefix(l, section):
			in = true
		case in && !strings.HasPrefix(l, "  "):
			return names
		case in:
			name, note, _ := strings.Cut(strings.TrimSpace(l), " ")
			if strings.Contains(note, "supported") && !strings.Contains(note, "unsupported") {
				names = append(names, name)
			}
		}
	}
	return names
}

func TestDetectCapsMatchesLdSoHelp(t *testing.T) {
	needTools(t)
	caps := DetectCaps("x86_64")
	require.Equal(t, ldsoHelp(t, "Subdirectories of glibc-hwcaps directories"), caps.HWCaps)

	// --help lists the platform, tls, then the hwcap bits from the highest;
	// legacyNames has the bits from the lowest, the platform, then tls.
	names := caps.legacyNames()
	n := len(names)
	help := []string{names[n-2], names[n-1]}
	for i := n - 3; i >= 0; i-- {
		help = append(help, names[i])
	}
	require.Equal(t, ldsoHelp(t, "Legacy HWCAP subdirectories"), help)
}

func TestCapsFromFeatures(t *testing.T) {
	v2 := cpuFeatures{cx16: true, lahf: true, popcnt: true, sse3: true, ssse3: true, sse41: true, sse42: true}
	v3 := v2
	v3.avx, v3.avx2, v3.bmi1, v3.bmi2, v3.f16c, v3.fma, v3.lzcnt, v3.movbe = true, true, true, true, true, true, true, true
	v4 := v3
	v4.avx512f, v4.avx512bw, v4.avx512cd, v4.avx512dq, v4.avx512vl = true, true, true, true, true

	// AMD: no platform override and no avx512_1 whatever the CPU has.
	amd := v4.caps("x86_64")
	require.Equal(t, []string{"x86-64-v4", "x86-64-v3", "x86-64-v2"}, amd.HWCaps)
	require.Equal(t, "x86_64", amd.Platform)
	require.Equal(t, HWCapX86_64, amd.HWCap)
	require.Equal(t, ISABaseline|ISAV2|ISAV3|ISAV4, amd.ISALevel)

	intel := v4
	intel.intel = true
	c := intel.caps("x86_64")
	require.Equal(t, "haswell", c.Platform)
	require.Equal(t, HWCapX86_64|HWCapX86AVX512, c.HWCap)

	phi := intel
	phi.avx512er, phi.avx512pf = true, true
	c = phi.caps("x86_64")
	require.Equal(t, "xeon_phi", c.Platform)
	require.Equal(t, HWCapX86_64, c.HWCap, "Xeon Phi is not avx512_1")

	// The levels nest: v3 features without v2 give baseline only.
	odd := v3
	odd.sse42 = false
	c = odd.caps("x86_64")
	require.Equal(t, ISABaseline, c.ISALevel)
	require.Empty(t, c.HWCaps)

	i2 := v2
	i2.intel = true
	c = i2.caps("x86_64")
	require.Equal(t, []string{"x86-64-v2"}, c.HWCaps)
	require.Equal(t, "x86_64", c.Platform, "no haswell without AVX2")
}

func TestHWCapsSubdirsPrependMask(t *testing.T) {
	all := ISABaseline | ISAV2 | ISAV3 | ISAV4
	require.Equal(t, []string{"foo", "x86-64-v4", "x86-64-v3", "x86-64-v2"},
		HWCapsSubdirs(all, SplitHWCaps("::foo:"), nil))
	require.Equal(t, []string{"x86-64-v2"}, HWCapsSubdirs(all, nil, []string{"x86-64-v2", "x86-64-v9"}))
	require.Empty(t, HWCapsSubdirs(all, nil, []string{}))
	require.Equal(t, []string{"x86-64-v3", "x86-64-v2"}, HWCapsSubdirs(ISABaseline|ISAV2|ISAV3, nil, nil))
}

func TestLegacySubdirs(t *testing.T) {
	c := Caps{}
	require.Equal(t, []string{"tls/", ""}, c.LegacySubdirs())

	c = Caps{Platform: "haswell", HWCap: HWCapX86_64 | HWCapX86AVX512, HWCapMask: HWCapImportant}
	want := []string{
		"tls/haswell/avx512_1/x86_64/", "tls/haswell/avx512_1/", "tls/haswell/x86_64/", "tls/haswell/",
		"tls/avx512_1/x86_64/", "tls/avx512_1/", "tls/x86_64/", "tls/",
		"haswell/avx512_1/x86_64/", "haswell/avx512_1/", "haswell/x86_64/", "haswell/",
		"avx512_1/x86_64/", "avx512_1/", "x86_64/", "",
	}
	require.Equal(t, want, c.LegacySubdirs())

	// LD_HWCAP_MASK narrows the bits that make directories.
	c.HWCapMask = HWCapX86_64
	require.Equal(t, []string{"tls/haswell/x86_64/", "tls/haswell/", "tls/x86_64/", "tls/",
		"haswell/x86_64/", "haswell/", "x86_64/", ""}, c.LegacySubdirs())

	c.HWCaps = []string{"x86-64-v2"}
	require.Equal(t, "glibc-hwcaps/x86-64-v2/", c.Subdirs()[0])
	require.Equal(t, "", c.Subdirs()[len(c.Subdirs())-1])
}
