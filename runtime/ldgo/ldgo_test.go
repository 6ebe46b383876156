package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// The tests build ldgo once with build.sh and run real programs under it,
// comparing with glibc's own ld.so. Every run has a timeout so that a hang
// fails the test instead of blocking CI.

var ldgoPath string

const glibcLdso = "/lib64/ld-linux-x86-64.so.2"

func TestMain(m *testing.M) {
	if runtime.GOOS != "linux" || runtime.GOARCH != "amd64" {
		fmt.Println("ldgo tests need linux/amd64")
		os.Exit(0)
	}
	dir, err := os.MkdirTemp("", "ldgo-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	ldgoPath = filepath.Join(dir, "ldgo")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	out, err := exec.CommandContext(ctx, "bash", "build.sh", ldgoPath).CombinedOutput()
	cancel()
	if err != nil {
		fmt.Fprintf(os.Stderr, "build.sh: %v\n%s", err, out)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

type runResult struct {
	stdout, stderr string
	code           int
}

// run runs argv with a 30 s timeout.
func run(t *testing.T, env []string, argv ...string) runResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("%q timed out", argv)
	}
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("%q: %v", argv, err)
	}
	return runResult{stdout.String(), stderr.String(), code}
}

// compareWithGlibc runs PROG ARGS under ldgo and under glibc's ld.so.
func compareWithGlibc(t *testing.T, env []string, argv ...string) runResult {
	t.Helper()
	if _, err := os.Stat(argv[0]); err != nil {
		t.Skipf("%s not installed", argv[0])
	}
	want := run(t, env, append([]string{glibcLdso}, argv...)...)
	got := run(t, env, append([]string{ldgoPath}, argv...)...)
	if got.stdout != want.stdout || got.code != want.code {
		t.Errorf("ldgo %q: exit %d, stdout %q\nstderr %q\nld.so: exit %d, stdout %q",
			argv, got.code, clip(got.stdout), clip(got.stderr), want.code, clip(want.stdout))
	}
	return got
}

func clip(s string) string {
	if len(s) > 400 {
		return s[:400] + "..."
	}
	return s
}

func TestDebianPrograms(t *testing.T) {
	tests := [][]string{
		{"/usr/bin/true"},
		{"/usr/bin/false"},
		{"/usr/bin/echo", "hi"},
		{"/usr/bin/ls", "-la", "/usr/lib"},
		{"/usr/bin/cat", "/etc/os-release"},
		{"/usr/bin/sort", "/etc/passwd"},
		{"/usr/bin/sed", "-n", "s/root/ROOT/p", "/etc/passwd"},
		{"/usr/bin/grep", "-c", "bin", "/etc/passwd"},
		{"/bin/bash", "-c", "echo a | sort; for i in 3 1 2; do echo $i; done | sort -n"},
		{"/usr/bin/python3", "-c", "import json, threading; print(json.dumps({'a': [1, 2]}))"},
	}
	for _, argv := range tests {
		t.Run(strings.Join(argv, " "), func(t *testing.T) {
			compareWithGlibc(t, nil, argv...)
		})
	}
}

// buildC compiles a C or C++ source with extra flags into dir.
func buildC(t testing.TB, dir, compiler, name, src string, flags ...string) string {
	t.Helper()
	if _, err := exec.LookPath(compiler); err != nil {
		t.Skipf("%s not installed", compiler)
	}
	srcPath := filepath.Join(dir, name+".c")
	if compiler == "g++" {
		srcPath += "c"
	}
	if err := os.WriteFile(srcPath, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, name)
	args := append([]string{"-O1", "-o", out, srcPath}, flags...)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if b, err := exec.CommandContext(ctx, compiler, args...).CombinedOutput(); err != nil {
		t.Fatalf("%s %v: %v\n%s", compiler, args, err, b)
	}
	return out
}

