/*
** api_practice.c — good practice (经验做法, issue 9) over JSON: feature a document, edit or
** withdraw an item, the list in the caller's sight (filters indicator, unit type, category),
** the featured version's content and thumbnail (read-only, to every account that sees the
** item, while nothing else of the unit becomes visible), and the 经验交流汇编: queue one
** (202 with its job), list them, download the PDF.  The rules are src/core/practice.c's.
*/
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "handlers.h"
#include "wm_blob.h"
#include "wm_media.h"
#include "wm_thumb.h"

/* ---------------------------------------------------------------- representations */

json_t *
wm_api_featured(json_t *it)
{
    static const char *const keys[] = {"at", "updated_at", "withdrawn_at", NULL};
    if (NULL == it) {
        return NULL;
    }
    for (size_t i = 0; keys[i]; i++) {
        json_t *v = json_object_get(it, keys[i]);
        if (json_is_integer(v)) {
            char t[32];
            wm_time_rfc3339(json_integer_value(v), t);
            json_object_set_new(it, keys[i], json_string(t));
        }
    }
    int64_t id = ji(it, "id");
    char *name = wm_doc_display_name(it);
    json_object_set_new(it, "name", json_string(name));
    free(name);
    json_object_set_new(it, "withdrawn", json_boolean(ji(it, "withdrawn")));
    json_object_set_new(it, "in_trash", json_boolean(json_is_integer(json_object_get(it, "deleted_at"))));
    static const char *const drop[] = {"unit_path", "office_path", "deleted_at", "serial", NULL};
    for (size_t i = 0; drop[i]; i++) {
        json_object_del(it, drop[i]);
    }
    char *c = wm_asprintf("/api/v1/practice/%lld/content", (long long)id);
    char *t = wm_asprintf("/api/v1/practice/%lld/thumbnail", (long long)id);
    json_object_set_new(it, "content_url", json_string(c));
    json_object_set_new(it, "thumbnail_url", json_string(t));
    free(c);
    free(t);
    return it;
}

json_t *
wm_api_compilation(json_t *c)
{
    static const char *const keys[] = {"at", "finished_at", NULL};
    if (NULL == c) {
        return NULL;
    }
    for (size_t i = 0; keys[i]; i++) {
        json_t *v = json_object_get(c, keys[i]);
        if (json_is_integer(v)) {
            char t[32];
            wm_time_rfc3339(json_integer_value(v), t);
            json_object_set_new(c, keys[i], json_string(t));
        }
    }
    json_object_del(c, "office_path");
    json_object_del(c, "result_sha");
    if (wm_streq(js(c, "state"), "done")) {
        char *u = wm_asprintf("/api/v1/practice/compilations/%lld/download", (long long)ji(c, "id"));
        json_object_set_new(c, "download_url", json_string(u));
        free(u);
    }
    return c;
}

/* ---------------------------------------------------------------- items */

void
api_document_feature_post(struct wm_req *r)
{
    static const struct wm_jfield spec[] = {{"note", WM_J_STR, true, WM_PRACTICE_NOTE_MAX},
                                            {"category", WM_J_STR, true, WM_PRACTICE_CATEGORY_MAX},
                                            {NULL}};
    if (!wm_json_check(r, spec)) {
        return;
    }
    struct wm_fail f = {0};
    int64_t id = 0;
    if (WM_OK != wm_practice_feature(r->db, &r->actor, r->ids[0], wm_jstr(r, "note"),
                                     wm_jstr(r, "category"), &id, &f)) {
        wm_reply_fail(r, &f);
        return;
    }
    json_t *it = wm_practice_get(r->db, &r->actor, id, &f);
    wm_reply_read(r, 201, wm_api_featured(it), &f);
}

/* The item ids[0] in the caller's sight; NULL: replied. */
static json_t *
req_item(struct wm_req *r)
{
    struct wm_fail f = {0};
    json_t *it = wm_practice_get(r->db, &r->actor, r->ids[0], &f);
    if (NULL == it) {
        wm_reply_fail(r, &f);
    }
    return it;
}

void
api_practice_item_get(struct wm_req *r)
{
    json_t *it = req_item(r);
    if (it) {
        wm_reply_json(r, 200, wm_api_featured(it));
    }
}

