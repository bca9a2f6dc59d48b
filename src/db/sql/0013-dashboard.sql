-- 0013: what the office's home counts (issue 9), kept at write time so that a home page
-- of thousands of units is a few hundred rows to read, not millions of documents.
--
-- A document's status_at: when it entered its status (the time of its latest review
-- event), so that the review backlog's age and the queue's order come from an index.
ALTER TABLE document ADD COLUMN status_at INTEGER;
UPDATE document SET status_at =
    (SELECT max(r.at) FROM review r WHERE r.document_id = document.id)
  WHERE status <> 'draft';
-- (deleted_at IS NULL is an equality on both: the queue's order and the backlog's counts
-- come from the index alone)
CREATE INDEX document_queue ON document(status, deleted_at, status_at, id);
CREATE INDEX document_backlog ON document(archive_id, status, deleted_at, status_at);

-- An account's last login (a session opened): which units have not logged in lately.
ALTER TABLE user ADD COLUMN last_login_at INTEGER;
UPDATE user SET last_login_at = (SELECT max(s.created_at) FROM session s WHERE s.user_id = user.id);

-- The schedule summary (src/core/schedule.c, wm_sched_touch): per leaf and period of an
-- archive, whether an approved document (met_approved) or an approved or submitted one
-- (met_submitted) dated inside the period exists (a row only when one of them is 1); per
-- archive and period, how many leaves are met in each sense.  The deadline and so
-- "overdue" are computed when read, from the period and the office's offset.  Filled for
-- the archives already there by `wenming migrate` (wm_sched_rebuild).
CREATE TABLE sched_met (
    archive_id      INTEGER NOT NULL REFERENCES archive(id),
    indicator_code  TEXT NOT NULL,
    period          TEXT NOT NULL,
    met_approved    INTEGER NOT NULL,
    met_submitted   INTEGER NOT NULL,
    PRIMARY KEY (archive_id, indicator_code, period)
) WITHOUT ROWID;
CREATE TABLE sched_count (
    archive_id      INTEGER NOT NULL REFERENCES archive(id),
    period          TEXT NOT NULL,
    met_approved    INTEGER NOT NULL,
    met_submitted   INTEGER NOT NULL,
    PRIMARY KEY (archive_id, period)
) WITHOUT ROWID;
