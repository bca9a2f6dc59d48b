/*
** zip.c — the text of ZIP containers of XML: OFD (GB/T 33190), OOXML (DOCX, XLSX, PPTX, and
** WPS/ET/DPS saved as OOXML) and ODF (ODT, ODS, ODP).  What a container is comes from its
** content, not from the type it was announced as: OFD.xml at the root, a "mimetype" entry
** (ODF), word/, xl/ or ppt/ main parts (OOXML).
**
** The archive is read with libarchive's seekable ZIP reader (its central directory), at
** most three times: (1) the list of names and the small control parts (mimetype, OFD.xml),
** (2) for OFD, the document root (Document.xml) that orders the pages, (3) the parts that
** hold text, each streamed from the archive straight into libxml2's reader (never held
** whole in memory) and collected as text per part, then joined in the document's order.
** Every byte inflated is counted: a part past WM_EXTRACT_MAX_PART or all parts past
** WM_EXTRACT_MAX_UNZIPPED stop the file with an error (a ZIP bomb), as do more than
** WM_EXTRACT_MAX_ENTRIES entries.  XML is read with XML_PARSE_NONET, no DTD loading, no
** entity substitution, no XML_PARSE_HUGE.
*/
/* clang-format off */
#include "ex_int.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <archive.h>
#include <archive_entry.h>
#include <libxml/xmlreader.h>

#include "banned.h"
/* clang-format on */

/* The control parts read whole into memory are small. */
#define EX_ZIP_MAX_CONTROL ((size_t)1 << 20)
/* OFD's document root lists every page. */
#define EX_ZIP_MAX_DOCROOT ((size_t)16 << 20)

/* ---------------------------------------------------------------- what text an XML holds */

/*
** Which elements of a part give text, by local name: the text nodes inside @a text
** elements count; the end of a @a para element is a newline, a @a brk element a newline,
** a @a tab element a tab, a @a space element a space; a @a skip element's subtree is
** ignored.  @a ofd: the OFD page rules (TextObject/TextCode positions make the lines).
*/
struct xml_rules {
    const char *const *text;
    const char *const *para;
    const char *const *brk;
    const char *const *tab;
    const char *const *space;
    const char *const *skip;
    bool ofd;
};

static const char *const docx_text[] = {"t", NULL};
static const char *const docx_para[] = {"p", "tc", NULL};
static const char *const docx_brk[] = {"br", "cr", NULL};
static const char *const docx_tab[] = {"tab", "ptab", NULL};
/* mc:Fallback repeats what mc:Choice holds (a text box as VML for older readers) */
static const char *const docx_skip[] = {"pPr", "rPr", "sectPr", "tblPr", "instrText", "delText",
                                        "Fallback", NULL};
static const struct xml_rules rules_docx = {docx_text, docx_para, docx_brk, docx_tab, NULL,
                                            docx_skip, false};

static const char *const sst_para[] = {"si", NULL};
static const char *const sst_skip[] = {"rPh", "phoneticPr", NULL};
static const struct xml_rules rules_sst = {docx_text, sst_para, NULL, NULL, NULL, sst_skip,
                                           false};
static const char *const sheet_para[] = {"is", NULL};
static const struct xml_rules rules_sheet = {docx_text, sheet_para, NULL, NULL, NULL, sst_skip,
                                             false};

static const char *const pptx_para[] = {"p", NULL};
static const char *const pptx_brk[] = {"br", NULL};
static const char *const pptx_skip[] = {"Fallback", NULL};
static const struct xml_rules rules_pptx = {docx_text, pptx_para, pptx_brk, NULL, NULL,
                                            pptx_skip, false};

static const char *const odf_text[] = {"p", "h", NULL};
static const char *const odf_brk[] = {"line-break", NULL};
static const char *const odf_tab[] = {"tab", NULL};
static const char *const odf_space[] = {"s", NULL};
static const char *const odf_skip[] = {"tracked-changes", "annotation", "bookmark-ref", NULL};
static const struct xml_rules rules_odf = {odf_text, odf_text, odf_brk, odf_tab, odf_space,
                                           odf_skip, false};

static const char *const ofd_text[] = {"TextCode", NULL};
static const struct xml_rules rules_ofd = {ofd_text, NULL, NULL, NULL, NULL, NULL, true};

