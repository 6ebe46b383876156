package driver

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// toolchain is where gcc keeps its runtime, as gcc itself reports it.
type toolchain struct {
	install  string   // gcc's private directory: crtbegin*.o, libgcc.a
	libDirs  []string // gcc's library search list: cleaned, existing, no repeats
	asNeeded bool     // gcc's link spec puts --as-needed before all inputs
	fromGCC  bool     // false when the Debian defaults were assumed
}

// Asking gcc costs two process starts; do it at most once per process.
var (
	systemOnce sync.Once
	systemTC   toolchain
)

// system returns the toolchain of the gcc on PATH, or Debian's standard
// layout when there is no gcc to ask.
func system() toolchain {
	systemOnce.Do(func() {
		tc, err := askGCC("gcc")
		if err != nil {
			tc = fallback()
		}
		systemTC = tc
	})
	return systemTC
}

// askGCC runs gcc -print-search-dirs and -dumpspecs.
func askGCC(gcc string) (toolchain, error) {
	if _, err := exec.LookPath(gcc); err != nil {
		return toolchain{}, err
	}
	dirs, err := run(gcc, "-print-search-dirs")
	if err != nil {
		return toolchain{}, err
	}
	install, libs, err := parseSearchDirs(dirs)
	if err != nil {
		return toolchain{}, err
	}
	tc := toolchain{install: filepath.Clean(install), libDirs: existingDirs(libs), fromGCC: true, asNeeded: true}
	if specs, err := run(gcc, "-dumpspecs"); err == nil {
		tc.asNeeded = linkSpecAsNeeded(specs)
	}
	return tc, nil
}

// run runs gcc with its messages untranslated ("install:" is localised).
func run(gcc string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, gcc, args...)
	cmd.Env = append(os.Environ(), "LC_ALL=C", "LANGUAGE=")
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("%s %s: %v", gcc, strings.Join(args, " "), err)
	}
	return string(out), nil
}

// parseSearchDirs reads the install: and libraries: lines of
// gcc -print-search-dirs.
func parseSearchDirs(out string) (install string, libs []string, err error) {
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if v, ok := strings.CutPrefix(line, "install: "); ok {
			install = v
		}
		if v, ok := strings.CutPrefix(line, "libraries: "); ok {
			// The list is printed as "=dir:dir:..."; the '=' is a marker.
			libs = filepath.SplitList(strings.TrimPrefix(v, "="))
		}
	}
	if install == "" || len(libs) == 0 {
		return "", nil, fmt.Errorf("gcc -print-search-dirs: no install: or libraries: line")
	}
	return install, libs, nil
}

// linkSpecAsNeeded reports whether gcc's *link: spec passes --as-needed
// (Debian and Ubuntu patch it in, upstream gcc does not).
func linkSpecAsNeeded(specs string) bool {
	_, after, ok := strings.Cut(specs, "*link:\n")
	if !ok {
		return false
	}
	body, _, _ := strings.Cut(after, "\n\n")
	return strings.Contains(body, "--as-needed")
}

// existingDirs cleans dirs and keeps the first of each that exists, which is
// what gcc passes as -L (gcc passes them uncleaned, so /usr/lib appears under
// three spellings; searching it once is the same search).
func existingDirs(dirs []string) []string {
	var out []string
	for _, d := range dirs {
		if d == "" {
			continue
		}
		d = filepath.Clean(d)
		if slices.Contains(out, d) {
			continue
		}
		if fi, err := os.Stat(d); err == nil && fi.IsDir() {
			out = append(out, d)
		}
	}
	return out
}

// Debian's multiarch layout, assumed when gcc cannot be asked.
const (
	debianGCCRoot = "/usr/lib/gcc/x86_64-linux-gnu"
	debianGCCVer  = "12"
)

// fallback is the search list gcc 12 prints on Debian (cleaned; gcc lists
// each directory under several spellings), with gcc's directory taken from
// the newest installed version when 12 is not there.
func fallback() toolchain {
	install := filepath.Join(debianGCCRoot, debianGCCVer)
	if _, err := os.Stat(install); err != nil {
		if v := newestVersion(debianGCCRoot); v != "" {
			install = filepath.Join(debianGCCRoot, v)
		}
	}
	ver := filepath.Base(install)
	return toolchain{
		install: install,
		libDirs: existingDirs([]string{
			install,
			"/usr/x86_64-linux-gnu/lib/x86_64-linux-gnu/" + ver,
			"/usr/x86_64-linux-gnu/lib/x86_64-linux-gnu",
			"/usr/x86_64-linux-gnu/lib",
			"/usr/lib/x86_64-linux-gnu/" + ver,
			"/usr/lib/x86_64-linux-gnu",
			"/usr/lib",
			"/lib/x86_64-linux-gnu/" + ver,
			"/lib/x86_64-linux-gnu",
			"/lib",
		}),
		asNeeded: true,
	}
}

// newestVersion returns the highest-numbered subdirectory of root ("12",
// "13.2"), or "".
func newestVersion(root string) string {
	ents, err := os.ReadDir(root)
	if err != nil {
		return ""
	}
	best := ""
	for _, e := range ents {
		if e.IsDir() && versionLess(best, e.Name()) {
			best = e.Name()
		}
	}
	return best
}

// versionLess compares dotted numeric versions; a non-numeric name never
// wins.
func versionLess(a, b string) bool {
	pb := strings.Split(b, ".")
	for _, p := range pb {
		if _, err := strconv.Atoi(p); err != nil {
			return false
		}
	}
	if a == "" {
		return true
	}
	pa := strings.Split(a, ".")
	for i := 0; i < len(pa) && i < len(pb); i++ {
		x, _ := strconv.Atoi(pa[i])
		y, _ := strconv.Atoi(pb[i])
		if x != y {
			return x < y
		}
	}
	return len(pa) < len(pb)
}
