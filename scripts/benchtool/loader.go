package main

// The loader group: ldgo against glibc's ld.so in one run. Every case runs
// the same program under both loaders (and, for the lazy-binding case, with
// LD_BIND_NOW=1 as well), in alternating rounds after a warm-up round, and
// is timed from wait4's rusage like the linkers. The lazy case also times
// itself: the program reads clock_gettime around 2,000 first calls into a
// library, so the resolver's cost is measured without process start-up.

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// glibcLdso is glibc's dynamic loader, the reference.
const glibcLdso = "/lib64/ld-linux-x86-64.so.2"

// lazyFuncs is the number of functions the lazy case binds.
const lazyFuncs = 2000

// LoaderRun is one way of starting a program.
type LoaderRun struct {
	Key     string   `json:"key"`   // ldgo, glibc, ldgo-now, glibc-now
	Label   string   `json:"label"` // in the tables
	Argv    []string `json:"argv"`
	Env     []string `json:"env,omitempty"` // added to the environment
	Samples []Sample `json:"samples"`
	// FirstCallNs and BoundCallNs are what the lazy case's program printed
	// in each measured run: ns per call, first and second pass.
	FirstCallNs []float64 `json:"first_call_ns,omitempty"`
	BoundCallNs []float64 `json:"bound_call_ns,omitempty"`
	Check       string    `json:"check_output,omitempty"`
	Failed      string    `json:"failed,omitempty"`
}

// LoaderCase is one program run under each loader.
type LoaderCase struct {
	Name  string       `json:"name"`
	Desc  string       `json:"description"`
	Runs  []*LoaderRun `json:"runs"`
	Error string       `json:"error,omitempty"` // it could not be built
}

// LoaderReport is the loader group's part of the report.
type LoaderReport struct {
	Ldgo  string        `json:"ldgo"`
	Ldso  string        `json:"ldso"`
	Glibc string        `json:"glibc"`
	Runs  int           `json:"runs"`
	Cases []*LoaderCase `json:"cases"`
}

func (r *LoaderRun) ok() bool { return r.Failed == "" && len(r.Samples) > 0 }
func (r *LoaderRun) wallMs() float64 {
	return float64(median(r.Samples, func(s Sample) int64 { return s.WallNs })) / 1e6
}
func (r *LoaderRun) cpuMs() float64 {
	return float64(median(r.Samples, func(s Sample) int64 { return s.CPUNs })) / 1e6
}
func (r *LoaderRun) rssMiB() float64 {
	return float64(median(r.Samples, func(s Sample) int64 { return s.MaxRSSKB })) / 1024
}
func (r *LoaderRun) firstCall() float64 { return medianF(r.FirstCallNs) }
func (r *LoaderRun) boundCall() float64 { return medianF(r.BoundCallNs) }

func medianF(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	v = slices.Clone(v)
	slices.Sort(v)
	if len(v)%2 == 1 {
		return v[len(v)/2]
	}
	return (v[len(v)/2-1] + v[len(v)/2]) / 2
}

func (c *LoaderCase) find(key string) *LoaderRun {
	for _, r := range c.Runs {
		if r.Key == key {
			return r
		}
	}
	return nil
}

const helloSource = `/* benchtool: the loader benchmark's hello world */
#include <stdio.h>
int main(void) { puts("hello, world"); return 0; }
`

// lazyLibSource is the library: lazyFuncs small functions.
func lazyLibSource() []byte {
	var b strings.Builder
	b.WriteString("/* benchtool: functions for the lazy first-call benchmark */\n")
	for i := 0; i < lazyFuncs; i++ {
		fmt.Fprintf(&b, "int lazy_f%d(int x) { return x + %d; }\n", i, i)
	}
	return []byte(b.String())
}

