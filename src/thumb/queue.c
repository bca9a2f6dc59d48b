/*
** queue.c — the thumbnail queue: a bounded FIFO of requests under one mutex, drained by one
** worker thread, and the on-disk layout thumbs_dir/ab/cd/<sha>.jpg.
**
** Requests are cheap to make and cheap to refuse: push() copies three short strings and
** signals, or drops the request when the queue is full, so a burst of uploads never waits
** on thumbnailing.  Duplicates of a waiting (or the current) sha are skipped, and the
** worker skips thumbnails that already exist, so pushing the same blob twice costs
** nothing.  The worker blocks every signal, leaving them to the main thread.
*/
/* clang-format off */
#include "wm_thumb.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include "banned.h"
/* clang-format on */

struct thumbq_item {
    struct thumbq_item *next;
    char sha[65];
    char *src; /* owned */
    char *mime; /* owned */
};

struct wm_thumbq {
    pthread_mutex_t mu;
    pthread_cond_t cv;             /* signalled on push and on stop */
    pthread_t worker;
    char *dir;                     /* owned: thumbs_dir */
    unsigned max_px;
    wm_thumb_maker maker;          /* makes one thumbnail */
    void (*thread_end)(void);      /* called by the worker before it ends (may be NULL) */
    struct thumbq_item *head;      /* FIFO of waiting requests */
    struct thumbq_item *tail;
    char current[65];              /* the sha being made now; "" when idle */
    bool stopping;
    bool full_logged;              /* "queue full" logged since the queue last drained */
    struct wm_thumbq_stats st;     /* under mu */
};

bool
wm_thumb_mime_ok(const char *mime)
{
    static const char *const types[] = {"application/pdf", "image/jpeg", "image/png",
                                        "image/gif",       "image/webp", "image/tiff",
                                        "image/heic",      "image/heif", NULL};
    for (int i = 0; mime && types[i]; i++) {
        if (wm_streq(mime, types[i])) {
            return true;
        }
    }
    return false;
}

/* ---------------------------------------------------------------- the helper program */

static char *thumb_helper;

void
wm_thumb_set_helper(const char *helper_path)
{
    free(thumb_helper);
    thumb_helper = helper_path ? wm_strdup(helper_path) : NULL;
}

enum wm_err
wm_thumb_make_spawned(const char *src_path, const char *mime, const char *dst_path,
                      unsigned max_px, char *err, size_t errlen)
{
    if (NULL == thumb_helper) {
        snprintf(err, errlen, "no thumbnail helper program configured");
        return WM_E_UNAVAILABLE;
    }
    char px[16];
    snprintf(px, sizeof px, "%u", max_px);
    char *const argv[] = {thumb_helper, (char *)src_path, (char *)mime, (char *)dst_path, px, NULL};
    static char env_path[] = "PATH=/usr/bin:/bin", env_lc[] = "LC_ALL=C.UTF-8";
    char *const envp[] = {env_path, env_lc, NULL};
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t none;
    sigemptyset(&none);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK);
    pid_t pid;
    int rc = posix_spawn(&pid, thumb_helper, NULL, &attr, argv, envp);
    posix_spawnattr_destroy(&attr);
    if (rc) {
        snprintf(err, errlen, "spawn %s: %s", thumb_helper, strerror(rc));
        return WM_E_UNAVAILABLE;
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0) {
        if (EINTR != errno) {
            snprintf(err, errlen, "waitpid: %s", strerror(errno));
            return WM_E_INTERNAL;
        }
    }
    if (WIFEXITED(status) && 0 == WEXITSTATUS(status)) {
        return WM_OK;
    }
    if (WIFSIGNALED(status)) {
        snprintf(err, errlen, "the thumbnail helper died of signal %d (limits hit?)",
                 WTERMSIG(status));
        return WM_E_UNAVAILABLE;
    }
    snprintf(err, errlen, "the thumbnail helper failed (exit %d)", WEXITSTATUS(status));
    return 3 == WEXITSTATUS(status) ? WM_E_UNSUPPORTED_MEDIA : WM_E_BAD_REQUEST;
}

bool
wm_thumb_sha_valid(const char *sha)
{
    if (NULL == sha) {
        return false;
    }
    size_t i = 0;
    for (; sha[i]; i++) {
        char c = sha[i];
        if (i >= 64 || !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            return false;
        }
    }
    return 64 == i;
}

