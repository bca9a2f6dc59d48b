/*
** page_auth.c — the pages of logging in and out, the first page after login, the
** caller's own account (password, API tokens), and the static files.
*/
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "handlers.h"

/* ---------------------------------------------------------------- static files */

/*
** Debian's pdf.js (package libjs-pdf), served from where Debian installs it, under our own
** CSP: /static/pdfjs/pdf.js and pdf.worker.js, and the character maps pdf.js fetches for
** Chinese fonts (/static/pdfjs/cmaps/NAME.bcmap).  Only these names: a name is letters,
** digits, '-' and '_' (no '/', no '.'), so nothing outside those directories is reachable.
*/
#ifndef WM_PDFJS_DIR
#define WM_PDFJS_DIR "/usr/share/javascript/pdf"
#endif

static bool
plain_name(const char *s, size_t n)
{
    if (0 == n || n > 64) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              '-' == c || '_' == c)) {
            return false;
        }
    }
    return true;
}

static bool
pdfjs_file(struct wm_req *r, const char *name)
{
    char path[256];
    const char *ctype = "text/javascript; charset=utf-8";
    if (wm_streq(name, "pdf.js") || wm_streq(name, "pdf.worker.js")) {
        snprintf(path, sizeof path, "%s/build/%s", WM_PDFJS_DIR, name);
    } else if (wm_startswith(name, "cmaps/") && strlen(name) > 12 &&
               wm_streq(name + strlen(name) - 6, ".bcmap") &&
               plain_name(name + 6, strlen(name) - 12)) {
        snprintf(path, sizeof path, "%s/web/%s", WM_PDFJS_DIR, name);
        ctype = "application/octet-stream";
    } else {
        return false;
    }
    struct stat st;
    if (0 != stat(path, &st) || !S_ISREG(st.st_mode)) {
        return false;
    }
    char etag[64];
    snprintf(etag, sizeof etag, "\"%llx-%llx\"", (unsigned long long)st.st_size,
             (unsigned long long)st.st_mtime);
    const char *inm = wm_req_header(r, "If-None-Match");
    if (inm && wm_streq(inm, etag)) {
        wm_reply_data(r, 304, ctype, "", 0, false);
    } else {
        size_t len;
        char *data = wm_read_file(path, &len);
        if (NULL == data) {
            return false;
        }
        wm_reply_data(r, 200, ctype, data, len, true);
        free(data);
    }
    wm_req_add_header(r, "ETag", etag);
    wm_req_add_header(r, "Cache-Control", "public, max-age=86400");
    return true;
}

void
page_static(struct wm_req *r)
{
    const char *name = r->path + strlen("/static/");
    if (wm_startswith(name, "pdfjs/")) {
        if (!pdfjs_file(r, name + strlen("pdfjs/"))) {
            wm_reply_err(r, WM_E_NOT_FOUND, NULL, NULL);
        }
        return;
    }
    if (!wm_reply_static_file(r, r->path + strlen("/static/"))) {
        wm_reply_err(r, WM_E_NOT_FOUND, NULL, NULL);
    }
}

/* ---------------------------------------------------------------- login */

void
page_root(struct wm_req *r)
{
    wm_reply_redirect(r, r->who ? "/home" : "/login");
}

static void
login_form(struct wm_req *r, unsigned status, const char *error, const char *username)
{
    struct wm_buf b = {0};
    char *pre = wm_random_token(18);
    wm_req_set_cookie(r, "wm_pre", pre, 3600);
    ui_begin(r, &b, _("登录"));
    if (error) {
        wm_h(&b, "<p class=\"flash err\" role=\"alert\">%s</p>\n", error);
    }
    wm_h(&b,
         "<form method=\"post\" action=\"/login\" class=\"card narrow\">\n"
         "<input type=\"hidden\" name=\"csrf\" value=\"%s\">\n"
         "<input type=\"hidden\" name=\"next\" value=\"%s\">\n"
         "<label>%s<input name=\"username\" autocomplete=\"username\" required value=\"%s\" "
         "autofocus></label>\n"
         "<label>%s<input name=\"password\" type=\"password\" autocomplete=\"current-password\" "
         "required></label>\n"
         "<button type=\"submit\">%s</button>\n</form>\n",
         pre, wm_safe_next(r->form ? wm_form(r, "next") : wm_req_arg(r, "next")), _("用户名"),
         username ? username : "", _("密码"), _("登录"));
    free(pre);
    ui_end(r, &b, status);
}

void
page_login_get(struct wm_req *r)
{
    if (r->who) {
        wm_reply_redirect(r, "/home");
        return;
    }
    login_form(r, 200, NULL, NULL);
}

