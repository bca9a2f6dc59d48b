/*
** page_rounds.c — the evaluation round pages (测评, issue 10): /rounds (the rounds the
** caller sees, and the form to create one for office staff), /rounds/{id} (its facts, its
** state with the buttons of the moves the caller may make, the change form, the links to
** its sub-pages), /rounds/{id}/entries (offices: the entries with filters and the
** recommend, accept and reject forms; units: their declaration), /rounds/{id}/stats (the
** declaration statistics: tables, a bar chart, XLSX).  Forms post here and redirect (303)
** with a flash message; the rules are src/core/rounds.c's.
*/
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "handlers.h"

/* ---------------------------------------------------------------- helpers */

/* The round ids[0] the caller sees; NULL: replied (404 page). */
static json_t *
req_round(struct wm_req *r)
{
    struct wm_fail f = {0};
    json_t *round = wm_round_get_scoped(r->db, &r->actor, r->ids[0], &f);
    if (NULL == round) {
        ui_fail(r, &f);
    }
    return round;
}

static void
round_crumbs(struct wm_buf *c, const json_t *round)
{
    ui_crumb(c, "<a href=\"/rounds\">%s</a>", _("测评"));
    if (round) {
        ui_crumb(c, "<a href=\"/rounds/%I\">%s</a>", ji(round, "id"), js(round, "name"));
    }
}

static void
points_text(struct wm_buf *b, const json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    if (json_is_integer(v)) {
        wm_html_hundredths(b, json_integer_value(v));
    }
}

/* A form field as JSON: text, or null when blank (json_null for "clear"). */
static void
form_text(struct wm_req *r, json_t *o, const char *name)
{
    const char *v = wm_form(r, name);
    if (v) {
        json_object_set_new(o, name, json_string(v));
    }
}

static void
form_int(struct wm_req *r, json_t *o, const char *name)
{
    const char *v = wm_form(r, name);
    if (v && *v) {
        char *end = NULL;
        long long n = strtoll(v, &end, 10);
        json_object_set_new(o, name, end && !*end ? json_integer(n) : json_string(v));
    }
}

/* The round's fields from a create or change form. */
static json_t *
round_form(struct wm_req *r, bool create, bool draft)
{
    json_t *o = json_object();
    form_text(r, o, "name");
    form_text(r, o, "publicity_start");
    form_text(r, o, "publicity_end");
    if (!draft) {
        return o;
    }
    form_text(r, o, "level");
    form_text(r, o, "window_start");
    form_text(r, o, "window_end");
    form_text(r, o, "pass_threshold");
    form_text(r, o, "reconcile");
    form_int(r, o, "edition_id");
    form_int(r, o, "years_from");
    form_int(r, o, "years_to");
    if (create) {
        form_int(r, o, "scope_id");
    }
    json_t *types = json_array();
    for (size_t i = 0; wm_unit_types[i]; i++) {
        char k[48];
        snprintf(k, sizeof k, "type.%s", wm_unit_types[i]);
        if (wm_form(r, k)) {
            json_array_append_new(types, json_string(wm_unit_types[i]));
        }
    }
    json_object_set_new(o, "unit_types", types);
    json_object_set_new(o, "no_own_district", json_boolean(NULL != wm_form(r, "no_own_district")));
    return o;
}

