/*
** work_overview.c — the creation work (issue 12): the unit's plan/do/check/act view and the office's overview across its jurisdiction (XLSX).
**
** Both are made of the same unit rows: the store counts each table once over the subtree
** (work_ov_units, work_ov_counts: six result sets whatever the number of units), and this
** file folds them into one row per unit, with the cadence of meetings and inspections
** (wm_work_cadence: owed against held per period, from the unit's start day), per meeting
** kind the unit has (every unit has the default kinds from its creation on).  Read only: nothing here writes, so nothing is audited.
*/
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tx.h"
#include "wm_core.h"

/* The numbers of a unit row, all zero at first. */
static const char *const row_numbers[] = {
    "group_members",     "plan_stages",     "tasks_total",         "tasks_done",
    "tasks_open",        "tasks_overdue",   "meetings_held",       "meetings_owed",
    "meetings_late",     "inspections_held", "inspections_weeks",  "inspections_owed",
    "inspections_late",  "rect_open",       "rect_done",           "rect_verified",
    "rect_closed",       "rect_overdue",    "findings_inspection", "findings_self_check",
    "findings_review",   "findings_evaluation", "findings",        "overdue",
};

/* The totals add these flags as counts of units. */
static const char *const row_flags[] = {"group", "plan"};

static void *
ov_fail(struct wm_db *db, struct wm_fail *f)
{
    if (!wm_db_failed(db)) {
        db->status = WM_QS_HARD; /* a list is never "no row" */
    }
    wm_read_fail(db, f, NULL, NULL);
    return NULL;
}

static void
add_int(json_t *row, const char *key, int64_t n)
{
    json_object_set_new(row, key, json_integer(jsi(row, key) + n));
}

/* The days of a comma-separated list of "YYYY-MM-DD" (NULL: none) into *out (caller frees). */
static size_t
day_list(const char *csv, int64_t **out)
{
    size_t n = 0, cap = 1;
    for (const char *c = csv; c && *c; c++) {
        cap += ',' == *c;
    }
    *out = wm_calloc(cap, sizeof **out);
    while (csv && *csv) {
        char one[WM_DAY_LEN];
        const char *end = strchr(csv, ',');
        size_t len = end ? (size_t)(end - csv) : strlen(csv);
        if (len < sizeof one) {
            memcpy(one, csv, len);
            one[len] = 0;
            if (n < cap && wm_day_parse(one, &(*out)[n])) {
                n++;
            }
        }
        csv = end ? end + 1 : "";
    }
    return n;
}

/* A unit's start day: work_unit.start_on, else the day it was created. */
static int64_t
unit_start(const json_t *u)
{
    int64_t day;
    const char *s = jss(u, "start_on");
    if (s && wm_day_parse(s, &day)) {
        return day;
    }
    int64_t t = jsi(u, "created_at") + 8 * 3600; /* its date in China */
    return (t >= 0 ? t : t - 86399) / 86400;
}

/* The cadence of one kind of record, summed over the periods begun by today. */
struct ov_cad {
    int64_t owed, met, late;
};

static void
cad_count(const char *period, int min_count, int64_t year, int64_t start, int64_t today,
          const char *days, struct ov_cad *c, json_t *late_keys)
{
    int64_t *d;
    size_t nd = day_list(days, &d);
    struct wm_cadence per[WM_CADENCE_MAX];
    size_t n = wm_work_cadence(period, min_count, year, start, today, d, nd, per);
    memset(c, 0, sizeof *c);
    for (size_t i = 0; i < n; i++) {
        if (per[i].start > today || per[i].owed <= 0) {
            continue;
        }
        c->owed += per[i].owed;
        c->met += per[i].held < per[i].owed ? per[i].held : per[i].owed;
        if (per[i].late) {
            c->late++;
            if (late_keys) {
                json_array_append_new(late_keys, json_string(per[i].key));
            }
        }
    }
    free(d);
}

