/*
** test_archive_check.c — the DA/T 70 四性检测 rules (src/core/archive_check.c) through
** wm_archive_check_run on a real store and blob store in a temp dir, with fixtures made
** here: a clean archive passes all four; a tampered blob fails 真实性; a document without
** the required metadata and a leaf below its minimum fail 完整性; a truncated PDF fails
** 可用性; an encrypted PDF, a PDF with /JavaScript, a .docm with vbaProject.bin and an ELF
** named .pdf fail 安全性.  The probe runs in-process (wm_probe_file); the spawned helper is
** what the HTTP and CLI tests run.
*/
#include <errno.h>
#include <fcntl.h>
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
#include <sqlite3.h>

#include "tdir.h"
#include "wm_blob.h"
#include "wm_core.h"
#include "wm_extract.h"
#include "wm_util.h"

#include "banned.h"

#define ACT(who) (&(struct wm_actor){.p = (who), .request_id = "test", .addr = "127.0.0.1"})

static const char fw_json[] =
    "{\"format\": \"wenming-framework/1\", \"name\": \"检测标准\", \"version\": \"1\",\n"
    " \"indicators\": [{\"code\": \"1\", \"title\": \"组织\", \"score\": 10, \"children\": [\n"
    "   {\"code\": \"1.1\", \"title\": \"规划\", \"score\": 6, \"min_documents\": 1},\n"
    "   {\"code\": \"1.2\", \"title\": \"培训\", \"score\": 4, \"min_documents\": 1}]}]}\n";

struct fx {
    char dir[128];
    struct wm_db *db;
    struct wm_blobstore *bs;
    struct wm_principal *office, *unitadmin;
    json_t *ar;
};

static struct wm_principal *
load_user(struct wm_db *db, const char *name)
{
    json_t *u = db->ops->user_get_auth(db, name);
    assert_non_null(u);
    struct wm_principal *p = wm_principal_load(db, json_integer_value(json_object_get(u, "id")));
    json_decref(u);
    assert_non_null(p);
    return p;
}

/* ---------------------------------------------------------------- fixtures */

/* Objects 2 to 4 of a one-page PDF (the pages, the page, its content), their offsets into
** off[2..4]. */
static void
pdf_page_objects(struct wm_buf *b, size_t *off)
{
    off[2] = b->len;
    wm_buf_adds(b, "2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n");
    off[3] = b->len;
    wm_buf_adds(b, "3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R "
                   ">>\nendobj\n");
    off[4] = b->len;
    const char *content = "0 0 1 rg 20 20 100 100 re f";
    wm_buf_printf(b, "4 0 obj\n<< /Length %zu >>\nstream\n%s\nendstream\nendobj\n",
                  strlen(content), content);
}

/* A one-page PDF with correct xref offsets; extra_catalog goes into the catalog, extra_trailer
** into the trailer. */
static char *
make_pdf(const char *extra_catalog, const char *extra_trailer, size_t *n)
{
    struct wm_buf b = {0};
    size_t off[5];
    wm_buf_adds(&b, "%PDF-1.4\n");
    off[1] = b.len;
    wm_buf_printf(&b, "1 0 obj\n<< /Type /Catalog /Pages 2 0 R %s>>\nendobj\n", extra_catalog);
    pdf_page_objects(&b, off);
    size_t xref = b.len;
    wm_buf_adds(&b, "xref\n0 5\n0000000000 65535 f \n");
    for (int i = 1; i < 5; i++) {
        wm_buf_printf(&b, "%010zu 00000 n \n", off[i]);
    }
    wm_buf_printf(&b, "trailer\n<< /Size 5 /Root 1 0 R %s>>\nstartxref\n%zu\n%%%%EOF\n",
                  extra_trailer, xref);
    *n = b.len;
    return wm_buf_steal(&b);
}

