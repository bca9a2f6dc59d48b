/*
** sq_dashboard.c — the SQLite backend's part of the office's home (issue 9, migration
** 0013): the schedule summary (sched_met, sched_count) kept by src/core/schedule.c, the
** review backlog by submission age, and units whose accounts have not logged in lately.
*/
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "sq_helper.h"

#define DB ((struct sq_db *)base)

static json_t *
sched_leaf_docs(struct wm_db *base, int64_t archive_id, const char *code)
{
    static const char sql[] =
        "SELECT a.year, i.frequency, d.status, d.date_formed FROM archive a "
        "JOIN indicator i ON i.edition_id = a.edition_id AND i.code = ?2 "
        "LEFT JOIN document d ON d.archive_id = a.id AND d.indicator_code = ?2 "
        "AND d.deleted_at IS NULL WHERE a.id = ?1";
    return sq_rows(DB, sq_prep(DB, sql, "it", archive_id, code));
}

static json_t *
sched_met_list(struct wm_db *base, int64_t archive_id, const char *code)
{
    static const char sql[] = "SELECT period, met_approved, met_submitted FROM sched_met "
                              "WHERE archive_id = ?1 AND indicator_code = ?2 ORDER BY period";
    return sq_rows(DB, sq_prep(DB, sql, "it", archive_id, code));
}

static enum wm_qs
sched_met_set(struct wm_db *base, int64_t archive_id, const char *code, const char *period,
              int approved, int submitted, int d_approved, int d_submitted)
{
    static const char sql_put[] =
        "INSERT INTO sched_met(archive_id, indicator_code, period, met_approved, met_submitted) "
        "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (archive_id, indicator_code, period) "
        "DO UPDATE SET met_approved = excluded.met_approved, "
        "met_submitted = excluded.met_submitted";
    static const char sql_del[] =
        "DELETE FROM sched_met WHERE archive_id = ?1 AND indicator_code = ?2 AND period = ?3";
    static const char sql_count[] =
        "INSERT INTO sched_count(archive_id, period, met_approved, met_submitted) "
        "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (archive_id, period) "
        "DO UPDATE SET met_approved = met_approved + ?3, met_submitted = met_submitted + ?4";
    enum wm_qs qs;
    if (approved || submitted) {
        qs = sq_exec(DB, sq_prep(DB, sql_put, "ittii", archive_id, code, period,
                                 (int64_t)approved, (int64_t)submitted));
    } else {
        qs = sq_exec(DB, sq_prep(DB, sql_del, "itt", archive_id, code, period));
    }
    if (qs < 0) {
        return qs;
    }
    if (0 == d_approved && 0 == d_submitted) {
        return WM_QS_ONE;
    }
    return sq_exec(DB, sq_prep(DB, sql_count, "itii", archive_id, period, (int64_t)d_approved,
                               (int64_t)d_submitted));
}

static enum wm_qs
sched_clear(struct wm_db *base, int64_t archive_id)
{
    static const char sql_met[] = "DELETE FROM sched_met WHERE archive_id = ?1";
    static const char sql_count[] = "DELETE FROM sched_count WHERE archive_id = ?1";
    enum wm_qs qs = sq_exec(DB, sq_prep(DB, sql_met, "i", archive_id));
    if (qs < 0) {
        return qs;
    }
    qs = sq_exec(DB, sq_prep(DB, sql_count, "i", archive_id));
    return qs < 0 ? qs : WM_QS_ONE;
}

static json_t *
sched_archives(struct wm_db *base)
{
    static const char sql[] = "SELECT id FROM archive ORDER BY id";
    return sq_rows(DB, sq_prep(DB, sql, ""));
}

