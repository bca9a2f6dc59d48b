/*
** test_archive.c — cmocka tests of the standard package (src/archive): naming rules,
** export read back with libarchive and byte by byte, export → import round trips, and
** hostile ZIPs and directories built here.
*/
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <cmocka.h>

#include "tdir.h"
#include <jansson.h>

#include "wm_archive.h"
#include "wm_table.h"
#include "wm_util.h"

#include "banned.h"

/* ---------------------------------------------------------------- helpers */

static char *
tmp_dir(void)
{
    char d[64];
    tdir_make(d, sizeof d, "archive");
    return wm_strdup(d);
}

static void
put_file(const char *path, const void *p, size_t n)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, p, n), (ssize_t)n);
    assert_int_equal(close(fd), 0);
}

static int
buf_write(void *cls, const void *p, size_t n)
{
    wm_buf_add(cls, p, n);
    return 0;
}

static uint16_t
rd16(const unsigned char *p)
{
    return (uint16_t)(p[0] | (p[1] << 8));
}

static uint32_t
rd32(const unsigned char *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static void
wr32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
    p[2] = (unsigned char)(v >> 16);
    p[3] = (unsigned char)(v >> 24);
}

/* A ZIP's central directory, walked by hand (no zip64: the test archives are small). */
struct cd_ent {
    char *name;
    uint16_t cd_flags, lfh_flags, method;
    uint16_t dos_time, dos_date; /* local time, as DOS writes it */
    int64_t ut_mtime;            /* the extended timestamp (0x5455) in the central directory,
                                 ** -1 when absent */
    uint32_t csize, usize, lfh;
    size_t cd;
};

static size_t
zip_cd(const unsigned char *z, size_t n, struct cd_ent *out, size_t max)
{
    size_t eocd = SIZE_MAX;
    for (size_t i = n - 22 + 1; i-- > 0;) {
        if (rd32(z + i) == 0x06054b50) {
            eocd = i;
            break;
        }
    }
    assert_true(eocd != SIZE_MAX);
    size_t count = rd16(z + eocd + 10);
    size_t off = rd32(z + eocd + 16);
    assert_true(count <= max);
    for (size_t i = 0; i < count; i++) {
        assert_true(off + 46 <= n);
        assert_int_equal(rd32(z + off), 0x02014b50);
        struct cd_ent *e = &out[i];
        e->cd = off;
        e->cd_flags = rd16(z + off + 8);
        e->method = rd16(z + off + 10);
        e->dos_time = rd16(z + off + 12);
        e->dos_date = rd16(z + off + 14);
        e->csize = rd32(z + off + 20);
        e->usize = rd32(z + off + 24);
        size_t nl = rd16(z + off + 28), xl = rd16(z + off + 30), cl = rd16(z + off + 32);
        e->lfh = rd32(z + off + 42);
        e->name = wm_strndup((const char *)z + off + 46, nl);
        e->ut_mtime = -1;
        for (size_t x = off + 46 + nl; x + 4 <= off + 46 + nl + xl;) {
            size_t id = rd16(z + x), dl = rd16(z + x + 2);
            if (id == 0x5455 && dl >= 5 && (z[x + 4] & 1)) {
                e->ut_mtime = (int64_t)rd32(z + x + 5);
            }
            x += 4 + dl;
        }
        assert_int_equal(rd32(z + e->lfh), 0x04034b50);
        e->lfh_flags = rd16(z + e->lfh + 6);
        off += 46 + nl + xl + cl;
    }
    return count;
}

static void
cd_free(struct cd_ent *e, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(e[i].name);
    }
}

/* The content of entry @a name of a ZIP in memory, read with libarchive; NULL if absent. */
static char *
zip_get(const void *z, size_t n, const char *name, size_t *len)
{
    struct archive *a = archive_read_new();
    archive_read_support_format_zip(a);
    assert_int_equal(archive_read_open_memory(a, z, n), ARCHIVE_OK);
    struct archive_entry *e;
    char *out = NULL;
    /* ARCHIVE_WARN: a UTF-8 name that the C locale cannot show; the _utf8 name is there */
    while (archive_read_next_header(a, &e) >= ARCHIVE_WARN) {
        const char *p = archive_entry_pathname_utf8(e);
        if (p != NULL && strcmp(p, name) == 0) {
            struct wm_buf b = { 0 };
            char tmp[8192];
            la_ssize_t r;
            while ((r = archive_read_data(a, tmp, sizeof(tmp))) > 0) {
                wm_buf_add(&b, tmp, (size_t)r);
            }
            assert_true(r == 0);
            *len = b.len;
            wm_buf_add(&b, "", 0);
            out = wm_buf_steal(&b);
            break;
        }
    }
    archive_read_free(a);
    return out;
}

/* What a walk saw. */
struct seen {
    size_t n;
    char *path[64];
    char *name[64];
    enum wm_pkg_refusal why[64];
    const char *enc[64];
    struct wm_buf data[64];
    bool read_content;
};

static int
collect(void *cls, const struct wm_pkg_entry *e, struct wm_pkg_stream *s)
{
    struct seen *c = cls;
    assert_true(c->n < 64);
    size_t i = c->n++;
    c->path[i] = e->path ? wm_strdup(e->path) : NULL;
    c->name[i] = wm_strdup(e->name);
    c->why[i] = e->refusal;
    c->enc[i] = e->encoding;
    assert_true(wm_utf8_valid(e->name, strlen(e->name)));
    for (size_t k = 0; k < e->ncomp; k++) {
        assert_true(wm_utf8_valid(e->comp[k], strlen(e->comp[k])));
        assert_string_not_equal(e->comp[k], "..");
    }
    if (e->refusal != WM_PKG_OK) {
        assert_null(s);
        assert_non_null(e->reason);
        return 0;
    }
    assert_non_null(s);
    if (c->read_content) {
        char tmp[65536];
        ssize_t r;
        while ((r = wm_pkg_stream_read(s, tmp, sizeof(tmp))) > 0) {
            wm_buf_add(&c->data[i], tmp, (size_t)r);
        }
        if (r < 0) {
            assert_true(wm_pkg_stream_error(s)[0] != '\0');
        }
    }
    return 0;
}

static void
seen_free(struct seen *c)
{
    for (size_t i = 0; i < c->n; i++) {
        free(c->path[i]);
        free(c->name[i]);
        wm_buf_free(&c->data[i]);
    }
    memset(c, 0, sizeof(*c));
}

static ssize_t
seen_find(const struct seen *c, const char *path)
{
    for (size_t i = 0; i < c->n; i++) {
        if (c->path[i] != NULL && strcmp(c->path[i], path) == 0) {
            return (ssize_t)i;
        }
    }
    return -1;
}

/* Hostile ZIPs: written with libarchive to a file, raw names, chosen types. */
struct zb {
    struct archive *a;
    locale_t old;
};

static void
zb_open(struct zb *z, const char *path, bool deflate, bool utf8)
{
    /* raw (GBK) names are written under the C locale, so that libarchive neither converts
    ** nor flags them; UTF-8 names under the process's UTF-8 locale */
    z->old = (locale_t)0;
    if (!utf8) {
        static locale_t c_loc;
        if (c_loc == (locale_t)0) {
            c_loc = newlocale(LC_ALL_MASK, "C", (locale_t)0);
        }
        z->old = uselocale(c_loc);
    }
    z->a = archive_write_new();
    archive_write_set_format_zip(z->a);
    assert_int_equal(archive_write_set_options(z->a, deflate ? "zip:compression=deflate"
                                                             : "zip:compression=store"),
                     ARCHIVE_OK);
    if (utf8) {
        assert_int_equal(archive_write_set_options(z->a, "zip:hdrcharset=UTF-8"), ARCHIVE_OK);
    }
    assert_int_equal(archive_write_open_filename(z->a, path), ARCHIVE_OK);
}

