package main

import (
	"debug/elf"
	"sync/atomic"
	"unsafe"
)

// Lazy binding: PLT slots of lazily bound objects point back into their PLT
// until the first call, which goes through PLT0 to lazyTrampoline and
// lazyBind. lazyBind runs on the calling thread's stack after the hand-off,
// so it and everything it calls is nosplit, allocation-free and writes no Go
// pointers. It reads lazyObjects and lazyScope, built before the hand-off
// and never changed after. Threads binding the same slot at once compute
// the same value; the slot is one aligned 8-byte store.

// lazyObject is what lazyBind needs about one object.
type lazyObject struct {
	bias, symtab, strtab, versym, jmprel, jmprelSize uintptr
	strsz, nsyms                                     uintptr // checked by checkTables
	gnuHash, sysvHash                                uintptr
	versions                                         []lazyVersion // by version index
	path                                             uintptr       // C string, for LDGO_DEBUG
	name                                             uintptr       // C string: the name asked for (answersTo)
	isMain                                           bool

	// Objects loaded by dlopen: the search list besides the global scope
	// (their group; for a namespace other than the base one, the
	// namespace's global scope then the group, and noGlobal), searched
	// after the global scope, or before it with RTLD_DEEPBIND (deep).
	// Entries of unloaded objects become -1.
	local    []int32
	noGlobal bool
	deep     bool
	dlopened bool  // can be unloaded: bindings to it are recorded
	lastDep  int32 // 1 + the last binding recorded from this object
	lostDeps int32 // a binding could not be recorded: keep the global scope
}

// lazyVersion is a version name as a C string and its ELF hash, and for a
// needed version the file it is needed from (noVersionsHere).
type lazyVersion struct {
	hash   uint32
	hidden bool
	name   uintptr
	file   uintptr // C string, 0 for a version the object defines
}

var (
	lazyObjects    []lazyObject
	lazyScope      []int32 // global scope, indices into lazyObjects
	lazyProvided   []lazyProvidedSym
	lazyRtld       = int32(-1) // glibc's ld.so's entry (rtldServes), -1 if none
	lazyDebug      bool
	lazyBindNot    bool // LD_BIND_NOT: resolve every call, never update the GOT
	lazyLoaderName = arenaString("ldgo")
	lazyProgName   uintptr // C string: progName, which begins glibc's error messages
)

type lazyProvidedSym struct {
	name  uintptr // C string
	value uintptr
}

func lazyTrampolineAddr() uintptr
func callResolver(fn uintptr) uintptr

// setupLazy records the objects for lazyBind and points each lazily bound
// object's GOT[1] and GOT[2] at it. It runs after relocation, which has
// rebased the objects' JUMP_SLOT entries instead of binding them.
func setupLazy(scope []*Object, provided map[string]uintptr, debug bool) {
	// Fixed capacity: dlopen appends while other threads read, and the
	// backing arrays must never move under them.
	lazyObjects = make([]lazyObject, 0, maxLazyObjects)
	lazyOwner = make([]*Object, 0, maxLazyObjects)
	lazyScope = make([]int32, 0, maxLazyObjects)
	index := map[*Object]int{}
	for _, o := range scope {
		index[o] = addLazyObject(o, true)
		if o.isRtld {
			lazyRtld = int32(index[o])
		}
	}
	for name, v := range provided {
		lazyProvided = append(lazyProvided, lazyProvidedSym{name: arenaString(name), value: v})
	}
	lazyDebug = debug
	lazyProgName = arenaString(progName)
	for _, o := range scope {
		if !o.lazy {
			continue
		}
		got := o.bias + uintptr(o.dyn[elf.DT_PLTGOT])
		putPtr(got+8, uintptr(index[o]))
		putPtr(got+16, lazyTrampolineAddr())
	}
}

const maxLazyObjects = 4096

// The service's side of lazyObjects: the entry of each object, the object
// of each entry, the entries freed by dlclose (reused), and the C strings
// of the dlopen'ed objects' paths.
var (
	lazyIndex = map[*Object]int{}
	lazyOwner []*Object
	lazyFree  []int
	lazyPaths = map[int][]byte{}
)

// lazyRoom reports whether n more objects can get entries.
func lazyRoom(n int) bool {
	return cap(lazyObjects)-len(lazyObjects)+len(lazyFree) >= n
}

