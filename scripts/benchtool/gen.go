package main

// The generated workload: many objects that call each other across files,
// with C++ templates instantiated in several translation units (so COMDAT
// group deduplication matters) and -g debug info (so the linker has to copy
// large, relocation-heavy sections, as in real builds).
//
// Unit i only ever refers to units j < i, so the first N units of the largest
// set are a closed program on their own: the scaling series and -quick reuse
// the same sources and objects, and only the tiny entry files depend on N.

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

const (
	// genVersion names the cache directory: bump it whenever the generated
	// text or the compiler flags change, so stale objects are never reused.
	genVersion = 1
	// funcsPerUnit is the "× 50 functions" of the workload.
	funcsPerUnit = 50
	// Every cppEvery-th unit is C++ and includes the shared template header.
	cppEvery = 4
	// entryDepth bounds the call recursion when the program runs: each
	// function calls two others, so a run makes about 2^entryDepth calls.
	entryDepth = 6
)

// genModes are the two ways each unit is compiled: -fpic for the shared
// library, -fpie for the executables.
var genModes = map[string]string{"pic": "-fpic", "pie": "-fpie"}

// genDir is the cache for one generator version.
func genDir(work string) string {
	return filepath.Join(work, fmt.Sprintf("gen-v%d", genVersion))
}

func unitName(i int) string {
	if i%cppEvery == cppEvery-1 {
		return fmt.Sprintf("u%04d.cc", i)
	}
	return fmt.Sprintf("u%04d.c", i)
}

// unitObject is the object of unit i compiled in mode ("pic" or "pie"),
// relative to genDir: link command lines stay short and readable.
func unitObject(mode string, i int) string {
	return filepath.Join(mode, fmt.Sprintf("u%04d.o", i))
}

// mix is a small deterministic hash choosing call targets, so the call graph
// is spread over all earlier units rather than a simple chain.
func mix(i, k int) int {
	h := uint32(i)*2654435761 ^ uint32(k)*40503
	h ^= h >> 13
	h *= 0x5bd1e995
	h ^= h >> 15
	return int(h & 0x7fffffff)
}

// callTarget is the function in an earlier unit that function k of unit i
// calls (i > 0).
func callTarget(i, k int) (unit, fn int) {
	h := mix(i, k)
	return h % i, (h / i) % funcsPerUnit
}

// templateHeader is included by every C++ unit. Its instantiations are
// emitted as COMDAT groups in each unit that uses them; noinline keeps them
// out-of-line at -O1, and the virtual class adds vtables and typeinfo (also
// COMDAT) with references into libstdc++.
const templateHeader = `// generated: templates shared by the C++ units
#pragma once
namespace bench {
template <typename T> struct Vec {
	T data[8];
	int n = 0;
	__attribute__((noinline)) void push(T v) { if (n < 8) data[n++] = v; }
	__attribute__((noinline)) T sum() const { T s = T(); for (int i = 0; i < n; i++) s += data[i]; return s; }
};
template <typename T, int K> __attribute__((noinline)) T scale(T x) { return x * K + (x >> 1); }
template <typename T> __attribute__((noinline)) T accumulate(int d) {
	Vec<T> v;
	for (int i = 0; i < d; i++) v.push(scale<T, 3>(T(i)));
	return v.sum();
}
struct Base {
	virtual ~Base() {}
	virtual int get(int x) const = 0;
};
template <typename T> struct Impl : Base {
	T bias;
	explicit Impl(T b) : bias(b) {}
	__attribute__((noinline)) int get(int x) const override { return int(scale<T, 5>(T(x)) + bias); }
};
template <typename T> __attribute__((noinline)) int viaBase(int x) {
	Impl<T> impl(T(7));
	const Base &b = impl;
	return b.get(x);
}
}  // namespace bench
`

