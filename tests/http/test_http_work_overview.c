/*
** test_http_work_overview.c — the creation work's hub and overview (issue 12, woverview)
** over real HTTP against `wenming serve --demo`, on a server whose clock (WM_FAKE_NOW) says
** 2026-05-15 in Asia/Shanghai (the demo is created that day, so a unit without a start day
** of its own joined on it).
**
** Three units' creation work: 市司法局's settings, leadership group, plan, stages and tasks
** through the API of work_plan.c, its meetings through work_meet.c's, its inspections (a
** finding opens an item) through work_inspect.c's (as its unit_admin); the rest (the other
** rectification items, the other units') written into the store behind the server's back:
**   市司法局 (DEMO001, the city's): started 2026-01-01, a leadership group with a leader, a
**     plan with two stages and three tasks (one overdue), the default kinds: 领导小组会议
**     (quarterly: Q1 held, Q2 current), 工作分析会 (monthly: January and March held,
**     February and April late, May current), 半年总结会 (H1 current), inspections in weeks 18 and 19 (17 weeks late), five
**     rectification items (one open past its due day);
**   青山镇 (DEMO013, 东城区): no settings, the default kinds it was made with, a group without a
**     leader: it joined today and owes nothing yet;
**   柳河镇 (DEMO014, 西湖区): started 2026-04-20 (mid-year), of its kinds only the monthly one
**     active: May is owed
**     (current), April is not; four weeks owed from its start, three late.
** Checked: the numbers of the summary and of the overview, the totals per district and of
** the whole, sorting by overdue, filters, scope (a district office sees its units only, a
** unit itself only, an evaluator nothing), the XLSX read back, the hub page's four stages.
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
#include "wm_table.h"

static struct th_server srv;
static struct th_cred admin, office, district, unitadmin, evaluator;
static int64_t u1, u2, u3;       /* DEMO001, DEMO013, DEMO014 */
static int64_t dongcheng, xihu; /* the offices above u2 and u3 */

static json_t *
get_json(const char *path, const struct th_cred *c, long want)
{
    struct th_resp *r = th_api(&srv, "GET", path, c, th_auth(c), NULL);
    th_assert_status(r, want);
    json_t *j = json_incref(r->json);
    th_resp_free(r);
    return j;
}

static long
get_status(const char *path, const struct th_cred *c)
{
    struct th_resp *r = th_api(&srv, "GET", path, c, th_auth(c), NULL);
    long s = r->status;
    th_resp_free(r);
    return s;
}

/* The row of unit in an overview's rows (NULL: absent). */
static const json_t *
row_of(const json_t *ov, int64_t unit)
{
    size_t i;
    const json_t *x;
    json_array_foreach(json_object_get(ov, "rows"), i, x)
    {
        if (th_jint(x, "unit_id") == unit) {
            return x;
        }
    }
    return NULL;
}

/* The kind named name in a summary's meetings (NULL: none). */
static const json_t *
kind_named(const json_t *kinds, const char *name)
{
    size_t i;
    const json_t *k;
    json_array_foreach(kinds, i, k)
    {
        if (0 == strcmp(th_jstr(k, "name"), name)) {
            return k;
        }
    }
    return NULL;
}

static void
expect_ints(const json_t *o, const char *const *keys, const int64_t *want, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (th_jint(o, keys[i]) != want[i]) {
            fprintf(stderr, "%s: %lld, want %lld\n", keys[i], (long long)th_jint(o, keys[i]),
                    (long long)want[i]);
        }
        assert_int_equal(th_jint(o, keys[i]), want[i]);
    }
}

/* The numbers of 市司法局's row (see the file's comment). */
static void
expect_u1(const json_t *row)
{
    static const char *const keys[] = {
        "group_members", "plan_stages",      "tasks_total",       "tasks_done",
        "tasks_overdue", "meetings_held",    "meetings_owed",     "meetings_late",
        "inspections_held", "inspections_weeks", "inspections_owed", "inspections_late",
        "rect_open",     "rect_done",        "rect_verified",     "rect_closed",
        "rect_overdue",  "findings_inspection", "findings_self_check", "findings_review",
        "findings_evaluation", "findings",   "overdue"};
    static const int64_t want[] = {2, 2, 3, 1, 1, 3, 8, 2, 2, 2, 19, 17,
                                   2, 1, 1, 1, 1, 2, 1, 1, 1, 5, 1 + 2 + 17 + 1};
    assert_true(json_is_true(json_object_get(row, "group")));
    assert_true(json_is_true(json_object_get(row, "plan")));
    expect_ints(row, keys, want, sizeof want / sizeof want[0]);
}

