/*
** twofactor.c — the TOTP second factor of an account (issue 13, totp): the policy of
** wenming.conf (totp_required, password_max_age_days), enrolment (start, confirm with a
** first code), recovery codes (shown once, only their hashes kept), turning it off, and a
** manager's reset.  Each write runs in one transaction with its audit entry; the secret is
** never in an audit entry or a log line.  The sign-in itself is in user.c (wm_login_ex).
*/
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "tx.h"
#include "wm_core.h"

/* ---------------------------------------------------------------- policy */

static unsigned totp_roles;  /* WM_ROLE_BIT()s of totp_required */
static unsigned pw_max_age;  /* password_max_age_days, 0 = never */

bool
wm_totp_set_required(const char *roles)
{
    unsigned bits = 0;
    const char *p = roles ? roles : "";
    while (*p) {
        while (',' == *p || ' ' == *p) {
            p++;
        }
        size_t n = strcspn(p, ", ");
        if (0 == n) {
            break;
        }
        char name[32];
        enum wm_role r;
        if (n >= sizeof name) {
            return false;
        }
        memcpy(name, p, n);
        name[n] = '\0';
        if (!wm_role_parse(name, &r)) {
            return false;
        }
        bits |= WM_ROLE_BIT(r);
        p += n;
    }
    totp_roles = bits;
    return true;
}

bool
wm_totp_required(enum wm_role r)
{
    return 0 != (totp_roles & WM_ROLE_BIT(r));
}

void
wm_password_set_max_age(unsigned days)
{
    pw_max_age = days > 36500 ? 36500 : days;
}

unsigned
wm_password_max_age(void)
{
    return pw_max_age;
}

/* ---------------------------------------------------------------- helpers */

#define ISSUER "wenming"

static enum wm_err
need_user(const struct wm_actor *a, struct wm_fail *f)
{
    return a->p ? WM_OK
                : wm_fail_set(f, WM_E_FORBIDDEN, NULL, "%s", _("命令行不能设置两步验证"));
}

enum wm_qs
wm_second_factor_take(struct wm_db *db, int64_t user_id, const json_t *t, const char *code,
                      bool recovery, int64_t now, const char **how)
{
    unsigned char key[WM_TOTP_SECRET_BYTES];
    if (NULL == code || !wm_totp_key(jss(t, "secret"), key)) {
        return WM_QS_NONE;
    }
    int64_t step = wm_totp_verify(key, sizeof key, code, now, jsi(t, "last_step"));
    sodium_memzero(key, sizeof key);
    if (how) {
        *how = step > 0 || !recovery ? "totp" : "recovery";
    }
    if (step > 0) {
        return db->ops->totp_step_use(db, user_id, step);
    }
    char hash[65];
    if (!recovery || !wm_recovery_hash(user_id, code, hash)) {
        return WM_QS_NONE;
    }
    json_t *list = db->ops->recovery_list(db, user_id), *x;
    if (NULL == list) {
        return WM_QS_HARD;
    }
    size_t i;
    int64_t match = 0;
    json_array_foreach(list, i, x)
    {
        /* every row compared, in constant time each */
        if (wm_secure_streq(jss(x, "hash"), hash) && 0 == match) {
            match = jsi(x, "id");
        }
    }
    json_decref(list);
    return match ? db->ops->recovery_use(db, user_id, match, now) : WM_QS_NONE;
}

/* Is code a current code of the secret in t (taking its step), or one of the account's
** recovery codes (using it) when recovery is allowed?  Inside a transaction. */
static enum wm_err
code_check(struct wm_db *db, int64_t uid, const json_t *t, const char *code, bool recovery,
           struct wm_fail *f)
{
    unsigned char key[WM_TOTP_SECRET_BYTES];
    if (!wm_totp_key(jss(t, "secret"), key)) {
        return wm_fail_set(f, WM_E_CONFLICT, NULL, "%s", _("尚未启用两步验证"));
    }
    sodium_memzero(key, sizeof key);
    enum wm_qs qs = wm_second_factor_take(db, uid, t, code, recovery, wm_now(), NULL);
    if (WM_QS_ONE == qs) {
        return WM_OK;
    }
    if (qs < 0) {
        return wm_fail_set(f, WM_E_INTERNAL, NULL, "%s", _("无法保存"));
    }
    return wm_fail_set(f, WM_E_BAD_REQUEST, "code", "%s",
                       _("验证码不正确或已使用过，请输入验证器上当前显示的6位数字"));
}

