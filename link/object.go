package link

import (
	"debug/elf"
	"fmt"
	"strings"
	"unsafe"
)

// ObjectFile is a relocatable object (a command-line .o or an archive
// member) as the pipeline sees it: its sections, its symbols and the
// relocations that hang off each section.
type ObjectFile struct {
	Name     string // as shown in diagnostics: "foo.o" or "libfoo.a(foo.o)"
	Priority int    // position among all inputs; lower wins ties
	data     []byte

	Sections []*InputSection // indexed by ELF section index; nil for sections not kept
	shdrs    []shdr
	shstrtab []byte

	esyms       []esym
	xindexes    map[int]uint32 // symbol -> section index, for SHN_XINDEX symbols
	strtab      []byte
	FirstGlobal int
	// Symbols is indexed like the ELF symbol table: locals are owned by this
	// file (in locals), globals point into the linker's global table.
	Symbols []*Symbol
	locals  []Symbol
	// symbolsReady: prepareSymbols has filled Symbols and locals; the
	// errors it met wait in localErrs for addObject.
	symbolsReady bool
	localErrs    []error

	groups []comdatGroup

	Live        bool          // extracted from its archive, or given directly
	mapping     *inputMapping // the file (or archive) the object's bytes live in
	archive     *archiveInput
	memberIndex int
	inArchive   bool
	excludeLibs bool // symbols are not exported (--exclude-libs)

	hasGNUStack   bool
	execStack     bool
	x86Features   uint32 // GNU_PROPERTY_X86_FEATURE_1_AND bits
	hasX86Feature bool
	hasTLS        bool
	IsCxx         bool // has C++ mangled symbols or .gcc_except_table
}

type comdatGroup struct {
	signature string
	members   []uint32
}

// parseObject reads an ELF relocatable object. Symbols are not yet entered
// into the global table: that is resolution's job.
func parseObject(name string, data []byte) (*ObjectFile, error) {
	typ, err := checkELFHeader(data)
	if err != nil {
		return nil, err
	}
	if typ != elf.ET_REL {
		return nil, fmt.Errorf("not a relocatable object (ELF type %v)", typ)
	}
	f := &ObjectFile{Name: name, data: data}
	if err := f.readSectionHeaders(); err != nil {
		return nil, err
	}
	if err := f.readSymbols(); err != nil {
		return nil, err
	}
	if err := f.readSections(); err != nil {
		return nil, err
	}
	if f.isSlimLTO() {
		return nil, fmt.Errorf("GCC LTO object without machine code, but gold does not support link-time optimisation; compile without -flto (or with -ffat-lto-objects)")
	}
	return f, nil
}

// isSlimLTO reports whether the object holds only GCC's LTO bytecode
// (gcc -flto marks such objects with the symbol __gnu_lto_slim).
func (f *ObjectFile) isSlimLTO() bool {
	for i := range f.esyms {
		if name, err := f.symName(i); err == nil && name == "__gnu_lto_slim" {
			return true
		}
	}
	return false
}

func (f *ObjectFile) readSectionHeaders() error {
	data := f.data
	shoff := le.Uint64(data[40:])
	shentsize := le.Uint16(data[58:])
	shnum := uint64(le.Uint16(data[60:]))
	shstrndx := uint32(le.Uint16(data[62:]))
	if shoff == 0 {
		return fmt.Errorf("no section header table")
	}
	if shentsize != shdrSize {
		return fmt.Errorf("section header size %d, want %d", shentsize, shdrSize)
	}
	if _, err := slice(data, shoff, shdrSize, "section header table"); err != nil {
		return err
	}
	first := readShdr(data[shoff:])
	// More than 0xff00 sections: the real count and string-table index are
	// in section 0 (SHN_XINDEX escape).
	if shnum == 0 {
		shnum = first.Size
	}
	if shstrndx == uint32(elf.SHN_XINDEX) {
		shstrndx = first.Link
	}
	if shnum > uint64(len(data))/shdrSize {
		return fmt.Errorf("section count %d does not fit in the file (%d bytes)", shnum, len(data))
	}
	tab, err := slice(data, shoff, shnum*shdrSize, "section header table")
	if err != nil {
		return err
	}
	f.shdrs = make([]shdr, shnum)
	for i := range f.shdrs {
		f.shdrs[i] = readShdr(tab[i*shdrSize:])
	}
	if uint64(shstrndx) >= shnum {
		return fmt.Errorf("section name table index %d out of range (%d sections)", shstrndx, shnum)
	}
	f.shstrtab, err = f.sectionData(shstrndx)
	return err
}

