/*
** sq_search.c — the SQLite backend's full-text search (issue 11): the FTS5 tokenizer
** "wenming" (wm_search_tokenize: Han bigrams, 繁简 folding) and the ranking function
** wm_rank, registered on every connection before the migrations run; the search_doc rows
** (search_fts follows them by triggers) and the bounded query; blob_text.
**
** A query reads matches newest first (FTS5 walks its doclists by rowid and stops at the
** LIMIT): the `candidates` newest, scored by wm_rank, going back in steps (wm_swalk: it
** stops below a step of the newest documents that holds a page of matches, and the answer
** is partial).  The total and the facets are counted over them and, when there are more,
** one more walk on to count_cap + 1 matches (not below the step the candidates ended in),
** reading the covering index search_doc_facets, not the rows.  Then the newest
** `candidates` of the older counted matches whose title alone matches (the query over the
** title column, between the two ids: bounded by the count window) are scored too; only
** those are sorted.  Nothing ever sorts or scores every match.
*/
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sq_helper.h"
#include "wm_search.h"

#define DB ((struct sq_db *)base)

/* ---------------------------------------------------------------- the tokenizer */

struct tok_ctx {
    void *pctx;
    int (*token)(void *, int, const char *, int, int, int);
};

static int
tok_emit(void *ctx, const char *tok, size_t len, size_t start, size_t end, unsigned flags)
{
    struct tok_ctx *t = ctx;
    (void)flags;
    return t->token(t->pctx, 0, tok, (int)len, (int)start, (int)end);
}

static int
tok_create(void *ud, const char **argv, int argc, Fts5Tokenizer **out)
{
    static int one;
    (void)ud, (void)argv, (void)argc;
    *out = (Fts5Tokenizer *)&one;
    return SQLITE_OK;
}

static void
tok_delete(Fts5Tokenizer *t)
{
    (void)t;
}

static int
tok_tokenize(Fts5Tokenizer *t, void *pctx, int flags, const char *text, int n,
             int (*token)(void *, int, const char *, int, int, int))
{
    (void)t;
    struct tok_ctx c = {pctx, token};
    enum wm_tok_mode mode = (flags & FTS5_TOKENIZE_QUERY) ? WM_TOK_QUERY : WM_TOK_INDEX;
    if (n <= 0 || NULL == text) {
        return SQLITE_OK;
    }
    return wm_search_tokenize(text, (size_t)n, mode, tok_emit, &c);
}

/* ---------------------------------------------------------------- wm_rank */

/*
** wm_rank(search_fts, n[, size]): BM25 (k1 1.2, b 0.75, as FTS5's bm25) with the title
** weighted 10, the body 1 and the tags 0, positive (higher is better), for the first n rows
** a statement visits; NULL after them.  size: the row's length in tokens (search_doc.size,
** read with the facets); when NULL, FTS5's own (a seek into search_fts_docsize).  A query whose first ranked row holds one phrase (the usual
** search: one word, one run of characters) is scored without IDF, which is then the same
** factor in every score; else each phrase's IDF counts its rows up to a cap.
*/
struct rank_state {
    int64_t row;
    int nphrase;
    int multi; /* 0: not known yet; 1: one phrase found in the rows (IDF 1); 2: more */
    double nrow, avgdl;
    double *idf; /* < 0: not computed yet */
};

static void
rank_free(void *p)
{
    struct rank_state *r = p;
    if (r) {
        free(r->idf);
        free(r);
    }
}

/* The rows holding a phrase are counted up to a cap (a 20th of the rows, 1,000 to 20,000):
** every phrase more common than that gets the same, low, IDF.  Counting further would
** walk the whole doclist of a common bigram on every query. */
struct rank_count {
    int64_t n, cap;
};

static int
rank_count_cb(const Fts5ExtensionApi *api, Fts5Context *fc, void *ud)
{
    struct rank_count *c = ud;
    (void)api, (void)fc;
    return ++c->n >= c->cap ? SQLITE_DONE : SQLITE_OK;
}