/* The fields of the round form (cur: the round being changed, NULL: a new one). */
static void
round_fields(struct wm_req *r, struct wm_buf *b, const json_t *cur)
{
    bool draft = NULL == cur || wm_round_in_state(cur, "draft");
    wm_h(b, "<label>%s<input name=\"name\" required maxlength=\"100\" value=\"%s\" "
            "placeholder=\"%s\"></label>",
         _("名称"), cur ? js(cur, "name") : "", _("第十五届市文明单位测评"));
    if (draft) {
        wm_h(b, "<label>%s<input name=\"level\" required maxlength=\"20\" value=\"%s\"></label>",
             _("级别"), cur ? js(cur, "level") : _("市级"));
        if (NULL == cur) {
            struct wm_page pg = {.limit = 200, .kind = "office"};
            json_t *offices = wm_org_list(r->db, &r->actor, &pg, NULL);
            wm_h(b, "<label>%s<select name=\"scope_id\">", _("测评范围"));
            size_t i;
            json_t *o;
            json_array_foreach(offices, i, o)
            {
                wm_h(b, "<option value=\"%I\"%r>%s</option>", ji(o, "id"),
                     ji(o, "id") == r->actor.p->org_id ? " selected" : "", js(o, "name"));
            }
            wm_h(b, "</select></label>");
            json_decref(offices);
        }
        struct wm_page pg = {.limit = 200, .kind = "published"};
        json_t *eds = wm_edition_list(r->db, &r->actor, &pg, NULL);
        wm_h(b, "<label>%s<select name=\"edition_id\" required>", _("测评体系"));
        size_t i;
        json_t *e;
        json_array_foreach(eds, i, e)
        {
            wm_h(b, "<option value=\"%I\"%r>%s %s（%s %s）</option>", ji(e, "id"),
                 cur && ji(cur, "edition_id") == ji(e, "id") ? " selected" : "", js(e, "name"),
                 js(e, "version"), _("满分"), js(e, "total"));
        }
        wm_h(b, "</select></label>");
        json_decref(eds);
        char yf[24] = "", yt[24] = "";
        if (cur) {
            snprintf(yf, sizeof yf, "%lld", (long long)ji(cur, "years_from"));
            snprintf(yt, sizeof yt, "%lld", (long long)ji(cur, "years_to"));
        }
        wm_h(b, "<label>%s<input type=\"date\" name=\"window_start\" required value=\"%s\"></label>"
                "<label>%s<input type=\"date\" name=\"window_end\" required value=\"%s\"></label>"
                "<label>%s<input type=\"number\" name=\"years_from\" required min=\"2000\" "
                "max=\"2100\" value=\"%s\"></label>"
                "<label>%s<input type=\"number\" name=\"years_to\" required min=\"2000\" "
                "max=\"2100\" value=\"%s\"></label>",
             _("申报开始"), cur ? js(cur, "window_start") : "", _("申报截止"),
             cur ? js(cur, "window_end") : "", _("材料起始年度"), yf, _("材料截止年度"), yt);
        struct wm_buf th = {0};
        if (cur) {
            points_text(&th, cur, "pass_threshold");
        }
        wm_h(b, "<label>%s<input name=\"pass_threshold\" required inputmode=\"decimal\" "
                "value=\"%s\" placeholder=\"85\"></label>",
             _("通过分数线"), wm_buf_str(&th));
        wm_buf_free(&th);
        bool leader = cur && wm_streq(js(cur, "reconcile"), "leader");
        wm_h(b, "<label>%s<select name=\"reconcile\"><option value=\"mean\"%r>%s</option>"
                "<option value=\"leader\"%r>%s</option></select></label>",
             _("多名测评员的合议方式"), leader ? "" : " selected", _("取平均分"),
             leader ? " selected" : "", _("组长裁定"));
        wm_h(b, "<fieldset><legend>%s</legend>", _("受理的单位类型（都不选为全部）"));
        for (size_t k = 0; wm_unit_types[k]; k++) {
            bool on = cur && !wm_streq(js(cur, "unit_types"), "[]") &&
                      wm_round_admits(cur, wm_unit_types[k]);
            wm_h(b, "<label class=\"check\"><input type=\"checkbox\" name=\"type.%s\" value=\"1\"%r>"
                    "%s</label> ",
                 wm_unit_types[k], on ? " checked" : "", wm_unit_types[k]);
        }
        wm_h(b, "</fieldset><label class=\"check\"><input type=\"checkbox\" "
                "name=\"no_own_district\" value=\"1\"%r>%s</label>",
             cur && ji(cur, "no_own_district") ? " checked" : "",
             _("测评员不测评本区的单位"));
    }
    wm_h(b, "<label>%s<input type=\"date\" name=\"publicity_start\" value=\"%s\"></label>"
            "<label>%s<input type=\"date\" name=\"publicity_end\" value=\"%s\"></label>",
         _("公示开始"), cur ? js(cur, "publicity_start") : "", _("公示结束"),
         cur ? js(cur, "publicity_end") : "");
}

/* ---------------------------------------------------------------- /rounds */

