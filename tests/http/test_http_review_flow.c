/*
** test_http_review_flow.c — the review of documents (issue 9) over real HTTP against
** `wenming serve --demo`: each state change and who may make it.
**
** The demo jurisdiction: the city office (account office) holds 市司法局 (DEMO001, whose
** unit_admin, member and leader accounts are used) directly, and three district offices;
** the account district belongs to 东城区文明办, which holds 青山镇 (DEMO013) but not
** 柳河镇 (DEMO014, 西湖区).
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* cmocka.h needs these before it (clang-format would sort them after it). */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
/* clang-format on */

#include "harness.h"

#define YEAR 2020

static struct th_server srv;
static struct th_cred admin, office, district, evaluator, unitadmin, member, leader;
static int64_t unit1;   /* DEMO001 市司法局, under the city office */
static int64_t qingshan; /* DEMO013 青山镇, 东城区 */
static int64_t liuhe;    /* DEMO014 柳河镇, 西湖区 */
static unsigned seq;

static struct th_resp *
api(const char *method, const char *path, const struct th_cred *c, json_t *body_steal)
{
    char *body = body_steal ? th_jdump(body_steal) : NULL;
    struct th_resp *r = th_api(&srv, method, path, c, th_auth(c), body);
    free(body);
    return r;
}

/* POST /api/v1/documents/{id}/<what> as c with an optional body: the answer. */
static struct th_resp *
doc_post(int64_t id, const char *what, const struct th_cred *c, json_t *body_steal)
{
    char path[96];
    snprintf(path, sizeof path, "/api/v1/documents/%lld/%s", (long long)id, what);
    return api("POST", path, c, body_steal);
}

/* The same, expecting status want. */
static void
doc_post_want(int64_t id, const char *what, const struct th_cred *c, json_t *body_steal,
              long want)
{
    struct th_resp *r = doc_post(id, what, c, body_steal);
    th_assert_status(r, want);
    th_resp_free(r);
}

/* Upload bytes b into a leaf of unit as c: the new document's id. */
static int64_t
upload_bytes(const struct th_cred *c, int64_t unit, const char *leaf, const struct bytes *b)
{
    char path[160];
    snprintf(path, sizeof path, "/api/v1/units/%lld/archives/%d/indicators/%s/documents",
             (long long)unit, YEAR, leaf);
    struct th_file f = { .name = "材料.pdf", .data = b->p, .len = b->n };
    struct th_resp *r = th_upload(&srv, path, c, 0, &f, 1, NULL);
    th_assert_status(r, 201);
    int64_t id = th_jint(json_array_get(json_object_get(r->json, "items"), 0), "id");
    th_resp_free(r);
    assert_true(id > 0);
    return id;
}

/* Upload a fresh PDF: its id. */
static int64_t
upload(const struct th_cred *c, int64_t unit, const char *leaf)
{
    char tag[32];
    snprintf(tag, sizeof tag, "审核 %u", ++seq);
    struct bytes b = pdf_make(tag, 600);
    int64_t id = upload_bytes(c, unit, leaf, &b);
    free(b.p);
    return id;
}

/* The document's status as the API shows it. */
static char *
status_of(int64_t id)
{
    char path[64];
    snprintf(path, sizeof path, "/api/v1/documents/%lld", (long long)id);
    struct th_resp *r = api("GET", path, &admin, NULL);
    th_assert_status(r, 200);
    char *s = strdup(th_jstr(r->json, "status"));
    th_resp_free(r);
    return s;
}

static void
assert_status(int64_t id, const char *want)
{
    char *s = status_of(id);
    if (strcmp(s, want)) {
        fprintf(stderr, "document %lld: status %s, want %s\n", (long long)id, s, want);
    }
    assert_string_equal(s, want);
    free(s);
}

/* The document's history (as c, expecting 200). */
static json_t *
history(int64_t id, const struct th_cred *c)
{
    char path[96];
    snprintf(path, sizeof path, "/api/v1/documents/%lld/history", (long long)id);
    struct th_resp *r = api("GET", path, c, NULL);
    th_assert_status(r, 200);
    json_t *h = json_incref(r->json);
    th_resp_free(r);
    return h;
}

