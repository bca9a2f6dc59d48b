/*
** pg_practice.c — the PostgreSQL backend's operations on good practice (经验做法): featured
** items and compilations (migration 0010).
**
** Sight of an item: the caller's scope holds the item's unit, or the featuring office's
** subtree holds the caller's scope (a unit of a district sees what its district office
** and the city office featured, not what another district's office did).  A compilation
** is seen the same way through the office that made it.
*/
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "pg_helper.h"

#define DB ((struct pg_db *)base)

#define FEAT_COLS                                                                             \
    "f.id, f.document_id, f.version, f.office_id, fo.name AS office_name, "                   \
    "fo.path AS office_path, f.note, f.category, f.featured_by, "                             \
    "u.display_name AS featured_by_name, f.at, f.updated_at, f.withdrawn, f.withdrawn_at, "   \
    "d.title, d.indicator_code, i.title AS indicator_title, d.serial, d.media, "               \
    "d.date_formed, d.status, d.deleted_at, a.year, a.edition_id, a.unit_id, "                \
    "o.name AS unit_name, o.code AS unit_code, o.type AS unit_type, o.path AS unit_path, "    \
    "v.blob_sha AS sha, b.mime, b.size, v.filename"
#define FEAT_FROM                                                                             \
    " FROM featured f JOIN org fo ON fo.id = f.office_id "                                    \
    "JOIN document d ON d.id = f.document_id JOIN archive a ON a.id = d.archive_id "          \
    "JOIN org o ON o.id = a.unit_id "                                                         \
    "JOIN version v ON v.document_id = f.document_id AND v.n = f.version "                    \
    "JOIN blob b ON b.sha = v.blob_sha "                                                      \
    "LEFT JOIN indicator i ON i.edition_id = a.edition_id AND i.code = d.indicator_code "     \
    "LEFT JOIN \"user\" u ON u.id = f.featured_by"

static enum wm_qs
featured_insert(struct wm_db *base, int64_t doc_id, int64_t version, int64_t office_id,
                const char *note, const char *category, int64_t user_id, int64_t now,
                int64_t *id)
{
    static const char sql[] =
        "INSERT INTO featured(document_id, version, office_id, note, category, featured_by, at, "
        "updated_at) VALUES ($1, $2, $3, $4, $5, nullif($6, 0), $7, $7) RETURNING id";
    /* the unique index featured_live refuses a second live item of a document */
    return pg_id(DB, pg_q(DB, sql, "!iiittii", doc_id, version, office_id, note, category,
                          user_id, now),
                 id);
}

static json_t *
featured_get(struct wm_db *base, int64_t id)
{
    static const char sql[] = "SELECT " FEAT_COLS FEAT_FROM " WHERE f.id = $1";
    return pg_row(DB, pg_q(DB, sql, "i", id));
}

static json_t *
featured_list(struct wm_db *base, const struct wm_featured_filter *f)
{
    static const char sql[] =
        "SELECT " FEAT_COLS FEAT_FROM
        " WHERE ($1 IS NULL OR (o.path >= $1 AND o.path < $2) "
        "OR substr($1, 1, length(fo.path)) = fo.path) "
        "AND ($3 IS NULL OR d.indicator_code = $3) "
        "AND ($4 IS NULL OR (d.indicator_code >= $4 AND d.indicator_code < $5)) "
        "AND ($6 IS NULL OR o.type = $6) AND ($7 IS NULL OR f.category = $7) "
        "AND ($8 = 0 OR f.document_id = $8) AND ($9 = 1 OR f.withdrawn = 0) "
        "AND ($10 = 0 OR d.deleted_at IS NULL) "
        "ORDER BY f.at DESC, f.id DESC LIMIT $11 OFFSET $12";
    struct wm_db_range r = wm_db_range_of(f->scope);
    const char *exact = NULL;
    char *lo = NULL, *hi = NULL;
    size_t n = f->indicator ? strlen(f->indicator) : 0;
    if (n > 0 && '.' == f->indicator[n - 1]) {
        lo = wm_strdup(f->indicator);
        hi = wm_strdup(f->indicator);
        hi[n - 1] = '/';
    } else if (n > 0) {
        exact = f->indicator;
    }
    json_t *a = pg_rows(DB, pg_q(DB, sql, "tttttttiiiii", r.lo, r.hi, exact, lo, hi,
                                   f->unit_type, f->category, f->document_id,
                                   (int64_t)f->withdrawn, (int64_t)f->live_docs,
                                   (int64_t)(f->limit ? f->limit : 100), (int64_t)f->offset));
    free(lo);
    free(hi);
    wm_db_range_free(&r);
    return a;
}

static enum wm_qs
featured_update(struct wm_db *base, int64_t id, const char *note, const char *category,
                int64_t now)
{
    static const char sql[] =
        "UPDATE featured SET note = coalesce($2, note), category = coalesce($3, category), "
        "updated_at = $4 WHERE id = $1 AND withdrawn = 0";
    return pg_exec(DB, pg_q(DB, sql, "itti", id, note, category, now));
}

