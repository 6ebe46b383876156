package main

import "syscall"

// unsecureEnv is glibc 2.36's UNSECURE_ENVVARS (sysdeps/generic/unsecvars.h,
// built with tunables, as Debian's is), which its ld.so removes from the
// environment of an AT_SECURE program so that neither the program's libc
// nor a program it starts sees them, plus GLIBC_TUNABLES as glibc ≥ 2.39
// has it (below), followed by ldgo's own counterparts of LD_DEBUG and
// LD_DEBUG_OUTPUT and its cache override.
//
// GLIBC_TUNABLES: glibc 2.36 keeps it for an AT_SECURE program but rewrites
// it without the SXID_ERASE tunables, in __tunables_init, the parser
// CVE-2023-4911 was in. glibc 2.39 gave that up and put GLIBC_TUNABLES in
// UNSECURE_ENVVARS: gone for the program and its children. ldgo never runs
// __tunables_init (it does not parse the variable at all), so it takes
// 2.39's rule rather than pass the variable through unfiltered.
var unsecureEnv = []string{
	"GCONV_PATH", "GETCONF_DIR", "GLIBC_TUNABLES", "HOSTALIASES", "LD_AUDIT",
	"LD_DEBUG", "LD_DEBUG_OUTPUT", "LD_DYNAMIC_WEAK", "LD_HWCAP_MASK", "LD_LIBRARY_PATH",
	"LD_ORIGIN_PATH", "LD_PRELOAD", "LD_PROFILE", "LD_SHOW_AUXV",
	"LOCALDOMAIN", "LOCPATH", "MALLOC_TRACE", "NIS_PATH", "NLSPATH",
	"RESOLV_HOST_CONF", "RES_OPTIONS", "TMPDIR", "TZDIR",
	"LDGO_DEBUG", "LDGO_DEBUG_OUTPUT", "LDGO_CACHE",
}

// unsetenv removes every NAME=... from the process's environment block as
// glibc's ld.so does (elf/dl-environ.c): the later pointers move down over
// it, each copy including the terminating NULL, so the block ends in more
// than one NULL and auxv stays where it was (ps.auxv is not re-read).
func (ps *processStart) unsetenv(name string) {
	for ep := ps.envp; getPtr(ep) != 0; {
		if !nameEqualsPrefix(getPtr(ep), name) {
			ep += 8
			continue
		}
		for dp := ep; ; dp += 8 {
			v := getPtr(dp + 8)
			putPtr(dp, v)
			if v == 0 {
				break
			}
		}
	}
}

// secureEnvironment is glibc's process_envvars for an AT_SECURE program,
// once ldgo has read what it needs from the environment: it removes the
// unsecure variables.
func (ps *processStart) secureEnvironment() {
	for _, name := range unsecureEnv {
		ps.unsetenv(name)
	}
}

// suidDebug reports whether /etc/suid-debug exists: only then does glibc's
// ld.so keep LD_DEBUG output for an AT_SECURE program (on stderr; its
// LD_DEBUG_OUTPUT is ignored there in any case).
func suidDebug() bool {
	return syscall.Access("/etc/suid-debug", 0) == nil
}
