-- 0017: full-text search (issue 11).  search_doc holds one row per indexed thing (a
-- document, an indicator, a guidance conversation): what the filters and facets read, the
-- text shown in snippets, and the tag words (computed in C by search_put: s<org id> for
-- every org on org_path, u<unit>, y<year>, k/m/r/t/i<hex of kind, media, state, unit type,
-- each dotted prefix of the indicator code>, p<publishing office> for indicators) that put
-- scope and filters inside the index.  search_fts is an FTS5 index over (title, body, tags)
-- with wenming's tokenizer (Han bigrams, 繁简 folding; registered by the store on every
-- connection), external content search_doc kept in sync by the triggers below.
CREATE TABLE search_doc (
    id              INTEGER PRIMARY KEY,
    kind            TEXT NOT NULL CHECK (kind IN ('document', 'indicator', 'guidance')),
    ref_id          INTEGER NOT NULL,
    org_path        TEXT NOT NULL,
    unit_id         INTEGER,
    unit_type       TEXT,
    year            INTEGER,
    indicator_code  TEXT,
    media           TEXT,
    state           TEXT,
    day             TEXT,                 -- YYYY-MM-DD or NULL
    updated_at      INTEGER NOT NULL,
    tags            TEXT NOT NULL,
    title           TEXT NOT NULL,
    body            TEXT NOT NULL,
    UNIQUE (kind, ref_id)
);
-- What a query reads of every match (facets, the day range) without the row's text: the
-- newest matches are neighbours here, 80 to a page.
CREATE INDEX search_doc_facets ON search_doc(id, kind, year, unit_type, media, state,
    indicator_code, unit_id, org_path, day);

CREATE VIRTUAL TABLE search_fts USING fts5(title, body, tags, content='search_doc',
    content_rowid='id', tokenize='wenming');

CREATE TRIGGER search_doc_ai AFTER INSERT ON search_doc BEGIN
    INSERT INTO search_fts(rowid, title, body, tags) VALUES (new.id, new.title, new.body, new.tags);
END;
CREATE TRIGGER search_doc_ad AFTER DELETE ON search_doc BEGIN
    INSERT INTO search_fts(search_fts, rowid, title, body, tags)
        VALUES ('delete', old.id, old.title, old.body, old.tags);
END;
CREATE TRIGGER search_doc_au AFTER UPDATE ON search_doc BEGIN
    INSERT INTO search_fts(search_fts, rowid, title, body, tags)
        VALUES ('delete', old.id, old.title, old.body, old.tags);
    INSERT INTO search_fts(rowid, title, body, tags) VALUES (new.id, new.title, new.body, new.tags);
END;

-- The text extracted from a blob (wenming-extract), once per content.
CREATE TABLE blob_text (
    sha     TEXT PRIMARY KEY REFERENCES blob(sha) ON DELETE CASCADE,
    state   TEXT NOT NULL CHECK (state IN ('done', 'failed')),
    text    TEXT NOT NULL DEFAULT '',
    error   TEXT,
    at      INTEGER NOT NULL
);
