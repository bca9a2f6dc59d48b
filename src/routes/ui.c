/*
** ui.c — the page chrome shared by every page: head, navigation by role, flash messages,
** pagers, the error page.  Page files write only their content between ui_begin() and
** ui_end().
*/
#include "config.h"

#include <stdarg.h>
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
    {"/reviews", N_("审核"), WM_ROLES_STAFF},
    {"/frameworks", N_("测评体系"), WM_ROLES_ALL},
    {"/titles", N_("文明称号"), WM_ROLES_STAFF},
    /* issue 12, woverview: the office's overview of the creation work */
    {"/work/overview", N_("创建工作"), WM_ROLES_STAFF},
    {"/guidance", N_("在线指导"), WM_ROLES_STAFF | WM_ROLES_UNIT},
    {"/practice", N_("经验交流"), WM_ROLES_ALL & ~WM_ROLE_BIT(WM_ROLE_EVALUATOR)},
    {"/rounds", N_("测评"), WM_ROLES_ALL},
    {"/users", N_("账号"), WM_ROLES_STAFF | WM_ROLE_BIT(WM_ROLE_UNIT_ADMIN)},
    {"/audit", N_("审计日志"), WM_ROLES_STAFF},
    {"/admin/jobs", N_("后台任务"), WM_ROLES_STAFF},
};

void
ui_begin(struct wm_req *r, struct wm_buf *b, const char *title)
{
    ui_begin_at(r, b, title, NULL);
}

void
ui_crumb(struct wm_buf *c, const char *fmt, ...)
{
    va_list ap;
    if (c->len) {
        wm_buf_adds(c, " <span class=\"sep\" aria-hidden=\"true\">›</span> ");
    }
    va_start(ap, fmt);
    wm_vh(c, fmt, ap);
    va_end(ap);
}

void
ui_begin_at(struct wm_req *r, struct wm_buf *b, const char *title, const struct wm_buf *crumbs)
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
            /* the creation work's pages (/units/{id}/work…, /work/…, /rectifications) are
            ** under 创建工作, the unit's other pages under 本单位 */
            bool work = strstr(r->path, "/work") || wm_startswith(r->path, "/rectifications");
            wm_h(b, "<a href=\"/units/%I\"%r>%s</a>", r->who->org_id,
                 wm_startswith(r->path, "/units/") && !work ? " aria-current=\"page\"" : "",
                 _("本单位"));
            wm_h(b, "<a href=\"/units/%I/work\"%r>%s</a>", r->who->org_id,
                 work ? " aria-current=\"page\"" : "", _("创建工作"));
        }
        wm_h(b, "</nav>\n");
        /* the search box (issue 11): a plain GET form, so it works without JavaScript; on
        ** /search it holds the query being shown */
        const char *q = wm_startswith(r->path, "/search") ? wm_req_arg(r, "q") : NULL;
        wm_h(b,
             "<form class=\"top-search\" method=\"get\" action=\"/search\" role=\"search\" "
             "aria-label=\"%s\"><label for=\"top-q\" class=\"sr-only\">%s</label>"
             "<input type=\"search\" id=\"top-q\" name=\"q\" value=\"%s\" maxlength=\"1024\" "
             "placeholder=\"%s\"><button type=\"submit\" class=\"secondary\">%s</button>"
             "</form>\n",
             _("站内搜索"), _("搜索档案、指标、指导"), q ? q : "", _("搜索档案、指标、指导…"),
             _("搜索"));
        ui_inbox_badge(r, b);
        wm_h(b,
             "<div class=\"who\"><a href=\"/account\" title=\"%s\">%s</a>"
             "<span class=\"role\">%s · %s</span>"
             "<form method=\"post\" action=\"/logout\" class=\"inline\">",
             _("我的账号"), r->who->display_name, wm_role_label(r->who->role), r->who->org_name);
        ui_csrf(r, b);
        wm_h(b, "<button type=\"submit\" class=\"link\">%s</button></form></div>\n", _("退出"));
    }
    wm_h(b, "</header>\n<main>\n");
    if (crumbs && crumbs->len) {
        wm_h(b, "<nav class=\"crumbs\" aria-label=\"%s\">%r <span class=\"sep\" "
                "aria-hidden=\"true\">›</span> <span aria-current=\"page\">%s</span></nav>\n",
             _("当前位置"), wm_buf_str((struct wm_buf *)crumbs), title);
    }
    wm_h(b, "<h1>%s</h1>\n", title);
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
ui_import_error(struct wm_buf *b, const json_t *x, const char *what)
{
    if (ji(x, "sheet") > 0) {
        wm_h(b, "<tr><td>%s %I：%I</td>", _("工作表"), ji(x, "sheet"), ji(x, "row"));
    } else {
        wm_h(b, "<tr><td>%I</td>", ji(x, "row"));
    }
    wm_h(b, "<td>%s</td><td>%s</td></tr>\n", js(x, what), js(x, "reason"));
}

