/*
** titles.c — the title register (文明称号, issue 10): which unit holds which title
** (第十四届市级文明单位), at which level, awarded on which day by which document or round,
** valid until when, and whether it is kept (保留), revoked (撤销) or expired (过期).
**
** Who: office staff (and platform admins) read and write the titles of the units in their
** jurisdiction; a unit's accounts read their own unit's; evaluators see none (403).  Out
** of the caller's scope: 404.
**
** Expiry is a stored state: a kept title whose valid_until passed becomes expired by the
** daily job "title.expire" (00:05 Asia/Shanghai) or `wenming title expire`, one audit entry
** per title (title.expire), so an export shows what the office sees.  A title written (added,
** imported, edited) with a valid_until already past is stored expired at once; one edited
** to a valid_until not yet past is kept again (a revoked title stays revoked).
**
** Writes are audited in their transaction: title.create, title.update, title.state (a
** manual state change, always with a reason), title.expire, title.import (the summary of
** an import; each title also title.create) and title.decide (a round's decision).
*/
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tx.h"
#include "wm_core.h"
#include "wm_table.h"

#define TITLE_MAX     100
#define LEVEL_MAX     20
#define AWARD_DOC_MAX 100
#define NOTE_MAX      500
#define REASON_MAX    500

const char *const wm_title_levels[] = { "全国", "省级", "市级", "县级", "区级", NULL };

static const struct {
    const char *code, *label;
} states[] = {
    { "kept", N_("保留") },
    { "revoked", N_("撤销") },
    { "expired", N_("过期") },
};

const char *
wm_title_state_label(const char *state)
{
    for (size_t i = 0; i < WM_ARRAY_LEN(states); i++) {
        if (wm_streq(state, states[i].code)) {
            return _(states[i].label);
        }
    }
    return state ? state : "";
}

bool
wm_title_state_parse(const char *s, const char **state)
{
    static const struct {
        const char *from, *to;
    } words[] = {
        { "kept", "kept" },    { "保留", "kept" },       { "有效", "kept" },
        { "授予", "kept" },    { "revoked", "revoked" }, { "撤销", "revoked" },
        { "撤消", "revoked" }, { "取消", "revoked" },    { "expired", "expired" },
        { "过期", "expired" }, { "失效", "expired" },    { "已过期", "expired" },
    };

    for (size_t i = 0; s && i < WM_ARRAY_LEN(words); i++) {
        if (wm_streq(s, words[i].from)) {
            *state = words[i].to;
            return true;
        }
    }
    return false;
}

/* Today in Asia/Shanghai as "YYYY-MM-DD". */
static void
today(char out[WM_DAY_LEN])
{
    wm_day_format(wm_day_today(), out);
}

static bool
may_read(const struct wm_actor *a)
{
    return wm_actor_is(a, WM_ROLES_STAFF | WM_ROLES_UNIT);
}

static int64_t
actor_id(const struct wm_actor *a)
{
    return a->p ? a->p->user_id : 0;
}

/* An optional text: NULL or "" (after trimming, in place of a copy) is absent. */
static bool
opt_text_ok(const char *s, size_t max)
{
    return NULL == s || '\0' == s[strspn(s, " \t")] || wm_valid_text(s, max);
}

static const char *
opt(const char *s)
{
    return (s && s[strspn(s, " \t")]) ? s : NULL;
}

/* The fields of a title, checked (the unit aside). */
static enum wm_err
check_fields(const struct wm_title_row *in, struct wm_fail *f)
{
    int64_t d1, d2;
    if (NULL == in->title || !wm_valid_text(in->title, TITLE_MAX)) {
        return wm_fail_set(f, WM_E_BAD_REQUEST, "title", _("称号须为 1 至 %d 个字"), TITLE_MAX);
    }
    if (NULL == in->level || !wm_valid_text(in->level, LEVEL_MAX)) {
        return wm_fail_set(f, WM_E_BAD_REQUEST, "level", _("级别须为 1 至 %d 个字，如 市级、区级"),
                           LEVEL_MAX);
    }
    if (!opt_text_ok(in->award_doc, AWARD_DOC_MAX)) {
        return wm_fail_set(f, WM_E_BAD_REQUEST, "award_doc", _("授予文件最多 %d 个字"),
                           AWARD_DOC_MAX);
    }
    if (!wm_day_parse(in->awarded_on, &d1)) {
        return wm_fail_set(f, WM_E_BAD_REQUEST, "awarded_on", "%s",
                           _("授予日期须为有效日期，格式 YYYY-MM-DD"));
    }
    if (in->valid_until && !wm_day_parse(in->valid_until, &d2)) {
        return wm_fail_set(f, WM_E_BAD_REQUEST, "valid_until", "%s",
                           _("有效期至须为有效日期，格式 YYYY-MM-DD"));
    }
    if (in->valid_until && d2 < d1) {
        return wm_fail_set(f, WM_E_BAD_REQUEST, "valid_until", "%s", _("有效期至不能早于授予日期"));
    }
    if (!opt_text_ok(in->note, NOTE_MAX)) {
        return wm_fail_set(f, WM_E_BAD_REQUEST, "note", _("备注最多 %d 个字"), NOTE_MAX);
    }
    return WM_OK;
}

/* The title's awarding round (0: none) is a round the caller sees; a 400 on round_id
** otherwise (title.round_id refers to eval_round). */
static enum wm_err
round_ok(struct wm_db *db, const struct wm_actor *a, int64_t round_id, struct wm_fail *f)
{
    if (0 == round_id) {
        return WM_OK;
    }
    struct wm_fail g = { 0 };
    json_t *r = round_id > 0 ? wm_round_get_scoped(db, a, round_id, &g) : NULL;
    if (r) {
        json_decref(r);
        return WM_OK;
    }
    if (wm_db_failed(db)) {
        return wm_read_fail(db, f, NULL, NULL);
    }
    return wm_fail_set(f, WM_E_BAD_REQUEST, "round_id", "%s",
                       _("授予的测评不存在，或不在您的管辖范围内"));
}

/* Tell the unit of the title what became of it (kind title; text: the line, taken and
** freed); inside the caller's transaction. */
static enum wm_err
tell_unit(struct wm_db *db, const struct wm_actor *a, int64_t title_id, char *text,
          struct wm_fail *f)
{
    json_t *t = db->ops->title_get(db, title_id);
    int rc = t ? wm_notify_unit(db, jsi(t, "unit_id"), "title", "title", title_id, text,
                                "/titles", a && a->p ? a->p->user_id : 0)
               : -1;
    free(text);
    json_decref(t);
    return 0 == rc ? WM_OK : wm_write_fail(db, f, NULL, NULL, _("无法通知单位"));
}

