/*
** pg_plugin.c — the PostgreSQL backend (libpq): connections, the per-connection table of
** prepared statements, rows as JSON, transactions, the change generation (LISTEN/NOTIFY)
** and the embedded migrations.
**
** Generation: a transaction that changed a row sends `NOTIFY wm_change` just before its
** COMMIT (a change made outside a transaction sends it right after).  The connections do
** not LISTEN themselves: a thread that stays idle never reads its socket, and a listening
** backend whose client does not read blocks in ClientWrite once the socket buffer is full
** of notifications, which stalls the notification queue and every DROP DATABASE ... WITH
** (FORCE) of the cluster.  Instead each process keeps one listener per database
** (conninfo), shared by the open connections of that conninfo and refcounted by them
** (the registry is under a mutex): its own connection runs `LISTEN wm_change` (made by the
** first opener before its open returns, so that its first generation is already heard),
** and its thread waits on the socket (poll, waking each second and at once when told to
** stop), reads whatever arrives and adds the notifications to the listener's atomic
** counter.  A commit of this process adds to the counter itself, at once (so every
** connection of the process sees it without waiting), and the listener skips the
** notifications sent by this process's backends (their pids are registered with it).  A connection's generation
** is that counter plus its own reconnections: monotonic, moved at once by any commit of
** this process and a moment after a commit of another server (the time its notification
** takes to reach the listener: a read that starts within that moment may still see a
** cached answer from before the change).  When the listener's connection breaks it
** connects again (with a backoff) and counts one change, since notifications may have
** been missed; while it is down every reading of the generation is a new value (nothing
** is cached).  The last connection of a conninfo to close stops its listener (a dropped
** database keeps no backend of ours).  Each new listener's counter starts at a new epoch
** (2^40 apart), so generations of different databases in one thread never meet.
*/
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pg_helper.h"

extern const struct wm_embedded wm_pg_migrations[];

/* The key of the advisory lock that serializes migrations (any fixed number). */
#define PG_MIGRATE_LOCK "7776600508"

/* ---------------------------------------------------------------- status and errors */

static enum wm_qs
pg_set(struct pg_db *db, enum wm_qs qs)
{
    db->base.status = qs;
    return qs;
}

/* The status of a failed result (or of no result at all: a lost connection). */
static enum wm_qs
pg_fail(struct pg_db *db, const PGresult *res, const char *sql)
{
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    const char *msg = res ? PQresultErrorMessage(res) : PQerrorMessage(db->conn);
    enum wm_qs qs = WM_QS_HARD;
    if (NULL == state || CONNECTION_OK != PQstatus(db->conn)) {
        wm_log(WM_LOG_ERROR, "postgresql: connection lost: %s", msg);
        return pg_set(db, WM_QS_HARD);
    }
    if (db->tx && WM_QS_SOFT == db->aborted && wm_streq(state, "25P02")) {
        return pg_set(db, WM_QS_SOFT); /* refused after a lost race: still that race */
    }
    if (wm_streq(state, "40001") || wm_streq(state, "40P01") || wm_streq(state, "55P03") ||
        wm_streq(state, "57014")) {
        qs = WM_QS_SOFT;
        wm_log(WM_LOG_WARN, "postgresql busy (%s): %s", state, msg);
    } else if (0 == strncmp(state, "23", 2)) {
        qs = WM_QS_CONFLICT;
        wm_log(WM_LOG_DEBUG, "postgresql constraint (%s): %s", state, msg);
    } else {
        /* the first line of the message, and the start of the statement */
        int mlen = (int)strcspn(msg, "\n");
        wm_log(WM_LOG_ERROR, "postgresql error %s: %.*s%s%.200s", state, mlen, msg,
               sql ? " in: " : "", sql ? sql : "");
    }
    if (db->tx && WM_QS_ONE == db->aborted) {
        db->aborted = qs;
    }
    return pg_set(db, qs);
}

/* ---------------------------------------------------------------- the listener */

/* One per process and conninfo, shared by that conninfo's open connections. */
struct pg_listener {
    struct pg_listener *next; /* the registry (under pg_reg_mu) */
    char *conninfo;
    unsigned refs;      /* open connections (under pg_reg_mu) */
    pthread_mutex_t mu; /* guards pids (the thread reads them, never pg_reg_mu) */
    int *pids;          /* the backends' pids of the open connections */
    unsigned npids, cap;
    _Atomic int64_t count; /* commits of this process, others' notifications, breaks */
    atomic_bool up;        /* its connection listens */
    int wake[2];           /* a pipe: a byte on it stops the thread */
    PGconn *conn;          /* the first connection (made by the opener), then the thread's */
    pthread_t thread;
};

