package dynsym

// globMatch is fnmatch(pattern, name, 0) as GNU ld applies it to version
// script patterns: byte-wise, '*' also matches '/', '\' escapes the next
// byte, [...] sets accept ranges and a leading '!' or '^' to negate, and a
// '[' without a closing ']' is an ordinary character. POSIX classes such as
// [[:alpha:]] are not supported (ld scripts do not use them in practice).
//
// Matching is the usual single-backtrack loop: on a mismatch we resume
// after the last '*', letting it absorb one more byte, so it is
// O(len(pattern)*len(name)) and never recurses.
func globMatch(pattern, name string) bool {
	px, nx := 0, 0
	starP, starN := -1, -1
	for px < len(pattern) || nx < len(name) {
		if px < len(pattern) {
			switch c := pattern[px]; c {
			case '*':
				starP, starN = px, nx+1
				px++
				continue
			case '?':
				if nx < len(name) {
					px++
					nx++
					continue
				}
			case '[':
				if nx < len(name) {
					ok, width, valid := matchBracket(pattern[px:], name[nx])
					if !valid {
						ok, width = name[nx] == '[', 1
					}
					if ok {
						px += width
						nx++
						continue
					}
				}
			case '\\':
				lit, width := byte('\\'), 1
				if px+1 < len(pattern) {
					lit, width = pattern[px+1], 2
				}
				if nx < len(name) && name[nx] == lit {
					px += width
					nx++
					continue
				}
			default:
				if nx < len(name) && name[nx] == c {
					px++
					nx++
					continue
				}
			}
		}
		if starP >= 0 && starN <= len(name) {
			px, nx = starP, starN
			continue
		}
		return false
	}
	return true
}

// matchBracket matches c against the set at the start of p (p[0] == '[').
// It returns whether c is in the set, the set's width in p, and false for
// valid if the set is not closed.
func matchBracket(p string, c byte) (ok bool, width int, valid bool) {
	i := 1
	neg := i < len(p) && (p[i] == '!' || p[i] == '^')
	if neg {
		i++
	}
	in := false
	for first := true; ; first = false {
		if i >= len(p) {
			return false, 0, false
		}
		if p[i] == ']' && !first {
			i++
			break
		}
		lo, n := bracketChar(p, i)
		if n == 0 {
			return false, 0, false
		}
		i += n
		hi := lo
		if i+1 < len(p) && p[i] == '-' && p[i+1] != ']' {
			if hi, n = bracketChar(p, i+1); n == 0 {
				return false, 0, false
			}
			i += 1 + n
		}
		if lo <= c && c <= hi {
			in = true
		}
	}
	return in != neg, i, true
}

// bracketChar reads one possibly backslash-escaped byte at p[i], returning
// it and its width (0 if the escape runs off the end).
func bracketChar(p string, i int) (byte, int) {
	if p[i] == '\\' {
		if i+1 >= len(p) {
			return 0, 0
		}
		return p[i+1], 2
	}
	return p[i], 1
}