const threadsTLS = `#include <stdio.h>
#include <pthread.h>
__thread int tv = 5;
void *f(void *a) { tv += (long)a; return (void *)(long)tv; }
int main(int argc, char **argv) {
	pthread_t t[8];
	long s = 0;
	for (long i = 0; i < 8; i++) pthread_create(&t[i], 0, f, (void *)i);
	for (int i = 0; i < 8; i++) { void *r; pthread_join(t[i], &r); s += (long)r; }
	printf("hello %s %d %ld\n", argc > 1 ? argv[1] : "-", tv, s);
	return 7;
}
`

// TestInterpreter: a program linked with -dynamic-linker pointing at ldgo
// is started by the kernel with ldgo as its interpreter.
func TestInterpreter(t *testing.T) {
	dir := t.TempDir()
	prog := buildC(t, dir, "gcc", "hello", threadsTLS, "-pthread", "-Wl,-dynamic-linker,"+ldgoPath)
	got := run(t, nil, prog, "world")
	if got.stdout != "hello world 5 68\n" || got.code != 7 {
		t.Errorf("got exit %d, stdout %q, stderr %q", got.code, got.stdout, got.stderr)
	}
	pie := buildC(t, dir, "gcc", "hellopie", threadsTLS, "-pthread", "-fPIE", "-pie", "-Wl,-dynamic-linker,"+ldgoPath)
	if got := run(t, nil, pie, "pie"); got.stdout != "hello pie 5 68\n" || got.code != 7 {
		t.Errorf("PIE: got exit %d, stdout %q, stderr %q", got.code, got.stdout, got.stderr)
	}
	nopie := buildC(t, dir, "gcc", "hellonopie", threadsTLS, "-pthread", "-no-pie")
	compareWithGlibc(t, nil, nopie, "cmd")
}

const cxxThrow = `#include <cstdio>
#include <stdexcept>
#include <thread>
int main() {
	try { throw std::runtime_error("boom"); } catch (const std::exception &e) { printf("caught %s\n", e.what()); }
	std::thread t([] { try { throw 42; } catch (int x) { printf("thread caught %d\n", x); } });
	t.join();
	return 3;
}
`

// TestCxxExceptions: libgcc's unwinder finds objects through
// GLRO(dl_find_object).
func TestCxxExceptions(t *testing.T) {
	prog := buildC(t, t.TempDir(), "g++", "throw", cxxThrow, "-pthread")
	got := compareWithGlibc(t, nil, prog)
	if got.stdout != "caught boom\nthread caught 42\n" {
		t.Errorf("stdout %q", got.stdout)
	}
}