// sectionData returns the file bytes of section i (nil for SHT_NOBITS).
func (f *ObjectFile) sectionData(i uint32) ([]byte, error) {
	if uint64(i) >= uint64(len(f.shdrs)) {
		return nil, fmt.Errorf("section index %d out of range (%d sections)", i, len(f.shdrs))
	}
	h := f.shdrs[i]
	if h.Type == elf.SHT_NOBITS {
		return nil, nil
	}
	if h.Offset <= uint64(len(f.data)) && h.Size <= uint64(len(f.data))-h.Offset {
		return f.data[h.Offset : h.Offset+h.Size], nil
	}
	return slice(f.data, h.Offset, h.Size, fmt.Sprintf("section %d", i)) // the error, worded once
}

func (f *ObjectFile) sectionName(i uint32) string {
	s, _ := cstring(f.shstrtab, f.shdrs[i].Name)
	return s
}

func (f *ObjectFile) readSymbols() error {
	symtabIdx := -1
	for i, h := range f.shdrs {
		if h.Type == elf.SHT_SYMTAB {
			symtabIdx = i
			break
		}
	}
	if symtabIdx < 0 {
		return nil // an object with no symbols (rare, but legal)
	}
	h := f.shdrs[symtabIdx]
	raw, err := f.sectionData(uint32(symtabIdx))
	if err != nil {
		return err
	}
	if h.Entsize != symSize {
		return fmt.Errorf("section %d: symbol entry size %d, want %d", symtabIdx, h.Entsize, symSize)
	}
	if h.Size%symSize != 0 {
		return fmt.Errorf("section %d: size 0x%x is not a multiple of the entry size %d", symtabIdx, h.Size, symSize)
	}
	if uint64(h.Link) >= uint64(len(f.shdrs)) {
		return fmt.Errorf("section %d: string table section %d out of range (%d sections)", symtabIdx, h.Link, len(f.shdrs))
	}
	if f.shdrs[h.Link].Type != elf.SHT_STRTAB {
		return fmt.Errorf("section %d: string table section %d is not SHT_STRTAB", symtabIdx, h.Link)
	}
	f.strtab, err = f.sectionData(h.Link)
	if err != nil {
		return fmt.Errorf("symbol string table: %w", err)
	}
	var shndx []byte // SHT_SYMTAB_SHNDX: section indices above 0xff00
	for i, s := range f.shdrs {
		if s.Type == elf.SHT_SYMTAB_SHNDX && int(s.Link) == symtabIdx {
			if shndx, err = f.sectionData(uint32(i)); err != nil {
				return err
			}
		}
	}
	n := len(raw) / symSize
	if shndx == nil && n > 0 && hostLittleEndian && uintptr(unsafe.Pointer(&raw[0]))%8 == 0 {
		// esym is Elf64_Sym's little-endian layout (checked in
		// elfbytes.go): an aligned table is used where it lies in the
		// mapping, read-only, like the names.
		f.esyms = unsafe.Slice((*esym)(unsafe.Pointer(&raw[0])), n)
	} else if err := f.copySymbols(raw, shndx, n); err != nil {
		return err
	}
	f.FirstGlobal = int(h.Info)
	if f.FirstGlobal > n || f.FirstGlobal == 0 && n > 0 {
		return fmt.Errorf("section %d: first global symbol index %d out of range (%d symbols)", symtabIdx, h.Info, n)
	}
	return nil
}

// copySymbols decodes the symbol table into a copy: a table that is not
// 8-byte aligned, or one whose SHN_XINDEX entries take their section
// index from SHT_SYMTAB_SHNDX.
func (f *ObjectFile) copySymbols(raw, shndx []byte, n int) error {
	f.esyms = make([]esym, n)
	for i := range f.esyms {
		s := readSym(raw[i*symSize:])
		if s.Shndx == uint16(elf.SHN_XINDEX) {
			if (i+1)*4 > len(shndx) {
				return fmt.Errorf("symbol %d: extended section index missing", i)
			}
			x := le.Uint32(shndx[i*4:])
			if x >= uint32(len(f.shdrs)) {
				return fmt.Errorf("symbol %d: section index %d out of range (%d sections)", i, x, len(f.shdrs))
			}
			s.Shndx = 0xffff // marked; resolved through xindex below
			f.xindex(i, x)
		}
		f.esyms[i] = s
	}
	return nil
}

