/*
** test_http_results.c — a round's results (issue 10) over real HTTP against `wenming serve
** --demo`: totals and subtotals from locked entries (entry_final, written here straight into
** the store as the leader's lock leaves them), ranks with ties (round, district, type),
** the veto failing a unit whatever its total, the threshold, who sees which rows (units
** nothing before publicity, then only their own; never another's), the publicity list (公示)
** in and out of the jurisdiction, objections lodged and answered, title decisions
** (award/keep/revoke) in the register, rectification items from deductions, the ranking
** XLSX read back, and the unit's PDF sheet (pdftotext: its name and total).
**
** The demo: the city office holds 市司法局 (DEMO001: unitadmin, member) directly; 东城区
** (account district) holds 青山镇 (DEMO013) and 朝阳街道 (DEMO016); 西湖区 holds 柳河镇
** (DEMO014).  The demo's 100-point standard: tops 1, 2, 3; leaves 1.1.1 (2.5 points),
** 2.1.1 (7.5), 3.1.1 (25), 3.2.1 (25), 3.2.2 (veto).
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <locale.h>

/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
/* clang-format on */

#include <time.h>

#include <archive.h>
#include <archive_entry.h>

#include "harness.h"
#include "wm_table.h"

static struct th_server srv;
static struct th_cred admin, office, district, evaluator, unitadmin, member, qsadmin, lhadmin;
static int64_t unit1, qingshan, liuhe, chaoyang, edition;

static struct th_resp *
api(const char *method, const char *path, const struct th_cred *c, json_t *body_steal)
{
    char *body = body_steal ? th_jdump(body_steal) : NULL;
    struct th_resp *r = th_api(&srv, method, path, c, th_auth(c), body);
    free(body);
    return r;
}

static long
status_of(const char *method, const char *path, const struct th_cred *c, json_t *body_steal)
{
    struct th_resp *r = api(method, path, c, body_steal);
    long st = r->status;
    th_resp_free(r);
    return st;
}

static void
exec_sql(const char *sql)
{
    assert_int_equal(th_store_exec(&srv, sql), 0);
}

static void
move(const struct th_cred *c, int64_t id, const char *to)
{
    char path[64];
    snprintf(path, sizeof path, "/api/v1/rounds/%lld/state", (long long)id);
    struct th_resp *r = api("POST", path, c, json_pack("{s:s}", "to", to));
    th_assert_status(r, 200);
    th_resp_free(r);
}

static int
this_year(void)
{
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    return tm.tm_year + 1900;
}

static int64_t
round_make(const struct th_cred *c, const char *name)
{
    struct th_resp *r =
        api("POST", "/api/v1/rounds", c,
            json_pack("{s:s, s:s, s:I, s:s, s:s, s:i, s:i, s:s, s:s, s:s, s:s}", "name", name,
                      "level", "市级", "edition_id", (json_int_t)edition, "window_start",
                      "2026-03-01", "window_end", "2026-04-30", "years_from", this_year() - 1,
                      "years_to", this_year(), "pass_threshold", "50", "reconcile", "mean",
                      "publicity_start", "2026-06-01", "publicity_end", "2026-06-07"));
    th_assert_status(r, 201);
    int64_t id = th_jint(r->json, "id");
    th_resp_free(r);
    return id;
}

