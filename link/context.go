package link

import (
	"io"
	"os"
	"sync"
)

// Context is the state of one link, threaded through every pass.
type Context struct {
	Cfg *Config
	diagnostics

	objs        []*ObjectFile // live objects, in input order (extraction order for members)
	dsos        []*SharedFile
	archives    []*archiveInput
	pending     []*archiveMember // extracted, not yet loaded
	mapMu       sync.Mutex
	scriptStack []string                // linker scripts being loaded, to catch INPUT loops
	mappings    map[*byte]*inputMapping // by first byte
	// preparsed holds the command-line objects parsed in parallel up front.
	preparsed   map[string]*ObjectFile
	preparseErr map[string]error
	prework     prework // background work on the preparsed objects
	mapped      [][]byte

	symbols     *symbolTable
	symbolOrder []*Symbol // first-seen order, so every walk is deterministic
	comdats     map[string]*ObjectFile
	inputCount  int

	// Output.
	outSecs      []*OutputSection
	chunks       []chunk // everything written, in file order
	segments     []*segment
	phdrs        *phdrChunk
	ehdr         *ehdrChunk
	got          *gotSection
	gotPlt       *gotPltSection
	plt          *pltSection
	relaDyn      *relaDynSection
	relaPlt      *relaPltSection
	dynsym       *dynsymSection
	dynstr       *strtabSection
	gnuHash      *gnuHashSection
	sysvHash     *sysvHashSection
	versym       *versymSection
	verdef       *verdefSection
	verneed      *verneedSection
	dynamic      *dynamicSection
	interp       *interpSection
	ehFrame      *OutputSection
	ehHdr        *ehFrameHdrSection
	buildID      *buildIDSection
	property     *propertySection
	symtab       *symtabSection
	strtab       *symtabStrings
	shstrtab     *strtabSection
	copyBss      *copyRelSection
	tlsStart     uint64 // address of the PT_TLS segment
	tlsEnd       uint64
	tlsAlign     uint64
	fileSize     uint64
	shdrOffset   uint64
	numSections  int
	hasGnuUnique bool
	hasIfunc     bool
	buf          []byte
	bufMapping   bufMapping
	tmpOut       *os.File // the output under its temporary name until commit
	interpPath   string
	textRel      bool // dynamic relocations patch read-only memory (DF_TEXTREL)
	staticTLS    bool // initial-exec TLS in a shared object (DF_STATIC_TLS)
	undefs       map[*Symbol]*undefReport
	undefOrder   []*Symbol

	timers  []passTimer
	Log     io.Writer // tracing output (-t, --trace-runtime)
	verDefs []versionDef
}

func newContext(cfg *Config) *Context {
	return &Context{Cfg: cfg, symbols: newSymbolTable(), comdats: map[string]*ObjectFile{}, mappings: map[*byte]*inputMapping{}, Log: os.Stderr}
}

// intern returns the global symbol for name, creating it on first sight.
// Serial passes only.
func (ctx *Context) intern(name string) *Symbol {
	return ctx.met(ctx.symbols.get(name))
}

// met gives a symbol, perhaps created by a parallel pass, its place in
// symbolOrder the first time a serial pass meets it.
func (ctx *Context) met(s *Symbol) *Symbol {
	if !s.ordered {
		s.ordered = true
		ctx.symbolOrder = append(ctx.symbolOrder, s)
	}
	return s
}

// lookup returns the global symbol for name, or nil if no serial pass has
// met it yet.
func (ctx *Context) lookup(name string) *Symbol {
	if s := ctx.symbols.find(name); s != nil && s.ordered {
		return s
	}
	return nil
}
