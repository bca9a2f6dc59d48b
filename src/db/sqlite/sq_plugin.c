/*
** sq_plugin.c — the SQLite backend: connections (WAL, busy timeout, foreign keys), the
** per-connection prepared-statement cache, transactions, and the embedded migrations.
*/
#include "config.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sq_helper.h"

extern const struct wm_embedded wm_migrations[];

static size_t
sq_slot(const struct sq_cached *t, size_t cap, const char *sql)
{
    size_t h = ((uintptr_t)sql >> 3) * 0x9E3779B97F4A7C15u;
    size_t i = h & (cap - 1);
    while (t[i].sql && t[i].sql != sql) {
        i = (i + 1) & (cap - 1);
    }
    return i;
}

static void
sq_cache_put(struct sq_db *db, const char *sql, sqlite3_stmt *st)
{
    if (2 * (db->ncache + 1) > db->cache_cap) {
        size_t cap = db->cache_cap ? 2 * db->cache_cap : 64;
        struct sq_cached *t = wm_calloc(cap, sizeof *t);
        for (size_t i = 0; i < db->cache_cap; i++) {
            if (db->cache[i].sql) {
                t[sq_slot(t, cap, db->cache[i].sql)] = db->cache[i];
            }
        }
        free(db->cache);
        db->cache = t;
        db->cache_cap = cap;
    }
    size_t i = sq_slot(db->cache, db->cache_cap, sql);
    db->cache[i].sql = sql;
    db->cache[i].st = st;
    db->ncache++;
}

