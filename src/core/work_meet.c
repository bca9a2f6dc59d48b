/*
** work_meet.c — the creation work's meetings (issue 12): meeting kinds (the defaults made
** with the unit), meetings, the files of a meeting filed into its kind's leaf (wm_work_file), the
** cadence per kind, and the job that makes typed minutes a PDF and files it.  The shared
** contracts (cadence, filing, links) are work_file.c's.
*/
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tx.h"
#include "wm_core.h"

/* ---------------------------------------------------------------- rights */

/* The unit in the caller's sight: evaluators never see its creation work (404). */
static json_t *
meet_unit(struct wm_db *db, const struct wm_actor *a, int64_t unit_id, struct wm_fail *f)
{
    if (a->p && WM_ROLE_EVALUATOR == a->p->role) {
        wm_fail_set(f, WM_E_NOT_FOUND, NULL, "%s", _("单位不存在"));
        return NULL;
    }
    return wm_unit_get_scoped(db, a, unit_id, f);
}

bool
wm_meeting_may_write(const struct wm_actor *a, int64_t unit_id)
{
    return NULL == a->p || (WM_ROLE_UNIT_ADMIN == a->p->role && a->p->org_id == unit_id);
}

static enum wm_err
may_write(const struct wm_actor *a, int64_t unit_id, struct wm_fail *f)
{
    return wm_meeting_may_write(a, unit_id)
               ? WM_OK
               : wm_fail_set(f, WM_E_FORBIDDEN, NULL, "%s", _("只有本单位管理员可以登记会议"));
}

/* wm_work_start_day: work_plan.c's (the settings' reader; the two merged, issue 12) */

/* ---------------------------------------------------------------- fields */

/* An integer field given as a number, a boolean or digits (a form); dflt when absent. */
static bool
int_field(const json_t *in, const char *key, int64_t dflt, int64_t *out)
{
    json_t *v = json_object_get(in, key);
    *out = dflt;
    if (NULL == v || json_is_null(v)) {
        return true;
    }
    if (json_is_integer(v) || json_is_boolean(v)) {
        *out = json_is_integer(v) ? json_integer_value(v) : json_is_true(v);
        return true;
    }
    const char *s = json_string_value(v);
    if (NULL == s || '\0' == *s || strlen(s) > 9 || strspn(s, "0123456789") != strlen(s)) {
        return false;
    }
    *out = strtoll(s, NULL, 10);
    return true;
}

/* A text field: the given string (trimmed of nothing: checked as is), else dflt. */
static const char *
text_field(const json_t *in, const char *key, const char *dflt)
{
    json_t *v = json_object_get(in, key);
    return json_is_string(v) ? json_string_value(v) : json_is_null(v) ? NULL : dflt;
}

/* Text with lines: valid UTF-8 of at most max characters, no control but line breaks, tabs. */
static bool
lines_ok(const char *s, size_t max)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p < 0x20 && '\n' != *p && '\r' != *p && '\t' != *p) || 0x7f == *p) {
            return false;
        }
    }
    return wm_utf8_valid(s, strlen(s)) && wm_utf8_len(s) <= max;
}

/* Whether code is a leaf of the archive of (unit, year); *why says what is wrong. */
static bool
leaf_in_year(struct wm_db *db, int64_t unit_id, int64_t year, const char *code, char **why)
{
    json_t *ar = db->ops->archive_get(db, unit_id, year);
    json_t *inds = ar ? db->ops->ind_list(db, jsi(ar, "edition_id"), true) : NULL;
    bool found = false;
    size_t i;
    json_t *x;
    json_array_foreach(inds, i, x)
    {
        found = found || wm_streq(jss(x, "code"), code);
    }
    *why = NULL == ar ? wm_asprintf(_("%lld 年度档案尚未建立，请先建立该年度档案"), (long long)year)
           : !found ? wm_asprintf(_("指标 %s 不是 %lld 年度档案的末级指标"), code, (long long)year)
                    : NULL;
    json_decref(inds);
    json_decref(ar);
    return found;
}

/* ---------------------------------------------------------------- meeting kinds */

static const char *const periods[] = { "none", "monthly", "quarterly", "half-yearly", "yearly" };