void
page_login_post(struct wm_req *r)
{
    const char *user = wm_form(r, "username"), *pw = wm_form(r, "password");
    char *token = NULL, *csrf = NULL;
    int64_t uid;
    if (wm_ip_throttled(r->addr, false)) {
        login_form(r, 429, _("登录失败次数过多，请稍后再试"), user);
        return;
    }
    /* issue 13, totp: an account with the second factor gets a pending second step */
    struct wm_login_in in = {.username = user, .password = pw ? pw : "", .want_pending = true,
                             .addr = r->addr, .request_id = r->rid};
    struct wm_login_out out;
    enum wm_err e = wm_login_ex(r->db, wm_policy(), &in, &out);
    token = out.token;
    csrf = out.csrf;
    uid = out.user_id;
    (void)uid;
    if (WM_E_UNAUTHORIZED == e && out.need_totp && out.pending) {
        struct wm_buf to = {0};
        wm_buf_adds(&to, "/login/2fa?next=");
        wm_url_encode(&to, wm_safe_next(wm_form(r, "next")));
        wm_req_set_cookie(r, "wm_2fa", out.pending, WM_TOTP_PENDING_SECONDS);
        wm_reply_redirect(r, wm_buf_str(&to));
        wm_buf_free(&to);
        free(out.pending);
        return;
    }
    free(out.pending);
    if (WM_OK != e) {
        if (WM_E_UNAUTHORIZED == e) {
            (void)wm_ip_throttled(r->addr, true);
        }
        login_form(r, wm_err_status(e),
                   WM_E_RATE_LIMITED == e ? _("登录失败次数过多，请15分钟后再试")
                   : WM_E_UNAUTHORIZED == e ? _("用户名或密码错误")
                                            : wm_err_message(e),
                   user);
        return;
    }
    wm_req_set_cookie(r, "wm_session", token, (int)wm_policy()->session_lifetime);
    wm_req_set_cookie(r, "wm_pre", "", 0);
    wm_reply_redirect(r, wm_safe_next(wm_form(r, "next")));
    free(token);
    free(csrf);
}

void
page_logout_post(struct wm_req *r)
{
    if (r->via_cookie) {
        wm_logout(r->db, &r->actor, r->session_token);
    }
    wm_req_set_cookie(r, "wm_session", "", 0);
    ui_redirect_msg(r, "/login", "ok", _("已退出登录"));
}

/* ---------------------------------------------------------------- password */

void
page_password_get(struct wm_req *r)
{
    struct wm_buf b = {0};
    struct wm_buf c = {0};
    ui_crumb(&c, "<a href=\"/account\">%s</a>", _("我的账号"));
    ui_begin_at(r, &b, _("修改密码"), &c);
    wm_buf_free(&c);
    if (r->who->must_change_pw) {
        wm_h(&b, "<p class=\"flash warn\">%s</p>\n",
             _("这是系统生成的初始密码，请先设置您自己的密码。"));
    } else if (r->who->pw_expired) { /* issue 13, totp: password_max_age_days */
        char msg[160];
        snprintf(msg, sizeof msg, _("您的密码已超过 %u 天未修改，已经过期，请设置新密码。"),
                 wm_password_max_age());
        wm_h(&b, "<p class=\"flash warn\" id=\"pw-expired\">%s</p>\n", msg);
    }
    wm_h(&b,
         "<form method=\"post\" action=\"/password\" class=\"card narrow\">\n");
    ui_csrf(r, &b);
    wm_h(&b,
         "<label>%s<input name=\"old_password\" type=\"password\" "
         "autocomplete=\"current-password\" required></label>\n"
         "<label>%s<input name=\"password\" type=\"password\" autocomplete=\"new-password\" "
         "required minlength=\"8\"></label>\n"
         "<label>%s<input name=\"password2\" type=\"password\" autocomplete=\"new-password\" "
         "required minlength=\"8\"></label>\n"
         "<p class=\"hint\">%s</p>\n<button type=\"submit\">%s</button>\n</form>\n",
         _("原密码"), _("新密码"), _("再次输入新密码"),
         _("至少8位，包含小写字母、大写字母、数字、符号中的至少三类。"), _("保存"));
    ui_end(r, &b, 200);
}

void
page_password_post(struct wm_req *r)
{
    struct wm_fail f = {0};
    const char *pw = wm_form(r, "password"), *pw2 = wm_form(r, "password2");
    if (!wm_streq(pw, pw2)) {
        ui_redirect_msg(r, "/password", "err", _("两次输入的新密码不一致"));
        return;
    }
    int64_t revoked = 0;
    if (WM_OK != wm_user_set_password(r->db, &r->actor, r->who->user_id,
                                      wm_form(r, "old_password"), pw, &revoked, &f)) {
        ui_redirect_msg(r, "/password", "err", f.msg);
        return;
    }
    char *msg = ui_tokens_revoked_msg(_("密码已修改"), revoked);
    ui_redirect_msg(r, "/home", "ok", msg);
    free(msg);
}