static pthread_mutex_t pg_reg_mu = PTHREAD_MUTEX_INITIALIZER;
static struct pg_listener *pg_reg;
static int64_t pg_epoch; /* under pg_reg_mu */

#define PG_LISTEN_POLL_MS        1000
#define PG_LISTEN_BACKOFF_MS     100
#define PG_LISTEN_BACKOFF_MAX_MS 10000

static void pg_notice(void *arg, const char *message);

/* A connection that listens, or NULL (logged). */
static PGconn *
pg_listen_connect(const char *conninfo)
{
    const char *const keys[] = {"dbname", "fallback_application_name", NULL};
    const char *const vals[] = {conninfo, "wenming listener", NULL};
    PGconn *c = PQconnectdbParams(keys, vals, 1);
    if (c && CONNECTION_OK == PQstatus(c)) {
        PQsetNoticeProcessor(c, pg_notice, NULL);
        PGresult *r = PQexec(c, "LISTEN wm_change");
        bool ok = PGRES_COMMAND_OK == PQresultStatus(r);
        PQclear(r);
        if (ok) {
            return c;
        }
    }
    wm_log(WM_LOG_WARN, "postgresql: the change listener cannot connect: %s",
           c ? PQerrorMessage(c) : "out of memory");
    PQfinish(c);
    return NULL;
}

static bool
pg_pid_ours(struct pg_listener *l, int pid)
{
    for (unsigned i = 0; i < l->npids; i++) {
        if (l->pids[i] == pid) {
            return true;
        }
    }
    return false;
}

/* Count what arrived on the listener's connection; false when the connection broke. */
static bool
pg_listen_read(struct pg_listener *l, PGconn *c)
{
    if (!PQconsumeInput(c)) {
        wm_log(WM_LOG_WARN, "postgresql: the change listener lost its connection: %s",
               PQerrorMessage(c));
        return false;
    }
    int64_t n = 0;
    PGnotify *m;
    pthread_mutex_lock(&l->mu);
    while (NULL != (m = PQnotifies(c))) {
        if (!pg_pid_ours(l, m->be_pid)) {
            n++; /* this process's own commits were counted when they committed */
        }
        PQfreemem(m);
    }
    pthread_mutex_unlock(&l->mu);
    if (n) {
        atomic_fetch_add(&l->count, n);
    }
    return CONNECTION_OK == PQstatus(c);
}

/* The listener's thread: wait on the socket, count what arrives, connect again when the
** connection broke (at once, then after a growing pause), stop on a byte on the pipe. */
static void *
pg_listen_main(void *arg)
{
    struct pg_listener *l = arg;
    PGconn *c = l->conn;
    l->conn = NULL;
    bool retry = true;                /* when c is NULL: try to connect now */
    int backoff = PG_LISTEN_BACKOFF_MS; /* the pause after a failed attempt */
    for (;;) {
        if (NULL == c && retry) {
            c = pg_listen_connect(l->conninfo);
            if (c) {
                atomic_fetch_add(&l->count, 1); /* changes meanwhile were not heard */
                atomic_store(&l->up, true);
                backoff = PG_LISTEN_BACKOFF_MS;
                wm_log(WM_LOG_INFO, "postgresql: the change listener connected again");
            } else {
                retry = false;
            }
        }
        struct pollfd pf[2] = {{.fd = l->wake[0], .events = POLLIN},
                               {.fd = c ? PQsocket(c) : -1, .events = POLLIN}};
        int rc = poll(pf, 2, c ? PG_LISTEN_POLL_MS : backoff);
        if (rc < 0 && EINTR != errno) {
            wm_log(WM_LOG_ERROR, "postgresql: the change listener: poll: %s", strerror(errno));
        }
        if (rc > 0 && pf[0].revents) {
            break;
        }
        if (NULL == c) {
            if (0 == rc) {
                retry = true;
                backoff = backoff < PG_LISTEN_BACKOFF_MAX_MS / 2 ? 2 * backoff
                                                                 : PG_LISTEN_BACKOFF_MAX_MS;
            }
            continue;
        }
        if ((rc > 0 && pf[1].revents) || CONNECTION_OK != PQstatus(c)) {
            if (!pg_listen_read(l, c)) {
                atomic_store(&l->up, false);
                atomic_fetch_add(&l->count, 1);
                PQfinish(c);
                c = NULL;
                retry = true; /* at once the first time */
            }
        }
    }
    atomic_store(&l->up, false);
    PQfinish(c);
    return NULL;
}

