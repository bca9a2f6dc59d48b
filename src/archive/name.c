/*
** name.c — the naming rules of the standard package: safe path components, document names
** "NN：主题.ext", folder names "{code} {title}", the top folder of a year, and the parsers
** the import uses to read such names (and the looser ones of hand-made folder trees) back.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <strings.h>

#include "pkg_int.h"
#include "wm_archive.h"
#include "wm_util.h"

#include "banned.h"

#define EXT_MAX 16u

static const char TOP_SUFFIX[] = "_创建档案";

/* ---------------------------------------------------------------- sanitising */

static bool
is_bidi_or_sep(uint32_t cp)
{
    return (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x2028 ||
           cp == 0x2029;
}

/* Character replacement: the first stage of the sanitiser. */
static void
sanitize_chars(struct wm_buf *out, const char *s, bool allow_colon)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s);
    size_t i = 0;
    while (i < n) {
        uint32_t cp;
        size_t k = pkg_utf8_next(p + i, n - i, &cp);
        if (k == 0) {
            pkg_utf8_put(out, 0xFFFD);
            i++;
            continue;
        }
        i += k;
        if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == '\\' || is_bidi_or_sep(cp)) {
            wm_buf_addc(out, '_');
            continue;
        }
        switch (cp) {
        case '/':
            pkg_utf8_put(out, 0xFF0F);
            break;
        case ':':
            if (allow_colon) {
                wm_buf_addc(out, ':');
            } else {
                pkg_utf8_put(out, 0xFF1A);
            }
            break;
        case '<':
            pkg_utf8_put(out, 0xFF1C);
            break;
        case '>':
            pkg_utf8_put(out, 0xFF1E);
            break;
        case '"':
            pkg_utf8_put(out, 0xFF02);
            break;
        case '|':
            pkg_utf8_put(out, 0xFF5C);
            break;
        case '?':
            pkg_utf8_put(out, 0xFF1F);
            break;
        case '*':
            pkg_utf8_put(out, 0xFF0A);
            break;
        default:
            pkg_utf8_put(out, cp);
            break;
        }
    }
}

static const char IDEO_SPACE[] = "\xE3\x80\x80"; /* U+3000 */

/* Length of white space (ASCII space or U+3000) at s, 0 when none. */
static size_t
space_at(const char *s)
{
    if (*s == ' ') {
        return 1;
    }
    if (strncmp(s, IDEO_SPACE, 3) == 0) {
        return 3;
    }
    return 0;
}

static void
strip_leading_space(struct wm_buf *b)
{
    size_t k = 0, s;
    while ((s = space_at(b->data + k)) > 0) {
        k += s;
    }
    if (k > 0) {
        memmove(b->data, b->data + k, b->len - k + 1);
        b->len -= k;
    }
}

static void
strip_trailing_dot_space(struct wm_buf *b)
{
    while (b->len > 0 && (b->data[b->len - 1] == '.' || b->data[b->len - 1] == ' ')) {
        b->data[--b->len] = '\0';
    }
}

/* Extension length (without the dot) of s[0..n), 0 when none. */
static size_t
ext_len(const char *s, size_t n)
{
    const char *dot = NULL;
    for (size_t i = n; i > 0; i--) {
        if (s[i - 1] == '.') {
            dot = s + i - 1;
            break;
        }
    }
    if (dot == NULL || dot == s) {
        return 0;
    }
    size_t e = n - (size_t)(dot + 1 - s);
    if (e == 0 || e > EXT_MAX) {
        return 0;
    }
    for (const char *q = dot + 1; q < s + n; q++) {
        unsigned char c = (unsigned char)*q;
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) {
            return 0;
        }
    }
    return e;
}

static bool
is_reserved(const char *s)
{
    static const char *const bare[] = { "CON", "PRN", "AUX", "NUL" };
    size_t n = strcspn(s, ".");
    while (n > 0 && s[n - 1] == ' ') {
        n--;
    }
    for (size_t i = 0; i < WM_ARRAY_LEN(bare); i++) {
        if (n == 3 && strncasecmp(s, bare[i], 3) == 0) {
            return true;
        }
    }
    if (n >= 4 && (strncasecmp(s, "COM", 3) == 0 || strncasecmp(s, "LPT", 3) == 0)) {
        if (n == 4 && s[3] >= '0' && s[3] <= '9') {
            return true;
        }
        /* superscript one, two, three: U+00B9, U+00B2, U+00B3 */
        if (n == 5 && (unsigned char)s[3] == 0xC2 &&
            ((unsigned char)s[4] == 0xB9 || (unsigned char)s[4] == 0xB2 ||
             (unsigned char)s[4] == 0xB3)) {
            return true;
        }
    }
    return false;
}