// Extended section indices are rare; keep them in a side map so esym stays small.
func (f *ObjectFile) xindex(sym int, sec uint32) {
	if f.xindexes == nil {
		f.xindexes = map[int]uint32{}
	}
	f.xindexes[sym] = sec
}

// symSection returns the section index of ELF symbol i.
func (f *ObjectFile) symSection(i int) uint32 {
	s := f.esyms[i]
	if s.Shndx == 0xffff {
		return f.xindexes[i]
	}
	return uint32(s.Shndx)
}

func (f *ObjectFile) symName(i int) (string, error) {
	name, ok := cstring(f.strtab, f.esyms[i].Name)
	if !ok {
		return "", fmt.Errorf("symbol %d: name offset %d out of range", i, f.esyms[i].Name)
	}
	return name, nil
}

// readSections creates an InputSection for each section that can reach the
// output and attaches relocation sections to the sections they patch.
func (f *ObjectFile) readSections() error {
	f.Sections = make([]*InputSection, len(f.shdrs))
	for i, h := range f.shdrs {
		if i == 0 {
			continue
		}
		name, ok := cstring(f.shstrtab, h.Name)
		if !ok {
			return fmt.Errorf("section %d: name offset %d out of range", i, h.Name)
		}
		switch h.Type {
		case elf.SHT_GROUP:
			if err := f.readGroup(uint32(i)); err != nil {
				return err
			}
			continue
		case elf.SHT_SYMTAB, elf.SHT_STRTAB, elf.SHT_REL, elf.SHT_RELA, elf.SHT_NULL, elf.SHT_SYMTAB_SHNDX:
			continue
		}
		switch {
		case name == ".note.GNU-stack":
			f.hasGNUStack = true
			f.execStack = h.Flags&elf.SHF_EXECINSTR != 0
			continue
		case name == ".note.gnu.property":
			f.readProperties(uint32(i))
			continue
		case h.Flags&shfExclude != 0 && h.Flags&elf.SHF_ALLOC == 0,
			name == ".llvm_addrsig", strings.HasPrefix(name, ".gnu.warning"),
			h.Type == shtLLVMAddrsig:
			continue
		}
		data, err := f.sectionData(uint32(i))
		if err != nil {
			return err
		}
		if h.Flags&elf.SHF_COMPRESSED != 0 && h.Type != elf.SHT_NOBITS {
			plain, align, err := decompressSection(data)
			if err != nil {
				return fmt.Errorf("section %d (%s): %v", i, name, err)
			}
			data, h.Size, h.Addralign = plain, uint64(len(plain)), align
			h.Flags &^= elf.SHF_COMPRESSED
		}
		if h.Flags&elf.SHF_MERGE != 0 && h.Type != elf.SHT_NOBITS && h.Entsize != 0 && h.Size%h.Entsize != 0 {
			return fmt.Errorf("section %d (%s): mergeable entry size %d does not divide the section size %d", i, name, h.Entsize, h.Size)
		}
		if h.Addralign > 1<<30 {
			return fmt.Errorf("section %d (%s): alignment 0x%x is too large", i, name, h.Addralign)
		}
		sec := &InputSection{File: f, Index: uint32(i), Name: name, Type: h.Type, Flags: h.Flags,
			Align: max(h.Addralign, 1), Entsize: h.Entsize, Size: h.Size, Data: data, Live: true}
		if h.Type == elf.SHT_NOBITS {
			sec.Data = nil
		}
		if h.Flags&elf.SHF_TLS != 0 {
			f.hasTLS = true
		}
		if name == ".gcc_except_table" || strings.HasPrefix(name, ".gcc_except_table.") {
			f.IsCxx = true
		}
		f.Sections[i] = sec
	}
	for i, h := range f.shdrs {
		if h.Type == elf.SHT_REL {
			return fmt.Errorf("section %d (%s): SHT_REL relocations are not used on x86-64", i, f.sectionName(uint32(i)))
		}
		if h.Type != elf.SHT_RELA {
			continue
		}
		if uint64(h.Info) >= uint64(len(f.shdrs)) {
			return fmt.Errorf("section %d: relocations for section %d, which is out of range (%d sections)", i, h.Info, len(f.shdrs))
		}
		target := f.Sections[h.Info]
		if target == nil {
			continue
		}
		raw, err := f.sectionData(uint32(i))
		if err != nil {
			return err
		}
		if h.Entsize != relaSize {
			return fmt.Errorf("section %d: relocation entry size %d, want %d", i, h.Entsize, relaSize)
		}
		if h.Size%relaSize != 0 {
			return fmt.Errorf("section %d: size 0x%x is not a multiple of the entry size %d", i, h.Size, relaSize)
		}
		if symtab := f.symtabIndex(); h.Link != symtab {
			return fmt.Errorf("section %d: linked to section %d, not the symbol table (section %d)", i, h.Link, symtab)
		}
		target.relsRaw = raw
		target.relSecIndex = uint32(i)
		// Every relocation must name a symbol that exists: checking here
		// keeps the later passes free of bounds checks on hostile input.
		for r := 0; r < target.NumRels(); r++ {
			rel := target.Rel(r)
			if int(rel.Sym) >= len(f.esyms) {
				return fmt.Errorf("section %d: relocation %d refers to symbol %d of %d", i, r, rel.Sym, len(f.esyms))
			}
			if target.Type != elf.SHT_NOBITS && rel.Off+relocWidth(rel.Type) > target.Size {
				return fmt.Errorf("section %d: relocation %d at offset 0x%x is outside section %s (size 0x%x)", i, r, rel.Off, target.Name, target.Size)
			}
		}
	}
	return nil
}

