/*
** search.c — the full-text index kept current by the writers, the job that reads the text
** of files into it, the scoped search, and the rebuild (issue 11).
**
** One index row per document (title; its metadata, file name and the text of its current
** version's file as body), per guidance conversation ("指导：" code and title; the
** messages) and per indicator of a published edition (code and title; requirement and
** materials).  The writers call wm_search_sync_* inside their own transactions, so the
** index never shows what was rolled back and never misses what was committed.
**
** A file's text is extracted once per content (blob_text, keyed by sha) by the job
** "search.extract", queued by the sync of a document whose current file has no text yet:
** the job runs the wenming-extract helper (env->extract_make) outside any transaction,
** then stores the text and re-indexes every live document whose current version is that
** file, in one transaction.  A file the helper refuses or cannot read (damaged, hostile:
** WM_E_BAD_REQUEST, WM_E_UNSUPPORTED_MEDIA) is recorded as failed and not tried again.
**
** An indicator has no id of its own (its key is edition and code): its index row's ref_id
** is edition id × WM_SEARCH_IND_SCALE + its position in the edition (seq), stable because
** a published edition never changes.
*/
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tx.h"
#include "wm_blob.h"
#include "wm_core.h"
#include "wm_extract.h"
#include "wm_search.h"

/* The most text one index row holds as body (the start of a very long file). */
#define BODY_MAX ((size_t)2 << 20)
/* An indicator's ref_id: edition id × this + seq. */
#define WM_SEARCH_IND_SCALE INT64_C(1000000)
/* Rows a rebuild syncs per transaction. */
#define BATCH 200u
/* Characters of a snippet. */
#define SNIPPET_CHARS 120

static struct {
    struct wm_blobstore *blobs;
    wm_extract_maker make;
    bool on; /* a server whose job kinds were registered with a text extractor */
} xenv;

/* ---------------------------------------------------------------- text helpers */

/* Append s (may be NULL) and a newline, when it is not empty. */
static void
add_line(struct wm_buf *b, const char *s)
{
    if (s && *s) {
        wm_buf_adds(b, s);
        wm_buf_addc(b, '\n');
    }
}

/* Cut b to at most max bytes at a character boundary. */
static void
cap_utf8(struct wm_buf *b, size_t max)
{
    if (b->len > max) {
        b->len = wm_utf8_cut(b->data, b->len, max);
        b->data[b->len] = '\0';
    }
}

static const char *
nz(const char *s)
{
    return s && *s ? s : NULL;
}

/* ---------------------------------------------------------------- sync */

/* A store write of the index failed: the store's error (busy: the writer's loop runs again). */
static enum wm_err
index_fail(struct wm_db *db, struct wm_fail *f)
{
    return wm_write_fail(db, f, NULL, NULL, _("无法更新搜索索引"));
}

static enum wm_err
remove_row(struct wm_db *db, const char *kind, int64_t ref_id, struct wm_fail *f)
{
    enum wm_qs qs = db->ops->search_remove(db, kind, ref_id);
    return qs < 0 ? index_fail(db, f) : WM_OK;
}

/* A store read gave nothing where something was expected, or failed. */
static enum wm_err
read_failed(struct wm_db *db, struct wm_fail *f)
{
    if (!wm_db_failed(db)) {
        db->status = WM_QS_HARD; /* a list is never "no row" */
    }
    return wm_read_fail(db, f, NULL, NULL);
}

/* Queue the extraction of a blob's text (joins the caller's transaction). */
static enum wm_err
queue_extract(struct wm_db *db, const char *sha, const char *mime, struct wm_fail *f)
{
    json_t *payload = json_pack("{s:s, s:s}", "sha", sha, "mime", mime);
    char *text = json_dumps(payload, JSON_COMPACT);
    json_decref(payload);
    struct wm_job_in in = {.kind = "search.extract", .payload = text, .dedupe_key = sha,
                           .unless_failed = true};
    int64_t id;
    enum wm_err e = wm_job_submit_in(db, NULL, &in, &id, f);
    free(text);
    return e;
}

enum wm_err
wm_search_sync_document(struct wm_db *db, int64_t document_id, struct wm_fail *f)
{
    json_t *d = db->ops->search_src_document(db, document_id);
    if (NULL == d) {
        if (wm_db_failed(db)) {
            return wm_read_fail(db, f, NULL, NULL);
        }
        return remove_row(db, "document", document_id, f); /* purged */
    }
    enum wm_err e = WM_OK;
    json_t *text = NULL;
    if (json_is_integer(json_object_get(d, "deleted_at"))) {
        e = remove_row(db, "document", document_id, f); /* in the trash */
        json_decref(d);
        return e;
    }
    const char *sha = jss(d, "sha"), *mime = jss(d, "mime");
    if (*sha) {
        text = db->ops->blob_text_get(db, sha);
        if (NULL == text && wm_db_failed(db)) {
            json_decref(d);
            return wm_read_fail(db, f, NULL, NULL);
        }
    }
    struct wm_buf body = {0};
    add_line(&body, jss(d, "dept"));
    add_line(&body, jss(d, "author"));
    add_line(&body, jss(d, "keywords"));
    add_line(&body, jss(d, "remarks"));
    add_line(&body, jss(d, "filename"));
    if (text && wm_streq(jss(text, "state"), "done")) {
        wm_buf_adds(&body, jss(text, "text"));
    }
    cap_utf8(&body, BODY_MAX);
    const struct wm_search_row row = {
        .kind = "document",
        .ref_id = document_id,
        .org_path = jss(d, "unit_path"),
        .unit_id = jsi(d, "unit_id"),
        .unit_type = nz(jss(d, "unit_type")),
        .year = jsi(d, "year"),
        .indicator_code = nz(jss(d, "indicator_code")),
        .media = nz(jss(d, "media")),
        .state = nz(jss(d, "status")),
        .day = nz(jss(d, "date_formed")),
        .title = jss(d, "title"),
        .body = wm_buf_str(&body),
    };
    if (WM_QS_ONE != db->ops->search_put(db, &row, wm_now())) {
        e = index_fail(db, f);
    } else if (*sha && NULL == text && xenv.on && wm_extract_supported(mime)) {
        e = queue_extract(db, sha, mime, f);
    }
    wm_buf_free(&body);
    json_decref(text);
    json_decref(d);
    return e;
}

