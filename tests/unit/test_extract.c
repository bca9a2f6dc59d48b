/*
** test_extract.c — text extraction (src/extract) on samples made here: a PDF with a text
** layer (cairo + pango, Chinese and Latin, two pages in order), a scanned PDF (a page that
** is only an image of text: OCR), DOCX/XLSX/PPTX/ODT/ODS/OFD written with libarchive (order
** of slides, sheets and OFD pages, paragraphs, skipped parts), a WPS announced file that is
** OOXML and one that is binary OLE2, text in UTF-8, GBK (made with iconv), UTF-16 and broken
** bytes, a PNG of rendered Chinese for OCR; the text cap; hostile input: a ZIP bomb refused
** fast, truncated and garbage files of every type failing cleanly, an entity bomb not
** expanded, and the `wenming-extract` helper (argv[1]) killed by its CPU-time limit on a
** small workbook that takes minutes to parse (attributes by the ten thousand), and
** wm_extract_make_spawned's mapping of its exit codes and signals.
*/
/* clang-format off */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <cmocka.h>

#include "tdir.h"

#include <archive.h>
#include <archive_entry.h>
#include <cairo.h>
#include <cairo-pdf.h>
#include <leptonica/allheaders.h>
#include <pango/pangocairo.h>

#include "ex_int.h"
#include "wm_extract.h"
#include "wm_util.h"

#include "banned.h"
/* clang-format on */

extern char **environ;

static const char *helper_path; /* argv[1]: the wenming-extract program */

struct fx {
    char dir[64];
};

