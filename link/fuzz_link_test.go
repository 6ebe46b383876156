package link

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzLinkObject: a whole link of one object into a shared library — every
// pass after the reader (resolution, .eh_frame, output sections, merge
// sections, relocation scanning and application, layout, writing) — fails
// with errors, never with a panic (which Link reports as an internal error)
// or a hang.
func FuzzLinkObject(f *testing.F) {
	for _, s := range seedObjects(f) {
		f.Add(s)
	}
	dir := f.TempDir()
	in := filepath.Join(dir, "fuzz.o")
	out := filepath.Join(dir, "out.so")
	f.Fuzz(func(t *testing.T, data []byte) {
		if err := os.WriteFile(in, data, 0o644); err != nil {
			t.Fatal(err)
		}
		err := Link(&Config{Output: out, Kind: OutputShared, Inputs: []Input{{Kind: InputFile, Path: in}}})
		if err != nil && strings.Contains(err.Error(), "internal error") {
			t.Fatalf("%v", err)
		}
	})
}
