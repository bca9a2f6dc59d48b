/*
** test_sqlite.c — internals of the SQLite backend that the store conformance suite cannot
** see: the prepared-statement cache holds any number of statements (it used to panic the
** server at 128) and finds each again by its SQL text's address; the status of the last
** statement tells a failure from "no row".
*/
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include <cmocka.h>

#include "tdir.h"
#include "sq_helper.h"

#define NSQL 1000

static char sqls[NSQL][40];

static void
test_statement_cache_grows(void **state)
{
    (void)state;
    char dir[64], err[256];
    tdir_make(dir, sizeof dir, "sqlite");
    struct wm_db *db = wm_db_open("sqlite", dir, true, err, sizeof err);
    assert_non_null(db);
    struct sq_db *s = (struct sq_db *)db;
    sqlite3_stmt *first[NSQL];
    for (int i = 0; i < NSQL; i++) {
        snprintf(sqls[i], sizeof sqls[i], "SELECT %d + ?1", i);
        first[i] = sq_prep(s, sqls[i], "i", (int64_t)1);
        assert_non_null(first[i]);
        assert_int_equal(sq_int(s, first[i], -1), i + 1);
    }
    assert_int_equal(s->ncache, NSQL);
    /* each text finds its own statement again, with fresh bindings */
    for (int i = 0; i < NSQL; i++) {
        sqlite3_stmt *st = sq_prep(s, sqls[i], "i", (int64_t)2);
        assert_ptr_equal(st, first[i]);
        assert_int_equal(sq_int(s, st, -1), i + 2);
    }
    assert_int_equal(s->ncache, NSQL);
    db->ops->close(db);
    tdir_remove(dir);
}

static void
test_status_tells_failure_from_no_row(void **state)
{
    (void)state;
    char dir[64], err[256];
    tdir_make(dir, sizeof dir, "sqlite");
    struct wm_db *db = wm_db_open(NULL, dir, true, err, sizeof err);
    assert_non_null(db);
    int from, to;
    assert_int_equal(db->ops->migrate(db, &from, &to), WM_QS_ONE);
    assert_int_equal(to, WM_DB_SCHEMA_VERSION);
    /* no such row: NULL, and not a failure */
    assert_null(db->ops->org_get(db, 4242));
    assert_false(wm_db_failed(db));
    /* the table is gone: NULL, and a failure */
    struct sq_db *s = (struct sq_db *)db;
    assert_int_equal(sqlite3_exec(s->h, "PRAGMA foreign_keys=OFF; DROP TABLE org", NULL, NULL,
                                  NULL),
                     SQLITE_OK);
    assert_null(db->ops->org_get_by_code(db, "X"));
    assert_true(wm_db_failed(db));
    db->ops->close(db);
    tdir_remove(dir);
}

/* The generation asks SQLite (a read transaction) only when the WAL index header moved:
** repeated asks with no commit in between run no pragma, and a commit by another process,
** a write outside a transaction included, moves the generation at the next ask. */
static void
test_generation_fast_path(void **state)
{
    (void)state;
    char dir[64], err[256];
    tdir_make(dir, sizeof dir, "sqlite");
    struct wm_db *db = wm_db_open(NULL, dir, true, err, sizeof err);
    assert_non_null(db);
    int from, to;
    assert_int_equal(db->ops->migrate(db, &from, &to), WM_QS_ONE);
    struct sq_db *s = (struct sq_db *)db;
    int64_t g0 = 0, g = 0;
    for (int i = 0; i < 3; i++) {
        assert_true(db->ops->generation(db, &g0));
    }
    assert_true(s->gen_known); /* the WAL index is mapped */
    uint64_t ran = s->gen_pragmas;
    for (int i = 0; i < 1000; i++) {
        assert_true(db->ops->generation(db, &g));
        assert_int_equal(g, g0);
    }
    json_decref(db->ops->org_get(db, 1)); /* a read moves nothing */
    assert_true(db->ops->generation(db, &g));
    assert_int_equal(g, g0);
    assert_int_equal(s->gen_pragmas, ran);
    /* other processes write: a transaction, then a single statement */
    for (int round = 0; round < 2; round++) {
        fflush(NULL);
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (0 == pid) {
            struct wm_db *o = wm_db_open(NULL, dir, false, err, sizeof err);
            int64_t id = 0;
            bool ok = o && (0 == round ? WM_QS_ONE == o->ops->begin(o, true) : true) &&
                      WM_QS_ONE == o->ops->login_fail_add(o, round ? "b" : "a", 1) &&
                      (0 == round ? WM_QS_ONE == o->ops->commit(o) : true);
            (void)id;
            _exit(ok ? 0 : 1);
        }
        int st = 0;
        assert_int_equal(waitpid(pid, &st, 0), pid);
        assert_true(WIFEXITED(st) && 0 == WEXITSTATUS(st));
        assert_true(db->ops->generation(db, &g));
        assert_int_not_equal(g, g0);
        assert_true(s->gen_pragmas > ran);
        g0 = g;
        ran = s->gen_pragmas;
        assert_true(db->ops->generation(db, &g));
        assert_int_equal(g, g0);
        assert_int_equal(s->gen_pragmas, ran);
    }
    /* this connection's own write */
    assert_int_equal(db->ops->login_fail_add(db, "c", 1), WM_QS_ONE);
    assert_true(db->ops->generation(db, &g));
    assert_int_not_equal(g, g0);
    db->ops->close(db);
    tdir_remove(dir);
}

int
main(void)
{
    wm_log_set_level(WM_LOG_ERROR);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_statement_cache_grows),
        cmocka_unit_test(test_status_tells_failure_from_no_row),
        cmocka_unit_test(test_generation_fast_path),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* end of test_sqlite.c */
