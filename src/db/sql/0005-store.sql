-- 0005: the head of the audit chain as one row.  An appender reads the last hash from here
-- and moves it in the same transaction; on a store with concurrent writers (PostgreSQL) the
-- read locks the row, so two appenders never chain onto the same hash.
CREATE TABLE audit_head (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    last_id     INTEGER NOT NULL,
    hash        TEXT NOT NULL
);
INSERT INTO audit_head(id, last_id, hash)
    SELECT 1, coalesce((SELECT max(id) FROM audit), 0),
           coalesce((SELECT hash FROM audit ORDER BY id DESC LIMIT 1), '');
