package main

// The vDSO: glibc's libc calls clock_gettime, gettimeofday, time, getcpu
// and clock_getres through GLRO function pointers that ld.so's
// setup_vdso_pointers fills from the kernel's vDSO (AT_SYSINFO_EHDR); left
// NULL, libc makes the system calls instead. The vDSO gets no link_map yet.

// vdsoObject reads the vDSO image the kernel mapped at ehdr.
func vdsoObject(ehdr uintptr) *Object {
	if ehdr == 0 || get32(ehdr) != 0x464c457f {
		return nil
	}
	o := &Object{name: "linux-vdso.so.1", path: "linux-vdso.so.1"}
	phoff, phnum := uintptr(get64(ehdr+0x20)), int(get16(ehdr+0x38))
	adoptMapped(o, ehdr+phoff, phnum, 0)
	// The vDSO has no PT_PHDR: its bias is where its first segment is.
	for _, p := range o.phdrs {
		if p.Type == 1 /* PT_LOAD */ && p.Off == 0 {
			o.bias = ehdr - uintptr(p.Vaddr)
			break
		}
	}
	if err := readDynamic(o); err != nil || o.dynamic == 0 {
		return nil
	}
	return o
}

// fillVDSOPointers sets GLRO(dl_vdso_*) from the vDSO's LINUX_2.6 symbols.
func (g *glibcRoad) fillVDSOPointers(ehdr uintptr) {
	v := vdsoObject(ehdr)
	if v == nil {
		return
	}
	ro := g.globalRO
	for _, f := range []struct {
		name string
		off  uintptr
	}{
		{"__vdso_clock_gettime", g.lay.ro.vdsoClockGettime},
		{"__vdso_gettimeofday", g.lay.ro.vdsoGettimeofday},
		{"__vdso_time", g.lay.ro.vdsoTime},
		{"__vdso_getcpu", g.lay.ro.vdsoGetcpu},
		{"__vdso_clock_getres", g.lay.ro.vdsoClockGetres},
	} {
		if a := symbolAddr(v, f.name); a != 0 {
			putPtr(ro+f.off, a)
		}
	}
}
