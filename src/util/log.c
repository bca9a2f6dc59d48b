/*
** log.c — one line per event on stderr: time, level, thread, request id, message.
** The request id is thread-local: the HTTP layer sets it when a worker takes a request.
*/
#include "wm_util.h"

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

void
wm_log(enum wm_log_level lvl, const char *fmt, ...)
{
    static const char *names[] = {"ERROR", "WARN", "INFO", "DEBUG"};
    if (lvl > log_level) {
        return;
    }
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
    va_list ap;
    va_start(ap, fmt);
    int m = vsnprintf(line + n, sizeof line - (size_t)n - 1, fmt, ap);
    va_end(ap);
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
    ssize_t w = write(STDERR_FILENO, line, len);
    (void)w;
}

/* end of log.c */
