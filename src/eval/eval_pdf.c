/*
** eval_pdf.c — the PDF documents of an evaluation round (wm_eval_render.h): a unit's score
** sheet, the blank score sheet and the summary / ranking, set with pango in Noto Sans CJK
** SC on a cairo PDF surface, as src/compile/compose.c sets the 经验交流汇编.
**
** Each document is one paginated table: a page head (title, round, unit), the table's
** column heads repeated on every page, rows that move whole to the next page when they do
** not fit, and "第 N 页 共 M 页" at the foot.  Two passes: the first measures every row
** (with the PDF surface's own context, so the measures are the drawing's), which fixes the
** page breaks and the page count; the second draws.
*/
/* clang-format off */
#include "wm_eval_render.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo.h>
#include <cairo-pdf.h>
#include <glib.h>
#include <pango/pangocairo.h>

#include "banned.h"
/* clang-format on */

#define A4_W    595.28
#define A4_H    841.89
#define MARGIN  36.0
#define PAD     2.5
#define FOOT_H  22.0
#define SANS    "Noto Sans CJK SC"
#define MAXCOLS 48

enum {
    R_SPAN = 1,  /* cell 0 spans the whole row */
    R_BOLD = 2,  /* bold text */
    R_SHADE = 4, /* grey background */
    R_PLAIN = 8, /* no borders (signature lines) */
};

struct prow {
    char **cells; /* ncols (or 1 with R_SPAN) owned strings */
    unsigned flags;
    double h;
    int page; /* 1-based, set by the layout */
};

struct pdoc {
    double pw, ph, bw; /* page size, body width */
    const char *title;
    char *heads[3]; /* lines under the title (owned; NULL: none) */
    size_t ncols;
    const char *colhead[MAXCOLS]; /* borrowed or from colown */
    char *colown[MAXCOLS];
    double colw[MAXCOLS];
    PangoAlignment align[MAXCOLS];
    double fsize; /* table font size */
    size_t nrows, cap;
    struct prow *rows;
    /* layout */
    double head_h, thead_h;
    int npages;
    cairo_t *cr;
    PangoLayout *lay;
    char *font; /* the layout's font */
};

static void set_err(char *err, size_t errlen, const char *fmt, ...) WM_PRINTF(3, 4);

