package main

import (
	"bytes"
	"context"
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
