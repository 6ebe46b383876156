package ldargs

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gold/link"
)

// The command lines below are exactly what Debian 12's gcc 12.2 (through
// collect2) handed to ld, captured with a logging ld under gcc -B. None of
// the arguments contains blanks, so strings.Fields recovers the argv.
const (
	gccPlugin       = `-plugin /usr/lib/gcc/x86_64-linux-gnu/12/liblto_plugin.so -plugin-opt=/usr/lib/gcc/x86_64-linux-gnu/12/lto-wrapper -plugin-opt=-fresolution=/tmp/ccOdtHX9.res -plugin-opt=-pass-through=-lgcc -plugin-opt=-pass-through=-lgcc_s -plugin-opt=-pass-through=-lc -plugin-opt=-pass-through=-lgcc -plugin-opt=-pass-through=-lgcc_s `
	gccStaticPlugin = `-plugin /usr/lib/gcc/x86_64-linux-gnu/12/liblto_plugin.so -plugin-opt=/usr/lib/gcc/x86_64-linux-gnu/12/lto-wrapper -plugin-opt=-fresolution=/tmp/ccm43vDt.res -plugin-opt=-pass-through=-lgcc -plugin-opt=-pass-through=-lgcc_eh -plugin-opt=-pass-through=-lc `
	gccLibPaths     = ` -L/tmp/ldspy -L/usr/lib/gcc/x86_64-linux-gnu/12 -L/usr/lib/gcc/x86_64-linux-gnu/12/../../../x86_64-linux-gnu -L/usr/lib/gcc/x86_64-linux-gnu/12/../../../../lib -L/lib/x86_64-linux-gnu -L/lib/../lib -L/usr/lib/x86_64-linux-gnu -L/usr/lib/../lib -L/usr/lib/gcc/x86_64-linux-gnu/12/../../.. `
	gccDynLibs      = ` -lgcc --push-state --as-needed -lgcc_s --pop-state -lc -lgcc --push-state --as-needed -lgcc_s --pop-state `
	crtDir          = `/usr/lib/gcc/x86_64-linux-gnu/12/../../../x86_64-linux-gnu/`
	gccDir          = `/usr/lib/gcc/x86_64-linux-gnu/12/`

	gccPIE = gccPlugin + `--build-id --eh-frame-hdr -m elf_x86_64 --hash-style=gnu --as-needed -dynamic-linker /lib64/ld-linux-x86-64.so.2 -pie -o /tmp/xx ` +
		crtDir + `Scrt1.o ` + crtDir + `crti.o ` + gccDir + `crtbeginS.o` + gccLibPaths + `x.o` + gccDynLibs + gccDir + `crtendS.o ` + crtDir + `crtn.o`
	gccNoPIE = gccPlugin + `--build-id --eh-frame-hdr -m elf_x86_64 --hash-style=gnu --as-needed -dynamic-linker /lib64/ld-linux-x86-64.so.2 -o /tmp/xx ` +
		crtDir + `crt1.o ` + crtDir + `crti.o ` + gccDir + `crtbegin.o` + gccLibPaths + `x.o` + gccDynLibs + gccDir + `crtend.o ` + crtDir + `crtn.o`
	gccShared = gccPlugin + `--build-id --eh-frame-hdr -m elf_x86_64 --hash-style=gnu --as-needed -shared -o /tmp/xx ` +
		crtDir + `crti.o ` + gccDir + `crtbeginS.o` + gccLibPaths + `x.o` + gccDynLibs + gccDir + `crtendS.o ` + crtDir + `crtn.o`
	gccStatic = gccStaticPlugin + `--build-id -m elf_x86_64 --hash-style=gnu --as-needed -static -o /tmp/xx ` +
		crtDir + `crt1.o ` + crtDir + `crti.o ` + gccDir + `crtbeginT.o` + gccLibPaths + `x.o --start-group -lgcc -lgcc_eh -lc --end-group ` + gccDir + `crtend.o ` + crtDir + `crtn.o`
	gccStaticPIE = gccStaticPlugin + `--build-id --eh-frame-hdr -m elf_x86_64 --hash-style=gnu --as-needed -static -pie --no-dynamic-linker -z text -pie -o /tmp/xx ` +
		crtDir + `rcrt1.o ` + crtDir + `crti.o ` + gccDir + `crtbeginS.o` + gccLibPaths + `x.o --start-group -lgcc -lgcc_eh -lc --end-group ` + gccDir + `crtendS.o ` + crtDir + `crtn.o`
	gccPthread = gccPlugin + `-plugin-opt=-pass-through=-lpthread --build-id --eh-frame-hdr -m elf_x86_64 --hash-style=gnu --as-needed -dynamic-linker /lib64/ld-linux-x86-64.so.2 -pie -o /tmp/xx ` +
		crtDir + `Scrt1.o ` + crtDir + `crti.o ` + gccDir + `crtbeginS.o` + gccLibPaths + `x.o -lgcc --push-state --as-needed -lgcc_s --pop-state -lpthread -lc -lgcc --push-state --as-needed -lgcc_s --pop-state ` + gccDir + `crtendS.o ` + crtDir + `crtn.o`
	gxxPIE = gccPlugin + `--build-id --eh-frame-hdr -m elf_x86_64 --hash-style=gnu --as-needed -dynamic-linker /lib64/ld-linux-x86-64.so.2 -pie -o /tmp/xx ` +
		crtDir + `Scrt1.o ` + crtDir + `crti.o ` + gccDir + `crtbeginS.o` + gccLibPaths + `x.o -lstdc++ -lm -lgcc_s -lgcc -lc -lgcc_s -lgcc ` + gccDir + `crtendS.o ` + crtDir + `crtn.o`
	gxxShared = gccPlugin + `--build-id --eh-frame-hdr -m elf_x86_64 --hash-style=gnu --as-needed -shared -o /tmp/xx ` +
		crtDir + `crti.o ` + gccDir + `crtbeginS.o` + gccLibPaths + `x.o -lstdc++ -lm -lgcc_s -lc -lgcc_s ` + gccDir + `crtendS.o ` + crtDir + `crtn.o`
	gxxStatic = gccStaticPlugin + `--build-id -m elf_x86_64 --hash-style=gnu --as-needed -static -o /tmp/xx ` +
		crtDir + `crt1.o ` + crtDir + `crti.o ` + gccDir + `crtbeginT.o` + gccLibPaths + `x.o -lstdc++ -lm --start-group -lgcc -lgcc_eh -lc --end-group ` + gccDir + `crtend.o ` + crtDir + `crtn.o`
	// gcc -rdynamic -s -Wl,-z,relro,-z,now,--gc-sections,-soname,libx.so.1,-rpath,/opt/lib,--as-needed
	gccHardened = gccPlugin + `--build-id --eh-frame-hdr -m elf_x86_64 --hash-style=gnu --as-needed -export-dynamic -dynamic-linker /lib64/ld-linux-x86-64.so.2 -pie -o /tmp/xx -s ` +
		crtDir + `Scrt1.o ` + crtDir + `crti.o ` + gccDir + `crtbeginS.o` + gccLibPaths + `-z relro -z now --gc-sections -soname libx.so.1 -rpath /opt/lib --as-needed x.o` + gccDynLibs + gccDir + `crtendS.o ` + crtDir + `crtn.o`
	// gcc -fsanitize=address drops the global --as-needed.
	gccASan = gccPlugin + `--build-id --eh-frame-hdr -m elf_x86_64 --hash-style=gnu -dynamic-linker /lib64/ld-linux-x86-64.so.2 -pie -o /tmp/xx ` +
		crtDir + `Scrt1.o ` + crtDir + `crti.o ` + gccDir + `crtbeginS.o` + gccLibPaths + gccDir + `libasan_preinit.o --push-state --no-as-needed -lasan --pop-state x.o` + gccDynLibs + gccDir + `crtendS.o ` + crtDir + `crtn.o`
	// gcc -fopenmp and --coverage add libraries and offload start files.
	gccOpenMP = gccPlugin + `-plugin-opt=-pass-through=-lpthread --build-id --eh-frame-hdr -m elf_x86_64 --hash-style=gnu --as-needed -dynamic-linker /lib64/ld-linux-x86-64.so.2 -pie -o /tmp/xx ` +
		crtDir + `Scrt1.o ` + crtDir + `crti.o ` + gccDir + `crtbeginS.o ` + gccDir + `crtoffloadbegin.o` + gccLibPaths + `x.o -lgcov -lgomp -lgcc --push-state --as-needed -lgcc_s --pop-state -lpthread -lc -lgcc --push-state --as-needed -lgcc_s --pop-state ` + gccDir + `crtendS.o ` + crtDir + `crtn.o ` + gccDir + `crtoffloadend.o`
	// gcc -static-libgcc
	gccStaticLibgcc = gccPlugin + `--build-id --eh-frame-hdr -m elf_x86_64 --hash-style=gnu --as-needed -dynamic-linker /lib64/ld-linux-x86-64.so.2 -pie -o /tmp/xx ` +
		crtDir + `Scrt1.o ` + crtDir + `crti.o ` + gccDir + `crtbeginS.o` + gccLibPaths + `x.o -lgcc -lgcc_eh -lc -lgcc -lgcc_eh ` + gccDir + `crtendS.o ` + crtDir + `crtn.o`
)