static void
wm_rank(const Fts5ExtensionApi *api, Fts5Context *fc, sqlite3_context *ctx, int nval,
        sqlite3_value **val)
{
    struct rank_state *r = api->xGetAuxdata(fc, 0);
    int rc;
    if (NULL == r) {
        r = wm_calloc(1, sizeof *r);
        r->nphrase = api->xPhraseCount(fc);
        r->idf = wm_calloc((size_t)(r->nphrase > 0 ? r->nphrase : 1), sizeof *r->idf);
        for (int i = 0; i < r->nphrase; i++) {
            r->idf[i] = -1;
        }
        sqlite3_int64 nrow = 0, t0 = 0, t1 = 0;
        if (SQLITE_OK != (rc = api->xRowCount(fc, &nrow)) ||
            SQLITE_OK != (rc = api->xColumnTotalSize(fc, 0, &t0)) ||
            SQLITE_OK != (rc = api->xColumnTotalSize(fc, 1, &t1))) {
            rank_free(r);
            sqlite3_result_error_code(ctx, rc);
            return;
        }
        r->nrow = nrow > 0 ? (double)nrow : 1;
        r->avgdl = (double)(t0 + t1) / r->nrow;
        if (r->avgdl <= 0) {
            r->avgdl = 1;
        }
        if (SQLITE_OK != (rc = api->xSetAuxdata(fc, r, rank_free))) {
            sqlite3_result_error_code(ctx, rc);
            return;
        }
    }
    int64_t limit = nval > 0 ? sqlite3_value_int64(val[0]) : 0;
    int64_t idx = r->row++;
    if (idx >= limit) {
        sqlite3_result_null(ctx);
        return;
    }
    int ninst = 0;
    if (SQLITE_OK != (rc = api->xInstCount(fc, &ninst))) {
        sqlite3_result_error_code(ctx, rc);
        return;
    }
    /* per phrase: weighted frequency; whether found in the title, in the body */
    double freq_s[16];
    unsigned char seen_s[16];
    double *freq = r->nphrase <= 16 ? freq_s : wm_calloc((size_t)r->nphrase, sizeof *freq);
    unsigned char *seen =
        r->nphrase <= 16 ? seen_s : wm_calloc((size_t)r->nphrase, sizeof *seen);
    memset(freq, 0, sizeof *freq * (size_t)(r->nphrase > 0 ? r->nphrase : 0));
    memset(seen, 0, (size_t)(r->nphrase > 0 ? r->nphrase : 0));
    for (int i = 0; i < ninst; i++) {
        int ph, col, off;
        if (SQLITE_OK != (rc = api->xInst(fc, i, &ph, &col, &off))) {
            goto fail;
        }
        if (ph < 0 || ph >= r->nphrase) {
            continue;
        }
        if (0 == col) {
            freq[ph] += 10.0;
            seen[ph] |= 1;
        } else if (1 == col) {
            freq[ph] += 1.0;
            seen[ph] |= 2;
        }
    }
    int d0 = 0, d1 = 0;
    if (nval > 1 && SQLITE_INTEGER == sqlite3_value_type(val[1])) {
        d0 = (int)sqlite3_value_int64(val[1]); /* search_doc.size: no seek into docsize */
    } else if (SQLITE_OK != (rc = api->xColumnSize(fc, 0, &d0)) ||
               SQLITE_OK != (rc = api->xColumnSize(fc, 1, &d1))) {
        goto fail;
    }
    double dl = (double)(d0 + d1), score = 0, k1 = 1.2, b = 0.75;
    if (0 == r->multi) {
        /* the IDF of a query's only phrase scales every score alike: it is left out (1),
        ** which spares a walk over the phrase's rows; decided on the first row */
        int nseen = 0;
        for (int i = 0; i < r->nphrase; i++) {
            nseen += 0 != seen[i];
        }
        r->multi = nseen > 1 ? 2 : 1;
    }
    for (int i = 0; i < r->nphrase; i++) {
        if (0 == seen[i]) {
            continue; /* absent, or a tag */
        }
        if (1 == r->multi) {
            r->idf[i] = 1;
        }
        if (r->idf[i] < 0) {
            struct rank_count cnt = {0, (int64_t)(r->nrow / 20)};
            cnt.cap = cnt.cap < 1000 ? 1000 : cnt.cap > 20000 ? 20000 : cnt.cap;
            if (SQLITE_OK != (rc = api->xQueryPhrase(fc, i, &cnt, rank_count_cb))) {
                goto fail;
            }
            double nhit = (double)cnt.n;
            double idf = log((r->nrow - nhit + 0.5) / (nhit + 0.5));
            r->idf[i] = idf <= 0 ? 1e-6 : idf;
        }
        score += r->idf[i] * (freq[i] * (k1 + 1)) / (freq[i] + k1 * (1 - b + b * dl / r->avgdl));
    }
    sqlite3_result_double(ctx, score);
    goto done;
fail:
    sqlite3_result_error_code(ctx, rc);
done:
    if (freq != freq_s) {
        free(freq);
    }
    if (seen != seen_s) {
        free(seen);
    }
}

