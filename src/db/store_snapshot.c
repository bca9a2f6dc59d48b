/*
** store_snapshot.c — what `wenming backup` and `wenming restore` need of each store that
** the store interface does not give: a consistent snapshot while a server writes.
**
** SQLite: the online backup API copies the whole file in one step, inside one read
** transaction of the source (in WAL mode writers go on meanwhile), so the copy is the
** database as of one moment.
**
** PostgreSQL: a read-only REPEATABLE READ transaction exports its snapshot; pg_dump is run
** with --snapshot on it, and the store's own reads (which blobs the records refer to, the
** audit log's head) are made on the same connection inside that transaction, so the dump
** and those reads see exactly the same rows.  The connection parameters reach pg_dump and
** pg_restore as PG* environment variables, never on their command line (a password would
** be visible to every user in the process list).
*/
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pg/pg_helper.h"
#include "sqlite/sq_helper.h"

extern char **environ;

int
wm_store_snapshot_sqlite(struct wm_db *src, const char *path, char *err, size_t errlen)
{
    if (!wm_streq(src->ops->name, "sqlite")) {
        snprintf(err, errlen, "not a SQLite store");
        return -1;
    }
    sqlite3 *dst = NULL;
    int rc = sqlite3_open_v2(path, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    if (SQLITE_OK != rc) {
        snprintf(err, errlen, "%s: %s", path, dst ? sqlite3_errmsg(dst) : sqlite3_errstr(rc));
        sqlite3_close(dst);
        return -1;
    }
    sqlite3_backup *b = sqlite3_backup_init(dst, "main", ((struct sq_db *)src)->h, "main");
    if (NULL == b) {
        snprintf(err, errlen, "backup of the SQLite store: %s", sqlite3_errmsg(dst));
        sqlite3_close(dst);
        return -1;
    }
    /* -1: every page in one step, under one read transaction of the source (consistent);
    ** a busy source (a checkpoint in progress) is tried again a few times */
    for (int tries = 0; tries < 50; tries++) {
        rc = sqlite3_backup_step(b, -1);
        if (SQLITE_BUSY != rc && SQLITE_LOCKED != rc) {
            break;
        }
        sqlite3_sleep(100);
    }
    int fin = sqlite3_backup_finish(b);
    if (SQLITE_DONE != rc || SQLITE_OK != fin) {
        snprintf(err, errlen, "backup of the SQLite store: %s", sqlite3_errstr(rc));
        sqlite3_close(dst);
        return -1;
    }
    if (SQLITE_OK != sqlite3_close(dst)) {
        snprintf(err, errlen, "%s: cannot close the snapshot", path);
        return -1;
    }
    return 0;
}

int
wm_store_snapshot_pg(struct wm_db *db, char id[128], char *err, size_t errlen)
{
    if (!wm_streq(db->ops->name, "postgresql")) {
        snprintf(err, errlen, "not a PostgreSQL store");
        return -1;
    }
    struct pg_db *p = (struct pg_db *)db;
    if (p->tx) {
        snprintf(err, errlen, "a transaction is already open");
        return -1;
    }
    PGresult *r = PQexec(p->conn, "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY");
    bool ok = PGRES_COMMAND_OK == PQresultStatus(r);
    PQclear(r);
    r = ok ? PQexec(p->conn, "SELECT pg_export_snapshot()") : NULL;
    ok = ok && PGRES_TUPLES_OK == PQresultStatus(r) && 1 == PQntuples(r);
    if (!ok) {
        snprintf(err, errlen, "PostgreSQL: cannot export a snapshot: %s", PQerrorMessage(p->conn));
        err[strcspn(err, "\n")] = '\0';
        PQclear(r);
        r = PQexec(p->conn, "ROLLBACK");
        PQclear(r);
        return -1;
    }
    snprintf(id, 128, "%s", PQgetvalue(r, 0, 0));
    PQclear(r);
    p->tx = true; /* the store's reads run in it until rollback */
    p->wrote = false;
    p->aborted = WM_QS_ONE;
    return 0;
}

/* Whether env entry e sets a variable named in vars (NULL-terminated "NAME=VALUE"). */
static bool
env_overridden(const char *e, char *const *vars, size_t n)
{
    size_t len = strcspn(e, "=");
    for (size_t i = 0; i < n; i++) {
        if (0 == strncmp(vars[i], e, len) && '=' == vars[i][len]) {
            return true;
        }
    }
    return false;
}

char **
wm_store_pg_env(const char *conninfo, char **dbname, char *err, size_t errlen)
{
    char *perr = NULL;
    PQconninfoOption *opts = PQconninfoParse(conninfo, &perr);
    if (NULL == opts) {
        snprintf(err, errlen, "the store's connection string: %s", perr ? perr : "out of memory");
        err[strcspn(err, "\n")] = '\0';
        PQfreemem(perr);
        return NULL;
    }
    size_t nopt = 0, nenv = 0;
    while (opts[nopt].keyword) {
        nopt++;
    }
    while (environ[nenv]) {
        nenv++;
    }
    char **env = wm_calloc(nopt + nenv + 1, sizeof *env);
    size_t n = 0;
    *dbname = NULL;
    for (size_t i = 0; i < nopt; i++) {
        if (opts[i].val && opts[i].envvar) {
            env[n++] = wm_asprintf("%s=%s", opts[i].envvar, opts[i].val);
        }
        if (opts[i].val && wm_streq(opts[i].keyword, "dbname")) {
            *dbname = wm_strdup(opts[i].val);
        }
    }
    PQconninfoFree(opts);
    size_t own = n;
    for (size_t i = 0; i < nenv; i++) {
        if (!env_overridden(environ[i], env, own)) {
            env[n++] = wm_strdup(environ[i]);
        }
    }
    env[n] = NULL;
    return env;
}

void
wm_store_pg_env_free(char **env)
{
    for (size_t i = 0; env && env[i]; i++) {
        free(env[i]);
    }
    free(env);
}

int
wm_store_pg_tables(struct wm_db *db, char *first, size_t firstlen, char *err, size_t errlen)
{
    if (!wm_streq(db->ops->name, "postgresql")) {
        snprintf(err, errlen, "not a PostgreSQL store");
        return -1;
    }
    PGresult *r = PQexec(((struct pg_db *)db)->conn,
                         "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = "
                         "c.relnamespace WHERE n.nspname = current_schema() AND c.relkind IN "
                         "('r', 'p', 'v', 'm', 'S') ORDER BY c.relname");
    if (PGRES_TUPLES_OK != PQresultStatus(r)) {
        snprintf(err, errlen, "PostgreSQL: %s", PQresultErrorMessage(r));
        err[strcspn(err, "\n")] = '\0';
        PQclear(r);
        return -1;
    }
    int n = PQntuples(r);
    snprintf(first, firstlen, "%s", n ? PQgetvalue(r, 0, 0) : "");
    PQclear(r);
    return n;
}

/* end of store_snapshot.c */
