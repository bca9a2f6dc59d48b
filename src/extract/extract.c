/*
** extract.c — the entry points (wm_extract_text, wm_extract_file): the type decides the
** extractor; and the text being built (struct ex_out), which every extractor appends to,
** cleaned as it comes (valid UTF-8, no control bytes, newlines normalised, capped).
*/
/* clang-format off */
#include "ex_int.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "banned.h"
/* clang-format on */

void
ex_seterr(char *err, size_t errlen, const char *fmt, ...)
{
    if (NULL == err || 0 == errlen) {
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

/* ---------------------------------------------------------------- the text being built */

/*
** Decode one UTF-8 sequence at s (n > 0 bytes left): its code point and length, or -1 (and
** *len 1) for a byte that starts no valid sequence (overlong forms, surrogates, past
** U+10FFFF and truncated sequences included).
*/
int32_t
ex_utf8_next(const unsigned char *s, size_t n, size_t *len)
{
    unsigned char c = s[0];
    *len = 1;
    if (c < 0x80) {
        return c;
    }
    size_t k;
    int32_t cp;
    int32_t min;
    if (c >= 0xC2 && c <= 0xDF) {
        k = 2, cp = c & 0x1F, min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        k = 3, cp = c & 0x0F, min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        k = 4, cp = c & 0x07, min = 0x10000;
    } else {
        return -1;
    }
    if (n < k) {
        return -1;
    }
    for (size_t i = 1; i < k; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            return -1;
        }
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
        return -1;
    }
    *len = k;
    return cp;
}

/* Append k bytes, or mark the text full when they would pass the cap.  A third newline in a
** row is dropped: one empty line at most separates paragraphs. */
static bool
out_put(struct ex_out *o, const char *p, size_t k)
{
    if (1 == k && '\n' == p[0] && o->b.len >= 2 && '\n' == o->b.data[o->b.len - 1]
        && '\n' == o->b.data[o->b.len - 2]) {
        return true;
    }
    if (o->b.len + k > o->cap) {
        o->full = true;
        return false;
    }
    wm_buf_add(&o->b, p, k);
    return true;
}

void
ex_add(struct ex_out *o, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < n && !o->full) {
        /* a run of printable ASCII in one copy */
        size_t j = i;
        while (j < n && p[j] >= 0x20 && p[j] < 0x7F) {
            j++;
        }
        if (j > i) {
            size_t room = o->cap > o->b.len ? o->cap - o->b.len : 0;
            size_t k = j - i < room ? j - i : room;
            wm_buf_add(&o->b, p + i, k);
            if (k < j - i) {
                o->full = true;
                return;
            }
            o->last_cr = false;
            i = j;
            continue;
        }
        size_t len;
        int32_t cp = ex_utf8_next(p + i, n - i, &len);
        bool cr = false;
        if (cp < 0) {
            (void)out_put(o, "\xEF\xBF\xBD", 3); /* U+FFFD */
        } else if ('\n' == cp) {
            if (!o->last_cr) {
                (void)out_put(o, "\n", 1);
            }
        } else if ('\r' == cp || '\f' == cp || '\v' == cp || 0x2028 == cp || 0x2029 == cp) {
            (void)out_put(o, "\n", 1);
            cr = '\r' == cp;
        } else if ('\t' == cp) {
            (void)out_put(o, "\t", 1);
        } else if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0) || 0xFEFF == cp) {
            /* control characters and a stray byte-order mark: dropped */
        } else {
            (void)out_put(o, (const char *)p + i, len);
        }
        o->last_cr = cr;
        i += len;
    }
}

void
ex_adds(struct ex_out *o, const char *s)
{
    ex_add(o, s, strlen(s));
}

void
ex_nl(struct ex_out *o)
{
    if (o->b.len > 0 && '\n' != o->b.data[o->b.len - 1]) {
        (void)out_put(o, "\n", 1);
    }
    o->last_cr = false;
}

void
ex_space(struct ex_out *o)
{
    if (o->b.len > 0) {
        char c = o->b.data[o->b.len - 1];
        if (' ' != c && '\n' != c && '\t' != c) {
            (void)out_put(o, " ", 1);
        }
    }
    o->last_cr = false;
}

