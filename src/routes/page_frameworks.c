/*
** page_frameworks.c — the pages of evaluation standards: the list with an upload form,
** the dry-run preview, the indicator tree (collapsible levels, totals, a filter), the
** actions on a draft, and the difference between two editions.
*/
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "handlers.h"
#include "wm_framework.h"

static const char *
status_label(const char *s)
{
    return wm_streq(s, "published") ? _("已发布") : _("草稿");
}

static void
upload_form(struct wm_req *r, struct wm_buf *b)
{
    struct wm_page pg = {.limit = 500, .kind = "office"};
    json_t *offices = wm_org_list(r->db, &r->actor, &pg, NULL);
    wm_h(b, "<section class=\"card\"><h2>%s</h2><p class=\"hint\">%s</p>"
            "<form method=\"post\" action=\"/frameworks\" enctype=\"multipart/form-data\" "
            "class=\"grid\" id=\"fw-upload\">",
         _("导入测评体系"),
         _("支持 wenming-framework/1 JSON，以及每行一个指标的 CSV 或 XLSX（列：编码、指标、测评内容、"
           "佐证材料、分值、计分方式、测评方法、一票否决、责任部门、载体、频次、最少件数；"
           "上级由编码推出，如 1 → 1.1 → 1.1.2）。CSV 可为 UTF-8 或 GBK。先预览，确认无误后保存为草稿，"
           "再发布。"));
    ui_csrf(r, b);
    wm_h(b, "<label class=\"wide\">%s<input type=\"file\" name=\"file\" "
            "accept=\".json,.csv,.xlsx,.docx\" required></label>"
            "<label>%s<input name=\"name\" maxlength=\"200\" placeholder=\"%s\"></label>"
            "<label>%s<input name=\"version\" maxlength=\"50\" placeholder=\"2026\"></label>"
            "<label>%s<select name=\"office_id\">",
         _("文件"), _("名称（CSV/XLSX 必填）"), _("第十五届市文明单位测评标准"), _("版本"),
         _("所属文明办"));
    size_t i;
    json_t *o;
    json_array_foreach(offices, i, o)
    {
        wm_h(b, "<option value=\"%I\"%r>%s</option>", ji(o, "id"),
             ji(o, "id") == r->who->org_id ? " selected" : "", js(o, "name"));
    }
    wm_h(b, "</select></label><input type=\"hidden\" name=\"dry_run\" value=\"1\">"
            "<button type=\"submit\">%s</button></form></section>\n",
         _("上传并预览"));
    json_decref(offices);
}

void
page_frameworks_get(struct wm_req *r)
{
    struct wm_buf b = {0};
    struct wm_page pg = {.limit = 200};
    struct wm_fail f = {0};
    json_t *items = wm_api_editions(wm_edition_list(r->db, &r->actor, &pg, &f));
    if (NULL == items) {
        wm_reply_fail(r, &f);
        return;
    }
    ui_begin(r, &b, _("测评体系"));
    wm_h(&b, "<table><thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th>"
             "<th>%s</th></tr></thead><tbody>",
         _("名称"), _("版本"), _("状态"), _("测评内容（末级指标）"), _("总分"), _("所属"));
    size_t i;
    json_t *e;
    json_array_foreach(items, i, e)
    {
        wm_h(&b, "<tr><td><a href=\"/frameworks/%I\">%s</a></td><td>%s</td>"
                 "<td><span class=\"badge %s\">%s</span></td><td>%I</td><td>%s</td><td>%s</td>"
                 "</tr>\n",
             ji(e, "id"), js(e, "name"), js(e, "version"), js(e, "status"),
             status_label(js(e, "status")), ji(e, "leaves"),
             wm_streq(js(e, "total"), "0") ? _("未设分值") : js(e, "total"), js(e, "org_name"));
    }
    if (0 == json_array_size(items)) {
        wm_h(&b, "<tr><td colspan=\"6\" class=\"empty\">%s</td></tr>", _("还没有测评体系"));
    }
    wm_h(&b, "</tbody></table>\n");
    if (wm_actor_is(&r->actor, WM_ROLES_STAFF)) {
        upload_form(r, &b);
    }
    json_decref(items);
    ui_end(r, &b, 200);
}

/* ---------------------------------------------------------------- the tree */

