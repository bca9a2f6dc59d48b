/*
** uploads.c — files received by WM_R_UPLOAD routes: each streams into a blob writer
** (SHA-256 while streaming, a temp file in the store), is sniffed from its bytes when
** complete (libmagic; never the name), and is committed only when the handler accepts
** the whole request.  Unfinished files — a refused type, a size over the limit, a client
** that went away — are removed in the request's cleanup, so nothing half-written stays.
*/
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "handlers.h"
#include "wm_blob.h"
#include "wm_media.h"
#include "wm_thumb.h"

struct wm_app wm_app;

struct up_file {
    struct up_file *next;
    char *field;
    char *filename;
    struct wm_blob_writer *w;
    enum wm_err err;
    char msg[1024];
    bool ended;
    struct wm_media_info mi;
    char sha[65];
    uint64_t size;
    bool committed;
};

struct up_ctx {
    struct up_file *files, **tail;
    unsigned n;
};

static void
up_ctx_free(void *p)
{
    struct up_ctx *c = p;
    struct up_file *f = c ? c->files : NULL;
    while (f) {
        struct up_file *next = f->next;
        if (f->w) {
            wm_blob_abort(f->w);
        }
        free(f->field);
        free(f->filename);
        free(f);
        f = next;
    }
    free(c);
}

/* The longest file name kept, in bytes, and the longest extension kept with it when a
** longer one is cut. */
#define NAME_MAX_BYTES 600
#define EXT_MAX_BYTES  16

/* A client's file name as metadata: the last path component, valid UTF-8, no controls, no
** bidi or zero-width characters; a longer one than NAME_MAX_BYTES cut at a character
** boundary before its extension, which stays (the type check reads it). */
static char *
clean_filename(const char *name)
{
    const char *base = name;
    for (const char *p = name; *p; p++) {
        if ('/' == *p || '\\' == *p) {
            base = p + 1;
        }
    }
    struct wm_buf b = {0};
    for (const unsigned char *p = (const unsigned char *)base; *p; p++) {
        wm_buf_addc(&b, *p < 0x20 || 0x7f == *p ? '_' : (char)*p);
    }
    char *s = wm_buf_steal(&b);
    size_t n = strlen(s);
    if (!wm_utf8_valid(s, n)) {
        /* Not UTF-8 (an old client sending GBK): keep the ASCII, mark the rest. */
        for (char *p = s; *p; p++) {
            if ((unsigned char)*p >= 0x80) {
                *p = '_';
            }
        }
    }
    if (n > NAME_MAX_BYTES) {
        const char *dot = strrchr(s, '.');
        size_t ext = dot && dot != s && (size_t)(s + n - dot) <= EXT_MAX_BYTES
                         ? (size_t)(s + n - dot)
                         : 0;
        size_t keep = wm_utf8_cut(s, n - ext, NAME_MAX_BYTES - ext);
        memmove(s + keep, s + n - ext, ext + 1);
    }
    return wm_strip_invisible(s); /* "invoice\u202Efdp.exe" reads as what it is */
}

static void *
up_begin(struct wm_req *r, const char *field, const char *filename)
{
    struct up_ctx *c = r->hctx;
    if (NULL == c) {
        c = wm_calloc(1, sizeof *c);
        c->tail = &c->files;
        r->hctx = c;
        r->hctx_free = up_ctx_free;
    }
    struct up_file *f = wm_calloc(1, sizeof *f);
    *c->tail = f;
    c->tail = &f->next;
    c->n++;
    f->field = wm_strdup(field);
    f->filename = clean_filename(filename);
    if (c->n > 100) {
        f->err = WM_E_BAD_REQUEST;
        snprintf(f->msg, sizeof f->msg, "%s", _("一次最多上传100个文件"));
        return f;
    }
    char err[256];
    if (WM_OK != (f->err = wm_blob_writer_new(wm_app.blobs, wm_app.max_file, &f->w, err, sizeof err))) {
        snprintf(f->msg, sizeof f->msg, "%s", err);
        f->w = NULL;
    }
    return f;
}

static void
up_data(struct wm_req *r, void *file, const char *p, size_t n)
{
    struct up_file *f = file;
    (void)r;
    if (WM_OK == f->err && f->w) {
        enum wm_err e = wm_blob_write(f->w, p, n);
        if (WM_OK != e) {
            f->err = e;
            snprintf(f->msg, sizeof f->msg, "%s",
                     WM_E_TOO_LARGE == e ? _("文件超过大小限制") : wm_blob_writer_error(f->w));
        }
    }
}

