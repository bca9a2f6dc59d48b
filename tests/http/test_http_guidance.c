/*
** test_http_guidance.c — guidance conversations (指导意见, issue 9) over real HTTP against
** `wenming serve --demo`: who reads and who posts, unread markers on each side, close and
** reopen, attachments (bytes and display names), the leaf page's panel and /guidance.
**
** The demo jurisdiction: the city office (account office) holds 市司法局 (DEMO001: its
** unitadmin, member and leader accounts; leader is a unit_viewer) directly; the account
** district belongs to 东城区文明办, which holds 青山镇 (DEMO013) but not 市司法局.  A member
** of 青山镇 is made here.
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
static struct th_cred admin, office, district, evaluator, unitadmin, member, leader, qsmember;
static int64_t unit1;    /* DEMO001 市司法局, under the city office */
static int64_t qingshan; /* DEMO013 青山镇, 东城区 */

static struct th_resp *
api(const char *method, const char *path, const struct th_cred *c, json_t *body_steal)
{
    char *body = body_steal ? th_jdump(body_steal) : NULL;
    struct th_resp *r = th_api(&srv, method, path, c, th_auth(c), body);
    free(body);
    return r;
}

/* /api/v1/units/{unit}/archives/YEAR/indicators/{leaf}/guidance{what} */
static void
gpath(char *out, size_t n, int64_t unit, const char *leaf, const char *what)
{
    snprintf(out, n, "/api/v1/units/%lld/archives/%d/indicators/%s/guidance%s", (long long)unit,
             YEAR, leaf, what);
}

static struct th_resp *
gpost(const struct th_cred *c, int64_t unit, const char *leaf, const char *what,
      json_t *body_steal)
{
    char path[200];
    gpath(path, sizeof path, unit, leaf, what);
    return api("POST", path, c, body_steal);
}

static void
gpost_want(const struct th_cred *c, int64_t unit, const char *leaf, const char *what,
           json_t *body_steal, long want)
{
    struct th_resp *r = gpost(c, unit, leaf, what, body_steal);
    th_assert_status(r, want);
    th_resp_free(r);
}

/* The conversation as c sees it (200 expected); caller decrefs. */
static json_t *
conv(const struct th_cred *c, int64_t unit, const char *leaf)
{
    char path[200];
    gpath(path, sizeof path, unit, leaf, "");
    struct th_resp *r = api("GET", path, c, NULL);
    th_assert_status(r, 200);
    json_t *g = json_incref(r->json);
    th_resp_free(r);
    return g;
}

static void
conv_want(const struct th_cred *c, int64_t unit, const char *leaf, long want)
{
    char path[200];
    gpath(path, sizeof path, unit, leaf, "");
    struct th_resp *r = api("GET", path, c, NULL);
    th_assert_status(r, want);
    th_resp_free(r);
}

/* The row of the caller's list (query) for unit and leaf, or NULL; caller decrefs. */
static json_t *
listed(const struct th_cred *c, const char *query, int64_t unit, const char *leaf)
{
    char path[200];
    snprintf(path, sizeof path, "/api/v1/guidance%s", query);
    struct th_resp *r = api("GET", path, c, NULL);
    th_assert_status(r, 200);
    json_t *found = NULL;
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(r->json, "items"), i, x)
    {
        if (th_jint(x, "unit_id") == unit && 0 == strcmp(th_jstr(x, "code"), leaf)) {
            found = json_incref(x);
        }
    }
    th_resp_free(r);
    return found;
}

static json_t *
text(const char *s)
{
    return json_pack("{s:s}", "text", s);
}

/* How many of c's notifications are of kind guidance and link to the unit's leaf page. */
static size_t
guidance_notices(const struct th_cred *c, int64_t unit, const char *leaf)
{
    char link[128];
    snprintf(link, sizeof link, "/units/%lld/archives/%d/leaf/%s", (long long)unit, YEAR, leaf);
    struct th_resp *r = api("GET", "/api/v1/notifications?limit=200", c, NULL);
    th_assert_status(r, 200);
    size_t n = 0, i;
    json_t *x;
    json_array_foreach(json_object_get(r->json, "items"), i, x)
    {
        n += 0 == strcmp(th_jstr(x, "kind"), "guidance") && 0 == strcmp(th_jstr(x, "link"), link);
    }
    th_resp_free(r);
    return n;
}