// lazyMainSource calls every function once through its PLT slot and times
// the pass with clock_gettime, then a second pass (the slots are bound).
func lazyMainSource() []byte {
	var b strings.Builder
	b.WriteString(`/* benchtool: time the first call to each of the library's functions */
#include <stdio.h>
#include <time.h>
`)
	for i := 0; i < lazyFuncs; i++ {
		fmt.Fprintf(&b, "int lazy_f%d(int);\n", i)
	}
	b.WriteString(`static long long now(void) {
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000000000LL + t.tv_nsec;
}
__attribute__((noinline)) static int pass(int x) {
`)
	for i := 0; i < lazyFuncs; i++ {
		fmt.Fprintf(&b, "\tx = lazy_f%d(x);\n", i)
	}
	fmt.Fprintf(&b, `	return x;
}
int main(void) {
	long long t0 = now();
	int x = pass(0);
	long long t1 = now();
	x = pass(x);
	long long t2 = now();
	printf("sum=%%d\n", x);
	printf("first_ns=%%.1f bound_ns=%%.1f\n", (double)(t1 - t0) / %d, (double)(t2 - t1) / %d);
	return 0;
}
`, lazyFuncs, lazyFuncs)
	return []byte(b.String())
}

// timerSource runs a program and writes "wall_ns cpu_ns maxrss_kb" for it
// to a file. Go cannot be the parent here: it starts children with
// CLONE_VM|CLONE_VFORK, and the kernel folds the high-water RSS of the
// memory a process leaves at exec (the benchtool's own, when shared) into
// its ru_maxrss; a hello world would report the harness's RSS. This static
// helper forks for real, so what a child inherits is its own few pages.
const timerSource = `/* benchtool: time and measure one program, from fork to wait4 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/wait.h>
int main(int argc, char **argv) {
	if (argc < 3) { fprintf(stderr, "usage: timer OUT PROG [ARGS]\n"); return 2; }
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid_t pid = fork();
	if (pid < 0) { perror("fork"); return 2; }
	if (pid == 0) { execv(argv[2], argv + 2); perror(argv[2]); _exit(127); }
	int status;
	struct rusage ru;
	if (wait4(pid, &status, 0, &ru) < 0) { perror("wait4"); return 2; }
	clock_gettime(CLOCK_MONOTONIC, &t1);
	FILE *f = fopen(argv[1], "w");
	if (!f) { perror(argv[1]); return 2; }
	fprintf(f, "%lld %lld %ld\n", (t1.tv_sec - t0.tv_sec) * 1000000000LL + (t1.tv_nsec - t0.tv_nsec),
		(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000000LL + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000LL,
		ru.ru_maxrss);
	fclose(f);
	if (WIFEXITED(status)) return WEXITSTATUS(status);
	fprintf(stderr, "timer: %s: signal %d\n", argv[2], WTERMSIG(status));
	return 128 + WTERMSIG(status);
}
`

// buildLoaderPrograms compiles the case programs into dir; ldgo is named in
// the interpreter variant's PT_INTERP, so that one is relinked every run.
func buildLoaderPrograms(dir, ldgo string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	files := map[string][]byte{"hello.c": []byte(helloSource), "lazylib.c": lazyLibSource(), "lazymain.c": lazyMainSource(), "timer.c": []byte(timerSource)}
	for name, data := range files {
		if err := writeIfChanged(filepath.Join(dir, name), data); err != nil {
			return err
		}
	}
	steps := [][]string{
		{"gcc", "-O2", "-static", "-o", "timer", "timer.c"},
		{"gcc", "-O2", "-o", "hello", "hello.c"},
		{"gcc", "-O2", "-o", "hello-ldgo", "hello.c", "-Wl,-dynamic-linker," + ldgo},
		// -z lazy: Debian's gcc does not ask for BIND_NOW, but say it.
		{"gcc", "-O2", "-fPIC", "-shared", "-Wl,-z,lazy", "-o", "liblazybench.so", "lazylib.c"},
		{"gcc", "-O2", "-Wl,-z,lazy", "-o", "lazymain", "lazymain.c", "-L.", "-llazybench", "-Wl,-rpath," + dir},
	}
	for _, s := range steps {
		cmd := exec.Command(s[0], s[1:]...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("%s: %v\n%s", strings.Join(s, " "), err, out)
		}
	}
	return nil
}