static void
zb_add(struct zb *z, const char *name, unsigned type, const void *p, size_t n)
{
    struct archive_entry *e = archive_entry_new();
    archive_entry_set_pathname(e, name);
    archive_entry_set_filetype(e, type);
    archive_entry_set_perm(e, 0644);
    if (type == AE_IFLNK) {
        archive_entry_set_symlink(e, (const char *)p);
        n = 0;
    }
    archive_entry_set_size(e, (la_int64_t)n);
    int r = archive_write_header(z->a, e);
    if (r < ARCHIVE_WARN) {
        fail_msg("zb_add %s: %s", name, archive_error_string(z->a));
    }
    if (n > 0) {
        assert_int_equal(archive_write_data(z->a, p, n), (la_ssize_t)n);
    }
    archive_entry_free(e);
}

static void
zb_close(struct zb *z)
{
    assert_int_equal(archive_write_close(z->a), ARCHIVE_OK);
    archive_write_free(z->a);
    if (z->old != (locale_t)0) {
        uselocale(z->old);
    }
}

/* Replace every occurrence of @a from by @a to (same length) in the file @a path. */
static void
patch_bytes(const char *path, const char *from, const char *to)
{
    size_t n, k = strlen(from), hits = 0;
    assert_int_equal(strlen(to), k);
    char *z = wm_read_file(path, &n);
    assert_non_null(z);
    for (char *p = z; (p = memmem(p, n - (size_t)(p - z), from, k)) != NULL; p += k) {
        memcpy(p, to, k);
        hits++;
    }
    assert_int_equal(hits, 2); /* local header and central directory */
    put_file(path, z, n);
    free(z);
}

/* ---------------------------------------------------------------- names */

static void
test_component(void **state)
{
    (void)state;

    static const struct {
        const char *in, *out;
    } cases[] = {
        { "创建规划", "创建规划" },
        { "a/b", "a／b" },
        { "a\\b", "a_b" },
        { "..", "_" },
        { ".", "_" },
        { "../etc", "__／etc" },
        { ".hidden", "_hidden" },
        { "CON", "_CON" },
        { "con.txt", "_con.txt" },
        { "Lpt9.tar.gz", "_Lpt9.tar.gz" },
        { "COM1 .doc", "_COM1 .doc" },
        { "CONSOLE.txt", "CONSOLE.txt" },
        { "nul", "_nul" },
        { "报告...", "报告" },
        { "报告. . ", "报告" },
        { "  前导空格", "前导空格" },
        { "a\tb\nc\x7f"
          "d",
          "a_b_c_d" },
        { "tab\x01", "tab_" },
        { "问题?<>:\"|*", "问题？＜＞：＂｜＊" },
        { "", "_" },
        { "   ", "_" },
        { "bad\xff\xfe utf8", "bad\xEF\xBF\xBD\xEF\xBF\xBD utf8" },
        { "\xC0\xAF", "\xEF\xBF\xBD\xEF\xBF\xBD" },
        { "emoji 🎉👍🏽.png", "emoji 🎉👍🏽.png" },
        { "學習貫徹精神 学习贯彻精神", "學習貫徹精神 学习贯彻精神" },
        { "gpj\xE2\x80\xAE"
          "exe.pdf",
          "gpj_exe.pdf" },
        { "C1\xC2\x85x", "C1_x" },
    };

    for (size_t i = 0; i < WM_ARRAY_LEN(cases); i++) {
        char *s = wm_pkg_component(cases[i].in, 0);
        if (strcmp(s, cases[i].out) != 0) {
            fail_msg("component(\"%s\") = \"%s\", want \"%s\"", cases[i].in, s, cases[i].out);
        }
        char *again = wm_pkg_component(s, 0);
        assert_string_equal(again, s);
        free(again);
        free(s);
    }
    char *n = wm_pkg_component(NULL, 0);
    assert_string_equal(n, "_");
    free(n);

    /* 300 characters of Chinese (900 bytes) + ".pdf": cut at a boundary, ".pdf" kept */
    struct wm_buf b = { 0 };
    for (int i = 0; i < 300; i++) {
        wm_buf_adds(&b, "档");
    }
    wm_buf_adds(&b, ".pdf");
    char *cut = wm_pkg_component(wm_buf_str(&b), 0);
    size_t len = strlen(cut);
    assert_true(len <= 200);
    assert_true(len >= 200 - 3);
    assert_true(wm_utf8_valid(cut, len));
    assert_string_equal(cut + len - 4, ".pdf");
    assert_int_equal((len - 4) % 3, 0); /* whole characters only */
    free(cut);
    /* ASCII, explicit limit */
    wm_buf_reset(&b);
    for (int i = 0; i < 300; i++) {
        wm_buf_addc(&b, 'x');
    }
    cut = wm_pkg_component(wm_buf_str(&b), 50);
    assert_int_equal(strlen(cut), 50);
    free(cut);
    /* a 4-byte emoji at the cut: never split */
    wm_buf_reset(&b);
    for (int i = 0; i < 60; i++) {
        wm_buf_adds(&b, "😀");
    }
    cut = wm_pkg_component(wm_buf_str(&b), 201);
    assert_int_equal(strlen(cut), 200);
    assert_true(wm_utf8_valid(cut, strlen(cut)));
    free(cut);
    /* a device name made by the cut gets its prefix and still fits */
    cut = wm_pkg_component("CONxx.abcdefghijkl", 16);
    assert_true(strlen(cut) <= 16);
    assert_string_equal(cut, "_CO.abcdefghijkl");
    free(cut);
    wm_buf_free(&b);
}

static void
test_doc_and_folder_names(void **state)
{
    (void)state;
    char *s = wm_pkg_doc_name(1, "创建领导小组文件", "pdf", false);
    assert_string_equal(s, "01：创建领导小组文件.pdf");
    free(s);
    s = wm_pkg_doc_name(7, "会议纪要", ".docx", true);
    assert_string_equal(s, "07:会议纪要.docx");
    free(s);
    s = wm_pkg_doc_name(123, "第三季度/总结: 初稿", "doc", false);
    assert_string_equal(s, "123：第三季度／总结： 初稿.doc");
    free(s);
    s = wm_pkg_doc_name(2, NULL, NULL, false);
    assert_string_equal(s, "02：未命名");
    free(s);
    s = wm_pkg_doc_name(0, "主题", "jpg", false);
    assert_string_equal(s, "主题.jpg");
    free(s);
    s = wm_pkg_doc_name(3, "v1.2 版本.", "pdf", false);
    assert_string_equal(s, "03：v1.2 版本.pdf");
    free(s);
    /* a very long title is cut, the serial and the extension stay */
    struct wm_buf b = { 0 };
    for (int i = 0; i < 100; i++) {
        wm_buf_adds(&b, "长");
    }
    s = wm_pkg_doc_name(9, wm_buf_str(&b), "pptx", false);
    assert_true(strlen(s) <= 200);
    assert_true(wm_startswith(s, "09："));
    assert_string_equal(s + strlen(s) - 5, ".pptx");
    char *again = wm_pkg_component(s, 0);
    assert_string_equal(again, s);
    free(again);
    free(s);
    wm_buf_free(&b);

    s = wm_pkg_folder_name("1.2", "创建规划");
    assert_string_equal(s, "1.2 创建规划");
    free(s);
    s = wm_pkg_folder_name(NULL, "组织管理");
    assert_string_equal(s, "组织管理");
    free(s);
    s = wm_pkg_folder_name("3", NULL);
    assert_string_equal(s, "3");
    free(s);
    s = wm_pkg_folder_name("1.1.2", "专题研究/创建动员");
    assert_string_equal(s, "1.1.2 专题研究／创建动员");
    free(s);
    s = wm_pkg_top_name("某市司法局", 2020);
    assert_string_equal(s, "某市司法局_2020_创建档案");
    int year;
    char *unit;
    assert_true(wm_pkg_parse_top(s, &unit, &year));
    assert_string_equal(unit, "某市司法局");
    assert_int_equal(year, 2020);
    free(unit);
    free(s);
    assert_false(wm_pkg_parse_top("某市司法局_创建档案", &unit, &year));
    assert_null(unit);
}