static bool
contains(const char *hay, const char *q)
{
    return hay && q && strstr(hay, q);
}

static bool
ind_matches(const struct wm_ind *ind, const char *q)
{
    if (NULL == q || '\0' == *q) {
        return true;
    }
    if (contains(ind->code, q) || contains(ind->title, q) || contains(ind->requirement, q) ||
        contains(ind->materials, q)) {
        return true;
    }
    for (size_t i = 0; i < ind->nchildren; i++) {
        if (ind_matches(ind->children[i], q)) {
            return true;
        }
    }
    return false;
}

/* Whether any indicator of a tree carries a score (else totals are "未设分值", not 0). */
static bool
fw_scored(const struct wm_fw *fw)
{
    for (size_t i = 0; i < fw->nall; i++) {
        if (fw->all[i]->has_score) {
            return true;
        }
    }
    return false;
}

static void
render_ind(struct wm_buf *b, const struct wm_ind *ind, const char *q)
{
    char s[32];
    if (!ind_matches(ind, q)) {
        return;
    }
    if (ind->leaf) {
        wm_h(b, "<div class=\"leaf\"><div class=\"head\"><code>%s</code> <b>%s</b> ", ind->code,
             ind->title);
        ui_score_text(b, ind);
        if (ind->has_veto && ind->veto) {
            wm_h(b, " <span class=\"badge veto\">%s</span>", _("一票否决"));
        }
        wm_h(b, "</div>");
        ui_ind_details(b, ind, false);
        wm_h(b, "</div>\n");
        return;
    }
    wm_h(b, "<details class=\"ind d%u\" open><summary><code>%s</code> <b>%s</b> ", ind->depth,
         ind->code, ind->title);
    ui_score_text(b, ind);
    if (!ind->has_score && 0 == ind->total) {
        /* an unscored folder: no "下级合计 0" */
    } else if (ind->total != (ind->has_score ? ind->score : ind->total)) {
        wm_h(b, " <span class=\"warn\">%s %s</span>", _("下级合计"),
             wm_fw_score_format(ind->total, s));
    } else {
        wm_h(b, " <span class=\"sub\">%s %s</span>", _("下级合计"),
             wm_fw_score_format(ind->total, s));
    }
    wm_h(b, "</summary>\n");
    for (size_t i = 0; i < ind->nchildren; i++) {
        render_ind(b, ind->children[i], q);
    }
    wm_h(b, "</details>\n");
}

static void
render_tree(struct wm_buf *b, const struct wm_fw *fw, const char *q)
{
    wm_h(b, "<div class=\"fwtree\" id=\"fwtree\">");
    for (size_t i = 0; i < fw->ntop; i++) {
        render_ind(b, fw->top[i], q);
    }
    wm_h(b, "</div>\n");
}

static void
report_table(struct wm_buf *b, json_t *issues, const char *title, const char *cls)
{
    if (0 == json_array_size(issues)) {
        return;
    }
    wm_h(b, "<section class=\"card %s\"><h2>%s（%u）</h2><table><thead><tr><th>%s</th>"
            "<th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>",
         cls, title, (unsigned)json_array_size(issues), _("行"), _("指标"), _("字段"), _("说明"));
    size_t i;
    json_t *x;
    json_array_foreach(issues, i, x)
    {
        wm_h(b, "<tr><td>%I</td><td><code>%s</code></td><td>%s</td><td>%s</td></tr>\n",
             ji(x, "line"), js(x, "code"), js(x, "field"), js(x, "message"));
    }
    wm_h(b, "</tbody></table></section>\n");
}