/* ---------------------------------------------------------------- registration */

/* wm_fts_size(sz): the title's and the body's token counts added, from a record of
** search_fts_docsize (a varint per column, SQLite's varint format); NULL for no record. */
static void
fts_size(sqlite3_context *ctx, int nval, sqlite3_value **val)
{
    (void)nval;
    if (SQLITE_BLOB != sqlite3_value_type(val[0])) {
        sqlite3_result_null(ctx);
        return;
    }
    const unsigned char *p = sqlite3_value_blob(val[0]);
    int n = sqlite3_value_bytes(val[0]), at = 0;
    int64_t sum = 0;
    for (int col = 0; col < 2 && at < n; col++) {
        uint64_t v = 0;
        for (int k = 0; at < n; k++) {
            unsigned char c = p[at++];
            if (8 == k) {
                v = (v << 8) | c;
                break;
            }
            v = (v << 7) | (c & 0x7F);
            if (!(c & 0x80)) {
                break;
            }
        }
        sum += (int64_t)v;
    }
    sqlite3_result_int64(ctx, sum);
}

int
sq_search_register(sqlite3 *h)
{
    fts5_api *api = NULL;
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(h, "SELECT fts5(?1)", -1, &st, NULL);
    if (SQLITE_OK != rc) {
        return rc;
    }
    sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (SQLITE_ROW != rc || NULL == api || api->iVersion < 2) {
        return SQLITE_ERROR;
    }
    static fts5_tokenizer tok = {tok_create, tok_delete, tok_tokenize};
    rc = api->xCreateTokenizer(api, "wenming", NULL, &tok, NULL);
    if (SQLITE_OK == rc) {
        rc = api->xCreateFunction(api, "wm_rank", NULL, wm_rank, NULL);
    }
    if (SQLITE_OK == rc) {
        rc = sqlite3_create_function(h, "wm_fts_size", 1,
                                     SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
                                     fts_size, NULL, NULL);
    }
    return rc;
}

/* ---------------------------------------------------------------- rows */

