/*
** ui.c — the page chrome shared by every page: head, navigation by role, flash messages,
** pagers, the error page.  Page files write only their content between ui_begin() and
** ui_end().
*/
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "handlers.h"

struct nav_item {
    const char *href;
    const char *label;
    unsigned roles;
};

static const struct nav_item nav[] = {
    {"/home", N_("首页"), WM_ROLES_ALL},
    {"/orgs", N_("机构"), WM_ROLES_STAFF},
    {"/units", N_("单位"), WM_ROLES_STAFF},
    {"/frameworks", N_("测评体系"), WM_ROLES_ALL},
    {"/users", N_("账号"), WM_ROLES_STAFF | WM_ROLE_BIT(WM_ROLE_UNIT_ADMIN)},
    {"/audit", N_("审计日志"), WM_ROLES_STAFF},
};

void
ui_begin(struct wm_req *r, struct wm_buf *b, const char *title)
{
    wm_h(b,
         "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
         "<title>%s · %s</title>\n"
         "<link rel=\"stylesheet\" href=\"/static/wenming.css\">\n"
         "<link rel=\"icon\" href=\"/static/favicon.svg\" type=\"image/svg+xml\">\n"
         "<script src=\"/static/wenming.js\" defer></script>\n"
         "</head>\n<body>\n<header class=\"top\">\n"
         "<a class=\"brand\" href=\"/\"><span class=\"mark\">文</span>%s</a>\n",
         title, _("文明创建动态管理系统"), _("文明创建动态管理系统"));
    if (r->who) {
        wm_h(b, "<nav class=\"main\" aria-label=\"%s\">", _("主导航"));
        for (size_t i = 0; i < WM_ARRAY_LEN(nav); i++) {
            if (nav[i].roles & WM_ROLE_BIT(r->who->role)) {
                bool cur = wm_startswith(r->path, nav[i].href);
                wm_h(b, "<a href=\"%s\"%r>%s</a>", nav[i].href,
                     cur ? " aria-current=\"page\"" : "", _(nav[i].label));
            }
        }
        if (wm_role_is_office_side(r->who->role) == false) {
            wm_h(b, "<a href=\"/units/%I\"%r>%s</a>", r->who->org_id,
                 wm_startswith(r->path, "/units/") ? " aria-current=\"page\"" : "", _("本单位"));
        }
        wm_h(b,
             "</nav>\n<div class=\"who\"><a href=\"/account\" title=\"%s\">%s</a>"
             "<span class=\"role\">%s · %s</span>"
             "<form method=\"post\" action=\"/logout\" class=\"inline\">",
             _("我的账号"), r->who->display_name, wm_role_label(r->who->role), r->who->org_name);
        ui_csrf(r, b);
        wm_h(b, "<button type=\"submit\" class=\"link\">%s</button></form></div>\n", _("退出"));
    }
    wm_h(b, "</header>\n<main>\n<h1>%s</h1>\n", title);
    ui_flash(r, b);
}

void
ui_end(struct wm_req *r, struct wm_buf *b, unsigned status)
{
    wm_h(b, "</main>\n<footer>%s · wenming %s · %s <code>%s</code></footer>\n</body>\n</html>\n",
         _("文明创建动态管理系统"), WM_VERSION, _("请求编号"), r->rid);
    wm_reply_html(r, status, b);
}

void
ui_csrf(struct wm_req *r, struct wm_buf *b)
{
    if (r->csrf) {
        wm_h(b, "<input type=\"hidden\" name=\"csrf\" value=\"%s\">", r->csrf);
    }
}

