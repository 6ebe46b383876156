package script

import (
	"os"
	"testing"
)

// FuzzParse checks that no input makes IsScript or Parse panic, and that a
// successful parse yields only well-formed entries.
func FuzzParse(f *testing.F) {
	for _, p := range []string{"testdata/libc.so", "testdata/libm.so", "testdata/libm.a", "testdata/libncurses.so"} {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte("GROUP(AS_NEEDED(-la b) c)SEARCH_DIR(x)OUTPUT_FORMAT(a,b,c)"))
	f.Add([]byte("SECTIONS { . = 0; }"))
	f.Add([]byte("/* unterminated"))
	f.Fuzz(func(t *testing.T, data []byte) {
		_ = IsScript(data)
		s, err := Parse("fuzz", data)
		if err != nil {
			return
		}
		for _, in := range s.Inputs {
			if in.Path == "" && !in.Lib {
				// Only a quoted "" can produce this; it is legal to ld too.
				continue
			}
			if in.Lib && (in.Path == "" || in.Path == ":") {
				t.Fatalf("empty library name in %q", data)
			}
		}
	})
}
