/*
** page_totp.c — the pages of the TOTP second factor (issue 13, totp): the second step of
** signing in (/login/2fa), the caller's own setting (/account/2fa: enrolment with a QR code,
** recovery codes shown once, new codes, turning it off) and a manager's reset of another
** account (/users/{id}/2fa/reset).
**
** The pending sign-in: after a right password, an account with the second factor gets no
** session but a wm_2fa cookie ("UID.RANDOM", HttpOnly, 5 minutes): the SHA-256 of its random
** part is on the account's row with the time and the client's address, and only a request
** from that address within 5 minutes, carrying a right code, turns it into a session
** (src/core/user.c, wm_login_second).  A new password step replaces it.
*/
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "handlers.h"

/* ---------------------------------------------------------------- the second step */

static void
second_form(struct wm_req *r, unsigned status, const char *error)
{
    struct wm_buf b = {0};
    char *pre = wm_random_token(18);
    wm_req_set_cookie(r, "wm_pre", pre, 3600);
    ui_begin(r, &b, _("两步验证"));
    if (error) {
        wm_h(&b, "<p class=\"flash err\" role=\"alert\">%s</p>\n", error);
    }
    wm_h(&b,
         "<form method=\"post\" action=\"/login/2fa\" class=\"card narrow\">\n"
         "<input type=\"hidden\" name=\"csrf\" value=\"%s\">\n"
         "<input type=\"hidden\" name=\"next\" value=\"%s\">\n"
         "<p>%s</p>\n"
         "<label>%s<input name=\"code\" id=\"totp-code\" autocomplete=\"one-time-code\" "
         "inputmode=\"numeric\" required maxlength=\"20\" autofocus></label>\n"
         "<p class=\"hint\">%s</p>\n"
         "<button type=\"submit\">%s</button>\n</form>\n"
         "<p><a href=\"/login\">%s</a></p>\n",
         pre, wm_safe_next(r->form ? wm_form(r, "next") : wm_req_arg(r, "next")),
         _("请打开手机上的验证器（如腾讯身份验证器），输入本系统显示的6位验证码。"),
         _("验证码"), _("手机不在身边时，可输入一个恢复码（每个只能用一次）。"), _("验证"),
         _("重新登录"));
    free(pre);
    ui_end(r, &b, status);
}

void
page_login2_get(struct wm_req *r)
{
    if (r->who) {
        wm_reply_redirect(r, "/home");
        return;
    }
    if (NULL == wm_req_cookie(r, "wm_2fa")) {
        wm_reply_redirect(r, "/login");
        return;
    }
    second_form(r, 200, NULL);
}

void
page_login2_post(struct wm_req *r)
{
    struct wm_login_out out;
    if (wm_ip_throttled(r->addr, false)) {
        second_form(r, 429, _("登录失败次数过多，请稍后再试"));
        return;
    }
    enum wm_err e = wm_login_second(r->db, wm_policy(), wm_req_cookie(r, "wm_2fa"),
                                    wm_form(r, "code"), r->addr, r->rid, &out);
    if (WM_E_NOT_FOUND == e) {
        wm_req_set_cookie(r, "wm_2fa", "", 0);
        ui_redirect_msg(r, "/login", "err", _("验证已超时，请重新输入用户名和密码"));
        return;
    }
    if (WM_OK != e) {
        if (WM_E_UNAUTHORIZED == e) {
            (void)wm_ip_throttled(r->addr, true);
        }
        if (WM_E_RATE_LIMITED == e) {
            wm_req_set_cookie(r, "wm_2fa", "", 0);
        }
        second_form(r, wm_err_status(e),
                    WM_E_RATE_LIMITED == e   ? _("登录失败次数过多，请15分钟后再试")
                    : WM_E_UNAUTHORIZED == e ? _("验证码不正确或已使用过，请输入验证器上当前显示的6位数字")
                                             : wm_err_message(e));
        return;
    }
    wm_req_set_cookie(r, "wm_session", out.token, (int)wm_policy()->session_lifetime);
    wm_req_set_cookie(r, "wm_2fa", "", 0);
    wm_req_set_cookie(r, "wm_pre", "", 0);
    wm_reply_redirect(r, wm_safe_next(wm_form(r, "next")));
    wm_login_out_free(&out);
}

/* ---------------------------------------------------------------- the caller's setting */

