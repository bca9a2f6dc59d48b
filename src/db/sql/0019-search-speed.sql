-- 0019: search speed (issue 11).  search_doc.size is the row's length in tokens (title and
-- body, as wenming's tokenizer makes them in index mode: what FTS5 records for the two
-- columns), computed in C by search_put.  wm_rank reads it from the covering index
-- search_doc_facets, which a query reads for every match anyway, instead of FTS5's
-- search_fts_docsize (one more B-tree seek per ranked match).  Existing rows get it from
-- search_fts_docsize (wm_fts_size decodes the record), without being indexed again: the
-- update trigger fires only when the indexed text changes.
ALTER TABLE search_doc ADD COLUMN size INTEGER;

DROP TRIGGER search_doc_au;
CREATE TRIGGER search_doc_au AFTER UPDATE OF title, body, tags ON search_doc BEGIN
    INSERT INTO search_fts(search_fts, rowid, title, body, tags)
        VALUES ('delete', old.id, old.title, old.body, old.tags);
    INSERT INTO search_fts(rowid, title, body, tags) VALUES (new.id, new.title, new.body, new.tags);
END;

UPDATE search_doc SET size = (SELECT wm_fts_size(sz) FROM search_fts_docsize
    WHERE search_fts_docsize.id = search_doc.id);

DROP INDEX search_doc_facets;
CREATE INDEX search_doc_facets ON search_doc(id, kind, year, unit_type, media, state,
    indicator_code, unit_id, org_path, day, size);