static void
set_err(char *err, size_t errlen, const char *fmt, ...)
{
    if (err == NULL || errlen == 0) {
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

static const char *
nz(const char *s)
{
    return s != NULL ? s : "";
}

/* ---------------------------------------------------------------- text */

/*
** Set (or only measure, when draw is false) text in the font at (x, y), width w, aligned,
** at most max_h high (cut with an ellipsis; 0: no limit).  Returns the height.  One
** layout serves the whole document (a layout per call costs a pango context each: the
** 2,000-unit ranking took four times as long); the font is parsed only when it changes.
*/
static double
text_at(struct pdoc *d,
        const char *font,
        const char *text,
        double x,
        double y,
        double w,
        PangoAlignment align,
        double max_h,
        bool draw)
{
    PangoLayout *lay = d->lay;
    if (d->font == NULL || strcmp(d->font, font) != 0) {
        PangoFontDescription *fd = pango_font_description_from_string(font);
        pango_layout_set_font_description(lay, fd);
        pango_font_description_free(fd);
        free(d->font);
        d->font = wm_strdup(font);
    }
    pango_layout_set_width(lay, (int)(w * PANGO_SCALE));
    pango_layout_set_alignment(lay, align);
    if (max_h > 0) {
        pango_layout_set_height(lay, (int)(max_h * PANGO_SCALE));
        pango_layout_set_ellipsize(lay, PANGO_ELLIPSIZE_END);
    } else {
        pango_layout_set_height(lay, -1);
        pango_layout_set_ellipsize(lay, PANGO_ELLIPSIZE_NONE);
    }
    pango_layout_set_text(lay, text, -1);
    int lw = 0, lh = 0;
    pango_layout_get_size(lay, &lw, &lh);
    if (draw) {
        cairo_move_to(d->cr, x, y);
        pango_cairo_show_layout(d->cr, lay);
    }
    return (double)lh / PANGO_SCALE;
}

static char *
font_of(const struct pdoc *d, bool bold, double size)
{
    char *f = wm_asprintf("%s%s %.1f", SANS, bold ? " Bold" : "", size > 0 ? size : d->fsize);
    /* pango wants a '.' decimal point whatever the locale; %.1f may give ','. */
    for (char *p = f; *p; p++) {
        if (*p == ',') {
            *p = '.';
        }
    }
    return f;
}

/* ---------------------------------------------------------------- the table model */

static void
doc_init(struct pdoc *d, bool landscape, const char *title)
{
    memset(d, 0, sizeof(*d));
    d->pw = landscape ? A4_H : A4_W;
    d->ph = landscape ? A4_W : A4_H;
    d->bw = d->pw - 2 * MARGIN;
    d->title = title;
    d->fsize = 8;
}

/* Add a column: head, share of the body width (the shares are normalised), alignment. */
static void
doc_col(struct pdoc *d, const char *head, char *own, double share, PangoAlignment a)
{
    if (d->ncols == MAXCOLS) {
        free(own);
        return;
    }
    d->colhead[d->ncols] = own != NULL ? own : head;
    d->colown[d->ncols] = own;
    d->colw[d->ncols] = share;
    d->align[d->ncols] = a;
    d->ncols++;
}

static void
doc_cols_done(struct pdoc *d)
{
    double sum = 0;
    for (size_t i = 0; i < d->ncols; i++) {
        sum += d->colw[i];
    }
    for (size_t i = 0; i < d->ncols; i++) {
        d->colw[i] = d->bw * d->colw[i] / (sum > 0 ? sum : 1);
    }
}

static struct prow *
doc_row(struct pdoc *d, unsigned flags)
{
    if (d->nrows == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 64;
        d->rows = wm_realloc(d->rows, d->cap * sizeof(*d->rows));
    }
    struct prow *r = &d->rows[d->nrows++];
    memset(r, 0, sizeof(*r));
    r->flags = flags;
    size_t n = (flags & R_SPAN) ? 1 : d->ncols;
    r->cells = wm_calloc(n, sizeof(*r->cells));
    for (size_t i = 0; i < n; i++) {
        r->cells[i] = wm_strdup("");
    }
    return r;
}

/* Set cell i of the row (takes ownership of s; NULL leaves it empty). */
static void
cell_own(struct prow *r, size_t i, char *s)
{
    if (s == NULL) {
        return;
    }
    free(r->cells[i]);
    r->cells[i] = s;
}

static void
cell(struct prow *r, size_t i, const char *s)
{
    cell_own(r, i, s != NULL ? wm_strdup(s) : NULL);
}

static void
cell_points(struct prow *r, size_t i, int64_t v)
{
    char b[32];
    cell(r, i, wm_eval_format_points(v, b));
}

static void
doc_free(struct pdoc *d)
{
    for (size_t i = 0; i < d->nrows; i++) {
        size_t n = (d->rows[i].flags & R_SPAN) ? 1 : d->ncols;
        for (size_t k = 0; k < n; k++) {
            free(d->rows[i].cells[k]);
        }
        free(d->rows[i].cells);
    }
    free(d->rows);
    for (size_t i = 0; i < d->ncols; i++) {
        free(d->colown[i]);
    }
    for (size_t i = 0; i < 3; i++) {
        free(d->heads[i]);
    }
}

/* ---------------------------------------------------------------- layout and drawing */

static double
page_head(struct pdoc *d, bool draw)
{
    double y = MARGIN;
    char *f = font_of(d, true, 14);
    y += text_at(d, f, nz(d->title), MARGIN, y, d->bw, PANGO_ALIGN_CENTER, 0, draw) + 4;
    free(f);
    f = font_of(d, false, 9.5);
    for (size_t i = 0; i < 3; i++) {
        if (d->heads[i] != NULL) {
            y += text_at(d, f, d->heads[i], MARGIN, y, d->bw, PANGO_ALIGN_LEFT, 0, draw) + 1;
        }
    }
    free(f);
    return y + 5 - MARGIN;
}

static double
cells_height(struct pdoc *d, const char *const *cells, size_t n, bool bold)
{
    char *f = font_of(d, bold, 0);
    double h = 0;
    for (size_t i = 0; i < n; i++) {
        double w = (n == 1 ? d->bw : d->colw[i]) - 2 * PAD;
        double t = text_at(d, f, cells[i], 0, 0, w, PANGO_ALIGN_LEFT, 0, false);
        if (t > h) {
            h = t;
        }
    }
    free(f);
    return h + 2 * PAD;
}

static void
draw_cells(struct pdoc *d, const char *const *cells, size_t n, unsigned flags, double y, double h)
{
    cairo_t *cr = d->cr;
    char *f = font_of(d, (flags & R_BOLD) != 0, 0);
    double x = MARGIN;
    if (flags & R_SHADE) {
        cairo_set_source_rgb(cr, 0.92, 0.92, 0.92);
        cairo_rectangle(cr, MARGIN, y, d->bw, h);
        cairo_fill(cr);
        cairo_set_source_rgb(cr, 0, 0, 0);
    }
    for (size_t i = 0; i < n; i++) {
        double w = n == 1 ? d->bw : d->colw[i];
        PangoAlignment a = n == 1 ? PANGO_ALIGN_LEFT : d->align[i];
        text_at(d, f, cells[i], x + PAD, y + PAD, w - 2 * PAD, a, h - 2 * PAD, true);
        if (!(flags & R_PLAIN)) {
            cairo_set_line_width(cr, 0.5);
            cairo_rectangle(cr, x, y, w, h);
            cairo_stroke(cr);
        }
        x += w;
    }
    free(f);
}

static void
page_foot(struct pdoc *d, int page)
{
    char num[64];
    snprintf(num, sizeof num, "第 %d 页 共 %d 页", page, d->npages);
    char *f = font_of(d, false, 8.5);
    cairo_set_source_rgb(d->cr, 0.3, 0.3, 0.3);
    text_at(d, f, num, MARGIN, d->ph - MARGIN - 10, d->bw, PANGO_ALIGN_CENTER, 0, true);
    cairo_set_source_rgb(d->cr, 0, 0, 0);
    free(f);
}

/* Pass 1: the height of every row and the page it is on. */
static void
doc_layout(struct pdoc *d)
{
    d->head_h = page_head(d, false);
    d->thead_h = cells_height(d, d->colhead, d->ncols, true);
    double top = MARGIN + d->head_h + d->thead_h;
    double bottom = d->ph - MARGIN - FOOT_H;
    double room = bottom - top;
    int page = 1;
    double y = top;
    for (size_t i = 0; i < d->nrows; i++) {
        struct prow *r = &d->rows[i];
        size_t n = (r->flags & R_SPAN) ? 1 : d->ncols;
        r->h = cells_height(d, (const char *const *)r->cells, n, (r->flags & R_BOLD) != 0);
        if (r->h > room) {
            r->h = room; /* cut with an ellipsis */
        }
        if (y + r->h > bottom && y > top) {
            page++;
            y = top;
        }
        r->page = page;
        y += r->h;
    }
    d->npages = page;
}

/* Pass 2. */
static void
doc_draw(struct pdoc *d)
{
    size_t i = 0;
    for (int page = 1; page <= d->npages; page++) {
        page_head(d, true);
        double y = MARGIN + d->head_h;
        draw_cells(d, d->colhead, d->ncols, R_BOLD | R_SHADE, y, d->thead_h);
        y += d->thead_h;
        for (; i < d->nrows && d->rows[i].page == page; i++) {
            struct prow *r = &d->rows[i];
            size_t n = (r->flags & R_SPAN) ? 1 : d->ncols;
            draw_cells(d, (const char *const *)r->cells, n, r->flags, y, r->h);
            y += r->h;
        }
        page_foot(d, page);
        cairo_show_page(d->cr);
    }
}

static cairo_status_t
write_buf(void *cls, const unsigned char *data, unsigned int len)
{
    wm_buf_add(cls, data, len);
    return CAIRO_STATUS_SUCCESS;
}

static enum wm_err
doc_render(struct pdoc *d,
           const char *author,
           struct wm_buf *out,
           int *pages,
           char *err,
           size_t errlen)
{
    struct wm_buf tmp = { 0 };
    cairo_surface_t *surf = cairo_pdf_surface_create_for_stream(write_buf, &tmp, d->pw, d->ph);
    cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_TITLE, nz(d->title));
    cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_AUTHOR, nz(author));
    cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_CREATOR, "wenming");
    d->cr = cairo_create(surf);
    d->lay = pango_cairo_create_layout(d->cr);
    pango_layout_set_wrap(d->lay, PANGO_WRAP_WORD_CHAR);
    doc_layout(d);
    doc_draw(d);
    g_object_unref(d->lay);
    d->lay = NULL;
    free(d->font);
    d->font = NULL;
    cairo_status_t st = cairo_status(d->cr);
    cairo_destroy(d->cr);
    d->cr = NULL;
    cairo_surface_finish(surf);
    if (st == CAIRO_STATUS_SUCCESS) {
        st = cairo_surface_status(surf);
    }
    cairo_surface_destroy(surf);
    if (st != CAIRO_STATUS_SUCCESS) {
        set_err(err, errlen, "PDF: %s", cairo_status_to_string(st));
        wm_buf_free(&tmp);
        return WM_E_INTERNAL;
    }
    wm_buf_add(out, tmp.data, tmp.len);
    wm_buf_free(&tmp);
    if (pages != NULL) {
        *pages = d->npages;
    }
    return WM_OK;
}