static void
up_end(struct wm_req *r, void *file)
{
    struct up_file *f = file;
    int fd = -1;
    (void)r;
    f->ended = true;
    if (WM_OK != f->err || NULL == f->w) {
        return;
    }
    if (0 == wm_blob_received(f->w)) {
        f->err = WM_E_BAD_REQUEST;
        snprintf(f->msg, sizeof f->msg, _("文件 %s 是空的"), f->filename);
        return;
    }
    if (WM_OK != wm_blob_writer_fd(f->w, &fd) || WM_OK != wm_media_sniff_fd(fd, &f->mi)) {
        size_t n;
        const void *head = wm_blob_head(f->w, &n);
        (void)wm_media_sniff(head, n, &f->mi);
    }
    bool package = r->route && (r->route->flags & WM_R_PACKAGE);
    if (package) {
        if (!wm_streq(f->mi.mime, "application/zip")) {
            f->err = WM_E_UNSUPPORTED_MEDIA;
            snprintf(f->msg, sizeof f->msg, _("档案包须为 ZIP 压缩包，“%s”的内容是%s"), f->filename,
                     wm_media_info_label(&f->mi));
        }
    } else if (!wm_media_allowed(&f->mi, wm_app.allowed)) {
        /* in words: "文件内容是 shell 脚本，不是 PDF 文档；请检查文件是否正确" */
        char why[400];
        f->err = WM_E_UNSUPPORTED_MEDIA;
        wm_media_refusal(&f->mi, f->filename, why, sizeof why);
        snprintf(f->msg, sizeof f->msg, "%s：%s", f->filename, why);
    }
}

static const struct wm_upload_ops up_ops = {up_begin, up_data, up_end};

void
wm_thumb_request(const char *sha, const char *mime)
{
    struct wm_db *db = wm_db_thread();
    if (db) {
        wm_thumb_job_request(db, sha, mime);
    }
}

void
wm_uploads_init(void)
{
    wm_http_set_upload_ops(&up_ops);
}

/* The first failure among the received files, replied; or false with *n files fine. */
bool
wm_uploads_check(struct wm_req *r, unsigned *n)
{
    struct up_ctx *c = r->hctx;
    *n = 0;
    for (struct up_file *f = c ? c->files : NULL; f; f = f->next) {
        if (WM_OK != f->err) {
            wm_reply_err(r, f->err, "file", f->msg);
            return false;
        }
        (*n)++;
    }
    if (0 == *n) {
        wm_reply_err(r, WM_E_BAD_REQUEST, "file", _("请选择要上传的文件"));
        return false;
    }
    return true;
}

/* Commit the i-th file to the store and describe it. false: a reply was queued. */
bool
wm_uploads_commit(struct wm_req *r, unsigned i, struct wm_upload *up)
{
    struct up_ctx *c = r->hctx;
    struct up_file *f = c->files;
    while (f && i--) {
        f = f->next;
    }
    if (NULL == f) {
        wm_reply_err(r, WM_E_INTERNAL, NULL, NULL);
        return false;
    }
    if (!f->committed) {
        char err[256];
        bool existed;
        enum wm_err e = wm_blob_commit(f->w, f->sha, &f->size, &existed, err, sizeof err);
        f->w = NULL;
        if (WM_OK != e) {
            wm_reply_err(r, e, "file", err);
            return false;
        }
        f->committed = true;
    }
    wm_thumb_request(f->sha, f->mi.mime);
    up->sha = f->sha;
    up->size = f->size;
    up->mime = f->mi.mime;
    up->kind = f->mi.kind;
    up->ext = f->mi.ext;
    up->filename = f->filename;
    return true;
}

