/*
** test_jobs.c — the job queue over a real store: claiming in order, retries with
** exponential backoff, failing for good after max_attempts (and at once for a final
** error), the admin's retry (audited), lease takeover after a worker died, a lost lease,
** de-duplicated and scheduled jobs, a request while its key's job runs (one more run, after
** it), scopes, and two workers that never run one job twice.
** The clock is the test's (wm_jobs_set_clock), so no assertion waits on time.
**
** WM_TEST_STORE chooses the store as in test_store.c: unset or "sqlite" is a SQLite file
** in a scratch directory; "pg" is a fresh database on the PostgreSQL server named by
** WM_TEST_PG for every test (exit 77, skip, when that is unset; tests/pgdb.h).
*/
#include "config.h"

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../pgdb.h"
#include "tdir.h"

#include "wm_core.h"

static bool g_pg; /* PostgreSQL (else SQLite) */

struct fx {
    char dir[64];
    char dbname[64];  /* the PostgreSQL database of this test ("" on SQLite) */
    char store[1024]; /* what wm_db_open takes: "sqlite" or a conninfo */
    struct wm_db *db;
    struct wm_principal *admin, *office, *district, *unitadmin;
};

static int64_t clock_now = 1700000000;

static int64_t
test_now(void)
{
    return clock_now;
}

/* What the test handler does: fail with fail_with until attempt succeed_at. */
static enum wm_err fail_with = WM_OK;
static int64_t succeed_at = 1;
static int64_t ran[64];
static size_t nran;

static enum wm_err
run_counted(struct wm_db *db, struct wm_job *job, const json_t *payload, json_t **result,
         struct wm_fail *f)
{
    (void)db;
    assert_true(nran < 64);
    ran[nran++] = wm_job_id(job);
    int64_t attempt = json_integer_value(json_object_get(wm_job_row(job), "attempts"));
    assert_true(wm_job_progress(job, json_pack("{s:i}", "step", 1), true));
    if (WM_OK != fail_with && attempt < succeed_at) {
        *result = json_pack("{s:I}", "failed_at", (json_int_t)attempt); /* a report, kept */
        return wm_fail_set(f, fail_with, NULL, "attempt %lld failed", (long long)attempt);
    }
    *result = json_pack("{s:O}", "echo", json_object_get(payload, "n"));
    return WM_OK;
}

static const struct wm_job_kind test_kind = {
    .kind = "test", .run = run_counted, .max_attempts = 3, .backoff = 10, .backoff_max = 25};

static struct wm_principal *
load_user(struct wm_db *db, const char *name)
{
    json_t *u = db->ops->user_get_auth(db, name);
    assert_non_null(u);
    struct wm_principal *p = wm_principal_load(db, json_integer_value(json_object_get(u, "id")));
    json_decref(u);
    assert_non_null(p);
    return p;
}

static int
setup(void **state)
{
    struct fx *f = wm_calloc(1, sizeof *f);
    char err[256], *gen = NULL;
    tdir_make(f->dir, sizeof f->dir, "jobs");
    if (g_pg) {
        assert_int_equal(pgdb_create(f->dbname, sizeof f->dbname, f->store, sizeof f->store), 0);
    } else {
        snprintf(f->store, sizeof f->store, "sqlite");
    }
    wm_password_set_cost(1, 8 * 1024 * 1024);
    assert_int_equal(wm_init_data_dir(f->dir, f->store, "admin", "Admin-Pass1", &gen, err,
                                      sizeof err),
                     0);
    free(gen);
    f->db = wm_db_open(f->store, f->dir, false, err, sizeof err);
    assert_non_null(f->db);
    json_t *accounts = NULL;
    assert_int_equal(wm_demo_seed(f->db, &accounts, err, sizeof err), 0);
    json_decref(accounts);
    f->admin = load_user(f->db, "admin");
    f->office = load_user(f->db, "office");
    f->district = load_user(f->db, "district");
    f->unitadmin = load_user(f->db, "unitadmin");
    wm_jobs_reset();
    wm_jobs_register(&test_kind);
    wm_jobs_set_clock(test_now);
    wm_jobs_configure(60, 50);
    fail_with = WM_OK;
    succeed_at = 1;
    nran = 0;
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    struct fx *f = *state;
    wm_principal_free(f->admin);
    wm_principal_free(f->office);
    wm_principal_free(f->district);
    wm_principal_free(f->unitadmin);
    f->db->ops->close(f->db);
    if (g_pg) {
        (void)pgdb_drop(f->dbname);
    }
    tdir_remove(f->dir);
    free(f);
    wm_jobs_set_clock(NULL);
    return 0;
}

