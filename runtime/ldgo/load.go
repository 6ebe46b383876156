package main

import (
	"debug/elf"
	"fmt"
	"os"
	"strings"
	"syscall"

	"gold/runtime/ldgo/search"
)

// loader holds the set of loaded objects in load order: the program, then
// DT_NEEDED libraries breadth-first, each object once (by name, soname and
// device+inode).
type loader struct {
	ps        *processStart
	objs      []*Object
	byName    map[string]*Object
	byFile    map[[2]uint64]*Object
	curNS     int // the namespace byName and byFile belong to
	search    *search.State
	searchEnv *search.Env
	debug     *debugLog

	// --list: the dependencies in load order, missing ones included.
	listing bool
	listed  []listEntry
	missing map[string]bool
}

type listEntry struct {
	name string
	obj  *Object // nil: not found
}

func newLoader(ps *processStart, env *search.Env, debug *debugLog) *loader {
	return &loader{ps: ps, byName: map[string]*Object{}, byFile: map[[2]uint64]*Object{},
		searchEnv: env, debug: debug}
}

// startSearch fixes the program as the search's executable and starts
// the search state (glibc's _dl_init_paths), once the program is known.
func (l *loader) startSearch(prog *Object, direct bool, originPath string) {
	prog.req = mainRequester(prog, direct, originPath)
	l.searchEnv.Main = prog.req
	l.search = search.NewState(l.searchEnv)
}

// loadProgram maps the program named on ldgo's command line.
func (l *loader) loadProgram(path string) (*Object, error) {
	o, err := l.mapPath(path, path)
	if err != nil {
		return nil, &loadError{name: path, err: unwrapMapError(err)}
	}
	o.isMain = true
	if o.etype == elf.ET_DYN && o.entry == o.bias {
		return nil, &loadError{name: path, err: errorf("cannot execute a shared library")}
	}
	l.add(o)
	return o, nil
}

// adoptProgram records the program the kernel mapped (interpreter mode).
func (l *loader) adoptProgram() (*Object, error) {
	o := &Object{isMain: true}
	o.path = l.ps.arg(0)
	if fn := l.ps.aux[atExecfn]; fn != 0 {
		o.path = cstring(fn)
	}
	o.name = o.path
	adoptMapped(o, l.ps.aux[atPhdr], int(l.ps.aux[atPhnum]), l.ps.aux[atEntry])
	if err := readDynamic(o); err != nil {
		return nil, &loadError{name: o.path, err: err}
	}
	var st syscall.Stat_t
	if syscall.Stat("/proc/self/exe", &st) == nil {
		o.dev, o.ino = st.Dev, st.Ino
	}
	l.add(o)
	return o, nil
}

func (l *loader) add(o *Object) {
	o.ns = l.curNS
	l.objs = append(l.objs, o)
	l.byName[o.name] = o
	if o.soname != "" {
		l.byName[o.soname] = o
	}
	if o.dev != 0 || o.ino != 0 {
		l.byFile[[2]uint64{o.dev, o.ino}] = o
	}
}

// mapPath opens, checks and maps one file.
func (l *loader) mapPath(name, path string) (*Object, error) {
	f, err := os.Open(path)
	if err != nil {
		msg := "cannot open shared object file"
		if pe, ok := err.(*os.PathError); ok {
			if e, ok := pe.Err.(syscall.Errno); ok {
				msg += ": " + strerror(e)
			}
		}
		return nil, errorString(msg)
	}
	defer f.Close()
	var st syscall.Stat_t
	if err := syscall.Fstat(int(f.Fd()), &st); err == nil {
		if o := l.byFile[[2]uint64{st.Dev, st.Ino}]; o != nil {
			return o, nil
		}
	}
	hdr, phdrs, err := readHeaders(f)
	if err != nil {
		return nil, err
	}
	o := &Object{name: name, path: path, dev: st.Dev, ino: st.Ino}
	if err := mapFile(o, f, hdr, phdrs); err != nil {
		return nil, mapError{err}
	}
	if err := readDynamic(o); err != nil {
		return nil, mapError{err}
	}
	return o, nil
}

