/*
** page_archives.c — the creation archive in the browser: the folder tree of a unit's year
** with counts and completeness, a leaf (documents "01：题名", upload with drag-and-drop and
** progress, a plain form without JavaScript, order), one document (preview, metadata,
** versions, move, trash), and the trash.
*/
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "handlers.h"
#include "wm_framework.h"
#include "wm_media.h"

/* Who may import a package into an archive: the offices and the unit's 创建办. */
static bool
ui_may_import(struct wm_req *r)
{
    return wm_actor_is(&r->actor, WM_ROLES_STAFF | WM_ROLE_BIT(WM_ROLE_UNIT_ADMIN));
}

/* 单位 › 市司法局 (the steps above a year's page). */
static void
unit_crumbs(struct wm_req *r, struct wm_buf *c, int64_t unit_id, const char *unit_name)
{
    if (wm_actor_is(&r->actor, WM_ROLES_STAFF)) {
        ui_crumb(c, "<a href=\"/units\">%s</a>", _("单位"));
    } else {
        ui_crumb(c, "<span>%s</span>", _("单位"));
    }
    ui_crumb(c, "<a href=\"/units/%I\">%s</a>", unit_id, unit_name);
}

/* A year without an archive: 404, said in words, with the form for those who may create. */
static void
archive_missing_page(struct wm_req *r, const struct wm_fail *f)
{
    struct wm_fail uf = {0};
    json_t *unit = wm_unit_get_scoped(r->db, &r->actor, r->ids[0], &uf);
    if (NULL == unit) {
        wm_reply_fail(r, WM_E_NOT_FOUND == uf.err ? f : &uf);
        return;
    }
    int64_t year = r->ids[1];
    struct wm_buf b = {0};
    char *title = wm_asprintf("%s · %lld %s", js(unit, "name"), (long long)year, _("年度创建档案"));
    struct wm_buf crumbs = {0};
    unit_crumbs(r, &crumbs, ji(unit, "id"), js(unit, "name"));
    ui_begin_at(r, &b, title, &crumbs);
    wm_buf_free(&crumbs);
    free(title);
    wm_h(&b, "<section class=\"card\"><p class=\"flash warn\">%s</p>", _("该年度档案尚未建立。"));
    bool in_range = year >= WM_ARCHIVE_YEAR_MIN && year <= wm_archive_current_year() + 1;
    if (wm_archive_may_create(&r->actor) && in_range) {
        json_t *list = wm_archive_list(r->db, &r->actor, ji(unit, "id"), NULL);
        ui_archive_create_form(r, &b, unit, list, year);
        json_decref(list);
    } else if (!in_range) {
        wm_h(&b, "<p class=\"hint\">%s</p>", _("这个年度不能建立创建档案。"));
    } else {
        wm_h(&b, "<p class=\"hint\">%s</p>", _("请联系本单位创建办或文明办建立。"));
    }
    wm_h(&b, "<p><a href=\"/units/%I\">← %s</a></p></section>\n", ji(unit, "id"), js(unit, "name"));
    json_decref(unit);
    ui_end(r, &b, 404);
}

/* What a leaf still lacks, in words: "还缺：2 件材料、图片". */
static void
leaf_missing(struct wm_buf *b, const json_t *x)
{
    const json_t *missing = json_object_get(x, "missing");
    if (0 == json_array_size(missing)) {
        return;
    }
    wm_h(b, "<p class=\"missing\">%s", _("还缺："));
    size_t i;
    json_t *m;
    json_array_foreach(missing, i, m)
    {
        const char *k = js(m, "kind");
        if (i) {
            wm_h(b, "%s", _("、"));
        }
        if (wm_streq(k, "documents")) {
            wm_h(b, _("%I 件材料"), ji(m, "count"));
        } else {
            wm_h(b, "%s", wm_streq(k, "text") ? _("文字材料") : wm_media_label(k));
        }
    }
    wm_h(b, "</p>");
}

/* The indicators (non-leaves) above a member's department's leaves: {code: true}. */
static json_t *
branches_of_mine(const json_t *inds, const char *mine)
{
    json_t *by_code = json_object(), *out = json_object();
    size_t i;
    json_t *x;
    json_array_foreach(inds, i, x)
    {
        json_object_set(by_code, js(x, "code"), x);
    }
    json_array_foreach(inds, i, x)
    {
        if (!ji(x, "leaf") || !ui_depts_have(json_object_get(x, "depts"), mine)) {
            continue;
        }
        /* up the parents (the depth bounds the walk, whatever the data says) */
        const json_t *p = x;
        for (int up = 0; up < 64 && p && *js(p, "parent_code"); up++) {
            json_object_set_new(out, js(p, "parent_code"), json_true());
            p = json_object_get(by_code, js(p, "parent_code"));
        }
    }
    json_decref(by_code);
    return out;
}

