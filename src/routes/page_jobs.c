/*
** page_jobs.c — the job pages: /admin/jobs lists queued, running and failed background
** jobs (admins: all; offices: within their scope) with their reasons and a 重试 button;
** /jobs/{id} shows one job to whoever may see it (the user who started an import, staff in
** scope): a progress bar while it waits or runs (wenming.js polls the API and reloads at
** the end; without JavaScript the page refreshes itself), then its result, an import's
** report as a table.
*/
#include "config.h"

#include "handlers.h"

#define JOBS_ACTIVE "queued,running,failed"

static const char *const job_states[] = {JOBS_ACTIVE, "queued", "running", "failed", "done", ""};

static const char *
states_label(const char *s)
{
    if (wm_streq(s, JOBS_ACTIVE)) {
        return _("待处理与失败");
    }
    return s[0] ? wm_job_state_label(s) : _("全部");
}

void
page_admin_jobs_get(struct wm_req *r)
{
    struct wm_page pg;
    struct wm_fail f = {0};
    if (!wm_req_page(r, &pg, 50)) {
        return;
    }
    const char *state = wm_req_arg(r, "state");
    if (NULL == state) {
        state = JOBS_ACTIVE;
    }
    json_t *rows = wm_jobs_list(r->db, &r->actor, state[0] ? state : NULL, &pg, &f);
    if (NULL == rows) {
        ui_fail(r, &f);
        return;
    }
    struct wm_buf b = {0};
    ui_begin(r, &b, _("后台任务"));
    ui_flash(r, &b);
    wm_h(&b, "<form method=\"get\" action=\"/admin/jobs\" class=\"row filter\"><label>%s"
             "<select name=\"state\">",
         _("状态"));
    for (size_t i = 0; i < WM_ARRAY_LEN(job_states); i++) {
        wm_h(&b, "<option value=\"%s\"%r>%s</option>", job_states[i],
             wm_streq(state, job_states[i]) ? " selected" : "", states_label(job_states[i]));
    }
    wm_h(&b, "</select></label><button type=\"submit\">%s</button></form>\n"
             "<table class=\"cards jobs\"><thead><tr><th>%s</th><th>%s</th><th>%s</th>"
             "<th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>",
         _("筛选"), _("编号"), _("任务"), _("状态"), _("尝试"), _("更新时间"), _("原因"),
         _("操作"));
    size_t i;
    json_t *x;
    json_array_foreach(rows, i, x)
    {
        const char *st = js(x, "state");
        wm_h(&b, "<tr data-state=\"%s\"><td data-label=\"%s\"><a href=\"/jobs/%I\">%I</a></td>"
                 "<td data-label=\"%s\">%s</td><td data-label=\"%s\">%s</td>"
                 "<td data-label=\"%s\" class=\"num\">%I / %I</td><td data-label=\"%s\">",
             st, _("编号"), ji(x, "id"), ji(x, "id"), _("任务"), wm_job_kind_label(js(x, "kind")),
             _("状态"), wm_job_state_label(st), _("尝试"), ji(x, "attempts"),
             ji(x, "max_attempts"), _("更新时间"));
        ui_time(&b, ji(x, "updated_at"));
        wm_h(&b, "</td><td data-label=\"%s\">%s</td><td data-label=\"%s\">", _("原因"),
             wm_streq(st, "done") ? "" : js(x, "last_error"), _("操作"));
        if (wm_streq(st, "failed")) {
            wm_h(&b, "<form method=\"post\" action=\"/admin/jobs/%I/retry\">", ji(x, "id"));
            ui_csrf(r, &b);
            wm_h(&b, "<button type=\"submit\">%s</button></form>", _("重试"));
        }
        wm_h(&b, "</td></tr>\n");
    }
    if (0 == json_array_size(rows)) {
        wm_h(&b, "<tr><td colspan=\"7\" class=\"empty\">%s</td></tr>", _("没有符合条件的任务"));
    }
    wm_h(&b, "</tbody></table>\n");
    ui_pager(r, &b, rows, pg.limit);
    json_decref(rows);
    ui_end(r, &b, 200);
}

