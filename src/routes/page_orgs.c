/*
** page_orgs.c — the pages of the jurisdiction tree, the unit list, a unit with its
** departments, and the bulk import of units.
*/
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "handlers.h"
#include "wm_table.h"

/* The offices the caller sees, for <select>s. */
static json_t *
offices_in_scope(struct wm_req *r)
{
    struct wm_page pg = {.limit = 500, .kind = "office"};
    json_t *a = wm_org_list(r->db, &r->actor, &pg, NULL);
    return a ? a : json_array();
}

static void
office_options(struct wm_buf *b, json_t *offices, int64_t selected)
{
    size_t i;
    json_t *o;
    json_array_foreach(offices, i, o)
    {
        /* Indent by depth: the path has one more '/' per level. */
        int depth = 0;
        for (const char *p = js(o, "path"); *p; p++) {
            depth += '/' == *p;
        }
        struct wm_buf pad = {0};
        for (int d = 2; d < depth; d++) {
            wm_buf_adds(&pad, "\xC2\xA0\xC2\xA0");
        }
        wm_h(b, "<option value=\"%I\"%r>%s%s</option>", ji(o, "id"),
             ji(o, "id") == selected ? " selected" : "", wm_buf_str(&pad), js(o, "name"));
        wm_buf_free(&pad);
    }
}

static int64_t
form_id(struct wm_req *r, const char *name)
{
    int64_t v = 0;
    const char *s = wm_form(r, name);
    if (s && *s && !wm_parse_i64(s, 1, INT64_MAX, &v)) {
        return -1;
    }
    return v;
}

/* ---------------------------------------------------------------- orgs */

void
page_orgs_get(struct wm_req *r)
{
    struct wm_buf b = {0};
    json_t *offices = offices_in_scope(r);
    bool admin = wm_actor_is(&r->actor, WM_ROLE_BIT(WM_ROLE_ADMIN));
    ui_begin(r, &b, _("文明办机构"));
    wm_h(&b, "<table class=\"tree\"><thead><tr><th>%s</th><th>%s</th><th>%s</th>%r</tr></thead>"
             "<tbody>",
         _("机构"), _("上级"), _("单位数"), admin ? "<th></th>" : "");
    size_t i;
    json_t *o;
    json_array_foreach(offices, i, o)
    {
        int depth = 0;
        for (const char *p = js(o, "path"); *p; p++) {
            depth += '/' == *p;
        }
        wm_h(&b, "<tr><td class=\"lvl%d\"><a href=\"/units?office=%I\">%s</a> <a class=\"small\" "
                 "href=\"/orgs/%I/review-settings\">%s</a></td><td>%s</td><td>%I</td>",
             depth > 6 ? 6 : depth, ji(o, "id"), js(o, "name"), ji(o, "id"), _("审核设置"),
             js(o, "parent_name"), wm_org_count(r->db, &r->actor, js(o, "path"), "unit", NULL, NULL));
        if (admin) {
            wm_h(&b, "<td><details><summary>%s</summary><form method=\"post\" action=\"/orgs/%I\""
                     " class=\"stack\">",
                 _("修改"), ji(o, "id"));
            ui_csrf(r, &b);
            wm_h(&b, "<label>%s<input name=\"name\" value=\"%s\" required maxlength=\"100\">"
                     "</label>",
                 _("名称"), js(o, "name"));
            if (!json_is_null(json_object_get(o, "parent_id"))) {
                wm_h(&b, "<label>%s<select name=\"parent_id\">", _("上级"));
                office_options(&b, offices, ji(o, "parent_id"));
                wm_h(&b, "</select></label>");
            }
            wm_h(&b, "<button type=\"submit\">%s</button></form></details></td>", _("保存"));
        }
        wm_h(&b, "</tr>\n");
    }
    wm_h(&b, "</tbody></table>\n");
    if (admin) {
        wm_h(&b, "<section class=\"card\"><h2>%s</h2><form method=\"post\" action=\"/orgs\" "
                 "class=\"row\">",
             _("新建文明办机构"));
        ui_csrf(&r[0], &b);
        wm_h(&b, "<label>%s<input name=\"name\" required maxlength=\"100\"></label>"
                 "<label>%s<select name=\"parent_id\">",
             _("名称"), _("上级"));
        office_options(&b, offices, 0);
        wm_h(&b, "</select></label><button type=\"submit\">%s</button></form></section>\n",
             _("新建"));
    }
    json_decref(offices);
    ui_end(r, &b, 200);
}