static void
test_parse_folder(void **state)
{
    (void)state;

    static const struct {
        const char *in, *code, *title;
    } cases[] = {
        { "1.2 创建规划", "1.2", "创建规划" },
        { "1.2创建规划", "1.2", "创建规划" },
        { "1.2、创建规划", "1.2", "创建规划" },
        { "1.2_创建规划", "1.2", "创建规划" },
        { "1.2．创建规划", "1.2", "创建规划" },
        { "(1.2) 创建规划", "1.2", "创建规划" },
        { "（1.2）创建规划", "1.2", "创建规划" },
        { "【3】思想道德建设", "3", "思想道德建设" },
        { "1.2", "1.2", NULL },
        { "1.1.2 专题研究与创建动员", "1.1.2", "专题研究与创建动员" },
        { "1. 组织管理", "1", "组织管理" },
        { "2 思想道德建设", "2", "思想道德建设" },
        { "创建规划", NULL, "创建规划" },
        { "一、组织管理", NULL, "组织管理" },
        { "（三）创建活动", NULL, "创建活动" },
        { "2020年工作总结", NULL, "2020年工作总结" },
        { "3号文件", NULL, "3号文件" },
        { "  1.2   创建规划  ", "1.2", "创建规划" },
        { "1.2\xE3\x80\x80创建规划", "1.2", "创建规划" },
    };

    for (size_t i = 0; i < WM_ARRAY_LEN(cases); i++) {
        char *code, *title;
        assert_true(wm_pkg_parse_folder(cases[i].in, &code, &title));
        if (!((code == NULL && cases[i].code == NULL) ||
              (code && cases[i].code && strcmp(code, cases[i].code) == 0)) ||
            !((title == NULL && cases[i].title == NULL) ||
              (title && cases[i].title && strcmp(title, cases[i].title) == 0))) {
            fail_msg("parse_folder(\"%s\") = (%s, %s), want (%s, %s)", cases[i].in,
                     code ? code : "NULL", title ? title : "NULL",
                     cases[i].code ? cases[i].code : "NULL",
                     cases[i].title ? cases[i].title : "NULL");
        }
        free(code);
        free(title);
    }
    char *code, *title;
    assert_false(wm_pkg_parse_folder("   ", &code, &title));
    assert_null(code);
    assert_null(title);
    /* what we write, we read */
    char *f = wm_pkg_folder_name("4.10", "志愿服务");
    assert_true(wm_pkg_parse_folder(f, &code, &title));
    assert_string_equal(code, "4.10");
    assert_string_equal(title, "志愿服务");
    free(code);
    free(title);
    free(f);
}

static void
test_parse_doc_name(void **state)
{
    (void)state;

    static const struct {
        const char *in;
        unsigned serial;
        const char *title, *ext;
    } cases[] = {
        { "01：主题.pdf", 1, "主题", "pdf" },
        { "01:主题.pdf", 1, "主题", "pdf" },
        { "01_主题.pdf", 1, "主题", "pdf" },
        { "01 主题.pdf", 1, "主题", "pdf" },
        { "01、主题.pdf", 1, "主题", "pdf" },
        { "12.会议纪要.docx", 12, "会议纪要", "docx" },
        { "105：第一百零五件.jpg", 105, "第一百零五件", "jpg" },
        { "主题.pdf", 0, "主题", "pdf" },
        { "2020_总结.pdf", 0, "2020_总结", "pdf" },
        { "2020年总结.xlsx", 0, "2020年总结", "xlsx" },
        { "03：无扩展名", 3, "无扩展名", NULL },
        { "04.pdf", 4, NULL, "pdf" },
        { "v1.2 方案", 0, "v1.2 方案", NULL },
    };

    for (size_t i = 0; i < WM_ARRAY_LEN(cases); i++) {
        unsigned serial;
        char *title, *ext;
        assert_true(wm_pkg_parse_doc_name(cases[i].in, &serial, &title, &ext));
        bool ok = serial == cases[i].serial &&
                  ((title == NULL && cases[i].title == NULL) ||
                   (title && cases[i].title && strcmp(title, cases[i].title) == 0)) &&
                  ((ext == NULL && cases[i].ext == NULL) ||
                   (ext && cases[i].ext && strcmp(ext, cases[i].ext) == 0));
        if (!ok) {
            fail_msg("parse_doc_name(\"%s\") = (%u, %s, %s)", cases[i].in, serial,
                     title ? title : "NULL", ext ? ext : "NULL");
        }
        free(title);
        free(ext);
    }
    unsigned serial;
    char *title, *ext;
    assert_false(wm_pkg_parse_doc_name("", &serial, &title, &ext));
    /* round trip of what we write */
    char *n = wm_pkg_doc_name(42, "创建工作总结", "pdf", false);
    assert_true(wm_pkg_parse_doc_name(n, &serial, &title, &ext));
    assert_int_equal(serial, 42);
    assert_string_equal(title, "创建工作总结");
    assert_string_equal(ext, "pdf");
    free(title);
    free(ext);
    free(n);
}

/* ---------------------------------------------------------------- export */

#define TOP   "某市司法局_2020_创建档案"
#define D1    TOP "/1 组织管理"
#define D11   D1 "/1.1 创建规划"
#define DOC1  D11 "/01：创建领导小组文件.pdf"
#define DOC2  D11 "/02：A&B ＜测试＞ 100%.txt"
#define DOC3  TOP "/2 思想道德建设/01：學習貫徹 学习贯彻.jpg"
#define EMPTY TOP "/3 创建活动"

static const char DOC1_DATA[] = "%PDF-1.4 创建领导小组文件\n";
static const char DOC2_DATA[] = "text with & and <tags>\n";

static void
export_small(struct wm_buf *zip, uint64_t *progress_calls)
{
    struct wm_pkg_opts o = { .organization = "某市司法局", .description = "2020年度创建档案" };
    struct wm_pkg_writer *w = wm_pkg_writer_new(buf_write, zip, &o);
    assert_string_equal(wm_pkg_writer_error(w), "");
    struct wm_pkg_meta m = {
        .unit = "某市司法局",
        .year = 2020,
        .indicator_code = "1.1",
        .indicator_title = "创建规划",
        .serial = 1,
        .title = "创建领导小组文件",
        .date_formed = "2020-03-15",
        .media = "文字",
        .department = "办公室",
        .author = "张三",
        .keywords = "领导小组, 文件",
        .retention = "永久",
        .archival_code = "A001-2020-1.1-01",
        .content_type = "application/pdf",
    };
    assert_int_equal(wm_pkg_add_bytes_meta(w, DOC1, DOC1_DATA, sizeof(DOC1_DATA) - 1, &m), 0);
    m.serial = 2;
    m.title = "=HYPERLINK(\"x\")";
    m.content_type = "text/plain";
    assert_int_equal(wm_pkg_add_bytes_meta(w, DOC2, DOC2_DATA, sizeof(DOC2_DATA) - 1, &m), 0);
    /* a 1 MiB + 1 file from a descriptor */
    char tmpl[] = "/tmp/wm_archive_fd_XXXXXX";
    int fd = mkstemp(tmpl);
    assert_true(fd >= 0);
    unlink(tmpl);
    size_t big = (1u << 20) + 1;
    unsigned char *p = wm_malloc(big);
    for (size_t i = 0; i < big; i++) {
        p[i] = (unsigned char)(i * 2654435761u >> 13);
    }
    assert_int_equal(write(fd, p, big), (ssize_t)big);
    assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
    assert_int_equal(wm_pkg_add_file_fd(w, DOC3, fd, big, 1600000000, NULL), 0);
    close(fd);
    free(p);
    assert_int_equal(wm_pkg_add_dir(w, EMPTY), 0);
    assert_int_equal(wm_pkg_add_dir(w, D1), 0); /* again: harmless */
    char err[256];
    assert_int_equal(wm_pkg_finish(w, err, sizeof(err)), 0);
    if (progress_calls != NULL) {
        *progress_calls = wm_pkg_writer_bytes(w);
    }
    wm_pkg_writer_free(w);
}

