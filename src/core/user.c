/*
** user.c — accounts, logins, sessions and API tokens.
**
** Who manages whom: the platform operator any account; office staff the accounts of their
** jurisdiction except operators; a unit's archivist (unit_admin) the member and viewer
** accounts of its own unit.  Session cookies and API tokens are random secrets stored as
** their SHA-256 only; passwords are argon2id.
*/
#include "config.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "tx.h"
#include "wm_core.h"

json_t *
wm_user_get_scoped(struct wm_db *db, const struct wm_actor *a, int64_t id, struct wm_fail *f)
{
    json_t *u = db->ops->user_get(db, id);
    if (NULL == u) {
        wm_read_fail(db, f, NULL, NULL);
        return NULL;
    }
    if (a->p && a->p->user_id == id) {
        return u;
    }
    bool ok = wm_actor_is(a, WM_ROLES_STAFF | WM_ROLE_BIT(WM_ROLE_UNIT_ADMIN)) &&
              wm_startswith(jss(u, "org_path"), wm_scope_path(a));
    if (!ok) {
        json_decref(u);
        wm_fail_set(f, WM_E_NOT_FOUND, NULL, "%s", "");
        return NULL;
    }
    return u;
}

/* May actor a hand out role r at all (wherever the account lives)? */
static bool
may_grant(const struct wm_actor *a, enum wm_role r)
{
    return wm_actor_is(a, WM_ROLE_BIT(WM_ROLE_ADMIN)) ||
           (wm_actor_is(a, WM_ROLE_BIT(WM_ROLE_OFFICE)) && WM_ROLE_ADMIN != r) ||
           (wm_actor_is(a, WM_ROLE_BIT(WM_ROLE_UNIT_ADMIN)) &&
            (WM_ROLE_UNIT_MEMBER == r || WM_ROLE_UNIT_VIEWER == r));
}

/* May actor a manage (create/modify) an account of role r at org o? */
static enum wm_err
may_manage(const struct wm_actor *a, enum wm_role r, const json_t *o, struct wm_fail *f)
{
    bool office_side = wm_role_is_office_side(r);
    bool org_is_office = wm_streq(jss(o, "kind"), "office");
    if (office_side != org_is_office) {
        return wm_fail_set(f, WM_E_BAD_REQUEST, "org_id", "%s",
                           office_side ? _("此角色的账号必须属于文明办机构")
                                       : _("此角色的账号必须属于某个单位"));
    }
    if (may_grant(a, r)) {
        return WM_OK;
    }
    return wm_fail_set(f, WM_E_FORBIDDEN, "role", "%s", _("没有权限管理此角色的账号"));
}

