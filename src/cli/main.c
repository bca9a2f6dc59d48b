/*
** main.c — the `wenming` command: one binary, subcommands from a table.
**
** Exit codes: 0 success, 1 failure (the cause on stderr in one line), 2 usage.  Commands
** that change data act as the platform operator and are written to the audit log as
** "(cli)".
*/
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <pthread.h>
#include <unistd.h>
#include <sys/stat.h>

#include <sodium.h>

#include "wm_core.h"
#include "wm_db.h"
#include "wm_framework.h"
#include "wm_blob.h"
#include "wm_thumb.h"
#include "wm_compile.h"
#include "wm_extract.h"
#include "wm_search.h"
#include "wm_eval_render.h"
#include "wm_archive.h"
#include "wm_http.h"
#include "handlers.h"
#include "wm_table.h"

#define DEMO_DIR "./var/demo"

struct cmd {
    const char *name;
    const char *sub;
    int (*fn)(int argc, char **argv);
    const char *usage;
    const char *help;
};

static const struct cmd *cur_cmd;

static int
usage_error(const char *fmt, ...) WM_PRINTF(1, 2);

static int
usage_error(const char *fmt, ...)
{
    va_list ap;
    fputs("wenming: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    if (cur_cmd) {
        fprintf(stderr, "\nusage: wenming %s%s%s %s\n", cur_cmd->name, cur_cmd->sub ? " " : "",
                cur_cmd->sub ? cur_cmd->sub : "", cur_cmd->usage);
    } else {
        fputc('\n', stderr);
    }
    return 2;
}

static int
fail(const char *fmt, ...) WM_PRINTF(1, 2);

static int
fail(const char *fmt, ...)
{
    va_list ap;
    fputs("wenming: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return 1;
}

static void
print_help(void)
{
    printf("usage: wenming %s%s%s %s\n\n%s\n", cur_cmd->name, cur_cmd->sub ? " " : "",
           cur_cmd->sub ? cur_cmd->sub : "", cur_cmd->usage, cur_cmd->help);
}

/* Common option parsing: --data and --help everywhere, plus the command's own. */
struct opts {
    const char *data;
    const char *v[16];
    bool flag[16];
    int nargs;
    char **args;
};

/* spec: "name=" takes a value, "name" is a flag; index i of spec -> o->v[i] / o->flag[i] */
static int
parse(int argc, char **argv, const char *const *spec, struct opts *o)
{
    struct option lo[20];
    int n = 0;
    memset(o, 0, sizeof *o);
    o->data = getenv("WENMING_DATA");
    for (int i = 0; spec && spec[i]; i++) {
        size_t len = strlen(spec[i]);
        bool val = '=' == spec[i][len - 1];
        lo[n].name = wm_strndup(spec[i], val ? len - 1 : len);
        lo[n].has_arg = val ? required_argument : no_argument;
        lo[n].flag = NULL;
        lo[n].val = 1000 + i;
        n++;
    }
    lo[n++] = (struct option){"data", required_argument, NULL, 'd'};
    lo[n++] = (struct option){"help", no_argument, NULL, 'h'};
    lo[n] = (struct option){NULL, 0, NULL, 0};
    optind = 1;
    opterr = 0;
    int c, rc = 0;
    while (-1 != (c = getopt_long(argc, argv, "d:h", lo, NULL))) {
        if ('d' == c) {
            o->data = optarg;
        } else if ('h' == c) {
            print_help();
            rc = -1;
            break;
        } else if (c >= 1000) {
            o->v[c - 1000] = optarg;
            o->flag[c - 1000] = true;
        } else {
            rc = usage_error("unknown or incomplete option '%s'", argv[optind - 1]);
            break;
        }
    }
    for (int i = 0; i < n - 2; i++) {
        free((char *)lo[i].name);
    }
    o->nargs = argc - optind;
    o->args = argv + optind;
    return rc;
}

/* The store setting of a data directory's wenming.conf (NULL: the embedded SQLite). */
static char *
store_of(const char *data)
{
    char err[512];
    struct wm_conf conf;
    wm_conf_defaults(&conf);
    char *confp = wm_asprintf("%s/wenming.conf", data);
    char *store = NULL;
    if (0 == access(confp, F_OK) && wm_conf_load(&conf, confp, err, sizeof err)) {
        wm_log(WM_LOG_WARN, "%s", err); /* the command's own load_conf reports it */
    } else if (!wm_db_store_is_sqlite(conf.store)) {
        store = wm_strdup(conf.store);
    }
    free(confp);
    wm_conf_free(&conf);
    return store;
}

/* The data directory a command opened (its audit head is anchored when it succeeds). */
static char opened_data[4096];

static struct wm_db *
open_store(const char *data, bool check_schema)
{
    char err[512];
    if (data) {
        snprintf(opened_data, sizeof opened_data, "%s", data);
    }
    if (NULL == data) {
        usage_error("no data directory: give --data DIR or set WENMING_DATA");
        return NULL;
    }
    struct stat st;
    if (0 != stat(data, &st) || !S_ISDIR(st.st_mode)) {
        fail("%s: not a data directory (create one with 'wenming init --data %s')", data, data);
        return NULL;
    }
    /* exports and helper programs make their scratch files in DATA/tmp (see wm_scratch_set) */
    char *scratch = wm_asprintf("%s/tmp", data);
    if (0 == wm_mkdirs(scratch, 0700)) {
        wm_scratch_set(scratch);
    }
    free(scratch);
    char *store = store_of(data);
    struct wm_db *db = wm_db_open(store, data, false, err, sizeof err);
    free(store);
    if (NULL == db) {
        fail("%s", err);
        return NULL;
    }
    if (check_schema) {
        int v = db->ops->schema_version(db);
        if (v != WM_DB_SCHEMA_VERSION) {
            fail("%s has schema version %d but this wenming needs %d: run 'wenming migrate --data "
                 "%s'%s",
                 data, v, WM_DB_SCHEMA_VERSION, data,
                 v > WM_DB_SCHEMA_VERSION ? " with a newer wenming" : "");
            db->ops->close(db);
            return NULL;
        }
    }
    return db;
}

/* A password from the environment, else from the terminal (twice), else NULL. */
static char *
read_password(const char *envname, const char *prompt)
{
    const char *env = getenv(envname);
    if (env && *env) {
        return wm_strdup(env);
    }
    if (!isatty(STDIN_FILENO)) {
        return NULL;
    }
    char a[512], b[512];
    struct termios old, noecho;
    for (int attempt = 0; attempt < 3; attempt++) {
        tcgetattr(STDIN_FILENO, &old);
        noecho = old;
        noecho.c_lflag &= ~(tcflag_t)ECHO;
        tcsetattr(STDIN_FILENO, TCSANOW, &noecho);
        fprintf(stderr, "%s: ", prompt);
        bool ok = fgets(a, sizeof a, stdin) != NULL;
        fprintf(stderr, "\n%s (again): ", prompt);
        ok = ok && fgets(b, sizeof b, stdin) != NULL;
        fputc('\n', stderr);
        tcsetattr(STDIN_FILENO, TCSANOW, &old);
        a[strcspn(a, "\n")] = '\0';
        b[strcspn(b, "\n")] = '\0';
        if (!ok) {
            return NULL;
        }
        if (!wm_streq(a, b)) {
            fprintf(stderr, "the two passwords differ; try again\n");
            continue;
        }
        char pwmsg[160];
        if (WM_PW_OK != wm_password_check(a, pwmsg, sizeof pwmsg)) {
            fprintf(stderr, "too weak: %s\n", pwmsg);
            continue;
        }
        return wm_strdup(a);
    }
    return NULL;
}

/*
** The common start of a command: options, the number of arguments (-1: any), the store.
** Returns 0 with *db open, or the exit code to return at once (0 after --help).
*/
static int
begin(int argc, char **argv, const char *const *spec, int nargs, const char *args_usage,
      struct opts *o, struct wm_db **db)
{
    *db = NULL;
    int rc = parse(argc, argv, spec, o);
    if (rc) {
        return rc < 0 ? -1 : rc;
    }
    if (nargs >= 0 && o->nargs != nargs) {
        return usage_error("%s", args_usage);
    }
    *db = open_store(o->data, true);
    return *db ? 0 : 1;
}

/* Parse the command's options into o; returns from the command on --help or a usage error. */
#define PARSE(spec)                                                                          \
    do {                                                                                     \
        int parsed_ = parse(argc, argv, (spec), &o);                                         \
        if (parsed_) {                                                                       \
            return parsed_ < 0 ? 0 : parsed_;                                                \
        }                                                                                    \
    } while (0)

#define BEGIN(spec, nargs, usage)                                                            \
    do {                                                                                     \
        int begun_ = begin(argc, argv, (spec), (nargs), (usage), &o, &db);                   \
        if (begun_) {                                                                        \
            return begun_ < 0 ? 0 : begun_;                                                  \
        }                                                                                    \
    } while (0)

static const struct wm_actor cli_actor = {.p = NULL, .request_id = "cli", .addr = "cli"};

/* The full-text index rebuilt with its progress on stderr (search reindex, migrate to 17,
** store copy); 0, or 1 after the cause was printed. */
static int search_rebuild(struct wm_db *db);

/* ---------------------------------------------------------------- init / migrate */

static int
cmd_init(int argc, char **argv)
{
    static const char *const spec[] = {"admin=", "store=", NULL};
    struct opts o;
    PARSE(spec);
    if (NULL == o.data) {
        return usage_error("--data DIR is required");
    }
    const char *admin = o.v[0] ? o.v[0] : "admin";
    /* --store, else the store of a wenming.conf already in DIR (else SQLite) */
    char *conf_store = o.v[1] ? NULL : store_of(o.data);
    const char *store = o.v[1] ? o.v[1] : conf_store;
    char *pw = read_password("WENMING_ADMIN_PASSWORD", "password for the admin account");
    char *generated = NULL, err[512];
    char pwmsg[160];
    if (pw && WM_PW_OK != wm_password_check(pw, pwmsg, sizeof pwmsg)) {
        free(pw);
        free(conf_store);
        return fail("the admin password breaks the password policy: %s", pwmsg);
    }
    int bad = wm_init_data_dir(o.data, store, admin, pw, &generated, err, sizeof err);
    free(conf_store);
    if (bad) {
        free(pw);
        return fail("%s", err);
    }
    printf("initialised %s (schema version %d)\nadmin account: %s\n", o.data,
           WM_DB_SCHEMA_VERSION, admin);
    if (generated) {
        printf("generated password (shown once; it must be changed at first login): %s\n",
               generated);
    }
    free(generated);
    free(pw);
    return 0;
}

static int
cmd_migrate(int argc, char **argv)
{
    struct opts o;
    PARSE(NULL);
    int from, to;
    struct wm_db *db = open_store(o.data, false);
    if (NULL == db) {
        return 1;
    }
    int have = db->ops->schema_version(db);
    if (have > WM_DB_SCHEMA_VERSION) {
        db->ops->close(db);
        return fail("%s is newer (schema %d) than this wenming (schema %d): use a newer wenming",
                    o.data, have, WM_DB_SCHEMA_VERSION);
    }
    enum wm_qs qs = db->ops->migrate(db, &from, &to);
    if (WM_QS_ONE != qs) {
        db->ops->close(db);
        return fail("migration failed; the database is unchanged from schema %d", to);
    }
    if (from < 13 && to >= 13) { /* 0013 added the schedule summary: fill it */
        struct wm_fail f = {0};
        int64_t n;
        if (wm_sched_rebuild_all(db, &n, &f)) {
            db->ops->close(db);
            return fail("cannot build the schedule summary: %s (run 'wenming sched rebuild')",
                        f.msg);
        }
    }
    if (from < 17 && to >= 17 && search_rebuild(db)) { /* 0017 added the search index */
        db->ops->close(db);
        return fail("the search index is still empty: run 'wenming search reindex --data %s'",
                    o.data);
    }
    db->ops->close(db);
    printf(from == to ? "schema is up to date (version %d)\n" : "migrated from %d to %d\n",
           from == to ? to : from, to);
    return 0;
}

/* Recompute the schedule summary of every archive (what the office's home counts). */
static int
cmd_sched_rebuild(int argc, char **argv)
{
    struct opts o;
    PARSE(NULL);
    struct wm_db *db = open_store(o.data, false);
    if (NULL == db) {
        return 1;
    }
    struct wm_fail f = {0};
    int64_t n;
    int rc = wm_sched_rebuild_all(db, &n, &f);
    db->ops->close(db);
    if (rc) {
        return fail("cannot build the schedule summary: %s", f.msg);
    }
    printf("schedule summary rebuilt for %lld archives\n", (long long)n);
    return 0;
}

/* ---------------------------------------------------------------- serve */

/* Where the catalogs are: the build tree's po/ when running from it, else the installed
** locale directory. */
static char *
locale_dir(void)
{
    char self[4096];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n > 0) {
        self[n] = '\0';
        char *slash = strrchr(self, '/');
        if (slash) {
            *slash = '\0';
            char *po = wm_asprintf("%s/../../po", self);
            char *mo = wm_asprintf("%s/zh_TW/LC_MESSAGES/wenming.mo", po);
            bool here = 0 == access(mo, R_OK);
            free(mo);
            if (here) {
                return po;
            }
            free(po);
        }
    }
    return wm_strdup(WM_LOCALEDIR);
}

/*
** The UI language of this server (wenming.conf's lang): the msgids are Simplified Chinese,
** so zh_CN needs nothing; another language is chosen through LANGUAGE, which gettext
** honours under any locale but plain "C" — hence C.UTF-8 for messages.
*/
static int
set_language(const char *lang)
{
    if (NULL == lang || '\0' == *lang || wm_streq(lang, "zh_CN")) {
        return 0;
    }
    if (!wm_streq(lang, "zh_TW")) {
        return fail("wenming.conf: lang must be zh_CN or zh_TW (not '%s')", lang);
    }
    setenv("LANGUAGE", lang, 1);
    if (NULL == setlocale(LC_MESSAGES, "C.UTF-8")) {
        wm_log(WM_LOG_WARN, "no C.UTF-8 locale: the UI stays in Simplified Chinese");
    }
    return 0;
}

