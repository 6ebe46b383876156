// Command benchtool times our gold against GNU ld, GNU gold, lld and mold on
// real and generated workloads: it captures the linker command line gcc
// would run for each workload, replays it with every linker in alternating
// rounds, and writes a markdown table, an SVG chart and the raw samples.
// scripts/bench installs the peers and our tools and then runs it.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"time"
)

// config is the parsed command line.
type config struct {
	workloads, linkers []string
	runs, genN         int
	quick, keep        bool
	out, work, tools   string
	// The loader group (loader.go): ldgo against glibc's ld.so.
	loader, loaderOnly bool
	loaderRuns         int
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run is main without the process around it, so the test can call it.
func run(args []string, stdout, stderr io.Writer) int {
	log := func(format string, a ...any) {
		fmt.Fprintf(stderr, "benchtool: "+format+"\n", a...)
	}
	cfg, err := parseFlags(args, stderr)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		log("%v", err)
		return 2
	}
	rep, err := bench(cfg, log)
	if err != nil {
		log("%v", err)
		return 1
	}
	rep.LoadEnd = loadAvg()
	if err := rep.write(cfg.out); err != nil {
		log("%v", err)
		return 1
	}
	fmt.Fprint(stdout, rep.markdown())
	log("wrote bench.md, bench.svg and bench.json to %s", cfg.out)
	for _, w := range rep.Workloads {
		if w.Error != "" {
			// Linkers failing is data; a workload that cannot even be
			// built means the harness or the machine is broken.
			return 1
		}
	}
	if rep.Loader != nil {
		for _, c := range rep.Loader.Cases {
			if c.Error != "" {
				return 1
			}
		}
	}
	return 0
}

