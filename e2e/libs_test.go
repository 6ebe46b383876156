package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// libSpec is one shared library that several tests use: built once with
// gshared (shared) and, for comparison, once with GNU ld through
// `gcc -shared -fuse-ld=bfd` (reference), from the very same objects and
// arguments, so gcc adds the same C runtime files gshared adds by itself.
type libSpec struct {
	out     string   // output file name
	cxx     bool     // C++ objects: gshared adds -lstdc++ -lm; the reference uses g++
	sources []string // testdata files compiled with -O2 -fpic, in order
	flags   []string // extra compiler flags (after -O2 -fpic, so they win)
	args    []string // gshared arguments after the objects ("@DIR" is the testdata dir)
	needs   []string // system files that must exist (else the test skips)
	// silent is false for links GNU ld cannot do (non-PIC archives), where a
	// linker may reasonably warn, e.g. about text relocations.
	silent bool
}

func archive(name string) string { return filepath.Join(libDir, name) }

// wholeArchive links every member of a Debian static library into the
// shared object. -Bsymbolic binds the library's references to its own
// definitions, which the archives' -fPIE code needs in a shared object.
func wholeArchive(a string, libs ...string) []string {
	return append([]string{"-Bsymbolic", "--whole-archive", archive(a), "--no-whole-archive"}, libs...)
}

var libSpecs = map[string]libSpec{
	"vector": {out: "libvector.so", silent: true,
		sources: []string{"vector/addvec.c", "vector/multvec.c"}},
	"vector-versioned": {out: "libvector.so", silent: true,
		sources: []string{"vector/addvec.c", "vector/multvec.c"},
		args:    []string{"--version-script", "@DIR/vector/vector.map"}},
	// sqlite's math functions need libm; glibc 2.34+ has pthread and dl in libc.
	"sqlite": {out: "libsqlite3.so", silent: true, args: wholeArchive("libsqlite3.a", "-lm"),
		needs: []string{archive("libsqlite3.a"), "/usr/include/sqlite3.h"}},
	"zlib": {out: "libz.so", silent: true, args: wholeArchive("libz.a"),
		needs: []string{archive("libz.a"), "/usr/include/zlib.h"}},
	"crypto": {out: "libcrypto.so", silent: true, args: wholeArchive("libcrypto.a"),
		needs: []string{archive("libcrypto.a"), "/usr/include/openssl/evp.h"}},
	// liblua5.4.a and libzstd.a hold non-PIC references to libc's stdin,
	// stdout and stderr (R_X86_64_PC32), which GNU ld, gold, lld and mold all
	// refuse in a shared object: no reference build for these two.
	"lua": {out: "liblua.so", args: wholeArchive("liblua5.4.a", "-lm"),
		needs: []string{archive("liblua5.4.a"), "/usr/include/lua5.4/lua.h"}},
	"zstd": {out: "libzstd.so", args: wholeArchive("libzstd.a"),
		needs: []string{archive("libzstd.a"), "/usr/include/zstd.h"}},
	"cxx": {out: "libcxxtest.so", cxx: true, silent: true, sources: []string{"cxx/lib.cpp"}},
	"cxxthreads": {out: "libcxxthreads.so", cxx: true, silent: true,
		sources: []string{"cxx/threads_lib.cpp"}},
}

// tlsVariants are the ways libtlstest.so's code can access TLS: each needs
// different relocations and GOT entries from the linker.
var tlsVariants = []struct{ name, flag string }{
	{"default", ""}, // global-dynamic (__tls_get_addr), local-dynamic for statics
	{"initial-exec", "-ftls-model=initial-exec"},
	{"tlsdesc", "-mtls-dialect=gnu2"},
	{"local-dynamic", "-ftls-model=local-dynamic"},
}

var tlsOpts = []string{"-O0", "-O2"}

// tlsSpecName names the libtlstest.so build for a TLS variant and -O level.
func tlsSpecName(variant, opt string) string { return "tls-" + variant + opt }