void
page_rounds_get(struct wm_req *r)
{
    unsigned limit = 0, offset = 0;
    if (!wm_req_window(r, 100, &limit, &offset)) {
        return;
    }
    struct wm_fail f = {0};
    json_t *rows = wm_round_list(r->db, &r->actor, NULL, limit, offset, &f);
    if (NULL == rows) {
        ui_fail(r, &f);
        return;
    }
    struct wm_buf b = {0};
    ui_begin(r, &b, _("测评"));
    wm_h(&b, "<table class=\"cards\" id=\"rounds\"><thead><tr><th>%s</th><th>%s</th><th>%s</th>"
             "<th>%s</th><th>%s</th><th class=\"num\">%s</th></tr></thead><tbody>",
         _("名称"), _("级别"), _("组织单位"), _("申报时间"), _("状态"), _("申报单位"));
    size_t i;
    json_t *o;
    json_array_foreach(rows, i, o)
    {
        wm_h(&b, "<tr data-id=\"%I\"><td data-label=\"%s\"><a href=\"/rounds/%I\">%s</a></td>"
                 "<td data-label=\"%s\">%s</td><td data-label=\"%s\">%s</td>"
                 "<td data-label=\"%s\">%s ~ %s</td><td data-label=\"%s\">",
             ji(o, "id"), _("名称"), ji(o, "id"), js(o, "name"), _("级别"), js(o, "level"),
             _("组织单位"), js(o, "office_name"), _("申报时间"), js(o, "window_start"),
             js(o, "window_end"), _("状态"));
        ui_round_state_badge(&b, js(o, "state"));
        wm_h(&b, "</td><td class=\"num\" data-label=\"%s\">%I</td></tr>\n", _("申报单位"),
             ji(o, "entries"));
    }
    if (0 == json_array_size(rows)) {
        wm_h(&b, "<tr class=\"empty\"><td colspan=\"6\" class=\"empty\">%s</td></tr>",
             _("还没有测评。"));
    }
    wm_h(&b, "</tbody></table>\n");
    if (json_array_size(rows) == limit) {
        wm_h(&b, "<p class=\"pager\"><a href=\"/rounds?offset=%u\">%s</a></p>", offset + limit,
             _("下一页"));
    }
    json_decref(rows);
    if (wm_actor_is(&r->actor, WM_ROLE_BIT(WM_ROLE_OFFICE))) {
        wm_h(&b, "<section class=\"card\" id=\"round-create\"><h2>%s</h2>"
                 "<form method=\"post\" action=\"/rounds\" class=\"stack\">",
             _("新建测评"));
        ui_csrf(r, &b);
        round_fields(r, &b, NULL);
        wm_h(&b, "<button type=\"submit\">%s</button></form></section>\n", _("创建"));
    }
    ui_end(r, &b, 200);
}

void
page_rounds_post(struct wm_req *r)
{
    json_t *in = round_form(r, true, true);
    struct wm_fail f = {0};
    int64_t id = 0;
    enum wm_err e = wm_round_create(r->db, &r->actor, in, &id, &f);
    json_decref(in);
    if (WM_OK == e) {
        char to[48];
        snprintf(to, sizeof to, "/rounds/%lld", (long long)id);
        ui_redirect_msg(r, to, "ok", _("测评已创建（草稿）"));
    } else {
        ui_done(r, e, &f, "/rounds", NULL);
    }
}

/* ---------------------------------------------------------------- /rounds/{id} */

static void
fact(struct wm_buf *b, const char *label, const char *value)
{
    wm_h(b, "<dt>%s</dt><dd>%s</dd>", label, value);
}

void
page_round_get(struct wm_req *r)
{
    json_t *round = req_round(r);
    if (NULL == round) {
        return;
    }
    struct wm_buf b = {0}, c = {0}, t = {0};
    ui_crumb(&c, "<a href=\"/rounds\">%s</a>", _("测评"));
    ui_begin_at(r, &b, js(round, "name"), &c);
    wm_buf_free(&c);
    int64_t id = ji(round, "id");
    const char *state = js(round, "state");
    wm_h(&b, "<p id=\"round-state\">%s", _("状态："));
    ui_round_state_badge(&b, state);
    wm_h(&b, "</p>\n");
    ui_round_links(r, &b, round);
    wm_h(&b, "<dl class=\"facts\" id=\"round-facts\">");
    fact(&b, _("级别"), js(round, "level"));
    fact(&b, _("组织单位"), js(round, "office_name"));
    wm_buf_printf(&t, "%s %s", js(round, "framework_name"), js(round, "edition_version"));
    fact(&b, _("测评体系"), wm_buf_str(&t));
    t.len = 0;
    wm_buf_printf(&t, "%s ~ %s", js(round, "window_start"), js(round, "window_end"));
    fact(&b, _("申报时间"), wm_buf_str(&t));
    t.len = 0;
    wm_buf_printf(&t, "%lld–%lld", (long long)ji(round, "years_from"),
                  (long long)ji(round, "years_to"));
    fact(&b, _("材料年度"), wm_buf_str(&t));
    t.len = 0;
    json_t *types = json_loads(js(round, "unit_types"), 0, NULL);
    size_t i;
    json_t *x;
    json_array_foreach(types, i, x)
    {
        wm_buf_printf(&t, "%s%s", i ? "、" : "", json_string_value(x));
    }
    json_decref(types);
    fact(&b, _("受理类型"), t.len ? wm_buf_str(&t) : _("全部类型"));
    t.len = 0;
    points_text(&t, round, "pass_threshold");
    wm_buf_adds(&t, _(" 分"));
    fact(&b, _("通过分数线"), wm_buf_str(&t));
    fact(&b, _("合议方式"),
         wm_streq(js(round, "reconcile"), "leader") ? _("组长裁定") : _("取平均分"));
    fact(&b, _("回避本区"), ji(round, "no_own_district") ? _("是") : _("否"));
    t.len = 0;
    if (*js(round, "publicity_start")) {
        wm_buf_printf(&t, "%s ~ %s", js(round, "publicity_start"), js(round, "publicity_end"));
    }
    fact(&b, _("公示时间"), t.len ? wm_buf_str(&t) : _("未定"));
    t.len = 0;
    wm_buf_printf(&t, "%lld", (long long)ji(round, "entries"));
    fact(&b, _("申报和复查单位"), wm_buf_str(&t));
    wm_h(&b, "</dl>\n");
    wm_buf_free(&t);
    /* the moves the caller may make */
    const char *next = wm_round_next_state(state), *prev = wm_round_prev_state(state);
    bool owner = wm_round_is_owner(&r->actor, round);
    bool admin = wm_actor_is(&r->actor, WM_ROLE_BIT(WM_ROLE_ADMIN));
    if ((owner && next) || (admin && prev)) {
        wm_h(&b, "<section class=\"card\" id=\"round-moves\"><h2>%s</h2>", _("测评进度"));
        if (owner && next) {
            wm_h(&b, "<form method=\"post\" action=\"/rounds/%I/state\" class=\"row\">", id);
            ui_csrf(r, &b);
            wm_h(&b, "<input type=\"hidden\" name=\"to\" value=\"%s\"><button type=\"submit\">"
                     "%s%s%s</button></form>",
                 next, _("推进到「"), wm_round_state_label(next), _("」"));
        }
        if (admin && prev) {
            wm_h(&b, "<form method=\"post\" action=\"/rounds/%I/state\" class=\"row\">", id);
            ui_csrf(r, &b);
            wm_h(&b, "<input type=\"hidden\" name=\"to\" value=\"%s\"><label>%s<input "
                     "name=\"reason\" required maxlength=\"1000\"></label><button type=\"submit\" "
                     "class=\"secondary\">%s%s%s</button></form>",
                 prev, _("退回原因"), _("退回到「"), wm_round_state_label(prev), _("」"));
        }
        wm_h(&b, "</section>\n");
    }
    if (owner && !wm_round_in_state(round, "closed")) {
        wm_h(&b, "<section class=\"card\" id=\"round-edit\"><details><summary>%s</summary>"
                 "<form method=\"post\" action=\"/rounds/%I\" class=\"stack\">",
             wm_round_in_state(round, "draft") ? _("修改测评") : _("修改名称和公示日期"), id);
        ui_csrf(r, &b);
        round_fields(r, &b, round);
        wm_h(&b, "<button type=\"submit\">%s</button></form></details></section>\n", _("保存"));
    }
    json_decref(round);
    ui_end(r, &b, 200);
}