// loaderCases are the programs and how each loader starts them.
func loaderCases(dir, ldgo string) []*LoaderCase {
	hello := filepath.Join(dir, "hello")
	lazy := filepath.Join(dir, "lazymain")
	both := func(args ...string) []*LoaderRun {
		return []*LoaderRun{
			{Key: "glibc", Label: "glibc ld.so", Argv: append([]string{glibcLdso}, args...)},
			{Key: "ldgo", Label: "ldgo", Argv: append([]string{ldgo}, args...)},
		}
	}
	lazyRuns := both(lazy)
	for _, k := range []string{"glibc", "ldgo"} {
		r := *lazyRuns[slices.IndexFunc(lazyRuns, func(r *LoaderRun) bool { return r.Key == k })]
		r.Key, r.Label, r.Env = k+"-now", r.Label+" (LD_BIND_NOW=1)", []string{"LD_BIND_NOW=1"}
		lazyRuns = append(lazyRuns, &r)
	}
	return []*LoaderCase{
		{Name: "hello-cmd", Desc: "hello world, loader run as a command (`LOADER ./hello`)", Runs: both(hello)},
		{Name: "hello-interp", Desc: "hello world, loader as PT_INTERP (linked with `-Wl,-dynamic-linker,LOADER`)", Runs: []*LoaderRun{
			{Key: "glibc", Label: "glibc ld.so", Argv: []string{hello}},
			{Key: "ldgo", Label: "ldgo", Argv: []string{filepath.Join(dir, "hello-ldgo")}},
		}},
		{Name: "python3", Desc: "`LOADER /usr/bin/python3 -c pass`", Runs: both("/usr/bin/python3", "-c", "pass")},
		{Name: "lazy-2000", Desc: fmt.Sprintf("a program making the first call to each of %d functions of a library (`LOADER ./lazymain`)", lazyFuncs), Runs: lazyRuns},
	}
}

// benchLoaders builds the programs and times every case.
func benchLoaders(cfg *config, log func(string, ...any)) (*LoaderReport, error) {
	ldgo := filepath.Join(cfg.tools, "bin", "ldgo")
	if _, err := os.Stat(ldgo); err != nil {
		return nil, fmt.Errorf("ldgo is not in the tools directory: %w", err)
	}
	lr := &LoaderReport{Ldgo: ldgo, Ldso: glibcLdso, Runs: cfg.loaderRuns}
	if out, err := exec.Command("ldd", "--version").Output(); err == nil {
		lr.Glibc = strings.TrimSpace(strings.SplitN(string(out), "\n", 2)[0])
	}
	dir := filepath.Join(cfg.work, "build", "loader")
	lr.Cases = loaderCases(dir, ldgo)
	log("loader: building the programs in %s", dir)
	if err := buildLoaderPrograms(dir, ldgo); err != nil {
		for _, c := range lr.Cases {
			c.Error = firstLines(err.Error(), 10)
		}
		return lr, nil
	}
	logFile, err := os.CreateTemp(dir, "loader-log-*")
	if err != nil {
		return nil, err
	}
	defer os.Remove(logFile.Name())
	defer logFile.Close()
	for _, c := range lr.Cases {
		start := time.Now()
		log("loader: %s: %d runs × %d", c.Name, len(c.Runs), cfg.loaderRuns)
		for r := -1; r < cfg.loaderRuns; r++ {
			for k := range c.Runs {
				run := c.Runs[(k+max(r, 0))%len(c.Runs)]
				if run.Failed != "" {
					continue
				}
				s, out, err := runLoaded(run, dir, logFile)
				if err != nil {
					run.Failed = err.Error()
					continue
				}
				check, first, bound, err := parseLoaderOutput(c.Name, out)
				if err != nil {
					run.Failed = err.Error()
					continue
				}
				if r == -1 {
					run.Check = check
					continue
				}
				if check != run.Check {
					run.Failed = fmt.Sprintf("output %q differs from the warm-up's %q", check, run.Check)
					continue
				}
				run.Samples = append(run.Samples, s)
				if c.Name == "lazy-2000" {
					run.FirstCallNs = append(run.FirstCallNs, first)
					run.BoundCallNs = append(run.BoundCallNs, bound)
				}
			}
			if r == -1 {
				// The loaders must agree with glibc's, as the linkers' checks
				// agree with GNU ld's.
				ref := c.find("glibc")
				for _, run := range c.Runs {
					if run.Failed == "" && ref != nil && ref.Failed == "" && run.Check != ref.Check {
						run.Failed = fmt.Sprintf("output %q differs from glibc ld.so's %q", run.Check, ref.Check)
					}
				}
			}
		}
		var summary []string
		for _, run := range c.Runs {
			if run.ok() {
				summary = append(summary, fmt.Sprintf("%s %.2f ms", run.Label, run.wallMs()))
			} else {
				summary = append(summary, run.Label+" FAILED")
			}
		}
		log("loader: %s: done in %s: %s", c.Name, time.Since(start).Round(time.Millisecond), strings.Join(summary, ", "))
	}
	return lr, nil
}

