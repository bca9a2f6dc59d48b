/*
** test_http_work_rect.c — the rectification loop (整改项, issue 12) over real HTTP against
** `wenming serve --demo`: the leadership opens an item from its own archive check, the
** department writes the measures, files evidence into the archive and marks it done, the
** leadership sends it back and then verifies it; wrong states, other units, another
** department, the office (reads, never writes), an item from a returned document, closing
** without correction, the list's filters and the pages.
**
** The demo: the city office (account office) holds 市司法局 (DEMO001: unitadmin; member of
** its 办公室; leader, a unit_viewer); the account district belongs to 东城区文明办, which
** holds 青山镇 (DEMO013) but not 市司法局.  Made here: a 工会 member of 市司法局 and the
** unit_admin of 青山镇.
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
#define LEAF "1.1.1"

static struct th_server srv;
static struct th_cred admin, office, district, evaluator, unitadmin, member, leader, union_m,
    qsadmin;
static int64_t unit1;    /* DEMO001 市司法局 */
static int64_t qingshan; /* DEMO013 青山镇 */
static int64_t office_dept, union_dept, qs_dept;

static struct th_resp *
api(const char *method, const char *path, const struct th_cred *c, json_t *body_steal)
{
    char *body = body_steal ? th_jdump(body_steal) : NULL;
    struct th_resp *r = th_api(&srv, method, path, c, th_auth(c), body);
    free(body);
    return r;
}

static void
want(const char *method, const char *path, const struct th_cred *c, json_t *body_steal, long st)
{
    struct th_resp *r = api(method, path, c, body_steal);
    th_assert_status(r, st);
    th_resp_free(r);
}

/* The status and the field at fault of a 400 (field NULL: any). */
static void
want_field(const char *method, const char *path, const struct th_cred *c, json_t *body_steal,
           const char *field)
{
    struct th_resp *r = api(method, path, c, body_steal);
    th_assert_status(r, 400);
    if (field) {
        assert_string_equal(th_jstr(json_object_get(r->json, "error"), "field"), field);
    }
    th_resp_free(r);
}

/* /api/v1/rectifications/{id}{what} */
static char *
rpath(int64_t id, const char *what)
{
    static char p[4][96];
    static unsigned k;
    char *s = p[k++ % 4];
    snprintf(s, sizeof p[0], "/api/v1/rectifications/%lld%s", (long long)id, what);
    return s;
}

/* The item as c sees it (200 expected); caller decrefs. */
static json_t *
item(const struct th_cred *c, int64_t id)
{
    struct th_resp *r = api("GET", rpath(id, ""), c, NULL);
    th_assert_status(r, 200);
    json_t *o = json_incref(r->json);
    th_resp_free(r);
    return o;
}

/* Post and expect 200 with the item in state st. */
static void
step(const char *what, const struct th_cred *c, int64_t id, json_t *body, const char *st)
{
    struct th_resp *r = api("POST", rpath(id, what), c, body);
    th_assert_status(r, 200);
    assert_string_equal(th_jstr(r->json, "state"), st);
    th_resp_free(r);
}

/* A self-check item opened by unitadmin; its id. */
static int64_t
self_check(const char *problem, int64_t dept, const char *due_on)
{
    json_t *b = json_pack("{s:s, s:i, s:s, s:s, s:I}", "source", "self_check", "year", YEAR,
                          "indicator_code", LEAF, "problem", problem, "dept_id", (json_int_t)dept);
    if (due_on) {
        json_object_set_new(b, "due_on", json_string(due_on));
    }
    struct th_resp *r = api("POST", "/api/v1/rectifications", &unitadmin, b);
    th_assert_status(r, 201);
    assert_string_equal(th_jstr(r->json, "state"), "open");
    assert_string_equal(th_jstr(r->json, "source"), "self_check");
    int64_t id = th_jint(r->json, "id");
    th_resp_free(r);
    return id;
}

/* The ids in c's list (query) as a JSON array; caller decrefs. */
static bool
listed(const struct th_cred *c, const char *query, int64_t id)
{
    char path[200];
    snprintf(path, sizeof path, "/api/v1/rectifications%s", query);
    struct th_resp *r = api("GET", path, c, NULL);
    th_assert_status(r, 200);
    bool found = false;
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(r->json, "items"), i, x)
    {
        found = found || th_jint(x, "id") == id;
    }
    th_resp_free(r);
    return found;
}

