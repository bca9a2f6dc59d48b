/*
** api_archives.c — the creation archive over JSON: archives with their folder tree and
** completeness, uploads into a leaf (streamed), documents (metadata, versions, content
** with Range, move, trash, restore, purge, order) and the default edition per year.
*/
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "handlers.h"
#include "wm_blob.h"
#include "wm_media.h"
#include "wm_thumb.h"

/* The archive with its folder tree and completeness, as the API shows it. */
static json_t *
api_archive_full(struct wm_req *r, json_t *ar, struct wm_fail *f)
{
    json_t *tree = wm_archive_tree(r->db, ar, f);
    if (NULL == tree) {
        json_decref(ar);
        return NULL;
    }
    wm_api_archive(ar);
    json_object_update(ar, tree);
    json_decref(tree);
    return ar;
}

void
api_archives_get(struct wm_req *r)
{
    struct wm_fail f = {0};
    json_t *list = wm_archive_list(r->db, &r->actor, r->ids[0], &f);
    if (NULL == list) {
        wm_reply_fail(r, &f);
        return;
    }
    wm_reply_json(r, 200, wm_api_page(wm_api_archives(list), 0));
}

void
api_archive_get(struct wm_req *r)
{
    struct wm_fail f = {0};
    json_t *ar = wm_req_archive(r);
    if (ar) {
        wm_reply_read(r, 200, api_archive_full(r, ar, &f), &f);
    }
}

/* Create a year's archive: {"year": 2026, "edition_id": 3 (optional)}. */
void
api_archives_post(struct wm_req *r)
{
    static const struct wm_jfield spec[] = {
        {"year", WM_J_INT, true, 0}, {"edition_id", WM_J_INT, false, 0}, {NULL}};
    struct wm_fail f = {0};
    int64_t id;
    if (!wm_json_check(r, spec)) {
        return;
    }
    int64_t year = wm_jint(r, "year", 0);
    if (WM_OK != wm_archive_create(r->db, &r->actor, r->ids[0], year, wm_jint(r, "edition_id", 0),
                                   &id, &f)) {
        wm_reply_fail(r, &f);
        return;
    }
    json_t *ar = wm_archive_open(r->db, &r->actor, r->ids[0], year, &f);
    if (NULL == ar) {
        wm_reply_fail(r, &f);
        return;
    }
    wm_reply_read(r, 201, api_archive_full(r, ar, &f), &f);
}

/* Delete an empty archive created by mistake (office staff). */
void
api_archive_delete(struct wm_req *r)
{
    struct wm_fail f = {0};
    if (WM_OK != wm_archive_delete(r->db, &r->actor, r->ids[0], r->ids[1], &f)) {
        wm_reply_fail(r, &f);
        return;
    }
    wm_reply_json(r, 200, json_pack("{s:b}", "ok", 1));
}

void
api_leaf_documents_get(struct wm_req *r)
{
    json_t *ar = wm_req_archive(r);
    if (NULL == ar) {
        return;
    }
    struct wm_fail f = {0};
    json_t *docs = wm_archive_docs(r->db, &r->actor, ar, r->segs[0], false, &f);
    if (NULL == docs) {
        json_decref(ar);
        wm_reply_fail(r, &f);
        return;
    }
    size_t i;
    json_t *d;
    json_array_foreach(docs, i, d)
    {
        wm_api_doc(d, js(ar, "unit_code"), ji(ar, "year"));
    }
    json_decref(ar);
    wm_reply_json(r, 200, wm_api_page(docs, 0));
}

void
api_leaf_documents_post(struct wm_req *r)
{
    json_t *ar = wm_req_archive(r);
    if (NULL == ar) {
        return;
    }
    json_t *docs = wm_upload_documents(r, ar, r->segs[0]);
    json_decref(ar);
    if (docs) {
        wm_reply_json(r, 201, wm_api_page(docs, 0));
    }
}

void
api_leaf_order_post(struct wm_req *r)
{
    json_t *ids = json_object_get(r->json, "ids");
    if (!json_is_array(ids) || 1 != json_object_size(r->json)) {
        wm_reply_err(r, WM_E_BAD_REQUEST, "ids", _("请提交 {\"ids\": [文件编号, ...]}"));
        return;
    }
    size_t n = json_array_size(ids), i;
    json_t *v;
    int64_t *arr = wm_calloc(n ? n : 1, sizeof *arr);
    json_array_foreach(ids, i, v)
    {
        if (!json_is_integer(v)) {
            free(arr);
            wm_reply_err(r, WM_E_BAD_REQUEST, "ids", _("ids 须为整数"));
            return;
        }
        arr[i] = json_integer_value(v);
    }
    json_t *ar = wm_req_archive(r);
    struct wm_fail f = {0};
    if (ar && WM_OK != wm_doc_reorder(r->db, &r->actor, ar, r->segs[0], arr, n, &f)) {
        wm_reply_fail(r, &f);
    } else if (ar) {
        json_decref(ar);
        ar = NULL;
        api_leaf_documents_get(r);
    }
    json_decref(ar);
    free(arr);
}

