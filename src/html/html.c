/*
** html.c — the escaping writer behind every page (see wm_html.h).
*/
#include "config.h"

#include "wm_html.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

void
wm_html_esc(struct wm_buf *b, const char *s)
{
    if (NULL == s) {
        return;
    }
    const char *run = s;
    for (; *s; s++) {
        const char *rep = NULL;
        switch (*s) {
        case '&':
            rep = "&amp;";
            break;
        case '<':
            rep = "&lt;";
            break;
        case '>':
            rep = "&gt;";
            break;
        case '"':
            rep = "&quot;";
            break;
        case '\'':
            rep = "&#39;";
            break;
        default:
            continue;
        }
        wm_buf_add(b, run, (size_t)(s - run));
        wm_buf_adds(b, rep);
        run = s + 1;
    }
    wm_buf_add(b, run, (size_t)(s - run));
}

void
wm_html_hundredths(struct wm_buf *b, int64_t v)
{
    if (v < 0) {
        wm_buf_addc(b, '-');
        v = -v;
    }
    wm_buf_printf(b, "%" PRId64, v / 100);
    if (v % 100) {
        if (v % 10) {
            wm_buf_printf(b, ".%02d", (int)(v % 100));
        } else {
            wm_buf_printf(b, ".%d", (int)(v % 100 / 10));
        }
    }
}

void
wm_vh(struct wm_buf *b, const char *fmt, va_list ap)
{
    const char *run = fmt;
    for (const char *p = fmt; *p; p++) {
        if ('%' != *p) {
            continue;
        }
        wm_buf_add(b, run, (size_t)(p - run));
        p++;
        switch (*p) {
        case 's':
            wm_html_esc(b, va_arg(ap, const char *));
            break;
        case 'r': {
            const char *s = va_arg(ap, const char *);
            if (s) {
                wm_buf_adds(b, s);
            }
            break;
        }
        case 'd':
            wm_buf_printf(b, "%d", va_arg(ap, int));
            break;
        case 'u':
            wm_buf_printf(b, "%u", va_arg(ap, unsigned));
            break;
        case 'I':
            wm_buf_printf(b, "%" PRId64, va_arg(ap, int64_t));
            break;
        case 'U': {
            const char *s = va_arg(ap, const char *);
            wm_url_encode(b, s ? s : "");
            break;
        }
        case '%':
            wm_buf_addc(b, '%');
            break;
        default:
            wm_panic("wm_h: unknown conversion '%%%c' in \"%s\"", *p ? *p : '0', fmt);
        }
        run = p + 1;
    }
    wm_buf_adds(b, run);
}

void
wm_h(struct wm_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    wm_vh(b, fmt, ap);
    va_end(ap);
}

/* end of html.c */
