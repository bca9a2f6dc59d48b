/*
** test_pg_smoke.c — internals of the PostgreSQL backend that the store conformance suite
** cannot see, and `store copy`: the table of prepared statements holds any number of them;
** a statement marked "may conflict" fails alone inside a transaction (a savepoint) while
** any other failure aborts the transaction, so that its commit fails; a SQLite store is
** copied into an empty database with its ids, and a second copy is refused; the change
** listener (one per process and database): a commit moves every connection's generation,
** a connection that stays idle under 20000 commits blocks no backend, and the listener
** stops with the last connection.
**
** Needs a server: WM_TEST_PG is the libpq connection string of a database from which the
** test may CREATE DATABASE (scripts/run-tests.sh provides one); without it the test skips
** (exit 77).  Each test makes its own database wm_smoke_<pid>_<n> and drops it.
*/
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "tdir.h"
#include "pg_helper.h"
#include "wm_core.h"

static const char *server;

/* A statement on the server's maintenance connection (WM_TEST_PG itself). */
static void
admin(const char *sql)
{
    PGconn *c = PQconnectdb(server);
    assert_int_equal(PQstatus(c), CONNECTION_OK);
    PGresult *r = PQexec(c, sql);
    if (PGRES_COMMAND_OK != PQresultStatus(r) && PGRES_TUPLES_OK != PQresultStatus(r)) {
        fprintf(stderr, "%s: %s", sql, PQerrorMessage(c));
        fail();
    }
    PQclear(r);
    PQfinish(c);
}

struct tdb {
    char name[64];
    char conninfo[1024];
};

/* A fresh database and its connection string (the dbname replaced). */
static void
tdb_make(struct tdb *t)
{
    static unsigned n;
    char sql[128];
    snprintf(t->name, sizeof t->name, "wm_smoke_%d_%u", (int)getpid(), n++);
    snprintf(sql, sizeof sql, "CREATE DATABASE %s", t->name);
    admin(sql);
    if (wm_startswith(server, "postgresql://") || wm_startswith(server, "postgres://")) {
        snprintf(t->conninfo, sizeof t->conninfo, "%s%cdbname=%s", server,
                 strchr(server, '?') ? '&' : '?', t->name);
    } else {
        snprintf(t->conninfo, sizeof t->conninfo, "%s dbname=%s", server, t->name);
    }
}

static void
tdb_drop(struct tdb *t)
{
    char sql[128];
    snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", t->name);
    admin(sql);
}

/* The first column of the first row of a query on the maintenance connection. */
static int64_t
admin_int(const char *sql)
{
    PGconn *c = PQconnectdb(server);
    assert_int_equal(PQstatus(c), CONNECTION_OK);
    PGresult *r = PQexec(c, sql);
    if (PGRES_TUPLES_OK != PQresultStatus(r) || PQntuples(r) < 1) {
        fprintf(stderr, "%s: %s", sql, PQerrorMessage(c));
        fail();
    }
    int64_t v = (int64_t)strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    PQclear(r);
    PQfinish(c);
    return v;
}

static void
nap_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000 * 1000};
    nanosleep(&ts, NULL);
}

static struct wm_db *
open_migrated(const char *store, const char *dir)
{
    char err[512];
    struct wm_db *db = wm_db_open(store, dir, true, err, sizeof err);
    if (NULL == db) {
        fprintf(stderr, "%s\n", err);
    }
    assert_non_null(db);
    int from, to;
    assert_int_equal(db->ops->migrate(db, &from, &to), WM_QS_ONE);
    assert_int_equal(to, db->ops->schema_version(db));
    return db;
}

/* Whether the PostgreSQL migrations reach this wenming's schema (a table added on SQLite
** first, its PostgreSQL migration following, leaves them behind for a while). */
static bool
pg_schema_current(const struct tdb *t)
{
    struct wm_db *db = open_migrated(t->conninfo, "/nonexistent");
    bool current = WM_DB_SCHEMA_VERSION == db->ops->schema_version(db);
    db->ops->close(db);
    return current;
}

#define NSQL 300

