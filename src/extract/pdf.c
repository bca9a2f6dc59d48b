/*
** pdf.c — the text of a PDF, page by page (poppler): the text layer where a page has one;
** a page without (a scan, or text drawn as outlines), or with only a few characters over an
** image (a scan with a page number or stamp), is rendered grey by cairo at
** WM_EXTRACT_OCR_DPI (at most WM_EXTRACT_MAX_RENDER_PIXELS) and read by OCR.  Pages are separated by newlines; reading
** stops when the text is full; OCR stops when its CPU budget is spent (ex_ocr_budget_spent),
** the text layers of later pages are still read.
*/
/* clang-format off */
#include "ex_int.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo.h>
#include <glib.h>
#include <poppler.h>

#include "banned.h"
/* clang-format on */

/* PDF's own limit on a page side (ISO 32000-1, annex C), in points. */
#define EX_PDF_MAX_PT 14400.0

/* A text layer this short (a page number, a stamp) on a page with images: the page is a scan
** with a few words on top, and is read by OCR too. */
#define EX_PDF_FEW_CHARS 16

/* The number of characters of s that are not white space (counted up to @a enough). */
static size_t
visible_chars(const char *s, size_t enough)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; p && *p && n < enough; p++) {
        if (!(' ' == *p || '\t' == *p || '\n' == *p || '\r' == *p || '\f' == *p)
            && (*p & 0xC0) != 0x80) {
            n++;
        }
    }
    return n;
}

static bool
has_images(PopplerPage *page)
{
    GList *l = poppler_page_get_image_mapping(page);
    bool any = NULL != l;
    poppler_page_free_image_mapping(l);
    return any;
}

/* poppler's complaints about a damaged file go to the debug log, not raw stderr. */
static void
pdf_log(const gchar *domain, GLogLevelFlags level, const gchar *msg, gpointer data)
{
    (void)level;
    (void)data;
    wm_log(WM_LOG_DEBUG, "%s: %s", domain ? domain : "glib", msg);
}

/* Render @a page grey and OCR it. */
static enum wm_err
ocr_page(PopplerPage *page, struct ex_out *o, char *err, size_t errlen)
{
    double pw = 0;
    double ph = 0;
    poppler_page_get_size(page, &pw, &ph);
    if (!isfinite(pw) || !isfinite(ph) || pw <= 0 || ph <= 0 || pw > EX_PDF_MAX_PT
        || ph > EX_PDF_MAX_PT) {
        return WM_OK; /* nothing sensible to render: the page gives no text */
    }
    double scale = WM_EXTRACT_OCR_DPI / 72.0;
    double px = pw * scale * ph * scale;
    if (px > (double)WM_EXTRACT_MAX_RENDER_PIXELS) {
        scale *= sqrt((double)WM_EXTRACT_MAX_RENDER_PIXELS / px);
    }
    int w = (int)fmax(1, floor(pw * scale));
    int h = (int)fmax(1, floor(ph * scale));
    cairo_surface_t *surf = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
    if (CAIRO_STATUS_SUCCESS != cairo_surface_status(surf)) {
        ex_seterr(err, errlen, "cairo: %s", cairo_status_to_string(cairo_surface_status(surf)));
        cairo_surface_destroy(surf);
        return WM_E_INTERNAL;
    }
    cairo_t *cr = cairo_create(surf);
    cairo_set_source_rgb(cr, 1.0, 1.0, 1.0);
    cairo_paint(cr);
    cairo_scale(cr, (double)w / pw, (double)h / ph);
    poppler_page_render(page, cr);
    cairo_destroy(cr);
    cairo_surface_flush(surf);

    const unsigned char *data = cairo_image_surface_get_data(surf);
    int stride = cairo_image_surface_get_stride(surf);
    unsigned char *grey = wm_malloc((size_t)w * (size_t)h);
    for (int y = 0; y < h; y++) {
        const unsigned char *row = data + (size_t)y * (size_t)stride;
        unsigned char *g = grey + (size_t)y * (size_t)w;
        for (int x = 0; x < w; x++) {
            uint32_t v;
            memcpy(&v, row + (size_t)x * 4, sizeof v);
            unsigned r = (v >> 16) & 0xFF, gr = (v >> 8) & 0xFF, b = v & 0xFF;
            g[x] = (unsigned char)((r * 299 + gr * 587 + b * 114) / 1000);
        }
    }
    cairo_surface_destroy(surf);
    int dpi = (int)lround(scale * 72.0);
    enum wm_err e = ex_ocr_grey(grey, w, h, w, dpi > 0 ? dpi : 1, o, err, errlen);
    free(grey);
    return e;
}

enum wm_err
ex_pdf_file(const char *path, struct ex_out *o, char *err, size_t errlen)
{
    static bool logged;
    if (!logged) {
        logged = true;
        g_log_set_handler("Poppler", G_LOG_LEVEL_WARNING | G_LOG_LEVEL_MESSAGE | G_LOG_LEVEL_INFO
                          | G_LOG_LEVEL_DEBUG, pdf_log, NULL);
    }
    enum wm_err e = WM_OK;
    GError *gerr = NULL;
    char *uri = NULL;
    PopplerDocument *doc = NULL;
    char *abs = realpath(path, NULL);
    if (NULL == abs) {
        ex_seterr(err, errlen, "%s: %s", path, strerror(errno));
        return WM_E_NOT_FOUND;
    }
    uri = g_filename_to_uri(abs, NULL, &gerr);
    if (NULL == uri) {
        ex_seterr(err, errlen, "%s: %s", path, gerr ? gerr->message : "no URI");
        e = WM_E_INTERNAL;
        goto cleanup;
    }
    doc = poppler_document_new_from_file(uri, NULL, &gerr);
    if (NULL == doc) {
        ex_seterr(err, errlen, "poppler: %s", gerr ? gerr->message : "cannot open");
        e = WM_E_BAD_REQUEST;
        goto cleanup;
    }
    int n = poppler_document_get_n_pages(doc);
    if (n < 1) {
        ex_seterr(err, errlen, "poppler: the document has no pages");
        e = WM_E_BAD_REQUEST;
        goto cleanup;
    }
    bool ocr_stopped = false;
    for (int i = 0; i < n && !o->full; i++) {
        PopplerPage *page = poppler_document_get_page(doc, i);
        if (NULL == page) {
            continue;
        }
        char *text = poppler_page_get_text(page);
        size_t chars = visible_chars(text, EX_PDF_FEW_CHARS);
        if (chars > 0) {
            ex_adds(o, text);
            ex_nl(o);
        }
        bool scan = 0 == chars || (chars < EX_PDF_FEW_CHARS && has_images(page));
        if (scan && !ocr_stopped) {
            if (ex_ocr_budget_spent()) {
                ocr_stopped = true;
                wm_log(WM_LOG_INFO, "extract: OCR budget spent at page %d of %d", i + 1, n);
            } else {
                e = ocr_page(page, o, err, errlen);
            }
        }
        g_free(text);
        g_object_unref(page);
        if (WM_OK != e) {
            break;
        }
    }
cleanup:
    if (doc) {
        g_object_unref(doc);
    }
    if (gerr) {
        g_error_free(gerr);
    }
    g_free(uri);
    free(abs);
    return e;
}

/* end of pdf.c */
