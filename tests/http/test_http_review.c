/*
** test_http_review.c — regressions found by a hostile-input review, over real HTTP against
** `wenming serve --demo`.
**
** Groups, each with its own server and data directory:
**   review   bodies and request shapes that cost the server far more than the client:
**            a non-multipart body on an upload route (buffered in memory), a huge list of
**            ids to reorder (quadratic), a unit with a huge list of departments
**            (quadratic), a long multipart text field (quadratic); and a robustness slip
**            (moving a document from the trash)
**   policy   a server with allowed_types = pdf and upload_max = 100000: an archive
**            package may not bring in what a direct upload would refuse
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <archive.h>
#include <archive_entry.h>

/* cmocka.h needs these before it (clang-format would sort them after it). */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
/* clang-format on */

#include "harness.h"

static struct th_server srv;
static struct th_cred admin, office, unitadmin, member;
static int64_t unit1; /* DEMO001 市司法局: member is in its 办公室, which owns leaf 1.1.1 */

/* ---------------------------------------------------------------- helpers */

/*
** The CPU time the server has used so far, in seconds (utime + stime of /proc/PID/stat).
** The "must answer at once" checks below bound the server's CPU per request, not the wall
** clock: a loaded test machine stretches wall time, while a quadratic step costs minutes
** of CPU whatever else runs.
*/
static double
server_cpu_s(void)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)srv.pid);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    /* after the command name in parentheses: state is field 3, utime 14, stime 15 */
    const char *p = strrchr(buf, ')');
    assert_non_null(p);
    unsigned long long ut = 0, st = 0;
    assert_int_equal(sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut,
                            &st),
                     2);
    return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

static void
leaf_path(char *out, size_t len, int year, const char *leaf, const char *what)
{
    snprintf(out, len, "/api/v1/units/%lld/archives/%d/indicators/%s/%s", (long long)unit1, year,
             leaf, what);
}

/* Upload one PDF into a leaf as c and expect 201: the new document's id. */
static int64_t
upload_pdf(const struct th_cred *c, int year, const char *leaf, const char *tag)
{
    char path[200];
    struct bytes pdf = pdf_make(tag, 300);
    struct th_file f = {.name = "a.pdf", .data = pdf.p, .len = pdf.n};
    leaf_path(path, sizeof path, year, leaf, "documents");
    struct th_resp *r = th_upload(&srv, path, c, 0, &f, 1, NULL);
    th_assert_status(r, 201);
    int64_t id = th_jint(json_array_get(json_object_get(r->json, "items"), 0), "id");
    th_resp_free(r);
    free(pdf.p);
    assert_true(id > 0);
    return id;
}

/* ---------------------------------------------------------------- setup */

static int
login_all(void)
{
    struct {
        const char *user;
        struct th_cred *c;
    } who[] = {{"admin", &admin}, {"office", &office}, {"unitadmin", &unitadmin},
               {"member", &member}};
    for (size_t i = 0; i < sizeof who / sizeof who[0]; i++) {
        if (201 != th_login(&srv, who[i].user, TH_DEMO_PW, who[i].c) ||
            th_make_token(&srv, who[i].c, "review") <= 0) {
            return -1;
        }
    }
    unit1 = th_unit_id(&srv, &admin, "DEMO001");
    /* the years the tests work in: archives are created explicitly, never by opening one */
    for (int year = 2020; year <= 2023; year++) {
        if (!unit1 || !th_archive_create(&srv, &admin, unit1, year)) {
            return -1;
        }
    }
    return 0;
}

static int
review_setup(void **state)
{
    (void)state;
    if (th_server_create(&srv, NULL) || th_server_start(&srv, NULL)) {
        return -1;
    }
    return login_all();
}

static int
policy_setup(void **state)
{
    (void)state;
    if (th_server_create(&srv, "allowed_types = pdf\nupload_max = 100000") ||
        th_server_start(&srv, NULL)) {
        return -1;
    }
    return login_all();
}

static int
group_teardown(void **state)
{
    (void)state;
    return th_server_finish(&srv);
}

static void
test_graceful_stop(void **state)
{
    (void)state;
    assert_int_equal(th_server_stop(&srv), 0);
}

