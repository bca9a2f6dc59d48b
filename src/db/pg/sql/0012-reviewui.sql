-- 0012 (PostgreSQL): an office's review settings (see src/db/sql/0012-reviewui.sql).
CREATE TABLE office_setting (
    org_id          bigint PRIMARY KEY REFERENCES org(id) DEFERRABLE,
    offset_days     bigint NOT NULL DEFAULT 10 CHECK (offset_days BETWEEN 0 AND 366),
    count_submitted integer NOT NULL DEFAULT 0 CHECK (count_submitted IN (0, 1)),
    returns_limit   bigint NOT NULL DEFAULT 0 CHECK (returns_limit >= 0),
    updated_at      bigint NOT NULL,
    updated_by      bigint REFERENCES "user"(id) DEFERRABLE
);