void
page_admin_job_retry_post(struct wm_req *r)
{
    struct wm_fail f = {0};
    enum wm_err e = wm_job_retry(r->db, &r->actor, r->ids[0], &f);
    ui_done(r, e, &f, "/admin/jobs", _("已重新排队"));
}

void
page_job_get(struct wm_req *r)
{
    struct wm_fail f = {0};
    json_t *row = wm_job_get_scoped(r->db, &r->actor, r->ids[0], &f);
    if (NULL == row) {
        if (wm_db_failed(r->db)) {
            f.err = WM_E_INTERNAL;
        }
        ui_fail(r, &f);
        return;
    }
    json_t *job = wm_job_api(row);
    json_decref(row);
    const char *st = js(job, "state");
    bool waiting = wm_streq(st, "queued") || wm_streq(st, "running");
    struct wm_buf b = {0};
    char *title = wm_asprintf("%s #%lld", wm_job_kind_label(js(job, "kind")),
                              (long long)ji(job, "id"));
    ui_begin(r, &b, title);
    free(title);
    wm_h(&b, "<section class=\"card job\" data-job=\"%I\" data-state=\"%s\">", ji(job, "id"), st);
    wm_h(&b, "<p>%s：<strong class=\"job-state\">%s</strong></p>", _("状态"),
         wm_job_state_label(st));
    if (waiting) {
        /* done/total from the progress; no total: an indeterminate bar */
        json_t *p = json_object_get(job, "progress");
        json_int_t done = json_integer_value(json_object_get(p, "bytes"));
        json_int_t total = json_integer_value(json_object_get(p, "total"));
        int pct = total > 0 ? (int)(done * 100 / total) : 0;
        if (pct > 99) {
            pct = 99;
        }
        if (total > 0) {
            wm_h(&b, "<progress class=\"job-progress\" max=\"100\" value=\"%I\">%I%%</progress>",
                 (int64_t)pct, (int64_t)pct);
        } else {
            wm_h(&b, "<progress class=\"job-progress\" max=\"100\"></progress>");
        }
        wm_h(&b, "<p class=\"hint job-note\">%s <span class=\"job-files\">%I</span></p>"
                 "<noscript><meta http-equiv=\"refresh\" content=\"3\"></noscript>",
             _("正在后台处理，本页会自动更新。已读取文件："),
             (int64_t)json_integer_value(json_object_get(p, "files")));
    } else if (wm_streq(st, "failed")) {
        wm_h(&b, "<p class=\"flash err\">%s</p>", js(job, "last_error"));
    }
    json_t *res = json_object_get(job, "result");
    if (wm_streq(js(job, "kind"), "archive.import") && json_is_object(res)) {
        if (wm_streq(st, "done")) {
            wm_h(&b, "<p class=\"flash ok\">%s %I%s%s %I%s</p>", _("已导入"), ji(res, "imported"),
                 _(" 件，"), _("跳过"), ji(res, "skipped"), _(" 件。"));
        }
        ui_import_report(&b, res);
        json_t *pl = json_object_get(job, "payload");
        wm_h(&b, "<p><a href=\"/units/%I/archives/%I\">← %s</a></p>", ji(pl, "unit_id"),
             ji(pl, "year"), _("返回档案"));
    } else if (wm_streq(js(job, "kind"), "practice.compile")) { /* good practice */
        json_t *pl = json_object_get(job, "payload");
        if (wm_streq(st, "done")) {
            wm_h(&b, "<p class=\"flash ok\"><a href=\"/api/v1/practice/compilations/%I/download\">"
                     "%s</a></p>",
                 ji(pl, "compilation_id"), _("下载经验交流汇编"));
        }
        wm_h(&b, "<p><a href=\"/practice\">← %s</a></p>", _("返回经验交流"));
    } else if (json_is_object(res)) {
        char *text = json_dumps(res, JSON_INDENT(2) | JSON_SORT_KEYS);
        wm_h(&b, "<pre>%s</pre>", text ? text : "");
        free(text);
    }
    wm_h(&b, "</section>\n");
    json_decref(job);
    ui_end(r, &b, 200);
}

/* end of page_jobs.c */