/* ---------------------------------------------------------------- tests */

static void
test_summary(void **state)
{
    (void)state;
    char path[96];
    snprintf(path, sizeof path, "/api/v1/units/%lld/work/summary?year=2026", (long long)u1);
    json_t *s = get_json(path, &unitadmin, 200);
    assert_int_equal(th_jint(s, "year"), 2026);
    assert_string_equal(th_jstr(s, "today"), "2026-05-15");
    expect_u1(json_object_get(s, "row"));
    const json_t *plan = json_object_get(s, "plan");
    assert_true(json_is_true(json_object_get(plan, "present")));
    assert_int_equal(json_array_size(json_object_get(plan, "stages")), 2);
    assert_string_equal(th_jstr(json_array_get(json_object_get(plan, "stages"), 0), "name"),
                        "宣传发动");
    /* each kind against its cadence, the late periods named */
    const json_t *kinds = json_object_get(s, "meetings");
    assert_int_equal(json_array_size(kinds), 3);
    const json_t *k = kind_named(kinds, "工作分析会");
    assert_int_equal(th_jint(k, "owed"), 5);
    assert_int_equal(th_jint(k, "held"), 2);
    assert_int_equal(th_jint(k, "late"), 2);
    char *late = th_jdump(json_incref(json_object_get(k, "late_periods")));
    assert_string_equal(late, "[\"M2\",\"M4\"]");
    free(late);
    k = kind_named(kinds, "领导小组会议");
    assert_int_equal(th_jint(k, "owed"), 2); /* Q1 and the current Q2 */
    assert_int_equal(th_jint(k, "late"), 0);
    k = kind_named(kinds, "半年总结会");
    assert_int_equal(th_jint(k, "owed"), 1); /* H1, current */
    assert_int_equal(th_jint(k, "held"), 0);
    /* the meetings' own cadence (work_meet.c) finds the same late periods */
    snprintf(path, sizeof path, "/api/v1/units/%lld/work/meetings/cadence?year=2026",
             (long long)u1);
    json_t *c = get_json(path, &unitadmin, 200);
    size_t i;
    const json_t *x;
    json_array_foreach(json_object_get(c, "kinds"), i, x)
    {
        k = kind_named(kinds, th_jstr(x, "name"));
        assert_non_null(k);
        assert_int_equal(th_jint(x, "late"), th_jint(k, "late"));
    }
    json_decref(c);
    const json_t *weeks = json_object_get(json_object_get(s, "inspections"), "late_weeks");
    assert_int_equal(json_array_size(weeks), 17);
    assert_string_equal(json_string_value(json_array_get(weeks, 0)), "W1");
    /* what is late */
    const json_t *l = json_object_get(s, "late");
    assert_int_equal(json_array_size(json_object_get(l, "tasks")), 1);
    assert_string_equal(th_jstr(json_array_get(json_object_get(l, "tasks"), 0), "title"),
                        "上报创建台账");
    assert_int_equal(json_array_size(json_object_get(l, "rects")), 1);
    assert_non_null(
        strstr(th_jstr(json_array_get(json_object_get(l, "rects"), 0), "problem"), "门前杂物堆放"));
    json_decref(s);
    /* another year: nothing planned, nothing owed (2025 began before the start day) */
    snprintf(path, sizeof path, "/api/v1/units/%lld/work/summary?year=2025", (long long)u1);
    s = get_json(path, &office, 200);
    const json_t *row = json_object_get(s, "row");
    assert_false(json_is_true(json_object_get(row, "plan")));
    assert_int_equal(th_jint(row, "meetings_owed"), 0);
    assert_int_equal(th_jint(row, "inspections_owed"), 0);
    assert_int_equal(th_jint(row, "findings"), 0);
    json_decref(s);
    snprintf(path, sizeof path, "/api/v1/units/%lld/work/summary?year=20x6", (long long)u1);
    assert_int_equal(get_status(path, &office), 400);
}

