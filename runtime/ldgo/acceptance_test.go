package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Acceptance: Debian's own programs under ldgo give the same output and
// exit status as under glibc's ld.so (TestDebianPrograms has the simpler
// ones; TestPythonExtensions python3's extension modules).
func TestDebianProgramsMore(t *testing.T) {
	dir := t.TempDir()
	tree := filepath.Join(dir, "tree")
	for i := 0; i < 5; i++ {
		d := filepath.Join(tree, fmt.Sprint("d", i))
		os.MkdirAll(d, 0o755)
		for j := 0; j < 4; j++ {
			os.WriteFile(filepath.Join(d, fmt.Sprint("f", j)), []byte(fmt.Sprintf("line %d %d\nneedle %d\nother\n", i, j, i*j)), 0o644)
		}
	}
	data := filepath.Join(dir, "data.txt")
	var b strings.Builder
	for i := 0; i < 20000; i++ {
		fmt.Fprintf(&b, "%d %s %d\n", (i*7919)%1000, strings.Repeat("abc", i%9), i)
	}
	os.WriteFile(data, []byte(b.String()), 0o644)
	tests := [][]string{
		{"/usr/bin/grep", "-rn", "needle", tree},
		{"/usr/bin/grep", "-r", "-c", "nothing-here", tree},
		{"/usr/bin/cat", data},
		{"/usr/bin/sort", "-n", "-k1,1", "-k3,3", data},
		{"/usr/bin/sed", "-E", "s/(abc)+/<&>/; 5000q", data},
		{"/usr/bin/mawk", "{ s[$1] += $3 } END { for (k in s) n++; print n, s[7] }", data},
		{"/bin/bash", "-c", "cat " + data + " | sort -u | grep -c abcabc | tr 0-9 a-j; exit 3"},
		{"/usr/bin/perl", "-MPOSIX", "-e", "print POSIX::floor(7.5), ' ', strftime('%Y', gmtime(0)), ' ', join(',', map { $_ * 2 } 1..5), \"\\n\"; exit 4"},
		{"/usr/bin/git", "--version"},
		{"/usr/bin/python3", "-c", "import ssl, sqlite3, ctypes, decimal, hashlib, json; print(ssl.OPENSSL_VERSION[:7], json.dumps([decimal.Decimal(2).sqrt().quantize(decimal.Decimal('0.001'))], default=str))"},
	}
	for _, argv := range tests {
		t.Run(filepath.Base(argv[0])+" "+strings.Join(argv[1:], " "), func(t *testing.T) {
			got := compareWithGlibc(t, nil, argv...)
			if got.stdout == "" {
				t.Errorf("no output")
			}
		})
	}
}

// TestCompressRoundTrip: gzip and xz under ldgo compress, the other loader
// decompresses, and the bytes come back.
func TestCompressRoundTrip(t *testing.T) {
	dir := t.TempDir()
	orig, err := os.ReadFile("/usr/bin/bash")
	if err != nil {
		t.Skip(err)
	}
	for _, tool := range []string{"/usr/bin/gzip", "/usr/bin/xz"} {
		if _, err := os.Stat(tool); err != nil {
			continue
		}
		for _, order := range [][2]string{{ldgoPath, glibcLdso}, {glibcLdso, ldgoPath}} {
			f := filepath.Join(dir, "data")
			os.WriteFile(f, orig, 0o644)
			if r := run(t, nil, order[0], tool, "-k", "-f", f); r.code != 0 {
				t.Fatalf("%s %s: %d %s", order[0], tool, r.code, r.stderr)
			}
			os.Remove(f)
			ext := ".gz"
			if strings.HasSuffix(tool, "xz") {
				ext = ".xz"
			}
			if r := run(t, nil, order[1], tool, "-d", f+ext); r.code != 0 {
				t.Fatalf("%s %s -d: %d %s", order[1], tool, r.code, r.stderr)
			}
			back, _ := os.ReadFile(f)
			if string(back) != string(orig) {
				t.Errorf("%s: round trip %v changed the data", tool, order)
			}
		}
	}
}

const cxxThreads = `#include <cstdio>
#include <stdexcept>
#include <thread>
#include <vector>
#include <mutex>
#include <string>
std::mutex mu;
int total;
int main() {
	std::vector<std::thread> ts;
	for (int i = 0; i < 8; i++) ts.emplace_back([i] {
		for (int k = 0; k < 100; k++) {
			try { if (k % 3 == 0) throw std::runtime_error(std::to_string(i)); }
			catch (const std::exception &e) { std::lock_guard<std::mutex> g(mu); total += std::stoi(e.what()); }
		}
	});
	for (auto &t : ts) t.join();
	try { throw 7; } catch (int x) { printf("total %d caught %d\n", total, x); }
	return 5;
}
`

// TestGxxUnderLdgo: g++ itself runs under ldgo, compiles a C++ program
// with exceptions and threads, and the result runs under ldgo as under
// glibc.
func TestGxxUnderLdgo(t *testing.T) {
	if _, err := exec.LookPath("g++"); err != nil {
		t.Skip("no g++")
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "t.cc")
	os.WriteFile(src, []byte(cxxThreads), 0o644)
	gxx, _ := exec.LookPath("g++")
	gxx, _ = filepath.EvalSymlinks(gxx)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	out := filepath.Join(dir, "t")
	if b, err := exec.CommandContext(ctx, ldgoPath, gxx, "-O1", "-pthread", "-o", out, src).CombinedOutput(); err != nil {
		t.Fatalf("ldgo g++: %v\n%s", err, b)
	}
	got := compareWithGlibc(t, nil, out)
	if got.stdout != "total 952 caught 7\n" || got.code != 5 {
		t.Errorf("exit %d stdout %q stderr %q", got.code, got.stdout, got.stderr)
	}
}

// TestSharedTextPages: two processes of the same program under ldgo
// share their libraries' text pages through the page cache (segments
// are mapped from the file, MAP_PRIVATE): libc's r-xp mapping has
// Shared_Clean > 0 while both run.
func TestSharedTextPages(t *testing.T) {
	var cmds []*exec.Cmd
	for i := 0; i < 2; i++ {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		c := exec.CommandContext(ctx, ldgoPath, "/usr/bin/sleep", "5")
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
		cmds = append(cmds, c)
	}
	defer func() {
		for _, c := range cmds {
			c.Process.Kill()
			c.Wait()
		}
	}()
	deadline := time.Now().Add(4 * time.Second)
	for _, c := range cmds {
		var shared int
		var err error
		for time.Now().Before(deadline) {
			shared, err = libcSharedClean(c.Process.Pid)
			if err == nil && shared > 0 {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		if shared <= 0 {
			t.Errorf("pid %d: libc r-xp Shared_Clean = %d kB (%v)", c.Process.Pid, shared, err)
		}
	}
}

// libcSharedClean returns Shared_Clean (kB) of libc.so.6's executable
// mapping in /proc/PID/smaps.
func libcSharedClean(pid int) (int, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/smaps", pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	in := false
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) >= 5 && strings.Contains(fields[0], "-") {
			in = len(fields) >= 6 && fields[1] == "r-xp" && strings.HasSuffix(fields[5], "/libc.so.6")
			continue
		}
		if in && len(fields) >= 2 && fields[0] == "Shared_Clean:" {
			return strconv.Atoi(fields[1])
		}
	}
	return 0, fmt.Errorf("no libc r-xp mapping yet")
}
