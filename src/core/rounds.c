/*
** rounds.c — evaluation rounds (测评, issue 10): a round's lifecycle (draft → open →
** evaluating → locked → publicity → closed), who sees it, and its entries: declarations
** (申报) by units with their 事迹材料 and self-assessment, the district's recommendation
** (推荐), the city's decision, rechecks (复查) and the declaration statistics (申报统计).
** The rules are in wm_core.h; every write runs in its own transaction with its audit entry
** (and notifications) in it.
*/
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tx.h"
#include "wm_core.h"
#include "wm_framework.h"

/* ---------------------------------------------------------------- vocabularies */

const char *const wm_round_states[] = {"draft",  "open",      "evaluating",
                                       "locked", "publicity", "closed", NULL};

const char *
wm_round_state_label(const char *state)
{
    static const char *const names[][2] = {
        {"draft", N_("草稿")},        {"open", N_("申报中")},      {"evaluating", N_("测评中")},
        {"locked", N_("评分已锁定")}, {"publicity", N_("公示中")}, {"closed", N_("已结束")},
    };
    for (size_t i = 0; state && i < WM_ARRAY_LEN(names); i++) {
        if (wm_streq(state, names[i][0])) {
            return _(names[i][1]);
        }
    }
    return state ? state : "";
}

const char *
wm_entry_state_label(const char *state)
{
    static const char *const names[][2] = {
        {"draft", N_("待提交")},      {"declared", N_("已申报")}, {"recommended", N_("已推荐")},
        {"accepted", N_("已受理")},   {"rejected", N_("未受理")}, {"withdrawn", N_("已撤回")},
    };
    for (size_t i = 0; state && i < WM_ARRAY_LEN(names); i++) {
        if (wm_streq(state, names[i][0])) {
            return _(names[i][1]);
        }
    }
    return state ? state : "";
}

const char *
wm_entry_kind_label(const char *kind)
{
    return wm_streq(kind, "recheck") ? _("复查") : wm_streq(kind, "declare") ? _("申报")
                                                                               : (kind ? kind : "");
}

const char *const wm_round_categories[] = {"文明单位", "文明学校", "文明乡镇", "文明街道",
                                           "文明村",   "文明社区", "窗口单位", "其他", NULL};

const char *
wm_unit_type_category(const char *type)
{
    static const char *const map[][2] = {
        {"机关", "文明单位"}, {"企业", "文明单位"}, {"事业单位", "文明单位"},
        {"学校", "文明学校"}, {"乡镇", "文明乡镇"}, {"街道", "文明街道"},
        {"村", "文明村"},     {"社区", "文明社区"}, {"窗口单位", "窗口单位"},
    };
    for (size_t i = 0; type && i < WM_ARRAY_LEN(map); i++) {
        if (wm_streq(type, map[i][0])) {
            return map[i][1];
        }
    }
    return "其他";
}

static int
state_index(const char *state)
{
    for (int i = 0; wm_round_states[i]; i++) {
        if (wm_streq(state, wm_round_states[i])) {
            return i;
        }
    }
    return -1;
}

const char *
wm_round_next_state(const char *state)
{
    int i = state_index(state);
    return i < 0 ? NULL : wm_round_states[i + 1];
}

const char *
wm_round_prev_state(const char *state)
{
    int i = state_index(state);
    return i <= 0 ? NULL : wm_round_states[i - 1];
}

bool
wm_round_in_state(const json_t *round, const char *state)
{
    return round && state && wm_streq(jss(round, "state"), state);
}

/* ---------------------------------------------------------------- who */

static bool
is_admin(const struct wm_actor *a)
{
    return wm_actor_is(a, WM_ROLE_BIT(WM_ROLE_ADMIN));
}

static bool
has_role(const struct wm_actor *a, enum wm_role r)
{
    return a->p && r == a->p->role;
}

bool
wm_round_is_owner(const struct wm_actor *a, const json_t *round)
{
    return has_role(a, WM_ROLE_OFFICE) && a->p->org_id == jsi(round, "office_id");
}

