/*
** page_work_meet.c — the creation work's meetings as pages (issue 12): a unit's meetings
** of a year (/units/{id}/work/meetings: the cadence per kind with missing meetings marked
** 逾期, the list, a form to record one, the kinds and their edit forms) and a meeting
** (/work/meetings/{id}: its details, its filed documents or why it is not filed, the edit
** form, the upload of photos and a minutes file).  Forms for the unit's admin only.
*/
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "handlers.h"

static const char *const period_names[] = { "none", "monthly", "quarterly", "half-yearly",
                                            "yearly", NULL };

static const char *
period_label(const char *p)
{
    static const char *const labels[] = { N_("不定期"), N_("每月"), N_("每季度"), N_("每半年"),
                                          N_("每年") };
    for (int i = 0; period_names[i]; i++) {
        if (wm_streq(p, period_names[i])) {
            return _(labels[i]);
        }
    }
    return p;
}

static void
period_select(struct wm_buf *b, const char *current)
{
    wm_h(b, "<select name=\"period\">");
    for (int i = 0; period_names[i]; i++) {
        wm_h(b, "<option value=\"%s\"%r>%s</option>", period_names[i],
             wm_streq(current, period_names[i]) ? " selected" : "", period_label(period_names[i]));
    }
    wm_h(b, "</select>");
}

/* ---------------------------------------------------------------- the unit's meetings */

/* A period's mark: met (green), 逾期 (red), current (yellow), future or nothing owed. */
static void
period_badge(struct wm_buf *b, const json_t *p)
{
    const char *st = js(p, "state");
    const char *cls = wm_streq(st, "met") ? "published" : wm_streq(st, "late") ? "veto"
                      : wm_streq(st, "current")                                ? "draft"
                                                                               : "";
    const char *word = wm_streq(st, "met")       ? _("已召开")
                       : wm_streq(st, "late")    ? _("逾期")
                       : wm_streq(st, "current") ? _("本期")
                       : wm_streq(st, "none")    ? _("不要求")
                                                 : _("未到期");
    wm_h(b, "<li class=\"period-%s\">%s <span class=\"badge %s\">%s</span> %I / %I</li>",
         st, js(p, "label"), cls, word, ji(p, "held"), ji(p, "owed"));
}

static void
cadence_card(struct wm_buf *b, const json_t *cad)
{
    wm_h(b, "<section class=\"card\" id=\"cadence\"><h2>%s</h2>", _("会议频次"));
    size_t i, k;
    json_t *x, *p;
    json_array_foreach(json_object_get(cad, "kinds"), i, x)
    {
        wm_h(b, "<h3>%s <small class=\"hint\">%s %s %I %s</small>", js(x, "name"),
             period_label(js(x, "period")), _("至少"), ji(x, "min_count"), _("次"));
        if (ji(x, "late") > 0) {
            wm_h(b, " <span class=\"badge veto\">%s %I %s</span>", _("逾期"), ji(x, "late"),
                 _("期"));
        }
        wm_h(b, "</h3><ul class=\"periods\">");
        json_array_foreach(json_object_get(x, "periods"), k, p)
        {
            period_badge(b, p);
        }
        wm_h(b, "</ul>\n");
    }
    if (0 == json_array_size(json_object_get(cad, "kinds"))) {
        wm_h(b, "<p class=\"hint\">%s</p>", _("没有设定频次的会议类型。"));
    }
    wm_h(b, "</section>\n");
}

