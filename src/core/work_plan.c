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
**
** The plan filed: when the unit names plan_leaf, saving a plan (whose title, goals or
** stages changed, or that was never filed) queues the job "work.plan" (one waiting job per
** plan), which renders the plan as a PDF with `wenming-compile` (wm_plan_pdf.h) and files
** it into the leaf through wm_work_file_path: a new document the first time, a new version
** of it (work_plan.document_id) after.
*/
#include "config.h"

#include <stdio.h>
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

static enum wm_err plan_refile(struct wm_db *db, const struct wm_actor *a, int64_t unit_id,
                               int64_t year, bool only_filed, const char *path,
                               struct wm_fail *f);

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
        .bulletin_leaf = or_null(in->bulletin_leaf),
        .inspection_leaf = or_null(in->inspection_leaf),
        .plan_leaf = or_null(in->plan_leaf), .rect_leaf = or_null(in->rect_leaf),
        .inspect_weekly = in->inspect_weekly, .by = a->p ? a->p->user_id : 0, .now = wm_now(),
    };
    if (NULL == before || WM_QS_ONE != db->ops->work_unit_put(db, &s) ||
        NULL == (after = wm_work_settings(db, unit_id))) {
        e = wm_write_fail(db, f, NULL, NULL, _("无法保存创建工作设置"));
        goto done;
    }
    e = wm_audit(db, a, "work.settings", "org", unit_id, jss(unit, "path"), before, after);
    if (WM_OK == e && *jss(after, "plan_leaf") &&
        !wm_streq(jss(before, "plan_leaf"), jss(after, "plan_leaf"))) {
        e = plan_refile(db, a, unit_id, year_of_day(wm_day_today()), false, jss(unit, "path"), f);
    }
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

/* ---------------------------------------------------------------- group and office */

static const char *
role_label(const char *body, const char *role)
{
    if (wm_streq(role, "leader")) {
        return _("组长");
    }
    if (wm_streq(role, "deputy")) {
        return _("副组长");
    }
    if (wm_streq(role, "director")) {
        return _("主任");
    }
    return wm_streq(body, "office") ? _("办公室成员") : _("成员");
}

static bool
body_ok(const char *body)
{
    return wm_streq(body, "group") || wm_streq(body, "office");
}

static bool
role_ok(const char *body, const char *role)
{
    if (wm_streq(body, "group")) {
        return wm_streq(role, "leader") || wm_streq(role, "deputy") || wm_streq(role, "member");
    }
    return wm_streq(role, "director") || wm_streq(role, "member");
}

static void
member_label(json_t *m)
{
    json_object_set_new(m, "role_label", json_string(role_label(jss(m, "body"), jss(m, "role"))));
}

/* The newest duty set on or before day on, as {text, set_on, ...}, or null. */
static json_t *
duty_on(const json_t *hist, const char *on)
{
    size_t i;
    json_t *d;
    json_array_foreach(hist, i, d)
    {
        if (strcmp(jss(d, "set_on"), on) <= 0) {
            return json_incref(d);
        }
    }
    return json_null();
}

/* {group: [], office: []} of the members in rows. */
static void
split_bodies(json_t *out, json_t *rows)
{
    json_t *g = json_array(), *o = json_array();
    size_t i;
    json_t *m;
    json_array_foreach(rows, i, m)
    {
        member_label(m);
        json_array_append(wm_streq(jss(m, "body"), "group") ? g : o, m);
    }
    json_object_set_new(out, "group", g);
    json_object_set_new(out, "office", o);
}

json_t *
wm_work_group(struct wm_db *db, const struct wm_actor *a, int64_t unit_id, const char *on,
              struct wm_fail *f)
{
    char day[WM_DAY_LEN], today[WM_DAY_LEN];
    if (!day_or_today(on, day)) {
        wm_fail_set(f, WM_E_BAD_REQUEST, "on", "%s", _("日期须为 YYYY-MM-DD"));
        return NULL;
    }
    json_t *unit = wm_work_unit_scoped(db, a, unit_id, f);
    if (NULL == unit) {
        return NULL;
    }
    json_decref(unit);
    day_or_today(NULL, today);
    json_t *now = db->ops->work_members(db, unit_id, day);
    json_t *all = now ? db->ops->work_members(db, unit_id, NULL) : NULL;
    json_t *dg = all ? db->ops->work_duties(db, unit_id, "group") : NULL;
    json_t *dof = dg ? db->ops->work_duties(db, unit_id, "office") : NULL;
    if (NULL == dof) {
        json_decref(now);
        json_decref(all);
        json_decref(dg);
        read_failed(db, f);
        return NULL;
    }
    json_t *out = json_pack("{s:I, s:s, s:s, s:b}", "unit_id", (json_int_t)unit_id, "on", day,
                            "today", today, "may_edit", wm_work_may_write(a));
    split_bodies(out, now);
    json_object_set_new(out, "duties", json_pack("{s:o, s:o}", "group", duty_on(dg, day),
                                                 "office", duty_on(dof, day)));
    size_t i;
    json_t *m;
    json_array_foreach(all, i, m)
    {
        member_label(m);
    }
    json_object_set_new(out, "history",
                        json_pack("{s:o, s:{s:o, s:o}}", "members", all, "duties", "group", dg,
                                  "office", dof));
    json_decref(now);
    return out;
}

json_t *
wm_work_member_get(struct wm_db *db, const struct wm_actor *a, int64_t id, struct wm_fail *f)
{
    json_t *m = db->ops->work_member_get(db, id);
    if (NULL == m) {
        wm_read_fail(db, f, NULL, _("成员不存在"));
        return NULL;
    }
    json_t *unit = wm_work_unit_scoped(db, a, jsi(m, "unit_id"), f);
    if (NULL == unit) {
        json_decref(m);
        return NULL;
    }
    json_decref(unit);
    member_label(m);
    return m;
}

/* The member's name: the account's (of this unit) when user_id is given, else the name. */
static enum wm_err
member_name(struct wm_db *db, int64_t unit_id, const struct wm_work_member_in *in, char **name,
            struct wm_fail *f)
{
    if (in->user_id > 0) {
        json_t *u = db->ops->user_get(db, in->user_id);
        if (NULL == u && wm_db_failed(db)) {
            return read_failed(db, f);
        }
        if (NULL == u || jsi(u, "org_id") != unit_id) {
            json_decref(u);
            return wm_fail_set(f, WM_E_BAD_REQUEST, "user_id", "%s", _("该账号不属于本单位"));
        }
        *name = wm_strdup(jss(u, "display_name"));
        json_decref(u);
        return WM_OK;
    }
    *name = clean(in->name);
    if (0 == **name || !text_ok(*name, WM_WORK_NAME_MAX, false)) {
        return wm_fail_set(f, WM_E_BAD_REQUEST, "name", "%s", _("请填写成员姓名或选择账号"));
    }
    return WM_OK;
}