sqlite3_stmt *
sq_prep(struct sq_db *db, const char *sql, const char *fmt, ...)
{
    sqlite3_stmt *st = NULL;
    db->base.status = WM_QS_ONE;
    if (db->cache_cap) {
        struct sq_cached *c = &db->cache[sq_slot(db->cache, db->cache_cap, sql)];
        if (c->sql) {
            st = c->st;
            sqlite3_reset(st);
            sqlite3_clear_bindings(st);
        }
    }
    if (NULL == st) {
        int rc = sqlite3_prepare_v3(db->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
        if (SQLITE_OK != rc) {
            wm_log(WM_LOG_ERROR, "sqlite prepare failed: %s: %s", sqlite3_errmsg(db->h), sql);
            db->base.status = WM_QS_HARD;
            return NULL;
        }
        sq_cache_put(db, sql, st);
    }
    va_list ap;
    va_start(ap, fmt);
    for (int i = 0; fmt && fmt[i]; i++) {
        int idx = i + 1;
        switch (fmt[i]) {
        case 'i':
            sqlite3_bind_int64(st, idx, va_arg(ap, int64_t));
            break;
        case 't': {
            const char *s = va_arg(ap, const char *);
            if (s) {
                sqlite3_bind_text(st, idx, s, -1, SQLITE_TRANSIENT);
            } else {
                sqlite3_bind_null(st, idx);
            }
            break;
        }
        default:
            sqlite3_bind_null(st, idx);
            break;
        }
    }
    va_end(ap);
    return st;
}

static enum wm_qs
sq_qs_of(struct sq_db *db, int rc)
{
    switch (rc & 0xff) {
    case SQLITE_OK:
    case SQLITE_DONE:
    case SQLITE_ROW:
        return WM_QS_ONE;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        wm_log(WM_LOG_WARN, "sqlite busy: %s", sqlite3_errmsg(db->h));
        return WM_QS_SOFT;
    case SQLITE_CONSTRAINT:
        wm_log(WM_LOG_DEBUG, "sqlite constraint: %s", sqlite3_errmsg(db->h));
        return WM_QS_CONFLICT;
    default:
        wm_log(WM_LOG_ERROR, "sqlite error %d: %s", rc, sqlite3_errmsg(db->h));
        return WM_QS_HARD;
    }
}

enum wm_qs
sq_qs(struct sq_db *db, int rc)
{
    db->base.status = sq_qs_of(db, rc);
    return db->base.status;
}

enum wm_qs
sq_exec(struct sq_db *db, sqlite3_stmt *st)
{
    if (NULL == st) {
        return WM_QS_HARD;
    }
    int rc = sqlite3_step(st);
    enum wm_qs qs = sq_qs(db, rc);
    sqlite3_reset(st);
    if (WM_QS_ONE == qs && 0 == sqlite3_changes(db->h)) {
        return WM_QS_NONE;
    }
    return qs;
}

static json_t *
sq_row_object(sqlite3_stmt *st)
{
    json_t *o = json_object();
    int n = sqlite3_column_count(st);
    for (int c = 0; c < n; c++) {
        json_t *v;
        switch (sqlite3_column_type(st, c)) {
        case SQLITE_INTEGER:
            v = json_integer(sqlite3_column_int64(st, c));
            break;
        case SQLITE_FLOAT:
            v = json_real(sqlite3_column_double(st, c));
            break;
        case SQLITE_NULL:
            v = json_null();
            break;
        default:
            /* Every text column was checked as UTF-8 on its way in (and SQLite keeps it). */
            v = json_stringn_nocheck((const char *)sqlite3_column_text(st, c),
                                     (size_t)sqlite3_column_bytes(st, c));
            break;
        }
        json_object_set_new_nocheck(o, sqlite3_column_name(st, c), v);
    }
    return o;
}

json_t *
sq_rows(struct sq_db *db, sqlite3_stmt *st)
{
    if (NULL == st) {
        return NULL;
    }
    json_t *a = json_array();
    int rc;
    while (SQLITE_ROW == (rc = sqlite3_step(st))) {
        json_array_append_new(a, sq_row_object(st));
    }
    if (SQLITE_DONE != rc) {
        (void)sq_qs(db, rc);
        json_decref(a);
        a = NULL;
    }
    sqlite3_reset(st);
    return a;
}

json_t *
sq_row(struct sq_db *db, sqlite3_stmt *st)
{
    if (NULL == st) {
        return NULL;
    }
    json_t *o = NULL;
    int rc = sqlite3_step(st);
    if (SQLITE_ROW == rc) {
        o = sq_row_object(st);
    } else if (SQLITE_DONE != rc) {
        (void)sq_qs(db, rc);
    }
    sqlite3_reset(st);
    return o;
}

int64_t
sq_int(struct sq_db *db, sqlite3_stmt *st, int64_t dflt)
{
    if (NULL == st) {
        return dflt;
    }
    int64_t v = dflt;
    int rc = sqlite3_step(st);
    if (SQLITE_ROW == rc && SQLITE_NULL != sqlite3_column_type(st, 0)) {
        v = sqlite3_column_int64(st, 0);
    } else if (SQLITE_ROW != rc && SQLITE_DONE != rc) {
        (void)sq_qs(db, rc);
    }
    sqlite3_reset(st);
    return v;
}

/* ---------------------------------------------------------------- connection */

static void
sq_close(struct wm_db *base)
{
    struct sq_db *db = (struct sq_db *)base;
    if (NULL == db) {
        return;
    }
    for (size_t i = 0; i < db->cache_cap; i++) {
        if (db->cache[i].sql) {
            sqlite3_finalize(db->cache[i].st);
        }
    }
    free(db->cache);
    sqlite3_close_v2(db->h);
    free(db);
}

static enum wm_qs
sq_exec_sql(struct sq_db *db, const char *sql)
{
    char *msg = NULL;
    int rc = sqlite3_exec(db->h, sql, NULL, NULL, &msg);
    if (SQLITE_OK != rc) {
        wm_log((rc & 0xff) == SQLITE_BUSY ? WM_LOG_WARN : WM_LOG_ERROR, "sqlite: %s",
               msg ? msg : sqlite3_errstr(rc));
    }
    sqlite3_free(msg);
    return sq_qs(db, rc);
}

static enum wm_qs
sq_begin(struct wm_db *base, bool write)
{
    return sq_exec_sql((struct sq_db *)base, write ? "BEGIN IMMEDIATE" : "BEGIN");
}

static enum wm_qs
sq_commit(struct wm_db *base)
{
    return sq_exec_sql((struct sq_db *)base, "COMMIT");
}

static void
sq_rollback(struct wm_db *base)
{
    struct sq_db *db = (struct sq_db *)base;
    if (!sqlite3_get_autocommit(db->h)) {
        (void)sq_exec_sql(db, "ROLLBACK");
    }
}

static bool
sq_in_tx(struct wm_db *base)
{
    return !sqlite3_get_autocommit(((struct sq_db *)base)->h);
}

static int
sq_schema_version(struct wm_db *base)
{
    struct sq_db *db = (struct sq_db *)base;
    return (int)sq_int(db, sq_prep(db, "PRAGMA user_version", NULL), -1);
}

static enum wm_qs
sq_migrate(struct wm_db *base, int *from, int *to)
{
    struct sq_db *db = (struct sq_db *)base;
    int cur = sq_schema_version(base);
    *from = *to = cur;
    if (cur < 0) {
        return WM_QS_HARD;
    }
    for (const struct wm_embedded *m = wm_migrations; m->name; m++) {
        int n = wm_db_migration_number(m);
        if (n <= cur) {
            continue;
        }
        if (WM_QS_ONE != sq_exec_sql(db, "BEGIN IMMEDIATE")) {
            return WM_QS_HARD;
        }
        /* Another process may have migrated while we waited for the write lock. */
        int now = sq_schema_version(base);
        if (now < 0) {
            sq_rollback(base);
            return WM_QS_HARD;
        }
        if (n <= now) {
            if (WM_QS_ONE != sq_exec_sql(db, "COMMIT")) {
                sq_rollback(base);
                return WM_QS_HARD;
            }
            cur = now;
            *to = now;
            continue;
        }
        char *sql = wm_strndup((const char *)m->data, m->len);
        char *pragma = wm_asprintf("PRAGMA user_version = %d", n);
        enum wm_qs qs = sq_exec_sql(db, sql);
        if (WM_QS_ONE == qs) {
            qs = sq_exec_sql(db, pragma);
        }
        free(sql);
        free(pragma);
        if (WM_QS_ONE != qs || WM_QS_ONE != sq_exec_sql(db, "COMMIT")) {
            sq_rollback(base);
            wm_log(WM_LOG_ERROR, "migration %s failed", m->name);
            return WM_QS_HARD;
        }
        wm_db_migration_applied(m, *from);
        *to = n;
    }
    return WM_QS_ONE;
}

static struct wm_db_ops sq_ops;
static pthread_once_t sq_ops_once = PTHREAD_ONCE_INIT;

static void
sq_ops_init(void)
{
    /* Each thread has its own connection, so SQLite's global mutexes only cost: without
    ** this, every allocation takes the memory-statistics mutex and the worker threads
    ** queue on it (measured: list reads ran at a third of their speed). */
    if (SQLITE_OK != sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) ||
        SQLITE_OK != sqlite3_config(SQLITE_CONFIG_MULTITHREAD)) {
        wm_log(WM_LOG_WARN, "sqlite3_config refused (SQLite was initialised before)");
    }
    sq_fill_ops(&sq_ops);
}