static enum wm_err
user_create_once(struct wm_db *db, const struct wm_actor *a, const struct wm_user_in *in,
                 int64_t *id, char **generated, struct wm_fail *f)
{
    enum wm_err e;
    enum wm_role role;
    *generated = NULL;
    if (!wm_actor_is(a, WM_ROLES_STAFF | WM_ROLE_BIT(WM_ROLE_UNIT_ADMIN))) {
        return wm_fail_set(f, WM_E_FORBIDDEN, NULL, "%s", _("没有权限创建账号"));
    }
    if (!wm_valid_username(in->username)) {
        return wm_fail_set(f, WM_E_BAD_REQUEST, "username", "%s",
                           _("用户名须为2至64个字母、数字或 . _ - @"));
    }
    if (!wm_valid_text(in->display_name, 50)) {
        return wm_fail_set(f, WM_E_BAD_REQUEST, "display_name", "%s", _("姓名须为1至50个字符"));
    }
    if (!wm_role_parse(in->role, &role)) {
        return wm_fail_set(f, WM_E_BAD_REQUEST, "role", "%s", _("未知角色"));
    }
    if (!may_grant(a, role)) {
        return wm_fail_set(f, WM_E_FORBIDDEN, "role", "%s", _("没有权限管理此角色的账号"));
    }
    char pwmsg[160];
    if (in->password && WM_PW_OK != wm_password_check(in->password, pwmsg, sizeof pwmsg)) {
        return wm_fail_set(f, WM_E_BAD_REQUEST, "password", "%s", pwmsg);
    }
    char *pw = in->password ? wm_strdup(in->password) : wm_password_generate();
    char *hash = wm_password_hash(pw);
    if (NULL == hash) {
        free(pw);
        return wm_fail_set(f, WM_E_UNAVAILABLE, NULL, "%s", _("服务器繁忙，请稍后再试"));
    }
    if (WM_OK != (e = tx_begin(db, f))) {
        free(pw);
        free(hash);
        return e;
    }
    json_t *org = wm_org_get_scoped(db, a, in->org_id, NULL), *dept = NULL, *after = NULL;
    if (NULL == org) {
        e = wm_read_fail(db, f, "org_id", _("所属机构不存在"));
    } else if (WM_OK != (e = may_manage(a, role, org, f))) {
        /* f is set */
    } else if (in->dept_id &&
               (NULL == (dept = db->ops->dept_get(db, in->dept_id)) ||
                jsi(dept, "unit_id") != in->org_id)) {
        e = wm_fail_set(f, WM_E_BAD_REQUEST, "dept_id", "%s", _("科室不属于该单位"));
    } else {
        enum wm_qs qs = db->ops->user_insert(db, in->username, in->display_name, hash, in->role,
                                             in->org_id, in->dept_id, NULL == in->password,
                                             wm_now(), id);
        if (WM_QS_CONFLICT == qs) {
            e = wm_fail_set(f, WM_E_CONFLICT, "username", "%s", _("用户名已被使用"));
        } else if (WM_QS_ONE != qs) {
            e = wm_fail_set(f, WM_E_INTERNAL, NULL, "%s", _("无法保存账号"));
        } else {
            if (WM_QS_ONE != db->ops->user_pw_set_at(db, *id, wm_now())) { /* issue 13, totp */
                e = wm_fail_set(f, WM_E_INTERNAL, NULL, "%s", _("无法保存账号"));
            } else {
                after = db->ops->user_get(db, *id);
                e = wm_audit(db, a, "user.create", "user", *id, jss(org, "path"), NULL, after);
            }
        }
    }
    json_decref(org);
    json_decref(dept);
    json_decref(after);
    free(hash);
    e = tx_end(db, e, f);
    if (WM_OK == e && NULL == in->password) {
        *generated = pw;
    } else {
        free(pw);
    }
    return e;
}

enum wm_err
wm_user_create(struct wm_db *db, const struct wm_actor *a, const struct wm_user_in *in,
               int64_t *id, char **generated, struct wm_fail *f)
{
    enum wm_err e;
    TX_RETRY(e, user_create_once(db, a, in, id, generated, f));
    return e;
}

/*
** Inside the caller's transaction: revoke every API token of account id and audit it
** (one entry, only when there was a token).  A token's principal cached by a worker goes
** stale with this write (the cache is keyed on the store's version).
*/
static enum wm_err
revoke_tokens(struct wm_db *db, const struct wm_actor *a, int64_t id, const char *org_path,
              const char *why, int64_t *n, struct wm_fail *f)
{
    int64_t got = 0;
    if (WM_QS_ONE != db->ops->token_revoke_user(db, id, &got)) {
        return wm_fail_set(f, WM_E_INTERNAL, NULL, "%s", _("无法吊销令牌"));
    }
    if (n) {
        *n = got;
    }
    if (0 == got) {
        return WM_OK;
    }
    json_t *sum = json_pack("{s:I, s:s}", "count", (json_int_t)got, "reason", why);
    enum wm_err e = wm_audit(db, a, "token.revoke_all", "user", id, org_path, NULL, sum);
    json_decref(sum);
    return e;
}

