-- 0001: the foundation: org tree, units, departments, users, sessions, API tokens,
-- login failures and the hash-chained audit log.

-- The jurisdiction tree. path is the materialized path of ids ('/1/4/9/'), so
-- "everything under this office" is one range scan on org_path.
CREATE TABLE org (
    id          INTEGER PRIMARY KEY,
    parent_id   INTEGER REFERENCES org(id),
    path        TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('office', 'unit')),
    name        TEXT NOT NULL,
    code        TEXT UNIQUE,            -- units only: the unit's code (统一社会信用代码 or local)
    type        TEXT,                   -- units only: 机关, 企业, 事业单位, 学校, ...
    created_at  INTEGER NOT NULL
);
CREATE INDEX org_path ON org(path);
CREATE INDEX org_parent ON org(parent_id);

CREATE TABLE dept (
    id          INTEGER PRIMARY KEY,
    unit_id     INTEGER NOT NULL REFERENCES org(id),
    name        TEXT NOT NULL,
    UNIQUE (unit_id, name)
);

CREATE TABLE user (
    id              INTEGER PRIMARY KEY,
    username        TEXT NOT NULL UNIQUE,
    display_name    TEXT NOT NULL,
    pwhash          TEXT NOT NULL,
    role            TEXT NOT NULL CHECK (role IN ('admin', 'office', 'evaluator',
                                                  'unit_admin', 'unit_member', 'unit_viewer')),
    org_id          INTEGER NOT NULL REFERENCES org(id),
    dept_id         INTEGER REFERENCES dept(id),
    disabled        INTEGER NOT NULL DEFAULT 0,
    must_change_pw  INTEGER NOT NULL DEFAULT 0,
    created_at      INTEGER NOT NULL
);
CREATE INDEX user_org ON user(org_id);

-- Failed logins by the name that was typed, whether or not it exists, so that the lockout
-- behaves the same for real and made-up names.
CREATE TABLE login_failure (
    username    TEXT NOT NULL,
    at          INTEGER NOT NULL
);
CREATE INDEX login_failure_name ON login_failure(username, at);

-- Sessions and tokens are stored as the SHA-256 of the secret only.
CREATE TABLE session (
    hash        TEXT PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES user(id),
    csrf        TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    last_seen   INTEGER NOT NULL,
    addr        TEXT
);
CREATE INDEX session_user ON session(user_id);

CREATE TABLE api_token (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES user(id),
    name        TEXT NOT NULL,
    hash        TEXT NOT NULL UNIQUE,
    created_at  INTEGER NOT NULL,
    last_used   INTEGER,
    revoked     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX api_token_user ON api_token(user_id);

-- Append-only: each row's hash covers the previous row's hash and this row's content.
CREATE TABLE audit (
    id          INTEGER PRIMARY KEY,
    at          INTEGER NOT NULL,
    user_id     INTEGER,
    username    TEXT NOT NULL,
    action      TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object_id   INTEGER,
    org_path    TEXT NOT NULL,
    summary     TEXT NOT NULL,
    request_id  TEXT NOT NULL,
    addr        TEXT NOT NULL,
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL
);
CREATE INDEX audit_org ON audit(org_path, id);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
    BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
    BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
