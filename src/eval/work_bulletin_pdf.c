/*
** work_bulletin_pdf.c — the weekly bulletin (一周一通报, issue 12) as a PDF, rendered in the
** `wenming-compile` helper from the spec the job "work.bulletin" writes (src/core/
** work_inspect.c): {"kind": "work.bulletin", "title", "unit", "from", "to", "inspections":
** [{held_on, inspector, note, checks: [{area, category, dept, result, note}]}], "findings":
** [{held_on, dept, area, note}], "depts": [{dept, checks, pass, fix}]}.
**
** The layout is a flow of paragraphs on A4 portrait, set with pango in Noto Sans CJK SC on a
** cairo PDF surface as eval_pdf.c sets the score sheets: the title, the unit and the week,
** the counts per department, the findings (需整改) with department and note, then each
** inspection with each area's result.  A paragraph moves whole to the next page when it does
** not fit; every page carries "第 N 页" at its foot.
*/
/* clang-format off */
#include "wm_work_pdf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo.h>
#include <cairo-pdf.h>
#include <glib.h>
#include <pango/pangocairo.h>

#include "banned.h"
/* clang-format on */

#define A4_W   595.28
#define A4_H   841.89
#define MARGIN 50.0
#define FOOT_H 24.0
#define SANS   "Noto Sans CJK SC"

struct flow {
    cairo_t *cr;
    PangoLayout *lay;
    double y;
    int page;
};

static const char *
jt(const json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "";
}

static void
foot(struct flow *w)
{
    char num[32];
    snprintf(num, sizeof num, "第 %d 页", w->page);
    PangoFontDescription *fd = pango_font_description_from_string(SANS " 8.5");
    pango_layout_set_font_description(w->lay, fd);
    pango_font_description_free(fd);
    pango_layout_set_alignment(w->lay, PANGO_ALIGN_CENTER);
    pango_layout_set_text(w->lay, num, -1);
    cairo_move_to(w->cr, MARGIN, A4_H - MARGIN);
    pango_cairo_show_layout(w->cr, w->lay);
}

/* Set one paragraph in font (e.g. SANS " Bold 14") with indent, moving to a new page when
** it does not fit; space after it. */
static void
para(struct flow *w, const char *font, const char *text, double indent, double after,
     PangoAlignment align)
{
    PangoFontDescription *fd = pango_font_description_from_string(font);
    pango_layout_set_font_description(w->lay, fd);
    pango_font_description_free(fd);
    pango_layout_set_width(w->lay, (int)((A4_W - 2 * MARGIN - indent) * PANGO_SCALE));
    pango_layout_set_alignment(w->lay, align);
    pango_layout_set_text(w->lay, text, -1);
    int lw = 0, lh = 0;
    pango_layout_get_size(w->lay, &lw, &lh);
    double h = (double)lh / PANGO_SCALE;
    if (w->y + h > A4_H - MARGIN - FOOT_H && w->y > MARGIN) {
        foot(w);
        cairo_show_page(w->cr);
        w->page++;
        w->y = MARGIN;
        fd = pango_font_description_from_string(font);
        pango_layout_set_font_description(w->lay, fd);
        pango_font_description_free(fd);
        pango_layout_set_alignment(w->lay, align);
        pango_layout_set_text(w->lay, text, -1);
    }
    cairo_move_to(w->cr, MARGIN + indent, w->y);
    pango_cairo_show_layout(w->cr, w->lay);
    w->y += h + after;
}

static void
heading(struct flow *w, const char *text)
{
    w->y += 6;
    para(w, SANS " Bold 12", text, 0, 4, PANGO_ALIGN_LEFT);
}

static void
dept_counts(struct flow *w, const json_t *spec)
{
    heading(w, "一、各部门检查情况");
    size_t i;
    json_t *d;
    json_array_foreach(json_object_get(spec, "depts"), i, d)
    {
        char *s = wm_asprintf("%s：检查 %lld 处次，合格 %lld，需整改 %lld", jt(d, "dept"),
                              (long long)json_integer_value(json_object_get(d, "checks")),
                              (long long)json_integer_value(json_object_get(d, "pass")),
                              (long long)json_integer_value(json_object_get(d, "fix")));
        para(w, SANS " 10", s, 14, 2, PANGO_ALIGN_LEFT);
        free(s);
    }
    if (0 == json_array_size(json_object_get(spec, "depts"))) {
        para(w, SANS " 10", "本周没有检查记录。", 14, 2, PANGO_ALIGN_LEFT);
    }
}