static int64_t
submit(struct fx *f, int n, const char *org_path, const char *key)
{
    struct wm_actor a = {.p = NULL, .request_id = "t"};
    struct wm_fail fl = {0};
    int64_t id = -1;
    json_t *p = json_pack("{s:i}", "n", n);
    assert_int_equal(wm_job_submit(f->db, &a, "test", p, org_path, key, &id, &fl), WM_OK);
    json_decref(p);
    return id;
}

static int64_t
submit_kind(struct fx *f, const char *kind, const char *key)
{
    struct wm_fail fl = {0};
    int64_t id = -1;
    struct wm_job_in in = {.kind = kind, .dedupe_key = key};
    assert_int_equal(wm_job_submit_in(f->db, NULL, &in, &id, &fl), WM_OK);
    return id;
}

static json_t *
job(struct fx *f, int64_t id)
{
    json_t *j = f->db->ops->job_get(f->db, id);
    assert_non_null(j);
    return j;
}

static const char *
state_of(json_t *j)
{
    return json_string_value(json_object_get(j, "state"));
}

static int64_t
int_of(json_t *j, const char *k)
{
    return json_integer_value(json_object_get(j, k));
}

/* Claims go oldest first, only due jobs, only of registered kinds; results are kept. */
static void
test_claim_order(void **state)
{
    struct fx *f = *state;
    int64_t a = submit(f, 1, NULL, NULL), b = submit(f, 2, NULL, NULL);
    struct wm_job_in later = {.kind = "test", .payload = "{\"n\":3}", .run_after = clock_now + 100};
    struct wm_job_in other = {.kind = "unknown", .payload = "{}"};
    int64_t c, d;
    struct wm_fail fl = {0};
    assert_int_equal(wm_job_submit_in(f->db, NULL, &later, &c, &fl), WM_OK);
    assert_int_equal(wm_job_submit_in(f->db, NULL, &other, &d, &fl), WM_OK);
    assert_true(wm_jobs_run_one(f->db, "w1"));
    assert_true(wm_jobs_run_one(f->db, "w1"));
    assert_false(wm_jobs_run_one(f->db, "w1")); /* c is not due, d has no handler here */
    assert_int_equal(nran, 2);
    assert_int_equal(ran[0], a);
    assert_int_equal(ran[1], b);
    json_t *j = job(f, a);
    assert_string_equal(state_of(j), "done");
    assert_int_equal(int_of(j, "attempts"), 1);
    assert_string_equal(json_string_value(json_object_get(j, "result")), "{\"echo\":1}");
    assert_string_equal(json_string_value(json_object_get(j, "progress")), "{\"step\":1}");
    json_t *api = wm_job_api(j);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(api, "result"), "echo")), 1);
    assert_true(json_is_string(json_object_get(api, "created_at")));
    json_decref(api);
    json_decref(j);
    clock_now += 100;
    assert_true(wm_jobs_run_one(f->db, "w1"));
    assert_int_equal(ran[2], c);
    j = job(f, d);
    assert_string_equal(state_of(j), "queued");
    json_decref(j);
}