// addLazyObject records o for lazyBind (once) and, if global, appends it
// to the scope lazyBind searches. It returns o's index, -1 if the table
// is full.
func addLazyObject(o *Object, global bool) int {
	if idx, ok := lazyIndex[o]; ok {
		if global && !containsIdx(lazyScope, int32(idx)) && len(lazyScope) < cap(lazyScope) {
			lazyScope = append(lazyScope, int32(idx))
		}
		return idx
	}
	if !lazyRoom(1) {
		return -1
	}
	// The path and the name asked for, one C string after the other.
	names := o.path + "\x00" + o.name
	path := arenaString(names)
	var buf []byte
	dlopened := dl.scopeRoot[o] != nil
	if dlopened {
		// Returned with the entry when o is unloaded.
		buf = append([]byte(names), 0)
		path = uintptr(unsafe.Pointer(&buf[0]))
	}
	lo := lazyObject{bias: o.bias, symtab: o.symtab, strtab: o.strtab, versym: o.versym, strsz: o.strsz, nsyms: o.nsyms,
		gnuHash: o.gnuHash, sysvHash: o.sysvHash, path: path, name: path + uintptr(len(o.path)) + 1,
		isMain: o.isMain, dlopened: dlopened}
	if v, ok := o.dynVal(elf.DT_JMPREL); ok {
		lo.jmprel, lo.jmprelSize = o.bias+uintptr(v), uintptr(o.dyn[elf.DT_PLTRELSZ])
	}
	for _, v := range o.versions {
		lv := lazyVersion{hash: v.hash, hidden: v.hidden}
		if v.name != "" {
			lv.name = arenaString(v.name)
		}
		if v.file != "" {
			lv.file = arenaString(v.file)
		}
		lo.versions = append(lo.versions, lv)
	}
	var idx int
	if n := len(lazyFree); n > 0 {
		idx = lazyFree[n-1]
		lazyFree = lazyFree[:n-1]
		lazyObjects[idx] = lo
		lazyOwner[idx] = o
	} else {
		idx = len(lazyObjects)
		lazyObjects = append(lazyObjects, lo)
		lazyOwner = append(lazyOwner, o)
	}
	lazyIndex[o] = idx
	if buf != nil {
		lazyPaths[idx] = buf
	}
	if global && len(lazyScope) < cap(lazyScope) {
		lazyScope = append(lazyScope, int32(idx))
	}
	return idx
}

func containsIdx(list []int32, idx int32) bool {
	for _, x := range list {
		if x == idx {
			return true
		}
	}
	return false
}

// setLazyScope gives a dlopen'ed object's entry its search list.
func setLazyScope(idx int, local []*Object, noGlobal, deep bool) {
	lo := &lazyObjects[idx]
	l := make([]int32, 0, len(local))
	for _, g := range local {
		if i := addLazyObject(g, false); i >= 0 {
			l = append(l, int32(i))
		}
	}
	lo.local, lo.noGlobal, lo.deep = l, noGlobal, deep
}

// freeLazyObject returns an unloaded object's entry: nothing finds it any
// more (its hash tables are gone from the entry and every search list that
// named it says -1), and the next object gets it.
func freeLazyObject(o *Object) {
	idx, ok := lazyIndex[o]
	if !ok {
		return
	}
	delete(lazyIndex, o)
	lo := &lazyObjects[idx]
	atomic.StoreUintptr(&lo.gnuHash, 0)
	atomic.StoreUintptr(&lo.sysvHash, 0)
	for i := range lazyObjects {
		for j, x := range lazyObjects[i].local {
			if x == int32(idx) {
				atomic.StoreInt32(&lazyObjects[i].local[j], -1)
			}
		}
	}
	for i, x := range lazyScope {
		if x == int32(idx) {
			atomic.StoreInt32(&lazyScope[i], 0)
		}
	}
	lazyOwner[idx] = nil
	delete(lazyPaths, idx)
	lazyFree = append(lazyFree, idx)
}

// Bindings lazyBind makes to dlopen'ed objects (glibc's l_reldeps) go
// through a ring of {from+1, to+1} pairs, which the service drains before
// deciding what dlclose unloads. Writers claim a slot by compare-and-swap
// and then store it; the reader stops at a slot not stored yet.
var (
	lazyDepRing              [1 << 14]uint64
	lazyDepHead, lazyDepTail uint32
)

//go:nosplit
func recordLazyDep(from, to int32) bool {
	for {
		h := atomic.LoadUint32(&lazyDepHead)
		if h-atomic.LoadUint32(&lazyDepTail) >= uint32(len(lazyDepRing)) {
			return false
		}
		if atomic.CompareAndSwapUint32(&lazyDepHead, h, h+1) {
			atomic.StoreUint64(&lazyDepRing[h%uint32(len(lazyDepRing))], uint64(uint32(from)+1)<<32|uint64(uint32(to)+1))
			return true
		}
	}
}

