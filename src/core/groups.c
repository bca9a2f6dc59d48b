/*
** groups.c — evaluation groups (测评组), assignments, visits (走访) with the 12-hour notice,
** and the evaluators' read access to their assigned units' archives (issue 10).  The
** rules are in wm_core.h ("groups and visits"); every write runs in its own transaction
** with its audit entry (and the unit's notification and e-mail job) in it.
*/
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tx.h"
#include "wm_core.h"

#define CST (8 * 3600) /* China Standard Time: UTC+8, no DST */

/* ---------------------------------------------------------------- times */

void
wm_cst_format(char out[32], int64_t t)
{
    time_t tt = (time_t)(t + CST);
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, 32, "%Y-%m-%d %H:%M", &tm);
}

int64_t
wm_cst_parse(const char *s)
{
    int y, mo, d, h, mi;
    char sep;
    int used = 0;
    if (NULL == s || 6 != sscanf(s, "%4d-%2d-%2d%c%2d:%2d%n", &y, &mo, &d, &sep, &h, &mi, &used) ||
        ('T' != sep && ' ' != sep) || (s[used] && !(':' == s[used] && 3 == strlen(s + used)))) {
        return 0;
    }
    if (y < 2000 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 ||
        mi < 0 || mi > 59) {
        return 0;
    }
    struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h,
                    .tm_min = mi};
    time_t t = timegm(&tm);
    struct tm back;
    gmtime_r(&t, &back);
    if (back.tm_mday != d || back.tm_mon != mo - 1) {
        return 0; /* 2026-02-30 */
    }
    return (int64_t)t - CST;
}

/* ---------------------------------------------------------------- who */

static bool
is_evaluator(const struct wm_actor *a)
{
    return a->p && WM_ROLE_EVALUATOR == a->p->role;
}

static bool
is_admin(const struct wm_actor *a)
{
    return wm_actor_is(a, WM_ROLE_BIT(WM_ROLE_ADMIN));
}

bool
wm_eval_access(struct wm_db *db, const struct wm_actor *a, int64_t unit_id, int64_t year)
{
    if (!is_evaluator(a) || unit_id <= 0 || year < 0) {
        return false;
    }
    return db->ops->eval_access(db, a->p->user_id, unit_id, year) > 0;
}

bool
wm_year_readable(struct wm_db *db, const struct wm_actor *a, int64_t unit_id, int64_t year)
{
    return !is_evaluator(a) || wm_eval_access(db, a, unit_id, year);
}

/* Whether the round's state lets groups, assignments and visits change. */
static enum wm_err
need_live(const json_t *round, struct wm_fail *f)
{
    if (wm_round_in_state(round, "open") || wm_round_in_state(round, "evaluating")) {
        return WM_OK;
    }
    return wm_fail_set(f, WM_E_CONFLICT, "state",
                       _("测评处于“%s”状态：只有申报中或测评中的测评可以调整测评组和走访"),
                       wm_round_state_label(jss(round, "state")));
}

/* The round (re-read inside the transaction) if the caller sees it, and is its office. */
static json_t *
round_owned(struct wm_db *db, const struct wm_actor *a, int64_t round_id, enum wm_err *e,
            struct wm_fail *f)
{
    json_t *r = wm_round_get_scoped(db, a, round_id, f);
    if (NULL == r) {
        *e = f ? f->err : WM_E_NOT_FOUND;
        return NULL;
    }
    if (!wm_round_is_owner(a, r)) {
        *e = wm_fail_set(f, WM_E_FORBIDDEN, NULL, "%s", _("只有组织测评的文明办可以管理测评组"));
        json_decref(r);
        return NULL;
    }
    if (WM_OK != (*e = need_live(r, f))) {
        json_decref(r);
        return NULL;
    }
    return r;
}

/* The group if it belongs to the round (404 otherwise). */
static json_t *
group_of(struct wm_db *db, const json_t *round, int64_t group_id, struct wm_fail *f)
{
    json_t *g = db->ops->group_get(db, group_id);
    if (NULL == g || jsi(g, "round_id") != jsi(round, "id")) {
        json_decref(g);
        wm_read_fail(db, f, "group_id", _("测评组不存在"));
        return NULL;
    }
    return g;
}

/* The entry if it belongs to the round (404 otherwise). */
static json_t *
entry_of(struct wm_db *db, const json_t *round, int64_t entry_id, struct wm_fail *f)
{
    json_t *n = db->ops->entry_get(db, entry_id);
    if (NULL == n || jsi(n, "round_id") != jsi(round, "id")) {
        json_decref(n);
        wm_read_fail(db, f, "entry_id", _("参评单位不存在"));
        return NULL;
    }
    return n;
}

