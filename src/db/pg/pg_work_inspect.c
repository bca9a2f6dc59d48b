/*
** pg_work_inspect.c — the PostgreSQL backend's operations of the creation work (issue 12, migration
** 0018): responsibility areas, weekly inspections, findings, the weekly bulletin PDF.
*/
#include "config.h"

#include "pg_helper.h"

#define DB ((struct pg_db *)base)

/* ---------------------------------------------------------------- areas */

#define AREA_COLS                                                                              \
    "SELECT a.id, a.unit_id, a.dept_id, d.name AS dept_name, a.name, a.category, a.active, "   \
    "a.position, a.created_at, (SELECT count(*) FROM work_check c WHERE c.area_id = a.id) "    \
    "AS checks FROM work_area a LEFT JOIN dept d ON d.id = a.dept_id "

static enum wm_qs
work_area_insert(struct wm_db *base, int64_t unit_id, const struct wm_work_area_in *in,
                 int64_t now, int64_t *id)
{
    static const char sql[] =
        "INSERT INTO work_area(unit_id, dept_id, name, category, active, position, created_at) "
        "VALUES ($1, nullif($2, 0), $3, $4, $5, $6, $7) ON CONFLICT (unit_id, name) DO NOTHING RETURNING id";
    return pg_id(DB, pg_q(DB, sql, "iittiii", unit_id, in->dept_id, in->name,
                          in->category ? in->category : "", in->active, in->position, now), id);
}

static enum wm_qs
work_area_update(struct wm_db *base, int64_t id, const struct wm_work_area_in *in)
{
    static const char sql[] =
        "UPDATE work_area SET dept_id = nullif($2, 0), name = $3, category = $4, "
        "active = $5, position = $6 WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM work_area o "
        "WHERE o.unit_id = work_area.unit_id AND o.name = $3 AND o.id <> $1)";
    return pg_exec(DB, pg_q(DB, sql, "iittii", id, in->dept_id, in->name,
                               in->category ? in->category : "", in->active, in->position));
}

static json_t *
work_area_get(struct wm_db *base, int64_t id)
{
    static const char sql[] = AREA_COLS "WHERE a.id = $1";
    return pg_row(DB, pg_q(DB, sql, "i", id));
}

static json_t *
work_area_list(struct wm_db *base, int64_t unit_id, bool active_only)
{
    static const char sql[] = AREA_COLS "WHERE a.unit_id = $1 AND ($2 = 0 OR a.active = 1) "
                                        "ORDER BY a.active DESC, a.position, a.name, a.id";
    return pg_rows(DB, pg_q(DB, sql, "ii", unit_id, (int64_t)active_only));
}

static json_t *
work_inspect_leaves(struct wm_db *base, int64_t unit_id)
{
    static const char sql[] =
        "SELECT inspection_leaf, bulletin_leaf FROM work_unit WHERE unit_id = $1";
    return pg_row(DB, pg_q(DB, sql, "i", unit_id));
}

/* ---------------------------------------------------------------- inspections */

#define INSPECTION_COLS                                                                        \
    "SELECT i.id, i.unit_id, i.held_on, i.inspector_id, i.inspector_name, i.note, "            \
    "i.created_by, u.display_name AS created_by_name, i.created_at, "                          \
    "(SELECT count(*) FROM work_check c WHERE c.inspection_id = i.id) AS areas, "              \
    "(SELECT count(*) FROM work_check c WHERE c.inspection_id = i.id AND c.result = 'fix') "   \
    "AS fixes FROM work_inspection i LEFT JOIN \"user\" u ON u.id = i.created_by "

static enum wm_qs
work_inspection_insert(struct wm_db *base, int64_t unit_id, const char *held_on,
                       int64_t inspector_id, const char *inspector_name, const char *note,
                       int64_t created_by, int64_t now, int64_t *id)
{
    static const char sql[] =
        "INSERT INTO work_inspection(unit_id, held_on, inspector_id, inspector_name, note, "
        "created_by, created_at) VALUES ($1, $2, nullif($3, 0), $4, $5, nullif($6, 0), $7) RETURNING id";
    return pg_id(DB, pg_q(DB, sql, "itittii", unit_id, held_on, inspector_id, inspector_name,
                          note ? note : "", created_by, now), id);
}

static enum wm_qs
work_check_insert(struct wm_db *base, int64_t inspection_id, int64_t area_id, const char *result,
                  const char *note, int64_t *id)
{
    static const char sql[] = "INSERT INTO work_check(inspection_id, area_id, result, note) "
                              "VALUES ($1, $2, $3, $4) RETURNING id";
    return pg_id(DB, pg_q(DB, sql, "iitt", inspection_id, area_id, result, note ? note : ""),
                 id);
}

