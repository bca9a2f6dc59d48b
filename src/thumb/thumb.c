/*
** thumb.c — one thumbnail from one file: images through libvips, a PDF's first page through
** poppler rendered by cairo; both end as a JPEG written atomically.
**
** libvips is started once per process (pthread_once) with its operation cache off (the
** cache would keep decoded pixels of untrusted files around), its "untrusted" loaders
** blocked and one worker thread, since thumbnails are background work that must not
** compete with requests.  Before any pixel is decoded the file is opened lazily (header
** only) to check two things: that libvips would use the loader matching the detected mime
** type, and that the image is not a decompression bomb.
*/
/* clang-format off */
#include "wm_thumb.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cairo.h>
#include <glib.h>
#include <poppler.h>
#include <vips/vips.h>

#include "banned.h"
/* clang-format on */

/* PDF's own limit on a page side (ISO 32000-1, annex C), in points. */
#define WM_THUMB_PDF_MAX_PT 14400.0
/* JPEG quality of thumbnails. */
#define WM_THUMB_QUALITY 80

/* An image type we make thumbnails of, and the libvips loaders allowed to open it
** (class-name prefixes: "VipsForeignLoadPng" matches VipsForeignLoadPngFile). */
struct thumb_kind {
    const char *mime;
    const char *loaders[2];
};

static const struct thumb_kind thumb_kinds[] = {
    { "image/jpeg", { "VipsForeignLoadJpeg", NULL } },
    { "image/png", { "VipsForeignLoadPng", "VipsForeignLoadSpng" } },
    { "image/gif", { "VipsForeignLoadGif", "VipsForeignLoadNsgif" } },
    { "image/webp", { "VipsForeignLoadWebp", NULL } },
    { "image/tiff", { "VipsForeignLoadTiff", NULL } },
    { "image/heic", { "VipsForeignLoadHeif", NULL } },
    { "image/heif", { "VipsForeignLoadHeif", NULL } },
};

static pthread_once_t thumb_once = PTHREAD_ONCE_INIT;
static bool thumb_vips_ok;
static bool thumb_has_heif;
static char thumb_init_err[256];

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

/* The libvips error buffer as one line (and cleared), for "what: cause" messages. */
static void
set_vips_err(char *err, size_t errlen, const char *what)
{
    char *msg = vips_error_buffer_copy();
    size_t n = strlen(msg);
    while (n > 0 && ('\n' == msg[n - 1] || ' ' == msg[n - 1])) {
        msg[--n] = '\0';
    }
    for (size_t i = 0; i < n; i++) {
        if ('\n' == msg[i]) {
            msg[i] = ';';
        }
    }
    set_err(err, errlen, "%s: %s", what, n ? msg : "unknown libvips error");
    g_free(msg);
}

/* libvips' warnings are about the file at hand ("not enough data"); the failure itself is
** reported with its cause, so they go to the debug log instead of raw stderr. */
static void
thumb_vips_log(const gchar *domain, GLogLevelFlags level, const gchar *msg, gpointer data)
{
    (void)level;
    (void)data;
    wm_log(WM_LOG_DEBUG, "%s: %s", domain ? domain : "glib", msg);
}

static void
thumb_start_vips(void)
{
    if (VIPS_INIT("wenming")) {
        char *msg = vips_error_buffer_copy();
        snprintf(thumb_init_err, sizeof thumb_init_err, "vips_init: %s", msg);
        g_free(msg);
        return;
    }
    g_log_set_handler("VIPS", G_LOG_LEVEL_WARNING | G_LOG_LEVEL_MESSAGE | G_LOG_LEVEL_INFO
                      | G_LOG_LEVEL_DEBUG, thumb_vips_log, NULL);
    vips_cache_set_max(0);
    vips_block_untrusted_set(TRUE);
    vips_concurrency_set(1);
    thumb_has_heif = 0 != vips_type_find("VipsOperation", "heifload");
    thumb_vips_ok = true;
}

