package main

// The workloads: what each one compiles, which gcc/g++ link it captures, and
// how an output is checked to run or load.

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// libDir is where Debian's -dev packages put the static libraries.
const libDir = "/usr/lib/x86_64-linux-gnu"

// env is what the workloads share: the cache directory and the size of the
// generated workload.
type env struct {
	work string // cache and scratch directory
	genN int    // units in gen-so/gen-pie; the scaling series is genN/8 × 1, 2, 4, 8
	log  func(string, ...any)
}

// driverCmd is a gcc or g++ invocation whose link step is captured. Its args
// name the output with "-o", which is replaced for each linker.
type driverCmd struct {
	dir    string
	driver string
	args   []string
}

// Workload is one link to benchmark.
type Workload struct {
	Name string
	// Ext is the output's suffix, so outputs are easy to tell apart on disk.
	Ext string
	// build compiles what the link needs and says how gcc would link it.
	build func(e *env) (*driverCmd, error)
	// check runs or loads an output and returns what it printed; the harness
	// also compares that text across linkers.
	check func(e *env, output string) (string, error)
}

// allWorkloads in the order of the report.
func allWorkloads() []*Workload {
	ws := []*Workload{
		archiveSO("sqlite-so", "libsqlite3.a", true, "sqlite3_libversion_number"),
		archiveSO("zlib-so", "libz.a", true, "zlibCompileFlags"),
		// libcrypto's objects are PIC already, so it links without -Bsymbolic.
		archiveSO("crypto-so", "libcrypto.a", false, "OpenSSL_version_num"),
		luaPIE(),
		pythonNoPIE(),
		genSO(),
		genPIE("gen-pie", 8),
	}
	for _, k := range []int{1, 2, 4, 8} {
		ws = append(ws, genPIE(fmt.Sprintf("scale-%dx", k), k))
	}
	return ws
}

// archiveSO is a shared library made of a whole Debian static library.
func archiveSO(name, lib string, symbolic bool, probe string) *Workload {
	return &Workload{
		Name: name,
		Ext:  ".so",
		build: func(e *env) (*driverCmd, error) {
			a := filepath.Join(libDir, lib)
			if _, err := os.Stat(a); err != nil {
				return nil, fmt.Errorf("%s is missing (install its -dev package): %w", a, err)
			}
			args := []string{"-shared"}
			if symbolic {
				args = append(args, "-Wl,-Bsymbolic")
			}
			args = append(args, "-Wl,--whole-archive", a, "-Wl,--no-whole-archive", "-lm", "-o", name+".so")
			return &driverCmd{dir: scratch(e, name), driver: "gcc", args: args}, nil
		},
		check: func(e *env, out string) (string, error) {
			return dlcheck(e, out, probe)
		},
	}
}

// luaMain embeds Lua: each argument is a chunk to run.
const luaMain = `/* benchtool: a minimal Lua interpreter */
#include <stdio.h>
#include <lua.h>
#include <lualib.h>
#include <lauxlib.h>
int main(int argc, char **argv) {
	lua_State *L = luaL_newstate();
	luaL_openlibs(L);
	for (int i = 1; i < argc; i++)
		if (luaL_dostring(L, argv[i]) != LUA_OK) {
			fprintf(stderr, "lua: %s\n", lua_tostring(L, -1));
			return 1;
		}
	lua_close(L);
	return 0;
}
`

func luaPIE() *Workload {
	return &Workload{
		Name: "lua-pie",
		build: func(e *env) (*driverCmd, error) {
			dir := scratch(e, "lua-pie")
			if err := compileSource(dir, "main.c", luaMain, "gcc", "-O2", "-fpie", "-I/usr/include/lua5.4"); err != nil {
				return nil, err
			}
			return &driverCmd{dir: dir, driver: "gcc", args: []string{"-pie", "-o", "lua", "main.o", filepath.Join(libDir, "liblua5.4.a"), "-lm"}}, nil
		},
		check: func(e *env, out string) (string, error) {
			// Touches the string, table and math libraries, not just print.
			return runOutput(out, `local t = {} for i = 1, 100 do t[i] = (i * 7) % 13 end table.sort(t) print(#t, t[1], t[100], string.format("%.3f", math.pi))`)
		},
	}
}

const pyMain = "#include <Python.h>\nint main(int c, char **v) { return Py_BytesMain(c, v); }\n"