/* A unit row with its numbers at zero. */
static json_t *
row_new(const json_t *u)
{
    json_t *row = json_pack("{s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:b, s:b, s:n, s:b}",
                            "unit_id", json_object_get(u, "unit_id"), "unit_name",
                            json_object_get(u, "unit_name"), "unit_code",
                            json_object_get(u, "unit_code"), "unit_type",
                            json_object_get(u, "unit_type"), "unit_path",
                            json_object_get(u, "unit_path"), "district_id",
                            json_object_get(u, "district_id"), "district_name",
                            json_object_get(u, "district_name"), "start_on",
                            json_object_get(u, "start_on"), "group", 0, "plan", 0,
                            "plan_title", "inspect_weekly", 0 != jsi(u, "inspect_weekly"));
    for (size_t i = 0; i < WM_ARRAY_LEN(row_numbers); i++) {
        json_object_set_new(row, row_numbers[i], json_integer(0));
    }
    return row;
}

/* What folding the counts needs: the rows by unit id, the year and today. */
struct ov_fold {
    json_t *by_id; /* "id" -> row (borrowed from rows) */
    json_t *start; /* "id" -> start day */
    int64_t year, today;
    bool detail; /* keep each kind and the late periods in the row */
};

static json_t *
fold_row(const struct ov_fold *o, const json_t *x)
{
    char key[24];
    snprintf(key, sizeof key, "%lld", (long long)jsi(x, "unit_id"));
    return json_object_get(o->by_id, key);
}

static int64_t
fold_start(const struct ov_fold *o, const json_t *row)
{
    char key[24];
    snprintf(key, sizeof key, "%lld", (long long)jsi(row, "unit_id"));
    return jsi(json_object_get(o->start, key), "day");
}

static void
fold_members(const struct ov_fold *o, const json_t *list)
{
    size_t i;
    const json_t *x;
    json_array_foreach(list, i, x)
    {
        json_t *row = fold_row(o, x);
        if (row) {
            json_object_set_new(row, "group_members", json_integer(jsi(x, "members")));
            json_object_set_new(row, "group", json_boolean(jsi(x, "leaders") > 0));
        }
    }
}

static void
fold_plans(const struct ov_fold *o, const json_t *list)
{
    size_t i;
    const json_t *x;
    json_array_foreach(list, i, x)
    {
        json_t *row = fold_row(o, x);
        if (row) {
            json_object_set_new(row, "plan", json_true());
            json_object_set(row, "plan_title", json_object_get(x, "title"));
            json_object_set_new(row, "plan_stages", json_integer(jsi(x, "stages")));
        }
    }
}

static void
fold_tasks(const struct ov_fold *o, const json_t *list)
{
    static const char *const keys[][2] = {{"total", "tasks_total"}, {"done", "tasks_done"},
                                          {"open", "tasks_open"}, {"overdue", "tasks_overdue"}};
    size_t i;
    const json_t *x;
    json_array_foreach(list, i, x)
    {
        json_t *row = fold_row(o, x);
        for (size_t k = 0; row && k < WM_ARRAY_LEN(keys); k++) {
            json_object_set_new(row, keys[k][1], json_integer(jsi(x, keys[k][0])));
        }
    }
}

/* One kind of meeting of a unit against its cadence. */
static void
fold_kind(const struct ov_fold *o, json_t *row, const json_t *kind, const char *days)
{
    json_t *late = o->detail ? json_array() : NULL;
    struct ov_cad c;
    const char *period = jss(kind, "period");
    int min_count = (int)jsi(kind, "min_count");
    cad_count(period, min_count, o->year, fold_start(o, row), o->today, days, &c, late);
    add_int(row, "meetings_held", jsi(kind, "held"));
    add_int(row, "meetings_owed", c.owed);
    add_int(row, "meetings_late", c.late);
    if (o->detail) {
        json_t *k = json_pack("{s:O, s:O, s:O, s:I, s:I, s:I, s:I, s:I, s:o}", "kind_id",
                              json_object_get(kind, "kind_id"), "name",
                              json_object_get(kind, "name"), "period",
                              json_object_get(kind, "period"), "min_count",
                              (json_int_t)min_count, "held", (json_int_t)jsi(kind, "held"),
                              "owed", (json_int_t)c.owed, "met", (json_int_t)c.met, "late",
                              (json_int_t)c.late, "late_periods", late);
        json_array_append_new(json_object_get(row, "kinds"), k);
    }
}