void
page_frameworks_post(struct wm_req *r)
{
    struct wm_fw_in in;
    struct wm_fail f = {0};
    json_t *report = NULL, *preview = NULL;
    int64_t id = 0;
    if (!wm_req_fw_in(r, &in)) {
        return;
    }
    enum wm_err e = wm_framework_import(r->db, &r->actor, &in, &id, &report, &preview, &f);
    if (WM_OK == e && !in.dry_run) {
        json_decref(report);
        json_decref(preview);
        char *to = wm_asprintf("/frameworks/%lld", (long long)id);
        ui_redirect_msg(r, to, "ok", _("已保存为草稿；核对无误后可发布"));
        free(to);
        return;
    }
    if (WM_OK != e && NULL == report) {
        ui_fail(r, &f);
        return;
    }
    struct wm_buf b = {0};
    struct wm_buf c = {0};
    ui_crumb(&c, "<a href=\"/frameworks\">%s</a>", _("测评体系"));
    ui_begin_at(r, &b, WM_OK == e ? _("预览测评体系") : _("导入失败"), &c);
    wm_buf_free(&c);
    if (WM_OK != e) {
        wm_h(&b, "<p class=\"flash err\">%s</p>\n", f.msg);
    }
    report_table(&b, json_object_get(report, "errors"), _("错误"), "error");
    report_table(&b, json_object_get(report, "warnings"), _("提示"), "warning");
    if (WM_OK == e) {
        json_t *doc = json_object_get(preview, "document");
        wm_h(&b, "<section class=\"card\"><dl class=\"kv\"><dt>%s</dt><dd>%s</dd><dt>%s</dt>"
                 "<dd>%s</dd><dt>%s</dt><dd>%I</dd><dt>%s</dt><dd>%s</dd></dl>",
             _("名称"), js(doc, "name"), _("版本"), js(doc, "version"), _("测评内容（末级指标）"),
             ji(preview, "leaves"), _("总分"), js(preview, "total"));
        char *text = json_dumps(doc, WM_FW_JSON_FLAGS);
        wm_h(&b, "<form method=\"post\" action=\"/frameworks\" class=\"row\">");
        ui_csrf(r, &b);
        wm_h(&b, "<input type=\"hidden\" name=\"document\" value=\"%s\">"
                 "<input type=\"hidden\" name=\"office_id\" value=\"%I\">"
                 "<button type=\"submit\">%s</button> <a class=\"button secondary\" "
                 "href=\"/frameworks\">%s</a></form></section>\n",
             text, in.office_id, _("确认无误，保存为草稿"), _("取消"));
        free(text);
        struct wm_fw *fw = NULL;
        struct wm_fw_report rep = {0};
        char *dj = json_dumps(doc, WM_FW_JSON_FLAGS);
        if (WM_OK == wm_fw_parse_json(dj, strlen(dj), &fw, &rep)) {
            render_tree(&b, fw, NULL);
        }
        free(dj);
        wm_fw_report_free(&rep);
        wm_fw_free(fw);
    } else {
        upload_form(r, &b);
    }
    json_decref(report);
    json_decref(preview);
    ui_end(r, &b, WM_OK == e ? 200 : wm_err_status(e));
}

