-- 0018: running the creation work (issue 12): the unit's settings for it, its leadership
-- group and office (members over time, duties), the annual plan with stages and tasks to
-- departments, meetings with their expected cadence, responsibility areas (责任区) with
-- weekly inspections and bulletins (一周一通报), the links from these records to the archive
-- documents they produced, and the rest of the rectification item (整改项): corrective
-- action, preventive measure, department, evidence, verification (四心质量环, 精心改进).
-- Days are 'YYYY-MM-DD' text; times unix seconds.

-- A unit's settings of its creation work (one row once set; absent: the defaults).
--   start_on       the day the unit's creation work starts (a unit that joins mid-year owes
--                  nothing for periods that began before it); NULL: the unit's creation day
--   bulletin_leaf  the indicator code whose leaf the weekly bulletins are filed into
--   inspection_leaf  the leaf inspection photos are filed into
--   plan_leaf      the leaf the annual plan's PDF is filed into
--   rect_leaf      the leaf rectification evidence is filed into when the item has none
--   inspect_weekly 1: one inspection of the areas is expected every week
CREATE TABLE work_unit (
    unit_id         INTEGER PRIMARY KEY REFERENCES org(id),
    start_on        TEXT,
    bulletin_leaf   TEXT,
    inspection_leaf TEXT,
    plan_leaf       TEXT,
    rect_leaf       TEXT,
    inspect_weekly  INTEGER NOT NULL DEFAULT 1 CHECK (inspect_weekly IN (0, 1)),
    updated_at      INTEGER NOT NULL,
    updated_by      INTEGER REFERENCES user(id)
);

-- The kinds of meeting a unit holds (领导小组会议, 工作分析会, 半年总结会 …), each with its
-- expected cadence (at least min_count per period; period 'none': no expectation) and the
-- leaf its minutes and photos are filed into (NULL: not filed).
CREATE TABLE work_meeting_kind (
    id          INTEGER PRIMARY KEY,
    unit_id     INTEGER NOT NULL REFERENCES org(id),
    name        TEXT NOT NULL,
    period      TEXT NOT NULL CHECK (period IN ('none', 'monthly', 'quarterly', 'half-yearly',
                                                 'yearly')),
    min_count   INTEGER NOT NULL DEFAULT 1 CHECK (min_count BETWEEN 0 AND 100),
    leaf_code   TEXT,
    position    INTEGER NOT NULL DEFAULT 0,
    active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at  INTEGER NOT NULL,
    UNIQUE (unit_id, name)
);

-- Members of the leadership group (body 'group': 组长 leader, 副组长 deputy, 成员 member)
-- and of its office (body 'office': 主任 director, 成员 member), from the unit's accounts
-- (user_id) or by name.  Nothing is deleted: a member who leaves gets to_on, so the group on
-- any day is the rows with from_on <= day and (to_on IS NULL or day < to_on).
CREATE TABLE work_member (
    id          INTEGER PRIMARY KEY,
    unit_id     INTEGER NOT NULL REFERENCES org(id),
    body        TEXT NOT NULL CHECK (body IN ('group', 'office')),
    role        TEXT NOT NULL CHECK (role IN ('leader', 'deputy', 'director', 'member')),
    user_id     INTEGER REFERENCES user(id),
    name        TEXT NOT NULL,
    post        TEXT,                         -- 职务, e.g. 党委书记
    from_on     TEXT NOT NULL,
    to_on       TEXT,
    created_by  INTEGER REFERENCES user(id),
    created_at  INTEGER NOT NULL,
    ended_by    INTEGER REFERENCES user(id),
    ended_at    INTEGER
);
CREATE INDEX work_member_unit ON work_member(unit_id, body, from_on);

-- The written duties of a body, as text; every change is a new row (the duties on a day
-- are the newest row with set_on <= day).
CREATE TABLE work_duty (
    id          INTEGER PRIMARY KEY,
    unit_id     INTEGER NOT NULL REFERENCES org(id),
    body        TEXT NOT NULL CHECK (body IN ('group', 'office')),
    text        TEXT NOT NULL,
    set_on      TEXT NOT NULL,
    created_by  INTEGER REFERENCES user(id),
    created_at  INTEGER NOT NULL
);
CREATE INDEX work_duty_unit ON work_duty(unit_id, body, set_on, id);