void
page_orgs_post(struct wm_req *r)
{
    struct wm_fail f = {0};
    int64_t id, parent = form_id(r, "parent_id");
    if (parent <= 0) {
        ui_redirect_msg(r, "/orgs", "err", _("请选择上级机构"));
        return;
    }
    ui_done(r, wm_org_create(r->db, &r->actor, parent, wm_form(r, "name"), &id, &f), &f, "/orgs",
            _("机构已创建"));
}

void
page_org_post(struct wm_req *r)
{
    struct wm_fail f = {0};
    int64_t parent = form_id(r, "parent_id");
    if (parent < 0) {
        ui_redirect_msg(r, "/orgs", "err", _("上级机构无效"));
        return;
    }
    ui_done(r, wm_org_update(r->db, &r->actor, r->ids[0], wm_form(r, "name"), parent, &f), &f,
            "/orgs", _("机构已保存"));
}

/* ---------------------------------------------------------------- units */

static void
type_options(struct wm_buf *b, const char *selected, bool any)
{
    if (any) {
        wm_h(b, "<option value=\"\">%s</option>", _("全部类型"));
    }
    for (int i = 0; wm_unit_types[i]; i++) {
        wm_h(b, "<option%r>%s</option>", wm_streq(selected, wm_unit_types[i]) ? " selected" : "",
             wm_unit_types[i]);
    }
}

void
page_units_get(struct wm_req *r)
{
    struct wm_page pg;
    struct wm_buf b = {0};
    if (!wm_req_page(r, &pg, 50)) {
        return;
    }
    const char *type = wm_req_arg(r, "type"), *office = wm_req_arg(r, "office");
    int64_t office_id = 0;
    json_t *scope_org = NULL;
    struct wm_fail f = {0};
    pg.kind = "unit";
    if (office && *office) {
        if (!wm_parse_i64(office, 1, INT64_MAX, &office_id)) {
            wm_reply_err(r, WM_E_NOT_FOUND, NULL, NULL);
            return;
        }
        if (NULL == (scope_org = wm_org_get_scoped(r->db, &r->actor, office_id, &f))) {
            wm_reply_fail(r, &f);
            return;
        }
        pg.scope = js(scope_org, "path");
    }
    if (type && *type) {
        pg.type = type;
    }
    json_t *units = wm_org_list(r->db, &r->actor, &pg, &f);
    if (NULL == units) {
        json_decref(scope_org);
        wm_reply_fail(r, &f);
        return;
    }
    json_t *offices = offices_in_scope(r);
    struct wm_buf c = {0};
    if (scope_org) {
        ui_crumb(&c, "<a href=\"/orgs\">%s</a>", _("机构"));
        ui_crumb(&c, "<a href=\"/units\">%s</a>", _("单位"));
    }
    ui_begin_at(r, &b, scope_org ? js(scope_org, "name") : _("单位"), &c);
    wm_buf_free(&c);
    wm_h(&b, "<form method=\"get\" action=\"/units\" class=\"row filter\">");
    if (office_id) {
        wm_h(&b, "<input type=\"hidden\" name=\"office\" value=\"%I\">", office_id);
    }
    wm_h(&b, "<label>%s<input type=\"search\" name=\"q\" value=\"%s\" placeholder=\"%s\">"
             "</label><label>%s<select name=\"type\">",
         _("搜索"), pg.q ? pg.q : "", _("名称或代码"), _("类型"));
    type_options(&b, type, true);
    wm_h(&b, "</select></label><button type=\"submit\">%s</button>"
             "<a class=\"button secondary\" href=\"/units/import\">%s</a></form>\n",
         _("筛选"), _("批量导入"));
    wm_h(&b, "<table class=\"cards\"><thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr>"
             "</thead><tbody>",
         _("单位名称"), _("代码"), _("类型"), _("所属文明办"));
    size_t i;
    json_t *u;
    unsigned shown = 0;
    json_array_foreach(units, i, u)
    {
        shown++;
        wm_h(&b, "<tr><td><a href=\"/units/%I\">%s</a></td><td data-label=\"%s\"><code>%s</code>"
                 "</td><td data-label=\"%s\">%s</td><td data-label=\"%s\">%s</td></tr>\n",
             ji(u, "id"), js(u, "name"), _("代码"), js(u, "code"), _("类型"), js(u, "type"),
             _("所属文明办"), js(u, "parent_name"));
    }
    if (0 == shown) {
        wm_h(&b, "<tr><td colspan=\"4\" class=\"empty\">%s</td></tr>", _("没有符合条件的单位"));
    }
    wm_h(&b, "</tbody></table>\n");
    ui_pager(r, &b, units, pg.limit);
    wm_h(&b, "<section class=\"card\"><h2>%s</h2><form method=\"post\" action=\"/units\" "
             "class=\"grid\">",
         _("新建单位"));
    ui_csrf(r, &b);
    wm_h(&b, "<label>%s<input name=\"name\" required maxlength=\"100\"></label>"
             "<label>%s<input name=\"code\" required maxlength=\"64\" pattern=\"[A-Za-z0-9._\\-]+\">"
             "</label><label>%s<select name=\"type\">",
         _("单位名称"), _("单位代码"), _("单位类型"));
    type_options(&b, NULL, false);
    wm_h(&b, "</select></label><label>%s<select name=\"parent_id\">", _("所属文明办"));
    office_options(&b, offices, office_id ? office_id : r->who->org_id);
    wm_h(&b, "</select></label><label class=\"wide\">%s<input name=\"depts\" "
             "placeholder=\"%s\"></label><button type=\"submit\">%s</button></form></section>\n",
         _("科室（用顿号或逗号分隔）"), _("办公室、人教科、工会"), _("新建"));
    json_decref(units);
    json_decref(offices);
    json_decref(scope_org);
    ui_end(r, &b, 200);
}

