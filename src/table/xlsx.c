/*
** xlsx.c — the first sheet of an XLSX workbook into rows of cells; and the tables of a
** Word document (DOCX), which is read the same way.
**
** An XLSX is a ZIP of XML parts.  libarchive reads the ZIP from memory, with a cap on
** each part's and on the total uncompressed size (zip bombs).  libxml2's streaming reader
** parses the parts, so memory stays proportional to the cells kept, not to the DOM.  XML
** safety: no network (XML_PARSE_NONET), no entity substitution (no XML_PARSE_NOENT, so
** entity references are ignored), no XML_PARSE_HUGE, input forced to UTF-8, and any part
** with a DOCTYPE is refused outright, so neither XXE nor "billion laughs" gets anywhere.
**
** Pass 1 reads xl/workbook.xml and its relationships to find the first sheet's part and
** the shared-strings part; pass 2 reads those two.
*/
#include "wm_table.h"

#include <errno.h>
#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <archive.h>
#include <archive_entry.h>
#include <libxml/xmlreader.h>

#include "table_int.h"
#include "wm_util.h"

#include "banned.h"

#define WM_XLSX_MAX_SST      4000000u /* shared strings */
#define WM_XLSX_MAX_SHEETROW 1048576u /* Excel's own limit */
#define WM_XLSX_MAX_SHEETCOL 16384u   /* column XFD */

/* ---------------------------------------------------------------- ZIP */

struct wm_xlsx_part {
    const char *name; /* wanted ZIP entry, compared case-insensitively (OPC names are) */
    struct wm_buf buf;
    bool found;
};

/* Read the wanted parts of the ZIP; *total counts all bytes inflated so far. */
static int
wm_xlsx_unzip(const void *data,
              size_t n,
              struct wm_xlsx_part *parts,
              size_t nparts,
              size_t *total,
              char *err,
              size_t errlen)
{
    struct archive *a = archive_read_new();
    struct archive_entry *ent = NULL;
    int rc = -1;

    archive_read_support_format_zip(a);
    if (archive_read_open_memory(a, data, n) != ARCHIVE_OK) {
        wm_table_seterr(err, errlen, "文件不是有效的 XLSX 文件（无法按 ZIP 格式读取）");
        goto cleanup;
    }
    for (;;) {
        int r = archive_read_next_header(a, &ent);
        if (r == ARCHIVE_EOF) {
            break;
        }
        if (r != ARCHIVE_OK && r != ARCHIVE_WARN) {
            wm_log(WM_LOG_DEBUG, "xlsx: zip header: %s", archive_error_string(a));
            wm_table_seterr(err, errlen, "XLSX 文件已损坏（ZIP 目录无法读取）");
            goto cleanup;
        }
        const char *name = archive_entry_pathname(ent);
        struct wm_xlsx_part *part = NULL;
        for (size_t k = 0; name != NULL && k < nparts; k++) {
            if (!parts[k].found && strcasecmp(name, parts[k].name) == 0) {
                part = &parts[k];
                break;
            }
        }
        if (part == NULL) {
            continue;
        }
        if (archive_entry_size_is_set(ent) &&
            archive_entry_size(ent) > (la_int64_t)WM_TABLE_MAX_ENTRY) {
            wm_table_seterr(err, errlen, "XLSX 文件中的 %s 解压后超过 %zu MiB，拒绝处理", part->name,
                            WM_TABLE_MAX_ENTRY >> 20);
            goto cleanup;
        }
        part->found = true;
        wm_buf_reset(&part->buf);
        for (;;) {
            const size_t chunk = 65536;
            wm_buf_reserve(&part->buf, chunk);
            la_ssize_t got = archive_read_data(a, part->buf.data + part->buf.len, chunk);
            if (got == 0) {
                break;
            }
            if (got < 0) {
                wm_log(WM_LOG_DEBUG, "xlsx: zip data: %s", archive_error_string(a));
                wm_table_seterr(err, errlen, "XLSX 文件已损坏（无法解压 %s）", part->name);
                goto cleanup;
            }
            part->buf.len += (size_t)got;
            part->buf.data[part->buf.len] = '\0';
            *total += (size_t)got;
            if (part->buf.len > WM_TABLE_MAX_ENTRY) {
                wm_table_seterr(err, errlen, "XLSX 文件中的 %s 解压后超过 %zu MiB，拒绝处理",
                                part->name, WM_TABLE_MAX_ENTRY >> 20);
                goto cleanup;
            }
            if (*total > WM_TABLE_MAX_UNZIPPED) {
                wm_table_seterr(err, errlen, "XLSX 文件解压后超过 %zu MiB，拒绝处理",
                                WM_TABLE_MAX_UNZIPPED >> 20);
                goto cleanup;
            }
        }
    }
    rc = 0;

cleanup:
    archive_read_free(a);
    return rc;
}

/* ---------------------------------------------------------------- XML */

static void
wm_xlsx_xml_silent(void *arg, xmlErrorPtr e)
{
    (void)arg;
    (void)e;
}

