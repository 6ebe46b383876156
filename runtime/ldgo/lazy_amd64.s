#include "textflag.h"

// lazyTrampoline is GOT[2] of every lazily bound object: PLT0 pushed GOT[1]
// (the object's index in lazyObjects) and the PLT entry pushed the
// relocation index; above them is the caller's return address. Everything
// the call may carry in registers is saved: the integer argument registers
// rdi, rsi, rdx, rcx, r8, r9, rax (vararg count), r10 (static chain), the
// vector argument registers xmm0-7 (the Go resolver uses only SSE
// instructions, which leave the upper ymm/zmm halves alone), and rbx, rbp,
// r12-r15 because Go has no callee-saved registers. r11 carries the target.
TEXT ·lazyTrampoline(SB),NOSPLIT|NOFRAME,$0
	PUSHQ	AX
	PUSHQ	DI
	PUSHQ	SI
	PUSHQ	DX
	PUSHQ	CX
	PUSHQ	R8
	PUSHQ	R9
	PUSHQ	R10
	PUSHQ	BX
	PUSHQ	BP
	PUSHQ	R12
	PUSHQ	R13
	PUSHQ	R14
	PUSHQ	R15
	SUBQ	$152, SP	// 24 bytes of Go arguments, 128 of xmm0-7
	MOVUPS	X0, 24(SP)
	MOVUPS	X1, 40(SP)
	MOVUPS	X2, 56(SP)
	MOVUPS	X3, 72(SP)
	MOVUPS	X4, 88(SP)
	MOVUPS	X5, 104(SP)
	MOVUPS	X6, 120(SP)
	MOVUPS	X7, 136(SP)
	MOVQ	264(SP), AX	// GOT[1]: 152 + 14*8
	MOVQ	AX, 0(SP)
	MOVQ	272(SP), AX	// relocation index
	MOVQ	AX, 8(SP)
	CALL	·lazyBind(SB)
	MOVQ	16(SP), AX
	MOVQ	AX, 264(SP)	// the target replaces GOT[1] on the stack
	MOVUPS	24(SP), X0
	MOVUPS	40(SP), X1
	MOVUPS	56(SP), X2
	MOVUPS	72(SP), X3
	MOVUPS	88(SP), X4
	MOVUPS	104(SP), X5
	MOVUPS	120(SP), X6
	MOVUPS	136(SP), X7
	ADDQ	$152, SP
	POPQ	R15
	POPQ	R14
	POPQ	R13
	POPQ	R12
	POPQ	BP
	POPQ	BX
	POPQ	R10
	POPQ	R9
	POPQ	R8
	POPQ	CX
	POPQ	DX
	POPQ	SI
	POPQ	DI
	POPQ	AX
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

TEXT ·lazyTrampolineAddr(SB),NOSPLIT,$0-8
	LEAQ	·lazyTrampoline(SB), AX
	MOVQ	AX, ret+0(FP)
	RET
