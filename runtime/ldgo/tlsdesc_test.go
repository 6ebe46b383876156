package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// tlsLibSrc has initialized, zeroed and static __thread variables; P is
// the prefix of its names so two copies can live in one program.
const tlsLibSrc = `__thread int P_a = 41;
__thread long P_b;
static __thread int P_c = 7;
__thread char P_big[SIZE];
int *P_addr(void) { return &P_a; }
long P_bump(long d) { P_b += d; P_c++; P_big[SIZE - 1] += 1; return P_b * 1000 + P_c * 10 + P_a + P_big[SIZE - 1]; }
`

const tlsProgSrc = `#include <stdio.h>
#include <pthread.h>
#include <dlfcn.h>
int *g_addr(void); long g_bump(long);
int *s_addr(void); long s_bump(long);
static long (*d_bump)(long);
static int *(*d_addr)(void);
static void *worker(void *arg) {
	long i = (long)arg, r = 0;
	for (int k = 0; k < 3; k++) r += g_bump(i) + s_bump(i * 2) + d_bump(i * 3);
	*g_addr() += 1; *s_addr() += 2; *d_addr() += 3;
	return (void *)(r + *g_addr() + *s_addr() + *d_addr());
}
int main(int argc, char **argv) {
	void *h = dlopen(argv[1], RTLD_NOW);
	if (!h) { printf("dlopen: %s\n", dlerror()); return 1; }
	d_bump = (long (*)(long))dlsym(h, "d_bump");
	d_addr = (int *(*)(void))dlsym(h, "d_addr");
	printf("main %ld %ld %ld\n", g_bump(1), s_bump(2), d_bump(3));
	pthread_t t[8];
	for (long i = 0; i < 8; i++) pthread_create(&t[i], 0, worker, (void *)i);
	for (int i = 0; i < 8; i++) { void *r; pthread_join(t[i], &r); printf("thread %d %ld\n", i, (long)r); }
	printf("main %ld %ld %ld %d %d %d\n", g_bump(1), s_bump(2), d_bump(3), *g_addr(), *s_addr(), *d_addr());
	return 0;
}
`

// TestTLSDESC: libraries compiled with -mtls-dialect=gnu2 use TLS
// descriptors. g_ is linked by gcc (R_X86_64_TLSDESC in .rela.plt with
// DT_TLSDESC_PLT/GOT), s_ by gold's gshared when it builds (in .rela.dyn),
// both in the initial set (static TLS); d_ is dlopen'ed with a TLS block
// too big for the static surplus (dynamic TLS: the descriptor calls into
// __tls_get_addr). Threads and the main thread must see their own values,
// as under glibc.
func TestTLSDESC(t *testing.T) {
	dir := t.TempDir()
	lib := func(prefix, size string) string {
		return strings.ReplaceAll(strings.ReplaceAll(tlsLibSrc, "P_", prefix+"_"), "SIZE", size)
	}
	flags := []string{"-fpic", "-mtls-dialect=gnu2", "-shared"}
	buildC(t, dir, "gcc", "libg.so", lib("g", "16"), flags...)
	buildC(t, dir, "gcc", "libd.so", lib("d", "300000"), flags...)
	// s_: gshared if it builds and links, else gcc with -z now (which
	// still puts the descriptors in .rela.plt).
	sLib := filepath.Join(dir, "libs.so")
	if err := buildWithGshared(t, dir, lib("s", "32"), sLib); err != nil {
		t.Logf("gshared: %v; using gcc", err)
		buildC(t, dir, "gcc", "libs.so", lib("s", "32"), append(flags, "-Wl,-z,now")...)
	}
	prog := buildC(t, dir, "gcc", "tlsdesc", tlsProgSrc, "-pthread", "-ldl", "-L"+dir, "-lg", "-ls", "-Wl,-rpath,"+dir)
	out, _ := exec.Command("readelf", "-r", sLib).Output()
	if !strings.Contains(string(out), "R_X86_64_TLSDESC") {
		t.Fatalf("libs.so has no TLSDESC relocation:\n%s", out)
	}
	got := compareWithGlibc(t, nil, prog, filepath.Join(dir, "libd.so"))
	if !strings.HasPrefix(got.stdout, "main ") || strings.Count(got.stdout, "thread ") != 8 {
		t.Errorf("stdout %q stderr %q", got.stdout, got.stderr)
	}
	compareWithGlibc(t, []string{"LD_BIND_NOW=1"}, prog, filepath.Join(dir, "libd.so"))
}

// buildWithGshared compiles src with -mtls-dialect=gnu2 and links it with
// gold's gshared.
func buildWithGshared(t *testing.T, dir, src, out string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	gshared := filepath.Join(dir, "gshared")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", gshared, "gold/cmd/gshared")
	if b, err := cmd.CombinedOutput(); err != nil {
		return &buildError{"go build gshared", string(b), err}
	}
	c := filepath.Join(dir, "s.c")
	o := filepath.Join(dir, "s.o")
	if err := os.WriteFile(c, []byte(src), 0o644); err != nil {
		return err
	}
	if b, err := exec.CommandContext(ctx, "gcc", "-O1", "-fpic", "-mtls-dialect=gnu2", "-c", "-o", o, c).CombinedOutput(); err != nil {
		return &buildError{"gcc -c", string(b), err}
	}
	if b, err := exec.CommandContext(ctx, gshared, "-shared", "-soname", "libs.so", "-o", out, o).CombinedOutput(); err != nil {
		return &buildError{"gshared", string(b), err}
	}
	return nil
}

type buildError struct {
	what, out string
	err       error
}

func (e *buildError) Error() string { return e.what + ": " + e.err.Error() + "\n" + e.out }