static void
fold_meetings(const struct ov_fold *o, const json_t *list)
{
    size_t i;
    const json_t *x;
    json_t *row;
    json_array_foreach(list, i, x)
    {
        if (NULL != (row = fold_row(o, x))) {
            fold_kind(o, row, x, jss(x, "days"));
        }
    }
}

/* Inspections: one a week when the unit inspects weekly. */
static void
fold_inspections(const struct ov_fold *o, json_t *rows, const json_t *list)
{
    json_t *days = json_object();
    size_t i;
    const json_t *x;
    json_t *row;
    json_array_foreach(list, i, x)
    {
        if (NULL != (row = fold_row(o, x))) {
            json_object_set_new(row, "inspections_held", json_integer(jsi(x, "held")));
            json_object_set(days, jss(row, "unit_path"), json_object_get(x, "days"));
        }
    }
    json_array_foreach(rows, i, row)
    {
        json_t *late = o->detail ? json_array() : NULL;
        struct ov_cad c = {0};
        if (json_is_true(json_object_get(row, "inspect_weekly"))) {
            cad_count("weekly", 1, o->year, fold_start(o, row), o->today,
                      jss(days, jss(row, "unit_path")), &c, late);
        }
        json_object_set_new(row, "inspections_weeks", json_integer(c.met));
        json_object_set_new(row, "inspections_owed", json_integer(c.owed));
        json_object_set_new(row, "inspections_late", json_integer(c.late));
        if (late) {
            json_object_set_new(row, "late_weeks", late);
        }
    }
    json_decref(days);
}

static void
fold_rects(const struct ov_fold *o, const json_t *list)
{
    size_t i;
    const json_t *x;
    json_array_foreach(list, i, x)
    {
        json_t *row = fold_row(o, x);
        const char *state = jss(x, "state"), *source = jss(x, "source");
        if (NULL == row || NULL == state || NULL == source) {
            continue;
        }
        char key[48];
        snprintf(key, sizeof key, "rect_%s", state);
        add_int(row, key, jsi(x, "n"));
        add_int(row, "rect_overdue", jsi(x, "overdue"));
        snprintf(key, sizeof key, "findings_%s", source);
        add_int(row, key, jsi(x, "n"));
        add_int(row, "findings", jsi(x, "n"));
    }
}

static void
fold_overdue(json_t *rows)
{
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row)
    {
        json_object_set_new(row, "overdue",
                            json_integer(jsi(row, "tasks_overdue") + jsi(row, "meetings_late") +
                                         jsi(row, "inspections_late") +
                                         jsi(row, "rect_overdue")));
    }
}

/* The unit rows of q for year on today (detail: each kind and the late periods kept). */
static json_t *
ov_rows(struct wm_db *db, const struct wm_work_ov_q *q, int64_t today, bool detail,
        struct wm_fail *f)
{
    json_t *units = db->ops->work_ov_units(db, q);
    json_t *counts = units ? db->ops->work_ov_counts(db, q) : NULL;
    if (NULL == counts) {
        json_decref(units);
        return ov_fail(db, f);
    }
    struct ov_fold o = {.by_id = json_object(), .start = json_object(), .year = q->year,
                        .today = today, .detail = detail};
    json_t *rows = json_array();
    size_t i;
    const json_t *u;
    json_array_foreach(units, i, u)
    {
        char key[24];
        json_t *row = row_new(u);
        snprintf(key, sizeof key, "%lld", (long long)jsi(u, "unit_id"));
        json_object_set(o.by_id, key, row);
        json_object_set_new(o.start, key, json_pack("{s:I}", "day", (json_int_t)unit_start(u)));
        if (detail) {
            json_object_set_new(row, "kinds", json_array());
        }
        json_array_append_new(rows, row);
    }
    fold_members(&o, json_object_get(counts, "members"));
    fold_plans(&o, json_object_get(counts, "plans"));
    fold_tasks(&o, json_object_get(counts, "tasks"));
    fold_meetings(&o, json_object_get(counts, "meetings"));
    fold_inspections(&o, rows, json_object_get(counts, "inspections"));
    fold_rects(&o, json_object_get(counts, "rects"));
    fold_overdue(rows);
    json_decref(o.by_id);
    json_decref(o.start);
    json_decref(units);
    json_decref(counts);
    return rows;
}

