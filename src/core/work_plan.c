/*
** work_plan.c — the creation work (issue 12): the unit's settings of it, the leadership
** group and its office (members over time, duties), the annual plan with its stages, and
** the plan's tasks to departments.
**
** Who: the unit's unit_admin writes everything; a unit_member marks done the tasks of its
** own department; a unit_viewer reads; office and admin read their jurisdiction and write
** nothing (403); evaluators see none of it (404).  Out of scope: 404.  Every write runs in
** its own transaction with its audit entry (work.settings, work.member.add,
** work.member.end, work.duty.set, work.plan.save, work.task.create, work.task.update,
** work.task.done, work.task.reopen).  Days are "YYYY-MM-DD" of Asia/Shanghai.
*/
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "tx.h"
#include "wm_core.h"

/* ---------------------------------------------------------------- rules */

bool
wm_work_may_write(const struct wm_actor *a)
{
    return wm_actor_is(a, WM_ROLE_BIT(WM_ROLE_UNIT_ADMIN));
}

static enum wm_err
not_found(struct wm_fail *f)
{
    return wm_fail_set(f, WM_E_NOT_FOUND, NULL, "%s", _("单位不存在"));
}

json_t *
wm_work_unit_scoped(struct wm_db *db, const struct wm_actor *a, int64_t unit_id,
                    struct wm_fail *f)
{
    if (a->p && WM_ROLE_EVALUATOR == a->p->role) {
        not_found(f);
        return NULL;
    }
    json_t *u = wm_org_get_scoped(db, a, unit_id, f);
    if (u && !wm_streq(jss(u, "kind"), "unit")) {
        json_decref(u);
        not_found(f);
        return NULL;
    }
    return u;
}

static enum wm_err
need_writer(const struct wm_actor *a, struct wm_fail *f)
{
    if (a->p && WM_ROLE_EVALUATOR == a->p->role) {
        return not_found(f);
    }
    if (!wm_work_may_write(a)) {
        return wm_fail_set(f, WM_E_FORBIDDEN, NULL, "%s", _("只有本单位管理员可以修改创建工作"));
    }
    return WM_OK;
}

/* Fail a read whose result was NULL (a list is never "no row"). */
static enum wm_err
read_failed(struct wm_db *db, struct wm_fail *f)
{
    if (!wm_db_failed(db)) {
        db->status = WM_QS_HARD;
    }
    return wm_read_fail(db, f, NULL, NULL);
}

static int64_t
year_of_day(int64_t day)
{
    int64_t y;
    int m, d;
    wm_day_ymd(day, &y, &m, &d);
    return y;
}

/* A day given ("" or NULL: today) as its "YYYY-MM-DD" in out; false when not a real day. */
static bool
day_or_today(const char *s, char out[WM_DAY_LEN])
{
    int64_t day = wm_day_today();
    if (s && *s && !wm_day_parse(s, &day)) {
        return false;
    }
    wm_day_format(day, out);
    return true;
}

/* A text of at most max characters, valid UTF-8 without control characters but lines. */
static bool
text_ok(const char *s, size_t max, bool lines)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        bool line = '\n' == *p || '\r' == *p || '\t' == *p;
        if ((*p < 0x20 && !(lines && line)) || 0x7f == *p) {
            return false;
        }
    }
    return wm_utf8_valid(s, strlen(s)) && wm_utf8_len(s) <= max;
}

/* A required or optional name-like string: trimmed of blanks; "" when absent. */
static char *
clean(const char *s)
{
    char *c = wm_strip_invisible(wm_strdup(s ? s : ""));
    size_t b = strspn(c, " \t\r\n"), n = strlen(c);
    while (n > b && strchr(" \t\r\n", c[n - 1])) {
        n--;
    }
    memmove(c, c + b, n - b);
    c[n - b] = 0;
    return c;
}

/* Whether code is a leaf of the unit's archive of year: 1 yes, 0 no, -1 store error. */
static int
leaf_in_archive(struct wm_db *db, int64_t unit_id, int64_t year, const char *code)
{
    json_t *ar = db->ops->archive_get(db, unit_id, year);
    if (NULL == ar) {
        return wm_db_failed(db) ? -1 : 0;
    }
    json_t *inds = db->ops->ind_list(db, jsi(ar, "edition_id"), true);
    json_decref(ar);
    if (NULL == inds) {
        return -1;
    }
    int found = 0;
    size_t i;
    json_t *x;
    json_array_foreach(inds, i, x)
    {
        found = found || wm_streq(jss(x, "code"), code);
    }
    json_decref(inds);
    return found;
}

/* 400 naming field when code is not a leaf of the archive of (unit, year). */
static enum wm_err
leaf_check(struct wm_db *db, int64_t unit_id, int64_t year, const char *field,
           const char *code, struct wm_fail *f)
{
    int ok = leaf_in_archive(db, unit_id, year, code);
    if (ok < 0) {
        return read_failed(db, f);
    }
    return ok ? WM_OK
              : wm_fail_set(f, WM_E_BAD_REQUEST, field, _("%s 不是本单位 %lld 年度档案的末级指标"),
                            code, (long long)year);
}

/* ---------------------------------------------------------------- settings */

static void
set_str_or_null(json_t *o, const char *k, const json_t *row)
{
    const char *v = row ? jss(row, k) : "";
    json_object_set_new(o, k, *v ? json_string(v) : json_null());
}

