// Package link is the linking pipeline behind gold and gshared: it reads
// the inputs, resolves symbols, lays out the output and writes it.
package link

import (
	"debug/elf"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"strings"
	"time"

	"gold/interp"
)

type pass struct {
	name string
	run  func() error
}

type passTimer struct {
	name string
	d    time.Duration
	rss  int64 // resident memory after the pass, in KiB (0 if unknown)
}

// Link runs the whole pipeline for one output. A returned error is an
// Errors value: one message per problem.
func Link(cfg *Config) (err error) {
	ctx := newContext(cfg)
	defer ctx.unmapAll()
	defer func() {
		if r := recover(); r != nil {
			msg := fmt.Sprintf("internal error: %v (please report this bug)", r)
			if os.Getenv("GOLD_DEBUG") != "" {
				msg += "\n" + string(debug.Stack())
			}
			err = Errors{msg}
		}
		if err != nil {
			ctx.discardOutput() // no partial output, the previous one untouched
		}
	}()
	if cfg.HashStyle == 0 {
		cfg.HashStyle = HashSysV
	}
	passes := []pass{
		// Read every input, extracting archive members as references need them.
		{"read inputs", ctx.readInputs},
		// Decide the winning definition of each symbol.
		{"resolve symbols", ctx.resolveSymbols},
		// Parse .eh_frame into CIEs and FDEs.
		{"parse .eh_frame", ctx.parseEhFrames},
		// --gc-sections: drop what no root reaches.
		{"collect garbage sections", ctx.gcSections},
		// Group input sections into output sections; split mergeable ones.
		{"create output sections", ctx.buildOutputSections},
		// .got, .plt, .dynsym and the other sections the linker makes.
		{"create synthetic sections", ctx.createSyntheticSections},
		// Which symbols the output exports, imports, and lets be preempted.
		{"compute import/export", ctx.computeImportExport},
		// What every relocation needs: GOT, PLT, copies, dynamic relocations.
		{"scan relocations", ctx.scanRelocs},
		{"report undefined symbols", ctx.reportUndefined},
		// Slots in the GOT and PLT, in input order.
		{"allocate GOT and PLT", ctx.allocateDynamic},
		// .dynsym order, versions, .dynamic, .symtab.
		{"finalize dynamic sections", ctx.finalizeSections},
		// File offsets, addresses and program headers.
		{"layout", ctx.layout},
		// Copy sections, apply relocations, write tables and headers.
		{"write", ctx.writeOutput},
		{"heap profile", ctx.writeHeapProfile},
		{"commit output", ctx.commitOutput},
		{"write map file", ctx.writeMapFile},
	}
	for _, p := range passes {
		start := time.Now()
		if err := p.run(); err != nil {
			return err
		}
		t := passTimer{name: p.name, d: time.Since(start)}
		if cfg.TimeReport {
			t.rss = residentKiB()
		}
		ctx.timers = append(ctx.timers, t)
	}
	if cfg.TimeReport {
		ctx.printTimeReport()
	}
	return nil
}

func (ctx *Context) printTimeReport() {
	var total time.Duration
	for _, t := range ctx.timers {
		total += t.d
	}
	for _, t := range ctx.timers {
		fmt.Fprintf(os.Stderr, "%10.3fms %5.1f%% %8.1f MiB  %s\n", float64(t.d.Microseconds())/1000,
			100*float64(t.d)/float64(max(total, 1)), float64(t.rss)/1024, t.name)
	}
	fmt.Fprintf(os.Stderr, "%10.3fms        total\n", float64(total.Microseconds())/1000)
}

// resolveSymbols finishes resolution once every input is read: the
// surviving common symbols get their space.
func (ctx *Context) resolveSymbols() error {
	ctx.allocateCommons()
	return ctx.checkpoint()
}

func (ctx *Context) buildOutputSections() error {
	ctx.createOutputSections()
	if err := ctx.splitMergeable(); err != nil {
		return err
	}
	ctx.dropDeadFDEs()
	for _, o := range ctx.outSecs {
		o.updateSize(ctx)
	}
	return nil
}