static enum wm_err
user_update_once(struct wm_db *db, const struct wm_actor *a, int64_t id, const char *display,
                 int disabled, int64_t dept_id, int64_t *tokens_revoked, struct wm_fail *f)
{
    enum wm_err e;
    enum wm_role role;
    if (tokens_revoked) {
        *tokens_revoked = 0;
    }
    if (display && !wm_valid_text(display, 50)) {
        return wm_fail_set(f, WM_E_BAD_REQUEST, "display_name", "%s", _("姓名须为1至50个字符"));
    }
    if (WM_OK != (e = tx_begin(db, f))) {
        return e;
    }
    json_t *u = wm_user_get_scoped(db, a, id, NULL), *org = NULL, *dept = NULL, *after = NULL;
    bool self = a->p && a->p->user_id == id;
    if (NULL == u) {
        e = wm_read_fail(db, f, NULL, _("账号不存在"));
        goto done;
    }
    org = db->ops->org_get(db, jsi(u, "org_id"));
    if (!wm_role_parse(jss(u, "role"), &role) || NULL == org) {
        e = wm_fail_set(f, WM_E_INTERNAL, NULL, "%s", _("账号数据不完整"));
        goto done;
    }
    if (self && (disabled >= 0 || dept_id >= 0)) {
        e = wm_fail_set(f, WM_E_FORBIDDEN, "disabled", "%s", _("不能停用或调整自己的账号"));
        goto done;
    }
    if (!self && WM_OK != (e = may_manage(a, role, org, f))) {
        goto done;
    }
    if (dept_id > 0 && (NULL == (dept = db->ops->dept_get(db, dept_id)) ||
                        jsi(dept, "unit_id") != jsi(u, "org_id"))) {
        e = wm_fail_set(f, WM_E_BAD_REQUEST, "dept_id", "%s", _("科室不属于该单位"));
        goto done;
    }
    if (WM_QS_ONE != db->ops->user_update(db, id, display, disabled, dept_id)) {
        e = wm_fail_set(f, WM_E_INTERNAL, NULL, "%s", _("无法保存账号"));
        goto done;
    }
    if (1 == disabled && WM_QS_HARD == db->ops->session_delete_user(db, id)) {
        e = wm_fail_set(f, WM_E_INTERNAL, NULL, "%s", _("无法结束会话"));
        goto done;
    }
    after = db->ops->user_get(db, id);
    bool off = 1 == disabled && !jsi(u, "disabled"), on = 0 == disabled && jsi(u, "disabled");
    e = wm_audit(db, a, off ? "user.disable" : on ? "user.enable" : "user.update", "user", id,
                 jss(org, "path"), u, after);
    if (WM_OK == e && disabled >= 0 && disabled != (int)jsi(u, "disabled")) {
        e = revoke_tokens(db, a, id, jss(org, "path"), 1 == disabled ? "disable" : "enable",
                          tokens_revoked, f);
    }
done:
    json_decref(u);
    json_decref(org);
    json_decref(dept);
    json_decref(after);
    return tx_end(db, e, f);
}

enum wm_err
wm_user_update(struct wm_db *db, const struct wm_actor *a, int64_t id, const char *display,
               int disabled, int64_t dept_id, int64_t *tokens_revoked, struct wm_fail *f)
{
    enum wm_err e;
    TX_RETRY(e, user_update_once(db, a, id, display, disabled, dept_id, tokens_revoked, f));
    return e;
}

static enum wm_err
user_set_password_once(struct wm_db *db, const struct wm_actor *a, int64_t id, const char *old_pw,
                       const char *new_pw, int64_t *tokens_revoked, struct wm_fail *f)
{
    enum wm_err e;
    if (tokens_revoked) {
        *tokens_revoked = 0;
    }
    bool self = a->p && a->p->user_id == id;
    char pwmsg[160];
    if (WM_PW_OK != wm_password_check(new_pw, pwmsg, sizeof pwmsg)) {
        return wm_fail_set(f, WM_E_BAD_REQUEST, "password", "%s", pwmsg);
    }
    if (self && NULL == old_pw) {
        return wm_fail_set(f, WM_E_BAD_REQUEST, "old_password", "%s", _("请输入原密码"));
    }
    char *hash = wm_password_hash(new_pw);
    if (NULL == hash) {
        return wm_fail_set(f, WM_E_UNAVAILABLE, NULL, "%s", _("服务器繁忙，请稍后再试"));
    }
    if (WM_OK != (e = tx_begin(db, f))) {
        free(hash);
        return e;
    }
    json_t *u = wm_user_get_scoped(db, a, id, NULL), *org = NULL, *auth = NULL;
    enum wm_role role;
    if (NULL == u) {
        e = wm_read_fail(db, f, NULL, _("账号不存在"));
    } else if (!wm_role_parse(jss(u, "role"), &role)) {
        e = wm_fail_set(f, WM_E_NOT_FOUND, NULL, "%s", _("账号不存在"));
    } else if (self) {
        auth = db->ops->user_get_auth(db, jss(u, "username"));
        if (NULL == auth || !wm_password_verify(jss(auth, "pwhash"), old_pw)) {
            e = wm_fail_set(f, WM_E_BAD_REQUEST, "old_password", "%s", _("原密码不正确"));
        }
    } else {
        org = db->ops->org_get(db, jsi(u, "org_id"));
        e = org ? may_manage(a, role, org, f) : WM_E_INTERNAL;
    }
    unsigned nhist = wm_password_history();
    json_t *hauth = NULL, *old_hashes = NULL;
    if (WM_OK == e && nhist > 0) {
        hauth = auth ? json_incref(auth) : db->ops->user_get_auth(db, jss(u, "username"));
        old_hashes = nhist > 1 ? db->ops->pw_history_list(db, id, (int64_t)nhist - 1) : NULL;
        if (NULL == hauth || (nhist > 1 && NULL == old_hashes)) {
            e = wm_read_fail(db, f, NULL, _("账号不存在"));
        } else if (WM_PW_OK != wm_password_check_history(new_pw, jss(hauth, "pwhash"),
                                                         old_hashes, pwmsg, sizeof pwmsg)) {
            e = wm_fail_set(f, WM_E_BAD_REQUEST, "password", "%s", pwmsg);
        }
    }
    char keep[65];
    if (self && a->session) {
        wm_sha256_hex(a->session, strlen(a->session), keep);
    }
    if (WM_OK == e) {
        if (WM_QS_ONE != db->ops->user_set_password(db, id, hash, !self) ||
            WM_QS_ONE != db->ops->user_pw_set_at(db, id, wm_now()) || /* issue 13, totp */
            (nhist > 1 && WM_QS_ONE != db->ops->pw_history_add(db, id, jss(hauth, "pwhash"),
                                                               wm_now(), (int64_t)nhist - 1)) ||
            (!self && WM_QS_HARD == db->ops->session_delete_user(db, id)) ||
            (self && WM_QS_ONE != db->ops->session_delete_others(db, id,
                                                                a->session ? keep : NULL))) {
            e = wm_fail_set(f, WM_E_INTERNAL, NULL, "%s", _("无法保存密码"));
        } else {
            json_t *sum = json_pack("{s:b}", "reset", !self);
            e = wm_audit(db, a, "user.password", "user", id, jss(u, "org_path"), NULL, sum);
            json_decref(sum);
            if (WM_OK == e) {
                e = revoke_tokens(db, a, id, jss(u, "org_path"), self ? "password" : "reset",
                                  tokens_revoked, f);
            }
        }
    }
    json_decref(u);
    json_decref(org);
    json_decref(auth);
    json_decref(hauth);
    json_decref(old_hashes);
    free(hash);
    return tx_end(db, e, f);
}

