/*
** pg_archives.c — the PostgreSQL backend's operations on archives, documents, versions,
** blobs and fixity runs (the statements of db/sqlite/sq_archives.c).
**
** Serials with concurrent writers (READ COMMITTED): a write into a leaf first upserts the
** leaf's row in leaf_code_seq, which locks it until the transaction ends; a second writer
** into the same leaf waits there, and its later statements see what the first committed.
** So the next display serial, coalesce(max(serial), 0) + 1 of the leaf, is computed only
** while the leaf is locked, and numbers are neither given twice nor skipped.
*/
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "pg_helper.h"

#define DB ((struct pg_db *)base)

static enum wm_qs
archive_default_set(struct wm_db *base, int64_t org_id, int64_t year, int64_t edition_id)
{
    static const char sql[] =
        "INSERT INTO archive_default(org_id, year, edition_id) VALUES ($1, $2, $3) "
        "ON CONFLICT (org_id, year) DO UPDATE SET edition_id = excluded.edition_id";
    return pg_exec(DB, pg_q(DB, sql, "!iii", org_id, year, edition_id));
}

static int64_t
archive_default_for(struct wm_db *base, const char *unit_path, int64_t year)
{
    static const char sql[] =
        "SELECT d.edition_id FROM archive_default d JOIN org o ON o.id = d.org_id "
        "WHERE d.year = $2 AND left($1, length(o.path)) = o.path "
        "ORDER BY length(o.path) DESC LIMIT 1";
    return pg_int(DB, pg_q(DB, sql, "ti", unit_path, year), 0);
}

static json_t *
archive_defaults(struct wm_db *base, int64_t org_id)
{
    static const char sql[] =
        "SELECT d.year, d.edition_id, f.name, e.version FROM archive_default d "
        "JOIN edition e ON e.id = d.edition_id JOIN framework f ON f.id = e.framework_id "
        "WHERE d.org_id = $1 ORDER BY d.year DESC";
    return pg_rows(DB, pg_q(DB, sql, "i", org_id));
}

#define ARCHIVE_COLS                                                                          \
    "a.id, a.unit_id, a.year, a.edition_id, a.created_at, f.name AS framework_name, "     \
    "e.version AS framework_version"
#define ARCHIVE_FROM                                                                          \
    " FROM archive a JOIN edition e ON e.id = a.edition_id JOIN framework f ON f.id = e.framework_id"

static json_t *
archive_get(struct wm_db *base, int64_t unit_id, int64_t year)
{
    static const char sql[] =
        "SELECT " ARCHIVE_COLS ARCHIVE_FROM " WHERE a.unit_id = $1 AND a.year = $2";
    return pg_row(DB, pg_q(DB, sql, "ii", unit_id, year));
}

static json_t *
archive_by_id(struct wm_db *base, int64_t id)
{
    static const char sql[] = "SELECT " ARCHIVE_COLS ARCHIVE_FROM " WHERE a.id = $1";
    return pg_row(DB, pg_q(DB, sql, "i", id));
}

static json_t *
archive_list(struct wm_db *base, int64_t unit_id)
{
    static const char sql[] =
        "SELECT " ARCHIVE_COLS ", (SELECT count(*) FROM document d WHERE d.archive_id = a.id "
        "AND d.deleted_at IS NULL) AS documents" ARCHIVE_FROM
        " WHERE a.unit_id = $1 ORDER BY a.year DESC";
    return pg_rows(DB, pg_q(DB, sql, "i", unit_id));
}

static enum wm_qs
archive_insert(struct wm_db *base, int64_t unit_id, int64_t year, int64_t edition_id, int64_t now,
               int64_t *id)
{
    static const char sql[] = "INSERT INTO archive(unit_id, year, edition_id, created_at) "
                              "VALUES ($1, $2, $3, $4) RETURNING id";
    return pg_id(DB, pg_q(DB, sql, "!iiii", unit_id, year, edition_id, now), id);
}

static int64_t
archive_doc_total(struct wm_db *base, int64_t archive_id)
{
    static const char sql[] = "SELECT count(*) FROM document WHERE archive_id = $1";
    return pg_int(DB, pg_q(DB, sql, "i", archive_id), -1);
}