func parseFlags(args []string, stderr io.Writer) (*config, error) {
	fs := flag.NewFlagSet("benchtool", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var names []string
	for _, w := range allWorkloads() {
		names = append(names, w.Name)
	}
	var keys []string
	for _, l := range knownLinkers("") {
		keys = append(keys, l.Key)
	}
	root := repoRoot()
	workloads := fs.String("workloads", strings.Join(names, ","), "comma-separated workloads to run")
	linkers := fs.String("linkers", strings.Join(keys, ","), "comma-separated linkers to time")
	runs := fs.Int("runs", 11, "measured runs per linker, after one warm-up round")
	quick := fs.Bool("quick", false, "smoke test: generated workloads at N=200 and 5 runs (unless -runs or -n is given)")
	genN := fs.Int("n", 2000, "objects in the generated workload (the scaling series is N/8 × 1, 2, 4, 8)")
	out := fs.String("out", filepath.Join(root, "bench-results"), "directory for bench.md, bench.svg and bench.json")
	work := fs.String("work", filepath.Join(os.TempDir(), "gold-bench"), "cache for built workloads and scratch outputs")
	tools := fs.String("tools", "", "directory made by scripts/install.sh (default: run it into the -work directory)")
	keep := fs.Bool("keep", false, "keep each linker's last output in the -work directory")
	loader := fs.Bool("loader", true, "after the linker workloads, time the loader group: ldgo against glibc's ld.so")
	loaderOnly := fs.Bool("loader-only", false, "run only the loader group")
	loaderRuns := fs.Int("loader-runs", 31, "measured runs per loader (default: 31, or -runs when that is given, 5 with -quick)")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected arguments: %q", fs.Args())
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if !set["loader-runs"] && set["runs"] {
		*loaderRuns = *runs
	}
	if *quick {
		if !set["runs"] {
			*runs = 5
		}
		if !set["loader-runs"] && !set["runs"] {
			*loaderRuns = 5
		}
		if !set["n"] {
			*genN = 200
		}
	}
	if *runs < 1 || *genN < 8 || *loaderRuns < 1 {
		return nil, fmt.Errorf("-runs and -loader-runs must be at least 1 and -n at least 8")
	}
	cfg := &config{runs: *runs, genN: *genN, quick: *quick, keep: *keep, out: *out, work: *work, tools: *tools,
		loader: *loader || *loaderOnly, loaderOnly: *loaderOnly, loaderRuns: *loaderRuns}
	if cfg.loaderOnly {
		return cfg, nil
	}
	var err error
	if cfg.workloads, err = pickList("workload", *workloads, names); err != nil {
		return nil, err
	}
	if cfg.linkers, err = pickList("linker", *linkers, keys); err != nil {
		return nil, err
	}
	return cfg, nil
}

// pickList splits a comma list and checks every item is known.
func pickList(what, list string, known []string) ([]string, error) {
	var picked []string
	for _, s := range strings.Split(list, ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		if !slices.Contains(known, s) {
			return nil, fmt.Errorf("unknown %s %q (known: %s)", what, s, strings.Join(known, ", "))
		}
		picked = append(picked, s)
	}
	if len(picked) == 0 {
		return nil, fmt.Errorf("no %s selected", what)
	}
	return picked, nil
}

// knownLinkers in column order. Ours runs through DIR/libexec/gold/ld so
// its argv[0] is "ld", which puts it in ld mode, as gcc would run it.
func knownLinkers(tools string) []*Linker {
	return []*Linker{
		{Key: "bfd", Label: "ld.bfd", Path: "ld.bfd"},
		{Key: "gnugold", Label: "ld.gold (GNU)", Path: "ld.gold"},
		{Key: "lld", Label: "ld.lld", Path: "ld.lld"},
		{Key: "mold", Label: "mold", Path: "mold", Pre: []string{"--no-fork"}},
		{Key: ours, Label: "gold (ours)", Path: filepath.Join(tools, "libexec", "gold", "ld")},
	}
}

// repoRoot is the directory of this module's go.mod, or "." outside it.
func repoRoot() string {
	dir, err := os.Getwd()
	if err != nil {
		return "."
	}
	for d := dir; ; d = filepath.Dir(d) {
		if data, err := os.ReadFile(filepath.Join(d, "go.mod")); err == nil && strings.HasPrefix(string(data), "module gold\n") {
			return d
		}
		if filepath.Dir(d) == d {
			return "."
		}
	}
}

func bench(cfg *config, log func(string, ...any)) (*Report, error) {
	if err := os.MkdirAll(cfg.work, 0o755); err != nil {
		return nil, err
	}
	unlock, err := lockWork(cfg.work, log)
	if err != nil {
		return nil, err
	}
	defer unlock()

	if cfg.loaderOnly {
		cfg.workloads, cfg.linkers = nil, nil
	}
	if (slices.Contains(cfg.linkers, ours) || cfg.loader) && cfg.tools == "" {
		cfg.tools = filepath.Join(cfg.work, "tools")
		log("building our tools into %s", cfg.tools)
		cmd := exec.Command("bash", filepath.Join(repoRoot(), "scripts", "install.sh"), cfg.tools)
		if out, err := cmd.CombinedOutput(); err != nil {
			return nil, fmt.Errorf("scripts/install.sh: %v\n%s", err, out)
		}
	}
	var linkers []*Linker
	for _, l := range knownLinkers(cfg.tools) {
		if !slices.Contains(cfg.linkers, l.Key) {
			continue
		}
		// A missing linker is reported as FAILED on every workload
		// rather than stopping the benchmark of the others.
		if p, err := exec.LookPath(l.Path); err == nil {
			l.Path, _ = filepath.Abs(p)
		} else {
			log("%s not found: %v", l.Label, err)
			l.Path = ""
		}
		linkers = append(linkers, l)
	}

	rep := newReport(cfg, linkers)
	e := &env{work: cfg.work, genN: cfg.genN, log: log}
	for _, w := range allWorkloads() {
		if !slices.Contains(cfg.workloads, w.Name) {
			continue
		}
		start := time.Now()
		wr := &WorkloadResult{Name: w.Name}
		rep.Workloads = append(rep.Workloads, wr)
		log("%s: building and capturing the link", w.Name)
		d, err := w.build(e)
		var link *Link
		if err == nil {
			link, err = capture(cfg.work, w.Name, d)
		}
		if err != nil {
			wr.Error = firstLines(err.Error(), 10)
			log("%s: %v", w.Name, err)
			continue
		}
		wr.Dir = link.Dir
		log("%s: %d linker arguments; timing %d linkers × %d runs", w.Name, len(link.Args), len(linkers), cfg.runs)
		if wr.Results, err = benchWorkload(e, w, link, linkers, cfg.runs); err != nil {
			return nil, err
		}
		if !cfg.keep {
			// Generated outputs with debug info run to hundreds of MB.
			os.RemoveAll(filepath.Join(cfg.work, "out", w.Name))
		}
		var summary []string
		for _, r := range wr.Results {
			if r.ok() {
				summary = append(summary, fmt.Sprintf("%s %ss", r.Label, secs(r.wall())))
			} else {
				summary = append(summary, r.Label+" FAILED")
			}
		}
		log("%s: done in %s: %s", w.Name, time.Since(start).Round(time.Second), strings.Join(summary, ", "))
	}
	if cfg.loader {
		if rep.Loader, err = benchLoaders(cfg, log); err != nil {
			return nil, err
		}
	}
	return rep, nil
}

// lockWork serialises runs sharing a cache: two benchmarks at once would
// also skew each other's timings on a 2-core machine.
func lockWork(work string, log func(string, ...any)) (func(), error) {
	f, err := os.OpenFile(filepath.Join(work, "lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, err
	}
	if syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB) != nil {
		log("waiting for another benchtool using %s", work)
		if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
			f.Close()
			return nil, err
		}
	}
	return func() { f.Close() }, nil
}

// newReport records the machine and the linkers' versions with the results,
// because only numbers from the same run and machine are comparable.
func newReport(cfg *config, linkers []*Linker) *Report {
	rep := &Report{
		Date:       time.Now().Format("2006-01-02 15:04"),
		CPUs:       runtime.NumCPU(),
		Runs:       cfg.runs,
		GenN:       cfg.genN,
		Quick:      cfg.quick,
		LoaderOnly: cfg.loaderOnly,
		Versions:   map[string]string{},
		LoadStart:  loadAvg(),
	}
	rep.Host, _ = os.Hostname()
	var u syscall.Utsname
	if syscall.Uname(&u) == nil {
		var sb strings.Builder
		for _, c := range u.Release {
			if c == 0 {
				break
			}
			sb.WriteByte(byte(c))
		}
		rep.Kernel = sb.String()
	}
	for _, l := range linkers {
		rep.Linkers = append(rep.Linkers, l.Label)
		if l.Path == "" {
			continue
		}
		out, _ := exec.Command(l.Path, "--version").Output()
		rep.Versions[l.Label] = strings.TrimSpace(strings.SplitN(string(out), "\n", 2)[0])
	}
	return rep
}

// loadAvg is the 1, 5 and 15 minute load averages: on a shared 2-core
// machine they tell whether a surprising number is the linker or the noise.
func loadAvg() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(data))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}