void
api_archive_trash_get(struct wm_req *r)
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
    size_t i;
    json_t *d;
    json_array_foreach(docs, i, d)
    {
        wm_api_doc(d, js(ar, "unit_code"), ji(ar, "year")); /* its 档号, as it was given */
    }
    json_decref(ar);
    wm_reply_json(r, 200, wm_api_page(docs, 0));
}

/* The routine-upload schedule of the archive's leaves: periods, deadlines and states as of
** today (Asia/Shanghai), with the settings of the office the unit answers to. */
void
api_archive_schedule_get(struct wm_req *r)
{
    json_t *ar = wm_req_archive(r);
    if (NULL == ar) {
        return;
    }
    struct wm_fail f = {0};
    struct wm_sched_opts o;
    if (WM_OK != wm_sched_opts_for(r->db, ar, &o, &f)) {
        json_decref(ar);
        wm_reply_fail(r, &f);
        return;
    }
    json_t *s = wm_archive_schedule(r->db, &r->actor, ar, &o, NULL, &f);
    json_decref(ar);
    wm_reply_read(r, 200, s, &f);
}

/* ---------------------------------------------------------------- one document */

static void
reply_doc(struct wm_req *r, unsigned status)
{
    json_t *d = wm_req_document(r);
    if (d) {
        wm_reply_json(r, status, wm_api_doc(d, js(d, "unit_code"), ji(d, "year")));
    }
}

void
api_document_get(struct wm_req *r)
{
    json_t *d = wm_req_document(r);
    if (d) {
        json_decref(d);
        reply_doc(r, 200);
    }
}

void
api_document_patch(struct wm_req *r)
{
    static const struct wm_jfield spec[] = {
        {"title", WM_J_STR, false, 200},   {"date_formed", WM_J_STR, false, 10},
        {"media", WM_J_STR, false, 20},    {"dept", WM_J_STR, false, 50},
        {"author", WM_J_STR, false, 50},   {"keywords", WM_J_STR, false, 200},
        {"retention", WM_J_STR, false, 4}, {"remarks", WM_J_STR, false, 1000},
        {NULL}};
    struct wm_doc_meta m;
    struct wm_fail f = {0};
    if (!wm_json_check(r, spec)) {
        return;
    }
    wm_req_doc_meta(r, &m);
    if (WM_OK != wm_doc_update(r->db, &r->actor, r->ids[0], &m, &f)) {
        wm_reply_fail(r, &f);
        return;
    }
    reply_doc(r, 200);
}

void
api_document_delete(struct wm_req *r)
{
    struct wm_fail f = {0};
    if (WM_OK != wm_doc_delete(r->db, &r->actor, r->ids[0], &f)) {
        wm_reply_fail(r, &f);
        return;
    }
    wm_reply_json(r, 200, json_pack("{s:b}", "ok", 1));
}

void
api_document_restore(struct wm_req *r)
{
    struct wm_fail f = {0};
    if (WM_OK != wm_doc_restore(r->db, &r->actor, r->ids[0], &f)) {
        wm_reply_fail(r, &f);
        return;
    }
    reply_doc(r, 200);
}

void
api_document_purge(struct wm_req *r)
{
    struct wm_fail f = {0};
    if (WM_OK != wm_doc_purge(r->db, &r->actor, r->ids[0], &f)) {
        wm_reply_fail(r, &f);
        return;
    }
    wm_reply_json(r, 200, json_pack("{s:b}", "ok", 1));
}

void
api_document_move(struct wm_req *r)
{
    static const struct wm_jfield spec[] = {{"code", WM_J_STR, true, 64}, {NULL}};
    struct wm_fail f = {0};
    if (!wm_json_check(r, spec)) {
        return;
    }
    if (WM_OK != wm_doc_move(r->db, &r->actor, r->ids[0], wm_jstr(r, "code"), &f)) {
        wm_reply_fail(r, &f);
        return;
    }
    reply_doc(r, 200);
}