/* A unit that joined today owes nothing; one that joined on 2026-04-20 owes from then. */
static void
test_joined_mid_year(void **state)
{
    (void)state;
    char path[96];
    snprintf(path, sizeof path, "/api/v1/units/%lld/work/summary", (long long)u2);
    json_t *s = get_json(path, &office, 200);
    const json_t *row = json_object_get(s, "row");
    assert_int_equal(th_jint(s, "year"), 2026); /* this year by default */
    assert_false(json_is_true(json_object_get(row, "group"))); /* members, no leader */
    assert_int_equal(th_jint(row, "group_members"), 1);
    assert_int_equal(json_array_size(json_object_get(s, "meetings")), 3); /* the defaults */
    assert_int_equal(th_jint(row, "meetings_owed"), 0);
    assert_int_equal(th_jint(row, "inspections_owed"), 0);
    assert_int_equal(th_jint(row, "overdue"), 0);
    json_decref(s);
    snprintf(path, sizeof path, "/api/v1/units/%lld/work/summary?year=2026", (long long)u3);
    s = get_json(path, &office, 200);
    row = json_object_get(s, "row");
    assert_int_equal(json_array_size(json_object_get(s, "meetings")), 1);
    assert_int_equal(th_jint(row, "meetings_owed"), 1); /* May; April began before */
    assert_int_equal(th_jint(row, "meetings_late"), 0);
    assert_int_equal(th_jint(row, "inspections_owed"), 4);
    assert_int_equal(th_jint(row, "inspections_late"), 3);
    assert_int_equal(th_jint(row, "rect_open"), 1);
    assert_int_equal(th_jint(row, "rect_overdue"), 0);
    json_decref(s);
}

static void
test_scope(void **state)
{
    (void)state;
    char p1[96], p2[96];
    snprintf(p1, sizeof p1, "/api/v1/units/%lld/work/summary", (long long)u1);
    snprintf(p2, sizeof p2, "/api/v1/units/%lld/work/summary", (long long)u2);
    assert_int_equal(get_status(p2, &unitadmin), 404); /* a unit: itself only */
    assert_int_equal(get_status(p1, &evaluator), 404); /* an evaluator: no unit */
    assert_int_equal(get_status(p1, &district), 404);  /* outside the district */
    assert_int_equal(get_status(p2, &district), 200);
    snprintf(p1, sizeof p1, "/api/v1/units/%lld/work/summary", (long long)dongcheng);
    assert_int_equal(get_status(p1, &admin), 404); /* an office is not a unit */
    assert_int_equal(get_status("/api/v1/work/overview", &unitadmin), 403);
    assert_int_equal(get_status("/api/v1/work/overview", &evaluator), 403);
    /* the district office: its units and their counts only */
    json_t *ov = get_json("/api/v1/work/overview?year=2026", &district, 200);
    assert_null(row_of(ov, u1));
    assert_null(row_of(ov, u3));
    assert_non_null(row_of(ov, u2));
    assert_int_equal(th_jint(ov, "units"), json_array_size(json_object_get(ov, "rows")));
    const json_t *t = json_object_get(ov, "total");
    assert_int_equal(th_jint(t, "units"), th_jint(ov, "units"));
    assert_int_equal(th_jint(t, "tasks_total"), 0);
    assert_int_equal(th_jint(t, "rect_open"), 0);
    assert_int_equal(th_jint(t, "group"), 0);
    assert_int_equal(json_array_size(json_object_get(ov, "districts")), 1);
    json_decref(ov);
    char path[96];
    snprintf(path, sizeof path, "/api/v1/work/overview?district=%lld", (long long)xihu);
    assert_int_equal(get_status(path, &district), 404);
    assert_int_equal(get_status("/api/v1/work/overview?sort=name", &office), 400);
}

