package main

import "debug/elf"

// The first value of a lazily bound object's JUMP_SLOT entries, as glibc's
// elf_machine_runtime_setup and elf_machine_lazy_rel (x86_64) give it.
//
// Normally a slot holds the link-time address of its PLT entry's push
// instruction, and the load bias is added to it. But glibc first reads
// GOT[1]: the linker leaves it zero, and a nonzero value is what prelink
// saved there, the address of PLT entry 1's push (.plt + 0x16), so that a
// prelinked object loaded elsewhere can undo the prelinking of .got.plt,
// whose slots hold absolute addresses of the functions. glibc then computes
// every slot from that PLT address and the slot's place in .got.plt,
// whatever the slot held. A loader that only added the bias would send the
// first call of such an object through whatever value the slot held: for a
// corrupted .got.plt, a jump into the ELF header instead of the lazy
// resolver's "undefined symbol" error.

// notePrelinkedPLT records GOT[1] + bias (glibc's l_mach.plt) for a lazily
// bound object with PLT relocations whose GOT[1] is nonzero. It must run
// before any relocation is applied: glibc reads GOT[1] before them.
func (o *Object) notePrelinkedPLT() {
	o.prelinkedPLT = 0
	if _, ok := o.dynVal(elf.DT_JMPREL); !ok || !o.lazy {
		return
	}
	if v := getPtr(o.gotAddr() + 8); v != 0 {
		o.prelinkedPLT = v + o.bias
	}
}

// lazySlotValue is the value a lazily bound JUMP_SLOT at where gets until
// its first call: the slot's PLT address plus the bias or, for a
// prelinked object, PLT entry i+1's push for .got.plt slot i (GOT[3+i]),
// 16 bytes a PLT entry. The arithmetic wraps for a slot outside .got.plt,
// as glibc's does.
func (o *Object) lazySlotValue(where uintptr) uintptr {
	if o.prelinkedPLT == 0 {
		return getPtr(where) + o.bias
	}
	gotPLT := o.gotAddr() + 24
	return o.prelinkedPLT + (where-gotPLT)*2
}

// gotAddr is the address of the object's GOT (DT_PLTGOT).
func (o *Object) gotAddr() uintptr {
	return o.bias + uintptr(o.dyn[elf.DT_PLTGOT])
}