// runLoaded runs one program under the timer (timerSource: fork to
// wait4, rusage) and returns the sample and the program's standard output,
// which goes to a file (as the linkers' does), not a pipe.
func runLoaded(run *LoaderRun, dir string, logFile *os.File) (Sample, string, error) {
	if err := logFile.Truncate(0); err != nil {
		return Sample{}, "", err
	}
	if _, err := logFile.Seek(0, 0); err != nil {
		return Sample{}, "", err
	}
	measured := filepath.Join(dir, "timer.out")
	os.Remove(measured)
	cmd := exec.Command(filepath.Join(dir, "timer"), append([]string{measured}, run.Argv...)...)
	cmd.Dir = dir
	cmd.Env = append(loaderEnv(), run.Env...)
	cmd.Stdout = logFile
	var stderr strings.Builder
	cmd.Stderr = &stderr
	err := cmd.Run()
	out, _ := os.ReadFile(logFile.Name())
	if err != nil {
		return Sample{}, "", fmt.Errorf("%v: %s", err, firstLines(stderr.String()+string(out), 5))
	}
	data, err := os.ReadFile(measured)
	if err != nil {
		return Sample{}, "", err
	}
	var s Sample
	if n, err := fmt.Sscan(string(data), &s.WallNs, &s.CPUNs, &s.MaxRSSKB); n != 3 {
		return Sample{}, "", fmt.Errorf("timer wrote %q: %v", data, err)
	}
	return s, string(out), nil
}

// loaderEnv is the environment without anything that changes how a loader
// binds or what it preloads: only the case's own settings count.
func loaderEnv() []string {
	var env []string
	for _, e := range os.Environ() {
		if strings.HasPrefix(e, "LD_") || strings.HasPrefix(e, "LDGO_") {
			continue
		}
		env = append(env, e)
	}
	return env
}

// parseLoaderOutput returns the part of a run's output that must not vary,
// and for the lazy case the ns per first and per bound call.
func parseLoaderOutput(name, out string) (check string, first, bound float64, err error) {
	if name != "lazy-2000" {
		return strings.TrimSpace(out), 0, 0, nil
	}
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "sum=") {
			check = line
		}
		if rest, ok := strings.CutPrefix(line, "first_ns="); ok {
			f := strings.Fields(rest)
			if len(f) == 2 {
				first, err = strconv.ParseFloat(f[0], 64)
				if err == nil {
					bound, err = strconv.ParseFloat(strings.TrimPrefix(f[1], "bound_ns="), 64)
				}
				if err == nil {
					return check, first, bound, nil
				}
			}
		}
	}
	return "", 0, 0, fmt.Errorf("no timing line in %q", firstLines(out, 3))
}

