/*
** jobs.c — the job queue: kinds and their handlers, the worker threads, the lease keeper,
** scheduled kinds, the PDFs jobs have the wenming-compile helper make (wm_compile_*), and
** the scoped reads and retry of the admin page and the API.
**
** A worker loops: claim a due job (one short write transaction), run its handler with the
** worker's own store connection, then mark it done or failed (another short transaction).
** While handlers run, one keeper thread per process renews the leases of this process's
** running jobs every lease/3 seconds; a renewal that finds the job no longer held marks it
** lost, and the handler's end changes nothing (the write ops name the worker).  A server
** that dies stops renewing; after the lease another server's worker claims the job again.
**
** A job with a dedupe key is one waiting job per kind and key: a request while one is
** queued is that job (it has not read anything yet).  A request while one is running is
** one more job, queued, that no worker claims until the running one ends (the store's
** job_claim): the running job may have read what the request changed before it changed,
** so folding the request into it would lose the change, and running the two at once
** would let the older one finish last.  Two jobs of a key never run at the same time.
**
** Threads: the kind table is written before wm_jobs_start() and only read after.  The
** running list, progress waiting to be written and the stop flag are under jobs_mu.
*/
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tx.h"
#include "wm_blob.h"
#include "wm_core.h"

#define JOBS_MAX_KINDS   16
#define JOBS_MAX_WORKERS 32
#define JOBS_KEEP_DONE   (30 * 86400) /* done jobs are purged after 30 days */

struct wm_job {
    int64_t id;
    const char *worker;
    json_t *row;
    const struct wm_job_kind *k;
    struct wm_db *db;
    int64_t progress_at; /* when progress was last written */
    json_t *pending;     /* progress not written yet (under jobs_mu) */
    atomic_bool lost;
    struct wm_job *next; /* the running list (under jobs_mu) */
};

static struct wm_job_kind kinds[JOBS_MAX_KINDS];
static size_t nkinds;
static char kinds_csv[1024];

static int64_t lease_secs = 60;
static unsigned poll_ms = 2000;
static int64_t (*jobs_now)(void) = wm_now;

static pthread_mutex_t jobs_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t jobs_cv = PTHREAD_COND_INITIALIZER;
static bool jobs_stopping;
static unsigned jobs_kicks;
static struct wm_job *running;
static pthread_t workers[JOBS_MAX_WORKERS], keeper;
static unsigned nworkers;
static bool keeper_on;

static _Thread_local struct wm_job *job_current;

/* ---------------------------------------------------------------- kinds */

void
wm_jobs_register(const struct wm_job_kind *k)
{
    size_t i = 0;
    while (i < nkinds && !wm_streq(kinds[i].kind, k->kind)) {
        i++;
    }
    if (i == nkinds) {
        if (nkinds == JOBS_MAX_KINDS) {
            wm_panic("too many job kinds");
        }
        nkinds++;
    }
    kinds[i] = *k;
    kinds_csv[0] = '\0';
    size_t len = 0;
    for (size_t j = 0; j < nkinds; j++) {
        int n = snprintf(kinds_csv + len, sizeof kinds_csv - len, "%s%s", j ? "," : "",
                         kinds[j].kind);
        if (n < 0 || (size_t)n >= sizeof kinds_csv - len) {
            wm_panic("job kind names too long");
        }
        len += (size_t)n;
    }
}

void
wm_jobs_reset(void)
{
    nkinds = 0;
    kinds_csv[0] = '\0';
}

void
wm_jobs_configure(int64_t lease, unsigned poll)
{
    lease_secs = lease > 0 ? lease : 60;
    poll_ms = poll ? poll : 2000;
}

void
wm_jobs_set_clock(int64_t (*now)(void))
{
    jobs_now = now ? now : wm_now;
}

static const struct wm_job_kind *
kind_of(const char *kind)
{
    for (size_t i = 0; kind && i < nkinds; i++) {
        if (wm_streq(kinds[i].kind, kind)) {
            return &kinds[i];
        }
    }
    return NULL;
}

