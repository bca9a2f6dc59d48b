/*
** page_work_rect.c — the creation work's pages (issue 12) of the rectification loop (整改项,
** 四心质量环 精心改进):
**   /rectifications        the items the caller sees, filtered by state, source, department,
**                          year and overdue; for the unit's leadership (unit_admin) the form
**                          of its own archive check (自查) and the unit's returned documents,
**                          each with a button that opens an item from the office's comment
**   /rectifications/{id}   one item: the problem, the measures, the evidence, the history of
**                          its states and the forms of the next steps the caller may take
** Every page works without JavaScript.  The rules are src/core/work_rect.c's.
*/
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "handlers.h"

static const char *const states[] = { "open", "done", "verified", "closed", NULL };
static const char *const sources[] = { "evaluation", "inspection", "review", "self_check", NULL };

/* ---------------------------------------------------------------- small parts */

/* A form's integer field: 0 when absent or empty, -1 when not a number. */
static int64_t
form_int(struct wm_req *r, const char *name)
{
    const char *v = wm_form(r, name);
    char *end = NULL;
    long long n = v && *v ? strtoll(v, &end, 10) : 0;
    return (end && *end) || n < 0 ? -1 : n;
}

static bool
is_unit_admin(const struct wm_req *r)
{
    return r->actor.p && WM_ROLE_UNIT_ADMIN == r->actor.p->role;
}

/* The caller's unit (with "depts") when it is a unit account, else NULL. */
static json_t *
own_unit(struct wm_req *r)
{
    if (!wm_actor_is(&r->actor, WM_ROLES_UNIT)) {
        return NULL;
    }
    return wm_unit_get_scoped(r->db, &r->actor, r->actor.p->org_id, NULL);
}

static void
dept_select(struct wm_buf *b, const json_t *unit, int64_t cur, const char *none)
{
    wm_h(b, "<select name=\"dept_id\"><option value=\"0\">%s</option>", none);
    size_t i;
    json_t *d;
    json_array_foreach(json_object_get(unit, "depts"), i, d)
    {
        wm_h(b, "<option value=\"%I\"%r>%s</option>", ji(d, "id"),
             ji(d, "id") == cur ? " selected" : "", js(d, "name"));
    }
    wm_h(b, "</select>");
}

static void
choice_select(struct wm_buf *b, const char *name, const char *const *values,
              const char *(*label)(const char *), const char *cur)
{
    wm_h(b, "<select name=\"%s\"><option value=\"\">%s</option>", name, _("全部"));
    for (size_t i = 0; values[i]; i++) {
        wm_h(b, "<option value=\"%s\"%r>%s</option>", values[i],
             cur && wm_streq(cur, values[i]) ? " selected" : "", label(values[i]));
    }
    wm_h(b, "</select>");
}

/* The state as a badge, with 已逾期 for an open item past its due day. */
static void
state_mark(struct wm_buf *b, const json_t *o)
{
    wm_h(b, "<span class=\"badge rect-%s\">%s</span>", js(o, "state"),
         wm_rect_state_label(js(o, "state")));
    if (wm_rect_overdue(o, wm_day_today())) {
        wm_h(b, " <span class=\"badge overdue\">%s</span>", _("已逾期"));
    }
}

/* ---------------------------------------------------------------- /rectifications */

/* The filters of the list from the query; false when a 400 was queued. */
static bool
list_query(struct wm_req *r, struct wm_rect_query *q)
{
    int64_t overdue = 0;
    *q = (struct wm_rect_query){ .state = wm_req_arg(r, "state"),
                                 .source = wm_req_arg(r, "source") };
    if (!wm_req_window(r, 50, &q->limit, &q->offset) ||
        !wm_req_int(r, "dept_id", 0, INT64_MAX, &q->dept_id) ||
        !wm_req_int(r, "unit_id", 0, INT64_MAX, &q->unit_id) ||
        !wm_req_int(r, "year", 0, 2100, &q->year) || !wm_req_int(r, "overdue", 0, 1, &overdue)) {
        return false;
    }
    q->overdue = 1 == overdue;
    return true;
}

