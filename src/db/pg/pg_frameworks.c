/*
** pg_frameworks.c — the PostgreSQL backend's operations on frameworks, editions and their
** indicator rows (the statements of db/sqlite/sq_frameworks.c).
*/
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "pg_helper.h"

#define DB ((struct pg_db *)base)

static json_t *
fw_find(struct wm_db *base, int64_t org_id, const char *name)
{
    static const char sql[] =
        "SELECT id, org_id, name, created_at FROM framework WHERE org_id = $1 AND name = $2";
    return pg_row(DB, pg_q(DB, sql, "it", org_id, name));
}

static enum wm_qs
fw_insert(struct wm_db *base, int64_t org_id, const char *name, int64_t now, int64_t *id)
{
    static const char sql[] =
        "INSERT INTO framework(org_id, name, created_at) VALUES ($1, $2, $3) RETURNING id";
    return pg_id(DB, pg_q(DB, sql, "!iti", org_id, name, now), id);
}

static enum wm_qs
edition_insert(struct wm_db *base, int64_t framework_id, const char *version, const char *source,
               const char *document, int64_t leaves, int64_t total, int64_t user_id, int64_t now,
               int64_t *id)
{
    static const char sql[] =
        "INSERT INTO edition(framework_id, version, status, source, document, leaves, total, "
        "created_by, created_at) VALUES ($1, $2, 'draft', $3, $4, $5, $6, nullif($7, 0), $8) "
        "RETURNING id";
    return pg_id(DB, pg_q(DB, sql, "!itttiiii", framework_id, version, source, document, leaves,
                          total, user_id, now), id);
}

#define EDITION_COLS                                                                        \
    "e.id, e.framework_id, f.name, e.version, e.status, e.source, e.leaves, e.total, "   \
    "e.created_at, e.published_at, f.org_id, o.path AS org_path, o.name AS org_name, "    \
    "u.display_name AS created_by_name"
#define EDITION_FROM                                                                        \
    " FROM edition e JOIN framework f ON f.id = e.framework_id JOIN org o ON o.id = f.org_id" \
    " LEFT JOIN \"user\" u ON u.id = e.created_by"

static json_t *
edition_get(struct wm_db *base, int64_t id, bool with_document)
{
    static const char sql[] = "SELECT " EDITION_COLS EDITION_FROM " WHERE e.id = $1";
    static const char sql_doc[] =
        "SELECT " EDITION_COLS ", e.document" EDITION_FROM " WHERE e.id = $1";
    return pg_row(DB, pg_q(DB, with_document ? sql_doc : sql, "i", id));
}

static json_t *
edition_find(struct wm_db *base, int64_t framework_id, const char *version)
{
    static const char sql[] =
        "SELECT " EDITION_COLS EDITION_FROM " WHERE e.framework_id = $1 AND e.version = $2";
    return pg_row(DB, pg_q(DB, sql, "it", framework_id, version));
}

static json_t *
edition_list(struct wm_db *base, const struct wm_fw_scope *s, const struct wm_page *pg)
{
    /* Published editions of offices on the caller's path to the root, and, for managers,
    ** every edition of the offices within their scope. */
    static const char sql[] =
        "SELECT " EDITION_COLS EDITION_FROM
        " WHERE e.id > $4 AND ((e.status = 'published' AND left($1, length(o.path)) = o.path)"
        "   OR (($2 IS NULL OR (o.path >= $2 AND o.path < $3))"
        "       AND ($5 <> 0 OR e.status = 'published')))"
        " AND ($6 IS NULL OR e.status = $6)"
        " ORDER BY e.id LIMIT $7";
    struct wm_db_range r = wm_db_range_of(s->scope);
    json_t *a = pg_rows(DB, pg_q(DB, sql, "tttiiti", s->caller_path, r.lo, r.hi, pg->after,
                                 (int64_t)s->drafts, pg->kind, (int64_t)pg->limit));
    wm_db_range_free(&r);
    return a;
}

static enum wm_qs
edition_replace(struct wm_db *base, int64_t id, const char *source, const char *document,
                int64_t leaves, int64_t total)
{
    static const char sql[] = "UPDATE edition SET source = $2, document = $3, leaves = $4, "
                              "total = $5 WHERE id = $1 AND status = 'draft'";
    return pg_exec(DB, pg_q(DB, sql, "ittii", id, source, document, leaves, total));
}

static enum wm_qs
edition_publish(struct wm_db *base, int64_t id, int64_t now)
{
    static const char sql[] = "UPDATE edition SET status = 'published', published_at = $2 "
                              "WHERE id = $1 AND status = 'draft'";
    return pg_exec(DB, pg_q(DB, sql, "ii", id, now));
}

static enum wm_qs
edition_delete(struct wm_db *base, int64_t id)
{
    /* A draft goes with its indicators (ON DELETE CASCADE); a published edition and its
    ** indicators stay. */
    static const char sql[] = "DELETE FROM edition WHERE id = $1 AND status = 'draft'";
    return pg_exec(DB, pg_q(DB, sql, "!i", id));
}

static enum wm_qs
ind_insert(struct wm_db *base, int64_t edition_id, const struct wm_ind_row *r)
{
    static const char sql[] =
        "INSERT INTO indicator(edition_id, code, parent_code, seq, depth, leaf, title, "
        "requirement, materials, score, veto, depts, media, frequency, min_documents) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, CASE WHEN $10 <> 0 THEN $11 END, $12, $13, "
        "$14, $15, CASE WHEN $16 >= 0 THEN $16 END)";
    return pg_exec(DB, pg_q(DB, sql, "ittiiitttiiittti", edition_id, r->code, r->parent_code,
                            r->seq, (int64_t)r->depth, (int64_t)r->leaf, r->title,
                            r->requirement, r->materials, (int64_t)r->has_score, r->score,
                            (int64_t)r->veto, r->depts, r->media, r->frequency,
                            r->min_documents));
}

static enum wm_qs
ind_clear(struct wm_db *base, int64_t edition_id)
{
    static const char sql[] = "DELETE FROM indicator WHERE edition_id = $1";
    return pg_exec(DB, pg_q(DB, sql, "i", edition_id));
}

static json_t *
ind_list(struct wm_db *base, int64_t edition_id, bool leaves_only)
{
    static const char sql[] =
        "SELECT code, parent_code, seq, depth, leaf, title, requirement, materials, score, veto, "
        "depts, media, frequency, min_documents FROM indicator WHERE edition_id = $1 "
        "AND ($2 = 0 OR leaf = 1) ORDER BY seq";
    return pg_rows(DB, pg_q(DB, sql, "ii", edition_id, (int64_t)leaves_only));
}

void
pg_fill_framework_ops(struct wm_db_ops *ops)
{
    ops->fw_find = fw_find;
    ops->fw_insert = fw_insert;
    ops->edition_insert = edition_insert;
    ops->edition_get = edition_get;
    ops->edition_find = edition_find;
    ops->edition_list = edition_list;
    ops->edition_replace = edition_replace;
    ops->edition_publish = edition_publish;
    ops->edition_delete = edition_delete;
    ops->ind_insert = ind_insert;
    ops->ind_clear = ind_clear;
    ops->ind_list = ind_list;
}

/* end of pg_frameworks.c */
