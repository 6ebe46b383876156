package link

import (
	"debug/elf"
	"fmt"
	"path/filepath"
	"strings"
)

// SharedFile is a shared library given as input: only its dynamic symbol
// table matters to the link.
type SharedFile struct {
	Name      string // the path as found
	Soname    string // what DT_NEEDED will say
	hasSoname bool
	Priority  int
	AsNeeded  bool
	Used      bool // some reference binds to it, or it is not --as-needed
	data      []byte

	Syms   []sharedSym
	Needed []string // the library's own DT_NEEDED entries
	// verdefs are the library's version names by index, for versioned
	// references (.gnu.version_r) from the output.
	verNames []string
	verIdx   map[string]uint16 // verdef index by name
}

type sharedSym struct {
	Name   string
	Ver    string // version name, "" when unversioned
	Hidden bool   // non-default version (name@VER): only versioned references reach it
	Value  uint64
	Size   uint64
	Type   elf.SymType
	Bind   elf.SymBind
	Vis    elf.SymVis
	Undef  bool
}

// parseShared reads the dynamic symbols, versions and soname of a shared
// library.
func parseShared(name string, data []byte) (*SharedFile, error) {
	typ, err := checkELFHeader(data)
	if err != nil {
		return nil, err
	}
	if typ != elf.ET_DYN {
		return nil, fmt.Errorf("not a shared library (ELF type %v)", typ)
	}
	// Reading section headers is shared with relocatable objects.
	obj := &ObjectFile{Name: name, data: data}
	if err := obj.readSectionHeaders(); err != nil {
		return nil, err
	}
	f := &SharedFile{Name: name, data: data, verIdx: map[string]uint16{}}
	var dynsym, versym, verdef, dynamic []byte
	var dynstr []byte
	verdefNum := 0
	for i, h := range obj.shdrs {
		var err error
		switch h.Type {
		case elf.SHT_DYNSYM:
			if dynsym, err = obj.sectionData(uint32(i)); err == nil {
				dynstr, err = obj.sectionData(h.Link)
			}
		case elf.SHT_GNU_VERSYM:
			versym, err = obj.sectionData(uint32(i))
		case elf.SHT_GNU_VERDEF:
			verdef, err = obj.sectionData(uint32(i))
			verdefNum = int(h.Info)
		case elf.SHT_DYNAMIC:
			dynamic, err = obj.sectionData(uint32(i))
		}
		if err != nil {
			return nil, err
		}
	}
	f.Soname = filepath.Base(name)
	for off := 0; off+dynSize <= len(dynamic); off += dynSize {
		tag := elf.DynTag(le.Uint64(dynamic[off:]))
		if tag == elf.DT_NULL {
			break
		}
		if tag == elf.DT_NEEDED {
			if s, ok := cstring(dynstr, uint32(le.Uint64(dynamic[off+8:]))); ok {
				f.Needed = append(f.Needed, s)
			}
		}
		if tag == elf.DT_SONAME {
			s, ok := cstring(dynstr, uint32(le.Uint64(dynamic[off+8:])))
			if !ok {
				return nil, fmt.Errorf("DT_SONAME string offset out of range")
			}
			f.Soname = s
			f.hasSoname = true
		}
	}
	if err := f.readVerdefs(verdef, verdefNum, dynstr); err != nil {
		return nil, err
	}
	n := len(dynsym) / symSize
	if versym != nil && len(versym) < n*2 {
		return nil, fmt.Errorf(".gnu.version has %d entries for %d symbols", len(versym)/2, n)
	}
	f.Syms = make([]sharedSym, 0, n)
	for i := 1; i < n; i++ {
		s := readSym(dynsym[i*symSize:])
		if s.bind() == elf.STB_LOCAL {
			continue
		}
		nm, ok := cstring(dynstr, s.Name)
		if !ok {
			return nil, fmt.Errorf("dynamic symbol %d: name offset %d out of range", i, s.Name)
		}
		ss := sharedSym{Name: nm, Value: s.Value, Size: s.Size, Type: s.typ(), Bind: s.bind(), Vis: s.vis(), Undef: s.isUndef()}
		if versym != nil {
			v := le.Uint16(versym[i*2:])
			ss.Hidden = v&0x8000 != 0
			idx := v & 0x7fff
			if idx >= 2 && int(idx) < len(f.verNames) {
				ss.Ver = f.verNames[idx]
			}
			if idx == 0 && !ss.Undef {
				continue // VER_NDX_LOCAL: not visible outside
			}
		}
		f.Syms = append(f.Syms, ss)
	}
	return f, nil
}

// readVerdefs records the version names defined by the library, by index.
func (f *SharedFile) readVerdefs(data []byte, count int, strtab []byte) error {
	off := 0
	for i := 0; i < count && i < 1<<15; i++ {
		if off+20 > len(data) {
			return fmt.Errorf(".gnu.version_d: entry %d runs past the section", i)
		}
		idx := le.Uint16(data[off+4:])
		aux := int(le.Uint32(data[off+12:]))
		next := int(le.Uint32(data[off+16:]))
		if off+aux+8 > len(data) || aux < 0 {
			return fmt.Errorf(".gnu.version_d: entry %d: auxiliary entry out of range", i)
		}
		name, ok := cstring(strtab, le.Uint32(data[off+aux:]))
		if !ok {
			return fmt.Errorf(".gnu.version_d: entry %d: name out of range", i)
		}
		for int(idx) >= len(f.verNames) {
			f.verNames = append(f.verNames, "")
		}
		f.verNames[idx] = name
		if le.Uint16(data[off+2:])&uint16(elf.VER_FLG_BASE) == 0 {
			f.verIdx[name] = idx
		}
		if next <= 0 {
			break
		}
		off += next
	}
	return nil
}

// isSharedLibName reports whether a path names a shared library by its
// suffix (libfoo.so, libfoo.so.1).
func isSharedLibName(p string) bool {
	b := filepath.Base(p)
	return strings.HasSuffix(b, ".so") || strings.Contains(b, ".so.")
}