static void
list_filter(struct wm_buf *b, const struct wm_rect_query *q, const json_t *unit)
{
    wm_h(b, "<form method=\"get\" action=\"/rectifications\" class=\"row filter\"><label>%s",
         _("状态"));
    choice_select(b, "state", states, wm_rect_state_label, q->state);
    wm_h(b, "</label><label>%s", _("来源"));
    choice_select(b, "source", sources, ui_rect_source_label, q->source);
    wm_h(b, "</label>");
    if (unit) {
        wm_h(b, "<label>%s", _("责任科室"));
        dept_select(b, unit, q->dept_id, _("全部"));
        wm_h(b, "</label>");
    }
    if (q->unit_id > 0) { /* an office's drill-down from a unit's creation work */
        wm_h(b, "<input type=\"hidden\" name=\"unit_id\" value=\"%I\">", q->unit_id);
    }
    char year[24] = "";
    if (q->year) {
        snprintf(year, sizeof year, "%lld", (long long)q->year);
    }
    wm_h(b,
         "<label>%s<input name=\"year\" type=\"number\" min=\"2000\" max=\"2100\" value=\"%s\">"
         "</label><label class=\"check\"><input type=\"checkbox\" name=\"overdue\" value=\"1\"%r>"
         "%s</label><button type=\"submit\" class=\"secondary\">%s</button></form>\n",
         _("年度"), year, q->overdue ? " checked" : "", _("仅看逾期"), _("筛选"));
}

static void
list_table(struct wm_buf *b, const json_t *l)
{
    wm_h(b,
         "<table class=\"cards\" id=\"rectifications\"><thead><tr><th>%s</th><th>%s</th>"
         "<th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>",
         _("单位"), _("年度"), _("来源"), _("指标"), _("问题"), _("责任科室"), _("整改期限"),
         _("状态"));
    size_t i;
    json_t *o;
    json_array_foreach(l, i, o)
    {
        wm_h(b,
             "<tr data-id=\"%I\"><td data-label=\"%s\">%s</td><td data-label=\"%s\">%I</td>"
             "<td data-label=\"%s\">%s</td><td data-label=\"%s\">%s</td>"
             "<td data-label=\"%s\"><a href=\"/rectifications/%I\">%s</a></td>"
             "<td data-label=\"%s\">%s</td><td data-label=\"%s\">%s</td><td data-label=\"%s\">",
             ji(o, "id"), _("单位"), js(o, "unit_name"), _("年度"), ji(o, "year"), _("来源"),
             ui_rect_source_label(js(o, "source")), _("指标"), js(o, "indicator_code"), _("问题"),
             ji(o, "id"), js(o, "problem"), _("责任科室"), js(o, "dept_name"), _("整改期限"),
             js(o, "due_on"), _("状态"));
        state_mark(b, o);
        wm_h(b, "</td></tr>\n");
    }
    if (0 == json_array_size(l)) {
        wm_h(b, "<tr class=\"empty\"><td colspan=\"8\" class=\"empty\">%s</td></tr>",
             _("没有整改项。"));
    }
    wm_h(b, "</tbody></table>\n");
}

/* The list's pager links, keeping the filters. */
static void
list_pager(struct wm_req *r, struct wm_buf *b, const struct wm_rect_query *q, size_t n)
{
    static const char *const keep[] = { "state", "source", "dept_id", "unit_id", "year", "overdue",
                                        NULL };
    struct wm_buf args = { 0 };
    for (size_t i = 0; keep[i]; i++) {
        const char *v = wm_req_arg(r, keep[i]);
        if (v && *v) {
            wm_buf_printf(&args, "&%s=", keep[i]);
            wm_url_encode(&args, v);
        }
    }
    if (q->offset > 0) {
        wm_h(b, "<p class=\"pager\"><a href=\"/rectifications?offset=%u%s\">← %s</a></p>",
             q->offset > q->limit ? q->offset - q->limit : 0, wm_buf_str(&args), _("上一页"));
    }
    if (n == q->limit) {
        wm_h(b, "<p class=\"pager\"><a href=\"/rectifications?offset=%u%s\">%s →</a></p>",
             q->offset + q->limit, wm_buf_str(&args), _("下一页"));
    }
    wm_buf_free(&args);
}

