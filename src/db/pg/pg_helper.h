/*
** pg_helper.h — internals shared by the PostgreSQL backend's files.
**
** A connection (struct pg_db) belongs to one thread.  Each SQL text is a static string;
** the first time a connection runs it, it is prepared as a named statement ("wm<n>") with
** the parameter types of its format ('i' bigint, 't' text), and found again by the
** address of the text.  Every statement sets db->base.status (STORE.md): WM_QS_ONE on
** success, SOFT for a serialization failure, deadlock, lock or statement timeout, CONFLICT
** for an integrity violation (SQLSTATE class 23), HARD for anything else, a lost
** connection included.  A lost connection is re-established on the next statement outside
** a transaction (statements are prepared again there).
**
** Differences from SQLite a caller may notice: a failed statement inside a transaction
** aborts it (every later statement fails until the rollback), except for statements
** marked "may conflict" (a '!' before the format), which run under a savepoint so that
** the caller can handle the conflict and go on, as it can on SQLite.
*/
#ifndef WM_PG_HELPER_H
#define WM_PG_HELPER_H

#include <libpq-fe.h>

#include "db_int.h"

/* Type oids of the built-in types (catalog/pg_type_d.h is a server header). */
enum {
    PG_BOOLOID = 16,
    PG_INT8OID = 20,
    PG_INT2OID = 21,
    PG_INT4OID = 23,
    PG_TEXTOID = 25,
    PG_OIDOID = 26,
    PG_FLOAT4OID = 700,
    PG_FLOAT8OID = 701,
    PG_NUMERICOID = 1700,
};

/* One prepared statement of a connection: open addressing on the address of its text. */
struct pg_stmt {
    const char *sql; /* NULL: a free slot */
    unsigned id;     /* prepared as "wm<id>" */
};

struct pg_db {
    struct wm_db base;
    PGconn *conn;
    char *conninfo;
    struct pg_stmt *stmts; /* cap slots, a power of two */
    size_t cap, n;
    unsigned next_id;
    bool tx;    /* between begin and commit or rollback */
    bool wrote; /* a statement of this transaction changed a row */
    /* What first failed in this transaction: PostgreSQL refuses every later statement
    ** (25P02) and the commit, which then answer this status, so a transaction aborted by
    ** a lost race (SOFT) still reads as one and is retried. */
    enum wm_qs aborted;
    int64_t gen;                  /* its reconnections (the listener counts commits) */
    struct pg_listener *listener; /* this conninfo's listener (pg_plugin.c), shared */
    int pid;                      /* the backend's pid, known to the listener */
};

/*
** Run the prepared statement for sql (a string literal) with parameters from fmt:
** 'i' int64_t, 't' const char * (NULL binds NULL).  A leading '!' marks a statement that
** may fail with a conflict the caller handles (run under a savepoint in a transaction).
** The result (caller passes it to one of the functions below, which clear it), or NULL on
** an error (logged, db->base.status set).
*/
PGresult *pg_q(struct pg_db *db, const char *sql, const char *fmt, ...);
/** A statement that returns no rows: WM_QS_ONE if it changed a row, else NONE (or the error). */
enum wm_qs pg_exec(struct pg_db *db, PGresult *res);
/** All rows as an array of objects keyed by column name; NULL on an error. */
json_t *pg_rows(struct pg_db *db, PGresult *res);
/** The first row as an object, or NULL (no row, or an error: see db->base.status). */
json_t *pg_row(struct pg_db *db, PGresult *res);
/** The first column of the first row as an integer, or dflt (no row, NULL, or an error). */
int64_t pg_int(struct pg_db *db, PGresult *res, int64_t dflt);
/** An INSERT ... RETURNING id: WM_QS_ONE with *id, NONE when no row was inserted. */
enum wm_qs pg_id(struct pg_db *db, PGresult *res, int64_t *id);
/** Run SQL text with no parameters (simple protocol: several statements allowed). */
enum wm_qs pg_simple(struct pg_db *db, const char *sql);

void pg_fill_resource_ops(struct wm_db_ops *ops);
void pg_fill_framework_ops(struct wm_db_ops *ops);
void pg_fill_archive_ops(struct wm_db_ops *ops);
void pg_fill_job_ops(struct wm_db_ops *ops);
void pg_fill_guidance_ops(struct wm_db_ops *ops);
void pg_fill_rounds_ops(struct wm_db_ops *ops);
void pg_fill_scoring_ops(struct wm_db_ops *ops);
void pg_fill_groups_ops(struct wm_db_ops *ops);
void pg_fill_search_ops(struct wm_db_ops *ops);
void pg_fill_practice_ops(struct wm_db_ops *ops);
void pg_fill_notify_ops(struct wm_db_ops *ops);
void pg_fill_dashboard_ops(struct wm_db_ops *ops);
void pg_fill_title_ops(struct wm_db_ops *ops);
void pg_fill_results_ops(struct wm_db_ops *ops);
void pg_fill_search_src_ops(struct wm_db_ops *ops);
void pg_fill_work_plan_ops(struct wm_db_ops *ops);
void pg_fill_work_meet_ops(struct wm_db_ops *ops);
void pg_fill_work_inspect_ops(struct wm_db_ops *ops);
void pg_fill_work_rect_ops(struct wm_db_ops *ops);
void pg_fill_work_overview_ops(struct wm_db_ops *ops);
void pg_fill_totp_ops(struct wm_db_ops *ops); /* issue 13, totp */
void pg_fill_archive_check_ops(struct wm_db_ops *ops); /* issue 13, dat70 */

#endif /* WM_PG_HELPER_H */