/* A failing job is retried after 10, 20, then fails for good at max_attempts (3) with its
** reason; the admin's retry queues it again with the attempts reset, audited. */
static void
test_retry_backoff(void **state)
{
    struct fx *f = *state;
    fail_with = WM_E_INTERNAL;
    succeed_at = 99;
    int64_t id = submit(f, 7, NULL, NULL);
    int64_t t0 = clock_now;
    assert_true(wm_jobs_run_one(f->db, "w1"));
    json_t *j = job(f, id);
    assert_string_equal(state_of(j), "queued");
    assert_int_equal(int_of(j, "attempts"), 1);
    assert_int_equal(int_of(j, "run_after"), t0 + 10);
    assert_string_equal(json_string_value(json_object_get(j, "last_error")), "attempt 1 failed");
    json_decref(j);
    clock_now = t0 + 9;
    assert_false(wm_jobs_run_one(f->db, "w1"));
    clock_now = t0 + 10;
    assert_true(wm_jobs_run_one(f->db, "w1"));
    j = job(f, id);
    assert_string_equal(state_of(j), "queued");
    assert_int_equal(int_of(j, "run_after"), t0 + 10 + 20);
    json_decref(j);
    clock_now = t0 + 30;
    assert_true(wm_jobs_run_one(f->db, "w2"));
    j = job(f, id);
    assert_string_equal(state_of(j), "failed");
    assert_int_equal(int_of(j, "attempts"), 3);
    assert_string_equal(json_string_value(json_object_get(j, "last_error")), "attempt 3 failed");
    json_decref(j);
    clock_now += 1000;
    assert_false(wm_jobs_run_one(f->db, "w1"));

    /* retry: not by a unit admin, by the admin; not twice */
    struct wm_actor ua = {.p = f->unitadmin, .request_id = "t"};
    struct wm_actor ad = {.p = f->admin, .request_id = "t"};
    struct wm_fail fl = {0};
    assert_int_equal(wm_job_retry(f->db, &ua, id, &fl), WM_E_FORBIDDEN);
    assert_int_equal(wm_job_retry(f->db, &ad, id, &fl), WM_OK);
    assert_int_equal(wm_job_retry(f->db, &ad, id, &fl), WM_E_CONFLICT);
    assert_int_equal(wm_job_retry(f->db, &ad, 9999, &fl), WM_E_NOT_FOUND);
    j = job(f, id);
    assert_string_equal(state_of(j), "queued");
    assert_int_equal(int_of(j, "attempts"), 0);
    json_decref(j);
    struct wm_page pg = {.limit = 5};
    struct wm_audit_filter af = {.action = "job.retry"};
    json_t *audit = f->db->ops->audit_list(f->db, &pg, &af);
    assert_int_equal(json_array_size(audit), 1);
    assert_int_equal(int_of(json_array_get(audit, 0), "object_id"), id);
    json_decref(audit);
    int64_t n = 0;
    assert_int_equal(wm_audit_verify(f->db, &n, (char[64]){0}, 64), 0);
    succeed_at = 1;
    assert_true(wm_jobs_run_one(f->db, "w1"));
    j = job(f, id);
    assert_string_equal(state_of(j), "done");
    json_decref(j);
}

/* An error retrying cannot mend (bad request) fails the job at its first attempt, with its
** reason and the result the handler gave (a refused import's report). */
static void
test_final_error(void **state)
{
    struct fx *f = *state;
    fail_with = WM_E_BAD_REQUEST;
    succeed_at = 99;
    int64_t id = submit(f, 1, NULL, NULL);
    assert_true(wm_jobs_run_one(f->db, "w1"));
    json_t *j = job(f, id);
    assert_string_equal(state_of(j), "failed");
    assert_int_equal(int_of(j, "attempts"), 1);
    assert_string_equal(json_string_value(json_object_get(j, "last_error")), "attempt 1 failed");
    assert_string_equal(json_string_value(json_object_get(j, "result")), "{\"failed_at\":1}");
    json_decref(j);
}