enum wm_err
wm_user_set_password(struct wm_db *db, const struct wm_actor *a, int64_t id, const char *old_pw,
                     const char *new_pw, int64_t *tokens_revoked, struct wm_fail *f)
{
    enum wm_err e;
    TX_RETRY(e, user_set_password_once(db, a, id, old_pw, new_pw, tokens_revoked, f));
    return e;
}

/* ---------------------------------------------------------------- login and sessions */

static char *dummy_hash;
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void
dummy_init(void)
{
    dummy_hash = wm_password_hash("wenming-timing-equaliser-Aa1!");
}

/* Locked: lockout_attempts failures within lockout_window, the last of them less than
** lockout_duration ago (no failure is recorded while locked, so the lock runs from the
** failure that set it).  The same answer for names that exist and names that do not. */
static bool
login_locked(struct wm_db *db, const struct wm_auth_policy *pol, const char *username,
             int64_t now)
{
    int64_t last = db->ops->login_fail_last(db, username);
    return last && now - last < (int64_t)pol->lockout_duration &&
           db->ops->login_fail_count(db, username, last - pol->lockout_window) >=
               pol->lockout_attempts;
}

/*
** A failed sign-in of an existing account (u from user_get_auth or user_get): counted toward
** the lockout and audited as login.fail with the reason ("password", "totp"), in one
** transaction.  A failure to audit is logged: the answer stays UNAUTHORIZED.
*/
static void
login_fail_record(struct wm_db *db, const struct wm_auth_policy *pol, const json_t *u,
                  const char *username, const char *reason, const char *addr,
                  const char *request_id, int64_t now)
{
    struct wm_fail f = {0};
    struct wm_principal *p = u ? wm_principal_load(db, jsi(u, "id")) : NULL;
    if (WM_OK != tx_begin(db, &f)) {
        /* counted all the same (a busy store must not spare a guesser), not audited */
        (void)db->ops->login_fail_add(db, username, now);
        wm_log(WM_LOG_WARN, "login failure not audited (%s): store busy", reason);
        wm_principal_free(p);
        return;
    }
    enum wm_err e = WM_OK;
    if (WM_QS_HARD == db->ops->login_fail_add(db, username, now)) {
        e = WM_E_INTERNAL;
    }
    (void)db->ops->login_fail_clear(db, NULL, now - pol->lockout_window - pol->lockout_duration);
    if (WM_OK == e && p) { /* a disabled account has no principal: counted, not audited */
        struct wm_actor act = {.p = p, .request_id = request_id, .addr = addr};
        json_t *sum = json_pack("{s:s}", "reason", reason);
        e = wm_audit(db, &act, "login.fail", "user", jsi(u, "id"), jss(u, "org_path"), NULL, sum);
        json_decref(sum);
    }
    if (WM_OK != tx_end(db, e, &f)) {
        wm_log(WM_LOG_WARN, "login failure not recorded (%s)", reason);
    }
    wm_principal_free(p);
}