/* Whether a queue answer lists document id. */
static bool
queue_has(const json_t *page, int64_t id)
{
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(page, "items"), i, x)
    {
        if (th_jint(x, "id") == id) {
            return true;
        }
    }
    return false;
}

static json_t *
queue(const struct th_cred *c, const char *query)
{
    char path[256];
    snprintf(path, sizeof path, "/api/v1/reviews%s", query);
    struct th_resp *r = api("GET", path, c, NULL);
    th_assert_status(r, 200);
    json_t *q = json_incref(r->json);
    th_resp_free(r);
    return q;
}

/* ---------------------------------------------------------------- tests */

static void
test_submit_approve(void **state)
{
    (void)state;
    int64_t id = upload(&member, unit1, "1.1.1");
    assert_status(id, "draft");
    /* a leader reads but does not submit; an evaluator neither */
    doc_post_want(id, "submit", &leader, NULL, 403);
    doc_post_want(id, "submit", &evaluator, NULL, 403);
    /* nothing to approve before it is submitted */
    doc_post_want(id, "approve", &office, NULL, 409);
    struct th_resp *r = doc_post(id, "submit", &member, NULL);
    th_assert_status(r, 200);
    assert_string_equal(th_jstr(r->json, "status"), "submitted");
    th_resp_free(r);
    /* twice: the wrong state */
    r = doc_post(id, "submit", &member, NULL);
    th_assert_error(r, 409, "conflict", "ids");
    th_resp_free(r);
    /* the office's queue shows it, oldest first, with the unit and who submitted */
    json_t *q = queue(&office, "?state=submitted&limit=200");
    assert_true(queue_has(q, id));
    json_t *items = json_object_get(q, "items");
    for (size_t i = 1; i < json_array_size(items); i++) {
        assert_true(strcmp(th_jstr(json_array_get(items, i - 1), "at"),
                           th_jstr(json_array_get(items, i), "at")) <= 0);
    }
    json_decref(q);
    char query[128];
    snprintf(query, sizeof query, "?unit=%lld&indicator=1.1.1", (long long)unit1);
    q = queue(&office, query);
    assert_true(queue_has(q, id));
    json_t *row = json_array_get(json_object_get(q, "items"), 0);
    assert_string_equal(th_jstr(row, "unit_name"), "市司法局");
    assert_string_equal(th_jstr(row, "actor_name"), "市司法局 办公室 刘");
    assert_non_null(strchr(th_jstr(row, "at"), 'T')); /* RFC 3339 */
    assert_null(json_object_get(row, "unit_path"));
    json_decref(q);
    q = queue(&office, "?indicator=9.9.9");
    assert_false(queue_has(q, id));
    json_decref(q);
    q = queue(&office, "?indicator=1.1.&media=text&unit_type=%E6%9C%BA%E5%85%B3");
    assert_true(queue_has(q, id)); /* every leaf below 1.1, of a 机关 */
    json_decref(q);
    snprintf(query, sizeof query, "?submitter=%lld", (long long)member.user_id);
    q = queue(&office, query);
    assert_true(queue_has(q, id));
    json_decref(q);
    snprintf(query, sizeof query, "?submitter=%lld", (long long)unitadmin.user_id);
    q = queue(&office, query);
    assert_false(queue_has(q, id));
    json_decref(q);
    q = queue(&office, "?age=1"); /* waiting a day or more: not this one */
    assert_false(queue_has(q, id));
    json_decref(q);
    r = api("GET", "/api/v1/reviews?unit=x", &office, NULL);
    th_assert_error(r, 400, "bad_request", "unit");
    th_resp_free(r);
    /* units may not approve, evaluators may not review */
    doc_post_want(id, "approve", &unitadmin, NULL, 403);
    doc_post_want(id, "approve", &member, NULL, 403);
    doc_post_want(id, "approve", &evaluator, NULL, 403);
    doc_post_want(id, "return", &evaluator, json_pack("{s:s}", "comment", "不行"), 403);
    /* the district office does not hold 市司法局 */
    r = doc_post(id, "approve", &district, NULL);
    th_assert_error(r, 404, "not_found", NULL);
    th_resp_free(r);
    q = queue(&district, "");
    assert_false(queue_has(q, id));
    json_decref(q);
    /* the city office does */
    r = doc_post(id, "approve", &office, NULL);
    th_assert_status(r, 200);
    assert_string_equal(th_jstr(r->json, "status"), "approved");
    th_resp_free(r);
    doc_post_want(id, "approve", &office, NULL, 409);
    doc_post_want(id, "submit", &member, NULL, 409);
    /* the history: a submission and a verdict on version 1, who and when */
    json_t *h = history(id, &leader);
    assert_string_equal(th_jstr(h, "status"), "approved");
    assert_int_equal(th_jint(h, "approved_version"), 1);
    json_t *ev = json_object_get(h, "events");
    assert_int_equal(json_array_size(ev), 2);
    assert_string_equal(th_jstr(json_array_get(ev, 0), "action"), "submit");
    assert_string_equal(th_jstr(json_array_get(ev, 1), "action"), "approve");
    assert_string_equal(th_jstr(json_array_get(ev, 1), "actor_name"), "市文明办 王主任");
    assert_int_equal(th_jint(json_array_get(ev, 1), "version"), 1);
    assert_non_null(strchr(th_jstr(json_array_get(ev, 1), "at"), 'T'));
    assert_string_equal(th_jstr(json_array_get(json_object_get(h, "versions"), 0), "review"),
                        "approve");
    json_decref(h);
    /* the evaluator sees no unit's documents */
    char path[96];
    snprintf(path, sizeof path, "/api/v1/documents/%lld/history", (long long)id);
    r = api("GET", path, &evaluator, NULL);
    th_assert_status(r, 404);
    th_resp_free(r);
}

