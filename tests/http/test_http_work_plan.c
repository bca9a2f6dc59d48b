/*
** test_http_work_plan.c — the creation work's settings, leadership group and office, duties,
** the annual plan and its tasks (issue 12, wplan) over real HTTP against `wenming serve
** --demo` on a pinned clock (WM_FAKE_NOW: 2026-06-15 in Asia/Shanghai).
**
** The demo jurisdiction: the city office (account office) holds 市司法局 (DEMO001: its
** unitadmin, member (a unit_member of 办公室) and leader (a unit_viewer) accounts); the account
** district belongs to 东城区文明办, which does not hold 市司法局.  A member of 青山镇
** (DEMO013) is made here.
**
** The plan filed (wplanpdf): with plan_leaf set, a saved plan becomes a PDF document in the
** leaf through the job "work.plan" (its text read back with pdftotext), changed goals a new
** version of the same document; without plan_leaf the page says it is not filed.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* cmocka.h needs these before it (clang-format would sort them after it). */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
/* clang-format on */

#include "harness.h"

#define YEAR 2026
/* 2026-06-15 12:00 in Asia/Shanghai */
#define FAKE_NOW "WM_FAKE_NOW=1781496000"
#define TODAY "2026-06-15"

static struct th_server srv;
static struct th_cred admin, office, district, evaluator, unitadmin, member, leader, qsmember;
static int64_t unit1;    /* DEMO001 市司法局 */
static int64_t qingshan; /* DEMO013 青山镇 */
static int64_t dept_own; /* 办公室 of 市司法局: the member's department */
static int64_t dept_other; /* 人教科 of 市司法局 */
static int64_t dept_foreign; /* a department of 青山镇 */

static struct th_resp *
api(const char *method, const char *path, const struct th_cred *c, json_t *body_steal)
{
    char *body = body_steal ? th_jdump(body_steal) : NULL;
    struct th_resp *r = th_api(&srv, method, path, c, th_auth(c), body);
    free(body);
    return r;
}

/* The status of a request (the response freed). */
static long
status_of(const char *method, const char *path, const struct th_cred *c, json_t *body_steal)
{
    struct th_resp *r = api(method, path, c, body_steal);
    long st = r->status;
    if (st >= 500) {
        fprintf(stderr, "%s %s: %ld %s\n", method, path, st, r->body);
    }
    th_resp_free(r);
    return st;
}

/* The JSON of a request that must answer want; caller decrefs. */
static json_t *
json_of(const char *method, const char *path, const struct th_cred *c, json_t *body_steal,
        long want)
{
    struct th_resp *r = api(method, path, c, body_steal);
    th_assert_status(r, want);
    json_t *j = json_incref(r->json);
    th_resp_free(r);
    return j;
}

static void
upath(char *out, size_t n, int64_t unit, const char *what)
{
    snprintf(out, n, "/api/v1/units/%lld/work/%s", (long long)unit, what);
}

static void
want_error(const char *method, const char *path, const struct th_cred *c, json_t *body_steal,
           long status, const char *field)
{
    struct th_resp *r = api(method, path, c, body_steal);
    th_assert_error(r, status, "bad_request", field);
    th_resp_free(r);
}

/* ---------------------------------------------------------------- settings */

static void
test_settings(void **state)
{
    (void)state;
    char p[128], q[128];
    upath(p, sizeof p, unit1, "settings");
    json_t *s = json_of("GET", p, &unitadmin, NULL, 200);
    assert_string_equal(th_jstr(s, "start_on"), TODAY); /* the unit was made today */
    assert_true(json_is_true(json_object_get(s, "inspect_weekly")));
    assert_true(json_is_null(json_object_get(s, "plan_leaf")));
    assert_true(json_is_true(json_object_get(s, "may_edit")));
    json_decref(s);

    s = json_of("PUT", p, &unitadmin,
                json_pack("{s:s, s:s, s:s, s:b}", "start_on", "2026-03-01", "plan_leaf", "1.1.1",
                          "bulletin_leaf", "1.1.2", "inspect_weekly", 0),
                200);
    assert_string_equal(th_jstr(s, "start_on"), "2026-03-01");
    assert_string_equal(th_jstr(s, "plan_leaf"), "1.1.1");
    assert_false(json_is_true(json_object_get(s, "inspect_weekly")));
    json_decref(s);
    /* what the others read */
    s = json_of("GET", p, &office, NULL, 200);
    assert_string_equal(th_jstr(s, "bulletin_leaf"), "1.1.2");
    assert_false(json_is_true(json_object_get(s, "may_edit")));
    json_decref(s);

    want_error("PUT", p, &unitadmin, json_pack("{s:s}", "plan_leaf", "9.9.9"), 400, "plan_leaf");
    want_error("PUT", p, &unitadmin, json_pack("{s:s}", "rect_leaf", "1.1"), 400, "rect_leaf");
    want_error("PUT", p, &unitadmin, json_pack("{s:s}", "start_on", "2026-02-30"), 400,
               "start_on");
    want_error("PUT", p, &unitadmin, json_pack("{s:i}", "colour", 1), 400, "colour");
    assert_int_equal(status_of("PUT", p, &member, json_object()), 403);
    assert_int_equal(status_of("PUT", p, &leader, json_object()), 403);
    assert_int_equal(status_of("PUT", p, &office, json_object()), 403);
    assert_int_equal(status_of("GET", p, &leader, NULL), 200);
    assert_int_equal(status_of("GET", p, &member, NULL), 200);
    assert_int_equal(status_of("GET", p, &evaluator, NULL), 404);
    assert_int_equal(status_of("GET", p, &district, NULL), 404);
    assert_int_equal(status_of("GET", p, &qsmember, NULL), 404);
    upath(q, sizeof q, qingshan, "settings");
    assert_int_equal(status_of("PUT", q, &unitadmin, json_object()), 404);
    /* unchanged by the refused writes */
    s = json_of("GET", p, &unitadmin, NULL, 200);
    assert_string_equal(th_jstr(s, "plan_leaf"), "1.1.1");
    json_decref(s);
}

