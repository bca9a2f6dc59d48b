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
    json_t *items = r->db->ops->edition_list(r->db, &s, &pg);
    if (NULL == items) {
        wm_reply_err(r, WM_E_INTERNAL, NULL, NULL);
        return;
    }
    wm_reply_json(r, 200, wm_api_page(wm_api_editions(items), pg.limit));
}

json_t *
wm_api_edition(json_t *e)
{
    char t[32];
    json_object_set_new(e, "total",
                        json_string(wm_fw_score_format(json_integer_value(json_object_get(e, "total")), t)));
    return e;
}

json_t *
wm_api_editions(json_t *items)
{
    size_t i;
    json_t *e;
    json_array_foreach(items, i, e)
    {
        wm_api_edition(e);
    }
    return items;
}

bool
wm_req_edition(struct wm_req *r, json_t **ed, struct wm_fw **fw)
{
    *ed = wm_edition_get_scoped(r->db, &r->actor, r->ids[0], true);
    if (NULL == *ed) {
        wm_reply_err(r, WM_E_NOT_FOUND, NULL, NULL);
        return false;
    }
    *fw = wm_edition_parse(*ed);
    if (NULL == *fw) {
        json_decref(*ed);
        *ed = NULL;
        wm_reply_err(r, WM_E_INTERNAL, NULL, NULL);
        return false;
    }
    return true;
}

/* Read an import from the request: a multipart form (file, name, version, office_id,
** dry_run) or a raw JSON body (?dry_run=1).  false: a reply was queued. */
bool
wm_req_fw_in(struct wm_req *r, struct wm_fw_in *in)
{
    memset(in, 0, sizeof *in);
    if (r->form) {
        const char *doc = wm_form(r, "document");
        if (r->file_name && r->file.len) {
            in->data = r->file.data;
            in->len = r->file.len;
        } else if (doc && *doc) {
            in->data = doc;
            in->len = strlen(doc);
        } else {
            wm_reply_err(r, WM_E_BAD_REQUEST, "file", _("请选择要导入的文件（JSON、CSV 或 XLSX）"));
            return false;
        }
        const char *n = wm_form(r, "name"), *v = wm_form(r, "version"), *o = wm_form(r, "office_id");
        in->name = n && *n ? n : NULL;
        in->version = v && *v ? v : NULL;
        in->dry_run = NULL != wm_form(r, "dry_run") && !wm_streq(wm_form(r, "dry_run"), "0");
        if (o && *o && !wm_parse_i64(o, 1, INT64_MAX, &in->office_id)) {
            wm_reply_err(r, WM_E_BAD_REQUEST, "office_id", NULL);
            return false;
        }
        return true;
    }
    const char *ct = wm_req_header(r, MHD_HTTP_HEADER_CONTENT_TYPE);
    if (NULL == ct || 0 != strncasecmp(ct, "application/json", 16)) {
        wm_reply_err(r, WM_E_UNSUPPORTED_MEDIA, "Content-Type",
                     _("请以 application/json 提交 wenming-framework/1 文档，或以 multipart 表单上传文件"));
        return false;
    }
    if (0 == r->body.len) {
        wm_reply_err(r, WM_E_BAD_REQUEST, "body", _("请求体为空"));
        return false;
    }
    /* "[]" or "\"x\"" is JSON but no framework: said so, not taken for a CSV without a name */
    size_t k = 0;
    while (k < r->body.len && r->body.data[k] && strchr(" \t\r\n", r->body.data[k])) {
        k++;
    }
    if (k == r->body.len || '{' != r->body.data[k]) {
        wm_reply_err(r, WM_E_BAD_REQUEST, "body",
                     _("请求体须为 wenming-framework/1 格式的 JSON 对象（以 { 开头）"));
        return false;
    }
    in->data = r->body.data;
    in->len = r->body.len;
    const char *dry = wm_req_arg(r, "dry_run");
    in->dry_run = dry && !wm_streq(dry, "0") && !wm_streq(dry, "false");
    const char *o = wm_req_arg(r, "office_id");
    if (o && !wm_parse_i64(o, 1, INT64_MAX, &in->office_id)) {
        wm_reply_err(r, WM_E_BAD_REQUEST, "office_id", NULL);
        return false;
    }
    return true;
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
    json_t *out = wm_api_edition(r->db->ops->edition_get(r->db, id, false));
    json_object_set_new(out, "report", report);
    wm_reply_json(r, 201, out);
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
    wm_reply_json(r, 200, wm_api_edition(r->db->ops->edition_get(r->db, r->ids[0], false)));
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

/* The export file name: "{name}_{version}.{ext}", RFC 5987-encoded for the header. */
void
wm_reply_attachment(struct wm_req *r, const char *name, const char *ctype, char *data, size_t len)
{
    struct wm_buf cd = {0};
    char *ascii = wm_ascii_filename(name, "export");
    wm_buf_printf(&cd, "attachment; filename=\"%s\"; filename*=UTF-8''", ascii);
    wm_url_encode(&cd, name);
    free(ascii);
    struct MHD_Response *resp = MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
    if (NULL == resp) {
        wm_panic("MHD_create_response failed");
    }
    r->resp = resp;
    r->status = 200;
    r->bytes = len;
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_DISPOSITION, wm_buf_str(&cd));
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    wm_buf_free(&cd);
}

void
api_framework_export(struct wm_req *r)
{
    const char *fmt = r->segs[0];
    json_t *ed = wm_edition_get_scoped(r->db, &r->actor, r->ids[0], true);
    if (NULL == ed) {
        wm_reply_err(r, WM_E_NOT_FOUND, NULL, NULL);
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
        char tmp[] = "/tmp/wenming-export-XXXXXX";
        int fd = mkstemp(tmp);
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

/* Diff of two editions the caller can read: {"added": [...], "removed": [...], "changed": [...]}. */
json_t *
wm_editions_diff(struct wm_req *r, int64_t from, int64_t to)
{
    json_t *a = wm_edition_get_scoped(r->db, &r->actor, from, true);
    json_t *b = wm_edition_get_scoped(r->db, &r->actor, to, true);
    json_t *d = NULL;
    if (a && b) {
        struct wm_fw *fa = wm_edition_parse(a), *fb = wm_edition_parse(b);
        if (fa && fb) {
            d = wm_fw_diff(fa, fb);
        }
        wm_fw_free(fa);
        wm_fw_free(fb);
    }
    json_decref(a);
    json_decref(b);
    return d;
}

void
api_framework_diff(struct wm_req *r)
{
    json_t *d = wm_editions_diff(r, r->ids[0], r->ids[1]);
    if (NULL == d) {
        wm_reply_err(r, WM_E_NOT_FOUND, NULL, NULL);
        return;
    }
    json_object_set_new(d, "from", json_integer(r->ids[0]));
    json_object_set_new(d, "to", json_integer(r->ids[1]));
    wm_reply_json(r, 200, d);
}

/* end of api_frameworks.c */