static char sqls[NSQL][40];

static void
test_statement_table_grows(void **state)
{
    (void)state;
    struct tdb t;
    tdb_make(&t);
    struct wm_db *db = open_migrated(t.conninfo, "/nonexistent");
    struct pg_db *p = (struct pg_db *)db;
    size_t before = p->n;
    for (int i = 0; i < NSQL; i++) {
        snprintf(sqls[i], sizeof sqls[i], "SELECT %d + $1", i);
        assert_int_equal(pg_int(p, pg_q(p, sqls[i], "i", (int64_t)1), -1), i + 1);
    }
    assert_int_equal(p->n, before + NSQL);
    /* each text finds its own statement again, with fresh parameters */
    for (int i = 0; i < NSQL; i++) {
        assert_int_equal(pg_int(p, pg_q(p, sqls[i], "i", (int64_t)2), -1), i + 2);
    }
    assert_int_equal(p->n, before + NSQL);
    db->ops->close(db);
    tdb_drop(&t);
}

static void
test_conflict_inside_transaction(void **state)
{
    (void)state;
    struct tdb t;
    tdb_make(&t);
    struct wm_db *db = open_migrated(t.conninfo, "/nonexistent");
    int64_t root = 0, unit = 0, dup = 0;
    assert_int_equal(db->ops->begin(db, true), WM_QS_ONE);
    assert_int_equal(db->ops->org_insert(db, 0, "office", "市文明办", NULL, NULL, 1, &root),
                     WM_QS_ONE);
    assert_int_equal(db->ops->org_insert(db, root, "unit", "甲", "U1", "企业", 1, &unit),
                     WM_QS_ONE);
    /* the same code again: a conflict the caller handles, and the transaction goes on */
    assert_int_equal(db->ops->org_insert(db, root, "unit", "乙", "U1", "企业", 1, &dup),
                     WM_QS_CONFLICT);
    assert_true(db->ops->in_tx(db));
    json_t *o = db->ops->org_get_by_code(db, "U1");
    assert_non_null(o);
    assert_string_equal(json_string_value(json_object_get(o, "name")), "甲");
    json_decref(o);
    assert_int_equal(db->ops->commit(db), WM_QS_ONE);
    assert_false(db->ops->in_tx(db));
    o = db->ops->org_get(db, unit);
    assert_non_null(o);
    assert_string_equal(json_string_value(json_object_get(o, "path")), "/1/2/");
    json_decref(o);

    /* any other failure aborts the transaction: later statements and the commit fail */
    assert_int_equal(db->ops->begin(db, true), WM_QS_ONE);
    assert_int_equal(db->ops->org_update(db, unit, "丙", NULL, NULL), WM_QS_ONE);
    assert_int_equal(db->ops->login_fail_add(db, NULL, 1), WM_QS_CONFLICT); /* NOT NULL */
    assert_null(db->ops->org_get(db, unit));
    assert_true(wm_db_failed(db));
    assert_int_not_equal(db->ops->commit(db), WM_QS_ONE);
    db->ops->rollback(db);
    assert_false(db->ops->in_tx(db));
    o = db->ops->org_get(db, unit);
    assert_non_null(o);
    assert_string_equal(json_string_value(json_object_get(o, "name")), "甲"); /* rolled back */
    json_decref(o);
    assert_false(wm_db_failed(db));
    db->ops->close(db);
    tdb_drop(&t);
}

