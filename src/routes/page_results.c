/*
** page_results.c — a round's result pages (issue 10): /rounds/{id}/results (offices: the
** ranked table with filters by district, type and pass/fail, 50 rows a page, the
** documents, and the forms that open rectification items and write the titles; units:
** their own result once published), /rounds/{id}/publicity (公示: the passing units and
** the dates, no scores; the unit's own result and the objection form during publicity),
** /rounds/{id}/objections (the list; the office answers).  The rectification items' pages
** are page_work_rect.c's (issue 12).  Forms post here and redirect (303); the rules are
** src/core/results.c's.
*/
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "handlers.h"

static json_t *
req_round(struct wm_req *r)
{
    struct wm_fail f = { 0 };
    json_t *round = wm_round_get_scoped(r->db, &r->actor, r->ids[0], &f);
    if (NULL == round) {
        ui_fail(r, &f);
    }
    return round;
}

static void
crumbs(struct wm_buf *c, const json_t *round)
{
    ui_crumb(c, "<a href=\"/rounds\">%s</a>", _("测评"));
    ui_crumb(c, "<a href=\"/rounds/%I\">%s</a>", ji(round, "id"), js(round, "name"));
}

static void
points(struct wm_buf *b, const json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    if (json_is_integer(v)) {
        wm_html_hundredths(b, json_integer_value(v));
    } else {
        wm_h(b, "—");
    }
}

static void
verdict(struct wm_buf *b, const json_t *row)
{
    if (!json_is_true(json_object_get(row, "locked"))) {
        wm_h(b, "<span class=\"badge\">%s</span>", _("未锁定"));
    } else if (json_is_true(json_object_get(row, "vetoed"))) {
        wm_h(b, "<span class=\"badge bad\">%s</span>", _("一票否决"));
    } else if (json_is_true(json_object_get(row, "pass"))) {
        wm_h(b, "<span class=\"badge ok\">%s</span>", _("合格"));
    } else {
        wm_h(b, "<span class=\"badge bad\">%s</span>", _("不合格"));
    }
}

/* A unit's own result (its row), as a card. */
static void
own_card(struct wm_buf *b, const json_t *round, const json_t *row)
{
    wm_h(b, "<section class=\"card\" id=\"own-result\"><h2>%s</h2><p>%s：<strong>",
         _("本单位测评结果"), _("总分"));
    points(b, row, "total");
    wm_h(b, "</strong>　");
    verdict(b, row);
    if (ji(row, "rank")) {
        wm_h(b, "　%s %I", _("名次"), ji(row, "rank"));
    }
    wm_h(b, "</p><table><thead><tr><th>%s</th><th class=\"num\">%s</th></tr></thead><tbody>",
         _("一级指标"), _("得分"));
    size_t i;
    json_t *t;
    json_array_foreach(json_object_get(row, "tops"), i, t)
    {
        wm_h(b, "<tr><td>%s %s</td><td class=\"num\">", js(t, "code"), js(t, "title"));
        json_t *v = json_array_get(json_object_get(row, "subtotals"), i);
        if (json_is_integer(v)) {
            wm_html_hundredths(b, json_integer_value(v));
        }
        wm_h(b, "</td></tr>");
    }
    wm_h(b, "</tbody></table>");
    if (json_is_true(json_object_get(row, "locked"))) {
        wm_h(b,
             "<p><a class=\"button secondary\" href=\"/api/v1/rounds/%I/entries/%I/sheet.pdf\">"
             "%s</a> <a class=\"button secondary\" "
             "href=\"/api/v1/rounds/%I/entries/%I/sheet.xlsx\">%s</a></p>",
             ji(round, "id"), ji(row, "entry_id"), _("评分表 PDF"), ji(round, "id"),
             ji(row, "entry_id"), _("评分表 XLSX"));
    }
    wm_h(b, "</section>\n");
}

/* ---------------------------------------------------------------- /rounds/{id}/results */

