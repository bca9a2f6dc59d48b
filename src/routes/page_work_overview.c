/*
** page_work_overview.c — the creation work (issue 12): the unit's plan/do/check/act view and the office's overview across its jurisdiction (XLSX).
**
**   GET /units/{id}/work?year=          the unit's hub: the four stages of the 四心质量环
**                                       (用心策划, 专心实施, 细心检查, 精心改进), each number a
**                                       link to the part's page, and what is late
**   GET /work/overview?year=&district=&unit_type=&sort=&page=
**                                       one row per unit of the jurisdiction, totals per
**                                       district and of the whole; the unit links to its hub
**   GET /work/overview.xlsx?<the same>  every row as a workbook
*/
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "handlers.h"

#define OV_PAGE 100 /* rows of a page of the overview */

/* ---------------------------------------------------------------- the unit's hub */

/* "3 / 5": done of total. */
static void
stat_of(struct wm_buf *b, const char *label, int64_t n, int64_t of, const char *href)
{
    char s[48];
    snprintf(s, sizeof s, "%lld / %lld", (long long)n, (long long)of);
    ui_stat(b, label, s, href, NULL);
}

/* A cadence period in words: "第 1 季度", "3 月", "上半年", "全年", "第 14 周". */
static void
period_words(struct wm_buf *b, const char *key)
{
    int64_t n = 0;
    if (key[0] && key[1] && !wm_parse_i64(key + 1, 0, 99, &n)) {
        n = 0;
    }
    switch (key[0]) {
    case 'M':
        wm_h(b, _("%I 月"), n);
        break;
    case 'Q':
        wm_h(b, _("第 %I 季度"), n);
        break;
    case 'H':
        wm_h(b, "%s", 1 == n ? _("上半年") : _("下半年"));
        break;
    case 'W':
        wm_h(b, _("第 %I 周"), n);
        break;
    default:
        wm_h(b, "%s", _("全年"));
    }
}

/* 用心策划: the plan, its stages and tasks, the leadership group. */
static void
hub_plan(struct wm_buf *b, int64_t id, const json_t *s)
{
    const json_t *row = json_object_get(s, "row");
    long long year = (long long)ji(s, "year");
    char href[96];
    wm_h(b, "<section class=\"card stage\" id=\"stage-plan\"><h2>%s</h2><div class=\"stats\">",
         _("用心策划"));
    snprintf(href, sizeof href, "/units/%lld/work/plan?year=%lld", (long long)id, year);
    ui_stat(b, _("年度计划"), json_is_true(json_object_get(row, "plan")) ? _("有") : _("无"), href,
            NULL);
    ui_stat_int(b, _("工作阶段"), ji(row, "plan_stages"), href, NULL);
    snprintf(href, sizeof href, "/units/%lld/work/tasks?year=%lld", (long long)id, year);
    ui_stat_int(b, _("工作任务"), ji(row, "tasks_total"), href, NULL);
    snprintf(href, sizeof href, "/units/%lld/work/group", (long long)id);
    ui_stat(b, _("领导小组"), json_is_true(json_object_get(row, "group")) ? _("有") : _("无"), href,
            NULL);
    wm_h(b, "</div>");
    const json_t *stages = json_object_get(json_object_get(s, "plan"), "stages");
    if (json_array_size(stages)) {
        wm_h(b, "<ol class=\"stages\">");
        size_t i;
        const json_t *x;
        json_array_foreach(stages, i, x)
        {
            wm_h(b, "<li>%s（%s 至 %s）</li>", js(x, "name"), js(x, "starts_on"), js(x, "ends_on"));
        }
        wm_h(b, "</ol>");
    } else if (!json_is_true(json_object_get(row, "plan"))) {
        wm_h(b, "<p class=\"hint\">%s</p>", _("还没有本年度的创建计划，请先制订计划并分解任务。"));
    }
    wm_h(b, "</section>\n");
}