/*
** Tests only: WENMING_TEST_FAULT=disk-full makes every blob write fail with ENOSPC, so the
** HTTP tests can see what a full disk looks like from outside (a clear 503, nothing
** half-written).  Nothing else reads it.
*/
static int
fault_disk_full(const char *op, size_t nbytes)
{
    (void)nbytes;
    return wm_streq(op, "write") ? ENOSPC : 0;
}

/*
** Tests only: WENMING_TEST_FAULT=hold-imports holds every import job, once it has written
** its first progress, while the file DATA/hold-imports exists, so the HTTP and browser
** tests can see an import running (its progress bar) without guessing at timings.
** WENMING_TEST_FAULT=hold-jobs holds those and every plan job (once it has read the plan)
** while DATA/hold-jobs exists: a test saves the plan while its job runs.
*/
static char *hold_file;

static void
hold_import(struct wm_job *job)
{
    struct stat st;
    while (0 == stat(hold_file, &st) && !wm_job_should_stop(job)) {
        usleep(20000);
    }
}

/* A helper program (wenming-thumb, wenming-compile, wenming-extract): the one next to this
** program (the build tree), else the installed one in WM_HELPERDIR (/usr/libexec/wenming of
** the Debian package); NULL when neither is executable. */
static char *
helper_path(const char *name)
{
    char self[4096];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n > 0) {
        self[n] = '\0';
        char *slash = strrchr(self, '/');
        if (slash) {
            *slash = '\0';
            char *p = wm_asprintf("%s/%s", self, name);
            if (0 == access(p, X_OK)) {
                return p;
            }
            free(p);
        }
    }
    char *p = wm_asprintf("%s/%s", WM_HELPERDIR, name);
    if (0 != access(p, X_OK)) {
        free(p);
        return NULL;
    }
    return p;
}

/* The data directory's wenming.conf over the defaults (a missing file is fine). */
static int
load_conf(const char *data, struct wm_conf *conf)
{
    char err[512];
    wm_conf_defaults(conf);
    char *confp = wm_asprintf("%s/wenming.conf", data);
    int rc = 0;
    if (0 == access(confp, F_OK) && wm_conf_load(conf, confp, err, sizeof err)) {
        rc = fail("%s", err);
    }
    free(confp);
    if (0 == rc) {
        wm_password_set_cost(conf->pwhash_ops, conf->pwhash_mem);
        wm_password_set_policy(conf->password_min_length, conf->password_classes);
        wm_password_set_history(conf->password_history);
        /* issue 13, totp: the second factor's roles and the password's age */
        wm_password_set_max_age(conf->password_max_age_days);
        if (!wm_totp_set_required(conf->totp_required)) {
            rc = fail("wenming.conf: totp_required: %s (admin, office, evaluator, unit_admin, "
                      "unit_member, unit_viewer)", conf->totp_required);
        }
    }
    return rc;
}

/* The notification jobs with the e-mail settings of wenming.conf. */
static void
notify_register(const struct wm_conf *conf)
{
    const struct wm_notify_conf nc = {
        .smtp_host = conf->smtp_host,
        .smtp_port = conf->smtp_port,
        .smtp_starttls = conf->smtp_starttls,
        .smtp_user = conf->smtp_user,
        .smtp_password = conf->smtp_password,
        .smtp_from = conf->smtp_from,
        .base_url = conf->base_url,
        .digest_hour = conf->digest_hour,
    };
    wm_notify_register(&nc);
}

static int
serve_run(const char *data, const char *listen, const char *threads, json_t *accounts)
{
    char err[512];
    struct wm_conf conf;
    if (load_conf(data, &conf)) {
        wm_conf_free(&conf);
        return 1;
    }
    if (set_language(conf.lang)) {
        wm_conf_free(&conf);
        return 1;
    }
    int64_t nthreads = conf.threads;
    if (threads && !wm_parse_i64(threads, 1, 256, &nthreads)) {
        wm_conf_free(&conf);
        return usage_error("--threads takes a number from 1 to 256");
    }
    struct wm_db *db = open_store(data, true);
    if (NULL == db) {
        wm_conf_free(&conf);
        return 1;
    }
    db->ops->close(db);
    wm_db_configure(conf.store, data);
    char *blobdir = wm_asprintf("%s/blobs", data);
    wm_app.blobs = wm_blob_open(blobdir, err, sizeof err);
    free(blobdir);
    if (NULL == wm_app.blobs) {
        wm_conf_free(&conf);
        return fail("%s", err);
    }
    /* Before the server listens no upload can be running: every temp file is a leftover of
    ** one that was cut off (a crash, kill -9). */
    long gone = wm_blob_gc_tmp(wm_app.blobs, 0, err, sizeof err);
    if (gone > 0) {
        wm_log(WM_LOG_INFO, "removed %ld temp files left by an earlier run", gone);
    } else if (gone < 0) {
        wm_log(WM_LOG_WARN, "blob temp files: %s", err);
    }
    wm_app.max_file = conf.upload_max;
    if (wm_streq(getenv("WENMING_TEST_FAULT"), "disk-full")) {
        wm_log(WM_LOG_WARN, "WENMING_TEST_FAULT=disk-full: every blob write fails (tests only)");
        wm_blob_set_fault(fault_disk_full);
    }
    wm_app.allowed = conf.allowed_types[0] ? conf.allowed_types : NULL;
    wm_app.data_dir = data;
    wm_archive_set_code_pattern(conf.archival_code);
    wm_routes_init();
    wm_search_warm(); /* the 繁简 folding table, not in the first search */
    wm_app.thumbs_dir = wm_asprintf("%s/thumbs", data);
    char *helper = helper_path("wenming-thumb");
    /* Background work runs on the job queue: thumbnails (by the helper program), the
    ** scheduled fixity pass, large imports.  Kinds are registered even with no workers
    ** here (job_workers = 0): another server on the store runs them. */
    struct wm_jobs_env jenv = {.blobs = wm_app.blobs, .thumb_px = 320,
                               .thumb_make = wm_thumb_make_spawned, .allowed = wm_app.allowed,
                               .max_file = wm_app.max_file, .fixity_hours = conf.fixity_hours,
                               .data_dir = data};
    if (helper && 0 == wm_mkdirs(wm_app.thumbs_dir, 0750)) {
        wm_thumb_set_helper(helper);
        jenv.thumbs_dir = wm_app.thumbs_dir;
    } else {
        wm_log(WM_LOG_WARN, "no wenming-thumb (next to this program or in " WM_HELPERDIR
                            "): thumbnails are off");
    }
    free(helper);
    /* the 经验交流汇编 PDF (good practice) by its helper program */
    helper = helper_path("wenming-compile");
    if (helper) {
        wm_compile_set_helper(helper);
        jenv.compile_make = wm_compile_spawned;
    } else {
        wm_log(WM_LOG_WARN, "no wenming-compile (next to this program or in " WM_HELPERDIR
                            "): compilations are off");
    }
    free(helper);
    /* the text of files for the search index (job "search.extract") by its helper program;
    ** without it files are found by their titles and metadata only */
    helper = helper_path("wenming-extract");
    if (helper) {
        wm_extract_set_helper(helper);
        jenv.extract_make = wm_extract_make_spawned;
        jenv.probe_make = wm_probe_spawned; /* issue 13, dat70: the 四性检测 probe */
    } else {
        wm_log(WM_LOG_WARN, "no wenming-extract (next to this program or in " WM_HELPERDIR
                            "): the text inside files "
                            "is not searchable");
    }
    free(helper);
    const char *fault = getenv("WENMING_TEST_FAULT");
    if (wm_streq(fault, "hold-imports") || wm_streq(fault, "hold-jobs")) {
        wm_log(WM_LOG_WARN, "WENMING_TEST_FAULT=%s: jobs wait while %s/%s exists (tests only)",
               fault, data, fault);
        hold_file = wm_asprintf("%s/%s", data, fault);
        jenv.hold = hold_import;
    }
    wm_jobs_register_builtin(&jenv);
    notify_register(&conf); /* the daily deadline scan and e-mail digest */
    wm_app.import_job_bytes = conf.import_job_bytes;
    wm_app.health_min_free = (uint64_t)conf.health_min_free_mb << 20;
    wm_app.accel_redirect = conf.accel_redirect[0] ? conf.accel_redirect : NULL;
    struct wm_server_opts so = {
        .listen = listen ? listen : conf.listen,
        .threads = (unsigned)nthreads,
        .max_connections = conf.max_connections,
        .connection_timeout = conf.connection_timeout,
        .max_body = conf.max_body,
        .max_json_body = conf.max_json_body,
        .max_connections_per_ip = conf.max_connections_per_ip,
        .request_timeout = conf.request_timeout,
        .upload_min_rate = conf.upload_min_rate,
        .trusted_proxies = conf.trusted_proxies,
        .metrics_allow = conf.metrics_allow,
        .cookie_secure = conf.cookie_secure,
        .ip_attempts = conf.ip_attempts,
        .ip_window = conf.lockout_window,
        .auth = {.lockout_attempts = conf.lockout_attempts,
                 .lockout_window = conf.lockout_window,
                 .lockout_duration = conf.lockout_duration,
                 .session_idle = conf.session_idle,
                 .session_lifetime = conf.session_lifetime},
    };
    /* Signals are taken by sigwait() below; block them before any thread starts. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);
    struct wm_server *s = wm_server_start(&so, err, sizeof err);
    if (NULL == s) {
        wm_conf_free(&conf);
        return fail("%s", err);
    }
    char host[64];
    snprintf(host, sizeof host, "%s", so.listen);
    char *colon = strrchr(host, ':');
    if (colon) {
        *colon = '\0';
    }
    printf("wenming %s serving %s on http://%s:%u/\n", WM_VERSION, data,
           host[0] && !wm_streq(host, "0.0.0.0") ? host : "127.0.0.1", wm_server_port(s));
    if (accounts) {
        printf("demo accounts (password for all: %s):\n",
               json_string_value(json_object_get(json_array_get(accounts, 0), "password")));
        size_t i;
        json_t *a;
        json_array_foreach(accounts, i, a)
        {
            printf("  %-10s %s\n", json_string_value(json_object_get(a, "username")),
                   json_string_value(json_object_get(a, "role")));
        }
    }
    fflush(stdout);
    if (wm_jobs_start(conf.job_workers)) {
        wm_log(WM_LOG_WARN, "not every job worker started");
    }
    wm_audit_anchor_start(data);
    int sig = 0;
    sigwait(&set, &sig);
    wm_log(WM_LOG_INFO, "signal %d: finishing in-flight requests", sig);
    wm_jobs_stop(); /* the jobs running here finish first */
    free(hold_file);
    hold_file = NULL;
    wm_server_stop(s, 10);
    wm_audit_anchor_stop(); /* after the last request: anchors the final head */
    free(wm_app.thumbs_dir);
    wm_app.thumbs_dir = NULL;
    wm_blob_close(wm_app.blobs);
    wm_app.blobs = NULL;
    wm_conf_free(&conf);
    wm_log(WM_LOG_INFO, "stopped");
    return 0;
}

/* Whether the demo's store holds nothing yet: no wenming.db, or an empty PostgreSQL database. */
static bool
demo_fresh(const char *dir, const char *store)
{
    if (wm_db_store_is_sqlite(store)) {
        char *dbp = wm_asprintf("%s/wenming.db", dir);
        bool fresh = 0 != access(dbp, F_OK);
        free(dbp);
        return fresh;
    }
    char err[512];
    struct wm_db *db = wm_db_open(store, dir, false, err, sizeof err);
    if (NULL == db) {
        return false; /* serving then reports the store */
    }
    bool fresh = 0 == db->ops->schema_version(db);
    db->ops->close(db);
    return fresh;
}

static int
cmd_serve(int argc, char **argv)
{
    static const char *const spec[] = {"listen=", "threads=", "demo", NULL};
    struct opts o;
    PARSE(spec);
    int rc;
    if (o.nargs) {
        return usage_error("unexpected argument '%s'", o.args[0]);
    }
    if (!o.flag[2]) {
        if (NULL == o.data) {
            return usage_error("--data DIR is required (or --demo)");
        }
        return serve_run(o.data, o.v[0], o.v[1], NULL);
    }
    const char *dir = o.data && getenv("WENMING_DATA") != o.data ? o.data : DEMO_DIR;
    char err[512];
    json_t *accounts = json_array();
    struct wm_conf conf;
    if (load_conf(dir, &conf)) { /* a wenming.conf put there before sets the cost, the store */
        wm_conf_free(&conf);
        json_decref(accounts);
        return 1;
    }
    bool fresh = demo_fresh(dir, conf.store);
    if (fresh) {
        char *gen = NULL;
        int bad = wm_init_data_dir(dir, conf.store, "admin", "Demo-2026", &gen, err, sizeof err);
        wm_conf_free(&conf);
        if (bad) {
            json_decref(accounts);
            return fail("%s", err);
        }
        free(gen);
        struct wm_db *db = open_store(dir, true);
        if (NULL == db) {
            json_decref(accounts);
            return 1;
        }
        json_decref(accounts);
        accounts = NULL;
        int seeded = wm_demo_seed(db, &accounts, err, sizeof err);
        db->ops->close(db);
        if (seeded) {
            json_decref(accounts);
            return fail("demo data: %s", err);
        }
        printf("created demo data in %s\n", dir);
    } else {
        wm_conf_free(&conf);
        static const char *const names[][2] = {{"office", "office"}, {"district", "office"},
                                               {"evaluator", "evaluator"}, {"unitadmin", "unit_admin"},
                                               {"member", "unit_member"}, {"leader", "unit_viewer"}};
        for (size_t i = 0; i < WM_ARRAY_LEN(names); i++) {
            json_array_append_new(accounts, json_pack("{s:s, s:s, s:s}", "username", names[i][0],
                                                      "role", names[i][1], "password",
                                                      "Demo-2026"));
        }
    }
    json_array_insert_new(accounts, 0, json_pack("{s:s, s:s, s:s}", "username", "admin", "role",
                                                 "admin", "password", "Demo-2026"));
    rc = serve_run(dir, o.v[0], o.v[1], accounts);
    json_decref(accounts);
    return rc;
}