/* How many of c's notifications link to the item's page. */
static size_t
notices(const struct th_cred *c, int64_t id)
{
    struct th_resp *r = api("GET", "/api/v1/notifications?limit=200", c, NULL);
    th_assert_status(r, 200);
    char link[64];
    snprintf(link, sizeof link, "/rectifications/%lld", (long long)id);
    size_t n = 0, i;
    json_t *x;
    json_array_foreach(json_object_get(r->json, "items"), i, x)
    {
        n += 0 == strcmp(th_jstr(x, "link"), link) &&
             0 == strcmp(th_jstr(x, "kind"), "rectification");
    }
    th_resp_free(r);
    return n;
}

/* ---------------------------------------------------------------- the loop */

static void
test_loop(void **state)
{
    (void)state;
    int64_t id = self_check("门前堆放杂物\n需清理", office_dept, "2099-12-31");
    json_t *o = item(&member, id);
    assert_int_equal(th_jint(o, "dept_id"), office_dept);
    assert_string_equal(th_jstr(o, "indicator_code"), LEAF);
    assert_string_equal(th_jstr(o, "problem"), "门前堆放杂物\n需清理");
    assert_non_null(strstr(th_jstr(o, "created_at"), "T")); /* RFC 3339 */
    json_decref(o);
    assert_int_equal(notices(&member, id), 1); /* the department was told */

    /* the department writes the measures, never the problem */
    struct th_resp *r = api("PATCH", rpath(id, ""), &member,
                            json_pack("{s:s, s:s}", "corrective", "已清理门前杂物",
                                      "preventive", "每周巡查一次"));
    th_assert_status(r, 200);
    assert_string_equal(th_jstr(r->json, "corrective"), "已清理门前杂物");
    assert_string_equal(th_jstr(r->json, "preventive"), "每周巡查一次");
    th_resp_free(r);
    want("PATCH", rpath(id, ""), &member, json_pack("{s:s}", "problem", "改掉问题"), 403);
    want("PATCH", rpath(id, ""), &member, json_pack("{s:i}", "dept_id", 0), 403);

    /* evidence uploaded: a document in the item's leaf of the year's archive */
    struct bytes pdf = pdf_make("rect-evidence", 0);
    struct th_file f = {.name = "整改照片.pdf", .data = pdf.p, .len = pdf.n};
    const char *const fields[] = {"title", "整改后的门前", NULL};
    r = th_upload(&srv, rpath(id, "/evidence"), &member, th_auth(&member), &f, 1, fields);
    th_assert_status(r, 201);
    json_t *ev = json_array_get(json_object_get(r->json, "evidence"), 0);
    int64_t doc = th_jint(ev, "document_id");
    assert_true(doc > 0);
    assert_string_equal(th_jstr(ev, "role"), "evidence");
    th_resp_free(r);
    free(pdf.p);
    char dpath[160];
    snprintf(dpath, sizeof dpath, "/api/v1/documents/%lld", (long long)doc);
    r = api("GET", dpath, &unitadmin, NULL);
    th_assert_status(r, 200);
    assert_string_equal(th_jstr(r->json, "indicator_code"), LEAF);
    assert_string_equal(th_jstr(r->json, "title"), "整改后的门前");
    th_resp_free(r);
    snprintf(dpath, sizeof dpath, "/api/v1/units/%lld/archives/%d/indicators/%s/documents",
             (long long)unit1, YEAR, LEAF);
    r = api("GET", dpath, &unitadmin, NULL);
    th_assert_status(r, 200);
    bool in_leaf = false;
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(r->json, "items"), i, x)
    {
        in_leaf = in_leaf || th_jint(x, "id") == doc;
    }
    assert_true(in_leaf);
    th_resp_free(r);
    /* the same document cited again: 409 */
    r = api("POST", rpath(id, "/evidence"), &member, json_pack("{s:I}", "document_id", doc));
    th_assert_status(r, 409);
    th_resp_free(r);

    /* done by the department; not twice; verified only by the leadership */
    step("/done", &member, id, json_pack("{s:s}", "note", "已整改"), "done");
    want("POST", rpath(id, "/done"), &member, json_object(), 409);
    want("POST", rpath(id, "/verify"), &member, json_pack("{s:b}", "accept", 1), 403);
    assert_int_equal(notices(&unitadmin, id), 1); /* done: the leadership is told (not at
                                                   ** the open: it opened it) */

    /* sent back: a note is required; the department is told; open again */
    want_field("POST", rpath(id, "/verify"), &unitadmin, json_pack("{s:b}", "accept", 0), "note");
    want_field("POST", rpath(id, "/verify"), &unitadmin, json_object(), "accept");
    step("/verify", &unitadmin, id, json_pack("{s:b, s:s}", "accept", 0, "note", "照片不清楚"),
         "open");
    o = item(&member, id);
    assert_string_equal(th_jstr(o, "verify_note"), "照片不清楚");
    json_decref(o);
    assert_int_equal(notices(&member, id), 2);
    want("POST", rpath(id, "/verify"), &unitadmin, json_pack("{s:b}", "accept", 1), 409);

    /* done again, verified */
    step("/done", &member, id, json_pack("{s:s}", "note", "重新拍照"), "done");
    step("/verify", &unitadmin, id, json_pack("{s:b, s:s}", "accept", 1, "note", "合格"),
         "verified");
    o = item(&office, id);
    assert_string_equal(th_jstr(o, "state_label"), "已验收");
    assert_non_null(strstr(th_jstr(o, "verified_at"), "T"));
    assert_non_null(strstr(th_jstr(o, "done_at"), "T"));
    assert_string_equal(th_jstr(o, "done_note"), "重新拍照");
    assert_int_equal(json_array_size(json_object_get(o, "actions")), 0);
    /* the history, oldest first */
    static const char *const acts[] = {"rectification.open",   "rectification.update",
                                       "rectification.evidence", "rectification.done",
                                       "rectification.reject", "rectification.done",
                                       "rectification.verify"};
    json_t *h = json_object_get(o, "history");
    assert_int_equal(json_array_size(h), 7);
    for (size_t k = 0; k < 7; k++) {
        assert_string_equal(th_jstr(json_array_get(h, k), "action"), acts[k]);
    }
    assert_non_null(strstr(th_jstr(json_array_get(h, 0), "at"), "T"));
    assert_string_equal(th_jstr(json_array_get(h, 0), "display_name"), "市司法局 创建办 陈");
    json_decref(o);

    /* a verified item takes no change */
    want("PATCH", rpath(id, ""), &unitadmin, json_pack("{s:s}", "corrective", "x"), 409);
    want("POST", rpath(id, "/close"), &unitadmin, json_pack("{s:s}", "note", "x"), 409);
    want("POST", rpath(id, "/done"), &member, json_object(), 409);
    r = th_upload(&srv, rpath(id, "/evidence"), &member, th_auth(&member), &f, 0, NULL);
    th_assert_status(r, 400); /* no file */
    th_resp_free(r);
}

