package driver

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gold/cmd/internal/ldargs"
	"gold/link"
)

var allKinds = []link.OutputKind{link.OutputShared, link.OutputPIE, link.OutputExec, link.OutputStaticExec, link.OutputStaticPIE}

// gccFlag is the gcc option that asks for each kind (Debian's gcc makes
// PIEs by default).
var gccFlag = map[link.OutputKind]string{
	link.OutputShared:     "-shared",
	link.OutputPIE:        "-pie",
	link.OutputExec:       "-no-pie",
	link.OutputStaticExec: "-static",
	link.OutputStaticPIE:  "-static-pie",
}

func requireRuntime(t *testing.T) {
	t.Helper()
	if _, err := os.Stat("/usr/lib/x86_64-linux-gnu/crti.o"); err != nil {
		if _, err := exec.LookPath("gcc"); err != nil {
			t.Skip("no C toolchain installed")
		}
	}
}

func TestFilesExist(t *testing.T) {
	requireRuntime(t)
	for _, kind := range allKinds {
		for _, cxx := range []bool{false, true} {
			rt, err := Files(kind, cxx)
			require.NoError(t, err, "%s cxx=%v", kindName(kind), cxx)
			require.NotEmpty(t, rt.Before)
			for _, in := range append(append([]link.Input{}, rt.Before...), rt.After...) {
				if in.Kind == link.InputFile {
					assert.FileExists(t, in.Path)
					assert.True(t, filepath.IsAbs(in.Path), in.Path)
				}
			}
			for _, d := range rt.LibraryPaths {
				fi, err := os.Stat(d) // not DirExists: /lib is a symlink on merged-/usr systems
				if assert.NoError(t, err) {
					assert.True(t, fi.IsDir(), d)
				}
			}
			assert.DirExists(t, rt.GCCDir)
		}
	}
}

// gccLine returns what `cc -### flag user.o` would hand to collect2.
func gccLine(t *testing.T, cc, flag, user string) []string {
	t.Helper()
	out, err := exec.Command(cc, "-###", flag, user, "-o", filepath.Join(t.TempDir(), "a.out")).CombinedOutput()
	require.NoError(t, err, string(out))
	for _, line := range strings.Split(string(out), "\n") {
		f := strings.Fields(line)
		if len(f) > 0 && strings.HasSuffix(strings.Trim(f[0], `"`), "/collect2") {
			for i := range f {
				f[i] = strings.Trim(f[i], `"`) // -### quotes some arguments
			}
			return f[1:]
		}
	}
	t.Fatalf("no collect2 line in:\n%s", out)
	return nil
}

// TestMatchesGCC compares with what gcc and g++ actually pass: the same
// files, libraries and flags, in the same order, and the same -L list.
func TestMatchesGCC(t *testing.T) {
	for _, cc := range []string{"gcc", "g++"} {
		if _, err := exec.LookPath(cc); err != nil {
			t.Skipf("no %s on PATH", cc)
		}
		user := filepath.Join(t.TempDir(), "user.o")
		require.NoError(t, os.WriteFile(user, nil, 0o644))
		for _, kind := range allKinds {
			t.Run(cc+" "+gccFlag[kind], func(t *testing.T) {
				var cfg link.Config
				_, err := ldargs.Parse(gccLine(t, cc, gccFlag[kind], user), &cfg, nil)
				require.NoError(t, err)
				require.Equal(t, kind, cfg.Kind)

				split := -1
				for i, in := range cfg.Inputs {
					if in.Path == user {
						split = i
					}
					if in.Kind == link.InputFile {
						cfg.Inputs[i].Path = filepath.Clean(in.Path)
					}
				}
				require.GreaterOrEqual(t, split, 0)

				rt, err := Files(kind, cc == "g++")
				require.NoError(t, err)
				assert.Equal(t, cfg.Inputs[:split], rt.Before)
				assert.Equal(t, cfg.Inputs[split+1:], rt.After)
				assert.Equal(t, existingDirs(cfg.LibraryPaths), rt.LibraryPaths)
				assert.Equal(t, cfg.EhFrameHdr, contains(rt.Flags, "--eh-frame-hdr"))
			})
		}
	}
}

// Without gcc, Debian's standard layout gives the same files.
func TestFallbackMatchesGCC(t *testing.T) {
	if _, err := exec.LookPath("gcc"); err != nil {
		t.Skip("no gcc to compare with")
	}
	asked, err := askGCC("gcc")
	require.NoError(t, err)
	fb := fallback()
	assert.False(t, fb.fromGCC)
	assert.Equal(t, asked.libDirs, fb.libDirs)
	assert.Equal(t, asked.install, fb.install)
	assert.Equal(t, asked.asNeeded, fb.asNeeded)
	for _, kind := range allKinds {
		want, err := files(kind, false, asked)
		require.NoError(t, err)
		got, err := files(kind, false, fb)
		require.NoError(t, err)
		assert.Equal(t, want.Before, got.Before, kindName(kind))
		assert.Equal(t, want.After, got.After, kindName(kind))
	}
}

func TestArgs(t *testing.T) {
	requireRuntime(t)
	rt, err := Files(link.OutputPIE, false)
	require.NoError(t, err)
	var cfg link.Config
	_, err = ldargs.Parse(rt.Args([]string{"-L/mine", "main.o", "-lfoo"}), &cfg, nil)
	require.NoError(t, err)
	assert.Equal(t, link.OutputPIE, cfg.Kind)
	assert.Equal(t, "/mine", cfg.LibraryPaths[0], "the user's -L directories come first")
	assert.Equal(t, rt.LibraryPaths, cfg.LibraryPaths[1:])
	n := len(rt.Before)
	assert.Equal(t, rt.Before, cfg.Inputs[:n])
	assert.Equal(t, "main.o", cfg.Inputs[n].Path)
	assert.Equal(t, "foo", cfg.Inputs[n+1].Path)
	assert.Equal(t, rt.After, cfg.Inputs[n+2:])
}