static enum wm_err
member_check(const struct wm_work_member_in *in, const char *post, struct wm_fail *f)
{
    if (!body_ok(in->body)) {
        return wm_fail_set(f, WM_E_BAD_REQUEST, "body", "%s", _("body 须为 group 或 office"));
    }
    if (!role_ok(in->body, in->role)) {
        return wm_fail_set(f, WM_E_BAD_REQUEST, "role", "%s",
                           _("领导小组的职务为 leader、deputy 或 member，办公室的为 director 或 member"));
    }
    if (!text_ok(post, WM_WORK_NAME_MAX, false)) {
        return wm_fail_set(f, WM_E_BAD_REQUEST, "post", "%s", _("职务过长或含有无效字符"));
    }
    return WM_OK;
}

struct member_add {
    int64_t unit_id;
    const struct wm_work_member_in *in;
    const char *post;
    const char *from_on;
    int64_t *id;
};

static enum wm_err
member_add_once(struct wm_db *db, const struct wm_actor *a, const struct member_add *m,
                struct wm_fail *f)
{
    enum wm_err e;
    if (WM_OK != (e = tx_begin(db, f))) {
        return e;
    }
    char *name = NULL;
    json_t *unit = wm_work_unit_scoped(db, a, m->unit_id, f), *row = NULL;
    if (NULL == unit) {
        e = f->err;
        goto done;
    }
    if (WM_OK != (e = member_name(db, m->unit_id, m->in, &name, f))) {
        goto done;
    }
    const struct wm_work_member w = {
        .unit_id = m->unit_id, .body = m->in->body, .role = m->in->role,
        .user_id = m->in->user_id > 0 ? m->in->user_id : 0, .name = name,
        .post = or_null(m->post), .from_on = m->from_on, .by = a->p ? a->p->user_id : 0,
        .now = wm_now(),
    };
    if (WM_QS_ONE != db->ops->work_member_insert(db, &w, m->id) ||
        NULL == (row = db->ops->work_member_get(db, *m->id))) {
        e = wm_write_fail(db, f, NULL, NULL, _("无法保存成员"));
        goto done;
    }
    e = wm_audit(db, a, "work.member.add", "work_member", *m->id, jss(unit, "path"), NULL, row);
done:
    free(name);
    json_decref(unit);
    json_decref(row);
    return tx_end(db, e, f);
}

enum wm_err
wm_work_member_add(struct wm_db *db, const struct wm_actor *a, int64_t unit_id,
                   const struct wm_work_member_in *in, int64_t *id, struct wm_fail *f)
{
    char from[WM_DAY_LEN];
    char *post = clean(in->post);
    enum wm_err e = need_writer(a, f);
    if (WM_OK == e) {
        e = member_check(in, post, f);
    }
    if (WM_OK == e && !day_or_today(in->from_on, from)) {
        e = wm_fail_set(f, WM_E_BAD_REQUEST, "from_on", "%s", _("任职日期须为 YYYY-MM-DD"));
    }
    if (WM_OK == e) {
        int64_t own = 0;
        const struct member_add m = {.unit_id = unit_id, .in = in, .post = post,
                                     .from_on = from, .id = id ? id : &own};
        TX_RETRY(e, member_add_once(db, a, &m, f));
    }
    free(post);
    return e;
}

static enum wm_err
member_end_once(struct wm_db *db, const struct wm_actor *a, int64_t id, const char *to_on,
                int64_t *unit_id, struct wm_fail *f)
{
    enum wm_err e;
    if (WM_OK != (e = tx_begin(db, f))) {
        return e;
    }
    json_t *m = db->ops->work_member_get(db, id), *unit = NULL, *after = NULL;
    if (NULL == m) {
        e = wm_read_fail(db, f, NULL, _("成员不存在"));
        goto done;
    }
    if (NULL == (unit = wm_work_unit_scoped(db, a, jsi(m, "unit_id"), f))) {
        e = wm_fail_set(f, WM_E_NOT_FOUND, NULL, "%s", _("成员不存在"));
        goto done;
    }
    if (WM_OK != (e = need_writer(a, f))) {
        goto done;
    }
    if (strcmp(to_on, jss(m, "from_on")) < 0) {
        e = wm_fail_set(f, WM_E_BAD_REQUEST, "to_on", "%s", _("离任日期不能早于任职日期"));
        goto done;
    }
    enum wm_qs qs = db->ops->work_member_end(db, id, to_on, a->p ? a->p->user_id : 0, wm_now());
    if (WM_QS_NONE == qs) {
        e = wm_fail_set(f, WM_E_CONFLICT, "to_on", "%s", _("该成员已经离任"));
    } else if (WM_QS_ONE != qs || NULL == (after = db->ops->work_member_get(db, id))) {
        e = wm_write_fail(db, f, NULL, NULL, _("无法保存离任"));
    } else {
        *unit_id = jsi(m, "unit_id");
        e = wm_audit(db, a, "work.member.end", "work_member", id, jss(unit, "path"), m, after);
    }
done:
    json_decref(m);
    json_decref(unit);
    json_decref(after);
    return tx_end(db, e, f);
}

enum wm_err
wm_work_member_end(struct wm_db *db, const struct wm_actor *a, int64_t id, const char *to_on,
                   int64_t *unit_id, struct wm_fail *f)
{
    char to[WM_DAY_LEN];
    int64_t own = 0;
    if (!day_or_today(to_on, to)) {
        return wm_fail_set(f, WM_E_BAD_REQUEST, "to_on", "%s", _("离任日期须为 YYYY-MM-DD"));
    }
    enum wm_err e;
    TX_RETRY(e, member_end_once(db, a, id, to, unit_id ? unit_id : &own, f));
    return e;
}

static enum wm_err
duty_once(struct wm_db *db, const struct wm_actor *a, int64_t unit_id, const char *body,
          const char *text, const char *set_on, struct wm_fail *f)
{
    enum wm_err e;
    if (WM_OK != (e = tx_begin(db, f))) {
        return e;
    }
    int64_t id = 0;
    json_t *unit = wm_work_unit_scoped(db, a, unit_id, f), *after = NULL;
    if (NULL == unit) {
        e = f->err;
        goto done;
    }
    if (WM_QS_ONE != db->ops->work_duty_insert(db, unit_id, body, text, set_on,
                                               a->p ? a->p->user_id : 0, wm_now(), &id)) {
        e = wm_write_fail(db, f, NULL, NULL, _("无法保存职责"));
        goto done;
    }
    after = json_pack("{s:I, s:s, s:s, s:s}", "unit_id", (json_int_t)unit_id, "body", body,
                      "text", text, "set_on", set_on);
    e = wm_audit(db, a, "work.duty.set", "work_duty", id, jss(unit, "path"), NULL, after);
done:
    json_decref(unit);
    json_decref(after);
    return tx_end(db, e, f);
}

