/*
** table.c — format detection, text decoding (UTF-8, GB18030, UTF-16), row storage and
** the small helpers of wm_table.h.  The parsers live in csv.c and xlsx.c.
*/
#include "wm_table.h"

#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include "table_int.h"
#include "wm_util.h"

#include "banned.h"

static const char WM_ZIP_MAGIC[4] = { 'P', 'K', 3, 4 };
static const unsigned char WM_OLE2_MAGIC[8] = { 0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1 };

void
wm_table_global_init(void)
{
    xmlInitParser();
}

void
wm_table_seterr(char *err, size_t errlen, const char *fmt, ...)
{
    if (err == NULL || errlen == 0) {
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    int r = vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    if (r < 0) {
        err[0] = '\0';
        return;
    }
    /* Truncation may have cut a multi-byte character: never hand out broken UTF-8. */
    size_t n = strlen(err);
    while (n > 0 && !wm_utf8_valid(err, n)) {
        err[--n] = '\0';
    }
}

int
wm_table_add_row(struct wm_table_acc *acc,
                 char **cells,
                 size_t ncells,
                 unsigned line,
                 char *err,
                 size_t errlen)
{
    struct wm_table *t = acc->t;
    if (t->nrows >= WM_TABLE_MAX_ROWS) {
        wm_table_seterr(err, errlen, "表格超过 %u 行，请拆分后再导入", WM_TABLE_MAX_ROWS);
        goto fail;
    }
    if (ncells > WM_TABLE_MAX_COLS) {
        wm_table_seterr(err, errlen, "第%u行：超过 %u 列", line, WM_TABLE_MAX_COLS);
        goto fail;
    }
    if (acc->ncells + ncells > WM_TABLE_MAX_CELLS) {
        wm_table_seterr(err, errlen, "表格超过 %u 个单元格，请拆分后再导入", WM_TABLE_MAX_CELLS);
        goto fail;
    }
    if (t->nrows == acc->cap) {
        acc->cap = acc->cap ? acc->cap * 2 : 16;
        t->rows = wm_realloc(t->rows, acc->cap * sizeof(*t->rows));
    }
    for (size_t i = 0; i < ncells; i++) {
        wm_cell_untext(cells[i]); /* what wm_cell_text added on export */
    }
    t->rows[t->nrows].ncells = ncells;
    t->rows[t->nrows].cells = cells;
    t->rows[t->nrows].line = line;
    t->rows[t->nrows].sheet = 0;
    t->nrows++;
    acc->ncells += ncells;
    return 0;

fail:
    for (size_t i = 0; i < ncells; i++) {
        free(cells[i]);
    }
    free(cells);
    return -1;
}

/*
** Convert [p, p+n) from encoding @a from to UTF-8 with iconv(3).  Returns the converted
** text (NUL-terminated, caller frees) or NULL when the bytes are not in that encoding.
*/
static char *
wm_table_iconv(const char *from, const char *p, size_t n, size_t *outn)
{
    iconv_t cd = iconv_open("UTF-8", from);
    if (cd == (iconv_t)-1) {
        wm_log(WM_LOG_ERROR, "iconv_open(UTF-8, %s): %s", from, strerror(errno));
        return NULL;
    }
    size_t cap;
    if (__builtin_mul_overflow(n, (size_t)2, &cap) || __builtin_add_overflow(cap, 16, &cap)) {
        iconv_close(cd);
        return NULL;
    }
    char *out = wm_malloc(cap);
    char *in = (char *)p;
    size_t inleft = n;
    char *o = out;
    size_t oleft = cap - 1;
    bool ok = true;
    while (inleft > 0) {
        if (iconv(cd, &in, &inleft, &o, &oleft) != (size_t)-1) {
            continue;
        }
        if (errno != E2BIG) {
            ok = false; /* EILSEQ (invalid) or EINVAL (truncated sequence at the end) */
            break;
        }
        size_t used = (size_t)(o - out);
        if (__builtin_mul_overflow(cap, (size_t)2, &cap)) {
            ok = false;
            break;
        }
        out = wm_realloc(out, cap);
        o = out + used;
        oleft = cap - used - 1;
    }
    iconv_close(cd);
    if (!ok) {
        free(out);
        return NULL;
    }
    *o = '\0';
    *outn = (size_t)(o - out);
    return out;
}

static bool
wm_table_has_bom(const char *p, size_t n)
{
    return n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0;
}

/*
** Bring CSV bytes to UTF-8 without BOM.  On success *text points either into @a p or to
** a new buffer stored in *owned (caller frees).
*/
static int
wm_table_decode(const char *p,
                size_t n,
                const char **text,
                size_t *textn,
                char **owned,
                const char **from,
                char *err,
                size_t errlen)
{
    char *conv = NULL;
    size_t convn = 0;
    *owned = NULL;
    *from = NULL;
    if (n >= 2 && ((unsigned char)p[0] == 0xFF && (unsigned char)p[1] == 0xFE)) {
        *from = "UTF-16LE";
    } else if (n >= 2 && ((unsigned char)p[0] == 0xFE && (unsigned char)p[1] == 0xFF)) {
        *from = "UTF-16BE";
    }
    if (*from != NULL) {
        conv = wm_table_iconv(*from, p + 2, n - 2, &convn);
        if (conv == NULL || !wm_utf8_valid(conv, convn)) {
            wm_table_seterr(err, errlen, "文件以 UTF-16 标记开头，但内容不是有效的 UTF-16 文本");
            free(conv);
            return -1;
        }
    } else {
        if (wm_table_has_bom(p, n)) {
            p += 3;
            n -= 3;
        }
        if (wm_utf8_valid(p, n)) {
            *text = p;
            *textn = n;
            return 0;
        }
        if (memchr(p, '\0', n) != NULL) {
            wm_table_seterr(err, errlen, "文件含有 NUL 字节，不是文本表格（CSV）文件");
            return -1;
        }
        conv = wm_table_iconv("GB18030", p, n, &convn);
        if (conv == NULL || !wm_utf8_valid(conv, convn)) {
            wm_table_seterr(err, errlen,
                            "文件不是 UTF-8 编码，也不是 GBK/GB18030 编码，请另存为 UTF-8 CSV");
            free(conv);
            return -1;
        }
        *from = "GB18030";
    }
    *owned = conv;
    *text = conv;
    *textn = convn;
    if (wm_table_has_bom(*text, *textn)) {
        *text += 3;
        *textn -= 3;
    }
    return 0;
}

int
wm_table_read(const void *data,
              size_t len,
              enum wm_table_fmt fmt,
              struct wm_table **out,
              char *err,
              size_t errlen)
{
    return wm_table_read_sheet(data, len, fmt, 0, out, err, errlen);
}

int
wm_table_read_fitting(const void *data,
                      size_t len,
                      enum wm_table_fmt fmt,
                      bool (*fits)(const struct wm_table *t, void *cls),
                      void *cls,
                      struct wm_table **out,
                      char *err,
                      size_t errlen)
{
    return wm_table_read_fitting_n(data, len, fmt, fits, cls, out, NULL, err, errlen);
}

/* Move the rows of src to the end of dst, each marked as of sheet (1-based); src is freed.
** -1 (dst left as it was) when dst would exceed WM_TABLE_MAX_ROWS. */
static int
table_append(struct wm_table *dst, struct wm_table *src, unsigned sheet)
{
    if (dst->nrows + src->nrows > WM_TABLE_MAX_ROWS) {
        wm_table_free(src);
        return -1;
    }
    dst->rows = wm_realloc(dst->rows, (dst->nrows + src->nrows) * sizeof *dst->rows);
    for (size_t i = 0; i < src->nrows; i++) {
        dst->rows[dst->nrows] = src->rows[i];
        dst->rows[dst->nrows++].sheet = sheet;
    }
    src->nrows = 0;
    wm_table_free(src);
    return 0;
}

/* The first sheet that fits (else sheet 0), in one pass over the sheets: with nfit, every
** sheet is read and those that fit counted; with join, the later ones that fit are joined
** to the first, every row marked with its sheet's number once there are two. */
static int
read_fitting(const void *data, size_t len, enum wm_table_fmt fmt,
             bool (*fits)(const struct wm_table *t, void *cls), void *cls, struct wm_table **out,
             unsigned *nfit, bool join, char *err, size_t errlen)
{
    int rc = wm_table_read_sheet(data, len, fmt, 0, out, err, errlen);
    bool found = 0 == rc && fits(*out, cls);
    unsigned n = found, first = 1; /* first: the number of the sheet read into *out */
    if (0 != rc || (found && NULL == nfit && !join)) {
        return rc;
    }
    /* Workbooks often open with a cover or an explanation sheet: try the next ones (all of
    ** them when the fitting ones are counted or joined). */
    for (unsigned sheet = 1; sheet < 32; sheet++) {
        struct wm_table *t = NULL;
        char e2[256];
        int r2 = wm_table_read_sheet(data, len, fmt, sheet, &t, e2, sizeof e2);
        if (1 == r2) {
            break; /* no more sheets */
        }
        bool fit = 0 == r2 && fits(t, cls);
        n += fit;
        if (fit && !found) {
            wm_table_free(*out);
            *out = t;
            found = true;
            first = sheet + 1;
            if (NULL == nfit && !join) {
                break;
            }
            continue;
        }
        if (fit && join) {
            if (2 == n) { /* a second sheet: the first's rows say which they are too */
                for (size_t i = 0; i < (*out)->nrows; i++) {
                    (*out)->rows[i].sheet = first;
                }
            }
            if (0 != table_append(*out, t, sheet + 1)) {
                wm_table_free(*out);
                *out = NULL;
                wm_table_seterr(err, errlen, "各工作表合计超过 %u 行，请拆分后再导入",
                                WM_TABLE_MAX_ROWS);
                return -1;
            }
            continue;
        }
        wm_table_free(t);
    }
    if (nfit) {
        *nfit = n;
    }
    return 0; /* when none fits: the first sheet, for its errors */
}

int
wm_table_read_fitting_n(const void *data, size_t len, enum wm_table_fmt fmt,
                        bool (*fits)(const struct wm_table *t, void *cls), void *cls,
                        struct wm_table **out, unsigned *nfit, char *err, size_t errlen)
{
    return read_fitting(data, len, fmt, fits, cls, out, nfit, false, err, errlen);
}

int
wm_table_read_fitting_all(const void *data, size_t len, enum wm_table_fmt fmt,
                          bool (*fits)(const struct wm_table *t, void *cls), void *cls,
                          struct wm_table **out, unsigned *nfit, char *err, size_t errlen)
{
    return read_fitting(data, len, fmt, fits, cls, out, nfit, true, err, errlen);
}

size_t
wm_table_sheet_end(const struct wm_table *t, size_t s0)
{
    size_t end = s0;
    while (end < t->nrows && t->rows[end].sheet == t->rows[s0].sheet) {
        end++;
    }
    return end;
}

int
wm_table_read_sheet(const void *data,
                    size_t len,
                    enum wm_table_fmt fmt,
                    unsigned sheet,
                    struct wm_table **out,
                    char *err,
                    size_t errlen)
{
    const char *p = data;
    struct wm_table_acc acc = { 0 };
    char *owned = NULL;
    int rc = -1;

    *out = NULL;
    wm_table_seterr(err, errlen, "%s", "");
    if (p == NULL && len > 0) {
        wm_table_seterr(err, errlen, "没有数据");
        return -1;
    }
    if (fmt == WM_TABLE_AUTO) {
        fmt = (len >= 4 && memcmp(p, WM_ZIP_MAGIC, 4) == 0) ? WM_TABLE_XLSX : WM_TABLE_CSV;
    }
    if (len >= sizeof(WM_OLE2_MAGIC) && memcmp(p, WM_OLE2_MAGIC, sizeof(WM_OLE2_MAGIC)) == 0) {
        wm_table_seterr(err, errlen,
                        "不支持旧版 Office 文件（.xls、.doc）或加密的文件，"
                        "请另存为 .xlsx、.docx 或 CSV 后再导入");
        return -1;
    }
    if (sheet > 0 && fmt != WM_TABLE_XLSX) {
        return 1; /* a CSV has one sheet */
    }
    acc.t = wm_calloc(1, sizeof(*acc.t));
    if (fmt == WM_TABLE_XLSX) {
        int px = wm_table_parse_xlsx(p, len, sheet, &acc, err, errlen);
        if (px != 0) {
            rc = px;
            goto cleanup;
        }
    } else {
        const char *text = "";
        size_t textn = 0;
        if (len > 0 && wm_table_decode(p, len, &text, &textn, &owned, &acc.t->converted_from, err,
                                       errlen) != 0) {
            goto cleanup;
        }
        if (wm_table_parse_csv(text, textn, &acc, err, errlen) != 0) {
            goto cleanup;
        }
    }
    /* The promise of the header, checked once more whatever the parser did. */
    for (size_t r = 0; r < acc.t->nrows; r++) {
        const struct wm_row *row = &acc.t->rows[r];
        for (size_t c = 0; c < row->ncells; c++) {
            if (!wm_utf8_valid(row->cells[c], strlen(row->cells[c]))) {
                wm_table_seterr(err, errlen, "第%u行：含有无效的 UTF-8 文本", row->line);
                goto cleanup;
            }
        }
    }
    *out = acc.t;
    acc.t = NULL;
    rc = 0;

cleanup:
    free(owned);
    wm_table_free(acc.t);
    return rc;
}

void
wm_table_free(struct wm_table *t)
{
    if (t == NULL) {
        return;
    }
    for (size_t r = 0; r < t->nrows; r++) {
        for (size_t c = 0; c < t->rows[r].ncells; c++) {
            free(t->rows[r].cells[c]);
        }
        free(t->rows[r].cells);
    }
    free(t->rows);
    free(t);
}

static bool
wm_table_isspace(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static char
wm_table_lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

bool
wm_table_cut_bracket(char *h)
{
    size_t n = strlen(h);
    const char *open = NULL;
    if (n > 1 && ')' == h[n - 1]) {
        open = strrchr(h, '(');
    } else if (n > 3 && 0 == strcmp(h + n - 3, "）")) {
        for (const char *p = strstr(h, "（"); p; p = strstr(p + 3, "（")) {
            open = p;
        }
    }
    if (NULL == open || open == h) {
        return false;
    }
    h[open - h] = '\0';
    return true;
}

static char *row_squeeze(const char *s);

/* A header cell as compared: no white space anywhere, ASCII letters folded; caller frees. */
static char *
col_norm(const char *s)
{
    char *h = row_squeeze(s);
    for (char *p = h; *p; p++) {
        *p = wm_table_lower(*p);
    }
    return h;
}

int
wm_table_col(const struct wm_row *header, const char *name)
{
    if (header == NULL || name == NULL) {
        return -1;
    }
    char *want = col_norm(name);
    int found = -1;
    for (int pass = 0; pass < 2 && found < 0; pass++) {
        for (size_t i = 0; i < header->ncells && i <= (size_t)WM_TABLE_MAX_COLS && found < 0;
             i++) {
            char *have = col_norm(header->cells[i]);
            if ((0 == pass || wm_table_cut_bracket(have)) && '\0' != have[0] &&
                0 == strcmp(have, want)) {
                found = (int)i;
            }
            free(have);
        }
    }
    free(want);
    return found;
}

/* s without white space (ASCII, U+3000) anywhere; caller frees. */
static char *
row_squeeze(const char *s)
{
    char *out = wm_malloc(strlen(s) + 1), *o = out;
    while (*s) {
        if (wm_table_isspace(*s)) {
            s++;
        } else if (0 == strncmp(s, "\xE3\x80\x80", 3)) {
            s += 3;
        } else {
            *o++ = *s++;
        }
    }
    *o = '\0';
    return out;
}

/* Does h start with word, followed by its end or (unless bare) by a colon, a bracket or a
** digit? */
static bool
row_word_lead(const char *h, const char *word, bool bare)
{
    size_t n = strlen(word);
    if (0 != strncmp(h, word, n)) {
        return false;
    }
    const char *r = h + n;
    if ('\0' == *r) {
        return true;
    }
    if (bare) {
        return false;
    }
    static const char *const next[] = {"：", ":", "（", "(", "【", "[", NULL};
    for (int i = 0; next[i]; i++) {
        if (0 == strncmp(r, next[i], strlen(next[i]))) {
            return true;
        }
    }
    return isdigit((unsigned char)*r) ||
           (0 == strncmp(r, "\xEF\xBC", 2) && (unsigned char)r[2] >= 0x90 &&
            (unsigned char)r[2] <= 0x99); /* a full-width digit */
}

enum wm_row_kind
wm_table_row_kind(const struct wm_row *row)
{
    static const char *const totals[] = {"合计", "合計", "总计", "總計", "总分", "總分", NULL};
    static const char *const subtotals[] = {"小计", "小計", NULL};
    static const char *const notes[] = {"说明", "說明", "备注", "備註", "附注", "附註",
                                        "注",   "註",   NULL};
    const char *first = NULL;
    size_t filled = 0;
    for (size_t i = 0; row && i < row->ncells; i++) {
        char *c = row_squeeze(row->cells[i]);
        if ('\0' != c[0]) {
            first = first ? first : row->cells[i];
            filled++;
        }
        free(c);
    }
    if (NULL == first) {
        return WM_ROW_BLANK;
    }
    char *h = row_squeeze(first);
    enum wm_row_kind kind = WM_ROW_DATA;
    for (int i = 0; totals[i] && WM_ROW_DATA == kind; i++) {
        kind = row_word_lead(h, totals[i], false) ? WM_ROW_TOTAL : kind;
    }
    for (int i = 0; subtotals[i] && WM_ROW_DATA == kind; i++) {
        kind = row_word_lead(h, subtotals[i], false) ? WM_ROW_SUBTOTAL : kind;
    }
    for (int i = 0; notes[i] && WM_ROW_DATA == kind && 1 == filled; i++) {
        /* the word alone, or before a colon: 注重实效 is a title */
        size_t n = strlen(notes[i]);
        if (row_word_lead(h, notes[i], true) ||
            (0 == strncmp(h, notes[i], n) &&
             (':' == h[n] || 0 == strncmp(h + n, "：", strlen("："))))) {
            kind = WM_ROW_NOTE;
        }
    }
    free(h);
    return kind;
}

const char *
wm_row_cell(const struct wm_row *row, int idx)
{
    if (row == NULL || idx < 0 || (size_t)idx >= row->ncells) {
        return "";
    }
    return row->cells[idx];
}

/* ---------------------------------------------------------------- dates */

static bool
td_leap(int y)
{
    return (0 == y % 4 && 0 != y % 100) || 0 == y % 400;
}

static int
td_mdays(int y, int m)
{
    static const int n[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return (m < 1 || m > 12) ? 0 : n[m - 1] + (2 == m && td_leap(y));
}

static bool
td_emit(int y, int m, int d, char out[11])
{
    if (y < 1900 || y > 2100 || d < 1 || d > td_mdays(y, m)) {
        return false;
    }
    out[0] = (char)('0' + y / 1000);
    out[1] = (char)('0' + y / 100 % 10);
    out[2] = (char)('0' + y / 10 % 10);
    out[3] = (char)('0' + y % 10);
    out[4] = '-';
    out[5] = (char)('0' + m / 10);
    out[6] = (char)('0' + m % 10);
    out[7] = '-';
    out[8] = (char)('0' + d / 10);
    out[9] = (char)('0' + d % 10);
    out[10] = '\0';
    return true;
}

/* Up to max digits at *p as a number (at least one); false when there is none. */
static bool
td_num(const char **p, int max, int *v)
{
    int n = 0, x = 0;
    while (n < max && **p >= '0' && **p <= '9') {
        x = x * 10 + (**p - '0');
        (*p)++;
        n++;
    }
    *v = x;
    return n > 0;
}

/* What may follow a date: nothing, or a time of digits and colons (and a fraction). */
static bool
td_tail(const char *p)
{
    if ('\0' == *p) {
        return true;
    }
    if (' ' != *p && 'T' != *p) {
        return false;
    }
    p++;
    if (*p < '0' || *p > '9') {
        return false;
    }
    for (; *p; p++) {
        if ((*p < '0' || *p > '9') && ':' != *p && '.' != *p) {
            return false;
        }
    }
    return true;
}

/* Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm). */
static void
td_civil(long z, int *y, int *m, int *d)
{
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

bool
wm_table_date(const char *cell, char out[11])
{
    char buf[64];
    if (NULL == cell) {
        return false;
    }
    while (' ' == *cell || '\t' == *cell || '\r' == *cell || '\n' == *cell) {
        cell++;
    }
    size_t n = strlen(cell);
    while (n > 0 && (' ' == cell[n - 1] || '\t' == cell[n - 1] || '\r' == cell[n - 1] ||
                     '\n' == cell[n - 1])) {
        n--;
    }
    if (0 == n || n >= sizeof buf) {
        return false;
    }
    memcpy(buf, cell, n);
    buf[n] = '\0';
    const char *p = buf;
    int y, m, d;
    /* digits only (a fraction allowed): an Excel serial, or YYYYMMDD */
    size_t digits = strspn(buf, "0123456789");
    if (digits == n || (digits > 0 && '.' == buf[digits] &&
                        strspn(buf + digits + 1, "0123456789") == n - digits - 1)) {
        if (8 == digits) {
            if (digits != n) {
                return false;
            }
            y = (buf[0] - '0') * 1000 + (buf[1] - '0') * 100 + (buf[2] - '0') * 10 + (buf[3] - '0');
            m = (buf[4] - '0') * 10 + (buf[5] - '0');
            d = (buf[6] - '0') * 10 + (buf[7] - '0');
            return td_emit(y, m, d, out);
        }
        if (digits > 5) {
            return false;
        }
        long serial = 0;
        for (size_t i = 0; i < digits; i++) {
            serial = serial * 10 + (buf[i] - '0');
        }
        if (serial < 18264 || serial > 73050) { /* 1950-01-01 .. 2099-12-31 */
            return false;
        }
        td_civil(serial - 25569, &y, &m, &d); /* 25569: 1970-01-01 */
        return td_emit(y, m, d, out);
    }
    if (!td_num(&p, 4, &y) || p - buf != 4) {
        return false;
    }
    if (0 == strncmp(p, "年", strlen("年"))) {
        p += strlen("年");
        if (!td_num(&p, 2, &m) || 0 != strncmp(p, "月", strlen("月"))) {
            return false;
        }
        p += strlen("月");
        if (!td_num(&p, 2, &d)) {
            return false;
        }
        if (0 == strncmp(p, "日", strlen("日"))) {
            p += strlen("日");
        }
        return '\0' == *p && td_emit(y, m, d, out);
    }
    char sep = *p;
    if ('-' != sep && '/' != sep && '.' != sep) {
        return false;
    }
    p++;
    if (!td_num(&p, 2, &m) || *p != sep) {
        return false;
    }
    p++;
    if (!td_num(&p, 2, &d)) {
        return false;
    }
    return td_tail(p) && td_emit(y, m, d, out);
}

/* end of table.c */
