package dynsym

import (
	"fmt"
	"strings"
)

// Version scripts (--version-script) and dynamic lists (--dynamic-list) in
// the syntax GNU ld accepts:
//
//	VERS_1.0 { global: foo; bar*; local: *; };
//	VERS_2.0 { global: baz; extern "C++" { "ns::f()"; ns::*; }; } VERS_1.0;
//	{ global: foo; local: *; };            (one anonymous node, alone)
//	{ sym1; sym2; extern "C++" { ns::f*; }; };   (dynamic list)
//
// Comments are /* */ and # to end of line. Patterns before any global: or
// local: label are global. Quoted names are matched literally, as ld does;
// unquoted ones are globs if they contain * ? or [. We are slightly more
// lenient than ld in one way: the ';' after the last pattern of a block may
// be omitted. C++ (and Java) patterns are kept with their Lang and are not
// demangled here; the caller matches them against demangled names.

// VersionScript is a parsed --version-script file.
type VersionScript struct {
	Nodes []VersionNode
}

// VersionNode is one version: VERS_2 { global: ...; local: ...; } VERS_1;
type VersionNode struct {
	Name    string // "" for the anonymous node
	Parents []string
	Global  []Pattern
	Local   []Pattern
}

// Pattern is one symbol pattern in a version node or dynamic list.
type Pattern struct {
	Text string
	Glob bool   // contains * ? or [ and was not quoted
	Lang string // "", or "C", "C++", "Java" inside extern "..." { }
}

// Match reports whether the symbol name matches, with fnmatch(3) semantics
// (flags 0, as ld uses) for globs and exact comparison otherwise. Lang is
// not consulted: for "C++" patterns pass the demangled name.
func (p Pattern) Match(name string) bool {
	if !p.Glob {
		return p.Text == name
	}
	return globMatch(p.Text, name)
}

type tokKind int

const (
	tokEOF tokKind = iota
	tokWord
	tokString
	tokPunct // { } ; :
)

type token struct {
	kind tokKind
	text string
	line int
}

// scriptError is the one-line "file:line: message" error both parsers return.
func scriptError(file string, line int, format string, args ...any) error {
	return fmt.Errorf("%s:%d: %s", file, line, fmt.Sprintf(format, args...))
}

// lex splits src into tokens. Words run until whitespace, a comment, a
// quote or one of "{};" or a lone ':' ("::" stays inside C++ names).
func lex(file string, src []byte) ([]token, error) {
	var toks []token
	line := 1
	s := string(src)
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\n':
			line++
			i++
		case c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v':
			i++
		case c == '#':
			for i < len(s) && s[i] != '\n' {
				i++
			}
		case strings.HasPrefix(s[i:], "/*"):
			end := strings.Index(s[i+2:], "*/")
			if end < 0 {
				return nil, scriptError(file, line, "unterminated comment")
			}
			line += strings.Count(s[i:i+2+end], "\n")
			i += end + 4
		case c == '"':
			end := strings.IndexByte(s[i+1:], '"')
			if end < 0 {
				return nil, scriptError(file, line, "unterminated string")
			}
			toks = append(toks, token{tokString, s[i+1 : i+1+end], line})
			line += strings.Count(s[i+1:i+1+end], "\n")
			i += end + 2
		case c == '{' || c == '}' || c == ';' || (c == ':' && !strings.HasPrefix(s[i:], "::")):
			toks = append(toks, token{tokPunct, s[i : i+1], line})
			i++
		default:
			start := i
			for i < len(s) && !wordEnd(s, i) {
				if strings.HasPrefix(s[i:], "::") {
					i++
				}
				i++
			}
			toks = append(toks, token{tokWord, s[start:i], line})
		}
	}
	return append(toks, token{tokEOF, "", line}), nil
}

func wordEnd(s string, i int) bool {
	switch s[i] {
	case ' ', '\t', '\r', '\n', '\f', '\v', '"', '#', '{', '}', ';':
		return true
	case ':':
		return !strings.HasPrefix(s[i:], "::")
	case '/':
		return strings.HasPrefix(s[i:], "/*")
	}
	return false
}

type scriptParser struct {
	file string
	toks []token
	pos  int
}

func (p *scriptParser) peek() token {
	return p.toks[p.pos]
}

func (p *scriptParser) next() token {
	t := p.toks[p.pos]
	if t.kind != tokEOF {
		p.pos++
	}
	return t
}

func (p *scriptParser) errNear(t token) error {
	if t.kind == tokEOF {
		return scriptError(p.file, t.line, "syntax error near end of file")
	}
	return scriptError(p.file, t.line, "syntax error near %q", t.text)
}

func (p *scriptParser) isPunct(t token, s string) bool {
	return t.kind == tokPunct && t.text == s
}

