package ldargs

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gold/link"
)

func parse(t *testing.T, args ...string) *link.Config {
	t.Helper()
	var cfg link.Config
	_, err := Parse(args, &cfg, nil)
	require.NoError(t, err, "%q", args)
	return &cfg
}

func parseErr(t *testing.T, args ...string) string {
	t.Helper()
	var cfg link.Config
	_, err := Parse(args, &cfg, nil)
	require.Error(t, err, "%q", args)
	return err.Error()
}

func TestDefaults(t *testing.T) {
	cfg := parse(t, "a.o")
	assert.Equal(t, link.OutputExec, cfg.Kind)
	assert.Equal(t, link.HashSysV, cfg.HashStyle)
	assert.True(t, cfg.ZSeparateCode)
	assert.True(t, cfg.ZRelro)
	assert.Equal(t, []link.Input{{Kind: link.InputFile, Path: "a.o"}}, cfg.Inputs)
}

func TestOutputSpellings(t *testing.T) {
	for _, args := range [][]string{
		{"-o", "out"}, {"-oout"}, {"--output", "out"}, {"--output=out"},
	} {
		assert.Equal(t, "out", parse(t, args...).Output, "%q", args)
	}
	// As to ld, -output is -o utput: the long name needs two dashes.
	assert.Equal(t, "utput", parse(t, "-output").Output)
}

func TestKinds(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want link.OutputKind
	}{
		{[]string{"-shared"}, link.OutputShared},
		{[]string{"-Bshareable"}, link.OutputShared},
		{[]string{"--shared"}, link.OutputShared},
		{[]string{"-pie"}, link.OutputPIE},
		{[]string{"--pic-executable"}, link.OutputPIE},
		{[]string{"-pie", "-no-pie"}, link.OutputExec},
		{[]string{"-shared", "-pie"}, link.OutputPIE}, // the last one wins, as in ld
		{[]string{"-pie", "-shared"}, link.OutputShared},
		{[]string{"-static"}, link.OutputStaticExec},
		{[]string{"-static", "-pie"}, link.OutputStaticPIE},
		{[]string{"-static-pie"}, link.OutputStaticPIE},
		{[]string{"-static", "-shared"}, link.OutputShared},
		// -Bstatic only changes how -l searches; the output stays dynamic.
		{[]string{"-Bstatic", "-lfoo", "-Bdynamic"}, link.OutputExec},
		{[]string{"-dn"}, link.OutputExec},
		{[]string{"-non_shared", "-pie"}, link.OutputPIE},
	} {
		assert.Equal(t, tc.want, parse(t, tc.args...).Kind, "%q", tc.args)
	}
}

func TestLibraries(t *testing.T) {
	cfg := parse(t, "-lfoo", "-l", "bar", "-l:libbaz.a", "--library=qux", "--library", "quux",
		"-L/a", "-L", "/b", "--library-path=/c", "--library-path", "/d")
	assert.Equal(t, []link.Input{
		{Kind: link.InputLibrary, Path: "foo"},
		{Kind: link.InputLibrary, Path: "bar"},
		{Kind: link.InputLibrary, Path: ":libbaz.a"},
		{Kind: link.InputLibrary, Path: "qux"},
		{Kind: link.InputLibrary, Path: "quux"},
	}, cfg.Inputs)
	assert.Equal(t, []string{"/a", "/b", "/c", "/d"}, cfg.LibraryPaths)
	assert.Equal(t, "option -l: needs a file name", parseErr(t, "-l:"))
	assert.Equal(t, "option -l needs a value", parseErr(t, "-l"))
	assert.Equal(t, "option -l needs a value", parseErr(t, "-l", ""))
}