/* ---------------------------------------------------------------- review */

/*
** An upload route streams multipart files to disk, so its body limit is that of many
** files (64 GiB).  Any other body on such a route is buffered in memory: it must be held
** to the configured max_body (1 MiB by default), not to the upload limit.
*/
static void
test_upload_route_buffered_body(void **state)
{
    (void)state;
    char path[200];
    leaf_path(path, sizeof path, 2020, "1.1.1", "documents");
    size_t n = (size_t)17 << 20; /* well over the default max_body */
    char *body = malloc(n);
    assert_non_null(body);
    memset(body, 'a', n);
    memcpy(body, "title=", 6);
    /* With a Content-Length: refused before the body is read. */
    struct th_req q = {.method = "POST", .path = path, .cred = &member, .flags = TH_BEARER,
                       .ctype = "application/x-www-form-urlencoded", .body = body, .len = n};
    struct th_resp *r = th_do(&srv, &q);
    th_assert_refused_large(r);
    th_resp_free(r);
    /* Chunked: refused once the limit is passed, however long the client goes on. */
    q.flags = TH_BEARER | TH_CHUNKED;
    r = th_do(&srv, &q);
    th_assert_refused_large(r);
    th_resp_free(r);
    /* The same for a page's upload form and for a JSON body. */
    q.flags = TH_BEARER;
    q.ctype = "application/json";
    r = th_do(&srv, &q);
    th_assert_refused_large(r);
    th_resp_free(r);
    free(body);
    /* A small urlencoded body still gets the handler's answer (no file). */
    r = th_do(&srv, &(struct th_req){.method = "POST", .path = path, .cred = &member,
                                     .flags = TH_BEARER,
                                     .ctype = "application/x-www-form-urlencoded",
                                     .body = "title=x", .len = 7});
    th_assert_error(r, 400, "bad_request", "file");
    th_resp_free(r);
}

/*
** Reordering a leaf checks that no id is listed twice.  With a quadratic check, a body of
** a few MB (well inside max_body) kept a worker busy for minutes; the answer must come at
** once, whatever the length of the list.
*/
static void
test_reorder_many_ids(void **state)
{
    (void)state;
    const int year = 2021;
    int64_t a = upload_pdf(&member, year, "1.1.1", "r1");
    int64_t b = upload_pdf(&member, year, "1.1.1", "r2");
    char path[200];
    leaf_path(path, sizeof path, year, "1.1.1", "order");
    struct bytes body = {0};
    bytes_addf(&body, "{\"ids\":[");
    for (int i = 0; i < 400000; i++) {
        bytes_addf(&body, "%s%d", i ? "," : "", 1000000 + i);
    }
    bytes_addf(&body, "]}");
    double t0 = server_cpu_s();
    struct th_resp *r = th_api(&srv, "POST", path, &member, TH_BEARER, body.p);
    double dt = server_cpu_s() - t0;
    th_assert_error(r, 400, "bad_request", "ids");
    th_resp_free(r);
    free(body.p);
    if (dt > 3.0) {
        fail_msg("reordering 400000 ids took %.1f s of server CPU", dt);
    }
    /* A repeated id is still refused, and a proper order still works. */
    char ok[128];
    snprintf(ok, sizeof ok, "{\"ids\":[%lld,%lld]}", (long long)a, (long long)a);
    r = th_api(&srv, "POST", path, &member, TH_BEARER, ok);
    th_assert_error(r, 400, "bad_request", "ids");
    th_resp_free(r);
    snprintf(ok, sizeof ok, "{\"ids\":[%lld,%lld]}", (long long)b, (long long)a);
    r = th_api(&srv, "POST", path, &member, TH_BEARER, ok);
    th_assert_status(r, 200);
    json_t *items = json_object_get(r->json, "items");
    assert_int_equal(th_jint(json_array_get(items, 0), "id"), b);
    assert_int_equal(th_jint(json_array_get(items, 0), "serial"), 1);
    th_resp_free(r);
}

