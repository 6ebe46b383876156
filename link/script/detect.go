// Package script reads the small linker scripts that stand in for libraries:
// glibc installs libc.so, libm.so and (on Debian) libm.a as scripts naming
// the real files, and ncurses does the same. Only the commands such scripts
// use are understood; a script that lays out sections is refused.
package script

import (
	"bytes"
	"unicode/utf8"
)

// sniffLen is how much of a file IsScript looks at.
const sniffLen = 4096

// IsScript reports whether data looks like a linker script: non-empty text,
// and not an ELF file or an ar archive. Whether it is a valid one is Parse's
// business; this only decides which parser to try.
func IsScript(data []byte) bool {
	if len(data) == 0 ||
		bytes.HasPrefix(data, []byte("\x7fELF")) ||
		bytes.HasPrefix(data, []byte("!<arch>\n")) ||
		bytes.HasPrefix(data, []byte("!<thin>\n")) {
		return false
	}
	head := data
	if len(head) > sniffLen {
		head = head[:sniffLen]
	}
	if bytes.IndexByte(head, 0) >= 0 {
		return false
	}
	// Cutting at sniffLen may split a UTF-8 sequence; drop the partial
	// rune at the end rather than call the file binary.
	for i := 0; i < utf8.UTFMax && len(head) < len(data) && len(head) > 0; i++ {
		if utf8.Valid(head) {
			break
		}
		head = head[:len(head)-1]
	}
	if !utf8.Valid(head) {
		return false
	}
	for _, c := range head {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v' {
			return false
		}
	}
	return true
}
