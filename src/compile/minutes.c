/*
** minutes.c — the minutes of a meeting (会议纪要) as a PDF (wm_minutes.h): cairo's PDF
** surface and pango, like compose.c.  Runs in the `wenming-compile` helper only.  The
** minutes are laid out once and set line by line, a line that does not fit going to the
** next page.
*/
/* clang-format off */
#include "wm_minutes.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <cairo.h>
#include <cairo-pdf.h>
#include <pango/pangocairo.h>

#include "banned.h"
/* clang-format on */

#define PAGE_W 595.28 /* A4 */
#define PAGE_H 841.89
#define MARGIN 64.0
#define BODY_W (PAGE_W - 2 * MARGIN)
#define BOTTOM (PAGE_H - 72.0)
#define LABEL_W 88.0
#define SERIF "Noto Serif CJK SC"
#define SANS "Noto Sans CJK SC"

struct sheet {
    cairo_t *cr;
    int page; /* 1-based */
    double y; /* where the next line goes */
};

static const char *
jstr(const json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "";
}

static PangoLayout *
layout(struct sheet *s, const char *font, const char *text, double w, PangoAlignment align)
{
    PangoLayout *lay = pango_cairo_create_layout(s->cr);
    PangoFontDescription *fd = pango_font_description_from_string(font);
    pango_layout_set_font_description(lay, fd);
    pango_font_description_free(fd);
    pango_layout_set_width(lay, (int)(w * PANGO_SCALE));
    pango_layout_set_wrap(lay, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_alignment(lay, align);
    pango_layout_set_spacing(lay, 4 * PANGO_SCALE);
    pango_layout_set_text(lay, text, -1);
    return lay;
}

static void
next_page(struct sheet *s)
{
    char num[32];
    snprintf(num, sizeof num, "第 %d 页", s->page);
    PangoLayout *lay = layout(s, SANS " 9", num, BODY_W, PANGO_ALIGN_CENTER);
    cairo_set_source_rgb(s->cr, 0.35, 0.35, 0.35);
    cairo_move_to(s->cr, MARGIN, PAGE_H - 44);
    pango_cairo_show_layout(s->cr, lay);
    cairo_set_source_rgb(s->cr, 0, 0, 0);
    g_object_unref(lay);
    cairo_show_page(s->cr);
    s->page++;
    s->y = MARGIN;
}

/* Set text at x, width w, line by line from s->y, breaking pages where needed. */
static void
flow(struct sheet *s, const char *font, const char *text, double x, double w,
     PangoAlignment align)
{
    PangoLayout *lay = layout(s, font, text, w, align);
    PangoLayoutIter *it = pango_layout_get_iter(lay);
    do {
        PangoRectangle r;
        pango_layout_iter_get_line_extents(it, NULL, &r);
        double h = (double)r.height / PANGO_SCALE + 4;
        if (s->y + h > BOTTOM && s->y > MARGIN) {
            next_page(s);
        }
        double base = (double)(pango_layout_iter_get_baseline(it) - r.y) / PANGO_SCALE;
        cairo_move_to(s->cr, x + (double)r.x / PANGO_SCALE, s->y + base);
        pango_cairo_show_layout_line(s->cr, pango_layout_iter_get_line_readonly(it));
        s->y += h;
    } while (pango_layout_iter_next_line(it));
    pango_layout_iter_free(it);
    g_object_unref(lay);
}

/* A labelled field: "时间：" in bold, the value beside it. */
static void
field(struct sheet *s, const char *label, const char *value)
{
    if ('\0' == *value) {
        return;
    }
    double y = s->y;
    flow(s, SANS " Bold 11", label, MARGIN, LABEL_W, PANGO_ALIGN_LEFT);
    s->y = y;
    flow(s, SERIF " 11", value, MARGIN + LABEL_W, BODY_W - LABEL_W, PANGO_ALIGN_LEFT);
    s->y += 4;
}

static void
draw(struct sheet *s, const json_t *spec)
{
    s->y = MARGIN;
    flow(s, SERIF " Bold 22", "会议纪要", MARGIN, BODY_W, PANGO_ALIGN_CENTER);
    s->y += 6;
    flow(s, SERIF " 15", jstr(spec, "title"), MARGIN, BODY_W, PANGO_ALIGN_CENTER);
    s->y += 18;
    field(s, "单位：", jstr(spec, "unit"));
    field(s, "会议类型：", jstr(spec, "meeting_kind"));
    field(s, "时间：", jstr(spec, "date"));
    field(s, "地点：", jstr(spec, "place"));
    field(s, "参会人员：", jstr(spec, "attendees"));
    s->y += 6;
    cairo_set_line_width(s->cr, 0.8);
    cairo_move_to(s->cr, MARGIN, s->y);
    cairo_line_to(s->cr, PAGE_W - MARGIN, s->y);
    cairo_stroke(s->cr);
    s->y += 14;
    flow(s, SANS " Bold 12", "会议内容", MARGIN, BODY_W, PANGO_ALIGN_LEFT);
    s->y += 6;
    flow(s, SERIF " 12", jstr(spec, "minutes"), MARGIN, BODY_W, PANGO_ALIGN_LEFT);
    next_page(s);
}

static cairo_status_t
write_file(void *cls, const unsigned char *data, unsigned int len)
{
    return 1 == fwrite(data, len, 1, cls) || 0 == len ? CAIRO_STATUS_SUCCESS
                                                      : CAIRO_STATUS_WRITE_ERROR;
}

enum wm_err
wm_minutes_pdf(const json_t *spec, const char *out_path, int *pages, char *err, size_t errlen)
{
    if (!json_is_object(spec) || '\0' == *jstr(spec, "title") || '\0' == *jstr(spec, "minutes")) {
        snprintf(err, errlen, "not a minutes spec");
        return WM_E_BAD_REQUEST;
    }
    FILE *fp = fopen(out_path, "wb");
    if (NULL == fp) {
        snprintf(err, errlen, "%s: %s", out_path, strerror(errno));
        return WM_E_INTERNAL;
    }
    cairo_surface_t *surf = cairo_pdf_surface_create_for_stream(write_file, fp, PAGE_W, PAGE_H);
    cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_TITLE, jstr(spec, "title"));
    cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_AUTHOR, jstr(spec, "unit"));
    cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_CREATOR, "wenming");
    struct sheet s = {.cr = cairo_create(surf), .page = 1};
    draw(&s, spec);
    cairo_status_t st = cairo_status(s.cr);
    cairo_destroy(s.cr);
    cairo_surface_finish(surf);
    if (CAIRO_STATUS_SUCCESS == st) {
        st = cairo_surface_status(surf);
    }
    cairo_surface_destroy(surf);
    if (0 != fclose(fp) || CAIRO_STATUS_SUCCESS != st) {
        snprintf(err, errlen, "writing %s: %s", out_path,
                 CAIRO_STATUS_SUCCESS != st ? cairo_status_to_string(st) : strerror(errno));
        return WM_E_INTERNAL;
    }
    if (pages) {
        *pages = s.page - 1;
    }
    return WM_OK;
}

/* end of minutes.c */
