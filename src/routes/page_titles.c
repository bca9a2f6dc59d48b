/*
** page_titles.c — the title register's page (/titles, issue 10).  An office sees the
** titles of the units in its jurisdiction with filters, state badges, a state change per
** title (with its reason), a form to register one, the import of a CSV/XLSX register
** (its per-row report shown here when a row is wrong: nothing is imported then) and the
** XLSX export of the filtered list; a unit's accounts see their own unit's titles.
*/
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "handlers.h"
#include "wm_table.h"

/* The query string of the list's filters (for the export link and the pager). */
static void
filter_query(struct wm_req *r, struct wm_buf *q)
{
    static const char *const keep[] = { "unit",     "level", "state", "until_from",
                                        "until_to", "q",     NULL };
    for (int i = 0; keep[i]; i++) {
        const char *v = wm_req_arg(r, keep[i]);
        if (v && *v) {
            wm_buf_printf(q, "%s%s=", q->len ? "&" : "", keep[i]);
            wm_url_encode(q, v);
        }
    }
}

static void
import_form(struct wm_req *r, struct wm_buf *b, bool open)
{
    wm_h(b,
         "<details class=\"card\" id=\"import\"%r><summary>%s</summary>"
         "<p class=\"hint\">%s</p>"
         "<form method=\"post\" action=\"/titles/import\" enctype=\"multipart/form-data\" "
         "class=\"row\">",
         open ? " open" : "", _("导入已有称号（XLSX 或 CSV）"),
         _("表头：单位代码（或单位名称）、称号、级别、授予文件、授予日期、有效期至、状态、备注。"
           "日期可写 2021-03-05、2021/3/5 或 2021年3月5日，也可以是 Excel 的日期单元格。"
           "任何一行有错误时，整个文件都不会导入。"));
    ui_csrf(r, b);
    wm_h(b,
         "<label>%s<input type=\"file\" name=\"file\" required accept=\".xlsx,.csv\"></label>"
         "<label class=\"check\"><input type=\"checkbox\" name=\"dry_run\" value=\"1\">%s</label>"
         "<button type=\"submit\">%s</button></form></details>\n",
         _("文件"), _("只检查，不导入"), _("导入"));
}

static void
add_form(struct wm_req *r, struct wm_buf *b)
{
    wm_h(b,
         "<details class=\"card\" id=\"add\"><summary>%s</summary>"
         "<form method=\"post\" action=\"/titles\" class=\"grid\">",
         _("登记称号"));
    ui_csrf(r, b);
    wm_h(b,
         "<label>%s<input name=\"unit_code\" required maxlength=\"64\"></label>"
         "<label>%s<input name=\"title\" required maxlength=\"100\" placeholder=\"%s\"></label>"
         "<label>%s<input name=\"level\" required maxlength=\"20\" list=\"title-levels\">"
         "</label><datalist id=\"title-levels\">",
         _("单位代码"), _("称号"), _("第十四届市级文明单位"), _("级别"));
    for (int i = 0; wm_title_levels[i]; i++) {
        wm_h(b, "<option value=\"%s\"></option>", wm_title_levels[i]);
    }
    wm_h(b,
         "</datalist><label>%s<input name=\"award_doc\" maxlength=\"100\" placeholder=\"%s\">"
         "</label><label>%s<input type=\"date\" name=\"awarded_on\" required></label>"
         "<label>%s<input type=\"date\" name=\"valid_until\"></label>"
         "<label class=\"wide\">%s<input name=\"note\" maxlength=\"500\"></label>"
         "<button type=\"submit\">%s</button></form></details>\n",
         _("授予文件"), _("某文明委〔2021〕3号"), _("授予日期"), _("有效期至"), _("备注"),
         _("登记"));
}

/* The per-row report of an import that found errors (or of a dry run). */
static void
import_report(struct wm_buf *b, const json_t *report)
{
    const json_t *errors = json_object_get(report, "errors");
    if (json_is_true(json_object_get(report, "dry_run")) && 0 == json_array_size(errors)) {
        wm_h(b, "<p class=\"flash ok\">%s</p>", _("检查完成：文件中没有错误（未导入）。"));
        return;
    }
    wm_h(b,
         "<section class=\"card\" id=\"report\"><p class=\"flash err\">%s</p>"
         "<table><thead><tr><th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>",
         _("文件中有错误，没有导入任何称号。请修改下列各行后重新上传。"), _("行"), _("列"),
         _("原因"));
    size_t i;
    json_t *x;
    json_array_foreach(errors, i, x)
    {
        ui_import_error(b, x, "column");
    }
    wm_h(b, "</tbody></table></section>\n");
}

