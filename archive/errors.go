package archive

import "fmt"

// FormatError reports malformed archive input. It is always one line and
// always starts with the archive path, so the linker can print it as is.
// Offset is the offset of the member header the problem was found in, or -1
// when the problem is not tied to one member (bad magic, symbol index).
type FormatError struct {
	Path   string
	Offset int64
	Msg    string
}

func (e *FormatError) Error() string {
	if e.Offset < 0 {
		return e.Path + ": " + e.Msg
	}
	return fmt.Sprintf("%s: member at offset %d: %s", e.Path, e.Offset, e.Msg)
}

// errorf builds a FormatError. Callers quote any name taken from the file
// with %q so a hostile name cannot break the one-line guarantee.
func errorf(path string, off int64, format string, args ...any) error {
	return &FormatError{Path: path, Offset: off, Msg: fmt.Sprintf(format, args...)}
}