static int
setup(void **state)
{
    struct fx *f = wm_calloc(1, sizeof *f);
    tdir_make(f->dir, sizeof f->dir, "extract");
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

static void
write_bytes(const char *path, const void *p, size_t n)
{
    assert_int_equal(0, wm_write_atomic(path, p, n, 0600));
}

/* The text of a file, asserting success. */
static char *
text_of(const char *path, const char *mime)
{
    char *text = NULL;
    size_t len = 0;
    char err[512] = "";
    enum wm_err e = wm_extract_text(path, mime, &text, &len, err, sizeof err);
    if (WM_OK != e) {
        fail_msg("%s (%s): %s: %s", path, mime, wm_err_code(e), err);
    }
    assert_non_null(text);
    assert_int_equal(len, strlen(text));
    assert_true(wm_utf8_valid(text, len) || 0 == len);
    return text;
}

/* The error of a file that must not extract; no text comes out. */
static enum wm_err
fail_of(const char *path, const char *mime, char *err, size_t errlen)
{
    char *text = (char *)"x";
    size_t len = 1;
    enum wm_err e = wm_extract_text(path, mime, &text, &len, err, errlen);
    assert_int_not_equal(WM_OK, e);
    assert_null(text);
    assert_true(err[0] != '\0');
    return e;
}

static void
assert_has(const char *hay, const char *needle)
{
    if (NULL == strstr(hay, needle)) {
        fail_msg("\"%s\" not in the text:\n%s", needle, hay);
    }
}

static void
assert_before(const char *hay, const char *a, const char *b)
{
    const char *pa = strstr(hay, a);
    const char *pb = strstr(hay, b);
    if (NULL == pa || NULL == pb || pa >= pb) {
        fail_msg("\"%s\" is not before \"%s\" in:\n%s", a, b, hay);
    }
}

/* ---------------------------------------------------------------- ZIP samples */

struct zent {
    const char *name;
    const char *data; /* NUL-terminated */
};

static void
write_zip(const char *path, const struct zent *e, size_t n)
{
    struct archive *a = archive_write_new();
    assert_int_equal(ARCHIVE_OK, archive_write_set_format_zip(a));
    assert_int_equal(ARCHIVE_OK, archive_write_set_options(a, "zip:compression=deflate"));
    assert_int_equal(ARCHIVE_OK, archive_write_open_filename(a, path));
    for (size_t i = 0; i < n; i++) {
        struct archive_entry *ent = archive_entry_new();
        size_t len = strlen(e[i].data);
        archive_entry_set_pathname(ent, e[i].name);
        archive_entry_set_filetype(ent, AE_IFREG);
        archive_entry_set_perm(ent, 0644);
        archive_entry_set_size(ent, (la_int64_t)len);
        assert_int_equal(ARCHIVE_OK, archive_write_header(a, ent));
        assert_int_equal((la_ssize_t)len, archive_write_data(a, e[i].data, len));
        archive_entry_free(ent);
    }
    assert_int_equal(ARCHIVE_OK, archive_write_close(a));
    archive_write_free(a);
}

#define W_NS "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\""
#define A_NS "xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\""
#define P_NS "xmlns:p=\"http://schemas.openxmlformats.org/presentationml/2006/main\""
#define S_NS "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\""
#define OFD_NS "xmlns:ofd=\"http://www.ofdspec.org/2016\""
#define ODF_NS                                                                      \
    "xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" "            \
    "xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" "                \
    "xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\""

static const struct zent docx[] = {
    {"[Content_Types].xml", "<?xml version=\"1.0\"?><Types/>"},
    {"word/document.xml",
     "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"
     "<w:document " W_NS "><w:body>"
     "<w:p><w:pPr><w:tabs><w:tab w:val=\"left\" w:pos=\"720\"/></w:tabs></w:pPr>"
     "<w:r><w:t>关于开展</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>道德讲堂</w:t></w:r>"
     "<w:r><w:t>活动的通知</w:t></w:r></w:p>"
     "<w:p><w:r><w:t xml:space=\"preserve\">Tom &amp; Jerry </w:t><w:tab/><w:t>2024年</w:t>"
     "</w:r><w:r><w:delText>删掉的字</w:delText></w:r><w:r><w:instrText> PAGE </w:instrText>"
     "</w:r></w:p>"
     "<w:p><w:r><mc:AlternateContent "
     "xmlns:mc=\"http://schemas.openxmlformats.org/markup-compatibility/2006\">"
     "<mc:Choice Requires=\"wps\"><w:drawing><w:txbxContent><w:p><w:r><w:t>文本框内容</w:t>"
     "</w:r></w:p></w:txbxContent></w:drawing></mc:Choice><mc:Fallback><w:pict><w:txbxContent>"
     "<w:p><w:r><w:t>文本框内容</w:t></w:r></w:p></w:txbxContent></w:pict></mc:Fallback>"
     "</mc:AlternateContent></w:r></w:p>"
     "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>单元一</w:t></w:r></w:p></w:tc>"
     "<w:tc><w:p><w:r><w:t>单元二</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"
     "</w:body></w:document>"},
    {"word/header1.xml", "<w:hdr " W_NS "><w:p><w:r><w:t>页眉文字</w:t></w:r></w:p></w:hdr>"},
    {"word/media/image1.png", "not really a png"},
};

/* ---------------------------------------------------------------- drawing text */

/* Draw @a text with Noto Sans CJK SC at @a px pixels at (x, y) on cr. */
static void
draw_text(cairo_t *cr, const char *text, double px, double x, double y)
{
    PangoLayout *lay = pango_cairo_create_layout(cr);
    PangoFontDescription *fd = pango_font_description_from_string("Noto Sans CJK SC");
    pango_font_description_set_absolute_size(fd, px * PANGO_SCALE);
    pango_layout_set_font_description(lay, fd);
    pango_layout_set_text(lay, text, -1);
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_move_to(cr, x, y);
    pango_cairo_show_layout(cr, lay);
    pango_font_description_free(fd);
    g_object_unref(lay);
}

/* A white w x h image with lines of text at px pixels. */
static cairo_surface_t *
text_image(int w, int h, const char *const *lines, size_t n, double px)
{
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
    cairo_t *cr = cairo_create(s);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    for (size_t i = 0; i < n; i++) {
        draw_text(cr, lines[i], px, px, px + (double)i * px * 2.0);
    }
    cairo_destroy(cr);
    cairo_surface_flush(s);
    return s;
}

static const char *const ocr_lines[] = {"文明创建档案", "道德讲堂活动"};

/* ---------------------------------------------------------------- tests */

static void
test_pdf_text_layer(void **state)
{
    struct fx *f = *state;
    char *p = fpath(f, "a.pdf");
    cairo_surface_t *s = cairo_pdf_surface_create(p, 595, 842);
    cairo_t *cr = cairo_create(s);
    draw_text(cr, "文明创建档案", 24, 72, 72);
    draw_text(cr, "Hello Wenming 2024", 18, 72, 140);
    cairo_show_page(cr);
    draw_text(cr, "第二页：道德讲堂", 24, 72, 72);
    cairo_show_page(cr);
    cairo_destroy(cr);
    cairo_surface_finish(s);
    assert_int_equal(CAIRO_STATUS_SUCCESS, cairo_surface_status(s));
    cairo_surface_destroy(s);

    char *t = text_of(p, "application/pdf");
    assert_has(t, "文明创建档案");
    assert_has(t, "Hello Wenming 2024");
    assert_before(t, "文明创建档案", "道德讲堂");
    assert_before(t, "Hello", "第二页");
    free(t);

    /* the file form: atomically written, nothing left behind */
    char *dst = fpath(f, "a.txt");
    char err[256] = "";
    assert_int_equal(WM_OK, wm_extract_file(p, "application/pdf", dst, err, sizeof err));
    size_t n = 0;
    char *back = wm_read_file(dst, &n);
    assert_non_null(back);
    assert_has(back, "文明创建档案");
    free(back);
    free(dst);
    free(p);
}

static void
test_pdf_scanned_ocr(void **state)
{
    struct fx *f = *state;
    /* An A4 page that is only an image, as a scanner makes at 200 dpi. */
    cairo_surface_t *img = text_image(1654, 600, ocr_lines, 2, 64);
    char *p = fpath(f, "scan.pdf");
    cairo_surface_t *s = cairo_pdf_surface_create(p, 595, 842);
    cairo_t *cr = cairo_create(s);
    cairo_scale(cr, 72.0 / 200.0, 72.0 / 200.0);
    cairo_set_source_surface(cr, img, 0, 0);
    cairo_paint(cr);
    cairo_show_page(cr);
    /* page 2: a scan with a page number as text on top: read by OCR too */
    static const char *const page2[] = {"学雷锋志愿服务"};
    cairo_surface_t *img2 = text_image(1000, 200, page2, 1, 64);
    cairo_set_source_surface(cr, img2, 0, 0);
    cairo_paint(cr);
    cairo_identity_matrix(cr);
    draw_text(cr, "第2页", 10, 280, 800);
    cairo_show_page(cr);
    cairo_destroy(cr);
    cairo_surface_finish(s);
    cairo_surface_destroy(s);
    cairo_surface_destroy(img2);
    cairo_surface_destroy(img);

    char *t = text_of(p, "application/pdf");
    assert_has(t, "文明创建档案");
    /* chi_tra may win on a line: the index folds 講 to 讲 (OpenCC), so either is found */
    if (NULL == strstr(t, "道德讲堂") && NULL == strstr(t, "道德講堂")) {
        fail_msg("no 道德讲堂 in the OCR text:\n%s", t);
    }
    assert_has(t, "第2页");
    if (NULL == strstr(t, "学雷锋志愿服务") && NULL == strstr(t, "學雷鋒志願服務")) {
        fail_msg("page 2 (a scan under a page number) was not read:\n%s", t);
    }
    assert_before(t, "文明创建档案", "第2页");
    free(t);
    free(p);
}

static void
test_image_ocr(void **state)
{
    struct fx *f = *state;
    static const char *const lines[] = {"文明创建档案", "道德讲堂活动", "Wenming 2024"};
    cairo_surface_t *img = text_image(900, 420, lines, 3, 48);
    char *p = fpath(f, "words.png");
    assert_int_equal(CAIRO_STATUS_SUCCESS, cairo_surface_write_to_png(img, p));
    cairo_surface_destroy(img);
    char *t = text_of(p, "image/png");
    /* OCR puts spaces between Chinese characters: they are gone */
    assert_has(t, "文明创建档案");
    if (NULL == strstr(t, "道德讲堂") && NULL == strstr(t, "道德講堂")) {
        fail_msg("no 道德讲堂 in the OCR text:\n%s", t);
    }
    assert_has(t, "Wenming");
    assert_null(strstr(t, "文 明"));
    free(t);

    /* an image without writing gives an empty text, not an error */
    cairo_surface_t *blank = text_image(200, 200, NULL, 0, 10);
    char *b = fpath(f, "blank.png");
    assert_int_equal(CAIRO_STATUS_SUCCESS, cairo_surface_write_to_png(blank, b));
    cairo_surface_destroy(blank);
    t = text_of(b, "image/png");
    assert_string_equal("", t);
    free(t);
    free(b);
    free(p);
}

/* The same writing as JPEG, TIFF, GIF, WebP and BMP (leptonica writes them), each read. */
static void
test_image_formats(void **state)
{
    struct fx *f = *state;
    static const char *const lines[] = {"文明单位"};
    cairo_surface_t *img = text_image(360, 140, lines, 1, 56);
    char *png = fpath(f, "f.png");
    assert_int_equal(CAIRO_STATUS_SUCCESS, cairo_surface_write_to_png(img, png));
    cairo_surface_destroy(img);
    PIX *pix = pixRead(png);
    assert_non_null(pix);
    static const struct {
        const char *name;
        l_int32 format;
        const char *mime;
    } kinds[] = {
        {"f.jpg", IFF_JFIF_JPEG, "image/jpeg"}, {"f.tif", IFF_TIFF_ZIP, "image/tiff"},
        {"f.gif", IFF_GIF, "image/gif"},        {"f.webp", IFF_WEBP, "image/webp"},
        {"f.bmp", IFF_BMP, "image/bmp"},
    };
    for (size_t i = 0; i < WM_ARRAY_LEN(kinds); i++) {
        char *p = fpath(f, kinds[i].name);
        assert_int_equal(0, pixWrite(p, pix, kinds[i].format));
        char *t = text_of(p, kinds[i].mime);
        if (NULL == strstr(t, "文明单位")) {
            fail_msg("%s: no 文明单位 in the OCR text: %s", kinds[i].name, t);
        }
        free(t);
        free(p);
    }
    pixDestroy(&pix);
    free(png);
}

static uint32_t
crc32_of(const unsigned char *p, size_t n)
{
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++) {
            c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
        }
    }
    return ~c;
}

