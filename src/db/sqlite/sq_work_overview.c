/*
** sq_work_overview.c — the SQLite backend's operations of the creation work (issue 12, migration
** 0018): the unit's plan/do/check/act view and the office's overview across its jurisdiction (XLSX).
**
** Every count is one query per table over the subtree (org.path within the scope's range,
** or one unit), grouped by unit: an office of 3,000 units reads six result sets, never
** 3,000 × six.  The parameters are the same for every statement: ?1 ?2 the scope's range,
** ?3 the unit (0: any), ?4 the unit type, ?5 the year, ?6 today, ?7 ?8 the year's first
** day and the next year's first day.
*/
#include "config.h"

#include <stdio.h>

#include "sq_helper.h"

#define DB ((struct sq_db *)base)

/* The units of the query: joined as o to the table counted. */
#define OV_SCOPE                                                                            \
    "o.kind = 'unit' AND (?1 IS NULL OR (o.path >= ?1 AND o.path < ?2)) "                 \
    "AND (?3 = 0 OR o.id = ?3) AND (?4 IS NULL OR o.type = ?4)"

void sq_fill_work_overview_ops(struct wm_db_ops *ops);

/* The year's first day and the next year's, for a half-open range of held_on. */
static void
ov_year_days(int64_t year, char y0[32], char y1[32])
{
    snprintf(y0, 32, "%04lld-01-01", (long long)year);
    snprintf(y1, 32, "%04lld-01-01", (long long)year + 1);
}

/* One statement of the overview, bound with the query's parameters. */
static json_t *
ov_rows(struct wm_db *base, const char *sql, const struct wm_work_ov_q *q)
{
    char y0[32], y1[32];
    ov_year_days(q->year, y0, y1);
    struct wm_db_range r = wm_db_range_of(q->scope);
    json_t *a = sq_rows(DB, sq_prep(DB, sql, "ttitittt", r.lo, r.hi, q->unit_id, q->unit_type,
                                    q->year, q->today, y0, y1));
    wm_db_range_free(&r);
    return a;
}

static json_t *
work_ov_units(struct wm_db *base, const struct wm_work_ov_q *q)
{
    static const char sql[] =
        "SELECT o.id AS unit_id, o.name AS unit_name, o.code AS unit_code, "
        "o.type AS unit_type, o.path AS unit_path, o.parent_id AS district_id, "
        "p.name AS district_name, o.created_at, w.start_on, "
        "coalesce(w.inspect_weekly, 1) AS inspect_weekly "
        "FROM org o LEFT JOIN org p ON p.id = o.parent_id "
        "LEFT JOIN work_unit w ON w.unit_id = o.id WHERE " OV_SCOPE " ORDER BY o.path";
    return ov_rows(base, sql, q);
}

static const char sql_members[] =
    "SELECT m.unit_id, count(*) AS members, "
    "coalesce(sum(m.role = 'leader'), 0) AS leaders "
    "FROM work_member m JOIN org o ON o.id = m.unit_id "
    "WHERE m.body = 'group' AND m.from_on <= ?6 AND (m.to_on IS NULL OR ?6 < m.to_on) "
    "AND " OV_SCOPE " GROUP BY m.unit_id";

static const char sql_plans[] =
    "SELECT p.unit_id, p.id AS plan_id, p.title, "
    "(SELECT count(*) FROM work_stage s WHERE s.plan_id = p.id) AS stages "
    "FROM work_plan p JOIN org o ON o.id = p.unit_id WHERE p.year = ?5 AND " OV_SCOPE;

static const char sql_tasks[] =
    "SELECT t.unit_id, count(*) AS total, coalesce(sum(t.state = 'done'), 0) AS done, "
    "coalesce(sum(t.state = 'open'), 0) AS open, "
    "coalesce(sum(t.state = 'open' AND t.due_on IS NOT NULL AND t.due_on < ?6), 0) AS overdue "
    "FROM work_task t JOIN work_plan p ON p.id = t.plan_id AND p.year = ?5 "
    "JOIN org o ON o.id = t.unit_id WHERE " OV_SCOPE " GROUP BY t.unit_id";

static const char sql_meetings[] =
    "SELECT k.unit_id, k.id AS kind_id, k.name, k.period, k.min_count, "
    "count(m.id) AS held, group_concat(m.held_on, ',') AS days "
    "FROM work_meeting_kind k JOIN org o ON o.id = k.unit_id "
    "LEFT JOIN work_meeting m ON m.kind_id = k.id AND m.held_on >= ?7 AND m.held_on < ?8 "
    "WHERE k.active = 1 AND " OV_SCOPE " GROUP BY k.id "
    "ORDER BY k.unit_id, k.position, k.id";

