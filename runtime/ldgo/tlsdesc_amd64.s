#include "textflag.h"

// TLS descriptors (R_X86_64_TLSDESC). Code compiled with
// -mtls-dialect=gnu2 calls *td[0] with rax = td and adds the result to the
// thread pointer; the function must preserve every other register,
// vector state included.

// tlsdescReturn: static TLS, td[1] is the offset from the thread pointer
// (glibc's _dl_tlsdesc_return).
TEXT ·tlsdescReturn(SB),NOSPLIT|NOFRAME,$0
	MOVQ	8(AX), AX
	RET

// tlsdescUndefweak: an undefined weak symbol, td[1] is the addend; the
// result plus the thread pointer is the addend (_dl_tlsdesc_undefweak).
TEXT ·tlsdescUndefweak(SB),NOSPLIT|NOFRAME,$0
	MOVQ	8(AX), AX
	BYTE $0x64; BYTE $0x48; BYTE $0x2b; BYTE $0x04; BYTE $0x25; BYTE $0x00; BYTE $0x00; BYTE $0x00; BYTE $0x00 // SUBQ %fs:0, AX
	RET

// tlsdescDynamic: a module without static TLS, td[1] points at a
// tls_index {module, offset}. The DTV fast path is __tls_get_addr's; the
// slow path saves everything (integer registers and the whole vector
// state, as the lazy trampoline does) around cTLSGetAddrSlow, which keeps
// rbx, rbp and r12-r15 itself.
TEXT ·tlsdescDynamic(SB),NOSPLIT|NOFRAME,$0
	PUSHQ	CX
	PUSHQ	DX
	PUSHQ	DI
	MOVQ	8(AX), DI	// tls_index
	MOVQ	0(DI), AX	// ti_module
	BYTE $0x64; BYTE $0x48; BYTE $0x8b; BYTE $0x0c; BYTE $0x25; BYTE $0x08; BYTE $0x00; BYTE $0x00; BYTE $0x00 // MOVQ %fs:8, CX
	CMPQ	AX, -16(CX)
	JHI	slow
	MOVQ	·tlsGeneration(SB), DX	// DTV out of date: sweep it first
	CMPQ	DX, 0(CX)
	JNE	slow
	MOVQ	AX, DX
	SHLQ	$4, DX
	MOVQ	(CX)(DX*1), DX
	TESTQ	DX, DX
	JZ	slow
	CMPQ	DX, $-1
	JEQ	slow
	MOVQ	DX, AX
	ADDQ	8(DI), AX	// ti_offset
done:
	BYTE $0x64; BYTE $0x48; BYTE $0x2b; BYTE $0x04; BYTE $0x25; BYTE $0x00; BYTE $0x00; BYTE $0x00; BYTE $0x00 // SUBQ %fs:0, AX
	POPQ	DI
	POPQ	DX
	POPQ	CX
	RET
slow:
	PUSHQ	BX
	MOVQ	SP, BX
	PUSHQ	SI
	PUSHQ	R8
	PUSHQ	R9
	PUSHQ	R10
	PUSHQ	R11
	ANDQ	$~63, SP
	SUBQ	·vecSaveSize(SB), SP
	MOVQ	·vecSaveKind(SB), R11
	CMPQ	R11, $0
	JEQ	fxsave
	XORL	AX, AX
	MOVQ	AX, 512(SP)
	MOVQ	AX, 520(SP)
	MOVQ	AX, 528(SP)
	MOVQ	AX, 536(SP)
	MOVQ	AX, 544(SP)
	MOVQ	AX, 552(SP)
	MOVQ	AX, 560(SP)
	MOVQ	AX, 568(SP)
	MOVL	$0xff, AX
	XORL	DX, DX
	CMPQ	R11, $2
	JEQ	xsavec
	XSAVE64	(SP)
	JMP	saved
xsavec:
	XSAVEC64	(SP)
	JMP	saved
fxsave:
	FXSAVE64	(SP)
saved:
	CALL	·cTLSGetAddrSlow(SB)	// C ABI: rdi = tls_index, keeps rbx
	MOVQ	AX, SI
	MOVQ	·vecSaveKind(SB), R11
	CMPQ	R11, $0
	JEQ	fxrstor
	MOVL	$0xff, AX
	XORL	DX, DX
	XRSTOR64	(SP)
	JMP	restored
fxrstor:
	FXRSTOR64	(SP)
restored:
	MOVQ	SI, AX
	LEAQ	-40(BX), SP
	POPQ	R11
	POPQ	R10
	POPQ	R9
	POPQ	R8
	POPQ	SI
	POPQ	BX
	JMP	done

TEXT ·tlsdescAddrs(SB),NOSPLIT|NOFRAME,$0-24
	LEAQ	·tlsdescReturn(SB), AX
	MOVQ	AX, ret+0(FP)
	LEAQ	·tlsdescUndefweak(SB), AX
	MOVQ	AX, undefweak+8(FP)
	LEAQ	·tlsdescDynamic(SB), AX
	MOVQ	AX, dynamic+16(FP)
	RET