const char *
wm_job_kind_label(const char *kind)
{
    static const char *const names[][2] = {
        {"thumbnail", N_("生成缩略图")},
        {"fixity", N_("存储完整性检查")},
        {"archive.import", N_("导入档案包")},
        {"notify.schedule", N_("到期与逾期提醒")},
        {"notify.digest", N_("每日邮件摘要")},
        {"practice.compile", N_("编制经验交流汇编")},
        {"title.expire", N_("文明称号到期处理")},
        {"search.extract", N_("全文提取")},
        {"search.merge", N_("全文索引整理")},
    };
    for (size_t i = 0; kind && i < WM_ARRAY_LEN(names); i++) {
        if (wm_streq(names[i][0], kind)) {
            return _(names[i][1]);
        }
    }
    return kind ? kind : "";
}

const char *
wm_job_state_label(const char *state)
{
    static const char *const names[][2] = {
        {"queued", N_("排队中")},
        {"running", N_("运行中")},
        {"done", N_("已完成")},
        {"failed", N_("失败")},
    };
    for (size_t i = 0; state && i < WM_ARRAY_LEN(names); i++) {
        if (wm_streq(names[i][0], state)) {
            return _(names[i][1]);
        }
    }
    return state ? state : "";
}

/* ---------------------------------------------------------------- submitting */

void
wm_jobs_kick(void)
{
    pthread_mutex_lock(&jobs_mu);
    jobs_kicks++;
    pthread_cond_broadcast(&jobs_cv);
    pthread_mutex_unlock(&jobs_mu);
}

enum wm_err
wm_job_submit_in(struct wm_db *db, const struct wm_actor *a, const struct wm_job_in *in,
                 int64_t *id, struct wm_fail *f)
{
    *id = 0;
    if (NULL == in->kind || '\0' == in->kind[0]) {
        return wm_fail_set(f, WM_E_BAD_REQUEST, "kind", "%s", _("任务类型为空"));
    }
    struct wm_job_in row = *in;
    row.created_by = a && a->p ? a->p->user_id : 0;
    const struct wm_job_kind *k = kind_of(in->kind);
    if (0 == row.max_attempts && k && k->max_attempts > 0) {
        row.max_attempts = k->max_attempts;
    }
    bool own = !db->ops->in_tx(db);
    bool audit = k && k->audit_submit && a && a->p;
    enum wm_err e = WM_OK;
    if (own && audit && WM_OK != (e = tx_begin(db, f))) {
        return e;
    }
    enum wm_qs qs = db->ops->job_insert(db, &row, jobs_now(), id);
    if (qs < 0) {
        e = wm_fail_set(f, WM_QS_SOFT == qs ? WM_E_UNAVAILABLE : WM_E_INTERNAL, NULL, "%s",
                        _("无法创建后台任务"));
    } else if (WM_QS_ONE == qs && audit) {
        json_t *after = json_pack("{s:s}", "kind", in->kind);
        if (WM_OK != wm_audit(db, a, "job.create", "job", *id, in->org_path, NULL, after)) {
            e = wm_fail_set(f, WM_E_INTERNAL, NULL, "%s", _("无法写入审计日志"));
        }
        json_decref(after);
    }
    if (own && audit) {
        e = tx_end(db, e, f);
    }
    if (WM_OK != e) {
        *id = 0;
    } else if (*id) {
        wm_jobs_kick();
    }
    return e;
}

enum wm_err
wm_job_submit(struct wm_db *db, const struct wm_actor *a, const char *kind, const json_t *payload,
              const char *org_path, const char *dedupe_key, int64_t *id, struct wm_fail *f)
{
    char *text = payload ? json_dumps(payload, JSON_COMPACT) : NULL;
    struct wm_job_in in = {.kind = kind, .payload = text, .dedupe_key = dedupe_key,
                           .org_path = org_path};
    enum wm_err e = wm_job_submit_in(db, a, &in, id, f);
    free(text);
    return e;
}