static enum wm_err
kind_from(struct wm_db *db,
          int64_t unit_id,
          const json_t *base,
          const json_t *in,
          struct wm_meeting_kind_in *k,
          struct wm_fail *f)
{
    bool period_ok = false;
    int64_t year;
    k->name = text_field(in, "name", jss(base, "name"));
    k->period = text_field(in, "period", base ? jss(base, "period") : "none");
    k->leaf_code = text_field(in, "leaf_code", jss(base, "leaf_code"));
    if (k->leaf_code && '\0' == *k->leaf_code) {
        k->leaf_code = NULL;
    }
    for (size_t i = 0; i < WM_ARRAY_LEN(periods); i++) {
        period_ok = period_ok || wm_streq(k->period, periods[i]);
    }
    if (!k->name || !wm_valid_text(k->name, 50)) {
        return wm_fail_set(f, WM_E_BAD_REQUEST, "name", "%s", _("请填写会议类型名称（50 字以内）"));
    }
    if (!period_ok) {
        return wm_fail_set(f, WM_E_BAD_REQUEST, "period", "%s",
                           _("周期须为不定期、每月、每季度、每半年或每年"));
    }
    if (!int_field(in, "min_count", base ? jsi(base, "min_count") : 1, &k->min_count) ||
        k->min_count < 0 || k->min_count > 100) {
        return wm_fail_set(f, WM_E_BAD_REQUEST, "min_count", "%s",
                           _("每期至少次数须在 0 至 100 之间"));
    }
    if (!int_field(in, "position", jsi(base, "position"), &k->position) ||
        !int_field(in, "active", base ? jsi(base, "active") : 1, &k->active) || k->active < 0 ||
        k->active > 1) {
        return wm_fail_set(f, WM_E_BAD_REQUEST, "active", "%s", _("排序或启用状态无效"));
    }
    if (!int_field(in, "year", wm_archive_current_year(), &year)) {
        return wm_fail_set(f, WM_E_BAD_REQUEST, "year", "%s", _("年度无效"));
    }
    char *why = NULL;
    if (k->leaf_code && !leaf_in_year(db, unit_id, year, k->leaf_code, &why)) {
        enum wm_err e = wm_fail_set(f, WM_E_BAD_REQUEST, "leaf_code", _("归档指标无效：%s"), why);
        free(why);
        return e;
    }
    return WM_OK;
}

/* A new unit's kinds, stored as named here (data, not the caller's language). */
static const struct {
    const char *name, *period;
} kind_defaults[] = {
    { N_("领导小组会议"), "quarterly" },
    { N_("工作分析会"), "monthly" },
    { N_("半年总结会"), "half-yearly" },
};

enum wm_err
wm_meeting_kinds_default(struct wm_db *db,
                         const struct wm_actor *a,
                         int64_t unit_id,
                         const char *path,
                         struct wm_fail *f)
{
    for (size_t i = 0; i < WM_ARRAY_LEN(kind_defaults); i++) {
        struct wm_meeting_kind_in k = { .name = kind_defaults[i].name,
                                        .period = kind_defaults[i].period,
                                        .min_count = 1,
                                        .position = (int64_t)i,
                                        .active = 1 };
        int64_t id;
        if (WM_QS_ONE != db->ops->meeting_kind_insert(db, unit_id, &k, wm_now(), &id)) {
            return wm_write_fail(db, f, NULL, NULL, _("无法保存会议类型"));
        }
    }
    return wm_audit_new(db, a, "work.meeting_kind.defaults", "org", unit_id, path, NULL,
                        db->ops->meeting_kind_list(db, unit_id));
}

json_t *
wm_meeting_kinds(struct wm_db *db, const struct wm_actor *a, int64_t unit_id, struct wm_fail *f)
{
    json_t *unit = meet_unit(db, a, unit_id, f);
    if (NULL == unit) {
        return NULL;
    }
    json_t *kinds = db->ops->meeting_kind_list(db, unit_id);
    if (NULL == kinds) {
        wm_read_fail(db, f, NULL, NULL);
    }
    json_decref(unit);
    return kinds;
}

