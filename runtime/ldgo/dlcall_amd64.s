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

// callCHere(fn, a1) calls the C function fn(a1) on the current stack (a C
// thread's, from nosplit Go called by C), aligned for C.
TEXT ·callCHere(SB),NOSPLIT,$0-24
	MOVQ	fn+0(FP), AX
	MOVQ	a1+8(FP), DI
	MOVQ	SP, R12
	ANDQ	$~15, SP
	CALL	AX
	MOVQ	R12, SP
	MOVQ	AX, ret+16(FP)
	RET

// C-ABI entry into nosplit Go (as cabi_amd64.s's C_TO_GO).
#define C_TO_GO_DL(name, target) \
TEXT name(SB),NOSPLIT|NOFRAME,$0; \
	PUSHQ	BX; \
	PUSHQ	BP; \
	PUSHQ	R12; \
	PUSHQ	R13; \
	PUSHQ	R14; \
	PUSHQ	R15; \
	SUBQ	$48, SP; \
	MOVQ	DI, 0(SP); \
	MOVQ	SI, 8(SP); \
	MOVQ	DX, 16(SP); \
	MOVQ	CX, 24(SP); \
	CALL	target(SB); \
	MOVQ	32(SP), AX; \
	ADDQ	$48, SP; \
	POPQ	R15; \
	POPQ	R14; \
	POPQ	R13; \
	POPQ	R12; \
	POPQ	BP; \
	POPQ	BX; \
	RET

C_TO_GO_DL(·cExitFinis, ·exitFinis)

// dlFiniAll is the finalizer the program's _start gets in rdx: it runs the
// table exitFinis returns ({fn, a1, a2, a3}..., after a 16-byte header), or
// else finiAll's table built before the hand-off.
TEXT ·dlFiniAll(SB),NOSPLIT|NOFRAME,$0
	PUSHQ	BX
	CALL	·cExitFinis(SB)
	TESTQ	AX, AX
	JZ	static
	LEAQ	16(AX), BX
dynloop:
	MOVQ	0(BX), AX
	TESTQ	AX, AX
	JZ	dyndone
	MOVQ	8(BX), DI
	MOVQ	16(BX), SI
	MOVQ	24(BX), DX
	CALL	AX
	ADDQ	$32, BX
	JMP	dynloop
dyndone:
	POPQ	BX
	RET
static:
	POPQ	BX
	JMP	·finiAll(SB)

// forkEnter runs a dl request on the calling thread of a forked child (see
// dlfork.go): it saves the C side, blocks every signal, takes Go's FS and
// the main goroutine's stack, where the frame of jumpToProgram (which never
// returned) still is, and enters forkServeGo as if jumpToProgram had called
// it, so that Go's unwinder finds its way up. forkLeave comes back.
TEXT ·forkEnter(SB),NOSPLIT|NOFRAME,$0-0
	PUSHQ	BP
	MOVQ	SP, ·forkCSP(SB)
	MOVQ	$14, AX			// rt_sigprocmask(SIG_SETMASK, &forkAllMask, &forkOldMask, 8)
	MOVQ	$2, DI
	LEAQ	·forkAllMask(SB), SI
	LEAQ	·forkOldMask(SB), DX
	MOVQ	$8, R10
	SYSCALL
	MOVQ	$158, AX		// arch_prctl(ARCH_GET_FS, &forkProgFS)
	MOVQ	$0x1003, DI
	LEAQ	·forkProgFS(SB), SI
	SYSCALL
	MOVQ	$158, AX		// arch_prctl(ARCH_SET_FS, goFS)
	MOVQ	$0x1002, DI
	MOVQ	·goFS(SB), SI
	SYSCALL
	BYTE $0x64; BYTE $0x48; BYTE $0x8b; BYTE $0x04; BYTE $0x25; BYTE $0xf8; BYTE $0xff; BYTE $0xff; BYTE $0xff // MOVQ %fs:-8, AX (g)
	MOVQ	8(AX), BX		// g.stack.hi
	SUBQ	·jumpFrameOffset(SB), BX
	MOVQ	BX, SP			// jumpToProgram's frame
	MOVQ	$·forkFrame(SB), AX
	ADDQ	$4, AX
	PUSHQ	AX			// "called from forkFrame", in jumpToProgram's place
	MOVQ	·forkServeGoPC(SB), AX	// not a direct jump: the new stack is not this one
	JMP	AX

DATA ·forkServeGoPC+0(SB)/8, $·forkServeGo(SB)
GLOBL ·forkServeGoPC(SB), RODATA, $8

// forkLeave goes back to the C side forkEnter saved.
TEXT ·forkLeave(SB),NOSPLIT|NOFRAME,$0-0
	MOVQ	$158, AX		// arch_prctl(ARCH_SET_FS, forkProgFS)
	MOVQ	$0x1002, DI
	MOVQ	·forkProgFS(SB), SI
	SYSCALL
	MOVQ	$14, AX			// rt_sigprocmask(SIG_SETMASK, &forkOldMask, NULL, 8)
	MOVQ	$2, DI
	LEAQ	·forkOldMask(SB), SI
	XORQ	DX, DX
	MOVQ	$8, R10
	SYSCALL
	MOVQ	·forkCSP(SB), SP
	BYTE $0x5d // POPQ BP (forkEnter pushed it on the C stack)
	RET

// forkFrame stands where jumpToProgram's frame is, for Go's unwinder
// (jumpToProgram itself writes SP, which the unwinder refuses): a frameless
// function whose return address is handOff's. Never called.
TEXT ·forkFrame(SB),NOSPLIT|NOFRAME,$0-0
	BYTE $0x90; BYTE $0x90; BYTE $0x90; BYTE $0x90; BYTE $0x90; BYTE $0x90; BYTE $0x90; BYTE $0x90
	RET