/* ---------------------------------------------------------------- users */

static int
cmd_user_add(int argc, char **argv)
{
    static const char *const spec[] = {"username=", "name=", "role=", "org=", "unit=",
                                       "dept=", NULL};
    struct opts o;
    PARSE(spec);
    if (!o.v[0] || !o.v[2] || (!o.v[3] && !o.v[4])) {
        return usage_error("--username, --role and --org ID or --unit CODE are required");
    }
    struct wm_db *db = open_store(o.data, true);
    if (NULL == db) {
        return 1;
    }
    int64_t org = 0, dept = 0, id;
    if (o.v[4]) {
        json_t *u = db->ops->org_get_by_code(db, o.v[4]);
        org = u ? json_integer_value(json_object_get(u, "id")) : 0;
        json_decref(u);
        if (0 == org) {
            db->ops->close(db);
            return fail("no unit with code '%s'", o.v[4]);
        }
    } else if (!wm_parse_i64(o.v[3], 1, INT64_MAX, &org)) {
        db->ops->close(db);
        return usage_error("--org takes an org id (see 'wenming org list')");
    }
    if (o.v[5]) {
        json_t *unit = wm_unit_get_scoped(db, &cli_actor, org, NULL);
        json_t *depts = json_incref(json_object_get(unit, "depts"));
        json_decref(unit);
        size_t i;
        json_t *d;
        json_array_foreach(depts, i, d)
        {
            if (wm_streq(json_string_value(json_object_get(d, "name")), o.v[5])) {
                dept = json_integer_value(json_object_get(d, "id"));
            }
        }
        json_decref(depts);
        if (0 == dept) {
            db->ops->close(db);
            return fail("the unit has no department '%s'", o.v[5]);
        }
    }
    char *pw = read_password("WENMING_PASSWORD", "password for the new account");
    struct wm_user_in in = {.username = o.v[0], .display_name = o.v[1] ? o.v[1] : o.v[0],
                            .password = pw, .role = o.v[2], .org_id = org, .dept_id = dept};
    struct wm_fail f = {0};
    char *gen = NULL;
    enum wm_err e = wm_user_create(db, &cli_actor, &in, &id, &gen, &f);
    db->ops->close(db);
    free(pw);
    if (WM_OK != e) {
        return fail("cannot add user: %s%s%s", f.field[0] ? f.field : "", f.field[0] ? ": " : "",
                    f.msg);
    }
    printf("added user %s (id %lld)\n", o.v[0], (long long)id);
    if (gen) {
        printf("generated password (shown once; must be changed at first login): %s\n", gen);
        free(gen);
    }
    return 0;
}

static json_t *
user_by_name(struct wm_db *db, const char *name)
{
    json_t *u = db->ops->user_get_auth(db, name);
    if (u) {
        json_object_del(u, "pwhash");
    }
    return u;
}

static int
cmd_user_passwd(int argc, char **argv)
{
    struct opts o;
    struct wm_db *db;
    BEGIN(NULL, 1, "give exactly one USERNAME");
    json_t *u = user_by_name(db, o.args[0]);
    if (NULL == u) {
        db->ops->close(db);
        return fail("no user '%s'", o.args[0]);
    }
    char *pw = read_password("WENMING_PASSWORD", "new password");
    bool generated = NULL == pw;
    if (generated) {
        pw = wm_password_generate();
    }
    struct wm_fail f = {0};
    int64_t revoked = 0;
    enum wm_err e = wm_user_set_password(db, &cli_actor, json_integer_value(json_object_get(u, "id")),
                                         NULL, pw, &revoked, &f);
    db->ops->close(db);
    json_decref(u);
    if (WM_OK != e) {
        free(pw);
        return fail("cannot set the password: %s", f.msg);
    }
    printf("password of %s set; it must be changed at next login\n", o.args[0]);
    if (revoked) {
        printf("revoked %lld API token(s) of %s\n", (long long)revoked, o.args[0]);
    }
    if (generated) {
        printf("generated password (shown once): %s\n", pw);
    }
    free(pw);
    return 0;
}

/* ---------------------------------------------------------------- listings */

/* One page of a listing; pg->after and pg->limit are set by list_all. */
typedef json_t *(*list_fetch)(struct wm_db *db, struct wm_page *pg);
typedef void (*list_print)(const json_t *row);

/* The body of every "list" command: open the store, print a header, page through all rows. */
static int
list_all(int argc, char **argv, const char *header, list_fetch fetch, list_print print)
{
    struct opts o;
    struct wm_db *db;
    BEGIN(NULL, -1, NULL);
    int rc = 0;
    struct wm_page pg = {.scope = "/", .limit = 200};
    fputs(header, stdout);
    for (;;) {
        json_t *a = fetch(db, &pg);
        size_t i;
        json_t *x;
        json_array_foreach(a, i, x)
        {
            print(x);
            pg.after = json_integer_value(json_object_get(x, "id"));
        }
        size_t n = json_array_size(a);
        json_decref(a);
        if (NULL == a || n < pg.limit) {
            rc = NULL == a ? fail("cannot read the store") : 0;
            break;
        }
    }
    db->ops->close(db);
    return rc;
}

/* A row's integer for printf's %lld. */
static long long
lli(const json_t *o, const char *k)
{
    return (long long)json_integer_value(json_object_get(o, k));
}

static json_t *
fetch_users(struct wm_db *db, struct wm_page *pg)
{
    return wm_user_list(db, &cli_actor, pg, NULL);
}

static void
print_user(const json_t *u)
{
    printf("%-6lld %-20s %-12s %-8s %s\n", lli(u, "id"), js(u, "username"), js(u, "role"),
           lli(u, "disabled") ? "disabled" : "active", js(u, "org_name"));
}

static int
cmd_user_list(int argc, char **argv)
{
    return list_all(argc, argv, "id     username             role         status   org\n",
                    fetch_users, print_user);
}

static int
cmd_user_disable(int argc, char **argv)
{
    struct opts o;
    struct wm_db *db;
    BEGIN(NULL, 1, "give exactly one USERNAME");
    json_t *u = user_by_name(db, o.args[0]);
    struct wm_fail f = {0};
    int64_t revoked = 0;
    enum wm_err e = u ? wm_user_update(db, &cli_actor, json_integer_value(json_object_get(u, "id")),
                                       NULL, 1, -1, &revoked, &f)
                      : wm_fail_set(&f, WM_E_NOT_FOUND, NULL, "no user '%s'", o.args[0]);
    db->ops->close(db);
    json_decref(u);
    if (WM_OK != e) {
        return fail("%s", f.msg);
    }
    printf("disabled %s, ended its sessions and revoked %lld API token(s)\n", o.args[0],
           (long long)revoked);
    return 0;
}

/* issue 13, totp: the operator's way back in when an account (the only admin, say) lost
** its authenticator and its recovery codes: clear its second factor (audited as totp.reset;
** it enrols again at its next sign-in when its role requires it). */
static int
cmd_user_reset_2fa(int argc, char **argv)
{
    struct opts o;
    struct wm_db *db;
    BEGIN(NULL, 1, "give exactly one USERNAME");
    json_t *u = user_by_name(db, o.args[0]);
    struct wm_fail f = {0};
    enum wm_err e = u ? wm_totp_reset(db, &cli_actor, json_integer_value(json_object_get(u, "id")),
                                      &f)
                      : wm_fail_set(&f, WM_E_NOT_FOUND, NULL, "no user '%s'", o.args[0]);
    db->ops->close(db);
    json_decref(u);
    if (WM_OK != e) {
        return fail("%s", f.msg);
    }
    printf("two-factor sign-in of %s reset and its sessions ended; it enrols again at its next "
           "sign-in if its role requires it\n",
           o.args[0]);
    return 0;
}

/* ---------------------------------------------------------------- jobs */

static int
cmd_jobs_list(int argc, char **argv)
{
    static const char *const spec[] = {"state=", NULL};
    struct opts o;
    struct wm_db *db;
    BEGIN(spec, 0, "no arguments (filter with --state)");
    const char *state = o.v[0] ? o.v[0] : "queued,running,failed";
    static const char *const states[] = {"queued", "running", "done", "failed", NULL};
    for (const char *p = state; *p;) {
        size_t n = strcspn(p, ",");
        bool known = false;
        for (int i = 0; states[i] && !known; i++) {
            known = strlen(states[i]) == n && 0 == strncmp(p, states[i], n);
        }
        if (!known) {
            db->ops->close(db);
            return usage_error("--state takes queued, running, done or failed (or a comma list)");
        }
        p += n + (',' == p[n]);
    }
    printf("id       kind             state    tries  updated               reason\n");
    struct wm_page pg = {.limit = 200};
    int rc = 0;
    for (;;) {
        struct wm_fail f = {0};
        json_t *rows = wm_jobs_list(db, &cli_actor, state, &pg, &f);
        if (NULL == rows) {
            rc = fail("%s", f.msg);
            break;
        }
        size_t i;
        json_t *x;
        json_array_foreach(rows, i, x)
        {
            char t[32];
            wm_time_rfc3339(json_integer_value(json_object_get(x, "updated_at")), t);
            const char *why = json_string_value(json_object_get(x, "last_error"));
            const char *st = json_string_value(json_object_get(x, "state"));
            printf("%-8lld %-16s %-8s %2lld/%-2lld  %-21s %s\n",
                   (long long)json_integer_value(json_object_get(x, "id")),
                   json_string_value(json_object_get(x, "kind")), st,
                   (long long)json_integer_value(json_object_get(x, "attempts")),
                   (long long)json_integer_value(json_object_get(x, "max_attempts")), t,
                   why && !wm_streq(st, "done") ? why : "");
            pg.after = json_integer_value(json_object_get(x, "id"));
        }
        size_t n = json_array_size(rows);
        json_decref(rows);
        if (n < pg.limit) {
            break;
        }
    }
    db->ops->close(db);
    return rc;
}

static int
cmd_jobs_retry(int argc, char **argv)
{
    struct opts o;
    struct wm_db *db;
    BEGIN(NULL, 1, "give exactly one job ID");
    int64_t id;
    if (!wm_parse_i64(o.args[0], 1, INT64_MAX, &id)) {
        db->ops->close(db);
        return usage_error("'%s' is not a job id", o.args[0]);
    }
    struct wm_fail f = {0};
    enum wm_err e = wm_job_retry(db, &cli_actor, id, &f);
    db->ops->close(db);
    if (WM_OK != e) {
        return fail("job %lld: %s", (long long)id, f.msg);
    }
    printf("job %lld queued again\n", (long long)id);
    return 0;
}

/* ---------------------------------------------------------------- search */

/*
** The progress of a reindex on stderr: on a terminal one line that rewrites itself (at most
** ten times a second), else a plain line at each tenth of the way, so that a log stays short.
*/
struct reindex_progress {
    bool tty;
    int last_tenth;
    int64_t last_ms;
};

static int64_t
mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
reindex_progress(int64_t done, int64_t total, void *ctx)
{
    struct reindex_progress *pr = ctx;
    int pct = total > 0 ? (int)(done * 100 / total) : 100;
    if (pr->tty) {
        int64_t now = mono_ms();
        if (done < total && now - pr->last_ms < 100) {
            return;
        }
        pr->last_ms = now;
        fprintf(stderr, "\rindexing: %lld of %lld (%d%%)\033[K", (long long)done,
                (long long)total, pct);
    } else {
        if (pct / 10 == pr->last_tenth && done < total) {
            return;
        }
        pr->last_tenth = pct / 10;
        fprintf(stderr, "indexing: %lld of %lld (%d%%)\n", (long long)done, (long long)total,
                pct);
    }
    fflush(stderr);
}

/* The merge's progress: on a terminal one line that rewrites itself (at most ten times a
** second), else nothing until its end. */
static void
merge_progress(int64_t steps, void *ctx)
{
    struct reindex_progress *pr = ctx;
    int64_t now = mono_ms();
    if (pr->tty && now - pr->last_ms >= 100) {
        pr->last_ms = now;
        fprintf(stderr, "\rmerging the index: step %lld\033[K", (long long)steps);
        fflush(stderr);
    }
}

/* The index's parts merged into one (wm_search_merge); 0, or 1 after the cause was printed. */
static int
search_merge(struct wm_db *db)
{
    struct reindex_progress pr = {.tty = isatty(STDERR_FILENO)};
    struct wm_fail f = {0};
    int64_t t0 = mono_ms(), steps = 0;
    enum wm_err e = wm_search_merge(db, merge_progress, &pr, &steps, &f);
    if (pr.tty && steps) {
        fputc('\n', stderr);
    }
    if (WM_OK != e) {
        return fail("the search index was not merged: %s", f.msg);
    }
    printf("merged the search index in %lld step%s, %.1f s\n", (long long)steps,
           1 == steps ? "" : "s", (double)(mono_ms() - t0) / 1000.0);
    return 0;
}

static int
search_rebuild(struct wm_db *db)
{
    struct reindex_progress pr = {.tty = isatty(STDERR_FILENO), .last_tenth = -1};
    struct wm_fail f = {0};
    int64_t t0 = mono_ms();
    json_t *res = wm_search_reindex(db, reindex_progress, &pr, &f);
    if (pr.tty) {
        fputc('\n', stderr);
    }
    if (NULL == res) {
        return fail("the search index was not rebuilt: %s", f.msg);
    }
    printf("indexed %lld documents, %lld indicators, %lld guidance conversations in %.1f s\n"
           "queued the text extraction of %lld files (the server's job queue reads them)\n",
           (long long)json_integer_value(json_object_get(res, "documents")),
           (long long)json_integer_value(json_object_get(res, "indicators")),
           (long long)json_integer_value(json_object_get(res, "guidance")),
           (double)(mono_ms() - t0) / 1000.0,
           (long long)json_integer_value(json_object_get(res, "extractions_queued")));
    json_decref(res);
    return search_merge(db);
}