/* ---------------------------------------------------------------- the score sheet */

static char *
top_title(const struct wm_ind *t)
{
    char m[32];
    if (wm_ind_counts(t) && wm_ind_max(t) > 0) {
        return wm_asprintf("%s %s（%s 分）", t->code, t->title,
                           wm_eval_format_points(wm_ind_max(t), m));
    }
    return wm_asprintf("%s %s", t->code, t->title);
}

/* The value cell: "2.4（B 档）", "否决", or "". */
static char *
value_text(const struct wm_ind *leaf, const struct wm_eval_doc_leaf *l)
{
    char v[32];
    struct wm_buf b = { 0 };
    if (l->set) {
        wm_buf_adds(&b, wm_eval_format_points(l->value, v));
        if (l->grade != 0) {
            wm_buf_printf(&b, "（%c）", l->grade & ~0x20);
        }
    }
    if (l->veto) {
        wm_buf_adds(&b, b.len ? "\n否决" : "否决");
    }
    (void)leaf;
    wm_buf_adds(&b, "");
    return wm_buf_steal(&b);
}

/* Deductions, veto reason and comment. */
static char *
detail_text(const struct wm_eval_doc_leaf *l)
{
    char v[32];
    struct wm_buf b = { 0 };
    for (size_t k = 0; k < l->ndeductions && l->deductions != NULL; k++) {
        wm_buf_printf(&b, "%s%s（%s 分）", b.len ? "；" : "", nz(l->deductions[k].reason),
                      wm_eval_format_points(l->deductions[k].points, v));
    }
    if (l->veto) {
        wm_buf_printf(&b, "%s一票否决：%s", b.len ? "\n" : "", nz(l->veto_reason));
    }
    if (l->comment != NULL && l->comment[0] != '\0') {
        wm_buf_printf(&b, "%s评语：%s", b.len ? "\n" : "", l->comment);
    }
    wm_buf_adds(&b, "");
    return wm_buf_steal(&b);
}