bool
wm_thumb_path(const char *thumbs_dir, const char *sha, char *buf, size_t len)
{
    if (buf && len) {
        buf[0] = '\0';
    }
    if (NULL == thumbs_dir || NULL == buf || !wm_thumb_sha_valid(sha)) {
        return false;
    }
    int n = snprintf(buf, len, "%s/%.2s/%.2s/%s.jpg", thumbs_dir, sha, sha + 2, sha);
    if (n < 0 || (size_t)n >= len) {
        if (len) {
            buf[0] = '\0';
        }
        return false;
    }
    struct stat st;
    return 0 == stat(buf, &st) && S_ISREG(st.st_mode);
}

static void
item_free(struct thumbq_item *it)
{
    if (it) {
        free(it->src);
        free(it->mime);
        free(it);
    }
}

/* What became of one request. */
enum thumbq_outcome {
    THUMBQ_MADE,
    THUMBQ_SKIPPED,
    THUMBQ_FAILED,
};

enum wm_err
wm_thumb_generate(const char *thumbs_dir, const char *sha, const char *src_path, const char *mime,
                  unsigned max_px, wm_thumb_maker maker, bool *made, char *err, size_t errlen)
{
    char path[PATH_MAX];
    if (made) {
        *made = false;
    }
    if (!wm_thumb_sha_valid(sha) || NULL == src_path || !wm_thumb_mime_ok(mime)) {
        snprintf(err, errlen, "not a thumbnail request");
        return WM_E_BAD_REQUEST;
    }
    if (wm_thumb_path(thumbs_dir, sha, path, sizeof path)) {
        return WM_OK;
    }
    if ('\0' == path[0]) {
        snprintf(err, errlen, "path too long under %s", thumbs_dir);
        return WM_E_INTERNAL;
    }
    char *sub = wm_asprintf("%s/%.2s/%.2s", thumbs_dir, sha, sha + 2);
    int rc = wm_mkdirs(sub, 0750);
    if (rc) {
        snprintf(err, errlen, "mkdir %s: %s", sub, strerror(-rc));
        free(sub);
        return WM_E_INTERNAL;
    }
    free(sub);
    enum wm_err e = maker(src_path, mime, path, max_px, err, errlen);
    if (WM_OK == e && made) {
        *made = true;
    }
    return e;
}

static enum thumbq_outcome
make_one(const struct wm_thumbq *q, const struct thumbq_item *it)
{
    char err[512] = "";
    bool made = false;
    enum wm_err e = wm_thumb_generate(q->dir, it->sha, it->src, it->mime, q->max_px, q->maker,
                                      &made, err, sizeof err);
    if (WM_OK != e) {
        wm_log(WM_LOG_WARN, "thumb %s (%s): %s: %s", it->sha, it->mime, wm_err_code(e), err);
        return THUMBQ_FAILED;
    }
    return made ? THUMBQ_MADE : THUMBQ_SKIPPED;
}

static void *
thumbq_worker(void *arg)
{
    struct wm_thumbq *q = arg;
    pthread_mutex_lock(&q->mu);
    for (;;) {
        while (NULL == q->head && !q->stopping) {
            pthread_cond_wait(&q->cv, &q->mu);
        }
        if (q->stopping) {
            break;
        }
        struct thumbq_item *it = q->head;
        q->head = it->next;
        if (NULL == q->head) {
            q->tail = NULL;
            q->full_logged = false;
        }
        q->st.pending--;
        q->st.busy = true;
        memcpy(q->current, it->sha, sizeof q->current);
        pthread_mutex_unlock(&q->mu);

        enum thumbq_outcome o = make_one(q, it);
        item_free(it);

        pthread_mutex_lock(&q->mu);
        q->st.busy = false;
        q->current[0] = '\0';
        switch (o) {
        case THUMBQ_MADE:
            q->st.made++;
            break;
        case THUMBQ_SKIPPED:
            q->st.skipped++;
            break;
        case THUMBQ_FAILED:
            q->st.failed++;
            break;
        }
    }
    pthread_mutex_unlock(&q->mu);
    if (q->thread_end) {
        q->thread_end();
    }
    return NULL;
}

