package dynsym

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestStringTableDedupe(t *testing.T) {
	var st StringTable // zero value must work
	require.Equal(t, []byte{0}, st.Bytes())
	require.Equal(t, uint32(0), st.Add(""))
	foo := st.Add("foo")
	require.Equal(t, uint32(1), foo)
	bar := st.Add("bar")
	require.Equal(t, uint32(5), bar)
	require.Equal(t, foo, st.Add("foo"))
	require.Equal(t, bar, st.Add("bar"))
	require.Equal(t, "\x00foo\x00bar\x00", string(st.Bytes()))
	require.Equal(t, 9, st.Len())

	s, err := StringAt(st.Bytes(), bar)
	require.NoError(t, err)
	require.Equal(t, "bar", s)
	s, err = StringAt(st.Bytes(), 0)
	require.NoError(t, err)
	require.Equal(t, "", s)
	_, err = StringAt(st.Bytes(), 9)
	require.Error(t, err)
	_, err = StringAt([]byte("abc"), 0) // no terminator
	require.Error(t, err)

	require.Panics(t, func() { st.Add("a\x00b") })
}

func TestStringTableDeterministic(t *testing.T) {
	build := func() []byte {
		st := NewStringTable()
		for _, s := range []string{"libc.so.6", "GLIBC_2.2.5", "printf", "libc.so.6", "x"} {
			st.Add(s)
		}
		return st.Bytes()
	}
	require.Equal(t, build(), build())
}

func TestStringTableAppend(t *testing.T) {
	tab := NewStringTable()
	a := tab.Append("foo")
	b := tab.Append("foo")
	require.NotEqual(t, a, b, "Append does not deduplicate")
	require.Equal(t, "foo", mustStringAt(t, tab.Bytes(), b))
	c := tab.Add("foo")
	require.NotEqual(t, a, c, "Add does not see strings Append stored")
	require.Equal(t, c, tab.Add("foo"), "Add still deduplicates its own")
}

func mustStringAt(t *testing.T, tab []byte, off uint32) string {
	t.Helper()
	s, err := StringAt(tab, off)
	require.NoError(t, err)
	return s
}
