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
	mapped      [][]byte

	symbols     map[string]*Symbol
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
	strtab       *strtabSection
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
	bufMapped    bool     // buf is a mapping of tmpOut
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
	return &Context{Cfg: cfg, symbols: map[string]*Symbol{}, comdats: map[string]*ObjectFile{}, mappings: map[*byte]*inputMapping{}, Log: os.Stderr}
}

// intern returns the global symbol for name, creating it on first sight.
func (ctx *Context) intern(name string) *Symbol {
	if s, ok := ctx.symbols[name]; ok {
		return s
	}
	s := newSymbol(name)
	ctx.symbols[name] = s
	ctx.symbolOrder = append(ctx.symbolOrder, s)
	return s
}

// lookup returns the global symbol for name, or nil.
func (ctx *Context) lookup(name string) *Symbol { return ctx.symbols[name] }