/* Add a connection (its backend's pid) to conninfo's listener, made and started when it is
** the first.  NULL when no thread could be started (logged: nothing is cached then). */
static struct pg_listener *
pg_listener_get(const char *conninfo, int pid)
{
    pthread_mutex_lock(&pg_reg_mu);
    struct pg_listener *l = pg_reg;
    while (l && !wm_streq(l->conninfo, conninfo)) {
        l = l->next;
    }
    if (NULL == l) {
        l = wm_calloc(1, sizeof *l);
        l->conninfo = wm_strdup(conninfo);
        pthread_mutex_init(&l->mu, NULL);
        pg_epoch += (int64_t)1 << 40;
        atomic_init(&l->count, pg_epoch);
        /* listening before the opener returns: its first generation is already heard */
        l->conn = pg_listen_connect(conninfo);
        atomic_init(&l->up, NULL != l->conn);
        sigset_t all, old;
        sigfillset(&all);
        bool ok = 0 == pipe2(l->wake, O_CLOEXEC);
        if (ok) {
            pthread_sigmask(SIG_SETMASK, &all, &old); /* signals stay with the main thread */
            ok = 0 == pthread_create(&l->thread, NULL, pg_listen_main, l);
            pthread_sigmask(SIG_SETMASK, &old, NULL);
            if (!ok) {
                close(l->wake[0]);
                close(l->wake[1]);
            }
        }
        if (!ok) {
            wm_log(WM_LOG_ERROR, "postgresql: cannot start the change listener");
            pthread_mutex_unlock(&pg_reg_mu);
            PQfinish(l->conn);
            pthread_mutex_destroy(&l->mu);
            free(l->conninfo);
            free(l);
            return NULL;
        }
        l->next = pg_reg;
        pg_reg = l;
    }
    l->refs++;
    pthread_mutex_lock(&l->mu);
    if (l->npids == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 8;
        l->pids = wm_realloc(l->pids, l->cap * sizeof *l->pids);
    }
    l->pids[l->npids++] = pid;
    pthread_mutex_unlock(&l->mu);
    pthread_mutex_unlock(&pg_reg_mu);
    return l;
}

/* A connection's backend changed (a reconnection). */
static void
pg_listener_repid(struct pg_listener *l, int old, int pid)
{
    if (NULL == l) {
        return;
    }
    pthread_mutex_lock(&l->mu);
    for (unsigned i = 0; i < l->npids; i++) {
        if (l->pids[i] == old) {
            l->pids[i] = pid;
            break;
        }
    }
    pthread_mutex_unlock(&l->mu);
}

/* A connection closed; the last one stops the listener (its connection closed, its thread
** joined). */
static void
pg_listener_put(struct pg_listener *l, int pid)
{
    if (NULL == l) {
        return;
    }
    pthread_mutex_lock(&pg_reg_mu);
    pthread_mutex_lock(&l->mu);
    for (unsigned i = 0; i < l->npids; i++) {
        if (l->pids[i] == pid) {
            l->pids[i] = l->pids[--l->npids];
            break;
        }
    }
    pthread_mutex_unlock(&l->mu);
    bool last = 0 == --l->refs;
    if (last) {
        struct pg_listener **pp = &pg_reg;
        while (*pp != l) {
            pp = &(*pp)->next;
        }
        *pp = l->next;
    }
    pthread_mutex_unlock(&pg_reg_mu);
    if (!last) {
        return;
    }
    char b = 1;
    while (write(l->wake[1], &b, 1) < 0 && EINTR == errno) {
    }
    pthread_join(l->thread, NULL);
    close(l->wake[0]);
    close(l->wake[1]);
    pthread_mutex_destroy(&l->mu);
    free(l->pids);
    free(l->conninfo);
    free(l);
}

/* This process committed a change: every connection's generation moves at once. */
static void
pg_changed(struct pg_db *db)
{
    if (db->listener) {
        atomic_fetch_add(&db->listener->count, 1);
    } else {
        db->gen++;
    }
}

/* ---------------------------------------------------------------- notifications */