/* "办公室、工会,团委" -> ["办公室","工会","团委"] */
static json_t *
split_names(const char *s)
{
    json_t *a = json_array();
    struct wm_buf cur = {0};
    for (const char *p = s ? s : "";; p++) {
        bool sep = '\0' == *p || ',' == *p || ';' == *p || '\n' == *p;
        size_t skip = 0;
        if (0 == strncmp(p, "、", 3) || 0 == strncmp(p, "，", 3) || 0 == strncmp(p, "；", 3)) {
            sep = true;
            skip = 2;
        }
        if (sep) {
            char *t = wm_trim(wm_strdup(wm_buf_str(&cur)));
            if (*t) {
                json_array_append_new(a, json_string(t));
            }
            free(t);
            wm_buf_reset(&cur);
            if ('\0' == *p) {
                break;
            }
            p += skip;
            continue;
        }
        wm_buf_addc(&cur, *p);
    }
    wm_buf_free(&cur);
    return a;
}

void
page_units_post(struct wm_req *r)
{
    struct wm_fail f = {0};
    int64_t id;
    json_t *depts = split_names(wm_form(r, "depts"));
    struct wm_unit_in in = {.parent_id = form_id(r, "parent_id"),
                            .name = wm_form(r, "name"),
                            .code = wm_form(r, "code"),
                            .type = wm_form(r, "type"),
                            .depts = depts};
    enum wm_err e = in.parent_id > 0 ? wm_unit_create(r->db, &r->actor, &in, &id, &f)
                                     : wm_fail_set(&f, WM_E_BAD_REQUEST, "parent_id", "%s",
                                                   _("请选择所属文明办"));
    json_decref(depts);
    char *to = WM_OK == e ? wm_asprintf("/units/%lld", (long long)id) : wm_strdup("/units");
    ui_done(r, e, &f, to, _("单位已创建"));
    free(to);
}

