-- 0006: one persistent job queue (issue 8).  Background work (thumbnails, the fixity pass,
-- large package imports, and the feature work that follows) is a row here, claimed by the
-- worker threads of any server on the store: a claimed job is 'running' with a lease
-- (lease_until, worker); a worker renews the lease while the job runs, and a job whose
-- lease expired (its server died) is claimed again by another.  A failure is retried at
-- run_after (exponential backoff) until max_attempts, then the job stays 'failed' with
-- last_error until someone retries it.
-- Times are Unix seconds.  payload, progress and result are JSON text.  dedupe_key makes
-- a job unique among the waiting and running ones of its kind (one thumbnail request per
-- blob, one scheduled fixity pass).  org_path scopes the job for the offices (NULL: the
-- platform's own work, seen by admins only).
CREATE TABLE job (
    id              INTEGER PRIMARY KEY,
    kind            TEXT NOT NULL,
    payload         TEXT NOT NULL DEFAULT '{}',
    dedupe_key      TEXT,
    state           TEXT NOT NULL DEFAULT 'queued'
                    CHECK (state IN ('queued', 'running', 'done', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    max_attempts    INTEGER NOT NULL DEFAULT 5,
    run_after       INTEGER NOT NULL,
    lease_until     INTEGER,
    worker          TEXT,
    last_error      TEXT,
    progress        TEXT,
    result          TEXT,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    org_path        TEXT,
    created_by      INTEGER REFERENCES user(id)
);
-- what a worker looks for: the oldest due queued job, or a running one past its lease
CREATE INDEX job_due ON job(state, run_after, id);
CREATE INDEX job_lease ON job(state, lease_until);
CREATE INDEX job_kind ON job(kind, state, updated_at);
CREATE UNIQUE INDEX job_dedupe ON job(kind, dedupe_key)
    WHERE dedupe_key IS NOT NULL AND state IN ('queued', 'running');
