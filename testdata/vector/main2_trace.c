/* main2.c with a marker on stderr when main starts, so a loader's binding
   trace (LDGO_DEBUG=bindings, LD_DEBUG=bindings) shows whether addvec was
   bound before main (BIND_NOW) or at its first call (lazy). */
#include <stdio.h>
#include "vector.h"

int x[2] = {1, 2};
int y[2] = {3, 4};
int z[2];

int main(void) {
    fputs("main: start\n", stderr);
    addvec(x, y, z, 2);
    printf("z = [%d %d]\n", z[0], z[1]);
    return 0;
}
