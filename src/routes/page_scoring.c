/*
** page_scoring.c — the scoring pages (测评评分, issue 10):
**   /rounds/{id}/entries/{eid}/sheet      the evaluator's score sheet, made for a phone in
**                                         the field: one card per leaf, one form for all;
**                                         without JavaScript the form posts here (saved per
**                                         leaf, the refused ones named); /static/sheet.js
**                                         keeps a draft in the browser while offline and
**                                         sends it to the API when the network is back;
**   /rounds/{id}/progress                 the group leader's progress: units × evaluators;
**   /rounds/{id}/entries/{eid}/reconcile  every evaluator's value per leaf, the mean, the
**                                         differences highlighted, the leader's decisions
**                                         (leader mode), reopen and lock; the admin
**                                         unlocks with a reason.
** The rules are src/core/scoring.c's; every form carries the CSRF token.
*/
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "handlers.h"
#include "wm_eval.h"

#define DEDUCTION_LINES 2 /* empty deduction lines after the stored ones */

static void
points(struct wm_buf *b, int64_t v)
{
    char t[32];
    wm_h(b, "%s", wm_eval_format_points(v, t));
}

/* The round r->ids[0] the caller sees, or NULL (the error page queued). */
static json_t *
round_of(struct wm_req *r)
{
    struct wm_fail f = { 0 };
    json_t *round = wm_round_get_scoped(r->db, &r->actor, r->ids[0], &f);
    if (NULL == round) {
        ui_fail(r, &f);
    }
    return round;
}

static void
crumbs_for(struct wm_buf *c, const json_t *round, const char *unit)
{
    ui_crumb(c, "<a href=\"/rounds\">%s</a>", _("测评"));
    ui_crumb(c, "<a href=\"/rounds/%I\">%s</a>", ji(round, "id"), js(round, "name"));
    if (unit) {
        ui_crumb(c, "<a href=\"/rounds/%I/progress\">%s</a>", ji(round, "id"), _("评分进度"));
        ui_crumb(c, "%s", unit);
    }
}

/* ---------------------------------------------------------------- the sheet */

static bool
has_key(const json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    return v && !json_is_null(v);
}

/* One deduction (or bonus item) line of a leaf's card. */
static void
deduction_line(struct wm_buf *b,
               const char *code,
               int k,
               const char *reason,
               const char *pts,
               const char *what,
               bool disabled)
{
    wm_h(b,
         "<div class=\"ded\" data-f=\"ded\"><input name=\"ded_r_%s_%d\" value=\"%s\" "
         "placeholder=\"%s\" aria-label=\"%s\" maxlength=\"500\"%r>"
         "<input name=\"ded_p_%s_%d\" value=\"%s\" inputmode=\"decimal\" placeholder=\"%s\" "
         "aria-label=\"%s\" size=\"5\"%r></div>",
         code, k, reason, what, what, disabled ? " disabled" : "", code, k, pts, _("分值"),
         _("分值"), disabled ? " disabled" : "");
}

