/*
** test_http_review_ui.c — the office's review in the browser (issue 9) over real HTTP
** against `wenming serve --demo`: the queue page and its filters and order, the review view
** (next / previous with the filters kept, a verdict goes on to the next), verdicts on many
** rows, the history on the document page, return-many over the API, and an office's review
** settings changing the schedule (offset, count submitted, the returns limit).
**
** The demo jurisdiction: the city office (account office) holds 市司法局 (DEMO001)
** directly; the account district belongs to 东城区文明办, which holds 青山镇 (DEMO013) but
** not 柳河镇 (DEMO014, 西湖区).
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* cmocka.h needs these before it (clang-format would sort them after it). */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */

#include "harness.h"

#define YEAR 2021

static struct th_server srv;
static struct th_cred admin, office, district, unitadmin, member;
static int64_t unit1;    /* DEMO001 市司法局, under the city office */
static int64_t qingshan; /* DEMO013 青山镇, 东城区 */
static int64_t liuhe;    /* DEMO014 柳河镇, 西湖区 */
static int this_year;
static char monthly[32]; /* a monthly leaf of the demo standard */
static unsigned seq;

/* ---------------------------------------------------------------- helpers */

static struct th_resp *
api(const char *method, const char *path, const struct th_cred *c, json_t *body_steal)
{
    char *body = body_steal ? th_jdump(body_steal) : NULL;
    struct th_resp *r = th_api(&srv, method, path, c, c ? th_auth(c) : 0, body);
    free(body);
    return r;
}

static struct th_resp *
page(const char *path, const struct th_cred *c)
{
    struct th_req q = {.method = "GET", .path = path, .cred = c, .flags = c ? TH_COOKIE : 0};
    return th_do(&srv, &q);
}

/* Upload a fresh PDF into a leaf of unit's year as c (date formed: date, may be NULL). */
static int64_t
upload_in(const struct th_cred *c, int64_t unit, int year, const char *leaf, const char *date)
{
    char path[160], tag[32];
    snprintf(path, sizeof path, "/api/v1/units/%lld/archives/%d/indicators/%s/documents",
             (long long)unit, year, leaf);
    snprintf(tag, sizeof tag, "审核界面 %u", ++seq);
    struct bytes b = pdf_make(tag, 600);
    struct th_file f = {.name = "材料.pdf", .data = b.p, .len = b.n};
    const char *fields[] = {"title", tag, date ? "date_formed" : NULL, date, NULL};
    struct th_resp *r = th_upload(&srv, path, c, 0, &f, 1, fields);
    th_assert_status(r, 201);
    int64_t id = th_jint(json_array_get(json_object_get(r->json, "items"), 0), "id");
    th_resp_free(r);
    free(b.p);
    assert_true(id > 0);
    return id;
}

static void
doc_act(int64_t id, const char *what, const struct th_cred *c, json_t *body, long want)
{
    char path[96];
    snprintf(path, sizeof path, "/api/v1/documents/%lld/%s", (long long)id, what);
    struct th_resp *r = api("POST", path, c, body);
    th_assert_status(r, want);
    th_resp_free(r);
}

/* A submitted document of unit's 1.1.1 (uploaded and submitted by admin). */
static int64_t
submitted(int64_t unit)
{
    int64_t id = upload_in(&admin, unit, YEAR, "1.1.1", NULL);
    doc_act(id, "submit", &admin, NULL, 200);
    return id;
}

static void
assert_status(int64_t id, const char *want)
{
    char path[64];
    snprintf(path, sizeof path, "/api/v1/documents/%lld", (long long)id);
    struct th_resp *r = api("GET", path, &admin, NULL);
    th_assert_status(r, 200);
    if (strcmp(th_jstr(r->json, "status"), want)) {
        fprintf(stderr, "document %lld: status %s, want %s\n", (long long)id,
                th_jstr(r->json, "status"), want);
    }
    assert_string_equal(th_jstr(r->json, "status"), want);
    th_resp_free(r);
}

/* Where in body the queue row of document id is (-1: absent). */
static long
row_at(const struct th_resp *r, int64_t id)
{
    char needle[48];
    snprintf(needle, sizeof needle, "<tr data-id=\"%lld\">", (long long)id);
    const char *p = strstr(r->body, needle);
    return p ? (long)(p - r->body) : -1;
}

