/*
** wm_util.h — the bottom layer every other module stands on.
**
** Memory: wm_malloc() and friends abort on out-of-memory (as Redis' zmalloc does), so no
** caller checks for NULL.  Strings: one growable buffer type, struct wm_buf, always
** NUL-terminated and binary-safe.  Errors: one registry (errors.def) gives every error a
** stable string code, an HTTP status and a default message.  Logging: one line per event
** on stderr with time, level, thread and request id.
*/
#ifndef WM_UTIL_H
#define WM_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define WM_MUST_CHECK  __attribute__((warn_unused_result))
#define WM_PRINTF(a, b) __attribute__((format(printf, a, b)))
#define WM_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* gettext: msgids are the Simplified Chinese strings, so the UI speaks Chinese with no
** catalog installed; zh_TW and en catalogs translate from them. */
#include <libintl.h>
#define _(s)  dgettext("wenming", s)
#define N_(s) (s)

/* ---------------------------------------------------------------- errors */

enum wm_err {
#define WM_ERR(name, code, status, msg) WM_E_##name,
#include "errors.def"
#undef WM_ERR
    WM_E__COUNT
};
#define WM_OK WM_E_OK

/** The stable string code ("not_found"); never NULL. */
const char *wm_err_code(enum wm_err e);
/** The HTTP status for @a e. */
unsigned wm_err_status(enum wm_err e);
/** The default message (Chinese msgid, translated through gettext). */
const char *wm_err_message(enum wm_err e);

/*
** Assertions with separate meanings (STYLE.md 3.1): WM_BREAK logs an internal bug and
** goes on (pair with a 5xx); WM_BREAK_OP logs client misbehaviour at debug level (4xx).
*/
#define WM_BREAK(cond)                                                                       \
    do {                                                                                     \
        if (!(cond)) {                                                                       \
            wm_log(WM_LOG_ERROR, "internal: assertion '%s' failed at %s:%d", #cond,          \
                   __FILE__, __LINE__);                                                      \
        }                                                                                    \
    } while (0)
