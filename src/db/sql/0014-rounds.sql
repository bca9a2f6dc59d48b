-- 0014: evaluation rounds (测评, issue 10).  A round is run by an office over a
-- jurisdiction (scope_path: the office's own path or an office's below it) against a
-- published edition; units enter it by declaring (申报) or as rechecks (复查) of their
-- titles; evaluation groups (测评组) visit them and score them leaf by leaf; the group's
-- leader reconciles the evaluators' scores into entry_final and locks the entry.
CREATE TABLE eval_round (
    id              INTEGER PRIMARY KEY,
    name            TEXT NOT NULL,
    level           TEXT NOT NULL,                  -- 市级, 区级 ...
    office_id       INTEGER NOT NULL REFERENCES org(id),
    scope_path      TEXT NOT NULL,
    edition_id      INTEGER NOT NULL REFERENCES edition(id),
    window_start    TEXT NOT NULL,                  -- YYYY-MM-DD
    window_end      TEXT NOT NULL,
    years_from      INTEGER NOT NULL,
    years_to        INTEGER NOT NULL,
    unit_types      TEXT NOT NULL DEFAULT '[]',     -- JSON array of org.type; [] = all
    pass_threshold  INTEGER NOT NULL,               -- hundredths
    reconcile       TEXT NOT NULL DEFAULT 'mean' CHECK (reconcile IN ('mean', 'leader')),
    no_own_district INTEGER NOT NULL DEFAULT 0 CHECK (no_own_district IN (0, 1)),
    publicity_start TEXT,
    publicity_end   TEXT,
    state           TEXT NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'open',
                        'evaluating', 'locked', 'publicity', 'closed')),
    created_by      INTEGER REFERENCES user(id),
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    CHECK (window_start <= window_end),
    CHECK (years_from <= years_to),
    CHECK (pass_threshold >= 0)
);
CREATE INDEX eval_round_scope ON eval_round(scope_path);
CREATE INDEX eval_round_office ON eval_round(office_id);

CREATE TABLE eval_group (
    id          INTEGER PRIMARY KEY,
    round_id    INTEGER NOT NULL REFERENCES eval_round(id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    leader_id   INTEGER REFERENCES user(id),
    created_at  INTEGER NOT NULL,
    UNIQUE (round_id, name)
);

CREATE TABLE eval_group_member (
    group_id    INTEGER NOT NULL REFERENCES eval_group(id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL REFERENCES user(id),
    PRIMARY KEY (group_id, user_id)
);
CREATE INDEX eval_group_member_user ON eval_group_member(user_id);

CREATE TABLE round_entry (
    id              INTEGER PRIMARY KEY,
    round_id        INTEGER NOT NULL REFERENCES eval_round(id) ON DELETE CASCADE,
    unit_id         INTEGER NOT NULL REFERENCES org(id),
    kind            TEXT NOT NULL CHECK (kind IN ('declare', 'recheck')),
    state           TEXT NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'declared',
                        'recommended', 'accepted', 'rejected', 'withdrawn')),
    contact_name    TEXT,
    contact_phone   TEXT,
    district_rank   INTEGER,
    district_note   TEXT,
    decision_reason TEXT,
    group_id        INTEGER REFERENCES eval_group(id) ON DELETE SET NULL,
    locked_at       INTEGER,
    locked_by       INTEGER REFERENCES user(id),
    total           INTEGER,                        -- hundredths, when locked
    vetoed          INTEGER NOT NULL DEFAULT 0 CHECK (vetoed IN (0, 1)),
    veto_reason     TEXT,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    UNIQUE (round_id, unit_id)
);
CREATE INDEX round_entry_round ON round_entry(round_id, state, id);
CREATE INDEX round_entry_unit ON round_entry(unit_id);
CREATE INDEX round_entry_group ON round_entry(group_id);

CREATE TABLE entry_doc (
    entry_id    INTEGER NOT NULL REFERENCES round_entry(id) ON DELETE CASCADE,
    document_id INTEGER NOT NULL REFERENCES document(id) ON DELETE CASCADE,
    PRIMARY KEY (entry_id, document_id)
);

