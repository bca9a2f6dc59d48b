/*
** sq_notify.c — the SQLite backend's notifications (migration 0011): the inbox, the
** preferences, the e-mail digests and the once-only keys.
**
** A notification is written for every recipient by one INSERT ... SELECT that joins the
** recipients' preference for the kind, so telling a unit of twenty accounts is one
** statement.  A digest is recorded and its notifications tied to it in the caller's
** transaction, before the message goes out (see 0011-notify.sql).
*/
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "sq_helper.h"

#define DB ((struct sq_db *)base)

/* What every recipient query inserts: ?2 kind, ?3 object_type, ?4 object_id, ?5 text,
** ?6 link, ?7 now, ?8 the account left out; u is the recipient, p its preference row. */
#define NOTE_INSERT                                                                          \
    "INSERT INTO notification(user_id, kind, object_type, object_id, text, link, at, inbox, " \
    "email) SELECT u.id, ?2, ?3, nullif(?4, 0), ?5, ?6, ?7, coalesce(p.inbox, 1), "         \
    "coalesce(p.email, 1) "
#define NOTE_WHERE                                                                           \
    " LEFT JOIN notify_pref p ON p.user_id = u.id AND p.kind = ?2 "                          \
    "WHERE u.disabled = 0 AND u.id <> ?8 AND (coalesce(p.inbox, 1) = 1 OR coalesce(p.email, 1) = 1)"

#define NOTE_COLS "id, kind, object_type, object_id, text, link, at, read_at"

static enum wm_qs
notify_insert(struct wm_db *base, enum wm_notify_to to, int64_t target,
              const struct wm_notify_in *in, int64_t now, int64_t *n)
{
    static const char to_user[] = NOTE_INSERT "FROM user u" NOTE_WHERE " AND u.id = ?1";
    static const char to_unit[] =
        NOTE_INSERT "FROM user u" NOTE_WHERE
                    " AND u.org_id = ?1 AND u.role IN ('unit_admin', 'unit_member')";
    /* offices above the unit: their paths are prefixes of the unit's path */
    static const char to_office[] =
        NOTE_INSERT "FROM org t JOIN org o ON o.kind = 'office' "
                    "AND substr(t.path, 1, length(o.path)) = o.path "
                    "JOIN user u ON u.org_id = o.id AND u.role = 'office'" NOTE_WHERE
                    " AND t.id = ?1";
    const char *sql = WM_NOTIFY_USER == to ? to_user : WM_NOTIFY_UNIT == to ? to_unit : to_office;
    *n = 0;
    enum wm_qs qs = sq_exec(DB, sq_prep(DB, sql, "ittittii", target, in->kind, in->object_type,
                                        in->object_id, in->text, in->link, now,
                                        in->except_user));
    if (qs < 0) {
        return qs;
    }
    *n = sqlite3_changes(DB->h);
    return WM_QS_ONE;
}

static json_t *
notify_list(struct wm_db *base, int64_t user_id, bool unread_only, unsigned limit,
            unsigned offset)
{
    static const char sql[] = "SELECT " NOTE_COLS " FROM notification "
                              "WHERE user_id = ?1 AND inbox = 1 AND (?2 = 0 OR read_at IS NULL) "
                              "ORDER BY id DESC LIMIT ?3 OFFSET ?4";
    return sq_rows(DB, sq_prep(DB, sql, "iiii", user_id, (int64_t)unread_only,
                               (int64_t)(limit ? limit : 50), (int64_t)offset));
}

static int64_t
notify_unread(struct wm_db *base, int64_t user_id)
{
    static const char sql[] = "SELECT count(*) FROM notification "
                              "WHERE user_id = ?1 AND read_at IS NULL AND inbox = 1";
    return sq_int(DB, sq_prep(DB, sql, "i", user_id), 0);
}

static enum wm_qs
notify_read(struct wm_db *base, int64_t user_id, int64_t id, int64_t now, int64_t *n)
{
    static const char sql[] = "UPDATE notification SET read_at = ?3 WHERE user_id = ?1 "
                              "AND (?2 = 0 OR id = ?2) AND read_at IS NULL AND inbox = 1";
    enum wm_qs qs = sq_exec(DB, sq_prep(DB, sql, "iii", user_id, id, now));
    *n = WM_QS_ONE == qs ? sqlite3_changes(DB->h) : 0;
    return qs;
}

static json_t *
notify_prefs(struct wm_db *base, int64_t user_id)
{
    static const char sql[] =
        "SELECT kind, inbox, email FROM notify_pref WHERE user_id = ?1 ORDER BY kind";
    return sq_rows(DB, sq_prep(DB, sql, "i", user_id));
}

static enum wm_qs
notify_pref_set(struct wm_db *base, int64_t user_id, const char *kind, bool inbox, bool email)
{
    static const char sql[] =
        "INSERT INTO notify_pref(user_id, kind, inbox, email) VALUES (?1, ?2, ?3, ?4) "
        "ON CONFLICT(user_id, kind) DO UPDATE SET inbox = excluded.inbox, email = excluded.email";
    return sq_exec(DB, sq_prep(DB, sql, "itii", user_id, kind, (int64_t)inbox, (int64_t)email));
}

static json_t *
user_email_get(struct wm_db *base, int64_t user_id)
{
    static const char sql[] = "SELECT id, display_name, email, disabled FROM user WHERE id = ?1";
    return sq_row(DB, sq_prep(DB, sql, "i", user_id));
}

