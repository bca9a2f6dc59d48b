/*
** db.c — backend-independent parts of the store: the choice of backend, the per-thread
** connection and the transaction retry loop (Taler's TEH_DB_run_transaction).
*/
#include "config.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db_int.h"

static char *db_store;
static char *db_data_dir;
static pthread_key_t db_key;
static pthread_once_t db_key_once = PTHREAD_ONCE_INIT;

static void
db_thread_close(void *p)
{
    struct wm_db *db = p;
    if (db) {
        db->ops->close(db);
    }
}

static void
db_key_init(void)
{
    if (pthread_key_create(&db_key, db_thread_close)) {
        wm_panic("pthread_key_create failed");
    }
}

bool
wm_db_store_is_sqlite(const char *store)
{
    return NULL == store || '\0' == store[0] || wm_streq(store, "sqlite");
}

struct wm_db *
wm_db_open(const char *store, const char *data_dir, bool create, char *err, size_t errlen)
{
    if (wm_db_store_is_sqlite(store)) {
        return wm_sqlite_open(data_dir, create, err, errlen);
    }
#ifdef WM_HAVE_PG
    return wm_pg_open(store, err, errlen);
#else
    snprintf(err, errlen, "this build of wenming has no PostgreSQL store");
    return NULL;
#endif
}

void
wm_db_configure(const char *store, const char *data_dir)
{
    pthread_once(&db_key_once, db_key_init);
    free(db_store);
    free(db_data_dir);
    db_store = wm_db_store_is_sqlite(store) ? NULL : wm_strdup(store);
    db_data_dir = wm_strdup(data_dir);
}

int
wm_db_migration_number(const struct wm_embedded *m)
{
    int64_t n;
    char num[5] = {0};
    memcpy(num, m->name, 4);
    if (!wm_parse_i64(num, 1, 9999, &n)) {
        wm_panic("migration %s is not numbered", m->name);
    }
    return (int)n;
}

void
wm_db_migration_applied(const struct wm_embedded *m, int from)
{
    /* an upgrade names each step; a new store's twenty-odd steps are one line of init's */
    wm_log(from > 0 ? WM_LOG_INFO : WM_LOG_DEBUG, "applied migration %s", m->name);
}

struct wm_db_range
wm_db_range_of(const char *scope)
{
    struct wm_db_range r = {NULL, NULL};
    if (scope && '\0' != scope[0] && !wm_streq(scope, "/")) {
        size_t n = strlen(scope);
        r.lo = wm_strdup(scope);
        r.hi = wm_strdup(scope);
        r.hi[n - 1] = (char)(r.hi[n - 1] + 1);
    }
    return r;
}

void
wm_db_range_free(struct wm_db_range *r)
{
    free(r->lo);
    free(r->hi);
}

char *
wm_db_like_of(const char *q)
{
    if (NULL == q || '\0' == q[0]) {
        return NULL;
    }
    struct wm_buf b = {0};
    wm_buf_addc(&b, '%');
    for (const char *p = q; *p; p++) {
        if ('%' == *p || '_' == *p || '\\' == *p) {
            wm_buf_addc(&b, '\\');
        }
        wm_buf_addc(&b, *p);
    }
    wm_buf_addc(&b, '%');
    return wm_buf_steal(&b);
}

struct wm_db *
wm_db_thread(void)
{
    pthread_once(&db_key_once, db_key_init);
    struct wm_db *db = pthread_getspecific(db_key);
    if (db) {
        return db;
    }
    char err[512];
    db = wm_db_open(db_store, db_data_dir, false, err, sizeof err);
    if (NULL == db) {
        wm_log(WM_LOG_ERROR, "%s", err);
        return NULL;
    }
    pthread_setspecific(db_key, db);
    return db;
}

void
wm_db_backoff(unsigned attempt)
{
    /* 2, 4, 8 … ms, each with up to as much again at random, so that two losers of one
    ** race do not collide again in step. */
    unsigned ms = 1u << (attempt < 8 ? attempt : 8);
    ms += (unsigned)rand() % ms; /* NOLINT: jitter, not a secret */
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

enum wm_err
wm_db_run_tx(struct wm_db *db, wm_tx_fn fn, void *cls)
{
    for (unsigned attempt = 0; attempt < WM_DB_TX_TRIES; attempt++) {
        if (attempt > 0) {
            wm_db_backoff(attempt);
        }
        enum wm_qs qs = db->ops->begin(db, true);
        if (WM_QS_SOFT == qs) {
            continue;
        }
        if (WM_QS_ONE != qs) {
            return WM_E_INTERNAL;
        }
        enum wm_err e = fn(db, cls);
        if (WM_OK != e) {
            bool lost = WM_QS_SOFT == db->status;
            db->ops->rollback(db);
            if (WM_E_UNAVAILABLE == e && lost) {
                continue; /* lost a race inside fn: run it again */
            }
            return e;
        }
        qs = db->ops->commit(db);
        if (WM_QS_ONE == qs) {
            return WM_OK;
        }
        db->ops->rollback(db);
        if (WM_QS_SOFT != qs) {
            return WM_E_INTERNAL;
        }
    }
    wm_log(WM_LOG_WARN, "transaction gave up after retries: store busy");
    return WM_E_UNAVAILABLE;
}

/* end of db.c */
