package link

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// threads is the number of worker goroutines parallel passes use
// (--threads, default GOMAXPROCS).
func (ctx *Context) threads() int {
	if ctx.Cfg.Threads > 0 {
		return ctx.Cfg.Threads
	}
	return runtime.GOMAXPROCS(0)
}

// parallelFor runs fn(0..n-1) on the worker goroutines, handing out
// indices in order. fn may write only what index i owns (its own output
// bytes, its own slot): results must not depend on scheduling, so the
// output stays byte-identical whatever the thread count.
func (ctx *Context) parallelFor(n int, fn func(i int)) {
	workers := min(ctx.threads(), n)
	if workers <= 1 {
		for i := 0; i < n; i++ {
			fn(i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	var panicked atomic.Value
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() {
				// A panic in a worker would kill the process before Link's
				// recover could see it: carry it back to the caller.
				if r := recover(); r != nil {
					panicked.Store(r)
				}
			}()
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				fn(i)
			}
		}()
	}
	wg.Wait()
	if r := panicked.Load(); r != nil {
		panic(r)
	}
}
