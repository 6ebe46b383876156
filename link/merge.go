package link

import (
	"bytes"
	"debug/elf"
	"hash/maphash"
	"sync"
)

// SHF_MERGE sections (string literals, constants, .debug_str) are split
// into pieces and each distinct piece is written once per table. Symbols
// and relocations that point into such a section are remapped to the
// piece. Deduplication runs in parallel over hash shards; the distinct
// pieces are then laid out in order of first occurrence, so the output does
// not depend on the number of threads. Every table here is pointer-free
// (indices and hashes, no per-piece heap objects), which keeps a link with
// millions of debug strings light on memory and on the garbage collector.

type mergeableSection struct {
	sec     *InputSection
	table   *mergedSection
	index   uint32   // position in table.sections
	offsets []uint32 // start of each piece in the input section
	hashes  []uint64
	refs    []pieceRef // the distinct piece each piece is
	// shardPos counts the section's pieces in each shard (split), then
	// says where they start in the table's byShard lists (bucket).
	shardPos [mergeShards]uint32
}

// pieceRef names a distinct piece: its shard and its index there.
type pieceRef uint32

const shardBits = 5
const mergeShards = 1 << shardBits

func makeRef(shard, idx int) pieceRef { return pieceRef(uint32(idx)<<shardBits | uint32(shard)) }
func (r pieceRef) shard() int         { return int(r & (mergeShards - 1)) }
func (r pieceRef) idx() int           { return int(r >> shardBits) }

// distinctPiece is a piece kept in the output: where it first occurs
// (section index << 32 | piece index) and, once laid out, its offset.
type distinctPiece struct {
	first  uint64
	offset uint64
}

// mergeKey separates pieces that may not share a table: strings from
// constants, and entries of different sizes or alignments.
type mergeKey struct {
	out     *OutputSection
	entsize uint64
	strings bool
	align   uint64
}

// mergedSection is one table of distinct pieces within an output section.
type mergedSection struct {
	out      *OutputSection
	sections []*mergeableSection // in input order
	align    uint64
	shards   [mergeShards][]distinctPiece
	// byShard lists each shard's pieces (section index << 32 | piece
	// index) in input order, so a shard walks its own pieces only.
	byShard [mergeShards][]uint64
	order   []pieceRef // distinct pieces in first-occurrence order
	holder  *InputSection
}

var mergeSeed = maphash.MakeSeed()

// splitMergeable splits every live SHF_MERGE input section into pieces and
// deduplicates them per table. Must run after createOutputSections.
func (ctx *Context) splitMergeable() error {
	ctx.waitPrework()
	tables := map[mergeKey]*mergedSection{}
	var order []*mergedSection
	var all []*mergeableSection
	for _, o := range ctx.outSecs {
		for _, sec := range o.Members {
			if !isMergeCandidate(sec) {
				continue
			}
			key := mergeKey{o, sec.Entsize, sec.Flags&elf.SHF_STRINGS != 0, sec.Align}
			t := tables[key]
			if t == nil {
				t = &mergedSection{out: o, align: 1}
				tables[key] = t
				order = append(order, t)
			}
			m := &mergeableSection{sec: sec}
			if sec.pre != nil && sec.pre.split != nil {
				m = sec.pre.split // already split (prework.go)
			}
			m.table, m.index = t, uint32(len(t.sections))
			t.sections = append(t.sections, m)
			t.align = max(t.align, sec.Align)
			sec.merge = m
			all = append(all, m)
		}
	}
	errs := make([]error, len(all))
	ctx.parallelFor(len(all), func(i int) {
		if p := all[i].sec.pre; p != nil && p.split == all[i] {
			errs[i] = p.splitErr
		} else {
			errs[i] = all[i].split()
		}
	})
	for i, err := range errs {
		if err != nil {
			ctx.errorf("%s: %v", all[i].sec, err)
		}
	}
	if err := ctx.checkpoint(); err != nil {
		return err
	}
	// Bucket the pieces by shard: the counts split made, summed over each
	// table's sections in input order, say where each section's go.
	for _, t := range order {
		var total [mergeShards]uint32
		for _, m := range t.sections {
			for s := range m.shardPos {
				n := m.shardPos[s]
				m.shardPos[s] = total[s]
				total[s] += n
			}
		}
		for s := range t.byShard {
			t.byShard[s] = make([]uint64, total[s])
		}
	}
	ctx.parallelFor(len(all), func(i int) { all[i].bucket() })
	// Shard s deduplicates the pieces whose hash falls in it, in input
	// order.
	ctx.parallelFor(mergeShards, func(s int) {
		for _, t := range order {
			t.dedupShard(s)
		}
	})
	for _, t := range order {
		t.layout()
	}
	// Each table becomes one synthetic member; the split sections leave
	// the member list.
	holders := map[*OutputSection][]*InputSection{}
	for _, t := range order {
		holders[t.out] = append(holders[t.out], t.holder)
	}
	for _, o := range ctx.outSecs {
		hs := holders[o]
		if hs == nil {
			continue
		}
		var keep []*InputSection
		for _, m := range o.Members {
			if m.merge == nil {
				keep = append(keep, m)
			} else {
				m.mergeHolder = m.merge.table.holder
			}
		}
		o.Members = append(hs, keep...)
	}
	return nil
}

