/*
 * The whole of CPython's main(): the interpreter itself comes from Debian's
 * libpython3.11.a, relinked by gold (see e2e/python_test.go). Built with
 * gcc -c -I/usr/include/python3.11 and linked -no-pie -Wl,-E with
 * libpython3.11.a -lexpat -lz -lm.
 */
#include <Python.h>

int main(int c, char **v) { return Py_BytesMain(c, v); }