/* An accepted, locked entry with its final values ("code=value;..." hundredths). */
static void
entry_make(int64_t round,
           int64_t id,
           int64_t unit,
           const char *kind,
           const char *finals,
           bool vetoed)
{
    char sql[2048];
    snprintf(sql, sizeof sql,
             "INSERT INTO round_entry(id, round_id, unit_id, kind, state, created_at, updated_at, "
             "locked_at, total, vetoed, veto_reason) VALUES (%lld, %lld, %lld, '%s', 'accepted', "
             "1000, 1000, 2000, 0, %d, %s)",
             (long long)id, (long long)round, (long long)unit, kind, vetoed ? 1 : 0,
             vetoed ? "'重大安全事故'" : "NULL");
    exec_sql(sql);
    char buf[256];
    snprintf(buf, sizeof buf, "%s", finals);
    char *save = NULL;
    for (char *p = buf; p && *p;) {
        char *semi = strchr(p, ';');
        if (semi) {
            *semi = '\0';
        }
        char *eq = strchr(p, '=');
        assert_non_null(eq);
        *eq = '\0';
        snprintf(sql, sizeof sql,
                 "INSERT INTO entry_final(entry_id, indicator_code, value, how, decided_at) "
                 "VALUES (%lld, '%s', %s, 'mean', 2000)",
                 (long long)id, p, eq + 1);
        exec_sql(sql);
        p = semi ? semi + 1 : NULL;
    }
    /* the total as wm_entry_lock writes it (the standard here has no bonus or negative
    ** leaves: the sum); the ranking reads it, the subtotals come from entry_final */
    snprintf(sql, sizeof sql,
             "UPDATE round_entry SET total = (SELECT coalesce(sum(value), 0) FROM entry_final "
             "WHERE entry_id = %lld) WHERE id = %lld",
             (long long)id, (long long)id);
    exec_sql(sql);
    (void)save;
}

/* The result rows (items) of the round as c sees them (200 expected). */
static json_t *
results(const struct th_cred *c, int64_t round, const char *query)
{
    char path[160];
    snprintf(path, sizeof path, "/api/v1/rounds/%lld/results%s", (long long)round, query);
    struct th_resp *r = api("GET", path, c, NULL);
    th_assert_status(r, 200);
    json_t *o = json_incref(r->json);
    th_resp_free(r);
    return o;
}

static const json_t *
row_of(const json_t *res, int64_t unit)
{
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(res, "items"), i, x)
    {
        if (th_jint(x, "unit_id") == unit) {
            return x;
        }
    }
    return NULL;
}

