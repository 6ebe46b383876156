package frontend

import (
	"math"
	"os"
	"runtime"
	"runtime/debug"
)

// gcFreeHeap is how much a link may allocate before the first collection.
// Almost everything a linker allocates lives until the output is written
// (lld and mold never free it either), so the collections of Go's default
// pacing find little to free and only cost time: on the 2,000-object
// benchmark link (about 130 MB allocated) they were a tenth of the CPU
// time, while its peak RSS without them stays below lld's. Links up to
// that size run without any collection; a larger one gets the default
// pacing (and its peak memory) from there on.
const gcFreeHeap = 256 << 20

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
