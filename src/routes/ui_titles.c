/*
** ui_titles.c — fragments of the title register (文明称号, issue 10): a state as a badge,
** and a unit's title history as a card on the unit's page (/units/{id}).
*/
#include "config.h"

#include <stdlib.h>

#include "handlers.h"

void
ui_title_state(struct wm_buf *b, const char *state)
{
    const char *cls =
        wm_streq(state, "kept") || wm_streq(state, "revoked") || wm_streq(state, "expired") ? state
                                                                                            : "";
    wm_h(b, "<span class=\"badge %s\">%s</span>", cls, wm_title_state_label(state));
}

void
ui_unit_titles(struct wm_req *r, struct wm_buf *b, const json_t *unit)
{
    if (!wm_actor_is(&r->actor, WM_ROLES_STAFF | WM_ROLES_UNIT)) {
        return;
    }
    struct wm_title_query q = { .unit_id = ji(unit, "id"), .limit = 100 };
    json_t *rows = wm_title_list(r->db, &r->actor, &q, NULL);
    wm_h(b, "<section class=\"card\" id=\"titles\"><h2>%s</h2>", _("文明称号"));
    if (0 == json_array_size(rows)) {
        wm_h(b, "<p class=\"empty\">%s</p>",
             NULL == rows ? _("暂时无法读取称号，请稍后刷新。") : _("还没有登记文明称号。"));
    } else {
        wm_h(b,
             "<table class=\"cards\"><thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th>"
             "<th>%s</th><th>%s</th></tr></thead><tbody>",
             _("称号"), _("级别"), _("授予文件"), _("授予日期"), _("有效期至"), _("状态"));
        size_t i;
        json_t *t;
        json_array_foreach(rows, i, t)
        {
            wm_h(b,
                 "<tr><td>%s</td><td data-label=\"%s\">%s</td><td data-label=\"%s\">%s</td>"
                 "<td data-label=\"%s\">%s</td><td data-label=\"%s\">%s</td>"
                 "<td data-label=\"%s\">",
                 js(t, "title"), _("级别"), js(t, "level"), _("授予文件"), js(t, "award_doc"),
                 _("授予日期"), js(t, "awarded_on"), _("有效期至"), js(t, "valid_until"),
                 _("状态"));
            ui_title_state(b, js(t, "state"));
            if (*js(t, "reason") && !wm_streq(js(t, "state"), "kept")) {
                wm_h(b, " <span class=\"hint\">%s</span>", js(t, "reason"));
            }
            wm_h(b, "</td></tr>\n");
        }
        wm_h(b, "</tbody></table>");
    }
    if (wm_actor_is(&r->actor, WM_ROLES_STAFF)) {
        wm_h(b, "<p><a href=\"/titles?unit=%I\">%s</a></p>", ji(unit, "id"), _("管理该单位的称号"));
    }
    wm_h(b, "</section>\n");
    json_decref(rows);
}

/* end of ui_titles.c */