/* ---------------------------------------------------------------- group and office */

static int64_t
add_member(json_t *body_steal)
{
    char p[128];
    upath(p, sizeof p, unit1, "members");
    json_t *m = json_of("POST", p, &unitadmin, body_steal, 201);
    int64_t id = th_jint(m, "id");
    json_decref(m);
    return id;
}

static size_t
count_named(const json_t *arr, const char *name)
{
    size_t n = 0, i;
    json_t *x;
    json_array_foreach(arr, i, x)
    {
        n += 0 == strcmp(th_jstr(x, "name"), name);
    }
    return n;
}

static void
test_group_on_day(void **state)
{
    (void)state;
    char p[128], g[160];
    add_member(json_pack("{s:s, s:s, s:I, s:s, s:s}", "body", "group", "role", "leader",
                         "user_id", (json_int_t)leader.user_id, "post", "局长", "from_on",
                         "2026-01-01"));
    int64_t gone = add_member(json_pack("{s:s, s:s, s:s, s:s}", "body", "group", "role",
                                        "member", "name", "张三", "from_on", "2026-02-01"));
    add_member(json_pack("{s:s, s:s, s:s, s:s}", "body", "office", "role", "director", "name",
                         "李四", "from_on", "2026-02-01"));
    snprintf(p, sizeof p, "/api/v1/work/members/%lld/end", (long long)gone);
    want_error("POST", p, &unitadmin, json_pack("{s:s}", "to_on", "2026-01-15"), 400, "to_on");
    assert_int_equal(status_of("POST", p, &member, json_object()), 403);
    assert_int_equal(status_of("POST", p, &office, json_object()), 403);
    assert_int_equal(status_of("POST", p, &evaluator, json_object()), 404);
    assert_int_equal(status_of("POST", p, &qsmember, json_object()), 404);
    json_t *m = json_of("POST", p, &unitadmin, json_pack("{s:s}", "to_on", "2026-05-01"), 200);
    assert_string_equal(th_jstr(m, "to_on"), "2026-05-01");
    json_decref(m);
    assert_int_equal(status_of("POST", p, &unitadmin, json_object()), 409);

    upath(g, sizeof g, unit1, "group?on=2026-04-01");
    json_t *then = json_of("GET", g, &leader, NULL, 200);
    json_t *grp = json_object_get(then, "group");
    assert_int_equal(count_named(grp, "张三"), 1);
    assert_int_equal(count_named(grp, "市司法局 局长 周"), 1); /* the account's name */
    assert_int_equal(count_named(json_object_get(then, "office"), "李四"), 1);
    json_decref(then);
    upath(g, sizeof g, unit1, "group");
    json_t *now = json_of("GET", g, &office, NULL, 200);
    assert_string_equal(th_jstr(now, "on"), TODAY);
    assert_int_equal(count_named(json_object_get(now, "group"), "张三"), 0);
    assert_int_equal(count_named(json_object_get(now, "group"), "市司法局 局长 周"), 1);
    assert_int_equal(count_named(json_object_get(json_object_get(now, "history"), "members"),
                                 "张三"),
                     1);
    json_decref(now);
    upath(g, sizeof g, unit1, "group?on=2025-12-31");
    json_t *before = json_of("GET", g, &member, NULL, 200);
    assert_int_equal(json_array_size(json_object_get(before, "group")), 0);
    json_decref(before);

    upath(p, sizeof p, unit1, "members");
    want_error("POST", p, &unitadmin, json_pack("{s:s, s:s, s:s}", "body", "group", "role", "boss",
                                                "name", "x"),
               400, "role");
    want_error("POST", p, &unitadmin, json_pack("{s:s, s:s, s:s}", "body", "office", "role",
                                                "leader", "name", "x"),
               400, "role");
    want_error("POST", p, &unitadmin, json_pack("{s:s, s:s, s:s}", "body", "club", "role",
                                                "member", "name", "x"),
               400, "body");
    want_error("POST", p, &unitadmin, json_pack("{s:s, s:s, s:I}", "body", "group", "role",
                                                "member", "user_id", (json_int_t)qsmember.user_id),
               400, "user_id");
    want_error("POST", p, &unitadmin, json_pack("{s:s, s:s}", "body", "group", "role", "member"),
               400, "name");
    want_error("POST", p, &unitadmin, json_pack("{s:s, s:s, s:s, s:s}", "body", "group", "role",
                                                "member", "name", "x", "from_on", "June"),
               400, "from_on");
    upath(g, sizeof g, unit1, "group?on=yesterday");
    want_error("GET", g, &unitadmin, NULL, 400, "on");
    json_t *ok = json_pack("{s:s, s:s, s:s}", "body", "group", "role", "member", "name", "x");
    assert_int_equal(status_of("POST", p, &member, json_incref(ok)), 403);
    assert_int_equal(status_of("POST", p, &leader, json_incref(ok)), 403);
    assert_int_equal(status_of("POST", p, &office, json_incref(ok)), 403);
    assert_int_equal(status_of("POST", p, &evaluator, json_incref(ok)), 404);
    upath(p, sizeof p, qingshan, "members");
    assert_int_equal(status_of("POST", p, &unitadmin, ok), 404);
    upath(g, sizeof g, unit1, "group");
    assert_int_equal(status_of("GET", g, &evaluator, NULL), 404);
    assert_int_equal(status_of("GET", g, &district, NULL), 404);
}