/* ---------------------------------------------------------------- who */

static void
test_who(void **state)
{
    (void)state;
    int64_t id = self_check("会议室不整洁", office_dept, NULL);
    /* another department of the unit reads, never writes */
    json_t *o = item(&union_m, id);
    assert_int_equal(json_array_size(json_object_get(o, "actions")), 0);
    json_decref(o);
    want("PATCH", rpath(id, ""), &union_m, json_pack("{s:s}", "corrective", "x"), 403);
    want("POST", rpath(id, "/done"), &union_m, json_object(), 403);
    struct bytes pdf = pdf_make("rect-who", 0);
    struct th_file f = {.name = "x.pdf", .data = pdf.p, .len = pdf.n};
    struct th_resp *r = th_upload(&srv, rpath(id, "/evidence"), &union_m, th_auth(&union_m), &f,
                                  1, NULL);
    th_assert_status(r, 403);
    th_resp_free(r);
    assert_true(listed(&union_m, "", id)); /* it sees its unit's items */
    /* the unit's viewer reads; the office of the jurisdiction reads, cannot write */
    json_decref(item(&leader, id));
    want("PATCH", rpath(id, ""), &leader, json_pack("{s:s}", "corrective", "x"), 403);
    o = item(&office, id);
    assert_int_equal(json_array_size(json_object_get(o, "actions")), 0);
    json_decref(o);
    assert_true(listed(&office, "", id));
    want("PATCH", rpath(id, ""), &office, json_pack("{s:s}", "corrective", "x"), 403);
    want("POST", rpath(id, "/close"), &office, json_pack("{s:s}", "note", "x"), 403);
    want("POST", rpath(id, "/verify"), &admin, json_pack("{s:b}", "accept", 1), 403);
    want("POST", "/api/v1/rectifications", &office,
         json_pack("{s:s, s:i, s:s}", "source", "self_check", "year", YEAR, "problem", "x"), 403);
    /* another unit and another district: 404; evaluators: 403 */
    want("GET", rpath(id, ""), &qsadmin, NULL, 404);
    want("PATCH", rpath(id, ""), &qsadmin, json_pack("{s:s}", "corrective", "x"), 404);
    want("POST", rpath(id, "/close"), &qsadmin, json_pack("{s:s}", "note", "x"), 404);
    r = th_upload(&srv, rpath(id, "/evidence"), &qsadmin, th_auth(&qsadmin), &f, 1, NULL);
    th_assert_status(r, 404);
    th_resp_free(r);
    free(pdf.p);
    assert_false(listed(&qsadmin, "", id));
    want("GET", rpath(id, ""), &district, NULL, 404);
    assert_false(listed(&district, "", id));
    want("GET", rpath(id, ""), &evaluator, NULL, 403);
    want("GET", "/api/v1/rectifications", &evaluator, NULL, 403);
    want("GET", rpath(999999, ""), &unitadmin, NULL, 404);
    /* closed without correction: a reason is required; then nothing more */
    want_field("POST", rpath(id, "/close"), &unitadmin, json_object(), "note");
    step("/close", &unitadmin, id, json_pack("{s:s}", "note", "已撤销：重复开具"), "closed");
    want("POST", rpath(id, "/done"), &member, json_object(), 409);
    o = item(&member, id);
    assert_string_equal(th_jstr(o, "close_note"), "已撤销：重复开具");
    json_decref(o);
}

