/*
** page_groups.c — a round's evaluation groups and visits (issue 10): /rounds/{id}/groups
** (the round's office: groups, members and assignments with their forms; an evaluator:
** their own groups) and /rounds/{id}/visits (the visits the caller sees, with the forms to
** schedule, reschedule and cancel for the round's office and the groups' leaders).  The
** rules are in src/core/groups.c.
*/
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "handlers.h"

/* The round r->ids[0] in the caller's sight, or NULL with the error page queued. */
static json_t *
round_of(struct wm_req *r)
{
    struct wm_fail f = {0};
    json_t *round = wm_round_get_scoped(r->db, &r->actor, r->ids[0], &f);
    if (NULL == round) {
        ui_fail(r, &f);
    }
    return round;
}

static void
begin(struct wm_req *r, struct wm_buf *b, const json_t *round, const char *title)
{
    struct wm_buf c = {0};
    ui_crumb(&c, "<a href=\"/rounds/%I\">%s</a>", ji(round, "id"), js(round, "name"));
    ui_begin_at(r, b, title, &c);
    wm_buf_free(&c);
    wm_h(b, "<p class=\"hint\">%s：%s · %s %I–%I</p>\n", _("测评状态"),
         wm_round_state_label(js(round, "state")), _("材料年度"), ji(round, "years_from"),
         ji(round, "years_to"));
}

static char *
back_to(const json_t *round, const char *part)
{
    return wm_asprintf("/rounds/%lld/%s", (long long)ji(round, "id"), part);
}

/* ---------------------------------------------------------------- groups */

static void
group_card(struct wm_req *r, struct wm_buf *b, const json_t *round, const json_t *g, bool owner,
           const json_t *candidates)
{
    wm_h(b, "<section class=\"card\" id=\"group-%I\"><h2>%s</h2><p>%s：%s</p>\n", ji(g, "id"),
         js(g, "name"), _("组长"), js(g, "leader_name"));
    wm_h(b, "<h3>%s</h3><ul class=\"members\">", _("成员"));
    size_t i;
    json_t *m;
    json_array_foreach(json_object_get(g, "member_list"), i, m)
    {
        wm_h(b, "<li>%s（%s）", js(m, "display_name"), js(m, "org_name"));
        if (owner && ji(m, "user_id") != ji(g, "leader_id")) {
            wm_h(b, " <form method=\"post\" action=\"/rounds/%I/groups/%I/members\" "
                    "class=\"inline\">",
                 ji(round, "id"), ji(g, "id"));
            ui_csrf(r, b);
            wm_h(b, "<input type=\"hidden\" name=\"user_id\" value=\"%I\">"
                    "<input type=\"hidden\" name=\"remove\" value=\"1\">"
                    "<button type=\"submit\" class=\"small secondary\">%s</button></form>",
                 ji(m, "user_id"), _("移出"));
        }
        wm_h(b, "</li>");
    }
    wm_h(b, "</ul>\n");
    if (owner) {
        wm_h(b, "<form method=\"post\" action=\"/rounds/%I/groups/%I/members\" class=\"row\">",
             ji(round, "id"), ji(g, "id"));
        ui_csrf(r, b);
        wm_h(b, "<label>%s <select name=\"user_id\" required>", _("加入测评员"));
        json_array_foreach(candidates, i, m)
        {
            wm_h(b, "<option value=\"%I\">%s（%s）</option>", ji(m, "id"), js(m, "display_name"),
                 js(m, "org_name"));
        }
        wm_h(b, "</select></label> <button type=\"submit\" class=\"small\">%s</button></form>\n",
             _("加入"));
    }
    wm_h(b, "<h3>%s</h3><table class=\"cards\"><thead><tr><th>%s</th><th>%s</th><th>%s</th>"
            "</tr></thead><tbody>",
         _("分配的单位"), _("单位"), _("类别"), _("操作"));
    json_array_foreach(json_object_get(g, "entry_list"), i, m)
    {
        wm_h(b, "<tr><td data-label=\"%s\">%s（%s）</td><td data-label=\"%s\">%s</td>"
                "<td data-label=\"%s\">",
             _("单位"), js(m, "unit_name"), js(m, "unit_code"), _("类别"),
             wm_entry_kind_label(js(m, "kind")), _("操作"));
        if (!owner) {
            wm_h(b, "<a href=\"/units/%I\">%s</a> · <a href=\"/rounds/%I/entries/%I/sheet\">%s</a>",
                 ji(m, "unit_id"), _("查看档案"), ji(round, "id"), ji(m, "id"), _("评分表"));
        }
        wm_h(b, "</td></tr>\n");
    }
    if (0 == json_array_size(json_object_get(g, "entry_list"))) {
        wm_h(b, "<tr><td colspan=\"3\" class=\"empty\">%s</td></tr>", _("尚未分配单位。"));
    }
    wm_h(b, "</tbody></table>\n");
    if (owner) {
        wm_h(b, "<details><summary>%s</summary><form method=\"post\" "
                "action=\"/rounds/%I/groups/%I\" class=\"row\">",
             _("修改组名或组长"), ji(round, "id"), ji(g, "id"));
        ui_csrf(r, b);
        wm_h(b, "<label>%s <input name=\"name\" required maxlength=\"100\" value=\"%s\"></label> "
                "<label>%s <select name=\"leader_id\" required>",
             _("组名"), js(g, "name"), _("组长"));
        json_array_foreach(candidates, i, m)
        {
            wm_h(b, "<option value=\"%I\"%r>%s（%s）</option>", ji(m, "id"),
                 ji(m, "id") == ji(g, "leader_id") ? " selected" : "", js(m, "display_name"),
                 js(m, "org_name"));
        }
        wm_h(b, "</select></label> <button type=\"submit\" class=\"small\">%s</button></form>"
                "</details>\n",
             _("保存"));
        wm_h(b, "<form method=\"post\" action=\"/rounds/%I/groups/%I/delete\">", ji(round, "id"),
             ji(g, "id"));
        ui_csrf(r, b);
        wm_h(b, "<button type=\"submit\" class=\"secondary danger\">%s</button></form>\n",
             _("删除该组（已分配的单位回到未分组）"));
    }
    wm_h(b, "</section>\n");
}