// writeLoader renders the "## Loader" section.
func (lr *LoaderReport) writeMarkdown(b *strings.Builder) {
	b.WriteString("\n## Loader\n\n")
	fmt.Fprintf(b, "ldgo (`%s`) against glibc's `%s` (%s), %d measured runs after 1 warm-up round, loaders alternating round by round. ",
		lr.Ldgo, lr.Ldso, lr.Glibc, lr.Runs)
	b.WriteString("Medians of wall time (fork to wait4), CPU time (user + system) and peak RSS (wait4 rusage), measured by a small static C parent: Go starts children with vfork semantics, and a child's ru_maxrss would then include the harness's own RSS. † marks a median wall time over twice the CPU time: the run mostly waited for a CPU.\n\n")
	for _, c := range lr.Cases {
		fmt.Fprintf(b, "- %s: %s\n", c.Name, c.Desc)
	}
	b.WriteString("\n### exec → exit\n\n| case | loader | wall (ms) | CPU (ms) | peak RSS (MiB) | wall ÷ glibc | RSS ÷ glibc |\n|---|---|--:|--:|--:|--:|--:|\n")
	var failures []string
	for _, c := range lr.Cases {
		if c.Error != "" {
			fmt.Fprintf(b, "| %s | all | FAILED | | | | |\n", c.Name)
			failures = append(failures, c.Name+": "+c.Error)
			continue
		}
		ref := c.find("glibc")
		for _, r := range c.Runs {
			if !r.ok() {
				fmt.Fprintf(b, "| %s | %s | FAILED | | | | |\n", c.Name, r.Label)
				failures = append(failures, fmt.Sprintf("%s / %s: %s", c.Name, r.Label, r.Failed))
				continue
			}
			ratio, rss := "–", "–"
			if ref != nil && ref.ok() {
				ratio = fmt.Sprintf("%.2f", r.wallMs()/ref.wallMs())
				rss = fmt.Sprintf("%.2f", r.rssMiB()/ref.rssMiB())
				if r.Key == "ldgo" {
					ratio = "**" + ratio + "**"
				}
			}
			wall := fmt.Sprintf("%.2f", r.wallMs())
			if r.wallMs() > 2*r.cpuMs() {
				wall += " †"
			}
			fmt.Fprintf(b, "| %s | %s | %s | %.2f | %.1f | %s | %s |\n", c.Name, r.Label, wall, r.cpuMs(), r.rssMiB(), ratio, rss)
		}
	}
	for _, c := range lr.Cases {
		if c.Name != "lazy-2000" || c.Error != "" {
			continue
		}
		fmt.Fprintf(b, "\n### Lazy first-call cost\n\nns per call, timed by the program with clock_gettime(CLOCK_MONOTONIC) around %d first calls (each through an unbound PLT slot, so the loader's resolver runs) and around a second pass over the same, now bound, calls. With LD_BIND_NOW=1 every slot is bound before main, so its first pass is the reference for a call that needs no resolver.\n\n", lazyFuncs)
		b.WriteString("| binding | glibc ld.so ns/first call | ldgo ns/first call | ldgo ÷ glibc | glibc ns/bound call | ldgo ns/bound call |\n|---|--:|--:|--:|--:|--:|\n")
		for _, mode := range []struct{ suffix, label string }{{"", "lazy"}, {"-now", "LD_BIND_NOW=1"}} {
			g, l := c.find("glibc"+mode.suffix), c.find("ldgo"+mode.suffix)
			cells := []string{mode.label, "FAILED", "FAILED", "–", "FAILED", "FAILED"}
			if g != nil && g.ok() {
				cells[1], cells[4] = fmt.Sprintf("%.1f", g.firstCall()), fmt.Sprintf("%.1f", g.boundCall())
			}
			if l != nil && l.ok() {
				cells[2], cells[5] = fmt.Sprintf("%.1f", l.firstCall()), fmt.Sprintf("%.1f", l.boundCall())
				if g != nil && g.ok() && g.firstCall() > 0 {
					cells[3] = fmt.Sprintf("**%.2f**", l.firstCall()/g.firstCall())
				}
			}
			fmt.Fprintf(b, "| %s |\n", strings.Join(cells, " | "))
		}
	}
	if len(failures) > 0 {
		b.WriteString("\n### Loader failures\n\n")
		for _, f := range failures {
			fmt.Fprintf(b, "- %s\n", strings.ReplaceAll(f, "|", "\\|"))
		}
	}
}