// drainLazyDeps moves the recorded lazy bindings into dl.reldeps.
func drainLazyDeps() {
	t := atomic.LoadUint32(&lazyDepTail)
	for t != atomic.LoadUint32(&lazyDepHead) {
		slot := &lazyDepRing[t%uint32(len(lazyDepRing))]
		v := atomic.LoadUint64(slot)
		if v == 0 {
			break
		}
		atomic.StoreUint64(slot, 0)
		t++
		from, to := int(v>>32)-1, int(uint32(v))-1
		if from < 0 || to < 0 || from >= len(lazyOwner) || to >= len(lazyOwner) {
			continue
		}
		f, d := lazyOwner[from], lazyOwner[to]
		if f == nil || d == nil || f == d || dl.initial[d] {
			continue
		}
		if dl.reldeps[f] == nil {
			dl.reldeps[f] = map[*Object]bool{}
		}
		dl.reldeps[f][d] = true
	}
	atomic.StoreUint32(&lazyDepTail, t)
}

// lostLazyDeps reports whether o made a binding the ring had no room for.
func lostLazyDeps(o *Object) bool {
	idx, ok := lazyIndex[o]
	return ok && atomic.LoadInt32(&lazyObjects[idx].lostDeps) != 0
}

// lazyBind resolves PLT relocation relIndex of object objIndex, stores the
// address in its GOT slot and returns it for the trampoline to jump to.
//
//go:nosplit
func lazyBind(objIndex, relIndex uintptr) uintptr {
	if objIndex >= uintptr(len(lazyObjects)) {
		lazyFail(0, 0, false, 0)
	}
	o := &lazyObjects[objIndex]
	rel := o.jmprel + relIndex*24
	if relIndex*24 >= o.jmprelSize {
		lazyFail(o.path, 0, false, 0)
	}
	where := o.bias + uintptr(get64(rel))
	info := get64(rel + 8)
	sym := o.symtab + uintptr(info>>32)*symSize
	nameOff := uintptr(get32(sym + symName))
	if nameOff >= o.strsz {
		// Relocation checked every other symbol's name; symbol 0's
		// (a corrupt file's JUMP_SLOT against it) lies outside the
		// string table. glibc looks up whatever bytes are there and
		// reports them undefined; the resolver must not fault reading
		// them: it reports the symbol without a name.
		lazyFail(o.path, 0, false, 0)
	}
	name := o.strtab + nameOff
	var verHash uint32
	var verName, verFile uintptr
	verHidden := false
	if o.versym != 0 {
		ndx := uintptr(get16(o.versym+uintptr(info>>32)*2) & 0x7fff)
		if ndx < uintptr(len(o.versions)) && o.versions[ndx].hash != 0 {
			v := &o.versions[ndx]
			verHash, verName, verHidden, verFile = v.hash, v.name, v.hidden, v.file
		}
	}
	value := uintptr(0)
	var def *lazyObject
	defPath := uintptr(0)
	for i := 0; i < len(lazyProvided); i++ {
		// As relocator.rtldServes: a version ld.so lacks is not served.
		if cstrEqual(lazyProvided[i].name, name) && (verHash == 0 || lazyRtld < 0 ||
			lazyObjects[lazyRtld].lookupC(name, gnuHashC(name), verHash, verName, verHidden) != 0) {
			value = lazyProvided[i].value
			def = o
			defPath = lazyLoaderName
		}
	}
	if def == nil {
		h := gnuHashC(name)
		idx, s := int32(-1), uintptr(0)
		if o.deep {
			idx, s = lazySearch(o.local, name, h, verHash, verName, verHidden)
		}
		if s == 0 && !o.noGlobal {
			idx, s = lazySearch(lazyScope, name, h, verHash, verName, verHidden)
		}
		if s == 0 && !o.deep {
			idx, s = lazySearch(o.local, name, h, verHash, verName, verHidden)
		}
		if s != 0 {
			d := &lazyObjects[idx]
			if verFile != 0 && d.versym == 0 && (cstrEqual(verFile, d.name) || cstrEqual(verFile, d.path)) {
				lazyFailUnversioned(o.path, name, verName, d.path)
			}
			def = d
			value = d.bias + uintptr(get64(s+symValue))
			if get16(s+symShndx) == uint16(elf.SHN_ABS) {
				value = uintptr(get64(s + symValue))
			}
			defPath = d.path
			if elf.ST_TYPE(get8(s+symInfo)) == elf.STT_GNU_IFUNC {
				value = callResolver(value)
			}
			if d.dlopened && uintptr(idx) != objIndex && atomic.LoadInt32(&o.lastDep) != idx+1 {
				if recordLazyDep(int32(objIndex), idx) {
					atomic.StoreInt32(&o.lastDep, idx+1)
				} else {
					atomic.StoreInt32(&o.lostDeps, 1)
				}
			}
		}
	}
	if def == nil {
		if elf.ST_BIND(get8(sym+symInfo)) != elf.STB_WEAK {
			lazyFail(o.path, name, verHash != 0, verName)
		}
	}
	if lazyDebug && def != nil {
		writeDebugPrefix(2)
		writeStr(2, "binding file ")
		writeC(2, o.path)
		writeStr(2, " [0] to ")
		writeC(2, defPath)
		writeStr(2, " [0]")
		writeStr(2, ": lazy symbol `")
		writeC(2, name)
		writeStr(2, "'\n")
	}
	if !lazyBindNot {
		putPtr(where, value)
	}
	return value
}