var gccLibraryPaths = []string{
	"/tmp/ldspy",
	"/usr/lib/gcc/x86_64-linux-gnu/12",
	"/usr/lib/gcc/x86_64-linux-gnu/12/../../../x86_64-linux-gnu",
	"/usr/lib/gcc/x86_64-linux-gnu/12/../../../../lib",
	"/lib/x86_64-linux-gnu",
	"/lib/../lib",
	"/usr/lib/x86_64-linux-gnu",
	"/usr/lib/../lib",
	"/usr/lib/gcc/x86_64-linux-gnu/12/../../..",
}

func parseLine(t *testing.T, line string) (*link.Config, *Extras) {
	t.Helper()
	var cfg link.Config
	ext, err := ParseAll(strings.Fields(line), &cfg, nil)
	require.NoError(t, err)
	return &cfg, ext
}

// in builds the expected inputs: "-lNAME" is a library, "(" and ")" group
// markers, anything else a file; all with the same flags.
func in(fl link.Input, items ...string) []link.Input {
	var out []link.Input
	for _, s := range items {
		e := fl
		switch {
		case s == "(":
			e.Kind = link.InputStartGroup
		case s == ")":
			e.Kind = link.InputEndGroup
		case strings.HasPrefix(s, "-l"):
			e.Kind, e.Path = link.InputLibrary, s[2:]
		default:
			e.Kind, e.Path = link.InputFile, s
		}
		out = append(out, e)
	}
	return out
}