void
page_archive_get(struct wm_req *r)
{
    struct wm_fail f = {0};
    json_t *ar = wm_archive_open(r->db, &r->actor, r->ids[0], r->ids[1], &f);
    if (NULL == ar) {
        if (WM_E_NOT_FOUND == f.err && wm_streq(f.field, "year")) {
            archive_missing_page(r, &f);
        } else {
            wm_reply_fail(r, &f);
        }
        return;
    }
    /* The tree, the documents (read once: their review states, and the schedule from them). */
    json_t *tree = wm_archive_tree(r->db, ar, &f);
    json_t *docs = tree ? wm_archive_docs(r->db, &r->actor, ar, NULL, false, &f) : NULL;
    struct wm_sched_opts so;
    bool opts = docs && WM_OK == wm_sched_opts_for(r->db, ar, &so, &f);
    json_t *sched = opts ? wm_archive_schedule_of(r->db, ar, json_incref(docs), &so,
                                                  wm_day_today(), &f)
                         : NULL;
    if (NULL == sched) {
        json_decref(docs);
        json_decref(tree);
        json_decref(ar);
        wm_reply_fail(r, &f);
        return;
    }
    json_t *reviews = ui_review_counts_by_leaf(docs);
    json_decref(docs);
    json_t *marks = json_object(); /* code → the leaf's schedule mark */
    json_t *not_met = json_object(); /* code → why the leaf is not met this year */
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(sched, "leaves"), i, x)
    {
        json_object_set_new(marks, js(x, "code"),
                            json_integer(wm_sched_leaf_summary(json_object_get(x, "periods"))));
        if (json_is_true(json_object_get(x, "not_met"))) { /* too many returns this year */
            json_object_set(not_met, js(x, "code"), json_object_get(x, "not_met_reason"));
        }
    }
    json_decref(sched);
    /* A department's staff sees its department's leaves (all of them with ?all=1). */
    char *mine = ui_actor_dept(r);
    bool all = NULL == mine || wm_streq(wm_req_arg(r, "all"), "1");
    json_t *inds = json_object_get(tree, "indicators");
    json_t *open = mine ? branches_of_mine(inds, mine) : json_object();
    bool any_mine = json_object_size(open) > 0;
    if (mine && !any_mine) {
        all = true; /* none is the department's: the whole tree, said below */
    }
    struct wm_buf b = {0};
    char *title = wm_asprintf("%s · %lld %s", js(ar, "unit_name"), (long long)ji(ar, "year"),
                              _("年度创建档案"));
    struct wm_buf crumbs = {0};
    unit_crumbs(r, &crumbs, ji(ar, "unit_id"), js(ar, "unit_name"));
    ui_begin_at(r, &b, title, &crumbs);
    wm_buf_free(&crumbs);
    free(title);
    wm_h(&b, "<section class=\"card\"><dl class=\"kv\"><dt>%s</dt><dd><a href=\"/frameworks/%I\">"
             "%s（%s）</a></dd><dt>%s</dt><dd><b>%I%%</b>（",
         _("测评体系"), ji(ar, "edition_id"), js(ar, "framework_name"), js(ar, "framework_version"),
         _("完整度"), ji(tree, "percent"));
    wm_h(&b, _("%I / %I 项有要求的测评内容已达标"), ji(tree, "complete"), ji(tree, "leaves"));
    if (ji(tree, "optional_leaves")) {
        wm_h(&b, _("；另有 %I 项不作要求，不计入"), ji(tree, "optional_leaves"));
    }
    wm_h(&b, "）</dd><dt>%s</dt><dd>%I</dd></dl><progress class=\"meter\" max=\"100\" "
             "value=\"%I\">%I%%</progress><p class=\"row\"><a class=\"button\" "
             "href=\"/api/v1/units/%I/archives/%I/export.zip\" data-export>%s</a>",
         _("文件数"), ji(tree, "documents"), ji(tree, "percent"), ji(tree, "percent"),
         ji(ar, "unit_id"), ji(ar, "year"), _("导出标准档案包（ZIP）"));
    if (ui_may_import(r)) {
        wm_h(&b, " <a class=\"button secondary\" href=\"/units/%I/archives/%I/import\">%s</a>",
             ji(ar, "unit_id"), ji(ar, "year"), _("导入档案包"));
    }
    wm_h(&b, " <a class=\"button secondary\" href=\"/units/%I/archives/%I/trash\">%s</a>",
         ji(ar, "unit_id"), ji(ar, "year"), _("回收站"));
    /* issue 13, dat70: the DA/T 70 四性检测 (its report for readers, the button for managers) */
    if (!wm_actor_is(&r->actor, WM_ROLE_BIT(WM_ROLE_EVALUATOR))) {
        wm_h(&b, " <a class=\"button secondary\" href=\"/units/%I/archives/%I/check\">%s</a>",
             ji(ar, "unit_id"), ji(ar, "year"), _("四性检测报告"));
    }
    wm_h(&b, "</p>");
    if (wm_archive_check_may_run(&r->actor)) {
        wm_h(&b, "<form method=\"post\" action=\"/units/%I/archives/%I/check\" class=\"row\" "
                 "id=\"check-form\">", ji(ar, "unit_id"), ji(ar, "year"));
        ui_csrf(r, &b);
        wm_h(&b, "<button type=\"submit\" class=\"secondary\">%s</button> <span class=\"hint\">"
                 "%s</span></form>",
             _("四性检测"), _("按 DA/T 70-2018 检测真实性、完整性、可用性、安全性，结果生成报告。"));
    }
    wm_h(&b, "<p class=\"hint\" id=\"export-progress\" hidden></p>");
    /* An archive created by mistake: the office may delete it while it holds nothing. */
    if (wm_actor_is(&r->actor, WM_ROLES_STAFF) &&
        0 == wm_archive_doc_total(r->db, &r->actor, ar, NULL)) {
        wm_h(&b, "<form method=\"post\" action=\"/units/%I/archives/%I/delete\" class=\"row\" "
                 "data-confirm=\"%s\">",
             ji(ar, "unit_id"), ji(ar, "year"), _("确定删除这个空的年度档案？"));
        ui_csrf(r, &b);
        wm_h(&b, "<button type=\"submit\" class=\"danger\">%s</button> <span class=\"hint\">%s"
                 "</span></form>",
             _("删除这个年度档案"), _("档案中没有任何文件（回收站也是空的），误建时可以删除。"));
    }
    wm_h(&b, "</section>\n");
    /* What the marks mean, and for a department's staff the switch between its leaves and all. */
    wm_h(&b, "<section class=\"card\"><details class=\"legend-box\" open>"
             "<summary>%s</summary>",
         _("上传周期标记说明"));
    ui_sched_legend(&b, true);
    wm_h(&b, "</details>");
    if (mine && any_mine) {
        wm_h(&b, "<p class=\"row\" id=\"dept-switch\">");
        if (all) {
            wm_h(&b, "%s <a href=\"/units/%I/archives/%I\">%s%s%s</a>", _("正在显示全部测评内容。"),
                 ji(ar, "unit_id"), ji(ar, "year"), _("只看"), mine, _("负责的"));
        } else {
            wm_h(&b, _("正在显示 %s 负责的测评内容。"), mine);
            wm_h(&b, " <a href=\"/units/%I/archives/%I?all=1\">%s</a>", ji(ar, "unit_id"),
                 ji(ar, "year"), _("显示全部测评内容"));
        }
        wm_h(&b, "</p>");
    } else if (mine) {
        wm_h(&b, "<p class=\"hint\" id=\"dept-switch\">%s%s%s</p>", _("没有指定由 "), mine,
             _(" 负责的测评内容，显示全部。"));
    }
    wm_h(&b, "</section>\n");
    /* The folder tree: nested by level, leaves with counts and what they still need.  For a
    ** department's staff, branches without its leaves are hidden (folded with ?all=1). */
    wm_h(&b, "<div class=\"fwtree archive\" id=\"fwtree\">");
    int depth = 0, hidden = 0; /* hidden: the depth of the hidden branch being skipped */
    json_array_foreach(inds, i, x)
    {
        int d = (int)ji(x, "depth");
        if (hidden && d > hidden) {
            continue;
        }
        hidden = 0;
        while (depth >= d) {
            wm_h(&b, "</details>\n");
            depth--;
        }
        bool branch_mine = json_is_true(json_object_get(open, js(x, "code")));
        if (!ji(x, "leaf")) {
            if (mine && !all && !branch_mine) {
                hidden = d;
                continue;
            }
            wm_h(&b, "<details class=\"ind\"%r><summary><code>%s</code> <b>%s</b></summary>\n",
                 !mine || branch_mine || !any_mine ? " open" : "", js(x, "code"), js(x, "title"));
            depth = d;
            continue;
        }
        bool is_mine = mine && ui_depts_have(json_object_get(x, "depts"), mine);
        if (mine && !all && !is_mine) {
            continue;
        }
        bool ok = json_is_true(json_object_get(x, "complete"));
        bool req = json_is_true(json_object_get(x, "requires"));
        size_t k;
        json_t *m;
        wm_h(&b, "<div class=\"leaf %s%s\" data-code=\"%s\"><div class=\"head\">"
                 "<a href=\"/units/%I/archives/%I/leaf/%U\"><code>%s</code> <b>%s</b></a> ",
             ok ? "ok" : req ? "todo" : "optional", is_mine ? " mine" : "", js(x, "code"),
             ji(ar, "unit_id"), ji(ar, "year"), js(x, "code"), js(x, "code"), js(x, "title"));
        if (req) {
            wm_h(&b, "<span class=\"badge %s\">%I / %I %s</span>", ok ? "published" : "draft",
                 ji(x, "documents"), ji(x, "required"), _("件"));
        } else {
            wm_h(&b, "<span class=\"badge\">%I %s · %s</span>", ji(x, "documents"), _("件"),
                 _("不作要求"));
        }
        json_t *mark = json_object_get(marks, js(x, "code"));
        if (json_object_get(not_met, js(x, "code"))) {
            wm_h(&b, " <span class=\"sched overdue\" title=\"%s\">✗ %s</span>",
                 json_string_value(json_object_get(not_met, js(x, "code"))), _("本年度未达标"));
        } else if (mark) {
            wm_h(&b, " ");
            ui_sched_mark(&b, (enum wm_sched_state)json_integer_value(mark));
        }
        json_t *rc = json_object_get(reviews, js(x, "code"));
        if (rc) {
            wm_h(&b, " <span class=\"reviews\">");
            ui_review_counts(&b, rc);
            wm_h(&b, "</span>");
        }
        if (is_mine) {
            wm_h(&b, " <span class=\"tag mine\">%s</span>", _("本科室"));
        }
        json_array_foreach(json_object_get(x, "media"), k, m)
        {
            bool has = false;
            size_t q;
            json_t *p;
            json_array_foreach(json_object_get(x, "media_present"), q, p)
            {
                has = has || json_equal(p, m);
            }
            wm_h(&b, " <span class=\"tag %s\">%s%s</span>", has ? "have" : "need",
                 wm_media_label(json_string_value(m)), has ? " ✓" : "");
        }
        wm_h(&b, "</div>");
        leaf_missing(&b, x);
        if (*js(x, "requirement")) {
            wm_h(&b, "<p class=\"hint\">%s</p>", js(x, "requirement"));
        }
        if (*js(x, "materials")) {
            wm_h(&b, "<p class=\"hint\">%s%s</p>", _("应有材料："), js(x, "materials"));
        }
        if (json_array_size(json_object_get(x, "depts"))) {
            wm_h(&b, "<p class=\"hint\">%s", _("负责科室："));
            json_array_foreach(json_object_get(x, "depts"), k, m)
            {
                wm_h(&b, "%s%s", k ? _("、") : "", json_string_value(m) ? json_string_value(m) : "");
            }
            wm_h(&b, "</p>");
        }
        wm_h(&b, "</div>\n");
    }
    while (depth > 0) {
        wm_h(&b, "</details>\n");
        depth--;
    }
    wm_h(&b, "</div>\n");
    free(mine);
    json_decref(open);
    json_decref(not_met);
    json_decref(marks);
    json_decref(reviews);
    json_decref(tree);
    json_decref(ar);
    ui_end(r, &b, 200);
}

