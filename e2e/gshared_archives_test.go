package e2e

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/stretchr/testify/require"
)

// runWithLib compiles testdata/<prog>/main.c against a gshared library (by
// absolute path, so it cannot pick up the system's copy) and runs it, lazily
// and with LD_BIND_NOW=1.
func runWithLib(t *testing.T, lib, prog string, cflags ...string) []result {
	t.Helper()
	dir := t.TempDir()
	args := append(append([]string{"-O2"}, cflags...), "-o", "prog", src(prog, "main.c"), lib)
	gcc(t, dir, args...)
	requireNeeds(t, filepath.Join(dir, "prog"), lib)
	return []result{
		run(t, runOpts{dir: dir}, "./prog"),
		run(t, runOpts{dir: dir, env: []string{"LD_BIND_NOW=1"}}, "./prog"),
	}
}

// TestSqliteShared: all of libsqlite3.a in one -Bsymbolic shared object.
func TestSqliteShared(t *testing.T) {
	t.Parallel()
	want := readExpected(t, "sqlite", "expected.txt")
	for _, r := range runWithLib(t, shared(t, "sqlite"), "sqlite") {
		requireOutput(t, r, want, "")
	}
}

// TestZlibShared: all of libz.a; compressed sizes depend on the zlib
// version, so only their shape is checked (the program verifies the data).
func TestZlibShared(t *testing.T) {
	t.Parallel()
	re := regexp.MustCompile(`^compress2 ok in=10485760 compressed=\d+\nstream ok in=10485760 compressed=\d+\n$`)
	for _, r := range runWithLib(t, shared(t, "zlib"), "zlib") {
		require.True(t, r.ok(), "%s", r)
		require.Regexp(t, re, r.stdout, "%s", r)
		require.Empty(t, r.stderr, "%s", r)
	}
}

// TestCryptoShared: all of libcrypto.a (~5 MB of code, full of
// function-pointer tables, init-once code and thread-local error state).
func TestCryptoShared(t *testing.T) {
	t.Parallel()
	want := readExpected(t, "crypto", "expected.txt")
	for _, r := range runWithLib(t, shared(t, "crypto"), "crypto") {
		requireOutput(t, r, want, "")
	}
}

// TestLuaShared: all of liblua5.4.a, whose -fPIE objects reference libc's
// stdin/stdout/stderr PC-relatively; no system linker builds this library.
func TestLuaShared(t *testing.T) {
	t.Parallel()
	want := readExpected(t, "lua", "expected.txt")
	wantErr := readExpected(t, "lua", "expected_stderr.txt")
	for _, r := range runWithLib(t, shared(t, "lua"), "lua", "-I/usr/include/lua5.4") {
		requireOutput(t, r, want, wantErr)
	}
}

// TestZstdShared: all of libzstd.a (same non-PIC stderr references as lua,
// in the dictionary builder). Sizes go to stderr and vary by version.
func TestZstdShared(t *testing.T) {
	t.Parallel()
	re := regexp.MustCompile(`^level 1: 10485760 -> \d+\nlevel 9: 10485760 -> \d+\nstream: 10485760 -> \d+\n$`)
	for _, r := range runWithLib(t, shared(t, "zstd"), "zstd") {
		require.True(t, r.ok(), "%s", r)
		require.Equal(t, "ok\n", r.stdout, "%s", r)
		require.Regexp(t, re, r.stderr, "%s", r)
	}
}

// TestDeterministic: the same link must give the same bytes whatever the
// output directory and however many threads the Go runtime uses.
func TestDeterministic(t *testing.T) {
	t.Parallel()
	args := linkArgs(t, "sqlite")
	gs := tool(t, "gshared")
	var outputs [][]byte
	for _, procs := range []string{"1", "2", "1"} {
		dir := t.TempDir()
		out := filepath.Join(dir, "libsqlite3.so")
		r := run(t, runOpts{dir: dir, env: []string{"GOMAXPROCS=" + procs}, timeout: linkTimeout},
			gs, append([]string{"--build-id", "-o", out}, args...)...)
		require.True(t, r.ok(), "%s", r)
		b, err := os.ReadFile(out)
		require.NoError(t, err)
		outputs = append(outputs, b)
	}
	for i := 1; i < len(outputs); i++ {
		require.True(t, bytes.Equal(outputs[0], outputs[i]),
			"link %d differs from link 0 (%d vs %d bytes)", i, len(outputs[i]), len(outputs[0]))
	}
}
