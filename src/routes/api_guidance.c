/*
** api_guidance.c — guidance conversations over JSON (指导意见, issue 9): a leaf's
** conversation (read, post a message as JSON {"text"} or as a multipart form with an
** optional file, mark read, close and reopen), the caller's conversations, and a message's
** attachment.  The rules are src/core/guidance.c's; the representations (times RFC 3339)
** are here.
*/
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "handlers.h"
#include "wm_blob.h"
#include "wm_media.h"

/* ---------------------------------------------------------------- representations */

static void
rfc3339_of(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    if (json_is_integer(v) && json_integer_value(v) > 0) {
        char t[32];
        wm_time_rfc3339(json_integer_value(v), t);
        json_object_set_new(o, k, json_string(t));
    } else if (v) {
        json_object_set_new(o, k, json_null());
    }
}

json_t *
wm_api_guidance(json_t *g)
{
    if (NULL == g) {
        return NULL;
    }
    rfc3339_of(g, "created_at");
    rfc3339_of(g, "updated_at");
    size_t i;
    json_t *m;
    json_array_foreach(json_object_get(g, "messages"), i, m)
    {
        rfc3339_of(m, "at");
        json_object_set(m, "text", json_object_get(m, "body"));
        json_object_del(m, "body");
        if (json_is_string(json_object_get(m, "sha"))) {
            char *href = wm_asprintf("/api/v1/guidance/messages/%lld/attachment",
                                     (long long)ji(m, "id"));
            json_object_set_new(m, "attachment",
                                json_pack("{s:s, s:I, s:s, s:s}", "name", js(m, "filename"),
                                          "size", (json_int_t)ji(m, "size"), "mime",
                                          js(m, "mime"), "href", href));
            free(href);
        } else {
            json_object_set_new(m, "attachment", json_null());
        }
        json_object_del(m, "sha");
        json_object_del(m, "filename");
        json_object_del(m, "size");
        json_object_del(m, "mime");
    }
    return g;
}

json_t *
wm_api_guidance_list(json_t *rows)
{
    size_t i;
    json_t *o;
    json_array_foreach(rows, i, o)
    {
        rfc3339_of(o, "created_at");
        rfc3339_of(o, "updated_at");
        json_t *last = json_null();
        if (json_is_integer(json_object_get(o, "last_id"))) {
            last = json_pack("{s:O, s:O, s:O, s:O, s:O}", "id", json_object_get(o, "last_id"),
                             "text", json_object_get(o, "last_body"), "side",
                             json_object_get(o, "last_side"), "author",
                             json_object_get(o, "last_author"), "attachment",
                             json_object_get(o, "last_filename"));
            json_object_set(last, "at", json_object_get(o, "last_at"));
            rfc3339_of(last, "at");
        }
        static const char *const drop[] = {"last_id", "last_body", "last_side", "last_author",
                                           "last_filename", "last_at", "archive_id"};
        for (size_t k = 0; k < WM_ARRAY_LEN(drop); k++) {
            json_object_del(o, drop[k]);
        }
        json_object_set_new(o, "last_message", last);
        json_object_set(o, "code", json_object_get(o, "indicator_code"));
        json_object_del(o, "indicator_code");
    }
    return rows;
}

/* ---------------------------------------------------------------- a leaf's conversation */

/* The conversation of the leaf r->segs[0] of the archive, as the API shows it. */
static void
reply_conversation(struct wm_req *r, const json_t *ar, unsigned status)
{
    struct wm_fail f = {0};
    json_t *g = wm_guidance_get(r->db, &r->actor, ar, r->segs[0], &f);
    wm_reply_read(r, status, wm_api_guidance(g), &f);
}

void
api_guidance_get(struct wm_req *r)
{
    json_t *ar = wm_req_archive(r);
    if (ar) {
        reply_conversation(r, ar, 200);
        json_decref(ar);
    }
}