/* A transaction that lost a race (here: a lock it waited for too long) reads as lost to
** the end, so the caller's retry loop runs it again: the statements PostgreSQL refuses
** after it (25P02) and the commit answer SOFT, not HARD. */
static void
test_lost_race_stays_soft(void **state)
{
    (void)state;
    struct tdb t;
    tdb_make(&t);
    struct wm_db *a = open_migrated(t.conninfo, "/nonexistent");
    struct wm_db *b = open_migrated(t.conninfo, "/nonexistent");
    int64_t root = 0;
    assert_int_equal(a->ops->org_insert(a, 0, "office", "市文明办", NULL, NULL, 1, &root),
                     WM_QS_ONE);
    assert_int_equal(a->ops->begin(a, true), WM_QS_ONE);
    char hash[65];
    assert_int_equal(a->ops->audit_last_hash(a, hash), WM_QS_ONE); /* holds the head */
    assert_int_equal(b->ops->begin(b, true), WM_QS_ONE);
    assert_int_equal(pg_simple((struct pg_db *)b, "SET LOCAL lock_timeout = '100ms'"),
                     WM_QS_ONE);
    assert_int_equal(b->ops->audit_last_hash(b, hash), WM_QS_SOFT);
    assert_null(b->ops->org_get(b, root));
    assert_int_equal(b->status, WM_QS_SOFT);
    assert_int_equal(b->ops->commit(b), WM_QS_SOFT);
    b->ops->rollback(b);
    a->ops->rollback(a);
    /* the next transaction starts clean */
    assert_int_equal(b->ops->begin(b, true), WM_QS_ONE);
    assert_int_equal(b->ops->audit_last_hash(b, hash), WM_QS_ONE);
    assert_int_equal(b->ops->commit(b), WM_QS_ONE);
    a->ops->close(a);
    b->ops->close(b);
    tdb_drop(&t);
}

static const struct wm_actor actor = {.p = NULL, .request_id = "smoke", .addr = "-"};

/* A SQLite store with a little of everything, and an org moved under a newer office. */
static void
fill_sqlite(struct wm_db *db)
{
    int64_t root, a, b, unit, uid, tok, fw, ed, arch, doc, serial, n;
    assert_int_equal(db->ops->begin(db, true), WM_QS_ONE);
    assert_int_equal(db->ops->org_insert(db, 0, "office", "市文明办", NULL, NULL, 1, &root),
                     WM_QS_ONE);
    assert_int_equal(db->ops->org_insert(db, root, "office", "甲区", NULL, NULL, 2, &a),
                     WM_QS_ONE);
    assert_int_equal(db->ops->org_insert(db, a, "unit", "单位\t一\n", "U1", "企业", 3, &unit),
                     WM_QS_ONE);
    assert_int_equal(db->ops->org_insert(db, root, "office", "乙区", NULL, NULL, 4, &b),
                     WM_QS_ONE);
    assert_int_equal(db->ops->org_move(db, unit, b), WM_QS_ONE); /* under a larger id */
    assert_int_equal(db->ops->user_insert(db, "admin", "管理员", "h\\x", "admin", root, 0, true,
                                          5, &uid),
                     WM_QS_ONE);
    assert_int_equal(db->ops->token_insert(db, uid, "t", "hash1", 6, &tok), WM_QS_ONE);
    assert_int_equal(db->ops->fw_insert(db, root, "测评体系", 7, &fw), WM_QS_ONE);
    assert_int_equal(db->ops->edition_insert(db, fw, "2026", NULL, "{}", 1, 100, uid, 8, &ed),
                     WM_QS_ONE);
    struct wm_ind_row ind = {.code = "B.1", .seq = 1, .depth = 1, .leaf = true, .title = "叶",
                             .has_score = true, .score = 100, .min_documents = -1};
    assert_int_equal(db->ops->ind_insert(db, ed, &ind), WM_QS_ONE);
    assert_int_equal(db->ops->edition_publish(db, ed, 9), WM_QS_ONE);
    assert_int_equal(db->ops->archive_insert(db, unit, 2026, ed, 10, &arch), WM_QS_ONE);
    struct wm_doc_meta m = {.title = "文件", .media = "text"};
    assert_int_equal(db->ops->doc_insert(db, arch, "B.1", &m, uid, 11, &doc, &serial), WM_QS_ONE);
    char sha[65];
    memset(sha, 'a', 64);
    sha[64] = '\0';
    assert_int_equal(db->ops->blob_upsert(db, sha, 3, "application/pdf", 11), WM_QS_ONE);
    assert_int_equal(db->ops->version_insert(db, doc, sha, "f.pdf", uid, 11, &n), WM_QS_ONE);
    /* a guidance conversation with an attachment and a read marker (0009) */
    int64_t g, msg;
    assert_int_equal(db->ops->guidance_upsert(db, arch, "B.1", 12, &g), WM_QS_ONE);
    assert_int_equal(db->ops->guidance_msg_insert(db, g, uid, "office", "请补充\n照片", sha,
                                                  "整改说明（第2版）.pdf", 12, &msg),
                     WM_QS_ONE);
    assert_int_equal(db->ops->guidance_read_set(db, g, uid, msg), WM_QS_ONE);
    json_t *after = json_pack("{s:s}", "name", "单位");
    assert_int_equal(wm_audit(db, &actor, "unit.create", "org", unit, "/1/4/3/", NULL, after),
                     WM_OK);
    json_decref(after);
    assert_int_equal(wm_audit(db, &actor, "document.create", "document", doc, "/1/4/3/", NULL,
                              NULL),
                     WM_OK);
    assert_int_equal(db->ops->commit(db), WM_QS_ONE);
}

