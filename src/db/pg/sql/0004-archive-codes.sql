-- 0004 (PostgreSQL): an archival code, once given, never changes (see
-- src/db/sql/0004-archive-codes.sql): code_serial per document and leaf_code_seq, the
-- highest number handed out per leaf.
ALTER TABLE document ADD COLUMN code_serial bigint;
UPDATE document SET code_serial = serial WHERE serial IS NOT NULL;
UPDATE document SET code_serial =
    (SELECT coalesce(max(x.serial), 0) FROM document x
      WHERE x.archive_id = document.archive_id AND x.indicator_code = document.indicator_code)
  + (SELECT count(*) FROM document y
      WHERE y.archive_id = document.archive_id AND y.indicator_code = document.indicator_code
        AND y.serial IS NULL AND y.id <= document.id)
  WHERE serial IS NULL;
CREATE UNIQUE INDEX document_code ON document(archive_id, indicator_code, code_serial);

CREATE TABLE leaf_code_seq (
    archive_id      bigint NOT NULL REFERENCES archive(id) DEFERRABLE,
    indicator_code  text COLLATE "C" NOT NULL,
    last            bigint NOT NULL,
    PRIMARY KEY (archive_id, indicator_code)
);
INSERT INTO leaf_code_seq(archive_id, indicator_code, last)
    SELECT archive_id, indicator_code, max(code_serial) FROM document
     GROUP BY archive_id, indicator_code;
