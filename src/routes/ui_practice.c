/*
** ui_practice.c — the 经验交流 page (good practice, issue 9): the featured items in the
** caller's sight with filters (indicator, unit type, category), each with its thumbnail,
** a preview and a download of the featured version; for office staff checkboxes and a
** title to build a 经验交流汇编 (a job: its progress on /jobs/{id}), withdrawing an item, and
** editing an item's note and category, the list of compilations with their downloads.  Also the "设为经验做法" form of the
** document page (ui_practice_doc_form) and its action.  The rules are src/core/practice.c's.
*/
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "handlers.h"

static const char *
state_label(const char *s)
{
    return wm_streq(s, "done")      ? _("已生成")
           : wm_streq(s, "failed")  ? _("生成失败")
           : wm_streq(s, "running") ? _("正在生成")
                                    : _("排队中");
}

/* The filter form (GET). */
static void
filters(struct wm_req *r, struct wm_buf *b, const struct wm_practice_query *q)
{
    wm_h(b, "<section class=\"card\"><form method=\"get\" action=\"/practice\" class=\"row\">"
            "<label>%s<input name=\"indicator\" value=\"%s\" maxlength=\"60\" "
            "placeholder=\"%s\"></label><label>%s<select name=\"unit_type\"><option value=\"\">%s"
            "</option>",
         _("测评指标"), q->indicator ? q->indicator : "", _("如 1.2.3 或 1.2."), _("单位类型"),
         _("全部"));
    for (size_t i = 0; wm_unit_types[i]; i++) {
        wm_h(b, "<option%r>%s</option>",
             q->unit_type && wm_streq(q->unit_type, wm_unit_types[i]) ? " selected" : "",
             wm_unit_types[i]);
    }
    wm_h(b, "</select></label><label>%s<input name=\"category\" value=\"%s\" maxlength=\"40\">"
            "</label><button type=\"submit\" class=\"secondary\">%s</button></form></section>\n",
         _("类别"), q->category ? q->category : "", _("筛选"));
    (void)r;
}

static void
item_row(struct wm_req *r, struct wm_buf *b, const json_t *it, bool staff)
{
    int64_t id = ji(it, "id");
    wm_h(b, "<tr id=\"item-%I\">", id);
    if (staff) {
        /* the checkbox belongs to the compile form below the table (forms do not nest) */
        wm_h(b, "<td data-label=\"%s\"><input type=\"checkbox\" name=\"item-%I\" value=\"1\" "
                "form=\"compile\" aria-label=\"%s\"></td>",
             _("选择"), id, js(it, "title"));
    }
    wm_h(b, "<td data-label=\"%s\"><img src=\"/api/v1/practice/%I/thumbnail\" alt=\"\" "
            "width=\"80\" loading=\"lazy\"></td><td data-label=\"%s\"><strong>%s</strong>"
            "<br><span class=\"hint\">%s · %s</span></td><td data-label=\"%s\">%s %s</td>"
            "<td data-label=\"%s\">%s</td><td data-label=\"%s\">%s</td>"
            "<td data-label=\"%s\">%s<br><span class=\"hint\">",
         _("预览"), id, _("题名"), js(it, "title"), js(it, "unit_name"), js(it, "unit_type"),
         _("测评指标"), js(it, "indicator_code"), js(it, "indicator_title"), _("类别"),
         js(it, "category"), _("推荐说明"), js(it, "note"), _("推荐单位"), js(it, "office_name"));
    ui_time(b, ji(it, "at"));
    wm_h(b, "</span></td><td data-label=\"%s\"><a href=\"/api/v1/practice/%I/content?inline=1\">"
            "%s</a> · <a href=\"/api/v1/practice/%I/content\">%s</a>",
         _("操作"), id, _("预览"), id, _("下载"));
    if (staff && wm_practice_may_manage(&r->actor, it)) {
        wm_h(b, "<details><summary>%s</summary><form method=\"post\" action=\"/practice/%I\">",
             _("修改"), id);
        ui_csrf(r, b);
        wm_h(b, "<label>%s<input name=\"category\" value=\"%s\" maxlength=\"40\" required>"
                "</label><label>%s<textarea name=\"note\" rows=\"3\" maxlength=\"2000\" required>"
                "%s</textarea></label><button type=\"submit\" class=\"secondary\">%s</button>"
                "</form></details><form method=\"post\" action=\"/practice/%I/withdraw\" "
                "data-confirm=\"%s\">",
             _("类别"), js(it, "category"), _("推荐说明"), js(it, "note"), _("保存"), id,
             _("确定撤下这项经验做法？"));
        ui_csrf(r, b);
        wm_h(b, "<button type=\"submit\" class=\"danger\">%s</button></form>", _("撤下"));
    }
    wm_h(b, "</td></tr>");
}