enum wm_err
wm_work_duty_set(struct wm_db *db, const struct wm_actor *a, int64_t unit_id, const char *body,
                 const char *text, const char *set_on, struct wm_fail *f)
{
    char day[WM_DAY_LEN];
    char *t = clean(text);
    enum wm_err e = need_writer(a, f);
    if (WM_OK == e && !body_ok(body)) {
        e = wm_fail_set(f, WM_E_NOT_FOUND, "body", "%s", _("只有领导小组和办公室的职责"));
    } else if (WM_OK == e && (0 == *t || !text_ok(t, WM_WORK_TEXT_MAX, true))) {
        e = wm_fail_set(f, WM_E_BAD_REQUEST, "text", _("请填写职责（不超过 %d 个字符）"),
                        WM_WORK_TEXT_MAX);
    } else if (WM_OK == e && !day_or_today(set_on, day)) {
        e = wm_fail_set(f, WM_E_BAD_REQUEST, "set_on", "%s", _("日期须为 YYYY-MM-DD"));
    }
    if (WM_OK == e) {
        TX_RETRY(e, duty_once(db, a, unit_id, body, t, day, f));
    }
    free(t);
    return e;
}

/* ---------------------------------------------------------------- the plan */

static bool
year_ok(int64_t year)
{
    return year >= 2000 && year <= 2100;
}

static char *
default_title(int64_t year)
{
    return wm_asprintf(_("%lld 年度文明创建工作计划"), (long long)year);
}

/* The stages with the one containing today marked current. */
static void
stages_mark(json_t *stages, const char *today)
{
    size_t i;
    json_t *st;
    json_array_foreach(stages, i, st)
    {
        bool cur = strcmp(jss(st, "starts_on"), today) <= 0 &&
                   strcmp(today, jss(st, "ends_on")) <= 0;
        json_object_set_new(st, "current", json_boolean(cur));
    }
}

/* Add one task to the per-department counts in depts (an object keyed by dept id). */
static void
count_task(json_t *depts, const json_t *t)
{
    char key[24];
    snprintf(key, sizeof key, "%lld", (long long)jsi(t, "dept_id"));
    json_t *d = json_object_get(depts, key);
    if (NULL == d) {
        const char *name = jss(t, "dept_name");
        d = json_pack("{s:I, s:s, s:I, s:I, s:I}", "dept_id", (json_int_t)jsi(t, "dept_id"),
                      "dept_name", *name ? name : _("未指定科室"), "total", (json_int_t)0, "done",
                      (json_int_t)0, "overdue", (json_int_t)0);
        json_object_set_new(depts, key, d);
    }
    static const char *const k[] = {"total", "done", "overdue"};
    const bool on[] = {true, wm_streq(jss(t, "state"), "done"),
                       json_is_true(json_object_get(t, "overdue"))};
    for (size_t i = 0; i < WM_ARRAY_LEN(k); i++) {
        json_object_set_new(d, k[i], json_integer(jsi(d, k[i]) + on[i]));
    }
}

/* The counts of the tasks, per department (in the order first met) and in all. */
static void
plan_counts(json_t *out, const json_t *tasks)
{
    json_t *by = json_object(), *arr = json_array();
    int64_t n[3] = {0, 0, 0};
    size_t i;
    json_t *t;
    json_array_foreach(tasks, i, t)
    {
        count_task(by, t);
        n[0]++;
        n[1] += wm_streq(jss(t, "state"), "done");
        n[2] += json_is_true(json_object_get(t, "overdue"));
    }
    const char *k;
    json_t *d;
    json_object_foreach(by, k, d)
    {
        json_array_append(arr, d);
    }
    json_decref(by);
    json_object_set_new(out, "depts", arr);
    json_object_set_new(out, "total", json_integer(n[0]));
    json_object_set_new(out, "done", json_integer(n[1]));
    json_object_set_new(out, "overdue", json_integer(n[2]));
}

static json_t *task_rows(struct wm_db *db, const struct wm_actor *a,
                         const struct wm_work_task_filter *flt, struct wm_fail *f);

/* ---------------------------------------------------------------- the plan filed */

/* Why the plan of (unit, year) cannot be filed (the caller frees it), or NULL when it can;
** *leaf (may be NULL) receives plan_leaf (the caller frees it). */
static char *
plan_unfiled(struct wm_db *db, int64_t unit_id, int64_t year, char **leaf)
{
    json_t *s = wm_work_settings(db, unit_id);
    const char *code = s ? jss(s, "plan_leaf") : "";
    char *why = NULL;
    if (NULL == s || '\0' == *code) {
        why = wm_asprintf("%s", _("未设置年度计划归入的末级指标，"
                                  "请单位管理员在创建工作设置中设置“年度计划归入”"));
    } else if (1 != leaf_in_archive(db, unit_id, year, code)) {
        why = wm_asprintf(_("本单位 %lld 年度档案尚未建立，或 %s 不是其末级指标"), (long long)year,
                          code);
    }
    if (leaf) {
        *leaf = NULL == why ? wm_asprintf("%s", code) : NULL;
    }
    json_decref(s);
    return why;
}

/* The state of the plan's filing into out: "file_state" none (no plan saved), pending (its
** PDF being made), failed ("file_error" says why), filed, unfiled ("unfiled_reason" says
** what to set, or that saving the plan files it); "fileable" whether it has where to go. */
static void
plan_file_state(struct wm_db *db, json_t *out, const json_t *p)
{
    char *why = plan_unfiled(db, jsi(out, "unit_id"), jsi(out, "year"), NULL);
    const bool fileable = NULL == why;
    json_t *job = p ? db->ops->work_plan_job(db, jsi(p, "id")) : NULL;
    /* the document read after the job: a job ends after its filing committed, so a job
    ** seen ended comes with the document it filed (p, read before it, may predate it) */
    json_t *now = p ? db->ops->work_plan_get(db, jsi(out, "unit_id"), jsi(out, "year")) : NULL;
    const int64_t doc = now ? jsi(now, "document_id") : 0;
    json_decref(now);
    const char *st = job ? jss(job, "state") : "", *state;
    json_t *error = json_null();
    if (NULL == p) {
        state = "none";
    } else if (why) {
        state = "unfiled";
    } else if (wm_streq(st, "queued") || wm_streq(st, "running")) {
        state = "pending";
    } else if (wm_streq(st, "failed")) {
        state = "failed";
        json_decref(error);
        error = json_string(jss(job, "last_error"));
    } else if (doc) {
        state = "filed";
    } else {
        /* fileable, never queued (saved before the year's archive was made) */
        state = "unfiled";
        why = wm_asprintf("%s", _("尚未归档，再次保存计划即生成 PDF 并归档"));
    }
    json_object_set_new(out, "document_id", json_integer(doc));
    json_object_set_new(out, "file_state", json_string(state));
    json_object_set_new(out, "file_error", error);
    json_object_set_new(out, "fileable", json_boolean(fileable));
    json_object_set_new(out, "unfiled_reason", why ? json_string(why) : json_null());
    json_t *links = p ? wm_work_links(db, "plan", jsi(p, "id")) : NULL;
    json_object_set_new(out, "documents", links ? links : json_array());
    json_decref(job);
    free(why);
}

