package frontend

import (
	"fmt"
	"io"
)

func printHelp(w io.Writer, prog string, mode Mode) {
	what := "links programs; invoked as ld (gcc -B DIR/libexec/gold/) it is a drop-in GNU ld"
	usage := prog + " [options] -o OUTPUT FILE..."
	if mode == ModeGshared {
		what = "builds ELF shared libraries from -fpic objects and archives"
	}
	fmt.Fprintf(w, `Usage: %s
%s %s.

ld options (single or double dash, order-sensitive where ld's are):
  -o FILE  -L DIR  -lNAME  -l:FILE  -soname NAME  -rpath DIR  -rpath-link DIR
  --whole-archive --no-whole-archive --as-needed --no-as-needed -Bstatic -Bdynamic
  --push-state --pop-state --start-group --end-group
  -shared -pie -no-pie -static -dynamic-linker PATH --no-dynamic-linker
  -Bsymbolic -Bsymbolic-functions --version-script FILE --dynamic-list FILE
  --export-dynamic -E --exclude-libs LIBS -u SYM -e SYM --defsym SYM=EXPR --wrap SYM
  --hash-style=gnu|sysv|both --build-id[=STYLE] --eh-frame-hdr --gc-sections -s -S
  --disable-new-dtags --enable-new-dtags --no-undefined --sysroot DIR -Map FILE
  -z now|lazy|relro|norelro|noexecstack|execstack|text|notext|defs|origin|nodelete|...
  -t (trace inputs)  -v/--version

%s's own options:
  --no-runtime      do not add the C runtime gcc's driver would add
  --trace-runtime   print the C runtime files and libraries that were added
  --time-report     print the time each linking pass took
  --threads N       number of threads
  -h, --help        show this help
`, usage, prog, what, prog)
}
