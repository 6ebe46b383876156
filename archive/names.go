package archive

import (
	"bytes"
	"strings"
)

// memberKind tells special members (indexes, name table) from regular ones.
type memberKind int

const (
	kindRegular    memberKind = iota
	kindGNUIndex32            // "/"
	kindGNUIndex64            // "/SYM64/"
	kindLongNames             // "//"
	kindBSDIndex32            // "__.SYMDEF", "__.SYMDEF SORTED"
	kindBSDIndex64            // "__.SYMDEF_64", "__.SYMDEF_64 SORTED"
)

// noIndex is the index kind of an archive without a symbol index.
const noIndex = kindRegular

// specialKind classifies a raw (space-trimmed) GNU header name. BSD index
// names are recognised later, after "#1/" indirection, by bsdIndexKind.
func specialKind(raw []byte) memberKind {
	switch string(raw) { // no allocation: the compiler optimises string(b) in a switch
	case "/":
		return kindGNUIndex32
	case "/SYM64/":
		return kindGNUIndex64
	case "//":
		return kindLongNames
	}
	return kindRegular
}

func bsdIndexKind(name nameRef) memberKind {
	n := name.str
	if name.inRaw {
		n = string(name.raw) // no allocation: only compared
	}
	switch n {
	case "__.SYMDEF", "__.SYMDEF SORTED":
		return kindBSDIndex32
	case "__.SYMDEF_64", "__.SYMDEF_64 SORTED":
		return kindBSDIndex64
	}
	return kindRegular
}

// nameRef is a resolved member name. Long names are substrings of the
// already-converted "//" table (str); short and BSD names are bytes of the
// archive (raw), which the parser gathers into one string after the walk so
// that libc.a's 1700 members do not cost 1700 small allocations.
type nameRef struct {
	str   string
	raw   []byte
	inRaw bool
}

// resolveName turns the raw header name of a regular member into its real
// name, and returns the member data with any in-data name removed.
//
//	"foo.o/"  GNU short name, "/" terminated (lets names contain spaces)
//	"/123"    GNU long name at offset 123 of the "//" table
//	"#1/20"   BSD: the name is the first 20 bytes of the data
//	"foo.o"   BSD/old SysV short name, no terminator
func (p *parser) resolveName(off int64, raw, body []byte) (nameRef, []byte, error) {
	path := p.a.Path
	switch {
	case len(raw) > 1 && raw[0] == '/' && raw[1] >= '0' && raw[1] <= '9':
		name, err := p.longName(off, raw)
		return nameRef{str: name}, body, err

	case len(raw) > 3 && string(raw[:3]) == "#1/":
		if p.a.Thin {
			// Thin archives are a GNU format; a BSD name would live in
			// data that a thin archive does not store.
			return nameRef{}, nil, errorf(path, off, "BSD name %q in a thin archive", raw)
		}
		n, ok := parseDecimal(raw[3:])
		if !ok {
			return nameRef{}, nil, errorf(path, off, "bad BSD name length %q", raw)
		}
		if n > int64(len(body)) {
			return nameRef{}, nil, errorf(path, off, "BSD name length %d exceeds member size %d", n, len(body))
		}
		// The name is NUL padded so the data that follows is aligned.
		name := body[:n]
		for len(name) > 0 && name[len(name)-1] == 0 {
			name = name[:len(name)-1]
		}
		return nameRef{raw: name, inRaw: true}, body[n:len(body):len(body)], nil
	}

	if len(raw) > 0 && raw[len(raw)-1] == '/' {
		raw = raw[:len(raw)-1]
	}
	return nameRef{raw: raw, inRaw: true}, body, nil
}

// longName looks up a GNU "/123" name in the "//" table. Entries end in
// "/\n" (GNU) or NUL (some COFF writers). In thin archives "/123:456" names
// a member at offset 456 inside a regular archive nested in the thin one.
func (p *parser) longName(off int64, raw []byte) (string, error) {
	path := p.a.Path
	digits := raw[1:]
	if i := bytes.IndexByte(digits, ':'); i >= 0 {
		if p.a.Thin {
			return "", errorf(path, off, "name %q refers into a nested archive, which is not supported", raw)
		}
		return "", errorf(path, off, "bad long name reference %q", raw)
	}
	at, ok := parseDecimal(digits)
	if !ok {
		return "", errorf(path, off, "bad long name reference %q", raw)
	}
	if p.longNames == nil {
		return "", errorf(path, off, "long name %q but no \"//\" name table precedes it", raw)
	}
	if at >= int64(len(p.longNames.s)) {
		return "", errorf(path, off, "long name offset %d past end of name table (%d bytes)", at, len(p.longNames.s))
	}
	name := p.longNames.at(int(at))
	name = strings.TrimSuffix(name, "/")
	return name, nil
}
