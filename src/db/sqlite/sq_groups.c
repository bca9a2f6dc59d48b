/*
** sq_groups.c — the SQLite backend's operations on evaluation groups and visits (测评组,
** 走访; issue 10, the tables of 0014): group changes, visits, and the evaluator's access
** to an assigned unit's archives.
*/
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "sq_helper.h"

#define DB ((struct sq_db *)base)

static enum wm_qs
group_update(struct wm_db *base, int64_t id, const char *name, int64_t leader_id)
{
    static const char sql[] =
        "UPDATE eval_group SET name = ?2, leader_id = nullif(?3, 0) WHERE id = ?1";
    return sq_exec(DB, sq_prep(DB, sql, "iti", id, name, leader_id));
}

static enum wm_qs
group_delete(struct wm_db *base, int64_t id)
{
    static const char unassign[] = "UPDATE round_entry SET group_id = NULL WHERE group_id = ?1";
    static const char members[] = "DELETE FROM eval_group_member WHERE group_id = ?1";
    static const char sql[] = "DELETE FROM eval_group WHERE id = ?1";
    enum wm_qs qs = sq_exec(DB, sq_prep(DB, unassign, "i", id));
    if (WM_QS_ONE == qs || WM_QS_NONE == qs) {
        qs = sq_exec(DB, sq_prep(DB, members, "i", id));
    }
    if (WM_QS_ONE == qs || WM_QS_NONE == qs) {
        qs = sq_exec(DB, sq_prep(DB, sql, "i", id));
    }
    return qs;
}

#define VISIT_COLS                                                                           \
    "v.id, v.entry_id, n.round_id, r.name AS round_name, n.unit_id, u.name AS unit_name, "  \
    "u.code AS unit_code, n.group_id, g.name AS group_name, v.starts_at, v.place, v.note, " \
    "v.state, v.created_by, v.created_at, v.updated_at FROM visit v "                       \
    "JOIN round_entry n ON n.id = v.entry_id JOIN eval_round r ON r.id = n.round_id "       \
    "JOIN org u ON u.id = n.unit_id LEFT JOIN eval_group g ON g.id = n.group_id "

static enum wm_qs
visit_insert(struct wm_db *base, int64_t entry_id, int64_t starts_at, const char *place,
             const char *note, int64_t created_by, int64_t now, int64_t *id)
{
    static const char sql[] =
        "INSERT INTO visit(entry_id, starts_at, place, note, state, created_by, created_at, "
        "updated_at) VALUES (?1, ?2, ?3, ?4, 'scheduled', nullif(?5, 0), ?6, ?6)";
    enum wm_qs qs =
        sq_exec(DB, sq_prep(DB, sql, "iittii", entry_id, starts_at, place, note, created_by, now));
    if (WM_QS_ONE == qs) {
        *id = sqlite3_last_insert_rowid(DB->h);
    }
    return qs;
}

static json_t *
visit_get(struct wm_db *base, int64_t id)
{
    static const char sql[] = "SELECT " VISIT_COLS "WHERE v.id = ?1";
    return sq_row(DB, sq_prep(DB, sql, "i", id));
}

static enum wm_qs
visit_update(struct wm_db *base, int64_t id, int64_t starts_at, const char *place,
             const char *note, int64_t now)
{
    static const char sql[] =
        "UPDATE visit SET starts_at = ?2, place = ?3, note = ?4, updated_at = ?5 "
        "WHERE id = ?1 AND state = 'scheduled'";
    return sq_exec(DB, sq_prep(DB, sql, "iitti", id, starts_at, place, note, now));
}

static enum wm_qs
visit_cancel(struct wm_db *base, int64_t id, int64_t now)
{
    static const char sql[] =
        "UPDATE visit SET state = 'cancelled', updated_at = ?2 "
        "WHERE id = ?1 AND state = 'scheduled'";
    return sq_exec(DB, sq_prep(DB, sql, "ii", id, now));
}

static json_t *
visit_list(struct wm_db *base, const struct wm_visit_filter *f)
{
    static const char sql[] =
        "SELECT " VISIT_COLS
        "WHERE (?1 = 0 OR n.round_id = ?1) AND (?2 = 0 OR v.entry_id = ?2) "
        "AND (?3 = 0 OR n.unit_id = ?3) "
        "AND (?4 = 0 OR EXISTS (SELECT 1 FROM eval_group_member m "
        "WHERE m.group_id = n.group_id AND m.user_id = ?4)) "
        "AND v.starts_at >= ?5 AND (?6 = 0 OR v.state = 'scheduled') "
        "AND (?7 = 0 OR r.state <> 'closed') "
        "ORDER BY v.starts_at, v.id LIMIT ?8";
    return sq_rows(DB, sq_prep(DB, sql, "iiiiiiii", f->round_id, f->entry_id, f->unit_id,
                               f->member_id, f->from, (int64_t)f->scheduled_only,
                               (int64_t)f->live_rounds, (int64_t)(f->limit ? f->limit : 200)));
}

static int64_t
eval_access(struct wm_db *base, int64_t user_id, int64_t unit_id, int64_t year)
{
    static const char sql[] =
        "SELECT r.id FROM round_entry n JOIN eval_group_member m "
        "ON m.group_id = n.group_id AND m.user_id = ?1 "
        "JOIN eval_round r ON r.id = n.round_id "
        "WHERE n.unit_id = ?2 AND r.state = 'evaluating' "
        "AND (?3 = 0 OR ?3 BETWEEN r.years_from AND r.years_to) LIMIT 1";
    int64_t id = sq_int(DB, sq_prep(DB, sql, "iii", user_id, unit_id, year), 0);
    return wm_db_failed(base) ? -1 : id;
}

static json_t *
eval_assignments(struct wm_db *base, int64_t user_id, const char *state)
{
    static const char sql[] =
        "SELECT n.round_id, r.name AS round_name, r.state AS round_state, r.years_from, "
        "r.years_to, n.id AS entry_id, n.unit_id, u.name AS unit_name, u.code AS unit_code, "
        "n.group_id, g.name AS group_name, g.leader_id FROM eval_group_member m "
        "JOIN eval_group g ON g.id = m.group_id JOIN round_entry n ON n.group_id = g.id "
        "JOIN eval_round r ON r.id = n.round_id JOIN org u ON u.id = n.unit_id "
        "WHERE m.user_id = ?1 AND (?2 IS NULL OR r.state = ?2) "
        "ORDER BY r.id DESC, u.code, n.id";
    return sq_rows(DB, sq_prep(DB, sql, "it", user_id, state));
}

void sq_fill_groups_ops(struct wm_db_ops *ops);

void
sq_fill_groups_ops(struct wm_db_ops *ops)
{
    ops->group_update = group_update;
    ops->group_delete = group_delete;
    ops->visit_insert = visit_insert;
    ops->visit_get = visit_get;
    ops->visit_update = visit_update;
    ops->visit_cancel = visit_cancel;
    ops->visit_list = visit_list;
    ops->eval_access = eval_access;
    ops->eval_assignments = eval_assignments;
}

/* end of sq_groups.c */
