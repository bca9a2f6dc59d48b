/*
** test_http_scoring.c — score sheets (测评评分, issue 10) over real HTTP against `wenming
** serve --demo`: each rule of the demo's 100-point standard with the standard's numbers
** (points with deductions floored at zero, grades, the bonus cap, the negative list, over
** the maximum refused, decimals), vetoes with and without a reason, evidence from the unit's
** archives only, who may score (the group's evaluators; not before evaluating, not after
** the lock), the batch of an offline draft, submission, the leader's progress,
** reconciliation by mean and by the leader's decision, and the lock writing the totals.
** Units never read a sheet (404).
**
** The demo standard (synthetic-city-100): 1.1.1 points 2.5 (methods 材料审核, 实地考察);
** 1.1.2 grade 3 (B = 0.8); 2.2.1 grade 15 (B = 0.85); 2.2.2 bonus, cap 2; 3.2.2 veto only;
** 3.2.3 negative list, cap 5, veto.  Groups and entries are made in the store (the groups'
** own API is another part of the issue).
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
#include <cmocka.h>
/* clang-format on */

#include "harness.h"
#include "wm_core.h"

static struct th_server srv;
static struct th_cred admin, office, ev1, ev2, ev3, lead, unitadmin;
static int64_t unit1, unit2, edition, doc_own, doc_own2, doc_other;
static struct wm_db *fx; /* the server's store, for fixtures */

static struct th_resp *
api(const char *method, const char *path, const struct th_cred *c, json_t *body_steal)
{
    char *body = body_steal ? th_jdump(body_steal) : NULL;
    struct th_resp *r = th_api(&srv, method, path, c, th_auth(c), body);
    free(body);
    return r;
}

static void
want(const char *method, const char *path, const struct th_cred *c, json_t *body_steal, long status)
{
    struct th_resp *r = api(method, path, c, body_steal);
    th_assert_status(r, status);
    th_resp_free(r);
}

static long
transition(int64_t id, const char *to)
{
    char path[64];
    snprintf(path, sizeof path, "/api/v1/rounds/%lld/state", (long long)id);
    struct th_resp *r = api("POST", path, &office, json_pack("{s:s}", "to", to));
    long st = r->status;
    th_resp_free(r);
    return st;
}

struct fixture {
    int64_t round, entry, group;
    char base[96]; /* /api/v1/rounds/R/entries/E */
};

/* A round of the city over the demo standard (reconcile how), open; an entry of unit1 in a
** group led by lead with ev1, ev2 and lead; a second group with ev3; evaluating when asked. */
static void
fixture_make(struct fixture *x, const char *how, bool evaluating)
{
    static unsigned seq;
    char name[64];
    snprintf(name, sizeof name, "评分测试测评%u", ++seq);
    struct th_resp *r =
        api("POST", "/api/v1/rounds", &office,
            json_pack("{s:s, s:s, s:I, s:s, s:s, s:i, s:i, s:s, s:s}", "name", name, "level",
                      "市级", "edition_id", (json_int_t)edition, "window_start", "2026-03-01",
                      "window_end", "2026-04-30", "years_from", 2023, "years_to", 2025,
                      "pass_threshold", "60", "reconcile", how));
    th_assert_status(r, 201);
    x->round = th_jint(r->json, "id");
    th_resp_free(r);
    assert_int_equal(transition(x->round, "open"), 200);
    int64_t now = time(NULL), g2 = 0;
    assert_int_equal(
        fx->ops->entry_insert(fx, x->round, unit1, "recheck", "accepted", now, &x->entry),
        WM_QS_ONE);
    assert_int_equal(fx->ops->group_insert(fx, x->round, "第一组", lead.user_id, now, &x->group),
                     WM_QS_ONE);
    assert_int_equal(fx->ops->group_member_add(fx, x->group, ev1.user_id), WM_QS_ONE);
    assert_int_equal(fx->ops->group_member_add(fx, x->group, ev2.user_id), WM_QS_ONE);
    assert_int_equal(fx->ops->group_member_add(fx, x->group, lead.user_id), WM_QS_ONE);
    assert_int_equal(fx->ops->entry_set_group(fx, x->entry, x->group, now), WM_QS_ONE);
    assert_int_equal(fx->ops->group_insert(fx, x->round, "第二组", ev3.user_id, now, &g2),
                     WM_QS_ONE);
    assert_int_equal(fx->ops->group_member_add(fx, g2, ev3.user_id), WM_QS_ONE);
    snprintf(x->base, sizeof x->base, "/api/v1/rounds/%lld/entries/%lld", (long long)x->round,
             (long long)x->entry);
    if (evaluating) {
        assert_int_equal(transition(x->round, "evaluating"), 200);
    }
}