static void
test_store_copy(void **state)
{
    (void)state;
    char dir[64], err[512];
    tdir_make(dir, sizeof dir, "pgcopy");
    struct tdb t;
    tdb_make(&t);
    if (!pg_schema_current(&t)) {
        tdb_drop(&t);
        tdir_remove(dir);
        printf("the PostgreSQL migrations stop before schema %d: store copy not tested\n",
               WM_DB_SCHEMA_VERSION);
        skip();
    }
    tdb_drop(&t);
    tdb_make(&t);
    struct wm_db *src = open_migrated("sqlite", dir);
    assert_int_equal(src->ops->schema_version(src), WM_DB_SCHEMA_VERSION);
    fill_sqlite(src);
    struct wm_db *dst = wm_db_open(t.conninfo, dir, false, err, sizeof err);
    assert_non_null(dst);
    json_t *counts = NULL;
    assert_int_equal(wm_store_copy(src, dst, NULL, NULL, &counts, err, sizeof err), 0);
    assert_true(dst->ops->in_tx(dst));
    int64_t n = 0;
    char why[256];
    assert_int_equal(wm_audit_verify(dst, &n, why, sizeof why), 0);
    assert_int_equal(n, 2);
    assert_int_equal(dst->ops->commit(dst), WM_QS_ONE);
    size_t i;
    json_t *c;
    bool saw_org = false;
    json_array_foreach(counts, i, c)
    {
        json_int_t s = json_integer_value(json_object_get(c, "source"));
        assert_int_equal(s, json_integer_value(json_object_get(c, "target")));
        if (wm_streq(json_string_value(json_object_get(c, "table")), "org")) {
            assert_int_equal(s, 4);
            saw_org = true;
        }
    }
    assert_true(saw_org);
    json_decref(counts);
    /* the same rows, ids and text (tabs, newlines, backslashes) */
    json_t *o = dst->ops->org_get_by_code(dst, "U1");
    assert_non_null(o);
    assert_int_equal(json_integer_value(json_object_get(o, "id")), 3);
    assert_string_equal(json_string_value(json_object_get(o, "name")), "单位\t一\n");
    assert_string_equal(json_string_value(json_object_get(o, "path")), "/1/4/3/");
    json_decref(o);
    o = dst->ops->user_get_auth(dst, "admin");
    assert_string_equal(json_string_value(json_object_get(o, "pwhash")), "h\\x");
    json_decref(o);
    o = dst->ops->guidance_get(dst, 1, "B.1");
    assert_non_null(o);
    json_t *msgs = dst->ops->guidance_messages(dst, json_integer_value(json_object_get(o, "id")));
    assert_int_equal(json_array_size(msgs), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(msgs, 0), "filename")),
                        "整改说明（第2版）.pdf");
    assert_int_equal(dst->ops->guidance_read_get(dst, json_integer_value(json_object_get(o, "id")),
                                                 1),
                     json_integer_value(json_object_get(json_array_get(msgs, 0), "id")));
    json_decref(msgs);
    json_decref(o);
    /* new rows continue after the copied ids; the chain continues */
    int64_t id = 0, serial = 0;
    assert_int_equal(dst->ops->begin(dst, true), WM_QS_ONE);
    assert_int_equal(dst->ops->org_insert(dst, 1, "office", "丙区", NULL, NULL, 20, &id),
                     WM_QS_ONE);
    assert_int_equal(id, 5);
    struct wm_doc_meta m = {.title = "文件二", .media = "photo"};
    assert_int_equal(dst->ops->doc_insert(dst, 1, "B.1", &m, 0, 21, &id, &serial), WM_QS_ONE);
    assert_int_equal(id, 2);
    assert_int_equal(serial, 2);
    assert_int_equal(wm_audit(dst, &actor, "org.create", "org", 5, "/1/5/", NULL, NULL), WM_OK);
    assert_int_equal(dst->ops->commit(dst), WM_QS_ONE);
    assert_int_equal(wm_audit_verify(dst, &n, why, sizeof why), 0);
    assert_int_equal(n, 3);
    /* a second copy into the same database is refused, and changes nothing */
    assert_int_equal(wm_store_copy(src, dst, NULL, NULL, &counts, err, sizeof err), -1);
    assert_non_null(strstr(err, "not empty"));
    dst->ops->rollback(dst);
    assert_int_equal(dst->ops->org_count(dst, NULL, NULL, NULL), 5);
    dst->ops->close(dst);
    tdb_drop(&t);
    /* a database that holds something else is refused before anything is created */
    tdb_make(&t);
    dst = wm_db_open(t.conninfo, dir, false, err, sizeof err);
    assert_non_null(dst);
    struct pg_db *p = (struct pg_db *)dst;
    assert_int_equal(pg_simple(p, "CREATE TABLE other (x integer)"), WM_QS_ONE);
    assert_int_equal(wm_store_copy(src, dst, NULL, NULL, &counts, err, sizeof err), -1);
    assert_non_null(strstr(err, "not empty"));
    dst->ops->rollback(dst);
    assert_int_equal(dst->ops->schema_version(dst), 0);
    dst->ops->close(dst);
    tdb_drop(&t);
    src->ops->close(src);
    tdir_remove(dir);
}


