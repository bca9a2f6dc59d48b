/*
** test_http_ops.c — running wenming (issue 13) over real HTTP:
**   healthz    GET /healthz without a login: 200 {status: ok, checks: {store, blobs, disk}};
**              503 naming the blob directory when its tmp/ cannot take a file (replaced by
**              a plain file: root ignores permission bits), and naming the disk when
**              health_min_free_mb is absurdly high
**   metrics    GET /metrics in the Prometheus text format: every line a comment or
**              `name{labels} value`, every sample of a declared family; counters grow with
**              requests, labelled by the route's pattern (never the raw path); histogram
**              buckets cumulative with +Inf equal to _count; bytes in and out, open sessions,
**              jobs by state, free disk, start time
**   allow      metrics_allow = 10.0.0.1, 10.1.0.0/16: 404 from 127.0.0.1 (a CIDR that holds
**              it, 127.0.0.0/8, is the main server's: 200)
**   nginx      a real nginx (nginx-light) on a loopback port in front of `wenming serve`
**              with accel_redirect: an upload through nginx, the download through nginx
**              (whole and a Range) byte-identical, with wenming's Content-Type and
**              Content-Disposition, audited; wenming itself answers X-Accel-Redirect with no
**              body; the internal location is 404 from outside.  Only that test is skipped,
**              with a message, when there is no nginx binary.
*/
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <regex.h>

/* cmocka.h needs these before it (clang-format would sort them after it). */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
/* clang-format on */

#include "harness.h"

#define YEAR 2021

static struct th_server srv;
static struct th_cred admin;
static struct th_server s2, wm; /* the extra servers of some tests (a failed test's are
                                   stopped by the group's teardown) */

/* ---------------------------------------------------------------- helpers */

static struct th_resp *
get(const struct th_server *s, const char *path)
{
    const struct th_req q = { .method = "GET", .path = path };
    return th_do(s, &q);
}

static struct th_resp *
scrape(void)
{
    struct th_resp *r = get(&srv, "/metrics");
    th_assert_status(r, 200);
    return r;
}

/* The value of the sample whose name and labels are exactly series; -1 when absent. */
static long long
sample(const char *text, const char *series)
{
    size_t n = strlen(series);
    for (const char *s = text; s && *s; s = strchr(s, '\n') ? strchr(s, '\n') + 1 : NULL) {
        if (0 == strncmp(s, series, n) && ' ' == s[n]) {
            return strtoll(s + n + 1, NULL, 10);
        }
    }
    return -1;
}

/* ---------------------------------------------------------------- group setup */

static int
setup(void **state)
{
    (void)state;
    if (th_server_create(&srv, "metrics_allow = 127.0.0.0/8") || th_server_start(&srv, NULL)) {
        return -1;
    }
    th_login_full(&srv, "admin", TH_DEMO_PW, &admin);
    return 0;
}

static void nginx_cleanup(void);

static int
teardown(void **state)
{
    (void)state;
    nginx_cleanup();
    if (s2.dir[0]) {
        th_server_destroy(&s2);
    }
    if (wm.dir[0]) {
        th_server_destroy(&wm);
    }
    return th_server_finish(&srv);
}

/* ---------------------------------------------------------------- healthz */

static void
assert_check(const json_t *body, const char *name, const char *want)
{
    const char *v = th_jstr(json_object_get(body, "checks"), name);
    assert_non_null(v);
    if (want) {
        assert_string_equal(v, want);
    } else {
        assert_string_not_equal(v, "ok");
    }
}

static void
test_healthz_ok(void **state)
{
    (void)state;
    struct th_resp *r = get(&srv, "/healthz");
    th_assert_status(r, 200);
    assert_string_equal(th_jstr(r->json, "status"), "ok");
    assert_check(r->json, "store", "ok");
    assert_check(r->json, "blobs", "ok");
    assert_check(r->json, "disk", "ok");
    assert_string_equal(th_header(r, "Cache-Control"), "no-store");
    /* nothing of the server's layout */
    assert_null(strstr(r->body, srv.dir));
    th_resp_free(r);
}