static void
leaf_card(struct wm_buf *b, const json_t *l, bool editable, const json_t *round)
{
    const char *code = js(l, "code");
    const char *rule = js(l, "rule");
    json_t *sc = json_object_get(l, "score");
    bool scored = json_is_object(sc);
    const char *dis = editable ? "" : " disabled";
    wm_h(b, "<section class=\"leaf card\" data-code=\"%s\" id=\"leaf-%s\">", code, code);
    wm_h(b, "<h3><span class=\"code\">%s</span> %s", code, js(l, "title"));
    if (json_is_true(json_object_get(l, "veto"))) {
        wm_h(b, " <span class=\"badge veto\">%s</span>", _("一票否决"));
    }
    wm_h(b, "</h3>");
    if (*js(l, "requirement")) {
        wm_h(b, "<p class=\"req\">%s</p>", js(l, "requirement"));
    }
    wm_h(b, "<p class=\"hint rule\">%s</p>", js(l, "rule_words"));
    /* the current value and the state the script updates */
    wm_h(b, "<p class=\"now\">%s<b class=\"cur\">", _("当前得分："));
    if (scored && json_is_integer(json_object_get(sc, "value"))) {
        points(b, ji(sc, "value"));
        wm_h(b, " %s", _("分"));
    } else {
        wm_h(b, "—");
    }
    wm_h(b, "</b> <span class=\"state badge%r\" data-state=\"%s\">%s</span></p>",
         scored ? " published" : "", scored ? "saved" : "none", scored ? _("已保存") : _("未评分"));
    if (!json_is_true(json_object_get(l, "scorable")) &&
        !json_is_true(json_object_get(l, "veto"))) {
        wm_h(b, "</section>\n");
        return;
    }
    /* the input of its rule */
    if (wm_streq(rule, "grade")) {
        wm_h(b, "<fieldset class=\"grades\" data-f=\"grade\"><legend>%s</legend>", _("档次"));
        size_t i;
        json_t *g;
        json_array_foreach(json_object_get(l, "grades"), i, g)
        {
            bool on = scored && wm_streq(js(sc, "grade"), js(g, "letter"));
            wm_h(b,
                 "<label class=\"grade\"><input type=\"radio\" name=\"grade_%s\" value=\"%s\"%r%r>"
                 "<span>%s<small>",
                 code, js(g, "letter"), on ? " checked" : "", dis, js(g, "letter"));
            points(b, ji(g, "value"));
            wm_h(b, " %s</small></span></label>", _("分"));
        }
        wm_h(b, "</fieldset>");
    } else if (json_is_true(json_object_get(l, "scorable"))) {
        bool neg = wm_streq(rule, "negative");
        bool bonus = wm_streq(rule, "bonus");
        json_t *ded = scored ? json_object_get(sc, "deductions") : NULL;
        if (!neg) {
            char v[32] = "";
            if (scored && 0 == json_array_size(ded) &&
                json_is_integer(json_object_get(sc, "value"))) {
                wm_eval_format_points(ji(sc, "value"), v);
            }
            wm_h(b,
                 "<label class=\"value\">%s <input name=\"value_%s\" value=\"%s\" "
                 "inputmode=\"decimal\" size=\"6\" data-f=\"value\"%r></label>",
                 bonus ? _("加分") : _("得分"), code, v, dis);
        }
        wm_h(b, "<div class=\"deds\"><p class=\"hint\">%s</p>",
             neg     ? _("减分事项（每项一行）")
             : bonus ? _("加分事项（每项一行）")
                     : _("扣分项（每项一行；填写后自动计算得分）"));
        size_t i;
        json_t *d;
        int k = 0;
        json_array_foreach(ded, i, d)
        {
            char pt[32];
            wm_eval_format_points(ji(d, "points"), pt);
            deduction_line(b, code, k++, js(d, "reason"), pt, bonus ? _("加分事项") : _("原因"),
                           !editable);
        }
        for (int e = 0; e < DEDUCTION_LINES; e++) {
            deduction_line(b, code, k++, "", "", bonus ? _("加分事项") : _("原因"), !editable);
        }
        wm_h(b, "</div>");
    }
    /* veto */
    if (json_is_true(json_object_get(l, "veto"))) {
        bool v = scored && json_is_true(json_object_get(sc, "veto"));
        wm_h(
            b,
            "<div class=\"veto\"><label><input type=\"checkbox\" name=\"veto_%s\" value=\"1\" "
            "data-f=\"veto\"%r%r> %s</label> <input name=\"veto_reason_%s\" value=\"%s\" "
            "placeholder=\"%s\" aria-label=\"%s\" maxlength=\"500\" data-f=\"veto_reason\"%r></div>",
            code, v ? " checked" : "", dis, _("一票否决"), code, v ? js(sc, "veto_reason") : "",
            _("否决原因（必填）"), _("否决原因"), dis);
    }
    /* method */
    wm_h(b,
         "<label class=\"method\">%s <select name=\"method_%s\" data-f=\"method\"%r>"
         "<option value=\"\">%s</option>",
         _("测评方法"), code, dis, _("（未选）"));
    size_t i;
    json_t *m;
    json_array_foreach(json_object_get(l, "methods"), i, m)
    {
        bool on = scored && wm_streq(js(sc, "method"), js(m, "code"));
        wm_h(b, "<option value=\"%s\"%r>%s</option>", js(m, "code"), on ? " selected" : "",
             js(m, "label"));
    }
    wm_h(b, "</select></label>");
    /* evidence: the unit's documents of the leaf in the materials years */
    json_t *docs = json_object_get(l, "docs");
    wm_h(b, "<fieldset class=\"evidence\" data-f=\"evidence\"><legend>%s</legend>", _("佐证材料"));
    if (0 == json_array_size(docs)) {
        wm_h(b, "<p class=\"hint\">%s %I—%I %s</p>", _("该单位"), ji(round, "years_from"),
             ji(round, "years_to"), _("年度档案中本项没有文件。"));
    }
    json_t *d;
    json_array_foreach(docs, i, d)
    {
        bool on = false;
        size_t k;
        json_t *e;
        json_array_foreach(scored ? json_object_get(sc, "evidence") : NULL, k, e)
        {
            on = on || json_integer_value(e) == ji(d, "id");
        }
        wm_h(b,
             "<label class=\"doc\"><input type=\"checkbox\" name=\"ev_%s_%I\" value=\"%I\"%r%r> "
             "<a href=\"/documents/%I\" target=\"_blank\" rel=\"noopener\">%I %s</a></label>",
             code, ji(d, "id"), ji(d, "id"), on ? " checked" : "", dis, ji(d, "id"), ji(d, "year"),
             js(d, "title"));
    }
    wm_h(b, "</fieldset>");
    wm_h(b,
         "<label class=\"comment\">%s <textarea name=\"comment_%s\" rows=\"2\" "
         "maxlength=\"2000\" data-f=\"comment\"%r>%s</textarea></label>",
         _("评语"), code, dis, scored ? js(sc, "comment") : "");
    wm_h(b, "<p class=\"err\" hidden></p></section>\n");
}

