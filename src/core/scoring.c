/*
** scoring.c — score sheets and item-by-item scoring of evaluation rounds (测评评分, issue
** 10): an evaluator's sheet per entry, each leaf scored under its rule by the engine
** (wm_eval.h), vetoes, evidence from the unit's archives, submission; the group leader's
** progress view, reconciliation (mean or the leader's decision) and lock.  The rules are in
** wm_core.h; every write runs in its own transaction with its audit entry in it.
** Arithmetic only through the engine: hundredths as integers.
*/
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tx.h"
#include "wm_core.h"
#include "wm_eval.h"
#include "wm_framework.h"

#define COMMENT_MAX  2000 /* code points */
#define EVIDENCE_MAX 20   /* documents per leaf */
#define METHOD_MAX   50

/* ---------------------------------------------------------------- vocabularies */

const char *const wm_score_methods[] = { "site",   "report", "docs", "interview",
                                         "survey", "online", NULL };

const char *
wm_score_method_label(const char *code)
{
    static const char *const names[][2] = {
        { "site", N_("看实地") },        { "report", N_("听介绍") },   { "docs", N_("评资料") },
        { "interview", N_("个别访谈") }, { "survey", N_("问卷调查") }, { "online", N_("网上测评") },
    };
    for (size_t i = 0; code && i < WM_ARRAY_LEN(names); i++) {
        if (wm_streq(code, names[i][0])) {
            return _(names[i][1]);
        }
    }
    return code ? code : "";
}

/* ---------------------------------------------------------------- the plan per edition */

struct plan_slot {
    int64_t edition_id;
    struct wm_fw *fw;
    struct wm_eval_plan *plan;
};

static pthread_mutex_t plan_lock = PTHREAD_MUTEX_INITIALIZER;
static struct plan_slot *plans;
static size_t nplans, plans_cap;

static const struct wm_eval_plan *
plan_cached(int64_t edition_id)
{
    const struct wm_eval_plan *p = NULL;
    pthread_mutex_lock(&plan_lock);
    for (size_t i = 0; i < nplans && !p; i++) {
        if (plans[i].edition_id == edition_id) {
            p = plans[i].plan;
        }
    }
    pthread_mutex_unlock(&plan_lock);
    return p;
}

const struct wm_eval_plan *
wm_round_plan(struct wm_db *db, const json_t *round, struct wm_fail *f)
{
    int64_t eid = jsi(round, "edition_id");
    const struct wm_eval_plan *p = plan_cached(eid);
    if (p) {
        return p;
    }
    json_t *ed = db->ops->edition_get(db, eid, true);
    struct wm_fw *fw = ed ? wm_edition_parse(ed) : NULL;
    json_decref(ed);
    if (NULL == fw) {
        wm_fail_set(f, WM_E_INTERNAL, NULL, "%s", _("无法读取测评体系"));
        return NULL;
    }
    struct wm_eval_plan *np = wm_eval_plan_new(fw);
    pthread_mutex_lock(&plan_lock);
    for (size_t i = 0; i < nplans && !p; i++) {
        if (plans[i].edition_id == eid) {
            p = plans[i].plan;
        }
    }
    if (NULL == p && nplans == plans_cap) {
        size_t cap = plans_cap ? 2 * plans_cap : 8;
        struct plan_slot *n = realloc(plans, cap * sizeof *n);
        if (n) {
            plans = n;
            plans_cap = cap;
        }
    }
    if (NULL == p && nplans < plans_cap) {
        plans[nplans++] = (struct plan_slot){ .edition_id = eid, .fw = fw, .plan = np };
        p = np;
        np = NULL;
        fw = NULL;
    }
    pthread_mutex_unlock(&plan_lock);
    if (np) { /* another thread was first (or no memory: use it uncached once more) */
        wm_eval_plan_free(np);
        wm_fw_free(fw);
    }
    if (NULL == p) {
        wm_fail_set(f, WM_E_INTERNAL, NULL, "%s", _("内存不足"));
    }
    return p;
}

/* ---------------------------------------------------------------- who is who */

static bool
is_admin(const struct wm_actor *a)
{
    return wm_actor_is(a, WM_ROLE_BIT(WM_ROLE_ADMIN));
}

/* An entry of a round with its group and the caller's place in it. */
struct ctx {
    json_t *round; /* read again inside the transaction */
    json_t *entry;
    json_t *group;   /* NULL: not in a group */
    json_t *members; /* the group's members (NULL without group) */
    const struct wm_eval_plan *plan;
    bool member, leader, staff;
};

static void
ctx_free(struct ctx *c)
{
    json_decref(c->round);
    json_decref(c->entry);
    json_decref(c->group);
    json_decref(c->members);
    memset(c, 0, sizeof *c);
}

/*
** Load the entry of the round and the caller's roles.  Out of sight (not the round's, not
** in the round the caller sees, or the caller neither member, leader nor staff as need
** asks): 404.  need: 'm' a member of the entry's group; 'r' a reader of progress and
** reconciliation (leader, round office, admin); 'l' the leader.
*/
static enum wm_err
ctx_load(struct wm_db *db,
         const struct wm_actor *a,
         int64_t round_id,
         int64_t entry_id,
         char need,
         struct ctx *c,
         struct wm_fail *f)
{
    memset(c, 0, sizeof *c);
    if (NULL == a->p) {
        return wm_fail_set(f, WM_E_NOT_FOUND, NULL, "%s", _("评分表不存在"));
    }
    if (NULL == (c->round = wm_round_get_scoped(db, a, round_id, f))) {
        return f && f->err ? f->err : WM_E_NOT_FOUND;
    }
    c->entry = db->ops->entry_get(db, entry_id);
    if (NULL == c->entry || jsi(c->entry, "round_id") != round_id) {
        return c->entry || !wm_db_failed(db)
                   ? wm_fail_set(f, WM_E_NOT_FOUND, NULL, "%s", _("测评单位不存在"))
                   : wm_read_fail(db, f, NULL, NULL);
    }
    int64_t gid = jsi(c->entry, "group_id");
    if (gid > 0) {
        c->group = db->ops->group_get(db, gid);
        c->members = db->ops->group_member_list(db, gid);
        if (NULL == c->group || NULL == c->members) {
            return wm_read_fail(db, f, NULL, NULL);
        }
        c->leader = jsi(c->group, "leader_id") == a->p->user_id;
        size_t i;
        json_t *m;
        json_array_foreach(c->members, i, m)
        {
            c->member = c->member || jsi(m, "user_id") == a->p->user_id;
        }
        c->member = c->member || c->leader;
    }
    c->staff = is_admin(a) || wm_round_is_owner(a, c->round);
    bool ok = 'm' == need ? c->member : 'l' == need ? c->leader : (c->leader || c->staff);
    if (!ok) {
        return wm_fail_set(f, WM_E_NOT_FOUND, NULL, "%s", _("评分表不存在"));
    }
    if (NULL == (c->plan = wm_round_plan(db, c->round, f))) {
        return WM_E_INTERNAL;
    }
    return WM_OK;
}

static bool
entry_locked(const json_t *entry)
{
    return json_is_integer(json_object_get(entry, "locked_at"));
}

/* The round evaluating and the entry unlocked, else 409. */
static enum wm_err
writable(const struct ctx *c, struct wm_fail *f)
{
    if (!wm_round_in_state(c->round, "evaluating")) {
        return wm_fail_set(f, WM_E_CONFLICT, "state", _("测评处于「%s」阶段，不能评分"),
                           wm_round_state_label(jss(c->round, "state")));
    }
    if (entry_locked(c->entry)) {
        return wm_fail_set(f, WM_E_CONFLICT, "locked", "%s", _("该单位的评分已锁定"));
    }
    return WM_OK;
}