/* The leaves of the unit's archive of the year as options (none when it has no archive). */
static void
leaf_options(struct wm_req *r, struct wm_buf *b, int64_t unit_id, int64_t year)
{
    json_t *ar = wm_archive_open(r->db, &r->actor, unit_id, year, NULL);
    json_t *tree = ar ? wm_archive_tree(r->db, ar, NULL) : NULL;
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(tree, "indicators"), i, x)
    {
        if (ji(x, "leaf") || json_is_true(json_object_get(x, "leaf"))) {
            wm_h(b, "<option value=\"%s\">%s %s</option>", js(x, "code"), js(x, "code"),
                 js(x, "title"));
        }
    }
    json_decref(tree);
    json_decref(ar);
}

/* The leadership's own archive check (自查): a problem found at a leaf of the year. */
static void
self_check_form(struct wm_req *r, struct wm_buf *b, const json_t *unit, int64_t year)
{
    wm_h(b, "<section class=\"card\" id=\"self-check\"><h2>%s</h2>"
            "<form method=\"get\" action=\"/rectifications\" class=\"row\"><label>%s"
            "<input name=\"year\" type=\"number\" min=\"2000\" max=\"2100\" value=\"%I\"></label>"
            "<button type=\"submit\" class=\"secondary\">%s</button></form>"
            "<form method=\"post\" action=\"/rectifications\" class=\"stack\">",
         _("自查发现问题"), _("档案年度"), year, _("换年度"));
    ui_csrf(r, b);
    wm_h(b, "<input type=\"hidden\" name=\"source\" value=\"self_check\">"
            "<input type=\"hidden\" name=\"year\" value=\"%I\"><label>%s"
            "<select name=\"indicator_code\"><option value=\"\">%s</option>",
         year, _("指标"), _("（不对应指标）"));
    leaf_options(r, b, ji(unit, "id"), year);
    wm_h(b, "</select></label><label>%s<textarea name=\"problem\" rows=\"3\" maxlength=\"2000\" "
            "required></textarea></label><label>%s",
         _("问题"), _("责任科室"));
    dept_select(b, unit, 0, _("（未指定）"));
    wm_h(b, "</label><label>%s<input name=\"due_on\" type=\"date\"></label>"
            "<label>%s<textarea name=\"corrective\" rows=\"2\" maxlength=\"2000\"></textarea>"
            "</label><label>%s<textarea name=\"preventive\" rows=\"2\" maxlength=\"2000\">"
            "</textarea></label><button type=\"submit\">%s</button></form></section>\n",
         _("整改期限"), _("整改措施"), _("预防措施"), _("开具整改项"));
}

/* The unit's returned documents, each with the office's comment and a button that opens an
** item from it (or a link to the item opened). */
static void
returned_docs(struct wm_req *r, struct wm_buf *b, const json_t *unit)
{
    json_t *docs = wm_rect_returned(r->db, &r->actor, ji(unit, "id"), NULL);
    wm_h(b, "<section class=\"card\" id=\"returned\"><h2>%s</h2>"
            "<table class=\"cards\"><thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th>"
            "</tr></thead><tbody>",
         _("被退回的文件"), _("文件"), _("指标"), _("退回意见"), _("整改"));
    size_t i;
    json_t *d;
    json_array_foreach(docs, i, d)
    {
        wm_h(b, "<tr data-id=\"%I\"><td data-label=\"%s\"><a href=\"/documents/%I\">%s</a></td>"
                "<td data-label=\"%s\">%I %s</td><td data-label=\"%s\">%s</td>"
                "<td data-label=\"%s\">",
             ji(d, "id"), _("文件"), ji(d, "id"), js(d, "title"), _("指标"), ji(d, "year"),
             js(d, "indicator_code"), _("退回意见"), js(d, "comment"), _("整改"));
        if (ji(d, "rectification_id")) {
            wm_h(b, "<a href=\"/rectifications/%I\">%s</a>", ji(d, "rectification_id"),
                 _("已列为整改项"));
        } else {
            wm_h(b, "<form method=\"post\" action=\"/rectifications\" class=\"row\">");
            ui_csrf(r, b);
            wm_h(b, "<input type=\"hidden\" name=\"source\" value=\"review\">"
                    "<input type=\"hidden\" name=\"document_id\" value=\"%I\">",
                 ji(d, "id"));
            dept_select(b, unit, 0, _("（未指定科室）"));
            wm_h(b, "<input name=\"due_on\" type=\"date\" aria-label=\"%s\">"
                    "<button type=\"submit\" class=\"secondary\">%s</button></form>",
                 _("整改期限"), _("列为整改项"));
        }
        wm_h(b, "</td></tr>\n");
    }
    if (0 == json_array_size(docs)) {
        wm_h(b, "<tr class=\"empty\"><td colspan=\"4\" class=\"empty\">%s</td></tr>",
             _("没有被退回的文件。"));
    }
    wm_h(b, "</tbody></table></section>\n");
    json_decref(docs);
}