static enum wm_err
thumb_init(char *err, size_t errlen)
{
    pthread_once(&thumb_once, thumb_start_vips);
    if (!thumb_vips_ok) {
        set_err(err, errlen, "%s", thumb_init_err);
        return WM_E_UNAVAILABLE;
    }
    return WM_OK;
}

static const struct thumb_kind *
find_kind(const char *mime)
{
    for (size_t i = 0; i < WM_ARRAY_LEN(thumb_kinds); i++) {
        if (wm_streq(mime, thumb_kinds[i].mime)) {
            return &thumb_kinds[i];
        }
    }
    return NULL;
}

static bool
is_heif(const struct thumb_kind *k)
{
    return wm_startswith(k->loaders[0], "VipsForeignLoadHeif");
}

bool
wm_thumb_supported(const char *mime)
{
    if (NULL == mime) {
        return false;
    }
    if (wm_streq(mime, "application/pdf")) {
        return true;
    }
    const struct thumb_kind *k = find_kind(mime);
    if (NULL == k) {
        return false;
    }
    if (is_heif(k)) {
        return WM_OK == thumb_init(NULL, 0) && thumb_has_heif;
    }
    return true;
}

/* ---------------------------------------------------------------- output */

/* Flatten, convert to 8-bit sRGB and write @a in as a JPEG at @a dst.  Consumes nothing. */
static enum wm_err
save_jpeg(VipsImage *in, const char *dst, char *err, size_t errlen)
{
    VipsImage *t[3] = { NULL, NULL, NULL };
    void *buf = NULL;
    size_t len = 0;
    enum wm_err e = WM_E_BAD_REQUEST;

    if (vips_colourspace(in, &t[0], VIPS_INTERPRETATION_sRGB, NULL)) {
        set_vips_err(err, errlen, "colourspace");
        goto cleanup;
    }
    VipsImage *cur = t[0];
    if (vips_image_hasalpha(cur)) {
        VipsArrayDouble *white = vips_array_double_newv(1, 255.0);
        int rc = vips_flatten(cur, &t[1], "background", white, NULL);
        vips_area_unref(VIPS_AREA(white));
        if (rc) {
            set_vips_err(err, errlen, "flatten");
            goto cleanup;
        }
        cur = t[1];
    }
    if (vips_cast_uchar(cur, &t[2], NULL)) {
        set_vips_err(err, errlen, "cast");
        goto cleanup;
    }
    /* Decoding happens here, pulled through the pipeline by the saver. */
    if (vips_jpegsave_buffer(t[2], &buf, &len, "Q", WM_THUMB_QUALITY, "strip", TRUE, NULL)) {
        set_vips_err(err, errlen, "decode/jpegsave");
        goto cleanup;
    }
    int rc = wm_write_atomic(dst, buf, len, 0640);
    if (rc) {
        set_err(err, errlen, "%s: %s", dst, strerror(-rc));
        e = WM_E_INTERNAL;
        goto cleanup;
    }
    e = WM_OK;
cleanup:
    for (size_t i = 0; i < WM_ARRAY_LEN(t); i++) {
        if (t[i]) {
            g_object_unref(t[i]);
        }
    }
    g_free(buf);
    return e;
}

/* ---------------------------------------------------------------- images */

static bool
loader_matches(const struct thumb_kind *k, const char *loader)
{
    for (size_t i = 0; i < WM_ARRAY_LEN(k->loaders); i++) {
        if (k->loaders[i] && wm_startswith(loader, k->loaders[i])) {
            return true;
        }
    }
    return false;
}