static void
test_return_needs_comment(void **state)
{
    (void)state;
    int64_t id = upload(&unitadmin, unit1, "1.1.1");
    doc_post_want(id, "submit", &unitadmin, NULL, 200);
    struct th_resp *r = doc_post(id, "return", &office, json_object());
    th_assert_error(r, 400, "bad_request", "comment");
    th_resp_free(r);
    r = doc_post(id, "return", &office, json_pack("{s:s}", "comment", ""));
    th_assert_error(r, 400, "bad_request", "comment");
    th_resp_free(r);
    r = doc_post(id, "return", &office, json_pack("{s:s}", "comment", " \n "));
    th_assert_error(r, 400, "bad_request", "comment");
    th_resp_free(r);
    r = doc_post(id, "return", &office, json_pack("{s:s}", "comment", "\xe2\x80\x8b\xe2\x80\xae"));
    th_assert_error(r, 400, "bad_request", "comment"); /* only invisible characters */
    th_resp_free(r);
    r = doc_post(id, "return", &office, json_pack("{s:s}", "comment", "a\x01b"));
    th_assert_error(r, 400, "bad_request", "comment");
    th_resp_free(r);
    r = doc_post(id, "return", &office, json_pack("{s:i}", "comment", 1));
    th_assert_error(r, 400, "bad_request", "comment");
    th_resp_free(r);
    assert_status(id, "submitted");
    r = doc_post(id, "return", &office, json_pack("{s:s}", "comment", "请补充会议照片\n和签到表"));
    th_assert_status(r, 200);
    assert_string_equal(th_jstr(r->json, "status"), "returned");
    th_resp_free(r);
    doc_post_want(id, "return", &office, json_pack("{s:s}", "comment", "再退"), 409);
    /* the unit reads the guidance in the history and in its own list of returned ones */
    json_t *h = history(id, &member);
    json_t *last = json_array_get(json_object_get(h, "events"), 1);
    assert_string_equal(th_jstr(last, "action"), "return");
    assert_string_equal(th_jstr(last, "comment"), "请补充会议照片\n和签到表");
    json_decref(h);
    json_t *q = queue(&unitadmin, "?state=returned");
    assert_true(queue_has(q, id));
    json_decref(q);
    /* a returned document is submitted again, and approved */
    doc_post_want(id, "submit", &member, NULL, 200);
    doc_post_want(id, "approve", &office, NULL, 200);
    r = api("GET", "/api/v1/reviews?state=bogus", &admin, NULL);
    th_assert_error(r, 400, "bad_request", "state");
    th_resp_free(r);
}

