package main

// TLS descriptors: an R_X86_64_TLSDESC relocation (in DT_RELA or, with
// DT_TLSDESC_PLT/GOT, in DT_JMPREL) fills a two-word descriptor {function,
// argument}. glibc 2.36 resolves them all at load time, even lazily bound
// ones (elf_machine_lazy_rel), and so does ldgo; DT_TLSDESC_PLT/GOT are
// then never used.

func tlsdescAddrs() (ret, undefweak, dynamic uintptr)

// applyTLSDESC fills the descriptor at where for the TLS symbol def
// (value is st_value, already without the module's base) plus addend.
func applyTLSDESC(where uintptr, def symDef, value, addend uintptr) error {
	ret, undefweak, dynamic := tlsdescAddrs()
	switch {
	case def.obj == nil:
		// Undefined weak: the address is the addend itself.
		putPtr(where+8, addend)
		putPtr(where, undefweak)
	case def.obj.tlsOffset != 0:
		putPtr(where+8, value+addend-def.obj.tlsOffset)
		putPtr(where, ret)
	default:
		// Dynamic TLS (a dlopen'ed module without static space): a
		// tls_index for __tls_get_addr, kept for good in the arena.
		ti := arenaAlloc(16, 16)
		putPtr(ti, def.obj.tlsModid)
		putPtr(ti+8, value+addend)
		putPtr(where+8, ti)
		putPtr(where, dynamic)
	}
	return nil
}