static char *
max_text(const struct wm_ind *leaf)
{
    char v[32];
    if (!wm_eval_leaf_scorable(leaf)) {
        return wm_strdup("—");
    }
    int64_t cap = wm_eval_leaf_cap(leaf);
    if (cap == INT64_MAX) {
        return wm_strdup("不限");
    }
    return wm_strdup(wm_eval_format_points(cap, v));
}

static char *
rule_short(const struct wm_ind *leaf)
{
    const char *r = wm_eval_rule_label(leaf->scoring.rule);
    if (*r == '\0' && leaf->has_score) {
        r = "扣分";
    }
    return wm_asprintf("%s%s%s", r, *r && leaf->veto ? "\n" : "", leaf->veto ? "否决" : "");
}

static void
sheet_heads(struct pdoc *d, const struct wm_eval_doc_sheet *s, bool blank)
{
    d->heads[0] = wm_asprintf("测评：%s", s->round);
    if (s->unit != NULL) {
        d->heads[1] = s->unit_code != NULL
                          ? wm_asprintf("被测评单位：%s（%s）", s->unit, s->unit_code)
                          : wm_asprintf("被测评单位：%s", s->unit);
    } else {
        d->heads[1] = wm_strdup("被测评单位：");
    }
    if (blank) {
        d->heads[2] = wm_asprintf("测评标准：%s%s%s　　评分人：", nz(s->plan->fw->name),
                                  s->plan->fw->version ? " " : "", nz(s->plan->fw->version));
    } else if (s->evaluators != NULL || s->note != NULL) {
        d->heads[2] =
            wm_asprintf("评分人：%s%s%s", nz(s->evaluators), s->note ? "　　" : "", nz(s->note));
    }
}

static bool
sheet_ok(const struct wm_eval_doc_sheet *s, bool blank, char *err, size_t errlen)
{
    if (s == NULL || s->round == NULL || s->plan == NULL || (!blank && s->unit == NULL) ||
        (!blank && s->leaves == NULL && s->plan->nleaves > 0)) {
        set_err(err, errlen, "评分表缺少测评名称、单位或指标");
        return false;
    }
    return true;
}