static bool
in_set(const char *const *set, const xmlChar *name)
{
    for (size_t i = 0; set && set[i]; i++) {
        if (wm_streq(set[i], (const char *)name)) {
            return true;
        }
    }
    return false;
}

/* libxml2 reports each error of a hostile file: the failure itself is enough. */
static void
xml_silent(void *arg, xmlErrorPtr e)
{
    (void)arg;
    (void)e;
}

#define EX_XML_OPTIONS \
    (XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA)

/* ---------------------------------------------------------------- OFD positions */

/* Where the text of an OFD page is: the last TextCode's baseline and its object's box. */
struct ofd_pos {
    double obj_x, obj_y, obj_w, obj_h, size; /* the current TextObject */
    double code_x, code_y;                   /* its current TextCode (relative) */
    bool have_last;
    double last_y, last_right; /* the previous TextCode's absolute baseline, object's right */
};

static double
attr_num(xmlTextReaderPtr r, const char *name, double dflt)
{
    xmlChar *v = xmlTextReaderGetAttribute(r, (const xmlChar *)name);
    if (NULL == v) {
        return dflt;
    }
    char *end;
    double d = strtod((const char *)v, &end);
    bool ok = end != (char *)v && isfinite(d);
    xmlFree(v);
    return ok ? d : dflt;
}

static void
ofd_object(xmlTextReaderPtr r, struct ofd_pos *p)
{
    p->obj_x = p->obj_y = p->obj_w = p->obj_h = 0;
    xmlChar *b = xmlTextReaderGetAttribute(r, (const xmlChar *)"Boundary");
    if (b) {
        double v[4] = {0, 0, 0, 0};
        char *s = (char *)b;
        for (int i = 0; i < 4; i++) {
            char *end;
            double d = strtod(s, &end);
            if (end == s || !isfinite(d)) {
                break;
            }
            v[i] = d;
            s = end;
        }
        p->obj_x = v[0], p->obj_y = v[1], p->obj_w = v[2], p->obj_h = v[3];
        xmlFree(b);
    }
    p->size = attr_num(r, "Size", p->obj_h > 0 ? p->obj_h : 3.5);
    if (!(p->size > 0)) {
        p->size = 3.5;
    }
    p->code_x = p->code_y = 0;
}

/* Before a TextCode's text: a newline when it starts another line, a space after a gap. */
static void
ofd_code(xmlTextReaderPtr r, struct ofd_pos *p, struct ex_out *o)
{
    p->code_x = attr_num(r, "X", p->code_x);
    p->code_y = attr_num(r, "Y", p->code_y);
    double y = p->obj_y + p->code_y;
    double x = p->obj_x + p->code_x;
    if (p->have_last) {
        if (fabs(y - p->last_y) > 0.5 * p->size) {
            ex_nl(o);
        } else if (x - p->last_right > 0.5 * p->size) {
            ex_space(o);
        }
    }
    p->have_last = true;
    p->last_y = y;
    p->last_right = p->obj_x + p->obj_w;
}

/* ---------------------------------------------------------------- the archive */

struct zctx {
    const char *path;
    char **names; /* entries in archive order, normalised */
    size_t n;
    unsigned long long total; /* bytes inflated from every part read so far */
    /* the entry being streamed */
    struct archive *a;
    const char *cur;
    long long cur_size; /* its size as the ZIP announces it; -1 unknown */
    bool cur_encrypted;
    unsigned long long part_bytes;
    bool over; /* a limit was passed while streaming (err says which) */
    char *err;
    size_t errlen;
};

/* A name as the parts refer to it: '/' separators, no leading '/' or "./". */
static char *
norm_name(const char *raw)
{
    char *s = wm_strdup(raw ? raw : "");
    for (char *p = s; *p; p++) {
        if ('\\' == *p) {
            *p = '/';
        }
    }
    char *p = s;
    while ('/' == *p || wm_startswith(p, "./")) {
        p += '/' == *p ? 1 : 2;
    }
    memmove(s, p, strlen(p) + 1);
    return s;
}

static bool
has_name(const struct zctx *z, const char *name)
{
    for (size_t i = 0; i < z->n; i++) {
        if (wm_streq(z->names[i], name)) {
            return true;
        }
    }
    return false;
}