void
page_round_results_get(struct wm_req *r)
{
    struct wm_results_q q;
    if (!wm_req_results_q(r, &q, 50)) {
        return;
    }
    json_t *round = req_round(r);
    if (NULL == round) {
        return;
    }
    struct wm_fail f = { 0 };
    json_t *res = wm_results(r->db, &r->actor, round, &q, &f);
    if (NULL == res) {
        json_decref(round);
        ui_fail(r, &f);
        return;
    }
    int64_t rid = ji(round, "id");
    struct wm_buf b = { 0 }, c = { 0 };
    crumbs(&c, round);
    ui_begin_at(r, &b, _("测评结果"), &c);
    wm_buf_free(&c);
    if (wm_actor_is(&r->actor, WM_ROLES_UNIT)) {
        json_t *row = json_array_get(json_object_get(res, "items"), 0);
        if (row) {
            json_object_set(row, "tops", json_object_get(res, "tops"));
            own_card(&b, round, row);
        } else {
            wm_h(&b, "<p class=\"empty\">%s</p>", _("本单位没有参加这一轮测评。"));
        }
        json_decref(res);
        json_decref(round);
        ui_end(r, &b, 200);
        return;
    }
    const json_t *cn = json_object_get(res, "counts");
    wm_h(&b, "<p id=\"counts\">%s %I，%s %I，%s %I，%s %I；%s ", _("参评"), ji(cn, "entries"),
         _("已锁定"), ji(cn, "locked"), _("合格"), ji(cn, "passed"), _("不合格"), ji(cn, "failed"),
         _("合格线"));
    points(&b, round, "pass_threshold");
    wm_h(&b, " %s</p>\n", _("分"));
    wm_h(&b,
         "<p><a class=\"button secondary\" href=\"/api/v1/rounds/%I/results.xlsx\">%s</a> "
         "<a class=\"button secondary\" href=\"/api/v1/rounds/%I/results.pdf\">%s</a> "
         "<a class=\"button secondary\" href=\"/rounds/%I/publicity\">%s</a> "
         "<a class=\"button secondary\" href=\"/rounds/%I/objections\">%s</a></p>\n",
         rid, _("排名表 XLSX"), rid, _("排名表 PDF"), rid, _("公示"), rid, _("异议"));
    /* filters */
    const char *ft = wm_req_arg(r, "unit_type"), *fp = wm_req_arg(r, "pass");
    const char *fd = wm_req_arg(r, "district");
    wm_h(&b,
         "<form method=\"get\" action=\"/rounds/%I/results\" class=\"row filter\">"
         "<label>%s<select name=\"district\"><option value=\"\">%s</option>",
         rid, _("所在辖区"), _("全部"));
    size_t di;
    json_t *dv;
    json_array_foreach(json_object_get(res, "districts"), di, dv)
    {
        char idt[32];
        snprintf(idt, sizeof idt, "%lld", (long long)ji(dv, "id"));
        wm_h(&b, "<option value=\"%s\"%r>%s</option>", idt,
             fd && wm_streq(fd, idt) ? " selected" : "", js(dv, "name"));
    }
    wm_h(&b, "</select></label><label>%s<select name=\"unit_type\"><option value=\"\">%s</option>",
         _("单位类型"), _("全部"));
    for (size_t i = 0; wm_unit_types[i]; i++) {
        wm_h(&b, "<option%r>%s</option>", ft && wm_streq(ft, wm_unit_types[i]) ? " selected" : "",
             wm_unit_types[i]);
    }
    wm_h(&b,
         "</select></label><label>%s<select name=\"pass\"><option value=\"\">%s</option>"
         "<option value=\"1\"%r>%s</option><option value=\"0\"%r>%s</option></select></label>",
         _("结果"), _("全部"), fp && wm_streq(fp, "1") ? " selected" : "", _("合格"),
         fp && wm_streq(fp, "0") ? " selected" : "", _("不合格"));
    static const char *const sorts[][2] = { { "rank", N_("名次") },
                                            { "district", N_("辖区内名次") },
                                            { "type", N_("同类名次") },
                                            { "code", N_("单位代码") } };
    const char *fs = wm_req_arg(r, "sort");
    wm_h(&b, "<label>%s<select name=\"sort\">", _("排序"));
    for (size_t k = 0; k < WM_ARRAY_LEN(sorts); k++) {
        wm_h(&b, "<option value=\"%s\"%r>%s</option>", sorts[k][0],
             fs && wm_streq(fs, sorts[k][0]) ? " selected" : "", _(sorts[k][1]));
    }
    wm_h(&b, "</select></label><button type=\"submit\" class=\"secondary\">%s</button></form>\n",
         _("筛选"));
    /* the table */
    const json_t *tops = json_object_get(res, "tops");
    wm_h(&b,
         "<table class=\"cards\" id=\"results\"><thead><tr><th class=\"num\">%s</th>"
         "<th>%s</th><th>%s</th><th>%s</th>",
         _("名次"), _("单位"), _("所在辖区"), _("类型"));
    size_t i;
    json_t *t;
    json_array_foreach(tops, i, t)
    {
        wm_h(&b, "<th class=\"num\" title=\"%s\">%s</th>", js(t, "title"), js(t, "code"));
    }
    wm_h(&b,
         "<th class=\"num\">%s</th><th>%s</th><th class=\"num\">%s</th>"
         "<th class=\"num\">%s</th><th>%s</th></tr></thead><tbody>",
         _("总分"), _("结果"), _("辖区内名次"), _("同类名次"), _("评分表"));
    json_t *row;
    json_array_foreach(json_object_get(res, "items"), i, row)
    {
        wm_h(&b, "<tr data-id=\"%I\"><td class=\"num\" data-label=\"%s\">", ji(row, "entry_id"),
             _("名次"));
        if (ji(row, "rank")) {
            wm_h(&b, "%I", ji(row, "rank"));
        }
        wm_h(&b,
             "</td><td data-label=\"%s\">%s<br><span class=\"hint\">%s · %s</span></td>"
             "<td data-label=\"%s\">%s</td><td data-label=\"%s\">%s</td>",
             _("单位"), js(row, "unit_name"), js(row, "unit_code"),
             wm_entry_kind_label(js(row, "kind")), _("所在辖区"), js(row, "district_name"),
             _("类型"), js(row, "unit_type"));
        size_t k;
        json_array_foreach(tops, k, t)
        {
            wm_h(&b, "<td class=\"num\" data-label=\"%s\">", js(t, "code"));
            json_t *v = json_array_get(json_object_get(row, "subtotals"), k);
            if (json_is_integer(v)) {
                wm_html_hundredths(&b, json_integer_value(v));
            }
            wm_h(&b, "</td>");
        }
        wm_h(&b, "<td class=\"num\" data-label=\"%s\"><strong>", _("总分"));
        points(&b, row, "total");
        wm_h(&b, "</strong></td><td data-label=\"%s\">", _("结果"));
        verdict(&b, row);
        wm_h(&b, "</td><td class=\"num\" data-label=\"%s\">", _("辖区内名次"));
        if (ji(row, "rank_district")) {
            wm_h(&b, "%I", ji(row, "rank_district"));
        }
        wm_h(&b, "</td><td class=\"num\" data-label=\"%s\">", _("同类名次"));
        if (ji(row, "rank_type")) {
            wm_h(&b, "%I", ji(row, "rank_type"));
        }
        wm_h(&b, "</td><td data-label=\"%s\">", _("评分表"));
        if (json_is_true(json_object_get(row, "locked"))) {
            wm_h(&b,
                 "<a href=\"/api/v1/rounds/%I/entries/%I/sheet.pdf\">PDF</a> "
                 "<a href=\"/api/v1/rounds/%I/entries/%I/sheet.xlsx\">XLSX</a>",
                 rid, ji(row, "entry_id"), rid, ji(row, "entry_id"));
        }
        wm_h(&b, "</td></tr>\n");
    }
    if (0 == json_array_size(json_object_get(res, "items"))) {
        wm_h(&b, "<tr class=\"empty\"><td colspan=\"%I\" class=\"empty\">%s</td></tr>",
             (int64_t)(json_array_size(tops) + 9), _("没有符合条件的单位。"));
    }
    wm_h(&b, "</tbody></table>\n");
    /* pages */
    int64_t matched = ji(res, "matched");
    if (q.offset > 0 || (int64_t)q.offset + q.limit < matched) {
        wm_h(&b, "<p class=\"pager\">");
        struct wm_buf keep = { 0 };
        if (fd && *fd) {
            wm_buf_printf(&keep, "&district=");
            wm_url_encode(&keep, fd);
        }
        if (ft && *ft) {
            wm_buf_printf(&keep, "&unit_type=");
            wm_url_encode(&keep, ft);
        }
        if (fs && *fs) {
            wm_buf_printf(&keep, "&sort=");
            wm_url_encode(&keep, fs);
        }
        if (fp && *fp) {
            wm_buf_printf(&keep, "&pass=");
            wm_url_encode(&keep, fp);
        }
        if (q.offset > 0) {
            wm_h(&b, "<a href=\"/rounds/%I/results?offset=%I%s\">← %s</a> ", rid,
                 (int64_t)(q.offset > q.limit ? q.offset - q.limit : 0), wm_buf_str(&keep),
                 _("上一页"));
        }
        if ((int64_t)q.offset + q.limit < matched) {
            wm_h(&b, "<a href=\"/rounds/%I/results?offset=%I%s\">%s →</a>", rid,
                 (int64_t)(q.offset + q.limit), wm_buf_str(&keep), _("下一页"));
        }
        wm_buf_free(&keep);
        wm_h(&b, "</p>\n");
    }
    /* the office's actions */
    if (wm_round_is_owner(&r->actor, round) || wm_actor_is(&r->actor, WM_ROLE_BIT(WM_ROLE_ADMIN))) {
        const char *st = js(round, "state");
        if (wm_streq(st, "locked") || wm_streq(st, "publicity") || wm_streq(st, "closed")) {
            wm_h(&b,
                 "<h2>%s</h2><form method=\"post\" action=\"/rounds/%I/rectifications\" "
                 "class=\"row\">",
                 _("开具整改项"), rid);
            ui_csrf(r, &b);
            wm_h(&b,
                 "<p class=\"hint\">%s</p><label>%s<input type=\"date\" name=\"due_on\">"
                 "</label><button type=\"submit\">%s</button></form>\n",
                 _("为每个已锁定单位的每个失分指标开具一条整改项（已开具的不重复）。"),
                 _("整改期限"), _("开具整改项"));
        }
        if (wm_streq(st, "closed")) {
            wm_h(&b, "<h2>%s</h2><form method=\"post\" action=\"/rounds/%I/titles\">",
                 _("写入称号"), rid);
            ui_csrf(r, &b);
            wm_h(&b,
                 "<p class=\"hint\">%s</p><label>%s<input name=\"title\" required "
                 "maxlength=\"100\" placeholder=\"%s\"></label><label>%s<input "
                 "name=\"award_doc\" maxlength=\"200\"></label><label>%s<input type=\"date\" "
                 "name=\"awarded_on\" required></label><label>%s<input type=\"date\" "
                 "name=\"valid_until\" required></label><button type=\"submit\">%s</button>"
                 "</form>\n",
                 _("新申报合格的授予称号，复查合格的保留，复查不合格的撤销。"), _("称号"),
                 _("第十五届市级文明单位"), _("授予文件"), _("授予日期"), _("有效期至"),
                 _("写入称号"));
        }
    }
    json_decref(res);
    json_decref(round);
    ui_end(r, &b, 200);
}

