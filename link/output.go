package link

import (
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// The output is written atomically: a regular file is built under a
// temporary name beside it and renamed into place only when complete, so a
// failed link never leaves a partial file nor destroys the previous output.
// A non-regular output (/dev/null, a pipe) is written in place.
//
// Where the image is built depends on its size. Up to anonOutputMax it is
// anonymous memory backed by huge pages, written to the file in one pwrite
// at commit: a page fault in a shared file mapping costs several times an
// anonymous one (the file system takes part in each), and a few huge-page
// faults cost nothing. A larger image is a shared mapping of the file
// itself, so it is never copied, and one serial pwrite of tens of megabytes
// would cost more than the faults it saves.
var anonOutputMax uint64 = 16 << 20 // a variable so tests can take the other road

// openOutput creates the temporary file and gives ctx.buf its memory.
func (ctx *Context) openOutput() error {
	path := ctx.Cfg.Output
	if st, err := os.Stat(path); err == nil && !st.Mode().IsRegular() {
		ctx.buf = make([]byte, ctx.fileSize)
		return nil
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return Errors{fmt.Sprintf("cannot create output file %s: %v", path, unwrapPathError(err))}
	}
	ctx.tmpOut = tmp
	if err := tmp.Truncate(int64(ctx.fileSize)); err != nil {
		return Errors{fmt.Sprintf("cannot size output file %s: %v", path, err)}
	}
	if ctx.fileSize == 0 {
		ctx.buf = []byte{}
		return nil
	}
	if ctx.fileSize <= anonOutputMax {
		buf, err := unix.Mmap(-1, 0, int(ctx.fileSize), unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANONYMOUS)
		if err == nil {
			_ = unix.Madvise(buf, unix.MADV_HUGEPAGE) // a hint: without THP, small pages
			ctx.buf, ctx.bufMapping = buf, mappedAnon
			return nil
		}
	}
	buf, err := unix.Mmap(int(tmp.Fd()), 0, int(ctx.fileSize), unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED)
	if err != nil {
		// Some file systems cannot map files: build the image in memory.
		ctx.buf = make([]byte, ctx.fileSize)
		return nil
	}
	ctx.buf, ctx.bufMapping = buf, mappedFile
	return nil
}

// bufMapping says what ctx.buf is.
type bufMapping int

const (
	notMapped  bufMapping = iota // Go memory (or nothing)
	mappedAnon                   // anonymous memory, written to tmpOut at commit
	mappedFile                   // a shared mapping of tmpOut
)

// unmapBuf releases a mapped image.
func (ctx *Context) unmapBuf() error {
	if ctx.bufMapping == notMapped {
		return nil
	}
	ctx.bufMapping = notMapped
	return unix.Munmap(ctx.buf)
}

// discardOutput removes the temporary file of a failed link.
func (ctx *Context) discardOutput() {
	_ = ctx.unmapBuf()
	if ctx.tmpOut != nil {
		ctx.tmpOut.Close()
		os.Remove(ctx.tmpOut.Name())
		ctx.tmpOut = nil
	}
}

// commitOutput makes the finished image the output file.
func (ctx *Context) commitOutput() error {
	path := ctx.Cfg.Output
	if ctx.tmpOut == nil {
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			return Errors{fmt.Sprintf("cannot open output file %s: %v", path, unwrapPathError(err))}
		}
		defer f.Close()
		if _, err := f.Write(ctx.buf); err != nil {
			return Errors{fmt.Sprintf("cannot write output file %s: %v", path, err)}
		}
		return nil
	}
	tmp := ctx.tmpOut
	if ctx.bufMapping != mappedFile {
		if _, err := tmp.WriteAt(ctx.buf, 0); err != nil {
			return Errors{fmt.Sprintf("cannot write output file %s: %v", path, err)}
		}
	}
	if err := ctx.unmapBuf(); err != nil {
		return Errors{fmt.Sprintf("cannot write output file %s: %v", path, err)}
	}
	if err := tmp.Chmod(0o777 &^ umask()); err != nil {
		return Errors{fmt.Sprintf("cannot set mode of %s: %v", path, err)}
	}
	if err := tmp.Close(); err != nil {
		return Errors{fmt.Sprintf("cannot write output file %s: %v", path, err)}
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return Errors{fmt.Sprintf("cannot rename output file to %s: %v", path, err)}
	}
	ctx.tmpOut = nil
	return nil
}