/* ---------------------------------------------------------------- tests */

static void
test_unread_both_sides(void **state)
{
    (void)state;
    const char *leaf = "1.1.1";
    /* nothing yet: an empty conversation, nothing listed */
    json_t *g = conv(&member, unit1, leaf);
    assert_int_equal(th_jint(g, "id"), 0);
    assert_int_equal(json_array_size(json_object_get(g, "messages")), 0);
    assert_string_equal(th_jstr(g, "state"), "open");
    json_decref(g);
    /* the office posts: the unit has one unread */
    struct th_resp *r = gpost(&office, unit1, leaf, "", text("请补充会议照片\n和签到表"));
    th_assert_status(r, 201);
    assert_int_equal(json_array_size(json_object_get(r->json, "messages")), 1);
    assert_int_equal(th_jint(r->json, "unread"), 0); /* one's own message is read */
    json_t *m = json_array_get(json_object_get(r->json, "messages"), 0);
    assert_string_equal(th_jstr(m, "text"), "请补充会议照片\n和签到表");
    assert_string_equal(th_jstr(m, "side"), "office");
    assert_string_equal(th_jstr(m, "author_name"), "市文明办 王主任");
    assert_non_null(strchr(th_jstr(m, "at"), 'T')); /* RFC 3339 */
    assert_true(json_is_null(json_object_get(m, "attachment")));
    th_resp_free(r);
    /* the unit's writers are told, not its viewer, not the office that wrote */
    assert_int_equal(guidance_notices(&member, unit1, leaf), 1);
    assert_int_equal(guidance_notices(&unitadmin, unit1, leaf), 1);
    assert_int_equal(guidance_notices(&leader, unit1, leaf), 0);
    assert_int_equal(guidance_notices(&office, unit1, leaf), 0);
    g = conv(&member, unit1, leaf);
    assert_int_equal(th_jint(g, "unread"), 1);
    assert_true(json_is_true(json_object_get(json_array_get(json_object_get(g, "messages"), 0),
                                             "unread")));
    assert_true(json_is_true(json_object_get(g, "may_post")));
    assert_false(json_is_true(json_object_get(g, "may_close")));
    json_decref(g);
    json_t *row = listed(&member, "?unread=1", unit1, leaf);
    assert_non_null(row);
    assert_int_equal(th_jint(row, "unread"), 1);
    assert_int_equal(th_jint(row, "year"), YEAR);
    assert_string_equal(th_jstr(row, "unit_name"), "市司法局");
    assert_string_equal(th_jstr(json_object_get(row, "last_message"), "text"),
                        "请补充会议照片\n和签到表");
    json_decref(row);
    /* the unit admin has its own marker */
    g = conv(&unitadmin, unit1, leaf);
    assert_int_equal(th_jint(g, "unread"), 1);
    json_decref(g);
    /* the member reads: 0 */
    r = gpost(&member, unit1, leaf, "/read", NULL);
    th_assert_status(r, 200);
    assert_int_equal(th_jint(r->json, "unread"), 0);
    th_resp_free(r);
    g = conv(&member, unit1, leaf);
    assert_int_equal(th_jint(g, "unread"), 0);
    json_decref(g);
    row = listed(&member, "?unread=1", unit1, leaf);
    assert_null(row);
    row = listed(&member, "", unit1, leaf);
    assert_non_null(row);
    assert_int_equal(th_jint(row, "unread"), 0);
    json_decref(row);
    /* the unit replies: the office has one unread, the member none */
    gpost_want(&member, unit1, leaf, "", text("已补充，请查看"), 201);
    assert_int_equal(guidance_notices(&office, unit1, leaf), 1); /* the office is told */
    assert_int_equal(guidance_notices(&district, unit1, leaf), 0); /* not another district */
    assert_int_equal(guidance_notices(&member, unit1, leaf), 1);  /* not of its own reply */
    g = conv(&office, unit1, leaf);
    assert_int_equal(th_jint(g, "unread"), 1);
    assert_int_equal(json_array_size(json_object_get(g, "messages")), 2);
    json_decref(g);
    g = conv(&member, unit1, leaf);
    assert_int_equal(th_jint(g, "unread"), 0);
    json_decref(g);
    row = listed(&office, "?unread=1", unit1, leaf);
    assert_non_null(row);
    assert_int_equal(th_jint(row, "unread"), 1);
    assert_int_equal(th_jint(row, "messages"), 2);
    assert_string_equal(th_jstr(json_object_get(row, "last_message"), "side"), "unit");
    json_decref(row);
    /* the platform admin is office side too */
    g = conv(&admin, unit1, leaf);
    assert_int_equal(th_jint(g, "unread"), 1);
    json_decref(g);
    /* a viewer reads (and marks read) but does not post */
    g = conv(&leader, unit1, leaf);
    assert_int_equal(json_array_size(json_object_get(g, "messages")), 2);
    assert_false(json_is_true(json_object_get(g, "may_post")));
    json_decref(g);
    r = gpost(&leader, unit1, leaf, "", text("我也说一句"));
    th_assert_error(r, 403, "forbidden", NULL);
    th_resp_free(r);
    gpost_want(&leader, unit1, leaf, "/read", NULL, 200);
}