/* An entry of a ZIP in memory, itself a ZIP (目录.xlsx): the content of its part @a name. */
static char *
zip_get_inner(const char *outer, size_t n, const char *entry, const char *name)
{
    size_t len;
    char *inner = zip_get(outer, n, entry, &len);
    assert_non_null(inner);
    char *part = zip_get(inner, len, name, &len);
    free(inner);
    return part;
}

/* Entry times are local (TZ) in the DOS fields and UTC in the extended timestamp;
** index.html shows local time; 目录.xlsx holds the manifest's rows. */
static void
test_export_local_times_and_catalog(void **state)
{
    (void)state;
    const char *old_tz = getenv("TZ");
    char *saved = old_tz ? wm_strdup(old_tz) : NULL;
    setenv("TZ", "Asia/Shanghai", 1);
    tzset();
    struct wm_buf zip = { 0 };
    export_small(&zip, NULL);
    struct cd_ent ents[32];
    size_t n = zip_cd((const unsigned char *)zip.data, zip.len, ents, 32);
    const struct cd_ent *doc3 = NULL;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(ents[i].name, "data/" DOC3) == 0) {
            doc3 = &ents[i];
        }
    }
    assert_non_null(doc3);
    time_t mt = 1600000000; /* 2020-09-13 12:26:40 UTC, 20:26:40 in Shanghai */
    struct tm tm;
    localtime_r(&mt, &tm);
    assert_int_equal(tm.tm_hour, 20);
    assert_int_equal(doc3->dos_time >> 11, tm.tm_hour);
    assert_int_equal((doc3->dos_time >> 5) & 63, tm.tm_min);
    assert_int_equal((doc3->dos_time & 31) * 2, tm.tm_sec);
    assert_int_equal((doc3->dos_date >> 9) + 1980, tm.tm_year + 1900);
    assert_int_equal((doc3->dos_date >> 5) & 15, tm.tm_mon + 1);
    assert_int_equal(doc3->dos_date & 31, tm.tm_mday);
    assert_int_equal(doc3->ut_mtime, (int64_t)mt); /* UTC, for tools that read it */
    cd_free(ents, n);
    /* the extended timestamp (0x5455) keeps the instant: libarchive reads it back */
    struct archive *a = archive_read_new();
    archive_read_support_format_zip(a);
    assert_int_equal(archive_read_open_memory(a, zip.data, zip.len), ARCHIVE_OK);
    struct archive_entry *e;
    bool found = false;
    while (archive_read_next_header(a, &e) >= ARCHIVE_WARN) {
        const char *p = archive_entry_pathname_utf8(e);
        if (p != NULL && strcmp(p, "data/" DOC3) == 0) {
            assert_int_equal(archive_entry_mtime(e), mt);
            found = true;
        }
    }
    archive_read_free(a);
    assert_true(found);
    /* index.html: the time of the package in local time, with its offset */
    size_t len;
    char *html = zip_get(zip.data, zip.len, "index.html", &len);
    assert_non_null(strstr(html, "(UTC+0800)"));
    assert_non_null(strstr(html, "目录.xlsx"));
    free(html);
    /* 目录.xlsx: the manifest's header (bold) and rows */
    char *strings = zip_get_inner(zip.data, zip.len, "目录.xlsx", "xl/sharedStrings.xml");
    assert_non_null(strings);
    static const char *const want[] = { "<t>路径</t>", "<t>题名</t>", "<t>档号</t>",
                                        "<t>创建领导小组文件</t>", "<t>A001-2020-1.1-01</t>",
                                        "<t>data/" DOC1 "</t>", "<t>'=HYPERLINK(\"x\")</t>" };
    for (size_t i = 0; i < WM_ARRAY_LEN(want); i++) {
        if (strstr(strings, want[i]) == NULL) {
            print_error("目录.xlsx lacks %s\n", want[i]);
        }
        assert_non_null(strstr(strings, want[i]));
    }
    assert_null(strstr(strings, "<t>=HYPERLINK"));
    free(strings);
    char *styles = zip_get_inner(zip.data, zip.len, "目录.xlsx", "xl/styles.xml");
    assert_non_null(strstr(styles, "<b/>"));
    free(styles);
    char *sheet = zip_get_inner(zip.data, zip.len, "目录.xlsx", "xl/worksheets/sheet1.xml");
    assert_non_null(strstr(sheet, "<row r=\"4\"")); /* header + 3 documents */
    assert_null(strstr(sheet, "<row r=\"5\""));
    assert_non_null(strstr(sheet, "<v>1048577</v>")); /* the size is a number */
    free(sheet);
    wm_buf_free(&zip);
    if (saved) {
        setenv("TZ", saved, 1);
        free(saved);
    } else {
        unsetenv("TZ");
    }
    tzset();
}

