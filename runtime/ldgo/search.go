package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
)

// LibrarySearcher finds the file for a DT_NEEDED name. The simple search
// below is a stand-in for runtime/ldgo/search, which implements glibc's
// complete rules (ld.so.cache, hwcaps, $LIB/$PLATFORM); the loader only
// depends on this interface.
type LibrarySearcher interface {
	Search(name string, req *SearchRequest) (path string, rule string, err error)
}

// SearchRequest says who needs the library.
type SearchRequest struct {
	// RPaths are the DT_RPATH lists of the requester and its loaders, the
	// requester first; glibc uses them only when the requester has no
	// DT_RUNPATH. Each list is already $ORIGIN-expanded.
	RPaths  [][]string
	RunPath []string // the requester's DT_RUNPATH, $ORIGIN-expanded
}

// errNotFound is glibc's wording when no candidate file exists.
var errNotFound = errors.New("cannot open shared object file: No such file or directory")

// simpleSearcher: DT_RPATH chain (without DT_RUNPATH), LD_LIBRARY_PATH,
// DT_RUNPATH, /etc/ld.so.cache, then the default directories of Debian's
// multiarch glibc.
type simpleSearcher struct {
	libraryPath []string
	cache       map[string]string
	defaultDirs []string
}

func newSimpleSearcher(ldLibraryPath string, inhibitCache bool) *simpleSearcher {
	s := &simpleSearcher{
		libraryPath: splitPath(ldLibraryPath, ""),
		defaultDirs: []string{"/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib", "/usr/lib"},
	}
	if !inhibitCache {
		s.cache = ldsoCache("/etc/ld.so.cache")
	}
	return s
}

func (s *simpleSearcher) Search(name string, req *SearchRequest) (string, string, error) {
	if strings.Contains(name, "/") {
		if _, err := os.Stat(name); err != nil {
			return "", "", errNotFound
		}
		return name, "path", nil
	}
	try := func(dirs []string) string {
		for _, d := range dirs {
			p := filepath.Join(d, name)
			if compatibleELF(p) {
				return p
			}
		}
		return ""
	}
	if len(req.RunPath) == 0 {
		for _, rp := range req.RPaths {
			if p := try(rp); p != "" {
				return p, "RPATH", nil
			}
		}
	}
	if p := try(s.libraryPath); p != "" {
		return p, "LD_LIBRARY_PATH", nil
	}
	if p := try(req.RunPath); p != "" {
		return p, "RUNPATH", nil
	}
	if p, ok := s.cache[name]; ok && compatibleELF(p) {
		return p, "ld.so.cache", nil
	}
	if p := try(s.defaultDirs); p != "" {
		return p, "system search path", nil
	}
	return "", "", errNotFound
}

// compatibleELF reports whether path is a file the loader can map: glibc
// skips incompatible candidates (another class or machine) and goes on.
func compatibleELF(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	_, _, err = readHeaders(f)
	return err == nil
}

// splitPath splits a colon- or semicolon-separated list, expanding $ORIGIN.
func splitPath(list, origin string) []string {
	var out []string
	for _, d := range strings.FieldsFunc(list, func(r rune) bool { return r == ':' || r == ';' }) {
		if origin != "" {
			d = strings.ReplaceAll(d, "${ORIGIN}", origin)
			d = strings.ReplaceAll(d, "$ORIGIN", origin)
		}
		// Debian's glibc: $LIB is the multiarch library directory,
		// $PLATFORM the machine.
		d = strings.NewReplacer("${LIB}", "lib/x86_64-linux-gnu", "$LIB", "lib/x86_64-linux-gnu",
			"${PLATFORM}", "x86_64", "$PLATFORM", "x86_64").Replace(d)
		if d == "" {
			d = "."
		}
		out = append(out, d)
	}
	return out
}