enum wm_err
wm_eval_pdf_sheet(const struct wm_eval_doc_sheet *s,
                  struct wm_buf *out,
                  int *pages,
                  char *err,
                  size_t errlen)
{
    if (!sheet_ok(s, false, err, errlen)) {
        return WM_E_BAD_REQUEST;
    }
    const struct wm_eval_plan *p = s->plan;
    struct pdoc d;
    doc_init(&d, false, "测评评分表");
    sheet_heads(&d, s, false);
    doc_col(&d, "编码", NULL, 7, PANGO_ALIGN_LEFT);
    doc_col(&d, "指标", NULL, 20, PANGO_ALIGN_LEFT);
    doc_col(&d, "分值", NULL, 7, PANGO_ALIGN_RIGHT);
    doc_col(&d, "规则", NULL, 6, PANGO_ALIGN_CENTER);
    doc_col(&d, "得分", NULL, 11, PANGO_ALIGN_RIGHT);
    doc_col(&d, "测评方式", NULL, 11, PANGO_ALIGN_LEFT);
    doc_col(&d, "扣分明细、否决原因与评语", NULL, 38, PANGO_ALIGN_LEFT);
    doc_cols_done(&d);

    struct wm_eval_value *v = wm_calloc(p->nleaves ? p->nleaves : 1, sizeof(*v));
    size_t top = (size_t)-1;
    for (size_t i = 0; i < p->nleaves; i++) {
        const struct wm_ind *leaf = p->leaf[i];
        const struct wm_eval_doc_leaf *l = &s->leaves[i];
        v[i] = (struct wm_eval_value){ .set = l->set, .value = l->value, .veto = l->veto };
        if (p->top[i] != top && leaf->depth > 1) {
            top = p->top[i];
            cell_own(doc_row(&d, R_SPAN | R_BOLD | R_SHADE), 0, top_title(p->fw->top[top]));
        }
        struct prow *r = doc_row(&d, 0);
        cell(r, 0, leaf->code);
        cell(r, 1, leaf->title);
        cell_own(r, 2, max_text(leaf));
        cell_own(r, 3, rule_short(leaf));
        cell_own(r, 4, value_text(leaf, l));
        cell(r, 5, l->method);
        cell_own(r, 6, detail_text(l));
    }
    struct wm_eval_totals t;
    wm_eval_totals(p, v, &t);
    char a[32];
    for (size_t k = 0; k < p->ntop; k++) {
        const struct wm_ind *ti = p->fw->top[k];
        struct prow *r = doc_row(&d, 0);
        cell(r, 0, ti->code);
        cell_own(r, 1, wm_asprintf("小计：%s", ti->title));
        if (wm_ind_counts(ti) && wm_ind_max(ti) > 0) {
            cell_points(r, 2, wm_ind_max(ti));
        }
        cell_points(r, 4, t.subtotal[k]);
    }
    struct prow *r = doc_row(&d, R_BOLD);
    cell(r, 1, "基本分");
    cell_points(r, 2, p->fw->total);
    cell_points(r, 4, t.base);
    r = doc_row(&d, R_BOLD);
    cell(r, 1, "加分");
    cell_own(r, 4, wm_asprintf("+%s", wm_eval_format_points(t.bonus, a)));
    r = doc_row(&d, R_BOLD);
    cell(r, 1, "减分");
    cell_own(r, 4, wm_asprintf("-%s", wm_eval_format_points(t.negative, a)));
    r = doc_row(&d, R_BOLD | R_SHADE);
    cell(r, 1, "总分");
    cell_points(r, 4, t.total);
    if (t.unscored > 0) {
        cell_own(r, 6, wm_asprintf("有 %zu 项指标未评分", t.unscored));
    }
    r = doc_row(&d, R_BOLD);
    cell(r, 1, "一票否决");
    cell(r, 4, t.veto ? "是" : "否");
    if (t.veto) {
        struct wm_buf b = { 0 };
        for (size_t i = 0; i < p->nleaves; i++) {
            if (s->leaves[i].veto) {
                wm_buf_printf(&b, "%s%s：%s", b.len ? "；" : "", p->leaf[i]->code,
                              nz(s->leaves[i].veto_reason));
            }
        }
        wm_buf_adds(&b, "");
        cell_own(r, 6, wm_buf_steal(&b));
    }
    if (s->has_threshold) {
        r = doc_row(&d, R_BOLD);
        cell(r, 1, "测评结果");
        bool pass = !t.veto && t.total >= s->threshold;
        cell(r, 4, pass ? "合格" : "不合格");
        cell_own(r, 6,
                 wm_asprintf("合格分数线 %s 分%s", wm_eval_format_points(s->threshold, a),
                             t.veto ? "；一票否决" : ""));
    }
    cell(doc_row(&d, R_SPAN | R_PLAIN), 0,
         "\n评分人签名：　　　　　　　　　　　组长签名：　　　　　　　　　　　日期：");
    wm_eval_totals_free(&t);
    free(v);
    enum wm_err e = doc_render(&d, s->unit, out, pages, err, errlen);
    doc_free(&d);
    return e;
}