bool
wm_round_admits(const json_t *round, const char *type)
{
    json_t *types = json_loads(jss(round, "unit_types"), 0, NULL);
    bool ok = !json_is_array(types) || 0 == json_array_size(types);
    size_t i;
    json_t *t;
    json_array_foreach(types, i, t)
    {
        ok = ok || (type && wm_streq(json_string_value(t), type));
    }
    json_decref(types);
    return ok;
}

/* Whether the user is a member of a group of the round. */
static bool
is_member(struct wm_db *db, int64_t round_id, int64_t user_id)
{
    struct wm_round_filter rf = {.member_id = user_id, .limit = 1000};
    json_t *l = db->ops->round_list(db, &rf);
    bool found = false;
    size_t i;
    json_t *r;
    json_array_foreach(l, i, r)
    {
        found = found || jsi(r, "id") == round_id;
    }
    json_decref(l);
    return found;
}

/* Whether the caller sees the round (a row from the store). */
static bool
sees_round(struct wm_db *db, const struct wm_actor *a, const json_t *r)
{
    const char *scope = jss(r, "scope_path");
    if (is_admin(a)) {
        return true;
    }
    switch (a->p->role) {
    case WM_ROLE_OFFICE:
        return wm_startswith(scope, a->p->org_path) || wm_startswith(a->p->org_path, scope);
    case WM_ROLE_EVALUATOR:
        return is_member(db, jsi(r, "id"), a->p->user_id);
    default: /* unit accounts */
        return !wm_round_in_state(r, "draft") && wm_startswith(a->p->org_path, scope);
    }
}

json_t *
wm_round_get_scoped(struct wm_db *db, const struct wm_actor *a, int64_t id, struct wm_fail *f)
{
    json_t *r = db->ops->round_get(db, id);
    if (NULL == r) {
        wm_read_fail(db, f, NULL, _("测评不存在"));
        return NULL;
    }
    if (!sees_round(db, a, r)) {
        json_decref(r);
        wm_fail_set(f, WM_E_NOT_FOUND, NULL, "%s", _("测评不存在"));
        return NULL;
    }
    return r;
}

json_t *
wm_round_list(struct wm_db *db, const struct wm_actor *a, const char *state, unsigned limit,
              unsigned offset, struct wm_fail *f)
{
    if (state && *state && state_index(state) < 0) {
        wm_fail_set(f, WM_E_BAD_REQUEST, "state", "%s",
                    _("state 须为 draft、open、evaluating、locked、publicity 或 closed"));
        return NULL;
    }
    struct wm_round_filter rf = {.state = state && *state ? state : NULL,
                                 .limit = limit ? limit : 100, .offset = offset};
    if (is_admin(a)) {
        rf.overlap = "/";
    } else if (WM_ROLE_OFFICE == a->p->role) {
        rf.overlap = a->p->org_path;
    } else if (WM_ROLE_EVALUATOR == a->p->role) {
        rf.member_id = a->p->user_id;
    } else {
        rf.contains = a->p->org_path;
        rf.no_drafts = true;
    }
    json_t *l = db->ops->round_list(db, &rf);
    if (NULL == l) {
        if (!wm_db_failed(db)) {
            db->status = WM_QS_HARD;
        }
        wm_read_fail(db, f, NULL, NULL);
    }
    return l;
}

/* ---------------------------------------------------------------- validation */

static bool
valid_date(const char *s)
{
    int y, m, d;
    char tail;
    if (NULL == s || strlen(s) != 10) {
        return false;
    }
    for (int i = 0; i < 10; i++) {
        bool dash = 4 == i || 7 == i;
        if (dash ? '-' != s[i] : !isdigit((unsigned char)s[i])) {
            return false;
        }
    }
    if (3 != sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail)) {
        return false;
    }
    static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return y >= 1900 && y <= 2200 && m >= 1 && m <= 12 && d >= 1 && d <= days[m - 1] &&
           !(2 == m && 29 == d && !((0 == y % 4 && 0 != y % 100) || 0 == y % 400));
}

