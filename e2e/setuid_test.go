package e2e

import (
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// setuidSources: a program that prints its real and effective uid and calls
// hello() from libhello.so (found through an absolute RUNPATH, which secure
// mode keeps); evil.c is both the LD_PRELOAD object and the libhello.so of
// the directory LD_LIBRARY_PATH names: whatever of it is loaded prints EVIL.
// It is also libpreplain.so in the RUNPATH directory, which a secure
// process may not preload because it is not set-user-ID; suidpre.c is the
// set-user-ID libpresuid.so beside it, which it may.
var setuidSources = map[string]string{
	"main.c": "#include <stdio.h>\n#include <stdlib.h>\n#include <unistd.h>\nvoid hello(void);\n" +
		"static const char *const unsafe[] = {" + unsafeEnvList + "};\n" +
		"int main(void) {\n" +
		"  printf(\"uid=%d euid=%d\\n\", (int)getuid(), (int)geteuid());\n  hello();\n" +
		"  printf(\"unsafe variables left:\");\n" +
		"  for (unsigned i = 0; i < sizeof unsafe / sizeof *unsafe; i++) if (getenv(unsafe[i])) printf(\" %s\", unsafe[i]);\n" +
		"  printf(\"\\n\");\n" +
		"  const char *tunables = getenv(\"GLIBC_TUNABLES\");\n" +
		"  printf(\"GLIBC_TUNABLES: %s\\n\", tunables ? tunables : \"(absent)\");\n  return 0;\n}\n",
	"hello.c": "#include <stdio.h>\nvoid hello(void) { puts(\"hello from the real library\"); }\n",
	"suidpre.c": "#include <unistd.h>\n" +
		"__attribute__((constructor)) static void init(void) { write(1, \"preloaded setuid library\\n\", 25); }\n",
	"evil.c": "#include <unistd.h>\n" +
		"__attribute__((constructor)) static void evil(void) { write(1, \"EVIL\\n\", 5); }\n" +
		"void hello(void) { write(1, \"EVIL\\n\", 5); }\n",
}

// unsafeEnvList is glibc's UNSECURE_ENVVARS (sysdeps/generic/unsecvars.h,
// 2.36) that the test sets: its ld.so unsets them for AT_SECURE programs, so
// that neither the program's libc nor a child it starts (after setuid(0),
// no longer AT_SECURE) sees them. GLIBC_TUNABLES, which the program
// reports on a line of its own, is not among them in 2.36 (see
// hostileTunables).
const unsafeEnvList = `"LD_PRELOAD", "LD_LIBRARY_PATH", "LD_DEBUG_OUTPUT", "LD_AUDIT", "GCONV_PATH", "TMPDIR", "LOCPATH", "NLSPATH", "MALLOC_TRACE", "TZDIR", "LD_ORIGIN_PATH", "RES_OPTIONS"`

// hostileTunables is the GLIBC_TUNABLES the test sets: glibc.malloc.check
// is SXID_ERASE, glibc.malloc.mmap_threshold SXID_IGNORE. For an AT_SECURE
// program glibc 2.36 to 2.38 rewrite the variable without the SXID_ERASE
// tunables (tunablesKeptBy236); glibc ≥ 2.39 removes it (UNSECURE_ENVVARS),
// and so does ldgo, which never parses it.
const (
	hostileTunables   = "glibc.malloc.check=3:glibc.malloc.mmap_threshold=4096"
	tunablesKeptBy236 = "glibc.malloc.mmap_threshold=4096"
)

// TestSetuidIgnoresEnvironment: a setuid-root program linked by gold with
// ldgo as its interpreter, run by nobody, ignores LD_PRELOAD entries with a
// slash, LD_LIBRARY_PATH, a preload found only through LD_LIBRARY_PATH and
// LDGO_DEBUG_OUTPUT, and unsets glibc's unsecure variables, as glibc's loader
// does for the same program, and GLIBC_TUNABLES, as glibc ≥ 2.39 does. It
// preloads a library named without a slash only if it is set-user-ID. The same
// program without the setuid bit does load the evil objects (so the test
// would notice if the environment did not reach the program at all).
func TestSetuidIgnoresEnvironment(t *testing.T) {
	t.Parallel()
	if os.Geteuid() != 0 {
		t.Skip("needs root: the test installs a setuid-root program and runs it as nobody")
	}
	if _, err := exec.LookPath("setpriv"); err != nil {
		t.Skip("setpriv (util-linux) is not installed")
	}
	if _, err := user.Lookup("nobody"); err != nil {
		t.Skip("no user nobody to run the setuid program as")
	}
	if _, err := user.LookupGroup("nogroup"); err != nil {
		t.Skip("no group nogroup to run the setuid program as")
	}
	ldgoBuilt := tool(t, "ldgo")
	gold := tool(t, "gold")

	// The directory, ldgo and everything in it must be reachable by
	// nobody: t.TempDir's parents are 0700, so use a directory of our own.
	dir, err := os.MkdirTemp("", "gold-setuid-")
	require.NoError(t, err)
	t.Cleanup(func() { os.RemoveAll(dir) })
	require.NoError(t, os.Chmod(dir, 0o755))
	ldgo := filepath.Join(dir, "ldgo")
	data, err := os.ReadFile(ldgoBuilt)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(ldgo, data, 0o755))
	for name, text := range setuidSources {
		writeFile(t, filepath.Join(dir, name), text)
	}
	for _, d := range []string{"good", "evil-dir"} {
		require.NoError(t, os.Mkdir(filepath.Join(dir, d), 0o755))
	}
	gcc(t, dir, "-shared", "-fpic", "-o", "good/libhello.so", "hello.c")
	gcc(t, dir, "-shared", "-fpic", "-o", "evil-dir/libhello.so", "evil.c")
	gcc(t, dir, "-shared", "-fpic", "-o", "evil-dir/libevilpre.so", "evil.c")
	gcc(t, dir, "-shared", "-fpic", "-o", "evil.so", "evil.c")
	gcc(t, dir, "-shared", "-fpic", "-o", "good/libpreplain.so", "evil.c")
	gcc(t, dir, "-shared", "-fpic", "-o", "good/libpresuid.so", "suidpre.c")
	require.NoError(t, os.Chmod(filepath.Join(dir, "good/libpresuid.so"), os.ModeSetuid|0o755))
	gcc(t, dir, "-O2", "-c", "main.c")
	link := func(out, interp string) {
		mustRun(t, runOpts{dir: dir, timeout: linkTimeout}, gold, "-dynamic-linker", interp,
			"-o", out, "main.o", "-Lgood", "-lhello", "-rpath", filepath.Join(dir, "good"))
	}
	link("prog-ldgo", ldgo)
	link("prog-glibc", systemLoader)
	require.Equal(t, ldgo, interpOf(t, filepath.Join(dir, "prog-ldgo")))
	for _, p := range []string{"prog-ldgo", "prog-glibc"} {
		b, err := os.ReadFile(filepath.Join(dir, p))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, p+"-plain"), b, 0o755))
		require.NoError(t, os.Chmod(filepath.Join(dir, p), os.ModeSetuid|0o755))
	}

	// setpriv and sh run without the variables (they would load evil.so
	// themselves); sh sets them for the program alone.
	hostile := "LD_PRELOAD='./evil.so libevilpre.so libpreplain.so libpresuid.so' LD_LIBRARY_PATH=./evil-dir " +
		"LDGO_DEBUG=libs LDGO_DEBUG_OUTPUT=" + filepath.Join(dir, "debug-out") + " " +
		"LD_DEBUG_OUTPUT=/tmp/x LD_AUDIT=./evil.so GCONV_PATH=./evil-dir TMPDIR=./evil-dir LOCPATH=./evil-dir NLSPATH=./evil-dir " +
		"MALLOC_TRACE=./evil-dir/trace TZDIR=./evil-dir LD_ORIGIN_PATH=./evil-dir RES_OPTIONS=debug " +
		"GLIBC_TUNABLES=" + hostileTunables + " "
	asNobody := func(prog string) result {
		return run(t, runOpts{dir: dir}, "setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
			"sh", "-c", hostile+"exec ./"+prog)
	}
	debugFiles := func() []string {
		m, _ := filepath.Glob(filepath.Join(dir, "debug-out*"))
		return m
	}
	removeDebugFiles := func() {
		for _, f := range debugFiles() {
			os.Remove(f)
		}
	}

	// Controls: without the setuid bit both loaders obey the environment.
	for _, p := range []string{"prog-ldgo-plain", "prog-glibc-plain"} {
		r := asNobody(p)
		require.Contains(t, r.stdout, "EVIL", "%s: the hostile environment did not reach the unprivileged program, so the test proves nothing:\n%s", p, r)
		require.Contains(t, r.stdout, "uid=65534 euid=65534\n", "%s", r)
		require.Contains(t, r.stdout, "\nGLIBC_TUNABLES: "+hostileTunables+"\n", "%s", r)
		removeDebugFiles()
	}

	const want = "preloaded setuid library\nuid=65534 euid=0\nhello from the real library\nunsafe variables left:\n"
	// glibc's reports of the preloads it skips: libevilpre.so is only in
	// LD_LIBRARY_PATH, libpreplain.so (in the RUNPATH) not set-user-ID
	// (open_path's __RTLD_SECURE check: as if it did not exist).
	const wantStderr = "ERROR: ld.so: object 'libevilpre.so' from LD_PRELOAD cannot be preloaded (cannot open shared object file): ignored.\n" +
		"ERROR: ld.so: object 'libpreplain.so' from LD_PRELOAD cannot be preloaded (cannot open shared object file): ignored.\n"
	// GLIBC_TUNABLES as each loader leaves it: ldgo removes it; the system
	// loader removes it (glibc ≥ 2.39) or keeps the SXID_IGNORE tunables
	// (2.36, the one here, to 2.38). Never the SXID_ERASE one.
	tunablesLeft := map[string][]string{
		"prog-ldgo":  {"(absent)"},
		"prog-glibc": {"(absent)", tunablesKeptBy236},
	}
	for _, p := range []string{"prog-glibc", "prog-ldgo"} {
		t.Run(p, func(t *testing.T) {
			r := asNobody(p)
			if strings.Contains(r.stdout, "euid=65534") {
				t.Skipf("the setuid bit has no effect here (a nosuid mount?):\n%s", r)
			}
			require.NotContains(t, r.stdout+r.stderr, "EVIL", "a setuid program loaded an object the environment named:\n%s", r)
			require.True(t, r.ok(), "%s", r)
			// Both loaders unset glibc's unsecure variables (ldgo also its
			// own LDGO_DEBUG*) and ignore LD_DEBUG_OUTPUT/LDGO_DEBUG_OUTPUT.
			stdout, tunables, found := strings.Cut(r.stdout, "GLIBC_TUNABLES: ")
			require.True(t, found, "%s", r)
			require.Equal(t, want, stdout, "%s", r)
			require.Equal(t, wantStderr, r.stderr, "%s", r)
			require.Contains(t, tunablesLeft[p], strings.TrimSuffix(tunables, "\n"), "GLIBC_TUNABLES as %s left it", p)
			require.Empty(t, debugFiles(), "a setuid program created a debug output file the environment named")
		})
	}
}
