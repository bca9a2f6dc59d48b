/*
** ui_guidance.c — the guidance conversation of a leaf as a fragment of the leaf page
** (指导意见, issue 9): the messages oldest first with author, side, time, the caller's
** unread markers and attachment links; a form to post (text and an optional file); "mark
** read"; close or reopen for the office.  Forms post to the page routes of page_guidance.c,
** which redirect back to the leaf page.  Same layer as ui_parts.c (→ ui.c).
*/
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "handlers.h"

/* The form action of a conversation's page routes: /units/{u}/archives/{y}/leaf/{code}/guidance
** followed by what. */
static void
action(struct wm_buf *b, const json_t *ar, const char *code, const char *what)
{
    wm_h(b, "/units/%I/archives/%I/leaf/%U/guidance%s", ji(ar, "unit_id"), ji(ar, "year"), code,
         what);
}

/* A small form with one button (CSRF included). */
static void
button_form(struct wm_req *r, struct wm_buf *b, const json_t *ar, const char *code,
            const char *what, const char *id, const char *label, bool secondary)
{
    struct wm_buf act = {0};
    action(&act, ar, code, what);
    wm_h(b, "<form method=\"post\" action=\"%r\" class=\"inline\" id=\"%s\">", wm_buf_str(&act),
         id);
    ui_csrf(r, b);
    wm_h(b, "<button type=\"submit\"%r>%s</button></form>",
         secondary ? " class=\"secondary\"" : "", label);
    wm_buf_free(&act);
}

/* One message; unit_label names the unit's side (本单位 for the unit's own accounts, the
** unit's name for the office). */
static void
message(struct wm_buf *b, const json_t *m, const char *unit_label)
{
    bool office = wm_streq(js(m, "side"), "office");
    bool unread = json_is_true(json_object_get(m, "unread"));
    wm_h(b, "<li class=\"msg %s%s\" id=\"msg-%I\"><div class=\"meta\"><strong>%s</strong>"
            " <span class=\"side\">%s</span> <time>",
         office ? "office" : "unit", unread ? " unread" : "", ji(m, "id"),
         *js(m, "author_name") ? js(m, "author_name") : _("（已删除的账号）"),
         office ? _("文明办") : unit_label);
    ui_time(b, ji(m, "at"));
    wm_h(b, "</time>");
    if (unread) {
        wm_h(b, " <span class=\"badge unread\">%s</span>", _("未读"));
    }
    wm_h(b, "</div>");
    if (*js(m, "body")) {
        wm_h(b, "<div class=\"text\">%s</div>", js(m, "body"));
    }
    if (json_is_string(json_object_get(m, "sha"))) {
        wm_h(b, "<p class=\"attachment\">%s<a href=\"/api/v1/guidance/messages/%I/attachment\" "
                "download>%s</a> <span class=\"hint\">（%I KB）</span></p>",
             _("附件："), ji(m, "id"), js(m, "filename"), (ji(m, "size") + 1023) / 1024);
    }
    wm_h(b, "</li>\n");
}

void
ui_guidance_panel(struct wm_req *r, struct wm_buf *b, const json_t *archive, const char *code)
{
    struct wm_fail f = {0};
    json_t *g = wm_guidance_get(r->db, &r->actor, archive, code, &f);
    if (NULL == g) {
        if (WM_E_NOT_FOUND != f.err) { /* the store failed: say so, the page still shows */
            wm_h(b, "<section class=\"card guidance\" id=\"guidance\"><h2>%s</h2>"
                    "<p class=\"error\">%s</p></section>\n",
                 _("指导意见"), _("指导意见暂时无法读取，请稍后刷新。"));
        }
        return;
    }
    bool open = wm_streq(js(g, "state"), "open");
    json_t *msgs = json_object_get(g, "messages");
    int64_t unread = ji(g, "unread");
    wm_h(b, "<section class=\"card guidance\" id=\"guidance\"><h2>%s", _("指导意见"));
    if (ji(g, "id")) {
        wm_h(b, " <span class=\"badge %s\" id=\"guidance-state\">%s</span>",
             open ? "open" : "closed", open ? _("进行中") : _("已关闭"));
    }
    if (unread > 0) {
        wm_h(b, " <span class=\"badge unread\" id=\"guidance-unread\">%I %s</span>", unread,
             _("条未读"));
    }
    wm_h(b, "</h2>\n");
    if (0 == json_array_size(msgs)) {
        wm_h(b, "<p class=\"hint empty\">%s</p>\n",
             json_is_true(json_object_get(g, "may_post"))
                 ? (wm_streq(js(g, "side"), "office")
                        ? _("还没有指导意见。在下面填写意见，单位的填报人员会收到通知。")
                        : _("还没有指导意见。有问题可以在下面留言，文明办会收到通知。"))
                 : _("还没有指导意见。"));
    } else {
        wm_h(b, "<ol class=\"messages\" id=\"guidance-messages\">\n");
        size_t i;
        json_t *m;
        json_array_foreach(msgs, i, m)
        {
            message(b, m,
                    wm_streq(js(g, "side"), "unit") ? _("本单位") : js(archive, "unit_name"));
        }
        wm_h(b, "</ol>\n");
    }
    if (json_is_true(json_object_get(g, "may_post"))) {
        struct wm_buf act = {0};
        action(&act, archive, code, "");
        wm_h(b, "<form method=\"post\" action=\"%r\" enctype=\"multipart/form-data\" "
                "class=\"grid guidance-post\" id=\"guidance-form\">",
             wm_buf_str(&act));
        ui_csrf(r, b);
        wm_h(b, "<label class=\"wide\">%s<textarea name=\"text\" rows=\"4\" maxlength=\"%d\" "
                "placeholder=\"%s\"></textarea></label>"
                "<label class=\"wide\">%s<input type=\"file\" name=\"file\">"
                "<span class=\"hint\">%s</span></label>"
                "<div class=\"wide\"><button type=\"submit\">%s</button></div></form>\n",
             wm_streq(js(g, "side"), "office") ? _("指导意见") : _("留言"), WM_GUIDANCE_TEXT_MAX,
             _("写下意见、问题或整改说明"), _("附件（可选）"),
             _("可附一个文件，例如整改说明，不超过 50 MB。"), _("发送"));
        wm_buf_free(&act);
    } else if (!open && ji(g, "id")) {
        wm_h(b, "<p class=\"hint\">%s</p>\n", _("该指导对话已关闭，不能继续留言。"));
    }
    if (unread > 0 || (json_is_true(json_object_get(g, "may_close")) && ji(g, "id"))) {
        wm_h(b, "<div class=\"actions row\">");
        if (unread > 0) {
            button_form(r, b, archive, code, "/read", "guidance-read", _("标为已读"), true);
        }
        if (json_is_true(json_object_get(g, "may_close")) && ji(g, "id")) {
            if (open) {
                button_form(r, b, archive, code, "/close", "guidance-close", _("关闭对话"), true);
            } else {
                button_form(r, b, archive, code, "/reopen", "guidance-reopen", _("重新打开"),
                            true);
            }
        }
        wm_h(b, "</div>\n");
    }
    wm_h(b, "</section>\n");
    json_decref(g);
}

/* end of ui_guidance.c */