/* A kind of the caller's sight; *unit (may be NULL) receives its unit. */
static json_t *
kind_scoped(struct wm_db *db,
            const struct wm_actor *a,
            int64_t id,
            json_t **unit,
            struct wm_fail *f)
{
    json_t *k = db->ops->meeting_kind_get(db, id);
    json_t *u = k ? meet_unit(db, a, jsi(k, "unit_id"), NULL) : NULL;
    if (NULL == u) {
        json_decref(k);
        wm_read_fail(db, f, NULL, _("会议类型不存在"));
        return NULL;
    }
    if (unit) {
        *unit = u;
    } else {
        json_decref(u);
    }
    return k;
}

json_t *
wm_meeting_kind_get(struct wm_db *db, const struct wm_actor *a, int64_t id, struct wm_fail *f)
{
    return kind_scoped(db, a, id, NULL, f);
}

static enum wm_err minutes_job(struct wm_db *db,
                               const struct wm_actor *a,
                               int64_t id,
                               const char *path,
                               struct wm_fail *f);

/* A kind given a leaf: the typed minutes of its meetings not filed yet are made now. */
static enum wm_err
kind_refile(struct wm_db *db,
            const struct wm_actor *a,
            const json_t *unit,
            int64_t kind,
            struct wm_fail *f)
{
    json_t *rows = db->ops->meeting_list(db, jsi(unit, "id"), NULL, NULL, kind);
    enum wm_err e = rows ? WM_OK : wm_read_fail(db, f, NULL, NULL);
    size_t i;
    json_t *x;
    json_array_foreach(rows, i, x)
    {
        if (WM_OK == e && *jss(x, "minutes") && 0 == jsi(x, "minutes_document_id")) {
            e = minutes_job(db, a, jsi(x, "id"), jss(unit, "path"), f);
        }
    }
    json_decref(rows);
    return e;
}

static enum wm_err
kind_write_once(struct wm_db *db,
                const struct wm_actor *a,
                const json_t *unit,
                const json_t *before,
                const struct wm_meeting_kind_in *k,
                int64_t *id,
                struct wm_fail *f)
{
    enum wm_err e;
    if (WM_OK != (e = tx_begin(db, f))) {
        return e;
    }
    enum wm_qs qs = before ? db->ops->meeting_kind_update(db, *id, k)
                           : db->ops->meeting_kind_insert(db, jsi(unit, "id"), k, wm_now(), id);
    if (WM_QS_CONFLICT == qs) {
        e = wm_fail_set(f, WM_E_CONFLICT, "name", _("已有名为“%s”的会议类型"), k->name);
    } else if (WM_QS_ONE != qs) {
        e = wm_write_fail(db, f, NULL, NULL, _("无法保存会议类型"));
    } else {
        e = wm_audit_new(db, a, before ? "work.meeting_kind.update" : "work.meeting_kind.create",
                         "work_meeting_kind", *id, jss(unit, "path"), json_incref((json_t *)before),
                         db->ops->meeting_kind_get(db, *id));
    }
    if (WM_OK == e && before && k->leaf_code && !wm_streq(jss(before, "leaf_code"), k->leaf_code)) {
        e = kind_refile(db, a, unit, *id, f);
    }
    return tx_end(db, e, f);
}

enum wm_err
wm_meeting_kind_create(struct wm_db *db,
                       const struct wm_actor *a,
                       int64_t unit_id,
                       const json_t *in,
                       int64_t *id,
                       struct wm_fail *f)
{
    struct wm_meeting_kind_in k;
    enum wm_err e;
    json_t *unit = meet_unit(db, a, unit_id, f);
    if (NULL == unit) {
        return f ? f->err : WM_E_NOT_FOUND;
    }
    if (WM_OK == (e = may_write(a, unit_id, f)) &&
        WM_OK == (e = kind_from(db, unit_id, NULL, in, &k, f))) {
        TX_RETRY(e, kind_write_once(db, a, unit, NULL, &k, id, f));
    }
    json_decref(unit);
    return e;
}

enum wm_err
wm_meeting_kind_update(struct wm_db *db,
                       const struct wm_actor *a,
                       int64_t id,
                       const json_t *in,
                       struct wm_fail *f)
{
    struct wm_meeting_kind_in k;
    enum wm_err e;
    json_t *unit = NULL, *before = kind_scoped(db, a, id, &unit, f);
    if (NULL == before) {
        return f ? f->err : WM_E_NOT_FOUND;
    }
    if (WM_OK == (e = may_write(a, jsi(unit, "id"), f)) &&
        WM_OK == (e = kind_from(db, jsi(unit, "id"), before, in, &k, f))) {
        TX_RETRY(e, kind_write_once(db, a, unit, before, &k, &id, f));
    }
    json_decref(before);
    json_decref(unit);
    return e;
}

