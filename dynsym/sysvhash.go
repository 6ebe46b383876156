package dynsym

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// Layout of .hash (System V ABI; 32-bit words on x86-64 too):
//
//	uint32 nbucket, nchain
//	uint32 bucket[nbucket]
//	uint32 chain[nchain]
//
// nchain equals the number of .dynsym entries and every entry but index 0
// is hashed, undefined ones included; chains are linked by dynsym index and
// end at 0 (STN_UNDEF).

// sysvBucketSizes is GNU ld's table (bfd/elflink.c elf_buckets), used when
// not optimizing: the largest entry not above the symbol count, so chains
// stay short without wasting space.
var sysvBucketSizes = [...]uint32{
	1, 3, 17, 37, 67, 97, 131, 197, 263, 521, 1031, 2053, 4099, 8209,
	16411, 32771,
}

// sysvBuckets mirrors bfd's compute_bucket_count for nsyms hashed symbols.
func sysvBuckets(nsyms int) uint32 {
	best := sysvBucketSizes[0]
	for i, s := range sysvBucketSizes {
		best = s
		if i+1 == len(sysvBucketSizes) || nsyms < int(sysvBucketSizes[i+1]) {
			break
		}
	}
	return best
}

// BuildSysVHash returns the .hash contents for the whole .dynsym, given
// every entry's name in dynsym order including the "" at index 0. Like
// GNU ld and lld, each symbol is pushed on the front of its bucket's chain.
func BuildSysVHash(names []string) []byte {
	nchain := uint32(len(names))
	nbucket := sysvBuckets(max(len(names)-1, 0))
	out := make([]byte, 8+4*(int(nbucket)+len(names)))
	le := binary.LittleEndian
	le.PutUint32(out[0:], nbucket)
	le.PutUint32(out[4:], nchain)
	bucket := out[8 : 8+4*nbucket]
	chain := out[8+4*nbucket:]
	for i := 1; i < len(names); i++ {
		b := 4 * (SysVHash(names[i]) % nbucket)
		le.PutUint32(chain[4*i:], le.Uint32(bucket[b:]))
		le.PutUint32(bucket[b:], uint32(i))
	}
	return out
}

// SysVHashTable is a parsed .hash that aliases its input, so Lookup
// allocates nothing.
type SysVHashTable struct {
	nbucket uint32
	nchain  uint32
	bucket  []byte
	chain   []byte
}

// ParseSysVHash checks that the header's bucket and chain arrays fit in
// data (which may be longer than the table).
func ParseSysVHash(data []byte) (*SysVHashTable, error) {
	if len(data) < 8 {
		return nil, errors.New("sysv hash: truncated header")
	}
	le := binary.LittleEndian
	t := &SysVHashTable{nbucket: le.Uint32(data[0:]), nchain: le.Uint32(data[4:])}
	if t.nbucket == 0 {
		return nil, errors.New("sysv hash: zero buckets")
	}
	bend := 8 + 4*uint64(t.nbucket)
	if end := bend + 4*uint64(t.nchain); end > uint64(len(data)) {
		return nil, fmt.Errorf("sysv hash: %d buckets and %d chains overrun %d bytes", t.nbucket, t.nchain, len(data))
	}
	t.bucket = data[8:bend]
	t.chain = data[bend : bend+4*uint64(t.nchain)]
	return t, nil
}

// NChain is the number of .dynsym entries the table covers.
func (t *SysVHashTable) NChain() uint32 { return t.nchain }

// Lookup walks the chain of hash (which must be SysVHash(name); name itself
// is not read) and returns the first index match accepts. The walk is capped
// at nchain steps so a cyclic chain in a corrupt file cannot hang the loader.
func (t *SysVHashTable) Lookup(name string, hash uint32, match func(symIndex uint32) bool) (uint32, bool) {
	le := binary.LittleEndian
	i := le.Uint32(t.bucket[4*(hash%t.nbucket):])
	for steps := uint32(0); i != 0 && i < t.nchain && steps < t.nchain; steps++ {
		if match(i) {
			return i, true
		}
		i = le.Uint32(t.chain[4*i:])
	}
	return 0, false
}
