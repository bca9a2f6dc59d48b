/*
** test_thumb.c — thumbnails: real PNG/JPEG/GIF/TIFF/WebP made with libvips and a real
** one-page PDF drawn with cairo, each thumbnail read back and measured; an RGBA PNG
** flattened; small images not upscaled; refused types (text, a PDF posing as a PNG);
** truncated and garbage files failing cleanly with no file left; a 400-megapixel header
** refused before decoding; wm_thumb_generate, what a "thumbnail" job runs (made once,
** existing ones skipped, bad requests refused, a failure leaves nothing); and sha
** validation in wm_thumb_path().
*/
/* clang-format off */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "tdir.h"

#include <cairo.h>
#include <cairo-pdf.h>
#include <vips/vips.h>

#include "wm_thumb.h"
#include "wm_util.h"

#include "banned.h"
/* clang-format on */

struct fx {
    char dir[64];
};

static int
setup(void **state)
{
    struct fx *f = wm_calloc(1, sizeof *f);
    tdir_make(f->dir, sizeof f->dir, "thumb");
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    struct fx *f = *state;
    tdir_remove(f->dir);
    free(f);
    return 0;
}

/* A path under the fixture's directory (caller frees). */
static char *
fpath(const struct fx *f, const char *name)
{
    return wm_asprintf("%s/%s", f->dir, name);
}

static bool
exists(const char *p)
{
    struct stat st;
    return 0 == stat(p, &st);
}

/* Number of entries in dir other than . and .. */
static unsigned
count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    unsigned n = 0;
    for (struct dirent *e = readdir(d); e; e = readdir(d)) {
        if (!wm_streq(e->d_name, ".") && !wm_streq(e->d_name, "..")) {
            n++;
        }
    }
    closedir(d);
    return n;
}

/* A w x h test image: a horizontal ramp in every band (plus alpha when bands is 4). */
static VipsImage *
make_ramp(int w, int h, int bands)
{
    VipsImage *xy = NULL;
    VipsImage *x = NULL;
    VipsImage *scaled = NULL;
    VipsImage *u8 = NULL;
    VipsImage *out = NULL;
    assert_int_equal(0, vips_xyz(&xy, w, h, NULL));
    assert_int_equal(0, vips_extract_band(xy, &x, 0, NULL));
    assert_int_equal(0, vips_linear1(x, &scaled, 255.0 / (double)w, 0.0, NULL));
    assert_int_equal(0, vips_cast_uchar(scaled, &u8, NULL));
    if (1 == bands) {
        out = u8;
        g_object_ref(out);
    } else {
        VipsImage *in[4] = { u8, u8, u8, u8 };
        assert_int_equal(0, vips_bandjoin(in, &out, bands, NULL));
        out->Type = VIPS_INTERPRETATION_sRGB;
    }
    g_object_unref(u8);
    g_object_unref(scaled);
    g_object_unref(x);
    g_object_unref(xy);
    return out;
}

/* Save a ramp as @a name (the suffix picks the format); returns the path (caller frees). */
static char *
save_ramp(const struct fx *f, const char *name, int w, int h, int bands)
{
    char *p = fpath(f, name);
    VipsImage *img = make_ramp(w, h, bands);
    if (0 != vips_image_write_to_file(img, p, NULL)) {
        fail_msg("writing %s: %s", p, vips_error_buffer());
    }
    g_object_unref(img);
    return p;
}

/* Read a thumbnail back and check its size against the box; returns width and height. */
static void
measure(const char *p, unsigned max_px, int *w, int *h)
{
    VipsImage *img = vips_image_new_from_file(p, NULL);
    if (NULL == img) {
        fail_msg("reading %s: %s", p, vips_error_buffer());
    }
    *w = vips_image_get_width(img);
    *h = vips_image_get_height(img);
    const char *loader = NULL;
    assert_int_equal(0, vips_image_get_string(img, "vips-loader", &loader));
    assert_string_equal("jpegload", loader);
    g_object_unref(img);
    assert_true(*w > 0 && *h > 0);
    assert_true((unsigned)*w <= max_px && (unsigned)*h <= max_px);
}