static enum wm_qs
archive_delete(struct wm_db *base, int64_t archive_id)
{
    static const char seq[] = "DELETE FROM leaf_code_seq WHERE archive_id = $1 AND NOT EXISTS "
                              "(SELECT 1 FROM document WHERE archive_id = $1)";
    static const char sql[] = "DELETE FROM archive WHERE id = $1 AND NOT EXISTS "
                              "(SELECT 1 FROM document WHERE archive_id = $1)";
    /* and its schedule summary (0013): counters of documents purged since */
    static const char met[] = "DELETE FROM sched_met WHERE archive_id = $1 AND NOT EXISTS "
                              "(SELECT 1 FROM document WHERE archive_id = $1)";
    static const char count[] = "DELETE FROM sched_count WHERE archive_id = $1 AND NOT EXISTS "
                                "(SELECT 1 FROM document WHERE archive_id = $1)";
    enum wm_qs qs = pg_exec(DB, pg_q(DB, seq, "i", archive_id));
    if (qs >= 0) {
        qs = pg_exec(DB, pg_q(DB, met, "i", archive_id));
    }
    if (qs >= 0) {
        qs = pg_exec(DB, pg_q(DB, count, "i", archive_id));
    }
    if (qs < 0) {
        return qs;
    }
    return pg_exec(DB, pg_q(DB, sql, "!i", archive_id));
}

/*
** Lock the leaf's counter row; with bump, also take the next number of an archival code
** there (one past the highest ever given).  A leaf without a row yet starts after the
** highest code number of its documents.  The number (0 on an error).
*/
static int64_t
leaf_lock(struct pg_db *db, int64_t archive_id, const char *code, bool bump)
{
    static const char next[] =
        "INSERT INTO leaf_code_seq AS s (archive_id, indicator_code, last) VALUES ($1, $2, "
        "(SELECT coalesce(max(code_serial), 0) + 1 FROM document WHERE archive_id = $1 AND "
        "indicator_code = $2)) ON CONFLICT (archive_id, indicator_code) DO UPDATE SET "
        "last = s.last + 1 RETURNING last";
    static const char lock[] =
        "INSERT INTO leaf_code_seq AS s (archive_id, indicator_code, last) VALUES ($1, $2, "
        "(SELECT coalesce(max(code_serial), 0) FROM document WHERE archive_id = $1 AND "
        "indicator_code = $2)) ON CONFLICT (archive_id, indicator_code) DO UPDATE SET "
        "last = s.last RETURNING last";
    return pg_int(db, pg_q(db, bump ? next : lock, "it", archive_id, code), 0);
}

static enum wm_qs
leaf_hold(struct wm_db *base, int64_t archive_id, const char *code)
{
    if (0 == leaf_lock(DB, archive_id, code, false) && wm_db_failed(base)) {
        return base->status;
    }
    return WM_QS_ONE;
}

static enum wm_qs
blob_upsert(struct wm_db *base, const char *sha, int64_t size, const char *mime, int64_t now)
{
    static const char sql[] = "INSERT INTO blob(sha, size, mime, created_at) VALUES ($1, $2, $3, $4) "
                              "ON CONFLICT (sha) DO NOTHING";
    enum wm_qs qs = pg_exec(DB, pg_q(DB, sql, "titi", sha, size, mime, now));
    return WM_QS_NONE == qs ? WM_QS_ONE : qs;
}

static enum wm_qs
doc_insert(struct wm_db *base, int64_t archive_id, const char *code, const struct wm_doc_meta *m,
           int64_t user_id, int64_t now, int64_t *id, int64_t *serial)
{
    static const char sql[] =
        "INSERT INTO document(archive_id, indicator_code, serial, title, date_formed, media, "
        "dept, author, keywords, retention, remarks, created_by, created_at, updated_at, "
        "code_serial) "
        "VALUES ($1, $2, (SELECT coalesce(max(serial), 0) + 1 FROM document "
        "WHERE archive_id = $1 AND indicator_code = $2), $3, $4, $5, $6, $7, $8, "
        "coalesce($9, '永久'), $10, nullif($11, 0), $12, $12, $13) RETURNING id, serial";
    int64_t cs = leaf_lock(DB, archive_id, code, true);
    if (cs <= 0) {
        return WM_QS_ONE != base->status ? base->status : WM_QS_HARD;
    }
    PGresult *r = pg_q(DB, sql, "itttttttttiii", archive_id, code, m->title, m->date_formed,
                       m->media, m->dept, m->author, m->keywords, m->retention, m->remarks,
                       user_id, now, cs);
    if (NULL == r) {
        return base->status;
    }
    enum wm_qs qs = WM_QS_NONE;
    if (PQntuples(r) > 0) {
        *id = (int64_t)strtoll(PQgetvalue(r, 0, 0), NULL, 10);
        *serial = (int64_t)strtoll(PQgetvalue(r, 0, 1), NULL, 10);
        qs = WM_QS_ONE;
    }
    PQclear(r);
    return qs;
}