/* ---------------------------------------------------------------- reading input */

/* Points from JSON: a decimal string ("2.5", "０．５") or an integer number of points. */
static bool
points_of(const json_t *v, int64_t *out)
{
    if (json_is_string(v)) {
        return wm_eval_parse_points(json_string_value(v), out);
    }
    if (json_is_integer(v)) {
        json_int_t n = json_integer_value(v);
        if (n < -WM_FW_MAX_SCORE / 100 || n > WM_FW_MAX_SCORE / 100) {
            return false;
        }
        *out = (int64_t)n * 100;
        return true;
    }
    return false;
}

static bool
blank(const json_t *v)
{
    return NULL == v || json_is_null(v) ||
           (json_is_string(v) &&
            strspn(json_string_value(v), " \t") == strlen(json_string_value(v)));
}

/* One leaf's input, checked by the engine and against the unit's archives. */
struct parsed {
    struct wm_score_in row;
    struct wm_eval_input in;
    struct wm_eval_leaf_result res;
    json_t *ded_in;                /* deductions with points as hundredths */
    struct wm_eval_deduction *ded; /* borrowed reasons from ded_in */
    char grade[2];
    char *ded_text, *evidence_text;
};

static void
parsed_free(struct parsed *p)
{
    json_decref(p->ded_in);
    free(p->ded);
    free(p->ded_text);
    free(p->evidence_text);
    memset(p, 0, sizeof *p);
}

static const char *
method_of(const struct wm_ind *leaf, const char *m)
{
    const char *code = wm_fw_method_code(m);
    if (leaf->nmethods) {
        for (size_t i = 0; i < leaf->nmethods; i++) {
            const struct wm_fw_method *lm = &leaf->methods[i];
            if ((code && lm->code && wm_streq(code, lm->code)) || wm_streq(m, lm->label)) {
                return lm->code ? lm->code : lm->label;
            }
        }
        return NULL;
    }
    for (size_t i = 0; wm_score_methods[i]; i++) {
        if (code && wm_streq(code, wm_score_methods[i])) {
            return wm_score_methods[i];
        }
    }
    return NULL;
}

static enum wm_err
bad(struct wm_fail *f, const char *field, const char *msg)
{
    return wm_fail_set(f, WM_E_BAD_REQUEST, field, "%s", msg);
}

static enum wm_err
parse_score(struct wm_db *db,
            const struct ctx *c,
            const struct wm_ind *leaf,
            const json_t *in,
            struct parsed *p,
            struct wm_fail *f)
{
    char why[WM_EVAL_WHY] = "";
    memset(p, 0, sizeof *p);
    p->row.code = leaf->code;
    if (!json_is_object(in)) {
        return bad(f, NULL, _("评分须为 JSON 对象"));
    }
    json_t *v = json_object_get(in, "value");
    if (!blank(v)) {
        if (!points_of(v, &p->in.value)) {
            return bad(f, "value", _("分值须为最多两位小数的数字（如 2.5）"));
        }
        p->in.has_value = true;
    }
    v = json_object_get(in, "grade");
    if (!blank(v)) {
        const char *g = json_string_value(v);
        if (NULL == g || strlen(g) != 1 ||
            !((g[0] >= 'A' && g[0] <= 'Z') || (g[0] >= 'a' && g[0] <= 'z'))) {
            return bad(f, "grade", _("档次须为 A、B、C 或 D"));
        }
        p->in.grade = g[0];
        p->grade[0] = (char)(g[0] & ~0x20);
        p->row.grade = p->grade;
    }
    v = json_object_get(in, "deductions");
    if (v && !json_is_null(v)) {
        if (!json_is_array(v)) {
            return bad(f, "deductions", _("扣分项须为数组"));
        }
        p->ded_in = json_array();
        size_t i;
        json_t *d;
        json_array_foreach(v, i, d)
        {
            int64_t pts = 0;
            json_t *pv = json_object_get(d, "points");
            if (!json_is_object(d) || !points_of(pv, &pts)) {
                return bad(f, "deductions", _("每个扣分项须有原因和分值（如 0.5）"));
            }
            json_t *r = json_object_get(d, "reason");
            json_array_append_new(p->ded_in, json_pack("{s:O,s:I}", "reason", r ? r : json_null(),
                                                       "points", (json_int_t)pts));
        }
        if (WM_OK !=
            wm_eval_deductions_from_json(p->ded_in, &p->ded, &p->in.ndeductions, why, sizeof why)) {
            return bad(f, "deductions", why);
        }
        p->in.deductions = p->ded;
    }
    v = json_object_get(in, "veto");
    p->in.veto = json_is_true(v);
    if (v && !json_is_boolean(v) && !json_is_null(v)) {
        return bad(f, "veto", _("veto 须为 true 或 false"));
    }
    const char *vr = json_string_value(json_object_get(in, "veto_reason"));
    if (p->in.veto) {
        if (NULL == vr || !wm_valid_text(vr, WM_EVAL_MAX_REASON)) {
            return bad(f, "veto_reason", _("一票否决须填写原因"));
        }
        p->in.veto_reason = vr;
        p->row.veto = true;
        p->row.veto_reason = vr;
    }
    if (WM_OK != wm_eval_leaf(leaf, &p->in, &p->res, why, sizeof why)) {
        const char *field = p->in.veto && !leaf->veto ? "veto"
                            : p->in.grade             ? "grade"
                            : p->in.ndeductions       ? "deductions"
                                                      : "value";
        return bad(f, field, why);
    }
    p->row.has_value = p->res.scored;
    p->row.value = p->res.value;
    if (p->in.ndeductions) {
        json_t *dj = wm_eval_deductions_to_json(p->in.deductions, p->in.ndeductions);
        p->ded_text = json_dumps(dj, JSON_COMPACT);
        json_decref(dj);
        p->row.deductions = p->ded_text;
    }
    /* method */
    const char *m = json_string_value(json_object_get(in, "method"));
    if (m && *m) {
        const char *mc = method_of(leaf, m);
        if (NULL == mc) {
            return bad(f, "method", _("评分方式须为该指标规定的方式之一"));
        }
        p->row.method = mc;
    }
    /* comment */
    const char *cm = json_string_value(json_object_get(in, "comment"));
    if (cm && *cm) {
        if (!wm_valid_text(cm, COMMENT_MAX)) {
            return bad(f, "comment", _("评语过长或含有不允许的字符"));
        }
        p->row.comment = cm;
    }
    /* evidence: documents of the unit's archives of the materials years */
    v = json_object_get(in, "evidence");
    if (v && !json_is_null(v)) {
        if (!json_is_array(v) || json_array_size(v) > EVIDENCE_MAX) {
            return bad(f, "evidence", _("证据须为文件编号列表（最多 20 个）"));
        }
        json_t *ids = json_array();
        size_t i;
        json_t *d;
        json_array_foreach(v, i, d)
        {
            json_t *doc = json_is_integer(d) ? db->ops->doc_get(db, json_integer_value(d)) : NULL;
            bool ok = doc && jsi(doc, "unit_id") == jsi(c->entry, "unit_id") &&
                      jsi(doc, "year") >= jsi(c->round, "years_from") &&
                      jsi(doc, "year") <= jsi(c->round, "years_to") &&
                      !json_is_integer(json_object_get(doc, "deleted_at"));
            json_decref(doc);
            if (!ok) {
                json_decref(ids);
                if (wm_db_failed(db)) {
                    return wm_read_fail(db, f, NULL, NULL);
                }
                return wm_fail_set(
                    f, WM_E_BAD_REQUEST, "evidence", _("证据须为本单位 %lld—%lld 年度档案中的文件"),
                    (long long)jsi(c->round, "years_from"), (long long)jsi(c->round, "years_to"));
            }
            json_array_append(ids, d);
        }
        if (json_array_size(ids)) {
            p->evidence_text = json_dumps(ids, JSON_COMPACT);
            p->row.evidence = p->evidence_text;
        }
        json_decref(ids);
    }
    return WM_OK;
}