/* PUT a leaf's score as c; the response (caller frees). */
static struct th_resp *
put(const struct fixture *x, const struct th_cred *c, const char *code, json_t *body_steal)
{
    char path[160];
    snprintf(path, sizeof path, "%s/sheet/scores/%s", x->base, code);
    return api("PUT", path, c, body_steal);
}

/* PUT and expect 200 with value (a points string, or NULL for none). */
static void
put_ok(const struct fixture *x,
       const struct th_cred *c,
       const char *code,
       json_t *body_steal,
       const char *value)
{
    struct th_resp *r = put(x, c, code, body_steal);
    th_assert_status(r, 200);
    if (value) {
        assert_string_equal(th_jstr(r->json, "value"), value);
    } else {
        assert_true(json_is_null(json_object_get(r->json, "value")));
    }
    th_resp_free(r);
}

static void
put_bad(const struct fixture *x,
        const struct th_cred *c,
        const char *code,
        json_t *body_steal,
        long status,
        const char *field)
{
    struct th_resp *r = put(x, c, code, body_steal);
    if (field) {
        th_assert_error(r, status, 400 == status ? "bad_request" : "conflict", field);
    } else {
        th_assert_status(r, status);
    }
    th_resp_free(r);
}

static json_t *
get_json(const char *path, const struct th_cred *c)
{
    struct th_resp *r = api("GET", path, c, NULL);
    th_assert_status(r, 200);
    json_t *o = json_incref(r->json);
    th_resp_free(r);
    return o;
}

static json_t *
leaf_of(json_t *view, const char *code)
{
    size_t i;
    json_t *l;
    json_array_foreach(json_object_get(view, "leaves"), i, l)
    {
        if (0 == strcmp(th_jstr(l, "code"), code)) {
            return l;
        }
    }
    fail_msg("no leaf %s", code);
    return NULL;
}

static void
submit(const struct fixture *x, const struct th_cred *c, long status)
{
    char path[160];
    snprintf(path, sizeof path, "%s/sheet/submit", x->base);
    want("POST", path, c, NULL, status);
}

/* ---------------------------------------------------------------- the rules */