/* A worker that died holding a job: after its lease another worker takes the job over;
** the dead worker's late writes change nothing. */
static void
test_lease_takeover(void **state)
{
    struct fx *f = *state;
    int64_t id = submit(f, 5, NULL, NULL);
    assert_int_equal(f->db->ops->begin(f->db, true), WM_QS_ONE);
    json_t *held = f->db->ops->job_claim(f->db, "dead", "test", clock_now, clock_now + 60);
    assert_int_equal(f->db->ops->commit(f->db), WM_QS_ONE);
    assert_non_null(held);
    assert_int_equal(int_of(held, "id"), id);
    json_decref(held);
    clock_now += 60;
    assert_false(wm_jobs_run_one(f->db, "alive")); /* the lease still holds at its end */
    assert_int_equal(f->db->ops->job_renew(f->db, id, "dead", clock_now + 60, clock_now),
                     WM_QS_ONE);
    clock_now += 61;
    assert_true(wm_jobs_run_one(f->db, "alive"));
    json_t *j = job(f, id);
    assert_string_equal(state_of(j), "done");
    assert_int_equal(int_of(j, "attempts"), 2);
    assert_string_equal(json_string_value(json_object_get(j, "worker")), "alive");
    json_decref(j);
    assert_int_equal(f->db->ops->job_finish(f->db, id, "dead", "{}", clock_now), WM_QS_NONE);
    assert_int_equal(f->db->ops->job_fail(f->db, id, "dead", "x", NULL, 0, clock_now), WM_QS_NONE);
    assert_int_equal(f->db->ops->job_renew(f->db, id, "dead", clock_now + 60, clock_now),
                     WM_QS_NONE);
    j = job(f, id);
    assert_string_equal(state_of(j), "done");
    json_decref(j);
}

/* A job taken over while its first worker still runs it: that worker's progress answers
** false and its end is dropped; the job belongs to the other. */
static struct fx *lost_fx;

static enum wm_err
run_lost(struct wm_db *db, struct wm_job *job, const json_t *payload, json_t **result,
         struct wm_fail *f)
{
    (void)db;
    (void)payload;
    (void)f;
    char err[256];
    struct wm_db *other = wm_db_open(lost_fx->store, lost_fx->dir, false, err, sizeof err);
    assert_non_null(other);
    clock_now += 61;
    assert_int_equal(other->ops->begin(other, true), WM_QS_ONE);
    json_t *row = other->ops->job_claim(other, "thief", NULL, clock_now, clock_now + 60);
    assert_int_equal(other->ops->commit(other), WM_QS_ONE);
    assert_non_null(row);
    assert_int_equal(int_of(row, "id"), wm_job_id(job));
    json_decref(row);
    other->ops->close(other);
    assert_false(wm_job_progress(job, json_pack("{s:i}", "step", 2), true));
    assert_true(wm_job_should_stop(job));
    *result = json_pack("{s:b}", "mine", 1);
    return WM_OK;
}

static void
test_lease_lost(void **state)
{
    struct fx *f = *state;
    lost_fx = f;
    const struct wm_job_kind k = {.kind = "lost", .run = run_lost};
    wm_jobs_register(&k);
    struct wm_job_in in = {.kind = "lost"};
    int64_t id;
    struct wm_fail fl = {0};
    assert_int_equal(wm_job_submit_in(f->db, NULL, &in, &id, &fl), WM_OK);
    assert_true(wm_jobs_run_one(f->db, "slow"));
    json_t *j = job(f, id);
    assert_string_equal(state_of(j), "running");
    assert_string_equal(json_string_value(json_object_get(j, "worker")), "thief");
    assert_true(json_is_null(json_object_get(j, "result")));
    json_decref(j);
}

/* A key makes one waiting job per kind; a failed one blocks only with unless_failed. A
** scheduled kind has one waiting run whatever the number of servers scheduling it. */
static enum wm_err
run_nothing(struct wm_db *db, struct wm_job *job, const json_t *payload, json_t **result,
            struct wm_fail *f)
{
    (void)db;
    (void)job;
    (void)payload;
    (void)result;
    (void)f;
    return WM_OK;
}