/* A one-page A4 PDF, or @a pages pages, drawn with cairo (returns the path). */
static char *
make_pdf(const struct fx *f, const char *name, double wpt, double hpt, int pages)
{
    char *p = fpath(f, name);
    cairo_surface_t *s = cairo_pdf_surface_create(p, wpt, hpt);
    assert_int_equal(CAIRO_STATUS_SUCCESS, cairo_surface_status(s));
    cairo_t *cr = cairo_create(s);
    for (int i = 0; i < pages; i++) {
        cairo_set_source_rgb(cr, 0.8, 0.1, 0.1);
        cairo_rectangle(cr, 50, 50, wpt / 2, hpt / 3);
        cairo_fill(cr);
        cairo_set_source_rgb(cr, 0.1, 0.1, 0.6);
        cairo_set_line_width(cr, 4);
        cairo_move_to(cr, 20, hpt - 20);
        cairo_line_to(cr, wpt - 20, 20);
        cairo_stroke(cr);
        /* Text, so poppler loads an embedded font (through FreeType and fontconfig). */
        cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL,
                               CAIRO_FONT_WEIGHT_BOLD);
        cairo_set_font_size(cr, 36);
        cairo_move_to(cr, 60, hpt / 2 + 40);
        cairo_show_text(cr, "wenming 2026");
        cairo_show_page(cr);
    }
    assert_int_equal(CAIRO_STATUS_SUCCESS, cairo_status(cr));
    cairo_destroy(cr);
    cairo_surface_finish(s);
    assert_int_equal(CAIRO_STATUS_SUCCESS, cairo_surface_status(s));
    cairo_surface_destroy(s);
    return p;
}

static void
write_bytes(const char *p, const void *data, size_t n)
{
    FILE *fp = fopen(p, "wb");
    assert_non_null(fp);
    assert_int_equal(n, fwrite(data, 1, n, fp));
    assert_int_equal(0, fclose(fp));
}

/* Make a thumbnail that must succeed, measure it, and return its size. */
static void
thumb_ok(const struct fx *f, const char *src, const char *mime, unsigned max_px, int *w,
         int *h)
{
    char *dst = fpath(f, "out.jpg");
    char err[256];
    unlink(dst);
    enum wm_err e = wm_thumb_make(src, mime, dst, max_px, err, sizeof err);
    if (WM_OK != e) {
        fail_msg("%s (%s): %s: %s", src, mime, wm_err_code(e), err);
    }
    measure(dst, max_px, w, h);
    unlink(dst);
    free(dst);
}

/* A thumbnail that must fail with @a want, leaving no file (not even a temp file). */
static void
thumb_fails(const struct fx *f, const char *src, const char *mime, unsigned max_px,
            enum wm_err want)
{
    char *sub = fpath(f, "fail");
    assert_int_equal(0, wm_mkdirs(sub, 0750));
    char *dst = wm_asprintf("%s/out.jpg", sub);
    char err[256] = "";
    enum wm_err e = wm_thumb_make(src, mime, dst, max_px, err, sizeof err);
    if (want != e) {
        fail_msg("%s (%s): want %s, got %s: %s", src, mime, wm_err_code(want), wm_err_code(e),
                 err);
    }
    assert_true(err[0] != '\0');
    assert_false(exists(dst));
    assert_int_equal(0, count_entries(sub));
    free(dst);
    free(sub);
}

/* ---------------------------------------------------------------- wm_thumb_make */

static void
test_images(void **state)
{
    struct fx *f = *state;
    int w;
    int h;
    const struct {
        const char *name;
        const char *mime;
        int bands;
    } cases[] = {
        { "a.png", "image/png", 3 },  { "a.jpg", "image/jpeg", 3 },
        { "g.png", "image/png", 1 },  { "rgba.png", "image/png", 4 },
        { "a.gif", "image/gif", 3 },  { "a.tif", "image/tiff", 3 },
        { "a.webp", "image/webp", 3 },
    };
    for (size_t i = 0; i < WM_ARRAY_LEN(cases); i++) {
        /* 1200 x 300: the long side becomes 256, the aspect ratio is kept. */
        char *src = save_ramp(f, cases[i].name, 1200, 300, cases[i].bands);
        thumb_ok(f, src, cases[i].mime, 256, &w, &h);
        assert_int_equal(256, w);
        assert_in_range(h, 63, 65);
        /* Portrait, a different box. */
        free(src);
        char *name = wm_asprintf("p-%s", cases[i].name);
        src = save_ramp(f, name, 300, 900, cases[i].bands);
        thumb_ok(f, src, cases[i].mime, 120, &w, &h);
        assert_int_equal(120, h);
        assert_in_range(w, 39, 41);
        free(name);
        free(src);
    }
}

