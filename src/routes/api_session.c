/*
** api_session.c — logging in and out, the caller, its password and API tokens.
*/
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "handlers.h"

void
api_session_post(struct wm_req *r)
{
    static const struct wm_jfield spec[] = {{"username", WM_J_STR, true, 256},
                                            {"password", WM_J_STR, true, 1024},
                                            {"totp", WM_J_STR, false, 64}, /* issue 13, totp */
                                            {NULL}};
    if (!wm_json_check(r, spec)) {
        return;
    }
    if (wm_ip_throttled(r->addr, false)) {
        wm_reply_err(r, WM_E_RATE_LIMITED, NULL, NULL);
        return;
    }
    struct wm_login_in in = {.username = wm_jstr(r, "username"),
                             .password = wm_jstr(r, "password"),
                             .totp = wm_jstr(r, "totp"),
                             .addr = r->addr,
                             .request_id = r->rid};
    struct wm_login_out out;
    enum wm_err e = wm_login_ex(r->db, wm_policy(), &in, &out);
    if (WM_E_UNAUTHORIZED == e && out.need_totp && NULL == in.totp) {
        /* the password was right: the account needs its second factor (not counted) */
        wm_reply_err(r, e, "totp",
                     _("此账号已启用两步验证：请在 totp 字段提供验证器上的6位验证码或一个恢复码"));
        return;
    }
    if (WM_E_UNAUTHORIZED == e) {
        (void)wm_ip_throttled(r->addr, true);
        wm_reply_err(r, e, out.need_totp ? "totp" : NULL,
                     out.need_totp ? _("验证码不正确或已使用过") : _("用户名或密码错误"));
        return;
    }
    if (WM_OK != e) {
        wm_reply_err(r, e, NULL, WM_E_RATE_LIMITED == e ? _("登录失败次数过多，请稍后再试") : NULL);
        return;
    }
    struct wm_principal *p = wm_principal_load(r->db, out.user_id);
    wm_req_set_cookie(r, "wm_session", out.token, (int)wm_policy()->session_lifetime);
    json_t *me = p ? wm_principal_json(p) : json_object();
    wm_reply_json(r, 201, json_pack("{s:o, s:s}", "user", me, "csrf", out.csrf));
    wm_principal_free(p);
    wm_login_out_free(&out);
}

void
api_session_delete(struct wm_req *r)
{
    if (r->via_cookie) {
        wm_logout(r->db, &r->actor, r->session_token);
        wm_req_set_cookie(r, "wm_session", "", 0);
    }
    wm_reply_json(r, 200, json_pack("{s:b}", "ok", 1));
}

void
api_me_get(struct wm_req *r)
{
    json_t *me = wm_principal_json(r->who);
    if (r->csrf) {
        json_object_set_new(me, "csrf", json_string(r->csrf));
    }
    /* the inbox's unread count, as the page header shows it */
    int64_t unread = wm_notify_unread_count(r->db, &r->actor);
    if (unread < 0) {
        json_decref(me);
        wm_reply_err(r, WM_E_INTERNAL, NULL, NULL);
        return;
    }
    json_object_set_new(me, "unread_notifications", json_integer(unread));
    wm_reply_json(r, 200, me);
}

void
api_me_password_post(struct wm_req *r)
{
    static const struct wm_jfield spec[] = {{"old_password", WM_J_STR, true, 1024},
                                            {"password", WM_J_STR, true, 256},
                                            {NULL}};
    struct wm_fail f = {0};
    if (!wm_json_check(r, spec)) {
        return;
    }
    int64_t revoked = 0;
    if (WM_OK != wm_user_set_password(r->db, &r->actor, r->who->user_id,
                                      wm_jstr(r, "old_password"), wm_jstr(r, "password"),
                                      &revoked, &f)) {
        wm_reply_fail(r, &f);
        return;
    }
    wm_reply_json(r, 200, json_pack("{s:b, s:I}", "ok", 1, "tokens_revoked", (json_int_t)revoked));
}

void
api_tokens_get(struct wm_req *r)
{
    struct wm_fail f = {0};
    json_t *items = wm_token_list(r->db, &r->actor, &f);
    wm_reply_read(r, 200, items ? wm_api_page(wm_api_tokens(items), 0) : NULL, &f);
}

void
api_tokens_post(struct wm_req *r)
{
    static const struct wm_jfield spec[] = {{"name", WM_J_STR, true, 50}, {NULL}};
    struct wm_fail f = {0};
    int64_t id;
    char *secret = NULL;
    if (!wm_json_check(r, spec)) {
        return;
    }
    if (WM_OK != wm_token_create(r->db, &r->actor, wm_jstr(r, "name"), &id, &secret, &f)) {
        wm_reply_fail(r, &f);
        return;
    }
    wm_reply_json(r, 201, json_pack("{s:I, s:s, s:s}", "id", (json_int_t)id, "name",
                                    wm_jstr(r, "name"), "token", secret));
    free(secret);
}

void
api_token_delete(struct wm_req *r)
{
    struct wm_fail f = {0};
    if (WM_OK != wm_token_revoke(r->db, &r->actor, r->ids[0], &f)) {
        wm_reply_fail(r, &f);
        return;
    }
    wm_reply_json(r, 200, json_pack("{s:b}", "ok", 1));
}

/* end of api_session.c */