static enum wm_qs
user_email_set(struct wm_db *base, int64_t user_id, const char *email)
{
    static const char sql[] = "UPDATE user SET email = ?2 WHERE id = ?1";
    return sq_exec(DB, sq_prep(DB, sql, "it", user_id, email));
}

static json_t *
notify_pending(struct wm_db *base, int64_t since, unsigned limit)
{
    static const char sql[] =
        "SELECT u.id AS user_id, u.display_name, u.email, count(*) AS n "
        "FROM notification n JOIN user u ON u.id = n.user_id "
        "WHERE n.digest_id IS NULL AND n.email = 1 AND n.at >= ?1 AND u.disabled = 0 "
        "AND u.email IS NOT NULL AND u.email <> '' "
        "GROUP BY u.id, u.display_name, u.email ORDER BY u.id LIMIT ?2";
    return sq_rows(DB, sq_prep(DB, sql, "ii", since, (int64_t)(limit ? limit : 100)));
}

static enum wm_qs
notify_digest_create(struct wm_db *base, int64_t user_id, const char *address,
                     const char *message_id, int64_t since, int64_t now, int64_t *id,
                     int64_t *n)
{
    static const char ins[] = "INSERT INTO notify_digest(user_id, address, message_id, "
                              "created_at) VALUES (?1, ?2, ?3, ?4)";
    static const char tie[] = "UPDATE notification SET digest_id = ?1 WHERE user_id = ?2 "
                              "AND digest_id IS NULL AND email = 1 AND at >= ?3";
    static const char count[] = "UPDATE notify_digest SET items = ?2 WHERE id = ?1";
    static const char drop[] = "DELETE FROM notify_digest WHERE id = ?1";
    *id = 0;
    *n = 0;
    enum wm_qs qs = sq_exec(DB, sq_prep(DB, ins, "itti", user_id, address, message_id, now));
    if (WM_QS_ONE != qs) {
        return qs;
    }
    int64_t did = sqlite3_last_insert_rowid(DB->h);
    qs = sq_exec(DB, sq_prep(DB, tie, "iii", did, user_id, since));
    if (qs < 0) {
        return qs;
    }
    int64_t items = WM_QS_ONE == qs ? sqlite3_changes(DB->h) : 0;
    if (0 == items) {
        qs = sq_exec(DB, sq_prep(DB, drop, "i", did));
        return qs < 0 ? qs : WM_QS_NONE;
    }
    qs = sq_exec(DB, sq_prep(DB, count, "ii", did, items));
    if (WM_QS_ONE != qs) {
        return qs < 0 ? qs : WM_QS_HARD;
    }
    *id = did;
    *n = items;
    return WM_QS_ONE;
}

static json_t *
notify_digest_open(struct wm_db *base, unsigned limit)
{
    static const char sql[] =
        "SELECT d.id, d.user_id, u.display_name, d.address, d.message_id, d.items, d.attempts, "
        "d.created_at FROM notify_digest d JOIN user u ON u.id = d.user_id "
        "WHERE d.state = 'sending' ORDER BY d.id LIMIT ?1";
    return sq_rows(DB, sq_prep(DB, sql, "i", (int64_t)(limit ? limit : 100)));
}

static json_t *
notify_digest_items(struct wm_db *base, int64_t digest_id)
{
    static const char sql[] =
        "SELECT " NOTE_COLS " FROM notification WHERE digest_id = ?1 ORDER BY id";
    return sq_rows(DB, sq_prep(DB, sql, "i", digest_id));
}

static enum wm_qs
notify_digest_done(struct wm_db *base, int64_t digest_id, const char *why, int64_t now)
{
    static const char sql[] =
        "UPDATE notify_digest SET state = CASE WHEN ?2 IS NULL THEN 'sent' ELSE state END, "
        "sent_at = CASE WHEN ?2 IS NULL THEN ?3 ELSE NULL END, attempts = attempts + 1, "
        "last_error = ?2 WHERE id = ?1 AND state = 'sending'";
    return sq_exec(DB, sq_prep(DB, sql, "iti", digest_id, why, now));
}

static enum wm_qs
notify_once(struct wm_db *base, const char *key, int64_t now)
{
    static const char sql[] =
        "INSERT INTO notify_once(key, at) VALUES (?1, ?2) ON CONFLICT(key) DO NOTHING";
    return sq_exec(DB, sq_prep(DB, sql, "ti", key, now));
}

void sq_fill_notify_ops(struct wm_db_ops *ops);

void
sq_fill_notify_ops(struct wm_db_ops *ops)
{
    ops->notify_insert = notify_insert;
    ops->notify_list = notify_list;
    ops->notify_unread = notify_unread;
    ops->notify_read = notify_read;
    ops->notify_prefs = notify_prefs;
    ops->notify_pref_set = notify_pref_set;
    ops->user_email_get = user_email_get;
    ops->user_email_set = user_email_set;
    ops->notify_pending = notify_pending;
    ops->notify_digest_create = notify_digest_create;
    ops->notify_digest_open = notify_digest_open;
    ops->notify_digest_items = notify_digest_items;
    ops->notify_digest_done = notify_digest_done;
    ops->notify_once = notify_once;
}

/* end of sq_notify.c */
