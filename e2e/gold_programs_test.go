package e2e

import (
	"debug/elf"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// progSpec is one executable that gold links through gcc -B (as ld) and that
// GNU ld links from the same objects and arguments through plain gcc, so the
// two outputs can be held against each other (TestGoldMatchesGNULD,
// TestGoldElflintExecutables). Both links are done once per test binary.
type progSpec struct {
	driver  string   // gcc or g++
	sources []string // testdata files, each compiled with cflags
	cflags  []string
	ldflags []string                    // before the objects (-no-pie, -Wl,-E, ...)
	libs    func(t testing.TB) []string // inputs after the objects
	args    []string                    // the program's arguments
	env     []string                    // added to the program's environment
	needs   []string                    // system files that must exist (else skip)
	// want is the program's expected stdout file under testdata/.
	want []string
}

// pythonArchive is Debian's static CPython (non-PIC objects, so -no-pie).
var pythonArchive = archive("libpython3.11.a")

// pythonImports is the import check of the acceptance criteria.
var pythonImports = []string{"-c", `import json, sqlite3, ssl, decimal; print("ok")`}

// goldProgs are the executables of the acceptance criteria.
var goldProgs = map[string]progSpec{
	"prog2l": {driver: "gcc", sources: []string{"vector/main2.c"}, cflags: []string{"-O2"},
		libs: func(t testing.TB) []string { return []string{shared(t, "vector")} },
		want: []string{"vector", "expected.txt"}},
	// Debian's gcc is configured with --enable-default-pie, so -no-pie makes
	// non-PIC objects and ET_EXEC links.
	"python": {driver: "gcc", sources: []string{"python/pymain.c"},
		cflags:  []string{"-I/usr/include/python3.11"},
		ldflags: []string{"-no-pie", "-Wl,-E"},
		libs: func(testing.TB) []string {
			return []string{pythonArchive, "-lexpat", "-lz", "-lm"}
		},
		args: pythonImports, env: pythonEnv,
		needs: []string{"/usr/include/python3.11/Python.h", pythonArchive,
			archive("libexpat.so"), archive("libz.so"), "/usr/lib/python3.11/json/__init__.py"},
		want: []string{"python", "expected.txt"}},
}

func init() {
	for _, k := range outputKinds {
		needs := []string(nil)
		if strings.HasPrefix(k.flag, "-static") {
			needs = []string{archive("libc.a")}
		}
		goldProgs["hello-c"+k.flag] = progSpec{driver: "gcc", sources: []string{"hello/hello.c"},
			cflags: []string{"-O2", k.flag}, ldflags: []string{k.flag}, needs: needs,
			want: []string{"hello", "expected_c.txt"}}
		goldProgs["copyreloc"+k.flag] = progSpec{driver: "gcc",
			sources: []string{"copyreloc/main.c", "copyreloc/other.c"},
			cflags:  []string{"-O2", k.flag}, ldflags: []string{k.flag}, needs: needs,
			args: []string{"-a", "-b", "value", "rest"},
			want: []string{"copyreloc", "expected.txt"}}
	}
	for _, k := range outputKinds[:2] {
		goldProgs["hello-c++"+k.flag] = progSpec{driver: "g++", sources: []string{"hello/hello.cpp"},
			cflags: []string{"-O2", k.flag}, ldflags: []string{k.flag},
			want: []string{"hello", "expected_cpp.txt"}}
		goldProgs["cxx"+k.flag] = progSpec{driver: "g++", sources: []string{"cxx/main.cpp"},
			cflags: []string{"-O2", k.flag}, ldflags: []string{k.flag},
			libs: func(t testing.TB) []string { return []string{shared(t, "cxx")} },
			want: []string{"cxx", "expected.txt"}}
		goldProgs["cxxthreads"+k.flag] = progSpec{driver: "g++", sources: []string{"cxx/threads_main.cpp"},
			cflags: []string{"-O2", k.flag}, ldflags: []string{k.flag},
			libs: func(t testing.TB) []string { return []string{shared(t, "cxxthreads")} },
			want: []string{"cxx", "threads_expected.txt"}}
	}
}

// pythonEnv makes the relinked interpreter independent of the caller's
// Python setup: CPython ignores PYTHON* variables that are set but empty, and
// must not write bytecode into /usr/lib/python3.11.
var pythonEnv = []string{"PYTHONHOME=", "PYTHONPATH=", "PYTHONSTARTUP=", "PYTHONNOUSERSITE=1",
	"PYTHONDONTWRITEBYTECODE=1"}

// goldProgNames lists goldProgs in a stable order.
func goldProgNames() []string {
	var names []string
	for n := range goldProgs {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func progSpecNamed(t testing.TB, name string) progSpec {
	t.Helper()
	s, ok := goldProgs[name]
	require.True(t, ok, "no program spec %q", name)
	needFiles(t, s.needs...)
	return s
}

// progObjects compiles a program's sources once and returns the objects.
func progObjects(t testing.TB, name string) []string {
	t.Helper()
	s := progSpecNamed(t, name)
	dir := filepath.Join(cacheDir, "prog-"+name, "obj")
	var objs []string
	for _, f := range s.sources {
		objs = append(objs, objName(dir, f))
	}
	_, err := once("progobj:"+name, func() (string, error) {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return "", err
		}
		for i, f := range s.sources {
			args := append(append([]string{}, s.cflags...), "-c", src(f), "-o", objs[i])
			if err := step(runOpts{dir: dir}, s.driver, args...); err != nil {
				return "", err
			}
		}
		return dir, nil
	})
	require.NoError(t, err)
	return objs
}

// Linkers of linkedProg.
const (
	byGold  = "gold"  // gcc -B DIR/libexec/gold/: gold as ld
	byGNULD = "gnuld" // gcc -fuse-ld=bfd: GNU ld
)

// progLinkArgs is the driver command line that links a program into out
// (without the linker choice).
func progLinkArgs(t testing.TB, name, out string) []string {
	t.Helper()
	s := progSpecNamed(t, name)
	args := append(append([]string{}, s.ldflags...), "-o", out)
	args = append(args, progObjects(t, name)...)
	if s.libs != nil {
		args = append(args, s.libs(t)...)
	}
	return args
}

// linkedProg returns the program linked by gold or by GNU ld, linking it on
// first use.
func linkedProg(t testing.TB, name, linker string) string {
	t.Helper()
	s := progSpecNamed(t, name)
	dir := filepath.Join(cacheDir, "prog-"+name, linker)
	out := filepath.Join(dir, "prog")
	args := progLinkArgs(t, name, out)
	var b string
	if linker == byGold {
		b = goldBDir(t)
	}
	path, err := once("prog:"+linker+":"+name, func() (string, error) {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return "", err
		}
		if linker == byGNULD {
			return out, step(runOpts{dir: dir, timeout: linkTimeout}, s.driver, append([]string{"-fuse-ld=bfd"}, args...)...)
		}
		if err := checkDriverUsesGold(s.driver, dir, b); err != nil {
			return "", err
		}
		r := execute(runOpts{dir: dir, timeout: linkTimeout}, s.driver, append([]string{"-B", b}, args...)...)
		if !r.ok() {
			return "", fmt.Errorf("link with gold failed:\n%s", r)
		}
		if r.stderr != "" {
			return "", fmt.Errorf("gold printed diagnostics for a link GNU ld does silently:\n%s", r)
		}
		// gold writes a temporary file beside the output and renames it.
		if err := requireOnlyFiles(dir, "prog"); err != nil {
			return "", err
		}
		return out, nil
	})
	require.NoError(t, err)
	return path
}

// checkDriverUsesGold makes sure gcc -B b really runs gold as ld, or a test
// comparing gold with GNU ld would compare GNU ld with itself.
func checkDriverUsesGold(driver, dir, b string) error {
	r := execute(runOpts{dir: dir}, driver, "-B", b, "-print-prog-name=ld")
	if !r.ok() || strings.TrimSpace(r.stdout) != filepath.Join(b, "ld") {
		return fmt.Errorf("%s -B %s does not pick gold as ld:\n%s", driver, b, r)
	}
	return nil
}

// requireOnlyFiles checks that dir holds exactly the named entries.
func requireOnlyFiles(dir string, names ...string) error {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	var got []string
	for _, e := range ents {
		got = append(got, e.Name())
	}
	want := append([]string{}, names...)
	sort.Strings(want)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		return fmt.Errorf("%s holds %q, want exactly %q (a leftover temporary file?)", dir, got, want)
	}
	return nil
}

