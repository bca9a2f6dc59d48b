/*
** sq_work_meet.c — the SQLite backend's operations of the creation work (issue 12, migration
** 0018): meeting kinds and cadence, meetings, minutes and photos filed into the archive, filing (wm_work_file) and work_link.
*/
#include "config.h"

#include "sq_helper.h"

#define DB ((struct sq_db *)base)

/* ---------------------------------------------------------------- work_link */

static enum wm_qs
work_link_insert(struct wm_db *base, const char *kind, int64_t ref_id, int64_t document_id,
                 const char *role, int64_t now)
{
    static const char sql[] =
        "INSERT INTO work_link(kind, ref_id, document_id, role, created_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (kind, ref_id, document_id) DO NOTHING";
    return sq_exec(DB, sq_prep(DB, sql, "tiiti", kind, ref_id, document_id, role, now));
}

static enum wm_qs
work_link_delete(struct wm_db *base, const char *kind, int64_t ref_id, int64_t document_id)
{
    static const char sql[] =
        "DELETE FROM work_link WHERE kind = ?1 AND ref_id = ?2 AND document_id = ?3";
    return sq_exec(DB, sq_prep(DB, sql, "tii", kind, ref_id, document_id));
}

static json_t *
work_link_list(struct wm_db *base, const char *kind, int64_t ref_id)
{
    static const char sql[] =
        "SELECT l.document_id, l.role, d.title, d.serial, d.indicator_code, d.status, a.year, "
        "l.created_at FROM work_link l JOIN document d ON d.id = l.document_id "
        "JOIN archive a ON a.id = d.archive_id "
        "WHERE l.kind = ?1 AND l.ref_id = ?2 AND d.deleted_at IS NULL "
        "ORDER BY l.created_at, l.document_id";
    return sq_rows(DB, sq_prep(DB, sql, "ti", kind, ref_id));
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
        "JOIN archive a ON a.id = d.archive_id WHERE l.document_id = ?1 "
        "ORDER BY l.created_at, l.kind, l.ref_id LIMIT 1";
    return sq_row(DB, sq_prep(DB, sql, "i", document_id));
}

void sq_fill_work_meet_ops(struct wm_db_ops *ops);

void
sq_fill_work_meet_ops(struct wm_db_ops *ops)
{
    ops->work_link_insert = work_link_insert;
    ops->work_link_delete = work_link_delete;
    ops->work_link_list = work_link_list;
    ops->work_link_of_document = work_link_of_document;
}

/* end of sq_work_meet.c */
