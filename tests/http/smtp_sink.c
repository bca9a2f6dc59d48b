/*
** smtp_sink.c — a tiny SMTP server for tests (see smtp_sink.h).  One thread accepts
** connections one after the other and serves each to its end; a client that says nothing
** for a while is dropped (the poll below only lets the thread notice a stop).
*/
#include "smtp_sink.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

struct msg {
    char *from, *rcpt, *data;
};

struct smtp_sink {
    int fd;
    unsigned port;
    pthread_t th;
    pthread_mutex_t mu;
    bool stop;
    int refuse;
    struct msg *msgs;
    size_t n, cap;
};

/* A connection's input: lines (CRLF or LF) from a buffer refilled from the socket. */
struct conn {
    struct smtp_sink *s;
    int fd;
    char buf[8192];
    size_t len;
};

static bool
stopped(struct smtp_sink *s)
{
    pthread_mutex_lock(&s->mu);
    bool st = s->stop;
    pthread_mutex_unlock(&s->mu);
    return st;
}

/* The next line without its line end into out (NUL-terminated, cut at cap); false at the
** end of the connection or a stop. */
static bool
read_line(struct conn *c, char *out, size_t cap)
{
    for (;;) {
        char *nl = memchr(c->buf, '\n', c->len);
        if (nl) {
            size_t n = (size_t)(nl - c->buf);
            size_t k = n > 0 && '\r' == c->buf[n - 1] ? n - 1 : n;
            if (k >= cap) {
                k = cap - 1;
            }
            memcpy(out, c->buf, k);
            out[k] = '\0';
            memmove(c->buf, nl + 1, c->len - n - 1);
            c->len -= n + 1;
            return true;
        }
        if (c->len == sizeof c->buf) {
            c->len = 0; /* a line too long: dropped */
        }
        struct pollfd p = {.fd = c->fd, .events = POLLIN};
        int pr = poll(&p, 1, 100);
        if (stopped(c->s)) {
            return false;
        }
        if (pr <= 0) {
            continue;
        }
        ssize_t r = read(c->fd, c->buf + c->len, sizeof c->buf - c->len);
        if (r <= 0) {
            return false;
        }
        c->len += (size_t)r;
    }
}

static void
say(int fd, const char *line)
{
    size_t n = strlen(line);
    while (n) {
        ssize_t w = write(fd, line, n);
        if (w <= 0) {
            return;
        }
        line += w;
        n -= (size_t)w;
    }
}

/* The address inside <...> of "MAIL FROM:<a>" / "RCPT TO:<a>" (a copy). */
static char *
addr_of(const char *line)
{
    const char *lt = strchr(line, '<'), *gt = lt ? strchr(lt, '>') : NULL;
    return lt && gt ? strndup(lt + 1, (size_t)(gt - lt - 1)) : strdup("");
}

static void
serve(struct smtp_sink *s, int fd)
{
    struct conn *c = calloc(1, sizeof *c);
    c->s = s;
    c->fd = fd;
    char line[4096];
    char *from = NULL, *rcpt = NULL;
    say(fd, "220 sink.test ESMTP ready\r\n");
    while (read_line(c, line, sizeof line)) {
        if (0 == strncasecmp(line, "EHLO", 4)) {
            say(fd, "250-sink.test\r\n250-8BITMIME\r\n250 SIZE 10485760\r\n");
        } else if (0 == strncasecmp(line, "HELO", 4)) {
            say(fd, "250 sink.test\r\n");
        } else if (0 == strncasecmp(line, "MAIL FROM:", 10)) {
            free(from);
            from = addr_of(line);
            say(fd, "250 2.1.0 OK\r\n");
        } else if (0 == strncasecmp(line, "RCPT TO:", 8)) {
            free(rcpt);
            rcpt = addr_of(line);
            say(fd, "250 2.1.5 OK\r\n");
        } else if (0 == strcasecmp(line, "DATA")) {
            pthread_mutex_lock(&s->mu);
            int refuse = s->refuse;
            pthread_mutex_unlock(&s->mu);
            if (refuse) {
                char r[64];
                snprintf(r, sizeof r, "%d 4.3.0 try again later\r\n", refuse);
                say(fd, r);
                continue;
            }
            say(fd, "354 end with <CRLF>.<CRLF>\r\n");
            size_t dl = 0, dcap = 4096;
            char *data = malloc(dcap);
            bool ended = false;
            while (read_line(c, line, sizeof line)) {
                if (0 == strcmp(line, ".")) {
                    ended = true;
                    break;
                }
                const char *l = '.' == line[0] ? line + 1 : line; /* dot stuffing */
                size_t n = strlen(l);
                if (dl + n + 3 > dcap) {
                    dcap = 2 * (dl + n + 3);
                    data = realloc(data, dcap);
                }
                memcpy(data + dl, l, n);
                memcpy(data + dl + n, "\r\n", 2);
                dl += n + 2;
            }
            data[dl] = '\0';
            if (!ended) {
                free(data);
                break;
            }
            pthread_mutex_lock(&s->mu);
            if (s->n == s->cap) {
                s->cap = s->cap ? 2 * s->cap : 8;
                s->msgs = realloc(s->msgs, s->cap * sizeof *s->msgs);
            }
            s->msgs[s->n++] = (struct msg){.from = from ? from : strdup(""),
                                           .rcpt = rcpt ? rcpt : strdup(""), .data = data};
            pthread_mutex_unlock(&s->mu);
            from = rcpt = NULL;
            say(fd, "250 2.0.0 OK queued\r\n");
        } else if (0 == strcasecmp(line, "RSET")) {
            free(from);
            free(rcpt);
            from = rcpt = NULL;
            say(fd, "250 2.0.0 OK\r\n");
        } else if (0 == strcasecmp(line, "NOOP")) {
            say(fd, "250 2.0.0 OK\r\n");
        } else if (0 == strcasecmp(line, "QUIT")) {
            say(fd, "221 2.0.0 bye\r\n");
            break;
        } else {
            say(fd, "502 5.5.2 not implemented\r\n");
        }
    }
    free(from);
    free(rcpt);
    free(c);
    close(fd);
}

