/*
** ui_groups.c — the home-page fragments of evaluation groups and visits (issue 10): a unit's
** next visits, and an evaluator's assigned units (with links to their archives of the
** materials years and to the score sheets) and their groups' next visits.
*/
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "handlers.h"

void
ui_visits_upcoming(struct wm_req *r, struct wm_buf *b)
{
    struct wm_fail f = {0};
    json_t *l = wm_visits_upcoming(r->db, &r->actor, &f);
    if (NULL == l || 0 == json_array_size(l)) {
        json_decref(l);
        return; /* nothing to show (a store error shows nothing here either) */
    }
    wm_h(b, "<section class=\"card\" id=\"home-visits\"><h2>%s</h2><ul>", _("即将到来的测评走访"));
    size_t i;
    json_t *v;
    json_array_foreach(l, i, v)
    {
        wm_h(b, "<li><a href=\"/rounds/%I/visits#visit-%I\">", ji(v, "round_id"), ji(v, "id"));
        ui_time(b, ji(v, "starts_at"));
        wm_h(b, "</a> · %s · %s%s%s</li>", js(v, "round_name"), js(v, "unit_name"),
             js(v, "place")[0] ? _("，地点：") : "", js(v, "place"));
    }
    wm_h(b, "</ul><p class=\"hint\">%s</p></section>\n", _("时间均为北京时间。"));
    json_decref(l);
}

void
ui_round_visits(struct wm_req *r, struct wm_buf *b, const json_t *round)
{
    struct wm_fail f = {0};
    json_t *l = wm_visit_list(r->db, &r->actor, round, true, &f);
    if (NULL == l) {
        return;
    }
    wm_h(b, "<section class=\"card\" id=\"round-visits\"><h2>%s</h2>", _("测评走访"));
    if (0 == json_array_size(l)) {
        wm_h(b, "<p class=\"empty\">%s</p>", _("暂无走访安排。"));
    } else {
        wm_h(b, "<ul>");
        size_t i;
        json_t *v;
        json_array_foreach(l, i, v)
        {
            wm_h(b, "<li>");
            ui_time(b, ji(v, "starts_at"));
            wm_h(b, " · %s%s%s</li>", js(v, "unit_name"), js(v, "place")[0] ? _("，地点：") : "",
                 js(v, "place"));
        }
        wm_h(b, "</ul>");
    }
    wm_h(b, "<p><a href=\"/rounds/%I/visits\">%s</a></p></section>\n", ji(round, "id"),
         _("全部走访安排"));
    json_decref(l);
}

void
ui_home_evaluator(struct wm_req *r, struct wm_buf *b, struct wm_fail *f)
{
    json_t *l = wm_eval_assignments(r->db, &r->actor, f);
    if (NULL == l) {
        return;
    }
    ui_visits_upcoming(r, b);
    wm_h(b, "<section class=\"card\" id=\"home-assigned\"><h2>%s</h2>", _("分配给我的测评单位"));
    if (0 == json_array_size(l)) {
        wm_h(b, "<p class=\"empty\">%s</p>", _("测评任务开放后，分配给您的单位会显示在这里。"));
    } else {
        wm_h(b, "<table class=\"cards\"><thead><tr><th>%s</th><th>%s</th><th>%s</th>"
                "<th>%s</th></tr></thead><tbody>",
             _("测评"), _("单位"), _("材料年度档案"), _("评分"));
        size_t i;
        json_t *x;
        json_array_foreach(l, i, x)
        {
            wm_h(b, "<tr><td data-label=\"%s\"><a href=\"/rounds/%I/groups\">%s</a> · %s</td>"
                    "<td data-label=\"%s\">%s（%s）</td><td data-label=\"%s\">",
                 _("测评"), ji(x, "round_id"), js(x, "round_name"), js(x, "group_name"),
                 _("单位"), js(x, "unit_name"), js(x, "unit_code"), _("材料年度档案"));
            for (int64_t y = ji(x, "years_from"); y <= ji(x, "years_to"); y++) {
                wm_h(b, "<a href=\"/units/%I/archives/%I\">%I</a> ", ji(x, "unit_id"), y, y);
            }
            wm_h(b, "</td><td data-label=\"%s\"><a href=\"/rounds/%I/entries/%I/sheet\">%s</a>"
                    "</td></tr>\n",
                 _("评分"), ji(x, "round_id"), ji(x, "entry_id"), _("评分表"));
        }
        wm_h(b, "</tbody></table>");
    }
    wm_h(b, "</section>\n");
    json_decref(l);
}

/* end of ui_groups.c */