/* The meetings held against each kind's cadence, as a small table. */
static void
hub_kinds(struct wm_buf *b, const json_t *kinds)
{
    wm_h(b, "<table class=\"kinds\"><thead><tr><th>%s</th><th class=\"num\">%s</th>"
            "<th class=\"num\">%s</th><th class=\"num\">%s</th></tr></thead><tbody>",
         _("会议"), _("已召开"), _("应召开"), _("逾期期数"));
    size_t i;
    const json_t *k;
    json_array_foreach(kinds, i, k)
    {
        wm_h(b, "<tr><td>%s</td><td class=\"num\">%I</td><td class=\"num\">%I</td>"
                "<td class=\"num\">%I</td></tr>",
             js(k, "name"), ji(k, "held"), ji(k, "owed"), ji(k, "late"));
    }
    wm_h(b, "</tbody></table>");
}

/* 专心实施: tasks done, meetings and inspections against their cadence. */
static void
hub_do(struct wm_buf *b, int64_t id, const json_t *s)
{
    const json_t *row = json_object_get(s, "row");
    long long year = (long long)ji(s, "year");
    char href[96];
    wm_h(b, "<section class=\"card stage\" id=\"stage-do\"><h2>%s</h2><div class=\"stats\">",
         _("专心实施"));
    snprintf(href, sizeof href, "/units/%lld/work/tasks?year=%lld&state=done", (long long)id,
             year);
    stat_of(b, _("任务完成"), ji(row, "tasks_done"), ji(row, "tasks_total"), href);
    snprintf(href, sizeof href, "/units/%lld/work/tasks?year=%lld&state=overdue", (long long)id,
             year);
    ui_stat_int(b, _("任务逾期"), ji(row, "tasks_overdue"), href, NULL);
    snprintf(href, sizeof href, "/units/%lld/work/meetings?year=%lld", (long long)id, year);
    stat_of(b, _("会议 已开 / 应开"), ji(row, "meetings_held"), ji(row, "meetings_owed"), href);
    snprintf(href, sizeof href, "/units/%lld/work/inspections", (long long)id);
    if (json_is_true(json_object_get(row, "inspect_weekly"))) {
        stat_of(b, _("检查 已查周 / 应查周"), ji(row, "inspections_weeks"),
                ji(row, "inspections_owed"), href);
    } else {
        ui_stat_int(b, _("检查次数"), ji(row, "inspections_held"), href, NULL);
    }
    wm_h(b, "</div>");
    hub_kinds(b, json_object_get(s, "meetings"));
    wm_h(b, "<p class=\"hint\"><a href=\"/units/%I/work/settings\">%s</a></p></section>\n", id,
         _("创建工作设置（起始日、每周检查、归档位置）"));
}

/* 细心检查: the problems found this year, by where they were found. */
static void
hub_check(struct wm_buf *b, int64_t id, const json_t *s)
{
    static const struct {
        const char *label, *source;
    } sources[] = {
        {N_("日常检查发现"), "inspection"},
        {N_("自查发现"), "self_check"},
        {N_("审核退回"), "review"},
        {N_("测评扣分"), "evaluation"},
    };
    const json_t *row = json_object_get(s, "row");
    char href[128];
    wm_h(b, "<section class=\"card stage\" id=\"stage-check\"><h2>%s</h2><div class=\"stats\">",
         _("细心检查"));
    snprintf(href, sizeof href, "/units/%lld/work/inspections", (long long)id);
    ui_stat_int(b, _("检查次数"), ji(row, "inspections_held"), href, NULL);
    for (size_t i = 0; i < WM_ARRAY_LEN(sources); i++) {
        char key[48];
        snprintf(key, sizeof key, "findings_%s", sources[i].source);
        snprintf(href, sizeof href, "/rectifications?unit_id=%lld&year=%lld&source=%s",
                 (long long)id, (long long)ji(s, "year"), sources[i].source);
        ui_stat_int(b, _(sources[i].label), ji(row, key), href, NULL);
    }
    wm_h(b, "</div><p class=\"hint\"><a href=\"/units/%I/work/areas\">%s</a></p></section>\n", id,
         _("责任区"));
}