-- The annual plan (用心策划): goals as text, the campaign's stages, tasks.
CREATE TABLE work_plan (
    id          INTEGER PRIMARY KEY,
    unit_id     INTEGER NOT NULL REFERENCES org(id),
    year        INTEGER NOT NULL,
    title       TEXT NOT NULL,
    goals       TEXT NOT NULL DEFAULT '',
    document_id INTEGER REFERENCES document(id) ON DELETE SET NULL,  -- the plan as filed into plan_leaf
    created_by  INTEGER REFERENCES user(id),
    created_at  INTEGER NOT NULL,
    updated_by  INTEGER REFERENCES user(id),
    updated_at  INTEGER NOT NULL,
    UNIQUE (unit_id, year)
);

-- The campaign's stages (宣传发动, 组织实施, 巩固总结 …) in order.
CREATE TABLE work_stage (
    id          INTEGER PRIMARY KEY,
    plan_id     INTEGER NOT NULL REFERENCES work_plan(id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    starts_on   TEXT NOT NULL,
    ends_on     TEXT NOT NULL,
    position    INTEGER NOT NULL DEFAULT 0,
    CHECK (starts_on <= ends_on)
);
CREATE INDEX work_stage_plan ON work_stage(plan_id, position);

-- A task of the plan, for a department (件件有人抓，项项有着落).  Overdue is not stored: an
-- open task past due_on is overdue.
CREATE TABLE work_task (
    id          INTEGER PRIMARY KEY,
    plan_id     INTEGER NOT NULL REFERENCES work_plan(id),
    unit_id     INTEGER NOT NULL REFERENCES org(id),
    title       TEXT NOT NULL,
    detail      TEXT NOT NULL DEFAULT '',
    dept_id     INTEGER REFERENCES dept(id),
    person_id   INTEGER REFERENCES user(id),
    person_name TEXT,
    due_on      TEXT,
    state       TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'done')),
    done_note   TEXT,
    done_by     INTEGER REFERENCES user(id),
    done_at     INTEGER,
    created_by  INTEGER REFERENCES user(id),
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE INDEX work_task_plan ON work_task(plan_id, state, due_on);
CREATE INDEX work_task_dept ON work_task(dept_id, state, due_on);

