package link

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"

	"golang.org/x/sys/unix"

	"gold/archive"
	"gold/link/script"
)

// archiveInput is an archive on the command line; its members join the
// link only when they define a symbol something needs (or all of them
// under --whole-archive).
type archiveInput struct {
	path        string
	ar          *archive.Archive
	members     []*archiveMember
	excludeLibs bool
	priority    int
	mapping     *inputMapping // the archive file; nil for thin archives
}

type archiveMember struct {
	ar        *archiveInput
	idx       int
	extracted bool
}

func (m *archiveMember) name() string {
	return m.ar.path + "(" + m.ar.ar.Members[m.idx].Name + ")"
}

// readInputs walks the positional input list in order, loading objects,
// archives, shared libraries and linker scripts, and resolving symbols as
// it goes so that archive members are pulled in when something needs them.
func (ctx *Context) readInputs() error {
	for _, u := range ctx.Cfg.Undefined {
		s := ctx.intern(u)
		s.Referenced = true
	}
	ctx.preparseObjects()
	for _, in := range ctx.Cfg.Inputs {
		switch in.Kind {
		case InputFile:
			ctx.loadFile(in.Path, in, false)
		case InputLibrary:
			p, err := ctx.findLibrary(in.Path, in.Static)
			if err != nil {
				ctx.errorf("%v", err)
				continue
			}
			ctx.loadFile(p, in, true)
		}
		// Load what this input pulled in before the next input is read, so
		// a later shared library cannot claim a symbol an earlier archive
		// provides (ld's order).
		ctx.drainExtractions()
	}
	return ctx.checkpoint()
}

// findLibrary searches the -L directories for -lNAME as ld does: in each
// directory the shared library first (unless -Bstatic), then the archive.
func (ctx *Context) findLibrary(name string, static bool) (string, error) {
	var candidates []string
	if strings.HasPrefix(name, ":") {
		candidates = []string{name[1:]}
	} else if static || ctx.Cfg.Kind == OutputStaticExec || ctx.Cfg.Kind == OutputStaticPIE {
		candidates = []string{"lib" + name + ".a"}
	} else {
		candidates = []string{"lib" + name + ".so", "lib" + name + ".a"}
	}
	for _, dir := range ctx.Cfg.LibraryPaths {
		dir = ctx.sysrooted(dir)
		for _, c := range candidates {
			p := filepath.Join(dir, c)
			if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
				return p, nil
			}
		}
	}
	searched := strings.Join(ctx.Cfg.LibraryPaths, ", ")
	if searched == "" {
		searched = "no -L directories were given"
	}
	return "", fmt.Errorf("unable to find library -l%s (searched: %s)", name, searched)
}

// sysrooted applies --sysroot to paths that start with "=" or "$SYSROOT".
func (ctx *Context) sysrooted(p string) string {
	switch {
	case strings.HasPrefix(p, "="):
		return ctx.Cfg.Sysroot + p[1:]
	case strings.HasPrefix(p, "$SYSROOT"):
		return ctx.Cfg.Sysroot + p[len("$SYSROOT"):]
	}
	return p
}

// preparseObjects parses, in parallel, the relocatable objects named on the
// command line (a big link names thousands); resolution then takes them in
// command-line order.
func (ctx *Context) preparseObjects() {
	var paths []string
	seen := map[string]bool{}
	for _, in := range ctx.Cfg.Inputs {
		if in.Kind == InputFile && strings.HasSuffix(in.Path, ".o") && !seen[in.Path] {
			seen[in.Path] = true
			paths = append(paths, in.Path)
		}
	}
	objs := make([]*ObjectFile, len(paths))
	errs := make([]error, len(paths))
	ctx.parallelFor(len(paths), func(i int) {
		data, err := ctx.mapFile(paths[i])
		if err != nil || len(data) < ehdrSize || string(data[:4]) != "\x7fELF" || le.Uint16(data[16:]) != 1 /* ET_REL */ {
			return // loadFile reports it, or it is not an object after all
		}
		objs[i], errs[i] = parseObject(paths[i], data)
	})
	globals := 0
	for _, obj := range objs {
		if obj != nil {
			globals += len(obj.esyms) - obj.FirstGlobal
		}
	}
	// Most names are both defined in one object and referenced from others.
	ctx.symbols.reserve(globals / 2)
	ctx.parallelFor(len(objs), func(i int) {
		if objs[i] != nil {
			ctx.prepareSymbols(objs[i])
		}
	})
	var parsed []*ObjectFile
	for _, obj := range objs {
		if obj != nil {
			parsed = append(parsed, obj)
		}
	}
	ctx.startPrework(parsed)
	ctx.preparsed = map[string]*ObjectFile{}
	ctx.preparseErr = map[string]error{}
	for i, p := range paths {
		if objs[i] != nil {
			ctx.preparsed[p] = objs[i]
		} else if errs[i] != nil {
			ctx.preparseErr[p] = errs[i]
		}
	}
}