/*
** An account that may be in a group of the round: role evaluator, enabled, at an org within
** the round's office's jurisdiction or at an office above it (a city evaluator in a
** district's round).  The account row, or NULL with f set (400 on field).
*/
static json_t *
eligible(struct wm_db *db, const json_t *round, int64_t user_id, const char *field,
         struct wm_fail *f)
{
    json_t *u = user_id > 0 ? db->ops->user_get(db, user_id) : NULL;
    const char *office = jss(round, "office_path"), *path = u ? jss(u, "org_path") : "";
    if (NULL == u) {
        if (wm_db_failed(db)) {
            wm_read_fail(db, f, NULL, NULL);
        } else {
            wm_fail_set(f, WM_E_BAD_REQUEST, field, "%s", _("账号不存在"));
        }
        return NULL;
    }
    if (!wm_streq(jss(u, "role"), "evaluator") || jsi(u, "disabled")) {
        wm_fail_set(f, WM_E_BAD_REQUEST, field, _("“%s”不是可用的测评员账号"),
                    jss(u, "display_name"));
    } else if (!wm_startswith(path, office) && !wm_startswith(office, path)) {
        wm_fail_set(f, WM_E_BAD_REQUEST, field, _("测评员“%s”不属于本测评组织单位的辖区"),
                    jss(u, "display_name"));
    } else {
        return u;
    }
    json_decref(u);
    return NULL;
}

/*
** The own-district rule (the round's no_own_district): an evaluator may not be in a group
** that scores a unit of their own district.  A unit's district is the office directly above
** it (the entry's district_id); the evaluator belongs to it when their org is that office
** or lies below it.  An evaluator at the round's office or above it has no district here
** (the city's own evaluators score every unit).  WM_OK, or 409 naming the unit and the
** evaluator.
*/
static enum wm_err
own_district(struct wm_db *db, const json_t *round, const json_t *user, const json_t *entry,
             struct wm_fail *f)
{
    if (!jsi(round, "no_own_district")) {
        return WM_OK;
    }
    const char *upath = jss(user, "org_path");
    if (wm_startswith(jss(round, "office_path"), upath)) {
        return WM_OK; /* the round's office or above: no district */
    }
    json_t *d = db->ops->org_get(db, jsi(entry, "district_id"));
    if (NULL == d) {
        return wm_read_fail(db, f, NULL, NULL);
    }
    bool own = wm_startswith(upath, jss(d, "path"));
    enum wm_err e = WM_OK;
    if (own) {
        e = wm_fail_set(f, WM_E_CONFLICT, "user_id",
                        _("本测评不允许测评员评本辖区的单位：测评员“%s”（%s）属于“%s”所在的%s"),
                        jss(user, "display_name"), jss(user, "org_name"), jss(entry, "unit_name"),
                        jss(d, "name"));
    }
    json_decref(d);
    return e;
}

/* The own-district rule for every member of group against entry. */
static enum wm_err
group_may_score(struct wm_db *db, const json_t *round, int64_t group_id, const json_t *entry,
                struct wm_fail *f)
{
    json_t *ms = db->ops->group_member_list(db, group_id);
    if (NULL == ms) {
        return wm_read_fail(db, f, NULL, NULL);
    }
    enum wm_err e = WM_OK;
    size_t i;
    json_t *m;
    json_array_foreach(ms, i, m)
    {
        json_t *u = db->ops->user_get(db, jsi(m, "user_id"));
        if (NULL == u) {
            e = wm_read_fail(db, f, NULL, NULL);
        } else {
            e = own_district(db, round, u, entry, f);
        }
        json_decref(u);
        if (WM_OK != e) {
            break;
        }
    }
    json_decref(ms);
    return e;
}

/* The own-district rule for user against every entry of group. */
static enum wm_err
user_may_join(struct wm_db *db, const json_t *round, int64_t group_id, const json_t *user,
              struct wm_fail *f)
{
    struct wm_entry_filter ef = {.round_id = jsi(round, "id"), .group_id = group_id,
                                 .limit = 100000};
    json_t *es = group_id ? db->ops->entry_list(db, &ef) : json_array();
    if (NULL == es) {
        return wm_read_fail(db, f, NULL, NULL);
    }
    enum wm_err e = WM_OK;
    size_t i;
    json_t *n;
    json_array_foreach(es, i, n)
    {
        if (WM_OK != (e = own_district(db, round, user, n, f))) {
            break;
        }
    }
    json_decref(es);
    return e;
}