/* ---------------------------------------------------------------- the change listener */

static const char scratch_insert[] = "INSERT INTO wm_scratch(n) VALUES ($1)";

/* One write transaction through the store's path (its commit sends NOTIFY wm_change). */
static void
scratch_tx(struct wm_db *db, int64_t n)
{
    struct pg_db *p = (struct pg_db *)db;
    assert_int_equal(db->ops->begin(db, true), WM_QS_ONE);
    assert_int_equal(pg_exec(p, pg_q(p, scratch_insert, "i", n)), WM_QS_ONE);
    assert_int_equal(db->ops->commit(db), WM_QS_ONE);
}

/* The client backends connected to database name (any of them is this process's). */
static int64_t
backends(const char *name, const char *extra)
{
    char sql[512];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM pg_stat_activity WHERE datname = '%s' "
             "AND backend_type = 'client backend'%s",
             name, extra);
    return admin_int(sql);
}

/* B hears A's commit at once (same process) and another server's commit (a plain libpq
** connection: not one of this process's) within a bounded wait. */
static void
test_listener_generation(void **state)
{
    (void)state;
    struct tdb t;
    tdb_make(&t);
    struct wm_db *a = open_migrated(t.conninfo, "/nonexistent");
    char err[512];
    struct wm_db *b = wm_db_open(t.conninfo, "/nonexistent", false, err, sizeof err);
    assert_non_null(b);
    assert_int_equal(pg_simple((struct pg_db *)a, "CREATE TABLE wm_scratch (n bigint)"),
                     WM_QS_ONE);
    int64_t g0 = 0, g = 0, again = 0;
    assert_true(b->ops->generation(b, &g0));
    /* nothing happened: the same value */
    assert_true(b->ops->generation(b, &again));
    assert_int_equal(again, g0);
    scratch_tx(a, 1);
    assert_true(b->ops->generation(b, &g));
    assert_true(g > g0); /* a commit of this process moves every connection's at once */
    assert_true(a->ops->generation(a, &again));
    /* another server's commit: its notification reaches the listener */
    PGconn *other = PQconnectdb(t.conninfo);
    assert_int_equal(PQstatus(other), CONNECTION_OK);
    PGresult *r =
        PQexec(other, "BEGIN; INSERT INTO wm_scratch(n) VALUES (2); NOTIFY wm_change; COMMIT");
    assert_int_equal(PQresultStatus(r), PGRES_COMMAND_OK);
    PQclear(r);
    int64_t g1 = g;
    for (int i = 0; i < 400 && g1 == g; i++) {
        nap_ms(5);
        assert_true(b->ops->generation(b, &g1));
    }
    assert_true(g1 > g);
    int64_t ga = 0;
    assert_true(a->ops->generation(a, &ga));
    assert_true(ga > again);
    PQfinish(other);
    a->ops->close(a);
    b->ops->close(b);
    tdb_drop(&t);
}

