/*
** conf.c — wenming.conf: "key = value" lines.  One table drives defaults, parsing and
** the commented template that `wenming init` writes, so the three cannot disagree.
*/
#include "wm_util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum conf_type { CT_STR, CT_UINT, CT_BOOL, CT_SIZE };

static const struct conf_key {
    const char *name;
    enum conf_type type;
    size_t off;
    const char *def;
    const char *help;
} conf_keys[] = {
    {"store", CT_STR, offsetof(struct wm_conf, store), "sqlite",
     "where the records live: sqlite (the file wenming.db in the data directory) or a "
     "PostgreSQL connection string, e.g. postgresql://wenming@db.example/wenming or "
     "host=/run/postgresql dbname=wenming"},
    {"listen", CT_STR, offsetof(struct wm_conf, listen), "127.0.0.1:8080",
     "address:port to listen on"},
    {"threads", CT_UINT, offsetof(struct wm_conf, threads), "0",
     "worker threads (0 = twice the number of cores)"},
    {"session_idle", CT_UINT, offsetof(struct wm_conf, session_idle), "1800",
     "seconds of inactivity after which a session ends"},
    {"session_lifetime", CT_UINT, offsetof(struct wm_conf, session_lifetime), "43200",
     "absolute lifetime of a session in seconds"},
    {"cookie_secure", CT_BOOL, offsetof(struct wm_conf, cookie_secure), "false",
     "mark cookies Secure (set to true when served over HTTPS)"},
    {"lockout_attempts", CT_UINT, offsetof(struct wm_conf, lockout_attempts), "5",
     "failed logins for one account that lock it"},
    {"lockout_window", CT_UINT, offsetof(struct wm_conf, lockout_window), "900",
     "seconds over which failed logins are counted"},
    {"lockout_duration", CT_UINT, offsetof(struct wm_conf, lockout_duration), "900",
     "seconds an account stays locked"},
    {"ip_attempts", CT_UINT, offsetof(struct wm_conf, ip_attempts), "30",
     "failed logins from one client address per window before it is throttled"},
    {"max_body", CT_UINT, offsetof(struct wm_conf, max_body), "1048576",
     "largest form body in bytes, on routes without a limit of their own"},
    {"max_json_body", CT_UINT, offsetof(struct wm_conf, max_json_body), "65536",
     "largest JSON body in bytes, on routes without a limit of their own"},
    {"max_connections", CT_UINT, offsetof(struct wm_conf, max_connections), "1000",
     "simultaneous connections"},
    {"max_connections_per_ip", CT_UINT, offsetof(struct wm_conf, max_connections_per_ip), "64",
     "simultaneous connections from one address (0 = no limit; trusted proxies are exempt)"},
    {"connection_timeout", CT_UINT, offsetof(struct wm_conf, connection_timeout), "30",
     "seconds an idle connection is kept"},
    {"request_timeout", CT_UINT, offsetof(struct wm_conf, request_timeout), "30",
     "seconds in which a request's headers, and a body of up to 1 MiB, must arrive, "
     "however slowly the bytes trickle (0 = no deadlines)"},
    {"upload_min_rate", CT_UINT, offsetof(struct wm_conf, upload_min_rate), "1024",
     "bytes per second a larger body (upload, import) must average after its first "
     "request_timeout seconds"},
    {"trusted_proxies", CT_STR, offsetof(struct wm_conf, trusted_proxies), "",
     "addresses and CIDR ranges of reverse proxies whose X-Forwarded-For / X-Real-IP is "
     "believed, e.g. 127.0.0.1, ::1, 10.0.0.0/8 (empty = none)"},
    {"pwhash_ops", CT_UINT, offsetof(struct wm_conf, pwhash_ops), "2",
     "argon2id passes (opslimit)"},
    {"pwhash_mem", CT_SIZE, offsetof(struct wm_conf, pwhash_mem), "67108864",
     "argon2id memory in bytes (memlimit)"},
    {"password_min_length", CT_UINT, offsetof(struct wm_conf, password_min_length), "8",
     "fewest characters of a new password (1..256)"},
    {"password_classes", CT_UINT, offsetof(struct wm_conf, password_classes), "3",
     "how many of lower case, upper case, digits, other characters a new password needs (0..4)"},
    {"password_history", CT_UINT, offsetof(struct wm_conf, password_history), "0",
     "a new password may not equal any of the account's last N (0 = off, at most 100)"},
    {"password_max_age_days", CT_UINT, offsetof(struct wm_conf, password_max_age_days), "0",
     "a password older than N days must be changed at the next sign-in (0 = never expires)"},
    {"totp_required", CT_STR, offsetof(struct wm_conf, totp_required), "",
     "roles that must sign in with a TOTP second factor, e.g. admin,office (empty = none)"},
    {"lang", CT_STR, offsetof(struct wm_conf, lang), "zh_CN",
     "user interface language: zh_CN (Simplified) or zh_TW (Traditional)"},
    {"upload_max", CT_SIZE, offsetof(struct wm_conf, upload_max), "2147483648",
     "largest uploaded file in bytes (larger answers 413 and nothing is stored)"},
    {"allowed_types", CT_STR, offsetof(struct wm_conf, allowed_types), "",
     "uploaded file types allowed, as extensions (pdf,docx,jpg,...); empty = the default list"},
    {"archival_code", CT_STR, offsetof(struct wm_conf, archival_code),
     "{unit}-{year}-{code}-{serial}", "archival code pattern (DA/T 22)"},
    {"fixity_hours", CT_UINT, offsetof(struct wm_conf, fixity_hours), "24",
     "hours between background re-hashes of every blob (0 = never)"},
    {"job_workers", CT_UINT, offsetof(struct wm_conf, job_workers), "2",
     "background job worker threads of this server (0 = run no jobs here)"},
    {"import_job_bytes", CT_SIZE, offsetof(struct wm_conf, import_job_bytes), "4194304",
     "archive packages larger than this many bytes are imported as a background job (202)"},
    /* notifications: the daily e-mail digest (nothing is sent while smtp_host is empty) */
    {"smtp_host", CT_STR, offsetof(struct wm_conf, smtp_host), "",
     "SMTP server of the daily e-mail digest (empty = send no e-mail)"},
    {"smtp_port", CT_UINT, offsetof(struct wm_conf, smtp_port), "587", "SMTP port"},
    {"smtp_starttls", CT_BOOL, offsetof(struct wm_conf, smtp_starttls), "yes",
     "require STARTTLS (yes) or speak plain SMTP (no: only to a relay on this machine)"},
    {"smtp_user", CT_STR, offsetof(struct wm_conf, smtp_user), "",
     "SMTP login (empty = no authentication)"},
    {"smtp_password", CT_STR, offsetof(struct wm_conf, smtp_password), "",
     "SMTP password (never logged)"},
    {"smtp_from", CT_STR, offsetof(struct wm_conf, smtp_from), "",
     "sender address of the digest, e.g. wenming@example.org (required with smtp_host)"},
    {"base_url", CT_STR, offsetof(struct wm_conf, base_url), "",
     "the site's address as users reach it, e.g. https://wenming.example.org (links in e-mail)"},
    {"digest_hour", CT_UINT, offsetof(struct wm_conf, digest_hour), "7",
     "hour of the day (Asia/Shanghai, 0-23) of the deadline scan and the e-mail digest"},
    /* operations (issue 13): health, metrics, downloads through nginx */
    {"health_min_free_mb", CT_UINT, offsetof(struct wm_conf, health_min_free_mb), "1024",
     "GET /healthz answers 503 when the data directory's disk has less free space (MiB)"},
    {"metrics_allow", CT_STR, offsetof(struct wm_conf, metrics_allow), "127.0.0.1 ::1",
     "client addresses and CIDR ranges that may read GET /metrics (others get 404; "
     "empty = nobody)"},
    {"accel_redirect", CT_STR, offsetof(struct wm_conf, accel_redirect), "",
     "behind nginx: the internal location aliased to the blob directory, e.g. "
     "/_wenming_blobs/; downloads then answer X-Accel-Redirect and nginx sends the bytes "
     "(empty = wenming sends them)"},
};

