/*
** pgdb.h — throwaway PostgreSQL databases for the tests (header only, libpq).
**
** The server comes from the environment variable WM_TEST_PG (a libpq connection string of
** a database the tests may CREATE DATABASE from; scripts/run-tests.sh starts one with
** scripts/pg-cluster.sh).  pgdb_create() makes a fresh, empty database
** wm_test_<pid>_<n> and gives its connection string (WM_TEST_PG with dbname replaced);
** pgdb_drop() removes it again, ending the sessions still connected to it first (a server
** that was killed leaves none, a test that failed midway may).
**
** Every function returns 0 on success and -1 with a message on stderr otherwise.  Not
** thread-safe (the counter): call from the test's main thread.
*/
#ifndef WM_PGDB_H
#define WM_PGDB_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpq-fe.h>

/* The server's connection string, NULL when the PostgreSQL tests must skip. */
static inline const char *
pgdb_server(void)
{
    const char *s = getenv("WM_TEST_PG");
    return s && *s ? s : NULL;
}

/* conninfo with its database replaced by dbname, into out.  A URI gets a dbname query
** parameter (which libpq lets override the path), the keyword form a trailing dbname=. */
static inline int
pgdb_conninfo_for(const char *conninfo, const char *dbname, char *out, size_t outlen)
{
    int n;
    if (0 == strncmp(conninfo, "postgresql://", 13) || 0 == strncmp(conninfo, "postgres://", 11)) {
        n = snprintf(out, outlen, "%s%cdbname=%s", conninfo, strchr(conninfo, '?') ? '&' : '?',
                     dbname);
    } else {
        n = snprintf(out, outlen, "%s dbname=%s", conninfo, dbname);
    }
    return n > 0 && (size_t)n < outlen ? 0 : -1;
}

/* Notices ("database ... does not exist, skipping") are not the tests' output. */
static inline void
pgdb_quiet(void *arg, const char *msg)
{
    (void)arg;
    (void)msg;
}

/* Run one statement on the server's maintenance database. */
static inline int
pgdb_admin_exec(const char *sql)
{
    const char *server = pgdb_server();
    if (NULL == server) {
        fprintf(stderr, "pgdb: WM_TEST_PG is not set\n");
        return -1;
    }
    PGconn *c = PQconnectdb(server);
    if (CONNECTION_OK != PQstatus(c)) {
        fprintf(stderr, "pgdb: cannot connect to %s: %s", server, PQerrorMessage(c));
        PQfinish(c);
        return -1;
    }
    PQsetNoticeProcessor(c, pgdb_quiet, NULL);
    PGresult *r = PQexec(c, sql);
    int rc = 0;
    if (PGRES_COMMAND_OK != PQresultStatus(r) && PGRES_TUPLES_OK != PQresultStatus(r)) {
        fprintf(stderr, "pgdb: %s: %s", sql, PQerrorMessage(c));
        rc = -1;
    }
    PQclear(r);
    PQfinish(c);
    return rc;
}

/* Make a fresh database; its name into dbname (>= 64 bytes), its conninfo into out. */
static inline int
pgdb_create(char *dbname, size_t dblen, char *out, size_t outlen)
{
    static unsigned pgdb_n;
    char sql[160];
    const char *server = pgdb_server();
    if (NULL == server) {
        return -1;
    }
    int n = snprintf(dbname, dblen, "wm_test_%ld_%u", (long)getpid(), ++pgdb_n);
    if (n <= 0 || (size_t)n >= dblen) {
        return -1;
    }
    snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", dbname);
    if (pgdb_admin_exec(sql)) {
        return -1;
    }
    snprintf(sql, sizeof sql,
             "CREATE DATABASE %s TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' "
             "LC_CTYPE 'C.UTF-8'",
             dbname);
    if (pgdb_admin_exec(sql)) {
        return -1;
    }
    return pgdb_conninfo_for(server, dbname, out, outlen);
}

/* Drop a database made by pgdb_create (ending its sessions). */
static inline int
pgdb_drop(const char *dbname)
{
    char sql[160];
    if (NULL == dbname || '\0' == dbname[0]) {
        return 0;
    }
    snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", dbname);
    return pgdb_admin_exec(sql);
}

/* Run sql on the database named by conninfo (the tests' way around the store). */
static inline int
pgdb_exec(const char *conninfo, const char *sql)
{
    PGconn *c = PQconnectdb(conninfo);
    int rc = 0;
    if (CONNECTION_OK != PQstatus(c)) {
        fprintf(stderr, "pgdb: cannot connect: %s", PQerrorMessage(c));
        PQfinish(c);
        return -1;
    }
    PGresult *r = PQexec(c, sql);
    if (PGRES_COMMAND_OK != PQresultStatus(r) && PGRES_TUPLES_OK != PQresultStatus(r)) {
        fprintf(stderr, "pgdb: %s: %s", sql, PQerrorMessage(c));
        rc = -1;
    }
    PQclear(r);
    PQfinish(c);
    return rc;
}

#endif /* WM_PGDB_H */
