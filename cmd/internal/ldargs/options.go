package ldargs

import (
	"fmt"
	"os"
	"strings"

	"gold/link"
)

// argMode says whether an option takes a value.
type argMode int

const (
	noArg       argMode = iota
	needsArg            // --opt=V, --opt V, and for short options -oV, -o V
	optionalArg         // only ever --opt=V; plain --opt means the default
)

// option is one row of the table: its spellings and what it does.
type option struct {
	// long spellings, each accepted after one or two dashes as ld does;
	// a spelling written here with a leading "--" is accepted only with
	// two, because its single-dash form is a short option with a value
	// (-output is -o utput to ld).
	long  []string
	short byte // 0 when there is no short form
	arg   argMode
	apply func(p *parser, v string) error
}

// longName is a long spelling in the lookup table.
type longName struct {
	opt         *option
	twoDashOnly bool
}

var (
	longOptions  = map[string]longName{}
	shortOptions = map[byte]*option{}
)

func init() {
	for i := range options {
		o := &options[i]
		for _, n := range o.long {
			two := strings.HasPrefix(n, "--")
			longOptions[strings.TrimPrefix(n, "--")] = longName{opt: o, twoDashOnly: two}
		}
		if o.short != 0 {
			shortOptions[o.short] = o
		}
	}
}

// set returns an apply function that runs f and never fails, for the many
// options that only flip a field.
func set(f func(p *parser)) func(*parser, string) error {
	return func(p *parser, _ string) error { f(p); return nil }
}

