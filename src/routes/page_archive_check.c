/*
** page_archive_check.c — the DA/T 70 四性检测 page of an archive (issue 13, dat70):
** /units/{id}/archives/{year}/check shows the latest run (the four properties as four
** sections, pass or fail, counts, the failing items linked to their documents, who ran it
** and when, the standard), its progress while the job runs (a refresh link: no script
** needed), and for unit_admin / office / admin the button that starts a run.
*/
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "handlers.h"
#include "wm_core.h"

static void
check_form(struct wm_req *r, struct wm_buf *b, const json_t *ar, bool again)
{
    if (!wm_archive_check_may_run(&r->actor)) {
        return;
    }
    wm_h(b, "<form method=\"post\" action=\"/units/%I/archives/%I/check\" class=\"row\">",
         ji(ar, "unit_id"), ji(ar, "year"));
    ui_csrf(r, b);
    wm_h(b, "<button type=\"submit\">%s</button></form>", again ? _("重新检测") : _("开始四性检测"));
}

static void
property_section(struct wm_buf *b, const json_t *p)
{
    bool ok = json_is_true(json_object_get(p, "passed"));
    wm_h(b, "<section class=\"card\" id=\"check-%s\"><h2>%s <span class=\"badge %s\">%s</span>"
            "</h2><p>",
         js(p, "key"), js(p, "name"), ok ? "published" : "veto", ok ? _("通过") : _("不通过"));
    wm_h(b, _("检测 %I 项，不通过 %I 项。"), ji(p, "checked"), ji(p, "failed"));
    wm_h(b, "</p><ul class=\"hint\">");
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(p, "rules"), i, x)
    {
        wm_h(b, "<li>%s</li>", json_string_value(x));
    }
    json_array_foreach(json_object_get(p, "notes"), i, x)
    {
        wm_h(b, "<li>%s</li>", json_string_value(x));
    }
    wm_h(b, "</ul>");
    if (json_array_size(json_object_get(p, "items"))) {
        wm_h(b, "<table class=\"list\"><thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th>"
                "</tr></thead><tbody>",
             _("测评内容"), _("文件"), _("版本"), _("原因"));
        json_array_foreach(json_object_get(p, "items"), i, x)
        {
            wm_h(b, "<tr><td data-label=\"%s\">%s</td><td data-label=\"%s\">", _("测评内容"),
                 js(x, "code"), _("文件"));
            if (ji(x, "document_id")) {
                wm_h(b, "<a href=\"/documents/%I\">%s</a>", ji(x, "document_id"), js(x, "title"));
            } else if (ji(x, "audit_id")) {
                wm_h(b, _("审计日志第 %I 条"), ji(x, "audit_id"));
            } else {
                wm_h(b, "%s", js(x, "title"));
            }
            wm_h(b, "</td><td data-label=\"%s\">", _("版本"));
            if (ji(x, "version")) {
                wm_h(b, "%I", ji(x, "version"));
            }
            wm_h(b, "</td><td data-label=\"%s\">%s</td></tr>", _("原因"), js(x, "reason"));
        }
        wm_h(b, "</tbody></table>");
        if (ji(p, "failed") > ji(p, "items_listed")) {
            wm_h(b, "<p class=\"hint\">");
            wm_h(b, _("只列出前 %I 项，共 %I 项不通过。"), ji(p, "items_listed"), ji(p, "failed"));
            wm_h(b, "</p>");
        }
    }
    wm_h(b, "</section>\n");
}

