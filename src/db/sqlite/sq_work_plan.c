/*
** sq_work_plan.c — the SQLite backend's operations of the creation work (issue 12, migration
** 0018): leadership group and office, duties, the annual plan, stages and tasks, unit settings.
*/
#include "config.h"

#include "sq_helper.h"

#define DB ((struct sq_db *)base)

/* ---------------------------------------------------------------- settings */

static json_t *
work_unit_get(struct wm_db *base, int64_t unit_id)
{
    static const char sql[] =
        "SELECT unit_id, start_on, bulletin_leaf, inspection_leaf, plan_leaf, rect_leaf, "
        "inspect_weekly, updated_at, updated_by FROM work_unit WHERE unit_id = ?1";
    return sq_row(DB, sq_prep(DB, sql, "i", unit_id));
}

static enum wm_qs
work_unit_put(struct wm_db *base, const struct wm_work_unit *s)
{
    static const char sql[] =
        "INSERT INTO work_unit(unit_id, start_on, bulletin_leaf, inspection_leaf, plan_leaf, "
        "rect_leaf, inspect_weekly, updated_at, updated_by) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, nullif(?9, 0)) ON CONFLICT (unit_id) DO UPDATE "
        "SET start_on = excluded.start_on, bulletin_leaf = excluded.bulletin_leaf, "
        "inspection_leaf = excluded.inspection_leaf, plan_leaf = excluded.plan_leaf, "
        "rect_leaf = excluded.rect_leaf, inspect_weekly = excluded.inspect_weekly, "
        "updated_at = excluded.updated_at, updated_by = excluded.updated_by";
    return sq_exec(DB, sq_prep(DB, sql, "itttttiii", s->unit_id, s->start_on, s->bulletin_leaf,
                               s->inspection_leaf, s->plan_leaf, s->rect_leaf,
                               (int64_t)s->inspect_weekly, s->now, s->by));
}

/* ---------------------------------------------------------------- group and office */

#define MEMBER_COLS                                                                          \
    "m.id, m.unit_id, m.body, m.role, m.user_id, m.name, m.post, m.from_on, m.to_on, "      \
    "m.created_by, m.created_at, m.ended_by, m.ended_at"

static enum wm_qs
work_member_insert(struct wm_db *base, const struct wm_work_member *m, int64_t *id)
{
    static const char sql[] =
        "INSERT INTO work_member(unit_id, body, role, user_id, name, post, from_on, created_by, "
        "created_at) VALUES (?1, ?2, ?3, nullif(?4, 0), ?5, ?6, ?7, nullif(?8, 0), ?9)";
    enum wm_qs qs = sq_exec(DB, sq_prep(DB, sql, "ittitttii", m->unit_id, m->body, m->role,
                                        m->user_id, m->name, m->post, m->from_on, m->by, m->now));
    if (WM_QS_ONE == qs) {
        *id = sqlite3_last_insert_rowid(DB->h);
    }
    return qs;
}

static json_t *
work_member_get(struct wm_db *base, int64_t id)
{
    static const char sql[] = "SELECT " MEMBER_COLS " FROM work_member m WHERE m.id = ?1";
    return sq_row(DB, sq_prep(DB, sql, "i", id));
}

static enum wm_qs
work_member_end(struct wm_db *base, int64_t id, const char *to_on, int64_t by, int64_t now)
{
    static const char sql[] =
        "UPDATE work_member SET to_on = ?2, ended_by = nullif(?3, 0), ended_at = ?4 "
        "WHERE id = ?1 AND to_on IS NULL";
    return sq_exec(DB, sq_prep(DB, sql, "itii", id, to_on, by, now));
}

static json_t *
work_members(struct wm_db *base, int64_t unit_id, const char *on)
{
    static const char sql[] =
        "SELECT " MEMBER_COLS ", u.display_name AS user_name FROM work_member m "
        "LEFT JOIN user u ON u.id = m.user_id WHERE m.unit_id = ?1 "
        "AND (?2 IS NULL OR (m.from_on <= ?2 AND (m.to_on IS NULL OR ?2 < m.to_on))) "
        "ORDER BY m.body = 'office', CASE m.role WHEN 'leader' THEN 0 WHEN 'director' THEN 0 "
        "WHEN 'deputy' THEN 1 ELSE 2 END, m.from_on, m.id";
    return sq_rows(DB, sq_prep(DB, sql, "it", unit_id, on));
}

static enum wm_qs
work_duty_insert(struct wm_db *base, int64_t unit_id, const char *body, const char *text,
                 const char *set_on, int64_t by, int64_t now, int64_t *id)
{
    static const char sql[] =
        "INSERT INTO work_duty(unit_id, body, text, set_on, created_by, created_at) "
        "VALUES (?1, ?2, ?3, ?4, nullif(?5, 0), ?6)";
    enum wm_qs qs = sq_exec(DB, sq_prep(DB, sql, "itttii", unit_id, body, text, set_on, by, now));
    if (WM_QS_ONE == qs) {
        *id = sqlite3_last_insert_rowid(DB->h);
    }
    return qs;
}

