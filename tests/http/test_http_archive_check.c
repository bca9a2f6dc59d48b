/*
** test_http_archive_check.c — the DA/T 70 四性检测 of an archive over real HTTP (issue 13,
** dat70): the API POST and the page's button run the job "archive.check"; the report as JSON
** (RFC 3339 times, the four properties), as a page and as a PDF (its text read back); who may
** start and read it (403 for an evaluator, a viewer and a member starting one; 404 out of
** scope); the export package carries 四性检测报告.pdf/.json at its root and imports back; a
** tampered blob fails 真实性 on the next run.
**
** A small standard of its own (two leaves, one document each) so that a clean archive passes
** all four; the documents are uploaded with every required element of metadata.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* cmocka.h needs these before it (clang-format would sort them after it). */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
/* clang-format on */

#include "harness.h"

#define YEAR 2021

static struct th_server srv;
static struct th_cred admin, office, district, evaluator, unitadmin, member, leader;
static int64_t unit1; /* DEMO001 市司法局, under the city office; not 东城区's */
static int64_t edition;
static char pdf_sha[65];

static const char fw_json[] =
    "{\"format\": \"wenming-framework/1\", \"name\": \"四性检测用标准\", \"version\": \"1\",\n"
    " \"indicators\": [{\"code\": \"1\", \"title\": \"组织\", \"score\": 10, \"children\": [\n"
    "   {\"code\": \"1.1\", \"title\": \"规划\", \"score\": 6, \"min_documents\": 1},\n"
    "   {\"code\": \"1.2\", \"title\": \"培训\", \"score\": 4, \"min_documents\": 1}]}]}\n";

static struct th_resp *
api(const char *method, const char *path, const struct th_cred *c)
{
    return th_api(&srv, method, path, c, th_auth(c), NULL);
}

static void
cpath(char *out, size_t n, int year, const char *what)
{
    snprintf(out, n, "/api/v1/units/%lld/archives/%d/check%s", (long long)unit1, year, what);
}

/* A one-page PDF (the harness's pdf_make has no page: 可用性 rightly fails it), unique by
** tag, with correct xref offsets. */
static struct bytes
page_pdf(const char *tag)
{
    struct bytes b = {0};
    size_t off[5];
    bytes_addf(&b, "%%PDF-1.4\n%% %s\n", tag);
    off[1] = b.n;
    bytes_addf(&b, "1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n");
    off[2] = b.n;
    bytes_addf(&b, "2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n");
    off[3] = b.n;
    bytes_addf(&b, "3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] "
                   "/Contents 4 0 R >>\nendobj\n");
    off[4] = b.n;
    bytes_addf(&b, "4 0 obj\n<< /Length 27 >>\nstream\n0 0 1 rg 20 20 100 100 re f\n"
                   "endstream\nendobj\n");
    size_t xref = b.n;
    bytes_addf(&b, "xref\n0 5\n0000000000 65535 f \n");
    for (int i = 1; i < 5; i++) {
        bytes_addf(&b, "%010zu 00000 n \n", off[i]);
    }
    bytes_addf(&b, "trailer\n<< /Size 5 /Root 1 0 R >>\nstartxref\n%zu\n%%%%EOF\n", xref);
    return b;
}

/* Upload a document into a leaf with every required element; its current sha into sha. */
static void
upload(int year, const char *leaf, const char *tag, char sha[65])
{
    char path[160];
    snprintf(path, sizeof path, "/api/v1/units/%lld/archives/%d/indicators/%s/documents",
             (long long)unit1, year, leaf);
    struct bytes pdf = page_pdf(tag);
    struct th_file f = {.name = "文件.pdf", .data = pdf.p, .len = pdf.n};
    const char *fields[] = {"title", tag, "date_formed", "2021-03-01", "author", "办公室 张三",
                            "dept", "办公室", "retention", "永久", NULL};
    struct th_resp *r = th_upload(&srv, path, &unitadmin, 0, &f, 1, fields);
    th_assert_status(r, 201);
    const json_t *d = json_object_get(r->json, "items") ? json_array_get(json_object_get(r->json, "items"), 0)
                                                        : r->json;
    if (sha) {
        snprintf(sha, 65, "%s", th_jstr(d, "sha"));
    }
    th_resp_free(r);
    free(pdf.p);
}