/* ---------------------------------------------------------------- reads */

bool
wm_group_is_leader(const struct wm_actor *a, const json_t *group)
{
    return is_evaluator(a) && jsi(group, "leader_id") == a->p->user_id;
}

static bool
member_of(const json_t *members, int64_t user_id)
{
    size_t i;
    json_t *m;
    json_array_foreach(members, i, m)
    {
        if (jsi(m, "user_id") == user_id) {
            return true;
        }
    }
    return false;
}

json_t *
wm_group_list(struct wm_db *db, const struct wm_actor *a, const json_t *round, struct wm_fail *f)
{
    if (!wm_actor_is(a, WM_ROLES_STAFF | WM_ROLE_BIT(WM_ROLE_EVALUATOR))) {
        wm_fail_set(f, WM_E_FORBIDDEN, NULL, "%s", _("没有权限查看测评组"));
        return NULL;
    }
    json_t *gs = db->ops->group_list(db, jsi(round, "id"));
    if (NULL == gs) {
        wm_read_fail(db, f, NULL, NULL);
        return NULL;
    }
    json_t *out = json_array();
    size_t i;
    json_t *g;
    json_array_foreach(gs, i, g)
    {
        json_t *ms = db->ops->group_member_list(db, jsi(g, "id"));
        struct wm_entry_filter ef = {.round_id = jsi(round, "id"), .group_id = jsi(g, "id"),
                                     .limit = 100000};
        json_t *es = ms ? db->ops->entry_list(db, &ef) : NULL;
        if (NULL == ms || NULL == es) {
            json_decref(ms);
            json_decref(out);
            json_decref(gs);
            wm_read_fail(db, f, NULL, NULL);
            return NULL;
        }
        if (is_evaluator(a) && !member_of(ms, a->p->user_id)) {
            json_decref(ms);
            json_decref(es);
            continue; /* an evaluator sees their own groups */
        }
        json_object_set_new(g, "member_list", ms);
        json_object_set_new(g, "entry_list", es);
        json_array_append(out, g);
    }
    json_decref(gs);
    return out;
}

json_t *
wm_group_candidates(struct wm_db *db, const struct wm_actor *a, const json_t *round,
                    struct wm_fail *f)
{
    if (!wm_round_is_owner(a, round)) {
        return json_array();
    }
    /* the evaluators within the office's jurisdiction, then those of the offices above */
    struct wm_page pg = {.scope = jss(round, "office_path"), .kind = "evaluator", .limit = 500};
    json_t *l = db->ops->user_list(db, &pg);
    if (NULL == l) {
        wm_read_fail(db, f, NULL, NULL);
        return NULL;
    }
    struct wm_page all = {.scope = "/", .kind = "evaluator", .limit = 500};
    json_t *more = db->ops->user_list(db, &all);
    size_t i;
    json_t *u;
    json_array_foreach(more, i, u)
    {
        const char *p = jss(u, "org_path");
        if (!wm_startswith(p, jss(round, "office_path")) &&
            wm_startswith(jss(round, "office_path"), p)) {
            json_array_append(l, u);
        }
    }
    json_decref(more);
    json_t *out = json_array();
    json_array_foreach(l, i, u)
    {
        if (!jsi(u, "disabled")) {
            json_array_append(out, u);
        }
    }
    json_decref(l);
    return out;
}

json_t *
wm_group_assignable(struct wm_db *db, const struct wm_actor *a, const json_t *round,
                    struct wm_fail *f)
{
    if (!wm_round_is_owner(a, round)) {
        return json_array();
    }
    struct wm_entry_filter ef = {.round_id = jsi(round, "id"), .state = "accepted",
                                 .limit = 100000};
    json_t *l = db->ops->entry_list(db, &ef);
    if (NULL == l) {
        wm_read_fail(db, f, NULL, NULL);
    }
    return l;
}

/* ---------------------------------------------------------------- group writes */

static json_t *
group_summary(const json_t *g, int64_t user_id, int64_t entry_id)
{
    json_t *o = json_pack("{s:I, s:s, s:I}", "round_id", (json_int_t)jsi(g, "round_id"), "name",
                          jss(g, "name"), "leader_id", (json_int_t)jsi(g, "leader_id"));
    if (user_id) {
        json_object_set_new(o, "user_id", json_integer(user_id));
    }
    if (entry_id) {
        json_object_set_new(o, "entry_id", json_integer(entry_id));
    }
    return o;
}

