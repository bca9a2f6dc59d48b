/*
** sq_titles.c — the SQLite backend's operations on the title register (文明称号, issue 10,
** migration 0015): insert, read, update, list by filter, and the units due for a recheck.
*/
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "sq_helper.h"

#define DB ((struct sq_db *)base)

#define TITLE_COLS                                                                         \
    "t.id, t.unit_id, t.title, t.level, t.round_id, t.award_doc, t.awarded_on, "           \
    "t.valid_until, t.state, t.reason, t.note, t.created_by, t.created_at, t.updated_at, " \
    "t.updated_by, o.name AS unit_name, o.code AS unit_code, o.type AS unit_type, "        \
    "o.path AS unit_path "

static enum wm_qs
title_insert(struct wm_db *base,
             const struct wm_title_row *in,
             int64_t user_id,
             int64_t now,
             int64_t *id)
{
    static const char sql[] =
        "INSERT INTO title(unit_id, title, level, round_id, award_doc, awarded_on, valid_until, "
        "state, reason, note, created_by, created_at, updated_at, updated_by) "
        "VALUES (?1, ?2, ?3, nullif(?4, 0), ?5, ?6, ?7, coalesce(?8, 'kept'), ?9, ?10, "
        "nullif(?11, 0), ?12, ?12, nullif(?11, 0))";
    enum wm_qs qs =
        sq_exec(DB, sq_prep(DB, sql, "ittittttttii", in->unit_id, in->title, in->level,
                            in->round_id, in->award_doc, in->awarded_on, in->valid_until, in->state,
                            in->reason, in->note, user_id, now));
    if (WM_QS_ONE == qs) {
        *id = sqlite3_last_insert_rowid(DB->h);
    }
    return qs;
}

static json_t *
title_get(struct wm_db *base, int64_t id)
{
    static const char sql[] =
        "SELECT " TITLE_COLS "FROM title t JOIN org o ON o.id = t.unit_id WHERE t.id = ?1";
    return sq_row(DB, sq_prep(DB, sql, "i", id));
}

static enum wm_qs
title_update(struct wm_db *base,
             int64_t id,
             const struct wm_title_row *in,
             int64_t user_id,
             int64_t now)
{
    static const char sql[] =
        "UPDATE title SET title = ?2, level = ?3, round_id = nullif(?4, 0), award_doc = ?5, "
        "awarded_on = ?6, valid_until = ?7, state = coalesce(?8, state), reason = ?9, "
        "note = ?10, updated_by = nullif(?11, 0), updated_at = ?12 WHERE id = ?1";
    return sq_exec(DB, sq_prep(DB, sql, "ittittttttii", id, in->title, in->level, in->round_id,
                               in->award_doc, in->awarded_on, in->valid_until, in->state,
                               in->reason, in->note, user_id, now));
}

static json_t *
title_list(struct wm_db *base, const struct wm_title_filter *f)
{
    static const char sql[] =
        "SELECT " TITLE_COLS "FROM title t JOIN org o ON o.id = t.unit_id "
        "WHERE (?1 IS NULL OR (o.path >= ?1 AND o.path < ?2)) AND (?3 = 0 OR t.unit_id = ?3) "
        "AND (?4 IS NULL OR t.level = ?4) AND (?5 IS NULL OR t.state = ?5) "
        "AND (?6 IS NULL OR t.valid_until >= ?6) AND (?7 IS NULL OR t.valid_until <= ?7) "
        "AND (?8 IS NULL OR t.title LIKE ?8 ESCAPE '\\' OR t.award_doc LIKE ?8 ESCAPE '\\' "
        "OR o.name LIKE ?8 ESCAPE '\\' OR o.code LIKE ?8 ESCAPE '\\') "
        "ORDER BY t.awarded_on DESC, t.id DESC LIMIT ?9 OFFSET ?10";
    struct wm_db_range r = wm_db_range_of(f->scope);
    char *like = wm_db_like_of(f->q);
    json_t *a = sq_rows(DB, sq_prep(DB, sql, "ttitttttii", r.lo, r.hi, f->unit_id, f->level,
                                    f->state, f->until_from, f->until_to, like,
                                    (int64_t)(f->limit ? f->limit : 100), (int64_t)f->offset));
    free(like);
    wm_db_range_free(&r);
    return a;
}

static json_t *
title_due(struct wm_db *base,
          const char *scope,
          const char *level,
          const char *since,
          const char *date)
{
    static const char sql[] =
        "SELECT t.unit_id, o.name AS unit_name, o.code AS unit_code, o.type AS unit_type, "
        "o.path AS unit_path, t.id AS title_id, t.title, t.level, t.valid_until, t.state "
        "FROM title t JOIN org o ON o.id = t.unit_id "
        "WHERE t.state IN ('kept', 'expired') AND t.valid_until IS NOT NULL "
        "AND t.valid_until <= ?3 AND (?5 IS NULL OR t.valid_until >= ?5) "
        "AND (?1 IS NULL OR (o.path >= ?1 AND o.path < ?2)) AND (?4 IS NULL OR t.level = ?4) "
        "AND NOT EXISTS (SELECT 1 FROM title k WHERE k.unit_id = t.unit_id AND k.state = 'kept' "
        "AND (?4 IS NULL OR k.level = ?4) AND (k.valid_until IS NULL OR k.valid_until > ?3)) "
        "AND NOT EXISTS (SELECT 1 FROM title t2 WHERE t2.unit_id = t.unit_id "
        "AND t2.state IN ('kept', 'expired') AND t2.valid_until IS NOT NULL "
        "AND t2.valid_until <= ?3 AND (?5 IS NULL OR t2.valid_until >= ?5) "
        "AND (?4 IS NULL OR t2.level = ?4) AND (t2.valid_until > t.valid_until "
        "OR (t2.valid_until = t.valid_until AND t2.id > t.id))) "
        "ORDER BY o.path, o.id";
    struct wm_db_range r = wm_db_range_of(scope);
    json_t *a = sq_rows(DB, sq_prep(DB, sql, "ttttt", r.lo, r.hi, date, level, since));
    wm_db_range_free(&r);
    return a;
}

void sq_fill_title_ops(struct wm_db_ops *ops);

void
sq_fill_title_ops(struct wm_db_ops *ops)
{
    ops->title_insert = title_insert;
    ops->title_get = title_get;
    ops->title_update = title_update;
    ops->title_list = title_list;
    ops->title_due = title_due;
}

/* end of sq_titles.c */
