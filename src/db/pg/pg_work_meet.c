/*
** pg_work_meet.c — the PostgreSQL backend's operations of the creation work (issue 12,
** migration 0018): meeting kinds and cadence, meetings, minutes and photos filed into the archive,
*filing (wm_work_file) and work_link.
** The same as db/sqlite/sq_work_meet.c.
*/
#include "config.h"

#include "pg_helper.h"

#define DB ((struct pg_db *)base)

/* ---------------------------------------------------------------- work_link */

static enum wm_qs
work_link_insert(struct wm_db *base,
                 const char *kind,
                 int64_t ref_id,
                 int64_t document_id,
                 const char *role,
                 int64_t now)
{
    static const char sql[] =
        "INSERT INTO work_link(kind, ref_id, document_id, role, created_at) "
        "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (kind, ref_id, document_id) DO NOTHING";
    return pg_exec(DB, pg_q(DB, sql, "tiiti", kind, ref_id, document_id, role, now));
}

static enum wm_qs
work_link_delete(struct wm_db *base, const char *kind, int64_t ref_id, int64_t document_id)
{
    static const char sql[] =
        "DELETE FROM work_link WHERE kind = $1 AND ref_id = $2 AND document_id = $3";
    return pg_exec(DB, pg_q(DB, sql, "tii", kind, ref_id, document_id));
}

static enum wm_qs
work_link_filed(struct wm_db *base, const char *kind, int64_t ref_id, int64_t document_id,
                const char *title)
{
    static const char sql[] =
        "UPDATE work_link SET filed_title = $4 WHERE kind = $1 AND ref_id = $2 "
        "AND document_id = $3";
    return pg_exec(DB, pg_q(DB, sql, "tiit", kind, ref_id, document_id, title));
}

static json_t *
work_link_list(struct wm_db *base, const char *kind, int64_t ref_id)
{
    static const char sql[] =
        "SELECT l.document_id, l.role, d.title, l.filed_title, d.serial, d.indicator_code, "
        "d.status, a.year, l.created_at FROM work_link l JOIN document d ON d.id = l.document_id "
        "JOIN archive a ON a.id = d.archive_id "
        "WHERE l.kind = $1 AND l.ref_id = $2 AND d.deleted_at IS NULL "
        "ORDER BY l.created_at, l.document_id";
    return pg_rows(DB, pg_q(DB, sql, "ti", kind, ref_id));
}

static json_t *
work_link_of_document(struct wm_db *base, int64_t document_id)
{
    static const char sql[] =
        "SELECT l.kind, l.ref_id, l.role, l.created_at, a.unit_id, CASE l.kind "
        "WHEN 'meeting' THEN (SELECT m.held_on || ' ' || k.name FROM work_meeting m "
        "JOIN work_meeting_kind k ON k.id = m.kind_id WHERE m.id = l.ref_id) "
        "WHEN 'plan' THEN (SELECT p.year || '年 ' || p.title FROM work_plan p WHERE p.id = l.ref_id) "
        "WHEN 'task' THEN (SELECT t.title FROM work_task t WHERE t.id = l.ref_id) "
        "WHEN 'inspection' THEN (SELECT i.held_on || ' ' || i.inspector_name "
        "FROM work_inspection i WHERE i.id = l.ref_id) "
        "WHEN 'bulletin' THEN (SELECT b.week_on FROM work_bulletin b WHERE b.id = l.ref_id) "
        "WHEN 'rectification' THEN (SELECT r.problem FROM rectification r WHERE r.id = l.ref_id) "
        "END AS detail FROM work_link l JOIN document d ON d.id = l.document_id "
        "JOIN archive a ON a.id = d.archive_id WHERE l.document_id = $1 "
        "ORDER BY l.created_at, l.kind, l.ref_id LIMIT 1";
    return pg_row(DB, pg_q(DB, sql, "i", document_id));
}

/* ---------------------------------------------------------------- meeting kinds */

#define KIND_COLS "id, unit_id, name, period, min_count, leaf_code, position, active, created_at"

static json_t *
meeting_kind_list(struct wm_db *base, int64_t unit_id)
{
    static const char sql[] =
        "SELECT " KIND_COLS " FROM work_meeting_kind WHERE unit_id = $1 ORDER BY position, id";
    return pg_rows(DB, pg_q(DB, sql, "i", unit_id));
}

static json_t *
meeting_kind_get(struct wm_db *base, int64_t id)
{
    static const char sql[] = "SELECT " KIND_COLS " FROM work_meeting_kind WHERE id = $1";
    return pg_row(DB, pg_q(DB, sql, "i", id));
}

static enum wm_qs
meeting_kind_insert(struct wm_db *base,
                    int64_t unit_id,
                    const struct wm_meeting_kind_in *in,
                    int64_t now,
                    int64_t *id)
{
    static const char sql[] =
        "INSERT INTO work_meeting_kind(unit_id, name, period, min_count, leaf_code, position, "
        "active, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id";
    enum wm_qs qs = pg_id(DB,
                          pg_q(DB, sql, "!ittitiii", unit_id, in->name, in->period, in->min_count,
                               in->leaf_code, in->position, in->active, now),
                          id);
    return WM_QS_NONE == qs ? WM_QS_HARD : qs;
}

