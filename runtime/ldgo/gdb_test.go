package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestGdbBacktrace: gdb finds the libraries of a program running under
// ldgo (r_debug through DT_DEBUG) and names the function in the library
// where it crashed.
func TestGdbBacktrace(t *testing.T) {
	if _, err := exec.LookPath("gdb"); err != nil {
		t.Skip("gdb not installed")
	}
	dir := t.TempDir()
	buildC(t, dir, "gcc", "libcrash.so", "int crash_here(int *p) { return *p; }\n", "-g", "-shared", "-fPIC")
	prog := buildC(t, dir, "gcc", "crasher", "int crash_here(int *);\nint main(void) { return crash_here(0); }\n",
		"-g", "-L"+dir, "-lcrash", "-Wl,-rpath,"+dir, "-Wl,-dynamic-linker,"+ldgoPath)
	got := run(t, nil, "gdb", "-nx", "-batch", "-ex", "run", "-ex", "bt", prog)
	if !strings.Contains(got.stdout, "#0  crash_here (p=") || !strings.Contains(got.stdout, "in main ()") {
		t.Errorf("gdb backtrace:\n%s\n%s", got.stdout, got.stderr)
	}
}

// TestGdbDlopen: gdb stops at ldgo's _dl_debug_state and so also knows a
// library the program loaded with dlopen.
func TestGdbDlopen(t *testing.T) {
	if _, err := exec.LookPath("gdb"); err != nil {
		t.Skip("gdb not installed")
	}
	dir := t.TempDir()
	lib := buildC(t, dir, "gcc", "libcrash.so", "int crash_here(int *p) { return *p; }\n", "-g", "-shared", "-fPIC")
	prog := buildC(t, dir, "gcc", "dlcrasher", `#include <dlfcn.h>
int main(void) {
	void *h = dlopen("`+lib+`", RTLD_NOW);
	int (*f)(int *) = (int (*)(int *))dlsym(h, "crash_here");
	return f(0);
}
`, "-g", "-ldl", "-Wl,-dynamic-linker,"+ldgoPath)
	got := run(t, nil, "gdb", "-nx", "-batch", "-ex", "run", "-ex", "bt", prog)
	if !strings.Contains(got.stdout, "#0  crash_here (p=") || !strings.Contains(got.stdout, "in main ()") {
		t.Errorf("gdb backtrace:\n%s\n%s", got.stdout, got.stderr)
	}
}