static bool
has(const struct th_resp *r, const char *s)
{
    return NULL != strstr(r->body, s);
}

/* ---------------------------------------------------------------- the queue */

static void
test_queue_filters_order(void **state)
{
    (void)state;
    int64_t a = submitted(qingshan), b = submitted(qingshan), c = submitted(qingshan);
    int64_t city = submitted(unit1), west = submitted(liuhe);
    struct th_resp *r = page("/reviews", &office);
    th_assert_status(r, 200);
    assert_true(row_at(r, a) >= 0 && row_at(r, a) < row_at(r, b) && row_at(r, b) < row_at(r, c));
    assert_true(row_at(r, city) > 0 && row_at(r, west) > 0);
    assert_true(has(r, "name=\"csrf\""));
    th_resp_free(r);
    /* the district office sees its own district only */
    r = page("/reviews", &district);
    th_assert_status(r, 200);
    assert_true(row_at(r, a) >= 0);
    assert_int_equal(row_at(r, city), -1);
    assert_int_equal(row_at(r, west), -1);
    th_resp_free(r);
    /* filters: unit, indicator, a district, unit type */
    char path[160];
    snprintf(path, sizeof path, "/reviews?unit=%lld&indicator=1.1.1", (long long)qingshan);
    r = page(path, &office);
    th_assert_status(r, 200);
    assert_true(row_at(r, a) >= 0 && row_at(r, c) >= 0);
    assert_int_equal(row_at(r, city), -1);
    th_resp_free(r);
    r = page("/reviews?indicator=9.9.9", &office);
    assert_int_equal(row_at(r, a), -1);
    th_resp_free(r);
    snprintf(path, sizeof path, "/reviews?district=%lld", (long long)district.org_id);
    r = page(path, &office);
    assert_true(row_at(r, b) >= 0);
    assert_int_equal(row_at(r, west), -1);
    th_resp_free(r);
    r = page("/reviews?age=3", &office); /* waiting three days or more: none of these */
    th_assert_status(r, 200);
    assert_int_equal(row_at(r, a), -1);
    th_resp_free(r);
    r = page("/reviews?unit=abc", &office);
    th_assert_status(r, 400);
    th_resp_free(r);
    /* units and evaluators do not review */
    r = page("/reviews", &unitadmin);
    th_assert_status(r, 403);
    th_resp_free(r);
    r = page("/reviews", &member);
    th_assert_status(r, 403);
    th_resp_free(r);
}

/* Pages of 50, oldest first, the filters kept in the pager's links. */
static void
test_queue_paging(void **state)
{
    (void)state;
    enum { N = 52 };
    int64_t ids[N];
    json_t *arr = json_array();
    for (int i = 0; i < N; i++) {
        ids[i] = upload_in(&admin, liuhe, YEAR, "1.1.2", NULL);
        json_array_append_new(arr, json_integer(ids[i]));
    }
    struct th_resp *r = api("POST", "/api/v1/reviews/submit", &admin, json_pack("{s:o}", "ids", arr));
    th_assert_status(r, 200);
    th_resp_free(r);
    char path[160], want[200];
    snprintf(path, sizeof path, "/reviews?unit=%lld&indicator=1.1.2", (long long)liuhe);
    r = page(path, &office);
    th_assert_status(r, 200);
    assert_true(row_at(r, ids[0]) >= 0 && row_at(r, ids[49]) > row_at(r, ids[0]));
    assert_int_equal(row_at(r, ids[50]), -1);
    snprintf(want, sizeof want,
             "href=\"/reviews?unit=%lld&amp;offset=50&amp;indicator=1.1.2\" rel=\"next\"",
             (long long)liuhe);
    assert_true(has(r, want));
    assert_false(has(r, "rel=\"prev\""));
    th_resp_free(r);
    snprintf(path, sizeof path, "/reviews?unit=%lld&offset=50&indicator=1.1.2", (long long)liuhe);
    r = page(path, &office);
    th_assert_status(r, 200);
    assert_true(row_at(r, ids[50]) >= 0 && row_at(r, ids[51]) > row_at(r, ids[50]));
    assert_int_equal(row_at(r, ids[0]), -1);
    assert_true(has(r, "rel=\"prev\""));
    assert_false(has(r, "rel=\"next\""));
    th_resp_free(r);
    /* the review view of the last of page one: its next is the first of page two */
    snprintf(path, sizeof path, "/reviews/%lld?unit=%lld&indicator=1.1.2", (long long)ids[49],
             (long long)liuhe);
    r = page(path, &office);
    th_assert_status(r, 200);
    snprintf(want, sizeof want, "id=\"next\" rel=\"next\" href=\"/reviews/%lld?", (long long)ids[50]);
    assert_true(has(r, want));
    th_resp_free(r);
    /* return them all over the API (tidy for the tests after) */
    arr = json_array();
    for (int i = 0; i < N; i++) {
        json_array_append_new(arr, json_integer(ids[i]));
    }
    r = api("POST", "/api/v1/reviews/return", &office,
            json_pack("{s:o, s:s}", "ids", arr, "comment", "分页测试"));
    th_assert_status(r, 200);
    th_resp_free(r);
}