// lazySearch looks a PLT reference up in a list of entries; -1 entries
// (unloaded objects) are skipped.
//
//go:nosplit
func lazySearch(list []int32, name uintptr, h, verHash uint32, verName uintptr, verHidden bool) (int32, uintptr) {
	for i := 0; i < len(list); i++ {
		idx := atomic.LoadInt32(&list[i])
		if idx < 0 || int(idx) >= len(lazyObjects) {
			continue
		}
		if s := lazyObjects[idx].lookupC(name, h, verHash, verName, verHidden); s != 0 {
			return idx, s
		}
	}
	return -1, 0
}

// lazyFail prints glibc's symbol lookup error, which names the program as
// the start-up errors do (_dl_argv[0]) and, for a versioned reference,
// the version, and exits 127.
//
//go:nosplit
func lazyFail(path, name uintptr, versioned bool, version uintptr) {
	writeC(2, lazyProgName)
	writeStr(2, ": symbol lookup error: ")
	writeC(2, path)
	writeStr(2, ": undefined symbol: ")
	writeC(2, name)
	if versioned {
		writeStr(2, ", version ")
		writeC(2, version)
	}
	writeStr(2, "\n")
	rawSyscall6(231, 127, 0, 0, 0, 0, 0)
}

// lazyFailUnversioned is lazyFail for noVersionsHere's case: the symbol
// was found without version information in the file its version is
// needed from.
//
//go:nosplit
func lazyFailUnversioned(path, name, version, defPath uintptr) {
	writeC(2, lazyProgName)
	writeStr(2, ": symbol lookup error: ")
	writeC(2, path)
	writeStr(2, ": symbol ")
	writeC(2, name)
	writeStr(2, ", version ")
	writeC(2, version)
	writeStr(2, ", "+unversionedDefinition+" ")
	writeC(2, defPath)
	writeStr(2, "\n")
	rawSyscall6(231, 127, 0, 0, 0, 0, 0)
}

// writeStr writes a string to fd with a raw system call.
//
//go:nosplit
func writeStr(fd uintptr, v string) {
	if len(v) > 0 {
		rawSyscall6(1, fd, stringData(v), uintptr(len(v)), 0, 0, 0)
	}
}

// writeDebugPrefix writes LDGO_DEBUG's "     PID:\t" for the calling
// process (a forked child has its own pid).
//
//go:nosplit
func writeDebugPrefix(fd uintptr) {
	var buf [16]byte
	pid := rawSyscall6(39, 0, 0, 0, 0, 0, 0) // getpid
	i := len(buf) - 2
	buf[len(buf)-2], buf[len(buf)-1] = ':', '\t'
	for {
		i--
		buf[i] = byte('0' + pid%10)
		pid /= 10
		if pid == 0 || i == 0 {
			break
		}
	}
	for i > 4 {
		i--
		buf[i] = ' '
	}
	rawSyscall6(1, fd, uintptr(unsafe.Pointer(&buf[i])), uintptr(len(buf)-i), 0, 0, 0)
}

// writeC writes the C string at p to fd.
//
//go:nosplit
func writeC(fd, p uintptr) {
	if p != 0 {
		rawSyscall6(1, fd, p, cstrLen(p), 0, 0, 0)
	}
}

//go:nosplit
func cstrLen(p uintptr) uintptr {
	n := uintptr(0)
	for get8(p+n) != 0 {
		n++
	}
	return n
}

//go:nosplit
func cstrEqual(a, b uintptr) bool {
	for i := uintptr(0); ; i++ {
		x, y := get8(a+i), get8(b+i)
		if x != y {
			return false
		}
		if x == 0 {
			return true
		}
	}
}

