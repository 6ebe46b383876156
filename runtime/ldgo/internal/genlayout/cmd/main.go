// Command cmd (run it as runtime/ldgo/gen-layout.sh) prints the glibcLayout
// entry for a glibc build, computed from its debug files' DWARF, or with -w
// writes it into runtime/ldgo/glibclayout.go.
package main

import (
	"flag"
	"fmt"
	"os"

	"gold/runtime/ldgo/internal/genlayout"
)

func main() {
	var o genlayout.Options
	flag.StringVar(&o.Ldso, "ldso", "", "glibc's dynamic loader (default /lib64/ld-linux-x86-64.so.2)")
	flag.StringVar(&o.Libc, "libc", "", "glibc's libc.so.6 (default /lib/x86_64-linux-gnu/libc.so.6)")
	flag.StringVar(&o.DebugRoot, "debug", "", "root of the debug files, searched by build-id and debuglink (default /usr/lib/debug)")
	flag.StringVar(&o.OSRelease, "os-release", "", "os-release file naming the distribution's version (default /etc/os-release)")
	flag.StringVar(&o.Func, "func", "", "the entry's Go function name (default from libc's banner, e.g. glibc236Debian)")
	flag.StringVar(&o.Name, "name", "", "the entry's name (default e.g. \"glibc 2.36 (Debian 12)\")")
	write := flag.String("w", "", "replace (or add) the entry in this glibclayout.go instead of printing it")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: gen-layout.sh [flags]\n\nPrints the glibcLayout entry of a glibc build from its DWARF (Debian: libc6-dbg).\n\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() > 0 {
		flag.Usage()
		os.Exit(2)
	}
	l, err := genlayout.Generate(o)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen-layout:", err)
		os.Exit(1)
	}
	if *write == "" {
		src, err := l.Source()
		if err != nil {
			fmt.Fprintln(os.Stderr, "gen-layout:", err)
			os.Exit(1)
		}
		os.Stdout.Write(src)
		return
	}
	old, err := os.ReadFile(*write)
	if err == nil {
		var src []byte
		if src, err = l.Update(old); err == nil {
			err = os.WriteFile(*write, src, 0o644)
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen-layout:", err)
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "gen-layout: wrote %s() (%s) into %s\n", l.Func, l.Name, *write)
}