/* At most one file (a form's file input left empty sends an empty part without a name:
** no file).  1 with *up when one was received and committed, 0 when none, -1 when a reply
** (its refusal, a second file, a size over max bytes) was queued.  The size is checked
** before the file is committed, so a refused file stores nothing. */
int
wm_uploads_optional(struct wm_req *r, uint64_t max, struct wm_upload *up)
{
    struct up_ctx *c = r->hctx;
    unsigned n = 0, idx = 0, i = 0;
    for (struct up_file *f = c ? c->files : NULL; f; f = f->next, i++) {
        if (0 == f->filename[0] && f->w && 0 == wm_blob_received(f->w)) {
            continue; /* an empty file input */
        }
        if (WM_OK != f->err) {
            wm_reply_err(r, f->err, "file", f->msg);
            return -1;
        }
        if (max && f->w && wm_blob_received(f->w) > max) {
            char *msg = wm_asprintf(_("附件不能超过 %llu MB"), (unsigned long long)(max >> 20));
            wm_reply_err(r, WM_E_TOO_LARGE, "file", msg);
            free(msg);
            return -1;
        }
        n++;
        idx = i;
    }
    if (0 == n) {
        return 0;
    }
    if (n > 1) {
        wm_reply_err(r, WM_E_BAD_REQUEST, "file", _("每条留言只能附加一个文件"));
        return -1;
    }
    return wm_uploads_commit(r, idx, up) ? 1 : -1;
}

/* The file of form field @a field (issue 12, work_inspect: a photo per area): as
** wm_uploads_optional, for that field only (an empty file input is none). */
int
wm_uploads_field(struct wm_req *r, const char *field, uint64_t max, struct wm_upload *up)
{
    struct up_ctx *c = r->hctx;
    unsigned i = 0;
    for (struct up_file *f = c ? c->files : NULL; f; f = f->next, i++) {
        if (!wm_streq(f->field, field) ||
            (0 == f->filename[0] && f->w && 0 == wm_blob_received(f->w))) {
            continue;
        }
        if (WM_OK != f->err) {
            wm_reply_err(r, f->err, field, f->msg);
            return -1;
        }
        if (max && f->w && wm_blob_received(f->w) > max) {
            char *msg = wm_asprintf(_("照片不能超过 %llu MB"), (unsigned long long)(max >> 20));
            wm_reply_err(r, WM_E_TOO_LARGE, field, msg);
            free(msg);
            return -1;
        }
        return wm_uploads_commit(r, i, up) ? 1 : -1;
    }
    return 0;
}

/* A path that reads the i-th received file before it is committed (an archive package is
** read in place and never stored as a blob). */
bool
wm_uploads_path(struct wm_req *r, unsigned i, char *buf, size_t len)
{
    struct up_ctx *c = r->hctx;
    struct up_file *f = c ? c->files : NULL;
    int fd = -1;
    while (f && i--) {
        f = f->next;
    }
    if (NULL == f || NULL == f->w || WM_OK != wm_blob_writer_fd(f->w, &fd) || fd < 0) {
        wm_reply_err(r, WM_E_INTERNAL, NULL, NULL);
        return false;
    }
    snprintf(buf, len, "/proc/self/fd/%d", fd);
    return true;
}

/* The i-th received file's name as the client gave it (cleaned); "" when there is none. */
const char *
wm_uploads_name(struct wm_req *r, unsigned i)
{
    struct up_ctx *c = r->hctx;
    struct up_file *f = c ? c->files : NULL;
    while (f && i--) {
        f = f->next;
    }
    return f && f->filename ? f->filename : "";
}

/* The form field the i-th received file came in ("" when none). */
const char *
wm_uploads_field_of(struct wm_req *r, unsigned i)
{
    struct up_ctx *c = r->hctx;
    struct up_file *f = c ? c->files : NULL;
    while (f && i--) {
        f = f->next;
    }
    return f && f->field ? f->field : "";
}

/* Metadata fields of a form (uploads) or a JSON body (PATCH). */
void
wm_req_doc_meta(struct wm_req *r, struct wm_doc_meta *m)
{
    static const char *const names[] = {"title", "date_formed", "media", "dept",
                                        "author", "keywords", "retention", "remarks"};
    const char **slots[] = {&m->title, &m->date_formed, &m->media, &m->dept,
                            &m->author, &m->keywords, &m->retention, &m->remarks};
    memset(m, 0, sizeof *m);
    for (size_t i = 0; i < WM_ARRAY_LEN(names); i++) {
        const char *v = r->form ? wm_form(r, names[i]) : wm_jstr(r, names[i]);
        *slots[i] = v && *v ? v : NULL;
    }
}

