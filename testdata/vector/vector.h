/* vector.h: the CSAPP shared-library example (section 7.10). */
#ifndef VECTOR_H
#define VECTOR_H

void addvec(int *x, int *y, int *z, int n);
void multvec(int *x, int *y, int *z, int n);

/* Call counters; exported data, so an executable that reads them gets a copy
 * relocation (non-PIE) or a GOT load (PIE). */
extern int addcnt;
extern int multcnt;

#endif