/* Han ideographs (with extensions and compatibility forms), CJK punctuation and full-width
** forms: the characters between which OCR's spaces mean nothing. */
static bool
is_han(int32_t cp)
{
    return (cp >= 0x2E80 && cp <= 0x2FDF) || (cp >= 0x3000 && cp <= 0x303F)
           || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF)
           || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFE30 && cp <= 0xFE4F)
           || (cp >= 0xFF00 && cp <= 0xFF60) || (cp >= 0x20000 && cp <= 0x3134F);
}

/* The code point that ends just before s[end] (a valid UTF-8 string), or -1. */
static int32_t
cp_before(const unsigned char *s, size_t end)
{
    size_t st = end;
    while (st > 0 && end - st < 4) {
        st--;
        if ((s[st] & 0xC0) != 0x80) {
            size_t len;
            int32_t cp = ex_utf8_next(s + st, end - st, &len);
            return st + len == end ? cp : -1;
        }
    }
    return -1;
}

size_t
ex_join_han(char *s, size_t n)
{
    unsigned char *p = (unsigned char *)s;
    size_t w = 0;
    for (size_t i = 0; i < n;) {
        if (' ' == p[i]) {
            size_t j = i;
            while (j < n && ' ' == p[j]) {
                j++;
            }
            size_t len;
            int32_t after = j < n ? ex_utf8_next(p + j, n - j, &len) : -1;
            if (j < n && is_han(after) && is_han(cp_before(p, w))) {
                i = j; /* drop the spaces between two Han characters */
                continue;
            }
            memmove(p + w, p + i, j - i);
            w += j - i;
            i = j;
            continue;
        }
        p[w++] = p[i++];
    }
    if (w < n) {
        p[w] = '\0';
    }
    return w;
}

/* ---------------------------------------------------------------- the types */

enum wm_err
wm_extract_text(const char *src_path, const char *mime, char **text, size_t *len, char *err,
                size_t errlen)
{
    *text = NULL;
    *len = 0;
    ex_seterr(err, errlen, "%s", "");
    if (NULL == src_path || NULL == mime) {
        ex_seterr(err, errlen, "missing source or type");
        return WM_E_BAD_REQUEST;
    }
    enum wm_extract_kind k = wm_extract_kind(mime);
    if (WM_EXTRACT_NONE == k) {
        ex_seterr(err, errlen, "no text extraction from %s", mime);
        return WM_E_UNSUPPORTED_MEDIA;
    }
    struct stat st;
    if (stat(src_path, &st)) {
        ex_seterr(err, errlen, "%s: %s", src_path, strerror(errno));
        return WM_E_NOT_FOUND;
    }
    if (!S_ISREG(st.st_mode)) {
        ex_seterr(err, errlen, "%s: not a regular file", src_path);
        return WM_E_BAD_REQUEST;
    }
    struct ex_out o = {.cap = WM_EXTRACT_MAX_TEXT};
    enum wm_err e;
    switch (k) {
    case WM_EXTRACT_PDF:
        e = ex_pdf_file(src_path, &o, err, errlen);
        break;
    case WM_EXTRACT_ZIP:
        e = ex_zip_file(src_path, &o, err, errlen);
        break;
    case WM_EXTRACT_TEXT:
        e = ex_text_file(src_path, &o, err, errlen);
        break;
    default:
        e = ex_image_file(src_path, &o, err, errlen);
        break;
    }
    if (WM_OK != e) {
        wm_buf_free(&o.b);
        return e;
    }
    /* no trailing white space */
    while (o.b.len > 0 && strchr(" \t\n", o.b.data[o.b.len - 1])) {
        o.b.data[--o.b.len] = '\0';
    }
    *len = o.b.len;
    *text = wm_buf_steal(&o.b);
    return WM_OK;
}

enum wm_err
wm_extract_file(const char *src_path, const char *mime, const char *dst_path, char *err,
                size_t errlen)
{
    if (NULL == dst_path) {
        ex_seterr(err, errlen, "missing destination");
        return WM_E_BAD_REQUEST;
    }
    char *text;
    size_t len;
    enum wm_err e = wm_extract_text(src_path, mime, &text, &len, err, errlen);
    if (WM_OK != e) {
        return e;
    }
    int rc = wm_write_atomic(dst_path, text, len, 0640);
    free(text);
    if (rc) {
        ex_seterr(err, errlen, "%s: %s", dst_path, strerror(-rc));
        return WM_E_INTERNAL;
    }
    return WM_OK;
}

/* end of extract.c */
