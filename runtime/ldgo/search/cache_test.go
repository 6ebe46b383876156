package search

import (
	"encoding/binary"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestParseSystemCache(t *testing.T) {
	data, err := os.ReadFile(DefaultCachePath)
	if err != nil {
		t.Skip("no", DefaultCachePath)
	}
	c, err := ParseCache(data)
	require.NoError(t, err)
	caps := DetectCaps("x86_64")
	p, ok := c.Lookup("libc.so.6", &caps)
	require.True(t, ok)
	require.Equal(t, "/lib/x86_64-linux-gnu/libc.so.6", p)
	_, ok = c.Lookup("libdoes-not-exist.so.0", &caps)
	require.False(t, ok)

	// Every x86-64 name ldconfig -p lists resolves to its first plain
	// x86-64 entry (the cache here has no glibc-hwcaps entries; those are
	// covered by TestHWCapsCacheAgainstLdSo).
	if _, err := exec.LookPath("ldconfig"); err != nil {
		return
	}
	out, err := exec.Command("ldconfig", "-p").Output()
	require.NoError(t, err)
	want := map[string]string{}
	for _, l := range strings.Split(string(out), "\n")[1:] {
		name, rest, ok := strings.Cut(strings.TrimSpace(l), " (")
		if !ok {
			continue
		}
		kind, path, _ := strings.Cut(rest, ") => ")
		if kind != "libc6,x86-64" {
			continue // other ABIs (i386 libc6) and hwcaps entries
		}
		if _, seen := want[name]; !seen {
			want[name] = path
		}
	}
	require.NotEmpty(t, want)
	for name, path := range want {
		got, ok := c.Lookup(name, &caps)
		require.True(t, ok, name)
		require.Equal(t, path, got, name)
	}
}

func TestCacheLookupSynthetic(t *testing.T) {
	hw := []string{"x86-64-v2", "x86-64-v3", "x86-64-v4"}
	entries := []synthEntry{
		{flags: 0x0303, key: "libm.so.6", value: "/lib/x86_64-linux-gnu/libm.so.6"},
		{flags: 0x0003, key: "libm.so.6", value: "/lib32/libm.so.6"},
		{flags: 0x0303, key: "libfoo.so.10", value: "/f/libfoo.so.10"},
		{flags: 0x0303, key: "libfoo.so.9", value: "/f/libfoo.so.9"},
		{flags: 0x0303, key: "libfoo.so", value: "/f/libfoo.so"},
		// glibc-hwcaps entries come first for a name, then the plain one.
		{flags: 0x0303, key: "libh.so.1", value: "/h/glibc-hwcaps/x86-64-v2/libh.so.1", hwcap: hwcapsEntry(0, 1)},
		{flags: 0x0303, key: "libh.so.1", value: "/h/glibc-hwcaps/x86-64-v4/libh.so.1", hwcap: hwcapsEntry(2, 3)},
		{flags: 0x0303, key: "libh.so.1", value: "/h/glibc-hwcaps/x86-64-v3/libh.so.1", hwcap: hwcapsEntry(1, 2)},
		{flags: 0x0303, key: "libh.so.1", value: "/h/libh.so.1"},
		// Legacy hwcap and platform entries.
		{flags: 0x0303, key: "libl.so.1", value: "/l/avx512/libl.so.1", hwcap: HWCapX86AVX512},
		{flags: 0x0303, key: "libl.so.1", value: "/l/libl.so.1"},
		{flags: 0x0303, key: "libp.so.1", value: "/p/haswell/libp.so.1", hwcap: 1 << (firstPlatform + 2)},
		{flags: 0x0303, key: "libp.so.1", value: "/p/libp.so.1"},
	}
	for _, withOld := range []bool{false, true} {
		c, err := ParseCache(buildCache(entries, hw, withOld))
		require.NoError(t, err)
		require.Equal(t, hw, c.HWCapNames())

		v4 := Caps{Platform: "haswell", ISALevel: 0xf, HWCaps: []string{"x86-64-v4", "x86-64-v3", "x86-64-v2"},
			HWCap: HWCapX86_64 | HWCapX86AVX512, HWCapMask: HWCapImportant}
		look := func(caps Caps, name string) string {
			p, _ := c.Lookup(name, &caps)
			return p
		}
		require.Equal(t, "/lib/x86_64-linux-gnu/libm.so.6", look(v4, "libm.so.6"))
		require.Equal(t, "/f/libfoo.so.10", look(v4, "libfoo.so.10"))
		require.Equal(t, "/f/libfoo.so.9", look(v4, "libfoo.so.9"))
		require.Equal(t, "/f/libfoo.so", look(v4, "libfoo.so"))
		require.Equal(t, "", look(v4, "libfoo.so.1"))

		require.Equal(t, "/h/glibc-hwcaps/x86-64-v4/libh.so.1", look(v4, "libh.so.1"))
		v3 := v4
		v3.HWCaps = []string{"x86-64-v3", "x86-64-v2"}
		require.Equal(t, "/h/glibc-hwcaps/x86-64-v3/libh.so.1", look(v3, "libh.so.1"))
		// An ISA level the CPU lacks disqualifies the entry even if the
		// subdirectory is active (e.g. forced by --glibc-hwcaps-prepend).
		noV4 := v4
		noV4.ISALevel = 0x7
		require.Equal(t, "/h/glibc-hwcaps/x86-64-v3/libh.so.1", look(noV4, "libh.so.1"))
		// Prepending reorders the priorities.
		pre := v4
		pre.HWCaps = []string{"x86-64-v2", "x86-64-v4", "x86-64-v3"}
		require.Equal(t, "/h/glibc-hwcaps/x86-64-v2/libh.so.1", look(pre, "libh.so.1"))
		base := v4
		base.HWCaps = nil
		require.Equal(t, "/h/libh.so.1", look(base, "libh.so.1"))

		require.Equal(t, "/l/avx512/libl.so.1", look(v4, "libl.so.1"))
		masked := v4
		masked.HWCapMask = HWCapX86_64
		require.Equal(t, "/l/libl.so.1", look(masked, "libl.so.1"))
		require.Equal(t, "/p/haswell/libp.so.1", look(v4, "libp.so.1"))
		amd := v4
		amd.Platform = "x86_64"
		require.Equal(t, "/p/libp.so.1", look(amd, "libp.so.1"))
	}

	// The old format alone has no hwcap words: the first x86-64 entry wins.
	c, err := ParseCache(buildOldCache(entries))
	require.NoError(t, err)
	caps := Caps{}
	p, ok := c.Lookup("libm.so.6", &caps)
	require.True(t, ok)
	require.Equal(t, "/lib/x86_64-linux-gnu/libm.so.6", p)
	p, _ = c.Lookup("libh.so.1", &caps)
	require.Equal(t, "/h/glibc-hwcaps/x86-64-v2/libh.so.1", p)
}

func TestCacheWithoutHWCapsSection(t *testing.T) {
	// hwcaps entries without a usable extension directory are skipped,
	// as glibc does, and the plain entry is used.
	data := buildCache([]synthEntry{
		{flags: 0x0303, key: "libh.so.1", value: "/h/v3/libh.so.1", hwcap: hwcapsEntry(0, 0)},
		{flags: 0x0303, key: "libh.so.1", value: "/h/libh.so.1"},
	}, []string{"x86-64-v3"}, false)
	le := binary.LittleEndian
	extOff := le.Uint32(data[32:])
	le.PutUint32(data[extOff:], 0x12345678) // break the extension magic
	c, err := ParseCache(data)
	require.NoError(t, err)
	require.Nil(t, c.HWCapNames())
	caps := Caps{HWCaps: []string{"x86-64-v3"}, ISALevel: 0xf}
	p, _ := c.Lookup("libh.so.1", &caps)
	require.Equal(t, "/h/libh.so.1", p)
}

func TestParseCacheCorrupt(t *testing.T) {
	good := buildCache([]synthEntry{
		{flags: 0x0303, key: "liba.so.1", value: "/x/liba.so.1"},
		{flags: 0x0303, key: "libh.so.1", value: "/x/glibc-hwcaps/x86-64-v3/libh.so.1", hwcap: hwcapsEntry(0, 2)},
	}, []string{"x86-64-v3"}, false)
	_, err := ParseCache(good)
	require.NoError(t, err)

	le := binary.LittleEndian
	mutate := func(f func(b []byte)) []byte {
		b := append([]byte(nil), good...)
		f(b)
		return b
	}
	bad := map[string][]byte{
		"empty":           nil,
		"bad magic":       mutate(func(b []byte) { b[0] = 'x' }),
		"header only":     good[:newHeaderSize],
		"truncated table": good[:newHeaderSize+newEntrySize+3],
		"big nlibs":       mutate(func(b []byte) { le.PutUint32(b[20:], 1<<31) }),
		"big endian":      mutate(func(b []byte) { b[28] = 3 }),
		"invalid endian":  mutate(func(b []byte) { b[28] = 1 }),
		"key out of range": mutate(func(b []byte) {
			le.PutUint32(b[newHeaderSize+4:], uint32(len(b)))
		}),
		"value out of range": mutate(func(b []byte) {
			le.PutUint32(b[newHeaderSize+8:], 0xfffffff0)
		}),
		"unterminated": mutate(func(b []byte) {
			b[len(b)-1] = 'x' // last hwcaps index byte -> huge offset
		}),
		"hwcaps name out of range": mutate(func(b []byte) {
			le.PutUint32(b[len(b)-4:], uint32(len(b)+10))
		}),
		"old truncated":  append([]byte(cacheMagicOld), 0, 9, 0, 0, 0, 1, 2, 3),
		"old bad string": buildOldCache([]synthEntry{{flags: 0x303, key: "a", value: "b"}})[:oldHeaderSize+oldEntrySize+1],
	}
	for name, data := range bad {
		c, err := ParseCache(data)
		require.Error(t, err, name)
		require.Nil(t, c, name)
		require.True(t, errors.Is(err, ErrCacheFormat), name)
	}
	// Every truncation of a valid cache either parses or fails cleanly.
	for n := 0; n < len(good); n++ {
		_, _ = ParseCache(good[:n])
	}
	// A string running to the end of the file without NUL is refused.
	s := buildOldCache([]synthEntry{{flags: 0x303, key: "a", value: "bb"}})
	_, err = ParseCache(s[:len(s)-1])
	require.Error(t, err)
}

func TestLibcmp(t *testing.T) {
	require.Less(t, libcmp("libfoo.so.9", "libfoo.so.10"), int32(0))
	require.Greater(t, libcmp("libfoo.so.10", "libfoo.so.9"), int32(0))
	require.Equal(t, int32(0), libcmp("libfoo.so.010", "libfoo.so.10"))
	require.Greater(t, libcmp("lib1", "libx"), int32(0), "a digit sorts after a letter")
	require.Less(t, libcmp("libx", "lib1"), int32(0))
	require.Less(t, libcmp("lib", "libc"), int32(0))
	require.Greater(t, libcmp("libc", "lib"), int32(0))
	require.Less(t, libcmp("lib\xe9", "liba"), int32(0), "bytes compare as signed chars")
}

// TestHWCapsCacheAgainstLdSo builds a cache with glibc-hwcaps entries with
// the real ldconfig, shows it to ld.so in a private mount namespace, and
// checks that Lookup picks what ld.so picks.
func TestHWCapsCacheAgainstLdSo(t *testing.T) {
	needTools(t, "gcc", "ldconfig", "unshare")
	if os.Geteuid() != 0 {
		t.Skip("needs root for a mount namespace")
	}
	root := t.TempDir()
	hc := filepath.Join(root, "hc")
	for _, sub := range []string{"", "glibc-hwcaps/x86-64-v2", "glibc-hwcaps/x86-64-v3", "glibc-hwcaps/x86-64-v4", "glibc-hwcaps/foo"} {
		dir := filepath.Join(hc, sub)
		require.NoError(t, os.MkdirAll(dir, 0o755))
		gcc(t, libxSrc(filepath.Join("hc", sub)), filepath.Join(dir, "libhw.so.1"), "-shared", "-fPIC", "-Wl,-soname,libhw.so.1")
	}
	gcc(t, mainSrc, filepath.Join(root, "prog"), filepath.Join(hc, "libhw.so.1"))
	conf := filepath.Join(root, "ld.so.conf")
	require.NoError(t, os.WriteFile(conf, []byte(hc+"\n"), 0o644))
	cacheFile := filepath.Join(root, "ld.so.cache")

	// ldconfig -C still rewrites the system aux-cache: hide it behind a
	// tmpfs in the namespace. -X leaves symlinks alone.
	script := `set -e
mount -t tmpfs none /var/cache/ldconfig 2>/dev/null || true
ldconfig -X -C "$CACHE" -f "$CONF"
mount --bind "$CACHE" /etc/ld.so.cache
export LD_DEBUG=libs
exec "$@"`
	run := func(args ...string) (string, []string, bool) {
		cmd := exec.Command("unshare", append([]string{"-m", "sh", "-c", script, "sh", rtld}, args...)...)
		cmd.Env = []string{"CACHE=" + cacheFile, "CONF=" + conf, "PATH=/usr/sbin:/usr/bin:/sbin:/bin"}
		var stdout, stderr strings.Builder
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		if err != nil && strings.Contains(stderr.String(), "unshare") {
			t.Skip("no mount namespace:", stderr.String())
		}
		return strings.TrimSpace(stdout.String()), searchLines(stderr.String()), err == nil
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, ""},
		{[]string{"--glibc-hwcaps-mask", "x86-64-v2:x86-64-v3"}, ""},
		{[]string{"--glibc-hwcaps-prepend", "foo"}, "hc/glibc-hwcaps/foo"},
		{[]string{"--glibc-hwcaps-mask", "none"}, "hc"},
	} {
		out, trace, ran := run(append(tc.args, filepath.Join(root, "prog"))...)
		require.True(t, ran, "%v: %s", tc.args, trace)
		data, err := os.ReadFile(cacheFile)
		require.NoError(t, err)
		cache, err := ParseCache(data)
		require.NoError(t, err)
		require.Contains(t, cache.HWCapNames(), "foo")

		c := matrixCase{rtldArgs: tc.args}
		env := envFor(t, c, root, cache)
		sim := simulate(t, env, filepath.Join(root, "prog"), root)
		require.NoError(t, sim.err)
		require.Equal(t, trace, sim.trace, "%v", tc.args)
		want := tc.want
		if want == "" && len(env.HWCaps) > 0 {
			want = "hc/glibc-hwcaps/" + env.HWCaps[0]
		} else if want == "" {
			want = "hc"
		}
		require.Equal(t, want, out, "%v", tc.args)
	}
}