/* Cut b to max bytes at a character boundary, keeping an extension when asked. */
static void
cut(struct wm_buf *b, size_t max, bool keep_ext)
{
    if (b->len <= max) {
        return;
    }
    size_t e = keep_ext ? ext_len(b->data, b->len) : 0;
    if (e > 0 && e + 2 <= max) {
        char *ext = wm_strdup(b->data + b->len - e - 1);
        size_t base = wm_utf8_cut(b->data, b->len - e - 1, max - e - 1);
        b->len = base;
        b->data[base] = '\0';
        strip_trailing_dot_space(b);
        if (b->len == 0) {
            wm_buf_addc(b, '_');
        }
        wm_buf_adds(b, ext);
        free(ext);
        return;
    }
    b->len = wm_utf8_cut(b->data, b->len, max);
    b->data[b->len] = '\0';
}

/* The second stage: white space and dots at the ends, device names, length, emptiness. */
static char *
finish(struct wm_buf *b, size_t max, bool keep_ext)
{
    wm_buf_add(b, "", 0);
    strip_leading_space(b);
    strip_trailing_dot_space(b);
    for (size_t i = 0; i < b->len && b->data[i] == '.'; i++) {
        b->data[i] = '_';
    }
    cut(b, max, keep_ext);
    strip_trailing_dot_space(b);
    if (is_reserved(b->data)) {
        wm_buf_reserve(b, 1);
        memmove(b->data + 1, b->data, b->len + 1);
        b->data[0] = '_';
        b->len++;
        cut(b, max, keep_ext);
        strip_trailing_dot_space(b);
    }
    if (b->len == 0) {
        wm_buf_addc(b, '_');
    }
    return wm_buf_steal(b);
}

static size_t
clamp_max(size_t maxbytes)
{
    if (maxbytes == 0) {
        return WM_PKG_COMPONENT_MAX;
    }
    return maxbytes < 16 ? 16 : maxbytes;
}

char *
pkg_component_ex(const char *name, size_t maxbytes, bool allow_colon, bool keep_ext)
{
    struct wm_buf b = { 0 };
    wm_buf_add(&b, "", 0);
    sanitize_chars(&b, name != NULL ? name : "", allow_colon);
    return finish(&b, clamp_max(maxbytes), keep_ext);
}

char *
wm_pkg_component(const char *name, size_t maxbytes)
{
    return pkg_component_ex(name, maxbytes, false, true);
}

/* Sanitised, trimmed text (ends: white space; end: dots too); may be "". Caller frees. */
static char *
clean_part(const char *s)
{
    struct wm_buf b = { 0 };
    wm_buf_add(&b, "", 0);
    sanitize_chars(&b, s != NULL ? s : "", false);
    strip_leading_space(&b);
    for (;;) {
        strip_trailing_dot_space(&b);
        if (b.len >= 3 && memcmp(b.data + b.len - 3, IDEO_SPACE, 3) == 0) {
            b.len -= 3;
            b.data[b.len] = '\0';
            continue;
        }
        break;
    }
    return wm_buf_steal(&b);
}

char *
wm_pkg_doc_name(unsigned serial, const char *title, const char *ext, bool ascii_colon)
{
    char *t = clean_part(title);
    while (ext != NULL && *ext == '.') {
        ext++;
    }
    char *x = clean_part(ext);
    struct wm_buf b = { 0 };
    if (serial > 0) {
        wm_buf_printf(&b, "%02u%s", serial, ascii_colon ? ":" : "：");
    }
    wm_buf_adds(&b, t[0] ? t : "未命名");
    size_t title_end = b.len;
    if (x[0]) {
        wm_buf_addc(&b, '.');
        wm_buf_adds(&b, x);
    }
    /* cut the title, not the extension, when the whole is too long */
    size_t max = WM_PKG_COMPONENT_MAX;
    size_t xl = b.len - title_end;
    if (b.len > max && xl + 8 < max) {
        char *tail = wm_strdup(b.data + title_end);
        b.len = wm_utf8_cut(b.data, title_end, max - xl);
        b.data[b.len] = '\0';
        strip_trailing_dot_space(&b);
        wm_buf_adds(&b, tail);
        free(tail);
    }
    free(t);
    free(x);
    return finish(&b, max, true);
}

