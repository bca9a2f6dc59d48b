/*
** compose.c — the 经验交流汇编 PDF (wm_compile.h): cairo's PDF surface, pango for the
** text, poppler for the documents' pages, libvips to read an image item.  Runs in the
** `wenming-compile` helper only.
**
** Two passes: the first opens every document to learn how many of its pages will be shown
** (so the table of contents knows where each item starts), the second draws.  Sizes are in
** PDF points on A4 paper.
*/
/* clang-format off */
#include "wm_compile.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo.h>
#include <cairo-pdf.h>
#include <glib.h>
#include <pango/pangocairo.h>
#include <poppler.h>
#include <vips/vips.h>

#include "banned.h"
/* clang-format on */

#define PAGE_W 595.28 /* A4 */
#define PAGE_H 841.89
#define MARGIN 64.0
#define BODY_W (PAGE_W - 2 * MARGIN)
#define SERIF "Noto Serif CJK SC"
#define SANS "Noto Sans CJK SC"
#define TOC_LINES 24    /* entries on one page of the table of contents */
#define TOC_LINE_H 26.0
#define PDF_MAX_PT 14400.0 /* PDF's own limit on a page side */

/* One item as laid out. */
struct item {
    const json_t *j;
    const char *kind; /* pdf, image, none */
    PopplerDocument *doc;
    int shown;        /* pages of the document shown */
    int first_page;   /* the page its metadata page is on (1-based) */
    const char *problem; /* why its document is not shown, or NULL */
};

struct composer {
    cairo_surface_t *surf;
    cairo_t *cr;
    int page; /* the page being drawn, 1-based */
};