struct wm_thumbq *
wm_thumbq_start_with(const char *thumbs_dir, unsigned max_px, wm_thumb_maker maker,
                     void (*thread_end)(void))
{
    if (NULL == maker) {
        wm_log(WM_LOG_ERROR, "thumbnails: no maker given");
        return NULL;
    }
    if (NULL == thumbs_dir || '\0' == thumbs_dir[0]) {
        wm_log(WM_LOG_ERROR, "thumbnails: no directory given");
        return NULL;
    }
    if (0 == max_px || max_px > WM_THUMB_MAX_SIDE) {
        wm_log(WM_LOG_ERROR, "thumbnails: size %u is outside 1..%u", max_px, WM_THUMB_MAX_SIDE);
        return NULL;
    }
    int rc = wm_mkdirs(thumbs_dir, 0750);
    if (rc) {
        wm_log(WM_LOG_ERROR, "thumbnails: mkdir %s: %s", thumbs_dir, strerror(-rc));
        return NULL;
    }
    /* libvips starts with the first thumbnail, in the worker: a server that is never asked
    ** for one keeps its memory (libvips and its loaders cost about 20 MiB resident). */

    struct wm_thumbq *q = wm_calloc(1, sizeof *q);
    q->dir = wm_strdup(thumbs_dir);
    q->max_px = max_px;
    q->maker = maker;
    q->thread_end = thread_end;
    pthread_mutex_init(&q->mu, NULL);
    pthread_cond_init(&q->cv, NULL);

    sigset_t all;
    sigset_t old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    rc = pthread_create(&q->worker, NULL, thumbq_worker, q);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc) {
        wm_log(WM_LOG_ERROR, "thumbnails: pthread_create: %s", strerror(rc));
        pthread_cond_destroy(&q->cv);
        pthread_mutex_destroy(&q->mu);
        free(q->dir);
        free(q);
        return NULL;
    }
    return q;
}

static bool
is_waiting(const struct wm_thumbq *q, const char *sha)
{
    if (wm_streq(q->current, sha)) {
        return true;
    }
    for (const struct thumbq_item *it = q->head; it; it = it->next) {
        if (wm_streq(it->sha, sha)) {
            return true;
        }
    }
    return false;
}

void
wm_thumbq_push(struct wm_thumbq *q, const char *sha, const char *src_path, const char *mime)
{
    if (NULL == q) {
        return;
    }
    bool ok = wm_thumb_sha_valid(sha) && src_path && src_path[0] && mime;
    bool supported = ok && wm_thumb_mime_ok(mime);
    if (!supported) {
        WM_BREAK_OP(ok);
        pthread_mutex_lock(&q->mu);
        q->st.dropped++;
        pthread_mutex_unlock(&q->mu);
        return;
    }
    struct thumbq_item *it = wm_calloc(1, sizeof *it);
    memcpy(it->sha, sha, sizeof it->sha);
    it->src = wm_strdup(src_path);
    it->mime = wm_strdup(mime);

    pthread_mutex_lock(&q->mu);
    if (q->stopping) {
        q->st.dropped++;
    } else if (is_waiting(q, sha)) {
        q->st.skipped++;
    } else if (q->st.pending >= WM_THUMBQ_MAX_PENDING) {
        q->st.dropped++;
        if (!q->full_logged) {
            wm_log(WM_LOG_WARN, "thumbnails: %u requests waiting; dropping new ones",
                   q->st.pending);
            q->full_logged = true;
        }
    } else {
        if (q->tail) {
            q->tail->next = it;
        } else {
            q->head = it;
        }
        q->tail = it;
        it = NULL;
        q->st.pending++;
        q->st.pushed++;
        pthread_cond_signal(&q->cv);
    }
    pthread_mutex_unlock(&q->mu);
    item_free(it);
}

void
wm_thumbq_stats(struct wm_thumbq *q, struct wm_thumbq_stats *out)
{
    memset(out, 0, sizeof *out);
    if (q) {
        pthread_mutex_lock(&q->mu);
        *out = q->st;
        pthread_mutex_unlock(&q->mu);
    }
}

void
wm_thumbq_stop(struct wm_thumbq *q)
{
    if (NULL == q) {
        return;
    }
    pthread_mutex_lock(&q->mu);
    q->stopping = true;
    pthread_cond_broadcast(&q->cv);
    pthread_mutex_unlock(&q->mu);

    int rc = pthread_join(q->worker, NULL);
    if (rc) {
        wm_log(WM_LOG_ERROR, "thumbnails: pthread_join: %s", strerror(rc));
    }
    unsigned dropped = 0;
    while (q->head) {
        struct thumbq_item *it = q->head;
        q->head = it->next;
        item_free(it);
        dropped++;
    }
    if (dropped) {
        wm_log(WM_LOG_INFO, "thumbnails: stopped with %u requests not made", dropped);
    }
    pthread_cond_destroy(&q->cv);
    pthread_mutex_destroy(&q->mu);
    free(q->dir);
    free(q);
}

/* end of queue.c */
