/* tlslib.h: interface of libtlstest.so (tlslib.c). */
#ifndef TLSLIB_H
#define TLSLIB_H

/* Exported TLS variable: the executable accesses it directly. */
extern __thread int counter;

/* Increments counter by 1 and the library's static TLS variables by 2 and 3;
 * returns the new counter. */
int tls_bump(void);
int tls_counter(void);
int tls_local(void);
int tls_local2(void);
int *tls_counter_addr(void);

#endif