void
page_round_post(struct wm_req *r)
{
    json_t *round = req_round(r);
    if (NULL == round) {
        return;
    }
    json_t *in = round_form(r, false, wm_round_in_state(round, "draft"));
    struct wm_fail f = {0};
    enum wm_err e = wm_round_update(r->db, &r->actor, r->ids[0], in, &f);
    json_decref(in);
    json_decref(round);
    char to[48];
    snprintf(to, sizeof to, "/rounds/%lld", (long long)r->ids[0]);
    ui_done(r, e, &f, to, _("测评已保存"));
}

void
page_round_state_post(struct wm_req *r)
{
    const char *to = wm_form(r, "to");
    struct wm_fail f = {0};
    enum wm_err e = wm_round_transition(r->db, &r->actor, r->ids[0], to, wm_form(r, "reason"), &f);
    char back[48];
    snprintf(back, sizeof back, "/rounds/%lld", (long long)r->ids[0]);
    char *ok = wm_asprintf(_("测评已转到「%s」"), wm_round_state_label(to));
    ui_done(r, e, &f, back, ok);
    free(ok);
}

/* ---------------------------------------------------------------- /rounds/{id}/entries */

static void
entry_state_badge(struct wm_buf *b, const char *state)
{
    wm_h(b, "<span class=\"badge entry-%s\">%s</span>", state, wm_entry_state_label(state));
}