/* ---------------------------------------------------------------- meetings */

#define MEETING_TITLE_MAX 200
#define MEETING_TEXT_MAX  20000

static enum wm_err
meeting_from(struct wm_db *db,
             int64_t unit_id,
             const json_t *base,
             const json_t *in,
             struct wm_meeting_in *m,
             struct wm_fail *f)
{
    int64_t day;
    if (!int_field(in, "kind_id", jsi(base, "kind_id"), &m->kind_id)) {
        return wm_fail_set(f, WM_E_BAD_REQUEST, "kind_id", "%s", _("请选择会议类型"));
    }
    json_t *k = m->kind_id > 0 ? db->ops->meeting_kind_get(db, m->kind_id) : NULL;
    bool kind_ok = k && jsi(k, "unit_id") == unit_id;
    json_decref(k);
    m->held_on = text_field(in, "held_on", jss(base, "held_on"));
    m->title = text_field(in, "title", jss(base, "title"));
    m->place = text_field(in, "place", jss(base, "place"));
    m->attendees = text_field(in, "attendees", base ? jss(base, "attendees") : "");
    m->minutes = text_field(in, "minutes", base ? jss(base, "minutes") : "");
    m->place = m->place && *m->place ? m->place : NULL;
    m->attendees = m->attendees ? m->attendees : "";
    m->minutes = m->minutes ? m->minutes : "";
    if (!kind_ok) {
        return wm_fail_set(f, WM_E_BAD_REQUEST, "kind_id", "%s", _("会议类型不存在"));
    }
    if (!wm_day_parse(m->held_on, &day)) {
        return wm_fail_set(f, WM_E_BAD_REQUEST, "held_on", "%s", _("请填写会议日期（YYYY-MM-DD）"));
    }
    if (!m->title || !wm_valid_text(m->title, MEETING_TITLE_MAX) ||
        (m->place && !wm_valid_text(m->place, MEETING_TITLE_MAX))) {
        return wm_fail_set(f, WM_E_BAD_REQUEST,
                           m->title && wm_valid_text(m->title, MEETING_TITLE_MAX) ? "place"
                                                                                  : "title",
                           _("请填写会议名称和地点（各 %d 字以内）"), MEETING_TITLE_MAX);
    }
    if (!lines_ok(m->attendees, MEETING_TEXT_MAX) || !lines_ok(m->minutes, MEETING_TEXT_MAX)) {
        return wm_fail_set(
            f, WM_E_BAD_REQUEST, lines_ok(m->attendees, MEETING_TEXT_MAX) ? "minutes" : "attendees",
            _("参会人员和会议纪要各不超过 %d 字，且不能含有控制字符"), MEETING_TEXT_MAX);
    }
    return WM_OK;
}

/* Queue the typed minutes' PDF (one waiting job per meeting). */
static enum wm_err
minutes_job(struct wm_db *db,
            const struct wm_actor *a,
            int64_t id,
            const char *path,
            struct wm_fail *f)
{
    char key[48];
    int64_t job = 0;
    snprintf(key, sizeof key, "meeting:%lld", (long long)id);
    json_t *payload = json_pack("{s:I}", "meeting_id", (json_int_t)id);
    enum wm_err e = wm_job_submit(db, a, "work.minutes", payload, path, key, &job, f);
    json_decref(payload);
    return e;
}

/* Whether the minutes' PDF is to be made: never filed yet (a leaf set since, an archive
** made since), or what it shows changed. */
static bool
minutes_to_file(const json_t *before, const struct wm_meeting_in *m)
{
    return NULL == before || 0 == jsi(before, "minutes_document_id") ||
           !wm_streq(jss(before, "minutes"), m->minutes) ||
           !wm_streq(jss(before, "title"), m->title) ||
           !wm_streq(jss(before, "held_on"), m->held_on) ||
           !wm_streq(jss(before, "place") ? jss(before, "place") : "", m->place ? m->place : "") ||
           !wm_streq(jss(before, "attendees"), m->attendees) ||
           jsi(before, "kind_id") != m->kind_id;
}

