package main

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// stressFuncs is the number of functions in the stress library, all bound
// lazily and first called by 16 threads at once.
const stressFuncs = 2000

const stressMain = `#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <unistd.h>
#include <pthread.h>
#include <sys/signalfd.h>
#include <sys/time.h>
#include <sys/wait.h>
long child_first(long);
long fwd(long), bwd(long);
static volatile sig_atomic_t usr1, alarms;
static void on_usr1(int s) { usr1++; }
static void on_alarm(int s) { alarms++; }
static pthread_barrier_t go;
static void *worker(void *arg) {
	long id = (long)arg;
	pthread_barrier_wait(&go);
	return (void *)(id % 2 ? bwd(id) : fwd(id));
}
int main(void) {
	struct sigaction sa = {0};
	sa.sa_handler = on_usr1;
	sigaction(SIGUSR1, &sa, NULL);
	for (int i = 0; i < 5; i++) raise(SIGUSR1);
	printf("handler %d\n", (int)usr1);

	signal(SIGALRM, on_alarm);
	struct itimerval it = {{0, 5000}, {0, 5000}};
	setitimer(ITIMER_REAL, &it, NULL);
	while (alarms < 5) pause();
	struct itimerval off = {0};
	setitimer(ITIMER_REAL, &off, NULL);
	alarm(1);
	alarm(0);
	printf("alarms %d\n", alarms >= 5);

	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	sigaddset(&set, SIGRTMIN + 1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	pid_t parent = getpid();
	fflush(stdout);
	pid_t c = fork();
	if (c == 0) { kill(parent, SIGUSR2); _exit(0); }
	int sig = 0;
	sigwait(&set, &sig);
	waitpid(c, NULL, 0);
	printf("sigwait %s\n", sig == SIGUSR2 ? "SIGUSR2" : "other");

	sigset_t rt;
	sigemptyset(&rt);
	sigaddset(&rt, SIGRTMIN + 1);
	int fd = signalfd(-1, &rt, 0);
	fflush(stdout);
	c = fork();
	if (c == 0) { union sigval v = {.sival_int = 99}; sigqueue(parent, SIGRTMIN + 1, v); _exit(0); }
	struct signalfd_siginfo si;
	if (read(fd, &si, sizeof si) != sizeof si) return 1;
	waitpid(c, NULL, 0);
	printf("signalfd %d %d\n", si.ssi_signo == SIGRTMIN + 1, si.ssi_int);

	/* The child makes the first call to an unbound function. */
	fflush(stdout);
	c = fork();
	if (c == 0) _exit((int)(child_first(20) & 0x7f));
	int st;
	waitpid(c, &st, 0);
	printf("child %d %d\n", WIFEXITED(st), WEXITSTATUS(st));

	pthread_t t[16];
	pthread_barrier_init(&go, NULL, 16);
	for (long i = 0; i < 16; i++) pthread_create(&t[i], NULL, worker, (void *)i);
	long total = 0;
	for (int i = 0; i < 16; i++) { void *r; pthread_join(t[i], &r); total += (long)r; }
	printf("threads %ld\n", total);
	printf("parent after child %ld\n", child_first(1));
	return 17;
}
`

// TestStress: signal handlers, interval timers and alarm, a blocked
// signal taken with sigwait and with signalfd, a forked child making the
// first call to an unbound function, and 16 threads making the first
// calls to 2,000 unbound functions at once — same output and exit status
// under ldgo as under glibc's ld.so, repeatedly.
func TestStress(t *testing.T) {
	start := time.Now()
	dir := t.TempDir()
	var lib, fwd, bwd strings.Builder
	lib.WriteString("long child_first(long a) { return a * 3 + 1; }\n")
	fwd.WriteString("long fwd(long id) { long s = 0;\n")
	bwd.WriteString("long bwd(long id) { long s = 0;\n")
	var decls strings.Builder
	for i := 0; i < stressFuncs; i++ {
		fmt.Fprintf(&lib, "long f%d(long a, double b) { return a * %d + (long)(b * 4); }\n", i, i)
		fmt.Fprintf(&decls, "long f%d(long, double);\n", i)
		fmt.Fprintf(&fwd, "\ts += f%d(id, 0.5);\n", i)
		fmt.Fprintf(&bwd, "\ts += f%d(id, 0.5);\n", stressFuncs-1-i)
	}
	fwd.WriteString("\treturn s; }\n")
	bwd.WriteString("\treturn s; }\n")
	buildC(t, dir, "gcc", "libstress.so", lib.String(), "-O0", "-shared", "-fPIC")
	buildC(t, dir, "gcc", "libcalls.so", decls.String()+fwd.String()+bwd.String(), "-O0", "-shared", "-fPIC",
		"-L"+dir, "-lstress", "-Wl,-z,lazy")
	prog := buildC(t, dir, "gcc", "stress", stressMain, "-pthread", "-L"+dir, "-lcalls", "-lstress",
		"-Wl,-rpath,"+dir, "-Wl,-z,lazy")
	// sum over threads of sum_i (id*i + 2)
	var want int64
	for id := int64(0); id < 16; id++ {
		want += id*int64(stressFuncs*(stressFuncs-1)/2) + 2*stressFuncs
	}
	wantOut := fmt.Sprintf("handler 5\nalarms 1\nsigwait SIGUSR2\nsignalfd 1 99\nchild 1 61\nthreads %d\nparent after child 4\n", want)
	ref := run(t, nil, glibcLdso, prog)
	if ref.stdout != wantOut || ref.code != 17 {
		t.Fatalf("under ld.so: exit %d, stdout %q, stderr %q", ref.code, ref.stdout, ref.stderr)
	}
	for i := 0; i < 3; i++ {
		got := run(t, nil, ldgoPath, prog)
		if got.stdout != ref.stdout || got.code != ref.code {
			t.Fatalf("run %d under ldgo: exit %d, stdout %q, stderr %q", i, got.code, got.stdout, got.stderr)
		}
	}
	if d := time.Since(start); d > 15*time.Second {
		t.Logf("stress test took %v", d)
	}
}
