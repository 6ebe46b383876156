package link

import (
	"crypto/md5"
	"crypto/rand"
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// writeOutput fills the output buffer: every chunk writes its own bytes,
// the dynamic relocation tables last (the other chunks emit their
// entries), then the section headers, then the build-id over it all.
func (ctx *Context) writeOutput() error {
	ctx.buf = make([]byte, ctx.fileSize)
	var last []chunk
	for _, c := range ctx.chunks {
		if c == chunk(ctx.relaDyn) || c == chunk(ctx.relaPlt) {
			last = append(last, c)
			continue
		}
		ctx.writeChunk(c)
	}
	// .rela.plt before .rela.dyn: both are filled by now, order is free.
	for _, c := range last {
		ctx.writeChunk(c)
	}
	ctx.writeSectionHeaders()
	if err := ctx.checkpoint(); err != nil {
		return err
	}
	ctx.fillBuildID()
	return nil
}

func (ctx *Context) writeChunk(c chunk) {
	h := c.header()
	c.write(ctx, ctx.buf[h.Offset:h.Offset+h.fileSize()])
}

func (ctx *Context) writeSectionHeaders() {
	buf := ctx.buf[ctx.shdrOffset:]
	for _, c := range ctx.chunks {
		h := c.header()
		if h.Shndx == 0 {
			continue
		}
		e := buf[h.Shndx*shdrSize:]
		le.PutUint32(e, h.nameOff)
		le.PutUint32(e[4:], uint32(h.Type))
		le.PutUint64(e[8:], uint64(h.Flags))
		le.PutUint64(e[16:], h.Addr)
		le.PutUint64(e[24:], h.Offset)
		le.PutUint64(e[32:], h.Size)
		link, info := ctx.sectionLinks(c)
		le.PutUint32(e[40:], link)
		le.PutUint32(e[44:], info)
		le.PutUint64(e[48:], h.Align)
		le.PutUint64(e[56:], h.Entsize)
	}
}

// sectionLinks gives sh_link and sh_info, which name other sections.
func (ctx *Context) sectionLinks(c chunk) (uint32, uint32) {
	var dynsymIdx, dynstrIdx, strtabIdx uint32
	if ctx.dynsym != nil {
		dynsymIdx, dynstrIdx = uint32(ctx.dynsym.Shndx), uint32(ctx.dynstr.Shndx)
	}
	if ctx.strtab != nil {
		strtabIdx = uint32(ctx.strtab.Shndx)
	}
	h := c.header()
	switch {
	case ctx.dynsym != nil && c == chunk(ctx.dynsym):
		return dynstrIdx, h.Info
	case c == chunk(ctx.relaPlt):
		if ctx.isStatic() {
			return strtabLinkOfStatic(ctx), uint32(ctx.gotPlt.Shndx)
		}
		return dynsymIdx, uint32(ctx.gotPlt.Shndx)
	case c == chunk(ctx.relaDyn),
		ctx.gnuHash != nil && c == chunk(ctx.gnuHash),
		ctx.sysvHash != nil && c == chunk(ctx.sysvHash),
		ctx.versym != nil && c == chunk(ctx.versym):
		return dynsymIdx, 0
	case ctx.verdef != nil && c == chunk(ctx.verdef),
		ctx.verneed != nil && c == chunk(ctx.verneed),
		ctx.dynamic != nil && c == chunk(ctx.dynamic):
		return dynstrIdx, h.Info
	case ctx.symtab != nil && c == chunk(ctx.symtab):
		return strtabIdx, h.Info
	}
	return h.Link, h.Info
}

// fillBuildID hashes the finished file (build-id bytes still zero) into the
// build-id note.
func (ctx *Context) fillBuildID() {
	b := ctx.buildID
	if b == nil || b.Shndx == 0 {
		return
	}
	desc := ctx.buf[b.Offset+16 : b.Offset+16+uint64(b.descSize)]
	style := ctx.Cfg.BuildID
	switch {
	case style == "md5":
		sum := md5.Sum(ctx.buf)
		copy(desc, sum[:])
	case style == "uuid":
		_, _ = rand.Read(desc)
		desc[6] = desc[6]&0x0f | 0x40
		desc[8] = desc[8]&0x3f | 0x80
	case strings.HasPrefix(style, "0x"):
		v, _ := hex.DecodeString(style[2:])
		copy(desc, v)
	default:
		sum := sha1.Sum(ctx.buf)
		copy(desc, sum[:])
	}
}

// commitOutput writes the buffer to the output path atomically: a regular
// file is written beside it under a temporary name and renamed into place
// only when complete, so a failed link never leaves a partial file nor
// destroys the previous output. A non-regular output (/dev/null, a pipe)
// is written in place.
func (ctx *Context) commitOutput() error {
	path := ctx.Cfg.Output
	mode := os.FileMode(0o777)
	if st, err := os.Stat(path); err == nil && !st.Mode().IsRegular() {
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
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return Errors{fmt.Sprintf("cannot create output file %s: %v", path, unwrapPathError(err))}
	}
	ok := false
	defer func() {
		if !ok {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err := tmp.Write(ctx.buf); err != nil {
		return Errors{fmt.Sprintf("cannot write output file %s: %v", path, err)}
	}
	if err := tmp.Chmod(mode &^ umask()); err != nil {
		return Errors{fmt.Sprintf("cannot set mode of %s: %v", path, err)}
	}
	if err := tmp.Close(); err != nil {
		return Errors{fmt.Sprintf("cannot write output file %s: %v", path, err)}
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return Errors{fmt.Sprintf("cannot rename output file to %s: %v", path, err)}
	}
	ok = true
	return nil
}

// strtabLinkOfStatic is the symbol table .rela.iplt names in a static
// executable, which has no .dynsym: .symtab, as GNU ld writes it.
func strtabLinkOfStatic(ctx *Context) uint32 {
	if ctx.symtab == nil {
		return 0
	}
	return uint32(ctx.symtab.Shndx)
}