/* A one-page PDF 1.5 whose catalog (with a JavaScript names tree and open action) and
** whose script action are objects 1 and 5 inside an object stream (object 6, hex-encoded:
** none of /JavaScript, /JS or the script is in the file's bytes), found through a
** cross-reference stream (object 7). */
static char *
make_pdf_objstm(size_t *n)
{
    static const char *const objs[2] = {
        "<< /Type /Catalog /Pages 2 0 R /Names << /JavaScript << /Names [(a) 5 0 R] >> >> "
        "/OpenAction 5 0 R >>",
        "<< /S /JavaScript /JS (app.alert\\(1\\)) >>"};
    char head[32];
    int hl = snprintf(head, sizeof head, "1 0 5 %zu ", strlen(objs[0]) + 1);
    struct wm_buf plain = {0}, b = {0};
    wm_buf_printf(&plain, "%s%s %s", head, objs[0], objs[1]);
    size_t off[8] = {0};
    wm_buf_adds(&b, "%PDF-1.5\n");
    pdf_page_objects(&b, off);
    off[6] = b.len;
    wm_buf_printf(&b, "6 0 obj\n<< /Type /ObjStm /N 2 /First %d /Filter /ASCIIHexDecode "
                      "/Length %zu >>\nstream\n", hl, 2 * plain.len + 1);
    for (size_t i = 0; i < plain.len; i++) {
        wm_buf_printf(&b, "%02X", (unsigned char)plain.data[i]);
    }
    wm_buf_adds(&b, ">\nendstream\nendobj\n");
    off[7] = b.len;
    /* entries of 1 + 4 + 2 bytes: type, offset or object stream, generation or index */
    unsigned char x[8][7] = {{0, 0, 0, 0, 0, 0xFF, 0xFF}};
    for (int i = 1; i < 8; i++) {
        bool packed = 1 == i || 5 == i;
        uint32_t f2 = packed ? 6 : (uint32_t)off[i];
        x[i][0] = packed ? 2 : 1;
        x[i][1] = (unsigned char)(f2 >> 24), x[i][2] = (unsigned char)(f2 >> 16);
        x[i][3] = (unsigned char)(f2 >> 8), x[i][4] = (unsigned char)f2;
        x[i][6] = 5 == i;
    }
    wm_buf_printf(&b, "7 0 obj\n<< /Type /XRef /Size 8 /W [1 4 2] /Root 1 0 R /Length %zu >>\n"
                      "stream\n", sizeof x);
    wm_buf_add(&b, (const char *)x, sizeof x);
    wm_buf_printf(&b, "\nendstream\nendobj\nstartxref\n%zu\n%%%%EOF\n", off[7]);
    free(plain.data);
    *n = b.len;
    return wm_buf_steal(&b);
}

/* A ZIP of (name, text) pairs, NULL-terminated. */
static char *
make_zip(const char *const *entries, size_t *n)
{
    struct archive *a = archive_write_new();
    archive_write_set_format_zip(a);
    size_t cap = 1 << 16, used = 0;
    char *buf = wm_malloc(cap);
    assert_int_equal(archive_write_open_memory(a, buf, cap, &used), ARCHIVE_OK);
    for (size_t i = 0; entries[i]; i += 2) {
        struct archive_entry *e = archive_entry_new();
        archive_entry_set_pathname(e, entries[i]);
        archive_entry_set_filetype(e, AE_IFREG);
        archive_entry_set_perm(e, 0644);
        archive_entry_set_size(e, (la_int64_t)strlen(entries[i + 1]));
        assert_int_equal(archive_write_header(a, e), ARCHIVE_OK);
        assert_int_equal(archive_write_data(a, entries[i + 1], strlen(entries[i + 1])),
                         (la_ssize_t)strlen(entries[i + 1]));
        archive_entry_free(e);
    }
    assert_int_equal(archive_write_close(a), ARCHIVE_OK);
    archive_write_free(a);
    *n = used;
    return buf;
}

