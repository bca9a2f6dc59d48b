/*
** harness.c — start and stop `wenming serve`, send requests with libcurl (see harness.h).
*/
#include "harness.h"
#include "../pgdb.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <ftw.h>
#include <poll.h>
#include <strings.h>

/* cmocka.h needs these before it (clang-format would sort them after it). */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
/* clang-format on */

static char g_bin[PATH_MAX];
static CURL *g_curl;
static bool g_pg; /* servers keep their data in PostgreSQL */

/* Live responses, so that a failed assertion (which leaves its test early) leaks nothing:
** th_done() frees what is left. */
struct live {
    struct th_resp *r;
    struct live *next;
};
static struct live *g_live;

static void resp_free(struct th_resp *r);
static struct th_resp *resp_new(void);

/* The test defaults every data directory starts with (later lines override them). */
static const char conf_defaults[] = "# written by tests/http/harness.c\n"
                                    "pwhash_mem = 8388608\n"
                                    "pwhash_ops = 1\n"
                                    "ip_attempts = 10000\n"
                                    "threads = 4\n";

static void *
xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (NULL == p) {
        fprintf(stderr, "harness: out of memory\n");
        abort();
    }
    return p;
}

static char *
xstrndup(const char *s, size_t n)
{
    char *p = xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

static double
mono_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A growable byte buffer, always NUL-terminated. */
struct th_buf {
    char *data;
    size_t len, cap;
};

static void
buf_add(struct th_buf *b, const void *p, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1) {
            cap *= 2;
        }
        char *d = realloc(b->data, cap);
        if (NULL == d) {
            fprintf(stderr, "harness: out of memory\n");
            abort();
        }
        b->data = d;
        b->cap = cap;
    }
    if (n) {
        memcpy(b->data + b->len, p, n);
    }
    b->len += n;
    b->data[b->len] = '\0';
}

static void
buf_adds(struct th_buf *b, const char *s)
{
    buf_add(b, s, strlen(s));
}

static char *
buf_steal(struct th_buf *b)
{
    if (NULL == b->data) {
        buf_add(b, "", 0);
    }
    char *d = b->data;
    b->data = NULL;
    b->len = b->cap = 0;
    return d;
}

/*
** WM_TEST_STORE=pg: PostgreSQL from WM_TEST_PG, or skip the whole program (exit 77) when
** there is no server or the binary has no PostgreSQL store (asked of `wenming migrate`
** on a database that does not exist, which creates nothing).
*/
static int
store_choose(void)
{
    const char *want = getenv("WM_TEST_STORE");
    if (NULL == want || '\0' == want[0] || 0 == strcmp(want, "sqlite")) {
        return 0;
    }
    if (0 != strcmp(want, "pg") && 0 != strcmp(want, "postgresql")) {
        fprintf(stderr, "harness: WM_TEST_STORE is sqlite or pg, not %s\n", want);
        return -1;
    }
    if (NULL == pgdb_server()) {
        printf("WM_TEST_STORE=pg but WM_TEST_PG is not set: skipped\n");
        exit(77);
    }
    char dir[PATH_MAX], conf[PATH_MAX + 32], store[1200], line[1300], *out = NULL;
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/wm-probe-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (NULL == mkdtemp(dir)) {
        return -1;
    }
    snprintf(conf, sizeof conf, "%s/wenming.conf", dir);
    if (pgdb_conninfo_for(pgdb_server(), "wm_probe_absent", store, sizeof store)) {
        return -1;
    }
    snprintf(line, sizeof line, "store = %s\n", store);
    FILE *f = fopen(conf, "w");
    if (f) {
        fputs(line, f);
        fclose(f);
    }
    const char *args[] = { "migrate", "--data", dir, NULL };
    (void)th_run(args, &out);
    bool absent = out && strstr(out, "no PostgreSQL store");
    free(out);
    remove(conf);
    rmdir(dir);
    if (absent) {
        printf("this wenming has no PostgreSQL store: skipped\n");
        exit(77);
    }
    g_pg = true;
    return 0;
}

bool
th_store_pg(void)
{
    return g_pg;
}

/* The rows of a libpq result, '|' between columns, a line each. */
static char *
pg_rows(PGresult *r)
{
    struct th_buf b = { 0 };
    for (int i = 0; i < PQntuples(r); i++) {
        for (int j = 0; j < PQnfields(r); j++) {
            if (j) {
                buf_adds(&b, "|");
            }
            buf_adds(&b, PQgetvalue(r, i, j));
        }
        buf_adds(&b, "\n");
    }
    return buf_steal(&b);
}

static int
pg_sql(const char *store, const char *sql, char **out)
{
    PGconn *c = PQconnectdb(store);
    if (CONNECTION_OK != PQstatus(c)) {
        fprintf(stderr, "harness: cannot connect to %s: %s", store, PQerrorMessage(c));
        PQfinish(c);
        return -1;
    }
    /* PQexec runs every statement of sql; the result is the last one's. */
    PGresult *r = PQexec(c, sql);
    int rc = 0;
    if (PGRES_COMMAND_OK != PQresultStatus(r) && PGRES_TUPLES_OK != PQresultStatus(r)) {
        fprintf(stderr, "harness: %s: %s", sql, PQerrorMessage(c));
        rc = -1;
    } else if (out) {
        *out = pg_rows(r);
    }
    PQclear(r);
    PQfinish(c);
    return rc;
}