void
page_archive_check_get(struct wm_req *r)
{
    struct wm_fail f = {0};
    json_t *ar = wm_archive_open(r->db, &r->actor, r->ids[0], r->ids[1], &f);
    if (NULL == ar) {
        wm_reply_fail(r, &f);
        return;
    }
    json_t *v = wm_archive_check_view(r->db, wm_app.blobs, ar, &f);
    if (NULL == v && WM_E_NOT_FOUND != f.err) {
        json_decref(ar);
        wm_reply_fail(r, &f);
        return;
    }
    struct wm_buf b = {0};
    char *title = wm_asprintf("%s · %lld %s", js(ar, "unit_name"), (long long)ji(ar, "year"),
                              _("年度四性检测"));
    ui_begin(r, &b, title);
    free(title);
    wm_h(&b, "<section class=\"card\"><dl class=\"kv\"><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s"
             "</dd><dt>%s</dt><dd><a href=\"/units/%I/archives/%I\">%s %I %s</a></dd>",
         _("检测依据"), WM_CHECK_STANDARD, _("元数据依据"), WM_CHECK_META_STANDARD, _("档案"),
         ji(ar, "unit_id"), ji(ar, "year"), js(ar, "unit_name"), ji(ar, "year"), _("年度"));
    const char *state = v ? js(v, "state") : "";
    if (v) {
        wm_h(&b, "<dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>", _("检测人"),
             *js(v, "started_by_name") ? js(v, "started_by_name") : _("命令行"), _("开始时间"));
        ui_time(&b, ji(v, "started_at"));
        wm_h(&b, "</dd>");
        if (ji(v, "finished_at")) {
            wm_h(&b, "<dt>%s</dt><dd>", _("完成时间"));
            ui_time(&b, ji(v, "finished_at"));
            wm_h(&b, "</dd>");
        }
    }
    wm_h(&b, "</dl>");
    const json_t *rep = v ? json_object_get(v, "report") : NULL;
    if (NULL == v) {
        wm_h(&b, "<p id=\"check-state\">%s</p>", _("该档案尚未进行四性检测。"));
    } else if (wm_streq(state, "running")) {
        const json_t *pr = json_object_get(v, "progress");
        wm_h(&b, "<p id=\"check-state\" data-state=\"running\">%s", _("正在检测……"));
        if (pr && ji(pr, "total")) {
            wm_h(&b, _("已完成 %I / %I 步。"), ji(pr, "done"), ji(pr, "total"));
        }
        wm_h(&b, " <a href=\"/units/%I/archives/%I/check\">%s</a></p>", ji(ar, "unit_id"),
             ji(ar, "year"), _("刷新查看进度"));
    } else if (wm_streq(state, "failed")) {
        wm_h(&b, "<p id=\"check-state\" data-state=\"failed\" class=\"error\">%s%s</p>",
             _("检测未能完成："), js(v, "error"));
    } else if (rep) {
        bool ok = json_is_true(json_object_get(rep, "passed"));
        wm_h(&b, "<p id=\"check-state\" data-state=\"done\"><b>%s</b> %s</p>",
             ok ? _("四性检测全部通过。") : _("四性检测未全部通过。"), js(rep, "scope"));
        if (*js(v, "pdf_sha")) {
            wm_h(&b, "<p class=\"row\"><a class=\"button secondary\" href=\"/api/v1/units/%I/"
                     "archives/%I/check.pdf\">%s</a> <a class=\"button secondary\" "
                     "href=\"/api/v1/units/%I/archives/%I/check\">%s</a></p>",
                 ji(ar, "unit_id"), ji(ar, "year"), _("下载检测报告（PDF）"), ji(ar, "unit_id"),
                 ji(ar, "year"), _("检测报告（JSON）"));
        } else if (*js(v, "error")) {
            wm_h(&b, "<p class=\"hint\">%s</p>", js(v, "error"));
        }
    }
    check_form(r, &b, ar, NULL != v && !wm_streq(state, "running"));
    wm_h(&b, "</section>\n");
    size_t i;
    json_t *p;
    if (rep && !wm_streq(state, "running")) {
        json_array_foreach(json_object_get(rep, "properties"), i, p)
        {
            property_section(&b, p);
        }
        wm_h(&b, "<section class=\"card\"><h2>%s</h2><p class=\"hint\">", _("必备元数据"));
        json_array_foreach(json_object_get(rep, "required_metadata"), i, p)
        {
            wm_h(&b, "%s%s", i ? "、" : "", js(p, "name"));
        }
        wm_h(&b, "</p></section>\n");
    }
    json_decref(v);
    json_decref(ar);
    ui_end(r, &b, 200);
}

void
page_archive_check_post(struct wm_req *r)
{
    struct wm_fail f = {0};
    json_t *ar = wm_archive_open(r->db, &r->actor, r->ids[0], r->ids[1], &f);
    if (NULL == ar) {
        wm_reply_fail(r, &f);
        return;
    }
    int64_t check = 0, job = 0;
    if (WM_OK != wm_archive_check_start(r->db, &r->actor, ar, &check, &job, &f)) {
        json_decref(ar);
        wm_reply_fail(r, &f);
        return;
    }
    char *to = wm_asprintf("/units/%lld/archives/%lld/check", (long long)ji(ar, "unit_id"),
                           (long long)ji(ar, "year"));
    wm_reply_redirect(r, to);
    free(to);
    json_decref(ar);
}

/* end of page_archive_check.c */