/* Count n more inflated bytes of the current entry against the limits. */
static bool
count_bytes(struct zctx *z, size_t n)
{
    z->part_bytes += n;
    z->total += n;
    if (z->part_bytes > WM_EXTRACT_MAX_PART) {
        ex_seterr(z->err, z->errlen, "%s inflates past %llu MiB: refused (a ZIP bomb?)", z->cur,
                  WM_EXTRACT_MAX_PART >> 20);
        z->over = true;
        return false;
    }
    if (z->total > WM_EXTRACT_MAX_UNZIPPED) {
        ex_seterr(z->err, z->errlen, "the parts inflate past %llu MiB: refused (a ZIP bomb?)",
                  WM_EXTRACT_MAX_UNZIPPED >> 20);
        z->over = true;
        return false;
    }
    return true;
}

/* libxml2's input: the current entry, inflated as the parser asks. */
static int
zip_xml_read(void *ctx, char *buf, int len)
{
    struct zctx *z = ctx;
    if (z->over || len <= 0) {
        return z->over ? -1 : 0;
    }
    la_ssize_t got = archive_read_data(z->a, buf, (size_t)len);
    if (got < 0) {
        ex_seterr(z->err, z->errlen, "%s: %s", z->cur, archive_error_string(z->a));
        z->over = true;
        return -1;
    }
    if (!count_bytes(z, (size_t)got)) {
        return -1;
    }
    return (int)got;
}

static int
zip_xml_close(void *ctx)
{
    (void)ctx;
    return 0;
}

/* Before reading the current entry: refused when encrypted or announced larger than a part
** may be (a ZIP bomb stops here at once; one that lies about its size stops as it inflates). */
static enum wm_err
entry_check(struct zctx *z)
{
    if (z->cur_encrypted) {
        ex_seterr(z->err, z->errlen, "%s is encrypted", z->cur);
        return WM_E_BAD_REQUEST;
    }
    if (z->cur_size > (long long)WM_EXTRACT_MAX_PART) {
        ex_seterr(z->err, z->errlen, "%s is %lld MiB uncompressed, over %llu MiB: refused (a ZIP "
                  "bomb?)", z->cur, z->cur_size >> 20, WM_EXTRACT_MAX_PART >> 20);
        return WM_E_BAD_REQUEST;
    }
    return WM_OK;
}

/* Read the current entry whole into b (at most max bytes). */
static enum wm_err
read_entry(struct zctx *z, size_t max, struct wm_buf *b)
{
    char chunk[16384];
    enum wm_err e = entry_check(z);
    if (WM_OK != e) {
        return e;
    }
    for (;;) {
        la_ssize_t got = archive_read_data(z->a, chunk, sizeof chunk);
        if (got < 0) {
            ex_seterr(z->err, z->errlen, "%s: %s", z->cur, archive_error_string(z->a));
            return WM_E_BAD_REQUEST;
        }
        if (0 == got) {
            return WM_OK;
        }
        if (!count_bytes(z, (size_t)got)) {
            return WM_E_BAD_REQUEST;
        }
        if (b->len + (size_t)got > max) {
            ex_seterr(z->err, z->errlen, "%s is over %zu KiB", z->cur, max >> 10);
            return WM_E_BAD_REQUEST;
        }
        wm_buf_add(b, chunk, (size_t)got);
    }
}

/* Called for each regular entry of a pass; WM_OK goes on, *stop ends the pass early. */
typedef enum wm_err (*entry_fn)(struct zctx *z, const char *name, void *cls, bool *stop);