/*
** Run argv[0] (searched in PATH when search) with stdout and stderr captured into *out
** (caller frees); WENMING_DATA is not passed on.  The exit status (128 + signal when
** killed), -1 when it could not be started.
*/
static int
run_capture(const char *const *argv, bool search, char **out)
{
    int pfd[2];
    *out = NULL;
    if (0 != pipe(pfd)) {
        return -1;
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        close(pfd[0]);
        close(pfd[1]);
        return -1;
    }
    if (0 == pid) {
        dup2(pfd[1], STDOUT_FILENO);
        dup2(pfd[1], STDERR_FILENO);
        close(pfd[0]);
        close(pfd[1]);
        unsetenv("WENMING_DATA");
        if (search) {
            execvp(argv[0], (char *const *)argv);
        } else {
            execv(argv[0], (char *const *)argv);
        }
        _exit(127);
    }
    close(pfd[1]);
    struct th_buf b = { 0 };
    char chunk[4096];
    ssize_t got;
    while ((got = read(pfd[0], chunk, sizeof chunk)) > 0 || (got < 0 && EINTR == errno)) {
        if (got > 0) {
            buf_add(&b, chunk, (size_t)got);
        }
    }
    close(pfd[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && EINTR == errno) {
    }
    *out = buf_steal(&b);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int
th_store_sql(const char *dir, const char *store, const char *sql, char **out)
{
    if (out) {
        *out = NULL;
    }
    if (store && *store) {
        return pg_sql(store, sql, out);
    }
    char db[PATH_MAX + 32];
    snprintf(db, sizeof db, "%s/wenming.db", dir);
    const char *argv[] = {"sqlite3", "-bail", "-cmd", ".timeout 10000", db, sql, NULL};
    char *text = NULL;
    int rc = run_capture(argv, true, &text) ? -1 : 0;
    if (rc) {
        fprintf(stderr, "harness: sqlite3 %s: %s\n%s\n", db, sql, text);
    }
    if (out && 0 == rc) {
        *out = text;
    } else {
        free(text);
    }
    return rc;
}

int
th_store_exec(const struct th_server *s, const char *sql)
{
    return th_store_sql(s->dir, s->store, sql, NULL);
}

int
th_store_query(const struct th_server *s, const char *sql, char **out)
{
    return th_store_sql(s->dir, s->store, sql, out);
}

int
th_store_new(char *db, size_t dblen, char *store, size_t storelen)
{
    return pgdb_create(db, dblen, store, storelen);
}

void
th_store_drop(const char *db)
{
    if (NULL == getenv("TH_KEEP_DATA")) {
        (void)pgdb_drop(db);
    }
}

bool
th_init(int argc, char **argv)
{
    const char *bin = argc > 1 ? argv[1] : getenv("WENMING_BIN");
    if (NULL == bin || '\0' == bin[0]) {
        fprintf(stderr, "harness: give the wenming binary as argv[1] or in WENMING_BIN\n");
        return false;
    }
    if (0 != access(bin, X_OK)) {
        fprintf(stderr, "harness: %s: %s\n", bin, strerror(errno));
        return false;
    }
    snprintf(g_bin, sizeof g_bin, "%s", bin);
    signal(SIGPIPE, SIG_IGN);
    if (store_choose()) {
        return false;
    }
    if (CURLE_OK != curl_global_init(CURL_GLOBAL_DEFAULT)) {
        fprintf(stderr, "harness: curl_global_init failed\n");
        return false;
    }
    return true;
}

void
th_done(void)
{
    while (g_live) {
        struct live *l = g_live;
        g_live = l->next;
        resp_free(l->r);
        free(l);
    }
    if (g_curl) {
        curl_easy_cleanup(g_curl);
        g_curl = NULL;
    }
    curl_global_cleanup();
}

const char *
th_bin(void)
{
    return g_bin;
}

/* ---------------------------------------------------------------- the server */

static int
write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (NULL == f) {
        return -1;
    }
    int rc = fputs(text, f) < 0 ? -1 : 0;
    if (0 != fclose(f)) {
        rc = -1;
    }
    return rc;
}

int
th_server_create(struct th_server *s, const char *extra_conf)
{
    const char *tmp = getenv("TMPDIR");
    char conf[PATH_MAX + 32];
    memset(s, 0, sizeof *s);
    s->out_fd = -1;
    snprintf(s->dir, sizeof s->dir, "%s/wm-http-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (NULL == mkdtemp(s->dir)) {
        fprintf(stderr, "harness: mkdtemp %s: %s\n", s->dir, strerror(errno));
        s->dir[0] = '\0';
        return -1;
    }
    struct th_buf b = { 0 };
    buf_adds(&b, conf_defaults);
    if (g_pg) {
        if (pgdb_create(s->pgdb, sizeof s->pgdb, s->store, sizeof s->store)) {
            fprintf(stderr, "harness: cannot create a PostgreSQL database\n");
            free(b.data);
            return -1;
        }
        buf_adds(&b, "store = ");
        buf_adds(&b, s->store);
        buf_adds(&b, "\n");
    }
    if (extra_conf) {
        buf_adds(&b, extra_conf);
        buf_adds(&b, "\n");
    }
    snprintf(conf, sizeof conf, "%s/wenming.conf", s->dir);
    int rc = write_file(conf, b.data);
    free(b.data);
    if (rc) {
        fprintf(stderr, "harness: cannot write %s\n", conf);
    }
    return rc;
}

void
th_server_log_tail(const struct th_server *s, unsigned lines)
{
    char path[PATH_MAX + 32];
    snprintf(path, sizeof path, "%s/server.log", s->dir);
    FILE *f = fopen(path, "r");
    if (NULL == f) {
        return;
    }
    struct th_buf b = { 0 };
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        buf_add(&b, chunk, n);
    }
    fclose(f);
    if (NULL == b.data) {
        return;
    }
    const char *p = b.data + b.len;
    unsigned seen = 0;
    while (p > b.data && seen <= lines) {
        p--;
        seen += '\n' == *p;
    }
    fprintf(stderr, "--- server log (%s), last lines ---\n%s\n---\n", path, p);
    free(b.data);
}