static void
test_overview(void **state)
{
    (void)state;
    json_t *ov = get_json("/api/v1/work/overview?year=2026", &office, 200);
    int64_t n = th_jint(ov, "units");
    assert_true(n >= 14);
    assert_int_equal(json_array_size(json_object_get(ov, "rows")), n);
    expect_u1(row_of(ov, u1));
    const json_t *r3 = row_of(ov, u3);
    assert_int_equal(th_jint(r3, "inspections_late"), 3);
    assert_int_equal(th_jint(r3, "district_id"), xihu);
    /* the whole: only 市司法局 planned and has a group; its overdue items */
    const json_t *t = json_object_get(ov, "total");
    assert_int_equal(th_jint(t, "units"), n);
    assert_int_equal(th_jint(t, "plan"), 1);
    assert_int_equal(th_jint(t, "group"), 1);
    assert_int_equal(th_jint(t, "tasks_overdue"), 1);
    assert_int_equal(th_jint(t, "rect_open"), 3);
    assert_int_equal(th_jint(t, "rect_overdue"), 1);
    assert_int_equal(th_jint(t, "inspections_late"), 17 + 3);
    /* per district: the units add up to the whole */
    int64_t units = 0, late = 0;
    size_t i;
    const json_t *d;
    json_array_foreach(json_object_get(ov, "districts"), i, d)
    {
        units += th_jint(d, "units");
        late += th_jint(d, "inspections_late");
        if (th_jint(d, "district_id") == xihu) {
            assert_int_equal(th_jint(d, "inspections_late"), 3);
            assert_int_equal(th_jint(d, "rect_open"), 1);
        }
    }
    assert_int_equal(units, n);
    assert_int_equal(late, 20);
    json_decref(ov);
    /* most overdue first, one page of two */
    ov = get_json("/api/v1/work/overview?sort=overdue&limit=2", &office, 200);
    assert_int_equal(json_array_size(json_object_get(ov, "rows")), 2);
    assert_int_equal(th_jint(json_array_get(json_object_get(ov, "rows"), 0), "unit_id"), u1);
    assert_int_equal(th_jint(json_array_get(json_object_get(ov, "rows"), 1), "unit_id"), u3);
    assert_int_equal(th_jint(ov, "units"), n); /* the totals count every unit */
    assert_int_equal(th_jint(json_object_get(ov, "total"), "units"), n);
    json_decref(ov);
    ov = get_json("/api/v1/work/overview?sort=overdue&limit=2&offset=1", &office, 200);
    assert_int_equal(th_jint(json_array_get(json_object_get(ov, "rows"), 0), "unit_id"), u3);
    json_decref(ov);
    /* filters: a district, a unit type */
    char path[128];
    snprintf(path, sizeof path, "/api/v1/work/overview?district=%lld", (long long)dongcheng);
    ov = get_json(path, &office, 200);
    assert_non_null(row_of(ov, u2));
    assert_null(row_of(ov, u1));
    assert_string_equal(th_jstr(json_object_get(ov, "district"), "name"), "东城区文明办");
    json_decref(ov);
    snprintf(path, sizeof path, "/api/v1/units/%lld", (long long)u1);
    json_t *unit = get_json(path, &admin, 200);
    char *type = curl_easy_escape(NULL, th_jstr(unit, "type"), 0);
    snprintf(path, sizeof path, "/api/v1/work/overview?unit_type=%s", type);
    curl_free(type);
    ov = get_json(path, &admin, 200);
    assert_non_null(row_of(ov, u1));
    json_array_foreach(json_object_get(ov, "rows"), i, d)
    {
        assert_string_equal(th_jstr(d, "unit_type"), th_jstr(unit, "type"));
    }
    json_decref(ov);
    json_decref(unit);
}