json_t *
wm_work_plan_get(struct wm_db *db, const struct wm_actor *a, int64_t unit_id, int64_t year,
                 struct wm_fail *f)
{
    if (!year_ok(year)) {
        wm_fail_set(f, WM_E_BAD_REQUEST, "year", "%s", _("年度无效"));
        return NULL;
    }
    json_t *unit = wm_work_unit_scoped(db, a, unit_id, f);
    if (NULL == unit) {
        return NULL;
    }
    json_decref(unit);
    json_t *p = db->ops->work_plan_get(db, unit_id, year);
    json_t *stages = p ? db->ops->work_stages(db, jsi(p, "id")) : json_array();
    const struct wm_work_task_filter flt = {.unit_id = unit_id, .year = year};
    json_t *tasks = (NULL != p || !wm_db_failed(db)) && stages ? task_rows(db, a, &flt, f) : NULL;
    if (NULL == tasks) {
        if (f && WM_OK == f->err) {
            read_failed(db, f);
        }
        json_decref(p);
        json_decref(stages);
        return NULL;
    }
    char today[WM_DAY_LEN];
    day_or_today(NULL, today);
    char *title = default_title(year);
    stages_mark(stages, today);
    json_t *out = json_pack("{s:I, s:I, s:I, s:s, s:s, s:o, s:s, s:b}", "unit_id",
                            (json_int_t)unit_id, "year", (json_int_t)year, "id",
                            (json_int_t)(p ? jsi(p, "id") : 0), "title",
                            p ? jss(p, "title") : title,
                            "goals", p ? jss(p, "goals") : "", "stages", stages, "today", today,
                            "may_edit", wm_work_may_write(a));
    json_object_set_new(out, "updated_at", json_integer(p ? jsi(p, "updated_at") : 0));
    plan_counts(out, tasks);
    plan_file_state(db, out, p);
    free(title);
    json_decref(tasks);
    json_decref(p);
    return out;
}

static enum wm_err
stages_check(const struct wm_work_plan_in *in, struct wm_fail *f)
{
    if (in->nstages > WM_WORK_STAGES_MAX) {
        return wm_fail_set(f, WM_E_BAD_REQUEST, "stages", _("阶段不能超过 %d 个"),
                           WM_WORK_STAGES_MAX);
    }
    for (size_t i = 0; i < in->nstages; i++) {
        const struct wm_work_stage *st = &in->stages[i];
        int64_t a, b;
        if (!st->name || !*st->name || !text_ok(st->name, WM_WORK_NAME_MAX, false)) {
            return wm_fail_set(f, WM_E_BAD_REQUEST, "stages", _("第 %zu 个阶段缺少名称"), i + 1);
        }
        if (!st->starts_on || !st->ends_on || !wm_day_parse(st->starts_on, &a) ||
            !wm_day_parse(st->ends_on, &b) || a > b) {
            return wm_fail_set(f, WM_E_BAD_REQUEST, "stages",
                               _("第 %zu 个阶段的起止日期无效（YYYY-MM-DD，开始不晚于结束）"), i + 1);
        }
    }
    return WM_OK;
}

struct plan_save {
    int64_t unit_id;
    int64_t year;
    const char *title;
    const char *goals;
    const struct wm_work_plan_in *in;
};

/* Queue the plan's PDF (one waiting job per plan). */
static enum wm_err
plan_job(struct wm_db *db, const struct wm_actor *a, int64_t id, const struct plan_save *ps,
         const char *path, struct wm_fail *f)
{
    char key[48];
    int64_t job = 0;
    snprintf(key, sizeof key, "plan:%lld", (long long)id);
    json_t *payload = json_pack("{s:I, s:I}", "unit_id", (json_int_t)ps->unit_id, "year",
                                (json_int_t)ps->year);
    enum wm_err e = wm_job_submit(db, a, "work.plan", payload, path, key, &job, f);
    json_decref(payload);
    return e;
}

/* Whether two lists of stages show the same (names and dates, in order). */
static bool
stages_same(const json_t *x, const json_t *y)
{
    static const char *const k[] = {"name", "starts_on", "ends_on"};
    bool same = json_array_size(x) == json_array_size(y);
    for (size_t i = 0; same && i < json_array_size(x); i++) {
        for (size_t j = 0; j < WM_ARRAY_LEN(k); j++) {
            same = same && wm_streq(jss(json_array_get(x, i), k[j]),
                                    jss(json_array_get(y, i), k[j]));
        }
    }
    return same;
}

/* Whether the plan's PDF is to be made: never filed yet, or what it shows changed. */
static bool
plan_to_file(const json_t *before, const json_t *after)
{
    return NULL == before || 0 == jsi(before, "document_id") ||
           !wm_streq(jss(before, "title"), jss(after, "title")) ||
           !wm_streq(jss(before, "goals"), jss(after, "goals")) ||
           !stages_same(json_object_get(before, "stages"), json_object_get(after, "stages"));
}

/* The plan of (unit, year) filed again, when there is one and it can be filed: after its
** plan_leaf was set or changed (this year's, a new document when the leaf changed), or after
** a change of its tasks, which its PDF lists (only_filed: a plan filed before). */
static enum wm_err
plan_refile(struct wm_db *db, const struct wm_actor *a, int64_t unit_id, int64_t year,
            bool only_filed, const char *path, struct wm_fail *f)
{
    json_t *p = db->ops->work_plan_get(db, unit_id, year);
    bool want = p && (!only_filed || 0 != jsi(p, "document_id"));
    char *why = want ? plan_unfiled(db, unit_id, year, NULL) : NULL;
    enum wm_err e = WM_OK;
    if (NULL == p && wm_db_failed(db)) {
        e = read_failed(db, f);
    } else if (want && NULL == why) {
        const struct plan_save ps = {.unit_id = unit_id, .year = year};
        e = plan_job(db, a, jsi(p, "id"), &ps, path, f);
    }
    free(why);
    json_decref(p);
    return e;
}

static json_t *
plan_snapshot(struct wm_db *db, int64_t unit_id, int64_t year)
{
    json_t *p = db->ops->work_plan_get(db, unit_id, year);
    if (p) {
        json_object_set_new(p, "stages", db->ops->work_stages(db, jsi(p, "id")));
    }
    return p;
}

static enum wm_err
plan_once(struct wm_db *db, const struct wm_actor *a, const struct plan_save *ps,
          struct wm_fail *f)
{
    enum wm_err e;
    if (WM_OK != (e = tx_begin(db, f))) {
        return e;
    }
    int64_t id = 0;
    json_t *unit = wm_work_unit_scoped(db, a, ps->unit_id, f), *before = NULL, *after = NULL;
    if (NULL == unit) {
        e = f->err;
        goto done;
    }
    before = plan_snapshot(db, ps->unit_id, ps->year);
    if ((NULL == before && wm_db_failed(db)) ||
        WM_QS_ONE != db->ops->work_plan_upsert(db, ps->unit_id, ps->year, ps->title, ps->goals,
                                               a->p ? a->p->user_id : 0, wm_now(), &id) ||
        WM_QS_ONE != db->ops->work_stages_set(db, id, ps->in->stages, ps->in->nstages) ||
        NULL == (after = plan_snapshot(db, ps->unit_id, ps->year))) {
        e = wm_write_fail(db, f, NULL, NULL, _("无法保存年度计划"));
        goto done;
    }
    char *why = plan_unfiled(db, ps->unit_id, ps->year, NULL);
    bool file = NULL == why && plan_to_file(before, after);
    free(why);
    e = wm_audit(db, a, "work.plan.save", "work_plan", id, jss(unit, "path"), before, after);
    if (WM_OK == e && file) {
        e = plan_job(db, a, id, ps, jss(unit, "path"), f);
    }
done:
    json_decref(unit);
    json_decref(before);
    json_decref(after);
    return tx_end(db, e, f);
}

