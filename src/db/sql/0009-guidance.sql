-- 0009: guidance conversations (指导意见, issue 9).  One conversation per unit x year x leaf
-- (an archive's leaf) between the office whose jurisdiction holds the unit and the unit's
-- writers: messages of text with an optional attachment (a blob of the content-addressed
-- store, its client name kept as metadata only), and per account the last message read.
CREATE TABLE guidance (
    id              INTEGER PRIMARY KEY,
    archive_id      INTEGER NOT NULL REFERENCES archive(id) ON DELETE CASCADE,
    indicator_code  TEXT NOT NULL,
    state           TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'closed')),
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    UNIQUE (archive_id, indicator_code)
);
CREATE INDEX guidance_updated ON guidance(state, updated_at);

CREATE TABLE guidance_message (
    id          INTEGER PRIMARY KEY,
    guidance_id INTEGER NOT NULL REFERENCES guidance(id) ON DELETE CASCADE,
    author_id   INTEGER REFERENCES user(id),
    side        TEXT NOT NULL CHECK (side IN ('office', 'unit')),
    body        TEXT NOT NULL,
    blob_sha    TEXT REFERENCES blob(sha),
    filename    TEXT,                     -- the uploaded name: metadata only, never a path
    at          INTEGER NOT NULL,
    CHECK (length(body) > 0 OR blob_sha IS NOT NULL),
    CHECK ((blob_sha IS NULL) = (filename IS NULL))
);
CREATE INDEX guidance_message_conv ON guidance_message(guidance_id, id);
CREATE INDEX guidance_message_blob ON guidance_message(blob_sha);

CREATE TABLE guidance_read (
    guidance_id INTEGER NOT NULL REFERENCES guidance(id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL REFERENCES user(id),
    last_read   INTEGER NOT NULL,         -- the id of the last message the account has read
    PRIMARY KEY (guidance_id, user_id)
);
