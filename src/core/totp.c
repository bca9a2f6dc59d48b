/*
** totp.c — the rules of the TOTP second factor (RFC 6238 over RFC 4226), one function each:
** the code of a step, the verification of a typed code against a window of steps and the last
** step used, base32 (RFC 4648, no padding) for manual entry, the otpauth:// URI, the QR code
** of that URI as an inline SVG (libqrencode), and the recovery codes with their hashes.
**
** The secret is 20 random bytes (the size of an HMAC-SHA1 key, RFC 4226 §4), kept in the
** store as base32 text; it is a credential: never logged, never audited, never in an API
** representation.  The store and the sign-in flow are in user.c and totp_flow.c.
*/
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <qrencode.h>
#include <sodium.h>

#include "wm_core.h"

/* ---------------------------------------------------------------- RFC 6238 */

uint32_t
wm_totp_code(const unsigned char *key, size_t keylen, uint64_t step, unsigned digits)
{
    unsigned char msg[8], mac[EVP_MAX_MD_SIZE];
    unsigned int maclen = 0;
    for (int i = 7; i >= 0; i--) {
        msg[i] = (unsigned char)(step & 0xff);
        step >>= 8;
    }
    if (NULL == HMAC(EVP_sha1(), key, (int)keylen, msg, sizeof msg, mac, &maclen) ||
        maclen < 20) {
        return UINT32_MAX; /* never a code: no typed code of digits digits equals it */
    }
    /* dynamic truncation (RFC 4226 §5.3) */
    unsigned off = mac[maclen - 1] & 0x0f;
    uint32_t bin = ((uint32_t)(mac[off] & 0x7f) << 24) | ((uint32_t)mac[off + 1] << 16) |
                   ((uint32_t)mac[off + 2] << 8) | (uint32_t)mac[off + 3];
    uint32_t mod = 1;
    for (unsigned i = 0; i < digits && i < 9; i++) {
        mod *= 10;
    }
    return bin % mod;
}

int64_t
wm_totp_step(int64_t now)
{
    return now < 0 ? 0 : now / WM_TOTP_PERIOD;
}

/* A typed code: exactly WM_TOTP_DIGITS digits once spaces are dropped ("123 456"). */
static bool
totp_parse(const char *code, uint32_t *out)
{
    uint32_t v = 0;
    unsigned n = 0;
    for (const char *p = code; p && *p; p++) {
        if (' ' == *p) {
            continue;
        }
        if (!isdigit((unsigned char)*p) || ++n > WM_TOTP_DIGITS) {
            return false;
        }
        v = v * 10 + (uint32_t)(*p - '0');
    }
    *out = v;
    return WM_TOTP_DIGITS == n;
}

int64_t
wm_totp_verify(const unsigned char *key, size_t keylen, const char *code, int64_t now,
               int64_t last_step)
{
    uint32_t want;
    if (!totp_parse(code, &want)) {
        return 0;
    }
    int64_t t = wm_totp_step(now), found = 0;
    /* every step of the window is computed and compared, whichever matches */
    for (int64_t s = t - WM_TOTP_WINDOW; s <= t + WM_TOTP_WINDOW; s++) {
        uint32_t c = wm_totp_code(key, keylen, (uint64_t)(s < 0 ? 0 : s), WM_TOTP_DIGITS);
        unsigned char a[4] = {(unsigned char)(c >> 24), (unsigned char)(c >> 16),
                              (unsigned char)(c >> 8), (unsigned char)c};
        unsigned char b[4] = {(unsigned char)(want >> 24), (unsigned char)(want >> 16),
                              (unsigned char)(want >> 8), (unsigned char)want};
        if (s > 0 && 0 == sodium_memcmp(a, b, 4) && s > last_step && 0 == found) {
            found = s;
        }
    }
    return found;
}

/* ---------------------------------------------------------------- base32 (RFC 4648) */

