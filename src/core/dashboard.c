/*
** dashboard.c — what the office's home counts (issue 9): the review backlog and its age,
** overdue schedule periods per district and unit type, and units that have not logged in
** lately; and the lists those numbers link to.
**
** Overdue is the meaning of schedule.c: a unit x leaf x period whose deadline (the period's
** last day plus the offset of the office above the unit, see office_settings.c) has passed without a counted document dated inside
** it.  It is read from the summary schedule.c keeps at write time (sched_count: per
** archive and period, how many leaves are met), never from the documents: per archive of
** the year, overdue = the sum over its edition's periods whose deadline passed of (leaves
** with that period - leaves met in it).  A district is the office directly above a unit.
** Everything is within the caller's jurisdiction (a district office its district).
*/
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tx.h"
#include "wm_core.h"
#include "wm_framework.h"

#define DASH_EDITIONS_MAX 64 /* distinct editions in one year's archives (more: read again) */

/* An edition's periods whose deadline (with an offset) passed, and how many leaves have
** each. */
struct due {
    int64_t edition_id;
    int offset;
    size_t n;
    struct {
        char key[8];
        int64_t leaves;
    } p[WM_SCHED_PERIODS_MAX * 2];
};

struct dues {
    struct due e[DASH_EDITIONS_MAX];
    size_t n;
};

static enum wm_err
dash_fail(struct wm_db *db, struct wm_fail *f)
{
    if (!wm_db_failed(db)) {
        db->status = WM_QS_HARD; /* a list is never "no row" */
    }
    return wm_read_fail(db, f, NULL, NULL);
}

/* The due periods of an edition for year on day today with an offset (read once per
** request and offset). */
static const struct due *
due_of(struct wm_db *db, struct dues *ds, int64_t edition_id, int64_t year,
       const struct wm_sched_opts *o, int64_t today, struct wm_fail *f)
{
    for (size_t i = 0; i < ds->n; i++) {
        if (ds->e[i].edition_id == edition_id && ds->e[i].offset == o->offset) {
            return &ds->e[i];
        }
    }
    struct due *d = &ds->e[ds->n < DASH_EDITIONS_MAX ? ds->n++ : DASH_EDITIONS_MAX - 1];
    memset(d, 0, sizeof *d);
    d->edition_id = edition_id;
    d->offset = o->offset;
    json_t *inds = db->ops->ind_list(db, edition_id, true);
    if (NULL == inds) {
        dash_fail(db, f);
        return NULL;
    }
    size_t i;
    json_t *x;
    json_array_foreach(inds, i, x)
    {
        struct wm_period per[WM_SCHED_PERIODS_MAX];
        size_t n = wm_sched_periods(jss(x, "frequency"), year, o->offset, per);
        for (size_t k = 0; k < n; k++) {
            if (today <= per[k].deadline) {
                continue; /* the deadline day itself is still in time */
            }
            size_t j = 0;
            while (j < d->n && !wm_streq(d->p[j].key, per[k].key)) {
                j++;
            }
            if (j == d->n && d->n < WM_ARRAY_LEN(d->p)) {
                memcpy(d->p[d->n].key, per[k].key, sizeof d->p[0].key);
                d->p[d->n++].leaves = 0;
            }
            if (j < WM_ARRAY_LEN(d->p)) {
                d->p[j].leaves++;
            }
        }
    }
    json_decref(inds);
    return d;
}

/* The scope asked for: the caller's, or a district within it (404 outside). */
static bool
dash_scope(struct wm_db *db, const struct wm_actor *a, int64_t district_id, json_t **district,
           const char **scope, struct wm_fail *f)
{
    *district = NULL;
    *scope = wm_scope_path(a);
    if (district_id) {
        if (NULL == (*district = wm_org_get_scoped(db, a, district_id, f))) {
            return false;
        }
        *scope = jss(*district, "path");
    }
    return true;
}

static bool
dash_checks(const struct wm_actor *a, const struct wm_dash_query *q, int64_t *today,
            struct wm_fail *f)
{
    if (!wm_actor_is(a, WM_ROLES_STAFF)) {
        wm_fail_set(f, WM_E_FORBIDDEN, NULL, "%s", _("只有文明办可以查看工作台"));
        return false;
    }
    if (NULL == q->today || 0 == *q->today) {
        *today = wm_day_today();
    } else if (!wm_day_parse(q->today, today)) {
        wm_fail_set(f, WM_E_BAD_REQUEST, "today", "%s", _("日期须为 YYYY-MM-DD"));
        return false;
    }
    if (q->sched.offset < 0 || q->sched.offset > WM_SCHED_OFFSET_MAX) {
        wm_fail_set(f, WM_E_BAD_REQUEST, "offset", _("截止日偏移须为 0 到 %d 天"),
                    WM_SCHED_OFFSET_MAX);
        return false;
    }
    if (q->year && (q->year < 2000 || q->year > 9999)) {
        wm_fail_set(f, WM_E_BAD_REQUEST, "year", "%s", _("年度须为四位数字"));
        return false;
    }
    return true;
}

