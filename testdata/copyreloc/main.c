/*
 * Copy relocations and IFUNCs. In a -no-pie executable (and, with GCC's
 * default PIE copy relocations, in a PIE) references to libc's data (environ,
 * optind, stdout) become copy relocations, and libc's own references must then
 * use the executable's copy: the program writes each variable and checks that
 * libc sees the write (getenv reads environ, getopt reads optind, puts uses
 * stdout) and that it sees libc's writes (getopt updates optind).
 *
 * foo is an IFUNC. Its address taken here (PC-relative), in other.c (GOT) and
 * in initialised data (absolute) must be equal, as C requires, and calling it
 * must run the resolved implementation. ld.lld gets this right for every
 * output kind; GNU ld (bfd, gold) and mold print "no no" for -pie and
 * -static-pie because they leave the PC-relative reference on a non-canonical
 * PLT entry.
 *
 * Expected output, for `prog -a -b value rest`: expected.txt.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern char **environ;

static int foo_impl(int x) { return x * 3; }

/* The resolver runs during relocation processing (before main, and for
 * non-PIE static links from __libc_start_main's IRELATIVE loop). */
static int (*resolve_foo(void))(int) { return foo_impl; }

int foo(int) __attribute__((ifunc("resolve_foo")));

int (*foo_from_other(void))(int);

/* Address of the IFUNC in initialised data: needs an IRELATIVE or a canonical
 * PLT entry. */
int (*foo_ptr_data)(int) = foo;

int main(int argc, char **argv)
{
    static char *myenv[] = {"COPYRELOC_TEST=from-main", NULL};
    char **saved = environ;
    int opt, aflag = 0;
    const char *bval = NULL;
    char membuf[64] = "";
    FILE *saved_out, *mem;

    /* optind: getopt in libc must see our reset and we must see its updates. */
    while ((opt = getopt(argc, argv, "ab:")) != -1) {
        if (opt == 'a')
            aflag = 1;
        else if (opt == 'b')
            bval = optarg;
        else
            return 2;
    }
    printf("aflag=%d b=%s optind=%d rest=%s\n", aflag, bval ? bval : "(none)", optind,
           optind < argc ? argv[optind] : "(none)");
    optind = 1; /* rescan: libc must see the write */
    opt = getopt(argc, argv, "ab:");
    printf("rescan first opt=%c optind=%d\n", opt, optind);

    /* environ: a write here must be visible to getenv inside libc. */
    environ = myenv;
    printf("getenv=%s\n", getenv("COPYRELOC_TEST") ? getenv("COPYRELOC_TEST") : "(null)");
    environ = saved;
    printf("restored=%s\n", getenv("COPYRELOC_TEST") ? "set" : "unset");

    /* stdout: libc's puts must use the stdout we assign (with a copy
     * relocation, libc's own references go to the executable's copy). */
    fflush(stdout);
    saved_out = stdout;
    mem = fmemopen(membuf, sizeof membuf, "w");
    if (!mem)
        return 3;
    stdout = mem;
    puts("captured by puts");
    stdout = saved_out;
    fclose(mem);
    fprintf(stdout, "via stdout pointer: %s", membuf);

    printf("foo(14)=%d\n", foo(14));
    printf("ifunc addresses equal: %s %s\n", foo_from_other() == foo ? "yes" : "no",
           foo_ptr_data == foo ? "yes" : "no");
    printf("foo via pointer=%d\n", foo_ptr_data(5));
    return 0;
}
