-- 0010: good practice (经验做法, issue 9).  An office features an approved document of a
-- unit in its jurisdiction, naming the exact version it featured, with a note and a
-- category; a featured item is withdrawn, never deleted (a compilation may name it).  A
-- compilation (经验交流汇编) is one PDF made by a job from featured items in order; its
-- result is a blob of the blob store.  Who sees an item or a compilation: every account
-- whose scope overlaps the featuring office's subtree (src/core/practice.c).
CREATE TABLE featured (
    id           INTEGER PRIMARY KEY,
    document_id  INTEGER NOT NULL REFERENCES document(id) ON DELETE CASCADE,
    version      INTEGER NOT NULL,
    office_id    INTEGER NOT NULL REFERENCES org(id),
    note         TEXT NOT NULL,
    category     TEXT NOT NULL,
    featured_by  INTEGER REFERENCES user(id),
    at           INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    withdrawn    INTEGER NOT NULL DEFAULT 0 CHECK (withdrawn IN (0, 1)),
    withdrawn_by INTEGER REFERENCES user(id),
    withdrawn_at INTEGER
);
-- A document is featured at most once at a time.
CREATE UNIQUE INDEX featured_live ON featured(document_id) WHERE withdrawn = 0;
CREATE INDEX featured_office ON featured(office_id, id);

CREATE TABLE compilation (
    id          INTEGER PRIMARY KEY,
    title       TEXT NOT NULL,
    office_id   INTEGER NOT NULL REFERENCES org(id),
    created_by  INTEGER REFERENCES user(id),
    at          INTEGER NOT NULL,
    state       TEXT NOT NULL DEFAULT 'queued'
                CHECK (state IN ('queued', 'running', 'done', 'failed')),
    job_id      INTEGER,               -- the job that builds it (jobs are purged: no key)
    result_sha  TEXT REFERENCES blob(sha),
    pages       INTEGER,
    error       TEXT,
    finished_at INTEGER
);
CREATE INDEX compilation_office ON compilation(office_id, id);

CREATE TABLE compilation_item (
    compilation_id INTEGER NOT NULL REFERENCES compilation(id) ON DELETE CASCADE,
    seq            INTEGER NOT NULL,
    featured_id    INTEGER NOT NULL REFERENCES featured(id) ON DELETE CASCADE,
    PRIMARY KEY (compilation_id, seq)
);
