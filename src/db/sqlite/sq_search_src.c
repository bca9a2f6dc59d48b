/*
** sq_search_src.c — the SQLite backend's reads of what the search index is made from
** (issue 11): a document or a guidance conversation as it is indexed, the batches a rebuild
** walks, the documents whose current version is a blob, the blobs without text yet, and
** orgs by id for the names of hits and facets.  The index itself is sq_search.c's.
*/
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "sq_helper.h"

#define DB ((struct sq_db *)base)

static json_t *
search_src_document(struct wm_db *base, int64_t id)
{
    static const char sql[] =
        "SELECT d.id, d.title, d.dept, d.author, d.keywords, d.remarks, d.status, "
        "d.date_formed, d.media, d.indicator_code, d.deleted_at, a.unit_id, o.path AS unit_path, "
        "o.type AS unit_type, a.year, v.blob_sha AS sha, b.mime, v.filename "
        "FROM document d JOIN archive a ON a.id = d.archive_id JOIN org o ON o.id = a.unit_id "
        "LEFT JOIN version v ON v.document_id = d.id AND v.n = "
        "(SELECT max(n) FROM version WHERE document_id = d.id) "
        "LEFT JOIN blob b ON b.sha = v.blob_sha WHERE d.id = ?1";
    return sq_row(DB, sq_prep(DB, sql, "i", id));
}

static json_t *
search_src_guidance(struct wm_db *base, int64_t id)
{
    static const char sql[] =
        "SELECT g.id, g.state, g.archive_id, g.indicator_code, i.title AS indicator_title, "
        "a.unit_id, o.path AS unit_path, o.type AS unit_type, a.year FROM guidance g "
        "JOIN archive a ON a.id = g.archive_id JOIN org o ON o.id = a.unit_id "
        "LEFT JOIN indicator i ON i.edition_id = a.edition_id AND i.code = g.indicator_code "
        "WHERE g.id = ?1";
    return sq_row(DB, sq_prep(DB, sql, "i", id));
}

static json_t *
search_src_ids(struct wm_db *base, const char *kind, const char *scope, int64_t after,
               unsigned limit)
{
    static const char docs[] =
        "SELECT d.id FROM document d JOIN archive a ON a.id = d.archive_id "
        "JOIN org o ON o.id = a.unit_id WHERE d.deleted_at IS NULL AND d.id > ?1 "
        "AND (?2 IS NULL OR (o.path >= ?2 AND o.path < ?3)) ORDER BY d.id LIMIT ?4";
    static const char guid[] =
        "SELECT g.id FROM guidance g JOIN archive a ON a.id = g.archive_id "
        "JOIN org o ON o.id = a.unit_id WHERE g.id > ?1 "
        "AND (?2 IS NULL OR (o.path >= ?2 AND o.path < ?3)) ORDER BY g.id LIMIT ?4";
    bool doc = wm_streq(kind, "document");
    if (!doc && !wm_streq(kind, "guidance")) {
        DB->base.status = WM_QS_HARD;
        return NULL;
    }
    struct wm_db_range r = wm_db_range_of(scope);
    json_t *a = sq_rows(DB, sq_prep(DB, doc ? docs : guid, "itti", after, r.lo, r.hi,
                                   (int64_t)(limit ? limit : 500)));
    wm_db_range_free(&r);
    return a;
}

static int64_t
search_src_count(struct wm_db *base, const char *kind)
{
    static const char docs[] = "SELECT count(*) FROM document WHERE deleted_at IS NULL";
    static const char guid[] = "SELECT count(*) FROM guidance";
    static const char inds[] = "SELECT count(*) FROM indicator i JOIN edition e ON "
                               "e.id = i.edition_id WHERE e.status = 'published'";
    const char *sql = wm_streq(kind, "document")   ? docs
                      : wm_streq(kind, "guidance") ? guid
                      : wm_streq(kind, "indicator") ? inds
                                                    : NULL;
    if (NULL == sql) {
        DB->base.status = WM_QS_HARD;
        return -1;
    }
    return sq_int(DB, sq_prep(DB, sql, ""), -1);
}

static json_t *
search_src_editions(struct wm_db *base)
{
    static const char sql[] = "SELECT id FROM edition WHERE status = 'published' ORDER BY id";
    return sq_rows(DB, sq_prep(DB, sql, ""));
}

static json_t *
search_src_blob_docs(struct wm_db *base, const char *sha)
{
    static const char sql[] =
        "SELECT d.id FROM version v JOIN document d ON d.id = v.document_id "
        "WHERE v.blob_sha = ?1 AND d.deleted_at IS NULL "
        "AND v.n = (SELECT max(n) FROM version WHERE document_id = d.id) ORDER BY d.id";
    return sq_rows(DB, sq_prep(DB, sql, "t", sha));
}

static json_t *
search_src_untexted(struct wm_db *base, const char *after, unsigned limit)
{
    static const char sql[] =
        "SELECT DISTINCT b.sha, b.mime FROM document d JOIN version v ON v.document_id = d.id "
        "AND v.n = (SELECT max(n) FROM version WHERE document_id = d.id) "
        "JOIN blob b ON b.sha = v.blob_sha WHERE d.deleted_at IS NULL AND b.sha > ?1 "
        "AND NOT EXISTS (SELECT 1 FROM blob_text t WHERE t.sha = b.sha) ORDER BY b.sha LIMIT ?2";
    return sq_rows(DB, sq_prep(DB, sql, "ti", after ? after : "", (int64_t)(limit ? limit : 500)));
}

static json_t *
search_src_orgs(struct wm_db *base, const int64_t *ids, size_t n)
{
    static const char sql[] =
        "SELECT id, name, code, path, kind, type FROM org WHERE id IN "
        "(SELECT value FROM json_each(?1)) ORDER BY id";
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        json_array_append_new(arr, json_integer(ids[i]));
    }
    char *text = json_dumps(arr, JSON_COMPACT);
    json_decref(arr);
    json_t *rows = sq_rows(DB, sq_prep(DB, sql, "t", text ? text : "[]"));
    free(text);
    return rows;
}

void sq_fill_search_src_ops(struct wm_db_ops *ops);

void
sq_fill_search_src_ops(struct wm_db_ops *ops)
{
    ops->search_src_document = search_src_document;
    ops->search_src_guidance = search_src_guidance;
    ops->search_src_ids = search_src_ids;
    ops->search_src_count = search_src_count;
    ops->search_src_editions = search_src_editions;
    ops->search_src_blob_docs = search_src_blob_docs;
    ops->search_src_untexted = search_src_untexted;
    ops->search_src_orgs = search_src_orgs;
}

/* end of sq_search_src.c */