func (f *ObjectFile) readGroup(i uint32) error {
	data, err := f.sectionData(i)
	if err != nil {
		return err
	}
	if len(data) < 4 || len(data)%4 != 0 {
		return fmt.Errorf("section %d: malformed group section", i)
	}
	if le.Uint32(data)&1 == 0 {
		return nil // not a COMDAT group: its members are ordinary sections
	}
	symIdx := int(f.shdrs[i].Info)
	if symIdx >= len(f.esyms) {
		return fmt.Errorf("section %d: group signature symbol %d out of range (%d symbols)", i, symIdx, len(f.esyms))
	}
	sig, err := f.symName(symIdx)
	if err != nil {
		return err
	}
	// Groups whose signature is a section symbol take the section's name.
	if f.esyms[symIdx].typ() == elf.STT_SECTION {
		sec := f.symSection(symIdx)
		if uint64(sec) >= uint64(len(f.shdrs)) {
			return fmt.Errorf("section %d: group signature symbol %d is a section symbol of section %d, which is out of range (%d sections)", i, symIdx, sec, len(f.shdrs))
		}
		sig = f.sectionName(sec)
	}
	g := comdatGroup{signature: sig}
	for off := 4; off < len(data); off += 4 {
		m := le.Uint32(data[off:])
		if m == 0 || uint64(m) >= uint64(len(f.shdrs)) {
			return fmt.Errorf("section %d: group member %d out of range (%d sections)", i, m, len(f.shdrs))
		}
		g.members = append(g.members, m)
	}
	f.groups = append(f.groups, g)
	return nil
}

// readProperties reads GNU_PROPERTY_X86_FEATURE_1_AND from .note.gnu.property.
func (f *ObjectFile) readProperties(i uint32) {
	data, err := f.sectionData(i)
	if err != nil {
		return
	}
	for len(data) >= 16 {
		namesz, descsz, typ := le.Uint32(data), le.Uint32(data[4:]), le.Uint32(data[8:])
		nameEnd := 12 + align(uint64(namesz), 4)
		end := nameEnd + align(uint64(descsz), 8)
		if end > uint64(len(data)) || nameEnd > end {
			return
		}
		if typ == ntGNUPropertyType0 && string(data[12:12+min(namesz, 3)]) == "GNU" {
			desc := data[nameEnd : nameEnd+uint64(descsz)]
			for len(desc) >= 8 {
				ptype, psz := le.Uint32(desc), le.Uint32(desc[4:])
				if uint64(psz)+8 > uint64(len(desc)) {
					break
				}
				if ptype == gnuPropertyX86Feature1And && psz >= 4 {
					f.x86Features = le.Uint32(desc[8:])
					f.hasX86Feature = true
				}
				desc = desc[min(uint64(len(desc)), 8+align(uint64(psz), 8)):]
			}
		}
		data = data[end:]
	}
}

const gnuPropertyX86Feature1And = 0xc0000002

func align(v, a uint64) uint64 {
	if a <= 1 {
		return v
	}
	return (v + a - 1) &^ (a - 1)
}

// symtabIndex is the index of the SHT_SYMTAB section, or 0.
func (f *ObjectFile) symtabIndex() uint32 {
	for i, h := range f.shdrs {
		if h.Type == elf.SHT_SYMTAB {
			return uint32(i)
		}
	}
	return 0
}