void
page_round_groups_get(struct wm_req *r)
{
    json_t *round = round_of(r);
    if (NULL == round) {
        return;
    }
    struct wm_fail f = {0};
    bool owner = wm_round_is_owner(&r->actor, round);
    json_t *groups = wm_group_list(r->db, &r->actor, round, &f);
    json_t *cands = groups ? wm_group_candidates(r->db, &r->actor, round, &f) : NULL;
    json_t *entries = cands ? wm_group_assignable(r->db, &r->actor, round, &f) : NULL;
    if (NULL == entries) {
        json_decref(cands);
        json_decref(groups);
        json_decref(round);
        ui_fail(r, &f);
        return;
    }
    struct wm_buf b = {0};
    begin(r, &b, round, _("测评组"));
    if (owner) {
        wm_h(&b, "<p class=\"hint\">%s%s</p>\n",
             _("测评组由组长和测评员组成；已受理的申报和复查单位分配到各组。"),
             ji(round, "no_own_district")
                 ? _("本测评不允许测评员评本辖区的单位：测评员所在的区文明办（或其下属单位）"
                     "辖区内的单位不能分到其所在的组；市文明办的测评员不受此限。")
                 : "");
        wm_h(&b, "<section class=\"card\"><h2>%s</h2><form method=\"post\" "
                 "action=\"/rounds/%I/groups\" class=\"row\">",
             _("新建测评组"), ji(round, "id"));
        ui_csrf(r, &b);
        wm_h(&b, "<label>%s <input name=\"name\" required maxlength=\"100\"></label> "
                 "<label>%s <select name=\"leader_id\" required>",
             _("组名"), _("组长"));
        size_t i;
        json_t *u;
        json_array_foreach(cands, i, u)
        {
            wm_h(&b, "<option value=\"%I\">%s（%s）</option>", ji(u, "id"), js(u, "display_name"),
                 js(u, "org_name"));
        }
        wm_h(&b, "</select></label> <button type=\"submit\">%s</button></form></section>\n",
             _("建立"));
    }
    size_t i;
    json_t *g;
    json_array_foreach(groups, i, g)
    {
        group_card(r, &b, round, g, owner, cands);
    }
    if (0 == json_array_size(groups)) {
        wm_h(&b, "<p class=\"empty\">%s</p>\n", _("还没有测评组。"));
    }
    if (owner) {
        wm_h(&b, "<section class=\"card\" id=\"assign\"><h2>%s</h2><table class=\"cards\">"
                 "<thead><tr><th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>",
             _("分配单位"), _("单位"), _("所属辖区"), _("测评组"));
        json_t *n;
        json_array_foreach(entries, i, n)
        {
            wm_h(&b, "<tr><td data-label=\"%s\">%s（%s）</td><td data-label=\"%s\">%s</td>"
                     "<td data-label=\"%s\"><form method=\"post\" action=\"/rounds/%I/assign\" "
                     "class=\"inline\">",
                 _("单位"), js(n, "unit_name"), js(n, "unit_code"), _("所属辖区"),
                 js(n, "district_name"), _("测评组"), ji(round, "id"));
            ui_csrf(r, &b);
            wm_h(&b, "<input type=\"hidden\" name=\"entry_id\" value=\"%I\">"
                     "<select name=\"group_id\" aria-label=\"%s %s\"><option value=\"0\">%s</option>",
                 ji(n, "id"), js(n, "unit_name"), _("测评组"), _("（未分组）"));
            size_t k;
            json_array_foreach(groups, k, g)
            {
                wm_h(&b, "<option value=\"%I\"%r>%s</option>", ji(g, "id"),
                     ji(g, "id") == ji(n, "group_id") ? " selected" : "", js(g, "name"));
            }
            wm_h(&b, "</select> <button type=\"submit\" class=\"small\">%s</button></form></td>"
                     "</tr>\n",
                 _("保存"));
        }
        if (0 == json_array_size(entries)) {
            wm_h(&b, "<tr><td colspan=\"3\" class=\"empty\">%s</td></tr>",
                 _("还没有已受理的申报或复查单位。"));
        }
        wm_h(&b, "</tbody></table></section>\n");
    }
    wm_h(&b, "<p><a href=\"/rounds/%I/visits\">%s</a></p>\n", ji(round, "id"), _("走访安排"));
    json_decref(entries);
    json_decref(cands);
    json_decref(groups);
    json_decref(round);
    ui_end(r, &b, 200);
}