void
ui_redirect_msg(struct wm_req *r, const char *path, const char *kind, const char *msg)
{
    struct wm_buf b = {0}, c = {0};
    /* the query goes before a fragment ("/x#part" → "/x?ok=1#part") */
    const char *frag = strchr(path, '#');
    size_t n = frag ? (size_t)(frag - path) : strlen(path);
    wm_buf_add(&b, path, n);
    wm_buf_printf(&b, "%s%s=1%s", memchr(path, '?', n) ? "&" : "?", kind, frag ? frag : "");
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

/* A tile; zero: its number muted. */
static void
stat_tile(struct wm_buf *b, const char *label, const char *n, const char *href, const char *cls,
          bool zero)
{
    wm_h(b, "<a class=\"stat%r%s\" href=\"%s\"><span class=\"n%r\">%s</span><span>%s</span></a>",
         cls ? " " : "", cls ? cls : "", href, zero ? " zero" : "", n, label);
}

void
ui_stat(struct wm_buf *b, const char *label, const char *n, const char *href, const char *cls)
{
    stat_tile(b, label, n, href, cls, false);
}

void
ui_stat_int(struct wm_buf *b, const char *label, int64_t n, const char *href, const char *cls)
{
    char s[24];
    snprintf(s, sizeof s, "%lld", (long long)n);
    stat_tile(b, label, s, href, cls, 0 == n);
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

/* What the user can do about an error, in one sentence. */
static const char *
error_advice(unsigned status)
{
    switch (status) {
    case 400:
        return _("请检查填写的内容后重试。");
    case 401:
        return _("请先登录，登录后会回到这里。");
    case 403:
        return _("您的账号没有这项权限；如确需办理，请联系本单位创建办或文明办。");
    case 404:
        return _("请从上一页重新进入，或回到首页。");
    case 405:
        return _("请从页面上的按钮或链接进入。");
    case 409:
        return _("数据已被修改；请回到上一页刷新后重试。");
    case 413:
        return _("文件太大；请压缩或拆分后重新上传。");
    case 415:
        return _("请检查文件类型是否正确。");
    case 429:
        return _("操作过于频繁；请稍候几分钟再试。");
    default:
        return _("请稍后重试；如果一再出现，请把下方的请求编号告诉系统管理员。");
    }
}

/*
** Where "back" leads on an error page: the Referer when it is our own site (same host, a
** local path), else the parent of the requested path, else the home page.  The result is
** a local path (never another site).
*/
static char *
error_back(struct wm_req *r)
{
    const char *ref = wm_req_header(r, "Referer"), *host = wm_req_header(r, "Host");
    if (ref && host) {
        const char *p = wm_startswith(ref, "http://") ? ref + 7
                        : wm_startswith(ref, "https://") ? ref + 8 : NULL;
        size_t hl = strlen(host);
        if (p && 0 == strncmp(p, host, hl) && '/' == p[hl] && '/' != p[hl + 1] &&
            '\\' != p[hl + 1] && !wm_has_control(p + hl) && strlen(p + hl) < 1024 &&
            !wm_streq(p + hl, r->path ? r->path : "")) {
            return wm_strdup(p + hl);
        }
    }
    char *up = wm_strdup(r->path ? r->path : "/");
    char *slash = strrchr(up, '/');
    if (slash && slash != up && !wm_startswith(up, "/api/") && !wm_startswith(up, "/static/")) {
        *slash = '\0';
        /* /units/1/archives/2026/leaf/1.1.3 -> /units/1/archives/2026 (no page at /leaf) */
        char *tail = strrchr(up, '/');
        if (tail && (wm_streq(tail, "/leaf") || wm_streq(tail, "/depts") ||
                     wm_streq(tail, "/tokens") || wm_streq(tail, "/archives"))) {
            *tail = '\0';
        }
        if (*up && !wm_streq(up, "/documents") && !wm_streq(up, "/account/tokens")) {
            return up;
        }
    }
    free(up);
    return wm_strdup("/home");
}

void
wm_ui_error_page(struct wm_req *r, unsigned status, const char *code, const char *message,
                 const char *detail)
{
    (void)code; /* the English code is for the API; a page speaks Chinese */
    struct wm_buf b = {0};
    char *back = error_back(r);
    ui_begin(r, &b, message);
    wm_h(&b, "<section class=\"card error\" data-status=\"%u\">", status);
    if (detail && *detail && !wm_streq(detail, message)) {
        wm_h(&b, "<p class=\"lead\">%s</p>", detail);
    }
    wm_h(&b, "<p>%s</p><p class=\"row\"><a class=\"button\" href=\"%s\" id=\"back\">← %s</a>",
         error_advice(status), back, _("返回上一页"));
    if (!wm_streq(back, "/home") && r->who) {
        wm_h(&b, " <a class=\"button secondary\" href=\"/home\">%s</a>", _("回到首页"));
    } else if (NULL == r->who && 401 == status) {
        wm_h(&b, " <a class=\"button secondary\" href=\"/login\">%s</a>", _("登录"));
    }
    wm_h(&b, "</p><p class=\"rid\">%s<code>%s</code>%s</p></section>\n", _("请求编号："), r->rid,
         _("（联系管理员时请提供）"));
    free(back);
    ui_end(r, &b, status);
}

/* end of ui.c */
