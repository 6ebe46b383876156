package e2e

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// TestManySections: an object with more than 65,280 sections (its section
// count and name-table index escape through SHN_XINDEX, its symbols through
// SHT_SYMTAB_SHNDX) links into a working library.
func TestManySections(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var b strings.Builder
	const n = 70000
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "int f%d(int x) { return x + %d; }\n", i, i)
	}
	fmt.Fprintf(&b, "int sum(void) { return f0(1) + f%d(1); }\n", n-1)
	writeFile(t, filepath.Join(dir, "big.c"), b.String())
	writeFile(t, filepath.Join(dir, "main.c"), "#include <stdio.h>\nint sum(void);\nint main(void) { printf(\"%d\\n\", sum()); return 0; }\n")
	mustRun(t, runOpts{dir: dir, timeout: linkTimeout}, "gcc", "-O0", "-fpic", "-ffunction-sections", "-c", "big.c")
	mustGshared(t, dir, "-o", "libbig.so", "big.o")
	gcc(t, dir, "-o", "main", "main.c", "./libbig.so")
	requireOutput(t, mustRun(t, runOpts{dir: dir}, "./main"), fmt.Sprintf("%d\n", 1+n), "")
}