static int64_t
year_of(const struct wm_dash_query *q, int64_t today)
{
    int64_t y;
    int m, d;
    wm_day_ymd(today, &y, &m, &d);
    return q->year ? q->year : y;
}

/* The settings each unit below an office counts with: that office's in effect (the nearest
** office on its path that set them), read once per office and request. */
struct office_opts {
    struct {
        int64_t office_id;
        struct wm_sched_opts o;
    } e[DASH_EDITIONS_MAX];
    size_t n;
};

static bool
opts_of(struct wm_db *db, struct office_opts *oo, int64_t office_id, struct wm_sched_opts *o,
        struct wm_fail *f)
{
    for (size_t i = 0; i < oo->n; i++) {
        if (oo->e[i].office_id == office_id) {
            *o = oo->e[i].o;
            return true;
        }
    }
    struct wm_review_settings s;
    json_t *org = office_id ? db->ops->org_get(db, office_id) : NULL;
    if (NULL == org && wm_db_failed(db)) {
        dash_fail(db, f);
        return false;
    }
    enum wm_err e = WM_OK;
    if (org) {
        e = wm_review_settings_for(db, jss(org, "path"), &s, f);
    } else {
        wm_review_settings_default(&s);
    }
    json_decref(org);
    if (WM_OK != e) {
        return false;
    }
    wm_sched_opts_of(&s, o);
    size_t k = oo->n < DASH_EDITIONS_MAX ? oo->n++ : DASH_EDITIONS_MAX - 1;
    oo->e[k].office_id = office_id;
    oo->e[k].o = *o;
    return true;
}

/* Per archive: [{archive_id, year, unit_id, unit_name, unit_code, unit_type, district_id,
** district_name, overdue}] in archive order. */
static json_t *
overdue_rows(struct wm_db *db, const char *scope, const char *unit_type,
             const struct wm_dash_query *q, int64_t today, struct wm_fail *f)
{
    int64_t year = year_of(q, today);
    json_t *rows = db->ops->sched_counts(db, scope, year, unit_type);
    if (NULL == rows) {
        dash_fail(db, f);
        return NULL;
    }
    struct dues *ds = wm_calloc(1, sizeof *ds);
    struct office_opts *oo = wm_calloc(1, sizeof *oo);
    size_t i;
    json_t *x;
    json_array_foreach(rows, i, x)
    {
        struct wm_sched_opts o = q->sched;
        const struct due *d =
            !q->per_unit || opts_of(db, oo, jsi(x, "district_id"), &o, f)
                ? due_of(db, ds, jsi(x, "edition_id"), year, &o, today, f)
                : NULL;
        if (NULL == d) {
            json_decref(rows);
            rows = NULL;
            break;
        }
        /* counts: "Q1:3:5,Q2:..." (period, leaves met by approved, by approved or submitted) */
        int64_t met[WM_ARRAY_LEN(d->p)] = {0};
        const char *c = jss(x, "counts");
        while (c && *c) {
            const char *colon = strchr(c, ':'), *end = strchr(c, ',');
            if (NULL == end) {
                end = c + strlen(c);
            }
            if (colon && colon < end) {
                char *next;
                long long ap = strtoll(colon + 1, &next, 10);
                long long sub = ':' == *next ? strtoll(next + 1, NULL, 10) : ap;
                for (size_t k = 0; k < d->n; k++) {
                    if (strlen(d->p[k].key) == (size_t)(colon - c) &&
                        0 == memcmp(d->p[k].key, c, (size_t)(colon - c))) {
                        met[k] = o.count_submitted ? sub : ap;
                    }
                }
            }
            c = *end ? end + 1 : end;
        }
        int64_t n = 0;
        for (size_t k = 0; k < d->n; k++) {
            n += d->p[k].leaves > met[k] ? d->p[k].leaves - met[k] : 0;
        }
        json_object_set_new(x, "overdue", json_integer(n));
        json_object_del(x, "counts");
        json_object_del(x, "edition_id");
    }
    free(oo);
    free(ds);
    return rows;
}

/* Add n to the group of key in groups ({key: {.., overdue, units}}). */
static void
group_add(json_t *groups, const char *key, json_t *proto, int64_t n)
{
    json_t *g = json_object_get(groups, key);
    if (NULL == g) {
        json_object_set_new(groups, key, g = proto);
        json_object_set_new(g, "overdue", json_integer(0));
        json_object_set_new(g, "units", json_integer(0));
    } else {
        json_decref(proto);
    }
    json_object_set_new(g, "overdue", json_integer(jsi(g, "overdue") + n));
    json_object_set_new(g, "units", json_integer(jsi(g, "units") + (n > 0)));
}