/* Points as the API writes them: a decimal string ("85.5") or an integer; hundredths. */
static bool
points_of(const json_t *v, int64_t *out)
{
    if (json_is_integer(v)) {
        json_int_t n = json_integer_value(v);
        if (n < 0 || n > 100000000) {
            return false;
        }
        *out = (int64_t)n * 100;
        return true;
    }
    return json_is_string(v) && wm_fw_score_parse(json_string_value(v), out);
}

/* The text of key in in (NULL when absent or null); *bad when present but not a string. */
static const char *
str_of(const json_t *in, const char *key, bool *bad)
{
    json_t *v = json_object_get(in, key);
    if (NULL == v || json_is_null(v)) {
        return NULL;
    }
    if (!json_is_string(v)) {
        *bad = true;
        return NULL;
    }
    return json_string_value(v);
}

/* A round's fields: what the store is given, with the texts it owns. */
struct round_fields {
    struct wm_round_in in;
    char *types; /* JSON text */
};

static enum wm_err
bad(struct wm_fail *f, const char *field, const char *msg)
{
    return wm_fail_set(f, WM_E_BAD_REQUEST, field, "%s", msg);
}

/*
** Fill rf from in over cur (the round as it is; NULL when creating), checking every field.
** Borrowed texts point into in or cur.
*/
static enum wm_err
fields_of(struct wm_db *db, const struct wm_actor *a, const json_t *in, const json_t *cur,
          struct round_fields *rf, struct wm_fail *f)
{
    struct wm_round_in *o = &rf->in;
    bool wrong = false;
    static const char *const keys[] = {
        "name",        "level",          "scope_id",       "edition_id",      "window_start",
        "window_end",  "years_from",     "years_to",       "unit_types",      "pass_threshold",
        "reconcile",   "no_own_district", "publicity_start", "publicity_end", NULL};
    const char *k;
    json_t *v;
    if (!json_is_object(in)) {
        return bad(f, NULL, _("请求须为 JSON 对象"));
    }
    json_object_foreach((json_t *)in, k, v)
    {
        bool known = false;
        for (size_t i = 0; keys[i]; i++) {
            known = known || wm_streq(k, keys[i]);
        }
        if (!known || (cur && wm_streq(k, "scope_id"))) {
            return wm_fail_set(f, WM_E_BAD_REQUEST, k, _("不认识的字段：%s"), k);
        }
    }
#define TEXT(field, key)                                                                     \
    do {                                                                                     \
        const char *s_ = str_of(in, key, &wrong);                                            \
        o->field = s_ ? s_ : (cur ? json_string_value(json_object_get(cur, key)) : NULL);    \
    } while (0)
    TEXT(name, "name");
    TEXT(level, "level");
    TEXT(window_start, "window_start");
    TEXT(window_end, "window_end");
    TEXT(reconcile, "reconcile");
#undef TEXT
    if (wrong) {
        return bad(f, NULL, _("文本字段须为字符串"));
    }
    if (NULL == o->name || !wm_valid_text(o->name, WM_ROUND_NAME_MAX)) {
        return bad(f, "name", _("请填写测评名称（不超过 100 个字）"));
    }
    if (NULL == o->level || !wm_valid_text(o->level, 20)) {
        return bad(f, "level", _("请填写测评级别（如 市级、区级）"));
    }
    /* the edition: published, readable by the caller */
    json_t *ev = json_object_get(in, "edition_id");
    o->edition_id = ev ? (json_is_integer(ev) ? json_integer_value(ev) : -1)
                       : (cur ? jsi(cur, "edition_id") : 0);
    if (o->edition_id <= 0) {
        return bad(f, "edition_id", _("请选择测评体系（已发布的版本）"));
    }
    json_t *ed = wm_edition_get_scoped(db, a, o->edition_id, false, NULL);
    if (NULL == ed && wm_db_failed(db)) {
        return wm_read_fail(db, f, NULL, NULL);
    }
    if (NULL == ed || !wm_streq(jss(ed, "status"), "published")) {
        json_decref(ed);
        return bad(f, "edition_id", _("测评体系须为本办可用的已发布版本"));
    }
    int64_t total = jsi(ed, "total");
    json_decref(ed);
    if (!valid_date(o->window_start)) {
        return bad(f, "window_start", _("申报开始日期须为 YYYY-MM-DD"));
    }
    if (!valid_date(o->window_end)) {
        return bad(f, "window_end", _("申报截止日期须为 YYYY-MM-DD"));
    }
    if (strcmp(o->window_start, o->window_end) > 0) {
        return bad(f, "window_end", _("申报开始日期不能晚于截止日期"));
    }
    /* materials years */
    int64_t next_year = wm_archive_current_year() + 1;
    json_t *yf = json_object_get(in, "years_from"), *yt = json_object_get(in, "years_to");
    if ((yf && !json_is_integer(yf)) || (yt && !json_is_integer(yt)) ||
        (!cur && (!yf || !yt))) {
        return bad(f, yf && json_is_integer(yf) ? "years_to" : "years_from",
                   _("请填写材料年度（起止年份）"));
    }
    o->years_from = yf ? json_integer_value(yf) : jsi(cur, "years_from");
    o->years_to = yt ? json_integer_value(yt) : jsi(cur, "years_to");
    if (o->years_from < 2000 || o->years_to > next_year || o->years_from > o->years_to) {
        return wm_fail_set(f, WM_E_BAD_REQUEST, o->years_from < 2000 ? "years_from" : "years_to",
                           _("材料年度须在 2000 至 %lld 年之间，且起始年度不晚于结束年度"),
                           (long long)next_year);
    }
    /* unit types */
    json_t *ut = json_object_get(in, "unit_types");
    if (ut && !json_is_null(ut)) {
        size_t i;
        json_t *t;
        if (!json_is_array(ut)) {
            return bad(f, "unit_types", _("unit_types 须为单位类型的数组"));
        }
        json_array_foreach(ut, i, t)
        {
            if (!wm_unit_type_valid(json_string_value(t))) {
                return bad(f, "unit_types",
                           _("单位类型须为：机关、企业、事业单位、学校、乡镇、街道、村、社区、窗口单位之一"));
            }
        }
        rf->types = json_dumps(ut, JSON_COMPACT | JSON_ENSURE_ASCII);
    } else {
        rf->types = wm_strdup(cur ? jss(cur, "unit_types") : "[]");
    }
    o->unit_types = rf->types;
    /* the pass threshold */
    json_t *th = json_object_get(in, "pass_threshold");
    if (th) {
        if (!points_of(th, &o->pass_threshold)) {
            return bad(f, "pass_threshold", _("通过分数线须为分数，如 85 或 85.5"));
        }
    } else if (cur) {
        o->pass_threshold = jsi(cur, "pass_threshold");
    } else {
        return bad(f, "pass_threshold", _("请填写通过分数线"));
    }
    if (o->pass_threshold < 0 || o->pass_threshold > total) {
        char t[32];
        return wm_fail_set(f, WM_E_BAD_REQUEST, "pass_threshold",
                           _("通过分数线须在 0 至 %s 分（测评体系总分）之间"),
                           wm_fw_score_format(total, t));
    }
    if (NULL == o->reconcile) {
        o->reconcile = "mean";
    }
    if (!wm_streq(o->reconcile, "mean") && !wm_streq(o->reconcile, "leader")) {
        return bad(f, "reconcile", _("合议方式须为 mean（取平均）或 leader（组长裁定）"));
    }
    json_t *nod = json_object_get(in, "no_own_district");
    if (nod && !json_is_boolean(nod)) {
        return bad(f, "no_own_district", _("no_own_district 须为 true 或 false"));
    }
    o->no_own_district = nod ? json_is_true(nod) : (cur && jsi(cur, "no_own_district"));
    /* publicity dates: "" or null clears */
    const char *ps = str_of(in, "publicity_start", &wrong);
    const char *pe = str_of(in, "publicity_end", &wrong);
    if (wrong) {
        return bad(f, NULL, _("文本字段须为字符串"));
    }
    o->publicity_start = json_object_get(in, "publicity_start")
                             ? ps
                             : (cur ? json_string_value(json_object_get(cur, "publicity_start"))
                                    : NULL);
    o->publicity_end = json_object_get(in, "publicity_end")
                           ? pe
                           : (cur ? json_string_value(json_object_get(cur, "publicity_end"))
                                  : NULL);
    if (o->publicity_start && !*o->publicity_start) {
        o->publicity_start = NULL;
    }
    if (o->publicity_end && !*o->publicity_end) {
        o->publicity_end = NULL;
    }
    if (o->publicity_start && !valid_date(o->publicity_start)) {
        return bad(f, "publicity_start", _("公示开始日期须为 YYYY-MM-DD"));
    }
    if (o->publicity_end && !valid_date(o->publicity_end)) {
        return bad(f, "publicity_end", _("公示结束日期须为 YYYY-MM-DD"));
    }
    if (o->publicity_start && o->publicity_end &&
        strcmp(o->publicity_start, o->publicity_end) > 0) {
        return bad(f, "publicity_end", _("公示开始日期不能晚于结束日期"));
    }
    return WM_OK;
}