static void
test_duties_history(void **state)
{
    (void)state;
    char p[128], g[160];
    upath(p, sizeof p, unit1, "duties/group");
    json_decref(json_of("PUT", p, &unitadmin,
                        json_pack("{s:s, s:s}", "text", "统筹全局\n定期研究", "set_on", "2026-01-10"),
                        200));
    json_t *now = json_of("PUT", p, &unitadmin,
                          json_pack("{s:s, s:s}", "text", "统筹全局，每季度研究一次", "set_on",
                                    "2026-03-01"),
                          200);
    json_t *d = json_object_get(json_object_get(now, "duties"), "group");
    assert_string_equal(th_jstr(d, "text"), "统筹全局，每季度研究一次");
    assert_int_equal(json_array_size(json_object_get(
                         json_object_get(json_object_get(now, "history"), "duties"), "group")),
                     2);
    assert_true(json_is_null(json_object_get(json_object_get(now, "duties"), "office")));
    json_decref(now);
    upath(g, sizeof g, unit1, "group?on=2026-02-01");
    json_t *then = json_of("GET", g, &leader, NULL, 200);
    d = json_object_get(json_object_get(then, "duties"), "group");
    assert_string_equal(th_jstr(d, "text"), "统筹全局\n定期研究");
    json_decref(then);

    want_error("PUT", p, &unitadmin, json_pack("{s:s}", "text", "  "), 400, "text");
    want_error("PUT", p, &unitadmin, json_pack("{s:i}", "text", 3), 400, "text");
    want_error("PUT", p, &unitadmin, json_object(), 400, "text");
    assert_int_equal(status_of("PUT", p, &member, json_pack("{s:s}", "text", "x")), 403);
    assert_int_equal(status_of("PUT", p, &office, json_pack("{s:s}", "text", "x")), 403);
    upath(p, sizeof p, unit1, "duties/club");
    assert_int_equal(status_of("PUT", p, &unitadmin, json_pack("{s:s}", "text", "x")), 404);
}

/* ---------------------------------------------------------------- plan and tasks */

static int64_t
new_task(int64_t dept, const char *title, const char *due)
{
    char p[128];
    upath(p, sizeof p, unit1, "tasks");
    json_t *t = json_of("POST", p, &unitadmin,
                        json_pack("{s:i, s:s, s:I, s:s, s:[s]}", "year", YEAR, "title", title,
                                  "dept_id", (json_int_t)dept, "due_on", due, "leaves", "1.1.1"),
                        201);
    int64_t id = th_jint(t, "id");
    json_decref(t);
    return id;
}

static void
test_plan(void **state)
{
    (void)state;
    char p[128];
    snprintf(p, sizeof p, "/api/v1/units/%lld/work/plans/%d", (long long)unit1, YEAR);
    json_t *pl = json_of("GET", p, &leader, NULL, 200);
    assert_int_equal(th_jint(pl, "id"), 0); /* not written yet */
    json_decref(pl);
    pl = json_of("PUT", p, &unitadmin,
                 json_pack("{s:s, s:s, s:[{s:s, s:s, s:s}, {s:s, s:s, s:s}, {s:s, s:s, s:s}]}",
                           "title", "2026 年创建计划", "goals", "创成市级文明单位\n巩固成果",
                           "stages", "name", "宣传发动", "starts_on", "2026-01-01", "ends_on",
                           "2026-03-31", "name", "组织实施", "starts_on", "2026-04-01", "ends_on",
                           "2026-10-31", "name", "巩固总结", "starts_on", "2026-11-01", "ends_on",
                           "2026-12-31"),
                 200);
    assert_string_equal(th_jstr(pl, "goals"), "创成市级文明单位\n巩固成果");
    json_t *st = json_object_get(pl, "stages");
    assert_int_equal(json_array_size(st), 3);
    assert_false(json_is_true(json_object_get(json_array_get(st, 0), "current")));
    assert_true(json_is_true(json_object_get(json_array_get(st, 1), "current")));
    json_decref(pl);
    want_error("PUT", p, &unitadmin,
               json_pack("{s:s, s:[{s:s, s:s, s:s}]}", "title", "x", "stages", "name", "a",
                         "starts_on", "2026-05-01", "ends_on", "2026-04-01"),
               400, "stages");
    want_error("PUT", p, &unitadmin, json_pack("{s:s}", "title", ""), 400, "title");
    want_error("PUT", p, &unitadmin, json_pack("{s:s, s:s}", "title", "x", "stages", "a"), 400,
               "stages");
    assert_int_equal(status_of("PUT", p, &member, json_pack("{s:s}", "title", "x")), 403);
    assert_int_equal(status_of("PUT", p, &office, json_pack("{s:s}", "title", "x")), 403);
    assert_int_equal(status_of("GET", p, &office, NULL), 200);
    assert_int_equal(status_of("GET", p, &evaluator, NULL), 404);
    assert_int_equal(status_of("GET", p, &qsmember, NULL), 404);
}

