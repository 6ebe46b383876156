package link

import (
	"debug/elf"
	"sort"
)

// InputSection is one section of an input object on its way to the output.
type InputSection struct {
	File    *ObjectFile
	Index   uint32
	Name    string
	Type    elf.SectionType
	Flags   elf.SectionFlag
	Align   uint64
	Entsize uint64
	Size    uint64
	Data    []byte // nil for SHT_NOBITS

	relsRaw     []byte
	relSecIndex uint32

	Out    *OutputSection
	Offset uint64 // within Out
	Live   bool   // false when discarded (COMDAT loser, --gc-sections, dropped)

	merge       *mergeableSection // for SHF_MERGE sections: the split pieces
	mergeHolder *InputSection     // the section the deduplicated pieces live in
	mergeTable  *mergedSection    // for a holder: the table whose pieces it writes
	eh          *ehFrameSection   // for .eh_frame: the parsed records
	pre         *sectionPrework   // split or parsed ahead of its pass (prework.go)

	// Relocation scan results: how many dynamic relocations this section
	// emits, counted so .rela.dyn can be sized before addresses are known.
	numRelative int
	numDynamic  int
	// fdeLive is used by --gc-sections to mark the LSDA of kept functions.
	gcMarked bool
}

// NumRels is the number of relocations applied to this section.
func (s *InputSection) NumRels() int { return len(s.relsRaw) / relaSize }

// Rel decodes relocation i.
func (s *InputSection) Rel(i int) rela { return readRela(s.relsRaw[i*relaSize:]) }

// Addr is the section's address in the output.
func (s *InputSection) Addr() uint64 { return s.Out.Addr + s.Offset }

// String names the section for diagnostics: "foo.o:(.text)".
func (s *InputSection) String() string { return s.File.Name + ":(" + s.Name + ")" }

func (s *InputSection) isAlloc() bool { return s.Flags&elf.SHF_ALLOC != 0 }

// relocWidth is the number of bytes a relocation type patches.
func relocWidth(t elf.R_X86_64) uint64 {
	switch t {
	case elf.R_X86_64_NONE, elf.R_X86_64_TLSDESC_CALL:
		return 0
	case elf.R_X86_64_8, elf.R_X86_64_PC8:
		return 1
	case elf.R_X86_64_16, elf.R_X86_64_PC16:
		return 2
	case elf.R_X86_64_64, elf.R_X86_64_PC64, elf.R_X86_64_GOTOFF64, elf.R_X86_64_GOTPC64,
		elf.R_X86_64_DTPOFF64, elf.R_X86_64_TPOFF64, elf.R_X86_64_SIZE64, elf.R_X86_64_GOT64,
		elf.R_X86_64_GOTPCREL64, elf.R_X86_64_GOTPLT64, elf.R_X86_64_PLTOFF64, elf.R_X86_64_DTPMOD64:
		return 8
	default:
		return 4
	}
}

// relIndexAt is the index of the first relocation at or after off; the
// relocations of a section are sorted by offset.
func (s *InputSection) relIndexAt(off uint64) int {
	return sort.Search(s.NumRels(), func(i int) bool { return s.Rel(i).Off >= off })
}