/* The state a title is stored in: revoked stays; otherwise expired exactly when its
** valid_until passed (before today). */
static const char *
state_for(const char *state, const char *valid_until, const char *day)
{
    if (wm_streq(state, "revoked")) {
        return "revoked";
    }
    return (valid_until && strcmp(valid_until, day) < 0) ? "expired" : "kept";
}

/* The unit id in the caller's scope: the org row (a unit), else NULL with f set. */
static json_t *
unit_in_scope(struct wm_db *db, const struct wm_actor *a, int64_t unit_id, struct wm_fail *f)
{
    json_t *u = wm_org_get_scoped(db, a, unit_id, f);
    if (u && !wm_streq(jss(u, "kind"), "unit")) {
        json_decref(u);
        wm_fail_set(f, WM_E_NOT_FOUND, "unit_id", "%s", _("单位不存在，或不在您的管辖范围内"));
        return NULL;
    }
    if (NULL == u && WM_E_NOT_FOUND == f->err) {
        wm_fail_set(f, WM_E_NOT_FOUND, "unit_id", "%s", _("单位不存在，或不在您的管辖范围内"));
    }
    return u;
}

/* The audit's picture of a title row. */
static json_t *
audit_view(const json_t *t)
{
    static const char *const keys[] = { "unit_id",  "unit_name", "title",      "level",
                                        "round_id", "award_doc", "awarded_on", "valid_until",
                                        "state",    "reason",    "note",       NULL };
    json_t *o = json_object();
    for (size_t i = 0; keys[i]; i++) {
        json_t *v = json_object_get(t, keys[i]);
        if (v) {
            json_object_set(o, keys[i], v);
        }
    }
    return o;
}

/* ---------------------------------------------------------------- reads */

json_t *
wm_title_list(struct wm_db *db,
              const struct wm_actor *a,
              const struct wm_title_query *q,
              struct wm_fail *f)
{
    if (!may_read(a)) {
        wm_fail_set(f, WM_E_FORBIDDEN, NULL, "%s", _("没有权限查看文明称号"));
        return NULL;
    }
    const char *state = NULL;
    if (q->state && *q->state && !wm_title_state_parse(q->state, &state)) {
        wm_fail_set(f, WM_E_BAD_REQUEST, "state", "%s", _("状态须为 保留、撤销 或 过期"));
        return NULL;
    }
    int64_t d;
    if ((opt(q->until_from) && !wm_day_parse(q->until_from, &d)) ||
        (opt(q->until_to) && !wm_day_parse(q->until_to, &d))) {
        wm_fail_set(f, WM_E_BAD_REQUEST, opt(q->until_from) ? "until_from" : "until_to", "%s",
                    _("日期格式须为 YYYY-MM-DD"));
        return NULL;
    }
    struct wm_title_filter fl = { .scope = wm_scope_path(a),
                                  .unit_id = q->unit_id,
                                  .level = opt(q->level),
                                  .state = state,
                                  .until_from = opt(q->until_from),
                                  .until_to = opt(q->until_to),
                                  .q = opt(q->q),
                                  .limit = q->limit ? q->limit : 100,
                                  .offset = q->offset };
    if (q->unit_id) {
        json_t *u = unit_in_scope(db, a, q->unit_id, f);
        if (NULL == u) {
            return NULL;
        }
        json_decref(u);
    }
    json_t *rows = db->ops->title_list(db, &fl);
    if (NULL == rows) {
        wm_read_fail(db, f, NULL, NULL);
    }
    return rows;
}

json_t *
wm_title_get_scoped(struct wm_db *db, const struct wm_actor *a, int64_t id, struct wm_fail *f)
{
    if (!may_read(a)) {
        wm_fail_set(f, WM_E_FORBIDDEN, NULL, "%s", _("没有权限查看文明称号"));
        return NULL;
    }
    json_t *t = db->ops->title_get(db, id);
    if (t && !wm_startswith(jss(t, "unit_path"), wm_scope_path(a))) {
        json_decref(t);
        t = NULL;
    }
    if (NULL == t) {
        wm_read_fail(db, f, NULL, _("称号不存在，或不在您的管辖范围内"));
    }
    return t;
}

json_t *
wm_titles_due(struct wm_db *db,
              const char *scope_path,
              const char *level,
              const char *since,
              const char *date,
              struct wm_fail *f)
{
    int64_t d;
    if (!wm_day_parse(date, &d) || (since && !wm_day_parse(since, &d))) {
        wm_fail_set(f, WM_E_BAD_REQUEST, "date", "%s", _("日期格式须为 YYYY-MM-DD"));
        return NULL;
    }
    json_t *rows = db->ops->title_due(db, scope_path, level, since, date);
    if (NULL == rows) {
        wm_read_fail(db, f, NULL, NULL);
    }
    return rows;
}

/* ---------------------------------------------------------------- writes */

/* Insert in the caller's transaction, audited (title.create); *id. */
static enum wm_err
insert_tx(struct wm_db *db,
          const struct wm_actor *a,
          const struct wm_title_row *in,
          const char *unit_path,
          const char *action,
          int64_t *id,
          struct wm_fail *f)
{
    enum wm_qs qs = db->ops->title_insert(db, in, actor_id(a), wm_now(), id);
    if (WM_QS_CONFLICT == qs) {
        return wm_fail_set(f, WM_E_CONFLICT, "title", "%s",
                           _("该单位已登记同一授予日期的同名称号"));
    }
    if (WM_QS_ONE != qs) {
        return wm_write_fail(db, f, NULL, NULL, _("无法保存称号"));
    }
    json_t *row = db->ops->title_get(db, *id);
    if (NULL == row) {
        return wm_write_fail(db, f, NULL, NULL, _("无法读取刚保存的称号"));
    }
    json_t *after = audit_view(row);
    json_decref(row);
    enum wm_err e = wm_audit(db, a, action, "title", *id, unit_path, NULL, after);
    json_decref(after);
    return e;
}