// options is every ld option gold understands. Anything else is an error:
// silently ignoring an option could produce a subtly different program.
var options = []option{
	// Output.
	{long: []string{"--output"}, short: 'o', arg: needsArg, apply: func(p *parser, v string) error { p.cfg.Output = v; return nil }},
	{long: []string{"shared", "Bshareable"}, apply: set(func(p *parser) { p.mode = modeShared })},
	{long: []string{"pie", "pic-executable"}, apply: set(func(p *parser) { p.mode = modePIE })},
	{long: []string{"no-pie"}, apply: set(func(p *parser) { p.mode = modeExec })},
	// -static is -Bstatic to ld, but it also says the program is meant to
	// be static, which is how gcc -static and -static-pie use it.
	{long: []string{"static"}, apply: set(func(p *parser) { p.staticLink, p.cur.static = true, true })},
	// -static-pie is not an ld option, but spelling out what gcc passes for
	// it costs nothing and saves hand-written command lines a surprise.
	{long: []string{"static-pie"}, apply: set(func(p *parser) {
		p.staticLink, p.cur.static, p.mode = true, true, modePIE
		p.cfg.NoDynamicLinker, p.cfg.DynamicLinker = true, ""
	})},
	{long: []string{"relocatable"}, short: 'r', apply: unsupported("-r (relocatable output)")},
	{long: []string{"script"}, short: 'T', arg: needsArg, apply: unsupported("-T (linker script)")},
	{long: []string{"just-symbols"}, arg: needsArg, apply: unsupported("--just-symbols")},

	// Inputs and how they are searched.
	{long: []string{"--library"}, short: 'l', arg: needsArg, apply: (*parser).library},
	{long: []string{"--library-path"}, short: 'L', arg: needsArg, apply: func(p *parser, v string) error {
		p.cfg.LibraryPaths = append(p.cfg.LibraryPaths, v)
		return nil
	}},
	{long: []string{"Bstatic", "dn", "non_shared"}, apply: set(func(p *parser) { p.cur.static = true })},
	{long: []string{"Bdynamic", "dy", "call_shared"}, apply: set(func(p *parser) { p.cur.static = false })},
	{long: []string{"whole-archive"}, apply: set(func(p *parser) { p.cur.wholeArchive = true })},
	{long: []string{"no-whole-archive"}, apply: set(func(p *parser) { p.cur.wholeArchive = false })},
	{long: []string{"as-needed"}, apply: set(func(p *parser) { p.cur.asNeeded = true })},
	{long: []string{"no-as-needed"}, apply: set(func(p *parser) { p.cur.asNeeded = false })},
	{long: []string{"push-state"}, apply: set(func(p *parser) { p.stack = append(p.stack, p.cur) })},
	{long: []string{"pop-state"}, apply: (*parser).popState},
	{long: []string{"start-group"}, short: '(', apply: (*parser).startGroup},
	{long: []string{"end-group"}, short: ')', apply: (*parser).endGroup},
	{long: []string{"sysroot"}, arg: needsArg, apply: func(p *parser, v string) error { p.cfg.Sysroot = v; return nil }},
	{long: []string{"nostdlib"}, apply: set(func(p *parser) { p.ext.NoStdlib = true })},
	{long: []string{"rpath-link"}, arg: needsArg, apply: func(p *parser, v string) error {
		p.cfg.RpathLink = append(p.cfg.RpathLink, v)
		return nil
	}},

	// Dynamic section.
	{long: []string{"soname"}, short: 'h', arg: needsArg, apply: func(p *parser, v string) error { p.cfg.Soname = v; return nil }},
	{long: []string{"rpath"}, arg: needsArg, apply: func(p *parser, v string) error {
		p.cfg.Rpath = append(p.cfg.Rpath, v)
		return nil
	}},
	{short: 'R', arg: needsArg, apply: (*parser).shortR},
	{long: []string{"enable-new-dtags"}, apply: set(func(p *parser) { p.cfg.DisableNewDtags = false })},
	{long: []string{"disable-new-dtags"}, apply: set(func(p *parser) { p.cfg.DisableNewDtags = true })},
	{long: []string{"dynamic-linker"}, short: 'I', arg: needsArg, apply: func(p *parser, v string) error {
		p.cfg.DynamicLinker, p.cfg.NoDynamicLinker = v, false
		return nil
	}},
	{long: []string{"no-dynamic-linker"}, apply: set(func(p *parser) {
		p.cfg.DynamicLinker, p.cfg.NoDynamicLinker = "", true
	})},
	{long: []string{"hash-style"}, arg: needsArg, apply: (*parser).hashStyle},

	// Symbols.
	{long: []string{"entry"}, short: 'e', arg: needsArg, apply: func(p *parser, v string) error { p.cfg.Entry = v; return nil }},
	{long: []string{"undefined"}, short: 'u', arg: needsArg, apply: func(p *parser, v string) error {
		p.cfg.Undefined = append(p.cfg.Undefined, v)
		return nil
	}},
	{long: []string{"defsym"}, arg: needsArg, apply: func(p *parser, v string) error {
		d, err := parseDefsym(v)
		if err != nil {
			return err
		}
		p.cfg.Defsyms = append(p.cfg.Defsyms, d)
		return nil
	}},
	{long: []string{"wrap"}, arg: needsArg, apply: func(p *parser, v string) error {
		p.cfg.Wraps = append(p.cfg.Wraps, v)
		return nil
	}},
	{long: []string{"export-dynamic"}, short: 'E', apply: set(func(p *parser) { p.cfg.ExportDynamic = true })},
	{long: []string{"no-export-dynamic"}, apply: set(func(p *parser) { p.cfg.ExportDynamic = false })},
	{long: []string{"Bsymbolic"}, apply: set(func(p *parser) { p.cfg.Bsymbolic = true })},
	{long: []string{"Bsymbolic-functions"}, apply: set(func(p *parser) { p.cfg.BsymbolicFunctions = true })},
	{long: []string{"Bno-symbolic"}, apply: set(func(p *parser) { p.cfg.Bsymbolic, p.cfg.BsymbolicFunctions = false, false })},
	{long: []string{"version-script"}, arg: needsArg, apply: func(p *parser, v string) error {
		p.cfg.VersionScripts = append(p.cfg.VersionScripts, v)
		return nil
	}},
	{long: []string{"dynamic-list"}, arg: needsArg, apply: func(p *parser, v string) error {
		p.cfg.DynamicLists = append(p.cfg.DynamicLists, v)
		return nil
	}},
	{long: []string{"exclude-libs"}, arg: needsArg, apply: (*parser).excludeLibs},
	{long: []string{"no-undefined"}, apply: set(func(p *parser) { p.cfg.NoUndefined = true })},
	{long: []string{"allow-shlib-undefined"}, apply: set(func(p *parser) { p.cfg.AllowShlibUndefined = true })},
	{long: []string{"no-allow-shlib-undefined"}, apply: set(func(p *parser) { p.cfg.AllowShlibUndefined = false })},

	// Sections and output contents.
	{long: []string{"gc-sections"}, apply: set(func(p *parser) { p.cfg.GCSections = true })},
	{long: []string{"no-gc-sections"}, apply: set(func(p *parser) { p.cfg.GCSections = false })},
	{long: []string{"eh-frame-hdr"}, apply: set(func(p *parser) { p.cfg.EhFrameHdr = true })},
	{long: []string{"no-eh-frame-hdr"}, apply: set(func(p *parser) { p.cfg.EhFrameHdr = false })},
	{long: []string{"build-id"}, arg: optionalArg, apply: (*parser).buildID},
	{long: []string{"strip-all"}, short: 's', apply: set(func(p *parser) { p.cfg.Strip = link.StripAll })},
	{long: []string{"strip-debug"}, short: 'S', apply: set(func(p *parser) {
		if p.cfg.Strip != link.StripAll { // -s -S strips all, as ld
			p.cfg.Strip = link.StripDebug
		}
	})},
	{long: []string{"Map"}, arg: needsArg, apply: func(p *parser, v string) error { p.cfg.MapFile = v; return nil }},
	{long: []string{"print-map"}, short: 'M', apply: set(func(p *parser) { p.ext.PrintMap = true })},
	{short: 'z', arg: needsArg, apply: (*parser).zKeyword},
	{short: 'm', arg: needsArg, apply: emulation},
	{short: 'O', arg: needsArg, apply: func(*parser, string) error { return nil }}, // ld's -O only tunes string merging

	// Diagnostics and reporting.
	{long: []string{"trace"}, short: 't', apply: set(func(p *parser) { p.cfg.Trace = true })},
	{short: 'v', apply: set(func(p *parser) { p.cfg.Verbose, p.ext.Version = true, true })},
	{short: 'V', apply: set(func(p *parser) { p.cfg.Verbose, p.ext.Version = true, true })},
	{long: []string{"version"}, apply: set(func(p *parser) {
		p.cfg.Verbose, p.ext.Version, p.ext.VersionOnly = true, true, true
	})},
	{long: []string{"verbose"}, arg: optionalArg, apply: set(func(p *parser) { p.cfg.Verbose = true })},
	{long: []string{"fatal-warnings"}, apply: set(func(p *parser) { p.ext.FatalWarnings = true })},
	{long: []string{"no-fatal-warnings"}, apply: set(func(p *parser) { p.ext.FatalWarnings = false })},
	{long: []string{"no-warn-mismatch"}, apply: set(func(*parser) {})}, // gold links one machine only
	{long: []string{"color-diagnostics"}, arg: optionalArg, apply: (*parser).colorDiagnostics},
	{long: []string{"no-color-diagnostics"}, apply: set(func(p *parser) { p.ext.ColorDiagnostics = "never" })},

	// The LTO plugin gcc's collect2 always names: recorded, never loaded.
	{long: []string{"plugin"}, arg: needsArg, apply: func(p *parser, v string) error { p.ext.Plugin = v; return nil }},
	{long: []string{"plugin-opt"}, arg: needsArg, apply: func(p *parser, v string) error {
		p.ext.PluginOpts = append(p.ext.PluginOpts, v)
		return nil
	}},
}