/*
** Inside the caller's transaction: is code the account's current TOTP code (a step after the
** last used, then taken) or one of its unused recovery codes (then used)?  *how names which.
** false with *store_failed on a store error.
*/
static bool
second_factor_ok(struct wm_db *db, int64_t uid, const char *code, int64_t now, const char **how,
                 bool *store_failed)
{
    *store_failed = false;
    json_t *t = db->ops->totp_get(db, uid);
    if (NULL == t) {
        *store_failed = wm_db_failed(db);
        return false;
    }
    enum wm_qs qs = WM_QS_NONE;
    if (json_is_integer(json_object_get(t, "enabled_at"))) {
        qs = wm_second_factor_take(db, uid, t, code, true, now, how);
    }
    json_decref(t);
    *store_failed = qs < 0;
    return WM_QS_ONE == qs;
}

/* Open a session for account uid, audited session.create (how: the second factor used, or
** NULL), in the caller's transaction. */
static enum wm_err
session_open(struct wm_db *db, const struct wm_auth_policy *pol, int64_t uid,
             const char *username, const char *how, const char *addr, const char *request_id,
             int64_t now, struct wm_login_out *out)
{
    char *tok = wm_random_token(32), hash[65];
    char *cs = wm_random_token(24);
    wm_sha256_hex(tok, strlen(tok), hash);
    struct wm_principal *p = wm_principal_load(db, uid);
    struct wm_actor act = {.p = p, .request_id = request_id, .addr = addr};
    enum wm_err e = p ? WM_OK : WM_E_INTERNAL;
    if (WM_OK == e) {
        (void)db->ops->login_fail_clear(db, username, now - pol->lockout_window -
                                                          pol->lockout_duration);
        if (WM_QS_ONE != db->ops->session_insert(db, hash, uid, cs, now, addr)) {
            e = WM_E_INTERNAL;
        } else {
            json_t *sum = how ? json_pack("{s:s}", "second_factor", how) : NULL;
            e = wm_audit(db, &act, "session.create", "user", uid, p->org_path, NULL, sum);
            json_decref(sum);
        }
    }
    wm_principal_free(p);
    if (WM_OK != e) {
        free(tok);
        free(cs);
        return e;
    }
    out->token = tok;
    out->csrf = cs;
    out->user_id = uid;
    return WM_OK;
}

/* The pending second step: the cookie "UID.RANDOM", its random part's SHA-256 on the row. */
static enum wm_err
pending_open(struct wm_db *db, int64_t uid, const char *addr, int64_t now, char **cookie)
{
    char *rnd = wm_random_token(24), hash[65];
    wm_sha256_hex(rnd, strlen(rnd), hash);
    struct wm_fail f = {0};
    enum wm_err e = tx_begin(db, &f);
    if (WM_OK == e) {
        e = WM_QS_ONE == db->ops->totp_pending_set(db, uid, hash, now, addr ? addr : "")
                ? WM_OK
                : WM_E_INTERNAL;
        e = tx_end(db, e, &f);
    }
    if (WM_OK == e) {
        *cookie = wm_asprintf("%lld.%s", (long long)uid, rnd);
    }
    free(rnd);
    return e;
}

