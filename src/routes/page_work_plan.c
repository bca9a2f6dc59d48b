/*
** page_work_plan.c — the creation work's pages (issue 12): the unit's settings of it
** (/units/{id}/work/settings), the leadership group and its office with their duties, on
** any day (/units/{id}/work/group), the annual plan with its stages and the tasks by
** department (/units/{id}/work/plan), and the tasks list with its forms
** (/units/{id}/work/tasks).  Forms post here and redirect back (303) with a flash message.
** The rules are src/core/work_plan.c's; only the forms the caller may use are shown.
*/
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "handlers.h"

/* ---------------------------------------------------------------- chrome */

enum tab { TAB_GROUP, TAB_PLAN, TAB_TASKS, TAB_SETTINGS };

/* The unit of /units/{id}/work/... with its departments, or NULL (replied). */
static json_t *
unit_of(struct wm_req *r)
{
    struct wm_fail f = {0};
    json_t *u = wm_work_unit_scoped(r->db, &r->actor, r->ids[0], &f);
    json_decref(u);
    u = u ? wm_unit_get_scoped(r->db, &r->actor, r->ids[0], &f) : NULL;
    if (NULL == u) {
        ui_fail(r, &f);
    }
    return u;
}

static void
begin(struct wm_req *r, struct wm_buf *b, const json_t *unit, const char *title, enum tab t)
{
    struct wm_buf c = {0};
    if (wm_actor_is(&r->actor, WM_ROLES_STAFF)) {
        ui_crumb(&c, "<a href=\"/units\">%s</a>", _("单位"));
    }
    ui_crumb(&c, "<a href=\"/units/%I\">%s</a>", ji(unit, "id"), js(unit, "name"));
    ui_crumb(&c, "<span>%s</span>", _("创建工作"));
    ui_begin_at(r, b, title, &c);
    wm_buf_free(&c);
    static const char *const path[] = {"group", "plan", "tasks", "settings"};
    const char *label[] = {_("领导小组"), _("年度计划"), _("任务"), _("设置")};
    wm_h(b, "<nav class=\"row tabs\" id=\"work-tabs\">");
    for (size_t i = 0; i < WM_ARRAY_LEN(path); i++) {
        wm_h(b, "<a href=\"/units/%I/work/%s\" class=\"button%s\"%r>%s</a> ", ji(unit, "id"),
             path[i], (size_t)t == i ? "" : " secondary",
             (size_t)t == i ? " aria-current=\"page\"" : "", label[i]);
    }
    wm_h(b, "</nav>\n");
    ui_flash(r, b);
}

static void
opt(struct wm_buf *b, const char *value, const char *label, bool sel)
{
    wm_h(b, "<option value=\"%s\"%r>%s</option>", value, sel ? " selected" : "", label);
}

static void
opt_id(struct wm_buf *b, int64_t value, const char *label, bool sel)
{
    wm_h(b, "<option value=\"%I\"%r>%s</option>", value, sel ? " selected" : "", label);
}

/* A <select> of the unit's departments (none: "—"), selected sel. */
static void
dept_select(struct wm_buf *b, const json_t *unit, const char *name, int64_t sel,
            const char *none)
{
    wm_h(b, "<select name=\"%s\">", name);
    opt_id(b, 0, none, 0 == sel);
    size_t i;
    json_t *d;
    json_array_foreach(json_object_get(unit, "depts"), i, d)
    {
        opt_id(b, ji(d, "id"), js(d, "name"), ji(d, "id") == sel);
    }
    wm_h(b, "</select>");
}

/* The unit's accounts (a page of them), or an empty array. */
static json_t *
accounts_of(struct wm_req *r, const json_t *unit)
{
    struct wm_page pg = {.scope = js(unit, "path"), .limit = 200};
    struct wm_fail f = {0};
    json_t *a = wm_user_list(r->db, &r->actor, &pg, &f);
    return a ? a : json_array();
}

static void
account_select(struct wm_buf *b, const json_t *accounts, const char *name, int64_t sel)
{
    wm_h(b, "<select name=\"%s\">", name);
    opt_id(b, 0, _("（按姓名填写）"), 0 == sel);
    size_t i;
    json_t *u;
    json_array_foreach(accounts, i, u)
    {
        opt_id(b, ji(u, "id"), js(u, "display_name"), ji(u, "id") == sel);
    }
    wm_h(b, "</select>");
}

/* A form field as an id (0 when absent or not a number). */
static int64_t
form_id(struct wm_req *r, const char *name)
{
    int64_t v = 0;
    const char *s = wm_form(r, name);
    return s && *s && wm_parse_i64(s, 0, INT64_MAX, &v) ? v : 0;
}

static int64_t
this_year(void)
{
    int64_t y;
    int m, d;
    wm_day_ymd(wm_day_today(), &y, &m, &d);
    return y;
}

/* ?year= (default: this year); 0 when not a year (replied 400). */
static int64_t
year_arg(struct wm_req *r)
{
    const char *s = wm_req_arg(r, "year");
    int64_t y = this_year();
    if (s && *s && !wm_parse_i64(s, 2000, 2100, &y)) {
        wm_reply_err(r, WM_E_BAD_REQUEST, "year", _("年度须为 2000 到 2100 之间的整数"));
        return 0;
    }
    return y;
}

/* ---------------------------------------------------------------- settings */

static void
leaf_field(struct wm_buf *b, const json_t *s, const char *k, const char *label, bool edit)
{
    const char *v = js(s, k);
    if (edit) {
        wm_h(b, "<label>%s<input name=\"%s\" value=\"%s\" maxlength=\"100\" "
                "placeholder=\"%s\"></label>",
             label, k, v, _("末级指标编号，如 1.1.1"));
    } else {
        wm_h(b, "<dt>%s</dt><dd>%s</dd>", label, *v ? v : _("未设置"));
    }
}