static void
test_rules(void **state)
{
    (void)state;
    struct fixture x;
    fixture_make(&x, "mean", true);
    /* points (扣分): deductions from 2.5, floored at zero; explicit decimals; over the max */
    put_ok(&x, &ev1, "1.1.1",
           json_pack("{s:[{s:s,s:s}], s:s}", "deductions", "reason", "缺少会议纪要", "points",
                     "0.5", "method", "site"),
           "2");
    put_ok(&x, &ev1, "1.1.1", json_pack("{s:s}", "value", "2.25"), "2.25");
    put_ok(&x, &ev1, "1.1.1", json_pack("{s:s}", "value", "２．５"), "2.5");
    put_ok(&x, &ev1, "1.1.1",
           json_pack("{s:[{s:s,s:s},{s:s,s:s}]}", "deductions", "reason", "无动员会", "points", "2",
                     "reason", "无专题研究", "points", "1.5"),
           "0");
    put_bad(&x, &ev1, "1.1.1", json_pack("{s:s}", "value", "2.6"), 400, "value");
    put_bad(&x, &ev1, "1.1.1", json_pack("{s:s}", "value", "-1"), 400, "value");
    put_bad(&x, &ev1, "1.1.1", json_pack("{s:s}", "value", "1.125"), 400, "value");
    put_bad(&x, &ev1, "1.1.1",
            json_pack("{s:[{s:s,s:s}]}", "deductions", "reason", "", "points", "0.5"), 400,
            "deductions");
    put_bad(&x, &ev1, "1.1.1", json_pack("{s:s}", "grade", "B"), 400, "grade");
    put_bad(&x, &ev1, "1.1.1", json_pack("{s:s}", "method", "survey"), 400, "method");
    /* grades (分档): B of 3 at 0.8, B of 15 at 0.85 */
    put_ok(&x, &ev1, "1.1.2", json_pack("{s:s}", "grade", "B"), "2.4");
    put_ok(&x, &ev1, "2.2.1", json_pack("{s:s}", "grade", "b"), "12.75");
    put_ok(&x, &ev1, "2.2.1", json_pack("{s:s}", "grade", "D"), "7.5");
    put_bad(&x, &ev1, "1.1.2", json_pack("{s:s}", "grade", "E"), 400, "grade");
    /* bonus (加分): up to its cap of 2 */
    put_ok(&x, &ev1, "2.2.2", json_pack("{s:s}", "value", "1.5"), "1.5");
    put_bad(&x, &ev1, "2.2.2", json_pack("{s:s}", "value", "2.5"), 400, "value");
    put_ok(&x, &ev1, "2.2.2",
           json_pack("{s:[{s:s,s:s},{s:s,s:s}]}", "deductions", "reason", "市级表彰", "points", "1",
                     "reason", "省级表彰", "points", "1.5"),
           "2");
    /* negative list (减分): held at its cap of 5 */
    put_ok(&x, &ev1, "3.2.3",
           json_pack("{s:[{s:s,s:s},{s:s,s:s}]}", "deductions", "reason", "职工酒驾", "points", "3",
                     "reason", "违规发放津贴", "points", "4"),
           "-5");
    put_ok(&x, &ev1, "3.2.3",
           json_pack("{s:[{s:s,s:s}]}", "deductions", "reason", "职工酒驾", "points", "1"), "-1");
    /* vetoes: a reason required, only on veto leaves */
    put_bad(&x, &ev1, "3.2.2", json_pack("{s:b}", "veto", 1), 400, "veto_reason");
    put_bad(&x, &ev1, "1.1.1", json_pack("{s:b, s:s}", "veto", 1, "veto_reason", "事故"), 400,
            "veto");
    put_ok(&x, &ev1, "3.2.2",
           json_pack("{s:b, s:s}", "veto", 1, "veto_reason", "2024 年发生重大安全责任事故"), NULL);
    /* an unknown leaf */
    put_bad(&x, &ev1, "9.9.9", json_pack("{s:s}", "value", "1"), 404, NULL);
    /* the sheet as the evaluator sees it: points as strings, the rule, grades, methods */
    char path[160];
    snprintf(path, sizeof path, "%s/sheet", x.base);
    json_t *v = get_json(path, &ev1);
    assert_true(json_is_true(json_object_get(v, "editable")));
    assert_string_equal(th_jstr(json_object_get(v, "sheet"), "state"), "draft");
    assert_int_equal(th_jint(json_object_get(v, "sheet"), "scored"), 6);
    json_t *l = leaf_of(v, "1.1.1");
    assert_string_equal(th_jstr(l, "max"), "2.5");
    assert_string_equal(th_jstr(l, "rule"), "points");
    assert_string_equal(th_jstr(json_object_get(l, "score"), "value"), "0");
    json_t *ded = json_object_get(json_object_get(l, "score"), "deductions");
    assert_int_equal(json_array_size(ded), 2);
    assert_string_equal(th_jstr(json_array_get(ded, 1), "points"), "1.5");
    assert_int_equal(json_array_size(json_object_get(l, "methods")), 2);
    l = leaf_of(v, "1.1.2");
    json_t *gb = json_array_get(json_object_get(l, "grades"), 1);
    assert_string_equal(th_jstr(gb, "letter"), "B");
    assert_string_equal(th_jstr(gb, "value"), "2.4");
    assert_string_equal(th_jstr(gb, "fraction"), "0.8");
    l = leaf_of(v, "2.2.2");
    assert_string_equal(th_jstr(l, "cap"), "2");
    l = leaf_of(v, "3.2.2");
    assert_true(json_is_true(json_object_get(l, "veto")));
    assert_true(json_is_true(json_object_get(json_object_get(l, "score"), "veto")));
    assert_true(json_is_null(json_object_get(leaf_of(v, "3.1.1"), "score")));
    json_decref(v);
}

/* ---------------------------------------------------------------- evidence */