/* A statement changed a row: remember it for the commit, or announce it now. */
static void
pg_wrote(struct pg_db *db)
{
    if (db->tx) {
        db->wrote = true;
        return;
    }
    PGresult *r = PQexec(db->conn, "NOTIFY wm_change");
    if (PGRES_COMMAND_OK != PQresultStatus(r)) {
        wm_log(WM_LOG_WARN, "postgresql: NOTIFY failed: %s", PQerrorMessage(db->conn));
    }
    PQclear(r);
    pg_changed(db);
}

static bool
pg_is_write(PGresult *res)
{
    const char *cmd = PQcmdStatus(res);
    const char *n = PQcmdTuples(res);
    if (NULL == n || '\0' == n[0] || wm_streq(n, "0")) {
        return false;
    }
    return wm_startswith(cmd, "INSERT") || wm_startswith(cmd, "UPDATE") ||
           wm_startswith(cmd, "DELETE") || wm_startswith(cmd, "MERGE");
}

/* ---------------------------------------------------------------- connection */

static void
pg_notice(void *arg, const char *message)
{
    (void)arg;
    wm_log(WM_LOG_DEBUG, "postgresql: %s", message);
}

static void
pg_stmts_clear(struct pg_db *db)
{
    free(db->stmts);
    db->stmts = NULL;
    db->cap = db->n = 0;
}

/* Settings of a fresh connection; false with err filled when it is unusable. */
static bool
pg_setup(struct pg_db *db, char *err, size_t errlen)
{
    PQsetNoticeProcessor(db->conn, pg_notice, NULL);
    const char *enc = PQparameterStatus(db->conn, "server_encoding");
    if (enc && wm_streq(enc, "SQL_ASCII")) {
        snprintf(err, errlen, "the PostgreSQL database has encoding SQL_ASCII: create it "
                              "with ENCODING 'UTF8'");
        return false;
    }
    PGresult *r = PQexec(db->conn, "SET client_encoding = 'UTF8'");
    bool ok = PGRES_COMMAND_OK == PQresultStatus(r);
    if (!ok) {
        snprintf(err, errlen, "cannot set up the PostgreSQL connection: %s",
                 PQerrorMessage(db->conn));
    }
    PQclear(r);
    return ok;
}

/* Before a statement: re-establish a lost connection when no transaction is open. */
static bool
pg_alive(struct pg_db *db)
{
    if (CONNECTION_OK == PQstatus(db->conn)) {
        return true;
    }
    if (db->tx) {
        return false; /* the transaction is gone: the caller rolls back */
    }
    PQreset(db->conn);
    pg_stmts_clear(db);
    db->gen++; /* a change may have happened that the listener missed meanwhile */
    char err[256];
    if (CONNECTION_OK != PQstatus(db->conn) || !pg_setup(db, err, sizeof err)) {
        wm_log(WM_LOG_ERROR, "postgresql: cannot reconnect: %s", PQerrorMessage(db->conn));
        return false;
    }
    int pid = PQbackendPID(db->conn);
    pg_listener_repid(db->listener, db->pid, pid);
    db->pid = pid;
    wm_log(WM_LOG_INFO, "postgresql: reconnected");
    return true;
}

/* ---------------------------------------------------------------- statements */

static size_t
pg_hash(const char *sql, size_t cap)
{
    uintptr_t p = (uintptr_t)sql;
    p ^= p >> 17;
    p *= (uintptr_t)0x9e3779b97f4a7c15ULL;
    return (size_t)(p >> 7) & (cap - 1);
}

static struct pg_stmt *
pg_slot(struct pg_stmt *t, size_t cap, const char *sql)
{
    size_t i = pg_hash(sql, cap);
    while (t[i].sql && t[i].sql != sql) {
        i = (i + 1) & (cap - 1);
    }
    return &t[i];
}

/* The statement's slot (s->id 0 when it is not prepared yet); the table grows as needed. */
static struct pg_stmt *
pg_lookup(struct pg_db *db, const char *sql)
{
    if (2 * (db->n + 1) > db->cap) {
        size_t cap = db->cap ? 2 * db->cap : 64;
        struct pg_stmt *t = wm_calloc(cap, sizeof *t);
        for (size_t i = 0; i < db->cap; i++) {
            if (db->stmts[i].sql) {
                *pg_slot(t, cap, db->stmts[i].sql) = db->stmts[i];
            }
        }
        free(db->stmts);
        db->stmts = t;
        db->cap = cap;
    }
    return pg_slot(db->stmts, db->cap, sql);
}

