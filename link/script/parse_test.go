package script

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func parseFile(t *testing.T, path string) *Script {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	require.True(t, IsScript(data), "%s should look like a script", path)
	s, err := Parse(filepath.Base(path), data)
	require.NoError(t, err)
	return s
}

// The testdata files are copies of Debian 12's (glibc 2.36, ncurses 6.4).
func TestDebianLibc(t *testing.T) {
	s := parseFile(t, "testdata/libc.so")
	assert.Equal(t, []string{"elf64-x86-64"}, s.OutputFormat)
	assert.Equal(t, []ScriptInput{
		{Path: "/lib/x86_64-linux-gnu/libc.so.6", Group: true},
		{Path: "/usr/lib/x86_64-linux-gnu/libc_nonshared.a", Group: true},
		{Path: "/lib64/ld-linux-x86-64.so.2", Group: true, AsNeeded: true},
	}, s.Inputs)
	assert.Empty(t, s.SearchDirs)
}

func TestDebianLibm(t *testing.T) {
	s := parseFile(t, "testdata/libm.so")
	assert.Equal(t, []ScriptInput{
		{Path: "/lib/x86_64-linux-gnu/libm.so.6", Group: true},
		{Path: "/lib/x86_64-linux-gnu/libmvec.so.1", Group: true, AsNeeded: true},
	}, s.Inputs)

	s = parseFile(t, "testdata/libm.a")
	assert.Equal(t, []ScriptInput{
		{Path: "/usr/lib/x86_64-linux-gnu/libm-2.36.a", Group: true},
		{Path: "/usr/lib/x86_64-linux-gnu/libmvec.a", Group: true},
	}, s.Inputs)
}

func TestNcursesInput(t *testing.T) {
	s := parseFile(t, "testdata/libncurses.so")
	assert.Equal(t, []ScriptInput{
		{Path: "libncurses.so.6"},
		{Path: "tinfo", Lib: true},
	}, s.Inputs)

	s = parseFile(t, "testdata/libtermcap.so")
	assert.Equal(t, []ScriptInput{{Path: "libtinfo.so", Group: true}}, s.Inputs)
}

// The installed scripts must parse too, whatever version they are.
func TestSystemScripts(t *testing.T) {
	for _, p := range []string{
		"/usr/lib/x86_64-linux-gnu/libc.so",
		"/usr/lib/x86_64-linux-gnu/libm.so",
		"/usr/lib/x86_64-linux-gnu/libm.a",
	} {
		data, err := os.ReadFile(p)
		if err != nil || !IsScript(data) {
			continue
		}
		s, err := Parse(p, data)
		require.NoError(t, err, p)
		assert.NotEmpty(t, s.Inputs, p)
	}
}

func TestCrafted(t *testing.T) {
	s, err := Parse("x", []byte(`
		SEARCH_DIR("=/usr/local/lib"); SEARCH_DIR(/opt/lib)
		OUTPUT_FORMAT("elf64-x86-64", "elf64-x86-64",
		              "elf64-x86-64")
		OUTPUT_ARCH(i386:x86-64)
		INPUT(a.o, "b c.o" -lfoo -l:libbar.a)
		GROUP(AS_NEEDED(-lz AS_NEEDED(d.so)),e.a)/*trailing*/`))
	require.NoError(t, err)
	assert.Equal(t, []string{"=/usr/local/lib", "/opt/lib"}, s.SearchDirs)
	assert.Equal(t, []string{"elf64-x86-64", "elf64-x86-64", "elf64-x86-64"}, s.OutputFormat)
	assert.Equal(t, []ScriptInput{
		{Path: "a.o"},
		{Path: "b c.o"},
		{Path: "foo", Lib: true},
		{Path: ":libbar.a", Lib: true},
		{Path: "z", Lib: true, AsNeeded: true, Group: true},
		{Path: "d.so", AsNeeded: true, Group: true},
		{Path: "e.a", Group: true},
	}, s.Inputs)
}

func TestEmptyScript(t *testing.T) {
	s, err := Parse("x", []byte("/* nothing */\n\n"))
	require.NoError(t, err)
	assert.Empty(t, s.Inputs)
}

func TestErrors(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{"/* c\n*/\nGROUP(a)\nSECTIONS\n{ .text : { *(.text) } }", "libfoo.so:4: linker script command SECTIONS is not supported yet"},
		{"MEMORY{}", "libfoo.so:1: linker script command MEMORY is not supported yet"},
		{"\nPHDRS { }", "libfoo.so:2: linker script command PHDRS is not supported yet"},
		{"ENTRY(_start)", "libfoo.so:1: linker script command ENTRY is not supported yet"},
		{"foo = 1;", "libfoo.so:1: unknown linker script command \"foo\" (not an ELF file, archive or linker script)"},
		{"GROUP(a b", "libfoo.so:1: missing )"},
		{"GROUP a", `libfoo.so:1: expected "(", found "a"`},
		{"INPUT", `libfoo.so:1: expected "(", found end of file`},
		{"INPUT(a ; b)", `libfoo.so:1: unexpected ";" in file list`},
		{"INPUT(-l)", "libfoo.so:1: -l needs a library name"},
		{"/* open", "libfoo.so:1: unterminated comment"},
		{"INPUT(\"a)", "libfoo.so:1: unterminated string"},
		{"AS_NEEDED(a)", "libfoo.so:1: AS_NEEDED outside INPUT or GROUP"},
		{"OUTPUT_FORMAT(a,b)", "libfoo.so:1: OUTPUT_FORMAT takes 1 or 3 names, not 2"},
		{"SEARCH_DIR()", "libfoo.so:1: SEARCH_DIR takes one name, not 0"},
		{")", `libfoo.so:1: unexpected ")"`},
	} {
		_, err := Parse("libfoo.so", []byte(tc.src))
		if assert.Error(t, err, tc.src) {
			assert.Equal(t, tc.want, err.Error(), tc.src)
		}
	}
}

func TestIsScript(t *testing.T) {
	assert.False(t, IsScript(nil))
	assert.False(t, IsScript([]byte("\x7fELF\x02\x01\x01")))
	assert.False(t, IsScript([]byte("!<arch>\nfoo")))
	assert.False(t, IsScript([]byte("!<thin>\nfoo")))
	assert.False(t, IsScript([]byte("GROUP(\x00)")))
	assert.False(t, IsScript([]byte{0xff, 0xfe, 'a'}))
	assert.False(t, IsScript([]byte("GROUP(\x01)")))
	assert.True(t, IsScript([]byte("INPUT(a)\r\n")))

	// A multi-byte rune cut by the sniffing window is still text.
	long := make([]byte, sniffLen-1, sniffLen+8)
	for i := range long {
		long[i] = ' '
	}
	long = append(long, "é"...)
	assert.True(t, IsScript(long))
}