// dedupShard finds the distinct pieces of one shard with an open-addressing
// table of (hash, piece) slots: no maps, no pointers.
func (t *mergedSection) dedupShard(s int) {
	list := t.byShard[s]
	n := len(list)
	if n == 0 {
		return
	}
	size := 1
	for size < 2*n {
		size <<= 1
	}
	// The table is scratch: shards reuse each other's, so a link with
	// millions of pieces does not leave megabytes of garbage behind.
	buf := dedupSlots.Get().(*[]dedupSlot)
	defer dedupSlots.Put(buf)
	if cap(*buf) < size {
		*buf = make([]dedupSlot, size)
	}
	slots := (*buf)[:size]
	for i := range slots {
		slots[i] = dedupSlot{ref: -1}
	}
	pieces := make([]distinctPiece, 0, n)
	for _, at := range list {
		m, pi := t.sections[at>>32], int(uint32(at))
		h := m.hashes[pi]
		data := m.pieceData(pi)
		for j := int(h>>shardBits) & (size - 1); ; j = (j + 1) & (size - 1) {
			sl := &slots[j]
			if sl.ref < 0 {
				sl.hash, sl.ref = h, int32(len(pieces))
				pieces = append(pieces, distinctPiece{first: at})
				m.refs[pi] = makeRef(s, int(sl.ref))
				break
			}
			if sl.hash == h && bytes.Equal(t.data(pieces[sl.ref].first), data) {
				m.refs[pi] = makeRef(s, int(sl.ref))
				break
			}
		}
	}
	t.shards[s] = pieces
	t.byShard[s] = nil
}

// dedupSlot is one slot of a shard's open-addressing table.
type dedupSlot struct {
	hash uint64
	ref  int32 // index in the shard's distinct pieces, -1 when empty
}

var dedupSlots = sync.Pool{New: func() any { return new([]dedupSlot) }}

// bucket writes the section's pieces into its table's shard lists, at the
// places shardPos gives.
func (m *mergeableSection) bucket() {
	pos := m.shardPos
	for pi, h := range m.hashes {
		s := h & (mergeShards - 1)
		m.table.byShard[s][pos[s]] = uint64(m.index)<<32 | uint64(pi)
		pos[s]++
	}
}

// data returns the bytes of the piece that first occurs at first.
func (t *mergedSection) data(first uint64) []byte {
	return t.sections[first>>32].pieceData(int(uint32(first)))
}

// layout orders a table's distinct pieces by first occurrence, gives them
// offsets, and makes the synthetic section that stands for the table; its
// bytes are copied from the inputs when the output is written.
func (t *mergedSection) layout() {
	for _, m := range t.sections {
		for pi, r := range m.refs {
			if t.shards[r.shard()][r.idx()].first == uint64(m.index)<<32|uint64(pi) {
				t.order = append(t.order, r)
			}
		}
	}
	size := uint64(0)
	for _, r := range t.order {
		p := &t.shards[r.shard()][r.idx()]
		p.offset = size
		size += uint64(len(t.data(p.first)))
	}
	t.holder = &InputSection{Name: t.out.Name, Type: elf.SHT_PROGBITS, Flags: t.out.Flags, Align: t.align,
		Size: size, Live: true, Out: t.out, mergeTable: t}
}

// write copies the distinct pieces into dst, the table's output bytes.
func (t *mergedSection) write(dst []byte) {
	for _, r := range t.order {
		p := t.shards[r.shard()][r.idx()]
		copy(dst[p.offset:], t.data(p.first))
	}
}

func (m *mergeableSection) pieceData(i int) []byte {
	end := len(m.sec.Data)
	if i+1 < len(m.offsets) {
		end = int(m.offsets[i+1])
	}
	return m.sec.Data[m.offsets[i]:end]
}

// split cuts the section into its pieces (NUL-terminated strings of the
// entry size for SHF_STRINGS, fixed-size entries otherwise) and hashes them.
func (m *mergeableSection) split() error {
	sec := m.sec
	data := sec.Data
	es := int(sec.Entsize)
	if sec.Flags&elf.SHF_STRINGS == 0 {
		if len(data)%es != 0 {
			return errorf("mergeable section size %d is not a multiple of its entry size %d", len(data), es)
		}
		m.offsets = make([]uint32, 0, len(data)/es)
		for off := 0; off < len(data); off += es {
			m.offsets = append(m.offsets, uint32(off))
		}
	} else {
		for off := 0; off < len(data); {
			m.offsets = append(m.offsets, uint32(off))
			end := off
			if es == 1 {
				n := bytes.IndexByte(data[off:], 0)
				if n < 0 {
					return errorf("string in mergeable section at offset %d is not terminated", off)
				}
				end = off + n
			} else {
				for ; end+es <= len(data) && !allZero(data[end:end+es]); end += es {
				}
				if end+es > len(data) {
					return errorf("string in mergeable section at offset %d is not terminated", off)
				}
			}
			off = end + es
		}
	}
	m.hashes = make([]uint64, len(m.offsets))
	m.refs = make([]pieceRef, len(m.offsets))
	for i := range m.offsets {
		h := maphash.Bytes(mergeSeed, m.pieceData(i))
		m.hashes[i] = h
		m.shardPos[h&(mergeShards-1)]++
	}
	return nil
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

// pieceAt finds the piece holding input offset off.
// A hand-written binary search: sort.Search's closure is not inlined, and
// every debug-info relocation into .debug_str comes through here.
func (m *mergeableSection) pieceAt(off uint64) (int, bool) {
	lo, hi := 0, len(m.offsets) // the first piece starting after off is in [lo, hi]
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if uint64(m.offsets[mid]) > off {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	if lo == 0 {
		return 0, false
	}
	return lo - 1, true
}

// addrOf maps an input offset of the section to its output address.
func (m *mergeableSection) addrOf(off uint64) uint64 {
	i, ok := m.pieceAt(off)
	if !ok {
		return m.sec.mergeHolder.Addr()
	}
	r := m.refs[i]
	return m.sec.mergeHolder.Addr() + m.table.shards[r.shard()][r.idx()].offset + (off - uint64(m.offsets[i]))
}