static void
test_round(void **state)
{
    (void)state;
    int64_t rid = round_make(&office, "第十五届结果测试");
    move(&office, rid, "open");
    /* 59.5 each (a tie), 30 (fails the threshold of 50), 60 vetoed */
    entry_make(rid, 9001, unit1, "declare", "1.1.1=200;2.1.1=750;3.1.1=2500;3.2.1=2500", false);
    entry_make(rid, 9002, qingshan, "recheck", "1.1.1=250;2.1.1=700;3.1.1=2500;3.2.1=2500", false);
    entry_make(rid, 9003, liuhe, "declare", "1.1.1=250;2.1.1=750;3.1.1=2500;3.2.1=2500", true);
    entry_make(rid, 9004, chaoyang, "recheck", "3.1.1=1500;3.2.1=1500", false);
    /* the evaluator's deduction on 市司法局's 1.1.1 */
    char sql[512];
    snprintf(sql, sizeof sql,
             "INSERT INTO score_sheet(id, entry_id, evaluator_id, state, submitted_at, updated_at) "
             "VALUES (9101, 9001, %lld, 'submitted', 2000, 2000); "
             "INSERT INTO score(sheet_id, indicator_code, value, deductions, updated_at) VALUES "
             "(9101, '1.1.1', 200, '[{\"reason\":\"会议纪要缺失\",\"points\":50}]', 2000)",
             (long long)evaluator.user_id);
    exec_sql(sql);
    /* titles of the rechecked units */
    const int64_t held[] = { qingshan, chaoyang };
    for (size_t i = 0; i < 2; i++) {
        struct th_resp *r =
            api("POST", "/api/v1/titles", &admin,
                json_pack("{s:I, s:s, s:s, s:s, s:s}", "unit_id", (json_int_t)held[i], "title",
                          "第十四届市级文明单位", "level", "市级", "awarded_on", "2023-03-05",
                          "valid_until", "2026-12-31"));
        th_assert_status(r, 201);
        th_resp_free(r);
    }

    char path[160];
    /* ---- open: offices see the results, units nothing, evaluators never */
    json_t *res = results(&office, rid, "");
    assert_int_equal(json_array_size(json_object_get(res, "items")), 4);
    assert_string_equal(th_jstr(res, "threshold"), "50");
    const json_t *a = row_of(res, unit1), *q = row_of(res, qingshan), *l = row_of(res, liuhe),
                 *cy = row_of(res, chaoyang);
    assert_non_null(a);
    assert_string_equal(th_jstr(a, "total"), "59.5");
    json_t *st = json_object_get(a, "subtotals");
    assert_int_equal(json_array_size(st), 3);
    assert_string_equal(json_string_value(json_array_get(st, 0)), "2");
    assert_string_equal(json_string_value(json_array_get(st, 1)), "7.5");
    assert_string_equal(json_string_value(json_array_get(st, 2)), "50");
    /* a tie: both first; the failing unit third; the vetoed one last whatever its total */
    assert_int_equal(th_jint(a, "rank"), 1);
    assert_int_equal(th_jint(q, "rank"), 1);
    assert_int_equal(th_jint(cy, "rank"), 3);
    assert_int_equal(th_jint(l, "rank"), 4);
    assert_string_equal(th_jstr(l, "total"), "60");
    assert_true(json_is_true(json_object_get(a, "pass")));
    assert_true(json_is_true(json_object_get(q, "pass")));
    assert_true(json_is_false(json_object_get(cy, "pass"))); /* 30 < 50 */
    assert_true(json_is_false(json_object_get(l, "pass")));  /* vetoed */
    assert_true(json_is_true(json_object_get(l, "vetoed")));
    /* per district (东城区: 青山镇 59.5, 朝阳街道 30) and per type (乡镇: 青山镇, 柳河镇 vetoed) */
    assert_int_equal(th_jint(q, "rank_district"), 1);
    assert_int_equal(th_jint(cy, "rank_district"), 2);
    assert_int_equal(th_jint(l, "rank_district"), 1);
    assert_int_equal(th_jint(q, "rank_type"), 1);
    assert_int_equal(th_jint(l, "rank_type"), 2);
    assert_int_equal(th_jint(json_object_get(res, "counts"), "passed"), 2);
    assert_int_equal(json_array_size(json_object_get(res, "districts")), 3);
    int64_t dong = th_jint(q, "district_id"); /* 东城区 */
    assert_null(json_object_get(a, "unit_path"));
    json_decref(res);
    /* filters: passing only; a type; a window of one */
    res = results(&office, rid, "?pass=1");
    assert_int_equal(th_jint(res, "matched"), 2);
    json_decref(res);
    res = results(&office, rid, "?pass=0");
    assert_int_equal(th_jint(res, "matched"), 2);
    json_decref(res);
    res = results(&office, rid, "?unit_type=%E4%B9%A1%E9%95%87&limit=1");
    assert_int_equal(th_jint(res, "matched"), 2);
    assert_int_equal(json_array_size(json_object_get(res, "items")), 1);
    json_decref(res);
    /* sorted by district, then the rank in it; a bad sort: 400 */
    json_t *bys = results(&office, rid, "?sort=type");
    assert_int_equal(json_array_size(json_object_get(bys, "items")), 4);
    const json_t *s0 = json_array_get(json_object_get(bys, "items"), 0);
    const json_t *s1 = json_array_get(json_object_get(bys, "items"), 1);
    assert_string_equal(th_jstr(s0, "unit_type"), th_jstr(s1, "unit_type")); /* 乡镇 twice */
    assert_true(th_jint(s0, "rank_type") < th_jint(s1, "rank_type"));
    json_decref(bys);
    snprintf(path, sizeof path, "/api/v1/rounds/%lld/results?sort=bogus", (long long)rid);
    assert_int_equal(status_of("GET", path, &office, NULL), 400);
    /* by district: 东城区 (青山镇's district) */
    char dq[64];
    snprintf(dq, sizeof dq, "?district=%lld", (long long)dong);
    json_t *byd = results(&office, rid, dq);
    assert_int_equal(th_jint(byd, "matched"), 2);
    json_decref(byd);
    /* the district office: its jurisdiction's rows only */
    res = results(&district, rid, "");
    assert_int_equal(json_array_size(json_object_get(res, "items")), 2);
    assert_null(row_of(res, unit1));
    json_decref(res);
    snprintf(path, sizeof path, "/api/v1/rounds/%lld/results", (long long)rid);
    assert_int_equal(status_of("GET", path, &unitadmin, NULL), 404);
    assert_true(200 != status_of("GET", path, &evaluator, NULL));
    snprintf(path, sizeof path, "/api/v1/rounds/%lld/publicity", (long long)rid);
    assert_int_equal(status_of("GET", path, &unitadmin, NULL), 404);
    snprintf(path, sizeof path, "/api/v1/rounds/%lld/entries/9001/sheet.xlsx", (long long)rid);
    assert_int_equal(status_of("GET", path, &unitadmin, NULL), 404);
    /* objections only during publicity */
    snprintf(path, sizeof path, "/api/v1/rounds/%lld/objections", (long long)rid);
    assert_int_equal(status_of("POST", path, &qsadmin, json_pack("{s:s}", "text", "早")), 409);
    /* rectification only after locking */
    snprintf(path, sizeof path, "/api/v1/rounds/%lld/rectifications", (long long)rid);
    assert_int_equal(status_of("POST", path, &office, json_pack("{}")), 409);

    /* ---- locked: rectification items from deductions */
    move(&office, rid, "evaluating");
    move(&office, rid, "locked");
    struct th_resp *r = api("POST", path, &office,
                            json_pack("{s:i, s:s}", "entry_id", 9001, "due_on", "2026-09-30"));
    th_assert_status(r, 200);
    assert_int_equal(th_jint(r->json, "opened"), 1); /* 1.1.1: 2 of 2.5 */
    th_resp_free(r);
    r = api("POST", path, &office, json_pack("{}"));
    th_assert_status(r, 200);
    assert_int_equal(th_jint(r->json, "opened"), 3); /* 青山镇 2.1.1, 朝阳街道 3.1.1 and 3.2.1 */
    th_resp_free(r);
    r = api("POST", path, &office, json_pack("{}"));
    assert_int_equal(th_jint(r->json, "opened"), 0); /* not twice */
    th_resp_free(r);
    assert_int_equal(status_of("POST", path, &unitadmin, json_pack("{}")), 403);
    r = api("GET", "/api/v1/rectifications", &unitadmin, NULL);
    th_assert_status(r, 200);
    json_t *items = json_object_get(r->json, "items");
    assert_int_equal(json_array_size(items), 1);
    assert_string_equal(th_jstr(json_array_get(items, 0), "indicator_code"), "1.1.1");
    assert_non_null(strstr(th_jstr(json_array_get(items, 0), "problem"), "会议纪要缺失"));
    assert_string_equal(th_jstr(json_array_get(items, 0), "due_on"), "2026-09-30");
    assert_string_equal(th_jstr(json_array_get(items, 0), "source"), "evaluation");
    th_resp_free(r);
    r = api("GET", "/api/v1/rectifications", &office, NULL);
    assert_int_equal(json_array_size(json_object_get(r->json, "items")), 4);
    th_resp_free(r);
    r = api("GET", "/api/v1/rectifications", &district, NULL);
    assert_int_equal(json_array_size(json_object_get(r->json, "items")), 3);
    th_resp_free(r);
    r = th_api(&srv, "GET", "/rectifications", &unitadmin, TH_COOKIE, NULL);
    th_assert_status(r, 200);
    assert_non_null(strstr(r->body, "会议纪要缺失"));
    th_resp_free(r);

    /* ---- publicity: units see their own result only; the list without scores */
    move(&office, rid, "publicity");
    res = results(&unitadmin, rid, "");
    assert_int_equal(json_array_size(json_object_get(res, "items")), 1);
    assert_int_equal(th_jint(json_array_get(json_object_get(res, "items"), 0), "unit_id"), unit1);
    json_decref(res);
    snprintf(path, sizeof path, "/api/v1/rounds/%lld/entries/9002/result", (long long)rid);
    assert_int_equal(status_of("GET", path, &unitadmin, NULL), 404);
    assert_int_equal(status_of("GET", path, &qsadmin, NULL), 200);
    snprintf(path, sizeof path, "/api/v1/rounds/%lld/entries/9002/sheet.pdf", (long long)rid);
    assert_int_equal(status_of("GET", path, &unitadmin, NULL), 404);
    snprintf(path, sizeof path, "/api/v1/rounds/%lld/publicity", (long long)rid);
    r = api("GET", path, &lhadmin, NULL);
    th_assert_status(r, 200);
    items = json_object_get(r->json, "items");
    assert_int_equal(json_array_size(items), 2);
    assert_null(json_object_get(json_array_get(items, 0), "total"));
    assert_null(strstr(r->body, "59.5")); /* nobody else's score */
    assert_string_equal(th_jstr(r->json, "publicity_end"), "2026-06-07");
    assert_true(json_is_object(json_object_get(r->json, "own"))); /* 柳河镇's own */
    assert_string_equal(th_jstr(json_object_get(r->json, "own"), "total"), "60");
    th_resp_free(r);
    r = th_api(&srv, "GET", path + strlen("/api/v1"), &qsadmin, TH_COOKIE, NULL);
    th_assert_status(r, 200);
    assert_non_null(strstr(r->body, "市司法局"));
    assert_non_null(strstr(r->body, "2026-06-07"));
    th_resp_free(r);
    /* the unit's home shows its own result */
    r = th_api(&srv, "GET", "/home", &unitadmin, TH_COOKIE, NULL);
    th_assert_status(r, 200);
    assert_non_null(strstr(r->body, "第十五届结果测试"));
    assert_non_null(strstr(r->body, "59.5"));
    th_resp_free(r);
    /* a round of 东城区: not readable by 柳河镇 (西湖区) */
    int64_t rd = round_make(&district, "东城区结果测试");
    const char *steps[] = { "open", "evaluating", "locked", "publicity" };
    for (size_t i = 0; i < 4; i++) {
        move(&district, rd, steps[i]);
    }
    snprintf(path, sizeof path, "/api/v1/rounds/%lld/publicity", (long long)rd);
    assert_int_equal(status_of("GET", path, &lhadmin, NULL), 404);
    assert_int_equal(status_of("GET", path, &qsadmin, NULL), 200);

    /* the ranking as XLSX, read back */
    snprintf(path, sizeof path, "/api/v1/rounds/%lld/results.xlsx", (long long)rid);
    r = api("GET", path, &office, NULL);
    th_assert_status(r, 200);
    struct wm_table *t = NULL;
    char err[256];
    assert_int_equal(wm_table_read(r->body, r->len, WM_TABLE_XLSX, &t, err, sizeof err), 0);
    bool seen = false, tot = false;
    for (size_t i = 0; i < t->nrows; i++) {
        for (size_t k = 0; k < t->rows[i].ncells; k++) {
            const char *v = wm_row_cell(&t->rows[i], k);
            seen = seen || 0 == strcmp(v, "青山镇");
            tot = tot || 0 == strcmp(v, "59.5");
        }
    }
    assert_true(seen);
    assert_true(tot);
    wm_table_free(t);
    th_resp_free(r);
    /* the unit's own sheet: XLSX, and the PDF with its name and total */
    snprintf(path, sizeof path, "/api/v1/rounds/%lld/entries/9001/sheet.xlsx", (long long)rid);
    r = api("GET", path, &unitadmin, NULL);
    th_assert_status(r, 200);
    assert_non_null(strstr(th_header(r, "Content-Type"), "spreadsheetml"));
    th_resp_free(r);
    snprintf(path, sizeof path, "/api/v1/rounds/%lld/entries/9001/sheet.pdf", (long long)rid);
    r = api("GET", path, &unitadmin, NULL);
    th_assert_status(r, 200);
    assert_memory_equal(r->body, "%PDF", 4);
    char *text = th_pdf_text(r->body, r->len);
    if (text) {
        assert_non_null(strstr(text, "市司法局"));
        assert_non_null(strstr(text, "59.5"));
        assert_non_null(strstr(text, "第十五届结果测试"));
        free(text);
    }
    th_resp_free(r);

    /* objections: lodged by units, answered once by the round's office */
    snprintf(path, sizeof path, "/api/v1/rounds/%lld/objections", (long long)rid);
    r = api("POST", path, &qsadmin,
            json_pack("{s:i, s:s}", "entry_id", 9001, "text", "对市司法局的得分有异议"));
    th_assert_status(r, 201);
    int64_t ob = th_jint(r->json, "id");
    assert_string_equal(th_jstr(r->json, "entry_unit_name"), "市司法局");
    th_resp_free(r);
    r = api("POST", path, &member, json_pack("{s:s}", "text", "总体意见"));
    th_assert_status(r, 201);
    th_resp_free(r);
    assert_int_equal(status_of("POST", path, &office, json_pack("{s:s}", "text", "x")), 403);
    assert_int_equal(status_of("POST", path, &qsadmin, json_pack("{s:s}", "text", "")), 400);
    r = api("GET", path, &office, NULL);
    assert_int_equal(json_array_size(r->json), 2);
    th_resp_free(r);
    r = api("GET", path, &unitadmin, NULL); /* its unit's own (member's) only */
    assert_int_equal(json_array_size(r->json), 1);
    th_resp_free(r);
    char ap[128];
    snprintf(ap, sizeof ap, "/api/v1/rounds/%lld/objections/%lld/answer", (long long)rid,
             (long long)ob);
    assert_int_equal(status_of("POST", ap, &qsadmin, json_pack("{s:s}", "answer", "x")), 403);
    r = api("POST", ap, &office, json_pack("{s:s}", "answer", "经复核，维持原评分"));
    th_assert_status(r, 200);
    assert_string_equal(th_jstr(r->json, "state"), "answered");
    th_resp_free(r);
    assert_int_equal(status_of("POST", ap, &office, json_pack("{s:s}", "answer", "again")), 409);

    /* ---- titles: only when closed, then award / keep / revoke, once */
    snprintf(path, sizeof path, "/api/v1/rounds/%lld/titles", (long long)rid);
    json_t *tb = json_pack("{s:s, s:s, s:s}", "title", "第十五届市级文明单位", "awarded_on",
                           "2026-07-01", "valid_until", "2029-06-30");
    assert_int_equal(status_of("POST", path, &office, json_incref(tb)), 409);
    move(&office, rid, "closed");
    assert_int_equal(status_of("POST", path, &unitadmin, json_incref(tb)), 403);
    assert_int_equal(status_of("POST", path, &office, json_pack("{s:s}", "title", "x")), 400);
    r = api("POST", path, &office, json_incref(tb));
    th_assert_status(r, 200);
    assert_int_equal(th_jint(r->json, "awarded"), 1);
    assert_int_equal(th_jint(r->json, "kept"), 1);
    assert_int_equal(th_jint(r->json, "revoked"), 1);
    assert_int_equal(th_jint(r->json, "none"), 1);
    th_resp_free(r);
    assert_int_equal(status_of("POST", path, &office, json_incref(tb)), 409);
    json_decref(tb);
    snprintf(path, sizeof path, "/api/v1/units/%lld/titles", (long long)unit1);
    r = api("GET", path, &admin, NULL);
    th_assert_status(r, 200);
    assert_non_null(strstr(r->body, "第十五届市级文明单位"));
    th_resp_free(r);
    snprintf(path, sizeof path, "/api/v1/units/%lld/titles", (long long)chaoyang);
    r = api("GET", path, &admin, NULL);
    assert_non_null(strstr(r->body, "revoked"));
    th_resp_free(r);
    snprintf(path, sizeof path, "/api/v1/units/%lld/titles", (long long)qingshan);
    r = api("GET", path, &admin, NULL);
    assert_non_null(strstr(r->body, "2029-06-30"));
    th_resp_free(r);
    snprintf(path, sizeof path, "/api/v1/units/%lld/titles", (long long)liuhe);
    r = api("GET", path, &admin, NULL);
    assert_null(strstr(r->body, "第十五届"));
    th_resp_free(r);
    /* each decision reaches the unit's inbox (kind title) */
    struct {
        const struct th_cred *c;
        const char *line;
    } told[] = { { &unitadmin, "授予称号“第十五届市级文明单位”" },
                 { &member, "授予称号“第十五届市级文明单位”" },
                 { &qsadmin, "予以保留，有效期至 2029-06-30" } };
    for (size_t k = 0; k < sizeof told / sizeof told[0]; k++) {
        r = api("GET", "/api/v1/notifications?limit=50", told[k].c, NULL);
        th_assert_status(r, 200);
        bool heard = false;
        size_t i;
        json_t *n;
        json_array_foreach(json_object_get(r->json, "items"), i, n)
        {
            heard = heard || (0 == strcmp(th_jstr(n, "kind"), "title") &&
                              strstr(th_jstr(n, "text"), told[k].line) &&
                              0 == strcmp(th_jstr(n, "kind_label"), "文明称号"));
        }
        assert_true(heard);
        th_resp_free(r);
    }

    /* the command line: the ranking, and the offline review package read back */
    char idtxt[32];
    snprintf(idtxt, sizeof idtxt, "%lld", (long long)rid);
    char *out = TH_RUN(0, "round", "rank", "--data", srv.dir, idtxt);
    assert_non_null(strstr(out, "市司法局"));
    assert_non_null(strstr(out, "59.5"));
    free(out);
    free(TH_RUN(0, "export", "--help"));
    char zip[PATH_MAX + 32];
    snprintf(zip, sizeof zip, "%s/review.zip", srv.dir);
    out =
        TH_RUN(0, "export", "--data", srv.dir, "--round", idtxt, "--unit", "DEMO001", "--out", zip);
    free(out);
    struct archive *ar = archive_read_new();
    archive_read_support_format_zip(ar);
    assert_int_equal(archive_read_open_filename(ar, zip, 10240), ARCHIVE_OK);
    struct archive_entry *ae;
    bool rules = false, blank_pdf = false, blank_xlsx = false, archive_dir = false;
    int arc;
    while (ARCHIVE_OK == (arc = archive_read_next_header(ar, &ae)) || ARCHIVE_WARN == arc) {
        const char *name = archive_entry_pathname_utf8(ae);
        if (NULL == name) {
            name = archive_entry_pathname(ae);
        }
        if (getenv("TH_DEBUG_ZIP")) {
            fprintf(stderr, "zip: %s\n", name);
        }
        if (strstr(name, "评审资料/评分细则.json")) {
            char buf[65536];
            la_ssize_t n = archive_read_data(ar, buf, sizeof buf - 1);
            assert_true(n > 0);
            buf[n] = '\0';
            json_t *doc = json_loads(buf, 0, NULL);
            assert_non_null(doc);
            json_t *leaves = json_object_get(doc, "leaves");
            assert_true(json_array_size(leaves) >= 10);
            assert_string_equal(th_jstr(json_array_get(leaves, 0), "code"), "1.1.1");
            assert_true(strlen(th_jstr(json_array_get(leaves, 0), "rule_words")) > 0);
            json_decref(doc);
            rules = true;
        } else if (strstr(name, "评审资料/空白评分表.pdf")) {
            char head[5] = "";
            assert_int_equal(archive_read_data(ar, head, 4), 4);
            assert_memory_equal(head, "%PDF", 4);
            blank_pdf = true;
        } else if (strstr(name, "评审资料/空白评分表.xlsx")) {
            blank_xlsx = archive_entry_size(ae) > 0;
        } else if (strstr(name, "_创建档案")) {
            archive_dir = true;
        }
    }
    archive_read_free(ar);
    assert_true(rules);
    assert_true(blank_pdf);
    assert_true(blank_xlsx);
    assert_true(archive_dir);
    unlink(zip);
    free(TH_RUN(1, "export", "--data", srv.dir, "--round", "999999", "--unit", "DEMO001", "--out",
                zip));

    /* the pages */
    snprintf(path, sizeof path, "/rounds/%lld/results", (long long)rid);
    r = th_api(&srv, "GET", path, &office, TH_COOKIE, NULL);
    th_assert_status(r, 200);
    assert_non_null(strstr(r->body, "青山镇"));
    assert_non_null(strstr(r->body, "59.5"));
    th_resp_free(r);
    r = th_api(&srv, "GET", path, &unitadmin, TH_COOKIE, NULL);
    th_assert_status(r, 200);
    assert_non_null(strstr(r->body, "59.5"));
    assert_null(strstr(r->body, "青山镇"));
    th_resp_free(r);
    snprintf(path, sizeof path, "/rounds/%lld/objections", (long long)rid);
    r = th_api(&srv, "GET", path, &office, TH_COOKIE, NULL);
    th_assert_status(r, 200);
    assert_non_null(strstr(r->body, "经复核，维持原评分"));
    th_resp_free(r);
}

