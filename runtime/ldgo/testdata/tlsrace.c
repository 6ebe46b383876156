#include <stdio.h>
#include <stdlib.h>
#include <dlfcn.h>
#include <pthread.h>
#include <time.h>
static const char *dir; static double secs; static volatile int bad;
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec / 1e9; }
static void *run(void *a) {
	long k = (long)a; char path[4096]; long n = 0;
	snprintf(path, sizeof path, "%s/libtl%ld.so", dir, k);
	double end = now() + secs;
	while (now() < end) {
		void *h = dlopen(path, RTLD_NOW);
		if (!h) { printf("thread %ld: %s\n", k, dlerror()); bad = 1; break; }
		int (*use)(void) = (int (*)(void))dlsym(h, "use");
		int a = use(), b = use();
		if (a != 43 || b != 45) { printf("thread %ld cycle %ld: %d %d\n", k, n, a, b); bad = 1; break; }
		dlclose(h);
		n++;
	}
	return (void *)n;
}
int main(int argc, char **argv) {
	dir = argv[1]; secs = atof(argv[2]);
	pthread_t t[8]; long total = 0;
	for (long i = 0; i < 8; i++) pthread_create(&t[i], 0, run, (void *)i);
	for (int i = 0; i < 8; i++) { void *r; pthread_join(t[i], &r); total += (long)r; }
	fprintf(stderr, "%ld cycles\n", total);
	printf("%s\n", bad ? "FAILED" : "tls ok");
	return bad;
}