/* The round's fields as audited. */
static json_t *
round_summary(const json_t *r)
{
    static const char *const keys[] = {
        "name",           "level",      "scope_path",    "edition_id",      "window_start",
        "window_end",     "years_from", "years_to",      "unit_types",      "pass_threshold",
        "reconcile",      "no_own_district", "publicity_start", "publicity_end", "state", NULL};
    json_t *o = json_object();
    for (size_t i = 0; keys[i]; i++) {
        json_t *v = json_object_get(r, keys[i]);
        if (v) {
            json_object_set(o, keys[i], v);
        }
    }
    return o;
}

/* ---------------------------------------------------------------- create, update */

struct create {
    const json_t *in;
    int64_t *id;
};

static enum wm_err
create_once(struct wm_db *db, const struct wm_actor *a, const struct create *c,
            struct wm_fail *f)
{
    enum wm_err e;
    struct round_fields rf = {0};
    json_t *scope = NULL, *after = NULL;
    if (WM_OK != (e = tx_begin(db, f))) {
        return e;
    }
    if (WM_OK != (e = fields_of(db, a, c->in, NULL, &rf, f))) {
        goto done;
    }
    json_t *sv = json_object_get(c->in, "scope_id");
    int64_t scope_id = sv ? (json_is_integer(sv) ? json_integer_value(sv) : -1) : a->p->org_id;
    scope = scope_id > 0 ? wm_org_get_scoped(db, a, scope_id, NULL) : NULL;
    if (NULL == scope && scope_id > 0) { /* outside the caller's jurisdiction: not found */
        e = wm_read_fail(db, f, "scope_id", _("测评范围不存在"));
        goto done;
    }
    if (NULL == scope || !wm_streq(jss(scope, "kind"), "office")) {
        e = bad(f, "scope_id", _("测评范围须为本办或下级文明办的辖区"));
        goto done;
    }
    rf.in.office_id = a->p->org_id;
    rf.in.scope_path = jss(scope, "path");
    rf.in.created_by = a->p->user_id;
    if (WM_QS_ONE != db->ops->round_insert(db, &rf.in, wm_now(), c->id) ||
        NULL == (after = db->ops->round_get(db, *c->id))) {
        e = wm_write_fail(db, f, NULL, NULL, _("无法保存测评"));
        goto done;
    }
    e = wm_audit(db, a, "round.create", "round", *c->id, rf.in.scope_path, NULL,
                 round_summary(after));
done:
    json_decref(scope);
    json_decref(after);
    free(rf.types);
    return tx_end(db, e, f);
}

