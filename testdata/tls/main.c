/*
 * main.c for the TLS tests: uses libtlstest.so's exported __thread variable
 * directly (an initial-exec access from the executable to the library's TLS
 * block) and through the library, from the main thread and a second thread,
 * and checks that the threads' copies are separate. Output is printed only by
 * the main thread, after the join, so it is deterministic (see expected.txt).
 */
#include <pthread.h>
#include <stdio.h>
#include "tlslib.h"

static __thread int exe_tls = 7;

struct result {
    int start_counter, start_local, start_local2;
    int counter, local, local2, exe;
    int same_addr;
};

static void work(struct result *r, int rounds)
{
    int i;

    r->start_counter = counter;
    r->start_local = tls_local();
    r->start_local2 = tls_local2();
    for (i = 0; i < rounds; i++)
        tls_bump();
    counter += 100; /* direct write from the executable */
    exe_tls += rounds;
    r->counter = tls_counter(); /* read back through the library */
    r->local = tls_local();
    r->local2 = tls_local2();
    r->exe = exe_tls;
    r->same_addr = tls_counter_addr() == &counter;
}

static void *thread_main(void *arg)
{
    work(arg, 5);
    return NULL;
}

static void print(const char *who, const struct result *r)
{
    printf("%s: start counter=%d local=%d local2=%d; end counter=%d local=%d local2=%d exe=%d same_addr=%s\n",
           who, r->start_counter, r->start_local, r->start_local2, r->counter, r->local, r->local2,
           r->exe, r->same_addr ? "yes" : "no");
}

int main(void)
{
    struct result m, t;
    pthread_t th;

    work(&m, 2);
    if (pthread_create(&th, NULL, thread_main, &t) != 0 || pthread_join(th, NULL) != 0) {
        fprintf(stderr, "pthread failed\n");
        return 1;
    }
    print("main", &m);
    print("thread", &t);
    /* The second thread's work must not have touched the main thread's copies. */
    printf("main after join: counter=%d local=%d local2=%d exe=%d\n", counter, tls_local(), tls_local2(),
           exe_tls);
    return 0;
}