/* A command of no arguments but --data that runs fn on the store. */
static int
on_store(int argc, char **argv, int (*fn)(struct wm_db *))
{
    struct opts o;
    struct wm_db *db;
    BEGIN(NULL, 0, "no arguments");
    int rc = fn(db);
    db->ops->close(db);
    return rc;
}

/* Rebuild the full-text index from the store, and queue the text of files not read yet. */
static int
cmd_search_reindex(int argc, char **argv)
{
    return on_store(argc, argv, search_rebuild);
}

/* Merge the full-text index's parts now (the server's search.merge job does it nightly). */
static int
cmd_search_merge(int argc, char **argv)
{
    return on_store(argc, argv, search_merge);
}

/* ---------------------------------------------------------------- notifications */

/* Whether a job of ours has ended this attempt: done, failed, or queued again after a
** failed attempt (the queue retries it later); *row its row then. */
static bool
job_over(struct wm_db *db, int64_t id, json_t **row)
{
    json_t *j = db->ops->job_get(db, id);
    const char *st = json_string_value(json_object_get(j, "state"));
    bool over = NULL == j || wm_streq(st, "done") || wm_streq(st, "failed") ||
                (wm_streq(st, "queued") && json_integer_value(json_object_get(j, "attempts")) > 0);
    if (over) {
        *row = j;
    } else {
        json_decref(j);
    }
    return over;
}

static int
cmd_notify_run(int argc, char **argv)
{
    static const char *const spec[] = {"date=", NULL};
    struct opts o;
    struct wm_db *db;
    BEGIN(spec, 0, "no arguments (--date YYYY-MM-DD)");
    int64_t day;
    if (o.v[0] && !wm_day_parse(o.v[0], &day)) {
        db->ops->close(db);
        return usage_error("--date takes a day as YYYY-MM-DD");
    }
    struct wm_conf conf;
    if (load_conf(o.data, &conf) || set_language(conf.lang)) {
        wm_conf_free(&conf);
        db->ops->close(db);
        return 1;
    }
    wm_jobs_reset(); /* this process runs the notification jobs only */
    notify_register(&conf);
    wm_conf_free(&conf);
    /* Queue both now (beside the daily ones, which keep their time), then run them here;
    ** a server's worker may take one first: then wait for its end. */
    int64_t ids[2] = {0, 0};
    static const char *const kinds[2] = {"notify.schedule", "notify.digest"};
    json_t *payload = o.v[0] ? json_pack("{s:s}", "date", o.v[0]) : NULL;
    int rc = 0;
    for (int i = 0; i < 2 && 0 == rc; i++) {
        struct wm_fail f = {0};
        if (WM_OK != wm_job_submit(db, &cli_actor, kinds[i], 0 == i ? payload : NULL, NULL,
                                   NULL, &ids[i], &f)) {
            rc = fail("%s: %s", kinds[i], f.msg);
        }
    }
    json_decref(payload);
    char worker[128], host[64] = "host";
    gethostname(host, sizeof host - 1);
    snprintf(worker, sizeof worker, "cli:%s:%ld", host, (long)getpid());
    for (int i = 0; i < 2 && 0 == rc; i++) {
        json_t *row = NULL;
        /* our job first: it is the oldest due one of its kind unless a daily one is due too */
        for (unsigned waits = 0; !job_over(db, ids[i], &row);) {
            if (!wm_jobs_run_one(db, worker)) {
                if (++waits > 6000) { /* ten minutes without an end: leave it to the queue */
                    rc = fail("%s: job %lld did not end; see 'wenming jobs list'", kinds[i],
                              (long long)ids[i]);
                    break;
                }
                usleep(100000);
            }
        }
        if (NULL == row) {
            if (0 == rc) {
                rc = fail("%s: job %lld: cannot read it", kinds[i], (long long)ids[i]);
            }
            continue;
        }
        const char *st = json_string_value(json_object_get(row, "state"));
        const char *res = json_string_value(json_object_get(row, "result"));
        if (wm_streq(st, "done")) {
            printf("%s: job %lld done %s\n", kinds[i], (long long)ids[i], res ? res : "");
        } else {
            const char *why = json_string_value(json_object_get(row, "last_error"));
            rc = fail("%s: job %lld %s: %s", kinds[i], (long long)ids[i],
                      wm_streq(st, "failed") ? "failed" : "failed, the queue tries it again later",
                      why ? why : "?");
        }
        json_decref(row);
    }
    db->ops->close(db);
    return rc;
}

/* ---------------------------------------------------------------- orgs and units */

static int
cmd_org_add(int argc, char **argv)
{
    static const char *const spec[] = {"name=", "parent=", NULL};
    struct opts o;
    int64_t parent, id;
    PARSE(spec);
    if (!o.v[0] || !o.v[1] || !wm_parse_i64(o.v[1], 1, INT64_MAX, &parent)) {
        return usage_error("--name NAME and --parent ID are required");
    }
    struct wm_db *db = open_store(o.data, true);
    if (NULL == db) {
        return 1;
    }
    struct wm_fail f = {0};
    enum wm_err e = wm_org_create(db, &cli_actor, parent, o.v[0], &id, &f);
    db->ops->close(db);
    if (WM_OK != e) {
        return fail("cannot add the office: %s", f.msg);
    }
    printf("added office %s (id %lld)\n", o.v[0], (long long)id);
    return 0;
}

static json_t *
fetch_offices(struct wm_db *db, struct wm_page *pg)
{
    pg->kind = "office";
    return wm_org_list(db, &cli_actor, pg, NULL);
}

static json_t *
fetch_units(struct wm_db *db, struct wm_page *pg)
{
    pg->kind = "unit";
    return wm_org_list(db, &cli_actor, pg, NULL);
}

static void
print_office(const json_t *x)
{
    printf("%-6lld %-8lld %-20s %s\n", lli(x, "id"), lli(x, "parent_id"), js(x, "path"),
           js(x, "name"));
}

static void
print_unit(const json_t *x)
{
    printf("%-6lld %-16s %-10s %-24s %s\n", lli(x, "id"), js(x, "code"), js(x, "type"),
           js(x, "name"), js(x, "parent_name"));
}

static int
cmd_org_list(int argc, char **argv)
{
    return list_all(argc, argv, "id     parent   path                 name\n", fetch_offices,
                    print_office);
}

static int
cmd_unit_list(int argc, char **argv)
{
    return list_all(argc, argv, "id     code             type       name                     office\n",
                    fetch_units, print_unit);
}

static int
cmd_unit_add(int argc, char **argv)
{
    static const char *const spec[] = {"name=", "code=", "type=", "office=", "depts=", NULL};
    struct opts o;
    int64_t office, id;
    PARSE(spec);
    if (!o.v[0] || !o.v[1] || !o.v[2] || !o.v[3] || !wm_parse_i64(o.v[3], 1, INT64_MAX, &office)) {
        return usage_error("--name, --code, --type and --office ID are required");
    }
    struct wm_db *db = open_store(o.data, true);
    if (NULL == db) {
        return 1;
    }
    json_t *depts = json_array();
    if (o.v[4]) {
        char *copy = wm_strdup(o.v[4]), *save = NULL;
        for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
            json_array_append_new(depts, json_string(wm_trim(t)));
        }
        free(copy);
    }
    struct wm_unit_in in = {.parent_id = office, .name = o.v[0], .code = o.v[1], .type = o.v[2],
                            .depts = depts};
    struct wm_fail f = {0};
    enum wm_err e = wm_unit_create(db, &cli_actor, &in, &id, &f);
    json_decref(depts);
    db->ops->close(db);
    if (WM_OK != e) {
        return fail("cannot add the unit: %s%s%s", f.field[0] ? f.field : "",
                    f.field[0] ? ": " : "", f.msg);
    }
    printf("added unit %s (id %lld)\n", o.v[0], (long long)id);
    return 0;
}

/* The table of an import command's FILE (CSV or XLSX: every sheet that fits, joined): 0, or
** the exit status after saying why not. */
static int
read_table(const char *path, bool (*fits)(const struct wm_table *t, void *cls),
           struct wm_table **t)
{
    size_t len;
    char *data = wm_read_file(path, &len), err[256];
    if (NULL == data) {
        return fail("%s: %s", path, strerror(errno));
    }
    int bad =
        wm_table_read_fitting_all(data, len, WM_TABLE_AUTO, fits, NULL, t, NULL, err, sizeof err);
    free(data);
    return bad ? fail("%s: %s", path, err) : 0;
}

/* An import's bad row on stderr: FILE:ROW: WHAT: REASON (FILE:sheet N:ROW: … in a table
** joined from several sheets); what: the error's key naming the field or column. */
static void
import_error(const char *path, const json_t *x, const char *what)
{
    char sheet[32] = "";
    if (json_integer_value(json_object_get(x, "sheet")) > 0) {
        snprintf(sheet, sizeof sheet, "sheet %lld:",
                 (long long)json_integer_value(json_object_get(x, "sheet")));
    }
    fprintf(stderr, "%s:%s%lld: %s: %s\n", path, sheet,
            (long long)json_integer_value(json_object_get(x, "row")),
            json_string_value(json_object_get(x, what)),
            json_string_value(json_object_get(x, "reason")));
}

static int
cmd_unit_import(int argc, char **argv)
{
    static const char *const spec[] = {"office=", "skip-bad", "dry-run", NULL};
    struct opts o;
    int64_t office = 0;
    PARSE(spec);
    int rc;
    if (1 != o.nargs) {
        return usage_error("give exactly one FILE (.csv or .xlsx)");
    }
    if (o.v[0] && !wm_parse_i64(o.v[0], 1, INT64_MAX, &office)) {
        return usage_error("--office takes an org id");
    }
    struct wm_table *t = NULL;
    if (0 != (rc = read_table(o.args[0], wm_unit_table_fits, &t))) {
        return rc;
    }
    struct wm_db *db = open_store(o.data, true);
    if (NULL == db) {
        wm_table_free(t);
        return 1;
    }
    json_t *report = NULL;
    struct wm_fail f = {0};
    enum wm_err e = wm_unit_import(db, &cli_actor, t, office, o.flag[1], o.flag[2], &report, &f);
    db->ops->close(db);
    if (t->converted_from) {
        fprintf(stderr, "note: %s was converted from %s to UTF-8\n", o.args[0], t->converted_from);
    }
    wm_table_free(t);
    if (WM_OK != e) {
        return fail("%s", f.msg);
    }
    json_t *errors = json_object_get(report, "errors");
    size_t i;
    json_t *x;
    json_array_foreach(errors, i, x)
    {
        import_error(o.args[0], x, "field");
    }
    bool committed = json_is_true(json_object_get(report, "committed"));
    if (json_integer_value(json_object_get(report, "repeated")) > 0) {
        printf("%s: %lld rows repeat a unit of an earlier sheet (read once)\n", o.args[0],
               (long long)json_integer_value(json_object_get(report, "repeated")));
    }
    if (o.flag[2]) {
        printf("%s: %lld valid, %lld bad rows (dry run: nothing imported)\n", o.args[0],
               (long long)json_integer_value(json_object_get(report, "valid")),
               (long long)json_array_size(errors));
    } else {
        printf("%s: %lld imported, %lld bad rows%s\n", o.args[0],
               (long long)json_integer_value(json_object_get(report, "imported")),
               (long long)json_array_size(errors),
               committed ? "" : " (nothing imported: fix the rows or use --skip-bad)");
    }
    rc = (json_array_size(errors) && !o.flag[1]) ? 1 : 0;
    json_decref(report);
    return rc;
}

/* ---------------------------------------------------------------- titles (issue 10) */

static int
cmd_title_import(int argc, char **argv)
{
    static const char *const spec[] = {"office=", "dry-run", NULL};
    struct opts o;
    int64_t office = 0;
    PARSE(spec);
    int rc;
    if (1 != o.nargs) {
        return usage_error("give exactly one FILE (.csv or .xlsx)");
    }
    if (o.v[0] && !wm_parse_i64(o.v[0], 1, INT64_MAX, &office)) {
        return usage_error("--office takes an org id");
    }
    struct wm_table *t = NULL;
    if (0 != (rc = read_table(o.args[0], wm_title_table_fits, &t))) {
        return rc;
    }
    struct wm_db *db = open_store(o.data, true);
    if (NULL == db) {
        wm_table_free(t);
        return 1;
    }
    json_t *report = NULL;
    struct wm_fail f = {0};
    enum wm_err e = wm_title_import(db, &cli_actor, t, office, o.flag[1], &report, &f);
    db->ops->close(db);
    wm_table_free(t);
    if (WM_OK != e) {
        return fail("%s", f.msg);
    }
    json_t *errors = json_object_get(report, "errors");
    size_t i;
    json_t *x;
    json_array_foreach(errors, i, x)
    {
        import_error(o.args[0], x, "column");
    }
    printf("%s: %lld imported, %lld bad rows%s\n", o.args[0],
           (long long)json_integer_value(json_object_get(report, "imported")),
           (long long)json_array_size(errors),
           o.flag[1]                 ? " (dry run: nothing imported)"
           : json_array_size(errors) ? " (nothing imported: fix the rows)"
                                     : "");
    rc = json_array_size(errors) ? 1 : 0;
    json_decref(report);
    return rc;
}

static int
cmd_title_expire(int argc, char **argv)
{
    static const char *const spec[] = {"date=", NULL};
    struct opts o;
    struct wm_db *db;
    BEGIN(spec, 0, "no arguments (--date YYYY-MM-DD)");
    int64_t day;
    if (o.v[0] && !wm_day_parse(o.v[0], &day)) {
        db->ops->close(db);
        return usage_error("--date takes a day as YYYY-MM-DD");
    }
    int64_t n = 0;
    struct wm_fail f = {0};
    enum wm_err e = wm_titles_expire(db, &cli_actor, o.v[0], &n, &f);
    db->ops->close(db);
    if (WM_OK != e) {
        return fail("%s", f.msg);
    }
    printf("%lld titles expired\n", (long long)n);
    return 0;
}

/* ---------------------------------------------------------------- frameworks */

static const char *
colbuf(long long col)
{
    static char b[24];
    snprintf(b, sizeof b, "%lld", col);
    return b;
}