static enum wm_err
add_once(struct wm_db *db,
         const struct wm_actor *a,
         const struct wm_title_in *in,
         int64_t *id,
         struct wm_fail *f)
{
    if (!wm_actor_is(a, WM_ROLES_STAFF)) {
        return wm_fail_set(f, WM_E_FORBIDDEN, NULL, "%s", _("只有文明办可以登记称号"));
    }
    char day[WM_DAY_LEN];
    today(day);
    struct wm_title_row row = { .unit_id = in->unit_id,
                                .title = in->title,
                                .level = in->level,
                                .round_id = in->round_id,
                                .award_doc = opt(in->award_doc),
                                .awarded_on = in->awarded_on,
                                .valid_until = opt(in->valid_until),
                                .note = opt(in->note) };
    enum wm_err e = check_fields(&row, f);
    if (WM_OK != e) {
        return e;
    }
    row.state = state_for(NULL, row.valid_until, day);
    if (wm_streq(row.state, "expired")) {
        row.reason = _("有效期已过");
    }
    if (WM_OK != (e = tx_begin(db, f))) {
        return e;
    }
    int64_t unit_id = in->unit_id;
    if (0 == unit_id && in->unit_code && *in->unit_code) {
        json_t *o = db->ops->org_get_by_code(db, in->unit_code);
        unit_id = o ? jsi(o, "id") : -1;
        json_decref(o);
        if (wm_db_failed(db)) {
            return tx_end(db, wm_read_fail(db, f, NULL, NULL), f);
        }
    }
    if (0 == unit_id) {
        return tx_end(db, wm_fail_set(f, WM_E_BAD_REQUEST, "unit_id", "%s", _("请指定单位")), f);
    }
    row.unit_id = unit_id;
    json_t *u = unit_in_scope(db, a, unit_id, f);
    if (NULL == u) {
        e = f->err;
    } else if (WM_OK != (e = round_ok(db, a, row.round_id, f))) {
        /* f set */
    } else {
        e = insert_tx(db, a, &row, jss(u, "path"), "title.create", id, f);
    }
    json_decref(u);
    return tx_end(db, e, f);
}

enum wm_err
wm_title_add(struct wm_db *db,
             const struct wm_actor *a,
             const struct wm_title_in *in,
             int64_t *id,
             struct wm_fail *f)
{
    enum wm_err e;
    TX_RETRY(e, add_once(db, a, in, id, f));
    return e;
}

/* The row as a wm_title_row (strings borrowed from t). */
static struct wm_title_row
row_of(const json_t *t)
{
    struct wm_title_row r = {
        .unit_id = jsi(t, "unit_id"),
        .title = json_string_value(json_object_get(t, "title")),
        .level = json_string_value(json_object_get(t, "level")),
        .round_id = jsi(t, "round_id"),
        .award_doc = json_string_value(json_object_get(t, "award_doc")),
        .awarded_on = json_string_value(json_object_get(t, "awarded_on")),
        .valid_until = json_string_value(json_object_get(t, "valid_until")),
        .state = json_string_value(json_object_get(t, "state")),
        .reason = json_string_value(json_object_get(t, "reason")),
        .note = json_string_value(json_object_get(t, "note")),
    };
    return r;
}

/* Write row over title t (its current row) in the caller's transaction, audited. */
static enum wm_err
update_tx(struct wm_db *db,
          const struct wm_actor *a,
          const json_t *t,
          const struct wm_title_row *row,
          const char *action,
          const json_t *extra,
          struct wm_fail *f)
{
    int64_t id = jsi(t, "id");
    enum wm_qs qs = db->ops->title_update(db, id, row, actor_id(a), wm_now());
    if (WM_QS_CONFLICT == qs) {
        return wm_fail_set(f, WM_E_CONFLICT, "title", "%s",
                           _("该单位已登记同一授予日期的同名称号"));
    }
    if (WM_QS_ONE != qs) {
        return wm_write_fail(db, f, NULL, NULL, _("无法保存称号"));
    }
    json_t *now = db->ops->title_get(db, id);
    if (NULL == now) {
        return wm_write_fail(db, f, NULL, NULL, _("无法读取刚保存的称号"));
    }
    json_t *before = audit_view(t), *after = audit_view(now);
    if (extra) {
        json_object_update(after, (json_t *)extra);
    }
    json_decref(now);
    enum wm_err e = wm_audit(db, a, action, "title", id, jss(t, "unit_path"), before, after);
    json_decref(before);
    json_decref(after);
    return e;
}

/* The title id in scope, for a write by office staff; NULL with f set. */
static json_t *
title_for_write(struct wm_db *db, const struct wm_actor *a, int64_t id, struct wm_fail *f)
{
    if (!wm_actor_is(a, WM_ROLES_STAFF)) {
        wm_fail_set(f, WM_E_FORBIDDEN, NULL, "%s", _("只有文明办可以修改称号"));
        return NULL;
    }
    return wm_title_get_scoped(db, a, id, f);
}

static enum wm_err
update_once(struct wm_db *db,
            const struct wm_actor *a,
            int64_t id,
            const struct wm_title_in *in,
            struct wm_fail *f)
{
    enum wm_err e;
    if (!wm_actor_is(a, WM_ROLES_STAFF)) {
        return wm_fail_set(f, WM_E_FORBIDDEN, NULL, "%s", _("只有文明办可以修改称号"));
    }
    if (WM_OK != (e = tx_begin(db, f))) {
        return e;
    }
    json_t *t = title_for_write(db, a, id, f);
    if (NULL == t) {
        return tx_end(db, f->err, f);
    }
    struct wm_title_row row = row_of(t);
    /* NULL: keep; "" clears an optional field */
    if (in->title) {
        row.title = in->title;
    }
    if (in->level) {
        row.level = in->level;
    }
    if (in->award_doc) {
        row.award_doc = opt(in->award_doc);
    }
    if (in->awarded_on) {
        row.awarded_on = in->awarded_on;
    }
    if (in->valid_until) {
        row.valid_until = opt(in->valid_until);
    }
    if (in->note) {
        row.note = opt(in->note);
    }
    if (in->round_id) {
        row.round_id = in->round_id < 0 ? 0 : in->round_id;
    }
    e = check_fields(&row, f);
    if (WM_OK == e && in->round_id > 0) {
        e = round_ok(db, a, row.round_id, f);
    }
    if (WM_OK == e) {
        char day[WM_DAY_LEN];
        today(day);
        /* a changed valid_until decides between kept and expired (a title set expired by
        ** hand stays so while its dates are not touched) */
        const char *was = row.state;
        if (in->valid_until) {
            row.state = state_for(was, row.valid_until, day);
        }
        if (!wm_streq(was, row.state)) {
            row.reason = wm_streq(row.state, "expired") ? _("有效期已过") : _("有效期已修改");
        }
        e = update_tx(db, a, t, &row, "title.update", NULL, f);
    }
    json_decref(t);
    return tx_end(db, e, f);
}

