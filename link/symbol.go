package link

import (
	"debug/elf"
)

// Symbol is a global symbol (one per name in the global table) or a local
// symbol of an object file.
type Symbol struct {
	Name string

	// The definition: at most one of File+Sec, Shared, or absolute (File
	// set, Sec nil, Abs true). Undefined symbols have none.
	File   *ObjectFile
	Sec    *InputSection
	Shared *SharedFile
	Value  uint64
	Size   uint64
	Align  uint64 // commons: the alignment asked for
	lazy   *archiveMember

	// Versions. VerName is the version of a shared-library definition this
	// symbol is bound to, or of a .symver definition; VerIdx is the index
	// written to .gnu.version.
	VerName string

	// rare holds what only a few symbols need (copies, linker-defined
	// symbols), keeping the common Symbol small.
	rare *symbolRare

	DynIdx     int32  // index in .dynsym, -1 when absent
	GotIdx     int32  // slot in .got holding the address
	GotTPIdx   int32  // slot in .got holding the TP offset (initial exec)
	TLSGDIdx   int32  // first of two .got slots: module id and offset
	TLSDescIdx int32  // first of two .got slots for TLSDESC
	PltIdx     int32  // entry in .plt (and .got.plt / .rela.plt)
	flags      uint32 // what references need, decided by the relocation scan
	VerIdx     uint16

	Type elf.SymType
	Bind elf.SymBind
	Vis  elf.SymVis // the most restrictive visibility seen on any reference or definition
	rank int8       // how strong the current definition is (lower wins)

	Abs       bool
	Common    bool // a common symbol not yet turned into .bss space
	IsLocal   bool // a local symbol of one object file
	linkerDef bool // defined by the linker (_end, __bss_start...): Value is final, set by layout
	VerHidden bool // name@VER (not the default name@@VER)

	WeakRefOnly    bool // every reference is weak: no archive extraction, weak import
	Referenced     bool // referenced by a regular object (for --as-needed)
	RefByDSO       bool // referenced by a shared library given as input (executables export it)
	Exported       bool // in .dynsym as a definition
	Imported       bool // defined in a shared library: resolved at run time
	Preemptible    bool // references must go through the dynamic symbol table
	excludeExport  bool // forced local by a version script, --exclude-libs or visibility
	canonicalPLT   bool // executable takes a function's address: the PLT entry is its address
	copyRel        bool // executable copies the data into .bss (R_X86_64_COPY)
	verSym         bool // a version name in .dynsym, not a real symbol
	ordered        bool // in Context.symbolOrder: a serial pass has met it
	slotsAllocated bool // allocateGotPlt has given it what its flags ask for
}

// symbolRare is the part of a Symbol few symbols use.
type symbolRare struct {
	defSec   chunk   // the chunk a linker-defined symbol belongs to, for st_shndx
	copyAddr uint64  // where a copy relocation put the data
	aliasOf  *Symbol // a copy-relocated alias (environ for __environ)
}

// rareFields returns the symbol's rare part, creating it for a write.
func (s *Symbol) rareFields() *symbolRare {
	if s.rare == nil {
		s.rare = &symbolRare{}
	}
	return s.rare
}

func (s *Symbol) defSec() chunk {
	if s.rare == nil {
		return nil
	}
	return s.rare.defSec
}

func (s *Symbol) copyAddr() uint64 {
	if s.rare == nil {
		return 0
	}
	return s.rare.copyAddr
}

func (s *Symbol) aliasOf() *Symbol {
	if s.rare == nil {
		return nil
	}
	return s.rare.aliasOf
}

// Needs flags set by the relocation scan (atomically, when the scan runs in
// parallel).
const (
	needsGOT uint32 = 1 << iota
	needsPLT
	needsGOTTP
	needsTLSGD
	needsTLSDesc
	needsCopy
	needsCanonicalPLT
	needsDynsym
)

func newSymbol(name string) *Symbol {
	s := new(Symbol)
	initSymbol(s, name)
	return s
}

// initSymbol makes a zeroed *s an undefined symbol named name. Field by
// field: assigning a whole literal costs a copy of the struct per symbol.
func initSymbol(s *Symbol, name string) {
	s.Name = name
	s.DynIdx, s.GotIdx, s.GotTPIdx, s.TLSGDIdx, s.TLSDescIdx, s.PltIdx = -1, -1, -1, -1, -1, -1
	s.rank = rankUndefined
}

// Symbol ranks: the definition with the lowest rank wins; among equal ranks
// the input given first wins (except common vs common, which merge).
const (
	rankStrong    int8 = 1 // defined in a relocatable object
	rankWeak      int8 = 2 // weak definition in a relocatable object
	rankCommon    int8 = 3 // common symbol
	rankShared    int8 = 4 // defined in a shared library
	rankSharedWk  int8 = 5 // weak definition in a shared library
	rankLazy      int8 = 6 // available in an archive member not yet extracted
	rankUndefined int8 = 7
)

// IsDefined reports whether the symbol has a definition in the output or in
// a shared library.
func (s *Symbol) IsDefined() bool { return s.rank < rankLazy }

// IsUndefined reports whether nothing defines the symbol.
func (s *Symbol) IsUndefined() bool { return s.rank >= rankLazy }

// isDefinedHere reports whether the output itself holds the definition.
func (s *Symbol) isDefinedHere() bool { return s.rank <= rankCommon || s.copyRel }

// Addr is the symbol's address in the output (its PLT entry for imported
// functions whose address the executable takes).
func (s *Symbol) Addr(ctx *Context) uint64 {
	if s.copyRel {
		return s.copyAddr()
	}
	if s.canonicalPLT {
		return ctx.plt.entryAddr(s)
	}
	return s.defAddr(ctx)
}

// defAddr is the address of the definition itself: for an IFUNC, its
// resolver, even when the PLT entry stands for its address.
func (s *Symbol) defAddr(ctx *Context) uint64 {
	if s.linkerDef {
		return s.Value
	}
	if s.Sec != nil {
		if s.Sec.merge != nil {
			return s.Sec.merge.addrOf(s.Value)
		}
		if s.Sec.eh != nil {
			return s.Sec.Addr() + s.Sec.eh.mapOffset(s.Value)
		}
		if !s.Sec.Live || s.Sec.Out == nil {
			return 0
		}
		return s.Sec.Addr() + s.Value
	}
	return s.Value
}

// isFunc reports whether references treat the symbol as code.
func (s *Symbol) isFunc() bool {
	return s.Type == elf.STT_FUNC || s.Type == elf.STT_GNU_IFUNC
}

// isTLS reports whether the symbol is a thread-local variable.
func (s *Symbol) isTLS() bool { return s.Type == elf.STT_TLS }