static struct th_resp *get_anon(const struct th_server *s, const char *path);

int
th_server_start(struct th_server *s, const char *const *env)
{
    int pfd[2];
    char logp[PATH_MAX + 32];
    snprintf(logp, sizeof logp, "%s/server.log", s->dir);
    if (0 != pipe(pfd)) {
        fprintf(stderr, "harness: pipe: %s\n", strerror(errno));
        return -1;
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        fprintf(stderr, "harness: fork: %s\n", strerror(errno));
        close(pfd[0]);
        close(pfd[1]);
        return -1;
    }
    if (0 == pid) {
        int logfd = open(logp, O_WRONLY | O_CREAT | O_APPEND, 0600);
        if (logfd < 0 || dup2(pfd[1], STDOUT_FILENO) < 0 || dup2(logfd, STDERR_FILENO) < 0) {
            _exit(127);
        }
        close(pfd[0]);
        close(pfd[1]);
        close(logfd);
        unsetenv("WENMING_DATA");
        for (size_t i = 0; env && env[i]; i++) {
            putenv((char *)env[i]);
        }
        signal(SIGPIPE, SIG_DFL);
        execl(g_bin, g_bin, "serve", "--demo", "--data", s->dir, "--listen", "127.0.0.1:0",
              (char *)NULL);
        _exit(127);
    }
    close(pfd[1]);
    s->pid = pid;
    s->out_fd = pfd[0];
    s->port = 0;
    struct th_buf out = { 0 };
    double deadline = mono_now() + 60.0;
    while (0 == s->port && mono_now() < deadline) {
        struct pollfd p = { .fd = s->out_fd, .events = POLLIN };
        int pr = poll(&p, 1, 100);
        if (pr > 0) {
            char chunk[1024];
            ssize_t n = read(s->out_fd, chunk, sizeof chunk);
            if (n <= 0) {
                break; /* the server closed its stdout: it has exited */
            }
            buf_add(&out, chunk, (size_t)n);
            const char *at = strstr(out.data, " on http://127.0.0.1:");
            if (at && strchr(at, '\n')) {
                s->port = (unsigned)strtoul(at + strlen(" on http://127.0.0.1:"), NULL, 10);
            }
        } else if (pr < 0 && EINTR != errno) {
            break;
        }
    }
    free(out.data);
    if (0 == s->port) {
        fprintf(stderr, "harness: the server did not print its address\n");
        th_server_log_tail(s, 30);
        (void)th_server_stop(s);
        return -1;
    }
    snprintf(s->base, sizeof s->base, "http://127.0.0.1:%u", s->port);
    /* It listens before it prints; still, wait until a request is answered. */
    for (int i = 0; i < 100; i++) {
        struct th_resp *r = get_anon(s, "/api/v1/me");
        long st = r->status;
        th_resp_free(r);
        if (401 == st) {
            return 0;
        }
        usleep(50000);
    }
    fprintf(stderr, "harness: the server on port %u does not answer\n", s->port);
    th_server_log_tail(s, 30);
    (void)th_server_stop(s);
    return -1;
}

int
th_server_stop(struct th_server *s)
{
    int status = 0, rc;
    if (0 == s->pid) {
        return 0;
    }
    /* Our keep-alive connection would be idle at the server: drop it first. */
    if (g_curl) {
        curl_easy_cleanup(g_curl);
        g_curl = NULL;
    }
    kill(s->pid, SIGTERM);
    double deadline = mono_now() + 30.0;
    pid_t w;
    while (0 == (w = waitpid(s->pid, &status, WNOHANG)) && mono_now() < deadline) {
        usleep(10000);
    }
    if (0 == w) {
        fprintf(stderr, "harness: the server did not stop within 30 s of SIGTERM\n");
        kill(s->pid, SIGKILL);
        (void)waitpid(s->pid, &status, 0);
        rc = 128 + SIGKILL;
    } else if (w < 0) {
        rc = -1;
    } else if (WIFEXITED(status)) {
        rc = WEXITSTATUS(status);
    } else {
        rc = 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    }
    if (rc) {
        fprintf(stderr, "harness: the server exited with status %d\n", rc);
        th_server_log_tail(s, 40);
    }
    if (s->out_fd >= 0) {
        close(s->out_fd);
        s->out_fd = -1;
    }
    s->pid = 0;
    return rc;
}

int
th_server_kill(struct th_server *s)
{
    int status = 0, rc;
    if (0 == s->pid) {
        fprintf(stderr, "harness: no server to kill\n");
        return -1;
    }
    if (g_curl) {
        curl_easy_cleanup(g_curl);
        g_curl = NULL;
    }
    kill(s->pid, SIGKILL);
    pid_t w;
    while ((w = waitpid(s->pid, &status, 0)) < 0 && EINTR == errno) {
    }
    if (w < 0) {
        rc = -1;
    } else if (WIFSIGNALED(status) && SIGKILL == WTERMSIG(status)) {
        rc = 0;
    } else {
        rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        fprintf(stderr, "harness: the server had already exited (status %d) before kill -9\n", rc);
        th_server_log_tail(s, 40);
        rc = rc ? rc : -1;
    }
    if (s->out_fd >= 0) {
        close(s->out_fd);
        s->out_fd = -1;
    }
    s->pid = 0;
    return rc;
}

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