/* ---------------------------------------------------------------- running one */

int64_t
wm_job_id(const struct wm_job *j)
{
    return j->id;
}

const json_t *
wm_job_row(const struct wm_job *j)
{
    return j->row;
}

struct wm_job *
wm_job_current(void)
{
    return job_current;
}

bool
wm_job_should_stop(const struct wm_job *j)
{
    pthread_mutex_lock(&jobs_mu);
    bool stop = jobs_stopping;
    pthread_mutex_unlock(&jobs_mu);
    return stop || atomic_load(&j->lost);
}

bool
wm_job_progress(struct wm_job *j, json_t *progress, bool final)
{
    if (NULL == j) {
        json_decref(progress);
        return true;
    }
    int64_t now = jobs_now();
    if (atomic_load(&j->lost)) {
        json_decref(progress);
        return false;
    }
    if ((!final && now == j->progress_at) || j->db->ops->in_tx(j->db)) {
        /* too soon, or inside the handler's transaction: the keeper writes it later */
        pthread_mutex_lock(&jobs_mu);
        json_decref(j->pending);
        j->pending = progress;
        pthread_mutex_unlock(&jobs_mu);
        return true;
    }
    pthread_mutex_lock(&jobs_mu);
    json_decref(j->pending);
    j->pending = NULL;
    pthread_mutex_unlock(&jobs_mu);
    char *text = json_dumps(progress, JSON_COMPACT);
    json_decref(progress);
    enum wm_qs qs = j->db->ops->job_progress(j->db, j->id, j->worker, text, now);
    free(text);
    j->progress_at = now;
    if (WM_QS_NONE == qs) {
        atomic_store(&j->lost, true);
        return false;
    }
    return true;
}

/* The delay before retry number attempts (1, 2, ...): backoff doubling, capped. */
static int64_t
backoff_of(const struct wm_job_kind *k, int64_t attempts)
{
    int64_t base = k && k->backoff > 0 ? k->backoff : 30;
    int64_t cap = k && k->backoff_max > 0 ? k->backoff_max : 3600;
    int64_t d = base;
    for (int64_t i = 1; i < attempts && d < cap; i++) {
        d *= 2;
    }
    return d < cap ? d : cap;
}

/* Errors that another attempt cannot mend: the job fails for good at once. */
static bool
err_is_final(enum wm_err e)
{
    switch (e) {
    case WM_E_BAD_REQUEST:
    case WM_E_UNAUTHORIZED:
    case WM_E_FORBIDDEN:
    case WM_E_NOT_FOUND:
    case WM_E_CONFLICT:
    case WM_E_TOO_LARGE:
    case WM_E_UNSUPPORTED_MEDIA:
        return true;
    default:
        return false;
    }
}

/* The end of an attempt, written in one transaction (retried when the store is busy). */
struct job_end {
    struct wm_job *j;
    bool ok;
    const char *why;
    const char *result;
    int64_t retry_at;
    enum wm_qs qs;
};

static enum wm_err
end_tx(struct wm_db *db, void *cls)
{
    struct job_end *c = cls;
    int64_t now = jobs_now();
    if (c->ok) {
        c->qs = db->ops->job_finish(db, c->j->id, c->j->worker, c->result, now);
    } else {
        c->qs = db->ops->job_fail(db, c->j->id, c->j->worker, c->why, c->result, c->retry_at,
                                  now);
        if (WM_QS_CONFLICT == c->qs) {
            /* queued again, it met a request of its key that came meanwhile (PostgreSQL:
            ** committed after the statement began): written again, it sees that job
            ** and fails for good, that job being its next attempt */
            c->qs = db->ops->job_fail(db, c->j->id, c->j->worker, c->why, c->result,
                                      c->retry_at, now);
        }
    }
    return c->qs < 0 ? WM_E_INTERNAL : WM_OK;
}