/* When the stored name is not the client's (its extension contradicted the bytes), say so:
** "notice" in the answer, in words. */
static void
upload_notice(json_t *d, const struct wm_upload *up)
{
    char *notice = NULL;
    free(wm_upload_filename(up, &notice));
    if (d && notice) {
        json_object_set_new(d, "notice", json_string(notice));
    }
    free(notice);
}

/* Store every received file as a document of the leaf; the created documents or NULL. */
json_t *
wm_upload_documents(struct wm_req *r, const json_t *ar, const char *code)
{
    unsigned n;
    struct wm_fail f = {0};
    struct wm_doc_meta m;
    if (!wm_uploads_check(r, &n)) {
        return NULL;
    }
    if (WM_OK != wm_doc_may_write(r->db, &r->actor, ar, code, &f)) {
        wm_reply_fail(r, &f);
        return NULL;
    }
    wm_req_doc_meta(r, &m);
    if (n > 1) {
        m.title = NULL; /* several files: each is titled by its own name */
    }
    if (WM_OK != wm_doc_meta_check(&m, &f)) {
        wm_reply_fail(r, &f);
        return NULL;
    }
    json_t *out = json_array();
    for (unsigned i = 0; i < n; i++) {
        struct wm_upload up;
        int64_t id;
        if (!wm_uploads_commit(r, i, &up)) {
            json_decref(out);
            return NULL;
        }
        if (WM_OK != wm_doc_create(r->db, &r->actor, ar, code, &m, &up, &id, &f)) {
            json_decref(out);
            wm_reply_fail(r, &f);
            return NULL;
        }
        json_t *d = wm_api_doc(wm_doc_get_scoped(r->db, &r->actor, id, &f), js(ar, "unit_code"),
                               ji(ar, "year"));
        if (NULL == d) {
            json_decref(out);
            wm_reply_fail(r, &f);
            return NULL;
        }
        upload_notice(d, &up);
        json_array_append_new(out, d);
    }
    return out;
}

/* Store the one received file as a new version of document ids[0]: visibility and the
** right to write are checked before the file is committed, so a refused upload stores
** nothing.  false: the reply (JSON or page, by the route) is queued. */
bool
wm_upload_version(struct wm_req *r, char **notice)
{
    if (notice) {
        *notice = NULL;
    }
    unsigned n;
    struct wm_upload up;
    struct wm_fail f = {0};
    json_t *d = wm_req_document(r);
    if (NULL == d) {
        return false;
    }
    json_t *ar = wm_archive_open(r->db, &r->actor, ji(d, "unit_id"), ji(d, "year"), &f);
    enum wm_err e = ar ? wm_doc_may_write(r->db, &r->actor, ar, js(d, "indicator_code"), &f)
                       : f.err;
    json_decref(ar);
    json_decref(d);
    if (WM_OK != e) {
        wm_reply_fail(r, &f);
        return false;
    }
    if (!wm_uploads_check(r, &n)) {
        return false;
    }
    if (1 != n) {
        wm_reply_err(r, WM_E_BAD_REQUEST, "file", _("新版本只能上传一个文件"));
        return false;
    }
    if (!wm_uploads_commit(r, 0, &up)) {
        return false;
    }
    if (WM_OK != wm_doc_new_version(r->db, &r->actor, r->ids[0], &up, &f)) {
        wm_reply_fail(r, &f);
        return false;
    }
    if (notice) {
        free(wm_upload_filename(&up, notice));
    }
    return true;
}

int
wm_import_as_job(struct wm_req *r, const json_t *archive, const char *path, int64_t *id)
{
    struct stat st;
    *id = 0;
    if (0 == wm_app.import_job_bytes || 0 != stat(path, &st) ||
        (uint64_t)st.st_size <= wm_app.import_job_bytes) {
        return 0;
    }
    /* The package goes into the blob store (where every server finds it), the job
    ** imports it from there and removes it when done. */
    struct wm_upload up;
    if (!wm_uploads_commit(r, 0, &up)) {
        return -1;
    }
    struct wm_fail f = {0};
    if (WM_OK != wm_import_job_submit(r->db, &r->actor, archive, up.sha, up.size,
                                      wm_uploads_name(r, 0), id, &f)) {
        wm_reply_fail(r, &f);
        return -1;
    }
    return 1;
}

/* end of uploads.c */