enum wm_err
wm_round_create(struct wm_db *db, const struct wm_actor *a, const json_t *in, int64_t *id,
                struct wm_fail *f)
{
    if (!has_role(a, WM_ROLE_OFFICE)) {
        return wm_fail_set(f, WM_E_FORBIDDEN, NULL, "%s", _("只有文明办工作人员可以创建测评"));
    }
    int64_t own = 0;
    const struct create c = {.in = in, .id = id ? id : &own};
    enum wm_err e;
    TX_RETRY(e, create_once(db, a, &c, f));
    return e;
}

static enum wm_err
update_once(struct wm_db *db, const struct wm_actor *a, int64_t id, const json_t *in,
            struct wm_fail *f)
{
    enum wm_err e;
    struct round_fields rf = {0};
    json_t *cur = NULL, *after = NULL;
    if (WM_OK != (e = tx_begin(db, f))) {
        return e;
    }
    if (NULL == (cur = wm_round_get_scoped(db, a, id, f))) {
        e = f && f->err ? f->err : WM_E_NOT_FOUND;
        goto done;
    }
    if (!wm_round_is_owner(a, cur)) {
        e = wm_fail_set(f, WM_E_FORBIDDEN, NULL, "%s", _("只有组织测评的文明办可以修改测评"));
        goto done;
    }
    if (!wm_round_in_state(cur, "draft")) {
        const char *k;
        json_t *v;
        json_object_foreach((json_t *)in, k, v)
        {
            if (!wm_streq(k, "name") && !wm_streq(k, "publicity_start") &&
                !wm_streq(k, "publicity_end")) {
                e = wm_fail_set(f, WM_E_CONFLICT, k, "%s",
                                _("测评已开始：只能修改名称和公示日期"));
                goto done;
            }
        }
        if (wm_round_in_state(cur, "closed")) {
            e = wm_fail_set(f, WM_E_CONFLICT, "state", "%s", _("测评已结束，不能修改"));
            goto done;
        }
    }
    if (WM_OK != (e = fields_of(db, a, in, cur, &rf, f))) {
        goto done;
    }
    rf.in.scope_path = jss(cur, "scope_path");
    if (WM_QS_ONE != db->ops->round_update(db, id, &rf.in, wm_now()) ||
        NULL == (after = db->ops->round_get(db, id))) {
        e = wm_write_fail(db, f, NULL, NULL, _("无法保存测评"));
        goto done;
    }
    e = wm_audit(db, a, "round.update", "round", id, jss(cur, "scope_path"), round_summary(cur),
                 round_summary(after));
done:
    json_decref(cur);
    json_decref(after);
    free(rf.types);
    return tx_end(db, e, f);
}