static int
conf_set(struct wm_conf *c, const struct conf_key *k, const char *v)
{
    char *field = (char *)c + k->off;
    int64_t n;
    switch (k->type) {
    case CT_STR:
        free(*(char **)field);
        *(char **)field = wm_strdup(v);
        return 0;
    case CT_UINT:
        if (!wm_parse_i64(v, 0, UINT32_MAX, &n)) {
            return -1;
        }
        *(unsigned *)field = (unsigned)n;
        return 0;
    case CT_SIZE:
        if (!wm_parse_i64(v, 0, INT64_MAX, &n)) {
            return -1;
        }
        *(size_t *)field = (size_t)n;
        return 0;
    case CT_BOOL:
        if (wm_streq(v, "true") || wm_streq(v, "yes") || wm_streq(v, "1")) {
            *(bool *)field = true;
        } else if (wm_streq(v, "false") || wm_streq(v, "no") || wm_streq(v, "0")) {
            *(bool *)field = false;
        } else {
            return -1;
        }
        return 0;
    }
    return -1;
}

void
wm_conf_defaults(struct wm_conf *c)
{
    memset(c, 0, sizeof *c);
    for (size_t i = 0; i < WM_ARRAY_LEN(conf_keys); i++) {
        if (conf_set(c, &conf_keys[i], conf_keys[i].def)) {
            wm_panic("bad default for %s", conf_keys[i].name);
        }
    }
}