// createSyntheticSections makes the linker's own sections.
func (ctx *Context) createSyntheticSections() error {
	cfg := ctx.Cfg
	ctx.ehdr = &ehdrChunk{chunkHeader{Name: "", Align: 8}}
	ctx.phdrs = &phdrChunk{chunkHeader{Name: "", Align: 8, Flags: 0}}
	ctx.got = newGotSection()
	ctx.gotPlt = newGotPltSection()
	ctx.plt = newPltSection()
	ctx.relaDyn = newRelaDynSection()
	ctx.relaPlt = newRelaPltSection()
	ctx.copyBss = newCopyRelSection()
	ctx.copyBss.Name = ".dynbss"
	ctx.shstrtab = newStrtabSection(".shstrtab", false)
	ctx.chunks = append(ctx.chunks, ctx.ehdr, ctx.phdrs, ctx.got, ctx.gotPlt, ctx.plt, ctx.relaDyn, ctx.relaPlt, ctx.copyBss)
	if !ctx.isStatic() {
		ctx.dynsym = newDynsymSection()
		ctx.dynstr = newStrtabSection(".dynstr", true)
		ctx.dynamic = newDynamicSection()
		ctx.chunks = append(ctx.chunks, ctx.dynsym, ctx.dynstr, ctx.dynamic)
		if cfg.HashStyle&HashGNU != 0 {
			ctx.gnuHash = newGnuHashSection()
			ctx.chunks = append(ctx.chunks, ctx.gnuHash)
		}
		if cfg.HashStyle&HashSysV != 0 {
			ctx.sysvHash = newSysvHashSection()
			ctx.chunks = append(ctx.chunks, ctx.sysvHash)
		}
	}
	if cfg.Kind == OutputPIE || cfg.Kind == OutputExec {
		if !cfg.NoDynamicLinker {
			path, err := interp.For(cfg.DynamicLinker)
			if err != nil {
				return Errors{err.Error()}
			}
			ctx.interp = newInterpSection(path)
			ctx.chunks = append(ctx.chunks, ctx.interp)
		}
	}
	if cfg.EhFrameHdr && ctx.ehFrame != nil {
		ctx.ehHdr = newEhFrameHdrSection()
		ctx.chunks = append(ctx.chunks, ctx.ehHdr)
	}
	if cfg.BuildID != "" && cfg.BuildID != "none" {
		ctx.buildID = newBuildIDSection(cfg.BuildID)
		ctx.chunks = append(ctx.chunks, ctx.buildID)
	}
	if f, ok := ctx.commonX86Features(); ok && f != 0 {
		ctx.property = newPropertySection(f)
		ctx.chunks = append(ctx.chunks, ctx.property)
	}
	if cfg.Strip != StripAll {
		ctx.symtab = newSymtabSection()
		ctx.strtab = newSymtabStrings(ctx.symtab)
		ctx.chunks = append(ctx.chunks, ctx.symtab, ctx.strtab)
	}
	for _, o := range ctx.outSecs {
		ctx.chunks = append(ctx.chunks, o)
	}
	ctx.chunks = append(ctx.chunks, ctx.shstrtab)
	ctx.claimLinkerDefined()
	return nil
}

// commonX86Features ANDs the x86 feature bits of every input: IBT and
// SHSTK are kept only if every object has them (IBT is further dropped at
// write time if the output has a PLT: see propertySection.write).
func (ctx *Context) commonX86Features() (uint32, bool) {
	f := ^uint32(0)
	for _, obj := range ctx.objs {
		if !obj.hasX86Feature {
			return 0, false
		}
		f &= obj.x86Features
	}
	if len(ctx.objs) == 0 {
		return 0, false
	}
	return f, true
}

func (ctx *Context) allocateDynamic() error {
	ctx.allocateGotPlt()
	ctx.copyBss.markAliases(ctx)
	for _, s := range ctx.symbolOrder {
		if s.isDefinedHere() && s.File != nil {
			ctx.hasIfunc = ctx.hasIfunc || s.Type == elf.STT_GNU_IFUNC
			ctx.hasGnuUnique = ctx.hasGnuUnique || s.Bind == stbGNUUnique
		}
	}
	return ctx.checkpoint()
}

// finalizeSections builds the dynamic symbol table and what hangs off it,
// and .symtab, side by side: they read the same symbols but neither writes
// what the other reads.
func (ctx *Context) finalizeSections() error {
	ctx.parallelFor(2, func(i int) {
		if i == 0 {
			ctx.finalizeDynamicSections()
		} else if ctx.symtab != nil {
			ctx.finalizeSymtab()
		}
	})
	return ctx.checkpoint()
}

func (ctx *Context) finalizeDynamicSections() {
	if ctx.dynsym != nil {
		ctx.finalizeDynsym()
		if len(ctx.verDefs) > 0 {
			ctx.verdef = newVerdefSection()
			ctx.verdef.build(ctx)
			ctx.chunks = append(ctx.chunks, ctx.verdef)
		}
		ctx.verneed = newVerneedSection()
		ctx.verneed.build(ctx)
		if ctx.verneed.num > 0 {
			ctx.chunks = append(ctx.chunks, ctx.verneed)
		} else {
			ctx.verneed = nil
		}
		if ctx.verdef != nil || ctx.verneed != nil {
			ctx.versym = newVersymSection()
			ctx.chunks = append(ctx.chunks, ctx.versym)
		}
		ctx.countDynRelocs()
		ctx.finalizeDynamic()
	} else {
		ctx.countDynRelocs()
	}
}

func (ctx *Context) layout() error {
	ctx.sortChunks()
	ctx.planSegments()
	ctx.phdrs.updateSize(ctx) // now that the segments are known
	ctx.assignAddresses()
	ctx.fillSegments()
	ctx.copyBss.assignAddrs(ctx)
	ctx.setLinkerDefinedValues()
	return ctx.checkpoint()
}

// writeHeapProfile records what the heap holds at the link's peak (all
// inputs parsed, output written), for --config HeapProfile.
func (ctx *Context) writeHeapProfile() error {
	if ctx.Cfg.HeapProfile == "" {
		return nil
	}
	runtime.GC()
	f, err := os.Create(ctx.Cfg.HeapProfile)
	if err != nil {
		return Errors{err.Error()}
	}
	defer f.Close()
	return pprof.Lookup("heap").WriteTo(f, 0)
}

// residentKiB reads the process's resident set size (VmRSS) for
// --time-report, so memory can be seen pass by pass.
func residentKiB() int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			var kb int64
			fmt.Sscan(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), &kb)
			return kb
		}
	}
	return 0
}