enum wm_err
wm_round_update(struct wm_db *db, const struct wm_actor *a, int64_t id, const json_t *in,
                struct wm_fail *f)
{
    enum wm_err e;
    TX_RETRY(e, update_once(db, a, id, in, f));
    return e;
}

/* ---------------------------------------------------------------- rechecks */

json_t *
wm_round_rechecks_due(struct wm_db *db, const json_t *round)
{
    /* titles: units due for review.  The title register (helper "titles") answers which
    ** units' titles fall due in the round; until it is merged, none are. */
    (void)db;
    (void)round;
    return json_array();
}

int
wm_round_add_rechecks(struct wm_db *db, const struct wm_actor *a, const json_t *round,
                      const int64_t *unit_ids, size_t n, size_t *added)
{
    size_t k = 0;
    int64_t now = wm_now();
    json_t *ids = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *u = db->ops->org_get(db, unit_ids[i]);
        if (NULL == u) {
            if (wm_db_failed(db)) {
                json_decref(ids);
                return -1;
            }
            continue;
        }
        bool in = wm_streq(jss(u, "kind"), "unit") &&
                  wm_startswith(jss(u, "path"), jss(round, "scope_path"));
        json_decref(u);
        int64_t eid = 0;
        enum wm_qs qs = in ? db->ops->entry_insert(db, jsi(round, "id"), unit_ids[i], "recheck",
                                                   "accepted", now, &eid)
                           : WM_QS_NONE;
        if (WM_QS_ONE == qs) {
            k++;
            json_array_append_new(ids, json_integer(unit_ids[i]));
        } else if (WM_QS_HARD == qs || WM_QS_SOFT == qs) {
            json_decref(ids);
            return -1;
        }
    }
    int rc = 0;
    if (k > 0) {
        json_t *after = json_pack("{s:o}", "units", ids);
        ids = NULL;
        rc = WM_OK == wm_audit(db, a, "round.recheck", "round", jsi(round, "id"),
                               jss(round, "scope_path"), NULL, after)
                 ? 0
                 : -1;
        json_decref(after);
    }
    json_decref(ids);
    if (added) {
        *added = k;
    }
    return rc;
}

