-- 0002: evaluation frameworks (测评体系).  A framework belongs to an office and has
-- editions; an edition is a draft (editable) or published (immutable).  The edition keeps
-- the wenming-framework/1 document it was imported from (exported back verbatim) and its
-- indicators as rows, so that archives and rounds can query leaves in SQL.
CREATE TABLE framework (
    id          INTEGER PRIMARY KEY,
    org_id      INTEGER NOT NULL REFERENCES org(id),
    name        TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    UNIQUE (org_id, name)
);

CREATE TABLE edition (
    id            INTEGER PRIMARY KEY,
    framework_id  INTEGER NOT NULL REFERENCES framework(id),
    version       TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('draft', 'published')),
    source        TEXT,
    document      TEXT NOT NULL,
    leaves        INTEGER NOT NULL,
    total         INTEGER NOT NULL,       -- hundredths of a point
    created_by    INTEGER REFERENCES user(id),
    created_at    INTEGER NOT NULL,
    published_at  INTEGER,
    UNIQUE (framework_id, version)
);
CREATE TRIGGER edition_published_immutable BEFORE UPDATE ON edition
    WHEN OLD.status = 'published'
    BEGIN SELECT RAISE(ABORT, 'a published edition is immutable'); END;
CREATE TRIGGER edition_published_kept BEFORE DELETE ON edition
    WHEN OLD.status = 'published'
    BEGIN SELECT RAISE(ABORT, 'a published edition is kept'); END;

CREATE TABLE indicator (
    edition_id     INTEGER NOT NULL REFERENCES edition(id) ON DELETE CASCADE,
    code           TEXT NOT NULL,
    parent_code    TEXT,
    seq            INTEGER NOT NULL,      -- document order
    depth          INTEGER NOT NULL,
    leaf           INTEGER NOT NULL,
    title          TEXT NOT NULL,
    requirement    TEXT,
    materials      TEXT,
    score          INTEGER,               -- hundredths; NULL when the standard gives none
    veto           INTEGER NOT NULL DEFAULT 0,
    depts          TEXT,                  -- JSON array of department names
    media          TEXT,                  -- JSON array: text, photo, audiovisual
    frequency      TEXT,
    min_documents  INTEGER,
    PRIMARY KEY (edition_id, code)
);
CREATE INDEX indicator_seq ON indicator(edition_id, seq);
