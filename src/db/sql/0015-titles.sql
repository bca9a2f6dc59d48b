-- 0015: the title register (文明称号, issue 10).  One row per title a unit holds or held:
-- 第十四届市级文明单位 at a level (市级, 区级, 省级, 全国 …), awarded on a date by a document
-- or a round, valid until a date (NULL: no end written), and its state: kept (保留: held),
-- revoked (撤销) or expired (过期: valid_until passed; set by the daily job "title.expire"
-- and `wenming title expire`, src/core/titles.c).  Written by the office (add, import,
-- state changes with a reason) and by a round's results (wm_title_decide).
CREATE TABLE title (
    id          INTEGER PRIMARY KEY,
    unit_id     INTEGER NOT NULL REFERENCES org(id),
    title       TEXT NOT NULL,
    level       TEXT NOT NULL,
    -- The awarding round (NULL: a title awarded outside wenming, or imported).
    round_id    INTEGER REFERENCES eval_round(id),
    award_doc   TEXT,                  -- the awarding document: 杭文明委〔2021〕3号
    awarded_on  TEXT NOT NULL,         -- YYYY-MM-DD
    valid_until TEXT,                  -- YYYY-MM-DD, the last day it is valid
    state       TEXT NOT NULL DEFAULT 'kept' CHECK (state IN ('kept', 'revoked', 'expired')),
    reason      TEXT,                  -- why the state last changed (a revocation's reason)
    note        TEXT,
    created_by  INTEGER REFERENCES user(id),
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    updated_by  INTEGER REFERENCES user(id),
    UNIQUE (unit_id, title, awarded_on)
);
CREATE INDEX title_unit ON title(unit_id, awarded_on);
CREATE INDEX title_valid ON title(valid_until);
