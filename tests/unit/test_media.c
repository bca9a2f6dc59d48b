/*
** test_media.c — content type detection and the allow-list, on minimal files built here
** byte by byte (PDF, PNG, JPEG, GIF, WebP, TIFF, HEIC, WAV, MP3, AAC, MP4, M4A, MOV, AVI, MKV,
** WMV), office containers made with libarchive (DOCX, XLSX, PPTX, OFD, ODT, a plain ZIP) and
** by hand (OLE2: DOC, XLS, PPT, WPS, an unknown compound file), text in UTF-8 and GBK, and
** what must be refused (ELF, shell script, HTML, empty, binary "text").
*/
/* clang-format off */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "tdir.h"

#include <archive.h>
#include <archive_entry.h>

#include "wm_blob.h"
#include "wm_media.h"
#include "wm_util.h"

#include "banned.h"

/* clang-format on */

/* ---------------------------------------------------------------- fixtures */

struct fixture {
    unsigned char *p;
    size_t n;
};

static struct fixture
fx_bytes(const void *p, size_t n)
{
    struct fixture f = { wm_malloc(n ? n : 1), n };
    memcpy(f.p, p, n);
    return f;
}

#define FX_LIT(s) fx_bytes(s, sizeof(s) - 1)

static void
put32be(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

static void
put32le(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
    p[2] = (unsigned char)(v >> 16);
    p[3] = (unsigned char)(v >> 24);
}

static struct fixture
fx_pdf(void)
{
    return FX_LIT("%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
                  "2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
                  "trailer<</Root 1 0 R>>\n%%EOF\n");
}

/* A 1x1 grayscale PNG (CRCs computed by zlib's crc32 offline). */
static struct fixture
fx_png(void)
{
    return FX_LIT("\x89PNG\r\n\x1a\n"
                  "\x00\x00\x00\x0dIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x00\x00\x00\x00"
                  "\x3a\x7e\x9b\x55"
                  "\x00\x00\x00\x0aIDAT\x78\x9c\x63\x60\x00\x00\x00\x02\x00\x01\x48\xaf\xa4\x71"
                  "\x00\x00\x00\x00IEND\xae\x42\x60\x82");
}

static struct fixture
fx_jpeg(void)
{
    return FX_LIT("\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9");
}

static struct fixture
fx_gif(void)
{
    return FX_LIT("GIF89a\x01\x00\x01\x00\x00\x00\x00;");
}

static struct fixture
fx_wav(void)
{
    return FX_LIT("RIFF\x24\x00\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00\x01\x00"
                  "\x40\x1f\x00\x00\x40\x1f\x00\x00\x01\x00\x08\x00data\x00\x00\x00\x00");
}

static struct fixture
fx_webp(void)
{
    return FX_LIT("RIFF\x0c\x00\x00\x00WEBPVP8 \x00\x00\x00\x00");
}

static struct fixture
fx_avi(void)
{
    return FX_LIT("RIFF\x0c\x00\x00\x00"
                  "AVI LIST\x00\x00\x00\x00");
}

static struct fixture
fx_tiff(void)
{
    return FX_LIT("II*\x00\x08\x00\x00\x00\x00\x00");
}

/* An ISO base media "ftyp" box: major brand, minor version, compatible brands. */
static struct fixture
fx_ftyp(const char *major, const char *compat)
{
    unsigned char b[64];
    size_t n = 16 + strlen(compat);
    put32be(b, (uint32_t)n);
    memcpy(b + 4, "ftyp", 4);
    memcpy(b + 8, major, 4);
    put32be(b + 12, 0x200);
    memcpy(b + 16, compat, strlen(compat));
    return fx_bytes(b, n);
}

static struct fixture
fx_mp3(void)
{
    unsigned char b[431];
    memset(b, 0, sizeof b);
    memcpy(b, "ID3\x03\x00\x00\x00\x00\x00\x00\xff\xfb\x90\x64", 14);
    return fx_bytes(b, sizeof b);
}

static struct fixture
fx_aac(void)
{
    unsigned char b[64];
    memset(b, 0, sizeof b);
    for (int i = 0; i < 4; i++) {
        memcpy(b + 16 * i, "\xff\xf1\x50\x80\x02\x1f\xfc", 7);
    }
    return fx_bytes(b, sizeof b);
}

static struct fixture
fx_mkv(void)
{
    return FX_LIT("\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81\x01\x42\xf2\x81\x04\x42"
                  "\xf3\x81\x08\x42\x82\x88matroska\x42\x87\x81\x04\x42\x85\x81\x02");
}

static struct fixture
fx_wmv(void)
{
    unsigned char b[30];
    memset(b, 0, sizeof b);
    memcpy(b, "\x30\x26\xb2\x75\x8e\x66\xcf\x11\xa6\xd9\x00\xaa\x00\x62\xce\x6c", 16);
    return fx_bytes(b, sizeof b);
}

static struct fixture
fx_elf(void)
{
    unsigned char b[64];
    memset(b, 0, sizeof b);
    memcpy(b,
           "\x7f"
           "ELF\x02\x01\x01",
           7);
    b[16] = 2;  /* ET_EXEC */
    b[18] = 62; /* x86-64 */
    b[20] = 1;
    return fx_bytes(b, sizeof b);
}

/* A ZIP made by libarchive of name/content pairs (NULL-terminated); stored when !deflate. */
static struct fixture
fx_zip(const char *const *entries, const size_t *lens, bool deflate)
{
    size_t cap = 1 << 20, used = 0;
    unsigned char *buf = wm_malloc(cap);
    struct archive *a = archive_write_new();
    assert_int_equal(archive_write_set_format_zip(a), ARCHIVE_OK);
    if (!deflate) {
        assert_int_equal(archive_write_set_format_option(a, "zip", "compression", "store"),
                         ARCHIVE_OK);
    }
    assert_int_equal(archive_write_open_memory(a, buf, cap, &used), ARCHIVE_OK);
    for (size_t i = 0; entries[2 * i]; i++) {
        const char *content = entries[2 * i + 1];
        size_t len = lens ? lens[i] : strlen(content);
        struct archive_entry *e = archive_entry_new();
        archive_entry_set_pathname(e, entries[2 * i]);
        archive_entry_set_size(e, (la_int64_t)len);
        archive_entry_set_filetype(e, AE_IFREG);
        archive_entry_set_perm(e, 0644);
        assert_int_equal(archive_write_header(a, e), ARCHIVE_OK);
        assert_int_equal(archive_write_data(a, content, len), (la_ssize_t)len);
        archive_entry_free(e);
    }
    assert_int_equal(archive_write_close(a), ARCHIVE_OK);
    archive_write_free(a);
    struct fixture f = fx_bytes(buf, used);
    free(buf);
    return f;
}

static struct fixture
fx_docx(void)
{
    static const char *const e[] = {
        "[Content_Types].xml",
        "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/"
        "content-types\"/>",
        "word/document.xml",
        "<w:document/>",
        NULL,
    };
    return fx_zip(e, NULL, true);
}

static struct fixture
fx_xlsx(void)
{
    static const char *const e[] = {
        "[Content_Types].xml", "<Types/>",    "_rels/.rels", "<Relationships/>",
        "xl/workbook.xml",     "<workbook/>", NULL,
    };
    return fx_zip(e, NULL, true);
}

static struct fixture
fx_pptx(void)
{
    static const char *const e[] = {
        "_rels/.rels",
        "<Relationships/>",
        "ppt/presentation.xml",
        "<p:presentation/>",
        "[Content_Types].xml",
        "<Types/>",
        NULL,
    };
    return fx_zip(e, NULL, true);
}

static struct fixture
fx_ofd(void)
{
    static const char *const e[] = {
        "OFD.xml",
        "<ofd:OFD xmlns:ofd=\"http://www.ofdspec.org/2016\" Version=\"1.0\"/>",
        "Doc_0/Document.xml",
        "<ofd:Document/>",
        NULL,
    };
    return fx_zip(e, NULL, true);
}

static struct fixture
fx_odt(void)
{
    static const char *const e[] = {
        "mimetype",    "application/vnd.oasis.opendocument.text",
        "content.xml", "<office:document-content/>",
        NULL,
    };
    return fx_zip(e, NULL, false);
}

static struct fixture
fx_ods(void)
{
    static const char *const e[] = {
        "mimetype",    "application/vnd.oasis.opendocument.spreadsheet",
        "content.xml", "<office:document-content/>",
        NULL,
    };
    return fx_zip(e, NULL, false);
}

static struct fixture
fx_plain_zip(void)
{
    static const char *const e[] = {
        "readme.txt", "hello", "bin/tool.exe", "MZ\x90", "word.txt", "not a word dir", NULL,
    };
    return fx_zip(e, NULL, true);
}

/* A DOCX whose parts come after 100 KB of incompressible data: its names lie past a head. */
static struct fixture
fx_docx_big(void)
{
    size_t n = 100000;
    char *junk = wm_malloc(n);
    uint32_t x = 42;
    for (size_t i = 0; i < n; i++) {
        x = x * 1103515245u + 12345u;
        junk[i] = (char)(x >> 16);
    }
    const char *const e[] = {
        "docProps/thumbnail.jpeg", junk, "[Content_Types].xml", "<Types/>", "word/document.xml",
        "<w:document/>",           NULL,
    };
    const size_t lens[] = { n, 8, 13 };
    struct fixture f = fx_zip(e, lens, true);
    free(junk);
    return f;
}

/*
** An OLE2 compound file (512-byte sectors): header, FAT in sector 0, directory in sector 1
** with the root and the named streams as root children, chained as right siblings; sector 2
** carries @a extra (e.g. an application name).  A second directory sector when there are
** more than 3 streams, to walk the FAT chain.
*/
static struct fixture
fx_ole(const char *const *streams, const char *extra)
{
    size_t nstreams = 0;
    while (streams[nstreams]) {
        nstreams++;
    }
    size_t dirsecs = (nstreams + 1 + 3) / 4;
    size_t total = 512 * (2 + dirsecs + 1);
    unsigned char *b = wm_calloc(1, total);
    static const unsigned char sig[8] = { 0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1 };
    memcpy(b, sig, 8);
    b[0x18] = 0x3E;
    b[0x1A] = 3;
    b[0x1C] = 0xFE;
    b[0x1D] = 0xFF;
    b[0x1E] = 9;
    b[0x20] = 6;
    put32le(b + 0x2C, 1);
    put32le(b + 0x30, 1); /* directory starts in sector 1 */
    put32le(b + 0x38, 4096);
    put32le(b + 0x3C, 0xFFFFFFFE);
    put32le(b + 0x44, 0xFFFFFFFE);
    memset(b + 0x4C, 0xFF, 436);
    put32le(b + 0x4C, 0); /* the FAT is sector 0 */
    unsigned char *fat = b + 512;
    memset(fat, 0xFF, 512);
    put32le(fat, 0xFFFFFFFD);
    for (size_t i = 0; i < dirsecs; i++) {
        put32le(fat + 4 * (1 + i), i + 1 < dirsecs ? (uint32_t)(2 + i) : 0xFFFFFFFE);
    }
    put32le(fat + 4 * (1 + dirsecs), 0xFFFFFFFE);
    unsigned char *dir = b + 1024;
    for (size_t i = 0; i < 4 * dirsecs; i++) {
        unsigned char *d = dir + 128 * i;
        memset(d + 0x44, 0xFF, 12);
        if (i > nstreams) {
            continue;
        }
        const char *name = 0 == i ? "Root Entry" : streams[i - 1];
        size_t l = strlen(name);
        for (size_t j = 0; j < l; j++) {
            d[2 * j] = (unsigned char)name[j];
        }
        d[0x40] = (unsigned char)(2 * (l + 1));
        d[0x42] = 0 == i ? 5 : 2;
        if (0 == i && nstreams) {
            put32le(d + 0x4C, 1);
        }
        if (i > 0 && i < nstreams) {
            put32le(d + 0x48, (uint32_t)(i + 1));
        }
    }
    if (extra) {
        memcpy(b + 512 * (2 + dirsecs), extra, strlen(extra));
    }
    struct fixture f = { b, total };
    return f;
}

/* ---------------------------------------------------------------- helpers */

static struct wm_media_info
sniff(struct fixture f)
{
    struct wm_media_info m;
    assert_int_equal(wm_media_sniff(f.p, f.n, &m), WM_OK);
    /* from a file too: the same answer */
    char path[] = "/tmp/wm-test-media-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    unlink(path);
    assert_int_equal(write(fd, f.p, f.n), (ssize_t)f.n);
    struct wm_media_info m2;
    assert_int_equal(wm_media_sniff_fd(fd, &m2), WM_OK);
    assert_string_equal(m.mime, m2.mime);
    assert_string_equal(m.ext, m2.ext);
    assert_int_equal(lseek(fd, 0, SEEK_CUR), (off_t)f.n); /* offset untouched */
    close(fd);
    free(f.p);
    return m;
}

static void
expect(struct fixture f, const char *mime, const char *ext, const char *kind, bool allowed)
{
    struct wm_media_info m = sniff(f);
    if (!wm_streq(m.mime, mime) || !wm_streq(m.ext, ext) || !wm_streq(m.kind, kind) ||
        wm_media_allowed(&m, NULL) != allowed) {
        print_error("got mime=%s ext=%s kind=%s desc=%s allowed=%d; want %s %s %s %d\n", m.mime,
                    m.ext, m.kind, m.desc, wm_media_allowed(&m, NULL), mime, ext, kind, allowed);
        fail();
    }
    assert_true(wm_utf8_valid(m.desc, strlen(m.desc)));
    assert_true(strlen(m.desc) > 0);
}

/* ---------------------------------------------------------------- tests */

static void
test_documents(void **state)
{
    (void)state;
    expect(fx_pdf(), "application/pdf", "pdf", "text", true);
    expect(fx_docx(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
           "docx", "text", true);
    expect(fx_xlsx(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx",
           "text", true);
    expect(fx_pptx(), "application/vnd.openxmlformats-officedocument.presentationml.presentation",
           "pptx", "text", true);
    expect(fx_ofd(), "application/ofd", "ofd", "text", true);
    expect(fx_odt(), "application/vnd.oasis.opendocument.text", "odt", "text", true);
    expect(fx_ods(), "application/vnd.oasis.opendocument.spreadsheet", "ods", "text", true);
}

static void
test_ole(void **state)
{
    (void)state;
    static const char *const doc[] = { "\x01"
                                       "CompObj",
                                       "WordDocument", "1Table", NULL };
    static const char *const xls[] = { "Workbook", "\x05SummaryInformation", NULL };
    static const char *const ppt[] = { "Current User", "PowerPoint Document", "Pictures",
                                       "\x05"
                                       "DocumentSummaryInformation",
                                       NULL };
    static const char *const msi[] = { "\x05SummaryInformation", "Binary.Icon", NULL };
    expect(fx_ole(doc, NULL), "application/msword", "doc", "text", true);
    expect(fx_ole(xls, NULL), "application/vnd.ms-excel", "xls", "text", true);
    expect(fx_ole(ppt, NULL), "application/vnd.ms-powerpoint", "ppt", "text", true);
    expect(fx_ole(doc, "WPS Office"), "application/wps-office.wps", "wps", "text", true);
    expect(fx_ole(xls, "Kingsoft"), "application/wps-office.et", "et", "text", true);
    expect(fx_ole(ppt, "WPS Office"), "application/wps-office.dps", "dps", "text", true);
    expect(fx_ole(msi, NULL), "application/x-ole-storage", "", "", false);
}

static void
test_photos(void **state)
{
    (void)state;
    expect(fx_jpeg(), "image/jpeg", "jpg", "photo", true);
    expect(fx_png(), "image/png", "png", "photo", true);
    expect(fx_gif(), "image/gif", "gif", "photo", true);
    expect(fx_webp(), "image/webp", "webp", "photo", true);
    expect(fx_tiff(), "image/tiff", "tif", "photo", true);
    expect(fx_ftyp("heic", "mif1heic"), "image/heic", "heic", "photo", true);
}

static void
test_audiovisual(void **state)
{
    (void)state;
    expect(fx_wav(), "audio/wav", "wav", "audiovisual", true);
    expect(fx_mp3(), "audio/mpeg", "mp3", "audiovisual", true);
    expect(fx_aac(), "audio/aac", "aac", "audiovisual", true);
    expect(fx_ftyp("isom", "isomiso2"), "video/mp4", "mp4", "audiovisual", true);
    expect(fx_ftyp("M4A ", "M4A isom"), "audio/mp4", "m4a", "audiovisual", true);
    expect(fx_ftyp("qt  ", "qt  "), "video/quicktime", "mov", "audiovisual", true);
    expect(fx_avi(), "video/x-msvideo", "avi", "audiovisual", true);
    expect(fx_mkv(), "video/x-matroska", "mkv", "audiovisual", true);
    expect(fx_wmv(), "video/x-ms-asf", "wmv", "audiovisual", true);
}

static void
test_text(void **state)
{
    (void)state;
    expect(FX_LIT("这是一个测试文本。\n第二行：创建档案。\r\n"), "text/plain", "txt", "text", true);
    /* the same in GBK */
    expect(FX_LIT("\xd5\xe2\xca\xc7\xd2\xbb\xb8\xf6\xb2\xe2\xca\xd4\xce\xc4\xb1\xbe\xa1\xa3\n"
                  "\xb5\xda\xb6\xfe\xd0\xd0\xa3\xac\xb4\xb4\xbd\xa8\xb5\xb5\xb0\xb8\xa1\xa3\n"),
           "text/plain", "txt", "text", true);
    expect(FX_LIT("plain ASCII minutes of the meeting\n"), "text/plain", "txt", "text", true);
    struct wm_media_info m = sniff(FX_LIT("\xef\xbb\xbf"
                                          "BOM 文本\n"));
    assert_string_equal(m.ext, "txt");
    assert_true(wm_media_allowed(&m, NULL));
    /* ESC and other control bytes: not a TXT */
    m = sniff(FX_LIT("text with \x1b[31m escapes\x01\x02 and more text here\n"));
    assert_false(wm_media_allowed(&m, NULL));
    /* a UTF-8 sequence cut by the end of a maximal head still counts */
    unsigned char *big = wm_malloc(WM_MEDIA_HEAD_MAX + 10);
    for (size_t i = 0; i + 3 <= WM_MEDIA_HEAD_MAX + 10; i += 3) {
        memcpy(big + i, "文", 3);
    }
    memcpy(big + WM_MEDIA_HEAD_MAX + 9, "\n", 1);
    assert_int_equal(wm_media_sniff(big, WM_MEDIA_HEAD_MAX + 1 - 3, &m), WM_OK);
    assert_int_equal(wm_media_sniff(big, WM_MEDIA_HEAD_MAX, &m), WM_OK);
    assert_string_equal(m.ext, "txt");
    free(big);
}

static void
test_refused(void **state)
{
    (void)state;
    struct wm_media_info m = sniff(fx_elf());
    assert_string_equal(m.mime, "application/x-executable");
    assert_false(wm_media_allowed(&m, NULL));
    m = sniff(FX_LIT("#!/bin/sh\necho hello\nrm -rf /tmp/x\n"));
    assert_string_equal(m.mime, "text/x-shellscript");
    assert_false(wm_media_allowed(&m, NULL));
    m = sniff(FX_LIT("<!DOCTYPE html>\n<html><head><title>x</title></head>"
                     "<body><script>alert(1)</script></body></html>\n"));
    assert_string_equal(m.mime, "text/html");
    assert_false(wm_media_allowed(&m, NULL));
    m = sniff(fx_bytes("", 0));
    assert_string_equal(m.mime, "application/x-empty");
    assert_false(wm_media_allowed(&m, NULL));
    assert_false(wm_media_allowed(&m, "application/x-empty,txt"));
    expect(fx_plain_zip(), "application/zip", "zip", "", false);
    /* an ELF named like anything: the name never enters */
    m = sniff(fx_elf());
    assert_false(wm_media_allowed(&m, "pdf,docx,jpg"));
    /* random bytes */
    unsigned char junk[4096];
    uint32_t x = 7;
    for (size_t i = 0; i < sizeof junk; i++) {
        x = x * 1103515245u + 12345u;
        junk[i] = (unsigned char)(x >> 16);
    }
    m = sniff(fx_bytes(junk, sizeof junk));
    assert_false(wm_media_allowed(&m, NULL));
}

static void
test_allow_list(void **state)
{
    (void)state;
    struct wm_media_info pdf = sniff(fx_pdf());
    struct wm_media_info png = sniff(fx_png());
    struct wm_media_info zip = sniff(fx_plain_zip());
    assert_true(wm_media_allowed(&pdf, "pdf"));
    assert_false(wm_media_allowed(&png, "pdf"));
    assert_true(wm_media_allowed(&pdf, " .PDF ; "));
    assert_true(wm_media_allowed(&pdf, "txt, application/pdf"));
    assert_true(wm_media_allowed(&png, "text photo"));
    assert_false(wm_media_allowed(&pdf, "photo,audiovisual"));
    assert_true(wm_media_allowed(&png, ""));    /* blank = the default set */
    assert_true(wm_media_allowed(&png, " , ")); /* blank too */
    assert_false(wm_media_allowed(&zip, NULL));
    assert_true(wm_media_allowed(&zip, "zip"));
    assert_true(wm_media_allowed(&zip, "application/zip"));
    assert_false(wm_media_allowed(&pdf, "pd"));
    assert_false(wm_media_allowed(&pdf, "application/pdfx"));
    /* text/plain that is neither UTF-8 nor GBK: never, whatever the list says */
    struct wm_media_info bin = { "text/plain", "ISO-8859 text", "", "" };
    assert_false(wm_media_allowed(&bin, "text/plain,txt,text"));
}

/* Names past the first 64 KiB: the head alone says zip, the whole file says docx. */
static void
test_head_vs_fd(void **state)
{
    (void)state;
    struct fixture f = fx_docx_big();
    assert_true(f.n > WM_MEDIA_HEAD_MAX);
    struct wm_media_info m;
    assert_int_equal(wm_media_sniff(f.p, f.n, &m), WM_OK);
    assert_string_equal(m.mime, "application/zip");
    assert_false(wm_media_allowed(&m, NULL));

    /* the upload path: stream into the blob writer, sniff its temp file, then commit */
    char dir[64];
    tdir_make(dir, sizeof dir, "media-store");
    char err[256];
    struct wm_blobstore *s = wm_blob_open(dir, err, sizeof err);
    assert_non_null(s);
    struct wm_blob_writer *w;
    assert_int_equal(wm_blob_writer_new(s, 0, &w, err, sizeof err), WM_OK);
    for (size_t off = 0; off < f.n; off += 1000) {
        assert_int_equal(wm_blob_write(w, f.p + off, f.n - off < 1000 ? f.n - off : 1000), WM_OK);
    }
    size_t hn;
    const void *head = wm_blob_head(w, &hn);
    assert_int_equal(wm_media_sniff(head, hn, &m), WM_OK);
    assert_string_equal(m.mime, "application/zip");
    int fd;
    assert_int_equal(wm_blob_writer_fd(w, &fd), WM_OK);
    assert_int_equal(wm_media_sniff_fd(fd, &m), WM_OK);
    assert_string_equal(m.ext, "docx");
    assert_true(wm_media_allowed(&m, NULL));
    char sha[65];
    assert_int_equal(wm_blob_commit(w, sha, NULL, NULL, err, sizeof err), WM_OK);
    fd = wm_blob_open_fd(s, sha);
    assert_true(fd >= 0);
    assert_int_equal(wm_media_sniff_fd(fd, &m), WM_OK);
    assert_string_equal(m.ext, "docx");
    close(fd);
    char path[4096];
    assert_true(wm_blob_path(s, sha, path, sizeof path));
    unlink(path);
    wm_blob_close(s);
    tdir_remove(dir);
    free(f.p);
}

/* Damaged containers are named safely, never trusted. */
static void
test_damaged_containers(void **state)
{
    (void)state;
    struct fixture f = fx_docx();
    /* cut inside the central directory */
    struct wm_media_info m;
    f.n -= 30;
    m = sniff(f);
    assert_string_equal(m.ext, "docx"); /* the local headers still say so */
    static const char *const doc[] = { "WordDocument", NULL };
    f = fx_ole(doc, NULL);
    memset(f.p + 0x30, 0xEE, 4); /* directory sector far past the end */
    m = sniff(f);
    assert_false(wm_media_allowed(&m, NULL));
    f = fx_ole(doc, NULL);
    f.p[0x1E] = 30; /* absurd sector size */
    m = sniff(f);
    assert_false(wm_media_allowed(&m, NULL));
}

struct thr_arg {
    int ok;
};

static void *
thr_sniff(void *arg)
{
    struct thr_arg *t = arg;
    for (int i = 0; i < 200; i++) {
        struct fixture f = 0 == i % 2 ? fx_png() : fx_pdf();
        struct wm_media_info m;
        if (WM_OK == wm_media_sniff(f.p, f.n, &m) && wm_streq(m.ext, 0 == i % 2 ? "png" : "pdf")) {
            t->ok++;
        }
        free(f.p);
    }
    wm_media_thread_end();
    return NULL;
}

static void
test_threads(void **state)
{
    (void)state;
    pthread_t th[4];
    struct thr_arg a[4] = { { 0 } };
    for (int i = 0; i < 4; i++) {
        assert_int_equal(pthread_create(&th[i], NULL, thr_sniff, &a[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        assert_int_equal(a[i].ok, 200);
    }
}

/* Type names a person knows, the extension from the type, names corrected, refusals in words. */
static void
test_labels_and_names(void **state)
{
    (void)state;
    assert_string_equal(wm_media_type_label("application/pdf"), "PDF 文档");
    assert_string_equal(wm_media_type_label("image/jpeg"), "JPEG 图片");
    assert_string_equal(wm_media_type_label("application/msword"), "Word 文档");
    assert_string_equal(
        wm_media_type_label("application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        "Word 文档");
    assert_string_equal(wm_media_type_label("application/vnd.ms-excel"), "Excel 表格");
    assert_string_equal(wm_media_type_label("application/ofd"), "OFD 版式文档");
    assert_string_equal(wm_media_type_label("video/mp4"), "MP4 视频");
    assert_string_equal(wm_media_type_label("audio/x-wav"), "WAV 音频"); /* an alias */
    assert_string_equal(wm_media_type_label("text/x-shellscript"), "shell 脚本");
    assert_string_equal(wm_media_type_label("text/html"), "HTML 网页");
    assert_string_equal(wm_media_type_label("application/pdf; charset=binary"), "PDF 文档");
    assert_string_equal(wm_media_type_label("application/x-nothing-we-know"), "未知类型的文件");
    assert_string_equal(wm_media_type_label(NULL), "未知类型的文件");
    assert_string_equal(wm_media_type_label(""), "未知类型的文件");
    /* every sniffed fixture has a label that is not the fallback */
    struct wm_media_info m = sniff(fx_png());
    assert_string_equal(wm_media_info_label(&m), "PNG 图片");
    m = sniff(fx_elf());
    assert_string_equal(wm_media_info_label(&m), "Linux 可执行程序");
    struct wm_media_info bin = { "text/plain", "ISO-8859 text", "", "" };
    assert_non_null(strstr(wm_media_info_label(&bin), "UTF-8"));

    assert_string_equal(wm_media_type_ext("application/pdf"), ".pdf");
    assert_string_equal(wm_media_type_ext("image/jpeg"), ".jpg");
    assert_string_equal(wm_media_type_ext("audio/x-m4a"), ".m4a");
    assert_string_equal(wm_media_type_ext("application/x-ole-storage"), "");
    assert_string_equal(wm_media_type_ext("application/x-nothing"), "");
    assert_string_equal(wm_media_type_ext(NULL), "");

    assert_string_equal(wm_media_ext_type("PDF"), "application/pdf");
    assert_string_equal(wm_media_ext_type(".jpeg"), "image/jpeg");
    assert_string_equal(wm_media_ext_type("hta"), "text/html");
    assert_null(wm_media_ext_type("qqq"));
    assert_null(wm_media_ext_type(""));

    assert_int_equal(wm_media_name_ext("a.pdf"), 1);
    assert_int_equal(wm_media_name_ext("v1.2"), 4);  /* digits only: no extension */
    assert_int_equal(wm_media_name_ext(".pdf"), 4);  /* a dot file, no extension */
    assert_int_equal(wm_media_name_ext("通知.稿"), strlen("通知.稿"));
    assert_int_equal(wm_media_name_ext("x.verylongext"), strlen("x.verylongext"));

    bool ch;
    char *n = wm_media_name_fix("evil.hta", "application/pdf", &ch);
    assert_string_equal(n, "evil.pdf");
    assert_true(ch);
    free(n);
    n = wm_media_name_fix("照片.JPEG", "image/jpeg", &ch);
    assert_string_equal(n, "照片.JPEG");
    assert_false(ch);
    free(n);
    n = wm_media_name_fix("通知.pdf", "application/pdf", &ch);
    assert_string_equal(n, "通知.pdf");
    assert_false(ch);
    free(n);
    n = wm_media_name_fix("通知", "application/pdf", &ch);
    assert_string_equal(n, "通知.pdf");
    assert_true(ch);
    free(n);
    n = wm_media_name_fix("会议纪要 v1.2", "application/vnd.ms-excel", &ch);
    assert_string_equal(n, "会议纪要 v1.2.xls");
    assert_true(ch);
    free(n);
    n = wm_media_name_fix("报告.docx", "application/msword", &ch); /* .docx holding a DOC */
    assert_string_equal(n, "报告.doc");
    assert_true(ch);
    free(n);
    n = wm_media_name_fix("x.bin", "application/x-nothing", &ch);
    assert_string_equal(n, "x.bin");
    assert_false(ch);
    free(n);

    char msg[512];
    m = sniff(FX_LIT("#!/bin/sh\necho hello\n"));
    wm_media_refusal(&m, "通知.pdf", msg, sizeof msg);
    assert_string_equal(msg, "文件内容是 shell 脚本，不是 PDF 文档；请检查文件是否正确");
    wm_media_refusal(&m, "run.sh", msg, sizeof msg);
    assert_non_null(strstr(msg, "文件内容是 shell 脚本，不能归档"));
    assert_null(strstr(msg, "text/"));
    m = sniff(fx_bytes("", 0));
    wm_media_refusal(&m, NULL, msg, sizeof msg);
    assert_non_null(strstr(msg, "文件内容是空文件，"));
    /* a PNG where the settings allow only PDF: not accepted here, said so */
    m = sniff(fx_png());
    wm_media_refusal(&m, "照片.png", msg, sizeof msg);
    assert_string_equal(msg, "本系统目前不接受 PNG 图片；请换成允许的文件类型");
}

static int
group_teardown(void **state)
{
    (void)state;
    wm_media_thread_end();
    return 0;
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_documents),
        cmocka_unit_test(test_ole),
        cmocka_unit_test(test_photos),
        cmocka_unit_test(test_audiovisual),
        cmocka_unit_test(test_text),
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_allow_list),
        cmocka_unit_test(test_head_vs_fd),
        cmocka_unit_test(test_damaged_containers),
        cmocka_unit_test(test_threads),
        cmocka_unit_test(test_labels_and_names),
    };
    return cmocka_run_group_tests(tests, NULL, group_teardown);
}

/* end of test_media.c */
