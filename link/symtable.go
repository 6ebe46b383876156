package link

import (
	"hash/maphash"
	"sync"
)

// symbolTable maps names to global symbols. It is sharded so that the
// parallel parse of a wave of objects can create their global symbols
// (the map work that was the largest serial part of reading inputs); the
// serial resolution pass then finds them without a map lookup.
//
// Creation order is therefore not deterministic, and nothing may depend on
// it: Context.intern gives a symbol its place in symbolOrder the first time
// the serial passes meet it, and Context.lookup does not see a symbol
// before that, so every walk and every answer is what a serial table gives.
type symbolTable struct {
	seed   maphash.Seed // only picks the shard: the output never depends on it
	shards [symbolShards]symbolShard
}

const symbolShards = 64

type symbolShard struct {
	mu   sync.Mutex
	m    map[string]*Symbol
	slab []Symbol // new symbols are carved from here: one allocation per 256
	// Two cache lines a shard: the workers take locks of random shards,
	// and neighbours sharing a line would bounce it between the cores.
	_ [128 - 8 - 8 - 24]byte
}

const symbolSlab = 256

func newSymbolTable() *symbolTable {
	t := &symbolTable{seed: maphash.MakeSeed()}
	for i := range t.shards {
		// Room for libc.so.6's symbols, which nearly every link reads.
		t.shards[i].m = make(map[string]*Symbol, 128)
	}
	return t
}

// reserve sizes the shards for about n names, if nothing is in them yet:
// growing 64 maps from empty costs more than filling them.
func (t *symbolTable) reserve(n int) {
	for i := range t.shards {
		if len(t.shards[i].m) == 0 {
			t.shards[i].m = make(map[string]*Symbol, n/symbolShards)
		}
	}
}

func (t *symbolTable) shard(name string) *symbolShard {
	return &t.shards[maphash.String(t.seed, name)%symbolShards]
}

// get returns the symbol for name, creating it if needed. Safe for
// concurrent use.
func (t *symbolTable) get(name string) *Symbol {
	sh := t.shard(name)
	sh.mu.Lock()
	s, ok := sh.m[name]
	if !ok {
		if len(sh.slab) == 0 {
			sh.slab = make([]Symbol, symbolSlab)
		}
		s = &sh.slab[0]
		sh.slab = sh.slab[1:]
		initSymbol(s, name)
		sh.m[name] = s
	}
	sh.mu.Unlock()
	return s
}

// find returns the symbol for name, or nil, whether or not the serial
// passes have met it.
func (t *symbolTable) find(name string) *Symbol {
	sh := t.shard(name)
	sh.mu.Lock()
	s := sh.m[name]
	sh.mu.Unlock()
	return s
}

// names calls fn for every name of a symbol the serial passes have met.
func (t *symbolTable) names(fn func(name string, s *Symbol)) {
	for i := range t.shards {
		for name, s := range t.shards[i].m {
			if s.ordered {
				fn(name, s)
			}
		}
	}
}