static void
settings_body(struct wm_req *r, struct wm_buf *b, const json_t *s)
{
    bool edit = json_is_true(json_object_get(s, "may_edit"));
    static const char *const k[] = {"bulletin_leaf", "inspection_leaf", "plan_leaf",
                                    "rect_leaf"};
    const char *label[] = {_("一周一通报归入"), _("检查照片归入"), _("年度计划归入"),
                           _("整改佐证归入")};
    if (!edit) {
        wm_h(b, "<dl class=\"kv\" id=\"work-settings\"><dt>%s</dt><dd>%s</dd>", _("创建工作开始日期"),
             js(s, "start_on"));
        for (size_t i = 0; i < WM_ARRAY_LEN(k); i++) {
            leaf_field(b, s, k[i], label[i], false);
        }
        wm_h(b, "<dt>%s</dt><dd>%s</dd></dl>\n", _("每周检查"),
             json_is_true(json_object_get(s, "inspect_weekly")) ? _("要求每周检查一次")
                                                                : _("不要求"));
        return;
    }
    wm_h(b, "<form method=\"post\" action=\"/units/%I/work/settings\" class=\"stack card\" "
            "id=\"work-settings\">",
         ji(s, "unit_id"));
    ui_csrf(r, b);
    wm_h(b, "<label>%s<input type=\"date\" name=\"start_on\" value=\"%s\"></label>"
            "<p class=\"hint\">%s</p>",
         _("创建工作开始日期"), js(s, "start_on"),
         _("年中加入的单位，开始日期之前的会议和检查不计为欠缺。"));
    for (size_t i = 0; i < WM_ARRAY_LEN(k); i++) {
        leaf_field(b, s, k[i], label[i], true);
    }
    wm_h(b, "<label><span><input type=\"checkbox\" name=\"inspect_weekly\" value=\"1\"%r> %s"
            "</span></label><button type=\"submit\">%s</button></form>\n",
         json_is_true(json_object_get(s, "inspect_weekly")) ? " checked" : "",
         _("要求每周检查一次责任区"), _("保存设置"));
}

void
page_work_settings_get(struct wm_req *r)
{
    json_t *unit = unit_of(r);
    if (NULL == unit) {
        return;
    }
    struct wm_fail f = {0};
    json_t *s = wm_work_settings_get(r->db, &r->actor, r->ids[0], &f);
    if (NULL == s) {
        ui_fail(r, &f);
        json_decref(unit);
        return;
    }
    struct wm_buf b = {0};
    begin(r, &b, unit, _("创建工作设置"), TAB_SETTINGS);
    wm_h(&b, "<p class=\"hint\">%s</p>",
         _("各类创建工作材料归入本年度档案的哪个末级指标；留空则不自动归档。"));
    settings_body(r, &b, s);
    json_decref(s);
    json_decref(unit);
    ui_end(r, &b, 200);
}

void
page_work_settings_post(struct wm_req *r)
{
    const struct wm_work_settings_in in = {
        .start_on = wm_form(r, "start_on"), .bulletin_leaf = wm_form(r, "bulletin_leaf"),
        .inspection_leaf = wm_form(r, "inspection_leaf"), .plan_leaf = wm_form(r, "plan_leaf"),
        .rect_leaf = wm_form(r, "rect_leaf"),
        .inspect_weekly = NULL != wm_form(r, "inspect_weekly"),
    };
    struct wm_fail f = {0};
    char *to = wm_asprintf("/units/%lld/work/settings", (long long)r->ids[0]);
    enum wm_err e = wm_work_settings_put(r->db, &r->actor, r->ids[0], &in, &f);
    ui_done(r, e, &f, to, _("设置已保存"));
    free(to);
}

/* ---------------------------------------------------------------- group and office */

static void
member_row(struct wm_req *r, struct wm_buf *b, const json_t *m, bool edit, bool history)
{
    wm_h(b, "<tr id=\"member-%I\"><td>%s</td><td data-label=\"%s\">%s</td>"
            "<td data-label=\"%s\">%s</td><td data-label=\"%s\">%s%s%s</td>",
         ji(m, "id"), js(m, "name"), _("组内职务"), js(m, "role_label"), _("职务"), js(m, "post"),
         _("任职"), js(m, "from_on"), _(" 至 "), *js(m, "to_on") ? js(m, "to_on") : _("今"));
    if (history) {
        wm_h(b, "<td data-label=\"%s\">%s</td>", _("所在"),
             wm_streq(js(m, "body"), "group") ? _("领导小组") : _("办公室"));
    }
    if (edit && !*js(m, "to_on")) {
        wm_h(b, "<td><form method=\"post\" action=\"/work/members/%I/end\" class=\"row\">",
             ji(m, "id"));
        ui_csrf(r, b);
        wm_h(b, "<input type=\"hidden\" name=\"unit\" value=\"%I\"><label>%s"
                "<input type=\"date\" name=\"to_on\"></label><button type=\"submit\" "
                "class=\"secondary\">%s</button></form></td>",
             ji(m, "unit_id"), _("离任日期"), _("离任"));
    } else if (edit) {
        wm_h(b, "<td></td>");
    }
    wm_h(b, "</tr>\n");
}

