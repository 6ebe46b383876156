package link

import "debug/elf"

// chunk is anything that occupies space in the output file: the ELF and
// program headers, output sections built from input sections, and the
// sections the linker synthesises. Each writes only its own subslice of the
// output buffer, so chunks can be written in any order (and in parallel).
type chunk interface {
	header() *chunkHeader
	// updateSize computes the chunk's size; layout may call it more than once.
	updateSize(ctx *Context)
	// write fills buf, which is exactly the chunk's bytes in the output file.
	write(ctx *Context, buf []byte)
}

// chunkHeader is the section-header view of a chunk.
type chunkHeader struct {
	Name    string
	Type    elf.SectionType
	Flags   elf.SectionFlag
	Addr    uint64
	Offset  uint64
	Size    uint64
	Align   uint64
	Entsize uint64
	Link    uint32
	Info    uint32
	// Shndx is the chunk's index in the output section header table; 0 for
	// chunks that are not sections (the ELF and program headers).
	Shndx   int
	rank    int    // where layout places it
	nameOff uint32 // in .shstrtab
}

func (h *chunkHeader) header() *chunkHeader { return h }

func (h *chunkHeader) isAlloc() bool  { return h.Flags&elf.SHF_ALLOC != 0 }
func (h *chunkHeader) isNobits() bool { return h.Type == elf.SHT_NOBITS }

// fileSize is the number of bytes the chunk occupies in the file.
func (h *chunkHeader) fileSize() uint64 {
	if h.isNobits() {
		return 0
	}
	return h.Size
}
