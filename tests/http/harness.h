/*
** harness.h — HTTP tests against a real `wenming serve` on a loopback port.
**
** A test group starts its own server in a fresh data directory (th_server_start: a
** mkdtemp directory holding a wenming.conf with a cheap argon2id cost, then
** `wenming serve --demo --data DIR --listen 127.0.0.1:0`, the port read from its stdout),
** talks to it with libcurl (th_do and the helpers below) and stops it with SIGTERM
** (th_server_stop: the exit status must be 0, a graceful shutdown).  The binary comes from
** the environment variable WENMING_BIN or from argv[1] (th_init).
**
** The store: with WM_TEST_STORE=pg every server gets a fresh PostgreSQL database on the
** server named by WM_TEST_PG (tests/pgdb.h), written to its wenming.conf as `store = ...`
** and dropped by th_server_destroy; th_init exits 77 (skip) when WM_TEST_PG is unset or the
** binary was built without the PostgreSQL store.  Otherwise the store is the SQLite file in
** the data directory, as always.  th_store_exec reaches the store behind the server's back.
**
** Ownership: every struct th_resp is the caller's, freed with th_resp_free().  Strings
** returned by th_header() are borrowed from the response.
*/
#ifndef TH_HARNESS_H
#define TH_HARNESS_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <curl/curl.h>
#include <jansson.h>

/* The password of every demo account (src/core/init.c). */
#define TH_DEMO_PW "Demo-2026"

/** Read the binary from WENMING_BIN or argv[1]; initialise libcurl.  false: no binary.
** Exits 77 (skip) when the run asks for PostgreSQL and none is there (see above). */
bool th_init(int argc, char **argv);
/** Release libcurl (at the end of main). */
void th_done(void);
/** The wenming binary. */
const char *th_bin(void);

/* ---------------------------------------------------------------- the server */

struct th_server {
    pid_t pid;  /* 0 when not running */
    int out_fd; /* the read end of the server's stdout */
    unsigned port;
    char dir[PATH_MAX]; /* the data directory (ours: removed by th_server_destroy) */
    char base[64];      /* "http://127.0.0.1:PORT" */
    char pgdb[64];      /* the PostgreSQL database (ours: dropped), "" on SQLite */
    char store[1024];   /* its connection string, "" on SQLite */
};

/** Whether this run's servers keep their data in PostgreSQL (WM_TEST_STORE=pg). */
bool th_store_pg(void);
/**
** Run SQL statements on a store directly: the sqlite3 shell on DIR/wenming.db when store is
** NULL or "", libpq on the database store names otherwise.  A test that tampers with the
** store says it in the dialect th_store_pg() names.  The rows (columns joined by '|', one
** row a line) into *out when out is not NULL (caller frees).  0 on success (the error on
** stderr otherwise).
*/
int th_store_sql(const char *dir, const char *store, const char *sql, char **out);
/** th_store_sql on s's store, without output. */
int th_store_exec(const struct th_server *s, const char *sql);
/** th_store_sql on s's store: the rows into *out (caller frees). */
int th_store_query(const struct th_server *s, const char *sql, char **out);
/** With PostgreSQL: a fresh database for a data directory a test makes itself (its name
** into db, its connection string into store); 0 on success.  th_store_drop removes it. */
int th_store_new(char *db, size_t dblen, char *store, size_t storelen);
void th_store_drop(const char *db);

/**
** Create a fresh data directory whose wenming.conf holds the test defaults (argon2id at
** 8 MiB and one pass, ip_attempts 10000, and the store: a fresh PostgreSQL database with
** WM_TEST_STORE=pg) followed by extra_conf lines (may be NULL), so later keys override
** earlier ones.  0 on success.
*/
int th_server_create(struct th_server *s, const char *extra_conf);
/**
** Start `serve --demo` on s->dir (demo data is created on the first start) with env
** ("NAME=VALUE" strings, NULL-terminated, may be NULL) added to the environment; wait
** until it answers.  0 on success (a message on stderr otherwise).
*/
int th_server_start(struct th_server *s, const char *const *env);
/** SIGTERM and wait: the exit status (0 = graceful), 128+N when killed by signal N. */
int th_server_stop(struct th_server *s);
/**
** kill -9 the server (a crash: no shutdown code runs) and reap it.  0 when it was running
** until then and died of SIGKILL; otherwise the status it had exited with already (a
** message on stderr).  s->pid is 0 afterwards; th_server_start may start it again on the
** same data directory.
*/
int th_server_kill(struct th_server *s);
/** Stop (if running) and remove the data directory. */
void th_server_destroy(struct th_server *s);
/*
** A test group's end: stop the server and remove its data.  -1 when it did not shut down
** gracefully, counted in th_teardown_failures (cmocka 1.1.5 does not count a failed group
** teardown: main adds that number to its result).
*/
int th_server_finish(struct th_server *s);
extern int th_teardown_failures;
/** Print the last lines of the server's log (stderr) to stderr, for failure reports. */
void th_server_log_tail(const struct th_server *s, unsigned lines);