static enum wm_qs
version_insert(struct wm_db *base, int64_t doc_id, const char *sha, const char *filename,
               int64_t user_id, int64_t now, int64_t *n)
{
    /* The document row is locked first (by the update), so two versions of one document
    ** cannot take the same number. */
    static const char sql_touch[] = "UPDATE document SET updated_at = $2 WHERE id = $1";
    static const char sql[] =
        "INSERT INTO version(document_id, n, blob_sha, filename, created_by, created_at) "
        "VALUES ($1, (SELECT coalesce(max(n), 0) + 1 FROM version WHERE document_id = $1), $2, $3, "
        "nullif($4, 0), $5) RETURNING n";
    enum wm_qs qs = pg_exec(DB, pg_q(DB, sql_touch, "ii", doc_id, now));
    if (qs < 0) {
        return qs;
    }
    qs = pg_id(DB, pg_q(DB, sql, "ittii", doc_id, sha, filename, user_id, now), n);
    return qs;
}

#define DOC_COLS                                                                              \
    "d.id, d.archive_id, d.indicator_code, d.serial, d.title, d.date_formed, d.media, d.dept, " \
    "d.author, d.keywords, d.retention, d.remarks, d.status, d.created_at, d.updated_at, "     \
    "d.deleted_at, d.code_serial, v.n AS version, v.blob_sha AS sha, v.filename, b.size, b.mime"
#define DOC_FROM                                                                              \
    " FROM document d JOIN version v ON v.document_id = d.id AND v.n = "                      \
    "(SELECT max(n) FROM version WHERE document_id = d.id) JOIN blob b ON b.sha = v.blob_sha"

static json_t *
doc_get(struct wm_db *base, int64_t id)
{
    static const char sql[] =
        "SELECT " DOC_COLS ", a.unit_id, a.year, a.edition_id, o.path AS unit_path, "
        "o.code AS unit_code, o.name AS unit_name, u.display_name AS created_by_name" DOC_FROM
        " JOIN archive a ON a.id = d.archive_id JOIN org o ON o.id = a.unit_id"
        " LEFT JOIN \"user\" u ON u.id = d.created_by WHERE d.id = $1";
    return pg_row(DB, pg_q(DB, sql, "i", id));
}

static json_t *
doc_list(struct wm_db *base, int64_t archive_id, const char *code, bool trash)
{
    static const char sql[] =
        "SELECT " DOC_COLS DOC_FROM " WHERE d.archive_id = $1 AND ($2 IS NULL OR d.indicator_code = $2)"
        " AND (($3 = 0 AND d.deleted_at IS NULL) OR ($3 = 1 AND d.deleted_at IS NOT NULL))"
        " ORDER BY d.indicator_code, d.serial, d.id";
    return pg_rows(DB, pg_q(DB, sql, "iti", archive_id, code, (int64_t)trash));
}

static json_t *
doc_counts(struct wm_db *base, int64_t archive_id)
{
    static const char sql[] =
        "SELECT indicator_code AS code, count(*) AS n, "
        "count(*) FILTER (WHERE media = 'text') AS text, "
        "count(*) FILTER (WHERE media = 'photo') AS photo, "
        "count(*) FILTER (WHERE media = 'audiovisual') AS audiovisual "
        "FROM document WHERE archive_id = $1 AND deleted_at IS NULL GROUP BY indicator_code";
    return pg_rows(DB, pg_q(DB, sql, "i", archive_id));
}

static enum wm_qs
doc_update(struct wm_db *base, int64_t id, const struct wm_doc_meta *m, int64_t now)
{
    static const char sql[] =
        "UPDATE document SET title = coalesce($2, title), date_formed = coalesce($3, date_formed), "
        "media = coalesce($4, media), dept = coalesce($5, dept), author = coalesce($6, author), "
        "keywords = coalesce($7, keywords), retention = coalesce($8, retention), "
        "remarks = coalesce($9, remarks), updated_at = $10 WHERE id = $1";
    return pg_exec(DB, pg_q(DB, sql, "itttttttti", id, m->title, m->date_formed, m->media,
                            m->dept, m->author, m->keywords, m->retention, m->remarks, now));
}