static void
print_issues(const char *file, json_t *issues, const char *kind)
{
    size_t i;
    json_t *x;
    json_array_foreach(issues, i, x)
    {
        json_int_t line = json_integer_value(json_object_get(x, "line"));
        json_int_t col = json_integer_value(json_object_get(x, "column"));
        const char *code = json_string_value(json_object_get(x, "code"));
        const char *field = json_string_value(json_object_get(x, "field"));
        fprintf(stderr, "%s:%lld:%s%s %s: %s%s%s%s%s\n", file, (long long)line,
                col ? ":" : "", col ? colbuf(col) : "", kind, code ? code : "",
                code ? " " : "", field ? field : "", field ? ": " : "",
                json_string_value(json_object_get(x, "message")));
    }
}

static int
cmd_framework_import(int argc, char **argv)
{
    static const char *const spec[] = {"name=", "version=", "office=", "dry-run", "publish", NULL};
    struct opts o;
    PARSE(spec);
    if (1 != o.nargs) {
        return usage_error("give exactly one FILE (.json, .csv, .xlsx or .docx)");
    }
    struct wm_fw_in in = {.name = o.v[0], .version = o.v[1], .dry_run = o.flag[3]};
    if (o.v[2] && !wm_parse_i64(o.v[2], 1, INT64_MAX, &in.office_id)) {
        return usage_error("--office takes an org id (see 'wenming org list')");
    }
    size_t len;
    char *data = wm_read_file(o.args[0], &len);
    if (NULL == data) {
        return fail("%s: %s", o.args[0], strerror(errno));
    }
    in.data = data;
    in.len = len;
    struct wm_db *db = open_store(o.data, true);
    if (NULL == db) {
        free(data);
        return 1;
    }
    if (0 == in.office_id) {
        /* the command line acts for the platform: default to the first office below it */
        struct wm_page pg = {.limit = 2, .kind = "office"};
        json_t *a = wm_org_list(db, &cli_actor, &pg, NULL);
        json_t *first = json_array_get(a, json_array_size(a) > 1 ? 1 : 0);
        in.office_id = json_integer_value(json_object_get(first, "id"));
        json_decref(a);
    }
    json_t *report = NULL, *preview = NULL;
    struct wm_fail f = {0};
    int64_t id = 0;
    enum wm_err e = wm_framework_import(db, &cli_actor, &in, &id, &report, &preview, &f);
    print_issues(o.args[0], json_object_get(report, "errors"), "error");
    print_issues(o.args[0], json_object_get(report, "warnings"), "warning");
    if (WM_OK == e && o.flag[4] && !in.dry_run) {
        e = wm_edition_publish(db, &cli_actor, id, &f);
    }
    db->ops->close(db);
    free(data);
    json_decref(report);
    if (WM_OK != e) {
        json_decref(preview);
        return fail("%s: %s", o.args[0], f.msg);
    }
    if (in.dry_run) {
        printf("%s: valid: %lld leaves, %s points (dry run: nothing stored)\n", o.args[0],
               (long long)json_integer_value(json_object_get(preview, "leaves")),
               json_string_value(json_object_get(preview, "total")));
    } else {
        printf("%s: imported as edition %lld (%s)\n", o.args[0], (long long)id,
               o.flag[4] ? "published" : "draft");
    }
    json_decref(preview);
    return 0;
}

static json_t *
fetch_editions(struct wm_db *db, struct wm_page *pg)
{
    return wm_edition_list(db, &cli_actor, pg, NULL);
}

static void
print_edition(const json_t *x)
{
    char t[32];
    printf("%-6lld %-10s %-10s %-7lld %-8s %s\n", lli(x, "id"), js(x, "version"), js(x, "status"),
           lli(x, "leaves"), wm_fw_score_format(lli(x, "total"), t), js(x, "name"));
}

static int
cmd_framework_list(int argc, char **argv)
{
    return list_all(argc, argv, "id     version    status     leaves  total    name\n",
                    fetch_editions, print_edition);
}

static int
cmd_framework_publish(int argc, char **argv)
{
    struct opts o;
    int64_t id;
    PARSE(NULL);
    if (1 != o.nargs || !wm_parse_i64(o.args[0], 1, INT64_MAX, &id)) {
        return usage_error("give exactly one edition ID (see 'wenming framework list')");
    }
    struct wm_db *db = open_store(o.data, true);
    if (NULL == db) {
        return 1;
    }
    struct wm_fail f = {0};
    enum wm_err e = wm_edition_publish(db, &cli_actor, id, &f);
    db->ops->close(db);
    if (WM_OK != e) {
        return fail("edition %lld: %s", (long long)id, f.msg);
    }
    printf("edition %lld published\n", (long long)id);
    return 0;
}

static int
cmd_framework_export(int argc, char **argv)
{
    static const char *const spec[] = {"format=", "out=", NULL};
    struct opts o;
    int64_t id;
    PARSE(spec);
    const char *fmt = o.v[0] ? o.v[0] : "json";
    if (1 != o.nargs || !wm_parse_i64(o.args[0], 1, INT64_MAX, &id) || !o.v[1] ||
        (!wm_streq(fmt, "json") && !wm_streq(fmt, "csv") && !wm_streq(fmt, "xlsx"))) {
        return usage_error("give an edition ID, --out FILE and --format json|csv|xlsx");
    }
    struct wm_db *db = open_store(o.data, true);
    if (NULL == db) {
        return 1;
    }
    json_t *ed = wm_edition_get_scoped(db, &cli_actor, id, true, NULL);
    db->ops->close(db);
    struct wm_fw *fw = ed ? wm_edition_parse(ed) : NULL;
    json_decref(ed);
    if (NULL == fw) {
        return fail("no edition %lld", (long long)id);
    }
    char err[256] = "";
    int r = 0;
    if (wm_streq(fmt, "xlsx")) {
        if (WM_OK != wm_fw_export_xlsx(fw, o.v[1], err, sizeof err)) {
            r = fail("%s: %s", o.v[1], err);
        }
    } else {
        size_t len;
        char *text = wm_streq(fmt, "json") ? wm_fw_export_json(fw, &len) : wm_fw_export_csv(fw, &len);
        int w = wm_write_atomic(o.v[1], text, len, 0644);
        free(text);
        if (w) {
            r = fail("%s: %s", o.v[1], strerror(-w));
        }
    }
    wm_fw_free(fw);
    if (0 == r) {
        printf("wrote %s\n", o.v[1]);
    }
    return r;
}

/* ---------------------------------------------------------------- verify / version */

/* verify audit on a data directory: 0 intact, 1 (the cause printed) otherwise. */
static int
verify_audit_on(const char *data)
{
    struct wm_db *db = open_store(data, true);
    if (NULL == db) {
        return 1;
    }
    char why[512];
    int64_t n = 0, bad = wm_audit_verify(db, &n, why, sizeof why);
    if (bad < 0) {
        db->ops->close(db);
        return fail("%s", why);
    }
    if (bad > 0) {
        db->ops->close(db);
        return fail("audit log broken at entry %lld: %s", (long long)bad, why);
    }
    /* A valid but shorter chain: compare with the head anchored outside the table. */
    int anchored = wm_audit_anchor_check(db, data, why, sizeof why);
    db->ops->close(db);
    if (anchored) {
        return fail("audit log %s: %s", anchored > 0 ? "truncated or altered" : "anchor", why);
    }
    printf("audit log intact: %lld entries\n", (long long)n);
    return 0;
}

static int
cmd_verify_audit(int argc, char **argv)
{
    struct opts o;
    PARSE(NULL);
    return verify_audit_on(o.data);
}

/* ---------------------------------------------------------------- store copy */

static void
copy_progress(void *cls, const char *table, int64_t rows)
{
    (void)cls;
    printf("copied %-16s %lld rows\n", table, (long long)rows);
    fflush(stdout);
}

/*
** A SQLite store into an empty PostgreSQL database, in one transaction: committed only when
** the rows of every table were counted equal on both sides and the copied audit chain
** verifies entry by entry (the same chain, so the data directory's audit-head anchor still
** holds once wenming.conf names the new store).
*/
static int
cmd_store_copy(int argc, char **argv)
{
    static const char *const spec[] = {"from=", "to=", NULL};
    struct opts o;
    PARSE(spec);
    const char *from = o.v[0] ? o.v[0] : o.data, *to = o.v[1];
    if (NULL == from || NULL == to || o.nargs) {
        return usage_error("--from DIR and --to CONNINFO are required");
    }
    if (wm_db_store_is_sqlite(to)) {
        return usage_error("--to names a PostgreSQL database (a libpq connection string)");
    }
    char *conf_store = store_of(from);
    if (conf_store) {
        free(conf_store);
        return fail("%s: its wenming.conf names a PostgreSQL store already; store copy reads the "
                    "SQLite file wenming.db",
                    from);
    }
    char *dbfile = wm_asprintf("%s/wenming.db", from);
    bool exists = 0 == access(dbfile, R_OK);
    free(dbfile);
    if (!exists) {
        return fail("%s: no wenming.db in this directory", from);
    }
    char err[1024];
    struct wm_db *src = wm_db_open("sqlite", from, false, err, sizeof err);
    if (NULL == src) {
        return fail("%s", err);
    }
    struct wm_db *dst = wm_db_open(to, from, false, err, sizeof err);
    if (NULL == dst) {
        src->ops->close(src);
        return fail("%s", err);
    }
    json_t *counts = NULL;
    int rc = 1;
    if (wm_store_copy(src, dst, copy_progress, NULL, &counts, err, sizeof err)) {
        dst->ops->rollback(dst);
        fail("%s; nothing was copied", err);
        goto out;
    }
    /* The audit chain as the target will serve it, inside the copy's transaction. */
    char why[512];
    int64_t n = 0, bad = wm_audit_verify(dst, &n, why, sizeof why);
    int64_t want = -1;
    size_t i;
    json_t *c;
    json_array_foreach(counts, i, c)
    {
        if (wm_streq(json_string_value(json_object_get(c, "table")), "audit")) {
            want = json_integer_value(json_object_get(c, "source"));
        }
    }
    if (bad != 0) {
        dst->ops->rollback(dst);
        if (bad > 0) {
            char why2[512];
            int64_t n2 = 0;
            bool source_too = bad == wm_audit_verify(src, &n2, why2, sizeof why2);
            fail("the copied audit log breaks at entry %lld: %s%s; nothing was copied",
                 (long long)bad, why,
                 source_too ? " (so does the SQLite store's own: 'wenming verify audit')" : "");
        } else {
            fail("%s; nothing was copied", why);
        }
        goto out;
    }
    if (n != want) {
        dst->ops->rollback(dst);
        fail("the copied audit log has %lld entries, the source %lld; nothing was copied",
             (long long)n, (long long)want);
        goto out;
    }
    if (WM_QS_ONE != dst->ops->commit(dst)) {
        dst->ops->rollback(dst);
        fail("the PostgreSQL database refused the commit; nothing was copied");
        goto out;
    }
    int64_t rows = 0;
    json_array_foreach(counts, i, c)
    {
        rows += json_integer_value(json_object_get(c, "target"));
    }
    /* the search index is not copied (each store builds its own): build it on the target */
    if (search_rebuild(dst)) {
        fprintf(stderr, "the records were copied; build the search index once the store is "
                        "set: wenming search reindex --data %s\n",
                from);
    }
    printf("verified: %zu tables, %lld rows, the same count in each table on both sides\n"
           "verified: audit chain intact, %lld entries\n"
           "to serve from the copy, set in %s/wenming.conf:\n  store = %s\n",
           json_array_size(counts), (long long)rows, (long long)n, from, to);
    rc = 0;
out:
    json_decref(counts);
    dst->ops->close(dst);
    src->ops->close(src);
    return rc;
}

/* ---------------------------------------------------------------- export / import */

static int
file_write(void *cls, const void *p, size_t n)
{
    return n == fwrite(p, 1, n, (FILE *)cls) ? 0 : -1;
}

static int
unit_by_code(struct wm_db *db, const char *code, int64_t *id)
{
    json_t *u = db->ops->org_get_by_code(db, code);
    *id = u && wm_streq(json_string_value(json_object_get(u, "kind")), "unit")
              ? json_integer_value(json_object_get(u, "id"))
              : 0;
    json_decref(u);
    return *id ? 0 : -1;
}

/* The offline review package's extra files (评审资料/): every leaf's requirement and
** scoring rule as JSON, and the blank score sheet as XLSX and PDF (the engine's, the PDF by
** the wenming-compile helper).  0, or -1 with err. */
struct review_files {
    struct wm_buf rules, xlsx, pdf;
    struct wm_pkg_extra x[3];
};