void
th_server_destroy(struct th_server *s)
{
    (void)th_server_stop(s);
    if (s->dir[0] && NULL == getenv("TH_KEEP_DATA")) {
        (void)nftw(s->dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
    }
    s->dir[0] = '\0';
    if (s->pgdb[0] && NULL == getenv("TH_KEEP_DATA")) {
        (void)pgdb_drop(s->pgdb);
    }
    s->pgdb[0] = '\0';
}

int th_teardown_failures;

int
th_server_finish(struct th_server *s)
{
    int rc = th_server_stop(s);
    th_server_destroy(s);
    if (rc) {
        fprintf(stderr, "server did not shut down gracefully: exit status %d\n", rc);
        th_teardown_failures++;
    }
    return rc ? -1 : 0;
}

char *
th_run_want(int want, const char *const *args)
{
    char *out = NULL;
    int rc = th_run(args, &out);
    if (rc != want) {
        print_error("wenming %s %s: exit %d, wanted %d; output:\n%s\n", args[0],
                    args[1] ? args[1] : "", rc, want, out ? out : "");
    }
    assert_int_equal(rc, want);
    return out ? out : strdup("");
}

int
th_run(const char *const *args, char **out)
{
    const char *argv[32];
    size_t n = 0;
    argv[n++] = g_bin;
    for (size_t i = 0; args[i] && n < 31; i++) {
        argv[n++] = args[i];
    }
    argv[n] = NULL;
    return run_capture(argv, false, out);
}

/* ---------------------------------------------------------------- requests */

static size_t
on_data(char *p, size_t size, size_t n, void *ud)
{
    buf_add(ud, p, size * n);
    return size * n;
}

static size_t
on_header(char *p, size_t size, size_t n, void *ud)
{
    struct th_buf *b = ud;
    /* A new status line starts a new header block (e.g. after 100 Continue). */
    if (size * n >= 5 && 0 == strncmp(p, "HTTP/", 5)) {
        b->len = 0;
    }
    buf_add(b, p, size * n);
    return size * n;
}

/* Reads the body of a chunked upload from a struct th_req. */
struct upload {
    const char *p;
    size_t left;
};

static size_t
on_read(char *dst, size_t size, size_t n, void *ud)
{
    struct upload *u = ud;
    size_t take = size * n < u->left ? size * n : u->left;
    memcpy(dst, u->p, take);
    u->p += take;
    u->left -= take;
    return take;
}

static void
resp_parse_json(struct th_resp *r)
{
    const char *ct = th_header(r, "Content-Type");
    if (ct && 0 == strncasecmp(ct, "application/json", 16) && r->len) {
        r->json = json_loadb(r->body, r->len, 0, NULL);
    }
}

unsigned
th_auth(const struct th_cred *c)
{
    if (NULL == c) {
        return 0;
    }
    return c->token[0] ? TH_BEARER : TH_SESSION;
}

struct th_resp *
th_do(const struct th_server *s, const struct th_req *q)
{
    struct th_resp *r = resp_new();
    struct th_buf body = { 0 }, hdrs = { 0 }, cookie = { 0 };
    struct curl_slist *hl = NULL;
    struct upload up = { q->body, q->len };
    char line[512], url[4096];
    if (NULL == g_curl) {
        g_curl = curl_easy_init();
        if (NULL == g_curl) {
            fprintf(stderr, "harness: curl_easy_init failed\n");
            abort();
        }
    }
    CURL *c = g_curl;
    curl_easy_reset(c);
    snprintf(url, sizeof url, "%s%s", s->base, q->path);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_PATH_AS_IS, 1L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &hdrs);
    hl = curl_slist_append(hl, "Expect:");
    if (q->ctype) {
        snprintf(line, sizeof line, "Content-Type: %s", q->ctype);
        hl = curl_slist_append(hl, line);
    }
    if (q->cred && (q->flags & TH_BEARER)) {
        snprintf(line, sizeof line, "Authorization: Bearer %s", q->cred->token);
        hl = curl_slist_append(hl, line);
    }
    if (q->cred && (q->flags & TH_COOKIE)) {
        buf_adds(&cookie, "wm_session=");
        buf_adds(&cookie, q->cred->cookie);
    }
    if (q->cookies) {
        if (cookie.len) {
            buf_adds(&cookie, "; ");
        }
        buf_adds(&cookie, q->cookies);
    }
    if (cookie.len) {
        curl_easy_setopt(c, CURLOPT_COOKIE, cookie.data);
    }
    if (q->cred && (q->flags & TH_CSRF)) {
        snprintf(line, sizeof line, "X-CSRF-Token: %s", q->cred->csrf);
        hl = curl_slist_append(hl, line);
    }
    if (q->flags & TH_CHUNKED) {
        hl = curl_slist_append(hl, "Transfer-Encoding: chunked");
    }
    for (size_t i = 0; q->headers && q->headers[i]; i++) {
        hl = curl_slist_append(hl, q->headers[i]);
    }
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
    bool is_get = 0 == strcmp(q->method, "GET"),
         is_head = (q->flags & TH_HEAD) || 0 == strcmp(q->method, "HEAD");
    if (is_head) {
        curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    } else if (q->mime) {
        curl_easy_setopt(c, CURLOPT_MIMEPOST, q->mime);
    } else if (q->flags & TH_CHUNKED) {
        curl_easy_setopt(c, CURLOPT_POST, 1L);
        curl_easy_setopt(c, CURLOPT_READFUNCTION, on_read);
        curl_easy_setopt(c, CURLOPT_READDATA, &up);
    } else if (q->body || 0 == strcmp(q->method, "POST")) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)q->len);
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, q->body ? q->body : "");
    }
    if (!is_get && !is_head && 0 != strcmp(q->method, "POST")) {
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, q->method);
    } else if (is_get && q->body) {
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, "GET");
    }
    r->cc = curl_easy_perform(c);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
    curl_slist_free_all(hl);
    free(cookie.data);
    r->len = body.len;
    r->body = buf_steal(&body);
    r->hdrs = buf_steal(&hdrs);
    resp_parse_json(r);
    return r;
}