/* New recovery codes for uid: the plain codes into *codes, their hashes into the store. */
static enum wm_err
recovery_make(struct wm_db *db, int64_t uid, json_t **codes, struct wm_fail *f)
{
    json_t *plain = json_array(), *hashes = json_array();
    for (int i = 0; i < WM_RECOVERY_CODES; i++) {
        char *c = wm_recovery_code_new(), hash[65];
        if (!wm_recovery_hash(uid, c, hash)) {
            free(c);
            continue;
        }
        json_array_append_new(plain, json_string(c));
        json_array_append_new(hashes, json_string(hash));
        free(c);
    }
    enum wm_qs qs = db->ops->recovery_replace(db, uid, hashes, wm_now());
    json_decref(hashes);
    if (WM_QS_ONE != qs) {
        json_decref(plain);
        return wm_fail_set(f, WM_E_INTERNAL, NULL, "%s", _("无法保存恢复码"));
    }
    *codes = plain;
    return WM_OK;
}

/* ---------------------------------------------------------------- the caller's own */

json_t *
wm_totp_status(struct wm_db *db, const struct wm_actor *a, struct wm_fail *f)
{
    if (WM_OK != need_user(a, f)) {
        return NULL;
    }
    json_t *t = db->ops->totp_get(db, a->p->user_id);
    json_t *list = t ? db->ops->recovery_list(db, a->p->user_id) : NULL;
    if (NULL == t || NULL == list) {
        json_decref(t);
        wm_read_fail(db, f, NULL, NULL);
        return NULL;
    }
    bool enabled = json_is_integer(json_object_get(t, "enabled_at"));
    json_t *pending = json_null();
    if (!enabled && json_is_string(json_object_get(t, "secret"))) {
        char *uri = wm_totp_uri(ISSUER, a->p->username, jss(t, "secret"));
        char *svg = wm_qr_svg(uri);
        pending = json_pack("{s:s, s:s, s:s?}", "secret", jss(t, "secret"), "uri", uri, "svg",
                            svg);
        free(uri);
        free(svg);
    }
    json_t *o = json_pack("{s:b, s:O, s:b, s:I, s:o}", "enabled", enabled, "enabled_at",
                          json_object_get(t, "enabled_at"), "required",
                          wm_totp_required(a->p->role), "recovery_left",
                          (json_int_t)(enabled ? json_array_size(list) : 0), "pending", pending);
    json_decref(t);
    json_decref(list);
    return o;
}

static enum wm_err
start_once(struct wm_db *db, const struct wm_actor *a, struct wm_fail *f)
{
    enum wm_err e;
    if (WM_OK != (e = need_user(a, f)) || WM_OK != (e = tx_begin(db, f))) {
        return e;
    }
    int64_t uid = a->p->user_id;
    json_t *t = db->ops->totp_get(db, uid);
    char *secret = wm_totp_secret_new();
    if (NULL == t) {
        e = wm_read_fail(db, f, NULL, _("账号不存在"));
    } else if (json_is_integer(json_object_get(t, "enabled_at"))) {
        e = wm_fail_set(f, WM_E_CONFLICT, NULL, "%s", _("两步验证已经启用"));
    } else if (WM_QS_ONE != db->ops->totp_set(db, uid, secret, 0, 0)) {
        e = wm_fail_set(f, WM_E_INTERNAL, NULL, "%s", _("无法保存"));
    } else {
        e = wm_audit(db, a, "totp.start", "user", uid, a->p->org_path, NULL, NULL);
    }
    sodium_memzero(secret, strlen(secret));
    free(secret);
    json_decref(t);
    return tx_end(db, e, f);
}

enum wm_err
wm_totp_start(struct wm_db *db, const struct wm_actor *a, struct wm_fail *f)
{
    enum wm_err e;
    TX_RETRY(e, start_once(db, a, f));
    return e;
}

