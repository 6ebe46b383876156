package main

import (
	"os"
	"syscall"

	"gold/runtime/ldgo/search"
)

// The library search is package runtime/ldgo/search, which reproduces
// glibc 2.36's _dl_map_object search exactly (RPATH chain, LD_LIBRARY_PATH,
// RUNPATH, ld.so.cache with hwcaps entries, the system directories, the
// glibc-hwcaps and legacy subdirectories, DSTs, and the memory ld.so keeps
// of missing directories), including its LD_DEBUG=libs trace. This file
// only describes the process to it.

// rtldSoname is glibc's dynamic loader. glibc never searches for it (its
// own map is there from the start); ldgo maps it from a fixed path.
const (
	rtldSoname = "ld-linux-x86-64.so.2"
	rtldPath   = "/lib64/ld-linux-x86-64.so.2"
)

// searchConfig is what main knows about the process for the search.
type searchConfig struct {
	libraryPath       string
	libraryPathOption bool // --library-path rather than LD_LIBRARY_PATH
	secure            bool
	inhibitCache      bool
	cachePath         string // LDGO_CACHE, "" for /etc/ld.so.cache
	platform          string // AT_PLATFORM
	progName          string // argv[0] as glibc names the program
}

// newSearchEnv builds the search's view of the process. A missing or
// corrupt cache is ignored, as glibc ignores it.
func newSearchEnv(c searchConfig, debug *debugLog) *search.Env {
	env := &search.Env{
		LibraryPath:  c.libraryPath,
		Secure:       c.secure,
		InhibitCache: c.inhibitCache,
		Caps:         search.DetectCaps(c.platform),
		CachePath:    c.cachePath,
		ProgName:     c.progName,
	}
	if c.libraryPathOption {
		env.LibraryPathSource = "--library-path"
	}
	if !c.inhibitCache {
		p := c.cachePath
		if p == "" {
			p = search.DefaultCachePath
		}
		if data, err := os.ReadFile(p); err == nil {
			if cache, err := search.ParseCache(data); err == nil {
				env.Cache = cache
			}
		}
	}
	if debug != nil && debug.libs {
		env.Debug = debug.printf
	}
	return env
}

// mainRequester describes the program to the search. Run as a command,
// glibc takes $ORIGIN from the path the program was opened as; as
// interpreter, from /proc/self/exe (or LD_ORIGIN_PATH).
func mainRequester(o *Object, direct bool, originPath string) *search.Requester {
	r := &search.Requester{RPath: o.rpath, RunPath: o.runpath, HasRunPath: o.hasDyn[elf_DT_RUNPATH],
		NoDefLib: o.flags1&df1NoDefLib != 0}
	if direct {
		cwd, _ := os.Getwd()
		r.Origin = search.Origin(o.path, cwd)
	} else {
		exe, _ := os.Readlink("/proc/self/exe")
		r.Origin = search.ExecOrigin(exe, originPath)
	}
	return r
}

// libraryRequester describes a library found at path, loaded by loader.
func libraryRequester(o *Object, loader *Object) *search.Requester {
	cwd, _ := os.Getwd()
	r := &search.Requester{Path: o.path, Origin: search.Origin(o.path, cwd), RPath: o.rpath,
		RunPath: o.runpath, HasRunPath: o.hasDyn[elf_DT_RUNPATH], NoDefLib: o.flags1&df1NoDefLib != 0}
	if loader != nil {
		r.Loader = loader.req
	}
	return r
}

const (
	elf_DT_RUNPATH = 29    // elf.DT_RUNPATH, as an index into Object.hasDyn
	df1NoDefLib    = 0x800 // DF_1_NODEFLIB
)

// searchPurpose is what a library is searched for: glibc maps preloads
// with __RTLD_SECURE, which in a secure process allows only set-user-ID
// files from the search paths and no ld.so.cache (search.FindPreload).
type searchPurpose uint8

const (
	forNeeded  searchPurpose = iota // DT_NEEDED, dlopen
	forPreload                      // LD_PRELOAD, --preload, /etc/ld.so.preload
)

// findLibrary runs the search for name on behalf of req.
func (l *loader) findLibrary(name string, req *Object, purpose searchPurpose) (search.Result, error) {
	if name == rtldSoname || name == rtldPath {
		// Not in glibc's trace: its ld.so is loaded before any search.
		return l.findRtld(name)
	}
	var r *search.Requester
	if req != nil {
		r = req.req
	}
	find := l.search.Find
	if purpose == forPreload {
		find = l.search.FindPreload
	}
	res, err := find(name, r, search.OSFS{})
	if err != nil {
		return res, searchError(name, err)
	}
	return res, nil
}

// findRtld maps glibc's ld.so from its canonical path, or, failing that,
// through a silent search that leaves the process's search state alone.
func (l *loader) findRtld(name string) (search.Result, error) {
	if v := (search.OSFS{}).Verify(rtldPath); v.OK {
		return search.Result{Path: rtldPath, Rule: "program interpreter"}, nil
	}
	env := *l.searchEnv
	env.Debug = nil
	res, err := search.NewState(&env).Find(rtldSoname, nil, search.OSFS{})
	if err != nil {
		return res, searchError(name, err)
	}
	return res, nil
}

// searchError turns the search's verdict into glibc's message.
func searchError(name string, err error) error {
	if le, ok := err.(*search.LoadError); ok {
		msg := le.Msg
		if le.Errno != 0 {
			msg += ": " + strerror(le.Errno)
		}
		return &loadError{name: le.Name, err: errorString(msg), msg: le.Msg}
	}
	return &loadError{name: name, err: err}
}

type errorString string

func (e errorString) Error() string { return string(e) }

// strerror is glibc's text for an errno: Go's, capitalized.
func strerror(e syscall.Errno) string {
	s := e.Error()
	if s != "" && s[0] >= 'a' && s[0] <= 'z' {
		s = string(s[0]-'a'+'A') + s[1:]
	}
	return s
}
