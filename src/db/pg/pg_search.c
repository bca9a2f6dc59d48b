/*
** pg_search.c — the PostgreSQL backend's full-text search (issue 11), the same as
** db/sqlite/sq_search.c.  search_put computes the tsvector in C from wm_search_tokenize's
** tokens (the title's with weight A at positions 1.., the body's with weight D after a gap
** of one position, so that no phrase spans the two; positions above 16383 are 16383, at
** most 256 per lexeme, as PostgreSQL keeps them) plus the tag lexemes '~s12' ... of scope
** and filters (the tokenizer never makes a '~'); the GIN index over it answers a query
** with the tag condition ANDed in.
**
** A query reads at most count_cap + 1 matches, newest first, for the total and the
** facets, and takes them as the SQLite store walks (wm_swalk: it stops below a step of the
** newest documents that holds a page of matches, and the answer is partial); the first
** `candidates` rows and the later counted rows whose title alone
** satisfies the query (tsv @@ the query with every lexeme restricted to weight A; at most
** `candidates` more) are ranked with ts_rank (weights D 0.1, A 1.0: the title weighs ten times the
** body), only those.
*/
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "pg_helper.h"
#include "wm_search.h"

#define DB ((struct pg_db *)base)

/* ---------------------------------------------------------------- the tsvector */

#define TSV_MAXPOS 16383
#define TSV_NPOS 256
#define TSV_BYTES 900000 /* the tsvector's limit is 1 MB: new lexemes stop before it */

struct lex {
    char *tok;
    size_t len;
    unsigned npos;
    uint16_t pos[TSV_NPOS];
    bool title[TSV_NPOS];
};

struct tsv_build {
    struct lex **slot; /* open addressing by token text */
    size_t cap, n;
    struct lex **order; /* lexemes in the order first seen */
    size_t size;        /* an estimate of the tsvector's bytes */
    unsigned pos;       /* the next position, 1.. */
    bool title;
};


static void
tsv_grow(struct tsv_build *b)
{
    size_t cap = b->cap ? 2 * b->cap : 256;
    struct lex **t = wm_calloc(cap, sizeof *t);
    for (size_t i = 0; i < b->cap; i++) {
        if (b->slot[i]) {
            size_t j = wm_fnv1a(b->slot[i]->tok, b->slot[i]->len) & (cap - 1);
            while (t[j]) {
                j = (j + 1) & (cap - 1);
            }
            t[j] = b->slot[i];
        }
    }
    free(b->slot);
    b->slot = t;
    b->cap = cap;
    b->order = wm_realloc(b->order, cap * sizeof *b->order);
}

static int
tsv_tok(void *ctx, const char *tok, size_t len, size_t start, size_t end, unsigned flags)
{
    struct tsv_build *b = ctx;
    (void)start, (void)end, (void)flags;
    unsigned pos = b->pos < TSV_MAXPOS ? b->pos : TSV_MAXPOS;
    b->pos++;
    if (2 * (b->n + 1) > b->cap) {
        tsv_grow(b);
    }
    size_t j = wm_fnv1a(tok, len) & (b->cap - 1);
    while (b->slot[j] && !(b->slot[j]->len == len && 0 == memcmp(b->slot[j]->tok, tok, len))) {
        j = (j + 1) & (b->cap - 1);
    }
    struct lex *l = b->slot[j];
    if (NULL == l) {
        if (b->size + len + 8 > TSV_BYTES) {
            return 0;
        }
        l = wm_calloc(1, sizeof *l);
        l->tok = wm_strndup(tok, len);
        l->len = len;
        b->slot[j] = l;
        b->order[b->n++] = l;
        b->size += len + 8;
    }
    if (l->npos < TSV_NPOS && (0 == l->npos || l->pos[l->npos - 1] != pos)) {
        l->pos[l->npos] = (uint16_t)pos;
        l->title[l->npos] = b->title;
        l->npos++;
        b->size += 2;
    }
    return 0;
}

static void
tsv_quote(struct wm_buf *o, const char *s, size_t n)
{
    wm_buf_addc(o, '\'');
    for (size_t i = 0; i < n; i++) {
        if ('\'' == s[i] || '\\' == s[i]) {
            wm_buf_addc(o, s[i]);
        }
        wm_buf_addc(o, s[i]);
    }
    wm_buf_addc(o, '\'');
}

