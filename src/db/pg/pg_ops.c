/*
** pg_ops.c — the PostgreSQL backend's resource operations: orgs and units, departments,
** users, login failures, sessions, API tokens and the audit log.  The same statements as
** db/sqlite/sq_ops.c, in PostgreSQL's dialect: $n parameters, RETURNING id, IS [NOT]
** DISTINCT FROM for SQLite's IS [NOT], ILIKE for LIKE, and "user" quoted.  Each SQL text
** is a static string, so the statement table can key on its address.
*/
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pg_helper.h"

#define DB ((struct pg_db *)base)

/* ---------------------------------------------------------------- orgs */

static enum wm_qs
org_insert(struct wm_db *base, int64_t parent_id, const char *kind, const char *name,
           const char *code, const char *type, int64_t now, int64_t *id)
{
    static const char sql[] =
        "INSERT INTO org(parent_id, path, kind, name, code, type, created_at) "
        "VALUES (nullif($1, 0), '', $2, $3, $4, $5, $6) RETURNING id";
    static const char sql_path[] =
        "UPDATE org SET path = coalesce((SELECT p.path FROM org p WHERE p.id = org.parent_id), '/')"
        " || org.id || '/' WHERE id = $1";
    enum wm_qs qs =
        pg_id(DB, pg_q(DB, sql, "!itttti", parent_id, kind, name, code, type, now), id);
    if (WM_QS_ONE != qs) {
        return qs;
    }
    return pg_exec(DB, pg_q(DB, sql_path, "i", *id));
}

#define ORG_COLS "id, parent_id, path, kind, name, code, type, created_at"

static json_t *
org_get(struct wm_db *base, int64_t id)
{
    static const char sql[] = "SELECT " ORG_COLS ", "
                              "(SELECT name FROM org p WHERE p.id = org.parent_id) AS parent_name"
                              " FROM org WHERE id = $1";
    return pg_row(DB, pg_q(DB, sql, "i", id));
}

static json_t *
org_get_by_code(struct wm_db *base, const char *code)
{
    static const char sql[] = "SELECT " ORG_COLS " FROM org WHERE code = $1";
    return pg_row(DB, pg_q(DB, sql, "t", code));
}

static json_t *
org_find_name(struct wm_db *base, int64_t parent_id, const char *name)
{
    static const char sql[] = "SELECT " ORG_COLS " FROM org "
                              "WHERE parent_id IS NOT DISTINCT FROM nullif($1, 0) AND name = $2";
    return pg_row(DB, pg_q(DB, sql, "it", parent_id, name));
}

static json_t *
org_list(struct wm_db *base, const struct wm_page *pg)
{
    static const char sql[] =
        "SELECT " ORG_COLS ", (SELECT name FROM org p WHERE p.id = org.parent_id) AS parent_name"
        " FROM org WHERE ($1 IS NULL OR (path >= $1 AND path < $2)) AND id > $3"
        " AND ($4 IS NULL OR kind = $4)"
        " AND ($5 IS NULL OR name ILIKE $5 ESCAPE '\\' OR code ILIKE $5 ESCAPE '\\')"
        " AND ($6 IS NULL OR type = $6)"
        " ORDER BY id LIMIT $7";
    struct wm_db_range r = wm_db_range_of(pg->scope);
    char *like = wm_db_like_of(pg->q);
    json_t *a = pg_rows(DB, pg_q(DB, sql, "ttittti", r.lo, r.hi, pg->after, pg->kind, like,
                                 pg->type, (int64_t)pg->limit));
    free(like);
    wm_db_range_free(&r);
    return a;
}

static int64_t
org_count(struct wm_db *base, const char *scope, const char *kind, const char *type)
{
    static const char sql[] =
        "SELECT count(*) FROM org WHERE ($1 IS NULL OR (path >= $1 AND path < $2))"
        " AND ($3 IS NULL OR kind = $3) AND ($4 IS NULL OR type = $4)";
    struct wm_db_range r = wm_db_range_of(scope);
    int64_t n = pg_int(DB, pg_q(DB, sql, "tttt", r.lo, r.hi, kind, type), -1);
    wm_db_range_free(&r);
    return n;
}

static enum wm_qs
org_update(struct wm_db *base, int64_t id, const char *name, const char *code, const char *type)
{
    static const char sql[] = "UPDATE org SET name = coalesce($2, name), "
                              "code = coalesce($3, code), type = coalesce($4, type) WHERE id = $1";
    return pg_exec(DB, pg_q(DB, sql, "!ittt", id, name, code, type));
}