/* ---------------------------------------------------------------- representation */

static json_t *
score_json(const json_t *row)
{
    if (NULL == row) {
        return json_null();
    }
    json_t *o = json_object();
    json_object_set(o, "value", json_object_get(row, "value"));
    json_object_set(o, "grade", json_object_get(row, "grade"));
    json_t *d = json_loads(jss(row, "deductions"), 0, NULL);
    json_object_set_new(o, "deductions", json_is_array(d) ? d : json_array());
    if (!json_is_array(d)) {
        json_decref(d);
    }
    json_object_set(o, "method", json_object_get(row, "method"));
    json_object_set(o, "comment", json_object_get(row, "comment"));
    json_t *e = json_loads(jss(row, "evidence"), 0, NULL);
    json_object_set_new(o, "evidence", json_is_array(e) ? e : json_array());
    if (!json_is_array(e)) {
        json_decref(e);
    }
    json_object_set_new(o, "veto", json_boolean(jsi(row, "veto")));
    json_object_set(o, "veto_reason", json_object_get(row, "veto_reason"));
    json_object_set(o, "updated_at", json_object_get(row, "updated_at"));
    return o;
}

static json_t *
leaf_json(const struct wm_ind *leaf)
{
    struct wm_buf b = { 0 };
    wm_eval_rule_words(leaf, &b);
    json_t *o = json_pack("{s:s,s:s,s:s?,s:I,s:s?,s:s,s:s,s:b}", "code", leaf->code, "title",
                          leaf->title, "requirement", leaf->requirement, "max",
                          (json_int_t)(leaf->has_score ? leaf->score : 0), "rule",
                          wm_fw_rule_name(leaf->scoring.rule), "rule_label",
                          wm_eval_rule_label(leaf->scoring.rule), "rule_words",
                          b.data ? b.data : "", "veto", leaf->veto);
    wm_buf_free(&b);
    int64_t cap = wm_eval_leaf_cap(leaf);
    json_object_set_new(
        o, "cap",
        (leaf->scoring.rule == WM_FW_RULE_BONUS || leaf->scoring.rule == WM_FW_RULE_NEGATIVE) &&
                cap != INT64_MAX
            ? json_integer(cap)
            : json_null());
    json_object_set_new(o, "scorable", json_boolean(wm_eval_leaf_scorable(leaf)));
    json_t *g = json_array();
    if (WM_FW_RULE_GRADE == leaf->scoring.rule) {
        const struct wm_fw_scoring *s =
            leaf->scoring.ngrades ? &leaf->scoring : &WM_EVAL_DEFAULT_GRADES;
        for (unsigned i = 0; i < s->ngrades; i++) {
            char l[2] = { s->grade_letter[i], 0 };
            json_array_append_new(
                g,
                json_pack("{s:s,s:I,s:I}", "letter", l, "fraction", (json_int_t)s->grade[i],
                          "value", (json_int_t)wm_eval_div_round(leaf->score * s->grade[i], 100)));
        }
    }
    json_object_set_new(o, "grades", g);
    json_t *m = json_array();
    if (leaf->nmethods) {
        for (size_t i = 0; i < leaf->nmethods; i++) {
            const char *code =
                leaf->methods[i].code ? leaf->methods[i].code : leaf->methods[i].label;
            json_array_append_new(m, json_pack("{s:s,s:s}", "code", code, "label",
                                               leaf->methods[i].code ? wm_score_method_label(code)
                                                                     : leaf->methods[i].label));
        }
    } else {
        for (size_t i = 0; wm_score_methods[i]; i++) {
            json_array_append_new(m, json_pack("{s:s,s:s}", "code", wm_score_methods[i], "label",
                                               wm_score_method_label(wm_score_methods[i])));
        }
    }
    json_object_set_new(o, "methods", m);
    return o;
}

/* The unit's live documents of the materials years, per leaf code: {code: [{id, title,
** year, serial}]}. */
static json_t *
unit_docs(struct wm_db *db, const struct ctx *c)
{
    json_t *by = json_object();
    int64_t from = jsi(c->round, "years_from"), to = jsi(c->round, "years_to");
    for (int64_t y = from; y <= to && y - from < 20; y++) {
        json_t *ar = db->ops->archive_get(db, jsi(c->entry, "unit_id"), y);
        if (NULL == ar) {
            continue;
        }
        json_t *docs = db->ops->doc_list(db, jsi(ar, "id"), NULL, false);
        json_decref(ar);
        size_t i;
        json_t *d;
        json_array_foreach(docs, i, d)
        {
            const char *code = jss(d, "indicator_code");
            json_t *l = json_object_get(by, code);
            if (NULL == l) {
                l = json_array();
                json_object_set_new(by, code, l);
            }
            json_array_append_new(l,
                                  json_pack("{s:O,s:O,s:I,s:O}", "id", json_object_get(d, "id"),
                                            "title", json_object_get(d, "title"), "year",
                                            (json_int_t)y, "serial", json_object_get(d, "serial")));
        }
        json_decref(docs);
    }
    return by;
}

static json_t *
entry_json(const json_t *e)
{
    return json_pack(
        "{s:O,s:O,s:O,s:O,s:O,s:O,s:O,s:O,s:O}", "id", json_object_get(e, "id"), "unit_id",
        json_object_get(e, "unit_id"), "unit_name", json_object_get(e, "unit_name"), "unit_code",
        json_object_get(e, "unit_code"), "group_id", json_object_get(e, "group_id"), "locked_at",
        json_object_get(e, "locked_at"), "total", json_object_get(e, "total"), "vetoed",
        json_object_get(e, "vetoed"), "veto_reason", json_object_get(e, "veto_reason"));
}

static json_t *
sheet_json(const json_t *s)
{
    if (NULL == s) {
        return json_null();
    }
    return json_pack("{s:O,s:O,s:O,s:O,s:O,s:O,s:O}", "id", json_object_get(s, "id"),
                     "evaluator_id", json_object_get(s, "evaluator_id"), "evaluator_name",
                     json_object_get(s, "evaluator_name"), "state", json_object_get(s, "state"),
                     "submitted_at", json_object_get(s, "submitted_at"), "updated_at",
                     json_object_get(s, "updated_at"), "scored", json_object_get(s, "scored"));
}

json_t *
wm_sheet_view(struct wm_db *db,
              const struct wm_actor *a,
              const json_t *round,
              int64_t entry_id,
              struct wm_fail *f)
{
    struct ctx c;
    json_t *out = NULL, *sheet = NULL, *scores = NULL, *docs = NULL;
    if (WM_OK != ctx_load(db, a, jsi(round, "id"), entry_id, 'm', &c, f)) {
        goto done;
    }
    sheet = db->ops->sheet_find(db, entry_id, a->p->user_id);
    scores = sheet ? db->ops->score_list(db, jsi(sheet, "id")) : json_array();
    docs = unit_docs(db, &c);
    if (wm_db_failed(db) || NULL == scores) {
        wm_read_fail(db, f, NULL, NULL);
        goto done;
    }
    bool editable =
        WM_OK == writable(&c, NULL) && (NULL == sheet || wm_streq(jss(sheet, "state"), "draft"));
    out = json_pack("{s:O,s:o,s:o,s:b,s:b}", "round_id", json_object_get(c.round, "id"), "entry",
                    entry_json(c.entry), "sheet", sheet_json(sheet), "editable", editable, "leader",
                    c.leader);
    json_t *leaves = json_array();
    for (size_t i = 0; i < c.plan->nleaves; i++) {
        const struct wm_ind *leaf = c.plan->leaf[i];
        json_t *l = leaf_json(leaf);
        json_t *row = NULL;
        size_t k;
        json_t *s;
        json_array_foreach(scores, k, s)
        {
            if (wm_streq(jss(s, "indicator_code"), leaf->code)) {
                row = s;
            }
        }
        json_object_set_new(l, "score", score_json(row));
        json_t *dl = json_object_get(docs, leaf->code);
        json_object_set_new(l, "docs", dl ? json_incref(dl) : json_array());
        json_array_append_new(leaves, l);
    }
    json_object_set_new(out, "leaves", leaves);
done:
    ctx_free(&c);
    json_decref(sheet);
    json_decref(scores);
    json_decref(docs);
    return out;
}

