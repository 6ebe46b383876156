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

// glibc236Debian is glibc 2.36-9+deb12u14 (Debian 12), generated from its DWARF by
// runtime/ldgo/gen-layout.sh: ld.so build-id 7ebc65e52f2bbea498b4040fa92f7238377aaba9,
// libc.so.6 build-id 93ac61ec5a8eb1396f9fbd350e3169a558528a40.
func glibc236Debian() *glibcLayout {
	l := &glibcLayout{name: "glibc 2.36 (Debian 12)", rtldGlobalSize: 4336, rtldGlobalROSize: 896, pthreadSize: 2368}
	r := &l.ro
	r.platform = 8           // _dl_platform
	r.platformlen = 16       // _dl_platformlen
	r.pagesize = 24          // _dl_pagesize
	r.minsigstacksize = 32   // _dl_minsigstacksize
	r.initialSearchlist = 48 // _dl_initial_searchlist
	r.clktck = 64            // _dl_clktck
	r.debugFd = 72           // _dl_debug_fd
	r.lazy = 76              // _dl_lazy
	r.bindNot = 80           // _dl_bind_not
	r.fpuControl = 88        // _dl_fpu_control
	r.hwcap = 96             // _dl_hwcap
	r.auxv = 104             // _dl_auxv
	r.tlsStaticSize = 672    // _dl_tls_static_size
	r.tlsStaticAlign = 680   // _dl_tls_static_align
	r.tlsStaticSurplus = 688 // _dl_tls_static_surplus
	r.sysinfoDso = 720       // _dl_sysinfo_dso
	r.hwcap2 = 776           // _dl_hwcap2
	r.findObject = 864       // _dl_find_object
	r.dlfcnHook = 872        // _dl_dlfcn_hook
	r.vdsoClockGettime = 736 // _dl_vdso_clock_gettime64
	r.vdsoGettimeofday = 744 // _dl_vdso_gettimeofday
	r.vdsoTime = 752         // _dl_vdso_time
	r.vdsoGetcpu = 760       // _dl_vdso_getcpu
	r.vdsoClockGetres = 768  // _dl_vdso_clock_getres_time64
	g := &l.gl
	g.ns = 0                   // _dl_ns
	g.nsSize = 160             // sizeof(struct link_namespaces)
	g.nns = 2560               // _dl_nns
	g.loadAdds = 2688          // _dl_load_adds
	g.rtldMap = 2736           // _dl_rtld_map
	g.stackFlags = 4192        // _dl_stack_flags
	g.tlsMaxDtvIdx = 4200      // _dl_tls_max_dtv_idx
	g.slotinfoList = 4208      // _dl_tls_dtv_slotinfo_list
	g.tlsStaticNelem = 4216    // _dl_tls_static_nelem
	g.tlsStaticUsed = 4224     // _dl_tls_static_used
	g.tlsStaticOptional = 4232 // _dl_tls_static_optional
	g.initialDtv = 4240        // _dl_initial_dtv
	g.tlsGeneration = 4248     // _dl_tls_generation
	g.stackUsed = 4264         // _dl_stack_used
	g.stackUser = 4280         // _dl_stack_user
	g.stackCache = 4296        // _dl_stack_cache
	n := &l.ns
	n.loaded = 0          // _ns_loaded
	n.nloaded = 8         // _ns_nloaded
	n.mainSearchlist = 16 // _ns_main_searchlist
	n.libcMap = 32        // libc_map
	n.debug = 112         // _ns_debug
	m := &l.lm
	m.size = 1192               // sizeof(struct link_map)
	m.addr = 0                  // l_addr
	m.name = 8                  // l_name
	m.ld = 16                   // l_ld
	m.next = 24                 // l_next
	m.prev = 32                 // l_prev
	m.real = 40                 // l_real
	m.ns = 48                   // l_ns
	m.libname = 56              // l_libname
	m.info = 64                 // l_info
	m.phdr = 704                // l_phdr
	m.entry = 712               // l_entry
	m.phnum = 720               // l_phnum
	m.ldnum = 722               // l_ldnum
	m.searchlist = 728          // l_searchlist
	m.symbolicSearchlist = 744  // l_symbolic_searchlist
	m.loader = 760              // l_loader
	m.nbuckets = 780            // l_nbuckets
	m.gnuBitmaskIdxbits = 784   // l_gnu_bitmask_idxbits
	m.gnuShift = 788            // l_gnu_shift
	m.gnuBitmask = 792          // l_gnu_bitmask
	m.gnuBuckets = 800          // l_gnu_buckets
	m.gnuChainZero = 808        // l_gnu_chain_zero
	m.directOpencount = 816     // l_direct_opencount
	m.bits = 820                // l_type (its 32-bit bit-field word)
	m.mapStart = 880            // l_map_start
	m.mapEnd = 888              // l_map_end
	m.textEnd = 896             // l_text_end
	m.scopeMem = 904            // l_scope_mem
	m.scopeMax = 936            // l_scope_max
	m.scope = 944               // l_scope
	m.localScope = 952          // l_local_scope
	m.fileID = 968              // l_file_id
	m.flags1 = 1036             // l_flags_1
	m.flags = 1040              // l_flags
	m.tlsInitimage = 1104       // l_tls_initimage
	m.tlsInitimageSize = 1112   // l_tls_initimage_size
	m.tlsBlocksize = 1120       // l_tls_blocksize
	m.tlsAlign = 1128           // l_tls_align
	m.tlsFirstbyteOffset = 1136 // l_tls_firstbyte_offset
	m.tlsOffset = 1144          // l_tls_offset
	m.tlsModid = 1152           // l_tls_modid
	m.relroAddr = 1168          // l_relro_addr
	m.relroSize = 1176          // l_relro_size
	m.serial = 1184             // l_serial
	p := &l.pt
	p.list = 704             // list
	p.tid = 720              // tid
	p.robustPrev = 728       // robust_prev
	p.robustHead = 736       // robust_head
	p.specific1stblock = 784 // specific_1stblock
	p.specific = 1296        // specific
	p.reportEvents = 1553    // report_events
	p.userStack = 1554       // user_stack
	p.stackblockSize = 1688  // stackblock_size
	p.rseqArea = 2336        // rseq_area
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