static enum wm_err
zip_pass(struct zctx *z, entry_fn fn, void *cls)
{
    struct archive *a = archive_read_new();
    archive_read_support_format_zip_seekable(a);
    enum wm_err e = WM_OK;
    z->a = a;
    if (ARCHIVE_OK != archive_read_open_filename(a, z->path, 65536)) {
        ex_seterr(z->err, z->errlen, "not a readable ZIP: %s", archive_error_string(a));
        e = WM_E_BAD_REQUEST;
        goto done;
    }
    size_t count = 0;
    bool stop = false;
    while (!stop) {
        struct archive_entry *ent;
        int r = archive_read_next_header(a, &ent);
        if (ARCHIVE_EOF == r) {
            break;
        }
        if (ARCHIVE_OK != r && ARCHIVE_WARN != r) {
            ex_seterr(z->err, z->errlen, "not a readable ZIP: %s", archive_error_string(a));
            e = WM_E_BAD_REQUEST;
            break;
        }
        if (++count > WM_EXTRACT_MAX_ENTRIES) {
            ex_seterr(z->err, z->errlen, "more than %u entries in the ZIP",
                      WM_EXTRACT_MAX_ENTRIES);
            e = WM_E_BAD_REQUEST;
            break;
        }
        if (AE_IFREG != archive_entry_filetype(ent)) {
            continue;
        }
        char *name = norm_name(archive_entry_pathname(ent));
        z->cur = name;
        z->part_bytes = 0;
        z->cur_size = archive_entry_size_is_set(ent) ? (long long)archive_entry_size(ent) : -1;
        z->cur_encrypted = archive_entry_is_encrypted(ent);
        e = fn(z, name, cls, &stop);
        z->cur = NULL;
        free(name);
        if (WM_OK != e) {
            break;
        }
    }
done:
    archive_read_free(a);
    z->a = NULL;
    return e;
}

/* ---------------------------------------------------------------- pass 1: names, control parts */

struct control {
    struct wm_buf mimetype;
    struct wm_buf ofd;
};

static enum wm_err
list_entry(struct zctx *z, const char *name, void *cls, bool *stop)
{
    (void)stop;
    struct control *c = cls;
    z->names = wm_realloc(z->names, (z->n + 1) * sizeof *z->names);
    z->names[z->n++] = wm_strdup(name);
    if (wm_streq(name, "mimetype") && 0 == c->mimetype.len) {
        return read_entry(z, 256, &c->mimetype);
    }
    if (0 == strcasecmp(name, "OFD.xml") && 0 == c->ofd.len) {
        return read_entry(z, EX_ZIP_MAX_CONTROL, &c->ofd);
    }
    return WM_OK;
}

/* ---------------------------------------------------------------- the parts with text */

struct part {
    char *name;
    long key; /* the document's order */
    const struct xml_rules *rules;
    struct ex_out text;
    bool seen;
};

struct parts {
    struct part *v;
    size_t n;
    struct ex_out *out;  /* the file's text: its cap bounds all parts together */
    size_t used;         /* text collected in parts so far */
};

static void
parts_add(struct parts *ps, const char *name, long key, const struct xml_rules *rules)
{
    ps->v = wm_realloc(ps->v, (ps->n + 1) * sizeof *ps->v);
    ps->v[ps->n++] = (struct part){.name = wm_strdup(name), .key = key, .rules = rules};
}

static void
parts_free(struct parts *ps)
{
    for (size_t i = 0; i < ps->n; i++) {
        free(ps->v[i].name);
        wm_buf_free(&ps->v[i].text.b);
    }
    free(ps->v);
}