/* The workbook: a row per unit, then each district's totals and the whole's. */
static void
test_xlsx(void **state)
{
    (void)state;
    struct th_resp *r =
        th_api(&srv, "GET", "/work/overview.xlsx?year=2026", &office, TH_COOKIE, NULL);
    th_assert_status(r, 200);
    assert_non_null(strstr(th_header(r, "Content-Type"), "spreadsheetml"));
    struct wm_table *t = NULL;
    char err[256];
    assert_int_equal(wm_table_read(r->body, r->len, WM_TABLE_XLSX, &t, err, sizeof err), 0);
    assert_string_equal(wm_row_cell(&t->rows[0], 1), "单位名称");
    assert_string_equal(wm_row_cell(&t->rows[0], 8), "任务逾期");
    bool seen = false, total = false;
    for (size_t i = 1; i < t->nrows; i++) {
        const struct wm_row *row = &t->rows[i];
        if (0 == strcmp(wm_row_cell(row, 2), "DEMO001")) {
            seen = true;
            assert_string_equal(wm_row_cell(row, 4), "有");       /* group */
            assert_string_equal(wm_row_cell(row, 6), "1");        /* tasks done */
            assert_string_equal(wm_row_cell(row, 7), "3");        /* of */
            assert_string_equal(wm_row_cell(row, 11), "2");       /* meeting periods late */
            assert_string_equal(wm_row_cell(row, 12), "2");       /* weeks inspected */
            assert_string_equal(wm_row_cell(row, 13), "19");      /* weeks owed */
            assert_string_equal(wm_row_cell(row, 15), "1");       /* items overdue */
            assert_string_equal(wm_row_cell(row, 16), "21");      /* overdue in all */
        }
        if (0 == strcmp(wm_row_cell(row, 0), "总计")) {
            total = true;
            assert_string_equal(wm_row_cell(row, 14), "3");
        }
    }
    assert_true(seen);
    assert_true(total);
    wm_table_free(t);
    th_resp_free(r);
    r = th_api(&srv, "GET", "/work/overview.xlsx", &unitadmin, TH_COOKIE, NULL);
    th_assert_status(r, 403);
    th_resp_free(r);
}

/* The hub page: the four stages, each number a link to the part's page; what is late. */
static void
test_hub_page(void **state)
{
    (void)state;
    char path[96], want[128];
    snprintf(path, sizeof path, "/units/%lld/work?year=2026", (long long)u1);
    struct th_resp *r = th_api(&srv, "GET", path, &unitadmin, TH_COOKIE, NULL);
    th_assert_status(r, 200);
    static const char *const stages[] = {"用心策划", "专心实施", "细心检查", "精心改进",
                                         "逾期事项", "上报创建台账", "门前杂物堆放",
                                         "2 月", "第 1 周"};
    for (size_t i = 0; i < sizeof stages / sizeof stages[0]; i++) {
        if (NULL == strstr(r->body, stages[i])) {
            fprintf(stderr, "the hub lacks %s\n", stages[i]);
        }
        assert_non_null(strstr(r->body, stages[i]));
    }
    static const char *const parts[] = {"plan", "tasks", "group", "meetings", "inspections",
                                        "areas", "settings"};
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        snprintf(want, sizeof want, "href=\"/units/%lld/work/%s", (long long)u1, parts[i]);
        assert_non_null(strstr(r->body, want));
    }
    snprintf(want, sizeof want, "href=\"/rectifications?unit_id=%lld&amp;year=2026&amp;overdue=1\"",
             (long long)u1);
    assert_non_null(strstr(r->body, want));
    snprintf(want, sizeof want, "href=\"/units/%lld/work/tasks?year=2026&amp;state=overdue\"",
             (long long)u1);
    assert_non_null(strstr(r->body, want));
    snprintf(want, sizeof want, "href=\"/rectifications?unit_id=%lld&amp;year=2026&amp;source=review\"",
             (long long)u1);
    assert_non_null(strstr(r->body, want));
    assert_non_null(strstr(r->body, "href=\"/rectifications/")); /* the late item itself */
    /* the overdue link leads to that unit's overdue items, the filter kept in the form */
    snprintf(path, sizeof path, "/rectifications?unit_id=%lld&year=2026&overdue=1", (long long)u1);
    struct th_resp *l = th_api(&srv, "GET", path, &unitadmin, TH_COOKIE, NULL);
    th_assert_status(l, 200);
    snprintf(want, sizeof want, "name=\"unit_id\" value=\"%lld\"", (long long)u1);
    assert_non_null(strstr(l->body, want));
    assert_non_null(strstr(l->body, "门前杂物堆放"));
    th_resp_free(l);
    /* the nav link, marked as the current part (not 本单位) */
    snprintf(want, sizeof want, "href=\"/units/%lld/work\" aria-current=\"page\"", (long long)u1);
    assert_non_null(strstr(r->body, want));
    snprintf(want, sizeof want, "href=\"/units/%lld\" aria-current", (long long)u1);
    assert_null(strstr(r->body, want));
    th_resp_free(r);
    snprintf(path, sizeof path, "/units/%lld/work", (long long)u2);
    r = th_api(&srv, "GET", path, &unitadmin, TH_COOKIE, NULL);
    th_assert_status(r, 404);
    th_resp_free(r);
    r = th_api(&srv, "GET", path, &evaluator, TH_COOKIE, NULL);
    th_assert_status(r, 404);
    th_resp_free(r);
}