static bool
pg_savepoint(struct pg_db *db, const char *cmd)
{
    PGresult *r = PQexec(db->conn, cmd);
    bool ok = PGRES_COMMAND_OK == PQresultStatus(r);
    if (!ok) {
        (void)pg_fail(db, r, cmd);
    }
    PQclear(r);
    return ok;
}

#define PG_MAX_PARAMS 24

/* Prepare (once per connection) and run one statement; NULL on an error (status set). */
static PGresult *
pg_run(struct pg_db *db, const char *sql, int np, const char *const *vals, const Oid *types,
       bool guarded)
{
    if (!pg_alive(db)) {
        pg_set(db, WM_QS_HARD);
        return NULL;
    }
    struct pg_stmt *s = pg_lookup(db, sql);
    char name[16];
    if (0 == s->id) {
        unsigned id = ++db->next_id;
        snprintf(name, sizeof name, "wm%u", id);
        PGresult *r = PQprepare(db->conn, name, sql, np, types);
        if (PGRES_COMMAND_OK != PQresultStatus(r)) {
            (void)pg_fail(db, r, sql);
            PQclear(r);
            return NULL;
        }
        PQclear(r);
        s->sql = sql;
        s->id = id;
        db->n++;
    } else {
        snprintf(name, sizeof name, "wm%u", s->id);
    }
    if (guarded && !pg_savepoint(db, "SAVEPOINT wm_stmt")) {
        return NULL;
    }
    enum wm_qs was = db->aborted;
    PGresult *res = PQexecPrepared(db->conn, name, np, vals, NULL, NULL, 0);
    ExecStatusType st = PQresultStatus(res);
    if (PGRES_COMMAND_OK != st && PGRES_TUPLES_OK != st) {
        enum wm_qs qs = pg_fail(db, res, sql);
        PQclear(res);
        if (guarded && CONNECTION_OK == PQstatus(db->conn)) {
            (void)pg_savepoint(db, "ROLLBACK TO SAVEPOINT wm_stmt; RELEASE SAVEPOINT wm_stmt");
            db->aborted = was; /* the savepoint undid the failure: the transaction goes on */
            pg_set(db, qs);
        }
        return NULL;
    }
    if (guarded && !pg_savepoint(db, "RELEASE SAVEPOINT wm_stmt")) {
        PQclear(res);
        return NULL;
    }
    if (pg_is_write(res)) {
        pg_wrote(db);
    }
    pg_set(db, WM_QS_ONE);
    return res;
}

PGresult *
pg_q(struct pg_db *db, const char *sql, const char *fmt, ...)
{
    bool guarded = false;
    if (fmt && '!' == fmt[0]) {
        fmt++;
        guarded = db->tx;
    }
    size_t np = fmt ? strlen(fmt) : 0;
    if (np > PG_MAX_PARAMS) {
        wm_log(WM_LOG_ERROR, "postgresql: too many parameters: %s", sql);
        pg_set(db, WM_QS_HARD);
        return NULL;
    }
    char nums[PG_MAX_PARAMS][24];
    const char *vals[PG_MAX_PARAMS];
    Oid types[PG_MAX_PARAMS];
    va_list ap;
    va_start(ap, fmt);
    for (size_t i = 0; i < np; i++) {
        if ('i' == fmt[i]) {
            snprintf(nums[i], sizeof nums[i], "%lld", (long long)va_arg(ap, int64_t));
            vals[i] = nums[i];
            types[i] = PG_INT8OID;
        } else {
            vals[i] = va_arg(ap, const char *);
            types[i] = PG_TEXTOID;
        }
    }
    va_end(ap);
    PGresult *res = pg_run(db, sql, (int)np, vals, types, guarded);
    /* A read outside a transaction on a connection the server ended (a restart, an idle
    ** timeout) is run again at once on a new one; a write is not (it may have committed). */
    if (NULL == res && !db->tx && CONNECTION_BAD == PQstatus(db->conn) &&
        wm_startswith(sql, "SELECT") && NULL == strstr(sql, "FOR UPDATE")) {
        res = pg_run(db, sql, (int)np, vals, types, false);
    }
    return res;
}

enum wm_qs
pg_simple(struct pg_db *db, const char *sql)
{
    if (!pg_alive(db)) {
        return pg_set(db, WM_QS_HARD);
    }
    PGresult *r = PQexec(db->conn, sql);
    ExecStatusType st = PQresultStatus(r);
    enum wm_qs qs = WM_QS_ONE;
    if (PGRES_COMMAND_OK != st && PGRES_TUPLES_OK != st) {
        qs = pg_fail(db, r, sql);
    } else {
        pg_set(db, WM_QS_ONE);
    }
    PQclear(r);
    return qs;
}

