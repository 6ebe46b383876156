package ldargs

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Cases follow libiberty's buildargv (see its testsuite, test-expandargv.c).
func TestSplitResponseFile(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"  \n\t ", nil},
		{"a b\tc\nd\r\ne", []string{"a", "b", "c", "d", "e"}},
		{`"a b" 'c d'`, []string{"a b", "c d"}},
		{`a\ b`, []string{"a b"}},
		{`"a\"b"`, []string{`a"b`}},
		{`'a\'b'`, []string{"a'b"}}, // backslash escapes even in single quotes
		{`"it's"`, []string{"it's"}},
		{`x"y z"w`, []string{"xy zw"}},
		{`"" ''`, []string{"", ""}},
		{`a\\b`, []string{`a\b`}},
		{"trailing\\", []string{"trailing"}},
		{"\"unterminated quote", []string{"unterminated quote"}},
		{"caf\xc3\xa9 \xff", []string{"caf\xc3\xa9", "\xff"}},
	} {
		assert.Equal(t, tc.want, splitResponseFile(tc.in), "%q", tc.in)
	}
}

func TestExpandResponseFiles(t *testing.T) {
	dir := t.TempDir()
	outer := filepath.Join(dir, "outer")
	inner := filepath.Join(dir, "inner")
	require.NoError(t, os.WriteFile(inner, []byte("-lc\n'b c.o'\n"), 0o644))
	require.NoError(t, os.WriteFile(outer, []byte("-o out @"+inner+" d.o"), 0o644))

	got, err := ExpandResponseFiles([]string{"a.o", "@" + outer, "e.o"})
	require.NoError(t, err)
	assert.Equal(t, []string{"a.o", "-o", "out", "-lc", "b c.o", "d.o", "e.o"}, got)

	// A file that cannot be opened stays a literal argument, and so does
	// a lone "@".
	missing := "@" + filepath.Join(dir, "missing")
	got, err = ExpandResponseFiles([]string{missing, "@"})
	require.NoError(t, err)
	assert.Equal(t, []string{missing, "@"}, got)

	_, err = ExpandResponseFiles([]string{"@" + dir})
	assert.ErrorContains(t, err, "response file is a directory")

	loop := filepath.Join(dir, "loop")
	require.NoError(t, os.WriteFile(loop, []byte("@"+loop), 0o644))
	_, err = ExpandResponseFiles([]string{"@" + loop})
	assert.ErrorContains(t, err, "nested too deeply")
}
