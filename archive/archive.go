// Package archive reads Unix ar archives (static libraries) the way the
// linker needs them: the member list, each member's bytes and the symbol
// index that says which member defines which symbol.
//
// The reader is zero-copy: member data aliases the caller's buffer (usually
// an mmap of the file), so opening libc.a costs a walk over its headers and
// not a copy of its 5 MB. Every size and offset taken from the file is
// checked against the real buffer length before it is used, so malformed or
// hostile input yields a one-line error and never a panic or a hang.
//
// Supported: GNU/SysV ("//" long-name table, "/" and "/SYM64/" index), BSD
// ("#1/LEN" names, "__.SYMDEF" index) and GNU thin archives ("!<thin>\n").
package archive

import "bytes"

const (
	magic     = "!<arch>\n"
	thinMagic = "!<thin>\n"
	magicSize = 8
)

// Member is one archive member. For a regular archive Data aliases the
// archive bytes (no copy). For a thin archive Data is nil and Path is the
// member's file path resolved relative to the archive's directory.
type Member struct {
	Name   string // member name with GNU "/" terminator and long-name indirection resolved
	Offset int64  // offset of the member header in the archive (used in error messages: "libfoo.a(bar.o)")
	Data   []byte
	Path   string // thin archives only
	// Size is the size recorded in the header: len(Data) for a regular
	// archive, the expected size of the external file for a thin one (so
	// the linker can notice a file that changed after the archive was made).
	Size int64
}

// Archive is a parsed archive. It holds no file handle; Members alias the
// buffer given to Parse, which must stay alive and unmodified.
type Archive struct {
	Path    string
	Thin    bool
	Members []Member
	// Index is the symbol index as the file lists it: the GNU "/" (32-bit)
	// or "/SYM64/" (64-bit) index, or the BSD "__.SYMDEF" / "__.SYMDEF
	// SORTED" (or _64) index, each entry's member checked to exist. A GNU
	// index lists members in archive order. Nil when there is no index.
	Index    []IndexEntry
	HasIndex bool

	symbols map[string][]int // built by Symbols on first use
}

// IndexEntry says that Members[Member] defines Name.
type IndexEntry struct {
	Name   string
	Member int
}

// Symbols maps a symbol name to the indices in Members of the members that
// define it, in archive order without duplicates, so Symbols()[s][0] is the
// first definition (the one a linker pulls in). Nil when the archive has no
// index. Built on first use: a linker walking Index needs no map.
func (a *Archive) Symbols() map[string][]int {
	if a.symbols == nil && a.Index != nil {
		a.symbols = symbolMap(a.Index)
	}
	return a.symbols
}

// IsArchive reports whether data starts with a regular or thin ar magic.
func IsArchive(data []byte) bool {
	return bytes.HasPrefix(data, []byte(magic)) || bytes.HasPrefix(data, []byte(thinMagic))
}

// Parse parses the archive in data. path is used for error messages and, for
// thin archives, as the base that member paths are relative to. data is not
// copied: the returned Members alias it.
func Parse(path string, data []byte) (*Archive, error) {
	a := &Archive{Path: path}
	switch {
	case bytes.HasPrefix(data, []byte(magic)):
	case bytes.HasPrefix(data, []byte(thinMagic)):
		a.Thin = true
	default:
		return nil, errorf(path, -1, "not an ar archive")
	}
	p := parser{a: a, data: data}
	if err := p.walk(); err != nil {
		return nil, err
	}
	if err := p.finishNames(); err != nil {
		return nil, err
	}
	if p.index.kind != noIndex {
		if err := a.readIndex(p.index); err != nil {
			return nil, err
		}
	}
	return a, nil
}

// parser carries the state of one walk over the member headers.
type parser struct {
	a         *Archive
	data      []byte
	longNames *strtab // the "//" member, converted once so long names are substrings, not allocations
	index     indexMember
	seen      int    // headers seen so far, including special members: the index must be the first
	nameBuf   []byte // short and BSD names, see nameRef
	spans     []span // per member, where its name is in nameBuf
}

