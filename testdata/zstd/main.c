/*
 * zstd test: 10 MB round trip through ZSTD_compress/ZSTD_decompress at levels
 * 1 and 9, plus the streaming API (ZSTD_compressStream2 / ZSTD_decompressStream)
 * with small buffers, verifying the bytes each time. Expected output:
 *   ok
 * on stdout (sizes go to stderr because they depend on the zstd version).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#define SIZE (10 * 1024 * 1024)

static void fill(unsigned char *p, size_t n)
{
    static const char *words[] = {"red ", "green ", "blue ", "cyan ", "magenta ", "yellow ",
                                  "black ", "white\n"};
    unsigned int s = 777;
    size_t i = 0;

    while (i < n) {
        const char *w;
        size_t k;

        s = s * 1664525u + 1013904223u;
        w = words[s >> 29];
        for (k = 0; w[k] && i < n; k++)
            p[i++] = (unsigned char)w[k];
        if ((s >> 10 & 15) == 0 && i < n)
            p[i++] = (unsigned char)(s >> 20);
    }
}

static int simple(const unsigned char *in, unsigned char *out, int level)
{
    size_t cap = ZSTD_compressBound(SIZE), csize, dsize;
    unsigned char *c = malloc(cap);

    if (!c)
        return 1;
    csize = ZSTD_compress(c, cap, in, SIZE, level);
    if (ZSTD_isError(csize)) {
        fprintf(stderr, "ZSTD_compress: %s\n", ZSTD_getErrorName(csize));
        return 1;
    }
    if (ZSTD_getFrameContentSize(c, csize) != SIZE) {
        fprintf(stderr, "bad frame content size\n");
        return 1;
    }
    memset(out, 0, SIZE);
    dsize = ZSTD_decompress(out, SIZE, c, csize);
    if (ZSTD_isError(dsize) || dsize != SIZE || memcmp(in, out, SIZE) != 0) {
        fprintf(stderr, "ZSTD_decompress mismatch (level %d)\n", level);
        return 1;
    }
    if (csize >= SIZE / 2) {
        fprintf(stderr, "data did not compress: %zu\n", csize);
        return 1;
    }
    fprintf(stderr, "level %d: %d -> %zu\n", level, SIZE, csize);
    free(c);
    return 0;
}

static int streaming(const unsigned char *in, unsigned char *out)
{
    size_t cap = ZSTD_compressBound(SIZE), r;
    unsigned char *c = malloc(cap);
    ZSTD_CCtx *cc = ZSTD_createCCtx();
    ZSTD_DCtx *dc = ZSTD_createDCtx();
    ZSTD_outBuffer ob = {c, 0, 0};
    ZSTD_inBuffer ib = {in, 0, 0};
    size_t off = 0;

    if (!c || !cc || !dc)
        return 1;
    ZSTD_CCtx_setParameter(cc, ZSTD_c_compressionLevel, 3);
    ZSTD_CCtx_setParameter(cc, ZSTD_c_checksumFlag, 1);
    /* Feed and drain in 100000-byte pieces. */
    for (;;) {
        ZSTD_EndDirective mode;

        if (ib.pos == ib.size && ib.size < SIZE)
            ib.size = ib.size + 100000 > SIZE ? SIZE : ib.size + 100000;
        mode = ib.size == SIZE ? ZSTD_e_end : ZSTD_e_continue;
        ob.size = ob.pos + 100000 > cap ? cap : ob.pos + 100000;
        r = ZSTD_compressStream2(cc, &ob, &ib, mode);
        if (ZSTD_isError(r)) {
            fprintf(stderr, "compressStream2: %s\n", ZSTD_getErrorName(r));
            return 1;
        }
        if (mode == ZSTD_e_end && r == 0)
            break;
    }

    memset(out, 0, SIZE);
    {
        ZSTD_inBuffer di = {c, 0, 0};
        ZSTD_outBuffer dout = {out, 0, 0};

        while (off < ob.pos || r != 0) {
            di.size = off + 65536 > ob.pos ? ob.pos : off + 65536;
            dout.size = dout.pos + 65536 > SIZE ? SIZE : dout.pos + 65536;
            r = ZSTD_decompressStream(dc, &dout, &di);
            if (ZSTD_isError(r)) {
                fprintf(stderr, "decompressStream: %s\n", ZSTD_getErrorName(r));
                return 1;
            }
            off = di.pos;
            if (r == 0 && di.pos == ob.pos)
                break;
        }
        if (dout.pos != SIZE || memcmp(in, out, SIZE) != 0) {
            fprintf(stderr, "stream mismatch: %zu bytes\n", dout.pos);
            return 1;
        }
    }
    fprintf(stderr, "stream: %d -> %zu\n", SIZE, ob.pos);
    ZSTD_freeCCtx(cc);
    ZSTD_freeDCtx(dc);
    free(c);
    return 0;
}

int main(void)
{
    unsigned char *in = malloc(SIZE), *out = malloc(SIZE);

    if (!in || !out) {
        fprintf(stderr, "out of memory\n");
        return 1;
    }
    fill(in, SIZE);
    if (simple(in, out, 1) || simple(in, out, 9) || streaming(in, out))
        return 1;
    printf("ok\n");
    free(in);
    free(out);
    return 0;
}