/** Run `wenming ARGS...` to completion; the exit status, output in *out (caller frees). */
int th_run(const char *const *args, char **out);
/** th_run that asserts the exit status is want (printing the output when it is not) and
** returns the output (caller frees; "" when there was none). */
char *th_run_want(int want, const char *const *args);
#define TH_RUN(want, ...) th_run_want((want), (const char *const[]){__VA_ARGS__, NULL})

/* ---------------------------------------------------------------- requests */

/* A logged-in caller: its session cookie and CSRF token, and/or an API token. */
struct th_cred {
    char username[64];
    char cookie[256]; /* the wm_session cookie value */
    char csrf[128];
    char token[192]; /* bearer token */
    int64_t user_id;
    int64_t org_id;
    char role[32];
};

enum th_flags {
    TH_BEARER = 1,  /* Authorization: Bearer cred->token */
    TH_COOKIE = 2,  /* Cookie: wm_session=cred->cookie */
    TH_CSRF = 4,    /* X-CSRF-Token: cred->csrf */
    TH_HEAD = 8,    /* a HEAD request (no body read) */
    TH_CHUNKED = 16 /* send the body with Transfer-Encoding: chunked */
};

/* Cookie auth with its CSRF token: what a browser's script sends. */
#define TH_SESSION (TH_COOKIE | TH_CSRF)

struct th_req {
    const char *method;
    const char *path; /* sent as is: no dot-segment squashing */
    const struct th_cred *cred;
    unsigned flags;
    const char *ctype; /* Content-Type of body (NULL: none) */
    const void *body;
    size_t len;
    const char *const *headers; /* extra "Name: value" lines, NULL-terminated */
    const char *cookies;        /* extra cookies "a=b; c=d" */
    curl_mime *mime;            /* a multipart body (instead of body) */
};

struct th_resp {
    long status;
    char *body; /* NUL-terminated */
    size_t len;
    json_t *json; /* the body parsed, when it is JSON */
    char *hdrs;   /* the header block of the final response */
    CURLcode cc;  /* the transfer's result (CURLE_OK normally) */
    char **kept;  /* storage of the values th_header() returned */
    size_t nkept;
};

/** Send a request; never NULL (status 0 and cc set when the transfer failed). */
struct th_resp *th_do(const struct th_server *s, const struct th_req *q);
void th_resp_free(struct th_resp *r);
/** A JSON API request: json_body (may be NULL) sent as application/json. */
struct th_resp *th_api(const struct th_server *s,
                       const char *method,
                       const char *path,
                       const struct th_cred *c,
                       unsigned flags,
                       const char *json_body);
/** th_api repeated (every 20 ms, for up to 5 s) until the answer's status is want; the last
** answer.  For a change made in the store behind the server's back: on PostgreSQL its
** notification reaches the server's caches a moment after the commit. */
struct th_resp *th_api_await(const struct th_server *s,
                             const char *method,
                             const char *path,
                             const struct th_cred *c,
                             unsigned flags,
                             const char *json_body,
                             int want);
/** A form POST (application/x-www-form-urlencoded) with the cookie; csrf added if c has one. */
struct th_resp *
th_form(const struct th_server *s, const char *path, const struct th_cred *c, const char *fields);
/** The first response header named name (case-insensitive); NULL when absent.  Borrowed:
** valid while r lives. */
const char *th_header(struct th_resp *r, const char *name);
/** Whether some Set-Cookie of r sets name; *value/attrs receive that line's parts. */
bool th_set_cookie(const struct th_resp *r,
                   const char *name,
                   char *value,
                   size_t vlen,
                   char *attrs,
                   size_t alen);

/* One file of a multipart upload. */
struct th_file {
    const char *field; /* the form field (NULL: "file") */
    const char *name;  /* the file name sent (NULL: none) */
    const void *data;
    size_t len;
};

/**
** A multipart/form-data POST to path: files[0..nfiles) and the text fields of fields
** ("name", "value", ..., NULL; may be NULL), authenticated as c with flags (th_auth(c) when
** 0).  With TH_COOKIE a "csrf" field with c's token is added first, as a page's form has.
*/
struct th_resp *th_upload(const struct th_server *s,
                          const char *path,
                          const struct th_cred *c,
                          unsigned flags,
                          const struct th_file *files,
                          size_t nfiles,
                          const char *const *fields);
