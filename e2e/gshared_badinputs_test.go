package e2e

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestBadInputs: each bad input must give exit status 1 and exactly one
// diagnostic line "gshared: error: ..." (naming the offending file or
// library), never a Go panic, and must leave no output file behind (a
// half-written library would be picked up by the next build step).
func TestBadInputs(t *testing.T) {
	t.Parallel()
	good := objects(t, "vector")[0] // addvec.o, compiled -O2 -fpic
	obj, err := os.ReadFile(good)
	require.NoError(t, err)

	cases := []struct {
		name  string
		input []byte   // written to <file>, nil for none
		file  string   // the input's name; must appear in the message
		args  []string // gshared arguments besides -o
	}{
		{name: "truncated", input: obj[:100], file: "trunc.o"},
		{name: "not-elf", input: []byte("this is not an object file\n"), file: "notelf.o"},
		{name: "i386", input: elf32Object(t), file: "i386.o"},
		{name: "i386-patched", input: patchI386(obj), file: "patched386.o"},
		{name: "wrong-machine", input: patchMachine(obj, elf.EM_AARCH64), file: "aarch64.o"},
		{name: "bad-reloc-symbol", input: badRelocSymbol(t, obj), file: "badsym.o"},
		{name: "missing-file", file: "nosuchfile.o"},
		{name: "missing-library", file: "nosuchlib_e2e", args: []string{"-lnosuchlib_e2e"}},
		{name: "unknown-option", args: []string{"--frobnicate", good}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			args := []string{"-o", "out.so"}
			if c.input != nil {
				writeFile(t, filepath.Join(dir, c.file), string(c.input))
			}
			if c.args != nil {
				args = append(args, c.args...)
			} else {
				args = append(args, c.file)
			}
			r := gshared(t, dir, args...)
			all := r.stdout + r.stderr
			require.NotContains(t, all, "goroutine ", "gshared panicked:\n%s", r)
			require.NotContains(t, all, "panic:", "gshared panicked:\n%s", r)
			require.NoError(t, r.err, "%s", r)
			require.Equal(t, 1, r.code, "want exit status 1:\n%s", r)
			lines := strings.Split(strings.TrimSuffix(r.stderr, "\n"), "\n")
			require.Len(t, lines, 1, "want exactly one line on stderr:\n%s", r)
			require.True(t, strings.HasPrefix(lines[0], "gshared: error:"), "want a \"gshared: error:\" line:\n%s", r)
			if c.file != "" {
				require.Contains(t, lines[0], c.file, "the message must name the file:\n%s", r)
			}
			_, err := os.Stat(filepath.Join(dir, "out.so"))
			require.True(t, os.IsNotExist(err), "out.so exists after a failed link (stat: %v)", err)
		})
	}
}

// elf32Object makes a small but valid ELFCLASS32 EM_386 relocatable object:
// a header, a .text with one `ret`, and .shstrtab.
func elf32Object(t testing.TB) []byte {
	t.Helper()
	shstr := []byte("\x00.text\x00.shstrtab\x00")
	text := []byte{0xc3}
	hdrSize := binary.Size(elf.Header32{})
	textOff := hdrSize
	strOff := textOff + len(text)
	shOff := (strOff + len(shstr) + 3) &^ 3
	h := elf.Header32{
		Type: uint16(elf.ET_REL), Machine: uint16(elf.EM_386), Version: uint32(elf.EV_CURRENT),
		Shoff: uint32(shOff), Ehsize: uint16(hdrSize),
		Shentsize: uint16(binary.Size(elf.Section32{})), Shnum: 3, Shstrndx: 2,
	}
	copy(h.Ident[:], elf.ELFMAG)
	h.Ident[elf.EI_CLASS] = byte(elf.ELFCLASS32)
	h.Ident[elf.EI_DATA] = byte(elf.ELFDATA2LSB)
	h.Ident[elf.EI_VERSION] = byte(elf.EV_CURRENT)
	sections := []elf.Section32{
		{},
		{Name: 1, Type: uint32(elf.SHT_PROGBITS), Flags: uint32(elf.SHF_ALLOC | elf.SHF_EXECINSTR),
			Off: uint32(textOff), Size: uint32(len(text)), Addralign: 1},
		{Name: 7, Type: uint32(elf.SHT_STRTAB), Off: uint32(strOff), Size: uint32(len(shstr)), Addralign: 1},
	}
	var b bytes.Buffer
	require.NoError(t, binary.Write(&b, binary.LittleEndian, h))
	b.Write(text)
	b.Write(shstr)
	b.Write(make([]byte, shOff-b.Len()))
	require.NoError(t, binary.Write(&b, binary.LittleEndian, sections))
	// Sanity check: Go's ELF reader accepts it as an i386 object.
	f, err := elf.NewFile(bytes.NewReader(b.Bytes()))
	require.NoError(t, err)
	require.Equal(t, elf.EM_386, f.Machine)
	return b.Bytes()
}

// patchI386 marks a copy of an x86-64 object as ELFCLASS32/EM_386 without
// changing its layout: the header no longer describes the file, which a
// linker must notice from the class and machine before reading further.
func patchI386(obj []byte) []byte {
	b := patchMachine(obj, elf.EM_386)
	b[elf.EI_CLASS] = byte(elf.ELFCLASS32)
	return b
}

// patchMachine returns a copy of an ELF64 object with e_machine replaced.
func patchMachine(obj []byte, m elf.Machine) []byte {
	b := bytes.Clone(obj)
	binary.LittleEndian.PutUint16(b[18:], uint16(m)) // e_machine in Elf64_Ehdr
	return b
}

// badRelocSymbol returns a copy of an object whose first .rela.text entry
// names symbol 900, far past the end of its symbol table.
func badRelocSymbol(t testing.TB, obj []byte) []byte {
	t.Helper()
	f, err := elf.NewFile(bytes.NewReader(obj))
	require.NoError(t, err)
	rela := f.Section(".rela.text")
	require.NotNil(t, rela, "addvec.o has no .rela.text to corrupt")
	require.NotZero(t, rela.Size)
	syms, err := f.Symbols()
	require.NoError(t, err)
	require.Less(t, len(syms), 900)
	b := bytes.Clone(obj)
	// Elf64_Rela is r_offset, r_info, r_addend; the symbol index is the high
	// half of r_info.
	binary.LittleEndian.PutUint32(b[rela.Offset+12:], 900)
	return b
}