static enum wm_err
group_create_once(struct wm_db *db, const struct wm_actor *a, int64_t round_id, const char *name,
                  int64_t leader_id, int64_t *id, struct wm_fail *f)
{
    enum wm_err e;
    if (WM_OK != (e = tx_begin(db, f))) {
        return e;
    }
    json_t *r = round_owned(db, a, round_id, &e, f), *u = NULL, *g = NULL;
    if (NULL == r) {
        goto done;
    }
    if (!wm_valid_text(name, WM_ROUND_NAME_MAX)) {
        e = wm_fail_set(f, WM_E_BAD_REQUEST, "name", "%s",
                        _("组名须为1至100个字符，且不含控制字符"));
        goto done;
    }
    if (NULL == (u = eligible(db, r, leader_id, "leader_id", f))) {
        e = f ? f->err : WM_E_BAD_REQUEST;
        goto done;
    }
    if (WM_QS_ONE != db->ops->group_insert(db, round_id, name, leader_id, wm_now(), id)) {
        e = wm_write_fail(db, f, "name", _("本测评已有同名的测评组"), _("无法建立测评组"));
        goto done;
    }
    if (WM_QS_ONE != db->ops->group_member_add(db, *id, leader_id) ||
        NULL == (g = db->ops->group_get(db, *id))) {
        e = wm_write_fail(db, f, NULL, NULL, _("无法建立测评组"));
        goto done;
    }
    e = wm_audit_new(db, a, "round.group.create", "round", round_id, jss(r, "scope_path"), NULL,
                 group_summary(g, 0, 0));
done:
    json_decref(g);
    json_decref(u);
    json_decref(r);
    return tx_end(db, e, f);
}

enum wm_err
wm_group_create(struct wm_db *db, const struct wm_actor *a, int64_t round_id, const char *name,
                int64_t leader_id, int64_t *id, struct wm_fail *f)
{
    enum wm_err e;
    TX_RETRY(e, group_create_once(db, a, round_id, name, leader_id, id, f));
    return e;
}

static enum wm_err
group_update_once(struct wm_db *db, const struct wm_actor *a, int64_t round_id, int64_t group_id,
                  const char *name, int64_t leader_id, struct wm_fail *f)
{
    enum wm_err e;
    if (WM_OK != (e = tx_begin(db, f))) {
        return e;
    }
    json_t *r = round_owned(db, a, round_id, &e, f), *g = NULL, *u = NULL, *after = NULL;
    if (NULL == r) {
        goto done;
    }
    if (NULL == (g = group_of(db, r, group_id, f))) {
        e = f ? f->err : WM_E_NOT_FOUND;
        goto done;
    }
    if (!wm_valid_text(name, WM_ROUND_NAME_MAX)) {
        e = wm_fail_set(f, WM_E_BAD_REQUEST, "name", "%s",
                        _("组名须为1至100个字符，且不含控制字符"));
        goto done;
    }
    if (NULL == (u = eligible(db, r, leader_id, "leader_id", f))) {
        e = f ? f->err : WM_E_BAD_REQUEST;
        goto done;
    }
    /* a new leader joins the group (under the own-district rule) */
    json_t *ms = db->ops->group_member_list(db, group_id);
    bool member = ms && member_of(ms, leader_id);
    json_decref(ms);
    if (!member && (WM_OK != (e = user_may_join(db, r, group_id, u, f)))) {
        goto done;
    }
    if (!member && WM_QS_ONE != db->ops->group_member_add(db, group_id, leader_id)) {
        e = wm_write_fail(db, f, NULL, NULL, _("无法修改测评组"));
        goto done;
    }
    if (WM_QS_ONE != db->ops->group_update(db, group_id, name, leader_id) ||
        NULL == (after = db->ops->group_get(db, group_id))) {
        e = wm_write_fail(db, f, "name", _("本测评已有同名的测评组"), _("无法修改测评组"));
        goto done;
    }
    e = wm_audit_new(db, a, "round.group.update", "round", round_id, jss(r, "scope_path"),
                 group_summary(g, 0, 0), group_summary(after, 0, 0));
done:
    json_decref(after);
    json_decref(u);
    json_decref(g);
    json_decref(r);
    return tx_end(db, e, f);
}

enum wm_err
wm_group_update(struct wm_db *db, const struct wm_actor *a, int64_t round_id, int64_t group_id,
                const char *name, int64_t leader_id, struct wm_fail *f)
{
    enum wm_err e;
    TX_RETRY(e, group_update_once(db, a, round_id, group_id, name, leader_id, f));
    return e;
}