void
page_rectifications_get(struct wm_req *r)
{
    struct wm_rect_query q;
    if (!list_query(r, &q)) {
        return;
    }
    struct wm_fail f = { 0 };
    json_t *l = wm_rect_find(r->db, &r->actor, &q, &f);
    if (NULL == l) {
        ui_fail(r, &f);
        return;
    }
    json_t *unit = own_unit(r);
    struct wm_buf b = { 0 };
    ui_begin(r, &b, _("整改项"));
    ui_flash(r, &b);
    list_filter(&b, &q, unit);
    list_table(&b, l);
    list_pager(r, &b, &q, json_array_size(l));
    if (unit && is_unit_admin(r)) {
        int64_t y = 0;
        wm_day_ymd(wm_day_today(), &y, &(int){ 0 }, &(int){ 0 });
        self_check_form(r, &b, unit, q.year ? q.year : y);
        returned_docs(r, &b, unit);
    }
    json_decref(unit);
    json_decref(l);
    ui_end(r, &b, 200);
}

void
page_rectifications_post(struct wm_req *r)
{
    const char *source = wm_form(r, "source");
    struct wm_fail f = { 0 };
    int64_t id = 0;
    enum wm_err e;
    if (wm_streq(source, "review")) {
        e = wm_rect_from_review(r->db, &r->actor, form_int(r, "document_id"), wm_form(r, "due_on"),
                                form_int(r, "dept_id"), &id, &f);
    } else {
        struct wm_rect_new in = { .unit_id = r->actor.p ? r->actor.p->org_id : 0,
                                  .year = form_int(r, "year"),
                                  .indicator_code = wm_form(r, "indicator_code"),
                                  .problem = wm_form(r, "problem"),
                                  .source = "self_check",
                                  .dept_id = form_int(r, "dept_id"),
                                  .due_on = wm_form(r, "due_on"),
                                  .corrective = wm_form(r, "corrective"),
                                  .preventive = wm_form(r, "preventive") };
        e = wm_rect_open(r->db, &r->actor, &in, &id, &f);
    }
    char to[48];
    snprintf(to, sizeof to, WM_OK == e ? "/rectifications/%lld" : "/rectifications",
             (long long)id);
    ui_done(r, e, &f, to, _("整改项已开具"));
}

/* ---------------------------------------------------------------- /rectifications/{id} */

static bool
has_step(const json_t *item, const char *step)
{
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(item, "actions"), i, x)
    {
        if (wm_streq(json_string_value(x), step)) {
            return true;
        }
    }
    return false;
}

/* One line of the item's facts (nothing when the value is empty). */
static void
fact(struct wm_buf *b, const char *label, const char *value)
{
    if (value && *value) {
        wm_h(b, "<dt>%s</dt><dd class=\"pre\">%s</dd>", label, value);
    }
}

/* The source's label, linked to what it is part of (the returned document, the inspection,
** the round's results) when there is one. */
static void
source_link(struct wm_buf *b, const json_t *o)
{
    static const struct {
        const char *source, *before, *after;
    } page[] = { { "review", "/documents/", "" },
                 { "inspection", "/work/inspections/", "" },
                 { "evaluation", "/rounds/", "/results" } };
    const char *label = ui_rect_source_label(js(o, "source"));
    for (size_t i = 0; ji(o, "source_ref") && i < WM_ARRAY_LEN(page); i++) {
        if (wm_streq(js(o, "source"), page[i].source)) {
            wm_h(b, "<a href=\"%s%I%s\">%s</a>", page[i].before, ji(o, "source_ref"),
                 page[i].after, label);
            return;
        }
    }
    wm_h(b, "%s", label);
}