/* Inside a transaction: enable the secret t holds (started, not yet enabled) when code
** is its current code. */
static enum wm_err
enable_step(struct wm_db *db, int64_t uid, const json_t *t, const char *code, struct wm_fail *f)
{
    enum wm_err e = WM_OK;
    unsigned char key[WM_TOTP_SECRET_BYTES];
    int64_t step = 0;
    if (json_is_integer(json_object_get(t, "enabled_at"))) {
        e = wm_fail_set(f, WM_E_CONFLICT, NULL, "%s", _("两步验证已经启用"));
    } else if (!wm_totp_key(jss(t, "secret"), key)) {
        e = wm_fail_set(f, WM_E_CONFLICT, NULL, "%s", _("请先开始设置两步验证"));
    } else if (0 == (step = wm_totp_verify(key, sizeof key, code, wm_now(), 0))) {
        e = wm_fail_set(f, WM_E_BAD_REQUEST, "code", "%s",
                        _("验证码不正确，请输入验证器上当前显示的6位数字"));
    } else if (WM_QS_ONE != db->ops->totp_set(db, uid, jss(t, "secret"), wm_now(), step)) {
        e = wm_fail_set(f, WM_E_INTERNAL, NULL, "%s", _("无法保存"));
    }
    sodium_memzero(key, sizeof key);
    return e;
}

/* One transaction that hands out new recovery codes (*codes, shown once): enable (the
** confirmation of a started enrolment by its first code) or, for an enabled account, a
** fresh set given a current code. */
static enum wm_err
codes_once(struct wm_db *db, const struct wm_actor *a, const char *code, bool enable,
           json_t **codes, struct wm_fail *f)
{
    enum wm_err e;
    *codes = NULL;
    if (WM_OK != (e = need_user(a, f)) || WM_OK != (e = tx_begin(db, f))) {
        return e;
    }
    int64_t uid = a->p->user_id;
    json_t *t = db->ops->totp_get(db, uid);
    if (NULL == t) {
        e = wm_read_fail(db, f, NULL, _("账号不存在"));
    } else if (enable) {
        e = enable_step(db, uid, t, code, f);
    } else if (!json_is_integer(json_object_get(t, "enabled_at"))) {
        e = wm_fail_set(f, WM_E_CONFLICT, NULL, "%s", _("尚未启用两步验证"));
    } else {
        e = code_check(db, uid, t, code, false, f);
    }
    if (WM_OK == e && WM_OK == (e = recovery_make(db, uid, codes, f))) {
        e = wm_audit(db, a, enable ? "totp.enable" : "totp.recovery_new", "user", uid,
                     a->p->org_path, NULL, NULL);
    }
    json_decref(t);
    e = tx_end(db, e, f);
    if (WM_OK != e) {
        json_decref(*codes);
        *codes = NULL;
    }
    return e;
}

enum wm_err
wm_totp_confirm(struct wm_db *db, const struct wm_actor *a, const char *code, json_t **codes,
                struct wm_fail *f)
{
    enum wm_err e;
    TX_RETRY(e, codes_once(db, a, code, true, codes, f));
    return e;
}

enum wm_err
wm_totp_recovery_new(struct wm_db *db, const struct wm_actor *a, const char *code,
                     json_t **codes, struct wm_fail *f)
{
    enum wm_err e;
    TX_RETRY(e, codes_once(db, a, code, false, codes, f));
    return e;
}

/* Inside a transaction: clear uid's second factor and its recovery codes. */
static enum wm_err
clear(struct wm_db *db, int64_t uid, struct wm_fail *f)
{
    json_t *none = json_array();
    bool ok = WM_QS_ONE == db->ops->totp_set(db, uid, NULL, 0, 0) &&
              WM_QS_ONE == db->ops->totp_pending_set(db, uid, NULL, 0, NULL) &&
              WM_QS_ONE == db->ops->recovery_replace(db, uid, none, wm_now());
    json_decref(none);
    return ok ? WM_OK : wm_fail_set(f, WM_E_INTERNAL, NULL, "%s", _("无法保存"));
}