/* A connection that stays idle while another commits 20000 write transactions: its
** backend must not block writing notifications to it (ClientWrite), which would make
** every DROP DATABASE ... WITH (FORCE) of the cluster wait for ever. */
static void
test_idle_connection_blocks_nothing(void **state)
{
    (void)state;
    struct tdb t, other;
    tdb_make(&t);
    tdb_make(&other);
    struct wm_db *w = open_migrated(t.conninfo, "/nonexistent");
    char err[512];
    struct wm_db *idle = wm_db_open(t.conninfo, "/nonexistent", false, err, sizeof err);
    assert_non_null(idle);
    struct pg_db *p = (struct pg_db *)w;
    assert_int_equal(pg_simple(p, "CREATE TABLE wm_scratch (n bigint)"), WM_QS_ONE);
    assert_int_equal(pg_simple(p, "SET synchronous_commit = off"), WM_QS_ONE);
    int64_t g0 = 0, g = 0;
    assert_true(idle->ops->generation(idle, &g0));
    for (int64_t i = 0; i < 20000; i++) {
        scratch_tx(w, i);
    }
    /* no backend of that database waits on its client (the listener catches up) */
    int64_t stuck = 1;
    for (int i = 0; i < 100 && stuck; i++) {
        stuck = backends(t.name, " AND wait_event = 'ClientWrite'");
        if (stuck) {
            nap_ms(50);
        }
    }
    assert_int_equal(stuck, 0);
    /* and a forced drop of another database completes (bounded: it fails, not hangs) */
    PGconn *c = PQconnectdb(server);
    assert_int_equal(PQstatus(c), CONNECTION_OK);
    PGresult *r = PQexec(c, "SET statement_timeout = '20s'");
    assert_int_equal(PQresultStatus(r), PGRES_COMMAND_OK);
    PQclear(r);
    char sql[128];
    snprintf(sql, sizeof sql, "DROP DATABASE %s WITH (FORCE)", other.name);
    r = PQexec(c, sql);
    if (PGRES_COMMAND_OK != PQresultStatus(r)) {
        fprintf(stderr, "%s: %s", sql, PQerrorMessage(c));
    }
    assert_int_equal(PQresultStatus(r), PGRES_COMMAND_OK);
    PQclear(r);
    PQfinish(c);
    /* the idle connection still knows that everything changed */
    assert_true(idle->ops->generation(idle, &g));
    assert_true(g >= g0 + 20000);
    assert_int_equal(pg_int((struct pg_db *)idle,
                            pg_q((struct pg_db *)idle, "SELECT count(*) FROM wm_scratch", NULL),
                            -1),
                     20000);
    w->ops->close(w);
    idle->ops->close(idle);
    tdb_drop(&t);
}