static enum wm_qs
leaf_renumber(struct wm_db *base, int64_t archive_id, const char *code)
{
    static const char neg[] = "UPDATE document SET serial = -serial WHERE archive_id = $1 "
                              "AND indicator_code = $2 AND serial > 0";
    static const char sql[] =
        "UPDATE document SET serial = r.rn FROM (SELECT id, row_number() OVER (ORDER BY serial DESC)"
        " AS rn FROM document WHERE archive_id = $1 AND indicator_code = $2 AND serial < 0) r "
        "WHERE document.id = r.id";
    if (0 == leaf_lock(DB, archive_id, code, false) && wm_db_failed(base)) {
        return base->status;
    }
    enum wm_qs qs = pg_exec(DB, pg_q(DB, neg, "it", archive_id, code));
    if (qs < 0) {
        return qs;
    }
    qs = pg_exec(DB, pg_q(DB, sql, "it", archive_id, code));
    return qs < 0 ? qs : WM_QS_ONE;
}

static enum wm_qs
doc_trash(struct wm_db *base, int64_t id, int64_t user_id, int64_t now)
{
    static const char sql[] = "UPDATE document SET deleted_at = $2, deleted_by = nullif($3, 0), "
                              "serial = NULL WHERE id = $1 AND deleted_at IS NULL";
    return pg_exec(DB, pg_q(DB, sql, "iii", id, now, user_id));
}

/* The archive and leaf of a document (false when there is none or on an error). */
static bool
doc_leaf(struct pg_db *db, int64_t id, int64_t *archive_id, char **code)
{
    static const char sql[] = "SELECT archive_id, indicator_code FROM document WHERE id = $1";
    PGresult *r = pg_q(db, sql, "i", id);
    bool ok = r && PQntuples(r) > 0;
    if (ok) {
        *archive_id = (int64_t)strtoll(PQgetvalue(r, 0, 0), NULL, 10);
        *code = wm_strdup(PQgetvalue(r, 0, 1));
    }
    PQclear(r);
    return ok;
}

static enum wm_qs
doc_restore(struct wm_db *base, int64_t id, int64_t now)
{
    static const char sql[] =
        "UPDATE document SET deleted_at = NULL, deleted_by = NULL, updated_at = $2, serial = "
        "(SELECT coalesce(max(serial), 0) + 1 FROM document x WHERE x.archive_id = "
        "document.archive_id AND x.indicator_code = document.indicator_code) "
        "WHERE id = $1 AND deleted_at IS NOT NULL";
    int64_t archive_id;
    char *code = NULL;
    if (!doc_leaf(DB, id, &archive_id, &code)) {
        return wm_db_failed(base) ? base->status : WM_QS_NONE;
    }
    int64_t locked = leaf_lock(DB, archive_id, code, false);
    free(code);
    if (0 == locked && wm_db_failed(base)) {
        return base->status;
    }
    return pg_exec(DB, pg_q(DB, sql, "ii", id, now));
}

static enum wm_qs
doc_purge(struct wm_db *base, int64_t id)
{
    static const char sql_v[] = "DELETE FROM version WHERE document_id = $1";
    static const char sql[] = "DELETE FROM document WHERE id = $1 AND deleted_at IS NOT NULL";
    enum wm_qs qs = pg_exec(DB, pg_q(DB, sql_v, "i", id));
    if (qs < 0) {
        return qs;
    }
    return pg_exec(DB, pg_q(DB, sql, "i", id));
}

static enum wm_qs
doc_move(struct wm_db *base, int64_t id, const char *code, int64_t now)
{
    static const char sql[] =
        "UPDATE document SET indicator_code = $2, updated_at = $3, code_serial = $4, serial = "
        "(SELECT coalesce(max(serial), 0) + 1 FROM document x WHERE x.archive_id = "
        "document.archive_id AND x.indicator_code = $2) WHERE id = $1 AND deleted_at IS NULL";
    static const char arch[] = "SELECT archive_id FROM document WHERE id = $1";
    /* Filed again in another leaf: the next code number there (the old one is not reused);
    ** taking it locks the leaf, so the serial below is not taken twice. */
    int64_t archive_id = pg_int(DB, pg_q(DB, arch, "i", id), 0);
    if (0 == archive_id) {
        return WM_QS_ONE != base->status ? base->status : WM_QS_NONE;
    }
    int64_t cs = leaf_lock(DB, archive_id, code, true);
    if (cs <= 0) {
        return WM_QS_ONE != base->status ? base->status : WM_QS_HARD;
    }
    return pg_exec(DB, pg_q(DB, sql, "itii", id, code, now, cs));
}