static void
test_scope(void **state)
{
    (void)state;
    const char *leaf = "1.1.2";
    gpost_want(&office, unit1, leaf, "", text("范围测试"), 201);
    /* another district's office: not found, nothing listed */
    conv_want(&district, unit1, leaf, 404);
    gpost_want(&district, unit1, leaf, "", text("越权"), 404);
    gpost_want(&district, unit1, leaf, "/read", NULL, 404);
    gpost_want(&district, unit1, leaf, "/close", NULL, 404);
    json_t *row = listed(&district, "?state=all", unit1, leaf);
    assert_null(row);
    /* the unit of another unit: not found */
    conv_want(&qsmember, unit1, leaf, 404);
    gpost_want(&qsmember, unit1, leaf, "", text("越权"), 404);
    row = listed(&qsmember, "?state=all", unit1, leaf);
    assert_null(row);
    /* the district office and the unit of 青山镇 talk to each other */
    gpost_want(&district, qingshan, leaf, "", text("青山镇请注意"), 201);
    json_t *g = conv(&qsmember, qingshan, leaf);
    assert_int_equal(th_jint(g, "unread"), 1);
    json_decref(g);
    row = listed(&office, "", qingshan, leaf); /* the city office holds the district */
    assert_non_null(row);
    json_decref(row);
    row = listed(&member, "?state=all", qingshan, leaf);
    assert_null(row);
    /* evaluators take no part */
    conv_want(&evaluator, unit1, leaf, 403);
    gpost_want(&evaluator, unit1, leaf, "", text("x"), 403);
    gpost_want(&evaluator, unit1, leaf, "/read", NULL, 403);
    struct th_resp *r = api("GET", "/api/v1/guidance", &evaluator, NULL);
    th_assert_status(r, 403);
    th_resp_free(r);
    /* an unknown leaf, a year without an archive */
    conv_want(&office, unit1, "9.9.9", 404);
    gpost_want(&office, unit1, "9.9.9", "", text("x"), 404);
    conv_want(&office, unit1, "1.1", 404); /* not a leaf */
    char path[200];
    snprintf(path, sizeof path, "/api/v1/units/%lld/archives/%d/indicators/%s/guidance",
             (long long)unit1, YEAR - 1, leaf);
    r = api("GET", path, &office, NULL);
    th_assert_status(r, 404);
    th_resp_free(r);
    r = api("GET", "/api/v1/guidance?state=bogus", &office, NULL);
    th_assert_error(r, 400, "bad_request", "state");
    th_resp_free(r);
    r = api("GET", "/api/v1/guidance?unread=2", &office, NULL);
    th_assert_error(r, 400, "bad_request", "unread");
    th_resp_free(r);
}