static void
test_new_version_needs_review(void **state)
{
    (void)state;
    struct bytes v1 = pdf_make("版本一", 700), v2 = pdf_make("版本二", 800);
    int64_t id = upload_bytes(&member, unit1, "1.1.1", &v1);
    doc_post_want(id, "submit", &member, NULL, 200);
    doc_post_want(id, "approve", &office, NULL, 200);
    char path[96];
    snprintf(path, sizeof path, "/api/v1/documents/%lld/versions", (long long)id);
    /* the same bytes again are no new version */
    struct th_file f = { .name = "材料.pdf", .data = v1.p, .len = v1.n };
    struct th_resp *r = th_upload(&srv, path, &member, 0, &f, 1, NULL);
    th_assert_error(r, 409, "conflict", "file");
    assert_non_null(strstr(th_jstr(json_object_get(r->json, "error"), "message"), "完全相同"));
    th_resp_free(r);
    assert_status(id, "approved");
    /* new bytes: a draft again, to be submitted and reviewed */
    f = (struct th_file){ .name = "材料(修订).pdf", .data = v2.p, .len = v2.n };
    r = th_upload(&srv, path, &member, 0, &f, 1, NULL);
    th_assert_status(r, 201);
    assert_int_equal(th_jint(r->json, "version"), 2);
    assert_string_equal(th_jstr(r->json, "status"), "draft");
    th_resp_free(r);
    json_t *h = history(id, &office);
    assert_string_equal(th_jstr(h, "status"), "draft");
    assert_int_equal(th_jint(h, "version"), 2);
    assert_int_equal(th_jint(h, "approved_version"), 1); /* version 1 stays approved */
    json_t *vs = json_object_get(h, "versions");
    assert_int_equal(json_array_size(vs), 2);
    for (size_t i = 0; i < 2; i++) {
        json_t *v = json_array_get(vs, i);
        if (1 == th_jint(v, "version")) {
            assert_string_equal(th_jstr(v, "review"), "approve");
        } else {
            assert_true(json_is_null(json_object_get(v, "review")));
        }
    }
    json_decref(h);
    doc_post_want(id, "approve", &office, NULL, 409);
    doc_post_want(id, "submit", &member, NULL, 200);
    doc_post_want(id, "approve", &office, NULL, 200);
    h = history(id, &office);
    assert_int_equal(th_jint(h, "approved_version"), 2);
    json_t *ev = json_object_get(h, "events");
    assert_int_equal(json_array_size(ev), 4);
    assert_int_equal(th_jint(json_array_get(ev, 3), "version"), 2);
    json_decref(h);
    doc_post_want(id, "submit", &member, NULL, 409);
    /* a submitted document that gets a new version is a draft again too */
    struct bytes v3 = pdf_make("版本三", 900);
    doc_post_want(id, "return", &office, json_pack("{s:s}", "comment", "x"), 409);
    int64_t id2 = upload(&member, unit1, "1.1.1");
    doc_post_want(id2, "submit", &member, NULL, 200);
    snprintf(path, sizeof path, "/api/v1/documents/%lld/versions", (long long)id2);
    f = (struct th_file){ .name = "v3.pdf", .data = v3.p, .len = v3.n };
    r = th_upload(&srv, path, &member, 0, &f, 1, NULL);
    th_assert_status(r, 201);
    th_resp_free(r);
    assert_status(id2, "draft");
    doc_post_want(id2, "approve", &office, NULL, 409);
    free(v3.p);
    free(v1.p);
    free(v2.p);
}