static void
test_evidence(void **state)
{
    (void)state;
    struct fixture x;
    fixture_make(&x, "mean", true);
    /* a document of another unit, or one that does not exist: refused */
    put_bad(&x, &ev1, "1.1.1",
            json_pack("{s:s, s:[I]}", "value", "2", "evidence", (json_int_t)doc_other), 400,
            "evidence");
    put_bad(&x, &ev1, "1.1.1", json_pack("{s:s, s:[i]}", "value", "2", "evidence", 99999999), 400,
            "evidence");
    struct th_resp *r =
        put(&x, &ev1, "1.1.1",
            json_pack("{s:s, s:[I,I], s:s, s:s}", "value", "2", "evidence", (json_int_t)doc_own,
                      (json_int_t)doc_own2, "method", "实地考察", "comment", "会议纪要齐全"));
    th_assert_status(r, 200);
    json_t *ev = json_object_get(r->json, "evidence");
    assert_int_equal(json_array_size(ev), 2);
    assert_int_equal(json_integer_value(json_array_get(ev, 0)), doc_own);
    assert_string_equal(th_jstr(r->json, "method"), "site");
    assert_string_equal(th_jstr(r->json, "comment"), "会议纪要齐全");
    th_resp_free(r);
    /* the sheet lists the unit's documents of the leaf to pick from */
    char path[160];
    snprintf(path, sizeof path, "%s/sheet", x.base);
    json_t *v = get_json(path, &ev1);
    json_t *docs = json_object_get(leaf_of(v, "1.1.1"), "docs");
    assert_true(json_array_size(docs) >= 2);
    bool found = false;
    size_t i;
    json_t *d;
    json_array_foreach(docs, i, d)
    {
        found = found || th_jint(d, "id") == doc_own;
        assert_true(th_jint(d, "id") != doc_other);
    }
    assert_true(found);
    json_decref(v);
}

/* ---------------------------------------------------------------- who and when */

static void
test_access(void **state)
{
    (void)state;
    struct fixture x;
    fixture_make(&x, "mean", false);
    char path[160];
    snprintf(path, sizeof path, "%s/sheet", x.base);
    /* before evaluating: the sheet reads, nothing is written */
    json_t *v = get_json(path, &ev1);
    assert_true(json_is_false(json_object_get(v, "editable")));
    assert_true(json_is_null(json_object_get(v, "sheet")));
    json_decref(v);
    put_bad(&x, &ev1, "1.1.1", json_pack("{s:s}", "value", "2"), 409, "state");
    char page[160];
    snprintf(page, sizeof page, "/rounds/%lld/entries/%lld/sheet", (long long)x.round,
             (long long)x.entry);
    struct th_resp *fr = th_form(&srv, page, &ev1, "value_1.1.1=2");
    th_assert_status(fr, 303);
    th_resp_free(fr);
    assert_int_equal(transition(x.round, "evaluating"), 200);
    /* an evaluator of another group of the round, the office, the admin: not their sheet */
    put_bad(&x, &ev3, "1.1.1", json_pack("{s:s}", "value", "2"), 404, NULL);
    want("GET", path, &ev3, NULL, 404);
    want("GET", path, &office, NULL, 404);
    put_bad(&x, &admin, "1.1.1", json_pack("{s:s}", "value", "2"), 404, NULL);
    /* a unit reads no sheet, no reconciliation, no progress; never writes */
    want("GET", path, &unitadmin, NULL, 404);
    snprintf(path, sizeof path, "%s/reconcile", x.base);
    want("GET", path, &unitadmin, NULL, 404);
    want("GET", path, &ev1, NULL, 404); /* an evaluator who does not lead */
    snprintf(path, sizeof path, "/api/v1/rounds/%lld/progress", (long long)x.round);
    want("GET", path, &unitadmin, NULL, 404);
    want("GET", path, &ev1, NULL, 404);
    put_bad(&x, &unitadmin, "1.1.1", json_pack("{s:s}", "value", "2"), 403, NULL);
    put_ok(&x, &ev1, "1.1.1", json_pack("{s:s}", "value", "2"), "2");
    /* submit: nothing scored refused; then the sheet is closed until the leader reopens */
    submit(&x, &ev2, 409);
    submit(&x, &ev1, 200);
    put_bad(&x, &ev1, "1.1.1", json_pack("{s:s}", "value", "1"), 409, "state");
    snprintf(path, sizeof path, "%s/sheets/%lld/reopen", x.base, (long long)ev1.user_id);
    want("POST", path, &ev1, NULL, 404);
    want("POST", path, &lead, NULL, 200);
    put_ok(&x, &ev1, "1.1.1", json_pack("{s:s}", "value", "1"), "1");
}

