/*
** test_http_jobs.c — the job queue over real HTTP (issue 8), against `wenming serve --demo`
** with import_job_bytes = 65536, so a package of a few hundred KB imports as a job:
**   import     the API answers 202 {job, poll}; polling the job shows it running with its
**              progress, then done with the import report; the documents are there and the
**              package is not left behind in the blob store
**   page       the import form redirects to /jobs/{id}, which shows a progress bar while
**              the job runs and the report when it is done
**   failure    a package with a zip bomb fails for good with its reason and report, shown
**              on /admin/jobs and /jobs/{id}; the 重试 button (with its CSRF token) and the API queue it
**              again, audited (job.retry), and it runs again
**   cli        `wenming jobs list [--state]` and `wenming jobs retry ID` on the same data
**
** To see a job running without guessing at timings the server runs with
** WENMING_TEST_FAULT=hold-imports: an import job waits, after its first progress, while
** the file DATA/hold-imports exists (src/cli/main.c).  The tests create that file before
** they submit and remove it once they have seen what they came for.
*/
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* cmocka.h needs these before it (clang-format would sort them after it). */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
/* clang-format on */

#include "harness.h"

#define JOB_BYTES 65536 /* import_job_bytes of the test server */
#define YEAR      2020

static struct th_server srv;
static struct th_cred admin, office, member;
static int64_t unit2; /* DEMO002: the office imports into it */

/* ---------------------------------------------------------------- helpers */

static struct th_resp *
api(const char *method, const char *path, const struct th_cred *c)
{
    return th_api(&srv, method, path, c, th_auth(c), NULL);
}

/* A valid PDF of about size bytes whose body is a stream of noise (it does not deflate, so
** a package of a few of them is larger than JOB_BYTES). */
static struct bytes
pdf_noise(const char *tag, size_t size)
{
    struct bytes b = {0};
    bytes_addf(&b,
               "%%PDF-1.4\n%%\xe2\xe3\xcf\xd3\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
               "2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n%% %s\n3 0 obj<</Length %zu>>"
               "stream\n",
               tag, size);
    uint64_t x = 0x9e3779b97f4a7c15ull;
    for (const char *p = tag; *p; p++) {
        x = (x ^ (unsigned char)*p) * 0x100000001b3ull;
    }
    for (size_t i = 0; i < size; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        unsigned char c = (unsigned char)(x >> 24);
        bytes_add(&b, &c, 1);
    }
    bytes_addf(&b, "\nendstream endobj\ntrailer<</Root 1 0 R>>\n%%%%EOF\n");
    return b;
}

/* A package of n noisy PDFs into leaf 1.1.1, tagged tag (free .p). */
static struct bytes
package(const char *tag, size_t n, size_t each)
{
    char names[4][64];
    const char *np[4];
    struct bytes datas[4];
    assert_true(n <= 4);
    for (size_t i = 0; i < n; i++) {
        snprintf(names[i], sizeof names[i], "1.1.1/%s%zu.pdf", tag, i + 1);
        np[i] = names[i];
        char t[64];
        snprintf(t, sizeof t, "%s %zu", tag, i);
        datas[i] = pdf_noise(t, each);
    }
    struct bytes zip = th_zip_make(np, datas, n);
    for (size_t i = 0; i < n; i++) {
        free(datas[i].p);
    }
    return zip;
}

static void
import_path(char *out, size_t len, bool page)
{
    snprintf(out, len, "%s/units/%lld/archives/%d/import", page ? "" : "/api/v1",
             (long long)unit2, YEAR);
}

/* POST a package to the import API as the office. */
static struct th_resp *
import_api(const char *name, const struct bytes *zip)
{
    char path[128];
    import_path(path, sizeof path, false);
    struct th_file f = {.name = name, .data = zip->p, .len = zip->n};
    return th_upload(&srv, path, &office, 0, &f, 1, NULL);
}

/* The 202 of a large import: its job id (the poll URL checked). */
static int64_t
import_queued(const char *name, const struct bytes *zip)
{
    struct th_resp *r = import_api(name, zip);
    th_assert_status(r, 202);
    int64_t id = th_jint(r->json, "job");
    assert_true(id > 0);
    char want[64];
    snprintf(want, sizeof want, "/api/v1/jobs/%lld", (long long)id);
    assert_string_equal(th_jstr(r->json, "poll"), want);
    th_resp_free(r);
    return id;
}