static void
render(struct wm_req *r, const json_t *report, unsigned status)
{
    struct wm_title_query q;
    if (!wm_req_title_query(r, &q)) {
        return;
    }
    struct wm_fail f = { 0 };
    json_t *rows = wm_title_list(r->db, &r->actor, &q, &f);
    if (NULL == rows) {
        ui_fail(r, &f);
        return;
    }
    bool staff = wm_actor_is(&r->actor, WM_ROLES_STAFF);
    struct wm_buf b = { 0 }, fq = { 0 };
    filter_query(r, &fq);
    ui_begin(r, &b, _("文明称号"));
    ui_flash(r, &b);
    if (report) {
        import_report(&b, report);
    }
    wm_h(&b, "<p class=\"actions\">");
    if (staff) {
        wm_h(&b,
             "<a class=\"button\" href=\"#add\">%s</a> <a class=\"button secondary\" "
             "href=\"#import\">%s</a> ",
             _("登记称号"), _("导入已有称号"));
    }
    wm_h(&b, "<a class=\"button secondary\" href=\"/api/v1/titles.xlsx%s%s\">%s</a></p>\n",
         fq.len ? "?" : "", wm_buf_str(&fq), _("导出 XLSX"));
    char day[WM_DAY_LEN];
    wm_day_format(wm_day_today(), day);
    wm_h(&b, "<form method=\"get\" action=\"/titles\" class=\"row filter\">");
    if (q.unit_id) {
        wm_h(&b, "<input type=\"hidden\" name=\"unit\" value=\"%I\">", q.unit_id);
    }
    const char *st = wm_req_arg(r, "state");
    wm_h(&b,
         "<label>%s<input type=\"search\" name=\"q\" value=\"%s\" placeholder=\"%s\"></label>"
         "<label>%s<input name=\"level\" value=\"%s\" list=\"title-levels-f\"></label>"
         "<datalist id=\"title-levels-f\">",
         _("搜索"), q.q ? q.q : "", _("单位、称号或文号"), _("级别"), q.level ? q.level : "");
    for (int i = 0; wm_title_levels[i]; i++) {
        wm_h(&b, "<option value=\"%s\"></option>", wm_title_levels[i]);
    }
    wm_h(&b, "</datalist><label>%s<select name=\"state\"><option value=\"\">%s</option>", _("状态"),
         _("全部"));
    static const char *const states[] = { "kept", "revoked", "expired", NULL };
    for (int i = 0; states[i]; i++) {
        wm_h(&b, "<option value=\"%s\"%r>%s</option>", states[i],
             wm_streq(st, states[i]) ? " selected" : "", wm_title_state_label(states[i]));
    }
    wm_h(&b,
         "</select></label><label>%s<input type=\"date\" name=\"until_from\" value=\"%s\">"
         "</label><label>%s<input type=\"date\" name=\"until_to\" value=\"%s\"></label>"
         "<button type=\"submit\">%s</button></form>\n",
         _("有效期至（起）"), q.until_from ? q.until_from : "", _("有效期至（止）"),
         q.until_to ? q.until_to : "", _("筛选"));
    wm_h(&b,
         "<table class=\"cards\"><thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th>"
         "<th>%s</th><th>%s</th><th>%s</th>%r</tr></thead><tbody>",
         _("单位"), _("称号"), _("级别"), _("授予文件"), _("授予日期"), _("有效期至"), _("状态"),
         staff ? "<th></th>" : "");
    size_t i;
    json_t *t;
    json_array_foreach(rows, i, t)
    {
        wm_h(&b,
             "<tr id=\"title-%I\"><td><a href=\"/units/%I\">%s</a></td>"
             "<td data-label=\"%s\">%s</td><td data-label=\"%s\">%s</td>"
             "<td data-label=\"%s\">%s</td><td data-label=\"%s\">%s</td>"
             "<td data-label=\"%s\">%s</td><td data-label=\"%s\">",
             ji(t, "id"), ji(t, "unit_id"), js(t, "unit_name"), _("称号"), js(t, "title"),
             _("级别"), js(t, "level"), _("授予文件"), js(t, "award_doc"), _("授予日期"),
             js(t, "awarded_on"), _("有效期至"), js(t, "valid_until"), _("状态"));
        ui_title_state(&b, js(t, "state"));
        if (*js(t, "reason") && !wm_streq(js(t, "state"), "kept")) {
            wm_h(&b, " <span class=\"hint\">%s</span>", js(t, "reason"));
        }
        wm_h(&b, "</td>");
        if (staff) {
            wm_h(&b,
                 "<td><details><summary>%s</summary><form method=\"post\" "
                 "action=\"/titles/%I/state\" class=\"row\">",
                 _("变更状态"), ji(t, "id"));
            ui_csrf(r, &b);
            wm_h(&b, "<label>%s<select name=\"state\">", _("新状态"));
            /* 保留 is not offered for a title whose valid_until passed (it would be refused) */
            bool lapsed = *js(t, "valid_until") && strcmp(js(t, "valid_until"), day) < 0;
            for (int k = 0; states[k]; k++) {
                if (!wm_streq(states[k], js(t, "state")) &&
                    !(lapsed && wm_streq(states[k], "kept"))) {
                    wm_h(&b, "<option value=\"%s\">%s</option>", states[k],
                         wm_title_state_label(states[k]));
                }
            }
            wm_h(&b,
                 "</select></label><label>%s<input name=\"reason\" required "
                 "maxlength=\"500\"></label><button type=\"submit\">%s</button></form>"
                 "</details></td>",
                 _("原因"), _("确定"));
        }
        wm_h(&b, "</tr>\n");
    }
    if (0 == json_array_size(rows)) {
        wm_h(&b, "<tr><td colspan=\"%d\" class=\"empty\">%s</td></tr>", staff ? 8 : 7,
             staff ? _("没有符合条件的称号。可以登记称号，或导入已有的称号名册。")
                   : _("还没有登记文明称号。"));
    }
    wm_h(&b, "</tbody></table>\n");
    if (json_array_size(rows) == q.limit) {
        wm_h(&b, "<p class=\"pager\"><a href=\"/titles?offset=%u%s%s\">%s →</a></p>\n",
             q.offset + q.limit, fq.len ? "&" : "", wm_buf_str(&fq), _("下一页"));
    }
    if (staff) {
        add_form(r, &b);
        import_form(r, &b, NULL != report);
    }
    wm_buf_free(&fq);
    json_decref(rows);
    ui_end(r, &b, status);
}