/* ---------------------------------------------------------------- the offline draft */

static void
test_batch(void **state)
{
    (void)state;
    struct fixture x;
    fixture_make(&x, "mean", true);
    char path[160];
    snprintf(path, sizeof path, "%s/sheet", x.base);
    /* per leaf: the valid ones saved, the others reported; submit only when all saved */
    struct th_resp *r =
        api("POST", path, &ev1,
            json_pack("{s:[{s:s,s:s},{s:s,s:s},{s:s,s:s},{s:s,s:s,s:s}], s:b}", "scores", "code",
                      "1.1.1", "value", "2", "code", "1.1.2", "grade", "E", "code", "9.9", "value",
                      "1", "code", "2.2.1", "grade", "A", "comment", "讲堂活动丰富", "submit", 1));
    th_assert_status(r, 200);
    assert_int_equal(th_jint(r->json, "saved"), 2);
    assert_int_equal(th_jint(r->json, "refused"), 2);
    assert_true(json_is_false(json_object_get(r->json, "submitted")));
    json_t *res = json_object_get(r->json, "results");
    assert_string_equal(th_jstr(json_array_get(res, 0), "status"), "saved");
    assert_string_equal(th_jstr(json_array_get(res, 1), "status"), "refused");
    assert_string_equal(th_jstr(json_array_get(res, 1), "field"), "grade");
    assert_non_null(strstr(th_jstr(json_array_get(res, 1), "error"), "1.1.2"));
    th_resp_free(r);
    json_t *v = get_json(path, &ev1);
    assert_string_equal(th_jstr(json_object_get(leaf_of(v, "2.2.1"), "score"), "value"), "15");
    assert_true(json_is_null(json_object_get(leaf_of(v, "1.1.2"), "score")));
    json_decref(v);
    r = api(
        "POST", path, &ev1,
        json_pack("{s:[{s:s,s:s}], s:b}", "scores", "code", "1.1.2", "grade", "C", "submit", 1));
    th_assert_status(r, 200);
    assert_true(json_is_true(json_object_get(r->json, "submitted")));
    th_resp_free(r);
    /* submitted: the whole batch is refused */
    r = api("POST", path, &ev1,
            json_pack("{s:[{s:s,s:s}]}", "scores", "code", "1.1.1", "value", "1"));
    th_assert_error(r, 409, "conflict", "state");
    th_resp_free(r);
    want("POST", path, &ev1, json_pack("{s:s}", "scores", "x"), 400);
}

/* ---------------------------------------------------------------- reconcile and lock */