/* One listener per process and database, and none once the last connection closed (a
** test's database is dropped right after). */
static void
test_listener_stops(void **state)
{
    (void)state;
    struct tdb t;
    tdb_make(&t);
    char err[512];
    struct wm_db *a = wm_db_open(t.conninfo, "/nonexistent", false, err, sizeof err);
    assert_non_null(a);
    struct wm_db *b = wm_db_open(t.conninfo, "/nonexistent", false, err, sizeof err);
    assert_non_null(b);
    const char *listener = " AND application_name = 'wenming listener'";
    assert_int_equal(backends(t.name, ""), 3);
    assert_int_equal(backends(t.name, listener), 1);
    a->ops->close(a);
    assert_int_equal(backends(t.name, listener), 1); /* b still has it */
    int64_t g = 0;
    assert_true(b->ops->generation(b, &g));
    b->ops->close(b);
    int64_t left = 1;
    for (int i = 0; i < 200 && left; i++) {
        left = backends(t.name, "");
        if (left) {
            nap_ms(10);
        }
    }
    assert_int_equal(left, 0);
    /* a new connection starts a new listener */
    a = wm_db_open(t.conninfo, "/nonexistent", false, err, sizeof err);
    assert_non_null(a);
    assert_int_equal(backends(t.name, listener), 1);
    a->ops->close(a);
    tdb_drop(&t);
}

/* The listener's connection ended by the server: the generation moves (changes may have
** been missed), the listener connects again and hears another server's commits again. */
static void
test_listener_reconnects(void **state)
{
    (void)state;
    struct tdb t;
    tdb_make(&t);
    struct wm_db *a = open_migrated(t.conninfo, "/nonexistent");
    assert_int_equal(pg_simple((struct pg_db *)a, "CREATE TABLE wm_scratch (n bigint)"),
                     WM_QS_ONE);
    int64_t g0 = 0, g = 0;
    assert_true(a->ops->generation(a, &g0));
    char sql[512];
    snprintf(sql, sizeof sql,
             "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
             "WHERE datname = '%s' AND application_name = 'wenming listener'",
             t.name);
    assert_int_equal(admin_int(sql), 1);
    g = g0;
    for (int i = 0; i < 400 && g == g0; i++) {
        nap_ms(5);
        assert_true(a->ops->generation(a, &g));
    }
    assert_true(g > g0);
    /* a new listener backend, and it hears again */
    int64_t up = 0;
    for (int i = 0; i < 400 && 1 != up; i++) {
        up = backends(t.name, " AND application_name = 'wenming listener'");
        if (1 != up) {
            nap_ms(10);
        }
    }
    assert_int_equal(up, 1);
    int64_t g1 = 0, g2 = -1;
    for (int i = 0; i < 400 && g1 != g2; i++) { /* steady again once it listens */
        assert_true(a->ops->generation(a, &g1));
        nap_ms(5);
        assert_true(a->ops->generation(a, &g2));
    }
    assert_int_equal(g1, g2);
    PGconn *other = PQconnectdb(t.conninfo);
    assert_int_equal(PQstatus(other), CONNECTION_OK);
    PGresult *r =
        PQexec(other, "BEGIN; INSERT INTO wm_scratch(n) VALUES (1); NOTIFY wm_change; COMMIT");
    assert_int_equal(PQresultStatus(r), PGRES_COMMAND_OK);
    PQclear(r);
    for (int i = 0; i < 400 && g2 == g1; i++) {
        nap_ms(5);
        assert_true(a->ops->generation(a, &g2));
    }
    assert_true(g2 > g1);
    PQfinish(other);
    a->ops->close(a);
    tdb_drop(&t);
}

int
main(void)
{
    server = getenv("WM_TEST_PG");
    if (NULL == server || '\0' == server[0]) {
        printf("WM_TEST_PG is not set: no PostgreSQL server to test against, skipped\n");
        return 77;
    }
    wm_log_set_level(WM_LOG_ERROR);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_statement_table_grows),
        cmocka_unit_test(test_conflict_inside_transaction),
        cmocka_unit_test(test_lost_race_stays_soft),
        cmocka_unit_test(test_store_copy),
        cmocka_unit_test(test_listener_generation),
        cmocka_unit_test(test_idle_connection_blocks_nothing),
        cmocka_unit_test(test_listener_stops),
        cmocka_unit_test(test_listener_reconnects),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* end of test_pg_smoke.c */