void
page_sheet_get(struct wm_req *r)
{
    json_t *round = round_of(r);
    if (NULL == round) {
        return;
    }
    struct wm_fail f = { 0 };
    json_t *v = wm_sheet_view(r->db, &r->actor, round, r->ids[1], &f);
    if (NULL == v) {
        ui_fail(r, &f);
        json_decref(round);
        return;
    }
    json_t *entry = json_object_get(v, "entry");
    json_t *sheet = json_object_get(v, "sheet");
    bool editable = json_is_true(json_object_get(v, "editable"));
    struct wm_buf b = { 0 }, c = { 0 };
    crumbs_for(&c, round, js(entry, "unit_name"));
    char title[200];
    snprintf(title, sizeof title, "%s %s", js(entry, "unit_name"), _("评分表"));
    ui_begin_at(r, &b, title, &c);
    ui_flash(r, &b);
    wm_h(&b, "<p class=\"hint\" id=\"sheet-state\">");
    if (has_key(entry, "locked_at")) {
        wm_h(&b, "%s", _("该单位的评分已锁定，不能再修改。"));
    } else if (json_is_object(sheet) && wm_streq(js(sheet, "state"), "submitted")) {
        wm_h(&b, "%s", _("评分表已提交；如需修改，请组长退回。"));
    } else if (!editable) {
        wm_h(&b, "%s", _("测评不在测评中阶段，评分表只能查看。"));
    } else {
        wm_h(&b, "%s", _("逐项评分后点击“保存”。没有网络时，评分先保存在本机，联网后自动提交。"));
    }
    wm_h(&b, "</p>");
    if (json_is_true(json_object_get(v, "leader"))) {
        wm_h(&b,
             "<p><a class=\"button secondary\" href=\"/rounds/%I/entries/%I/reconcile\">%s</a></p>",
             ji(round, "id"), ji(entry, "id"), _("合分与锁定"));
    }
    wm_h(&b, "<p class=\"flash warn\" id=\"sheet-offline\" hidden></p>");
    wm_h(
        &b,
        "<form method=\"post\" action=\"/rounds/%I/entries/%I/sheet\" id=\"sheet\" "
        "class=\"sheet\" data-round=\"%I\" data-entry=\"%I\" data-user=\"%I\" data-editable=\"%s\">",
        ji(round, "id"), ji(entry, "id"), ji(round, "id"), ji(entry, "id"),
        r->who ? r->who->user_id : (int64_t)0, editable ? "1" : "0");
    ui_csrf(r, &b);
    size_t i;
    json_t *l;
    json_array_foreach(json_object_get(v, "leaves"), i, l)
    {
        leaf_card(&b, l, editable, round);
    }
    if (editable) {
        wm_h(&b,
             "<div class=\"sheet-actions\"><button type=\"submit\" name=\"action\" "
             "value=\"save\">%s</button> <button type=\"submit\" name=\"action\" "
             "value=\"submit\" class=\"secondary\">%s</button></div>",
             _("保存"), _("保存并提交"));
    }
    wm_h(&b, "</form>\n<script src=\"/static/sheet.js\" defer></script>\n");
    ui_end(r, &b, 200);
    wm_buf_free(&c);
    json_decref(v);
    json_decref(round);
}

