/*
 * tlslib.c: built with -fpic in several TLS models (see the e2e tests):
 * default (global-dynamic for counter, local-dynamic or global-dynamic for the
 * statics), -ftls-model=initial-exec, -ftls-model=local-dynamic and
 * -mtls-dialect=gnu2 (TLS descriptors). Each variant must behave the same.
 */
#include "tlslib.h"

__thread int counter = 10;
/* Two static TLS variables, so local-dynamic code computes the module base
 * once and adds two different DTPOFF offsets. */
static __thread int local_counter = 1000;
static __thread int local_counter2; /* .tbss */

int tls_bump(void)
{
    local_counter += 2;
    local_counter2 += 3;
    return ++counter;
}

int tls_counter(void) { return counter; }
int tls_local(void) { return local_counter; }
int tls_local2(void) { return local_counter2; }
int *tls_counter_addr(void) { return &counter; }