/* Store bytes as a blob and as a document of leaf code; its id. */
static int64_t
add_doc(struct fx *f, const char *code, const char *title, const void *p, size_t n,
        const char *mime, const char *filename, bool full_meta)
{
    char path[256], sha[65], err[256];
    snprintf(path, sizeof path, "%s/fixture", f->dir);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, p, n), (ssize_t)n);
    close(fd);
    uint64_t size = 0;
    size_t hl = 0;
    assert_int_equal(wm_blob_store_path(f->bs, path, NULL, &hl, sha, &size, err, sizeof err), WM_OK);
    unlink(path);
    struct wm_doc_meta m = {.title = title};
    if (full_meta) {
        m.author = "办公室";
        m.dept = "办公室";
        m.date_formed = "2025-03-01";
        m.retention = "永久";
    }
    struct wm_upload up = {.sha = sha, .size = size, .mime = mime, .kind = "text",
                           .ext = "pdf", .filename = filename};
    int64_t id = 0;
    struct wm_fail fl = {0};
    assert_int_equal(wm_doc_create(f->db, ACT(f->unitadmin), f->ar, code, &m, &up, &id, &fl), WM_OK);
    return id;
}

static int
setup(void **state)
{
    struct fx *f = wm_calloc(1, sizeof *f);
    char err[256], *gen = NULL;
    tdir_make(f->dir, sizeof f->dir, "check");
    wm_password_set_cost(1, 8 * 1024 * 1024);
    assert_int_equal(wm_init_data_dir(f->dir, NULL, "admin", "Admin-Pass1", &gen, err, sizeof err), 0);
    f->db = wm_db_open(NULL, f->dir, false, err, sizeof err);
    assert_non_null(f->db);
    json_t *accounts = NULL;
    assert_int_equal(wm_demo_seed(f->db, &accounts, err, sizeof err), 0);
    json_decref(accounts);
    char *bdir = wm_asprintf("%s/blobs", f->dir);
    f->bs = wm_blob_open(bdir, err, sizeof err);
    free(bdir);
    assert_non_null(f->bs);
    f->office = load_user(f->db, "office");
    f->unitadmin = load_user(f->db, "unitadmin");
    json_t *u = f->db->ops->org_get_by_code(f->db, "DEMO001");
    int64_t unit = json_integer_value(json_object_get(u, "id"));
    json_decref(u);
    struct wm_fail fl = {0};
    json_t *rep = NULL;
    int64_t ed = 0, aid = 0;
    struct wm_fw_in in = {.data = fw_json, .len = strlen(fw_json), .office_id = f->office->org_id};
    assert_int_equal(wm_framework_import(f->db, ACT(f->office), &in, &ed, &rep, NULL, &fl), WM_OK);
    json_decref(rep);
    assert_int_equal(wm_edition_publish(f->db, ACT(f->office), ed, &fl), WM_OK);
    assert_int_equal(wm_archive_create(f->db, ACT(f->unitadmin), unit, 2025, ed, &aid, &fl), WM_OK);
    f->ar = wm_archive_open(f->db, ACT(f->unitadmin), unit, 2025, &fl);
    assert_non_null(f->ar);
    /* the clean archive: a PDF in each leaf, with every required element */
    size_t n;
    char *pdf = make_pdf("", "", &n);
    add_doc(f, "1.1", "年度规划", pdf, n, "application/pdf", "规划.pdf", true);
    char *pdf2 = make_pdf("/PageMode /UseNone ", "", &n); /* other bytes: another blob */
    add_doc(f, "1.2", "培训记录", pdf2, n, "application/pdf", "培训.pdf", true);
    free(pdf);
    free(pdf2);
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    struct fx *f = *state;
    json_decref(f->ar);
    wm_principal_free(f->office);
    wm_principal_free(f->unitadmin);
    wm_blob_close(f->bs);
    f->db->ops->close(f->db);
    tdir_remove(f->dir);
    free(f);
    return 0;
}

static json_t *
run(struct fx *f)
{
    struct wm_check_env env = {.blobs = f->bs, .data_dir = f->dir, .actor = ACT(f->office),
                               .probe = wm_probe_file};
    struct wm_fail fl = {0};
    json_t *r = wm_archive_check_run(f->db, f->ar, &env, &fl);
    assert_non_null(r);
    return r;
}