static enum wm_err
meeting_write_once(struct wm_db *db,
                   const struct wm_actor *a,
                   const json_t *unit,
                   const json_t *before,
                   const struct wm_meeting_in *m,
                   int64_t *id,
                   struct wm_fail *f)
{
    enum wm_err e;
    if (WM_OK != (e = tx_begin(db, f))) {
        return e;
    }
    enum wm_qs qs = before ? db->ops->meeting_update(db, *id, m, wm_now())
                           : db->ops->meeting_insert(db, jsi(unit, "id"), m,
                                                     a->p ? a->p->user_id : 0, wm_now(), id);
    if (WM_QS_ONE != qs) {
        e = wm_write_fail(db, f, NULL, NULL, _("无法保存会议"));
    } else if (WM_OK == (e = wm_audit_new(
                             db, a, before ? "work.meeting.update" : "work.meeting.create",
                             "work_meeting", *id, jss(unit, "path"), json_incref((json_t *)before),
                             db->ops->meeting_get(db, *id))) &&
               *m->minutes && minutes_to_file(before, m)) {
        e = minutes_job(db, a, *id, jss(unit, "path"), f);
    }
    return tx_end(db, e, f);
}

enum wm_err
wm_meeting_create(struct wm_db *db,
                  const struct wm_actor *a,
                  int64_t unit_id,
                  const json_t *in,
                  int64_t *id,
                  struct wm_fail *f)
{
    struct wm_meeting_in m;
    enum wm_err e;
    json_t *unit = meet_unit(db, a, unit_id, f);
    if (NULL == unit) {
        return f ? f->err : WM_E_NOT_FOUND;
    }
    if (WM_OK == (e = may_write(a, unit_id, f)) &&
        WM_OK == (e = meeting_from(db, unit_id, NULL, in, &m, f))) {
        TX_RETRY(e, meeting_write_once(db, a, unit, NULL, &m, id, f));
    }
    json_decref(unit);
    return e;
}

/* A meeting of the caller's sight; *unit (may be NULL) receives its unit. */
static json_t *
meeting_scoped(struct wm_db *db,
               const struct wm_actor *a,
               int64_t id,
               json_t **unit,
               struct wm_fail *f)
{
    json_t *m = db->ops->meeting_get(db, id);
    json_t *u = m ? meet_unit(db, a, jsi(m, "unit_id"), NULL) : NULL;
    if (NULL == u) {
        json_decref(m);
        wm_read_fail(db, f, NULL, _("会议不存在"));
        return NULL;
    }
    if (unit) {
        *unit = u;
    } else {
        json_decref(u);
    }
    return m;
}

enum wm_err
wm_meeting_update(struct wm_db *db,
                  const struct wm_actor *a,
                  int64_t id,
                  const json_t *in,
                  struct wm_fail *f)
{
    struct wm_meeting_in m;
    enum wm_err e;
    json_t *unit = NULL, *before = meeting_scoped(db, a, id, &unit, f);
    if (NULL == before) {
        return f ? f->err : WM_E_NOT_FOUND;
    }
    if (WM_OK == (e = may_write(a, jsi(unit, "id"), f)) &&
        WM_OK == (e = meeting_from(db, jsi(unit, "id"), before, in, &m, f))) {
        TX_RETRY(e, meeting_write_once(db, a, unit, before, &m, &id, f));
    }
    json_decref(before);
    json_decref(unit);
    return e;
}

/* The year a meeting was held in. */
static int64_t
meeting_year(const json_t *m)
{
    int64_t day = 0, y;
    int mo, d;
    if (!wm_day_parse(jss(m, "held_on"), &day)) {
        return 0;
    }
    wm_day_ymd(day, &y, &mo, &d);
    return y;
}

/* Whether a meeting's files can be filed, and if not, what to set (caller frees). */
static char *
meeting_unfiled(struct wm_db *db, const json_t *m)
{
    const char *code = jss(m, "leaf_code");
    char *why = NULL;
    if (NULL == code || '\0' == *code) {
        return wm_asprintf(_("会议类型“%s”未设置归档指标，请单位管理员在会议类型中设置"),
                           jss(m, "kind_name"));
    }
    if (!leaf_in_year(db, jsi(m, "unit_id"), meeting_year(m), code, &why)) {
        return why;
    }
    return NULL;
}

