/*
** api_archive_check.c — the DA/T 70 四性检测 of an archive through the API (issue 13, dat70):
** GET the latest run with its report, POST to start one (the job "archive.check"), GET its
** PDF.  Scope: wm_archive_open (out of scope 404); roles: the route table.
*/
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "handlers.h"
#include "wm_core.h"

void
api_archive_check_get(struct wm_req *r)
{
    json_t *ar = wm_req_archive(r);
    if (NULL == ar) {
        return;
    }
    struct wm_fail f = {0};
    json_t *v = wm_archive_check_view(r->db, wm_app.blobs, ar, &f);
    json_decref(ar);
    if (NULL == v) {
        wm_reply_fail(r, &f);
        return;
    }
    wm_reply_json(r, 200, wm_api_archive_check(v));
}

void
api_archive_check_post(struct wm_req *r)
{
    json_t *ar = wm_req_archive(r);
    if (NULL == ar) {
        return;
    }
    struct wm_fail f = {0};
    int64_t check = 0, job = 0;
    enum wm_err e = wm_archive_check_start(r->db, &r->actor, ar, &check, &job, &f);
    if (WM_OK != e) {
        json_decref(ar);
        wm_reply_fail(r, &f);
        return;
    }
    char *poll = wm_asprintf("/api/v1/jobs/%lld", (long long)job);
    char *report = wm_asprintf("/api/v1/units/%lld/archives/%lld/check",
                               (long long)ji(ar, "unit_id"), (long long)ji(ar, "year"));
    wm_reply_json(r, 202, json_pack("{s:I, s:I, s:s, s:s}", "check_id", (json_int_t)check,
                                    "job", (json_int_t)job, "poll", poll, "report", report));
    free(poll);
    free(report);
    json_decref(ar);
}

void
api_archive_check_pdf(struct wm_req *r)
{
    json_t *ar = wm_req_archive(r);
    if (NULL == ar) {
        return;
    }
    struct wm_fail f = {0};
    json_t *row = wm_archive_check_last(r->db, ar, true, &f);
    if (NULL == row || '\0' == *js(row, "pdf_sha")) {
        if (f.err) {
            wm_reply_fail(r, &f);
        } else {
            wm_reply_err(r, WM_E_NOT_FOUND, NULL, _("该档案还没有四性检测报告 PDF"));
        }
    } else {
        char *ascii = wm_asprintf("%s-%lld-check.pdf", js(ar, "unit_code"), (long long)ji(ar, "year"));
        struct wm_blob_reply b = {.sha = js(row, "pdf_sha"), .mime = "application/pdf",
                                  .name = _("四性检测报告.pdf"), .ascii = ascii};
        if (!wm_reply_blob(r, &b)) {
            wm_log(WM_LOG_ERROR, "archive check %lld: blob %s is missing", (long long)ji(row, "id"),
                   js(row, "pdf_sha"));
        }
        free(ascii);
    }
    json_decref(row);
    json_decref(ar);
}

/* end of api_archive_check.c */
