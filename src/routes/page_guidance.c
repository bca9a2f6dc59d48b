/*
** page_guidance.c — the guidance pages (在线指导, issue 9): /guidance lists the caller's
** conversations (open by default, a switch to the closed ones, unread first) with links to
** the leaf pages, and the forms of the conversation panel (ui_guidance.c) post here: a
** message, mark read, close, reopen; each redirects back to the leaf page (303) with a
** flash message.  The rules are src/core/guidance.c's.
*/
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "handlers.h"

/* ---------------------------------------------------------------- the list */

/* At most this many characters of the last message in the list. */
#define EXCERPT_CHARS 60

static void
excerpt(struct wm_buf *b, const char *s)
{
    struct wm_buf t = {0};
    size_t n = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (*p && n < EXCERPT_CHARS) {
        size_t len = *p < 0x80 ? 1 : *p < 0xe0 ? 2 : *p < 0xf0 ? 3 : 4;
        for (size_t k = 0; k < len && p[k]; k++) {
            wm_buf_addc(&t, '\n' == p[k] || '\r' == p[k] ? ' ' : (char)p[k]);
        }
        p += strnlen((const char *)p, len);
        n++;
    }
    if (*p) {
        wm_buf_adds(&t, "…");
    }
    wm_h(b, "%s", wm_buf_str(&t));
    wm_buf_free(&t);
}

static void
tab(struct wm_buf *b, const char *href, const char *label, bool cur)
{
    wm_h(b, "<a href=\"%r\" class=\"button%s\"%r>%s</a> ", href, cur ? "" : " secondary",
         cur ? " aria-current=\"page\"" : "", label);
}

void
page_guidance_list_get(struct wm_req *r)
{
    struct wm_guidance_query q;
    if (!wm_req_guidance_query(r, &q)) {
        return;
    }
    bool closed = q.state && wm_streq(q.state, "closed");
    struct wm_fail f = {0};
    json_t *rows = wm_guidance_list(r->db, &r->actor, &q, &f);
    if (NULL == rows) {
        wm_reply_fail(r, &f);
        return;
    }
    struct wm_buf b = {0};
    ui_begin(r, &b, _("在线指导"));
    wm_h(&b, "<p class=\"hint\">%s</p>",
         wm_streq(wm_guidance_side(&r->actor), "office")
             ? _("各单位每个测评内容下的指导对话。有未读留言的排在前面。")
             : _("文明办对本单位各测评内容的指导意见。有未读意见的排在前面。"));
    wm_h(&b, "<nav class=\"row tabs\" id=\"guidance-tabs\">");
    tab(&b, "/guidance", _("进行中"), !closed && !q.unread_only);
    tab(&b, "/guidance?unread=1", _("只看未读"), !closed && q.unread_only);
    tab(&b, "/guidance?state=closed", _("已关闭"), closed);
    wm_h(&b, "</nav>\n");
    wm_h(&b, "<table class=\"cards\" id=\"guidance-list\"><thead><tr><th>%s</th><th>%s</th>"
             "<th>%s</th><th>%s</th><th class=\"num\">%s</th></tr></thead><tbody>",
         _("单位"), _("测评内容"), _("最新留言"), _("时间"), _("未读"));
    size_t i;
    json_t *o;
    json_array_foreach(rows, i, o)
    {
        int64_t unread = ji(o, "unread");
        wm_h(&b, "<tr data-id=\"%I\"%r><td data-label=\"%s\">%s<br>"
                 "<span class=\"hint\">%I %s</span></td><td data-label=\"%s\">"
                 "<a href=\"/units/%I/archives/%I/leaf/%U#guidance\"><code>%s</code> %s</a></td>"
                 "<td data-label=\"%s\">",
             ji(o, "id"), unread > 0 ? " class=\"unread\"" : "", _("单位"), js(o, "unit_name"),
             ji(o, "year"), _("年度"), _("测评内容"), ji(o, "unit_id"), ji(o, "year"),
             js(o, "indicator_code"), js(o, "indicator_code"), js(o, "indicator_title"),
             _("最新留言"));
        if (json_is_integer(json_object_get(o, "last_id"))) {
            wm_h(&b, "<strong>%s</strong>%s", *js(o, "last_author") ? js(o, "last_author")
                                                                    : _("（已删除的账号）"),
                 _("："));
            excerpt(&b, js(o, "last_body"));
            if (*js(o, "last_filename")) {
                wm_h(&b, " <span class=\"hint\">%s%s</span>", _("附件："), js(o, "last_filename"));
            }
        }
        wm_h(&b, "</td><td data-label=\"%s\">", _("时间"));
        ui_time(&b, ji(o, "updated_at"));
        wm_h(&b, "</td><td class=\"num\" data-label=\"%s\">", _("未读"));
        if (unread > 0) {
            wm_h(&b, "<span class=\"badge unread\">%I</span>", unread);
        } else {
            wm_h(&b, "0");
        }
        wm_h(&b, "</td></tr>\n");
    }
    if (0 == json_array_size(rows)) {
        wm_h(&b, "<tr class=\"empty\"><td colspan=\"5\" class=\"empty\">%s</td></tr>",
             closed ? _("没有已关闭的指导对话。")
                    : q.unread_only ? _("没有未读的留言。")
                                    : _("没有进行中的指导对话。在测评内容页面的“指导意见”处可以发起。"));
    }
    wm_h(&b, "</tbody></table>\n");
    if (json_array_size(rows) == q.limit) {
        wm_h(&b, "<p class=\"pager\"><a href=\"/guidance?state=%s&amp;unread=%d&amp;offset=%u\">"
                 "%s</a></p>",
             closed ? "closed" : "open", q.unread_only ? 1 : 0, q.offset + q.limit, _("下一页"));
    }
    json_decref(rows);
    ui_end(r, &b, 200);
}