/* The state of a meeting's typed minutes into m: "minutes_state" none, pending (their PDF
** being made), failed ("minutes_error" says why), filed, unfiled (nowhere to file them). */
static void
minutes_state_set(struct wm_db *db, json_t *m, bool fileable)
{
    json_t *job = db->ops->meeting_minutes_job(db, jsi(m, "id"));
    const char *st = job ? jss(job, "state") : "", *out;
    json_t *error = json_null();
    if ('\0' == *jss(m, "minutes")) {
        out = "none";
    } else if (fileable && (wm_streq(st, "queued") || wm_streq(st, "running"))) {
        out = "pending";
    } else if (fileable && wm_streq(st, "failed")) {
        out = "failed";
        json_decref(error);
        error = json_string(jss(job, "last_error") ? jss(job, "last_error") : "");
    } else {
        out = jsi(m, "minutes_document_id") ? "filed" : fileable ? "pending" : "unfiled";
    }
    json_object_set_new(m, "minutes_state", json_string(out));
    json_object_set_new(m, "minutes_error", error);
    json_decref(job);
}

json_t *
wm_meeting_get(struct wm_db *db, const struct wm_actor *a, int64_t id, struct wm_fail *f)
{
    json_t *m = meeting_scoped(db, a, id, NULL, f);
    if (NULL == m) {
        return NULL;
    }
    char *why = meeting_unfiled(db, m);
    json_t *links = wm_work_links(db, "meeting", id);
    json_object_set_new(m, "documents", links ? links : json_array());
    json_object_set_new(m, "fileable", json_boolean(NULL == why));
    json_object_set_new(m, "unfiled_reason", why ? json_string(why) : json_null());
    minutes_state_set(db, m, NULL == why);
    json_object_del(m, "unit_path");
    free(why);
    return m;
}

json_t *
wm_meetings(struct wm_db *db,
            const struct wm_actor *a,
            int64_t unit_id,
            int64_t year,
            int64_t kind_id,
            struct wm_fail *f)
{
    json_t *unit = meet_unit(db, a, unit_id, f);
    if (NULL == unit) {
        return NULL;
    }
    json_decref(unit);
    char lo[16], hi[16];
    snprintf(lo, sizeof lo, "%04lld-01-01", (long long)year);
    snprintf(hi, sizeof hi, "%04lld-12-31", (long long)year);
    json_t *rows = db->ops->meeting_list(db, unit_id, year ? lo : NULL, year ? hi : NULL, kind_id);
    if (NULL == rows) {
        wm_read_fail(db, f, NULL, NULL);
    }
    return rows;
}

/* ---------------------------------------------------------------- files of a meeting */

static enum wm_err
meeting_file_once(struct wm_db *db,
                  const struct wm_actor *a,
                  const json_t *m,
                  const char *role,
                  const struct wm_upload *up,
                  int64_t *document_id,
                  struct wm_fail *f)
{
    enum wm_err e;
    struct wm_doc_meta meta = { .date_formed = jss(m, "held_on") };
    if (WM_OK != (e = tx_begin(db, f))) {
        return e;
    }
    *document_id = 0;
    if (WM_OK == (e = wm_work_file(db, a, jsi(m, "unit_id"), meeting_year(m), jss(m, "leaf_code"),
                                   &meta, up, "meeting", jsi(m, "id"), role, document_id, f))) {
        e = wm_audit_new(
            db, a, "work.meeting.file", "work_meeting", jsi(m, "id"), jss(m, "unit_path"), NULL,
            json_pack("{s:s, s:I}", "role", role, "document_id", (json_int_t)*document_id));
    }
    return tx_end(db, e, f);
}

enum wm_err
wm_meeting_file(struct wm_db *db,
                const struct wm_actor *a,
                int64_t id,
                const char *role,
                const struct wm_upload *up,
                int64_t *document_id,
                struct wm_fail *f)
{
    enum wm_err e;
    json_t *m = meeting_scoped(db, a, id, NULL, f);
    if (NULL == m) {
        return f ? f->err : WM_E_NOT_FOUND;
    }
    if (!wm_streq(role, "photo") && !wm_streq(role, "minutes")) {
        e = wm_fail_set(f, WM_E_BAD_REQUEST, "role", "%s", _("文件须为会议照片或会议纪要"));
    } else if (WM_OK == (e = may_write(a, jsi(m, "unit_id"), f))) {
        TX_RETRY(e, meeting_file_once(db, a, m, role, up, document_id, f));
    }
    json_decref(m);
    return e;
}

