/*
** crypto.c — SHA-256 through OpenSSL's EVP (it uses the CPU's SHA instructions, see
** DESIGN.md), random tokens and constant-time comparison through libsodium.
*/
#include "wm_util.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <sodium.h>

struct wm_sha256 {
    EVP_MD_CTX *ctx;
};

/* OpenSSL 3 looks the algorithm up on every EVP_sha256() init ("implicit fetch"), which
** costs more than hashing a short string: fetch it once. */
static EVP_MD *sha256_md;
static pthread_once_t sha256_once = PTHREAD_ONCE_INIT;

static void
sha256_fetch(void)
{
    sha256_md = EVP_MD_fetch(NULL, "SHA256", NULL);
    if (NULL == sha256_md) {
        wm_panic("OpenSSL has no SHA256");
    }
}

struct wm_sha256 *
wm_sha256_new(void)
{
    struct wm_sha256 *h = wm_malloc(sizeof *h);
    pthread_once(&sha256_once, sha256_fetch);
    h->ctx = EVP_MD_CTX_new();
    if (NULL == h->ctx || 1 != EVP_DigestInit_ex(h->ctx, sha256_md, NULL)) {
        wm_panic("EVP_DigestInit_ex(sha256) failed");
    }
    return h;
}

void
wm_sha256_update(struct wm_sha256 *h, const void *p, size_t n)
{
    if (n && 1 != EVP_DigestUpdate(h->ctx, p, n)) {
        wm_panic("EVP_DigestUpdate failed");
    }
}

void
wm_sha256_final_hex(struct wm_sha256 *h, char out[65])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (1 != EVP_DigestFinal_ex(h->ctx, md, &len) || 32 != len) {
        wm_panic("EVP_DigestFinal_ex failed");
    }
    wm_hex(md, 32, out);
    EVP_MD_CTX_free(h->ctx);
    free(h);
}

/* Short inputs (token hashes, audit entries: every request and every write has one) go
** through libsodium's SHA-256: the same digest, without OpenSSL's provider machinery, which
** a server that has not hashed a file yet then never starts (megabytes of its code and
** tables stay out of memory).  Files stream through OpenSSL's SHA instructions. */
#define SHA256_SHORT ((size_t)65536)

void
wm_sha256_hex(const void *p, size_t n, char out[65])
{
    if (n <= SHA256_SHORT) {
        unsigned char md[crypto_hash_sha256_BYTES];
        crypto_hash_sha256(md, p, n);
        wm_hex(md, sizeof md, out);
        return;
    }
    struct wm_sha256 *h = wm_sha256_new();
    wm_sha256_update(h, p, n);
    wm_sha256_final_hex(h, out);
}

char *
wm_random_token(size_t nbytes)
{
    unsigned char raw[64];
    if (nbytes > sizeof raw) {
        nbytes = sizeof raw;
    }
    randombytes_buf(raw, nbytes);
    size_t outlen = sodium_base64_ENCODED_LEN(nbytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    char *out = wm_malloc(outlen);
    sodium_bin2base64(out, outlen, raw, nbytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(raw, sizeof raw);
    return out;
}

bool
wm_secure_streq(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la != lb) {
        return false;
    }
    return 0 == sodium_memcmp(a, b, la);
}

/* end of crypto.c */
