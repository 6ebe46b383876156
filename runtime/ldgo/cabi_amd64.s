#include "textflag.h"

// C-ABI entry points into nosplit Go. glibc's libc calls these on its own
// thread and stack. Go's ABI0 has no callee-saved registers, so the C ones
// (rbx, rbp, r12-r15) are saved here; the four C argument registers become
// ABI0 stack arguments and the Go result is returned in rax.
#define C_TO_GO(name, target) \
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

C_TO_GO(·cDlAllocateTLS, ·dlAllocateTLS)
C_TO_GO(·cDlAllocateTLSInit, ·dlAllocateTLSInit)
C_TO_GO(·cDlDeallocateTLS, ·dlDeallocateTLS)
C_TO_GO(·cFindObject, ·findObject)
C_TO_GO(·cDlopen, ·hookDlopen)
C_TO_GO(·cDlclose, ·hookDlclose)
C_TO_GO(·cDlsym, ·hookDlsym)
C_TO_GO(·cDlvsym, ·hookDlvsym)
C_TO_GO(·cDlerror, ·hookDlerror)
C_TO_GO(·cDladdr, ·hookDladdr)
C_TO_GO(·cDladdr1, ·hookDladdr1)
C_TO_GO(·cDlinfo, ·hookDlinfo)
C_TO_GO(·cDlmopen, ·hookDlmopen)
C_TO_GO(·cLibcDlopenMode, ·hookLibcDlopenMode)
C_TO_GO(·cLibcDlsym, ·hookLibcDlsym)
C_TO_GO(·cLibcDlvsym, ·hookLibcDlvsym)
C_TO_GO(·cLibcDlclose, ·hookLibcDlclose)

// __tls_get_addr(tls_index *ti): the DTV is at %fs:8; an entry that is 0
// or -1, or past the DTV's length (dtv[-1]), goes to the slow path (a
// module loaded by dlopen that this thread has not touched yet).
TEXT ·cTLSGetAddr(SB),NOSPLIT|NOFRAME,$0
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
	RET
slow:
	JMP	·cTLSGetAddrSlow(SB)

C_TO_GO(·cTLSGetAddrSlow, ·tlsGetAddrSlow)

// threadPointer returns %fs:0, the TCB's pointer to itself.
TEXT ·threadPointer(SB),NOSPLIT,$0-8
	BYTE $0x64; BYTE $0x48; BYTE $0x8b; BYTE $0x04; BYTE $0x25; BYTE $0x00; BYTE $0x00; BYTE $0x00; BYTE $0x00 // MOVQ %fs:0, AX
	MOVQ	AX, ret+0(FP)
	RET

// cFuncAddrs returns the addresses of the C-ABI entry points, in the order
// of the funcXxx constants.
TEXT ·cFuncAddrs(SB),NOSPLIT,$0-8
	LEAQ	·cFuncTable(SB), AX
	MOVQ	AX, ret+0(FP)
	RET

DATA ·cFuncTable+0(SB)/8, $·cDlAllocateTLS(SB)
DATA ·cFuncTable+8(SB)/8, $·cDlAllocateTLSInit(SB)
DATA ·cFuncTable+16(SB)/8, $·cDlDeallocateTLS(SB)
DATA ·cFuncTable+24(SB)/8, $·cTLSGetAddr(SB)
DATA ·cFuncTable+32(SB)/8, $·cFindObject(SB)
DATA ·cFuncTable+40(SB)/8, $·cDlopen(SB)
DATA ·cFuncTable+48(SB)/8, $·cDlclose(SB)
DATA ·cFuncTable+56(SB)/8, $·cDlsym(SB)
DATA ·cFuncTable+64(SB)/8, $·cDlvsym(SB)
DATA ·cFuncTable+72(SB)/8, $·cDlerror(SB)
DATA ·cFuncTable+80(SB)/8, $·cDladdr(SB)
DATA ·cFuncTable+88(SB)/8, $·cDladdr1(SB)
DATA ·cFuncTable+96(SB)/8, $·cDlinfo(SB)
DATA ·cFuncTable+104(SB)/8, $·cDlmopen(SB)
DATA ·cFuncTable+112(SB)/8, $·cLibcDlopenMode(SB)
DATA ·cFuncTable+120(SB)/8, $·cLibcDlsym(SB)
DATA ·cFuncTable+128(SB)/8, $·cLibcDlvsym(SB)
DATA ·cFuncTable+136(SB)/8, $·cLibcDlclose(SB)
DATA ·cFuncTable+144(SB)/8, $·dlFiniAll(SB)
DATA ·cFuncTable+152(SB)/8, $·blockAllHandler(SB)
DATA ·cFuncTable+160(SB)/8, $·sigreturnTrampoline(SB)
DATA ·cFuncTable+168(SB)/8, $_dl_debug_state(SB)
GLOBL ·cFuncTable(SB), RODATA, $176