enum wm_err
wm_work_plan_save(struct wm_db *db, const struct wm_actor *a, int64_t unit_id, int64_t year,
                  const struct wm_work_plan_in *in, struct wm_fail *f)
{
    char *title = clean(in->title), *goals = clean(in->goals);
    enum wm_err e = need_writer(a, f);
    if (WM_OK == e && !year_ok(year)) {
        e = wm_fail_set(f, WM_E_BAD_REQUEST, "year", "%s", _("年度无效"));
    } else if (WM_OK == e && (0 == *title || !text_ok(title, WM_WORK_NAME_MAX, false))) {
        e = wm_fail_set(f, WM_E_BAD_REQUEST, "title", "%s", _("请填写计划名称"));
    } else if (WM_OK == e && !text_ok(goals, WM_WORK_TEXT_MAX, true)) {
        e = wm_fail_set(f, WM_E_BAD_REQUEST, "goals", _("目标不能超过 %d 个字符"),
                        WM_WORK_TEXT_MAX);
    } else if (WM_OK == e) {
        e = stages_check(in, f);
    }
    if (WM_OK == e) {
        const struct plan_save ps = {.unit_id = unit_id, .year = year, .title = title,
                                     .goals = goals, .in = in};
        TX_RETRY(e, plan_once(db, a, &ps, f));
    }
    free(title);
    free(goals);
    return e;
}

/* ---------------------------------------------------------------- tasks */

static bool
may_complete(const struct wm_actor *a, const json_t *t)
{
    if (wm_work_may_write(a)) {
        return true;
    }
    return wm_actor_is(a, WM_ROLE_BIT(WM_ROLE_UNIT_MEMBER)) && a->p->dept_id > 0 &&
           a->p->dept_id == jsi(t, "dept_id");
}

/* A task row as the core shows it: person, overdue, leaves, what the actor may do. */
static enum wm_err
task_shape(struct wm_db *db, const struct wm_actor *a, json_t *t, const char *today,
           struct wm_fail *f)
{
    json_t *leaves = db->ops->work_task_leaves(db, jsi(t, "id")), *codes = json_array();
    if (NULL == leaves) {
        json_decref(codes);
        return read_failed(db, f);
    }
    size_t i;
    json_t *x;
    json_array_foreach(leaves, i, x)
    {
        json_array_append_new(codes, json_string(jss(x, "indicator_code")));
    }
    json_decref(leaves);
    const char *due = jss(t, "due_on"), *pu = jss(t, "person_user");
    bool overdue = wm_streq(jss(t, "state"), "open") && *due && strcmp(due, today) < 0;
    json_object_set_new(t, "leaves", codes);
    json_object_set_new(t, "overdue", json_boolean(overdue));
    json_object_set_new(t, "person", json_string(*pu ? pu : jss(t, "person_name")));
    json_object_set_new(t, "may_edit", json_boolean(wm_work_may_write(a)));
    json_object_set_new(t, "may_complete", json_boolean(may_complete(a, t)));
    json_object_del(t, "person_user");
    return WM_OK;
}

static json_t *
task_rows(struct wm_db *db, const struct wm_actor *a, const struct wm_work_task_filter *flt,
          struct wm_fail *f)
{
    char today[WM_DAY_LEN];
    day_or_today(NULL, today);
    json_t *rows = db->ops->work_task_list(db, flt);
    if (NULL == rows) {
        read_failed(db, f);
        return NULL;
    }
    size_t i;
    json_t *t;
    json_array_foreach(rows, i, t)
    {
        if (WM_OK != task_shape(db, a, t, today, f)) {
            json_decref(rows);
            return NULL;
        }
    }
    return rows;
}

/* The task (row) when the actor sees its unit; *unit (may be NULL) receives the unit. */
static json_t *
task_scoped(struct wm_db *db, const struct wm_actor *a, int64_t id, json_t **unit,
            struct wm_fail *f)
{
    json_t *t = db->ops->work_task_get(db, id);
    if (NULL == t) {
        wm_read_fail(db, f, NULL, _("任务不存在"));
        return NULL;
    }
    json_t *u = wm_work_unit_scoped(db, a, jsi(t, "unit_id"), NULL);
    if (NULL == u) {
        json_decref(t);
        wm_fail_set(f, WM_E_NOT_FOUND, NULL, "%s", _("任务不存在"));
        return NULL;
    }
    if (unit) {
        *unit = u;
    } else {
        json_decref(u);
    }
    return t;
}

json_t *
wm_work_task_get(struct wm_db *db, const struct wm_actor *a, int64_t id, struct wm_fail *f)
{
    json_t *t = task_scoped(db, a, id, NULL, f);
    char today[WM_DAY_LEN];
    day_or_today(NULL, today);
    if (t && WM_OK != task_shape(db, a, t, today, f)) {
        json_decref(t);
        return NULL;
    }
    return t;
}

json_t *
wm_work_tasks(struct wm_db *db, const struct wm_actor *a, int64_t unit_id,
              const struct wm_work_task_query *q, struct wm_fail *f)
{
    const char *st = q->state && *q->state ? q->state : "all";
    char today[WM_DAY_LEN];
    day_or_today(NULL, today);
    if (!wm_streq(st, "open") && !wm_streq(st, "done") && !wm_streq(st, "overdue") &&
        !wm_streq(st, "all")) {
        wm_fail_set(f, WM_E_BAD_REQUEST, "state", "%s", _("state 须为 open、done、overdue 或 all"));
        return NULL;
    }
    if (q->year && !year_ok(q->year)) {
        wm_fail_set(f, WM_E_BAD_REQUEST, "year", "%s", _("年度无效"));
        return NULL;
    }
    json_t *unit = wm_work_unit_scoped(db, a, unit_id, f);
    if (NULL == unit) {
        return NULL;
    }
    json_decref(unit);
    const struct wm_work_task_filter flt = {
        .unit_id = unit_id, .year = q->year, .dept_id = q->dept_id,
        .state = wm_streq(st, "all") || wm_streq(st, "overdue") ? NULL : st,
        .due_before = wm_streq(st, "overdue") ? today : NULL,
    };
    return task_rows(db, a, &flt, f);
}

