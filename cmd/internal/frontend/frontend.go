// Package frontend is what gold and gshared share between their command
// lines and the link pipeline: ld-style arguments go through ldargs, the
// tools' own options through kong, and, when the tools run under their own
// names, the C runtime is added the way gcc's driver would add it.
package frontend

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"

	"github.com/alecthomas/kong"

	"gold/cmd/internal/driver"
	"gold/cmd/internal/ldargs"
	"gold/link"
)

// Own are the options gold and gshared have beyond ld's.
type Own struct {
	NoRuntime    bool `name:"no-runtime" help:"Do not add the C runtime (crt files, -lc, libgcc) that gcc's driver would add."`
	TraceRuntime bool `name:"trace-runtime" help:"Print the C runtime files and libraries that were added."`
	TimeReport   bool `name:"time-report" help:"Print the time each linking pass took."`
	Threads      int  `name:"threads" help:"Number of threads to use (default: all cores)."`
	Help         bool `name:"help" short:"h" help:"Show this help."`
}

// ownOptions maps each own option to whether it takes a value, for ldargs.
var ownOptions = map[string]bool{"no-runtime": false, "trace-runtime": false, "time-report": false, "threads": true, "help": false}

// Mode says how the tool was invoked.
type Mode int

const (
	ModeLD      Mode = iota // invoked as ld (by gcc -B): exactly ld's behaviour
	ModeGold                // gold under its own name: adds the C runtime, PIE by default
	ModeGshared             // gshared: a shared library, with the C runtime
)

// Version is printed by -v/--version; "compatible with GNU linkers" is how
// libtool and meson recognise a GNU-style ld.
const Version = "gold 0.1 (compatible with GNU linkers)"

// Run links according to args and returns the process exit status.
func Run(prog string, mode Mode, args []string, stdout, stderr io.Writer) int {
	cfg, own, ext, err := parse(prog, mode, args)
	if err != nil {
		report(stderr, prog, err)
		return 1
	}
	if own.Help {
		printHelp(stdout, prog, mode)
		return 0
	}
	if ext.Version {
		fmt.Fprintln(stdout, Version)
		if ext.VersionOnly || len(cfg.Inputs) == 0 {
			return 0
		}
	}
	for _, w := range ext.Warnings {
		fmt.Fprintf(stderr, "%s: warning: %s\n", prog, w)
	}
	if len(cfg.Inputs) == 0 {
		report(stderr, prog, errors.New("no input files"))
		return 1
	}
	setGCPolicy()
	if path := os.Getenv("GOLD_CPUPROFILE"); path != "" {
		stop, err := startCPUProfile(path)
		if err != nil {
			report(stderr, prog, err)
			return 1
		}
		defer stop()
	}
	if path := os.Getenv("GOLD_MEMPROFILE"); path != "" {
		runtime.MemProfileRate = 64 << 10
		cfg.HeapProfile = path
	}
	if err := link.Link(cfg); err != nil {
		report(stderr, prog, err)
		return 1
	}
	return 0
}

// parse turns the command line into a link configuration.
func parse(prog string, mode Mode, args []string) (*link.Config, *Own, *ldargs.Extras, error) {
	cfg := &link.Config{}
	ext, err := ldargs.ParseAll(args, cfg, ownOptions)
	if err != nil {
		return nil, nil, nil, err
	}
	own := &Own{}
	parser, err := kong.New(own, kong.Name(prog), kong.Exit(func(int) {}), kong.NoDefaultHelp())
	if err != nil {
		return nil, nil, nil, err
	}
	if _, err := parser.Parse(ext.Rest); err != nil {
		return nil, nil, nil, err
	}
	if own.Help || mode == ModeLD || own.NoRuntime || ext.VersionOnly || len(cfg.Inputs) == 0 {
		return finish(cfg, own, mode), own, ext, nil
	}
	// Under their own names the tools add what gcc's driver adds; when the
	// user already gave start files (crt1.o and friends), they know best.
	kind := cfg.Kind
	if mode == ModeGshared {
		kind = link.OutputShared
	} else if !explicitKind(args) {
		kind = link.OutputPIE // as Debian's gcc
	}
	if hasStartFiles(cfg) {
		return finish(cfg, own, mode), own, ext, nil
	}
	rt, err := driver.Files(kind, isCxx(cfg))
	if err != nil {
		return nil, nil, nil, err
	}
	if own.TraceRuntime {
		fmt.Fprint(os.Stderr, rt.Describe())
	}
	full := rt.Args(args)
	cfg = &link.Config{}
	if ext, err = ldargs.ParseAll(full, cfg, ownOptions); err != nil {
		return nil, nil, nil, err
	}
	cfg.Kind = kind
	return finish(cfg, own, mode), own, ext, nil
}

func finish(cfg *link.Config, own *Own, mode Mode) *link.Config {
	if mode == ModeGshared {
		cfg.Kind = link.OutputShared
	}
	if cfg.Output == "" {
		cfg.Output = "a.out"
	}
	cfg.TimeReport = own.TimeReport
	cfg.Threads = own.Threads
	return cfg
}

// explicitKind reports whether the user chose the kind of executable.
func explicitKind(args []string) bool {
	for _, a := range args {
		switch strings.TrimLeft(a, "-") {
		case "pie", "no-pie", "shared", "Bshareable", "static", "static-pie", "pic-executable":
			return true
		}
	}
	return false
}

// hasStartFiles reports whether the inputs already include C start files.
func hasStartFiles(cfg *link.Config) bool {
	for _, in := range cfg.Inputs {
		if in.Kind != link.InputFile {
			continue
		}
		base := in.Path[strings.LastIndexByte(in.Path, '/')+1:]
		switch base {
		case "crt1.o", "Scrt1.o", "rcrt1.o", "crti.o", "gcrt1.o":
			return true
		}
	}
	return false
}

// report prints an error as "PROG: error: message", one line per message.
func report(w io.Writer, prog string, err error) {
	var errs link.Errors
	if errors.As(err, &errs) {
		for _, e := range errs {
			fmt.Fprintf(w, "%s: error: %s\n", prog, e)
		}
		return
	}
	fmt.Fprintf(w, "%s: error: %s\n", prog, err)
}