/*
** Moving a document that is in the trash is a conflict the caller can fix (restore it
** first), not a server error.
*/
static void
test_move_trashed(void **state)
{
    (void)state;
    int64_t id = upload_pdf(&unitadmin, 2022, "1.1.1", "trashed");
    char path[128];
    snprintf(path, sizeof path, "/api/v1/documents/%lld", (long long)id);
    struct th_resp *r = th_api(&srv, "DELETE", path, &unitadmin, TH_BEARER, NULL);
    th_assert_status(r, 200);
    th_resp_free(r);
    snprintf(path, sizeof path, "/api/v1/documents/%lld/move", (long long)id);
    r = th_api(&srv, "POST", path, &unitadmin, TH_BEARER, "{\"code\":\"1.1.2\"}");
    th_assert_error(r, 409, "conflict", NULL);
    th_resp_free(r);
}

/*
** The unit form and the unit import take departments as one text: their number must be
** bounded like the API's (50), and the check for repeats must not be quadratic.
*/
static void
test_unit_many_depts(void **state)
{
    (void)state;
    struct bytes body = {0};
    bytes_addf(&body, "name=%%E5%%A4%%9A%%E7%%A7%%91%%E5%%AE%%A4&code=REVDEPTS&type=%%E6%%9C%%BA"
                      "%%E5%%85%%B3&parent_id=%lld&csrf=%s&depts=",
               (long long)office.org_id, office.csrf);
    for (int i = 0; i < 60000; i++) {
        bytes_addf(&body, "%sd%d", i ? "%2C" : "", i);
    }
    double t0 = server_cpu_s();
    struct th_resp *r = th_form(&srv, "/units", &office, body.p);
    double dt = server_cpu_s() - t0;
    free(body.p);
    th_assert_status(r, 303);
    const char *loc = th_header(r, "Location");
    assert_non_null(loc);
    assert_non_null(strstr(loc, "err="));
    th_resp_free(r);
    if (dt > 3.0) {
        fail_msg("a unit with 60000 departments took %.1f s of server CPU to refuse", dt);
    }
    r = th_api(&srv, "GET", "/api/v1/units?q=REVDEPTS", &office, TH_BEARER, NULL);
    th_assert_status(r, 200);
    assert_int_equal(json_array_size(json_object_get(r->json, "items")), 0);
    th_resp_free(r);

    /* The import: one cell with many separators. */
    struct bytes csv = {0};
    bytes_addf(&csv, "单位名称,单位代码,单位类型,科室\n多科室单位,REVDEPTS2,机关,\"");
    for (int i = 0; i < 200000; i++) {
        bytes_addf(&csv, "%sd%d", i ? "、" : "", i);
    }
    bytes_addf(&csv, "\"\n");
    struct th_file f = {.name = "units.csv", .data = csv.p, .len = csv.n};
    t0 = server_cpu_s();
    r = th_upload(&srv, "/api/v1/units/import", &office, 0, &f, 1, NULL);
    dt = server_cpu_s() - t0;
    free(csv.p);
    th_assert_status(r, 400);
    json_t *errs = json_object_get(r->json, "errors");
    assert_int_equal(json_array_size(errs), 1);
    assert_string_equal(th_jstr(json_array_get(errs, 0), "field"), "depts");
    th_resp_free(r);
    if (dt > 3.0) {
        fail_msg("importing a unit with a 200000-part department cell took %.1f s of server CPU",
                 dt);
    }
}

/*
** A multipart form's text field arrives in pieces; appending each piece by copying what
** came before made one anonymous POST /login with a 15 MiB field cost the server seconds
** of CPU (quadratic).  A login form is now refused at 8 KiB (issue 7), so the long field
** goes to a form that takes large bodies (the unit import, 32 MiB): the answer (no file:
** 400) must still come at once.
*/
static void
test_multipart_long_field(void **state)
{
    (void)state;
    size_t n = (size_t)15 << 20;
    char *big = malloc(n);
    assert_non_null(big);
    memset(big, 'a', n);
    CURL *h = curl_easy_init();
    assert_non_null(h);
    curl_mime *mime = curl_mime_init(h);
    curl_mimepart *part = curl_mime_addpart(mime);
    curl_mime_name(part, "csrf");
    curl_mime_data(part, office.csrf, CURL_ZERO_TERMINATED);
    part = curl_mime_addpart(mime);
    curl_mime_name(part, "username");
    curl_mime_data(part, big, n);
    double t0 = server_cpu_s();
    struct th_resp *r = th_do(&srv, &(struct th_req){.method = "POST", .path = "/units/import",
                                                      .cred = &office, .flags = TH_COOKIE,
                                                      .mime = mime});
    double dt = server_cpu_s() - t0;
    assert_true(r->status >= 200 && r->status < 500);
    th_resp_free(r);
    if (dt > 2.0) {
        fail_msg("a 15 MiB form field took %.1f s of server CPU", dt);
    }
    /* The anonymous login form: refused as too large, never read. */
    r = th_do(&srv, &(struct th_req){.method = "POST", .path = "/login", .mime = mime});
    assert_true(413 == r->status || CURLE_OK != r->cc); /* an HTML page, or a reset */
    th_resp_free(r);
    curl_mime_free(mime);
    curl_easy_cleanup(h);
    free(big);
}

