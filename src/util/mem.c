/*
** mem.c — allocation that aborts on out-of-memory, and the wm_buf byte buffer.
*/
#include "wm_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

_Noreturn void
wm_panic(const char *fmt, ...)
{
    va_list ap;
    wm_log_flush(); /* the access log's last lines, before the cause */
    va_start(ap, fmt);
    fputs("wenming: fatal: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    abort();
}

void *
wm_malloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (NULL == p) {
        wm_panic("out of memory allocating %zu bytes", n);
    }
    return p;
}

void *
wm_calloc(size_t nmemb, size_t size)
{
    void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);
    if (NULL == p) {
        wm_panic("out of memory allocating %zu x %zu bytes", nmemb, size);
    }
    return p;
}

void *
wm_realloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (NULL == q) {
        wm_panic("out of memory reallocating %zu bytes", n);
    }
    return q;
}

char *
wm_strdup(const char *s)
{
    return wm_strndup(s, strlen(s));
}

char *
wm_strndup(const char *s, size_t n)
{
    char *p = wm_malloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *
wm_asprintf(const char *fmt, ...)
{
    struct wm_buf b = {0};
    va_list ap;
    va_start(ap, fmt);
    wm_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    return wm_buf_steal(&b);
}

void
wm_buf_reserve(struct wm_buf *b, size_t extra)
{
    size_t need;
    if (__builtin_add_overflow(b->len, extra, &need) || __builtin_add_overflow(need, 1, &need)) {
        wm_panic("buffer size overflow");
    }
    if (need <= b->cap) {
        return;
    }
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need) {
        if (__builtin_mul_overflow(cap, 2, &cap)) {
            wm_panic("buffer size overflow");
        }
    }
    b->data = wm_realloc(b->data, cap);
    b->cap = cap;
}

void
wm_buf_add(struct wm_buf *b, const void *p, size_t n)
{
    wm_buf_reserve(b, n);
    if (n) {
        memcpy(b->data + b->len, p, n);
    }
    b->len += n;
    b->data[b->len] = '\0';
}

void
wm_buf_adds(struct wm_buf *b, const char *s)
{
    wm_buf_add(b, s, strlen(s));
}

void
wm_buf_addc(struct wm_buf *b, char c)
{
    wm_buf_add(b, &c, 1);
}

void
wm_buf_vprintf(struct wm_buf *b, const char *fmt, va_list ap)
{
    va_list cp;
    va_copy(cp, ap);
    int n = vsnprintf(NULL, 0, fmt, cp);
    va_end(cp);
    if (n < 0) {
        wm_panic("vsnprintf failed for format '%s'", fmt);
    }
    wm_buf_reserve(b, (size_t)n);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
}

void
wm_buf_printf(struct wm_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    wm_buf_vprintf(b, fmt, ap);
    va_end(ap);
}

void
wm_buf_reset(struct wm_buf *b)
{
    b->len = 0;
    if (b->data) {
        b->data[0] = '\0';
    }
}

char *
wm_buf_steal(struct wm_buf *b)
{
    char *p = b->data ? b->data : wm_strdup("");
    b->data = NULL;
    b->len = b->cap = 0;
    return p;
}

void
wm_buf_free(struct wm_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

const char *
wm_buf_str(const struct wm_buf *b)
{
    return b->data ? b->data : "";
}

/* end of mem.c */