static void
item_facts(struct wm_buf *b, const json_t *o)
{
    wm_h(b, "<dl class=\"kv\" id=\"facts\"><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%I</dd>"
            "<dt>%s</dt><dd>",
         _("单位"), js(o, "unit_name"), _("年度"), ji(o, "year"), _("来源"));
    source_link(b, o);
    wm_h(b, "</dd><dt>%s</dt><dd>", _("状态"));
    state_mark(b, o);
    wm_h(b, "</dd>");
    fact(b, _("指标"), js(o, "indicator_code"));
    fact(b, _("问题"), js(o, "problem"));
    fact(b, _("责任科室"), js(o, "dept_name"));
    fact(b, _("整改期限"), js(o, "due_on"));
    fact(b, _("整改措施"), js(o, "corrective"));
    fact(b, _("预防措施"), js(o, "preventive"));
    fact(b, _("完成说明"), js(o, "done_note"));
    fact(b, _("验收意见"), js(o, "verify_note"));
    fact(b, _("关闭原因"), js(o, "close_note"));
    wm_h(b, "</dl>\n");
}

static void
item_evidence(struct wm_buf *b, const json_t *o)
{
    wm_h(b, "<section class=\"card\" id=\"evidence\"><h2>%s</h2><ul>", _("佐证材料"));
    size_t i;
    json_t *d;
    json_array_foreach(json_object_get(o, "evidence"), i, d)
    {
        wm_h(b, "<li><a href=\"/documents/%I\">%s</a> <span class=\"muted\">%s</span></li>",
             ji(d, "document_id"), js(d, "name"), js(d, "indicator_code"));
    }
    if (0 == json_array_size(json_object_get(o, "evidence"))) {
        wm_h(b, "<li class=\"empty\">%s</li>", _("还没有佐证材料。"));
    }
    wm_h(b, "</ul></section>\n");
}

static void
item_history(struct wm_buf *b, const json_t *o)
{
    wm_h(b, "<section class=\"card\" id=\"history\"><h2>%s</h2><table><thead><tr><th>%s</th>"
            "<th>%s</th><th>%s</th></tr></thead><tbody>",
         _("办理记录"), _("时间"), _("操作"), _("操作人"));
    size_t i;
    json_t *h;
    json_array_foreach(json_object_get(o, "history"), i, h)
    {
        wm_h(b, "<tr><td>");
        ui_time(b, ji(h, "at"));
        const char *who = *js(h, "display_name") ? js(h, "display_name") : js(h, "username");
        wm_h(b, "</td><td>%s</td><td>%s</td></tr>", js(h, "label"), who);
    }
    wm_h(b, "</tbody></table></section>\n");
}

/* The fields the caller may change: all of them (the unit_admin), or the measures. */
static void
form_update(struct wm_req *r, struct wm_buf *b, const json_t *o, const json_t *unit, bool all)
{
    wm_h(b, "<section class=\"card\" id=\"form-update\"><h2>%s</h2>"
            "<form method=\"post\" action=\"/rectifications/%I\" class=\"stack\">",
         all ? _("修改整改项") : _("填写整改措施"), ji(o, "id"));
    ui_csrf(r, b);
    if (all) {
        wm_h(b, "<label>%s<textarea name=\"problem\" rows=\"3\" maxlength=\"2000\" required>%s"
                "</textarea></label><label>%s",
             _("问题"), js(o, "problem"), _("责任科室"));
        dept_select(b, unit, ji(o, "dept_id"), _("（未指定）"));
        wm_h(b, "</label><label>%s<input name=\"due_on\" type=\"date\" value=\"%s\"></label>",
             _("整改期限"), js(o, "due_on"));
    }
    wm_h(b, "<label>%s<textarea name=\"corrective\" rows=\"3\" maxlength=\"2000\">%s</textarea>"
            "</label><label>%s<textarea name=\"preventive\" rows=\"3\" maxlength=\"2000\">%s"
            "</textarea></label><button type=\"submit\">%s</button></form></section>\n",
         _("整改措施"), js(o, "corrective"), _("预防措施"), js(o, "preventive"), _("保存"));
}

