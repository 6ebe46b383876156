package search

import (
	"encoding/binary"
	"errors"
	"io"
	"math"
	"os"

	"golang.org/x/sys/unix"
)

// Verdict is the outcome of open_verify for one candidate path.
type Verdict struct {
	// OK: the file is an ELF object ld.so can load here; the search ends.
	OK bool
	// Errno is what errno holds when the file is not usable: open's error,
	// or ENOENT for an ELF file of the other class or another machine,
	// which glibc skips quietly. Anything but ENOENT and EACCES in an
	// existing directory ends the search of the current list.
	Errno unix.Errno
	// OtherClass: the file was ELFCLASS32, so a failed search reports
	// "wrong ELF class" instead of "No such file or directory".
	OtherClass bool
	// Fatal is set when the file exists but is broken (not ELF, wrong byte
	// order, wrong type...). glibc then fails the whole load instead of
	// trying further candidates.
	Fatal *LoadError
	// SetUID: the opened file has the set-user-ID bit (fstat), which a
	// preload of a secure process needs (FindPreload).
	SetUID bool
}

// FS is the file system as the search sees it; OSFS is the real one. Tests
// and loaders with their own file access can supply another.
type FS interface {
	// Verify opens path and checks its ELF header like open_verify.
	Verify(path string) Verdict
	// Stat reports whether path is a directory; errno is 0 on success.
	Stat(path string) (isDir bool, errno unix.Errno)
}

// LoadError is a failure glibc reports for a library load.
type LoadError struct {
	Name  string // the file or library name
	Msg   string // glibc's message, e.g. "invalid ELF header"
	Errno unix.Errno
}

func (e *LoadError) Error() string {
	if e.Errno != 0 {
		return e.Name + ": " + e.Msg + ": " + e.Errno.Error()
	}
	return e.Name + ": " + e.Msg
}

// OSFS checks candidates on the real file system.
type OSFS struct{}

// ELF constants open_verify checks against (x86-64, little-endian).
const (
	ehdrSize     = 64
	phdrSize     = 56
	fileBufSize  = 832 // FILEBUF_SIZE for 64-bit
	osabiSYSV    = 0
	osabiGNU     = 3
	libcABIMax   = 4 // LIBC_ABI_MAX on x86_64-linux: UNIQUE, IFUNC, ABSOLUTE
	emX86_64     = 62
	etExec       = 2
	etDyn        = 3
	elfClass64   = 2
	elfDataLSB   = 1
	evCurrent    = 1
	eiClass      = 4
	eiData       = 5
	eiVersion    = 6
	eiOSABI      = 7
	eiABIVersion = 8
	eiPad        = 9
	eiNIdent     = 16
)

// Stat implements FS with stat(2).
func (OSFS) Stat(path string) (bool, unix.Errno) {
	var st unix.Stat_t
	if err := unix.Stat(path, &st); err != nil {
		return false, errnoOf(err)
	}
	return st.Mode&unix.S_IFMT == unix.S_IFDIR, 0
}

// Verify implements FS the way open_verify does on x86-64.
func (OSFS) Verify(path string) Verdict {
	f, err := os.Open(path)
	if err != nil {
		return Verdict{Errno: errnoOf(err)}
	}
	defer f.Close()
	// Like glibc, read until the ELF header is complete or read fails.
	buf := make([]byte, fileBufSize)
	n := 0
	var rerr error
	for n < ehdrSize {
		m, err := f.Read(buf[n:])
		n += m
		if err != nil || m <= 0 {
			rerr = err
			break
		}
	}
	if n < ehdrSize {
		if rerr != nil && rerr != io.EOF {
			return fatal(path, "cannot read file data", errnoOf(rerr))
		}
		return fatal(path, "file too short", 0)
	}
	v := checkHeader(path, buf[:n], f)
	if v.OK {
		// fstat, as open_path does on the descriptor it opened; a
		// failure counts as no set-user-ID bit.
		if fi, err := f.Stat(); err == nil {
			v.SetUID = fi.Mode()&os.ModeSetuid != 0
		}
	}
	return v
}

// checkHeader applies open_verify's tests to the bytes read (buf) and, if
// the program headers lie beyond them, reads those from r.
func checkHeader(path string, buf []byte, r io.ReaderAt) Verdict {
	le := binary.LittleEndian
	id := buf[:eiNIdent]
	machine := le.Uint16(buf[18:])
	osabi, abiver := id[eiOSABI], id[eiABIVersion]
	identOK := string(id[:4]) == "\x7fELF" && id[eiClass] == elfClass64 &&
		id[eiData] == elfDataLSB && id[eiVersion] == evCurrent &&
		(osabi == osabiSYSV || osabi == osabiGNU)
	abiOK := abiver == 0 || osabi == osabiGNU && abiver < libcABIMax
	padOK := allZero(id[eiPad:])
	if !identOK || !abiOK || !padOK {
		switch {
		case string(id[:4]) != "\x7fELF":
			return fatal(path, "invalid ELF header", 0)
		case id[eiClass] != elfClass64:
			return Verdict{Errno: unix.ENOENT, OtherClass: true}
		case machine != emX86_64:
			return Verdict{Errno: unix.ENOENT}
		case id[eiData] != elfDataLSB:
			return fatal(path, "ELF file data encoding not little-endian", 0)
		case id[eiVersion] != evCurrent:
			return fatal(path, "ELF file version ident does not match current one", 0)
		case osabi != osabiSYSV && osabi != osabiGNU:
			return fatal(path, "ELF file OS ABI invalid", 0)
		case !abiOK:
			return fatal(path, "ELF file ABI version invalid", 0)
		case !padOK:
			return fatal(path, "nonzero padding in e_ident", 0)
		default:
			return fatal(path, "internal error", 0)
		}
	}
	if le.Uint32(buf[20:]) != evCurrent {
		return fatal(path, "ELF file version does not match current one", 0)
	}
	if machine != emX86_64 {
		return Verdict{Errno: unix.ENOENT}
	}
	if t := le.Uint16(buf[16:]); t != etDyn && t != etExec {
		return fatal(path, "only ET_DYN and ET_EXEC can be loaded", 0)
	}
	if le.Uint16(buf[54:]) != phdrSize {
		return fatal(path, "ELF file's phentsize not the expected size", 0)
	}
	phoff := le.Uint64(buf[32:])
	maplen := uint64(le.Uint16(buf[56:])) * phdrSize
	if phoff+maplen > uint64(len(buf)) || phoff+maplen < phoff {
		// glibc preads the program headers only to be sure they can be
		// read; elf_machine_reject_phdr_p never rejects on x86-64.
		if phoff > math.MaxInt64 {
			// pread64 refuses a negative offset.
			return fatal(path, "cannot read file data", unix.EINVAL)
		}
		ph := make([]byte, maplen)
		m, err := r.ReadAt(ph, int64(phoff))
		if uint64(m) != maplen {
			e := unix.Errno(0)
			if err != nil && err != io.EOF {
				e = errnoOf(err)
			}
			return fatal(path, "cannot read file data", e)
		}
	}
	return Verdict{OK: true}
}

func fatal(path, msg string, errno unix.Errno) Verdict {
	return Verdict{Errno: errno, Fatal: &LoadError{Name: path, Msg: msg, Errno: errno}}
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

// errnoOf extracts the errno of a failed system call; EIO when the error
// carries none.
func errnoOf(err error) unix.Errno {
	var e unix.Errno
	if errors.As(err, &e) {
		return e
	}
	return unix.EIO
}