static enum wm_qs
search_put(struct wm_db *base, const struct wm_search_row *r, int64_t now)
{
    static const char sql[] =
        "INSERT INTO search_doc(kind, ref_id, org_path, unit_id, unit_type, year, "
        "indicator_code, media, state, day, updated_at, tags, title, body, size) "
        "VALUES (?1, ?2, ?3, nullif(?4, 0), ?5, nullif(?6, 0), ?7, ?8, ?9, ?10, ?11, ?12, "
        "?13, ?14, ?15) ON CONFLICT (kind, ref_id) DO UPDATE SET org_path = excluded.org_path, "
        "unit_id = excluded.unit_id, unit_type = excluded.unit_type, year = excluded.year, "
        "indicator_code = excluded.indicator_code, media = excluded.media, "
        "state = excluded.state, day = excluded.day, updated_at = excluded.updated_at, "
        "tags = excluded.tags, title = excluded.title, body = excluded.body, "
        "size = excluded.size "
        /* unchanged: no update, so the trigger does not tokenize the text twice again */
        "WHERE search_doc.tags IS NOT excluded.tags OR search_doc.title IS NOT excluded.title "
        "OR search_doc.body IS NOT excluded.body OR search_doc.day IS NOT excluded.day "
        "OR search_doc.org_path IS NOT excluded.org_path "
        "OR search_doc.unit_type IS NOT excluded.unit_type "
        "OR search_doc.indicator_code IS NOT excluded.indicator_code "
        "OR search_doc.size IS NOT excluded.size";
    char *tags = wm_stags_row(r, "", " ");
    const char *title = r->title ? r->title : "", *body = r->body ? r->body : "";
    int64_t size = wm_search_ntokens(title, strlen(title)) + wm_search_ntokens(body, strlen(body));
    enum wm_qs qs = sq_exec(
        DB, sq_prep(DB, sql, "tititittttittti", r->kind, r->ref_id, r->org_path, r->unit_id,
                    r->unit_type, r->year, r->indicator_code, r->media, r->state, r->day, now,
                    tags, title, body, size));
    free(tags);
    return WM_QS_NONE == qs ? WM_QS_ONE : qs;
}

static enum wm_qs
search_remove(struct wm_db *base, const char *kind, int64_t ref_id)
{
    static const char sql[] = "DELETE FROM search_doc WHERE kind = ?1 AND ref_id = ?2";
    return sq_exec(DB, sq_prep(DB, sql, "ti", kind, ref_id));
}

static int64_t
search_count(struct wm_db *base, const char *kind)
{
    static const char sql[] = "SELECT count(*) FROM search_doc WHERE ?1 IS NULL OR kind = ?1";
    return sq_int(DB, sq_prep(DB, sql, "t", kind), -1);
}

/* One query for every code: the distinct titles of each, newest first (wm_sind_titles
** keeps four). */
static json_t *
search_indicator_titles(struct wm_db *base, const char *caller_path, const json_t *codes)
{
    static const char sql[] =
        "SELECT indicator_code, title FROM search_doc WHERE kind = 'indicator' "
        "AND indicator_code IN (SELECT value FROM json_each(?1)) "
        "AND (?2 IS NULL OR substr(?2, 1, length(org_path)) = org_path) "
        "GROUP BY indicator_code, title ORDER BY indicator_code, max(id) DESC";
    char *list = json_dumps(codes, JSON_COMPACT);
    json_t *rows = sq_rows(DB, sq_prep(DB, sql, "tt", list, caller_path));
    free(list);
    return wm_sind_titles(rows);
}

static enum wm_qs
search_clear(struct wm_db *base, const char *kind)
{
    static const char sql_kind[] = "DELETE FROM search_doc WHERE kind = ?1";
    static const char sql_docs[] = "DELETE FROM search_doc";
    if (kind) {
        enum wm_qs qs = sq_exec(DB, sq_prep(DB, sql_kind, "t", kind));
        return qs < 0 ? qs : WM_QS_ONE;
    }
    /* the triggers take each row out of search_fts */
    enum wm_qs qs = sq_exec(DB, sq_prep(DB, sql_docs, NULL));
    return qs < 0 ? qs : WM_QS_ONE;
}

/* The leaf page size of the merged index: a search scoped to a unit seeks each term's list
** once per document of the unit, and a seek reads (backwards, newest first) the whole leaf
** it lands on; 1,000 bytes instead of FTS5's 4,050 make that a quarter cheaper (a unit's
** p99 from 18 to 13.5 ms at 1,000,000 documents; the administrator's walk reads the same
** bytes in more pages, at the same speed).  The rows written between merges keep FTS5's
** size, which builds faster (bench/search.sh). */
#define MERGED_PGSZ 1000
#define WRITE_PGSZ 4050