static void
member_table(struct wm_req *r, struct wm_buf *b, const json_t *rows, const char *id, bool edit,
             bool history)
{
    wm_h(b, "<table class=\"cards\" id=\"%s\"><thead><tr><th>%s</th><th>%s</th><th>%s</th>"
            "<th>%s</th>%r%r</tr></thead><tbody>",
         id, _("姓名"), _("组内职务"), _("职务"), _("任职"), history ? "<th></th>" : "",
         edit ? "<th></th>" : "");
    size_t i;
    json_t *m;
    json_array_foreach(rows, i, m)
    {
        member_row(r, b, m, edit && !history, history);
    }
    if (0 == json_array_size(rows)) {
        wm_h(b, "<tr><td colspan=\"6\" class=\"empty\">%s</td></tr>", _("这一天没有成员。"));
    }
    wm_h(b, "</tbody></table>\n");
}

static void
duty_block(struct wm_req *r, struct wm_buf *b, const json_t *g, const char *body, bool edit)
{
    const json_t *d = json_object_get(json_object_get(g, "duties"), body);
    wm_h(b, "<h3>%s</h3>", _("职责"));
    if (json_is_object(d)) {
        wm_h(b, "<p class=\"duty\">%s</p><p class=\"hint\">%s%s</p>", js(d, "text"),
             js(d, "set_on"), _(" 起施行"));
    } else {
        wm_h(b, "<p class=\"empty\">%s</p>", _("还没有写明职责。"));
    }
    if (edit) {
        wm_h(b, "<details><summary>%s</summary><form method=\"post\" "
                "action=\"/units/%I/work/duties/%s\" class=\"stack\">",
             _("修改职责"), ji(g, "unit_id"), body);
        ui_csrf(r, b);
        wm_h(b, "<label>%s<textarea name=\"text\" rows=\"5\" required maxlength=\"%d\">%s"
                "</textarea></label><label>%s<input type=\"date\" name=\"set_on\"></label>"
                "<button type=\"submit\">%s</button></form></details>\n",
             _("职责"), WM_WORK_TEXT_MAX, json_is_object(d) ? js(d, "text") : "", _("施行日期"),
             _("保存新版职责"));
    }
}

static void
body_section(struct wm_req *r, struct wm_buf *b, const json_t *g, const char *body)
{
    bool edit = json_is_true(json_object_get(g, "may_edit"));
    bool grp = wm_streq(body, "group");
    wm_h(b, "<section class=\"card\" id=\"work-%s\"><h2>%s</h2>", body,
         grp ? _("创建工作领导小组") : _("领导小组办公室"));
    member_table(r, b, json_object_get(g, body), grp ? "group-members" : "office-members", edit,
                 false);
    duty_block(r, b, g, body, edit);
    wm_h(b, "</section>\n");
}

static void
member_form(struct wm_req *r, struct wm_buf *b, const json_t *unit)
{
    json_t *accounts = accounts_of(r, unit);
    wm_h(b, "<section class=\"card\" id=\"member-add\"><h2>%s</h2><form method=\"post\" "
            "action=\"/units/%I/work/members\" class=\"grid\">",
         _("加入成员"), ji(unit, "id"));
    ui_csrf(r, b);
    wm_h(b, "<label>%s<select name=\"body_role\">", _("所在与职务"));
    opt(b, "group:leader", _("领导小组 组长"), false);
    opt(b, "group:deputy", _("领导小组 副组长"), false);
    opt(b, "group:member", _("领导小组 成员"), true);
    opt(b, "office:director", _("办公室 主任"), false);
    opt(b, "office:member", _("办公室 成员"), false);
    wm_h(b, "</select></label><label>%s", _("本单位账号"));
    account_select(b, accounts, "user_id", 0);
    wm_h(b, "</label><label>%s<input name=\"name\" maxlength=\"%d\"></label>"
            "<label>%s<input name=\"post\" maxlength=\"%d\" placeholder=\"%s\"></label>"
            "<label>%s<input type=\"date\" name=\"from_on\"></label>"
            "<button type=\"submit\">%s</button></form></section>\n",
         _("或姓名"), WM_WORK_NAME_MAX, _("职务"), WM_WORK_NAME_MAX, _("如 党委书记"),
         _("任职日期"), _("加入"));
    json_decref(accounts);
}

static void
duty_history(struct wm_buf *b, const json_t *g)
{
    const json_t *h = json_object_get(json_object_get(g, "history"), "duties");
    wm_h(b, "<table class=\"cards\" id=\"duty-history\"><thead><tr><th>%s</th><th>%s</th>"
            "<th>%s</th><th>%s</th></tr></thead><tbody>",
         _("施行日期"), _("所在"), _("职责"), _("修改人"));
    static const char *const bodies[] = {"group", "office"};
    size_t n = 0;
    for (size_t k = 0; k < 2; k++) {
        size_t i;
        json_t *d;
        json_array_foreach(json_object_get(h, bodies[k]), i, d)
        {
            wm_h(b, "<tr><td>%s</td><td data-label=\"%s\">%s</td><td data-label=\"%s\" "
                    "class=\"duty\">%s</td><td data-label=\"%s\">%s</td></tr>",
                 js(d, "set_on"), _("所在"), k ? _("办公室") : _("领导小组"), _("职责"),
                 js(d, "text"), _("修改人"), js(d, "created_by_name"));
            n++;
        }
    }
    if (0 == n) {
        wm_h(b, "<tr><td colspan=\"4\" class=\"empty\">%s</td></tr>", _("还没有职责记录。"));
    }
    wm_h(b, "</tbody></table>\n");
}