static void
test_reconcile_mean(void **state)
{
    (void)state;
    struct fixture x;
    fixture_make(&x, "mean", true);
    put_ok(&x, &ev1, "1.1.1", json_pack("{s:s}", "value", "2"), "2");
    put_ok(&x, &ev2, "1.1.1", json_pack("{s:s}", "value", "2.25"), "2.25");
    put_ok(&x, &ev1, "1.1.2", json_pack("{s:s}", "grade", "B"), "2.4");
    put_ok(&x, &ev1, "2.2.1", json_pack("{s:s}", "grade", "B"), "12.75");
    put_ok(&x, &ev2, "2.2.1", json_pack("{s:s}", "grade", "B"), "12.75");
    put_ok(&x, &ev1, "2.2.2", json_pack("{s:s}", "value", "2"), "2");
    put_ok(&x, &ev1, "3.2.3",
           json_pack("{s:[{s:s,s:s}]}", "deductions", "reason", "违纪", "points", "5"), "-5");
    put_ok(&x, &ev1, "3.2.2", json_pack("{s:b, s:s}", "veto", 1, "veto_reason", "重大事故"), NULL);
    /* progress: the leader sees both evaluators' counts */
    char path[160];
    snprintf(path, sizeof path, "/api/v1/rounds/%lld/progress", (long long)x.round);
    json_t *p = get_json(path, &lead);
    json_t *e = json_array_get(json_object_get(p, "entries"), 0);
    assert_int_equal(th_jint(e, "entry_id"), x.entry);
    assert_true(json_is_true(json_object_get(e, "leader")));
    size_t i;
    json_t *ev;
    int seen = 0;
    json_array_foreach(json_object_get(e, "evaluators"), i, ev)
    {
        if (th_jint(ev, "evaluator_id") == ev1.user_id) {
            assert_int_equal(th_jint(ev, "scored"), 6);
            assert_string_equal(th_jstr(ev, "state"), "draft");
            seen++;
        } else if (th_jint(ev, "evaluator_id") == lead.user_id) {
            assert_string_equal(th_jstr(ev, "state"), "none");
            seen++;
        }
    }
    assert_int_equal(seen, 2);
    json_decref(p);
    p = get_json(path, &office); /* the round's office reads it too */
    json_decref(p);
    /* the reconciliation: mean rounded half up, the spread flagged */
    snprintf(path, sizeof path, "%s/reconcile", x.base);
    json_t *rc = get_json(path, &lead);
    assert_string_equal(th_jstr(rc, "how"), "mean");
    json_t *l = leaf_of(rc, "1.1.1");
    assert_string_equal(th_jstr(l, "mean"), "2.13");
    assert_string_equal(th_jstr(l, "spread"), "0.25");
    assert_true(json_is_true(json_object_get(l, "flagged")));
    assert_string_equal(th_jstr(l, "final"), "2.13");
    l = leaf_of(rc, "2.2.1");
    assert_true(json_is_false(json_object_get(l, "flagged")));
    l = leaf_of(rc, "3.2.2");
    assert_true(json_is_true(json_object_get(l, "flagged"))); /* one vetoed, one did not */
    assert_int_equal(th_jint(l, "nveto"), 1);
    assert_string_equal(th_jstr(rc, "total"), "14.28"); /* 2.13 + 2.4 + 12.75 + 2 − 5 */
    assert_true(json_is_true(json_object_get(rc, "vetoed")));
    assert_true(json_is_false(json_object_get(rc, "can_lock"))); /* not all submitted */
    json_decref(rc);
    /* leader decisions are refused in a mean round */
    want("POST", path, &lead,
         json_pack("{s:[{s:s,s:s}]}", "decisions", "code", "1.1.1", "value", "2"), 409);
    /* lock: every sheet submitted first; only the leader */
    snprintf(path, sizeof path, "%s/lock", x.base);
    want("POST", path, &lead, NULL, 409);
    submit(&x, &ev1, 200);
    submit(&x, &ev2, 200);
    want("POST", path, &ev1, NULL, 404);
    want("POST", path, &office, NULL, 404);
    struct th_resp *r = api("POST", path, &lead, NULL);
    th_assert_status(r, 200);
    assert_string_equal(th_jstr(json_object_get(r->json, "entry"), "total"), "14.28");
    assert_true(json_is_true(json_object_get(json_object_get(r->json, "entry"), "vetoed")));
    assert_non_null(strstr(th_jstr(json_object_get(r->json, "entry"), "veto_reason"), "重大事故"));
    assert_non_null(json_object_get(json_object_get(r->json, "entry"), "locked_at"));
    th_resp_free(r);
    want("POST", path, &lead, NULL, 409);
    /* after the lock nobody writes; the leader cannot reopen */
    put_bad(&x, &ev1, "1.1.1", json_pack("{s:s}", "value", "1"), 409, "locked");
    snprintf(path, sizeof path, "%s/sheets/%lld/reopen", x.base, (long long)ev1.user_id);
    want("POST", path, &lead, NULL, 409);
    /* the finals in the store: one per scored leaf, by mean */
    json_t *fin = fx->ops->final_list(fx, x.entry);
    assert_int_equal(json_array_size(fin), 5);
    assert_string_equal(th_jstr(json_array_get(fin, 0), "indicator_code"), "1.1.1");
    assert_int_equal(th_jint(json_array_get(fin, 0), "value"), 213);
    assert_string_equal(th_jstr(json_array_get(fin, 0), "how"), "mean");
    json_decref(fin);
    /* the admin unlocks with a reason */
    snprintf(path, sizeof path, "%s/unlock", x.base);
    want("POST", path, &admin, json_pack("{s:s}", "reason", ""), 400);
    want("POST", path, &admin, json_pack("{s:s}", "reason", "组长误锁"), 200);
    want("POST", path, &admin, json_pack("{s:s}", "reason", "组长误锁"), 409);
}