/* The batch of one leaf from the form, or NULL when nothing was entered for it. */
static json_t *
leaf_from_form(struct wm_req *r, const json_t *l)
{
    const char *code = js(l, "code");
    char k[160];
    json_t *o = json_object();
    snprintf(k, sizeof k, "value_%s", code);
    const char *v = wm_form(r, k);
    if (v && *v) {
        json_object_set_new(o, "value", json_string(v));
    }
    snprintf(k, sizeof k, "grade_%s", code);
    if ((v = wm_form(r, k)) && *v) {
        json_object_set_new(o, "grade", json_string(v));
    }
    json_t *ded = json_array();
    for (int i = 0; i < WM_EVAL_MAX_DEDUCTIONS; i++) {
        snprintf(k, sizeof k, "ded_r_%s_%d", code, i);
        const char *reason = wm_form(r, k);
        snprintf(k, sizeof k, "ded_p_%s_%d", code, i);
        const char *pts = wm_form(r, k);
        if (NULL == reason && NULL == pts) {
            break;
        }
        if ((reason && *reason) || (pts && *pts)) {
            json_array_append_new(ded, json_pack("{s:s,s:s}", "reason", reason ? reason : "",
                                                 "points", pts ? pts : ""));
        }
    }
    if (json_array_size(ded)) {
        json_object_set_new(o, "deductions", ded);
    } else {
        json_decref(ded);
    }
    snprintf(k, sizeof k, "veto_%s", code);
    if ((v = wm_form(r, k)) && *v) {
        json_object_set_new(o, "veto", json_true());
        snprintf(k, sizeof k, "veto_reason_%s", code);
        json_object_set_new(o, "veto_reason", json_string(wm_form(r, k) ? wm_form(r, k) : ""));
    }
    snprintf(k, sizeof k, "method_%s", code);
    if ((v = wm_form(r, k)) && *v) {
        json_object_set_new(o, "method", json_string(v));
    }
    snprintf(k, sizeof k, "comment_%s", code);
    if ((v = wm_form(r, k)) && *v) {
        json_object_set_new(o, "comment", json_string(v));
    }
    json_t *ev = json_array();
    size_t i;
    json_t *d;
    json_array_foreach(json_object_get(l, "docs"), i, d)
    {
        snprintf(k, sizeof k, "ev_%s_%lld", code, (long long)ji(d, "id"));
        if ((v = wm_form(r, k)) && *v) {
            json_array_append_new(ev, json_integer(ji(d, "id")));
        }
    }
    if (json_array_size(ev)) {
        json_object_set_new(o, "evidence", ev);
    } else {
        json_decref(ev);
    }
    bool stored = json_is_object(json_object_get(l, "score"));
    if (0 == json_object_size(o) && !stored) {
        json_decref(o);
        return NULL;
    }
    json_object_set_new(o, "code", json_string(code));
    return o;
}