/* The unit's declaration: its state, and the form while it may still change it. */
static void
declaration_section(struct wm_req *r, struct wm_buf *b, const json_t *round)
{
    struct wm_fail f = {0};
    json_t *e = wm_entry_own(r->db, &r->actor, round, true, &f);
    int64_t rid = ji(round, "id");
    const char *st = e ? js(e, "state") : "";
    bool open = wm_round_in_state(round, "open");
    bool admin = wm_actor_is(&r->actor, WM_ROLE_BIT(WM_ROLE_UNIT_ADMIN));
    bool editable = open && admin && (NULL == e || wm_streq(st, "draft") || wm_streq(st, "withdrawn"));
    wm_h(b, "<section class=\"card\" id=\"declaration\"><h2>%s</h2>", _("申报材料"));
    if (e) {
        wm_h(b, "<p>%s%s", wm_entry_kind_label(js(e, "kind")), _("状态："));
        entry_state_badge(b, st);
        wm_h(b, "</p>");
        if (*js(e, "decision_reason")) {
            wm_h(b, "<p>%s%s</p>", _("文明办意见："), js(e, "decision_reason"));
        }
    } else if (!open) {
        wm_h(b, "<p class=\"hint\">%s</p>", _("本单位没有参加这次测评。"));
    }
    if (open && !admin && NULL == e) {
        wm_h(b, "<p class=\"hint\">%s</p>", _("申报由本单位的创建管理员填写和提交。"));
    }
    if (editable) {
        json_t *docs_in = e ? json_object_get(e, "docs_list") : NULL;
        json_t *self_in = e ? json_object_get(e, "self") : NULL;
        wm_h(b, "<form method=\"post\" action=\"/rounds/%I/declaration\" class=\"stack\" "
                "id=\"declaration-form\">",
             rid);
        ui_csrf(r, b);
        wm_h(b, "<label>%s<input name=\"contact_name\" maxlength=\"50\" value=\"%s\" required>"
                "</label><label>%s<input name=\"contact_phone\" maxlength=\"30\" value=\"%s\">"
                "</label>",
             _("联系人"), e ? js(e, "contact_name") : "", _("联系电话"),
             e ? js(e, "contact_phone") : "");
        /* 事迹材料: the unit's documents, by archive year */
        wm_h(b, "<fieldset id=\"declaration-docs\"><legend>%s</legend>",
             _("事迹材料（从本单位档案中选择）"));
        json_t *archives = wm_archive_list(r->db, &r->actor, r->actor.p->org_id, NULL);
        size_t i, n = 0;
        json_t *ar;
        json_array_foreach(archives, i, ar)
        {
            json_t *arch = wm_archive_open(r->db, &r->actor, r->actor.p->org_id, ji(ar, "year"), NULL);
            json_t *docs = arch ? wm_archive_docs(r->db, &r->actor, arch, NULL, false, NULL) : NULL;
            size_t k;
            json_t *d;
            json_array_foreach(docs, k, d)
            {
                bool on = false;
                size_t j;
                json_t *x;
                json_array_foreach(docs_in, j, x)
                {
                    on = on || ji(x, "document_id") == ji(d, "id");
                }
                wm_h(b, "<label class=\"check\"><input type=\"checkbox\" name=\"doc.%I\" "
                        "value=\"1\"%r>%I %s <code>%s</code> %s</label>",
                     ji(d, "id"), on ? " checked" : "", ji(ar, "year"), _("年度"),
                     js(d, "indicator_code"), js(d, "title"));
                n++;
            }
            json_decref(docs);
            json_decref(arch);
        }
        json_decref(archives);
        if (0 == n) {
            wm_h(b, "<p class=\"hint\">%s</p>", _("本单位档案中还没有文件。"));
        }
        wm_h(b, "</fieldset>");
        /* the self-assessment per leaf */
        json_t *leaves = wm_edition_indicators(r->db, &r->actor, ji(round, "edition_id"), true, NULL);
        wm_h(b, "<details id=\"declaration-self\"><summary>%s</summary><table><thead><tr>"
                "<th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>",
             _("自评（可选）"), _("测评内容"), _("分值"), _("自评分"), _("说明"));
        json_t *l;
        json_array_foreach(leaves, i, l)
        {
            const char *code = js(l, "code");
            struct wm_buf sc = {0}, mx = {0};
            const char *note = "";
            size_t j;
            json_t *x;
            json_array_foreach(self_in, j, x)
            {
                if (wm_streq(js(x, "indicator_code"), code)) {
                    points_text(&sc, x, "score");
                    note = js(x, "note");
                }
            }
            points_text(&mx, l, "score");
            wm_h(b, "<tr><td><code>%s</code> %s</td><td class=\"num\">%s</td><td><input "
                    "name=\"self_score.%s\" inputmode=\"decimal\" size=\"5\" value=\"%s\" "
                    "aria-label=\"%s %s\"></td><td><input name=\"self_note.%s\" maxlength=\"1000\" "
                    "value=\"%s\" aria-label=\"%s %s\"></td></tr>",
                 code, js(l, "title"), wm_buf_str(&mx), code, wm_buf_str(&sc), code, _("自评分"),
                 code, note, code, _("说明"));
            wm_buf_free(&sc);
            wm_buf_free(&mx);
        }
        json_decref(leaves);
        wm_h(b, "</tbody></table></details><button type=\"submit\">%s</button></form>",
             _("保存申报材料"));
    }
    if (e && open && admin) {
        bool can_declare = wm_streq(st, "draft") || wm_streq(st, "withdrawn");
        bool can_withdraw = wm_streq(st, "draft") || wm_streq(st, "declared");
        wm_h(b, "<div class=\"row\">");
        if (can_declare) {
            wm_h(b, "<form method=\"post\" action=\"/rounds/%I/entries/%I\">", rid, ji(e, "id"));
            ui_csrf(r, b);
            wm_h(b, "<input type=\"hidden\" name=\"action\" value=\"declare\"><button "
                    "type=\"submit\">%s</button></form>",
                 _("提交申报"));
        }
        if (can_withdraw && !wm_streq(st, "draft")) {
            wm_h(b, "<form method=\"post\" action=\"/rounds/%I/entries/%I\">", rid, ji(e, "id"));
            ui_csrf(r, b);
            wm_h(b, "<input type=\"hidden\" name=\"action\" value=\"withdraw\"><button "
                    "type=\"submit\" class=\"secondary\">%s</button></form>",
                 _("撤回申报"));
        }
        wm_h(b, "</div>");
    }
    wm_h(b, "</section>\n");
    json_decref(e);
}

