/*
 * libcrypto test: SHA-256 of "abc" through the EVP API (which goes through
 * OpenSSL's provider machinery, method stores, locks and init-once code, so it
 * exercises far more of the library than the digest itself), plus a one-shot
 * SHA-256 of a million 'a's (FIPS 180-2 test vector).
 *
 * Expected output:
 *   sha256(abc)=ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad
 *   sha256(1M a)=cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>

static int digest(const unsigned char *msg, size_t len, unsigned char *md, unsigned int *mdlen)
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    int ok;

    if (!ctx)
        return 0;
    ok = EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) &&
         EVP_DigestUpdate(ctx, msg, len) &&
         EVP_DigestFinal_ex(ctx, md, mdlen);
    EVP_MD_CTX_free(ctx);
    return ok;
}

static void hex(const char *label, const unsigned char *md, unsigned int n)
{
    unsigned int i;

    printf("%s=", label);
    for (i = 0; i < n; i++)
        printf("%02x", md[i]);
    printf("\n");
}

int main(void)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    unsigned char *big;

    if (!digest((const unsigned char *)"abc", 3, md, &n) || n != 32) {
        fprintf(stderr, "EVP digest of abc failed\n");
        return 1;
    }
    hex("sha256(abc)", md, n);

    big = malloc(1000000);
    if (!big)
        return 1;
    memset(big, 'a', 1000000);
    n = 0;
    if (!EVP_Digest(big, 1000000, md, &n, EVP_sha256(), NULL) || n != 32) {
        fprintf(stderr, "EVP_Digest of 1M a failed\n");
        return 1;
    }
    hex("sha256(1M a)", md, n);
    free(big);
    return 0;
}