/* ---------------------------------------------------------------- /rounds/{id}/publicity */

void
page_round_publicity_get(struct wm_req *r)
{
    json_t *round = req_round(r);
    if (NULL == round) {
        return;
    }
    struct wm_fail f = { 0 };
    json_t *p = wm_publicity(r->db, &r->actor, round, &f);
    if (NULL == p) {
        json_decref(round);
        ui_fail(r, &f);
        return;
    }
    int64_t rid = ji(round, "id");
    struct wm_buf b = { 0 }, c = { 0 };
    crumbs(&c, round);
    ui_begin_at(r, &b, _("测评结果公示"), &c);
    wm_buf_free(&c);
    wm_h(&b, "<p id=\"publicity-dates\">%s：%s %s %s</p>\n", _("公示期"), js(p, "publicity_start"),
         _("至"), js(p, "publicity_end"));
    json_t *own = json_object_get(p, "own");
    if (json_is_object(own)) {
        json_object_set(own, "tops", json_object_get(p, "tops"));
        own_card(&b, round, own);
    }
    wm_h(&b,
         "<h2>%s</h2><table id=\"publicity\"><thead><tr><th>%s</th><th>%s</th><th>%s</th>"
         "<th>%s</th></tr></thead><tbody>",
         _("拟授予或保留称号的单位"), _("单位"), _("所在辖区"), _("类型"), _("类别"));
    size_t i;
    json_t *o;
    json_array_foreach(json_object_get(p, "items"), i, o)
    {
        wm_h(&b, "<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>\n", js(o, "unit_name"),
             js(o, "district_name"), js(o, "unit_type"), wm_entry_kind_label(js(o, "kind")));
    }
    if (0 == json_array_size(json_object_get(p, "items"))) {
        wm_h(&b, "<tr class=\"empty\"><td colspan=\"4\" class=\"empty\">%s</td></tr>",
             _("没有合格单位。"));
    }
    wm_h(&b, "</tbody></table>\n");
    bool writer =
        wm_actor_is(&r->actor, WM_ROLE_BIT(WM_ROLE_UNIT_ADMIN) | WM_ROLE_BIT(WM_ROLE_UNIT_MEMBER));
    if (writer && wm_round_in_state(round, "publicity")) {
        wm_h(&b, "<h2>%s</h2><form method=\"post\" action=\"/rounds/%I/objections\">",
             _("提出异议"), rid);
        ui_csrf(r, &b);
        wm_h(&b, "<label>%s<select name=\"entry_id\"><option value=\"\">%s</option>", _("所涉单位"),
             _("（总体意见）"));
        json_array_foreach(json_object_get(p, "items"), i, o)
        {
            wm_h(&b, "<option value=\"%I\">%s</option>", ji(o, "entry_id"), js(o, "unit_name"));
        }
        wm_h(&b,
             "</select></label><label>%s<textarea name=\"text\" required maxlength=\"2000\" "
             "rows=\"4\"></textarea></label><button type=\"submit\">%s</button></form>\n",
             _("异议内容"), _("提交异议"));
        wm_h(&b, "<p><a href=\"/rounds/%I/objections\">%s</a></p>\n", rid, _("本单位提出的异议"));
    }
    json_decref(p);
    json_decref(round);
    ui_end(r, &b, 200);
}