static void
test_dedupe_schedule(void **state)
{
    struct fx *f = *state;
    int64_t a = submit(f, 1, NULL, "k1");
    assert_true(a > 0);
    assert_int_equal(submit(f, 2, NULL, "k1"), 0);
    assert_true(submit(f, 3, NULL, "k2") > 0);
    fail_with = WM_E_BAD_REQUEST;
    succeed_at = 99;
    assert_true(wm_jobs_run_one(f->db, "w")); /* a fails for good */
    struct wm_job_in in = {.kind = "test", .dedupe_key = "k1", .unless_failed = true};
    int64_t id;
    struct wm_fail fl = {0};
    assert_int_equal(wm_job_submit_in(f->db, NULL, &in, &id, &fl), WM_OK);
    assert_int_equal(id, 0);
    in.unless_failed = false;
    assert_int_equal(wm_job_submit_in(f->db, NULL, &in, &id, &fl), WM_OK);
    assert_true(id > a);
    /* and the failed one cannot be retried while the new one waits */
    struct wm_actor ad = {.p = f->admin, .request_id = "t"};
    assert_int_equal(wm_job_retry(f->db, &ad, a, &fl), WM_E_CONFLICT);

    const struct wm_job_kind per = {.kind = "periodic", .run = run_nothing, .period = 3600};
    wm_jobs_register(&per);
    int64_t t0 = clock_now;
    wm_jobs_schedule(f->db);
    wm_jobs_schedule(f->db);
    struct wm_page pg = {.limit = 50, .kind = "periodic"};
    json_t *l = f->db->ops->job_list(f->db, NULL, &pg);
    assert_int_equal(json_array_size(l), 1);
    assert_int_equal(int_of(json_array_get(l, 0), "run_after"), t0 + 3600);
    json_decref(l);
    fail_with = WM_OK;
    clock_now = t0 + 3600;
    while (wm_jobs_run_one(f->db, "w")) {
    }
    clock_now = t0 + 3700;
    wm_jobs_schedule(f->db);
    l = f->db->ops->job_list(f->db, "queued", &pg);
    assert_int_equal(json_array_size(l), 1);
    assert_int_equal(int_of(json_array_get(l, 0), "run_after"), t0 + 3600 + 3600);
    json_decref(l);
}

/*
** The job-dedupe race: a request for a key whose job is running is one more run after it.
** The "record" is rec_value; the handler reads it first (as the plan job reads the plan)
** and "files" what it read.  On its first run the test changes the record and asks again
** (as a save of the plan does) while the job runs; a second worker on its own connection
** then finds nothing to claim (never two jobs of a key at once).  The change must be filed
** by a second run that starts after the first ended.
*/
static int rec_value;
static int rec_filed[8];
static size_t rec_runs;
static bool rec_running, rec_overlap;
static struct fx *rec_fx;
static struct wm_db *rec_other;
/* what the first run saw (asserted after it: not from inside the handler) */
static int64_t rec_again, rec_again2;
static bool rec_other_ran;
static char rec_again_state[16];

static enum wm_err
run_record(struct wm_db *db, struct wm_job *running_job, const json_t *payload,
           json_t **result, struct wm_fail *f)
{
    (void)db;
    (void)running_job;
    (void)payload;
    (void)result;
    (void)f;
    rec_overlap = rec_overlap || rec_running; /* never two runs of the key at once */
    rec_running = true;
    int seen = rec_value;
    if (0 == rec_runs) {
        rec_value = 2; /* saved while the job runs: a request of the key */
        struct wm_fail fl = {0};
        struct wm_job_in in = {.kind = "record", .dedupe_key = "rec:1"};
        if (WM_OK != wm_job_submit_in(rec_fx->db, NULL, &in, &rec_again, &fl) ||
            WM_OK != wm_job_submit_in(rec_fx->db, NULL, &in, &rec_again2, &fl)) {
            rec_again = rec_again2 = -1;
        }
        rec_other_ran = wm_jobs_run_one(rec_other, "w2");
        json_t *j = rec_again > 0 ? rec_fx->db->ops->job_get(rec_fx->db, rec_again) : NULL;
        snprintf(rec_again_state, sizeof rec_again_state, "%s", j ? state_of(j) : "");
        json_decref(j);
    }
    if (rec_runs < 8) {
        rec_filed[rec_runs++] = seen;
    }
    rec_running = false;
    return WM_OK;
}