static void
test_overview_page(void **state)
{
    (void)state;
    struct th_resp *r =
        th_api(&srv, "GET", "/work/overview?year=2026&sort=overdue", &office, TH_COOKIE, NULL);
    th_assert_status(r, 200);
    char want[128];
    snprintf(want, sizeof want, "<a href=\"/units/%lld/work?year=2026\">", (long long)u1);
    const char *a = strstr(r->body, want);
    snprintf(want, sizeof want, "<a href=\"/units/%lld/work?year=2026\">", (long long)u3);
    const char *b = strstr(r->body, want);
    assert_non_null(a);
    assert_non_null(b);
    assert_true(a < b); /* most overdue first */
    assert_non_null(strstr(r->body, "总计"));
    assert_non_null(strstr(r->body, "aria-sort=\"descending\""));
    assert_non_null(strstr(r->body, "西湖区文明办"));
    assert_non_null(strstr(r->body, "/work/overview.xlsx?year=2026&amp;sort=overdue"));
    th_resp_free(r);
    snprintf(want, sizeof want, "/units/%lld", (long long)u1); /* the unit page links its hub */
    r = th_api(&srv, "GET", want, &office, TH_COOKIE, NULL);
    th_assert_status(r, 200);
    snprintf(want, sizeof want, "href=\"/units/%lld/work\"", (long long)u1);
    assert_non_null(strstr(r->body, want));
    th_resp_free(r);
    r = th_api(&srv, "GET", "/work/overview", &evaluator, TH_COOKIE, NULL);
    th_assert_status(r, 403);
    th_resp_free(r);
}

/* ---------------------------------------------------------------- setup */

/* A JSON call that must answer want; its body (NULL when it has none). */
static json_t *
call(const char *method, const char *path, const struct th_cred *c, json_t *body_steal,
     long want)
{
    char *body = body_steal ? th_jdump(body_steal) : NULL;
    struct th_resp *r = th_api(&srv, method, path, c, th_auth(c), body);
    free(body);
    if (r->status != want) {
        fprintf(stderr, "%s %s: HTTP %ld, want %ld: %s\n", method, path, r->status, want,
                r->body);
        th_resp_free(r);
        return NULL;
    }
    json_t *j = json_incref(r->json);
    th_resp_free(r);
    return j ? j : json_object();
}

/* One call of the seed; false when it did not answer want. */
static bool
step(const char *method, const char *path, json_t *body_steal, long want, int64_t *id)
{
    json_t *j = call(method, path, &unitadmin, body_steal, want);
    if (id) {
        *id = j ? th_jint(j, "id") : 0;
    }
    json_decref(j);
    return NULL != j;
}

