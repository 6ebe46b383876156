package main

import (
	"fmt"
	"os"
	"strings"
)

// debugLog prints what LDGO_DEBUG asks for (like glibc's LD_DEBUG):
// libs (library search), bindings (symbol bindings), reloc (objects as they
// are relocated), all. LDGO_DEBUG_OUTPUT=file writes to file.PID.
type debugLog struct {
	libs, bindings, reloc bool
	out                   *os.File
	pid                   int
}

func newDebugLog(spec, output string) *debugLog {
	d := &debugLog{pid: os.Getpid(), out: os.Stderr}
	for _, w := range strings.FieldsFunc(spec, func(r rune) bool { return r == ',' || r == ' ' || r == ':' }) {
		switch w {
		case "libs":
			d.libs = true
		case "bindings", "symbols":
			d.bindings = true
		case "reloc":
			d.reloc = true
		case "all":
			d.libs, d.bindings, d.reloc = true, true, true
		}
	}
	if output != "" && (d.libs || d.bindings || d.reloc) {
		if f, err := os.Create(fmt.Sprintf("%s.%d", output, d.pid)); err == nil {
			d.out = f
		}
	}
	return d
}

func (d *debugLog) printf(format string, args ...any) {
	fmt.Fprintf(d.out, "%10d:\t"+format+"\n", append([]any{d.pid}, args...)...)
}

func (d *debugLog) binding(from *Object, def symDef, name string, value uintptr) {
	if d == nil || !d.bindings {
		return
	}
	d.printf("binding file %s [0] to %s [0]: normal symbol `%s'", objName(from), objName(def.obj), name)
}

func (d *debugLog) relocating(o *Object) {
	if d == nil || !d.reloc {
		return
	}
	d.printf("relocation processing: %s", objName(o))
}

func objName(o *Object) string {
	if o == nil {
		return "ldgo"
	}
	return o.path
}