static const json_t *
prop(const json_t *r, const char *key)
{
    size_t i;
    json_t *p;
    json_array_foreach(json_object_get(r, "properties"), i, p)
    {
        if (0 == strcmp(json_string_value(json_object_get(p, "key")), key)) {
            return p;
        }
    }
    fail_msg("no property %s", key);
    return NULL;
}

static bool
passed(const json_t *r, const char *key)
{
    return json_is_true(json_object_get(prop(r, key), "passed"));
}

/* Whether a failing item of property key has rule and a reason containing needle, about
** document doc (0: any). */
static bool
has_item(const json_t *r, const char *key, const char *rule, const char *needle, int64_t doc)
{
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(prop(r, key), "items"), i, it)
    {
        const char *ru = json_string_value(json_object_get(it, "rule"));
        const char *why = json_string_value(json_object_get(it, "reason"));
        int64_t d = json_integer_value(json_object_get(it, "document_id"));
        if ((NULL == rule || 0 == strcmp(ru, rule)) && strstr(why, needle) && (0 == doc || d == doc)) {
            return true;
        }
    }
    return false;
}

/* ---------------------------------------------------------------- the tests */

static void
test_clean_passes(void **state)
{
    struct fx *f = *state;
    json_t *r = run(f);
    assert_true(passed(r, "authenticity"));
    assert_true(passed(r, "integrity"));
    assert_true(passed(r, "usability"));
    assert_true(passed(r, "security"));
    assert_true(json_is_true(json_object_get(r, "passed")));
    /* two versions re-hashed and the audit chain: three checks of 真实性 */
    assert_int_equal(json_integer_value(json_object_get(prop(r, "authenticity"), "checked")), 3);
    assert_int_equal(json_integer_value(json_object_get(prop(r, "usability"), "checked")), 2);
    assert_string_equal(json_string_value(json_object_get(r, "standard")), WM_CHECK_STANDARD);
    assert_int_equal(json_array_size(json_object_get(r, "required_metadata")), 5);
    int res[4];
    wm_archive_check_results(r, res);
    assert_int_equal(res[0] + res[1] + res[2] + res[3], 4);
    json_decref(r);
}

static void
test_tampered_blob(void **state)
{
    struct fx *f = *state;
    json_t *docs = f->db->ops->doc_list(f->db, json_integer_value(json_object_get(f->ar, "id")),
                                        "1.1", false);
    const char *sha = json_string_value(json_object_get(json_array_get(docs, 0), "sha"));
    int64_t doc = json_integer_value(json_object_get(json_array_get(docs, 0), "id"));
    char path[512];
    assert_true(wm_blob_path(f->bs, sha, path, sizeof path));
    chmod(path, 0600);
    int fd = open(path, O_WRONLY);
    assert_true(fd >= 0);
    assert_int_equal(pwrite(fd, "X", 1, 20), 1);
    close(fd);
    json_decref(docs);
    json_t *r = run(f);
    assert_false(passed(r, "authenticity"));
    assert_true(has_item(r, "authenticity", "fixity", "SHA-256", doc));
    assert_false(json_is_true(json_object_get(r, "passed")));
    json_decref(r);
}

