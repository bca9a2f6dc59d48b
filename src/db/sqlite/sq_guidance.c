/*
** sq_guidance.c — the SQLite backend's operations on guidance conversations (指导意见):
** one conversation per archive and leaf, its messages and the accounts' read markers.
** BEGIN IMMEDIATE holds the whole store for a writer, so a conversation created by one
** post is seen by the next.
*/
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "sq_helper.h"

#define DB ((struct sq_db *)base)

static json_t *
guidance_get(struct wm_db *base, int64_t archive_id, const char *code)
{
    static const char sql[] =
        "SELECT id, archive_id, indicator_code, state, created_at, updated_at FROM guidance "
        "WHERE archive_id = ?1 AND indicator_code = ?2";
    return sq_row(DB, sq_prep(DB, sql, "it", archive_id, code));
}

static enum wm_qs
guidance_upsert(struct wm_db *base, int64_t archive_id, const char *code, int64_t now,
                int64_t *id)
{
    static const char ins[] =
        "INSERT INTO guidance(archive_id, indicator_code, state, created_at, updated_at) "
        "VALUES (?1, ?2, 'open', ?3, ?3) ON CONFLICT (archive_id, indicator_code) DO NOTHING";
    static const char get[] =
        "SELECT id FROM guidance WHERE archive_id = ?1 AND indicator_code = ?2";
    enum wm_qs qs = sq_exec(DB, sq_prep(DB, ins, "iti", archive_id, code, now));
    if (qs < 0) {
        return qs;
    }
    *id = sq_int(DB, sq_prep(DB, get, "it", archive_id, code), 0);
    if (*id <= 0) {
        return wm_db_failed(&DB->base) ? DB->base.status : WM_QS_HARD;
    }
    return WM_QS_ONE;
}

static enum wm_qs
guidance_msg_insert(struct wm_db *base, int64_t guidance_id, int64_t author_id, const char *side,
                    const char *body, const char *sha, const char *filename, int64_t now,
                    int64_t *id)
{
    static const char sql[] =
        "INSERT INTO guidance_message(guidance_id, author_id, side, body, blob_sha, filename, at) "
        "VALUES (?1, nullif(?2, 0), ?3, ?4, ?5, ?6, ?7)";
    static const char touch[] = "UPDATE guidance SET updated_at = ?2 WHERE id = ?1";
    enum wm_qs qs = sq_exec(DB, sq_prep(DB, sql, "iitttti", guidance_id, author_id, side, body,
                                        sha, filename, now));
    if (WM_QS_ONE != qs) {
        return qs;
    }
    *id = sqlite3_last_insert_rowid(DB->h);
    return sq_exec(DB, sq_prep(DB, touch, "ii", guidance_id, now));
}

static enum wm_qs
guidance_set_state(struct wm_db *base, int64_t id, const char *state, int64_t now)
{
    static const char sql[] =
        "UPDATE guidance SET state = ?2, updated_at = ?3 WHERE id = ?1 AND state <> ?2";
    return sq_exec(DB, sq_prep(DB, sql, "iti", id, state, now));
}

static json_t *
guidance_messages(struct wm_db *base, int64_t guidance_id)
{
    static const char sql[] =
        "SELECT m.id, m.author_id, u.display_name AS author_name, m.side, m.body, "
        "m.blob_sha AS sha, m.filename, b.size, b.mime, m.at FROM guidance_message m "
        "LEFT JOIN user u ON u.id = m.author_id LEFT JOIN blob b ON b.sha = m.blob_sha "
        "WHERE m.guidance_id = ?1 ORDER BY m.id";
    return sq_rows(DB, sq_prep(DB, sql, "i", guidance_id));
}

static json_t *
guidance_msg_get(struct wm_db *base, int64_t id)
{
    static const char sql[] =
        "SELECT m.id, m.guidance_id, m.author_id, m.side, m.blob_sha AS sha, m.filename, b.size, "
        "b.mime, m.at, g.archive_id, g.indicator_code, a.unit_id, a.year "
        "FROM guidance_message m JOIN guidance g ON g.id = m.guidance_id "
        "JOIN archive a ON a.id = g.archive_id LEFT JOIN blob b ON b.sha = m.blob_sha "
        "WHERE m.id = ?1";
    return sq_row(DB, sq_prep(DB, sql, "i", id));
}