struct wm_db *
wm_sqlite_open(const char *data_dir, bool create, char *err, size_t errlen)
{
    pthread_once(&sq_ops_once, sq_ops_init);
    char *path = wm_asprintf("%s/wenming.db", data_dir);
    struct sq_db *db = wm_calloc(1, sizeof *db);
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
    int rc = sqlite3_open_v2(path, &db->h, flags, NULL);
    if (SQLITE_OK != rc) {
        snprintf(err, errlen, "cannot open %s: %s", path,
                 db->h ? sqlite3_errmsg(db->h) : sqlite3_errstr(rc));
        free(path);
        sqlite3_close_v2(db->h);
        free(db);
        return NULL;
    }
    free(path);
    db->base.ops = &sq_ops;
    sqlite3_busy_timeout(db->h, 5000);
    sqlite3_extended_result_codes(db->h, 1);
    /* the FTS5 tokenizer of search_fts, before any statement reads the schema */
    rc = sq_search_register(db->h);
    if (SQLITE_OK != rc) {
        snprintf(err, errlen, "cannot register the search tokenizer: %s", sqlite3_errstr(rc));
        sq_close(&db->base);
        return NULL;
    }
    if (WM_QS_ONE != sq_exec_sql(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                                     "PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY; "
                                     "PRAGMA mmap_size=1073741824;")) {
        snprintf(err, errlen, "cannot configure the database: %s", sqlite3_errmsg(db->h));
        sq_close(&db->base);
        return NULL;
    }
    return &db->base;
}