static void
test_rerun_after_running(void **state)
{
    struct fx *f = *state;
    char err[256];
    rec_fx = f;
    rec_value = 1;
    rec_runs = 0;
    rec_running = rec_overlap = rec_other_ran = false;
    rec_again = rec_again2 = -1;
    rec_other = wm_db_open(f->store, f->dir, false, err, sizeof err);
    assert_non_null(rec_other);
    const struct wm_job_kind k = {.kind = "record", .run = run_record};
    wm_jobs_register(&k);
    int64_t first = submit_kind(f, "record", "rec:1");
    assert_true(first > 0);
    assert_true(wm_jobs_run_one(f->db, "w1"));
    assert_int_equal(rec_runs, 1);
    assert_int_equal(rec_filed[0], 1);
    assert_true(rec_again > first); /* a job of its own, not folded into the running one */
    assert_int_equal(rec_again2, 0);  /* asked again: that one, waiting */
    assert_false(rec_other_ran);      /* no one runs it while the first runs */
    assert_string_equal(rec_again_state, "queued");
    /* the first ended: the request that came while it ran runs now, and sees the change */
    assert_true(wm_jobs_run_one(rec_other, "w2"));
    assert_int_equal(rec_runs, 2);
    assert_int_equal(rec_filed[1], 2);
    assert_false(wm_jobs_run_one(f->db, "w1")); /* and nothing more */
    assert_false(rec_overlap);
    struct wm_page pg = {.limit = 50, .kind = "record"};
    json_t *l = f->db->ops->job_list(f->db, NULL, &pg);
    assert_int_equal(json_array_size(l), 2);
    for (size_t i = 0; i < 2; i++) {
        assert_string_equal(state_of(json_array_get(l, i)), "done");
    }
    json_decref(l);
    /* a scheduled kind is not queued again while its run runs (that run serves it) */
    struct wm_job_in in = {.kind = "record", .dedupe_key = "rec:2", .unless_running = true};
    int64_t id;
    struct wm_fail fl = {0};
    assert_int_equal(wm_job_submit_in(f->db, NULL, &in, &id, &fl), WM_OK);
    assert_true(id > 0);
    assert_true(f->db->ops->begin(f->db, true) == WM_QS_ONE);
    json_t *c = f->db->ops->job_claim(f->db, "w1", "record", clock_now, clock_now + 60);
    assert_int_equal(int_of(c, "id"), id);
    json_decref(c);
    assert_true(f->db->ops->commit(f->db) == WM_QS_ONE);
    assert_int_equal(wm_job_submit_in(f->db, NULL, &in, &id, &fl), WM_OK);
    assert_int_equal(id, 0);
    rec_other->ops->close(rec_other);
    rec_other = NULL;
}

/* A kind run at a time of day: queued for the next such moment after the last run. */
static int64_t
daily_at_7(int64_t last, int64_t now)
{
    return wm_notify_next_at(last > 0 ? last : now, 7, 0);
}