/* The blob directory cannot take a file: its tmp/ is a plain file for a moment. */
static void
test_healthz_blobs(void **state)
{
    (void)state;
    char tmp[PATH_MAX + 32], aside[PATH_MAX + 32];
    snprintf(tmp, sizeof tmp, "%s/blobs/tmp", srv.dir);
    snprintf(aside, sizeof aside, "%s/blobs/tmp.aside", srv.dir);
    assert_int_equal(rename(tmp, aside), 0);
    FILE *f = fopen(tmp, "w");
    assert_non_null(f);
    fclose(f);
    struct th_resp *r = get(&srv, "/healthz");
    th_assert_status(r, 503);
    assert_string_equal(th_jstr(r->json, "status"), "fail");
    assert_check(r->json, "blobs", "blob directory not writable");
    assert_check(r->json, "store", "ok");
    assert_null(strstr(r->body, srv.dir));
    th_resp_free(r);
    assert_int_equal(unlink(tmp), 0);
    assert_int_equal(rename(aside, tmp), 0);
    r = get(&srv, "/healthz");
    th_assert_status(r, 200);
    th_resp_free(r);
}

/* ---------------------------------------------------------------- metrics */

/* Every line a comment (# HELP / # TYPE) or `name{labels} value`, and every sample's family
** declared by a TYPE line before it (for _bucket, _sum, _count: the histogram's). */
static void
assert_exposition(const char *text)
{
    regex_t line_re, type_re;
    assert_int_equal(regcomp(&line_re,
                             "^([a-zA-Z_:][a-zA-Z0-9_:]*)"
                             "(\\{[a-zA-Z_][a-zA-Z0-9_]*=\"([^\"\\\\]|\\\\.)*\""
                             "(,[a-zA-Z_][a-zA-Z0-9_]*=\"([^\"\\\\]|\\\\.)*\")*\\})?"
                             " (-?[0-9]+(\\.[0-9]+)?|\\+Inf|-Inf|NaN)$",
                             REG_EXTENDED),
                     0);
    assert_int_equal(regcomp(&type_re,
                             "^# (HELP [a-zA-Z_:][a-zA-Z0-9_:]* .+|TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) "
                             "(counter|gauge|histogram|summary|untyped))$",
                             REG_EXTENDED),
                     0);
    char *copy = strdup(text), *next = NULL;
    char declared[8192] = " ";
    unsigned samples = 0;
    assert_true(strlen(text) > 0 && '\n' == text[strlen(text) - 1]);
    for (char *l = copy; *l; l = next) {
        char *eol = strchr(l, '\n');
        *eol = '\0';
        next = eol + 1;
        regmatch_t m[8];
        if ('#' == l[0]) {
            if (0 != regexec(&type_re, l, 8, m, 0)) {
                fail_msg("not a HELP or TYPE line: %s", l);
            }
            if (m[2].rm_so >= 0) {
                snprintf(declared + strlen(declared), sizeof declared - strlen(declared), "%.*s ",
                         (int)(m[2].rm_eo - m[2].rm_so), l + m[2].rm_so);
            }
            continue;
        }
        if (0 != regexec(&line_re, l, 8, m, 0)) {
            fail_msg("not a sample line: %s", l);
        }
        char name[128], fam[140];
        snprintf(name, sizeof name, "%.*s", (int)(m[1].rm_eo - m[1].rm_so), l);
        snprintf(fam, sizeof fam, " %s ", name);
        if (NULL == strstr(declared, fam)) {
            static const char *const sfx[] = { "_bucket", "_sum", "_count" };
            bool ok = false;
            for (size_t i = 0; i < 3 && !ok; i++) {
                size_t nl = strlen(name), sl = strlen(sfx[i]);
                if (nl > sl && 0 == strcmp(name + nl - sl, sfx[i])) {
                    snprintf(fam, sizeof fam, " %.*s ", (int)(nl - sl), name);
                    ok = NULL != strstr(declared, fam);
                }
            }
            if (!ok) {
                fail_msg("a sample of an undeclared family: %s", l);
            }
        }
        samples++;
    }
    assert_true(samples > 10);
    free(copy);
    regfree(&line_re);
    regfree(&type_re);
}