void
api_document_versions_get(struct wm_req *r)
{
    struct wm_fail f = {0};
    json_t *vs = wm_doc_versions(r->db, &r->actor, r->ids[0], &f);
    if (NULL == vs) {
        wm_reply_fail(r, &f);
        return;
    }
    wm_reply_json(r, 200, wm_api_page(wm_api_versions(vs), 0));
}

void
api_document_versions_post(struct wm_req *r)
{
    char *notice = NULL;
    if (wm_upload_version(r, &notice)) {
        json_t *d = wm_req_document(r);
        if (d) {
            wm_api_doc(d, js(d, "unit_code"), ji(d, "year"));
            if (notice) {
                json_object_set_new(d, "notice", json_string(notice));
            }
            wm_reply_json(r, 201, d);
        }
    }
    free(notice);
}

/*
** The names of a document's content: always the document's name — its 题名 with the
** extension of the detected type — (*name) and, for old clients, an ASCII one made of the
** archival code ("DEMO001-2026-1.1.1-01.pdf", *ascii), never "download".  Caller frees both.
*/
static void
content_names(const json_t *d, const char *mime, char **name, char **ascii)
{
    const char *ext = wm_media_type_ext(mime), *fn = js(d, "filename");
    if (0 == *ext) {
        ext = fn + wm_media_name_ext(fn); /* a type we cannot name: the extension as given */
    }
    struct wm_buf nb = {0};
    const char *title = js(d, "title");
    if (*title) {
        wm_buf_adds(&nb, title);
    } else {
        wm_buf_add(&nb, fn, wm_media_name_ext(fn));
    }
    if (0 == nb.len) {
        wm_buf_adds(&nb, _("文件"));
    }
    wm_buf_adds(&nb, ext);
    char *code = *js(d, "unit_code") ? wm_doc_archival_code(d, js(d, "unit_code"), ji(d, "year"))
                                     : wm_strdup(js(d, "archival_code"));
    char *stem = wm_asprintf("document-%lld", (long long)ji(d, "id"));
    char *coded = wm_asprintf("%s%s", code, ext);
    *ascii = wm_ascii_filename(coded, stem);
    *name = wm_strdup(wm_buf_str(&nb));
    free(coded);
    free(stem);
    free(code);
    wm_buf_free(&nb);
}

static void
wm_reply_document_content(struct wm_req *r, const json_t *d, int64_t version)
{
    const char *sha = js(d, "sha"), *mime = js(d, "mime");
    if (version > 0 && version != ji(d, "version")) {
        struct wm_fail f = {0};
        json_t *vs = wm_doc_versions(r->db, &r->actor, ji(d, "id"), &f);
        const json_t *found = NULL;
        if (NULL == vs) {
            wm_reply_fail(r, &f);
            return;
        }
        size_t i;
        json_t *v;
        json_array_foreach(vs, i, v)
        {
            if (ji(v, "version") == version) {
                found = v;
            }
        }
        if (NULL == found) {
            json_decref(vs);
            wm_reply_err(r, WM_E_NOT_FOUND, "version", _("没有这个版本"));
            return;
        }
        /* the document as it is, with that version's content */
        json_t *tmp = json_deep_copy(d);
        json_object_set(tmp, "sha", json_object_get(found, "sha"));
        json_object_set(tmp, "mime", json_object_get(found, "mime"));
        json_object_set(tmp, "filename", json_object_get(found, "filename"));
        json_object_set_new(tmp, "version", json_integer(version));
        json_decref(vs);
        wm_reply_document_content(r, tmp, 0);
        json_decref(tmp);
        return;
    }
    const char *inl = wm_req_arg(r, "inline");
    char *name, *ascii;
    content_names(d, mime, &name, &ascii);
    struct wm_blob_reply b = {.sha = sha, .mime = mime, .name = name, .ascii = ascii,
                              .inline_ok = inl && wm_streq(inl, "1")};
    if (!wm_reply_blob(r, &b)) {
        wm_log(WM_LOG_ERROR, "blob %s of document %lld is missing", sha, (long long)ji(d, "id"));
    }
    free(name);
    free(ascii);
}

/* The thumbnail of a document's current version: made in the background after the upload;
** until it exists (or for types without one) the answer is a document icon. */
void
api_document_thumbnail(struct wm_req *r)
{
    json_t *d = wm_req_document(r);
    if (NULL == d) {
        return;
    }
    char path[512];
    bool have = wm_app.thumbs_dir && wm_thumb_path(wm_app.thumbs_dir, js(d, "sha"), path, sizeof path);
    if (!have) {
        /* Not made yet, or a type without one: a document icon meanwhile. */
        wm_thumb_request(js(d, "sha"), js(d, "mime"));
        json_decref(d);
        wm_reply_static_file(r, "doc.svg");
        return;
    }
    size_t len;
    char *data = wm_read_file(path, &len);
    if (NULL == data) {
        json_decref(d);
        wm_reply_err(r, WM_E_NOT_FOUND, NULL, NULL);
        return;
    }
    struct MHD_Response *resp = MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
    r->resp = resp;
    r->status = 200;
    r->bytes = len;
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "image/jpeg");
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "private, max-age=86400");
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    json_decref(d);
}