/* Stream the current entry through the XML reader, collecting its text in p->text. */
static enum wm_err
xml_part(struct zctx *z, struct part *p)
{
    xmlTextReaderPtr r = xmlReaderForIO(zip_xml_read, zip_xml_close, z, NULL, NULL,
                                        EX_XML_OPTIONS);
    if (NULL == r) {
        if (!z->over) {
            ex_seterr(z->err, z->errlen, "%s: cannot start the XML reader", p->name);
        }
        return WM_E_BAD_REQUEST;
    }
    xmlTextReaderSetStructuredErrorHandler(r, xml_silent, NULL);
    const struct xml_rules *ru = p->rules;
    struct ex_out *o = &p->text;
    int in_text = 0;
    int skip_depth = -1;
    struct ofd_pos pos = {0};
    enum wm_err e = WM_OK;
    int ret = 0;
    while (!o->full && 1 == (ret = xmlTextReaderRead(r))) {
        int type = xmlTextReaderNodeType(r);
        int depth = xmlTextReaderDepth(r);
        if (skip_depth >= 0) {
            if (XML_READER_TYPE_END_ELEMENT == type && depth == skip_depth) {
                skip_depth = -1;
            }
            continue;
        }
        const xmlChar *name = xmlTextReaderConstLocalName(r);
        if (XML_READER_TYPE_ELEMENT == type) {
            bool empty = 1 == xmlTextReaderIsEmptyElement(r);
            if (in_set(ru->skip, name)) {
                if (!empty) {
                    skip_depth = depth;
                }
                continue;
            }
            if (ru->ofd && wm_streq((const char *)name, "TextObject")) {
                ofd_object(r, &pos);
            } else if (ru->ofd && wm_streq((const char *)name, "TextCode")) {
                ofd_code(r, &pos, o);
            }
            if (in_set(ru->brk, name)) {
                ex_add(o, "\n", 1);
            } else if (in_set(ru->tab, name)) {
                ex_add(o, "\t", 1);
            } else if (in_set(ru->space, name)) {
                ex_add(o, " ", 1);
            }
            if (!empty && in_set(ru->text, name)) {
                in_text++;
            }
            if (empty && in_set(ru->para, name)) {
                ex_nl(o);
            }
        } else if (XML_READER_TYPE_END_ELEMENT == type) {
            if (in_text > 0 && in_set(ru->text, name)) {
                in_text--;
            }
            if (in_set(ru->para, name)) {
                ex_nl(o);
            }
        } else if (in_text > 0
                   && (XML_READER_TYPE_TEXT == type || XML_READER_TYPE_CDATA == type
                       || XML_READER_TYPE_SIGNIFICANT_WHITESPACE == type)) {
            const xmlChar *v = xmlTextReaderConstValue(r);
            if (v) {
                ex_adds(o, (const char *)v);
            }
        }
    }
    if (!o->full && ret < 0) {
        if (!z->over) {
            ex_seterr(z->err, z->errlen, "%s: not well-formed XML", p->name);
        }
        e = WM_E_BAD_REQUEST;
    }
    xmlFreeTextReader(r);
    return e;
}

static enum wm_err
text_entry(struct zctx *z, const char *name, void *cls, bool *stop)
{
    struct parts *ps = cls;
    for (size_t i = 0; i < ps->n; i++) {
        struct part *p = &ps->v[i];
        if (p->seen || 0 != strcasecmp(p->name, name)) {
            continue;
        }
        p->seen = true;
        size_t cap = ps->out->cap;
        size_t have = ps->out->b.len + ps->used;
        if (have >= cap) {
            *stop = true; /* no room left for text */
            return WM_OK;
        }
        p->text.cap = cap - have;
        enum wm_err e = entry_check(z);
        if (WM_OK == e) {
            e = xml_part(z, p);
        }
        ps->used += p->text.b.len;
        if (WM_OK != e) {
            return e;
        }
        if (p->text.full) {
            *stop = true; /* the text is as long as it may be */
        }
        return WM_OK;
    }
    return WM_OK;
}

static int
part_cmp(const void *a, const void *b)
{
    const struct part *x = a;
    const struct part *y = b;
    return x->key < y->key ? -1 : x->key > y->key;
}

/* Read every part in one pass, then append their text to o in the document's order. */
static enum wm_err
read_parts(struct zctx *z, struct parts *ps, struct ex_out *o)
{
    ps->out = o;
    enum wm_err e = zip_pass(z, text_entry, ps);
    if (WM_OK != e) {
        return e;
    }
    qsort(ps->v, ps->n, sizeof *ps->v, part_cmp);
    for (size_t i = 0; i < ps->n && !o->full; i++) {
        struct ex_out *t = &ps->v[i].text;
        if (t->b.len) {
            ex_add(o, t->b.data, t->b.len);
            ex_nl(o);
        }
        if (t->full) {
            o->full = true;
        }
    }
    return WM_OK;
}

/* ---------------------------------------------------------------- the formats */

/* The number N in prefix N suffix (slide12.xml -> 12), or -1. */
static long
numbered(const char *name, const char *prefix, const char *suffix)
{
    if (!wm_startswith(name, prefix)) {
        return -1;
    }
    const char *s = name + strlen(prefix);
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (end == s || errno || v < 0 || v > 1000000 || !wm_streq(end, suffix)) {
        return -1;
    }
    return v;
}

static void
plan_docx(const struct zctx *z, struct parts *ps)
{
    parts_add(ps, "word/document.xml", 0, &rules_docx);
    for (size_t i = 0; i < z->n; i++) {
        long k;
        if ((k = numbered(z->names[i], "word/header", ".xml")) >= 0) {
            parts_add(ps, z->names[i], 1000000 + k, &rules_docx);
        } else if ((k = numbered(z->names[i], "word/footer", ".xml")) >= 0) {
            parts_add(ps, z->names[i], 2000000 + k, &rules_docx);
        } else if (wm_streq(z->names[i], "word/footnotes.xml")) {
            parts_add(ps, z->names[i], 3000000, &rules_docx);
        } else if (wm_streq(z->names[i], "word/endnotes.xml")) {
            parts_add(ps, z->names[i], 3000001, &rules_docx);
        }
    }
}