void
page_work_group_get(struct wm_req *r)
{
    json_t *unit = unit_of(r);
    if (NULL == unit) {
        return;
    }
    struct wm_fail f = {0};
    json_t *g = wm_work_group(r->db, &r->actor, r->ids[0], wm_req_arg(r, "on"), &f);
    if (NULL == g) {
        ui_fail(r, &f);
        json_decref(unit);
        return;
    }
    struct wm_buf b = {0};
    begin(r, &b, unit, _("创建工作领导小组"), TAB_GROUP);
    wm_h(&b, "<form method=\"get\" action=\"/units/%I/work/group\" class=\"row filter\" "
             "id=\"group-on\"><label>%s<input type=\"date\" name=\"on\" value=\"%s\"></label>"
             "<button type=\"submit\">%s</button></form>\n",
         ji(unit, "id"), _("查看某一天的组成"), js(g, "on"), _("查看"));
    if (!wm_streq(js(g, "on"), js(g, "today"))) {
        wm_h(&b, "<p class=\"hint\">%s%s%s <a href=\"/units/%I/work/group\">%s</a></p>",
             _("以下是 "), js(g, "on"), _(" 当天的组成与职责。"), ji(unit, "id"), _("回到今天"));
    }
    body_section(r, &b, g, "group");
    body_section(r, &b, g, "office");
    if (json_is_true(json_object_get(g, "may_edit"))) {
        member_form(r, &b, unit);
    }
    wm_h(&b, "<section class=\"card\" id=\"work-history\"><h2>%s</h2>", _("变动记录"));
    member_table(r, &b, json_object_get(json_object_get(g, "history"), "members"),
                 "member-history", false, true);
    duty_history(&b, g);
    wm_h(&b, "</section>\n");
    json_decref(g);
    json_decref(unit);
    ui_end(r, &b, 200);
}

static char *
group_page(int64_t unit_id)
{
    return wm_asprintf("/units/%lld/work/group", (long long)unit_id);
}

void
page_work_members_post(struct wm_req *r)
{
    const char *br = wm_form(r, "body_role");
    char body[16] = "", role[16] = "";
    const char *colon = br ? strchr(br, ':') : NULL;
    if (colon && (size_t)(colon - br) < sizeof body && strlen(colon + 1) < sizeof role) {
        memcpy(body, br, (size_t)(colon - br));
        body[colon - br] = 0;
        memcpy(role, colon + 1, strlen(colon + 1) + 1);
    }
    const struct wm_work_member_in in = {
        .body = body, .role = role, .user_id = form_id(r, "user_id"), .name = wm_form(r, "name"),
        .post = wm_form(r, "post"), .from_on = wm_form(r, "from_on"),
    };
    struct wm_fail f = {0};
    char *to = group_page(r->ids[0]);
    enum wm_err e = wm_work_member_add(r->db, &r->actor, r->ids[0], &in, NULL, &f);
    ui_done(r, e, &f, to, _("成员已加入"));
    free(to);
}

void
page_work_member_end_post(struct wm_req *r)
{
    struct wm_fail f = {0};
    int64_t unit_id = form_id(r, "unit");
    enum wm_err e = wm_work_member_end(r->db, &r->actor, r->ids[0], wm_form(r, "to_on"),
                                       &unit_id, &f);
    char *to = group_page(unit_id);
    ui_done(r, e, &f, to, _("已记录离任"));
    free(to);
}

void
page_work_duties_post(struct wm_req *r)
{
    struct wm_fail f = {0};
    char *to = group_page(r->ids[0]);
    enum wm_err e = wm_work_duty_set(r->db, &r->actor, r->ids[0], r->segs[0],
                                     wm_form(r, "text"), wm_form(r, "set_on"), &f);
    ui_done(r, e, &f, to, _("职责已保存"));
    free(to);
}

/* ---------------------------------------------------------------- tasks: fragments */

static void
task_state(struct wm_buf *b, const json_t *t)
{
    if (json_is_true(json_object_get(t, "overdue"))) {
        wm_h(b, "<span class=\"badge overdue\">%s</span>", _("逾期"));
    } else if (wm_streq(js(t, "state"), "done")) {
        wm_h(b, "<span class=\"badge done\">%s</span>", _("已完成"));
    } else {
        wm_h(b, "<span class=\"badge open\">%s</span>", _("进行中"));
    }
}

/* The 完成 / 重新打开 buttons of a task the caller may use; back: where to return. */
static void
task_actions(struct wm_req *r, struct wm_buf *b, const json_t *t, const char *back)
{
    bool open = wm_streq(js(t, "state"), "open");
    if (open && json_is_true(json_object_get(t, "may_complete"))) {
        wm_h(b, "<form method=\"post\" action=\"/work/tasks/%I/done\" class=\"row\">",
             ji(t, "id"));
        ui_csrf(r, b);
        wm_h(b, "<input type=\"hidden\" name=\"back\" value=\"%s\"><label>%s<input name=\"note\" "
                "maxlength=\"500\"></label><button type=\"submit\">%s</button></form>",
             back, _("完成说明"), _("完成"));
    } else if (!open && json_is_true(json_object_get(t, "may_edit"))) {
        wm_h(b, "<form method=\"post\" action=\"/work/tasks/%I/reopen\" class=\"row\">",
             ji(t, "id"));
        ui_csrf(r, b);
        wm_h(b, "<input type=\"hidden\" name=\"back\" value=\"%s\"><button type=\"submit\" "
                "class=\"secondary\">%s</button></form>",
             back, _("重新打开"));
    }
}

static void
task_leaves(struct wm_buf *b, const json_t *t)
{
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(t, "leaves"), i, c)
    {
        wm_h(b, "%r<code>%s</code>", i ? " " : "", json_string_value(c));
    }
}

