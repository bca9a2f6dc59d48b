-- 0005 (PostgreSQL): the head of the audit chain in one row.  Appenders read it FOR UPDATE
-- (audit_last_hash), so concurrent appends serialize until commit, and update it with the
-- entry they insert (audit_insert).  Seeded from the newest audit entry, or (0, '') for an
-- empty log.
CREATE TABLE audit_head (
    id          integer PRIMARY KEY CHECK (id = 1),
    last_id     bigint NOT NULL,
    hash        text NOT NULL
);
INSERT INTO audit_head(id, last_id, hash)
    SELECT 1, coalesce((SELECT id FROM audit ORDER BY id DESC LIMIT 1), 0),
           coalesce((SELECT hash FROM audit ORDER BY id DESC LIMIT 1), '');