static void WM_PRINTF(3, 4)
set_err(char *err, size_t errlen, const char *fmt, ...)
{
    if (NULL == err || 0 == errlen) {
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

static const char *
jstr(const json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "";
}

/* ---------------------------------------------------------------- text */

/*
** Set text in font (a pango description such as "Noto Serif CJK SC Bold 24") at (x, y),
** width w, aligned; at most max_h high (the rest is cut with an ellipsis; 0: no limit).
** The height it took.
*/
static double
text_at(struct composer *c, const char *font, const char *text, double x, double y, double w,
        PangoAlignment align, double max_h)
{
    PangoLayout *lay = pango_cairo_create_layout(c->cr);
    PangoFontDescription *fd = pango_font_description_from_string(font);
    pango_layout_set_font_description(lay, fd);
    pango_font_description_free(fd);
    pango_layout_set_width(lay, (int)(w * PANGO_SCALE));
    pango_layout_set_wrap(lay, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_alignment(lay, align);
    if (max_h > 0) {
        pango_layout_set_height(lay, (int)(max_h * PANGO_SCALE));
        pango_layout_set_ellipsize(lay, PANGO_ELLIPSIZE_END);
    }
    pango_layout_set_text(lay, text, -1);
    int lw = 0, lh = 0;
    pango_layout_get_size(lay, &lw, &lh);
    cairo_move_to(c->cr, x, y);
    pango_cairo_show_layout(c->cr, lay);
    g_object_unref(lay);
    return (double)lh / PANGO_SCALE;
}

/* The page number at the foot of every page but the cover. */
static void
footer(struct composer *c)
{
    if (c->page > 1) {
        char num[32];
        snprintf(num, sizeof num, "— %d —", c->page);
        cairo_set_source_rgb(c->cr, 0.35, 0.35, 0.35);
        text_at(c, SANS " 9", num, MARGIN, PAGE_H - 40, BODY_W, PANGO_ALIGN_CENTER, 0);
        cairo_set_source_rgb(c->cr, 0, 0, 0);
    }
}

static void
next_page(struct composer *c)
{
    footer(c);
    cairo_show_page(c->cr);
    c->page++;
}

/* ---------------------------------------------------------------- documents */

static PopplerDocument *
open_pdf(const char *path, const char **problem)
{
    GError *gerr = NULL;
    char *abs = realpath(path, NULL);
    char *uri = abs ? g_filename_to_uri(abs, NULL, &gerr) : NULL;
    PopplerDocument *d = uri ? poppler_document_new_from_file(uri, NULL, &gerr) : NULL;
    if (NULL == d) {
        *problem = abs ? "文件已损坏或已加密，无法显示其页面" : "文件内容缺失";
        wm_log(WM_LOG_WARN, "compile: %s: %s", path, gerr ? gerr->message : "cannot open");
    } else if (poppler_document_get_n_pages(d) < 1) {
        *problem = "文件没有页面";
        g_object_unref(d);
        d = NULL;
    }
    if (gerr) {
        g_error_free(gerr);
    }
    g_free(uri);
    free(abs);
    return d;
}

/* Draw page i of a PDF document scaled into the box (x, y, w, h), centred, framed. */
static void
draw_pdf_page(struct composer *c, PopplerDocument *d, int i, double x, double y, double w,
              double h)
{
    PopplerPage *p = poppler_document_get_page(d, i);
    if (NULL == p) {
        text_at(c, SANS " 11", "（此页无法读取）", x, y, w, PANGO_ALIGN_LEFT, 0);
        return;
    }
    double pw = 0, ph = 0;
    poppler_page_get_size(p, &pw, &ph);
    if (!isfinite(pw) || !isfinite(ph) || pw <= 0 || ph <= 0 || pw > PDF_MAX_PT ||
        ph > PDF_MAX_PT) {
        text_at(c, SANS " 11", "（此页尺寸异常，未显示）", x, y, w, PANGO_ALIGN_LEFT, 0);
        g_object_unref(p);
        return;
    }
    double s = fmin(w / pw, h / ph);
    double ox = x + (w - pw * s) / 2, oy = y + (h - ph * s) / 2;
    cairo_save(c->cr);
    cairo_rectangle(c->cr, ox, oy, pw * s, ph * s);
    cairo_set_source_rgb(c->cr, 1, 1, 1);
    cairo_fill_preserve(c->cr);
    cairo_clip(c->cr);
    cairo_translate(c->cr, ox, oy);
    cairo_scale(c->cr, s, s);
    poppler_page_render_for_printing(p, c->cr);
    cairo_restore(c->cr);
    cairo_rectangle(c->cr, ox, oy, pw * s, ph * s);
    cairo_set_source_rgb(c->cr, 0.6, 0.6, 0.6);
    cairo_set_line_width(c->cr, 0.5);
    cairo_stroke(c->cr);
    cairo_set_source_rgb(c->cr, 0, 0, 0);
    g_object_unref(p);
}

/* An image surface from a JPEG (the server's own rendition of an image item), or NULL. */
static cairo_surface_t *
load_image(const char *path)
{
    VipsImage *in = vips_image_new_from_file(path, "access", VIPS_ACCESS_SEQUENTIAL, NULL);
    VipsImage *rgb = NULL, *u8 = NULL;
    cairo_surface_t *s = NULL;
    if (NULL == in) {
        goto out;
    }
    if (vips_colourspace(in, &rgb, VIPS_INTERPRETATION_sRGB, NULL) ||
        vips_cast_uchar(rgb, &u8, NULL)) {
        goto out;
    }
    int w = vips_image_get_width(u8), h = vips_image_get_height(u8);
    int bands = vips_image_get_bands(u8);
    if (w <= 0 || h <= 0 || w > 8192 || h > 8192 || bands < 3) {
        goto out;
    }
    size_t len = 0;
    unsigned char *px = vips_image_write_to_memory(u8, &len);
    if (NULL == px || len < (size_t)w * (size_t)h * (size_t)bands) {
        g_free(px);
        goto out;
    }
    s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
    if (CAIRO_STATUS_SUCCESS != cairo_surface_status(s)) {
        cairo_surface_destroy(s);
        s = NULL;
        g_free(px);
        goto out;
    }
    cairo_surface_flush(s);
    unsigned char *data = cairo_image_surface_get_data(s);
    int stride = cairo_image_surface_get_stride(s);
    for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
            const unsigned char *p = px + ((size_t)y * (size_t)w + (size_t)x) * (size_t)bands;
            uint32_t v = (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
            memcpy(data + (size_t)y * (size_t)stride + (size_t)x * 4, &v, 4);
        }
    }
    cairo_surface_mark_dirty(s);
    g_free(px);
out:
    if (u8) {
        g_object_unref(u8);
    }
    if (rgb) {
        g_object_unref(rgb);
    }
    if (in) {
        g_object_unref(in);
    }
    return s;
}

static void
draw_image(struct composer *c, cairo_surface_t *img, double x, double y, double w, double h)
{
    double iw = cairo_image_surface_get_width(img), ih = cairo_image_surface_get_height(img);
    double s = fmin(fmin(w / iw, h / ih), 1.0); /* a small image is not blown up */
    double ox = x + (w - iw * s) / 2, oy = y + (h - ih * s) / 2;
    cairo_save(c->cr);
    cairo_translate(c->cr, ox, oy);
    cairo_scale(c->cr, s, s);
    cairo_set_source_surface(c->cr, img, 0, 0);
    cairo_paint(c->cr);
    cairo_restore(c->cr);
}

/* ---------------------------------------------------------------- the parts */

static void
cover(struct composer *c, const json_t *spec)
{
    cairo_set_source_rgb(c->cr, 0.7, 0.1, 0.1);
    cairo_rectangle(c->cr, MARGIN, 200, BODY_W, 3);
    cairo_fill(c->cr);
    cairo_set_source_rgb(c->cr, 0, 0, 0);
    double h = text_at(c, SERIF " Bold 28", jstr(spec, "title"), MARGIN, 240, BODY_W,
                       PANGO_ALIGN_CENTER, 200);
    text_at(c, SANS " 16", jstr(spec, "office"), MARGIN, 280 + h + 180, BODY_W,
            PANGO_ALIGN_CENTER, 60);
    text_at(c, SANS " 14", jstr(spec, "date"), MARGIN, 280 + h + 220, BODY_W,
            PANGO_ALIGN_CENTER, 40);
    next_page(c);
}

static void
contents(struct composer *c, struct item *items, size_t n, int toc_pages)
{
    size_t k = 0;
    for (int p = 0; p < toc_pages; p++) {
        double y = MARGIN;
        if (0 == p) {
            y += text_at(c, SERIF " Bold 20", "目　录", MARGIN, y, BODY_W, PANGO_ALIGN_CENTER, 0);
            y += 24;
        }
        for (int line = 0; line < TOC_LINES && k < n; line++, k++) {
            char *entry = wm_asprintf("%zu. %s（%s）", k + 1, jstr(items[k].j, "title"),
                                      jstr(items[k].j, "unit"));
            char num[16];
            snprintf(num, sizeof num, "%d", items[k].first_page);
            text_at(c, SERIF " 12", entry, MARGIN, y, BODY_W - 60, PANGO_ALIGN_LEFT, 18);
            text_at(c, SERIF " 12", num, PAGE_W - MARGIN - 50, y, 50, PANGO_ALIGN_RIGHT, 18);
            cairo_set_source_rgb(c->cr, 0.75, 0.75, 0.75);
            cairo_set_line_width(c->cr, 0.4);
            cairo_move_to(c->cr, MARGIN, y + TOC_LINE_H - 4);
            cairo_line_to(c->cr, PAGE_W - MARGIN, y + TOC_LINE_H - 4);
            cairo_stroke(c->cr);
            cairo_set_source_rgb(c->cr, 0, 0, 0);
            free(entry);
            y += TOC_LINE_H;
        }
        next_page(c);
    }
}

/* "标签：值" rows of an item's metadata page; the height used. */
static double
field(struct composer *c, const char *label, const char *value, double y)
{
    if (NULL == value || 0 == *value) {
        return 0;
    }
    text_at(c, SANS " Bold 11", label, MARGIN, y, 80, PANGO_ALIGN_LEFT, 0);
    double h = text_at(c, SANS " 11", value, MARGIN + 84, y, BODY_W - 84, PANGO_ALIGN_LEFT, 80);
    return fmax(h, 16) + 8;
}

static void
item_pages(struct composer *c, const struct item *it, size_t index)
{
    const json_t *j = it->j;
    double y = MARGIN;
    char *head = wm_asprintf("%zu. %s", index + 1, jstr(j, "title"));
    y += text_at(c, SERIF " Bold 18", head, MARGIN, y, BODY_W, PANGO_ALIGN_LEFT, 120) + 16;
    free(head);
    y += field(c, "单位", jstr(j, "unit"), y);
    y += field(c, "测评指标", jstr(j, "indicator"), y);
    y += field(c, "类别", jstr(j, "category"), y);
    y += field(c, "形成日期", jstr(j, "date_formed"), y);
    y += 8;
    cairo_set_source_rgb(c->cr, 0.7, 0.1, 0.1);
    cairo_rectangle(c->cr, MARGIN, y, BODY_W, 1.5);
    cairo_fill(c->cr);
    cairo_set_source_rgb(c->cr, 0, 0, 0);
    y += 14;
    y += text_at(c, SANS " Bold 12", "推荐说明", MARGIN, y, BODY_W, PANGO_ALIGN_LEFT, 0) + 6;
    y += text_at(c, SERIF " 12", jstr(j, "note"), MARGIN, y, BODY_W, PANGO_ALIGN_LEFT,
                 PAGE_H - 80 - y) + 12;
    if (it->problem) {
        cairo_set_source_rgb(c->cr, 0.45, 0.45, 0.45);
        text_at(c, SANS " 10", it->problem, MARGIN, fmin(y, PAGE_H - 100), BODY_W,
                PANGO_ALIGN_LEFT, 0);
        cairo_set_source_rgb(c->cr, 0, 0, 0);
    }
    next_page(c);
    const double top = MARGIN + 22, box_h = PAGE_H - top - 70;
    for (int p = 0; p < it->shown; p++) {
        char *cap = wm_asprintf("%s · 第 %d 页", jstr(j, "title"), p + 1);
        cairo_set_source_rgb(c->cr, 0.35, 0.35, 0.35);
        text_at(c, SANS " 9", cap, MARGIN, MARGIN - 4, BODY_W, PANGO_ALIGN_LEFT, 14);
        cairo_set_source_rgb(c->cr, 0, 0, 0);
        free(cap);
        if (it->doc) {
            draw_pdf_page(c, it->doc, p, MARGIN, top, BODY_W, box_h);
        } else {
            cairo_surface_t *img = load_image(jstr(j, "file"));
            if (img) {
                draw_image(c, img, MARGIN, top, BODY_W, box_h);
                cairo_surface_destroy(img);
            } else {
                text_at(c, SANS " 11", "（图片无法读取）", MARGIN, top, BODY_W, PANGO_ALIGN_LEFT,
                        0);
            }
        }
        next_page(c);
    }
}

/* ---------------------------------------------------------------- the whole */

static cairo_status_t
write_file(void *cls, const unsigned char *data, unsigned int len)
{
    return 1 == fwrite(data, len, 1, cls) || 0 == len ? CAIRO_STATUS_SUCCESS
                                                      : CAIRO_STATUS_WRITE_ERROR;
}

enum wm_err
wm_compile_pdf(const json_t *spec, const char *out_path, int *pages, char *err, size_t errlen)
{
    const json_t *list = json_object_get(spec, "items");
    size_t n = json_array_size(list);
    if (!json_is_object(spec) || !json_is_array(list) || n > WM_COMPILE_ITEMS_MAX) {
        set_err(err, errlen, "not a compilation spec");
        return WM_E_BAD_REQUEST;
    }
    if (VIPS_INIT("wenming-compile")) {
        set_err(err, errlen, "vips_init failed");
        return WM_E_INTERNAL;
    }
    vips_cache_set_max(0);
    vips_block_untrusted_set(TRUE);
    vips_concurrency_set(1);
    struct item *items = wm_calloc(n ? n : 1, sizeof *items);
    int toc_pages = n ? (int)((n + TOC_LINES - 1) / TOC_LINES) : 1;
    int next = 2 + toc_pages; /* the cover, the contents, then the items */
    for (size_t i = 0; i < n; i++) {
        struct item *it = &items[i];
        it->j = json_array_get(list, i);
        it->kind = jstr(it->j, "kind");
        const char *file = jstr(it->j, "file");
        if (wm_streq(it->kind, "pdf") && *file) {
            it->doc = open_pdf(file, &it->problem);
            int np = it->doc ? poppler_document_get_n_pages(it->doc) : 0;
            it->shown = np < WM_COMPILE_DOC_PAGES ? np : WM_COMPILE_DOC_PAGES;
        } else if (wm_streq(it->kind, "image") && *file) {
            it->shown = 1;
        } else if (!wm_streq(it->kind, "none")) {
            it->problem = "文件内容缺失";
        }
        it->first_page = next;
        next += 1 + it->shown;
    }
    enum wm_err e = WM_OK;
    FILE *fp = fopen(out_path, "wb");
    if (NULL == fp) {
        set_err(err, errlen, "%s: %s", out_path, strerror(errno));
        e = WM_E_INTERNAL;
        goto done;
    }
    struct composer c = {.page = 1};
    c.surf = cairo_pdf_surface_create_for_stream(write_file, fp, PAGE_W, PAGE_H);
    cairo_pdf_surface_set_metadata(c.surf, CAIRO_PDF_METADATA_TITLE, jstr(spec, "title"));
    cairo_pdf_surface_set_metadata(c.surf, CAIRO_PDF_METADATA_AUTHOR, jstr(spec, "office"));
    cairo_pdf_surface_set_metadata(c.surf, CAIRO_PDF_METADATA_CREATOR, "wenming");
    c.cr = cairo_create(c.surf);
    cover(&c, spec);
    contents(&c, items, n, toc_pages);
    for (size_t i = 0; i < n; i++) {
        item_pages(&c, &items[i], i);
    }
    cairo_status_t st = cairo_status(c.cr);
    cairo_destroy(c.cr);
    cairo_surface_finish(c.surf);
    if (CAIRO_STATUS_SUCCESS == st) {
        st = cairo_surface_status(c.surf);
    }
    cairo_surface_destroy(c.surf);
    if (0 != fclose(fp) || CAIRO_STATUS_SUCCESS != st) {
        set_err(err, errlen, "writing %s: %s", out_path,
                CAIRO_STATUS_SUCCESS != st ? cairo_status_to_string(st) : strerror(errno));
        e = WM_E_INTERNAL;
        goto done;
    }
    if (pages) {
        *pages = c.page - 1;
    }
done:
    for (size_t i = 0; i < n; i++) {
        if (items[i].doc) {
            g_object_unref(items[i].doc);
        }
    }
    free(items);
    return e;
}

/* end of compose.c */
