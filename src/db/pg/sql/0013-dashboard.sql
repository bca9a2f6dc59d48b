-- 0013 (PostgreSQL): what the office's home counts (see src/db/sql/0013-dashboard.sql).
ALTER TABLE document ADD COLUMN status_at bigint;
UPDATE document SET status_at =
    (SELECT max(r.at) FROM review r WHERE r.document_id = document.id)
  WHERE status <> 'draft';
-- (deleted_at IS NULL is an equality on both: the queue's order and the backlog's counts
-- come from the index alone)
CREATE INDEX document_queue ON document(status, deleted_at, status_at, id);
CREATE INDEX document_backlog ON document(archive_id, status, deleted_at, status_at);

ALTER TABLE "user" ADD COLUMN last_login_at bigint;
UPDATE "user" SET last_login_at =
    (SELECT max(s.created_at) FROM session s WHERE s.user_id = "user".id);

CREATE TABLE sched_met (
    archive_id      bigint NOT NULL REFERENCES archive(id) DEFERRABLE,
    indicator_code  text COLLATE "C" NOT NULL,
    period          text COLLATE "C" NOT NULL,
    met_approved    integer NOT NULL,
    met_submitted   integer NOT NULL,
    PRIMARY KEY (archive_id, indicator_code, period)
);
CREATE TABLE sched_count (
    archive_id      bigint NOT NULL REFERENCES archive(id) DEFERRABLE,
    period          text COLLATE "C" NOT NULL,
    met_approved    integer NOT NULL,
    met_submitted   integer NOT NULL,
    PRIMARY KEY (archive_id, period)
);