/* 精心改进: the rectification items by state. */
static void
hub_act(struct wm_buf *b, int64_t id, const json_t *s)
{
    static const struct {
        const char *label, *key, *filter;
    } states[] = {
        {N_("待整改"), "rect_open", "state=open"},
        {N_("待验证"), "rect_done", "state=done"},
        {N_("已验证"), "rect_verified", "state=verified"},
        {N_("已关闭"), "rect_closed", "state=closed"},
        {N_("逾期未改"), "rect_overdue", "overdue=1"},
    };
    const json_t *row = json_object_get(s, "row");
    wm_h(b, "<section class=\"card stage\" id=\"stage-act\"><h2>%s</h2><div class=\"stats\">",
         _("精心改进"));
    for (size_t i = 0; i < WM_ARRAY_LEN(states); i++) {
        char href[128];
        snprintf(href, sizeof href, "/rectifications?unit_id=%lld&year=%lld&%s", (long long)id,
                 (long long)ji(s, "year"), states[i].filter);
        ui_stat_int(b, _(states[i].label), ji(row, states[i].key), href, NULL);
    }
    wm_h(b, "</div></section>\n");
}

/* The late meeting periods and inspection weeks, as list items. */
static size_t
late_periods(struct wm_buf *b, int64_t id, const json_t *s)
{
    size_t n = 0, i, j;
    const json_t *k, *p;
    json_array_foreach(json_object_get(s, "meetings"), i, k)
    {
        json_array_foreach(json_object_get(k, "late_periods"), j, p)
        {
            wm_h(b, "<li><a href=\"/units/%I/work/meetings?year=%I\">%s</a>：", id, ji(s, "year"),
                 js(k, "name"));
            period_words(b, json_string_value(p));
            wm_h(b, "%s</li>", _("未按要求召开"));
            n++;
        }
    }
    const json_t *weeks = json_object_get(json_object_get(s, "inspections"), "late_weeks");
    if (json_array_size(weeks)) {
        wm_h(b, "<li><a href=\"/units/%I/work/inspections\">%s</a>：", id, _("每周检查"));
        json_array_foreach(weeks, j, p)
        {
            wm_h(b, "%s", j ? "、" : "");
            period_words(b, json_string_value(p));
        }
        wm_h(b, "%s</li>", _("没有检查记录"));
        n++;
    }
    return n;
}

/* What is late: tasks, meetings, inspections, rectification items. */
static void
hub_late(struct wm_buf *b, int64_t id, const json_t *s)
{
    const json_t *late = json_object_get(s, "late");
    wm_h(b, "<section class=\"card\" id=\"late\"><h2>%s</h2><ul class=\"late\">", _("逾期事项"));
    size_t n = 0, i;
    const json_t *x;
    json_array_foreach(json_object_get(late, "tasks"), i, x)
    {
        wm_h(b, "<li><a href=\"/units/%I/work/tasks?year=%I&amp;state=overdue\">%s</a>：%s%s%s",
             id, ji(s, "year"), _("任务"), js(x, "title"), _("，截止 "), js(x, "due_on"));
        if (*js(x, "dept_name")) {
            wm_h(b, "（%s）", js(x, "dept_name"));
        }
        wm_h(b, "</li>");
        n++;
    }
    n += late_periods(b, id, s);
    json_array_foreach(json_object_get(late, "rects"), i, x)
    {
        wm_h(b, "<li><a href=\"/rectifications/%I\">%s</a>：%s%s%s</li>", ji(x, "id"), _("整改"),
             js(x, "problem"), _("，截止 "), js(x, "due_on"));
        n++;
    }
    wm_h(b, "</ul>");
    if (0 == n) {
        wm_h(b, "<p class=\"flash ok\">%s</p>", _("没有逾期事项。"));
    }
    wm_h(b, "</section>\n");
}