/* The leaves of a form field as codes separated by commas or blanks (in buf; n of them). */
static size_t
leaves_parse(char *buf, const char **codes, size_t max)
{
    size_t n = 0;
    char *p = buf;
    while (*p && n < max) {
        p += strspn(p, ", \t\r\n;");
        if (0 == strncmp(p, "，", 3)) {
            p += 3;
            continue;
        }
        if (!*p) {
            break;
        }
        codes[n++] = p;
        size_t len = strcspn(p, ", \t\r\n;");
        char *cn = strstr(p, "，");
        if (cn && (size_t)(cn - p) < len) {
            len = (size_t)(cn - p);
        }
        p += len;
        if (*p) {
            *p++ = 0;
        }
    }
    return n;
}

static void
task_fields(struct wm_buf *b, const json_t *unit, const json_t *accounts, const json_t *t)
{
    wm_h(b, "<label>%s<input name=\"title\" required maxlength=\"%d\" value=\"%s\"></label>"
            "<label>%s<textarea name=\"detail\" rows=\"3\" maxlength=\"%d\">%s</textarea></label>"
            "<label>%s",
         _("任务"), WM_WORK_NAME_MAX, t ? js(t, "title") : "", _("说明"), WM_WORK_TEXT_MAX,
         t ? js(t, "detail") : "", _("责任科室"));
    dept_select(b, unit, "dept_id", t ? ji(t, "dept_id") : 0, _("（未指定）"));
    wm_h(b, "</label><label>%s", _("责任人账号"));
    account_select(b, accounts, "person_id", t ? ji(t, "person_id") : 0);
    struct wm_buf lv = {0};
    if (t) {
        size_t i;
        json_t *c;
        json_array_foreach(json_object_get(t, "leaves"), i, c)
        {
            wm_buf_printf(&lv, "%s%s", i ? ", " : "", json_string_value(c));
        }
    }
    wm_h(b, "</label><label>%s<input name=\"person_name\" maxlength=\"%d\" value=\"%s\"></label>"
            "<label>%s<input type=\"date\" name=\"due_on\" value=\"%s\"></label>"
            "<label>%s<input name=\"leaves\" value=\"%s\" placeholder=\"%s\"></label>",
         _("或责任人姓名"), WM_WORK_NAME_MAX,
         t && !ji(t, "person_id") ? js(t, "person_name") : "", _("完成期限"),
         t ? js(t, "due_on") : "", _("对应测评内容"), wm_buf_str(&lv), _("如 1.1.1, 1.2.3"));
    wm_buf_free(&lv);
}

/* ---------------------------------------------------------------- the plan */

static void
stages_list(struct wm_buf *b, const json_t *plan)
{
    wm_h(b, "<ol class=\"stages\" id=\"plan-stages\">");
    size_t i;
    json_t *s;
    json_array_foreach(json_object_get(plan, "stages"), i, s)
    {
        bool cur = json_is_true(json_object_get(s, "current"));
        wm_h(b, "<li class=\"stage%s\"%r><strong>%s</strong> <span class=\"hint\">%s%s%s</span>",
             cur ? " current" : "", cur ? " aria-current=\"step\"" : "", js(s, "name"),
             js(s, "starts_on"), _(" 至 "), js(s, "ends_on"));
        if (cur) {
            wm_h(b, " <span class=\"badge current\">%s</span>", _("当前阶段"));
        }
        wm_h(b, "</li>");
    }
    if (0 == json_array_size(json_object_get(plan, "stages"))) {
        wm_h(b, "<li class=\"empty\">%s</li>", _("还没有划分阶段。"));
    }
    wm_h(b, "</ol>\n");
}

static void
stage_row(struct wm_buf *b, size_t i, const json_t *s)
{
    wm_h(b, "<fieldset class=\"row\"><legend>%s %u</legend><label>%s<input name=\"stage_name_%u\" "
            "maxlength=\"%d\" value=\"%s\"></label><label>%s<input type=\"date\" "
            "name=\"stage_start_%u\" value=\"%s\"></label><label>%s<input type=\"date\" "
            "name=\"stage_end_%u\" value=\"%s\"></label></fieldset>",
         _("阶段"), (unsigned)(i + 1), _("名称"), (unsigned)i, WM_WORK_NAME_MAX,
         s ? js(s, "name") : "", _("开始"), (unsigned)i, s ? js(s, "starts_on") : "", _("结束"),
         (unsigned)i, s ? js(s, "ends_on") : "");
}

static void
plan_form(struct wm_req *r, struct wm_buf *b, const json_t *plan)
{
    wm_h(b, "<details class=\"card\" id=\"plan-edit\"%r><summary>%s</summary><form method=\"post\" "
            "action=\"/units/%I/work/plan\" class=\"stack\">",
         ji(plan, "id") ? "" : " open", _("编辑计划"), ji(plan, "unit_id"));
    ui_csrf(r, b);
    wm_h(b, "<input type=\"hidden\" name=\"year\" value=\"%I\"><label>%s<input name=\"title\" "
            "required maxlength=\"%d\" value=\"%s\"></label><label>%s<textarea name=\"goals\" "
            "rows=\"5\" maxlength=\"%d\">%s</textarea></label>",
         ji(plan, "year"), _("计划名称"), WM_WORK_NAME_MAX, js(plan, "title"), _("创建目标"),
         WM_WORK_TEXT_MAX, js(plan, "goals"));
    const json_t *st = json_object_get(plan, "stages");
    size_t n = json_array_size(st) + 2;
    n = n < 3 ? 3 : n > WM_WORK_STAGES_MAX ? WM_WORK_STAGES_MAX : n;
    for (size_t i = 0; i < n; i++) {
        stage_row(b, i, json_array_get(st, i));
    }
    wm_h(b, "<p class=\"hint\">%s</p><button type=\"submit\">%s</button></form></details>\n",
         _("名称留空的阶段不保存。"), _("保存计划"));
}