static void
codes_list(struct wm_buf *b, const json_t *codes)
{
    wm_h(b, "<section class=\"card\"><h2>%s</h2><p class=\"flash warn\">%s</p>"
            "<ol class=\"recovery-codes\" id=\"recovery-codes\">",
         _("恢复码"),
         _("请立即抄写或打印这些恢复码并妥善保管：手机丢失时，每个恢复码可代替验证码登录一次。"
           "它们只显示这一次。"));
    size_t i;
    json_t *c;
    json_array_foreach(codes, i, c)
    {
        wm_h(b, "<li><code class=\"secret\">%s</code></li>", json_string_value(c));
    }
    wm_h(b, "</ol><p><a class=\"button\" href=\"/home\">%s</a></p></section>\n",
         _("我已保存，继续"));
}

static void
twofa_render(struct wm_req *r, const json_t *codes, unsigned status)
{
    struct wm_buf b = {0}, c = {0};
    struct wm_fail f = {0};
    json_t *st = wm_totp_status(r->db, &r->actor, &f);
    if (NULL == st) {
        wm_reply_fail(r, &f);
        return;
    }
    ui_crumb(&c, "<a href=\"/account\">%s</a>", _("我的账号"));
    ui_begin_at(r, &b, _("两步验证"), &c);
    wm_buf_free(&c);
    bool enabled = json_is_true(json_object_get(st, "enabled"));
    bool required = json_is_true(json_object_get(st, "required"));
    if (r->who->totp_enrol) {
        wm_h(&b, "<p class=\"flash warn\">%s</p>\n",
             _("您的角色必须使用两步验证：完成下面的设置后才能使用系统的其他功能。"));
    }
    if (codes) {
        wm_h(&b, "<p class=\"flash ok\" role=\"status\">%s</p>\n", _("两步验证已启用"));
        codes_list(&b, codes);
    }
    json_t *pending = json_object_get(st, "pending");
    if (enabled) {
        wm_h(&b, "<section class=\"card\"><dl class=\"kv\"><dt>%s</dt><dd id=\"totp-state\">%s"
                 "</dd><dt>%s</dt><dd>",
             _("状态"), _("已启用"), _("启用时间"));
        ui_time(&b, json_integer_value(json_object_get(st, "enabled_at")));
        wm_h(&b, "</dd><dt>%s</dt><dd>%I</dd></dl></section>\n", _("剩余恢复码"),
             (int64_t)json_integer_value(json_object_get(st, "recovery_left")));
        wm_h(&b, "<section class=\"card\"><h2>%s</h2><p class=\"hint\">%s</p>"
                 "<form method=\"post\" action=\"/account/2fa/recovery\" class=\"row\">",
             _("重新生成恢复码"), _("旧的恢复码将全部作废。"));
        ui_csrf(r, &b);
        wm_h(&b, "<label>%s<input name=\"code\" autocomplete=\"one-time-code\" "
                 "inputmode=\"numeric\" required maxlength=\"6\"></label>"
                 "<button type=\"submit\">%s</button></form></section>\n",
             _("当前验证码"), _("生成新的恢复码"));
        if (required) {
            wm_h(&b, "<p class=\"hint\">%s</p>\n",
                 _("您的角色必须使用两步验证，不能关闭。手机丢失时请用恢复码登录，或请管理员重置。"));
        } else {
            wm_h(&b, "<section class=\"card\"><h2>%s</h2>"
                     "<form method=\"post\" action=\"/account/2fa/disable\" class=\"grid\" "
                     "data-confirm=\"%s\">",
                 _("关闭两步验证"), _("确定关闭两步验证？"));
            ui_csrf(r, &b);
            wm_h(&b, "<label>%s<input name=\"password\" type=\"password\" "
                     "autocomplete=\"current-password\" required></label>"
                     "<label>%s<input name=\"code\" autocomplete=\"one-time-code\" required "
                     "maxlength=\"20\"></label><button type=\"submit\" class=\"danger\">%s</button>"
                     "</form></section>\n",
                 _("密码"), _("验证码或恢复码"), _("关闭"));
        }
    } else if (json_is_object(pending)) {
        const char *svg = json_string_value(json_object_get(pending, "svg"));
        wm_h(&b, "<section class=\"card\"><h2>%s</h2><ol class=\"steps\"><li>%s</li>"
                 "<li>%s</li><li>%s</li></ol>",
             _("设置两步验证"),
             _("在手机上安装验证器应用（如腾讯身份验证器、Google Authenticator、Microsoft "
               "Authenticator）。"),
             _("用验证器扫描下面的二维码；不能扫描时，手动输入密钥。"),
             _("输入验证器显示的6位验证码，完成设置。"));
        if (svg) {
            wm_h(&b, "<figure class=\"qr\" id=\"totp-qr\">%r<figcaption>%s</figcaption></figure>",
                 svg, _("用验证器扫描此二维码"));
        }
        wm_h(&b, "<p>%s<code class=\"secret\" id=\"totp-secret\">%s</code></p>"
                 "<p class=\"hint\">%s</p>"
                 "<form method=\"post\" action=\"/account/2fa/confirm\" class=\"row\">",
             _("密钥："), json_string_value(json_object_get(pending, "secret")),
             _("类型：基于时间；位数：6；间隔：30秒。"));
        ui_csrf(r, &b);
        wm_h(&b, "<label>%s<input name=\"code\" id=\"totp-code\" autocomplete=\"one-time-code\" "
                 "inputmode=\"numeric\" required maxlength=\"6\"></label>"
                 "<button type=\"submit\">%s</button></form>"
                 "<form method=\"post\" action=\"/account/2fa/start\" class=\"inline\">",
             _("验证码"), _("完成设置"));
        ui_csrf(r, &b);
        wm_h(&b, "<button type=\"submit\" class=\"secondary small\">%s</button></form></section>\n",
             _("换一个密钥"));
    } else if (!codes) {
        wm_h(&b, "<section class=\"card\"><p id=\"totp-state\">%s</p><p class=\"hint\">%s</p>"
                 "<form method=\"post\" action=\"/account/2fa/start\">",
             _("未启用"),
             _("启用后，登录时除密码外还需输入手机验证器上的6位验证码：密码泄露也无法登录您的账号。"));
        ui_csrf(r, &b);
        wm_h(&b, "<button type=\"submit\">%s</button></form></section>\n", _("开始设置"));
    }
    json_decref(st);
    ui_end(r, &b, status);
}

