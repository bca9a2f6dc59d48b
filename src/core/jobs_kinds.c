/*
** jobs_kinds.c — the kinds of background work wenming runs on the job queue: thumbnails
** (made by the wenming-thumb helper), the scheduled fixity pass over the blob store, and
** imports of archive packages too large to import inside their request.
**
** Each handler may run again after a server died in the middle (lease takeover): a
** thumbnail that exists is not made twice, the fixity pass only reads, and an import
** skips the files whose content already is a document of their leaf (pkg.c).
*/
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tx.h"
#include "wm_blob.h"
#include "wm_core.h"
#include "wm_thumb.h"

static struct wm_jobs_env env;

/* ---------------------------------------------------------------- thumbnails */

static enum wm_err
run_thumbnail(struct wm_db *db, struct wm_job *job, const json_t *payload, json_t **result,
              struct wm_fail *f)
{
    (void)db;
    (void)job;
    const char *sha = jss(payload, "sha"), *mime = jss(payload, "mime");
    char src[512], err[512] = "";
    if (NULL == env.thumbs_dir || NULL == env.thumb_make) {
        return wm_fail_set(f, WM_E_UNAVAILABLE, NULL, "%s", _("本服务器未启用缩略图"));
    }
    if (!wm_blob_path(env.blobs, sha, src, sizeof src)) {
        return wm_fail_set(f, WM_E_NOT_FOUND, NULL, _("文件内容 %s 不在存储中"), sha);
    }
    bool made = false;
    enum wm_err e = wm_thumb_generate(env.thumbs_dir, sha, src, mime, env.thumb_px,
                                      env.thumb_make, &made, err, sizeof err);
    if (WM_OK != e) {
        return wm_fail_set(f, e, NULL, "%s", err);
    }
    *result = json_pack("{s:b}", "made", made);
    return WM_OK;
}

/* The shas this process asked for lately: a view of a page of documents whose thumbnails
** are being made asks once, not once per view. */
static pthread_mutex_t recent_mu = PTHREAD_MUTEX_INITIALIZER;
static char recent[256][65];
static unsigned recent_next;

static bool
recent_seen(const char *sha)
{
    bool seen = false;
    pthread_mutex_lock(&recent_mu);
    for (unsigned i = 0; i < WM_ARRAY_LEN(recent) && !seen; i++) {
        seen = wm_streq(recent[i], sha);
    }
    if (!seen) {
        snprintf(recent[recent_next], sizeof recent[0], "%s", sha);
        recent_next = (recent_next + 1) % WM_ARRAY_LEN(recent);
    }
    pthread_mutex_unlock(&recent_mu);
    return seen;
}

void
wm_thumb_job_request(struct wm_db *db, const char *sha, const char *mime)
{
    if (NULL == env.thumbs_dir || !wm_thumb_sha_valid(sha) || !wm_thumb_mime_ok(mime) ||
        recent_seen(sha)) {
        return;
    }
    json_t *payload = json_pack("{s:s, s:s}", "sha", sha, "mime", mime);
    char *text = json_dumps(payload, JSON_COMPACT);
    json_decref(payload);
    struct wm_job_in in = {.kind = "thumbnail", .payload = text, .dedupe_key = sha,
                           .unless_failed = true};
    int64_t id;
    struct wm_fail f = {0};
    if (WM_OK != wm_job_submit_in(db, NULL, &in, &id, &f)) {
        wm_log(WM_LOG_WARN, "thumbnail of %s not queued: %s", sha, f.msg);
    }
    free(text);
}

/* ---------------------------------------------------------------- fixity */

static enum wm_err
run_fixity(struct wm_db *db, struct wm_job *job, const json_t *payload, json_t **result,
           struct wm_fail *f)
{
    (void)job;
    (void)payload;
    json_t *res = wm_fixity_run(db, env.blobs, NULL);
    if (NULL == res) {
        return wm_fail_set(f, WM_E_UNAVAILABLE, NULL, "%s", _("无法读取文件清单"));
    }
    json_object_del(res, "problems"); /* kept in the fixity run itself */
    *result = res;
    return WM_OK;
}

/* ---------------------------------------------------------------- imports */

/* Whether an import that ended with e is over for good: the package is not needed again
** (imported, or refused in a way another attempt cannot mend). */
static bool
import_over(enum wm_err e)
{
    return WM_E_UNAVAILABLE != e && WM_E_INTERNAL != e;
}

