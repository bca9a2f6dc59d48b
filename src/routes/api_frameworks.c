/*
** api_frameworks.c — evaluation standards over JSON: list, import (JSON body or a
** multipart CSV/XLSX/JSON file), read, publish, delete a draft, export, diff.
*/
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "handlers.h"
#include "wm_framework.h"

void
api_frameworks_get(struct wm_req *r)
{
    struct wm_page pg;
    struct wm_fw_scope s;
    if (!wm_req_page(r, &pg, 50)) {
        return;
    }
    const char *status = wm_req_arg(r, "status");
    if (status && !wm_streq(status, "draft") && !wm_streq(status, "published")) {
        wm_reply_err(r, WM_E_BAD_REQUEST, "status", _("status 须为 draft 或 published"));
        return;
    }
    pg.kind = status;
    wm_fw_scope_of(&r->actor, &s);
    struct wm_fail f = {0};
    json_t *items = wm_edition_list(r->db, &r->actor, &pg, &f);
    if (NULL == items) {
        wm_reply_fail(r, &f);
        return;
    }
    wm_reply_json(r, 200, wm_api_page(wm_api_editions(items), pg.limit));
}

void
api_frameworks_post(struct wm_req *r)
{
    struct wm_fw_in in;
    struct wm_fail f = {0};
    json_t *report = NULL, *preview = NULL;
    int64_t id = 0;
    if (!wm_req_fw_in(r, &in)) {
        return;
    }
    enum wm_err e = wm_framework_import(r->db, &r->actor, &in, &id, &report, &preview, &f);
    if (WM_OK != e) {
        json_t *err = json_pack("{s:s, s:s, s:s}", "code", wm_err_code(e), "message", f.msg,
                                "request_id", r->rid);
        if (f.field[0]) {
            json_object_set_new(err, "field", json_string(f.field));
        }
        if (report) {
            json_object_set(err, "issues", json_object_get(report, "errors"));
            json_object_set(err, "warnings", json_object_get(report, "warnings"));
        }
        json_decref(report);
        json_decref(preview);
        wm_reply_json(r, wm_err_status(e), json_pack("{s:o}", "error", err));
        return;
    }
    if (in.dry_run) {
        json_object_set_new(preview, "report", report);
        json_object_set_new(preview, "dry_run", json_true());
        wm_reply_json(r, 200, preview);
        return;
    }
    json_decref(preview);
    json_t *out = wm_api_edition(wm_edition_get_scoped(r->db, &r->actor, id, false, &f));
    if (out) {
        json_object_set_new(out, "report", report);
    } else {
        json_decref(report);
    }
    wm_reply_read(r, 201, out, &f);
}

void
api_framework_get(struct wm_req *r)
{
    json_t *ed;
    struct wm_fw *fw;
    if (!wm_req_edition(r, &ed, &fw)) {
        return;
    }
    json_object_set_new(ed, "document", wm_fw_to_json(fw));
    wm_fw_free(fw);
    wm_reply_json(r, 200, wm_api_edition(ed));
}

void
api_framework_publish(struct wm_req *r)
{
    struct wm_fail f = {0};
    if (WM_OK != wm_edition_publish(r->db, &r->actor, r->ids[0], &f)) {
        wm_reply_fail(r, &f);
        return;
    }
    wm_reply_read(r, 200, wm_api_edition(wm_edition_get_scoped(r->db, &r->actor, r->ids[0], false, &f)),
                  &f);
}

void
api_framework_delete(struct wm_req *r)
{
    struct wm_fail f = {0};
    if (WM_OK != wm_edition_delete(r->db, &r->actor, r->ids[0], &f)) {
        wm_reply_fail(r, &f);
        return;
    }
    wm_reply_json(r, 200, json_pack("{s:b}", "ok", 1));
}

void
api_framework_export(struct wm_req *r)
{
    const char *fmt = r->segs[0];
    struct wm_fail f = {0};
    json_t *ed = wm_edition_get_scoped(r->db, &r->actor, r->ids[0], true, &f);
    if (NULL == ed) {
        wm_reply_fail(r, &f);
        return;
    }
    if (!wm_streq(fmt, "json") && !wm_streq(fmt, "csv") && !wm_streq(fmt, "xlsx")) {
        json_decref(ed);
        wm_reply_err(r, WM_E_NOT_FOUND, NULL, _("导出格式须为 json、csv 或 xlsx"));
        return;
    }
    struct wm_fw *fw = wm_edition_parse(ed);
    char *fname = wm_asprintf("%s_%s.%s", json_string_value(json_object_get(ed, "name")),
                              json_string_value(json_object_get(ed, "version")), fmt);
    size_t len = 0;
    char *data = NULL;
    if (fw && wm_streq(fmt, "json")) {
        data = wm_fw_export_json(fw, &len);
        wm_reply_attachment(r, fname, "application/json; charset=utf-8", data, len);
    } else if (fw && wm_streq(fmt, "csv")) {
        data = wm_fw_export_csv(fw, &len);
        wm_reply_attachment(r, fname, "text/csv; charset=utf-8", data, len);
    } else if (fw) {
        char tmp[4096];
        int fd = wm_scratch_file("wenming-export", tmp, sizeof tmp);
        char err[256] = "";
        if (fd >= 0) {
            close(fd);
            if (WM_OK == wm_fw_export_xlsx(fw, tmp, err, sizeof err)) {
                data = wm_read_file(tmp, &len);
            }
            unlink(tmp);
        }
        if (data) {
            wm_reply_attachment(r, fname,
                                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                                data, len);
        } else {
            wm_log(WM_LOG_ERROR, "xlsx export failed: %s", err[0] ? err : strerror(errno));
            wm_reply_err(r, WM_E_INTERNAL, NULL, NULL);
        }
    } else {
        wm_reply_err(r, WM_E_INTERNAL, NULL, NULL);
    }
    free(fname);
    wm_fw_free(fw);
    json_decref(ed);
}

void
api_framework_diff(struct wm_req *r)
{
    struct wm_fail f = {0};
    json_t *d = wm_editions_diff(r, r->ids[0], r->ids[1], &f);
    if (NULL == d) {
        wm_reply_fail(r, &f);
        return;
    }
    json_object_set_new(d, "from", json_integer(r->ids[0]));
    json_object_set_new(d, "to", json_integer(r->ids[1]));
    wm_reply_json(r, 200, d);
}

/* end of api_frameworks.c */