/* ---------------------------------------------------------------- the review view */

static void
test_review_view_next(void **state)
{
    (void)state;
    int64_t a = submitted(qingshan), b = submitted(qingshan), c = submitted(qingshan);
    char path[160], want[200], form[200];
    /* the filters of the queue travel with the view: unit and indicator */
    snprintf(path, sizeof path, "/reviews/%lld?unit=%lld&indicator=1.1.1", (long long)b,
             (long long)qingshan);
    struct th_resp *r = page(path, &district);
    th_assert_status(r, 200);
    snprintf(want, sizeof want, "href=\"/reviews/%lld?unit=%lld&amp;indicator=1.1.1\">",
             (long long)c, (long long)qingshan);
    assert_true(has(r, want)); /* next */
    snprintf(want, sizeof want, "rel=\"prev\" href=\"/reviews/%lld?unit=%lld&amp;indicator=1.1.1\"",
             (long long)a, (long long)qingshan);
    assert_true(has(r, want)); /* previous (a is older) */
    assert_true(has(r, "id=\"approve-form\"") && has(r, "id=\"return-comment\""));
    assert_true(has(r, "/static/review.js"));
    assert_false(has(r, "onclick") || has(r, "<script>"));
    th_resp_free(r);
    /* approve b: on to c, the filters kept */
    snprintf(path, sizeof path, "/reviews/%lld", (long long)b);
    snprintf(form, sizeof form, "action=approve&unit=%lld&indicator=1.1.1", (long long)qingshan);
    r = th_form(&srv, path, &district, form);
    th_assert_status(r, 303);
    snprintf(want, sizeof want, "/reviews/%lld?unit=%lld&indicator=1.1.1&ok=1", (long long)c,
             (long long)qingshan);
    assert_string_equal(th_header(r, "Location"), want);
    th_resp_free(r);
    assert_status(b, "approved");
    /* return without guidance: said, and nothing changes */
    snprintf(path, sizeof path, "/reviews/%lld", (long long)c);
    snprintf(form, sizeof form, "action=return&comment=+&unit=%lld", (long long)qingshan);
    r = th_form(&srv, path, &district, form);
    th_assert_status(r, 400);
    assert_true(has(r, "退回时须填写指导意见"));
    assert_true(has(r, "id=\"return-form\"")); /* the form again, in place */
    th_resp_free(r);
    assert_status(c, "submitted");
    /* with guidance: returned; the queue holds no more of the unit's 1.1.1 past c */
    snprintf(form, sizeof form, "action=return&comment=%s&unit=%lld",
             "%E8%AF%B7%E8%A1%A5%E5%85%85", (long long)qingshan);
    r = th_form(&srv, path, &district, form);
    th_assert_status(r, 303);
    assert_non_null(strstr(th_header(r, "Location"), "/reviews"));
    th_resp_free(r);
    assert_status(c, "returned");
    /* CSRF: a form without the token changes nothing */
    struct th_req q = {.method = "POST", .path = path, .cred = &district, .flags = TH_COOKIE,
                       .ctype = "application/x-www-form-urlencoded", .body = "action=approve",
                       .len = 14};
    snprintf(path, sizeof path, "/reviews/%lld", (long long)a);
    r = th_do(&srv, &q);
    th_assert_status(r, 403);
    th_resp_free(r);
    assert_status(a, "submitted");
    /* a unit account may not; another district sees nothing of this one */
    r = page(path, &unitadmin);
    th_assert_status(r, 403);
    th_resp_free(r);
    int64_t west = submitted(liuhe);
    snprintf(path, sizeof path, "/reviews/%lld", (long long)west);
    r = page(path, &district);
    th_assert_status(r, 404);
    th_resp_free(r);
    r = th_form(&srv, path, &district, "action=approve");
    th_assert_status(r, 404);
    th_resp_free(r);
    assert_status(west, "submitted");
}

