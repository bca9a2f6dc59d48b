-- 0021: the TOTP second factor and password expiry (issue 13, totp).
-- user.totp_secret: the account's TOTP key as base32 (RFC 4648, no padding); set when
--   enrolment starts, kept with totp_enabled_at NULL until a code confirms it.  A credential:
--   never logged, audited or shown by the API.
-- user.totp_last_step: the newest 30-second step accepted, so that a code is used once.
-- user.totp_pending_*: the sign-in waiting for its second step (SHA-256 of the random part of
--   the wm_2fa cookie, when it was made, the client's address): at most one per account.
-- user.pw_set_at: when the password was last set (wenming.conf password_max_age_days);
--   existing accounts count from this migration, so nobody is locked out by the upgrade.
ALTER TABLE user ADD COLUMN totp_secret TEXT;
ALTER TABLE user ADD COLUMN totp_enabled_at INTEGER;
ALTER TABLE user ADD COLUMN totp_last_step INTEGER NOT NULL DEFAULT 0;
ALTER TABLE user ADD COLUMN totp_pending_hash TEXT;
ALTER TABLE user ADD COLUMN totp_pending_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE user ADD COLUMN totp_pending_addr TEXT;
ALTER TABLE user ADD COLUMN pw_set_at INTEGER NOT NULL DEFAULT 0;
UPDATE user SET pw_set_at = CAST(strftime('%s', 'now') AS INTEGER);
-- One-time recovery codes: only their keyed SHA-256 (random codes of 60 bits).
CREATE TABLE totp_recovery (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES user(id),
    hash       TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    used_at    INTEGER
);
CREATE INDEX totp_recovery_user ON totp_recovery(user_id);