/* ---------------------------------------------------------------- shared bits */

/* A document as the UI names it: "01：题名" (the package writes the same). */
static char *
doc_name(const json_t *d)
{
    return wm_asprintf("%02lld：%s", (long long)ji(d, "serial"), js(d, "title"));
}

/* 单位 › 市司法局 › 2026 年度档案 (the steps above every page of an archive). */
static void
archive_crumbs(struct wm_req *r, struct wm_buf *c, const json_t *ar)
{
    unit_crumbs(r, c, ji(ar, "unit_id"), js(ar, "unit_name"));
    ui_crumb(c, "<a href=\"/units/%I/archives/%I\">%I %s</a>", ji(ar, "unit_id"), ji(ar, "year"),
             ji(ar, "year"), _("年度档案"));
}

/* ---------------------------------------------------------------- a leaf */

static json_t *
leaf_row(struct wm_req *r, const json_t *ar, const char *code, struct wm_fail *f)
{
    json_t *inds = wm_edition_indicators(r->db, &r->actor, ji(ar, "edition_id"), true, f);
    json_t *found = NULL;
    size_t i;
    json_t *x;
    json_array_foreach(inds, i, x)
    {
        if (wm_streq(js(x, "code"), code)) {
            found = json_incref(x);
        }
    }
    if (inds && NULL == found) {
        wm_fail_set(f, WM_E_NOT_FOUND, NULL, "%s", _("该档案没有这个末级指标"));
    }
    json_decref(inds);
    return found;
}

static void
upload_form(struct wm_req *r, struct wm_buf *b, const json_t *ar, const char *code)
{
    wm_h(b, "<section class=\"card\"><h2>%s</h2><form method=\"post\" "
            "action=\"/units/%I/archives/%I/leaf/%U\" enctype=\"multipart/form-data\" "
            "class=\"grid upload\" id=\"upload\" data-api=\"/api/v1/units/%I/archives/%I/indicators/%U/documents\">",
         _("上传材料"), ji(ar, "unit_id"), ji(ar, "year"), code, ji(ar, "unit_id"), ji(ar, "year"),
         code);
    ui_csrf(r, b);
    wm_h(b, "<label class=\"wide drop\">%s<input type=\"file\" name=\"file\" multiple required>"
            "<span class=\"hint\">%s</span></label>"
            "<label>%s<input name=\"title\" maxlength=\"200\" placeholder=\"%s\"></label>"
            "<label>%s<input name=\"date_formed\" type=\"date\"></label>"
            "<label>%s<select name=\"media\"><option value=\"\">%s</option>"
            "<option value=\"text\">%s</option><option value=\"photo\">%s</option>"
            "<option value=\"audiovisual\">%s</option></select></label>"
            "<label>%s<input name=\"dept\" maxlength=\"50\"></label>"
            "<label>%s<input name=\"author\" maxlength=\"50\"></label>"
            "<label>%s<input name=\"keywords\" maxlength=\"200\"></label>"
            "<label>%s<select name=\"retention\"><option value=\"永久\">%s</option>"
            "<option value=\"30年\">%s</option><option value=\"10年\">%s</option></select></label>"
            "<label class=\"wide\">%s<input name=\"remarks\" maxlength=\"1000\"></label>"
            "<button type=\"submit\">%s</button><ul class=\"progress\" id=\"upload-progress\" "
            "aria-live=\"polite\"></ul></form></section>\n",
         _("文件（可多选，也可拖放到这里）"),
         _("PDF、OFD、Word、Excel、WPS、图片、音视频；类型按内容识别。多个文件按选择的顺序编号。"),
         _("题名"), _("默认取文件名"), _("形成日期"), _("载体"), _("按内容识别"), _("文字"),
         _("图片"), _("音像"), _("责任部门"), _("责任者"), _("主题词"), _("保管期限"), _("永久"),
         _("定期30年"), _("定期10年"), _("备注"), _("上传"));
}

/* One move of the order form without JavaScript: the serials with positions i and j swapped. */
static void
order_button(struct wm_req *r, struct wm_buf *b, const json_t *ar, const char *code,
             const json_t *docs, size_t i, size_t j, const char *label, const char *cls)
{
    wm_h(b, "<form method=\"post\" action=\"/units/%I/archives/%I/leaf/%U/order\" "
            "class=\"inline\">",
         ji(ar, "unit_id"), ji(ar, "year"), code);
    ui_csrf(r, b);
    wm_h(b, "<input type=\"hidden\" name=\"order\" value=\"");
    for (size_t k = 0; k < json_array_size(docs); k++) {
        size_t at = k == i ? j : k == j ? i : k;
        wm_h(b, "%s%I", k ? "," : "", ji(json_array_get(docs, at), "serial"));
    }
    wm_h(b, "\"><button type=\"submit\" class=\"secondary small %s\" title=\"%s\">%s</button>"
            "</form>",
         cls, label, label);
}

/* Whether the caller may upload here, in words; for a member, which department is. */
static void
may_upload_note(struct wm_req *r, struct wm_buf *b, bool can_write, const struct wm_fail *f,
                const json_t *leaf)
{
    bool member = wm_actor_is(&r->actor, WM_ROLE_BIT(WM_ROLE_UNIT_MEMBER));
    if (can_write && member) {
        json_t *depts = json_loads(js(leaf, "depts"), 0, NULL);
        struct wm_buf names = {0};
        size_t i;
        json_t *d;
        json_array_foreach(depts, i, d)
        {
            wm_buf_printf(&names, "%s%s", i ? "、" : "", json_string_value(d));
        }
        wm_h(b, "<p class=\"flash ok\" id=\"may-upload\">%s%s%s</p>", _("本指标由 "),
             wm_buf_str(&names), _(" 负责，您可以在这里上传材料。"));
        wm_buf_free(&names);
        json_decref(depts);
    } else if (can_write) {
        wm_h(b, "<p class=\"hint\" id=\"may-upload\">%s</p>", _("您可以在这里上传材料。"));
    } else if (WM_E_FORBIDDEN == f->err && member) {
        wm_h(b, "<p class=\"flash warn\" id=\"may-upload\">%s%s</p>", f->msg,
             _("。如需补充材料，请联系负责科室或本单位创建办。"));
    } else {
        wm_h(b, "<p class=\"hint\" id=\"may-upload\">%s</p>", _("您的账号只能查看本项材料，不能上传。"));
    }
}

/* The guidance of the leaf's returned documents: {document id: the return event} (one
** read of the review queue, whatever the number of documents). */
static json_t *
leaf_returned(struct wm_req *r, const json_t *ar, const char *code, struct wm_fail *f)
{
    struct wm_review_query q = {.state = "returned", .unit_id = ji(ar, "unit_id"),
                                .indicator = code, .limit = 1000};
    json_t *rows = wm_review_queue(r->db, &r->actor, &q, f);
    if (NULL == rows) {
        return NULL; /* the store's error: the page is not shown without the guidance */
    }
    json_t *out = json_object();
    size_t i;
    json_t *x;
    json_array_foreach(rows, i, x)
    {
        if (ji(x, "archive_id") == ji(ar, "id")) {
            char key[24];
            snprintf(key, sizeof key, "%lld", (long long)ji(x, "id"));
            json_object_set(out, key, x);
        }
    }
    json_decref(rows);
    return out;
}