static bool
ov_year(int64_t year, int64_t today, int64_t *out, struct wm_fail *f)
{
    int64_t y;
    int m, d;
    wm_day_ymd(today, &y, &m, &d);
    if (year && (year < 2000 || year > 9999)) {
        wm_fail_set(f, WM_E_BAD_REQUEST, "year", "%s", _("年度须为四位数字"));
        return false;
    }
    *out = year ? year : y;
    return true;
}

/* ---------------------------------------------------------------- a unit's hub */

json_t *
wm_work_summary(struct wm_db *db, const struct wm_actor *a, int64_t unit_id, int64_t year,
                struct wm_fail *f)
{
    int64_t today = wm_day_today();
    json_t *unit = wm_org_get_scoped(db, a, unit_id, f);
    if (NULL == unit) {
        return NULL;
    }
    if (!wm_streq(jss(unit, "kind"), "unit")) {
        json_decref(unit);
        wm_fail_set(f, WM_E_NOT_FOUND, NULL, "%s", "");
        return NULL;
    }
    char today_s[WM_DAY_LEN];
    wm_day_format(today, today_s);
    struct wm_work_ov_q q = {.unit_id = unit_id, .today = today_s};
    json_t *rows = NULL, *late = NULL;
    if (ov_year(year, today, &q.year, f) && NULL != (rows = ov_rows(db, &q, today, true, f))) {
        late = db->ops->work_ov_late(db, &q, WM_WORK_OV_LATE_MAX);
        if (NULL == late) {
            ov_fail(db, f);
        }
    }
    json_t *row = json_array_get(rows, 0);
    if (NULL == late || NULL == row) {
        if (late && NULL == row) {
            wm_fail_set(f, WM_E_NOT_FOUND, NULL, "%s", "");
        }
        json_decref(rows);
        json_decref(late);
        json_decref(unit);
        return NULL;
    }
    json_t *kinds = json_incref(json_object_get(row, "kinds"));
    json_t *weeks = json_incref(json_object_get(row, "late_weeks"));
    json_object_del(row, "kinds");
    json_object_del(row, "late_weeks");
    json_object_del(row, "unit_path");
    json_t *out = json_pack(
        "{s:{s:O, s:O, s:O, s:O}, s:I, s:s, s:O, s:{s:O, s:O, s:O, s:O}, s:o, s:{s:O, s:o},"
        " s:{s:O, s:O}}",
        "unit", "id", json_object_get(unit, "id"), "name", json_object_get(unit, "name"), "code",
        json_object_get(unit, "code"), "type", json_object_get(unit, "type"), "year",
        (json_int_t)q.year, "today", today_s, "row", row, "plan", "present",
        json_object_get(row, "plan"), "title", json_object_get(row, "plan_title"), "stages",
        json_object_get(late, "stages"), "tasks", json_object_get(row, "tasks_total"),
        "meetings", kinds, "inspections", "weekly", json_object_get(row, "inspect_weekly"),
        "late_weeks", weeks, "late", "tasks", json_object_get(late, "tasks"), "rects",
        json_object_get(late, "rects"));
    json_decref(rows);
    json_decref(late);
    json_decref(unit);
    return out;
}

/* ---------------------------------------------------------------- the office's overview */

/* Add a row's numbers and flags to a totals object. */
static void
totals_add(json_t *t, const json_t *row)
{
    add_int(t, "units", 1);
    for (size_t i = 0; i < WM_ARRAY_LEN(row_flags); i++) {
        add_int(t, row_flags[i], json_is_true(json_object_get(row, row_flags[i])));
    }
    for (size_t i = 0; i < WM_ARRAY_LEN(row_numbers); i++) {
        add_int(t, row_numbers[i], jsi(row, row_numbers[i]));
    }
}