void
page_framework_get(struct wm_req *r)
{
    json_t *ed;
    struct wm_fw *fw;
    if (!wm_req_edition(r, &ed, &fw)) {
        return;
    }
    const char *q = wm_req_arg(r, "q");
    char total[32];
    bool draft = wm_streq(js(ed, "status"), "draft");
    bool manage = wm_actor_is(&r->actor, WM_ROLES_STAFF) &&
                  wm_startswith(js(ed, "org_path"), wm_scope_path(&r->actor));
    struct wm_buf b = {0};
    char *title = wm_asprintf("%s（%s）", js(ed, "name"), js(ed, "version"));
    struct wm_buf c = {0};
    ui_crumb(&c, "<a href=\"/frameworks\">%s</a>", _("测评体系"));
    ui_begin_at(r, &b, title, &c);
    wm_buf_free(&c);
    free(title);
    wm_h(&b, "<section class=\"card\"><dl class=\"kv\"><dt>%s</dt><dd><span class=\"badge %s\">"
             "%s</span></dd><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%I</dd><dt>%s</dt><dd>%s</dd>",
         _("状态"), js(ed, "status"), status_label(js(ed, "status")), _("所属"),
         js(ed, "org_name"), _("测评内容（末级指标）"), ji(ed, "leaves"), _("总分"),
         fw_scored(fw) ? wm_fw_score_format(fw->total, total) : _("未设分值"));
    if (fw->source) {
        wm_h(&b, "<dt>%s</dt><dd>%s</dd>", _("来源"), fw->source);
    }
    wm_h(&b, "</dl><p class=\"row\">%s <a href=\"/api/v1/frameworks/%I/export.json\">JSON</a> · "
             "<a href=\"/api/v1/frameworks/%I/export.csv\">CSV</a> · "
             "<a href=\"/api/v1/frameworks/%I/export.xlsx\">XLSX</a></p>",
         _("导出："), r->ids[0], r->ids[0], r->ids[0]);
    if (manage && draft) {
        wm_h(&b, "<div class=\"row\"><form method=\"post\" action=\"/frameworks/%I/publish\" "
                 "class=\"inline\" data-confirm=\"%s\">",
             r->ids[0], _("发布后此版本不可再修改，确定发布？"));
        ui_csrf(r, &b);
        wm_h(&b, "<button type=\"submit\">%s</button></form> <form method=\"post\" "
                 "action=\"/frameworks/%I/delete\" class=\"inline\" data-confirm=\"%s\">",
             _("发布"), r->ids[0], _("确定删除这个草稿？"));
        ui_csrf(r, &b);
        wm_h(&b, "<button type=\"submit\" class=\"danger\">%s</button></form></div>",
             _("删除草稿"));
    }
    if (!draft && wm_actor_is(&r->actor, WM_ROLES_STAFF)) {
        /* Make this edition the one new archives of a year use in a jurisdiction. */
        struct wm_page opg = {.limit = 500, .kind = "office"};
        json_t *offices = wm_org_list(r->db, &r->actor, &opg, NULL);
        wm_h(&b, "<form method=\"post\" action=\"/frameworks/%I/default\" class=\"row\">",
             r->ids[0]);
        ui_csrf(r, &b);
        wm_h(&b, "<label>%s<select name=\"office_id\">", _("设为辖区默认测评体系：文明办"));
        size_t k;
        json_t *o;
        json_array_foreach(offices, k, o)
        {
            wm_h(&b, "<option value=\"%I\"%r>%s</option>", (int64_t)json_integer_value(json_object_get(o, "id")),
                 json_integer_value(json_object_get(o, "id")) == r->who->org_id ? " selected" : "",
                 js(o, "name"));
        }
        time_t now = (time_t)(wm_now() + 8 * 3600);
        struct tm tm;
        gmtime_r(&now, &tm);
        wm_h(&b, "</select></label><label>%s<input name=\"year\" type=\"number\" min=\"1990\" "
                 "max=\"2100\" value=\"%d\" required></label><button type=\"submit\" "
                 "class=\"secondary\">%s</button></form>",
             _("年度"), tm.tm_year + 1900, _("设为默认"));
        json_decref(offices);
    }
    /* Diff with another readable edition of the same framework. */
    struct wm_page pg = {.limit = 200};
    json_t *others = wm_edition_list(r->db, &r->actor, &pg, NULL);
    bool any = false;
    size_t i;
    json_t *o;
    json_array_foreach(others, i, o)
    {
        if (ji(o, "framework_id") != ji(ed, "framework_id") || ji(o, "id") == r->ids[0]) {
            continue;
        }
        if (!any) {
            wm_h(&b, "<form method=\"get\" action=\"/frameworks/%I/diff\" class=\"row\">"
                     "<label>%s<select name=\"to\">",
                 r->ids[0], _("与其他版本比较"));
            any = true;
        }
        wm_h(&b, "<option value=\"%I\">%s（%s）</option>", ji(o, "id"), js(o, "version"),
             status_label(js(o, "status")));
    }
    if (any) {
        wm_h(&b, "</select></label><button type=\"submit\" class=\"secondary\">%s</button></form>",
             _("比较"));
    }
    json_decref(others);
    wm_h(&b, "</section>\n<form method=\"get\" class=\"row filter\" role=\"search\">"
             "<label>%s<input type=\"search\" name=\"q\" id=\"fwfilter\" value=\"%s\" "
             "placeholder=\"%s\"></label><button type=\"submit\">%s</button>"
             "<button type=\"button\" class=\"secondary\" data-fold=\"close\">%s</button>"
             "<button type=\"button\" class=\"secondary\" data-fold=\"open\">%s</button></form>\n",
         _("查找指标"), q ? q : "", _("按编码、名称、内容或材料查找"), _("查找"), _("全部折叠"),
         _("全部展开"));
    render_tree(&b, fw, q);
    wm_fw_free(fw);
    json_decref(ed);
    ui_end(r, &b, 200);
}

