package e2e

import (
	"debug/elf"
	"fmt"
	"sort"
	"testing"

	"github.com/stretchr/testify/require"
)

func openELF(t testing.TB, path string) *elf.File {
	t.Helper()
	f, err := elf.Open(path)
	require.NoError(t, err, "%s is not a readable ELF file", path)
	t.Cleanup(func() { f.Close() })
	return f
}

// neededLibs returns a file's DT_NEEDED entries.
func neededLibs(t testing.TB, path string) []string {
	t.Helper()
	libs, err := openELF(t, path).ImportedLibraries()
	require.NoError(t, err)
	return libs
}

// dynStrings returns the string values of a dynamic tag (DT_SONAME, ...).
func dynStrings(t testing.TB, path string, tag elf.DynTag) []string {
	t.Helper()
	v, err := openELF(t, path).DynString(tag)
	require.NoError(t, err)
	return v
}

// dynValues returns the values of a numeric dynamic tag (DT_FLAGS, ...).
func dynValues(t testing.TB, path string, tag elf.DynTag) []uint64 {
	t.Helper()
	v, err := openELF(t, path).DynValue(tag)
	require.NoError(t, err)
	return v
}

// exportedSym is what another module sees of a dynamic symbol definition.
type exportedSym struct {
	Name    string
	Type    elf.SymType
	Bind    elf.SymBind
	Vis     elf.SymVis
	Size    uint64 // matters for copy relocations of data
	Version string
	Hidden  bool // name@VER rather than name@@VER
}

func (s exportedSym) String() string {
	v := ""
	if s.Version != "" {
		v = "@@" + s.Version
		if s.Hidden {
			v = "@" + s.Version
		}
	}
	return fmt.Sprintf("%s%s %v %v %v size=%d", s.Name, v, s.Type, s.Bind, s.Vis, s.Size)
}

// exports returns a file's defined, non-local dynamic symbols, sorted.
func exports(t testing.TB, path string) []string {
	t.Helper()
	syms, err := openELF(t, path).DynamicSymbols()
	require.NoError(t, err, "%s: reading .dynsym", path)
	var out []string
	for _, s := range syms {
		if s.Section == elf.SHN_UNDEF || elf.ST_BIND(s.Info) == elf.STB_LOCAL {
			continue
		}
		e := exportedSym{
			Name: s.Name, Type: elf.ST_TYPE(s.Info), Bind: elf.ST_BIND(s.Info),
			Vis: elf.ST_VISIBILITY(s.Other), Size: s.Size,
		}
		if s.HasVersion {
			e.Version, e.Hidden = s.Version, s.VersionIndex.IsHidden()
		}
		out = append(out, e.String())
	}
	sort.Strings(out)
	return out
}

// exportNames returns just the names of a file's exported dynamic symbols.
func exportNames(t testing.TB, path string) map[string]bool {
	t.Helper()
	syms, err := openELF(t, path).DynamicSymbols()
	require.NoError(t, err)
	names := map[string]bool{}
	for _, s := range syms {
		if s.Section != elf.SHN_UNDEF && elf.ST_BIND(s.Info) != elf.STB_LOCAL {
			names[s.Name] = true
		}
	}
	return names
}

// symtabNames returns the names in .symtab (nil when there is none).
func symtabNames(t testing.TB, path string) map[string]bool {
	t.Helper()
	syms, err := openELF(t, path).Symbols()
	if err == elf.ErrNoSymbols {
		return nil
	}
	require.NoError(t, err)
	names := map[string]bool{}
	for _, s := range syms {
		names[s.Name] = true
	}
	return names
}

// diffSets describes the elements only in a and only in b.
func diffSets(a, b []string) (onlyA, onlyB []string) {
	inA, inB := map[string]bool{}, map[string]bool{}
	for _, x := range a {
		inA[x] = true
	}
	for _, x := range b {
		inB[x] = true
	}
	for _, x := range a {
		if !inB[x] {
			onlyA = append(onlyA, x)
		}
	}
	for _, x := range b {
		if !inA[x] {
			onlyB = append(onlyB, x)
		}
	}
	return onlyA, onlyB
}