/** Fill a curl_mime (made for handle h) as th_upload does; the caller frees it. */
curl_mime *th_mime_new(CURL *h,
                       const struct th_cred *c,
                       unsigned flags,
                       const struct th_file *files,
                       size_t nfiles,
                       const char *const *fields);

/** Send raw bytes on a new connection and read the answer (until close or 5 s). */
struct th_resp *th_raw(const struct th_server *s, const void *data, size_t len);

/** POST /api/v1/session; fills c (cookie, csrf, ids, role).  The HTTP status. */
long
th_login(const struct th_server *s, const char *username, const char *password, struct th_cred *c);
/** POST /api/v1/tokens with c's session; stores the secret in c->token.  The token id. */
int64_t th_make_token(const struct th_server *s, struct th_cred *c, const char *name);
/** The flags that authenticate as c: its bearer token if it has one, else its session. */
unsigned th_auth(const struct th_cred *c);
/** Login plus a token (asserts success). */
void th_login_full(const struct th_server *s,
                   const char *username,
                   const char *password,
                   struct th_cred *c);

/* ---------------------------------------------------------------- test bodies */

/* A growing byte buffer for request bodies, NUL-terminated (free p). */
struct bytes {
    char *p;
    size_t n, cap;
};
void bytes_add(struct bytes *b, const void *p, size_t n);
void bytes_addf(struct bytes *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/** A small valid PDF made unique by tag, padded to at least size bytes (free b.p). */
struct bytes pdf_make(const char *tag, size_t size);
/** The text of a PDF given as bytes, by pdftotext (UTF-8; free()); NULL when pdftotext is not
** installed.  A failure of pdftotext fails the test. */
char *th_pdf_text(const void *data, size_t len);
/** How many entries of the audit log carry action (GET /api/v1/audit?action=…, at most 200),
** as c sees them. */
size_t th_audit_count(const struct th_server *s, const struct th_cred *c, const char *action);
/** Poll GET /api/v1/jobs/{job} (every 20 ms, bounded) until its state is done; a failed job
** or one never done fails the test with the server's log tail. */
void th_job_wait_done(const struct th_server *s, const struct th_cred *c, int64_t job);
/** The text (th_pdf_text) of document doc's current content, which must be a PDF; NULL without
** pdftotext.  Caller frees. */
char *th_doc_pdf_text(const struct th_server *s, const struct th_cred *c, int64_t doc);
/** A ZIP in memory holding datas[i] as names[i] (UTF-8), deflated (free .p). */
struct bytes th_zip_make(const char *const *names, const struct bytes *datas, size_t n);
/** A valid 1×1 PNG. */
extern const unsigned char th_png1[67];

/* ---------------------------------------------------------------- JSON helpers */

/** The compact JSON text of v, which is released (caller frees the text). */
char *th_jdump(json_t *v);
const char *th_jstr(const json_t *o, const char *key);
int64_t th_jint(const json_t *o, const char *key);
/** The id of the unit with code (searched as admin with cred a), 0 when absent. */
int64_t th_unit_id(const struct th_server *s, const struct th_cred *a, const char *code);
/**
** Create the archive of a unit's year as c (POST /api/v1/units/{id}/archives; archives are
** never created by opening them).  true when it was created or already existed.
*/
bool th_archive_create(const struct th_server *s, const struct th_cred *c, int64_t unit, int year);
/** The number of units a sees whose name or code contains q (follows pages). */
size_t th_count_units(const struct th_server *s, const struct th_cred *a, const char *q);
/** Percent-encode s into out. */
void th_urlenc(const char *s, char *out, size_t outlen);

/* ---------------------------------------------------------------- assertions */

/* Status check that prints the answer on failure, at the caller's line. */
#define th_assert_status(r, want) th_assert_status_at((r), (want), __FILE__, __LINE__)
/* An error answer: status, JSON {"error":{"code","message","request_id"[,"field"]}}. */
#define th_assert_error(r, want, code, field) \
    th_assert_error_at((r), (want), (code), (field), __FILE__, __LINE__)

void th_assert_status_at(const struct th_resp *r, long want, const char *file, int line);
void th_assert_error_at(const struct th_resp *r,
                        long want,
                        const char *code,
                        const char *field,
                        const char *file,
                        int line);
/*
** A large body refused early: 413 "too_large" before the body is read.  The server answers
** and closes while the client may still be sending, so under load the client can see the
** connection reset before it reads that answer; that is a refusal too (nothing was stored).
*/
#define th_assert_refused_large(r) th_assert_refused_large_at((r), __FILE__, __LINE__)
void th_assert_refused_large_at(const struct th_resp *r, const char *file, int line);

#endif /* TH_HARNESS_H */