CREATE TABLE entry_self (
    entry_id        INTEGER NOT NULL REFERENCES round_entry(id) ON DELETE CASCADE,
    indicator_code  TEXT NOT NULL,
    score           INTEGER CHECK (score IS NULL OR score >= 0),  -- hundredths
    note            TEXT,
    PRIMARY KEY (entry_id, indicator_code)
);

CREATE TABLE visit (
    id          INTEGER PRIMARY KEY,
    entry_id    INTEGER NOT NULL REFERENCES round_entry(id) ON DELETE CASCADE,
    starts_at   INTEGER NOT NULL,
    place       TEXT,
    note        TEXT,
    state       TEXT NOT NULL DEFAULT 'scheduled' CHECK (state IN ('scheduled', 'cancelled')),
    created_by  INTEGER REFERENCES user(id),
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE INDEX visit_entry ON visit(entry_id, starts_at);
CREATE INDEX visit_starts ON visit(starts_at);

CREATE TABLE score_sheet (
    id              INTEGER PRIMARY KEY,
    entry_id        INTEGER NOT NULL REFERENCES round_entry(id) ON DELETE CASCADE,
    evaluator_id    INTEGER NOT NULL REFERENCES user(id),
    state           TEXT NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'submitted')),
    submitted_at    INTEGER,
    updated_at      INTEGER NOT NULL,
    UNIQUE (entry_id, evaluator_id)
);
CREATE INDEX score_sheet_evaluator ON score_sheet(evaluator_id, entry_id);

CREATE TABLE score (
    sheet_id        INTEGER NOT NULL REFERENCES score_sheet(id) ON DELETE CASCADE,
    indicator_code  TEXT NOT NULL,
    value           INTEGER,                        -- hundredths
    grade           TEXT CHECK (grade IS NULL OR grade IN ('A', 'B', 'C', 'D')),
    deductions      TEXT,                           -- JSON [{"reason":s,"points":hundredths}]
    method          TEXT,
    comment         TEXT,
    evidence        TEXT,                           -- JSON [document ids]
    veto            INTEGER NOT NULL DEFAULT 0 CHECK (veto IN (0, 1)),
    veto_reason     TEXT,
    updated_at      INTEGER NOT NULL,
    PRIMARY KEY (sheet_id, indicator_code)
);

CREATE TABLE entry_final (
    entry_id        INTEGER NOT NULL REFERENCES round_entry(id) ON DELETE CASCADE,
    indicator_code  TEXT NOT NULL,
    value           INTEGER NOT NULL,               -- hundredths
    how             TEXT NOT NULL CHECK (how IN ('mean', 'leader')),
    decided_by      INTEGER REFERENCES user(id),
    decided_at      INTEGER NOT NULL,
    PRIMARY KEY (entry_id, indicator_code)
);

-- Notifications of issue 10 (declaration, and the kinds the round's other parts add): the
-- kinds are checked where they are written (wm_notify_kind_valid, src/core/notify.c), no
-- longer by a CHECK that each new kind would have to rebuild.  SQLite drops a CHECK by
-- rebuilding the table (nothing references it).
CREATE TABLE notification_new (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES user(id),
    kind        TEXT NOT NULL,
    object_type TEXT,
    object_id   INTEGER,
    text        TEXT NOT NULL,
    link        TEXT,
    at          INTEGER NOT NULL,
    read_at     INTEGER,
    inbox       INTEGER NOT NULL DEFAULT 1,
    email       INTEGER NOT NULL DEFAULT 1,
    digest_id   INTEGER REFERENCES notify_digest(id)
);
INSERT INTO notification_new (id, user_id, kind, object_type, object_id, text, link, at,
                              read_at, inbox, email, digest_id)
    SELECT id, user_id, kind, object_type, object_id, text, link, at, read_at, inbox, email,
           digest_id FROM notification;
DROP TABLE notification;
ALTER TABLE notification_new RENAME TO notification;
CREATE INDEX notification_user ON notification(user_id, id);
CREATE INDEX notification_unread ON notification(user_id) WHERE read_at IS NULL AND inbox = 1;
CREATE INDEX notification_pending ON notification(user_id, at)
    WHERE digest_id IS NULL AND email = 1 AND read_at IS NULL;
CREATE INDEX notification_digest ON notification(digest_id);