static void
plan_xlsx(const struct zctx *z, struct parts *ps)
{
    parts_add(ps, "xl/sharedStrings.xml", -1, &rules_sst);
    for (size_t i = 0; i < z->n; i++) {
        long k = numbered(z->names[i], "xl/worksheets/sheet", ".xml");
        if (k >= 0) {
            parts_add(ps, z->names[i], k, &rules_sheet);
        }
    }
}

static void
plan_pptx(const struct zctx *z, struct parts *ps)
{
    for (size_t i = 0; i < z->n; i++) {
        long k = numbered(z->names[i], "ppt/slides/slide", ".xml");
        if (k >= 0) {
            parts_add(ps, z->names[i], k, &rules_pptx);
        }
    }
}

/* The text of the first element named @a local in an XML document held in memory. */
static char *
xml_first_text(const struct wm_buf *b, const char *local)
{
    if (0 == b->len || b->len > INT_MAX) {
        return NULL;
    }
    xmlTextReaderPtr r = xmlReaderForMemory(b->data, (int)b->len, NULL, NULL, EX_XML_OPTIONS);
    if (NULL == r) {
        return NULL;
    }
    xmlTextReaderSetStructuredErrorHandler(r, xml_silent, NULL);
    char *out = NULL;
    while (NULL == out && 1 == xmlTextReaderRead(r)) {
        if (XML_READER_TYPE_ELEMENT == xmlTextReaderNodeType(r)
            && wm_streq((const char *)xmlTextReaderConstLocalName(r), local)) {
            xmlChar *s = xmlTextReaderReadString(r);
            if (s) {
                out = wm_strdup(wm_trim((char *)s));
                xmlFree(s);
            }
            break;
        }
    }
    xmlFreeTextReader(r);
    return out;
}

/*
** Resolve an OFD location: absolute ("/Doc_0/Pages/Page_0/Content.xml") from the package
** root, else relative to @a base_dir ("Doc_0"); "." and ".." segments resolved, ".." never
** above the root.  Caller frees.
*/
static char *
ofd_resolve(const char *base_dir, const char *loc)
{
    struct wm_buf joined = {0};
    char *l = norm_name(loc);
    bool absolute = loc && ('/' == loc[0] || '\\' == loc[0]);
    if (!absolute && base_dir && base_dir[0]) {
        wm_buf_printf(&joined, "%s/", base_dir);
    }
    wm_buf_adds(&joined, l);
    free(l);
    /* segment by segment */
    char *s = wm_buf_steal(&joined);
    char **seg = NULL;
    size_t nseg = 0;
    char *save = NULL;
    for (char *t = strtok_r(s, "/", &save); t; t = strtok_r(NULL, "/", &save)) {
        if (wm_streq(t, ".")) {
            continue;
        }
        if (wm_streq(t, "..")) {
            if (nseg) {
                nseg--;
            }
            continue;
        }
        seg = wm_realloc(seg, (nseg + 1) * sizeof *seg);
        seg[nseg++] = t;
    }
    struct wm_buf out = {0};
    for (size_t i = 0; i < nseg; i++) {
        wm_buf_printf(&out, "%s%s", i ? "/" : "", seg[i]);
    }
    free(seg);
    free(s);
    return wm_buf_steal(&out);
}

/* Pass 2 of an OFD: read the document root whole. */
struct docroot {
    const char *name;
    struct wm_buf xml;
    bool found;
};

static enum wm_err
docroot_entry(struct zctx *z, const char *name, void *cls, bool *stop)
{
    struct docroot *d = cls;
    if (d->found || 0 != strcasecmp(name, d->name)) {
        return WM_OK;
    }
    d->found = true;
    *stop = true;
    return read_entry(z, EX_ZIP_MAX_DOCROOT, &d->xml);
}

