package search

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestExpandDST(t *testing.T) {
	env := &Env{Caps: Caps{Platform: "haswell"}}
	for _, tc := range []struct {
		in, origin, want string
		ok               bool
	}{
		{"/plain/path", "/o", "/plain/path", true},
		{"$ORIGIN/lib", "/o", "/o/lib", true},
		{"${ORIGIN}/lib", "/o", "/o/lib", true},
		{"/x/$ORIGIN", "/o", "/x//o", true},
		{"$ORIGIN/../$LIB/$PLATFORM", "/o", "/o/../lib/x86_64-linux-gnu/haswell", true},
		{"/a/${LIB}x", "/o", "/a/lib/x86_64-linux-gnu" + "x", true},
		{"/a/$LIBx", "/o", "/a/$LIBx", true},       // greedy: not $LIB
		{"$ORIGINAL/x", "/o", "$ORIGINAL/x", true}, // not $ORIGIN
		{"${ORIGIN/x", "/o", "${ORIGIN/x", true},   // unclosed brace
		{"$FOO/$ORIGIN", "/o", "$FOO//o", true},    // unknown DST kept
		{"/a/$", "/o", "/a/$", true},
		{"$ORIGIN/x", "", "", false}, // unknown origin drops the path
		{"/a/$PLATFORM", "/o", "/a/haswell", true},
	} {
		got, ok := ExpandDST(tc.in, tc.origin, false, env)
		require.Equal(t, tc.ok, ok, tc.in)
		require.Equal(t, tc.want, got, tc.in)
	}

	_, ok := ExpandDST("/a/$PLATFORM", "/o", false, &Env{})
	require.False(t, ok, "no platform")
}

func TestExpandDSTSecure(t *testing.T) {
	env := &Env{Secure: true, Caps: Caps{Platform: "x86_64"}}
	for _, tc := range []struct {
		in, origin string
		exe        bool
		want       string
		ok         bool
	}{
		// Libraries: $ORIGIN only as the whole path or its first element.
		{"$ORIGIN", "/opt/app", false, "/opt/app", true},
		{"$ORIGIN/../lib", "/opt/app", false, "/opt/app/../lib", true},
		{"${ORIGIN}/lib", "/opt/app", false, "/opt/app/lib", true},
		{"/x/$ORIGIN", "/opt/app", false, "", false},
		{"$ORIGIN$LIB", "/opt/app", false, "", false},
		{"$LIB/x", "/opt/app", false, "lib/x86_64-linux-gnu/x", true},
		// The executable: the result must also be inside a system directory.
		{"$ORIGIN/../lib/x86_64-linux-gnu/app", "/usr/bin", true, "/usr/bin/../lib/x86_64-linux-gnu/app", true},
		{"$ORIGIN/lib", "/opt/app", true, "", false},
		{"$ORIGIN", "/usr/lib", true, "/usr/lib", true},
		{"$ORIGIN/..", "/usr/lib", true, "", false},
		// $LIB and $PLATFORM alone are never checked.
		{"/opt/$LIB", "/opt/app", true, "/opt/lib/x86_64-linux-gnu", true},
	} {
		got, ok := ExpandDST(tc.in, tc.origin, tc.exe, env)
		require.Equal(t, tc.ok, ok, tc.in)
		require.Equal(t, tc.want, got, tc.in)
	}
}

func TestIsTrustedPath(t *testing.T) {
	for path, want := range map[string]bool{
		"":                               false,
		"/lib":                           true, // a slash is appended
		"/lib/":                          true,
		"/libx":                          false,
		"/usr/lib/x86_64-linux-gnu/a":    true,
		"/usr/./lib//x":                  true,
		"/usr/bin/../lib/x":              true,
		"/usr/lib/../bin":                false,
		"/opt/../lib/x":                  true,
		"/../../lib":                     true,
		"/lib/x86_64-linux-gnu/../../tm": false,
	} {
		require.Equal(t, want, isTrustedPath(path), path)
	}
}

func TestHasDST(t *testing.T) {
	require.True(t, HasDST("a$ORIGIN"))
	require.True(t, HasDST("${PLATFORM}"))
	require.True(t, HasDST("$$LIB"))
	require.False(t, HasDST("$LIBRARY"))
	require.False(t, HasDST("no dst"))
	require.False(t, HasDST("$"))
}

func TestExpandNeeded(t *testing.T) {
	var lines []string
	env := &Env{Debug: func(f string, a ...any) { lines = append(lines, f) }}
	req := &Requester{Origin: "/o"}
	name, skip, err := ExpandNeeded("$ORIGIN/libz.so", req, env)
	require.NoError(t, err)
	require.False(t, skip)
	require.Equal(t, "/o/libz.so", name)

	name, skip, err = ExpandNeeded("libfoo.so", req, env)
	require.NoError(t, err)
	require.False(t, skip)
	require.Equal(t, "libfoo.so", name)

	// No platform: glibc drops the dependency with a trace line.
	_, skip, err = ExpandNeeded("lib$PLATFORM.so", req, env)
	require.NoError(t, err)
	require.True(t, skip)
	require.Len(t, lines, 1)

	env.Secure = true
	_, _, err = ExpandNeeded("$LIB/libz.so", req, env)
	require.EqualError(t, err, "$LIB/libz.so: DST not allowed in SUID/SGID programs")
}

func TestOrigin(t *testing.T) {
	require.Equal(t, "/a/b", Origin("/a/b/libx.so", "/cwd"))
	require.Equal(t, "/", Origin("/libx.so", "/cwd"))
	require.Equal(t, "/cwd/sub", Origin("sub/libx.so", "/cwd"))
	require.Equal(t, "/cwd", Origin("libx.so", "/cwd/"))
	require.Equal(t, "/a/b/../c", Origin("/a/b/../c/libx.so", ""))
	require.Equal(t, "", Origin("", "/cwd"))
	require.Equal(t, "/usr/bin", ExecOrigin("/usr/bin/ls", ""))
	require.Equal(t, "/opt", ExecOrigin("", "/opt//"))
	require.Equal(t, "/", ExecOrigin("[vdso]", "///"))
	require.Equal(t, "", ExecOrigin("", ""))
}