var (
	asNeeded = link.Input{AsNeeded: true}
	static   = link.Input{AsNeeded: true, Static: true}
)

func TestGCCPIE(t *testing.T) {
	cfg, ext := parseLine(t, gccPIE)
	assert.Equal(t, link.OutputPIE, cfg.Kind)
	assert.Equal(t, "/tmp/xx", cfg.Output)
	assert.Equal(t, "/lib64/ld-linux-x86-64.so.2", cfg.DynamicLinker)
	assert.Equal(t, link.HashGNU, cfg.HashStyle)
	assert.Equal(t, "fast", cfg.BuildID)
	assert.True(t, cfg.EhFrameHdr)
	assert.True(t, cfg.ZRelro)
	assert.True(t, cfg.ZSeparateCode)
	assert.Equal(t, gccLibraryPaths, cfg.LibraryPaths)
	assert.Equal(t, in(asNeeded,
		crtDir+"Scrt1.o", crtDir+"crti.o", gccDir+"crtbeginS.o", "x.o",
		"-lgcc", "-lgcc_s", "-lc", "-lgcc", "-lgcc_s",
		gccDir+"crtendS.o", crtDir+"crtn.o"), cfg.Inputs)
	assert.Equal(t, "/usr/lib/gcc/x86_64-linux-gnu/12/liblto_plugin.so", ext.Plugin)
	assert.Equal(t, []string{
		"/usr/lib/gcc/x86_64-linux-gnu/12/lto-wrapper",
		"-fresolution=/tmp/ccOdtHX9.res",
		"-pass-through=-lgcc", "-pass-through=-lgcc_s", "-pass-through=-lc",
		"-pass-through=-lgcc", "-pass-through=-lgcc_s",
	}, ext.PluginOpts)
	assert.Empty(t, ext.Rest)
	assert.Empty(t, ext.Warnings)
}

func TestGCCKinds(t *testing.T) {
	for _, tc := range []struct {
		name string
		line string
		kind link.OutputKind
	}{
		{"default", gccPIE, link.OutputPIE},
		{"-no-pie", gccNoPIE, link.OutputExec},
		{"-shared", gccShared, link.OutputShared},
		{"-static", gccStatic, link.OutputStaticExec},
		{"-static-pie", gccStaticPIE, link.OutputStaticPIE},
		{"-pthread", gccPthread, link.OutputPIE},
		{"g++", gxxPIE, link.OutputPIE},
		{"g++ -shared", gxxShared, link.OutputShared},
		{"g++ -static", gxxStatic, link.OutputStaticExec},
		{"hardened", gccHardened, link.OutputPIE},
		{"asan", gccASan, link.OutputPIE},
		{"openmp", gccOpenMP, link.OutputPIE},
		{"-static-libgcc", gccStaticLibgcc, link.OutputPIE},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, _ := parseLine(t, tc.line)
			assert.Equal(t, tc.kind, cfg.Kind)
			assert.Equal(t, "/tmp/xx", cfg.Output)
			assert.Equal(t, gccLibraryPaths, cfg.LibraryPaths)
		})
	}
}

