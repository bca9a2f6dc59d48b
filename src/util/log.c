/*
** log.c — one line per event on stderr: time, level, thread, request id, message.
** The request id is thread-local: the HTTP layer sets it when a worker takes a request.
**
** Buffered lines (wm_log_buffered: the access log, a line per request) collect in a
** buffer of the calling thread and go out in one write when it holds a few KiB, when the
** thread logs anything else (so a thread's lines keep their order), when it exits, and at
** the latest WM_LOG_FLUSH_MS after the first line that waited (one flusher thread, asleep
** while nothing waits).  A write per request cost more than the rest of a small answer.
*/
#include "wm_util.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>

static enum wm_log_level log_level = WM_LOG_INFO;
static _Thread_local char log_rid[40] = "-";
static _Thread_local long log_tid;

void
wm_log_set_level(enum wm_log_level lvl)
{
    log_level = lvl;
}

const char *
wm_log_request_id(void)
{
    return log_rid;
}

void
wm_log_set_request_id(const char *id)
{
    snprintf(log_rid, sizeof log_rid, "%s", id ? id : "-");
}

/* ---------------------------------------------------------------- buffered lines */

#define WM_LOG_FLUSH_MS 100
#define LOGBUF_SIZE     8192

struct logbuf {
    struct logbuf *next; /* all threads' buffers (under lb_mu) */
    pthread_mutex_t mu;  /* len and data */
    size_t len;
    char data[LOGBUF_SIZE];
};

static pthread_mutex_t lb_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t lb_cv = PTHREAD_COND_INITIALIZER;
static struct logbuf *lb_all;
static bool lb_waiting; /* a line waits in some buffer (under lb_mu) */
static bool lb_flusher;  /* the flusher thread runs (under lb_mu) */
static pthread_key_t lb_key;
static pthread_once_t lb_once = PTHREAD_ONCE_INIT;
static _Thread_local struct logbuf *lb_mine;

static void
lb_write(const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(STDERR_FILENO, p, n);
        if (w <= 0) {
            return;
        }
        p += w;
        n -= (size_t)w;
    }
}

/* Write out a buffer's lines (its lock held by the caller). */
static void
lb_out(struct logbuf *b)
{
    if (b->len) {
        lb_write(b->data, b->len);
        b->len = 0;
    }
}

static void
lb_thread_end(void *p)
{
    struct logbuf *b = p;
    pthread_mutex_lock(&lb_mu);
    for (struct logbuf **pp = &lb_all; *pp; pp = &(*pp)->next) {
        if (*pp == b) {
            *pp = b->next;
            break;
        }
    }
    pthread_mutex_unlock(&lb_mu);
    pthread_mutex_lock(&b->mu);
    lb_out(b);
    pthread_mutex_unlock(&b->mu);
    pthread_mutex_destroy(&b->mu);
    free(b);
}

void
wm_log_flush(void)
{
    pthread_mutex_lock(&lb_mu);
    lb_waiting = false;
    for (struct logbuf *b = lb_all; b; b = b->next) {
        pthread_mutex_lock(&b->mu);
        lb_out(b);
        pthread_mutex_unlock(&b->mu);
    }
    pthread_mutex_unlock(&lb_mu);
}

static void *
lb_flush_loop(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&lb_mu);
    for (;;) {
        while (!lb_waiting) {
            pthread_cond_wait(&lb_cv, &lb_mu);
        }
        pthread_mutex_unlock(&lb_mu);
        struct timespec ts = {0, WM_LOG_FLUSH_MS * 1000000L};
        nanosleep(&ts, NULL);
        wm_log_flush();
        pthread_mutex_lock(&lb_mu);
    }
    return NULL;
}

static void
lb_init(void)
{
    if (0 != pthread_key_create(&lb_key, lb_thread_end)) {
        abort();
    }
    atexit(wm_log_flush);
}