json_t *
wm_work_my_dept_tasks(struct wm_db *db, const struct wm_actor *a)
{
    if (!wm_actor_is(a, WM_ROLE_BIT(WM_ROLE_UNIT_MEMBER)) || a->p->dept_id <= 0) {
        return json_array();
    }
    const struct wm_work_task_filter flt = {.unit_id = a->p->org_id, .dept_id = a->p->dept_id,
                                            .state = "open"};
    return task_rows(db, a, &flt, NULL);
}

/* The task as given, checked against the unit (its departments, accounts, the year's
** archive); strings cleaned into own (freed by the caller). */
struct task_clean {
    char *title, *detail, *person_name;
};

static void
task_clean_free(struct task_clean *c)
{
    free(c->title);
    free(c->detail);
    free(c->person_name);
}

static enum wm_err
task_text_check(const struct wm_work_task_in *t, struct wm_fail *f)
{
    int64_t day;
    if (t->title && (0 == *t->title || !text_ok(t->title, WM_WORK_NAME_MAX, false))) {
        return wm_fail_set(f, WM_E_BAD_REQUEST, "title", "%s", _("请填写任务名称"));
    }
    if (t->detail && !text_ok(t->detail, WM_WORK_TEXT_MAX, true)) {
        return wm_fail_set(f, WM_E_BAD_REQUEST, "detail", _("任务说明不能超过 %d 个字符"),
                           WM_WORK_TEXT_MAX);
    }
    if (t->person_name && !text_ok(t->person_name, WM_WORK_NAME_MAX, false)) {
        return wm_fail_set(f, WM_E_BAD_REQUEST, "person_name", "%s", _("责任人姓名无效"));
    }
    if (t->due_on && *t->due_on && !wm_day_parse(t->due_on, &day)) {
        return wm_fail_set(f, WM_E_BAD_REQUEST, "due_on", "%s", _("完成期限须为 YYYY-MM-DD"));
    }
    if (t->nleaves > WM_WORK_LEAVES_MAX) {
        return wm_fail_set(f, WM_E_BAD_REQUEST, "leaves", _("测评内容不能超过 %d 条"),
                           WM_WORK_LEAVES_MAX);
    }
    return WM_OK;
}

/* The department and the person must be the unit's; the leaves the year's archive's. */
static enum wm_err
task_refs_check(struct wm_db *db, int64_t unit_id, int64_t year,
                const struct wm_work_task_in *t, struct wm_fail *f)
{
    if (t->dept_id > 0) {
        json_t *d = db->ops->dept_get(db, t->dept_id);
        bool ok = d && jsi(d, "unit_id") == unit_id;
        json_decref(d);
        if (!ok) {
            return wm_db_failed(db) ? read_failed(db, f)
                                    : wm_fail_set(f, WM_E_BAD_REQUEST, "dept_id", "%s",
                                                  _("该科室不属于本单位"));
        }
    }
    if (t->person_id > 0) {
        json_t *u = db->ops->user_get(db, t->person_id);
        bool ok = u && jsi(u, "org_id") == unit_id;
        json_decref(u);
        if (!ok) {
            return wm_db_failed(db) ? read_failed(db, f)
                                    : wm_fail_set(f, WM_E_BAD_REQUEST, "person_id", "%s",
                                                  _("该账号不属于本单位"));
        }
    }
    enum wm_err e = WM_OK;
    for (size_t i = 0; WM_OK == e && t->set_leaves && i < t->nleaves; i++) {
        e = leaf_check(db, unit_id, year, "leaves", t->leaves[i], f);
    }
    return e;
}

/* The task's snapshot for the audit log (the row and its leaves). */
static json_t *
task_snapshot(struct wm_db *db, int64_t id)
{
    json_t *t = db->ops->work_task_get(db, id);
    json_t *l = t ? db->ops->work_task_leaves(db, id) : NULL;
    if (NULL == l) {
        json_decref(t);
        return NULL;
    }
    json_object_set_new(t, "leaves", l);
    return t;
}

/* The plan of (unit, year), made with its default title when the year has none. */
static enum wm_err
plan_for(struct wm_db *db, const struct wm_actor *a, int64_t unit_id, int64_t year,
         int64_t *plan_id, struct wm_fail *f)
{
    json_t *p = db->ops->work_plan_get(db, unit_id, year);
    if (p) {
        *plan_id = jsi(p, "id");
        json_decref(p);
        return WM_OK;
    }
    if (wm_db_failed(db)) {
        return read_failed(db, f);
    }
    char *title = default_title(year);
    enum wm_qs qs = db->ops->work_plan_upsert(db, unit_id, year, title, "",
                                              a->p ? a->p->user_id : 0, wm_now(), plan_id);
    free(title);
    return WM_QS_ONE == qs ? WM_OK : wm_write_fail(db, f, NULL, NULL, _("无法保存年度计划"));
}

struct task_create {
    int64_t unit_id;
    const struct wm_work_task_in *in;
    int64_t *id;
};

static enum wm_err
task_create_once(struct wm_db *db, const struct wm_actor *a, const struct task_create *tc,
                 struct wm_fail *f)
{
    enum wm_err e;
    if (WM_OK != (e = tx_begin(db, f))) {
        return e;
    }
    const struct wm_work_task_in *in = tc->in;
    int64_t plan_id = 0;
    json_t *unit = wm_work_unit_scoped(db, a, tc->unit_id, f), *after = NULL;
    if (NULL == unit) {
        e = f->err;
        goto done;
    }
    if (WM_OK != (e = task_refs_check(db, tc->unit_id, in->year, in, f)) ||
        WM_OK != (e = plan_for(db, a, tc->unit_id, in->year, &plan_id, f))) {
        goto done;
    }
    const struct wm_work_task row = {
        .plan_id = plan_id, .unit_id = tc->unit_id, .title = in->title, .detail = in->detail,
        .dept_id = in->dept_id, .person_id = in->person_id, .person_name = or_null(in->person_name),
        .due_on = or_null(in->due_on), .by = a->p ? a->p->user_id : 0, .now = wm_now(),
    };
    if (WM_QS_ONE != db->ops->work_task_insert(db, &row, tc->id) ||
        WM_QS_ONE != db->ops->work_task_leaves_set(db, *tc->id, in->leaves, in->nleaves) ||
        NULL == (after = task_snapshot(db, *tc->id))) {
        e = wm_write_fail(db, f, NULL, NULL, _("无法保存任务"));
        goto done;
    }
    e = wm_audit(db, a, "work.task.create", "work_task", *tc->id, jss(unit, "path"), NULL, after);
    if (WM_OK == e) {
        e = plan_refile(db, a, tc->unit_id, in->year, true, jss(unit, "path"), f);
    }
done:
    json_decref(unit);
    json_decref(after);
    return tx_end(db, e, f);
}

/* The strings of in cleaned into c, and a copy of in pointing at them. */
static void
task_in_clean(const struct wm_work_task_in *in, struct task_clean *c, struct wm_work_task_in *out)
{
    *out = *in;
    c->title = in->title ? clean(in->title) : NULL;
    c->detail = in->detail ? clean(in->detail) : NULL;
    c->person_name = in->person_name ? clean(in->person_name) : NULL;
    out->title = c->title;
    out->detail = c->detail;
    out->person_name = c->person_name;
}