static enum wm_qs
org_move(struct wm_db *base, int64_t id, int64_t new_parent)
{
    static const char sql_parent[] = "UPDATE org SET parent_id = $2 WHERE id = $1";
    static const char sql_paths[] =
        "UPDATE org SET path = $2 || substr(path, length($1) + 1) "
        "WHERE path >= $1 AND path < $3";
    json_t *o = org_get(base, id), *p = o ? org_get(base, new_parent) : NULL;
    enum wm_qs qs = WM_QS_NONE;
    if (o && p) {
        const char *old = json_string_value(json_object_get(o, "path"));
        char *nw = wm_asprintf("%s%lld/", json_string_value(json_object_get(p, "path")),
                               (long long)id);
        struct wm_db_range r = wm_db_range_of(old);
        qs = pg_exec(DB, pg_q(DB, sql_parent, "ii", id, new_parent));
        if (WM_QS_ONE == qs) {
            qs = pg_exec(DB, pg_q(DB, sql_paths, "ttt", old, nw, r.hi));
        }
        wm_db_range_free(&r);
        free(nw);
    } else if (wm_db_failed(base)) {
        qs = base->status;
    }
    json_decref(o);
    json_decref(p);
    return qs;
}

/* ---------------------------------------------------------------- departments */

static enum wm_qs
dept_insert(struct wm_db *base, int64_t unit_id, const char *name, int64_t *id)
{
    static const char sql[] = "INSERT INTO dept(unit_id, name) VALUES ($1, $2) RETURNING id";
    return pg_id(DB, pg_q(DB, sql, "!it", unit_id, name), id);
}

static json_t *
dept_list(struct wm_db *base, int64_t unit_id)
{
    static const char sql[] = "SELECT id, unit_id, name, "
                              "(SELECT count(*) FROM \"user\" u WHERE u.dept_id = dept.id) AS users "
                              "FROM dept WHERE unit_id = $1 ORDER BY id";
    return pg_rows(DB, pg_q(DB, sql, "i", unit_id));
}

static json_t *
dept_get(struct wm_db *base, int64_t id)
{
    static const char sql[] = "SELECT id, unit_id, name FROM dept WHERE id = $1";
    return pg_row(DB, pg_q(DB, sql, "i", id));
}

static enum wm_qs
dept_delete(struct wm_db *base, int64_t id)
{
    static const char sql[] = "DELETE FROM dept WHERE id = $1";
    return pg_exec(DB, pg_q(DB, sql, "!i", id));
}

/* ---------------------------------------------------------------- users */

#define USER_COLS                                                                            \
    "u.id, u.username, u.display_name, u.role, u.org_id, o.path AS org_path, "             \
    "o.name AS org_name, o.kind AS org_kind, u.dept_id, d.name AS dept_name, u.disabled, " \
    "u.must_change_pw, u.created_at, u.totp_enabled_at, u.pw_set_at" /* pw_set_at, totp_enabled_at: 0021 */
#define USER_FROM                                                                            \
    " FROM \"user\" u JOIN org o ON o.id = u.org_id LEFT JOIN dept d ON d.id = u.dept_id"

static enum wm_qs
user_insert(struct wm_db *base, const char *username, const char *display, const char *pwhash,
            const char *role, int64_t org_id, int64_t dept_id, bool must_change, int64_t now,
            int64_t *id)
{
    static const char sql[] =
        "INSERT INTO \"user\"(username, display_name, pwhash, role, org_id, dept_id, "
        "must_change_pw, created_at) VALUES ($1, $2, $3, $4, $5, nullif($6, 0), $7, $8) "
        "RETURNING id";
    return pg_id(DB, pg_q(DB, sql, "!ttttiiii", username, display, pwhash, role, org_id, dept_id,
                          (int64_t)must_change, now), id);
}

static json_t *
user_get(struct wm_db *base, int64_t id)
{
    static const char sql[] = "SELECT " USER_COLS USER_FROM " WHERE u.id = $1";
    return pg_row(DB, pg_q(DB, sql, "i", id));
}

static json_t *
user_get_auth(struct wm_db *base, const char *username)
{
    static const char sql[] = "SELECT " USER_COLS ", u.pwhash" USER_FROM " WHERE u.username = $1";
    return pg_row(DB, pg_q(DB, sql, "t", username));
}

