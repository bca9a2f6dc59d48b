/*
** page_work_inspect.c — the creation work's pages (issue 12) of responsibility areas
** (责任区), inspections and the weekly bulletin (一周一通报):
**   /units/{id}/work/areas             the unit's areas; its unit_admin adds and edits them
**   /units/{id}/work/inspections       inspections by week, each week's bulletin and the
**                                      "生成本周通报" button
**   /units/{id}/work/inspections/new   the inspection form, made for a phone: one block
**                                      per area, two large choices, the camera
**   /work/inspections/{id}             one inspection
** Every page works without JavaScript.  The rules are src/core/work_inspect.c's.
*/
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "handlers.h"

/* How many weeks the inspections page shows. */
#define WEEKS_SHOWN 8

static const char *const categories[] = {"公共场所", "门前三包", "室内卫生", "办公秩序"};

/* The unit (with "depts") and the breadcrumb to its creation work, or NULL (replied). */
static json_t *
unit_page(struct wm_req *r, int64_t unit_id, struct wm_buf *c)
{
    struct wm_fail f = {0};
    json_t *unit = NULL;
    if (r->actor.p && WM_ROLE_EVALUATOR == r->actor.p->role) {
        wm_fail_set(&f, WM_E_NOT_FOUND, NULL, "%s", _("单位不存在"));
    } else {
        unit = wm_unit_get_scoped(r->db, &r->actor, unit_id, &f);
    }
    if (NULL == unit) {
        ui_fail(r, &f);
        return NULL;
    }
    ui_crumb(c, "<a href=\"/units/%I\">%s</a>", unit_id, js(unit, "name"));
    return unit;
}

static bool
may_record(const struct wm_actor *a, int64_t unit_id)
{
    return wm_work_inspect_may_admin(a, unit_id) ||
           (a->p && WM_ROLE_UNIT_MEMBER == a->p->role && a->p->org_id == unit_id);
}

static void
dept_select(struct wm_buf *b, const json_t *unit, int64_t cur, const char *id)
{
    wm_h(b, "<select name=\"dept_id\" id=\"%s\"><option value=\"0\">%s</option>", id,
         _("（不指定）"));
    size_t i;
    json_t *d;
    json_array_foreach(json_object_get(unit, "depts"), i, d)
    {
        wm_h(b, "<option value=\"%I\"%r>%s</option>", ji(d, "id"),
             ji(d, "id") == cur ? " selected" : "", js(d, "name"));
    }
    wm_h(b, "</select>");
}

/* ---------------------------------------------------------------- areas */

static void
area_edit(struct wm_req *r, struct wm_buf *b, const json_t *unit, const json_t *a)
{
    char id[32];
    snprintf(id, sizeof id, "dept-%lld", (long long)ji(a, "id"));
    wm_h(b, "<details><summary>%s</summary><form method=\"post\" action=\"/work/areas/%I\" "
            "class=\"stack\">",
         _("修改"), ji(a, "id"));
    ui_csrf(r, b);
    wm_h(b, "<label>%s <input name=\"name\" value=\"%s\" required maxlength=\"60\"></label>"
            "<label>%s <input name=\"category\" value=\"%s\" list=\"area-categories\" "
            "maxlength=\"60\"></label><label for=\"%s\">%s</label>",
         _("名称"), js(a, "name"), _("类别"), js(a, "category"), id, _("责任部门"));
    dept_select(b, unit, ji(a, "dept_id"), id);
    wm_h(b, "<label><input type=\"checkbox\" name=\"active\" value=\"1\"%r> %s</label>"
            "<input type=\"hidden\" name=\"active_sent\" value=\"1\">"
            "<button type=\"submit\">%s</button></form></details>",
         ji(a, "active") ? " checked" : "", _("在用（停用后不再出现在检查表中）"), _("保存"));
}