static void
test_reconcile_leader(void **state)
{
    (void)state;
    struct fixture x;
    fixture_make(&x, "leader", true);
    put_ok(&x, &ev1, "1.1.1", json_pack("{s:s}", "value", "2"), "2");
    put_ok(&x, &ev2, "1.1.1", json_pack("{s:s}", "value", "1"), "1");
    put_ok(&x, &ev1, "1.1.2", json_pack("{s:s}", "grade", "A"), "3");
    put_ok(&x, &ev2, "1.1.2", json_pack("{s:s}", "grade", "C"), "1.8");
    char path[160];
    snprintf(path, sizeof path, "%s/reconcile", x.base);
    /* only the leader decides; within the leaf's points */
    want("POST", path, &ev1,
         json_pack("{s:[{s:s,s:s}]}", "decisions", "code", "1.1.1", "value", "1.5"), 404);
    struct th_resp *r =
        api("POST", path, &lead,
            json_pack("{s:[{s:s,s:s}]}", "decisions", "code", "1.1.1", "value", "2.6"));
    th_assert_error(r, 400, "bad_request", "value");
    th_resp_free(r);
    r = api("POST", path, &lead,
            json_pack("{s:[{s:s,s:s}]}", "decisions", "code", "1.1.1", "value", "1.5"));
    th_assert_status(r, 200);
    json_t *l = leaf_of(r->json, "1.1.1");
    assert_string_equal(th_jstr(l, "mean"), "1.5");
    assert_string_equal(th_jstr(l, "decision"), "1.5");
    assert_string_equal(th_jstr(l, "final_how"), "leader");
    l = leaf_of(r->json, "1.1.2");
    assert_true(json_is_null(json_object_get(l, "decision")));
    assert_string_equal(th_jstr(l, "final"), "2.4"); /* undecided: the mean */
    assert_string_equal(th_jstr(l, "final_how"), "mean");
    assert_true(json_is_true(json_object_get(r->json, "can_decide")));
    th_resp_free(r);
    r = api("POST", path, &lead,
            json_pack("{s:[{s:s,s:s}]}", "decisions", "code", "1.1.1", "value", "1.75"));
    th_assert_status(r, 200);
    assert_string_equal(th_jstr(r->json, "total"), "4.15"); /* 1.75 + 2.4 */
    th_resp_free(r);
    submit(&x, &ev1, 200);
    submit(&x, &ev2, 200);
    snprintf(path, sizeof path, "%s/lock", x.base);
    r = api("POST", path, &lead, NULL);
    th_assert_status(r, 200);
    assert_string_equal(th_jstr(json_object_get(r->json, "entry"), "total"), "4.15");
    assert_true(json_is_false(json_object_get(json_object_get(r->json, "entry"), "vetoed")));
    th_resp_free(r);
    json_t *fin = fx->ops->final_list(fx, x.entry);
    assert_int_equal(json_array_size(fin), 2);
    assert_int_equal(th_jint(json_array_get(fin, 0), "value"), 175);
    assert_string_equal(th_jstr(json_array_get(fin, 0), "how"), "leader");
    assert_string_equal(th_jstr(json_array_get(fin, 1), "how"), "mean");
    json_decref(fin);
    /* the admin unlocks through the reconcile page's form, with a reason */
    char page[160];
    snprintf(page, sizeof page, "/rounds/%lld/entries/%lld/reconcile", (long long)x.round,
             (long long)x.entry);
    struct th_req q = { .method = "GET", .path = page, .cred = &admin, .flags = TH_COOKIE };
    r = th_do(&srv, &q);
    th_assert_status(r, 200);
    assert_non_null(strstr(r->body, "id=\"unlock\""));
    assert_non_null(strstr(r->body, "4.15"));
    th_resp_free(r);
    snprintf(page, sizeof page, "/rounds/%lld/entries/%lld/unlock", (long long)x.round,
             (long long)x.entry);
    r = th_form(&srv, page, &admin, "reason=%E7%BB%84%E9%95%BF%E8%AF%AF%E9%94%81");
    th_assert_status(r, 303);
    th_resp_free(r);
    json_t *ent = fx->ops->entry_get(fx, x.entry);
    assert_true(json_is_null(json_object_get(ent, "locked_at")));
    json_decref(ent);
    /* the audit log names every step */
    r = api("GET", "/api/v1/audit?limit=50", &admin, NULL);
    th_assert_status(r, 200);
    char *text = th_jdump(json_incref(r->json));
    assert_non_null(strstr(text, "entry.lock"));
    assert_non_null(strstr(text, "entry.reconcile"));
    assert_non_null(strstr(text, "sheet.submit"));
    assert_non_null(strstr(text, "score.set"));
    assert_non_null(strstr(text, "entry.unlock"));
    free(text);
    th_resp_free(r);
}

