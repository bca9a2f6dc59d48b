/*
** reply.c — building replies (JSON, HTML, errors, redirects, data) and reading request
** parameters (query arguments, form fields, JSON body specs).
*/
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wm_html.h"
#include "wm_http.h"

/* The HTML error page of the routes (registered at startup): the chrome is the UI's. */
static wm_error_page_fn error_page;

void
wm_http_set_error_page(wm_error_page_fn fn)
{
    error_page = fn;
}

/* No renderer registered: the status and the message on a bare page. */
static void
bare_error_page(struct wm_req *r, unsigned status, const char *message, const char *detail)
{
    struct wm_buf b = {0};
    wm_h(&b, "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>%s"
             "</title></head><body><h1>%u %s</h1>",
         message, status, message);
    if (detail && *detail) {
        wm_h(&b, "<p>%s</p>", detail);
    }
    wm_h(&b, "<p><code>%s</code></p></body></html>\n", r->rid);
    wm_reply_html(r, status, &b);
}

static void
set_resp(struct wm_req *r, unsigned status, struct MHD_Response *resp)
{
    if (r->resp) {
        WM_BREAK(!"second reply for one request");
        MHD_destroy_response(r->resp);
    }
    if (NULL == resp) {
        wm_panic("MHD_create_response failed");
    }
    r->resp = resp;
    r->status = status;
}

void
wm_reply_drop(struct wm_req *r)
{
    if (r->resp) {
        MHD_destroy_response(r->resp);
        r->resp = NULL;
        r->status = 0;
        r->bytes = 0;
    }
}

void
wm_req_add_header(struct wm_req *r, const char *name, const char *value)
{
    json_object_set_new(r->headers, name, json_string(value));
}

void
wm_req_set_cookie(struct wm_req *r, const char *name, const char *value, int max_age)
{
    wm_buf_printf(&r->setcookies, "%s=%s; Path=/; HttpOnly; SameSite=Lax%s; Max-Age=%d\n", name,
                  value, wm_server_options()->cookie_secure ? "; Secure" : "", max_age);
}

void
wm_reply_data(struct wm_req *r, unsigned status, const char *ctype, const void *data, size_t len,
              bool copy)
{
    struct MHD_Response *resp = MHD_create_response_from_buffer(
        len, (void *)data, copy ? MHD_RESPMEM_MUST_COPY : MHD_RESPMEM_PERSISTENT);
    set_resp(r, status, resp);
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    r->bytes = len;
}

char *
wm_api_text(json_t *body)
{
    char *s = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    if (NULL == s) {
        wm_panic("json_dumps failed");
    }
    return s;
}

void
wm_reply_json(struct wm_req *r, unsigned status, json_t *body)
{
    if (NULL == body) {
        body = json_pack("{s:{s:s, s:s}}", "error", "code", "internal", "message",
                         wm_err_message(WM_E_INTERNAL));
        status = 500;
    }
    wm_reply_json_text(r, status, wm_api_text(body));
}

void
wm_reply_json_text(struct wm_req *r, unsigned status, char *text)
{
    size_t n = strlen(text);
    struct MHD_Response *resp = MHD_create_response_from_buffer(n, text, MHD_RESPMEM_MUST_FREE);
    set_resp(r, status, resp);
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json; charset=utf-8");
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    r->bytes = n;
}

void
wm_reply_html(struct wm_req *r, unsigned status, struct wm_buf *body)
{
    size_t n = body->len;
    char *s = wm_buf_steal(body);
    struct MHD_Response *resp = MHD_create_response_from_buffer(n, s, MHD_RESPMEM_MUST_FREE);
    set_resp(r, status, resp);
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "text/html; charset=utf-8");
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    MHD_add_response_header(resp, "Referrer-Policy", "same-origin");
    MHD_add_response_header(resp, "Content-Security-Policy",
                            "default-src 'self'; img-src 'self' data:; object-src 'none'; "
                            "frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
    r->bytes = n;
}

void
wm_reply_redirect(struct wm_req *r, const char *location)
{
    struct MHD_Response *resp = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    set_resp(r, 303, resp);
    MHD_add_response_header(resp, MHD_HTTP_HEADER_LOCATION, location);
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
}

static bool
wants_html(struct wm_req *r)
{
    return r->route ? 0 != (r->route->flags & WM_R_HTML)
                    : (NULL == strstr(r->path ? r->path : "", "/api/") &&
                       wm_req_header(r, "Accept") &&
                       strstr(wm_req_header(r, "Accept"), "text/html"));
}

void
wm_reply_err(struct wm_req *r, enum wm_err e, const char *field, const char *detail)
{
    unsigned status = wm_err_status(e);
    if (status >= 500) {
        WM_BREAK(!"server error reply");
    } else {
        WM_BREAK_OP(!"client error reply");
    }
    if (wants_html(r)) {
        if (error_page) {
            error_page(r, status, wm_err_code(e), wm_err_message(e), detail);
        } else {
            bare_error_page(r, status, wm_err_message(e), detail);
        }
        return;
    }
    json_t *err = json_pack("{s:s, s:s, s:s}", "code", wm_err_code(e), "message",
                            detail ? detail : wm_err_message(e), "request_id", r->rid);
    if (field && *field) {
        json_object_set_new(err, "field", json_string(field));
    }
    if (NULL == err) {
        wm_panic("json_pack failed for an error reply");
    }
    wm_reply_json(r, status, json_pack("{s:o}", "error", err));
}

