package archive

// The fixed 60-byte member header shared by the GNU, BSD and thin formats.
// All fields are ASCII, left-aligned and space padded.
const (
	headerSize = 60
	nameEnd    = 16 // ar_name [0,16)
	sizeStart  = 48 // ar_size [48,58)
	sizeEnd    = 58
	fmagStart  = 58 // ar_fmag "`\n"
)

// parseDecimal reads a space-padded decimal field without going through
// strconv, so the hot loop over thousands of libc members does not allocate.
// It accepts optional leading and trailing spaces around at least one digit;
// anything else (signs, embedded spaces, other bytes) is rejected. Fields
// are at most 10 digits wide, so the result cannot overflow int64.
func parseDecimal(field []byte) (int64, bool) {
	i := 0
	for i < len(field) && field[i] == ' ' {
		i++
	}
	start := i
	var v int64
	for i < len(field) && field[i] >= '0' && field[i] <= '9' {
		v = v*10 + int64(field[i]-'0')
		i++
	}
	if i == start {
		return 0, false
	}
	for ; i < len(field); i++ {
		if field[i] != ' ' {
			return 0, false
		}
	}
	return v, true
}

// trimSpaces drops the trailing space padding of a header field.
func trimSpaces(b []byte) []byte {
	for len(b) > 0 && b[len(b)-1] == ' ' {
		b = b[:len(b)-1]
	}
	return b
}
