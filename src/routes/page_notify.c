/*
** page_notify.c — the inbox page (/inbox: the caller's notifications, newest first, unread
** ones marked, each linking to what it is about, 标为已读 one or all), the unread count in
** every page's header, and the e-mail settings on /account (the address, and per kind
** whether it reaches the inbox and the daily e-mail).
*/
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "handlers.h"

void
ui_inbox_badge(struct wm_req *r, struct wm_buf *b)
{
    int64_t unread = wm_notify_unread_count(r->db, &r->actor);
    wm_h(b, "<a class=\"inbox-link\" href=\"/inbox\" id=\"inbox-link\"%r>%s",
         wm_startswith(r->path ? r->path : "", "/inbox") ? " aria-current=\"page\"" : "",
         _("消息"));
    if (unread > 0) {
        wm_h(b, "<span class=\"badge unread\" id=\"unread-count\" title=\"%s\">%I</span>",
             _("未读消息"), unread);
    }
    wm_h(b, "</a>\n");
}

/* A link of a notification: a local path only (never another site). */
static bool
local_link(const char *s)
{
    return s && '/' == s[0] && '/' != s[1] && '\\' != s[1] && !wm_has_control(s) &&
           strlen(s) < 512;
}

void
page_inbox_get(struct wm_req *r)
{
    const char *u = wm_req_arg(r, "unread");
    bool unread = u && wm_streq(u, "1");
    int64_t offset = 0;
    const char *o = wm_req_arg(r, "offset");
    if (o && *o && !wm_parse_i64(o, 0, 1000000, &offset)) {
        wm_reply_err(r, WM_E_BAD_REQUEST, "offset", _("须为非负整数"));
        return;
    }
    struct wm_fail f = {0};
    json_t *rows = wm_notify_inbox(r->db, &r->actor, unread, WM_NOTIFY_PAGE, (unsigned)offset,
                                   &f);
    if (NULL == rows) {
        ui_fail(r, &f);
        return;
    }
    struct wm_buf b = {0};
    ui_begin(r, &b, _("消息"));
    wm_h(&b, "<div class=\"row\"><nav class=\"tabs\" aria-label=\"%s\">"
             "<a href=\"/inbox\"%r>%s</a> <a href=\"/inbox?unread=1\"%r>%s</a></nav>",
         _("筛选"), unread ? "" : " aria-current=\"page\"", _("全部"),
         unread ? " aria-current=\"page\"" : "", _("未读"));
    wm_h(&b, "<form method=\"post\" action=\"/inbox/read\" class=\"inline\">");
    ui_csrf(r, &b);
    wm_h(&b, "<input type=\"hidden\" name=\"all\" value=\"1\">"
             "<button type=\"submit\" class=\"secondary\">%s</button></form>"
             " <a href=\"/account#notify\">%s</a></div>\n",
         _("全部标为已读"), _("消息与邮件设置"));
    wm_h(&b, "<table class=\"cards inbox\"><thead><tr><th>%s</th><th>%s</th><th>%s</th>"
             "<th>%s</th></tr></thead><tbody>",
         _("时间"), _("类型"), _("内容"), _("操作"));
    size_t i;
    json_t *x;
    json_array_foreach(rows, i, x)
    {
        bool is_unread = !json_is_integer(json_object_get(x, "read_at"));
        const char *link = js(x, "link");
        wm_h(&b, "<tr%r data-id=\"%I\"><td data-label=\"%s\">", is_unread ? " class=\"unread\"" : "",
             ji(x, "id"), _("时间"));
        ui_time(&b, ji(x, "at"));
        wm_h(&b, "</td><td data-label=\"%s\">%s", _("类型"), wm_notify_kind_label(js(x, "kind")));
        if (is_unread) {
            wm_h(&b, " <span class=\"badge unread\">%s</span>", _("未读"));
        }
        wm_h(&b, "</td><td data-label=\"%s\" class=\"text\">", _("内容"));
        if (local_link(link)) {
            wm_h(&b, "<a href=\"%s\">%s</a>", link, js(x, "text"));
        } else {
            wm_h(&b, "%s", js(x, "text"));
        }
        wm_h(&b, "</td><td data-label=\"%s\">", _("操作"));
        if (is_unread) {
            wm_h(&b, "<form method=\"post\" action=\"/inbox/read\" class=\"inline\">");
            ui_csrf(r, &b);
            wm_h(&b, "<input type=\"hidden\" name=\"id\" value=\"%I\">"
                     "<button type=\"submit\" class=\"small\">%s</button></form>",
                 ji(x, "id"), _("标为已读"));
        }
        wm_h(&b, "</td></tr>\n");
    }
    if (0 == json_array_size(rows)) {
        wm_h(&b, "<tr><td colspan=\"4\" class=\"empty\">%s</td></tr>",
             unread ? _("没有未读消息。") : _("还没有消息。文件被退回、审核通过、临近截止或逾期时，会在这里提醒您。"));
    }
    wm_h(&b, "</tbody></table>\n");
    if (json_array_size(rows) == WM_NOTIFY_PAGE) {
        wm_h(&b, "<p class=\"pager\"><a href=\"/inbox?offset=%I%r\">%s →</a></p>\n",
             offset + WM_NOTIFY_PAGE, unread ? "&amp;unread=1" : "", _("下一页"));
    }
    json_decref(rows);
    ui_end(r, &b, 200);
}

