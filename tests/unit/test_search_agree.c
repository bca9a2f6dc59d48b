/*
** test_search_agree.c — the compiled queries answer what wm_sq_matches_fields answers:
** random rows (a title and a body from a small alphabet of simplified and traditional
** characters, words, digits and punctuation, so that queries hit often) and random
** queries (every operator, quotes, prefixes, unbalanced parentheses), run through
** - an in-memory SQLite FTS5 table (title, body) over this test's own "wenming" tokenizer
**   (wm_search_tokenize: query mode for the MATCH text, index mode for the rows), with
**   wm_sq_fts5(q, NULL) and wm_sq_fts5(q, "{title body}");
** - when WM_TEST_PG is set, a PostgreSQL temporary table of tsvectors built from the same
**   tokens (the title's weighted A, the body's B and after a gap in the positions, so that
**   no phrase spans the two fields),
**   with wm_sq_tsquery(q)::tsquery;
** and the same for the title alone (FTS5's {title}, the tsquery restricted to weight A).
** The stores' own conformance suite (test_store.c) checks the real tables; this one checks
** the compilers alone, on many more queries.
*/
/* clang-format off */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <libpq-fe.h>
#include <sqlite3.h>

#include "wm_search.h"
#include "wm_util.h"
/* clang-format on */

#define NROWS    200
#define NQUERIES 3000

static uint64_t rng = 0x2545F4914F6CDD1Du;

static unsigned
rnd(unsigned n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned)(rng % n);
}

static const char *const text_alpha[] = {
    "文", "明", "創", "创", "建",  "档",  "檔",   "案",       "年", "度", "报", "告", "道", "德",
    "讲", "堂", "a",  "b",  "pdf", "PDF", "2024", "２０２４", " ",  " ",  "，", "-",  "x1",
};
static const char *const query_alpha[] = {
    "文", "明", "创", "建", "檔",  "案", "年", "度", "报", "告", "a",  "b",    "pdf", "2024",
    " ",  " ",  " ",  " ",  "OR ", "-",  "(",  ")",  "\"", "*",  "，", "NOT ", "|",   "AND ",
};

static char *
gen(const char *const *alpha, size_t n, unsigned len)
{
    struct wm_buf b = { 0 };
    for (unsigned i = 0; i < len; i++) {
        wm_buf_adds(&b, alpha[rnd((unsigned)n)]);
    }
    return wm_buf_steal(&b);
}

/* ---------------------------------------------------------------- the FTS5 tokenizer */

struct fts5_ctx {
    void *ctx;
    int (*token)(void *, int, const char *, int, int, int);
};

static int
fts5_token(void *ctx, const char *tok, size_t len, size_t start, size_t end, unsigned flags)
{
    (void)flags;
    struct fts5_ctx *c = ctx;
    return c->token(c->ctx, 0, tok, (int)len, (int)start, (int)end);
}

static int
tk_create(void *ctx, const char **argv, int argc, Fts5Tokenizer **out)
{
    (void)ctx, (void)argv, (void)argc;
    static int dummy;
    *out = (Fts5Tokenizer *)&dummy;
    return SQLITE_OK;
}

static void
tk_delete(Fts5Tokenizer *t)
{
    (void)t;
}

static int
tk_tokenize(Fts5Tokenizer *t,
            void *ctx,
            int flags,
            const char *text,
            int n,
            int (*token)(void *, int, const char *, int, int, int))
{
    (void)t;
    struct fts5_ctx c = { ctx, token };
    return wm_search_tokenize(text, (size_t)n,
                              (flags & FTS5_TOKENIZE_QUERY) ? WM_TOK_QUERY : WM_TOK_INDEX,
                              fts5_token, &c);
}