static void
test_bulk(void **state)
{
    (void)state;
    int64_t a = submitted(qingshan), b = submitted(qingshan), c = submitted(qingshan);
    int64_t d = submitted(qingshan);
    char form[256];
    /* approve two at once */
    snprintf(form, sizeof form, "doc.%lld=1&doc.%lld=1&action=approve&comment=&unit=%lld",
             (long long)a, (long long)b, (long long)qingshan);
    struct th_resp *r = th_form(&srv, "/reviews", &district, form);
    th_assert_status(r, 303);
    char want[96];
    snprintf(want, sizeof want, "/reviews?unit=%lld&ok=1", (long long)qingshan);
    assert_string_equal(th_header(r, "Location"), want);
    th_resp_free(r);
    assert_status(a, "approved");
    assert_status(b, "approved");
    /* return many without guidance: the page again with the message, nothing changes */
    snprintf(form, sizeof form, "doc.%lld=1&doc.%lld=1&action=return&comment=",
             (long long)c, (long long)d);
    r = th_form(&srv, "/reviews", &district, form);
    th_assert_status(r, 400);
    assert_true(has(r, "退回时须填写指导意见"));
    char ticked[64];
    snprintf(ticked, sizeof ticked, "name=\"doc.%lld\" value=\"1\" aria-label", (long long)c);
    assert_true(has(r, ticked));
    th_resp_free(r);
    assert_status(c, "submitted");
    assert_status(d, "submitted");
    /* with one comment for both */
    snprintf(form, sizeof form, "doc.%lld=1&doc.%lld=1&action=return&comment=%s", (long long)c,
             (long long)d, "%E7%85%A7%E7%89%87%E4%B8%8D%E6%B8%85");
    r = th_form(&srv, "/reviews", &district, form);
    th_assert_status(r, 303);
    th_resp_free(r);
    assert_status(c, "returned");
    assert_status(d, "returned");
    /* one row's own button */
    int64_t e = submitted(qingshan);
    snprintf(form, sizeof form, "one=%lld", (long long)e);
    r = th_form(&srv, "/reviews", &district, form);
    th_assert_status(r, 303);
    th_resp_free(r);
    assert_status(e, "approved");
    /* nothing selected */
    r = th_form(&srv, "/reviews", &district, "action=approve");
    th_assert_status(r, 400);
    assert_true(has(r, "请至少选择一个文件"));
    th_resp_free(r);
    /* another district's document in the selection: none changes */
    int64_t west = submitted(liuhe), f2 = submitted(qingshan);
    snprintf(form, sizeof form, "doc.%lld=1&doc.%lld=1&action=approve", (long long)west,
             (long long)f2);
    r = th_form(&srv, "/reviews", &district, form);
    th_assert_status(r, 404);
    th_resp_free(r);
    assert_status(f2, "submitted");
    assert_status(west, "submitted");
}

static void
test_return_many_api(void **state)
{
    (void)state;
    int64_t a = submitted(unit1), b = submitted(unit1);
    struct th_resp *r = api("POST", "/api/v1/reviews/return", &office,
                            json_pack("{s:[I,I]}", "ids", (json_int_t)a, (json_int_t)b));
    th_assert_error(r, 400, "bad_request", "comment");
    th_resp_free(r);
    r = api("POST", "/api/v1/reviews/return", &unitadmin,
            json_pack("{s:[I], s:s}", "ids", (json_int_t)a, "comment", "x"));
    th_assert_status(r, 403);
    th_resp_free(r);
    r = api("POST", "/api/v1/reviews/return", &office,
            json_pack("{s:[I,I], s:s}", "ids", (json_int_t)a, (json_int_t)b, "comment", "补充签到表"));
    th_assert_status(r, 200);
    assert_int_equal(th_jint(r->json, "returned"), 2);
    th_resp_free(r);
    assert_status(a, "returned");
    assert_status(b, "returned");
}

