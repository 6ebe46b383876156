package main

import (
	"os"
	"path/filepath"
	"testing"
)

// TestDlopenMatrix runs the dlopen(3) rules as one C program with its
// libraries, under glibc's ld.so and under ldgo: RTLD_LAZY/NOW,
// GLOBAL/LOCAL (and promotion with RTLD_NOLOAD), NODELETE, NOLOAD,
// DEEPBIND, dlopen(NULL), RTLD_DEFAULT and RTLD_NEXT relative to the
// caller, the caller's RUNPATH and the program's RPATH with $ORIGIN,
// reference counts, dlclose (destructors, atexit handlers, unmapping,
// dl_iterate_phdr), dladdr/dladdr1/dlinfo, dlerror texts and per-thread
// state, a constructor that calls dlopen, destructors at exit.
func TestDlopenMatrix(t *testing.T) {
	dir := t.TempDir()
	lib := func(name, src string, flags ...string) {
		buildC(t, dir, "gcc", name, src, append([]string{"-shared", "-fPIC"}, flags...)...)
	}
	lib("libb.so", matrixLibB)
	lib("liba.so", matrixLibA, "-L"+dir, "-lb", "-ldl")
	lib("libdeep.so", matrixLibDeep)
	lib("libnd.so", matrixLibNd)
	lib("libp.so", matrixLibP)
	lib("libundef.so", matrixLibUndef)
	os.Mkdir(filepath.Join(dir, "sub"), 0o755)
	os.Mkdir(filepath.Join(dir, "lib2"), 0o755)
	lib("sub/libsub.so", matrixLibSub)
	lib("libr.so", matrixLibR, "-ldl", "-Wl,--enable-new-dtags,-rpath,$ORIGIN/sub")
	lib("lib2/libx.so", matrixLibX)
	lib("libctor.so", matrixLibCtor, "-ldl")
	p, err := os.ReadFile(filepath.Join(dir, "libp.so"))
	if err != nil {
		t.Fatal(err)
	}
	p[4] = 1 // ELFCLASS32
	os.WriteFile(filepath.Join(dir, "lib32.so"), p, 0o644)
	os.WriteFile(filepath.Join(dir, "notelf.so"), []byte("not an ELF file, just text long enough for an ELF header to be read from it................"), 0o644)
	prog := buildC(t, dir, "gcc", "matrix", matrixMain, "-rdynamic", "-ldl", "-pthread", "-Wl,--disable-new-dtags,-rpath,$ORIGIN/lib2")
	got := compareWithGlibc(t, []string{"LD_LIBRARY_PATH=" + dir}, prog, dir)
	if got.stdout == "" || got.code != 0 {
		t.Errorf("exit %d, stdout %q, stderr %q", got.code, got.stdout, got.stderr)
	}
}

const matrixLibA = `#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <dlfcn.h>
int b_val(void);
int shared_sym = 10;
static void a_exit(void) { printf("a atexit\n"); }
__attribute__((constructor)) static void a_ctor(void) { printf("a ctor\n"); atexit(a_exit); }
__attribute__((destructor)) static void a_dtor(void) { printf("a dtor\n"); }
int a_val(void) { return 1 + b_val(); }
int next_dup(void) { int (*f)(void) = (int (*)(void))dlsym(RTLD_NEXT, "dup_fn"); return f ? f() : -1; }
int default_dup(void) { int (*f)(void) = (int (*)(void))dlsym(RTLD_DEFAULT, "b_val"); return f ? f() : -1; }
`

const matrixLibB = `#include <stdio.h>
__attribute__((constructor)) static void b_ctor(void) { printf("b ctor\n"); }
__attribute__((destructor)) static void b_dtor(void) { printf("b dtor\n"); }
int b_val(void) { return 20; }
int dup_fn(void) { return 2; }
`

const matrixLibDeep = `int dup_fn(void) { return 3; }
int call_dup(void) { return dup_fn(); }
`

const matrixLibNd = `#include <stdio.h>
__attribute__((destructor)) static void nd_dtor(void) { printf("nd dtor\n"); }
int nd_val(void) { return 5; }
`

const matrixLibP = `int p_sym(void) { return 6; }
`

const matrixLibUndef = `int missing_fn(void);
int uses_missing(void) { return missing_fn(); }
int undef_ok(void) { return 7; }
`

const matrixLibSub = `int sub_val(void) { return 8; }
`

