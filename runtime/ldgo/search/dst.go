package search

// isDST is glibc's is_dst: input starts just after a '$'. It returns the
// length of the token ref (braces included) when input names it under the
// ELF gABI rules (greedy: "$ORIGINX" is not $ORIGIN), else 0.
func isDST(input, ref string) int {
	curly := false
	if len(input) > 0 && input[0] == '{' {
		curly = true
		input = input[1:]
	}
	if len(input) < len(ref) || input[:len(ref)] != ref {
		return 0
	}
	next := byte(0)
	if len(input) > len(ref) {
		next = input[len(ref)]
	}
	if curly && next != '}' {
		return 0
	}
	if next >= 'A' && next <= 'Z' || next >= 'a' && next <= 'z' || next >= '0' && next <= '9' || next == '_' {
		return 0
	}
	if curly {
		return len(ref) + 2
	}
	return len(ref)
}

// HasDST reports whether s contains $ORIGIN, $PLATFORM or $LIB in either
// spelling (_dl_dst_count != 0). Strings without one are used verbatim.
func HasDST(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] != '$' {
			continue
		}
		rest := s[i+1:]
		if isDST(rest, "ORIGIN") != 0 || isDST(rest, "PLATFORM") != 0 || isDST(rest, "LIB") != 0 {
			return true
		}
	}
	return false
}

// ExpandDST is _dl_dst_substitute for one path or DT_NEEDED name (a ':' in
// it is literal). origin is the object's l_origin ("" when unknown) and
// executable says whether the object is the main program. It returns false
// when glibc discards the path:
//   - a DST has no value: unknown origin, or no platform for $PLATFORM;
//   - Secure, and $ORIGIN is not the very first thing followed by '/' or the
//     end (only "$ORIGIN/..." may be used by setuid programs);
//   - Secure and the object is the executable, and the expanded path,
//     normalized, is not inside a system directory.
//
// Unknown "$FOO" sequences are copied unchanged.
func ExpandDST(input, origin string, executable bool, env *Env) (string, bool) {
	if !HasDST(input) {
		return input, true
	}
	out := make([]byte, 0, len(input)+len(origin))
	checkTrusted := false
	for i := 0; i < len(input); {
		if input[i] != '$' {
			out = append(out, input[i])
			i++
			continue
		}
		i++
		rest := input[i:]
		var repl string
		known := true
		n := 0
		if n = isDST(rest, "ORIGIN"); n != 0 {
			atStart := i == 1 && (len(rest) == n || rest[n] == '/')
			if env.Secure && !atStart {
				known = false
			} else {
				repl = origin
				known = origin != ""
			}
			// Only the executable's paths are checked: setuid programs
			// may be hard-linked elsewhere, shifting $ORIGIN.
			checkTrusted = env.Secure && executable
		} else if n = isDST(rest, "PLATFORM"); n != 0 {
			repl = env.Platform
			known = repl != ""
		} else if n = isDST(rest, "LIB"); n != 0 {
			repl = DSTLib
		}
		switch {
		case n == 0:
			out = append(out, '$')
		case !known:
			return "", false
		default:
			out = append(out, repl...)
			i += n
		}
	}
	// glibc calls is_trusted_path_normalize before terminating the buffer,
	// so it may read stale bytes past the end; the intended reading, up
	// to the end of the expansion, is used here.
	if checkTrusted && !isTrustedPath(string(out)) {
		return "", false
	}
	return string(out), true
}

// isTrustedPath is is_trusted_path_normalize: it resolves "/./", "/../"
// and repeated slashes lexically, appends a '/', and accepts the path when
// it starts with one of the system directories.
func isTrustedPath(path string) bool {
	if path == "" {
		return false
	}
	at := func(i int) byte {
		if i < len(path) {
			return path[i]
		}
		return 0
	}
	w := make([]byte, 0, len(path)+1)
	for p := 0; p < len(path); {
		if path[p] == '/' {
			if at(p+1) == '.' {
				if at(p+2) == '.' && (at(p+3) == '/' || at(p+3) == 0) {
					// Drop the last component and its slash.
					for len(w) > 0 {
						last := w[len(w)-1]
						w = w[:len(w)-1]
						if last == '/' {
							break
						}
					}
					p += 3
					continue
				} else if at(p+2) == '/' || at(p+2) == 0 {
					p += 2
					continue
				}
			}
			if len(w) > 0 && w[len(w)-1] == '/' {
				p++
				continue
			}
		}
		w = append(w, path[p])
		p++
	}
	if len(w) == 0 || w[len(w)-1] != '/' {
		w = append(w, '/')
	}
	s := string(w)
	for _, dir := range SystemDirs() {
		if len(s) >= len(dir) && s[:len(dir)] == dir {
			return true
		}
	}
	return false
}