static void
test_tasks(void **state)
{
    (void)state;
    char p[128], t[128];
    int64_t late = new_task(dept_own, "制作宣传栏", "2026-06-01");
    int64_t other = new_task(dept_other, "组织志愿服务", "2026-12-01");
    upath(p, sizeof p, unit1, "tasks");
    want_error("POST", p, &unitadmin,
               json_pack("{s:i, s:s, s:[s]}", "year", YEAR, "title", "x", "leaves", "9.9.9"), 400,
               "leaves");
    want_error("POST", p, &unitadmin,
               json_pack("{s:i, s:s, s:I}", "year", YEAR, "title", "x", "dept_id",
                         (json_int_t)dept_foreign),
               400, "dept_id");
    want_error("POST", p, &unitadmin,
               json_pack("{s:i, s:s, s:I}", "year", YEAR, "title", "x", "person_id",
                         (json_int_t)qsmember.user_id),
               400, "person_id");
    want_error("POST", p, &unitadmin,
               json_pack("{s:i, s:s, s:s}", "year", YEAR, "title", "x", "due_on", "tomorrow"),
               400, "due_on");
    want_error("POST", p, &unitadmin, json_pack("{s:i}", "year", YEAR), 400, "title");
    assert_int_equal(status_of("POST", p, &member, json_pack("{s:s}", "title", "x")), 403);
    assert_int_equal(status_of("POST", p, &office, json_pack("{s:s}", "title", "x")), 403);
    assert_int_equal(status_of("POST", p, &evaluator, json_pack("{s:s}", "title", "x")), 404);

    /* overdue: open and past due on the pinned day */
    upath(p, sizeof p, unit1, "tasks?state=overdue");
    json_t *l = json_of("GET", p, &leader, NULL, 200);
    json_t *items = json_object_get(l, "items");
    assert_int_equal(json_array_size(items), 1);
    assert_int_equal(th_jint(json_array_get(items, 0), "id"), late);
    assert_true(json_is_true(json_object_get(json_array_get(items, 0), "overdue")));
    assert_string_equal(json_string_value(json_array_get(
                            json_object_get(json_array_get(items, 0), "leaves"), 0)),
                        "1.1.1");
    json_decref(l);
    snprintf(p, sizeof p, "/api/v1/units/%lld/work/tasks?dept=%lld", (long long)unit1,
             (long long)dept_other);
    l = json_of("GET", p, &office, NULL, 200);
    assert_int_equal(json_array_size(json_object_get(l, "items")), 1);
    json_decref(l);
    upath(p, sizeof p, unit1, "tasks?state=late");
    want_error("GET", p, &leader, NULL, 400, "state");

    /* the member completes its own department's task only */
    snprintf(t, sizeof t, "/api/v1/work/tasks/%lld/done", (long long)other);
    assert_int_equal(status_of("POST", t, &member, json_object()), 403);
    assert_int_equal(status_of("POST", t, &leader, json_object()), 403);
    assert_int_equal(status_of("POST", t, &office, json_object()), 403);
    assert_int_equal(status_of("POST", t, &evaluator, json_object()), 404);
    assert_int_equal(status_of("POST", t, &qsmember, json_object()), 404);
    snprintf(t, sizeof t, "/api/v1/work/tasks/%lld/done", (long long)late);
    json_t *d = json_of("POST", t, &member, json_pack("{s:s}", "note", "已完成，见照片"), 200);
    assert_string_equal(th_jstr(d, "state"), "done");
    assert_false(json_is_true(json_object_get(d, "overdue")));
    assert_string_equal(th_jstr(d, "done_note"), "已完成，见照片");
    assert_string_equal(th_jstr(d, "done_by_name"), "市司法局 办公室 刘");
    json_decref(d);
    assert_int_equal(status_of("POST", t, &member, json_object()), 409);
    snprintf(t, sizeof t, "/api/v1/work/tasks/%lld/reopen", (long long)late);
    assert_int_equal(status_of("POST", t, &member, json_object()), 403);
    assert_int_equal(status_of("POST", t, &office, json_object()), 403);
    d = json_of("POST", t, &unitadmin, json_object(), 200);
    assert_string_equal(th_jstr(d, "state"), "open");
    assert_true(json_is_true(json_object_get(d, "overdue")));
    json_decref(d);

    /* edits: unit_admin only; the leaves are checked */
    snprintf(t, sizeof t, "/api/v1/work/tasks/%lld", (long long)late);
    d = json_of("PATCH", t, &unitadmin, json_pack("{s:s, s:s}", "due_on", "2026-07-01",
                                                  "person_name", "王五"),
                200);
    assert_false(json_is_true(json_object_get(d, "overdue")));
    assert_string_equal(th_jstr(d, "person"), "王五");
    assert_string_equal(th_jstr(d, "title"), "制作宣传栏");
    json_decref(d);
    want_error("PATCH", t, &unitadmin, json_pack("{s:[s]}", "leaves", "0.0"), 400, "leaves");
    assert_int_equal(status_of("PATCH", t, &member, json_pack("{s:s}", "title", "x")), 403);
    assert_int_equal(status_of("PATCH", t, &office, json_pack("{s:s}", "title", "x")), 403);
    assert_int_equal(status_of("GET", t, &office, NULL), 200);
    assert_int_equal(status_of("GET", t, &leader, NULL), 200);
    assert_int_equal(status_of("GET", t, &evaluator, NULL), 404);
    assert_int_equal(status_of("GET", t, &district, NULL), 404);
    assert_int_equal(status_of("GET", t, &qsmember, NULL), 404);

    /* the plan's counts */
    snprintf(p, sizeof p, "/api/v1/units/%lld/work/plans/%d", (long long)unit1, YEAR);
    json_t *pl = json_of("GET", p, &member, NULL, 200);
    assert_int_equal(th_jint(pl, "total"), 2);
    json_decref(pl);
}