static bool
form_id(struct wm_req *r, const char *name, int64_t min, int64_t *v)
{
    const char *s = wm_form(r, name);
    return s && wm_parse_i64(s, min, INT64_MAX, v);
}

void
page_round_groups_post(struct wm_req *r)
{
    json_t *round = round_of(r);
    if (NULL == round) {
        return;
    }
    char *to = back_to(round, "groups");
    int64_t leader = 0, id = 0;
    struct wm_fail f = {0};
    (void)form_id(r, "leader_id", 1, &leader); /* none: 0, refused by the core */
    enum wm_err e = wm_group_create(r->db, &r->actor, ji(round, "id"), wm_form(r, "name"),
                                    leader, &id, &f);
    ui_done(r, e, &f, to, _("测评组已建立"));
    free(to);
    json_decref(round);
}

void
page_round_group_post(struct wm_req *r)
{
    json_t *round = round_of(r);
    if (NULL == round) {
        return;
    }
    char *to = back_to(round, "groups");
    int64_t leader = 0;
    struct wm_fail f = {0};
    (void)form_id(r, "leader_id", 1, &leader); /* none: 0, refused by the core */
    enum wm_err e = wm_group_update(r->db, &r->actor, ji(round, "id"), r->ids[1],
                                    wm_form(r, "name"), leader, &f);
    ui_done(r, e, &f, to, _("测评组已修改"));
    free(to);
    json_decref(round);
}

void
page_round_group_delete_post(struct wm_req *r)
{
    json_t *round = round_of(r);
    if (NULL == round) {
        return;
    }
    char *to = back_to(round, "groups");
    struct wm_fail f = {0};
    enum wm_err e = wm_group_delete(r->db, &r->actor, ji(round, "id"), r->ids[1], &f);
    ui_done(r, e, &f, to, _("测评组已删除"));
    free(to);
    json_decref(round);
}

void
page_round_group_members_post(struct wm_req *r)
{
    json_t *round = round_of(r);
    if (NULL == round) {
        return;
    }
    char *to = back_to(round, "groups");
    int64_t user = 0;
    bool remove = NULL != wm_form(r, "remove");
    struct wm_fail f = {0};
    (void)form_id(r, "user_id", 1, &user); /* none: 0, refused by the core */
    enum wm_err e = wm_group_member(r->db, &r->actor, ji(round, "id"), r->ids[1], user, !remove,
                                    &f);
    ui_done(r, e, &f, to, remove ? _("已移出测评组") : _("已加入测评组"));
    free(to);
    json_decref(round);
}

