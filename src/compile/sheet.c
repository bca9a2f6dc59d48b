/*
** sheet.c — the plain A4 sheets of issue 12's documents (wm_sheet.h): cairo's PDF surface
** and pango, like compose.c.  Runs in the `wenming-compile` helper only.
*/
/* clang-format off */
#include "wm_sheet.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <cairo-pdf.h>

#include "banned.h"
/* clang-format on */

#define BOTTOM  (WM_SHEET_PAGE_H - 72.0)
#define LABEL_W 88.0

const char *
wm_sheet_str(const json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "";
}

static PangoLayout *
layout(struct wm_sheet *s, const char *font, const char *text, double w, PangoAlignment align)
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

void
wm_sheet_next_page(struct wm_sheet *s)
{
    char num[32];
    snprintf(num, sizeof num, "第 %d 页", s->page);
    PangoLayout *lay = layout(s, WM_SHEET_SANS " 9", num, WM_SHEET_BODY_W, PANGO_ALIGN_CENTER);
    cairo_set_source_rgb(s->cr, 0.35, 0.35, 0.35);
    cairo_move_to(s->cr, WM_SHEET_MARGIN, WM_SHEET_PAGE_H - 44);
    pango_cairo_show_layout(s->cr, lay);
    cairo_set_source_rgb(s->cr, 0, 0, 0);
    g_object_unref(lay);
    cairo_show_page(s->cr);
    s->page++;
    s->y = WM_SHEET_MARGIN;
}

void
wm_sheet_flow(struct wm_sheet *s,
              const char *font,
              const char *text,
              double x,
              double w,
              PangoAlignment align)
{
    PangoLayout *lay = layout(s, font, text, w, align);
    PangoLayoutIter *it = pango_layout_get_iter(lay);
    do {
        PangoRectangle r;
        pango_layout_iter_get_line_extents(it, NULL, &r);
        double h = (double)r.height / PANGO_SCALE + 4;
        if (s->y + h > BOTTOM && s->y > WM_SHEET_MARGIN) {
            wm_sheet_next_page(s);
        }
        double base = (double)(pango_layout_iter_get_baseline(it) - r.y) / PANGO_SCALE;
        cairo_move_to(s->cr, x + (double)r.x / PANGO_SCALE, s->y + base);
        pango_cairo_show_layout_line(s->cr, pango_layout_iter_get_line_readonly(it));
        s->y += h;
    } while (pango_layout_iter_next_line(it));
    pango_layout_iter_free(it);
    g_object_unref(lay);
}

void
wm_sheet_field(struct wm_sheet *s, const char *label, const char *value)
{
    if ('\0' == *value) {
        return;
    }
    double y = s->y;
    wm_sheet_flow(s, WM_SHEET_SANS " Bold 11", label, WM_SHEET_MARGIN, LABEL_W, PANGO_ALIGN_LEFT);
    s->y = y;
    wm_sheet_flow(s, WM_SHEET_SERIF " 11", value, WM_SHEET_MARGIN + LABEL_W,
                  WM_SHEET_BODY_W - LABEL_W, PANGO_ALIGN_LEFT);
    s->y += 4;
}

void
wm_sheet_rule(struct wm_sheet *s)
{
    cairo_set_line_width(s->cr, 0.8);
    cairo_move_to(s->cr, WM_SHEET_MARGIN, s->y);
    cairo_line_to(s->cr, WM_SHEET_PAGE_W - WM_SHEET_MARGIN, s->y);
    cairo_stroke(s->cr);
}

/* A bold line across the body with space before and after it. */
static void
bold_line(struct wm_sheet *s, const char *font, const char *text, double before, double after)
{
    s->y += before;
    wm_sheet_flow(s, font, text, WM_SHEET_MARGIN, WM_SHEET_BODY_W, PANGO_ALIGN_LEFT);
    s->y += after;
}

void
wm_sheet_section(struct wm_sheet *s, const char *name)
{
    bold_line(s, WM_SHEET_SANS " Bold 12", name, 10, 6);
}

void
wm_sheet_subhead(struct wm_sheet *s, const char *text)
{
    bold_line(s, WM_SHEET_SANS " Bold 11", text, 4, 2);
}

void
wm_sheet_item(struct wm_sheet *s, double indent, const char *text)
{
    wm_sheet_flow(s, WM_SHEET_SERIF " 11", text, WM_SHEET_MARGIN + indent, WM_SHEET_BODY_W - indent,
                  PANGO_ALIGN_LEFT);
    s->y += 2;
}

void
wm_sheet_heading(struct wm_sheet *s, const char *name, const char *title)
{
    s->y = WM_SHEET_MARGIN;
    wm_sheet_flow(s, WM_SHEET_SERIF " Bold 22", name, WM_SHEET_MARGIN, WM_SHEET_BODY_W,
                  PANGO_ALIGN_CENTER);
    s->y += 6;
    wm_sheet_flow(s, WM_SHEET_SERIF " 15", title, WM_SHEET_MARGIN, WM_SHEET_BODY_W,
                  PANGO_ALIGN_CENTER);
    s->y += 18;
}

static cairo_status_t
write_file(void *cls, const unsigned char *data, unsigned int len)
{
    return 1 == fwrite(data, len, 1, cls) || 0 == len ? CAIRO_STATUS_SUCCESS
                                                      : CAIRO_STATUS_WRITE_ERROR;
}

enum wm_err
wm_sheet_pdf(const json_t *spec,
             const char *out_path,
             const char *title,
             const char *author,
             void (*draw)(struct wm_sheet *, const json_t *),
             int *pages,
             char *err,
             size_t errlen)
{
    FILE *fp = fopen(out_path, "wb");
    if (NULL == fp) {
        snprintf(err, errlen, "%s: %s", out_path, strerror(errno));
        return WM_E_INTERNAL;
    }
    cairo_surface_t *surf =
        cairo_pdf_surface_create_for_stream(write_file, fp, WM_SHEET_PAGE_W, WM_SHEET_PAGE_H);
    cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_TITLE, title);
    cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_AUTHOR, author);
    cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_CREATOR, "wenming");
    struct wm_sheet s = { .cr = cairo_create(surf), .page = 1 };
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

/* end of sheet.c */