static json_t *
settings_of(const json_t *unit, const json_t *row)
{
    char start[WM_DAY_LEN];
    const char *set = row ? jss(row, "start_on") : "";
    int64_t created = jsi(unit, "created_at");
    wm_day_format((created + 8 * 3600) / 86400, start);
    json_t *o = json_pack("{s:I, s:s, s:b, s:b, s:I}", "unit_id", (json_int_t)jsi(unit, "id"),
                          "start_on", *set ? set : start, "start_on_set", *set != 0,
                          "inspect_weekly", row ? jsi(row, "inspect_weekly") != 0 : true,
                          "updated_at", (json_int_t)(row ? jsi(row, "updated_at") : 0));
    static const char *const leaves[] = {"bulletin_leaf", "inspection_leaf", "plan_leaf",
                                         "rect_leaf"};
    for (size_t i = 0; i < WM_ARRAY_LEN(leaves); i++) {
        set_str_or_null(o, leaves[i], row);
    }
    return o;
}

json_t *
wm_work_settings(struct wm_db *db, int64_t unit_id)
{
    json_t *unit = db->ops->org_get(db, unit_id);
    if (NULL == unit) {
        return NULL;
    }
    json_t *row = db->ops->work_unit_get(db, unit_id);
    json_t *out = NULL == row && wm_db_failed(db) ? NULL : settings_of(unit, row);
    json_decref(row);
    json_decref(unit);
    return out;
}

int64_t
wm_work_start_day(struct wm_db *db, int64_t unit_id)
{
    json_t *s = wm_work_settings(db, unit_id);
    int64_t day = 0;
    if (s && !wm_day_parse(jss(s, "start_on"), &day)) {
        day = 0;
    }
    json_decref(s);
    return day;
}

json_t *
wm_work_settings_get(struct wm_db *db, const struct wm_actor *a, int64_t unit_id,
                     struct wm_fail *f)
{
    json_t *unit = wm_work_unit_scoped(db, a, unit_id, f);
    if (NULL == unit) {
        return NULL;
    }
    json_decref(unit);
    json_t *s = wm_work_settings(db, unit_id);
    if (NULL == s) {
        read_failed(db, f);
        return NULL;
    }
    json_object_set_new(s, "may_edit", json_boolean(wm_work_may_write(a)));
    return s;
}

/* The settings' leaves as given, each a leaf of this year's archive or none. */
static enum wm_err
settings_check(struct wm_db *db, int64_t unit_id, const struct wm_work_settings_in *in,
               struct wm_fail *f)
{
    int64_t day;
    if (in->start_on && *in->start_on && !wm_day_parse(in->start_on, &day)) {
        return wm_fail_set(f, WM_E_BAD_REQUEST, "start_on", "%s", _("开始日期须为 YYYY-MM-DD"));
    }
    const char *const v[] = {in->bulletin_leaf, in->inspection_leaf, in->plan_leaf,
                             in->rect_leaf};
    static const char *const k[] = {"bulletin_leaf", "inspection_leaf", "plan_leaf",
                                    "rect_leaf"};
    int64_t year = year_of_day(wm_day_today());
    enum wm_err e = WM_OK;
    for (size_t i = 0; WM_OK == e && i < WM_ARRAY_LEN(k); i++) {
        if (v[i] && *v[i]) {
            e = leaf_check(db, unit_id, year, k[i], v[i], f);
        }
    }
    return e;
}

static const char *
or_null(const char *s)
{
    return s && *s ? s : NULL;
}

static enum wm_err
settings_once(struct wm_db *db, const struct wm_actor *a, int64_t unit_id,
              const struct wm_work_settings_in *in, struct wm_fail *f)
{
    enum wm_err e;
    if (WM_OK != (e = tx_begin(db, f))) {
        return e;
    }
    json_t *unit = wm_work_unit_scoped(db, a, unit_id, f), *before = NULL, *after = NULL;
    if (NULL == unit) {
        e = f->err;
        goto done;
    }
    if (WM_OK != (e = settings_check(db, unit_id, in, f))) {
        goto done;
    }
    before = wm_work_settings(db, unit_id);
    const struct wm_work_unit s = {
        .unit_id = unit_id, .start_on = or_null(in->start_on),
        .bulletin_leaf = or_null(in->bulletin_leaf), .inspection_leaf = or_null(in->inspection_leaf),
        .plan_leaf = or_null(in->plan_leaf), .rect_leaf = or_null(in->rect_leaf),
        .inspect_weekly = in->inspect_weekly, .by = a->p ? a->p->user_id : 0, .now = wm_now(),
    };
    if (NULL == before || WM_QS_ONE != db->ops->work_unit_put(db, &s) ||
        NULL == (after = wm_work_settings(db, unit_id))) {
        e = wm_write_fail(db, f, NULL, NULL, _("无法保存创建工作设置"));
        goto done;
    }
    e = wm_audit(db, a, "work.settings", "org", unit_id, jss(unit, "path"), before, after);
done:
    json_decref(unit);
    json_decref(before);
    json_decref(after);
    return tx_end(db, e, f);
}

enum wm_err
wm_work_settings_put(struct wm_db *db, const struct wm_actor *a, int64_t unit_id,
                     const struct wm_work_settings_in *in, struct wm_fail *f)
{
    enum wm_err e = need_writer(a, f);
    if (WM_OK == e) {
        TX_RETRY(e, settings_once(db, a, unit_id, in, f));
    }
    return e;
}

/* end of work_plan.c */