static void
test_metrics_format(void **state)
{
    (void)state;
    struct th_resp *r = get(&srv, "/healthz"); /* at least one request counted */
    th_resp_free(r);
    r = scrape();
    const char *ct = th_header(r, "Content-Type");
    assert_non_null(ct);
    assert_non_null(strstr(ct, "text/plain; version=0.0.4"));
    assert_exposition(r->body);
    static const char *const present[] = { "wenming_http_received_bytes_total",
                                           "wenming_http_sent_bytes_total",
                                           "wenming_sessions_open",
                                           "wenming_jobs{state=\"queued\"}",
                                           "wenming_jobs{state=\"running\"}",
                                           "wenming_jobs{state=\"failed\"}",
                                           "wenming_disk_free_bytes",
                                           "process_start_time_seconds",
                                           "wenming_store_up",
                                           "wenming_http_requests_in_flight" };
    for (size_t i = 0; i < sizeof present / sizeof present[0]; i++) {
        if (sample(r->body, present[i]) < 0) {
            fail_msg("no sample %s in:\n%s", present[i], r->body);
        }
    }
    assert_int_equal(sample(r->body, "wenming_store_up"), 1);
    assert_true(sample(r->body, "wenming_disk_free_bytes") > 0);
    long long started = sample(r->body, "process_start_time_seconds");
    assert_true(started > 1700000000 && started <= (long long)time(NULL));
    th_resp_free(r);
}

/* Counters grow with requests, under the route's pattern and the status class. */
static void
test_metrics_counters(void **state)
{
    (void)state;
    const char *ok = "wenming_http_requests_total{method=\"GET\",route=\"/healthz\",code=\"2xx\"}";
    const char *unit = "wenming_http_requests_total{method=\"GET\",route=\"/api/v1/units/{id}\","
                       "code=\"4xx\"}";
    const char *none = "wenming_http_requests_total{method=\"GET\",route=\"(unmatched)\","
                       "code=\"4xx\"}";
    struct th_resp *r = scrape();
    long long ok0 = sample(r->body, ok), unit0 = sample(r->body, unit),
              none0 = sample(r->body, none),
              in0 = sample(r->body, "wenming_http_received_bytes_total"),
              out0 = sample(r->body, "wenming_http_sent_bytes_total"),
              sess0 = sample(r->body, "wenming_sessions_open");
    th_resp_free(r);
    for (int i = 0; i < 3; i++) {
        th_resp_free(get(&srv, "/healthz"));
    }
    th_resp_free(get(&srv, "/api/v1/units/987654321")); /* anonymous: 401 */
    th_resp_free(get(&srv, "/no/such/path-zyxw"));
    struct th_cred c;
    assert_int_equal(th_login(&srv, "office", TH_DEMO_PW, &c), 201); /* a body, a session */
    r = scrape();
    assert_int_equal(sample(r->body, ok), (ok0 < 0 ? 0 : ok0) + 3);
    assert_int_equal(sample(r->body, unit), (unit0 < 0 ? 0 : unit0) + 1);
    assert_int_equal(sample(r->body, none), (none0 < 0 ? 0 : none0) + 1);
    assert_true(sample(r->body, "wenming_http_received_bytes_total") > in0 + 20);
    assert_true(sample(r->body, "wenming_http_sent_bytes_total") > out0 + 3 * 50);
    assert_int_equal(sample(r->body, "wenming_sessions_open"), sess0 + 1);
    /* the pattern, never the raw path */
    assert_null(strstr(r->body, "987654321"));
    assert_null(strstr(r->body, "path-zyxw"));
    th_resp_free(r);
}