enum wm_err
wm_title_update(struct wm_db *db,
                const struct wm_actor *a,
                int64_t id,
                const struct wm_title_in *in,
                struct wm_fail *f)
{
    enum wm_err e;
    TX_RETRY(e, update_once(db, a, id, in, f));
    return e;
}

static enum wm_err
set_state_once(struct wm_db *db,
               const struct wm_actor *a,
               int64_t id,
               const char *state,
               const char *reason,
               struct wm_fail *f)
{
    enum wm_err e;
    const char *to = NULL;
    if (!wm_actor_is(a, WM_ROLES_STAFF)) {
        return wm_fail_set(f, WM_E_FORBIDDEN, NULL, "%s", _("只有文明办可以修改称号状态"));
    }
    if (NULL == state || !wm_title_state_parse(state, &to)) {
        return wm_fail_set(f, WM_E_BAD_REQUEST, "state", "%s", _("状态须为 保留、撤销 或 过期"));
    }
    if (NULL == reason || !wm_valid_text(reason, REASON_MAX)) {
        return wm_fail_set(f, WM_E_BAD_REQUEST, "reason", _("请填写原因（最多 %d 个字）"),
                           REASON_MAX);
    }
    if (WM_OK != (e = tx_begin(db, f))) {
        return e;
    }
    json_t *t = title_for_write(db, a, id, f);
    if (NULL == t) {
        return tx_end(db, f->err, f);
    }
    struct wm_title_row row = row_of(t);
    char day[WM_DAY_LEN];
    today(day);
    if (wm_streq(row.state, to)) {
        e = wm_fail_set(f, WM_E_CONFLICT, "state", _("该称号已是“%s”状态"),
                        wm_title_state_label(to));
    } else if (wm_streq(to, "kept") && row.valid_until && strcmp(row.valid_until, day) < 0) {
        e = wm_fail_set(f, WM_E_BAD_REQUEST, "state", "%s",
                        _("该称号的有效期已过，不能改为保留；请先修改“有效期至”"));
    } else {
        row.state = to;
        row.reason = reason;
        e = update_tx(db, a, t, &row, "title.state", NULL, f);
        if (WM_OK == e) {
            const char *name = jss(t, "title");
            char *text;
            if (wm_streq(to, "revoked")) {
                text = wm_asprintf(_("称号“%s”已被撤销：%s"), name, reason);
            } else if (wm_streq(to, "kept")) {
                text = wm_asprintf(_("称号“%s”已恢复为保留：%s"), name, reason);
            } else {
                text = wm_asprintf(_("称号“%s”已改为过期：%s"), name, reason);
            }
            e = tell_unit(db, a, id, text, f);
        }
    }
    json_decref(t);
    return tx_end(db, e, f);
}

enum wm_err
wm_title_set_state(struct wm_db *db,
                   const struct wm_actor *a,
                   int64_t id,
                   const char *state,
                   const char *reason,
                   struct wm_fail *f)
{
    enum wm_err e;
    TX_RETRY(e, set_state_once(db, a, id, state, reason, f));
    return e;
}

/* ---------------------------------------------------------------- expiry */

#define EXPIRE_BATCH 200

/* One batch: up to EXPIRE_BATCH kept titles whose valid_until is before day, expired. */
static enum wm_err
expire_once(struct wm_db *db,
            const struct wm_actor *a,
            const char *day,
            int64_t *n,
            bool *more,
            struct wm_fail *f)
{
    enum wm_err e;
    *n = 0;
    *more = false;
    if (WM_OK != (e = tx_begin(db, f))) {
        return e;
    }
    /* valid_until <= the day before: strictly before day */
    int64_t d;
    char before[WM_DAY_LEN];
    if (!wm_day_parse(day, &d)) {
        return tx_end(
            db, wm_fail_set(f, WM_E_BAD_REQUEST, "date", "%s", _("日期格式须为 YYYY-MM-DD")), f);
    }
    wm_day_format(d - 1, before);
    struct wm_title_filter fl = {
        .scope = wm_scope_path(a), .state = "kept", .until_to = before, .limit = EXPIRE_BATCH
    };
    json_t *rows = db->ops->title_list(db, &fl);
    if (NULL == rows) {
        return tx_end(db, wm_write_fail(db, f, NULL, NULL, _("无法读取称号")), f);
    }
    size_t i;
    json_t *t;
    json_array_foreach(rows, i, t)
    {
        if (WM_OK != e) {
            break;
        }
        struct wm_title_row row = row_of(t);
        row.state = "expired";
        row.reason = _("有效期已过");
        json_t *extra = json_pack("{s:s}", "date", day);
        e = update_tx(db, a, t, &row, "title.expire", extra, f);
        json_decref(extra);
        if (WM_OK == e) {
            (*n)++;
        }
    }
    *more = json_array_size(rows) == EXPIRE_BATCH;
    json_decref(rows);
    return tx_end(db, e, f);
}

enum wm_err
wm_titles_expire(struct wm_db *db,
                 const struct wm_actor *a,
                 const char *date,
                 int64_t *count,
                 struct wm_fail *f)
{
    char day[WM_DAY_LEN];
    *count = 0;
    if (!wm_actor_is(a, WM_ROLES_STAFF)) {
        return wm_fail_set(f, WM_E_FORBIDDEN, NULL, "%s", _("只有文明办可以处理过期称号"));
    }
    int64_t d;
    if (date && *date) {
        if (!wm_day_parse(date, &d)) {
            return wm_fail_set(f, WM_E_BAD_REQUEST, "date", "%s", _("日期格式须为 YYYY-MM-DD"));
        }
        snprintf(day, sizeof day, "%s", date);
    } else {
        today(day);
    }
    enum wm_err e = WM_OK;
    for (bool more = true; more && WM_OK == e;) {
        int64_t n = 0;
        TX_RETRY(e, expire_once(db, a, day, &n, &more, f));
        *count += WM_OK == e ? n : 0;
    }
    return e;
}