enum wm_err
wm_eval_pdf_blank(const struct wm_eval_doc_sheet *s,
                  struct wm_buf *out,
                  int *pages,
                  char *err,
                  size_t errlen)
{
    if (!sheet_ok(s, true, err, errlen)) {
        return WM_E_BAD_REQUEST;
    }
    const struct wm_eval_plan *p = s->plan;
    struct pdoc d;
    doc_init(&d, false, "测评评分表（空白）");
    sheet_heads(&d, s, true);
    doc_col(&d, "编码", NULL, 7, PANGO_ALIGN_LEFT);
    doc_col(&d, "指标与测评要求", NULL, 33, PANGO_ALIGN_LEFT);
    doc_col(&d, "评分规则", NULL, 23, PANGO_ALIGN_LEFT);
    doc_col(&d, "得分", NULL, 9, PANGO_ALIGN_LEFT);
    doc_col(&d, "测评方式", NULL, 11, PANGO_ALIGN_LEFT);
    doc_col(&d, "扣分原因与评语", NULL, 17, PANGO_ALIGN_LEFT);
    doc_cols_done(&d);
    size_t top = (size_t)-1;
    for (size_t i = 0; i < p->nleaves; i++) {
        const struct wm_ind *leaf = p->leaf[i];
        if (p->top[i] != top && leaf->depth > 1) {
            top = p->top[i];
            cell_own(doc_row(&d, R_SPAN | R_BOLD | R_SHADE), 0, top_title(p->fw->top[top]));
        }
        struct prow *r = doc_row(&d, 0);
        cell(r, 0, leaf->code);
        struct wm_buf b = { 0 };
        wm_buf_adds(&b, leaf->title);
        if (leaf->requirement != NULL && leaf->requirement[0] != '\0') {
            wm_buf_printf(&b, "\n%s", leaf->requirement);
        }
        if (leaf->materials != NULL && leaf->materials[0] != '\0') {
            wm_buf_printf(&b, "\n材料：%s", leaf->materials);
        }
        for (size_t k = 0; k < leaf->nmethods; k++) {
            wm_buf_printf(&b, "%s%s", k ? "、" : "\n测评方式：", nz(leaf->methods[k].label));
        }
        cell_own(r, 1, wm_buf_steal(&b));
        wm_eval_rule_words(leaf, &b);
        cell_own(r, 2, wm_buf_steal(&b));
        /* an empty box tall enough to write in */
        cell(r, 3, "\n\n");
    }
    struct prow *r = doc_row(&d, R_BOLD | R_SHADE);
    cell(r, 1, "总分");
    cell(doc_row(&d, R_SPAN | R_PLAIN), 0, "\n评分人签名：　　　　　　　　　　　日期：");
    enum wm_err e = doc_render(&d, s->unit, out, pages, err, errlen);
    doc_free(&d);
    return e;
}

/* ---------------------------------------------------------------- summary / ranking */