static enum wm_qs
guidance_read_set(struct wm_db *base, int64_t guidance_id, int64_t user_id, int64_t last_read)
{
    static const char sql[] =
        "INSERT INTO guidance_read(guidance_id, user_id, last_read) VALUES (?1, ?2, ?3) "
        "ON CONFLICT (guidance_id, user_id) DO UPDATE SET "
        "last_read = max(last_read, excluded.last_read)";
    return sq_exec(DB, sq_prep(DB, sql, "iii", guidance_id, user_id, last_read));
}

static int64_t
guidance_read_get(struct wm_db *base, int64_t guidance_id, int64_t user_id)
{
    static const char sql[] =
        "SELECT last_read FROM guidance_read WHERE guidance_id = ?1 AND user_id = ?2";
    return sq_int(DB, sq_prep(DB, sql, "ii", guidance_id, user_id), 0);
}

static json_t *
guidance_list(struct wm_db *base, const struct wm_guidance_filter *f)
{
    static const char sql[] =
        "SELECT * FROM (SELECT g.id, g.archive_id, g.indicator_code, i.title AS indicator_title, "
        "g.state, g.created_at, g.updated_at, a.unit_id, o.name AS unit_name, "
        "o.code AS unit_code, o.type AS unit_type, a.year, "
        "(SELECT count(*) FROM guidance_message WHERE guidance_id = g.id) AS messages, "
        "(SELECT count(*) FROM guidance_message m WHERE m.guidance_id = g.id AND m.side <> ?6 "
        "AND m.id > coalesce((SELECT last_read FROM guidance_read WHERE guidance_id = g.id "
        "AND user_id = ?5), 0)) AS unread, "
        "lm.id AS last_id, lm.body AS last_body, lm.at AS last_at, lm.side AS last_side, "
        "lu.display_name AS last_author, lm.filename AS last_filename "
        "FROM guidance g JOIN archive a ON a.id = g.archive_id JOIN org o ON o.id = a.unit_id "
        "LEFT JOIN indicator i ON i.edition_id = a.edition_id AND i.code = g.indicator_code "
        "LEFT JOIN guidance_message lm ON lm.id = "
        "(SELECT max(id) FROM guidance_message WHERE guidance_id = g.id) "
        "LEFT JOIN user lu ON lu.id = lm.author_id "
        "WHERE (?1 IS NULL OR (o.path >= ?1 AND o.path < ?2)) "
        "AND (?3 IS NULL OR g.state = ?3) AND (?4 = 0 OR a.unit_id = ?4)) "
        "WHERE (?7 = 0 OR unread > 0) "
        "ORDER BY unread > 0 DESC, updated_at DESC, id DESC LIMIT ?8 OFFSET ?9";
    struct wm_db_range r = wm_db_range_of(f->scope);
    json_t *a = sq_rows(DB, sq_prep(DB, sql, "tttiitiii", r.lo, r.hi, f->state, f->unit_id,
                                   f->user_id, f->side ? f->side : "", (int64_t)f->unread_only,
                                   (int64_t)(f->limit ? f->limit : 100), (int64_t)f->offset));
    wm_db_range_free(&r);
    return a;
}

void sq_fill_guidance_ops(struct wm_db_ops *ops);

void
sq_fill_guidance_ops(struct wm_db_ops *ops)
{
    ops->guidance_get = guidance_get;
    ops->guidance_upsert = guidance_upsert;
    ops->guidance_msg_insert = guidance_msg_insert;
    ops->guidance_set_state = guidance_set_state;
    ops->guidance_messages = guidance_messages;
    ops->guidance_msg_get = guidance_msg_get;
    ops->guidance_read_set = guidance_read_set;
    ops->guidance_read_get = guidance_read_get;
    ops->guidance_list = guidance_list;
}

/* end of sq_guidance.c */