char *
wm_pkg_folder_name(const char *code, const char *title)
{
    char *c = clean_part(code);
    char *t = clean_part(title);
    struct wm_buf b = { 0 };
    wm_buf_adds(&b, c);
    if (c[0] && t[0]) {
        wm_buf_addc(&b, ' ');
    }
    wm_buf_adds(&b, t);
    free(c);
    free(t);
    return finish(&b, WM_PKG_COMPONENT_MAX, false);
}

char *
wm_pkg_top_name(const char *unit, int year)
{
    char *u = clean_part(unit);
    char tail[64];
    if (year > 0) {
        snprintf(tail, sizeof(tail), "_%d%s", year, TOP_SUFFIX);
    } else {
        snprintf(tail, sizeof(tail), "%s", TOP_SUFFIX);
    }
    size_t keep = wm_utf8_cut(u, strlen(u), WM_PKG_COMPONENT_MAX - strlen(tail));
    struct wm_buf b = { 0 };
    wm_buf_add(&b, u, keep);
    wm_buf_adds(&b, tail);
    free(u);
    return finish(&b, WM_PKG_COMPONENT_MAX, false);
}

/* ---------------------------------------------------------------- parsing */

/* A separator between a code or serial and the title: its length, 0 when none. */
static size_t
sep_at(const char *s, bool dots)
{
    static const char *const seps[] = { "：", "、", "．", "\xE3\x80\x80", "－", "—" };
    if (*s == ' ' || *s == '_' || *s == ':' || *s == '\t' || (dots && *s == '.') ||
        (dots && *s == '-')) {
        return 1;
    }
    for (size_t i = 0; i < WM_ARRAY_LEN(seps); i++) {
        size_t n = strlen(seps[i]);
        if (strncmp(s, seps[i], n) == 0) {
            return n;
        }
    }
    return 0;
}

static size_t
seps_at(const char *s, bool dots)
{
    size_t k = 0, n;
    while ((n = sep_at(s + k, dots)) > 0) {
        k += n;
    }
    return k;
}

/* Digits ("." digits)*: its length, and whether it has an inner dot. */
static size_t
scan_code(const char *s, bool *dotted)
{
    size_t i = 0;
    *dotted = false;
    if (!(s[0] >= '0' && s[0] <= '9')) {
        return 0;
    }
    while (s[i] >= '0' && s[i] <= '9') {
        i++;
    }
    while (s[i] == '.' && s[i + 1] >= '0' && s[i + 1] <= '9') {
        *dotted = true;
        i++;
        while (s[i] >= '0' && s[i] <= '9') {
            i++;
        }
    }
    return i;
}

/* A trimmed copy of [s, s+n), or NULL when empty. */
static char *
trimmed_or_null(const char *s, size_t n)
{
    struct wm_buf b = { 0 };
    wm_buf_add(&b, s, n);
    wm_buf_add(&b, "", 0);
    strip_leading_space(&b);
    while (b.len > 0 && (b.data[b.len - 1] == ' ' || b.data[b.len - 1] == '\t')) {
        b.data[--b.len] = '\0';
    }
    while (b.len >= 3 && memcmp(b.data + b.len - 3, IDEO_SPACE, 3) == 0) {
        b.len -= 3;
        b.data[b.len] = '\0';
    }
    if (b.len == 0) {
        wm_buf_free(&b);
        return NULL;
    }
    return wm_buf_steal(&b);
}

static const char *const OPEN_BR[] = { "(", "（", "[", "【", "〔" };
static const char *const CLOSE_BR[] = { ")", "）", "]", "】", "〕" };

static size_t
bracket_at(const char *s, const char *const *set, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        size_t n = strlen(set[i]);
        if (strncmp(s, set[i], n) == 0) {
            return n;
        }
    }
    return 0;
}

/* Length of a Chinese ordinal "一、", "（三）", "(十二)" at s, 0 when none. */
static size_t
ordinal_at(const char *s)
{
    static const char digits[] = "一二三四五六七八九十〇零";
    size_t i = bracket_at(s, OPEN_BR, 2);
    bool br = i > 0;
    size_t start = i, count = 0;
    while (count < 4) {
        uint32_t cp;
        size_t k = pkg_utf8_next((const unsigned char *)s + i, strlen(s + i), &cp);
        if (k != 3 || memmem(digits, sizeof(digits) - 1, s + i, 3) == NULL) {
            break;
        }
        i += 3;
        count++;
    }
    if (count == 0 || i == start) {
        return 0;
    }
    if (br) {
        size_t c = bracket_at(s + i, CLOSE_BR, 2);
        return c > 0 ? i + c + seps_at(s + i + c, false) : 0;
    }
    size_t sp = sep_at(s + i, true);
    return sp > 0 ? i + sp + seps_at(s + i + sp, false) : 0;
}