/* One action form of an entry row. */
static void
act_form(struct wm_req *r, struct wm_buf *b, int64_t rid, int64_t eid, const char *action,
         const char *label)
{
    wm_h(b, "<form method=\"post\" action=\"/rounds/%I/entries/%I\" class=\"row\">", rid, eid);
    ui_csrf(r, b);
    wm_h(b, "<input type=\"hidden\" name=\"action\" value=\"%s\">", action);
    if (wm_streq(action, "recommend")) {
        wm_h(b, "<label>%s<input type=\"number\" name=\"rank\" min=\"1\" required size=\"3\">"
                "</label><label>%s<input name=\"note\" maxlength=\"1000\"></label>",
             _("排名"), _("推荐意见"));
    } else if (wm_streq(action, "reject")) {
        wm_h(b, "<label>%s<input name=\"reason\" required maxlength=\"1000\"></label>", _("理由"));
    }
    wm_h(b, "<button type=\"submit\"%r>%s</button></form>",
         wm_streq(action, "reject") ? " class=\"secondary\"" : "", label);
}

static void
select_filter(struct wm_buf *b, const char *name, const char *label, const char *cur,
              const char *const *values, const char *(*words)(const char *))
{
    wm_h(b, "<label>%s<select name=\"%s\"><option value=\"\">%s</option>", label, name, _("全部"));
    for (size_t i = 0; values[i]; i++) {
        wm_h(b, "<option value=\"%s\"%r>%s</option>", values[i],
             cur && wm_streq(cur, values[i]) ? " selected" : "",
             words ? words(values[i]) : values[i]);
    }
    wm_h(b, "</select></label>");
}