// mapError is a failure after the file's headers were accepted (glibc's
// _dl_map_object_from_fd, whose messages name the object as it was asked
// for — the DT_NEEDED or dlopen name — where open_verify's name the file).
type mapError struct{ err error }

func (e mapError) Error() string { return e.err.Error() }

func unwrapMapError(err error) error {
	if me, ok := err.(mapError); ok {
		return me.err
	}
	return err
}

// loadErrorFor is the loadError for a failed mapPath(name, path).
func loadErrorFor(name, path string, err error) *loadError {
	if me, ok := err.(mapError); ok {
		return &loadError{name: name, err: me.err}
	}
	return &loadError{name: path, err: err}
}

// loadDependencies loads DT_NEEDED breadth-first from the program.
func (l *loader) loadDependencies() error {
	for i := 0; i < len(l.objs); i++ {
		o := l.objs[i]
		for _, raw := range o.needed {
			name, skip, err := search.ExpandNeeded(raw, o.req, l.searchEnv)
			if err != nil {
				return searchError(raw, err)
			}
			if skip {
				continue
			}
			dep, err := l.loadLibrary(name, o)
			if err != nil {
				if le, ok := err.(*loadError); ok && l.listing && le.msg == "cannot open shared object file" {
					// ldd's "not found", and go on.
					if !l.missing[name] {
						l.missing[name] = true
						l.listed = append(l.listed, listEntry{name: name})
					}
					continue
				}
				return err
			}
			o.deps = append(o.deps, dep)
		}
	}
	return nil
}

// loadLibrary returns the already-loaded object for name or maps it.
func (l *loader) loadLibrary(name string, req *Object) (*Object, error) {
	return l.loadLibraryFor(name, req, forNeeded)
}

// loadLibraryFor is loadLibrary for a search of the given purpose.
func (l *loader) loadLibraryFor(name string, req *Object, purpose searchPurpose) (*Object, error) {
	if l.curNS != 0 && sharedWithBase(name) {
		// glibc's own libraries are the base namespace's (namespace.go).
		defer l.enterNS(l.enterNS(0))
	}
	if o := l.byName[name]; o != nil {
		return o, nil
	}
	res, err := l.findLibrary(name, req, purpose)
	if err != nil {
		return nil, err
	}
	path, rule := res.Path, res.Rule
	if o := l.byName[path]; o != nil {
		l.byName[name] = o
		return o, nil
	}
	o, err := l.mapPath(name, path)
	if err != nil {
		return nil, loadErrorFor(name, path, err)
	}
	if o.isMain || containsObj(l.objs, o) {
		l.byName[name] = o
		return o, nil
	}
	o.loader = req
	o.rule = rule
	o.isRtld = o.soname == rtldSoname
	o.req = libraryRequester(o, req)
	l.add(o)
	l.byName[name] = o
	l.byName[path] = o
	if l.listing {
		l.listed = append(l.listed, listEntry{name: name, obj: o})
	}
	return o, nil
}

func containsObj(objs []*Object, o *Object) bool {
	for _, x := range objs {
		if x == o {
			return true
		}
	}
	return false
}

// loadPreloads loads LD_PRELOAD (and --preload) objects and those listed
// in /etc/ld.so.preload, right after the program. As in glibc, one that
// cannot be loaded is reported and skipped; with AT_SECURE only names
// without a slash are taken, and only set-user-ID files that a search
// path (not ld.so.cache) yields (forPreload).
func (l *loader) loadPreloads(names []string, secure bool) {
	if b, err := os.ReadFile("/etc/ld.so.preload"); err == nil {
		names = append(names, strings.Fields(string(b))...)
	}
	prog := l.objs[0]
	for _, name := range names {
		if secure && strings.Contains(name, "/") {
			continue
		}
		o, err := l.loadLibraryFor(name, prog, forPreload)
		if err != nil {
			msg := err.Error()
			if le, ok := err.(*loadError); ok {
				msg = le.err.Error()
				if le.msg != "" {
					msg = le.msg
				}
			}
			fmt.Fprintf(os.Stderr, "ERROR: ld.so: object '%s' from LD_PRELOAD cannot be preloaded (%s): ignored.\n", name, msg)
			continue
		}
		o.preloaded = true
	}
}