static enum wm_err
make_image(const struct thumb_kind *k, const char *src, const char *dst, unsigned max_px,
           char *err, size_t errlen)
{
    if (is_heif(k) && !thumb_has_heif) {
        set_err(err, errlen, "%s: this libvips has no HEIF loader", k->mime);
        return WM_E_UNSUPPORTED_MEDIA;
    }
    const char *loader = vips_foreign_find_load(src);
    if (NULL == loader) {
        set_vips_err(err, errlen, "no image loader");
        return WM_E_UNSUPPORTED_MEDIA;
    }
    if (!loader_matches(k, loader)) {
        set_err(err, errlen, "content needs %s, not a %s loader", loader, k->mime);
        return WM_E_UNSUPPORTED_MEDIA;
    }

    /* Header only: nothing is decoded until pixels are asked for. */
    VipsImage *hdr = vips_image_new_from_file(src, "access", VIPS_ACCESS_SEQUENTIAL,
                                              "fail_on", VIPS_FAIL_ON_TRUNCATED, NULL);
    if (NULL == hdr) {
        set_vips_err(err, errlen, "header");
        return WM_E_BAD_REQUEST;
    }
    int w = vips_image_get_width(hdr);
    int h = vips_image_get_height(hdr);
    g_object_unref(hdr);
    if (w <= 0 || h <= 0) {
        set_err(err, errlen, "header: bad size %dx%d", w, h);
        return WM_E_BAD_REQUEST;
    }
    if ((unsigned long long)w * (unsigned long long)h > WM_THUMB_MAX_PIXELS) {
        set_err(err, errlen, "%dx%d is over the %llu-pixel limit", w, h, WM_THUMB_MAX_PIXELS);
        return WM_E_TOO_LARGE;
    }

    VipsImage *out = NULL;
    if (vips_thumbnail(src, &out, (int)max_px, "height", (int)max_px, "size", VIPS_SIZE_DOWN,
                       "fail_on", VIPS_FAIL_ON_TRUNCATED, NULL)) {
        set_vips_err(err, errlen, "thumbnail");
        return WM_E_BAD_REQUEST;
    }
    enum wm_err e = save_jpeg(out, dst, err, errlen);
    g_object_unref(out);
    return e;
}

/* ---------------------------------------------------------------- PDF */

/* Cairo's RGB24 (native-endian 0x00RRGGBB words) to packed RGB bytes. */
static unsigned char *
surface_to_rgb(cairo_surface_t *s, int w, int h)
{
    const unsigned char *data = cairo_image_surface_get_data(s);
    int stride = cairo_image_surface_get_stride(s);
    unsigned char *rgb = wm_malloc((size_t)w * (size_t)h * 3);
    unsigned char *o = rgb;
    for (int y = 0; y < h; y++) {
        const unsigned char *row = data + (size_t)y * (size_t)stride;
        for (int x = 0; x < w; x++) {
            uint32_t px;
            memcpy(&px, row + (size_t)x * 4, sizeof px);
            *o++ = (unsigned char)(px >> 16);
            *o++ = (unsigned char)(px >> 8);
            *o++ = (unsigned char)px;
        }
    }
    return rgb;
}

