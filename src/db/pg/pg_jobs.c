/*
** pg_jobs.c — the PostgreSQL backend's job queue (table job, migration 0006): the same
** operations and meaning as sq_jobs.c.
**
** A claim is one UPDATE of the oldest due row picked with FOR UPDATE SKIP LOCKED: workers
** of two servers claiming at once each get a different job, never the same one, and none
** waits for another.  Every later write names the worker and the running state, so a
** worker whose lease was taken over changes nothing.
*/
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "pg_helper.h"

#define DB ((struct pg_db *)base)

/* The columns of a listing: all but the result (an import's report may be large). */
#define JOB_LIST_COLS                                                                        \
    "id, kind, payload, dedupe_key, state, attempts, max_attempts, run_after, lease_until, "  \
    "worker, last_error, progress, created_at, updated_at, org_path, created_by"

static enum wm_qs
job_insert(struct wm_db *base, const struct wm_job_in *in, int64_t now, int64_t *id)
{
    /* The partial unique index job_dedupe refuses a second waiting job of a key: DO NOTHING
    ** makes that "no row inserted" rather than an error.  A running job of the key does not
    ** block (migration 0023): the new job waits behind it (job_claim).  A created_by that
    ** is no user is a conflict the caller's transaction survives (a savepoint), as on
    ** SQLite. */
    static const char sql[] =
        "INSERT INTO job(kind, payload, dedupe_key, max_attempts, run_after, org_path, "
        "created_by, created_at, updated_at) "
        "SELECT $1, $2, $3, $4, $5, $6, nullif($7, 0), $8, $8 "
        "WHERE $3 IS NULL OR NOT EXISTS "
        "(SELECT 1 FROM job WHERE kind = $1 AND dedupe_key = $3 AND "
        " (($9 <> 0 AND state = 'failed') OR ($10 <> 0 AND state = 'running'))) "
        "ON CONFLICT DO NOTHING RETURNING id";
    *id = 0;
    return pg_id(DB,
                 pg_q(DB, sql, "!tttiitiiii", in->kind, in->payload ? in->payload : "{}",
                      in->dedupe_key, in->max_attempts > 0 ? in->max_attempts : (int64_t)5,
                      in->run_after > 0 ? in->run_after : now, in->org_path, in->created_by,
                      now, (int64_t)in->unless_failed, (int64_t)in->unless_running),
                 id);
}

static enum wm_qs
job_waiting(struct wm_db *base, const char *kind, const char *key, int64_t *id)
{
    static const char sql[] =
        "SELECT id FROM job WHERE kind = $1 AND dedupe_key = $2 AND state = 'queued'";
    *id = 0;
    return pg_id(DB, pg_q(DB, sql, "tt", kind, key), id);
}

static json_t *
job_claim(struct wm_db *base, const char *worker, const char *kinds, int64_t now,
          int64_t lease_until)
{
    static const char sql[] =
        "UPDATE job SET state = 'running', attempts = attempts + 1, worker = $1, "
        "lease_until = $4, updated_at = $3 "
        "WHERE id = (SELECT id FROM job "
        "  WHERE ((state = 'queued' AND run_after <= $3 AND (dedupe_key IS NULL OR NOT EXISTS "
        "      (SELECT 1 FROM job r WHERE r.kind = job.kind AND r.dedupe_key = job.dedupe_key "
        "         AND r.state = 'running'))) "
        "    OR (state = 'running' AND lease_until < $3)) "
        "    AND ($2 IS NULL OR strpos(',' || $2 || ',', ',' || kind || ',') > 0) "
        "  ORDER BY run_after, id LIMIT 1 FOR UPDATE SKIP LOCKED) "
        "RETURNING *";
    return pg_row(DB, pg_q(DB, sql, "ttii", worker, kinds, now, lease_until));
}

static enum wm_qs
job_renew(struct wm_db *base, int64_t id, const char *worker, int64_t lease_until, int64_t now)
{
    static const char sql[] = "UPDATE job SET lease_until = $3, updated_at = $4 "
                              "WHERE id = $1 AND worker = $2 AND state = 'running'";
    return pg_exec(DB, pg_q(DB, sql, "itii", id, worker, lease_until, now));
}

static enum wm_qs
job_progress(struct wm_db *base, int64_t id, const char *worker, const char *progress,
             int64_t now)
{
    static const char sql[] = "UPDATE job SET progress = $3, updated_at = $4 "
                              "WHERE id = $1 AND worker = $2 AND state = 'running'";
    return pg_exec(DB, pg_q(DB, sql, "itti", id, worker, progress, now));
}

static enum wm_qs
job_finish(struct wm_db *base, int64_t id, const char *worker, const char *result, int64_t now)
{
    static const char sql[] =
        "UPDATE job SET state = 'done', result = $3, lease_until = NULL, updated_at = $4 "
        "WHERE id = $1 AND worker = $2 AND state = 'running'";
    return pg_exec(DB, pg_q(DB, sql, "itti", id, worker, result, now));
}