/* An audit entry edited in the table: the chain breaks there, named by its id. */
static void
test_audit_chain(void **state)
{
    struct fx *f = *state;
    char path[256];
    snprintf(path, sizeof path, "%s/wenming.db", f->dir);
    sqlite3 *h = NULL;
    assert_int_equal(sqlite3_open(path, &h), SQLITE_OK);
    sqlite3_busy_timeout(h, 5000);
    /* someone with the database file: the append-only trigger dropped first */
    assert_int_equal(sqlite3_exec(h, "DROP TRIGGER audit_no_update", NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_exec(h, "UPDATE audit SET summary = '{\"forged\": true}' WHERE id = "
                                     "(SELECT min(id) + 2 FROM audit)",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_changes(h), 1);
    sqlite3_close(h);
    json_t *r = run(f);
    assert_false(passed(r, "authenticity"));
    assert_true(has_item(r, "authenticity", "audit", "审计日志第", 0));
    assert_true(passed(r, "integrity"));
    json_decref(r);
}

/* The newest audit entries removed after the head was anchored: the chain left is valid but
** shorter, and only the data directory's audit-head anchor shows it. */
static void
test_audit_anchor(void **state)
{
    struct fx *f = *state;
    json_t *r = run(f);
    assert_true(passed(r, "authenticity"));
    json_decref(r);
    assert_int_equal(wm_audit_anchor(f->db, f->dir), 0);
    char path[256];
    snprintf(path, sizeof path, "%s/wenming.db", f->dir);
    sqlite3 *h = NULL;
    assert_int_equal(sqlite3_open(path, &h), SQLITE_OK);
    sqlite3_busy_timeout(h, 5000);
    assert_int_equal(sqlite3_exec(h, "DROP TRIGGER audit_no_delete", NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_exec(h, "DELETE FROM audit WHERE id = (SELECT max(id) FROM audit)",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_changes(h), 1);
    sqlite3_close(h);
    r = run(f);
    assert_false(passed(r, "authenticity"));
    assert_true(has_item(r, "authenticity", "audit", "audit-head", 0));
    json_decref(r);
}

static void
test_integrity(void **state)
{
    struct fx *f = *state;
    size_t n;
    char *pdf = make_pdf("/Lang (zh-CN) ", "", &n);
    /* no 责任者 and no date */
    int64_t bare = add_doc(f, "1.1", "缺元数据的文件", pdf, n, "application/pdf", "a.pdf", false);
    free(pdf);
    /* leaf 1.2 emptied: below its minimum of 1 */
    json_t *docs = f->db->ops->doc_list(f->db, json_integer_value(json_object_get(f->ar, "id")),
                                        "1.2", false);
    struct wm_fail fl = {0};
    assert_int_equal(wm_doc_delete(f->db, ACT(f->unitadmin),
                                   json_integer_value(json_object_get(json_array_get(docs, 0), "id")),
                                   &fl),
                     WM_OK);
    json_decref(docs);
    json_t *r = run(f);
    assert_false(passed(r, "integrity"));
    assert_true(has_item(r, "integrity", "metadata", "责任者", bare));
    assert_true(has_item(r, "integrity", "metadata", "日期", bare));
    assert_true(has_item(r, "integrity", "leaf_minimum", "1.2", 0));
    assert_true(passed(r, "authenticity"));
    assert_true(passed(r, "usability"));
    json_decref(r);
}

static void
test_truncated_pdf(void **state)
{
    struct fx *f = *state;
    size_t n;
    char *pdf = make_pdf("/Lang (en) ", "", &n);
    int64_t id = add_doc(f, "1.1", "截断的文件", pdf, n / 2, "application/pdf", "t.pdf", true);
    free(pdf);
    json_t *r = run(f);
    assert_false(passed(r, "usability"));
    assert_true(has_item(r, "usability", "decode", "无法打开", id));
    assert_true(passed(r, "authenticity"));
    json_decref(r);
}

static void
test_security(void **state)
{
    struct fx *f = *state;
    size_t n;
    char *enc = make_pdf("", "/Encrypt << /Filter /Standard /V 1 /R 2 /O (x) /U (y) /P -4 >> ", &n);
    int64_t e_id = add_doc(f, "1.1", "加密的 PDF", enc, n, "application/pdf", "enc.pdf", true);
    free(enc);
    char *js = make_pdf("/OpenAction << /S /JavaScript /JS (app.alert\\(1\\)) >> ", "", &n);
    int64_t j_id = add_doc(f, "1.1", "带脚本的 PDF", js, n, "application/pdf", "js.pdf", true);
    free(js);
    char *hid = make_pdf_objstm(&n);
    assert_null(memmem(hid, n, "/JavaScript", 11)); /* the byte scan cannot see it */
    assert_null(memmem(hid, n, "/JS", 3));
    int64_t h_id = add_doc(f, "1.1", "压缩对象中带脚本的 PDF", hid, n, "application/pdf", "hid.pdf",
                           true);
    free(hid);
    static const char *const docm[] = {
        "[Content_Types].xml",
        "<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/"
        "content-types\"><Override PartName=\"/word/document.xml\" ContentType=\"application/"
        "vnd.ms-word.document.macroEnabled.main+xml\"/></Types>",
        "word/document.xml",
        "<?xml version=\"1.0\"?><w:document xmlns:w=\"http://schemas.openxmlformats.org/"
        "wordprocessingml/2006/main\"><w:body><w:p><w:r><w:t>宏</w:t></w:r></w:p></w:body>"
        "</w:document>",
        "word/vbaProject.bin", "\xd0\xcf\x11\xe0 not really OLE",
        NULL};
    char *zip = make_zip(docm, &n);
    int64_t m_id = add_doc(f, "1.1", "带宏的文档", zip, n,
                           "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                           "macro.docm", true);
    free(zip);
    /* an ELF executable named .pdf */
    unsigned char elf[256] = {0x7f, 'E', 'L', 'F', 2, 1, 1, 0};
    elf[16] = 2; /* ET_EXEC */
    elf[18] = 62; /* x86-64 */
    elf[20] = 1;
    elf[52] = 64; /* e_ehsize */
    int64_t x_id = add_doc(f, "1.1", "改名的程序", elf, sizeof elf, "application/pdf", "report.pdf",
                           true);
    json_t *r = run(f);
    assert_false(passed(r, "security"));
    assert_true(has_item(r, "security", "encrypted", "/Encrypt", e_id));
    assert_true(has_item(r, "security", "script", "JavaScript", j_id));
    assert_true(has_item(r, "security", "script", "压缩的对象", h_id));
    assert_true(has_item(r, "security", "macro", "vbaProject.bin", m_id));
    assert_true(has_item(r, "security", "executable", "可执行程序", x_id));
    assert_true(has_item(r, "security", "allowed", "允许", x_id));
    /* the clean documents are not named */
    assert_int_equal(json_integer_value(json_object_get(prop(r, "security"), "failed")) >= 4, 1);
    assert_true(passed(r, "authenticity"));
    json_decref(r);
}

/* The probe runs in a helper: one that crashes on a file (here a stand-in that kills itself
** with SIGSEGV) fails that file's 可用性, and the check goes on. */
static void
test_helper_crash(void **state)
{
    struct fx *f = *state;
    char helper[256];
    snprintf(helper, sizeof helper, "%s/crashing-helper", f->dir);
    FILE *fp = fopen(helper, "w");
    assert_non_null(fp);
    fputs("#!/bin/sh\nkill -SEGV $$\n", fp);
    fclose(fp);
    assert_int_equal(chmod(helper, 0700), 0);
    wm_extract_set_helper(helper);
    struct wm_check_env env = {.blobs = f->bs, .actor = ACT(f->office), .probe = wm_probe_spawned};
    struct wm_fail fl = {0};
    json_t *r = wm_archive_check_run(f->db, f->ar, &env, &fl);
    wm_extract_set_helper(NULL);
    assert_non_null(r);
    assert_false(passed(r, "usability"));
    assert_int_equal(json_integer_value(json_object_get(prop(r, "usability"), "failed")), 2);
    assert_true(has_item(r, "usability", "decode", "信号 11", 0));
    assert_true(passed(r, "authenticity"));
    json_decref(r);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_clean_passes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tampered_blob, setup, teardown),
        cmocka_unit_test_setup_teardown(test_audit_chain, setup, teardown),
        cmocka_unit_test_setup_teardown(test_audit_anchor, setup, teardown),
        cmocka_unit_test_setup_teardown(test_integrity, setup, teardown),
        cmocka_unit_test_setup_teardown(test_truncated_pdf, setup, teardown),
        cmocka_unit_test_setup_teardown(test_security, setup, teardown),
        cmocka_unit_test_setup_teardown(test_helper_crash, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