/* ---------------------------------------------------------------- transitions */

struct transition {
    int64_t id;
    const char *to;
    const char *reason;
};

static enum wm_err
transition_once(struct wm_db *db, const struct wm_actor *a, const struct transition *t,
                struct wm_fail *f)
{
    enum wm_err e;
    json_t *r = NULL, *before = NULL, *after = NULL, *due = NULL;
    if (WM_OK != (e = tx_begin(db, f))) {
        return e;
    }
    if (NULL == (r = wm_round_get_scoped(db, a, t->id, f))) {
        e = f && f->err ? f->err : WM_E_NOT_FOUND;
        goto done;
    }
    const char *cur = jss(r, "state");
    bool forward = wm_streq(t->to, wm_round_next_state(cur));
    bool back = wm_streq(t->to, wm_round_prev_state(cur));
    if (!forward && !back) {
        e = wm_fail_set(f, WM_E_CONFLICT, "to", _("测评不能从「%s」转到「%s」：状态须逐步推进"),
                        wm_round_state_label(cur), wm_round_state_label(t->to));
        goto done;
    }
    if (forward && !wm_round_is_owner(a, r)) {
        e = wm_fail_set(f, WM_E_FORBIDDEN, NULL, "%s", _("只有组织测评的文明办可以推进测评"));
        goto done;
    }
    if (back && !is_admin(a)) {
        e = wm_fail_set(f, WM_E_FORBIDDEN, NULL, "%s", _("只有系统管理员可以退回测评状态"));
        goto done;
    }
    if (back && (NULL == t->reason || !wm_valid_text(t->reason, WM_ROUND_TEXT_MAX))) {
        e = bad(f, "reason", _("退回测评状态须填写原因"));
        goto done;
    }
    enum wm_qs qs = db->ops->round_set_state(db, t->id, cur, t->to, wm_now());
    if (WM_QS_NONE == qs) {
        e = wm_fail_set(f, WM_E_CONFLICT, "to", "%s", _("测评状态已被他人改变，请刷新后重试"));
        goto done;
    }
    if (WM_QS_ONE != qs) {
        e = wm_write_fail(db, f, NULL, NULL, _("无法保存测评状态"));
        goto done;
    }
    before = json_pack("{s:s}", "state", cur);
    after = json_pack("{s:s}", "state", t->to);
    if (back) {
        json_object_set_new(after, "reason", json_string(t->reason));
    }
    if (WM_OK != (e = wm_audit(db, a, "round.state", "round", t->id, jss(r, "scope_path"),
                               before, after))) {
        goto done;
    }
    /* declarations open: the title holders due for review come in as rechecks at once */
    if (forward && wm_streq(t->to, "open")) {
        due = wm_round_rechecks_due(db, r);
        size_t n = json_array_size(due);
        int64_t *ids = calloc(n ? n : 1, sizeof *ids);
        for (size_t i = 0; ids && i < n; i++) {
            ids[i] = json_integer_value(json_array_get(due, i));
        }
        if (NULL == ids || 0 != wm_round_add_rechecks(db, a, r, ids, n, NULL)) {
            e = wm_write_fail(db, f, NULL, NULL, _("无法加入复查单位"));
        }
        free(ids);
    }
done:
    json_decref(r);
    json_decref(before);
    json_decref(after);
    json_decref(due);
    return tx_end(db, e, f);
}

enum wm_err
wm_round_transition(struct wm_db *db, const struct wm_actor *a, int64_t id, const char *to,
                    const char *reason, struct wm_fail *f)
{
    if (!wm_actor_is(a, WM_ROLES_STAFF)) {
        return wm_fail_set(f, WM_E_FORBIDDEN, NULL, "%s", _("只有文明办或系统管理员可以改变测评状态"));
    }
    if (NULL == to || state_index(to) < 0) {
        return bad(f, "to", _("to 须为 draft、open、evaluating、locked、publicity 或 closed"));
    }
    const struct transition t = {.id = id, .to = to, .reason = reason};
    enum wm_err e;
    TX_RETRY(e, transition_once(db, a, &t, f));
    return e;
}

/* end of rounds.c */