static bool
unit_admin_for(int64_t unit, const char *username, struct th_cred *c)
{
    struct th_resp *r = api("POST", "/api/v1/users", &admin,
                            json_pack("{s:s, s:s, s:s, s:s, s:I}", "username", username,
                                      "display_name", "结果 测试", "password", TH_DEMO_PW, "role",
                                      "unit_admin", "org_id", (json_int_t)unit));
    long st = r->status;
    th_resp_free(r);
    return 201 == st && 201 == th_login(&srv, username, TH_DEMO_PW, c) &&
           th_make_token(&srv, c, "results") > 0;
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
    } who[] = { { "admin", &admin },         { "office", &office },       { "district", &district },
                { "evaluator", &evaluator }, { "unitadmin", &unitadmin }, { "member", &member } };

    for (size_t i = 0; i < sizeof who / sizeof who[0]; i++) {
        if (201 != th_login(&srv, who[i].user, TH_DEMO_PW, who[i].c) ||
            th_make_token(&srv, who[i].c, "results") <= 0) {
            return -1;
        }
    }
    unit1 = th_unit_id(&srv, &admin, "DEMO001");
    qingshan = th_unit_id(&srv, &admin, "DEMO013");
    liuhe = th_unit_id(&srv, &admin, "DEMO014");
    chaoyang = th_unit_id(&srv, &admin, "DEMO016");
    if (0 == unit1 || 0 == qingshan || 0 == liuhe || 0 == chaoyang ||
        !unit_admin_for(qingshan, "qsadmin", &qsadmin) ||
        !unit_admin_for(liuhe, "lhadmin", &lhadmin)) {
        return -1;
    }
    struct th_resp *r = api("GET", "/api/v1/frameworks?limit=50", &office, NULL);
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(r->json, "items"), i, e)
    {
        const char *total = th_jstr(e, "total");
        if (total && 0 == strcmp(total, "100") && 0 == strcmp(th_jstr(e, "status"), "published")) {
            edition = th_jint(e, "id");
        }
    }
    th_resp_free(r);
    return edition ? 0 : -1;
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
    (void)setlocale(LC_ALL, "C.UTF-8"); /* libarchive's names */
    if (!th_init(argc, argv)) {
        return 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round),
    };
    int failed = cmocka_run_group_tests_name("results", tests, setup, teardown);
    th_done();
    return failed + th_teardown_failures;
}
