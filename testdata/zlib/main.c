/*
 * zlib test: round-trip 10 MB of pseudo-random but compressible data through
 * compress2/uncompress and through a deflate/inflate stream pair in small
 * chunks, verifying the bytes each time. The generator is a fixed LCG, so the
 * compressed sizes are deterministic for a given zlib version; only "ok" lines
 * and the input size are compared exactly by the tests.
 *
 * Expected output (sizes after "compressed=" vary by zlib version):
 *   compress2 ok in=10485760 compressed=N
 *   stream ok in=10485760 compressed=N
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define SIZE (10 * 1024 * 1024)

static void fill(unsigned char *p, size_t n)
{
    /* Words drawn from a small alphabet: repetitive enough to compress. */
    static const char *words[] = {"alpha ", "beta ", "gamma ", "delta ", "epsilon ",
                                  "zeta ", "eta ", "theta\n"};
    unsigned int s = 12345;
    size_t i = 0;

    while (i < n) {
        const char *w;
        size_t k;

        s = s * 1103515245u + 12345u;
        w = words[(s >> 16) & 7];
        for (k = 0; w[k] && i < n; k++)
            p[i++] = (unsigned char)w[k];
        if ((s >> 8 & 31) == 0 && i < n)
            p[i++] = (unsigned char)(s >> 24); /* some noise */
    }
}

static int stream_roundtrip(const unsigned char *in, unsigned char *cbuf, size_t cap,
                            unsigned char *out, unsigned long *csize)
{
    z_stream d, f;
    size_t off = 0;
    int rc;

    memset(&d, 0, sizeof d);
    if (deflateInit(&d, 6) != Z_OK)
        return 1;
    d.next_out = cbuf;
    d.avail_out = (uInt)cap;
    /* Feed 64 KiB at a time so deflate keeps state across calls. */
    do {
        size_t n = SIZE - off < 65536 ? SIZE - off : 65536;

        d.next_in = (unsigned char *)in + off;
        d.avail_in = (uInt)n;
        off += n;
        rc = deflate(&d, off == SIZE ? Z_FINISH : Z_NO_FLUSH);
        if (rc == Z_STREAM_ERROR || d.avail_in != 0)
            return 2;
    } while (off < SIZE);
    if (rc != Z_STREAM_END)
        return 3;
    *csize = d.total_out;
    deflateEnd(&d);

    memset(&f, 0, sizeof f);
    if (inflateInit(&f) != Z_OK)
        return 4;
    f.next_in = cbuf;
    f.avail_in = (uInt)*csize;
    f.next_out = out;
    f.avail_out = 4096; /* small output windows exercise inflate's window copy */
    for (;;) {
        rc = inflate(&f, Z_NO_FLUSH);
        if (rc == Z_STREAM_END)
            break;
        if (rc != Z_OK && rc != Z_BUF_ERROR)
            return 5;
        if (f.avail_out == 0) {
            size_t left = SIZE - f.total_out;
            f.avail_out = left < 4096 ? (uInt)left : 4096;
            if (f.avail_out == 0)
                return 6;
        }
    }
    if (f.total_out != SIZE)
        return 7;
    inflateEnd(&f);
    return memcmp(in, out, SIZE) != 0 ? 8 : 0;
}

int main(void)
{
    unsigned char *in = malloc(SIZE), *out = malloc(SIZE), *cbuf;
    uLongf clen = compressBound(SIZE), olen = SIZE;
    unsigned long slen = 0;
    int rc;

    cbuf = malloc(clen);
    if (!in || !out || !cbuf) {
        fprintf(stderr, "out of memory\n");
        return 1;
    }
    fill(in, SIZE);

    rc = compress2(cbuf, &clen, in, SIZE, Z_DEFAULT_COMPRESSION);
    if (rc != Z_OK) {
        fprintf(stderr, "compress2: %d\n", rc);
        return 1;
    }
    rc = uncompress(out, &olen, cbuf, clen);
    if (rc != Z_OK || olen != SIZE || memcmp(in, out, SIZE) != 0) {
        fprintf(stderr, "uncompress: rc=%d len=%lu\n", rc, (unsigned long)olen);
        return 1;
    }
    if (clen >= SIZE / 2) {
        fprintf(stderr, "data did not compress: %lu\n", (unsigned long)clen);
        return 1;
    }
    printf("compress2 ok in=%d compressed=%lu\n", SIZE, (unsigned long)clen);

    memset(out, 0, SIZE);
    rc = stream_roundtrip(in, cbuf, compressBound(SIZE), out, &slen);
    if (rc != 0) {
        fprintf(stderr, "stream round trip failed at step %d\n", rc);
        return 1;
    }
    printf("stream ok in=%d compressed=%lu\n", SIZE, slen);
    free(in);
    free(out);
    free(cbuf);
    return 0;
}