void
api_guidance_post(struct wm_req *r)
{
    const char *text = NULL;
    if (r->json) {
        json_t *t = json_object_get(r->json, "text");
        if (json_object_size(r->json) != 1 || !json_is_string(t) ||
            strlen(json_string_value(t)) != json_string_length(t)) {
            wm_reply_err(r, WM_E_BAD_REQUEST, "text", _("请提交 {\"text\": 留言内容}"));
            return;
        }
        text = json_string_value(t);
    } else {
        text = wm_form(r, "text");
    }
    json_t *ar = wm_req_archive(r);
    if (NULL == ar) {
        return;
    }
    struct wm_fail f = {0};
    struct wm_upload up;
    int have = 0;
    /* Scope, role and leaf before the file is committed: a refused post stores nothing. */
    json_t *g = wm_guidance_get(r->db, &r->actor, ar, r->segs[0], &f);
    if (NULL == g) {
        wm_reply_fail(r, &f);
    } else if (!wm_guidance_may_post(&r->actor)) {
        wm_reply_err(r, WM_E_FORBIDDEN, NULL, _("您的账号只能查看指导意见，不能留言"));
    } else if (r->json || (have = wm_uploads_optional(r, WM_GUIDANCE_FILE_MAX, &up)) >= 0) {
        if (WM_OK != wm_guidance_post(r->db, &r->actor, ar, r->segs[0], text,
                                      have > 0 ? &up : NULL, NULL, &f)) {
            wm_reply_fail(r, &f);
        } else {
            reply_conversation(r, ar, 201);
        }
    }
    json_decref(g);
    json_decref(ar);
}

void
api_guidance_read_post(struct wm_req *r)
{
    json_t *ar = wm_req_archive(r);
    if (NULL == ar) {
        return;
    }
    struct wm_fail f = {0};
    if (WM_OK != wm_guidance_mark_read(r->db, &r->actor, ar, r->segs[0], &f)) {
        wm_reply_fail(r, &f);
    } else {
        reply_conversation(r, ar, 200);
    }
    json_decref(ar);
}

static void
set_open(struct wm_req *r, bool open)
{
    json_t *ar = wm_req_archive(r);
    if (NULL == ar) {
        return;
    }
    struct wm_fail f = {0};
    if (WM_OK != wm_guidance_set_open(r->db, &r->actor, ar, r->segs[0], open, &f)) {
        wm_reply_fail(r, &f);
    } else {
        reply_conversation(r, ar, 200);
    }
    json_decref(ar);
}

void
api_guidance_close_post(struct wm_req *r)
{
    set_open(r, false);
}

void
api_guidance_reopen_post(struct wm_req *r)
{
    set_open(r, true);
}

/* ---------------------------------------------------------------- lists and attachments */

void
api_guidance_list_get(struct wm_req *r)
{
    struct wm_guidance_query q;
    if (!wm_req_guidance_query(r, &q)) {
        return;
    }
    struct wm_fail f = {0};
    json_t *rows = wm_guidance_list(r->db, &r->actor, &q, &f);
    if (NULL == rows) {
        wm_reply_fail(r, &f);
        return;
    }
    int64_t unread = 0;
    size_t i;
    json_t *o;
    json_array_foreach(rows, i, o)
    {
        unread += ji(o, "unread") > 0;
    }
    wm_reply_json(r, 200, json_pack("{s:o, s:I, s:I, s:I}", "items", wm_api_guidance_list(rows),
                                    "unread_conversations", (json_int_t)unread, "limit",
                                    (json_int_t)q.limit, "offset", (json_int_t)q.offset));
}

/* The attachment of a message: its display name as given (RFC 5987), an ASCII fallback,
** never inline (a file from outside), under a sandboxing CSP. */
void
api_guidance_attachment_get(struct wm_req *r)
{
    struct wm_fail f = {0};
    json_t *m = wm_guidance_attachment(r->db, &r->actor, r->ids[0], &f);
    if (NULL == m) {
        wm_reply_fail(r, &f);
        return;
    }
    const char *sha = js(m, "sha");
    char *stem = wm_asprintf("attachment-%lld", (long long)ji(m, "id"));
    char *ascii = wm_ascii_filename(js(m, "filename"), stem);
    struct wm_blob_reply b = {.sha = sha, .mime = js(m, "mime"), .name = js(m, "filename"),
                              .ascii = ascii};
    if (!wm_reply_blob(r, &b)) {
        wm_log(WM_LOG_ERROR, "blob %s of guidance message %lld is missing", sha,
               (long long)ji(m, "id"));
    }
    free(ascii);
    free(stem);
    json_decref(m);
}

/* end of api_guidance.c */