static void
hold(bool on)
{
    char path[PATH_MAX + 32];
    snprintf(path, sizeof path, "%s/hold-imports", srv.dir);
    if (on) {
        FILE *f = fopen(path, "w");
        assert_non_null(f);
        fclose(f);
    } else {
        assert_true(0 == unlink(path) || ENOENT == errno);
    }
}

static bool
is_final(const char *state)
{
    return 0 == strcmp(state, "done") || 0 == strcmp(state, "failed");
}

/*
** Poll GET /api/v1/jobs/{id} as c until the job is in state want (and has progress, when
** progress is true): its JSON, caller releases.  A job that ends in another final state fails the test.  The wait is bounded
** by a count of polls, not asserted as a duration.
*/
static json_t *
job_wait_for(int64_t id, const struct th_cred *c, const char *want, bool progress)
{
    char path[64];
    snprintf(path, sizeof path, "/api/v1/jobs/%lld", (long long)id);
    for (int i = 0; i < 6000; i++) {
        struct th_resp *r = api("GET", path, c);
        th_assert_status(r, 200);
        assert_int_equal(th_jint(r->json, "id"), id);
        const char *st = th_jstr(r->json, "state");
        if (0 == strcmp(st, want) &&
            (!progress || json_is_object(json_object_get(r->json, "progress")))) {
            json_t *j = json_incref(r->json);
            th_resp_free(r);
            return j;
        }
        if (is_final(st)) {
            char *text = json_dumps(r->json, JSON_INDENT(2));
            print_error("job %lld ended %s, wanted %s:\n%s\n", (long long)id, st, want, text);
            free(text);
            th_resp_free(r);
            th_server_log_tail(&srv, 30);
            fail();
        }
        th_resp_free(r);
        usleep(20000);
    }
    th_server_log_tail(&srv, 30);
    fail_msg("job %lld never became %s", (long long)id, want);
    return NULL;
}

static json_t *
leaf_docs(const char *leaf)
{
    char path[200];
    snprintf(path, sizeof path, "/api/v1/units/%lld/archives/%d/indicators/%s/documents",
             (long long)unit2, YEAR, leaf);
    struct th_resp *r = api("GET", path, &admin);
    th_assert_status(r, 200);
    json_t *items = json_incref(json_object_get(r->json, "items"));
    th_resp_free(r);
    assert_true(json_is_array(items));
    return items;
}

/* Whether some document of the leaf is named name ("NN:name", the file name without its
** extension). */
static bool
has_doc(const json_t *docs, const char *name)
{
    size_t i;
    json_t *x;
    json_array_foreach(docs, i, x)
    {
        const char *n = th_jstr(x, "name");
        const char *colon = strchr(n, ':');
        if (0 == strcmp(colon ? colon + 1 : n, name)) {
            return true;
        }
    }
    return false;
}

/* The report entry of a file name in an import report. */
static const json_t *
report_entry(const json_t *rep, const char *suffix)
{
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(rep, "files"), i, x)
    {
        const char *p = th_jstr(x, "path");
        size_t n = strlen(p), m = strlen(suffix);
        if (n >= m && 0 == strcmp(p + n - m, suffix)) {
            return x;
        }
    }
    return NULL;
}

static json_t *
job_wait(int64_t id, const struct th_cred *c, const char *want)
{
    return job_wait_for(id, c, want, false);
}

/* A held import job: running, with its first progress written (the handler writes it a
** moment after the claim made the job running). */
static json_t *
job_wait_held(int64_t id, const struct th_cred *c)
{
    return job_wait_for(id, c, "running", true);
}

/* The newest audit entry of action as the admin sees it (caller releases). */
static json_t *
audit_newest(const char *action)
{
    char path[128];
    snprintf(path, sizeof path, "/api/v1/audit?action=%s&limit=1", action);
    struct th_resp *r = api("GET", path, &admin);
    th_assert_status(r, 200);
    json_t *e = json_incref(json_array_get(json_object_get(r->json, "items"), 0));
    th_resp_free(r);
    assert_non_null(e);
    return e;
}

#define RUN TH_RUN

/* ---------------------------------------------------------------- setup */

