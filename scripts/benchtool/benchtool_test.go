package main

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestQuickZlib runs the whole harness, as scripts/bench would, on the
// smallest workload with 2 runs: capture, replay with all five linkers,
// checks, and the three result files. It takes a few seconds, so it always
// runs (also under -short).
func TestQuickZlib(t *testing.T) {
	work, out := t.TempDir(), t.TempDir()
	tools := buildGold(t)

	var stdout, stderr bytes.Buffer
	code := run([]string{"-quick", "-workloads", "zlib-so", "-loader=false", "-runs", "2", "-out", out, "-work", work, "-tools", tools}, &stdout, &stderr)
	require.Equal(t, 0, code, "stderr:\n%s", stderr.String())

	md, err := os.ReadFile(filepath.Join(out, "bench.md"))
	require.NoError(t, err)
	assert.Equal(t, string(md), stdout.String(), "stdout is the markdown table")
	for _, label := range []string{"ld.bfd", "ld.gold (GNU)", "ld.lld", "mold", "gold (ours)"} {
		assert.Contains(t, string(md), "| zlib-so | "+label+" | ", "a row for %s", label)
	}
	assert.Contains(t, string(md), "## gold against its peers")

	// Every linker, ours included, must link zlib: it is the simplest
	// workload, so a failure here is a real regression, not noise.
	var rep Report
	js, err := os.ReadFile(filepath.Join(out, "bench.json"))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(js, &rep))
	require.Len(t, rep.Workloads, 1)
	require.Len(t, rep.Workloads[0].Results, 5)
	for _, r := range rep.Workloads[0].Results {
		assert.Empty(t, r.Failed, "%s failed", r.Label)
		assert.Len(t, r.Samples, 2, "%s samples", r.Label)
		assert.Equal(t, "zlibCompileFlags=", r.Check[:len("zlibCompileFlags=")], "%s check", r.Label)
		assert.Positive(t, r.Size, "%s output size", r.Label)
		for _, s := range r.Samples {
			assert.Positive(t, s.WallNs)
			assert.Positive(t, s.MaxRSSKB)
		}
	}
	// Ours runs as "ld" (ld mode), mold with --no-fork.
	byKey := map[string]*Result{}
	for _, r := range rep.Workloads[0].Results {
		byKey[r.Linker] = r
	}
	assert.Equal(t, "ld", filepath.Base(byKey[ours].Argv[0]))
	assert.Equal(t, "--no-fork", byKey["mold"].Argv[1])
	assert.Contains(t, byKey["bfd"].Argv, "-Bsymbolic")

	svg, err := os.ReadFile(filepath.Join(out, "bench.svg"))
	require.NoError(t, err)
	requireXML(t, svg)
	assert.Contains(t, string(svg), ">zlib-so</text>")
	assert.Equal(t, 5, strings.Count(string(svg), "<rect x=")-5, "one bar per linker besides the 5 legend boxes")
}

// buildGold builds only cmd/gold (install.sh also builds gshared, which the
// harness does not time) and makes the libexec/gold/ld link install.sh makes.
func buildGold(t *testing.T) string {
	t.Helper()
	tools := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(tools, "libexec", "gold"), 0o755))
	cmd := exec.Command("go", "build", "-trimpath", "-o", filepath.Join(tools, "bin", "gold"), "gold/cmd/gold")
	outb, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", outb)
	require.NoError(t, os.Symlink("../../bin/gold", filepath.Join(tools, "libexec", "gold", "ld")))
	return tools
}

func requireXML(t *testing.T, data []byte) {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(data))
	for {
		_, err := d.Token()
		if errors.Is(err, io.EOF) {
			return
		}
		require.NoError(t, err, "the SVG is not well-formed XML")
	}
}

func TestParseCapture(t *testing.T) {
	l, err := parseCapture("/w", "/cap", []string{"-plugin", "x.so", "-o", "out.so", "-L/cap", "-L/usr/lib", "a.o", "-lc"})
	require.NoError(t, err)
	assert.Equal(t, []string{"-plugin", "x.so", "-o", "out.so", "-L/usr/lib", "a.o", "-lc"}, l.Args, "the capture directory's -L is dropped")
	assert.Equal(t, []string{"-plugin", "x.so", "-o", "/r/bfd.so", "-L/usr/lib", "a.o", "-lc"}, l.withOutput("/r/bfd.so"))
	assert.Equal(t, "out.so", l.Args[3], "withOutput leaves the captured argv alone")

	_, err = parseCapture("/w", "/cap", []string{"a.o"})
	assert.ErrorContains(t, err, "no -o")
}

func TestMedian(t *testing.T) {
	wall := func(s Sample) int64 { return s.WallNs }
	assert.Equal(t, int64(0), median(nil, wall))
	assert.Equal(t, int64(2), median([]Sample{{WallNs: 3}, {WallNs: 1}, {WallNs: 2}}, wall))
	assert.Equal(t, int64(25), median([]Sample{{WallNs: 40}, {WallNs: 10}, {WallNs: 20}, {WallNs: 30}}, wall))
}