/* The documents of the item's leaf that are not its evidence yet, as options; false when
** there are none (the item has no leaf, or its year no archive). */
static bool
doc_options(struct wm_req *r, struct wm_buf *b, const json_t *o)
{
    const char *code = js(o, "indicator_code");
    json_t *ar = *code ? wm_archive_open(r->db, &r->actor, ji(o, "unit_id"), ji(o, "year"), NULL)
                       : NULL;
    json_t *docs = ar ? wm_archive_docs(r->db, &r->actor, ar, code, false, NULL) : NULL;
    size_t i, k, n = 0;
    json_t *d, *e;
    json_array_foreach(docs, i, d)
    {
        bool cited = false;
        json_array_foreach(json_object_get(o, "evidence"), k, e)
        {
            cited = cited || ji(e, "document_id") == ji(d, "id");
        }
        if (!cited) {
            char *name = wm_doc_display_name(d);
            wm_h(b, "<option value=\"%I\">%s</option>", ji(d, "id"), name);
            free(name);
            n++;
        }
    }
    json_decref(docs);
    json_decref(ar);
    return n > 0;
}

static void
form_evidence(struct wm_req *r, struct wm_buf *b, const json_t *o)
{
    wm_h(b, "<section class=\"card\" id=\"form-evidence\"><h2>%s</h2>"
            "<form method=\"post\" action=\"/rectifications/%I/evidence\" "
            "enctype=\"multipart/form-data\" class=\"stack\">",
         _("上传佐证"), ji(o, "id"));
    ui_csrf(r, b);
    wm_h(b, "<label>%s<input type=\"file\" name=\"file\" multiple required></label>"
            "<label>%s<input name=\"title\" maxlength=\"200\"></label>"
            "<p class=\"hint\">%s</p><button type=\"submit\">%s</button></form>",
         _("文件"), _("题名（可不填）"),
         _("上传的文件归入整改项所属指标的档案（未关联指标时归入单位设置的整改佐证指标）。"),
         _("上传"));
    struct wm_buf opts = { 0 };
    bool any = doc_options(r, &opts, o);
    wm_h(b, "<form method=\"post\" action=\"/rectifications/%I/evidence\" class=\"row\">",
         ji(o, "id"));
    ui_csrf(r, b);
    if (any) {
        wm_h(b, "<label>%s<select name=\"document_id\">%r</select></label>",
             _("引用本指标下已有的文件"), wm_buf_str(&opts));
    } else {
        wm_h(b, "<label>%s<input name=\"document_id\" type=\"number\" min=\"1\" required>"
                "</label>",
             _("引用本单位已有文件（文件编号）"));
    }
    wm_h(b, "<button type=\"submit\" class=\"secondary\">%s</button></form></section>\n",
         _("引用为佐证"));
    wm_buf_free(&opts);
}

/* A form with a note and one button posting to /rectifications/{id}/{step}. */
static void
form_note(struct wm_req *r, struct wm_buf *b, const json_t *o, const char *step,
          const char *title, const char *label, bool required, const char *hidden,
          const char *button, const char *cls)
{
    wm_h(b, "<section class=\"card\" id=\"form-%s%s\"><h2>%s</h2>"
            "<form method=\"post\" action=\"/rectifications/%I/%s\" class=\"stack\">",
         step, hidden ? hidden : "", title, ji(o, "id"), step);
    ui_csrf(r, b);
    if (hidden) {
        wm_h(b, "<input type=\"hidden\" name=\"accept\" value=\"%s\">",
             wm_streq(hidden, "-accept") ? "1" : "0");
    }
    wm_h(b, "<label>%s<textarea name=\"note\" rows=\"2\" maxlength=\"2000\"%r></textarea>"
            "</label><button type=\"submit\" class=\"%s\">%s</button></form></section>\n",
         label, required ? " required" : "", cls, button);
}

static void
item_forms(struct wm_req *r, struct wm_buf *b, const json_t *o)
{
    json_t *unit = has_step(o, "update")
                       ? wm_unit_get_scoped(r->db, &r->actor, ji(o, "unit_id"), NULL)
                       : NULL;
    if (has_step(o, "measures")) {
        form_update(r, b, o, unit, has_step(o, "update"));
    }
    if (has_step(o, "evidence")) {
        form_evidence(r, b, o);
    }
    if (has_step(o, "done")) {
        form_note(r, b, o, "done", _("整改完成"), _("完成说明"), false, NULL, _("标记为已整改"),
                  "primary");
    }
    if (has_step(o, "verify")) {
        form_note(r, b, o, "verify", _("验收通过"), _("验收意见"), false, "-accept",
                  _("验收通过"), "primary");
        form_note(r, b, o, "verify", _("退回重改"), _("退回理由"), true, "-reject",
                  _("退回重改"), "secondary");
    }
    if (has_step(o, "close")) {
        form_note(r, b, o, "close", _("不整改，直接关闭"), _("关闭原因"), true, NULL,
                  _("关闭整改项"), "danger");
    }
    json_decref(unit);
}