static sqlite3 *
fts5_open(void)
{
    sqlite3 *db = NULL;
    assert_int_equal(SQLITE_OK, sqlite3_open(":memory:", &db));
    fts5_api *api = NULL;
    sqlite3_stmt *st = NULL;
    assert_int_equal(SQLITE_OK, sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL));
    sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
    (void)sqlite3_step(st);
    sqlite3_finalize(st);
    assert_non_null(api);
    static fts5_tokenizer tk = { tk_create, tk_delete, tk_tokenize };
    assert_int_equal(SQLITE_OK, api->xCreateTokenizer(api, "wenming", NULL, &tk, NULL));
    assert_int_equal(SQLITE_OK, sqlite3_exec(db,
                                             "CREATE VIRTUAL TABLE t USING fts5(title, body, "
                                             "tokenize='wenming')",
                                             NULL, NULL, NULL));
    return db;
}

/* The rows (1-based) FTS5 finds for expr, as '0'/'1' per row. */
static void
fts5_hits(sqlite3 *db, const char *expr, char *out)
{
    memset(out, '0', NROWS);
    out[NROWS] = '\0';
    sqlite3_stmt *st = NULL;
    assert_int_equal(SQLITE_OK,
                     sqlite3_prepare_v2(db, "SELECT rowid FROM t WHERE t MATCH ?1", -1, &st, NULL));
    sqlite3_bind_text(st, 1, expr, -1, SQLITE_STATIC);
    int rc;
    while (SQLITE_ROW == (rc = sqlite3_step(st))) {
        out[sqlite3_column_int(st, 0) - 1] = '1';
    }
    if (SQLITE_DONE != rc) {
        fail_msg("FTS5 refused %s: %s", expr, sqlite3_errmsg(db));
    }
    sqlite3_finalize(st);
}

/* ---------------------------------------------------------------- tsvectors */

/* The rows PostgreSQL finds for tsquery text ts, as '0'/'1' per row. */
static void
pg_hits(PGconn *pg, const char *ts, char *out)
{
    const char *params[1] = { ts };
    PGresult *r = PQexecParams(pg, "SELECT id FROM agree WHERE v @@ $1::tsquery", 1, NULL, params,
                               NULL, NULL, 0);
    if (PGRES_TUPLES_OK != PQresultStatus(r)) {
        fail_msg("PostgreSQL refused %s: %s", ts, PQerrorMessage(pg));
    }
    memset(out, '0', NROWS);
    out[NROWS] = '\0';
    for (int i = 0; i < PQntuples(r); i++) {
        out[strtol(PQgetvalue(r, i, 0), NULL, 10) - 1] = '1';
    }
    PQclear(r);
}

struct tsv {
    struct wm_buf b;
    int pos;
    char weight; /* A for the title, B for the body */
};

static int
tsv_token(void *ctx, const char *tok, size_t len, size_t start, size_t end, unsigned flags)
{
    (void)start, (void)end, (void)flags;
    struct tsv *v = ctx;
    v->pos++;
    wm_buf_printf(&v->b, "%s'%.*s':%d%c", v->b.len ? " " : "", (int)len, tok, v->pos, v->weight);
    return 0;
}