static json_t *
user_list(struct wm_db *base, const struct wm_page *pg)
{
    static const char sql[] =
        "SELECT " USER_COLS USER_FROM
        " WHERE ($1 IS NULL OR (o.path >= $1 AND o.path < $2)) AND u.id > $3"
        " AND ($4 IS NULL OR u.role = $4)"
        " AND ($5 IS NULL OR u.username ILIKE $5 ESCAPE '\\' OR u.display_name ILIKE $5 ESCAPE '\\')"
        " ORDER BY u.id LIMIT $6";
    struct wm_db_range r = wm_db_range_of(pg->scope);
    char *like = wm_db_like_of(pg->q);
    json_t *a = pg_rows(DB, pg_q(DB, sql, "ttitti", r.lo, r.hi, pg->after, pg->kind, like,
                                 (int64_t)pg->limit));
    free(like);
    wm_db_range_free(&r);
    return a;
}

static enum wm_qs
user_set_password(struct wm_db *base, int64_t id, const char *pwhash, bool must_change)
{
    static const char sql[] = "UPDATE \"user\" SET pwhash = $2, must_change_pw = $3 WHERE id = $1";
    return pg_exec(DB, pg_q(DB, sql, "iti", id, pwhash, (int64_t)must_change));
}

static enum wm_qs
pw_history_add(struct wm_db *base, int64_t user_id, const char *pwhash, int64_t now, int64_t keep)
{
    static const char ins[] = "INSERT INTO password_history(user_id, pwhash, at) VALUES ($1, $2, $3)";
    static const char del[] =
        "DELETE FROM password_history WHERE user_id = $1 AND id NOT IN "
        "(SELECT id FROM password_history WHERE user_id = $1 ORDER BY id DESC LIMIT $2)";
    enum wm_qs q = pg_exec(DB, pg_q(DB, ins, "iti", user_id, pwhash, now));
    if (WM_QS_ONE != q) {
        return q;
    }
    q = pg_exec(DB, pg_q(DB, del, "ii", user_id, keep));
    return WM_QS_HARD == q ? q : WM_QS_ONE;
}

static json_t *
pw_history_list(struct wm_db *base, int64_t user_id, int64_t limit)
{
    static const char sql[] = "SELECT pwhash, at FROM password_history WHERE user_id = $1 "
                              "ORDER BY id DESC LIMIT $2";
    return pg_rows(DB, pg_q(DB, sql, "ii", user_id, limit));
}

static enum wm_qs
user_update(struct wm_db *base, int64_t id, const char *display, int disabled, int64_t dept_id)
{
    static const char sql[] =
        "UPDATE \"user\" SET display_name = coalesce($2, display_name), "
        "disabled = CASE WHEN $3 < 0 THEN disabled ELSE $3 END, "
        "dept_id = CASE WHEN $4 < 0 THEN dept_id ELSE nullif($4, 0) END WHERE id = $1";
    return pg_exec(DB, pg_q(DB, sql, "!itii", id, display, (int64_t)disabled, dept_id));
}

/* ---------------------------------------------------------------- login failures */

static enum wm_qs
login_fail_add(struct wm_db *base, const char *username, int64_t now)
{
    static const char sql[] = "INSERT INTO login_failure(username, at) VALUES ($1, $2)";
    return pg_exec(DB, pg_q(DB, sql, "ti", username, now));
}

static int64_t
login_fail_count(struct wm_db *base, const char *username, int64_t since)
{
    static const char sql[] = "SELECT count(*) FROM login_failure WHERE username = $1 AND at >= $2";
    return pg_int(DB, pg_q(DB, sql, "ti", username, since), 0);
}

static int64_t
login_fail_last(struct wm_db *base, const char *username)
{
    static const char sql[] = "SELECT max(at) FROM login_failure WHERE username = $1";
    return pg_int(DB, pg_q(DB, sql, "t", username), 0);
}

static enum wm_qs
login_fail_clear(struct wm_db *base, const char *username, int64_t before)
{
    static const char sql[] =
        "DELETE FROM login_failure WHERE ($1 IS NOT NULL AND username = $1) OR at < $2";
    return pg_exec(DB, pg_q(DB, sql, "ti", username, before));
}

/* ---------------------------------------------------------------- sessions */

static enum wm_qs
session_insert(struct wm_db *base, const char *hash, int64_t user_id, const char *csrf,
               int64_t now, const char *addr)
{
    static const char sql[] = "INSERT INTO session(hash, user_id, csrf, created_at, last_seen, "
                              "addr) VALUES ($1, $2, $3, $4, $4, $5)";
    static const char sql_login[] = "UPDATE \"user\" SET last_login_at = $2 WHERE id = $1";
    enum wm_qs qs = pg_exec(DB, pg_q(DB, sql, "!titit", hash, user_id, csrf, now, addr));
    if (WM_QS_ONE != qs) {
        return qs;
    }
    qs = pg_exec(DB, pg_q(DB, sql_login, "ii", user_id, now));
    return qs < 0 ? qs : WM_QS_ONE;
}