void
page_work_hub_get(struct wm_req *r)
{
    int64_t year = 0, id = r->ids[0];
    if (!wm_req_int(r, "year", 2000, 9999, &year)) {
        return;
    }
    struct wm_fail f = {0};
    json_t *s = wm_work_summary(r->db, &r->actor, id, year, &f);
    if (NULL == s) {
        ui_fail(r, &f);
        return;
    }
    const json_t *unit = json_object_get(s, "unit");
    struct wm_buf b = {0}, c = {0};
    char *title = wm_asprintf(_("创建工作（%lld 年度）"), (long long)ji(s, "year"));
    ui_crumb(&c, "<a href=\"/units/%I\">%s</a>", id, js(unit, "name"));
    ui_begin_at(r, &b, title, &c);
    wm_buf_free(&c);
    wm_h(&b, "<form method=\"get\" action=\"/units/%I/work\" class=\"row filter\"><label>%s "
             "<input type=\"number\" name=\"year\" min=\"2000\" max=\"9999\" value=\"%I\">"
             "</label><button type=\"submit\">%s</button></form>\n",
         id, _("年度"), ji(s, "year"), _("查看"));
    wm_h(&b, "<p class=\"lead\">%s</p><div class=\"loop\">",
         _("四心质量环：用心策划、专心实施、细心检查、精心改进。每个数字都可以点开查看。"));
    hub_plan(&b, id, s);
    hub_do(&b, id, s);
    hub_check(&b, id, s);
    hub_act(&b, id, s);
    wm_h(&b, "</div>\n");
    hub_late(&b, id, s);
    free(title);
    json_decref(s);
    ui_end(r, &b, 200);
}

/* ---------------------------------------------------------------- the office's overview */

/* The overview's link with its filters (page: 0 for none; sort as given). */
static void
ov_href(struct wm_buf *h, const char *path, const struct wm_work_ov_query *q, int64_t year,
        bool by_overdue, unsigned page)
{
    wm_buf_printf(h, "%s?year=%lld", path, (long long)year);
    if (q->district_id) {
        wm_buf_printf(h, "&district=%lld", (long long)q->district_id);
    }
    if (q->unit_type) {
        wm_buf_printf(h, "&unit_type=");
        wm_url_encode(h, q->unit_type);
    }
    if (by_overdue) {
        wm_buf_printf(h, "&sort=overdue");
    }
    if (page) {
        wm_buf_printf(h, "&page=%u", page);
    }
}

/* The filter row: year, district, unit type, order. */
static void
ov_filter(struct wm_buf *b, const struct wm_work_ov_query *q, const json_t *ov)
{
    wm_h(b, "<form method=\"get\" action=\"/work/overview\" class=\"row filter\"><label>%s "
            "<input type=\"number\" name=\"year\" min=\"2000\" max=\"9999\" value=\"%I\"></label>"
            "<label>%s <select name=\"district\"><option value=\"\">%s</option>",
         _("年度"), ji(ov, "year"), _("所属文明办"), _("全部"));
    const json_t *d = json_object_get(ov, "district");
    if (d) {
        wm_h(b, "<option value=\"%I\" selected>%s</option>", ji(d, "id"), js(d, "name"));
    } else {
        size_t i;
        const json_t *x;
        json_array_foreach(json_object_get(ov, "districts"), i, x)
        {
            wm_h(b, "<option value=\"%I\">%s</option>", ji(x, "district_id"),
                 js(x, "district_name"));
        }
    }
    wm_h(b, "</select></label><label>%s <select name=\"unit_type\"><option value=\"\">%s</option>",
         _("单位类型"), _("全部"));
    for (int i = 0; wm_unit_types[i]; i++) {
        wm_h(b, "<option%r>%s</option>",
             wm_streq(q->unit_type, wm_unit_types[i]) ? " selected" : "", wm_unit_types[i]);
    }
    wm_h(b, "</select></label><label>%s <select name=\"sort\"><option value=\"unit\">%s</option>"
            "<option value=\"overdue\"%r>%s</option></select></label>"
            "<button type=\"submit\">%s</button></form>\n",
         _("排序"), _("按单位"), q->by_overdue ? " selected" : "", _("逾期最多的在前"), _("筛选"));
}

