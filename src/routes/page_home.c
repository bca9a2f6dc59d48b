/*
** page_home.c — the home page /home, and the office's lists behind it (issue 9).  For
** office and admin accounts the home starts with what an office must look at today: the
** review backlog and how long it has waited, overdue schedule periods per district and unit
** type, and units that have not logged in for 30 days; every number links to the filtered
** list behind it (the review queue /reviews, /overdue, /inactive).  A unit's home is the
** fragment of ui_home_unit.c.
**
**   GET /home                                  the home of the caller's role
**   GET /overdue?district=&unit_type=&year=   units with overdue periods, most first
**   GET /inactive?district=&unit_type=&days=  units none of whose accounts logged in
*/
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "handlers.h"

#define LIST_PAGE 100 /* rows of a list page */

static const char *
hs(const json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

static int64_t
hi(const json_t *o, const char *k)
{
    return (int64_t)json_integer_value(json_object_get(o, k));
}

static void
backlog_part(struct wm_buf *b, const json_t *bl)
{
    static const struct {
        const char *label, *key;
        int lo, hi; /* age in days: at least lo (0: no bound), under hi (0: no bound) */
    } buckets[] = {
        {"待审核", "total", 0, 0},      {"3天以内", "lt3", 0, 3},     {"3至7天", "d3_7", 3, 7},
        {"7至14天", "d7_14", 7, 14},    {"超过14天", "gt14", 14, 0},
    };
    wm_h(b, "<section class=\"card\" id=\"backlog\"><h2>%s</h2><div class=\"stats\">",
         _("审核待办"));
    for (size_t i = 0; i < WM_ARRAY_LEN(buckets); i++) {
        struct wm_buf href = {0};
        wm_buf_printf(&href, "/reviews?state=submitted");
        if (buckets[i].lo) {
            wm_buf_printf(&href, "&age=%d", buckets[i].lo);
        }
        if (buckets[i].hi) {
            wm_buf_printf(&href, "&age_max=%d", buckets[i].hi);
        }
        ui_stat_int(b, _(buckets[i].label), hi(bl, buckets[i].key), wm_buf_str(&href), NULL);
        wm_buf_free(&href);
    }
    wm_h(b, "</div>");
    if (json_is_integer(json_object_get(bl, "oldest")) && hi(bl, "total") > 0) {
        wm_h(b, "<p class=\"hint\">%s", _("最早的一份提交于 "));
        ui_time(b, hi(bl, "oldest"));
        wm_h(b, "%s</p>", _("，按提交时间从早到晚审核。"));
    } else {
        wm_h(b, "<p class=\"hint\">%s</p>", _("没有等待审核的文件。"));
    }
    wm_h(b, "</section>\n");
}

/* One table of overdue groups (by district or by unit type), each number a link. */
static void
groups_table(struct wm_buf *b, const json_t *groups, const char *head, bool district)
{
    wm_h(b, "<table class=\"cards\"><thead><tr><th>%s</th><th class=\"num\">%s</th>"
            "<th class=\"num\">%s</th></tr></thead><tbody>",
         head, _("逾期项"), _("逾期单位"));
    size_t i;
    json_t *g;
    json_array_foreach(groups, i, g)
    {
        struct wm_buf href = {0};
        const char *name = district ? hs(g, "district_name") : hs(g, "unit_type");
        if (district) {
            wm_h(&href, "/overdue?district=%I", hi(g, "district_id"));
        } else {
            wm_h(&href, "/overdue?unit_type=%U", name ? name : "");
        }
        wm_h(b, "<tr><td>%s</td><td class=\"num\" data-label=\"%s\"><a href=\"%s\">%I</a></td>"
                "<td class=\"num\" data-label=\"%s\"><a href=\"%s\">%I</a></td></tr>\n",
             name && *name ? name : _("（未填写）"), _("逾期项"), wm_buf_str(&href),
             hi(g, "overdue"), _("逾期单位"), wm_buf_str(&href), hi(g, "units"));
        wm_buf_free(&href);
    }
    if (0 == json_array_size(groups)) {
        wm_h(b, "<tr><td colspan=\"3\" class=\"hint\">%s</td></tr>", _("本年度还没有单位建立档案。"));
    }
    wm_h(b, "</tbody></table>\n");
}

static void
overdue_part(struct wm_buf *b, const json_t *d)
{
    const json_t *ov = json_object_get(d, "overdue");
    wm_h(b, "<section class=\"card\" id=\"overdue\"><h2>%I %s</h2><div class=\"stats\">",
         hi(d, "year"), _("年度逾期未报送"));
    ui_stat_int(b, _("逾期项"), hi(ov, "total"), "/overdue", NULL);
    ui_stat_int(b, _("有逾期的单位"), hi(ov, "units"), "/overdue", NULL);
    wm_h(b, "</div><p class=\"hint\">");
    wm_h(b, _("每个单位每个指标每个周期算一项：周期结束后 %d 天仍没有%s文件即为逾期。"),
         (int)hi(d, "offset_days"),
         json_is_true(json_object_get(d, "count_submitted")) ? _("已提交或审核通过的")
                                                             : _("审核通过的"));
    wm_h(b, "</p><div class=\"cols\">");
    groups_table(b, json_object_get(ov, "by_district"), _("文明办"), true);
    groups_table(b, json_object_get(ov, "by_unit_type"), _("单位类型"), false);
    wm_h(b, "</div></section>\n");
}

static void
office_part(struct wm_req *r, struct wm_buf *b, struct wm_fail *f)
{
    /* with the review settings in effect at the caller's office */
    struct wm_dash_query q = {0};
    struct wm_review_settings rs;
    struct wm_fail ff = {0};
    if (WM_OK != wm_review_settings_for(r->db, wm_scope_path(&r->actor), &rs, &ff)) {
        if (WM_OK == f->err) {
            *f = ff;
        }
        return;
    }
    q.sched.offset = rs.offset_days;
    q.sched.count_submitted = rs.count_submitted;
    q.per_unit = true; /* each unit counted with its own office's settings */
    json_t *d = wm_dashboard(r->db, &r->actor, &q, &ff);
    if (NULL == d) {
        if (WM_OK == f->err) {
            *f = ff;
        }
        return;
    }
    backlog_part(b, json_object_get(d, "backlog"));
    overdue_part(b, d);
    const json_t *in = json_object_get(d, "inactive");
    wm_h(b, "<section class=\"card\" id=\"inactive\"><h2>%s</h2><div class=\"stats\">",
         _("长期未登录的单位"));
    struct wm_buf href = {0};
    wm_buf_printf(&href, "/inactive?days=%d", (int)hi(in, "days"));
    char label[64];
    snprintf(label, sizeof label, _("%d 天未登录"), (int)hi(in, "days"));
    ui_stat_int(b, label, hi(in, "units"), wm_buf_str(&href), NULL);
    wm_buf_free(&href);
    wm_h(b, "</div></section>\n");
    json_decref(d);
}

/* ---------------------------------------------------------------- the lists */

/* The filters a list keeps in its links (page and filter form). */
static void
list_href(struct wm_buf *h, const char *path, const struct wm_dash_query *q, unsigned page)
{
    char sep = '?';
    wm_buf_printf(h, "%s", path);
    if (q->district_id) {
        wm_buf_printf(h, "%cdistrict=%lld", sep, (long long)q->district_id);
        sep = '&';
    }
    if (q->unit_type) {
        wm_buf_printf(h, "%cunit_type=", sep);
        wm_url_encode(h, q->unit_type);
        sep = '&';
    }
    if (q->year) {
        wm_buf_printf(h, "%cyear=%lld", sep, (long long)q->year);
        sep = '&';
    }
    if (page) {
        wm_buf_printf(h, "%cpage=%u", sep, page);
    }
}

static bool
list_page(struct wm_req *r, unsigned *page)
{
    const char *s = wm_req_arg(r, "page");
    int64_t p = 0;
    if (s && *s && !wm_parse_i64(s, 0, 100000, &p)) {
        wm_reply_err(r, WM_E_BAD_REQUEST, "page", _("页码须为非负整数"));
        return false;
    }
    *page = (unsigned)p;
    return true;
}

/* The filter row: unit type (the district stays as it came, in a hidden field). */
static void
list_filter(struct wm_buf *b, const char *path, const struct wm_dash_query *q, bool days)
{
    wm_h(b, "<form method=\"get\" action=\"%s\" class=\"row filter\">", path);
    if (q->district_id) {
        wm_h(b, "<input type=\"hidden\" name=\"district\" value=\"%I\">", q->district_id);
    }
    if (days) {
        wm_h(b, "<input type=\"hidden\" name=\"days\" value=\"%d\">", q->inactive_days);
    }
    wm_h(b, "<label>%s <select name=\"unit_type\"><option value=\"\">%s</option>", _("单位类型"),
         _("全部"));
    for (int i = 0; wm_unit_types[i]; i++) {
        wm_h(b, "<option%r>%s</option>",
             wm_streq(q->unit_type, wm_unit_types[i]) ? " selected" : "", wm_unit_types[i]);
    }
    wm_h(b, "</select></label><button type=\"submit\">%s</button></form>\n", _("筛选"));
}

static void
list_pager(struct wm_buf *b, const char *path, const struct wm_dash_query *q, unsigned page,
           size_t total)
{
    if (total <= LIST_PAGE) {
        return;
    }
    wm_h(b, "<nav class=\"pager\">");
    if (page > 0) {
        struct wm_buf h = {0};
        list_href(&h, path, q, page - 1);
        wm_h(b, "<a href=\"%s\">%s</a> ", wm_buf_str(&h), _("上一页"));
        wm_buf_free(&h);
    }
    wm_h(b, "<span>%u / %u</span>", page + 1, (unsigned)((total + LIST_PAGE - 1) / LIST_PAGE));
    if ((size_t)(page + 1) * LIST_PAGE < total) {
        struct wm_buf h = {0};
        list_href(&h, path, q, page + 1);
        wm_h(b, " <a href=\"%s\">%s</a>", wm_buf_str(&h), _("下一页"));
        wm_buf_free(&h);
    }
    wm_h(b, "</nav>\n");
}

/* The title's filter words: "（某区文明办 · 学校）". */
static void
list_title(struct wm_req *r, struct wm_buf *t, const char *what, const struct wm_dash_query *q)
{
    wm_buf_printf(t, "%s", what);
    json_t *o = NULL;
    if (q->district_id) {
        struct wm_fail ff = {0};
        o = wm_org_get_scoped(r->db, &r->actor, q->district_id, &ff);
    }
    if (o || q->unit_type) {
        wm_buf_printf(t, "（%s%s%s）", o ? hs(o, "name") : "", o && q->unit_type ? " · " : "",
                      q->unit_type ? q->unit_type : "");
    }
    json_decref(o);
}

static int
by_overdue(const void *x, const void *y)
{
    const json_t *a = *(json_t *const *)x, *b = *(json_t *const *)y;
    int64_t m = hi(a, "overdue"), n = hi(b, "overdue");
    return m != n ? (m < n) - (m > n) : (hi(a, "unit_id") > hi(b, "unit_id")) -
                                             (hi(a, "unit_id") < hi(b, "unit_id"));
}

void
page_overdue_get(struct wm_req *r)
{
    struct wm_dash_query q;
    unsigned page;
    if (!wm_req_dash_query(r, &q) || !list_page(r, &page)) {
        return;
    }
    struct wm_fail f = {0};
    json_t *rows = wm_overdue_units(r->db, &r->actor, &q, &f);
    if (NULL == rows) {
        ui_fail(r, &f);
        return;
    }
    size_t n = json_array_size(rows);
    json_t **v = wm_calloc(n ? n : 1, sizeof *v);
    int64_t total = 0;
    for (size_t i = 0; i < n; i++) {
        v[i] = json_array_get(rows, i);
        total += hi(v[i], "overdue");
    }
    qsort(v, n, sizeof *v, by_overdue);
    struct wm_buf b = {0}, crumbs = {0}, title = {0};
    list_title(r, &title, _("逾期未报送的单位"), &q);
    ui_crumb(&crumbs, "<a href=\"/home\">%s</a>", _("首页"));
    ui_begin_at(r, &b, wm_buf_str(&title), &crumbs);
    wm_buf_free(&crumbs);
    list_filter(&b, "/overdue", &q, false);
    wm_h(&b, "<p class=\"lead\">%s <b>%I</b> %s <b>%I</b> ", _("共"), (int64_t)n, _("个单位，"),
         total);
    wm_h(&b, _("项逾期（周期结束后 %d 天仍没有审核通过的文件）。"), q.sched.offset);
    wm_h(&b, "</p>");
    if (0 == n) {
        wm_h(&b, "<p class=\"flash ok\">%s</p>", _("没有逾期未报送的单位。"));
    } else {
        wm_h(&b, "<table class=\"cards\"><thead><tr><th>%s</th><th>%s</th><th>%s</th>"
                 "<th class=\"num\">%s</th></tr></thead><tbody>",
             _("单位名称"), _("类型"), _("所属文明办"), _("逾期项"));
        for (size_t i = (size_t)page * LIST_PAGE; i < n && i < (size_t)(page + 1) * LIST_PAGE;
             i++) {
            const json_t *x = v[i];
            wm_h(&b, "<tr><td><a href=\"/units/%I\">%s</a></td><td data-label=\"%s\">%s</td>"
                     "<td data-label=\"%s\">%s</td><td class=\"num\" data-label=\"%s\">"
                     "<a href=\"/units/%I/archives/%I\">%I</a></td></tr>\n",
                 hi(x, "unit_id"), hs(x, "unit_name"), _("类型"), hs(x, "unit_type"),
                 _("所属文明办"), hs(x, "district_name"), _("逾期项"), hi(x, "unit_id"),
                 hi(x, "year"), hi(x, "overdue"));
        }
        wm_h(&b, "</tbody></table>\n");
        list_pager(&b, "/overdue", &q, page, n);
    }
    free(v);
    json_decref(rows);
    wm_buf_free(&title);
    ui_end(r, &b, 200);
}

void
page_inactive_get(struct wm_req *r)
{
    struct wm_dash_query q;
    unsigned page;
    if (!wm_req_dash_query(r, &q) || !list_page(r, &page)) {
        return;
    }
    struct wm_fail f = {0};
    json_t *rows = wm_units_inactive(r->db, &r->actor, &q, &f);
    if (NULL == rows) {
        ui_fail(r, &f);
        return;
    }
    size_t n = json_array_size(rows);
    struct wm_buf b = {0}, crumbs = {0}, title = {0};
    char what[64];
    snprintf(what, sizeof what, _("%d 天未登录的单位"), q.inactive_days);
    list_title(r, &title, what, &q);
    ui_crumb(&crumbs, "<a href=\"/home\">%s</a>", _("首页"));
    ui_begin_at(r, &b, wm_buf_str(&title), &crumbs);
    wm_buf_free(&crumbs);
    list_filter(&b, "/inactive", &q, true);
    if (0 == n) {
        wm_h(&b, "<p class=\"flash ok\">%s</p>", _("所有单位最近都有账号登录。"));
    } else {
        wm_h(&b, "<p class=\"lead\">%s <b>%I</b> %s</p>", _("共"), (int64_t)n,
             _("个单位，没有登录过的排在前面。"));
        wm_h(&b, "<table class=\"cards\"><thead><tr><th>%s</th><th>%s</th><th>%s</th>"
                 "<th>%s</th></tr></thead><tbody>",
             _("单位名称"), _("类型"), _("所属文明办"), _("最近登录"));
        for (size_t i = (size_t)page * LIST_PAGE; i < n && i < (size_t)(page + 1) * LIST_PAGE;
             i++) {
            const json_t *x = json_array_get(rows, i);
            wm_h(&b, "<tr><td><a href=\"/units/%I\">%s</a></td><td data-label=\"%s\">%s</td>"
                     "<td data-label=\"%s\">%s</td><td data-label=\"%s\">",
                 hi(x, "id"), hs(x, "name"), _("类型"), hs(x, "type"), _("所属文明办"),
                 hs(x, "district_name"), _("最近登录"));
            if (json_is_integer(json_object_get(x, "last_login_at"))) {
                ui_time(&b, hi(x, "last_login_at"));
            } else {
                wm_h(&b, "%s", _("从未登录"));
            }
            wm_h(&b, "</td></tr>\n");
        }
        wm_h(&b, "</tbody></table>\n");
        list_pager(&b, "/inactive", &q, page, n);
    }
    json_decref(rows);
    wm_buf_free(&title);
    ui_end(r, &b, 200);
}

/* ---------------------------------------------------------------- the page */

void
page_home(struct wm_req *r)
{
    struct wm_buf b = {0};
    struct wm_fail f = {0}; /* the first read that failed */
    ui_begin(r, &b, _("首页"));
    wm_h(&b, "<p class=\"lead\">%s，%s（%s · %s）</p>\n", _("您好"), r->who->display_name,
         wm_role_label(r->who->role), r->who->org_name);
    if (wm_actor_is(&r->actor, WM_ROLES_STAFF)) {
        office_part(r, &b, &f); /* the office's work list first */
        wm_h(&b, "<section class=\"stats\">");
        ui_stat_int(&b, _("文明办机构"),
                    wm_org_count(r->db, &r->actor, NULL, "office", NULL, &f), "/orgs", NULL);
        ui_stat_int(&b, _("单位"), wm_org_count(r->db, &r->actor, NULL, "unit", NULL, &f),
                    "/units", NULL);
        wm_h(&b, "</section>\n<section class=\"card\"><h2>%s</h2><ul class=\"types\">",
             _("按类型统计单位"));
        for (int i = 0; wm_unit_types[i]; i++) {
            wm_h(&b, "<li><a href=\"/units?type=%U\">%s</a> <b>%I</b></li>", wm_unit_types[i],
                 wm_unit_types[i],
                 wm_org_count(r->db, &r->actor, NULL, "unit", wm_unit_types[i], &f));
        }
        wm_h(&b, "</ul></section>\n");
        if (WM_ROLE_ADMIN == r->who->role) {
            struct wm_fail ff = {0};
            json_t *fx = wm_fixity_last(r->db, &r->actor, &ff);
            if (NULL == fx && WM_E_NOT_FOUND != ff.err) {
                f = ff;
            }
            wm_h(&b, "<section class=\"card\"><h2>%s</h2>", _("文件完整性检查"));
            if (fx) {
                json_int_t missing = json_integer_value(json_object_get(fx, "missing"));
                json_int_t corrupt = json_integer_value(json_object_get(fx, "corrupt"));
                wm_h(&b, "<p class=\"%s\">", missing || corrupt ? "flash err" : "flash ok");
                ui_time(&b, json_integer_value(json_object_get(fx, "finished_at")));
                wm_h(&b, " · %s %I，%s %I，%s %I</p>", _("已检查"),
                     (int64_t)json_integer_value(json_object_get(fx, "checked")), _("缺失"),
                     (int64_t)missing, _("损坏"), (int64_t)corrupt);
                json_decref(fx);
            } else {
                wm_h(&b, "<p class=\"hint\">%s</p>",
                     _("尚未运行。服务器按 fixity_hours 定期检查，也可运行 wenming verify blobs。"));
            }
            wm_h(&b, "</section>\n");
        }
    } else if (WM_ROLE_EVALUATOR == r->who->role) {
        ui_home_evaluator(r, &b, &f); /* ui_groups.c */
    } else {
        ui_home_unit(r, &b, &f); /* ui_home_unit.c */
    }
    if (WM_OK != f.err) {
        wm_buf_free(&b);
        wm_reply_fail(r, &f);
        return;
    }
    ui_end(r, &b, 200);
}

/* end of page_home.c */
