package main

// Reporting: medians per workload × linker as a markdown table (printed and
// written next to the chart), with the numbers the targets are
// stated in: our gold against the fastest peer, and its RSS against lld's.

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// ours is the Key of our linker; every other linker is a peer.
const ours = "gold"

// WorkloadResult is one workload's outcome.
type WorkloadResult struct {
	Name    string    `json:"name"`
	Dir     string    `json:"dir,omitempty"`
	Results []*Result `json:"linkers"`
	Error   string    `json:"error,omitempty"` // it could not be built or captured
}

// Report is everything one run of the harness measured; the JSON file is
// this struct, raw samples included, so later analysis needs no rerun.
type Report struct {
	Date      string            `json:"date"`
	Host      string            `json:"host"`
	Kernel    string            `json:"kernel"`
	CPUs      int               `json:"cpus"`
	Runs      int               `json:"runs"`
	GenN      int               `json:"gen_n"`
	Quick     bool              `json:"quick"`
	LoadStart string            `json:"loadavg_start"` // /proc/loadavg: how busy the machine was
	LoadEnd   string            `json:"loadavg_end"`
	Versions  map[string]string `json:"versions"`
	Linkers   []string          `json:"linkers"` // labels, in column order
	Workloads []*WorkloadResult `json:"workloads"`
	// Loader is the loader group (ldgo against glibc's ld.so), if it ran.
	Loader     *LoaderReport `json:"loader,omitempty"`
	LoaderOnly bool          `json:"loader_only,omitempty"`
}

func median(samples []Sample, f func(Sample) int64) int64 {
	if len(samples) == 0 {
		return 0
	}
	v := make([]int64, len(samples))
	for i, s := range samples {
		v[i] = f(s)
	}
	slices.Sort(v)
	if len(v)%2 == 1 {
		return v[len(v)/2]
	}
	return (v[len(v)/2-1] + v[len(v)/2]) / 2
}

func (r *Result) ok() bool { return r.Failed == "" && len(r.Samples) > 0 }
func (r *Result) wall() float64 {
	return float64(median(r.Samples, func(s Sample) int64 { return s.WallNs })) / 1e9
}
func (r *Result) cpu() float64 {
	return float64(median(r.Samples, func(s Sample) int64 { return s.CPUNs })) / 1e9
}
func (r *Result) rssMiB() float64 {
	return float64(median(r.Samples, func(s Sample) int64 { return s.MaxRSSKB })) / 1024
}

// fastest is the successful result with the lowest median wall time among
// those that pass keep, or nil.
func (w *WorkloadResult) fastest(keep func(*Result) bool) *Result {
	var best *Result
	for _, r := range w.Results {
		if r.ok() && keep(r) && (best == nil || r.wall() < best.wall()) {
			best = r
		}
	}
	return best
}

func (w *WorkloadResult) find(key string) *Result {
	for _, r := range w.Results {
		if r.Linker == key {
			return r
		}
	}
	return nil
}

// wallCell is the median wall time, marked when the run mostly waited.
func (r *Result) wallCell() string {
	if r.wall() > 2*r.cpu() {
		return secs(r.wall()) + " †"
	}
	return secs(r.wall())
}

func secs(s float64) string {
	if s < 0.1 {
		return fmt.Sprintf("%.4f", s)
	}
	return fmt.Sprintf("%.3f", s)
}

// markdown renders the report. Failed links show as FAILED in the tables,
// with the reason listed at the end.
func (rep *Report) markdown() string {
	var b strings.Builder
	if rep.LoaderOnly {
		fmt.Fprintf(&b, "# Loader benchmark\n\n%s · %s · %d CPUs · Linux %s · load average %s at the start, %s at the end\n",
			rep.Date, rep.Host, rep.CPUs, rep.Kernel, rep.LoadStart, rep.LoadEnd)
		if rep.Loader != nil {
			rep.Loader.writeMarkdown(&b)
		}
		return b.String()
	}
	fmt.Fprintf(&b, "# Linker benchmark\n\n")
	fmt.Fprintf(&b, "%s · %s · %d CPUs · Linux %s · %d measured runs after 1 warm-up round, linkers alternating round by round · generated workload N=%d",
		rep.Date, rep.Host, rep.CPUs, rep.Kernel, rep.Runs, rep.GenN)
	if rep.Quick {
		b.WriteString(" (quick mode)")
	}
	fmt.Fprintf(&b, " · load average %s at the start, %s at the end", rep.LoadStart, rep.LoadEnd)
	b.WriteString("\n\nMedians of wall time, CPU time (user + system) and peak RSS (wait4 rusage); output size of the last run. ")
	b.WriteString("† marks a median wall time over twice the CPU time: the linker spent most of it waiting, for a CPU most likely, so that figure says more about the machine's other load than about the linker.\n\n")
	b.WriteString("![wall time relative to the fastest linker](bench.svg)\n\n")
	for _, l := range rep.Linkers {
		if v := rep.Versions[l]; v != "" {
			fmt.Fprintf(&b, "- %s: %s\n", l, v)
		}
	}

	b.WriteString("\n## Results\n\n| workload | linker | wall (s) | CPU (s) | peak RSS (MiB) | output (MiB) | wall ÷ fastest |\n|---|---|--:|--:|--:|--:|--:|\n")
	var failures []string
	for _, w := range rep.Workloads {
		if w.Error != "" {
			fmt.Fprintf(&b, "| %s | all | FAILED | | | | |\n", w.Name)
			failures = append(failures, fmt.Sprintf("%s: %s", w.Name, w.Error))
			continue
		}
		best := w.fastest(func(*Result) bool { return true })
		for _, r := range w.Results {
			if !r.ok() {
				fmt.Fprintf(&b, "| %s | %s | FAILED | | | | |\n", w.Name, r.Label)
				failures = append(failures, fmt.Sprintf("%s / %s: %s", w.Name, r.Label, r.Failed))
				continue
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %.1f | %.2f | %.2f |\n", w.Name, r.Label, r.wallCell(), secs(r.cpu()),
				r.rssMiB(), float64(r.Size)/(1<<20), r.wall()/best.wall())
		}
	}

	rep.writeVersusPeers(&b)
	rep.writeScaling(&b)

	if len(failures) > 0 {
		b.WriteString("\n## Failures\n\n")
		for _, f := range failures {
			fmt.Fprintf(&b, "- %s\n", strings.ReplaceAll(f, "|", "\\|"))
		}
	}
	if rep.Loader != nil {
		rep.Loader.writeMarkdown(&b)
	}
	return b.String()
}

