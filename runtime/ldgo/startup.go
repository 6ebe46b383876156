package main

// Set by ldgoEntry before the Go runtime starts.
var (
	initialSP       uintptr       // address of argc on the process stack
	savedSigmask    uint64        // signal mask at exec
	savedSigactions [65][4]uint64 // kernel struct sigaction per signal at exec
)

// Auxiliary vector types glibc reads that debug/elf does not name.
const (
	atNull          = 0
	atPhdr          = 3
	atPhnum         = 5
	atPagesz        = 6
	atBase          = 7
	atEntry         = 9
	atUID           = 11
	atEUID          = 12
	atGID           = 13
	atEGID          = 14
	atPlatform      = 15
	atHwcap         = 16
	atClktck        = 17
	atSecure        = 23
	atRandom        = 25
	atHwcap2        = 26
	atExecfn        = 31
	atSysinfoEhdr   = 33
	atMinsigstksz   = 51
	auxvKnownLength = 64
)

// processStart is the initial process stack as the kernel laid it out:
// argc, argv[], NULL, envp[], NULL, auxv pairs, AT_NULL.
type processStart struct {
	sp   uintptr // &argc
	argc int
	argv uintptr // &argv[0]
	envp uintptr // &envp[0]
	auxv uintptr // &auxv[0]
	aux  [auxvKnownLength]uintptr
}

func readProcessStart(sp uintptr) *processStart {
	ps := &processStart{sp: sp}
	ps.parse()
	return ps
}

func (ps *processStart) parse() {
	ps.argc = int(getPtr(ps.sp))
	ps.argv = ps.sp + 8
	ps.envp = ps.argv + uintptr(ps.argc+1)*8
	p := ps.envp
	for getPtr(p) != 0 {
		p += 8
	}
	ps.auxv = p + 8
	ps.aux = [auxvKnownLength]uintptr{}
	for a := ps.auxv; ; a += 16 {
		t := getPtr(a)
		if t == atNull {
			break
		}
		if t < auxvKnownLength {
			ps.aux[t] = getPtr(a + 8)
		}
	}
}

func (ps *processStart) arg(i int) string { return cstring(getPtr(ps.argv + uintptr(i)*8)) }

// env returns the value of an environment variable from the process stack.
func (ps *processStart) env(name string) (string, bool) {
	for p := ps.envp; getPtr(p) != 0; p += 8 {
		s := getPtr(p)
		if nameEqualsPrefix(s, name) {
			return cstring(s + uintptr(len(name)) + 1), true
		}
	}
	return "", false
}

func nameEqualsPrefix(addr uintptr, name string) bool {
	for i := 0; i < len(name); i++ {
		if get8(addr+uintptr(i)) != name[i] {
			return false
		}
	}
	return get8(addr+uintptr(len(name))) == '='
}

// setAux rewrites an auxv entry in place.
func (ps *processStart) setAux(typ, val uintptr) {
	for a := ps.auxv; getPtr(a) != atNull; a += 16 {
		if getPtr(a) == typ {
			putPtr(a+8, val)
		}
	}
	if typ < auxvKnownLength {
		ps.aux[typ] = val
	}
}

// skipArgs removes the first n arguments the way glibc's ld.so does for
// direct invocation (_dl_start_args_adjust): argc, argv, envp and auxv are
// shuffled down in place so the stack pointer the program gets is unchanged.
func (ps *processStart) skipArgs(n int) {
	if n == 0 {
		return
	}
	sp := ps.sp
	putPtr(sp, uintptr(ps.argc-n))
	dst := sp + 8
	src := sp + 8 + uintptr(n)*8
	// argv, its NULL, envp, its NULL
	for nulls := 0; nulls < 2; src, dst = src+8, dst+8 {
		v := getPtr(src)
		putPtr(dst, v)
		if v == 0 {
			nulls++
		}
	}
	// auxv pairs through AT_NULL
	for {
		t, v := getPtr(src), getPtr(src+8)
		putPtr(dst, t)
		putPtr(dst+8, v)
		src, dst = src+16, dst+16
		if t == atNull {
			break
		}
	}
	ps.parse()
}