/*
** Messages after a form: the text travels in a short-lived cookie set by our own redirect,
** and the URL carries only "?ok=1" or "?err=1", so that nobody can put words on our pages
** with a crafted link.
*/
void
ui_flash(struct wm_req *r, struct wm_buf *b)
{
    const char *cookie = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, "wm_flash");
    if (NULL == cookie) {
        return;
    }
    static const char *const kinds[] = {"ok", "err"};
    for (int i = 0; i < 2; i++) {
        size_t kl = strlen(kinds[i]);
        const char *arg = wm_req_arg(r, kinds[i]);
        if (NULL == arg || 0 != strncmp(cookie, kinds[i], kl) || '.' != cookie[kl]) {
            continue;
        }
        char *msg = wm_url_decode(cookie + kl + 1, strlen(cookie + kl + 1), false);
        if (msg && wm_utf8_valid(msg, strlen(msg)) && strlen(msg) < 1000) {
            wm_h(b, 0 == i ? "<p class=\"flash ok\" role=\"status\">%s</p>\n"
                           : "<p class=\"flash err\" role=\"alert\">%s</p>\n",
                 msg);
        }
        free(msg);
    }
    wm_req_set_cookie(r, "wm_flash", "", 0);
}

void
ui_redirect_msg(struct wm_req *r, const char *path, const char *kind, const char *msg)
{
    struct wm_buf b = {0}, c = {0};
    wm_buf_printf(&b, "%s%s%s=1", path, strchr(path, '?') ? "&" : "?", kind);
    wm_buf_printf(&c, "%s.", kind);
    wm_url_encode(&c, msg);
    wm_req_set_cookie(r, "wm_flash", wm_buf_str(&c), 60);
    wm_reply_redirect(r, wm_buf_str(&b));
    wm_buf_free(&b);
    wm_buf_free(&c);
}

void
ui_fail(struct wm_req *r, const struct wm_fail *f)
{
    wm_reply_fail(r, f);
}

void
ui_done(struct wm_req *r, enum wm_err e, const struct wm_fail *f, const char *to, const char *ok)
{
    if (WM_OK == e) {
        ui_redirect_msg(r, to, "ok", ok);
    } else if (WM_E_BAD_REQUEST == e || WM_E_CONFLICT == e) {
        ui_redirect_msg(r, to, "err", f->msg); /* the user can correct it on that page */
    } else {
        ui_fail(r, f);
    }
}

void
ui_time(struct wm_buf *b, int64_t t)
{
    time_t tt = (time_t)(t + 8 * 3600); /* China Standard Time, no DST */
    struct tm tm;
    char s[32];
    gmtime_r(&tt, &tm);
    strftime(s, sizeof s, "%Y-%m-%d %H:%M", &tm);
    wm_buf_adds(b, s);
}

void
ui_pager(struct wm_req *r, struct wm_buf *b, json_t *items, unsigned limit)
{
    if (json_array_size(items) < limit) {
        return;
    }
    json_t *last = json_array_get(items, limit - 1);
    struct wm_buf href = {0};
    wm_buf_printf(&href, "%s?cursor=%lld", r->path,
                  (long long)json_integer_value(json_object_get(last, "id")));
    static const char *const keep[] = {"q", "kind", "type", "role", "action", "user", "from", "to",
                                       NULL};
    for (int i = 0; keep[i]; i++) {
        const char *v = wm_req_arg(r, keep[i]);
        if (v && *v) {
            wm_buf_printf(&href, "&%s=", keep[i]);
            wm_url_encode(&href, v);
        }
    }
    wm_h(b, "<p class=\"pager\"><a href=\"%s\">%s →</a></p>\n", wm_buf_str(&href), _("下一页"));
    wm_buf_free(&href);
}

void
wm_ui_error_page(struct wm_req *r, unsigned status, const char *code, const char *message,
                 const char *detail)
{
    struct wm_buf b = {0};
    const char *title = message;
    ui_begin(r, &b, title);
    wm_h(&b, "<section class=\"card error\"><p class=\"status\">%u · <code>%s</code></p>",
         status, code);
    if (detail && *detail) {
        wm_h(&b, "<p>%s</p>", detail);
    }
    wm_h(&b, "<p><a href=\"/\">%s</a></p></section>\n", _("回到首页"));
    ui_end(r, &b, status);
}

/* end of ui.c */
