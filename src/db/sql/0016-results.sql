-- 0016: a round's results (issue 10): objections (异议) lodged during publicity and the
-- office's answers, and rectification items (整改) opened from deductions.  Title decisions
-- are written straight into the title register (wm_title_decide, audited title.decide), so
-- they need no table here.
CREATE TABLE objection (
    id          INTEGER PRIMARY KEY,
    round_id    INTEGER NOT NULL REFERENCES eval_round(id) ON DELETE CASCADE,
    entry_id    INTEGER REFERENCES round_entry(id) ON DELETE SET NULL, -- the entry objected
                                                   -- to (may be another unit's); NULL: general
    unit_id     INTEGER NOT NULL REFERENCES org(id), -- who lodges it
    text        TEXT NOT NULL,
    state       TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'answered')),
    answer      TEXT,
    answered_by INTEGER REFERENCES user(id),
    answered_at INTEGER,
    created_by  INTEGER REFERENCES user(id),
    created_at  INTEGER NOT NULL
);
CREATE INDEX objection_round ON objection(round_id, state, id);
CREATE INDEX objection_unit ON objection(unit_id, id);

-- A rectification item (整改项): a problem of a unit at a leaf of a year's standard, from a
-- source (an evaluation's deduction now; inspections, reviews and self-checks later: the
-- creation-work issue adds its columns — corrective action, preventive measure, department,
-- evidence, verification — by ALTER TABLE ADD COLUMN and widens the CHECKs in a migration of
-- its own).  source_id: the round entry (source 'evaluation').  One item per source, entry
-- and leaf.
CREATE TABLE rectification (
    id             INTEGER PRIMARY KEY,
    unit_id        INTEGER NOT NULL REFERENCES org(id),
    year           INTEGER NOT NULL,
    indicator_code TEXT NOT NULL,
    problem        TEXT NOT NULL,
    source         TEXT NOT NULL CHECK (source IN ('evaluation', 'inspection', 'review',
                                                   'self_check')),
    source_id      INTEGER,
    due_on         TEXT,                  -- YYYY-MM-DD
    state          TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'done', 'verified',
                                                                 'closed')),
    created_by     INTEGER REFERENCES user(id),
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    UNIQUE (source, source_id, indicator_code)
);
CREATE INDEX rectification_unit ON rectification(unit_id, state, id);