// writeVersusPeers is the table the targets are stated in.
func (rep *Report) writeVersusPeers(b *strings.Builder) {
	b.WriteString("\n## gold against its peers\n\n| workload | fastest peer | peer wall (s) | gold wall (s) | gold ÷ fastest peer | gold RSS (MiB) | ld.lld RSS (MiB) | gold RSS ÷ ld.lld |\n|---|---|--:|--:|--:|--:|--:|--:|\n")
	for _, w := range rep.Workloads {
		if w.Error != "" {
			continue
		}
		peer := w.fastest(func(r *Result) bool { return r.Linker != ours })
		g, lld := w.find(ours), w.find("lld")
		cells := []string{w.Name, "–", "–", "FAILED", "–", "–", "–", "–"}
		if peer != nil {
			cells[1], cells[2] = peer.Label, secs(peer.wall())
		}
		if lld != nil && lld.ok() {
			cells[6] = fmt.Sprintf("%.1f", lld.rssMiB())
		}
		if g == nil {
			continue
		}
		if g.ok() {
			cells[3] = secs(g.wall())
			cells[5] = fmt.Sprintf("%.1f", g.rssMiB())
			if peer != nil {
				cells[4] = fmt.Sprintf("**%.2f**", g.wall()/peer.wall())
			}
			if lld != nil && lld.ok() {
				cells[7] = fmt.Sprintf("%.2f", g.rssMiB()/lld.rssMiB())
			}
		}
		fmt.Fprintf(b, "| %s |\n", strings.Join(cells, " | "))
	}
}

// writeScaling shows how each linker grows across the scaling series: for
// linear growth, 8x takes about 8 times as long as 1x.
func (rep *Report) writeScaling(b *strings.Builder) {
	var series []*WorkloadResult
	for _, w := range rep.Workloads {
		if strings.HasPrefix(w.Name, "scale-") && w.Error == "" {
			series = append(series, w)
		}
	}
	if len(series) < 2 {
		return
	}
	first, last := series[0], series[len(series)-1]
	b.WriteString("\n## Scaling\n\nWall time (s) and peak RSS (MiB) across the series; the last two columns compare its ends.\n\n| linker |")
	for _, w := range series {
		fmt.Fprintf(b, " %s |", w.Name)
	}
	fmt.Fprintf(b, " wall %s ÷ %s | RSS %s ÷ %s |\n|---|", last.Name, first.Name, last.Name, first.Name)
	b.WriteString(strings.Repeat("--:|", len(series)+2) + "\n")
	for i, label := range rep.Linkers {
		fmt.Fprintf(b, "| %s |", label)
		for _, w := range series {
			if r := w.Results[i]; r.ok() {
				fmt.Fprintf(b, " %s / %.0f |", secs(r.wall()), r.rssMiB())
			} else {
				b.WriteString(" FAILED |")
			}
		}
		a, z := first.Results[i], last.Results[i]
		if a.ok() && z.ok() {
			fmt.Fprintf(b, " %.2f | %.2f |\n", z.wall()/a.wall(), z.rssMiB()/a.rssMiB())
		} else {
			b.WriteString(" – | – |\n")
		}
	}
}

// write puts bench.md, bench.svg and bench.json into dir.
func (rep *Report) write(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	js, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return err
	}
	files := map[string][]byte{
		"bench.md":   []byte(rep.markdown()),
		"bench.svg":  []byte(rep.svg()),
		"bench.json": append(js, '\n'),
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			return err
		}
	}
	return nil
}
