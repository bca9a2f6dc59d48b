-- 0025: the full-text index in leaf pages of about 1,000 bytes instead of FTS5's 4,050.  A
-- search scoped to a unit checks each of the unit's documents against the query's terms:
-- one seek into each term's list per document, and a seek reads (backwards, newest first)
-- the whole leaf page it lands on.  Smaller pages make that seek about a quarter cheaper; a
-- walk through a common term reads the same bytes in more pages.  Measured at 1,000,000
-- documents (bench/search.sh): a unit's p99 from 18 to 13.5 ms, the administrator's the
-- same, the file 0.6% larger.  Pages written from now on are of the new size; the nightly
-- search.merge (and `wenming search merge`) rewrites the older ones.
INSERT INTO search_fts(search_fts, rank) VALUES ('pgsz', 1000);