static void
put_be32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24), p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8), p[3] = (unsigned char)v;
}

/* A PNG whose header says 20000 x 20000 (400 megapixels): refused before any decoding. */
static void
test_image_bomb(void **state)
{
    struct fx *f = *state;
    unsigned char png[8 + 25 + 12];
    memcpy(png, "\x89PNG\r\n\x1a\n", 8);
    unsigned char *ihdr = png + 8;
    put_be32(ihdr, 13);
    memcpy(ihdr + 4, "IHDR", 4);
    put_be32(ihdr + 8, 20000);
    put_be32(ihdr + 12, 20000);
    ihdr[16] = 8, ihdr[17] = 2, ihdr[18] = 0, ihdr[19] = 0, ihdr[20] = 0; /* 8-bit RGB */
    put_be32(ihdr + 21, crc32_of(ihdr + 4, 17));
    unsigned char *iend = ihdr + 25;
    put_be32(iend, 0);
    memcpy(iend + 4, "IEND", 4);
    put_be32(iend + 8, crc32_of(iend + 4, 4));
    char *p = fpath(f, "bomb.png");
    write_bytes(p, png, sizeof png);
    char err[256] = "";
    assert_int_equal(WM_E_BAD_REQUEST, fail_of(p, "image/png", err, sizeof err));
    assert_non_null(strstr(err, "20000x20000"));
    free(p);
}

static void
test_join_han(void **state)
{
    (void)state;
    char s[] = "文 明 创 建 , Wen ming 2024 年 档案 ， 好";
    size_t n = ex_join_han(s, strlen(s));
    assert_int_equal(n, strlen(s));
    assert_string_equal("文明创建 , Wen ming 2024 年档案，好", s);
}