static void
area_rows(struct wm_req *r, struct wm_buf *b, const json_t *unit, const json_t *rows, bool admin)
{
    wm_h(b, "<table class=\"cards\" id=\"areas\"><thead><tr><th>%s</th><th>%s</th><th>%s</th>"
            "<th>%s</th><th class=\"num\">%s</th>%r</tr></thead><tbody>",
         _("责任区"), _("类别"), _("责任部门"), _("状态"), _("检查次数"),
         admin ? "<th></th>" : "");
    size_t i;
    json_t *a;
    json_array_foreach(rows, i, a)
    {
        wm_h(b, "<tr data-id=\"%I\"><td data-label=\"%s\">%s</td><td data-label=\"%s\">%s</td>"
                "<td data-label=\"%s\">%s</td><td data-label=\"%s\">%s</td>"
                "<td class=\"num\" data-label=\"%s\">%I</td>",
             ji(a, "id"), _("责任区"), js(a, "name"), _("类别"), js(a, "category"), _("责任部门"),
             js(a, "dept_name"), _("状态"), ji(a, "active") ? _("在用") : _("已停用"),
             _("检查次数"), ji(a, "checks"));
        if (admin) {
            wm_h(b, "<td>");
            area_edit(r, b, unit, a);
            wm_h(b, "</td>");
        }
        wm_h(b, "</tr>\n");
    }
    if (0 == json_array_size(rows)) {
        wm_h(b, "<tr class=\"empty\"><td colspan=\"6\" class=\"empty\">%s</td></tr>",
             _("还没有责任区。单位管理员可以在下面为各部门添加。"));
    }
    wm_h(b, "</tbody></table>\n");
}

static void
area_form(struct wm_req *r, struct wm_buf *b, const json_t *unit)
{
    wm_h(b, "<h2>%s</h2><form method=\"post\" action=\"/units/%I/work/areas\" class=\"stack\" "
            "id=\"area-new\">",
         _("添加责任区"), ji(unit, "id"));
    ui_csrf(r, b);
    wm_h(b, "<label>%s <input name=\"name\" required maxlength=\"60\"></label>"
            "<label>%s <input name=\"category\" list=\"area-categories\" maxlength=\"60\"></label>"
            "<label for=\"dept-new\">%s</label>",
         _("名称"), _("类别（可选择或自行填写）"), _("责任部门"));
    dept_select(b, unit, 0, "dept-new");
    wm_h(b, "<button type=\"submit\">%s</button></form>", _("添加"));
}

void
page_work_areas_get(struct wm_req *r)
{
    struct wm_buf c = {0}, b = {0};
    json_t *unit = unit_page(r, r->ids[0], &c);
    if (NULL == unit) {
        wm_buf_free(&c);
        return;
    }
    struct wm_fail f = {0};
    json_t *rows = wm_work_areas(r->db, &r->actor, r->ids[0], true, &f);
    if (NULL == rows) {
        ui_fail(r, &f);
        json_decref(unit);
        wm_buf_free(&c);
        return;
    }
    bool admin = wm_work_inspect_may_admin(&r->actor, r->ids[0]);
    ui_begin_at(r, &b, _("责任区"), &c);
    ui_flash(r, &b);
    wm_h(&b, "<p class=\"row\"><a class=\"button secondary\" href=\"/units/%I/work/inspections\">"
             "%s</a></p>",
         r->ids[0], _("检查记录与一周一通报"));
    wm_h(&b, "<datalist id=\"area-categories\">");
    for (size_t i = 0; i < WM_ARRAY_LEN(categories); i++) {
        wm_h(&b, "<option value=\"%s\"></option>", categories[i]);
    }
    wm_h(&b, "</datalist>");
    area_rows(r, &b, unit, rows, admin);
    if (admin) {
        area_form(r, &b, unit);
    }
    json_decref(rows);
    json_decref(unit);
    wm_buf_free(&c);
    ui_end(r, &b, 200);
}

/* The patch of an area form (every field is sent by the forms). */
static struct wm_work_area_patch
form_patch(struct wm_req *r)
{
    const char *dept = wm_form(r, "dept_id");
    const char *sent = wm_form(r, "active_sent");
    return (struct wm_work_area_patch){
        .name = wm_form(r, "name"),
        .category = wm_form(r, "category"),
        .dept_id = NULL == dept ? -1 : *dept ? strtoll(dept, NULL, 10) : 0,
        .active = sent ? NULL != wm_form(r, "active") : -1,
        .position = -1,
    };
}

void
page_work_areas_post(struct wm_req *r)
{
    struct wm_work_area_patch p = form_patch(r);
    struct wm_fail f = {0};
    char *to = wm_asprintf("/units/%lld/work/areas", (long long)r->ids[0]);
    enum wm_err e = wm_work_area_create(r->db, &r->actor, r->ids[0], &p, NULL, &f);
    ui_done(r, e, &f, to, _("责任区已添加"));
    free(to);
}

