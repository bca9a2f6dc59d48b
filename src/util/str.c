/*
** str.c — UTF-8 validation, strict number parsing, URL coding, small string helpers.
*/
#include "wm_util.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

bool
wm_utf8_valid(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + n;
    while (p < end) {
        unsigned c = *p;
        if (c == 0) {
            return false;
        }
        if (c < 0x80) {
            p++;
            continue;
        }
        size_t need;
        unsigned cp;
        if (c >= 0xC2 && c <= 0xDF) {
            need = 1;
            cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            need = 2;
            cp = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            need = 3;
            cp = c & 0x07;
        } else {
            return false;
        }
        if ((size_t)(end - p) <= need) {
            return false;
        }
        for (size_t i = 1; i <= need; i++) {
            if ((p[i] & 0xC0) != 0x80) {
                return false;
            }
            cp = (cp << 6) | (p[i] & 0x3F);
        }
        if ((need == 2 && cp < 0x800) || (need == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
            (cp >= 0xD800 && cp <= 0xDFFF)) {
            return false;
        }
        p += need + 1;
    }
    return true;
}

size_t
wm_utf8_cut(const char *s, size_t n, size_t max)
{
    if (n <= max) {
        return n;
    }
    size_t k = max;
    while (k > 0 && ((unsigned char)s[k] & 0xC0) == 0x80) {
        k--;
    }
    return k;
}

size_t
wm_utf8_len(const char *s)
{
    size_t n = 0;
    for (; *s; s++) {
        if ((*s & 0xC0) != 0x80) {
            n++;
        }
    }
    return n;
}

bool
wm_has_control(const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c < 0x20 || c == 0x7F) {
            return true;
        }
    }
    return false;
}

/* The length of the invisible character at p (UTF-8), 0 when p starts another one. */
static size_t
invisible_at(const unsigned char *p)
{
    if (0xE2 == p[0] && 0x80 == p[1] &&
        ((p[2] >= 0x8B && p[2] <= 0x8F) || (p[2] >= 0xAA && p[2] <= 0xAE))) {
        return 3; /* U+200B..U+200F, U+202A..U+202E */
    }
    if (0xE2 == p[0] && 0x81 == p[1] && p[2] >= 0xA6 && p[2] <= 0xA9) {
        return 3; /* U+2066..U+2069 */
    }
    if (0xEF == p[0] && 0xBB == p[1] && 0xBF == p[2]) {
        return 3; /* U+FEFF */
    }
    if (0xD8 == p[0] && 0x9C == p[1]) {
        return 2; /* U+061C */
    }
    return 0;
}

char *
wm_strip_invisible(char *s)
{
    if (NULL == s) {
        return NULL;
    }
    unsigned char *r = (unsigned char *)s, *w = (unsigned char *)s;
    while (*r) {
        size_t n = invisible_at(r);
        if (n) {
            r += n;
        } else {
            *w++ = *r++;
        }
    }
    *w = '\0';
    return s;
}

bool
wm_parse_i64(const char *s, int64_t min, int64_t max, int64_t *out)
{
    if (NULL == s || '\0' == *s || isspace((unsigned char)*s)) {
        return false;
    }
    char *end = NULL;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (0 != errno || '\0' != *end || v < min || v > max) {
        return false;
    }
    *out = v;
    return true;
}

bool
wm_streq(const char *a, const char *b)
{
    return a && b && 0 == strcmp(a, b);
}

bool
wm_startswith(const char *s, const char *prefix)
{
    return 0 == strncmp(s, prefix, strlen(prefix));
}

uint64_t
wm_fnv1a(const void *p, size_t n)
{
    const unsigned char *s = p;
    uint64_t h = 0xcbf29ce484222325u;
    for (size_t i = 0; i < n; i++) {
        h = (h ^ s[i]) * 0x100000001b3u;
    }
    return h;
}

void
wm_hex(const unsigned char *in, size_t n, char *out)
{
    static const char d[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = d[in[i] >> 4];
        out[2 * i + 1] = d[in[i] & 15];
    }
    out[2 * n] = '\0';
}

char *
wm_trim(char *s)
{
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1])) {
        s[--n] = '\0';
    }
    size_t i = 0;
    while (isspace((unsigned char)s[i])) {
        i++;
    }
    if (i) {
        memmove(s, s + i, n - i + 1);
    }
    return s;
}

int
wm_hexval(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

char *
wm_url_decode(const char *s, size_t n, bool form)
{
    char *out = wm_malloc(n + 1);
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if ('%' == s[i]) {
            int h, l;
            if (i + 2 >= n || (h = wm_hexval(s[i + 1])) < 0 || (l = wm_hexval(s[i + 2])) < 0) {
                free(out);
                return NULL;
            }
            out[o++] = (char)(h * 16 + l);
            i += 2;
        } else if (form && '+' == s[i]) {
            out[o++] = ' ';
        } else {
            out[o++] = s[i];
        }
    }
    out[o] = '\0';
    return out;
}

void
wm_url_encode(struct wm_buf *b, const char *s)
{
    static const char d[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (isalnum(*p) || strchr("-._~", *p)) {
            wm_buf_addc(b, (char)*p);
        } else {
            char e[3] = {'%', d[*p >> 4], d[*p & 15]};
            wm_buf_add(b, e, 3);
        }
    }
}

/* end of str.c */

const char *
wm_cell_text(const char *s, struct wm_buf *tmp)
{
    if (s == NULL || strchr("=+-@\t\r", s[0]) == NULL || s[0] == '\0') {
        return s;
    }
    wm_buf_reset(tmp);
    wm_buf_addc(tmp, '\'');
    wm_buf_adds(tmp, s);
    return wm_buf_str(tmp);
}

void
wm_cell_untext(char *s)
{
    if (s != NULL && s[0] == '\'' && s[1] != '\0' && strchr("=+-@\t\r", s[1]) != NULL) {
        memmove(s, s + 1, strlen(s));
    }
}