static void *
accept_loop(void *arg)
{
    struct smtp_sink *s = arg;
    while (!stopped(s)) {
        struct pollfd p = {.fd = s->fd, .events = POLLIN};
        if (poll(&p, 1, 100) <= 0) {
            continue;
        }
        int fd = accept(s->fd, NULL, NULL);
        if (fd >= 0) {
            serve(s, fd);
        }
    }
    return NULL;
}

struct smtp_sink *
smtp_sink_start(void)
{
    struct smtp_sink *s = calloc(1, sizeof *s);
    pthread_mutex_init(&s->mu, NULL);
    s->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = 0};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t al = sizeof a;
    if (s->fd < 0 || bind(s->fd, (struct sockaddr *)&a, sizeof a) || listen(s->fd, 8) ||
        getsockname(s->fd, (struct sockaddr *)&a, &al) ||
        pthread_create(&s->th, NULL, accept_loop, s)) {
        perror("smtp sink");
        if (s->fd >= 0) {
            close(s->fd);
        }
        free(s);
        return NULL;
    }
    s->port = ntohs(a.sin_port);
    return s;
}

unsigned
smtp_sink_port(const struct smtp_sink *s)
{
    return s->port;
}

void
smtp_sink_refuse(struct smtp_sink *s, int code)
{
    pthread_mutex_lock(&s->mu);
    s->refuse = code;
    pthread_mutex_unlock(&s->mu);
}

size_t
smtp_sink_count(struct smtp_sink *s)
{
    pthread_mutex_lock(&s->mu);
    size_t n = s->n;
    pthread_mutex_unlock(&s->mu);
    return n;
}

static char *
field(struct smtp_sink *s, size_t i, int which)
{
    char *out = NULL;
    pthread_mutex_lock(&s->mu);
    if (i < s->n) {
        const struct msg *m = &s->msgs[i];
        out = strdup(0 == which ? m->data : 1 == which ? m->rcpt : m->from);
    }
    pthread_mutex_unlock(&s->mu);
    return out;
}

char *
smtp_sink_data(struct smtp_sink *s, size_t i)
{
    return field(s, i, 0);
}

char *
smtp_sink_rcpt(struct smtp_sink *s, size_t i)
{
    return field(s, i, 1);
}

char *
smtp_sink_from(struct smtp_sink *s, size_t i)
{
    return field(s, i, 2);
}

void
smtp_sink_stop(struct smtp_sink *s)
{
    if (NULL == s) {
        return;
    }
    pthread_mutex_lock(&s->mu);
    s->stop = true;
    pthread_mutex_unlock(&s->mu);
    pthread_join(s->th, NULL);
    close(s->fd);
    for (size_t i = 0; i < s->n; i++) {
        free(s->msgs[i].from);
        free(s->msgs[i].rcpt);
        free(s->msgs[i].data);
    }
    free(s->msgs);
    pthread_mutex_destroy(&s->mu);
    free(s);
}

/* end of smtp_sink.c */
