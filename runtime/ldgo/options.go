package main

import (
	"fmt"
	"os"
	"strings"
)

// options are ldgo's command-line options when run as a command, as
// glibc's ld.so takes them.
type options struct {
	program      string
	skip         int      // argv entries before the program's argv[0]
	libraryPath  *string  // --library-path
	argv0        string   // --argv0
	list         bool     // --list
	inhibitCache bool     // --inhibit-cache
	preload      []string // --preload
}

const usage = `Usage: ldgo [OPTION]... EXECUTABLE-FILE [ARGS-FOR-PROGRAM...]
Load and run EXECUTABLE-FILE with its shared libraries, as the ELF
interpreter would.

  --list                list all dependencies and how they are resolved
  --library-path PATH   use given PATH instead of content of the environment
                        variable LD_LIBRARY_PATH
  --preload LIST        preload objects named in LIST
  --inhibit-cache       do not use /etc/ld.so.cache
  --argv0 STRING        set argv[0] to STRING before running
  --help                display this help and exit
  --version             output version information and exit
`

func parseOptions(ps *processStart) (options, error) {
	var o options
	i := 1
	for ; i < ps.argc; i++ {
		a := ps.arg(i)
		if !strings.HasPrefix(a, "--") {
			break
		}
		switch a {
		case "--list":
			o.list = true
		case "--inhibit-cache":
			o.inhibitCache = true
		case "--library-path", "--argv0", "--preload":
			if i+1 >= ps.argc {
				return o, fmt.Errorf("option %s needs an argument", a)
			}
			i++
			v := ps.arg(i)
			if a == "--argv0" {
				o.argv0 = v
			} else if a == "--preload" {
				o.preload = append(o.preload, splitPreload(v)...)
			} else {
				o.libraryPath = &v
			}
		case "--help":
			fmt.Print(usage)
			os.Exit(0)
		case "--version":
			fmt.Println("ldgo (gold) 0.1")
			os.Exit(0)
		case "--":
			i++
			goto done
		default:
			return o, fmt.Errorf("unrecognized option '%s'\nTry 'ldgo --help' for more information.", a)
		}
	}
done:
	if i >= ps.argc {
		fmt.Fprint(os.Stderr, usage)
		os.Exit(127)
	}
	o.program = ps.arg(i)
	o.skip = i
	return o, nil
}

// list prints each dependency, the file chosen and the search rule that
// found it, like ldd (which also reports missing ones and exits 0).
func (l *loader) list() {
	for _, e := range l.listed {
		if o := e.obj; o != nil {
			fmt.Printf("\t%s => %s (0x%x) [%s]\n", e.name, o.path, o.mapStart, o.rule)
		} else {
			fmt.Printf("\t%s => not found\n", e.name)
		}
	}
}

// splitPreload splits LD_PRELOAD or --preload: colon- or space-separated.
func splitPreload(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ':' || r == ' ' || r == '\t' })
}