/* ---------------------------------------------------------------- open: checks */

static void
test_open_checks(void **state)
{
    (void)state;
    const char *p = "/api/v1/rectifications";
    want_field("POST", p, &unitadmin,
               json_pack("{s:s, s:i, s:s, s:s}", "source", "self_check", "year", YEAR,
                         "indicator_code", "9.9.9", "problem", "x"),
               "indicator_code");
    want_field("POST", p, &unitadmin,
               json_pack("{s:s, s:i, s:s, s:I}", "source", "self_check", "year", YEAR, "problem",
                         "x", "dept_id", (json_int_t)qs_dept),
               "dept_id");
    want_field("POST", p, &unitadmin,
               json_pack("{s:s, s:i, s:s, s:s}", "source", "self_check", "year", YEAR, "problem",
                         "x", "due_on", "2021-02-29"),
               "due_on");
    want_field("POST", p, &unitadmin,
               json_pack("{s:s, s:i, s:s}", "source", "self_check", "year", YEAR, "problem", ""),
               "problem");
    want_field("POST", p, &unitadmin,
               json_pack("{s:s, s:i, s:s}", "source", "self_check", "year", YEAR, "problem",
                         " \n "),
               "problem");
    want_field("POST", p, &unitadmin,
               json_pack("{s:s, s:i, s:s}", "source", "inspection", "year", YEAR, "problem", "x"),
               "source");
    want_field("POST", p, &unitadmin, json_pack("{s:s, s:i}", "source", "self_check", "bogus", 1),
               "bogus");
    /* a leaf of a year without an archive */
    want_field("POST", p, &unitadmin,
               json_pack("{s:s, s:i, s:s, s:s}", "source", "self_check", "year", YEAR - 5,
                         "indicator_code", LEAF, "problem", "x"),
               "indicator_code");
    /* no leaf: allowed (''), and evidence then needs the unit's rect_leaf: 409 */
    struct th_resp *r = api("POST", p, &unitadmin,
                            json_pack("{s:s, s:i, s:s}", "source", "self_check", "year", YEAR,
                                      "problem", "办公秩序"));
    th_assert_status(r, 201);
    int64_t id = th_jint(r->json, "id");
    assert_string_equal(th_jstr(r->json, "indicator_code"), "");
    th_resp_free(r);
    struct bytes pdf = pdf_make("rect-noleaf", 0);
    struct th_file f = {.name = "x.pdf", .data = pdf.p, .len = pdf.n};
    r = th_upload(&srv, rpath(id, "/evidence"), &unitadmin, th_auth(&unitadmin), &f, 1, NULL);
    th_assert_status(r, 409);
    th_resp_free(r);
    free(pdf.p);
    /* done needs the corrective action */
    want_field("POST", rpath(id, "/done"), &unitadmin, json_object(), "corrective");
}