bool
wm_pkg_parse_folder(const char *name, char **code, char **title)
{
    *code = NULL;
    *title = NULL;
    if (name == NULL) {
        return false;
    }
    char *s = trimmed_or_null(name, strlen(name));
    if (s == NULL) {
        return false;
    }
    const char *p = s;
    bool dotted;
    size_t ob = bracket_at(p, OPEN_BR, WM_ARRAY_LEN(OPEN_BR));
    if (ob > 0) {
        size_t n = scan_code(p + ob, &dotted);
        const char *q = p + ob + n;
        while (*q == ' ') {
            q++;
        }
        size_t cb = n > 0 ? bracket_at(q, CLOSE_BR, WM_ARRAY_LEN(CLOSE_BR)) : 0;
        if (cb > 0) {
            *code = wm_strndup(p + ob, n);
            q += cb;
            q += seps_at(q, true);
            *title = trimmed_or_null(q, strlen(q));
            free(s);
            return true;
        }
    }
    size_t ord = ordinal_at(p);
    if (ord > 0) {
        *title = trimmed_or_null(p + ord, strlen(p + ord));
        if (*title == NULL) {
            *title = wm_strdup(p);
        }
        free(s);
        return true;
    }
    size_t n = scan_code(p, &dotted);
    if (n > 0 && (dotted || n <= 3)) {
        static const char *const units[] = { "年", "月", "日", "号", "届", "期",
                                             "季", "次", "周", "个", "%" };
        const char *rest = p + n;
        size_t sp = seps_at(rest, true);
        bool take = rest[0] == '\0' || sp > 0 || (unsigned char)rest[0] >= 0x80;
        for (size_t i = 0; i < WM_ARRAY_LEN(units) && take && sp == 0 && !dotted; i++) {
            if (wm_startswith(rest, units[i])) {
                take = false; /* "3号文件", "10年规划" */
            }
        }
        if (take) {
            *code = wm_strndup(p, n);
            *title = trimmed_or_null(rest + sp, strlen(rest + sp));
            free(s);
            return true;
        }
    }
    *title = s;
    return true;
}

bool
wm_pkg_parse_doc_name(const char *name, unsigned *serial, char **title, char **ext)
{
    *serial = 0;
    *title = NULL;
    *ext = NULL;
    if (name == NULL || name[0] == '\0') {
        return false;
    }
    size_t n = strlen(name);
    size_t e = ext_len(name, n);
    size_t base = e > 0 ? n - e - 1 : n;
    if (e > 0) {
        *ext = wm_strdup(name + base + 1);
    }
    size_t d = 0;
    while (d < base && name[d] >= '0' && name[d] <= '9') {
        d++;
    }
    if (d >= 1 && d <= 3) {
        size_t sp = d < base ? seps_at(name + d, true) : 0;
        if (d == base || sp > 0) {
            unsigned v = 0;
            for (size_t i = 0; i < d; i++) {
                v = v * 10 + (unsigned)(name[i] - '0');
            }
            if (v > 0) {
                *serial = v;
                size_t from = d + sp;
                if (from > base) {
                    from = base;
                }
                *title = trimmed_or_null(name + from, base - from);
                return true;
            }
        }
    }
    *title = trimmed_or_null(name, base);
    if (*title == NULL && *ext == NULL) {
        return false;
    }
    return true;
}

bool
wm_pkg_parse_top(const char *name, char **unit, int *year)
{
    *unit = NULL;
    *year = 0;
    if (name == NULL) {
        return false;
    }
    size_t n = strlen(name);
    size_t sl = strlen(TOP_SUFFIX);
    if (n < sl + 6 || strcmp(name + n - sl, TOP_SUFFIX) != 0) {
        return false;
    }
    const char *y = name + n - sl - 4;
    if (y[-1] != '_') {
        return false;
    }
    int v = 0;
    for (int i = 0; i < 4; i++) {
        if (y[i] < '0' || y[i] > '9') {
            return false;
        }
        v = v * 10 + (y[i] - '0');
    }
    size_t ul = (size_t)(y - 1 - name);
    if (ul == 0) {
        return false;
    }
    *unit = wm_strndup(name, ul);
    *year = v;
    return true;
}

/* end of name.c */