/* The pages of an OFD in the order its Document.xml gives (Pages/Page BaseLoc), else every
** Pages/Page_N/Content.xml in entry order. */
static enum wm_err
plan_ofd(struct zctx *z, const struct wm_buf *ofd_xml, struct parts *ps)
{
    char *root = xml_first_text(ofd_xml, "DocRoot");
    long key = 0;
    if (root && root[0]) {
        struct docroot d = {.name = NULL};
        char *root_path = ofd_resolve("", root);
        d.name = root_path;
        enum wm_err e = zip_pass(z, docroot_entry, &d);
        if (WM_OK != e) {
            wm_buf_free(&d.xml);
            free(root_path);
            free(root);
            return e;
        }
        char *dir = wm_strdup(root_path);
        char *slash = strrchr(dir, '/');
        if (slash) {
            *slash = '\0';
        } else {
            dir[0] = '\0';
        }
        if (d.xml.len > 0 && d.xml.len <= INT_MAX) {
            xmlTextReaderPtr r =
                xmlReaderForMemory(d.xml.data, (int)d.xml.len, NULL, NULL, EX_XML_OPTIONS);
            if (r) {
                xmlTextReaderSetStructuredErrorHandler(r, xml_silent, NULL);
                while (1 == xmlTextReaderRead(r) && ps->n < WM_EXTRACT_MAX_ENTRIES) {
                    if (XML_READER_TYPE_ELEMENT != xmlTextReaderNodeType(r)
                        || !wm_streq((const char *)xmlTextReaderConstLocalName(r), "Page")) {
                        continue;
                    }
                    xmlChar *loc = xmlTextReaderGetAttribute(r, (const xmlChar *)"BaseLoc");
                    if (loc) {
                        char *p = ofd_resolve(dir, (const char *)loc);
                        parts_add(ps, p, key++, &rules_ofd);
                        free(p);
                        xmlFree(loc);
                    }
                }
                xmlFreeTextReader(r);
            }
        }
        free(dir);
        free(root_path);
        wm_buf_free(&d.xml);
    }
    free(root);
    if (0 == ps->n) {
        for (size_t i = 0; i < z->n; i++) {
            const char *n = z->names[i];
            const char *pg = strstr(n, "Pages/Page_");
            if (pg && (pg == n || '/' == pg[-1]) && strlen(n) > 12
                && 0 == strcasecmp(n + strlen(n) - 12, "/Content.xml")) {
                parts_add(ps, n, key++, &rules_ofd);
            }
        }
    }
    return WM_OK;
}

/* True when the file starts as an OLE2 compound file (binary WPS/DOC): no text from it. */
static bool
is_ole2(const char *path)
{
    static const unsigned char magic[8] = {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1};
    unsigned char head[8];
    FILE *f = fopen(path, "rb");
    if (NULL == f) {
        return false;
    }
    bool ole = 1 == fread(head, sizeof head, 1, f) && 0 == memcmp(head, magic, sizeof magic);
    fclose(f);
    return ole;
}

static pthread_once_t xml_once = PTHREAD_ONCE_INIT;

static void
xml_start(void)
{
    xmlInitParser();
}