enum wm_err
wm_eval_pdf_summary(const struct wm_eval_doc_summary *s,
                    struct wm_buf *out,
                    int *pages,
                    char *err,
                    size_t errlen)
{
    if (s == NULL || s->round == NULL || s->plan == NULL || (s->nrows > 0 && s->rows == NULL)) {
        set_err(err, errlen, "汇总表缺少测评名称或指标");
        return WM_E_BAD_REQUEST;
    }
    const struct wm_eval_plan *p = s->plan;
    struct pdoc d;
    doc_init(&d, true, s->title != NULL ? s->title : "测评结果汇总表");
    d.heads[0] = wm_asprintf("测评：%s", s->round);
    char a[32];
    if (s->scope != NULL || s->has_threshold) {
        struct wm_buf h = { 0 };
        if (s->scope != NULL) {
            wm_buf_printf(&h, "范围：%s", s->scope);
        }
        if (s->has_threshold) {
            wm_buf_printf(&h, "%s合格分数线：%s 分", h.len ? "　　" : "",
                          wm_eval_format_points(s->threshold, a));
        }
        d.heads[1] = wm_buf_steal(&h);
    }
    d.heads[2] = wm_asprintf("共 %zu 个单位", s->nrows);
    size_t ntop = p->ntop > MAXCOLS - 8 ? MAXCOLS - 8 : p->ntop;
    doc_col(&d, "名次", NULL, 4, PANGO_ALIGN_CENTER);
    doc_col(&d, "单位", NULL, 18, PANGO_ALIGN_LEFT);
    doc_col(&d, "类型", NULL, 8, PANGO_ALIGN_LEFT);
    doc_col(&d, "区县", NULL, 8, PANGO_ALIGN_LEFT);
    for (size_t k = 0; k < ntop; k++) {
        doc_col(&d, NULL, wm_asprintf("%s %s", p->fw->top[k]->code, p->fw->top[k]->title),
                ntop > 6 ? 36.0 / (double)ntop : 6, PANGO_ALIGN_RIGHT);
    }
    doc_col(&d, "总分", NULL, 6, PANGO_ALIGN_RIGHT);
    doc_col(&d, "否决", NULL, 4, PANGO_ALIGN_CENTER);
    doc_col(&d, "结果", NULL, 6, PANGO_ALIGN_CENTER);
    doc_cols_done(&d);
    d.fsize = ntop > 8 ? 7.5 : 8.5;
    for (size_t i = 0; i < s->nrows; i++) {
        const struct wm_eval_doc_row *x = &s->rows[i];
        struct prow *r = doc_row(&d, 0);
        size_t c = 0;
        cell_own(r, c++, x->rank ? wm_asprintf("%u", x->rank) : wm_strdup("—"));
        cell(r, c++, x->unit);
        cell(r, c++, x->unit_type);
        cell(r, c++, x->district);
        for (size_t k = 0; k < ntop; k++, c++) {
            if (x->has_total && x->subtotal != NULL) {
                cell_points(r, c, x->subtotal[k]);
            }
        }
        if (x->has_total) {
            cell_points(r, c, x->total);
        }
        c++;
        cell(r, c++, x->veto ? "是" : "");
        cell(r, c++, !x->has_total ? "未评分" : x->pass ? "合格" : "不合格");
    }
    enum wm_err e = doc_render(&d, NULL, out, pages, err, errlen);
    doc_free(&d);
    return e;
}

/* ---------------------------------------------------------------- specs */

