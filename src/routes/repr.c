/*
** repr.c — the API representation of each resource: which fields go out, and its times as
** RFC 3339 (wm_time_rfc3339: "2026-11-27T11:00:00Z", as the API has always written them).
** The store keeps Unix seconds; exactly the time fields a resource has are rendered here,
** one function per resource, never guessed from a key (http/reply.c converts nothing).
*/
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "handlers.h"
#include "wm_eval.h"
#include "wm_framework.h"

/* The time fields of a resource: Unix seconds from the store become RFC 3339; a null (a
** document never deleted, an edition not published) stays null. */
static json_t *
times(json_t *o, const char *const *keys)
{
    for (size_t i = 0; o && keys[i]; i++) {
        json_t *v = json_object_get(o, keys[i]);
        if (json_is_integer(v)) {
            char t[32];
            wm_time_rfc3339(json_integer_value(v), t);
            json_object_set_new(o, keys[i], json_string(t));
        }
    }
    return o;
}

/* Each element of an array through one representation; returns the array. */
static json_t *
each(json_t *items, json_t *(*one)(json_t *))
{
    size_t i;
    json_t *x;
    json_array_foreach(items, i, x)
    {
        one(x);
    }
    return items;
}

json_t *
wm_api_org(json_t *o)
{
    static const char *const k[] = {"created_at", NULL};
    return times(o, k);
}

json_t *
wm_api_orgs(json_t *items)
{
    return each(items, wm_api_org);
}

json_t *
wm_api_user(json_t *u)
{
    /* pw_set_at, totp_enabled_at: issue 13, totp (the secret is never in a user's row) */
    static const char *const k[] = {"created_at", "pw_set_at", "totp_enabled_at", NULL};
    return times(u, k);
}

json_t *
wm_api_users(json_t *items)
{
    return each(items, wm_api_user);
}

json_t *
wm_api_token(json_t *t)
{
    static const char *const k[] = {"created_at", "last_used", NULL};
    return times(t, k);
}

json_t *
wm_api_tokens(json_t *items)
{
    return each(items, wm_api_token);
}

json_t *
wm_api_archive(json_t *a)
{
    static const char *const k[] = {"created_at", NULL};
    json_object_del(a, "unit_path");
    return times(a, k);
}

json_t *
wm_api_archives(json_t *items)
{
    return each(items, wm_api_archive);
}

json_t *
wm_api_version(json_t *v)
{
    static const char *const k[] = {"created_at", NULL};
    return times(v, k);
}

json_t *
wm_api_versions(json_t *items)
{
    return each(items, wm_api_version);
}

json_t *
wm_api_fixity(json_t *x)
{
    static const char *const k[] = {"started_at", "finished_at", NULL};
    return times(x, k);
}

static json_t *
review_event(json_t *x)
{
    static const char *const k[] = {"at", NULL};
    return times(x, k);
}

json_t *
wm_api_review_events(json_t *items)
{
    return each(items, review_event);
}

json_t *
wm_api_review_queue(json_t *items)
{
    return each(items, review_event);
}

json_t *
wm_api_page(json_t *items, unsigned limit)
{
    if (NULL == items) {
        return NULL;
    }
    json_t *next = json_null();
    if (limit && json_array_size(items) == limit) {
        json_t *last = json_array_get(items, limit - 1);
        char *s = wm_asprintf("%lld", (long long)json_integer_value(json_object_get(last, "id")));
        next = json_string(s);
        free(s);
    }
    return json_pack("{s:o, s:o}", "items", items, "next", next);
}

/* The document as the API shows it: display name, archival code, no internals. */
json_t *
wm_api_doc(json_t *d, const char *unit_code, int64_t year)
{
    static const char *const k[] = {"created_at", "updated_at", "deleted_at", NULL};
    if (NULL == d) {
        return NULL;
    }
    char *name = wm_doc_display_name(d), *code = wm_doc_archival_code(d, unit_code, year);
    times(d, k);
    json_object_del(d, "unit_path");
    json_object_set_new(d, "name", json_string(name));
    json_object_set_new(d, "archival_code", json_string(code));
    free(name);
    free(code);
    return d;
}

json_t *
wm_api_edition(json_t *e)
{
    static const char *const k[] = {"created_at", "published_at", NULL};
    char t[32];
    if (NULL == e) {
        return NULL;
    }
    times(e, k);
    json_object_set_new(e, "total",
                        json_string(wm_fw_score_format(json_integer_value(json_object_get(e, "total")), t)));
    return e;
}