static enum wm_qs
doc_reorder(struct wm_db *base, int64_t archive_id, const char *code, const int64_t *ids, size_t n)
{
    static const char sql[] = "UPDATE document SET serial = $4 WHERE id = $1 AND archive_id = $2 "
                              "AND indicator_code = $3 AND deleted_at IS NULL";
    static const char count[] = "SELECT count(*) FROM document WHERE archive_id = $1 AND "
                                "indicator_code = $2 AND deleted_at IS NULL";
    if (0 == leaf_lock(DB, archive_id, code, false) && wm_db_failed(base)) {
        return base->status;
    }
    if ((int64_t)n != pg_int(DB, pg_q(DB, count, "it", archive_id, code), -1)) {
        return WM_QS_NONE;
    }
    /* Negative serials first, so that no step collides with the unique constraint. */
    for (size_t i = 0; i < n; i++) {
        if (WM_QS_ONE != pg_exec(DB, pg_q(DB, sql, "!iiti", ids[i], archive_id, code,
                                          -(int64_t)(i + 1)))) {
            return WM_QS_NONE;
        }
    }
    static const char flip[] = "UPDATE document SET serial = -serial WHERE archive_id = $1 "
                               "AND indicator_code = $2 AND serial < 0";
    enum wm_qs qs = pg_exec(DB, pg_q(DB, flip, "it", archive_id, code));
    return qs < 0 ? qs : WM_QS_ONE;
}

static json_t *
version_list(struct wm_db *base, int64_t doc_id)
{
    static const char sql[] =
        "SELECT v.n AS version, v.blob_sha AS sha, v.filename, v.created_at, b.size, b.mime, "
        "u.display_name AS created_by_name FROM version v JOIN blob b ON b.sha = v.blob_sha "
        "LEFT JOIN \"user\" u ON u.id = v.created_by WHERE v.document_id = $1 ORDER BY v.n DESC";
    return pg_rows(DB, pg_q(DB, sql, "i", doc_id));
}

static json_t *
blob_list(struct wm_db *base)
{
    static const char sql[] = "SELECT sha, size FROM blob ORDER BY sha";
    return pg_rows(DB, pg_q(DB, sql, NULL));
}

static json_t *
version_shas(struct wm_db *base)
{
    /* and the guidance attachments (0009) and the compilations' PDFs (0010), which are no
    ** document's but are kept as well */
    static const char sql[] = "SELECT blob_sha AS sha FROM version UNION "
                              "SELECT blob_sha FROM guidance_message WHERE blob_sha IS NOT NULL "
                              "UNION SELECT result_sha FROM compilation WHERE result_sha IS NOT NULL "
                              /* issue 13, dat70: the 四性检测 reports */
                              "UNION SELECT json_sha FROM archive_check WHERE json_sha IS NOT NULL "
                              "UNION SELECT pdf_sha FROM archive_check WHERE pdf_sha IS NOT NULL "
                              "ORDER BY 1";
    return pg_rows(DB, pg_q(DB, sql, NULL));
}

static enum wm_qs
fixity_insert(struct wm_db *base, int64_t started, int64_t finished, int64_t checked,
              int64_t missing, int64_t corrupt, const char *detail)
{
    static const char sql[] = "INSERT INTO fixity_run(started_at, finished_at, checked, missing, "
                              "corrupt, detail) VALUES ($1, $2, $3, $4, $5, $6)";
    return pg_exec(DB, pg_q(DB, sql, "iiiiit", started, finished, checked, missing, corrupt,
                            detail));
}

static json_t *
fixity_last(struct wm_db *base)
{
    static const char sql[] = "SELECT id, started_at, finished_at, checked, missing, corrupt, "
                              "detail FROM fixity_run ORDER BY id DESC LIMIT 1";
    return pg_row(DB, pg_q(DB, sql, NULL));
}

/* ---------------------------------------------------------------- review */

