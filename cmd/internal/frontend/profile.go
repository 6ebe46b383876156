package frontend

import (
	"os"
	"runtime/pprof"
)

// startCPUProfile writes a pprof CPU profile of the link to path
// (GOLD_CPUPROFILE=path), for finding what the benchmarks show is slow.
func startCPUProfile(path string) (stop func(), err error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}
