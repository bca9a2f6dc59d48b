/*
** sq_helper.h — internals shared by the SQLite backend's files.
*/
#ifndef WM_SQ_HELPER_H
#define WM_SQ_HELPER_H

#include <sqlite3.h>

#include "db_int.h"

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
    /* The generation's fast path (sq_generation): the WAL index header as it was when
    ** PRAGMA data_version last gave gen_dv; the shared memory region it is read from. */
    const volatile unsigned char *shm;
    unsigned char wal_hdr[48];
    int64_t gen_dv;
    bool gen_known;
    unsigned gen_reads;
    uint64_t gen_pragmas; /* how often the pragma ran (a test reads it) */
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

void sq_fill_ops(struct wm_db_ops *ops);
/** Register the FTS5 tokenizer "wenming" and the ranking function wm_rank on h. */
int sq_search_register(sqlite3 *h);

#endif