// gnuHashC is dynsym.GNUHash over a C string.
//
//go:nosplit
func gnuHashC(p uintptr) uint32 {
	h := uint32(5381)
	for c := get8(p); c != 0; p, c = p+1, get8(p+1) {
		h = h*33 + uint32(c)
	}
	return h
}

// sysvHashC is dynsym.SysVHash over a C string.
//
//go:nosplit
func sysvHashC(p uintptr) uint32 {
	var h uint32
	for c := get8(p); c != 0; p, c = p+1, get8(p+1) {
		h = h<<4 + uint32(c)
		g := h & 0xf0000000
		h ^= g >> 24
		h &^= g
	}
	return h
}

// lookupC is lookupIn for a C-string name, as glibc's check_match for a
// PLT reference.
//
//go:nosplit
func (o *lazyObject) lookupC(name uintptr, h1 uint32, verHash uint32, verName uintptr, verHidden bool) uintptr {
	var versioned uintptr
	nversioned := 0
	// Each hash pointer is read once: dlclose zeroes them (freeLazyObject).
	if g := atomic.LoadUintptr(&o.gnuHash); g != 0 {
		nbuckets, symoffset, bloomSize, shift := get32(g), get32(g+4), get32(g+8), get32(g+12)
		if nbuckets == 0 || bloomSize == 0 {
			return 0
		}
		bloom := g + 16
		buckets := bloom + uintptr(bloomSize)*8
		chain := buckets + uintptr(nbuckets)*4
		word := get64(bloom + uintptr((h1/64)%bloomSize)*8)
		mask := uint64(1)<<(h1%64) | uint64(1)<<((h1>>shift)%64)
		if word&mask != mask {
			return 0
		}
		i := get32(buckets + uintptr(h1%nbuckets)*4)
		if i == 0 || i < symoffset {
			return 0
		}
		for {
			h2 := get32(chain + uintptr(i-symoffset)*4)
			if h1|1 == h2|1 && o.matchC(i, name, verHash, verName, verHidden, &versioned, &nversioned) {
				return o.symtab + uintptr(i)*symSize
			}
			if h2&1 != 0 {
				break
			}
			i++
		}
	} else if sh := atomic.LoadUintptr(&o.sysvHash); sh != 0 {
		nbucket := get32(sh)
		if nbucket == 0 {
			return 0
		}
		buckets := sh + 8
		chains := buckets + uintptr(nbucket)*4
		i := get32(buckets + uintptr(sysvHashC(name)%nbucket)*4)
		for n := uintptr(0); i != 0 && n < o.nsyms; i, n = get32(chains+uintptr(i)*4), n+1 {
			if o.matchC(i, name, verHash, verName, verHidden, &versioned, &nversioned) {
				return o.symtab + uintptr(i)*symSize
			}
		}
	}
	if nversioned == 1 {
		return versioned
	}
	return 0
}

//go:nosplit
func (o *lazyObject) matchC(idx uint32, name uintptr, verHash uint32, verName uintptr, verHidden bool, versioned *uintptr, nversioned *int) bool {
	s := o.symtab + uintptr(idx)*symSize
	info := get8(s + symInfo)
	typ := elf.ST_TYPE(info)
	if get16(s+symShndx) == 0 || (get64(s+symValue) == 0 && typ != elf.STT_TLS) {
		return false
	}
	switch typ {
	case elf.STT_NOTYPE, elf.STT_OBJECT, elf.STT_FUNC, elf.STT_COMMON, elf.STT_TLS, elf.STT_GNU_IFUNC:
	default:
		return false
	}
	switch elf.ST_BIND(info) {
	case elf.STB_GLOBAL, elf.STB_WEAK, stbGNUUnique:
	default:
		return false
	}
	if off := uintptr(get32(s + symName)); off >= o.strsz || !cstrEqual(o.strtab+off, name) {
		return false
	}
	if o.versym == 0 {
		return true
	}
	raw := get16(o.versym + uintptr(idx)*2)
	ndx := uintptr(raw & 0x7fff)
	var defHash uint32
	var defName uintptr
	if ndx < uintptr(len(o.versions)) {
		defHash, defName = o.versions[ndx].hash, o.versions[ndx].name
	}
	if verName != 0 {
		if defHash == verHash && defName != 0 && cstrEqual(defName, verName) {
			return true
		}
		return !verHidden && defHash == 0 && raw&0x8000 == 0
	}
	if ndx >= 3 {
		if raw&0x8000 == 0 {
			if *nversioned == 0 {
				*versioned = s
			}
			*nversioned++
		}
		return false
	}
	return true
}