/* The totals of each district (in the rows' order) and of the whole. */
static json_t *
ov_totals(const json_t *rows, json_t **districts)
{
    json_t *total = json_object(), *by = json_object();
    *districts = json_array();
    size_t i;
    const json_t *row;
    json_array_foreach(rows, i, row)
    {
        char key[24];
        snprintf(key, sizeof key, "%lld", (long long)jsi(row, "district_id"));
        json_t *d = json_object_get(by, key);
        if (NULL == d) {
            d = json_pack("{s:O, s:O}", "district_id", json_object_get(row, "district_id"),
                          "district_name", json_object_get(row, "district_name"));
            json_object_set_new(by, key, d);
            json_array_append(*districts, d);
        }
        totals_add(d, row);
        totals_add(total, row);
    }
    json_decref(by);
    return total;
}

static int
by_overdue(const void *x, const void *y)
{
    const json_t *a = *(json_t *const *)x, *b = *(json_t *const *)y;
    int64_t m = jsi(a, "overdue"), n = jsi(b, "overdue");
    if (m != n) {
        return (m < n) - (m > n);
    }
    return strcmp(jss(a, "unit_path"), jss(b, "unit_path"));
}

/* The page of rows asked for, sorted as asked (rows taken). */
static json_t *
ov_page(json_t *rows, const struct wm_work_ov_query *q)
{
    size_t n = json_array_size(rows);
    json_t **v = wm_calloc(n ? n : 1, sizeof *v);
    for (size_t i = 0; i < n; i++) {
        v[i] = json_array_get(rows, i);
    }
    if (q->by_overdue) {
        qsort(v, n, sizeof *v, by_overdue);
    }
    json_t *page = json_array();
    size_t end = q->limit ? (size_t)q->offset + q->limit : n;
    for (size_t i = q->offset; i < n && i < end; i++) {
        json_object_del(v[i], "unit_path"); /* the store's, not the API's */
        json_array_append(page, v[i]);
    }
    free(v);
    json_decref(rows);
    return page;
}

json_t *
wm_work_overview(struct wm_db *db, const struct wm_actor *a, const struct wm_work_ov_query *q,
                 struct wm_fail *f)
{
    if (!wm_actor_is(a, WM_ROLES_STAFF)) {
        wm_fail_set(f, WM_E_FORBIDDEN, NULL, "%s", _("只有文明办可以查看创建工作总览"));
        return NULL;
    }
    int64_t today = wm_day_today();
    char today_s[WM_DAY_LEN];
    wm_day_format(today, today_s);
    struct wm_work_ov_q sq = {.scope = wm_scope_path(a), .unit_type = q->unit_type,
                              .today = today_s};
    if (!ov_year(q->year, today, &sq.year, f)) {
        return NULL;
    }
    json_t *district = NULL;
    if (q->district_id) {
        if (NULL == (district = wm_org_get_scoped(db, a, q->district_id, f))) {
            return NULL;
        }
        sq.scope = jss(district, "path");
    }
    json_t *rows = ov_rows(db, &sq, today, false, f);
    if (NULL == rows) {
        json_decref(district);
        return NULL;
    }
    json_t *districts;
    json_t *total = ov_totals(rows, &districts);
    size_t n = json_array_size(rows);
    json_t *out = json_pack("{s:I, s:s, s:I, s:I, s:I, s:o, s:o, s:o}", "year",
                            (json_int_t)sq.year, "today", today_s, "units", (json_int_t)n,
                            "offset", (json_int_t)q->offset, "limit", (json_int_t)q->limit,
                            "rows", ov_page(rows, q), "districts", districts, "total", total);
    if (district) {
        json_object_set_new(out, "district",
                            json_pack("{s:O, s:O}", "id", json_object_get(district, "id"),
                                      "name", json_object_get(district, "name")));
    }
    json_decref(district);
    return out;
}

/* end of work_overview.c */