enum wm_qs
pg_exec(struct pg_db *db, PGresult *res)
{
    if (NULL == res) {
        return db->base.status;
    }
    const char *n = PQcmdTuples(res);
    enum wm_qs qs = (n && n[0] && !wm_streq(n, "0")) ? WM_QS_ONE : WM_QS_NONE;
    PQclear(res);
    return qs;
}

static json_t *
pg_value(const PGresult *res, int row, int col)
{
    if (PQgetisnull(res, row, col)) {
        return json_null();
    }
    const char *v = PQgetvalue(res, row, col);
    switch (PQftype(res, col)) {
    case PG_INT2OID:
    case PG_INT4OID:
    case PG_INT8OID:
    case PG_OIDOID:
        return json_integer((json_int_t)strtoll(v, NULL, 10));
    case PG_FLOAT4OID:
    case PG_FLOAT8OID:
    case PG_NUMERICOID:
        return json_real(strtod(v, NULL));
    case PG_BOOLOID:
        return json_boolean('t' == v[0]);
    default:
        /* The server converts to the client encoding UTF8 (SQL_ASCII is refused at open). */
        return json_stringn_nocheck(v, (size_t)PQgetlength(res, row, col));
    }
}

static json_t *
pg_row_object(const PGresult *res, int row)
{
    json_t *o = json_object();
    int n = PQnfields(res);
    for (int c = 0; c < n; c++) {
        json_object_set_new_nocheck(o, PQfname(res, c), pg_value(res, row, c));
    }
    return o;
}

json_t *
pg_rows(struct pg_db *db, PGresult *res)
{
    (void)db;
    if (NULL == res) {
        return NULL;
    }
    json_t *a = json_array();
    int n = PQntuples(res);
    for (int r = 0; r < n; r++) {
        json_array_append_new(a, pg_row_object(res, r));
    }
    PQclear(res);
    return a;
}

json_t *
pg_row(struct pg_db *db, PGresult *res)
{
    (void)db;
    if (NULL == res) {
        return NULL;
    }
    json_t *o = PQntuples(res) > 0 ? pg_row_object(res, 0) : NULL;
    PQclear(res);
    return o;
}

int64_t
pg_int(struct pg_db *db, PGresult *res, int64_t dflt)
{
    (void)db;
    if (NULL == res) {
        return dflt;
    }
    int64_t v = dflt;
    if (PQntuples(res) > 0 && PQnfields(res) > 0 && !PQgetisnull(res, 0, 0)) {
        v = (int64_t)strtoll(PQgetvalue(res, 0, 0), NULL, 10);
    }
    PQclear(res);
    return v;
}

enum wm_qs
pg_id(struct pg_db *db, PGresult *res, int64_t *id)
{
    if (NULL == res) {
        return db->base.status;
    }
    enum wm_qs qs = WM_QS_NONE;
    if (PQntuples(res) > 0 && !PQgetisnull(res, 0, 0)) {
        *id = (int64_t)strtoll(PQgetvalue(res, 0, 0), NULL, 10);
        qs = WM_QS_ONE;
    }
    PQclear(res);
    return qs;
}

/* ---------------------------------------------------------------- scopes and filters */

/* ---------------------------------------------------------------- transactions */

static void
pg_close(struct wm_db *base)
{
    struct pg_db *db = (struct pg_db *)base;
    if (NULL == db) {
        return;
    }
    PQfinish(db->conn);
    pg_listener_put(db->listener, db->pid);
    pg_stmts_clear(db);
    free(db->conninfo);
    free(db);
}

static enum wm_qs
pg_begin(struct wm_db *base, bool write)
{
    struct pg_db *db = (struct pg_db *)base;
    (void)write; /* READ COMMITTED: the write ops lock the rows they depend on */
    if (db->tx) {
        wm_log(WM_LOG_ERROR, "postgresql: begin inside a transaction");
        return pg_set(db, WM_QS_HARD);
    }
    enum wm_qs qs = pg_simple(db, "BEGIN");
    if (WM_QS_ONE == qs) {
        db->tx = true;
        db->wrote = false;
        db->aborted = WM_QS_ONE;
    }
    return qs;
}