func (p *scriptParser) expect(s string) error {
	if t := p.next(); !p.isPunct(t, s) {
		return p.errNear(t)
	}
	return nil
}

// endItem consumes the ';' after a pattern or extern block; before a '}'
// it may be missing.
func (p *scriptParser) endItem() error {
	t := p.peek()
	if p.isPunct(t, ";") {
		p.next()
		return nil
	}
	if p.isPunct(t, "}") {
		return nil
	}
	return p.errNear(t)
}

// body parses the inside of a version node or dynamic list up to and
// including its '}'. Labels are only recognized when allowed (version
// nodes); in a dynamic list "global" is just a symbol name.
func (p *scriptParser) body(labels bool) (global, local []Pattern, err error) {
	cur := &global
	for {
		t := p.next()
		switch {
		case p.isPunct(t, "}"):
			return global, local, nil
		case labels && t.kind == tokWord && (t.text == "global" || t.text == "local") && p.isPunct(p.peek(), ":"):
			p.next()
			if t.text == "global" {
				cur = &global
			} else {
				cur = &local
			}
		case t.kind == tokWord && t.text == "extern" && p.peek().kind == tokString:
			lang := p.next()
			if lang.text != "C" && lang.text != "C++" && lang.text != "Java" {
				return nil, nil, scriptError(p.file, lang.line, "unknown language %q in extern block", lang.text)
			}
			if err := p.expect("{"); err != nil {
				return nil, nil, err
			}
			for {
				pt := p.next()
				if p.isPunct(pt, "}") {
					break
				}
				if pt.kind != tokWord && pt.kind != tokString {
					return nil, nil, p.errNear(pt)
				}
				*cur = append(*cur, newPattern(pt, lang.text))
				if err := p.endItem(); err != nil {
					return nil, nil, err
				}
			}
			if err := p.endItem(); err != nil {
				return nil, nil, err
			}
		case t.kind == tokWord || t.kind == tokString:
			*cur = append(*cur, newPattern(t, ""))
			if err := p.endItem(); err != nil {
				return nil, nil, err
			}
		default:
			return nil, nil, p.errNear(t)
		}
	}
}

func newPattern(t token, lang string) Pattern {
	return Pattern{
		Text: t.text,
		Glob: t.kind == tokWord && strings.ContainsAny(t.text, "*?["),
		Lang: lang,
	}
}

// ParseVersionScript parses a --version-script file. name is used only in
// error messages, which are one line: "file.map:3: syntax error near \"}\"".
// Besides syntax it checks what ld checks: no duplicate version names,
// parents defined earlier, and an anonymous node only on its own.
func ParseVersionScript(name string, src []byte) (*VersionScript, error) {
	toks, err := lex(name, src)
	if err != nil {
		return nil, err
	}
	p := &scriptParser{file: name, toks: toks}
	vs := &VersionScript{}
	seen := map[string]bool{}
	anon := false
	for p.peek().kind != tokEOF {
		start := p.next()
		var node VersionNode
		switch {
		case p.isPunct(start, "{"):
			if len(vs.Nodes) > 0 {
				return nil, scriptError(name, start.line, "anonymous version tag cannot be combined with other version tags")
			}
			anon = true
		case start.kind == tokWord:
			if anon {
				return nil, scriptError(name, start.line, "anonymous version tag cannot be combined with other version tags")
			}
			if seen[start.text] {
				return nil, scriptError(name, start.line, "duplicate version tag %q", start.text)
			}
			node.Name = start.text
			if err := p.expect("{"); err != nil {
				return nil, err
			}
		default:
			return nil, p.errNear(start)
		}
		if node.Global, node.Local, err = p.body(true); err != nil {
			return nil, err
		}
		for p.peek().kind == tokWord {
			dep := p.next()
			if anon || !seen[dep.text] {
				return nil, scriptError(name, dep.line, "version dependency %q not defined", dep.text)
			}
			node.Parents = append(node.Parents, dep.text)
		}
		if err := p.expect(";"); err != nil {
			return nil, err
		}
		if node.Name != "" {
			seen[node.Name] = true
		}
		vs.Nodes = append(vs.Nodes, node)
	}
	return vs, nil
}

// ParseDynamicList parses a --dynamic-list file: one "{ ... };" block of
// patterns (no global:/local: labels), which become dynamic exports.
func ParseDynamicList(name string, src []byte) ([]Pattern, error) {
	toks, err := lex(name, src)
	if err != nil {
		return nil, err
	}
	p := &scriptParser{file: name, toks: toks}
	if err := p.expect("{"); err != nil {
		return nil, err
	}
	pats, _, err := p.body(false)
	if err != nil {
		return nil, err
	}
	if err := p.expect(";"); err != nil {
		return nil, err
	}
	if t := p.next(); t.kind != tokEOF {
		return nil, p.errNear(t)
	}
	return pats, nil
}