static int
setup(void **state)
{
    (void)state;
    static const char *const env[] = {"WENMING_TEST_FAULT=hold-imports", NULL};
    if (th_server_create(&srv, "import_job_bytes = 65536\njob_workers = 2") ||
        th_server_start(&srv, env)) {
        return -1;
    }
    struct {
        const char *user;
        struct th_cred *c;
    } who[] = {{"admin", &admin}, {"office", &office}, {"member", &member}};
    for (size_t i = 0; i < sizeof who / sizeof who[0]; i++) {
        if (201 != th_login(&srv, who[i].user, TH_DEMO_PW, who[i].c) ||
            th_make_token(&srv, who[i].c, "jobs") <= 0) {
            return -1;
        }
    }
    unit2 = th_unit_id(&srv, &admin, "DEMO002");
    return unit2 && th_archive_create(&srv, &admin, unit2, YEAR) ? 0 : -1;
}

static int
teardown(void **state)
{
    (void)state;
    return th_server_finish(&srv);
}

/* ---------------------------------------------------------------- tests */

/* A small package imports in its request; a large one answers 202 and runs as a job:
** running with its progress while held, then done with the report, and the documents
** are there. */
static void
test_import_job(void **state)
{
    (void)state;
    struct bytes small = package("小包", 1, 2000);
    assert_true(small.n < JOB_BYTES);
    struct th_resp *r = import_api("small.zip", &small);
    th_assert_status(r, 200);
    assert_int_equal(th_jint(r->json, "imported"), 1);
    th_resp_free(r);

    struct bytes zip = package("大包", 3, 40000);
    assert_true(zip.n > JOB_BYTES);
    json_t *docs = leaf_docs("1.1.1");
    size_t before = json_array_size(docs);
    json_decref(docs);

    hold(true);
    int64_t id = import_queued("large.zip", &zip);
    json_t *j = job_wait_held(id, &office);
    assert_string_equal(th_jstr(j, "kind"), "archive.import");
    assert_int_equal(th_jint(j, "attempts"), 1);
    const json_t *p = json_object_get(j, "progress");
    assert_true(json_is_object(p));
    assert_string_equal(th_jstr(p, "phase"), "read");
    assert_int_equal(th_jint(p, "total"), (int64_t)zip.n);
    assert_int_equal(th_jint(p, "bytes"), 0);
    assert_true(json_is_null(json_object_get(j, "result")));
    const json_t *pl = json_object_get(j, "payload");
    assert_string_equal(th_jstr(pl, "name"), "large.zip");
    assert_int_equal(th_jint(pl, "year"), YEAR);
    json_decref(j);
    /* nothing imported yet */
    docs = leaf_docs("1.1.1");
    assert_int_equal(json_array_size(docs), before);
    json_decref(docs);
    /* the job is the office's (in scope) and the admin's; not the member's */
    char path[64];
    snprintf(path, sizeof path, "/api/v1/jobs/%lld", (long long)id);
    r = api("GET", path, &admin);
    th_assert_status(r, 200);
    th_resp_free(r);
    r = api("GET", path, &member);
    th_assert_error(r, 404, "not_found", NULL);
    th_resp_free(r);
    r = api("GET", "/api/v1/jobs?state=running", &office);
    th_assert_status(r, 200);
    assert_int_equal(th_jint(json_array_get(json_object_get(r->json, "items"), 0), "id"), id);
    th_resp_free(r);

    hold(false);
    j = job_wait(id, &office, "done");
    const json_t *res = json_object_get(j, "result");
    assert_int_equal(th_jint(res, "imported"), 3);
    assert_int_equal(th_jint(res, "skipped"), 0);
    const json_t *e = report_entry(res, "大包2.pdf");
    assert_non_null(e);
    assert_string_equal(th_jstr(e, "status"), "imported");
    assert_true(th_jint(e, "document_id") > 0);
    assert_true(json_is_null(json_object_get(j, "last_error")));
    assert_true(json_is_object(json_object_get(j, "progress")));
    json_decref(j);
    docs = leaf_docs("1.1.1");
    assert_int_equal(json_array_size(docs), before + 3);
    assert_true(has_doc(docs, "大包1"));
    assert_true(has_doc(docs, "大包3"));
    json_decref(docs);

    /* audited: the job's creation by the office, and the import it ran as the office */
    json_t *a = audit_newest("job.create");
    assert_int_equal(th_jint(a, "object_id"), id);
    assert_string_equal(th_jstr(a, "username"), "office");
    json_decref(a);
    a = audit_newest("archive.import");
    assert_string_equal(th_jstr(a, "username"), "office");
    const json_t *aft = json_object_get(json_object_get(a, "summary"), "after");
    assert_string_equal(th_jstr(aft, "package"), "large.zip");
    assert_int_equal(th_jint(aft, "imported"), 3);
    json_decref(a);

    /* the same package again: done, every file skipped */
    id = import_queued("large.zip", &zip);
    j = job_wait(id, &office, "done");
    assert_int_equal(th_jint(json_object_get(j, "result"), "imported"), 0);
    assert_int_equal(th_jint(json_object_get(j, "result"), "skipped"), 3);
    json_decref(j);
    free(zip.p);
    free(small.p);
}

