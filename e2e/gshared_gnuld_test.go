package e2e

import (
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// comparedLibs are the libraries GNU ld can also build, so gshared's output
// can be held against ld.bfd's for the same inputs and options.
func comparedLibs() []string {
	names := []string{"vector", "vector-versioned", "sqlite", "zlib", "crypto", "cxx", "cxxthreads"}
	for _, v := range tlsVariants {
		names = append(names, tlsSpecName(v.name, "-O2"))
	}
	return names
}

// TestDynsymMatchesGNULD: the set of symbols a library exports (name, type,
// binding, visibility, size and version) is its ABI, and must be exactly what
// GNU ld exports for the same link.
func TestDynsymMatchesGNULD(t *testing.T) {
	t.Parallel()
	for _, name := range comparedLibs() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got, want := exports(t, shared(t, name)), exports(t, reference(t, name))
			extra, missing := diffSets(got, want)
			require.True(t, len(extra) == 0 && len(missing) == 0,
				"exported dynamic symbols differ from GNU ld's (%d vs %d)\nonly gshared:\n  %s\nonly GNU ld:\n  %s",
				len(got), len(want), strings.Join(extra, "\n  "), strings.Join(missing, "\n  "))
		})
	}
}

// TestElflint: eu-elflint --gnu-ld must find nothing in gshared's output that
// it does not also find in GNU ld's output for the same link, and readelf
// must read the output without complaint.
func TestElflint(t *testing.T) {
	t.Parallel()
	needTools(t, "eu-elflint", "readelf")
	for _, name := range comparedLibs() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			lib := shared(t, name)
			got := elflint(t, lib)
			want := elflint(t, reference(t, name))
			extra, _ := diffSets(got, want)
			require.Empty(t, extra, "eu-elflint messages for gshared's %s that GNU ld's output does not get:\n  %s\n(GNU ld's: %q)",
				filepath.Base(lib), strings.Join(extra, "\n  "), want)
			requireReadelfClean(t, lib)
		})
	}
	// No reference for these (GNU ld cannot link them), but readelf must
	// still read them cleanly.
	for _, name := range []string{"lua", "zstd"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			requireReadelfClean(t, shared(t, name))
		})
	}
}

// numbers are normalised in elflint messages: section indices and offsets
// legitimately differ between two linkers' layouts.
var numbers = regexp.MustCompile(`0x[0-9a-fA-F]+|\d+`)

// elflint returns eu-elflint's distinct messages for a file with the file
// name and numbers taken out.
func elflint(t testing.TB, path string) []string {
	t.Helper()
	r := run(t, runOpts{dir: filepath.Dir(path), timeout: linkTimeout}, "eu-elflint", "--gnu-ld", path)
	// Exit status 1 just means "found errors"; a crash or timeout is not a
	// verdict on the file.
	require.NoError(t, r.err, "%s", r)
	require.NotEmpty(t, strings.TrimSpace(r.stdout+r.stderr), "eu-elflint printed nothing:\n%s", r)
	seen := map[string]bool{}
	for _, line := range strings.Split(r.stdout+r.stderr, "\n") {
		line = strings.ReplaceAll(line, path, "FILE")
		line = strings.ReplaceAll(line, filepath.Base(path), "FILE")
		line = strings.TrimSpace(numbers.ReplaceAllString(line, "N"))
		// "No errors" is the verdict, not a finding.
		if line != "" && line != "No errors" {
			seen[line] = true
		}
	}
	var lines []string
	for l := range seen {
		lines = append(lines, l)
	}
	sort.Strings(lines)
	return lines
}

// requireReadelfClean: readelf -a -W reports malformed headers, bad string
// offsets, overlapping notes, etc. as warnings on stderr.
func requireReadelfClean(t testing.TB, path string) {
	t.Helper()
	r := run(t, runOpts{dir: filepath.Dir(path)}, "readelf", "-a", "-W", path)
	require.True(t, r.ok(), "%s", r)
	require.Empty(t, r.stderr, "readelf complained about %s", path)
	for _, line := range strings.Split(r.stdout, "\n") {
		// "Warning:", not "Warning": CPython exports PyExc_BytesWarning.
		require.NotContains(t, line, "Warning:", "readelf: %s", line)
	}
}