static void
test_validation(void **state)
{
    (void)state;
    const char *leaf = "1.1.3";
    struct th_resp *r = gpost(&member, unit1, leaf, "", text(""));
    th_assert_error(r, 400, "bad_request", "text");
    th_resp_free(r);
    r = gpost(&member, unit1, leaf, "", text(" \n\t "));
    th_assert_error(r, 400, "bad_request", "text");
    th_resp_free(r);
    r = gpost(&member, unit1, leaf, "", text("\xe2\x80\x8b")); /* only invisible */
    th_assert_error(r, 400, "bad_request", "text");
    th_resp_free(r);
    r = gpost(&member, unit1, leaf, "", text("a\x01b"));
    th_assert_error(r, 400, "bad_request", "text");
    th_resp_free(r);
    r = gpost(&member, unit1, leaf, "", json_pack("{s:i}", "text", 1));
    th_assert_error(r, 400, "bad_request", "text");
    th_resp_free(r);
    r = gpost(&member, unit1, leaf, "", json_pack("{s:s, s:s}", "text", "x", "y", "z"));
    th_assert_error(r, 400, "bad_request", "text");
    th_resp_free(r);
    r = gpost(&member, unit1, leaf, "", json_object());
    th_assert_error(r, 400, "bad_request", "text");
    th_resp_free(r);
    char *big = malloc(4002);
    memset(big, 'x', 4001);
    big[4001] = 0;
    r = gpost(&member, unit1, leaf, "", text(big));
    th_assert_error(r, 400, "bad_request", "text");
    th_resp_free(r);
    big[4000] = 0;
    gpost_want(&member, unit1, leaf, "", text(big), 201);
    free(big);
    /* nothing was stored by the refused ones */
    json_t *g = conv(&office, unit1, leaf);
    assert_int_equal(json_array_size(json_object_get(g, "messages")), 1);
    json_decref(g);
}

static void
test_close_reopen(void **state)
{
    (void)state;
    const char *leaf = "1.2.1";
    /* nothing to close yet */
    gpost_want(&office, unit1, leaf, "/close", NULL, 404);
    gpost_want(&member, unit1, leaf, "", text("请问这项要交什么？"), 201);
    gpost_want(&member, unit1, leaf, "/close", NULL, 403);
    gpost_want(&unitadmin, unit1, leaf, "/close", NULL, 403);
    struct th_resp *r = gpost(&office, unit1, leaf, "/close", NULL);
    th_assert_status(r, 200);
    assert_string_equal(th_jstr(r->json, "state"), "closed");
    th_resp_free(r);
    gpost_want(&office, unit1, leaf, "/close", NULL, 409);
    r = gpost(&member, unit1, leaf, "", text("还有问题"));
    th_assert_error(r, 409, "conflict", "state");
    th_resp_free(r);
    json_t *row = listed(&member, "?state=closed", unit1, leaf);
    assert_non_null(row);
    assert_string_equal(th_jstr(row, "state"), "closed");
    json_decref(row);
    row = listed(&member, "", unit1, leaf); /* open by default */
    assert_null(row);
    gpost_want(&member, unit1, leaf, "/reopen", NULL, 403);
    r = gpost(&office, unit1, leaf, "/reopen", NULL);
    th_assert_status(r, 200);
    assert_string_equal(th_jstr(r->json, "state"), "open");
    th_resp_free(r);
    gpost_want(&office, unit1, leaf, "/reopen", NULL, 409);
    gpost_want(&member, unit1, leaf, "", text("还有问题"), 201);
}

/* GET path as c: the answer (caller frees). */
static struct th_resp *
get(const char *path, const struct th_cred *c)
{
    return api("GET", path, c, NULL);
}

