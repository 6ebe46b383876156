package link

import (
	"bytes"
	"debug/elf"
	"fmt"
	"io"

	"github.com/klauspost/compress/zlib"
	"github.com/klauspost/compress/zstd"
)

// maxDecompressed caps what one compressed section may expand to, so a
// hostile ch_size cannot make the linker allocate without bound.
const maxDecompressed = 1 << 32

// maxCompressionRatio bounds expansion: real debug sections compress 3-20x.
const maxCompressionRatio = 1000

// decompressSection expands an SHF_COMPRESSED section (gcc -gz, zlib or
// zstd) so the output carries it uncompressed, as ld does by default.
func decompressSection(data []byte) ([]byte, uint64, error) {
	if len(data) < 24 {
		return nil, 0, fmt.Errorf("compressed section header is truncated")
	}
	typ := elf.CompressionType(le.Uint32(data))
	size := le.Uint64(data[8:])
	align := le.Uint64(data[16:])
	// Debug information compresses well but not without limit; a larger
	// claim is a decompression bomb, not a compiler's output.
	if limit := uint64(len(data))*maxCompressionRatio + 1<<20; size > limit {
		return nil, 0, fmt.Errorf("compressed section claims %d bytes uncompressed from %d, a ratio no compiler produces", size, len(data))
	}
	if size > maxDecompressed {
		return nil, 0, fmt.Errorf("compressed section claims %d bytes uncompressed, more than the %d allowed", size, uint64(maxDecompressed))
	}
	var r io.Reader
	switch typ {
	case elf.COMPRESS_ZLIB:
		zr, err := zlib.NewReader(bytes.NewReader(data[24:]))
		if err != nil {
			return nil, 0, fmt.Errorf("bad zlib stream: %v", err)
		}
		defer zr.Close()
		r = zr
	case elf.COMPRESS_ZSTD:
		zr, err := zstd.NewReader(bytes.NewReader(data[24:]), zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxMemory(maxDecompressed))
		if err != nil {
			return nil, 0, fmt.Errorf("bad zstd stream: %v", err)
		}
		defer zr.Close()
		r = zr
	default:
		return nil, 0, fmt.Errorf("unknown compression type %d", typ)
	}
	// Grow with the data actually produced rather than trusting ch_size
	// for the allocation.
	var out bytes.Buffer
	n, err := io.Copy(&out, io.LimitReader(r, int64(size)))
	if err != nil {
		return nil, 0, fmt.Errorf("compressed data is corrupt: %v", err)
	}
	if uint64(n) != size {
		return nil, 0, fmt.Errorf("compressed data does not expand to the %d bytes its header claims (got %d)", size, n)
	}
	return out.Bytes(), max(align, 1), nil
}