static const char b32_alpha[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

char *
wm_base32_encode(const unsigned char *p, size_t n)
{
    char *out = wm_malloc((n * 8 + 4) / 5 + 1);
    size_t o = 0;
    uint32_t buf = 0;
    int bits = 0;
    for (size_t i = 0; i < n; i++) {
        buf = (buf << 8) | p[i];
        bits += 8;
        while (bits >= 5) {
            out[o++] = b32_alpha[(buf >> (bits - 5)) & 31];
            bits -= 5;
        }
    }
    if (bits > 0) {
        out[o++] = b32_alpha[(buf << (5 - bits)) & 31];
    }
    out[o] = '\0';
    return out;
}

bool
wm_base32_decode(const char *s, unsigned char *out, size_t cap, size_t *n)
{
    uint32_t buf = 0;
    int bits = 0;
    size_t o = 0;
    bool pad = false;
    for (const char *p = s; p && *p; p++) {
        char c = (char)toupper((unsigned char)*p);
        if (' ' == c || '-' == c) {
            continue;
        }
        if ('=' == c) {
            pad = true;
            continue;
        }
        const char *q = strchr(b32_alpha, c);
        if (pad || '\0' == c || NULL == q) {
            return false;
        }
        buf = (buf << 5) | (uint32_t)(q - b32_alpha);
        bits += 5;
        if (bits >= 8) {
            if (o >= cap) {
                return false;
            }
            out[o++] = (unsigned char)((buf >> (bits - 8)) & 0xff);
            bits -= 8;
        }
    }
    *n = o;
    return true;
}

/* ---------------------------------------------------------------- enrolment */

char *
wm_totp_secret_new(void)
{
    unsigned char key[WM_TOTP_SECRET_BYTES];
    randombytes_buf(key, sizeof key);
    char *s = wm_base32_encode(key, sizeof key);
    sodium_memzero(key, sizeof key);
    return s;
}

bool
wm_totp_key(const char *secret, unsigned char key[WM_TOTP_SECRET_BYTES])
{
    size_t n = 0;
    return secret && wm_base32_decode(secret, key, WM_TOTP_SECRET_BYTES, &n) &&
           WM_TOTP_SECRET_BYTES == n;
}

char *
wm_totp_uri(const char *issuer, const char *username, const char *secret)
{
    struct wm_buf b = {0};
    /* label = issuer ":" account, each percent-encoded (Key Uri Format) */
    wm_buf_adds(&b, "otpauth://totp/");
    wm_url_encode(&b, issuer);
    wm_buf_adds(&b, ":");
    wm_url_encode(&b, username);
    wm_buf_adds(&b, "?secret=");
    wm_buf_adds(&b, secret);
    wm_buf_adds(&b, "&issuer=");
    wm_url_encode(&b, issuer);
    wm_buf_printf(&b, "&algorithm=SHA1&digits=%d&period=%d", WM_TOTP_DIGITS, WM_TOTP_PERIOD);
    return wm_buf_steal(&b);
}

char *
wm_qr_svg(const char *text)
{
    QRcode *qr = QRcode_encodeString8bit(text, 0, QR_ECLEVEL_M);
    if (NULL == qr) {
        return NULL;
    }
    const int quiet = 4, w = qr->width, size = w + 2 * quiet;
    struct wm_buf b = {0};
    wm_buf_printf(&b,
                  "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"qr\" role=\"img\" "
                  "viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" "
                  "shape-rendering=\"crispEdges\"><rect width=\"%d\" height=\"%d\" "
                  "fill=\"#fff\"/>",
                  size, size, size * 5, size * 5, size, size);
    /* one rect per horizontal run of dark modules */
    for (int y = 0; y < w; y++) {
        for (int x = 0; x < w;) {
            if (!(qr->data[y * w + x] & 1)) {
                x++;
                continue;
            }
            int run = 1;
            while (x + run < w && (qr->data[y * w + x + run] & 1)) {
                run++;
            }
            wm_buf_printf(&b, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"1\"/>",
                          x + quiet, y + quiet, run);
            x += run;
        }
    }
    wm_buf_adds(&b, "</svg>");
    QRcode_free(qr);
    return wm_buf_steal(&b);
}

/* ---------------------------------------------------------------- recovery codes */

char *
wm_recovery_code_new(void)
{
    /* 12 base32 symbols (60 bits) in three groups: "abcd-efgh-jkmn" */
    static const char alpha[] = "abcdefghijklmnopqrstuvwxyz234567";
    char out[15];
    size_t o = 0;
    for (int i = 0; i < 12; i++) {
        if (i && 0 == i % 4) {
            out[o++] = '-';
        }
        out[o++] = alpha[randombytes_uniform(32)];
    }
    out[o] = '\0';
    return wm_strdup(out);
}

bool
wm_recovery_hash(int64_t user_id, const char *code, char out[65])
{
    char norm[32];
    size_t n = 0;
    for (const char *p = code; p && *p; p++) {
        if (' ' == *p || '-' == *p) {
            continue;
        }
        if (n + 1 >= sizeof norm || !isalnum((unsigned char)*p)) {
            return false;
        }
        norm[n++] = (char)tolower((unsigned char)*p);
    }
    norm[n] = '\0';
    if (12 != n) {
        return false;
    }
    /* keyed by the account: the same code of two accounts hashes differently */
    char *msg = wm_asprintf("wenming-recovery:%lld:%s", (long long)user_id, norm);
    wm_sha256_hex(msg, strlen(msg), out);
    sodium_memzero(msg, strlen(msg));
    free(msg);
    return true;
}

/* end of totp.c */
