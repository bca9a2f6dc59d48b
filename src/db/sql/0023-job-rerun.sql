-- 0023: a request for a job whose key is running is a new run after it (the job-dedupe race).
-- Before, job_dedupe covered the queued and the running jobs of a key, so a request that came
-- while its job ran was folded into the running job: that job had already read what the
-- request changed, and the change was never acted on (a plan saved under a new title while
-- its PDF was being made stayed filed under the old one).  Now the unique index covers only
-- the waiting (queued) job of a key: a request while one runs queues one more job, and a
-- claim skips a queued job while a job of its kind and key runs (sq_jobs.c), so that it
-- runs after the running one ends and two jobs of a key never run at once.  job_running
-- says the latter to the store as well: at most one running job per kind and key.
DROP INDEX job_dedupe;
CREATE UNIQUE INDEX job_dedupe ON job(kind, dedupe_key)
    WHERE dedupe_key IS NOT NULL AND state = 'queued';
CREATE UNIQUE INDEX job_running ON job(kind, dedupe_key)
    WHERE dedupe_key IS NOT NULL AND state = 'running';