func TestPositionalFlags(t *testing.T) {
	cfg := parse(t,
		"a.o",
		"--whole-archive", "b.a", "--no-whole-archive",
		"--as-needed", "-lc",
		"--push-state", "--no-as-needed", "-Bstatic", "--whole-archive", "-lz", "--pop-state",
		"-lm",
		"-static", "-ld", "-Bdynamic", "-le", "-dy", "-call_shared", "-dn", "-lf",
	)
	assert.Equal(t, []link.Input{
		{Kind: link.InputFile, Path: "a.o"},
		{Kind: link.InputFile, Path: "b.a", WholeArchive: true},
		{Kind: link.InputLibrary, Path: "c", AsNeeded: true},
		{Kind: link.InputLibrary, Path: "z", WholeArchive: true, Static: true},
		{Kind: link.InputLibrary, Path: "m", AsNeeded: true},
		{Kind: link.InputLibrary, Path: "d", AsNeeded: true, Static: true},
		{Kind: link.InputLibrary, Path: "e", AsNeeded: true},
		{Kind: link.InputLibrary, Path: "f", AsNeeded: true, Static: true},
	}, cfg.Inputs)
	assert.Equal(t, link.OutputStaticExec, cfg.Kind)
	assert.Equal(t, "--pop-state without a matching --push-state", parseErr(t, "--pop-state"))
}

func TestGroups(t *testing.T) {
	cfg := parse(t, "-(", "a.a", "--start-group", "b.a", "--end-group", "-)", "c.o")
	assert.Equal(t, []link.Input{
		{Kind: link.InputStartGroup},
		{Kind: link.InputFile, Path: "a.a"},
		{Kind: link.InputFile, Path: "b.a"},
		{Kind: link.InputEndGroup},
		{Kind: link.InputFile, Path: "c.o"},
	}, cfg.Inputs, "nested groups fold into the outermost")
	assert.Equal(t, "--end-group without a matching --start-group", parseErr(t, "--end-group"))

	var c link.Config
	ext, err := ParseAll([]string{"--start-group", "a.a"}, &c, nil)
	require.NoError(t, err)
	assert.Equal(t, link.InputEndGroup, c.Inputs[len(c.Inputs)-1].Kind)
	assert.Equal(t, []string{"missing --end-group; added as last command line option"}, ext.Warnings)
}

func TestDynamicSection(t *testing.T) {
	dir := t.TempDir()
	cfg := parse(t, "-soname", "libx.so.1", "-rpath", "/a", "--rpath=/b", "-R", dir, "-R"+dir,
		"-rpath-link", "/l1", "--rpath-link=/l2", "--disable-new-dtags",
		"-dynamic-linker", "/lib/ld.so", "--hash-style=both")
	assert.Equal(t, "libx.so.1", cfg.Soname)
	assert.Equal(t, []string{"/a", "/b", dir, dir}, cfg.Rpath)
	assert.Equal(t, []string{"/l1", "/l2"}, cfg.RpathLink)
	assert.True(t, cfg.DisableNewDtags)
	assert.Equal(t, "/lib/ld.so", cfg.DynamicLinker)
	assert.Equal(t, link.HashBoth, cfg.HashStyle)

	assert.Equal(t, "libx.so.1", parse(t, "-hlibx.so.1").Soname)
	assert.Equal(t, "libx.so.1", parse(t, "-h", "libx.so.1").Soname)
	assert.Equal(t, "libx.so.1", parse(t, "--soname=libx.so.1").Soname)
	assert.False(t, parse(t, "--disable-new-dtags", "--enable-new-dtags").DisableNewDtags)
	assert.Equal(t, "/x", parse(t, "-I/x").DynamicLinker)
	assert.Equal(t, "/x", parse(t, "--dynamic-linker=/x").DynamicLinker)
	assert.Equal(t, link.HashGNU, parse(t, "--hash-style", "gnu").HashStyle)
	assert.Equal(t, link.HashSysV, parse(t, "-hash-style=sysv").HashStyle)

	c := parse(t, "-dynamic-linker", "/x", "--no-dynamic-linker")
	assert.True(t, c.NoDynamicLinker)
	assert.Empty(t, c.DynamicLinker)
	c = parse(t, "--no-dynamic-linker", "-dynamic-linker", "/x")
	assert.False(t, c.NoDynamicLinker, "the last one wins, as in ld")

	f := filepath.Join(dir, "file")
	require.NoError(t, os.WriteFile(f, nil, 0o644))
	assert.Contains(t, parseErr(t, "-R", f), "--just-symbols")
	assert.Equal(t, "--hash-style=md5: want gnu, sysv or both", parseErr(t, "--hash-style=md5"))
}