/* The import form: 303 to /jobs/{id}; a progress bar while it runs; the report when done. */
static void
test_import_page(void **state)
{
    (void)state;
    hold(false); /* left by a failed test before */
    struct bytes zip = package("页面", 2, 50000);
    assert_true(zip.n > JOB_BYTES);
    hold(true);
    char path[128];
    import_path(path, sizeof path, true);
    struct th_file f = {.name = "page.zip", .data = zip.p, .len = zip.n};
    struct th_resp *r = th_upload(&srv, path, &office, TH_COOKIE, &f, 1, NULL);
    th_assert_status(r, 303);
    const char *to = th_header(r, "Location");
    assert_non_null(to);
    long long id = 0;
    assert_int_equal(sscanf(to, "/jobs/%lld", &id), 1);
    th_resp_free(r);
    json_decref(job_wait_held(id, &office));

    char page[64];
    snprintf(page, sizeof page, "/jobs/%lld", id);
    struct th_req q = {.method = "GET", .path = page, .cred = &office, .flags = TH_COOKIE};
    r = th_do(&srv, &q);
    th_assert_status(r, 200);
    assert_non_null(strstr(r->body, "data-state=\"running\""));
    assert_non_null(strstr(r->body, "<progress class=\"job-progress\" max=\"100\" value=\"0\""));
    assert_non_null(strstr(r->body, "导入档案包"));
    assert_null(strstr(r->body, "页面1.pdf"));
    th_resp_free(r);
    /* whoever may not see the job gets the same 404 as for a job that does not exist */
    q.cred = &member;
    r = th_do(&srv, &q);
    th_assert_status(r, 404);
    th_resp_free(r);

    hold(false);
    json_decref(job_wait(id, &office, "done"));
    q.cred = &office;
    r = th_do(&srv, &q);
    th_assert_status(r, 200);
    assert_non_null(strstr(r->body, "data-state=\"done\""));
    assert_null(strstr(r->body, "<progress"));
    assert_non_null(strstr(r->body, "已导入 2 件"));
    assert_non_null(strstr(r->body, "页面1.pdf"));
    assert_non_null(strstr(r->body, "页面2.pdf"));
    char back[96];
    snprintf(back, sizeof back, "href=\"/units/%lld/archives/%d\"", (long long)unit2, YEAR);
    assert_non_null(strstr(r->body, back));
    th_resp_free(r);
    json_t *docs = leaf_docs("1.1.1");
    assert_true(has_doc(docs, "页面1"));
    assert_true(has_doc(docs, "页面2"));
    json_decref(docs);
    free(zip.p);
}

static int64_t failed_job; /* the job of test_failure, for test_cli */
static int64_t done_job;