static void
job_end(struct wm_db *db, struct wm_job *j, bool ok, const char *why, json_t *result,
        int64_t retry_at)
{
    if (db->ops->in_tx(db)) {
        WM_BREAK(0); /* a handler left its transaction open */
        db->ops->rollback(db);
    }
    char *text = result ? json_dumps(result, JSON_COMPACT) : NULL;
    struct job_end c = {.j = j, .ok = ok, .why = why, .result = text, .retry_at = retry_at};
    enum wm_err e = wm_db_run_tx(db, end_tx, &c);
    free(text);
    if (WM_OK != e) {
        wm_log(WM_LOG_ERROR, "job %lld: cannot record its end (%s): the lease will run out "
                             "and another worker will run it again",
               (long long)j->id, wm_err_code(e));
    } else if (WM_QS_NONE == c.qs) {
        wm_log(WM_LOG_WARN, "job %lld: lost its lease meanwhile; another worker has it",
               (long long)j->id);
    } else {
        wm_jobs_kick(); /* a request of its key that came while it ran may run now */
    }
}

static void
running_add(struct wm_job *j)
{
    pthread_mutex_lock(&jobs_mu);
    j->next = running;
    running = j;
    pthread_mutex_unlock(&jobs_mu);
}

static void
running_remove(struct wm_job *j)
{
    pthread_mutex_lock(&jobs_mu);
    for (struct wm_job **p = &running; *p; p = &(*p)->next) {
        if (*p == j) {
            *p = j->next;
            break;
        }
    }
    json_decref(j->pending);
    j->pending = NULL;
    pthread_mutex_unlock(&jobs_mu);
}

struct claim_ctx {
    const char *worker;
    json_t *row;
};

static enum wm_err
claim_tx(struct wm_db *db, void *cls)
{
    struct claim_ctx *c = cls;
    int64_t now = jobs_now();
    c->row = db->ops->job_claim(db, c->worker, kinds_csv, now, now + lease_secs);
    return WM_OK;
}

bool
wm_jobs_run_one(struct wm_db *db, const char *worker)
{
    if (0 == nkinds) {
        return false;
    }
    struct claim_ctx cc = {.worker = worker};
    if (WM_OK != wm_db_run_tx(db, claim_tx, &cc) || NULL == cc.row) {
        json_decref(cc.row);
        return false;
    }
    struct wm_job j = {.id = jsi(cc.row, "id"), .worker = worker, .row = cc.row, .db = db,
                       .k = kind_of(jss(cc.row, "kind"))};
    atomic_init(&j.lost, false);
    int64_t attempts = jsi(cc.row, "attempts"), max = jsi(cc.row, "max_attempts");
    wm_log(WM_LOG_INFO, "job %lld (%s): attempt %lld of %lld by %s", (long long)j.id,
           jss(cc.row, "kind"), (long long)attempts, (long long)max, worker);
    if (NULL == j.k) { /* claimed by kind: only when the table changed under us */
        job_end(db, &j, false, "no handler for this kind", NULL, jobs_now() + lease_secs);
        json_decref(cc.row);
        return true;
    }
    if (attempts > max) {
        /* taken over after its server died during every attempt */
        job_end(db, &j, false, _("运行多次中断（服务器在运行中停止），不再重试"), NULL, 0);
        json_decref(cc.row);
        return true;
    }
    json_error_t jerr;
    json_t *payload = json_loads(jss(cc.row, "payload"), 0, &jerr);
    json_t *result = NULL;
    struct wm_fail f = {0};
    enum wm_err e;
    running_add(&j);
    job_current = &j;
    if (NULL == payload) {
        e = wm_fail_set(&f, WM_E_BAD_REQUEST, NULL, "payload: %s", jerr.text);
    } else {
        e = j.k->run(db, &j, payload, &result, &f);
    }
    job_current = NULL;
    running_remove(&j);
    if (atomic_load(&j.lost)) {
        wm_log(WM_LOG_WARN, "job %lld: lost its lease while running; its result is dropped",
               (long long)j.id);
        if (db->ops->in_tx(db)) {
            db->ops->rollback(db);
        }
    } else if (WM_OK == e) {
        job_end(db, &j, true, NULL, result, 0);
        wm_log(WM_LOG_INFO, "job %lld (%s): done", (long long)j.id, jss(cc.row, "kind"));
    } else {
        const char *why = f.msg[0] ? f.msg : wm_err_message(e);
        bool final = err_is_final(e) || attempts >= max;
        int64_t at = final ? 0 : jobs_now() + backoff_of(j.k, attempts);
        job_end(db, &j, false, why, result, at);
        wm_log(final ? WM_LOG_ERROR : WM_LOG_WARN, "job %lld (%s): %s: %s%s", (long long)j.id,
               jss(cc.row, "kind"), wm_err_code(e), why, final ? " (failed for good)" : "");
    }
    json_decref(result);
    json_decref(payload);
    json_decref(cc.row);
    return true;
}