const matrixLibR = `#include <dlfcn.h>
#include <stdio.h>
int open_sub(void) {
	void *h = dlopen("libsub.so", RTLD_NOW);
	if (!h) { printf("libr: %s\n", dlerror()); return -1; }
	int (*f)(void) = (int (*)(void))dlsym(h, "sub_val");
	return f();
}
`

const matrixLibCtor = `#include <dlfcn.h>
#include <stdio.h>
__attribute__((constructor)) static void c_ctor(void) {
	void *h = dlopen("libb.so", RTLD_NOW);
	int (*f)(void) = h ? (int (*)(void))dlsym(h, "b_val") : 0;
	printf("ctor dlopen %d\n", f ? f() : -1);
}
`

const matrixLibX = `int x_val(void) { return 9; }
`

const matrixMain = `#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dlfcn.h>
#include <link.h>
#include <pthread.h>
int dup_fn(void) { return 1; }
int main_sym = 42;
static int inmaps(const char *name) {
	FILE *f = fopen("/proc/self/maps", "r");
	char line[4096]; int n = 0;
	while (fgets(line, sizeof line, f)) if (strstr(line, name)) n++;
	fclose(f);
	return n > 0;
}
static int cb(struct dl_phdr_info *i, size_t s, void *d) { if (strstr(i->dlpi_name, d)) return 1; return 0; }
static int iter(const char *n) { return dl_iterate_phdr(cb, (void *)n); }
static const char *err(void) { const char *e = dlerror(); return e ? e : "(null)"; }
static const char *base(const char *p) { const char *s = strrchr(p, '/'); return s ? s + 1 : p; }
static void *thr(void *a) {
	printf("thread dlerror %s\n", err());
	dlopen("libthreadmissing.so", RTLD_NOW);
	return strdup(err());
}
#define SYM(h, n) ((int (*)(void))dlsym(h, n))
int main(int argc, char **argv) {
	setvbuf(stdout, 0, _IONBF, 0);
	const char *dir = argv[1];
	char path[4096];
	/* dlopen(NULL) */
	void *self = dlopen(NULL, RTLD_NOW);
	int *ms = dlsym(self, "main_sym");
	printf("self %d\n", ms ? *ms : -1);
	printf("self dup %d\n", SYM(self, "dup_fn")());
	/* refcounts, constructors once */
	printf("maps a before %d\n", inmaps("liba.so"));
	void *a = dlopen("liba.so", RTLD_LAZY);
	printf("open a %s\n", a ? "ok" : err());
	void *a2 = dlopen("liba.so", RTLD_NOW);
	printf("same handle %d\n", a == a2);
	printf("a_val %d\n", SYM(a, "a_val")());
	printf("maps a %d iter a %d\n", inmaps("liba.so"), iter("liba.so"));
	/* RTLD_NEXT and RTLD_DEFAULT relative to the caller */
	printf("next_dup %d default_dup %d\n", SYM(a, "next_dup")(), SYM(a, "default_dup")());
	int (*nd)(void) = dlsym(RTLD_NEXT, "dup_fn");
	printf("main next dup %s\n", nd ? "found" : "null");
	printf("default a_val %s\n", dlsym(RTLD_DEFAULT, "a_val") ? "found" : "null");
	/* dladdr, dladdr1, dlinfo */
	Dl_info info; struct link_map *lm = 0, *lm2 = 0;
	void *fa = dlsym(a, "a_val");
	if (dladdr(fa, &info)) printf("dladdr %s %s %d\n", base(info.dli_fname), info.dli_sname, info.dli_saddr == fa);
	if (dladdr1(fa, &info, (void **)&lm, RTLD_DL_LINKMAP)) printf("dladdr1 %d\n", (void *)lm == a);
	printf("dlinfo %d ", dlinfo(a, RTLD_DI_LINKMAP, &lm2)); printf("%d %s\n", (void *)lm2 == a, base(lm2->l_name));
	char orig[4096];
	printf("origin %d ", dlinfo(a, RTLD_DI_ORIGIN, orig)); printf("%d\n", strcmp(orig, dir));
	printf("dladdr1 symbol %d\n", dladdr1(fa, &info, (void **)&lm, RTLD_DL_SYMENT) && lm != 0);
	/* dependency counted: b stays when a goes */
	void *b = dlopen("libb.so", RTLD_NOW | RTLD_NOLOAD);
	printf("b noload %s\n", b ? "ok" : "null");
	printf("close a %d\n", dlclose(a));
	printf("close a %d\n", dlclose(a2));
	printf("maps a %d iter a %d\n", inmaps("liba.so"), iter("liba.so"));
	printf("a noload %s\n", dlopen("liba.so", RTLD_NOLOAD) ? "ok" : "null");
	printf("maps b %d\n", inmaps("libb.so"));
	printf("close b %d\n", dlclose(b));
	printf("maps b %d iter b %d\n", inmaps("libb.so"), iter("libb.so"));
	/* NODELETE */
	void *nd1 = dlopen("libnd.so", RTLD_NOW | RTLD_NODELETE);
	printf("close nd %d\n", dlclose(nd1));
	printf("nd noload %s maps %d\n", dlopen("libnd.so", RTLD_NOW | RTLD_NOLOAD) ? "ok" : "null", inmaps("libnd.so"));
	/* NOLOAD of something not loaded */
	printf("noload missing %s ", dlopen("libp.so", RTLD_NOW | RTLD_NOLOAD) ? "ok" : "null"); printf("%s\n", err());
	/* promotion LOCAL -> GLOBAL */
	void *p = dlopen("libp.so", RTLD_NOW | RTLD_LOCAL);
	printf("p local default %s\n", dlsym(RTLD_DEFAULT, "p_sym") ? "found" : "null"); err();
	void *p2 = dlopen("libp.so", RTLD_NOW | RTLD_NOLOAD | RTLD_GLOBAL);
	printf("p promoted %d default %s\n", p == p2, dlsym(RTLD_DEFAULT, "p_sym") ? "found" : "null");
	/* DEEPBIND */
	void *d = dlopen("libdeep.so", RTLD_NOW);
	printf("no deepbind %d\n", SYM(d, "call_dup")());
	dlclose(d);
	d = dlopen("libdeep.so", RTLD_NOW | RTLD_DEEPBIND);
	printf("deepbind %d\n", SYM(d, "call_dup")());
	dlclose(d);
	/* LAZY and NOW with an undefined function */
	void *u = dlopen("libundef.so", RTLD_NOW);
	printf("undef now %s\n", u ? "ok" : err());
	u = dlopen("libundef.so", RTLD_LAZY);
	printf("undef lazy %s\n", u ? "ok" : err());
	if (u) printf("undef_ok %d\n", SYM(u, "undef_ok")());
	void *u2 = dlopen("libundef.so", RTLD_NOW);
	printf("undef lazy then now %s\n", u2 ? "ok" : err());
	/* caller's RUNPATH with $ORIGIN */
	void *r = dlopen("libr.so", RTLD_NOW);
	printf("runpath sub %d\n", SYM(r, "open_sub")());
	printf("main sub %s\n", dlopen("libsub.so", RTLD_NOW) ? "ok" : err());
	/* main's RPATH with $ORIGIN */
	void *x = dlopen("libx.so", RTLD_NOW);
	printf("rpath x %s\n", x ? "ok" : err());
	/* constructor calling dlopen */
	void *c = dlopen("libctor.so", RTLD_NOW);
	printf("ctor lib %s\n", c ? "ok" : err());
	/* errors */
	printf("missing file: %s\n", dlopen("libnosuch.so", RTLD_NOW) ? "ok" : err());
	printf("again: %s\n", err());
	snprintf(path, sizeof path, "%s/nosuch/libnosuch.so", dir);
	printf("missing path: %s\n", dlopen(path, RTLD_NOW) ? "ok" : err());
	printf("missing symbol: %s ", dlsym(p, "nosuch") ? "ok" : "null"); printf("%s\n", err());
	printf("missing default: %s\n", dlsym(RTLD_DEFAULT, "nosuch") ? "ok" : "null"); err();
	printf("missing self: %s ", dlsym(self, "nosuch") ? "ok" : "null"); printf("%s\n", err());
	snprintf(path, sizeof path, "%s/lib32.so", dir);
	printf("wrong class: %s\n", dlopen(path, RTLD_NOW) ? "ok" : err());
	snprintf(path, sizeof path, "%s/notelf.so", dir);
	printf("not elf: %s\n", dlopen(path, RTLD_NOW) ? "ok" : err());
	err();
	/* dlerror per thread */
	dlopen("libmainmissing.so", RTLD_NOW);
	pthread_t t; void *tr;
	pthread_create(&t, 0, thr, 0);
	pthread_join(t, &tr);
	printf("thread got %s\n", (char *)tr);
	printf("main got %s\n", err());
	printf("end\n");
	return 0;
}
`