void
api_document_content(struct wm_req *r)
{
    json_t *d = wm_req_document(r);
    if (NULL == d) {
        return;
    }
    int64_t version = 0;
    const char *v = wm_req_arg(r, "version");
    if (v && !wm_parse_i64(v, 1, INT64_MAX, &version)) {
        json_decref(d);
        wm_reply_err(r, WM_E_BAD_REQUEST, "version", NULL);
        return;
    }
    wm_reply_document_content(r, d, version);
    /* Every access to a document is audited (DESIGN.md); a media player's follow-up Range
    ** requests for later parts of the same file are not new accesses. */
    const char *range = wm_req_header(r, MHD_HTTP_HEADER_RANGE);
    bool first_part = NULL == range || wm_startswith(range, "bytes=0-");
    struct wm_fail f = {0};
    if ((200 == r->status || 206 == r->status) && first_part && !(WM_HEAD & r->method) &&
        WM_OK != wm_doc_download(r->db, &r->actor, d, version, &f)) {
        /* an access that cannot be audited does not happen: the content stays here */
        wm_reply_drop(r);
        wm_reply_fail(r, &f);
    }
    json_decref(d);
}

/* ---------------------------------------------------------------- defaults per year */

void
api_archive_defaults_get(struct wm_req *r)
{
    struct wm_fail f = {0};
    json_t *list = wm_archive_defaults(r->db, &r->actor, r->ids[0], &f);
    if (NULL == list) {
        wm_reply_fail(r, &f);
        return;
    }
    wm_reply_json(r, 200, wm_api_page(list, 0));
}

void
api_archive_defaults_post(struct wm_req *r)
{
    static const struct wm_jfield spec[] = {
        {"year", WM_J_INT, true, 2100}, {"edition_id", WM_J_INT, true, 0}, {NULL}};
    struct wm_fail f = {0};
    if (!wm_json_check(r, spec)) {
        return;
    }
    if (WM_OK != wm_archive_set_default(r->db, &r->actor, r->ids[0], wm_jint(r, "year", 0),
                                        wm_jint(r, "edition_id", 0), &f)) {
        wm_reply_fail(r, &f);
        return;
    }
    api_archive_defaults_get(r);
}

/* end of api_archives.c */

/* ---------------------------------------------------------------- export and import */

/* The export runs in a thread of its own that writes the ZIP into a pipe; the response
** reads the other end, so the package streams with constant memory and its first bytes
** leave at once.  A client that goes away closes the pipe and ends the thread (EPIPE). */
struct export_job {
    json_t *plan;
    int fd;
};

static int
pipe_write(void *cls, const void *p, size_t n)
{
    struct export_job *j = cls;
    const char *c = p;
    while (n) {
        ssize_t w = write(j->fd, c, n);
        if (w < 0) {
            if (EINTR == errno) {
                continue;
            }
            return -1;
        }
        c += w;
        n -= (size_t)w;
    }
    return 0;
}

static void *
export_thread(void *arg)
{
    struct export_job *j = arg;
    char err[256] = "";
    if (wm_export_write(j->plan, wm_app.blobs, pipe_write, j, err, sizeof err)) {
        wm_log(WM_LOG_WARN, "export ended early: %s", err[0] ? err : strerror(errno));
    }
    close(j->fd);
    json_decref(j->plan);
    free(j);
    return NULL;
}

/* Start the writer thread of plan (taken): the read end of its pipe, or -1. */
static int
export_start(json_t *plan)
{
    int fds[2];
    if (pipe2(fds, O_CLOEXEC)) {
        json_decref(plan);
        return -1;
    }
    struct export_job *j = wm_calloc(1, sizeof *j);
    j->plan = plan;
    j->fd = fds[1];
    pthread_t t;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    int rc = pthread_create(&t, &attr, export_thread, j);
    pthread_attr_destroy(&attr);
    if (rc) {
        close(fds[0]);
        close(fds[1]);
        json_decref(plan);
        free(j);
        return -1;
    }
    return fds[0];
}

