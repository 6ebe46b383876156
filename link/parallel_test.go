package link

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestSortParallel: every thread count gives slices.SortFunc's result,
// including piece counts that are not powers of two.
func TestSortParallel(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{0, 1, 4095, 4096 * 2, 4096*5 + 7, 100000} {
		in := r.Perm(n)
		want := slices.Clone(in)
		slices.Sort(want)
		for _, threads := range []int{1, 2, 3, 4, 7} {
			got := slices.Clone(in)
			sortParallel(&Context{Cfg: &Config{Threads: threads}}, got, cmp.Compare[int])
			require.Equal(t, want, got, "n=%d threads=%d", n, threads)
		}
	}
}