static void
test_agree(void **state)
{
    (void)state;
    sqlite3 *db = fts5_open();
    PGconn *pg = NULL;
    const char *pgs = getenv("WM_TEST_PG");
    if (pgs && *pgs) {
        pg = PQconnectdb(pgs);
        if (CONNECTION_OK != PQstatus(pg)) {
            fail_msg("PostgreSQL: %s", PQerrorMessage(pg));
        }
        PGresult *r = PQexec(pg, "CREATE TEMPORARY TABLE agree (id int, v tsvector)");
        assert_int_equal(PGRES_COMMAND_OK, PQresultStatus(r));
        PQclear(r);
    }

    char *title[NROWS], *body[NROWS];
    sqlite3_stmt *ins = NULL;
    assert_int_equal(SQLITE_OK,
                     sqlite3_prepare_v2(db, "INSERT INTO t(rowid, title, body) VALUES (?, ?, ?)",
                                        -1, &ins, NULL));
    for (int i = 0; i < NROWS; i++) {
        title[i] = gen(text_alpha, WM_ARRAY_LEN(text_alpha), rnd(6));
        body[i] = gen(text_alpha, WM_ARRAY_LEN(text_alpha), 3 + rnd(20));
        sqlite3_bind_int(ins, 1, i + 1);
        sqlite3_bind_text(ins, 2, title[i], -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 3, body[i], -1, SQLITE_STATIC);
        assert_int_equal(SQLITE_DONE, sqlite3_step(ins));
        sqlite3_reset(ins);
        if (pg) {
            struct tsv v = { { 0 }, 0, 'A' };
            (void)wm_search_tokenize(title[i], strlen(title[i]), WM_TOK_INDEX, tsv_token, &v);
            v.pos++; /* the gap: no phrase from the title's end into the body */
            v.weight = 'B';
            (void)wm_search_tokenize(body[i], strlen(body[i]), WM_TOK_INDEX, tsv_token, &v);
            char id[16];
            snprintf(id, sizeof id, "%d", i + 1);
            const char *params[2] = { id, wm_buf_str(&v.b) };
            PGresult *r = PQexecParams(pg, "INSERT INTO agree VALUES ($1::int, $2::tsvector)", 2,
                                       NULL, params, NULL, NULL, 0);
            assert_int_equal(PGRES_COMMAND_OK, PQresultStatus(r));
            PQclear(r);
            wm_buf_free(&v.b);
        }
    }
    sqlite3_finalize(ins);

    unsigned parsed = 0, hits = 0;
    for (int k = 0; k < NQUERIES; k++) {
        char *qs = gen(query_alpha, WM_ARRAY_LEN(query_alpha), 1 + rnd(8));
        struct wm_sq *q = wm_sq_parse(qs, NULL, 0);
        if (!q) {
            free(qs);
            continue;
        }
        parsed++;
        char want[NROWS + 1], got[NROWS + 1];
        for (int i = 0; i < NROWS; i++) {
            const char *f[2] = { title[i], body[i] };
            size_t fl[2] = { strlen(title[i]), strlen(body[i]) };
            want[i] = wm_sq_matches_fields(q, f, fl, 2) ? '1' : '0';
            hits += '1' == want[i];
        }
        want[NROWS] = '\0';
        char *e = wm_sq_fts5(q, NULL);
        fts5_hits(db, e, got);
        if (strcmp(want, got)) {
            fail_msg("FTS5 %s (%s)\nwant %s\ngot  %s", qs, e, want, got);
        }
        free(e);
        e = wm_sq_fts5(q, "{title body}");
        fts5_hits(db, e, got);
        if (strcmp(want, got)) {
            fail_msg("FTS5 %s (%s)\nwant %s\ngot  %s", qs, e, want, got);
        }
        free(e);
        if (pg) {
            e = wm_sq_tsquery(q);
            pg_hits(pg, e, got);
            if (strcmp(want, got)) {
                fail_msg("tsquery %s (%s)\nwant %s\ngot  %s", qs, e, want, got);
            }
            free(e);
        }
        /* the title alone: FTS5's {title}, the tsquery restricted to weight A */
        for (int i = 0; i < NROWS; i++) {
            want[i] = wm_sq_matches(q, title[i], strlen(title[i])) ? '1' : '0';
        }
        e = wm_sq_fts5(q, "{title}");
        fts5_hits(db, e, got);
        if (strcmp(want, got)) {
            fail_msg("FTS5 %s (%s)\nwant %s\ngot  %s", qs, e, want, got);
        }
        free(e);
        if (pg) {
            e = wm_sq_tsquery_weights(q, "A");
            pg_hits(pg, e, got);
            if (strcmp(want, got)) {
                fail_msg("tsquery %s (%s)\nwant %s\ngot  %s", qs, e, want, got);
            }
            free(e);
        }
        wm_sq_free(q);
        free(qs);
    }
    /* the generator makes queries that parse and rows that they find */
    assert_true(parsed > NQUERIES / 2);
    assert_true(hits > parsed);
    for (int i = 0; i < NROWS; i++) {
        free(title[i]);
        free(body[i]);
    }
    sqlite3_close(db);
    if (pg) {
        PQfinish(pg);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_agree),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