// unitSource is the text of unit i.
func unitSource(i int) []byte {
	cpp := i%cppEvery == cppEvery-1
	var b bytes.Buffer
	fmt.Fprintf(&b, "/* generated: unit %d */\n", i)
	if cpp {
		b.WriteString("#include \"bench.h\"\n#define EXTERN extern \"C\"\n")
	} else {
		b.WriteString("#define EXTERN extern\n")
	}
	// Declare only what this unit uses: a header declaring every function
	// would make compilation quadratic.
	for k := 0; k < funcsPerUnit && i > 0; k++ {
		j, m := callTarget(i, k)
		fmt.Fprintf(&b, "EXTERN int f_%d_%d(int);\n", j, m)
		if k%10 == 0 {
			fmt.Fprintf(&b, "EXTERN int g_%d[16];\n", j)
		}
	}
	for k := 0; k < funcsPerUnit; k++ {
		fmt.Fprintf(&b, "EXTERN int f_%d_%d(int);\n", i, k)
	}
	fmt.Fprintf(&b, "EXTERN int g_%d[16];\nint g_%d[16] = {%d, %d, %d};\n", i, i, i, i+1, i+2)
	// Strings repeated in every unit: mergeable .rodata.str sections that
	// the linker deduplicates across objects.
	fmt.Fprintf(&b, "EXTERN int bench_log(const char *);\n")
	fmt.Fprintf(&b, "static int note(const char *s) { int n = 0; while (*s) n += *s++; return n; }\n")
	for k := 0; k < funcsPerUnit; k++ {
		fmt.Fprintf(&b, "int f_%d_%d(int d) {\n", i, k)
		fmt.Fprintf(&b, "\tint acc = %d + g_%d[%d];\n", k, i, k%16)
		fmt.Fprintf(&b, "\tif (d <= 0) return acc + note(\"leaf %d\");\n", k%8)
		if k == 0 {
			b.WriteString("\tif (d > 1000) bench_log(\"depth out of range\");\n")
		}
		fmt.Fprintf(&b, "\tfor (int t = 0; t < (d & 3); t++) acc = acc * 31 + t;\n")
		if k+1 < funcsPerUnit && k%2 == 0 {
			fmt.Fprintf(&b, "\tacc += f_%d_%d(d - 1);\n", i, k+1)
		}
		if i > 0 {
			j, m := callTarget(i, k)
			fmt.Fprintf(&b, "\tacc += f_%d_%d(d - 1);\n", j, m)
			if k%10 == 0 {
				fmt.Fprintf(&b, "\tacc += g_%d[%d];\n", j, k%16)
			}
		}
		if cpp {
			switch k % 4 {
			case 0:
				b.WriteString("\tacc += bench::accumulate<int>(d) + int(bench::accumulate<long>(d));\n")
			case 1:
				fmt.Fprintf(&b, "\tacc += bench::scale<int, %d>(d) + bench::viaBase<short>(d);\n", k%8)
			case 2:
				b.WriteString("\tacc += bench::viaBase<int>(d) + bench::viaBase<long>(d);\n")
			case 3:
				b.WriteString("\tacc += int(bench::accumulate<unsigned>(d));\n")
			}
		}
		b.WriteString("\treturn acc;\n}\n")
	}
	return b.Bytes()
}

// entrySource calls into the last of n units. For the executables it is
// main (printing the result, which the check compares across linkers); for
// the shared library it is gen_entry, called by the dlopen checker. It also
// defines bench_log, which every unit references (a call that never runs).
func entrySource(n int, exe bool) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "/* generated: entry for %d units */\n#include <stdio.h>\n", n)
	fmt.Fprintf(&b, "extern int f_%d_0(int);\n", n-1)
	b.WriteString("int bench_log(const char *s) { return puts(s); }\n")
	if exe {
		fmt.Fprintf(&b, "int main(void) { printf(\"%%d\\n\", f_%d_0(%d)); return 0; }\n", n-1, entryDepth)
	} else {
		fmt.Fprintf(&b, "long gen_entry(void) { return f_%d_0(%d); }\n", n-1, entryDepth)
	}
	return b.Bytes()
}