json_t *
wm_api_editions(json_t *items)
{
    size_t i;
    json_t *e;
    json_array_foreach(items, i, e)
    {
        wm_api_edition(e);
    }
    return items;
}

json_t *
wm_api_audit_rows(json_t *rows)
{
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row)
    {
        static const char *const k[] = {"at", NULL};
        times(row, k);
        json_object_set(row, "time", json_object_get(row, "at")); /* the older name */
        const char *label = wm_audit_action_label(json_string_value(json_object_get(row, "action")));
        json_object_set_new(row, "action_label", label ? json_string(label) : json_null());
        json_t *sum = json_loads(json_string_value(json_object_get(row, "summary")), 0, NULL);
        json_object_set_new(row, "summary", sum ? sum : json_null());
    }
    return rows;
}

/* ---------------------------------------------------------------- the office's home */

json_t *
wm_api_dashboard(json_t *d)
{
    static const char *const k[] = {"oldest", NULL};
    times(json_object_get(d, "backlog"), k);
    return d;
}

static json_t *
inactive_unit(json_t *u)
{
    static const char *const k[] = {"last_login_at", NULL};
    return times(u, k);
}

json_t *
wm_api_inactive_units(json_t *items)
{
    return each(items, inactive_unit);
}

json_t *
wm_api_window(json_t *items_steal, unsigned limit, unsigned offset)
{
    json_t *next = json_null();
    if (json_array_size(items_steal) == limit) {
        char *s = wm_asprintf("%u", offset + limit);
        next = json_string(s);
        free(s);
    }
    return json_pack("{s:o, s:o}", "items", items_steal, "next", next);
}

/* ---------------------------------------------------------------- rounds (issue 10) */

/* Hundredths as the API writes scores (the editions' totals): "85.5". */
static void
points(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    if (json_is_integer(v)) {
        char t[32];
        json_object_set_new(o, k, json_string(wm_fw_score_format(json_integer_value(v), t)));
    }
}

json_t *
wm_api_round(json_t *r)
{
    static const char *const k[] = {"created_at", "updated_at", NULL};
    if (NULL == r) {
        return NULL;
    }
    times(r, k);
    points(r, "pass_threshold");
    points(r, "edition_total");
    json_t *types = json_loads(json_string_value(json_object_get(r, "unit_types")), 0, NULL);
    json_object_set_new(r, "unit_types", json_is_array(types) ? types : json_array());
    if (!json_is_array(types)) {
        json_decref(types);
    }
    json_object_set_new(r, "no_own_district",
                        json_boolean(json_integer_value(json_object_get(r, "no_own_district"))));
    json_object_set_new(r, "state_label",
                        json_string(wm_round_state_label(json_string_value(json_object_get(r, "state")))));
    json_object_del(r, "office_path");
    return r;
}

json_t *
wm_api_rounds(json_t *items)
{
    return each(items, wm_api_round);
}

json_t *
wm_api_entry(json_t *e)
{
    static const char *const k[] = {"created_at", "updated_at", "locked_at", NULL};
    if (NULL == e) {
        return NULL;
    }
    times(e, k);
    points(e, "total");
    json_object_set_new(e, "vetoed", json_boolean(json_integer_value(json_object_get(e, "vetoed"))));
    json_object_set_new(e, "state_label",
                        json_string(wm_entry_state_label(json_string_value(json_object_get(e, "state")))));
    json_object_set_new(e, "category",
                        json_string(wm_unit_type_category(json_string_value(json_object_get(e, "unit_type")))));
    json_object_del(e, "unit_path");
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(e, "self"), i, x)
    {
        points(x, "score");
    }
    return e;
}

json_t *
wm_api_entries(json_t *items)
{
    return each(items, wm_api_entry);
}

json_t *
wm_api_title(json_t *t)
{
    static const char *const k[] = {"created_at", "updated_at", NULL};
    if (t) {
        json_object_del(t, "unit_path");
        json_object_set_new(t, "state_label",
                            json_string(wm_title_state_label(
                                json_string_value(json_object_get(t, "state")))));
    }
    return times(t, k);
}

json_t *
wm_api_titles(json_t *items)
{
    return each(items, wm_api_title);
}

/* ---------------------------------------------------------------- groups (issue 10) */

json_t *
wm_api_group(json_t *g)
{
    static const char *const k[] = {"created_at", NULL};
    if (g) {
        wm_api_entries(json_object_get(g, "entry_list"));
    }
    return times(g, k);
}

json_t *
wm_api_groups(json_t *items)
{
    return each(items, wm_api_group);
}