void
page_unit_get(struct wm_req *r)
{
    struct wm_buf b = {0};
    struct wm_fail f = {0};
    json_t *u = wm_unit_get_scoped(r->db, &r->actor, r->ids[0], &f);
    if (NULL == u) {
        if (WM_E_NOT_FOUND == f.err) {
            wm_fail_set(&f, WM_E_NOT_FOUND, NULL, "%s", _("单位不存在，或不在您的管辖范围内"));
        }
        wm_reply_fail(r, &f);
        return;
    }
    bool staff = wm_actor_is(&r->actor, WM_ROLES_STAFF);
    bool manage_depts = staff || wm_actor_is(&r->actor, WM_ROLE_BIT(WM_ROLE_UNIT_ADMIN));
    struct wm_buf c = {0};
    if (staff) {
        ui_crumb(&c, "<a href=\"/units\">%s</a>", _("单位"));
        ui_crumb(&c, "<a href=\"/units?office=%I\">%s</a>", ji(u, "parent_id"),
                 js(u, "parent_name"));
    } else {
        ui_crumb(&c, "<span>%s</span>", _("单位"));
    }
    ui_begin_at(r, &b, js(u, "name"), &c);
    wm_buf_free(&c);
    wm_h(&b, "<section class=\"card\"><dl class=\"kv\"><dt>%s</dt><dd><code>%s</code></dd>"
             "<dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>",
         _("单位代码"), js(u, "code"), _("单位类型"), js(u, "type"), _("所属文明办"),
         js(u, "parent_name"), _("创建时间"));
    ui_time(&b, ji(u, "created_at"));
    wm_h(&b, "</dd></dl>");
    if (staff) {
        json_t *offices = offices_in_scope(r);
        wm_h(&b, "<details><summary>%s</summary><form method=\"post\" action=\"/units/%I\" "
                 "class=\"grid\">",
             _("修改单位信息"), ji(u, "id"));
        ui_csrf(r, &b);
        wm_h(&b, "<label>%s<input name=\"name\" value=\"%s\" required maxlength=\"100\"></label>"
                 "<label>%s<input name=\"code\" value=\"%s\" required maxlength=\"64\"></label>"
                 "<label>%s<select name=\"type\">",
             _("单位名称"), js(u, "name"), _("单位代码"), js(u, "code"), _("单位类型"));
        type_options(&b, js(u, "type"), false);
        wm_h(&b, "</select></label><label>%s<select name=\"parent_id\">", _("所属文明办"));
        office_options(&b, offices, ji(u, "parent_id"));
        wm_h(&b, "</select></label><button type=\"submit\">%s</button></form></details>",
             _("保存"));
        json_decref(offices);
    }
    /* issue 12, woverview: the unit's creation work */
    wm_h(&b, "<p><a class=\"button secondary\" href=\"/units/%I/work\">%s</a></p>", ji(u, "id"),
         _("创建工作（四心质量环）"));
    wm_h(&b, "</section>\n");
    ui_unit_archives(r, &b, u);
    ui_unit_titles(r, &b, u);
    wm_h(&b, "<section class=\"card\"><h2>%s</h2><table><thead><tr><th>%s</th>"
             "<th>%s</th>%r</tr></thead><tbody>",
         _("科室"), _("名称"), _("账号数"), manage_depts ? "<th></th>" : "");
    size_t i;
    json_t *d;
    json_array_foreach(json_object_get(u, "depts"), i, d)
    {
        wm_h(&b, "<tr><td>%s</td><td>%I</td>", js(d, "name"), ji(d, "users"));
        if (manage_depts) {
            wm_h(&b, "<td><form method=\"post\" action=\"/units/%I/depts/%I/delete\" "
                     "class=\"inline\" data-confirm=\"%s\">",
                 ji(u, "id"), ji(d, "id"), _("确定删除这个科室？"));
            ui_csrf(r, &b);
            wm_h(&b, "<button type=\"submit\" class=\"danger small\">%s</button></form></td>",
                 _("删除"));
        }
        wm_h(&b, "</tr>\n");
    }
    if (0 == json_array_size(json_object_get(u, "depts"))) {
        wm_h(&b, "<tr><td colspan=\"3\" class=\"empty\">%s</td></tr>", _("还没有科室"));
    }
    wm_h(&b, "</tbody></table>");
    if (manage_depts) {
        wm_h(&b, "<form method=\"post\" action=\"/units/%I/depts\" class=\"row\">", ji(u, "id"));
        ui_csrf(r, &b);
        wm_h(&b, "<label>%s<input name=\"name\" required maxlength=\"50\"></label>"
                 "<button type=\"submit\">%s</button></form>",
             _("科室名称"), _("添加科室"));
    }
    wm_h(&b, "</section>\n");
    if (manage_depts) {
        struct wm_page pg = {.scope = js(u, "path"), .limit = 200};
        json_t *users = wm_user_list(r->db, &r->actor, &pg, NULL);
        wm_h(&b, "<section class=\"card\"><h2>%s</h2><table class=\"cards\"><thead><tr><th>%s</th>"
                 "<th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>",
             _("本单位账号"), _("用户名"), _("姓名"), _("角色"), _("科室"));
        json_t *x;
        json_array_foreach(users, i, x)
        {
            enum wm_role role;
            wm_h(&b, "<tr><td><a href=\"/users/%I\">%s</a></td><td data-label=\"%s\">%s</td>"
                     "<td data-label=\"%s\">%s</td><td data-label=\"%s\">%s</td></tr>\n",
                 ji(x, "id"), js(x, "username"), _("姓名"), js(x, "display_name"), _("角色"),
                 wm_role_parse(js(x, "role"), &role) ? wm_role_label(role) : js(x, "role"),
                 _("科室"), js(x, "dept_name"));
        }
        wm_h(&b, "</tbody></table><p><a href=\"/users?unit=%I\">%s</a></p></section>\n",
             ji(u, "id"), _("新建账号"));
        json_decref(users);
    }
    json_decref(u);
    ui_end(r, &b, 200);
}