func TestSymbols(t *testing.T) {
	cfg := parse(t, "-e", "start", "-u", "a", "-ub", "--undefined=c", "--undefined", "d",
		"--wrap=malloc", "--wrap", "free", "-E", "-Bsymbolic", "-Bsymbolic-functions",
		"--version-script=v.map", "--version-script", "w.map", "--dynamic-list", "d.list",
		"--exclude-libs", "libfoo.a,libbar.a:libbaz.a", "--exclude-libs=ALL",
		"--no-undefined", "--allow-shlib-undefined",
		"--defsym=a=0x10", "--defsym", "b=sym", "-defsym", "c = sym + 4",
	)
	assert.Equal(t, "start", cfg.Entry)
	assert.Equal(t, []string{"a", "b", "c", "d"}, cfg.Undefined)
	assert.Equal(t, []string{"malloc", "free"}, cfg.Wraps)
	assert.True(t, cfg.ExportDynamic)
	assert.True(t, cfg.Bsymbolic)
	assert.True(t, cfg.BsymbolicFunctions)
	assert.Equal(t, []string{"v.map", "w.map"}, cfg.VersionScripts)
	assert.Equal(t, []string{"d.list"}, cfg.DynamicLists)
	assert.Equal(t, []string{"libfoo.a", "libbar.a", "libbaz.a", "ALL"}, cfg.ExcludeLibs)
	assert.True(t, cfg.NoUndefined)
	assert.True(t, cfg.AllowShlibUndefined)
	assert.Equal(t, []link.Defsym{
		{Name: "a", Addend: 16},
		{Name: "b", Symbol: "sym"},
		{Name: "c", Symbol: "sym", Addend: 4},
	}, cfg.Defsyms)

	assert.Equal(t, "main", parse(t, "-emain").Entry)
	assert.Equal(t, "main", parse(t, "--entry=main").Entry)
	assert.Equal(t, "main", parse(t, "-entry", "main").Entry)
	assert.True(t, parse(t, "-export-dynamic").ExportDynamic)
	assert.False(t, parse(t, "-E", "--no-export-dynamic").ExportDynamic)
	assert.False(t, parse(t, "--allow-shlib-undefined", "--no-allow-shlib-undefined").AllowShlibUndefined)
	assert.False(t, parse(t, "-Bsymbolic", "-Bno-symbolic").Bsymbolic)
}

func TestSectionsAndOutput(t *testing.T) {
	cfg := parse(t, "--gc-sections", "--eh-frame-hdr", "--build-id=md5", "-S", "-Map", "out.map", "-t", "-O1", "-m", "elf_x86_64")
	assert.True(t, cfg.GCSections)
	assert.True(t, cfg.EhFrameHdr)
	assert.Equal(t, "md5", cfg.BuildID)
	assert.Equal(t, link.StripDebug, cfg.Strip)
	assert.Equal(t, "out.map", cfg.MapFile)
	assert.True(t, cfg.Trace)

	assert.False(t, parse(t, "--gc-sections", "--no-gc-sections").GCSections)
	assert.Equal(t, "fast", parse(t, "--build-id").BuildID)
	assert.Equal(t, "sha1", parse(t, "--build-id=sha1").BuildID)
	assert.Equal(t, "0xdeadbeef", parse(t, "--build-id=0xdeadbeef").BuildID)
	assert.Equal(t, "none", parse(t, "-build-id=none").BuildID)
	assert.Equal(t, link.StripAll, parse(t, "-s").Strip)
	assert.Equal(t, link.StripAll, parse(t, "--strip-all", "--strip-debug").Strip)
	assert.Equal(t, link.StripDebug, parse(t, "--strip-debug").Strip)
	assert.Equal(t, "m", parse(t, "--Map=m").MapFile)
	assert.Equal(t, "m", parse(t, "-Map=m").MapFile)
	assert.True(t, parse(t, "--trace").Trace)
	parse(t, "-O", "2")
	parse(t, "-melf_x86_64")

	assert.Equal(t, "--build-id=foo: want none, sha1, md5, uuid, fast or 0xHEX", parseErr(t, "--build-id=foo"))
	assert.Contains(t, parseErr(t, "--build-id=0xabc"), "0xHEX")
	assert.Equal(t, "unsupported emulation: elf_i386 (gold links elf_x86_64 only)", parseErr(t, "-m", "elf_i386"))
	assert.Equal(t, "unsupported emulation: elf_i386 (gold links elf_x86_64 only)", parseErr(t, "-melf_i386"))
}

