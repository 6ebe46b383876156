// Command ldgo is gold's dynamic loader, written in Go. The kernel runs it
// as the ELF interpreter of a dynamically linked program (PT_INTERP), or it
// is run as a command: ldgo [OPTIONS] PROGRAM [ARGS...]. It maps the program
// and its libraries, relocates them, sets up TLS and — for glibc programs —
// the state glibc's libc.so.6 expects from its own ld.so, then hands the
// main thread to the program. See docs/ldgo.md.
package main

import (
	"debug/elf"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
)

func init() {
	// The program will run on this thread (the process's main thread);
	// the main goroutine must never move to another one.
	runtime.LockOSThread()
	// No collection may start work after the hand-off.
	debug.SetGCPercent(-1)
}

func entryAddress() uintptr

func main() {
	defer func() {
		if r := recover(); r != nil {
			fatalf("%s: internal error: %v", progName, r)
		}
	}()
	// A fault reading a broken file becomes a panic, recovered above
	// into a one-line error.
	debug.SetPanicOnFault(true)
	if initialSP == 0 {
		fmt.Fprintln(os.Stderr, "ldgo: not started through its own entry point (build it with runtime/ldgo/build.sh)")
		os.Exit(127)
	}
	ps := readProcessStart(initialSP)
	direct := ps.aux[atEntry] == entryAddress()
	secure := ps.aux[atSecure] != 0
	env := func(name string) string {
		v, _ := ps.env(name)
		return v
	}
	debugSpec, debugOutput := env("LDGO_DEBUG"), env("LDGO_DEBUG_OUTPUT")
	libraryPath := env("LD_LIBRARY_PATH")
	preloadEnv := env("LD_PRELOAD")
	originPath := env("LD_ORIGIN_PATH")
	cachePath := env("LDGO_CACHE")
	if secure {
		// As glibc's ld.so for an AT_SECURE program: no library path,
		// no $ORIGIN override, no other cache, debug output only on
		// stderr and only with /etc/suid-debug; LD_PRELOAD names
		// without a slash still count (loadPreloads).
		libraryPath, originPath, cachePath, debugOutput = "", "", "", ""
		if !suidDebug() {
			debugSpec = ""
		}
	}
	debugLog := newDebugLog(debugSpec, debugOutput)
	bindNow := env("LD_BIND_NOW") != ""
	lazyBindNot = env("LD_BIND_NOT") != ""
	if env("LDGO_TEST_CLOBBER_VECTORS") != "" {
		vecClobberWanted = true
		vecSaveKind, vecSaveSize = vecSaveSetup()
	}

	var opts options
	if direct {
		var err error
		opts, err = parseOptions(ps)
		if err != nil {
			fmt.Fprintf(os.Stderr, "ldgo: %v\n", err)
			os.Exit(127)
		}
		if opts.libraryPath != nil {
			libraryPath = *opts.libraryPath
		}
	}
	sc := searchConfig{libraryPath: libraryPath, libraryPathOption: opts.libraryPath != nil,
		secure: secure, inhibitCache: opts.inhibitCache, platform: cstring(ps.aux[atPlatform])}
	sc.cachePath = cachePath
	l := newLoader(ps, nil, debugLog)
	var prog *Object
	var err error
	if direct {
		progName = opts.program
		prog, err = l.loadProgram(opts.program)
		if err != nil {
			exitWithError(err)
		}
		sc.progName = opts.program
		ps.skipArgs(opts.skip)
		if opts.argv0 != "" {
			putPtr(ps.argv, arenaString(opts.argv0))
		}
		ps.setAux(atPhdr, prog.phdr)
		ps.setAux(atPhnum, uintptr(prog.phnum))
		ps.setAux(atEntry, prog.entry)
		ps.setAux(atExecfn, getPtr(ps.argv))
	} else {
		progName = ps.arg(0)
		sc.progName = progName
		prog, err = l.adoptProgram()
		if err != nil {
			exitWithError(err)
		}
	}
	if secure {
		// Read what was needed above; now hide the rest from the
		// program and from what it starts (after the argv shuffle of
		// skipArgs, which copies envp up to its first NULL).
		ps.secureEnvironment()
	}
	l.searchEnv = newSearchEnv(sc, debugLog)
	if direct && opts.list {
		l.listing, l.missing = true, map[string]bool{}
	}
	l.startSearch(prog, direct, originPath)
	preload := splitPreload(preloadEnv)
	preload = append(preload, opts.preload...)
	l.loadPreloads(preload, secure)
	if direct && !hasInterp(prog) {
		// A static program (or static PIE) sets itself up: start it
		// as the kernel would, with nothing relocated and no finalizer.
		handOff(ps, prog.entry, 0, 0, 0)
	}
	if err := l.loadDependencies(); err != nil {
		exitWithError(err)
	}
	if direct && opts.list {
		l.list()
		os.Exit(0)
	}
	versionMsgs, err := l.checkVersions()
	versionsFailed := printVersionMessages(versionMsgs)
	if err != nil {
		exitWithError(err)
	}
	if versionsFailed {
		os.Exit(1)
	}
	entry, tp, inits, err := l.prepare(prog, bindNow)
	if err != nil {
		exitWithError(err)
	}
	handOff(ps, entry, tp, inits, cFunc(funcFini))
}