/* A streaming reader over a part, or NULL with err set.  Free with xmlFreeTextReader(). */
static xmlTextReaderPtr
wm_xlsx_reader(const struct wm_xlsx_part *part, char *err, size_t errlen)
{
    const struct wm_buf *b = &part->buf;
    if (b->len == 0 || memmem(b->data, b->len, "<!DOCTYPE", 9) != NULL) {
        wm_table_seterr(err, errlen, "XLSX 文件中的 %s 为空或含有 DTD，拒绝处理", part->name);
        return NULL;
    }
    /* Checked here so that libxml2 never meets an encoding error (it would print it). */
    if (!wm_utf8_valid(b->data, b->len)) {
        wm_table_seterr(err, errlen, "XLSX 文件中的 %s 不是 UTF-8 编码", part->name);
        return NULL;
    }
    xmlTextReaderPtr r =
        xmlReaderForMemory(b->data, (int)b->len, NULL, "UTF-8",
                           XML_PARSE_NONET | XML_PARSE_NOBLANKS | XML_PARSE_NOERROR |
                               XML_PARSE_NOWARNING | XML_PARSE_IGNORE_ENC | XML_PARSE_NOCDATA);
    if (r == NULL) {
        wm_table_seterr(err, errlen, "XLSX 文件中的 %s 无法解析", part->name);
        return NULL;
    }
    xmlTextReaderSetStructuredErrorHandler(r, wm_xlsx_xml_silent, NULL);
    return r;
}

/*
** One step of the reader: 1 for a node, 0 at the end, -1 (err set) on malformed XML or
** a document type declaration.
*/
static int
wm_xlsx_next(xmlTextReaderPtr r, const struct wm_xlsx_part *part, char *err, size_t errlen)
{
    int ret = xmlTextReaderRead(r);
    if (ret == 1 && xmlTextReaderNodeType(r) == XML_READER_TYPE_DOCUMENT_TYPE) {
        ret = -1;
    }
    if (ret < 0) {
        wm_table_seterr(err, errlen, "XLSX 文件已损坏（%s 不是有效的 XML）", part->name);
    }
    return ret;
}

static bool
wm_xlsx_is(xmlTextReaderPtr r, const char *local)
{
    const xmlChar *name = xmlTextReaderConstLocalName(r);
    return name != NULL && strcmp((const char *)name, local) == 0;
}

/* Text content of the current node, if it is text of some kind; else NULL. */
static const char *
wm_xlsx_text(xmlTextReaderPtr r)
{
    switch (xmlTextReaderNodeType(r)) {
    case XML_READER_TYPE_TEXT:
    case XML_READER_TYPE_CDATA:
    case XML_READER_TYPE_WHITESPACE:
    case XML_READER_TYPE_SIGNIFICANT_WHITESPACE: {
        const xmlChar *v = xmlTextReaderConstValue(r);
        return v != NULL ? (const char *)v : "";
    }
    default:
        return NULL;
    }
}

/* A copy of attribute @a name of the current element (caller frees), or NULL. */
static char *
wm_xlsx_attr(xmlTextReaderPtr r, const char *name)
{
    xmlChar *v = xmlTextReaderGetAttribute(r, (const xmlChar *)name);
    if (v == NULL) {
        return NULL;
    }
    char *s = wm_strdup((const char *)v);
    xmlFree(v);
    return s;
}

/* ---------------------------------------------------------------- strings */

/*
** A copy of [s, s+n) with OOXML's escapes "_xHHHH_" (used for control characters such as
** _x000D_, and _x005F_ for '_') decoded.  NUL and surrogates stay literal.
*/
static char *
wm_xlsx_unescape(const char *s, size_t n)
{
    struct wm_buf out = { 0 };
    size_t i = 0;
    while (i < n) {
        const char *u = memchr(s + i, '_', n - i);
        if (u == NULL) {
            wm_buf_add(&out, s + i, n - i);
            break;
        }
        size_t k = (size_t)(u - s);
        wm_buf_add(&out, s + i, k - i);
        unsigned cp = 0;
        bool ok = n - k >= 7 && s[k + 1] == 'x' && s[k + 6] == '_';
        for (size_t j = 2; ok && j < 6; j++) {
            int h = wm_hexval(s[k + j]);
            ok = h >= 0;
            cp = cp * 16 + (unsigned)(h >= 0 ? h : 0);
        }
        if (!ok || cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF)) {
            wm_buf_addc(&out, '_');
            i = k + 1;
            continue;
        }
        char enc[3];
        size_t len;
        if (cp < 0x80) {
            enc[0] = (char)cp;
            len = 1;
        } else if (cp < 0x800) {
            enc[0] = (char)(0xC0 | (cp >> 6));
            enc[1] = (char)(0x80 | (cp & 0x3F));
            len = 2;
        } else {
            enc[0] = (char)(0xE0 | (cp >> 12));
            enc[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
            enc[2] = (char)(0x80 | (cp & 0x3F));
            len = 3;
        }
        wm_buf_add(&out, enc, len);
        i = k + 7;
    }
    return wm_buf_steal(&out);
}

/* Shared strings, stored back to back (each NUL-terminated) with start offsets. */
struct wm_xlsx_sst {
    struct wm_buf data;
    size_t *off;
    size_t n, cap;
};

static void
wm_xlsx_sst_push(struct wm_xlsx_sst *sst, const char *s, size_t len)
{
    if (sst->n == sst->cap) {
        sst->cap = sst->cap ? sst->cap * 2 : 64;
        sst->off = wm_realloc(sst->off, sst->cap * sizeof(*sst->off));
    }
    char *u = wm_xlsx_unescape(s, len);
    sst->off[sst->n++] = sst->data.len;
    wm_buf_add(&sst->data, u, strlen(u) + 1);
    free(u);
}