static void
test_export_layout(void **state)
{
    (void)state;
    struct wm_buf zip = { 0 };
    export_small(&zip, NULL);
    const unsigned char *z = (const unsigned char *)zip.data;

    static const char *const want[] = {
        "bagit.txt",     "data/",           "data/" TOP "/", "data/" D1 "/",
        "data/" D11 "/", "data/" DOC1,      "data/" DOC2,    "data/" TOP "/2 思想道德建设/",
        "data/" DOC3,    "data/" EMPTY "/", "bag-info.txt",  "manifest-sha256.txt",
        "manifest.csv",  "目录.xlsx",       "manifest.json", "index.html",
        "tagmanifest-sha256.txt",
    };
    struct cd_ent ents[32];
    size_t n = zip_cd(z, zip.len, ents, 32);
    assert_int_equal(n, WM_ARRAY_LEN(want));
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(ents[i].name, want[i]);
        /* general purpose bit 11: non-ASCII names are flagged UTF-8, in the local header
        ** and in the central directory (libarchive leaves pure ASCII names unflagged:
        ** they read the same in CP437 and UTF-8) */
        bool ascii = true;
        for (const char *q = ents[i].name; *q; q++) {
            ascii = ascii && (unsigned char)*q < 0x80;
        }
        assert_true(ascii || (ents[i].lfh_flags & 0x0800));
        assert_true(ascii || (ents[i].cd_flags & 0x0800));
        bool doc =
            wm_startswith(ents[i].name, "data/") && ents[i].name[strlen(ents[i].name) - 1] != '/';
        if (doc) {
            assert_int_equal(ents[i].method, 0); /* STORED */
            assert_int_equal(ents[i].csize, ents[i].usize);
        } else if (ents[i].usize > 200) {
            assert_int_equal(ents[i].method, 8); /* tag files deflated */
        }
    }
    cd_free(ents, n);

    /* bagit.txt, Payload-Oxum */
    size_t len;
    char *bagit = zip_get(zip.data, zip.len, "bagit.txt", &len);
    assert_string_equal(bagit, "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n");
    free(bagit);
    char *info = zip_get(zip.data, zip.len, "bag-info.txt", &len);
    uint64_t octets = sizeof(DOC1_DATA) - 1 + sizeof(DOC2_DATA) - 1 + (1u << 20) + 1;
    char oxum[64];
    snprintf(oxum, sizeof(oxum), "Payload-Oxum: %llu.3\n", (unsigned long long)octets);
    assert_non_null(strstr(info, oxum));
    assert_non_null(strstr(info, "Source-Organization: 某市司法局\n"));
    assert_non_null(strstr(info, "Bagging-Date: "));
    free(info);

    /* manifest-sha256.txt: the real digests of the contents as read back */
    char *man = zip_get(zip.data, zip.len, "manifest-sha256.txt", &len);
    const char *docs[] = { DOC1, DOC2, DOC3 };
    const char *bagged[] = { "data/" DOC1, "data/" D11 "/02：A&B ＜测试＞ 100%25.txt",
                             "data/" DOC3 };
    struct wm_buf expect = { 0 };
    for (size_t i = 0; i < 3; i++) {
        char *name = wm_asprintf("data/%s", docs[i]);
        size_t dl;
        char *content = zip_get(zip.data, zip.len, name, &dl);
        assert_non_null(content);
        char sha[65];
        wm_sha256_hex(content, dl, sha);
        wm_buf_printf(&expect, "%s  %s\n", sha, bagged[i]);
        free(content);
        free(name);
    }
    assert_string_equal(man, wm_buf_str(&expect));
    wm_buf_free(&expect);

    /* tagmanifest: digests of the tag files */
    char *tagman = zip_get(zip.data, zip.len, "tagmanifest-sha256.txt", &len);
    const char *tags[] = { "bagit.txt",    "bag-info.txt", "manifest-sha256.txt",
                           "manifest.csv", "目录.xlsx",    "manifest.json",
                           "index.html" };
    for (size_t i = 0; i < WM_ARRAY_LEN(tags); i++) {
        size_t tl;
        char *t = zip_get(zip.data, zip.len, tags[i], &tl);
        char sha[65];
        wm_sha256_hex(t, tl, sha);
        char *line = wm_asprintf("%s  %s\n", sha, tags[i]);
        assert_non_null(strstr(tagman, line));
        free(line);
        free(t);
    }
    free(tagman);
    free(man);

    /* manifest.csv parses (the project's CSV reader), BOM first, one row per document */
    char *csv = zip_get(zip.data, zip.len, "manifest.csv", &len);
    assert_memory_equal(csv, "\xEF\xBB\xBF", 3);
    struct wm_table *t = NULL;
    char err[160];
    assert_int_equal(wm_table_read(csv, len, WM_TABLE_CSV, &t, err, sizeof(err)), 0);
    assert_int_equal(t->nrows, 4);
    assert_int_equal(t->rows[0].ncells, 17);
    int c_path = wm_table_col(&t->rows[0], "路径");
    int c_title = wm_table_col(&t->rows[0], "题名");
    int c_sha = wm_table_col(&t->rows[0], "SHA-256");
    int c_size = wm_table_col(&t->rows[0], "大小（字节）");
    int c_kw = wm_table_col(&t->rows[0], "主题词");
    assert_true(c_path == 0 && c_title >= 0 && c_sha >= 0 && c_size >= 0 && c_kw >= 0);
    assert_string_equal(wm_row_cell(&t->rows[1], c_path), "data/" DOC1);
    assert_string_equal(wm_row_cell(&t->rows[1], c_title), "创建领导小组文件");
    assert_string_equal(wm_row_cell(&t->rows[1], c_kw), "领导小组, 文件");
    /* neutralised in the file; the project's reader takes the apostrophe off again */
    assert_non_null(strstr(csv, ",\"'=HYPERLINK(\"\"x\"\")\","));
    assert_string_equal(wm_row_cell(&t->rows[2], c_title), "=HYPERLINK(\"x\")");
    assert_string_equal(wm_row_cell(&t->rows[3], c_size), "1048577");
    assert_string_equal(wm_row_cell(&t->rows[1], wm_table_col(&t->rows[0], "档号")),
                        "A001-2020-1.1-01");
    wm_table_free(t);
    free(csv);

    /* manifest.json: documents and the folder tree */
    char *js = zip_get(zip.data, zip.len, "manifest.json", &len);
    json_error_t jerr;
    json_t *root = json_loadb(js, len, 0, &jerr);
    assert_non_null(root);
    assert_string_equal(json_string_value(json_object_get(root, "format")), "wenming-package/1");
    json_t *jdocs = json_object_get(root, "documents");
    assert_int_equal(json_array_size(jdocs), 3);
    json_t *d0 = json_array_get(jdocs, 0);
    assert_string_equal(json_string_value(json_object_get(d0, "indicator_code")), "1.1");
    assert_int_equal(json_integer_value(json_object_get(d0, "year")), 2020);
    assert_int_equal(json_integer_value(json_object_get(d0, "serial")), 1);
    json_t *tree = json_object_get(root, "tree");
    assert_int_equal(json_array_size(tree), 1);
    json_t *top = json_array_get(tree, 0);
    assert_string_equal(json_string_value(json_object_get(top, "name")), TOP);
    json_t *f1 = json_array_get(json_object_get(top, "folders"), 0);
    assert_string_equal(json_string_value(json_object_get(f1, "code")), "1");
    assert_string_equal(json_string_value(json_object_get(f1, "title")), "组织管理");
    assert_int_equal(json_array_size(json_object_get(top, "folders")), 3);
    json_decref(root);
    free(js);

    /* index.html: links to every document, escaped text, percent-encoded hrefs */
    char *html = zip_get(zip.data, zip.len, "index.html", &len);
    assert_true(wm_startswith(html, "<!DOCTYPE html>"));
    assert_non_null(strstr(html, "lang=\"zh-Hans\""));
    assert_null(strstr(html, "<script"));
    for (size_t i = 0; i < 3; i++) {
        struct wm_buf href = { 0 };
        wm_buf_adds(&href, "href=\"data/");
        const char *p = docs[i];
        for (;;) {
            size_t k = strcspn(p, "/");
            char *c = wm_strndup(p, k);
            wm_url_encode(&href, c);
            free(c);
            if (p[k] == '\0') {
                break;
            }
            wm_buf_addc(&href, '/');
            p += k + 1;
        }
        wm_buf_addc(&href, '"');
        assert_non_null(strstr(html, wm_buf_str(&href)));
        wm_buf_free(&href);
    }
    assert_non_null(strstr(html, ">02：A&amp;B ＜测试＞ 100%.txt</a>"));
    assert_non_null(strstr(html, "%25.txt\""));
    assert_non_null(strstr(html, "暂无文件"));
    free(html);
    wm_buf_free(&zip);
}

