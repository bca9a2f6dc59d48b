-- 0004: an archival code (档号), once given, never changes.  A document keeps the number of
-- its code (code_serial) through the trash, a restore, a re-ordering and the renumbering of
-- its leaf's display serials ("01：主题"); a number is never given twice within a leaf:
-- leaf_code_seq holds the highest one handed out, also of documents purged since.
ALTER TABLE document ADD COLUMN code_serial INTEGER;
UPDATE document SET code_serial = serial WHERE serial IS NOT NULL;
-- documents already in the trash: numbers after the highest of their leaf
UPDATE document SET code_serial =
    (SELECT coalesce(max(x.serial), 0) FROM document x
      WHERE x.archive_id = document.archive_id AND x.indicator_code = document.indicator_code)
  + (SELECT count(*) FROM document y
      WHERE y.archive_id = document.archive_id AND y.indicator_code = document.indicator_code
        AND y.serial IS NULL AND y.id <= document.id)
  WHERE serial IS NULL;
CREATE UNIQUE INDEX document_code ON document(archive_id, indicator_code, code_serial);

CREATE TABLE leaf_code_seq (
    archive_id      INTEGER NOT NULL REFERENCES archive(id),
    indicator_code  TEXT NOT NULL,
    last            INTEGER NOT NULL,
    PRIMARY KEY (archive_id, indicator_code)
);
INSERT INTO leaf_code_seq(archive_id, indicator_code, last)
    SELECT archive_id, indicator_code, max(code_serial) FROM document
     GROUP BY archive_id, indicator_code;