/* A large package with a zip bomb in it: refused as a whole, so the job fails for good with
** its reason and report, shown on /admin/jobs and /jobs/{id}; retried from the page (CSRF
** checked) and over the API, audited, and run again. */
static void
test_failure(void **state)
{
    (void)state;
    hold(false); /* left by a failed test before */
    const char *names[3] = {"1.1.1/好一.pdf", "1.1.1/好二.pdf", "1.1.1/炸弹.pdf"};
    struct bytes datas[3] = {pdf_noise("好一", 40000), pdf_noise("好二", 40000),
                             pdf_make("炸弹", (size_t)6 << 20)}; /* deflates beyond 200:1 */
    struct bytes zip = th_zip_make(names, datas, 3);
    for (int i = 0; i < 3; i++) {
        free(datas[i].p);
    }
    assert_true(zip.n > JOB_BYTES);
    json_t *docs = leaf_docs("1.1.1");
    size_t before = json_array_size(docs);
    json_decref(docs);
    int64_t id = import_queued("bomb.zip", &zip);
    free(zip.p);
    json_t *j = job_wait(id, &office, "failed");
    assert_int_equal(th_jint(j, "attempts"), 1); /* a bad package is not tried again */
    const char *why = th_jstr(j, "last_error");
    assert_non_null(strstr(why, "压缩炸弹"));
    char *reason = strdup(why);
    const json_t *rep = json_object_get(j, "result"); /* the report is kept */
    assert_int_equal(th_jint(rep, "imported"), 0);
    assert_string_equal(th_jstr(report_entry(rep, "炸弹.pdf"), "status"), "refused");
    assert_string_equal(th_jstr(report_entry(rep, "好一.pdf"), "status"), "not_imported");
    json_decref(j);
    docs = leaf_docs("1.1.1");
    assert_int_equal(json_array_size(docs), before);
    json_decref(docs);
    char page[64];
    snprintf(page, sizeof page, "/jobs/%lld", (long long)id);
    struct th_req pq = {.method = "GET", .path = page, .cred = &office, .flags = TH_COOKIE};
    struct th_resp *pr = th_do(&srv, &pq);
    th_assert_status(pr, 200);
    assert_non_null(strstr(pr->body, "data-state=\"failed\""));
    assert_non_null(strstr(pr->body, reason));
    assert_non_null(strstr(pr->body, "炸弹.pdf"));
    assert_non_null(strstr(pr->body, "未导入"));
    th_resp_free(pr);

    /* /admin/jobs lists it with its reason and a retry form, for the admin and the office */
    const struct th_cred *staff[] = {&admin, &office};
    char action[96];
    snprintf(action, sizeof action, "action=\"/admin/jobs/%lld/retry\"", (long long)id);
    for (size_t i = 0; i < 2; i++) {
        struct th_req q = {.method = "GET", .path = "/admin/jobs", .cred = staff[i],
                           .flags = TH_COOKIE};
        struct th_resp *r = th_do(&srv, &q);
        th_assert_status(r, 200);
        assert_non_null(strstr(r->body, reason));
        assert_non_null(strstr(r->body, action));
        assert_non_null(strstr(r->body, "data-state=\"failed\""));
        th_resp_free(r);
    }
    struct th_req q = {.method = "GET", .path = "/admin/jobs", .cred = &member,
                       .flags = TH_COOKIE};
    struct th_resp *r = th_do(&srv, &q);
    th_assert_status(r, 403);
    th_resp_free(r);

    /* the retry button: without the CSRF token refused and nothing changes */
    char path[96];
    snprintf(path, sizeof path, "/admin/jobs/%lld/retry", (long long)id);
    struct th_req post = {.method = "POST", .path = path, .cred = &admin, .flags = TH_COOKIE,
                          .ctype = "application/x-www-form-urlencoded", .body = "x=1", .len = 3};
    r = th_do(&srv, &post);
    th_assert_status(r, 403);
    th_resp_free(r);
    j = job_wait(id, &admin, "failed");
    assert_string_equal(th_jstr(j, "last_error"), reason);
    json_decref(j);
    /* with it: 303 back to the list, queued again, audited with the reason it had */
    r = th_form(&srv, path, &admin, NULL);
    th_assert_status(r, 303);
    assert_non_null(strstr(th_header(r, "Location"), "/admin/jobs"));
    th_resp_free(r);
    json_t *a = audit_newest("job.retry");
    assert_int_equal(th_jint(a, "object_id"), id);
    assert_string_equal(th_jstr(a, "username"), "admin");
    const json_t *sum = json_object_get(a, "summary");
    assert_string_equal(th_jstr(json_object_get(sum, "before"), "last_error"), reason);
    assert_string_equal(th_jstr(json_object_get(sum, "after"), "state"), "queued");
    json_decref(a);
    /* it runs again (attempts counted afresh); the refused package was not kept, so it
    ** fails for that reason now */
    j = job_wait(id, &admin, "failed");
    assert_non_null(strstr(th_jstr(j, "last_error"), "档案包已不在存储中"));
    assert_int_equal(th_jint(j, "attempts"), 1);
    json_decref(j);

    /* over the API: the office may retry (in scope), the member may not; a job that is
    ** not failed cannot be retried */
    snprintf(path, sizeof path, "/api/v1/jobs/%lld/retry", (long long)id);
    r = th_api(&srv, "POST", path, &member, TH_BEARER, NULL);
    th_assert_error(r, 403, "forbidden", NULL);
    th_resp_free(r);
    r = th_api(&srv, "POST", path, &office, TH_BEARER, NULL);
    th_assert_status(r, 200);
    assert_int_equal(th_jint(r->json, "id"), id);
    assert_int_equal(th_jint(r->json, "attempts") <= 1, 1);
    th_resp_free(r);
    a = audit_newest("job.retry");
    assert_string_equal(th_jstr(a, "username"), "office");
    json_decref(a);
    json_decref(job_wait(id, &office, "failed"));
    failed_job = id;

    r = api("GET", "/api/v1/jobs?state=done", &admin);
    th_assert_status(r, 200);
    done_job = th_jint(json_array_get(json_object_get(r->json, "items"), 0), "id");
    th_resp_free(r);
    assert_true(done_job > 0);
    snprintf(path, sizeof path, "/api/v1/jobs/%lld/retry", (long long)done_job);
    r = th_api(&srv, "POST", path, &admin, TH_BEARER, NULL);
    th_assert_error(r, 409, "conflict", NULL);
    th_resp_free(r);
    r = th_api(&srv, "POST", "/api/v1/jobs/999999/retry", &admin, TH_BEARER, NULL);
    th_assert_error(r, 404, "not_found", NULL);
    th_resp_free(r);
    free(reason);
}