/* ---------------------------------------------------------------- objections */

void
page_round_objections_get(struct wm_req *r)
{
    json_t *round = req_round(r);
    if (NULL == round) {
        return;
    }
    struct wm_fail f = { 0 };
    json_t *l = wm_objection_list(r->db, &r->actor, round, wm_req_arg(r, "state"), &f);
    if (NULL == l) {
        json_decref(round);
        ui_fail(r, &f);
        return;
    }
    int64_t rid = ji(round, "id");
    bool answers =
        wm_round_is_owner(&r->actor, round) || wm_actor_is(&r->actor, WM_ROLE_BIT(WM_ROLE_ADMIN));
    struct wm_buf b = { 0 }, c = { 0 };
    crumbs(&c, round);
    ui_begin_at(r, &b, _("异议"), &c);
    wm_buf_free(&c);
    wm_h(&b,
         "<table class=\"cards\" id=\"objections\"><thead><tr><th>%s</th><th>%s</th>"
         "<th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>",
         _("提出单位"), _("所涉单位"), _("异议内容"), _("时间"), _("答复"));
    size_t i;
    json_t *o;
    json_array_foreach(l, i, o)
    {
        wm_h(&b,
             "<tr data-id=\"%I\"><td data-label=\"%s\">%s</td><td data-label=\"%s\">%s</td>"
             "<td data-label=\"%s\">%s</td><td data-label=\"%s\">",
             ji(o, "id"), _("提出单位"), js(o, "unit_name"), _("所涉单位"),
             js(o, "entry_unit_name"), _("异议内容"), js(o, "text"), _("时间"));
        ui_time(&b, ji(o, "created_at"));
        wm_h(&b, "</td><td data-label=\"%s\">", _("答复"));
        if (wm_streq(js(o, "state"), "answered")) {
            wm_h(&b, "%s<br><span class=\"hint\">%s</span>", js(o, "answer"),
                 js(o, "answered_by_name"));
        } else if (answers) {
            wm_h(&b, "<form method=\"post\" action=\"/rounds/%I/objections/%I/answer\">", rid,
                 ji(o, "id"));
            ui_csrf(r, &b);
            wm_h(&b,
                 "<label>%s<textarea name=\"answer\" required maxlength=\"2000\" rows=\"2\">"
                 "</textarea></label><button type=\"submit\">%s</button></form>",
                 _("答复"), _("答复"));
        } else {
            wm_h(&b, "<span class=\"badge\">%s</span>", _("待答复"));
        }
        wm_h(&b, "</td></tr>\n");
    }
    if (0 == json_array_size(l)) {
        wm_h(&b, "<tr class=\"empty\"><td colspan=\"5\" class=\"empty\">%s</td></tr>",
             _("没有异议。"));
    }
    wm_h(&b, "</tbody></table>\n");
    json_decref(l);
    json_decref(round);
    ui_end(r, &b, 200);
}