/* The tsvector text of a row; *size: its length in tokens (title and body). */
static char *
tsv_of(const struct wm_search_row *r, int64_t *size)
{
    struct tsv_build b = {0};
    tsv_grow(&b);
    b.pos = 1;
    b.title = true;
    const char *t = r->title ? r->title : "", *body = r->body ? r->body : "";
    (void)wm_search_tokenize(t, strlen(t), WM_TOK_INDEX, tsv_tok, &b);
    b.pos++; /* a gap: no phrase spans the title and the body */
    b.title = false;
    (void)wm_search_tokenize(body, strlen(body), WM_TOK_INDEX, tsv_tok, &b);
    *size = (int64_t)b.pos - 2; /* positions from 1, and the gap */
    struct wm_buf o = {0};
    for (size_t i = 0; i < b.n; i++) {
        struct lex *l = b.order[i];
        if (o.len) {
            wm_buf_addc(&o, ' ');
        }
        tsv_quote(&o, l->tok, l->len);
        for (unsigned k = 0; k < l->npos; k++) {
            wm_buf_printf(&o, "%c%u%s", k ? ',' : ':', (unsigned)l->pos[k], l->title[k] ? "A" : "");
        }
        free(l->tok);
        free(l);
    }
    free(b.slot);
    free(b.order);
    char *tags = wm_stags_row(r, "~", " ");
    if (tags[0]) {
        if (o.len) {
            wm_buf_addc(&o, ' ');
        }
        wm_buf_adds(&o, tags);
    }
    free(tags);
    return wm_buf_steal(&o);
}

/* ---------------------------------------------------------------- rows */

static enum wm_qs
search_put(struct wm_db *base, const struct wm_search_row *r, int64_t now)
{
    static const char sql[] =
        "INSERT INTO search_doc(kind, ref_id, org_path, unit_id, unit_type, year, "
        "indicator_code, media, state, day, updated_at, title, body, tsv, size) "
        "VALUES ($1, $2, $3, nullif($4, 0), $5, nullif($6, 0), $7, $8, $9, $10, $11, $12, "
        "$13, $14::tsvector, $15::bigint) ON CONFLICT (kind, ref_id) DO UPDATE SET org_path = excluded.org_path, "
        "unit_id = excluded.unit_id, unit_type = excluded.unit_type, year = excluded.year, "
        "indicator_code = excluded.indicator_code, media = excluded.media, "
        "state = excluded.state, day = excluded.day, updated_at = excluded.updated_at, "
        "title = excluded.title, body = excluded.body, tsv = excluded.tsv, "
        "size = excluded.size";
    int64_t size = 0;
    char *tsv = tsv_of(r, &size);
    enum wm_qs qs = pg_exec(
        DB, pg_q(DB, sql, "tititittttittti", r->kind, r->ref_id, r->org_path, r->unit_id,
                 r->unit_type, r->year, r->indicator_code, r->media, r->state, r->day, now,
                 r->title ? r->title : "", r->body ? r->body : "", tsv, size));
    free(tsv);
    return WM_QS_NONE == qs ? WM_QS_ONE : qs;
}

static enum wm_qs
search_remove(struct wm_db *base, const char *kind, int64_t ref_id)
{
    static const char sql[] = "DELETE FROM search_doc WHERE kind = $1 AND ref_id = $2";
    return pg_exec(DB, pg_q(DB, sql, "ti", kind, ref_id));
}

static int64_t
search_count(struct wm_db *base, const char *kind)
{
    static const char sql[] =
        "SELECT count(*) FROM search_doc WHERE $1::text IS NULL OR kind = $1";
    return pg_int(DB, pg_q(DB, sql, "t", kind), -1);
}