static void
compilations(struct wm_req *r, struct wm_buf *b)
{
    struct wm_fail f = {0};
    json_t *list = wm_compilation_list(r->db, &r->actor, &f);
    if (NULL == list) {
        wm_h(b, "<p class=\"flash err\">%s</p>", f.msg);
        return;
    }
    wm_h(b, "<section class=\"card\"><h2>%s</h2>", _("经验交流汇编"));
    if (0 == json_array_size(list)) {
        wm_h(b, "<p class=\"hint\">%s</p>", _("还没有汇编。"));
    } else {
        wm_h(b, "<table class=\"cards\"><thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th>"
                "<th>%s</th></tr></thead><tbody>",
             _("标题"), _("编制单位"), _("收录"), _("状态"), _("编制时间"));
        size_t i;
        json_t *c;
        json_array_foreach(list, i, c)
        {
            wm_h(b, "<tr><td data-label=\"%s\">", _("标题"));
            if (wm_streq(js(c, "state"), "done")) {
                wm_h(b, "<a href=\"/api/v1/practice/compilations/%I/download\">%s</a>",
                     ji(c, "id"), js(c, "title"));
            } else {
                wm_h(b, "%s", js(c, "title"));
            }
            wm_h(b, "</td><td data-label=\"%s\">%s</td><td data-label=\"%s\">%I %s</td>"
                    "<td data-label=\"%s\">",
                 _("编制单位"), js(c, "office_name"), _("收录"), ji(c, "items"), _("项"),
                 _("状态"));
            if (ji(c, "job_id")) {
                wm_h(b, "<a href=\"/jobs/%I\">%s</a>", ji(c, "job_id"), state_label(js(c, "state")));
            } else {
                wm_h(b, "%s", state_label(js(c, "state")));
            }
            wm_h(b, "</td><td data-label=\"%s\">", _("编制时间"));
            ui_time(b, ji(c, "at"));
            wm_h(b, "</td></tr>");
        }
        wm_h(b, "</tbody></table>");
    }
    wm_h(b, "</section>\n");
    json_decref(list);
}

void
page_practice_get(struct wm_req *r)
{
    struct wm_practice_query q = {
        .indicator = wm_req_arg(r, "indicator"),
        .unit_type = wm_req_arg(r, "unit_type"),
        .category = wm_req_arg(r, "category"),
        .limit = 200,
    };
    struct wm_fail f = {0};
    json_t *items = wm_practice_list(r->db, &r->actor, &q, &f);
    if (NULL == items) {
        ui_fail(r, &f);
        return;
    }
    bool staff = wm_actor_is(&r->actor, WM_ROLES_STAFF);
    struct wm_buf b = {0};
    ui_begin(r, &b, _("经验交流"));
    ui_flash(r, &b);
    wm_h(&b, "<p class=\"hint\">%s</p>",
         _("文明办从审核通过的材料中选出的经验做法，供辖区内各单位学习借鉴（只读）。"));
    filters(r, &b, &q);
    wm_h(&b, "<section class=\"card\"><h2>%s</h2>", _("经验做法"));
    if (0 == json_array_size(items)) {
        wm_h(&b, "<p class=\"hint\">%s</p>", _("没有符合条件的经验做法。"));
    } else {
        wm_h(&b, "<table class=\"cards\"><thead><tr>%r<th>%s</th><th>%s</th><th>%s</th>"
                 "<th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>",
             staff ? "<th></th>" : "", _("预览"), _("题名"), _("测评指标"), _("类别"),
             _("推荐说明"), _("推荐单位"), _("操作"));
        size_t i;
        json_t *it;
        json_array_foreach(items, i, it)
        {
            item_row(r, &b, it, staff);
        }
        wm_h(&b, "</tbody></table>");
        if (staff) {
            wm_h(&b, "<form method=\"post\" action=\"/practice/compilations\" id=\"compile\" "
                     "class=\"row\">");
            ui_csrf(r, &b);
            wm_h(&b, "<label>%s<input name=\"title\" maxlength=\"100\" required "
                     "placeholder=\"%s\"></label><button type=\"submit\">%s</button></form>",
                 _("汇编标题"), _("如：2026年经验交流汇编"), _("用选中的经验做法编制汇编"));
        }
    }
    wm_h(&b, "</section>\n");
    json_decref(items);
    compilations(r, &b);
    ui_end(r, &b, 200);
}