static struct th_resp *
resp_new(void)
{
    struct th_resp *r = xmalloc(sizeof *r);
    struct live *l = xmalloc(sizeof *l);
    memset(r, 0, sizeof *r);
    l->r = r;
    l->next = g_live;
    g_live = l;
    return r;
}

void
th_resp_free(struct th_resp *r)
{
    for (struct live **p = &g_live; *p; p = &(*p)->next) {
        if ((*p)->r == r) {
            struct live *l = *p;
            *p = l->next;
            free(l);
            break;
        }
    }
    resp_free(r);
}

static void
resp_free(struct th_resp *r)
{
    if (NULL == r) {
        return;
    }
    free(r->body);
    free(r->hdrs);
    json_decref(r->json);
    for (size_t i = 0; i < r->nkept; i++) {
        free(r->kept[i]);
    }
    free(r->kept);
    free(r);
}

const char *
th_header(struct th_resp *r, const char *name)
{
    size_t nl = strlen(name);
    for (const char *p = r->hdrs; p && *p;) {
        size_t n = strcspn(p, "\r\n");
        if (n > nl && ':' == p[nl] && 0 == strncasecmp(p, name, nl)) {
            const char *v = p + nl + 1;
            size_t vl = n - nl - 1;
            while (vl && (' ' == *v || '\t' == *v)) {
                v++;
                vl--;
            }
            while (vl && (' ' == v[vl - 1] || '\t' == v[vl - 1])) {
                vl--;
            }
            char **k = realloc(r->kept, (r->nkept + 1) * sizeof *k);
            if (NULL == k) {
                abort();
            }
            r->kept = k;
            r->kept[r->nkept] = xstrndup(v, vl);
            return r->kept[r->nkept++];
        }
        p += n;
        while ('\r' == *p || '\n' == *p) {
            p++;
        }
    }
    return NULL;
}

bool
th_set_cookie(const struct th_resp *r,
              const char *name,
              char *value,
              size_t vlen,
              char *attrs,
              size_t alen)
{
    static const char sc[] = "set-cookie:";
    size_t nl = strlen(name);
    for (const char *p = r->hdrs; p && *p;) {
        size_t n = strcspn(p, "\r\n");
        if (n > sizeof sc - 1 && 0 == strncasecmp(p, sc, sizeof sc - 1)) {
            const char *v = p + sizeof sc - 1;
            while (' ' == *v) {
                v++;
            }
            size_t rest = n - (size_t)(v - p);
            if (rest > nl && '=' == v[nl] && 0 == strncmp(v, name, nl)) {
                const char *val = v + nl + 1;
                size_t vall = strcspn(val, ";\r\n");
                if (value) {
                    snprintf(value, vlen, "%.*s", (int)vall, val);
                }
                if (attrs) {
                    const char *a = val + vall;
                    snprintf(attrs, alen, "%.*s", (int)(n - (size_t)(a - p)), a);
                }
                return true;
            }
        }
        p += n;
        while ('\r' == *p || '\n' == *p) {
            p++;
        }
    }
    return false;
}

struct th_resp *
th_api(const struct th_server *s,
       const char *method,
       const char *path,
       const struct th_cred *c,
       unsigned flags,
       const char *json_body)
{
    struct th_req q = { .method = method,
                        .path = path,
                        .cred = c,
                        .flags = flags,
                        .ctype = json_body ? "application/json" : NULL,
                        .body = json_body,
                        .len = json_body ? strlen(json_body) : 0 };
    return th_do(s, &q);
}

struct th_resp *
th_api_await(const struct th_server *s,
             const char *method,
             const char *path,
             const struct th_cred *c,
             unsigned flags,
             const char *json_body,
             int want)
{
    struct th_resp *r = th_api(s, method, path, c, flags, json_body);
    for (int i = 0; i < 250 && r->status != want; i++) {
        th_resp_free(r);
        struct timespec ts = { 0, 20 * 1000 * 1000 };
        nanosleep(&ts, NULL);
        r = th_api(s, method, path, c, flags, json_body);
    }
    return r;
}

struct th_resp *
th_form(const struct th_server *s, const char *path, const struct th_cred *c, const char *fields)
{
    struct th_buf b = { 0 };
    buf_adds(&b, fields ? fields : "");
    if (c && c->csrf[0]) {
        buf_adds(&b, b.len ? "&csrf=" : "csrf=");
        buf_adds(&b, c->csrf);
    }
    struct th_req q = { .method = "POST",
                        .path = path,
                        .cred = c,
                        .flags = c ? TH_COOKIE : 0,
                        .ctype = "application/x-www-form-urlencoded",
                        .body = b.data ? b.data : "",
                        .len = b.len };
    struct th_resp *r = th_do(s, &q);
    free(b.data);
    return r;
}

static struct th_resp *
get_anon(const struct th_server *s, const char *path)
{
    struct th_req q = { .method = "GET", .path = path };
    return th_do(s, &q);
}