/* The check's JSON once its run is over (polls up to 60 s); caller decrefs. */
static json_t *
await_done(int year)
{
    char path[160];
    cpath(path, sizeof path, year, "");
    for (int i = 0; i < 600; i++) {
        struct th_resp *r = api("GET", path, &unitadmin);
        th_assert_status(r, 200);
        if (strcmp(th_jstr(r->json, "state"), "running")) {
            json_t *o = json_incref(r->json);
            th_resp_free(r);
            return o;
        }
        th_resp_free(r);
        struct timespec ts = {0, 100 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    fail_msg("the check did not finish in 60 s");
    return NULL;
}

static const json_t *
prop(const json_t *report, const char *key)
{
    size_t i;
    json_t *p;
    json_array_foreach(json_object_get(report, "properties"), i, p)
    {
        if (0 == strcmp(th_jstr(p, "key"), key)) {
            return p;
        }
    }
    fail_msg("no property %s", key);
    return NULL;
}

/* ---------------------------------------------------------------- tests */

static void
test_who_may_start(void **state)
{
    (void)state;
    char path[160];
    cpath(path, sizeof path, YEAR, "");
    struct th_resp *r = api("GET", path, &unitadmin);
    th_assert_status(r, 404); /* never checked */
    th_resp_free(r);
    const struct th_cred *refused[] = {&evaluator, &leader, &member};
    for (size_t i = 0; i < 3; i++) {
        r = api("POST", path, refused[i]);
        th_assert_status(r, 403);
        th_resp_free(r);
    }
    r = api("POST", path, &district); /* 东城区 does not hold 市司法局 */
    th_assert_status(r, 404);
    th_resp_free(r);
    r = api("GET", path, &district);
    th_assert_status(r, 404);
    th_resp_free(r);
    r = api("GET", path, &evaluator);
    th_assert_status(r, 403);
    th_resp_free(r);
}

static void
test_api_run_and_report(void **state)
{
    (void)state;
    char path[160];
    cpath(path, sizeof path, YEAR, "");
    struct th_resp *r = api("POST", path, &unitadmin);
    th_assert_status(r, 202);
    assert_true(th_jint(r->json, "job") > 0);
    assert_non_null(strstr(th_jstr(r->json, "poll"), "/api/v1/jobs/"));
    th_resp_free(r);
    json_t *o = await_done(YEAR);
    assert_string_equal(th_jstr(o, "state"), "done");
    assert_true(json_is_true(json_object_get(o, "authenticity")));
    assert_true(json_is_true(json_object_get(o, "integrity")));
    assert_true(json_is_true(json_object_get(o, "usability")));
    assert_true(json_is_true(json_object_get(o, "security")));
    assert_string_equal(th_jstr(o, "started_by_name"), "市司法局 创建办 陈");
    /* RFC 3339 times */
    assert_int_equal(strlen(th_jstr(o, "started_at")), 20);
    assert_non_null(strchr(th_jstr(o, "finished_at"), 'T'));
    const json_t *rep = json_object_get(o, "report");
    assert_non_null(rep);
    assert_true(json_is_true(json_object_get(rep, "passed")));
    assert_non_null(strstr(th_jstr(rep, "standard"), "DA/T 70-2018"));
    assert_int_equal(json_array_size(json_object_get(rep, "properties")), 4);
    assert_int_equal(th_jint(prop(rep, "authenticity"), "checked"), 3); /* 2 versions + chain */
    assert_int_equal(th_jint(prop(rep, "usability"), "checked"), 2);
    assert_non_null(strstr(th_jstr(o, "pdf"), "/check.pdf"));
    json_decref(o);
    /* the readers: the unit's accounts and its office */
    const struct th_cred *readers[] = {&member, &leader, &office, &admin};
    for (size_t i = 0; i < 4; i++) {
        r = api("GET", path, readers[i]);
        th_assert_status(r, 200);
        th_resp_free(r);
    }
    /* the PDF, by the compile helper, stored by the job */
    cpath(path, sizeof path, YEAR, ".pdf");
    r = api("GET", path, &leader);
    th_assert_status(r, 200);
    assert_non_null(strstr(th_header(r, "Content-Type"), "application/pdf"));
    char *text = th_pdf_text(r->body, r->len);
    if (text) {
        assert_non_null(strstr(text, "四性检测报告"));
        assert_non_null(strstr(text, "真实性"));
        assert_non_null(strstr(text, "安全性"));
        assert_non_null(strstr(text, "市司法局"));
        free(text);
    }
    th_resp_free(r);
    r = api("GET", path, &evaluator);
    th_assert_status(r, 403);
    th_resp_free(r);
}

static void
test_page(void **state)
{
    (void)state;
    char path[160];
    snprintf(path, sizeof path, "/units/%lld/archives/%d/check", (long long)unit1, YEAR);
    struct th_resp *r = th_api(&srv, "GET", path, &leader, TH_COOKIE, NULL);
    th_assert_status(r, 200);
    const char *want[] = {"真实性", "完整性", "可用性", "安全性", "DA/T 70-2018", "四性检测全部通过",
                          "check.pdf", "市司法局 创建办 陈"};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        if (NULL == strstr(r->body, want[i])) {
            fail_msg("the page lacks %s", want[i]);
        }
    }
    assert_null(strstr(r->body, "method=\"post\" action=\"/units")); /* a viewer: no button */
    th_resp_free(r);
    r = th_api(&srv, "GET", path, &unitadmin, TH_COOKIE, NULL);
    th_assert_status(r, 200);
    assert_non_null(strstr(r->body, "重新检测"));
    th_resp_free(r);
    /* the archive page: the button for the unit_admin, the report's link for a viewer */
    snprintf(path, sizeof path, "/units/%lld/archives/%d", (long long)unit1, YEAR);
    r = th_api(&srv, "GET", path, &unitadmin, TH_COOKIE, NULL);
    th_assert_status(r, 200);
    assert_non_null(strstr(r->body, "id=\"check-form\""));
    th_resp_free(r);
    r = th_api(&srv, "GET", path, &leader, TH_COOKIE, NULL);
    th_assert_status(r, 200);
    assert_null(strstr(r->body, "id=\"check-form\""));
    assert_non_null(strstr(r->body, "/check\""));
    th_resp_free(r);
    snprintf(path, sizeof path, "/units/%lld/archives/%d/check", (long long)unit1, YEAR);
    r = th_api(&srv, "GET", path, &district, TH_COOKIE, NULL);
    th_assert_status(r, 404);
    th_resp_free(r);
}

static bool
has_bytes(const struct th_resp *r, const char *s)
{
    return NULL != memmem(r->body, r->len, s, strlen(s));
}

static void
test_export_package(void **state)
{
    (void)state;
    char path[160];
    snprintf(path, sizeof path, "/api/v1/units/%lld/archives/%d/export.zip", (long long)unit1, YEAR);
    struct th_resp *r = api("GET", path, &office);
    th_assert_status(r, 200);
    assert_true(has_bytes(r, "data/四性检测报告.pdf"));
    assert_true(has_bytes(r, "data/四性检测报告.json"));
    /* the package imports into another year: the documents go in, the report is skipped */
    assert_true(th_archive_create(&srv, &admin, unit1, YEAR + 1));
    char ipath[160];
    snprintf(ipath, sizeof ipath, "/api/v1/units/%lld/archives/%d/import", (long long)unit1,
             YEAR + 1);
    struct th_file f = {.name = "package.zip", .data = r->body, .len = r->len};
    struct th_resp *imp = th_upload(&srv, ipath, &office, 0, &f, 1, NULL);
    th_resp_free(r);
    th_assert_status(imp, 200);
    size_t i, reports = 0;
    json_t *x;
    json_array_foreach(json_object_get(imp->json, "files"), i, x)
    {
        if (strstr(th_jstr(x, "path"), "四性检测报告")) {
            reports++;
            assert_string_equal(th_jstr(x, "status"), "skipped");
        }
    }
    assert_int_equal(reports, 2);
    assert_int_equal(th_jint(imp->json, "imported"), 2);
    th_resp_free(imp);
}

static void
test_button_after_tampering(void **state)
{
    (void)state;
    /* one blob changed behind the server's back */
    char obj[4200];
    snprintf(obj, sizeof obj, "%s/blobs/objects/%.2s/%.2s/%s", srv.dir, pdf_sha, pdf_sha + 2,
             pdf_sha);
    chmod(obj, 0600);
    FILE *fp = fopen(obj, "r+b");
    assert_non_null(fp);
    assert_int_equal(fseek(fp, 30, SEEK_SET), 0);
    assert_int_equal(fputc('#', fp), '#');
    fclose(fp);
    /* the page's button (a form POST) starts the run and comes back to the page */
    char path[160];
    snprintf(path, sizeof path, "/units/%lld/archives/%d/check", (long long)unit1, YEAR);
    struct th_resp *r = th_form(&srv, path, &unitadmin, "");
    th_assert_status(r, 303);
    assert_non_null(strstr(th_header(r, "Location"), "/check"));
    th_resp_free(r);
    json_t *o = await_done(YEAR);
    assert_string_equal(th_jstr(o, "state"), "done");
    assert_true(json_is_false(json_object_get(o, "authenticity")));
    const json_t *p = prop(json_object_get(o, "report"), "authenticity");
    assert_int_equal(th_jint(p, "failed"), 1);
    assert_non_null(strstr(th_jstr(json_array_get(json_object_get(p, "items"), 0), "reason"),
                           "SHA-256"));
    json_decref(o);
    /* the page names it, linked to its document */
    r = th_api(&srv, "GET", path, &member, TH_COOKIE, NULL);
    th_assert_status(r, 200);
    assert_non_null(strstr(r->body, "四性检测未全部通过"));
    assert_non_null(strstr(r->body, "href=\"/documents/"));
    th_resp_free(r);
    /* both runs are in the audit log */
    r = api("GET", "/api/v1/audit?action=archive.check&limit=50", &admin);
    th_assert_status(r, 200);
    assert_true(json_array_size(json_object_get(r->json, "items")) >= 2);
    th_resp_free(r);
}

static void
test_graceful_stop(void **state)
{
    (void)state;
    assert_int_equal(th_server_stop(&srv), 0);
}

static int
setup(void **state)
{
    (void)state;
    if (th_server_create(&srv, NULL) || th_server_start(&srv, NULL)) {
        return -1;
    }
    struct {
        const char *user;
        struct th_cred *c;
    } who[] = {{"admin", &admin},         {"office", &office},       {"district", &district},
               {"evaluator", &evaluator}, {"unitadmin", &unitadmin}, {"member", &member},
               {"leader", &leader}};
    for (size_t i = 0; i < sizeof who / sizeof who[0]; i++) {
        if (201 != th_login(&srv, who[i].user, TH_DEMO_PW, who[i].c) ||
            th_make_token(&srv, who[i].c, "check") <= 0) {
            return -1;
        }
    }
    unit1 = th_unit_id(&srv, &admin, "DEMO001");
    struct th_file f = {.name = "standard.json", .data = fw_json, .len = strlen(fw_json)};
    const char *fields[] = {"name", "四性检测用标准", NULL};
    struct th_resp *r = th_upload(&srv, "/api/v1/frameworks", &office, TH_BEARER, &f, 1, fields);
    if (201 != r->status) {
        fprintf(stderr, "framework: %ld %s\n", r->status, r->body);
        th_resp_free(r);
        return -1;
    }
    edition = th_jint(r->json, "id");
    th_resp_free(r);
    char path[128], body[96];
    snprintf(path, sizeof path, "/api/v1/frameworks/%lld/publish", (long long)edition);
    r = api("POST", path, &office);
    long st = r->status;
    th_resp_free(r);
    snprintf(path, sizeof path, "/api/v1/units/%lld/archives", (long long)unit1);
    for (int y = YEAR; y <= YEAR + 1 && 200 == st; y++) {
        snprintf(body, sizeof body, "{\"year\": %d, \"edition_id\": %lld}", y, (long long)edition);
        r = th_api(&srv, "POST", path, &admin, th_auth(&admin), body);
        st = 201 == r->status ? 200 : r->status;
        th_resp_free(r);
    }
    if (200 != st) {
        fprintf(stderr, "publish or archive: HTTP %ld\n", st);
        return -1;
    }
    upload(YEAR, "1.1", "年度创建规划", pdf_sha);
    upload(YEAR, "1.2", "培训记录", NULL);
    return 0;
}

static int
teardown(void **state)
{
    (void)state;
    return th_server_finish(&srv);
}

int
main(int argc, char **argv)
{
    if (!th_init(argc, argv)) {
        return 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_who_may_start),
        cmocka_unit_test(test_api_run_and_report),
        cmocka_unit_test(test_page),
        cmocka_unit_test(test_export_package),
        cmocka_unit_test(test_button_after_tampering),
        cmocka_unit_test(test_graceful_stop),
    };
    int failed = cmocka_run_group_tests_name("archive_check", tests, setup, teardown);
    th_done();
    return failed + th_teardown_failures;
}