static enum wm_err
group_delete_once(struct wm_db *db, const struct wm_actor *a, int64_t round_id, int64_t group_id,
                  struct wm_fail *f)
{
    enum wm_err e;
    if (WM_OK != (e = tx_begin(db, f))) {
        return e;
    }
    json_t *r = round_owned(db, a, round_id, &e, f), *g = NULL;
    if (NULL == r) {
        goto done;
    }
    if (NULL == (g = group_of(db, r, group_id, f))) {
        e = f ? f->err : WM_E_NOT_FOUND;
        goto done;
    }
    if (WM_QS_ONE != db->ops->group_delete(db, group_id)) {
        e = wm_write_fail(db, f, NULL, NULL, _("无法删除测评组"));
        goto done;
    }
    e = wm_audit_new(db, a, "round.group.delete", "round", round_id, jss(r, "scope_path"),
                 group_summary(g, 0, 0), NULL);
done:
    json_decref(g);
    json_decref(r);
    return tx_end(db, e, f);
}

enum wm_err
wm_group_delete(struct wm_db *db, const struct wm_actor *a, int64_t round_id, int64_t group_id,
                struct wm_fail *f)
{
    enum wm_err e;
    TX_RETRY(e, group_delete_once(db, a, round_id, group_id, f));
    return e;
}

static enum wm_err
member_once(struct wm_db *db, const struct wm_actor *a, int64_t round_id, int64_t group_id,
            int64_t user_id, bool add, struct wm_fail *f)
{
    enum wm_err e;
    if (WM_OK != (e = tx_begin(db, f))) {
        return e;
    }
    json_t *r = round_owned(db, a, round_id, &e, f), *g = NULL, *u = NULL;
    if (NULL == r) {
        goto done;
    }
    if (NULL == (g = group_of(db, r, group_id, f))) {
        e = f ? f->err : WM_E_NOT_FOUND;
        goto done;
    }
    if (add) {
        if (NULL == (u = eligible(db, r, user_id, "user_id", f))) {
            e = f ? f->err : WM_E_BAD_REQUEST;
            goto done;
        }
        if (WM_OK != (e = user_may_join(db, r, group_id, u, f))) {
            goto done;
        }
        if (WM_QS_ONE != db->ops->group_member_add(db, group_id, user_id)) {
            e = wm_write_fail(db, f, "user_id", _("已是该组成员"), _("无法加入测评组"));
            goto done;
        }
    } else {
        if (jsi(g, "leader_id") == user_id) {
            e = wm_fail_set(f, WM_E_CONFLICT, "user_id", "%s",
                            _("组长不能移出本组：请先删除该组或另建测评组"));
            goto done;
        }
        enum wm_qs qs = db->ops->group_member_remove(db, group_id, user_id);
        if (WM_QS_NONE == qs) {
            e = wm_fail_set(f, WM_E_NOT_FOUND, "user_id", "%s", _("该账号不是本组成员"));
            goto done;
        }
        if (WM_QS_ONE != qs) {
            e = wm_write_fail(db, f, NULL, NULL, _("无法移出测评组"));
            goto done;
        }
    }
    e = wm_audit_new(db, a, add ? "round.group.member_add" : "round.group.member_remove", "round",
                 round_id, jss(r, "scope_path"), NULL, group_summary(g, user_id, 0));
done:
    json_decref(u);
    json_decref(g);
    json_decref(r);
    return tx_end(db, e, f);
}

enum wm_err
wm_group_member(struct wm_db *db, const struct wm_actor *a, int64_t round_id, int64_t group_id,
                int64_t user_id, bool add, struct wm_fail *f)
{
    enum wm_err e;
    TX_RETRY(e, member_once(db, a, round_id, group_id, user_id, add, f));
    return e;
}