/* The value of the le bucket of a series prefix (name + labels without the closing brace). */
static void
test_metrics_histogram(void **state)
{
    (void)state;
    static const char *const le[] = { "0.005", "0.01", "0.025", "0.05", "0.1", "0.25",
                                      "0.5",   "1",    "2.5",   "5",    "10",  "+Inf" };
    for (int i = 0; i < 5; i++) {
        th_resp_free(get(&srv, "/healthz"));
    }
    struct th_resp *r = scrape();
    const char *labels = "{method=\"GET\",route=\"/healthz\"";
    long long prev = 0;
    char series[256];
    for (size_t i = 0; i < sizeof le / sizeof le[0]; i++) {
        snprintf(series, sizeof series, "wenming_http_request_duration_seconds_bucket%s,le=\"%s\"}",
                 labels, le[i]);
        long long v = sample(r->body, series);
        assert_true(v >= prev); /* cumulative */
        prev = v;
    }
    snprintf(series, sizeof series, "wenming_http_request_duration_seconds_count%s}", labels);
    long long count = sample(r->body, series);
    assert_true(count >= 5);
    assert_int_equal(prev, count); /* +Inf is the count */
    snprintf(series, sizeof series, "wenming_http_request_duration_seconds_sum%s}", labels);
    assert_true(sample(r->body, series) >= 0);
    /* every histogram in the answer: buckets never decrease */
    long long last = -1;
    char lastkey[512] = "";
    for (const char *s = r->body; s && *s; s = strchr(s, '\n') ? strchr(s, '\n') + 1 : NULL) {
        if (strncmp(s, "wenming_http_request_duration_seconds_bucket{", 46)) {
            continue;
        }
        const char *lep = strstr(s, ",le=\"");
        assert_non_null(lep);
        char key[512];
        snprintf(key, sizeof key, "%.*s", (int)(lep - s), s);
        long long v = strtoll(strchr(lep, '}') + 2, NULL, 10);
        if (0 == strcmp(key, lastkey)) {
            assert_true(v >= last);
        }
        snprintf(lastkey, sizeof lastkey, "%s", key);
        last = v;
    }
    th_resp_free(r);
}

/* A server with a high disk threshold and metrics for other addresses only. */
static void
test_disk_and_allow(void **state)
{
    (void)state;
    assert_int_equal(th_server_create(&s2, "health_min_free_mb = 4000000000\n"
                                           "metrics_allow = 10.0.0.1, 10.1.0.0/16"),
                     0);
    assert_int_equal(th_server_start(&s2, NULL), 0);
    struct th_resp *r = get(&s2, "/healthz");
    th_assert_status(r, 503);
    assert_string_equal(th_jstr(r->json, "status"), "fail");
    assert_check(r->json, "disk", NULL);
    assert_non_null(strstr(th_jstr(json_object_get(r->json, "checks"), "disk"), "below"));
    assert_check(r->json, "store", "ok");
    assert_check(r->json, "blobs", "ok");
    th_resp_free(r);
    r = get(&s2, "/metrics");
    th_assert_error(r, 404, "not_found", NULL);
    assert_null(strstr(r->body, "wenming_http"));
    th_resp_free(r);
    assert_int_equal(th_server_finish(&s2), 0);
    /* a list that is not addresses: the server does not start */
    assert_int_equal(th_server_create(&s2, "metrics_allow = 127.0.0.1, localhost"), 0);
    assert_int_not_equal(th_server_start(&s2, NULL), 0);
    th_server_destroy(&s2);
}

/* ---------------------------------------------------------------- nginx */

#define ACCEL "/_wenming_blobs/"

static const char *
nginx_bin(void)
{
    static const char *const where[] = { "/usr/sbin/nginx", "/usr/bin/nginx",
                                         "/usr/local/sbin/nginx", "/usr/local/nginx/sbin/nginx" };
    for (size_t i = 0; i < sizeof where / sizeof where[0]; i++) {
        if (0 == access(where[i], X_OK)) {
            return where[i];
        }
    }
    return NULL;
}