void
page_2fa_get(struct wm_req *r)
{
    twofa_render(r, NULL, 200);
}

void
page_2fa_start_post(struct wm_req *r)
{
    struct wm_fail f = {0};
    enum wm_err e = wm_totp_start(r->db, &r->actor, &f);
    ui_done(r, e, &f, "/account/2fa", _("已生成密钥，请用验证器扫描二维码"));
}

void
page_2fa_confirm_post(struct wm_req *r)
{
    struct wm_fail f = {0};
    json_t *codes = NULL;
    enum wm_err e = wm_totp_confirm(r->db, &r->actor, wm_form(r, "code"), &codes, &f);
    if (WM_OK != e) {
        ui_done(r, e, &f, "/account/2fa", "");
        return;
    }
    /* the principal of this request still says "not enrolled": the page reads the store */
    r->who->totp_enrol = false;
    r->who->totp_enabled = true;
    twofa_render(r, codes, 200);
    json_decref(codes);
}

void
page_2fa_recovery_post(struct wm_req *r)
{
    struct wm_fail f = {0};
    json_t *codes = NULL;
    enum wm_err e = wm_totp_recovery_new(r->db, &r->actor, wm_form(r, "code"), &codes, &f);
    if (WM_OK != e) {
        ui_done(r, e, &f, "/account/2fa", "");
        return;
    }
    twofa_render(r, codes, 200);
    json_decref(codes);
}

void
page_2fa_disable_post(struct wm_req *r)
{
    struct wm_fail f = {0};
    enum wm_err e =
        wm_totp_disable(r->db, &r->actor, wm_form(r, "password"), wm_form(r, "code"), &f);
    ui_done(r, e, &f, "/account/2fa", _("两步验证已关闭"));
}

void
page_user_2fa_reset_post(struct wm_req *r)
{
    struct wm_fail f = {0};
    char *to = wm_asprintf("/users/%lld", (long long)r->ids[0]);
    enum wm_err e = wm_totp_reset(r->db, &r->actor, r->ids[0], &f);
    ui_done(r, e, &f, to, _("两步验证已重置，该账号下次登录时需重新设置"));
    free(to);
}

/* end of page_totp.c */