static void
test_time_of_day(void **state)
{
    struct fx *f = *state;
    const struct wm_job_kind daily = {.kind = "daily", .run = run_nothing,
                                      .next_run = daily_at_7};
    wm_jobs_register(&daily);
    /* 2026-12-02 23:00 UTC is 07:00 on the 3rd in Asia/Shanghai: the next is the 4th */
    clock_now = 1796252400;
    wm_jobs_schedule(f->db);
    wm_jobs_schedule(f->db);
    struct wm_page pg = {.limit = 50, .kind = "daily"};
    json_t *l = f->db->ops->job_list(f->db, NULL, &pg);
    assert_int_equal(json_array_size(l), 1);
    assert_int_equal(int_of(json_array_get(l, 0), "run_after"), 1796252400 + 86400);
    json_decref(l);
    fail_with = WM_OK;
    clock_now = 1796252400 + 86400 + 5;
    while (wm_jobs_run_one(f->db, "w")) {
    }
    wm_jobs_schedule(f->db);
    l = f->db->ops->job_list(f->db, "queued", &pg);
    assert_int_equal(json_array_size(l), 1);
    assert_int_equal(int_of(json_array_get(l, 0), "run_after"), 1796252400 + 2 * 86400);
    json_decref(l);
}

/* Admins see every job; an office those within its scope; a unit admin only the ones it
** started (and no list). */
static void
test_scope(void **state)
{
    struct fx *f = *state;
    struct wm_actor ad = {.p = f->admin}, of = {.p = f->office}, di = {.p = f->district},
                    ua = {.p = f->unitadmin};
    struct wm_fail fl = {0};
    int64_t sys = submit(f, 1, NULL, NULL);
    int64_t unit;
    json_t *p = json_pack("{s:i}", "n", 2);
    assert_int_equal(wm_job_submit(f->db, &ua, "test", p, f->unitadmin->org_path, NULL, &unit,
                                   &fl),
                     WM_OK);
    json_decref(p);
    struct wm_page pg = {.limit = 50};
    json_t *l = wm_jobs_list(f->db, &ad, NULL, &pg, &fl);
    assert_int_equal(json_array_size(l), 2);
    json_decref(l);
    l = wm_jobs_list(f->db, &of, NULL, &pg, &fl);
    assert_int_equal(json_array_size(l), 1);
    assert_int_equal(int_of(json_array_get(l, 0), "id"), unit);
    json_decref(l);
    l = wm_jobs_list(f->db, &di, "queued,failed", &pg, &fl);
    assert_int_equal(json_array_size(l), 0); /* the unit is the city's, not the district's */
    json_decref(l);
    assert_null(wm_jobs_list(f->db, &ua, NULL, &pg, &fl));
    assert_int_equal(fl.err, WM_E_FORBIDDEN);
    json_t *j = wm_job_get_scoped(f->db, &ua, unit, &fl);
    assert_non_null(j);
    json_decref(j);
    assert_null(wm_job_get_scoped(f->db, &ua, sys, &fl));
    assert_null(wm_job_get_scoped(f->db, &of, sys, &fl));
    assert_null(wm_job_get_scoped(f->db, &di, unit, &fl));
    assert_int_equal(fl.err, WM_E_NOT_FOUND);
}

/* Two workers on two connections (as on two servers), 40 jobs: each runs exactly once. */
#define RACE_JOBS 40
static atomic_int race_runs[RACE_JOBS + 1];

static enum wm_err
run_race(struct wm_db *db, struct wm_job *job, const json_t *payload, json_t **result,
         struct wm_fail *f)
{
    (void)db;
    (void)job;
    (void)result;
    (void)f;
    json_int_t n = json_integer_value(json_object_get(payload, "n"));
    assert_true(n >= 1 && n <= RACE_JOBS);
    atomic_fetch_add(&race_runs[n], 1);
    return WM_OK;
}

struct race_arg {
    const char *store;
    const char *dir;
    const char *name;
    int ran;
};

static void *
race_worker(void *arg)
{
    struct race_arg *r = arg;
    char err[256];
    struct wm_db *db = wm_db_open(r->store, r->dir, false, err, sizeof err);
    if (NULL == db) {
        return NULL;
    }
    while (wm_jobs_run_one(db, r->name)) {
        r->ran++;
    }
    db->ops->close(db);
    return NULL;
}