// hasInterp reports whether o asks for an interpreter (PT_INTERP): a
// program without one is static.
func hasInterp(o *Object) bool {
	for _, p := range o.phdrs {
		if elf.ProgType(p.Type) == elf.PT_INTERP {
			return true
		}
	}
	return false
}

// prepare relocates everything, sets up TLS and glibc's state, and returns
// what the hand-off needs: entry point, thread pointer, initializer table.
func (l *loader) prepare(prog *Object, bindNow bool) (entry, tp, inits uintptr, err error) {
	var rtld, libc *Object
	for _, o := range l.objs {
		switch {
		case o.isRtld:
			rtld = o
		case o.soname == "libc.so.6":
			libc = o
		}
	}
	tcbSize := uintptr(64)
	if libc != nil && rtld != nil {
		if road, err = newGlibcRoad(rtld, libc); err != nil {
			return
		}
		tcbSize = uintptr(road.lay.pthreadSize)
	}
	if err = layoutTLS(l.objs, tcbSize); err != nil {
		return
	}
	initCStack()
	r := &relocator{scope: l.objs, provided: providedSymbols(), rtld: rtld, bindNow: bindNow, debug: l.debug}
	if road != nil {
		// ld.so binds to itself, as its own _dl_start would; its IRELATIVE
		// resolver (CPU features) needs GLRO filled first.
		self := &relocator{scope: []*Object{rtld}, provided: r.provided, rtld: rtld, bindNow: true, debug: l.debug}
		irel, rerr := self.relocate(rtld, true)
		if rerr != nil {
			err = &loadError{name: rtld.path, err: rerr}
			return
		}
		road.fillGLRO(l.ps, bindNow)
		runIRelative(irel)
		road.fillGL(l.objs, prog)
	}
	// Dependencies before the objects that use them, the program last:
	// binding a symbol to an ifunc calls its resolver, which needs its
	// own object relocated.
	for _, o := range append(l.initOrder(prog), prog) {
		l.debug.relocating(o)
		if _, rerr := r.relocate(o, false); rerr != nil {
			if se, ok := rerr.(*symbolError); ok {
				err = se
			} else {
				err = &loadError{name: o.displayName(), err: rerr}
			}
			return
		}
	}
	r.finishPending()
	setupLazy(l.objs, r.provided, l.debug.bindings)
	if road != nil {
		l.registerInitial()
		r.scope = append([]*Object{}, l.objs...)
		startDlService(l, r)
	}
	tp = allocateInitialTLS()
	threadPointerOfMain = tp
	if road != nil {
		// The initial set is complete: a debugger breaks here and
		// reads the link map list, as after glibc's ld.so maps it.
		road.debugState(1)
		road.debugState(0)
	}
	if road != nil {
		road.setupThread(l.ps, tp)
	} else {
		putPtr(tp+16, tp)
	}
	// Last writes to RELRO data done (ld.so's variables are there).
	for _, o := range l.objs {
		rebaseDynamic(o)
		if err := o.protectRELRO(); err != nil {
			return 0, 0, 0, err
		}
	}
	for _, o := range l.objs {
		registerFindObject(o)
	}
	var early uintptr
	if road != nil {
		early = road.earlyInit
	}
	inits, finiTable = l.initFiniTables(prog, early)
	return prog.entry, tp, inits, nil
}
