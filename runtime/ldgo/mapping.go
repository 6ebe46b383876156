package main

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"fmt"
	"os"
	"unsafe"

	"golang.org/x/sys/unix"
)

const pageSize = 4096

func pageDown(x uintptr) uintptr { return x &^ (pageSize - 1) }
func pageUp(x uintptr) uintptr   { return (x + pageSize - 1) &^ (pageSize - 1) }

// elfProt turns segment flags into mmap protections.
func elfProt(f elf.ProgFlag) int {
	p := 0
	if f&elf.PF_R != 0 {
		p |= unix.PROT_READ
	}
	if f&elf.PF_W != 0 {
		p |= unix.PROT_WRITE
	}
	if f&elf.PF_X != 0 {
		p |= unix.PROT_EXEC
	}
	return p
}

// readHeaders reads and checks the ELF header and program headers of f.
// The message of a returned error is glibc's wording for the problem.
func readHeaders(f *os.File) (elf.Header64, []elf.Prog64, error) {
	var hdr elf.Header64
	buf := make([]byte, 832) // glibc reads this much first too
	n, _ := f.ReadAt(buf, 0)
	if n < int(unsafe.Sizeof(hdr)) {
		return hdr, nil, fmt.Errorf("file too short")
	}
	if string(buf[:4]) != elf.ELFMAG {
		return hdr, nil, fmt.Errorf("invalid ELF header")
	}
	if elf.Class(buf[elf.EI_CLASS]) != elf.ELFCLASS64 {
		return hdr, nil, fmt.Errorf("wrong ELF class: ELFCLASS32")
	}
	if elf.Data(buf[elf.EI_DATA]) != elf.ELFDATA2LSB {
		return hdr, nil, fmt.Errorf("ELF file data encoding not little-endian")
	}
	binary.Read(bytes.NewReader(buf[:n]), binary.LittleEndian, &hdr)
	if elf.Machine(hdr.Machine) != elf.EM_X86_64 {
		return hdr, nil, fmt.Errorf("ELF file's machine is not x86-64")
	}
	if t := elf.Type(hdr.Type); t != elf.ET_DYN && t != elf.ET_EXEC {
		return hdr, nil, fmt.Errorf("only ET_DYN and ET_EXEC can be loaded")
	}
	if hdr.Phentsize != uint16(unsafe.Sizeof(elf.Prog64{})) || hdr.Phnum == 0 {
		return hdr, nil, fmt.Errorf("ELF file's phentsize not the expected size")
	}
	size := int(hdr.Phnum) * int(hdr.Phentsize)
	raw := make([]byte, size)
	if k, _ := f.ReadAt(raw, int64(hdr.Phoff)); k != size {
		return hdr, nil, fmt.Errorf("cannot read file data")
	}
	phdrs := make([]elf.Prog64, hdr.Phnum)
	binary.Read(bytes.NewReader(raw), binary.LittleEndian, phdrs)
	return hdr, phdrs, nil
}

// checkLoadCommands vets the program headers of a file of fileSize bytes
// before anything is mapped and returns the page-aligned span of the
// PT_LOAD segments. First glibc's checks in _dl_map_object_from_fd: some
// segment to load, and a dynamic section for a shared object (a PT_DYNAMIC
// without file bytes is none: what separate debuginfo files have). Then
// the loader's own, where glibc trusts the file: PT_LOAD entries ascend by
// p_vaddr (glibc maps the span from the first to the last one and fails on
// any other order), do not wrap around, lie inside the file (a segment
// past its end would fault when touched), and hold no more file bytes
// than memory, as the ELF rules demand: glibc maps p_filesz with MAP_FIXED
// even past the end of the span it reserved, over whatever is mapped
// there.
func checkLoadCommands(hdr elf.Header64, phdrs []elf.Prog64, fileSize int64) (lo, hi uintptr, err error) {
	lo = ^uintptr(0)
	hasDynamic, emptyDynamic := false, false
	for _, p := range phdrs {
		switch elf.ProgType(p.Type) {
		case elf.PT_LOAD:
			if p.Memsz != 0 {
				lo = min(lo, pageDown(uintptr(p.Vaddr)))
				hi = max(hi, pageUp(uintptr(p.Vaddr+p.Memsz)))
			}
		case elf.PT_DYNAMIC:
			hasDynamic = hasDynamic || p.Filesz != 0
			emptyDynamic = emptyDynamic || p.Filesz == 0
		}
	}
	if hi == 0 {
		return 0, 0, fmt.Errorf("object file has no loadable segments")
	}
	if emptyDynamic || !hasDynamic && elf.Type(hdr.Type) == elf.ET_DYN {
		return 0, 0, fmt.Errorf("object file has no dynamic section")
	}
	var prevEnd uint64
	for _, p := range phdrs {
		if elf.ProgType(p.Type) != elf.PT_LOAD || p.Memsz == 0 {
			continue
		}
		if p.Vaddr < prevEnd || p.Vaddr+p.Memsz < p.Vaddr {
			return 0, 0, fmt.Errorf("failed to map segment from shared object")
		}
		prevEnd = p.Vaddr + p.Memsz
	}
	for _, p := range phdrs {
		if elf.ProgType(p.Type) == elf.PT_LOAD && fileSize >= 0 && p.Off+p.Filesz > uint64(fileSize) {
			return 0, 0, fmt.Errorf("file too short")
		}
	}
	for _, p := range phdrs {
		if elf.ProgType(p.Type) == elf.PT_LOAD && p.Filesz > p.Memsz {
			return 0, 0, fmt.Errorf("ELF load command's file size exceeds its memory size")
		}
	}
	return lo, hi, nil
}

