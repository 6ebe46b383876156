package main

import (
	"strings"
	"testing"
)

const signalsProg = `#include <stdio.h>
#include <signal.h>
#include <unistd.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
static volatile int alarms;
static void on_alarm(int s) { alarms++; }
int main(void) {
	struct sigaction sa;
	sigaction(SIGINT, NULL, &sa);
	printf("SIGINT ignored: %d\n", sa.sa_handler == SIG_IGN);
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	sigprocmask(SIG_BLOCK, &set, NULL);
	pid_t parent = getpid();
	for (int i = 0; i < 20; i++) {
		pid_t c = fork();
		if (c == 0) { kill(parent, SIGUSR1); _exit(0); }
		int sig;
		sigwait(&set, &sig);
		waitpid(c, NULL, 0);
	}
	printf("sigwait 20\n");
	sigset_t s2;
	sigemptyset(&s2);
	sigaddset(&s2, SIGUSR2);
	int fd = signalfd(-1, &s2, 0);
	for (int i = 0; i < 10; i++) {
		pid_t c = fork();
		if (c == 0) { kill(parent, SIGUSR2); _exit(0); }
		struct signalfd_siginfo si;
		read(fd, &si, sizeof si);
		waitpid(c, NULL, 0);
	}
	printf("signalfd 10\n");
	signal(SIGALRM, on_alarm);
	for (int i = 0; i < 3; i++) { ualarm(20000, 0); pause(); }
	printf("alarms %d\n", alarms);
	return 0;
}
`

// TestSignals: the Go runtime stays out of the program's way — process
// signals the program blocks reach sigwait and signalfd (not a Go thread),
// handlers run, and a disposition ignored at exec stays ignored.
func TestSignals(t *testing.T) {
	prog := buildC(t, t.TempDir(), "gcc", "signals", signalsProg)
	want := "SIGINT ignored: 1\nsigwait 20\nsignalfd 10\nalarms 3\n"
	for i := 0; i < 3; i++ {
		got := run(t, nil, "bash", "-c", `trap "" INT; exec "$0" "$1"`, ldgoPath, prog)
		if got.stdout != want || got.code != 0 {
			t.Fatalf("exit %d, stdout %q, stderr %q", got.code, got.stdout, strings.TrimSpace(got.stderr))
		}
	}
}