/* ---------------------------------------------------------------- pages */

/* A session-only copy of c (the pages' way in). */
static struct th_cred
session_of(const struct th_cred *c)
{
    struct th_cred s = *c;
    s.token[0] = 0;
    return s;
}

/* The page's status; its body into *body when not NULL (caller frees). */
static long
page(const char *path, const struct th_cred *c, char **body)
{
    struct th_cred s = session_of(c);
    struct th_resp *r = th_api(&srv, "GET", path, &s, TH_COOKIE, NULL);
    long st = r->status;
    if (body) {
        *body = strdup(r->body ? r->body : "");
    }
    th_resp_free(r);
    return st;
}

/* A form post's status: 303 plain, 388 a redirect carrying an error, else as answered. */
static long
form(const char *path, const struct th_cred *c, const char *fields)
{
    struct th_cred s = session_of(c);
    struct th_resp *r = th_form(&srv, path, &s, fields);
    long st = r->status;
    const char *loc = th_header(r, "Location");
    if (303 == st && loc && strstr(loc, "err=")) {
        st = 388;
    }
    th_resp_free(r);
    return st;
}

static void
test_pages(void **state)
{
    (void)state;
    static const char *const tabs[] = {"group", "plan", "tasks", "settings"};
    char p[160];
    for (size_t i = 0; i < 4; i++) {
        snprintf(p, sizeof p, "/units/%lld/work/%s", (long long)unit1, tabs[i]);
        assert_int_equal(page(p, &unitadmin, NULL), 200);
        assert_int_equal(page(p, &member, NULL), 200);
        assert_int_equal(page(p, &leader, NULL), 200);
        assert_int_equal(page(p, &office, NULL), 200);
        assert_int_equal(page(p, &evaluator, NULL), 404);
        assert_int_equal(page(p, &district, NULL), 404);
        assert_int_equal(page(p, &qsmember, NULL), 404);
    }
    /* the group on a past day shows who was in it then, and the history */
    char *body = NULL;
    snprintf(p, sizeof p, "/units/%lld/work/group?on=2026-04-01", (long long)unit1);
    assert_int_equal(page(p, &leader, &body), 200);
    assert_non_null(strstr(body, "张三"));
    assert_non_null(strstr(body, "统筹全局"));
    assert_null(strstr(body, "method=\"post\" action=\"/units/")); /* a viewer gets no forms */
    free(body);
    /* the plan: the current stage marked, the counts per department */
    snprintf(p, sizeof p, "/units/%lld/work/plan", (long long)unit1);
    assert_int_equal(page(p, &unitadmin, &body), 200);
    assert_non_null(strstr(body, "stage current"));
    assert_non_null(strstr(body, "组织实施"));
    assert_non_null(strstr(body, "plan-edit"));
    free(body);

    /* the department's home: its open task, completed with the button */
    int64_t id = new_task(dept_own, "整理创建台账", "2026-06-10");
    assert_int_equal(page("/home", &member, &body), 200);
    assert_non_null(strstr(body, "本科室任务"));
    assert_non_null(strstr(body, "整理创建台账"));
    assert_non_null(strstr(body, "badge overdue"));
    assert_null(strstr(body, "组织志愿服务")); /* another department's */
    free(body);
    snprintf(p, sizeof p, "/work/tasks/%lld/done", (long long)id);
    assert_int_equal(form(p, &leader, "back=home"), 403);
    assert_int_equal(form(p, &office, "back=home"), 403);
    assert_int_equal(form(p, &member, "back=home&note=%E5%B7%B2%E5%BD%92%E6%A1%A3"), 303);
    assert_int_equal(form(p, &member, "back=home"), 388); /* done already */
    assert_int_equal(page("/home", &member, &body), 200);
    assert_null(strstr(body, "整理创建台账"));
    free(body);

    /* forms of the unit_admin, and a bad one back with its message */
    snprintf(p, sizeof p, "/units/%lld/work/tasks", (long long)unit1);
    assert_int_equal(
        form(p, &unitadmin, "year=2026&title=%E6%B5%8B%E8%AF%95&leaves=1.1.1%2C+1.1.2"), 303);
    assert_int_equal(form(p, &unitadmin, "year=2026&title=x&leaves=9.9.9"), 388);
    assert_int_equal(form(p, &member, "year=2026&title=x"), 403);
    snprintf(p, sizeof p, "/units/%lld/work/members", (long long)unit1);
    assert_int_equal(form(p, &unitadmin, "body_role=office%3Amember&name=%E8%B5%B5%E5%85%AD"),
                     303);
    assert_int_equal(form(p, &office, "body_role=office%3Amember&name=x"), 403);
    snprintf(p, sizeof p, "/units/%lld/work/settings", (long long)unit1);
    assert_int_equal(form(p, &unitadmin, "plan_leaf=9.9.9"), 388);
    assert_int_equal(form(p, &unitadmin, "plan_leaf=1.1.1&inspect_weekly=1"), 303);
    snprintf(p, sizeof p, "/units/%lld/work/plan", (long long)unit1);
    assert_int_equal(form(p, &unitadmin,
                          "year=2026&title=%E8%AE%A1%E5%88%92&stage_name_0=a&stage_start_0="
                          "2026-01-01&stage_end_0=2026-12-31"),
                     303);
    snprintf(p, sizeof p, "/units/%lld/work/group", (long long)unit1);
    assert_int_equal(page(p, &unitadmin, &body), 200);
    assert_non_null(strstr(body, "赵六"));
    free(body);
}

