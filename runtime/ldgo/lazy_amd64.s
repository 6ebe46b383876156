#include "textflag.h"

// lazyTrampoline is GOT[2] of every lazily bound object: PLT0 pushed GOT[1]
// (the object's index in lazyObjects) and the PLT entry pushed the
// relocation index; above them is the caller's return address. Everything
// the call may carry in registers is saved: the integer argument registers
// rdi, rsi, rdx, rcx, r8, r9, rax (vararg count), r10 (static chain), the
// whole vector state with xsavec/xsave (fxsave without XSAVE) into a
// 64-byte aligned area of vecSaveSize bytes (as glibc's
// _dl_runtime_resolve_xsavec), and rbx, rbp, r12-r15 because Go has no
// callee-saved registers. BX anchors the frame (kept on the stack across
// the Go call). r11 carries the target.
TEXT ·lazyTrampoline(SB),NOSPLIT|NOFRAME,$0
	PUSHQ	BX
	MOVQ	SP, BX		// 8(BX) GOT[1], 16(BX) relocation index
	PUSHQ	AX
	PUSHQ	DI
	PUSHQ	SI
	PUSHQ	DX
	PUSHQ	CX
	PUSHQ	R8
	PUSHQ	R9
	PUSHQ	R10
	PUSHQ	BP
	PUSHQ	R12
	PUSHQ	R13
	PUSHQ	R14
	PUSHQ	R15
	ANDQ	$~63, SP
	SUBQ	·vecSaveSize(SB), SP
	MOVQ	·vecSaveKind(SB), R11
	CMPQ	R11, $0
	JEQ	fxsave
	XORL	AX, AX		// the XSAVE header must start zeroed
	MOVQ	AX, 512(SP)
	MOVQ	AX, 520(SP)
	MOVQ	AX, 528(SP)
	MOVQ	AX, 536(SP)
	MOVQ	AX, 544(SP)
	MOVQ	AX, 552(SP)
	MOVQ	AX, 560(SP)
	MOVQ	AX, 568(SP)
	MOVL	$0xff, AX	// vecSaveMask
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
	CMPQ	·vecClobber(SB), $0
	JEQ	2(PC)
	VZEROALL
	SUBQ	$32, SP		// 24 bytes of Go arguments, then BX (Go clobbers it)
	MOVQ	BX, 24(SP)
	MOVQ	8(BX), AX
	MOVQ	AX, 0(SP)
	MOVQ	16(BX), AX
	MOVQ	AX, 8(SP)
	CALL	·lazyBind(SB)
	MOVQ	24(SP), BX
	MOVQ	16(SP), AX
	MOVQ	AX, 8(BX)	// the target replaces GOT[1] on the stack
	ADDQ	$32, SP
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
	LEAQ	-104(BX), SP	// 13 pushes after BX
	POPQ	R15
	POPQ	R14
	POPQ	R13
	POPQ	R12
	POPQ	BP
	POPQ	R10
	POPQ	R9
	POPQ	R8
	POPQ	CX
	POPQ	DX
	POPQ	SI
	POPQ	DI
	POPQ	AX
	POPQ	BX
	MOVQ	0(SP), R11
	ADDQ	$16, SP
	JMP	R11

// callResolver calls an ifunc resolver on the current (program) stack,
// aligned as the C ABI wants.
TEXT ·callResolver(SB),NOSPLIT,$0-16
	MOVQ	fn+0(FP), AX
	MOVQ	SP, R12
	ANDQ	$~15, SP
	CALL	AX
	MOVQ	R12, SP
	MOVQ	AX, ret+8(FP)
	RET

TEXT ·lazyTrampolineAddr(SB),NOSPLIT|NOFRAME,$0-8
	LEAQ	·lazyTrampoline(SB), AX
	MOVQ	AX, ret+0(FP)
	RET