static void
test_small_not_upscaled(void **state)
{
    struct fx *f = *state;
    int w;
    int h;
    char *src = save_ramp(f, "small.png", 100, 50, 3);
    thumb_ok(f, src, "image/png", 256, &w, &h);
    assert_int_equal(100, w);
    assert_int_equal(50, h);
    free(src);
}

static void
test_rgba_flattened_on_white(void **state)
{
    struct fx *f = *state;
    /* Fully transparent black pixels must come out white, not black. */
    VipsImage *black = NULL;
    assert_int_equal(0, vips_black(&black, 64, 64, "bands", 4, NULL));
    black->Type = VIPS_INTERPRETATION_sRGB;
    char *src = fpath(f, "clear.png");
    assert_int_equal(0, vips_pngsave(black, src, NULL));
    g_object_unref(black);

    char *dst = fpath(f, "clear.jpg");
    char err[256];
    assert_int_equal(WM_OK, wm_thumb_make(src, "image/png", dst, 32, err, sizeof err));
    VipsImage *img = vips_image_new_from_file(dst, NULL);
    assert_non_null(img);
    double avg = 0;
    assert_int_equal(0, vips_avg(img, &avg, NULL));
    assert_true(avg > 250.0);
    g_object_unref(img);
    free(dst);
    free(src);
}

static void
test_pdf_first_page(void **state)
{
    struct fx *f = *state;
    int w;
    int h;
    char *a4 = make_pdf(f, "a4.pdf", 595.0, 842.0, 1);
    thumb_ok(f, a4, "application/pdf", 200, &w, &h);
    assert_int_equal(200, h);
    assert_in_range(w, 140, 142);

    /* Landscape, three pages: only the first is rendered, the long side is the box. */
    char *land = make_pdf(f, "land.pdf", 842.0, 595.0, 3);
    thumb_ok(f, land, "application/pdf", 300, &w, &h);
    assert_int_equal(300, w);
    assert_in_range(h, 211, 213);

    /* The page is not blank: the red block made it into the JPEG. */
    char *dst = fpath(f, "a4.jpg");
    char err[256];
    assert_int_equal(WM_OK, wm_thumb_make(a4, "application/pdf", dst, 200, err, sizeof err));
    VipsImage *img = vips_image_new_from_file(dst, NULL);
    assert_non_null(img);
    double mn = 0;
    assert_int_equal(0, vips_min(img, &mn, NULL));
    assert_true(mn < 100.0);
    g_object_unref(img);
    free(dst);
    free(land);
    free(a4);
}

static void
test_unsupported(void **state)
{
    struct fx *f = *state;
    char *txt = fpath(f, "a.txt");
    write_bytes(txt, "hello, 文明\n", strlen("hello, 文明\n"));
    thumb_fails(f, txt, "text/plain", 256, WM_E_UNSUPPORTED_MEDIA);
    thumb_fails(f, txt, "application/msword", 256, WM_E_UNSUPPORTED_MEDIA);
    /* Text claimed to be a PNG: no loader takes it. */
    thumb_fails(f, txt, "image/png", 256, WM_E_UNSUPPORTED_MEDIA);
    /* A PDF posing as a PNG, and a PNG posing as a JPEG: the loader must match the type. */
    char *pdf = make_pdf(f, "x.pdf", 200.0, 200.0, 1);
    thumb_fails(f, pdf, "image/png", 256, WM_E_UNSUPPORTED_MEDIA);
    char *png = save_ramp(f, "x.png", 40, 40, 3);
    thumb_fails(f, png, "image/jpeg", 256, WM_E_UNSUPPORTED_MEDIA);
    assert_false(wm_thumb_supported("text/plain"));
    assert_false(wm_thumb_supported(NULL));
    assert_true(wm_thumb_supported("image/png"));
    assert_true(wm_thumb_supported("application/pdf"));
    free(png);
    free(pdf);
    free(txt);
}