static enum wm_err
disable_once(struct wm_db *db, const struct wm_actor *a, const char *password, const char *code,
             struct wm_fail *f)
{
    enum wm_err e;
    if (WM_OK != (e = need_user(a, f))) {
        return e;
    }
    if (wm_totp_required(a->p->role)) {
        return wm_fail_set(f, WM_E_FORBIDDEN, NULL, "%s",
                           _("您的角色必须使用两步验证，不能关闭"));
    }
    if (WM_OK != (e = tx_begin(db, f))) {
        return e;
    }
    int64_t uid = a->p->user_id;
    json_t *t = db->ops->totp_get(db, uid), *auth = db->ops->user_get_auth(db, a->p->username);
    if (NULL == t || NULL == auth) {
        e = wm_read_fail(db, f, NULL, _("账号不存在"));
    } else if (!json_is_integer(json_object_get(t, "enabled_at"))) {
        e = wm_fail_set(f, WM_E_CONFLICT, NULL, "%s", _("尚未启用两步验证"));
    } else if (NULL == password || !wm_password_verify(jss(auth, "pwhash"), password)) {
        e = wm_fail_set(f, WM_E_BAD_REQUEST, "password", "%s", _("密码不正确"));
    } else if (WM_OK == (e = code_check(db, uid, t, code, true, f)) &&
               WM_OK == (e = clear(db, uid, f))) {
        e = wm_audit(db, a, "totp.disable", "user", uid, a->p->org_path, NULL, NULL);
    }
    json_decref(t);
    json_decref(auth);
    return tx_end(db, e, f);
}

enum wm_err
wm_totp_disable(struct wm_db *db, const struct wm_actor *a, const char *password,
                const char *code, struct wm_fail *f)
{
    enum wm_err e;
    TX_RETRY(e, disable_once(db, a, password, code, f));
    return e;
}

/* ---------------------------------------------------------------- a manager's reset */

static enum wm_err
reset_once(struct wm_db *db, const struct wm_actor *a, int64_t id, struct wm_fail *f)
{
    enum wm_err e;
    if (!wm_actor_is(a, WM_ROLES_STAFF | WM_ROLE_BIT(WM_ROLE_UNIT_ADMIN))) {
        return wm_fail_set(f, WM_E_FORBIDDEN, NULL, "%s", _("没有权限重置两步验证"));
    }
    if (a->p && a->p->user_id == id) {
        return wm_fail_set(f, WM_E_FORBIDDEN, NULL, "%s",
                           _("不能重置自己的两步验证，请在“我的账号”中设置"));
    }
    if (WM_OK != (e = tx_begin(db, f))) {
        return e;
    }
    json_t *u = wm_user_get_scoped(db, a, id, NULL);
    enum wm_role role;
    if (NULL == u) {
        e = wm_read_fail(db, f, NULL, _("账号不存在"));
    } else if (!wm_role_parse(jss(u, "role"), &role)) {
        e = wm_fail_set(f, WM_E_INTERNAL, NULL, "%s", _("账号数据不完整"));
    } else if (!(wm_actor_is(a, WM_ROLE_BIT(WM_ROLE_ADMIN)) ||
                 (wm_actor_is(a, WM_ROLE_BIT(WM_ROLE_OFFICE)) && WM_ROLE_ADMIN != role) ||
                 (WM_ROLE_UNIT_MEMBER == role || WM_ROLE_UNIT_VIEWER == role))) {
        e = wm_fail_set(f, WM_E_FORBIDDEN, NULL, "%s", _("没有权限管理此角色的账号"));
    } else if (WM_OK == (e = clear(db, id, f))) {
        if (WM_QS_HARD == db->ops->session_delete_user(db, id)) {
            e = wm_fail_set(f, WM_E_INTERNAL, NULL, "%s", _("无法结束会话"));
        } else {
            json_t *sum = json_pack("{s:b}", "required", wm_totp_required(role));
            e = wm_audit(db, a, "totp.reset", "user", id, jss(u, "org_path"), NULL, sum);
            json_decref(sum);
        }
    }
    json_decref(u);
    return tx_end(db, e, f);
}

enum wm_err
wm_totp_reset(struct wm_db *db, const struct wm_actor *a, int64_t user_id, struct wm_fail *f)
{
    enum wm_err e;
    TX_RETRY(e, reset_once(db, a, user_id, f));
    return e;
}

/* end of twofactor.c */