static enum wm_err
run_import(struct wm_db *db, struct wm_job *job, const json_t *payload, json_t **result,
           struct wm_fail *f)
{
    const char *sha = jss(payload, "sha");
    char path[512];
    if (!wm_blob_path(env.blobs, sha, path, sizeof path) || !wm_blob_exists(env.blobs, sha)) {
        return wm_fail_set(f, WM_E_NOT_FOUND, NULL, "%s", _("档案包已不在存储中，请重新上传"));
    }
    int64_t uid = jsi(wm_job_row(job), "created_by");
    struct wm_principal *p = uid ? wm_principal_load(db, uid) : NULL;
    enum wm_err e = WM_OK;
    json_t *ar = NULL;
    char rid[32];
    snprintf(rid, sizeof rid, "job-%lld", (long long)wm_job_id(job));
    struct wm_actor a = {.p = p, .request_id = rid, .addr = "job"};
    if (NULL == p) {
        e = wm_fail_set(f, wm_db_failed(db) ? WM_E_UNAVAILABLE : WM_E_FORBIDDEN, NULL, "%s",
                        _("发起导入的账号已不存在或已停用"));
    } else if (NULL == (ar = wm_archive_open(db, &a, jsi(payload, "unit_id"),
                                             jsi(payload, "year"), f))) {
        e = f->err;
    } else {
        (void)wm_job_progress(job, json_pack("{s:s, s:i, s:I, s:I}", "phase", "read", "files",
                                             0, "bytes", (json_int_t)0, "total",
                                             (json_int_t)jsi(payload, "size")),
                              true);
        if (env.hold) {
            env.hold(job);
        }
        e = wm_archive_import_policy(db, &a, env.blobs, ar, path, jss(payload, "name"),
                                     env.allowed, env.max_file, result, f);
    }
    json_decref(ar);
    wm_principal_free(p);
    if (import_over(e)) {
        /* kept while another attempt (or a retry after a passing outage) may need it */
        json_t *refs = db->ops->version_shas(db);
        bool used = NULL == refs; /* unknown: keep it */
        size_t i;
        json_t *x;
        json_array_foreach(refs, i, x)
        {
            used = used || wm_streq(jss(x, "sha"), sha);
        }
        json_decref(refs);
        if (!used && WM_OK != wm_blob_remove(env.blobs, sha)) {
            wm_log(WM_LOG_WARN, "import job: could not remove the package %s", sha);
        }
    }
    return e;
}

enum wm_err
wm_import_job_submit(struct wm_db *db, const struct wm_actor *a, const json_t *archive,
                     const char *sha, uint64_t size, const char *name, int64_t *id,
                     struct wm_fail *f)
{
    if (!wm_actor_is(a, WM_ROLES_STAFF | WM_ROLE_BIT(WM_ROLE_UNIT_ADMIN))) {
        return wm_fail_set(f, WM_E_FORBIDDEN, NULL, "%s", _("没有权限导入档案"));
    }
    json_t *payload = json_pack("{s:I, s:I, s:s, s:I, s:s}", "unit_id",
                                (json_int_t)jsi(archive, "unit_id"), "year",
                                (json_int_t)jsi(archive, "year"), "sha", sha, "size",
                                (json_int_t)size, "name", name ? name : "package.zip");
    char *text = json_dumps(payload, JSON_COMPACT);
    json_decref(payload);
    const char *path = json_string_value(json_object_get(archive, "unit_path"));
    /* an import is the user's act: tried once (a second attempt after a refusal would
    ** only be refused again), taken over when its server dies */
    struct wm_job_in in = {.kind = "archive.import", .payload = text, .org_path = path,
                           .max_attempts = 3};
    enum wm_err e = wm_job_submit_in(db, a, &in, id, f);
    free(text);
    return e;
}

/* ---------------------------------------------------------------- registration */

void
wm_jobs_register_builtin(const struct wm_jobs_env *e)
{
    env = *e;
    if (env.thumbs_dir) {
        const struct wm_job_kind thumb = {.kind = "thumbnail", .run = run_thumbnail,
                                          .max_attempts = 3, .backoff = 60};
        wm_jobs_register(&thumb);
    }
    if (env.fixity_hours) {
        const struct wm_job_kind fix = {.kind = "fixity", .run = run_fixity, .max_attempts = 3,
                                        .backoff = 600,
                                        .period = (int64_t)env.fixity_hours * 3600};
        wm_jobs_register(&fix);
    }
    const struct wm_job_kind imp = {.kind = "archive.import", .run = run_import,
                                    .max_attempts = 3, .backoff = 30, .audit_submit = true};
    wm_jobs_register(&imp);
    wm_practice_register_jobs(&env); /* practice.compile */
    wm_titles_register_jobs();       /* title.expire, daily */
    wm_search_register_jobs(&env);   /* search.extract */
    /* issue 12, wmeet */
    wm_meet_register_jobs(&env);     /* work.minutes */
    /* issue 12, work_inspect.c */
    wm_work_inspect_register_jobs(&env); /* work.bulletin */
    /* issue 12, the plan filed (wplanpdf) */
    wm_work_plan_register_jobs(&env); /* work.plan */
    /* issue 13, dat70: the DA/T 70 四性检测 */
    const struct wm_check_env chk = {.blobs = env.blobs, .data_dir = env.data_dir,
                                     .allowed = env.allowed,
                                     .probe = env.probe_make, .compile = env.compile_make};
    wm_archive_check_register_jobs(&chk); /* archive.check */
}

/* end of jobs_kinds.c */