/* ---------------------------------------------------------------- my account */

static void
account_render(struct wm_req *r, const char *fresh)
{
    struct wm_buf b = {0};
    struct wm_fail f = {0};
    json_t *tokens = wm_token_list(r->db, &r->actor, &f);
    if (NULL == tokens) {
        wm_reply_fail(r, &f);
        return;
    }
    ui_begin(r, &b, _("我的账号"));
    wm_h(&b,
         "<section class=\"card\"><dl class=\"kv\"><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd>"
         "<dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd></dl>"
         "<p><a class=\"button\" href=\"/password\">%s</a> "
         "<a class=\"button secondary\" href=\"/account/2fa\">%s</a></p></section>\n",
         _("用户名"), r->who->username, _("姓名"), r->who->display_name, _("角色"),
         wm_role_label(r->who->role), _("所属"), r->who->org_name, _("修改密码"),
         r->who->totp_enabled ? _("两步验证（已启用）") : _("两步验证（未启用）"));
    ui_notify_prefs(r, &b); /* notifications: the address and each kind's switches */
    wm_h(&b, "<section class=\"card\"><h2>%s</h2><p class=\"hint\">%s</p>\n", _("API 令牌"),
         _("脚本可用 Authorization: Bearer 令牌 调用 /api/v1 接口。令牌只显示一次，请妥善保存。"));
    if (fresh) {
        wm_h(&b, "<p class=\"flash ok\">%s<br><code class=\"secret\">%s</code></p>\n",
             _("新令牌（只显示这一次）："), fresh);
    }
    wm_h(&b, "<table><thead><tr><th>%s</th><th>%s</th><th>%s</th><th></th></tr></thead><tbody>",
         _("名称"), _("创建时间"), _("最近使用"));
    size_t i;
    json_t *t;
    json_array_foreach(tokens, i, t)
    {
        wm_h(&b, "<tr><td>%s</td><td>", json_string_value(json_object_get(t, "name")));
        ui_time(&b, json_integer_value(json_object_get(t, "created_at")));
        wm_h(&b, "</td><td>");
        if (json_is_integer(json_object_get(t, "last_used"))) {
            ui_time(&b, json_integer_value(json_object_get(t, "last_used")));
        } else {
            wm_h(&b, "—");
        }
        wm_h(&b,
             "</td><td><form method=\"post\" action=\"/account/tokens/%I/revoke\" "
             "class=\"inline\" data-confirm=\"%s\">",
             json_integer_value(json_object_get(t, "id")), _("确定吊销这个令牌？"));
        ui_csrf(r, &b);
        wm_h(&b, "<button type=\"submit\" class=\"danger small\">%s</button></form></td></tr>\n",
             _("吊销"));
    }
    if (0 == json_array_size(tokens)) {
        wm_h(&b, "<tr><td colspan=\"4\" class=\"empty\">%s</td></tr>", _("还没有令牌"));
    }
    wm_h(&b, "</tbody></table>\n<form method=\"post\" action=\"/account/tokens\" class=\"row\">");
    ui_csrf(r, &b);
    wm_h(&b,
         "<label>%s<input name=\"name\" required maxlength=\"50\" placeholder=\"%s\"></label>"
         "<button type=\"submit\">%s</button></form></section>\n",
         _("令牌名称"), _("例如：数据同步脚本"), _("新建令牌"));
    json_decref(tokens);
    ui_end(r, &b, 200);
}

void
page_account_get(struct wm_req *r)
{
    account_render(r, NULL);
}

void
page_tokens_post(struct wm_req *r)
{
    struct wm_fail f = {0};
    int64_t id;
    char *secret = NULL;
    if (WM_OK != wm_token_create(r->db, &r->actor, wm_form(r, "name"), &id, &secret, &f)) {
        ui_redirect_msg(r, "/account", "err", f.msg);
        return;
    }
    /* Shown once, in this answer only: never in a URL, a log or a later page. */
    account_render(r, secret);
    free(secret);
}

void
page_token_revoke_post(struct wm_req *r)
{
    struct wm_fail f = {0};
    if (WM_OK != wm_token_revoke(r->db, &r->actor, r->ids[0], &f)) {
        ui_fail(r, &f);
        return;
    }
    ui_redirect_msg(r, "/account", "ok", _("令牌已吊销"));
}

/* end of page_auth.c */