static enum wm_qs
featured_withdraw(struct wm_db *base, int64_t id, int64_t user_id, int64_t now)
{
    static const char sql[] =
        "UPDATE featured SET withdrawn = 1, withdrawn_by = nullif($2, 0), withdrawn_at = $3, "
        "updated_at = $3 WHERE id = $1 AND withdrawn = 0";
    return pg_exec(DB, pg_q(DB, sql, "iii", id, user_id, now));
}

/* ---------------------------------------------------------------- compilations */

#define COMP_COLS                                                                             \
    "c.id, c.title, c.office_id, fo.name AS office_name, fo.path AS office_path, "            \
    "c.created_by, u.display_name AS created_by_name, c.at, c.state, c.job_id, c.result_sha, " \
    "b.size, c.pages, c.error, c.finished_at, "                                               \
    "(SELECT count(*) FROM compilation_item ci WHERE ci.compilation_id = c.id) AS items"
#define COMP_FROM                                                                             \
    " FROM compilation c JOIN org fo ON fo.id = c.office_id "                                 \
    "LEFT JOIN blob b ON b.sha = c.result_sha LEFT JOIN \"user\" u ON u.id = c.created_by"

static enum wm_qs
compilation_insert(struct wm_db *base, const char *title, int64_t office_id, int64_t user_id,
                   int64_t now, int64_t *id)
{
    static const char sql[] = "INSERT INTO compilation(title, office_id, created_by, at) "
                              "VALUES ($1, $2, nullif($3, 0), $4) RETURNING id";
    return pg_id(DB, pg_q(DB, sql, "tiii", title, office_id, user_id, now), id);
}

static enum wm_qs
compilation_item_insert(struct wm_db *base, int64_t compilation_id, int64_t seq,
                        int64_t featured_id)
{
    static const char sql[] =
        "INSERT INTO compilation_item(compilation_id, seq, featured_id) VALUES ($1, $2, $3)";
    return pg_exec(DB, pg_q(DB, sql, "iii", compilation_id, seq, featured_id));
}

static enum wm_qs
compilation_set(struct wm_db *base, int64_t id, const char *state, int64_t job_id,
                const char *sha, int64_t pages, const char *error, int64_t now)
{
    static const char sql[] =
        "UPDATE compilation SET state = $2, job_id = coalesce(nullif($3, 0), job_id), "
        "result_sha = coalesce($4, result_sha), "
        "pages = CASE WHEN $5 < 0 THEN pages ELSE $5 END, error = coalesce($6, error), "
        "finished_at = CASE WHEN $2 IN ('done', 'failed') THEN $7 ELSE finished_at END "
        "WHERE id = $1";
    return pg_exec(DB, pg_q(DB, sql, "itititi", id, state, job_id, sha, pages, error, now));
}

static json_t *
compilation_get(struct wm_db *base, int64_t id)
{
    static const char sql[] = "SELECT " COMP_COLS COMP_FROM " WHERE c.id = $1";
    return pg_row(DB, pg_q(DB, sql, "i", id));
}

static json_t *
compilation_items(struct wm_db *base, int64_t id)
{
    static const char sql[] = "SELECT " FEAT_COLS FEAT_FROM
                              " JOIN compilation_item ci ON ci.featured_id = f.id "
                              "WHERE ci.compilation_id = $1 ORDER BY ci.seq";
    return pg_rows(DB, pg_q(DB, sql, "i", id));
}

static json_t *
compilation_list(struct wm_db *base, const char *scope, unsigned limit)
{
    static const char sql[] =
        "SELECT " COMP_COLS COMP_FROM
        " WHERE $1 IS NULL OR (fo.path >= $1 AND fo.path < $2) "
        "OR substr($1, 1, length(fo.path)) = fo.path ORDER BY c.id DESC LIMIT $3";
    struct wm_db_range r = wm_db_range_of(scope);
    json_t *a = pg_rows(DB, pg_q(DB, sql, "tti", r.lo, r.hi, (int64_t)(limit ? limit : 100)));
    wm_db_range_free(&r);
    return a;
}

void
pg_fill_practice_ops(struct wm_db_ops *ops)
{
    ops->featured_insert = featured_insert;
    ops->featured_get = featured_get;
    ops->featured_list = featured_list;
    ops->featured_update = featured_update;
    ops->featured_withdraw = featured_withdraw;
    ops->compilation_insert = compilation_insert;
    ops->compilation_item_insert = compilation_item_insert;
    ops->compilation_set = compilation_set;
    ops->compilation_get = compilation_get;
    ops->compilation_items = compilation_items;
    ops->compilation_list = compilation_list;
}

/* end of pg_practice.c */