static void
test_bad_arguments(void **state)
{
    struct fx *f = *state;
    char *png = save_ramp(f, "b.png", 40, 40, 3);
    thumb_fails(f, png, "image/png", 0, WM_E_BAD_REQUEST);
    thumb_fails(f, png, "image/png", WM_THUMB_MAX_SIDE + 1, WM_E_BAD_REQUEST);
    char *missing = fpath(f, "nope.png");
    thumb_fails(f, missing, "image/png", 64, WM_E_NOT_FOUND);
    thumb_fails(f, missing, "application/pdf", 64, WM_E_NOT_FOUND);
    thumb_fails(f, f->dir, "image/png", 64, WM_E_BAD_REQUEST);
    char err[64];
    assert_int_equal(WM_E_BAD_REQUEST, wm_thumb_make(NULL, "image/png", "x", 64, err, sizeof err));
    /* A destination whose directory does not exist: an internal error, nothing written. */
    char *dst = fpath(f, "no/such/dir/t.jpg");
    assert_int_equal(WM_E_INTERNAL, wm_thumb_make(png, "image/png", dst, 64, err, sizeof err));
    assert_non_null(strstr(err, "no/such/dir"));
    free(dst);
    free(missing);
    free(png);
}

/* Truncate a copy of @a src to @a keep bytes; returns the new path (caller frees). */
static char *
truncated_copy(const struct fx *f, const char *src, const char *name, size_t keep)
{
    size_t len = 0;
    char *data = wm_read_file(src, &len);
    assert_non_null(data);
    assert_true(keep < len);
    char *p = fpath(f, name);
    write_bytes(p, data, keep);
    free(data);
    return p;
}

static void
test_truncated_and_garbage(void **state)
{
    struct fx *f = *state;
    /* Noise does not compress, so half the file is half the pixels. */
    VipsImage *noise = NULL;
    VipsImage *u8 = NULL;
    assert_int_equal(0, vips_gaussnoise(&noise, 300, 300, "mean", 128.0, "sigma", 40.0, NULL));
    assert_int_equal(0, vips_cast_uchar(noise, &u8, NULL));
    char *png = fpath(f, "noise.png");
    char *jpg = fpath(f, "noise.jpg");
    assert_int_equal(0, vips_pngsave(u8, png, NULL));
    assert_int_equal(0, vips_jpegsave(u8, jpg, NULL));
    g_object_unref(u8);
    g_object_unref(noise);

    size_t len = 0;
    char *data = wm_read_file(png, &len);
    free(data);
    char *tpng = truncated_copy(f, png, "t.png", len / 2);
    thumb_fails(f, tpng, "image/png", 64, WM_E_BAD_REQUEST);
    char *tpng2 = truncated_copy(f, png, "t2.png", 40); /* within the header */
    char err[256];
    char *dst = fpath(f, "t2.jpg");
    assert_int_not_equal(WM_OK, wm_thumb_make(tpng2, "image/png", dst, 64, err, sizeof err));
    assert_false(exists(dst));

    data = wm_read_file(jpg, &len);
    free(data);
    char *tjpg = truncated_copy(f, jpg, "t.jpg", len / 2);
    thumb_fails(f, tjpg, "image/jpeg", 64, WM_E_BAD_REQUEST);

    /* Garbage and a truncated PDF. */
    char *junk = fpath(f, "junk.pdf");
    write_bytes(junk, "%PDF-1.7\n\x01\x02garbage", 19);
    thumb_fails(f, junk, "application/pdf", 64, WM_E_BAD_REQUEST);
    char *pdf = make_pdf(f, "whole.pdf", 595.0, 842.0, 1);
    data = wm_read_file(pdf, &len);
    free(data);
    char *tpdf = truncated_copy(f, pdf, "t.pdf", len / 3);
    enum wm_err e = wm_thumb_make(tpdf, "application/pdf", dst, 64, err, sizeof err);
    /* poppler may repair it or refuse it; either way no crash, and a file only on success. */
    assert_true(WM_OK == e ? exists(dst) : !exists(dst));

    free(tpdf);
    free(pdf);
    free(junk);
    free(tjpg);
    free(dst);
    free(tpng2);
    free(tpng);
    free(jpg);
    free(png);
}

static uint32_t
crc32_of(const unsigned char *p, size_t n)
{
    uint32_t c = 0xffffffffu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++) {
            c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1u)));
        }
    }
    return c ^ 0xffffffffu;
}

static void
put32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