/*
** <sst><si><t>plain</t></si><si><r><rPr/><t>rich </t></r><r><t>text</t></r></si>...
** The text of an <si> is all its <t>, except those of phonetic hints (<rPh>).
*/
static int
wm_xlsx_parse_sst(const struct wm_xlsx_part *part,
                  struct wm_xlsx_sst *sst,
                  char *err,
                  size_t errlen)
{
    struct wm_buf cur = { 0 };
    bool in_si = false, in_t = false;
    int rph = 0;
    int rc = -1, ret;
    xmlTextReaderPtr r = wm_xlsx_reader(part, err, errlen);
    if (r == NULL) {
        return -1;
    }
    while ((ret = wm_xlsx_next(r, part, err, errlen)) == 1) {
        int type = xmlTextReaderNodeType(r);
        const char *text;
        if (type == XML_READER_TYPE_ELEMENT) {
            bool empty = xmlTextReaderIsEmptyElement(r) == 1;
            if (wm_xlsx_is(r, "si")) {
                wm_buf_reset(&cur);
                in_si = !empty;
                in_t = false;
                rph = 0;
                if (empty) {
                    wm_xlsx_sst_push(sst, "", 0);
                }
            } else if (in_si && wm_xlsx_is(r, "rPh") && !empty) {
                rph++;
            } else if (in_si && wm_xlsx_is(r, "t")) {
                in_t = !empty;
            }
        } else if (type == XML_READER_TYPE_END_ELEMENT) {
            if (wm_xlsx_is(r, "t")) {
                in_t = false;
            } else if (wm_xlsx_is(r, "rPh") && rph > 0) {
                rph--;
            } else if (wm_xlsx_is(r, "si") && in_si) {
                wm_xlsx_sst_push(sst, wm_buf_str(&cur), cur.len);
                in_si = false;
            }
        } else if (in_si && in_t && rph == 0 && (text = wm_xlsx_text(r)) != NULL) {
            wm_buf_adds(&cur, text);
        }
        if (sst->n > WM_XLSX_MAX_SST) {
            wm_table_seterr(err, errlen, "XLSX 文件的共享字符串超过 %u 个，拒绝处理",
                            WM_XLSX_MAX_SST);
            goto cleanup;
        }
    }
    if (ret == 0) {
        rc = 0;
    }

cleanup:
    wm_buf_free(&cur);
    xmlFreeTextReader(r);
    return rc;
}

/* ---------------------------------------------------------------- numbers */

static pthread_once_t wm_xlsx_c_once = PTHREAD_ONCE_INIT;
static locale_t wm_xlsx_c_locale;

static void
wm_xlsx_c_init(void)
{
    wm_xlsx_c_locale = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
}

/* Drop trailing zeros after a decimal point, and the point itself if nothing is left. */
static void
wm_xlsx_strip_zeros(char *s)
{
    if (strchr(s, '.') == NULL) {
        return;
    }
    size_t n = strlen(s);
    while (n > 0 && s[n - 1] == '0') {
        s[--n] = '\0';
    }
    if (n > 0 && s[n - 1] == '.') {
        s[--n] = '\0';
    }
}

/*
** The text of a numeric cell.  The literal is kept, except that a decimal fraction with
** more than 15 significant digits (a binary floating-point artefact of a value the user
** typed, e.g. "0.30000000000000004") is rounded to 15 and printed shortest ("0.3").
*/
static char *
wm_xlsx_number(const char *s)
{
    const char *p = s;
    size_t sig = 0;
    bool leading = true, frac = false, exp = false;
    if (*p == '-' || *p == '+') {
        p++;
    }
    for (; *p != '\0'; p++) {
        if (*p >= '0' && *p <= '9') {
            leading = leading && *p == '0';
            sig += leading ? 0 : 1;
        } else if (*p == '.') {
            frac = true;
        } else if (*p == 'e' || *p == 'E') {
            exp = true;
            break;
        } else {
            return wm_strdup(s); /* not a plain number: keep it */
        }
    }
    if (sig <= 15 || (!frac && !exp)) {
        return wm_strdup(s); /* as typed, or an integer (kept whatever its length) */
    }
    pthread_once(&wm_xlsx_c_once, wm_xlsx_c_init);
    if (wm_xlsx_c_locale == (locale_t)0) {
        return wm_strdup(s);
    }
    char *end = NULL;
    errno = 0;
    double d = strtod_l(s, &end, wm_xlsx_c_locale);
    if (end == s || *end != '\0' || errno == ERANGE || !isfinite(d)) {
        return wm_strdup(s);
    }
    char out[400];
    locale_t old = uselocale(wm_xlsx_c_locale);
    snprintf(out, sizeof(out), "%.15g", d);
    const char *e = strchr(out, 'e');
    if (e != NULL && !exp) {
        /* The literal had no exponent: print positional notation too. */
        long e10 = strtol(e + 1, NULL, 10);
        if (e10 < 0) {
            snprintf(out, sizeof(out), "%.*f", (int)(14 - e10), d);
            wm_xlsx_strip_zeros(out);
        } else {
            snprintf(out, sizeof(out), "%.0f", d);
        }
    }
    uselocale(old);
    return wm_strdup(out);
}

/* ---------------------------------------------------------------- workbook */