// TestReportFailures: a failed linker shows as FAILED in the tables and as a
// cross in the chart, and ratios use the fastest peer and lld's RSS.
func TestReportFailures(t *testing.T) {
	s := func(ms, rssMiB int64) []Sample {
		return []Sample{{WallNs: ms * 1e6, CPUNs: ms * 1e6, MaxRSSKB: rssMiB * 1024}}
	}
	rep := &Report{Runs: 1, GenN: 8, Linkers: []string{"ld.lld", "mold", "gold (ours)"}, Workloads: []*WorkloadResult{
		{Name: "w1", Results: []*Result{
			{Linker: "lld", Label: "ld.lld", Samples: s(40, 100)},
			{Linker: "mold", Label: "mold", Samples: s(20, 50)},
			{Linker: ours, Label: "gold (ours)", Samples: s(30, 25)},
		}},
		{Name: "w2", Results: []*Result{
			{Linker: "lld", Label: "ld.lld", Samples: s(10, 10)},
			{Linker: "mold", Label: "mold", Failed: "link: exit status 1: boom | bang"},
			{Linker: ours, Label: "gold (ours)", Samples: s(200, 10)},
		}},
		{Name: "w3", Error: "libfoo.a is missing"},
	}}
	md := rep.markdown()
	assert.Contains(t, md, "| w1 | mold | 0.0200 | 0.0200 | 50.0 | 0.00 | 1.00 |")
	assert.Contains(t, md, "| w1 | gold (ours) | 0.0300 | 0.0300 | 25.0 | 0.00 | 1.50 |")
	assert.Contains(t, md, "| w1 | mold | 0.0200 | 0.0300 | **1.50** | 25.0 | 100.0 | 0.25 |")
	assert.Contains(t, md, "| w2 | mold | FAILED |")
	assert.Contains(t, md, "| w2 | ld.lld | 0.0100 | 0.200 | **20.00** |")
	assert.Contains(t, md, "| w3 | all | FAILED |")
	assert.Contains(t, md, "- w2 / mold: link: exit status 1: boom \\| bang")
	svg := rep.svg()
	requireXML(t, []byte(svg))
	assert.Contains(t, svg, "✗<title>mold: link: exit status 1")
	assert.Contains(t, svg, "↑20.0", "a bar past the axis is cut and labelled")
}

// TestLoaderQuick runs the loader group alone with 2 runs: ldgo (built by
// build.sh) against glibc's ld.so on hello world (as a command and as
// PT_INTERP), python3 -c pass and the lazy first-call program, and checks
// the "## Loader" tables.
func TestLoaderQuick(t *testing.T) {
	work, out, tools := t.TempDir(), t.TempDir(), t.TempDir()
	build := exec.Command("bash", filepath.Join(repoRoot(), "runtime", "ldgo", "build.sh"), filepath.Join(tools, "bin", "ldgo"))
	outb, err := build.CombinedOutput()
	require.NoError(t, err, "%s", outb)

	var stdout, stderr bytes.Buffer
	code := run([]string{"-loader-only", "-runs", "2", "-out", out, "-work", work, "-tools", tools}, &stdout, &stderr)
	require.Equal(t, 0, code, "stderr:\n%s", stderr.String())
	md := stdout.String()
	assert.Contains(t, md, "## Loader")
	assert.NotContains(t, md, "FAILED", "every loader runs every case:\n%s", md)
	for _, c := range []string{"hello-cmd", "hello-interp", "python3", "lazy-2000"} {
		assert.Contains(t, md, "| "+c+" | glibc ld.so | ", "%s row", c)
		assert.Contains(t, md, "| "+c+" | ldgo | ", "%s row", c)
	}
	assert.Contains(t, md, "### Lazy first-call cost")
	assert.Contains(t, md, "| lazy | ")
	assert.Contains(t, md, "| LD_BIND_NOW=1 | ")

	var rep Report
	js, err := os.ReadFile(filepath.Join(out, "bench.json"))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(js, &rep))
	require.NotNil(t, rep.Loader)
	assert.Empty(t, rep.Workloads, "no linker workloads with -loader-only")
	require.Len(t, rep.Loader.Cases, 4)
	for _, c := range rep.Loader.Cases {
		for _, r := range c.Runs {
			assert.Empty(t, r.Failed, "%s / %s", c.Name, r.Label)
			assert.Len(t, r.Samples, 2, "%s / %s samples", c.Name, r.Label)
			if c.Name == "lazy-2000" {
				assert.Len(t, r.FirstCallNs, 2)
				assert.Positive(t, r.FirstCallNs[0])
				assert.Equal(t, "sum=3998000", r.Check, "the sum of 0..1999, twice")
			}
		}
	}
	// A hello world under glibc's ld.so touches about 1 MiB: a figure near
	// the harness's own RSS means the child's ru_maxrss inherited it (a
	// vfork-style start from Go) instead of coming from the timer.
	hello := rep.Loader.Cases[0].Runs[0]
	require.Equal(t, "glibc", hello.Key)
	assert.Less(t, hello.Samples[0].MaxRSSKB, int64(3*1024), "hello world's peak RSS under glibc's ld.so")

	svg, err := os.ReadFile(filepath.Join(out, "bench.svg"))
	require.NoError(t, err)
	requireXML(t, svg)
}