static void
findings(struct flow *w, const json_t *spec)
{
    heading(w, "二、发现的问题（需整改）");
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(spec, "findings"), i, x)
    {
        char *s = wm_asprintf("%zu. %s　%s　%s：%s", i + 1, jt(x, "held_on"), jt(x, "dept"),
                              jt(x, "area"), *jt(x, "note") ? jt(x, "note") : "需整改");
        para(w, SANS " 10", s, 14, 2, PANGO_ALIGN_LEFT);
        free(s);
    }
    if (0 == json_array_size(json_object_get(spec, "findings"))) {
        para(w, SANS " 10", "本周检查的责任区均合格。", 14, 2, PANGO_ALIGN_LEFT);
    }
}

static void
inspections(struct flow *w, const json_t *spec)
{
    heading(w, "三、检查记录");
    size_t i, k;
    json_t *x, *c;
    json_array_foreach(json_object_get(spec, "inspections"), i, x)
    {
        char *s = wm_asprintf("%zu. %s　检查人：%s%s%s", i + 1, jt(x, "held_on"),
                              jt(x, "inspector"), *jt(x, "note") ? "　备注：" : "", jt(x, "note"));
        para(w, SANS " Bold 10", s, 14, 2, PANGO_ALIGN_LEFT);
        free(s);
        json_array_foreach(json_object_get(x, "checks"), k, c)
        {
            char *t = wm_asprintf("%s（%s%s%s）：%s%s%s", jt(c, "area"), jt(c, "dept"),
                                  *jt(c, "category") ? "，" : "", jt(c, "category"),
                                  jt(c, "result"), *jt(c, "note") ? "——" : "", jt(c, "note"));
            para(w, SANS " 10", t, 28, 1, PANGO_ALIGN_LEFT);
            free(t);
        }
    }
}

static cairo_status_t
write_buf(void *cls, const unsigned char *data, unsigned int len)
{
    wm_buf_add(cls, data, len);
    return CAIRO_STATUS_SUCCESS;
}

static void
body(struct flow *w, const json_t *spec)
{
    para(w, SANS " Bold 16", jt(spec, "title"), 0, 6, PANGO_ALIGN_CENTER);
    char *sub = wm_asprintf("单位：%s　　本周：%s 至 %s", jt(spec, "unit"), jt(spec, "from"),
                            jt(spec, "to"));
    para(w, SANS " 10", sub, 0, 8, PANGO_ALIGN_CENTER);
    free(sub);
    dept_counts(w, spec);
    findings(w, spec);
    inspections(w, spec);
    foot(w);
    cairo_show_page(w->cr);
}

enum wm_err
wm_work_bulletin_pdf(const json_t *spec, struct wm_buf *out, int *pages, char *err, size_t errlen)
{
    if (!json_is_string(json_object_get(spec, "title")) ||
        !json_is_array(json_object_get(spec, "inspections"))) {
        snprintf(err, errlen, "spec: a bulletin needs a title and inspections");
        return WM_E_BAD_REQUEST;
    }
    struct wm_buf tmp = {0};
    cairo_surface_t *surf = cairo_pdf_surface_create_for_stream(write_buf, &tmp, A4_W, A4_H);
    cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_TITLE, jt(spec, "title"));
    cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_AUTHOR, jt(spec, "unit"));
    cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_CREATOR, "wenming");
    struct flow w = {.cr = cairo_create(surf), .y = MARGIN, .page = 1};
    w.lay = pango_cairo_create_layout(w.cr);
    pango_layout_set_wrap(w.lay, PANGO_WRAP_WORD_CHAR);
    body(&w, spec);
    g_object_unref(w.lay);
    cairo_status_t st = cairo_status(w.cr);
    cairo_destroy(w.cr);
    cairo_surface_finish(surf);
    if (CAIRO_STATUS_SUCCESS == st) {
        st = cairo_surface_status(surf);
    }
    cairo_surface_destroy(surf);
    if (CAIRO_STATUS_SUCCESS != st) {
        snprintf(err, errlen, "PDF: %s", cairo_status_to_string(st));
        wm_buf_free(&tmp);
        return WM_E_INTERNAL;
    }
    wm_buf_add(out, tmp.data, tmp.len);
    wm_buf_free(&tmp);
    if (pages) {
        *pages = w.page;
    }
    return WM_OK;
}

/* end of work_bulletin_pdf.c */
