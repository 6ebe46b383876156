#include "textflag.h"

// ldgoEntry is ldgo's ELF entry point (linked with -ldflags=-E=main.ldgoEntry).
// The kernel jumps here with RSP at argc and nothing relocated: ldgo is a PIE
// without an interpreter, so this code applies its own R_X86_64_RELATIVE
// relocations before any Go code runs. It also keeps what the Go runtime is
// about to change and the program must get back: the initial stack pointer,
// the signal mask (then blocks every signal) and every signal disposition.
TEXT main·ldgoEntry(SB),NOSPLIT|NOFRAME,$0
	MOVQ	SP, R12

	// Find our own ELF header: it starts the page-aligned mapping that
	// holds this code, so scan down page by page for its magic.
	LEAQ	main·ldgoEntry(SB), AX
	ANDQ	$~0xfff, AX
scan:
	CMPL	(AX), $0x464c457f
	JEQ	found
	SUBQ	$0x1000, AX
	JMP	scan
found:
	MOVQ	0x20(AX), R8		// e_phoff
	ADDQ	AX, R8
	MOVWQZX	0x38(AX), R9		// e_phnum
	XORQ	R10, R10		// load bias
	XORQ	R11, R11		// PT_DYNAMIC p_vaddr
phloop:
	TESTQ	R9, R9
	JZ	phdone
	MOVL	0(R8), BX
	CMPL	BX, $1			// PT_LOAD
	JNE	notload
	CMPQ	8(R8), $0		// the segment with file offset 0 holds the header
	JNE	phnext
	MOVQ	AX, R10
	SUBQ	16(R8), R10		// bias = header address - its p_vaddr
	JMP	phnext
notload:
	CMPL	BX, $2			// PT_DYNAMIC
	JNE	phnext
	MOVQ	16(R8), R11
phnext:
	ADDQ	$56, R8
	DECQ	R9
	JMP	phloop
phdone:
	ADDQ	R10, R11
	XORQ	SI, SI			// DT_RELA
	XORQ	DI, DI			// DT_RELASZ
dynloop:
	MOVQ	0(R11), BX
	TESTQ	BX, BX
	JZ	dyndone
	CMPQ	BX, $7
	JNE	2(PC)
	MOVQ	8(R11), SI
	CMPQ	BX, $8
	JNE	2(PC)
	MOVQ	8(R11), DI
	ADDQ	$16, R11
	JMP	dynloop
dyndone:
	ADDQ	R10, SI
	ADDQ	SI, DI
relloop:
	CMPQ	SI, DI
	JAE	reldone
	CMPL	8(SI), $8		// R_X86_64_RELATIVE
	JNE	relnext
	MOVQ	0(SI), BX
	ADDQ	R10, BX
	MOVQ	16(SI), CX
	ADDQ	R10, CX
	MOVQ	CX, (BX)
relnext:
	ADDQ	$24, SI
	JMP	relloop
reldone:
	MOVQ	R12, main·initialSP(SB)

	// Block every signal; keep the mask the program was started with.
	SUBQ	$8, SP
	MOVQ	$-1, 0(SP)
	MOVQ	$14, AX			// rt_sigprocmask(SIG_BLOCK, &all, &saved, 8)
	MOVQ	$0, DI
	MOVQ	SP, SI
	LEAQ	main·savedSigmask(SB), DX
	MOVQ	$8, R10
	SYSCALL
	ADDQ	$8, SP

	// Keep every disposition (SIG_IGN survives exec; Go will replace it).
	MOVQ	$1, R13
	LEAQ	main·savedSigactions(SB), R14
sigloop:
	CMPQ	R13, $65
	JAE	sigdone
	MOVQ	$13, AX			// rt_sigaction(sig, NULL, &saved[sig], 8)
	MOVQ	R13, DI
	XORQ	SI, SI
	MOVQ	R13, DX
	SHLQ	$5, DX
	ADDQ	R14, DX
	MOVQ	$8, R10
	SYSCALL
	INCQ	R13
	JMP	sigloop
sigdone:
	MOVQ	R12, SP
	XORQ	DX, DX
	JMP	_rt0_amd64_linux(SB)

// entryAddress returns the run-time address of ldgoEntry: when AT_ENTRY
// equals it, ldgo was run as a command rather than as an interpreter.
TEXT ·entryAddress(SB),NOSPLIT,$0-8
	LEAQ	main·ldgoEntry(SB), AX
	MOVQ	AX, ret+0(FP)
	RET

// rawSyscall6 makes a system call without telling the Go scheduler; it is
// safe on any stack and from nosplit code.
TEXT ·rawSyscall6(SB),NOSPLIT,$0-64
	MOVQ	num+0(FP), AX
	MOVQ	a1+8(FP), DI
	MOVQ	a2+16(FP), SI
	MOVQ	a3+24(FP), DX
	MOVQ	a4+32(FP), R10
	MOVQ	a5+40(FP), R8
	MOVQ	a6+48(FP), R9
	SYSCALL
	MOVQ	AX, ret+56(FP)
	RET
