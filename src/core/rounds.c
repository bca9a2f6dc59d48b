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
    e = wm_audit_new(db, a, "round.create", "round", *c->id, rf.in.scope_path, NULL,
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
    e = wm_audit_new(db, a, "round.update", "round", id, jss(cur, "scope_path"), round_summary(cur),
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
    /* The title register answers which units' titles of the round's level fall due by the
    ** end of its window, within its scope.  Lower bound (since): 1 January of the year
    ** before the window starts, so that a title that lapsed before then (the unit declares
    ** anew) is not rechecked; a round's window falls within a year and rounds of a level
    ** come at most yearly, so this covers every title ending since the previous round. */
    const char *start = jss(round, "window_start");
    char since[16];
    long y = (start && strlen(start) >= 4) ? strtol(start, NULL, 10) : 0;
    if (y < 1001 || y > 9999) {
        wm_log(WM_LOG_ERROR, "internal: round %lld: bad window_start for rechecks",
               (long long)jsi(round, "id"));
        return NULL;
    }
    snprintf(since, sizeof since, "%04ld-01-01", y - 1);
    struct wm_fail f = { 0 };
    json_t *due = wm_titles_due(db, jss(round, "scope_path"), jss(round, "level"), since,
                                jss(round, "window_end"), &f);
    if (NULL == due) {
        wm_log(WM_LOG_ERROR, "internal: round %lld: titles due: %s", (long long)jsi(round, "id"),
               f.msg);
        return NULL;
    }
    json_t *ids = json_array();
    size_t i;
    json_t *row;
    json_array_foreach(due, i, row)
    {
        if (wm_round_admits(round, jss(row, "unit_type"))) {
            json_array_append_new(ids, json_integer(jsi(row, "unit_id")));
        }
    }
    json_decref(due);
    return ids;
}

int
wm_round_add_rechecks(struct wm_db *db, const struct wm_actor *a, const json_t *round,
                      const int64_t *unit_ids, size_t n, size_t *added)
{
    size_t k = 0;
    int64_t now = wm_now();
    json_t *ids = json_array();
    const struct wm_actor cli = {.p = NULL, .request_id = "rechecks", .addr = "cli"};
    if (NULL == a) {
        a = &cli;
    }
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
        if (NULL == (due = wm_round_rechecks_due(db, r))) {
            e = wm_write_fail(db, f, NULL, NULL, _("无法查询应复查的单位"));
            goto done;
        }
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

/* ---------------------------------------------------------------- entries: reads */

/* Whether the user is a member of the group (0: none). */
static bool
in_group(struct wm_db *db, int64_t group_id, int64_t user_id)
{
    if (group_id <= 0) {
        return false;
    }
    json_t *l = db->ops->group_member_list(db, group_id);
    bool found = false;
    size_t i;
    json_t *m;
    json_array_foreach(l, i, m)
    {
        found = found || jsi(m, "user_id") == user_id;
    }
    json_decref(l);
    return found;
}

/* Whether the caller sees the entry (a row of the round the caller sees). */
static bool
sees_entry(struct wm_db *db, const struct wm_actor *a, const json_t *e)
{
    if (is_admin(a)) {
        return true;
    }
    switch (a->p->role) {
    case WM_ROLE_OFFICE:
        return wm_startswith(jss(e, "unit_path"), a->p->org_path);
    case WM_ROLE_EVALUATOR:
        return in_group(db, jsi(e, "group_id"), a->p->user_id);
    default:
        return jsi(e, "unit_id") == a->p->org_id;
    }
}

/* The entry's 事迹材料 and self-assessment added to it. */
static bool
add_detail(struct wm_db *db, json_t *e)
{
    json_t *docs = db->ops->entry_doc_list(db, jsi(e, "id"));
    json_t *self = docs ? db->ops->entry_self_list(db, jsi(e, "id")) : NULL;
    if (NULL == docs || NULL == self) {
        json_decref(docs);
        return false;
    }
    json_object_set_new(e, "docs_list", docs);
    json_object_set_new(e, "self", self);
    return true;
}

static json_t *
entry_checked(struct wm_db *db, const struct wm_actor *a, const json_t *round, json_t *e,
              bool with_detail, struct wm_fail *f)
{
    if (NULL == e) {
        wm_read_fail(db, f, NULL, _("申报不存在"));
        return NULL;
    }
    if (jsi(e, "round_id") != jsi(round, "id") || !sees_entry(db, a, e)) {
        json_decref(e);
        wm_fail_set(f, WM_E_NOT_FOUND, NULL, "%s", _("申报不存在"));
        return NULL;
    }
    if (with_detail && !add_detail(db, e)) {
        json_decref(e);
        if (!wm_db_failed(db)) {
            db->status = WM_QS_HARD;
        }
        wm_read_fail(db, f, NULL, NULL);
        return NULL;
    }
    return e;
}

json_t *
wm_entry_get_scoped(struct wm_db *db, const struct wm_actor *a, const json_t *round,
                    int64_t entry_id, bool with_detail, struct wm_fail *f)
{
    return entry_checked(db, a, round, db->ops->entry_get(db, entry_id), with_detail, f);
}

json_t *
wm_entry_own(struct wm_db *db, const struct wm_actor *a, const json_t *round, bool with_detail,
             struct wm_fail *f)
{
    if (!wm_actor_is(a, WM_ROLES_UNIT)) {
        wm_fail_set(f, WM_E_NOT_FOUND, NULL, "%s", _("申报不存在"));
        return NULL;
    }
    json_t *e = db->ops->entry_find(db, jsi(round, "id"), a->p->org_id);
    return entry_checked(db, a, round, e, with_detail, f);
}

json_t *
wm_entry_list(struct wm_db *db, const struct wm_actor *a, const json_t *round,
              const struct wm_entry_filter *flt, struct wm_fail *f)
{
    struct wm_entry_filter q = flt ? *flt : (struct wm_entry_filter){0};
    static const char *const states[] = {"draft",    "declared", "recommended",
                                         "accepted", "rejected", "withdrawn"};
    bool known = NULL == q.state;
    for (size_t i = 0; !known && i < WM_ARRAY_LEN(states); i++) {
        known = wm_streq(q.state, states[i]);
    }
    if (!known) {
        wm_fail_set(f, WM_E_BAD_REQUEST, "state", "%s",
                    _("state 须为 draft、declared、recommended、accepted、rejected 或 withdrawn"));
        return NULL;
    }
    if (q.kind && !wm_streq(q.kind, "declare") && !wm_streq(q.kind, "recheck")) {
        wm_fail_set(f, WM_E_BAD_REQUEST, "kind", "%s", _("kind 须为 declare 或 recheck"));
        return NULL;
    }
    q.round_id = jsi(round, "id");
    q.scope = NULL;
    if (is_admin(a)) {
        q.scope = "/";
    } else if (WM_ROLE_OFFICE == a->p->role) {
        q.scope = a->p->org_path;
    } else if (WM_ROLE_EVALUATOR != a->p->role) {
        q.unit_id = a->p->org_id;
    }
    json_t *l = db->ops->entry_list(db, &q);
    if (NULL == l) {
        if (!wm_db_failed(db)) {
            db->status = WM_QS_HARD;
        }
        wm_read_fail(db, f, NULL, NULL);
        return NULL;
    }
    if (a->p && WM_ROLE_EVALUATOR == a->p->role) { /* the entries of their groups */
        json_t *mine = json_array();
        size_t i;
        json_t *e;
        json_array_foreach(l, i, e)
        {
            if (in_group(db, jsi(e, "group_id"), a->p->user_id)) {
                json_array_append(mine, e);
            }
        }
        json_decref(l);
        l = mine;
    }
    return l;
}

/* ---------------------------------------------------------------- entries: writes */

/* The unit's entry's link in the UI (caller frees). */
static char *
entries_link(const json_t *round)
{
    return wm_asprintf("/rounds/%lld/entries", (long long)jsi(round, "id"));
}

/* The list of admitted types for a message ("机关、学校"; all: 全部类型). */
static char *
types_text(const json_t *round)
{
    json_t *types = json_loads(jss(round, "unit_types"), 0, NULL);
    struct wm_buf b = {0};
    size_t i;
    json_t *t;
    json_array_foreach(types, i, t)
    {
        wm_buf_printf(&b, "%s%s", i ? "、" : "", json_string_value(t));
    }
    json_decref(types);
    if (0 == b.len) {
        wm_buf_printf(&b, "%s", _("全部类型"));
    }
    return wm_buf_steal(&b);
}

/* The caller's unit may declare in the round: a unit_admin, the round open, its type
** admitted.  *unit the unit (caller decrefs). */
static enum wm_err
may_declare(struct wm_db *db, const struct wm_actor *a, const json_t *round, json_t **unit,
            struct wm_fail *f)
{
    if (!has_role(a, WM_ROLE_UNIT_ADMIN)) {
        return wm_fail_set(f, WM_E_FORBIDDEN, NULL, "%s", _("只有单位的创建管理员可以申报"));
    }
    if (!wm_round_in_state(round, "open")) {
        return wm_fail_set(f, WM_E_CONFLICT, "state", "%s", _("测评不在申报阶段，不能申报或修改申报"));
    }
    *unit = db->ops->org_get(db, a->p->org_id);
    if (NULL == *unit) {
        return wm_read_fail(db, f, NULL, NULL);
    }
    if (!wm_round_admits(round, jss(*unit, "type"))) {
        char *types = types_text(round);
        enum wm_err e = wm_fail_set(f, WM_E_FORBIDDEN, "unit_type",
                                    _("本次测评不受理「%s」类单位的申报（受理：%s）"),
                                    jss(*unit, "type"), types);
        free(types);
        return e;
    }
    return WM_OK;
}

/* A leaf's maximum score in hundredths (-1: no score; -2: not a leaf of the edition). */
static int64_t
leaf_max(const json_t *leaves, const char *code)
{
    size_t i;
    json_t *x;
    json_array_foreach(leaves, i, x)
    {
        if (wm_streq(jss(x, "code"), code)) {
            json_t *s = json_object_get(x, "score");
            return json_is_integer(s) ? json_integer_value(s) : -1;
        }
    }
    return -2;
}

struct save {
    const json_t *round;
    const json_t *in;
    int64_t *id;
};

static enum wm_err
save_docs(struct wm_db *db, const struct wm_actor *a, int64_t eid, const json_t *docs,
          struct wm_fail *f)
{
    size_t i;
    json_t *d;
    if (!json_is_array(docs) || json_array_size(docs) > 200) {
        return bad(f, "docs", _("docs 须为文件编号的数组（至多 200 件）"));
    }
    json_array_foreach(docs, i, d)
    {
        json_t *doc = json_is_integer(d) ? db->ops->doc_get(db, json_integer_value(d)) : NULL;
        if (NULL == doc && wm_db_failed(db)) {
            return wm_read_fail(db, f, NULL, NULL);
        }
        bool ok = doc && jsi(doc, "unit_id") == a->p->org_id &&
                  !json_is_integer(json_object_get(doc, "deleted_at"));
        json_decref(doc);
        if (!ok) {
            return wm_fail_set(f, WM_E_BAD_REQUEST, "docs",
                               _("事迹材料须为本单位档案中的文件（第 %zu 项不是）"), i + 1);
        }
    }
    json_t *cur = db->ops->entry_doc_list(db, eid);
    if (NULL == cur) {
        return wm_write_fail(db, f, NULL, NULL, _("无法保存事迹材料"));
    }
    json_t *c;
    json_array_foreach(cur, i, c)
    {
        bool keep = false;
        size_t k;
        json_array_foreach(docs, k, d)
        {
            keep = keep || json_integer_value(d) == jsi(c, "document_id");
        }
        if (!keep && WM_QS_ONE != db->ops->entry_doc_remove(db, eid, jsi(c, "document_id"))) {
            json_decref(cur);
            return wm_write_fail(db, f, NULL, NULL, _("无法保存事迹材料"));
        }
    }
    json_array_foreach(docs, i, d)
    {
        bool have = false;
        size_t k;
        json_array_foreach(cur, k, c)
        {
            have = have || json_integer_value(d) == jsi(c, "document_id");
        }
        for (size_t j = 0; j < i; j++) { /* the same document twice */
            have = have || json_integer_value(json_array_get(docs, j)) == json_integer_value(d);
        }
        if (!have && WM_QS_ONE != db->ops->entry_doc_add(db, eid, json_integer_value(d))) {
            json_decref(cur);
            return wm_write_fail(db, f, NULL, NULL, _("无法保存事迹材料"));
        }
    }
    json_decref(cur);
    return WM_OK;
}

static enum wm_err
save_self(struct wm_db *db, const json_t *round, int64_t eid, const json_t *self,
          struct wm_fail *f)
{
    if (!json_is_array(self)) {
        return bad(f, "self", _("self 须为 [{code, score, note}] 数组"));
    }
    json_t *leaves = db->ops->ind_list(db, jsi(round, "edition_id"), true);
    if (NULL == leaves) {
        return wm_read_fail(db, f, NULL, NULL);
    }
    enum wm_err e = WM_OK;
    size_t i;
    json_t *x;
    json_array_foreach(self, i, x)
    {
        const char *code = json_string_value(json_object_get(x, "code"));
        json_t *sv = json_object_get(x, "score"), *nv = json_object_get(x, "note");
        int64_t max = code ? leaf_max(leaves, code) : -2, score = 0;
        bool has = sv && !json_is_null(sv) && !(json_is_string(sv) && !*json_string_value(sv));
        const char *note = json_string_value(nv);
        if (-2 == max) {
            e = wm_fail_set(f, WM_E_BAD_REQUEST, "self", _("自评的第 %zu 项不是本测评体系的末级指标"),
                            i + 1);
        } else if (has && !points_of(sv, &score)) {
            e = wm_fail_set(f, WM_E_BAD_REQUEST, "self", _("指标 %s 的自评分须为分数，如 2 或 1.5"),
                            code);
        } else if (has && (max < 0 || score > max)) {
            char t[32];
            e = wm_fail_set(f, WM_E_BAD_REQUEST, "self", _("指标 %s 的自评分不能超过该项分值 %s 分"),
                            code, wm_fw_score_format(max < 0 ? 0 : max, t));
        } else if ((nv && !json_is_null(nv) && !json_is_string(nv)) ||
                   (note && *note && !wm_valid_text(note, WM_ROUND_TEXT_MAX))) {
            e = wm_fail_set(f, WM_E_BAD_REQUEST, "self", _("指标 %s 的自评说明无效或超过 1000 字"),
                            code);
        } else if (WM_QS_ONE != db->ops->entry_self_set(db, eid, code, has, score,
                                                        note && *note ? note : NULL)) {
            e = wm_write_fail(db, f, NULL, NULL, _("无法保存自评"));
        }
        if (WM_OK != e) {
            break;
        }
    }
    json_decref(leaves);
    return e;
}

static enum wm_err
save_once(struct wm_db *db, const struct wm_actor *a, const struct save *s, struct wm_fail *f)
{
    enum wm_err e;
    json_t *unit = NULL, *entry = NULL, *after = NULL;
    if (WM_OK != (e = tx_begin(db, f))) {
        return e;
    }
    if (WM_OK != (e = may_declare(db, a, s->round, &unit, f))) {
        goto done;
    }
    entry = db->ops->entry_find(db, jsi(s->round, "id"), a->p->org_id);
    if (NULL == entry && wm_db_failed(db)) {
        e = wm_read_fail(db, f, NULL, NULL);
        goto done;
    }
    if (entry && !wm_round_in_state(entry, "draft") && !wm_round_in_state(entry, "withdrawn")) {
        e = wm_fail_set(f, WM_E_CONFLICT, "state", _("申报已是「%s」，不能再修改（已申报的可先撤回）"),
                        wm_entry_state_label(jss(entry, "state")));
        goto done;
    }
    int64_t eid = entry ? jsi(entry, "id") : 0;
    if (0 == eid && WM_QS_ONE != db->ops->entry_insert(db, jsi(s->round, "id"), a->p->org_id,
                                                       "declare", "draft", wm_now(), &eid)) {
        e = wm_write_fail(db, f, NULL, _("本单位已有申报，请刷新后重试"), _("无法保存申报"));
        goto done;
    }
    *s->id = eid;
    bool wrong = false;
    const char *name = str_of(s->in, "contact_name", &wrong);
    const char *phone = str_of(s->in, "contact_phone", &wrong);
    if (wrong || (name && *name && !wm_valid_text(name, 50))) {
        e = bad(f, "contact_name", _("联系人姓名无效（不超过 50 个字）"));
        goto done;
    }
    if (phone && *phone && !wm_valid_text(phone, 30)) {
        e = bad(f, "contact_phone", _("联系电话无效（不超过 30 个字符）"));
        goto done;
    }
    struct wm_entry_upd u = {.contact_name = name, .contact_phone = phone, .district_rank = -1};
    if ((name || phone) && WM_QS_ONE != db->ops->entry_update(db, eid, &u, wm_now())) {
        e = wm_write_fail(db, f, NULL, NULL, _("无法保存申报"));
        goto done;
    }
    json_t *docs = json_object_get(s->in, "docs"), *self = json_object_get(s->in, "self");
    if ((docs && WM_OK != (e = save_docs(db, a, eid, docs, f))) ||
        (self && WM_OK != (e = save_self(db, s->round, eid, self, f)))) {
        goto done;
    }
    after = db->ops->entry_get(db, eid);
    if (NULL == after || !add_detail(db, after)) {
        e = wm_write_fail(db, f, NULL, NULL, _("无法保存申报"));
        goto done;
    }
    json_t *sum = json_pack("{s:I, s:O, s:O, s:I, s:I}", "round_id", (json_int_t)jsi(s->round, "id"),
                            "contact_name", json_object_get(after, "contact_name"),
                            "contact_phone", json_object_get(after, "contact_phone"), "docs",
                            (json_int_t)json_array_size(json_object_get(after, "docs_list")),
                            "self", (json_int_t)json_array_size(json_object_get(after, "self")));
    e = wm_audit(db, a, "round.entry.save", "round_entry", eid, jss(unit, "path"), NULL, sum);
    json_decref(sum);
done:
    json_decref(unit);
    json_decref(entry);
    json_decref(after);
    return tx_end(db, e, f);
}

enum wm_err
wm_entry_save(struct wm_db *db, const struct wm_actor *a, const json_t *round, const json_t *in,
              int64_t *entry_id, struct wm_fail *f)
{
    if (!json_is_object(in)) {
        return bad(f, NULL, _("请求须为 JSON 对象"));
    }
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)in, k, v)
    {
        if (!wm_streq(k, "contact_name") && !wm_streq(k, "contact_phone") &&
            !wm_streq(k, "docs") && !wm_streq(k, "self")) {
            return wm_fail_set(f, WM_E_BAD_REQUEST, k, _("不认识的字段：%s"), k);
        }
    }
    int64_t own = 0;
    const struct save s = {.round = round, .in = in, .id = entry_id ? entry_id : &own};
    enum wm_err e;
    TX_RETRY(e, save_once(db, a, &s, f));
    return e;
}