json_t *
wm_api_visit(json_t *v)
{
    static const char *const k[] = {"starts_at", "created_at", "updated_at", NULL};
    if (v) {
        json_object_del(v, "unit_path");
    }
    return times(v, k);
}

json_t *
wm_api_visits(json_t *items)
{
    return each(items, wm_api_visit);
}

/* ---------------------------------------------------------------- results (issue 10) */

/* A result row: total and subtotals as points ("85.5"); no unit_path. */
json_t *
wm_api_result_row(json_t *o)
{
    if (NULL == o) {
        return NULL;
    }
    json_object_del(o, "unit_path");
    points(o, "total");
    points(o, "threshold");
    json_t *st = json_object_get(o, "subtotals");
    for (size_t i = 0; i < json_array_size(st); i++) {
        json_t *v = json_array_get(st, i);
        if (json_is_integer(v)) {
            char t[32];
            json_array_set_new(st, i, json_string(wm_fw_score_format(json_integer_value(v), t)));
        }
    }
    return o;
}

json_t *
wm_api_results(json_t *res)
{
    if (NULL == res) {
        return NULL;
    }
    points(res, "threshold");
    each(json_object_get(res, "items"), wm_api_result_row);
    json_t *own = json_object_get(res, "own");
    if (json_is_object(own)) {
        wm_api_result_row(own);
    }
    return res;
}

json_t *
wm_api_objection(json_t *o)
{
    static const char *const k[] = {"created_at", "answered_at", NULL};
    if (o) {
        json_object_del(o, "unit_path");
    }
    return times(o, k);
}

json_t *
wm_api_objections(json_t *items)
{
    return each(items, wm_api_objection);
}

json_t *
wm_api_rectification(json_t *o)
{
    static const char *const k[] = {"created_at", "updated_at", "done_at", "verified_at", NULL};
    static const char *const at[] = {"at", NULL};
    static const char *const linked[] = {"created_at", NULL};
    if (o) {
        json_object_del(o, "unit_path");
        json_object_set_new(o, "state_label",
                            json_string(wm_rect_state_label(json_string_value(json_object_get(o, "state")))));
        /* issue 12: overdue (open, due before today), the evidence and the history */
        json_object_set_new(o, "overdue", json_boolean(wm_rect_overdue(o, wm_day_today())));
        size_t i;
        json_t *x;
        json_array_foreach(json_object_get(o, "evidence"), i, x)
        {
            times(x, linked);
        }
        json_array_foreach(json_object_get(o, "history"), i, x)
        {
            json_object_del(x, "summary");
            times(x, at);
        }
    }
    return times(o, k);
}

json_t *
wm_api_rectifications(json_t *items)
{
    return each(items, wm_api_rectification);
}


/* ---------------------------------------------------------------- scoring (issue 10) */

/* Hundredths as points, negatives included ("-0.5"), as the API writes scores. */
static void
pts(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    if (json_is_integer(v)) {
        char t[32];
        json_object_set_new(o, k, json_string(wm_eval_format_points(json_integer_value(v), t)));
    }
}

static void
pts_array(json_t *a)
{
    size_t i;
    json_t *v;
    json_array_foreach(a, i, v)
    {
        if (json_is_integer(v)) {
            char t[32];
            json_array_set_new(a, i, json_string(wm_eval_format_points(json_integer_value(v), t)));
        }
    }
}

json_t *
wm_api_score(json_t *s)
{
    static const char *const k[] = {"updated_at", NULL};
    if (NULL == s || !json_is_object(s)) {
        return s;
    }
    times(s, k);
    pts(s, "value");
    size_t i;
    json_t *d;
    json_array_foreach(json_object_get(s, "deductions"), i, d)
    {
        pts(d, "points");
    }
    return s;
}

static void
api_entry_part(json_t *e)
{
    static const char *const k[] = {"locked_at", NULL};
    times(e, k);
    pts(e, "total");
    json_object_set_new(e, "vetoed", json_boolean(json_integer_value(json_object_get(e, "vetoed"))));
}

json_t *
wm_api_sheet(json_t *v)
{
    static const char *const k[] = {"updated_at", "submitted_at", NULL};
    if (NULL == v) {
        return NULL;
    }
    api_entry_part(json_object_get(v, "entry"));
    times(json_object_get(v, "sheet"), k);
    size_t i;
    json_t *l;
    json_array_foreach(json_object_get(v, "leaves"), i, l)
    {
        pts(l, "max");
        pts(l, "cap");
        size_t j;
        json_t *g;
        json_array_foreach(json_object_get(l, "grades"), j, g)
        {
            pts(g, "value");
            pts(g, "fraction"); /* hundredths of one: 80 → "0.8" */
        }
        wm_api_score(json_object_get(l, "score"));
    }
    return v;
}