static void
meetings_table(struct wm_buf *b, const json_t *rows)
{
    wm_h(b,
         "<section class=\"card\" id=\"meetings\"><h2>%s</h2><table class=\"cards\"><thead><tr>"
         "<th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>",
         _("会议记录"), _("日期"), _("会议类型"), _("会议名称"), _("地点"));
    size_t i;
    json_t *m;
    json_array_foreach(rows, i, m)
    {
        wm_h(b,
             "<tr><td>%s</td><td data-label=\"%s\">%s</td><td data-label=\"%s\">"
             "<a href=\"/work/meetings/%I\">%s</a></td><td data-label=\"%s\">%s</td></tr>\n",
             js(m, "held_on"), _("会议类型"), js(m, "kind_name"), _("会议名称"), ji(m, "id"),
             js(m, "title"), _("地点"), js(m, "place"));
    }
    wm_h(b, "</tbody></table>");
    if (0 == json_array_size(rows)) {
        wm_h(b, "<p class=\"hint\">%s</p>", _("本年度还没有会议记录。召开会议后，在下方登记。"));
    }
    wm_h(b, "</section>\n");
}

static void
kind_options(struct wm_buf *b, const json_t *kinds, int64_t current)
{
    size_t i;
    json_t *k;
    json_array_foreach(kinds, i, k)
    {
        if (ji(k, "active") || ji(k, "id") == current) {
            wm_h(b, "<option value=\"%I\"%r>%s</option>", ji(k, "id"),
                 ji(k, "id") == current ? " selected" : "", js(k, "name"));
        }
    }
}

/* The fields of a meeting (the new-meeting form and the edit form). */
static void
meeting_fields(struct wm_buf *b, const json_t *kinds, const json_t *m)
{
    char today[WM_DAY_LEN];
    wm_day_format(wm_day_today(), today);
    wm_h(b, "<label>%s<select name=\"kind_id\" required>", _("会议类型"));
    kind_options(b, kinds, m ? ji(m, "kind_id") : 0);
    wm_h(b,
         "</select></label><label>%s<input type=\"date\" name=\"held_on\" required value=\"%s\">"
         "</label><label>%s<input name=\"title\" required maxlength=\"200\" value=\"%s\"></label>"
         "<label>%s<input name=\"place\" maxlength=\"200\" value=\"%s\"></label>"
         "<label class=\"wide\">%s<textarea name=\"attendees\" rows=\"2\">%s</textarea></label>"
         "<label class=\"wide\">%s<textarea name=\"minutes\" rows=\"8\">%s</textarea>"
         "<small class=\"hint\">%s</small></label>",
         _("会议日期"), m ? js(m, "held_on") : today, _("会议名称"), m ? js(m, "title") : "",
         _("地点"), m ? js(m, "place") : "", _("参会人员"), m ? js(m, "attendees") : "",
         _("会议纪要"), m ? js(m, "minutes") : "",
         _("填写的纪要会生成 PDF 文件，归入该会议类型的归档指标；修改后生成新版本。"));
}

static void
new_meeting_form(struct wm_req *r, struct wm_buf *b, int64_t unit, const json_t *kinds)
{
    wm_h(b,
         "<details class=\"card\" id=\"new\"><summary>%s</summary>"
         "<form method=\"post\" action=\"/units/%I/work/meetings\" class=\"grid\">",
         _("登记会议"), unit);
    ui_csrf(r, b);
    meeting_fields(b, kinds, NULL);
    wm_h(b, "<button type=\"submit\">%s</button></form></details>\n", _("登记"));
}

static void
kind_form(struct wm_req *r, struct wm_buf *b, const json_t *k, int64_t unit)
{
    if (k) {
        wm_h(b, "<form method=\"post\" action=\"/work/meeting-kinds/%I\" class=\"row\">",
             ji(k, "id"));
    } else {
        wm_h(b, "<form method=\"post\" action=\"/units/%I/work/meeting-kinds\" class=\"row\">",
             unit);
    }
    ui_csrf(r, b);
    wm_h(b, "<label>%s<input name=\"name\" required maxlength=\"50\" value=\"%s\"></label><label>%s",
         _("名称"), k ? js(k, "name") : "", _("周期"));
    period_select(b, k ? js(k, "period") : "monthly");
    wm_h(b,
         "</label><label>%s<input type=\"number\" name=\"min_count\" min=\"0\" max=\"100\" "
         "value=\"%I\"></label><label>%s<input name=\"leaf_code\" maxlength=\"64\" value=\"%s\" "
         "placeholder=\"%s\"></label><label>%s<select name=\"active\"><option value=\"1\">%s"
         "</option><option value=\"0\"%r>%s</option></select></label>"
         "<button type=\"submit\">%s</button></form>\n",
         _("每期至少"), k ? ji(k, "min_count") : 1, _("归档指标"), k ? js(k, "leaf_code") : "",
         _("如 1.2.3"), _("状态"), _("启用"), k && !ji(k, "active") ? " selected" : "",
         _("停用"), k ? _("保存") : _("添加"));
}