void
page_sheet_post(struct wm_req *r)
{
    json_t *round = round_of(r);
    if (NULL == round) {
        return;
    }
    struct wm_fail f = { 0 };
    char to[96];
    snprintf(to, sizeof to, "/rounds/%lld/entries/%lld/sheet", (long long)r->ids[0],
             (long long)r->ids[1]);
    json_t *v = wm_sheet_view(r->db, &r->actor, round, r->ids[1], &f);
    if (NULL == v) {
        ui_fail(r, &f);
        json_decref(round);
        return;
    }
    json_t *scores = json_array();
    size_t i;
    json_t *l;
    json_array_foreach(json_object_get(v, "leaves"), i, l)
    {
        json_t *one = leaf_from_form(r, l);
        if (one) {
            json_array_append_new(scores, one);
        }
    }
    bool submit = wm_streq(wm_form(r, "action"), "submit");
    json_t *in = json_pack("{s:o,s:b}", "scores", scores, "submit", submit);
    json_t *rep = NULL;
    enum wm_err e = wm_score_batch(r->db, &r->actor, round, r->ids[1], in, &rep, &f);
    if (WM_OK != e) {
        ui_done(r, e, &f, to, NULL);
    } else if (ji(rep, "refused") > 0) {
        struct wm_buf m = { 0 };
        wm_buf_printf(&m, _("已保存 %lld 项，%lld 项未保存："), (long long)ji(rep, "saved"),
                      (long long)ji(rep, "refused"));
        json_t *x;
        unsigned n = 0;
        json_array_foreach(json_object_get(rep, "results"), i, x)
        {
            if (wm_streq(js(x, "status"), "refused") && n++ < 3) {
                wm_buf_printf(&m, "%s%s", n > 1 ? "；" : "", js(x, "error"));
            }
        }
        ui_redirect_msg(r, to, "err", wm_buf_str(&m));
        wm_buf_free(&m);
    } else {
        char msg[128];
        snprintf(msg, sizeof msg, submit ? _("已保存 %lld 项，评分表已提交") : _("已保存 %lld 项"),
                 (long long)ji(rep, "saved"));
        ui_redirect_msg(r, to, "ok", msg);
    }
    json_decref(rep);
    json_decref(in);
    json_decref(v);
    json_decref(round);
}

/* ---------------------------------------------------------------- progress */

static const char *
sheet_state_label(const char *s)
{
    return wm_streq(s, "submitted") ? _("已提交")
           : wm_streq(s, "draft")   ? _("评分中")
                                    : _("未开始");
}

void
page_progress_get(struct wm_req *r)
{
    json_t *round = round_of(r);
    if (NULL == round) {
        return;
    }
    struct wm_fail f = { 0 };
    json_t *p = wm_round_progress(r->db, &r->actor, round, &f);
    if (NULL == p) {
        ui_fail(r, &f);
        json_decref(round);
        return;
    }
    struct wm_buf b = { 0 }, c = { 0 };
    crumbs_for(&c, round, NULL);
    ui_begin_at(r, &b, _("评分进度"), &c);
    ui_flash(r, &b);
    int64_t nleaves = ji(p, "leaves");
    wm_h(&b, "<p class=\"hint\">%s %I %s</p>", _("每张评分表共"), nleaves,
         _("个评分项。全部测评员提交后，组长合分并锁定。"));
    json_t *entries = json_object_get(p, "entries");
    if (0 == json_array_size(entries)) {
        wm_h(&b, "<p class=\"empty\">%s</p>", _("还没有分配到测评组的单位。"));
    } else {
        wm_h(&b,
             "<table class=\"cards\" id=\"progress\"><thead><tr><th>%s</th><th>%s</th>"
             "<th>%s</th><th>%s</th><th></th></tr></thead><tbody>",
             _("单位"), _("测评组"), _("测评员进度"), _("状态"));
    }
    size_t i;
    json_t *e;
    json_array_foreach(entries, i, e)
    {
        wm_h(&b,
             "<tr data-entry=\"%I\"><td>%s <span class=\"hint\">%s</span></td>"
             "<td data-label=\"%s\">%s</td><td data-label=\"%s\"><ul class=\"plain\">",
             ji(e, "entry_id"), js(e, "unit_name"), js(e, "unit_code"), _("测评组"),
             js(e, "group_name"), _("测评员进度"));
        size_t k;
        json_t *x;
        json_array_foreach(json_object_get(e, "evaluators"), k, x)
        {
            wm_h(&b, "<li>%s：%I/%I <span class=\"badge%r\">%s</span></li>", js(x, "name"),
                 ji(x, "scored"), nleaves,
                 wm_streq(js(x, "state"), "submitted") ? " published" : "",
                 sheet_state_label(js(x, "state")));
        }
        wm_h(&b, "</ul></td><td data-label=\"%s\">", _("状态"));
        if (has_key(e, "locked_at")) {
            wm_h(&b, "%s ", _("已锁定"));
            points(&b, ji(e, "total"));
            wm_h(&b, " %s", _("分"));
        } else {
            wm_h(&b, "%s", _("评分中"));
        }
        wm_h(
            &b,
            "</td><td><a class=\"button secondary\" href=\"/rounds/%I/entries/%I/reconcile\">%s</a>",
            ji(round, "id"), ji(e, "entry_id"), _("合分"));
        wm_h(&b, "</td></tr>");
    }
    if (json_array_size(entries)) {
        wm_h(&b, "</tbody></table>");
    }
    ui_end(r, &b, 200);
    wm_buf_free(&c);
    json_decref(p);
    json_decref(round);
}

