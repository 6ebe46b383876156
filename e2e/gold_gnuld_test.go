package e2e

import (
	"bytes"
	"debug/elf"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestGoldElflintExecutables: eu-elflint --gnu-ld must find nothing in
// gold's executables that it does not also find in GNU ld's output of the
// same link (it already complains about GNU ld's static executables, e.g.
// __ehdr_start "st_value out of bounds": those messages are allowed), and
// readelf must read them without a warning.
func TestGoldElflintExecutables(t *testing.T) {
	t.Parallel()
	needTools(t, "eu-elflint", "readelf")
	for _, name := range goldProgNames() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			prog := linkedProg(t, name, byGold)
			got := elflint(t, prog)
			want := elflint(t, linkedProg(t, name, byGNULD))
			extra, _ := diffSets(got, want)
			require.Empty(t, extra, "eu-elflint messages for gold's %s that GNU ld's output does not get:\n  %s\n(GNU ld's: %q)",
				name, strings.Join(extra, "\n  "), want)
			requireReadelfClean(t, prog)
		})
	}
}

// TestGoldMatchesGNULD: the same link done by GNU ld and by gold gives
// programs that behave the same, with the same dynamic dependencies: NEEDED
// list, DT_FLAGS/DT_FLAGS_1, versions needed (.gnu.version_r) and dynamic
// symbols. The deliberate differences, which the README explains, are
// asserted explicitly below.
func TestGoldMatchesGNULD(t *testing.T) {
	t.Parallel()
	for _, name := range goldProgNames() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			g, l := linkedProg(t, name, byGold), linkedProg(t, name, byGNULD)

			rg, rl := runProg(t, name, g), runProg(t, name, l)
			require.True(t, rg.ok(), "gold's program failed:\n%s", rg)
			require.True(t, rl.ok(), "GNU ld's program failed:\n%s", rl)
			s := goldProgs[name]
			want := readExpected(t, s.want...)
			require.Equal(t, want, rg.stdout, "gold's program prints the wrong thing:\n%s", rg)
			wantGNU := want
			if name == "copyreloc-pie" || name == "copyreloc-static-pie" {
				// Deliberate: GNU ld leaves the IFUNC's PC-relative address on
				// a non-canonical PLT entry in position-independent
				// executables, so &foo differs between translation units
				// (testdata/copyreloc/main.c); gold, like lld, makes the
				// addresses equal.
				wantGNU = strings.Replace(want, "ifunc addresses equal: yes yes", "ifunc addresses equal: no no", 1)
				require.NotEqual(t, want, wantGNU, "copyreloc's expected output changed: update this test")
			}
			require.Equal(t, wantGNU, rl.stdout, "GNU ld's program printed something else than expected:\n%s", rl)
			require.Equal(t, rl.stderr, rg.stderr, "stderr differs from GNU ld's program's")

			require.Equal(t, neededLibs(t, l), neededLibs(t, g), "DT_NEEDED (in order) differs from GNU ld's")
			require.Equal(t, dynValues(t, l, elf.DT_FLAGS), dynValues(t, g, elf.DT_FLAGS), "DT_FLAGS differs from GNU ld's")
			require.Equal(t, dynValues(t, l, elf.DT_FLAGS_1), dynValues(t, g, elf.DT_FLAGS_1), "DT_FLAGS_1 differs from GNU ld's")
			require.Equal(t, versionNeeds(t, l), versionNeeds(t, g), ".gnu.version_r differs from GNU ld's")

			// Deliberate: gold, like lld and mold, resolves an undefined weak
			// reference in an executable to 0 at link time when no input
			// defines it (__gmon_start__, _ITM_*TMCloneTable, C++ TLS init
			// functions _ZTH*), where GNU ld exports it as an undefined
			// dynamic symbol for the loader to resolve. Every other entry
			// must be the same.
			gs, ls := dynSyms(t, g), dynSyms(t, l)
			onlyGold, onlyGNU := diffSets(dynSymKeys(gs), dynSymKeys(ls))
			require.Empty(t, onlyGold, "dynamic symbols only in gold's output")
			missing := map[string]bool{}
			for _, k := range onlyGNU {
				missing[k] = true
			}
			for _, s := range ls {
				require.False(t, missing[s.key] && !(s.und && s.bind == elf.STB_WEAK),
					"GNU ld's output has a dynamic symbol gold's lacks, and it is not an undefined weak reference: %s", s.key)
			}
		})
	}
}

// TestGoldDeterministic: the same gold link gives the same bytes whatever
// the output directory and however many threads the Go runtime uses.
func TestGoldDeterministic(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"python", "cxxthreads-pie"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s := progSpecNamed(t, name)
			b := goldBDir(t)
			var outputs [][]byte
			for _, procs := range []string{"4", "4", "1"} {
				dir := t.TempDir()
				out := filepath.Join(dir, "prog")
				r := run(t, runOpts{dir: dir, env: []string{"GOMAXPROCS=" + procs}, timeout: linkTimeout},
					s.driver, append([]string{"-B", b}, progLinkArgs(t, name, out)...)...)
				require.True(t, r.ok(), "%s", r)
				data, err := os.ReadFile(out)
				require.NoError(t, err)
				outputs = append(outputs, data)
			}
			for i := 1; i < len(outputs); i++ {
				require.True(t, bytes.Equal(outputs[0], outputs[i]),
					"link %d differs from link 0 (%d vs %d bytes)", i, len(outputs[i]), len(outputs[0]))
			}
		})
	}
}