void
page_framework_default_post(struct wm_req *r)
{
    struct wm_fail f = {0};
    int64_t office = 0, year = 0;
    char *to = wm_asprintf("/frameworks/%lld", (long long)r->ids[0]);
    const char *o = wm_form(r, "office_id"), *y = wm_form(r, "year");
    if (!o || !y || !wm_parse_i64(o, 1, INT64_MAX, &office) || !wm_parse_i64(y, 1990, 2100, &year)) {
        ui_redirect_msg(r, to, "err", _("请选择文明办并填写年度"));
    } else {
        ui_done(r, wm_archive_set_default(r->db, &r->actor, office, year, r->ids[0], &f), &f, to,
                _("已设为该辖区该年度新建档案的默认测评体系"));
    }
    free(to);
}

void
page_framework_publish_post(struct wm_req *r)
{
    struct wm_fail f = {0};
    char *to = wm_asprintf("/frameworks/%lld", (long long)r->ids[0]);
    ui_done(r, wm_edition_publish(r->db, &r->actor, r->ids[0], &f), &f, to, _("已发布"));
    free(to);
}

void
page_framework_delete_post(struct wm_req *r)
{
    struct wm_fail f = {0};
    if (WM_OK != wm_edition_delete(r->db, &r->actor, r->ids[0], &f)) {
        ui_fail(r, &f);
        return;
    }
    ui_redirect_msg(r, "/frameworks", "ok", _("草稿已删除"));
}

static void
diff_list(struct wm_buf *b, json_t *items, const char *title, const char *cls)
{
    wm_h(b, "<section class=\"card %s\"><h2>%s（%u）</h2>", cls, title,
         (unsigned)json_array_size(items));
    if (0 == json_array_size(items)) {
        wm_h(b, "<p class=\"hint\">%s</p></section>\n", _("无"));
        return;
    }
    wm_h(b, "<ul>");
    size_t i;
    json_t *x;
    json_array_foreach(items, i, x)
    {
        wm_h(b, "<li><code>%s</code> %s", js(x, "code"), js(x, "title"));
        json_t *fields = json_object_get(x, "fields");
        if (json_is_array(fields) && json_array_size(fields)) {
            wm_h(b, " <span class=\"hint\">（");
            size_t k;
            json_t *fl;
            json_array_foreach(fields, k, fl)
            {
                wm_h(b, "%s%s", k ? "、" : "", json_is_string(fl) ? json_string_value(fl) : js(fl, "field"));
            }
            wm_h(b, "）</span>");
        }
        wm_h(b, "</li>");
    }
    wm_h(b, "</ul></section>\n");
}

void
page_framework_diff_get(struct wm_req *r)
{
    const char *to = wm_req_arg(r, "to");
    int64_t other;
    if (NULL == to || !wm_parse_i64(to, 1, INT64_MAX, &other)) {
        wm_reply_err(r, WM_E_BAD_REQUEST, "to", _("请选择要比较的版本"));
        return;
    }
    struct wm_fail f = {0};
    json_t *d = wm_editions_diff(r, r->ids[0], other, &f);
    json_t *a = d ? wm_edition_get_scoped(r->db, &r->actor, r->ids[0], false, &f) : NULL;
    json_t *bb = a ? wm_edition_get_scoped(r->db, &r->actor, other, false, &f) : NULL;
    if (NULL == bb) {
        json_decref(a);
        json_decref(d);
        wm_reply_fail(r, &f);
        return;
    }
    struct wm_buf b = {0};
    char *title = wm_asprintf("%s：%s → %s", js(a, "name"), js(a, "version"), js(bb, "version"));
    struct wm_buf c = {0};
    ui_crumb(&c, "<a href=\"/frameworks\">%s</a>", _("测评体系"));
    ui_crumb(&c, "<a href=\"/frameworks/%I\">%s（%s）</a>", r->ids[0], js(a, "name"),
             js(a, "version"));
    ui_begin_at(r, &b, title, &c);
    wm_buf_free(&c);
    free(title);
    diff_list(&b, json_object_get(d, "added"), _("新增的测评内容"), "added");
    diff_list(&b, json_object_get(d, "removed"), _("删除的测评内容"), "removed");
    diff_list(&b, json_object_get(d, "changed"), _("修改的测评内容"), "changed");
    wm_h(&b, "<p><a href=\"/frameworks/%I\">%s</a></p>", r->ids[0], _("返回"));
    json_decref(a);
    json_decref(bb);
    json_decref(d);
    ui_end(r, &b, 200);
}

/* end of page_frameworks.c */