static enum wm_err
make_pdf(const char *src, const char *dst, unsigned max_px, char *err, size_t errlen)
{
    enum wm_err e = WM_E_BAD_REQUEST;
    GError *gerr = NULL;
    char *abs = NULL;
    char *uri = NULL;
    PopplerDocument *doc = NULL;
    PopplerPage *page = NULL;
    cairo_surface_t *surf = NULL;
    cairo_t *cr = NULL;
    unsigned char *rgb = NULL;
    VipsImage *img = NULL;

    abs = realpath(src, NULL);
    if (NULL == abs) {
        set_err(err, errlen, "%s: %s", src, strerror(errno));
        e = WM_E_NOT_FOUND;
        goto cleanup;
    }
    uri = g_filename_to_uri(abs, NULL, &gerr);
    if (NULL == uri) {
        set_err(err, errlen, "%s: %s", src, gerr->message);
        e = WM_E_INTERNAL;
        goto cleanup;
    }
    doc = poppler_document_new_from_file(uri, NULL, &gerr);
    if (NULL == doc) {
        set_err(err, errlen, "poppler: %s", gerr ? gerr->message : "cannot open");
        goto cleanup;
    }
    if (poppler_document_get_n_pages(doc) < 1) {
        set_err(err, errlen, "poppler: the document has no pages");
        goto cleanup;
    }
    page = poppler_document_get_page(doc, 0);
    if (NULL == page) {
        set_err(err, errlen, "poppler: cannot read page 1");
        goto cleanup;
    }
    double pw = 0;
    double ph = 0;
    poppler_page_get_size(page, &pw, &ph);
    if (!isfinite(pw) || !isfinite(ph) || pw <= 0 || ph <= 0) {
        set_err(err, errlen, "poppler: bad page size %gx%g pt", pw, ph);
        goto cleanup;
    }
    if (pw > WM_THUMB_PDF_MAX_PT || ph > WM_THUMB_PDF_MAX_PT) {
        set_err(err, errlen, "page is %gx%g pt, over PDF's %g pt limit", pw, ph,
                WM_THUMB_PDF_MAX_PT);
        e = WM_E_TOO_LARGE;
        goto cleanup;
    }

    /* The longer side becomes max_px; the render size is therefore capped by max_px. */
    double scale = (double)max_px / fmax(pw, ph);
    int w = (int)fmin(fmax(lround(pw * scale), 1), max_px);
    int h = (int)fmin(fmax(lround(ph * scale), 1), max_px);
    surf = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
    if (CAIRO_STATUS_SUCCESS != cairo_surface_status(surf)) {
        set_err(err, errlen, "cairo: %s", cairo_status_to_string(cairo_surface_status(surf)));
        e = WM_E_INTERNAL;
        goto cleanup;
    }
    cr = cairo_create(surf);
    cairo_set_source_rgb(cr, 1.0, 1.0, 1.0);
    cairo_paint(cr);
    cairo_scale(cr, (double)w / pw, (double)h / ph);
    poppler_page_render(page, cr);
    if (CAIRO_STATUS_SUCCESS != cairo_status(cr)) {
        set_err(err, errlen, "cairo: %s", cairo_status_to_string(cairo_status(cr)));
        goto cleanup;
    }
    cairo_surface_flush(surf);

    rgb = surface_to_rgb(surf, w, h);
    img = vips_image_new_from_memory(rgb, (size_t)w * (size_t)h * 3, w, h, 3, VIPS_FORMAT_UCHAR);
    if (NULL == img) {
        set_vips_err(err, errlen, "vips_image_new_from_memory");
        e = WM_E_INTERNAL;
        goto cleanup;
    }
    img->Type = VIPS_INTERPRETATION_sRGB;
    e = save_jpeg(img, dst, err, errlen);
cleanup:
    if (img) {
        g_object_unref(img);
    }
    free(rgb);
    if (cr) {
        cairo_destroy(cr);
    }
    if (surf) {
        cairo_surface_destroy(surf);
    }
    if (page) {
        g_object_unref(page);
    }
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

/* ---------------------------------------------------------------- the entry point */

enum wm_err
wm_thumb_make(const char *src_path, const char *mime, const char *dst_path, unsigned max_px,
              char *err, size_t errlen)
{
    set_err(err, errlen, "%s", "");
    if (NULL == src_path || NULL == mime || NULL == dst_path) {
        set_err(err, errlen, "missing source, type or destination");
        return WM_E_BAD_REQUEST;
    }
    if (0 == max_px || max_px > WM_THUMB_MAX_SIDE) {
        set_err(err, errlen, "thumbnail size %u is outside 1..%u", max_px, WM_THUMB_MAX_SIDE);
        return WM_E_BAD_REQUEST;
    }
    bool pdf = wm_streq(mime, "application/pdf");
    const struct thumb_kind *k = pdf ? NULL : find_kind(mime);
    if (!pdf && NULL == k) {
        set_err(err, errlen, "no thumbnails of %s", mime);
        return WM_E_UNSUPPORTED_MEDIA;
    }
    struct stat st;
    if (stat(src_path, &st)) {
        set_err(err, errlen, "%s: %s", src_path, strerror(errno));
        return WM_E_NOT_FOUND;
    }
    if (!S_ISREG(st.st_mode)) {
        set_err(err, errlen, "%s: not a regular file", src_path);
        return WM_E_BAD_REQUEST;
    }
    enum wm_err e = thumb_init(err, errlen);
    if (WM_OK != e) {
        return e;
    }
    if (pdf) {
        return make_pdf(src_path, dst_path, max_px, err, errlen);
    }
    return make_image(k, src_path, dst_path, max_px, err, errlen);
}

/* end of thumb.c */