static void
test_docx(void **state)
{
    struct fx *f = *state;
    char *p = fpath(f, "a.docx");
    write_zip(p, docx, WM_ARRAY_LEN(docx));
    char *t = text_of(p, "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
    assert_has(t, "关于开展道德讲堂活动的通知\n");
    assert_has(t, "Tom & Jerry \t2024年");
    assert_has(t, "单元一\n单元二");
    assert_has(t, "页眉文字");
    assert_before(t, "通知", "页眉文字");
    assert_null(strstr(t, "删掉的字"));
    assert_has(t, "文本框内容");
    assert_null(strstr(strstr(t, "文本框内容") + 1, "文本框内容")); /* once: no fallback copy */
    assert_null(strstr(t, "PAGE"));
    assert_int_equal('\n', t[strlen("关于开展道德讲堂活动的通知")]);
    free(t);
    /* the same bytes announced as a plain ZIP or as a WPS document */
    t = text_of(p, "application/zip");
    assert_has(t, "道德讲堂");
    free(t);
    t = text_of(p, "application/wps-office.wps");
    assert_has(t, "道德讲堂");
    free(t);
    free(p);
}

static void
test_xlsx(void **state)
{
    struct fx *f = *state;
    static const struct zent x[] = {
        {"[Content_Types].xml", "<Types/>"},
        {"xl/worksheets/sheet2.xml",
         "<worksheet " S_NS "><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>第二表内联"
         "</t></is></c><c r=\"B1\"><v>42</v></c></row></sheetData></worksheet>"},
        {"xl/workbook.xml", "<workbook " S_NS "/>"},
        {"xl/sharedStrings.xml",
         "<sst " S_NS " count=\"3\"><si><t>创建指标</t></si><si><r><t>富</t></r><r><t>文本</t></r>"
         "<rPh sb=\"0\" eb=\"1\"><t>ふりがな</t></rPh></si><si><t>Score</t></si></sst>"},
        {"xl/worksheets/sheet1.xml",
         "<worksheet " S_NS "><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>第一表内联"
         "</t></is></c></row></sheetData></worksheet>"},
    };
    char *p = fpath(f, "a.xlsx");
    write_zip(p, x, WM_ARRAY_LEN(x));
    char *t = text_of(p, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    assert_has(t, "创建指标\n富文本\nScore");
    assert_null(strstr(t, "ふりがな"));
    assert_before(t, "Score", "第一表内联");
    assert_before(t, "第一表内联", "第二表内联");
    assert_null(strstr(t, "42"));
    free(t);
    t = text_of(p, "application/wps-office.et");
    assert_has(t, "创建指标");
    free(t);
    free(p);
}

static void
test_pptx(void **state)
{
    struct fx *f = *state;
#define SLIDE(txt)                                                                     \
    "<p:sld " P_NS " " A_NS "><p:cSld><p:spTree><p:sp><p:txBody><a:p><a:r><a:t>" txt \
    "</a:t></a:r><a:br/><a:r><a:t>续行</a:t></a:r></a:p><a:p><a:r><a:t>段二</a:t></a:r>" \
    "</a:p></p:txBody></p:sp></p:spTree></p:cSld></p:sld>"
    static const struct zent x[] = {
        {"[Content_Types].xml", "<Types/>"},
        {"ppt/presentation.xml", "<p:presentation " P_NS "/>"},
        {"ppt/slides/slide10.xml", SLIDE("第十张")},
        {"ppt/slides/slide2.xml", SLIDE("第二张")},
        {"ppt/slides/slide1.xml", SLIDE("第一张")},
        {"ppt/slides/_rels/slide1.xml.rels", "<Relationships/>"},
    };
#undef SLIDE
    char *p = fpath(f, "a.pptx");
    write_zip(p, x, WM_ARRAY_LEN(x));
    char *t = text_of(p, "application/vnd.openxmlformats-officedocument.presentationml.presentation");
    assert_before(t, "第一张", "第二张");
    assert_before(t, "第二张", "第十张");
    assert_has(t, "第一张\n续行\n段二\n第二张");
    free(t);
    free(p);
}

static void
test_odf(void **state)
{
    struct fx *f = *state;
    static const struct zent odt[] = {
        {"mimetype", "application/vnd.oasis.opendocument.text"},
        {"META-INF/manifest.xml", "<manifest/>"},
        {"content.xml",
         "<office:document-content " ODF_NS "><office:body><office:text>"
         "<text:tracked-changes><text:changed-region><text:p>旧的删除</text:p>"
         "</text:changed-region></text:tracked-changes>"
         "<text:h text:outline-level=\"1\">学雷锋志愿服务</text:h>"
         "<text:p>第一段<text:span>带格式</text:span><text:s text:c=\"3\"/>end<text:tab/>x"
         "<text:line-break/>新行</text:p></office:text></office:body>"
         "</office:document-content>"},
    };
    char *p = fpath(f, "a.odt");
    write_zip(p, odt, WM_ARRAY_LEN(odt));
    char *t = text_of(p, "application/vnd.oasis.opendocument.text");
    assert_string_equal("学雷锋志愿服务\n第一段带格式 end\tx\n新行", t);
    free(t);
    free(p);

    static const struct zent ods[] = {
        {"mimetype", "application/vnd.oasis.opendocument.spreadsheet"},
        {"content.xml",
         "<office:document-content " ODF_NS "><office:body><office:spreadsheet><table:table>"
         "<table:table-row><table:table-cell><text:p>单位名称</text:p></table:table-cell>"
         "<table:table-cell><text:p>得分</text:p></table:table-cell></table:table-row>"
         "</table:table></office:spreadsheet></office:body></office:document-content>"},
    };
    static const struct zent odp[] = {
        {"mimetype", "application/vnd.oasis.opendocument.presentation"},
        {"content.xml",
         "<office:document-content " ODF_NS " "
         "xmlns:draw=\"urn:oasis:names:tc:opendocument:xmlns:drawing:1.0\"><office:body>"
         "<office:presentation><draw:page draw:name=\"1\"><draw:frame><draw:text-box>"
         "<text:p>创建工作汇报</text:p></draw:text-box></draw:frame></draw:page>"
         "<draw:page draw:name=\"2\"><draw:frame><draw:text-box><text:p>第二页幻灯片</text:p>"
         "</draw:text-box></draw:frame></draw:page></office:presentation></office:body>"
         "</office:document-content>"},
    };
    p = fpath(f, "a.odp");
    write_zip(p, odp, WM_ARRAY_LEN(odp));
    t = text_of(p, "application/vnd.oasis.opendocument.presentation");
    assert_string_equal("创建工作汇报\n第二页幻灯片", t);
    free(t);
    free(p);

    p = fpath(f, "a.ods");
    write_zip(p, ods, WM_ARRAY_LEN(ods));
    t = text_of(p, "application/vnd.oasis.opendocument.spreadsheet");
    assert_string_equal("单位名称\n得分", t);
    free(t);
    free(p);
}

/* An OFD: the root names Doc_0/Document.xml, which orders Page_1 before Page_0. */
static void
test_ofd(void **state)
{
    struct fx *f = *state;
    static const struct zent ofd[] = {
        {"Doc_0/Pages/Page_0/Content.xml",
         "<?xml version=\"1.0\" encoding=\"UTF-8\"?><ofd:Page " OFD_NS "><ofd:Content>"
         "<ofd:Layer ID=\"2\">"
         "<ofd:TextObject ID=\"3\" Boundary=\"20 30 10 5\" Font=\"1\" Size=\"4.5\">"
         "<ofd:TextCode X=\"0\" Y=\"4\">第二</ofd:TextCode></ofd:TextObject>"
         "<ofd:TextObject ID=\"4\" Boundary=\"30 30 10 5\" Font=\"1\" Size=\"4.5\">"
         "<ofd:TextCode X=\"0\" Y=\"4\">页文字</ofd:TextCode></ofd:TextObject>"
         "<ofd:TextObject ID=\"5\" Boundary=\"20 40 60 5\" Font=\"1\" Size=\"4.5\">"
         "<ofd:TextCode X=\"0\" Y=\"4\">下一行</ofd:TextCode></ofd:TextObject>"
         "</ofd:Layer></ofd:Content></ofd:Page>"},
        {"Doc_0/Pages/Page_1/Content.xml",
         "<ofd:Page " OFD_NS "><ofd:Content><ofd:Layer ID=\"2\">"
         "<ofd:TextObject ID=\"3\" Boundary=\"20 30 100 5\" Font=\"1\" Size=\"4.5\">"
         "<ofd:TextCode X=\"0\" Y=\"4\" DeltaX=\"g 5 4.5\">关于表彰</ofd:TextCode>"
         "<ofd:TextCode X=\"0\" Y=\"10\">文明单位的决定</ofd:TextCode></ofd:TextObject>"
         "</ofd:Layer></ofd:Content></ofd:Page>"},
        {"OFD.xml",
         "<?xml version=\"1.0\" encoding=\"UTF-8\"?><ofd:OFD " OFD_NS " Version=\"1.0\" "
         "DocType=\"OFD\"><ofd:DocBody><ofd:DocInfo><ofd:DocID>x</ofd:DocID></ofd:DocInfo>"
         "<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>"},
        {"Doc_0/Document.xml",
         "<ofd:Document " OFD_NS "><ofd:CommonData><ofd:MaxUnitID>9</ofd:MaxUnitID>"
         "</ofd:CommonData><ofd:Pages>"
         "<ofd:Page ID=\"1\" BaseLoc=\"Pages/Page_1/Content.xml\"/>"
         "<ofd:Page ID=\"2\" BaseLoc=\"/Doc_0/Pages/Page_0/Content.xml\"/>"
         "</ofd:Pages></ofd:Document>"},
    };
    char *p = fpath(f, "a.ofd");
    write_zip(p, ofd, WM_ARRAY_LEN(ofd));
    char *t = text_of(p, "application/ofd");
    assert_string_equal("关于表彰\n文明单位的决定\n第二页文字\n下一行", t);
    free(t);
    /* libmagic calls it a ZIP: the same */
    t = text_of(p, "application/zip");
    assert_has(t, "文明单位的决定");
    free(t);
    free(p);

    /* no document root: the pages in entry order */
    static const struct zent bare[] = {
        {"OFD.xml", "<ofd:OFD " OFD_NS "><ofd:DocBody/></ofd:OFD>"},
        {"Doc_0/Pages/Page_0/Content.xml", ofd[0].data},
        {"Doc_0/Pages/Page_1/Content.xml", ofd[1].data},
    };
    p = fpath(f, "bare.ofd");
    write_zip(p, bare, WM_ARRAY_LEN(bare));
    t = text_of(p, "application/ofd");
    assert_before(t, "第二页文字", "关于表彰");
    free(t);
    free(p);
}

static void
test_text_encodings(void **state)
{
    struct fx *f = *state;
    /* GBK, made by iconv */
    const char *utf8 = "道德讲堂\r\n第二行\r第三行\n";
    iconv_t cd = iconv_open("GBK", "UTF-8");
    assert_true((iconv_t)-1 != cd);
    char gbk[64];
    char *in = (char *)utf8;
    size_t inleft = strlen(utf8);
    char *out = gbk;
    size_t outleft = sizeof gbk;
    assert_true((size_t)-1 != iconv(cd, &in, &inleft, &out, &outleft));
    iconv_close(cd);
    size_t gbk_len = sizeof gbk - outleft;
    assert_false(wm_utf8_valid(gbk, gbk_len));
    char *p = fpath(f, "gbk.txt");
    write_bytes(p, gbk, gbk_len);
    char *t = text_of(p, "text/plain");
    assert_string_equal("道德讲堂\n第二行\n第三行", t);
    free(t);
    free(p);

    /* runs of empty lines become one empty line */
    p = fpath(f, "blank.txt");
    write_bytes(p, "一\n\n\n\n二\r\n\r\n\r\n三\n", 20);
    t = text_of(p, "text/plain");
    assert_string_equal("一\n\n二\n\n三", t);
    free(t);
    free(p);

    /* UTF-8 with a byte-order mark, CSV */
    p = fpath(f, "bom.csv");
    write_bytes(p, "\xEF\xBB\xBF名称,得分\r\n文明单位,95\r\n", 35);
    t = text_of(p, "text/csv");
    assert_string_equal("名称,得分\n文明单位,95", t);
    free(t);
    free(p);

    /* UTF-16LE with its mark */
    static const unsigned char u16[] = {0xFF, 0xFE, 0x53, 0x90, 0xB7, 0x5F, 0x0D, 0x00,
                                        0x0A, 0x00, 0x41, 0x00};
    p = fpath(f, "u16.txt");
    write_bytes(p, u16, sizeof u16);
    t = text_of(p, "text/plain");
    assert_string_equal("道德\nA", t);
    free(t);
    free(p);

    /* mostly UTF-8 with a broken byte: replaced, the rest kept; control bytes dropped */
    p = fpath(f, "broken.txt");
    struct wm_buf b = {0};
    for (int i = 0; i < 50; i++) {
        wm_buf_adds(&b, "文明创建 ");
    }
    wm_buf_add(&b, "\xFF\x01\x07ok", 5);
    write_bytes(p, b.data, b.len);
    wm_buf_free(&b);
    t = text_of(p, "text/plain");
    assert_has(t, "文明创建 文明创建");
    assert_has(t, "\xEF\xBF\xBDok");
    free(t);
    free(p);
}

static void
test_text_cap(void **state)
{
    struct fx *f = *state;
    /* 10 MiB of three-byte characters: cut at 4 MiB on a character boundary */
    size_t n = (size_t)10 << 20;
    char *big = wm_malloc(n);
    for (size_t i = 0; i + 3 <= n; i += 3) {
        memcpy(big + i, "档", 3);
    }
    n -= n % 3;
    char *p = fpath(f, "big.txt");
    write_bytes(p, big, n);
    free(big);
    char *t = text_of(p, "text/plain");
    size_t len = strlen(t);
    assert_true(len <= WM_EXTRACT_MAX_TEXT);
    assert_true(len > WM_EXTRACT_MAX_TEXT - 3);
    assert_true(wm_utf8_valid(t, len));
    free(t);
    free(p);
}

static void
test_unsupported(void **state)
{
    struct fx *f = *state;
    char err[256] = "";
    assert_true(wm_extract_supported("application/pdf"));
    assert_true(wm_extract_supported("application/ofd"));
    assert_true(wm_extract_supported("image/png"));
    assert_true(wm_extract_supported("text/plain"));
    assert_true(wm_extract_supported("application/wps-office.et"));
    assert_false(wm_extract_supported("audio/wav"));
    assert_false(wm_extract_supported("application/msword"));
    assert_false(wm_extract_supported(NULL));

    char *p = fpath(f, "x.bin");
    write_bytes(p, "RIFF....WAVE", 12);
    assert_int_equal(WM_E_UNSUPPORTED_MEDIA, fail_of(p, "audio/wav", err, sizeof err));
    free(p);

    /* a ZIP of other files */
    static const struct zent other[] = {{"photos/a.txt", "hello"}, {"b.txt", "world"}};
    p = fpath(f, "other.zip");
    write_zip(p, other, WM_ARRAY_LEN(other));
    assert_int_equal(WM_E_UNSUPPORTED_MEDIA, fail_of(p, "application/zip", err, sizeof err));
    free(p);
    /* an EPUB-like ZIP with a mimetype that is not ODF */
    static const struct zent epub[] = {{"mimetype", "application/epub+zip"}, {"content.xml", "<a/>"}};
    p = fpath(f, "e.zip");
    write_zip(p, epub, WM_ARRAY_LEN(epub));
    assert_int_equal(WM_E_UNSUPPORTED_MEDIA, fail_of(p, "application/zip", err, sizeof err));
    free(p);
    /* a binary (OLE2) WPS document */
    p = fpath(f, "old.wps");
    write_bytes(p, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0\0\0\0\0\0\0", 16);
    assert_int_equal(WM_E_UNSUPPORTED_MEDIA,
                     fail_of(p, "application/wps-office.wps", err, sizeof err));
    free(p);
    /* missing file */
    p = fpath(f, "missing.pdf");
    assert_int_equal(WM_E_NOT_FOUND, fail_of(p, "application/pdf", err, sizeof err));
    free(p);
}

/* A ZIP whose document part is 1 GiB of zeros, written streaming: refused at once. */
static void
test_zip_bomb(void **state)
{
    struct fx *f = *state;
    char *p = fpath(f, "bomb.docx");
    struct archive *a = archive_write_new();
    archive_write_set_format_zip(a);
    assert_int_equal(ARCHIVE_OK, archive_write_set_options(a, "zip:compression=deflate,"
                                                             "zip:compression-level=1"));
    assert_int_equal(ARCHIVE_OK, archive_write_open_filename(a, p));
    struct archive_entry *e = archive_entry_new();
    archive_entry_set_pathname(e, "[Content_Types].xml");
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_size(e, 7);
    assert_int_equal(ARCHIVE_OK, archive_write_header(a, e));
    assert_int_equal(7, archive_write_data(a, "<Types/", 7));
    archive_entry_clear(e);
    archive_entry_set_pathname(e, "word/document.xml");
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_size(e, (la_int64_t)1 << 30);
    assert_int_equal(ARCHIVE_OK, archive_write_header(a, e));
    size_t chunk = (size_t)1 << 20;
    char *zeros = wm_calloc(1, chunk);
    for (int i = 0; i < 1024; i++) {
        assert_int_equal((la_ssize_t)chunk, archive_write_data(a, zeros, chunk));
    }
    free(zeros);
    archive_entry_free(e);
    assert_int_equal(ARCHIVE_OK, archive_write_close(a));
    archive_write_free(a);
    struct stat st;
    assert_int_equal(0, stat(p, &st));
    assert_true(st.st_size < (10 << 20));

    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    char err[256] = "";
    assert_int_equal(WM_E_BAD_REQUEST, fail_of(p, "application/zip", err, sizeof err));
    clock_gettime(CLOCK_MONOTONIC, &t1);
    assert_non_null(strstr(err, "bomb"));
    assert_true(t1.tv_sec - t0.tv_sec < 5);

    /* a bomb that lies: its headers say 4 KiB, its part (well-formed XML comments) inflates to
    ** 256 MiB; it stops as it inflates */
    char *liar = fpath(f, "liar.docx");
    a = archive_write_new();
    archive_write_set_format_zip(a);
    assert_int_equal(ARCHIVE_OK, archive_write_set_options(a, "zip:compression=deflate,"
                                                             "zip:compression-level=1"));
    assert_int_equal(ARCHIVE_OK, archive_write_open_filename(a, liar));
    e = archive_entry_new();
    archive_entry_set_pathname(e, "word/document.xml");
    archive_entry_set_filetype(e, AE_IFREG);
    static const char open_tag[] = "<w:document " W_NS ">";
    size_t body = (size_t)256 << 20;
    archive_entry_set_size(e, (la_int64_t)(strlen(open_tag) + body));
    assert_int_equal(ARCHIVE_OK, archive_write_header(a, e));
    archive_write_data(a, open_tag, strlen(open_tag));
    char *comments = wm_malloc(chunk);
    for (size_t i = 0; i < chunk; i += 1024) {
        memcpy(comments + i, "<!--", 4);
        memset(comments + i + 4, 'a', 1024 - 7);
        memcpy(comments + i + 1021, "-->", 3);
    }
    for (size_t done = 0; done < body; done += chunk) {
        assert_int_equal((la_ssize_t)chunk, archive_write_data(a, comments, chunk));
    }
    free(comments);
    archive_entry_free(e);
    assert_int_equal(ARCHIVE_OK, archive_write_close(a));
    archive_write_free(a);
    size_t zn = 0;
    unsigned char *zb = (unsigned char *)wm_read_file(liar, &zn);
    assert_non_null(zb);
    uint32_t real = (uint32_t)(strlen(open_tag) + body);
    unsigned patched = 0;
    for (size_t i = 0; i + 46 <= zn; i++) {
        size_t at = 0;
        if (0 == memcmp(zb + i, "PK\x03\x04", 4)) {
            at = i + 22;
        } else if (0 == memcmp(zb + i, "PK\x01\x02", 4)) {
            at = i + 24;
        } else if (0 == memcmp(zb + i, "PK\x07\x08", 4)) {
            at = i + 12;
        } else {
            continue;
        }
        uint32_t v = (uint32_t)zb[at] | (uint32_t)zb[at + 1] << 8 | (uint32_t)zb[at + 2] << 16
                     | (uint32_t)zb[at + 3] << 24;
        if (v == real) {
            zb[at] = 0, zb[at + 1] = 0x10, zb[at + 2] = 0, zb[at + 3] = 0;
            patched++;
        }
    }
    assert_true(patched >= 1);
    write_bytes(liar, zb, zn);
    free(zb);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    err[0] = '\0';
    assert_int_equal(WM_E_BAD_REQUEST, fail_of(liar, "application/zip", err, sizeof err));
    clock_gettime(CLOCK_MONOTONIC, &t1);
    print_message("lying bomb: %s\n", err);
    assert_true(t1.tv_sec - t0.tv_sec < 20);
    free(liar);

    /* the same zeros inside a part of normal size are no XML: an error, not a crash */
    char *q = fpath(f, "zeros.docx");
    static const struct zent zz[] = {{"word/document.xml", "\x01\x02\x03"}};
    write_zip(q, zz, 1);
    assert_int_equal(WM_E_BAD_REQUEST, fail_of(q, "application/zip", err, sizeof err));
    free(q);
    free(p);
}

/* Cut a file to half, and replace one with garbage: every type fails cleanly. */
static void
test_truncated_and_garbage(void **state)
{
    struct fx *f = *state;
    /* the samples */
    char *docx_p = fpath(f, "t.docx");
    write_zip(docx_p, docx, WM_ARRAY_LEN(docx));
    char *pdf_p = fpath(f, "t.pdf");
    cairo_surface_t *s = cairo_pdf_surface_create(pdf_p, 595, 842);
    cairo_t *cr = cairo_create(s);
    draw_text(cr, "文明创建档案", 24, 72, 72);
    cairo_show_page(cr);
    cairo_destroy(cr);
    cairo_surface_finish(s);
    cairo_surface_destroy(s);
    char *png_p = fpath(f, "t.png");
    cairo_surface_t *img = text_image(300, 120, ocr_lines, 1, 40);
    assert_int_equal(CAIRO_STATUS_SUCCESS, cairo_surface_write_to_png(img, png_p));
    cairo_surface_destroy(img);

    struct {
        const char *path;
        const char *mime;
    } kinds[] = {
        {docx_p, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
        {docx_p, "application/ofd"},
        {docx_p, "application/vnd.oasis.opendocument.text"},
        {pdf_p, "application/pdf"},
        {png_p, "image/png"},
        {png_p, "image/jpeg"},
    };
    char err[256];
    for (size_t i = 0; i < WM_ARRAY_LEN(kinds); i++) {
        size_t n = 0;
        char *data = wm_read_file(kinds[i].path, &n);
        assert_non_null(data);
        char *cut = fpath(f, "cut");
        char *dst = fpath(f, "cut.txt");
        write_bytes(cut, data, n / 2);
        err[0] = '\0';
        enum wm_err e = wm_extract_file(cut, kinds[i].mime, dst, err, sizeof err);
        assert_int_equal(WM_E_BAD_REQUEST, e);
        assert_true(err[0] != '\0');
        assert_false(exists(dst));
        /* garbage of the same length */
        for (size_t k = 0; k < n; k++) {
            data[k] = (char)(k * 131u + 7u);
        }
        write_bytes(cut, data, n);
        err[0] = '\0';
        e = wm_extract_file(cut, kinds[i].mime, dst, err, sizeof err);
        assert_int_equal(WM_E_BAD_REQUEST, e);
        assert_false(exists(dst));
        /* empty */
        write_bytes(cut, "", 0);
        e = wm_extract_file(cut, kinds[i].mime, dst, err, sizeof err);
        assert_int_equal(WM_E_BAD_REQUEST, e);
        free(data);
        free(dst);
        free(cut);
    }
    /* malformed XML inside a good ZIP */
    static const struct zent bad[] = {
        {"[Content_Types].xml", "<Types/>"},
        {"word/document.xml", "<w:document " W_NS "><w:body><w:p><w:t>未闭合"},
    };
    char *b = fpath(f, "bad.docx");
    write_zip(b, bad, WM_ARRAY_LEN(bad));
    assert_int_equal(WM_E_BAD_REQUEST, fail_of(b, "application/zip", err, sizeof err));
    free(b);
    /* an entity bomb ("billion laughs") is not expanded */
    static const struct zent laughs[] = {
        {"[Content_Types].xml", "<Types/>"},
        {"word/document.xml",
         "<?xml version=\"1.0\"?><!DOCTYPE w:document [<!ENTITY a \"aaaaaaaaaa\">"
         "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\"><!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">"
         "<!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\"><!ENTITY e \"&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;\">"
         "<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
         "<w:document " W_NS "><w:body><w:p><w:t>&e;&e;&e;&x;正文</w:t></w:p></w:body></w:document>"},
    };
    b = fpath(f, "laughs.docx");
    write_zip(b, laughs, WM_ARRAY_LEN(laughs));
    char *text = NULL;
    size_t len = 0;
    enum wm_err e = wm_extract_text(b, "application/zip", &text, &len, err, sizeof err);
    if (WM_OK == e) {
        assert_true(len < 1000);
        assert_null(strstr(text, "root:"));
        assert_has(text, "正文");
    }
    free(text);
    free(b);
    free(docx_p);
    free(pdf_p);
    free(png_p);
}

/* ---------------------------------------------------------------- the helper program */

/*
** A small workbook that parses for minutes: shared strings whose elements carry 40,000
** attributes each (libxml2 checks each new attribute against all before it: quadratic).
** Under half a MiB, far below every size limit: only the CPU-time limit stops it.
*/
static void
write_slow_xlsx(const char *path)
{
    struct wm_buf attrs = {0};
    for (int i = 0; i < 40000; i++) {
        wm_buf_printf(&attrs, " a%d=\"1\"", i);
    }
    struct wm_buf sst = {0};
    wm_buf_adds(&sst, "<sst " S_NS ">");
    for (int k = 0; k < 4; k++) {
        wm_buf_printf(&sst, "<si%s><t>x</t></si>", attrs.data);
    }
    wm_buf_adds(&sst, "</sst>");
    const struct zent x[] = {
        {"xl/workbook.xml", "<workbook/>"},
        {"xl/sharedStrings.xml", sst.data},
    };
    write_zip(path, x, WM_ARRAY_LEN(x));
    wm_buf_free(&sst);
    wm_buf_free(&attrs);
    struct stat st;
    assert_int_equal(0, stat(path, &st));
    assert_true(st.st_size < (1 << 20));
}

/* Run the helper with WM_EXTRACT_CPU_SECONDS=cpu; its wait status, and in *used (may be
** NULL) the CPU seconds it used. */
static int
run_helper(const char *src, const char *mime, const char *dst, const char *cpu, double *used)
{
    size_t n = 0;
    while (environ[n]) {
        n++;
    }
    char **envp = wm_calloc(n + 2, sizeof *envp);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (!wm_startswith(environ[i], "WM_EXTRACT_CPU_SECONDS=")) {
            envp[k++] = environ[i];
        }
    }
    char *cpu_env = wm_asprintf("WM_EXTRACT_CPU_SECONDS=%s", cpu);
    envp[k++] = cpu_env;
    char *const argv[] = {(char *)helper_path, (char *)src, (char *)mime, (char *)dst, NULL};
    pid_t pid;
    assert_int_equal(0, posix_spawn(&pid, helper_path, NULL, NULL, argv, envp));
    int status = 0;
    struct rusage ru;
    while (wait4(pid, &status, 0, &ru) < 0) {
        assert_int_equal(EINTR, errno);
    }
    if (used) {
        *used = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6
                + (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
    }
    free(cpu_env);
    free(envp);
    return status;
}

static void
test_helper_cpu_limit(void **state)
{
    struct fx *f = *state;
    char *p = fpath(f, "slow.xlsx");
    write_slow_xlsx(p);
    char *dst = fpath(f, "slow.txt");
    double used = 0;
    int status = run_helper(p, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                            dst, "1", &used);
    if (!WIFSIGNALED(status)) {
        fail_msg("the helper was not stopped (exit %d)", WEXITSTATUS(status));
    }
    assert_true(SIGXCPU == WTERMSIG(status) || SIGKILL == WTERMSIG(status));
    assert_false(exists(dst));
    /* stopped by the 1-second limit asked for, not the 60-second default.  The lower bound
    ** only shows that it ran for a while: the kernel's sampled CPU time at the signal was
    ** measured at 0.87 s on a loaded machine (load average 10), so 0.5, not 0.9. */
    printf("# the helper used %.2f s of CPU before it was stopped\n", used);
    assert_true(used >= 0.5 && used < 5.0);

    /* the same helper with its normal limit on a good file */
    char *d = fpath(f, "d.docx");
    write_zip(d, docx, WM_ARRAY_LEN(docx));
    status = run_helper(d, "application/zip", dst, "60", NULL);
    assert_true(WIFEXITED(status));
    assert_int_equal(0, WEXITSTATUS(status));
    size_t n = 0;
    char *t = wm_read_file(dst, &n);
    assert_non_null(t);
    assert_has(t, "道德讲堂");
    free(t);
    free(d);
    free(dst);
    free(p);
}

/* A stand-in helper: a shell script doing @a body. */
static char *
fake_helper(const struct fx *f, const char *name, const char *body)
{
    char *p = fpath(f, name);
    char *script = wm_asprintf("#!/bin/sh\n%s\n", body);
    write_bytes(p, script, strlen(script));
    free(script);
    assert_int_equal(0, chmod(p, 0700));
    return p;
}

static void
test_spawned(void **state)
{
    struct fx *f = *state;
    char err[512];
    char *src = fpath(f, "s.docx");
    write_zip(src, docx, WM_ARRAY_LEN(docx));
    char *dst = fpath(f, "s.txt");

    wm_extract_set_helper(NULL);
    assert_int_equal(WM_E_UNAVAILABLE,
                     wm_extract_make_spawned(src, "application/zip", dst, err, sizeof err));

    /* the real helper */
    wm_extract_set_helper(helper_path);
    assert_int_equal(WM_OK, wm_extract_make_spawned(src, "application/zip", dst, err, sizeof err));
    size_t n = 0;
    char *t = wm_read_file(dst, &n);
    assert_non_null(t);
    assert_has(t, "关于开展道德讲堂活动的通知");
    free(t);
    unlink(dst);
    /* unreadable as its type: the helper's own cause comes back */
    char *bad = fpath(f, "bad.pdf");
    write_bytes(bad, "%PDF-1.4 nonsense", 17);
    err[0] = '\0';
    assert_int_equal(WM_E_BAD_REQUEST,
                     wm_extract_make_spawned(bad, "application/pdf", dst, err, sizeof err));
    assert_non_null(strstr(err, "poppler"));
    assert_false(exists(dst));
    char *cause = wm_asprintf("%s.err", dst);
    assert_false(exists(cause));
    free(cause);
    free(bad);
    /* unsupported */
    assert_int_equal(WM_E_UNSUPPORTED_MEDIA,
                     wm_extract_make_spawned(src, "audio/wav", dst, err, sizeof err));

    /* stopped by a limit: a permanent failure with the message people see */
    char *h = fake_helper(f, "xcpu.sh", "kill -XCPU $$");
    wm_extract_set_helper(h);
    err[0] = '\0';
    assert_int_equal(WM_E_BAD_REQUEST,
                     wm_extract_make_spawned(src, "application/zip", dst, err, sizeof err));
    assert_non_null(strstr(err, "提取超时或超出内存限制，已停止"));
    free(h);
    h = fake_helper(f, "kill.sh", "kill -KILL $$");
    wm_extract_set_helper(h);
    assert_int_equal(WM_E_BAD_REQUEST,
                     wm_extract_make_spawned(src, "application/zip", dst, err, sizeof err));
    assert_non_null(strstr(err, "提取超时"));
    free(h);
    h = fake_helper(f, "segv.sh", "kill -SEGV $$");
    wm_extract_set_helper(h);
    assert_int_equal(WM_E_BAD_REQUEST,
                     wm_extract_make_spawned(src, "application/zip", dst, err, sizeof err));
    free(h);
    h = fake_helper(f, "exit2.sh", "exit 2");
    wm_extract_set_helper(h);
    assert_int_equal(WM_E_BAD_REQUEST,
                     wm_extract_make_spawned(src, "application/zip", dst, err, sizeof err));
    free(h);
    h = fake_helper(f, "exit3.sh", "exit 3");
    wm_extract_set_helper(h);
    assert_int_equal(WM_E_UNSUPPORTED_MEDIA,
                     wm_extract_make_spawned(src, "application/zip", dst, err, sizeof err));
    free(h);
    h = fake_helper(f, "exit1.sh", "exit 1");
    wm_extract_set_helper(h);
    assert_int_equal(WM_E_INTERNAL,
                     wm_extract_make_spawned(src, "application/zip", dst, err, sizeof err));
    free(h);
    wm_extract_set_helper(NULL);
    free(dst);
    free(src);
}

int
main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: test_extract PATH-OF-wenming-extract\n");
        return 1;
    }
    helper_path = argv[1];
    wm_log_set_level(WM_LOG_WARN);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_join_han),
        cmocka_unit_test_setup_teardown(test_docx, setup, teardown),
        cmocka_unit_test_setup_teardown(test_xlsx, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pptx, setup, teardown),
        cmocka_unit_test_setup_teardown(test_odf, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ofd, setup, teardown),
        cmocka_unit_test_setup_teardown(test_text_encodings, setup, teardown),
        cmocka_unit_test_setup_teardown(test_text_cap, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unsupported, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pdf_text_layer, setup, teardown),
        cmocka_unit_test_setup_teardown(test_image_ocr, setup, teardown),
        cmocka_unit_test_setup_teardown(test_image_formats, setup, teardown),
        cmocka_unit_test_setup_teardown(test_image_bomb, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pdf_scanned_ocr, setup, teardown),
        cmocka_unit_test_setup_teardown(test_zip_bomb, setup, teardown),
        cmocka_unit_test_setup_teardown(test_truncated_and_garbage, setup, teardown),
        cmocka_unit_test_setup_teardown(test_helper_cpu_limit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_spawned, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* end of test_extract.c */
