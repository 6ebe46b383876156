package script

import (
	"fmt"
	"strings"
)

// tokKind tells a word from punctuation.
type tokKind int

const (
	tokEOF tokKind = iota
	tokWord
	tokPunct // one of ( ) , ; { }
)

type token struct {
	kind tokKind
	text string
	line int
}

// lexer cuts a script into words and punctuation, dropping white space and
// /* */ comments. A word is anything else up to the next delimiter, so file
// names need no quoting; "quoted strings" are words too (ld has no escapes
// in them).
type lexer struct {
	name string
	src  string
	pos  int
	line int
}

// punct are the characters that end a word and stand alone.
const punct = "(),;{}"

func (l *lexer) next() (token, error) {
	if err := l.skipSpace(); err != nil {
		return token{}, err
	}
	if l.pos >= len(l.src) {
		return token{kind: tokEOF, line: l.line}, nil
	}
	c := l.src[l.pos]
	switch {
	case strings.IndexByte(punct, c) >= 0:
		l.pos++
		return token{kind: tokPunct, text: string(c), line: l.line}, nil
	case c == '"':
		end := strings.IndexByte(l.src[l.pos+1:], '"')
		if end < 0 {
			return token{}, l.errorf("unterminated string")
		}
		text := l.src[l.pos+1 : l.pos+1+end]
		t := token{kind: tokWord, text: text, line: l.line}
		l.line += strings.Count(text, "\n")
		l.pos += end + 2
		return t, nil
	}
	start := l.pos
	for l.pos < len(l.src) {
		c := l.src[l.pos]
		if isSpace(c) || c == '"' || strings.IndexByte(punct, c) >= 0 || strings.HasPrefix(l.src[l.pos:], "/*") {
			break
		}
		l.pos++
	}
	return token{kind: tokWord, text: l.src[start:l.pos], line: l.line}, nil
}

// skipSpace moves past white space and comments, counting lines.
func (l *lexer) skipSpace() error {
	for l.pos < len(l.src) {
		c := l.src[l.pos]
		switch {
		case c == '\n':
			l.line++
			l.pos++
		case isSpace(c):
			l.pos++
		case strings.HasPrefix(l.src[l.pos:], "/*"):
			end := strings.Index(l.src[l.pos+2:], "*/")
			if end < 0 {
				return l.errorf("unterminated comment")
			}
			l.line += strings.Count(l.src[l.pos:l.pos+2+end], "\n")
			l.pos += end + 4
		default:
			return nil
		}
	}
	return nil
}

func isSpace(c byte) bool { return c == ' ' || (c >= '\t' && c <= '\r') }

func (l *lexer) errorf(format string, args ...any) error {
	return fmt.Errorf("%s:%d: %s", l.name, l.line, fmt.Sprintf(format, args...))
}