struct th_resp *
th_raw(const struct th_server *s, const void *data, size_t len)
{
    struct th_resp *r = resp_new();
    struct th_buf in = { 0 };
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)s->port) };
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || 0 != connect(fd, (struct sockaddr *)&sa, sizeof sa)) {
        r->cc = CURLE_COULDNT_CONNECT;
        if (fd >= 0) {
            close(fd);
        }
        r->body = buf_steal(&in);
        r->hdrs = buf_steal(&in);
        return r;
    }
    const char *p = data;
    size_t left = len;
    while (left) {
        ssize_t n = send(fd, p, left, MSG_NOSIGNAL);
        if (n <= 0) {
            break; /* the server may answer and close before reading everything */
        }
        p += n;
        left -= (size_t)n;
    }
    double deadline = mono_now() + 5.0;
    size_t want = SIZE_MAX;
    while (mono_now() < deadline && in.len < want) {
        struct pollfd pf = { .fd = fd, .events = POLLIN };
        if (poll(&pf, 1, 100) <= 0) {
            continue;
        }
        char chunk[8192];
        ssize_t n = recv(fd, chunk, sizeof chunk, 0);
        if (n <= 0) {
            break;
        }
        buf_add(&in, chunk, (size_t)n);
        const char *end = strstr(in.data, "\r\n\r\n");
        if (end && SIZE_MAX == want) {
            size_t hlen = (size_t)(end + 4 - in.data);
            const char *cl = strcasestr(in.data, "\r\nContent-Length:");
            if (cl && cl < end) {
                want = hlen + (size_t)strtoull(cl + 17, NULL, 10);
            }
        }
    }
    close(fd);
    const char *end = in.data ? strstr(in.data, "\r\n\r\n") : NULL;
    if (in.data && 0 == strncmp(in.data, "HTTP/1.", 7)) {
        r->status = strtol(in.data + 9, NULL, 10);
    }
    if (end) {
        r->hdrs = xstrndup(in.data, (size_t)(end + 2 - in.data));
        r->len = in.len - (size_t)(end + 4 - in.data);
        r->body = xstrndup(end + 4, r->len);
    } else {
        r->hdrs = buf_steal(&in);
        r->body = xstrndup("", 0);
    }
    free(in.data);
    resp_parse_json(r);
    return r;
}

curl_mime *
th_mime_new(CURL *h,
            const struct th_cred *c,
            unsigned flags,
            const struct th_file *files,
            size_t nfiles,
            const char *const *fields)
{
    curl_mime *mime = curl_mime_init(h);
    curl_mimepart *part;
    if (c && (flags & TH_COOKIE) && c->csrf[0]) {
        part = curl_mime_addpart(mime);
        curl_mime_name(part, "csrf");
        curl_mime_data(part, c->csrf, CURL_ZERO_TERMINATED);
    }
    for (size_t i = 0; fields && fields[i] && fields[i + 1]; i += 2) {
        part = curl_mime_addpart(mime);
        curl_mime_name(part, fields[i]);
        curl_mime_data(part, fields[i + 1], CURL_ZERO_TERMINATED);
    }
    for (size_t i = 0; i < nfiles; i++) {
        part = curl_mime_addpart(mime);
        curl_mime_name(part, files[i].field ? files[i].field : "file");
        curl_mime_data(part, files[i].len ? files[i].data : "", files[i].len);
        if (files[i].name) {
            curl_mime_filename(part, files[i].name);
        }
        curl_mime_type(part, "application/octet-stream");
    }
    return mime;
}

struct th_resp *
th_upload(const struct th_server *s,
          const char *path,
          const struct th_cred *c,
          unsigned flags,
          const struct th_file *files,
          size_t nfiles,
          const char *const *fields)
{
    CURL *tmp = curl_easy_init();
    if (NULL == tmp) {
        fprintf(stderr, "harness: curl_easy_init failed\n");
        abort();
    }
    if (0 == flags) {
        flags = th_auth(c);
    }
    curl_mime *mime = th_mime_new(tmp, c, flags, files, nfiles, fields);
    struct th_req q = { .method = "POST", .path = path, .cred = c, .flags = flags, .mime = mime };
    struct th_resp *r = th_do(s, &q);
    curl_mime_free(mime);
    curl_easy_cleanup(tmp);
    return r;
}

long
th_login(const struct th_server *s, const char *username, const char *password, struct th_cred *c)
{
    json_t *b = json_pack("{s:s, s:s}", "username", username, "password", password);
    char *body = json_dumps(b, JSON_COMPACT);
    json_decref(b);
    struct th_resp *r = th_api(s, "POST", "/api/v1/session", NULL, 0, body);
    free(body);
    long st = r->status;
    memset(c, 0, sizeof *c);
    snprintf(c->username, sizeof c->username, "%s", username);
    if (201 == st) {
        json_t *u = json_object_get(r->json, "user");
        (void)th_set_cookie(r, "wm_session", c->cookie, sizeof c->cookie, NULL, 0);
        snprintf(c->csrf, sizeof c->csrf, "%s", th_jstr(r->json, "csrf"));
        c->user_id = th_jint(u, "id");
        c->org_id = th_jint(u, "org_id");
        snprintf(c->role, sizeof c->role, "%s", th_jstr(u, "role"));
    }
    th_resp_free(r);
    return st;
}

int64_t
th_make_token(const struct th_server *s, struct th_cred *c, const char *name)
{
    json_t *b = json_pack("{s:s}", "name", name);
    char *body = json_dumps(b, JSON_COMPACT);
    json_decref(b);
    struct th_resp *r = th_api(s, "POST", "/api/v1/tokens", c, TH_SESSION, body);
    free(body);
    int64_t id = 0;
    if (201 == r->status) {
        snprintf(c->token, sizeof c->token, "%s", th_jstr(r->json, "token"));
        id = th_jint(r->json, "id");
    } else {
        fprintf(stderr, "harness: token for %s: HTTP %ld %s\n", c->username, r->status, r->body);
    }
    th_resp_free(r);
    return id;
}