#define WM_BREAK_OP(cond)                                                                    \
    do {                                                                                     \
        if (!(cond)) {                                                                       \
            wm_log(WM_LOG_DEBUG, "client: '%s' not met at %s:%d", #cond, __FILE__, __LINE__); \
        }                                                                                    \
    } while (0)

/* ---------------------------------------------------------------- memory */

void *wm_malloc(size_t n);
void *wm_calloc(size_t nmemb, size_t size);
void *wm_realloc(void *p, size_t n);
char *wm_strdup(const char *s);
char *wm_strndup(const char *s, size_t n);
char *wm_asprintf(const char *fmt, ...) WM_PRINTF(1, 2);
/* Aborts with a message; used for out-of-memory and impossible states only. */
_Noreturn void wm_panic(const char *fmt, ...) WM_PRINTF(1, 2);

/* ---------------------------------------------------------------- buffers */

/*
** A growable byte buffer.  data is NULL or NUL-terminated; len excludes the NUL.
** Zero-initialise (`struct wm_buf b = {0};`) and release with wm_buf_free().
*/
struct wm_buf {
    char *data;
    size_t len;
    size_t cap;
};

void wm_buf_reserve(struct wm_buf *b, size_t extra);
void wm_buf_add(struct wm_buf *b, const void *p, size_t n);
void wm_buf_adds(struct wm_buf *b, const char *s);
void wm_buf_addc(struct wm_buf *b, char c);
void wm_buf_printf(struct wm_buf *b, const char *fmt, ...) WM_PRINTF(2, 3);
void wm_buf_vprintf(struct wm_buf *b, const char *fmt, va_list ap) WM_PRINTF(2, 0);
void wm_buf_reset(struct wm_buf *b);
/** Returns the data (caller frees, never NULL) and leaves @a b empty. */
char *wm_buf_steal(struct wm_buf *b);
void wm_buf_free(struct wm_buf *b);
/** The contents as a C string; "" when empty. Borrowed. */
const char *wm_buf_str(const struct wm_buf *b);

/* ---------------------------------------------------------------- strings */

/** True when [s, s+n) is well-formed UTF-8 without NUL bytes or overlongs/surrogates. */
bool wm_utf8_valid(const char *s, size_t n);
/** Length of the longest prefix of [s, s+n) that ends on a character boundary and has at
** most max bytes (s is valid UTF-8): where to cut it. */
size_t wm_utf8_cut(const char *s, size_t n, size_t max);
/** Number of code points in a valid UTF-8 string. */
size_t wm_utf8_len(const char *s);
/** True when s contains a control character (C0 except none, or DEL). */
bool wm_has_control(const char *s);
/**
** Remove, in place, the invisible characters that make a name read other than it is: the
** bidirectional controls (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C) and the
** zero-width ones (U+200B–U+200D, U+FEFF).  "invoice\u202Efdp.exe" becomes
** "invoicefdp.exe".  For every name and text a user gives a document.  Returns s (NULL
** stays NULL).
*/
char *wm_strip_invisible(char *s);
/**
** Strict integer parse: the whole string must be a decimal integer within [min, max].
** Returns false (and leaves *out alone) otherwise.
*/
bool wm_parse_i64(const char *s, int64_t min, int64_t max, int64_t *out) WM_MUST_CHECK;
bool wm_streq(const char *a, const char *b);
bool wm_startswith(const char *s, const char *prefix);
/** Lowercase hex of n bytes into out (2n+1 bytes). */
void wm_hex(const unsigned char *in, size_t n, char *out);
/** The 64-bit FNV-1a hash of n bytes (hash tables, short stand-ins for long keys; not a
** defence against anyone). */
uint64_t wm_fnv1a(const void *p, size_t n);
/** Trim ASCII white space in place and return s. */
char *wm_trim(char *s);
/** The value of hex digit c (0-9, a-f, A-F), -1 for any other character. */
int wm_hexval(char c);
/** Percent-decode [s, s+n) (and '+' as space when @a form). Returns NULL on bad escapes. */
char *wm_url_decode(const char *s, size_t n, bool form);
/** Append s percent-encoded for a URL path segment or query value. */
void wm_url_encode(struct wm_buf *b, const char *s);
/**
** The text a spreadsheet cell (CSV or XLSX) written by wenming holds for s: s itself, or,
** when Excel/WPS would take s for a formula (it starts with = + - @ TAB or CR), s behind
** a leading apostrophe.  The one rule against formula injection; every CSV and XLSX
** writer calls it for text cells.  Returns s or a string kept in *tmp.
*/
const char *wm_cell_text(const char *s, struct wm_buf *tmp);
/** The reverse, for the tables wenming reads back: a cell "'=..." (an apostrophe before one
** of = + - @ TAB CR) loses the apostrophe, in place, so an export imports as it was. */
void wm_cell_untext(char *s);

/* ---------------------------------------------------------------- hashing and random */

/** SHA-256 of [p, p+n) as 64 hex chars + NUL (OpenSSL EVP). */
void wm_sha256_hex(const void *p, size_t n, char out[65]);
/** An incremental SHA-256 (OpenSSL EVP_MD_CTX underneath). */
struct wm_sha256;
struct wm_sha256 *wm_sha256_new(void);
void wm_sha256_update(struct wm_sha256 *h, const void *p, size_t n);
/** Writes the digest as hex and frees @a h. */
void wm_sha256_final_hex(struct wm_sha256 *h, char out[65]);
/** n random bytes from libsodium, as unpadded base64url (caller frees). */
char *wm_random_token(size_t nbytes);
/** Constant-time comparison of two NUL-terminated strings. */
bool wm_secure_streq(const char *a, const char *b);

/* ---------------------------------------------------------------- time */

/** Seconds since the epoch (overridable in tests through WM_FAKE_NOW). */
int64_t wm_now(void);
/** RFC 3339 UTC ("2026-11-27T11:00:00Z") into out[21]. */
void wm_time_rfc3339(int64_t t, char out[32]);

/* ---------------------------------------------------------------- logging */

enum wm_log_level {
    WM_LOG_ERROR = 0,
    WM_LOG_WARN = 1,
    WM_LOG_INFO = 2,
    WM_LOG_DEBUG = 3,
};

void wm_log(enum wm_log_level lvl, const char *fmt, ...) WM_PRINTF(2, 3);
/* The same for frequent lines (the access log): INFO and DEBUG lines are held in a
** per-thread buffer and written a moment later, in one write with others (log.c). */
void wm_log_buffered(enum wm_log_level lvl, const char *fmt, ...) WM_PRINTF(2, 3);
/* Write out every thread's buffered lines now (at shutdown; also run at exit). */
void wm_log_flush(void);
void wm_log_set_level(enum wm_log_level lvl);
/** The request id of the calling thread's current request ("-" when none). Borrowed. */
const char *wm_log_request_id(void);
void wm_log_set_request_id(const char *id);

/* ---------------------------------------------------------------- files */

/**
** Write [p, p+n) to path atomically: temp file in the same directory, fsync, rename,
** fsync of the directory.  mode is the new file's mode.  Returns 0 or -errno.
*/
int wm_write_atomic(const char *path, const void *p, size_t n, unsigned mode) WM_MUST_CHECK;
/**
** Scratch files and directories (exports being built, helper programs' work files), made in
** one place: the directory given to wm_scratch_set() (`serve` gives the data directory's
** tmp/, so that scratch stays within the paths the service may write), else $TMPDIR, else
** /tmp.  The caller removes what it made.  prefix names the file ("wenming-audit").
*/
void wm_scratch_set(const char *dir);
/** mkstemp of DIR/PREFIX-XXXXXX into path; the open descriptor, or -1 with errno set. */
int wm_scratch_file(const char *prefix, char *path, size_t len);
/** mkdtemp of DIR/PREFIX-XXXXXX into path; 0, or -1 with errno set. */
int wm_scratch_dir(const char *prefix, char *path, size_t len);
/** The bytes an unprivileged user may still write on path's file system; 0 or -errno. */
int wm_fs_free_bytes(const char *path, uint64_t *bytes);
/** Read a whole file (caller frees). NULL with errno set on failure. */
char *wm_read_file(const char *path, size_t *len);

/** Run a helper program (argv[0] its path) with a small fixed environment and wait for it
** (spawn.c).  WM_OK when it exited, *code its exit status (err says it when not 0);
** WM_E_UNAVAILABLE when it could not start (*code -1) or was killed by a signal (its limits;
** *code is 128 + the signal's number), WM_E_INTERNAL when waiting failed (*code -1). */
enum wm_err wm_spawn_wait(char *const argv[], const char *what, int *code, char *err,
                          size_t errlen);
/** The same for a program found in PATH (argv[0] a name, e.g. "pg_dump") with the whole
** environment envp ("NAME=VALUE", NULL-terminated): for tools that need the caller's own
** settings (pg_dump and pg_restore read their connection from PG* variables). */
enum wm_err wm_spawn_wait_env(char *const argv[], char *const envp[], const char *what, int *code,
                              char *err, size_t errlen);
/** mkdir -p with mode; 0 or -errno. */
int wm_mkdirs(const char *path, unsigned mode) WM_MUST_CHECK;

/* ---------------------------------------------------------------- config */

/*
** wenming.conf: lines "key = value", '#' comments, no sections.  Unknown keys are
** reported as errors by the loader so that a typo is not silently ignored.
*/
struct wm_conf {
    char *store;               /* "sqlite" or a libpq connection string */
    char *listen;              /* "127.0.0.1:8080" */
    unsigned threads;          /* worker threads; 0 = 2 x cores */
    unsigned session_idle;     /* seconds of inactivity before a session ends */
    unsigned session_lifetime; /* absolute session lifetime in seconds */
    bool cookie_secure;        /* add Secure to cookies (behind TLS) */
    unsigned lockout_attempts; /* failed logins that lock an account */
    unsigned lockout_window;   /* seconds over which failures are counted */
    unsigned lockout_duration; /* seconds an account stays locked */
    unsigned ip_attempts;      /* failed logins per client address per window */
    unsigned max_body;         /* bytes for form bodies (routes without their own limit) */
    unsigned max_json_body;    /* bytes for JSON bodies (routes without their own limit) */
    unsigned max_connections;
    unsigned max_connections_per_ip; /* 0 = no limit; trusted proxies are exempt */
    unsigned connection_timeout;
    unsigned request_timeout;  /* seconds for headers and a non-upload body (0 = none) */
    unsigned upload_min_rate;  /* bytes/s an upload body must average */
    char *trusted_proxies;     /* "127.0.0.1, ::1, 10.0.0.0/8": X-Forwarded-For believed */
    unsigned pwhash_ops;       /* argon2id opslimit */
    size_t pwhash_mem;         /* argon2id memlimit in bytes */
    unsigned password_min_length; /* fewest characters of a new password */
    unsigned password_classes;    /* how many of lower, upper, digit, other it needs */
    unsigned password_history;    /* not equal to any of the last N (0 = off) */
    unsigned password_max_age_days; /* change at next sign-in when older (0 = never) */
    char *totp_required;          /* roles that need a TOTP second factor ("admin,office") */
    char *lang;                /* UI language: zh_CN (default) or zh_TW */
    size_t upload_max;         /* bytes per uploaded file */
    char *allowed_types;       /* uploaded file types allowed ("" = the default list) */
    char *archival_code;       /* pattern of archival codes (DA/T 22) */
    unsigned fixity_hours;     /* hours between background fixity checks (0 = never) */
    unsigned job_workers;      /* background job workers (0 = none in this server) */
    size_t import_job_bytes;   /* packages larger than this import as a job */
    char *smtp_host;           /* the digest's SMTP server ("" = no e-mail) */
    unsigned smtp_port;
    bool smtp_starttls;        /* require STARTTLS */
    char *smtp_user;           /* "" = no authentication */
    char *smtp_password;       /* never logged */
    char *smtp_from;           /* the digest's sender address */
    char *base_url;            /* "https://wenming.example.org": links in e-mail */
    unsigned digest_hour;      /* Asia/Shanghai hour of the daily scan and digest */
    unsigned health_min_free_mb; /* /healthz: free MiB on the data disk below which 503 */
    char *metrics_allow;         /* "127.0.0.1 ::1": addresses/CIDRs that may read /metrics */
    char *accel_redirect;        /* "/_wenming_blobs/": downloads by nginx ("" = by us) */
};

void wm_conf_defaults(struct wm_conf *c);
/** Load path over the defaults. On error returns -1 and writes a one-line cause to err. */
int wm_conf_load(struct wm_conf *c, const char *path, char *err, size_t errlen) WM_MUST_CHECK;
/** The text of a fresh wenming.conf with every key and its default, commented. */
char *wm_conf_template(void);
void wm_conf_free(struct wm_conf *c);
/** The configuration table, read-only (issue 13, deb: the man page test and the package's
** wenming.conf are made from it): the number of keys, and key i's name, type ("string",
** "integer", "boolean" or "bytes"), default and one-line help.  i < wm_conf_key_count(). */
size_t wm_conf_key_count(void);
void wm_conf_key_at(size_t i, const char **name, const char **type, const char **def,
                    const char **help);

#endif /* WM_UTIL_H */