// mapFile maps every PT_LOAD segment of f for o. The whole span is reserved
// first (PROT_NONE), so the segments land at their link-time distances and
// nothing else is mapped into the gaps; then each segment is mapped from the
// file with MAP_PRIVATE|MAP_FIXED so its clean pages are shared through the
// page cache, and the part of memsz past filesz is zero.
func mapFile(o *Object, f *os.File, hdr elf.Header64, phdrs []elf.Prog64) error {
	fileSize := int64(-1)
	if st, err := f.Stat(); err == nil {
		fileSize = st.Size()
	}
	lo, hi, err := checkLoadCommands(hdr, phdrs, fileSize)
	if err != nil {
		return err
	}
	flags := unix.MAP_PRIVATE | unix.MAP_ANONYMOUS
	var hint unsafe.Pointer
	if elf.Type(hdr.Type) == elf.ET_EXEC {
		hint = ptr(lo)
		flags |= unix.MAP_FIXED_NOREPLACE
	}
	base, err := unix.MmapPtr(-1, 0, hint, hi-lo, unix.PROT_NONE, flags)
	if err != nil {
		return fmt.Errorf("failed to map segment from shared object")
	}
	if elf.Type(hdr.Type) == elf.ET_EXEC && uintptr(base) != lo {
		return fmt.Errorf("cannot map ET_EXEC at its address")
	}
	o.bias = uintptr(base) - lo
	o.mapStart = uintptr(base)
	o.mapEnd = uintptr(base) + (hi - lo)
	fd := int(f.Fd())
	for _, p := range phdrs {
		if elf.ProgType(p.Type) != elf.PT_LOAD || p.Memsz == 0 {
			continue
		}
		prot := elfProt(elf.ProgFlag(p.Flags))
		start := o.bias + uintptr(p.Vaddr)
		mapAt := pageDown(start)
		fileEnd := start + uintptr(p.Filesz)
		memEnd := start + uintptr(p.Memsz)
		if p.Filesz > 0 {
			off := int64(p.Off) - int64(start-mapAt)
			if _, err := unix.MmapPtr(fd, off, ptr(mapAt), fileEnd-mapAt, prot, unix.MAP_PRIVATE|unix.MAP_FIXED); err != nil {
				return fmt.Errorf("failed to map segment from shared object")
			}
		}
		if memEnd > fileEnd {
			// Zero the rest of the last file page, then map anonymous
			// zero pages for what is left.
			zeroPage := pageUp(fileEnd)
			if p.Filesz > 0 && zeroPage > fileEnd {
				if prot&unix.PROT_WRITE == 0 {
					unix.Mprotect(bytesAt(pageDown(fileEnd), pageSize), prot|unix.PROT_WRITE)
				}
				clear(bytesAt(fileEnd, int(min(zeroPage, memEnd)-fileEnd)))
				if prot&unix.PROT_WRITE == 0 {
					unix.Mprotect(bytesAt(pageDown(fileEnd), pageSize), prot)
				}
			}
			if p.Filesz == 0 {
				zeroPage = mapAt
			}
			if memEnd > zeroPage {
				if _, err := unix.MmapPtr(-1, 0, ptr(zeroPage), pageUp(memEnd)-zeroPage, prot, unix.MAP_PRIVATE|unix.MAP_FIXED|unix.MAP_ANONYMOUS); err != nil {
					return fmt.Errorf("cannot map zero-fill pages")
				}
			}
		}
		if prot&unix.PROT_EXEC != 0 {
			o.textEnd = max(o.textEnd, memEnd)
		}
	}
	o.etype = elf.Type(hdr.Type)
	o.entry = o.bias + uintptr(hdr.Entry)
	o.phnum = len(phdrs)
	o.phdrs = phdrs
	// The program headers are usually inside the first segment; if not,
	// keep a copy where glibc (dl_iterate_phdr) can read it.
	for _, p := range phdrs {
		if elf.ProgType(p.Type) == elf.PT_LOAD && p.Off <= hdr.Phoff &&
			hdr.Phoff+uint64(len(phdrs))*56 <= p.Off+p.Filesz {
			o.phdr = o.bias + uintptr(p.Vaddr+hdr.Phoff-p.Off)
		}
	}
	if o.phdr == 0 {
		o.phdr = arenaCopy(unsafe.Slice((*byte)(unsafe.Pointer(&phdrs[0])), len(phdrs)*56))
	}
	return nil
}

// adoptMapped fills o for the program the kernel already mapped (ldgo is its
// interpreter): AT_PHDR gives the headers, PT_PHDR the load bias.
func adoptMapped(o *Object, phdr uintptr, phnum int, entry uintptr) {
	o.phdr = phdr
	o.phnum = phnum
	o.phdrs = make([]elf.Prog64, phnum)
	copy(unsafe.Slice((*byte)(unsafe.Pointer(&o.phdrs[0])), phnum*56), bytesAt(phdr, phnum*56))
	o.etype = elf.ET_EXEC
	for _, p := range o.phdrs {
		if elf.ProgType(p.Type) == elf.PT_PHDR {
			o.bias = phdr - uintptr(p.Vaddr)
			o.etype = elf.ET_DYN
		}
	}
	var lo, hi uintptr = ^uintptr(0), 0
	for _, p := range o.phdrs {
		if elf.ProgType(p.Type) != elf.PT_LOAD {
			continue
		}
		lo = min(lo, pageDown(o.bias+uintptr(p.Vaddr)))
		hi = max(hi, pageUp(o.bias+uintptr(p.Vaddr+p.Memsz)))
		if elf.ProgFlag(p.Flags)&elf.PF_X != 0 {
			o.textEnd = max(o.textEnd, o.bias+uintptr(p.Vaddr+p.Memsz))
		}
	}
	o.mapStart, o.mapEnd = lo, hi
	o.entry = entry
}