static enum wm_qs
review_insert(struct wm_db *base, int64_t doc_id, int64_t version, const char *action,
              const char *from, const char *status, int64_t actor_id, const char *comment,
              int64_t now, int64_t *id)
{
    /* The event only while the document is in from, its row locked (FOR UPDATE): a
    ** concurrent verdict or new version waits, and one that came first is seen (the row
    ** is checked again after the wait), so two writers never both move it. */
    static const char sql[] =
        "INSERT INTO review(document_id, version, action, actor_id, comment, at) "
        "SELECT $1, $2, $3, nullif($4, 0), $5, $6 FROM document WHERE id = $1 AND status = $7 "
        "FOR UPDATE RETURNING id";
    static const char sql_st[] =
        "UPDATE document SET status = $2, updated_at = $3, status_at = $3 WHERE id = $1";
    enum wm_qs qs = pg_id(DB, pg_q(DB, sql, "!iititit", doc_id, version, action, actor_id,
                                   comment, now, from), id);
    if (WM_QS_ONE != qs) {
        return qs;
    }
    return pg_exec(DB, pg_q(DB, sql_st, "iti", doc_id, status, now));
}

static enum wm_qs
doc_set_status(struct wm_db *base, int64_t doc_id, const char *status, int64_t now)
{
    static const char sql[] =
        "UPDATE document SET status = $2, updated_at = $3, status_at = $3 WHERE id = $1";
    return pg_exec(DB, pg_q(DB, sql, "iti", doc_id, status, now));
}

static json_t *
review_list(struct wm_db *base, int64_t doc_id)
{
    static const char sql[] =
        "SELECT r.id, r.version, r.action, r.actor_id, u.display_name AS actor_name, r.comment, "
        "r.at FROM review r LEFT JOIN \"user\" u ON u.id = r.actor_id WHERE r.document_id = $1 "
        "ORDER BY r.id";
    return pg_rows(DB, pg_q(DB, sql, "i", doc_id));
}

static json_t *
review_queue(struct wm_db *base, const struct wm_review_filter *f)
{
    /* ascending, and descending for the keyset before a document (nearest first) */
#define QUEUE_SQL(order)                                                                     \
        "SELECT d.id, d.archive_id, d.indicator_code, d.serial, d.title, d.media, d.status, " \
        "d.date_formed, a.unit_id, a.year, o.name AS unit_name, o.code AS unit_code, "        \
        "o.path AS unit_path, o.type AS unit_type, r.version, r.action, r.at, r.comment, "    \
        "r.actor_id, u.display_name AS actor_name, r.id AS review_id "                        \
        "FROM document d JOIN archive a ON a.id = d.archive_id JOIN org o ON o.id = a.unit_id " \
        "JOIN review r ON r.id = (SELECT max(id) FROM review WHERE document_id = d.id) "      \
        "LEFT JOIN \"user\" u ON u.id = r.actor_id "                                          \
        "WHERE d.deleted_at IS NULL AND d.status = $1 "                                       \
        "AND ($2 IS NULL OR (o.path >= $2 AND o.path < $3)) "                                 \
        "AND ($4 = 0 OR a.unit_id = $4) "                                                     \
        "AND ($5 IS NULL OR d.indicator_code = $5) "                                          \
        "AND ($6 IS NULL OR (d.indicator_code >= $6 AND d.indicator_code < $7)) "             \
        "AND ($8 IS NULL OR d.media = $8) AND ($9 IS NULL OR o.type = $9) "                   \
        "AND ($10 = 0 OR r.actor_id = $10) AND ($11 = 0 OR d.status_at < $11) "               \
        "AND ($14 = 0 OR d.status_at >= $14) "                                                \
        "AND ($15 = 0 OR ($15 > 0 AND (d.status_at > $16 OR (d.status_at = $16 AND d.id > $17))) " \
        "OR ($15 < 0 AND (d.status_at < $16 OR (d.status_at = $16 AND d.id < $17)))) "        \
        order " LIMIT $12 OFFSET $13"
    static const char *const sqls[2] = {QUEUE_SQL("ORDER BY d.status_at, d.id"),
                                        QUEUE_SQL("ORDER BY d.status_at DESC, d.id DESC")};
    struct wm_db_range r = wm_db_range_of(f->scope);
    /* A code ending in '.' is every leaf below it: the range [code, code with the final
    ** '.' replaced by '/'), the next byte. */
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
    json_t *a = pg_rows(DB, pg_q(DB, sqls[f->key_dir < 0], "tttitttttiiiiiiii",
                                   f->status ? f->status : "submitted",
                                   r.lo, r.hi, f->unit_id, exact, lo, hi, f->media, f->unit_type,
                                   f->actor_id, f->before, (int64_t)(f->limit ? f->limit : 100),
                                   (int64_t)f->offset, f->after, (int64_t)f->key_dir, f->key_at,
                                   f->key_id));
    free(lo);
    free(hi);
    wm_db_range_free(&r);
    return a;
}

