-- 0025 (PostgreSQL): nothing.  SQLite's 0025 sets the page size of its FTS5 index; the GIN
-- index has no such setting (its pages are the server's block size).  The number is kept
-- the same in both stores (WM_DB_SCHEMA_VERSION).
SELECT 1;