/* Whether the caller is staff of an office that recommends the unit (at unit_path) in the
** round: an office above the unit below the round's office, or the round's office itself
** when it holds the unit directly. */
static bool
may_recommend(const struct wm_actor *a, const json_t *round, const json_t *entry)
{
    if (!has_role(a, WM_ROLE_OFFICE)) {
        return false;
    }
    const char *mine = a->p->org_path, *unit = jss(entry, "unit_path");
    const char *top = jss(round, "office_path");
    if (!wm_startswith(unit, mine) || !wm_startswith(mine, top)) {
        return false;
    }
    if (a->p->org_id != jsi(round, "office_id")) {
        return true; /* strictly between the round's office and the unit */
    }
    return jsi(entry, "district_id") == jsi(round, "office_id");
}

struct act {
    const json_t *round;
    int64_t id;
    const char *action;
    int64_t rank;
    const char *text;
};

static enum wm_err
act_once(struct wm_db *db, const struct wm_actor *a, const struct act *x, struct wm_fail *f)
{
    enum wm_err e;
    json_t *entry = NULL, *before = NULL, *after = NULL;
    char *what = NULL, *link = NULL;
    if (WM_OK != (e = tx_begin(db, f))) {
        return e;
    }
    entry = wm_entry_get_scoped(db, a, x->round, x->id, false, f);
    if (NULL == entry) {
        e = f && f->err ? f->err : WM_E_NOT_FOUND;
        goto done;
    }
    const char *cur = jss(entry, "state"), *to = NULL, *unit_name = jss(entry, "unit_name");
    const char *rname = jss(x->round, "name");
    bool to_unit = true; /* who hears of it: the unit, else the offices above it */
    bool own = has_role(a, WM_ROLE_UNIT_ADMIN) && a->p->org_id == jsi(entry, "unit_id");
    struct wm_entry_upd u = {.district_rank = -1};
    if (wm_streq(x->action, "declare") || wm_streq(x->action, "withdraw")) {
        bool declare = wm_streq(x->action, "declare");
        if (!own) {
            e = wm_fail_set(f, WM_E_FORBIDDEN, NULL, "%s", _("只有单位的创建管理员可以提交或撤回申报"));
            goto done;
        }
        if (!wm_round_in_state(x->round, "open")) {
            e = wm_fail_set(f, WM_E_CONFLICT, "state", "%s", _("测评不在申报阶段"));
            goto done;
        }
        if (declare && !wm_streq(cur, "draft") && !wm_streq(cur, "withdrawn")) {
            e = wm_fail_set(f, WM_E_CONFLICT, "state", _("申报已是「%s」"), wm_entry_state_label(cur));
            goto done;
        }
        if (!declare && !wm_streq(cur, "draft") && !wm_streq(cur, "declared")) {
            e = wm_fail_set(f, WM_E_CONFLICT, "state", _("申报已是「%s」，不能撤回"),
                            wm_entry_state_label(cur));
            goto done;
        }
        if (declare) {
            json_t *unit = db->ops->org_get(db, jsi(entry, "unit_id"));
            bool admitted = unit && wm_round_admits(x->round, jss(unit, "type"));
            json_decref(unit);
            if (!admitted) {
                e = wm_fail_set(f, WM_E_FORBIDDEN, "unit_type", "%s",
                                _("本次测评不受理本单位类型的申报"));
                goto done;
            }
            if (!*jss(entry, "contact_name")) {
                e = bad(f, "contact_name", _("请先填写联系人"));
                goto done;
            }
        }
        to = declare ? "declared" : "withdrawn";
        to_unit = false;
        what = declare ? wm_asprintf(_("%s 提交了「%s」的申报"), unit_name, rname)
                       : wm_asprintf(_("%s 撤回了「%s」的申报"), unit_name, rname);
    } else if (wm_streq(x->action, "recommend")) {
        if (!may_recommend(a, x->round, entry)) {
            e = wm_fail_set(f, WM_E_FORBIDDEN, NULL, "%s", _("只有申报单位所在区的文明办可以推荐"));
            goto done;
        }
        if (!wm_round_in_state(x->round, "open")) {
            e = wm_fail_set(f, WM_E_CONFLICT, "state", "%s", _("测评不在申报阶段"));
            goto done;
        }
        if (!wm_streq(cur, "declared")) {
            e = wm_fail_set(f, WM_E_CONFLICT, "state", _("只能推荐已申报的单位（现为「%s」）"),
                            wm_entry_state_label(cur));
            goto done;
        }
        if (x->rank < 1 || x->rank > 100000) {
            e = bad(f, "rank", _("请填写推荐排名（1 起的整数）"));
            goto done;
        }
        if (x->text && *x->text && !wm_valid_text(x->text, WM_ROUND_TEXT_MAX)) {
            e = bad(f, "note", _("推荐意见无效或超过 1000 字"));
            goto done;
        }
        to = "recommended";
        u.district_rank = x->rank;
        u.district_note = x->text && *x->text ? x->text : "";
        what = wm_asprintf(_("%s 在「%s」中已被推荐（排名第 %lld）"), unit_name, rname,
                           (long long)x->rank);
    } else if (wm_streq(x->action, "accept") || wm_streq(x->action, "reject")) {
        bool accept = wm_streq(x->action, "accept");
        if (!wm_round_is_owner(a, x->round)) {
            e = wm_fail_set(f, WM_E_FORBIDDEN, NULL, "%s", _("只有组织测评的文明办可以受理或不予受理"));
            goto done;
        }
        if (!wm_round_in_state(x->round, "open") && !wm_round_in_state(x->round, "evaluating")) {
            e = wm_fail_set(f, WM_E_CONFLICT, "state", "%s", _("测评已过受理阶段"));
            goto done;
        }
        if (accept ? !wm_streq(cur, "recommended")
                   : !wm_streq(cur, "recommended") && !wm_streq(cur, "declared")) {
            e = wm_fail_set(f, WM_E_CONFLICT, "state",
                            accept ? _("只能受理已推荐的申报（现为「%s」）")
                                   : _("只能对已申报或已推荐的申报作出决定（现为「%s」）"),
                            wm_entry_state_label(cur));
            goto done;
        }
        if (!accept && (NULL == x->text || !wm_valid_text(x->text, WM_ROUND_TEXT_MAX))) {
            e = bad(f, "reason", _("不予受理须填写理由"));
            goto done;
        }
        to = accept ? "accepted" : "rejected";
        u.decision_reason = accept ? (x->text && *x->text ? x->text : NULL) : x->text;
        what = accept ? wm_asprintf(_("%s 在「%s」中的申报已受理"), unit_name, rname)
                      : wm_asprintf(_("%s 在「%s」中的申报未被受理：%s"), unit_name, rname, x->text);
    } else {
        e = bad(f, "action", _("action 须为 declare、withdraw、recommend、accept 或 reject"));
        goto done;
    }
    enum wm_qs qs = db->ops->entry_set_state(db, x->id, cur, to, wm_now());
    if (WM_QS_NONE == qs) {
        e = wm_fail_set(f, WM_E_CONFLICT, "state", "%s", _("申报状态已被他人改变，请刷新后重试"));
        goto done;
    }
    if (WM_QS_ONE != qs ||
        ((u.district_note || u.decision_reason) &&
         WM_QS_ONE != db->ops->entry_update(db, x->id, &u, wm_now()))) {
        e = wm_write_fail(db, f, NULL, NULL, _("无法保存申报状态"));
        goto done;
    }
    before = json_pack("{s:s}", "state", cur);
    after = json_pack("{s:s, s:I, s:I}", "state", to, "round_id", (json_int_t)jsi(x->round, "id"),
                      "unit_id", (json_int_t)jsi(entry, "unit_id"));
    if (wm_streq(to, "recommended")) {
        json_object_set_new(after, "rank", json_integer(x->rank));
        json_object_set_new(after, "note", json_string(u.district_note));
    } else if (u.decision_reason) {
        json_object_set_new(after, "reason", json_string(u.decision_reason));
    }
    char action[40];
    snprintf(action, sizeof action, "round.entry.%s", x->action);
    /* (the codes: round.entry.declare, round.entry.withdraw, round.entry.recommend,
    ** round.entry.accept, round.entry.reject) */
    if (WM_OK != (e = wm_audit(db, a, action, "round_entry", x->id, jss(entry, "unit_path"),
                               before, after))) {
        goto done;
    }
    link = entries_link(x->round);
    int64_t uid = a->p ? a->p->user_id : 0;
    int rc = wm_notify_office(db, jsi(entry, "unit_id"), "declaration", "round_entry", x->id,
                              what, link, uid);
    if (0 == rc && to_unit) {
        rc = wm_notify_unit(db, jsi(entry, "unit_id"), "declaration", "round_entry", x->id, what,
                            link, uid);
    }
    if (0 != rc) {
        e = wm_write_fail(db, f, NULL, NULL, _("无法发送通知"));
    }
done:
    json_decref(entry);
    json_decref(before);
    json_decref(after);
    free(what);
    free(link);
    return tx_end(db, e, f);
}