static json_t *
review_return_counts(struct wm_db *base, int64_t archive_id)
{
    static const char sql[] =
        "SELECT d.id, d.indicator_code, count(*) AS returns FROM review r "
        "JOIN document d ON d.id = r.document_id WHERE d.archive_id = $1 AND r.action = 'return' "
        "GROUP BY d.id, d.indicator_code ORDER BY d.indicator_code, d.id";
    return pg_rows(DB, pg_q(DB, sql, "i", archive_id));
}

/* ---------------------------------------------------------------- office settings */

#define SETTING_COLS "s.org_id, s.offset_days, s.count_submitted, s.returns_limit, s.updated_at, s.updated_by"

static json_t *
office_setting_get(struct wm_db *base, int64_t org_id)
{
    static const char sql[] = "SELECT " SETTING_COLS " FROM office_setting s WHERE s.org_id = $1";
    return pg_row(DB, pg_q(DB, sql, "i", org_id));
}

static json_t *
office_setting_for(struct wm_db *base, const char *path)
{
    static const char sql[] =
        "SELECT " SETTING_COLS " FROM office_setting s JOIN org o ON o.id = s.org_id "
        "WHERE left($1, length(o.path)) = o.path ORDER BY length(o.path) DESC LIMIT 1";
    return pg_row(DB, pg_q(DB, sql, "t", path));
}

static enum wm_qs
office_setting_set(struct wm_db *base, int64_t org_id, int64_t offset_days, bool count_submitted,
                   int64_t returns_limit, int64_t user_id, int64_t now)
{
    static const char sql[] =
        "INSERT INTO office_setting(org_id, offset_days, count_submitted, returns_limit, "
        "updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, nullif($6, 0)) "
        "ON CONFLICT (org_id) DO UPDATE SET offset_days = excluded.offset_days, "
        "count_submitted = excluded.count_submitted, returns_limit = excluded.returns_limit, "
        "updated_at = excluded.updated_at, updated_by = excluded.updated_by";
    return pg_exec(DB, pg_q(DB, sql, "!iiiiii", org_id, offset_days, (int64_t)count_submitted,
                            returns_limit, now, user_id));
}

void
pg_fill_archive_ops(struct wm_db_ops *ops)
{
    ops->archive_default_set = archive_default_set;
    ops->archive_default_for = archive_default_for;
    ops->archive_defaults = archive_defaults;
    ops->archive_get = archive_get;
    ops->archive_by_id = archive_by_id;
    ops->archive_list = archive_list;
    ops->archive_insert = archive_insert;
    ops->archive_doc_total = archive_doc_total;
    ops->archive_delete = archive_delete;
    ops->blob_upsert = blob_upsert;
    ops->doc_insert = doc_insert;
    ops->version_insert = version_insert;
    ops->doc_get = doc_get;
    ops->doc_list = doc_list;
    ops->doc_counts = doc_counts;
    ops->doc_update = doc_update;
    ops->doc_trash = doc_trash;
    ops->doc_restore = doc_restore;
    ops->doc_purge = doc_purge;
    ops->doc_move = doc_move;
    ops->doc_reorder = doc_reorder;
    ops->leaf_renumber = leaf_renumber;
    ops->leaf_hold = leaf_hold;
    ops->version_list = version_list;
    ops->blob_list = blob_list;
    ops->fixity_insert = fixity_insert;
    ops->fixity_last = fixity_last;
    ops->version_shas = version_shas;
    ops->review_insert = review_insert;
    ops->doc_set_status = doc_set_status;
    ops->review_list = review_list;
    ops->review_queue = review_queue;
    ops->review_return_counts = review_return_counts;
    ops->office_setting_get = office_setting_get;
    ops->office_setting_for = office_setting_for;
    ops->office_setting_set = office_setting_set;
}

/* end of pg_archives.c */