void
page_unit_post(struct wm_req *r)
{
    struct wm_fail f = {0};
    struct wm_unit_in in = {.parent_id = form_id(r, "parent_id"),
                            .name = wm_form(r, "name"),
                            .code = wm_form(r, "code"),
                            .type = wm_form(r, "type")};
    char *to = wm_asprintf("/units/%lld", (long long)r->ids[0]);
    if (in.parent_id < 0) {
        in.parent_id = 0;
    }
    ui_done(r, wm_unit_update(r->db, &r->actor, r->ids[0], &in, &f), &f, to, _("单位信息已保存"));
    free(to);
}

void
page_unit_depts_post(struct wm_req *r)
{
    struct wm_fail f = {0};
    int64_t id;
    char *to = wm_asprintf("/units/%lld", (long long)r->ids[0]);
    ui_done(r, wm_dept_add(r->db, &r->actor, r->ids[0], wm_form(r, "name"), &id, &f), &f, to,
            _("科室已添加"));
    free(to);
}

void
page_unit_dept_delete_post(struct wm_req *r)
{
    struct wm_fail f = {0};
    char *to = wm_asprintf("/units/%lld", (long long)r->ids[0]);
    ui_done(r, wm_dept_remove(r->db, &r->actor, r->ids[0], r->ids[1], &f), &f, to, _("科室已删除"));
    free(to);
}

/* ---------------------------------------------------------------- import */