static void
test_attachment(void **state)
{
    (void)state;
    const char *leaf = "1.2.2";
    char path[200];
    gpath(path, sizeof path, unit1, leaf, "");
    struct bytes pdf = pdf_make("整改说明", 3000);
    /* the client's name keeps its Chinese; a path in it is never one */
    struct th_file f = {.name = "C:\\Users\\刘\\整改说明（第2版）.pdf", .data = pdf.p, .len = pdf.n};
    const char *fields[] = {"text", "整改说明见附件", NULL};
    struct th_resp *r = th_upload(&srv, path, &member, 0, &f, 1, fields);
    th_assert_status(r, 201);
    json_t *m = json_array_get(json_object_get(r->json, "messages"), 0);
    assert_string_equal(th_jstr(m, "text"), "整改说明见附件");
    json_t *att = json_object_get(m, "attachment");
    assert_non_null(att);
    assert_string_equal(th_jstr(att, "name"), "整改说明（第2版）.pdf");
    assert_int_equal(th_jint(att, "size"), (int64_t)pdf.n);
    assert_string_equal(th_jstr(att, "mime"), "application/pdf");
    char href[128];
    snprintf(href, sizeof href, "%s", th_jstr(att, "href"));
    th_resp_free(r);
    /* the office downloads the same bytes under the display name */
    r = get(href, &office);
    th_assert_status(r, 200);
    assert_int_equal(r->len, pdf.n);
    assert_memory_equal(r->body, pdf.p, pdf.n);
    const char *cd = th_header(r, "Content-Disposition");
    assert_non_null(cd);
    assert_non_null(strstr(cd, "attachment"));
    /* 整改说明（第2版）.pdf, RFC 5987 */
    assert_non_null(strstr(cd, "filename*=UTF-8''%E6%95%B4%E6%94%B9%E8%AF%B4%E6%98%8E"
                               "%EF%BC%88%E7%AC%AC2%E7%89%88%EF%BC%89.pdf"));
    assert_null(strstr(cd, "Users"));
    assert_string_equal(th_header(r, "X-Content-Type-Options"), "nosniff");
    th_resp_free(r);
    r = get(href, &leader); /* a viewer reads */
    th_assert_status(r, 200);
    th_resp_free(r);
    r = get(href, &district); /* another district */
    th_assert_status(r, 404);
    th_resp_free(r);
    r = get(href, &qsmember); /* another unit */
    th_assert_status(r, 404);
    th_resp_free(r);
    r = get(href, &evaluator);
    th_assert_status(r, 403);
    th_resp_free(r);
    r = get("/api/v1/guidance/messages/999999/attachment", &admin);
    th_assert_status(r, 404);
    th_resp_free(r);
    /* a message without an attachment has none to download */
    r = gpost(&office, unit1, leaf, "", text("收到"));
    th_assert_status(r, 201);
    int64_t plain = th_jint(json_array_get(json_object_get(r->json, "messages"), 1), "id");
    th_resp_free(r);
    snprintf(href, sizeof href, "/api/v1/guidance/messages/%lld/attachment", (long long)plain);
    r = get(href, &office);
    th_assert_status(r, 404);
    th_resp_free(r);
    /* an attachment alone is a message; two files are not */
    struct bytes pdf2 = pdf_make("第二份", 1000);
    f = (struct th_file){.name = "照片说明.pdf", .data = pdf2.p, .len = pdf2.n};
    r = th_upload(&srv, path, &unitadmin, 0, &f, 1, NULL);
    th_assert_status(r, 201);
    th_resp_free(r);
    struct th_file two[2] = {f, f};
    r = th_upload(&srv, path, &unitadmin, 0, two, 2, NULL);
    th_assert_error(r, 400, "bad_request", "file");
    th_resp_free(r);
    /* a type that is not accepted */
    static const char sh[] = "#!/bin/sh\necho hi\n";
    f = (struct th_file){.name = "run.pdf", .data = sh, .len = sizeof sh - 1};
    r = th_upload(&srv, path, &unitadmin, 0, &f, 1, fields);
    th_assert_status(r, 415);
    th_resp_free(r);
    /* a viewer may not post a file either */
    f = (struct th_file){.name = "x.pdf", .data = pdf2.p, .len = pdf2.n};
    r = th_upload(&srv, path, &leader, 0, &f, 1, fields);
    th_assert_status(r, 403);
    th_resp_free(r);
    json_t *g = conv(&office, unit1, leaf);
    assert_int_equal(json_array_size(json_object_get(g, "messages")), 3);
    json_decref(g);
    free(pdf.p);
    free(pdf2.p);
}

/* A session-only copy of c (the pages' way in). */
static struct th_cred
session_of(const struct th_cred *c)
{
    struct th_cred s = *c;
    s.token[0] = 0;
    return s;
}