// runProg runs a linked program with its spec's arguments and environment.
func runProg(t testing.TB, name, path string) result {
	t.Helper()
	s := progSpecNamed(t, name)
	env := append(append([]string{}, s.env...), "TMPDIR="+t.TempDir())
	return run(t, runOpts{dir: filepath.Dir(path), env: env, timeout: linkTimeout}, path, s.args...)
}

// dynSym is one .dynsym entry as another module (or the loader) sees it.
type dynSym struct {
	key  string // everything compared, as text
	name string
	und  bool
	bind elf.SymBind
}

// dynSyms returns a file's non-local dynamic symbols, defined and undefined,
// sorted by key; none when it has no .dynsym (static executables).
func dynSyms(t testing.TB, path string) []dynSym {
	t.Helper()
	syms, err := openELF(t, path).DynamicSymbols()
	if err == elf.ErrNoSymbols {
		return nil
	}
	require.NoError(t, err, "%s: reading .dynsym", path)
	var out []dynSym
	for _, s := range syms {
		bind := elf.ST_BIND(s.Info)
		if bind == elf.STB_LOCAL {
			continue
		}
		e := exportedSym{Name: s.Name, Type: elf.ST_TYPE(s.Info), Bind: bind, Vis: elf.ST_VISIBILITY(s.Other)}
		if s.HasVersion {
			e.Version, e.Hidden = s.Version, s.VersionIndex.IsHidden()
		}
		d := dynSym{name: s.Name, und: s.Section == elf.SHN_UNDEF, bind: bind}
		if d.und {
			d.key = "UND " + e.String()
			if s.Library != "" {
				d.key += " from " + s.Library
			}
		} else {
			e.Size = s.Size
			d.key = "DEF " + e.String()
		}
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].key < out[j].key })
	return out
}

// dynSymKeys returns the keys of dynSyms.
func dynSymKeys(syms []dynSym) []string {
	var keys []string
	for _, s := range syms {
		keys = append(keys, s.key)
	}
	return keys
}

// versionNeeds returns .gnu.version_r as "file: version" lines, sorted.
func versionNeeds(t testing.TB, path string) []string {
	t.Helper()
	f := openELF(t, path)
	if f.SectionByType(elf.SHT_GNU_VERNEED) == nil {
		return nil
	}
	needs, err := f.DynamicVersionNeeds()
	require.NoError(t, err, "%s: reading .gnu.version_r", path)
	var out []string
	for _, n := range needs {
		for _, d := range n.Needs {
			line := n.Name + ": " + d.Dep
			if d.Flags != 0 {
				line += fmt.Sprintf(" (flags %#x)", uint16(d.Flags))
			}
			out = append(out, line)
		}
	}
	sort.Strings(out)
	return out
}