/* A document's review cell: its state, the guidance it was returned with, and the button
** that submits it (for those who may write, while it is a draft or returned). */
static void
doc_review_cell(struct wm_req *r, struct wm_buf *b, const json_t *d, bool can_write,
                const json_t *returned)
{
    const char *st = js(d, "status");
    wm_h(b, "<td data-label=\"%s\" class=\"review-cell\">", _("审核"));
    ui_review_mark(b, st);
    char key[24];
    snprintf(key, sizeof key, "%lld", (long long)ji(d, "id"));
    const json_t *ev = json_object_get(returned, key);
    if (wm_streq(st, "returned") && ev) {
        wm_h(b, "<blockquote class=\"guidance\"><p>%s</p><footer>%s ", js(ev, "comment"),
             js(ev, "actor_name"));
        ui_time(b, ji(ev, "at"));
        wm_h(b, "</footer></blockquote>");
    }
    if (can_write && (wm_streq(st, "draft") || wm_streq(st, "returned"))) {
        wm_h(b, "<form method=\"post\" action=\"/documents/%I/submit\" class=\"inline\">",
             ji(d, "id"));
        ui_csrf(r, b);
        wm_h(b, "<input type=\"hidden\" name=\"back\" value=\"leaf\">"
                "<button type=\"submit\" class=\"small\">%s</button></form>",
             wm_streq(st, "returned") ? _("重新提交") : _("提交审核"));
    }
    wm_h(b, "</td>");
}

/* The leaf's periods of the year and the state of each: the archive's schedule as the API
** computes it (wm_archive_schedule_of), from the leaf's documents already read. */
static void
leaf_periods(struct wm_req *r, struct wm_buf *b, const json_t *ar, const char *code,
             json_t *docs)
{
    struct wm_sched_opts so;
    struct wm_fail f = {0};
    json_t *sched = WM_OK == wm_sched_opts_for(r->db, ar, &so, &f)
                        ? wm_archive_schedule_of(r->db, ar, json_incref(docs), &so,
                                                 wm_day_today(), &f)
                        : NULL;
    const json_t *leaf = NULL;
    size_t i;
    json_t *p;
    json_array_foreach(json_object_get(sched, "leaves"), i, p)
    {
        leaf = wm_streq(js(p, "code"), code) ? p : leaf;
    }
    if (NULL == sched) {
        wm_h(b, "<p class=\"flash err\" id=\"leaf-periods\">%s</p>",
             _("暂时无法计算上传周期，请稍后刷新。"));
        return;
    }
    const json_t *periods = json_object_get(leaf, "periods");
    if (NULL == periods) {
        json_decref(sched);
        return; /* no frequency: nothing is due by a date */
    }
    wm_h(b, "<section class=\"card\" id=\"leaf-periods\"><h2>%s</h2><p class=\"hint\">",
         _("上传周期"));
    wm_h(b, so.count_submitted
                ? _("每期需有形成日期在期内、已提交或审核通过的文件；截止日为期末后 %d 天。")
                : _("每期需有形成日期在期内、审核通过的文件；截止日为期末后 %d 天。"),
         so.offset);
    wm_h(b, "</p>");
    if (json_is_true(json_object_get(leaf, "not_met"))) { /* too many returns this year */
        wm_h(b, "<p class=\"flash err\"><span class=\"sched overdue\">✗ %s</span> %s</p>",
             _("本年度未达标"), js(leaf, "not_met_reason"));
    }
    wm_h(b, "<table class=\"cards periods\"><thead><tr><th>%s</th><th>%s</th><th>%s</th>"
            "<th>%s</th><th class=\"num\">%s</th></tr></thead><tbody>",
         _("期次"), _("起止日期"), _("截止日期"), _("状态"), _("符合的文件"));
    json_array_foreach(periods, i, p)
    {
        enum wm_sched_state st = WM_SCHED_NOT_DUE;
        (void)ui_sched_state_parse(js(p, "state"), &st);
        wm_h(b, "<tr data-period=\"%s\" data-state=\"%s\"><td data-label=\"%s\">%s</td>"
                "<td data-label=\"%s\">%s – %s</td><td data-label=\"%s\">%s</td>"
                "<td data-label=\"%s\">",
             js(p, "period"), js(p, "state"), _("期次"), wm_period_label(js(p, "period")),
             _("起止日期"), js(p, "start"), js(p, "end"), _("截止日期"), js(p, "deadline"),
             _("状态"));
        ui_sched_mark(b, st);
        wm_h(b, "</td><td class=\"num\" data-label=\"%s\">%I</td></tr>", _("符合的文件"),
             ji(p, "documents"));
    }
    wm_h(b, "</tbody></table><details class=\"legend-box\"><summary>%s</summary>",
         _("标记说明"));
    ui_sched_legend(b, false);
    wm_h(b, "</details></section>\n");
    json_decref(sched);
}