static void
test_district_jurisdiction(void **state)
{
    (void)state;
    int64_t mine = upload(&admin, qingshan, "1.1.1");
    int64_t other = upload(&admin, liuhe, "1.1.1");
    /* the office submits for a unit too (it may write there) */
    struct th_resp *r = api("POST", "/api/v1/reviews/submit", &admin,
                            json_pack("{s:[I,I]}", "ids", (json_int_t)mine, (json_int_t)other));
    th_assert_status(r, 200);
    assert_int_equal(th_jint(r->json, "submitted"), 2);
    th_resp_free(r);
    json_t *q = queue(&district, "?state=submitted");
    assert_true(queue_has(q, mine));
    assert_false(queue_has(q, other));
    json_decref(q);
    /* the queue by district: the district's own; an office above it is not its to see */
    char query[64];
    snprintf(query, sizeof query, "?district=%lld", (long long)district.org_id);
    q = queue(&district, query);
    assert_true(queue_has(q, mine));
    json_decref(q);
    q = queue(&office, query);
    assert_true(queue_has(q, mine));
    assert_false(queue_has(q, other));
    json_decref(q);
    snprintf(query, sizeof query, "/api/v1/reviews?district=%lld", (long long)office.org_id);
    r = api("GET", query, &district, NULL);
    th_assert_status(r, 404);
    th_resp_free(r);
    /* verdicts on another district's unit: 404 */
    doc_post_want(other, "approve", &district, NULL, 404);
    doc_post_want(other, "return", &district, json_pack("{s:s}", "comment", "越权"), 404);
    r = api("POST", "/api/v1/reviews/approve", &district,
            json_pack("{s:[I,I]}", "ids", (json_int_t)mine, (json_int_t)other));
    th_assert_status(r, 404);
    th_resp_free(r);
    assert_status(mine, "submitted"); /* all or nothing */
    doc_post_want(mine, "return", &district, json_pack("{s:s}", "comment", "照片不清晰"), 200);
    /* the city office reviews any unit below it */
    doc_post_want(other, "approve", &office, NULL, 200);
    assert_status(mine, "returned");
    assert_status(other, "approved");
}

static void
test_batch(void **state)
{
    (void)state;
    int64_t a = upload(&member, unit1, "1.1.1");
    int64_t b = upload(&member, unit1, "1.1.1");
    int64_t c = upload(&member, unit1, "1.1.1");
    /* the whole leaf at once: every draft of it */
    char path[160];
    snprintf(path, sizeof path, "/api/v1/units/%lld/archives/%d/indicators/1.1.1/submit",
             (long long)unit1, YEAR);
    struct th_resp *r = api("POST", path, &member, NULL);
    th_assert_status(r, 200);
    assert_true(th_jint(r->json, "submitted") >= 3);
    th_resp_free(r);
    assert_status(a, "submitted");
    assert_status(c, "submitted");
    r = api("POST", path, &member, NULL);
    th_assert_error(r, 409, "conflict", "code");
    th_resp_free(r);
    r = api("POST", path, &leader, NULL);
    th_assert_status(r, 403);
    th_resp_free(r);
    /* approve many at once; units may not */
    r = api("POST", "/api/v1/reviews/approve", &unitadmin,
            json_pack("{s:[I,I]}", "ids", (json_int_t)a, (json_int_t)b));
    th_assert_status(r, 403);
    th_resp_free(r);
    r = api("POST", "/api/v1/reviews/approve", &office,
            json_pack("{s:[I,I,I,I]}", "ids", (json_int_t)a, (json_int_t)b, (json_int_t)c,
                      (json_int_t)a));
    th_assert_status(r, 200);
    th_resp_free(r);
    assert_status(a, "approved");
    assert_status(b, "approved");
    assert_status(c, "approved");
    /* one in the wrong state: nothing changes */
    int64_t d = upload(&member, unit1, "1.1.1");
    doc_post_want(d, "submit", &member, NULL, 200);
    r = api("POST", "/api/v1/reviews/approve", &office,
            json_pack("{s:[I,I]}", "ids", (json_int_t)d, (json_int_t)a));
    th_assert_error(r, 409, "conflict", "ids");
    th_resp_free(r);
    assert_status(d, "submitted");
    /* bad bodies */
    r = api("POST", "/api/v1/reviews/approve", &office, json_pack("{s:[]}", "ids"));
    th_assert_error(r, 400, "bad_request", "ids");
    th_resp_free(r);
    r = api("POST", "/api/v1/reviews/submit", &member, json_pack("{s:[s]}", "ids", "x"));
    th_assert_error(r, 400, "bad_request", "ids");
    th_resp_free(r);
    /* a department's staff submits only in its department's leaves (2.1.1 is 人教科's) */
    int64_t other = upload(&unitadmin, unit1, "2.1.1");
    doc_post_want(other, "submit", &member, NULL, 403);
    snprintf(path, sizeof path, "/api/v1/units/%lld/archives/%d/indicators/2.1.1/submit",
             (long long)unit1, YEAR);
    r = api("POST", path, &member, NULL);
    th_assert_status(r, 403);
    th_resp_free(r);
    r = api("POST", "/api/v1/reviews/submit", &member,
            json_pack("{s:[I]}", "ids", (json_int_t)other));
    th_assert_status(r, 403);
    th_resp_free(r);
    assert_status(other, "draft");
    doc_post_want(other, "submit", &unitadmin, NULL, 200);
    /* a selection */
    int64_t e = upload(&member, unit1, "1.1.1");
    int64_t g = upload(&member, unit1, "1.1.1");
    r = api("POST", "/api/v1/reviews/submit", &member,
            json_pack("{s:[I,I]}", "ids", (json_int_t)e, (json_int_t)g));
    th_assert_status(r, 200);
    th_resp_free(r);
    assert_status(e, "submitted");
    assert_status(g, "submitted");
}