/* This thread's buffer (NULL when none could be made: lines are then written at once). */
static struct logbuf *
lb_get(void)
{
    if (lb_mine) {
        return lb_mine;
    }
    pthread_once(&lb_once, lb_init);
    struct logbuf *b = calloc(1, sizeof *b);
    if (NULL == b) {
        return NULL;
    }
    pthread_mutex_init(&b->mu, NULL);
    pthread_mutex_lock(&lb_mu);
    if (!lb_flusher) {
        pthread_t t;
        pthread_attr_t at;
        pthread_attr_init(&at);
        pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
        pthread_attr_setstacksize(&at, 64 * 1024);
        lb_flusher = 0 == pthread_create(&t, &at, lb_flush_loop, NULL);
        pthread_attr_destroy(&at);
    }
    if (!lb_flusher) {
        pthread_mutex_unlock(&lb_mu);
        pthread_mutex_destroy(&b->mu);
        free(b);
        return NULL;
    }
    b->next = lb_all;
    lb_all = b;
    pthread_mutex_unlock(&lb_mu);
    pthread_setspecific(lb_key, b);
    lb_mine = b;
    return b;
}

/* Write out what this thread's buffer holds (before a line that is written at once). */
static void
lb_flush_mine(void)
{
    struct logbuf *b = lb_mine;
    if (b) {
        pthread_mutex_lock(&b->mu);
        lb_out(b);
        pthread_mutex_unlock(&b->mu);
    }
}

/* ---------------------------------------------------------------- lines */

static void log_line(enum wm_log_level lvl, bool buffered, const char *fmt, va_list ap)
    WM_PRINTF(3, 0);

void
wm_log(enum wm_log_level lvl, const char *fmt, ...)
{
    if (lvl > log_level) {
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    log_line(lvl, false, fmt, ap);
    va_end(ap);
}

void
wm_log_buffered(enum wm_log_level lvl, const char *fmt, ...)
{
    if (lvl > log_level) {
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    log_line(lvl, WM_LOG_INFO <= lvl, fmt, ap);
    va_end(ap);
}

static void
log_line(enum wm_log_level lvl, bool buffered, const char *fmt, va_list ap)
{
    static const char *names[] = {"ERROR", "WARN", "INFO", "DEBUG"};
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    if (0 == log_tid) {
        log_tid = (long)syscall(SYS_gettid);
    }
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    char line[2048];
    int n = snprintf(line, sizeof line, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ %s [%ld] %s ",
                     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                     tm.tm_sec, ts.tv_nsec / 1000000, names[lvl], log_tid,
                     log_rid);
    if (n < 0 || (size_t)n >= sizeof line) {
        n = 0;
    }
    int m = vsnprintf(line + n, sizeof line - (size_t)n - 1, fmt, ap);
    size_t len = (size_t)n + (m < 0 ? 0 : (size_t)m);
    if (len > sizeof line - 2) {
        len = sizeof line - 2;
    }
    /* One line, always: newlines inside a message would forge log entries. */
    for (size_t i = (size_t)n; i < len; i++) {
        if ('\n' == line[i] || '\r' == line[i]) {
            line[i] = ' ';
        }
    }
    line[len++] = '\n';
    struct logbuf *b = buffered ? lb_get() : NULL;
    if (NULL == b) {
        lb_flush_mine();
        lb_write(line, len);
        return;
    }
    pthread_mutex_lock(&b->mu);
    bool first = 0 == b->len;
    if (b->len + len > sizeof b->data) {
        lb_out(b);
    }
    memcpy(b->data + b->len, line, len);
    b->len += len;
    pthread_mutex_unlock(&b->mu);
    if (first) {
        pthread_mutex_lock(&lb_mu);
        if (!lb_waiting) {
            lb_waiting = true;
            pthread_cond_signal(&lb_cv);
        }
        pthread_mutex_unlock(&lb_mu);
    }
}

/* end of log.c */