static int64_t
next_expire(int64_t last, int64_t now)
{
    return wm_notify_next_at(last > 0 ? last : now, 0, 5); /* 00:05 Asia/Shanghai */
}

static enum wm_err
run_expire(struct wm_db *db,
           struct wm_job *job,
           const json_t *payload,
           json_t **result,
           struct wm_fail *f)
{
    char rid[32];
    snprintf(rid, sizeof rid, "job-%lld", (long long)wm_job_id(job));
    struct wm_actor sys = { .p = NULL, .request_id = rid, .addr = "job" };
    int64_t n = 0;
    const char *date = json_string_value(json_object_get(payload, "date"));
    enum wm_err e = wm_titles_expire(db, &sys, date, &n, f);
    if (WM_OK == e) {
        char day[WM_DAY_LEN];
        if (NULL == date) {
            today(day);
        }
        *result = json_pack("{s:s, s:I}", "date", date ? date : day, "expired", (json_int_t)n);
    }
    return e;
}

void
wm_titles_register_jobs(void)
{
    const struct wm_job_kind k = { .kind = "title.expire",
                                   .run = run_expire,
                                   .max_attempts = 5,
                                   .backoff = 300,
                                   .next_run = next_expire };
    wm_jobs_register(&k);
}

/* ---------------------------------------------------------------- a round's decisions */

/* The unit's current title for a decision: not revoked, of level (NULL: any), the one
** valid the longest (no end counts as the longest), then the latest awarded; NULL when
** none (f not found) or on a store error. */
static json_t *
current_title(struct wm_db *db, int64_t unit_id, const char *level, struct wm_fail *f)
{
    struct wm_title_filter fl = { .unit_id = unit_id, .level = level, .limit = 1000 };
    json_t *rows = db->ops->title_list(db, &fl), *best = NULL;
    if (NULL == rows) {
        wm_read_fail(db, f, NULL, NULL);
        return NULL;
    }
    size_t i;
    json_t *t;
    json_array_foreach(rows, i, t)
    {
        if (wm_streq(jss(t, "state"), "revoked")) {
            continue;
        }
        if (NULL == best) {
            best = t;
            continue;
        }
        const char *bv = json_string_value(json_object_get(best, "valid_until"));
        const char *tv = json_string_value(json_object_get(t, "valid_until"));
        /* rows come newest awarded first: a later one replaces best only when it is valid
        ** strictly longer */
        if (bv && (NULL == tv || strcmp(tv, bv) > 0)) {
            best = t;
        }
    }
    json_incref(best);
    json_decref(rows);
    if (NULL == best) {
        wm_fail_set(f, WM_E_NOT_FOUND, "unit_id", "%s", _("该单位没有可保留或撤销的称号"));
    }
    return best;
}

static enum wm_err
decide_tx(struct wm_db *db,
          const struct wm_actor *a,
          int64_t unit_id,
          int64_t round_id,
          const char *decision,
          const char *title,
          const char *level,
          const char *award_doc,
          const char *awarded_on,
          const char *valid_until,
          const char *reason,
          int64_t *title_id,
          struct wm_fail *f)
{
    enum wm_err e;
    char day[WM_DAY_LEN];
    today(day);
    json_t *u = unit_in_scope(db, a, unit_id, f);
    if (NULL == u) {
        return f->err;
    }
    if (round_id > 0) { /* title.round_id refers to eval_round */
        json_t *rnd = db->ops->round_get(db, round_id);
        json_decref(rnd);
        if (NULL == rnd) {
            json_decref(u);
            return wm_db_failed(db) ? wm_read_fail(db, f, NULL, NULL)
                                    : wm_fail_set(f, WM_E_BAD_REQUEST, "round_id", "%s",
                                                  _("没有这个测评"));
        }
    }
    json_t *extra = json_pack("{s:s, s:I}", "decision", decision, "round_id", (json_int_t)round_id);
    if (reason && *reason) {
        json_object_set_new(extra, "decision_reason", json_string(reason));
    }
    if (wm_streq(decision, "award")) {
        struct wm_title_row row = { .unit_id = unit_id,
                                    .title = title,
                                    .level = level,
                                    .round_id = round_id,
                                    .award_doc = opt(award_doc),
                                    .awarded_on = awarded_on,
                                    .valid_until = opt(valid_until) };
        if (WM_OK == (e = check_fields(&row, f))) {
            row.state = state_for(NULL, row.valid_until, day);
            e = insert_tx(db, a, &row, jss(u, "path"), "title.decide", title_id, f);
        }
    } else {
        json_t *t = current_title(db, unit_id, opt(level), f);
        if (NULL == t) {
            e = f->err;
        } else {
            struct wm_title_row row = row_of(t);
            *title_id = jsi(t, "id");
            if (wm_streq(decision, "keep")) {
                int64_t d;
                row.valid_until = valid_until;
                row.state = "kept";
                row.reason = opt(reason) ? reason : _("测评复查，予以保留");
                if (NULL == valid_until || !wm_day_parse(valid_until, &d)) {
                    e = wm_fail_set(f, WM_E_BAD_REQUEST, "valid_until", "%s",
                                    _("保留称号须给出新的有效期至（YYYY-MM-DD）"));
                } else if (WM_OK == (e = check_fields(&row, f))) {
                    row.state = state_for(NULL, row.valid_until, day);
                    e = update_tx(db, a, t, &row, "title.decide", extra, f);
                }
            } else {
                row.state = "revoked";
                row.reason = reason;
                e = update_tx(db, a, t, &row, "title.decide", extra, f);
            }
            json_decref(t);
        }
    }
    if (WM_OK == e) {
        json_t *t = db->ops->title_get(db, *title_id);
        const char *name = t ? jss(t, "title") : "";
        const char *until = t ? jss(t, "valid_until") : NULL;
        char *text = wm_streq(decision, "award")
                         ? wm_asprintf(_("授予称号“%s”"), name)
                     : wm_streq(decision, "keep")
                         ? wm_asprintf(_("测评复查，称号“%s”予以保留，有效期至 %s"), name,
                                       until ? until : "")
                         : wm_asprintf(_("测评复查，称号“%s”被撤销：%s"), name, reason);
        json_decref(t);
        e = tell_unit(db, a, *title_id, text, f);
    }
    json_decref(extra);
    json_decref(u);
    return e;
}