/* export → import: the same files, byte-identical, with the same relative paths */
static void
test_roundtrip(void **state)
{
    (void)state;
    char *dir = tmp_dir();
    char *zpath = wm_asprintf("%s/pkg.zip", dir);
    int zfd = open(zpath, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    assert_true(zfd >= 0);
    struct wm_buf zip = { 0 };
    struct wm_pkg_writer *w = wm_pkg_writer_new(buf_write, &zip, NULL);

    static const char *const paths[] = {
        "某单位_2019_创建档案/1 组织管理/01：空文件.txt",
        "某单位_2019_创建档案/1 组织管理/02：一字节.bin",
        "某单位_2020_创建档案/1 组织管理/1.1 创建规划/01：随机 300KB.pdf",
        "某单位_2020_创建档案/2 思想道德建设/01：表情🎉.png",
        "某单位_2020_创建档案/2 思想道德建设/CON.txt",
    };
    size_t sizes[] = { 0, 1, 300000, 70000, 5 };
    unsigned char *content[5];
    uint64_t seed = 88172645463325252u;
    for (size_t i = 0; i < 5; i++) {
        content[i] = wm_malloc(sizes[i] + 1);
        for (size_t k = 0; k < sizes[i]; k++) {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            content[i][k] = (unsigned char)seed;
        }
        if (i == 4) {
            /* not a safe component: refused, the writer goes on */
            assert_int_equal(wm_pkg_add_bytes(w, paths[i], content[i], sizes[i]), -1);
            assert_non_null(strstr(wm_pkg_writer_error(w), "CON"));
            continue;
        }
        assert_int_equal(wm_pkg_add_bytes(w, paths[i], content[i], sizes[i]), 0);
    }
    /* the same path twice, and a file where a folder is */
    assert_int_equal(wm_pkg_add_bytes(w, paths[1], "x", 1), -1);
    assert_int_equal(wm_pkg_add_bytes(w, "某单位_2019_创建档案", "x", 1), -1);
    assert_int_equal(wm_pkg_add_bytes(w, "../逃逸.txt", "x", 1), -1);
    assert_int_equal(wm_pkg_add_bytes(w, "某单位_2019_创建档案/01:冒号.txt", "x", 1), -1);
    assert_non_null(strstr(wm_pkg_writer_error(w), "01：冒号.txt"));
    assert_int_equal(wm_pkg_add_dir(w, "a//b"), -1);
    char err[256];
    assert_int_equal(wm_pkg_finish(w, err, sizeof(err)), 0);
    assert_int_equal(wm_pkg_finish(w, err, sizeof(err)), -1);
    wm_pkg_writer_free(w);
    assert_int_equal(write(zfd, zip.data, zip.len), (ssize_t)zip.len);
    close(zfd);

    struct seen c = { .read_content = true };
    if (wm_pkg_read_each(zpath, NULL, collect, &c, err, sizeof(err)) != 0) {
        fail_msg("read_each: %s", err);
    }
    assert_int_equal(c.n, 4); /* tag files and folders are not reported */
    for (size_t i = 0; i < 4; i++) {
        ssize_t k = seen_find(&c, paths[i]);
        if (k < 0) {
            fail_msg("missing %s", paths[i]);
        }
        assert_int_equal(c.why[k], WM_PKG_OK);
        assert_null(c.enc[k]);
        assert_int_equal(c.data[k].len, sizes[i]);
        if (sizes[i] > 0) {
            assert_memory_equal(c.data[k].data, content[i], sizes[i]);
        }
    }

    /* unpacked into a folder (as an evaluator would), then imported from the folder */
    char *root = wm_asprintf("%s/unpacked", dir);
    char *cmd = wm_asprintf("mkdir -p '%s' && cd '%s' && bsdtar -xf '%s' 2>/dev/null || "
                            "python3 -c 'import zipfile,sys; zipfile.ZipFile(sys.argv[1])"
                            ".extractall(sys.argv[2])' '%s' '%s'",
                            root, root, zpath, zpath, root);
    assert_int_equal(system(cmd), 0);
    free(cmd);
    struct seen d = { .read_content = true };
    assert_int_equal(wm_pkg_read_each(root, NULL, collect, &d, err, sizeof(err)), 0);
    assert_int_equal(d.n, 4);
    for (size_t i = 0; i < 4; i++) {
        ssize_t k = seen_find(&d, paths[i]);
        assert_true(k >= 0);
        assert_int_equal(d.data[k].len, sizes[i]);
        if (sizes[i] > 0) {
            assert_memory_equal(d.data[k].data, content[i], sizes[i]);
        }
    }
    seen_free(&d);

    /* the same tree zipped one folder down (someone re-zipped the unpacked folder) */
    char *rezip = wm_asprintf("%s/rezip.zip", dir);
    cmd = wm_asprintf("cd '%s' && python3 -c 'import shutil,sys; shutil.make_archive(sys.argv[1],"
                      "\"zip\", \".\", \"unpacked\")' '%s/rezip'",
                      dir, dir);
    assert_int_equal(system(cmd), 0);
    free(cmd);
    assert_int_equal(wm_pkg_read_each(rezip, NULL, collect, &d, err, sizeof(err)), 0);
    assert_int_equal(d.n, 4);
    for (size_t i = 0; i < 4; i++) {
        assert_true(seen_find(&d, paths[i]) >= 0);
    }
    seen_free(&d);
    free(rezip);

    for (size_t i = 0; i < 5; i++) {
        free(content[i]);
    }
    seen_free(&c);
    wm_buf_free(&zip);
    tdir_remove(dir);
    free(root);
    free(zpath);
    free(dir);
}

static uint64_t progress_last, progress_count;

static void
on_progress(void *cls, uint64_t done, uint64_t total)
{
    (void)cls;
    assert_true(done >= progress_last);
    assert_int_equal(total, 5000000);
    progress_last = done;
    progress_count++;
}

static int fail_after;

static int
failing_write(void *cls, const void *p, size_t n)
{
    (void)cls;
    (void)p;
    (void)n;
    return --fail_after < 0 ? -1 : 0;
}

static void
test_writer_progress_and_failure(void **state)
{
    (void)state;
    struct wm_buf zip = { 0 };
    struct wm_pkg_opts o = { .ascii_colon = true, .total_hint = 5000000, .progress = on_progress };
    struct wm_pkg_writer *w = wm_pkg_writer_new(buf_write, &zip, &o);
    char *big = wm_calloc(1, 5000000);
    char *name = wm_pkg_doc_name(1, "大文件", "bin", true);
    char *path = wm_asprintf("x_2021_创建档案/%s", name);
    assert_int_equal(wm_pkg_add_bytes(w, path, big, 5000000), 0);
    /* ':' is allowed in an ascii_colon package, '/' inside a name is not */
    assert_int_equal(wm_pkg_add_bytes(w, "x_2021_创建档案/02:b.txt", "b", 1), 0);
    assert_int_equal(wm_pkg_add_bytes(w, "x_2021_创建档案/03:c?.txt", "c", 1), -1);
    char err[256];
    assert_int_equal(wm_pkg_finish(w, err, sizeof(err)), 0);
    assert_true(progress_count >= 5);
    assert_int_equal(progress_last, zip.len);
    wm_pkg_writer_free(w);
    size_t len;
    char *back = zip_get(zip.data, zip.len, "data/x_2021_创建档案/01:大文件.bin", &len);
    assert_non_null(back);
    assert_int_equal(len, 5000000);
    free(back);
    wm_buf_free(&zip);

    /* the client went away: the failure is reported with its cause, nothing more written */
    fail_after = 3;
    progress_last = 0;
    w = wm_pkg_writer_new(failing_write, NULL, &o);
    assert_int_equal(wm_pkg_add_bytes(w, path, big, 5000000), -1);
    if (strstr(wm_pkg_writer_error(w), "写") == NULL) {
        fail_msg("error: %s", wm_pkg_writer_error(w));
    }
    assert_int_equal(wm_pkg_add_dir(w, "x_2021_创建档案"), -1);
    assert_int_equal(wm_pkg_finish(w, err, sizeof(err)), -1);
    assert_true(err[0] != '\0');
    wm_pkg_writer_free(w);

    /* a descriptor that ends early */
    zip = (struct wm_buf){ 0 };
    w = wm_pkg_writer_new(buf_write, &zip, NULL);
    int fd = open("/dev/null", O_RDONLY);
    assert_int_equal(wm_pkg_add_file_fd(w, "a.bin", fd, 10, 0, NULL), -1);
    assert_non_null(strstr(wm_pkg_writer_error(w), "提前结束"));
    close(fd);
    wm_pkg_writer_free(w);
    wm_buf_free(&zip);
    free(path);
    free(name);
    free(big);
}

/* ---------------------------------------------------------------- hostile input */

static void
test_hostile_paths(void **state)
{
    (void)state;
    char *dir = tmp_dir();
    char *zpath = wm_asprintf("%s/evil.zip", dir);
    struct zb z;
    zb_open(&z, zpath, true, true);
    zb_add(&z, "good/01：正常.txt", AE_IFREG, "ok", 2);
    zb_add(&z, "../evil.txt", AE_IFREG, "evil", 4);
    zb_add(&z, "a/../../evil2.txt", AE_IFREG, "evil", 4);
    zb_add(&z, "/etc/passwd", AE_IFREG, "root", 4);
    zb_add(&z, "C:\\x", AE_IFREG, "x", 1);
    zb_add(&z, "..\\win.txt", AE_IFREG, "x", 1);
    zb_add(&z, "link", AE_IFLNK, "/etc/passwd", 0);
    zb_add(&z, "good/01：正常.txt", AE_IFREG, "dup", 3);
    zb_add(&z, "__MACOSX/good/._x", AE_IFREG, "junk", 4);
    zb_add(&z, "good/.DS_Store", AE_IFREG, "junk", 4);
    zb_add(&z, "good/Thumbs.db", AE_IFREG, "junk", 4);
    zb_add(&z, "./good/./sub//02 b.txt", AE_IFREG, "b", 1);
    zb_close(&z);
    /* the backslashes are in the file (libarchive's reader may turn them into '/') */
    patch_bytes(zpath, "C:\\x", "C:\\x");
    patch_bytes(zpath, "..\\win.txt", "..\\win.txt");

    struct seen c = { .read_content = true };
    char err[256];
    assert_int_equal(wm_pkg_read_each(zpath, NULL, collect, &c, err, sizeof(err)), 0);

    static const struct {
        const char *name;
        enum wm_pkg_refusal why;
    } want[] = {
        { "good/01：正常.txt", WM_PKG_OK },
        { "../evil.txt", WM_PKG_R_TRAVERSAL },
        { "a/../../evil2.txt", WM_PKG_R_TRAVERSAL },
        { "/etc/passwd", WM_PKG_R_ABSOLUTE },
        { "C:\\x", WM_PKG_R_ABSOLUTE },
        { "..\\win.txt", WM_PKG_R_TRAVERSAL },
        { "link", WM_PKG_R_LINK },
        { "good/01：正常.txt", WM_PKG_R_DUPLICATE },
        { "./good/./sub//02 b.txt", WM_PKG_OK },
    };

    assert_int_equal(c.n, WM_ARRAY_LEN(want));
    for (size_t i = 0; i < c.n; i++) {
        for (char *q = c.name[i]; *q; q++) {
            *q = *q == '\\' ? '/' : *q;
        }
        char *wn = wm_strdup(want[i].name);
        for (char *q = wn; *q; q++) {
            *q = *q == '\\' ? '/' : *q;
        }
        bool same = strcmp(c.name[i], wn) == 0;
        free(wn);
        if (!same || c.why[i] != want[i].why) {
            fail_msg("entry %zu: %s (%d), want %s (%d)", i, c.name[i], c.why[i], want[i].name,
                     want[i].why);
        }
    }
    assert_string_equal(c.path[8], "good/sub/02 b.txt");
    assert_int_equal(c.data[0].len, 2);
    seen_free(&c);
    tdir_remove(dir);
    free(zpath);
    free(dir);
}

/* Patch the uncompressed size of entry @a name everywhere it is written. */
static void
patch_usize(struct wm_buf *zip, const char *name, uint32_t v)
{
    unsigned char *z = (unsigned char *)zip->data;
    struct cd_ent ents[16];
    size_t n = zip_cd(z, zip->len, ents, 16);
    bool done = false;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(ents[i].name, name) != 0) {
            continue;
        }
        wr32(z + ents[i].cd + 24, v);
        wr32(z + ents[i].lfh + 22, v);
        if (ents[i].lfh_flags & 8) {
            size_t dd = ents[i].lfh + 30 + rd16(z + ents[i].lfh + 26) + rd16(z + ents[i].lfh + 28) +
                        ents[i].csize;
            if (rd32(z + dd) == 0x08074b50) {
                dd += 4;
            }
            wr32(z + dd + 8, v);
        }
        done = true;
    }
    assert_true(done);
    cd_free(ents, n);
}