/* One query for every code: the distinct titles of each, newest first (wm_sind_titles
** keeps four). */
static json_t *
search_indicator_titles(struct wm_db *base, const char *caller_path, const json_t *codes)
{
    static const char sql[] =
        "SELECT indicator_code, title FROM search_doc WHERE kind = 'indicator' "
        "AND indicator_code IN (SELECT json_array_elements_text($1::json)) "
        "AND ($2::text IS NULL OR substr($2, 1, length(org_path)) = org_path) "
        "GROUP BY indicator_code, title ORDER BY indicator_code, max(id) DESC";
    char *list = json_dumps(codes, JSON_COMPACT);
    json_t *rows = pg_rows(DB, pg_q(DB, sql, "tt", list, caller_path));
    free(list);
    return wm_sind_titles(rows);
}

static enum wm_qs
search_clear(struct wm_db *base, const char *kind)
{
    static const char sql[] = "DELETE FROM search_doc WHERE $1::text IS NULL OR kind = $1";
    enum wm_qs qs = pg_exec(DB, pg_q(DB, sql, "t", kind));
    return qs < 0 ? qs : WM_QS_ONE;
}

/* The GIN index's pending list (rows inserted since its last clean, searched by a scan)
** moved into the index proper, all at once: PostgreSQL has no partial clean, pages and
** start do not apply. */
static enum wm_qs
search_merge(struct wm_db *base, int64_t pages, bool start)
{
    static const char sql[] = "SELECT gin_clean_pending_list('search_doc_tsv'::regclass)";
    (void)pages, (void)start;
    PGresult *res = pg_q(DB, sql, NULL);
    if (NULL == res) {
        return DB->base.status;
    }
    return pg_int(DB, res, 0) > 0 ? WM_QS_ONE : WM_QS_NONE;
}

/* ---------------------------------------------------------------- the query */

static char *
and_tags(const char *user, const char *tags)
{
    return tags ? wm_asprintf("(%s) & (%s)", user, tags) : wm_asprintf("(%s)", user);
}

static const char *
val_text(const PGresult *res, int row, int col)
{
    return PQgetisnull(res, row, col) ? NULL : PQgetvalue(res, row, col);
}

static int64_t
val_int(const PGresult *res, int row, int col)
{
    return PQgetisnull(res, row, col) ? 0 : strtoll(PQgetvalue(res, row, col), NULL, 10);
}