void
page_leaf_get(struct wm_req *r)
{
    json_t *ar = wm_req_archive(r);
    if (NULL == ar) {
        return;
    }
    const char *code = r->segs[0];
    struct wm_fail lf = {0};
    json_t *leaf = leaf_row(r, ar, code, &lf);
    json_t *docs = leaf ? wm_archive_docs(r->db, &r->actor, ar, code, false, &lf) : NULL;
    if (NULL == docs) {
        json_decref(leaf);
        json_decref(ar);
        wm_reply_fail(r, &lf);
        return;
    }
    /* The standard as loaded: score, rule, methods, departments, frequency. The archive is
    ** in the caller's scope, so is the edition it was created with. */
    json_t *ed = wm_edition_get_scoped(r->db, &r->actor, ji(ar, "edition_id"), true, NULL);
    struct wm_fw *fw = ed ? wm_edition_parse(ed) : NULL;
    const struct wm_ind *ind = fw ? wm_fw_find(fw, code) : NULL;
    struct wm_fail f = {0};
    bool can_write = WM_OK == wm_doc_may_write(r->db, &r->actor, ar, code, &f);
    size_t n = json_array_size(docs), i;
    json_t *d;
    /* Review states: counts, and the guidance of each returned document (one read). */
    json_t *by_leaf = ui_review_counts_by_leaf(docs);
    json_t *reviews = json_incref(json_object_get(by_leaf, code));
    json_decref(by_leaf);
    reviews = reviews ? reviews : json_object();
    struct wm_fail rf = {0};
    json_t *returned = leaf_returned(r, ar, code, &rf);
    if (NULL == returned) {
        json_decref(reviews);
        json_decref(docs);
        json_decref(leaf);
        json_decref(ar);
        json_decref(ed);
        wm_fw_free(fw);
        wm_reply_fail(r, &rf);
        return;
    }
    bool reorder = can_write && n > 1;
    struct wm_buf b = {0}, c = {0};
    archive_crumbs(r, &c, ar);
    char *title = wm_asprintf("%s %s", code, js(leaf, "title"));
    ui_begin_at(r, &b, title, &c);
    free(title);
    wm_buf_free(&c);
    wm_h(&b, "<section class=\"card\" id=\"leaf-info\"><h2>%s</h2>", _("本项要求"));
    if (ind) {
        ui_ind_details(&b, ind, true);
    } else {
        wm_h(&b, "<dl class=\"kv small\">");
        if (*js(leaf, "requirement")) {
            wm_h(&b, "<dt>%s</dt><dd>%s</dd>", _("测评内容"), js(leaf, "requirement"));
        }
        if (*js(leaf, "materials")) {
            wm_h(&b, "<dt>%s</dt><dd>%s</dd>", _("佐证材料"), js(leaf, "materials"));
        }
        wm_h(&b, "</dl>");
    }
    if (NULL == ind || !ind->has_min_documents) {
        wm_h(&b, "<p class=\"hint\">%s%I%s</p>", _("至少需要 "),
             json_is_integer(json_object_get(leaf, "min_documents")) ? ji(leaf, "min_documents")
                                                                     : (int64_t)1,
             _(" 件材料。"));
    }
    may_upload_note(r, &b, can_write, &f, leaf);
    wm_h(&b, "</section>\n");
    leaf_periods(r, &b, ar, code, docs);
    /* The review: submit every draft and returned document at once. */
    size_t open = 0;
    json_array_foreach(docs, i, d)
    {
        open += wm_streq(js(d, "status"), "draft") || wm_streq(js(d, "status"), "returned");
    }
    wm_h(&b, "<section class=\"card\" id=\"leaf-review\"><h2>%s</h2><p class=\"row\">",
         _("材料与审核"));
    ui_review_counts(&b, reviews);
    if (can_write && open) {
        wm_h(&b, "</p><form method=\"post\" action=\"/units/%I/archives/%I/leaf/%U/submit\" "
                 "class=\"row\" id=\"leaf-submit\">",
             ji(ar, "unit_id"), ji(ar, "year"), code);
        ui_csrf(r, &b);
        wm_h(&b, "<button type=\"submit\">%s</button> <span class=\"hint\">", _("全部提交审核"));
        wm_h(&b, _("提交本项的 %I 件草稿或被退回的文件，提交后由文明办审核。"), (int64_t)open);
        wm_h(&b, "</span></form>");
    } else {
        wm_h(&b, "</p>");
    }
    wm_h(&b, "</section>\n");
    wm_h(&b, "<table class=\"docs cards\"><thead><tr><th>%s</th><th>%s</th><th>%s</th>"
             "<th class=\"num\">%s</th><th>%s</th><th>%s</th>",
         _("题名"), _("载体"), _("形成日期"), _("大小"), _("版本"), _("审核"));
    if (reorder) {
        wm_h(&b, "<th>%s</th>", _("顺序"));
    }
    wm_h(&b, "</tr></thead><tbody id=\"doclist\"%r>", reorder ? " data-reorder" : "");
    json_array_foreach(docs, i, d)
    {
        char *name = doc_name(d);
        wm_h(&b, "<tr data-id=\"%I\" data-serial=\"%I\"%r><td data-label=\"%s\"><img class=\"thumb\" "
                 "src=\"/api/v1/documents/%I/thumbnail\" alt=\"\" loading=\"lazy\">",
             ji(d, "id"), ji(d, "serial"), reorder ? " draggable=\"true\"" : "", _("题名"),
             ji(d, "id"));
        wm_h(&b, "<a href=\"/documents/%I\">%s</a></td><td data-label=\"%s\">%s</td>"
                 "<td data-label=\"%s\">%s</td><td class=\"num\" data-label=\"%s\">%I KB</td>"
                 "<td data-label=\"%s\">v%I</td>",
             ji(d, "id"), name, _("载体"), wm_media_label(js(d, "media")), _("形成日期"),
             js(d, "date_formed"), _("大小"), (ji(d, "size") + 1023) / 1024, _("版本"),
             ji(d, "version"));
        doc_review_cell(r, &b, d, can_write, returned);
        if (reorder) {
            wm_h(&b, "<td class=\"order\" data-label=\"%s\">", _("顺序"));
            if (i > 0) {
                order_button(r, &b, ar, code, docs, i, i - 1, _("上移"), "up");
            }
            if (i + 1 < n) {
                order_button(r, &b, ar, code, docs, i, i + 1, _("下移"), "down");
            }
            wm_h(&b, "</td>");
        }
        wm_h(&b, "</tr>\n");
        free(name);
    }
    if (0 == n) {
        wm_h(&b, "<tr class=\"empty\"><td colspan=\"6\" class=\"empty\">%s</td></tr>",
             can_write ? _("还没有文件。把文件拖到下面的上传框，或点击选择文件上传。")
                       : _("还没有文件。"));
    }
    wm_h(&b, "</tbody></table>\n");
    if (reorder) {
        /* Without JavaScript: type the new order of the serials; dragging rows fills it in. */
        wm_h(&b, "<details class=\"order-text\"><summary>%s</summary><form method=\"post\" "
                 "action=\"/units/%I/archives/%I/leaf/%U/order\" class=\"row\" id=\"order-form\">",
             _("按序号调整顺序"), ji(ar, "unit_id"), ji(ar, "year"), code);
        ui_csrf(r, &b);
        wm_h(&b, "<label>%s<input name=\"order\" value=\"",
             _("新顺序（按新顺序填写原序号，用逗号分隔）"));
        json_array_foreach(docs, i, d)
        {
            wm_h(&b, "%s%I", i ? "," : "", ji(d, "serial"));
        }
        wm_h(&b, "\" required></label><button type=\"submit\" class=\"secondary\">%s</button>"
                 "</form></details>\n",
             _("重新编号"));
    }
    if (can_write) {
        upload_form(r, &b, ar, code);
    }
    /* ---- More panels of the leaf go here, after the upload form. ---- */
    ui_guidance_panel(r, &b, ar, code);
    json_decref(returned);
    json_decref(reviews);
    json_decref(docs);
    json_decref(leaf);
    json_decref(ar);
    json_decref(ed);
    wm_fw_free(fw);
    ui_end(r, &b, 200);
}

void
page_leaf_post(struct wm_req *r)
{
    json_t *ar = wm_req_archive(r);
    if (NULL == ar) {
        return;
    }
    json_t *docs = wm_upload_documents(r, ar, r->segs[0]);
    if (docs) {
        struct wm_buf to = {0}, msg = {0};
        wm_buf_printf(&to, "/units/%lld/archives/%lld/leaf/", (long long)ji(ar, "unit_id"),
                      (long long)ji(ar, "year"));
        wm_url_encode(&to, r->segs[0]);
        wm_buf_printf(&msg, _("已上传 %u 件"), (unsigned)json_array_size(docs));
        size_t k;
        json_t *d;
        json_array_foreach(docs, k, d)
        {
            if (*js(d, "notice")) { /* a name corrected from the bytes: say so */
                wm_buf_printf(&msg, "%s%s", _("；"), js(d, "notice"));
            }
        }
        ui_redirect_msg(r, wm_buf_str(&to), "ok", wm_buf_str(&msg));
        wm_buf_free(&to);
        wm_buf_free(&msg);
        json_decref(docs);
    }
    json_decref(ar);
}

void
page_leaf_order_post(struct wm_req *r)
{
    json_t *ar = wm_req_archive(r);
    if (NULL == ar) {
        return;
    }
    struct wm_fail lf = {0};
    json_t *docs = wm_archive_docs(r->db, &r->actor, ar, r->segs[0], false, &lf);
    if (NULL == docs) {
        json_decref(ar);
        wm_reply_fail(r, &lf);
        return;
    }
    size_t n = json_array_size(docs), k = 0;
    int64_t *ids = wm_calloc(n ? n : 1, sizeof *ids);
    const char *order = wm_form(r, "order");
    bool ok = order != NULL;
    for (const char *p = order ? order : ""; ok && *p;) {
        char num[24];
        size_t len = strcspn(p, ",，、 ");
        int64_t serial;
        if (len && len < sizeof num) {
            memcpy(num, p, len);
            num[len] = '\0';
            ok = wm_parse_i64(num, 1, INT64_MAX, &serial) && k < n;
            size_t i;
            json_t *d;
            bool found = false;
            json_array_foreach(docs, i, d)
            {
                if (ok && ji(d, "serial") == serial) {
                    ids[k++] = ji(d, "id");
                    found = true;
                }
            }
            ok = ok && found;
        }
        p += len;
        while (*p && strchr(",， ", *p)) {
            p++;
        }
        if (0 == strncmp(p, "，", 3) || 0 == strncmp(p, "、", 3)) {
            p += 3;
        }
    }
    struct wm_fail f = {0};
    struct wm_buf to = {0};
    wm_buf_printf(&to, "/units/%lld/archives/%lld/leaf/", (long long)ji(ar, "unit_id"),
                  (long long)ji(ar, "year"));
    wm_url_encode(&to, r->segs[0]);
    if (!ok || k != n) {
        ui_redirect_msg(r, wm_buf_str(&to), "err", _("请按新顺序列出全部原序号，每个一次"));
    } else if (WM_OK != wm_doc_reorder(r->db, &r->actor, ar, r->segs[0], ids, n, &f)) {
        ui_redirect_msg(r, wm_buf_str(&to), "err", f.msg);
    } else {
        ui_redirect_msg(r, wm_buf_str(&to), "ok", _("已重新编号"));
    }
    wm_buf_free(&to);
    free(ids);
    json_decref(docs);
    json_decref(ar);
}

/* ---------------------------------------------------------------- submit for review */

/* The leaf page of a document (where its submit button was). */
static char *
leaf_path_of(const json_t *d)
{
    struct wm_buf to = {0};
    wm_buf_printf(&to, "/units/%lld/archives/%lld/leaf/", (long long)ji(d, "unit_id"),
                  (long long)ji(d, "year"));
    wm_url_encode(&to, js(d, "indicator_code"));
    char *s = wm_strdup(wm_buf_str(&to));
    wm_buf_free(&to);
    return s;
}