static void
kinds_card(struct wm_req *r, struct wm_buf *b, const json_t *kinds, int64_t unit, bool admin)
{
    wm_h(b, "<section class=\"card\" id=\"kinds\"><h2>%s</h2>", _("会议类型"));
    size_t i;
    json_t *k;
    json_array_foreach(kinds, i, k)
    {
        if (admin) {
            kind_form(r, b, k, unit);
            continue;
        }
        wm_h(b, "<p>%s：%s，%s %I %s；%s %s</p>\n", js(k, "name"), period_label(js(k, "period")),
             _("每期至少"), ji(k, "min_count"), _("次"), _("归档指标"),
             *js(k, "leaf_code") ? js(k, "leaf_code") : _("未设置"));
    }
    if (admin) {
        wm_h(b, "<h3>%s</h3>", _("添加会议类型"));
        kind_form(r, b, NULL, unit);
        wm_h(b, "<p class=\"hint\">%s</p>",
             _("归档指标须是本年度档案的末级指标；会议纪要和照片归入该指标。"));
    }
    wm_h(b, "</section>\n");
}

void
page_work_meetings_get(struct wm_req *r)
{
    int64_t unit = r->ids[0], year = wm_archive_current_year();
    struct wm_fail f = { 0 };
    if (!wm_req_int(r, "year", WM_ARCHIVE_YEAR_MIN, 9999, &year)) {
        return;
    }
    json_t *cad = wm_meeting_cadence(r->db, &r->actor, unit, year, wm_day_today(), &f);
    json_t *kinds = cad ? wm_meeting_kinds(r->db, &r->actor, unit, &f) : NULL;
    json_t *rows = kinds ? wm_meetings(r->db, &r->actor, unit, year, 0, &f) : NULL;
    json_t *u = rows ? wm_unit_get_scoped(r->db, &r->actor, unit, &f) : NULL;
    if (NULL == u) {
        ui_fail(r, &f);
    } else {
        bool admin = wm_meeting_may_write(&r->actor, unit);
        struct wm_buf b = { 0 }, c = { 0 };
        char *title = wm_asprintf(_("%lld 年度会议"), (long long)year);
        ui_crumb(&c, "<a href=\"/units/%I\">%s</a>", unit, js(u, "name"));
        ui_begin_at(r, &b, title, &c);
        ui_flash(r, &b);
        wm_h(&b, "<p class=\"actions\"><a class=\"button secondary\" href=\"?year=%I\">%s</a> "
                 "<a class=\"button secondary\" href=\"?year=%I\">%s</a>%r</p>\n",
             year - 1, _("上一年"), year + 1, _("下一年"),
             admin ? " <a class=\"button\" href=\"#new\">登记会议</a>" : "");
        cadence_card(&b, cad);
        meetings_table(&b, rows);
        if (admin) {
            new_meeting_form(r, &b, unit, kinds);
        }
        kinds_card(r, &b, kinds, unit, admin);
        ui_end(r, &b, 200);
        wm_buf_free(&c);
        free(title);
    }
    json_decref(u);
    json_decref(rows);
    json_decref(kinds);
    json_decref(cad);
}