/* ---------------------------------------------------------------- scheduling */

void
wm_jobs_schedule(struct wm_db *db)
{
    int64_t now = jobs_now();
    for (size_t i = 0; i < nkinds; i++) {
        const struct wm_job_kind *k = &kinds[i];
        if (k->period <= 0 && NULL == k->next_run) {
            continue;
        }
        int64_t last = db->ops->job_last_done(db, k->kind);
        /* a run that is running serves this one: its next run counts from its end */
        struct wm_job_in in = {.kind = k->kind, .dedupe_key = k->kind, .unless_running = true,
                               .max_attempts = k->max_attempts,
                               .run_after = k->next_run ? k->next_run(last, now)
                                                        : (last > 0 ? last : now) + k->period};
        int64_t id;
        if (db->ops->job_insert(db, &in, now, &id) < 0) {
            wm_log(WM_LOG_WARN, "jobs: cannot schedule %s", k->kind);
        } else if (id) {
            wm_log(WM_LOG_DEBUG, "jobs: %s scheduled as job %lld", k->kind, (long long)id);
        }
    }
    int64_t n = 0;
    if (WM_QS_ONE == db->ops->job_purge(db, now - JOBS_KEEP_DONE, &n) && n > 0) {
        wm_log(WM_LOG_INFO, "jobs: %lld done jobs older than 30 days removed", (long long)n);
    }
}

/* ---------------------------------------------------------------- threads */

struct worker_arg {
    unsigned n;
    char name[128];
};
static struct worker_arg worker_args[JOBS_MAX_WORKERS];

static bool
stopping(void)
{
    pthread_mutex_lock(&jobs_mu);
    bool s = jobs_stopping;
    pthread_mutex_unlock(&jobs_mu);
    return s;
}

/* Wait until woken by a kick or stop, or ms have passed. */
static void
nap(unsigned ms, unsigned *seen_kicks)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += ms / 1000;
    until.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&jobs_mu);
    while (!jobs_stopping && *seen_kicks == jobs_kicks &&
           0 == pthread_cond_timedwait(&jobs_cv, &jobs_mu, &until)) {
    }
    *seen_kicks = jobs_kicks;
    pthread_mutex_unlock(&jobs_mu);
}

static void *
worker_main(void *arg)
{
    struct worker_arg *w = arg;
    int64_t scheduled = 0;
    unsigned kicks = 0;
    while (!stopping()) {
        struct wm_db *db = wm_db_thread();
        if (NULL == db) {
            nap(poll_ms * 5, &kicks);
            continue;
        }
        if (0 == w->n && wm_now() - scheduled >= 60) {
            wm_jobs_schedule(db);
            scheduled = wm_now();
        }
        if (!wm_jobs_run_one(db, w->name)) {
            nap(poll_ms, &kicks);
        }
    }
    return NULL;
}