void
wm_reply_export(struct wm_req *r, json_t *plan, const char *filename, const char *ascii_name)
{
    char expected[32];
    struct MHD_Response *resp;
    snprintf(expected, sizeof expected, "%lld", (long long)ji(plan, "total"));
    if (WM_HEAD == r->method) {
        /* HEAD: the headers alone, and no writer thread.  No chunked body may go out:
        ** libmicrohttpd 0.9.75 still sends its last chunk ("0\r\n\r\n") after a HEAD
        ** response, which a keep-alive client then reads as the start of its next answer. */
        json_decref(plan);
        resp = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    } else {
        int fd = export_start(plan);
        if (fd < 0) {
            wm_reply_err(r, WM_E_UNAVAILABLE, NULL, NULL);
            return;
        }
        resp = MHD_create_response_from_pipe(fd);
        if (NULL == resp) {
            close(fd);
        }
    }
    if (NULL == resp) {
        wm_reply_err(r, WM_E_INTERNAL, NULL, NULL);
        return;
    }
    struct wm_buf cd = {0};
    char *ascii = wm_ascii_filename(ascii_name ? ascii_name : filename, "archive");
    wm_buf_printf(&cd, "attachment; filename=\"%s\"; filename*=UTF-8''", ascii);
    wm_url_encode(&cd, filename);
    free(ascii);
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "application/zip");
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_DISPOSITION, wm_buf_str(&cd));
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    MHD_add_response_header(resp, "X-Expected-Length", expected);
    wm_buf_free(&cd);
    r->resp = resp;
    r->status = 200;
}

void
api_archive_export(struct wm_req *r)
{
    struct wm_fail f = {0};
    int64_t year = r->ids[1];
    const char *ac = wm_req_arg(r, "ascii_colon");
    json_t *plan = wm_export_plan(r->db, &r->actor, r->ids[0], &year, 1,
                                  ac && wm_streq(ac, "1"), &f);
    if (NULL == plan) {
        wm_reply_fail(r, &f);
        return;
    }
    char *name = wm_asprintf("%s_%lld_创建档案.zip", js(plan, "unit"), (long long)year);
    json_t *u = wm_unit_get_scoped(r->db, &r->actor, r->ids[0], &f);
    if (NULL == u ||
        WM_OK != wm_archive_export_record(r->db, &r->actor, r->ids[0], year,
                                          (int64_t)json_array_size(json_object_get(plan, "files")),
                                          &f)) {
        /* an export that cannot be audited does not happen */
        json_decref(u);
        json_decref(plan);
        free(name);
        wm_reply_fail(r, &f);
        return;
    }
    /* the ASCII fallback name: the unit's code (ASCII) and the year, "DEMO001-2026.zip" */
    char *ascii = wm_asprintf("%s-%lld.zip", js(u, "code"), (long long)year);
    json_decref(u);
    wm_reply_export(r, plan, name, ascii);
    free(ascii);
    free(name);
}

void
api_archive_import_post(struct wm_req *r)
{
    unsigned n;
    struct wm_fail f = {0};
    json_t *report = NULL;
    json_t *ar = wm_req_archive(r);
    if (NULL == ar) {
        return;
    }
    char path[64];
    if (!wm_uploads_check(r, &n) || !wm_uploads_path(r, 0, path, sizeof path)) {
        json_decref(ar);
        return;
    }
    int64_t job;
    int queued = wm_import_as_job(r, ar, path, &job);
    if (queued) {
        json_decref(ar);
        if (queued > 0) { /* large: imported in the background; the client polls the job */
            char *poll = wm_asprintf("/api/v1/jobs/%lld", (long long)job);
            wm_reply_json(r, 202, json_pack("{s:I, s:s}", "job", (json_int_t)job, "poll", poll));
            free(poll);
        }
        return;
    }
    enum wm_err e = wm_archive_import_policy(r->db, &r->actor, wm_app.blobs, ar, path,
                                              wm_uploads_name(r, 0), wm_app.allowed, wm_app.max_file, &report, &f);
    json_decref(ar);
    if (WM_OK != e && NULL != report) {
        /* Refused as a whole: nothing stored; the report says which entry and why. */
        json_t *err = json_pack("{s:s, s:s, s:s, s:o}", "code", wm_err_code(e), "message", f.msg,
                                "request_id", r->rid, "report", report);
        if (f.field[0]) {
            json_object_set_new(err, "field", json_string(f.field));
        }
        wm_reply_json(r, wm_err_status(e), json_pack("{s:o}", "error", err));
        return;
    }
    if (WM_OK != e) {
        wm_reply_fail(r, &f);
        return;
    }
    wm_reply_json(r, 200, report);
}
