/*
** pg_work_rect.c — the PostgreSQL backend's operations of the creation work (issue 12,
** migration 0018): the rectification loop (整改项): the fields an item's department and the
** unit's leadership write, its states, who hears of it and its history (see sq_work_rect.c).
*/
#include "config.h"

#include "pg_helper.h"

#define DB ((struct pg_db *)base)

static enum wm_qs
rect_update(struct wm_db *base, int64_t id, const struct wm_rect_upd *u, int64_t now)
{
    static const char sql[] =
        "UPDATE rectification SET problem = $2, corrective = $3, preventive = $4, "
        "dept_id = nullif($5::bigint, 0), due_on = $6, updated_at = $7 WHERE id = $1";
    return pg_exec(DB, pg_q(DB, sql, "itttiti", id, u->problem, u->corrective, u->preventive,
                            u->dept_id, u->due_on, now));
}

static enum wm_qs
rect_step(struct wm_db *base, int64_t id, const struct wm_rect_step *s, int64_t now)
{
    static const char sql[] =
        "UPDATE rectification SET state = $3::text, updated_at = $6::bigint, "
        "done_note = CASE WHEN $3::text = 'done' THEN $4::text ELSE done_note END, "
        "done_by = CASE WHEN $3::text = 'done' THEN nullif($5::bigint, 0) ELSE done_by END, "
        "done_at = CASE WHEN $3::text = 'done' THEN $6::bigint ELSE done_at END, "
        "verify_note = CASE WHEN $3::text IN ('verified', 'open') THEN $4::text "
        "ELSE verify_note END, "
        "verified_by = CASE WHEN $3::text IN ('verified', 'open') THEN nullif($5::bigint, 0) "
        "ELSE verified_by END, "
        "verified_at = CASE WHEN $3::text IN ('verified', 'open') THEN $6::bigint "
        "ELSE verified_at END, "
        "close_note = CASE WHEN $3::text = 'closed' THEN $4::text ELSE close_note END "
        "WHERE id = $1 AND state = $2::text";
    return pg_exec(DB, pg_q(DB, sql, "itttii", id, s->from, s->to, s->note, s->user_id, now));
}

static json_t *
rect_people(struct wm_db *base, int64_t unit_id, int64_t dept_id)
{
    static const char sql[] =
        "SELECT id FROM \"user\" WHERE org_id = $1 AND disabled = 0 AND (role = 'unit_admin' "
        "OR ($2::bigint <> 0 AND role = 'unit_member' AND dept_id = $2::bigint)) ORDER BY id";
    return pg_rows(DB, pg_q(DB, sql, "ii", unit_id, dept_id));
}

static json_t *
rect_history(struct wm_db *base, int64_t id, const char *unit_path)
{
    static const char sql[] =
        "SELECT a.at, a.action, a.username, u.display_name, a.summary FROM audit a "
        "LEFT JOIN \"user\" u ON u.id = a.user_id WHERE a.org_path = $2 "
        "AND a.object_type = 'rectification' AND a.object_id = $1 ORDER BY a.id";
    return pg_rows(DB, pg_q(DB, sql, "it", id, unit_path));
}

static json_t *
rect_unit_leaf(struct wm_db *base, int64_t unit_id)
{
    static const char sql[] = "SELECT rect_leaf FROM work_unit WHERE unit_id = $1";
    return pg_row(DB, pg_q(DB, sql, "i", unit_id));
}

void
pg_fill_work_rect_ops(struct wm_db_ops *ops)
{
    ops->rect_update = rect_update;
    ops->rect_step = rect_step;
    ops->rect_people = rect_people;
    ops->rect_history = rect_history;
    ops->rect_unit_leaf = rect_unit_leaf;
}

/* end of pg_work_rect.c */
