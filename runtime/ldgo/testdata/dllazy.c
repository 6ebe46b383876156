#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <dlfcn.h>
static int mapped(const char *name) {
	FILE *f = fopen("/proc/self/maps", "r"); char line[512]; int n = 0;
	while (fgets(line, sizeof line, f)) if (strstr(line, name)) n++;
	fclose(f); return n > 0;
}
static void mark(const char *s) { write(2, s, strlen(s)); }
int main(int argc, char **argv) {
	char p[512];
	snprintf(p, sizeof p, "%s/libg.so", argv[1]);
	void *hg = dlopen(p, RTLD_NOW | RTLD_GLOBAL);
	snprintf(p, sizeof p, "%s/liba.so", argv[1]);
	void *ha = dlopen(p, RTLD_LAZY);
	if (!ha || !hg) { printf("%s\n", dlerror()); return 1; }
	int (*fa)(int) = dlsym(ha, "fa"), (*fg)(int) = dlsym(ha, "fg");
	mark("MARK before fa\n");
	printf("fa %d\n", fa(20));
	mark("MARK after fa\n");
	printf("fg %d\n", fg(1));
	dlclose(hg);
	printf("libg mapped after its dlclose: %d\n", mapped("libg.so"));
	printf("fg %d\n", fg(2));
	dlclose(ha);
	printf("mapped after closing liba: %d %d %d\n", mapped("liba.so"), mapped("libb.so"), mapped("libg.so"));
	return 0;
}
