package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// TestPythonTestSuite runs CPython's own test_threading, test_subprocess
// and test_signal (Debian's libpython3.11-testsuite) with the interpreter
// under ldgo; they must pass as they do natively. About two minutes, as
// natively (the suite mostly sleeps); skipped with -short.
func TestPythonTestSuite(t *testing.T) {
	if testing.Short() {
		t.Skip("slow (about 2 minutes)")
	}
	if _, err := os.Stat("/usr/lib/python3.11/test/test_threading.py"); err != nil {
		t.Skip("libpython3.11-testsuite not installed")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, ldgoPath, "/usr/bin/python3", "-m", "test", "test_threading", "test_subprocess", "test_signal")
	cmd.Dir = t.TempDir()
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("timed out:\n%s", clip(out.String()))
	}
	if err != nil || !strings.Contains(out.String(), "Tests result: SUCCESS") {
		s := out.String()
		if len(s) > 4000 {
			s = s[len(s)-4000:]
		}
		t.Fatalf("%v\n%s", err, s)
	}
}

// TestPythonExtensionModules: Debian's python3 under ldgo imports every C
// extension module in lib-dynload (46 on Debian 12, each a dlopen; at
// least 30 required) and uses several, as under ld.so. About 0.2 s.
func TestPythonExtensionModules(t *testing.T) {
	if _, err := os.Stat("/usr/lib/python3.11/lib-dynload"); err != nil {
		t.Skip("python3.11 not installed")
	}
	got := compareWithGlibc(t, nil, "/usr/bin/python3", "testdata/pyimports.py")
	var n int
	if _, err := fmt.Sscanf(got.stdout, "%d dlopen'ed", &n); err != nil || n < 30 || !strings.Contains(got.stdout, "failed: []") {
		t.Errorf("want at least 30 extension modules dlopen'ed and none failed:\n%s\n%s", got.stdout, got.stderr)
	}
}

// TestPythonCtypesImportlib runs CPython's test_ctypes and test_importlib
// with the interpreter under ldgo (about 5 s, as natively).
func TestPythonCtypesImportlib(t *testing.T) {
	if _, err := os.Stat("/usr/lib/python3.11/test/test_ctypes.py"); err != nil {
		t.Skip("libpython3.11-testsuite not installed")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, ldgoPath, "/usr/bin/python3", "-m", "test", "test_ctypes", "test_importlib")
	cmd.Dir = t.TempDir()
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("timed out:\n%s", clip(out.String()))
	}
	if err != nil || !strings.Contains(out.String(), "Tests result: SUCCESS") || !strings.Contains(out.String(), "All 2 tests OK.") {
		s := out.String()
		if len(s) > 4000 {
			s = s[len(s)-4000:]
		}
		t.Fatalf("%v\n%s", err, s)
	}
}