void
page_work_meetings_post(struct wm_req *r)
{
    struct wm_fail f = { 0 };
    int64_t id = 0;
    char back[64];
    snprintf(back, sizeof back, "/units/%lld/work/meetings#new", (long long)r->ids[0]);
    enum wm_err e = wm_meeting_create(r->db, &r->actor, r->ids[0], r->form, &id, &f);
    if (WM_OK == e) {
        char to[48];
        snprintf(to, sizeof to, "/work/meetings/%lld", (long long)id);
        ui_redirect_msg(r, to, "ok", _("会议已登记"));
        return;
    }
    ui_done(r, e, &f, back, NULL);
}

void
page_work_meeting_kinds_post(struct wm_req *r)
{
    struct wm_fail f = { 0 };
    int64_t id = 0;
    char back[64];
    snprintf(back, sizeof back, "/units/%lld/work/meetings#kinds", (long long)r->ids[0]);
    enum wm_err e = wm_meeting_kind_create(r->db, &r->actor, r->ids[0], r->form, &id, &f);
    ui_done(r, e, &f, back, _("会议类型已添加"));
}

void
page_work_meeting_kind_post(struct wm_req *r)
{
    struct wm_fail f = { 0 };
    json_t *k = wm_meeting_kind_get(r->db, &r->actor, r->ids[0], &f);
    if (NULL == k) {
        ui_fail(r, &f);
        return;
    }
    char back[64];
    snprintf(back, sizeof back, "/units/%lld/work/meetings#kinds", (long long)ji(k, "unit_id"));
    json_decref(k);
    enum wm_err e = wm_meeting_kind_update(r->db, &r->actor, r->ids[0], r->form, &f);
    ui_done(r, e, &f, back, _("会议类型已保存"));
}

/* ---------------------------------------------------------------- a meeting */

static const char *
minutes_word(const char *state)
{
    return wm_streq(state, "filed")     ? _("已生成 PDF 并归档")
           : wm_streq(state, "pending") ? _("正在生成 PDF，稍后刷新本页查看")
           : wm_streq(state, "unfiled") ? _("未归档")
                                        : _("未填写");
}

static void
meeting_details(struct wm_buf *b, const json_t *m)
{
    wm_h(b,
         "<section class=\"card\"><dl class=\"kv\"><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd>"
         "<dt>%s</dt><dd>%s</dd><dt>%s</dt><dd class=\"pre\">%s</dd><dt>%s</dt><dd>%s</dd></dl>",
         _("会议类型"), js(m, "kind_name"), _("会议日期"), js(m, "held_on"), _("地点"),
         js(m, "place"), _("参会人员"), js(m, "attendees"), _("会议纪要"),
         minutes_word(js(m, "minutes_state")));
    if (*js(m, "minutes")) {
        wm_h(b, "<blockquote class=\"pre\">%s</blockquote>", js(m, "minutes"));
    }
    wm_h(b, "</section>\n");
}

static void
meeting_documents(struct wm_buf *b, const json_t *m)
{
    static const struct {
        const char *role, *label;
    } roles[] = { { "minutes", N_("会议纪要") }, { "photo", N_("会议照片") } };
    wm_h(b, "<section class=\"card\" id=\"documents\"><h2>%s</h2>", _("归档文件"));
    if (!json_is_true(json_object_get(m, "fileable"))) {
        wm_h(b, "<p class=\"flash err\" id=\"unfiled\">%s%s</p>", _("未归档："),
             js(m, "unfiled_reason"));
    }
    wm_h(b, "<ul>");
    size_t i;
    json_t *d;
    json_array_foreach(json_object_get(m, "documents"), i, d)
    {
        const char *label = js(d, "role");
        for (size_t k = 0; k < WM_ARRAY_LEN(roles); k++) {
            label = wm_streq(label, roles[k].role) ? _(roles[k].label) : label;
        }
        wm_h(b, "<li>%s：<a href=\"/documents/%I\">%s</a> <small class=\"hint\">%s %s</small></li>\n",
             label, ji(d, "document_id"), js(d, "name"), _("指标"), js(d, "indicator_code"));
    }
    wm_h(b, "</ul>");
    if (0 == json_array_size(json_object_get(m, "documents"))) {
        wm_h(b, "<p class=\"hint\">%s</p>", _("还没有归档文件。"));
    }
    wm_h(b, "</section>\n");
}