void
page_rectification_get(struct wm_req *r)
{
    struct wm_fail f = { 0 };
    json_t *o = wm_rect_detail(r->db, &r->actor, r->ids[0], &f);
    if (NULL == o) {
        ui_fail(r, &f);
        return;
    }
    struct wm_buf b = { 0 }, c = { 0 };
    ui_crumb(&c, "<a href=\"/rectifications\">%s</a>", _("整改项"));
    char title[48];
    snprintf(title, sizeof title, "%s #%lld", _("整改项"), (long long)ji(o, "id"));
    ui_begin_at(r, &b, title, &c);
    ui_flash(r, &b);
    item_facts(&b, o);
    item_evidence(&b, o);
    item_forms(r, &b, o);
    item_history(&b, o);
    wm_buf_free(&c);
    json_decref(o);
    ui_end(r, &b, 200);
}

/* ---------------------------------------------------------------- the steps */

/* Back to the item's page after a step. */
static void
step_done(struct wm_req *r, enum wm_err e, const struct wm_fail *f, const char *ok)
{
    char to[48];
    snprintf(to, sizeof to, "/rectifications/%lld", (long long)r->ids[0]);
    ui_done(r, e, f, to, ok);
}

void
page_rectification_post(struct wm_req *r)
{
    const char *dept = wm_form(r, "dept_id");
    struct wm_rect_change c = { .problem = wm_form(r, "problem"),
                                .corrective = wm_form(r, "corrective"),
                                .preventive = wm_form(r, "preventive"),
                                .due_on = wm_form(r, "due_on"),
                                .dept_id = dept ? form_int(r, "dept_id") : -1 };
    struct wm_fail f = { 0 };
    enum wm_err e = dept && c.dept_id < 0
                        ? wm_fail_set(&f, WM_E_BAD_REQUEST, "dept_id", "%s", _("请选择科室"))
                        : wm_rect_update(r->db, &r->actor, r->ids[0], &c, &f);
    step_done(r, e, &f, _("已保存"));
}

void
page_rectification_done_post(struct wm_req *r)
{
    struct wm_fail f = { 0 };
    step_done(r, wm_rect_done(r->db, &r->actor, r->ids[0], wm_form(r, "note"), &f), &f,
              _("已标记为已整改，待验收"));
}

void
page_rectification_verify_post(struct wm_req *r)
{
    bool accept = wm_streq(wm_form(r, "accept"), "1");
    struct wm_fail f = { 0 };
    step_done(r, wm_rect_verify(r->db, &r->actor, r->ids[0], accept, wm_form(r, "note"), &f), &f,
              accept ? _("已验收通过") : _("已退回重改"));
}

void
page_rectification_close_post(struct wm_req *r)
{
    struct wm_fail f = { 0 };
    step_done(r, wm_rect_close(r->db, &r->actor, r->ids[0], wm_form(r, "note"), &f), &f,
              _("整改项已关闭"));
}

void
page_rectification_evidence_post(struct wm_req *r)
{
    struct wm_fail f = { 0 };
    enum wm_err e = WM_OK;
    const char *doc = wm_form(r, "document_id");
    if (doc && *doc) {
        e = wm_rect_evidence_link(r->db, &r->actor, r->ids[0], form_int(r, "document_id"), &f);
    } else {
        /* Scope and right before the files are committed: a refused upload stores nothing. */
        json_t *item = wm_rect_get(r->db, &r->actor, r->ids[0], &f);
        if (NULL == item) {
            ui_fail(r, &f);
            return;
        }
        unsigned may = wm_rect_may(&r->actor, item);
        json_decref(item);
        if (0 == (may & WM_RECT_MAY_ANSWER)) {
            wm_reply_err(r, WM_E_FORBIDDEN, NULL, _("只有责任科室或单位管理员可以办理该整改项"));
            return;
        }
        if (!ui_rect_evidence_files(r, r->ids[0], &f, &e)) {
            return;
        }
    }
    step_done(r, e, &f, _("佐证已添加"));
}

/* end of page_work_rect.c */