void
page_inbox_read_post(struct wm_req *r)
{
    const char *id = wm_form(r, "id"), *all = wm_form(r, "all");
    int64_t n = 0, changed = 0;
    bool every = all && wm_streq(all, "1");
    if (!every && (NULL == id || !wm_parse_i64(id, 1, INT64_MAX, &n))) {
        ui_redirect_msg(r, "/inbox", "err", _("请选择要标为已读的消息"));
        return;
    }
    struct wm_fail f = {0};
    enum wm_err e = wm_notify_mark_read(r->db, &r->actor, &n, every ? 0 : 1, every, &changed, &f);
    ui_done(r, e, &f, "/inbox", every ? _("已全部标为已读") : _("已标为已读"));
}

void
ui_notify_prefs(struct wm_req *r, struct wm_buf *b)
{
    struct wm_fail f = {0};
    json_t *p = wm_notify_prefs_get(r->db, &r->actor, &f);
    if (NULL == p) {
        wm_h(b, "<section class=\"card\" id=\"notify\"><p class=\"flash err\">%s</p></section>\n",
             f.msg[0] ? f.msg : _("无法读取消息设置"));
        return;
    }
    json_t *prefs = json_object_get(p, "prefs");
    wm_h(b, "<section class=\"card\" id=\"notify\"><h2>%s</h2><p class=\"hint\">%s</p>\n"
            "<form method=\"post\" action=\"/account/notifications\">",
         _("消息与邮件"),
         _("选择每类消息是否出现在站内消息中、是否汇入每天一封的邮件摘要。没有填写邮箱时不发邮件。"));
    ui_csrf(r, b);
    wm_h(b, "<p><label>%s <input type=\"email\" name=\"email\" maxlength=\"254\" value=\"%s\" "
            "placeholder=\"%s\" autocomplete=\"email\"></label></p>"
            "<table><thead><tr><th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>",
         _("邮箱地址"), json_string_value(json_object_get(p, "email")), "zhang@example.org",
         _("消息类型"), _("站内消息"), _("邮件摘要"));
    for (size_t i = 0; wm_notify_kinds[i]; i++) {
        const char *k = wm_notify_kinds[i];
        json_t *one = json_object_get(prefs, k);
        wm_h(b, "<tr><td>%s</td><td><input type=\"checkbox\" name=\"inbox_%s\" value=\"1\" "
                "aria-label=\"%s %s\"%r></td><td><input type=\"checkbox\" name=\"email_%s\" "
                "value=\"1\" aria-label=\"%s %s\"%r></td></tr>\n",
             wm_notify_kind_label(k), k, wm_notify_kind_label(k), _("站内消息"),
             json_is_true(json_object_get(one, "inbox")) ? " checked" : "", k,
             wm_notify_kind_label(k), _("邮件摘要"),
             json_is_true(json_object_get(one, "email")) ? " checked" : "");
    }
    wm_h(b, "</tbody></table><p><button type=\"submit\">%s</button></p></form></section>\n",
         _("保存设置"));
    json_decref(p);
}

void
page_account_notify_post(struct wm_req *r)
{
    /* An unchecked box sends nothing: every kind is set from the form, on or off. */
    struct wm_notify_pref p[16];
    size_t n = 0;
    for (size_t i = 0; wm_notify_kinds[i] && n < WM_ARRAY_LEN(p); i++) {
        char in[32], em[32];
        snprintf(in, sizeof in, "inbox_%s", wm_notify_kinds[i]);
        snprintf(em, sizeof em, "email_%s", wm_notify_kinds[i]);
        p[n++] = (struct wm_notify_pref){
            .kind = wm_notify_kinds[i],
            .inbox = NULL != wm_form(r, in),
            .email = NULL != wm_form(r, em),
        };
    }
    const char *email = wm_form(r, "email");
    struct wm_fail f = {0};
    enum wm_err e = wm_notify_prefs_set(r->db, &r->actor, true, email ? email : "", p, n, &f);
    ui_done(r, e, &f, "/account", _("消息与邮件设置已保存"));
}

/* end of page_notify.c */