/* ---------------------------------------------------------------- the panel's forms */

/* The leaf page of /units/{id}/archives/{year}/leaf/{code}/guidance..., at its guidance
** panel (caller frees). */
static char *
leaf_page(struct wm_req *r)
{
    struct wm_buf to = {0};
    wm_buf_printf(&to, "/units/%lld/archives/%lld/leaf/", (long long)r->ids[0],
                  (long long)r->ids[1]);
    wm_url_encode(&to, r->segs[0]);
    wm_buf_adds(&to, "#guidance");
    return wm_buf_steal(&to);
}

void
page_guidance_post(struct wm_req *r)
{
    json_t *ar = wm_req_archive(r);
    if (NULL == ar) {
        return;
    }
    struct wm_fail f = {0};
    struct wm_upload up;
    char *to = leaf_page(r);
    /* Scope, role and leaf before the file is committed: a refused post stores nothing. */
    json_t *g = wm_guidance_get(r->db, &r->actor, ar, r->segs[0], &f);
    int have = 0;
    if (NULL == g) {
        ui_fail(r, &f);
    } else if (!wm_guidance_may_post(&r->actor)) {
        wm_reply_err(r, WM_E_FORBIDDEN, NULL, _("您的账号只能查看指导意见，不能留言"));
    } else if ((have = wm_uploads_optional(r, WM_GUIDANCE_FILE_MAX, &up)) >= 0) {
        enum wm_err e = wm_guidance_post(r->db, &r->actor, ar, r->segs[0], wm_form(r, "text"),
                                         have > 0 ? &up : NULL, NULL, &f);
        ui_done(r, e, &f, to, _("留言已发送"));
    }
    free(to);
    json_decref(g);
    json_decref(ar);
}

void
page_guidance_read_post(struct wm_req *r)
{
    json_t *ar = wm_req_archive(r);
    if (NULL == ar) {
        return;
    }
    struct wm_fail f = {0};
    char *to = leaf_page(r);
    enum wm_err e = wm_guidance_mark_read(r->db, &r->actor, ar, r->segs[0], &f);
    ui_done(r, e, &f, to, _("已标为已读"));
    free(to);
    json_decref(ar);
}

static void
set_open(struct wm_req *r, bool open)
{
    json_t *ar = wm_req_archive(r);
    if (NULL == ar) {
        return;
    }
    struct wm_fail f = {0};
    char *to = leaf_page(r);
    enum wm_err e = wm_guidance_set_open(r->db, &r->actor, ar, r->segs[0], open, &f);
    ui_done(r, e, &f, to, open ? _("指导对话已重新打开") : _("指导对话已关闭"));
    free(to);
    json_decref(ar);
}

void
page_guidance_close_post(struct wm_req *r)
{
    set_open(r, false);
}

void
page_guidance_reopen_post(struct wm_req *r)
{
    set_open(r, true);
}

/* end of page_guidance.c */