void
page_work_area_post(struct wm_req *r)
{
    struct wm_fail f = {0};
    json_t *a = wm_work_area(r->db, &r->actor, r->ids[0], &f);
    if (NULL == a) {
        ui_fail(r, &f);
        return;
    }
    struct wm_work_area_patch p = form_patch(r);
    char *to = wm_asprintf("/units/%lld/work/areas", (long long)ji(a, "unit_id"));
    enum wm_err e = wm_work_area_update(r->db, &r->actor, r->ids[0], &p, &f);
    ui_done(r, e, &f, to, _("责任区已保存"));
    free(to);
    json_decref(a);
}

/* ---------------------------------------------------------------- inspections by week */

static const char *
state_label(const char *s)
{
    return wm_streq(s, "done") ? _("已生成") : wm_streq(s, "failed") ? _("生成失败") : _("生成中");
}

/* The week's bulletin (from the list), its state and link. */
static void
week_bulletin(struct wm_buf *b, const json_t *bulletins, const char *week)
{
    size_t i;
    json_t *x;
    json_array_foreach(bulletins, i, x)
    {
        if (!wm_streq(js(x, "week_on"), week)) {
            continue;
        }
        wm_h(b, "<p class=\"bulletin\" data-state=\"%s\">%s%s", js(x, "state"), _("本周通报："),
             state_label(js(x, "state")));
        if (ji(x, "document_id") > 0) {
            wm_h(b, " <a href=\"/documents/%I\">%s</a>", ji(x, "document_id"), _("查看通报文件"));
        }
        if (wm_streq(js(x, "state"), "failed")) {
            wm_h(b, "<br><span class=\"error\">%s</span>", js(x, "error"));
        }
        wm_h(b, "</p>");
    }
}

static void
week_rows(struct wm_buf *b, const json_t *rows, const char *from, const char *to)
{
    wm_h(b, "<table class=\"cards\"><thead><tr><th>%s</th><th>%s</th><th class=\"num\">%s</th>"
            "<th class=\"num\">%s</th></tr></thead><tbody>",
         _("检查日期"), _("检查人"), _("责任区"), _("需整改"));
    size_t i, n = 0;
    json_t *x;
    json_array_foreach(rows, i, x)
    {
        if (strcmp(js(x, "held_on"), from) < 0 || strcmp(js(x, "held_on"), to) > 0) {
            continue;
        }
        n++;
        wm_h(b, "<tr><td><a href=\"/work/inspections/%I\">%s</a></td><td data-label=\"%s\">%s</td>"
                "<td class=\"num\" data-label=\"%s\">%I</td><td class=\"num\" data-label=\"%s\">%I"
                "</td></tr>",
             ji(x, "id"), js(x, "held_on"), _("检查人"), js(x, "inspector_name"), _("责任区"),
             ji(x, "areas"), _("需整改"), ji(x, "fixes"));
    }
    if (0 == n) {
        wm_h(b, "<tr class=\"empty\"><td colspan=\"4\" class=\"empty\">%s</td></tr>",
             _("这一周还没有检查记录。"));
    }
    wm_h(b, "</tbody></table>");
}

static void
week_block(struct wm_req *r, struct wm_buf *b, const json_t *rows, const json_t *bulletins,
           int64_t monday, bool admin)
{
    char from[WM_DAY_LEN], to[WM_DAY_LEN];
    wm_day_format(monday, from);
    wm_day_format(monday + 6, to);
    wm_h(b, "<section class=\"week\" id=\"week-%s\"><h2>%s %s %s</h2>", from, from, _("至"), to);
    week_rows(b, rows, from, to);
    week_bulletin(b, bulletins, from);
    if (admin) {
        wm_h(b, "<form method=\"post\" action=\"/units/%I/work/bulletins\">", r->ids[0]);
        ui_csrf(r, b);
        wm_h(b, "<input type=\"hidden\" name=\"week\" value=\"%s\"><button type=\"submit\" "
                "class=\"secondary\">%s</button></form>",
             from, _("生成本周通报"));
    }
    wm_h(b, "</section>\n");
}