/* ---------------------------------------------------------------- writing scores */

/* Inside a transaction: the caller's draft sheet (created when none), after the checks. */
static enum wm_err
own_sheet(struct wm_db *db,
          const struct wm_actor *a,
          const struct ctx *c,
          int64_t *sheet_id,
          struct wm_fail *f)
{
    enum wm_err e;
    if (WM_OK != (e = writable(c, f))) {
        return e;
    }
    if (jsi(c->round, "no_own_district") && a->p->org_id == jsi(c->entry, "district_id")) {
        return wm_fail_set(f, WM_E_FORBIDDEN, NULL, "%s", _("本测评不允许为本区的单位评分"));
    }
    if (WM_QS_ONE !=
        db->ops->sheet_ensure(db, jsi(c->entry, "id"), a->p->user_id, wm_now(), sheet_id)) {
        return wm_write_fail(db, f, NULL, NULL, _("无法创建评分表"));
    }
    json_t *s = db->ops->sheet_get(db, *sheet_id);
    if (NULL == s) {
        return wm_read_fail(db, f, NULL, NULL);
    }
    bool draft = wm_streq(jss(s, "state"), "draft");
    json_decref(s);
    if (!draft) {
        return wm_fail_set(f, WM_E_CONFLICT, "state", "%s",
                           _("评分表已提交，须由组长退回后才能修改"));
    }
    return WM_OK;
}

/* Write one parsed leaf with its audit entry. */
static enum wm_err
write_score(struct wm_db *db,
            const struct wm_actor *a,
            const struct ctx *c,
            int64_t sheet_id,
            const struct parsed *p,
            struct wm_fail *f)
{
    if (WM_QS_ONE != db->ops->score_set(db, sheet_id, &p->row, wm_now())) {
        return wm_write_fail(db, f, NULL, NULL, _("无法保存评分"));
    }
    json_t *after = json_pack("{s:s,s:I,s:o,s:s?,s:b}", "code", p->row.code, "entry_id",
                              (json_int_t)jsi(c->entry, "id"), "value",
                              p->row.has_value ? json_integer(p->row.value) : json_null(), "grade",
                              p->row.grade, "veto", p->row.veto);
    enum wm_err e = wm_audit(db, a, "score.set", "score_sheet", sheet_id,
                             jss(c->entry, "unit_path"), NULL, after);
    json_decref(after);
    return e;
}

struct set_args {
    int64_t round_id, entry_id;
    const char *code;
    const json_t *in;
    json_t **out;
};

static enum wm_err
set_once(struct wm_db *db, const struct wm_actor *a, const struct set_args *s, struct wm_fail *f)
{
    struct ctx c;
    struct parsed p = { 0 };
    int64_t sheet_id = 0;
    enum wm_err e;
    if (WM_OK != (e = tx_begin(db, f))) {
        return e;
    }
    if (WM_OK != (e = ctx_load(db, a, s->round_id, s->entry_id, 'm', &c, f))) {
        goto done;
    }
    if (WM_OK != (e = writable(&c, f))) {
        goto done;
    }
    ptrdiff_t li = wm_eval_plan_index(c.plan, s->code);
    if (li < 0) {
        e = wm_fail_set(f, WM_E_NOT_FOUND, "code", "%s", _("测评体系中没有这个末级指标"));
        goto done;
    }
    if (WM_OK != (e = own_sheet(db, a, &c, &sheet_id, f)) ||
        WM_OK != (e = parse_score(db, &c, c.plan->leaf[li], s->in, &p, f)) ||
        WM_OK != (e = write_score(db, a, &c, sheet_id, &p, f))) {
        goto done;
    }
    if (s->out) {
        json_t *rows = db->ops->score_list(db, sheet_id);
        json_t *row = NULL;
        size_t i;
        json_t *r;
        json_array_foreach(rows, i, r)
        {
            if (wm_streq(jss(r, "indicator_code"), s->code)) {
                row = r;
            }
        }
        *s->out = score_json(row);
        json_object_set_new(*s->out, "code", json_string(s->code));
        json_decref(rows);
    }
done:
    parsed_free(&p);
    ctx_free(&c);
    return tx_end(db, e, f);
}

enum wm_err
wm_score_set(struct wm_db *db,
             const struct wm_actor *a,
             const json_t *round,
             int64_t entry_id,
             const char *code,
             const json_t *in,
             json_t **out,
             struct wm_fail *f)
{
    const struct set_args s = { .round_id = jsi(round, "id"),
                                .entry_id = entry_id,
                                .code = code ? code : "",
                                .in = in,
                                .out = out };
    enum wm_err e;
    if (out) {
        *out = NULL;
    }
    TX_RETRY_CLEAN(
        e, set_once(db, a, &s, f), if (out) {
            json_decref(*out);
            *out = NULL;
        });
    return e;
}

static enum wm_err
submit_in_tx(struct wm_db *db, const struct wm_actor *a, const struct ctx *c, struct wm_fail *f);

struct batch_args {
    int64_t round_id, entry_id;
    const json_t *in;
    json_t **report;
};

static enum wm_err
batch_once(struct wm_db *db,
           const struct wm_actor *a,
           const struct batch_args *b,
           struct wm_fail *f)
{
    struct ctx c;
    int64_t sheet_id = 0;
    enum wm_err e;
    json_t *scores = json_object_get(b->in, "scores");
    if (!json_is_array(scores) || json_array_size(scores) > 2000) {
        return bad(f, "scores", _("scores 须为评分数组"));
    }
    if (WM_OK != (e = tx_begin(db, f))) {
        return e;
    }
    json_t *results = json_array();
    size_t saved = 0, refused = 0;
    bool submitted = false;
    if (WM_OK != (e = ctx_load(db, a, b->round_id, b->entry_id, 'm', &c, f)) ||
        WM_OK != (e = own_sheet(db, a, &c, &sheet_id, f))) {
        goto done;
    }
    size_t i;
    json_t *one;
    json_array_foreach(scores, i, one)
    {
        const char *code = json_string_value(json_object_get(one, "code"));
        ptrdiff_t li = code ? wm_eval_plan_index(c.plan, code) : -1;
        struct wm_fail lf = { 0 };
        struct parsed p = { 0 };
        enum wm_err le = li < 0 ? wm_fail_set(&lf, WM_E_BAD_REQUEST, "code", "%s",
                                              _("测评体系中没有这个末级指标"))
                                : parse_score(db, &c, c.plan->leaf[li], one, &p, &lf);
        if (WM_OK == le) {
            if (WM_OK != (e = write_score(db, a, &c, sheet_id, &p, f))) {
                parsed_free(&p);
                goto done;
            }
            saved++;
            json_array_append_new(results, json_pack("{s:s,s:s}", "code", code, "status", "saved"));
        } else {
            if (wm_db_failed(db)) {
                parsed_free(&p);
                e = wm_read_fail(db, f, NULL, NULL);
                goto done;
            }
            refused++;
            json_array_append_new(results, json_pack("{s:s?,s:s,s:s,s:s?}", "code", code, "status",
                                                     "refused", "error", lf.msg, "field",
                                                     lf.field[0] ? lf.field : NULL));
        }
        parsed_free(&p);
    }
    if (json_is_true(json_object_get(b->in, "submit")) && 0 == refused) {
        if (WM_OK != (e = submit_in_tx(db, a, &c, f))) {
            goto done;
        }
        submitted = true;
    }
    *b->report = json_pack("{s:I,s:I,s:O,s:b}", "saved", (json_int_t)saved, "refused",
                           (json_int_t)refused, "results", results, "submitted", submitted);
done:
    json_decref(results);
    ctx_free(&c);
    return tx_end(db, e, f);
}