/* The relationship id (r:id) of the sheet-th <sheet> of xl/workbook.xml (caller frees);
** 1 when the workbook has fewer sheets. */
static int
wm_xlsx_sheet_rid(const struct wm_xlsx_part *part, unsigned sheet, char **rid, char *err,
                  size_t errlen)
{
    int ret;
    unsigned seen = 0;
    xmlTextReaderPtr r = wm_xlsx_reader(part, err, errlen);
    *rid = NULL;
    if (r == NULL) {
        return -1;
    }
    while ((ret = wm_xlsx_next(r, part, err, errlen)) == 1) {
        if (xmlTextReaderNodeType(r) != XML_READER_TYPE_ELEMENT || !wm_xlsx_is(r, "sheet")) {
            continue;
        }
        if (seen++ < sheet) {
            continue;
        }
        /* The attribute "id" in the relationships namespace (transitional or strict). */
        while (xmlTextReaderMoveToNextAttribute(r) == 1) {
            const xmlChar *ns = xmlTextReaderConstNamespaceUri(r);
            const xmlChar *v = xmlTextReaderConstValue(r);
            if (ns != NULL && v != NULL && wm_xlsx_is(r, "id") &&
                strstr((const char *)ns, "relationships") != NULL) {
                *rid = wm_strdup((const char *)v);
                break;
            }
        }
        break;
    }
    xmlFreeTextReader(r);
    if (ret < 0) {
        return -1;
    }
    if (*rid == NULL && sheet > 0 && seen <= sheet) {
        return 1; /* no such sheet */
    }
    if (*rid == NULL) {
        wm_table_seterr(err, errlen, "XLSX 工作簿中没有工作表");
        return -1;
    }
    return 0;
}

/* Resolve a relationship target against the folder "xl/" into a ZIP entry name. */
static char *
wm_xlsx_resolve(const char *target)
{
    struct wm_buf in = { 0 }, out = { 0 };
    if (target[0] == '/') {
        wm_buf_adds(&in, target + 1);
    } else {
        wm_buf_adds(&in, "xl/");
        wm_buf_adds(&in, target);
    }
    const char *p = wm_buf_str(&in);
    while (*p != '\0') {
        const char *slash = strchr(p, '/');
        size_t len = slash ? (size_t)(slash - p) : strlen(p);
        if (len == 2 && p[0] == '.' && p[1] == '.') {
            while (out.len > 0 && out.data[out.len - 1] != '/') {
                out.len--; /* drop the last segment */
            }
            out.len -= out.len > 0 ? 1 : 0;
            if (out.data != NULL) {
                out.data[out.len] = '\0';
            }
        } else if (len > 0 && !(len == 1 && p[0] == '.')) {
            if (out.len > 0) {
                wm_buf_addc(&out, '/');
            }
            wm_buf_add(&out, p, len);
        }
        p += len;
        if (*p == '/') {
            p++;
        }
    }
    wm_buf_free(&in);
    return wm_buf_steal(&out);
}