void
api_practice_patch(struct wm_req *r)
{
    static const struct wm_jfield spec[] = {{"note", WM_J_STR, false, WM_PRACTICE_NOTE_MAX},
                                            {"category", WM_J_STR, false, WM_PRACTICE_CATEGORY_MAX},
                                            {NULL}};
    if (!wm_json_check(r, spec)) {
        return;
    }
    struct wm_fail f = {0};
    if (WM_OK != wm_practice_update(r->db, &r->actor, r->ids[0], wm_jstr(r, "note"),
                                    wm_jstr(r, "category"), &f)) {
        wm_reply_fail(r, &f);
        return;
    }
    api_practice_item_get(r);
}

void
api_practice_delete(struct wm_req *r)
{
    struct wm_fail f = {0};
    if (WM_OK != wm_practice_withdraw(r->db, &r->actor, r->ids[0], &f)) {
        wm_reply_fail(r, &f);
        return;
    }
    wm_reply_json(r, 200, json_pack("{s:b, s:I}", "ok", 1, "withdrawn", (json_int_t)r->ids[0]));
}

void
api_practice_get(struct wm_req *r)
{
    struct wm_practice_query q = {
        .indicator = wm_req_arg(r, "indicator"),
        .unit_type = wm_req_arg(r, "unit_type"),
        .category = wm_req_arg(r, "category"),
    };
    if (!wm_req_window(r, 50, &q.limit, &q.offset)) {
        return;
    }
    struct wm_fail f = {0};
    json_t *rows = wm_practice_list(r->db, &r->actor, &q, &f);
    if (NULL == rows) {
        wm_reply_fail(r, &f);
        return;
    }
    size_t i;
    json_t *x;
    json_array_foreach(rows, i, x)
    {
        wm_api_featured(x);
    }
    wm_reply_json(r, 200, wm_api_window(rows, q.limit, q.offset));
}

/* An item whose document can be shown: not in the trash; NULL: replied. */
static json_t *
req_item_content(struct wm_req *r)
{
    json_t *it = req_item(r);
    if (it && json_is_integer(json_object_get(it, "deleted_at"))) {
        json_decref(it);
        wm_reply_err(r, WM_E_NOT_FOUND, NULL, _("该经验做法的文件已删除"));
        return NULL;
    }
    return it;
}

/* The featured version's content under the document's name (audited as a download);
** inline with ?inline=1, in a sandbox. */
void
api_practice_content(struct wm_req *r)
{
    json_t *it = req_item_content(r);
    if (NULL == it) {
        return;
    }
    /* an access that cannot be audited does not happen */
    struct wm_fail f = {0};
    if (!(WM_HEAD & r->method) && WM_OK != wm_practice_download(r->db, &r->actor, it, &f)) {
        json_decref(it);
        wm_reply_fail(r, &f);
        return;
    }
    const char *sha = js(it, "sha"), *mime = js(it, "mime"), *ext = wm_media_type_ext(mime);
    char *name = wm_asprintf("%s%s", *js(it, "title") ? js(it, "title") : _("文件"), ext);
    char *stem = wm_asprintf("practice-%lld%s", (long long)ji(it, "id"), ext);
    char *ascii = wm_ascii_filename(stem, "practice");
    const char *inl = wm_req_arg(r, "inline");
    struct wm_blob_reply b = {.sha = sha, .mime = mime, .name = name, .ascii = ascii,
                              .inline_ok = inl && wm_streq(inl, "1")};
    if (!wm_reply_blob(r, &b)) {
        wm_log(WM_LOG_ERROR, "blob %s of featured item %lld is missing", sha,
               (long long)ji(it, "id"));
    }
    free(ascii);
    free(stem);
    free(name);
    json_decref(it);
}

void
api_practice_thumbnail(struct wm_req *r)
{
    json_t *it = req_item_content(r);
    if (NULL == it) {
        return;
    }
    char path[512];
    bool have = wm_app.thumbs_dir &&
                wm_thumb_path(wm_app.thumbs_dir, js(it, "sha"), path, sizeof path);
    size_t len = 0;
    char *data = have ? wm_read_file(path, &len) : NULL;
    if (NULL == data) {
        /* not made yet, or a type without one: a document icon meanwhile */
        wm_thumb_request(js(it, "sha"), js(it, "mime"));
        json_decref(it);
        wm_reply_static_file(r, "doc.svg");
        return;
    }
    json_decref(it);
    struct MHD_Response *resp = MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
    r->resp = resp;
    r->status = 200;
    r->bytes = len;
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "image/jpeg");
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "private, max-age=86400");
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
}