static json_t *
work_duties(struct wm_db *base, int64_t unit_id, const char *body)
{
    static const char sql[] =
        "SELECT d.id, d.body, d.text, d.set_on, d.created_by, u.display_name AS created_by_name, "
        "d.created_at FROM work_duty d LEFT JOIN user u ON u.id = d.created_by "
        "WHERE d.unit_id = ?1 AND d.body = ?2 ORDER BY d.set_on DESC, d.id DESC";
    return sq_rows(DB, sq_prep(DB, sql, "it", unit_id, body));
}

/* ---------------------------------------------------------------- the plan and its stages */

static json_t *
work_plan_get(struct wm_db *base, int64_t unit_id, int64_t year)
{
    static const char sql[] =
        "SELECT id, unit_id, year, title, goals, document_id, created_by, created_at, "
        "updated_by, updated_at FROM work_plan WHERE unit_id = ?1 AND year = ?2";
    return sq_row(DB, sq_prep(DB, sql, "ii", unit_id, year));
}

static enum wm_qs
work_plan_set_doc(struct wm_db *base, int64_t plan_id, int64_t document_id)
{
    static const char sql[] = "UPDATE work_plan SET document_id = nullif(?2, 0) WHERE id = ?1";
    return sq_exec(DB, sq_prep(DB, sql, "ii", plan_id, document_id));
}

static json_t *
work_plan_job(struct wm_db *base, int64_t plan_id)
{
    static const char sql[] = "SELECT id, state, last_error FROM job WHERE kind = 'work.plan' "
                              "AND dedupe_key = 'plan:' || ?1 ORDER BY id DESC LIMIT 1";
    return sq_row(DB, sq_prep(DB, sql, "i", plan_id));
}

static enum wm_qs
work_plan_upsert(struct wm_db *base, int64_t unit_id, int64_t year, const char *title,
                 const char *goals, int64_t by, int64_t now, int64_t *id)
{
    static const char sql[] =
        "INSERT INTO work_plan(unit_id, year, title, goals, created_by, created_at, updated_by, "
        "updated_at) VALUES (?1, ?2, ?3, ?4, nullif(?5, 0), ?6, nullif(?5, 0), ?6) "
        "ON CONFLICT (unit_id, year) DO UPDATE SET title = excluded.title, "
        "goals = excluded.goals, updated_by = excluded.updated_by, "
        "updated_at = excluded.updated_at";
    static const char get[] = "SELECT id FROM work_plan WHERE unit_id = ?1 AND year = ?2";
    enum wm_qs qs = sq_exec(DB, sq_prep(DB, sql, "iittii", unit_id, year, title, goals, by, now));
    if (WM_QS_ONE != qs) {
        return qs;
    }
    *id = sq_int(DB, sq_prep(DB, get, "ii", unit_id, year), 0);
    return *id > 0 ? WM_QS_ONE : WM_QS_HARD;
}

static enum wm_qs
work_stages_set(struct wm_db *base, int64_t plan_id, const struct wm_work_stage *st, size_t n)
{
    static const char del[] = "DELETE FROM work_stage WHERE plan_id = ?1";
    static const char ins[] =
        "INSERT INTO work_stage(plan_id, name, starts_on, ends_on, position) "
        "VALUES (?1, ?2, ?3, ?4, ?5)";
    enum wm_qs qs = sq_exec(DB, sq_prep(DB, del, "i", plan_id));
    for (size_t i = 0; qs >= 0 && i < n; i++) {
        qs = sq_exec(DB, sq_prep(DB, ins, "ittti", plan_id, st[i].name,
                                 st[i].starts_on, st[i].ends_on, (int64_t)i));
    }
    return qs < 0 ? qs : WM_QS_ONE;
}

static json_t *
work_stages(struct wm_db *base, int64_t plan_id)
{
    static const char sql[] =
        "SELECT id, name, starts_on, ends_on, position FROM work_stage WHERE plan_id = ?1 "
        "ORDER BY position, id";
    return sq_rows(DB, sq_prep(DB, sql, "i", plan_id));
}

/* ---------------------------------------------------------------- tasks */

#define TASK_SELECT                                                                          \
    "SELECT t.id, t.plan_id, p.year, t.unit_id, t.title, t.detail, t.dept_id, "             \
    "d.name AS dept_name, t.person_id, pu.display_name AS person_user, t.person_name, "     \
    "t.due_on, t.state, t.done_note, t.done_by, du.display_name AS done_by_name, t.done_at, " \
    "t.created_by, t.created_at, t.updated_at FROM work_task t "                           \
    "JOIN work_plan p ON p.id = t.plan_id LEFT JOIN dept d ON d.id = t.dept_id "             \
    "LEFT JOIN user pu ON pu.id = t.person_id LEFT JOIN user du ON du.id = t.done_by "

