/*
** ui_parts.c — fragments of pages that several page files show: an indicator's
** requirements, a unit's archive years with the form that creates one, and the words
** for revoked tokens.
*/
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "handlers.h"
#include "wm_framework.h"

char *
ui_tokens_revoked_msg(const char *what, int64_t n)
{
    if (n <= 0) {
        return wm_strdup(what);
    }
    return wm_asprintf(_("%s；该账号的 %lld 个 API 令牌已撤销，请重新创建。"), what, (long long)n);
}

void
ui_score_text(struct wm_buf *b, const struct wm_ind *ind)
{
    char s[32];
    if (ind->has_score) {
        wm_h(b, "<span class=\"score\">%s%s</span>", wm_fw_score_format(ind->score, s), _("分"));
    }
}

/* The methods of wenming's own catalog, in the UI language; unknown labels as written. */
static const char *
method_label(const struct wm_fw_method *m)
{
    static const struct {
        const char *code, *label;
    } cat[] = {{"site", N_("实地查看")},    {"report", N_("听取汇报")},
               {"docs", N_("审阅资料")},    {"survey", N_("问卷调查")},
               {"interview", N_("个别座谈")}, {"online", N_("网上申报")}};
    for (size_t i = 0; m->code && i < WM_ARRAY_LEN(cat); i++) {
        if (wm_streq(m->code, cat[i].code)) {
            return _(cat[i].label);
        }
    }
    return m->label;
}

/* The scoring rule of an indicator in words ("分档评定：A 3 分，B 2.4 分…"). */
static void
rule_text(struct wm_buf *b, const struct wm_ind *ind)
{
    char s[32], t[32];
    switch (ind->scoring.rule) {
    case WM_FW_RULE_POINTS:
        wm_h(b, "%s", _("按项扣分（从满分中扣减，扣完为止）"));
        break;
    case WM_FW_RULE_GRADE:
        wm_h(b, "%s", _("分档评定："));
        for (unsigned g = 0; g < ind->scoring.ngrades; g++) {
            char letter[2] = {ind->scoring.grade_letter[g], 0};
            if (ind->has_score) {
                wm_h(b, "%s%s %s%s", g ? _("，") : "", letter,
                     wm_fw_score_format(ind->score * ind->scoring.grade[g] / 100, s), _("分"));
            } else {
                wm_h(b, "%s%s %s%%", g ? _("，") : "", letter,
                     wm_fw_score_format(ind->scoring.grade[g] * 100, t));
            }
        }
        break;
    case WM_FW_RULE_BONUS:
        wm_h(b, "%s", _("加分项"));
        if (ind->scoring.has_cap) {
            wm_h(b, "%s%s%s%s", _("（上限 "), wm_fw_score_format(ind->scoring.cap, s), _(" 分"),
                 _("）"));
        }
        break;
    case WM_FW_RULE_NEGATIVE:
        wm_h(b, "%s", _("负面清单"));
        if (ind->scoring.has_cap) {
            wm_h(b, "%s%s%s%s", _("（扣分上限 "), wm_fw_score_format(ind->scoring.cap, s),
                 _(" 分"), _("）"));
        }
        break;
    default:
        break;
    }
}

/* What an indicator asks for, as a definition list (the tree and the leaf page). */
void
ui_ind_details(struct wm_buf *b, const struct wm_ind *ind, bool with_score)
{
    char s[32];
    wm_h(b, "<dl class=\"kv small\">");
    if (ind->requirement) {
        wm_h(b, "<dt>%s</dt><dd>%s</dd>", _("测评内容"), ind->requirement);
    }
    if (ind->materials) {
        wm_h(b, "<dt>%s</dt><dd>%s</dd>", _("佐证材料"), ind->materials);
    }
    if (with_score) {
        wm_h(b, "<dt>%s</dt><dd>", _("分值"));
        if (ind->has_score) {
            wm_h(b, "%s %s", wm_fw_score_format(ind->score, s), _("分"));
        } else {
            wm_h(b, "%s", _("未设分值"));
        }
        if (ind->has_veto && ind->veto) {
            wm_h(b, " <span class=\"badge veto\">%s</span>", _("一票否决"));
        }
        wm_h(b, "</dd>");
    }
    if (ind->scoring.rule) {
        wm_h(b, "<dt>%s</dt><dd>", _("计分方式"));
        rule_text(b, ind);
        wm_h(b, "</dd>");
    }
    if (ind->nmethods) {
        wm_h(b, "<dt>%s</dt><dd>", _("测评方法"));
        for (size_t i = 0; i < ind->nmethods; i++) {
            wm_h(b, "<span class=\"tag method\">%s</span>", method_label(&ind->methods[i]));
        }
        wm_h(b, "</dd>");
    }
    if (ind->ndept) {
        wm_h(b, "<dt>%s</dt><dd>", _("责任部门"));
        for (size_t i = 0; i < ind->ndept; i++) {
            wm_h(b, "%s%s", i ? "、" : "", ind->dept[i]);
        }
        wm_h(b, "</dd>");
    }
    if (ind->nmedia) {
        static const char *const labels[] = {"", N_("文字"), N_("图片"), N_("音像")};
        wm_h(b, "<dt>%s</dt><dd>", _("应有载体"));
        for (size_t i = 0; i < ind->nmedia; i++) {
            wm_h(b, "%s%s", i ? "、" : "", _(labels[ind->media[i]]));
        }
        wm_h(b, "</dd>");
    }
    if (ind->frequency) {
        static const char *const labels[] = {"", N_("一次"), N_("每月"), N_("每季度"),
                                             N_("每半年"), N_("每年")};
        wm_h(b, "<dt>%s</dt><dd>%s</dd>", _("上传频次"), _(labels[ind->frequency]));
    }
    if (ind->has_min_documents) {
        wm_h(b, "<dt>%s</dt><dd>%I %s</dd>", _("最少件数"), ind->min_documents, _("件"));
    }
    wm_h(b, "</dl>");
}