void
wm_reply_fail(struct wm_req *r, const struct wm_fail *f)
{
    wm_reply_err(r, f->err, f->field, f->msg[0] ? f->msg : NULL);
}

/* ---------------------------------------------------------------- parameters */

const char *
wm_req_header(struct wm_req *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

const char *
wm_req_arg(struct wm_req *r, const char *name)
{
    const char *v = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
    if (v && (!wm_utf8_valid(v, strlen(v)) || wm_has_control(v))) {
        return NULL;
    }
    return v;
}

const char *
wm_form(struct wm_req *r, const char *name)
{
    const char *v = json_string_value(json_object_get(r->form, name));
    if (NULL == v) {
        return NULL;
    }
    /* Trim in place: the form object owns the string and nothing else reads it raw. */
    wm_trim((char *)v);
    return v;
}

bool
wm_req_page(struct wm_req *r, struct wm_page *pg, unsigned dflt)
{
    const char *limit = wm_req_arg(r, "limit"), *cursor = wm_req_arg(r, "cursor");
    int64_t v;
    memset(pg, 0, sizeof *pg);
    pg->limit = dflt;
    if (limit) {
        if (!wm_parse_i64(limit, 1, 200, &v)) {
            wm_reply_err(r, WM_E_BAD_REQUEST, "limit", _("limit 须为1至200的整数"));
            return false;
        }
        pg->limit = (unsigned)v;
    }
    if (cursor && *cursor) {
        if (!wm_parse_i64(cursor, 0, INT64_MAX, &v)) {
            wm_reply_err(r, WM_E_BAD_REQUEST, "cursor", _("cursor 无效"));
            return false;
        }
        pg->after = v;
    }
    const char *q = wm_req_arg(r, "q");
    if (q && *q) {
        if (strlen(q) > 200) {
            wm_reply_err(r, WM_E_BAD_REQUEST, "q", _("搜索词过长"));
            return false;
        }
        pg->q = q;
    }
    return true;
}

bool
wm_json_check(struct wm_req *r, const struct wm_jfield *spec)
{
    const char *k;
    json_t *v;
    json_object_foreach(r->json, k, v)
    {
        const struct wm_jfield *f = spec;
        while (f->name && !wm_streq(f->name, k)) {
            f++;
        }
        if (NULL == f->name) {
            char *d = wm_asprintf(_("未知字段 %s"), k);
            wm_reply_err(r, WM_E_BAD_REQUEST, k, d);
            free(d);
            return false;
        }
        bool ok = true;
        switch (f->type) {
        case WM_J_STR:
            ok = json_is_string(v) && wm_utf8_len(json_string_value(v)) <= f->max &&
                 !wm_has_control(json_string_value(v)) &&
                 strlen(json_string_value(v)) == json_string_length(v);
            break;
        case WM_J_INT:
            ok = json_is_integer(v) && json_integer_value(v) >= 0 &&
                 (0 == f->max || (size_t)json_integer_value(v) <= f->max);
            break;
        case WM_J_BOOL:
            ok = json_is_boolean(v);
            break;
        case WM_J_STRARRAY: {
            ok = json_is_array(v) && json_array_size(v) <= f->max;
            size_t i;
            json_t *e;
            json_array_foreach(v, i, e)
            {
                ok = ok && json_is_string(e) && strlen(json_string_value(e)) <= 400 &&
                     !wm_has_control(json_string_value(e));
            }
            break;
        }
        }
        if (!ok) {
            static const char *const tn[] = {N_("字符串"), N_("非负整数"), N_("布尔值"),
                                             N_("字符串数组")};
            char *d = wm_asprintf(_("字段 %s 须为%s（长度或大小在限制内）"), k, _(tn[f->type]));
            wm_reply_err(r, WM_E_BAD_REQUEST, k, d);
            free(d);
            return false;
        }
    }
    for (const struct wm_jfield *f = spec; f->name; f++) {
        if (f->required && NULL == json_object_get(r->json, f->name)) {
            char *d = wm_asprintf(_("缺少字段 %s"), f->name);
            wm_reply_err(r, WM_E_BAD_REQUEST, f->name, d);
            free(d);
            return false;
        }
    }
    return true;
}

const char *
wm_jstr(struct wm_req *r, const char *name)
{
    return json_string_value(json_object_get(r->json, name));
}

int64_t
wm_jint(struct wm_req *r, const char *name, int64_t dflt)
{
    json_t *v = json_object_get(r->json, name);
    return json_is_integer(v) ? json_integer_value(v) : dflt;
}

/* end of reply.c */
