-- 0020: password history (issue 13).  When a password is changed or reset, the hash it
-- replaces is kept here, so that wenming.conf's password_history = N can refuse a new
-- password equal to the current one or to any of the N - 1 before it (compared with
-- wm_password_verify).  At most N - 1 rows are kept per user (pw_history_add trims).
CREATE TABLE password_history (
    id      INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES user(id),
    pwhash  TEXT NOT NULL,
    at      INTEGER NOT NULL
);
CREATE INDEX password_history_user ON password_history(user_id, id);