static void
test_bombs(void **state)
{
    (void)state;
    char *dir = tmp_dir();
    char err[256];
    struct seen c = { .read_content = true };
    size_t big = 10u << 20;
    char *zeros = wm_calloc(1, big);

    /* 10 MB of zeros deflated to about 10 KB: refused on the ratio, while reading */
    char *p1 = wm_asprintf("%s/ratio.zip", dir);
    struct zb z;
    zb_open(&z, p1, true, true);
    zb_add(&z, "a/first.txt", AE_IFREG, "fine", 4);
    zb_add(&z, "a/zeros.bin", AE_IFREG, zeros, big);
    zb_close(&z);
    struct stat st;
    assert_int_equal(stat(p1, &st), 0);
    assert_true(st.st_size < 100000);
    struct wm_pkg_limits lim = { .max_ratio = 50, .max_ratio_total = 1000 };
    assert_int_equal(wm_pkg_read_each(p1, &lim, collect, &c, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "压缩比"));
    assert_int_equal(c.n, 2);
    assert_true(c.data[1].len < (4u << 20)); /* stopped early, not after 10 MB */
    seen_free(&c);
    c.read_content = true;
    /* the overall ratio catches it too */
    struct wm_pkg_limits lim2 = { .max_ratio = 100000, .max_ratio_total = 20 };
    assert_int_equal(wm_pkg_read_each(p1, &lim2, collect, &c, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "压缩包大小之比"));
    seen_free(&c);
    c.read_content = true;
    /* and the total */
    struct wm_pkg_limits lim3 = { .max_ratio = 100000,
                                  .max_ratio_total = 100000,
                                  .max_total = 1u << 20 };
    assert_int_equal(wm_pkg_read_each(p1, &lim3, collect, &c, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "总量"));
    seen_free(&c);
    c.read_content = true;
    /* with the default limits (ratio 200) too */
    assert_int_equal(wm_pkg_read_each(p1, NULL, collect, &c, err, sizeof(err)), -1);
    seen_free(&c);
    c.read_content = true;
    /* a declared size above max_entry refuses the entry only */
    struct wm_pkg_limits lim4 = { .max_entry = 1u << 20,
                                  .max_ratio = 100000,
                                  .max_ratio_total = 100000 };
    assert_int_equal(wm_pkg_read_each(p1, &lim4, collect, &c, err, sizeof(err)), 0);
    assert_int_equal(c.n, 2);
    assert_int_equal(c.why[1], WM_PKG_R_TOO_LARGE);
    seen_free(&c);
    c.read_content = true;

    /* an entry whose header lies about its size */
    char *p2 = wm_asprintf("%s/lie.zip", dir);
    zb_open(&z, p2, true, true);
    zb_add(&z, "lie.txt", AE_IFREG, zeros, 100000);
    zb_close(&z);
    size_t zl;
    char *raw = wm_read_file(p2, &zl);
    struct wm_buf zb = { 0 };
    wm_buf_add(&zb, raw, zl);
    free(raw);
    patch_usize(&zb, "lie.txt", 10);
    put_file(p2, zb.data, zb.len);
    wm_buf_free(&zb);
    assert_int_equal(wm_pkg_read_each(p2, NULL, collect, &c, err, sizeof(err)), -1);
    assert_true(strstr(err, "声明") != NULL || strstr(err, "wrong size") != NULL);
    assert_int_equal(c.n, 1);
    assert_true(c.data[0].len <= 65536);
    seen_free(&c);
    c.read_content = true;

    /* too many entries: refused before anything is handed out */
    char *p3 = wm_asprintf("%s/many.zip", dir);
    zb_open(&z, p3, false, true);
    for (int i = 0; i < 50; i++) {
        char name[32];
        snprintf(name, sizeof(name), "f%02d.txt", i);
        zb_add(&z, name, AE_IFREG, "x", 1);
    }
    zb_close(&z);
    struct wm_pkg_limits lim5 = { .max_entries = 10 };
    assert_int_equal(wm_pkg_read_each(p3, &lim5, collect, &c, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "条目超过上限"));
    assert_int_equal(c.n, 0);
    struct wm_pkg_limits lim6 = { .max_entries = 50 };
    assert_int_equal(wm_pkg_read_each(p3, &lim6, collect, &c, err, sizeof(err)), 0);
    assert_int_equal(c.n, 50);
    seen_free(&c);

    /* not a ZIP, a truncated ZIP, a missing file */
    char *p4 = wm_asprintf("%s/junk.zip", dir);
    put_file(p4, "this is not a zip", 17);
    assert_int_equal(wm_pkg_read_each(p4, NULL, collect, &c, err, sizeof(err)), -1);
    assert_true(err[0] != '\0');
    raw = wm_read_file(p3, &zl);
    put_file(p4, raw, zl / 2);
    free(raw);
    assert_int_equal(wm_pkg_read_each(p4, NULL, collect, &c, err, sizeof(err)), -1);
    seen_free(&c);
    assert_int_equal(wm_pkg_read_each("/nonexistent/x.zip", NULL, collect, &c, err, sizeof(err)),
                     -1);
    assert_non_null(strstr(err, "No such file"));

    free(zeros);
    tdir_remove(dir);
    free(p1);
    free(p2);
    free(p3);
    free(p4);
    free(dir);
}