static enum wm_qs
pg_commit(struct wm_db *base)
{
    struct pg_db *db = (struct pg_db *)base;
    if (!db->tx) {
        return pg_set(db, WM_QS_HARD);
    }
    if (CONNECTION_OK != PQstatus(db->conn)) {
        return pg_set(db, WM_QS_HARD);
    }
    PGresult *r = PQexec(db->conn, db->wrote ? "NOTIFY wm_change; COMMIT" : "COMMIT");
    enum wm_qs qs = WM_QS_ONE;
    if (PGRES_COMMAND_OK != PQresultStatus(r)) {
        qs = pg_fail(db, r, "COMMIT");
    } else if (!wm_streq(PQcmdStatus(r), "COMMIT")) {
        /* COMMIT of a transaction that an error aborted answers ROLLBACK */
        wm_log(WM_LOG_ERROR, "postgresql: the transaction was aborted by an earlier error");
        qs = pg_set(db, WM_QS_SOFT == db->aborted ? WM_QS_SOFT : WM_QS_HARD);
    }
    PQclear(r);
    if (PQTRANS_IDLE == PQtransactionStatus(db->conn)) {
        db->tx = false;
        if (WM_QS_ONE == qs && db->wrote) {
            pg_changed(db);
        }
        db->wrote = false;
    }
    return WM_QS_ONE == qs ? pg_set(db, WM_QS_ONE) : qs;
}

static void
pg_rollback(struct wm_db *base)
{
    struct pg_db *db = (struct pg_db *)base;
    if (CONNECTION_OK == PQstatus(db->conn) && PQTRANS_IDLE != PQtransactionStatus(db->conn)) {
        PGresult *r = PQexec(db->conn, "ROLLBACK");
        PQclear(r);
    }
    db->tx = false;
    db->wrote = false;
}

static bool
pg_in_tx(struct wm_db *base)
{
    struct pg_db *db = (struct pg_db *)base;
    return db->tx;
}

static bool
pg_generation(struct wm_db *base, int64_t *gen)
{
    struct pg_db *db = (struct pg_db *)base;
    if (!pg_alive(db)) {
        pg_set(db, WM_QS_HARD);
        return false;
    }
    struct pg_listener *l = db->listener;
    if (NULL == l) {
        db->gen++; /* no listener: nothing may be cached */
        *gen = db->gen;
        return true;
    }
    if (!atomic_load(&l->up)) {
        /* the listener is connecting again: a new value each time, nothing is cached */
        *gen = atomic_fetch_add(&l->count, 1) + 1 + db->gen;
        return true;
    }
    *gen = atomic_load(&l->count) + db->gen;
    return true;
}

/* ---------------------------------------------------------------- schema */

static int
pg_schema_version(struct wm_db *base)
{
    struct pg_db *db = (struct pg_db *)base;
    static const char has[] = "SELECT to_regclass('schema_version') IS NOT NULL";
    static const char sql[] = "SELECT coalesce(max(version), 0) FROM schema_version";
    PGresult *r = pg_q(db, has, NULL);
    if (NULL == r) {
        return -1;
    }
    bool exists = PQntuples(r) > 0 && 't' == PQgetvalue(r, 0, 0)[0];
    PQclear(r);
    if (!exists) {
        return 0;
    }
    return (int)pg_int(db, pg_q(db, sql, NULL), -1);
}

/* Apply migration n in its own transaction, under the migration lock; skipped when another
** server applied it meanwhile.  *applied tells which. */
static enum wm_qs
pg_migrate_one(struct pg_db *db, const struct wm_embedded *m, int n, bool *applied)
{
    static const char lock[] = "SELECT pg_advisory_xact_lock(" PG_MIGRATE_LOCK ")";
    static const char table[] =
        "CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL)";
    static const char cur[] = "SELECT coalesce(max(version), 0) FROM schema_version";
    *applied = false;
    if (WM_QS_ONE != pg_begin(&db->base, true)) {
        return WM_QS_HARD;
    }
    enum wm_qs qs = pg_simple(db, lock);
    if (WM_QS_ONE == qs) {
        qs = pg_simple(db, table);
    }
    int64_t have = -1;
    if (WM_QS_ONE == qs) {
        have = pg_int(db, pg_q(db, cur, NULL), -1);
        qs = have < 0 ? WM_QS_HARD : WM_QS_ONE;
    }
    if (WM_QS_ONE == qs && have < n) {
        char *sql = wm_strndup((const char *)m->data, m->len);
        qs = pg_simple(db, sql);
        free(sql);
        if (WM_QS_ONE == qs) {
            char *set = wm_asprintf("DELETE FROM schema_version; "
                                    "INSERT INTO schema_version(version) VALUES (%d)", n);
            qs = pg_simple(db, set);
            free(set);
        }
        db->wrote = true;
        *applied = WM_QS_ONE == qs;
    }
    if (WM_QS_ONE == qs) {
        qs = pg_commit(&db->base);
    }
    if (WM_QS_ONE != qs) {
        pg_rollback(&db->base);
        *applied = false;
    }
    return qs;
}