/* Submit one document (the rules are wm_review_submit's): back to the document's page, or
** with back=leaf to its leaf's page (where the leaf page's buttons are). */
void
page_document_submit_post(struct wm_req *r)
{
    struct wm_fail f = {0};
    json_t *d = wm_doc_get_scoped(r->db, &r->actor, r->ids[0], &f);
    if (NULL == d) {
        ui_fail(r, &f);
        return;
    }
    char *to = wm_streq(wm_form(r, "back"), "leaf")
                   ? leaf_path_of(d)
                   : wm_asprintf("/documents/%lld", (long long)r->ids[0]);
    enum wm_err e = wm_review_submit(r->db, &r->actor, &r->ids[0], 1, &f);
    char *msg = wm_asprintf(_("已提交审核：%s"), js(d, "title"));
    ui_done(r, e, &f, to, msg);
    free(msg);
    free(to);
    json_decref(d);
}

/* Submit every draft and returned document of a leaf. */
void
page_leaf_submit_post(struct wm_req *r)
{
    json_t *ar = wm_req_archive(r);
    if (NULL == ar) {
        return;
    }
    struct wm_fail f = {0};
    size_t n = 0;
    enum wm_err e = wm_review_submit_leaf(r->db, &r->actor, ar, r->segs[0], &n, &f);
    struct wm_buf to = {0};
    wm_buf_printf(&to, "/units/%lld/archives/%lld/leaf/", (long long)ji(ar, "unit_id"),
                  (long long)ji(ar, "year"));
    wm_url_encode(&to, r->segs[0]);
    char *msg = wm_asprintf(_("已提交审核 %u 件"), (unsigned)n);
    ui_done(r, e, &f, wm_buf_str(&to), msg);
    free(msg);
    wm_buf_free(&to);
    json_decref(ar);
}

/* ---------------------------------------------------------------- the trash */

#define TRASH_RESTORE_DAYS 30 /* a unit's 创建办 restores within this; offices any time */

/* How long a trashed document can still be restored by its unit, in words. */
static void
trash_days(struct wm_req *r, struct wm_buf *b, const json_t *d)
{
    int64_t left = ji(d, "deleted_at") + TRASH_RESTORE_DAYS * 86400 - wm_now();
    if (wm_actor_is(&r->actor, WM_ROLES_STAFF)) {
        wm_h(b, "%s", _("文明办可随时恢复"));
    } else if (left > 0) {
        wm_h(b, "<span class=\"days\">%s%I%s</span>", _("还剩 "), (left + 86399) / 86400, _(" 天"));
    } else {
        wm_h(b, "%s", _("已超过 30 天，请联系文明办恢复"));
    }
}

/* Restore (the offices; a unit's 创建办 within 30 days) and purge (the platform admin). */
static void
trash_actions(struct wm_req *r, struct wm_buf *b, const json_t *d)
{
    bool staff = wm_actor_is(&r->actor, WM_ROLES_STAFF);
    bool unit_admin = wm_actor_is(&r->actor, WM_ROLE_BIT(WM_ROLE_UNIT_ADMIN));
    bool in_time = ji(d, "deleted_at") + TRASH_RESTORE_DAYS * 86400 >= wm_now();
    bool admin = wm_actor_is(&r->actor, WM_ROLE_BIT(WM_ROLE_ADMIN));
    if (!(staff || (unit_admin && in_time))) {
        return;
    }
    wm_h(b, "<form method=\"post\" action=\"/documents/%I\" class=\"inline\">", ji(d, "id"));
    ui_csrf(r, b);
    wm_h(b, "<input type=\"hidden\" name=\"back\" value=\"trash\">"
            "<button type=\"submit\" name=\"action\" value=\"restore\" class=\"small\">%s</button>",
         _("恢复"));
    if (admin) {
        wm_h(b, " <button type=\"submit\" name=\"action\" value=\"purge\" class=\"danger small\" "
                "data-confirm-click=\"%s\">%s</button>",
             _("彻底删除后无法恢复，确定吗？"), _("彻底删除"));
    }
    wm_h(b, "</form>");
}

/* ---------------------------------------------------------------- a document */

/* The preview of a document in the page: a PDF through pdf.js (our own script renders the
** first pages into canvases; the first page's thumbnail is what shows without JavaScript),
** images, audio and video with the browser's own elements. */
static void
preview(struct wm_buf *b, const json_t *d, const char *name)
{
    const char *mime = js(d, "mime");
    int64_t id = ji(d, "id");
    if (wm_startswith(mime, "image/") && !wm_streq(mime, "image/heic") &&
        !wm_streq(mime, "image/tiff")) {
        wm_h(b, "<figure class=\"preview\"><img src=\"/api/v1/documents/%I/content?inline=1\" "
                "alt=\"%s\"></figure>",
             id, name);
    } else if (wm_streq(mime, "application/pdf")) {
        wm_h(b, "<figure class=\"preview pdf\" id=\"pdf-preview\" "
                "data-pdf=\"/api/v1/documents/%I/content?inline=1\" data-pages=\"3\">"
                "<img class=\"page\" src=\"/api/v1/documents/%I/thumbnail\" alt=\"%s\">"
                "<figcaption><a href=\"/api/v1/documents/%I/content?inline=1\">%s</a>"
                "</figcaption></figure>",
             id, id, _("第 1 页"), id, _("在新页面打开 PDF"));
    } else if (wm_startswith(mime, "audio/")) {
        wm_h(b, "<figure class=\"preview\"><audio controls "
                "src=\"/api/v1/documents/%I/content?inline=1\"></audio></figure>",
             id);
    } else if (wm_startswith(mime, "video/")) {
        wm_h(b, "<figure class=\"preview\"><video controls "
                "src=\"/api/v1/documents/%I/content?inline=1\"></video></figure>",
             id);
    } else {
        wm_h(b, "<figure class=\"preview\"><img class=\"page\" src=\"/api/v1/documents/%I/thumbnail\" "
                "alt=\"\"><figcaption>%s</figcaption></figure>",
             id, _("此类文件不能在页面中预览，请下载后打开。"));
    }
}

