/*
** sq_helper.h — internals shared by the SQLite backend's files.
*/
#ifndef WM_SQ_HELPER_H
#define WM_SQ_HELPER_H

#include <sqlite3.h>

#include "wm_db.h"

struct sq_cached {
    const char *sql; /* the static SQL text: cached by pointer identity */
    sqlite3_stmt *st;
};

struct sq_db {
    struct wm_db base;
    sqlite3 *h;
    /* Prepared statements, an open-addressing table keyed by SQL text address; it doubles
    ** when half full, so any number of statements fits. */
    struct sq_cached *cache;
    size_t ncache, cache_cap;
};

/*
** The prepared statement for sql (a string literal), reset and with bindings cleared,
** then bound from fmt: 'i' int64_t, 't' const char * (NULL binds NULL).
** NULL on a preparation error (logged).
*/
sqlite3_stmt *sq_prep(struct sq_db *db, const char *sql, const char *fmt, ...);
/** Map an SQLite result code to a query status (logging hard errors). */
enum wm_qs sq_qs(struct sq_db *db, int rc);
/** Step a statement that returns no rows: WM_QS_ONE if it changed a row, else NONE. */
enum wm_qs sq_exec(struct sq_db *db, sqlite3_stmt *st);
/** All rows as an array of objects keyed by column name (never NULL unless st is NULL). */
json_t *sq_rows(struct sq_db *db, sqlite3_stmt *st);
/** The first row as an object, or NULL. */
json_t *sq_row(struct sq_db *db, sqlite3_stmt *st);
/** The first column of the first row as an integer, or dflt. */
int64_t sq_int(struct sq_db *db, sqlite3_stmt *st, int64_t dflt);

/*
** The range [lo, hi) of materialized paths in the subtree at scope: "/1/4/" covers
** "/1/4/..." and nothing else; hi is lo with its final '/' replaced by '0' (the next byte).
** NULL, "" and "/" cover everything: lo and hi are NULL, and the SQL reads
** "(?1 IS NULL OR (path >= ?1 AND path < ?2))".  Free with sq_scope_free().
*/
struct sq_scope {
    char *lo, *hi;
};
struct sq_scope sq_scope_of(const char *scope);
void sq_scope_free(struct sq_scope *r);

void sq_fill_ops(struct wm_db_ops *ops);

#endif
