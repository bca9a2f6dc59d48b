/*
** text.c — plain text files: UTF-8 (with or without a byte-order mark), UTF-16 with a
** byte-order mark, else GB18030 (a superset of GBK and GB2312); bytes that are none of these
** become U+FFFD.  Only the head of a large file is read: as many bytes as can make
** WM_EXTRACT_MAX_TEXT of text.
*/
/* clang-format off */
#include "ex_int.h"

#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "banned.h"
/* clang-format on */

/* Two bytes of input (UTF-16 of ASCII) may make one byte of text: read twice the cap. */
#define EX_TEXT_MAX_READ (2 * WM_EXTRACT_MAX_TEXT)

/*
** Convert [p, p+n) from @a charset to UTF-8 into o.  Without @a lossy, stop at the first
** invalid sequence and return false; with it, each invalid unit (of @a unit bytes) becomes
** U+FFFD.  An incomplete sequence at the very end (a read that stopped mid-character) is
** ignored either way.
*/
static bool
convert(const char *charset, const char *p, size_t n, size_t unit, bool lossy, struct ex_out *o)
{
    iconv_t cd = iconv_open("UTF-8", charset);
    if ((iconv_t)-1 == cd) {
        return false;
    }
    char out[16384];
    char *in = (char *)p;
    size_t left = n;
    bool ok = true;
    while (left > 0 && !o->full) {
        char *op = out;
        size_t room = sizeof out;
        size_t r = iconv(cd, &in, &left, &op, &room);
        int saved = errno;
        ex_add(o, out, (size_t)(op - out));
        if ((size_t)-1 != r) {
            break;
        }
        if (E2BIG == saved) {
            continue;
        }
        if (EINVAL == saved) {
            break; /* incomplete at the end */
        }
        if (!lossy) {
            ok = false;
            break;
        }
        ex_add(o, "\xEF\xBF\xBD", 3);
        size_t skip = unit < left ? unit : left;
        in += skip;
        left -= skip;
        iconv(cd, NULL, NULL, NULL, NULL);
    }
    iconv_close(cd);
    return ok;
}

/* The number of bytes of [p, p+n) that start no valid UTF-8 sequence, and in *good the
** number of valid multi-byte sequences; an incomplete sequence in the last three bytes is
** not counted (a read may stop mid-character). */
static size_t
utf8_bad(const char *p, size_t n, size_t *good)
{
    const unsigned char *s = (const unsigned char *)p;
    size_t bad = 0;
    *good = 0;
    for (size_t i = 0; i < n;) {
        size_t len;
        if (s[i] < 0x80) {
            i++;
            continue;
        }
        if (ex_utf8_next(s + i, n - i, &len) >= 0) {
            ++*good;
        } else if (!(n - i < 4 && s[i] >= 0xC2)) {
            bad++;
        }
        i += len;
    }
    return bad;
}

void
ex_text_mem(const char *p, size_t n, struct ex_out *o)
{
    const unsigned char *u = (const unsigned char *)p;
    if (n >= 3 && 0xEF == u[0] && 0xBB == u[1] && 0xBF == u[2]) {
        ex_add(o, p + 3, n - 3);
        return;
    }
    if (n >= 2 && ((0xFF == u[0] && 0xFE == u[1]) || (0xFE == u[0] && 0xFF == u[1]))) {
        const char *cs = 0xFF == u[0] ? "UTF-16LE" : "UTF-16BE";
        (void)convert(cs, p + 2, n - 2, 2, true, o);
        return;
    }
    size_t good;
    size_t bad = utf8_bad(p, n, &good);
    if (0 == bad || good >= 20 * bad) {
        ex_add(o, p, n); /* UTF-8, perhaps with a few broken bytes (become U+FFFD) */
        return;
    }
    /* Not UTF-8: GB18030 when every byte fits it; else whichever fits better. */
    struct ex_out gb = {.cap = o->cap > o->b.len ? o->cap - o->b.len : 0};
    if (convert("GB18030", p, n, 1, false, &gb)) {
        ex_add(o, gb.b.data ? gb.b.data : "", gb.b.len);
        o->full = o->full || gb.full;
        wm_buf_free(&gb.b);
        return;
    }
    wm_buf_free(&gb.b);
    if (bad <= n / 100) {
        ex_add(o, p, n);
    } else {
        (void)convert("GB18030", p, n, 1, true, o);
    }
}

enum wm_err
ex_text_file(const char *path, struct ex_out *o, char *err, size_t errlen)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        ex_seterr(err, errlen, "%s: %s", path, strerror(errno));
        return WM_E_NOT_FOUND;
    }
    char *buf = wm_malloc(EX_TEXT_MAX_READ);
    size_t n = 0;
    enum wm_err e = WM_OK;
    while (n < EX_TEXT_MAX_READ) {
        ssize_t r = read(fd, buf + n, EX_TEXT_MAX_READ - n);
        if (r < 0 && EINTR == errno) {
            continue;
        }
        if (r < 0) {
            ex_seterr(err, errlen, "%s: %s", path, strerror(errno));
            e = WM_E_BAD_REQUEST;
            break;
        }
        if (0 == r) {
            break;
        }
        n += (size_t)r;
    }
    close(fd);
    if (WM_OK == e) {
        ex_text_mem(buf, n, o);
    }
    free(buf);
    return e;
}

/* end of text.c */
