-- 0022: DA/T 70-2018 四性检测 of an archive (issue 13, dat70).  One row per run of the check
-- of one archive (a unit's year): who started it and when, its state (running while the
-- job "archive.check" works, done, failed), the result of each of the four properties
-- (1 pass, 0 fail, NULL not known yet: 真实性 authenticity, 完整性 integrity, 可用性
-- usability, 安全性 security), and the report as two blobs of the blob store: the JSON
-- document and its PDF.  The page shows the latest row; the export package takes the
-- latest done one.  job_id is the job that runs it (NULL: run by `wenming verify archive`).
CREATE TABLE archive_check (
    id            INTEGER PRIMARY KEY,
    archive_id    INTEGER NOT NULL REFERENCES archive(id) ON DELETE CASCADE,
    job_id        INTEGER,
    started_by    INTEGER REFERENCES user(id),
    started_at    INTEGER NOT NULL,
    finished_at   INTEGER,
    state         TEXT NOT NULL CHECK (state IN ('running', 'done', 'failed')),
    authenticity  INTEGER CHECK (authenticity IN (0, 1)),
    integrity     INTEGER CHECK (integrity IN (0, 1)),
    usability     INTEGER CHECK (usability IN (0, 1)),
    security      INTEGER CHECK (security IN (0, 1)),
    json_sha      TEXT REFERENCES blob(sha),
    pdf_sha       TEXT REFERENCES blob(sha),
    error         TEXT
);
CREATE INDEX archive_check_archive ON archive_check(archive_id, id);