/* 市司法局's settings, group, plan and tasks through work_plan.c's API. */
static int
seed_plan(void)
{
    char p[128];
    int64_t gone = 0, done = 0;
    bool ok = true;
    snprintf(p, sizeof p, "/api/v1/units/%lld/work/settings", (long long)u1);
    ok = ok && step("PUT", p, json_pack("{s:s, s:b}", "start_on", "2026-01-01",
                                        "inspect_weekly", 1), 200, NULL);
    snprintf(p, sizeof p, "/api/v1/units/%lld/work/members", (long long)u1);
    static const char *const members[][2] = {
        {"leader", "周局长"}, {"member", "刘主任"}, {"member", "已调离"}};
    for (size_t i = 0; ok && i < 3; i++) {
        ok = step("POST", p, json_pack("{s:s, s:s, s:s, s:s}", "body", "group", "role",
                                       members[i][0], "name", members[i][1], "from_on",
                                       "2026-01-01"),
                  201, &gone);
    }
    snprintf(p, sizeof p, "/api/v1/work/members/%lld/end", (long long)gone);
    ok = ok && step("POST", p, json_pack("{s:s}", "to_on", "2026-03-01"), 200, NULL);
    snprintf(p, sizeof p, "/api/v1/units/%lld/work/plans/2026", (long long)u1);
    ok = ok && step("PUT", p,
                    json_pack("{s:s, s:[{s:s, s:s, s:s}, {s:s, s:s, s:s}]}", "title",
                              "2026 年文明单位创建计划", "stages", "name", "宣传发动",
                              "starts_on", "2026-01-01", "ends_on", "2026-03-31", "name",
                              "组织实施", "starts_on", "2026-04-01", "ends_on", "2026-10-31"),
                    200, NULL);
    static const char *const tasks[][2] = {
        {"制定创建方案", "2026-02-01"}, {"上报创建台账", "2026-05-01"}, {"年中自查", "2026-06-30"}};
    snprintf(p, sizeof p, "/api/v1/units/%lld/work/tasks", (long long)u1);
    for (size_t i = 0; ok && i < 3; i++) {
        int64_t id = 0;
        ok = step("POST", p, json_pack("{s:i, s:s, s:s}", "year", 2026, "title", tasks[i][0],
                                       "due_on", tasks[i][1]),
                  201, &id);
        done = done ? done : id;
    }
    snprintf(p, sizeof p, "/api/v1/work/tasks/%lld/done", (long long)done);
    ok = ok && step("POST", p, json_pack("{s:s}", "note", "已印发"), 200, NULL);
    return ok ? 0 : -1;
}

/* 市司法局's meetings through work_meet.c's API, of its default kinds. */
static int
seed_meetings(void)
{
    char p[128];
    snprintf(p, sizeof p, "/api/v1/units/%lld/work/meeting-kinds", (long long)u1);
    json_t *kinds = call("GET", p, &unitadmin, NULL, 200); /* the defaults, made now */
    static const char *const held[][3] = {{"领导小组会议", "2026-02-10", "第一季度会议"},
                                          {"工作分析会", "2026-01-15", "一月分析会"},
                                          {"工作分析会", "2026-03-10", "三月分析会"}};
    bool ok = NULL != kinds;
    snprintf(p, sizeof p, "/api/v1/units/%lld/work/meetings", (long long)u1);
    for (size_t i = 0; ok && i < 3; i++) {
        const json_t *k = kind_named(json_object_get(kinds, "items"), held[i][0]);
        ok = k && step("POST", p,
                       json_pack("{s:I, s:s, s:s}", "kind_id", (json_int_t)th_jint(k, "id"),
                                 "held_on", held[i][1], "title", held[i][2]),
                       201, NULL);
    }
    json_decref(kinds);
    return ok ? 0 : -1;
}

/* 市司法局's inspections through work_inspect.c's API: on 2026-05-04 a finding (需整改,
** its item due a week later: overdue today), on 2026-05-12 all well. */
static int
seed_inspections(void)
{
    char p[128];
    int64_t area = 0;
    snprintf(p, sizeof p, "/api/v1/units/%lld/work/areas", (long long)u1);
    bool ok = step("POST", p, json_pack("{s:s, s:s}", "name", "大门口", "category", "门前三包"),
                   201, &area);
    snprintf(p, sizeof p, "/api/v1/units/%lld/work/inspections", (long long)u1);
    ok = ok && step("POST", p,
                    json_pack("{s:s, s:[{s:I, s:s, s:s}]}", "held_on", "2026-05-04", "checks",
                              "area_id", (json_int_t)area, "result", "fix", "note",
                              "门前杂物堆放"),
                    201, NULL);
    ok = ok && step("POST", p,
                    json_pack("{s:s, s:[{s:I, s:s, s:s}]}", "held_on", "2026-05-12", "checks",
                              "area_id", (json_int_t)area, "result", "pass", "note", ""),
                    201, NULL);
    return ok ? 0 : -1;
}

