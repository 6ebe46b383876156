package link

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"fmt"
	"unsafe"
)

// The readers below decode ELF64 little-endian structures straight out of
// the mapped input, without copying: every size and offset read from a file
// is checked against the file's real length before it is used.

var le = binary.LittleEndian

const (
	ehdrSize = 64
	shdrSize = 64
	symSize  = 24
	relaSize = 24
	phdrSize = 56
	dynSize  = 16
)

// shdr is the part of an ELF64 section header the linker uses.
type shdr struct {
	Name      uint32
	Type      elf.SectionType
	Flags     elf.SectionFlag
	Addr      uint64
	Offset    uint64
	Size      uint64
	Link      uint32
	Info      uint32
	Addralign uint64
	Entsize   uint64
}

func readShdr(b []byte) shdr {
	return shdr{
		Name:      le.Uint32(b[0:]),
		Type:      elf.SectionType(le.Uint32(b[4:])),
		Flags:     elf.SectionFlag(le.Uint64(b[8:])),
		Addr:      le.Uint64(b[16:]),
		Offset:    le.Uint64(b[24:]),
		Size:      le.Uint64(b[32:]),
		Link:      le.Uint32(b[40:]),
		Info:      le.Uint32(b[44:]),
		Addralign: le.Uint64(b[48:]),
		Entsize:   le.Uint64(b[56:]),
	}
}

// esym is an ELF64 symbol table entry.
type esym struct {
	Name  uint32
	Info  uint8
	Other uint8
	Shndx uint16
	Value uint64
	Size  uint64
}

// esym must stay Elf64_Sym's exact layout: readSymbols uses an aligned
// symbol table in place. These fail to compile if a field moves.
var (
	_ [24 - unsafe.Sizeof(esym{})]struct{}
	_ [unsafe.Sizeof(esym{}) - 24]struct{}
	_ [8 - unsafe.Offsetof(esym{}.Value)]struct{}
	_ [unsafe.Offsetof(esym{}.Value) - 8]struct{}
	_ [6 - unsafe.Offsetof(esym{}.Shndx)]struct{}
	_ [unsafe.Offsetof(esym{}.Shndx) - 6]struct{}
)

// hostLittleEndian: the in-place symbol table needs the host's byte order
// to be ELF64's (x86-64 and every other host Go runs gold on today).
var hostLittleEndian = binary.NativeEndian.Uint16([]byte{1, 0}) == 1

func readSym(b []byte) esym {
	return esym{
		Name:  le.Uint32(b[0:]),
		Info:  b[4],
		Other: b[5],
		Shndx: le.Uint16(b[6:]),
		Value: le.Uint64(b[8:]),
		Size:  le.Uint64(b[16:]),
	}
}

func (s esym) bind() elf.SymBind { return elf.SymBind(s.Info >> 4) }
func (s esym) typ() elf.SymType  { return elf.SymType(s.Info & 0xf) }
func (s esym) vis() elf.SymVis   { return elf.SymVis(s.Other & 3) }
func (s esym) isUndef() bool     { return s.Shndx == uint16(elf.SHN_UNDEF) }
func (s esym) isCommon() bool    { return s.Shndx == uint16(elf.SHN_COMMON) }
func (s esym) isAbs() bool       { return s.Shndx == uint16(elf.SHN_ABS) }

// rela is one ELF64 RELA entry.
type rela struct {
	Off    uint64
	Type   elf.R_X86_64
	Sym    uint32
	Addend int64
}

func readRela(b []byte) rela {
	info := le.Uint64(b[8:])
	return rela{
		Off:    le.Uint64(b[0:]),
		Type:   elf.R_X86_64(uint32(info)),
		Sym:    uint32(info >> 32),
		Addend: int64(le.Uint64(b[16:])),
	}
}

// cstring returns the NUL-terminated string at off in tab. The string
// shares tab's memory instead of copying it: inputs stay mapped for the
// whole link, and symbol names are the bulk of what a link allocates. No
// such string may outlive the link (diagnostics are formatted copies).
func cstring(tab []byte, off uint32) (string, bool) {
	if uint64(off) >= uint64(len(tab)) {
		return "", off == 0 && len(tab) == 0
	}
	n := bytes.IndexByte(tab[off:], 0)
	if n < 0 {
		return "", false
	}
	if n == 0 {
		return "", true
	}
	return unsafe.String(&tab[off], n), true
}

// slice returns data[off:off+size] or an error when it runs past the end.
func slice(data []byte, off, size uint64, what string) ([]byte, error) {
	if off > uint64(len(data)) || size > uint64(len(data))-off {
		return nil, fmt.Errorf("%s at offset 0x%x, size 0x%x, runs past the end of the file (%d bytes)", what, off, size, len(data))
	}
	return data[off : off+size], nil
}

// checkELFHeader validates the identification and machine of an ELF file
// and returns its type.
func checkELFHeader(data []byte) (elf.Type, error) {
	if len(data) < ehdrSize {
		if len(data) >= 4 && string(data[:4]) == elf.ELFMAG {
			return 0, fmt.Errorf("truncated ELF header (%d bytes)", len(data))
		}
		return 0, fmt.Errorf("not an ELF file")
	}
	if string(data[:4]) != elf.ELFMAG {
		return 0, fmt.Errorf("not an ELF file")
	}
	if elf.Class(data[elf.EI_CLASS]) != elf.ELFCLASS64 {
		return 0, fmt.Errorf("%s object, but the output is ELF64 x86-64 (incompatible)", describeMachine(data))
	}
	if elf.Data(data[elf.EI_DATA]) != elf.ELFDATA2LSB {
		return 0, fmt.Errorf("big-endian ELF file, but the output is little-endian x86-64")
	}
	if m := elf.Machine(le.Uint16(data[18:])); m != elf.EM_X86_64 {
		return 0, fmt.Errorf("%s object, but the output is ELF64 x86-64 (incompatible)", describeMachine(data))
	}
	return elf.Type(le.Uint16(data[16:])), nil
}

func describeMachine(data []byte) string {
	class := "ELF32"
	if elf.Class(data[elf.EI_CLASS]) == elf.ELFCLASS64 {
		class = "ELF64"
	}
	m := elf.Machine(le.Uint16(data[18:]))
	if elf.Data(data[elf.EI_DATA]) == elf.ELFDATA2MSB {
		m = elf.Machine(binary.BigEndian.Uint16(data[18:]))
	}
	name := m.String()
	switch m {
	case elf.EM_386:
		name = "i386"
	case elf.EM_X86_64:
		name = "x86-64"
	}
	return class + " " + name
}

// ELF constants debug/elf does not name.
const (
	shfExclude         = elf.SectionFlag(0x80000000)
	shtLLVMAddrsig     = elf.SectionType(0x6fff4c03)
	ntGNUPropertyType0 = 5
	ntGNUBuildID       = 3
	stbGNUUnique       = elf.SymBind(10)
)