static void
test_encrypted(void **state)
{
    (void)state;
    char *dir = tmp_dir();
    char *p = wm_asprintf("%s/enc.zip", dir);
    struct archive *a = archive_write_new();
    archive_write_set_format_zip(a);
    if (archive_write_set_options(a, "zip:encryption=zipcrypt") != ARCHIVE_OK) {
        archive_write_free(a);
        tdir_remove(dir);
        free(p);
        free(dir);
        skip();
    }
    archive_write_set_passphrase(a, "secret");
    assert_int_equal(archive_write_open_filename(a, p), ARCHIVE_OK);
    struct archive_entry *e = archive_entry_new();
    archive_entry_set_pathname(e, "secret.txt");
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    archive_entry_set_size(e, 6);
    assert_int_equal(archive_write_header(a, e), ARCHIVE_OK);
    assert_int_equal(archive_write_data(a, "hidden", 6), 6);
    archive_entry_free(e);
    archive_write_close(a);
    archive_write_free(a);
    struct seen c = { .read_content = true };
    char err[256];
    assert_int_equal(wm_pkg_read_each(p, NULL, collect, &c, err, sizeof(err)), 0);
    assert_int_equal(c.n, 1);
    assert_int_equal(c.why[0], WM_PKG_R_ENCRYPTED);
    seen_free(&c);
    tdir_remove(dir);
    free(p);
    free(dir);
}

static void
test_gbk_names(void **state)
{
    (void)state;
    char *dir = tmp_dir();
    char *p = wm_asprintf("%s/gbk.zip", dir);
    /* "创建档案/01：会议纪要.txt" in GBK, written as raw bytes without the UTF-8 flag */
    static const char gbk[] = "\xB4\xB4\xBD\xA8\xB5\xB5\xB0\xB8/"
                              "01\xA3\xBA\xBB\xE1\xD2\xE9\xBC\xCD\xD2\xAA.txt";
    struct zb z;
    zb_open(&z, p, false, false);
    zb_add(&z, gbk, AE_IFREG, "minutes", 7);
    zb_add(&z, "ascii/readme.txt", AE_IFREG, "r", 1);
    zb_close(&z);
    size_t zl;
    char *raw = wm_read_file(p, &zl);
    struct cd_ent ents[4];
    size_t n = zip_cd((unsigned char *)raw, zl, ents, 4);
    assert_int_equal(n, 2);
    assert_string_equal(ents[0].name, gbk);          /* the raw bytes are in the file */
    assert_int_equal(ents[0].lfh_flags & 0x0800, 0); /* and not flagged UTF-8 */
    cd_free(ents, n);
    free(raw);

    struct seen c = { .read_content = true };
    char err[256];
    assert_int_equal(wm_pkg_read_each(p, NULL, collect, &c, err, sizeof(err)), 0);
    assert_int_equal(c.n, 2);
    assert_string_equal(c.path[0], "创建档案/01：会议纪要.txt");
    assert_string_equal(c.enc[0], "GB18030");
    assert_string_equal(c.data[0].data, "minutes");
    assert_string_equal(c.path[1], "ascii/readme.txt");
    assert_null(c.enc[1]);
    seen_free(&c);
    tdir_remove(dir);
    free(p);
    free(dir);
}

static void
test_dir_symlinks(void **state)
{
    (void)state;
    char *dir = tmp_dir();
    char *outside = tmp_dir();
    char *sub = wm_asprintf("%s/1 组织管理", dir);
    assert_int_equal(mkdir(sub, 0755), 0);
    char *f = wm_asprintf("%s/01：正常.txt", sub);
    put_file(f, "normal", 6);
    char *secret = wm_asprintf("%s/secret.txt", outside);
    put_file(secret, "SECRET", 6);
    char *l1 = wm_asprintf("%s/02：link.txt", sub);
    assert_int_equal(symlink(secret, l1), 0);
    char *l2 = wm_asprintf("%s/outside", dir);
    assert_int_equal(symlink(outside, l2), 0);
    char *l3 = wm_asprintf("%s/etc", sub);
    assert_int_equal(symlink("/etc", l3), 0);
    char *fifo = wm_asprintf("%s/pipe", dir);
    assert_int_equal(mkfifo(fifo, 0644), 0);
    char *ds = wm_asprintf("%s/.DS_Store", sub);
    put_file(ds, "junk", 4);

    struct seen c = { .read_content = true };
    char err[256];
    assert_int_equal(wm_pkg_read_each(dir, NULL, collect, &c, err, sizeof(err)), 0);
    size_t ok = 0, links = 0, special = 0;
    for (size_t i = 0; i < c.n; i++) {
        if (c.why[i] == WM_PKG_OK) {
            ok++;
            assert_string_equal(c.path[i], "1 组织管理/01：正常.txt");
            assert_string_equal(c.data[i].data, "normal");
        } else if (c.why[i] == WM_PKG_R_LINK) {
            links++;
        } else if (c.why[i] == WM_PKG_R_SPECIAL) {
            special++;
        }
        assert_true(c.data[i].len == 0 || strcmp(c.data[i].data, "SECRET") != 0);
    }
    assert_int_equal(ok, 1);
    assert_int_equal(links, 3);
    assert_int_equal(special, 1);
    assert_int_equal(c.n, 5);
    seen_free(&c);

    tdir_remove(dir);
    tdir_remove(outside);
    free(sub);
    free(f);
    free(secret);
    free(l1);
    free(l2);
    free(l3);
    free(fifo);
    free(ds);
    free(dir);
    free(outside);
}

static int
stop_at_second(void *cls, const struct wm_pkg_entry *e, struct wm_pkg_stream *s)
{
    (void)e;
    (void)s;
    int *n = cls;
    return ++*n == 2 ? 7 : 0;
}

static void
test_callback_stops(void **state)
{
    (void)state;
    char *dir = tmp_dir();
    for (int i = 0; i < 3; i++) {
        char *f = wm_asprintf("%s/%d.txt", dir, i);
        put_file(f, "x", 1);
        free(f);
    }
    int n = 0;
    char err[256];
    assert_int_equal(wm_pkg_read_each(dir, NULL, stop_at_second, &n, err, sizeof(err)), 7);
    assert_int_equal(n, 2);
    assert_non_null(strstr(err, "中止"));
    tdir_remove(dir);
    free(dir);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_component),
        cmocka_unit_test(test_doc_and_folder_names),
        cmocka_unit_test(test_parse_folder),
        cmocka_unit_test(test_parse_doc_name),
        cmocka_unit_test(test_export_layout),
        cmocka_unit_test(test_export_local_times_and_catalog),
        cmocka_unit_test(test_roundtrip),
        cmocka_unit_test(test_writer_progress_and_failure),
        cmocka_unit_test(test_hostile_paths),
        cmocka_unit_test(test_bombs),
        cmocka_unit_test(test_encrypted),
        cmocka_unit_test(test_gbk_names),
        cmocka_unit_test(test_dir_symlinks),
        cmocka_unit_test(test_callback_stops),
    };
    /* the library must not depend on it, but the test's own libarchive calls (building
    ** archives, reading them back) want a UTF-8 locale */
    if (setlocale(LC_CTYPE, "C.UTF-8") == NULL) {
        fprintf(stderr, "test_archive: no C.UTF-8 locale\n");
    }
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* end of test_archive.c */