/* The cells of a row's numbers (a unit's, a district's or the whole's). */
static void
ov_cells(struct wm_buf *b, const json_t *x, bool totals)
{
    if (totals) {
        wm_h(b, "<td class=\"num\" data-label=\"%s\">%I / %I</td>"
                "<td class=\"num\" data-label=\"%s\">%I / %I</td>",
             _("领导小组"), ji(x, "group"), ji(x, "units"), _("年度计划"), ji(x, "plan"),
             ji(x, "units"));
    } else {
        wm_h(b, "<td data-label=\"%s\">%s</td><td data-label=\"%s\">%s</td>", _("领导小组"),
             json_is_true(json_object_get(x, "group")) ? _("有") : _("无"), _("年度计划"),
             json_is_true(json_object_get(x, "plan")) ? _("有") : _("无"));
    }
    wm_h(b, "<td class=\"num\" data-label=\"%s\">%I / %I</td>"
            "<td class=\"num\" data-label=\"%s\">%I</td>"
            "<td class=\"num\" data-label=\"%s\">%I / %I</td>"
            "<td class=\"num\" data-label=\"%s\">%I</td>"
            "<td class=\"num\" data-label=\"%s\">%I / %I</td>"
            "<td class=\"num\" data-label=\"%s\">%I</td>"
            "<td class=\"num\" data-label=\"%s\">%I</td>"
            "<td class=\"num\" data-label=\"%s\">%I</td></tr>\n",
         _("任务完成"), ji(x, "tasks_done"), ji(x, "tasks_total"), _("任务逾期"),
         ji(x, "tasks_overdue"), _("会议 已开 / 应开"), ji(x, "meetings_held"),
         ji(x, "meetings_owed"), _("会议逾期期数"), ji(x, "meetings_late"),
         _("检查 已查周 / 应查周"), ji(x, "inspections_weeks"), ji(x, "inspections_owed"),
         _("整改未完成"), ji(x, "rect_open"), _("整改逾期"), ji(x, "rect_overdue"),
         _("逾期合计"), ji(x, "overdue"));
}

static void
ov_table(struct wm_buf *b, const json_t *ov, const struct wm_work_ov_query *q)
{
    struct wm_buf h = {0}, u = {0};
    ov_href(&h, "/work/overview", q, ji(ov, "year"), true, 0);
    ov_href(&u, "/work/overview", q, ji(ov, "year"), false, 0);
    wm_h(b, "<table class=\"cards\" id=\"overview\"><thead><tr><th%r><a href=\"%s\">%s</a></th>"
            "<th>%s</th><th>%s</th><th>%s</th><th class=\"num\">%s</th>"
            "<th class=\"num\">%s</th><th class=\"num\">%s</th><th class=\"num\">%s</th>"
            "<th class=\"num\">%s</th><th class=\"num\">%s</th><th class=\"num\">%s</th>"
            "<th class=\"num\"%r><a href=\"%s\">%s</a></th></tr></thead><tbody>",
         q->by_overdue ? "" : " aria-sort=\"ascending\"", wm_buf_str(&u), _("单位名称"),
         _("所属文明办"), _("领导小组"), _("年度计划"), _("任务完成"), _("任务逾期"),
         _("会议 已开 / 应开"), _("会议逾期期数"), _("检查 已查周 / 应查周"), _("整改未完成"),
         _("整改逾期"), q->by_overdue ? " aria-sort=\"descending\"" : "", wm_buf_str(&h),
         _("逾期合计 ↓"));
    wm_buf_free(&h);
    wm_buf_free(&u);
    size_t i;
    const json_t *x;
    json_array_foreach(json_object_get(ov, "rows"), i, x)
    {
        wm_h(b, "<tr><td><a href=\"/units/%I/work?year=%I\">%s</a></td>"
                "<td data-label=\"%s\">%s</td>",
             ji(x, "unit_id"), ji(ov, "year"), js(x, "unit_name"), _("所属文明办"),
             js(x, "district_name"));
        ov_cells(b, x, false);
    }
    wm_h(b, "</tbody><tfoot>");
    json_array_foreach(json_object_get(ov, "districts"), i, x)
    {
        wm_h(b, "<tr class=\"subtotal\"><th scope=\"row\">%s</th><td data-label=\"%s\">%I %s</td>",
             js(x, "district_name"), _("单位数"), ji(x, "units"), _("个单位"));
        ov_cells(b, x, true);
    }
    x = json_object_get(ov, "total");
    wm_h(b, "<tr class=\"total\"><th scope=\"row\">%s</th><td data-label=\"%s\">%I %s</td>",
         _("总计"), _("单位数"), ji(x, "units"), _("个单位"));
    ov_cells(b, x, true);
    wm_h(b, "</tfoot></table>\n");
}