static const char *
jtext(const json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

/* An optional integer member: false when absent or null, else *v (refuses other types). */
static bool
jint(const json_t *o, const char *k, int64_t *v, bool *bad)
{
    const json_t *x = json_object_get(o, k);
    if (x == NULL || json_is_null(x)) {
        return false;
    }
    if (!json_is_integer(x)) {
        *bad = true;
        return false;
    }
    *v = (int64_t)json_integer_value(x);
    return true;
}

static enum wm_err
spec_sheet(const json_t *spec,
           const struct wm_eval_plan *p,
           bool blank,
           struct wm_buf *out,
           int *pages,
           char *err,
           size_t errlen)
{
    bool bad = false;
    struct wm_eval_doc_sheet d = {
        .round = jtext(spec, "round"),
        .unit = jtext(spec, "unit"),
        .unit_code = jtext(spec, "unit_code"),
        .evaluators = jtext(spec, "evaluators"),
        .note = jtext(spec, "note"),
        .plan = p,
    };
    d.has_threshold = jint(spec, "threshold", &d.threshold, &bad);
    struct wm_eval_doc_leaf *l = wm_calloc(p->nleaves ? p->nleaves : 1, sizeof(*l));
    struct wm_eval_deduction **ded = wm_calloc(p->nleaves ? p->nleaves : 1, sizeof(*ded));
    d.leaves = l;
    const json_t *leaves = json_object_get(spec, "leaves");
    enum wm_err e = WM_OK;
    size_t i;
    const json_t *x;
    if (leaves != NULL && !json_is_array(leaves)) {
        bad = true;
    }
    json_array_foreach(leaves, i, x)
    {
        ptrdiff_t k = wm_eval_plan_index(p, jtext(x, "code"));
        if (k < 0 || ded[k] != NULL || l[k].set || l[k].veto) {
            set_err(err, errlen, "spec: leaf %zu: unknown or repeated code", i);
            e = WM_E_BAD_REQUEST;
            goto done;
        }
        l[k].set = jint(x, "value", &l[k].value, &bad);
        const char *g = jtext(x, "grade");
        l[k].grade = g != NULL && strlen(g) == 1 ? g[0] : 0;
        l[k].veto = json_is_true(json_object_get(x, "veto"));
        l[k].veto_reason = jtext(x, "veto_reason");
        l[k].method = jtext(x, "method");
        l[k].comment = jtext(x, "comment");
        char why[WM_EVAL_WHY] = "";
        if (wm_eval_deductions_from_json(json_object_get(x, "deductions"), &ded[k],
                                         &l[k].ndeductions, why, sizeof(why)) != WM_OK) {
            set_err(err, errlen, "spec: leaf %s: %s", p->leaf[k]->code, why);
            e = WM_E_BAD_REQUEST;
            goto done;
        }
        l[k].deductions = ded[k];
    }
    if (bad) {
        set_err(err, errlen, "spec: a number or list is not one");
        e = WM_E_BAD_REQUEST;
        goto done;
    }
    e = blank ? wm_eval_pdf_blank(&d, out, pages, err, errlen)
              : wm_eval_pdf_sheet(&d, out, pages, err, errlen);
done:
    for (size_t k = 0; k < p->nleaves; k++) {
        free(ded[k]);
    }
    free(ded);
    free(l);
    return e;
}

static enum wm_err
spec_summary(const json_t *spec,
             const struct wm_eval_plan *p,
             struct wm_buf *out,
             int *pages,
             char *err,
             size_t errlen)
{
    bool bad = false;
    struct wm_eval_doc_summary d = {
        .round = jtext(spec, "round"),
        .title = jtext(spec, "title"),
        .scope = jtext(spec, "scope"),
        .plan = p,
    };
    d.has_threshold = jint(spec, "threshold", &d.threshold, &bad);
    const json_t *rows = json_object_get(spec, "rows");
    if (rows != NULL && !json_is_array(rows)) {
        bad = true;
    }
    size_t n = json_array_size(rows);
    struct wm_eval_doc_row *r = wm_calloc(n ? n : 1, sizeof(*r));
    int64_t *subs = wm_calloc(n * (p->ntop ? p->ntop : 1) + 1, sizeof(*subs));
    for (size_t i = 0; i < n; i++) {
        const json_t *x = json_array_get(rows, i);
        int64_t rank = 0;
        if (jint(x, "rank", &rank, &bad) && (rank < 0 || rank > UINT32_MAX)) {
            bad = true;
        }
        r[i].rank = (unsigned)rank;
        r[i].unit = jtext(x, "unit");
        r[i].unit_type = jtext(x, "unit_type");
        r[i].district = jtext(x, "district");
        r[i].has_total = jint(x, "total", &r[i].total, &bad);
        r[i].veto = json_is_true(json_object_get(x, "veto"));
        r[i].pass = json_is_true(json_object_get(x, "pass"));
        const json_t *s = json_object_get(x, "subtotals");
        if (s != NULL) {
            if (!json_is_array(s) || json_array_size(s) != p->ntop) {
                bad = true;
                continue;
            }
            int64_t *row = &subs[i * p->ntop];
            for (size_t k = 0; k < p->ntop; k++) {
                const json_t *v = json_array_get(s, k);
                bad |= !json_is_integer(v);
                row[k] = (int64_t)json_integer_value(v);
            }
            r[i].subtotal = row;
        }
    }
    d.nrows = n;
    d.rows = r;
    enum wm_err e;
    if (bad) {
        set_err(err, errlen, "spec: a number or list is not one");
        e = WM_E_BAD_REQUEST;
    } else {
        e = wm_eval_pdf_summary(&d, out, pages, err, errlen);
    }
    free(subs);
    free(r);
    return e;
}

enum wm_err
wm_eval_pdf_spec(const json_t *spec, struct wm_buf *out, int *pages, char *err, size_t errlen)
{
    const char *kind = jtext(spec, "kind");
    const json_t *std = json_object_get(spec, "standard");
    if (kind == NULL || !json_is_object(std)) {
        set_err(err, errlen, "spec: no kind or standard");
        return WM_E_BAD_REQUEST;
    }
    char *text = json_dumps(std, JSON_COMPACT);
    struct wm_fw *fw = NULL;
    enum wm_err e = text != NULL ? wm_fw_parse_json(text, strlen(text), &fw, NULL) : WM_E_INTERNAL;
    free(text);
    if (e != WM_OK) {
        set_err(err, errlen, "spec: the standard is not a valid wenming-framework/1 document");
        return WM_E_BAD_REQUEST;
    }
    struct wm_eval_plan *p = wm_eval_plan_new(fw);
    if (strcmp(kind, "eval.sheet") == 0 || strcmp(kind, "eval.blank") == 0) {
        e = spec_sheet(spec, p, kind[5] == 'b', out, pages, err, errlen);
    } else if (strcmp(kind, "eval.summary") == 0) {
        e = spec_summary(spec, p, out, pages, err, errlen);
    } else {
        set_err(err, errlen, "spec: unknown kind %s", kind);
        e = WM_E_BAD_REQUEST;
    }
    wm_eval_plan_free(p);
    wm_fw_free(fw);
    return e;
}

/* end of eval_pdf.c */
