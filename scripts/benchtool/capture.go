package main

// Capturing the linker command line: the benchmark times the linker alone,
// not gcc's driver and collect2 around it, so it first asks gcc which argv
// it would give ld and then replays exactly that with each linker.

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
)

// captureScript stands in for ld: gcc -B DIR/ makes collect2 run DIR/ld.
// NUL-terminated arguments survive any byte an argument may contain.
const captureScript = `#!/bin/sh
# benchtool: record the linker's arguments, one NUL-terminated each; link nothing.
printf '%s\0' "$@" > "$BENCHTOOL_CAPTURE"
`

// Link is a captured linker invocation, ready to replay.
type Link struct {
	Dir      string   // working directory the arguments are relative to
	Args     []string // argv without argv[0]
	OutIndex int      // Args[OutIndex] is the output path
}

// withOutput is the argv writing to out instead of the captured path.
func (l *Link) withOutput(out string) []string {
	args := slices.Clone(l.Args)
	args[l.OutIndex] = out
	return args
}

// capture runs the driver with the fake ld and returns the argv it received.
func capture(work, name string, d *driverCmd) (*Link, error) {
	for _, a := range d.args {
		// -fuse-ld would make gcc look for ld.NAME instead of our ld.
		if strings.HasPrefix(a, "-fuse-ld") {
			return nil, fmt.Errorf("%s: driver arguments must not set %s", name, a)
		}
	}
	capDir := filepath.Join(work, "capture")
	if err := writeIfChanged(filepath.Join(capDir, "ld"), []byte(captureScript)); err != nil {
		return nil, err
	}
	if err := os.Chmod(filepath.Join(capDir, "ld"), 0o755); err != nil {
		return nil, err
	}
	argsFile := filepath.Join(capDir, name+".args")
	os.Remove(argsFile)
	if err := os.MkdirAll(d.dir, 0o755); err != nil {
		return nil, err
	}
	cmd := exec.Command(d.driver, append([]string{"-B", capDir + "/"}, d.args...)...)
	cmd.Dir = d.dir
	cmd.Env = append(os.Environ(), "BENCHTOOL_CAPTURE="+argsFile)
	if out, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("%s: capturing %s's link: %v\n%s", name, d.driver, err, out)
	}
	raw, err := os.ReadFile(argsFile)
	if err != nil {
		return nil, fmt.Errorf("%s: %s did not run the fake ld: %w", name, d.driver, err)
	}
	args := strings.Split(strings.TrimSuffix(string(raw), "\x00"), "\x00")
	return parseCapture(d.dir, capDir, args)
}

// parseCapture drops what only the capture itself added and finds the output.
func parseCapture(dir, capDir string, args []string) (*Link, error) {
	l := &Link{Dir: dir, OutIndex: -1}
	for _, a := range args {
		// gcc turns each -B directory into a -L; a plain gcc run without
		// -B would not pass it.
		if a == "-L"+capDir || a == "-L"+capDir+"/" {
			continue
		}
		l.Args = append(l.Args, a)
	}
	for i, a := range l.Args {
		if a == "-o" && i+1 < len(l.Args) {
			if l.OutIndex >= 0 {
				return nil, fmt.Errorf("captured link has more than one -o")
			}
			l.OutIndex = i + 1
		}
	}
	if l.OutIndex < 0 {
		return nil, fmt.Errorf("captured link has no -o: %s", strings.Join(l.Args, " "))
	}
	return l, nil
}