enum wm_err
wm_score_batch(struct wm_db *db,
               const struct wm_actor *a,
               const json_t *round,
               int64_t entry_id,
               const json_t *in,
               json_t **report,
               struct wm_fail *f)
{
    const struct batch_args b = {
        .round_id = jsi(round, "id"), .entry_id = entry_id, .in = in, .report = report
    };
    enum wm_err e;
    *report = NULL;
    TX_RETRY_CLEAN(e, batch_once(db, a, &b, f), {
        json_decref(*report);
        *report = NULL;
    });
    if (WM_OK != e) {
        json_decref(*report);
        *report = NULL;
    }
    return e;
}

/* ---------------------------------------------------------------- submit and reopen */

static enum wm_err
submit_in_tx(struct wm_db *db, const struct wm_actor *a, const struct ctx *c, struct wm_fail *f)
{
    enum wm_err e;
    if (WM_OK != (e = writable(c, f))) {
        return e;
    }
    json_t *s = db->ops->sheet_find(db, jsi(c->entry, "id"), a->p->user_id);
    if (NULL == s) {
        return wm_db_failed(db) ? wm_read_fail(db, f, NULL, NULL)
                                : wm_fail_set(f, WM_E_CONFLICT, "state", "%s",
                                              _("评分表还没有任何评分，不能提交"));
    }
    int64_t id = jsi(s, "id");
    bool empty = 0 == jsi(s, "scored");
    json_decref(s);
    if (empty) {
        return wm_fail_set(f, WM_E_CONFLICT, "state", "%s", _("评分表还没有任何评分，不能提交"));
    }
    enum wm_qs qs = db->ops->sheet_set_state(db, id, "draft", "submitted", wm_now());
    if (WM_QS_NONE == qs) {
        return wm_fail_set(f, WM_E_CONFLICT, "state", "%s", _("评分表已提交"));
    }
    if (WM_QS_ONE != qs) {
        return wm_write_fail(db, f, NULL, NULL, _("无法提交评分表"));
    }
    json_t *after =
        json_pack("{s:s,s:I}", "state", "submitted", "entry_id", (json_int_t)jsi(c->entry, "id"));
    e = wm_audit(db, a, "sheet.submit", "score_sheet", id, jss(c->entry, "unit_path"), NULL, after);
    json_decref(after);
    return e;
}

struct entry_args {
    int64_t round_id, entry_id, evaluator_id;
    const char *text;
    const json_t *in;
};

static enum wm_err
submit_once(struct wm_db *db,
            const struct wm_actor *a,
            const struct entry_args *x,
            struct wm_fail *f)
{
    struct ctx c;
    enum wm_err e;
    if (WM_OK != (e = tx_begin(db, f))) {
        return e;
    }
    if (WM_OK == (e = ctx_load(db, a, x->round_id, x->entry_id, 'm', &c, f))) {
        e = submit_in_tx(db, a, &c, f);
    }
    ctx_free(&c);
    return tx_end(db, e, f);
}

enum wm_err
wm_sheet_submit(struct wm_db *db,
                const struct wm_actor *a,
                const json_t *round,
                int64_t entry_id,
                struct wm_fail *f)
{
    const struct entry_args x = { .round_id = jsi(round, "id"), .entry_id = entry_id };
    enum wm_err e;
    TX_RETRY(e, submit_once(db, a, &x, f));
    return e;
}

static enum wm_err
reopen_once(struct wm_db *db,
            const struct wm_actor *a,
            const struct entry_args *x,
            struct wm_fail *f)
{
    struct ctx c;
    enum wm_err e;
    json_t *s = NULL;
    if (WM_OK != (e = tx_begin(db, f))) {
        return e;
    }
    if (WM_OK != (e = ctx_load(db, a, x->round_id, x->entry_id, 'l', &c, f)) ||
        WM_OK != (e = writable(&c, f))) {
        goto done;
    }
    s = db->ops->sheet_find(db, x->entry_id, x->evaluator_id);
    if (NULL == s) {
        e = wm_db_failed(db)
                ? wm_read_fail(db, f, NULL, NULL)
                : wm_fail_set(f, WM_E_NOT_FOUND, "evaluator_id", "%s", _("该测评员没有评分表"));
        goto done;
    }
    enum wm_qs qs = db->ops->sheet_set_state(db, jsi(s, "id"), "submitted", "draft", wm_now());
    if (WM_QS_NONE == qs) {
        e = wm_fail_set(f, WM_E_CONFLICT, "state", "%s", _("评分表尚未提交"));
        goto done;
    }
    if (WM_QS_ONE != qs) {
        e = wm_write_fail(db, f, NULL, NULL, _("无法退回评分表"));
        goto done;
    }
    json_t *after =
        json_pack("{s:s,s:I}", "state", "draft", "evaluator_id", (json_int_t)x->evaluator_id);
    e = wm_audit(db, a, "sheet.reopen", "score_sheet", jsi(s, "id"), jss(c.entry, "unit_path"),
                 NULL, after);
    json_decref(after);
done:
    json_decref(s);
    ctx_free(&c);
    return tx_end(db, e, f);
}

enum wm_err
wm_sheet_reopen(struct wm_db *db,
                const struct wm_actor *a,
                const json_t *round,
                int64_t entry_id,
                int64_t evaluator_id,
                struct wm_fail *f)
{
    const struct entry_args x = { .round_id = jsi(round, "id"),
                                  .entry_id = entry_id,
                                  .evaluator_id = evaluator_id };
    enum wm_err e;
    TX_RETRY(e, reopen_once(db, a, &x, f));
    return e;
}

/* ---------------------------------------------------------------- progress */