func TestZKeywords(t *testing.T) {
	cfg := parse(t, "-z", "now", "-znorelro", "-z", "execstack", "-z", "text", "-z", "defs",
		"-z", "origin", "-z", "nodelete", "-z", "nodlopen", "-z", "interpose", "-z", "initfirst",
		"-z", "noseparate-code", "-z", "combreloc", "-z", "nocombreloc")
	assert.True(t, cfg.ZNow)
	assert.False(t, cfg.ZRelro)
	assert.True(t, cfg.ZExecStack)
	assert.True(t, cfg.ZText)
	assert.True(t, cfg.NoUndefined)
	assert.True(t, cfg.ZOrigin)
	assert.True(t, cfg.ZNodelete)
	assert.True(t, cfg.ZNodlopen)
	assert.True(t, cfg.ZInterpose)
	assert.True(t, cfg.ZInitFirst)
	assert.False(t, cfg.ZSeparateCode)

	cfg = parse(t, "-z", "now", "-z", "lazy", "-z", "norelro", "-z", "relro", "-z", "execstack", "-z", "noexecstack",
		"-z", "text", "-z", "notext", "-z", "defs", "-z", "undefs", "-z", "noseparate-code", "-z", "separate-code")
	assert.False(t, cfg.ZNow)
	assert.True(t, cfg.ZRelro)
	assert.False(t, cfg.ZExecStack)
	assert.False(t, cfg.ZText)
	assert.False(t, cfg.NoUndefined)
	assert.True(t, cfg.ZSeparateCode)

	var c link.Config
	ext, err := ParseAll([]string{"-z", "max-page-size=0x200000", "-zcommon-page-size=4096",
		"-z", "ibt", "-z", "shstk", "-z", "cet-report=error"}, &c, nil)
	require.NoError(t, err)
	assert.Equal(t, uint64(0x200000), ext.MaxPageSize)
	assert.Equal(t, uint64(4096), ext.CommonPageSize)
	assert.True(t, ext.ZIBT)
	assert.True(t, ext.ZShstk)
	assert.Equal(t, "error", ext.CETReport)

	assert.Equal(t, "unknown -z option: frob", parseErr(t, "-z", "frob"))
	assert.Equal(t, "unknown -z option: now=1", parseErr(t, "-z", "now=1"))
	assert.Equal(t, `-z max-page-size: "3" is not a power of two`, parseErr(t, "-z", "max-page-size=3"))
	assert.Equal(t, "-z cet-report=loud: want none, warning or error", parseErr(t, "-z", "cet-report=loud"))
	assert.Equal(t, "option -z needs a value", parseErr(t, "-z"))
}