// writeIfChanged writes data atomically (temp file + rename), and leaves the
// file alone when it already has that content so its objects stay valid.
func writeIfChanged(path string, data []byte) error {
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, data) {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp := fmt.Sprintf("%s.tmp%d", path, os.Getpid())
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// compileJob is one compiler invocation producing out from src.
type compileJob struct {
	src, out string
	flags    []string
}

// prepareGen makes sure units 0..n-1 exist as sources and as objects in both
// modes, plus the entry objects for n, and returns genDir. Objects already in
// the cache are kept, so only the first run pays for compilation.
func prepareGen(work string, n int, log func(string, ...any)) (string, error) {
	dir := genDir(work)
	if err := writeIfChanged(filepath.Join(dir, "src", "bench.h"), []byte(templateHeader)); err != nil {
		return "", err
	}
	var jobs []compileJob
	for i := 0; i < n; i++ {
		src := filepath.Join(dir, "src", unitName(i))
		if err := writeIfChanged(src, unitSource(i)); err != nil {
			return "", err
		}
		for mode, flag := range genModes {
			out := filepath.Join(dir, unitObject(mode, i))
			if _, err := os.Stat(out); err == nil {
				continue
			}
			jobs = append(jobs, compileJob{src: src, out: out, flags: []string{"-g", "-O1", flag}})
		}
	}
	for _, exe := range []bool{false, true} {
		mode, flag := "pic", "-fpic"
		if exe {
			mode, flag = "pie", "-fpie"
		}
		src := filepath.Join(dir, fmt.Sprintf("n%d", n), mode, "entry.c")
		if err := writeIfChanged(src, entrySource(n, exe)); err != nil {
			return "", err
		}
		out := filepath.Join(dir, entryObject(n, mode))
		if _, err := os.Stat(out); err != nil {
			jobs = append(jobs, compileJob{src: src, out: out, flags: []string{"-g", "-O1", flag}})
		}
	}
	if len(jobs) > 0 {
		log("gen: compiling %d objects (N=%d) with %d jobs, cached in %s", len(jobs), n, runtime.NumCPU(), dir)
		if err := compileAll(jobs, log); err != nil {
			return "", err
		}
	}
	return dir, nil
}

// entryObject is the entry object for n units in mode, relative to genDir.
func entryObject(n int, mode string) string {
	return filepath.Join(fmt.Sprintf("n%d", n), mode, "entry.o")
}

// compileAll runs the jobs on one worker per CPU (the machine has only two,
// so this is what bounds a fresh run) and prints progress every few seconds.
func compileAll(jobs []compileJob, log func(string, ...any)) error {
	var (
		next, done atomic.Int64
		firstErr   error
		errOnce    sync.Once
		wg         sync.WaitGroup
	)
	start := time.Now()
	stop := make(chan struct{})
	go func() {
		t := time.NewTicker(10 * time.Second)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				log("gen: %d/%d objects compiled (%s)", done.Load(), len(jobs), time.Since(start).Round(time.Second))
			}
		}
	}()
	for w := 0; w < runtime.NumCPU(); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				k := int(next.Add(1)) - 1
				if k >= len(jobs) {
					return
				}
				if err := compileOne(jobs[k]); err != nil {
					errOnce.Do(func() { firstErr = err })
					return
				}
				done.Add(1)
			}
		}()
	}
	wg.Wait()
	close(stop)
	if firstErr != nil {
		return firstErr
	}
	log("gen: %d objects compiled in %s", len(jobs), time.Since(start).Round(time.Second))
	return nil
}

// compileOne compiles into a temporary name and renames, so an interrupted
// run never leaves a truncated object that the cache would trust.
func compileOne(j compileJob) error {
	if err := os.MkdirAll(filepath.Dir(j.out), 0o755); err != nil {
		return err
	}
	driver := "gcc"
	if filepath.Ext(j.src) == ".cc" {
		driver = "g++"
	}
	tmp := fmt.Sprintf("%s.tmp%d", j.out, os.Getpid())
	args := append(append([]string{}, j.flags...), "-c", j.src, "-o", tmp)
	if out, err := exec.Command(driver, args...).CombinedOutput(); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("%s %v: %v\n%s", driver, args, err, out)
	}
	return os.Rename(tmp, j.out)
}
