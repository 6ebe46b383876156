// Package driver supplies what gcc adds to a link when gold and gshared are
// run under their own names rather than as gcc's ld: the C runtime start and
// end files, the runtime libraries, and gcc's library directories. Under gcc
// (as DIR/libexec/gold/ld) none of this is needed: gcc passes it all.
package driver

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"gold/cmd/internal/ldargs"
	"gold/link"
)

// Runtime is what gcc would add around the user's inputs for one kind of
// output.
type Runtime struct {
	Kind link.OutputKind
	CXX  bool // g++'s additions (-lstdc++ -lm, shared libgcc)

	// Flags are the ld options gcc's link spec puts ahead of the inputs,
	// except -dynamic-linker (see package interp).
	Flags []string
	// Before are the start files (crt1.o crti.o crtbegin.o, ...); After the
	// runtime libraries and end files. Their flags (AsNeeded, Static) are
	// those gcc's command line puts in force for them.
	Before, After []link.Input
	// LibraryPaths are the directories gcc passes as -L: its search list,
	// cleaned, existing only, without repeats.
	LibraryPaths []string

	GCCDir   string // gcc's own directory (crtbegin*.o, libgcc.a)
	AsNeeded bool   // gcc passes --as-needed before all inputs (Debian does)
	FromGCC  bool   // false when gcc was not there to ask and Debian's layout was assumed

	beforeArgs, afterArgs []string
}

// Files finds, the way gcc 12 does, the C runtime start files and libraries
// for an output kind: shared: crti.o crtbeginS.o ... crtendS.o crtn.o;
// PIE: Scrt1.o crti.o crtbeginS.o ... crtendS.o crtn.o; non-PIE executable:
// crt1.o crti.o crtbegin.o ... crtend.o crtn.o; static: crtbeginT.o and
// --start-group -lgcc -lgcc_eh -lc --end-group; static PIE: rcrt1.o. The
// libraries are gcc's (-lgcc, -lgcc_s as needed, -lc) or, with cxx, g++'s
// (-lstdc++ -lm first).
func Files(kind link.OutputKind, cxx bool) (*Runtime, error) {
	return files(kind, cxx, system())
}

func files(kind link.OutputKind, cxx bool, tc toolchain) (*Runtime, error) {
	if kind < link.OutputShared || kind > link.OutputStaticPIE {
		return nil, fmt.Errorf("driver: unknown output kind %d", kind)
	}
	rt := &Runtime{
		Kind: kind, CXX: cxx,
		Flags:        linkFlags(kind, tc.asNeeded),
		LibraryPaths: slices.Clone(tc.libDirs), // the toolchain is shared
		GCCDir:       tc.install,
		AsNeeded:     tc.asNeeded,
		FromGCC:      tc.fromGCC,
	}
	for _, name := range startFiles(kind) {
		p, err := find(name, kind, tc)
		if err != nil {
			return nil, err
		}
		rt.beforeArgs = append(rt.beforeArgs, p)
	}
	rt.afterArgs = libraries(kind, cxx)
	for _, name := range endFiles(kind) {
		p, err := find(name, kind, tc)
		if err != nil {
			return nil, err
		}
		rt.afterArgs = append(rt.afterArgs, p)
	}

	// Read the sequence as ld would read gcc's command line, so that the
	// flags each input carries are the ones gcc's order puts in force.
	var cfg link.Config
	args := concat(rt.Flags, rt.beforeArgs, rt.afterArgs)
	if _, err := ldargs.Parse(args, &cfg, nil); err != nil {
		return nil, fmt.Errorf("driver: %v", err) // the sequences are fixed: a bug
	}
	n := len(rt.beforeArgs)
	rt.Before, rt.After = cfg.Inputs[:n:n], cfg.Inputs[n:]
	return rt, nil
}

// find looks for a start or end file along gcc's search list, as gcc's
// %s spec does.
func find(name string, kind link.OutputKind, tc toolchain) (string, error) {
	for _, d := range tc.libDirs {
		p := filepath.Join(d, name)
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() {
			return p, nil
		}
	}
	return "", fmt.Errorf("cannot find %s for %s (searched %s); are gcc and the libc development files installed?",
		name, kindName(kind), strings.Join(tc.libDirs, ":"))
}

// Args returns the whole ld command line gcc would run for the user's
// ld-style arguments: gcc's flags, the start files, the user's arguments,
// the libraries and end files, and gcc's -L directories last so that the
// user's own -L directories are searched first, as under gcc.
func (r *Runtime) Args(user []string) []string {
	var dirs []string
	for _, d := range r.LibraryPaths {
		dirs = append(dirs, "-L"+d)
	}
	// The user's --whole-archive may still be in force at the end of their
	// arguments (gshared --whole-archive libfoo.a): it must not reach the
	// runtime libraries, which would then be loaded whole, twice.
	return concat(r.Flags, r.beforeArgs, user, []string{"--no-whole-archive"}, r.afterArgs, dirs)
}

// Describe lists what was added, for a tracing flag.
func (r *Runtime) Describe() string {
	lang, src := "C", "asked gcc"
	if r.CXX {
		lang = "C++"
	}
	if !r.FromGCC {
		src = "no gcc on PATH, assumed Debian's layout"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "runtime for %s (%s; %s):\n", kindName(r.Kind), lang, src)
	fmt.Fprintf(&b, "  flags:  %s\n", strings.Join(r.Flags, " "))
	fmt.Fprintf(&b, "  before: %s\n", strings.Join(r.beforeArgs, " "))
	fmt.Fprintf(&b, "  after:  %s\n", strings.Join(r.afterArgs, " "))
	fmt.Fprintf(&b, "  -L:     %s\n", strings.Join(r.LibraryPaths, " "))
	return b.String()
}

func kindName(k link.OutputKind) string {
	switch k {
	case link.OutputShared:
		return "a shared library"
	case link.OutputPIE:
		return "a PIE"
	case link.OutputExec:
		return "a non-PIE executable"
	case link.OutputStaticExec:
		return "a static executable"
	case link.OutputStaticPIE:
		return "a static PIE"
	}
	return fmt.Sprintf("output kind %d", int(k))
}

func concat(lists ...[]string) []string {
	var out []string
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}
