package main

import "fmt"

// glibcLayout holds the offsets of the glibc-internal structures the loader
// fills. They are specific to a glibc build; each entry comes from libc6-dbg
// DWARF (gdb -batch -ex 'ptype/o struct rtld_global' ld.so) and is checked at
// start-up against what the build exports for debuggers.
type glibcLayout struct {
	name string

	// Checked against the dynsym sizes and libc's _thread_db_* descriptors.
	rtldGlobalSize   uint64
	rtldGlobalROSize uint64
	pthreadSize      uint32

	ro struct { // struct rtld_global_ro
		platform, platformlen, pagesize, minsigstacksize, initialSearchlist,
		clktck, debugFd, lazy, bindNot, fpuControl, hwcap, auxv,
		tlsStaticSize, tlsStaticAlign, tlsStaticSurplus, sysinfoDso,
		hwcap2, findObject, dlfcnHook, vdsoClockGettime, vdsoGettimeofday,
		vdsoTime, vdsoGetcpu, vdsoClockGetres uintptr
	}
	gl struct { // struct rtld_global
		ns, nsSize, nns, loadAdds, rtldMap, stackFlags, tlsMaxDtvIdx,
		slotinfoList, tlsStaticNelem, tlsStaticUsed, tlsStaticOptional,
		initialDtv, tlsGeneration, stackUsed, stackUser, stackCache uintptr
	}
	ns struct { // struct link_namespaces
		loaded, nloaded, mainSearchlist, libcMap, debug uintptr
	}
	lm struct { // struct link_map
		size, addr, name, ld, next, prev, real, ns, libname, info, phdr, entry,
		phnum, ldnum, searchlist, symbolicSearchlist, loader, nbuckets,
		gnuBitmaskIdxbits, gnuShift, gnuBitmask, gnuBuckets, gnuChainZero,
		directOpencount, bits, mapStart, mapEnd, textEnd, scopeMem,
		scopeMax, scope, localScope, fileID, flags1, flags, tlsInitimage,
		tlsInitimageSize, tlsBlocksize, tlsAlign, tlsFirstbyteOffset,
		tlsOffset, tlsModid, relroAddr, relroSize, serial uintptr
	}
	pt struct { // struct pthread
		list, tid, robustPrev, robustHead, specific1stblock, specific,
		reportEvents, userStack, stackblockSize, rseqArea uintptr
	}
	// Values of libc's _thread_db_* descriptors (offset field) to compare.
	threadDB map[string]uint32
}

// glibcLayouts are the layouts the loader knows.
var glibcLayouts = []*glibcLayout{glibc236Debian()}