// walk visits every member header in file order. Each iteration advances
// by at least one header, so it terminates on any input.
func (p *parser) walk() error {
	data := p.data
	path := p.a.Path
	n := int64(len(data))
	for off := int64(magicSize); off < n; p.seen++ {
		if n-off < headerSize {
			return errorf(path, off, "truncated header (%d bytes left, want %d)", n-off, headerSize)
		}
		hdr := data[off : off+headerSize]
		if hdr[fmagStart] != '`' || hdr[fmagStart+1] != '\n' {
			return errorf(path, off, "bad header terminator %q (want \"`\\n\")", hdr[fmagStart:])
		}
		size, ok := parseDecimal(hdr[sizeStart:sizeEnd])
		if !ok {
			return errorf(path, off, "bad size field %q", hdr[sizeStart:sizeEnd])
		}
		raw := trimSpaces(hdr[:nameEnd])
		kind := specialKind(raw)

		// In a thin archive only the index and the name table are stored;
		// regular members live in their own files, so their size must not
		// be checked against this buffer.
		start := off + headerSize
		next := start
		var body []byte
		if !p.a.Thin || kind != kindRegular {
			if size > n-start {
				return errorf(path, off, "size %d runs past end of file (%d bytes)", size, n)
			}
			body = data[start : start+size : start+size]
			next = start + size
			// Members are 2-byte aligned; tolerate a missing final pad byte.
			if next%2 == 1 && next < n {
				next++
			}
		}

		if err := p.member(off, kind, raw, size, body); err != nil {
			return err
		}
		off = next
	}
	return nil
}

// member handles one header: special members update parser state, regular
// ones are appended to Members.
func (p *parser) member(off int64, kind memberKind, raw []byte, size int64, body []byte) error {
	path := p.a.Path
	switch kind {
	case kindGNUIndex32, kindGNUIndex64:
		return p.setIndex(off, kind, body)
	case kindLongNames:
		if p.longNames != nil {
			return errorf(path, off, "second long-name table")
		}
		t, ok := newStrtab(string(body), isLongNameEnd)
		if !ok {
			return errorf(path, off, "long-name table of %d bytes is too large", len(body))
		}
		p.longNames = t
		return nil
	}

	name, body, err := p.resolveName(off, raw, body)
	if err != nil {
		return err
	}
	// A BSD index is an ordinary-looking member whose name is only special
	// in first position; elsewhere it is kept as a plain member.
	if k := bsdIndexKind(name); k != kindRegular && p.seen == 0 && !p.a.Thin {
		return p.setIndex(off, k, body)
	}

	m := Member{Name: name.str, Offset: off, Size: size}
	sp := span{-1, -1}
	if name.inRaw {
		sp = span{len(p.nameBuf), len(p.nameBuf) + len(name.raw)}
		p.nameBuf = append(p.nameBuf, name.raw...)
	}
	if !p.a.Thin {
		m.Data = body
		m.Size = int64(len(body)) // excludes a BSD "#1/" name stored in the data
	}
	p.a.Members = append(p.a.Members, m)
	p.spans = append(p.spans, sp)
	return nil
}

// finishNames converts the gathered short names with a single allocation
// and, now that names are final, resolves thin member paths.
func (p *parser) finishNames() error {
	all := string(p.nameBuf)
	for i, sp := range p.spans {
		m := &p.a.Members[i]
		if sp.start >= 0 {
			m.Name = all[sp.start:sp.end]
		}
		if p.a.Thin {
			if len(m.Name) > maxThinName {
				return errorf(p.a.Path, m.Offset, "thin member name of %d bytes is longer than PATH_MAX", len(m.Name))
			}
			m.Path = thinPath(p.a.Path, m.Name)
		}
	}
	return nil
}

// span locates a member's name in parser.nameBuf; start < 0 means the name
// was already a string (a long name).
type span struct{ start, end int }

// setIndex records the symbol index member; it is decoded after the walk,
// once every member offset is known.
func (p *parser) setIndex(off int64, kind memberKind, body []byte) error {
	if p.index.kind != noIndex || p.seen != 0 {
		return errorf(p.a.Path, off, "symbol index is not the first member")
	}
	p.index = indexMember{kind: kind, offset: off, body: body}
	p.a.HasIndex = true
	return nil
}
