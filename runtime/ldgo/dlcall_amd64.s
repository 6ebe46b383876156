#include "textflag.h"

// runInits calls the functions in a {fn, a1, a2, a3} table (fn = 0 ends)
// on the current stack, aligned for C: the constructors of libraries that
// dlopen loaded, run on the thread that called dlopen.
TEXT ·runInits(SB),NOSPLIT,$0-8
	MOVQ	table+0(FP), R14
	MOVQ	SP, R12
	ANDQ	$~15, SP
loop:
	MOVQ	0(R14), AX
	TESTQ	AX, AX
	JZ	done
	MOVQ	8(R14), DI
	MOVQ	16(R14), SI
	MOVQ	24(R14), DX
	CALL	AX
	ADDQ	$32, R14
	JMP	loop
done:
	MOVQ	R12, SP
	RET