static json_t *
session_get(struct wm_db *base, const char *hash)
{
    static const char sql[] =
        "SELECT hash, user_id, csrf, created_at, last_seen FROM session WHERE hash = $1";
    return pg_row(DB, pg_q(DB, sql, "t", hash));
}

static enum wm_qs
session_touch(struct wm_db *base, const char *hash, int64_t now)
{
    static const char sql[] = "UPDATE session SET last_seen = $2 WHERE hash = $1";
    return pg_exec(DB, pg_q(DB, sql, "ti", hash, now));
}

static enum wm_qs
session_delete(struct wm_db *base, const char *hash)
{
    static const char sql[] = "DELETE FROM session WHERE hash = $1";
    return pg_exec(DB, pg_q(DB, sql, "t", hash));
}

static enum wm_qs
session_delete_user(struct wm_db *base, int64_t user_id)
{
    static const char sql[] = "DELETE FROM session WHERE user_id = $1";
    return pg_exec(DB, pg_q(DB, sql, "i", user_id));
}

static enum wm_qs
session_delete_others(struct wm_db *base, int64_t user_id, const char *keep)
{
    static const char sql[] = "DELETE FROM session WHERE user_id = $1 AND hash IS DISTINCT FROM $2";
    enum wm_qs qs = pg_exec(DB, pg_q(DB, sql, "it", user_id, keep));
    return qs < 0 ? qs : WM_QS_ONE;
}

/* ---------------------------------------------------------------- API tokens */

static enum wm_qs
token_insert(struct wm_db *base, int64_t user_id, const char *name, const char *hash,
             int64_t now, int64_t *id)
{
    static const char sql[] = "INSERT INTO api_token(user_id, name, hash, created_at) "
                              "VALUES ($1, $2, $3, $4) RETURNING id";
    return pg_id(DB, pg_q(DB, sql, "!itti", user_id, name, hash, now), id);
}

static int64_t
token_lookup(struct wm_db *base, const char *hash)
{
    static const char sql[] = "SELECT user_id FROM api_token WHERE hash = $1 AND revoked = 0";
    return pg_int(DB, pg_q(DB, sql, "t", hash), 0);
}

static json_t *
token_list(struct wm_db *base, int64_t user_id)
{
    static const char sql[] = "SELECT id, name, created_at, last_used FROM api_token "
                              "WHERE user_id = $1 AND revoked = 0 ORDER BY id";
    return pg_rows(DB, pg_q(DB, sql, "i", user_id));
}

static enum wm_qs
token_revoke(struct wm_db *base, int64_t user_id, int64_t id)
{
    static const char sql[] =
        "UPDATE api_token SET revoked = 1 WHERE id = $2 AND user_id = $1 AND revoked = 0";
    return pg_exec(DB, pg_q(DB, sql, "ii", user_id, id));
}

static enum wm_qs
token_revoke_user(struct wm_db *base, int64_t user_id, int64_t *n)
{
    static const char sql[] = "UPDATE api_token SET revoked = 1 WHERE user_id = $1 AND revoked = 0";
    PGresult *r = pg_q(DB, sql, "i", user_id);
    *n = 0;
    if (NULL == r) {
        return base->status;
    }
    *n = (int64_t)strtoll(PQcmdTuples(r), NULL, 10);
    PQclear(r);
    return WM_QS_ONE;
}

/* ---------------------------------------------------------------- audit */

/*
** The head of the chain, locked until the transaction ends: a second appender waits here
** until the first commits, then reads the hash the first wrote.
*/
static enum wm_qs
audit_last_hash(struct wm_db *base, char out[65])
{
    static const char sql[] = "SELECT hash FROM audit_head WHERE id = 1 FOR UPDATE";
    PGresult *r = pg_q(DB, sql, NULL);
    out[0] = '\0';
    if (NULL == r) {
        return base->status;
    }
    if (PQntuples(r) > 0) {
        snprintf(out, 65, "%s", PQgetvalue(r, 0, 0));
    }
    PQclear(r);
    return WM_QS_ONE;
}