func TestSequences(t *testing.T) {
	// Pinned to gcc 12's -### output, so they are checked where gcc is missing.
	assert.Equal(t, []string{"-lgcc", "--push-state", "--as-needed", "-lgcc_s", "--pop-state", "-lc",
		"-lgcc", "--push-state", "--as-needed", "-lgcc_s", "--pop-state"}, libraries(link.OutputShared, false))
	assert.Equal(t, []string{"-lstdc++", "-lm", "-lgcc_s", "-lc", "-lgcc_s"}, libraries(link.OutputShared, true))
	assert.Equal(t, []string{"-lstdc++", "-lm", "-lgcc_s", "-lgcc", "-lc", "-lgcc_s", "-lgcc"}, libraries(link.OutputPIE, true))
	assert.Equal(t, []string{"-lstdc++", "-lm", "--start-group", "-lgcc", "-lgcc_eh", "-lc", "--end-group"}, libraries(link.OutputStaticPIE, true))
	assert.Equal(t, []string{"rcrt1.o", "crti.o", "crtbeginS.o"}, startFiles(link.OutputStaticPIE))
	assert.Equal(t, []string{"crtend.o", "crtn.o"}, endFiles(link.OutputStaticExec))
	assert.Equal(t, []string{"--build-id", "-m", "elf_x86_64", "--hash-style=gnu", "-static"}, linkFlags(link.OutputStaticExec, false))
	assert.Equal(t, []string{"--build-id", "--eh-frame-hdr", "-m", "elf_x86_64", "--hash-style=gnu", "--as-needed",
		"-static", "-pie", "--no-dynamic-linker", "-z", "text"}, linkFlags(link.OutputStaticPIE, true))
}

func TestMissingFile(t *testing.T) {
	_, err := files(link.OutputPIE, false, toolchain{libDirs: []string{t.TempDir()}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "cannot find Scrt1.o for a PIE")
	_, err = files(link.OutputKind(42), false, toolchain{})
	assert.EqualError(t, err, "driver: unknown output kind 42")
}

func TestDescribe(t *testing.T) {
	requireRuntime(t)
	rt, err := Files(link.OutputShared, true)
	require.NoError(t, err)
	d := rt.Describe()
	assert.Contains(t, d, "runtime for a shared library (C++;")
	assert.Contains(t, d, "crtbeginS.o")
	assert.Contains(t, d, "-lstdc++ -lm")
	assert.Contains(t, d, "-L:")
}

func TestParseSearchDirs(t *testing.T) {
	out := "install: /usr/lib/gcc/x86_64-linux-gnu/12/\n" +
		"programs: =/usr/lib/gcc/x86_64-linux-gnu/12/:/usr/libexec\n" +
		"libraries: =/usr/lib/gcc/x86_64-linux-gnu/12/:/usr/lib/gcc/x86_64-linux-gnu/12/../../../x86_64-linux-gnu/:/lib/\n"
	install, libs, err := parseSearchDirs(out)
	require.NoError(t, err)
	assert.Equal(t, "/usr/lib/gcc/x86_64-linux-gnu/12/", install)
	assert.Equal(t, []string{"/usr/lib/gcc/x86_64-linux-gnu/12/", "/usr/lib/gcc/x86_64-linux-gnu/12/../../../x86_64-linux-gnu/", "/lib/"}, libs)

	_, _, err = parseSearchDirs("garbage")
	assert.Error(t, err)
}

func TestExistingDirs(t *testing.T) {
	d := t.TempDir()
	sub := filepath.Join(d, "sub")
	require.NoError(t, os.Mkdir(sub, 0o755))
	f := filepath.Join(d, "file")
	require.NoError(t, os.WriteFile(f, nil, 0o644))
	assert.Equal(t, []string{sub, d},
		existingDirs([]string{sub + "/", "", filepath.Join(d, "missing"), f, sub + "/../sub", d}))
}

func TestLinkSpecAsNeeded(t *testing.T) {
	debian := "*link_gcc_c_sequence:\n%G %L %G\n\n*link:\n%{!r:--build-id} --hash-style=gnu   %{!fsanitize=*:--as-needed}   %{shared:-shared}\n\n*lib:\n--as-needed\n"
	assert.True(t, linkSpecAsNeeded(debian))
	upstream := "*link:\n%{!r:--build-id} %{shared:-shared}\n\n*libgcc:\n--as-needed\n"
	assert.False(t, linkSpecAsNeeded(upstream))
	assert.False(t, linkSpecAsNeeded(""))
}

func TestVersionLess(t *testing.T) {
	assert.True(t, versionLess("", "12"))
	assert.True(t, versionLess("9", "12"))
	assert.True(t, versionLess("12", "12.1"))
	assert.False(t, versionLess("13", "12"))
	assert.False(t, versionLess("", "include"))
	d := t.TempDir()
	for _, v := range []string{"9", "12", "11.4", "notes"} {
		require.NoError(t, os.Mkdir(filepath.Join(d, v), 0o755))
	}
	assert.Equal(t, "12", newestVersion(d))
	assert.Equal(t, "", newestVersion(filepath.Join(d, "missing")))
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