/* ---------------------------------------------------------------- the history */

static void
test_history_page(void **state)
{
    (void)state;
    int64_t id = upload_in(&member, unit1, YEAR, "1.1.1", NULL);
    char path[64];
    snprintf(path, sizeof path, "/documents/%lld", (long long)id);
    struct th_resp *r = page(path, &member);
    th_assert_status(r, 200);
    assert_true(has(r, "id=\"submit-form\"")); /* a writer submits a draft from here */
    th_resp_free(r);
    r = th_form(&srv, "/documents/999999999/submit", &member, "");
    th_assert_status(r, 404);
    th_resp_free(r);
    char sp[80];
    snprintf(sp, sizeof sp, "/documents/%lld/submit", (long long)id);
    r = th_form(&srv, sp, &member, "");
    th_assert_status(r, 303);
    th_resp_free(r);
    assert_status(id, "submitted");
    doc_act(id, "return", &office, json_pack("{s:s}", "comment", "<script>alert(1)</script>"), 200);
    doc_act(id, "submit", &member, NULL, 200);
    doc_act(id, "approve", &office, NULL, 200);
    r = page(path, &member);
    th_assert_status(r, 200);
    assert_true(has(r, "id=\"history\""));
    assert_true(has(r, "上传版本") && has(r, "提交审核") && has(r, "退回修改") && has(r, "审核通过"));
    assert_true(has(r, "市司法局 办公室 刘") && has(r, "市文明办 王主任"));
    assert_true(has(r, "&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert_false(has(r, "<script>alert(1)"));
    assert_false(has(r, "id=\"submit-form\"")); /* approved: nothing to submit */
    th_resp_free(r);
    /* the leaf page's submit form for what is still a draft */
    upload_in(&member, unit1, YEAR, "1.1.1", NULL);
    snprintf(path, sizeof path, "/units/%lld/archives/%d/leaf/1.1.1", (long long)unit1, YEAR);
    r = page(path, &member);
    th_assert_status(r, 200);
    assert_true(has(r, "id=\"leaf-submit\""));
    th_resp_free(r);
    snprintf(path, sizeof path, "/units/%lld/archives/%d/leaf/1.1.1/submit", (long long)unit1, YEAR);
    r = th_form(&srv, path, &member, "");
    th_assert_status(r, 303);
    assert_non_null(strstr(th_header(r, "Location"), "ok=1"));
    th_resp_free(r);
}

/* ---------------------------------------------------------------- settings */

static json_t *
schedule_leaf(int year, const char *code)
{
    char path[128];
    snprintf(path, sizeof path, "/api/v1/units/%lld/archives/%d/schedule", (long long)unit1, year);
    struct th_resp *r = api("GET", path, &unitadmin, NULL);
    th_assert_status(r, 200);
    json_t *found = NULL;
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(r->json, "leaves"), i, x)
    {
        if (0 == strcmp(th_jstr(x, "code"), code)) {
            found = json_incref(x);
        }
    }
    th_resp_free(r);
    assert_non_null(found);
    return found;
}

static json_t *
period(json_t *leaf, const char *key)
{
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(leaf, "periods"), i, x)
    {
        if (0 == strcmp(th_jstr(x, "period"), key)) {
            return x;
        }
    }
    fail_msg("no period %s", key);
    return NULL;
}

static void
put_settings(const struct th_cred *c, int64_t org, json_t *body, long want)
{
    char path[96];
    snprintf(path, sizeof path, "/api/v1/orgs/%lld/review-settings", (long long)org);
    struct th_resp *r = api("PUT", path, c, body);
    th_assert_status(r, want);
    th_resp_free(r);
}

