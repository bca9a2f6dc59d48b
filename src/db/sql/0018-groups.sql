-- 0018: evaluation groups and visits (测评组, 走访; issue 10, helper "groups").  The tables
-- are 0014's; this adds the notification kind 'visit' (a visit scheduled, moved or
-- cancelled, told to the unit).  SQLite cannot change a CHECK: the table is rebuilt with
-- the same columns, rows and indexes.
CREATE TABLE notification_0018 (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES user(id),
    kind        TEXT NOT NULL CHECK (kind IN ('returned', 'approved', 'guidance', 'due_soon',
                                              'overdue', 'featured', 'visit')),
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
INSERT INTO notification_0018(id, user_id, kind, object_type, object_id, text, link, at,
                              read_at, inbox, email, digest_id)
    SELECT id, user_id, kind, object_type, object_id, text, link, at, read_at, inbox, email,
           digest_id FROM notification;
DROP TABLE notification;
ALTER TABLE notification_0018 RENAME TO notification;
CREATE INDEX notification_user ON notification(user_id, id);
CREATE INDEX notification_unread ON notification(user_id) WHERE read_at IS NULL AND inbox = 1;
CREATE INDEX notification_pending ON notification(user_id, at)
    WHERE digest_id IS NULL AND email = 1 AND read_at IS NULL;
CREATE INDEX notification_digest ON notification(digest_id);
