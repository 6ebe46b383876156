package e2e

import (
	"debug/elf"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestSeedUnderLdgo: the seed example linked by gold with its default
// interpreter (the bundled ldgo) runs lazily and with LD_BIND_NOW=1, and the
// binding trace shows addvec bound at its first call (after main started)
// in the one case and before main in the other.
func TestSeedUnderLdgo(t *testing.T) {
	t.Parallel()
	ldgo := tool(t, "ldgo")
	dir := t.TempDir()
	gcc(t, dir, "-O2", "-fpic", "-c", src("vector", "addvec.c"), src("vector", "multvec.c"))
	gcc(t, dir, "-O2", "-c", "-I", src("vector"), src("vector", "main2_trace.c"), "-o", "main2.o")
	mustGshared(t, dir, "-o", "libvector.so", "addvec.o", "multvec.o")
	mustRun(t, runOpts{dir: dir, timeout: linkTimeout, env: []string{"GOLD_INTERP=" + ldgo}}, tool(t, "gold"), "-o", "prog2l", "main2.o", "./libvector.so")
	require.Equal(t, ldgo, interpOf(t, filepath.Join(dir, "prog2l")))

	for _, tc := range []struct {
		name       string
		env        []string
		beforeMain bool
	}{
		{"lazy", []string{"LDGO_DEBUG=bindings"}, false},
		{"now", []string{"LDGO_DEBUG=bindings", "LD_BIND_NOW=1"}, true},
	} {
		r := mustRun(t, runOpts{dir: dir, env: tc.env}, "./prog2l")
		require.Equal(t, "z = [4 6]\n", r.stdout, "%s", r)
		mainAt := strings.Index(r.stderr, "main: start")
		bindAt := strings.Index(r.stderr, "`addvec'")
		require.True(t, mainAt >= 0 && bindAt >= 0, "%s: no marker or no binding of addvec in the trace:\n%s", tc.name, r.stderr)
		require.Equal(t, tc.beforeMain, bindAt < mainAt, "%s: addvec bound %s main started:\n%s", tc.name, map[bool]string{true: "before", false: "after"}[bindAt < mainAt], r.stderr)
	}
}

// TestArchiveLibrariesUnderLdgo: the libraries gshared makes from Debian's
// PIE-model archives (copy relocations inside a shared object) work under
// ldgo as under glibc's loader.
func TestArchiveLibrariesUnderLdgo(t *testing.T) {
	t.Parallel()
	ldgo := tool(t, "ldgo")
	for _, tc := range []struct{ lib, main, want string }{
		{"lua", "lua/main.c", ""},
		{"zstd", "zstd/main.c", "ok\n"},
	} {
		t.Run(tc.lib, func(t *testing.T) {
			dir := t.TempDir()
			archive := map[string]string{"lua": "/usr/lib/x86_64-linux-gnu/liblua5.4.a", "zstd": "/usr/lib/x86_64-linux-gnu/libzstd.a"}[tc.lib]
			needFiles(t, archive)
			mustGshared(t, dir, "-Bsymbolic", "--whole-archive", archive, "-o", "lib"+tc.lib+".so", "-lm")
			gcc(t, dir, "-O2", "-I/usr/include/lua5.4", "-c", src(tc.main), "-o", "main.o")
			mustRun(t, runOpts{dir: dir, timeout: linkTimeout, env: []string{"GOLD_INTERP=" + ldgo}}, tool(t, "gold"), "-o", "prog", "main.o", "./lib"+tc.lib+".so")
			viaLdgo := mustRun(t, runOpts{dir: dir}, "./prog")
			viaGlibc := mustRun(t, runOpts{dir: dir}, "/lib64/ld-linux-x86-64.so.2", "./prog")
			require.Equal(t, viaGlibc.stdout, viaLdgo.stdout)
			require.Equal(t, viaGlibc.stderr, viaLdgo.stderr)
			if tc.want != "" {
				require.Equal(t, tc.want, viaLdgo.stdout)
			}
			if tc.lib == "lua" {
				require.Contains(t, viaLdgo.stderr, "to stderr", "Lua's io.stderr must reach the process's stderr")
			}
		})
	}
}

// interpOf returns the program interpreter an executable names.
func interpOf(t testing.TB, path string) string {
	t.Helper()
	f, err := elf.Open(path)
	require.NoError(t, err)
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			b := make([]byte, p.Filesz)
			_, err := p.ReadAt(b, 0)
			require.NoError(t, err)
			return strings.TrimRight(string(b), "\x00")
		}
	}
	t.Fatalf("%s has no PT_INTERP", path)
	return ""
}

// TestDlopenManualLinkedByGold: the dlopen(3) manual's example, linked by
// gold with its default interpreter (ldgo), prints cos(2.0), lazily and with
// LD_BIND_NOW=1, as the same program does under glibc's loader.
func TestDlopenManualLinkedByGold(t *testing.T) {
	t.Parallel()
	ldgo := tool(t, "ldgo")
	dir := t.TempDir()
	gcc(t, dir, "-O2", "-c", src("dlopen", "cos.c"), "-o", "cos.o")
	mustRun(t, runOpts{dir: dir, timeout: linkTimeout, env: []string{"GOLD_INTERP=" + ldgo}}, tool(t, "gold"), "-o", "cos", "cos.o")
	require.Equal(t, ldgo, interpOf(t, filepath.Join(dir, "cos")))
	for _, env := range [][]string{nil, {"LD_BIND_NOW=1"}} {
		requireOutput(t, mustRun(t, runOpts{dir: dir, env: env}, "./cos"), "-0.416147\n", "")
	}
	requireOutput(t, mustRun(t, runOpts{dir: dir}, "/lib64/ld-linux-x86-64.so.2", "./cos"), "-0.416147\n", "")
}