static json_t *
groups_list(json_t *groups)
{
    json_t *a = json_array();
    const char *k;
    json_t *v;
    json_object_foreach(groups, k, v)
    {
        json_array_append(a, v);
    }
    json_decref(groups);
    return a;
}

json_t *
wm_dashboard(struct wm_db *db, const struct wm_actor *a, const struct wm_dash_query *q,
             struct wm_fail *f)
{
    int64_t today;
    const char *scope;
    json_t *district = NULL;
    if (!dash_checks(a, q, &today, f) || !dash_scope(db, a, q->district_id, &district, &scope, f)) {
        return NULL;
    }
    int64_t now = wm_now();
    json_t *backlog = db->ops->review_backlog(db, scope, now - 3 * 86400, now - 7 * 86400,
                                              now - 14 * 86400);
    json_t *rows = backlog ? overdue_rows(db, scope, q->unit_type, q, today, f) : NULL;
    int days = q->inactive_days > 0 ? q->inactive_days : 30;
    json_t *inactive = rows ? db->ops->units_inactive(db, scope, now - days * 86400) : NULL;
    if (NULL == inactive) {
        if (NULL == backlog || rows) {
            dash_fail(db, f);
        }
        json_decref(backlog);
        json_decref(rows);
        json_decref(district);
        return NULL;
    }
    json_t *by_d = json_object(), *by_t = json_object();
    int64_t total = 0, units = 0;
    size_t i;
    json_t *x;
    json_array_foreach(rows, i, x)
    {
        int64_t n = jsi(x, "overdue");
        char key[32];
        total += n;
        units += n > 0;
        snprintf(key, sizeof key, "%lld", (long long)jsi(x, "district_id"));
        group_add(by_d, key,
                  json_pack("{s:O, s:O}", "district_id", json_object_get(x, "district_id"),
                            "district_name", json_object_get(x, "district_name")),
                  n);
        const char *type = jss(x, "unit_type");
        group_add(by_t, type ? type : "",
                  json_pack("{s:O}", "unit_type", json_object_get(x, "unit_type")), n);
    }
    char today_s[WM_DAY_LEN];
    wm_day_format(today, today_s);
    json_t *out = json_pack(
        "{s:I, s:s, s:i, s:b, s:o, s:{s:I, s:I, s:I, s:o, s:o}, s:{s:i, s:I}}", "year",
        (json_int_t)year_of(q, today), "today", today_s, "offset_days", q->sched.offset,
        "count_submitted", q->sched.count_submitted, "backlog", backlog, "overdue", "total",
        (json_int_t)total, "units", (json_int_t)units, "archives",
        (json_int_t)json_array_size(rows), "by_district", groups_list(by_d), "by_unit_type",
        groups_list(by_t), "inactive", "days", days, "units",
        (json_int_t)json_array_size(inactive));
    json_object_set_new(out, "per_unit", json_boolean(q->per_unit));
    if (district) {
        json_object_set_new(out, "district",
                            json_pack("{s:O, s:O}", "id", json_object_get(district, "id"),
                                      "name", json_object_get(district, "name")));
    }
    json_decref(rows);
    json_decref(inactive);
    json_decref(district);
    return out;
}

json_t *
wm_overdue_units(struct wm_db *db, const struct wm_actor *a, const struct wm_dash_query *q,
                 struct wm_fail *f)
{
    int64_t today;
    const char *scope;
    json_t *district = NULL;
    if (!dash_checks(a, q, &today, f) || !dash_scope(db, a, q->district_id, &district, &scope, f)) {
        return NULL;
    }
    json_t *rows = overdue_rows(db, scope, q->unit_type, q, today, f);
    json_decref(district);
    if (NULL == rows) {
        return NULL;
    }
    json_t *out = json_array();
    size_t i;
    json_t *x;
    json_array_foreach(rows, i, x)
    {
        if (jsi(x, "overdue") > 0) {
            json_array_append(out, x);
        }
    }
    json_decref(rows);
    return out;
}

json_t *
wm_units_inactive(struct wm_db *db, const struct wm_actor *a, const struct wm_dash_query *q,
                  struct wm_fail *f)
{
    int64_t today;
    const char *scope;
    json_t *district = NULL;
    if (!dash_checks(a, q, &today, f) || !dash_scope(db, a, q->district_id, &district, &scope, f)) {
        return NULL;
    }
    int days = q->inactive_days > 0 ? q->inactive_days : 30;
    json_t *rows = db->ops->units_inactive(db, scope, wm_now() - days * 86400);
    json_decref(district);
    if (NULL == rows) {
        dash_fail(db, f);
        return NULL;
    }
    if (q->unit_type && *q->unit_type) { /* the unit type asked for */
        json_t *out = json_array();
        size_t i;
        json_t *x;
        json_array_foreach(rows, i, x)
        {
            if (wm_streq(jss(x, "type"), q->unit_type)) {
                json_array_append(out, x);
            }
        }
        json_decref(rows);
        rows = out;
    }
    return rows;
}

/* end of dashboard.c */