static int64_t
form_id(struct wm_req *r, const char *name)
{
    const char *v = wm_form(r, name);
    char *end = NULL;
    long long n = v && *v ? strtoll(v, &end, 10) : 0;
    return end && *end ? -1 : n;
}

void
page_round_objections_post(struct wm_req *r)
{
    json_t *round = req_round(r);
    if (NULL == round) {
        return;
    }
    struct wm_fail f = { 0 };
    int64_t id = 0;
    enum wm_err e = wm_objection_lodge(r->db, &r->actor, round, form_id(r, "entry_id"),
                                       wm_form(r, "text"), &id, &f);
    char to[64];
    snprintf(to, sizeof to, "/rounds/%lld/publicity", (long long)ji(round, "id"));
    json_decref(round);
    ui_done(r, e, &f, to, _("异议已提交"));
}

void
page_round_objection_answer_post(struct wm_req *r)
{
    json_t *round = req_round(r);
    if (NULL == round) {
        return;
    }
    struct wm_fail f = { 0 };
    enum wm_err e =
        wm_objection_answer(r->db, &r->actor, round, r->ids[1], wm_form(r, "answer"), &f);
    char to[64];
    snprintf(to, sizeof to, "/rounds/%lld/objections", (long long)ji(round, "id"));
    json_decref(round);
    ui_done(r, e, &f, to, _("已答复"));
}