void
page_work_inspections_get(struct wm_req *r)
{
    struct wm_buf c = {0}, b = {0};
    json_t *unit = unit_page(r, r->ids[0], &c);
    if (NULL == unit) {
        wm_buf_free(&c);
        return;
    }
    int64_t monday = wm_work_week_of(wm_day_today());
    char from[WM_DAY_LEN];
    wm_day_format(monday - 7 * (WEEKS_SHOWN - 1), from);
    struct wm_fail f = {0};
    json_t *rows = wm_work_inspections(r->db, &r->actor, r->ids[0], from, NULL, &f);
    json_t *bulletins = rows ? wm_work_bulletins(r->db, &r->actor, r->ids[0], &f) : NULL;
    if (NULL == bulletins) {
        ui_fail(r, &f);
    } else {
        bool admin = wm_work_inspect_may_admin(&r->actor, r->ids[0]);
        ui_begin_at(r, &b, _("责任区检查"), &c);
        ui_flash(r, &b);
        wm_h(&b, "<p class=\"row\">");
        if (may_record(&r->actor, r->ids[0])) {
            wm_h(&b, "<a class=\"button\" href=\"/units/%I/work/inspections/new\">%s</a> ",
                 r->ids[0], _("记录检查"));
        }
        wm_h(&b, "<a class=\"button secondary\" href=\"/units/%I/work/areas\">%s</a></p>",
             r->ids[0], _("责任区"));
        for (int w = 0; w < WEEKS_SHOWN; w++) {
            week_block(r, &b, rows, bulletins, monday - 7 * w, admin);
        }
        ui_end(r, &b, 200);
    }
    json_decref(bulletins);
    json_decref(rows);
    json_decref(unit);
    wm_buf_free(&c);
}

/* ---------------------------------------------------------------- the form */

static void
area_block(struct wm_buf *b, const json_t *a)
{
    int64_t id = ji(a, "id");
    wm_h(b, "<fieldset class=\"inspect-area\" data-area=\"%I\"><legend>%s</legend>"
            "<p class=\"hint\">%s%s%s</p><div class=\"choices\">"
            "<label class=\"choice pass\"><input type=\"radio\" name=\"result_%I\" value=\"pass\">"
            " %s</label><label class=\"choice fix\"><input type=\"radio\" name=\"result_%I\" "
            "value=\"fix\"> %s</label></div>"
            "<label>%s<textarea name=\"note_%I\" rows=\"2\" maxlength=\"1000\"></textarea></label>"
            "<label>%s<input type=\"file\" name=\"photo_%I\" accept=\"image/*\" "
            "capture=\"environment\"></label></fieldset>\n",
         id, js(a, "name"), js(a, "dept_name"), *js(a, "category") ? _("，") : "",
         js(a, "category"), id, _("合格"), id, _("需整改"), _("说明（需整改时写明问题）"), id,
         _("照片（可选）"), id);
}

/* The areas the caller may inspect, in blocks; how many. */
static size_t
area_blocks(struct wm_req *r, struct wm_buf *b, const json_t *areas)
{
    size_t i, n = 0;
    json_t *a;
    json_array_foreach(areas, i, a)
    {
        if (wm_work_inspect_may_check(&r->actor, a)) {
            area_block(b, a);
            n++;
        }
    }
    return n;
}

void
page_work_inspection_new_get(struct wm_req *r)
{
    struct wm_buf c = {0}, b = {0};
    json_t *unit = unit_page(r, r->ids[0], &c);
    if (NULL == unit) {
        wm_buf_free(&c);
        return;
    }
    struct wm_fail f = {0};
    json_t *areas = wm_work_areas(r->db, &r->actor, r->ids[0], false, &f);
    if (NULL == areas) {
        ui_fail(r, &f);
        json_decref(unit);
        wm_buf_free(&c);
        return;
    }
    ui_crumb(&c, "<a href=\"/units/%I/work/inspections\">%s</a>", r->ids[0], _("责任区检查"));
    ui_begin_at(r, &b, _("记录检查"), &c);
    ui_flash(r, &b);
    char today[WM_DAY_LEN];
    wm_day_format(wm_day_today(), today);
    wm_h(&b, "<form method=\"post\" action=\"/units/%I/work/inspections\" "
             "enctype=\"multipart/form-data\" class=\"stack inspect-form\" id=\"inspect-form\">",
         r->ids[0]);
    ui_csrf(r, &b);
    wm_h(&b, "<label>%s <input type=\"date\" name=\"held_on\" value=\"%s\" max=\"%s\" required>"
             "</label><label>%s <input name=\"inspector_name\" value=\"%s\" maxlength=\"60\">"
             "</label>",
         _("检查日期"), today, today, _("检查人"), r->actor.p ? r->actor.p->display_name : "");
    if (0 == area_blocks(r, &b, areas)) {
        wm_h(&b, "<p class=\"empty\">%s</p>", _("没有您可以检查的责任区。请单位管理员先设置责任区。"));
    }
    wm_h(&b, "<label>%s<textarea name=\"note\" rows=\"2\" maxlength=\"1000\"></textarea></label>"
             "<p class=\"hint\">%s</p><button type=\"submit\" class=\"big\">%s</button></form>",
         _("备注"), _("只保存选了结果的责任区；需整改的会生成整改项，一周内完成。"), _("保存检查记录"));
    json_decref(areas);
    json_decref(unit);
    wm_buf_free(&c);
    ui_end(r, &b, 200);
}