void
page_round_entries_get(struct wm_req *r)
{
    json_t *round = req_round(r);
    if (NULL == round) {
        return;
    }
    struct wm_buf b = {0}, c = {0};
    round_crumbs(&c, round);
    bool unit = wm_actor_is(&r->actor, WM_ROLES_UNIT);
    ui_begin_at(r, &b, unit ? _("本单位申报") : _("申报单位"), &c);
    wm_buf_free(&c);
    int64_t rid = ji(round, "id");
    if (unit) {
        declaration_section(r, &b, round);
        ui_round_visits(r, &b, round); /* ui_groups.c: the unit's next visits */
        json_decref(round);
        ui_end(r, &b, 200);
        return;
    }
    static const char *const states[] = {"draft",    "declared", "recommended", "accepted",
                                         "rejected", "withdrawn", NULL};
    static const char *const kinds[] = {"declare", "recheck", NULL};
    const char *fs = wm_req_arg(r, "state"), *fk = wm_req_arg(r, "kind");
    const char *ft = wm_req_arg(r, "unit_type");
    wm_h(&b, "<form method=\"get\" action=\"/rounds/%I/entries\" class=\"row filter\">", rid);
    select_filter(&b, "state", _("状态"), fs, states, wm_entry_state_label);
    select_filter(&b, "kind", _("类别"), fk, kinds, wm_entry_kind_label);
    select_filter(&b, "unit_type", _("单位类型"), ft, wm_unit_types, NULL);
    wm_h(&b, "<button type=\"submit\" class=\"secondary\">%s</button></form>\n", _("筛选"));
    struct wm_entry_filter flt = {.state = fs && *fs ? fs : NULL,
                                  .kind = fk && *fk ? fk : NULL,
                                  .unit_type = ft && *ft ? ft : NULL,
                                  .limit = 2000};
    struct wm_fail f = {0};
    json_t *rows = wm_entry_list(r->db, &r->actor, round, &flt, &f);
    if (NULL == rows) {
        json_decref(round);
        wm_buf_free(&b);
        ui_fail(r, &f);
        return;
    }
    bool owner = wm_round_is_owner(&r->actor, round);
    bool office = wm_actor_is(&r->actor, WM_ROLE_BIT(WM_ROLE_OFFICE));
    bool open = wm_round_in_state(round, "open");
    bool deciding = open || wm_round_in_state(round, "evaluating");
    wm_h(&b, "<table class=\"cards\" id=\"entries\"><thead><tr><th>%s</th><th>%s</th><th>%s</th>"
             "<th>%s</th><th>%s</th><th>%s</th><th class=\"num\">%s</th><th>%s</th><th>%s</th>"
             "</tr></thead><tbody>",
         _("单位"), _("所在辖区"), _("类型"), _("类别"), _("状态"), _("联系人"), _("材料"),
         _("推荐"), _("操作"));
    size_t i;
    json_t *o;
    json_array_foreach(rows, i, o)
    {
        const char *st = js(o, "state");
        wm_h(&b, "<tr data-id=\"%I\"><td data-label=\"%s\">%s<br><span class=\"hint\">%s</span>"
                 "</td><td data-label=\"%s\">%s</td><td data-label=\"%s\">%s</td>"
                 "<td data-label=\"%s\">%s</td><td data-label=\"%s\">",
             ji(o, "id"), _("单位"), js(o, "unit_name"), js(o, "unit_code"), _("所在辖区"),
             js(o, "district_name"), _("类型"), js(o, "unit_type"), _("类别"),
             wm_entry_kind_label(js(o, "kind")), _("状态"));
        entry_state_badge(&b, st);
        if (*js(o, "decision_reason")) {
            wm_h(&b, "<br><span class=\"hint\">%s</span>", js(o, "decision_reason"));
        }
        wm_h(&b, "</td><td data-label=\"%s\">%s %s</td><td class=\"num\" data-label=\"%s\">%I</td>"
                 "<td data-label=\"%s\">",
             _("联系人"), js(o, "contact_name"), js(o, "contact_phone"), _("材料"), ji(o, "docs"),
             _("推荐"));
        if (json_is_integer(json_object_get(o, "district_rank"))) {
            wm_h(&b, "%s%I %s", _("第 "), ji(o, "district_rank"), js(o, "district_note"));
        }
        wm_h(&b, "</td><td data-label=\"%s\">", _("操作"));
        if (office && open && wm_streq(st, "declared")) {
            act_form(r, &b, rid, ji(o, "id"), "recommend", _("推荐"));
        }
        if (owner && deciding && wm_streq(st, "recommended")) {
            act_form(r, &b, rid, ji(o, "id"), "accept", _("受理"));
        }
        if (owner && deciding && (wm_streq(st, "recommended") || wm_streq(st, "declared"))) {
            act_form(r, &b, rid, ji(o, "id"), "reject", _("不予受理"));
        }
        wm_h(&b, "</td></tr>\n");
    }
    if (0 == json_array_size(rows)) {
        wm_h(&b, "<tr class=\"empty\"><td colspan=\"9\" class=\"empty\">%s</td></tr>",
             _("没有符合条件的申报。"));
    }
    wm_h(&b, "</tbody></table>\n");
    json_decref(rows);
    json_decref(round);
    ui_end(r, &b, 200);
}

void
page_round_declaration_post(struct wm_req *r)
{
    json_t *round = req_round(r);
    if (NULL == round) {
        return;
    }
    json_t *in = json_object(), *docs = json_array(), *self = json_array();
    form_text(r, in, "contact_name");
    form_text(r, in, "contact_phone");
    const char *k;
    json_t *v;
    json_object_foreach(r->form, k, v)
    {
        if (wm_startswith(k, "doc.")) {
            char *end = NULL;
            long long id = strtoll(k + 4, &end, 10);
            json_array_append_new(docs, end && !*end ? json_integer(id) : json_string(k + 4));
        } else if (wm_startswith(k, "self_score.")) {
            const char *code = k + strlen("self_score.");
            char nk[96];
            snprintf(nk, sizeof nk, "self_note.%s", code);
            const char *note = wm_form(r, nk);
            const char *score = json_string_value(v);
            if ((score && *score) || (note && *note)) {
                json_array_append_new(self, json_pack("{s:s, s:s, s:s}", "code", code, "score",
                                                      score ? score : "", "note",
                                                      note ? note : ""));
            }
        }
    }
    json_object_set_new(in, "docs", docs);
    json_object_set_new(in, "self", self);
    struct wm_fail f = {0};
    enum wm_err e = wm_entry_save(r->db, &r->actor, round, in, NULL, &f);
    json_decref(in);
    char to[64];
    snprintf(to, sizeof to, "/rounds/%lld/entries", (long long)ji(round, "id"));
    json_decref(round);
    ui_done(r, e, &f, to, _("申报材料已保存（尚未提交）"));
}