/* ---------------------------------------------------------------- reconcile */

void
page_reconcile_get(struct wm_req *r)
{
    json_t *round = round_of(r);
    if (NULL == round) {
        return;
    }
    struct wm_fail f = { 0 };
    json_t *v = wm_reconcile_view(r->db, &r->actor, round, r->ids[1], &f);
    if (NULL == v) {
        ui_fail(r, &f);
        json_decref(round);
        return;
    }
    json_t *entry = json_object_get(v, "entry");
    json_t *evs = json_object_get(v, "evaluators");
    bool decide = json_is_true(json_object_get(v, "can_decide"));
    bool leader_mode = wm_streq(js(v, "how"), "leader");
    struct wm_buf b = { 0 }, c = { 0 };
    crumbs_for(&c, round, js(entry, "unit_name"));
    char title[200];
    snprintf(title, sizeof title, "%s %s", js(entry, "unit_name"), _("合分"));
    ui_begin_at(r, &b, title, &c);
    ui_flash(r, &b);
    /* totals */
    wm_h(&b, "<div class=\"stats\" id=\"recon-total\"><div class=\"stat\"><span class=\"n\">");
    points(&b, ji(v, "total"));
    wm_h(&b, "</span>%s</div>", has_key(entry, "locked_at") ? _("锁定总分") : _("当前合计"));
    if (json_is_true(json_object_get(v, "vetoed"))) {
        wm_h(&b, "<div class=\"stat\"><span class=\"n\">%s</span>%s</div>", _("否决"),
             _("有一票否决项"));
    }
    wm_h(&b, "</div>");
    wm_h(&b, "<p class=\"hint\">%s</p>",
         leader_mode ? _("本测评由组长逐项裁定；未裁定的项按平均分计。差异较大的项已标出。")
                     : _("本测评按测评员平均分合分（四舍五入到 0.01 分）。差异较大的项已标出。"));
    /* evaluators with their sheets */
    wm_h(&b, "<ul class=\"plain\" id=\"recon-sheets\">");
    size_t i;
    json_t *x;
    json_array_foreach(evs, i, x)
    {
        bool sub = wm_streq(js(x, "state"), "submitted");
        wm_h(&b, "<li>%s <span class=\"badge%r\">%s</span>", js(x, "name"), sub ? " published" : "",
             sheet_state_label(js(x, "state")));
        if (sub && json_is_true(json_object_get(v, "leader")) && !has_key(entry, "locked_at")) {
            wm_h(
                &b,
                " <form method=\"post\" class=\"inline\" action=\"/rounds/%I/entries/%I/sheets/%I/reopen\">",
                ji(round, "id"), ji(entry, "id"), ji(x, "id"));
            ui_csrf(r, &b);
            wm_h(&b, "<button class=\"secondary\">%s</button></form>", _("退回修改"));
        }
        wm_h(&b, "</li>");
    }
    wm_h(&b, "</ul>");
    if (0 == json_array_size(evs)) {
        wm_h(&b, "<p class=\"empty\">%s</p>", _("还没有测评员评分。"));
    }
    /* the leaves */
    if (decide) {
        wm_h(&b, "<form method=\"post\" action=\"/rounds/%I/entries/%I/reconcile\" id=\"decide\">",
             ji(round, "id"), ji(entry, "id"));
        ui_csrf(r, &b);
    }
    wm_h(&b, "<table class=\"cards\" id=\"recon\"><thead><tr><th>%s</th>", _("测评内容"));
    json_array_foreach(evs, i, x)
    {
        wm_h(&b, "<th class=\"num\">%s</th>", js(x, "name"));
    }
    wm_h(&b, "<th class=\"num\">%s</th><th class=\"num\">%s</th><th class=\"num\">%s</th>",
         _("平均分"), _("差异"), _("最终得分"));
    if (decide) {
        wm_h(&b, "<th>%s</th>", _("组长裁定"));
    }
    wm_h(&b, "</tr></thead><tbody>");
    json_t *l;
    json_array_foreach(json_object_get(v, "leaves"), i, l)
    {
        bool flagged = json_is_true(json_object_get(l, "flagged"));
        if (0 == ji(l, "n") && 0 == ji(l, "nveto") && !decide) {
            continue; /* nobody scored it */
        }
        wm_h(&b, "<tr data-code=\"%s\"%r><td>%s %s</td>", js(l, "code"),
             flagged ? " class=\"diff\"" : "", js(l, "code"), js(l, "title"));
        size_t k;
        json_t *val;
        json_array_foreach(json_object_get(l, "values"), k, val)
        {
            wm_h(&b, "<td class=\"num\" data-label=\"%s\">", js(json_array_get(evs, k), "name"));
            if (json_is_integer(val)) {
                points(&b, json_integer_value(val));
            } else {
                wm_h(&b, "—");
            }
            if (json_is_true(json_array_get(json_object_get(l, "vetoes"), k))) {
                wm_h(&b, " <span class=\"badge veto\" title=\"%s\">%s</span>",
                     json_string_value(json_array_get(json_object_get(l, "veto_reasons"), k)),
                     _("否决"));
            }
            wm_h(&b, "</td>");
        }
        wm_h(&b, "<td class=\"num\" data-label=\"%s\">", _("平均分"));
        if (has_key(l, "mean")) {
            points(&b, ji(l, "mean"));
        }
        wm_h(&b, "</td><td class=\"num\" data-label=\"%s\">", _("差异"));
        if (has_key(l, "spread")) {
            points(&b, ji(l, "spread"));
        }
        if (flagged) {
            wm_h(&b, " <span class=\"badge veto\">%s</span>", _("有差异"));
        }
        wm_h(&b, "</td><td class=\"num final\" data-label=\"%s\">", _("最终得分"));
        if (has_key(l, "final")) {
            points(&b, ji(l, "final"));
            if (wm_streq(js(l, "final_how"), "leader")) {
                wm_h(&b, " <span class=\"badge\">%s</span>", _("裁定"));
            }
        }
        wm_h(&b, "</td>");
        if (decide) {
            char d[32] = "";
            if (has_key(l, "decision")) {
                wm_eval_format_points(ji(l, "decision"), d);
            }
            wm_h(&b,
                 "<td data-label=\"%s\"><input name=\"decide_%s\" value=\"%s\" "
                 "inputmode=\"decimal\" size=\"6\" aria-label=\"%s %s\"></td>",
                 _("组长裁定"), js(l, "code"), d, _("裁定"), js(l, "code"));
        }
        wm_h(&b, "</tr>");
    }
    wm_h(&b, "</tbody></table>");
    if (decide) {
        wm_h(&b, "<p><button type=\"submit\">%s</button> <span class=\"hint\">%s</span></p></form>",
             _("保存裁定"), _("清空一项即撤回该项裁定。"));
    }
    if (json_is_true(json_object_get(v, "can_lock"))) {
        wm_h(&b, "<form method=\"post\" action=\"/rounds/%I/entries/%I/lock\" id=\"lock\">",
             ji(round, "id"), ji(entry, "id"));
        ui_csrf(r, &b);
        wm_h(&b, "<p><button type=\"submit\">%s</button> <span class=\"hint\">%s</span></p></form>",
             _("锁定评分"), _("锁定后测评员不能再修改，总分写入测评结果。"));
    } else if (json_is_true(json_object_get(v, "leader")) && !has_key(entry, "locked_at")) {
        wm_h(&b, "<p class=\"hint\">%s</p>", _("全部测评员提交评分表后才能锁定。"));
    }
    if (has_key(entry, "locked_at") && r->who && WM_ROLE_ADMIN == r->who->role &&
        wm_round_in_state(round, "evaluating")) {
        wm_h(&b,
             "<form method=\"post\" action=\"/rounds/%I/entries/%I/unlock\" id=\"unlock\" "
             "class=\"row\">",
             ji(round, "id"), ji(entry, "id"));
        ui_csrf(r, &b);
        wm_h(&b,
             "<label>%s <input name=\"reason\" required maxlength=\"1000\"></label> "
             "<button type=\"submit\" class=\"danger\">%s</button></form>",
             _("解除锁定的原因"), _("解除锁定"));
    }
    ui_end(r, &b, 200);
    wm_buf_free(&c);
    json_decref(v);
    json_decref(round);
}