func unsupported(what string) func(*parser, string) error {
	return func(*parser, string) error { return fmt.Errorf("option %s is not supported", what) }
}

// library is -lNAME / -l:FILE.
func (p *parser) library(v string) error {
	if v == ":" {
		return fmt.Errorf("option -l: needs a file name")
	}
	p.addInput(link.InputLibrary, v)
	return nil
}

// shortR is -R: ld takes a directory as -rpath and anything else as
// --just-symbols, which gold does not do.
func (p *parser) shortR(v string) error {
	if fi, err := os.Stat(v); err == nil && fi.IsDir() {
		p.cfg.Rpath = append(p.cfg.Rpath, v)
		return nil
	}
	return fmt.Errorf("-R %s: not a directory, and -R FILE (--just-symbols) is not supported", v)
}

func (p *parser) popState(string) error {
	if len(p.stack) == 0 {
		return fmt.Errorf("--pop-state without a matching --push-state")
	}
	p.cur = p.stack[len(p.stack)-1]
	p.stack = p.stack[:len(p.stack)-1]
	return nil
}

// startGroup and endGroup keep only the outermost group: ld accepts nested
// groups, and an inner group inside an outer one changes nothing since the
// outer one is rescanned until no new symbol is resolved.
func (p *parser) startGroup(string) error {
	if p.groupDepth == 0 {
		p.addInput(link.InputStartGroup, "")
	}
	p.groupDepth++
	return nil
}