int
wm_conf_load(struct wm_conf *c, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (NULL == f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    char line[4096];
    unsigned lineno = 0;
    int rc = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        char *hash = strchr(line, '#');
        if (hash) {
            *hash = '\0';
        }
        wm_trim(line);
        if ('\0' == line[0]) {
            continue;
        }
        char *eq = strchr(line, '=');
        if (NULL == eq) {
            snprintf(err, errlen, "%s:%u: expected 'key = value'", path, lineno);
            rc = -1;
            break;
        }
        *eq = '\0';
        char *key = wm_trim(line), *val = wm_trim(eq + 1);
        const struct conf_key *k = NULL;
        for (size_t i = 0; i < WM_ARRAY_LEN(conf_keys); i++) {
            if (wm_streq(conf_keys[i].name, key)) {
                k = &conf_keys[i];
            }
        }
        if (NULL == k) {
            snprintf(err, errlen, "%s:%u: unknown key '%s'", path, lineno, key);
            rc = -1;
            break;
        }
        if (conf_set(c, k, val)) {
            snprintf(err, errlen, "%s:%u: bad value for '%s'", path, lineno, key);
            rc = -1;
            break;
        }
    }
    fclose(f);
    return rc;
}

char *
wm_conf_template(void)
{
    struct wm_buf b = {0};
    wm_buf_adds(&b, "# wenming.conf: one 'key = value' per line. Shown with their defaults.\n");
    for (size_t i = 0; i < WM_ARRAY_LEN(conf_keys); i++) {
        wm_buf_printf(&b, "\n# %s\n%s = %s\n", conf_keys[i].help, conf_keys[i].name,
                      conf_keys[i].def);
    }
    return wm_buf_steal(&b);
}

void
wm_conf_free(struct wm_conf *c)
{
    for (size_t i = 0; i < WM_ARRAY_LEN(conf_keys); i++) {
        if (CT_STR == conf_keys[i].type) {
            char **p = (char **)((char *)c + conf_keys[i].off);
            free(*p);
            *p = NULL;
        }
    }
}

size_t
wm_conf_key_count(void)
{
    return WM_ARRAY_LEN(conf_keys);
}

void
wm_conf_key_at(size_t i, const char **name, const char **type, const char **def,
               const char **help)
{
    static const char *const types[] = {[CT_STR] = "string", [CT_UINT] = "integer",
                                        [CT_BOOL] = "boolean", [CT_SIZE] = "bytes"};
    if (i >= WM_ARRAY_LEN(conf_keys)) {
        wm_panic("wm_conf_key_at: no key %zu", i);
    }
    *name = conf_keys[i].name;
    *type = types[conf_keys[i].type];
    *def = conf_keys[i].def;
    *help = conf_keys[i].help;
}

/* end of conf.c */
