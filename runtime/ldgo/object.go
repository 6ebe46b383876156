package main

import (
	"debug/elf"

	"gold/runtime/ldgo/search"
)

// Object is one ELF image in the process: the program or a library. The
// fields that glibc also sees are copied into the object's link_map.
type Object struct {
	name   string // as requested: DT_NEEDED entry, or the program path
	path   string // the file actually opened
	rule   string // the search rule that found it
	soname string
	dev    uint64
	ino    uint64

	isMain    bool // the program
	isRtld    bool // glibc's ld-linux-x86-64.so.2, mapped as a library
	preloaded bool // LD_PRELOAD, /etc/ld.so.preload or --preload
	ns        int  // link-map namespace (dlmopen); 0 is the base one

	etype    elf.Type
	bias     uintptr // load bias: run-time address minus link-time address
	mapStart uintptr
	mapEnd   uintptr
	textEnd  uintptr
	phdr     uintptr // run-time address of the program headers
	phnum    int
	phdrs    []elf.Prog64
	entry    uintptr

	dynamic uintptr // run-time address of .dynamic
	dynNum  int     // entries in .dynamic, DT_NULL included
	dyn     [dynSlots]uint64
	hasDyn  [dynSlots]bool
	needed  []string
	rpath   string
	runpath string
	flags   uint64
	flags1  uint64
	// relaCount is DT_RELACOUNT: the leading R_X86_64_RELATIVE entries of
	// DT_RELA, which glibc applies without looking at their type.
	relaCount uint64

	// Dynamic symbol tables, at run-time addresses.
	symtab   uintptr
	strtab   uintptr
	strsz    uintptr
	nsyms    uintptr // bound on symbol indices: DT_HASH's nchain, else what the segments hold (checkTables)
	hashSyms uintptr // symbols the hash tables cover (for dladdr)
	gnuHash  uintptr
	sysvHash uintptr
	versym   uintptr
	versions []versionName // version index -> name, from verdef and verneed
	needs    []versionNeed // the versions it needs from other objects (verneed)
	// hasVerdef: the object has DT_VERDEF, whose chain verdefs holds in
	// order; without it every version needed from the object is there.
	hasVerdef bool
	verdefs   []verdefRecord
	// badVerneed: the first DT_VERNEED record's vn_version, if not 1
	// (glibc: "unsupported version N of Verneed record").
	badVerneed uint16

	// TLS (PT_TLS).
	tlsImage     uintptr
	tlsImageSize uintptr
	tlsBlockSize uintptr
	tlsAlign     uintptr
	tlsFirstByte uintptr
	tlsOffset    uintptr // distance below the thread pointer (variant II)
	tlsModid     uintptr

	relroStart uintptr
	relroSize  uintptr
	stackFlags uint32 // PT_GNU_STACK p_flags

	deps      []*Object         // DT_NEEDED in order, resolved
	linkMap   uintptr           // glibc struct link_map for this object
	loader    *Object           // the object whose DT_NEEDED brought this one in
	req       *search.Requester // the object as the library search sees it
	serial    int
	relocated bool
	lazy      bool // PLT slots bound at first call
	initDone  bool

	prelinkedPLT uintptr // GOT[1] + bias of a lazily bound, prelinked object (lazyslot.go)
}

// dynSlots covers the DT_ tags below DT_NUM that the loader reads by index.
const dynSlots = 38

// dynVal returns the value of a tag below dynSlots and whether it is present.
func (o *Object) dynVal(tag elf.DynTag) (uint64, bool) {
	if uint64(tag) >= dynSlots {
		return 0, false
	}
	return o.dyn[tag], o.hasDyn[tag]
}

// answersTo is glibc's _dl_name_match_p as far as the loader keeps an
// object's names: the one it was asked for and the path it was opened as.
func (o *Object) answersTo(name string) bool {
	return name == o.name || name == o.path
}

// dsoFilename is glibc's DSO_FILENAME (l_name): how its version-check and
// symbol lookup messages name an object, the program by argv[0] (its
// l_name is empty), a library by its path.
func (o *Object) dsoFilename() string {
	if o.isMain {
		return progName
	}
	return o.path
}

// displayName is how messages name the object: glibc uses the DT_NEEDED
// name for libraries and the path for the program.
func (o *Object) displayName() string {
	if o.isMain {
		return o.path
	}
	return o.name
}

// DT_RELR (packed relative relocations) is newer than debug/elf's table.
const (
	dtRELRSZ elf.DynTag = 35
	dtRELR   elf.DynTag = 36
)