static void
sq_fill_base(struct wm_db_ops *ops)
{
    ops->name = "sqlite";
    ops->close = sq_close;
    ops->begin = sq_begin;
    ops->commit = sq_commit;
    ops->rollback = sq_rollback;
    ops->in_tx = sq_in_tx;
    ops->schema_version = sq_schema_version;
    ops->migrate = sq_migrate;
}

/* Called once: the base operations here, the resource operations from sq_ops.c. */
void sq_fill_resource_ops(struct wm_db_ops *ops);
void sq_fill_framework_ops(struct wm_db_ops *ops);
void sq_fill_archive_ops(struct wm_db_ops *ops);
void sq_fill_job_ops(struct wm_db_ops *ops);
void sq_fill_guidance_ops(struct wm_db_ops *ops);
void sq_fill_practice_ops(struct wm_db_ops *ops);
void sq_fill_notify_ops(struct wm_db_ops *ops);
void sq_fill_dashboard_ops(struct wm_db_ops *ops);
void sq_fill_rounds_ops(struct wm_db_ops *ops);
void sq_fill_title_ops(struct wm_db_ops *ops);
void sq_fill_results_ops(struct wm_db_ops *ops);
void sq_fill_scoring_ops(struct wm_db_ops *ops);
void sq_fill_groups_ops(struct wm_db_ops *ops);
void sq_fill_search_ops(struct wm_db_ops *ops);
void sq_fill_search_src_ops(struct wm_db_ops *ops);
void sq_fill_work_plan_ops(struct wm_db_ops *ops);
void sq_fill_work_meet_ops(struct wm_db_ops *ops);
void sq_fill_work_inspect_ops(struct wm_db_ops *ops);
void sq_fill_work_rect_ops(struct wm_db_ops *ops);
void sq_fill_work_overview_ops(struct wm_db_ops *ops);
void sq_fill_totp_ops(struct wm_db_ops *ops); /* issue 13, totp */
void sq_fill_archive_check_ops(struct wm_db_ops *ops); /* issue 13, dat70 */

void
sq_fill_ops(struct wm_db_ops *ops)
{
    sq_fill_resource_ops(ops);
    sq_fill_framework_ops(ops);
    sq_fill_archive_ops(ops);
    sq_fill_job_ops(ops);
    sq_fill_guidance_ops(ops);
    sq_fill_practice_ops(ops);
    sq_fill_notify_ops(ops);
    sq_fill_dashboard_ops(ops);
    sq_fill_rounds_ops(ops);
    sq_fill_title_ops(ops);
    sq_fill_results_ops(ops);
    sq_fill_scoring_ops(ops);
    sq_fill_groups_ops(ops);
    sq_fill_search_ops(ops);
    sq_fill_search_src_ops(ops);
    sq_fill_work_plan_ops(ops);
    sq_fill_work_meet_ops(ops);
    sq_fill_work_inspect_ops(ops);
    sq_fill_work_rect_ops(ops);
    sq_fill_work_overview_ops(ops);
    sq_fill_totp_ops(ops); /* issue 13, totp */
    sq_fill_archive_check_ops(ops); /* issue 13, dat70 */
    sq_fill_base(ops);
}

/* end of sq_plugin.c */
