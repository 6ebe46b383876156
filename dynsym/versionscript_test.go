package dynsym

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func g(text string) Pattern  { return Pattern{Text: text} }
func gl(text string) Pattern { return Pattern{Text: text, Glob: true} }

func TestParseVersionScript(t *testing.T) {
	cases := []struct {
		name, src string
		want      []VersionNode
	}{
		{"empty", "  # nothing\n/* at all */\n", nil},
		{"basic", `VERS_1.0 { global: foo; bar*; local: *; };`,
			[]VersionNode{{Name: "VERS_1.0", Global: []Pattern{g("foo"), gl("bar*")}, Local: []Pattern{gl("*")}}}},
		{"parent", `
			VERS_1.0 { global: foo; local: *; };
			VERS_2.0 { global: baz; } VERS_1.0;`,
			[]VersionNode{
				{Name: "VERS_1.0", Global: []Pattern{g("foo")}, Local: []Pattern{gl("*")}},
				{Name: "VERS_2.0", Parents: []string{"VERS_1.0"}, Global: []Pattern{g("baz")}},
			}},
		{"anonymous", "{ global: a; b; local: *; };",
			[]VersionNode{{Global: []Pattern{g("a"), g("b")}, Local: []Pattern{gl("*")}}}},
		{"unlabelled is global, comments, quotes", `
			V1 { # exported
				foo; /* also
				multi-line */ "quoted*";
				local: "global"; global; local;
			};`,
			[]VersionNode{{Name: "V1", Global: []Pattern{g("foo"), g("quoted*")}, Local: []Pattern{g("global"), g("global"), g("local")}}}},
		{"extern C++", `V { global: extern "C++" { "ns::f()"; ns::*; std::vector<int>::?ize }; plain; local: *; };`,
			[]VersionNode{{Name: "V",
				Global: []Pattern{
					{Text: "ns::f()", Lang: "C++"},
					{Text: "ns::*", Glob: true, Lang: "C++"},
					{Text: "std::vector<int>::?ize", Glob: true, Lang: "C++"},
					g("plain"),
				},
				Local: []Pattern{gl("*")}}}},
		{"empty node and missing last semicolon", "V1 { };\nV2 { global: x };",
			[]VersionNode{{Name: "V1"}, {Name: "V2", Global: []Pattern{g("x")}}}},
		{"brackets and multiple parents", "A { a[0-9]; }; B { b; }; C { c; } A B;",
			[]VersionNode{
				{Name: "A", Global: []Pattern{gl("a[0-9]")}},
				{Name: "B", Global: []Pattern{g("b")}},
				{Name: "C", Parents: []string{"A", "B"}, Global: []Pattern{g("c")}},
			}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			vs, err := ParseVersionScript("t.map", []byte(c.src))
			require.NoError(t, err)
			require.Equal(t, c.want, vs.Nodes)
		})
	}
}

func TestParseVersionScriptErrors(t *testing.T) {
	for src, want := range map[string]string{
		"V1 { foo; }\n":                   "t.map:2: syntax error near end of file",
		"V1 {\n foo bar;\n};":             `t.map:2: syntax error near "bar"`,
		"V1 {\n global: foo;\n}}":         `t.map:3: syntax error near "}"`,
		"V1 { foo; };\n{ bar; };":         "t.map:2: anonymous version tag cannot be combined with other version tags",
		"{ bar; };\nV1 { foo; };":         "t.map:2: anonymous version tag cannot be combined with other version tags",
		"V1 { a; };\nV1 { b; };":          `t.map:2: duplicate version tag "V1"`,
		"V2 { a; } V1;\nV1 { b; };":       `t.map:1: version dependency "V1" not defined`,
		"V1 { extern \"D\" { a; }; };":    `t.map:1: unknown language "D" in extern block`,
		"V1 { a; };\n/* unterminated":     "t.map:2: unterminated comment",
		"V1 { \"a; };":                    "t.map:1: unterminated string",
		"V1 { global: local: ; };":        `t.map:1: syntax error near ";"`,
		"V1 { extern \"C\" { a: b; }; };": `t.map:1: syntax error near ":"`,
		";":                               `t.map:1: syntax error near ";"`,
	} {
		_, err := ParseVersionScript("t.map", []byte(src))
		require.EqualError(t, err, want, "source %q", src)
	}
}

func TestParseDynamicList(t *testing.T) {
	pats, err := ParseDynamicList("d.list", []byte(`{ sym1; sym2*; "quoted"; extern "C++" { ns::f*; "ns::g()"; }; };`))
	require.NoError(t, err)
	require.Equal(t, []Pattern{
		g("sym1"), gl("sym2*"), g("quoted"),
		{Text: "ns::f*", Glob: true, Lang: "C++"}, {Text: "ns::g()", Lang: "C++"},
	}, pats)

	// "global" is an ordinary name in a dynamic list, not a label.
	pats, err = ParseDynamicList("d.list", []byte("{ global; };"))
	require.NoError(t, err)
	require.Equal(t, []Pattern{g("global")}, pats)

	for src, want := range map[string]string{
		"":                 "d.list:1: syntax error near end of file",
		"{ a; }":           "d.list:1: syntax error near end of file",
		"{ a; };\n{ b; };": `d.list:2: syntax error near "{"`,
		"{ global: a; };":  `d.list:1: syntax error near ":"`,
		"V { a; };":        `d.list:1: syntax error near "V"`,
	} {
		_, err := ParseDynamicList("d.list", []byte(src))
		require.EqualError(t, err, want, "source %q", src)
	}
}

func TestPatternMatch(t *testing.T) {
	for _, c := range []struct {
		pat   Pattern
		name  string
		match bool
	}{
		{g("foo"), "foo", true},
		{g("foo"), "foobar", false},
		{g("foo*"), "foobar", false}, // quoted: literal
		{g("foo*"), "foo*", true},
		{gl("*"), "", true},
		{gl("*"), "anything/at::all", true},
		{gl("foo*"), "foo", true},
		{gl("foo*"), "foobar", true},
		{gl("foo*"), "xfoo", false},
		{gl("*bar*baz"), "xxbarybarzbaz", true},
		{gl("*bar*baz"), "xxbarybarzba", false},
		{gl("f?o"), "fxo", true},
		{gl("f?o"), "fo", false},
		{gl("a[0-9]"), "a5", true},
		{gl("a[0-9]"), "ax", false},
		{gl("a[!0-9]"), "ax", true},
		{gl("a[^0-9]"), "a5", false},
		{gl("a[]x]"), "a]", true},
		{gl("a[x-]"), "a-", true},
		{gl("a[bc"), "a[bc", true}, // unclosed bracket is literal
		{gl(`a\*`), "a*", true},
		{gl(`a\*`), "ab", false},
		{gl(`a[\]]`), "a]", true},
		{gl("ns::*"), "ns::f(int)", true},
	} {
		require.Equal(t, c.match, c.pat.Match(c.name), "%+v on %q", c.pat, c.name)
	}
}
