/*
** sq_totp.c — the SQLite backend's operations of the TOTP second factor (issue 13, totp):
** the secret and last step on the account's row, the sign-in waiting for its second step,
** the password's age, and the recovery codes (their hashes only).
*/
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "sq_helper.h"

#define DB ((struct sq_db *)base)

static json_t *
totp_get(struct wm_db *base, int64_t user_id)
{
    static const char sql[] =
        "SELECT totp_secret AS secret, totp_enabled_at AS enabled_at, totp_last_step AS "
        "last_step, totp_pending_hash AS pending_hash, totp_pending_at AS pending_at, "
        "totp_pending_addr AS pending_addr, pw_set_at FROM user WHERE id = ?1";
    return sq_row(DB, sq_prep(DB, sql, "i", user_id));
}

static enum wm_qs
totp_set(struct wm_db *base, int64_t user_id, const char *secret, int64_t enabled_at,
         int64_t last_step)
{
    static const char sql[] = "UPDATE user SET totp_secret = ?2, totp_enabled_at = nullif(?3, 0), "
                              "totp_last_step = ?4 WHERE id = ?1";
    return sq_exec(DB, sq_prep(DB, sql, "itii", user_id, secret, enabled_at, last_step));
}

static enum wm_qs
totp_step_use(struct wm_db *base, int64_t user_id, int64_t step)
{
    static const char sql[] =
        "UPDATE user SET totp_last_step = ?2 WHERE id = ?1 AND totp_last_step < ?2";
    return sq_exec(DB, sq_prep(DB, sql, "ii", user_id, step));
}

static enum wm_qs
totp_pending_set(struct wm_db *base, int64_t user_id, const char *hash, int64_t at,
                 const char *addr)
{
    static const char sql[] = "UPDATE user SET totp_pending_hash = ?2, totp_pending_at = ?3, "
                              "totp_pending_addr = ?4 WHERE id = ?1";
    return sq_exec(DB, sq_prep(DB, sql, "itit", user_id, hash, hash ? at : 0,
                               hash ? addr : NULL));
}

static enum wm_qs
user_pw_set_at(struct wm_db *base, int64_t user_id, int64_t at)
{
    static const char sql[] = "UPDATE user SET pw_set_at = ?2 WHERE id = ?1";
    return sq_exec(DB, sq_prep(DB, sql, "ii", user_id, at));
}

static enum wm_qs
recovery_replace(struct wm_db *base, int64_t user_id, const json_t *hashes, int64_t now)
{
    static const char del[] = "DELETE FROM totp_recovery WHERE user_id = ?1";
    static const char ins[] =
        "INSERT INTO totp_recovery(user_id, hash, created_at) VALUES (?1, ?2, ?3)";
    enum wm_qs qs = sq_exec(DB, sq_prep(DB, del, "i", user_id));
    if (qs < 0) {
        return qs;
    }
    size_t i;
    json_t *h;
    json_array_foreach(hashes, i, h)
    {
        qs = sq_exec(DB, sq_prep(DB, ins, "iti", user_id, json_string_value(h), now));
        if (WM_QS_ONE != qs) {
            return qs < 0 ? qs : WM_QS_HARD;
        }
    }
    return WM_QS_ONE;
}

static json_t *
recovery_list(struct wm_db *base, int64_t user_id)
{
    static const char sql[] = "SELECT id, hash FROM totp_recovery WHERE user_id = ?1 AND "
                              "used_at IS NULL ORDER BY id";
    return sq_rows(DB, sq_prep(DB, sql, "i", user_id));
}

static enum wm_qs
recovery_use(struct wm_db *base, int64_t user_id, int64_t id, int64_t now)
{
    static const char sql[] = "UPDATE totp_recovery SET used_at = ?3 WHERE id = ?2 AND "
                              "user_id = ?1 AND used_at IS NULL";
    return sq_exec(DB, sq_prep(DB, sql, "iii", user_id, id, now));
}

void sq_fill_totp_ops(struct wm_db_ops *ops);

void
sq_fill_totp_ops(struct wm_db_ops *ops)
{
    ops->totp_get = totp_get;
    ops->totp_set = totp_set;
    ops->totp_step_use = totp_step_use;
    ops->totp_pending_set = totp_pending_set;
    ops->user_pw_set_at = user_pw_set_at;
    ops->recovery_replace = recovery_replace;
    ops->recovery_list = recovery_list;
    ops->recovery_use = recovery_use;
}

/* end of sq_totp.c */
