package main

import (
	"errors"
	"fmt"
	"os"
)

// progName is how glibc names the program in its messages.
var progName = "ldgo"

// loadError is glibc's "error while loading shared libraries: NAME: MSG".
type loadError struct {
	name string
	err  error
	msg  string // glibc's message without the errno text, for LD_PRELOAD failures
}

func (e *loadError) Error() string {
	return fmt.Sprintf("error while loading shared libraries: %s: %v", e.name, e.err)
}

func errorf(format string, args ...any) error { return fmt.Errorf(format, args...) }

// exitWithError prints err as glibc's ld.so would and exits 127.
func exitWithError(err error) {
	var le *loadError
	var se *symbolError
	switch {
	case errors.As(err, &le), errors.As(err, &se):
		fmt.Fprintf(os.Stderr, "%s: %v\n", progName, err)
	default:
		fmt.Fprintf(os.Stderr, "ldgo: %s: %v\n", progName, err)
	}
	os.Exit(127)
}

// fatalf reports a loader failure with no better place to go.
func fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "ldgo: "+format+"\n", args...)
	os.Exit(127)
}