/* ---------------------------------------------------------------- the plan filed */

static json_t *
plan_of(const struct th_cred *c)
{
    char p[128];
    snprintf(p, sizeof p, "/api/v1/units/%lld/work/plans/%d", (long long)unit1, YEAR);
    return json_of("GET", p, c, NULL, 200);
}

/* The number of versions of document doc. */
static size_t
versions_of(int64_t doc)
{
    char p[80];
    snprintf(p, sizeof p, "/api/v1/documents/%lld/versions", (long long)doc);
    json_t *v = json_of("GET", p, &unitadmin, NULL, 200);
    size_t n = json_array_size(json_object_get(v, "items"));
    json_decref(v);
    return n;
}

/* The plan once filed as a document with at least versions versions of it (a bounded number
** of polls: the job runs in the server). */
static json_t *
plan_filed(size_t versions)
{
    for (int i = 0; i < 3000; i++) {
        json_t *pl = plan_of(&unitadmin);
        int64_t doc = th_jint(pl, "document_id");
        if (0 == strcmp(th_jstr(pl, "file_state"), "filed") && doc > 0 &&
            versions_of(doc) >= versions) {
            return pl;
        }
        if (0 == strcmp(th_jstr(pl, "file_state"), "failed")) {
            fail_msg("the plan's job failed: %s", th_jstr(pl, "file_error"));
        }
        json_decref(pl);
        usleep(20000);
    }
    th_server_log_tail(&srv, 30);
    fail_msg("the plan was never filed");
    return NULL;
}

/* How many work.plan jobs are in state (as the admin's job list shows them). */
static size_t
plan_jobs(const char *state)
{
    char p[96];
    snprintf(p, sizeof p, "/api/v1/jobs?state=%s&limit=100", state);
    json_t *l = json_of("GET", p, &admin, NULL, 200);
    size_t n = 0, i;
    json_t *j;
    json_array_foreach(json_object_get(l, "items"), i, j)
    {
        n += 0 == strcmp(th_jstr(j, "kind"), "work.plan");
    }
    json_decref(l);
    return n;
}

/* The title of document doc. */
static char *
doc_title(int64_t doc)
{
    char p[64];
    snprintf(p, sizeof p, "/api/v1/documents/%lld", (long long)doc);
    json_t *d = json_of("GET", p, &unitadmin, NULL, 200);
    char *t = strdup(th_jstr(d, "title"));
    json_decref(d);
    return t;
}

/* The plan saved with plan_leaf set (the pages' form set it to 1.1.1) becomes a document in
** the leaf named by the plan's title; saved again while its job runs (the job has read the
** plan: the server holds plan jobs while DATA/hold-jobs exists), a second job files the
** new title after the first ends, never beside it; a new title renames the document;
** changed goals a new version of it; without plan_leaf the page says the plan is not filed
** and what to set. */
static int64_t dept_named(int64_t unit, const char *name);

