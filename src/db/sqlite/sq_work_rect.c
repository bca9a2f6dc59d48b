/*
** sq_work_rect.c — the SQLite backend's operations of the creation work (issue 12, migration
** 0018): the rectification loop (整改项): the fields an item's department and the unit's
** leadership write, its states, who hears of it and its history.  The item's insert, get
** and list are in sq_results.c (issue 10 made the table).
*/
#include "config.h"

#include "sq_helper.h"

#define DB ((struct sq_db *)base)

static enum wm_qs
rect_update(struct wm_db *base, int64_t id, const struct wm_rect_upd *u, int64_t now)
{
    static const char sql[] =
        "UPDATE rectification SET problem = ?2, corrective = ?3, preventive = ?4, "
        "dept_id = nullif(?5, 0), due_on = ?6, updated_at = ?7 WHERE id = ?1";
    return sq_exec(DB, sq_prep(DB, sql, "itttiti", id, u->problem, u->corrective, u->preventive,
                               u->dept_id, u->due_on, now));
}

static enum wm_qs
rect_step(struct wm_db *base, int64_t id, const struct wm_rect_step *s, int64_t now)
{
    /* The note goes where the new state keeps it; a send-back (to open) is a verification
    ** that failed, so it keeps verify_note and who decided. */
    static const char sql[] =
        "UPDATE rectification SET state = ?3, updated_at = ?6, "
        "done_note = CASE WHEN ?3 = 'done' THEN ?4 ELSE done_note END, "
        "done_by = CASE WHEN ?3 = 'done' THEN nullif(?5, 0) ELSE done_by END, "
        "done_at = CASE WHEN ?3 = 'done' THEN ?6 ELSE done_at END, "
        "verify_note = CASE WHEN ?3 IN ('verified', 'open') THEN ?4 ELSE verify_note END, "
        "verified_by = CASE WHEN ?3 IN ('verified', 'open') THEN nullif(?5, 0) "
        "ELSE verified_by END, "
        "verified_at = CASE WHEN ?3 IN ('verified', 'open') THEN ?6 ELSE verified_at END, "
        "close_note = CASE WHEN ?3 = 'closed' THEN ?4 ELSE close_note END "
        "WHERE id = ?1 AND state = ?2";
    return sq_exec(DB, sq_prep(DB, sql, "itttii", id, s->from, s->to, s->note, s->user_id, now));
}

static json_t *
rect_people(struct wm_db *base, int64_t unit_id, int64_t dept_id)
{
    static const char sql[] =
        "SELECT id FROM user WHERE org_id = ?1 AND disabled = 0 AND (role = 'unit_admin' "
        "OR (?2 <> 0 AND role = 'unit_member' AND dept_id = ?2)) ORDER BY id";
    return sq_rows(DB, sq_prep(DB, sql, "ii", unit_id, dept_id));
}

static json_t *
rect_history(struct wm_db *base, int64_t id, const char *unit_path)
{
    static const char sql[] =
        "SELECT a.at, a.action, a.username, u.display_name, a.summary FROM audit a "
        "LEFT JOIN user u ON u.id = a.user_id WHERE a.org_path = ?2 "
        "AND a.object_type = 'rectification' AND a.object_id = ?1 ORDER BY a.id";
    return sq_rows(DB, sq_prep(DB, sql, "it", id, unit_path));
}

static json_t *
rect_unit_leaf(struct wm_db *base, int64_t unit_id)
{
    static const char sql[] = "SELECT rect_leaf FROM work_unit WHERE unit_id = ?1";
    return sq_row(DB, sq_prep(DB, sql, "i", unit_id));
}

void sq_fill_work_rect_ops(struct wm_db_ops *ops);

void
sq_fill_work_rect_ops(struct wm_db_ops *ops)
{
    ops->rect_update = rect_update;
    ops->rect_step = rect_step;
    ops->rect_people = rect_people;
    ops->rect_history = rect_history;
    ops->rect_unit_leaf = rect_unit_leaf;
}

/* end of sq_work_rect.c */
