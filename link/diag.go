package link

import (
	"debug/elf"
	"fmt"
	"strings"
	"sync"
)

// Errors is what a failed link returns: one message per problem, each a
// line (an undefined-symbol report adds indented "referenced by" lines).
// The command prefixes each with "PROG: error: ".
type Errors []string

func (e Errors) Error() string { return strings.Join(e, "\n") }

// maxErrors stops a hopeless link from flooding the terminal, as ld's
// --error-limit does.
const maxErrors = 20

type diagnostics struct {
	mu       sync.Mutex
	errs     Errors
	warnings []string
}

func (d *diagnostics) errorf(format string, args ...any) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if len(d.errs) < maxErrors {
		d.errs = append(d.errs, fmt.Sprintf(format, args...))
	} else if len(d.errs) == maxErrors {
		d.errs = append(d.errs, "too many errors emitted, stopping now")
	}
}

func (d *diagnostics) warnf(format string, args ...any) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.warnings = append(d.warnings, fmt.Sprintf(format, args...))
}

// checkpoint ends the link when errors were reported: passes report and go
// on so the user sees every problem of a kind at once, then stop here.
func (d *diagnostics) checkpoint() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if len(d.errs) > 0 {
		return d.errs
	}
	return nil
}

func errorf(format string, args ...any) error { return fmt.Errorf(format, args...) }

// relocName names a relocation type for messages: its psABI name, or its
// number when the type is unknown (debug/elf would print a made-up name).
func relocName(t elf.R_X86_64) string {
	if t <= elf.R_X86_64_REX_GOTPCRELX {
		return t.String()
	}
	return fmt.Sprintf("%d", uint32(t))
}

// signedHex prints a value in hex with its sign in front (-0x10, not 0x-10).
func signedHex(v int64) string {
	if v < 0 {
		return fmt.Sprintf("-0x%x", uint64(-v))
	}
	return fmt.Sprintf("0x%x", v)
}
