-- 0012: an office's review settings (issue 9).  One row per office that set them; a unit
-- takes the row of the nearest office on its path, else the defaults below.
--   offset_days      days from a period's end to its deadline
--   count_submitted  1: a submitted document counts for a period as an approved one does
--   returns_limit    how many times a document may be returned in a year before its leaf is
--                    "not met" for that year (0: no limit; 1: one resubmission allowed)
CREATE TABLE office_setting (
    org_id          INTEGER PRIMARY KEY REFERENCES org(id),
    offset_days     INTEGER NOT NULL DEFAULT 10 CHECK (offset_days BETWEEN 0 AND 366),
    count_submitted INTEGER NOT NULL DEFAULT 0 CHECK (count_submitted IN (0, 1)),
    returns_limit   INTEGER NOT NULL DEFAULT 0 CHECK (returns_limit >= 0),
    updated_at      INTEGER NOT NULL,
    updated_by      INTEGER REFERENCES user(id)
);