static enum wm_err
login_once(struct wm_db *db, const struct wm_auth_policy *pol, const struct wm_login_in *in,
           struct wm_login_out *out)
{
    int64_t now = wm_now();
    const char *username = in->username, *password = in->password;
    memset(out, 0, sizeof *out);
    if (NULL == username || NULL == password || strlen(username) > 256 || strlen(password) > 1024) {
        return WM_E_UNAUTHORIZED;
    }
    if (login_locked(db, pol, username, now)) {
        return WM_E_RATE_LIMITED;
    }
    json_t *u = db->ops->user_get_auth(db, username);
    bool ok;
    if (u) {
        ok = wm_password_verify(jss(u, "pwhash"), password) && !jsi(u, "disabled");
    } else {
        pthread_once(&dummy_once, dummy_init);
        ok = false;
        if (dummy_hash) {
            (void)wm_password_verify(dummy_hash, password);
        }
    }
    if (!ok) {
        login_fail_record(db, pol, u, username, "password", in->addr, in->request_id, now);
        json_decref(u);
        wm_log(WM_LOG_INFO, "login failed for a user name from %s", in->addr ? in->addr : "-");
        return WM_E_UNAUTHORIZED;
    }
    int64_t uid = jsi(u, "id");
    bool two = json_is_integer(json_object_get(u, "totp_enabled_at"));
    enum wm_err e;
    if (two && NULL == in->totp) {
        /* the password was right: no session before the second factor */
        json_decref(u);
        out->need_totp = true;
        if (in->want_pending) {
            e = pending_open(db, uid, in->addr, now, &out->pending);
            if (WM_OK != e) {
                return e;
            }
        }
        return WM_E_UNAUTHORIZED;
    }
    struct wm_fail f = {0};
    const char *how = NULL;
    bool store_failed = false, second = !two;
    if (WM_OK != (e = tx_begin(db, &f))) {
        json_decref(u);
        return e;
    }
    if (two) {
        second = second_factor_ok(db, uid, in->totp, now, &how, &store_failed);
        e = store_failed ? WM_E_INTERNAL : WM_OK;
    }
    if (WM_OK == e && second) {
        e = session_open(db, pol, uid, username, how, in->addr, in->request_id, now, out);
    }
    e = tx_end(db, e, &f);
    if (WM_OK == e && !second) {
        login_fail_record(db, pol, u, username, "totp", in->addr, in->request_id, now);
        out->need_totp = true;
        e = WM_E_UNAUTHORIZED;
    }
    json_decref(u);
    if (WM_OK != e) {
        wm_login_out_free(out);
        out->need_totp = two && !store_failed;
    }
    return e;
}

enum wm_err
wm_login_ex(struct wm_db *db, const struct wm_auth_policy *pol, const struct wm_login_in *in,
            struct wm_login_out *out)
{
    enum wm_err e;
    TX_RETRY(e, login_once(db, pol, in, out));
    return e;
}

void
wm_login_out_free(struct wm_login_out *out)
{
    free(out->token);
    free(out->csrf);
    free(out->pending);
    out->token = out->csrf = out->pending = NULL;
}

enum wm_err
wm_login(struct wm_db *db, const struct wm_auth_policy *pol, const char *username,
         const char *password, const char *addr, const char *request_id, char **token,
         char **csrf, int64_t *user_id)
{
    struct wm_login_in in = {.username = username, .password = password, .addr = addr,
                             .request_id = request_id};
    struct wm_login_out out;
    enum wm_err e = wm_login_ex(db, pol, &in, &out);
    *token = out.token;
    *csrf = out.csrf;
    if (WM_OK == e) {
        *user_id = out.user_id;
    }
    free(out.pending);
    return e;
}

static enum wm_err
second_once(struct wm_db *db, const struct wm_auth_policy *pol, const char *pending,
            const char *code, const char *addr, const char *request_id, struct wm_login_out *out)
{
    int64_t now = wm_now(), uid = 0;
    memset(out, 0, sizeof *out);
    const char *dot = pending ? strchr(pending, '.') : NULL;
    char hash[65];
    char num[24];
    if (NULL == dot || strlen(pending) > 128 || (size_t)(dot - pending) >= sizeof num) {
        return WM_E_NOT_FOUND;
    }
    memcpy(num, pending, (size_t)(dot - pending));
    num[dot - pending] = '\0';
    if (!wm_parse_i64(num, 1, INT64_MAX, &uid)) {
        return WM_E_NOT_FOUND;
    }
    wm_sha256_hex(dot + 1, strlen(dot + 1), hash);
    json_t *u = db->ops->user_get(db, uid);
    json_t *t = u ? db->ops->totp_get(db, uid) : NULL;
    if (NULL == t) {
        json_decref(u);
        return wm_db_failed(db) ? WM_E_INTERNAL : WM_E_NOT_FOUND;
    }
    bool valid = json_is_string(json_object_get(t, "pending_hash")) &&
                 wm_secure_streq(jss(t, "pending_hash"), hash) &&
                 now - jsi(t, "pending_at") <= WM_TOTP_PENDING_SECONDS &&
                 now >= jsi(t, "pending_at") &&
                 wm_streq(jss(t, "pending_addr"), addr ? addr : "") && !jsi(u, "disabled");
    json_decref(t);
    if (!valid) {
        json_decref(u);
        return WM_E_NOT_FOUND;
    }
    const char *username = jss(u, "username");
    if (login_locked(db, pol, username, now)) {
        json_decref(u);
        return WM_E_RATE_LIMITED;
    }
    struct wm_fail f = {0};
    const char *how = NULL;
    bool store_failed = false, second = false;
    enum wm_err e = tx_begin(db, &f);
    if (WM_OK == e) {
        second = second_factor_ok(db, uid, code, now, &how, &store_failed);
        e = store_failed ? WM_E_INTERNAL : WM_OK;
        if (WM_OK == e && second &&
            WM_QS_ONE != db->ops->totp_pending_set(db, uid, NULL, 0, NULL)) {
            e = WM_E_INTERNAL;
        }
        if (WM_OK == e && second) {
            e = session_open(db, pol, uid, username, how, addr, request_id, now, out);
        }
        e = tx_end(db, e, &f);
    }
    if (WM_OK == e && !second) {
        login_fail_record(db, pol, u, username, "totp", addr, request_id, now);
        out->need_totp = true;
        e = login_locked(db, pol, username, now) ? WM_E_RATE_LIMITED : WM_E_UNAUTHORIZED;
    }
    json_decref(u);
    if (WM_OK != e) {
        wm_login_out_free(out);
    }
    return e;
}