static void
ov_pager(struct wm_buf *b, const json_t *ov, const struct wm_work_ov_query *q, unsigned page)
{
    size_t total = (size_t)ji(ov, "units");
    if (total <= OV_PAGE) {
        return;
    }
    struct wm_buf h = {0};
    wm_h(b, "<nav class=\"pager\">");
    if (page > 0) {
        ov_href(&h, "/work/overview", q, ji(ov, "year"), q->by_overdue, page - 1);
        wm_h(b, "<a href=\"%s\">%s</a> ", wm_buf_str(&h), _("上一页"));
        wm_buf_free(&h);
    }
    wm_h(b, "<span>%u / %u</span>", page + 1, (unsigned)((total + OV_PAGE - 1) / OV_PAGE));
    if ((size_t)(page + 1) * OV_PAGE < total) {
        ov_href(&h, "/work/overview", q, ji(ov, "year"), q->by_overdue, page + 1);
        wm_h(b, " <a href=\"%s\">%s</a>", wm_buf_str(&h), _("下一页"));
        wm_buf_free(&h);
    }
    wm_h(b, "</nav>\n");
}

void
page_work_overview_get(struct wm_req *r)
{
    struct wm_work_ov_query q;
    int64_t page = 0;
    if (!wm_req_work_ov_query(r, &q, 0) || !wm_req_int(r, "page", 0, 100000, &page)) {
        return;
    }
    q.limit = OV_PAGE;
    q.offset = (unsigned)page * OV_PAGE;
    struct wm_fail f = {0};
    json_t *ov = wm_work_overview(r->db, &r->actor, &q, &f);
    if (NULL == ov) {
        ui_fail(r, &f);
        return;
    }
    struct wm_buf b = {0}, c = {0}, x = {0};
    char *title = wm_asprintf(_("创建工作总览（%lld 年度）"), (long long)ji(ov, "year"));
    ui_crumb(&c, "<a href=\"/home\">%s</a>", _("首页"));
    ui_begin_at(r, &b, title, &c);
    wm_buf_free(&c);
    ov_href(&x, "/work/overview.xlsx", &q, ji(ov, "year"), q.by_overdue, 0);
    wm_h(&b, "<p class=\"actions\"><a class=\"button secondary\" href=\"%s\">%s</a></p>",
         wm_buf_str(&x), _("导出 XLSX"));
    wm_buf_free(&x);
    ov_filter(&b, &q, ov);
    if (0 == ji(ov, "units")) {
        wm_h(&b, "<p class=\"flash warn\">%s</p>", _("没有符合条件的单位。"));
    } else {
        ov_table(&b, ov, &q);
        ov_pager(&b, ov, &q, (unsigned)page);
    }
    free(title);
    json_decref(ov);
    ui_end(r, &b, 200);
}

void
page_work_overview_xlsx_get(struct wm_req *r)
{
    struct wm_work_ov_query q;
    if (!wm_req_work_ov_query(r, &q, 0)) {
        return;
    }
    q.limit = 0;
    q.offset = 0;
    struct wm_fail f = {0};
    json_t *ov = wm_work_overview(r->db, &r->actor, &q, &f);
    if (NULL == ov) {
        ui_fail(r, &f);
        return;
    }
    ui_work_overview_xlsx(r, ov);
    json_decref(ov);
}

/* end of page_work_overview.c */