static enum wm_qs
work_task_insert(struct wm_db *base, const struct wm_work_task *t, int64_t *id)
{
    static const char sql[] =
        "INSERT INTO work_task(plan_id, unit_id, title, detail, dept_id, person_id, person_name, "
        "due_on, created_by, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, nullif(?5, 0), "
        "nullif(?6, 0), ?7, ?8, nullif(?9, 0), ?10, ?10)";
    enum wm_qs qs = sq_exec(DB, sq_prep(DB, sql, "iittiittii", t->plan_id, t->unit_id, t->title,
                                        t->detail, t->dept_id, t->person_id, t->person_name,
                                        t->due_on, t->by, t->now));
    if (WM_QS_ONE == qs) {
        *id = sqlite3_last_insert_rowid(DB->h);
    }
    return qs;
}

static enum wm_qs
work_task_update(struct wm_db *base, int64_t id, const struct wm_work_task *t)
{
    static const char sql[] =
        "UPDATE work_task SET title = ?2, detail = ?3, dept_id = nullif(?4, 0), "
        "person_id = nullif(?5, 0), person_name = ?6, due_on = ?7, updated_at = ?8 "
        "WHERE id = ?1";
    return sq_exec(DB, sq_prep(DB, sql, "ittiitti", id, t->title, t->detail, t->dept_id,
                               t->person_id, t->person_name, t->due_on, t->now));
}

static json_t *
work_task_get(struct wm_db *base, int64_t id)
{
    static const char sql[] = TASK_SELECT "WHERE t.id = ?1";
    return sq_row(DB, sq_prep(DB, sql, "i", id));
}

static enum wm_qs
work_task_set_state(struct wm_db *base, int64_t id, const char *state, const char *note,
                    int64_t by, int64_t now)
{
    static const char sql[] =
        "UPDATE work_task SET state = ?2, done_note = CASE ?2 WHEN 'done' THEN ?3 END, "
        "done_by = CASE ?2 WHEN 'done' THEN nullif(?4, 0) END, "
        "done_at = CASE ?2 WHEN 'done' THEN ?5 END, updated_at = ?5 "
        "WHERE id = ?1 AND state <> ?2";
    return sq_exec(DB, sq_prep(DB, sql, "ittii", id, state, note, by, now));
}

static enum wm_qs
work_task_leaves_set(struct wm_db *base, int64_t task_id, const char *const *codes, size_t n)
{
    static const char del[] = "DELETE FROM work_task_leaf WHERE task_id = ?1";
    static const char ins[] =
        "INSERT INTO work_task_leaf(task_id, indicator_code) VALUES (?1, ?2) "
        "ON CONFLICT DO NOTHING";
    enum wm_qs qs = sq_exec(DB, sq_prep(DB, del, "i", task_id));
    for (size_t i = 0; qs >= 0 && i < n; i++) {
        qs = sq_exec(DB, sq_prep(DB, ins, "it", task_id, codes[i]));
    }
    return qs < 0 ? qs : WM_QS_ONE;
}

static json_t *
work_task_leaves(struct wm_db *base, int64_t task_id)
{
    static const char sql[] =
        "SELECT indicator_code FROM work_task_leaf WHERE task_id = ?1 ORDER BY indicator_code";
    return sq_rows(DB, sq_prep(DB, sql, "i", task_id));
}

static json_t *
work_task_list(struct wm_db *base, const struct wm_work_task_filter *f)
{
    static const char sql[] =
        TASK_SELECT "WHERE (?1 = 0 OR t.unit_id = ?1) AND (?2 = 0 OR p.year = ?2) "
        "AND (?3 = 0 OR t.dept_id = ?3) AND (?4 IS NULL OR t.state = ?4) "
        "AND (?5 IS NULL OR (t.state = 'open' AND t.due_on < ?5)) "
        "ORDER BY t.due_on IS NULL, t.due_on, t.id";
    return sq_rows(DB, sq_prep(DB, sql, "iiitt", f->unit_id, f->year, f->dept_id, f->state,
                               f->due_before));
}

void sq_fill_work_plan_ops(struct wm_db_ops *ops);

void
sq_fill_work_plan_ops(struct wm_db_ops *ops)
{
    ops->work_unit_get = work_unit_get;
    ops->work_unit_put = work_unit_put;
    ops->work_member_insert = work_member_insert;
    ops->work_member_get = work_member_get;
    ops->work_member_end = work_member_end;
    ops->work_members = work_members;
    ops->work_duty_insert = work_duty_insert;
    ops->work_duties = work_duties;
    ops->work_plan_get = work_plan_get;
    ops->work_plan_upsert = work_plan_upsert;
    ops->work_plan_set_doc = work_plan_set_doc;
    ops->work_plan_job = work_plan_job;
    ops->work_stages_set = work_stages_set;
    ops->work_stages = work_stages;
    ops->work_task_insert = work_task_insert;
    ops->work_task_update = work_task_update;
    ops->work_task_get = work_task_get;
    ops->work_task_set_state = work_task_set_state;
    ops->work_task_leaves_set = work_task_leaves_set;
    ops->work_task_leaves = work_task_leaves;
    ops->work_task_list = work_task_list;
}

/* end of sq_work_plan.c */