/* A loopback port free a moment ago. */
static unsigned
free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t len = sizeof sa;
    assert_true(fd >= 0);
    assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
    close(fd);
    return ntohs(sa.sin_port);
}

struct nginx {
    pid_t pid;
    char dir[PATH_MAX];
    struct th_server front; /* base: nginx's address (only base is used) */
};
static struct nginx n; /* the nginx of test_nginx_accel (stopped by teardown if still running) */
static void nginx_stop(struct nginx *ng);

/* The site of doc/nginx/wenming.conf, without TLS, on a loopback port in dir. */
static void
nginx_conf(const char *path, const char *dir, unsigned port, unsigned upstream, const char *blobs)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fprintf(
        f,
        "daemon off;\nmaster_process off;\nworker_processes 1;\npid %s/nginx.pid;\n"
        "error_log %s/error.log info;\nevents { worker_connections 64; }\n"
        "http {\n  access_log %s/access.log;\n  client_body_temp_path %s/body;\n"
        "  proxy_temp_path %s/proxy;\n  fastcgi_temp_path %s/fastcgi;\n"
        "  uwsgi_temp_path %s/uwsgi;\n  scgi_temp_path %s/scgi;\n"
        "  default_type application/octet-stream;\n"
        "  upstream wenming { server 127.0.0.1:%u; }\n"
        "  server {\n    listen 127.0.0.1:%u;\n    client_max_body_size 2g;\n"
        "    proxy_set_header Host $host;\n"
        "    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n"
        "    location ~ ^(/api/v1)?/units/[0-9]+/archives/[0-9]+/((indicators|leaf)/[^/]+(/documents|/guidance)?|import)$ {\n"
        "      proxy_pass http://wenming;\n      proxy_request_buffering off;\n"
        "      proxy_http_version 1.1;\n    }\n"
        "    location / { proxy_pass http://wenming; }\n"
        "    location ^~ %s {\n      internal;\n      alias %s/;\n"
        "      add_header X-Content-Type-Options nosniff;\n"
        "      add_header Content-Security-Policy \"sandbox; default-src 'none'\";\n"
        "    }\n  }\n}\n",
        dir, dir, dir, dir, dir, dir, dir, dir, upstream, port, ACCEL, blobs);
    fclose(f);
}

static void
nginx_start(struct nginx *ng, const struct th_server *back)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(ng->dir, sizeof ng->dir, "%s/wm-nginx-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    assert_non_null(mkdtemp(ng->dir));
    unsigned port = free_port();
    char conf[PATH_MAX + 16], blobs[PATH_MAX + 16], err[PATH_MAX + 16];
    snprintf(conf, sizeof conf, "%s/nginx.conf", ng->dir);
    snprintf(blobs, sizeof blobs, "%s/blobs", back->dir);
    snprintf(err, sizeof err, "%s/error.log", ng->dir);
    nginx_conf(conf, ng->dir, port, back->port, blobs);
    ng->pid = fork();
    assert_true(ng->pid >= 0);
    if (0 == ng->pid) {
        execl(nginx_bin(), "nginx", "-p", ng->dir, "-c", conf, "-e", err, (char *)NULL);
        _exit(127);
    }
    memset(&ng->front, 0, sizeof ng->front);
    snprintf(ng->front.base, sizeof ng->front.base, "http://127.0.0.1:%u", port);
    for (int i = 0; i < 250; i++) { /* up to 5 s */
        struct th_resp *r = get(&ng->front, "/healthz");
        long st = r->status;
        th_resp_free(r);
        if (200 == st) {
            return;
        }
        usleep(20000);
    }
    char cmd[PATH_MAX + 32];
    snprintf(cmd, sizeof cmd, "cat %s >&2", err);
    (void)system(cmd);
    fail_msg("nginx did not answer on port %u", port);
}