static json_t *
sched_counts(struct wm_db *base, const char *scope, int64_t year, const char *unit_type)
{
    /* One row per archive, its counters in one text: a city's 3,000 archives are 3,000
    ** rows to read, not 12,000 */
    static const char sql[] =
        "SELECT a.id AS archive_id, a.edition_id, a.year, o.id AS unit_id, o.name AS unit_name, "
        "o.code AS unit_code, o.type AS unit_type, o.parent_id AS district_id, "
        "p.name AS district_name, "
        "group_concat(c.period || ':' || c.met_approved || ':' || c.met_submitted, ',') AS counts "
        "FROM org o JOIN archive a ON a.unit_id = o.id AND a.year = ?3 "
        "LEFT JOIN org p ON p.id = o.parent_id "
        "LEFT JOIN sched_count c ON c.archive_id = a.id "
        "WHERE o.kind = 'unit' AND (?1 IS NULL OR (o.path >= ?1 AND o.path < ?2)) "
        "AND (?4 IS NULL OR o.type = ?4) GROUP BY a.id ORDER BY a.id";
    struct wm_db_range r = wm_db_range_of(scope);
    json_t *a = sq_rows(DB, sq_prep(DB, sql, "ttit", r.lo, r.hi, year, unit_type));
    wm_db_range_free(&r);
    return a;
}

/* The backlog's counts by age (t3 > t7 > t14: the times 3, 7 and 14 days ago). */
#define BACKLOG_COLS \
    "SELECT count(*) AS total, " \
    "coalesce(sum(d.status_at >= ?3), 0) AS lt3, " \
    "coalesce(sum(d.status_at < ?3 AND d.status_at >= ?4), 0) AS d3_7, " \
    "coalesce(sum(d.status_at < ?4 AND d.status_at >= ?5), 0) AS d7_14, " \
    "coalesce(sum(coalesce(d.status_at, 0) < ?5), 0) AS gt14, " \
    "min(coalesce(d.status_at, 0)) AS oldest "

static json_t *
review_backlog(struct wm_db *base, const char *scope, int64_t t3, int64_t t7, int64_t t14)
{
    /* Everywhere: the index document_queue (status, deleted_at, status_at) alone.  Within
    ** a scope: through its units, the index document_backlog (archive_id, status,
    ** deleted_at, status_at) giving each archive's submitted documents and their age. */
    static const char sql_all[] =
        BACKLOG_COLS "FROM document d WHERE d.status = 'submitted' AND d.deleted_at IS NULL";
    static const char sql[] =
        BACKLOG_COLS "FROM org o JOIN archive a ON a.unit_id = o.id "
        "JOIN document d ON d.archive_id = a.id AND d.status = 'submitted' "
        "AND d.deleted_at IS NULL "
        "WHERE o.kind = 'unit' AND o.path >= ?1 AND o.path < ?2";
    struct wm_db_range r = wm_db_range_of(scope);
    json_t *o = r.lo ? sq_row(DB, sq_prep(DB, sql, "ttiii", r.lo, r.hi, t3, t7, t14))
                     : sq_row(DB, sq_prep(DB, sql_all, "ttiii", r.lo, r.hi, t3, t7, t14));
    wm_db_range_free(&r);
    return o;
}

static json_t *
units_inactive(struct wm_db *base, const char *scope, int64_t since)
{
    static const char sql[] =
        "SELECT o.id, o.name, o.code, o.type, o.parent_id AS district_id, "
        "p.name AS district_name, max(u.last_login_at) AS last_login_at "
        "FROM org o LEFT JOIN org p ON p.id = o.parent_id LEFT JOIN user u ON u.org_id = o.id "
        "WHERE o.kind = 'unit' AND (?1 IS NULL OR (o.path >= ?1 AND o.path < ?2)) "
        "GROUP BY o.id, p.name HAVING coalesce(max(u.last_login_at), 0) < ?3 "
        "ORDER BY coalesce(max(u.last_login_at), 0), o.id";
    struct wm_db_range r = wm_db_range_of(scope);
    json_t *a = sq_rows(DB, sq_prep(DB, sql, "tti", r.lo, r.hi, since));
    wm_db_range_free(&r);
    return a;
}

void sq_fill_dashboard_ops(struct wm_db_ops *ops);

void
sq_fill_dashboard_ops(struct wm_db_ops *ops)
{
    ops->sched_leaf_docs = sched_leaf_docs;
    ops->sched_met_list = sched_met_list;
    ops->sched_met_set = sched_met_set;
    ops->sched_clear = sched_clear;
    ops->sched_archives = sched_archives;
    ops->sched_counts = sched_counts;
    ops->review_backlog = review_backlog;
    ops->units_inactive = units_inactive;
}

/* end of sq_dashboard.c */
