package main

import (
	"fmt"
	"path/filepath"
)

// Namespaces (dlmopen). Every object belongs to one namespace (Object.ns);
// namespace 0 is the base one (the start-up set and plain dlopens). A
// namespace has its own name and file tables, so the same file is mapped
// once per namespace with its own data, and its own global scope: the
// group of the first object dlmopen'ed into it, then the groups opened in
// it with RTLD_GLOBAL. Objects of a namespace bind only within it, except
// glibc's own libraries, which every namespace shares with the base
// namespace (sharedWithBase): there is one libc, one malloc, one stdio,
// one set of threads in the process. glibc instead loads a fresh libc per
// namespace and stops at 16 namespaces; ldgo's limit is maxNamespaces.
//
// glibc's data: namespaces 1..15 are linked in _rtld_global._dl_ns[N]
// with l_ns = N, as glibc would, so libc's dl_iterate_phdr called from
// code in such a namespace reports that namespace, and _dl_nns covers
// them. Namespaces from 16 on have no slot: their link maps are appended
// to _dl_ns[0]'s list with l_ns = 0 (ld.so's _dl_find_dso_for_object
// asserts l_ns equals the list it walks), so dl_iterate_phdr from the base
// namespace, gdb and _dl_find_dso_for_object see them; dl_iterate_phdr
// called from their own code reports namespace 0 and the other overflow
// namespaces. _dl_find_object (ldgo's) covers every object of every
// namespace. dlinfo(RTLD_DI_LMID) answers from Object.ns, not l_ns.

const (
	lmIDBase      = 0
	lmIDNewLM     = -1
	dlNNS         = 16 // glibc's DL_NNS: slots in _rtld_global._dl_ns
	maxNamespaces = 1 << 16
)

// namespace is one link-map namespace other than the base one.
type namespace struct {
	byName map[string]*Object
	byFile map[[2]uint64]*Object
	global []*Object // the namespace's global scope
}

var (
	namespaces = map[int]*namespace{}
	baseByName map[string]*Object
	baseByFile map[[2]uint64]*Object
)

// sharedWithBase reports whether a DT_NEEDED or dlopen name is one of
// glibc's own libraries, which all namespaces take from the base one.
func sharedWithBase(name string) bool {
	switch filepath.Base(name) {
	case "libc.so.6", "ld-linux-x86-64.so.2", "libm.so.6", "libmvec.so.1",
		"libpthread.so.0", "libdl.so.2", "librt.so.1", "libutil.so.1",
		"libresolv.so.2", "libanl.so.1", "libBrokenLocale.so.1",
		"libnss_files.so.2", "libnss_dns.so.2", "libc_malloc_debug.so.0":
		return true
	}
	return false
}

// enterNS makes the loader's name and file tables those of namespace n
// and returns the namespace it was in.
func (l *loader) enterNS(n int) int {
	if baseByName == nil {
		baseByName, baseByFile = l.byName, l.byFile
	}
	old := l.curNS
	l.curNS = n
	if n == 0 {
		l.byName, l.byFile = baseByName, baseByFile
		return old
	}
	ns := namespaces[n]
	l.byName, l.byFile = ns.byName, ns.byFile
	return old
}

// tablesOf are the name and file tables of an object's namespace.
func (l *loader) tablesOf(o *Object) (map[string]*Object, map[[2]uint64]*Object) {
	if o.ns == 0 {
		if baseByName == nil {
			return l.byName, l.byFile
		}
		return baseByName, baseByFile
	}
	if ns := namespaces[o.ns]; ns != nil {
		return ns.byName, ns.byFile
	}
	return nil, nil
}

// newNamespace allocates the lowest free namespace id.
func newNamespace() (int, error) {
	for id := 1; id < maxNamespaces; id++ {
		if namespaces[id] == nil {
			namespaces[id] = &namespace{byName: map[string]*Object{}, byFile: map[[2]uint64]*Object{}}
			return id, nil
		}
	}
	return 0, fmt.Errorf("no more namespaces available for dlmopen(): Invalid argument")
}

// dropEmptyNamespaces frees namespaces that have no objects left.
func (l *loader) dropEmptyNamespaces() {
	used := map[int]bool{}
	for _, o := range l.objs {
		used[o.ns] = true
	}
	for id := range namespaces {
		if !used[id] && id != l.curNS {
			delete(namespaces, id)
		}
	}
}

// globalScopeOf is the global scope of namespace n.
func (l *loader) globalScopeOf(r *relocator, n int) []*Object {
	if n == 0 {
		return r.scope
	}
	if ns := namespaces[n]; ns != nil {
		return ns.global
	}
	return nil
}

// addNSGlobal appends objects to namespace n's global scope.
func addNSGlobal(n int, objs []*Object) {
	ns := namespaces[n]
	if ns == nil {
		return
	}
	for _, o := range objs {
		if !containsObj(ns.global, o) {
			ns.global = append(ns.global, o)
		}
	}
}

// linkList is the _dl_ns slot whose list holds o's link map.
func linkList(o *Object) int {
	if o.ns > 0 && o.ns < dlNNS {
		return o.ns
	}
	return 0
}

// dlmopen loads file into namespace lmid (LM_ID_NEWLM: a new one), with
// glibc's checks and messages.
func (l *loader) dlmopen(r *relocator, lmid uintptr, fileAddr uintptr, mode int, caller uintptr) (uintptr, uintptr, error) {
	id := int(int64(lmid))
	if id == lmIDBase {
		return l.dlopenNS(r, 0, fileAddr, mode, caller)
	}
	if fileAddr == 0 {
		return 0, 0, fmt.Errorf("invalid namespace: Invalid argument")
	}
	if id == lmIDNewLM && mode&rtldGlobal != 0 {
		return 0, 0, fmt.Errorf("invalid mode: Invalid argument")
	}
	file := cstring(fileAddr)
	switch {
	case id == lmIDNewLM:
		n, err := newNamespace()
		if err != nil {
			return 0, 0, fmt.Errorf("%s: %v", file, err)
		}
		h, t, err := l.dlopenNS(r, n, fileAddr, mode, caller)
		if err != nil || h == 0 {
			l.dropEmptyNamespaces()
		}
		return h, t, err
	case id > 0 && namespaces[id] != nil:
		return l.dlopenNS(r, id, fileAddr, mode, caller)
	}
	return 0, 0, fmt.Errorf("%s: invalid target namespace in dlmopen(): Invalid argument", file)
}
