/*
** common.c — UTF-8 helpers, name conversion from GB18030, a string set and the per-thread
** UTF-8 locale used around libarchive calls.
*/
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <iconv.h>
#include <locale.h>

#include "pkg_int.h"
#include "wm_util.h"

#include "banned.h"

size_t
pkg_utf8_next(const unsigned char *s, size_t n, uint32_t *cp)
{
    if (n == 0) {
        return 0;
    }
    unsigned c = s[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    size_t len;
    uint32_t v, min;
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
        v = c & 0x1F;
        min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        v = c & 0x0F;
        min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        v = c & 0x07;
        min = 0x10000;
    } else {
        return 0;
    }
    if (n < len) {
        return 0;
    }
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            return 0;
        }
        v = (v << 6) | (s[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) {
        return 0;
    }
    *cp = v;
    return len;
}

void
pkg_utf8_put(struct wm_buf *b, uint32_t cp)
{
    char o[4];
    size_t n;
    if (cp < 0x80) {
        o[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        o[0] = (char)(0xC0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        o[0] = (char)(0xE0 | (cp >> 12));
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        o[0] = (char)(0xF0 | (cp >> 18));
        o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    wm_buf_add(b, o, n);
}

char *
pkg_utf8_repair(const char *raw, size_t n)
{
    struct wm_buf b = { 0 };
    wm_buf_reserve(&b, n + 1);
    wm_buf_add(&b, "", 0);
    const unsigned char *p = (const unsigned char *)raw;
    size_t i = 0;
    while (i < n) {
        uint32_t cp;
        size_t k = pkg_utf8_next(p + i, n - i, &cp);
        if (k == 0 || cp == 0) {
            pkg_utf8_put(&b, 0xFFFD);
            i++;
        } else {
            wm_buf_add(&b, p + i, k);
            i += k;
        }
    }
    return wm_buf_steal(&b);
}

void
pkg_copy_utf8(char *dst, size_t len, const char *src)
{
    if (len == 0) {
        return;
    }
    char *ok = pkg_utf8_repair(src, strlen(src));
    size_t n = wm_utf8_cut(ok, strlen(ok), len - 1);
    memcpy(dst, ok, n);
    dst[n] = '\0';
    free(ok);
}

/* GB18030 → UTF-8 with iconv; NULL when the bytes are not GB18030. */
static char *
from_gb18030(const char *raw, size_t n)
{
    iconv_t cd = iconv_open("UTF-8", "GB18030");
    if (cd == (iconv_t)-1) {
        return NULL;
    }
    size_t cap = n * 4 + 4;
    char *out = wm_malloc(cap);
    char *in = (char *)raw;
    size_t inleft = n;
    char *op = out;
    size_t outleft = cap - 1;
    size_t r = iconv(cd, &in, &inleft, &op, &outleft);
    iconv_close(cd);
    if (r == (size_t)-1 || inleft != 0) {
        free(out);
        return NULL;
    }
    *op = '\0';
    size_t len = (size_t)(op - out);
    if (!wm_utf8_valid(out, len)) {
        free(out);
        return NULL;
    }
    return out;
}

char *
pkg_name_to_utf8(const char *raw, size_t n, const char **enc)
{
    *enc = NULL;
    if (wm_utf8_valid(raw, n)) {
        return wm_strndup(raw, n);
    }
    if (memchr(raw, '\0', n) == NULL) {
        char *s = from_gb18030(raw, n);
        if (s != NULL) {
            *enc = "GB18030";
            return s;
        }
    }
    *enc = "UTF-8?";
    return pkg_utf8_repair(raw, n);
}

/* ---------------------------------------------------------------- string set */


static size_t
set_find(const struct pkg_set *set, const char *s)
{
    size_t mask = set->cap - 1;
    size_t i = (size_t)wm_fnv1a(s, strlen(s)) & mask;
    while (set->slots[i] != NULL && strcmp(set->slots[i], s) != 0) {
        i = (i + 1) & mask;
    }
    return i;
}

bool
pkg_set_has(const struct pkg_set *set, const char *s)
{
    size_t v;
    return pkg_set_get(set, s, &v);
}

bool
pkg_set_get(const struct pkg_set *set, const char *s, size_t *val)
{
    if (set->cap == 0) {
        return false;
    }
    size_t i = set_find(set, s);
    if (set->slots[i] == NULL) {
        return false;
    }
    *val = set->vals[i];
    return true;
}

bool
pkg_set_put(struct pkg_set *set, const char *s, size_t val)
{
    if ((set->len + 1) * 2 > set->cap) {
        size_t ncap = set->cap ? set->cap * 2 : 64;
        struct pkg_set bigger = { wm_calloc(ncap, sizeof(char *)), wm_calloc(ncap, sizeof(size_t)),
                                  ncap, set->len };
        for (size_t i = 0; i < set->cap; i++) {
            if (set->slots[i] != NULL) {
                size_t j = set_find(&bigger, set->slots[i]);
                bigger.slots[j] = set->slots[i];
                bigger.vals[j] = set->vals[i];
            }
        }
        free(set->slots);
        free(set->vals);
        *set = bigger;
    }
    size_t i = set_find(set, s);
    if (set->slots[i] != NULL) {
        return false;
    }
    set->slots[i] = wm_strdup(s);
    set->vals[i] = val;
    set->len++;
    return true;
}

bool
pkg_set_add(struct pkg_set *set, const char *s)
{
    return pkg_set_put(set, s, 0);
}

void
pkg_set_free(struct pkg_set *set)
{
    for (size_t i = 0; i < set->cap; i++) {
        free(set->slots[i]);
    }
    free(set->slots);
    free(set->vals);
    set->slots = NULL;
    set->vals = NULL;
    set->cap = set->len = 0;
}

/* ---------------------------------------------------------------- locale */

static pthread_once_t pkg_loc_once = PTHREAD_ONCE_INIT;
static locale_t pkg_loc_utf8;

static void
pkg_loc_init(void)
{
    static const char *const names[] = { "C.UTF-8", "C.utf8", "en_US.UTF-8", "zh_CN.UTF-8" };
    for (size_t i = 0; i < WM_ARRAY_LEN(names) && pkg_loc_utf8 == (locale_t)0; i++) {
        pkg_loc_utf8 = newlocale(LC_CTYPE_MASK, names[i], (locale_t)0);
    }
    if (pkg_loc_utf8 == (locale_t)0) {
        wm_log(WM_LOG_WARN, "archive: no UTF-8 locale (C.UTF-8) available; ZIP names may be "
                            "converted by the process locale");
    }
}

locale_t
pkg_locale_enter(void)
{
    pthread_once(&pkg_loc_once, pkg_loc_init);
    if (pkg_loc_utf8 == (locale_t)0) {
        return (locale_t)0;
    }
    return uselocale(pkg_loc_utf8);
}

void
pkg_locale_leave(locale_t old)
{
    if (old != (locale_t)0) {
        uselocale(old);
    }
}

/* end of common.c */