static void
dept_tasks(struct wm_req *r, struct wm_buf *b, const json_t *d, const json_t *tasks)
{
    wm_h(b, "<section class=\"card dept-tasks\"><h3>%s <span class=\"hint\">%s %I/%I%s",
         js(d, "dept_name"), _("完成"), ji(d, "done"), ji(d, "total"),
         ji(d, "overdue") ? _("，逾期 ") : "");
    if (ji(d, "overdue")) {
        wm_h(b, "%I", ji(d, "overdue"));
    }
    wm_h(b, "</span></h3><ul class=\"tasks\">");
    size_t i;
    json_t *t;
    json_array_foreach(tasks, i, t)
    {
        if (ji(t, "dept_id") == ji(d, "dept_id")) {
            wm_h(b, "<li id=\"task-%I\">", ji(t, "id"));
            task_state(b, t);
            wm_h(b, " %s <span class=\"hint\">%s%s</span>", js(t, "title"), _("期限："),
                 *js(t, "due_on") ? js(t, "due_on") : _("未定"));
            task_actions(r, b, t, "plan");
            wm_h(b, "</li>");
        }
    }
    wm_h(b, "</ul></section>\n");
}

static void
plan_goals(struct wm_buf *b, const json_t *plan)
{
    wm_h(b, "<section class=\"card\" id=\"plan-goals\"><h2>%s</h2>", _("创建目标"));
    if (*js(plan, "goals")) {
        wm_h(b, "<p class=\"goals\">%s</p>", js(plan, "goals"));
    } else {
        wm_h(b, "<p class=\"empty\">%s</p>", _("还没有写创建目标。"));
    }
    wm_h(b, "<h2>%s</h2>", _("工作阶段"));
    stages_list(b, plan);
    wm_h(b, "</section>\n");
}

static const char *
file_word(const char *state)
{
    return wm_streq(state, "filed")     ? _("已生成 PDF 并归档")
           : wm_streq(state, "failed")  ? _("生成失败，再次保存计划可再试")
           : wm_streq(state, "pending") ? _("正在生成 PDF，稍后刷新本页查看")
           : wm_streq(state, "unfiled") ? _("未归档")
                                        : _("计划尚未保存");
}

/* Where the plan is filed: the document, or why it is not (and what to set). */
static void
plan_filed(struct wm_buf *b, const json_t *plan)
{
    const char *state = js(plan, "file_state");
    wm_h(b, "<section class=\"card\" id=\"plan-filed\"><h2>%s</h2><p>%s</p>", _("计划归档"),
         file_word(state));
    if (wm_streq(state, "failed")) {
        wm_h(b, "<p class=\"flash err\">%s%s</p>", _("年度计划 PDF 生成失败："),
             js(plan, "file_error"));
    }
    if (wm_streq(state, "unfiled")) {
        wm_h(b,
             "<p class=\"flash err\" id=\"unfiled\">%s%s <a href=\"/units/%I/work/settings\">"
             "%s</a></p>",
             _("未归档："), js(plan, "unfiled_reason"), ji(plan, "unit_id"), _("创建工作设置"));
    }
    size_t i;
    json_t *d;
    json_array_foreach(json_object_get(plan, "documents"), i, d)
    {
        wm_h(b, "<p>%s：<a href=\"/documents/%I\">%s</a> <small class=\"hint\">%s %s</small></p>\n",
             _("归档文件"), ji(d, "document_id"), js(d, "name"), _("指标"),
             js(d, "indicator_code"));
    }
    wm_h(b, "</section>\n");
}

/* The tasks by department, with the counts. */
static void
plan_tasks(struct wm_req *r, struct wm_buf *b, const json_t *plan, const json_t *tasks)
{
    wm_h(b, "<section id=\"plan-tasks\"><h2>%s <span class=\"hint\">%s %I/%I，%s %I</span></h2>"
            "<p><a href=\"/units/%I/work/tasks?year=%I\">%s</a></p>",
         _("任务分解"), _("完成"), ji(plan, "done"), ji(plan, "total"), _("逾期"),
         ji(plan, "overdue"), ji(plan, "unit_id"), ji(plan, "year"), _("全部任务与布置任务"));
    size_t i;
    json_t *d;
    json_array_foreach(json_object_get(plan, "depts"), i, d)
    {
        dept_tasks(r, b, d, tasks);
    }
    if (0 == json_array_size(tasks)) {
        wm_h(b, "<p class=\"empty\">%s</p>", _("还没有任务。在“任务”页面布置到各科室。"));
    }
    wm_h(b, "</section>\n");
}

void
page_work_plan_get(struct wm_req *r)
{
    int64_t year = year_arg(r);
    json_t *unit = year ? unit_of(r) : NULL;
    if (NULL == unit) {
        return;
    }
    struct wm_fail f = {0};
    const struct wm_work_task_query q = {.year = year};
    json_t *plan = wm_work_plan_get(r->db, &r->actor, r->ids[0], year, &f);
    json_t *tasks = plan ? wm_work_tasks(r->db, &r->actor, r->ids[0], &q, &f) : NULL;
    if (NULL == tasks) {
        ui_fail(r, &f);
        json_decref(plan);
        json_decref(unit);
        return;
    }
    struct wm_buf b = {0};
    begin(r, &b, unit, js(plan, "title"), TAB_PLAN);
    wm_h(&b, "<p class=\"row\"><a href=\"?year=%I\">%s</a> <strong>%I %s</strong> "
             "<a href=\"?year=%I\">%s</a></p>",
         year - 1, _("上一年"), year, _("年度"), year + 1, _("下一年"));
    plan_goals(&b, plan);
    plan_filed(&b, plan);
    if (json_is_true(json_object_get(plan, "may_edit"))) {
        plan_form(r, &b, plan);
    }
    plan_tasks(r, &b, plan, tasks);
    json_decref(tasks);
    json_decref(plan);
    json_decref(unit);
    ui_end(r, &b, 200);
}