/* The form's checked items ("item-<id>"), in id order; *n how many (caller frees). */
static int64_t *
checked_items(struct wm_req *r, size_t *n)
{
    size_t cap = json_object_size(r->form), k = 0;
    int64_t *ids = wm_calloc(cap ? cap : 1, sizeof *ids);
    const char *key;
    json_t *v;
    json_object_foreach(r->form, key, v)
    {
        int64_t id;
        if (wm_startswith(key, "item-") && wm_parse_i64(key + 5, 1, INT64_MAX, &id)) {
            size_t j = k++;
            for (; j > 0 && ids[j - 1] > id; j--) {
                ids[j] = ids[j - 1];
            }
            ids[j] = id;
        }
    }
    *n = k;
    return ids;
}

void
page_practice_compile_post(struct wm_req *r)
{
    size_t n = 0;
    int64_t *ids = checked_items(r, &n);
    struct wm_fail f = {0};
    int64_t id = 0, job = 0;
    enum wm_err e = wm_compilation_create(r->db, &r->actor, wm_form(r, "title"), ids, n, &id,
                                          &job, &f);
    free(ids);
    if (WM_OK != e) {
        ui_done(r, e, &f, "/practice", NULL);
        return;
    }
    char *to = wm_asprintf("/jobs/%lld", (long long)job);
    ui_redirect_msg(r, to, "ok", _("汇编已开始生成"));
    free(to);
}

void
page_practice_item_post(struct wm_req *r)
{
    struct wm_fail f = {0};
    enum wm_err e = wm_practice_update(r->db, &r->actor, r->ids[0], wm_form(r, "note"),
                                       wm_form(r, "category"), &f);
    ui_done(r, e, &f, "/practice", _("已保存"));
}

void
page_practice_withdraw_post(struct wm_req *r)
{
    struct wm_fail f = {0};
    enum wm_err e = wm_practice_withdraw(r->db, &r->actor, r->ids[0], &f);
    ui_done(r, e, &f, "/practice", _("已撤下"));
}

void
page_document_feature_post(struct wm_req *r)
{
    struct wm_fail f = {0};
    int64_t id = 0;
    enum wm_err e = wm_practice_feature(r->db, &r->actor, r->ids[0], wm_form(r, "note"),
                                        wm_form(r, "category"), &id, &f);
    char *to = wm_asprintf("/documents/%lld", (long long)r->ids[0]);
    ui_done(r, e, &f, to, _("已设为经验做法，辖区内各单位可在“经验交流”中查看"));
    free(to);
}

void
ui_practice_doc_form(struct wm_req *r, struct wm_buf *b, const json_t *doc)
{
    if (!wm_actor_is(&r->actor, WM_ROLES_STAFF) ||
        json_is_integer(json_object_get(doc, "deleted_at"))) {
        return;
    }
    struct wm_practice_query q = {.document_id = ji(doc, "id"), .limit = 1};
    json_t *l = wm_practice_list(r->db, &r->actor, &q, NULL);
    const json_t *it = json_array_get(l, 0);
    if (it) {
        wm_h(b, "<section class=\"card\"><h2>%s</h2><p>%s <a href=\"/practice#item-%I\">%s</a>"
                "</p><p class=\"hint\">%s：%s</p></section>\n",
             _("经验做法"), _("该文件已被设为经验做法。"), ji(it, "id"), _("在经验交流中查看"),
             _("推荐说明"), js(it, "note"));
    } else if (wm_streq(js(doc, "status"), "approved")) {
        wm_h(b, "<section class=\"card\"><h2>%s</h2><form method=\"post\" "
                "action=\"/documents/%I/feature\" class=\"grid\">",
             _("设为经验做法"), ji(doc, "id"));
        ui_csrf(r, b);
        wm_h(b, "<label>%s<input name=\"category\" maxlength=\"40\" required "
                "placeholder=\"%s\"></label><label class=\"wide\">%s<textarea name=\"note\" "
                "rows=\"3\" maxlength=\"2000\" required></textarea></label>"
                "<button type=\"submit\">%s</button></form></section>\n",
             _("类别"), _("如：志愿服务、阅读推广"), _("推荐说明"), _("设为经验做法"));
    }
    json_decref(l);
}

/* end of ui_practice.c */
