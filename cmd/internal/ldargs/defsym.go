package ldargs

import (
	"fmt"
	"strconv"
	"strings"

	"gold/link"
)

// parseDefsym parses --defsym NAME=EXPR. ld accepts any linker-script
// expression; gold takes the forms people write: NUMBER, SYMBOL,
// SYMBOL+NUMBER and SYMBOL-NUMBER.
func parseDefsym(v string) (link.Defsym, error) {
	name, expr, ok := strings.Cut(v, "=")
	name, expr = strings.TrimSpace(name), strings.TrimSpace(expr)
	if !ok || name == "" || expr == "" {
		return link.Defsym{}, fmt.Errorf("--defsym %s: want NAME=EXPR", v)
	}
	bad := fmt.Errorf("--defsym %s: unsupported expression %q (want NUMBER, SYMBOL or SYMBOL+NUMBER)", v, expr)
	if n, ok := parseNumber(expr); ok {
		return link.Defsym{Name: name, Addend: int64(n)}, nil
	}
	sym, rest := expr, ""
	if i := strings.IndexAny(expr, "+-"); i >= 0 {
		sym, rest = strings.TrimSpace(expr[:i]), expr[i:]
	}
	if !isSymbolName(sym) {
		return link.Defsym{}, bad
	}
	d := link.Defsym{Name: name, Symbol: sym}
	if rest == "" {
		return d, nil
	}
	n, ok := parseNumber(strings.TrimSpace(rest[1:]))
	if !ok {
		return link.Defsym{}, bad
	}
	d.Addend = int64(n) // addresses wrap, as ld's bfd_vma arithmetic does
	if rest[0] == '-' {
		d.Addend = -d.Addend
	}
	return d, nil
}

// isSymbolName accepts what ld's expression lexer takes as a name: it may
// not start with a digit, and holds no operators or blanks.
func isSymbolName(s string) bool {
	if s == "" || (s[0] >= '0' && s[0] <= '9') {
		return false
	}
	for _, c := range s {
		ok := c == '_' || c == '.' || c == '$' || c == '@' ||
			(c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
		if !ok {
			return false
		}
	}
	return true
}

// parseNumber reads a linker-script number: 0x-prefixed hex or decimal,
// optionally scaled by a K or M suffix.
func parseNumber(s string) (uint64, bool) {
	scale := uint64(1)
	switch {
	case strings.HasSuffix(s, "K"), strings.HasSuffix(s, "k"):
		scale, s = 1<<10, s[:len(s)-1]
	case strings.HasSuffix(s, "M"), strings.HasSuffix(s, "m"):
		scale, s = 1<<20, s[:len(s)-1]
	}
	var n uint64
	var err error
	if strings.HasPrefix(s, "0x") || strings.HasPrefix(s, "0X") {
		if scale != 1 {
			return 0, false // "0x1K" is ambiguous; ld's lexer rejects it too
		}
		n, err = strconv.ParseUint(s[2:], 16, 64)
	} else {
		n, err = strconv.ParseUint(s, 10, 64)
	}
	if err != nil || n > ^uint64(0)/scale {
		return 0, false
	}
	return n * scale, true
}
