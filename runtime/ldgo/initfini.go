package main

import "debug/elf"

// initOrder lists the libraries in the order glibc initializes them:
// dependencies before the objects that need them (depth-first post-order
// from the program), the program itself last and left out (its
// initializers are run by its C library's start code since glibc 2.34).
func (l *loader) initOrder(prog *Object) []*Object {
	var order []*Object
	seen := map[*Object]bool{}
	var visit func(o *Object)
	visit = func(o *Object) {
		if seen[o] {
			return
		}
		seen[o] = true
		for _, d := range o.deps {
			visit(d)
		}
		if o != prog {
			order = append(order, o)
		}
	}
	visit(prog)
	if prog.isMain {
		// Preloaded objects are roots of their own.
		for _, o := range l.objs {
			if o.preloaded {
				visit(o)
			}
		}
	}
	return order
}

// initFiniTables builds the initializer table jumpToProgram runs
// ({fn, a1, a2, a3}..., then zeros) and the destructor list finiAll runs.
func (l *loader) initFiniTables(prog *Object, earlyInit uintptr) (inits, finis uintptr) {
	ps := l.ps
	argc, argv, envp := uintptr(ps.argc), ps.argv, ps.envp
	var entries [][4]uintptr
	if earlyInit != 0 {
		entries = append(entries, [4]uintptr{earlyInit, 1, 0, 0})
	}
	for _, fn := range arrayEntries(prog, elf.DT_PREINIT_ARRAY, elf.DT_PREINIT_ARRAYSZ) {
		entries = append(entries, [4]uintptr{fn, argc, argv, envp})
	}
	order := l.initOrder(prog)
	for _, o := range order {
		if v, ok := o.dynVal(elf.DT_INIT); ok {
			entries = append(entries, [4]uintptr{o.bias + uintptr(v), argc, argv, envp})
		}
		for _, fn := range arrayEntries(o, elf.DT_INIT_ARRAY, elf.DT_INIT_ARRAYSZ) {
			entries = append(entries, [4]uintptr{fn, argc, argv, envp})
		}
	}
	inits = arenaAlloc(uintptr(len(entries)+1)*32, 16)
	for i, e := range entries {
		for j, v := range e {
			putPtr(inits+uintptr(i*32+j*8), v)
		}
	}
	// Destructors: the program first, then the libraries in reverse
	// initialization order; each object's DT_FINI_ARRAY backwards, then
	// DT_FINI.
	var fns []uintptr
	addFini := func(o *Object) {
		arr := arrayEntries(o, elf.DT_FINI_ARRAY, elf.DT_FINI_ARRAYSZ)
		for i := len(arr) - 1; i >= 0; i-- {
			fns = append(fns, arr[i])
		}
		if v, ok := o.dynVal(elf.DT_FINI); ok {
			fns = append(fns, o.bias+uintptr(v))
		}
	}
	addFini(prog)
	for i := len(order) - 1; i >= 0; i-- {
		addFini(order[i])
	}
	finis = arenaAlloc(uintptr(len(fns)+1)*8, 8)
	for i, fn := range fns {
		putPtr(finis+uintptr(i)*8, fn)
	}
	return inits, finis
}

// arrayEntries reads an init/fini array (already relocated).
func arrayEntries(o *Object, arrTag, sizeTag elf.DynTag) []uintptr {
	a, ok := o.dynVal(arrTag)
	if !ok {
		return nil
	}
	n := o.dyn[sizeTag] / 8
	out := make([]uintptr, 0, n)
	for i := uint64(0); i < n; i++ {
		fn := getPtr(o.bias + uintptr(a) + uintptr(i)*8)
		if fn != 0 && fn != ^uintptr(0) {
			out = append(out, fn)
		}
	}
	return out
}
