package link

import (
	"debug/elf"
	"sync"
)

// Symbol resolution of the command-line objects is serial, and leaves the
// other cores idle. Some of the work of later passes depends on no
// resolution decision: splitting mergeable sections into hashed pieces and
// parsing .eh_frame. A background goroutine does it for the command-line
// objects while resolution runs; the passes that need it take its results
// (and its errors, reported by them in input order) instead of doing it
// again. It may do some work for nothing (a section a COMDAT group later
// drops), never anything that depends on when it runs.

// sectionPrework is what the background goroutine found for one section.
type sectionPrework struct {
	split    *mergeableSection // pieces and hashes; table and index still unset
	splitErr error
	eh       *ehFrameSection // parsed; eh or ehErr is set when it ran
	ehErr    error
}

type prework struct {
	wg       sync.WaitGroup
	panicked any
}

// startPrework starts the background work on objs, when there is a core
// to spare for it.
func (ctx *Context) startPrework(objs []*ObjectFile) {
	if ctx.threads() < 2 || len(objs) == 0 {
		return
	}
	ctx.prework.wg.Add(1)
	go func() {
		defer ctx.prework.wg.Done()
		defer func() {
			// Carried to waitPrework, so that Link reports it.
			if r := recover(); r != nil {
				ctx.prework.panicked = r
			}
		}()
		for _, obj := range objs {
			for _, sec := range obj.Sections {
				if sec != nil {
					preworkSection(sec)
				}
			}
		}
	}()
}

// waitPrework waits for the background work; the passes that use it call
// this first.
func (ctx *Context) waitPrework() {
	ctx.prework.wg.Wait()
	if r := ctx.prework.panicked; r != nil {
		ctx.prework.panicked = nil
		panic(r)
	}
}

func preworkSection(sec *InputSection) {
	switch {
	case isMergeCandidate(sec):
		m := &mergeableSection{sec: sec}
		err := m.split()
		sec.pre = &sectionPrework{split: m, splitErr: err}
	case isEhFrame(sec):
		eh, err := parseEhFrame(sec)
		sec.pre = &sectionPrework{eh: eh, ehErr: err}
	}
}

// isMergeCandidate reports whether a section's pieces can be deduplicated.
func isMergeCandidate(sec *InputSection) bool {
	return sec.Flags&elf.SHF_MERGE != 0 && sec.Entsize != 0 && sec.Type != elf.SHT_NOBITS && sec.NumRels() == 0
}

func isEhFrame(sec *InputSection) bool {
	return sec.Name == ".eh_frame" && sec.Type != elf.SHT_NOBITS
}