static enum wm_err
assign_once(struct wm_db *db, const struct wm_actor *a, int64_t round_id, int64_t entry_id,
            int64_t group_id, struct wm_fail *f)
{
    enum wm_err e;
    if (WM_OK != (e = tx_begin(db, f))) {
        return e;
    }
    json_t *r = round_owned(db, a, round_id, &e, f), *n = NULL, *g = NULL;
    if (NULL == r) {
        goto done;
    }
    if (NULL == (n = entry_of(db, r, entry_id, f))) {
        e = f ? f->err : WM_E_NOT_FOUND;
        if (WM_E_NOT_FOUND == e) {
            e = wm_fail_set(f, WM_E_BAD_REQUEST, "entry_id", "%s", _("参评单位不存在"));
        }
        goto done;
    }
    if (!wm_streq(jss(n, "state"), "accepted")) {
        e = wm_fail_set(f, WM_E_CONFLICT, "entry_id", _("“%s”的申报尚未受理，不能分组"),
                        jss(n, "unit_name"));
        goto done;
    }
    if (group_id) {
        if (NULL == (g = group_of(db, r, group_id, f))) {
            e = f ? f->err : WM_E_NOT_FOUND;
            if (WM_E_NOT_FOUND == e) {
                e = wm_fail_set(f, WM_E_BAD_REQUEST, "group_id", "%s", _("测评组不存在"));
            }
            goto done;
        }
        if (WM_OK != (e = group_may_score(db, r, group_id, n, f))) {
            goto done;
        }
    }
    if (WM_QS_ONE != db->ops->entry_set_group(db, entry_id, group_id, wm_now())) {
        e = wm_write_fail(db, f, NULL, NULL, _("无法分组"));
        goto done;
    }
    json_t *before = json_pack("{s:I}", "group_id", (json_int_t)jsi(n, "group_id"));
    json_t *after = json_pack("{s:I, s:I}", "group_id", (json_int_t)group_id, "unit_id",
                              (json_int_t)jsi(n, "unit_id"));
    e = wm_audit_new(db, a, "round.entry.assign", "round_entry", entry_id, jss(n, "unit_path"),
                 before, after);
done:
    json_decref(g);
    json_decref(n);
    json_decref(r);
    return tx_end(db, e, f);
}

enum wm_err
wm_entry_assign(struct wm_db *db, const struct wm_actor *a, int64_t round_id, int64_t entry_id,
                int64_t group_id, struct wm_fail *f)
{
    enum wm_err e;
    TX_RETRY(e, assign_once(db, a, round_id, entry_id, group_id, f));
    return e;
}

/* ---------------------------------------------------------------- visits */

/* Whether the caller schedules visits of the entry: the round's office, or the leader of
** the entry's group. */
static bool
may_schedule(struct wm_db *db, const struct wm_actor *a, const json_t *round, const json_t *n)
{
    if (wm_round_is_owner(a, round)) {
        return true;
    }
    if (!is_evaluator(a) || 0 == jsi(n, "group_id")) {
        return false;
    }
    json_t *g = db->ops->group_get(db, jsi(n, "group_id"));
    bool lead = g && wm_group_is_leader(a, g);
    json_decref(g);
    return lead;
}

/* The 12-hour notice: starts_at at least WM_VISIT_NOTICE seconds from now. */
static enum wm_err
notice_ok(int64_t starts_at, int64_t now, struct wm_fail *f)
{
    if (starts_at <= 0) {
        return wm_fail_set(f, WM_E_BAD_REQUEST, "starts_at", "%s",
                           _("走访时间须为北京时间的日期和时刻，如 2026-05-08 09:30"));
    }
    if (starts_at < now + WM_VISIT_NOTICE) {
        char t[32];
        /* the earliest allowed minute: now + 12 h, rounded up to the minute */
        int64_t earliest = (now + WM_VISIT_NOTICE + 59) / 60 * 60;
        wm_cst_format(t, earliest);
        return wm_fail_set(f, WM_E_BAD_REQUEST, "starts_at",
                           _("须至少提前 12 小时通知被测评单位：最早可安排在 %s（北京时间）"), t);
    }
    return WM_OK;
}

static enum wm_err
visit_text(struct wm_db *db, const char *place, const char *note, struct wm_fail *f)
{
    (void)db;
    if (place && *place && !wm_valid_text(place, 200)) {
        return wm_fail_set(f, WM_E_BAD_REQUEST, "place", "%s", _("地点不超过200个字符"));
    }
    if (note && *note && !wm_valid_text(note, WM_ROUND_TEXT_MAX)) {
        return wm_fail_set(f, WM_E_BAD_REQUEST, "note", "%s", _("备注不超过1000个字符"));
    }
    return WM_OK;
}

/* Tell the unit in-app (inside the transaction) and queue the immediate e-mail. */
static enum wm_err
tell_unit(struct wm_db *db, const struct wm_actor *a, const json_t *v, const char *what,
          struct wm_fail *f)
{
    char t[32], *text, *link;
    wm_cst_format(t, jsi(v, "starts_at"));
    if (wm_streq(what, "cancelled")) {
        text = wm_asprintf(_("“%s”原定于 %s 的测评走访已取消"), jss(v, "round_name"), t);
    } else {
        text = wm_asprintf(_("“%s”测评组将于 %s（北京时间）到访%s%s%s"), jss(v, "round_name"), t,
                           *jss(v, "place") ? _("，地点：") : "", jss(v, "place"),
                           wm_streq(what, "rescheduled") ? _("（时间已调整）") : "");
    }
    link = wm_asprintf("/rounds/%lld/visits", (long long)jsi(v, "round_id"));
    int rc = wm_notify_unit(db, jsi(v, "unit_id"), "visit", "visit", jsi(v, "id"), text, link,
                            a->p ? a->p->user_id : 0);
    free(text);
    free(link);
    if (rc) {
        return wm_write_fail(db, f, NULL, NULL, _("无法通知被测评单位"));
    }
    json_t *payload = json_pack("{s:I, s:s}", "visit_id", (json_int_t)jsi(v, "id"), "what", what);
    int64_t job = 0;
    enum wm_err e = wm_job_submit(db, a, "notify.visit", payload, NULL, NULL, &job, f);
    json_decref(payload);
    return e;
}