static void
test_plan_filed(void **state)
{
    (void)state;
    char p[160], hold[PATH_MAX + 16];
    snprintf(p, sizeof p, "/api/v1/units/%lld/work/plans/%d", (long long)unit1, YEAR);
    snprintf(hold, sizeof hold, "%s/hold-jobs", srv.dir);
    /* the jobs test_pages left end first: the job seen running below is one that holds */
    for (int n = 0; n < 3000 && (plan_jobs("running") || plan_jobs("queued")); n++) {
        usleep(20000);
    }
    FILE *h = fopen(hold, "w");
    assert_non_null(h);
    fclose(h);
    /* a save whose job reads the plan (the old title) and is held there */
    json_decref(json_of("PUT", p, &unitadmin,
                        json_pack("{s:s, s:s}", "title", "计划", "goals", "初稿目标"), 200));
    int i = 0;
    while (plan_jobs("running") < 1 && i++ < 3000) {
        usleep(20000);
    }
    assert_int_equal(plan_jobs("running"), 1);
    /* saved again meanwhile: one more job, waiting for the held one */
    json_t *pl = json_of("PUT", p, &unitadmin,
                         json_pack("{s:s, s:s, s:[{s:s, s:s, s:s}]}", "title", "2026 年创建计划",
                                   "goals", "创成市级文明单位，群众满意度九成以上", "stages",
                                   "name", "组织实施", "starts_on", "2026-04-01", "ends_on",
                                   "2026-10-31"),
                         200);
    json_decref(pl);
    usleep(500000); /* a free worker would take it now, if the queue let it */
    assert_int_equal(plan_jobs("running"), 1);
    assert_int_equal(plan_jobs("queued"), 1);
    assert_int_equal(unlink(hold), 0);
    for (i = 0; i < 3000 && (plan_jobs("running") || plan_jobs("queued")); i++) {
        usleep(20000);
    }
    pl = plan_filed(1);
    int64_t doc = th_jint(pl, "document_id");
    json_t *docs = json_object_get(pl, "documents");
    assert_int_equal(json_array_size(docs), 1);
    assert_int_equal(th_jint(json_array_get(docs, 0), "document_id"), doc);
    assert_string_equal(th_jstr(json_array_get(docs, 0), "role"), "plan");
    assert_string_equal(th_jstr(json_array_get(docs, 0), "indicator_code"), "1.1.1");
    json_decref(pl);
    /* in the leaf, under the plan's title (the second job's, filed after the first) */
    char q[160];
    snprintf(q, sizeof q, "/api/v1/units/%lld/archives/%d/indicators/1.1.1/documents",
             (long long)unit1, YEAR);
    json_t *l = json_of("GET", q, &leader, NULL, 200);
    bool found = false;
    json_t *d;
    size_t k;
    json_array_foreach(json_object_get(l, "items"), k, d)
    {
        if (th_jint(d, "id") == doc) {
            found = true;
            assert_string_equal(th_jstr(d, "title"), "2026 年创建计划");
        }
    }
    json_decref(l);
    assert_true(found);
    /* a new title: a new version of the same document, renamed */
    size_t before = versions_of(doc);
    json_decref(json_of("PUT", p, &unitadmin,
                        json_pack("{s:s, s:s, s:[{s:s, s:s, s:s}]}", "title", "2026 年创建工作计划",
                                  "goals", "创成市级文明单位，群众满意度九成以上", "stages",
                                  "name", "组织实施", "starts_on", "2026-04-01", "ends_on",
                                  "2026-10-31"),
                        200));
    pl = plan_filed(before + 1);
    assert_int_equal(th_jint(pl, "document_id"), doc);
    json_decref(pl);
    char *title = doc_title(doc);
    assert_string_equal(title, "2026 年创建工作计划");
    free(title);
    /* renamed by hand in the archive (the archive's naming rule) */
    char dp[64];
    snprintf(dp, sizeof dp, "/api/v1/documents/%lld", (long long)doc);
    json_decref(json_of("PATCH", dp, &unitadmin,
                        json_pack("{s:s}", "title", "01:2026年度创建工作计划"), 200));
    before = versions_of(doc);
    /* changed goals: a new version of the same document, showing the goals and the tasks;
    ** the plan's title did not change, so the name given by hand stays */
    pl = json_of("PUT", p, &unitadmin,
                 json_pack("{s:s, s:s, s:[{s:s, s:s, s:s}]}", "title", "2026 年创建工作计划",
                           "goals", "巩固提升文明创建成果", "stages", "name", "组织实施",
                           "starts_on", "2026-04-01", "ends_on", "2026-10-31"),
                 200);
    json_decref(pl);
    pl = plan_filed(before + 1);
    assert_int_equal(th_jint(pl, "document_id"), doc);
    assert_int_equal(json_array_size(json_object_get(pl, "documents")), 1);
    json_decref(pl);
    title = doc_title(doc);
    assert_string_equal(title, "01:2026年度创建工作计划");
    free(title);
    char *text = th_doc_pdf_text(&srv, &unitadmin, doc);
    if (text) {
        assert_non_null(strstr(text, "年度工作计划"));
        assert_non_null(strstr(text, "巩固提升文明创建成果"));
        assert_null(strstr(text, "群众满意度九成以上"));
        assert_non_null(strstr(text, "组织实施"));
        assert_non_null(strstr(text, "组织志愿服务")); /* a task of test_tasks */
        assert_non_null(strstr(text, "人教科"));
        free(text);
    }
    /* a task added, then marked done: the filed plan lists it, a new version each time */
    before = versions_of(doc);
    int64_t task = new_task(dept_named(unit1, "人教科"), "整理创建工作台账", "2026-11-30");
    pl = plan_filed(before + 1);
    assert_int_equal(th_jint(pl, "document_id"), doc);
    json_decref(pl);
    text = th_doc_pdf_text(&srv, &unitadmin, doc);
    if (text) {
        assert_non_null(strstr(text, "整理创建工作台账"));
        free(text);
    }
    char tp[96];
    snprintf(tp, sizeof tp, "/api/v1/work/tasks/%lld/done", (long long)task);
    json_decref(json_of("POST", tp, &unitadmin, json_pack("{s:s}", "note", "已整理"), 200));
    json_decref(plan_filed(before + 2));
    const size_t filed = versions_of(doc); /* nothing adds one below */
    /* the page links the document */
    char *body = NULL;
    char link[64];
    snprintf(q, sizeof q, "/units/%lld/work/plan?year=%d", (long long)unit1, YEAR);
    snprintf(link, sizeof link, "href=\"/documents/%lld\"", (long long)doc);
    assert_int_equal(page(q, &leader, &body), 200);
    assert_non_null(strstr(body, "id=\"plan-filed\""));
    assert_non_null(strstr(body, link));
    free(body);
    /* without plan_leaf: saved, not filed, and the page says what to set */
    upath(p, sizeof p, unit1, "settings");
    json_decref(json_of("PUT", p, &unitadmin, json_object(), 200));
    snprintf(p, sizeof p, "/api/v1/units/%lld/work/plans/%d", (long long)unit1, YEAR);
    json_decref(json_of("PUT", p, &unitadmin,
                        json_pack("{s:s, s:s}", "title", "2026 年创建计划", "goals", "不归档的目标"),
                        200));
    pl = plan_of(&unitadmin);
    assert_string_equal(th_jstr(pl, "file_state"), "unfiled");
    assert_string_equal(th_jstr(pl, "goals"), "不归档的目标");
    assert_non_null(strstr(th_jstr(pl, "unfiled_reason"), "年度计划归入"));
    json_decref(pl);
    assert_int_equal(versions_of(doc), filed);
    assert_int_equal(page(q, &unitadmin, &body), 200);
    assert_non_null(strstr(body, "id=\"unfiled\""));
    assert_non_null(strstr(body, "未设置年度计划归入的末级指标"));
    free(body);
    /* a leaf set again (another one): this year's plan filed there as a new document */
    upath(p, sizeof p, unit1, "settings");
    json_decref(json_of("PUT", p, &unitadmin, json_pack("{s:s}", "plan_leaf", "1.1.2"), 200));
    pl = plan_filed(1);
    int64_t doc2 = th_jint(pl, "document_id");
    assert_true(doc2 != doc);
    json_decref(pl);
    text = th_doc_pdf_text(&srv, &unitadmin, doc2);
    if (text) {
        assert_non_null(strstr(text, "不归档的目标"));
        free(text);
    }
    assert_int_equal(versions_of(doc), filed);
}