static const char sql_inspections[] =
    "SELECT i.unit_id, count(*) AS held, group_concat(i.held_on, ',') AS days "
    "FROM work_inspection i JOIN org o ON o.id = i.unit_id "
    "WHERE i.held_on >= ?7 AND i.held_on < ?8 AND " OV_SCOPE " GROUP BY i.unit_id";

static const char sql_rects[] =
    "SELECT r.unit_id, r.source, r.state, count(*) AS n, "
    "coalesce(sum(r.state = 'open' AND r.due_on IS NOT NULL AND r.due_on < ?6), 0) AS overdue "
    "FROM rectification r JOIN org o ON o.id = r.unit_id "
    "WHERE r.year = ?5 AND " OV_SCOPE " GROUP BY r.unit_id, r.source, r.state "
    "ORDER BY r.unit_id, r.source, r.state";

static json_t *
work_ov_counts(struct wm_db *base, const struct wm_work_ov_q *q)
{
    static const struct {
        const char *key;
        const char *sql;
    } parts[] = {
        {"members", sql_members},   {"plans", sql_plans},
        {"tasks", sql_tasks},       {"meetings", sql_meetings},
        {"inspections", sql_inspections}, {"rects", sql_rects},
    };
    json_t *out = json_object();
    for (size_t i = 0; i < WM_ARRAY_LEN(parts); i++) {
        json_t *a = ov_rows(base, parts[i].sql, q);
        if (NULL == a || wm_db_failed(base)) {
            json_decref(a);
            json_decref(out);
            return NULL;
        }
        json_object_set_new(out, parts[i].key, a);
    }
    return out;
}

static json_t *
work_ov_late(struct wm_db *base, const struct wm_work_ov_q *q, unsigned limit)
{
    static const char sql_stages[] =
        "SELECT s.id, s.name, s.starts_on, s.ends_on FROM work_stage s "
        "JOIN work_plan p ON p.id = s.plan_id JOIN org o ON o.id = p.unit_id "
        "WHERE p.year = ?5 AND " OV_SCOPE " ORDER BY s.position, s.id LIMIT ?9";
    static const char sql_late_tasks[] =
        "SELECT t.id, t.title, t.due_on, t.dept_id, d.name AS dept_name FROM work_task t "
        "JOIN work_plan p ON p.id = t.plan_id AND p.year = ?5 JOIN org o ON o.id = t.unit_id "
        "LEFT JOIN dept d ON d.id = t.dept_id "
        "WHERE t.state = 'open' AND t.due_on < ?6 AND " OV_SCOPE
        " ORDER BY t.due_on, t.id LIMIT ?9";
    static const char sql_late_rects[] =
        "SELECT r.id, r.problem, r.source, r.due_on, r.dept_id, d.name AS dept_name "
        "FROM rectification r JOIN org o ON o.id = r.unit_id "
        "LEFT JOIN dept d ON d.id = r.dept_id "
        "WHERE r.year = ?5 AND r.state = 'open' AND r.due_on < ?6 AND " OV_SCOPE
        " ORDER BY r.due_on, r.id LIMIT ?9";
    static const char *const sqls[] = {sql_stages, sql_late_tasks, sql_late_rects};
    static const char *const keys[] = {"stages", "tasks", "rects"};
    char y0[32], y1[32];
    ov_year_days(q->year, y0, y1);
    json_t *out = json_object();
    for (size_t i = 0; i < WM_ARRAY_LEN(sqls); i++) {
        /* one unit: no scope range */
        json_t *a = sq_rows(DB, sq_prep(DB, sqls[i], "ttitittti", NULL, NULL, q->unit_id,
                                        q->unit_type, q->year, q->today, y0, y1,
                                        (int64_t)limit));
        if (NULL == a || wm_db_failed(base)) {
            json_decref(a);
            json_decref(out);
            return NULL;
        }
        json_object_set_new(out, keys[i], a);
    }
    return out;
}

void
sq_fill_work_overview_ops(struct wm_db_ops *ops)
{
    ops->work_ov_units = work_ov_units;
    ops->work_ov_counts = work_ov_counts;
    ops->work_ov_late = work_ov_late;
}

/* end of sq_work_overview.c */