// _dl_debug_state is r_debug.r_brk: debuggers look this name up in the
// interpreter's symbol table and break here to see libraries come and go.
TEXT _dl_debug_state(SB),NOSPLIT|NOFRAME,$0
	RET

// callC calls the C function fn(a1, a2, a3) on the loader's C stack (set by
// initCStack) and returns its rax. Used before the hand-off, for ifunc
// resolvers. C preserves r12, where the Go stack pointer is kept.
TEXT ·callC(SB),NOSPLIT,$0-40
	MOVQ	fn+0(FP), AX
	MOVQ	a1+8(FP), DI
	MOVQ	a2+16(FP), SI
	MOVQ	a3+24(FP), DX
	MOVQ	SP, R12
	MOVQ	·cStackTop(SB), SP
	ANDQ	$~15, SP
	CALL	AX
	MOVQ	R12, SP
	MOVQ	AX, ret+32(FP)
	RET

// finiAll is the function the program's _start gets in rdx and libc calls
// at exit: it runs the destructors in finiTable (a zero-terminated list of
// functions, filled before the hand-off).
TEXT ·finiAll(SB),NOSPLIT|NOFRAME,$0
	PUSHQ	BX
	MOVQ	·finiTable(SB), BX
finiloop:
	TESTQ	BX, BX
	JZ	finidone
	MOVQ	(BX), AX
	TESTQ	AX, AX
	JZ	finidone
	CALL	AX
	ADDQ	$8, BX
	JMP	finiloop
finidone:
	POPQ	BX
	RET

// jumpToProgram is the hand-off. The Go runtime has already let go of this
// thread (entersyscallblock) and every signal is blocked. It sets FS to the
// program's thread pointer, moves to the process stack, restores the
// signal mask the program was started with, runs the initializers in
// inits ({fn, a1, a2, a3}..., fn = 0 ends) and jumps to the entry point
// with rdx = the finalizer, as the kernel and ld.so leave it.
TEXT ·jumpToProgram(SB),NOSPLIT,$0-40
	MOVQ	sp+0(FP), R12
	MOVQ	entry+8(FP), R13
	MOVQ	fini+16(FP), R15
	MOVQ	inits+24(FP), R14
	// For a forked child's dlopen (dlfork.go): Go's FS base, and where
	// this frame is relative to the goroutine's stack top.
	MOVQ	$158, AX		// arch_prctl(ARCH_GET_FS, &goFS)
	MOVQ	$0x1003, DI
	LEAQ	·goFS(SB), SI
	SYSCALL
	BYTE $0x64; BYTE $0x48; BYTE $0x8b; BYTE $0x04; BYTE $0x25; BYTE $0xf8; BYTE $0xff; BYTE $0xff; BYTE $0xff // MOVQ %fs:-8, AX (g)
	MOVQ	8(AX), AX		// g.stack.hi
	LEAQ	sp+0(FP), BX
	SUBQ	$8, BX			// where handOff's return address is
	SUBQ	BX, AX
	MOVQ	AX, ·jumpFrameOffset(SB)
	MOVQ	tp+32(FP), SI
	MOVQ	$158, AX		// arch_prctl(ARCH_SET_FS, tp)
	MOVQ	$0x1002, DI
	SYSCALL
	MOVQ	R12, SP
	MOVQ	$14, AX			// rt_sigprocmask(SIG_SETMASK, &savedSigmask, NULL, 8)
	MOVQ	$2, DI
	LEAQ	·savedSigmask(SB), SI
	XORQ	DX, DX
	MOVQ	$8, R10
	SYSCALL
initloop:
	TESTQ	R14, R14
	JZ	initdone
	MOVQ	0(R14), AX
	TESTQ	AX, AX
	JZ	initdone
	MOVQ	8(R14), DI
	MOVQ	16(R14), SI
	MOVQ	24(R14), DX
	MOVQ	R12, SP
	CALL	AX
	ADDQ	$32, R14
	JMP	initloop
initdone:
	MOVQ	R12, SP
	MOVQ	R15, DX
	XORQ	BP, BP
	XORQ	AX, AX
	JMP	R13

// blockAllHandler is a temporary signal handler sent to the Go runtime's
// other threads before the hand-off: it sets the mask the thread gets back
// on return (uc_sigmask, at 296 in the x86-64 ucontext) to all signals, so
// that no signal meant for the program lands on a Go thread.
TEXT ·blockAllHandler(SB),NOSPLIT|NOFRAME,$0
	MOVQ	$-1, AX
	MOVQ	AX, 296(DX)
	LOCK
	INCQ	·threadsBlocked(SB)
	RET

// sigreturnTrampoline is the sa_restorer for blockAllHandler.
TEXT ·sigreturnTrampoline(SB),NOSPLIT|NOFRAME,$0
	MOVQ	$15, AX
	SYSCALL
	INT	$3