enum wm_err
wm_search_sync_guidance(struct wm_db *db, int64_t guidance_id, struct wm_fail *f)
{
    json_t *g = db->ops->search_src_guidance(db, guidance_id);
    if (NULL == g) {
        if (wm_db_failed(db)) {
            return wm_read_fail(db, f, NULL, NULL);
        }
        return remove_row(db, "guidance", guidance_id, f);
    }
    json_t *msgs = db->ops->guidance_messages(db, guidance_id);
    if (NULL == msgs) {
        json_decref(g);
        return read_failed(db, f);
    }
    struct wm_buf body = {0};
    size_t i;
    json_t *m;
    json_array_foreach(msgs, i, m)
    {
        add_line(&body, jss(m, "body"));
        add_line(&body, jss(m, "filename"));
    }
    cap_utf8(&body, BODY_MAX);
    char *title = wm_asprintf("%s%s %s", _("指导："), jss(g, "indicator_code"),
                              jss(g, "indicator_title"));
    const struct wm_search_row row = {
        .kind = "guidance",
        .ref_id = guidance_id,
        .org_path = jss(g, "unit_path"),
        .unit_id = jsi(g, "unit_id"),
        .unit_type = nz(jss(g, "unit_type")),
        .year = jsi(g, "year"),
        .indicator_code = nz(jss(g, "indicator_code")),
        .state = nz(jss(g, "state")),
        .title = wm_trim(title),
        .body = wm_buf_str(&body),
    };
    enum wm_err e = WM_QS_ONE == db->ops->search_put(db, &row, wm_now()) ? WM_OK
                                                                          : index_fail(db, f);
    free(title);
    wm_buf_free(&body);
    json_decref(msgs);
    json_decref(g);
    return e;
}

/* The year an edition's version names ("2024版", "2025"), 0 when none. */
static int64_t
version_year(const char *v)
{
    for (const char *p = v; p && *p; p++) {
        if (('1' == p[0] || '2' == p[0]) && p[1] >= '0' && p[1] <= '9' && p[2] >= '0' &&
            p[2] <= '9' && p[3] >= '0' && p[3] <= '9' && !(p[4] >= '0' && p[4] <= '9') &&
            (p == v || !(p[-1] >= '0' && p[-1] <= '9'))) {
            int64_t y = (p[0] - '0') * 1000 + (p[1] - '0') * 100 + (p[2] - '0') * 10 + (p[3] - '0');
            if (y >= 1990 && y <= 2200) {
                return y;
            }
        }
    }
    return 0;
}

enum wm_err
wm_search_sync_edition(struct wm_db *db, int64_t edition_id, struct wm_fail *f)
{
    json_t *ed = db->ops->edition_get(db, edition_id, false);
    if (NULL == ed) {
        return wm_db_failed(db) ? wm_read_fail(db, f, NULL, NULL) : WM_OK;
    }
    if (!wm_streq(jss(ed, "status"), "published")) {
        json_decref(ed); /* drafts are not searched */
        return WM_OK;
    }
    json_t *inds = db->ops->ind_list(db, edition_id, false);
    if (NULL == inds) {
        json_decref(ed);
        return read_failed(db, f);
    }
    enum wm_err e = WM_OK;
    int64_t year = version_year(jss(ed, "version"));
    size_t i;
    json_t *x;
    json_array_foreach(inds, i, x)
    {
        if (WM_OK != e) {
            break;
        }
        struct wm_buf body = {0};
        add_line(&body, jss(x, "requirement"));
        add_line(&body, jss(x, "materials"));
        cap_utf8(&body, BODY_MAX);
        char *title = wm_asprintf("%s %s", jss(x, "code"), jss(x, "title"));
        const struct wm_search_row row = {
            .kind = "indicator",
            .ref_id = edition_id * WM_SEARCH_IND_SCALE + jsi(x, "seq"),
            .org_path = jss(ed, "org_path"),
            .year = year,
            .indicator_code = nz(jss(x, "code")),
            .title = title,
            .body = wm_buf_str(&body),
        };
        if (WM_QS_ONE != db->ops->search_put(db, &row, wm_now())) {
            e = index_fail(db, f);
        }
        free(title);
        wm_buf_free(&body);
    }
    json_decref(inds);
    json_decref(ed);
    return e;
}