static enum wm_qs
pg_migrate(struct wm_db *base, int *from, int *to)
{
    struct pg_db *db = (struct pg_db *)base;
    int cur = pg_schema_version(base);
    *from = *to = cur;
    if (cur < 0) {
        return WM_QS_HARD;
    }
    for (const struct wm_embedded *m = wm_pg_migrations; m->name; m++) {
        int n = wm_db_migration_number(m);
        if (n <= cur) {
            continue;
        }
        bool applied;
        if (WM_QS_ONE != pg_migrate_one(db, m, n, &applied)) {
            wm_log(WM_LOG_ERROR, "migration %s failed", m->name);
            return WM_QS_HARD;
        }
        if (applied) {
            wm_db_migration_applied(m, *from);
        }
        *to = n;
    }
    return pg_set(db, WM_QS_ONE);
}

/* ---------------------------------------------------------------- open */

static struct wm_db_ops pg_ops;
static pthread_once_t pg_ops_once = PTHREAD_ONCE_INIT;

static void
pg_fill_base(struct wm_db_ops *ops)
{
    ops->name = "postgresql";
    ops->close = pg_close;
    ops->begin = pg_begin;
    ops->commit = pg_commit;
    ops->rollback = pg_rollback;
    ops->in_tx = pg_in_tx;
    ops->generation = pg_generation;
    ops->schema_version = pg_schema_version;
    ops->migrate = pg_migrate;
}

static void
pg_ops_init(void)
{
    pg_fill_resource_ops(&pg_ops);
    pg_fill_framework_ops(&pg_ops);
    pg_fill_archive_ops(&pg_ops);
    pg_fill_job_ops(&pg_ops);
    pg_fill_guidance_ops(&pg_ops);
    pg_fill_practice_ops(&pg_ops);
    pg_fill_notify_ops(&pg_ops);
    pg_fill_dashboard_ops(&pg_ops);
    pg_fill_rounds_ops(&pg_ops);
    pg_fill_title_ops(&pg_ops);
    pg_fill_results_ops(&pg_ops);
    pg_fill_scoring_ops(&pg_ops);
    pg_fill_groups_ops(&pg_ops);
    pg_fill_search_ops(&pg_ops);
    pg_fill_search_src_ops(&pg_ops);
    pg_fill_work_plan_ops(&pg_ops);
    pg_fill_work_meet_ops(&pg_ops);
    pg_fill_work_inspect_ops(&pg_ops);
    pg_fill_work_rect_ops(&pg_ops);
    pg_fill_work_overview_ops(&pg_ops);
    pg_fill_totp_ops(&pg_ops); /* issue 13, totp */
    pg_fill_archive_check_ops(&pg_ops); /* issue 13, dat70 */
    pg_fill_base(&pg_ops);
}

struct wm_db *
wm_pg_open(const char *conninfo, char *err, size_t errlen)
{
    pthread_once(&pg_ops_once, pg_ops_init);
    struct pg_db *db = wm_calloc(1, sizeof *db);
    db->base.ops = &pg_ops;
    db->base.status = WM_QS_ONE;
    db->conninfo = wm_strdup(conninfo);
    db->conn = PQconnectdb(conninfo);
    if (NULL == db->conn || CONNECTION_OK != PQstatus(db->conn)) {
        const char *msg = db->conn ? PQerrorMessage(db->conn) : "out of memory";
        size_t len = strlen(msg);
        while (len > 0 && ('\n' == msg[len - 1] || ' ' == msg[len - 1])) {
            len--;
        }
        snprintf(err, errlen, "cannot connect to PostgreSQL: %.*s", (int)len, msg);
        pg_close(&db->base);
        return NULL;
    }
    if (!pg_setup(db, err, errlen)) {
        pg_close(&db->base);
        return NULL;
    }
    db->pid = PQbackendPID(db->conn);
    db->listener = pg_listener_get(conninfo, db->pid);
    return &db->base;
}

/* end of pg_plugin.c */
