-- 0011: notifications (issue 9).  An in-app inbox for every account and a daily e-mail
-- digest.  A notification is one row per recipient, written in the transaction of the change
-- it tells about (a return, an approval, a guidance reply, a deadline, a featured item).
-- inbox and email are the recipient's preferences for the kind when it was written (a row
-- is written only when at least one is on): inbox = 0 keeps it out of the inbox, email = 0
-- out of the digest.  read_at is when the person marked it read (NULL: unread).
--
-- The digest: notify_digest is one e-mail to one person.  It is recorded (state 'sending',
-- with its Message-ID) and its notifications are tied to it (digest_id) in one transaction
-- BEFORE the message goes out; after the SMTP server accepted it, state becomes 'sent'.  A
-- notification is therefore in at most one digest, ever; a digest that failed to go out is
-- sent again with the same items and Message-ID by the next run (the job's retry).
CREATE TABLE notify_digest (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES user(id),
    state       TEXT NOT NULL DEFAULT 'sending' CHECK (state IN ('sending', 'sent')),
    message_id  TEXT NOT NULL UNIQUE,
    address     TEXT NOT NULL,
    items       INTEGER NOT NULL DEFAULT 0,
    attempts    INTEGER NOT NULL DEFAULT 0,
    last_error  TEXT,
    created_at  INTEGER NOT NULL,
    sent_at     INTEGER
);
CREATE INDEX notify_digest_open ON notify_digest(state, id);
CREATE INDEX notify_digest_user ON notify_digest(user_id, id);

CREATE TABLE notification (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES user(id),
    kind        TEXT NOT NULL CHECK (kind IN ('returned', 'approved', 'guidance', 'due_soon',
                                              'overdue', 'featured')),
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
-- the inbox, newest first
CREATE INDEX notification_user ON notification(user_id, id);
-- the unread count in every page's header: one small index range
CREATE INDEX notification_unread ON notification(user_id) WHERE read_at IS NULL AND inbox = 1;
-- what the next digest takes
CREATE INDEX notification_pending ON notification(user_id, at)
    WHERE digest_id IS NULL AND email = 1;
CREATE INDEX notification_digest ON notification(digest_id);

-- Preferences per person and kind; no row: both on.
CREATE TABLE notify_pref (
    user_id     INTEGER NOT NULL REFERENCES user(id),
    kind        TEXT NOT NULL,
    inbox       INTEGER NOT NULL DEFAULT 1,
    email       INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (user_id, kind)
);

-- Notifications that must go out once only (a leaf's period becoming due soon or overdue):
-- a key recorded the first time, so a second run of the scan sends nothing new.
CREATE TABLE notify_once (
    key         TEXT PRIMARY KEY,
    at          INTEGER NOT NULL
);

-- The address the digest goes to (NULL: none).
ALTER TABLE user ADD COLUMN email TEXT;