json_t *
wm_api_progress(json_t *p)
{
    static const char *const k[] = {"submitted_at", NULL};
    if (NULL == p) {
        return NULL;
    }
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(p, "entries"), i, e)
    {
        api_entry_part(e);
        size_t j;
        json_t *x;
        json_array_foreach(json_object_get(e, "evaluators"), j, x)
        {
            times(x, k);
        }
    }
    return p;
}

json_t *
wm_api_reconcile(json_t *r)
{
    if (NULL == r) {
        return NULL;
    }
    api_entry_part(json_object_get(r, "entry"));
    static const char *const totals[] = {"total", "base", "bonus", "negative", NULL};
    for (size_t i = 0; totals[i]; i++) {
        pts(r, totals[i]);
    }
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(r, "subtotals"), i, x)
    {
        pts(x, "value");
    }
    static const char *const leaf[] = {"max", "mean", "min", "max_value", "spread",
                                       "decision", "final", NULL};
    json_array_foreach(json_object_get(r, "leaves"), i, x)
    {
        for (size_t k = 0; leaf[k]; k++) {
            pts(x, leaf[k]);
        }
        pts_array(json_object_get(x, "values"));
    }
    return r;
}

/* ---------------------------------------------------------------- issue 12, wmeet: meetings */

json_t *
wm_api_meeting_kind(json_t *k)
{
    static const char *const t[] = {"created_at", NULL};
    if (k) {
        json_object_set_new(k, "active", json_boolean(ji(k, "active")));
    }
    return times(k, t);
}

json_t *
wm_api_meeting_kinds(json_t *items)
{
    return each(items, wm_api_meeting_kind);
}

json_t *
wm_api_meeting(json_t *m)
{
    static const char *const t[] = {"created_at", "updated_at", NULL};
    if (m) {
        json_object_del(m, "unit_path");
        size_t i;
        json_t *d;
        json_array_foreach(json_object_get(m, "documents"), i, d)
        {
            times(d, t);
        }
    }
    return times(m, t);
}

json_t *
wm_api_meetings(json_t *items)
{
    return each(items, wm_api_meeting);
}

/* ---------------------------------------------------------------- issue 12, work_inspect */

json_t *
wm_api_work_area(json_t *o)
{
    static const char *const t[] = {"created_at", NULL};
    if (o) {
        json_object_set_new(o, "active", json_boolean(ji(o, "active") != 0));
    }
    return times(o, t);
}

json_t *
wm_api_work_inspection(json_t *o)
{
    static const char *const t[] = {"created_at", NULL};
    return times(o, t);
}

json_t *
wm_api_work_bulletin(json_t *o)
{
    static const char *const t[] = {"created_at", "updated_at", NULL};
    if (o && ji(o, "document_id") > 0) {
        char *href = wm_asprintf("/documents/%lld", (long long)ji(o, "document_id"));
        json_object_set_new(o, "document_href", json_string(href));
        free(href);
    }
    return times(o, t);
}

/* issue 13, dat70 */
json_t *
wm_api_archive_check(json_t *o)
{
    static const char *const t[] = {"started_at", "finished_at", NULL};
    static const char *const res[] = {"authenticity", "integrity", "usability", "security", NULL};
    for (int i = 0; res[i]; i++) {
        json_t *v = json_object_get(o, res[i]);
        json_object_set_new(o, res[i], json_is_integer(v) ? json_boolean(json_integer_value(v))
                                                          : json_null());
    }
    json_t *rep = json_object_get(o, "report");
    const json_t *ar = json_object_get(rep, "archive");
    if (rep && ar && json_string_value(json_object_get(o, "pdf_sha"))) {
        char *pdf = wm_asprintf("/api/v1/units/%lld/archives/%lld/check.pdf",
                                (long long)json_integer_value(json_object_get(ar, "unit_id")),
                                (long long)json_integer_value(json_object_get(ar, "year")));
        json_object_set_new(o, "pdf", json_string(pdf));
        free(pdf);
    }
    json_object_del(o, "json_sha");
    json_object_del(o, "pdf_sha");
    json_object_del(o, "json_size");
    json_object_del(o, "pdf_size");
    if (json_is_null(json_object_get(o, "error"))) {
        json_object_del(o, "error");
    }
    return times(o, t);
}

/* end of repr.c */
