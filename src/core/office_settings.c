/*
** office_settings.c — an office's review settings (issue 9): the deadline offset of the
** routine-upload schedule, whether submitted documents count for a period, and how many
** times a document may be returned in a year before its leaf is "not met" for that year.
**
** A unit (or an office) takes the settings of the nearest office on its path that set
** them, else the defaults (10 days, approved documents only, no limit).  An office's own
** accounts and platform admins change them; every change is audited (office.settings).
*/
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "tx.h"
#include "wm_core.h"

void
wm_review_settings_default(struct wm_review_settings *s)
{
    *s = (struct wm_review_settings){.offset_days = WM_SCHED_OFFSET_DEFAULT};
}

static void
settings_of_row(const json_t *row, struct wm_review_settings *s)
{
    wm_review_settings_default(s);
    if (row) {
        s->offset_days = (int)jsi(row, "offset_days");
        s->count_submitted = 0 != jsi(row, "count_submitted");
        s->returns_limit = (int)jsi(row, "returns_limit");
        s->from_org_id = jsi(row, "org_id");
    }
}

static json_t *
settings_json(const struct wm_review_settings *s)
{
    return json_pack("{s:i, s:b, s:i, s:o}", "offset_days", s->offset_days, "count_submitted",
                     s->count_submitted, "returns_limit", s->returns_limit, "from_org_id",
                     s->from_org_id ? json_integer(s->from_org_id) : json_null());
}

enum wm_err
wm_review_settings_for(struct wm_db *db, const char *path, struct wm_review_settings *s,
                       struct wm_fail *f)
{
    json_t *row = db->ops->office_setting_for(db, path);
    if (NULL == row && wm_db_failed(db)) {
        return wm_read_fail(db, f, NULL, NULL);
    }
    settings_of_row(row, s);
    json_decref(row);
    return WM_OK;
}

void
wm_sched_opts_of(const struct wm_review_settings *s, struct wm_sched_opts *o)
{
    *o = (struct wm_sched_opts){.offset = s->offset_days,
                                .count_submitted = s->count_submitted,
                                .returns_limit = s->returns_limit};
}

enum wm_err
wm_sched_opts_for(struct wm_db *db, const json_t *archive, struct wm_sched_opts *o,
                  struct wm_fail *f)
{
    struct wm_review_settings s;
    enum wm_err e = wm_review_settings_for(db, jss(archive, "unit_path"), &s, f);
    if (WM_OK == e) {
        wm_sched_opts_of(&s, o);
    }
    return e;
}

/* The office (an org of kind office) in the caller's sight, else NULL with f set. */
static json_t *
office_scoped(struct wm_db *db, const struct wm_actor *a, int64_t office_id, struct wm_fail *f)
{
    json_t *o = wm_org_get_scoped(db, a, office_id, f);
    if (o && !wm_streq(jss(o, "kind"), "office")) {
        json_decref(o);
        wm_fail_set(f, WM_E_NOT_FOUND, NULL, "%s", _("审核设置只属于文明办"));
        return NULL;
    }
    return o;
}

bool
wm_office_settings_may_write(const struct wm_actor *a, int64_t office_id)
{
    return wm_actor_is(a, WM_ROLE_BIT(WM_ROLE_ADMIN)) ||
           (wm_actor_is(a, WM_ROLE_BIT(WM_ROLE_OFFICE)) && a->p && a->p->org_id == office_id);
}