void
th_login_full(const struct th_server *s,
              const char *username,
              const char *password,
              struct th_cred *c)
{
    long st = th_login(s, username, password, c);
    if (201 != st) {
        fprintf(stderr, "harness: login as %s: HTTP %ld\n", username, st);
    }
    assert_int_equal(st, 201);
    assert_true(th_make_token(s, c, "harness") > 0);
}

/* ---------------------------------------------------------------- JSON helpers */

const char *
th_jstr(const json_t *o, const char *key)
{
    const char *v = json_string_value(json_object_get(o, key));
    return v ? v : "";
}

int64_t
th_jint(const json_t *o, const char *key)
{
    return (int64_t)json_integer_value(json_object_get(o, key));
}

void
th_urlenc(const char *s, char *out, size_t outlen)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t o = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p && o + 4 < outlen; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            strchr("-_.~", *p)) {
            out[o++] = (char)*p;
        } else {
            out[o++] = '%';
            out[o++] = hex[*p >> 4];
            out[o++] = hex[*p & 15];
        }
    }
    out[o] = '\0';
}

size_t
th_count_units(const struct th_server *s, const struct th_cred *a, const char *q)
{
    char enc[1024], path[1400], cursor[32] = "";
    size_t n = 0;
    th_urlenc(q, enc, sizeof enc);
    for (int page = 0; page < 1000; page++) {
        snprintf(path, sizeof path, "/api/v1/units?limit=200&q=%s%s%s", enc,
                 cursor[0] ? "&cursor=" : "", cursor);
        struct th_resp *r = th_api(s, "GET", path, a, th_auth(a), NULL);
        if (200 != r->status) {
            fprintf(stderr, "harness: GET %s: HTTP %ld %s\n", path, r->status, r->body);
            th_resp_free(r);
            return SIZE_MAX;
        }
        n += json_array_size(json_object_get(r->json, "items"));
        const char *next = json_string_value(json_object_get(r->json, "next"));
        if (NULL == next) {
            th_resp_free(r);
            break;
        }
        snprintf(cursor, sizeof cursor, "%s", next);
        th_resp_free(r);
    }
    return n;
}

int64_t
th_unit_id(const struct th_server *s, const struct th_cred *a, const char *code)
{
    char enc[256], path[400];
    th_urlenc(code, enc, sizeof enc);
    snprintf(path, sizeof path, "/api/v1/units?limit=200&q=%s", enc);
    struct th_resp *r = th_api(s, "GET", path, a, th_auth(a), NULL);
    int64_t id = 0;
    size_t i;
    json_t *u;
    json_array_foreach(json_object_get(r->json, "items"), i, u)
    {
        if (0 == strcmp(th_jstr(u, "code"), code)) {
            id = th_jint(u, "id");
        }
    }
    th_resp_free(r);
    return id;
}

bool
th_archive_create(const struct th_server *s, const struct th_cred *c, int64_t unit, int year)
{
    char path[96], body[64];
    snprintf(path, sizeof path, "/api/v1/units/%lld/archives", (long long)unit);
    snprintf(body, sizeof body, "{\"year\": %d}", year);
    struct th_resp *r = th_api(s, "POST", path, c, th_auth(c), body);
    bool ok = 201 == r->status || 409 == r->status;
    if (!ok) {
        fprintf(stderr, "th_archive_create: POST %s %s: HTTP %ld %s\n", path, body, r->status,
                r->body ? r->body : "");
    }
    th_resp_free(r);
    return ok;
}

/* ---------------------------------------------------------------- assertions */

void
th_assert_status_at(const struct th_resp *r, long want, const char *file, int line)
{
    if (r->status != want) {
        print_error("%s:%d: expected HTTP %ld, got %ld (curl: %s)\n  body: %.600s\n", file, line,
                    want, r->status, curl_easy_strerror(r->cc), r->body ? r->body : "");
        _fail(file, line);
    }
}

void
th_assert_error_at(const struct th_resp *r,
                   long want,
                   const char *code,
                   const char *field,
                   const char *file,
                   int line)
{
    th_assert_status_at(r, want, file, line);
    json_t *e = json_object_get(r->json, "error");
    const char *why = NULL;
    if (!json_is_object(e)) {
        why = "no JSON {\"error\": {...}} object";
    } else if (code && 0 != strcmp(th_jstr(e, "code"), code)) {
        why = "wrong error.code";
    } else if ('\0' == th_jstr(e, "message")[0]) {
        why = "error.message missing or empty";
    } else if ('\0' == th_jstr(e, "request_id")[0]) {
        why = "error.request_id missing";
    } else if (field && 0 != strcmp(th_jstr(e, "field"), field)) {
        why = "wrong error.field";
    } else if (NULL == field && json_object_get(e, "field") &&
               !json_is_string(json_object_get(e, "field"))) {
        why = "error.field is not a string";
    }
    if (why) {
        print_error("%s:%d: %s (want code %s field %s)\n  body: %.600s\n", file, line, why,
                    code ? code : "-", field ? field : "-", r->body ? r->body : "");
        _fail(file, line);
    }
}

void
th_assert_refused_large_at(const struct th_resp *r, const char *file, int line)
{
    if (0 == r->status && (CURLE_SEND_ERROR == r->cc || CURLE_RECV_ERROR == r->cc)) {
        return;
    }
    th_assert_error_at(r, 413, "too_large", NULL, file, line);
}


/* ---------------------------------------------------------------- test bodies */

void
bytes_add(struct bytes *b, const void *p, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        /* Geometric growth: the long bodies below are built a few bytes at a time. */
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->n + n + 1) {
            cap *= 2;
        }
        char *q = realloc(b->p, cap);
        assert_non_null(q);
        b->p = q;
        b->cap = cap;
    }
    memcpy(b->p + b->n, p, n);
    b->n += n;
    b->p[b->n] = '\0';
}

