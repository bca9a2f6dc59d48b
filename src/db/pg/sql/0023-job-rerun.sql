-- 0023 (PostgreSQL): the same as sql/0023-job-rerun.sql: the unique index of a key covers
-- its waiting (queued) job only, a request while a job of the key runs queues one more, a
-- claim skips it until the running one ends (pg_jobs.c), and at most one job of a kind and
-- key runs at a time (job_running).
DROP INDEX job_dedupe;
CREATE UNIQUE INDEX job_dedupe ON job(kind, dedupe_key)
    WHERE dedupe_key IS NOT NULL AND state = 'queued';
CREATE UNIQUE INDEX job_running ON job(kind, dedupe_key)
    WHERE dedupe_key IS NOT NULL AND state = 'running';
