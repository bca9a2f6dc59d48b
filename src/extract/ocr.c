/*
** ocr.c — text read from pictures with tesseract (WM_EXTRACT_OCR_LANGS): images decoded by
** leptonica, and the grey renderings of PDF pages without a text layer (pdf.c).
**
** One tesseract per process, started on first use (loading the three languages takes a
** second) and ended at exit.  Not thread-safe: the helper program extracts one file.
** Images are checked from their header before any pixel is decoded: only JPEG, PNG, TIFF,
** GIF, WebP and BMP, at most WM_EXTRACT_MAX_PIXELS (read at most at
** WM_EXTRACT_MAX_RENDER_PIXELS, scaled down beyond).  Recognition is cancelled once two
** thirds of the process's CPU-time limit are used, keeping what was read.  Chinese comes out
** of tesseract with a space between every two characters: those spaces are removed.
*/
/* clang-format off */
#include "ex_int.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>

#include <leptonica/allheaders.h>
#include <tesseract/capi.h>

#include "banned.h"
/* clang-format on */

/* Fewer characters than this from automatic page segmentation: read again as sparse text. */
#define EX_OCR_FEW_CHARS 32

static TessBaseAPI *ocr_api;
static bool ocr_tried;
static char ocr_err[256];

static void
ocr_end(void)
{
    if (ocr_api) {
        TessBaseAPIEnd(ocr_api);
        TessBaseAPIDelete(ocr_api);
        ocr_api = NULL;
    }
}

static enum wm_err
ocr_start(char *err, size_t errlen)
{
    if (!ocr_tried) {
        ocr_tried = true;
        setMsgSeverity(L_SEVERITY_NONE); /* leptonica's complaints about a hostile file */
        TessBaseAPI *api = TessBaseAPICreate();
        if (0 != TessBaseAPIInit3(api, NULL, WM_EXTRACT_OCR_LANGS)) {
            snprintf(ocr_err, sizeof ocr_err,
                     "tesseract cannot load the languages %s (tesseract-ocr-chi-sim, "
                     "-chi-tra and -eng installed?)",
                     WM_EXTRACT_OCR_LANGS);
            TessBaseAPIDelete(api);
        } else {
            (void)TessBaseAPISetVariable(api, "debug_file", "/dev/null");
            ocr_api = api;
            atexit(ocr_end);
        }
    }
    if (NULL == ocr_api) {
        ex_seterr(err, errlen, "%s", ocr_err);
        return WM_E_UNAVAILABLE;
    }
    return WM_OK;
}

bool
ex_ocr_budget_spent(void)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_CPU, &rl) || RLIM_INFINITY == rl.rlim_cur) {
        return false;
    }
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru)) {
        return false;
    }
    double used = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6
                  + (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
    return used >= (double)rl.rlim_cur * 2.0 / 3.0;
}

static bool
ocr_cancel(void *cancel_this, int words)
{
    (void)cancel_this;
    (void)words;
    return ex_ocr_budget_spent();
}

/* A picture to read: an 8-bit grey buffer (a rendered PDF page) or a leptonica image. */
struct ocr_pic {
    const unsigned char *grey;
    int w, h, stride;
    PIX *pix;
    int dpi;
};

/* Visible characters (code points other than white space) of s. */
static size_t
visible(const char *s)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p & 0xC0) != 0x80 && !strchr(" \t\n\r\f", *p)) {
            n++;
        }
    }
    return n;
}

/* Read @a pic once with page segmentation @a psm; the text (TessDeleteText) or NULL. */
static char *
ocr_once(const struct ocr_pic *pic, TessPageSegMode psm)
{
    TessBaseAPISetPageSegMode(ocr_api, psm);
    if (pic->pix) {
        TessBaseAPISetImage2(ocr_api, pic->pix);
    } else {
        TessBaseAPISetImage(ocr_api, pic->grey, pic->w, pic->h, 1, pic->stride);
    }
    TessBaseAPISetSourceResolution(ocr_api, pic->dpi);
    ETEXT_DESC *mon = TessMonitorCreate();
    TessMonitorSetCancelFunc(mon, ocr_cancel);
    (void)TessBaseAPIRecognize(ocr_api, mon); /* cancelled: what was read so far */
    char *t = TessBaseAPIGetUTF8Text(ocr_api);
    TessMonitorDelete(mon);
    TessBaseAPIClear(ocr_api);
    return t;
}