/* ---------------------------------------------------------------- cadence of meetings */

/* A period's state in words for the API: none (owes nothing), met, late, current, future. */
static const char *
period_state(const struct wm_cadence *c)
{
    return c->held >= c->owed && c->owed > 0 ? "met"
           : c->late                         ? "late"
           : c->current                      ? "current"
           : 0 == c->owed                    ? "none"
                                             : "future";
}

static json_t *
kind_cadence(const json_t *kind, const json_t *meetings, int64_t year, int64_t start, int64_t today)
{
    int64_t days[512];
    size_t nd = 0, i;
    json_t *x;
    json_array_foreach(meetings, i, x)
    {
        if (nd < WM_ARRAY_LEN(days) && jsi(x, "kind_id") == jsi(kind, "id") &&
            wm_day_parse(jss(x, "held_on"), &days[nd])) {
            nd++;
        }
    }
    struct wm_cadence c[WM_CADENCE_MAX];
    size_t n = wm_work_cadence(jss(kind, "period"), (int)jsi(kind, "min_count"), year, start, today,
                               days, nd, c);
    json_t *ps = json_array();
    int64_t owed = 0, held = 0, late = 0;
    for (size_t k = 0; k < n; k++) {
        char s[WM_DAY_LEN], e[WM_DAY_LEN];
        wm_day_format(c[k].start, s);
        wm_day_format(c[k].end, e);
        json_array_append_new(ps, json_pack("{s:s, s:s, s:s, s:s, s:i, s:i, s:b, s:b, s:s}",
                                            "period", c[k].key, "label", wm_period_label(c[k].key),
                                            "start", s, "end", e, "owed", c[k].owed, "held",
                                            c[k].held, "late", c[k].late, "current", c[k].current,
                                            "state", period_state(&c[k])));
        owed += c[k].owed;
        held += c[k].held < c[k].owed ? c[k].held : c[k].owed;
        late += c[k].late;
    }
    return json_pack("{s:I, s:s, s:s, s:I, s:b, s:I, s:I, s:I, s:I, s:o}", "kind_id",
                     (json_int_t)jsi(kind, "id"), "name", jss(kind, "name"), "period",
                     jss(kind, "period"), "min_count", (json_int_t)jsi(kind, "min_count"), "active",
                     jsi(kind, "active") != 0, "owed", (json_int_t)owed, "held", (json_int_t)held,
                     "meetings", (json_int_t)nd, "late", (json_int_t)late, "periods", ps);
}

json_t *
wm_meeting_cadence(struct wm_db *db,
                   const struct wm_actor *a,
                   int64_t unit_id,
                   int64_t year,
                   int64_t today,
                   struct wm_fail *f)
{
    json_t *kinds = wm_meeting_kinds(db, a, unit_id, f);
    json_t *meetings = kinds ? wm_meetings(db, a, unit_id, year, 0, f) : NULL;
    if (NULL == meetings) {
        json_decref(kinds);
        return NULL;
    }
    int64_t start = wm_work_start_day(db, unit_id);
    char t[WM_DAY_LEN], s[WM_DAY_LEN];
    wm_day_format(today, t);
    wm_day_format(start, s);
    json_t *out = json_pack("{s:I, s:I, s:s, s:s, s:[]}", "unit_id", (json_int_t)unit_id, "year",
                            (json_int_t)year, "today", t, "start_on", s, "kinds");
    size_t i;
    json_t *k;
    json_array_foreach(kinds, i, k)
    {
        if (jsi(k, "active") && !wm_streq(jss(k, "period"), "none")) {
            json_array_append_new(json_object_get(out, "kinds"),
                                  kind_cadence(k, meetings, year, start, today));
        }
    }
    json_decref(kinds);
    json_decref(meetings);
    return out;
}

/* ---------------------------------------------------------------- the minutes' PDF (job) */

static struct wm_jobs_env menv;