static void
test_pages(void **state)
{
    (void)state;
    const char *leaf = "1.2.3";
    struct th_cred om = session_of(&office), mm = session_of(&member), lm = session_of(&leader);
    gpost_want(&office, unit1, leaf, "", text("<script>alert(1)</script>请整改"), 201);
    char page[160], action[200];
    snprintf(page, sizeof page, "/units/%lld/archives/%d/leaf/%s", (long long)unit1, YEAR, leaf);
    snprintf(action, sizeof action, "%s/guidance", page);
    /* the member's leaf page: the message escaped, unread, the post form with CSRF */
    struct th_resp *r = th_api(&srv, "GET", page, &mm, TH_COOKIE, NULL);
    th_assert_status(r, 200);
    assert_non_null(strstr(r->body, "id=\"guidance\""));
    assert_non_null(strstr(r->body, "&lt;script&gt;alert(1)&lt;/script&gt;请整改"));
    assert_null(strstr(r->body, "<script>alert(1)"));
    assert_non_null(strstr(r->body, "class=\"msg office unread\""));
    assert_non_null(strstr(r->body, "id=\"guidance-form\""));
    assert_non_null(strstr(r->body, "id=\"guidance-read\""));
    assert_null(strstr(r->body, "id=\"guidance-close\""));
    char want[200];
    snprintf(want, sizeof want, "name=\"csrf\" value=\"%s\"", mm.csrf);
    assert_non_null(strstr(strstr(r->body, "id=\"guidance-form\""), want));
    th_resp_free(r);
    /* a viewer sees the messages, no form */
    r = th_api(&srv, "GET", page, &lm, TH_COOKIE, NULL);
    th_assert_status(r, 200);
    assert_non_null(strstr(r->body, "&lt;script&gt;"));
    assert_null(strstr(r->body, "id=\"guidance-form\""));
    th_resp_free(r);
    /* the form posts without CSRF are refused */
    struct th_cred nocsrf = mm;
    nocsrf.csrf[0] = 0;
    const char *fields[] = {"text", "表单留言", NULL};
    r = th_upload(&srv, action, &nocsrf, TH_COOKIE, NULL, 0, fields);
    th_assert_status(r, 403);
    th_resp_free(r);
    r = th_form(&srv, action, &nocsrf, "text=x");
    th_assert_status(r, 403);
    th_resp_free(r);
    char read[220];
    snprintf(read, sizeof read, "%s/read", action);
    r = th_form(&srv, read, &nocsrf, "");
    th_assert_status(r, 403);
    th_resp_free(r);
    /* with it: back to the leaf page; the file input left empty is no attachment */
    struct th_file empty = {.name = "", .data = "", .len = 0};
    r = th_upload(&srv, action, &mm, TH_COOKIE, &empty, 1, fields);
    th_assert_status(r, 303);
    assert_non_null(strstr(th_header(r, "Location"), page));
    assert_non_null(strstr(th_header(r, "Location"), "?ok=1#guidance")); /* at the panel */
    th_resp_free(r);
    json_t *g = conv(&office, unit1, leaf);
    json_t *last = json_array_get(json_object_get(g, "messages"), 1);
    assert_string_equal(th_jstr(last, "text"), "表单留言");
    assert_true(json_is_null(json_object_get(last, "attachment")));
    json_decref(g);
    /* an empty message goes back with the reason */
    const char *blank[] = {"text", " ", NULL};
    r = th_upload(&srv, action, &mm, TH_COOKIE, NULL, 0, blank);
    th_assert_status(r, 303);
    assert_non_null(strstr(th_header(r, "Location"), "err=1"));
    th_resp_free(r);
    /* the office's page: the unit's reply unread, close; the forms do it */
    r = th_api(&srv, "GET", page, &om, TH_COOKIE, NULL);
    th_assert_status(r, 200);
    assert_non_null(strstr(r->body, "class=\"msg unit unread\""));
    assert_non_null(strstr(r->body, "id=\"guidance-close\""));
    th_resp_free(r);
    r = th_form(&srv, read, &om, "");
    th_assert_status(r, 303);
    th_resp_free(r);
    char close[220], reopen[220];
    snprintf(close, sizeof close, "%s/close", action);
    snprintf(reopen, sizeof reopen, "%s/reopen", action);
    r = th_form(&srv, close, &mm, "");
    th_assert_status(r, 403);
    th_resp_free(r);
    r = th_form(&srv, close, &om, "");
    th_assert_status(r, 303);
    th_resp_free(r);
    r = th_api(&srv, "GET", page, &om, TH_COOKIE, NULL);
    assert_non_null(strstr(r->body, "id=\"guidance-reopen\""));
    assert_null(strstr(r->body, "id=\"guidance-form\""));
    assert_null(strstr(r->body, "class=\"msg unit unread\""));
    th_resp_free(r);
    /* the list page: closed ones behind the switch, links to the leaf page */
    r = th_api(&srv, "GET", "/guidance?state=closed", &mm, TH_COOKIE, NULL);
    th_assert_status(r, 200);
    snprintf(want, sizeof want, "href=\"%s#guidance\"", page);
    assert_non_null(strstr(r->body, want));
    th_resp_free(r);
    r = th_form(&srv, reopen, &om, "");
    th_assert_status(r, 303);
    th_resp_free(r);
    gpost_want(&office, unit1, leaf, "", text("<b>再看</b>一下"), 201);
    r = th_api(&srv, "GET", "/guidance", &mm, TH_COOKIE, NULL);
    th_assert_status(r, 200);
    assert_non_null(strstr(r->body, want));
    assert_non_null(strstr(r->body, "&lt;b&gt;再看&lt;/b&gt;一下"));
    assert_null(strstr(r->body, "<b>再看"));
    assert_non_null(strstr(r->body, "在线指导"));
    th_resp_free(r);
    r = th_api(&srv, "GET", "/guidance?unread=1", &om, TH_COOKIE, NULL);
    th_assert_status(r, 200);
    th_resp_free(r);
    struct th_cred em = session_of(&evaluator);
    r = th_api(&srv, "GET", "/guidance", &em, TH_COOKIE, NULL);
    th_assert_status(r, 403);
    th_resp_free(r);
}