/*
** Recognise @a pic and append its text (Han spaces removed).  Automatic page segmentation
** reads a page of text in order, but drops a lone line of large type (a heading, a banner
** in a photo) as a picture: when it finds little, the picture is read again as sparse text
** and the reading with more characters is kept.
*/
static void
ocr_run(const struct ocr_pic *pic, struct ex_out *o)
{
    char *t = ocr_once(pic, PSM_AUTO);
    if ((NULL == t || visible(t) < EX_OCR_FEW_CHARS) && !ex_ocr_budget_spent()) {
        char *sparse = ocr_once(pic, PSM_SPARSE_TEXT);
        if (sparse && (NULL == t || visible(sparse) > visible(t))) {
            TessDeleteText(t);
            t = sparse;
        } else {
            TessDeleteText(sparse);
        }
    }
    if (t) {
        size_t n = ex_join_han(t, strlen(t));
        ex_add(o, t, n);
        ex_nl(o);
        TessDeleteText(t);
    }
}

enum wm_err
ex_ocr_grey(const unsigned char *pix, int w, int h, int stride, int dpi, struct ex_out *o,
            char *err, size_t errlen)
{
    enum wm_err e = ocr_start(err, errlen);
    if (WM_OK != e) {
        return e;
    }
    struct ocr_pic pic = {.grey = pix, .w = w, .h = h, .stride = stride, .dpi = dpi};
    ocr_run(&pic, o);
    return WM_OK;
}

static bool
image_format_ok(l_int32 f)
{
    return IFF_BMP == f || IFF_JFIF_JPEG == f || IFF_PNG == f || L_FORMAT_IS_TIFF(f)
           || IFF_GIF == f || IFF_WEBP == f;
}

enum wm_err
ex_image_file(const char *path, struct ex_out *o, char *err, size_t errlen)
{
    enum wm_err e = ocr_start(err, errlen);
    if (WM_OK != e) {
        return e;
    }
    l_int32 format = IFF_UNKNOWN, w = 0, h = 0, bps = 0, spp = 0, cmap = 0;
    if (pixReadHeader(path, &format, &w, &h, &bps, &spp, &cmap)) {
        ex_seterr(err, errlen, "not a readable image (header)");
        return WM_E_BAD_REQUEST;
    }
    if (!image_format_ok(format)) {
        ex_seterr(err, errlen, "image format %d is not JPEG, PNG, TIFF, GIF, WebP or BMP",
                  (int)format);
        return WM_E_BAD_REQUEST;
    }
    if (w <= 0 || h <= 0) {
        ex_seterr(err, errlen, "bad image size %dx%d", (int)w, (int)h);
        return WM_E_BAD_REQUEST;
    }
    if ((unsigned long long)w * (unsigned long long)h > WM_EXTRACT_MAX_PIXELS) {
        ex_seterr(err, errlen, "%dx%d is over the %llu-pixel limit", (int)w, (int)h,
                  WM_EXTRACT_MAX_PIXELS);
        return WM_E_BAD_REQUEST;
    }
    PIX *pix = pixRead(path);
    if (NULL == pix) {
        ex_seterr(err, errlen, "the image cannot be decoded");
        return WM_E_BAD_REQUEST;
    }
    /* the header said one size, the pixels another: believe neither */
    if ((unsigned long long)pixGetWidth(pix) * (unsigned long long)pixGetHeight(pix)
        > WM_EXTRACT_MAX_PIXELS) {
        pixDestroy(&pix);
        ex_seterr(err, errlen, "the image is over the %llu-pixel limit", WM_EXTRACT_MAX_PIXELS);
        return WM_E_BAD_REQUEST;
    }
    PIX *grey = pixConvertTo8(pix, 0);
    pixDestroy(&pix);
    if (NULL == grey) {
        ex_seterr(err, errlen, "the image cannot be converted to grey");
        return WM_E_BAD_REQUEST;
    }
    /* a photo of 100 megapixels is read at WM_EXTRACT_MAX_RENDER_PIXELS, as a PDF page is */
    double px = (double)pixGetWidth(grey) * (double)pixGetHeight(grey);
    if (px > (double)WM_EXTRACT_MAX_RENDER_PIXELS) {
        float f = (float)sqrt((double)WM_EXTRACT_MAX_RENDER_PIXELS / px);
        PIX *small = pixScale(grey, f, f);
        if (small) {
            pixDestroy(&grey);
            grey = small;
        }
    }
    l_int32 res = pixGetXRes(grey);
    struct ocr_pic pic = {.pix = grey, .dpi = res >= 70 && res <= 1200 ? res : 300};
    ocr_run(&pic, o);
    pixDestroy(&grey);
    return WM_OK;
}

/* end of ocr.c */