json_t *
wm_office_settings_get(struct wm_db *db, const struct wm_actor *a, int64_t office_id,
                       struct wm_fail *f)
{
    if (!wm_actor_is(a, WM_ROLES_STAFF)) {
        wm_fail_set(f, WM_E_FORBIDDEN, NULL, "%s", _("只有文明办可以查看审核设置"));
        return NULL;
    }
    json_t *o = office_scoped(db, a, office_id, f);
    if (NULL == o) {
        return NULL;
    }
    json_t *own = db->ops->office_setting_get(db, office_id);
    struct wm_review_settings eff;
    enum wm_err e = WM_OK;
    if (NULL == own && wm_db_failed(db)) {
        e = wm_read_fail(db, f, NULL, NULL);
    } else if (NULL == own) { /* what it inherits: from an office above, or the defaults */
        e = wm_review_settings_for(db, jss(o, "path"), &eff, f);
    }
    json_t *out = NULL;
    if (WM_OK == e) {
        if (own) {
            settings_of_row(own, &eff);
        }
        struct wm_review_settings mine;
        settings_of_row(own, &mine);
        out = json_pack("{s:I, s:s, s:o, s:o, s:b}", "org_id", (json_int_t)office_id, "org_name",
                        jss(o, "name"), "own", own ? settings_json(&mine) : json_null(),
                        "effective", settings_json(&eff), "may_write",
                        wm_office_settings_may_write(a, office_id));
        if (own) {
            json_object_set_new(json_object_get(out, "own"), "updated_at",
                                json_integer(jsi(own, "updated_at")));
        }
    }
    json_decref(own);
    json_decref(o);
    return out;
}

struct set_cls {
    const struct wm_actor *a;
    int64_t office_id;
    const struct wm_review_settings *in;
    struct wm_fail *f;
};

static enum wm_err
set_once(struct wm_db *db, struct set_cls *c)
{
    struct wm_fail *f = c->f;
    enum wm_err e;
    if (WM_OK != (e = tx_begin(db, f))) {
        return e;
    }
    json_t *o = office_scoped(db, c->a, c->office_id, f);
    json_t *before = NULL, *after = NULL;
    if (NULL == o) {
        e = f ? f->err : WM_E_NOT_FOUND;
        goto done;
    }
    if (!wm_office_settings_may_write(c->a, c->office_id)) {
        e = wm_fail_set(f, WM_E_FORBIDDEN, NULL, "%s",
                        _("只有本文明办的账号或平台管理员可以修改审核设置"));
        goto done;
    }
    json_t *own = db->ops->office_setting_get(db, c->office_id);
    if (NULL == own && wm_db_failed(db)) {
        e = wm_read_fail(db, f, NULL, NULL);
        goto done;
    }
    struct wm_review_settings old;
    settings_of_row(own, &old);
    before = own ? settings_json(&old) : json_null();
    json_decref(own);
    enum wm_qs qs = db->ops->office_setting_set(db, c->office_id, c->in->offset_days,
                                                c->in->count_submitted, c->in->returns_limit,
                                                c->a->p ? c->a->p->user_id : 0, wm_now());
    if (WM_QS_ONE != qs) {
        e = wm_write_fail(db, f, NULL, NULL, _("无法保存审核设置"));
        goto done;
    }
    struct wm_review_settings now = *c->in;
    now.from_org_id = c->office_id;
    after = settings_json(&now);
    e = wm_audit(db, c->a, "office.settings", "org", c->office_id, jss(o, "path"), before, after);
done:
    json_decref(o);
    json_decref(before);
    json_decref(after);
    return tx_end(db, e, f);
}

enum wm_err
wm_office_settings_set(struct wm_db *db, const struct wm_actor *a, int64_t office_id,
                       const struct wm_review_settings *in, struct wm_fail *f)
{
    if (!wm_actor_is(a, WM_ROLES_STAFF)) {
        return wm_fail_set(f, WM_E_FORBIDDEN, NULL, "%s", _("只有文明办可以修改审核设置"));
    }
    if (in->offset_days < 0 || in->offset_days > WM_SCHED_OFFSET_MAX) {
        return wm_fail_set(f, WM_E_BAD_REQUEST, "offset_days", _("截止日偏移须为 0 到 %d 天"),
                           WM_SCHED_OFFSET_MAX);
    }
    if (in->returns_limit < 0 || in->returns_limit > WM_RETURNS_LIMIT_MAX) {
        return wm_fail_set(f, WM_E_BAD_REQUEST, "returns_limit", _("退回次数上限须为 0 到 %d"),
                           WM_RETURNS_LIMIT_MAX);
    }
    struct set_cls c = {.a = a, .office_id = office_id, .in = in, .f = f};
    enum wm_err e;
    TX_RETRY(e, set_once(db, &c));
    return e;
}

bool
wm_returns_exceeded(int64_t returns, int limit)
{
    return limit > 0 && returns > limit;
}

/* end of office_settings.c */
