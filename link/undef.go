package link

import (
	"debug/elf"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Undefined symbols are reported once each, with up to three places that
// reference them, a count of the rest, and a hint when one is known.

type undefReport struct {
	refs  []string
	total int
}

const maxUndefRefs = 3

// noteUndefined records a reference to a symbol nothing defines, when the
// output kind makes that an error.
func (ctx *Context) noteUndefined(s *Symbol, sec *InputSection, r rela) {
	if s.WeakRefOnly || s.Bind == elf.STB_WEAK && s.IsUndefined() && !s.Referenced {
		return
	}
	if ctx.Cfg.Kind == OutputShared && !ctx.Cfg.NoUndefined {
		return
	}
	if s.WeakRefOnly {
		return
	}
	if ctx.undefs == nil {
		ctx.undefs = map[*Symbol]*undefReport{}
	}
	rep := ctx.undefs[s]
	if rep == nil {
		rep = &undefReport{}
		ctx.undefs[s] = rep
		ctx.undefOrder = append(ctx.undefOrder, s)
	}
	rep.total++
	if len(rep.refs) < maxUndefRefs {
		ref := ctx.where(sec, r.Off)
		if fn := enclosingFunction(sec, r.Off); fn != "" {
			ref += " in function " + fn
		}
		rep.refs = append(rep.refs, ref)
	}
}

// reportUndefined turns the recorded references into errors.
func (ctx *Context) reportUndefined() error {
	for _, s := range ctx.undefOrder {
		rep := ctx.undefs[s]
		var b strings.Builder
		fmt.Fprintf(&b, "undefined symbol: %s", s.Name)
		for _, ref := range rep.refs {
			fmt.Fprintf(&b, "\n>>> referenced by %s", ref)
		}
		if more := rep.total - len(rep.refs); more > 0 {
			fmt.Fprintf(&b, "\n>>> referenced %d more times", more)
		}
		if hint := ctx.undefinedHint(s); hint != "" {
			fmt.Fprintf(&b, "\n>>> hint: %s", hint)
		}
		ctx.errorf("%s", b.String())
	}
	return ctx.checkpoint()
}

// undefinedHint suggests why a symbol is missing: it exists under another
// version, or in a library that was not given on the command line.
func (ctx *Context) undefinedHint(s *Symbol) string {
	var versions []string
	ctx.symbols.names(func(name string, v *Symbol) {
		if strings.HasPrefix(name, s.Name+"@") && v.IsDefined() {
			versions = append(versions, name)
		}
	})
	sort.Strings(versions)
	if len(versions) > 0 {
		return "a definition exists with another version: " + strings.Join(versions, ", ") +
			"; a plain reference binds only to the default version"
	}
	if lib := ctx.libraryDefining(s.Name); lib != "" {
		return fmt.Sprintf("%s defines it; add it to the command line (a library it depends on is not searched for symbols)", lib)
	}
	if lib := wellKnownLibraryDefining(s.Name); lib != "" {
		return fmt.Sprintf("%s defines it: link with -l%s", lib, libName(lib))
	}
	if strings.HasPrefix(s.Name, "_Z") {
		return "a C++ symbol: link with g++ or add -lstdc++"
	}
	return ""
}

// libraryDefining looks through the DT_NEEDED libraries of the input
// shared libraries (one level, in the usual directories) for a definition.
func (ctx *Context) libraryDefining(name string) string {
	seen := map[string]bool{}
	for _, so := range ctx.dsos {
		for _, dep := range so.Needed {
			if seen[dep] {
				continue
			}
			seen[dep] = true
			if libraryDefines(dep, append(append([]string{}, ctx.Cfg.LibraryPaths...), defaultLibDirs...), name) {
				return dep
			}
		}
	}
	return ""
}

var defaultLibDirs = []string{"/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib64", "/usr/lib"}

// enclosingFunction names the function symbol covering off in sec.
func enclosingFunction(sec *InputSection, off uint64) string {
	best := ""
	for _, s := range sec.File.Symbols {
		if s == nil || s.Sec != sec || s.Type != elf.STT_FUNC {
			continue
		}
		if s.Value <= off && off < s.Value+max(s.Size, 1) {
			best = s.Name
		}
	}
	return best
}

// wellKnownLibraries are the system libraries whose symbols people most
// often forget to link (cos without -lm).
var wellKnownLibraries = []string{"libm.so.6", "libstdc++.so.6", "libz.so.1", "libcrypto.so.3", "libssl.so.3", "libsqlite3.so.0"}

func wellKnownLibraryDefining(name string) string {
	for _, lib := range wellKnownLibraries {
		if libraryDefines(lib, defaultLibDirs, name) {
			return lib
		}
	}
	return ""
}

// libraryDefines reports whether the first lib found in dirs exports a
// default-version definition of name.
func libraryDefines(lib string, dirs []string, name string) bool {
	for _, dir := range dirs {
		data, err := os.ReadFile(filepath.Join(dir, lib))
		if err != nil {
			continue
		}
		so, err := parseShared(lib, data)
		if err != nil {
			return false
		}
		for _, ss := range so.Syms {
			if !ss.Undef && !ss.Hidden && ss.Name == name {
				return true
			}
		}
		return false
	}
	return false
}

// libName turns libm.so.6 into m, for a -l suggestion.
func libName(lib string) string {
	name := strings.TrimPrefix(lib, "lib")
	if i := strings.Index(name, ".so"); i >= 0 {
		name = name[:i]
	}
	return name
}