json_t *
wm_round_progress(struct wm_db *db,
                  const struct wm_actor *a,
                  const json_t *round,
                  struct wm_fail *f)
{
    if (NULL == a->p) {
        wm_fail_set(f, WM_E_NOT_FOUND, NULL, "%s", _("测评不存在"));
        return NULL;
    }
    int64_t rid = jsi(round, "id");
    bool staff = is_admin(a) || wm_round_is_owner(a, round);
    json_t *groups = db->ops->group_list(db, rid);
    json_t *rows = groups ? db->ops->round_progress(db, rid) : NULL;
    const struct wm_eval_plan *plan = rows ? wm_round_plan(db, round, f) : NULL;
    json_t *out = NULL;
    if (NULL == plan) {
        if (NULL == rows) {
            wm_read_fail(db, f, NULL, NULL);
        }
        goto done;
    }
    /* the groups the caller reads: all (staff) or those it leads */
    json_t *mine = json_object();
    bool any = staff;
    size_t i;
    json_t *g;
    json_array_foreach(groups, i, g)
    {
        bool leads = jsi(g, "leader_id") == a->p->user_id;
        if (staff || leads) {
            char k[24];
            snprintf(k, sizeof k, "%lld", (long long)jsi(g, "id"));
            json_t *mem = db->ops->group_member_list(db, jsi(g, "id"));
            json_object_set_new(mine, k,
                                json_pack("{s:O,s:b,s:o}", "name", json_object_get(g, "name"),
                                          "leader", leads, "members", mem ? mem : json_array()));
            any = true;
        }
    }
    if (!any) {
        json_decref(mine);
        wm_fail_set(f, WM_E_NOT_FOUND, NULL, "%s", _("测评不存在"));
        goto done;
    }
    size_t nscorable = 0;
    for (size_t k = 0; k < plan->nleaves; k++) {
        nscorable += wm_eval_leaf_scorable(plan->leaf[k]) || plan->leaf[k]->veto;
    }
    json_t *entries = json_array();
    json_t *cur = NULL;
    json_t *r;
    json_array_foreach(rows, i, r)
    {
        char k[24];
        snprintf(k, sizeof k, "%lld", (long long)jsi(r, "group_id"));
        json_t *gi = json_object_get(mine, k);
        if (NULL == gi) {
            continue;
        }
        if (NULL == cur || jsi(cur, "entry_id") != jsi(r, "entry_id")) {
            cur = json_pack(
                "{s:O,s:O,s:O,s:O,s:O,s:O,s:O,s:O,s:O,s:o}", "entry_id",
                json_object_get(r, "entry_id"), "unit_id", json_object_get(r, "unit_id"),
                "unit_name", json_object_get(r, "unit_name"), "unit_code",
                json_object_get(r, "unit_code"), "group_id", json_object_get(r, "group_id"),
                "group_name", json_object_get(gi, "name"), "leader", json_object_get(gi, "leader"),
                "locked_at", json_object_get(r, "locked_at"), "total", json_object_get(r, "total"),
                "evaluators", json_array());
            json_array_append_new(entries, cur);
            /* every member of the group, with or without a sheet */
            size_t m;
            json_t *mem;
            json_array_foreach(json_object_get(gi, "members"), m, mem)
            {
                json_array_append_new(json_object_get(cur, "evaluators"),
                                      json_pack("{s:O,s:O,s:n,s:s,s:i,s:n}", "evaluator_id",
                                                json_object_get(mem, "user_id"), "name",
                                                json_object_get(mem, "display_name"), "sheet_id",
                                                "state", "none", "scored", 0, "submitted_at"));
            }
        }
        if (json_is_integer(json_object_get(r, "sheet_id"))) {
            json_t *ev = NULL;
            size_t m;
            json_t *x;
            json_array_foreach(json_object_get(cur, "evaluators"), m, x)
            {
                if (jsi(x, "evaluator_id") == jsi(r, "evaluator_id")) {
                    ev = x;
                }
            }
            if (NULL == ev) { /* a former member's sheet */
                ev = json_pack("{s:O,s:O}", "evaluator_id", json_object_get(r, "evaluator_id"),
                               "name", json_object_get(r, "evaluator_name"));
                json_array_append_new(json_object_get(cur, "evaluators"), ev);
            }
            json_object_set(ev, "sheet_id", json_object_get(r, "sheet_id"));
            json_object_set(ev, "state", json_object_get(r, "state"));
            json_object_set(ev, "scored", json_object_get(r, "scored"));
            json_object_set(ev, "submitted_at", json_object_get(r, "submitted_at"));
        }
    }
    json_decref(mine);
    out = json_pack("{s:I,s:o}", "leaves", (json_int_t)nscorable, "entries", entries);
done:
    json_decref(groups);
    json_decref(rows);
    return out;
}

/* ---------------------------------------------------------------- reconciliation */

/* An entry's sheets and values, reconciled. */
struct recon {
    json_t *sheets; /* sheet rows */
    json_t *scores; /* score rows of every sheet */
    json_t *finals; /* entry_final rows */
    size_t nsheets, nleaves;
    struct wm_eval_value *vals; /* [nsheets * nleaves] */
    const struct wm_eval_value **rows;
    struct wm_eval_value *leader; /* [nleaves]: the leader's decisions */
    struct wm_eval_recon *out;    /* [nleaves] */
    struct wm_eval_value *final;  /* [nleaves]: what counts */
    bool *final_leader;           /* [nleaves]: by the leader's decision */
    enum wm_eval_how how;
    struct wm_eval_totals totals;
};

static void
recon_free(struct recon *r)
{
    json_decref(r->sheets);
    json_decref(r->scores);
    json_decref(r->finals);
    free(r->vals);
    free(r->rows);
    free(r->leader);
    free(r->out);
    free(r->final);
    free(r->final_leader);
    wm_eval_totals_free(&r->totals);
    memset(r, 0, sizeof *r);
}

static enum wm_err
recon_build(struct wm_db *db, const struct ctx *c, struct recon *r, struct wm_fail *f)
{
    memset(r, 0, sizeof *r);
    int64_t eid = jsi(c->entry, "id");
    r->sheets = db->ops->sheet_list(db, eid);
    r->scores = db->ops->score_list_entry(db, eid);
    r->finals = db->ops->final_list(db, eid);
    if (NULL == r->sheets || NULL == r->scores || NULL == r->finals) {
        return wm_read_fail(db, f, NULL, NULL);
    }
    if (!wm_eval_how_parse(jss(c->round, "reconcile"), &r->how)) {
        r->how = WM_EVAL_MEAN;
    }
    r->nsheets = json_array_size(r->sheets);
    r->nleaves = c->plan->nleaves;
    size_t nl = r->nleaves ? r->nleaves : 1;
    r->vals = calloc((r->nsheets ? r->nsheets : 1) * nl, sizeof *r->vals);
    r->rows = calloc(r->nsheets ? r->nsheets : 1, sizeof *r->rows);
    r->leader = calloc(nl, sizeof *r->leader);
    r->out = calloc(nl, sizeof *r->out);
    r->final = calloc(nl, sizeof *r->final);
    r->final_leader = calloc(nl, sizeof *r->final_leader);
    if (!r->vals || !r->rows || !r->leader || !r->out || !r->final || !r->final_leader) {
        return wm_fail_set(f, WM_E_INTERNAL, NULL, "%s", _("内存不足"));
    }
    for (size_t s = 0; s < r->nsheets; s++) {
        r->rows[s] = r->vals + s * r->nleaves;
    }
    size_t i;
    json_t *row;
    json_array_foreach(r->scores, i, row)
    {
        ptrdiff_t li = wm_eval_plan_index(c->plan, jss(row, "indicator_code"));
        size_t s;
        json_t *sh;
        json_array_foreach(r->sheets, s, sh)
        {
            if (li >= 0 && jsi(sh, "id") == jsi(row, "sheet_id")) {
                struct wm_eval_value *v = &r->vals[s * r->nleaves + (size_t)li];
                v->set = json_is_integer(json_object_get(row, "value"));
                v->value = jsi(row, "value");
                v->veto = 0 != jsi(row, "veto");
            }
        }
    }
    json_array_foreach(r->finals, i, row)
    {
        ptrdiff_t li = wm_eval_plan_index(c->plan, jss(row, "indicator_code"));
        if (li >= 0 && wm_streq(jss(row, "how"), "leader")) {
            r->leader[li].set = true;
            r->leader[li].value = jsi(row, "value");
        }
    }
    /* the statistics and the mean; in leader mode the decisions replace the mean */
    char why[WM_EVAL_WHY] = "";
    if (WM_OK != wm_eval_reconcile(c->plan, r->nsheets, r->rows, WM_EVAL_MEAN, 0, NULL, r->out, why,
                                   sizeof why)) {
        return wm_fail_set(f, WM_E_INTERNAL, NULL, "%s", why);
    }
    /* leader mode: the leader's decisions, the mean where the leader decided nothing (the
    ** evaluators' vetoes carry over) */
    for (size_t k = 0; k < r->nleaves; k++) {
        r->final_leader[k] = WM_EVAL_LEADER == r->how && r->leader[k].set;
        if (WM_EVAL_LEADER == r->how) {
            struct wm_eval_value d = r->final_leader[k] ? r->leader[k] : r->out[k].final;
            d.veto = r->out[k].final.veto;
            r->leader[k] = d;
        }
    }
    if (WM_EVAL_LEADER == r->how &&
        WM_OK != wm_eval_reconcile(c->plan, r->nsheets, r->rows, WM_EVAL_LEADER, 0, r->leader,
                                   r->out, why, sizeof why)) {
        return wm_fail_set(f, WM_E_INTERNAL, NULL, "%s", why);
    }
    for (size_t k = 0; k < r->nleaves; k++) {
        r->final[k] = r->out[k].final;
    }
    wm_eval_totals(c->plan, r->final, &r->totals);
    return WM_OK;
}