enum wm_err
wm_search_sync_subtree(struct wm_db *db, const char *path, struct wm_fail *f)
{
    static const char *const kinds[] = {"document", "guidance"};
    enum wm_err e = WM_OK;
    for (size_t k = 0; k < WM_ARRAY_LEN(kinds) && WM_OK == e; k++) {
        for (int64_t after = 0; WM_OK == e;) {
            json_t *ids = db->ops->search_src_ids(db, kinds[k], path, after, 500);
            if (NULL == ids) {
                return read_failed(db, f);
            }
            size_t n = json_array_size(ids), i;
            json_t *x;
            json_array_foreach(ids, i, x)
            {
                after = jsi(x, "id");
                if (WM_OK == e) {
                    e = 0 == k ? wm_search_sync_document(db, after, f)
                               : wm_search_sync_guidance(db, after, f);
                }
            }
            json_decref(ids);
            if (n < 500) {
                break;
            }
        }
    }
    return e;
}

enum wm_err
wm_search_drop_archive(struct wm_db *db, const char *unit_path, int64_t archive_id,
                       struct wm_fail *f)
{
    enum wm_err e = WM_OK;
    for (int64_t after = 0; WM_OK == e;) {
        json_t *ids = db->ops->search_src_ids(db, "guidance", unit_path, after, 500);
        if (NULL == ids) {
            return read_failed(db, f);
        }
        size_t n = json_array_size(ids), i;
        json_t *x;
        json_array_foreach(ids, i, x)
        {
            after = jsi(x, "id");
            json_t *g = WM_OK == e ? db->ops->search_src_guidance(db, after) : NULL;
            if (NULL == g && WM_OK == e && wm_db_failed(db)) {
                e = wm_read_fail(db, f, NULL, NULL);
            } else if (g && jsi(g, "archive_id") == archive_id) {
                e = remove_row(db, "guidance", after, f);
            }
            json_decref(g);
        }
        json_decref(ids);
        if (n < 500) {
            break;
        }
    }
    return e;
}

/* ---------------------------------------------------------------- the job search.extract */

/* Store the text (or the failure) of sha and re-index the documents using it. */
static enum wm_err
store_text_once(struct wm_db *db, const char *sha, const char *state, const char *text,
                const char *error, int64_t *synced, struct wm_fail *f)
{
    enum wm_err e;
    *synced = 0;
    if (WM_OK != (e = tx_begin(db, f))) {
        return e;
    }
    json_t *docs = NULL;
    if (WM_QS_ONE != db->ops->blob_text_put(db, sha, state, text, error, wm_now())) {
        e = index_fail(db, f);
    } else if (NULL == (docs = db->ops->search_src_blob_docs(db, sha))) {
        e = read_failed(db, f);
    } else {
        size_t i;
        json_t *x;
        json_array_foreach(docs, i, x)
        {
            if (WM_OK == e && WM_OK == (e = wm_search_sync_document(db, jsi(x, "id"), f))) {
                (*synced)++;
            }
        }
    }
    json_decref(docs);
    return tx_end(db, e, f);
}