static enum wm_qs
meeting_kind_update(struct wm_db *base, int64_t id, const struct wm_meeting_kind_in *in)
{
    static const char sql[] =
        "UPDATE work_meeting_kind SET name = $2, period = $3, min_count = $4, leaf_code = $5, "
        "position = $6, active = $7 WHERE id = $1";
    return pg_exec(DB, pg_q(DB, sql, "!ittitii", id, in->name, in->period, in->min_count,
                            in->leaf_code, in->position, in->active));
}

/* ---------------------------------------------------------------- meetings */

#define MEETING_COLS                                                                 \
    "m.id, m.unit_id, m.kind_id, k.name AS kind_name, m.held_on, m.title, m.place, " \
    "m.attendees, m.minutes, m.minutes_document_id, m.created_by, m.created_at, m.updated_at"

static json_t *
meeting_list(struct wm_db *base, int64_t unit_id, const char *lo, const char *hi, int64_t kind_id)
{
    static const char sql[] =
        "SELECT " MEETING_COLS " FROM work_meeting m JOIN work_meeting_kind k ON k.id = m.kind_id "
        "WHERE m.unit_id = $1 AND ($2 IS NULL OR m.held_on >= $2) AND ($3 IS NULL OR m.held_on <= $3) "
        "AND ($4 = 0 OR m.kind_id = $4) ORDER BY m.held_on DESC, m.id DESC";
    return pg_rows(DB, pg_q(DB, sql, "itti", unit_id, lo, hi, kind_id));
}

static json_t *
meeting_get(struct wm_db *base, int64_t id)
{
    static const char sql[] =
        "SELECT " MEETING_COLS ", k.leaf_code, k.period, o.path AS unit_path, o.name AS unit_name "
        "FROM work_meeting m JOIN work_meeting_kind k ON k.id = m.kind_id "
        "JOIN org o ON o.id = m.unit_id WHERE m.id = $1";
    return pg_row(DB, pg_q(DB, sql, "i", id));
}

static enum wm_qs
meeting_insert(struct wm_db *base,
               int64_t unit_id,
               const struct wm_meeting_in *in,
               int64_t user_id,
               int64_t now,
               int64_t *id)
{
    static const char sql[] =
        "INSERT INTO work_meeting(unit_id, kind_id, held_on, title, place, attendees, minutes, "
        "created_by, created_at, updated_at) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, nullif($8, 0), $9, $9) RETURNING id";
    enum wm_qs qs = pg_id(DB,
                          pg_q(DB, sql, "!iitttttii", unit_id, in->kind_id, in->held_on, in->title,
                               in->place, in->attendees, in->minutes, user_id, now),
                          id);
    return WM_QS_NONE == qs ? WM_QS_HARD : qs;
}

static enum wm_qs
meeting_update(struct wm_db *base, int64_t id, const struct wm_meeting_in *in, int64_t now)
{
    static const char sql[] =
        "UPDATE work_meeting SET kind_id = $2, held_on = $3, title = $4, place = $5, "
        "attendees = $6, minutes = $7, updated_at = $8 WHERE id = $1";
    return pg_exec(DB, pg_q(DB, sql, "!iittttti", id, in->kind_id, in->held_on, in->title,
                            in->place, in->attendees, in->minutes, now));
}

static enum wm_qs
meeting_set_minutes_doc(struct wm_db *base, int64_t id, int64_t document_id)
{
    static const char sql[] =
        "UPDATE work_meeting SET minutes_document_id = nullif($2, 0) WHERE id = $1";
    return pg_exec(DB, pg_q(DB, sql, "ii", id, document_id));
}

static json_t *
meeting_minutes_job(struct wm_db *base, int64_t meeting_id)
{
    static const char sql[] = "SELECT id, state, last_error FROM job WHERE kind = 'work.minutes' "
                              "AND dedupe_key = 'meeting:' || $1 ORDER BY id DESC LIMIT 1";
    return pg_row(DB, pg_q(DB, sql, "i", meeting_id));
}

void
pg_fill_work_meet_ops(struct wm_db_ops *ops)
{
    ops->work_link_insert = work_link_insert;
    ops->work_link_delete = work_link_delete;
    ops->work_link_filed = work_link_filed;
    ops->work_link_list = work_link_list;
    ops->work_link_of_document = work_link_of_document;
    ops->meeting_kind_list = meeting_kind_list;
    ops->meeting_kind_get = meeting_kind_get;
    ops->meeting_kind_insert = meeting_kind_insert;
    ops->meeting_kind_update = meeting_kind_update;
    ops->meeting_list = meeting_list;
    ops->meeting_get = meeting_get;
    ops->meeting_insert = meeting_insert;
    ops->meeting_update = meeting_update;
    ops->meeting_set_minutes_doc = meeting_set_minutes_doc;
    ops->meeting_minutes_job = meeting_minutes_job;
}

/* end of pg_work_meet.c */
