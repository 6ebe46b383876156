package dynsym

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/bits"
)

// Layout of .gnu.hash for ELFCLASS64 (as read by glibc's dl-lookup.c):
//
//	uint32 nbuckets, symoffset, bloom_size, bloom_shift
//	uint64 bloom[bloom_size]
//	uint32 buckets[nbuckets]
//	uint32 chain[nsyms - symoffset]
//
// Only the dynsym tail from symoffset on is hashed, and that tail must be
// grouped by bucket: buckets[b] is the first dynsym index of bucket b and a
// chain value is the symbol's hash with bit 0 replaced by "last in bucket".

// gnuBloomShift is the second bloom hash shift; GNU ld, gold, lld and mold
// all use 26.
const gnuBloomShift = 26

const gnuHeaderSize = 16

// GNUHashBuckets returns the bucket count for count hashed symbols. Like
// lld we use a load factor of 4 (a chain step is one uint32 compare, so
// longer chains are cheap) and never 0 buckets, which some loaders
// (Android's, and glibc's modulo) cannot handle.
func GNUHashBuckets(count int) uint32 {
	return uint32(max(count/4, 1))
}

// gnuBloomWords is lld's bloom size: about 12 bits per symbol, rounded up
// to a power of two (the loader masks the word index) and strictly greater
// than count*12/64, as llvm::NextPowerOf2 is.
func gnuBloomWords(count int) uint32 {
	if count == 0 {
		return 1
	}
	n := uint64(count) * 12 / 64
	return uint32(1) << bits.Len64(n)
}

// SortForGNUHash orders the hashed (exported, defined) symbols by bucket.
// names are the symbols that will be hashed, in their current order. It
// returns the permutation (indices into names) giving their final .dynsym
// order, stable within a bucket so the output is deterministic, and the
// nbuckets to pass to BuildGNUHash.
func SortForGNUHash(names []string) (perm []int, nbuckets uint32) {
	nbuckets = GNUHashBuckets(len(names))
	// A counting sort: one pass to size the buckets, one to place each
	// name after those before it in its bucket.
	bucket := make([]uint32, len(names))
	start := make([]int, nbuckets+1)
	for i, n := range names {
		bucket[i] = GNUHash(n) % nbuckets
		start[bucket[i]+1]++
	}
	for b := 1; b < len(start); b++ {
		start[b] += start[b-1]
	}
	perm = make([]int, len(names))
	for i, b := range bucket {
		perm[start[b]] = i
		start[b]++
	}
	return perm, nbuckets
}

// GNUHashSize is the size of the .gnu.hash BuildGNUHash makes for count
// names in nbuckets buckets, known before the names are final.
func GNUHashSize(count int, nbuckets uint32) int {
	return gnuHeaderSize + 8*int(gnuBloomWords(count)) + 4*int(nbuckets) + 4*count
}

// BuildGNUHash returns the .gnu.hash contents. names is the hashed tail of
// .dynsym, already in final order (see SortForGNUHash), whose first entry
// has dynsym index symoffset. Names not grouped by bucket cannot be encoded
// and are a caller bug, so that panics rather than writing a table the
// loader would misread.
func BuildGNUHash(symoffset uint32, names []string, nbuckets uint32) []byte {
	if nbuckets == 0 {
		panic("dynsym: BuildGNUHash with 0 buckets")
	}
	nbloom := gnuBloomWords(len(names))
	out := make([]byte, GNUHashSize(len(names), nbuckets))
	le := binary.LittleEndian
	le.PutUint32(out[0:], nbuckets)
	le.PutUint32(out[4:], symoffset)
	le.PutUint32(out[8:], nbloom)
	le.PutUint32(out[12:], gnuBloomShift)
	bloom := out[gnuHeaderSize : gnuHeaderSize+8*int(nbloom)]
	buckets := out[len(bloom)+gnuHeaderSize:]
	chain := buckets[4*nbuckets:]

	prev := int64(-1)
	next := uint32(0)
	if len(names) > 0 {
		next = GNUHash(names[0])
	}
	for i, n := range names {
		h := next
		if i+1 < len(names) {
			next = GNUHash(names[i+1])
		}
		w := bloom[8*((h/64)&(nbloom-1)):]
		le.PutUint64(w, le.Uint64(w)|1<<(h%64)|1<<((h>>gnuBloomShift)%64))

		b := h % nbuckets
		if int64(b) != prev {
			if int64(b) < prev {
				panic(fmt.Sprintf("dynsym: BuildGNUHash: %q is not grouped by bucket", n))
			}
			le.PutUint32(buckets[4*b:], symoffset+uint32(i))
			prev = int64(b)
		}
		last := i == len(names)-1 || next%nbuckets != b
		if last {
			h |= 1
		} else {
			h &^= 1
		}
		le.PutUint32(chain[4*i:], h)
	}
	return out
}