/* ---------------------------------------------------------------- policy */

/*
** allowed_types and upload_max hold for every way a file gets into an archive: a package
** may not bring in a type, or a size, that a direct upload would refuse.
*/
static void
test_import_respects_upload_policy(void **state)
{
    (void)state;
    const int year = 2023;
    char path[200];
    /* A direct upload of a PNG is refused. */
    struct th_file f = {.name = "p.png", .data = th_png1, .len = sizeof th_png1};
    leaf_path(path, sizeof path, year, "1.1.1", "documents");
    struct th_resp *r = th_upload(&srv, path, &unitadmin, 0, &f, 1, NULL);
    th_assert_error(r, 415, "unsupported_media", "file");
    assert_non_null(strstr(r->body, "本系统目前不接受 PNG 图片")); /* in words */
    th_resp_free(r);

    struct bytes pdf = pdf_make("ok", 300), big = pdf_make("big", 150000);
    struct bytes png = {malloc(sizeof th_png1), sizeof th_png1, sizeof th_png1};
    assert_non_null(png.p);
    memcpy(png.p, th_png1, sizeof th_png1);
    const char *names[] = {"1.1.1/ok.pdf", "1.1.1/picture.png", "1.1.1/big.pdf"};
    struct bytes datas[] = {pdf, png, big};
    struct bytes zip = th_zip_make(names, datas, 3);
    assert_true(zip.n < 100000); /* the package itself is within upload_max */
    snprintf(path, sizeof path, "/api/v1/units/%lld/archives/%d/import", (long long)unit1, year);
    f = (struct th_file){.name = "p.zip", .data = zip.p, .len = zip.n};
    r = th_upload(&srv, path, &unitadmin, 0, &f, 1, NULL);
    th_assert_status(r, 200);
    assert_int_equal(th_jint(r->json, "imported"), 1);
    assert_int_equal(th_jint(r->json, "skipped"), 2);
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(r->json, "files"), i, x)
    {
        const char *p = th_jstr(x, "path");
        const char *st = th_jstr(x, "status");
        if (strstr(p, "ok.pdf")) {
            assert_string_equal(st, "imported");
        } else {
            assert_string_equal(st, "skipped");
        }
    }
    th_resp_free(r);
    free(zip.p);
    free(pdf.p);
    free(png.p);
    free(big.p);
}

int
main(int argc, char **argv)
{
    if (!th_init(argc, argv)) {
        return 1;
    }
    const struct CMUnitTest review[] = {
        cmocka_unit_test(test_upload_route_buffered_body),
        cmocka_unit_test(test_reorder_many_ids),
        cmocka_unit_test(test_move_trashed),
        cmocka_unit_test(test_unit_many_depts),
        cmocka_unit_test(test_multipart_long_field),
        cmocka_unit_test(test_graceful_stop),
    };
    const struct CMUnitTest policy[] = {
        cmocka_unit_test(test_import_respects_upload_policy),
        cmocka_unit_test(test_graceful_stop),
    };
    int failed = 0;
    failed += cmocka_run_group_tests_name("review", review, review_setup, group_teardown);
    failed += cmocka_run_group_tests_name("policy", policy, policy_setup, group_teardown);
    th_done();
    return failed + th_teardown_failures;
}
