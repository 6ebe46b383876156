// Package genlayout computes a glibcLayout entry (runtime/ldgo/glibclayout.go)
// from the DWARF of a glibc build's debug files (Debian: libc6-dbg, found by
// build-id under /usr/lib/debug/.build-id) and renders it as Go source.
//
// Every offset comes from the DWARF of struct rtld_global, rtld_global_ro,
// link_namespaces and link_map (ld.so's debug file) and struct pthread
// (libc's), the same data `gdb -batch -ex 'ptype/o struct rtld_global'
// /lib64/ld-linux-x86-64.so.2` prints. The sizes and the _thread_db_*
// descriptors ldgo checks at start-up are read from the shipped ld.so and
// libc.so.6 themselves and must agree with the DWARF. So must the few
// facts ldgo's code takes for granted instead of reading from the table (bit
// positions in link_map's flag word, fields found next to a tabled one);
// Generate fails if they do not hold.
package genlayout

import (
	"bytes"
	"debug/dwarf"
	"debug/elf"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// Field is one offset of the layout: Group and Name are the Go names in
// glibcLayout (Group "" for the top-level sizes), C the C member (in the
// group's struct) or sizeof it comes from.
type Field struct {
	Group, Name string
	C           string
	Value       uint64
}

// Key is "group.name" ("name" for top-level fields), as the test compares.
func (f Field) Key() string {
	if f.Group == "" {
		return f.Name
	}
	return f.Group + "." + f.Name
}

// Layout is a generated entry.
type Layout struct {
	Func    string // Go function name, e.g. glibc236Debian
	Name    string // the entry's name field
	Release string // glibc's banner version, e.g. "2.36-9+deb12u14"
	Version string // e.g. "2.36"
	Distro  string // e.g. "Debian 12"
	LdsoID  string // build-ids
	LibcID  string
	Fields  []Field
	// ThreadDB is libc's _thread_db_* descriptor offsets ldgo compares, in
	// the order of threadDBNames.
	ThreadDB []Field
}

// Options names the files; empty fields take this machine's.
type Options struct {
	Ldso, Libc string // default /lib64/ld-linux-x86-64.so.2, /lib/x86_64-linux-gnu/libc.so.6
	DebugRoot  string // default /usr/lib/debug
	OSRelease  string // default /etc/os-release, for the distribution's version
	Func, Name string // override the derived names
}

// member is one field of the generated struct: the C member path (dots for
// nested members) in the given struct.
type member struct {
	name, c string
}

var (
	roFields = []member{
		{"platform", "_dl_platform"}, {"platformlen", "_dl_platformlen"},
		{"pagesize", "_dl_pagesize"}, {"minsigstacksize", "_dl_minsigstacksize"},
		{"initialSearchlist", "_dl_initial_searchlist"}, {"clktck", "_dl_clktck"},
		{"debugFd", "_dl_debug_fd"}, {"lazy", "_dl_lazy"}, {"bindNot", "_dl_bind_not"},
		{"fpuControl", "_dl_fpu_control"}, {"hwcap", "_dl_hwcap"}, {"auxv", "_dl_auxv"},
		{"tlsStaticSize", "_dl_tls_static_size"}, {"tlsStaticAlign", "_dl_tls_static_align"},
		{"tlsStaticSurplus", "_dl_tls_static_surplus"}, {"sysinfoDso", "_dl_sysinfo_dso"},
		{"hwcap2", "_dl_hwcap2"}, {"findObject", "_dl_find_object"}, {"dlfcnHook", "_dl_dlfcn_hook"},
		// glibc before 2.34 names these without the _time64 suffixes.
		{"vdsoClockGettime", "_dl_vdso_clock_gettime64|_dl_vdso_clock_gettime"},
		{"vdsoGettimeofday", "_dl_vdso_gettimeofday"}, {"vdsoTime", "_dl_vdso_time"},
		{"vdsoGetcpu", "_dl_vdso_getcpu"},
		{"vdsoClockGetres", "_dl_vdso_clock_getres_time64|_dl_vdso_clock_getres"},
	}
	glFields = []member{
		{"ns", "_dl_ns"}, {"nsSize", "sizeof(struct link_namespaces)"}, {"nns", "_dl_nns"},
		{"loadAdds", "_dl_load_adds"}, {"rtldMap", "_dl_rtld_map"}, {"stackFlags", "_dl_stack_flags"},
		{"tlsMaxDtvIdx", "_dl_tls_max_dtv_idx"}, {"slotinfoList", "_dl_tls_dtv_slotinfo_list"},
		{"tlsStaticNelem", "_dl_tls_static_nelem"}, {"tlsStaticUsed", "_dl_tls_static_used"},
		{"tlsStaticOptional", "_dl_tls_static_optional"}, {"initialDtv", "_dl_initial_dtv"},
		{"tlsGeneration", "_dl_tls_generation"}, {"stackUsed", "_dl_stack_used"},
		{"stackUser", "_dl_stack_user"}, {"stackCache", "_dl_stack_cache"},
	}
	nsFields = []member{
		{"loaded", "_ns_loaded"}, {"nloaded", "_ns_nloaded"}, {"mainSearchlist", "_ns_main_searchlist"},
		{"libcMap", "libc_map"}, {"debug", "_ns_debug"},
	}
	lmFields = []member{
		{"size", "sizeof(struct link_map)"}, {"addr", "l_addr"}, {"name", "l_name"}, {"ld", "l_ld"},
		{"next", "l_next"}, {"prev", "l_prev"}, {"real", "l_real"}, {"ns", "l_ns"}, {"libname", "l_libname"},
		{"info", "l_info"}, {"phdr", "l_phdr"}, {"entry", "l_entry"}, {"phnum", "l_phnum"},
		{"ldnum", "l_ldnum"}, {"searchlist", "l_searchlist"},
		{"symbolicSearchlist", "l_symbolic_searchlist"}, {"loader", "l_loader"},
		{"nbuckets", "l_nbuckets"}, {"gnuBitmaskIdxbits", "l_gnu_bitmask_idxbits"},
		{"gnuShift", "l_gnu_shift"}, {"gnuBitmask", "l_gnu_bitmask"},
		{"gnuBuckets", "l_gnu_buckets"}, {"gnuChainZero", "l_gnu_chain_zero"},
		{"directOpencount", "l_direct_opencount"},
		{"bits", "l_type (its 32-bit bit-field word)"},
		{"mapStart", "l_map_start"}, {"mapEnd", "l_map_end"}, {"textEnd", "l_text_end"},
		{"scopeMem", "l_scope_mem"}, {"scopeMax", "l_scope_max"}, {"scope", "l_scope"},
		{"localScope", "l_local_scope"}, {"fileID", "l_file_id"}, {"flags1", "l_flags_1"},
		{"flags", "l_flags"}, {"tlsInitimage", "l_tls_initimage"},
		{"tlsInitimageSize", "l_tls_initimage_size"}, {"tlsBlocksize", "l_tls_blocksize"},
		{"tlsAlign", "l_tls_align"}, {"tlsFirstbyteOffset", "l_tls_firstbyte_offset"},
		{"tlsOffset", "l_tls_offset"}, {"tlsModid", "l_tls_modid"}, {"relroAddr", "l_relro_addr"},
		{"relroSize", "l_relro_size"}, {"serial", "l_serial"},
	}
	ptFields = []member{
		{"list", "list"}, {"tid", "tid"}, {"robustPrev", "robust_prev"}, {"robustHead", "robust_head"},
		{"specific1stblock", "specific_1stblock"}, {"specific", "specific"},
		{"reportEvents", "report_events"}, {"userStack", "user_stack"},
		{"stackblockSize", "stackblock_size"}, {"rseqArea", "rseq_area"},
	}
	// threadDBNames are the descriptors ldgo compares, with the C member
	// each describes ("struct.member"), to check them against the DWARF.
	threadDBNames = []member{
		{"_thread_db_pthread_list", "pthread.list"},
		{"_thread_db_pthread_tid", "pthread.tid"},
		{"_thread_db_pthread_specific", "pthread.specific"},
		{"_thread_db_pthread_dtvp", "pthread.header.dtv"},
		{"_thread_db_pthread_report_events", "pthread.report_events"},
		{"_thread_db_link_map_l_tls_modid", "link_map.l_tls_modid"},
		{"_thread_db_link_map_l_tls_offset", "link_map.l_tls_offset"},
		{"_thread_db_rtld_global__dl_stack_used", "rtld_global._dl_stack_used"},
		{"_thread_db_rtld_global__dl_stack_user", "rtld_global._dl_stack_user"},
		{"_thread_db_rtld_global__dl_tls_dtv_slotinfo_list", "rtld_global._dl_tls_dtv_slotinfo_list"},
	}
)

// Generate reads the files and computes the layout.
func Generate(o Options) (*Layout, error) {
	if o.Ldso == "" {
		o.Ldso = "/lib64/ld-linux-x86-64.so.2"
	}
	if o.Libc == "" {
		o.Libc = "/lib/x86_64-linux-gnu/libc.so.6"
	}
	if o.DebugRoot == "" {
		o.DebugRoot = "/usr/lib/debug"
	}
	if o.OSRelease == "" {
		o.OSRelease = "/etc/os-release"
	}
	ldso, err := openObject(o.Ldso, o.DebugRoot)
	if err != nil {
		return nil, err
	}
	defer ldso.Close()
	libc, err := openObject(o.Libc, o.DebugRoot)
	if err != nil {
		return nil, err
	}
	defer libc.Close()

	l := &Layout{LdsoID: ldso.buildID, LibcID: libc.buildID}
	if err := l.name(libc, o); err != nil {
		return nil, err
	}

	structs := map[string]*dwarf.StructType{}
	for _, s := range []struct {
		obj  *object
		name string
	}{{ldso, "rtld_global"}, {ldso, "rtld_global_ro"}, {ldso, "link_namespaces"}, {ldso, "link_map"}, {libc, "pthread"}} {
		t, err := s.obj.structType(s.name)
		if err != nil {
			return nil, err
		}
		structs[s.name] = t
	}

	// The sizes ldgo compares with ld.so's dynsym and libc's descriptor.
	gsize, err := ldso.symbolSize("_rtld_global")
	if err != nil {
		return nil, err
	}
	rosize, err := ldso.symbolSize("_rtld_global_ro")
	if err != nil {
		return nil, err
	}
	psize, err := libc.symbolUint32("_thread_db_sizeof_pthread", 0)
	if err != nil {
		return nil, err
	}
	for _, c := range []struct {
		what      string
		got, want uint64
	}{
		{"ld.so's _rtld_global symbol size", gsize, uint64(structs["rtld_global"].ByteSize)},
		{"ld.so's _rtld_global_ro symbol size", rosize, uint64(structs["rtld_global_ro"].ByteSize)},
		{"libc's _thread_db_sizeof_pthread", uint64(psize), uint64(structs["pthread"].ByteSize)},
	} {
		if c.got != c.want {
			return nil, fmt.Errorf("%s is %d but the DWARF says %d: the debug files do not belong to these binaries", c.what, c.got, c.want)
		}
	}
	l.Fields = append(l.Fields,
		Field{"", "rtldGlobalSize", "sizeof(struct rtld_global)", gsize},
		Field{"", "rtldGlobalROSize", "sizeof(struct rtld_global_ro)", rosize},
		Field{"", "pthreadSize", "sizeof(struct pthread)", uint64(psize)})

	add := func(group, strct string, ms []member) error {
		t := structs[strct]
		for _, m := range ms {
			var v uint64
			switch {
			case m.name == "nsSize":
				v = uint64(structs["link_namespaces"].ByteSize)
				if err := checkArray(structs["rtld_global"], "_dl_ns", v); err != nil {
					return err
				}
			case m.name == "size":
				v = uint64(t.ByteSize)
			case m.name == "bits":
				f, err := field(t, "l_type")
				if err != nil {
					return err
				}
				v = f.bitWord()
			default:
				var f located
				var err error
				for _, c := range strings.Split(m.c, "|") {
					if f, err = field(t, c); err == nil {
						m.c = c
						break
					}
				}
				if err != nil {
					return err
				}
				v = f.off
			}
			l.Fields = append(l.Fields, Field{group, m.name, m.c, v})
		}
		return nil
	}
	for _, g := range []struct {
		group, strct string
		ms           []member
	}{{"ro", "rtld_global_ro", roFields}, {"gl", "rtld_global", glFields},
		{"ns", "link_namespaces", nsFields}, {"lm", "link_map", lmFields}, {"pt", "pthread", ptFields}} {
		if err := add(g.group, g.strct, g.ms); err != nil {
			return nil, err
		}
	}

	for _, d := range threadDBNames {
		v, err := libc.symbolUint32(d.name, 8) // DB_STRUCT_FIELD: {bit size, count, offset}
		if err != nil {
			return nil, err
		}
		strct, path, _ := strings.Cut(d.c, ".")
		f, err := field(structs[strct], path)
		if err != nil {
			return nil, err
		}
		if uint64(v) != f.off {
			return nil, fmt.Errorf("libc's %s says %d, the DWARF of struct %s %s %d", d.name, v, strct, path, f.off)
		}
		l.ThreadDB = append(l.ThreadDB, Field{"threadDB", d.name, d.c, uint64(v)})
	}
	if err := checkAssumptions(structs); err != nil {
		return nil, err
	}
	return l, nil
}

// checkAssumptions verifies what ldgo's code relies on without a table
// entry; a glibc where one fails needs code changes, not just an entry.
func checkAssumptions(s map[string]*dwarf.StructType) error {
	lm := s["link_map"]
	word, err := field(lm, "l_type")
	if err != nil {
		return err
	}
	// linkmap.go and dlclose.go set these bits of the word at lm.bits.
	for _, b := range []struct {
		name      string
		bit, size int64
	}{{"l_type", 0, 2}, {"l_relocated", 3, 1}, {"l_init_called", 4, 1}, {"l_global", 5, 1},
		{"l_main_map", 8, 1}, {"l_contiguous", 19, 1}} {
		f, err := field(lm, b.name)
		if err != nil {
			return err
		}
		if f.bitWord() != word.bitWord() || f.bitInWord() != b.bit || f.bitSize != b.size {
			return fmt.Errorf("ldgo assumes link_map.%s is bit %d (%d bits) of the word at %d; the DWARF says bit %d (%d bits) of the word at %d",
				b.name, b.bit, b.size, word.bitWord(), f.bitInWord(), f.bitSize, f.bitWord())
		}
	}
	rel := []struct {
		strct, name, base string
		delta             uint64
		why               string
	}{
		{"link_map", "l_nodelete_active", "l_direct_opencount", 7, "dlclose.go"},
		{"rtld_global", "_dl_load_write_lock", "_dl_nns", 48, "dlfcn.go"},
		{"rtld_global_ro", "_dl_initial_searchlist.r_nlist", "_dl_initial_searchlist", 8, "glibc.go"},
	}
	for _, r := range rel {
		f, err := field(s[r.strct], r.name)
		if err != nil {
			return err
		}
		base, err := field(s[r.strct], r.base)
		if err != nil {
			return err
		}
		if f.off != base.off+r.delta {
			return fmt.Errorf("ldgo (%s) assumes %s.%s is %s + %d; the DWARF says %d, not %d", r.why, r.strct, r.name, r.base, r.delta, f.off, base.off+r.delta)
		}
	}
	return nil
}

// checkArray checks that member name of t is an array of elements of size.
func checkArray(t *dwarf.StructType, name string, size uint64) error {
	f, err := field(t, name)
	if err != nil {
		return err
	}
	a, ok := f.typ.(*dwarf.ArrayType)
	if !ok || uint64(a.Type.Size()) != size {
		return fmt.Errorf("struct %s %s is not an array of %d-byte elements", t.StructName, name, size)
	}
	return nil
}

// located is a member found in a struct, with its offset from the start.
type located struct {
	off      uint64
	typ      dwarf.Type
	bitOff   int64 // offset of a bit-field from the start of the struct, in bits
	bitSize  int64
	byteSize int64 // the bit-field's storage unit
	bitfield bool
}

// bitWord is the offset of the 32-bit word holding a bit-field.
func (f located) bitWord() uint64 {
	if !f.bitfield {
		return f.off
	}
	return uint64(f.bitOff/32) * 4
}

func (f located) bitInWord() int64 { return f.bitOff % 32 }

// field finds a member by a dotted path, looking into anonymous structs and
// unions as C does.
func field(t *dwarf.StructType, path string) (located, error) {
	name, rest, nested := strings.Cut(path, ".")
	f, base, ok := findMember(t, name, 0)
	if !ok {
		return located{}, fmt.Errorf("struct %s has no member %s", t.StructName, name)
	}
	if nested {
		st, ok := stripTypedef(f.Type).(*dwarf.StructType)
		if !ok {
			return located{}, fmt.Errorf("struct %s member %s is not a struct", t.StructName, name)
		}
		inner, err := field(st, rest)
		if err != nil {
			return located{}, err
		}
		inner.off += base + uint64(f.ByteOffset)
		inner.bitOff += int64(base+uint64(f.ByteOffset)) * 8
		return inner, nil
	}
	l := located{off: base + uint64(f.ByteOffset), typ: f.Type}
	if f.BitSize != 0 {
		l.bitfield, l.bitSize, l.byteSize = true, f.BitSize, f.ByteSize
		switch {
		case f.DataBitOffset != 0 || f.BitOffset == 0:
			// DWARF 4/5: from the start of the containing struct.
			l.bitOff = int64(base)*8 + f.DataBitOffset
		default:
			// DWARF 2/3: big-endian bit offset within the storage unit.
			size := f.ByteSize
			if size == 0 {
				size = f.Type.Size()
			}
			l.bitOff = int64(base+uint64(f.ByteOffset))*8 + size*8 - f.BitOffset - f.BitSize
		}
		l.off = uint64(l.bitOff / 8)
	}
	return l, nil
}

func findMember(t *dwarf.StructType, name string, base uint64) (*dwarf.StructField, uint64, bool) {
	for _, f := range t.Field {
		if f.Name == name {
			return f, base, true
		}
	}
	for _, f := range t.Field {
		if f.Name != "" {
			continue
		}
		if st, ok := stripTypedef(f.Type).(*dwarf.StructType); ok {
			if g, b, ok := findMember(st, name, base+uint64(f.ByteOffset)); ok {
				return g, b, true
			}
		}
	}
	return nil, 0, false
}

func stripTypedef(t dwarf.Type) dwarf.Type {
	for {
		switch x := t.(type) {
		case *dwarf.TypedefType:
			t = x.Type
		case *dwarf.QualType:
			t = x.Type
		default:
			return t
		}
	}
}

// object is a shipped binary and the DWARF of its debug file.
type object struct {
	path, buildID string
	bin           *elf.File
	dbg           *elf.File
	dw            *dwarf.Data
}

func (o *object) Close() {
	o.bin.Close()
	if o.dbg != nil && o.dbg != o.bin {
		o.dbg.Close()
	}
}

// openObject opens path and its debug file: the file itself if it has
// DWARF, else DEBUGROOT/.build-id/xx/yyyy.debug, else the .gnu_debuglink
// name under DEBUGROOT/<dir of path> or next to it.
func openObject(path, debugRoot string) (*object, error) {
	bin, err := elf.Open(path)
	if err != nil {
		return nil, err
	}
	o := &object{path: path, bin: bin, buildID: buildID(bin)}
	var tried []string
	try := func(p string) bool {
		tried = append(tried, p)
		f, err := elf.Open(p)
		if err != nil {
			return false
		}
		if f.Section(".debug_info") == nil {
			f.Close()
			return false
		}
		if o.buildID != "" && buildID(f) != "" && buildID(f) != o.buildID {
			f.Close()
			return false
		}
		o.dbg = f
		return true
	}
	switch {
	case bin.Section(".debug_info") != nil:
		o.dbg = bin
	case o.buildID != "" && try(filepath.Join(debugRoot, ".build-id", o.buildID[:2], o.buildID[2:]+".debug")):
	default:
		if s := bin.Section(".gnu_debuglink"); s != nil {
			data, _ := s.Data()
			if i := bytes.IndexByte(data, 0); i > 0 {
				name := string(data[:i])
				real, _ := filepath.EvalSymlinks(path)
				dir := filepath.Dir(real)
				for _, p := range []string{filepath.Join(debugRoot, dir, name), filepath.Join(dir, ".debug", name)} {
					if try(p) {
						break
					}
				}
			}
		}
	}
	if o.dbg == nil {
		bin.Close()
		return nil, fmt.Errorf("no DWARF for %s (build-id %s; tried %s): install the debug symbols (Debian: apt-get install libc6-dbg)",
			path, o.buildID, strings.Join(tried, ", "))
	}
	if o.dw, err = o.dbg.DWARF(); err != nil {
		o.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return o, nil
}

func buildID(f *elf.File) string {
	s := f.Section(".note.gnu.build-id")
	if s == nil {
		return ""
	}
	data, err := s.Data()
	if err != nil || len(data) < 16 {
		return ""
	}
	namesz := binary.LittleEndian.Uint32(data)
	descsz := binary.LittleEndian.Uint32(data[4:])
	start := 12 + (namesz+3)&^3
	if uint32(len(data)) < start+descsz {
		return ""
	}
	return fmt.Sprintf("%x", data[start:start+descsz])
}

// structType is the first complete definition of struct name.
func (o *object) structType(name string) (*dwarf.StructType, error) {
	r := o.dw.Reader()
	for {
		e, err := r.Next()
		if err != nil {
			return nil, fmt.Errorf("%s: reading DWARF: %w", o.path, err)
		}
		if e == nil {
			return nil, fmt.Errorf("%s: no struct %s in the DWARF", o.path, name)
		}
		if e.Tag != dwarf.TagStructType {
			continue
		}
		if n, _ := e.Val(dwarf.AttrName).(string); n != name {
			continue
		}
		if decl, _ := e.Val(dwarf.AttrDeclaration).(bool); decl {
			continue
		}
		t, err := o.dw.Type(e.Offset)
		if err != nil {
			return nil, fmt.Errorf("%s: struct %s: %w", o.path, name, err)
		}
		if st, ok := t.(*dwarf.StructType); ok && !st.Incomplete {
			return st, nil
		}
	}
}

func (o *object) symbol(name string) (elf.Symbol, error) {
	syms, err := o.bin.DynamicSymbols()
	if err != nil {
		return elf.Symbol{}, fmt.Errorf("%s: %w", o.path, err)
	}
	for _, s := range syms {
		if s.Name == name {
			return s, nil
		}
	}
	return elf.Symbol{}, fmt.Errorf("%s does not export %s", o.path, name)
}

func (o *object) symbolSize(name string) (uint64, error) {
	s, err := o.symbol(name)
	return s.Size, err
}

// symbolUint32 reads the 32-bit word at the symbol's address + off from
// the file.
func (o *object) symbolUint32(name string, off uint64) (uint32, error) {
	s, err := o.symbol(name)
	if err != nil {
		return 0, err
	}
	addr := s.Value + off
	for _, p := range o.bin.Progs {
		if p.Type == elf.PT_LOAD && addr >= p.Vaddr && addr+4 <= p.Vaddr+p.Filesz {
			var b [4]byte
			if _, err := p.ReadAt(b[:], int64(addr-p.Vaddr)); err != nil {
				return 0, err
			}
			return binary.LittleEndian.Uint32(b[:]), nil
		}
	}
	return 0, fmt.Errorf("%s: %s is not in the file's data", o.path, name)
}

var bannerRE = regexp.MustCompile(`GNU C Library \(([^)]*?) ?GLIBC ([^)]*)\) [a-z ]*release version ([0-9]+(?:\.[0-9]+)*)`)

// name derives the entry's names from libc's banner
// ("GNU C Library (Debian GLIBC 2.36-9+deb12u14) stable release version
// 2.36.") and, for the distribution's release, os-release.
func (l *Layout) name(libc *object, o Options) error {
	var data []byte
	for _, s := range libc.bin.Sections {
		if s.Name == ".rodata" {
			data, _ = s.Data()
		}
	}
	m := bannerRE.FindSubmatch(data)
	if m == nil {
		return fmt.Errorf("%s: no \"GNU C Library ... release version\" banner", libc.path)
	}
	l.Distro, l.Release, l.Version = string(m[1]), string(m[2]), string(m[3])
	if l.Distro != "" {
		if rel, err := os.ReadFile(o.OSRelease); err == nil {
			id, ver := osRelease(string(rel), "NAME"), osRelease(string(rel), "VERSION_ID")
			if ver != "" && strings.HasPrefix(id, l.Distro) {
				l.Distro += " " + ver
			}
		}
	}
	l.Func = "glibc" + strings.ReplaceAll(l.Version, ".", "")
	l.Name = "glibc " + l.Version
	if l.Distro != "" {
		l.Func += strings.Fields(l.Distro)[0]
		l.Name += " (" + l.Distro + ")"
	}
	if o.Func != "" {
		l.Func = o.Func
	}
	if o.Name != "" {
		l.Name = o.Name
	}
	if !regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`).MatchString(l.Func) {
		return errors.New("the function name " + l.Func + " is not a Go identifier")
	}
	return nil
}

func osRelease(data, key string) string {
	for _, line := range strings.Split(data, "\n") {
		if v, ok := strings.CutPrefix(line, key+"="); ok {
			return strings.Trim(v, `"'`)
		}
	}
	return ""
}