static json_t *
search_query(struct wm_db *base, const struct wm_search_q *q)
{
    static const char sql_pass[] =
        "SELECT id, kind, year, unit_type, media, state, indicator_code, unit_id, org_path, "
        "tsv @@ $2::tsquery FROM search_doc WHERE tsv @@ $1::tsquery "
        "AND ($3::text IS NULL OR day >= $3) AND ($4::text IS NULL OR day <= $4) "
        "AND id < $6 ORDER BY id DESC LIMIT $5";
    static const char sql_max[] = "SELECT max(id) FROM search_doc";
    static const char sql_rank[] =
        "SELECT id, ts_rank('{0.1, 0.2, 0.4, 1.0}', tsv, $1::tsquery)::float8 "
        "FROM search_doc WHERE id = ANY ($2::bigint[])";
    static const char sql_hit[] =
        "SELECT id, kind, ref_id, org_path, unit_id, unit_type, year, indicator_code, media, "
        "state, day, title, body FROM search_doc WHERE id = $1";
    if (NULL == q->tsquery || '\0' == q->tsquery[0]) {
        DB->base.status = WM_QS_HARD;
        return NULL;
    }
    int64_t ncand = q->candidates ? q->candidates : WM_SEARCH_WINDOW;
    int64_t cap = q->count_cap ? q->count_cap : WM_SEARCH_WINDOW;
    unsigned limit = q->limit ? q->limit : 20;
    char *tags = wm_stags_query(q, true);
    char *full = and_tags(q->tsquery, tags);
    char *title = wm_stsq_title(q->tsquery);
    struct wm_sfacets fc;
    wm_sfacets_init(&fc, q->indicator);
    struct wm_buf ids = {0};
    json_t *res = NULL;
    int64_t total = 0, extras = 0, nrank = 0;
    int64_t max_id = pg_int(DB, pg_q(DB, sql_max, NULL), 0);
    if (wm_db_failed(&DB->base)) {
        goto out;
    }
    /* newest first, in steps back (wm_swalk), as the SQLite store walks */
    struct wm_swalk sw;
    wm_swalk_init(&sw, q, max_id);
    PGresult *pr = pg_q(DB, sql_pass, "ttttii", full, title, q->day_from, q->day_to, cap + 1,
                        sw.ceil);
    if (NULL == pr) {
        goto out;
    }
    wm_buf_addc(&ids, '{');
    int n = PQntuples(pr);
    int64_t floor = 0;
    bool counting = false, over = false; /* counting: past the candidates */
    for (int i = 0; i < n; i++) {
        int64_t id = val_int(pr, i, 0);
        if (!counting && wm_swalk_stop(&sw, id, total)) {
            floor = sw.floor;
            break;
        }
        if (counting && floor > 0 && id < floor) {
            break;
        }
        if (total == cap) {
            over = true;
            break;
        }
        total++;
        bool take = total <= ncand;
        if (!take && extras < ncand && 't' == PQgetvalue(pr, i, 9)[0]) {
            take = true;
            extras++;
        }
        if (take) {
            wm_buf_printf(&ids, "%s%lld", nrank++ ? "," : "", (long long)id);
        }
        wm_sfacets_add(&fc, val_text(pr, i, 1), val_int(pr, i, 2), val_text(pr, i, 3),
                       val_text(pr, i, 4), val_text(pr, i, 5), val_text(pr, i, 6),
                       val_int(pr, i, 7), val_text(pr, i, 8));
        if (!counting && total == ncand) {
            counting = true;
            floor = wm_swalk_end(&sw, true);
        }
    }
    /* partial: the walk stopped at a step's floor, older documents may match too */
    bool partial = floor > 0 && !over, capped = over || partial;
    PQclear(pr);
    wm_buf_addc(&ids, '}');
    struct wm_scand *c = NULL;
    size_t nc = 0;
    if (nrank) {
        pr = pg_q(DB, sql_rank, "tt", q->tsquery, wm_buf_str(&ids));
        if (NULL == pr) {
            goto out;
        }
        nc = (size_t)PQntuples(pr);
        c = wm_calloc(nc ? nc : 1, sizeof *c);
        for (size_t i = 0; i < nc; i++) {
            c[i].id = val_int(pr, (int)i, 0);
            c[i].score = strtod(PQgetvalue(pr, (int)i, 1), NULL);
        }
        PQclear(pr);
    }
    wm_scand_sort(c, nc);
    json_t *hits = json_array();
    for (size_t i = q->offset; i < nc && i < (size_t)q->offset + limit; i++) {
        json_t *h = pg_row(DB, pg_q(DB, sql_hit, "i", c[i].id));
        if (NULL == h) {
            if (wm_db_failed(&DB->base)) {
                json_decref(hits);
                free(c);
                goto out;
            }
            continue;
        }
        json_object_set_new(h, "rank", json_integer(wm_srank(c[i].score)));
        json_array_append_new(hits, h);
    }
    free(c);
    res = json_pack("{sI sb sb so so}", "total", (json_int_t)total, "capped", capped, "partial",
                    partial, "hits", hits, "facets", wm_sfacets_done(&fc));
    if (partial) {
        json_object_set_new(res, "next_before", json_integer(floor));
    }
    DB->base.status = WM_QS_ONE;
out:
    wm_sfacets_free(&fc);
    wm_buf_free(&ids);
    free(title);
    free(full);
    free(tags);
    return res;
}

/* ---------------------------------------------------------------- blob_text */

static json_t *
blob_text_get(struct wm_db *base, const char *sha)
{
    static const char sql[] = "SELECT sha, state, text, error, at FROM blob_text WHERE sha = $1";
    return pg_row(DB, pg_q(DB, sql, "t", sha));
}

static enum wm_qs
blob_text_put(struct wm_db *base, const char *sha, const char *state, const char *text,
              const char *error, int64_t now)
{
    static const char sql[] =
        "INSERT INTO blob_text(sha, state, text, error, at) VALUES ($1, $2, $3, $4, $5) "
        "ON CONFLICT (sha) DO UPDATE SET state = excluded.state, text = excluded.text, "
        "error = excluded.error, at = excluded.at";
    return pg_exec(DB, pg_q(DB, sql, "!tttti", sha, state, text ? text : "", error, now));
}

void
pg_fill_search_ops(struct wm_db_ops *ops)
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

/* end of pg_search.c */