static void
import_form(struct wm_req *r, struct wm_buf *b)
{
    json_t *offices = offices_in_scope(r);
    wm_h(b, "<section class=\"card\"><p class=\"hint\">%s</p>"
            "<form method=\"post\" action=\"/units/import\" enctype=\"multipart/form-data\" "
            "class=\"stack\">",
         _("上传 CSV 或 XLSX 文件，第一行为表头：单位名称、单位代码、单位类型，可选 所属文明办、"
           "科室（用顿号分隔）。CSV 可为 UTF-8 或 GBK 编码。有错误的行会逐行列出；"
           "默认只要有一行错误就不导入任何数据。"));
    ui_csrf(r, b);
    wm_h(b, "<label>%s<input type=\"file\" name=\"file\" accept=\".csv,.xlsx\" required></label>"
            "<label>%s<select name=\"parent_id\">",
         _("文件"), _("默认所属文明办（文件未写明时）"));
    office_options(b, offices, r->who->org_id);
    wm_h(b, "</select></label><label class=\"check\"><input type=\"checkbox\" name=\"dry_run\" "
            "value=\"1\"> %s</label><label class=\"check\"><input type=\"checkbox\" "
            "name=\"skip_bad\" value=\"1\"> %s</label><button type=\"submit\">%s</button>"
            "</form></section>\n",
         _("只检查，不导入"), _("跳过有错误的行，导入其余各行"), _("上传并导入"));
    json_decref(offices);
}

void
page_units_import_get(struct wm_req *r)
{
    struct wm_buf b = {0};
    struct wm_buf c = {0};
    ui_crumb(&c, "<a href=\"/units\">%s</a>", _("单位"));
    ui_begin_at(r, &b, _("批量导入单位"), &c);
    wm_buf_free(&c);
    import_form(r, &b);
    ui_end(r, &b, 200);
}

void
page_units_import_post(struct wm_req *r)
{
    struct wm_buf b = {0};
    struct wm_table *t = NULL;
    struct wm_fail f = {0};
    json_t *report = NULL;
    int64_t parent = form_id(r, "parent_id");
    if (!wm_req_table(r, &t)) {
        return;
    }
    bool dry = NULL != wm_form(r, "dry_run"), skip = NULL != wm_form(r, "skip_bad");
    enum wm_err e = wm_unit_import(r->db, &r->actor, t, parent > 0 ? parent : 0, skip, dry,
                                   &report, &f);
    const char *conv = t->converted_from;
    if (WM_OK != e) {
        wm_table_free(t);
        ui_fail(r, &f);
        return;
    }
    json_t *errors = json_object_get(report, "errors");
    struct wm_buf c = {0};
    ui_crumb(&c, "<a href=\"/units\">%s</a>", _("单位"));
    ui_crumb(&c, "<a href=\"/units/import\">%s</a>", _("批量导入单位"));
    ui_begin_at(r, &b, _("导入结果"), &c);
    wm_buf_free(&c);
    if (conv) {
        wm_h(&b, "<p class=\"flash warn\">%s %s</p>", _("文件已从该编码转换为 UTF-8："), conv);
    }
    if (dry) {
        wm_h(&b, "<p class=\"flash ok\">%s %I，%s %u。</p>", _("检查完成（未导入）。可导入行数"),
             ji(report, "valid"), _("有错误的行数"), (unsigned)json_array_size(errors));
    } else if (json_is_true(json_object_get(report, "committed"))) {
        wm_h(&b, "<p class=\"flash ok\">%s %I，%s %I。</p>", _("已导入单位"),
             ji(report, "imported"), _("跳过"), ji(report, "skipped"));
    } else {
        wm_h(&b, "<p class=\"flash err\">%s</p>",
             _("文件中有错误，没有导入任何单位。请修改后重新上传，或选择“跳过有错误的行”。"));
    }
    if (ji(report, "repeated") > 0) {
        wm_h(&b, "<p class=\"hint\" id=\"import-repeated\">%s %I %s</p>",
             _("另有"), ji(report, "repeated"), _("行与前面工作表中的单位相同（如汇总表），只计一次。"));
    }
    if (json_array_size(errors)) {
        wm_h(&b, "<table><thead><tr><th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>",
             _("行"), _("字段"), _("原因"));
        size_t i;
        json_t *x;
        json_array_foreach(errors, i, x)
        {
            ui_import_error(&b, x, "field");
        }
        wm_h(&b, "</tbody></table>\n");
    }
    import_form(r, &b);
    wm_table_free(t);
    json_decref(report);
    ui_end(r, &b, 200);
}

/* end of page_orgs.c */