/* ---------------------------------------------------------------- from a returned document */

static void
test_from_review(void **state)
{
    (void)state;
    struct bytes pdf = pdf_make("rect-returned", 0);
    struct th_file f = {.name = "制度.pdf", .data = pdf.p, .len = pdf.n};
    char path[160];
    snprintf(path, sizeof path, "/api/v1/units/%lld/archives/%d/indicators/%s/documents",
             (long long)unit1, YEAR, LEAF);
    struct th_resp *r = th_upload(&srv, path, &member, th_auth(&member), &f, 1, NULL);
    th_assert_status(r, 201);
    int64_t doc = th_jint(json_array_get(json_object_get(r->json, "items"), 0), "id");
    th_resp_free(r);
    free(pdf.p);
    json_t *body = json_pack("{s:s, s:I}", "source", "review", "document_id", (json_int_t)doc);
    /* not returned yet: 409 */
    want("POST", "/api/v1/rectifications", &unitadmin, json_incref(body), 409);
    snprintf(path, sizeof path, "/api/v1/documents/%lld/submit", (long long)doc);
    want("POST", path, &member, NULL, 200);
    snprintf(path, sizeof path, "/api/v1/documents/%lld/return", (long long)doc);
    want("POST", path, &office, json_pack("{s:s}", "comment", "缺少会议签到表"), 200);
    /* the page lists it with a button; the office and a member cannot open one */
    r = th_api(&srv, "GET", "/rectifications", &unitadmin, TH_COOKIE, NULL);
    th_assert_status(r, 200);
    assert_non_null(strstr(r->body, "id=\"returned\""));
    assert_non_null(strstr(r->body, "缺少会议签到表"));
    assert_non_null(strstr(r->body, "name=\"document_id\""));
    th_resp_free(r);
    want("POST", "/api/v1/rectifications", &member, json_incref(body), 403);
    want("POST", "/api/v1/rectifications", &office, json_incref(body), 403);
    r = api("POST", "/api/v1/rectifications", &unitadmin, json_incref(body));
    th_assert_status(r, 201);
    assert_string_equal(th_jstr(r->json, "source"), "review");
    assert_string_equal(th_jstr(r->json, "problem"), "缺少会议签到表");
    assert_string_equal(th_jstr(r->json, "indicator_code"), LEAF);
    assert_int_equal(th_jint(r->json, "year"), YEAR);
    assert_true(th_jint(r->json, "source_id") > 0);
    assert_int_equal(th_jint(r->json, "source_ref"), doc); /* the returned document */
    int64_t id = th_jint(r->json, "id");
    th_resp_free(r);
    /* its page links the returned document */
    char page[64], link[64];
    snprintf(page, sizeof page, "/rectifications/%lld", (long long)id);
    snprintf(link, sizeof link, "<a href=\"/documents/%lld\">", (long long)doc);
    r = th_api(&srv, "GET", page, &unitadmin, TH_COOKIE, NULL);
    th_assert_status(r, 200);
    assert_non_null(strstr(r->body, link));
    th_resp_free(r);
    /* one item per return */
    want("POST", "/api/v1/rectifications", &unitadmin, body, 409);
    assert_true(listed(&unitadmin, "?source=review", id));
    assert_false(listed(&unitadmin, "?source=self_check", id));
    /* the page now links the item instead of the button */
    r = th_api(&srv, "GET", "/rectifications", &unitadmin, TH_COOKIE, NULL);
    snprintf(link, sizeof link, "href=\"/rectifications/%lld\"", (long long)id);
    assert_non_null(strstr(r->body, link));
    th_resp_free(r);
}

/* ---------------------------------------------------------------- list and pages */