static void
test_audited(void **state)
{
    (void)state;
    struct th_resp *r = api("GET", "/api/v1/audit?action=document.approve", &admin, NULL);
    th_assert_status(r, 200);
    assert_true(json_array_size(json_object_get(r->json, "items")) > 0);
    th_resp_free(r);
    r = api("GET", "/api/v1/audit?action=document.return", &admin, NULL);
    th_assert_status(r, 200);
    assert_true(json_array_size(json_object_get(r->json, "items")) > 0);
    th_resp_free(r);
    r = api("GET", "/api/v1/audit?action=document.submit", &admin, NULL);
    th_assert_status(r, 200);
    assert_true(json_array_size(json_object_get(r->json, "items")) > 0);
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
    } who[] = { { "admin", &admin },         { "office", &office },
                { "district", &district },   { "evaluator", &evaluator },
                { "unitadmin", &unitadmin }, { "member", &member },
                { "leader", &leader } };
    for (size_t i = 0; i < sizeof who / sizeof who[0]; i++) {
        if (201 != th_login(&srv, who[i].user, TH_DEMO_PW, who[i].c) ||
            th_make_token(&srv, who[i].c, "review") <= 0) {
            return -1;
        }
    }
    unit1 = th_unit_id(&srv, &admin, "DEMO001");
    qingshan = th_unit_id(&srv, &admin, "DEMO013");
    liuhe = th_unit_id(&srv, &admin, "DEMO014");
    if (0 == unit1 || 0 == qingshan || 0 == liuhe ||
        !th_archive_create(&srv, &admin, unit1, YEAR) ||
        !th_archive_create(&srv, &admin, qingshan, YEAR) ||
        !th_archive_create(&srv, &admin, liuhe, YEAR)) {
        return -1;
    }
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
        cmocka_unit_test(test_submit_approve),
        cmocka_unit_test(test_return_needs_comment),
        cmocka_unit_test(test_new_version_needs_review),
        cmocka_unit_test(test_district_jurisdiction),
        cmocka_unit_test(test_batch),
        cmocka_unit_test(test_audited),
        cmocka_unit_test(test_graceful_stop),
    };
    int failed = cmocka_run_group_tests_name("review_flow", tests, setup, teardown);
    th_done();
    return failed + th_teardown_failures;
}

/* end of test_http_review_flow.c */