/* ---------------------------------------------------------------- compilations */

void
api_compilations_post(struct wm_req *r)
{
    json_t *items = json_object_get(r->json, "items");
    json_t *title = json_object_get(r->json, "title");
    if (!json_is_array(items) || !json_is_string(title) || 2 != json_object_size(r->json)) {
        wm_reply_err(r, WM_E_BAD_REQUEST, "items",
                     _("请提交 {\"title\": 标题, \"items\": [经验做法编号, ...]}"));
        return;
    }
    size_t n = json_array_size(items), i;
    if (n > WM_PRACTICE_COMPILE_MAX) {
        wm_reply_err(r, WM_E_BAD_REQUEST, "items", _("一本汇编最多收录 200 项"));
        return;
    }
    int64_t *ids = wm_calloc(n ? n : 1, sizeof *ids);
    json_t *v;
    json_array_foreach(items, i, v)
    {
        if (!json_is_integer(v)) {
            free(ids);
            wm_reply_err(r, WM_E_BAD_REQUEST, "items", _("items 须为整数"));
            return;
        }
        ids[i] = json_integer_value(v);
    }
    struct wm_fail f = {0};
    int64_t id = 0, job = 0;
    enum wm_err e = wm_compilation_create(r->db, &r->actor, json_string_value(title), ids, n, &id,
                                          &job, &f);
    free(ids);
    if (WM_OK != e) {
        wm_reply_fail(r, &f);
        return;
    }
    json_t *c = wm_compilation_get(r->db, &r->actor, id, &f);
    if (c) {
        json_t *jr = wm_job_get_scoped(r->db, &r->actor, job, NULL);
        json_object_set_new(c, "job", jr ? wm_job_api(jr) : json_null());
        json_decref(jr);
        char *loc = wm_asprintf("/jobs/%lld", (long long)job);
        json_object_set_new(c, "job_page", json_string(loc));
        free(loc);
    }
    wm_reply_read(r, 202, wm_api_compilation(c), &f);
}

void
api_compilations_get(struct wm_req *r)
{
    struct wm_fail f = {0};
    json_t *rows = wm_compilation_list(r->db, &r->actor, &f);
    if (NULL == rows) {
        wm_reply_fail(r, &f);
        return;
    }
    size_t i;
    json_t *x;
    json_array_foreach(rows, i, x)
    {
        wm_api_compilation(x);
    }
    wm_reply_json(r, 200, json_pack("{s:o, s:n}", "items", rows, "next"));
}

void
api_compilation_get(struct wm_req *r)
{
    struct wm_fail f = {0};
    json_t *c = wm_compilation_get(r->db, &r->actor, r->ids[0], &f);
    wm_reply_read(r, 200, wm_api_compilation(c), &f);
}

void
api_compilation_download(struct wm_req *r)
{
    struct wm_fail f = {0};
    json_t *c = wm_compilation_get(r->db, &r->actor, r->ids[0], &f);
    if (NULL == c) {
        wm_reply_fail(r, &f);
        return;
    }
    if (!wm_streq(js(c, "state"), "done")) {
        wm_reply_err(r, WM_E_CONFLICT, NULL, _("汇编尚未生成完成，请稍后再试"));
    } else {
        char *ascii = wm_asprintf("compilation-%lld.pdf", (long long)ji(c, "id"));
        struct wm_blob_reply b = {.sha = js(c, "result_sha"), .mime = "application/pdf",
                                  .name = _("经验交流汇编.pdf"), .ascii = ascii};
        if (!wm_reply_blob(r, &b)) {
            wm_log(WM_LOG_ERROR, "compilation %lld: blob %s is missing", (long long)ji(c, "id"),
                   js(c, "result_sha"));
        }
        free(ascii);
    }
    json_decref(c);
}

/* end of api_practice.c */