static enum wm_qs
audit_insert(struct wm_db *base, const struct wm_audit_entry *e, const char *prev_hash,
             const char *hash, int64_t *id)
{
    static const char sql[] =
        "INSERT INTO audit(at, user_id, username, action, object_type, object_id, org_path, "
        "summary, request_id, addr, prev_hash, hash) "
        "VALUES ($1, nullif($2, 0), $3, $4, $5, nullif($6, 0), $7, $8, $9, $10, $11, $12) "
        "RETURNING id";
    static const char head[] = "INSERT INTO audit_head(id, last_id, hash) VALUES (1, $1, $2) "
                               "ON CONFLICT (id) DO UPDATE SET last_id = $1, hash = $2";
    enum wm_qs qs =
        pg_id(DB, pg_q(DB, sql, "iitttitttttt", e->at, e->user_id, e->username, e->action,
                       e->object_type, e->object_id, e->org_path, e->summary, e->request_id,
                       e->addr, prev_hash, hash), id);
    if (WM_QS_ONE != qs) {
        return qs;
    }
    qs = pg_exec(DB, pg_q(DB, head, "it", *id, hash));
    return WM_QS_NONE == qs ? WM_QS_HARD : qs;
}

#define AUDIT_COLS                                                                       \
    "id, at, user_id, username, action, object_type, object_id, org_path, summary, " \
    "request_id, addr, prev_hash, hash"

static json_t *
audit_list(struct wm_db *base, const struct wm_page *pg, const struct wm_audit_filter *f)
{
    static const char sql[] =
        "SELECT " AUDIT_COLS " FROM audit WHERE ($1 IS NULL OR (org_path >= $1 AND org_path < $2))"
        " AND ($3 = 0 OR id < $3)"
        " AND ($4 IS NULL OR action = $4 OR (right($4, 1) = '.' AND"
        "      left(action, length($4)) = $4))"
        " AND ($5 IS NULL OR username = $5) AND ($7 = 0 OR at >= $7) AND ($8 = 0 OR at < $8)"
        " ORDER BY id DESC LIMIT $6";
    struct wm_db_range r = wm_db_range_of(pg->scope);
    const char *action = f->action && *f->action ? f->action : NULL;
    const char *user = f->username && *f->username ? f->username : NULL;
    json_t *a = pg_rows(DB, pg_q(DB, sql, "ttittiii", r.lo, r.hi, pg->after, action, user,
                                 (int64_t)pg->limit, f->from, f->until));
    wm_db_range_free(&r);
    return a;
}

static json_t *
audit_scan(struct wm_db *base, int64_t after, unsigned limit)
{
    static const char sql[] = "SELECT " AUDIT_COLS " FROM audit WHERE id > $1 ORDER BY id LIMIT $2";
    return pg_rows(DB, pg_q(DB, sql, "ii", after, (int64_t)limit));
}

void
pg_fill_resource_ops(struct wm_db_ops *ops)
{
    ops->org_insert = org_insert;
    ops->org_get = org_get;
    ops->org_get_by_code = org_get_by_code;
    ops->org_list = org_list;
    ops->org_find_name = org_find_name;
    ops->org_update = org_update;
    ops->org_move = org_move;
    ops->org_count = org_count;
    ops->dept_insert = dept_insert;
    ops->dept_list = dept_list;
    ops->dept_get = dept_get;
    ops->dept_delete = dept_delete;
    ops->user_insert = user_insert;
    ops->user_get = user_get;
    ops->user_get_auth = user_get_auth;
    ops->user_list = user_list;
    ops->user_set_password = user_set_password;
    ops->pw_history_add = pw_history_add;
    ops->pw_history_list = pw_history_list;
    ops->user_update = user_update;
    ops->login_fail_add = login_fail_add;
    ops->login_fail_count = login_fail_count;
    ops->login_fail_last = login_fail_last;
    ops->login_fail_clear = login_fail_clear;
    ops->session_insert = session_insert;
    ops->session_get = session_get;
    ops->session_touch = session_touch;
    ops->session_delete = session_delete;
    ops->session_delete_user = session_delete_user;
    ops->session_delete_others = session_delete_others;
    ops->token_insert = token_insert;
    ops->token_lookup = token_lookup;
    ops->token_list = token_list;
    ops->token_revoke = token_revoke;
    ops->token_revoke_user = token_revoke_user;
    ops->audit_last_hash = audit_last_hash;
    ops->audit_insert = audit_insert;
    ops->audit_list = audit_list;
    ops->audit_scan = audit_scan;
}

/* end of pg_ops.c */