static int
review_files(struct wm_db *db, const json_t *round, const char *data_dir, struct review_files *rf,
             char *err, size_t errlen)
{
    struct wm_fail f = {0};
    const struct wm_eval_plan *p = wm_round_plan(db, round, &f);
    if (NULL == p) {
        snprintf(err, errlen, "%s", f.msg);
        return -1;
    }
    json_t *leaves = json_array();
    for (size_t i = 0; i < p->nleaves; i++) {
        const struct wm_ind *l = p->leaf[i];
        struct wm_buf words = {0};
        wm_eval_rule_words(l, &words);
        char mx[32];
        json_array_append_new(
            leaves, json_pack("{s:s, s:s, s:s?, s:s, s:s?, s:s, s:b}", "code", l->code, "title",
                              l->title, "requirement", l->requirement, "max",
                              wm_eval_format_points(wm_eval_leaf_cap(l), mx), "rule",
                              wm_fw_rule_name(l->scoring.rule), "rule_words",
                              words.data ? words.data : "", "veto", l->veto));
        wm_buf_free(&words);
    }
    json_t *doc = json_pack("{s:s, s:s, s:I, s:I, s:o}", "round", json_string_value(json_object_get(round, "name")),
                            "standard", p->fw->name ? p->fw->name : "", "years_from",
                            (json_int_t)json_integer_value(json_object_get(round, "years_from")),
                            "years_to",
                            (json_int_t)json_integer_value(json_object_get(round, "years_to")),
                            "leaves", leaves);
    char *txt = json_dumps(doc, JSON_INDENT(2));
    json_decref(doc);
    wm_buf_adds(&rf->rules, txt);
    free(txt);
    struct wm_eval_doc_sheet d = {.round = json_string_value(json_object_get(round, "name")),
                                  .unit = "", .plan = p, .has_threshold = true,
                                  .threshold = json_integer_value(json_object_get(round, "pass_threshold"))};
    if (WM_OK != wm_eval_xlsx_blank(&d, &rf->xlsx, err, errlen)) {
        return -1;
    }
    char *helper = helper_path("wenming-compile");
    if (NULL == helper) {
        snprintf(err, errlen, "no wenming-compile helper: no blank sheet PDF");
        return -1;
    }
    wm_compile_set_helper(helper);
    free(helper);
    json_t *spec = wm_eval_sheet_spec(&d, true);
    enum wm_err e = ui_eval_pdf(spec, &rf->pdf, err, errlen);
    json_decref(spec);
    if (WM_OK != e) {
        return -1;
    }
    rf->x[0] = (struct wm_pkg_extra){"评审资料/评分细则.json", rf->rules.data, rf->rules.len};
    rf->x[1] = (struct wm_pkg_extra){"评审资料/空白评分表.xlsx", rf->xlsx.data, rf->xlsx.len};
    rf->x[2] = (struct wm_pkg_extra){"评审资料/空白评分表.pdf", rf->pdf.data, rf->pdf.len};
    return 0;
}

static int
cmd_export(int argc, char **argv)
{
    static const char *const spec[] = {"unit=", "years=", "out=", "ascii-colon", "round=", NULL};
    struct opts o;
    PARSE(spec);
    int rc;
    int64_t round_id = 0;
    if (o.v[4] && !wm_parse_i64(o.v[4], 1, INT64_MAX, &round_id)) {
        return usage_error("--round takes a round's id");
    }
    if (!o.v[0] || (!o.v[1] && !round_id) || !o.v[2]) {
        return usage_error("--unit CODE, --years Y or Y1-Y2 (or --round ID), and --out FILE.zip "
                           "are required");
    }
    int64_t y1, y2;
    char a[16] = "", b[16] = "";
    json_t *round = NULL;
    if (round_id) {
        struct wm_db *rdb = open_store(o.data, true);
        if (NULL == rdb) {
            return 1;
        }
        round = rdb->ops->round_get(rdb, round_id);
        rdb->ops->close(rdb);
        if (NULL == round) {
            return fail("no round with id %lld", (long long)round_id);
        }
        snprintf(a, sizeof a, "%lld", (long long)json_integer_value(json_object_get(round, "years_from")));
        snprintf(b, sizeof b, "%lld", (long long)json_integer_value(json_object_get(round, "years_to")));
    }
    const char *dash = round ? NULL : strchr(o.v[1], '-');
    if (round) {
    } else if (dash) {
        snprintf(a, sizeof a, "%.*s", (int)(dash - o.v[1]), o.v[1]);
        snprintf(b, sizeof b, "%s", dash + 1);
    } else {
        snprintf(a, sizeof a, "%s", o.v[1]);
        snprintf(b, sizeof b, "%s", o.v[1]);
    }
    if (!wm_parse_i64(a, 1990, 2100, &y1) || !wm_parse_i64(b, y1, 2100, &y2)) {
        json_decref(round);
        return usage_error("--years takes a year (2020) or a range (2018-2020)");
    }
    struct wm_db *db = open_store(o.data, true);
    if (NULL == db) {
        json_decref(round);
        return 1;
    }
    struct review_files rf;
    memset(&rf, 0, sizeof rf);
    size_t nextra = 0;
    char rerr[512] = "";
    if (round) {
        rc = review_files(db, round, o.data, &rf, rerr, sizeof rerr);
        json_decref(round);
        if (rc) {
            db->ops->close(db);
            wm_buf_free(&rf.rules);
            wm_buf_free(&rf.xlsx);
            wm_buf_free(&rf.pdf);
            return fail("review package: %s", rerr);
        }
        nextra = 3;
    }
    int64_t unit, years[111];
    size_t ny = 0;
    for (int64_t y = y1; y <= y2; y++) {
        years[ny++] = y;
    }
    char err[512] = "";
    if (unit_by_code(db, o.v[0], &unit)) {
        db->ops->close(db);
        return fail("no unit with code '%s'", o.v[0]);
    }
    struct wm_fail f = {0};
    json_t *plan = wm_export_plan(db, &cli_actor, unit, years, ny, o.flag[3], &f);
    db->ops->close(db);
    if (NULL == plan) {
        return fail("%s", f.msg);
    }
    char *dir = wm_asprintf("%s/blobs", o.data);
    struct wm_blobstore *bs = wm_blob_open(dir, err, sizeof err);
    free(dir);
    if (NULL == bs) {
        json_decref(plan);
        return fail("%s", err);
    }
    char *tmp = wm_asprintf("%s.tmp.XXXXXX", o.v[2]);
    int fd = mkstemp(tmp);
    FILE *out = fd >= 0 ? fdopen(fd, "wb") : NULL;
    if (NULL == out) {
        wm_blob_close(bs);
        json_decref(plan);
        rc = fail("%s: %s", o.v[2], strerror(errno));
        free(tmp);
        return rc;
    }
    rc = wm_export_write_with(plan, bs, rf.x, nextra, file_write, out, err, sizeof err);
    wm_buf_free(&rf.rules);
    wm_buf_free(&rf.xlsx);
    wm_buf_free(&rf.pdf);
    size_t nfiles = json_array_size(json_object_get(plan, "files"));
    json_decref(plan);
    wm_blob_close(bs);
    if (0 != fflush(out) || 0 != fsync(fileno(out))) {
        rc = -1;
        snprintf(err, sizeof err, "%s", strerror(errno));
    }
    fclose(out);
    if (0 == rc && 0 != rename(tmp, o.v[2])) {
        rc = -1;
        snprintf(err, sizeof err, "rename: %s", strerror(errno));
    }
    if (rc) {
        unlink(tmp);
        free(tmp);
        return fail("%s: %s", o.v[2], err);
    }
    free(tmp);
    printf("wrote %s: %zu documents\n", o.v[2], nfiles);
    return 0;
}

static int
cmd_round_rank(int argc, char **argv)
{
    static const char *const spec[] = {"json", "top=", NULL};
    struct opts o;
    PARSE(spec);
    int64_t id = 0, top = 20;
    if (1 != o.nargs || !wm_parse_i64(o.args[0], 1, INT64_MAX, &id) ||
        (o.v[1] && !wm_parse_i64(o.v[1], 0, INT64_MAX, &top))) {
        return usage_error("one round ID is required (--top N: rows printed, 0: all)");
    }
    struct wm_db *db = open_store(o.data, true);
    if (NULL == db) {
        return 1;
    }
    json_t *round = db->ops->round_get(db, id);
    if (NULL == round) {
        db->ops->close(db);
        return fail("no round with id %lld", (long long)id);
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    struct wm_fail f = {0};
    json_t *res = wm_results_all(db, round, &f);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    db->ops->close(db);
    json_decref(round);
    if (NULL == res) {
        return fail("%s", f.msg);
    }
    double ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
    json_t *rows = json_object_get(res, "rows");
    size_t i, locked = 0, passed = 0;
    json_t *x;
    json_array_foreach(rows, i, x)
    {
        locked += json_is_true(json_object_get(x, "locked"));
        passed += json_is_true(json_object_get(x, "pass"));
    }
    if (o.flag[0]) {
        json_object_set_new(res, "ms", json_real(ms));
        char *t = json_dumps(res, JSON_COMPACT);
        puts(t);
        free(t);
    } else {
        json_array_foreach(rows, i, x)
        {
            if (top && (int64_t)i >= top) {
                break;
            }
            char tot[32] = "-";
            json_t *tv = json_object_get(x, "total");
            if (json_is_integer(tv)) {
                wm_eval_format_points(json_integer_value(tv), tot);
            }
            printf("%4lld  %-12s %-24s %8s  %s\n",
                   (long long)json_integer_value(json_object_get(x, "rank")),
                   json_string_value(json_object_get(x, "unit_code")),
                   json_string_value(json_object_get(x, "unit_name")), tot,
                   !json_is_true(json_object_get(x, "locked")) ? "未锁定"
                   : json_is_true(json_object_get(x, "pass"))  ? "合格"
                   : json_is_true(json_object_get(x, "vetoed")) ? "一票否决"
                                                                : "不合格");
        }
        fprintf(stderr, "%zu entries, %zu locked, %zu pass; reconciled totals and ranks in %.1f ms\n",
                json_array_size(rows), locked, passed, ms);
    }
    json_decref(res);
    return 0;
}

static int
cmd_import(int argc, char **argv)
{
    static const char *const spec[] = {"unit=", "year=", NULL};
    struct opts o;
    int64_t year, unit;
    PARSE(spec);
    if (!o.v[0] || !o.v[1] || !wm_parse_i64(o.v[1], 1990, 2100, &year) || 1 != o.nargs) {
        return usage_error("--unit CODE, --year YEAR and one FILE.zip or DIR are required");
    }
    struct wm_db *db = open_store(o.data, true);
    if (NULL == db) {
        return 1;
    }
    char err[512] = "";
    if (unit_by_code(db, o.v[0], &unit)) {
        db->ops->close(db);
        return fail("no unit with code '%s'", o.v[0]);
    }
    char *dir = wm_asprintf("%s/blobs", o.data);
    struct wm_blobstore *bs = wm_blob_open(dir, err, sizeof err);
    free(dir);
    if (NULL == bs) {
        db->ops->close(db);
        return fail("%s", err);
    }
    struct wm_fail f = {0};
    /* Importing into a year is an explicit act: its archive is created when missing. */
    int64_t aid;
    json_t *ar = wm_archive_open(db, &cli_actor, unit, year, &f), *report = NULL;
    if (NULL == ar && WM_E_NOT_FOUND == f.err &&
        WM_OK == wm_archive_create(db, &cli_actor, unit, year, 0, &aid, &f)) {
        ar = wm_archive_open(db, &cli_actor, unit, year, &f);
    }
    enum wm_err e = ar ? wm_archive_import(db, &cli_actor, bs, ar, o.args[0], &report, &f) : f.err;
    json_decref(ar);
    wm_blob_close(bs);
    db->ops->close(db);
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(report, "files"), i, x)
    {
        const char *st = json_string_value(json_object_get(x, "status"));
        const char *why = json_string_value(json_object_get(x, "reason"));
        const char *code = json_string_value(json_object_get(x, "code"));
        printf("%-8s %s%s%s%s%s\n", st, json_string_value(json_object_get(x, "path")),
               code ? " -> " : "", code ? code : "", why ? ": " : "", why ? why : "");
    }
    if (WM_OK != e) {
        json_decref(report);
        return fail("%s: %s", o.args[0], f.msg);
    }
    printf("%lld imported, %lld skipped\n",
           (long long)json_integer_value(json_object_get(report, "imported")),
           (long long)json_integer_value(json_object_get(report, "skipped")));
    json_decref(report);
    return 0;
}

static void
print_problem(const char *sha, const char *status, const char *detail)
{
    printf("%s %s%s%s\n", status, sha, detail && *detail ? ": " : "", detail ? detail : "");
}

static void
print_orphan(const char *what, const char *name, const char *detail)
{
    printf("%s %s%s%s\n", what, name, detail && *detail ? ": " : "", detail ? detail : "");
}

/* Files of the blob store changed this recently are left alone by verify blobs: an upload
** or import running in a server may be about to commit or refer to them. */
#define VERIFY_GRACE 3600

/* verify blobs on a data directory: 0 clean, 1 (the problems printed) otherwise. */
static int
verify_blobs_on(const char *data, bool repair)
{
    char err[512];
    struct wm_db *db = open_store(data, true);
    if (NULL == db) {
        return 1;
    }
    char *dir = wm_asprintf("%s/blobs", data);
    struct wm_blobstore *bs = wm_blob_open(dir, err, sizeof err);
    free(dir);
    if (NULL == bs) {
        db->ops->close(db);
        return fail("%s", err);
    }
    long gone = wm_blob_gc_tmp(bs, VERIFY_GRACE, err, sizeof err);
    if (gone < 0) {
        fprintf(stderr, "wenming: temp files: %s\n", err);
    } else if (gone > 0) {
        printf("removed %ld temp files of uploads cut off more than an hour ago\n", gone);
    }
    json_t *res = wm_fixity_run(db, bs, print_problem);
    char *thumbs = wm_asprintf("%s/thumbs", data);
    char *qdir = wm_asprintf("%s/quarantine", data);
    json_t *orph = res ? wm_orphans_run(db, bs, thumbs, repair ? qdir : NULL, VERIFY_GRACE,
                                        print_orphan)
                       : NULL;
    free(thumbs);
    wm_blob_close(bs);
    db->ops->close(db);
    if (NULL == res || NULL == orph) {
        json_decref(res);
        free(qdir);
        return fail("cannot read the list of blobs");
    }
    json_int_t missing = json_integer_value(json_object_get(res, "missing"));
    json_int_t corrupt = json_integer_value(json_object_get(res, "corrupt"));
    printf("%lld blobs checked (%lld bytes): %lld missing, %lld corrupt\n",
           (long long)json_integer_value(json_object_get(res, "checked")),
           (long long)json_integer_value(json_object_get(res, "bytes")), (long long)missing,
           (long long)corrupt);
    json_int_t unref = json_integer_value(json_object_get(orph, "orphans")) +
                       json_integer_value(json_object_get(orph, "thumbnails")) +
                       json_integer_value(json_object_get(orph, "strays"));
    json_int_t moved = json_integer_value(json_object_get(orph, "moved"));
    json_int_t failed = json_integer_value(json_object_get(orph, "failed"));
    printf("%lld orphan blobs, %lld orphan thumbnails, %lld stray files\n",
           (long long)json_integer_value(json_object_get(orph, "orphans")),
           (long long)json_integer_value(json_object_get(orph, "thumbnails")),
           (long long)json_integer_value(json_object_get(orph, "strays")));
    if (repair) {
        printf("moved %lld files aside to %s (nothing deleted)%s\n", (long long)moved, qdir,
               failed ? "; some could not be moved" : "");
    } else if (unref) {
        printf("run 'wenming verify blobs --repair' to move them aside to %s\n", qdir);
    }
    json_decref(res);
    json_decref(orph);
    free(qdir);
    return missing || corrupt || failed || (unref && !repair) ? 1 : 0;
}