void
page_round_assign_post(struct wm_req *r)
{
    json_t *round = round_of(r);
    if (NULL == round) {
        return;
    }
    char *to = back_to(round, "groups#assign");
    int64_t entry = 0, group = 0;
    struct wm_fail f = {0};
    (void)form_id(r, "entry_id", 1, &entry); /* none: 0, refused by the core */
    (void)form_id(r, "group_id", 0, &group);
    enum wm_err e = wm_entry_assign(r->db, &r->actor, ji(round, "id"), entry, group, &f);
    ui_done(r, e, &f, to, group ? _("已分配测评组") : _("已取消分组"));
    free(to);
    json_decref(round);
}

/* ---------------------------------------------------------------- visits */

/* The entries whose visits the caller schedules: the office's accepted entries; a leader's
** groups' entries. */
static json_t *
schedulable(struct wm_req *r, const json_t *round, struct wm_fail *f)
{
    if (wm_round_is_owner(&r->actor, round)) {
        return wm_group_assignable(r->db, &r->actor, round, f);
    }
    json_t *out = json_array();
    if (NULL == r->who || WM_ROLE_EVALUATOR != r->who->role) {
        return out;
    }
    json_t *groups = wm_group_list(r->db, &r->actor, round, f);
    if (NULL == groups) {
        json_decref(out);
        return NULL;
    }
    size_t i;
    json_t *g;
    json_array_foreach(groups, i, g)
    {
        if (wm_group_is_leader(&r->actor, g)) {
            json_array_extend(out, json_object_get(g, "entry_list"));
        }
    }
    json_decref(groups);
    return out;
}

static void
visit_fields(struct wm_buf *b, const json_t *v)
{
    char t[32] = "";
    if (v) {
        wm_cst_format(t, ji(v, "starts_at"));
        t[10] = 'T';
    }
    wm_h(b, "<label>%s <input type=\"datetime-local\" name=\"starts_at\" required value=\"%s\">"
            "</label> <label>%s <input name=\"place\" maxlength=\"200\" value=\"%s\"></label> "
            "<label>%s <input name=\"note\" maxlength=\"1000\" value=\"%s\"></label> ",
         _("时间（北京时间）"), t, _("地点"), v ? js(v, "place") : "", _("说明"),
         v ? js(v, "note") : "");
}

