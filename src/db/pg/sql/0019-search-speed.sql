-- 0019 (PostgreSQL): search speed (see src/db/sql/0019-search-speed.sql).  search_doc.size
-- is the row's length in tokens (title and body), written by search_put as on SQLite, where
-- the ranking reads it; ts_rank reads tsv here.  NULL for rows indexed before 0019 (until
-- `wenming search reindex` or their next change).
ALTER TABLE search_doc ADD COLUMN size bigint;
