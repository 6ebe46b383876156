package link

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// seedSharedLibraries links two small libraries with gcc: one with version
// definitions and references (.gnu.version_d, .gnu.version_r), one with both
// hash styles. FuzzParseShared's seeds (libm, libz) are 100 KB to 1 MB, which
// makes every mutation and minimization slow; these are ~15 KB.
func seedSharedLibraries(f *testing.F) [][]byte {
	dir := f.TempDir()
	files := map[string]string{
		"lib.c": "#include <stdio.h>\nint lib_fn(int x) { return x + 1; }\nint lib_fn2(int x) { return printf(\"%d\", x); }\n" +
			"int lib_data = 3;\n__thread int lib_tls;\n",
		"v.map": "VERS_1 { global: lib_fn; local: *; };\nVERS_2 { global: lib_fn2; lib_data; lib_tls; } VERS_1;\n",
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			f.Fatal(err)
		}
	}
	var out [][]byte
	for _, args := range [][]string{
		{"-shared", "-fpic", "-O2", "-o", "libv.so", "-Wl,-soname,libv.so", "-Wl,--version-script=v.map", "lib.c"},
		{"-shared", "-fpic", "-O2", "-o", "libh.so", "-Wl,--hash-style=both", "-Wl,-z,now", "lib.c"},
	} {
		cmd := exec.Command("gcc", args...)
		cmd.Dir = dir
		if err := cmd.Run(); err != nil {
			f.Logf("gcc %v: %v; seeding without it", args, err)
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, args[4]))
		if err != nil {
			f.Fatal(err)
		}
		out = append(out, data)
	}
	return out
}

// FuzzParseSharedSmall: the shared-library reader (dynamic section, dynamic
// symbols, versions) survives any input, mutating small libraries.
func FuzzParseSharedSmall(f *testing.F) {
	for _, s := range seedSharedLibraries(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = parseShared("fuzz.so", data)
	})
}