func pythonNoPIE() *Workload {
	return &Workload{
		Name: "python-nopie",
		build: func(e *env) (*driverCmd, error) {
			dir := scratch(e, "python-nopie")
			if err := compileSource(dir, "pymain.c", pyMain, "gcc", "-O2", "-I/usr/include/python3.11"); err != nil {
				return nil, err
			}
			return &driverCmd{dir: dir, driver: "gcc", args: []string{"-no-pie", "-Wl,-E", "-o", "python", "pymain.o",
				filepath.Join(libDir, "libpython3.11.a"), "-lexpat", "-lz", "-lm"}}, nil
		},
		check: func(e *env, out string) (string, error) {
			// _ctypes and _json are extension modules in lib-dynload: they
			// load only if the executable exports the C API (-E).
			return runOutput(out, "-I", "-c", `import _ctypes, _json, zlib, pyexpat; print(zlib.crc32(b"gold"), _json.encode_basestring("x"), pyexpat.EXPAT_VERSION)`)
		},
	}
}

func genSO() *Workload {
	return &Workload{
		Name: "gen-so",
		Ext:  ".so",
		build: func(e *env) (*driverCmd, error) {
			dir, err := prepareGen(e.work, e.genN, e.log)
			if err != nil {
				return nil, err
			}
			args := []string{"-shared", "-o", "gen.so", entryObject(e.genN, "pic")}
			for i := 0; i < e.genN; i++ {
				args = append(args, unitObject("pic", i))
			}
			return &driverCmd{dir: dir, driver: "g++", args: args}, nil
		},
		check: func(e *env, out string) (string, error) {
			return dlcheck(e, out, "gen_entry")
		},
	}
}

// genPIE links the generated workload at eighths of genN: 8 is gen-pie and
// the largest step of the scaling series.
func genPIE(name string, eighths int) *Workload {
	return &Workload{
		Name: name,
		build: func(e *env) (*driverCmd, error) {
			n := max(1, e.genN*eighths/8)
			dir, err := prepareGen(e.work, n, e.log)
			if err != nil {
				return nil, err
			}
			args := []string{"-pie", "-o", "gen", entryObject(n, "pie")}
			for i := 0; i < n; i++ {
				args = append(args, unitObject("pie", i))
			}
			return &driverCmd{dir: dir, driver: "g++", args: args}, nil
		},
		check: func(e *env, out string) (string, error) {
			return runOutput(out)
		},
	}
}

// scratch is a workload's own directory in the cache.
func scratch(e *env, name string) string {
	return filepath.Join(e.work, "build", name)
}

// compileSource writes src into dir and compiles it to the matching .o.
func compileSource(dir, name, src, driver string, flags ...string) error {
	path := filepath.Join(dir, name)
	if err := writeIfChanged(path, []byte(src)); err != nil {
		return err
	}
	obj := strings.TrimSuffix(path, filepath.Ext(path)) + ".o"
	return compileOne(compileJob{src: path, out: obj, flags: flags})
}

// dlcheckSource loads a library with every symbol bound now (so a missing or
// wrong relocation fails here, not later) and calls probe functions that
// take no arguments and return an integer.
const dlcheckSource = `/* benchtool: dlopen a library and call functions in it */
#include <dlfcn.h>
#include <stdio.h>
int main(int argc, char **argv) {
	void *h = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
	if (!h) { fprintf(stderr, "dlopen: %s\n", dlerror()); return 1; }
	for (int i = 2; i < argc; i++) {
		long (*f)(void) = (long (*)(void))dlsym(h, argv[i]);
		if (!f) { fprintf(stderr, "dlsym %s: %s\n", argv[i], dlerror()); return 1; }
		printf("%s=%ld\n", argv[i], f());
	}
	return 0;
}
`

// dlcheck loads lib with the checker (built on first use) and calls probe.
func dlcheck(e *env, lib string, probe string) (string, error) {
	dir := filepath.Join(e.work, "build", "dlcheck")
	bin := filepath.Join(dir, "dlcheck")
	if _, err := os.Stat(bin); err != nil {
		src := filepath.Join(dir, "dlcheck.c")
		if err := writeIfChanged(src, []byte(dlcheckSource)); err != nil {
			return "", err
		}
		if out, err := exec.Command("gcc", "-o", bin, src).CombinedOutput(); err != nil {
			return "", fmt.Errorf("building dlcheck: %v\n%s", err, out)
		}
	}
	abs, err := filepath.Abs(lib)
	if err != nil {
		return "", err
	}
	return runOutput(bin, abs, probe)
}

// runOutput runs a program and returns its standard output; a failure
// carries the standard error, which says what went wrong. A badly linked
// program may hang rather than crash, hence the time limit.
func runOutput(prog string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, prog, args...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return string(out), fmt.Errorf("%s: %v: %s", filepath.Base(prog), err, firstLines(stderr.String(), 5))
	}
	return string(out), nil
}

// firstLines keeps error text short enough for a table cell or a log line.
func firstLines(s string, n int) string {
	lines := strings.SplitN(strings.TrimSpace(s), "\n", n+1)
	if len(lines) > n {
		lines = append(lines[:n], "...")
	}
	return strings.Join(lines, " | ")
}