/* FTS5's incremental merge ('merge', N pages; a negative N first, which puts every b-tree
** on one level and merges as few as two) into pages of MERGED_PGSZ: work was done when the
** total of changed rows grew by 2 or more (FTS5's own test, as its documentation says). */
static enum wm_qs
search_merge(struct wm_db *base, int64_t pages, bool start)
{
    static const char sql[] = "INSERT INTO search_fts(search_fts, rank) VALUES ('merge', ?1)";
    static const char sql_pgsz[] =
        "INSERT INTO search_fts(search_fts, rank) VALUES ('pgsz', ?1)";
    enum wm_qs qs = WM_QS_ONE;
    if (start) {
        qs = sq_exec(DB, sq_prep(DB, sql_pgsz, "i", (int64_t)MERGED_PGSZ));
    }
    sqlite3_int64 before = sqlite3_total_changes64(DB->h);
    if (qs >= 0) {
        qs = sq_exec(DB, sq_prep(DB, sql, "i", start ? -pages : pages));
    }
    if (qs < 0) {
        return qs;
    }
    if (sqlite3_total_changes64(DB->h) - before >= 2) {
        return WM_QS_ONE;
    }
    /* merged: the rows written from now on in pages of FTS5's own size */
    qs = sq_exec(DB, sq_prep(DB, sql_pgsz, "i", (int64_t)WRITE_PGSZ));
    return qs < 0 ? qs : WM_QS_NONE;
}

/* ---------------------------------------------------------------- the query */

static char *
match_expr(const char *user, const char *cols, const char *tags)
{
    if (tags) {
        return wm_asprintf("{%s} : (%s) AND {tags} : (%s)", cols, user, tags);
    }
    return wm_asprintf("{%s} : (%s)", cols, user);
}

static const char *
col_text(sqlite3_stmt *st, int c)
{
    return SQLITE_NULL == sqlite3_column_type(st, c) ? NULL
                                                     : (const char *)sqlite3_column_text(st, c);
}

/* The candidates and the count of one search: the ranked matches, how many were counted
** and the facets over the first count_cap of them. */
struct walk {
    struct wm_scand *c;
    size_t n, ccap;
    int64_t total, window; /* window: the oldest match counted */
    struct wm_sfacets fc;
};

static void
cand_add(struct walk *w, int64_t id, double score)
{
    if (w->n == w->ccap) {
        w->ccap = w->ccap ? 2 * w->ccap : 256;
        w->c = wm_realloc(w->c, w->ccap * sizeof *w->c);
    }
    w->c[w->n].id = id;
    w->c[w->n].score = score;
    w->n++;
}

/* Step st to its end (reset): false on an error (status set). */
static bool
sq_done(struct sq_db *db, sqlite3_stmt *st, int rc)
{
    sqlite3_reset(st);
    if (SQLITE_DONE != rc && SQLITE_ROW != rc) {
        (void)sq_qs(db, rc);
        return false;
    }
    return true;
}

/* Walk st (sql_cand's columns, at most lim rows): each row a candidate, counted with its
** facets while the total is within cap, until sw stops it (wm_swalk: the walk's steps are
** counted here, not bounded in the query, for a walk restarted far down a dense doclist
** costs more than going on to the next match).  False on an error (status set). */
static bool
cand_walk(struct sq_db *db, sqlite3_stmt *st, int64_t lim, struct walk *w, int64_t cap,
          struct wm_swalk *sw)
{
    int rc = SQLITE_DONE;
    while (st && SQLITE_ROW == (rc = sqlite3_step(st))) {
        int64_t id = sqlite3_column_int64(st, 0);
        if (wm_swalk_stop(sw, id, (int64_t)w->n)) {
            rc = SQLITE_DONE;
            break;
        }
        cand_add(w, id, sqlite3_column_double(st, 1));
        if (++w->total <= cap) {
            w->window = id;
            wm_sfacets_add(&w->fc, col_text(st, 2), sqlite3_column_int64(st, 3),
                           col_text(st, 4), col_text(st, 5), col_text(st, 6), col_text(st, 7),
                           sqlite3_column_int64(st, 8), col_text(st, 9));
        }
    }
    (void)wm_swalk_end(sw, (int64_t)w->n == lim);
    return st && sq_done(db, st, rc);
}