static void
test_audited(void **state)
{
    (void)state;
    static const char *const actions[] = {"guidance.post", "guidance.close", "guidance.reopen"};
    for (size_t i = 0; i < 3; i++) {
        char path[96];
        snprintf(path, sizeof path, "/api/v1/audit?action=%s", actions[i]);
        struct th_resp *r = api("GET", path, &admin, NULL);
        th_assert_status(r, 200);
        json_t *items = json_object_get(r->json, "items");
        assert_true(json_array_size(items) > 0);
        assert_string_equal(th_jstr(json_array_get(items, 0), "object_type"), "guidance");
        th_resp_free(r);
    }
    /* the audit page names the conversation and links its leaf page */
    struct th_cred as = admin;
    as.token[0] = 0;
    struct th_resp *r = th_api(&srv, "GET", "/audit?action=guidance.close", &as, TH_COOKIE, NULL);
    th_assert_status(r, 200);
    assert_non_null(strstr(r->body, "的指导对话"));
    char want[128];
    snprintf(want, sizeof want, "href=\"/units/%lld/archives/%d/leaf/1.2.3\"", (long long)unit1,
             YEAR);
    assert_non_null(strstr(r->body, want));
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
    } who[] = {{"admin", &admin},         {"office", &office},   {"district", &district},
               {"evaluator", &evaluator}, {"unitadmin", &unitadmin}, {"member", &member},
               {"leader", &leader}};
    for (size_t i = 0; i < sizeof who / sizeof who[0]; i++) {
        if (201 != th_login(&srv, who[i].user, TH_DEMO_PW, who[i].c) ||
            th_make_token(&srv, who[i].c, "guidance") <= 0) {
            return -1;
        }
    }
    unit1 = th_unit_id(&srv, &admin, "DEMO001");
    qingshan = th_unit_id(&srv, &admin, "DEMO013");
    if (0 == unit1 || 0 == qingshan || !th_archive_create(&srv, &admin, unit1, YEAR) ||
        !th_archive_create(&srv, &admin, qingshan, YEAR)) {
        return -1;
    }
    /* a member of 青山镇 */
    struct th_resp *r = api("POST", "/api/v1/users", &admin,
                            json_pack("{s:s, s:s, s:s, s:s, s:I}", "username", "qsmember",
                                      "display_name", "青山镇 办公室 吴", "password", TH_DEMO_PW,
                                      "role", "unit_member", "org_id", (json_int_t)qingshan));
    long st = r->status;
    th_resp_free(r);
    if (201 != st || 201 != th_login(&srv, "qsmember", TH_DEMO_PW, &qsmember) ||
        th_make_token(&srv, &qsmember, "guidance") <= 0) {
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
        cmocka_unit_test(test_unread_both_sides),
        cmocka_unit_test(test_scope),
        cmocka_unit_test(test_validation),
        cmocka_unit_test(test_close_reopen),
        cmocka_unit_test(test_attachment),
        cmocka_unit_test(test_pages),
        cmocka_unit_test(test_audited),
        cmocka_unit_test(test_graceful_stop),
    };
    int failed = cmocka_run_group_tests_name("guidance", tests, setup, teardown);
    th_done();
    return failed + th_teardown_failures;
}
