package frontend

import (
	"math"
	"os"
	"runtime"
	"runtime/debug"
)

// gcFreeHeap is how much a link may allocate before the first collection.
// Almost everything a linker allocates lives until the output is written,
// so the early collections of Go's default pacing (at 4, 8, 16... MB) find
// nothing to free and only cost time: a link of a Debian library finishes
// inside this budget without any, while a link large enough to need the
// collector gets the default pacing (and its peak memory) from there on.
const gcFreeHeap = 64 << 20

// setGCPolicy applies the policy unless the user chose one with GOGC or
// GOMEMLIMIT.
func setGCPolicy() {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	debug.SetGCPercent(-1)
	debug.SetMemoryLimit(gcFreeHeap)
	// The finalizer runs after the first collection, the one the limit
	// forced: from then on the default pacing applies.
	sentinel := new([16]byte)
	runtime.SetFinalizer(sentinel, func(*[16]byte) {
		debug.SetGCPercent(100)
		debug.SetMemoryLimit(math.MaxInt64)
	})
}
