/*
** test_http_rounds.c — evaluation rounds (测评, issue 10) over real HTTP against `wenming
** serve --demo`: creating a round (every validation error), its states forward one step at
** a time by its office and back only by the admin with a reason, who sees which round,
** declarations (申报) with the district's recommendation (推荐) and the city's decision,
** units of types not admitted, and the declaration statistics with their XLSX.
**
** The demo jurisdiction: the city office (account office) holds 市司法局 (DEMO001: its
** unitadmin, member and leader accounts) directly; the account district belongs to
** 东城区文明办, which holds 青山镇 (DEMO013, 乡镇) and 朝阳街道 (DEMO016); 西湖区文明办 holds
** 柳河镇 (DEMO014).  Unit admins of 青山镇 and 柳河镇 are made here.
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
#include "wm_table.h"

static struct th_server srv;
static struct th_cred admin, office, district, evaluator, unitadmin, member, leader, qsadmin,
    lhadmin;
static int64_t unit1;    /* DEMO001 市司法局 (机关), under the city office */
static int64_t qingshan; /* DEMO013 青山镇 (乡镇), 东城区 */
static int64_t liuhe;    /* DEMO014 柳河镇 (乡镇), 西湖区 */
static int64_t edition;  /* the demo's published 100-point standard */
static int64_t city;     /* 某市文明办 */

static struct th_resp *
api(const char *method, const char *path, const struct th_cred *c, json_t *body_steal)
{
    char *body = body_steal ? th_jdump(body_steal) : NULL;
    struct th_resp *r = th_api(&srv, method, path, c, th_auth(c), body);
    free(body);
    return r;
}

static void
want(const char *method, const char *path, const struct th_cred *c, json_t *body_steal,
     long status)
{
    struct th_resp *r = api(method, path, c, body_steal);
    th_assert_status(r, status);
    th_resp_free(r);
}

/* A valid round's fields (caller changes them and takes the object). */
static json_t *
round_body(const char *name)
{
    return json_pack("{s:s, s:s, s:I, s:s, s:s, s:i, s:i, s:s, s:s}", "name", name, "level",
                     "市级", "edition_id", (json_int_t)edition, "window_start", "2026-03-01",
                     "window_end", "2026-04-30", "years_from", 2023, "years_to", 2025,
                     "pass_threshold", "85.5", "reconcile", "mean");
}

/* Create a round as office; its id. */
static int64_t
round_create(json_t *body_steal)
{
    struct th_resp *r = api("POST", "/api/v1/rounds", &office, body_steal);
    th_assert_status(r, 201);
    int64_t id = th_jint(r->json, "id");
    th_resp_free(r);
    return id;
}

static long
transition(const struct th_cred *c, int64_t id, const char *to, const char *reason)
{
    char path[64];
    snprintf(path, sizeof path, "/api/v1/rounds/%lld/state", (long long)id);
    json_t *b = json_pack("{s:s}", "to", to);
    if (reason) {
        json_object_set_new(b, "reason", json_string(reason));
    }
    struct th_resp *r = api("POST", path, c, b);
    long st = r->status;
    th_resp_free(r);
    return st;
}

/* The round as c sees it (200 expected); caller decrefs. */
static json_t *
round_get(const struct th_cred *c, int64_t id)
{
    char path[64];
    snprintf(path, sizeof path, "/api/v1/rounds/%lld", (long long)id);
    struct th_resp *r = api("GET", path, c, NULL);
    th_assert_status(r, 200);
    json_t *o = json_incref(r->json);
    th_resp_free(r);
    return o;
}

static void
assert_state(int64_t id, const char *state)
{
    json_t *o = round_get(&admin, id);
    assert_string_equal(th_jstr(o, "state"), state);
    json_decref(o);
}

/* ---------------------------------------------------------------- create */