static enum wm_err
decide_once(struct wm_db *db,
            const struct wm_actor *a,
            int64_t unit_id,
            int64_t round_id,
            const char *decision,
            const char *title,
            const char *level,
            const char *award_doc,
            const char *awarded_on,
            const char *valid_until,
            const char *reason,
            int64_t *title_id,
            struct wm_fail *f)
{
    enum wm_err e = tx_begin(db, f);
    if (WM_OK != e) {
        return e;
    }
    e = decide_tx(db, a, unit_id, round_id, decision, title, level, award_doc, awarded_on,
                  valid_until, reason, title_id, f);
    return tx_end(db, e, f);
}

enum wm_err
wm_title_decide(struct wm_db *db,
                const struct wm_actor *a,
                int64_t unit_id,
                int64_t round_id,
                const char *decision,
                const char *title,
                const char *level,
                const char *award_doc,
                const char *awarded_on,
                const char *valid_until,
                const char *reason,
                int64_t *title_id,
                struct wm_fail *f)
{
    static const struct {
        const char *from, *to;
    } words[] = { { "授予", "award" }, { "award", "award" }, { "保留", "keep" },
                  { "keep", "keep" },  { "撤销", "revoke" }, { "revoke", "revoke" } };

    const char *d = NULL;
    int64_t unused = 0;
    if (NULL == title_id) {
        title_id = &unused;
    }
    *title_id = 0;
    if (!wm_actor_is(a, WM_ROLES_STAFF)) {
        return wm_fail_set(f, WM_E_FORBIDDEN, NULL, "%s", _("只有文明办可以决定称号"));
    }
    for (size_t i = 0; decision && i < WM_ARRAY_LEN(words); i++) {
        if (wm_streq(decision, words[i].from)) {
            d = words[i].to;
        }
    }
    if (NULL == d) {
        return wm_fail_set(f, WM_E_BAD_REQUEST, "decision", "%s", _("决定须为 授予、保留 或 撤销"));
    }
    if (wm_streq(d, "revoke") && (NULL == reason || !wm_valid_text(reason, REASON_MAX))) {
        return wm_fail_set(f, WM_E_BAD_REQUEST, "reason", _("撤销称号须填写原因（最多 %d 个字）"),
                           REASON_MAX);
    }
    if (reason && *reason && !wm_valid_text(reason, REASON_MAX)) {
        return wm_fail_set(f, WM_E_BAD_REQUEST, "reason", _("原因最多 %d 个字"), REASON_MAX);
    }
    if (db->ops->in_tx(db)) { /* the caller's transaction (a round's results) */
        return decide_tx(db, a, unit_id, round_id, d, title, level, award_doc, awarded_on,
                         valid_until, reason, title_id, f);
    }
    enum wm_err e;
    TX_RETRY(e, decide_once(db, a, unit_id, round_id, d, title, level, award_doc, awarded_on,
                            valid_until, reason, title_id, f));
    return e;
}

/* ---------------------------------------------------------------- import */

static const char *const col_code[] = { "单位代码",  "單位代碼", "代码", "统一社会信用代码",
                                        "unit_code", "code",     NULL };
static const char *const col_name[] = { "单位名称",  "單位名稱", "单位", "名称",
                                        "unit_name", "unit",     NULL };
static const char *const col_title[] = { "称号",     "稱號",  "文明称号", "荣誉称号",
                                         "称号名称", "title", NULL };
static const char *const col_level[] = { "级别", "級別", "称号级别", "层级", "level", NULL };
static const char *const col_doc[] = { "授予文件", "命名文件",  "文件", "文号",
                                       "授予文号", "award_doc", NULL };
static const char *const col_awarded[] = { "授予日期", "命名日期", "授予时间", "awarded_on", NULL };
static const char *const col_until[] = { "有效期至", "有效期", "有效期限", "valid_until", NULL };
static const char *const col_state[] = { "状态", "狀態", "state", NULL };
static const char *const col_note[] = { "备注", "備註", "note", NULL };

static int
find_col(const struct wm_row *h, const char *const *names)
{
    for (int i = 0; names[i]; i++) {
        int c = wm_table_col(h, names[i]);
        if (c >= 0) {
            return c;
        }
    }
    return -1;
}

/* The header row: the first of the first five rows naming a unit column, the title and
** the date awarded (registers often open with a title line); -1 when there is none. */
static long
header_row(const struct wm_table *t)
{
    for (size_t r = 0; r < t->nrows && r < 5; r++) {
        const struct wm_row *h = &t->rows[r];
        if ((find_col(h, col_code) >= 0 || find_col(h, col_name) >= 0) &&
            find_col(h, col_title) >= 0 && find_col(h, col_awarded) >= 0) {
            return (long)r;
        }
    }
    return -1;
}

/* The rows of t's sheet that starts at row s0 (a table joined from sheets: the rows of one
** sheet number), as a table borrowing them; *s1 the row after them. */
static struct wm_table
sheet_of(const struct wm_table *t, size_t s0, size_t *s1)
{
    *s1 = wm_table_sheet_end(t, s0);
    return (struct wm_table){.nrows = *s1 - s0, .rows = t->rows + s0};
}

bool
wm_title_table_fits(const struct wm_table *t, void *cls)
{
    (void)cls;
    return header_row(t) >= 0;
}

/* A cell, trimmed, in buf; a cell too long for buf becomes a control character, which
** every check refuses (never a shortened value that might pass). */
static const char *
cellt(const struct wm_row *r, int c, char *buf, size_t len)
{
    const char *v = wm_row_cell(r, c);
    if (strlen(v) >= len) {
        return "\x01";
    }
    snprintf(buf, len, "%s", v);
    return wm_trim(buf);
}

/* A title import under way. */
struct import_ctx {
    struct wm_db *db;
    const struct wm_actor *a;
    const char *scope;           /* the units it may name */
    const char *day;             /* today, for the state of a title */
    json_t *errors, *seen;       /* seen: "unit|title|awarded" of the file so far: its sheet */
    const struct wm_row *header; /* of the sheet read */
    unsigned sheet;              /* its number when the table joins several, else 0 */
    unsigned imported, rows, repeated;
    bool failed; /* a unit could not be read */
};