void
page_round_entry_post(struct wm_req *r)
{
    json_t *round = req_round(r);
    if (NULL == round) {
        return;
    }
    const char *action = wm_form(r, "action");
    const char *rank = wm_form(r, "rank");
    const char *text = wm_form(r, action && wm_streq(action, "recommend") ? "note" : "reason");
    int64_t rk = 0;
    if (rank && *rank) {
        char *end = NULL;
        long long n = strtoll(rank, &end, 10);
        rk = end && !*end ? n : -1;
    }
    struct wm_fail f = {0};
    enum wm_err e = wm_entry_act(r->db, &r->actor, round, r->ids[1], action, rk, text, &f);
    char to[64];
    snprintf(to, sizeof to, "/rounds/%lld/entries", (long long)ji(round, "id"));
    json_decref(round);
    static const char *const done[][2] = {
        {"declare", N_("申报已提交")},   {"withdraw", N_("申报已撤回")},
        {"recommend", N_("已推荐")},     {"accept", N_("申报已受理")},
        {"reject", N_("已作出不予受理的决定")},
    };
    const char *ok = _("已保存");
    for (size_t i = 0; action && i < WM_ARRAY_LEN(done); i++) {
        if (wm_streq(action, done[i][0])) {
            ok = _(done[i][1]);
        }
    }
    ui_done(r, e, &f, to, ok);
}

/* ---------------------------------------------------------------- /rounds/{id}/stats */

void
page_round_stats_get(struct wm_req *r)
{
    json_t *round = req_round(r);
    if (NULL == round) {
        return;
    }
    struct wm_fail f = {0};
    json_t *st = wm_round_stats(r->db, &r->actor, round, &f);
    if (NULL == st) {
        json_decref(round);
        ui_fail(r, &f);
        return;
    }
    static const char *const states[] = {"draft",    "declared", "recommended", "accepted",
                                         "rejected", "withdrawn", NULL};
    struct wm_buf b = {0}, c = {0};
    round_crumbs(&c, round);
    ui_begin_at(r, &b, _("申报统计"), &c);
    wm_buf_free(&c);
    wm_h(&b, "<p><a class=\"button secondary\" href=\"/rounds/%I/stats.xlsx\">%s</a></p>\n",
         ji(round, "id"), _("导出 XLSX"));
    ui_round_stats_chart(&b, st);
    wm_h(&b, "<h2>%s</h2><table id=\"stats-types\"><thead><tr><th>%s</th>", _("按类型和状态"),
         _("类型"));
    for (size_t s = 0; states[s]; s++) {
        wm_h(&b, "<th class=\"num\">%s</th>", wm_entry_state_label(states[s]));
    }
    wm_h(&b, "<th class=\"num\">%s</th></tr></thead><tbody>", _("合计"));
    const json_t *grid = json_object_get(st, "grid"), *by_cat = json_object_get(st, "by_category");
    for (size_t k = 0; wm_round_categories[k]; k++) {
        const json_t *g = json_object_get(grid, wm_round_categories[k]);
        wm_h(&b, "<tr><th scope=\"row\">%s</th>", wm_round_categories[k]);
        for (size_t s = 0; states[s]; s++) {
            wm_h(&b, "<td class=\"num\">%I</td>",
                 (int64_t)json_integer_value(json_object_get(g, states[s])));
        }
        wm_h(&b, "<td class=\"num\"><strong>%I</strong></td></tr>",
             (int64_t)json_integer_value(json_object_get(by_cat, wm_round_categories[k])));
    }
    wm_h(&b, "</tbody><tfoot><tr><th scope=\"row\">%s</th>", _("合计"));
    for (size_t s = 0; states[s]; s++) {
        wm_h(&b, "<td class=\"num\">%I</td>",
             (int64_t)json_integer_value(json_object_get(json_object_get(st, "by_state"), states[s])));
    }
    wm_h(&b, "<td class=\"num\" id=\"stats-total\"><strong>%I</strong></td></tr></tfoot></table>\n",
         ji(st, "total"));
    wm_h(&b, "<h2>%s</h2><table id=\"stats-districts\"><thead><tr><th>%s</th>"
             "<th class=\"num\">%s</th></tr></thead><tbody>",
         _("按辖区"), _("辖区"), _("申报数"));
    size_t i;
    json_t *d;
    json_array_foreach(json_object_get(st, "by_district"), i, d)
    {
        wm_h(&b, "<tr><td>%s</td><td class=\"num\">%I</td></tr>", js(d, "district_name"),
             ji(d, "n"));
    }
    if (0 == json_array_size(json_object_get(st, "by_district"))) {
        wm_h(&b, "<tr class=\"empty\"><td colspan=\"2\" class=\"empty\">%s</td></tr>",
             _("还没有申报。"));
    }
    wm_h(&b, "</tbody></table>\n");
    json_decref(st);
    json_decref(round);
    ui_end(r, &b, 200);
}

void
page_round_stats_xlsx_get(struct wm_req *r)
{
    json_t *round = req_round(r);
    if (NULL == round) {
        return;
    }
    struct wm_fail f = {0};
    json_t *st = wm_round_stats(r->db, &r->actor, round, &f);
    if (NULL == st) {
        ui_fail(r, &f);
    } else {
        ui_round_stats_xlsx(r, round, st);
    }
    json_decref(st);
    json_decref(round);
}

/* end of page_rounds.c */