static void
test_create(void **state)
{
    (void)state;
    int64_t id = round_create(round_body("第十五届市文明单位测评"));
    json_t *o = round_get(&office, id);
    assert_string_equal(th_jstr(o, "state"), "draft");
    assert_string_equal(th_jstr(o, "state_label"), "草稿");
    assert_string_equal(th_jstr(o, "window_start"), "2026-03-01");
    assert_string_equal(th_jstr(o, "pass_threshold"), "85.5");
    assert_string_equal(th_jstr(o, "edition_total"), "100");
    assert_string_equal(th_jstr(o, "office_name"), "某市文明办");
    assert_int_equal(th_jint(o, "office_id"), city);
    assert_true(json_is_array(json_object_get(o, "unit_types")));
    assert_true(json_is_false(json_object_get(o, "no_own_district")));
    /* RFC 3339 times */
    assert_non_null(strchr(th_jstr(o, "created_at"), 'T'));
    json_decref(o);

    /* each field's validation: 400 naming the field */
    static const struct {
        const char *key;
        const char *json; /* the value, as JSON */
        const char *field;
    } bad[] = {
        {"name", "\"\"", "name"},
        {"level", "null", "level"},
        {"edition_id", "999999", "edition_id"},
        {"window_start", "\"2026-02-30\"", "window_start"},
        {"window_end", "\"2026/04/30\"", "window_end"},
        {"window_end", "\"2026-02-01\"", "window_end"}, /* before the start */
        {"years_from", "1999", "years_from"},
        {"years_to", "2099", "years_to"},
        {"years_from", "2025", NULL}, /* with years_to 2023 below: from > to */
        {"pass_threshold", "\"100.01\"", "pass_threshold"},
        {"pass_threshold", "\"-1\"", "pass_threshold"},
        {"pass_threshold", "\"85.555\"", "pass_threshold"},
        {"reconcile", "\"vote\"", "reconcile"},
        {"unit_types", "[\"工厂\"]", "unit_types"},
        {"no_own_district", "1", "no_own_district"},
        {"publicity_start", "\"2026-07-01\"", "publicity_end"}, /* after the end below */
        {"bogus", "1", "bogus"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        json_t *b = round_body("校验");
        json_object_set_new(b, bad[i].key, json_loads(bad[i].json, JSON_DECODE_ANY, NULL));
        if (0 == strcmp(bad[i].key, "years_from")) {
            json_object_set_new(b, "years_to", json_integer(2023));
        }
        if (0 == strcmp(bad[i].key, "publicity_start")) {
            json_object_set_new(b, "publicity_end", json_string("2026-06-30"));
        }
        struct th_resp *r = api("POST", "/api/v1/rounds", &office, b);
        if (400 != r->status) {
            fprintf(stderr, "case %zu (%s): %ld %s\n", i, bad[i].key, r->status, r->body);
        }
        th_assert_error(r, 400, "bad_request", bad[i].field ? bad[i].field : "years_to");
        th_resp_free(r);
    }
    /* a Chinese message */
    json_t *b = round_body("校验");
    json_object_set_new(b, "window_end", json_string("2026-01-01"));
    struct th_resp *r = api("POST", "/api/v1/rounds", &office, b);
    assert_non_null(strstr(r->body, "申报开始日期不能晚于截止日期"));
    th_resp_free(r);
    /* a draft edition is refused; an integer threshold is points */
    b = round_body("整数分数线");
    json_object_set_new(b, "pass_threshold", json_integer(60));
    json_object_set_new(b, "unit_types", json_pack("[s, s]", "乡镇", "街道"));
    id = round_create(b);
    o = round_get(&office, id);
    assert_string_equal(th_jstr(o, "pass_threshold"), "60");
    assert_int_equal(json_array_size(json_object_get(o, "unit_types")), 2);
    json_decref(o);
    /* only office staff create: the admin 403, units and evaluators 403 */
    want("POST", "/api/v1/rounds", &admin, round_body("管理员"), 403);
    want("POST", "/api/v1/rounds", &unitadmin, round_body("单位"), 403);
    want("POST", "/api/v1/rounds", &evaluator, round_body("测评员"), 403);
    /* the district over its own jurisdiction; not over the city's */
    b = round_body("东城区测评");
    json_object_set_new(b, "level", json_string("区级"));
    r = api("POST", "/api/v1/rounds", &district, b);
    th_assert_status(r, 201);
    th_resp_free(r);
    b = round_body("越权");
    json_object_set_new(b, "scope_id", json_integer(city));
    r = api("POST", "/api/v1/rounds", &district, b);
    th_assert_error(r, 404, "not_found", "scope_id");
    th_resp_free(r);
    /* a unit is no scope */
    b = round_body("单位范围");
    json_object_set_new(b, "scope_id", json_integer(unit1));
    r = api("POST", "/api/v1/rounds", &office, b);
    th_assert_error(r, 400, "bad_request", "scope_id");
    th_resp_free(r);
}

/* ---------------------------------------------------------------- states */

static void
test_transitions(void **state)
{
    (void)state;
    static const char *const states[] = {"draft",  "open",      "evaluating",
                                         "locked", "publicity", "closed"};
    int64_t id = round_create(round_body("状态测试"));
    /* a skip is refused, whoever asks */
    assert_int_equal(transition(&office, id, "evaluating", NULL), 409);
    assert_int_equal(transition(&office, id, "closed", NULL), 409);
    assert_int_equal(transition(&office, id, "bogus", NULL), 400);
    assert_state(id, "draft");
    for (int i = 1; i < 6; i++) {
        /* the district (sees the round, not its office), units: refused */
        assert_int_equal(transition(&district, id, states[i], NULL), 403);
        assert_int_equal(transition(&unitadmin, id, states[i], NULL), 403);
        /* the admin does not move a round forward */
        assert_int_equal(transition(&admin, id, states[i], NULL), 403);
        if (i + 1 < 6) {
            assert_int_equal(transition(&office, id, states[i + 1], NULL), 409);
        }
        assert_int_equal(transition(&office, id, states[i], NULL), 200);
        assert_state(id, states[i]);
        /* the same move again: not next to the state any more */
        assert_int_equal(transition(&office, id, states[i], NULL), 409);
    }
    /* back: the admin only, one step, with a reason */
    assert_int_equal(transition(&office, id, "publicity", "撤回"), 403);
    assert_int_equal(transition(&admin, id, "publicity", NULL), 400);
    assert_int_equal(transition(&admin, id, "publicity", "  "), 400);
    assert_state(id, "closed");
    assert_int_equal(transition(&admin, id, "locked", "跳过"), 409);
    assert_int_equal(transition(&admin, id, "publicity", "公示名单有误，重新公示"), 200);
    assert_state(id, "publicity");
    /* the audit log has each move, the reason with the revert */
    struct th_resp *r = api("GET", "/api/v1/audit?action=round.state&limit=50", &admin, NULL);
    th_assert_status(r, 200);
    size_t n = 0, i;
    bool reason = false;
    json_t *row;
    json_array_foreach(json_object_get(r->json, "items"), i, row)
    {
        if (th_jint(row, "object_id") == id) {
            n++;
            json_t *after = json_object_get(json_object_get(row, "summary"), "after");
            const char *why = json_string_value(json_object_get(after, "reason"));
            reason = reason || (why && 0 == strcmp(why, "公示名单有误，重新公示"));
        }
    }
    assert_int_equal(n, 6);
    assert_true(reason);
    assert_non_null(strstr(r->body, "改变测评状态"));
    th_resp_free(r);
}

static void
test_update(void **state)
{
    (void)state;
    int64_t id = round_create(round_body("修改测试"));
    char path[64];
    snprintf(path, sizeof path, "/api/v1/rounds/%lld", (long long)id);
    struct th_resp *r = api("PATCH", path, &office,
                            json_pack("{s:s, s:b, s:s}", "pass_threshold", "90", "no_own_district",
                                      1, "reconcile", "leader"));
    th_assert_status(r, 200);
    assert_string_equal(th_jstr(r->json, "pass_threshold"), "90");
    assert_string_equal(th_jstr(r->json, "reconcile"), "leader");
    assert_true(json_is_true(json_object_get(r->json, "no_own_district")));
    assert_string_equal(th_jstr(r->json, "name"), "修改测试"); /* kept */
    th_resp_free(r);
    r = api("PATCH", path, &office, json_pack("{s:s}", "window_end", "2026-01-01"));
    th_assert_error(r, 400, "bad_request", "window_end");
    th_resp_free(r);
    want("PATCH", path, &district, json_pack("{s:s}", "name", "区里改"), 403);
    want("PATCH", path, &admin, json_pack("{s:s}", "name", "管理员改"), 403);
    /* once open: only the name and the publicity dates */
    assert_int_equal(transition(&office, id, "open", NULL), 200);
    r = api("PATCH", path, &office, json_pack("{s:s}", "pass_threshold", "80"));
    th_assert_error(r, 409, "conflict", "pass_threshold");
    th_resp_free(r);
    r = api("PATCH", path, &office,
            json_pack("{s:s, s:s}", "publicity_start", "2026-06-01", "publicity_end", "2026-06-07"));
    th_assert_status(r, 200);
    assert_string_equal(th_jstr(r->json, "publicity_end"), "2026-06-07");
    th_resp_free(r);
}

/* ---------------------------------------------------------------- who sees a round */

static bool
listed(const struct th_cred *c, int64_t id)
{
    struct th_resp *r = api("GET", "/api/v1/rounds?limit=200", c, NULL);
    th_assert_status(r, 200);
    bool found = false;
    size_t i;
    json_t *o;
    json_array_foreach(json_object_get(r->json, "items"), i, o)
    {
        found = found || th_jint(o, "id") == id;
    }
    th_resp_free(r);
    return found;
}

static void
test_scope(void **state)
{
    (void)state;
    int64_t id = round_create(round_body("可见性测试"));
    char path[64];
    snprintf(path, sizeof path, "/api/v1/rounds/%lld", (long long)id);
    /* a draft: the offices over it and within it, the admin; no unit */
    assert_true(listed(&office, id));
    assert_true(listed(&district, id));
    assert_true(listed(&admin, id));
    assert_false(listed(&unitadmin, id));
    want("GET", path, &unitadmin, NULL, 404);
    want("GET", path, &evaluator, NULL, 404);
    assert_false(listed(&evaluator, id));
    assert_int_equal(transition(&office, id, "open", NULL), 200);
    /* open: the units in its scope */
    assert_true(listed(&unitadmin, id));
    assert_true(listed(&leader, id));
    assert_true(listed(&qsadmin, id));
    want("GET", path, &member, NULL, 200);
    /* a district's round: not the city's unit, not another district's */
    json_t *b = round_body("东城区可见性");
    struct th_resp *r = api("POST", "/api/v1/rounds", &district, b);
    th_assert_status(r, 201);
    int64_t did = th_jint(r->json, "id");
    th_resp_free(r);
    assert_int_equal(transition(&district, did, "open", NULL), 200);
    snprintf(path, sizeof path, "/api/v1/rounds/%lld", (long long)did);
    want("GET", path, &qsadmin, NULL, 200);
    want("GET", path, &unitadmin, NULL, 404);
    want("GET", path, &lhadmin, NULL, 404);
    want("GET", path, &office, NULL, 200); /* the city holds the district */
    assert_false(listed(&lhadmin, did));
    want("GET", "/api/v1/rounds/999999", &admin, NULL, 404);
    want("GET", "/api/v1/rounds?state=bogus", &office, NULL, 400);
}


/* ---------------------------------------------------------------- declarations */

/* POST /api/v1/rounds/{round}/entries/{entry}/{action} as c with body; the status. */
static long
act(const struct th_cred *c, int64_t round, int64_t entry, const char *action, json_t *body)
{
    char path[128];
    snprintf(path, sizeof path, "/api/v1/rounds/%lld/entries/%lld/%s", (long long)round,
             (long long)entry, action);
    struct th_resp *r = api("POST", path, c, body);
    long st = r->status;
    if (st >= 500) {
        fprintf(stderr, "%s: %ld %s\n", path, st, r->body);
        th_server_log_tail(&srv, 20);
    }
    th_resp_free(r);
    return st;
}

/* PUT the caller's declaration; the answer (caller frees). */
static struct th_resp *
declare_put(const struct th_cred *c, int64_t round, json_t *body)
{
    char path[96];
    snprintf(path, sizeof path, "/api/v1/rounds/%lld/declaration", (long long)round);
    return api("PUT", path, c, body);
}

/* A document uploaded into the unit's archive of year (made by admin); its id. */
static int64_t
doc_of(int64_t unit, int year, const char *leaf)
{
    static const char pdf[] = "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
                              "2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
                              "trailer<</Root 1 0 R>>\n%%EOF\n";
    char path[160];
    (void)th_archive_create(&srv, &admin, unit, year);
    snprintf(path, sizeof path, "/api/v1/units/%lld/archives/%d/indicators/%s/documents",
             (long long)unit, year, leaf);
    struct th_file f = {.name = "事迹材料.pdf", .data = pdf, .len = strlen(pdf)};
    struct th_resp *r = th_upload(&srv, path, &admin, TH_BEARER, &f, 1, NULL);
    th_assert_status(r, 201);
    int64_t id = th_jint(json_array_get(json_object_get(r->json, "items"), 0), "id");
    th_resp_free(r);
    return id;
}

/* Whether c has an unread notification whose text holds needle. */
static bool
told(const struct th_cred *c, const char *needle)
{
    struct th_resp *r = api("GET", "/api/v1/notifications?limit=50", c, NULL);
    bool found = 200 == r->status && strstr(r->body, needle);
    th_resp_free(r);
    return found;
}

static void
test_declaration_flow(void **state)
{
    (void)state;
    json_t *b = round_body("申报流程测试");
    json_object_set_new(b, "unit_types", json_pack("[s, s]", "乡镇", "机关"));
    int64_t id = round_create(b);
    /* not open yet: no declaring */
    struct th_resp *r = declare_put(&qsadmin, id, json_pack("{s:s}", "contact_name", "张三"));
    th_assert_status(r, 404); /* a draft is not even seen by units */
    th_resp_free(r);
    assert_int_equal(transition(&office, id, "open", NULL), 200);
    /* 青山镇 declares: contact, a document of its own, a self-assessment */
    int64_t own_doc = doc_of(qingshan, 2024, "1.1.1");
    int64_t other_doc = doc_of(liuhe, 2024, "1.1.1");
    r = declare_put(&qsadmin, id,
                    json_pack("{s:s, s:s, s:[I], s:[{s:s, s:s, s:s}]}", "contact_name", "张三",
                              "contact_phone", "0571-1234567", "docs", (json_int_t)own_doc,
                              "self", "code", "1.1.1", "score", "1.5", "note", "已召开动员会"));
    th_assert_status(r, 200);
    int64_t eid = th_jint(r->json, "id");
    assert_string_equal(th_jstr(r->json, "state"), "draft");
    assert_string_equal(th_jstr(r->json, "kind"), "declare");
    assert_string_equal(th_jstr(r->json, "category"), "文明乡镇");
    assert_int_equal(json_array_size(json_object_get(r->json, "docs_list")), 1);
    json_t *self0 = json_array_get(json_object_get(r->json, "self"), 0);
    assert_string_equal(th_jstr(self0, "score"), "1.5");
    th_resp_free(r);
    /* another unit's document is refused; a score above the leaf's points; not a leaf */
    r = declare_put(&qsadmin, id, json_pack("{s:[I]}", "docs", (json_int_t)other_doc));
    th_assert_error(r, 400, "bad_request", "docs");
    th_resp_free(r);
    r = declare_put(&qsadmin, id,
                    json_pack("{s:[{s:s, s:s}]}", "self", "code", "1.1.1", "score", "99"));
    th_assert_error(r, 400, "bad_request", "self");
    assert_non_null(strstr(r->body, "不能超过该项分值"));
    th_resp_free(r);
    r = declare_put(&qsadmin, id, json_pack("{s:[{s:s, s:s}]}", "self", "code", "1", "score", "1"));
    th_assert_error(r, 400, "bad_request", "self");
    th_resp_free(r);
    /* a unit_member may not declare */
    r = declare_put(&member, id, json_pack("{s:s}", "contact_name", "李四"));
    th_assert_status(r, 403);
    th_resp_free(r);
    /* declare; the district hears of it */
    assert_int_equal(act(&qsadmin, id, eid, "declare", NULL), 200);
    assert_true(told(&district, "提交了「申报流程测试」的申报"));
    assert_int_equal(act(&qsadmin, id, eid, "declare", NULL), 409);
    /* declared: no more changes */
    r = declare_put(&qsadmin, id, json_pack("{s:s}", "contact_name", "王五"));
    th_assert_error(r, 409, "conflict", "state");
    th_resp_free(r);
    /* the city does not recommend a district's unit; the district does, with a rank */
    assert_int_equal(act(&office, id, eid, "recommend", json_pack("{s:i}", "rank", 1)), 403);
    assert_int_equal(act(&district, id, eid, "recommend", json_pack("{s:s}", "note", "好")), 400);
    assert_int_equal(act(&district, id, eid, "accept", NULL), 403); /* not the round's office */
    assert_int_equal(act(&qsadmin, id, eid, "withdraw", NULL), 200);
    assert_int_equal(act(&district, id, eid, "recommend", json_pack("{s:i}", "rank", 1)), 409);
    assert_int_equal(act(&qsadmin, id, eid, "declare", NULL), 200);
    assert_int_equal(act(&district, id, eid, "recommend",
                         json_pack("{s:i, s:s}", "rank", 2, "note", "创建工作扎实")),
                     200);
    assert_true(told(&qsadmin, "已被推荐"));
    /* recommended: no withdrawal; the city accepts */
    assert_int_equal(act(&qsadmin, id, eid, "withdraw", NULL), 409);
    assert_int_equal(act(&office, id, eid, "accept", NULL), 200);
    assert_true(told(&qsadmin, "申报已受理"));
    char path[128];
    snprintf(path, sizeof path, "/api/v1/rounds/%lld/entries/%lld", (long long)id, (long long)eid);
    r = api("GET", path, &office, NULL);
    th_assert_status(r, 200);
    assert_string_equal(th_jstr(r->json, "state"), "accepted");
    assert_int_equal(th_jint(r->json, "district_rank"), 2);
    assert_string_equal(th_jstr(r->json, "district_note"), "创建工作扎实");
    assert_string_equal(th_jstr(r->json, "contact_name"), "张三");
    th_resp_free(r);
    /* 柳河镇 (西湖区) declares; the 东城 district does not see it; reject needs a reason */
    r = declare_put(&lhadmin, id, json_pack("{s:s}", "contact_name", "赵六"));
    th_assert_status(r, 200);
    int64_t lid = th_jint(r->json, "id");
    th_resp_free(r);
    assert_int_equal(act(&lhadmin, id, lid, "declare", NULL), 200);
    snprintf(path, sizeof path, "/api/v1/rounds/%lld/entries/%lld", (long long)id, (long long)lid);
    want("GET", path, &district, NULL, 404);
    want("GET", path, &qsadmin, NULL, 404); /* a unit never sees another's entry */
    want("GET", path, &evaluator, NULL, 404);
    assert_int_equal(act(&district, id, lid, "recommend", json_pack("{s:i}", "rank", 1)), 404);
    assert_int_equal(act(&qsadmin, id, lid, "withdraw", NULL), 404);
    assert_int_equal(act(&office, id, lid, "reject", NULL), 400);
    assert_int_equal(act(&office, id, lid, "reject", json_pack("{s:s}", "reason", "  ")), 400);
    assert_int_equal(act(&office, id, lid, "reject", json_pack("{s:s}", "reason", "材料不足")),
                     200);
    assert_true(told(&lhadmin, "未被受理：材料不足"));
    /* the unit's own view: its entry only */
    snprintf(path, sizeof path, "/api/v1/rounds/%lld/entries", (long long)id);
    r = api("GET", path, &qsadmin, NULL);
    th_assert_status(r, 200);
    assert_int_equal(json_array_size(json_object_get(r->json, "items")), 1);
    assert_int_equal(th_jint(json_array_get(json_object_get(r->json, "items"), 0), "id"), eid);
    th_resp_free(r);
    r = api("GET", path, &district, NULL);
    assert_int_equal(json_array_size(json_object_get(r->json, "items")), 1);
    th_resp_free(r);
    r = api("GET", path, &office, NULL);
    assert_int_equal(json_array_size(json_object_get(r->json, "items")), 2);
    th_resp_free(r);
    snprintf(path, sizeof path, "/api/v1/rounds/%lld/entries?state=bogus", (long long)id);
    want("GET", path, &office, NULL, 400);
    snprintf(path, sizeof path, "/api/v1/rounds/%lld/entries?kind=recheck", (long long)id);
    r = api("GET", path, &office, NULL);
    assert_int_equal(json_array_size(json_object_get(r->json, "items")), 0);
    th_resp_free(r);
    snprintf(path, sizeof path, "/api/v1/rounds/%lld/entries?state=rejected", (long long)id);
    r = api("GET", path, &office, NULL);
    assert_int_equal(json_array_size(json_object_get(r->json, "items")), 1);
    assert_string_equal(th_jstr(json_array_get(json_object_get(r->json, "items"), 0),
                                "decision_reason"),
                        "材料不足");
    th_resp_free(r);
    /* 市司法局 (机关, under the city): the city recommends and accepts it itself */
    r = declare_put(&unitadmin, id, json_pack("{s:s}", "contact_name", "陈"));
    th_assert_status(r, 200);
    int64_t uid = th_jint(r->json, "id");
    th_resp_free(r);
    assert_int_equal(act(&unitadmin, id, uid, "declare", NULL), 200);
    assert_int_equal(act(&district, id, uid, "recommend", json_pack("{s:i}", "rank", 1)), 404);
    assert_int_equal(act(&office, id, uid, "recommend", json_pack("{s:i}", "rank", 1)), 200);
    /* the audit log has the steps */
    r = api("GET", "/api/v1/audit?action=round.entry.recommend&limit=50", &admin, NULL);
    assert_non_null(strstr(r->body, "推荐申报单位"));
    th_resp_free(r);
}

static void
test_type_not_admitted(void **state)
{
    (void)state;
    json_t *b = round_body("只收学校");
    json_object_set_new(b, "unit_types", json_pack("[s]", "学校"));
    int64_t id = round_create(b);
    assert_int_equal(transition(&office, id, "open", NULL), 200);
    struct th_resp *r = declare_put(&qsadmin, id, json_pack("{s:s}", "contact_name", "张三"));
    th_assert_error(r, 403, "forbidden", "unit_type");
    assert_non_null(strstr(r->body, "不受理「乡镇」类单位的申报"));
    th_resp_free(r);
    /* after the window: no declaring at all */
    assert_int_equal(transition(&office, id, "evaluating", NULL), 200);
    b = round_body("全部类型");
    int64_t id2 = round_create(b);
    assert_int_equal(transition(&office, id2, "open", NULL), 200);
    assert_int_equal(transition(&office, id2, "evaluating", NULL), 200);
    r = declare_put(&qsadmin, id2, json_pack("{s:s}", "contact_name", "张三"));
    th_assert_error(r, 409, "conflict", "state");
    th_resp_free(r);
}


/* ---------------------------------------------------------------- statistics */

/* The row of the table whose first cell is name (NULL when none). */
static const struct wm_row *
row_named(const struct wm_table *t, const char *name)
{
    for (size_t i = 0; i < t->nrows; i++) {
        if (0 == strcmp(wm_row_cell(&t->rows[i], 0), name)) {
            return &t->rows[i];
        }
    }
    return NULL;
}

static void
test_stats(void **state)
{
    (void)state;
    int64_t id = round_create(round_body("申报统计测试"));
    assert_int_equal(transition(&office, id, "open", NULL), 200);
    struct th_resp *r = declare_put(&qsadmin, id, json_pack("{s:s}", "contact_name", "张三"));
    int64_t e1 = th_jint(r->json, "id");
    th_resp_free(r);
    r = declare_put(&lhadmin, id, json_pack("{s:s}", "contact_name", "李四"));
    int64_t e2 = th_jint(r->json, "id");
    th_resp_free(r);
    r = declare_put(&unitadmin, id, json_pack("{s:s}", "contact_name", "陈")); /* a draft */
    th_resp_free(r);
    assert_int_equal(act(&qsadmin, id, e1, "declare", NULL), 200);
    assert_int_equal(act(&lhadmin, id, e2, "declare", NULL), 200);
    char path[96];
    snprintf(path, sizeof path, "/api/v1/rounds/%lld/stats", (long long)id);
    r = api("GET", path, &office, NULL);
    th_assert_status(r, 200);
    assert_int_equal(th_jint(r->json, "total"), 3);
    json_t *cat = json_object_get(r->json, "by_category");
    assert_int_equal(th_jint(cat, "文明乡镇"), 2);
    assert_int_equal(th_jint(cat, "文明单位"), 1);
    assert_int_equal(th_jint(cat, "文明学校"), 0);
    json_t *st = json_object_get(r->json, "by_state");
    assert_int_equal(th_jint(st, "declared"), 2);
    assert_int_equal(th_jint(st, "draft"), 1);
    assert_int_equal(json_array_size(json_object_get(r->json, "by_district")), 3);
    assert_int_equal(th_jint(json_object_get(json_object_get(r->json, "grid"), "文明乡镇"),
                             "declared"),
                     2);
    th_resp_free(r);
    /* the district counts its own units only; units do not see statistics */
    r = api("GET", path, &district, NULL);
    th_assert_status(r, 200);
    assert_int_equal(th_jint(r->json, "total"), 1);
    th_resp_free(r);
    want("GET", path, &qsadmin, NULL, 403);
    /* the XLSX: the grid per category and state, read back with the table reader */
    snprintf(path, sizeof path, "/api/v1/rounds/%lld/stats.xlsx", (long long)id);
    r = api("GET", path, &office, NULL);
    th_assert_status(r, 200);
    assert_non_null(strstr(th_header(r, "Content-Type"), "spreadsheetml"));
    struct wm_table *t = NULL;
    char err[256];
    assert_int_equal(wm_table_read(r->body, r->len, WM_TABLE_XLSX, &t, err, sizeof err), 0);
    assert_string_equal(wm_row_cell(&t->rows[0], 0), "申报统计测试");
    const struct wm_row *head = row_named(t, "类型");
    assert_non_null(head);
    int declared = wm_table_col(head, "已申报"), total = wm_table_col(head, "合计");
    assert_true(declared > 0 && total > declared);
    const struct wm_row *town = row_named(t, "文明乡镇");
    assert_non_null(town);
    assert_string_equal(wm_row_cell(town, declared), "2");
    assert_string_equal(wm_row_cell(town, total), "2");
    assert_string_equal(wm_row_cell(row_named(t, "文明单位"), total), "1");
    const struct wm_row *dong = row_named(t, "东城区文明办");
    assert_non_null(dong);
    assert_string_equal(wm_row_cell(dong, 1), "1");
    wm_table_free(t);
    /* the second sheet: one row per type, district and state */
    assert_int_equal(wm_table_read_sheet(r->body, r->len, WM_TABLE_XLSX, 1, &t, err, sizeof err),
                     0);
    assert_int_equal(t->nrows, 4); /* header + 3 */
    wm_table_free(t);
    th_resp_free(r);
    want("GET", path, &unitadmin, NULL, 403);
    /* the page: the tables and a chart without script */
    snprintf(path, sizeof path, "/rounds/%lld/stats", (long long)id);
    struct th_req q = {.method = "GET", .path = path, .cred = &office, .flags = TH_COOKIE};
    r = th_do(&srv, &q);
    th_assert_status(r, 200);
    assert_non_null(strstr(r->body, "<svg"));
    assert_non_null(strstr(r->body, "id=\"stats-total\"><strong>3</strong>"));
    assert_null(strstr(r->body, "<script>")); /* no inline script: the chart is SVG */
    th_resp_free(r);
}

/* ---------------------------------------------------------------- pages */

static struct th_resp *
page(const char *path, const struct th_cred *c)
{
    struct th_req q = {.method = "GET", .path = path, .cred = c, .flags = TH_COOKIE};
    return th_do(&srv, &q);
}

static void
test_pages(void **state)
{
    (void)state;
    /* the create form for office staff only; the 测评 entry in the header */
    struct th_resp *r = page("/rounds", &office);
    th_assert_status(r, 200);
    assert_non_null(strstr(r->body, "id=\"round-create\""));
    assert_non_null(strstr(r->body, "href=\"/rounds\""));
    th_resp_free(r);
    r = page("/rounds", &unitadmin);
    th_assert_status(r, 200);
    assert_null(strstr(r->body, "id=\"round-create\""));
    th_resp_free(r);
    /* create through the form (CSRF, no script) */
    char fields[1024];
    snprintf(fields, sizeof fields,
             "name=%%E9%%A1%%B5%%E9%%9D%%A2%%E6%%B5%%8B%%E8%%AF%%84&level=%%E5%%B8%%82%%E7%%BA%%A7"
             "&edition_id=%lld&window_start=2026-03-01&window_end=2026-04-30&years_from=2024"
             "&years_to=2025&pass_threshold=85&reconcile=mean&type.%%E4%%B9%%A1%%E9%%95%%87=1",
             (long long)edition);
    r = th_form(&srv, "/rounds", &office, fields);
    th_assert_status(r, 303);
    const char *loc = th_header(r, "Location");
    assert_non_null(loc);
    assert_non_null(strstr(loc, "/rounds/"));
    char where[64];
    snprintf(where, sizeof where, "%s", strstr(loc, "/rounds/"));
    char *q = strchr(where, '?');
    if (q) {
        *q = 0;
    }
    th_resp_free(r);
    long long id = strtoll(where + strlen("/rounds/"), NULL, 10);
    assert_true(id > 0);
    json_t *o = round_get(&office, id);
    assert_string_equal(th_jstr(o, "name"), "页面测评");
    assert_int_equal(json_array_size(json_object_get(o, "unit_types")), 1);
    json_decref(o);
    /* a bad form goes back with the message */
    r = th_form(&srv, "/rounds", &office, "name=x&level=y&edition_id=1&window_start=bad");
    th_assert_status(r, 303);
    assert_non_null(strstr(th_header(r, "Location"), "err=1"));
    th_resp_free(r);
    /* the round page: the move button for its office, none for the district */
    r = page(where, &office);
    th_assert_status(r, 200);
    assert_non_null(strstr(r->body, "name=\"to\" value=\"open\""));
    assert_non_null(strstr(r->body, "href=\"/rounds/"));
    th_resp_free(r);
    r = page(where, &district);
    th_assert_status(r, 200);
    assert_null(strstr(r->body, "name=\"to\""));
    th_resp_free(r);
    char path[96];
    snprintf(path, sizeof path, "%s/state", where);
    r = th_form(&srv, path, &office, "to=open");
    th_assert_status(r, 303);
    th_resp_free(r);
    assert_state(id, "open");
    /* the admin sees the revert form, needing a reason */
    r = page(where, &admin);
    assert_non_null(strstr(r->body, "name=\"reason\""));
    th_resp_free(r);
    /* the unit's declaration form, saved and declared without script */
    snprintf(path, sizeof path, "%s/entries", where);
    r = page(path, &qsadmin);
    th_assert_status(r, 200);
    assert_non_null(strstr(r->body, "id=\"declaration-form\""));
    assert_non_null(strstr(r->body, "name=\"self_score.1.1.1\""));
    th_resp_free(r);
    snprintf(path, sizeof path, "%s/declaration", where);
    r = th_form(&srv, path, &qsadmin,
                "contact_name=%E5%BC%A0%E4%B8%89&self_score.1.1.1=1&self_note.1.1.1=ok");
    th_assert_status(r, 303);
    assert_null(strstr(th_header(r, "Location"), "err="));
    th_resp_free(r);
    char api_path[96];
    snprintf(api_path, sizeof api_path, "/api/v1/rounds/%lld/declaration", id);
    r = api("GET", api_path, &qsadmin, NULL);
    th_assert_status(r, 200);
    int64_t eid = th_jint(r->json, "id");
    assert_string_equal(th_jstr(json_array_get(json_object_get(r->json, "self"), 0), "score"), "1");
    th_resp_free(r);
    snprintf(path, sizeof path, "%s/entries/%lld", where, (long long)eid);
    r = th_form(&srv, path, &qsadmin, "action=declare");
    th_assert_status(r, 303);
    th_resp_free(r);
    /* the district's list has the recommend form; the city's the reject form */
    snprintf(path, sizeof path, "%s/entries", where);
    r = page(path, &district);
    assert_non_null(strstr(r->body, "value=\"recommend\""));
    th_resp_free(r);
    r = page(path, &office);
    assert_non_null(strstr(r->body, "value=\"reject\""));
    th_resp_free(r);
    snprintf(path, sizeof path, "%s/entries/%lld", where, (long long)eid);
    r = th_form(&srv, path, &district, "action=recommend&rank=1&note=ok");
    th_assert_status(r, 303);
    th_resp_free(r);
    r = api("GET", api_path, &qsadmin, NULL);
    assert_string_equal(th_jstr(r->json, "state"), "recommended");
    th_resp_free(r);
    /* another district's unit: its list page shows nothing of the others */
    snprintf(path, sizeof path, "%s/entries", where);
    r = page(path, &lhadmin);
    th_assert_status(r, 200);
    assert_null(strstr(r->body, "青山镇"));
    th_resp_free(r);
}

/* ---------------------------------------------------------------- rechecks */

/* A 市级 title of unit (office makes it) valid until until; its id. */
static int64_t
title_make(int64_t unit, const char *until)
{
    struct th_resp *r = api("POST", "/api/v1/titles", &office,
                            json_pack("{s:I, s:s, s:s, s:s, s:s}", "unit_id", (json_int_t)unit,
                                      "title", "第十四届市级文明单位", "level", "市级",
                                      "awarded_on", "2026-03-05", "valid_until", until));
    th_assert_status(r, 201);
    int64_t id = th_jint(r->json, "id");
    th_resp_free(r);
    return id;
}

static void
test_rechecks(void **state)
{
    (void)state;
    /* 东城区's units: 青山镇 (乡镇) due in the window; 朝阳街道 (街道) valid beyond it; 青山村
    ** (村) due but revoked; 和平社区 (社区) due but of a type the round does not admit;
    ** 市博物馆 (事业单位) lapsed before the bound (1 January of the year before the window).
    ** 柳河镇 (西湖区) due but outside the district's round. */
    int64_t chaoyang = th_unit_id(&srv, &admin, "DEMO016");
    int64_t village = th_unit_id(&srv, &admin, "DEMO019");
    int64_t community = th_unit_id(&srv, &admin, "DEMO022");
    int64_t museum = th_unit_id(&srv, &admin, "DEMO028");
    assert_true(chaoyang && village && community && museum);
    title_make(qingshan, "2030-03-31");
    title_make(chaoyang, "2031-12-31");
    int64_t revoked = title_make(village, "2030-04-30");
    title_make(community, "2030-03-31");
    title_make(museum, "2028-06-30");
    title_make(liuhe, "2030-03-31");
    char path[96];
    snprintf(path, sizeof path, "/api/v1/titles/%lld/state", (long long)revoked);
    want("POST", path, &office, json_pack("{s:s, s:s}", "state", "revoked", "reason", "发生安全事故"),
         200);
    json_t *b = round_body("复查测试");
    json_object_set_new(b, "window_start", json_string("2030-03-01"));
    json_object_set_new(b, "window_end", json_string("2030-04-30"));
    json_object_set_new(b, "years_from", json_integer(2025));
    json_object_set_new(b, "years_to", json_integer(2026));
    json_object_set_new(b, "unit_types", json_pack("[s, s, s, s]", "乡镇", "街道", "村", "事业单位"));
    struct th_resp *r = api("POST", "/api/v1/rounds", &district, b);
    th_assert_status(r, 201);
    int64_t id = th_jint(r->json, "id");
    th_resp_free(r);
    snprintf(path, sizeof path, "/api/v1/rounds/%lld/entries?kind=recheck", (long long)id);
    r = api("GET", path, &district, NULL);
    th_assert_status(r, 200);
    assert_int_equal(json_array_size(json_object_get(r->json, "items")), 0);
    th_resp_free(r);
    assert_int_equal(transition(&district, id, "open", NULL), 200);
    r = api("GET", path, &district, NULL);
    th_assert_status(r, 200);
    json_t *items = json_object_get(r->json, "items");
    assert_int_equal(json_array_size(items), 1);
    json_t *e = json_array_get(items, 0);
    assert_int_equal(th_jint(e, "unit_id"), qingshan);
    assert_string_equal(th_jstr(e, "kind"), "recheck");
    assert_string_equal(th_jstr(e, "state"), "accepted");
    th_resp_free(r);
    /* the audit log names the unit added */
    r = api("GET", "/api/v1/audit?action=round.recheck&limit=50", &admin, NULL);
    th_assert_status(r, 200);
    bool found = false;
    size_t i;
    json_t *row;
    json_array_foreach(json_object_get(r->json, "items"), i, row)
    {
        found = found || th_jint(row, "object_id") == id;
    }
    assert_true(found);
    th_resp_free(r);
}

static void
test_graceful_stop(void **state)
{
    (void)state;
    assert_int_equal(th_server_stop(&srv), 0);
}

/* A unit_admin account of the unit, logged in with a token. */
static bool
unit_admin_for(int64_t unit, const char *username, struct th_cred *c)
{
    struct th_resp *r = api("POST", "/api/v1/users", &admin,
                            json_pack("{s:s, s:s, s:s, s:s, s:I}", "username", username,
                                      "display_name", "创建办 测试", "password", TH_DEMO_PW,
                                      "role", "unit_admin", "org_id", (json_int_t)unit));
    long st = r->status;
    th_resp_free(r);
    return 201 == st && 201 == th_login(&srv, username, TH_DEMO_PW, c) &&
           th_make_token(&srv, c, "rounds") > 0;
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
            th_make_token(&srv, who[i].c, "rounds") <= 0) {
            return -1;
        }
    }
    unit1 = th_unit_id(&srv, &admin, "DEMO001");
    qingshan = th_unit_id(&srv, &admin, "DEMO013");
    liuhe = th_unit_id(&srv, &admin, "DEMO014");
    city = office.org_id;
    if (0 == unit1 || 0 == qingshan || 0 == liuhe || !unit_admin_for(qingshan, "qsadmin", &qsadmin) ||
        !unit_admin_for(liuhe, "lhadmin", &lhadmin)) {
        return -1;
    }
    /* the demo's 100-point standard */
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
    if (!th_init(argc, argv)) {
        return 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_create),
        cmocka_unit_test(test_transitions),
        cmocka_unit_test(test_update),
        cmocka_unit_test(test_scope),
        cmocka_unit_test(test_declaration_flow),
        cmocka_unit_test(test_type_not_admitted),
        cmocka_unit_test(test_stats),
        cmocka_unit_test(test_pages),
        cmocka_unit_test(test_rechecks),
        cmocka_unit_test(test_graceful_stop),
    };
    int failed = cmocka_run_group_tests_name("rounds", tests, setup, teardown);
    th_done();
    return failed + th_teardown_failures;
}