void
page_work_inspections_post(struct wm_req *r)
{
    struct wm_work_inspection_in in;
    char *back = wm_asprintf("/units/%lld/work/inspections/new", (long long)r->ids[0]);
    if (ui_work_inspection_read(r, r->ids[0], &in)) {
        struct wm_fail f = {0};
        int64_t id = 0;
        enum wm_err e = wm_work_inspection_create(r->db, &r->actor, &in, &id, &f);
        if (WM_OK == e) {
            char *to = wm_asprintf("/work/inspections/%lld", (long long)id);
            ui_redirect_msg(r, to, "ok", _("检查记录已保存"));
            free(to);
        } else {
            ui_done(r, e, &f, back, NULL);
        }
    }
    ui_work_inspection_free(&in);
    free(back);
}

/* ---------------------------------------------------------------- one inspection */

static void
check_card(struct wm_buf *b, const json_t *c)
{
    bool fix = wm_streq(js(c, "result"), "fix");
    wm_h(b, "<tr data-result=\"%s\"><td>%s</td><td data-label=\"%s\">%s</td>"
            "<td data-label=\"%s\"><strong class=\"%s\">%s</strong></td><td data-label=\"%s\">%s",
         js(c, "result"), js(c, "area_name"), _("责任部门"), js(c, "dept_name"), _("结果"),
         fix ? "error" : "ok", fix ? _("需整改") : _("合格"), _("说明"), js(c, "note"));
    if (ji(c, "rect_id") > 0) {
        wm_h(b, " <a href=\"/rectifications/%I\">%s</a>", ji(c, "rect_id"), _("整改项"));
    }
    if (ji(c, "photo_document_id") > 0) {
        wm_h(b, " <a href=\"/documents/%I\">%s</a>", ji(c, "photo_document_id"), _("照片"));
    }
    wm_h(b, "</td></tr>\n");
}

void
page_work_inspection_get(struct wm_req *r)
{
    struct wm_fail f = {0};
    json_t *ins = wm_work_inspection(r->db, &r->actor, r->ids[0], &f);
    if (NULL == ins) {
        ui_fail(r, &f);
        return;
    }
    struct wm_buf c = {0}, b = {0};
    json_t *unit = unit_page(r, ji(ins, "unit_id"), &c);
    if (unit) {
        ui_crumb(&c, "<a href=\"/units/%I/work/inspections\">%s</a>", ji(ins, "unit_id"),
                 _("责任区检查"));
        ui_begin_at(r, &b, _("检查记录"), &c);
        ui_flash(r, &b);
        wm_h(&b, "<dl class=\"meta\"><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd>"
                 "<dt>%s</dt><dd>%s</dd></dl>",
             _("检查日期"), js(ins, "held_on"), _("检查人"), js(ins, "inspector_name"), _("备注"),
             js(ins, "note"));
        wm_h(&b, "<table class=\"cards\" id=\"checks\"><thead><tr><th>%s</th><th>%s</th>"
                 "<th>%s</th><th>%s</th></tr></thead><tbody>",
             _("责任区"), _("责任部门"), _("结果"), _("说明"));
        size_t i;
        json_t *x;
        json_array_foreach(json_object_get(ins, "checks"), i, x)
        {
            check_card(&b, x);
        }
        wm_h(&b, "</tbody></table>");
        ui_end(r, &b, 200);
    }
    json_decref(unit);
    json_decref(ins);
    wm_buf_free(&c);
}

/* ---------------------------------------------------------------- bulletins */

void
page_work_bulletins_post(struct wm_req *r)
{
    struct wm_fail f = {0};
    char *to = wm_asprintf("/units/%lld/work/inspections", (long long)r->ids[0]);
    int64_t id = 0, job = 0;
    enum wm_err e = wm_work_bulletin_build(r->db, &r->actor, r->ids[0], wm_form(r, "week"), &id,
                                           &job, &f);
    ui_done(r, e, &f, to, _("正在生成本周通报，稍后刷新本页查看"));
    free(to);
}

/* end of page_work_inspect.c */