func TestReportingOptions(t *testing.T) {
	for _, tc := range []struct {
		args        []string
		version     bool
		versionOnly bool
	}{
		{[]string{"-v"}, true, false},
		{[]string{"-V"}, true, false},
		{[]string{"--version"}, true, true},
		{[]string{"--verbose"}, false, false},
		{[]string{"--verbose=2"}, false, false},
	} {
		var cfg link.Config
		ext, err := ParseAll(tc.args, &cfg, nil)
		require.NoError(t, err)
		assert.True(t, cfg.Verbose, "%q", tc.args)
		assert.Equal(t, tc.version, ext.Version, "%q", tc.args)
		assert.Equal(t, tc.versionOnly, ext.VersionOnly, "%q", tc.args)
	}

	var cfg link.Config
	ext, err := ParseAll([]string{"-M", "-nostdlib", "--fatal-warnings", "--no-warn-mismatch",
		"--color-diagnostics", "-plugin", "p.so", "-plugin-opt=a", "--plugin-opt", "b", "--plugin-opt=-pass-through=-lgcc",
		"--sysroot=/sys"}, &cfg, nil)
	require.NoError(t, err)
	assert.True(t, ext.PrintMap)
	assert.True(t, ext.NoStdlib)
	assert.True(t, ext.FatalWarnings)
	assert.Equal(t, "always", ext.ColorDiagnostics)
	assert.Equal(t, "p.so", ext.Plugin)
	assert.Equal(t, []string{"a", "b", "-pass-through=-lgcc"}, ext.PluginOpts)
	assert.Equal(t, "/sys", cfg.Sysroot)

	ext, err = ParseAll([]string{"--print-map", "--no-color-diagnostics"}, &cfg, nil)
	require.NoError(t, err)
	assert.True(t, ext.PrintMap)
	assert.Equal(t, "never", ext.ColorDiagnostics)
}

func TestOwnOptions(t *testing.T) {
	own := map[string]bool{"threads": true, "time-report": false}
	var cfg link.Config
	rest, err := Parse([]string{"--threads=2", "a.o", "--threads", "-1", "-time-report", "-threads", "3", "--time-report=false", "-lc"}, &cfg, own)
	require.NoError(t, err)
	assert.Equal(t, []string{"--threads=2", "--threads=-1", "--time-report", "--threads=3", "--time-report=false"}, rest)
	assert.Len(t, cfg.Inputs, 2)

	_, err = Parse([]string{"--threads"}, &cfg, own)
	assert.EqualError(t, err, "option --threads needs a value")

	// Without own, --threads is not an ld option.
	assert.Equal(t, "unknown option: --threads=2", parseErr(t, "--threads=2"))
}

func TestErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--frobnicate"}, "unknown option: --frobnicate"},
		{[]string{"-frobnicate"}, "unknown option: -frobnicate"},
		{[]string{"-st"}, "unknown option: -st"},
		{[]string{"-o"}, "option -o needs a value"},
		{[]string{"--output"}, "option --output needs a value"},
		{[]string{"-soname"}, "option -soname needs a value"},
		{[]string{"--soname="}, "option --soname needs a value"},
		{[]string{"-L"}, "option -L needs a value"},
		{[]string{"--as-needed=yes"}, "option --as-needed does not take a value"},
		{[]string{"-r"}, "option -r (relocatable output) is not supported"},
		{[]string{"-T", "x.ld"}, "option -T (linker script) is not supported"},
		{[]string{"--color-diagnostics=sometimes"}, "--color-diagnostics=sometimes: want always, never or auto"},
		{[]string{"--defsym", "x"}, "--defsym x: want NAME=EXPR"},
	} {
		assert.Equal(t, tc.want, parseErr(t, tc.args...), "%q", tc.args)
	}
}

func TestOperands(t *testing.T) {
	cfg := parse(t, "-", "a.o", "--", "-lfoo", "--whatever")
	assert.Equal(t, []link.Input{
		{Kind: link.InputFile, Path: "-"},
		{Kind: link.InputFile, Path: "a.o"},
		{Kind: link.InputFile, Path: "-lfoo"},
		{Kind: link.InputFile, Path: "--whatever"},
	}, cfg.Inputs)
}

func TestParseAppendsAndResets(t *testing.T) {
	cfg := link.Config{
		Inputs:       []link.Input{{Kind: link.InputFile, Path: "first.o"}},
		LibraryPaths: []string{"/pre"},
		Kind:         link.OutputShared,
		Threads:      3,
	}
	_, err := Parse([]string{"-L/post", "b.o"}, &cfg, nil)
	require.NoError(t, err)
	assert.Equal(t, []string{"/pre", "/post"}, cfg.LibraryPaths)
	assert.Len(t, cfg.Inputs, 2)
	assert.Equal(t, link.OutputExec, cfg.Kind, "Kind comes from the arguments alone")
	assert.Equal(t, 3, cfg.Threads, "fields ld has no say in are kept")
}