// mapFile maps an input read-only; the mapping lives as long as the link.
func (ctx *Context) mapFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("cannot open %s: %v", path, unwrapPathError(err))
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a regular file", path)
	}
	if st.Size() == 0 {
		return []byte{}, nil
	}
	data, err := unix.Mmap(int(f.Fd()), 0, int(st.Size()), unix.PROT_READ, unix.MAP_PRIVATE)
	if err != nil {
		return nil, fmt.Errorf("%s: cannot map: %v", path, err)
	}
	ctx.mapMu.Lock()
	ctx.mapped = append(ctx.mapped, data)
	ctx.mappings[&data[0]] = &inputMapping{data: data}
	ctx.mapMu.Unlock()
	return data, nil
}

// inputMapping is a mapped input file and the number of input sections
// still to be written from it; when that reaches zero its pages are given
// back (releaseInput), which keeps a big link's peak memory down.
type inputMapping struct {
	data    []byte
	pending atomic.Int32
}

// mappingOf returns the mapping that starts at data, or nil (empty files,
// data that is not a mapping).
func (ctx *Context) mappingOf(data []byte) *inputMapping {
	if len(data) == 0 {
		return nil
	}
	ctx.mapMu.Lock()
	defer ctx.mapMu.Unlock()
	return ctx.mappings[&data[0]]
}

func unwrapPathError(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}

func (ctx *Context) unmapAll() {
	ctx.prework.wg.Wait() // it may still be reading them if the link failed early
	for _, m := range ctx.mapped {
		_ = unix.Munmap(m)
	}
	ctx.mapped = nil
}

// loadFile reads one input file of any kind.
func (ctx *Context) loadFile(path string, in Input, fromLib bool) {
	var data []byte
	var err error
	if obj := ctx.preparsed[path]; obj != nil {
		data = obj.data
	} else if data, err = ctx.mapFile(path); err != nil {
		ctx.errorf("%v", err)
		return
	}
	if ctx.Cfg.Trace {
		fmt.Fprintln(ctx.Log, path)
	}
	ctx.inputCount++
	prio := ctx.inputCount
	switch {
	case archive.IsArchive(data):
		ar, err := archive.Parse(path, data)
		if err != nil {
			ctx.errorf("%v", err)
			return
		}
		ctx.addArchive(ar, in, prio, ctx.mappingOf(data))
	case len(data) >= 4 && string(data[:4]) == "\x7fELF":
		if len(data) >= ehdrSize && le.Uint16(data[16:]) == 3 { // ET_DYN
			if ctx.Cfg.Kind == OutputStaticExec || ctx.Cfg.Kind == OutputStaticPIE {
				ctx.errorf("%s: attempted static link of dynamic object", path)
				return
			}
			so, err := parseShared(path, data)
			if err != nil {
				ctx.errorf("%s: %v", path, err)
				return
			}
			so.Priority = prio
			so.AsNeeded = in.AsNeeded
			if !fromLib && !so.hasSoname {
				so.Soname = path // ld records a library without a soname as it was named
			}
			ctx.addShared(so)
			return
		}
		obj, err := ctx.preparsed[path], ctx.preparseErr[path]
		if obj == nil && err == nil {
			obj, err = parseObject(path, data)
		}
		if err != nil {
			ctx.errorf("%s: %v", path, err)
			return
		}
		obj.Priority = prio
		obj.Live = true
		obj.mapping = ctx.mappingOf(data)
		ctx.addObject(obj)
	case script.IsScript(data):
		for i, p := range ctx.scriptStack {
			if p == path {
				ctx.errorf("%s: script includes itself (%s -> %s)", path, strings.Join(ctx.scriptStack[i:], " -> "), path)
				return
			}
		}
		sc, err := script.Parse(path, data)
		if err != nil {
			ctx.errorf("%v", err)
			return
		}
		ctx.scriptStack = append(ctx.scriptStack, path)
		ctx.loadScript(path, sc, in)
		ctx.scriptStack = ctx.scriptStack[:len(ctx.scriptStack)-1]
	case len(data) >= 4 && string(data[:4]) == "BC\xc0\xde":
		ctx.errorf("%s: LLVM bitcode, but gold does not support link-time optimisation; compile without -flto", path)
	default:
		if _, err := checkELFHeader(data); err != nil {
			ctx.errorf("%s: %v", path, err)
			return
		}
		ctx.errorf("%s: file format not recognized", path)
	}
}

// loadScript loads the inputs a linker script such as libc.so names.
func (ctx *Context) loadScript(path string, sc *script.Script, in Input) {
	ctx.Cfg.LibraryPaths = append(ctx.Cfg.LibraryPaths, sc.SearchDirs...)
	for _, si := range sc.Inputs {
		sub := in
		sub.AsNeeded = in.AsNeeded || si.AsNeeded
		if si.Lib {
			p, err := ctx.findLibrary(si.Path, in.Static)
			if err != nil {
				ctx.errorf("%s: %v", path, err)
				continue
			}
			ctx.loadFile(p, sub, true)
			continue
		}
		p := si.Path
		// A path in a script found inside the sysroot is taken relative to it.
		if filepath.IsAbs(p) && ctx.Cfg.Sysroot != "" && strings.HasPrefix(path, ctx.Cfg.Sysroot) {
			p = ctx.Cfg.Sysroot + p
		}
		if !filepath.IsAbs(p) {
			if _, err := os.Stat(p); err != nil {
				if found, err := ctx.findLibrary(":"+p, false); err == nil {
					p = found
				}
			}
		}
		ctx.loadFile(p, sub, true)
	}
}