/* ---------------------------------------------------------------- titles, rectification */

void
page_round_titles_post(struct wm_req *r)
{
    json_t *round = req_round(r);
    if (NULL == round) {
        return;
    }
    struct wm_titles_in in = { .title = wm_form(r, "title"),
                               .award_doc = wm_form(r, "award_doc"),
                               .awarded_on = wm_form(r, "awarded_on"),
                               .valid_until = wm_form(r, "valid_until") };
    struct wm_fail f = { 0 };
    json_t *report = NULL;
    enum wm_err e = wm_results_titles(r->db, &r->actor, round, &in, &report, &f);
    char to[64];
    snprintf(to, sizeof to, "/rounds/%lld/results", (long long)ji(round, "id"));
    char *ok = report ? wm_asprintf(_("称号已写入：授予 %lld，保留 %lld，撤销 %lld"),
                                    (long long)ji(report, "awarded"), (long long)ji(report, "kept"),
                                    (long long)ji(report, "revoked"))
                      : NULL;
    json_decref(report);
    json_decref(round);
    ui_done(r, e, &f, to, ok ? ok : "");
    free(ok);
}

void
page_round_rectifications_post(struct wm_req *r)
{
    json_t *round = req_round(r);
    if (NULL == round) {
        return;
    }
    struct wm_fail f = { 0 };
    int64_t n = 0;
    enum wm_err e = wm_results_rectify(r->db, &r->actor, round, form_id(r, "entry_id"),
                                       wm_form(r, "due_on"), &n, &f);
    char to[64];
    snprintf(to, sizeof to, "/rounds/%lld/results", (long long)ji(round, "id"));
    json_decref(round);
    char *ok = wm_asprintf(_("已开具 %lld 条整改项"), (long long)n);
    ui_done(r, e, &f, to, ok);
    free(ok);
}

/* end of page_results.c */