static bool
wm_xlsx_endswith(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

/*
** From xl/_rels/workbook.xml.rels: the part of relationship @a rid (the first sheet) and
** the shared-strings part.  Each stays NULL when not found.
*/
static int
wm_xlsx_parse_rels(const struct wm_xlsx_part *part,
                   const char *rid,
                   char **sheet,
                   char **sst,
                   char *err,
                   size_t errlen)
{
    int ret;
    xmlTextReaderPtr r = wm_xlsx_reader(part, err, errlen);
    if (r == NULL) {
        return -1;
    }
    while ((ret = wm_xlsx_next(r, part, err, errlen)) == 1) {
        if (xmlTextReaderNodeType(r) != XML_READER_TYPE_ELEMENT || !wm_xlsx_is(r, "Relationship")) {
            continue;
        }
        char *id = wm_xlsx_attr(r, "Id");
        char *type = wm_xlsx_attr(r, "Type");
        char *target = wm_xlsx_attr(r, "Target");
        char *mode = wm_xlsx_attr(r, "TargetMode");
        if (target != NULL && target[0] != '\0' &&
            (mode == NULL || strcasecmp(mode, "External") != 0)) {
            if (*sheet == NULL && id != NULL && strcmp(id, rid) == 0) {
                *sheet = wm_xlsx_resolve(target);
            } else if (*sst == NULL && type != NULL && wm_xlsx_endswith(type, "/sharedStrings")) {
                *sst = wm_xlsx_resolve(target);
            }
        }
        free(id);
        free(type);
        free(target);
        free(mode);
    }
    xmlFreeTextReader(r);
    return ret < 0 ? -1 : 0;
}

/* ---------------------------------------------------------------- sheet */

struct wm_xlsx_sheet {
    struct wm_table_acc *acc;
    const struct wm_xlsx_sst *sst;
    char *err;
    size_t errlen;
    /* the row being read */
    bool in_row;
    unsigned rownum;  /* its number in the sheet */
    unsigned nextcol; /* 0-based column of a <c> without r */
    char **cols;      /* WM_TABLE_MAX_COLS slots, NULL where empty */
    size_t ncols;     /* 1 + the last non-empty column */
    /* the cell being read */
    bool in_c, in_v, in_is, in_t;
    int rph;
    unsigned col;
    char *type;
    struct wm_buf v, t;
};

/* "B3" -> column 1 (0-based); false when it is not a cell reference. */
static bool
wm_xlsx_ref_col(const char *ref, unsigned *col)
{
    unsigned c = 0;
    size_t letters = 0;
    const char *p = ref;
    for (; (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z'); p++) {
        if (++letters > 3) {
            return false;
        }
        c = c * 26 + (unsigned)((*p | 0x20) - 'a' + 1);
    }
    if (letters == 0 || c > WM_XLSX_MAX_SHEETCOL) {
        return false;
    }
    for (; *p != '\0'; p++) {
        if (*p < '0' || *p > '9') {
            return false;
        }
    }
    *col = c - 1;
    return true;
}

static bool
wm_xlsx_parse_uint(const char *s, unsigned max, unsigned *out)
{
    int64_t v;
    if (s == NULL || s[0] < '0' || s[0] > '9' || !wm_parse_i64(s, 0, max, &v)) {
        return false;
    }
    *out = (unsigned)v;
    return true;
}

/* The finished text of the current cell (caller frees). */
static int
wm_xlsx_cell_value(struct wm_xlsx_sheet *sh, char **val)
{
    const char *type = sh->type ? sh->type : "n";
    const char *v = wm_buf_str(&sh->v);
    *val = NULL;
    if (strcmp(type, "s") == 0) {
        unsigned idx;
        if (sh->v.len == 0) {
            *val = wm_strdup("");
            return 0;
        }
        if (!wm_xlsx_parse_uint(v, WM_XLSX_MAX_SST, &idx) || idx >= sh->sst->n) {
            wm_table_seterr(sh->err, sh->errlen, "第%u行：单元格引用了不存在的共享字符串",
                            sh->rownum);
            return -1;
        }
        *val = wm_strdup(sh->sst->data.data + sh->sst->off[idx]);
    } else if (strcmp(type, "inlineStr") == 0 || (sh->v.len == 0 && sh->t.len > 0)) {
        *val = wm_xlsx_unescape(wm_buf_str(&sh->t), sh->t.len);
    } else if (strcmp(type, "str") == 0) {
        *val = wm_xlsx_unescape(v, sh->v.len);
    } else if (strcmp(type, "b") == 0) {
        *val = wm_strdup(strcmp(v, "1") == 0 ? "TRUE" : strcmp(v, "0") == 0 ? "FALSE" : v);
    } else if (strcmp(type, "n") == 0) {
        *val = wm_xlsx_number(v);
    } else {
        *val = wm_strdup(v); /* "e" (#N/A...), "d" (ISO 8601), unknown */
    }
    return 0;
}

static int
wm_xlsx_end_cell(struct wm_xlsx_sheet *sh)
{
    char *val = NULL;
    sh->in_c = sh->in_v = sh->in_is = sh->in_t = false;
    sh->rph = 0;
    if (wm_xlsx_cell_value(sh, &val) != 0) {
        return -1;
    }
    if (val[0] == '\0') {
        free(val); /* styled but empty */
        return 0;
    }
    if (sh->col >= WM_TABLE_MAX_COLS) {
        free(val);
        wm_table_seterr(sh->err, sh->errlen, "第%u行：超过 %u 列", sh->rownum, WM_TABLE_MAX_COLS);
        return -1;
    }
    free(sh->cols[sh->col]);
    sh->cols[sh->col] = val;
    if (sh->col + 1 > sh->ncols) {
        sh->ncols = sh->col + 1;
    }
    return 0;
}

static int
wm_xlsx_end_row(struct wm_xlsx_sheet *sh)
{
    sh->in_row = false;
    if (sh->ncols == 0) {
        return 0; /* an empty row */
    }
    char **cells = wm_malloc(sh->ncols * sizeof(*cells));
    for (size_t k = 0; k < sh->ncols; k++) {
        cells[k] = sh->cols[k] ? sh->cols[k] : wm_strdup("");
        sh->cols[k] = NULL;
    }
    size_t n = sh->ncols;
    sh->ncols = 0;
    return wm_table_add_row(sh->acc, cells, n, sh->rownum, sh->err, sh->errlen);
}

static int
wm_xlsx_start_row(struct wm_xlsx_sheet *sh, xmlTextReaderPtr r)
{
    char *rattr = wm_xlsx_attr(r, "r");
    unsigned num = sh->rownum + 1;
    bool ok = rattr == NULL || wm_xlsx_parse_uint(rattr, WM_XLSX_MAX_SHEETROW, &num);
    free(rattr);
    if (!ok || num == 0 || num > WM_XLSX_MAX_SHEETROW) {
        wm_table_seterr(sh->err, sh->errlen, "XLSX 工作表的行号无效（第%u行之后）", sh->rownum);
        return -1;
    }
    sh->rownum = num;
    sh->nextcol = 0;
    sh->in_row = xmlTextReaderIsEmptyElement(r) != 1;
    return 0;
}

static int
wm_xlsx_start_cell(struct wm_xlsx_sheet *sh, xmlTextReaderPtr r)
{
    char *ref = wm_xlsx_attr(r, "r");
    unsigned col = sh->nextcol;
    bool ok = ref == NULL || wm_xlsx_ref_col(ref, &col);
    free(ref);
    if (!ok || col >= WM_XLSX_MAX_SHEETCOL) {
        wm_table_seterr(sh->err, sh->errlen, "第%u行：单元格位置无效", sh->rownum);
        return -1;
    }
    sh->col = col;
    sh->nextcol = col + 1;
    free(sh->type);
    sh->type = wm_xlsx_attr(r, "t");
    wm_buf_reset(&sh->v);
    wm_buf_reset(&sh->t);
    sh->in_v = sh->in_is = sh->in_t = false;
    sh->rph = 0;
    sh->in_c = true;
    if (xmlTextReaderIsEmptyElement(r) == 1) {
        return wm_xlsx_end_cell(sh);
    }
    return 0;
}

/*
** <worksheet><sheetData><row r="3"><c r="B3" t="s"><v>0</v></c>
**   <c r="C3" t="inlineStr"><is><t>text</t></is></c></row></sheetData></worksheet>
*/
static int
wm_xlsx_parse_sheet(const struct wm_xlsx_part *part, struct wm_xlsx_sheet *sh)
{
    int ret, rc = -1;
    bool in_data = false;
    xmlTextReaderPtr r = wm_xlsx_reader(part, sh->err, sh->errlen);
    if (r == NULL) {
        return -1;
    }
    while ((ret = wm_xlsx_next(r, part, sh->err, sh->errlen)) == 1) {
        int type = xmlTextReaderNodeType(r);
        const char *text;
        if (type == XML_READER_TYPE_ELEMENT) {
            bool empty = xmlTextReaderIsEmptyElement(r) == 1;
            if (wm_xlsx_is(r, "sheetData")) {
                in_data = !empty;
            } else if (!in_data) {
                continue;
            } else if (wm_xlsx_is(r, "row")) {
                if ((sh->in_c && wm_xlsx_end_cell(sh) != 0) ||
                    (sh->in_row && wm_xlsx_end_row(sh) != 0) || wm_xlsx_start_row(sh, r) != 0) {
                    goto cleanup;
                }
            } else if (!sh->in_row) {
                continue;
            } else if (wm_xlsx_is(r, "c")) {
                if ((sh->in_c && wm_xlsx_end_cell(sh) != 0) || wm_xlsx_start_cell(sh, r) != 0) {
                    goto cleanup;
                }
            } else if (!sh->in_c || empty) {
                continue;
            } else if (wm_xlsx_is(r, "v")) {
                sh->in_v = true;
            } else if (wm_xlsx_is(r, "is")) {
                sh->in_is = true;
            } else if (sh->in_is && wm_xlsx_is(r, "rPh")) {
                sh->rph++;
            } else if (sh->in_is && wm_xlsx_is(r, "t")) {
                sh->in_t = true;
            }
        } else if (type == XML_READER_TYPE_END_ELEMENT) {
            if (!in_data) {
                continue;
            } else if (wm_xlsx_is(r, "sheetData")) {
                in_data = false;
            } else if (wm_xlsx_is(r, "v")) {
                sh->in_v = false;
            } else if (wm_xlsx_is(r, "t")) {
                sh->in_t = false;
            } else if (wm_xlsx_is(r, "rPh")) {
                sh->rph -= sh->rph > 0 ? 1 : 0;
            } else if (wm_xlsx_is(r, "is")) {
                sh->in_is = false;
            } else if (wm_xlsx_is(r, "c") && sh->in_c) {
                if (wm_xlsx_end_cell(sh) != 0) {
                    goto cleanup;
                }
            } else if (wm_xlsx_is(r, "row") && sh->in_row) {
                if ((sh->in_c && wm_xlsx_end_cell(sh) != 0) || wm_xlsx_end_row(sh) != 0) {
                    goto cleanup;
                }
            }
        } else if (sh->in_c && (text = wm_xlsx_text(r)) != NULL) {
            if (sh->in_v) {
                wm_buf_adds(&sh->v, text);
            } else if (sh->in_is && sh->in_t && sh->rph == 0) {
                wm_buf_adds(&sh->t, text);
            }
        }
    }
    if (ret == 0) {
        rc = 0; /* an unclosed <row> cannot happen: the reader wants well-formed XML */
    }

cleanup:
    xmlFreeTextReader(r);
    return rc;
}

/* ---------------------------------------------------------------- DOCX */

/*
** The tables of a Word document (word/document.xml) as rows, for standards published as
** Word tables: every top-level table in document order, one row per w:tr, one cell per
** w:tc (its paragraphs joined by line breaks; w:tab a space, w:br a line break; deleted
** text of tracked changes left out).  A cell spanning columns (w:gridSpan) is followed by
** empty cells and one continuing a vertical merge (w:vMerge) is empty, as merged cells of
** a sheet read.  A table nested in a cell is that cell's text.  A later table's row equal
** to one of the first table's first three rows (the header again where a long table was
** split) is left out, and so are empty rows.  Text outside tables is not read.
*/
#define WM_DOCX_HEADS 3

struct wm_docx {
    struct wm_table_acc *acc;
    unsigned depth, ntables, nrows; /* w:tbl nesting; top-level tables begun; rows kept */
    char **cells;                   /* the row being read */
    size_t ncells, cap;
    struct wm_buf text; /* the cell being read */
    bool in_cell, in_t, vcont;
    unsigned span;
    char **head[WM_DOCX_HEADS]; /* the first table's first rows */
    size_t nhead[WM_DOCX_HEADS];
    unsigned nheads;
};

static void
wm_docx_push(struct wm_docx *d, char *cell)
{
    if (d->ncells == d->cap) {
        d->cap = d->cap ? 2 * d->cap : 16;
        d->cells = wm_realloc(d->cells, d->cap * sizeof(*d->cells));
    }
    d->cells[d->ncells++] = cell;
}

static void
wm_docx_drop_row(struct wm_docx *d)
{
    for (size_t i = 0; i < d->ncells; i++) {
        free(d->cells[i]);
    }
    d->ncells = 0;
}

/* The cell read so far, trimmed, into the row; and the empty cells its span covers. */
static int
wm_docx_end_cell(struct wm_docx *d, char *err, size_t errlen)
{
    const char *s = d->text.data ? d->text.data : "";
    size_t n = d->text.len;
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\n')) {
        n--;
    }
    while (n > 0 && (s[0] == ' ' || s[0] == '\n')) {
        s++, n--;
    }
    wm_docx_push(d, d->vcont ? wm_strdup("") : wm_strndup(s, n));
    for (unsigned k = 1; k < d->span; k++) {
        wm_docx_push(d, wm_strdup(""));
    }
    d->in_cell = false;
    wm_buf_reset(&d->text);
    if (d->ncells > WM_TABLE_MAX_COLS) {
        wm_table_seterr(err, errlen, "Word 表格第%u行超过 %u 列，拒绝处理", d->nrows + 1,
                        WM_TABLE_MAX_COLS);
        return -1;
    }
    return 0;
}

static bool
wm_docx_same(char **a, size_t na, char **b, size_t nb)
{
    if (na != nb) {
        return false;
    }
    for (size_t i = 0; i < na; i++) {
        if (strcmp(a[i], b[i]) != 0) {
            return false;
        }
    }
    return true;
}

static int
wm_docx_end_row(struct wm_docx *d, char *err, size_t errlen)
{
    bool blank = true;
    for (size_t i = 0; i < d->ncells && blank; i++) {
        blank = d->cells[i][0] == '\0';
    }
    for (unsigned h = 0; h < d->nheads && !blank && d->ntables > 1; h++) {
        blank = wm_docx_same(d->cells, d->ncells, d->head[h], d->nhead[h]);
    }
    if (blank) {
        wm_docx_drop_row(d);
        return 0;
    }
    if (d->ntables == 1 && d->nheads < WM_DOCX_HEADS) {
        char **copy = wm_calloc(d->ncells + 1, sizeof(*copy));
        for (size_t i = 0; i < d->ncells; i++) {
            copy[i] = wm_strdup(d->cells[i]);
        }
        d->head[d->nheads] = copy;
        d->nhead[d->nheads++] = d->ncells;
    }
    char **cells = d->cells;
    size_t n = d->ncells;
    d->cells = NULL;
    d->ncells = d->cap = 0;
    return wm_table_add_row(d->acc, cells, n, ++d->nrows, err, errlen);
}

/* The w:val attribute of the current element (caller frees), or NULL. */
static char *
wm_docx_val(xmlTextReaderPtr r)
{
    static const xmlChar ns[] = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
    xmlChar *v = xmlTextReaderGetAttributeNs(r, (const xmlChar *)"val", ns);
    if (v == NULL) {
        return wm_xlsx_attr(r, "w:val");
    }
    char *s = wm_strdup((const char *)v);
    xmlFree(v);
    return s;
}

static int
wm_docx_parse(const struct wm_xlsx_part *part, struct wm_table_acc *acc, char *err,
              size_t errlen)
{
    xmlTextReaderPtr r = wm_xlsx_reader(part, err, errlen);
    if (r == NULL) {
        return -1;
    }
    struct wm_docx d = { .acc = acc };
    int rc = -1, ret;
    while ((ret = wm_xlsx_next(r, part, err, errlen)) == 1) {
        int type = xmlTextReaderNodeType(r);
        const char *text = wm_xlsx_text(r);
        if (text != NULL) {
            if (d.in_cell && d.in_t) {
                wm_buf_adds(&d.text, text);
            }
            continue;
        }
        bool empty = xmlTextReaderIsEmptyElement(r) == 1;
        if (type == XML_READER_TYPE_ELEMENT) {
            if (wm_xlsx_is(r, "tbl") && !empty) {
                d.ntables += d.depth == 0;
                d.depth++;
            } else if (d.depth == 1 && wm_xlsx_is(r, "tr") && !empty) {
                wm_docx_drop_row(&d);
            } else if (d.depth == 1 && wm_xlsx_is(r, "tc")) {
                d.in_cell = true;
                d.span = 1;
                d.vcont = false;
                wm_buf_reset(&d.text);
                if (empty && wm_docx_end_cell(&d, err, errlen) != 0) {
                    goto cleanup;
                }
            } else if (d.depth == 1 && d.in_cell && wm_xlsx_is(r, "gridSpan")) {
                char *v = wm_docx_val(r);
                unsigned span;
                if (wm_xlsx_parse_uint(v, WM_TABLE_MAX_COLS, &span) && span > 1) {
                    d.span = span;
                }
                free(v);
            } else if (d.depth == 1 && d.in_cell && wm_xlsx_is(r, "vMerge")) {
                char *v = wm_docx_val(r);
                d.vcont = v == NULL || strcmp(v, "restart") != 0;
                free(v);
            } else if (d.in_cell && wm_xlsx_is(r, "t")) {
                d.in_t = !empty;
            } else if (d.in_cell && wm_xlsx_is(r, "tab")) {
                wm_buf_addc(&d.text, ' ');
            } else if (d.in_cell && (wm_xlsx_is(r, "br") || wm_xlsx_is(r, "cr"))) {
                wm_buf_addc(&d.text, '\n');
            } else if (d.in_cell && wm_xlsx_is(r, "p") && d.text.len > 0) {
                wm_buf_addc(&d.text, '\n');
            }
        } else if (type == XML_READER_TYPE_END_ELEMENT) {
            if (wm_xlsx_is(r, "t")) {
                d.in_t = false;
            } else if (wm_xlsx_is(r, "tbl") && d.depth > 0) {
                d.depth--;
            } else if (d.depth == 1 && wm_xlsx_is(r, "tc") && d.in_cell) {
                if (wm_docx_end_cell(&d, err, errlen) != 0) {
                    goto cleanup;
                }
            } else if (d.depth == 1 && wm_xlsx_is(r, "tr")) {
                if (wm_docx_end_row(&d, err, errlen) != 0) {
                    goto cleanup;
                }
            }
        }
    }
    if (ret < 0) {
        goto cleanup;
    }
    if (d.ntables == 0) {
        wm_table_seterr(err, errlen, "Word 文件中没有表格");
        goto cleanup;
    }
    rc = 0;

cleanup:
    xmlFreeTextReader(r);
    wm_docx_drop_row(&d);
    free(d.cells);
    wm_buf_free(&d.text);
    for (unsigned h = 0; h < d.nheads; h++) {
        for (size_t i = 0; i < d.nhead[h]; i++) {
            free(d.head[h][i]);
        }
        free(d.head[h]);
    }
    return rc;
}

/* ---------------------------------------------------------------- entry */

int
wm_table_parse_xlsx(const void *data,
                    size_t n,
                    unsigned sheet,
                    struct wm_table_acc *acc,
                    char *err,
                    size_t errlen)
{
    struct wm_xlsx_part p1[3] = { { .name = "xl/workbook.xml" },
                                  { .name = "xl/_rels/workbook.xml.rels" },
                                  { .name = "word/document.xml" } };
    struct wm_xlsx_part p2[2] = { { 0 }, { 0 } };
    struct wm_xlsx_sst sst = { 0 };
    struct wm_xlsx_sheet sh = { 0 };
    char *rid = NULL, *sheet_name = NULL, *sst_name = NULL;
    size_t total = 0;
    int rc = -1;

    if (n < 4 || memcmp(data, "PK\3\4", 4) != 0) {
        wm_table_seterr(err, errlen, "文件不是 XLSX 文件（不是 ZIP 压缩包）");
        goto cleanup;
    }
    if (wm_xlsx_unzip(data, n, p1, 3, &total, err, errlen) != 0) {
        goto cleanup;
    }
    if (!p1[0].found && p1[2].found) {
        /* a Word document: its tables are the one "sheet" */
        rc = sheet > 0 ? 1 : wm_docx_parse(&p1[2], acc, err, errlen);
        goto cleanup;
    }
    if (sheet > 0 && !p1[0].found) {
        rc = 1; /* without a workbook part only the first sheet can be found */
        goto cleanup;
    }
    if (p1[0].found) {
        int found = wm_xlsx_sheet_rid(&p1[0], sheet, &rid, err, errlen);
        if (found != 0) {
            rc = found;
            goto cleanup;
        }
        if (p1[1].found &&
            wm_xlsx_parse_rels(&p1[1], rid, &sheet_name, &sst_name, err, errlen) != 0) {
            goto cleanup;
        }
    }
    p2[0].name = sheet_name ? sheet_name : "xl/worksheets/sheet1.xml";
    p2[1].name = sst_name ? sst_name : "xl/sharedStrings.xml";
    if (wm_xlsx_unzip(data, n, p2, 2, &total, err, errlen) != 0) {
        goto cleanup;
    }
    if (!p2[0].found) {
        wm_table_seterr(err, errlen,
                        p1[0].found ? "XLSX 文件缺少第一个工作表"
                                    : "压缩包中没有 xl/workbook.xml，不是 XLSX 文件");
        goto cleanup;
    }
    if (p2[1].found && wm_xlsx_parse_sst(&p2[1], &sst, err, errlen) != 0) {
        goto cleanup;
    }
    sh.acc = acc;
    sh.sst = &sst;
    sh.err = err;
    sh.errlen = errlen;
    sh.cols = wm_calloc(WM_TABLE_MAX_COLS, sizeof(*sh.cols));
    if (wm_xlsx_parse_sheet(&p2[0], &sh) != 0) {
        goto cleanup;
    }
    rc = 0;

cleanup:
    if (sh.cols != NULL) {
        for (size_t k = 0; k < WM_TABLE_MAX_COLS; k++) {
            free(sh.cols[k]);
        }
        free(sh.cols);
    }
    free(sh.type);
    wm_buf_free(&sh.v);
    wm_buf_free(&sh.t);
    wm_buf_free(&sst.data);
    free(sst.off);
    for (size_t k = 0; k < 2; k++) {
        wm_buf_free(&p1[k].buf);
        wm_buf_free(&p2[k].buf);
    }
    wm_buf_free(&p1[2].buf);
    free(rid);
    free(sheet_name);
    free(sst_name);
    return rc;
}

/* end of xlsx.c */
