/*
** db.c — backend-independent parts of the store: the per-thread connection and the
** transaction retry loop (Taler's TEH_DB_run_transaction).
*/
#include "config.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "wm_db.h"

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

void
wm_db_set_data_dir(const char *data_dir)
{
    pthread_once(&db_key_once, db_key_init);
    free(db_data_dir);
    db_data_dir = wm_strdup(data_dir);
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
    db = wm_sqlite_open(db_data_dir, false, err, sizeof err);
    if (NULL == db) {
        wm_log(WM_LOG_ERROR, "%s", err);
        return NULL;
    }
    pthread_setspecific(db_key, db);
    return db;
}

enum wm_err
wm_db_run_tx(struct wm_db *db, wm_tx_fn fn, void *cls)
{
    for (unsigned attempt = 0; attempt < 5; attempt++) {
        enum wm_qs qs = db->ops->begin(db, true);
        if (WM_QS_SOFT == qs) {
            continue;
        }
        if (WM_QS_ONE != qs) {
            return WM_E_INTERNAL;
        }
        enum wm_err e = fn(db, cls);
        if (WM_OK != e) {
            db->ops->rollback(db);
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