enum wm_err
ex_zip_file(const char *path, struct ex_out *o, char *err, size_t errlen)
{
    pthread_once(&xml_once, xml_start);
    if (is_ole2(path)) {
        ex_seterr(err, errlen, "an OLE2 (binary Office/WPS) file: no text extraction");
        return WM_E_UNSUPPORTED_MEDIA;
    }
    struct zctx z = {.path = path, .err = err, .errlen = errlen};
    struct control c = {{0}, {0}};
    struct parts ps = {0};
    enum wm_err e = zip_pass(&z, list_entry, &c);
    if (WM_OK != e) {
        goto done;
    }
    if (c.ofd.len || has_name(&z, "OFD.xml")) {
        e = plan_ofd(&z, &c.ofd, &ps);
        if (WM_OK != e) {
            goto done;
        }
        if (0 == ps.n) {
            ex_seterr(err, errlen, "an OFD without pages");
            e = WM_E_BAD_REQUEST;
            goto done;
        }
    } else if (c.mimetype.len) {
        if (!wm_startswith(wm_buf_str(&c.mimetype), "application/vnd.oasis.opendocument.")) {
            ex_seterr(err, errlen, "a ZIP of type %.64s: no text extraction",
                      wm_buf_str(&c.mimetype));
            e = WM_E_UNSUPPORTED_MEDIA;
            goto done;
        }
        if (!has_name(&z, "content.xml")) {
            ex_seterr(err, errlen, "an OpenDocument file without content.xml");
            e = WM_E_BAD_REQUEST;
            goto done;
        }
        parts_add(&ps, "content.xml", 0, &rules_odf);
    } else if (has_name(&z, "word/document.xml")) {
        plan_docx(&z, &ps);
    } else if (has_name(&z, "xl/workbook.xml")) {
        plan_xlsx(&z, &ps);
    } else if (has_name(&z, "ppt/presentation.xml")) {
        plan_pptx(&z, &ps);
    } else if (has_name(&z, "[Content_Types].xml")) {
        ex_seterr(err, errlen, "an Office Open XML package without a document, workbook or "
                               "presentation");
        e = WM_E_BAD_REQUEST;
        goto done;
    } else {
        ex_seterr(err, errlen, "a ZIP archive that is no OFD, Office or OpenDocument file");
        e = WM_E_UNSUPPORTED_MEDIA;
        goto done;
    }
    e = read_parts(&z, &ps, o);
done:
    parts_free(&ps);
    wm_buf_free(&c.mimetype);
    wm_buf_free(&c.ofd);
    for (size_t i = 0; i < z.n; i++) {
        free(z.names[i]);
    }
    free(z.names);
    return e;
}

/* end of zip.c */

/* ---------------------------------------------------------------- the probe (四性检测) */

/* Names of programs and scripts that have no place inside a document container. */
static bool
exec_name(const char *base)
{
    static const char *const exts[] = {".exe", ".dll", ".com", ".scr", ".bat", ".cmd", ".msi",
                                       ".ps1", ".vbs", ".vbe", ".js", ".jse", ".wsf", ".hta",
                                       ".sh", ".jar", ".elf", ".so", ".dylib", NULL};
    size_t n = strlen(base);
    for (int i = 0; exts[i]; i++) {
        size_t k = strlen(exts[i]);
        if (n > k && 0 == strcasecmp(base + n - k, exts[i])) {
            return true;
        }
    }
    return false;
}

static enum wm_err
probe_entry(struct zctx *z, const char *name, void *cls, bool *stop)
{
    (void)stop;
    struct ex_probe *p = cls;
    const char *slash = strrchr(name, '/');
    const char *base = slash ? slash + 1 : name;
    if (z->cur_encrypted) {
        ex_probe_risk(p, "encrypted", "压缩包条目 %.200s 已加密", name);
        return WM_OK;
    }
    if (0 == strcasecmp(base, "vbaProject.bin") || 0 == strcasecmp(base, "vbaProjectSignature.bin")) {
        ex_probe_risk(p, "macro", "含有 VBA 宏（%.200s）", name);
        return WM_OK;
    }
    if (wm_startswith(name, "Basic/") || wm_startswith(name, "Scripts/")) {
        ex_probe_risk(p, "macro", "含有宏或脚本（%.200s）", name);
        return WM_OK;
    }
    unsigned char head[4] = {0};
    la_ssize_t got = 0;
    if (WM_OK == entry_check(z)) {
        got = archive_read_data(z->a, head, sizeof head);
    }
    bool bin = got >= 2 && 'M' == head[0] && 'Z' == head[1];
    bool elf = got >= 4 && 0 == memcmp(head, "\x7f" "ELF", 4);
    bool macho = got >= 4 && (0 == memcmp(head, "\xcf\xfa\xed\xfe", 4)
                              || 0 == memcmp(head, "\xce\xfa\xed\xfe", 4)
                              || 0 == memcmp(head, "\xfe\xed\xfa\xcf", 4)
                              || 0 == memcmp(head, "\xfe\xed\xfa\xce", 4));
    bool script = got >= 2 && '#' == head[0] && '!' == head[1];
    if (bin || elf || macho || script || exec_name(base)) {
        ex_probe_risk(p, "executable", "压缩包内含可执行程序或脚本（%.200s）", name);
    }
    return WM_OK;
}

enum wm_err
ex_zip_probe(const char *path, struct ex_probe *p, char *err, size_t errlen)
{
    struct zctx z = {.path = path, .err = err, .errlen = errlen};
    return zip_pass(&z, probe_entry, p);
}