static void
test_two_workers(void **state)
{
    struct fx *f = *state;
    wm_jobs_set_clock(NULL);
    const struct wm_job_kind k = {.kind = "race", .run = run_race};
    wm_jobs_reset();
    wm_jobs_register(&k);
    for (int i = 1; i <= RACE_JOBS; i++) {
        char payload[32];
        snprintf(payload, sizeof payload, "{\"n\": %d}", i);
        struct wm_job_in in = {.kind = "race", .payload = payload};
        int64_t id;
        struct wm_fail fl = {0};
        assert_int_equal(wm_job_submit_in(f->db, NULL, &in, &id, &fl), WM_OK);
        atomic_init(&race_runs[i], 0);
    }
    struct race_arg a = {f->store, f->dir, "one", 0}, b = {f->store, f->dir, "two", 0};
    pthread_t ta, tb;
    assert_int_equal(pthread_create(&ta, NULL, race_worker, &a), 0);
    assert_int_equal(pthread_create(&tb, NULL, race_worker, &b), 0);
    pthread_join(ta, NULL);
    pthread_join(tb, NULL);
    assert_int_equal(a.ran + b.ran, RACE_JOBS);
    for (int i = 1; i <= RACE_JOBS; i++) {
        assert_int_equal(atomic_load(&race_runs[i]), 1);
    }
    struct wm_page pg = {.limit = 100};
    json_t *l = f->db->ops->job_list(f->db, "queued,running,failed", &pg);
    assert_int_equal(json_array_size(l), 0);
    json_decref(l);
}

/* The worker threads run what is submitted (woken by the submit), and stop. */
static void
test_threads(void **state)
{
    struct fx *f = *state;
    wm_jobs_set_clock(NULL);
    wm_db_configure(f->store, f->dir);
    const struct wm_job_kind k = {.kind = "race", .run = run_race};
    wm_jobs_reset();
    wm_jobs_register(&k);
    atomic_init(&race_runs[1], 0);
    assert_int_equal(wm_jobs_start(2), 0);
    int64_t id;
    struct wm_fail fl = {0};
    struct wm_job_in in = {.kind = "race", .payload = "{\"n\": 1}"};
    assert_int_equal(wm_job_submit_in(f->db, NULL, &in, &id, &fl), WM_OK);
    for (;;) { /* no deadline: the test's own timeout is the limit */
        json_t *j = job(f, id);
        bool done = wm_streq(state_of(j), "done");
        json_decref(j);
        if (done) {
            break;
        }
        struct timespec ts = {0, 20 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    wm_jobs_stop();
    assert_int_equal(atomic_load(&race_runs[1]), 1);
}

int
main(void)
{
    const char *store = getenv("WM_TEST_STORE");
    if (store && *store && 0 != strcmp(store, "sqlite")) {
        if (0 != strcmp(store, "pg") && 0 != strcmp(store, "postgresql")) {
            setenv("WM_TEST_PG", store, 1); /* a server named directly */
        }
        if (NULL == pgdb_server()) {
            printf("job tests on PostgreSQL: WM_TEST_PG is not set, skipped\n");
            return 77;
        }
        g_pg = true;
    }
    wm_log_set_level(WM_LOG_ERROR);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_claim_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_retry_backoff, setup, teardown),
        cmocka_unit_test_setup_teardown(test_final_error, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lease_takeover, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lease_lost, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dedupe_schedule, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rerun_after_running, setup, teardown),
        cmocka_unit_test_setup_teardown(test_time_of_day, setup, teardown),
        cmocka_unit_test_setup_teardown(test_scope, setup, teardown),
        cmocka_unit_test_setup_teardown(test_two_workers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_threads, setup, teardown),
    };
    return g_pg ? cmocka_run_group_tests_name("jobs_pg", tests, NULL, NULL)
                : cmocka_run_group_tests_name("jobs", tests, NULL, NULL);
}

/* end of test_jobs.c */
