package search

import "strings"

// splitAny is strsep over a set of separators: every separator ends an
// element, so "a::b" and "a:" yield empty elements, which glibc keeps (they
// mean the current directory).
func splitAny(s, seps string) []string {
	var out []string
	start := 0
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(seps, s[i]) >= 0 {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

// expandPathList turns a DT_RPATH, DT_RUNPATH or LD_LIBRARY_PATH value into
// directory names the way fillin_rpath does, before duplicates are
// dropped. Each non-empty element has its DSTs expanded (elements glibc
// must discard vanish), trailing slashes folded to one and a slash added,
// so "/a//" and "/a" are the same directory "/a/" and "//" is "/". An
// empty element stays "", the current directory. Inner "//" and ".." are
// kept: glibc compares directory names textually.
func expandPathList(list, seps, origin string, executable bool, env *Env) []string {
	var out []string
	for _, elem := range splitAny(list, seps) {
		if elem == "" {
			out = append(out, "")
			continue
		}
		dir, ok := ExpandDST(elem, origin, executable, env)
		if !ok || dir == "" {
			continue
		}
		n := len(dir)
		for n > 1 && dir[n-1] == '/' {
			n--
		}
		dir = dir[:n]
		if dir[n-1] != '/' {
			dir += "/"
		}
		out = append(out, dir)
	}
	return out
}

// inhibited reports whether --inhibit-rpath lists the object named where
// (decompose_rpath's exact-name match against each ':' element).
func inhibited(list, where string) bool {
	if list == "" {
		return false
	}
	names := strings.Split(list, ":")
	if len(names) > 1 && names[len(names)-1] == "" {
		// glibc's do-while stops at the NUL after a final ':' without
		// comparing the empty name there.
		names = names[:len(names)-1]
	}
	for _, name := range names {
		if name == where {
			return true
		}
	}
	return false
}

// hasSystemPrefix is the DF_1_NODEFLIB test on a cache hit: glibc compares
// the start of the path with each system directory, trailing slash
// included.
func hasSystemPrefix(path string) bool {
	for _, dir := range SystemDirs() {
		if strings.HasPrefix(path, dir) {
			return true
		}
	}
	return false
}
