package search

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// ld.so.cache layout (sysdeps/generic/dl-cache.h). All integers are
// little-endian on x86-64.
const (
	cacheMagicOld    = "ld.so-1.7.0"
	cacheMagicNew    = "glibc-ld.so.cache1.1"
	oldHeaderSize    = 16 // magic[11], pad, nlibs
	oldEntrySize     = 12 // flags, key, value
	newHeaderSize    = 48
	newEntrySize     = 24         // flags, key, value, osversion, hwcap
	extensionMagic   = 0xeaa42174 // (uint32_t) -358342284
	extTagHWCaps     = 1          // cache_extension_tag_glibc_hwcaps
	extTagCount      = 2
	isaLevelMask     = 1<<10 - 1 // DL_CACHE_HWCAP_ISA_LEVEL_MASK
	cacheDefaultID   = 0x303     // _DL_CACHE_DEFAULT_ID: ELF, libc6, x86-64
	endianMask       = 3
	endianLittle     = 2
	newFormatAlign   = 8 // __alignof__ (struct cache_file_new)
	maxCacheFileSize = 1<<32 - 1
)

// CacheEntry is one library record of ld.so.cache.
type CacheEntry struct {
	Flags int32  // 0x303 for x86-64 libc6 objects; others are skipped
	Name  string // the soname looked up (key)
	Path  string // the file it maps to (value)
	// HWCap is the new format's hwcap word: legacy hwcap/platform bits, or
	// bit 62 plus an ISA level (bits 32-41) and an index into the
	// glibc-hwcaps name table (low 32 bits). Zero in the old format.
	HWCap uint64
}

// Cache is a parsed /etc/ld.so.cache.
type Cache struct {
	entries []CacheEntry
	// hasHWCap is false for a cache holding only the libc5-era format,
	// whose entries carry no hwcap word.
	hasHWCap bool
	// hwcapNames is the glibc-hwcaps extension section in file order
	// (ldconfig sorts it); nil when the file has none or the extension
	// directory is unusable, in which case glibc skips hwcaps entries.
	hwcapNames []string
}

// Entries returns the records in file order (sorted by name, as ldconfig
// writes them).
func (c *Cache) Entries() []CacheEntry { return c.entries }

// HWCapNames returns the glibc-hwcaps subdirectory names the cache knows.
func (c *Cache) HWCapNames() []string { return c.hwcapNames }

// ErrCacheFormat is wrapped by every ParseCache error.
var ErrCacheFormat = errors.New("ld.so.cache: bad format")

func cacheErr(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrCacheFormat, fmt.Sprintf(format, args...))
}

// ParseCache parses an ld.so.cache image: the glibc-ld.so.cache1.1 format,
// alone or behind the old "ld.so-1.7.0" table (only the new table is used
// then, as in glibc), or the old format alone.
//
// Files glibc refuses at load time (bad magic, a table larger than the
// file, the other byte order) give an error, and glibc then runs without a
// cache. Beyond that ParseCache is stricter than glibc, which only checks
// string offsets lazily as a lookup meets them and reads past a truncated
// table in the combined format: any entry or hwcaps name pointing outside
// the file, or a string with no terminating NUL, is an error here too, so
// a damaged cache is ignored whole. A broken extension directory is not an
// error: glibc merely stops using the glibc-hwcaps entries, and so does
// Lookup.
func ParseCache(data []byte) (*Cache, error) {
	if uint64(len(data)) > maxCacheFileSize {
		return nil, cacheErr("file too large")
	}
	le := binary.LittleEndian
	switch {
	case len(data) > newHeaderSize && string(data[:len(cacheMagicNew)]) == cacheMagicNew:
		return parseNew(data, 0)
	case len(data) > oldHeaderSize && string(data[:len(cacheMagicOld)]) == cacheMagicOld:
		nlibs := uint64(le.Uint32(data[12:]))
		if uint64(len(data)-oldHeaderSize)/oldEntrySize < nlibs {
			return nil, cacheErr("old table of %d entries exceeds the file", nlibs)
		}
		end := oldHeaderSize + int(nlibs)*oldEntrySize
		newOff := (end + newFormatAlign - 1) &^ (newFormatAlign - 1)
		if len(data) < newOff+newHeaderSize || string(data[newOff:newOff+len(cacheMagicNew)]) != cacheMagicNew {
			return parseOld(data, end, int(nlibs))
		}
		return parseNew(data, newOff)
	default:
		return nil, cacheErr("bad magic")
	}
}

