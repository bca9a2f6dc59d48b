-- 0013 (PostgreSQL): what the office's home counts (see src/db/sql/0013-dashboard.sql).
ALTER TABLE document ADD COLUMN status_at bigint;
UPDATE document SET status_at =
    (SELECT max(r.at) FROM review r WHERE r.document_id = document.id)
  WHERE status <> 'draft';
-- Partial here (SQLite's are on deleted_at too, the same use): PostgreSQL keeps the
-- order of status_at after status = ... only when deleted_at is no column of the index.
-- (archive_id included: a city's backlog is counted from this index alone)
CREATE INDEX document_queue ON document(status, status_at, id) INCLUDE (archive_id)
    WHERE deleted_at IS NULL;
CREATE INDEX document_backlog ON document(archive_id, status, status_at)
    WHERE deleted_at IS NULL;

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