/* The stages of the form: rows with a name (borrowed strings into st; n of them). */
static size_t
stages_form(struct wm_req *r, struct wm_work_stage *st)
{
    size_t n = 0;
    for (unsigned i = 0; i < WM_WORK_STAGES_MAX; i++) {
        char k[3][32];
        snprintf(k[0], sizeof k[0], "stage_name_%u", i);
        snprintf(k[1], sizeof k[1], "stage_start_%u", i);
        snprintf(k[2], sizeof k[2], "stage_end_%u", i);
        const char *name = wm_form(r, k[0]);
        if (name && *name) {
            st[n++] = (struct wm_work_stage){.name = name, .starts_on = wm_form(r, k[1]),
                                             .ends_on = wm_form(r, k[2])};
        }
    }
    return n;
}

void
page_work_plan_post(struct wm_req *r)
{
    struct wm_work_stage st[WM_WORK_STAGES_MAX];
    int64_t year = form_id(r, "year");
    const struct wm_work_plan_in in = {.title = wm_form(r, "title"), .goals = wm_form(r, "goals"),
                                       .stages = st, .nstages = stages_form(r, st)};
    struct wm_fail f = {0};
    char *to = wm_asprintf("/units/%lld/work/plan?year=%lld", (long long)r->ids[0],
                           (long long)year);
    enum wm_err e = wm_work_plan_save(r->db, &r->actor, r->ids[0], year, &in, &f);
    ui_done(r, e, &f, to, _("计划已保存"));
    free(to);
}

/* ---------------------------------------------------------------- the tasks list */

static void
task_row(struct wm_req *r, struct wm_buf *b, const json_t *unit, const json_t *accounts,
         const json_t *t)
{
    wm_h(b, "<tr id=\"task-%I\"><td>%s", ji(t, "id"), js(t, "title"));
    if (*js(t, "detail")) {
        wm_h(b, "<br><span class=\"hint\">%s</span>", js(t, "detail"));
    }
    wm_h(b, "</td><td data-label=\"%s\">%s</td><td data-label=\"%s\">%s</td>"
            "<td data-label=\"%s\">%s</td><td data-label=\"%s\">",
         _("责任科室"), js(t, "dept_name"), _("责任人"), js(t, "person"), _("期限"),
         js(t, "due_on"), _("测评内容"));
    task_leaves(b, t);
    wm_h(b, "</td><td data-label=\"%s\">", _("状态"));
    task_state(b, t);
    if (wm_streq(js(t, "state"), "done")) {
        wm_h(b, " <span class=\"hint\">%s %s</span>", js(t, "done_by_name"), js(t, "done_note"));
    }
    wm_h(b, "</td><td>");
    task_actions(r, b, t, "tasks");
    if (json_is_true(json_object_get(t, "may_edit"))) {
        wm_h(b, "<details><summary>%s</summary><form method=\"post\" action=\"/work/tasks/%I\" "
                "class=\"stack\">",
             _("修改"), ji(t, "id"));
        ui_csrf(r, b);
        task_fields(b, unit, accounts, t);
        wm_h(b, "<button type=\"submit\">%s</button></form></details>", _("保存"));
    }
    wm_h(b, "</td></tr>\n");
}

static void
tasks_filter(struct wm_buf *b, const json_t *unit, int64_t year,
             const struct wm_work_task_query *q)
{
    wm_h(b, "<form method=\"get\" action=\"/units/%I/work/tasks\" class=\"row filter\" "
            "id=\"tasks-filter\"><label>%s<input type=\"number\" name=\"year\" min=\"2000\" "
            "max=\"2100\" value=\"%I\"></label><label>%s",
         ji(unit, "id"), _("年度"), year, _("科室"));
    dept_select(b, unit, "dept", q->dept_id, _("全部"));
    wm_h(b, "</label><label>%s<select name=\"state\">", _("状态"));
    static const char *const st[] = {"all", "open", "overdue", "done"};
    const char *label[] = {_("全部"), _("进行中"), _("逾期"), _("已完成")};
    for (size_t i = 0; i < WM_ARRAY_LEN(st); i++) {
        opt(b, st[i], label[i], wm_streq(q->state ? q->state : "all", st[i]));
    }
    wm_h(b, "</select></label><button type=\"submit\">%s</button></form>\n", _("筛选"));
}

static void
task_create_form(struct wm_req *r, struct wm_buf *b, const json_t *unit,
                 const json_t *accounts, int64_t year)
{
    wm_h(b, "<details class=\"card\" id=\"task-add\"><summary>%s</summary><form method=\"post\" "
            "action=\"/units/%I/work/tasks\" class=\"stack\">",
         _("布置任务"), ji(unit, "id"));
    ui_csrf(r, b);
    wm_h(b, "<input type=\"hidden\" name=\"year\" value=\"%I\">", year);
    task_fields(b, unit, accounts, NULL);
    wm_h(b, "<button type=\"submit\">%s</button></form></details>\n", _("布置"));
}