/* At most max bytes of a file (NUL-terminated; caller frees), NULL with errno set. */
static char *
read_capped(const char *path, size_t max, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    if (NULL == fp) {
        return NULL;
    }
    char *buf = wm_malloc(max + 1);
    size_t n = fread(buf, 1, max, fp);
    int bad = ferror(fp);
    fclose(fp);
    if (bad) {
        free(buf);
        errno = EIO;
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

static enum wm_err
run_extract(struct wm_db *db, struct wm_job *job, const json_t *payload, json_t **result,
            struct wm_fail *f)
{
    (void)job;
    const char *sha = jss(payload, "sha"), *mime = jss(payload, "mime");
    if (NULL == xenv.make) {
        *result = json_pack("{s:b}", "extracted", false); /* files are found by metadata */
        return WM_OK;
    }
    char src[512], dst[4096], err[512] = "";
    if (!wm_blob_sha_valid(sha) || !wm_blob_path(xenv.blobs, sha, src, sizeof src) ||
        !wm_blob_exists(xenv.blobs, sha)) {
        return wm_fail_set(f, WM_E_NOT_FOUND, NULL, _("文件内容 %s 不在存储中"), sha);
    }
    int fd = wm_scratch_file("wenming-extract", dst, sizeof dst);
    if (fd < 0) {
        return wm_fail_set(f, WM_E_UNAVAILABLE, NULL, "mkstemp: %s", strerror(errno));
    }
    close(fd);
    enum wm_err x = xenv.make(src, mime, dst, err, sizeof err), e = WM_OK;
    char *text = NULL;
    size_t len = 0;
    if (WM_OK == x && NULL == (text = read_capped(dst, BODY_MAX, &len))) {
        x = WM_E_UNAVAILABLE;
        snprintf(err, sizeof err, "%s", strerror(errno));
    }
    unlink(dst);
    int64_t synced = 0;
    if (WM_OK == x) {
        struct wm_buf b = {.data = text, .len = len, .cap = len + 1};
        cap_utf8(&b, BODY_MAX - 1); /* a character cut by the read is dropped */
        if (!wm_utf8_valid(b.data, b.len)) {
            b.len = 0; /* the helper writes UTF-8; anything else is not kept */
            b.data[0] = '\0';
        }
        TX_RETRY(e, store_text_once(db, sha, "done", b.data, NULL, &synced, f));
        if (WM_OK == e) {
            *result = json_pack("{s:b, s:I, s:I}", "extracted", true, "bytes", (json_int_t)b.len,
                                "documents", (json_int_t)synced);
        }
    } else if (WM_E_BAD_REQUEST == x || WM_E_UNSUPPORTED_MEDIA == x) {
        /* a damaged or hostile file: recorded, and the job fails for good */
        wm_log(WM_LOG_WARN, "search.extract %s: %s", sha, err);
        TX_RETRY(e, store_text_once(db, sha, "failed", "", err, &synced, f));
        e = WM_OK == e ? wm_fail_set(f, x, NULL, _("无法提取文件文字：%s"), err) : e;
    } else {
        e = wm_fail_set(f, x, NULL, _("无法提取文件文字：%s"), err); /* tried again later */
    }
    free(text);
    return e;
}

/* ---------------------------------------------------------------- merge */

/* The work of one merge step: about 2 MB written in one transaction (wm_search_merge). */
#define MERGE_PAGES 2000

static enum wm_err
merge_once(struct wm_db *db, bool start, bool *more, struct wm_fail *f)
{
    enum wm_err e;
    if (WM_OK != (e = tx_begin(db, f))) {
        return e;
    }
    enum wm_qs qs = db->ops->search_merge(db, MERGE_PAGES, start);
    *more = WM_QS_ONE == qs;
    return tx_end(db, qs < 0 ? index_fail(db, f) : WM_OK, f);
}

enum wm_err
wm_search_merge(struct wm_db *db, void (*progress)(int64_t steps, void *ctx), void *ctx,
                int64_t *steps, struct wm_fail *f)
{
    enum wm_err e = WM_OK;
    bool more = true;
    *steps = 0;
    while (WM_OK == e && more) {
        TX_RETRY(e, merge_once(db, 0 == *steps, &more, f));
        if (WM_OK == e && more) {
            ++*steps;
            if (progress) {
                progress(*steps, ctx);
            }
        }
    }
    return e;
}

static int64_t
next_merge(int64_t last, int64_t now)
{
    return wm_notify_next_at(last > 0 ? last : now, 2, 30); /* 02:30 Asia/Shanghai */
}

static enum wm_err
run_merge(struct wm_db *db, struct wm_job *job, const json_t *payload, json_t **result,
          struct wm_fail *f)
{
    (void)job, (void)payload;
    int64_t steps = 0;
    enum wm_err e = wm_search_merge(db, NULL, NULL, &steps, f);
    if (WM_OK == e) {
        *result = json_pack("{s:I}", "steps", (json_int_t)steps);
    }
    return e;
}

void
wm_search_register_jobs(const struct wm_jobs_env *env)
{
    xenv.blobs = env->blobs;
    xenv.make = env->extract_make;
    xenv.on = NULL != env->extract_make;
    const struct wm_job_kind k = {.kind = "search.extract", .run = run_extract,
                                  .max_attempts = 3, .backoff = 60};
    wm_jobs_register(&k);
    const struct wm_job_kind m = {.kind = "search.merge", .run = run_merge, .max_attempts = 3,
                                  .backoff = 600, .next_run = next_merge};
    wm_jobs_register(&m);
}

/* ---------------------------------------------------------------- search */

static const char *
kind_label(const char *k)
{
    return wm_streq(k, "document")    ? _("文档")
           : wm_streq(k, "indicator") ? _("指标")
           : wm_streq(k, "guidance")  ? _("指导")
                                      : k;
}

const char *
wm_search_state_label(const char *s)
{
    return wm_streq(s, "open")     ? _("进行中")
           : wm_streq(s, "closed") ? _("已关闭")
                                   : wm_doc_state_label(s);
}

static bool
one_of(const char *s, const char *const *set)
{
    for (; *set; set++) {
        if (wm_streq(s, *set)) {
            return true;
        }
    }
    return false;
}

static enum wm_err
check_params(const struct wm_search_params *p, struct wm_fail *f)
{
    static const char *const kinds[] = {"document", "indicator", "guidance", NULL};
    static const char *const media[] = {"text", "photo", "audiovisual", NULL};
    static const char *const states[] = {"draft", "submitted", "approved", "returned",
                                         "open", "closed", NULL};
    int64_t day;
    if (nz(p->kind) && !one_of(p->kind, kinds)) {
        return wm_fail_set(f, WM_E_BAD_REQUEST, "kind", "%s",
                           _("kind 须为 document、indicator 或 guidance"));
    }
    if (nz(p->media) && !one_of(p->media, media)) {
        return wm_fail_set(f, WM_E_BAD_REQUEST, "media", "%s",
                           _("media 须为 text、photo 或 audiovisual"));
    }
    if (nz(p->state) && !one_of(p->state, states)) {
        return wm_fail_set(f, WM_E_BAD_REQUEST, "state", "%s", _("状态无效"));
    }
    if (p->year && (p->year < 1900 || p->year > 2200)) {
        return wm_fail_set(f, WM_E_BAD_REQUEST, "year", "%s", _("年度无效"));
    }
    if (nz(p->from) && !wm_day_parse(p->from, &day)) {
        return wm_fail_set(f, WM_E_BAD_REQUEST, "from", "%s", _("日期须为 YYYY-MM-DD"));
    }
    if (nz(p->to) && !wm_day_parse(p->to, &day)) {
        return wm_fail_set(f, WM_E_BAD_REQUEST, "to", "%s", _("日期须为 YYYY-MM-DD"));
    }
    if (nz(p->indicator) && (strlen(p->indicator) > 64 || wm_has_control(p->indicator))) {
        return wm_fail_set(f, WM_E_BAD_REQUEST, "indicator", "%s", _("测评内容编号无效"));
    }
    if (nz(p->unit_type) && !wm_unit_type_valid(p->unit_type)) {
        return wm_fail_set(f, WM_E_BAD_REQUEST, "unit_type", "%s", _("单位类型无效"));
    }
    if (p->before < 0) {
        return wm_fail_set(f, WM_E_BAD_REQUEST, "before", "%s", _("须为正整数"));
    }
    if (p->unit_id < 0 || p->district_id < 0) {
        return wm_fail_set(f, WM_E_BAD_REQUEST, p->unit_id < 0 ? "unit" : "district", "%s",
                           _("编号无效"));
    }
    unsigned per = p->per_page ? p->per_page : 20;
    if (p->per_page > 100) {
        return wm_fail_set(f, WM_E_BAD_REQUEST, "per_page", "%s", _("每页最多 100 条"));
    }
    if (p->page > (WM_SEARCH_WINDOW + per - 1) / per) {
        return wm_fail_set(f, WM_E_BAD_REQUEST, "page", "%s", _("页码过大"));
    }
    return WM_OK;
}

/* The org one level below base on path (base a prefix of path, ending in '/'), 0: none. */
static int64_t
child_below(const char *path, const char *base)
{
    size_t n = strlen(base);
    if (!wm_startswith(path, base)) {
        return 0;
    }
    const char *s = path + n, *end = strchr(s, '/');
    int64_t id = 0;
    char seg[24];
    if (NULL == end || (size_t)(end - s) >= sizeof seg) {
        return 0;
    }
    memcpy(seg, s, (size_t)(end - s));
    seg[end - s] = '\0';
    return wm_parse_i64(seg, 1, INT64_MAX, &id) ? id : 0;
}

/* The first n segments of path ("/1/2/" for n 2), or NULL when it has fewer (caller frees). */
static char *
path_prefix(const char *path, int n)
{
    const char *p = path;
    if (NULL == p || '/' != *p) {
        return NULL;
    }
    for (int i = 0; i < n && p; i++) {
        p = strchr(p + 1, '/');
    }
    return p ? wm_strndup(path, (size_t)(p - path + 1)) : NULL;
}

/* Where districts are counted from: the scope; for the whole platform, below its root, and
** below the one city when every unit of the answer is within the same one (a platform of
** one city: its districts). */
static char *
district_base(const char *scope, const json_t *units)
{
    if (!wm_streq(scope, "/")) {
        return wm_strdup(scope);
    }
    const char *first = jss(json_array_get(units, 0), "org_path");
    char *root = path_prefix(first, 1), *city = path_prefix(first, 2);
    size_t i;
    json_t *x;
    json_array_foreach(units, i, x)
    {
        const char *p = jss(x, "org_path");
        /* another city, or a unit right below the root: no one city */
        if (NULL == city || !wm_startswith(p, city) || strlen(p) <= strlen(city)) {
            free(city);
            city = NULL;
            break;
        }
    }
    if (city) {
        free(root);
        return city;
    }
    return root ? root : wm_strdup("/");
}

static json_t *
facet(json_t *values, json_t *(*label)(const json_t *v, void *ctx), void *ctx)
{
    json_t *out = json_array();
    size_t i;
    json_t *x;
    json_array_foreach(values, i, x)
    {
        json_t *v = json_object_get(x, "value");
        if (NULL == v || json_is_null(v)) {
            continue;
        }
        json_t *l = label(x, ctx);
        json_array_append_new(out, json_pack("{s:O, s:o, s:I}", "value", v, "label", l,
                                             "count", (json_int_t)jsi(x, "count")));
    }
    return out;
}

static json_t *
label_kind(const json_t *v, void *ctx)
{
    (void)ctx;
    return json_string(kind_label(jss(v, "value")));
}

static json_t *
label_media(const json_t *v, void *ctx)
{
    (void)ctx;
    return json_string(wm_media_label(jss(v, "value")));
}

static json_t *
label_state(const json_t *v, void *ctx)
{
    (void)ctx;
    return json_string(wm_search_state_label(jss(v, "value")));
}

static json_t *
label_year(const json_t *v, void *ctx)
{
    (void)ctx;
    char s[32];
    snprintf(s, sizeof s, "%lld%s", (long long)jsi(v, "value"), _("年"));
    return json_string(s);
}

static json_t *
label_self(const json_t *v, void *ctx)
{
    (void)ctx;
    json_t *x = json_object_get(v, "value");
    return json_is_string(x) ? json_incref(x) : json_string("");
}

/* An indicator code's label: the titles of the indicators of that code from ctx ({code:
** ["code title", ...]}, as the index holds them, newest first) without the code, joined
** by ／ when the standards the caller reads name it differently (three at most, then 等);
** the code itself when none has it. */
static json_t *
indicator_name(const char *code, const json_t *ctx)
{
    const json_t *titles = json_object_get(ctx, code);
    size_t n = strlen(code), i;
    json_t *t;
    struct wm_buf b = {0};
    json_array_foreach(titles, i, t)
    {
        if (i == 3) {
            wm_buf_adds(&b, _("等"));
            break;
        }
        const char *s = json_string_value(t);
        if (0 == strncmp(s, code, n) && ' ' == s[n] && s[n + 1]) {
            s += n + 1;
        }
        wm_buf_printf(&b, "%s%s", i ? "／" : "", s);
    }
    json_t *out = json_string(b.len ? wm_buf_str(&b) : code);
    wm_buf_free(&b);
    return out;
}

static json_t *
label_indicator(const json_t *v, void *ctx)
{
    return indicator_name(jss(v, "value"), ctx);
}

static char *
hit_url(const json_t *h)
{
    const char *kind = jss(h, "kind");
    int64_t ref = jsi(h, "ref_id");
    struct wm_buf b = {0};
    if (wm_streq(kind, "document")) {
        wm_buf_printf(&b, "/documents/%lld", (long long)ref);
    } else if (wm_streq(kind, "guidance")) {
        wm_buf_printf(&b, "/units/%lld/archives/%lld/leaf/", (long long)jsi(h, "unit_id"),
                      (long long)jsi(h, "year"));
        wm_url_encode(&b, jss(h, "indicator_code"));
        wm_buf_adds(&b, "#guidance");
    } else {
        wm_buf_printf(&b, "/frameworks/%lld?q=", (long long)(ref / WM_SEARCH_IND_SCALE));
        wm_url_encode(&b, jss(h, "indicator_code"));
    }
    return wm_buf_steal(&b);
}

static bool
has_hit(const json_t *snip)
{
    size_t i;
    json_t *s;
    json_array_foreach(snip, i, s)
    {
        if (json_is_true(json_object_get(s, "hit"))) {
            return true;
        }
    }
    return false;
}

static json_t *
snippet_of(const struct wm_sq *q, const json_t *h)
{
    const char *body = jss(h, "body"), *title = jss(h, "title");
    json_t *s = wm_sq_snippet(q, body, strlen(body), SNIPPET_CHARS);
    if (s && !has_hit(s)) {
        json_t *t = wm_sq_snippet(q, title, strlen(title), SNIPPET_CHARS);
        if (t && has_hit(t)) {
            json_decref(s);
            return t;
        }
        json_decref(t);
    }
    return s ? s : json_array();
}

static void
add_id(int64_t **ids, size_t *n, size_t *cap, int64_t id)
{
    if (id <= 0) {
        return;
    }
    for (size_t i = 0; i < *n; i++) {
        if ((*ids)[i] == id) {
            return;
        }
    }
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 32;
        *ids = wm_realloc(*ids, *cap * sizeof **ids);
    }
    (*ids)[(*n)++] = id;
}

/* The store's answer made into what the API shows: names, urls, snippets, labels. */
static json_t *
enrich(struct wm_db *db, const struct wm_sq *q, json_t *res, const char *scope,
       const char *caller_path, const struct wm_search_params *p, unsigned per,
       struct wm_fail *f)
{
    json_t *hits = json_object_get(res, "hits"), *facets = json_object_get(res, "facets");
    json_t *units = json_object_get(facets, "unit");
    int64_t *ids = NULL;
    size_t n = 0, cap = 0, i;
    json_t *x;
    json_array_foreach(hits, i, x)
    {
        add_id(&ids, &n, &cap, jsi(x, "unit_id"));
    }
    char *base = district_base(scope, units);
    json_array_foreach(units, i, x)
    {
        add_id(&ids, &n, &cap, jsi(x, "unit_id"));
        add_id(&ids, &n, &cap, child_below(jss(x, "org_path"), base));
    }
    json_t *orgs = n ? db->ops->search_src_orgs(db, ids, n) : json_array();
    free(ids);
    if (NULL == orgs) {
        free(base);
        read_failed(db, f);
        return NULL;
    }
    json_t *by_id = json_object();
    json_array_foreach(orgs, i, x)
    {
        char key[24];
        snprintf(key, sizeof key, "%lld", (long long)jsi(x, "id"));
        json_object_set(by_id, key, x);
    }
    json_decref(orgs);

    json_t *out_hits = json_array();
    json_array_foreach(hits, i, x)
    {
        json_t *unit = json_null();
        if (jsi(x, "unit_id") > 0) {
            char key[24];
            snprintf(key, sizeof key, "%lld", (long long)jsi(x, "unit_id"));
            json_t *o = json_object_get(by_id, key);
            unit = json_pack("{s:I, s:s, s:s}", "id", (json_int_t)jsi(x, "unit_id"), "name",
                             jss(o, "name"), "code", jss(o, "code"));
        }
        char *url = hit_url(x);
        json_t *h = json_pack("{s:s, s:I, s:s, s:s, s:o}", "kind", jss(x, "kind"), "id",
                              (json_int_t)jsi(x, "ref_id"), "title", jss(x, "title"), "url", url,
                              "unit", unit);
        free(url);
        static const char *const keep[] = {"year", "indicator_code", "media", "state", "day"};
        for (size_t k = 0; k < WM_ARRAY_LEN(keep); k++) {
            json_t *v = json_object_get(x, keep[k]);
            bool none = NULL == v || json_is_null(v) || (json_is_integer(v) && 0 == json_integer_value(v)) ||
                        (json_is_string(v) && !*json_string_value(v));
            json_object_set_new(h, keep[k], none ? json_null() : json_incref(v));
        }
        if (wm_streq(jss(x, "kind"), "indicator")) {
            json_object_set_new(h, "edition_id",
                                json_integer(jsi(x, "ref_id") / WM_SEARCH_IND_SCALE));
        }
        json_object_set_new(h, "snippet", snippet_of(q, x));
        json_array_append_new(out_hits, h);
    }

    /* the unit facet by unit, and summed by district (the org one level below the scope) */
    json_t *unit_facet = json_array(), *district = json_array(), *dsum = json_object();
    json_array_foreach(units, i, x)
    {
        char key[24];
        snprintf(key, sizeof key, "%lld", (long long)jsi(x, "unit_id"));
        json_array_append_new(unit_facet,
                              json_pack("{s:I, s:s, s:I}", "value", (json_int_t)jsi(x, "unit_id"),
                                        "label", jss(json_object_get(by_id, key), "name"),
                                        "count", (json_int_t)jsi(x, "count")));
        int64_t did = child_below(jss(x, "org_path"), base);
        snprintf(key, sizeof key, "%lld", (long long)did);
        json_t *o = json_object_get(by_id, key);
        if (did <= 0 || !wm_streq(jss(o, "kind"), "office")) {
            continue; /* a unit right below the scope is in no district */
        }
        json_t *d = json_object_get(dsum, key);
        if (NULL == d) {
            d = json_pack("{s:I, s:s, s:I}", "value", (json_int_t)did, "label", jss(o, "name"),
                          "count", (json_int_t)0);
            json_object_set_new(dsum, key, d);
            json_array_append(district, d);
        }
        json_object_set_new(d, "count", json_integer(jsi(d, "count") + jsi(x, "count")));
    }
    json_decref(dsum);
    free(base);

    /* the indicator facet's codes named by the newest indicator the caller may read */
    json_t *codes = json_array(), *titles;
    json_array_foreach(json_object_get(facets, "indicator"), i, x)
    {
        if (json_is_string(json_object_get(x, "value"))) {
            json_array_append(codes, json_object_get(x, "value"));
        }
    }
    if (p->indicator && *p->indicator) { /* the filter's own name, for its chip */
        json_array_append_new(codes, json_string(p->indicator));
    }
    titles = json_array_size(codes) ? db->ops->search_indicator_titles(db, caller_path, codes)
                                    : json_object();
    json_decref(codes);
    if (NULL == titles) {
        json_decref(by_id);
        json_decref(out_hits);
        json_decref(unit_facet);
        json_decref(district);
        read_failed(db, f);
        return NULL;
    }
    /* the store's facets as [{value, count}] under the names the API shows */
    json_t *out_facets = json_object();
    struct {
        const char *name;
        json_t *(*label)(const json_t *v, void *ctx);
        json_t *ctx;
    } const plain[] = {{"kind", label_kind, by_id},   {"year", label_year, by_id},
                       {"unit_type", label_self, by_id}, {"media", label_media, by_id},
                       {"state", label_state, by_id}, {"indicator", label_indicator, titles}};
    for (size_t k = 0; k < WM_ARRAY_LEN(plain); k++) {
        json_t *values = json_object_get(facets, plain[k].name);
        json_object_set_new(out_facets, plain[k].name,
                            facet(values, plain[k].label, plain[k].ctx));
    }
    json_object_set_new(out_facets, "unit", unit_facet);
    json_object_set_new(out_facets, "district", district);
    json_decref(by_id);
    json_t *filter_labels = json_object();
    if (p->indicator && *p->indicator) {
        json_object_set_new(filter_labels, "indicator", indicator_name(p->indicator, titles));
    }
    json_decref(titles);
    json_t *out = json_pack(
        "{s:s, s:I, s:b, s:b, s:I, s:I, s:o, s:o, s:o}", "q", p->q ? p->q : "", "total",
        (json_int_t)jsi(res, "total"), "capped", json_is_true(json_object_get(res, "capped")),
        "partial", json_is_true(json_object_get(res, "partial")), "page",
        (json_int_t)(p->page ? p->page : 1), "per_page", (json_int_t)per, "hits", out_hits,
        "facets", out_facets, "filter_labels", filter_labels);
    if (jsi(res, "next_before") > 0) {
        json_object_set_new(out, "next_before", json_integer(jsi(res, "next_before")));
    }
    return out;
}

/* WENMING_SEARCH_SPAN: the first step of a search's walk back (WM_SEARCH_SPAN when unset),
** for a deployment to tune and for the tests to reach with a few documents. */
static unsigned
search_span(void)
{
    const char *v = getenv("WENMING_SEARCH_SPAN");
    int64_t n = 0;
    return v && wm_parse_i64(v, 1, UINT_MAX - 1, &n) ? (unsigned)n : 0;
}

json_t *
wm_search(struct wm_db *db, const struct wm_actor *a, const struct wm_search_params *p,
          struct wm_fail *f)
{
    if (WM_OK != check_params(p, f)) {
        return NULL;
    }
    char err[256] = "";
    struct wm_sq *q = wm_sq_parse(p->q ? p->q : "", err, sizeof err);
    if (NULL == q) {
        wm_fail_set(f, WM_E_BAD_REQUEST, "q", "%s", *err ? err : _("请输入要查找的内容"));
        return NULL;
    }
    const char *scope = wm_scope_path(a);
    json_t *district = NULL, *unit = NULL, *res = NULL, *out = NULL;
    if (p->district_id && NULL == (district = wm_org_get_scoped(db, a, p->district_id, f))) {
        goto done;
    }
    if (p->unit_id && NULL == (unit = wm_org_get_scoped(db, a, p->unit_id, f))) {
        goto done;
    }
    unsigned per = p->per_page ? p->per_page : 20, page = p->page ? p->page : 1;
    char *fts = wm_sq_fts5(q, "{title body}"), *fts_title = wm_sq_fts5(q, "{title}");
    char *tsq = wm_sq_tsquery(q);
    const struct wm_search_q sq = {
        .fts5 = fts,
        .fts5_title = fts_title,
        .tsquery = tsq,
        .scope = scope,
        .caller_path = a->p && WM_ROLE_ADMIN != a->p->role ? a->p->org_path : NULL,
        .kind = nz(p->kind),
        .unit_id = p->unit_id,
        .within = district ? jss(district, "path") : NULL,
        .unit_type = nz(p->unit_type),
        .year = p->year,
        .indicator = nz(p->indicator),
        .media = nz(p->media),
        .state = nz(p->state),
        .day_from = nz(p->from),
        .day_to = nz(p->to),
        .limit = per,
        .offset = (page - 1) * per,
        .before = p->before,
        .span = search_span(),
    };
    res = db->ops->search_query(db, &sq);
    free(fts);
    free(fts_title);
    free(tsq);
    if (NULL == res) {
        read_failed(db, f);
        goto done;
    }
    out = enrich(db, q, res, scope, sq.caller_path, p, per, f);
done:
    json_decref(res);
    json_decref(district);
    json_decref(unit);
    wm_sq_free(q);
    return out;
}

/* ---------------------------------------------------------------- rebuild */

struct rebuild {
    void (*progress)(int64_t done, int64_t total, void *ctx);
    void *ctx;
    int64_t done, total;
};

static enum wm_err
sync_batch_once(struct wm_db *db, const char *kind, const json_t *ids, struct wm_fail *f)
{
    enum wm_err e;
    if (WM_OK != (e = tx_begin(db, f))) {
        return e;
    }
    size_t i;
    json_t *x;
    json_array_foreach(ids, i, x)
    {
        if (WM_OK == e) {
            e = wm_streq(kind, "document")   ? wm_search_sync_document(db, jsi(x, "id"), f)
                : wm_streq(kind, "guidance") ? wm_search_sync_guidance(db, jsi(x, "id"), f)
                                             : wm_search_sync_edition(db, jsi(x, "id"), f);
        }
    }
    return tx_end(db, e, f);
}

static enum wm_err
rebuild_kind(struct wm_db *db, const char *kind, struct rebuild *r, int64_t *count,
             struct wm_fail *f)
{
    enum wm_err e = WM_OK;
    for (int64_t after = 0; WM_OK == e;) {
        json_t *ids = db->ops->search_src_ids(db, kind, NULL, after, BATCH);
        if (NULL == ids) {
            return read_failed(db, f);
        }
        size_t n = json_array_size(ids);
        if (n) {
            after = jsi(json_array_get(ids, n - 1), "id");
            TX_RETRY(e, sync_batch_once(db, kind, ids, f));
        }
        json_decref(ids);
        if (WM_OK == e) {
            *count += (int64_t)n;
            r->done += (int64_t)n;
            if (r->progress && n) {
                r->progress(r->done, r->total, r->ctx);
            }
        }
        if (n < BATCH) {
            break;
        }
    }
    return e;
}

static enum wm_err
clear_once(struct wm_db *db, struct wm_fail *f)
{
    enum wm_err e;
    if (WM_OK != (e = tx_begin(db, f))) {
        return e;
    }
    e = db->ops->search_clear(db, NULL) < 0 ? index_fail(db, f) : WM_OK;
    return tx_end(db, e, f);
}

json_t *
wm_search_reindex(struct wm_db *db, void (*progress)(int64_t done, int64_t total, void *ctx),
                  void *ctx, struct wm_fail *f)
{
    struct rebuild r = {.progress = progress, .ctx = ctx};
    int64_t nd = db->ops->search_src_count(db, "document"),
            ng = db->ops->search_src_count(db, "guidance"),
            ni = db->ops->search_src_count(db, "indicator");
    if (nd < 0 || ng < 0 || ni < 0) {
        read_failed(db, f);
        return NULL;
    }
    r.total = nd + ng + ni;
    int64_t docs = 0, guid = 0, inds = 0, queued = 0;
    enum wm_err e;
    TX_RETRY(e, clear_once(db, f));
    if (WM_OK == e) {
        e = rebuild_kind(db, "document", &r, &docs, f);
    }
    if (WM_OK == e) {
        e = rebuild_kind(db, "guidance", &r, &guid, f);
    }
    json_t *eds = WM_OK == e ? db->ops->search_src_editions(db) : NULL;
    if (WM_OK == e && NULL == eds) {
        e = read_failed(db, f);
    }
    size_t i;
    json_t *x;
    json_array_foreach(eds, i, x)
    {
        if (WM_OK != e) {
            break;
        }
        json_t *one = json_pack("[O]", x);
        TX_RETRY(e, sync_batch_once(db, "edition", one, f));
        json_decref(one);
        int64_t before = r.done;
        r.done = nd + ng; /* indicators: counted from the index itself */
        inds = db->ops->search_count(db, "indicator");
        r.done += inds > 0 ? inds : 0;
        if (progress && r.done != before) {
            progress(r.done, r.total, ctx);
        }
    }
    json_decref(eds);
    /* the files without text yet: one extraction each (the servers' workers run them) */
    char after[65] = "";
    while (WM_OK == e) {
        json_t *rows = db->ops->search_src_untexted(db, after, BATCH);
        if (NULL == rows) {
            e = read_failed(db, f);
            break;
        }
        size_t n = json_array_size(rows);
        json_array_foreach(rows, i, x)
        {
            snprintf(after, sizeof after, "%s", jss(x, "sha"));
            if (WM_OK == e && wm_extract_supported(jss(x, "mime"))) {
                e = queue_extract(db, jss(x, "sha"), jss(x, "mime"), f);
                queued += WM_OK == e;
            }
        }
        json_decref(rows);
        if (n < BATCH) {
            break;
        }
    }
    if (WM_OK != e) {
        return NULL;
    }
    return json_pack("{s:I, s:I, s:I, s:I}", "documents", (json_int_t)docs, "indicators",
                     (json_int_t)(inds > 0 ? inds : 0), "guidance", (json_int_t)guid,
                     "extractions_queued", (json_int_t)queued);
}

/* end of search.c */