/* Renew the leases of this process's running jobs and write their waiting progress. */
static void
keep_once(struct wm_db *db)
{
    struct item {
        int64_t id;
        const char *worker;
        struct wm_job *j;
        char *progress;
    } items[JOBS_MAX_WORKERS];
    size_t n = 0;
    pthread_mutex_lock(&jobs_mu);
    for (struct wm_job *j = running; j && n < JOBS_MAX_WORKERS; j = j->next) {
        items[n].id = j->id;
        items[n].worker = j->worker;
        items[n].j = j;
        items[n].progress = j->pending ? json_dumps(j->pending, JSON_COMPACT) : NULL;
        json_decref(j->pending);
        j->pending = NULL;
        n++;
    }
    pthread_mutex_unlock(&jobs_mu);
    int64_t now = jobs_now();
    for (size_t i = 0; i < n; i++) {
        enum wm_qs qs = db->ops->job_renew(db, items[i].id, items[i].worker, now + lease_secs, now);
        if (WM_QS_ONE == qs && items[i].progress) {
            qs = db->ops->job_progress(db, items[i].id, items[i].worker, items[i].progress, now);
        }
        free(items[i].progress);
        if (WM_QS_NONE == qs) {
            /* the job may have ended meanwhile; mark it only while it still runs here (by
            ** its id too: the worker's next job may sit at the same address) */
            pthread_mutex_lock(&jobs_mu);
            for (struct wm_job *j = running; j; j = j->next) {
                if (j == items[i].j && j->id == items[i].id) {
                    atomic_store(&j->lost, true);
                    wm_log(WM_LOG_WARN, "job %lld: lease lost to another worker",
                           (long long)j->id);
                }
            }
            pthread_mutex_unlock(&jobs_mu);
        }
    }
}

static void *
keeper_main(void *arg)
{
    (void)arg;
    unsigned kicks = 0;
    unsigned every = (unsigned)(lease_secs * 1000 / 3);
    while (!stopping()) {
        nap(every ? every : 1000, &kicks);
        struct wm_db *db = wm_db_thread();
        if (db) {
            keep_once(db);
        }
    }
    return NULL;
}