static int
cmd_verify_blobs(int argc, char **argv)
{
    static const char *const spec[] = {"repair", NULL};
    struct opts o;
    PARSE(spec);
    return verify_blobs_on(o.data, o.flag[0]);
}

/* ---------------------------------------------------------------- verify archive (issue 13, dat70) */

/* A string member ("" when absent) and an integer member of a JSON object. */
static const char *
cjs(const json_t *o, const char *k)
{
    const char *v = json_string_value(json_object_get(o, k));
    return v ? v : "";
}

static long long
cji(const json_t *o, const char *k)
{
    return (long long)json_integer_value(json_object_get(o, k));
}

static void
check_progress(void *cls, const char *phase, int64_t done, int64_t total)
{
    (void)cls;
    const char *name = wm_streq(phase, "authenticity") ? "真实性"
                       : wm_streq(phase, "usability")  ? "可用性与安全性"
                                                       : "开始";
    fprintf(stderr, "\r四性检测 %s：%lld / %lld", name, (long long)done, (long long)total);
    if (wm_streq(phase, "usability") && done == total) {
        fputc('\n', stderr);
    }
}

/* Write text to path atomically (temp file, rename): 0 or -1 with errno. */
static int
write_whole(const char *path, const void *p, size_t n)
{
    char *tmp = wm_asprintf("%s.tmp.XXXXXX", path);
    int fd = mkstemp(tmp);
    int rc = fd < 0 ? -1 : 0;
    if (0 == rc && (write(fd, p, n) != (ssize_t)n || 0 != fsync(fd))) {
        rc = -1;
    }
    if (fd >= 0) {
        close(fd);
    }
    if (0 == rc && 0 != rename(tmp, path)) {
        rc = -1;
    }
    if (rc) {
        int e = errno;
        (void)unlink(tmp);
        errno = e;
    }
    free(tmp);
    return rc;
}

/* verify archive: 0 when all four properties pass, 1 when one fails, 2 on other errors. */
static int
cmd_verify_archive(int argc, char **argv)
{
    static const char *const spec[] = {"unit=", "year=", "json=", "pdf=", NULL};
    struct opts o;
    int64_t year, unit;
    PARSE(spec);
    if (!o.v[0] || !o.v[1] || !wm_parse_i64(o.v[1], 1990, 2100, &year) || 0 != o.nargs) {
        return usage_error("--unit CODE and --year YEAR are required");
    }
    struct wm_conf conf;
    if (NULL == o.data) {
        return usage_error("no data directory: give --data DIR or set WENMING_DATA");
    }
    if (load_conf(o.data, &conf)) {
        return 2;
    }
    struct wm_db *db = open_store(o.data, true);
    if (NULL == db) {
        wm_conf_free(&conf);
        return 2;
    }
    char err[512] = "";
    if (unit_by_code(db, o.v[0], &unit)) {
        db->ops->close(db);
        wm_conf_free(&conf);
        fail("no unit with code '%s'", o.v[0]);
        return 2;
    }
    char *dir = wm_asprintf("%s/blobs", o.data);
    struct wm_blobstore *bs = wm_blob_open(dir, err, sizeof err);
    free(dir);
    if (NULL == bs) {
        db->ops->close(db);
        wm_conf_free(&conf);
        fail("%s", err);
        return 2;
    }
    struct wm_check_env env = {.blobs = bs, .data_dir = o.data,
                               .allowed = conf.allowed_types[0] ? conf.allowed_types : NULL,
                               .actor = &cli_actor, .progress = check_progress};
    char *helper = helper_path("wenming-extract");
    if (helper) {
        wm_extract_set_helper(helper);
        env.probe = wm_probe_spawned;
    } else {
        fprintf(stderr, "wenming: no wenming-extract next to this program: files cannot be "
                        "opened for 可用性 and fail it\n");
    }
    free(helper);
    helper = helper_path("wenming-compile");
    if (helper) {
        wm_compile_set_helper(helper);
        env.compile = wm_compile_spawned;
    }
    free(helper);
    struct wm_fail f = {0};
    int rc = 2;
    json_t *ar = wm_archive_open(db, &cli_actor, unit, year, &f);
    json_t *report = ar ? wm_archive_check_run(db, ar, &env, &f) : NULL;
    int64_t id = 0;
    if (NULL == report) {
        fail("%s", f.msg);
    } else if (WM_OK != wm_archive_check_finish(db, &cli_actor, ar, 0, report, NULL, &env, &id,
                                                &f)) {
        fail("the report could not be stored: %s", f.msg);
    } else {
        rc = json_is_true(json_object_get(report, "passed")) ? 0 : 1;
        size_t i;
        json_t *p;
        printf("%s %s %lld 年度 — %s\n", cjs(json_object_get(report, "archive"), "unit_name"),
               cjs(json_object_get(report, "archive"), "unit_code"), (long long)year,
               WM_CHECK_STANDARD);
        json_array_foreach(json_object_get(report, "properties"), i, p)
        {
            bool ok = json_is_true(json_object_get(p, "passed"));
            printf("%s %s: %lld checked, %lld failed\n", cjs(p, "name"), ok ? "通过" : "不通过",
                   (long long)cji(p, "checked"), (long long)cji(p, "failed"));
            size_t k;
            json_t *it;
            json_array_foreach(json_object_get(p, "items"), k, it)
            {
                printf("  %s%s%s%s%s\n", cjs(it, "code"), *cjs(it, "code") ? " " : "",
                       cjs(it, "title"), *cjs(it, "title") ? "：" : "", cjs(it, "reason"));
            }
        }
        json_t *row = db->ops->archive_check_get(db, id);
        if (row && *cjs(row, "error")) {
            fprintf(stderr, "wenming: %s\n", cjs(row, "error"));
        }
        char path[4096];
        if (o.v[2]) {
            char *text = json_dumps(report, JSON_INDENT(2) | JSON_SORT_KEYS);
            if (write_whole(o.v[2], text, strlen(text))) {
                rc = 2;
                fail("%s: %s", o.v[2], strerror(errno));
            }
            free(text);
        }
        if (o.v[3]) {
            size_t n = 0;
            char *pdf = row && *cjs(row, "pdf_sha") && wm_blob_path(bs, cjs(row, "pdf_sha"), path, sizeof path)
                            ? wm_read_file(path, &n)
                            : NULL;
            if (NULL == pdf) {
                rc = 2;
                fail("%s: no PDF was made (%s)", o.v[3], row ? cjs(row, "error") : "");
            } else if (write_whole(o.v[3], pdf, n)) {
                rc = 2;
                fail("%s: %s", o.v[3], strerror(errno));
            }
            free(pdf);
        }
        json_decref(row);
    }
    json_decref(report);
    json_decref(ar);
    wm_blob_close(bs);
    db->ops->close(db);
    wm_conf_free(&conf);
    return rc;
}

/* ---------------------------------------------------------------- backup / restore */

/* The blob copy's progress as one line rewritten on a terminal (stderr), 10 times a second. */
static void
backup_progress(void *cls, int64_t done, int64_t total, uint64_t bytes)
{
    (void)cls;
    static int64_t last_ms;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    int64_t ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
    if (!isatty(STDERR_FILENO) || (done < total && ms - last_ms < 100)) {
        return;
    }
    last_ms = ms;
    fprintf(stderr, "\rblobs %lld/%lld, %llu MiB copied%s", (long long)done, (long long)total,
            (unsigned long long)(bytes >> 20), done == total ? "\n" : "");
}

static int
cmd_backup(int argc, char **argv)
{
    static const char *const spec[] = {"out=", NULL};
    struct opts o;
    PARSE(spec);
    if (NULL == o.v[0] || o.nargs) {
        return usage_error("--out DIR is required");
    }
    struct wm_db *db = open_store(o.data, true);
    if (NULL == db) {
        return 1;
    }
    struct wm_backup_stats st;
    char err[1024];
    int rc = wm_backup(db, o.data, o.v[0], backup_progress, NULL, &st, err, sizeof err);
    db->ops->close(db);
    if (rc < 0) {
        return fail("backup failed: %s; %s keeps the previous backup", err, o.v[0]);
    }
    printf("snapshot %s: %s store, schema %d, audit log up to entry #%lld\n"
           "blobs: %lld referenced, %lld copied (%llu bytes), %lld already in %s\n"
           "wrote %s/manifest.json\n",
           st.snapshot, st.store, st.schema, (long long)st.audit_seq, (long long)st.blobs,
           (long long)st.copied, (unsigned long long)st.bytes,
           (long long)(st.blobs - st.copied - st.missing), o.v[0], o.v[0]);
    if (rc > 0) {
        return fail("%lld blobs the store refers to are missing or corrupt in %s/blobs (listed "
                    "under \"missing\" in the manifest): run 'wenming verify blobs --data %s'",
                    (long long)st.missing, o.data, o.data);
    }
    return 0;
}

static int
cmd_restore(int argc, char **argv)
{
    static const char *const spec[] = {"from=", "store=", NULL};
    struct opts o;
    PARSE(spec);
    if (NULL == o.v[0] || NULL == o.data || o.nargs) {
        return usage_error("--from DIR and --data NEW are required");
    }
    if (o.v[1] && wm_db_store_is_sqlite(o.v[1])) {
        return usage_error("--store names a PostgreSQL database (a libpq connection string)");
    }
    struct wm_restore_stats st;
    char err[1024];
    struct stat before;
    bool existed = 0 == stat(o.data, &before);
    if (wm_restore(o.v[0], o.data, o.v[1], backup_progress, NULL, &st, err, sizeof err)) {
        return fail("restore failed: %s%s%s", err, existed ? "" : "; remove what was written: ",
                    existed ? "" : o.data);
    }
    printf("restored %s into %s: %s store, schema %d, %lld files and %lld blobs (%llu bytes) "
           "checked against the manifest\n",
           o.v[0], o.data, st.store, st.schema, (long long)st.files, (long long)st.blobs,
           (unsigned long long)st.bytes);
    if (st.schema != WM_DB_SCHEMA_VERSION) {
        printf("the backup has schema %d: run 'wenming migrate --data %s', then 'wenming verify "
               "audit' and 'wenming verify blobs'\n",
               st.schema, o.data);
        return 0;
    }
    int a = verify_audit_on(o.data);
    int b = verify_blobs_on(o.data, false);
    if (a || b) {
        return fail("the restored data directory %s does not verify (above)", o.data);
    }
    printf("verified: serve it with 'wenming serve --data %s'\n", o.data);
    return 0;
}

static int
cmd_version(int argc, char **argv)
{
    struct opts o;
    PARSE(NULL);
    printf("wenming %s (schema %d)\n", WM_VERSION, WM_DB_SCHEMA_VERSION);
    return 0;
}