static void
row_error(struct import_ctx *x, unsigned line, int col, const char *field, const char *reason)
{
    const char *colname = col >= 0 ? wm_row_cell(x->header, col) : "";
    char *at = x->sheet ? wm_asprintf(_("工作表 %u 第 %u 行"), x->sheet, line)
                        : wm_asprintf(_("第 %u 行"), line);
    char *msg = col >= 0 ? wm_asprintf(_("%s“%s”列：%s"), at, colname, reason)
                         : wm_asprintf(_("%s：%s"), at, reason);
    json_t *e = json_pack("{s:i, s:s, s:s, s:s, s:s}", "row", (int)line, "column", colname,
                          "field", field, "reason", reason, "message", msg);
    if (x->sheet) {
        json_object_set_new(e, "sheet", json_integer(x->sheet));
    }
    json_array_append_new(x->errors, e);
    free(at);
    free(msg);
}

/* The unit a row names (by code, else by name) within scope; 0 with a row error. */
static int64_t
row_unit(struct wm_db *db,
         const char *scope,
         struct import_ctx *x,
         unsigned line,
         int c_code,
         int c_name,
         const char *code,
         const char *name,
         char **path,
         bool *failed)
{
    if (*code) {
        json_t *o = db->ops->org_get_by_code(db, code);
        if (NULL == o && wm_db_failed(db)) {
            *failed = true;
            return 0;
        }
        int64_t id = 0;
        if (o && wm_streq(jss(o, "kind"), "unit") && wm_startswith(jss(o, "path"), scope)) {
            id = jsi(o, "id");
            *path = wm_strdup(jss(o, "path"));
        } else {
            row_error(x, line, c_code, "unit_code", _("找不到该单位代码（或不在管辖范围内）"));
        }
        json_decref(o);
        return id;
    }
    if (!*name) {
        row_error(x, line, c_code >= 0 ? c_code : c_name, "unit", _("须填写单位代码或单位名称"));
        return 0;
    }
    struct wm_page pg = { .scope = scope, .limit = 200, .q = name, .kind = "unit" };
    json_t *found = db->ops->org_list(db, &pg);
    if (NULL == found) {
        *failed = true;
        return 0;
    }
    int64_t id = 0;
    int n = 0;
    size_t k;
    json_t *o;
    json_array_foreach(found, k, o)
    {
        if (wm_streq(jss(o, "name"), name)) {
            n++;
            id = jsi(o, "id");
            free(*path);
            *path = wm_strdup(jss(o, "path"));
        }
    }
    json_decref(found);
    if (1 != n) {
        row_error(x, line, c_name, "unit_name",
                  0 == n ? _("找不到该单位（或不在管辖范围内）")
                         : _("有多个同名单位，请改填单位代码"));
        free(*path);
        *path = NULL;
        return 0;
    }
    return id;
}

/* The columns a sheet's header names (-1: none). */
struct title_cols {
    int code, name, title, level, doc, awarded, until, state, note;
};

/* One data row under header columns c: imported, left out (a row of notes, or a title an
** earlier sheet held), or its errors reported (WM_OK all); x->failed when a unit could not be
** read; else the store's error (f set). */
static enum wm_err
title_row(struct import_ctx *x, const struct title_cols *c, const struct wm_row *r,
          struct wm_fail *f)
{
    enum wm_err e = WM_OK;
    char b_code[128], b_name[256], b_title[512], b_level[128], b_doc[512], b_aw[64],
        b_until[64], b_state[64], b_note[2048];
    const char *code = cellt(r, c->code, b_code, sizeof b_code),
               *name = cellt(r, c->name, b_name, sizeof b_name),
               *title = cellt(r, c->title, b_title, sizeof b_title),
               *level = cellt(r, c->level, b_level, sizeof b_level),
               *doc = cellt(r, c->doc, b_doc, sizeof b_doc),
               *aw = cellt(r, c->awarded, b_aw, sizeof b_aw),
               *until = cellt(r, c->until, b_until, sizeof b_until),
               *st = cellt(r, c->state, b_state, sizeof b_state),
               *note = cellt(r, c->note, b_note, sizeof b_note);
    if (!*code && !*name && !*title && !*level && !*aw && !*until) {
        return WM_OK; /* a row of notes or formatting */
    }
    x->rows++;
    size_t before = json_array_size(x->errors);
    char awarded[WM_DAY_LEN] = "", valid[WM_DAY_LEN] = "";
    const char *state = NULL;
    char *path = NULL;
    int64_t unit =
        row_unit(x->db, x->scope, x, r->line, c->code, c->name, code, name, &path, &x->failed);
    if (x->failed) {
        free(path);
        return WM_OK;
    }
    if (!wm_valid_text(title, TITLE_MAX)) {
        row_error(x, r->line, c->title, "title",
                  *title ? _("称号过长或含有无效字符") : _("须填写称号"));
    }
    if (!wm_valid_text(level, LEVEL_MAX)) {
        row_error(x, r->line, c->level, "level",
                  *level ? _("级别过长或含有无效字符") : _("须填写级别，如 市级、区级"));
    }
    if (*doc && !wm_valid_text(doc, AWARD_DOC_MAX)) {
        row_error(x, r->line, c->doc, "award_doc", _("授予文件过长或含有无效字符"));
    }
    if (!*aw) {
        row_error(x, r->line, c->awarded, "awarded_on", _("须填写授予日期"));
    } else if (!wm_table_date(aw, awarded)) {
        row_error(x, r->line, c->awarded, "awarded_on",
                  _("不是有效日期（可写 2021-03-05、2021/3/5 或 2021年3月5日）"));
    }
    if (*until && !wm_table_date(until, valid)) {
        row_error(x, r->line, c->until, "valid_until",
                  _("不是有效日期（可写 2021-03-05、2021/3/5 或 2021年3月5日）"));
    } else if (*valid && *awarded && strcmp(valid, awarded) < 0) {
        row_error(x, r->line, c->until, "valid_until", _("有效期至早于授予日期"));
    }
    if (*st && !wm_title_state_parse(st, &state)) {
        row_error(x, r->line, c->state, "state", _("状态须为 保留、撤销 或 过期"));
    }
    if (*note && !wm_valid_text(note, NOTE_MAX)) {
        row_error(x, r->line, c->note, "note", _("备注过长或含有无效字符"));
    }
    if (unit && json_array_size(x->errors) == before) {
        char *key = wm_asprintf("%lld|%s|%s", (long long)unit, title, awarded);
        const json_t *was = json_object_get(x->seen, key);
        if (was && (json_int_t)x->sheet != json_integer_value(was)) {
            x->repeated++; /* a summary sheet beside the districts': read once */
        } else if (was) {
            row_error(x, r->line, c->title, "title",
                      _("与文件中前面一行重复（同一单位、称号和授予日期）"));
        } else {
            json_object_set_new(x->seen, key, json_integer(x->sheet));
            struct wm_title_row row = { .unit_id = unit,
                                        .title = title,
                                        .level = level,
                                        .award_doc = *doc ? doc : NULL,
                                        .awarded_on = awarded,
                                        .valid_until = *valid ? valid : NULL,
                                        .note = *note ? note : NULL };
            row.state = state_for(state, row.valid_until, x->day);
            if (wm_streq(row.state, "expired")) {
                row.reason = _("有效期已过");
            }
            int64_t id;
            struct wm_fail rf = { 0 };
            enum wm_err re = insert_tx(x->db, x->a, &row, path, "title.create", &id, &rf);
            if (WM_E_CONFLICT == re) {
                row_error(x, r->line, c->title, "title",
                          _("该单位已登记同一授予日期的同名称号"));
            } else if (WM_OK != re) {
                e = wm_fail_set(f, re, NULL, "%s", rf.msg);
            } else {
                x->imported++;
            }
        }
        free(key);
    }
    free(path);
    return e;
}

