package link

// OutputKind says what the link produces.
type OutputKind int

const (
	OutputShared     OutputKind = iota // ET_DYN shared object (-shared)
	OutputPIE                          // ET_DYN executable (-pie)
	OutputExec                         // ET_EXEC executable (-no-pie)
	OutputStaticExec                   // ET_EXEC, no dynamic section (-static)
	OutputStaticPIE                    // ET_DYN, self-relocating, no interpreter (-static-pie)
)

// IsExecutable reports whether the output is a program rather than a library.
func (k OutputKind) IsExecutable() bool { return k != OutputShared }

// IsPIC reports whether the output may be loaded at any address.
func (k OutputKind) IsPIC() bool {
	return k == OutputShared || k == OutputPIE || k == OutputStaticPIE
}

// InputKind distinguishes the entries of the positional input list.
type InputKind int

const (
	InputFile       InputKind = iota // a path given on the command line
	InputLibrary                     // -lNAME or -l:NAME
	InputStartGroup                  // --start-group / -(
	InputEndGroup                    // --end-group / -)
)

// Input is one entry of the order-sensitive input list. The flags in force at
// its position on the command line (--whole-archive, --as-needed, -Bstatic)
// travel with it, so the pipeline never has to replay the command line.
type Input struct {
	Kind InputKind
	// Path is the file for InputFile; for InputLibrary it is NAME of -lNAME,
	// or ":NAME" for -l:NAME.
	Path         string
	WholeArchive bool // --whole-archive in force
	AsNeeded     bool // --as-needed in force
	Static       bool // -Bstatic in force: -l finds only .a
}

// HashStyle selects the dynamic symbol hash tables written.
type HashStyle int

const (
	HashGNU HashStyle = 1 << iota
	HashSysV
	HashBoth = HashGNU | HashSysV
)

// StripMode is -s / -S.
type StripMode int

const (
	StripNone  StripMode = iota
	StripDebug           // -S: drop debug sections
	StripAll             // -s: drop .symtab/.strtab and debug sections
)

// Defsym is --defsym NAME=EXPR, with EXPR a number or a symbol name
// (optionally plus/minus a number).
type Defsym struct {
	Name   string
	Symbol string // empty when the value is absolute
	Addend int64
}

// Config is everything the linking pipeline needs, filled by the command-line
// front ends (cmd/gold, cmd/gshared). It carries no parsing state.
type Config struct {
	Output string
	Kind   OutputKind
	Inputs []Input

	LibraryPaths []string // -L, in order; they apply to every -l wherever it stands
	Sysroot      string   // --sysroot: prefixes "=" and "$SYSROOT" paths
	RpathLink    []string // -rpath-link

	// Dynamic section contents.
	Soname          string
	Rpath           []string // -rpath / -R, joined with ':' in order
	DisableNewDtags bool     // --disable-new-dtags: DT_RPATH instead of DT_RUNPATH
	DynamicLinker   string   // -dynamic-linker; empty: the interp package decides
	NoDynamicLinker bool     // --no-dynamic-linker
	HashStyle       HashStyle

	// Symbol binding and export.
	Entry               string // -e; empty: _start for executables
	Bsymbolic           bool
	BsymbolicFunctions  bool
	ExportDynamic       bool     // -E / --export-dynamic
	DynamicLists        []string // --dynamic-list files
	VersionScripts      []string // --version-script files
	ExcludeLibs         []string // --exclude-libs names; "ALL" for every archive
	Undefined           []string // -u
	Defsyms             []Defsym // --defsym
	Wraps               []string // --wrap
	NoUndefined         bool     // -z defs / --no-undefined
	AllowShlibUndefined bool     // --allow-shlib-undefined

	// -z keywords.
	ZNow          bool
	ZRelro        bool
	ZExecStack    bool // -z execstack; default is a non-executable stack
	ZText         bool // -z text: text relocations are an error
	ZOrigin       bool
	ZNodelete     bool
	ZNodlopen     bool
	ZInterpose    bool
	ZInitFirst    bool
	ZSeparateCode bool // -z separate-code (default on, as ld on x86-64)

	// Sections and output.
	GCSections bool
	EhFrameHdr bool
	BuildID    string // "", "none", "sha1", "md5", "uuid", "fast", or "0xHEX"
	Strip      StripMode
	MapFile    string // -Map

	// gold's own options (not ld's).
	Threads    int  // --threads; 0 means GOMAXPROCS
	TimeReport bool // --time-report
	Trace      bool // -t / --trace: print each input file as it is loaded
	Verbose    bool // -v/--verbose
	// HeapProfile, when set, receives a heap profile taken at the link's
	// peak, after the output is written (GOLD_MEMPROFILE).
	HeapProfile string
}