static enum wm_qs
work_check_set_photo(struct wm_db *base, int64_t check_id, int64_t document_id)
{
    static const char sql[] = "UPDATE work_check SET photo_document_id = $2 WHERE id = $1";
    return pg_exec(DB, pg_q(DB, sql, "ii", check_id, document_id));
}

static json_t *
work_inspection_get(struct wm_db *base, int64_t id)
{
    static const char sql[] = INSPECTION_COLS "WHERE i.id = $1";
    return pg_row(DB, pg_q(DB, sql, "i", id));
}

static json_t *
work_inspection_checks(struct wm_db *base, int64_t inspection_id)
{
    static const char sql[] =
        "SELECT c.id, c.inspection_id, c.area_id, a.name AS area_name, a.category, a.dept_id, "
        "d.name AS dept_name, c.result, c.note, c.photo_document_id, "
        "(SELECT min(r.id) FROM rectification r WHERE r.source = 'inspection' "
        "AND r.source_id = c.id) AS rect_id FROM work_check c "
        "JOIN work_area a ON a.id = c.area_id LEFT JOIN dept d ON d.id = a.dept_id "
        "WHERE c.inspection_id = $1 ORDER BY a.position, a.name, c.id";
    return pg_rows(DB, pg_q(DB, sql, "i", inspection_id));
}

static json_t *
work_inspection_list(struct wm_db *base, int64_t unit_id, const char *from, const char *to,
                     int64_t dept_id)
{
    static const char sql[] =
        INSPECTION_COLS "WHERE i.unit_id = $1 AND ($2 IS NULL OR i.held_on >= $2) "
                        "AND ($3 IS NULL OR i.held_on <= $3) AND ($4 = 0 OR EXISTS "
                        "(SELECT 1 FROM work_check c JOIN work_area a ON a.id = c.area_id "
                        "WHERE c.inspection_id = i.id AND a.dept_id = $4)) "
                        "ORDER BY i.held_on DESC, i.id DESC";
    return pg_rows(DB, pg_q(DB, sql, "itti", unit_id, from, to, dept_id));
}

/* ---------------------------------------------------------------- bulletins */

#define BULLETIN_COLS                                                                          \
    "SELECT id, unit_id, week_on, state, error, document_id, created_by, created_at, "         \
    "updated_at FROM work_bulletin "

static enum wm_qs
work_bulletin_upsert(struct wm_db *base, int64_t unit_id, const char *week_on, int64_t user_id,
                     int64_t now, int64_t *id)
{
    static const char sql[] =
        "INSERT INTO work_bulletin(unit_id, week_on, state, created_by, created_at, updated_at) "
        "VALUES ($1, $2, 'pending', nullif($3, 0), $4, $4) ON CONFLICT (unit_id, week_on) "
        "DO UPDATE SET state = 'pending', error = NULL, updated_at = excluded.updated_at "
        "RETURNING id";
    enum wm_qs qs = pg_id(DB, pg_q(DB, sql, "itii", unit_id, week_on, user_id, now), id);
    return WM_QS_NONE == qs ? WM_QS_HARD : qs;
}

static enum wm_qs
work_bulletin_set(struct wm_db *base, int64_t id, const char *state, const char *error,
                  int64_t document_id, int64_t now)
{
    static const char sql[] =
        "UPDATE work_bulletin SET state = $2, error = $3, "
        "document_id = coalesce(nullif($4, 0), document_id), updated_at = $5 WHERE id = $1";
    return pg_exec(DB, pg_q(DB, sql, "ittii", id, state, error, document_id, now));
}

static json_t *
work_bulletin_get(struct wm_db *base, int64_t id)
{
    static const char sql[] = BULLETIN_COLS "WHERE id = $1";
    return pg_row(DB, pg_q(DB, sql, "i", id));
}

static json_t *
work_bulletin_list(struct wm_db *base, int64_t unit_id)
{
    static const char sql[] = BULLETIN_COLS "WHERE unit_id = $1 ORDER BY week_on DESC";
    return pg_rows(DB, pg_q(DB, sql, "i", unit_id));
}

void
pg_fill_work_inspect_ops(struct wm_db_ops *ops)
{
    ops->work_area_insert = work_area_insert;
    ops->work_area_update = work_area_update;
    ops->work_area_get = work_area_get;
    ops->work_area_list = work_area_list;
    ops->work_inspect_leaves = work_inspect_leaves;
    ops->work_inspection_insert = work_inspection_insert;
    ops->work_check_insert = work_check_insert;
    ops->work_check_set_photo = work_check_set_photo;
    ops->work_inspection_get = work_inspection_get;
    ops->work_inspection_checks = work_inspection_checks;
    ops->work_inspection_list = work_inspection_list;
    ops->work_bulletin_upsert = work_bulletin_upsert;
    ops->work_bulletin_set = work_bulletin_set;
    ops->work_bulletin_get = work_bulletin_get;
    ops->work_bulletin_list = work_bulletin_list;
}

/* end of pg_work_inspect.c */