static const struct cmd cmds[] = {
    {"init", NULL, cmd_init, "--data DIR [--admin NAME] [--store CONNINFO]",
     "Create a data directory (wenming.db, blobs/, wenming.conf) and the admin account.\n"
     "--store puts the records in an empty PostgreSQL database instead of wenming.db (any\n"
     "libpq connection string, e.g. postgresql://wenming@db.example/wenming); wenming.conf\n"
     "names it, and blobs/ stays in DIR (a shared file system when two servers serve).\n"
     "The password comes from WENMING_ADMIN_PASSWORD, else the terminal; with neither it is\n"
     "generated, printed once, and must be changed at first login."},
    {"serve", NULL, cmd_serve, "--data DIR [--listen HOST:PORT] [--threads N] | --demo",
     "Serve the web UI and the /api/v1 JSON API until SIGINT or SIGTERM, then finish the\n"
     "requests in flight and exit 0.  --demo serves ./var/demo, creating it with demo data\n"
     "(a city office, three districts, 30 units, one account per role) when missing.\n"
     "GET /healthz checks the store, the blob directory and free disk (200 or 503);\n"
     "GET /metrics (Prometheus) answers the addresses of metrics_allow in wenming.conf."},
    {"migrate", NULL, cmd_migrate, "--data DIR",
     "Bring the data directory's schema up to this wenming's version, and fill what a new\n"
     "version adds (the schedule summary; the full-text search index, with its progress)."},
    {"sched", "rebuild", cmd_sched_rebuild, "--data DIR",
     "Recompute the schedule summary (the periods each leaf has met, what the office's home\n"
     "counts overdue from) of every archive from its documents."},
    {"user", "add", cmd_user_add,
     "--data DIR --username NAME --role ROLE (--org ID | --unit CODE) [--name DISPLAY] "
     "[--dept DEPT]",
     "Add an account.  ROLE: admin, office, evaluator, unit_admin, unit_member, unit_viewer.\n"
     "The password comes from WENMING_PASSWORD or the terminal, else it is generated and\n"
     "must be changed at first login."},
    {"user", "passwd", cmd_user_passwd, "--data DIR USERNAME",
     "Set an account's password (WENMING_PASSWORD, the terminal, or generated); the account\n"
     "must change it at next login."},
    {"user", "list", cmd_user_list, "--data DIR", "List all accounts."},
    {"user", "disable", cmd_user_disable, "--data DIR USERNAME",
     "Disable an account and end its sessions."},
    /* issue 13, totp */
    {"user", "reset-2fa", cmd_user_reset_2fa, "--data DIR USERNAME",
     "Clear an account's two-factor sign-in (TOTP) and end its sessions, e.g. when the only\n"
     "admin lost the phone and the recovery codes; audited as totp.reset."},
    {"jobs", "list", cmd_jobs_list, "--data DIR [--state S[,S...]]",
     "List background jobs (thumbnails, the fixity pass, imports), newest first, with the\n"
     "reason of each failure.  S: queued, running, done, failed; default queued,running,failed."},
    {"jobs", "retry", cmd_jobs_retry, "--data DIR ID",
     "Queue a failed job again (its attempts start over); audited as job.retry."},
    {"search", "reindex", cmd_search_reindex, "--data DIR",
     "Rebuild the full-text search index from the store: every document (title, metadata\n"
     "and the text already read from its file), the indicators of published standards and\n"
     "the guidance conversations, with a progress line on stderr; then queue the text\n"
     "extraction (wenming-extract: PDF, OFD, Office, WPS, TXT, OCR of images and scans) of\n"
     "every file whose text has not been read yet, which a running server's job queue does.\n"
     "The server keeps the index current by itself; this is for an index lost or built by\n"
     "an older wenming.  Searches keep working meanwhile.  Ends as search merge does."},
    {"search", "merge", cmd_search_merge, "--data DIR",
     "Merge the full-text index's parts into one, now.  Each write adds a part that every\n"
     "search must look into; the server merges them every night at 02:30 (Asia/Shanghai,\n"
     "the search.merge job), so this is for after a large import.  Works in short steps:\n"
     "searches and uploads go on meanwhile.  PostgreSQL: the GIN index's pending list."},
    {"notify", "run", cmd_notify_run, "--data DIR [--date YYYY-MM-DD]",
     "Run the daily notification jobs now, in this process, on the job queue: the deadline\n"
     "scan (every archive's schedule on the date, default today in Asia/Shanghai; the unit\n"
     "is told once of each leaf and period due soon or overdue) and the e-mail digest (one\n"
     "message per person with an address and new notifications, through smtp_host of\n"
     "wenming.conf; nothing is sent while it is empty).  The server runs both every day at\n"
     "digest_hour (Asia/Shanghai).  A digest that could not be sent stays queued and is\n"
     "retried; exits 1 then.  Nothing is ever mailed twice."},
    {"org", "add", cmd_org_add, "--data DIR --name NAME --parent ID",
     "Add a civilization office (文明办) under the office with id ID."},
    {"org", "list", cmd_org_list, "--data DIR", "List the offices of the jurisdiction tree."},
    {"unit", "add", cmd_unit_add,
     "--data DIR --name NAME --code CODE --type TYPE --office ID [--depts A,B,C]",
     "Add a unit.  TYPE is one of 机关 企业 事业单位 学校 乡镇 街道 村 社区 窗口单位."},
    {"unit", "list", cmd_unit_list, "--data DIR", "List all units."},
    {"unit", "import", cmd_unit_import,
     "--data DIR FILE.csv|FILE.xlsx [--office ID] [--skip-bad] [--dry-run]",
     "Import units from a table with the header 单位名称(name), 单位代码(code),\n"
     "单位类型(type) and optionally 所属文明办(office) and 科室(depts).  Every bad row is\n"
     "reported as FILE:ROW: FIELD: REASON; nothing is imported while any row is bad unless\n"
     "--skip-bad is given.  CSV may be UTF-8 or GBK."},
    {"title", "import", cmd_title_import, "--data DIR FILE.csv|FILE.xlsx [--office ID] [--dry-run]",
     "Import the titles (文明称号) that exist before wenming from a table with the header\n"
     "单位代码 (or 单位名称), 称号, 级别, 授予日期 and optionally 授予文件, 有效期至, 状态\n"
     "(保留, 撤销, 过期), 备注; dates as 2021-03-05, 2021/3/5, 2021年3月5日 or Excel date\n"
     "cells.  --office ID matches the units within that office's jurisdiction only.  Every\n"
     "bad row is reported as FILE:ROW: COLUMN: REASON and nothing is imported then (exit 1).\n"
     "A title whose 有效期至 has passed is stored as 过期."},
    {"title", "expire", cmd_title_expire, "--data DIR [--date YYYY-MM-DD]",
     "Mark 过期 (expired) every kept title whose 有效期至 is before the date (default today\n"
     "in Asia/Shanghai), one audit entry each; the server does this every day at 00:05."},
    {"framework", "import", cmd_framework_import,
     "--data DIR FILE.json|FILE.csv|FILE.xlsx|FILE.docx [--name NAME] [--version V] "
     "[--office ID] [--dry-run] [--publish]",
     "Import an evaluation standard (测评体系) into a draft edition, or check it with\n"
     "--dry-run.  Errors and warnings are printed as FILE:LINE: error|warning: CODE FIELD:\n"
     "MESSAGE; nothing is stored while there are errors.  CSV/XLSX/DOCX need --name; a Word\n"
     "document (.docx) is read by its tables."},
    {"framework", "list", cmd_framework_list, "--data DIR", "List every edition of every standard."},
    {"framework", "publish", cmd_framework_publish, "--data DIR ID",
     "Publish a draft edition; a published edition is immutable."},
    {"framework", "export", cmd_framework_export, "--data DIR ID --out FILE [--format json|csv|xlsx]",
     "Export an edition as wenming-framework/1 JSON (the document it was imported from),\n"
     "CSV or XLSX."},
    {"export", NULL, cmd_export,
     "--data DIR --unit CODE (--years Y|Y1-Y2 | --round ID) --out FILE.zip [--ascii-colon]",
     "Write a unit's creation archives as the standard package: one top folder per year\n"
     "({单位名称}_{年度}_创建档案), folders by indicator, files NN：主题.ext (NN:主题 with\n"
     "--ascii-colon), manifest.csv/json, BagIt files and an offline index.html.\n"
     "--round ID makes the offline review package of an evaluation round for an evaluator:\n"
     "the archives of the round's materials years, plus 评审资料/评分细则.json (each leaf's\n"
     "requirement and scoring rule) and the blank score sheet 评审资料/空白评分表.xlsx and\n"
     ".pdf (the PDF by the wenming-compile helper)."},
    {"round", "rank", cmd_round_rank, "--data DIR ID [--top N] [--json]",
     "Compute a round's results as the server does (totals and subtotals of the locked\n"
     "entries from their reconciled values, ranks in the round, per district and per unit\n"
     "type, pass/fail by threshold and veto) and print the first N rows (default 20, 0:\n"
     "all) with the time it took on stderr; --json prints everything as JSON."},
    {"import", NULL, cmd_import, "--data DIR --unit CODE --year YEAR FILE.zip|DIR",
     "Import a package, or any folder tree whose folder names carry indicator codes and/or\n"
     "titles, into the unit's archive of that year; prints a line per file."},
    {"store", "copy", cmd_store_copy, "--from DIR --to CONNINFO",
     "Copy the SQLite store of data directory DIR (wenming.db) into an empty PostgreSQL\n"
     "database (any libpq connection string, e.g. postgresql://wenming@db.example/wenming):\n"
     "every table in one transaction, ids kept, a line per table.  Refuses a database that\n"
     "holds rows, or tables of something else.  Commits only when every table counts the\n"
     "same rows on both sides and the copied audit chain verifies, then builds the search\n"
     "index on it (each store has its own); then set store =\n"
     "CONNINFO in DIR/wenming.conf.  Stop the server first (writes made during the copy are\n"
     "not copied); blobs/ stays where it is."},
    {"verify", "audit", cmd_verify_audit, "--data DIR",
     "Check the audit log's hash chain; exit 1 naming the first broken entry."},
    {"verify", "blobs", cmd_verify_blobs, "--data DIR [--repair]",
     "Re-hash every stored document version and list missing or corrupt blobs (the server\n"
     "also does this every fixity_hours); list orphans: blobs and thumbnails no document\n"
     "version refers to, and stray files in the store (also outside objects/ and tmp/);\n"
     "remove temp files of uploads cut off\n"
     "more than an hour ago (serve removes them all at start).  Files changed in the last\n"
     "hour are left alone.  --repair moves the orphans aside into DIR/quarantine (never\n"
     "deletes) and says how many.  Exits 1 when a blob is missing or corrupt, or when there\n"
     "are orphans and --repair was not given."},
    /* issue 13, dat70 */
    {"verify", "archive", cmd_verify_archive,
     "--data DIR --unit CODE --year Y [--json FILE] [--pdf FILE]",
     "DA/T 70-2018 四性检测 of the unit's archive of year Y: 真实性 (every version re-hashed\n"
     "against its SHA-256, the audit chain), 完整性 (DA/T 22 metadata, leaf minimums, the\n"
     "package manifest), 可用性 (every current file opened by its decoder in the\n"
     "wenming-extract helper under limits), 安全性 (no executables, macros, scripts or\n"
     "encryption; types within allowed_types).  Progress on stderr; the report is stored\n"
     "(the archive page and the export package show it); --json and --pdf write it too.\n"
     "Exits 0 when all four pass, 1 when one fails, 2 on usage or other errors."},
    {"backup", NULL, cmd_backup, "--data DIR --out BACKUPDIR",
     "Back up the data directory while the server runs: a snapshot of the store (SQLite's\n"
     "online backup; pg_dump for PostgreSQL, its connection passed in PG* variables), then\n"
     "exactly the blobs that snapshot refers to, copied only when BACKUPDIR lacks them (they\n"
     "are content-addressed: a nightly backup copies only new uploads), each checked against\n"
     "its name, then BACKUPDIR/manifest.json (SHA-256 and size of every file).  Until the new\n"
     "manifest is written BACKUPDIR keeps the previous backup whole.  Exits 1 when a blob the\n"
     "store refers to is missing or corrupt (the backup is written, naming them)."},
    {"restore", NULL, cmd_restore, "--from BACKUPDIR --data NEW [--store CONNINFO]",
     "Restore a backup into NEW, which must be absent or empty: every file checked against\n"
     "the manifest, the store (wenming.db; a PostgreSQL backup into the empty database\n"
     "--store names, with pg_restore), blobs/, audit-head and wenming.conf naming the store;\n"
     "then 'verify audit' and 'verify blobs' on NEW.  Exits 1 on any mismatch."},
    {"version", NULL, cmd_version, "", "Print the version."},
};

static void
main_usage(FILE *f)
{
    fprintf(f, "wenming %s — 文明创建动态管理系统\n\nusage: wenming COMMAND [ARGS] (each "
               "command takes --help)\n\n",
            WM_VERSION);
    for (size_t i = 0; i < WM_ARRAY_LEN(cmds); i++) {
        fprintf(f, "  %s%s%-*s %s\n", cmds[i].name, cmds[i].sub ? " " : "",
                (int)(16 - strlen(cmds[i].name) - (cmds[i].sub ? 1 : 0)),
                cmds[i].sub ? cmds[i].sub : "", cmds[i].usage);
    }
}

/*
** After a command that succeeded on a data directory: move the audit head anchor to what the
** command wrote (serve anchors by itself; verify only reads and compares).
*/
static int
anchor_after(int rc)
{
    if (0 != rc || '\0' == opened_data[0] || wm_streq(cur_cmd->name, "serve") ||
        (wm_streq(cur_cmd->name, "verify") && !wm_streq(cur_cmd->sub, "archive"))) {
        return rc;
    }
    char err[512];
    char *store = store_of(opened_data);
    struct wm_db *db = wm_db_open(store, opened_data, false, err, sizeof err);
    free(store);
    if (db) {
        if (WM_DB_SCHEMA_VERSION == db->ops->schema_version(db)) {
            (void)wm_audit_anchor(db, opened_data); /* a refusal is logged */
        }
        db->ops->close(db);
    }
    return rc;
}

int
main(int argc, char **argv)
{
    setlocale(LC_ALL, "");
    /* Local time (the DOS times of a package's ZIP entries, its index.html) follows TZ;
    ** unset, China Standard Time, which the pages show (no tzdata needed, no DST since 1991). */
    if (NULL == getenv("TZ")) {
        (void)setenv("TZ", "CST-8", 1);
    }
    tzset();
    char *ldir = locale_dir();
    bindtextdomain("wenming", ldir);
    free(ldir);
    bind_textdomain_codeset("wenming", "UTF-8");
    if (sodium_init() < 0) {
        return fail("libsodium failed to initialise");
    }
    wm_table_global_init();
    if (getenv("WENMING_LOG_DEBUG")) {
        wm_log_set_level(WM_LOG_DEBUG);
    }
    if (argc < 2 || wm_streq(argv[1], "--help") || wm_streq(argv[1], "-h") ||
        wm_streq(argv[1], "help")) {
        main_usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (wm_streq(argv[1], "--version")) {
        return cmd_version(1, argv);
    }
    bool known = false;
    for (size_t i = 0; i < WM_ARRAY_LEN(cmds); i++) {
        if (!wm_streq(cmds[i].name, argv[1])) {
            continue;
        }
        known = true;
        if (NULL == cmds[i].sub) {
            cur_cmd = &cmds[i];
            return anchor_after(cmds[i].fn(argc - 1, argv + 1));
        }
        if (argc > 2 && wm_streq(cmds[i].sub, argv[2])) {
            cur_cmd = &cmds[i];
            return anchor_after(cmds[i].fn(argc - 2, argv + 2));
        }
    }
    if (known && argc > 2 && (wm_streq(argv[2], "--help") || wm_streq(argv[2], "-h"))) {
        /* wenming search --help: every subcommand of the group with its help */
        for (size_t i = 0; i < WM_ARRAY_LEN(cmds); i++) {
            if (wm_streq(cmds[i].name, argv[1])) {
                printf("usage: wenming %s %s %s\n\n%s\n\n", cmds[i].name, cmds[i].sub,
                       cmds[i].usage, cmds[i].help);
            }
        }
        return 0;
    }
    if (known) {
        fprintf(stderr, "wenming: '%s' needs a subcommand:\n", argv[1]);
        for (size_t i = 0; i < WM_ARRAY_LEN(cmds); i++) {
            if (wm_streq(cmds[i].name, argv[1])) {
                fprintf(stderr, "  wenming %s %s %s\n", cmds[i].name, cmds[i].sub, cmds[i].usage);
            }
        }
        return 2;
    }
    fprintf(stderr, "wenming: unknown command '%s'\n\n", argv[1]);
    main_usage(stderr);
    return 2;
}

/* end of main.c */