static enum wm_err
import_once(struct wm_db *db,
            const struct wm_actor *a,
            const struct wm_table *t,
            int64_t office_id,
            bool dry_run,
            json_t **report,
            struct wm_fail *f)
{
    enum wm_err e;
    *report = NULL;
    if (!wm_actor_is(a, WM_ROLES_STAFF)) {
        return wm_fail_set(f, WM_E_FORBIDDEN, NULL, "%s", _("只有文明办可以导入称号"));
    }
    if (NULL == t || t->nrows < 1) {
        return wm_fail_set(f, WM_E_BAD_REQUEST, "file", "%s", _("文件是空的"));
    }
    /* a list kept one sheet per district is read as one table: each sheet its own header */
    for (size_t s0 = 0, s1; s0 < t->nrows; s0 = s1) {
        struct wm_table part = sheet_of(t, s0, &s1);
        long hr = header_row(&part);
        if (hr < 0) {
            return wm_fail_set(f, WM_E_BAD_REQUEST, "file", "%s",
                               _("表头须包含 单位代码（或单位名称）、称号、级别、授予日期 列"));
        }
        if (find_col(&part.rows[hr], col_level) < 0) {
            return wm_fail_set(f, WM_E_BAD_REQUEST, "file", "%s", _("表头缺少“级别”列"));
        }
    }
    if (WM_OK != (e = tx_begin(db, f))) {
        return e;
    }
    char *scope = wm_strdup(wm_scope_path(a));
    if (office_id) {
        json_t *o = wm_org_get_scoped(db, a, office_id, f);
        if (NULL == o || !wm_streq(jss(o, "kind"), "office")) {
            json_decref(o);
            free(scope);
            if (o) {
                wm_fail_set(f, WM_E_NOT_FOUND, "office", "%s",
                            _("文明办不存在，或不在您的管辖范围内"));
            }
            return tx_end(db, f->err ? f->err : WM_E_NOT_FOUND, f);
        }
        free(scope);
        scope = wm_strdup(jss(o, "path"));
        json_decref(o);
    }
    char day[WM_DAY_LEN];
    today(day);
    struct import_ctx x = {
        .db = db, .a = a, .scope = scope, .day = day, .errors = json_array(), .seen = json_object()
    };
    for (size_t s0 = 0, s1; s0 < t->nrows && WM_OK == e && !x.failed; s0 = s1) {
        struct wm_table part = sheet_of(t, s0, &s1);
        const struct wm_row *h = &part.rows[header_row(&part)];
        const struct title_cols c = {find_col(h, col_code),    find_col(h, col_name),
                                     find_col(h, col_title),   find_col(h, col_level),
                                     find_col(h, col_doc),     find_col(h, col_awarded),
                                     find_col(h, col_until),   find_col(h, col_state),
                                     find_col(h, col_note)};
        x.header = h;
        x.sheet = t->rows[s0].sheet;
        for (size_t i = (size_t)(h - t->rows) + 1; i < s1 && WM_OK == e && !x.failed; i++) {
            if (WM_ROW_DATA == wm_table_row_kind(&t->rows[i])) { /* not blank, 合计, 说明：… */
                e = title_row(&x, &c, &t->rows[i], f);
            }
        }
    }
    json_decref(x.seen);
    free(scope);
    if (x.failed && WM_OK == e) {
        e = wm_write_fail(db, f, NULL, NULL, _("无法读取单位"));
    }
    if (WM_OK != e) {
        json_decref(x.errors);
        return tx_end(db, e, f);
    }
    if (0 == x.rows && 0 == json_array_size(x.errors)) {
        json_decref(x.errors);
        return tx_end(db,
                      wm_fail_set(f, WM_E_BAD_REQUEST, "file", "%s",
                                  _("文件中没有称号（表头下面没有数据行）")),
                      f);
    }
    bool bad = json_array_size(x.errors) > 0;
    *report = json_pack("{s:i, s:i, s:i, s:o, s:b, s:b}", "rows", (int)x.rows, "imported",
                        bad || dry_run ? 0 : (int)x.imported, "repeated", (int)x.repeated,
                        "errors", x.errors, "dry_run", dry_run, "committed", false);
    if (bad || dry_run) {
        db->ops->rollback(db); /* nothing half-imported */
        return WM_OK;
    }
    json_t *sum = json_pack("{s:i}", "imported", (int)x.imported);
    e = wm_audit(db, a, "title.import", "title", 0, wm_scope_path(a), NULL, sum);
    json_decref(sum);
    e = tx_end(db, e, f);
    json_object_set_new(*report, "committed", json_boolean(WM_OK == e));
    return e;
}

enum wm_err
wm_title_import(struct wm_db *db,
                const struct wm_actor *a,
                const struct wm_table *t,
                int64_t office_id,
                bool dry_run,
                json_t **report,
                struct wm_fail *f)
{
    enum wm_err e;
    TX_RETRY_CLEAN(e, import_once(db, a, t, office_id, dry_run, report, f), json_decref(*report));
    return e;
}

/* end of titles.c */