void
page_titles_get(struct wm_req *r)
{
    render(r, NULL, 200);
}

void
page_titles_post(struct wm_req *r)
{
    struct wm_title_in in = { .unit_code = wm_form(r, "unit_code"),
                              .title = wm_form(r, "title"),
                              .level = wm_form(r, "level"),
                              .award_doc = wm_form(r, "award_doc"),
                              .awarded_on = wm_form(r, "awarded_on"),
                              .valid_until = wm_form(r, "valid_until"),
                              .note = wm_form(r, "note") };
    struct wm_fail f = { 0 };
    int64_t id = 0;
    enum wm_err e = wm_title_add(r->db, &r->actor, &in, &id, &f);
    if (WM_E_NOT_FOUND == e) { /* a code typed wrong: back to the form with why */
        e = WM_E_BAD_REQUEST;
    }
    ui_done(r, e, &f, "/titles", _("称号已登记"));
}

void
page_titles_import_post(struct wm_req *r)
{
    struct wm_table *t = NULL;
    struct wm_fail f = { 0 };
    json_t *report = NULL;
    if (!wm_req_title_table(r, &t)) {
        return;
    }
    bool dry = NULL != wm_form(r, "dry_run");
    enum wm_err e = wm_title_import(r->db, &r->actor, t, 0, dry, &report, &f);
    wm_table_free(t);
    if (WM_OK != e) {
        ui_done(r, e, &f, "/titles", NULL);
        return;
    }
    if (json_is_true(json_object_get(report, "committed"))) {
        char *msg = ji(report, "repeated") > 0
                        ? wm_asprintf(_("已导入 %lld 条称号（另有 %lld 条与前面工作表中的相同，只计一次）。"),
                                      (long long)ji(report, "imported"),
                                      (long long)ji(report, "repeated"))
                        : wm_asprintf(_("已导入 %lld 条称号。"), (long long)ji(report, "imported"));
        ui_redirect_msg(r, "/titles", "ok", msg);
        free(msg);
    } else {
        render(r, report, json_array_size(json_object_get(report, "errors")) ? 400 : 200);
    }
    json_decref(report);
}

void
page_title_state_post(struct wm_req *r)
{
    struct wm_fail f = { 0 };
    enum wm_err e = wm_title_set_state(r->db, &r->actor, r->ids[0], wm_form(r, "state"),
                                       wm_form(r, "reason"), &f);
    ui_done(r, e, &f, "/titles", _("称号状态已变更"));
}

/* end of page_titles.c */