void
page_document_get(struct wm_req *r)
{
    struct wm_fail f = {0};
    json_t *d = wm_doc_get_scoped(r->db, &r->actor, r->ids[0], &f);
    json_t *vs = d ? wm_doc_versions(r->db, &r->actor, ji(d, "id"), &f) : NULL;
    if (NULL == vs) {
        json_decref(d);
        if (WM_E_NOT_FOUND == f.err) {
            wm_fail_set(&f, WM_E_NOT_FOUND, NULL, "%s", _("文件不存在，或不在您的管辖范围内"));
        }
        wm_reply_fail(r, &f);
        return;
    }
    json_t *ar = wm_archive_open(r->db, &r->actor, ji(d, "unit_id"), ji(d, "year"), NULL);
    bool trashed = json_is_integer(json_object_get(d, "deleted_at"));
    bool can_write = !trashed && ar &&
                     WM_OK == wm_doc_may_write(r->db, &r->actor, ar, js(d, "indicator_code"), &f);
    char *name = trashed ? wm_strdup(js(d, "title")) : doc_name(d);
    char *code = wm_doc_archival_code(d, js(d, "unit_code"), ji(d, "year"));
    struct wm_buf b = {0}, c = {0};
    json_t *crumb_ar = json_pack("{s:I, s:s, s:I}", "unit_id", (json_int_t)ji(d, "unit_id"),
                                 "unit_name", js(d, "unit_name"), "year", (json_int_t)ji(d, "year"));
    archive_crumbs(r, &c, crumb_ar);
    json_decref(crumb_ar);
    if (trashed) {
        ui_crumb(&c, "<a href=\"/units/%I/archives/%I/trash\">%s</a>", ji(d, "unit_id"),
                 ji(d, "year"), _("回收站"));
    } else {
        ui_crumb(&c, "<a href=\"/units/%I/archives/%I/leaf/%U\">%s</a>", ji(d, "unit_id"),
                 ji(d, "year"), js(d, "indicator_code"), js(d, "indicator_code"));
    }
    ui_begin_at(r, &b, name, &c);
    wm_buf_free(&c);
    if (trashed) {
        wm_h(&b, "<p class=\"flash warn\">%s</p>", _("此文件在回收站中。"));
    }
    ui_work_source(r, &b, ji(d, "id")); /* issue 12: the record it was filed from */
    preview(&b, d, name);
    wm_h(&b, "<section class=\"card\"><dl class=\"kv\"><dt>%s</dt><dd><code>%s</code></dd>"
             "<dt>%s</dt><dd>%s</dd>"
             "<dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd>"
             "<dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd>"
             "<dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s · <span class=\"type\">%s</span> · %I KB</dd></dl>"
             "<p><a class=\"button\" href=\"/api/v1/documents/%I/content\">%s</a></p></section>\n",
         _("档号"), code, _("题名"), js(d, "title"), _("形成日期"), js(d, "date_formed"), _("载体"),
         wm_media_label(js(d, "media")), _("责任部门"), js(d, "dept"), _("责任者"), js(d, "author"),
         _("主题词"), js(d, "keywords"), _("保管期限"),
         wm_streq(js(d, "retention"), "永久") || !*js(d, "retention") ? js(d, "retention")
         : wm_streq(js(d, "retention"), "30年")                       ? _("定期30年")
         : wm_streq(js(d, "retention"), "10年")                       ? _("定期10年")
                                                                       : js(d, "retention"),
         _("备注"), js(d, "remarks"), _("文件"), js(d, "filename"), wm_media_type_label(js(d, "mime")),
         (ji(d, "size") + 1023) / 1024, ji(d, "id"), _("下载"));
    /* Versions. */
    wm_h(&b, "<section class=\"card\"><h2>%s</h2><table class=\"cards\"><thead><tr><th>%s</th>"
             "<th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>",
         _("版本"), _("版本"), _("文件名"), _("类型"), _("上传时间"), _("上传人"));
    size_t i;
    json_t *v;
    json_array_foreach(vs, i, v)
    {
        wm_h(&b, "<tr><td data-label=\"%s\"><a href=\"/api/v1/documents/%I/content?version=%I\">"
                 "v%I</a></td><td data-label=\"%s\">%s</td><td data-label=\"%s\">%s</td>"
                 "<td data-label=\"%s\">",
             _("版本"), ji(d, "id"), ji(v, "version"), ji(v, "version"), _("文件名"),
             js(v, "filename"), _("类型"), wm_media_type_label(js(v, "mime")), _("上传时间"));
        ui_time(&b, ji(v, "created_at"));
        wm_h(&b, "</td><td data-label=\"%s\">%s</td></tr>", _("上传人"), js(v, "created_by_name"));
    }
    wm_h(&b, "</tbody></table>");
    if (can_write) {
        wm_h(&b, "<form method=\"post\" action=\"/documents/%I/versions\" "
                 "enctype=\"multipart/form-data\" class=\"row\">",
             ji(d, "id"));
        ui_csrf(r, &b);
        wm_h(&b, "<label>%s<input type=\"file\" name=\"file\" required></label>"
                 "<button type=\"submit\" class=\"secondary\">%s</button></form>",
             _("上传新版本"), _("上传"));
    }
    wm_h(&b, "</section>\n");
    json_decref(vs);
    ui_review_history(r, &b, ji(d, "id")); /* the review: history, submit (ui_review.c) */
    if (can_write) {
        wm_h(&b, "<section class=\"card\"><h2>%s</h2><form method=\"post\" action=\"/documents/%I\" "
                 "class=\"grid\">",
             _("修改著录信息"), ji(d, "id"));
        ui_csrf(r, &b);
        wm_h(&b, "<label>%s<input name=\"title\" value=\"%s\" maxlength=\"200\" required></label>"
                 "<label>%s<input name=\"date_formed\" type=\"date\" value=\"%s\"></label>"
                 "<label>%s<input name=\"dept\" value=\"%s\" maxlength=\"50\"></label>"
                 "<label>%s<input name=\"author\" value=\"%s\" maxlength=\"50\"></label>"
                 "<label>%s<input name=\"keywords\" value=\"%s\" maxlength=\"200\"></label>"
                 "<label class=\"wide\">%s<input name=\"remarks\" value=\"%s\" maxlength=\"1000\">"
                 "</label><button type=\"submit\" name=\"action\" value=\"save\">%s</button></form>",
             _("题名"), js(d, "title"), _("形成日期"), js(d, "date_formed"), _("责任部门"),
             js(d, "dept"), _("责任者"), js(d, "author"), _("主题词"), js(d, "keywords"),
             _("备注"), js(d, "remarks"), _("保存"));
        /* Move to another leaf of the same archive. */
        json_t *leaves = wm_edition_indicators(r->db, &r->actor, ji(ar, "edition_id"), true, NULL);
        wm_h(&b, "<form method=\"post\" action=\"/documents/%I\" class=\"row\">", ji(d, "id"));
        ui_csrf(r, &b);
        wm_h(&b, "<label>%s<select name=\"code\">", _("移到其他测评内容"));
        json_t *l;
        json_array_foreach(leaves, i, l)
        {
            wm_h(&b, "<option value=\"%s\"%r>%s %s</option>", js(l, "code"),
                 wm_streq(js(l, "code"), js(d, "indicator_code")) ? " selected" : "", js(l, "code"),
                 js(l, "title"));
        }
        wm_h(&b, "</select></label><button type=\"submit\" name=\"action\" value=\"move\" "
                 "class=\"secondary\">%s</button></form>",
             _("移动"));
        json_decref(leaves);
        wm_h(&b, "<form method=\"post\" action=\"/documents/%I\" class=\"row\" data-confirm=\"%s\">",
             ji(d, "id"), _("确定把这个文件移入回收站？"));
        ui_csrf(r, &b);
        wm_h(&b, "<button type=\"submit\" name=\"action\" value=\"delete\" class=\"danger\">%s"
                 "</button></form></section>\n",
             _("删除（移入回收站）"));
    }
    if (trashed) {
        trash_actions(r, &b, d);
    }
    ui_practice_doc_form(r, &b, d); /* good practice (ui_practice.c) */
    free(name);
    free(code);
    json_decref(ar);
    json_decref(d);
    ui_end(r, &b, 200);
}

void
page_document_post(struct wm_req *r)
{
    const char *action = wm_form(r, "action");
    struct wm_fail f = {0};
    enum wm_err e;
    char *to = wm_asprintf("/documents/%lld", (long long)r->ids[0]);
    const char *ok = _("已保存");
    if (wm_streq(action, "move")) {
        e = wm_doc_move(r->db, &r->actor, r->ids[0], wm_form(r, "code"), &f);
        ok = _("已移动");
    } else if (wm_streq(action, "delete")) {
        e = wm_doc_delete(r->db, &r->actor, r->ids[0], &f);
        ok = _("已移入回收站");
    } else if (wm_streq(action, "restore") || wm_streq(action, "purge")) {
        json_t *d = wm_doc_get_scoped(r->db, &r->actor, r->ids[0], NULL);
        bool purge = wm_streq(action, "purge");
        e = purge ? wm_doc_purge(r->db, &r->actor, r->ids[0], &f)
                  : wm_doc_restore(r->db, &r->actor, r->ids[0], &f);
        if (d && (purge || wm_streq(wm_form(r, "back"), "trash"))) {
            /* back to the trash the button was in */
            free(to);
            to = wm_asprintf("/units/%lld/archives/%lld/trash", (long long)ji(d, "unit_id"),
                             (long long)ji(d, "year"));
        }
        json_decref(d);
        ok = purge ? _("已彻底删除") : _("已恢复");
    } else {
        struct wm_doc_meta m = {.title = wm_form(r, "title"), .date_formed = wm_form(r, "date_formed"),
                                .dept = wm_form(r, "dept"), .author = wm_form(r, "author"),
                                .keywords = wm_form(r, "keywords"), .remarks = wm_form(r, "remarks")};
        e = wm_doc_update(r->db, &r->actor, r->ids[0], &m, &f);
    }
    ui_done(r, e, &f, to, ok);
    free(to);
}