/* A queued job of the same kind and key as the job row being written. */
#define SIBLING                                                                              \
    "EXISTS (SELECT 1 FROM job s WHERE s.kind = job.kind AND s.dedupe_key = job.dedupe_key "  \
    "AND s.state = 'queued')"

static enum wm_qs
job_fail(struct wm_db *base, int64_t id, const char *worker, const char *why, const char *result,
         int64_t retry_at, int64_t now)
{
    static const char sql[] =
        "UPDATE job SET state = CASE WHEN $5 > 0 AND NOT "
        SIBLING " THEN 'queued' ELSE 'failed' END, "
        "run_after = CASE WHEN $5 > 0 THEN $5 ELSE run_after END, "
        "last_error = $3, "
        "result = coalesce($4, result), lease_until = NULL, updated_at = $6 "
        "WHERE id = $1 AND worker = $2 AND state = 'running'";
    /* a request committed after this statement began may meet the dedupe index: a
    ** conflict the caller's transaction survives (jobs.c writes the end again) */
    return pg_exec(DB, pg_q(DB, sql, "!itttii", id, worker, why, result, retry_at, now));
}

static json_t *
job_get(struct wm_db *base, int64_t id)
{
    static const char sql[] = "SELECT * FROM job WHERE id = $1";
    return pg_row(DB, pg_q(DB, sql, "i", id));
}

static json_t *
job_list(struct wm_db *base, const char *states, const struct wm_page *pg)
{
    static const char sql[] =
        "SELECT " JOB_LIST_COLS " FROM job "
        "WHERE ($1 IS NULL OR strpos(',' || $1 || ',', ',' || state || ',') > 0) "
        "  AND ($2 IS NULL OR (org_path >= $2 AND org_path < $3)) "
        "  AND ($4 IS NULL OR kind = $4) AND ($5 = 0 OR id < $5) "
        "ORDER BY id DESC LIMIT $6";
    struct wm_db_range r = wm_db_range_of(pg->scope);
    json_t *a = pg_rows(DB, pg_q(DB, sql, "ttttii", states && states[0] ? states : NULL, r.lo,
                                 r.hi, pg->kind && pg->kind[0] ? pg->kind : NULL, pg->after,
                                 (int64_t)(pg->limit ? pg->limit : 50)));
    wm_db_range_free(&r);
    return a;
}

static enum wm_qs
job_retry(struct wm_db *base, int64_t id, int64_t now)
{
    static const char sql[] =
        "UPDATE job SET state = 'queued', attempts = 0, run_after = $2, lease_until = NULL, "
        "worker = NULL, updated_at = $2 WHERE id = $1 AND state = 'failed'";
    /* a retry may meet the dedupe index (another job of the key waits): a conflict */
    return pg_exec(DB, pg_q(DB, sql, "!ii", id, now));
}

static int64_t
job_last_done(struct wm_db *base, const char *kind)
{
    static const char sql[] = "SELECT max(updated_at) FROM job WHERE kind = $1 AND state = 'done'";
    return pg_int(DB, pg_q(DB, sql, "t", kind), 0);
}

static enum wm_qs
job_purge(struct wm_db *base, int64_t before, int64_t *n)
{
    static const char sql[] = "DELETE FROM job WHERE state = 'done' AND updated_at < $1";
    PGresult *r = pg_q(DB, sql, "i", before);
    *n = 0;
    if (NULL == r) {
        return base->status;
    }
    *n = (int64_t)strtoll(PQcmdTuples(r), NULL, 10);
    PQclear(r);
    return WM_QS_ONE;
}

static json_t *
metrics_counts(struct wm_db *base, int64_t seen_after, int64_t created_after)
{
    static const char sql[] =
        "SELECT 'job' AS what, state, count(*) AS n FROM job GROUP BY state "
        "UNION ALL SELECT 'session', 'open', count(*) FROM session "
        "WHERE last_seen >= $1 AND created_at >= $2";
    return pg_rows(DB, pg_q(DB, sql, "ii", seen_after, created_after));
}

void
pg_fill_job_ops(struct wm_db_ops *ops)
{
    ops->job_insert = job_insert;
    ops->job_waiting = job_waiting;
    ops->job_claim = job_claim;
    ops->job_renew = job_renew;
    ops->job_progress = job_progress;
    ops->job_finish = job_finish;
    ops->job_fail = job_fail;
    ops->job_get = job_get;
    ops->job_list = job_list;
    ops->job_retry = job_retry;
    ops->job_last_done = job_last_done;
    ops->job_purge = job_purge;
    ops->metrics_counts = metrics_counts;
}

/* end of pg_jobs.c */