enum wm_err
wm_work_task_create(struct wm_db *db, const struct wm_actor *a, int64_t unit_id,
                    const struct wm_work_task_in *in, int64_t *id, struct wm_fail *f)
{
    struct task_clean c = {0};
    struct wm_work_task_in t;
    task_in_clean(in, &c, &t);
    t.set_leaves = true;
    if (NULL == t.detail) {
        t.detail = "";
    }
    enum wm_err e = need_writer(a, f);
    if (WM_OK == e && !year_ok(t.year)) {
        e = wm_fail_set(f, WM_E_BAD_REQUEST, "year", "%s", _("年度无效"));
    } else if (WM_OK == e && NULL == t.title) {
        e = wm_fail_set(f, WM_E_BAD_REQUEST, "title", "%s", _("请填写任务名称"));
    } else if (WM_OK == e) {
        e = task_text_check(&t, f);
    }
    if (WM_OK == e) {
        int64_t own = 0;
        const struct task_create tc = {.unit_id = unit_id, .in = &t, .id = id ? id : &own};
        TX_RETRY(e, task_create_once(db, a, &tc, f));
    }
    task_clean_free(&c);
    return e;
}

/* in over the stored row t: a NULL string or a negative id keeps the stored value. */
static struct wm_work_task
task_merge(const json_t *t, const struct wm_work_task_in *in, int64_t by)
{
    struct wm_work_task m = {
        .plan_id = jsi(t, "plan_id"), .unit_id = jsi(t, "unit_id"),
        .title = in->title ? in->title : jss(t, "title"),
        .detail = in->detail ? in->detail : jss(t, "detail"),
        .dept_id = in->dept_id >= 0 ? in->dept_id : jsi(t, "dept_id"),
        .person_id = in->person_id >= 0 ? in->person_id : jsi(t, "person_id"),
        .person_name = in->person_name ? in->person_name : jss(t, "person_name"),
        .due_on = in->due_on ? in->due_on : jss(t, "due_on"), .by = by, .now = wm_now(),
    };
    m.person_name = or_null(m.person_name);
    m.due_on = or_null(m.due_on);
    return m;
}

static enum wm_err
task_update_once(struct wm_db *db, const struct wm_actor *a, int64_t id,
                 const struct wm_work_task_in *in, struct wm_fail *f)
{
    enum wm_err e;
    if (WM_OK != (e = tx_begin(db, f))) {
        return e;
    }
    json_t *unit = NULL, *before = NULL, *after = NULL;
    json_t *t = task_scoped(db, a, id, &unit, f);
    if (NULL == t) {
        e = f->err;
        goto done;
    }
    if (WM_OK != (e = need_writer(a, f)) ||
        WM_OK != (e = task_refs_check(db, jsi(t, "unit_id"), jsi(t, "year"), in, f))) {
        goto done;
    }
    const struct wm_work_task m = task_merge(t, in, a->p ? a->p->user_id : 0);
    before = task_snapshot(db, id);
    if (NULL == before || WM_QS_ONE != db->ops->work_task_update(db, id, &m) ||
        (in->set_leaves &&
         WM_QS_ONE != db->ops->work_task_leaves_set(db, id, in->leaves, in->nleaves)) ||
        NULL == (after = task_snapshot(db, id))) {
        e = wm_write_fail(db, f, NULL, NULL, _("无法保存任务"));
        goto done;
    }
    e = wm_audit(db, a, "work.task.update", "work_task", id, jss(unit, "path"), before, after);
    if (WM_OK == e) {
        e = plan_refile(db, a, jsi(t, "unit_id"), jsi(t, "year"), true, jss(unit, "path"), f);
    }
done:
    json_decref(t);
    json_decref(unit);
    json_decref(before);
    json_decref(after);
    return tx_end(db, e, f);
}

enum wm_err
wm_work_task_update(struct wm_db *db, const struct wm_actor *a, int64_t id,
                    const struct wm_work_task_in *in, struct wm_fail *f)
{
    struct task_clean c = {0};
    struct wm_work_task_in t;
    task_in_clean(in, &c, &t);
    enum wm_err e = task_text_check(&t, f);
    if (WM_OK == e) {
        TX_RETRY(e, task_update_once(db, a, id, &t, f));
    }
    task_clean_free(&c);
    return e;
}

/* Mark done (note) or reopen (note NULL). */
static enum wm_err
task_state_once(struct wm_db *db, const struct wm_actor *a, int64_t id, const char *note,
                struct wm_fail *f)
{
    enum wm_err e;
    if (WM_OK != (e = tx_begin(db, f))) {
        return e;
    }
    const char *to = note ? "done" : "open";
    json_t *unit = NULL, *after = NULL;
    json_t *t = task_scoped(db, a, id, &unit, f);
    if (NULL == t) {
        e = f->err;
        goto done;
    }
    if (note ? !may_complete(a, t) : !wm_work_may_write(a)) {
        e = wm_fail_set(f, WM_E_FORBIDDEN, NULL, "%s",
                        note ? _("只能完成本科室的任务") : _("只有本单位管理员可以重新打开任务"));
        goto done;
    }
    enum wm_qs qs = db->ops->work_task_set_state(db, id, to, note, a->p ? a->p->user_id : 0,
                                                 wm_now());
    if (WM_QS_NONE == qs) {
        e = wm_fail_set(f, WM_E_CONFLICT, "state", "%s",
                        note ? _("该任务已经完成") : _("该任务没有完成，无需重新打开"));
        goto done;
    }
    if (WM_QS_ONE != qs || NULL == (after = db->ops->work_task_get(db, id))) {
        e = wm_write_fail(db, f, NULL, NULL, _("无法保存任务状态"));
        goto done;
    }
    e = wm_audit(db, a, note ? "work.task.done" : "work.task.reopen", "work_task", id,
                 jss(unit, "path"), t, after);
    if (WM_OK == e) {
        e = plan_refile(db, a, jsi(t, "unit_id"), jsi(t, "year"), true, jss(unit, "path"), f);
    }
done:
    json_decref(t);
    json_decref(unit);
    json_decref(after);
    return tx_end(db, e, f);
}

enum wm_err
wm_work_task_done(struct wm_db *db, const struct wm_actor *a, int64_t id, const char *note,
                  struct wm_fail *f)
{
    char *n = clean(note);
    enum wm_err e = WM_OK;
    if (a->p && WM_ROLE_EVALUATOR == a->p->role) {
        e = not_found(f);
    } else if (!text_ok(n, WM_WORK_TEXT_MAX, true)) {
        e = wm_fail_set(f, WM_E_BAD_REQUEST, "note", _("完成说明不能超过 %d 个字符"),
                        WM_WORK_TEXT_MAX);
    }
    if (WM_OK == e) {
        TX_RETRY(e, task_state_once(db, a, id, n, f));
    }
    free(n);
    return e;
}