// TestLoadErrors: glibc's wording and exit status 127.
func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	buildC(t, dir, "gcc", "libfoo.so", "int foo(void) { return 42; }\n", "-shared", "-fPIC")
	os.Rename(filepath.Join(dir, "libfoo.so"), filepath.Join(dir, "libfoo.so.tmp"))
	prog := buildC(t, dir, "gcc", "usefoo", "int foo(void); int main(void) { return foo(); }\n", "-L"+dir, "-l:libfoo.so.tmp")
	// The program needs libfoo.so.tmp, which is not on the search path.
	got := run(t, nil, ldgoPath, prog)
	want := run(t, nil, glibcLdso, prog)
	if got.code != 127 || got.stderr != want.stderr {
		t.Errorf("missing library: exit %d, stderr %q; ld.so says %q", got.code, got.stderr, want.stderr)
	}
	env := []string{"LD_LIBRARY_PATH=" + dir}
	if got := run(t, env, ldgoPath, prog); got.code != 42 {
		t.Errorf("with LD_LIBRARY_PATH: exit %d, stderr %q", got.code, got.stderr)
	}

	// An undefined symbol with BIND_NOW.
	buildC(t, dir, "gcc", "libbar.so", "int bar(void) { return 1; }\n", "-shared", "-fPIC")
	now := buildC(t, dir, "gcc", "usebar", "int bar(void); int main(void) { return bar(); }\n", "-L"+dir, "-lbar", "-Wl,-z,now")
	lazy := buildC(t, dir, "gcc", "usebarlazy", "int bar(void); int main(void) { return bar(); }\n", "-L"+dir, "-lbar", "-Wl,-z,lazy")
	buildC(t, dir, "gcc", "libbar.so", "int other(void) { return 1; }\n", "-shared", "-fPIC")
	got = run(t, env, ldgoPath, now)
	want = run(t, env, glibcLdso, now)
	if got.code != 127 || got.stderr != want.stderr {
		t.Errorf("undefined symbol: exit %d, stderr %q; ld.so says %q", got.code, got.stderr, want.stderr)
	}
	// The same, found by the lazy resolver at the first call.
	got = run(t, env, ldgoPath, lazy)
	want = run(t, env, glibcLdso, lazy)
	if got.code != 127 || got.stderr != want.stderr {
		t.Errorf("undefined symbol, lazily: exit %d, stderr %q; ld.so says %q", got.code, got.stderr, want.stderr)
	}

	// A truncated library: a clean message, not a crash (glibc's ld.so
	// dies of SIGBUS here).
	lib, err := os.ReadFile(filepath.Join(dir, "libfoo.so.tmp"))
	if err != nil {
		t.Fatal(err)
	}
	trunc := filepath.Join(dir, "trunc")
	os.Mkdir(trunc, 0o755)
	os.WriteFile(filepath.Join(trunc, "libfoo.so.tmp"), lib[:len(lib)/2], 0o644)
	got = run(t, []string{"LD_LIBRARY_PATH=" + trunc}, ldgoPath, prog)
	if got.code != 127 || !strings.Contains(got.stderr, "error while loading shared libraries: libfoo.so.tmp: file too short") {
		t.Errorf("truncated library: exit %d, stderr %q", got.code, got.stderr)
	}
	// A 32-bit library earlier in the path is skipped, as glibc does.
	wrong := filepath.Join(dir, "elf32")
	os.Mkdir(wrong, 0o755)
	lib32 := append([]byte{}, lib...)
	lib32[4] = 1 // ELFCLASS32
	os.WriteFile(filepath.Join(wrong, "libfoo.so.tmp"), lib32, 0o644)
	if got := run(t, []string{"LD_LIBRARY_PATH=" + wrong + ":" + dir}, ldgoPath, prog); got.code != 42 {
		t.Errorf("ELFCLASS32 first in the path: exit %d, stderr %q", got.code, got.stderr)
	}

	// A file that is not ELF.
	bad := filepath.Join(dir, "notelf")
	os.WriteFile(bad, []byte("#!/bin/sh\necho hi\n"), 0o755)
	if got := run(t, nil, ldgoPath, bad); got.code != 127 || !strings.Contains(got.stderr, "error while loading shared libraries") {
		t.Errorf("not ELF: exit %d, stderr %q", got.code, got.stderr)
	}
}

// TestStaticPrograms: a static program or static PIE run as `ldgo PROG`
// starts as the kernel would start it.
func TestStaticPrograms(t *testing.T) {
	dir := t.TempDir()
	for _, mode := range []string{"-static", "-static-pie"} {
		prog := buildC(t, dir, "gcc", "hello"+mode, threadsTLS, "-pthread", mode)
		if got := run(t, nil, ldgoPath, prog, "static"); got.stdout != "hello static 5 68\n" || got.code != 7 {
			t.Errorf("%s: exit %d, stdout %q, stderr %q", mode, got.code, got.stdout, got.stderr)
		}
	}
}

// TestOptions: ld.so's command-line options.
func TestOptions(t *testing.T) {
	if got := run(t, nil, ldgoPath, "--argv0", "renamed", "/usr/bin/python3", "-c", "import sys; print(sys.argv[0], sys.orig_argv[0])"); got.stdout != "-c renamed\n" {
		t.Errorf("--argv0: %q %q", got.stdout, got.stderr)
	}
	got := run(t, nil, ldgoPath, "--list", "/usr/bin/ls")
	if got.code != 0 || !strings.Contains(got.stdout, "libc.so.6 => ") {
		t.Errorf("--list: exit %d, %q", got.code, got.stdout)
	}
	if got := run(t, nil, ldgoPath, "--bogus"); got.code != 127 || !strings.Contains(got.stderr, "unrecognized option '--bogus'") {
		t.Errorf("bad option: exit %d, %q", got.code, got.stderr)
	}
}