// glibc236Debian is glibc 2.36-9+deb12u14 (Debian 12), from libc6-dbg.
func glibc236Debian() *glibcLayout {
	l := &glibcLayout{name: "glibc 2.36 (Debian 12)", rtldGlobalSize: 4336, rtldGlobalROSize: 896, pthreadSize: 2368}
	r := &l.ro
	r.platform, r.platformlen, r.pagesize, r.minsigstacksize = 8, 16, 24, 32
	r.initialSearchlist, r.clktck, r.debugFd, r.lazy, r.bindNot = 48, 64, 72, 76, 80
	r.fpuControl, r.hwcap, r.auxv = 88, 96, 104
	r.tlsStaticSize, r.tlsStaticAlign, r.tlsStaticSurplus = 672, 680, 688
	r.sysinfoDso, r.hwcap2, r.findObject, r.dlfcnHook = 720, 776, 864, 872
	r.vdsoClockGettime, r.vdsoGettimeofday, r.vdsoTime, r.vdsoGetcpu, r.vdsoClockGetres = 736, 744, 752, 760, 768
	g := &l.gl
	g.ns, g.nsSize, g.nns, g.loadAdds, g.rtldMap = 0, 160, 2560, 2688, 2736
	g.stackFlags, g.tlsMaxDtvIdx, g.slotinfoList = 4192, 4200, 4208
	g.tlsStaticNelem, g.tlsStaticUsed, g.tlsStaticOptional = 4216, 4224, 4232
	g.initialDtv, g.tlsGeneration = 4240, 4248
	g.stackUsed, g.stackUser, g.stackCache = 4264, 4280, 4296
	n := &l.ns
	n.loaded, n.nloaded, n.mainSearchlist, n.libcMap, n.debug = 0, 8, 16, 32, 112
	m := &l.lm
	m.size, m.addr, m.name, m.ld, m.next, m.prev, m.real, m.ns = 1192, 0, 8, 16, 24, 32, 40, 48
	m.libname, m.info, m.phdr, m.entry, m.phnum, m.ldnum = 56, 64, 704, 712, 720, 722
	m.searchlist, m.symbolicSearchlist, m.loader = 728, 744, 760
	m.nbuckets, m.gnuBitmaskIdxbits, m.gnuShift, m.gnuBitmask = 780, 784, 788, 792
	m.gnuBuckets, m.gnuChainZero, m.directOpencount, m.bits = 800, 808, 816, 820
	m.mapStart, m.mapEnd, m.textEnd, m.scopeMem, m.scopeMax = 880, 888, 896, 904, 936
	m.scope, m.localScope, m.fileID, m.flags1, m.flags = 944, 952, 968, 1036, 1040
	m.tlsInitimage, m.tlsInitimageSize, m.tlsBlocksize, m.tlsAlign = 1104, 1112, 1120, 1128
	m.tlsFirstbyteOffset, m.tlsOffset, m.tlsModid = 1136, 1144, 1152
	m.relroAddr, m.relroSize, m.serial = 1168, 1176, 1184
	p := &l.pt
	p.list, p.tid, p.robustPrev, p.robustHead = 704, 720, 728, 736
	p.specific1stblock, p.specific, p.reportEvents, p.userStack = 784, 1296, 1553, 1554
	p.stackblockSize, p.rseqArea = 1688, 2336
	l.threadDB = map[string]uint32{
		"_thread_db_pthread_list":                          704,
		"_thread_db_pthread_tid":                           720,
		"_thread_db_pthread_specific":                      1296,
		"_thread_db_pthread_dtvp":                          8,
		"_thread_db_pthread_report_events":                 1553,
		"_thread_db_link_map_l_tls_modid":                  1152,
		"_thread_db_link_map_l_tls_offset":                 1144,
		"_thread_db_rtld_global__dl_stack_used":            4264,
		"_thread_db_rtld_global__dl_stack_user":            4280,
		"_thread_db_rtld_global__dl_tls_dtv_slotinfo_list": 4208,
	}
	return l
}

// chooseGlibcLayout picks the known layout that matches what this glibc
// exports: ld.so's _rtld_global(_ro) sizes and libc's thread_db descriptors
// (a DB_STRUCT_FIELD is {bit size, count, offset} as three uint32).
func chooseGlibcLayout(rtld, libc *Object) (*glibcLayout, error) {
	gsize := symbolSize(rtld, "_rtld_global")
	rosize := symbolSize(rtld, "_rtld_global_ro")
	var pthreadSize uint32
	if a := symbolAddr(libc, "_thread_db_sizeof_pthread"); a != 0 {
		pthreadSize = get32(a)
	}
next:
	for _, l := range glibcLayouts {
		if l.rtldGlobalSize != gsize || l.rtldGlobalROSize != rosize || l.pthreadSize != pthreadSize {
			continue
		}
		for name, off := range l.threadDB {
			a := symbolAddr(libc, name)
			if a == 0 || get32(a+8) != off {
				continue next
			}
		}
		return l, nil
	}
	return nil, fmt.Errorf("unknown glibc layout (%s; _rtld_global %d bytes, _rtld_global_ro %d, struct pthread %d): ldgo has no table for this glibc build",
		glibcVersion(libc), gsize, rosize, pthreadSize)
}

// glibcVersion names the glibc build for error messages: its version string
// and GNU build-id.
func glibcVersion(libc *Object) string {
	v := "glibc " + libc.path
	if id := buildID(libc); id != "" {
		v += " build-id " + id
	}
	return v
}
