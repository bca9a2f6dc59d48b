-- 0003: the electronic creation archive (创建档案).  An archive is one unit x year x
-- published edition; its folders are the edition's indicators.  A document (件) lives in
-- one leaf, numbered per leaf (serial 1, 2, ... shown as 01, 02); its versions point at
-- content-addressed blobs.  Deleting moves a document to the trash (deleted_at set, serial
-- released); purging removes the row for good.
CREATE TABLE archive_default (
    org_id      INTEGER NOT NULL REFERENCES org(id),
    year        INTEGER NOT NULL,
    edition_id  INTEGER NOT NULL REFERENCES edition(id),
    PRIMARY KEY (org_id, year)
);

CREATE TABLE archive (
    id          INTEGER PRIMARY KEY,
    unit_id     INTEGER NOT NULL REFERENCES org(id),
    year        INTEGER NOT NULL,
    edition_id  INTEGER NOT NULL REFERENCES edition(id),
    created_at  INTEGER NOT NULL,
    UNIQUE (unit_id, year)
);

CREATE TABLE blob (
    sha         TEXT PRIMARY KEY,
    size        INTEGER NOT NULL,
    mime        TEXT NOT NULL,
    created_at  INTEGER NOT NULL
);

CREATE TABLE document (
    id              INTEGER PRIMARY KEY,
    archive_id      INTEGER NOT NULL REFERENCES archive(id),
    indicator_code  TEXT NOT NULL,
    serial          INTEGER,               -- NULL while in the trash
    title           TEXT NOT NULL,
    date_formed     TEXT,                  -- YYYY-MM-DD
    media           TEXT NOT NULL CHECK (media IN ('text', 'photo', 'audiovisual')),
    dept            TEXT,
    author          TEXT,
    keywords        TEXT,
    retention       TEXT NOT NULL DEFAULT '永久' CHECK (retention IN ('永久', '30年', '10年')),
    remarks         TEXT,
    status          TEXT NOT NULL DEFAULT 'draft'
                    CHECK (status IN ('draft', 'submitted', 'approved', 'returned')),
    created_by      INTEGER REFERENCES user(id),
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    deleted_at      INTEGER,
    deleted_by      INTEGER REFERENCES user(id),
    UNIQUE (archive_id, indicator_code, serial)
);
CREATE INDEX document_leaf ON document(archive_id, indicator_code, serial);

CREATE TABLE version (
    id          INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES document(id) ON DELETE CASCADE,
    n           INTEGER NOT NULL,
    blob_sha    TEXT NOT NULL REFERENCES blob(sha),
    filename    TEXT NOT NULL,            -- the uploaded name: metadata only, never a path
    created_by  INTEGER REFERENCES user(id),
    created_at  INTEGER NOT NULL,
    UNIQUE (document_id, n)
);
CREATE INDEX version_blob ON version(blob_sha);

-- Results of the periodic fixity check of the blob store.
CREATE TABLE fixity_run (
    id          INTEGER PRIMARY KEY,
    started_at  INTEGER NOT NULL,
    finished_at INTEGER NOT NULL,
    checked     INTEGER NOT NULL,
    missing     INTEGER NOT NULL,
    corrupt     INTEGER NOT NULL,
    detail      TEXT NOT NULL
);