/* A department still named by a task is not removed (409), and stays. */
static void
test_dept_in_use(void **state)
{
    (void)state;
    char p[128];
    snprintf(p, sizeof p, "/api/v1/units/%lld/depts", (long long)unit1);
    json_t *d = json_of("POST", p, &unitadmin, json_pack("{s:s}", "name", "临时科"), 201);
    int64_t dept = th_jint(d, "id");
    json_decref(d);
    new_task(dept, "临时任务", "2026-09-01");
    snprintf(p, sizeof p, "/api/v1/units/%lld/depts/%lld", (long long)unit1, (long long)dept);
    assert_int_equal(status_of("DELETE", p, &unitadmin, NULL), 409);
}

/* Every write left its audit entry. */
static void
test_audited(void **state)
{
    (void)state;
    char *out = NULL;
    assert_int_equal(th_store_query(&srv,
                                    "SELECT DISTINCT action FROM audit WHERE action LIKE 'work.%' "
                                    "ORDER BY action",
                                    &out),
                     0);
    static const char *const want[] = {"work.duty.set", "work.member.add", "work.member.end",
                                       "work.plan.save", "work.settings", "work.task.create",
                                       "work.task.done", "work.task.reopen", "work.task.update"};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        if (!strstr(out, want[i])) {
            fail_msg("no audit entry %s in:\n%s", want[i], out);
        }
    }
    free(out);
}

static void
test_graceful_stop(void **state)
{
    (void)state;
    assert_int_equal(th_server_stop(&srv), 0);
}

/* ---------------------------------------------------------------- setup */

/* The id of the unit's department named name, or 0. */
static int64_t
dept_named(int64_t unit, const char *name)
{
    char p[96];
    snprintf(p, sizeof p, "/api/v1/units/%lld/depts", (long long)unit);
    struct th_resp *r = api("GET", p, &admin, NULL);
    int64_t id = 0;
    size_t i;
    json_t *x;
    json_t *items = json_is_array(r->json) ? r->json : json_object_get(r->json, "items");
    json_array_foreach(items, i, x)
    {
        if (0 == strcmp(th_jstr(x, "name"), name)) {
            id = th_jint(x, "id");
        }
    }
    th_resp_free(r);
    return id;
}

static int
setup(void **state)
{
    (void)state;
    const char *env[] = {FAKE_NOW, "WENMING_TEST_FAULT=hold-jobs", NULL};
    if (th_server_create(&srv, NULL) || th_server_start(&srv, env)) {
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
            th_make_token(&srv, who[i].c, "work") <= 0) {
            return -1;
        }
    }
    unit1 = th_unit_id(&srv, &admin, "DEMO001");
    qingshan = th_unit_id(&srv, &admin, "DEMO013");
    if (0 == unit1 || 0 == qingshan || !th_archive_create(&srv, &admin, unit1, YEAR)) {
        return -1;
    }
    dept_own = dept_named(unit1, "办公室");
    dept_other = dept_named(unit1, "人教科");
    dept_foreign = dept_named(qingshan, "办公室");
    struct th_resp *r = api("POST", "/api/v1/users", &admin,
                            json_pack("{s:s, s:s, s:s, s:s, s:I}", "username", "qsmember",
                                      "display_name", "青山镇 办公室 吴", "password", TH_DEMO_PW,
                                      "role", "unit_member", "org_id", (json_int_t)qingshan));
    long st = r->status;
    th_resp_free(r);
    if (201 != st || 201 != th_login(&srv, "qsmember", TH_DEMO_PW, &qsmember) ||
        th_make_token(&srv, &qsmember, "work") <= 0 || !dept_own || !dept_other ||
        !dept_foreign) {
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
        cmocka_unit_test(test_settings),
        cmocka_unit_test(test_group_on_day),
        cmocka_unit_test(test_duties_history),
        cmocka_unit_test(test_plan),
        cmocka_unit_test(test_tasks),
        cmocka_unit_test(test_pages),
        cmocka_unit_test(test_plan_filed),
        cmocka_unit_test(test_dept_in_use),
        cmocka_unit_test(test_audited),
        cmocka_unit_test(test_graceful_stop),
    };
    int failed = cmocka_run_group_tests_name("work_plan", tests, setup, teardown);
    th_done();
    return failed + th_teardown_failures;
}