static json_t *
search_query(struct wm_db *base, const struct wm_search_q *q)
{
    /* the candidates: the newest matches below ?5, ranked */
    static const char sql_cand[] =
        "SELECT search_fts.rowid, wm_rank(search_fts, ?2, d.size), d.kind, d.year, d.unit_type, "
        "d.media, d.state, d.indicator_code, d.unit_id, d.org_path "
        "FROM search_fts JOIN search_doc d INDEXED BY search_doc_facets ON d.id = search_fts.rowid "
        "WHERE search_fts MATCH ?1 AND (?3 IS NULL OR d.day >= ?3) "
        "AND (?4 IS NULL OR d.day <= ?4) AND search_fts.rowid < ?5 "
        "ORDER BY search_fts.rowid DESC LIMIT ?2";
    /* title matches between two ids */
    static const char sql_title[] =
        "SELECT search_fts.rowid, wm_rank(search_fts, ?2, d.size) "
        "FROM search_fts JOIN search_doc d INDEXED BY search_doc_facets ON d.id = search_fts.rowid "
        "WHERE search_fts MATCH ?1 AND (?3 IS NULL OR d.day >= ?3) "
        "AND (?4 IS NULL OR d.day <= ?4) AND search_fts.rowid < ?5 AND search_fts.rowid >= ?6 "
        "ORDER BY search_fts.rowid DESC LIMIT ?2";
    /* the total and the facets over at most count_cap matches */
    static const char sql_count[] =
        "SELECT search_fts.rowid, d.kind, d.year, d.unit_type, d.media, d.state, "
        "d.indicator_code, d.unit_id, d.org_path FROM search_fts "
        "JOIN search_doc d INDEXED BY search_doc_facets "
        "ON d.id = search_fts.rowid WHERE search_fts MATCH ?1 AND (?2 IS NULL OR d.day >= ?2) "
        "AND (?3 IS NULL OR d.day <= ?3) AND search_fts.rowid < ?5 AND search_fts.rowid >= ?6 "
        "ORDER BY search_fts.rowid DESC LIMIT ?4";
    static const char sql_max[] = "SELECT max(id) FROM search_doc";
    static const char sql_hit[] =
        "SELECT id, kind, ref_id, org_path, unit_id, unit_type, year, indicator_code, media, "
        "state, day, title, body FROM search_doc WHERE id = ?1";
    if (NULL == q->fts5 || '\0' == q->fts5[0]) {
        DB->base.status = WM_QS_HARD;
        return NULL;
    }
    int64_t ncand = q->candidates ? q->candidates : WM_SEARCH_WINDOW;
    int64_t cap = q->count_cap ? q->count_cap : WM_SEARCH_WINDOW;
    unsigned limit = q->limit ? q->limit : 20;
    char *tags = wm_stags_query(q, false);
    char *expr = match_expr(q->fts5, "title body", tags);
    struct walk w = {0};
    wm_sfacets_init(&w.fc, q->indicator);
    json_t *res = NULL;
    int rc = SQLITE_DONE;

    int64_t max_id = sq_int(DB, sq_prep(DB, sql_max, NULL), 0);
    if (wm_db_failed(&DB->base)) {
        goto out;
    }
    /* newest first, in steps back */
    struct wm_swalk sw;
    wm_swalk_init(&sw, q, max_id);
    if (!cand_walk(DB, sq_prep(DB, sql_cand, "titti", expr, ncand, q->day_from, q->day_to,
                               sw.ceil),
                   ncand, &w, cap, &sw)) {
        goto out;
    }
    int64_t floor = sw.floor;
    int64_t ncounted = (int64_t)w.n, oldest = w.n ? w.c[w.n - 1].id : 0;
    /* the matches after the candidates, up to one more than the cap */
    sqlite3_stmt *st = (ncounted == ncand && w.total <= cap)
                           ? sq_prep(DB, sql_count, "tttiii", expr, q->day_from, q->day_to,
                                     cap + 1 - w.total, oldest, floor)
                           : NULL;
    while (st && SQLITE_ROW == (rc = sqlite3_step(st))) {
        if (++w.total > cap) {
            break;
        }
        w.window = sqlite3_column_int64(st, 0);
        wm_sfacets_add(&w.fc, col_text(st, 1), sqlite3_column_int64(st, 2), col_text(st, 3),
                       col_text(st, 4), col_text(st, 5), col_text(st, 6),
                       sqlite3_column_int64(st, 7), col_text(st, 8));
    }
    if (st && !sq_done(DB, st, rc)) {
        goto out;
    }
    if (ncounted == ncand && w.window < oldest && q->fts5_title && q->fts5_title[0]) {
        /* older counted matches whose title alone matches: the newest ncand of them */
        char *texpr = match_expr(q->fts5_title, "title", tags);
        st = sq_prep(DB, sql_title, "tittii", texpr, ncand, q->day_from, q->day_to, oldest,
                     w.window);
        while (st && SQLITE_ROW == (rc = sqlite3_step(st))) {
            cand_add(&w, sqlite3_column_int64(st, 0), sqlite3_column_double(st, 1));
        }
        free(texpr);
        if (NULL == st || !sq_done(DB, st, rc)) {
            goto out;
        }
    }
    /* partial: the walk stopped at the span's floor, older documents may match too */
    bool partial = floor > 0 && w.total <= cap, capped = w.total > cap || partial;
    wm_scand_sort(w.c, w.n);
    json_t *hits = json_array();
    for (size_t i = q->offset; i < w.n && i < (size_t)q->offset + limit; i++) {
        json_t *h = sq_row(DB, sq_prep(DB, sql_hit, "i", w.c[i].id));
        if (NULL == h) {
            if (wm_db_failed(&DB->base)) {
                json_decref(hits);
                goto out;
            }
            continue;
        }
        json_object_set_new(h, "rank", json_integer(wm_srank(w.c[i].score)));
        json_array_append_new(hits, h);
    }
    res = json_pack("{sI sb sb so so}", "total", (json_int_t)(w.total > cap ? cap : w.total),
                    "capped", capped, "partial", partial, "hits", hits, "facets",
                    wm_sfacets_done(&w.fc));
    if (partial) {
        json_object_set_new(res, "next_before", json_integer(floor));
    }
    DB->base.status = WM_QS_ONE;
out:
    wm_sfacets_free(&w.fc);
    free(w.c);
    free(expr);
    free(tags);
    return res;
}