func TestGCCStatic(t *testing.T) {
	cfg, _ := parseLine(t, gccStatic)
	assert.False(t, cfg.EhFrameHdr, "gcc -static passes no --eh-frame-hdr")
	assert.Empty(t, cfg.DynamicLinker)
	assert.Equal(t, in(static,
		crtDir+"crt1.o", crtDir+"crti.o", gccDir+"crtbeginT.o", "x.o",
		"(", "-lgcc", "-lgcc_eh", "-lc", ")",
		gccDir+"crtend.o", crtDir+"crtn.o"), cfg.Inputs)
}

func TestGCCStaticPIE(t *testing.T) {
	cfg, _ := parseLine(t, gccStaticPIE)
	assert.True(t, cfg.NoDynamicLinker)
	assert.True(t, cfg.ZText)
	assert.True(t, cfg.EhFrameHdr)
	assert.Equal(t, in(static,
		crtDir+"rcrt1.o", crtDir+"crti.o", gccDir+"crtbeginS.o", "x.o",
		"(", "-lgcc", "-lgcc_eh", "-lc", ")",
		gccDir+"crtendS.o", crtDir+"crtn.o"), cfg.Inputs)
}

func TestGXX(t *testing.T) {
	cfg, _ := parseLine(t, gxxPIE)
	assert.Equal(t, in(asNeeded,
		crtDir+"Scrt1.o", crtDir+"crti.o", gccDir+"crtbeginS.o", "x.o",
		"-lstdc++", "-lm", "-lgcc_s", "-lgcc", "-lc", "-lgcc_s", "-lgcc",
		gccDir+"crtendS.o", crtDir+"crtn.o"), cfg.Inputs)

	cfg, _ = parseLine(t, gxxStatic)
	assert.Equal(t, in(static,
		crtDir+"crt1.o", crtDir+"crti.o", gccDir+"crtbeginT.o", "x.o",
		"-lstdc++", "-lm", "(", "-lgcc", "-lgcc_eh", "-lc", ")",
		gccDir+"crtend.o", crtDir+"crtn.o"), cfg.Inputs)
}

func TestGCCHardened(t *testing.T) {
	cfg, _ := parseLine(t, gccHardened)
	assert.True(t, cfg.ExportDynamic)
	assert.Equal(t, link.StripAll, cfg.Strip)
	assert.True(t, cfg.ZRelro)
	assert.True(t, cfg.ZNow)
	assert.True(t, cfg.GCSections)
	assert.Equal(t, "libx.so.1", cfg.Soname)
	assert.Equal(t, []string{"/opt/lib"}, cfg.Rpath)
}

func TestGCCASan(t *testing.T) {
	cfg, _ := parseLine(t, gccASan)
	none := link.Input{}
	want := in(none, crtDir+"Scrt1.o", crtDir+"crti.o", gccDir+"crtbeginS.o", gccDir+"libasan_preinit.o", "-lasan", "x.o", "-lgcc")
	want = append(want, in(asNeeded, "-lgcc_s")...)
	want = append(want, in(none, "-lc", "-lgcc")...)
	want = append(want, in(asNeeded, "-lgcc_s")...)
	want = append(want, in(none, gccDir+"crtendS.o", crtDir+"crtn.o")...)
	assert.Equal(t, want, cfg.Inputs)
}

// collect2 passes long command lines (and any line when gcc itself got an
// @file) as a response file, quoting with backslashes.
func TestCollect2ResponseFile(t *testing.T) {
	var cfg link.Config
	_, err := Parse([]string{"@testdata/collect2.rsp"}, &cfg, nil)
	require.NoError(t, err)
	assert.Equal(t, link.OutputShared, cfg.Kind)
	assert.Equal(t, "lib x.so", cfg.Soname)
	assert.Equal(t, "/tmp/xx", cfg.Output)
	assert.Len(t, cfg.Inputs, 10)
}