/* The form that creates a year's archive: the year (this year first) and, where several
** published editions apply, the edition (the default chosen).  pick: the year to select. */
void
ui_archive_create_form(struct wm_req *r, struct wm_buf *b, const json_t *unit, const json_t *list,
                    int64_t pick)
{
    int64_t cur = wm_archive_current_year(), def = 0;
    json_t *eds = wm_archive_editions(r->db, unit, pick, &def);
    if (0 == json_array_size(eds)) {
        wm_h(b, "<p class=\"hint\">%s</p>", _("尚无适用于本单位的已发布测评体系，暂不能建立创建档案。"));
        json_decref(eds);
        return;
    }
    wm_h(b, "<form method=\"post\" action=\"/units/%I/archives\" class=\"row\" id=\"archive-create\">",
         ji(unit, "id"));
    ui_csrf(r, b);
    wm_h(b, "<label>%s<select name=\"year\">", _("年度"));
    /* next year and the last five, and the year asked for (the page of 2015 offers 2015) */
    for (int64_t y = cur + 1; y >= WM_ARCHIVE_YEAR_MIN; y--) {
        if (y < cur - 5 && y != pick) {
            continue;
        }
        bool exists = false;
        size_t i;
        json_t *a;
        json_array_foreach(list, i, a)
        {
            exists = exists || ji(a, "year") == y;
        }
        if (!exists) {
            wm_h(b, "<option value=\"%I\"%r>%I %s</option>", y, y == pick ? " selected" : "", y,
                 _("年度"));
        }
    }
    wm_h(b, "</select></label>");
    if (json_array_size(eds) > 1) {
        wm_h(b, "<label>%s<select name=\"edition_id\">", _("测评体系"));
        size_t i;
        json_t *e;
        json_array_foreach(eds, i, e)
        {
            wm_h(b, "<option value=\"%I\"%r>%s（%s）%s</option>", ji(e, "id"),
                 ji(e, "id") == def ? " selected" : "", js(e, "name"), js(e, "version"),
                 ji(e, "id") == def ? _("·默认") : "");
        }
        wm_h(b, "</select></label>");
    } else {
        const json_t *e = json_array_get(eds, 0);
        wm_h(b, "<span class=\"hint\">%s：%s（%s）</span>", _("测评体系"), js(e, "name"),
             js(e, "version"));
    }
    wm_h(b, "<button type=\"submit\">%s</button></form>", _("建立创建档案"));
    json_decref(eds);
}

/* The archive years of a unit, as links (on the unit page), and the form that creates one
** for those who may: a year's archive is made by this explicit act, never by opening it. */
void
ui_unit_archives(struct wm_req *r, struct wm_buf *b, const json_t *unit)
{
    json_t *list = wm_archive_list(r->db, &r->actor, ji(unit, "id"), NULL);
    int64_t year = wm_archive_current_year();
    wm_h(b, "<section class=\"card\" id=\"archives\"><h2>%s</h2><ul class=\"years\">", _("创建档案"));
    bool has_current = false;
    size_t i;
    json_t *a;
    json_array_foreach(list, i, a)
    {
        has_current = has_current || ji(a, "year") == year;
        wm_h(b, "<li><a href=\"/units/%I/archives/%I\">%I %s</a> <span class=\"hint\">%s · %I %s"
                "</span></li>",
             ji(unit, "id"), ji(a, "year"), ji(a, "year"), _("年度"), js(a, "framework_name"),
             ji(a, "documents"), _("件"));
    }
    if (0 == json_array_size(list)) {
        wm_h(b, "<li class=\"hint\">%s</li>", _("还没有建立创建档案"));
    }
    wm_h(b, "</ul>");
    if (wm_archive_may_create(&r->actor)) {
        if (!has_current) {
            wm_h(b, "<p>%s</p>", _("本年度的创建档案还没有建立："));
        }
        ui_archive_create_form(r, b, unit, list, year);
    }
    wm_h(b, "</section>\n");
    json_decref(list);
}

/* The table of an import's report: each file, what became of it, its leaf, why. */
void
ui_import_report(struct wm_buf *b, const json_t *report)
{
    wm_h(b, "<table class=\"cards\"><thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th>"
             "</tr></thead><tbody>",
         _("文件"), _("结果"), _("指标"), _("原因"));
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(report, "files"), i, x)
    {
        const char *st = js(x, "status");
        wm_h(b, "<tr><td data-label=\"%s\">%s</td><td data-label=\"%s\">%s</td>"
                 "<td data-label=\"%s\"><code>%s</code></td><td data-label=\"%s\">%s</td></tr>\n",
             _("文件"), js(x, "path"), _("结果"),
             wm_streq(st, "imported")       ? _("已导入")
             : wm_streq(st, "refused")      ? _("被拒绝（整包未导入）")
             : wm_streq(st, "not_imported") ? _("未导入")
                                            : _("跳过"),
             _("指标"), js(x, "code"), _("原因"), js(x, "reason"));
    }
    wm_h(b, "</tbody></table>");
}

/* end of ui_parts.c */