func init() {
	for _, v := range tlsVariants {
		for _, opt := range tlsOpts {
			flags := []string{opt}
			if v.flag != "" {
				flags = append(flags, v.flag)
			}
			libSpecs[tlsSpecName(v.name, opt)] = libSpec{out: "libtlstest.so", silent: true,
				sources: []string{"tls/tlslib.c"}, flags: flags}
		}
	}
}

func spec(t testing.TB, name string) libSpec {
	t.Helper()
	s, ok := libSpecs[name]
	require.True(t, ok, "no library spec %q", name)
	needFiles(t, s.needs...)
	return s
}

// objects compiles a spec's sources once and returns the objects' paths.
func objects(t testing.TB, name string) []string {
	t.Helper()
	s := spec(t, name)
	dir := filepath.Join(cacheDir, name, "obj")
	_, err := once("obj:"+name, func() (string, error) {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return "", err
		}
		for _, f := range s.sources {
			driver := "gcc"
			if s.cxx {
				driver = "g++"
			}
			args := append([]string{"-O2", "-fpic", "-c", src(f), "-o", objName(dir, f)}, s.flags...)
			if err := step(runOpts{dir: dir}, driver, args...); err != nil {
				return "", err
			}
		}
		return dir, nil
	})
	require.NoError(t, err)
	var objs []string
	for _, f := range s.sources {
		objs = append(objs, objName(dir, f))
	}
	return objs
}

func objName(dir, source string) string {
	base := filepath.Base(source)
	return filepath.Join(dir, base[:len(base)-len(filepath.Ext(base))]+".o")
}

// linkArgs is the argument list (without -o) for a spec: objects, then args.
func linkArgs(t testing.TB, name string) []string {
	t.Helper()
	s := spec(t, name)
	args := objects(t, name)
	for _, a := range s.args {
		if len(a) > 4 && a[:4] == "@DIR" {
			a = src(a[5:])
		}
		args = append(args, a)
	}
	return args
}

// shared returns the library built by gshared, building it on first use.
func shared(t testing.TB, name string) string {
	t.Helper()
	s := spec(t, name)
	args := linkArgs(t, name)
	gs := tool(t, "gshared")
	path, err := once("gshared:"+name, func() (string, error) {
		dir := filepath.Join(cacheDir, name, "gshared")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return "", err
		}
		out := filepath.Join(dir, s.out)
		r := execute(runOpts{dir: dir, timeout: linkTimeout}, gs, append([]string{"-o", out}, args...)...)
		if !r.ok() {
			return "", fmt.Errorf("gshared failed:\n%s", r)
		}
		if s.silent && r.stderr != "" {
			return "", fmt.Errorf("gshared printed diagnostics for a link GNU ld does silently:\n%s", r)
		}
		return out, nil
	})
	require.NoError(t, err)
	return path
}

// reference returns the same library linked by GNU ld (ld.bfd) through the
// gcc driver, which adds crti.o, crtbeginS.o, crtendS.o, crtn.o, libgcc and
// libc around the arguments exactly as gshared does under its own name.
func reference(t testing.TB, name string) string {
	t.Helper()
	s := spec(t, name)
	args := linkArgs(t, name)
	path, err := once("gnuld:"+name, func() (string, error) {
		dir := filepath.Join(cacheDir, name, "gnuld")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return "", err
		}
		out := filepath.Join(dir, s.out)
		driver := "gcc"
		if s.cxx {
			driver = "g++"
		}
		gccArgs := []string{"-shared", "-fuse-ld=bfd", "-o", out}
		for _, a := range args {
			// -Xlinker keeps every argument, inputs included, in its place.
			gccArgs = append(gccArgs, "-Xlinker", a)
		}
		if err := step(runOpts{dir: dir, timeout: linkTimeout}, driver, gccArgs...); err != nil {
			return "", err
		}
		return out, nil
	})
	require.NoError(t, err)
	return path
}