static void
nginx_stop(struct nginx *ng)
{
    if (ng->pid > 0) {
        kill(ng->pid, SIGTERM);
        int st;
        waitpid(ng->pid, &st, 0);
        ng->pid = 0;
    }
    if (ng->dir[0]) {
        char cmd[PATH_MAX + 16];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", ng->dir);
        (void)system(cmd);
        ng->dir[0] = '\0';
    }
}

static void
nginx_cleanup(void)
{
    nginx_stop(&n);
}

static struct th_resp *
content(const struct th_server *s, const struct th_cred *c, int64_t id, const char *range)
{
    char path[96];
    snprintf(path, sizeof path, "/api/v1/documents/%lld/content", (long long)id);
    const char *hdrs[] = { range, NULL };
    const struct th_req q = {
        .method = "GET", .path = path, .cred = c, .flags = TH_BEARER, .headers = range ? hdrs : NULL
    };
    return th_do(s, &q);
}

/* How many header lines of r are named name. */
static unsigned
header_count(const struct th_resp *r, const char *name)
{
    unsigned k = 0;
    size_t len = strlen(name);
    for (const char *s = r->hdrs; s && *s; s = strchr(s, '\n') ? strchr(s, '\n') + 1 : NULL) {
        k += 0 == strncasecmp(s, name, len) && ':' == s[len];
    }
    return k;
}

static size_t
audited_downloads(const struct th_server *s, const struct th_cred *adm, int64_t id)
{
    struct th_resp *r =
        th_api(s, "GET", "/api/v1/audit?action=document.download&limit=200", adm, TH_BEARER, NULL);
    th_assert_status(r, 200);
    size_t hits = 0, i;
    json_t *e;
    json_array_foreach(json_object_get(r->json, "items"), i, e)
    {
        hits += th_jint(e, "object_id") == id;
    }
    th_resp_free(r);
    return hits;
}