/* Append a PNG chunk (type + data) with its length and CRC. */
static void
png_chunk(struct wm_buf *b, const char *type, const unsigned char *data, size_t n)
{
    unsigned char len[4];
    put32(len, (uint32_t)n);
    wm_buf_add(b, len, 4);
    unsigned char *td = wm_malloc(4 + n);
    memcpy(td, type, 4);
    if (n) {
        memcpy(td + 4, data, n);
    }
    wm_buf_add(b, td, 4 + n);
    unsigned char crc[4];
    put32(crc, crc32_of(td, 4 + n));
    wm_buf_add(b, crc, 4);
    free(td);
}

static void
test_decompression_bomb(void **state)
{
    struct fx *f = *state;
    /* A 20000 x 20000 PNG header (400 megapixels) over a few bytes of data. */
    struct wm_buf b = { 0 };
    wm_buf_add(&b, "\x89PNG\r\n\x1a\n", 8);
    unsigned char ihdr[13] = { 0 };
    put32(ihdr, 20000);
    put32(ihdr + 4, 20000);
    ihdr[8] = 8;  /* bit depth */
    ihdr[9] = 2;  /* RGB */
    png_chunk(&b, "IHDR", ihdr, sizeof ihdr);
    static const unsigned char idat[] = { 0x78, 0x9c, 0x63, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01 };
    png_chunk(&b, "IDAT", idat, sizeof idat);
    png_chunk(&b, "IEND", NULL, 0);
    char *bomb = fpath(f, "bomb.png");
    write_bytes(bomb, b.data, b.len);
    wm_buf_free(&b);
    time_t t0 = time(NULL);
    thumb_fails(f, bomb, "image/png", 256, WM_E_TOO_LARGE);
    assert_true(time(NULL) - t0 < 5);

    /* A PDF page beyond PDF's 14400 pt limit. */
    char *huge = make_pdf(f, "huge.pdf", 20000.0, 300.0, 1);
    thumb_fails(f, huge, "application/pdf", 256, WM_E_TOO_LARGE);
    free(huge);
    free(bomb);
}

/* ---------------------------------------------------------------- paths */

static void
test_path(void **state)
{
    struct fx *f = *state;
    const char *sha = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    char buf[PATH_MAX];
    assert_false(wm_thumb_path(f->dir, sha, buf, sizeof buf));
    char *want = wm_asprintf("%s/01/23/%s.jpg", f->dir, sha);
    assert_string_equal(want, buf);

    char *sub = fpath(f, "01/23");
    assert_int_equal(0, wm_mkdirs(sub, 0750));
    write_bytes(want, "x", 1);
    assert_true(wm_thumb_path(f->dir, sha, buf, sizeof buf));
    assert_string_equal(want, buf);

    /* Too small a buffer: false and "". */
    char small[16] = "junk";
    assert_false(wm_thumb_path(f->dir, sha, small, sizeof small));
    assert_string_equal("", small);

    const char *const bad[] = {
        "0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef",
        "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde",
        "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0",
        "../3456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde/",
        "g123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        "",
    };
    for (size_t i = 0; i < WM_ARRAY_LEN(bad); i++) {
        snprintf(buf, sizeof buf, "junk");
        assert_false(wm_thumb_sha_valid(bad[i]));
        assert_false(wm_thumb_path(f->dir, bad[i], buf, sizeof buf));
        assert_string_equal("", buf);
    }
    assert_false(wm_thumb_sha_valid(NULL));
    assert_false(wm_thumb_path(f->dir, NULL, buf, sizeof buf));
    assert_true(wm_thumb_sha_valid(sha));
    free(sub);
    free(want);
}

/* ---------------------------------------------------------------- wm_thumb_generate */

static void
sha_of(const char *p, char out[65])
{
    size_t len = 0;
    char *data = wm_read_file(p, &len);
    assert_non_null(data);
    wm_sha256_hex(data, len, out);
    free(data);
}

static unsigned tmp_seen;

static int
count_tmp(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    if (strstr(p, ".tmp.")) {
        tmp_seen++;
    }
    return 0;
}