void
bytes_addf(struct bytes *b, const char *fmt, ...)
{
    char tmp[2048];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    assert_true(n >= 0 && (size_t)n < sizeof tmp);
    bytes_add(b, tmp, (size_t)n);
}

/* A small valid PDF made unique by tag, padded to at least size bytes. */
struct bytes
pdf_make(const char *tag, size_t size)
{
    struct bytes b = {0};
    bytes_addf(&b,
               "%%PDF-1.4\n%%\xe2\xe3\xcf\xd3\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
               "2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n%% %s\n",
               tag);
    while (b.n + 40 < size) {
        bytes_addf(&b, "%% padding padding padding padding pad\n");
    }
    bytes_addf(&b, "trailer<</Root 1 0 R>>\n%%%%EOF\n");
    return b;
}

/* A ZIP in memory from (name, data) pairs: libarchive writes through bytes_add. */
static la_ssize_t
zip_write_cb(struct archive *a, void *cls, const void *p, size_t n)
{
    (void)a;
    bytes_add(cls, p, n);
    return (la_ssize_t)n;
}

struct bytes
th_zip_make(const char *const *names, const struct bytes *datas, size_t n)
{
    struct bytes out = {0};
    struct archive *a = archive_write_new();
    assert_int_equal(archive_write_set_format_zip(a), ARCHIVE_OK);
    assert_int_equal(archive_write_set_bytes_in_last_block(a, 1), ARCHIVE_OK); /* no padding */
    assert_int_equal(archive_write_open(a, &out, NULL, zip_write_cb, NULL), ARCHIVE_OK);
    for (size_t i = 0; i < n; i++) {
        struct archive_entry *e = archive_entry_new();
        archive_entry_set_pathname_utf8(e, names[i]);
        archive_entry_set_filetype(e, AE_IFREG);
        archive_entry_set_perm(e, 0644);
        archive_entry_set_size(e, (la_int64_t)datas[i].n);
        assert_int_equal(archive_write_header(a, e), ARCHIVE_OK);
        assert_int_equal(archive_write_data(a, datas[i].p, datas[i].n), (la_ssize_t)datas[i].n);
        archive_entry_free(e);
    }
    assert_int_equal(archive_write_close(a), ARCHIVE_OK);
    archive_write_free(a);
    return out;
}

const unsigned char th_png1[67] = {
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48,
    0x44, 0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00,
    0x00, 0x1f, 0x15, 0xc4, 0x89, 0x00, 0x00, 0x00, 0x0a, 0x49, 0x44, 0x41, 0x54, 0x78,
    0x9c, 0x63, 0x00, 0x01, 0x00, 0x00, 0x05, 0x00, 0x01, 0x0d, 0x0a, 0x2d, 0xb4, 0x00,
    0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82};

char *
th_jdump(json_t *v)
{
    char *s = json_dumps(v, JSON_COMPACT);
    json_decref(v);
    assert_non_null(s);
    return s;
}

char *
th_pdf_text(const void *data, size_t len)
{
    if (0 != access("/usr/bin/pdftotext", X_OK)) {
        return NULL;
    }
    char path[PATH_MAX];
    const char *tmp = getenv("TMPDIR");
    snprintf(path, sizeof path, "%s/wm-pdf-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, data, len), (ssize_t)len);
    close(fd);
    char cmd[PATH_MAX + 64];
    snprintf(cmd, sizeof cmd, "/usr/bin/pdftotext -enc UTF-8 '%s' -", path);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    struct bytes b = {0};
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, p)) > 0) {
        bytes_add(&b, chunk, n);
    }
    assert_int_equal(pclose(p), 0);
    unlink(path);
    bytes_add(&b, "", 1);
    return b.p;
}

size_t
th_audit_count(const struct th_server *s, const struct th_cred *c, const char *action)
{
    char path[160];
    snprintf(path, sizeof path, "/api/v1/audit?action=%s&limit=200", action);
    struct th_resp *r = th_api(s, "GET", path, c, th_auth(c), NULL);
    th_assert_status(r, 200);
    size_t n = json_array_size(json_object_get(r->json, "items"));
    th_resp_free(r);
    return n;
}

void
th_job_wait_done(const struct th_server *s, const struct th_cred *c, int64_t job)
{
    char path[64];
    snprintf(path, sizeof path, "/api/v1/jobs/%lld", (long long)job);
    for (int i = 0; i < 6000; i++) {
        struct th_resp *r = th_api(s, "GET", path, c, th_auth(c), NULL);
        th_assert_status(r, 200);
        const char *st = th_jstr(r->json, "state");
        if (0 == strcmp(st, "done")) {
            th_resp_free(r);
            return;
        }
        if (0 == strcmp(st, "failed")) {
            print_error("job %lld failed: %s\n", (long long)job, r->body);
            th_resp_free(r);
            th_server_log_tail(s, 30);
            fail();
        }
        th_resp_free(r);
        usleep(20000);
    }
    th_server_log_tail(s, 30);
    fail_msg("job %lld never finished", (long long)job);
}

char *
th_doc_pdf_text(const struct th_server *s, const struct th_cred *c, int64_t doc)
{
    char path[80];
    snprintf(path, sizeof path, "/api/v1/documents/%lld/content", (long long)doc);
    struct th_resp *r = th_api(s, "GET", path, c, th_auth(c), NULL);
    th_assert_status(r, 200);
    assert_true(r->len >= 5 && 0 == memcmp(r->body, "%PDF-", 5));
    char *text = th_pdf_text(r->body, r->len);
    th_resp_free(r);
    return text;
}

/* end of harness.c */