static json_t *
visit_summary(const json_t *v)
{
    if (NULL == v) {
        return NULL;
    }
    char t[32];
    wm_cst_format(t, jsi(v, "starts_at"));
    return json_pack("{s:I, s:I, s:s, s:s, s:s, s:s}", "entry_id", (json_int_t)jsi(v, "entry_id"),
                     "unit_id", (json_int_t)jsi(v, "unit_id"), "starts_at", t, "place",
                     jss(v, "place"), "note", jss(v, "note"), "state", jss(v, "state"));
}

struct visit_op {
    int64_t round_id, entry_id, visit_id, starts_at;
    const char *place, *note;
    const char *what; /* scheduled, rescheduled, cancelled */
    int64_t *id;
};

static enum wm_err
visit_once(struct wm_db *db, const struct wm_actor *a, const struct visit_op *o,
           struct wm_fail *f)
{
    enum wm_err e;
    int64_t now = wm_now();
    bool cancel = wm_streq(o->what, "cancelled");
    if (WM_OK != (e = tx_begin(db, f))) {
        return e;
    }
    json_t *r = wm_round_get_scoped(db, a, o->round_id, f), *n = NULL, *v = NULL, *after = NULL;
    int64_t vid = o->visit_id;
    if (NULL == r) {
        e = f ? f->err : WM_E_NOT_FOUND;
        goto done;
    }
    if (!wm_round_is_owner(a, r) && !is_evaluator(a)) {
        e = wm_fail_set(f, WM_E_FORBIDDEN, NULL, "%s",
                        _("只有组织测评的文明办或该单位所在测评组的组长可以安排走访"));
        goto done;
    }
    if (o->visit_id) {
        v = db->ops->visit_get(db, o->visit_id);
        if (NULL == v || jsi(v, "round_id") != o->round_id) {
            e = wm_read_fail(db, f, NULL, _("走访安排不存在"));
            goto done;
        }
    }
    if (NULL == (n = entry_of(db, r, v ? jsi(v, "entry_id") : o->entry_id, f))) {
        e = f ? f->err : WM_E_NOT_FOUND;
        if (WM_E_NOT_FOUND == e && !v) {
            e = wm_fail_set(f, WM_E_BAD_REQUEST, "entry_id", "%s", _("参评单位不存在"));
        }
        goto done;
    }
    if (!may_schedule(db, a, r, n)) {
        e = wm_fail_set(f, WM_E_FORBIDDEN, NULL, "%s",
                        _("只有组织测评的文明办或该单位所在测评组的组长可以安排走访"));
        goto done;
    }
    if (WM_OK != (e = need_live(r, f))) {
        goto done;
    }
    if (!wm_streq(jss(n, "state"), "accepted")) {
        e = wm_fail_set(f, WM_E_CONFLICT, "entry_id", _("“%s”的申报尚未受理，不能安排走访"),
                        jss(n, "unit_name"));
        goto done;
    }
    if (v && !wm_streq(jss(v, "state"), "scheduled")) {
        e = wm_fail_set(f, WM_E_CONFLICT, NULL, "%s", _("该走访已取消"));
        goto done;
    }
    if (!cancel && (WM_OK != (e = visit_text(db, o->place, o->note, f)) ||
                    WM_OK != (e = notice_ok(o->starts_at, now, f)))) {
        goto done;
    }
    enum wm_qs qs;
    if (cancel) {
        qs = db->ops->visit_cancel(db, vid, now);
    } else if (v) {
        qs = db->ops->visit_update(db, vid, o->starts_at, o->place, o->note, now);
    } else {
        qs = db->ops->visit_insert(db, o->entry_id, o->starts_at, o->place, o->note,
                                   a->p ? a->p->user_id : 0, now, &vid);
    }
    if (WM_QS_ONE != qs || NULL == (after = db->ops->visit_get(db, vid))) {
        e = wm_write_fail(db, f, NULL, NULL, _("无法保存走访安排"));
        goto done;
    }
    if (o->id) {
        *o->id = vid;
    }
    const char *action = cancel ? "round.visit.cancel"
                         : v    ? "round.visit.reschedule"
                                : "round.visit.schedule";
    if (WM_OK != (e = wm_audit_new(db, a, action, "round_entry", jsi(n, "id"), jss(n, "unit_path"),
                               visit_summary(v), visit_summary(after)))) {
        goto done;
    }
    e = tell_unit(db, a, after, o->what, f);
done:
    json_decref(after);
    json_decref(v);
    json_decref(n);
    json_decref(r);
    return tx_end(db, e, f);
}