void
page_unlock_post(struct wm_req *r)
{
    json_t *round = round_of(r);
    if (NULL == round) {
        return;
    }
    char to[96];
    snprintf(to, sizeof to, "/rounds/%lld/entries/%lld/reconcile", (long long)r->ids[0],
             (long long)r->ids[1]);
    struct wm_fail f = { 0 };
    enum wm_err e = wm_entry_unlock(r->db, &r->actor, round, r->ids[1], wm_form(r, "reason"), &f);
    ui_done(r, e, &f, to, _("已解除锁定"));
    json_decref(round);
}

void
page_reconcile_post(struct wm_req *r)
{
    json_t *round = round_of(r);
    if (NULL == round) {
        return;
    }
    char to[96];
    snprintf(to, sizeof to, "/rounds/%lld/entries/%lld/reconcile", (long long)r->ids[0],
             (long long)r->ids[1]);
    struct wm_fail f = { 0 };
    json_t *v = wm_reconcile_view(r->db, &r->actor, round, r->ids[1], &f);
    if (NULL == v) {
        ui_fail(r, &f);
        json_decref(round);
        return;
    }
    json_t *ds = json_array();
    size_t i;
    json_t *l;
    json_array_foreach(json_object_get(v, "leaves"), i, l)
    {
        char k[160];
        snprintf(k, sizeof k, "decide_%s", js(l, "code"));
        const char *val = wm_form(r, k);
        if (NULL == val) {
            continue;
        }
        char cur[32] = "";
        if (has_key(l, "decision")) {
            wm_eval_format_points(ji(l, "decision"), cur);
        }
        if (!wm_streq(val, cur)) { /* changed: set, or withdraw when emptied */
            json_array_append_new(ds, json_pack("{s:s,s:s}", "code", js(l, "code"), "value", val));
        }
    }
    enum wm_err e = WM_OK;
    if (json_array_size(ds)) {
        json_t *in = json_pack("{s:o}", "decisions", ds);
        e = wm_reconcile_decide(r->db, &r->actor, round, r->ids[1], in, &f);
        json_decref(in);
    } else {
        json_decref(ds);
        if (!json_is_true(json_object_get(v, "can_decide"))) {
            e = wm_fail_set(&f, WM_E_NOT_FOUND, NULL, "%s", _("评分表不存在"));
        }
    }
    ui_done(r, e, &f, to, _("裁定已保存"));
    json_decref(v);
    json_decref(round);
}

void
page_lock_post(struct wm_req *r)
{
    json_t *round = round_of(r);
    if (NULL == round) {
        return;
    }
    char to[96];
    snprintf(to, sizeof to, "/rounds/%lld/entries/%lld/reconcile", (long long)r->ids[0],
             (long long)r->ids[1]);
    struct wm_fail f = { 0 };
    enum wm_err e = wm_entry_lock(r->db, &r->actor, round, r->ids[1], &f);
    ui_done(r, e, &f, to, _("评分已锁定"));
    json_decref(round);
}

void
page_reopen_post(struct wm_req *r)
{
    json_t *round = round_of(r);
    if (NULL == round) {
        return;
    }
    char to[96];
    snprintf(to, sizeof to, "/rounds/%lld/entries/%lld/reconcile", (long long)r->ids[0],
             (long long)r->ids[1]);
    struct wm_fail f = { 0 };
    enum wm_err e = wm_sheet_reopen(r->db, &r->actor, round, r->ids[1], r->ids[2], &f);
    ui_done(r, e, &f, to, _("评分表已退回，测评员可以修改"));
    json_decref(round);
}

/* end of page_scoring.c */