void
page_work_tasks_get(struct wm_req *r)
{
    int64_t year = year_arg(r);
    json_t *unit = year ? unit_of(r) : NULL;
    if (NULL == unit) {
        return;
    }
    struct wm_work_task_query qq = {.year = year, .state = wm_req_arg(r, "state")};
    const char *d = wm_req_arg(r, "dept");
    int64_t dept = 0;
    if (d && *d && wm_parse_i64(d, 0, INT64_MAX, &dept)) {
        qq.dept_id = dept;
    }
    struct wm_fail f = {0};
    json_t *rows = wm_work_tasks(r->db, &r->actor, r->ids[0], &qq, &f);
    if (NULL == rows) {
        ui_fail(r, &f);
        json_decref(unit);
        return;
    }
    bool edit = wm_work_may_write(&r->actor);
    json_t *accounts = edit ? accounts_of(r, unit) : json_array();
    struct wm_buf b = {0};
    begin(r, &b, unit, _("创建任务"), TAB_TASKS);
    tasks_filter(&b, unit, year, &qq);
    if (edit) {
        task_create_form(r, &b, unit, accounts, year);
    }
    wm_h(&b, "<table class=\"cards\" id=\"tasks\"><thead><tr><th>%s</th><th>%s</th><th>%s</th>"
             "<th>%s</th><th>%s</th><th>%s</th><th></th></tr></thead><tbody>",
         _("任务"), _("责任科室"), _("责任人"), _("期限"), _("测评内容"), _("状态"));
    size_t i;
    json_t *t;
    json_array_foreach(rows, i, t)
    {
        task_row(r, &b, unit, accounts, t);
    }
    if (0 == json_array_size(rows)) {
        wm_h(&b, "<tr><td colspan=\"7\" class=\"empty\">%s</td></tr>",
             edit ? _("没有符合条件的任务。可以点“布置任务”把工作分解到科室。")
                  : _("没有符合条件的任务。"));
    }
    wm_h(&b, "</tbody></table>\n");
    json_decref(accounts);
    json_decref(rows);
    json_decref(unit);
    ui_end(r, &b, 200);
}

/* The task of the form: strings borrowed from the form, leaves parsed into buf. */
static void
task_form_in(struct wm_req *r, struct wm_work_task_in *in, char **buf, const char **codes)
{
    const char *lv = wm_form(r, "leaves");
    *buf = wm_strdup(lv ? lv : "");
    *in = (struct wm_work_task_in){
        .year = form_id(r, "year"), .title = wm_form(r, "title"), .detail = wm_form(r, "detail"),
        .dept_id = form_id(r, "dept_id"), .person_id = form_id(r, "person_id"),
        .person_name = wm_form(r, "person_name"), .due_on = wm_form(r, "due_on"),
        .leaves = codes, .nleaves = leaves_parse(*buf, codes, WM_WORK_LEAVES_MAX),
        .set_leaves = true,
    };
    if (NULL == in->title) {
        in->title = "";
    }
    if (NULL == in->due_on) {
        in->due_on = "";
    }
}

static char *
tasks_page(int64_t unit_id, int64_t year)
{
    return wm_asprintf("/units/%lld/work/tasks?year=%lld", (long long)unit_id, (long long)year);
}

void
page_work_tasks_post(struct wm_req *r)
{
    struct wm_work_task_in in;
    const char *codes[WM_WORK_LEAVES_MAX];
    char *buf = NULL;
    task_form_in(r, &in, &buf, codes);
    struct wm_fail f = {0};
    char *to = tasks_page(r->ids[0], in.year);
    enum wm_err e = wm_work_task_create(r->db, &r->actor, r->ids[0], &in, NULL, &f);
    ui_done(r, e, &f, to, _("任务已布置"));
    free(to);
    free(buf);
}

/* Where a task's form returns: the home page, the plan or the tasks list of its year. */
static char *
task_back(struct wm_req *r, const json_t *t)
{
    const char *back = wm_form(r, "back");
    if (wm_streq(back, "home")) {
        return wm_strdup("/home");
    }
    if (wm_streq(back, "plan")) {
        return wm_asprintf("/units/%lld/work/plan?year=%lld", (long long)ji(t, "unit_id"),
                           (long long)ji(t, "year"));
    }
    return tasks_page(ji(t, "unit_id"), ji(t, "year"));
}

/* The task ids[0] as the caller sees it, or NULL (replied). */
static json_t *
task_of(struct wm_req *r)
{
    struct wm_fail f = {0};
    json_t *t = wm_work_task_get(r->db, &r->actor, r->ids[0], &f);
    if (NULL == t) {
        ui_fail(r, &f);
    }
    return t;
}

void
page_work_task_post(struct wm_req *r)
{
    json_t *t = task_of(r);
    if (NULL == t) {
        return;
    }
    struct wm_work_task_in in;
    const char *codes[WM_WORK_LEAVES_MAX];
    char *buf = NULL;
    task_form_in(r, &in, &buf, codes);
    struct wm_fail f = {0};
    char *to = task_back(r, t);
    enum wm_err e = wm_work_task_update(r->db, &r->actor, r->ids[0], &in, &f);
    ui_done(r, e, &f, to, _("任务已修改"));
    free(to);
    free(buf);
    json_decref(t);
}

void
page_work_task_done_post(struct wm_req *r)
{
    json_t *t = task_of(r);
    if (NULL == t) {
        return;
    }
    struct wm_fail f = {0};
    char *to = task_back(r, t);
    enum wm_err e = wm_work_task_done(r->db, &r->actor, r->ids[0], wm_form(r, "note"), &f);
    ui_done(r, e, &f, to, _("任务已完成"));
    free(to);
    json_decref(t);
}

void
page_work_task_reopen_post(struct wm_req *r)
{
    json_t *t = task_of(r);
    if (NULL == t) {
        return;
    }
    struct wm_fail f = {0};
    char *to = task_back(r, t);
    enum wm_err e = wm_work_task_reopen(r->db, &r->actor, r->ids[0], &f);
    ui_done(r, e, &f, to, _("任务已重新打开"));
    free(to);
    json_decref(t);
}

/* end of page_work_plan.c */