enum wm_err
wm_visit_schedule(struct wm_db *db, const struct wm_actor *a, int64_t round_id, int64_t entry_id,
                  int64_t starts_at, const char *place, const char *note, int64_t *id,
                  struct wm_fail *f)
{
    const struct visit_op o = {.round_id = round_id, .entry_id = entry_id, .starts_at = starts_at,
                               .place = place, .note = note, .what = "scheduled", .id = id};
    enum wm_err e;
    TX_RETRY(e, visit_once(db, a, &o, f));
    return e;
}

enum wm_err
wm_visit_reschedule(struct wm_db *db, const struct wm_actor *a, int64_t round_id,
                    int64_t visit_id, int64_t starts_at, const char *place, const char *note,
                    struct wm_fail *f)
{
    const struct visit_op o = {.round_id = round_id, .visit_id = visit_id, .starts_at = starts_at,
                               .place = place, .note = note, .what = "rescheduled"};
    enum wm_err e;
    TX_RETRY(e, visit_once(db, a, &o, f));
    return e;
}

enum wm_err
wm_visit_cancel(struct wm_db *db, const struct wm_actor *a, int64_t round_id, int64_t visit_id,
                struct wm_fail *f)
{
    const struct visit_op o = {.round_id = round_id, .visit_id = visit_id, .what = "cancelled"};
    enum wm_err e;
    TX_RETRY(e, visit_once(db, a, &o, f));
    return e;
}

json_t *
wm_visit_list(struct wm_db *db, const struct wm_actor *a, const json_t *round, bool upcoming,
              struct wm_fail *f)
{
    struct wm_visit_filter vf = {.round_id = jsi(round, "id"), .limit = 1000,
                                 .from = upcoming ? wm_now() : 0, .scheduled_only = upcoming};
    bool office = wm_actor_is(a, WM_ROLES_STAFF);
    if (is_evaluator(a)) {
        vf.member_id = a->p->user_id;
    } else if (!office) {
        vf.unit_id = a->p ? a->p->org_id : -1; /* a unit sees its own */
    }
    json_t *l = db->ops->visit_list(db, &vf);
    if (NULL == l) {
        wm_read_fail(db, f, NULL, NULL);
        return NULL;
    }
    if (office && !is_admin(a) && !wm_round_is_owner(a, round)) {
        /* an office below the round's sees the visits of its own units */
        json_t *out = json_array();
        size_t i;
        json_t *v;
        json_array_foreach(l, i, v)
        {
            json_t *u = db->ops->org_get(db, jsi(v, "unit_id"));
            if (u && wm_scope_sees(a, u)) {
                json_array_append(out, v);
            }
            json_decref(u);
        }
        json_decref(l);
        l = out;
    }
    return l;
}

json_t *
wm_visits_upcoming(struct wm_db *db, const struct wm_actor *a, struct wm_fail *f)
{
    struct wm_visit_filter vf = {.from = wm_now(), .scheduled_only = true, .live_rounds = true,
                                 .limit = 20};
    if (is_evaluator(a)) {
        vf.member_id = a->p->user_id;
    } else if (a->p && wm_actor_is(a, WM_ROLES_UNIT)) {
        vf.unit_id = a->p->org_id;
    } else {
        return json_array();
    }
    json_t *l = db->ops->visit_list(db, &vf);
    if (NULL == l) {
        wm_read_fail(db, f, NULL, NULL);
    }
    return l;
}

json_t *
wm_eval_assignments(struct wm_db *db, const struct wm_actor *a, struct wm_fail *f)
{
    if (!is_evaluator(a)) {
        return json_array();
    }
    json_t *l = db->ops->eval_assignments(db, a->p->user_id, "evaluating");
    if (NULL == l) {
        wm_read_fail(db, f, NULL, NULL);
    }
    return l;
}

/* end of groups.c */