enum wm_err
wm_work_task_reopen(struct wm_db *db, const struct wm_actor *a, int64_t id, struct wm_fail *f)
{
    enum wm_err e;
    TX_RETRY(e, task_state_once(db, a, id, NULL, f));
    return e;
}

/* ---------------------------------------------------------------- the plan's PDF (job) */

static struct wm_jobs_env penv;

/* The tasks grouped by department, in the order first met: [{name, tasks: [{title, person,
** due_on, state}]}]. */
static json_t *
tasks_by_dept(const json_t *rows)
{
    json_t *by = json_object(), *out = json_array();
    size_t i;
    json_t *t;
    json_array_foreach(rows, i, t)
    {
        const char *name = *jss(t, "dept_name") ? jss(t, "dept_name") : _("未指定科室");
        json_t *d = json_object_get(by, name);
        if (NULL == d) {
            d = json_pack("{s:s, s:[]}", "name", name, "tasks");
            json_object_set_new(by, name, d);
            json_array_append(out, d);
        }
        const char *pu = jss(t, "person_user");
        json_array_append_new(json_object_get(d, "tasks"),
                              json_pack("{s:s, s:s, s:s, s:s}", "title", jss(t, "title"),
                                        "person", *pu ? pu : jss(t, "person_name"), "due_on",
                                        jss(t, "due_on"), "state", jss(t, "state")));
    }
    json_decref(by);
    return out;
}

/* The spec of the plan (年度工作计划) the wenming-compile helper renders; NULL on a store
** error. */
static json_t *
plan_spec(struct wm_db *db, const json_t *p)
{
    const struct wm_work_task_filter flt = {.unit_id = jsi(p, "unit_id"), .year = jsi(p, "year")};
    json_t *unit = db->ops->org_get(db, jsi(p, "unit_id"));
    json_t *stages = db->ops->work_stages(db, jsi(p, "id"));
    json_t *rows = db->ops->work_task_list(db, &flt), *spec = NULL;
    if (unit && stages && rows) {
        char *year = wm_asprintf("%lld", (long long)jsi(p, "year"));
        spec = json_pack("{s:s, s:s, s:s, s:s, s:s, s:O, s:o}", "kind", "work.plan", "unit",
                         jss(unit, "name"), "year", year, "title", jss(p, "title"), "goals",
                         jss(p, "goals"), "stages", stages, "depts", tasks_by_dept(rows));
        free(year);
    }
    json_decref(unit);
    json_decref(stages);
    json_decref(rows);
    return spec;
}

/* Whether the plan's document takes the new version: still there, in the leaf (a leaf set
** since, or a document deleted since, starts a new document). */
static bool
doc_reusable(struct wm_db *db, int64_t doc, const char *leaf)
{
    json_t *d = doc ? db->ops->doc_get(db, doc) : NULL;
    bool ok = d && 0 == jsi(d, "deleted_at") && wm_streq(jss(d, "indicator_code"), leaf);
    json_decref(d);
    return ok;
}

/* File the PDF into the leaf: a new document named by the plan's title the first time, a
** new version of it after. */
static enum wm_err
plan_file_once(struct wm_db *db, const struct wm_actor *a, const json_t *p, const char *leaf,
               const char *pdf, int64_t *doc, struct wm_fail *f)
{
    char today[WM_DAY_LEN];
    wm_day_format(wm_day_today(), today);
    struct wm_doc_meta meta = {.title = jss(p, "title"), .date_formed = today};
    enum wm_err e;
    if (WM_OK != (e = tx_begin(db, f))) {
        return e;
    }
    *doc = doc_reusable(db, jsi(p, "document_id"), leaf) ? jsi(p, "document_id") : 0;
    if (WM_OK == (e = wm_work_file_path(db, penv.blobs, a, jsi(p, "unit_id"), jsi(p, "year"),
                                        leaf, &meta, pdf, _("年度工作计划.pdf"), "plan",
                                        jsi(p, "id"), "plan", doc, f)) &&
        *doc != jsi(p, "document_id") &&
        WM_QS_ONE != db->ops->work_plan_set_doc(db, jsi(p, "id"), *doc)) {
        e = wm_write_fail(db, f, NULL, NULL, _("无法保存年度计划"));
    }
    return tx_end(db, e, f);
}

/* Render and file the plan as the actor who saved it. */
static enum wm_err
plan_make(struct wm_db *db, struct wm_job *job, const json_t *p, const char *leaf, int64_t *doc,
          struct wm_fail *f)
{
    int64_t uid = jsi(wm_job_row(job), "created_by");
    struct wm_principal *pr = uid ? wm_principal_load(db, uid) : NULL;
    char rid[32];
    snprintf(rid, sizeof rid, "job-%lld", (long long)wm_job_id(job));
    struct wm_actor a = {.p = pr, .request_id = rid, .addr = "job"};
    struct wm_compile c;
    enum wm_err e = WM_OK;
    if (penv.hold) {
        penv.hold(job); /* tests: the plan read, held while the test saves it again */
    }
    if (uid && NULL == pr) {
        e = wm_fail_set(f, WM_E_FORBIDDEN, NULL, "%s", _("保存计划的账号已不存在或已停用"));
    } else if (WM_OK == (e = wm_compile_begin(&c, "wenming-plan", f))) {
        json_t *spec = plan_spec(db, p);
        if (NULL == spec) {
            e = wm_read_fail(db, f, NULL, NULL);
        } else if (WM_OK == (e = wm_compile_run(&c, penv.compile_make, spec, JSON_COMPACT,
                                                _("年度计划"), f))) {
            TX_RETRY(e, plan_file_once(db, &a, p, leaf, c.pdf, doc, f));
        }
        json_decref(spec);
        wm_compile_end(&c);
    }
    wm_principal_free(pr);
    return e;
}

static enum wm_err
run_plan(struct wm_db *db, struct wm_job *job, const json_t *payload, json_t **result,
         struct wm_fail *f)
{
    int64_t unit_id = jsi(payload, "unit_id"), year = jsi(payload, "year"), doc = 0;
    json_t *p = db->ops->work_plan_get(db, unit_id, year);
    char *leaf = NULL, *why = p ? plan_unfiled(db, unit_id, year, &leaf) : NULL;
    enum wm_err e = WM_OK;
    if (NULL == p || why) {
        /* gone, or nowhere to file it: nothing to do (the page says why) */
        *result = json_pack("{s:b, s:s?}", "filed", false, "reason", why);
        e = wm_db_failed(db) ? wm_read_fail(db, f, NULL, NULL) : WM_OK;
    } else if (WM_OK == (e = plan_make(db, job, p, leaf, &doc, f))) {
        *result = json_pack("{s:b, s:I}", "filed", true, "document_id", (json_int_t)doc);
    }
    free(why);
    free(leaf);
    json_decref(p);
    return e;
}

void
wm_work_plan_register_jobs(const struct wm_jobs_env *env)
{
    penv = *env;
    const struct wm_job_kind k = {
        .kind = "work.plan", .run = run_plan, .max_attempts = 3, .backoff = 30
    };
    wm_jobs_register(&k);
}

/* end of work_plan.c */