void
page_document_versions_post(struct wm_req *r)
{
    char *notice = NULL;
    if (wm_upload_version(r, &notice)) {
        char *to = wm_asprintf("/documents/%lld", (long long)r->ids[0]);
        char *msg = notice ? wm_asprintf("%s%s%s", _("已上传新版本。"), notice, _("。"))
                           : wm_strdup(_("已上传新版本"));
        ui_redirect_msg(r, to, "ok", msg);
        free(msg);
        free(to);
    }
    free(notice);
}

void
page_archive_trash_get(struct wm_req *r)
{
    json_t *ar = wm_req_archive(r);
    if (NULL == ar) {
        return;
    }
    struct wm_fail f = {0};
    json_t *docs = wm_archive_docs(r->db, &r->actor, ar, NULL, true, &f);
    if (NULL == docs) {
        json_decref(ar);
        wm_reply_fail(r, &f);
        return;
    }
    struct wm_buf b = {0}, c = {0};
    archive_crumbs(r, &c, ar);
    ui_begin_at(r, &b, _("回收站"), &c);
    wm_buf_free(&c);
    wm_h(&b, "<p class=\"hint\">%s</p><table class=\"cards\" id=\"trash\"><thead><tr><th>%s</th>"
             "<th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>",
         _("删除的文件在这里保留：单位创建办可在 30 天内恢复，文明办随时可以恢复，"
           "平台管理员可以彻底删除。"),
         _("档号"), _("题名"), _("原测评内容"), _("删除时间"), _("恢复期限"), _("操作"));
    size_t i;
    json_t *d;
    json_array_foreach(docs, i, d)
    {
        char *code = wm_doc_archival_code(d, js(ar, "unit_code"), ji(ar, "year"));
        wm_h(&b, "<tr data-id=\"%I\"><td data-label=\"%s\" class=\"code\">%s</td>"
                 "<td data-label=\"%s\"><a href=\"/documents/%I\">%s</a></td>"
                 "<td data-label=\"%s\"><code>%s</code></td><td data-label=\"%s\">",
             ji(d, "id"), _("档号"), code, _("题名"), ji(d, "id"), js(d, "title"),
             _("原测评内容"), js(d, "indicator_code"), _("删除时间"));
        free(code);
        ui_time(&b, ji(d, "deleted_at"));
        wm_h(&b, "</td><td data-label=\"%s\">", _("恢复期限"));
        trash_days(r, &b, d);
        wm_h(&b, "</td><td data-label=\"%s\">", _("操作"));
        trash_actions(r, &b, d);
        wm_h(&b, "</td></tr>\n");
    }
    if (0 == json_array_size(docs)) {
        wm_h(&b, "<tr><td colspan=\"6\" class=\"empty\">%s</td></tr>", _("回收站是空的"));
    }
    wm_h(&b, "</tbody></table><p><a href=\"/units/%I/archives/%I\">← %s</a></p>", ji(ar, "unit_id"),
         ji(ar, "year"), _("返回档案"));
    json_decref(docs);
    json_decref(ar);
    ui_end(r, &b, 200);
}

/* ---------------------------------------------------------------- import a package */

void
page_archive_import_get(struct wm_req *r)
{
    json_t *ar = wm_req_archive(r);
    if (NULL == ar) {
        return;
    }
    struct wm_buf b = {0}, c = {0};
    archive_crumbs(r, &c, ar);
    ui_begin_at(r, &b, _("导入档案包"), &c);
    wm_buf_free(&c);
    wm_h(&b, "<section class=\"card\"><p class=\"hint\">%s</p><form method=\"post\" "
             "action=\"/units/%I/archives/%I/import\" enctype=\"multipart/form-data\" class=\"row\">",
         _("上传一个 ZIP：本系统导出的标准档案包，或按指标分文件夹整理的档案（文件夹名含指标编号和/或名称，"
           "如“1.2 创建规划”）。文件按文件夹对应到末级指标，逐个报告导入或跳过的原因。"),
         ji(ar, "unit_id"), ji(ar, "year"));
    ui_csrf(r, &b);
    wm_h(&b, "<label>%s<input type=\"file\" name=\"file\" accept=\".zip\" required></label>"
             "<button type=\"submit\">%s</button></form></section>\n",
         _("档案包（ZIP）"), _("导入"));
    json_decref(ar);
    ui_end(r, &b, 200);
}

void
page_archive_import_post(struct wm_req *r)
{
    unsigned n;
    struct wm_fail f = {0};
    json_t *report = NULL;
    char path[64];
    json_t *ar = wm_req_archive(r);
    if (NULL == ar) {
        return;
    }
    if (!wm_uploads_check(r, &n) || !wm_uploads_path(r, 0, path, sizeof path)) {
        json_decref(ar);
        return;
    }
    int64_t job;
    int queued = wm_import_as_job(r, ar, path, &job);
    if (queued) {
        json_decref(ar);
        if (queued > 0) { /* large: the job's page shows its progress, then the report */
            char *to = wm_asprintf("/jobs/%lld", (long long)job);
            wm_reply_redirect(r, to);
            free(to);
        }
        return;
    }
    enum wm_err e = wm_archive_import_policy(r->db, &r->actor, wm_app.blobs, ar, path,
                                              wm_uploads_name(r, 0), wm_app.allowed, wm_app.max_file, &report, &f);
    if (WM_OK != e && NULL == report) {
        json_decref(ar);
        ui_fail(r, &f);
        return;
    }
    struct wm_buf b = {0}, c = {0};
    archive_crumbs(r, &c, ar);
    ui_begin_at(r, &b, _("导入结果"), &c);
    wm_buf_free(&c);
    if (WM_OK != e) {
        wm_h(&b, "<p class=\"flash err\">%s</p>", f.msg);
    } else {
        wm_h(&b, "<p class=\"flash ok\">%s %I%s%s %I%s</p>", _("已导入"), ji(report, "imported"),
             _(" 件，"), _("跳过"), ji(report, "skipped"), _(" 件。"));
    }
    ui_import_report(&b, report);
    wm_h(&b, "<p><a href=\"/units/%I/archives/%I\">← %s</a></p>", ji(ar, "unit_id"),
         ji(ar, "year"), _("返回档案"));
    json_decref(report);
    json_decref(ar);
    ui_end(r, &b, WM_OK == e ? 200 : wm_err_status(e));
}

/* ---------------------------------------------------------------- create and delete a year */

/* The form of the unit page (or of a year without archive): create the year's archive. */
void
page_archives_post(struct wm_req *r)
{
    struct wm_fail f = {0};
    int64_t year = 0, edition = 0, id;
    const char *y = wm_form(r, "year"), *e = wm_form(r, "edition_id");
    char *back = wm_asprintf("/units/%lld", (long long)r->ids[0]);
    enum wm_err err;
    if (NULL == y || !wm_parse_i64(y, 0, 9999, &year)) {
        err = wm_fail_set(&f, WM_E_BAD_REQUEST, "year", "%s", _("请选择年度"));
    } else if (e && *e && !wm_parse_i64(e, 1, INT64_MAX, &edition)) {
        err = wm_fail_set(&f, WM_E_BAD_REQUEST, "edition_id", "%s", _("请选择测评体系"));
    } else {
        err = wm_archive_create(r->db, &r->actor, r->ids[0], year, edition, &id, &f);
    }
    if (WM_OK == err) {
        char *to = wm_asprintf("/units/%lld/archives/%lld", (long long)r->ids[0], (long long)year);
        char *msg = wm_asprintf(_("已建立 %lld 年度创建档案"), (long long)year);
        ui_redirect_msg(r, to, "ok", msg);
        free(msg);
        free(to);
    } else {
        ui_done(r, err, &f, back, NULL);
    }
    free(back);
}

/* Delete an empty year's archive created by mistake (office staff; audited). */
void
page_archive_delete_post(struct wm_req *r)
{
    struct wm_fail f = {0};
    enum wm_err e = wm_archive_delete(r->db, &r->actor, r->ids[0], r->ids[1], &f);
    char *to = WM_OK == e ? wm_asprintf("/units/%lld", (long long)r->ids[0])
                          : wm_asprintf("/units/%lld/archives/%lld", (long long)r->ids[0],
                                        (long long)r->ids[1]);
    char *msg = wm_asprintf(_("已删除 %lld 年度创建档案"), (long long)r->ids[1]);
    ui_done(r, e, &f, to, msg);
    free(msg);
    free(to);
}

/* end of page_archives.c */