/* ---------------------------------------------------------------- setup */

static bool
account(const char *username, const char *role, int64_t org, struct th_cred *c)
{
    struct th_resp *r =
        api("POST", "/api/v1/users", &admin,
            json_pack("{s:s, s:s, s:s, s:s, s:I}", "username", username, "display_name", username,
                      "password", TH_DEMO_PW, "role", role, "org_id", (json_int_t)org));
    long st = r->status;
    th_resp_free(r);
    return 201 == st && 201 == th_login(&srv, username, TH_DEMO_PW, c) &&
           th_make_token(&srv, c, "scoring") > 0;
}

static int64_t
upload(const struct th_cred *c, int64_t unit, int year, const char *leaf, const char *name)
{
    char path[200];
    snprintf(path, sizeof path, "/api/v1/units/%lld/archives/%d/indicators/%s/documents",
             (long long)unit, year, leaf);
    struct bytes b = pdf_make(name, 200);
    struct th_file f = { .name = name, .data = b.p, .len = b.n };
    struct th_resp *r = th_upload(&srv, path, c, 0, &f, 1, NULL);
    int64_t id =
        201 == r->status ? th_jint(json_array_get(json_object_get(r->json, "items"), 0), "id") : 0;
    if (0 == id) {
        fprintf(stderr, "setup: upload %s: HTTP %ld %s\n", path, r->status, r->body);
    }
    th_resp_free(r);
    free(b.p);
    return id;
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
    } who[] = { { "admin", &admin },
                { "office", &office },
                { "evaluator", &ev1 },
                { "unitadmin", &unitadmin } };

    for (size_t i = 0; i < sizeof who / sizeof who[0]; i++) {
        if (201 != th_login(&srv, who[i].user, TH_DEMO_PW, who[i].c) ||
            th_make_token(&srv, who[i].c, "scoring") <= 0) {
            return -1;
        }
    }
    unit1 = th_unit_id(&srv, &admin, "DEMO001");
    unit2 = th_unit_id(&srv, &admin, "DEMO002");
    if (0 == unit1 || 0 == unit2 || !account("ev2", "evaluator", office.org_id, &ev2) ||
        !account("ev3", "evaluator", office.org_id, &ev3) ||
        !account("lead", "evaluator", office.org_id, &lead)) {
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
    /* evidence: two documents of unit1's 2024 archive, one of unit2's */
    if (!th_archive_create(&srv, &unitadmin, unit1, 2024) ||
        !th_archive_create(&srv, &admin, unit2, 2024) ||
        0 == (doc_own = upload(&unitadmin, unit1, 2024, "1.1.1", "党委会议纪要.pdf")) ||
        0 == (doc_own2 = upload(&unitadmin, unit1, 2024, "1.1.1", "动员会照片.pdf")) ||
        0 == (doc_other = upload(&admin, unit2, 2024, "1.1.1", "外单位纪要.pdf"))) {
        return -1;
    }
    char err[256];
    fx = wm_db_open(srv.store[0] ? srv.store : NULL, srv.dir, false, err, sizeof err);
    if (NULL == fx) {
        fprintf(stderr, "setup: cannot open the store: %s\n", err);
        return -1;
    }
    return edition ? 0 : -1;
}

static int
teardown(void **state)
{
    (void)state;
    if (fx) {
        fx->ops->close(fx);
    }
    return th_server_finish(&srv);
}

int
main(int argc, char **argv)
{
    if (!th_init(argc, argv)) {
        return 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rules),          cmocka_unit_test(test_evidence),
        cmocka_unit_test(test_access),         cmocka_unit_test(test_batch),
        cmocka_unit_test(test_reconcile_mean), cmocka_unit_test(test_reconcile_leader),
    };
    int failed = cmocka_run_group_tests_name("scoring", tests, setup, teardown);
    th_done();
    return failed + th_teardown_failures;
}
