package main

// Measuring: every linker replays the same captured argv, round by round in
// a rotating order, so slow drifts of a shared, noisy machine (other jobs,
// thermal state, page cache) hit all linkers alike instead of whichever ran
// last. Each run is timed from wait4's rusage, which also gives peak RSS.

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"
)

// Linker is one linker binary and how to call it.
type Linker struct {
	Key   string // name for -linkers and the JSON
	Label string // name in the table and chart
	Path  string // "" when it is not installed
	// Pre goes before the captured arguments: mold needs --no-fork, or it
	// forks, lets the parent exit early, and only the parent is measured.
	Pre []string
}

// Sample is one measured run.
type Sample struct {
	WallNs   int64 `json:"wall_ns"`
	CPUNs    int64 `json:"cpu_ns"` // user + system time of the linker and its children
	MaxRSSKB int64 `json:"maxrss_kb"`
}

// Result is one linker on one workload.
type Result struct {
	Linker  string   `json:"linker"`
	Label   string   `json:"label"`
	Argv    []string `json:"argv"`
	Samples []Sample `json:"samples"`
	Size    int64    `json:"output_bytes"`
	Check   string   `json:"check_output,omitempty"`
	Failed  string   `json:"failed,omitempty"` // why, when it failed
}

// runOnce deletes out (a linker must not get to reuse or patch an old
// output), runs the linker and measures it. stderr is written to logFile,
// not a pipe, so no goroutine of ours copies output while the clock runs.
func runOnce(l *Linker, link *Link, out string, logFile *os.File) (Sample, error) {
	if err := os.Remove(out); err != nil && !os.IsNotExist(err) {
		return Sample{}, err
	}
	if err := logFile.Truncate(0); err != nil {
		return Sample{}, err
	}
	if _, err := logFile.Seek(0, 0); err != nil {
		return Sample{}, err
	}
	cmd := exec.Command(l.Path, slices.Concat(l.Pre, link.withOutput(out))...)
	cmd.Dir = link.Dir
	cmd.Stdout = logFile
	cmd.Stderr = logFile
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return Sample{}, err
	}
	err := cmd.Wait()
	wall := time.Since(start)
	if err != nil {
		msg, _ := os.ReadFile(logFile.Name())
		return Sample{}, fmt.Errorf("%v: %s", err, firstLines(string(msg), 8))
	}
	ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		return Sample{}, fmt.Errorf("no rusage for %s", l.Path)
	}
	return Sample{
		WallNs:   wall.Nanoseconds(),
		CPUNs:    syscall.TimevalToNsec(ru.Utime) + syscall.TimevalToNsec(ru.Stime),
		MaxRSSKB: ru.Maxrss, // kilobytes on Linux
	}, nil
}

// benchWorkload runs one warm-up round, checks every output that linked,
// then runs `runs` measured rounds. A linker that fails is reported, not
// fatal: the others still get measured.
func benchWorkload(e *env, w *Workload, link *Link, linkers []*Linker, runs int) ([]*Result, error) {
	outDir := filepath.Join(e.work, "out", w.Name)
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return nil, err
	}
	logFile, err := os.CreateTemp(outDir, "linker-log-*")
	if err != nil {
		return nil, err
	}
	defer os.Remove(logFile.Name())
	defer logFile.Close()

	results := make([]*Result, len(linkers))
	outs := make([]string, len(linkers))
	for i, l := range linkers {
		outs[i] = filepath.Join(outDir, l.Key+w.Ext)
		results[i] = &Result{Linker: l.Key, Label: l.Label, Argv: slices.Concat([]string{l.Path}, l.Pre, link.withOutput(outs[i]))}
		if l.Path == "" {
			results[i].Failed = "not installed"
		}
	}

	lastLog := time.Now()
	// Round -1 is the warm-up: it fills the page cache with the inputs and
	// the linkers' own binaries, and is not recorded.
	for r := -1; r < runs; r++ {
		for k := range linkers {
			i := (k + max(r, 0)) % len(linkers)
			res := results[i]
			if res.Failed != "" {
				continue
			}
			s, err := runOnce(linkers[i], link, outs[i], logFile)
			if err != nil {
				res.Failed = "link: " + err.Error()
				continue
			}
			if r >= 0 {
				res.Samples = append(res.Samples, s)
			}
			if fi, err := os.Stat(outs[i]); err == nil {
				res.Size = fi.Size()
			} else {
				res.Failed = "no output: " + err.Error()
			}
		}
		if r == -1 {
			checkOutputs(e, w, results, outs)
		}
		// Progress only for slow workloads: fast ones finish in seconds.
		if r >= 0 && time.Since(lastLog) > 10*time.Second {
			e.log("%s: round %d/%d", w.Name, r+1, runs)
			lastLog = time.Now()
		}
	}
	return results, nil
}

// checkOutputs runs or loads each output once. The text a check prints must
// also agree with GNU ld's (or, if GNU ld failed, with the first linker that
// passed): a program that runs but computes something else is wrong too.
func checkOutputs(e *env, w *Workload, results []*Result, outs []string) {
	ref := -1
	for i, res := range results {
		if res.Failed != "" {
			continue
		}
		out, err := w.check(e, outs[i])
		res.Check = strings.TrimSpace(out)
		if err != nil {
			res.Failed = "check: " + err.Error()
			continue
		}
		if ref < 0 || res.Linker == "bfd" {
			ref = i
		}
	}
	if ref < 0 {
		return
	}
	for _, res := range results {
		if res.Failed == "" && res.Check != results[ref].Check {
			res.Failed = fmt.Sprintf("check: output %q differs from %s's %q", res.Check, results[ref].Label, results[ref].Check)
		}
	}
}