json_t *
wm_reconcile_view(struct wm_db *db,
                  const struct wm_actor *a,
                  const json_t *round,
                  int64_t entry_id,
                  struct wm_fail *f)
{
    struct ctx c;
    struct recon r;
    memset(&r, 0, sizeof r);
    json_t *out = NULL;
    if (WM_OK != ctx_load(db, a, jsi(round, "id"), entry_id, 'r', &c, f) ||
        WM_OK != recon_build(db, &c, &r, f)) {
        goto done;
    }
    json_t *evs = json_array();
    bool all_submitted = r.nsheets > 0;
    size_t s;
    json_t *sh;
    json_array_foreach(r.sheets, s, sh)
    {
        all_submitted = all_submitted && wm_streq(jss(sh, "state"), "submitted");
        json_array_append_new(
            evs, json_pack("{s:O,s:O,s:O,s:O,s:O}", "id", json_object_get(sh, "evaluator_id"),
                           "name", json_object_get(sh, "evaluator_name"), "state",
                           json_object_get(sh, "state"), "sheet_id", json_object_get(sh, "id"),
                           "scored", json_object_get(sh, "scored")));
    }
    json_t *leaves = json_array();
    for (size_t k = 0; k < r.nleaves; k++) {
        const struct wm_ind *leaf = c.plan->leaf[k];
        const struct wm_eval_recon *o = &r.out[k];
        json_t *vals = json_array(), *vetoes = json_array(), *reasons = json_array();
        for (size_t x = 0; x < r.nsheets; x++) {
            const struct wm_eval_value *v = &r.rows[x][k];
            json_array_append_new(vals, v->set ? json_integer(v->value) : json_null());
            json_array_append_new(vetoes, json_boolean(v->veto));
            const char *reason = NULL;
            size_t i;
            json_t *row;
            json_array_foreach(r.scores, i, row)
            {
                if (jsi(row, "sheet_id") == jsi(json_array_get(r.sheets, x), "id") &&
                    wm_streq(jss(row, "indicator_code"), leaf->code) && jsi(row, "veto")) {
                    reason = jss(row, "veto_reason");
                }
            }
            json_array_append_new(reasons, reason ? json_string(reason) : json_null());
        }
        json_t *l = json_pack(
            "{s:s,s:s,s:I,s:s?,s:b,s:o,s:o,s:o,s:I,s:o,s:o,s:o,s:o,s:I,s:b,s:o,s:o,s:s?,s:b}",
            "code", leaf->code, "title", leaf->title, "max",
            (json_int_t)(leaf->has_score ? leaf->score : 0), "rule",
            wm_fw_rule_name(leaf->scoring.rule), "veto_leaf", leaf->veto, "values", vals, "vetoes",
            vetoes, "veto_reasons", reasons, "n", (json_int_t)o->n, "mean",
            o->n ? json_integer(o->mean) : json_null(), "min",
            o->n ? json_integer(o->min) : json_null(), "max_value",
            o->n ? json_integer(o->max) : json_null(), "spread",
            o->n ? json_integer(o->spread) : json_null(), "nveto", (json_int_t)o->nveto, "flagged",
            o->flagged, "decision",
            r.final_leader[k] ? json_integer(r.leader[k].value) : json_null(), "final",
            r.final[k].set ? json_integer(r.final[k].value) : json_null(), "final_how",
            r.final[k].set ? (r.final_leader[k] ? "leader" : "mean") : NULL, "final_veto",
            r.final[k].veto);
        json_array_append_new(leaves, l);
    }
    json_t *subs = json_array();
    for (size_t t = 0; t < r.totals.ntop; t++) {
        json_array_append_new(subs, json_pack("{s:s,s:s,s:I}", "code", c.plan->fw->top[t]->code,
                                              "title", c.plan->fw->top[t]->title, "value",
                                              (json_int_t)r.totals.subtotal[t]));
    }
    bool locked = entry_locked(c.entry);
    bool evaluating = wm_round_in_state(c.round, "evaluating");
    out = json_pack(
        "{s:s,s:o,s:o,s:o,s:I,s:I,s:I,s:I,s:o,s:b,s:I,s:I,s:b,s:b,s:b,s:b}", "how",
        wm_eval_how_name(r.how), "entry", entry_json(c.entry), "evaluators", evs, "leaves", leaves,
        "total", (json_int_t)r.totals.total, "base", (json_int_t)r.totals.base, "bonus",
        (json_int_t)r.totals.bonus, "negative", (json_int_t)r.totals.negative, "subtotals", subs,
        "vetoed", r.totals.veto, "scored", (json_int_t)r.totals.scored, "unscored",
        (json_int_t)r.totals.unscored, "leader", c.leader, "can_decide",
        c.leader && evaluating && !locked && WM_EVAL_LEADER == r.how, "can_lock",
        c.leader && evaluating && !locked && all_submitted, "all_submitted", all_submitted);
done:
    recon_free(&r);
    ctx_free(&c);
    return out;
}

static enum wm_err
decide_once(struct wm_db *db,
            const struct wm_actor *a,
            const struct entry_args *x,
            struct wm_fail *f)
{
    struct ctx c;
    enum wm_err e;
    json_t *done_list = json_array();
    if (WM_OK != (e = tx_begin(db, f))) {
        json_decref(done_list);
        return e;
    }
    if (WM_OK != (e = ctx_load(db, a, x->round_id, x->entry_id, 'l', &c, f)) ||
        WM_OK != (e = writable(&c, f))) {
        goto done;
    }
    if (!wm_streq(jss(c.round, "reconcile"), "leader")) {
        e = wm_fail_set(f, WM_E_CONFLICT, "reconcile", "%s",
                        _("本测评按平均分合分，组长不能逐项裁定"));
        goto done;
    }
    json_t *ds = json_object_get(x->in, "decisions");
    if (!json_is_array(ds) || 0 == json_array_size(ds)) {
        e = bad(f, "decisions", _("decisions 须为裁定数组"));
        goto done;
    }
    size_t i;
    json_t *d;
    json_array_foreach(ds, i, d)
    {
        const char *code = json_string_value(json_object_get(d, "code"));
        ptrdiff_t li = code ? wm_eval_plan_index(c.plan, code) : -1;
        if (li < 0) {
            e = bad(f, "code", _("测评体系中没有这个末级指标"));
            goto done;
        }
        json_t *v = json_object_get(d, "value");
        enum wm_qs qs;
        if (blank(v)) {
            qs = db->ops->final_delete(db, x->entry_id, code);
            json_array_append_new(done_list, json_pack("{s:s,s:n}", "code", code, "value"));
        } else {
            int64_t val = 0;
            char why[WM_EVAL_WHY] = "";
            if (!points_of(v, &val)) {
                e = bad(f, "value", _("分值须为最多两位小数的数字（如 2.5）"));
                goto done;
            }
            if (WM_OK != wm_eval_check_value(c.plan->leaf[li], val, why, sizeof why)) {
                e = bad(f, "value", why);
                goto done;
            }
            qs = db->ops->final_set(db, x->entry_id, code, val, "leader", a->p->user_id, wm_now());
            json_array_append_new(done_list,
                                  json_pack("{s:s,s:I}", "code", code, "value", (json_int_t)val));
        }
        if (WM_QS_HARD == qs || WM_QS_SOFT == qs) {
            e = wm_write_fail(db, f, NULL, NULL, _("无法保存裁定"));
            goto done;
        }
    }
    json_t *after = json_pack("{s:O}", "decisions", done_list);
    e = wm_audit(db, a, "entry.reconcile", "round_entry", x->entry_id, jss(c.entry, "unit_path"),
                 NULL, after);
    json_decref(after);
done:
    json_decref(done_list);
    ctx_free(&c);
    return tx_end(db, e, f);
}

