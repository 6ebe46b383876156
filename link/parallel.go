package link

import (
	"runtime"
	"slices"
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

// sortParallel sorts s by cmp, which must be a total order (no two
// elements compare equal), so that the result is the same whatever the
// thread count: the pieces are sorted side by side, then merged pairwise.
func sortParallel[E any](ctx *Context, s []E, cmp func(a, b E) int) {
	const minPiece = 4096 // below this a goroutine costs more than it saves
	parts := min(ctx.threads(), len(s)/minPiece)
	if parts < 2 {
		slices.SortFunc(s, cmp)
		return
	}
	bounds := make([]int, parts+1)
	for i := range bounds {
		bounds[i] = len(s) * i / parts
	}
	ctx.parallelFor(parts, func(i int) { slices.SortFunc(s[bounds[i]:bounds[i+1]], cmp) })
	src, dst := s, make([]E, len(s))
	for width := 1; width < parts; width *= 2 {
		for i := 0; i < parts; i += 2 * width {
			lo, mid, hi := bounds[i], bounds[min(i+width, parts)], bounds[min(i+2*width, parts)]
			mergeRuns(dst[lo:hi], src[lo:mid], src[mid:hi], cmp)
		}
		src, dst = dst, src
	}
	if &src[0] != &s[0] {
		copy(s, src)
	}
}

// mergeRuns merges the sorted runs a and b into dst (len(a)+len(b) long).
func mergeRuns[E any](dst, a, b []E, cmp func(a, b E) int) {
	k := 0
	for len(a) > 0 && len(b) > 0 {
		if cmp(b[0], a[0]) < 0 {
			dst[k], b = b[0], b[1:]
		} else {
			dst[k], a = a[0], a[1:]
		}
		k++
	}
	k += copy(dst[k:], a)
	copy(dst[k:], b)
}
