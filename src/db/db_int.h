/*
** db_int.h — what both backends share (db.c): the rules of a subtree's path range and of
** a substring filter's LIKE pattern, written once.
*/
#ifndef WM_DB_INT_H
#define WM_DB_INT_H

#include "wm_db.h"

/*
** The range [lo, hi) of materialized paths in the subtree at scope: "/1/4/" covers
** "/1/4/..." and nothing else; hi is lo with its final '/' replaced by '0' (the next byte),
** so path columns compare bytewise (COLLATE "C" on PostgreSQL).  NULL, "" and "/" mean no
** path condition: lo and hi are NULL, and the SQL reads "(lo IS NULL OR (path >= lo AND
** path < hi))".  Free with wm_db_range_free().
*/
struct wm_db_range {
    char *lo, *hi;
};
struct wm_db_range wm_db_range_of(const char *scope);
void wm_db_range_free(struct wm_db_range *r);

/** The LIKE pattern "%q%" for a substring filter, with %, _ and the backslash escaped by a
** backslash (the SQL says ESCAPE '\'); NULL for no filter (q NULL or empty).  Caller frees. */
char *wm_db_like_of(const char *q);

/* An embedded migration (NNNN-name.sql, made into C by the build). */
struct wm_embedded {
    const char *name;
    const unsigned char *data;
    size_t len;
};
/** The number of a migration, from the four digits its name starts with (panics on a
** name without them: a build mistake). */
int wm_db_migration_number(const struct wm_embedded *m);
/** Log that migration m was applied to a store at schema `from`: INFO on an upgrade,
** DEBUG when the store was new (from 0). */
void wm_db_migration_applied(const struct wm_embedded *m, int from);


/* ---------------------------------------------------------------- search (search_common.c) */

/*
** The tag words of a search row (scope and filters inside the index): s<org id> for every
** org on org_path, u<unit id>, y<year>, p<the last org of org_path> (the publisher of an
** indicator), and k, t, m, r, i followed by the hex of kind, unit type, media, state and
** of each dotted prefix of the indicator code ("1", "1.2", "1.2.3").  Each is prefixed by
** pfx ("" on SQLite, where they live in a column of their own; "~" on PostgreSQL, a
** character the tokenizer never produces) and written separated by sep.  Caller frees.
*/
char *wm_stags_row(const struct wm_search_row *r, const char *pfx, const char *sep);
/*
** The condition on tags that scope and filters of q put on a row, as an FTS5 expression
** (tsq false: barewords, AND/OR) or a tsquery (tsq true: '~tag' lexemes, & |); NULL when
** there is none (no scope, no filter).  Caller frees.
*/
char *wm_stags_query(const struct wm_search_q *q, bool tsq);
/** tsquery text with every lexeme restricted to weight A (the title's tokens). */
char *wm_stsq_title(const char *tsq);

/* Facets counted over the matches, one row at a time (small open-addressing maps). */
struct wm_sfent {
    char *key; /* NULL: a free slot */
    size_t len;
    int64_t count, unit_id;
    char *path;
};
struct wm_sfmap {
    struct wm_sfent *e;
    size_t cap, n;
};
struct wm_sfacets {
    struct wm_sfmap kind, year, unit_type, media, state, indicator, unit;
    const char *under; /* the indicator filter: its codes are counted a level below it */
};
/** Empty facets; under: the query's indicator filter (NULL: none), so that the indicator
** facet counts the codes one level below it (1 -> 1.1, 1.2) instead of the top level. */
void wm_sfacets_init(struct wm_sfacets *f, const char *under);
void wm_sfacets_add(struct wm_sfacets *f, const char *kind, int64_t year, const char *unit_type,
                    const char *media, const char *state, const char *indicator_code,
                    int64_t unit_id, const char *org_path);
/** The facets object ({"kind": [{value, count}], ..., "unit": [{unit_id, org_path,
** count}]}, each by count, highest first); f is emptied. */
json_t *wm_sfacets_done(struct wm_sfacets *f);
void wm_sfacets_free(struct wm_sfacets *f);

/** search_indicator_titles' answer from a store's rows of {indicator_code, title}, each
** code's newest first (taken; NULL, an error: NULL): {code: [title, ...]}, four at most. */
#define WM_SIND_TITLES_MAX 4
json_t *wm_sind_titles(json_t *rows);

/* A ranked candidate: score, higher is better. */
struct wm_scand {
    int64_t id;
    double score;
};
/** Sort the best first (equal scores: the newest first). */
void wm_scand_sort(struct wm_scand *c, size_t n);
/** The rank a hit row shows: the score in millionths. */
int64_t wm_srank(double score);

/*
** The bound of a search's walk (WM_SEARCH_SPAN): matches are taken newest first, in steps
** back (the newest WM_SEARCH_SPAN ids below q->before, then each step twice as far back as
** the one before), and the walk stops at the first match below a step when the steps above
** it hold WM_SEARCH_LEAST; floor is then that step's oldest id: the search is partial, and
** before=floor goes on from there.  One rule for both stores.
*/
struct wm_swalk {
    const struct wm_search_q *q;
    int64_t ceil, max_id; /* ids below ceil; max_id the newest of the index */
    int64_t step;         /* the oldest id of the step walked (0: to the oldest) */
    int64_t floor;        /* where the walk stopped (0: it did not) */
};
void wm_swalk_init(struct wm_swalk *s, const struct wm_search_q *q, int64_t max_id);
/** Whether the walk stops before the match id, n matches taken above it. */
bool wm_swalk_stop(struct wm_swalk *s, int64_t id, int64_t n);
/** The floor once the walk has ended: full when it took all the matches it was allowed (it
** stops in its step: more may lie below), else it stopped or ran out of matches. */
int64_t wm_swalk_end(struct wm_swalk *s, bool full);

#endif /* WM_DB_INT_H */