static void
test_settings_schedule(void **state)
{
    (void)state;
    int y = this_year - 1;
    char path[96], d[32];
    /* defaults */
    snprintf(path, sizeof path, "/api/v1/orgs/%lld/review-settings", (long long)office.org_id);
    struct th_resp *r = api("GET", path, &office, NULL);
    th_assert_status(r, 200);
    assert_true(json_is_null(json_object_get(r->json, "own")));
    json_t *eff = json_object_get(r->json, "effective");
    assert_int_equal(th_jint(eff, "offset_days"), 10);
    assert_int_equal(th_jint(eff, "returns_limit"), 0);
    assert_true(json_is_false(json_object_get(eff, "count_submitted")));
    th_resp_free(r);
    /* who may: the office's own accounts and admins; others not, outside scope 404 */
    put_settings(&district, office.org_id, json_pack("{s:i}", "offset_days", 20), 404);
    put_settings(&office, district.org_id, json_pack("{s:i}", "offset_days", 20), 403);
    put_settings(&unitadmin, office.org_id, json_pack("{s:i}", "offset_days", 20), 403);
    put_settings(&office, office.org_id, json_pack("{s:i}", "offset_days", 999), 400);
    r = page("/orgs/999999/review-settings", &office);
    th_assert_status(r, 404);
    th_resp_free(r);

    /* the offset moves last year's December deadline: by default on January 10th; with no
    ** offset on December 31st, long past (overdue); with 366 days at least as late as this
    ** year's December 31st, so not yet past (whatever today is) */
    json_t *leaf = schedule_leaf(y, monthly);
    snprintf(d, sizeof d, "%d-01-10", this_year);
    assert_string_equal(th_jstr(period(leaf, "M12"), "deadline"), d);
    json_decref(leaf);
    put_settings(&office, office.org_id, json_pack("{s:i}", "offset_days", 0), 200);
    leaf = schedule_leaf(y, monthly);
    snprintf(d, sizeof d, "%d-12-31", y);
    assert_string_equal(th_jstr(period(leaf, "M12"), "deadline"), d);
    assert_string_equal(th_jstr(period(leaf, "M12"), "state"), "overdue");
    json_decref(leaf);
    put_settings(&office, office.org_id, json_pack("{s:i}", "offset_days", 366), 200);
    leaf = schedule_leaf(y, monthly);
    assert_true(strcmp(th_jstr(period(leaf, "M12"), "deadline"), d) > 0);
    assert_string_not_equal(th_jstr(period(leaf, "M12"), "state"), "overdue");
    json_decref(leaf);
    /* a district's own setting wins for its units; the city's still holds for the city's */
    put_settings(&district, district.org_id, json_pack("{s:i}", "offset_days", 3), 200);
    snprintf(path, sizeof path, "/api/v1/orgs/%lld/review-settings", (long long)district.org_id);
    r = api("GET", path, &office, NULL);
    th_assert_status(r, 200);
    assert_int_equal(th_jint(json_object_get(r->json, "effective"), "offset_days"), 3);
    assert_int_equal(th_jint(json_object_get(r->json, "effective"), "from_org_id"), district.org_id);
    assert_true(json_is_false(json_object_get(r->json, "may_write"))); /* not the city's to change */
    th_resp_free(r);
    snprintf(path, sizeof path, "/api/v1/orgs/%lld/review-settings", (long long)office.org_id);

    /* count submitted: a submitted document dated in June meets M6 */
    snprintf(d, sizeof d, "%d-06-15", y);
    int64_t sub = upload_in(&unitadmin, unit1, y, monthly, d);
    doc_act(sub, "submit", &unitadmin, NULL, 200);
    leaf = schedule_leaf(y, monthly);
    assert_string_not_equal(th_jstr(period(leaf, "M6"), "state"), "met");
    json_decref(leaf);
    put_settings(&office, office.org_id, json_pack("{s:b}", "count_submitted", 1), 200);
    leaf = schedule_leaf(y, monthly);
    assert_string_equal(th_jstr(period(leaf, "M6"), "state"), "met");
    assert_int_equal(th_jint(period(leaf, "M6"), "documents"), 1);
    json_decref(leaf);

    /* limit 1: the second return marks the leaf not met */
    put_settings(&office, office.org_id, json_pack("{s:i}", "returns_limit", 1), 200);
    doc_act(sub, "return", &office, json_pack("{s:s}", "comment", "第一次"), 200);
    leaf = schedule_leaf(y, monthly);
    assert_null(json_object_get(leaf, "not_met"));
    json_decref(leaf);
    doc_act(sub, "submit", &unitadmin, NULL, 200);
    doc_act(sub, "return", &office, json_pack("{s:s}", "comment", "第二次"), 200);
    leaf = schedule_leaf(y, monthly);
    assert_true(json_is_true(json_object_get(leaf, "not_met")));
    assert_non_null(strstr(th_jstr(leaf, "not_met_reason"), "2"));
    json_decref(leaf);

    /* the settings read back, and the page shows them; audited */
    r = api("GET", path, &office, NULL);
    th_assert_status(r, 200);
    assert_int_equal(th_jint(json_object_get(r->json, "own"), "offset_days"), 366);
    assert_int_equal(th_jint(json_object_get(r->json, "own"), "returns_limit"), 1);
    th_resp_free(r);
    snprintf(path, sizeof path, "/orgs/%lld/review-settings", (long long)office.org_id);
    r = page(path, &office);
    th_assert_status(r, 200);
    assert_true(has(r, "value=\"366\""));
    th_resp_free(r);
    r = th_form(&srv, path, &office, "offset_days=10&returns_limit=0");
    th_assert_status(r, 303);
    th_resp_free(r);
    r = th_form(&srv, path, &office, "offset_days=x&returns_limit=0");
    th_assert_status(r, 400);
    th_resp_free(r);
    r = api("GET", "/api/v1/audit?action=office.settings", &admin, NULL);
    th_assert_status(r, 200);
    assert_true(json_array_size(json_object_get(r->json, "items")) >= 4);
    th_resp_free(r);
    leaf = schedule_leaf(y, monthly);
    assert_null(json_object_get(leaf, "not_met"));
    json_decref(leaf);
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
    } who[] = {{"admin", &admin},
               {"office", &office},
               {"district", &district},
               {"unitadmin", &unitadmin},
               {"member", &member}};
    for (size_t i = 0; i < sizeof who / sizeof who[0]; i++) {
        if (201 != th_login(&srv, who[i].user, TH_DEMO_PW, who[i].c) ||
            th_make_token(&srv, who[i].c, "reviewui") <= 0) {
            return -1;
        }
    }
    time_t t = time(NULL) + 8 * 3600;
    struct tm tm;
    gmtime_r(&t, &tm);
    this_year = tm.tm_year + 1900;
    unit1 = th_unit_id(&srv, &admin, "DEMO001");
    qingshan = th_unit_id(&srv, &admin, "DEMO013");
    liuhe = th_unit_id(&srv, &admin, "DEMO014");
    if (0 == unit1 || 0 == qingshan || 0 == liuhe ||
        !th_archive_create(&srv, &admin, unit1, YEAR) ||
        !th_archive_create(&srv, &admin, qingshan, YEAR) ||
        !th_archive_create(&srv, &admin, liuhe, YEAR) ||
        !th_archive_create(&srv, &admin, unit1, this_year - 1)) {
        return -1;
    }
    char path[96];
    snprintf(path, sizeof path, "/api/v1/units/%lld/archives/%d", (long long)unit1, this_year - 1);
    struct th_resp *r = api("GET", path, &admin, NULL);
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(r->json, "indicators"), i, x)
    {
        if ('\0' == *monthly && th_jint(x, "leaf") && 0 == strcmp(th_jstr(x, "frequency"), "monthly")) {
            snprintf(monthly, sizeof monthly, "%s", th_jstr(x, "code"));
        }
    }
    th_resp_free(r);
    return '\0' == *monthly ? -1 : 0;
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
        cmocka_unit_test(test_queue_filters_order),
        cmocka_unit_test(test_queue_paging),
        cmocka_unit_test(test_review_view_next),
        cmocka_unit_test(test_bulk),
        cmocka_unit_test(test_return_many_api),
        cmocka_unit_test(test_history_page),
        cmocka_unit_test(test_settings_schedule),
        cmocka_unit_test(test_graceful_stop),
    };
    int failed = cmocka_run_group_tests_name("review_ui", tests, setup, teardown);
    th_done();
    return failed + th_teardown_failures;
}

/* end of test_http_review_ui.c */