int
wm_jobs_start(unsigned n)
{
    if (n > JOBS_MAX_WORKERS) {
        n = JOBS_MAX_WORKERS;
    }
    pthread_mutex_lock(&jobs_mu);
    jobs_stopping = false;
    pthread_mutex_unlock(&jobs_mu);
    char host[64] = "";
    if (gethostname(host, sizeof host - 1)) {
        snprintf(host, sizeof host, "host");
    }
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    int rc = 0;
    for (unsigned i = 0; i < n; i++) {
        worker_args[i].n = i;
        snprintf(worker_args[i].name, sizeof worker_args[i].name, "%s:%ld:%u", host,
                 (long)getpid(), i);
        if (pthread_create(&workers[nworkers], NULL, worker_main, &worker_args[i])) {
            wm_log(WM_LOG_ERROR, "jobs: cannot start worker %u", i);
            rc = -1;
            break;
        }
        nworkers++;
    }
    if (nworkers && 0 == pthread_create(&keeper, NULL, keeper_main, NULL)) {
        keeper_on = true;
    } else if (nworkers) {
        rc = -1;
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (nworkers) {
        wm_log(WM_LOG_INFO, "jobs: %u workers for %s", nworkers, kinds_csv);
    }
    return rc;
}

void
wm_jobs_stop(void)
{
    pthread_mutex_lock(&jobs_mu);
    jobs_stopping = true;
    pthread_cond_broadcast(&jobs_cv);
    pthread_mutex_unlock(&jobs_mu);
    for (unsigned i = 0; i < nworkers; i++) {
        pthread_join(workers[i], NULL);
    }
    nworkers = 0;
    if (keeper_on) {
        pthread_join(keeper, NULL);
        keeper_on = false;
    }
}

/* ---------------------------------------------------------------- PDFs by the helper */

enum wm_err
wm_compile_begin(struct wm_compile *c, const char *prefix, struct wm_fail *f)
{
    c->spec = c->pdf = NULL;
    c->pages = -1;
    if (0 != wm_scratch_dir(prefix, c->dir, sizeof c->dir)) {
        c->dir[0] = '\0';
        return wm_fail_set(f, WM_E_UNAVAILABLE, NULL, "mkdtemp: %s", strerror(errno));
    }
    c->spec = wm_asprintf("%s/spec.json", c->dir);
    c->pdf = wm_asprintf("%s/out.pdf", c->dir);
    return WM_OK;
}

enum wm_err
wm_compile_run(struct wm_compile *c, wm_compile_fn make, const json_t *spec, size_t flags,
               const char *what, struct wm_fail *f)
{
    char err[512] = "";
    enum wm_err e;
    c->pages = -1;
    if (0 != json_dump_file(spec, c->spec, flags)) {
        return wm_fail_set(f, WM_E_UNAVAILABLE, NULL, "%s", _("无法写入临时文件"));
    }
    if (NULL == make) {
        return wm_fail_set(f, WM_E_UNAVAILABLE, NULL, "%s", _("本服务器未安装文件生成程序"));
    }
    if (WM_OK != (e = make(c->spec, c->pdf, &c->pages, err, sizeof err))) {
        size_t n = strlen(what);
        /* a Latin word before Chinese text is set apart: "检测报告 PDF 生成失败" */
        const char *gap = n && isalnum((unsigned char)what[n - 1]) ? " " : "";
        wm_log(WM_LOG_WARN, "wenming-compile (%s): %s", what, err);
        return wm_fail_set(f, e, NULL, _("%s%s生成失败：%s"), what, gap, err);
    }
    return WM_OK;
}

enum wm_err
wm_compile_store(const struct wm_compile *c, struct wm_blobstore *blobs, const char *what,
                 char sha[65], uint64_t *size, struct wm_fail *f)
{
    char err[512] = "";
    enum wm_err e = wm_blob_store_path(blobs, c->pdf, NULL, NULL, sha, size, err, sizeof err);
    if (WM_OK != e) {
        wm_fail_set(f, e, NULL, _("无法保存%s文件：%s"), what, err);
    }
    return e;
}

void
wm_compile_end(struct wm_compile *c)
{
    if (c->spec) {
        char *side = wm_asprintf("%s.json", c->pdf); /* the helper's account of the PDF */
        (void)unlink(c->spec);
        (void)unlink(c->pdf);
        (void)unlink(side);
        free(side);
    }
    if (c->dir[0]) {
        (void)rmdir(c->dir);
    }
    free(c->spec);
    free(c->pdf);
    c->spec = c->pdf = NULL;
    c->dir[0] = '\0';
}

/* ---------------------------------------------------------------- reads and retry */

static void
put_json(json_t *o, const char *key, const json_t *row)
{
    const char *text = json_string_value(json_object_get(row, key));
    json_t *v = text ? json_loads(text, JSON_DECODE_ANY, NULL) : NULL;
    json_object_set_new(o, key, v ? v : json_null());
}

static void
put_time(json_t *o, const char *key, const json_t *row)
{
    json_t *v = json_object_get(row, key);
    if (json_is_integer(v)) {
        char t[32];
        wm_time_rfc3339(json_integer_value(v), t);
        json_object_set_new(o, key, json_string(t));
    } else {
        json_object_set_new(o, key, json_null());
    }
}

json_t *
wm_job_api(const json_t *row)
{
    json_t *o = json_pack("{s:I, s:s, s:s, s:I, s:I}", "id", (json_int_t)jsi(row, "id"), "kind",
                          jss(row, "kind"), "state", jss(row, "state"), "attempts",
                          (json_int_t)jsi(row, "attempts"), "max_attempts",
                          (json_int_t)jsi(row, "max_attempts"));
    static const char *const copy[] = {"last_error", "worker", "org_path", "created_by"};
    for (size_t i = 0; i < WM_ARRAY_LEN(copy); i++) {
        json_t *v = json_object_get(row, copy[i]);
        json_object_set(o, copy[i], v ? v : json_null());
    }
    put_json(o, "payload", row);
    put_json(o, "progress", row);
    if (json_object_get(row, "result")) {
        put_json(o, "result", row);
    }
    put_time(o, "run_after", row);
    put_time(o, "lease_until", row);
    put_time(o, "created_at", row);
    put_time(o, "updated_at", row);
    return o;
}

/* Whether a may see the job: admins all, offices within their scope, anyone their own. */
static bool
job_visible(const struct wm_actor *a, const json_t *row)
{
    if (NULL == a->p || WM_ROLE_ADMIN == a->p->role) {
        return true;
    }
    if (jsi(row, "created_by") == a->p->user_id) {
        return true;
    }
    const char *path = json_string_value(json_object_get(row, "org_path"));
    return WM_ROLE_OFFICE == a->p->role && path && wm_startswith(path, wm_scope_path(a));
}

json_t *
wm_job_get_scoped(struct wm_db *db, const struct wm_actor *a, int64_t id, struct wm_fail *f)
{
    json_t *row = db->ops->job_get(db, id);
    if (NULL == row || !job_visible(a, row)) {
        json_decref(row);
        wm_fail_set(f, WM_E_NOT_FOUND, NULL, "%s", _("没有这个任务"));
        return NULL;
    }
    return row;
}

json_t *
wm_jobs_list(struct wm_db *db, const struct wm_actor *a, const char *states,
             const struct wm_page *pg, struct wm_fail *f)
{
    if (!wm_actor_is(a, WM_ROLES_STAFF)) {
        wm_fail_set(f, WM_E_FORBIDDEN, NULL, "%s", _("没有权限查看后台任务"));
        return NULL;
    }
    struct wm_page p = *pg;
    p.scope = wm_scope_path(a);
    json_t *rows = db->ops->job_list(db, states, &p);
    if (NULL == rows) {
        wm_fail_set(f, WM_E_INTERNAL, NULL, "%s", _("无法读取后台任务"));
    }
    return rows;
}

enum wm_err
wm_job_retry(struct wm_db *db, const struct wm_actor *a, int64_t id, struct wm_fail *f)
{
    if (!wm_actor_is(a, WM_ROLES_STAFF)) {
        return wm_fail_set(f, WM_E_FORBIDDEN, NULL, "%s", _("没有权限重试后台任务"));
    }
    enum wm_err e = tx_begin(db, f);
    if (WM_OK != e) {
        return e;
    }
    json_t *row = wm_job_get_scoped(db, a, id, f);
    if (NULL == row) {
        e = f->err;
    } else if (!wm_streq(jss(row, "state"), "failed")) {
        e = wm_fail_set(f, WM_E_CONFLICT, NULL, "%s", _("只有失败的任务可以重试"));
    } else {
        enum wm_qs qs = db->ops->job_retry(db, id, jobs_now());
        if (WM_QS_CONFLICT == qs) {
            e = wm_fail_set(f, WM_E_CONFLICT, NULL, "%s", _("同样的任务已在排队"));
        } else if (WM_QS_ONE != qs) {
            e = wm_fail_set(f, WM_QS_NONE == qs ? WM_E_CONFLICT : WM_E_INTERNAL, NULL, "%s",
                            _("无法重试该任务"));
        } else {
            json_t *before = json_pack("{s:s, s:s, s:I}", "kind", jss(row, "kind"), "last_error",
                                       jss(row, "last_error"), "attempts",
                                       (json_int_t)jsi(row, "attempts"));
            json_t *after = json_pack("{s:s}", "state", "queued");
            const char *path = json_string_value(json_object_get(row, "org_path"));
            if (WM_OK != wm_audit(db, a, "job.retry", "job", id, path, before, after)) {
                e = wm_fail_set(f, WM_E_INTERNAL, NULL, "%s", _("无法写入审计日志"));
            }
            json_decref(before);
            json_decref(after);
        }
    }
    json_decref(row);
    e = tx_end(db, e, f);
    if (WM_OK == e) {
        wm_jobs_kick();
    }
    return e;
}

/* end of jobs.c */