static void
test_list_pages(void **state)
{
    (void)state;
    int64_t late = self_check("逾期未改", union_dept, "2021-01-01");
    int64_t mine = self_check("本科室的", office_dept, NULL);
    assert_true(listed(&unitadmin, "?overdue=1", late));
    assert_false(listed(&unitadmin, "?overdue=1", mine));
    char q[64];
    snprintf(q, sizeof q, "?dept_id=%lld", (long long)union_dept);
    assert_true(listed(&unitadmin, q, late));
    assert_false(listed(&unitadmin, q, mine));
    assert_true(listed(&unitadmin, "?year=2020&state=open", mine));
    assert_false(listed(&unitadmin, "?year=2021", mine));
    want("GET", "/api/v1/rectifications?overdue=2", &unitadmin, NULL, 400);
    /* a department an item names is not removed (409, not 500) */
    char dp[96];
    snprintf(dp, sizeof dp, "/api/v1/units/%lld/depts", (long long)unit1);
    struct th_resp *d = api("POST", dp, &unitadmin, json_pack("{s:s}", "name", "临时科"));
    th_assert_status(d, 201);
    int64_t temp = th_jint(d->json, "id");
    th_resp_free(d);
    (void)self_check("临时科的问题", temp, NULL);
    snprintf(dp, sizeof dp, "/api/v1/units/%lld/depts/%lld", (long long)unit1, (long long)temp);
    want("DELETE", dp, &unitadmin, NULL, 409);
    struct th_resp *r = api("GET", rpath(late, ""), &unitadmin, NULL);
    assert_true(json_is_true(json_object_get(r->json, "overdue")));
    th_resp_free(r);

    /* the item's page: the department sees its forms (a document of the leaf offered to
    ** cite), the office none */
    struct bytes pdf = pdf_make("rect-cite", 0);
    struct th_file f = {.name = "台账.pdf", .data = pdf.p, .len = pdf.n};
    char path[160], opt[48];
    snprintf(path, sizeof path, "/api/v1/units/%lld/archives/%d/indicators/%s/documents",
             (long long)unit1, YEAR, LEAF);
    r = th_upload(&srv, path, &member, th_auth(&member), &f, 1, NULL);
    th_assert_status(r, 201);
    int64_t cite = th_jint(json_array_get(json_object_get(r->json, "items"), 0), "id");
    th_resp_free(r);
    free(pdf.p);
    snprintf(opt, sizeof opt, "<option value=\"%lld\">", (long long)cite);
    char page[64];
    snprintf(page, sizeof page, "/rectifications/%lld", (long long)mine);
    r = th_api(&srv, "GET", page, &member, TH_COOKIE, NULL);
    th_assert_status(r, 200);
    assert_non_null(strstr(r->body, opt));
    assert_non_null(strstr(r->body, "id=\"form-evidence\""));
    assert_non_null(strstr(r->body, "id=\"form-done\""));
    assert_null(strstr(r->body, "name=\"problem\""));
    assert_null(strstr(r->body, "id=\"form-close\""));
    th_resp_free(r);
    r = th_api(&srv, "GET", page, &office, TH_COOKIE, NULL);
    th_assert_status(r, 200);
    assert_non_null(strstr(r->body, "本科室的"));
    assert_null(strstr(r->body, "<form method=\"post\" action=\"/rectifications/"));
    th_resp_free(r);
    r = th_api(&srv, "GET", page, &unitadmin, TH_COOKIE, NULL);
    assert_non_null(strstr(r->body, "name=\"problem\""));
    assert_non_null(strstr(r->body, "id=\"form-close\""));
    th_resp_free(r);

    /* the forms: a document cited, the department's measures, then done; the leadership's
    ** self-check */
    char fields[200];
    snprintf(fields, sizeof fields, "document_id=%lld", (long long)cite);
    snprintf(path, sizeof path, "%s/evidence", page);
    r = th_form(&srv, path, &member, fields);
    th_assert_status(r, 303);
    assert_null(strstr(th_header(r, "Location"), "err="));
    th_resp_free(r);
    json_t *ev = item(&member, mine);
    assert_int_equal(th_jint(json_array_get(json_object_get(ev, "evidence"), 0), "document_id"),
                     cite);
    json_decref(ev);
    r = th_api(&srv, "GET", page, &member, TH_COOKIE, NULL);
    assert_null(strstr(r->body, opt)); /* cited: no longer offered */
    th_resp_free(r);
    r = th_form(&srv, page, &member, "corrective=%E5%B7%B2%E6%94%B9");
    th_assert_status(r, 303);
    assert_null(strstr(th_header(r, "Location"), "err="));
    th_resp_free(r);
    snprintf(fields, sizeof fields, "%s/done", page);
    r = th_form(&srv, fields, &member, "note=ok");
    th_assert_status(r, 303);
    th_resp_free(r);
    json_t *o = item(&unitadmin, mine);
    assert_string_equal(th_jstr(o, "state"), "done");
    assert_string_equal(th_jstr(o, "corrective"), "已改");
    json_decref(o);
    snprintf(fields, sizeof fields, "source=self_check&year=%d&indicator_code=%s&problem=%s",
             YEAR, LEAF, "%E9%A1%B5%E9%9D%A2%E8%87%AA%E6%9F%A5");
    r = th_form(&srv, "/rectifications", &unitadmin, fields);
    th_assert_status(r, 303);
    assert_non_null(strstr(th_header(r, "Location"), "/rectifications/"));
    th_resp_free(r);
    /* the self-check form offers the leaves of the year's archive */
    r = th_api(&srv, "GET", "/rectifications?year=2020", &unitadmin, TH_COOKIE, NULL);
    th_assert_status(r, 200);
    assert_non_null(strstr(r->body, "<option value=\"" LEAF "\">"));
    th_resp_free(r);
    /* the list page keeps its filters */
    r = th_api(&srv, "GET", "/rectifications?overdue=1&state=open", &unitadmin, TH_COOKIE, NULL);
    th_assert_status(r, 200);
    assert_non_null(strstr(r->body, "逾期未改"));
    assert_null(strstr(r->body, "本科室的"));
    th_resp_free(r);
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
            th_make_token(&srv, who[i].c, "rect") <= 0) {
            return -1;
        }
    }
    unit1 = th_unit_id(&srv, &admin, "DEMO001");
    qingshan = th_unit_id(&srv, &admin, "DEMO013");
    if (0 == unit1 || 0 == qingshan || !th_archive_create(&srv, &admin, unit1, YEAR)) {
        return -1;
    }
    struct th_resp *r = api("GET", "/api/v1/me", &member, NULL);
    office_dept = th_jint(r->json, "dept_id");
    th_resp_free(r);
    char path[96];
    snprintf(path, sizeof path, "/api/v1/units/%lld/depts", (long long)unit1);
    r = api("POST", path, &admin, json_pack("{s:s}", "name", "工会"));
    union_dept = th_jint(r->json, "id");
    th_resp_free(r);
    snprintf(path, sizeof path, "/api/v1/units/%lld/depts", (long long)qingshan);
    r = api("POST", path, &admin, json_pack("{s:s}", "name", "党政办"));
    qs_dept = th_jint(r->json, "id");
    th_resp_free(r);
    if (0 == office_dept || 0 == union_dept || 0 == qs_dept) {
        return -1;
    }
    struct {
        const char *user, *role;
        int64_t org, dept;
        struct th_cred *c;
    } made[] = {{"unionm", "unit_member", unit1, union_dept, &union_m},
                {"qsadmin", "unit_admin", qingshan, 0, &qsadmin}};
    for (size_t i = 0; i < sizeof made / sizeof made[0]; i++) {
        json_t *b = json_pack("{s:s, s:s, s:s, s:s, s:I}", "username", made[i].user,
                              "display_name", made[i].user, "password", TH_DEMO_PW, "role",
                              made[i].role, "org_id", (json_int_t)made[i].org);
        if (made[i].dept) {
            json_object_set_new(b, "dept_id", json_integer(made[i].dept));
        }
        r = api("POST", "/api/v1/users", &admin, b);
        long st = r->status;
        th_resp_free(r);
        if (201 != st || 201 != th_login(&srv, made[i].user, TH_DEMO_PW, made[i].c) ||
            th_make_token(&srv, made[i].c, "rect") <= 0) {
            return -1;
        }
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
        cmocka_unit_test(test_loop),         cmocka_unit_test(test_who),
        cmocka_unit_test(test_open_checks),  cmocka_unit_test(test_from_review),
        cmocka_unit_test(test_list_pages),
    };
    return cmocka_run_group_tests_name("http_work_rect", tests, setup, teardown);
}

/* end of test_http_work_rect.c */