/* The spec of the minutes (会议纪要) the wenming-compile helper renders. */
static json_t *
minutes_spec(const json_t *m)
{
    int64_t day = 0, y = 0;
    int mo = 0, d = 0;
    if (wm_day_parse(jss(m, "held_on"), &day)) {
        wm_day_ymd(day, &y, &mo, &d);
    }
    char *date = wm_asprintf("%lld年%d月%d日", (long long)y, mo, d);
    json_t *spec =
        json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "kind", "work.minutes", "title",
                  jss(m, "title"), "unit", jss(m, "unit_name"), "meeting_kind", jss(m, "kind_name"),
                  "date", date, "place", jss(m, "place") ? jss(m, "place") : "", "attendees",
                  jss(m, "attendees"), "minutes", jss(m, "minutes"));
    free(date);
    return spec;
}

static enum wm_err
minutes_file_once(struct wm_db *db,
                  const struct wm_actor *a,
                  const json_t *m,
                  const char *pdf,
                  int64_t *doc,
                  struct wm_fail *f)
{
    enum wm_err e;
    char *title = wm_asprintf(_("会议纪要：%s"), jss(m, "title"));
    struct wm_doc_meta meta = { .title = title, .date_formed = jss(m, "held_on") };
    *doc = jsi(m, "minutes_document_id");
    if (WM_OK != (e = tx_begin(db, f))) {
        free(title);
        return e;
    }
    if (WM_OK == (e = wm_work_file_path(db, menv.blobs, a, jsi(m, "unit_id"), meeting_year(m),
                                        jss(m, "leaf_code"), &meta, pdf, _("会议纪要.pdf"),
                                        "meeting", jsi(m, "id"), "minutes", doc, f)) &&
        *doc != jsi(m, "minutes_document_id") &&
        WM_QS_ONE != db->ops->meeting_set_minutes_doc(db, jsi(m, "id"), *doc)) {
        e = wm_write_fail(db, f, NULL, NULL, _("无法保存会议"));
    }
    free(title);
    return tx_end(db, e, f);
}

static enum wm_err
run_minutes(struct wm_db *db,
            struct wm_job *job,
            const json_t *payload,
            json_t **result,
            struct wm_fail *f)
{
    json_t *m = db->ops->meeting_get(db, jsi(payload, "meeting_id"));
    char *why = m ? meeting_unfiled(db, m) : NULL;
    if (NULL == m || '\0' == *jss(m, "minutes") || why) {
        /* gone, no typed minutes, or nowhere to file them: nothing to do (the page says why) */
        *result = json_pack("{s:b, s:s?}", "filed", false, "reason", why);
        free(why);
        json_decref(m);
        return wm_db_failed(db) ? wm_read_fail(db, f, NULL, NULL) : WM_OK;
    }
    int64_t uid = jsi(wm_job_row(job), "created_by"), doc = 0;
    struct wm_principal *p = uid ? wm_principal_load(db, uid) : NULL;
    char rid[32];
    snprintf(rid, sizeof rid, "job-%lld", (long long)wm_job_id(job));
    struct wm_actor a = { .p = p, .request_id = rid, .addr = "job" };
    struct wm_compile c;
    enum wm_err e = WM_OK;
    if (uid && NULL == p) {
        e = wm_fail_set(f, WM_E_FORBIDDEN, NULL, "%s", _("登记会议的账号已不存在或已停用"));
    } else if (WM_OK == (e = wm_compile_begin(&c, "wenming-minutes", f))) {
        json_t *spec = minutes_spec(m);
        if (WM_OK ==
            (e = wm_compile_run(&c, menv.compile_make, spec, JSON_COMPACT, _("会议纪要"), f))) {
            TX_RETRY(e, minutes_file_once(db, &a, m, c.pdf, &doc, f));
        }
        json_decref(spec);
        wm_compile_end(&c);
    }
    if (WM_OK == e) {
        *result = json_pack("{s:b, s:I}", "filed", true, "document_id", (json_int_t)doc);
    }
    wm_principal_free(p);
    json_decref(m);
    return e;
}

void
wm_meet_register_jobs(const struct wm_jobs_env *env)
{
    menv = *env;
    const struct wm_job_kind k = {
        .kind = "work.minutes", .run = run_minutes, .max_attempts = 3, .backoff = 30
    };
    wm_jobs_register(&k);
}

/* end of work_meet.c */