static void
test_nginx_accel(void **state)
{
    (void)state;
    if (NULL == nginx_bin()) {
        fprintf(stderr, "SKIP test_nginx_accel: no nginx binary (install nginx-light)\n");
        skip();
    }
    assert_int_equal(th_server_create(&wm, "accel_redirect = " ACCEL "\n"
                                           "trusted_proxies = 127.0.0.1"),
                     0);
    assert_int_equal(th_server_start(&wm, NULL), 0);
    struct th_cred ua;
    th_login_full(&wm, "unitadmin", TH_DEMO_PW, &ua);
    struct th_cred adm;
    th_login_full(&wm, "admin", TH_DEMO_PW, &adm);
    int64_t unit = th_unit_id(&wm, &adm, "DEMO001");
    assert_true(unit > 0 && th_archive_create(&wm, &adm, unit, YEAR));
    nginx_start(&n, &wm);

    /* the upload goes through nginx (unbuffered) */
    struct bytes pdf = pdf_make("经由 nginx", 300000);
    char path[160];
    snprintf(path, sizeof path, "/api/v1/units/%lld/archives/%d/indicators/1.1.1/documents",
             (long long)unit, YEAR);
    struct th_file f = { .name = "会议 纪要\"1\".pdf", .data = pdf.p, .len = pdf.n };
    const char *fields[] = { "title", "会议\"纪要\" 1", NULL }; /* quotes, a space: encoded */
    struct th_resp *r = th_upload(&n.front, path, &ua, TH_BEARER, &f, 1, fields);
    th_assert_status(r, 201);
    int64_t id = th_jint(json_array_get(json_object_get(r->json, "items"), 0), "id");
    assert_true(id > 0);
    th_resp_free(r);

    /* wenming itself: X-Accel-Redirect and no body */
    r = content(&wm, &ua, id, NULL);
    th_assert_status(r, 200);
    const char *xa = th_header(r, "X-Accel-Redirect");
    assert_non_null(xa);
    assert_true(0 == strncmp(xa, ACCEL "objects/", strlen(ACCEL "objects/")));
    assert_int_equal(r->len, 0);
    th_resp_free(r);
    assert_int_equal(audited_downloads(&wm, &adm, id), 1);

    /* through nginx: the bytes, wenming's type and name */
    r = content(&n.front, &ua, id, NULL);
    th_assert_status(r, 200);
    assert_int_equal(r->len, pdf.n);
    assert_memory_equal(r->body, pdf.p, pdf.n);
    assert_string_equal(th_header(r, "Content-Type"), "application/pdf");
    const char *cd = th_header(r, "Content-Disposition");
    assert_non_null(cd);
    assert_non_null(strstr(cd, "attachment; filename=\"DEMO001-2021-1.1.1-01.pdf\"; "));
    assert_non_null(strstr(cd, "filename*=UTF-8''%E4%BC%9A%E8%AE%AE%22%E7%BA%AA%E8%A6%81%22%201.pdf"));
    assert_null(th_header(r, "X-Accel-Redirect"));
    assert_string_equal(th_header(r, "X-Content-Type-Options"), "nosniff");
    assert_non_null(strstr(th_header(r, "Content-Security-Policy"), "sandbox"));
    assert_int_equal(header_count(r, "X-Content-Type-Options"), 1);
    assert_int_equal(header_count(r, "Content-Type"), 1);
    assert_int_equal(header_count(r, "Content-Disposition"), 1);
    assert_int_equal(header_count(r, "Cache-Control"), 1);
    th_resp_free(r);
    assert_int_equal(audited_downloads(&wm, &adm, id), 2);

    /* a Range, answered by nginx */
    r = content(&n.front, &ua, id, "Range: bytes=1000-1999");
    th_assert_status(r, 206);
    assert_int_equal(r->len, 1000);
    assert_memory_equal(r->body, pdf.p + 1000, 1000);
    char cr[64];
    snprintf(cr, sizeof cr, "bytes 1000-1999/%zu", pdf.n);
    assert_string_equal(th_header(r, "Content-Range"), cr);
    th_resp_free(r);

    /* permission still wenming's: another unit's viewer gets 404 through nginx too */
    struct th_cred ev;
    th_login_full(&wm, "evaluator", TH_DEMO_PW, &ev);
    r = content(&n.front, &ev, id, NULL);
    th_assert_status(r, 404);
    assert_true(r->len < 2000);
    th_resp_free(r);

    /* behind the proxy /metrics judges the client it forwards for, not nginx */
    r = get(&n.front, "/metrics");
    th_assert_status(r, 200);
    th_resp_free(r);
    const char *xff[] = { "X-Forwarded-For: 203.0.113.9", NULL };
    const struct th_req fq = { .method = "GET", .path = "/metrics", .headers = xff };
    r = th_do(&n.front, &fq);
    th_assert_status(r, 404);
    th_resp_free(r);

    /* the internal location is not reachable from outside */
    r = content(&wm, &ua, id, NULL);
    char direct[256];
    snprintf(direct, sizeof direct, "%s", th_header(r, "X-Accel-Redirect"));
    th_resp_free(r);
    r = get(&n.front, direct);
    th_assert_status(r, 404);
    assert_true(r->len < 2000);
    th_resp_free(r);

    free(pdf.p);
    nginx_stop(&n);
    assert_int_equal(th_server_finish(&wm), 0);
}

int
main(int argc, char **argv)
{
    if (!th_init(argc, argv)) {
        return 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_healthz_ok),        cmocka_unit_test(test_healthz_blobs),
        cmocka_unit_test(test_metrics_format),    cmocka_unit_test(test_metrics_counters),
        cmocka_unit_test(test_metrics_histogram), cmocka_unit_test(test_disk_and_allow),
        cmocka_unit_test(test_nginx_accel),
    };
    int failed = cmocka_run_group_tests_name("ops", tests, setup, teardown);
    th_done();
    return failed + th_teardown_failures;
}

/* end of test_http_ops.c */