void
page_round_visits_get(struct wm_req *r)
{
    json_t *round = round_of(r);
    if (NULL == round) {
        return;
    }
    struct wm_fail f = {0};
    json_t *visits = wm_visit_list(r->db, &r->actor, round, false, &f);
    json_t *mine = visits ? schedulable(r, round, &f) : NULL;
    if (NULL == mine) {
        json_decref(visits);
        json_decref(round);
        ui_fail(r, &f);
        return;
    }
    /* entry id → whether the caller schedules its visits */
    json_t *can = json_object();
    size_t i;
    json_t *x;
    json_array_foreach(mine, i, x)
    {
        char k[32];
        snprintf(k, sizeof k, "%lld", (long long)ji(x, "id"));
        json_object_set_new(can, k, json_true());
    }
    bool live = wm_round_in_state(round, "open") || wm_round_in_state(round, "evaluating");
    struct wm_buf b = {0};
    begin(r, &b, round, _("走访安排"));
    if (json_array_size(mine) && live) {
        char t[32];
        wm_cst_format(t, wm_now() + WM_VISIT_NOTICE);
        wm_h(&b, "<section class=\"card\"><h2>%s</h2><p class=\"hint\">%s%s%s</p>"
                 "<form method=\"post\" action=\"/rounds/%I/visits\" class=\"row\">",
             _("安排走访"), _("须至少提前 12 小时通知被测评单位（现在最早可安排在 "), t,
             _("）；单位会收到站内消息和邮件。"), ji(round, "id"));
        ui_csrf(r, &b);
        wm_h(&b, "<label>%s <select name=\"entry_id\" required>", _("单位"));
        json_array_foreach(mine, i, x)
        {
            wm_h(&b, "<option value=\"%I\">%s（%s）</option>", ji(x, "id"), js(x, "unit_name"),
                 js(x, "unit_code"));
        }
        wm_h(&b, "</select></label> ");
        visit_fields(&b, NULL);
        wm_h(&b, "<button type=\"submit\">%s</button></form></section>\n", _("安排"));
    }
    wm_h(&b, "<table class=\"cards visits\"><thead><tr><th>%s</th><th>%s</th><th>%s</th>"
             "<th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>",
         _("时间"), _("单位"), _("地点"), _("说明"), _("状态"), _("操作"));
    json_array_foreach(visits, i, x)
    {
        char k[32];
        snprintf(k, sizeof k, "%lld", (long long)ji(x, "entry_id"));
        bool scheduled = wm_streq(js(x, "state"), "scheduled");
        wm_h(&b, "<tr id=\"visit-%I\"><td data-label=\"%s\">", ji(x, "id"), _("时间"));
        ui_time(&b, ji(x, "starts_at"));
        wm_h(&b, "</td><td data-label=\"%s\">%s</td><td data-label=\"%s\">%s</td>"
                 "<td data-label=\"%s\">%s</td><td data-label=\"%s\">%s</td>"
                 "<td data-label=\"%s\">",
             _("单位"), js(x, "unit_name"), _("地点"), js(x, "place"), _("说明"), js(x, "note"),
             _("状态"), scheduled ? _("已安排") : _("已取消"), _("操作"));
        if (scheduled && live && json_object_get(can, k)) {
            wm_h(&b, "<details><summary>%s</summary><form method=\"post\" "
                     "action=\"/rounds/%I/visits/%I\">",
                 _("调整"), ji(round, "id"), ji(x, "id"));
            ui_csrf(r, &b);
            visit_fields(&b, x);
            wm_h(&b, "<button type=\"submit\" class=\"small\">%s</button></form></details>"
                     "<form method=\"post\" action=\"/rounds/%I/visits/%I/cancel\" "
                     "class=\"inline\">",
                 _("保存"), ji(round, "id"), ji(x, "id"));
            ui_csrf(r, &b);
            wm_h(&b, "<button type=\"submit\" class=\"small secondary\">%s</button></form>",
                 _("取消走访"));
        }
        wm_h(&b, "</td></tr>\n");
    }
    if (0 == json_array_size(visits)) {
        wm_h(&b, "<tr><td colspan=\"6\" class=\"empty\">%s</td></tr>", _("还没有走访安排。"));
    }
    wm_h(&b, "</tbody></table>\n");
    json_decref(can);
    json_decref(mine);
    json_decref(visits);
    json_decref(round);
    ui_end(r, &b, 200);
}

/* The form's start time: 0 when absent or not a time (the core says why). */
static int64_t
form_time(struct wm_req *r)
{
    return wm_cst_parse(wm_form(r, "starts_at"));
}

void
page_round_visits_post(struct wm_req *r)
{
    json_t *round = round_of(r);
    if (NULL == round) {
        return;
    }
    char *to = back_to(round, "visits");
    int64_t entry = 0, id = 0;
    struct wm_fail f = {0};
    (void)form_id(r, "entry_id", 1, &entry); /* none: 0, refused by the core */
    enum wm_err e = wm_visit_schedule(r->db, &r->actor, ji(round, "id"), entry, form_time(r),
                                      wm_form(r, "place"), wm_form(r, "note"), &id, &f);
    ui_done(r, e, &f, to, _("走访已安排，已通知被测评单位"));
    free(to);
    json_decref(round);
}

void
page_round_visit_post(struct wm_req *r)
{
    json_t *round = round_of(r);
    if (NULL == round) {
        return;
    }
    char *to = back_to(round, "visits");
    struct wm_fail f = {0};
    enum wm_err e = wm_visit_reschedule(r->db, &r->actor, ji(round, "id"), r->ids[1],
                                        form_time(r), wm_form(r, "place"), wm_form(r, "note"),
                                        &f);
    ui_done(r, e, &f, to, _("走访时间已调整，已通知被测评单位"));
    free(to);
    json_decref(round);
}

void
page_round_visit_cancel_post(struct wm_req *r)
{
    json_t *round = round_of(r);
    if (NULL == round) {
        return;
    }
    char *to = back_to(round, "visits");
    struct wm_fail f = {0};
    enum wm_err e = wm_visit_cancel(r->db, &r->actor, ji(round, "id"), r->ids[1], &f);
    ui_done(r, e, &f, to, _("走访已取消，已通知被测评单位"));
    free(to);
    json_decref(round);
}

/* end of page_groups.c */