func (p *parser) endGroup(string) error {
	if p.groupDepth == 0 {
		return fmt.Errorf("--end-group without a matching --start-group")
	}
	p.groupDepth--
	if p.groupDepth == 0 {
		p.addInput(link.InputEndGroup, "")
	}
	return nil
}

func (p *parser) hashStyle(v string) error {
	switch v {
	case "gnu":
		p.cfg.HashStyle = link.HashGNU
	case "sysv":
		p.cfg.HashStyle = link.HashSysV
	case "both":
		p.cfg.HashStyle = link.HashBoth
	default:
		return fmt.Errorf("--hash-style=%s: want gnu, sysv or both", v)
	}
	return nil
}

// excludeLibs is --exclude-libs LIB,LIB:LIB (ld accepts both separators).
func (p *parser) excludeLibs(v string) error {
	for _, name := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ':' }) {
		p.cfg.ExcludeLibs = append(p.cfg.ExcludeLibs, name)
	}
	return nil
}

// buildID is --build-id[=STYLE]. A bare --build-id (what gcc passes) means
// "fast", as in lld: a 20-byte id like ld's sha1, from a hash several times
// faster (link/buildid.go).
func (p *parser) buildID(v string) error {
	switch {
	case v == "":
		p.cfg.BuildID = "fast"
	case v == "none" || v == "sha1" || v == "md5" || v == "uuid" || v == "fast":
		p.cfg.BuildID = v
	case isHexBytes(v):
		p.cfg.BuildID = v
	default:
		return fmt.Errorf("--build-id=%s: want none, sha1, md5, uuid, fast or 0xHEX", v)
	}
	return nil
}

// isHexBytes reports whether s is 0x followed by whole bytes of hex.
func isHexBytes(s string) bool {
	if !strings.HasPrefix(s, "0x") && !strings.HasPrefix(s, "0X") {
		return false
	}
	h := s[2:]
	if h == "" || len(h)%2 != 0 {
		return false
	}
	for _, c := range h {
		if !strings.ContainsRune("0123456789abcdefABCDEF", c) {
			return false
		}
	}
	return true
}

func emulation(_ *parser, v string) error {
	if v != "elf_x86_64" {
		return fmt.Errorf("unsupported emulation: %s (gold links elf_x86_64 only)", v)
	}
	return nil
}

func (p *parser) colorDiagnostics(v string) error {
	switch v {
	case "":
		p.ext.ColorDiagnostics = "always"
	case "always", "never", "auto":
		p.ext.ColorDiagnostics = v
	default:
		return fmt.Errorf("--color-diagnostics=%s: want always, never or auto", v)
	}
	return nil
}