/* wm_thumb_generate, what a "thumbnail" job runs: made once, skipped when it exists, a
** failure leaves nothing, bad requests are refused before the maker runs. */
static void
test_generate(void **state)
{
    struct fx *f = *state;
    char *thumbs = fpath(f, "thumbs");
    assert_int_equal(0, wm_mkdirs(thumbs, 0750));
    char *png = save_ramp(f, "q.png", 640, 480, 3);
    char *pdf = make_pdf(f, "q.pdf", 595.0, 842.0, 1);
    char *txt = fpath(f, "q.txt");
    write_bytes(txt, "text", 4);
    char sp[65];
    char sd[65];
    char st[65];
    sha_of(png, sp);
    sha_of(pdf, sd);
    sha_of(txt, st);
    char err[512] = "";
    bool made = false;
    assert_int_equal(WM_OK, wm_thumb_generate(thumbs, sp, png, "image/png", 128, wm_thumb_make,
                                              &made, err, sizeof err));
    assert_true(made);
    assert_int_equal(WM_OK, wm_thumb_generate(thumbs, sd, pdf, "application/pdf", 128,
                                              wm_thumb_make, &made, err, sizeof err));
    assert_true(made);

    char path[PATH_MAX];
    int w;
    int h;
    assert_true(wm_thumb_path(thumbs, sp, path, sizeof path));
    measure(path, 128, &w, &h);
    assert_int_equal(128, w);
    assert_int_equal(96, h);
    assert_true(wm_thumb_path(thumbs, sd, path, sizeof path));
    measure(path, 128, &w, &h);
    assert_int_equal(128, h);

    /* An existing thumbnail is not made again (the maker would fail on this source). */
    assert_int_equal(WM_OK, wm_thumb_generate(thumbs, sp, txt, "image/png", 128, wm_thumb_make,
                                              &made, err, sizeof err));
    assert_false(made);

    /* Refused before the maker runs: unsupported type, bad sha, no source. */
    static const char *const bad_sha[] = {"ABC", "../../etc/passwd", NULL};
    assert_int_equal(WM_E_BAD_REQUEST, wm_thumb_generate(thumbs, st, txt, "text/plain", 128,
                                                         wm_thumb_make, &made, err, sizeof err));
    assert_false(wm_thumb_path(thumbs, st, path, sizeof path));
    for (int i = 0; bad_sha[i]; i++) {
        assert_int_equal(WM_E_BAD_REQUEST,
                         wm_thumb_generate(thumbs, bad_sha[i], png, "image/png", 128,
                                           wm_thumb_make, &made, err, sizeof err));
    }
    char sx[65];
    wm_sha256_hex("no source", 9, sx);
    assert_int_equal(WM_E_BAD_REQUEST, wm_thumb_generate(thumbs, sx, NULL, "image/png", 128,
                                                         wm_thumb_make, &made, err, sizeof err));

    /* A damaged file fails with its cause and leaves no thumbnail and no temp file. */
    char *bad = fpath(f, "bad.png");
    write_bytes(bad, "\x89PNG\r\n\x1a\nnot really", 18);
    char sb[65];
    sha_of(bad, sb);
    err[0] = '\0';
    assert_int_not_equal(WM_OK, wm_thumb_generate(thumbs, sb, bad, "image/png", 128,
                                                  wm_thumb_make, &made, err, sizeof err));
    assert_false(made);
    assert_true(err[0] != '\0');
    assert_false(wm_thumb_path(thumbs, sb, path, sizeof path));
    tmp_seen = 0;
    assert_int_equal(0, nftw(thumbs, count_tmp, 16, FTW_PHYS));
    assert_int_equal(0, tmp_seen);

    free(bad);
    free(txt);
    free(pdf);
    free(png);
    free(thumbs);
}

int
main(void)
{
    wm_log_set_level(WM_LOG_ERROR);
    if (VIPS_INIT("test_thumb")) {
        fprintf(stderr, "vips_init: %s\n", vips_error_buffer());
        return 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_images, setup, teardown),
        cmocka_unit_test_setup_teardown(test_small_not_upscaled, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rgba_flattened_on_white, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pdf_first_page, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unsupported, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_arguments, setup, teardown),
        cmocka_unit_test_setup_teardown(test_truncated_and_garbage, setup, teardown),
        cmocka_unit_test_setup_teardown(test_decompression_bomb, setup, teardown),
        cmocka_unit_test_setup_teardown(test_path, setup, teardown),
        cmocka_unit_test_setup_teardown(test_generate, setup, teardown),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    vips_shutdown();
    return rc;
}

/* end of test_thumb.c */
