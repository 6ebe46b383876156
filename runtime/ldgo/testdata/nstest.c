#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dlfcn.h>
#include <link.h>
static void die(const char *what) { printf("FAIL %s: %s\n", what, dlerror()); exit(1); }
static int phdr_cb(struct dl_phdr_info *info, size_t size, void *data) {
	if (strstr(info->dlpi_name, "libcounter.so")) ++*(int *)data;
	return 0;
}
static int mapped(const char *name) {
	FILE *f = fopen("/proc/self/maps", "r"); char line[512]; int n = 0;
	while (fgets(line, sizeof line, f)) if (strstr(line, name)) n++;
	fclose(f); return n;
}
int main(int argc, char **argv) {
	int n = atoi(argv[1]);
	const char *dir = argv[2];
	char lib[512], user[512], wl[512];
	snprintf(lib, sizeof lib, "%s/libcounter.so", dir);
	snprintf(user, sizeof user, "%s/libuser.so", dir);
	snprintf(wl, sizeof wl, "%s/libwithlibc.so", dir);
	void **h = calloc(n, sizeof *h);
	Lmid_t *ids = calloc(n, sizeof *ids);
	for (int i = 0; i < n; i++) {
		h[i] = dlmopen(LM_ID_NEWLM, lib, RTLD_NOW);
		if (!h[i]) { printf("namespace %d: %s\n", i, dlerror()); return 1; }
		if (dlinfo(h[i], RTLD_DI_LMID, &ids[i]) != 0) die("dlinfo");
		for (int j = 0; j < n; j++) if (j < i && h[j] == h[i]) { printf("FAIL same handle %d %d\n", i, j); return 1; }
	}
	int distinct = 1;
	for (int i = 0; i < n; i++) for (int j = 0; j < i; j++) if (ids[i] == ids[j]) distinct = 0;
	printf("%d namespaces, lmids distinct %d, first %ld\n", n, distinct, (long)ids[0]);
	for (int i = 0; i < n; i++) {
		int (*inc)(void) = dlsym(h[i], "inc");
		if (!inc) die("dlsym inc");
		for (int k = 0; k <= i % 7; k++) inc();
	}
	int ok = 1;
	for (int i = 0; i < n; i++) {
		int (*get)(void) = dlsym(h[i], "get");
		if (get() != i % 7 + 1) { printf("FAIL counter %d = %d\n", i, get()); ok = 0; }
	}
	printf("counters independent: %d\n", ok);
	int found = 1;
	for (int i = 0; i < n; i++) {
		struct dl_find_object fo;
		void *inc = dlsym(h[i], "inc");
		if (_dl_find_object(inc, &fo) != 0 || fo.dlfo_link_map != h[i]) found = 0;
	}
	printf("_dl_find_object finds every copy: %d\n", found);
	int seen = 0;
	dl_iterate_phdr(phdr_cb, &seen);
	printf("dl_iterate_phdr from the base namespace sees %d copies\n", seen);
	/* The same file again in a namespace: the same object. */
	void *again = dlmopen(ids[n - 1], lib, RTLD_NOW);
	printf("same file again in its namespace: %s\n", again == h[n - 1] ? "same handle" : "other handle");
	dlclose(again);
	/* A library whose undefined inc() binds within its namespace. */
	void *u = dlmopen(ids[0], user, RTLD_NOW);
	if (!u) die("dlmopen user");
	Lmid_t ul; dlinfo(u, RTLD_DI_LMID, &ul);
	int (*twice)(void) = dlsym(u, "inc_twice");
	int (*get0)(void) = dlsym(h[0], "get");
	int t2 = twice();
	printf("user in namespace %s: inc_twice %d, counter 0 now %d\n", ul == ids[0] ? "same" : "other", t2, get0());
	/* Isolation: the base namespace does not see the namespaces' symbols. */
	printf("RTLD_DEFAULT inc: %s\n", dlsym(RTLD_DEFAULT, "inc") ? "found" : "not found");
	void *b = dlopen(lib, RTLD_NOW);
	Lmid_t bl; dlinfo(b, RTLD_DI_LMID, &bl);
	int (*bget)(void) = dlsym(b, "get");
	printf("base copy: lmid %ld, counter %d\n", (long)bl, bget());
	void *ub = dlopen(user, RTLD_NOW);
	printf("user in the base namespace: %s\n", ub ? "loaded" : "undefined inc");
	if (!ub) dlerror();
	/* A library that uses libc, in a namespace. */
	void *w = dlmopen(ids[0], wl, RTLD_NOW);
	if (!w) die("dlmopen withlibc");
	int (*slen)(const char *) = dlsym(w, "slen");
	printf("slen %d\n", slen("namespace"));
	if (argc > 3) {
		void *(*ma)(void) = dlsym(w, "malloc_addr");
		printf("libc shared with the base namespace: %s\n", ma() == (void *)&malloc ? "yes" : "no");
	}
	dlclose(w);
	/* Errors. */
	if (!dlmopen(LM_ID_NEWLM, lib, RTLD_NOW | RTLD_GLOBAL)) printf("NEWLM|GLOBAL: %s\n", dlerror());
	if (!dlmopen(12345, lib, RTLD_NOW)) printf("bad lmid: %s\n", dlerror());
	if (!dlmopen(LM_ID_NEWLM, NULL, RTLD_NOW)) printf("NULL file: %s\n", dlerror());
	/* dlclose frees the namespaces. */
	printf("mapped before closing: %d\n", mapped("libcounter.so") > 0);
	dlclose(u);
	for (int i = 0; i < n; i++) if (dlclose(h[i]) != 0) die("dlclose");
	dlclose(b);
	printf("mapped after closing: %d\n", mapped("libcounter.so") + mapped("libuser.so"));
	void *h2 = dlmopen(LM_ID_NEWLM, lib, RTLD_NOW);
	Lmid_t l2; dlinfo(h2, RTLD_DI_LMID, &l2);
	int (*g2)(void) = dlsym(h2, "get");
	printf("new namespace after closing: lmid %ld, counter %d\n", (long)l2, g2());
	return 0;
}