/* ---------------------------------------------------------------- blob_text */

static json_t *
blob_text_get(struct wm_db *base, const char *sha)
{
    static const char sql[] = "SELECT sha, state, text, error, at FROM blob_text WHERE sha = ?1";
    return sq_row(DB, sq_prep(DB, sql, "t", sha));
}

static enum wm_qs
blob_text_put(struct wm_db *base, const char *sha, const char *state, const char *text,
              const char *error, int64_t now)
{
    static const char sql[] =
        "INSERT INTO blob_text(sha, state, text, error, at) VALUES (?1, ?2, ?3, ?4, ?5) "
        "ON CONFLICT (sha) DO UPDATE SET state = excluded.state, text = excluded.text, "
        "error = excluded.error, at = excluded.at";
    return sq_exec(DB, sq_prep(DB, sql, "tttti", sha, state, text ? text : "", error, now));
}

void sq_fill_search_ops(struct wm_db_ops *ops);

void
sq_fill_search_ops(struct wm_db_ops *ops)
{
    ops->search_put = search_put;
    ops->search_remove = search_remove;
    ops->search_query = search_query;
    ops->search_count = search_count;
    ops->search_indicator_titles = search_indicator_titles;
    ops->search_clear = search_clear;
    ops->search_merge = search_merge;
    ops->blob_text_get = blob_text_get;
    ops->blob_text_put = blob_text_put;
}

/* end of sq_search.c */