enum wm_err
wm_login_second(struct wm_db *db, const struct wm_auth_policy *pol, const char *pending,
                const char *code, const char *addr, const char *request_id,
                struct wm_login_out *out)
{
    enum wm_err e;
    TX_RETRY(e, second_once(db, pol, pending, code, addr, request_id, out));
    return e;
}

enum wm_err
wm_session_check(struct wm_db *db, const struct wm_auth_policy *pol, const char *token,
                 int64_t *user_id, char **csrf)
{
    char hash[65];
    if (NULL == token || strlen(token) > 128) {
        return WM_E_UNAUTHORIZED;
    }
    wm_sha256_hex(token, strlen(token), hash);
    json_t *s = db->ops->session_get(db, hash);
    if (NULL == s) {
        /* no such session; a store that failed says so (the cookie stays good) */
        enum wm_err e = wm_read_fail(db, NULL, NULL, NULL);
        return WM_E_NOT_FOUND == e ? WM_E_UNAUTHORIZED : e;
    }
    int64_t now = wm_now(), last = jsi(s, "last_seen"), created = jsi(s, "created_at");
    if (now - last > (int64_t)pol->session_idle || now - created > (int64_t)pol->session_lifetime) {
        (void)db->ops->session_delete(db, hash);
        json_decref(s);
        return WM_E_UNAUTHORIZED;
    }
    if (now - last >= 30) {
        (void)db->ops->session_touch(db, hash, now);
    }
    *user_id = jsi(s, "user_id");
    *csrf = wm_strdup(jss(s, "csrf"));
    json_decref(s);
    return WM_OK;
}

void
wm_logout(struct wm_db *db, const struct wm_actor *a, const char *token)
{
    char hash[65];
    struct wm_fail f;
    if (NULL == token || WM_OK != tx_begin(db, &f)) {
        return;
    }
    wm_sha256_hex(token, strlen(token), hash);
    enum wm_err e = WM_OK;
    if (WM_QS_ONE == db->ops->session_delete(db, hash) && a->p) {
        e = wm_audit(db, a, "session.delete", "user", a->p->user_id, a->p->org_path, NULL, NULL);
    }
    (void)tx_end(db, e, &f);
}

/* ---------------------------------------------------------------- API tokens */

int64_t
wm_token_check(struct wm_db *db, const char *token)
{
    char hash[65];
    if (NULL == token || strlen(token) > 128) {
        return 0;
    }
    wm_sha256_hex(token, strlen(token), hash);
    return db->ops->token_lookup(db, hash);
}

/*
** Scripts call with the same token again and again: the principal it stands for is kept
** per thread (each worker has its own store connection) while the store is unchanged —
** any write anywhere, a revocation or a disabled account included, empties it.
*/
struct token_cached {
    char hash[65];
    int64_t gen;
    struct wm_principal *p;
};
static _Thread_local struct token_cached token_cache[8];
static _Thread_local unsigned token_next;
static pthread_key_t token_key;
static pthread_once_t token_key_once = PTHREAD_ONCE_INIT;

/* At thread exit: the cached principals go with the thread. */
static void
token_cache_free(void *unused)
{
    (void)unused;
    for (unsigned i = 0; i < WM_ARRAY_LEN(token_cache); i++) {
        wm_principal_free(token_cache[i].p);
        token_cache[i].p = NULL;
    }
}

