// Package interp decides which program interpreter (PT_INTERP) an output
// names. gold's programs are loaded by ldgo, the dynamic loader installed
// beside gold, unless the command line names another one.
package interp

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// SystemLoader is glibc's dynamic loader on x86-64 GNU/Linux, which gcc
// passes as -dynamic-linker.
const SystemLoader = "/lib64/ld-linux-x86-64.so.2"

// EnvVar names the environment variable that overrides Bundled.
const EnvVar = "GOLD_INTERP"

// loaderName is the bundled loader's file name.
const loaderName = "ldgo"

// Bundled returns the absolute path of the ldgo installed beside the running
// gold: gold is installed as DIR/bin/gold and DIR/libexec/gold/ld (a symlink
// or a copy), ldgo as DIR/bin/ldgo. $GOLD_INTERP, when set and non-empty,
// overrides everything (and is returned as given).
func Bundled() (string, error) {
	if v := os.Getenv(EnvVar); v != "" {
		return v, nil
	}
	exe, err := os.Executable()
	if err != nil {
		return "", fmt.Errorf("cannot find the bundled %s: %v (set %s)", loaderName, err, EnvVar)
	}
	return bundledBeside(exe)
}

// For returns what PT_INTERP must name: explicit (from -dynamic-linker) if
// non-empty, else Bundled().
func For(explicit string) (string, error) {
	if explicit != "" {
		return explicit, nil
	}
	return Bundled()
}

// bundledBeside finds ldgo for the binary exe.
func bundledBeside(exe string) (string, error) {
	// A symlinked DIR/libexec/gold/ld resolves to DIR/bin/gold, whose
	// directory then holds ldgo.
	if real, err := filepath.EvalSymlinks(exe); err == nil {
		exe = real
	}
	exe, err := filepath.Abs(exe)
	if err != nil {
		return "", err
	}
	dir := filepath.Dir(exe)
	candidates := []string{
		filepath.Join(dir, "..", "bin", loaderName),
		filepath.Join(dir, loaderName),
		// A copied (not symlinked) DIR/libexec/gold/ld sits two levels
		// below DIR.
		filepath.Join(dir, "..", "..", "bin", loaderName),
	}
	for _, c := range candidates {
		if fi, err := os.Stat(c); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
			return c, nil
		}
	}
	return "", fmt.Errorf("cannot find the bundled %s beside %s (looked at %s); set %s or pass -dynamic-linker",
		loaderName, exe, strings.Join(dedup(candidates), ", "), EnvVar)
}

// dedup drops repeated paths (DIR/bin/../bin/ldgo and DIR/bin/ldgo are the
// same file) from a message.
func dedup(paths []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, p := range paths {
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return out
}