static void
meeting_forms(struct wm_req *r, struct wm_buf *b, const json_t *m, const json_t *kinds)
{
    wm_h(b,
         "<details class=\"card\" id=\"edit\"><summary>%s</summary>"
         "<form method=\"post\" action=\"/work/meetings/%I\" class=\"grid\">",
         _("修改会议"), ji(m, "id"));
    ui_csrf(r, b);
    meeting_fields(b, kinds, m);
    wm_h(b, "<button type=\"submit\">%s</button></form></details>\n", _("保存"));
    if (!json_is_true(json_object_get(m, "fileable"))) {
        return; /* the reason is shown above: an upload would be refused */
    }
    wm_h(b,
         "<section class=\"card\" id=\"upload\"><h2>%s</h2>"
         "<form method=\"post\" action=\"/work/meetings/%I/files\" enctype=\"multipart/form-data\" "
         "class=\"grid\">",
         _("上传会议照片或纪要文件"), ji(m, "id"));
    ui_csrf(r, b);
    wm_h(b,
         "<label>%s<input type=\"file\" name=\"photo\" multiple accept=\"image/*\"></label>"
         "<label>%s<input type=\"file\" name=\"minutes\"></label>"
         "<button type=\"submit\">%s</button></form></section>\n",
         _("会议照片"), _("纪要文件"), _("上传并归档"));
}

void
page_work_meeting_get(struct wm_req *r)
{
    struct wm_fail f = { 0 };
    json_t *m = wm_meeting_get(r->db, &r->actor, r->ids[0], &f);
    json_t *u = m ? wm_unit_get_scoped(r->db, &r->actor, ji(m, "unit_id"), &f) : NULL;
    json_t *kinds = u ? wm_meeting_kinds(r->db, &r->actor, ji(m, "unit_id"), &f) : NULL;
    if (NULL == kinds) {
        ui_fail(r, &f);
    } else {
        struct wm_buf b = { 0 }, c = { 0 };
        ui_crumb(&c, "<a href=\"/units/%I\">%s</a>", ji(u, "id"), js(u, "name"));
        ui_crumb(&c, "<a href=\"/units/%I/work/meetings\">%s</a>", ji(u, "id"), _("会议"));
        ui_begin_at(r, &b, js(m, "title"), &c);
        ui_flash(r, &b);
        meeting_details(&b, m);
        meeting_documents(&b, m);
        if (wm_meeting_may_write(&r->actor, ji(m, "unit_id"))) {
            meeting_forms(r, &b, m, kinds);
        }
        ui_end(r, &b, 200);
        wm_buf_free(&c);
    }
    json_decref(kinds);
    json_decref(u);
    json_decref(m);
}

void
page_work_meeting_post(struct wm_req *r)
{
    struct wm_fail f = { 0 };
    char back[48];
    snprintf(back, sizeof back, "/work/meetings/%lld", (long long)r->ids[0]);
    enum wm_err e = wm_meeting_update(r->db, &r->actor, r->ids[0], r->form, &f);
    ui_done(r, e, &f, back, _("会议已保存"));
}

void
page_work_meeting_files_post(struct wm_req *r)
{
    struct wm_fail f = { 0 };
    char back[48];
    snprintf(back, sizeof back, "/work/meetings/%lld", (long long)r->ids[0]);
    if (ui_meeting_files(r, r->ids[0], &f) < 0) {
        return;
    }
    ui_done(r, f.err, &f, back, _("文件已上传并归档"));
}

/* end of page_work_meet.c */