static void
token_key_init(void)
{
    if (pthread_key_create(&token_key, token_cache_free)) {
        wm_panic("pthread_key_create failed");
    }
}

struct wm_principal *
wm_token_principal(struct wm_db *db, const char *token)
{
    char hash[65];
    int64_t gen;
    if (NULL == token || strlen(token) > 128) {
        return NULL;
    }
    wm_sha256_hex(token, strlen(token), hash);
    bool versioned = db->ops->generation(db, &gen);
    for (unsigned i = 0; versioned && i < WM_ARRAY_LEN(token_cache); i++) {
        struct token_cached *c = &token_cache[i];
        if (c->p && wm_streq(c->hash, hash) && c->gen == gen) {
            return wm_principal_dup(c->p);
        }
    }
    int64_t uid = db->ops->token_lookup(db, hash);
    struct wm_principal *p = uid ? wm_principal_load(db, uid) : NULL;
    if (p && versioned) {
        pthread_once(&token_key_once, token_key_init);
        pthread_setspecific(token_key, token_cache); /* any non-NULL value arms the cleanup */
        struct token_cached *c = &token_cache[token_next++ % WM_ARRAY_LEN(token_cache)];
        wm_principal_free(c->p);
        memcpy(c->hash, hash, sizeof c->hash);
        c->gen = gen;
        c->p = wm_principal_dup(p);
    }
    return p;
}

static enum wm_err
token_create_once(struct wm_db *db, const struct wm_actor *a, const char *name, int64_t *id,
                  char **secret, struct wm_fail *f)
{
    enum wm_err e;
    *secret = NULL;
    if (NULL == a->p) {
        return wm_fail_set(f, WM_E_FORBIDDEN, NULL, "%s", _("命令行不能创建令牌"));
    }
    if (!wm_valid_text(name, 50)) {
        return wm_fail_set(f, WM_E_BAD_REQUEST, "name", "%s", _("令牌名称须为1至50个字符"));
    }
    char *rnd = wm_random_token(32);
    char *tok = wm_asprintf("wm_%s", rnd), hash[65];
    free(rnd);
    wm_sha256_hex(tok, strlen(tok), hash);
    if (WM_OK != (e = tx_begin(db, f))) {
        free(tok);
        return e;
    }
    if (WM_QS_ONE != db->ops->token_insert(db, a->p->user_id, name, hash, wm_now(), id)) {
        e = wm_fail_set(f, WM_E_INTERNAL, NULL, "%s", _("无法保存令牌"));
    } else {
        json_t *sum = json_pack("{s:s}", "name", name);
        e = wm_audit(db, a, "token.create", "token", *id, a->p->org_path, NULL, sum);
        json_decref(sum);
    }
    e = tx_end(db, e, f);
    if (WM_OK == e) {
        *secret = tok;
    } else {
        free(tok);
    }
    return e;
}

enum wm_err
wm_token_create(struct wm_db *db, const struct wm_actor *a, const char *name, int64_t *id,
                char **secret, struct wm_fail *f)
{
    enum wm_err e;
    TX_RETRY(e, token_create_once(db, a, name, id, secret, f));
    return e;
}

static enum wm_err
token_revoke_once(struct wm_db *db, const struct wm_actor *a, int64_t id, struct wm_fail *f)
{
    enum wm_err e;
    if (NULL == a->p) {
        return wm_fail_set(f, WM_E_NOT_FOUND, NULL, "%s", _("令牌不存在"));
    }
    if (WM_OK != (e = tx_begin(db, f))) {
        return e;
    }
    enum wm_qs qs = db->ops->token_revoke(db, a->p->user_id, id);
    if (WM_QS_NONE == qs) {
        e = wm_fail_set(f, WM_E_NOT_FOUND, NULL, "%s", _("令牌不存在"));
    } else if (WM_QS_ONE != qs) {
        e = wm_fail_set(f, WM_E_INTERNAL, NULL, "%s", _("无法吊销令牌"));
    } else {
        e = wm_audit(db, a, "token.revoke", "token", id, a->p->org_path, NULL, NULL);
    }
    return tx_end(db, e, f);
}

enum wm_err
wm_token_revoke(struct wm_db *db, const struct wm_actor *a, int64_t id, struct wm_fail *f)
{
    enum wm_err e;
    TX_RETRY(e, token_revoke_once(db, a, id, f));
    return e;
}

/* end of user.c */
