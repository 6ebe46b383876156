/* other.c: a second translation unit, so main.c compares the IFUNC's address
 * with a pointer taken in another object (and another relocation type). */
int foo(int);

int (*foo_from_other(void))(int) { return foo; }
