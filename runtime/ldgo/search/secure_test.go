package search

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestSecureAgainstLdSo runs setuid-root programs as an unprivileged user,
// so the kernel sets AT_SECURE, and checks that the replay with
// Env.Secure picks the library ld.so picked. ld.so prints no trace for
// such processes, so only the choice is compared.
func TestSecureAgainstLdSo(t *testing.T) {
	needTools(t, "gcc", "setpriv")
	if os.Geteuid() != 0 {
		t.Skip("needs root to make setuid programs")
	}
	root := t.TempDir()
	// The unprivileged user must reach the files.
	for _, d := range []string{filepath.Dir(root), root} {
		require.NoError(t, os.Chmod(d, 0o755))
	}
	mk := func(rel string) string {
		p := filepath.Join(root, rel)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		return p
	}
	r := func(s string) string { return strings.ReplaceAll(s, "T/", root+"/") }
	for _, d := range []string{"a", "b", "c"} {
		gcc(t, libxSrc(d), mk(d+"/libx.so"), "-shared", "-fPIC", "-Wl,-soname,libx.so")
	}
	liby := func(dir, rpath string) {
		gcc(t, libySrc, mk(dir+"/liby.so"), "-shared", "-fPIC", "-Wl,-soname,liby.so",
			"-L"+filepath.Join(root, "a"), "-lx", "-Wl,--disable-new-dtags", "-Wl,-rpath,"+rpath)
	}
	liby("y1", "$ORIGIN/../a")         // a library may use a leading $ORIGIN
	liby("y2", r("/$ORIGIN/../a:T/b")) // but not one elsewhere
	prog := func(name, src string, args ...string) {
		p := mk(name)
		gcc(t, src, p, args...)
		require.NoError(t, os.Chmod(p, os.ModeSetuid|0o755))
	}
	old := "-Wl,--disable-new-dtags"
	prog("p_origin", mainSrc, "-L"+filepath.Join(root, "a"), "-lx", old, "-Wl,-rpath,$ORIGIN/a:"+r("T/b"))
	prog("p_runpath", mainSrc, "-L"+filepath.Join(root, "a"), "-lx", "-Wl,--enable-new-dtags", "-Wl,-rpath,"+r("T/b"))
	prog("p_y1", indirectMainSrc, "-L"+filepath.Join(root, "y1"), "-ly", old, "-Wl,-rpath,"+r("T/y1:T/c"))
	prog("p_y2", indirectMainSrc, "-L"+filepath.Join(root, "y2"), "-ly", old, "-Wl,-rpath,"+r("T/y2:T/c"))

	cache := loadSystemCache(t)
	for _, tc := range []struct {
		prog, secure, plain string
	}{
		{"p_origin", "b", "a"},  // the executable's $ORIGIN is outside the trusted dirs
		{"p_runpath", "b", "c"}, // LD_LIBRARY_PATH ignored
		{"p_y1", "a", "a"},
		{"p_y2", "b", "a"},
	} {
		t.Run(tc.prog, func(t *testing.T) {
			p := filepath.Join(root, tc.prog)
			llp := "LD_LIBRARY_PATH=" + r("T/c")
			for _, secure := range []bool{true, false} {
				var cmd *exec.Cmd
				if secure {
					cmd = exec.Command("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", p)
				} else {
					cmd = exec.Command(p)
				}
				cmd.Env = []string{llp}
				out, err := cmd.CombinedOutput()
				require.NoError(t, err, "%s", out)

				env := &Env{Caps: DetectCaps("x86_64"), Cache: cache, Secure: secure, LibraryPath: r("T/c")}
				sim := simulate(t, env, p, root)
				require.NoError(t, sim.err)
				want := tc.plain
				if secure {
					want = tc.secure
				}
				require.Equal(t, want, strings.TrimSpace(string(out)), "secure=%v", secure)
				require.Equal(t, filepath.Join(root, want, "libx.so"), filepath.Clean(sim.found["libx.so"]), "secure=%v", secure)
			}
		})
	}
}