enum wm_err
wm_reconcile_decide(struct wm_db *db,
                    const struct wm_actor *a,
                    const json_t *round,
                    int64_t entry_id,
                    const json_t *in,
                    struct wm_fail *f)
{
    const struct entry_args x = { .round_id = jsi(round, "id"), .entry_id = entry_id, .in = in };
    enum wm_err e;
    TX_RETRY(e, decide_once(db, a, &x, f));
    return e;
}

static enum wm_err
lock_once(struct wm_db *db, const struct wm_actor *a, const struct entry_args *x, struct wm_fail *f)
{
    struct ctx c;
    struct recon r;
    memset(&r, 0, sizeof r);
    enum wm_err e;
    struct wm_buf reasons = { 0 };
    if (WM_OK != (e = tx_begin(db, f))) {
        return e;
    }
    if (WM_OK != (e = ctx_load(db, a, x->round_id, x->entry_id, 'l', &c, f)) ||
        WM_OK != (e = writable(&c, f)) || WM_OK != (e = recon_build(db, &c, &r, f))) {
        goto done;
    }
    if (0 == r.nsheets) {
        e = wm_fail_set(f, WM_E_CONFLICT, "sheets", "%s", _("还没有测评员评分，不能锁定"));
        goto done;
    }
    size_t s;
    json_t *sh;
    json_array_foreach(r.sheets, s, sh)
    {
        if (!wm_streq(jss(sh, "state"), "submitted")) {
            e = wm_fail_set(f, WM_E_CONFLICT, "sheets", _("%s 的评分表尚未提交，不能锁定"),
                            jss(sh, "evaluator_name"));
            goto done;
        }
    }
    int64_t now = wm_now();
    if (WM_QS_HARD == db->ops->final_delete(db, x->entry_id, NULL)) {
        e = wm_write_fail(db, f, NULL, NULL, _("无法保存最终得分"));
        goto done;
    }
    for (size_t k = 0; k < r.nleaves; k++) {
        const struct wm_ind *leaf = c.plan->leaf[k];
        if (r.final[k].veto) {
            size_t i;
            json_t *row;
            json_array_foreach(r.scores, i, row)
            {
                if (jsi(row, "veto") && wm_streq(jss(row, "indicator_code"), leaf->code)) {
                    wm_buf_printf(&reasons, "%s%s：%s", reasons.len ? "；" : "", leaf->code,
                                  jss(row, "veto_reason"));
                }
            }
        }
        if (!r.final[k].set) {
            continue;
        }
        if (WM_QS_ONE != db->ops->final_set(db, x->entry_id, leaf->code, r.final[k].value,
                                            r.final_leader[k] ? "leader" : "mean", a->p->user_id,
                                            now)) {
            e = wm_write_fail(db, f, NULL, NULL, _("无法保存最终得分"));
            goto done;
        }
    }
    const struct wm_entry_lock_in li = { .locked_by = a->p->user_id,
                                         .total = r.totals.total,
                                         .vetoed = r.totals.veto,
                                         .veto_reason =
                                             r.totals.veto && reasons.data ? reasons.data : NULL };
    enum wm_qs qs = db->ops->entry_lock(db, x->entry_id, &li, now);
    if (WM_QS_NONE == qs) {
        e = wm_fail_set(f, WM_E_CONFLICT, "locked", "%s", _("该单位的评分已锁定"));
        goto done;
    }
    if (WM_QS_ONE != qs) {
        e = wm_write_fail(db, f, NULL, NULL, _("无法锁定评分"));
        goto done;
    }
    json_t *after =
        json_pack("{s:I,s:b,s:s,s:I}", "total", (json_int_t)r.totals.total, "vetoed", r.totals.veto,
                  "how", wm_eval_how_name(r.how), "sheets", (json_int_t)r.nsheets);
    e = wm_audit(db, a, "entry.lock", "round_entry", x->entry_id, jss(c.entry, "unit_path"), NULL,
                 after);
    json_decref(after);
done:
    wm_buf_free(&reasons);
    recon_free(&r);
    ctx_free(&c);
    return tx_end(db, e, f);
}

enum wm_err
wm_entry_lock(struct wm_db *db,
              const struct wm_actor *a,
              const json_t *round,
              int64_t entry_id,
              struct wm_fail *f)
{
    const struct entry_args x = { .round_id = jsi(round, "id"), .entry_id = entry_id };
    enum wm_err e;
    TX_RETRY(e, lock_once(db, a, &x, f));
    return e;
}

static enum wm_err
unlock_once(struct wm_db *db,
            const struct wm_actor *a,
            const struct entry_args *x,
            struct wm_fail *f)
{
    struct ctx c;
    enum wm_err e;
    if (WM_OK != (e = tx_begin(db, f))) {
        return e;
    }
    if (WM_OK != (e = ctx_load(db, a, x->round_id, x->entry_id, 'r', &c, f))) {
        goto done;
    }
    if (!is_admin(a)) {
        e = wm_fail_set(f, WM_E_FORBIDDEN, NULL, "%s", _("只有系统管理员可以解除锁定"));
        goto done;
    }
    if (!wm_round_in_state(c.round, "evaluating")) {
        e = wm_fail_set(f, WM_E_CONFLICT, "state", "%s", _("测评不在测评中阶段，不能解除锁定"));
        goto done;
    }
    if (NULL == x->text || !wm_valid_text(x->text, WM_ROUND_TEXT_MAX)) {
        e = bad(f, "reason", _("解除锁定须填写原因"));
        goto done;
    }
    enum wm_qs qs = db->ops->entry_unlock(db, x->entry_id, wm_now());
    if (WM_QS_NONE == qs) {
        e = wm_fail_set(f, WM_E_CONFLICT, "locked", "%s", _("该单位的评分未锁定"));
        goto done;
    }
    if (WM_QS_ONE != qs) {
        e = wm_write_fail(db, f, NULL, NULL, _("无法解除锁定"));
        goto done;
    }
    json_t *before = json_pack("{s:O}", "total", json_object_get(c.entry, "total"));
    json_t *after = json_pack("{s:s}", "reason", x->text);
    e = wm_audit(db, a, "entry.unlock", "round_entry", x->entry_id, jss(c.entry, "unit_path"),
                 before, after);
    json_decref(before);
    json_decref(after);
done:
    ctx_free(&c);
    return tx_end(db, e, f);
}

enum wm_err
wm_entry_unlock(struct wm_db *db,
                const struct wm_actor *a,
                const json_t *round,
                int64_t entry_id,
                const char *reason,
                struct wm_fail *f)
{
    const struct entry_args x = { .round_id = jsi(round, "id"),
                                  .entry_id = entry_id,
                                  .text = reason };
    enum wm_err e;
    TX_RETRY(e, unlock_once(db, a, &x, f));
    return e;
}

/* end of scoring.c */