/* The rest, written into the store (see the file's comment). */
static int
seed(void)
{
    if (seed_plan() || seed_meetings() || seed_inspections()) {
        return -1;
    }
    char sql[6000];
    int n = snprintf(
        sql, sizeof sql,
        "INSERT INTO work_unit(unit_id, start_on, inspect_weekly, updated_at) VALUES "
        "(%3$lld, '2026-04-20', 1, 1);"
        "INSERT INTO work_member(unit_id, body, role, name, from_on, to_on, created_at) VALUES "
        "(%2$lld, 'group', 'member', '王成员', '2026-01-01', NULL, 1);"
        /* its default kinds but the monthly one put aside (a unit has them from its creation) */
        "UPDATE work_meeting_kind SET active = 0 WHERE unit_id = %3$lld AND name <> '工作分析会';"
        "INSERT INTO rectification(unit_id, year, indicator_code, problem, source, due_on, "
        "state, created_at, updated_at) VALUES "
        "(%1$lld, 2026, '', '公共区域卫生', 'inspection', '2026-06-01', 'open', 1, 1),"
        "(%1$lld, 2026, '1.1', '台账不全', 'self_check', '2026-04-01', 'done', 1, 1),"
        "(%1$lld, 2026, '1.2', '材料退回', 'review', '2026-04-01', 'verified', 1, 1),"
        "(%1$lld, 2026, '1.3', '测评扣分', 'evaluation', '2026-04-01', 'closed', 1, 1),"
        "(%3$lld, 2026, '', '宣传栏破损', 'inspection', '2026-06-01', 'open', 1, 1);",
        (long long)u1, (long long)u2, (long long)u3);
    if (n < 0 || (size_t)n >= sizeof sql) {
        return -1;
    }
    return th_store_exec(&srv, sql);
}

static int
setup(void **state)
{
    (void)state;
    char now[64];
    /* 2026-05-15 10:00 in Asia/Shanghai */
    struct tm tm = {.tm_year = 2026 - 1900, .tm_mon = 4, .tm_mday = 15, .tm_hour = 2};
    snprintf(now, sizeof now, "WM_FAKE_NOW=%lld", (long long)timegm(&tm));
    const char *env[] = {now, NULL};
    if (th_server_create(&srv, NULL) || th_server_start(&srv, env)) {
        return -1;
    }
    struct {
        const char *user;
        struct th_cred *c;
    } who[] = {{"admin", &admin},         {"office", &office},
               {"district", &district},   {"unitadmin", &unitadmin},
               {"evaluator", &evaluator}};
    for (size_t i = 0; i < sizeof who / sizeof who[0]; i++) {
        if (201 != th_login(&srv, who[i].user, TH_DEMO_PW, who[i].c) ||
            th_make_token(&srv, who[i].c, "work") <= 0) {
            return -1;
        }
    }
    u1 = th_unit_id(&srv, &admin, "DEMO001");
    u2 = th_unit_id(&srv, &admin, "DEMO013");
    u3 = th_unit_id(&srv, &admin, "DEMO014");
    if (!u1 || !u2 || !u3) {
        return -1;
    }
    char path[64];
    snprintf(path, sizeof path, "/api/v1/units/%lld", (long long)u2);
    json_t *j = get_json(path, &admin, 200);
    dongcheng = th_jint(j, "parent_id");
    json_decref(j);
    snprintf(path, sizeof path, "/api/v1/units/%lld", (long long)u3);
    j = get_json(path, &admin, 200);
    xihu = th_jint(j, "parent_id");
    json_decref(j);
    return seed();
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
        cmocka_unit_test(test_summary), cmocka_unit_test(test_joined_mid_year),
        cmocka_unit_test(test_scope),   cmocka_unit_test(test_overview),
        cmocka_unit_test(test_xlsx),    cmocka_unit_test(test_hub_page),
        cmocka_unit_test(test_overview_page),
    };
    int failed = cmocka_run_group_tests_name("work_overview", tests, setup, teardown);
    th_done();
    return failed + th_teardown_failures;
}