enum wm_err
wm_entry_act(struct wm_db *db, const struct wm_actor *a, const json_t *round, int64_t entry_id,
             const char *action, int64_t rank, const char *text, struct wm_fail *f)
{
    if (NULL == action) {
        return bad(f, "action", _("action 须为 declare、withdraw、recommend、accept 或 reject"));
    }
    const struct act x = {.round = round, .id = entry_id, .action = action, .rank = rank,
                          .text = text};
    enum wm_err e;
    TX_RETRY(e, act_once(db, a, &x, f));
    return e;
}

/* ---------------------------------------------------------------- statistics */

static void
add_count(json_t *o, const char *k, int64_t n)
{
    json_object_set_new(o, k, json_integer(json_integer_value(json_object_get(o, k)) + n));
}

json_t *
wm_round_stats(struct wm_db *db, const struct wm_actor *a, const json_t *round,
               struct wm_fail *f)
{
    if (!wm_actor_is(a, WM_ROLES_STAFF)) {
        wm_fail_set(f, WM_E_FORBIDDEN, NULL, "%s", _("申报统计只对文明办开放"));
        return NULL;
    }
    json_t *rows = db->ops->entry_stats(db, jsi(round, "id"), wm_scope_path(a));
    if (NULL == rows) {
        if (!wm_db_failed(db)) {
            db->status = WM_QS_HARD;
        }
        wm_read_fail(db, f, NULL, NULL);
        return NULL;
    }
    json_t *by_cat = json_object(), *by_state = json_object(), *by_district = json_array();
    json_t *grid = json_object(); /* category -> state -> n */
    int64_t total = 0;
    for (size_t c = 0; wm_round_categories[c]; c++) {
        json_object_set_new(by_cat, wm_round_categories[c], json_integer(0));
        json_object_set_new(grid, wm_round_categories[c], json_object());
    }
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r)
    {
        const char *cat = wm_unit_type_category(json_string_value(json_object_get(r, "unit_type")));
        int64_t n = jsi(r, "n");
        json_object_set_new(r, "category", json_string(cat));
        add_count(by_cat, cat, n);
        add_count(by_state, jss(r, "state"), n);
        add_count(json_object_get(grid, cat), jss(r, "state"), n);
        total += n;
        json_t *d = NULL;
        size_t k;
        json_t *x;
        json_array_foreach(by_district, k, x)
        {
            if (json_equal(json_object_get(x, "district_id"), json_object_get(r, "district_id"))) {
                d = x;
            }
        }
        if (NULL == d) {
            d = json_pack("{s:O, s:O, s:I}", "district_id", json_object_get(r, "district_id"),
                          "district_name", json_object_get(r, "district_name"), "n",
                          (json_int_t)0);
            json_array_append_new(by_district, d);
        }
        add_count(d, "n", n);
    }
    return json_pack("{s:o, s:o, s:o, s:o, s:o, s:I}", "rows", rows, "by_category", by_cat,
                     "by_state", by_state, "by_district", by_district, "grid", grid, "total",
                     (json_int_t)total);
}

/* end of rounds.c */
