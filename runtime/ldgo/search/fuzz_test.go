package search

import (
	"os"
	"testing"
)

// FuzzParseCache feeds arbitrary bytes to ParseCache and looks up names in
// whatever parses: neither may panic, and a parsed cache must answer every
// name it lists with one of its own paths.
func FuzzParseCache(f *testing.F) {
	entries := []synthEntry{
		{flags: 0x303, key: "libc.so.6", value: "/lib/x86_64-linux-gnu/libc.so.6"},
		{flags: 0x003, key: "libc.so.6", value: "/lib32/libc.so.6"},
		{flags: 0x303, key: "libh.so.1", value: "/h/glibc-hwcaps/x86-64-v3/libh.so.1", hwcap: hwcapsEntry(1, 2)},
		{flags: 0x303, key: "libh.so.1", value: "/h/libh.so.1"},
		{flags: 0x303, key: "libp.so.2", value: "/p/haswell/libp.so.2", hwcap: 1 << 50},
	}
	hw := []string{"x86-64-v2", "x86-64-v3"}
	f.Add(buildCache(entries, hw, false))
	f.Add(buildCache(entries, hw, true))
	f.Add(buildCache(entries, nil, false))
	f.Add(buildOldCache(entries))
	if data, err := os.ReadFile(DefaultCachePath); err == nil && len(data) < 1<<16 {
		f.Add(data)
	}
	capsList := []Caps{
		DetectCaps("x86_64"),
		{Platform: "haswell", ISALevel: 0xf, HWCaps: []string{"x86-64-v4", "x86-64-v3", "x86-64-v2"},
			HWCap: HWCapX86_64 | HWCapX86AVX512, HWCapMask: HWCapImportant},
		{},
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseCache(data)
		if err != nil {
			if c != nil {
				t.Fatal("cache returned with an error")
			}
			return
		}
		paths := map[string]bool{}
		for _, e := range c.Entries() {
			paths[e.Path] = true
		}
		for i, e := range c.Entries() {
			if i == 64 {
				break
			}
			if len(e.Name) > 256 {
				continue // DT_NEEDED names are short; huge keys only slow the fuzzer
			}
			for k := range capsList {
				if p, ok := c.Lookup(e.Name, &capsList[k]); ok && !paths[p] {
					t.Fatalf("Lookup(%q) = %q, not a path of the cache", e.Name, p)
				}
			}
		}
		c.Lookup("libc.so.6", &capsList[0])
	})
}
