/*
** ui_review.c — the review of documents in pages (issue 9), as fragments other pages show:
** a document's whole history (every version, submission, verdict and comment, with who and
** when), the "提交审核" forms of a document and of a leaf, and the words for review states.
** The queue and the review view themselves are page_reviews.c.
*/
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "handlers.h"

static const char *
action_label(const char *action)
{
    if (wm_streq(action, "submit")) {
        return _("提交审核");
    }
    if (wm_streq(action, "approve")) {
        return _("审核通过");
    }
    if (wm_streq(action, "return")) {
        return _("退回修改");
    }
    return _("上传版本");
}

void
ui_review_badge(struct wm_buf *b, const char *status)
{
    wm_h(b, "<span class=\"badge review %s\">%s</span>", *status ? status : "draft",
         wm_doc_state_label(status));
}

/* One line of the history: when, who, what, on which version, and the comment. */
static void
history_row(struct wm_buf *b, int64_t at, const char *who, const char *action, int64_t version,
            const char *comment)
{
    wm_h(b, "<tr class=\"ev %s\"><td data-label=\"%s\">", action, _("时间"));
    ui_time(b, at);
    wm_h(b, "</td><td data-label=\"%s\">%s</td><td data-label=\"%s\">%s</td>"
            "<td data-label=\"%s\">v%I</td><td data-label=\"%s\" class=\"comment\">%s</td></tr>\n",
         _("操作人"), *who ? who : _("（系统）"), _("操作"), action_label(action), _("版本"), version,
         _("意见"), comment);
}

void
ui_review_history(struct wm_req *r, struct wm_buf *b, int64_t doc_id)
{
    struct wm_fail f = {0};
    json_t *h = wm_review_history(r->db, &r->actor, doc_id, &f);
    if (NULL == h) {
        return; /* the page around it has said what it could */
    }
    json_t *vs = json_object_get(h, "versions"), *evs = json_object_get(h, "events");
    wm_h(b, "<section class=\"card\" id=\"history\"><h2>%s</h2><p>%s",
         _("审核记录"), _("当前状态："));
    ui_review_badge(b, js(h, "status"));
    if (json_is_integer(json_object_get(h, "approved_version")) &&
        ji(h, "approved_version") != ji(h, "version")) {
        wm_h(b, " <span class=\"hint\">%s%I%s</span>", _("（已通过的是第 "),
             ji(h, "approved_version"), _(" 版）"));
    }
    wm_h(b, "</p><table class=\"cards history\"><thead><tr><th>%s</th><th>%s</th><th>%s</th>"
            "<th>%s</th><th>%s</th></tr></thead><tbody>",
         _("时间"), _("操作人"), _("操作"), _("版本"), _("意见"));
    /* versions (newest first from the store) and events (oldest first), merged by time;
    ** at the same second an upload comes before the events on it */
    size_t nv = json_array_size(vs), ne = json_array_size(evs), iv = nv, ie = 0;
    while (iv > 0 || ie < ne) {
        json_t *v = iv > 0 ? json_array_get(vs, iv - 1) : NULL;
        json_t *e = ie < ne ? json_array_get(evs, ie) : NULL;
        if (v && (NULL == e || ji(v, "created_at") <= ji(e, "at"))) {
            history_row(b, ji(v, "created_at"), js(v, "created_by_name"), "version",
                        ji(v, "version"), js(v, "filename"));
            iv--;
        } else {
            history_row(b, ji(e, "at"), js(e, "actor_name"), js(e, "action"), ji(e, "version"),
                        js(e, "comment"));
            ie++;
        }
    }
    wm_h(b, "</tbody></table>");
    const char *st = js(h, "status");
    /* the unit's own "submit" (a writer of the leaf, while it is a draft or returned) */
    if (wm_streq(st, "draft") || wm_streq(st, "returned")) {
        json_t *d = wm_doc_get_scoped(r->db, &r->actor, doc_id, NULL);
        json_t *ar = d ? wm_archive_open(r->db, &r->actor, ji(d, "unit_id"), ji(d, "year"), NULL)
                       : NULL;
        if (ar && !json_is_integer(json_object_get(d, "deleted_at")) &&
            WM_OK == wm_doc_may_write(r->db, &r->actor, ar, js(d, "indicator_code"), NULL)) {
            wm_h(b, "<form method=\"post\" action=\"/documents/%I/submit\" class=\"row\" "
                    "id=\"submit-form\">",
                 doc_id);
            ui_csrf(r, b);
            wm_h(b, "<button type=\"submit\">%s</button> <span class=\"hint\">%s</span></form>",
                 _("提交审核"), _("提交后由文明办审核；审核期间上传新版本会撤回提交。"));
        }
        json_decref(ar);
        json_decref(d);
    } else if (wm_streq(st, "submitted") && wm_actor_is(&r->actor, WM_ROLES_STAFF) &&
               !wm_startswith(r->path, "/reviews/")) { /* (not in the review view itself) */
        wm_h(b, "<p><a class=\"button\" href=\"/reviews/%I\">%s</a></p>", doc_id, _("去审核"));
    }
    wm_h(b, "</section>\n");
    json_decref(h);
}

/* end of ui_review.c */
