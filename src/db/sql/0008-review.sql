-- 0008: the review of documents (issue 9).  One row per event of a document's review: a
-- unit submits a version, the office approves it or returns it with guidance.  Each row
-- names the exact version (n of table version) it applies to; the document's status column
-- (0003) is the state after its latest event, back to draft when a new version is uploaded.
CREATE TABLE review (
    id          INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES document(id) ON DELETE CASCADE,
    version     INTEGER NOT NULL,
    action      TEXT NOT NULL CHECK (action IN ('submit', 'approve', 'return')),
    actor_id    INTEGER REFERENCES user(id),
    comment     TEXT,
    at          INTEGER NOT NULL,
    CHECK (action <> 'return' OR coalesce(length(comment), 0) > 0)
);
CREATE INDEX review_document ON review(document_id, id);
-- The queue: documents by status.
CREATE INDEX document_status ON document(status);