-- The leaves of the standard a task serves (indicator codes of the year's archive).
CREATE TABLE work_task_leaf (
    task_id         INTEGER NOT NULL REFERENCES work_task(id) ON DELETE CASCADE,
    indicator_code  TEXT NOT NULL,
    PRIMARY KEY (task_id, indicator_code)
);

-- A meeting held.  Its minutes (typed, as text) and photos become documents of the kind's
-- leaf (work_link rows with role 'minutes' / 'photo').
CREATE TABLE work_meeting (
    id          INTEGER PRIMARY KEY,
    unit_id     INTEGER NOT NULL REFERENCES org(id),
    kind_id     INTEGER NOT NULL REFERENCES work_meeting_kind(id),
    held_on     TEXT NOT NULL,
    title       TEXT NOT NULL,
    place       TEXT,
    attendees   TEXT NOT NULL DEFAULT '',
    minutes     TEXT NOT NULL DEFAULT '',
    minutes_document_id INTEGER REFERENCES document(id) ON DELETE SET NULL,  -- typed minutes as filed (a PDF)
    created_by  INTEGER REFERENCES user(id),
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE INDEX work_meeting_unit ON work_meeting(unit_id, held_on);
CREATE INDEX work_meeting_kind_day ON work_meeting(kind_id, held_on);

-- A responsibility area (责任区) of a department: 公共场所, 门前三包, 室内卫生, 办公秩序 …
-- (category as written).  Retired areas stay (active 0) for the inspections that name them.
CREATE TABLE work_area (
    id          INTEGER PRIMARY KEY,
    unit_id     INTEGER NOT NULL REFERENCES org(id),
    dept_id     INTEGER REFERENCES dept(id),
    name        TEXT NOT NULL,
    category    TEXT NOT NULL DEFAULT '',
    active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    position    INTEGER NOT NULL DEFAULT 0,
    created_at  INTEGER NOT NULL,
    UNIQUE (unit_id, name)
);

-- An inspection of areas on a day, by an inspector (an account or a name).
CREATE TABLE work_inspection (
    id              INTEGER PRIMARY KEY,
    unit_id         INTEGER NOT NULL REFERENCES org(id),
    held_on         TEXT NOT NULL,
    inspector_id    INTEGER REFERENCES user(id),
    inspector_name  TEXT NOT NULL,
    note            TEXT NOT NULL DEFAULT '',
    created_by      INTEGER REFERENCES user(id),
    created_at      INTEGER NOT NULL
);
CREATE INDEX work_inspection_unit ON work_inspection(unit_id, held_on);

-- One area's result in an inspection: 合格 'pass' or 需整改 'fix' (with a note, and the photo
-- filed as a document).  A 'fix' opens a rectification item (source 'inspection',
-- source_id = this row's id).
CREATE TABLE work_check (
    id              INTEGER PRIMARY KEY,
    inspection_id   INTEGER NOT NULL REFERENCES work_inspection(id) ON DELETE CASCADE,
    area_id         INTEGER NOT NULL REFERENCES work_area(id),
    result          TEXT NOT NULL CHECK (result IN ('pass', 'fix')),
    note            TEXT NOT NULL DEFAULT '',
    photo_document_id INTEGER REFERENCES document(id) ON DELETE SET NULL,
    UNIQUE (inspection_id, area_id)
);
CREATE INDEX work_check_area ON work_check(area_id);

-- The weekly bulletin (通报) of the week starting week_on (a Monday), a PDF built by a job
-- and filed into bulletin_leaf; built again, it is a new version of the same document.
CREATE TABLE work_bulletin (
    id          INTEGER PRIMARY KEY,
    unit_id     INTEGER NOT NULL REFERENCES org(id),
    week_on     TEXT NOT NULL,
    state       TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done', 'failed')),
    error       TEXT,
    document_id INTEGER REFERENCES document(id) ON DELETE SET NULL,
    created_by  INTEGER REFERENCES user(id),
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    UNIQUE (unit_id, week_on)
);

-- Which archive documents a creation-work record produced or cites: kind 'meeting',
-- 'plan', 'inspection', 'bulletin', 'rectification', 'task'; role 'minutes', 'photo',
-- 'plan', 'bulletin', 'evidence'.  A document names its source through this table.
CREATE TABLE work_link (
    kind        TEXT NOT NULL CHECK (kind IN ('meeting', 'plan', 'task', 'inspection',
                                              'bulletin', 'rectification')),
    ref_id      INTEGER NOT NULL,
    document_id INTEGER NOT NULL REFERENCES document(id) ON DELETE CASCADE,
    role        TEXT NOT NULL CHECK (role IN ('minutes', 'photo', 'plan', 'bulletin',
                                              'evidence', 'attachment')),
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (kind, ref_id, document_id)
);
CREATE INDEX work_link_document ON work_link(document_id);

-- The rest of a rectification item (0016 made its core).  indicator_code '' when the
-- problem is not tied to a leaf (an area's finding).  States: open → done (corrected, with
-- evidence, awaiting verification) → verified (the leadership checked it: closed); 'closed'
-- is closed without correction (withdrawn, with close_note).  A rejected verification sends
-- it back to open with verify_note.
ALTER TABLE rectification ADD COLUMN corrective TEXT;
ALTER TABLE rectification ADD COLUMN preventive TEXT;
ALTER TABLE rectification ADD COLUMN dept_id INTEGER REFERENCES dept(id);
ALTER TABLE rectification ADD COLUMN done_note TEXT;
ALTER TABLE rectification ADD COLUMN done_by INTEGER REFERENCES user(id);
ALTER TABLE rectification ADD COLUMN done_at INTEGER;
ALTER TABLE rectification ADD COLUMN verify_note TEXT;
ALTER TABLE rectification ADD COLUMN verified_by INTEGER REFERENCES user(id);
ALTER TABLE rectification ADD COLUMN verified_at INTEGER;
ALTER TABLE rectification ADD COLUMN close_note TEXT;
CREATE INDEX rectification_dept ON rectification(dept_id, state);