// GNUHashTable is a parsed .gnu.hash; obtain one from ParseGNUHash. It
// aliases the input bytes (a mapped file for the loader) and decodes fields
// on access, so parsing is O(1) and Lookup allocates nothing.
type GNUHashTable struct {
	nbuckets  uint32
	symoffset uint32
	bloomMask uint32 // bloom_size-1; bloom_size is a power of two
	shift     uint32
	bloom     []byte
	buckets   []byte
	chain     []byte // everything after the buckets; its end is found by walking
}

// ParseGNUHash checks the header and that the bloom filter and buckets fit
// in data. data may extend past the table (the loader only knows its start
// from DT_GNU_HASH); chain reads are bounds-checked against len(data).
func ParseGNUHash(data []byte) (*GNUHashTable, error) {
	if len(data) < gnuHeaderSize {
		return nil, errors.New("gnu hash: truncated header")
	}
	le := binary.LittleEndian
	t := &GNUHashTable{
		nbuckets:  le.Uint32(data[0:]),
		symoffset: le.Uint32(data[4:]),
		shift:     le.Uint32(data[12:]),
	}
	nbloom := le.Uint32(data[8:])
	if t.nbuckets == 0 {
		return nil, errors.New("gnu hash: zero buckets")
	}
	// glibc indexes the bloom filter with a mask, so anything but a power
	// of two would be read differently by it than by us.
	if nbloom == 0 || nbloom&(nbloom-1) != 0 {
		return nil, fmt.Errorf("gnu hash: bloom size %d is not a power of two", nbloom)
	}
	t.bloomMask = nbloom - 1
	end := uint64(gnuHeaderSize) + 8*uint64(nbloom)
	bend := end + 4*uint64(t.nbuckets)
	if bend > uint64(len(data)) {
		return nil, fmt.Errorf("gnu hash: %d bloom words and %d buckets overrun %d bytes", nbloom, t.nbuckets, len(data))
	}
	t.bloom = data[gnuHeaderSize:end]
	t.buckets = data[end:bend]
	t.chain = data[bend:]
	return t, nil
}

// SymOffset is the dynsym index of the first hashed symbol.
func (t *GNUHashTable) SymOffset() uint32 { return t.symoffset }

// Lookup finds the symbol whose GNUHash is hash (name is passed for
// symmetry with SysVHashTable.Lookup and is not read: callers hash once and
// probe many objects). The bloom filter rejects most misses without
// touching the buckets; otherwise each chain entry with the same hash is
// offered to match, which checks the name (and version) in .dynsym.
func (t *GNUHashTable) Lookup(name string, hash uint32, match func(symIndex uint32) bool) (uint32, bool) {
	le := binary.LittleEndian
	w := le.Uint64(t.bloom[8*((hash/64)&t.bloomMask):])
	mask := uint64(1)<<(hash%64) | uint64(1)<<((hash>>t.shift)%64)
	if w&mask != mask {
		return 0, false
	}
	idx := le.Uint32(t.buckets[4*(hash%t.nbuckets):])
	if idx < t.symoffset {
		return 0, false // 0 is an empty bucket; below symoffset is corrupt
	}
	for i := uint64(idx - t.symoffset); 4*i+4 <= uint64(len(t.chain)); i++ {
		c := le.Uint32(t.chain[4*i:])
		if (c^hash)>>1 == 0 && match(t.symoffset+uint32(i)) {
			return t.symoffset + uint32(i), true
		}
		if c&1 != 0 {
			break
		}
	}
	return 0, false
}

// SymbolCount returns the number of .dynsym entries implied by the table
// (the last chain's end plus one, or symoffset when nothing is hashed). It
// is how a loader sizes .dynsym, which has no DT_ entry for its length.
func (t *GNUHashTable) SymbolCount() (uint32, error) {
	le := binary.LittleEndian
	var maxIdx uint32
	for b := 0; b < len(t.buckets); b += 4 {
		maxIdx = max(maxIdx, le.Uint32(t.buckets[b:]))
	}
	if maxIdx == 0 {
		return t.symoffset, nil
	}
	if maxIdx < t.symoffset {
		return 0, errors.New("gnu hash: bucket below symoffset")
	}
	for i := uint64(maxIdx - t.symoffset); 4*i+4 <= uint64(len(t.chain)); i++ {
		if le.Uint32(t.chain[4*i:])&1 != 0 {
			n := uint64(t.symoffset) + i + 1
			if n > 1<<32-1 {
				break
			}
			return uint32(n), nil
		}
	}
	return 0, errors.New("gnu hash: unterminated chain")
}