// parseOld reads the libc5-era table; its strings follow the entries.
func parseOld(data []byte, strOff, nlibs int) (*Cache, error) {
	le := binary.LittleEndian
	cs := &cacheStrings{data: data}
	c := &Cache{entries: make([]CacheEntry, nlibs)}
	for i := range c.entries {
		e := data[oldHeaderSize+i*oldEntrySize:]
		ce := &c.entries[i]
		ce.Flags = int32(le.Uint32(e))
		if err := cs.add(strOff, le.Uint32(e[4:]), &ce.Name, "entry name", i); err != nil {
			return nil, err
		}
		if err := cs.add(strOff, le.Uint32(e[8:]), &ce.Path, "entry path", i); err != nil {
			return nil, err
		}
	}
	if err := cs.resolve(); err != nil {
		return nil, err
	}
	return c, nil
}

// parseNew reads the new-format header at off. Entry strings are relative
// to that header; the extension directory and hwcaps names are relative
// to the start of the file (glibc passes the file base for those).
func parseNew(data []byte, off int) (*Cache, error) {
	le := binary.LittleEndian
	h := data[off:]
	flags := h[28]
	if flags != 0 && flags&endianMask != endianLittle {
		return nil, cacheErr("byte order flags %#x do not match this machine", flags)
	}
	nlibs := uint64(le.Uint32(h[20:]))
	if uint64(len(h)-newHeaderSize)/newEntrySize < nlibs {
		return nil, cacheErr("table of %d entries exceeds the file", nlibs)
	}
	cs := &cacheStrings{data: data}
	c := &Cache{entries: make([]CacheEntry, nlibs), hasHWCap: true}
	for i := range c.entries {
		e := h[newHeaderSize+i*newEntrySize:]
		ce := &c.entries[i]
		ce.Flags, ce.HWCap = int32(le.Uint32(e)), le.Uint64(e[16:])
		if err := cs.add(off, le.Uint32(e[4:]), &ce.Name, "entry name", i); err != nil {
			return nil, err
		}
		if err := cs.add(off, le.Uint32(e[8:]), &ce.Path, "entry path", i); err != nil {
			return nil, err
		}
	}
	names, err := hwcapsSection(data, le.Uint32(h[32:]), cs)
	if err != nil {
		return nil, err
	}
	if err := cs.resolve(); err != nil {
		return nil, err
	}
	c.hwcapNames = names
	return c, nil
}

// hwcapsSection is cache_extension_load plus cache_extension_verify for
// the glibc-hwcaps section. Directory problems yield nil names without an
// error, as glibc just disables the hwcaps entries; names pointing outside
// the file are an error (glibc's merge would overrun its array).
func hwcapsSection(data []byte, extOff uint32, cs *cacheStrings) ([]string, error) {
	le := binary.LittleEndian
	if extOff == 0 || extOff%4 != 0 || uint64(extOff)+8 > uint64(len(data)) {
		return nil, nil
	}
	ext := data[extOff:]
	if le.Uint32(ext) != extensionMagic {
		return nil, nil
	}
	count := uint64(le.Uint32(ext[4:]))
	if uint64(extOff)+8+count*16 > uint64(len(data)) {
		return nil, nil
	}
	var base, size uint32
	found := false
	for i := uint64(0); i < count; i++ {
		s := ext[8+i*16:]
		tag, off, sz := le.Uint32(s), le.Uint32(s[8:]), le.Uint32(s[12:])
		if uint64(off)+uint64(sz) > uint64(len(data)) {
			// glibc rejects the whole directory, not just this section.
			return nil, nil
		}
		if tag >= extTagCount {
			continue
		}
		if tag == extTagHWCaps {
			base, size, found = off, sz, true
		}
	}
	if !found || size == 0 || base%4 != 0 || size%4 != 0 {
		return nil, nil
	}
	names := make([]string, size/4)
	for i := range names {
		if err := cs.add(0, le.Uint32(data[int(base)+4*i:]), &names[i], "glibc-hwcaps name", i); err != nil {
			return nil, err
		}
	}
	return names, nil
}