/* `wenming jobs list|retry` on the server's data, while it runs. */
static void
test_cli(void **state)
{
    (void)state;
    hold(false); /* left by a failed test before */
    assert_true(failed_job > 0 && done_job > 0);
    char fid[32], did[32];
    snprintf(fid, sizeof fid, "%lld", (long long)failed_job);
    snprintf(did, sizeof did, "%lld", (long long)done_job);

    /* the default list: waiting, running and failed jobs, with the reason */
    char *out = RUN(0, "jobs", "list", "--data", srv.dir);
    assert_non_null(strstr(out, "reason"));
    char line[64];
    snprintf(line, sizeof line, "\n%-8s archive.import   failed", fid);
    assert_non_null(strstr(out, line));
    assert_non_null(strstr(out, "档案包已不在存储中"));
    snprintf(line, sizeof line, "\n%-8s ", did);
    assert_null(strstr(out, line)); /* done: not in the default list */
    free(out);
    out = RUN(0, "jobs", "list", "--data", srv.dir, "--state", "done");
    snprintf(line, sizeof line, "\n%-8s archive.import   done", did);
    assert_non_null(strstr(out, line));
    snprintf(line, sizeof line, "\n%-8s ", fid);
    assert_null(strstr(out, line));
    free(out);
    free(RUN(2, "jobs", "list", "--data", srv.dir, "--state", "finished"));
    free(RUN(2, "jobs", "list", "--data", srv.dir, "extra"));

    /* retry: only a failed job; usage errors answer 2 */
    out = RUN(0, "jobs", "retry", "--data", srv.dir, fid);
    assert_non_null(strstr(out, "queued again"));
    free(out);
    json_t *a = audit_newest("job.retry");
    assert_int_equal(th_jint(a, "object_id"), failed_job);
    json_decref(a);
    /* the server's workers find it on their next look (the CLI cannot wake them) */
    json_decref(job_wait(failed_job, &admin, "failed"));
    out = RUN(1, "jobs", "retry", "--data", srv.dir, did);
    assert_non_null(strstr(out, "只有失败的任务可以重试"));
    free(out);
    free(RUN(1, "jobs", "retry", "--data", srv.dir, "999999"));
    free(RUN(2, "jobs", "retry", "--data", srv.dir, "abc"));
    free(RUN(2, "jobs", "retry", "--data", srv.dir));
    free(RUN(0, "jobs", "list", "--help"));

    /* no package was left behind: every blob is a document's */
    out = RUN(0, "verify", "blobs", "--data", srv.dir);
    assert_non_null(strstr(out, "0 orphan blobs"));
    free(out);
}

static void
test_graceful_stop(void **state)
{
    (void)state;
    assert_int_equal(th_server_stop(&srv), 0);
}

int
main(int argc, char **argv)
{
    if (!th_init(argc, argv)) {
        return 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_import_job),
        cmocka_unit_test(test_import_page),
        cmocka_unit_test(test_failure),
        cmocka_unit_test(test_cli),
        cmocka_unit_test(test_graceful_stop),
    };
    int failed = cmocka_run_group_tests_name("jobs", tests, setup, teardown);
    th_done();
    return failed + th_teardown_failures;
}

/* end of test_http_jobs.c */
