/*
** test_http_backup.c — `wenming backup` and `wenming restore` (issue 13) against a server
** that keeps taking uploads: a thread uploads documents without pause while the backup is
** taken; every upload answered 201 before the backup started must be in the restored data
** directory, byte for byte (downloaded through a server started on it), and `verify audit`
** and `verify blobs` must be clean there.  A second backup into the same directory copies
** only the blobs it lacks (the count it reports equals the objects that appeared), a third
** none.  A non-empty target and a corrupt blob are refused; a blob missing from the data
** directory is named by the backup (exit 1).  On SQLite and PostgreSQL (the
** restore goes into a fresh database named with --store).
*/
#include "config.h"

#include <dirent.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <ftw.h>
#include <setjmp.h> /* before cmocka.h */
#include <sodium.h>

/* clang-format off */
#include <cmocka.h>
/* clang-format on */

#include "harness.h"

static struct th_server srv;
static struct th_cred admin, unitadmin;
static int64_t unit1;
static char work[256]; /* holds the backup directory and the restored ones */

#define YEAR    2006
#define MAX_UPL 4096

/* ---------------------------------------------------------------- the uploader */

struct upl_done {
    int64_t id;
    char sha[65];
    size_t len;
};

static struct {
    pthread_mutex_t mu;
    bool stop;
    int n; /* uploads answered 201, in done[0..n) in the order answered */
    int failed;
    struct upl_done done[MAX_UPL];
} upl = { .mu = PTHREAD_MUTEX_INITIALIZER };

static void
sha256_hex(const void *p, size_t n, char out[65])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, p, n);
    for (size_t i = 0; i < sizeof h; i++) {
        snprintf(out + 2 * i, 3, "%02x", h[i]);
    }
}

static size_t
body_write(char *p, size_t size, size_t n, void *cls)
{
    bytes_add(cls, p, size * n);
    return size * n;
}

/* One upload into the leaf with its own curl handle h: 201 and the id, else 0. */
static int64_t
upload_one(CURL *h, const char *url, const char *tag, size_t size, struct upl_done *d)
{
    char auth[256];
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", unitadmin.token);
    struct bytes pdf = pdf_make(tag, size);
    struct th_file f = { .name = tag, .data = pdf.p, .len = pdf.n };
    curl_mime *mime = th_mime_new(h, &unitadmin, TH_BEARER, &f, 1, NULL);
    struct curl_slist *hl = curl_slist_append(NULL, auth);
    hl = curl_slist_append(hl, "Expect:");
    struct bytes body = { 0 };
    curl_easy_reset(h);
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_MIMEPOST, mime);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hl);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, body_write);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &body);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, 60L);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    long status = 0;
    int64_t id = 0;
    if (CURLE_OK == curl_easy_perform(h)) {
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    }
    if (201 == status) {
        json_t *j = json_loadb(body.p, body.n, 0, NULL);
        id = th_jint(json_array_get(json_object_get(j, "items"), 0), "id");
        json_decref(j);
        sha256_hex(pdf.p, pdf.n, d->sha);
        d->len = pdf.n;
        d->id = id;
    } else {
        fprintf(stderr, "upload %s: HTTP %ld %.*s\n", tag, status, (int)body.n,
                body.p ? body.p : "");
    }
    curl_slist_free_all(hl);
    curl_mime_free(mime);
    free(body.p);
    free(pdf.p);
    return id;
}

static void
leaf_url(char *url, size_t len)
{
    snprintf(url, len, "%s/api/v1/units/%lld/archives/%d/indicators/1.1.1/documents", srv.base,
             (long long)unit1, YEAR);
}

/* Upload until told to stop; each answered upload is recorded at once. */
static void *
uploader(void *arg)
{
    (void)arg;
    char url[400];
    leaf_url(url, sizeof url);
    CURL *h = curl_easy_init();
    int in_a_row = 0; /* failures: the server is gone, stop */
    for (int i = 0; in_a_row < 20; i++) {
        pthread_mutex_lock(&upl.mu);
        bool stop = upl.stop || upl.n >= MAX_UPL;
        pthread_mutex_unlock(&upl.mu);
        if (stop) {
            break;
        }
        char tag[64];
        snprintf(tag, sizeof tag, "备份期间上传%d", i);
        struct upl_done d;
        int64_t id = upload_one(h, url, tag, 20000 + (size_t)i * 37, &d);
        usleep(20000); /* continuous, not a flood: the machine is shared */
        pthread_mutex_lock(&upl.mu);
        if (id > 0) {
            upl.done[upl.n++] = d;
            in_a_row = 0;
        } else {
            upl.failed++;
            in_a_row++;
        }
        pthread_mutex_unlock(&upl.mu);
    }
    curl_easy_cleanup(h);
    return NULL;
}

static pthread_t upl_thread;
static bool upl_running;

static void
uploader_stop(void)
{
    if (upl_running) {
        pthread_mutex_lock(&upl.mu);
        upl.stop = true;
        pthread_mutex_unlock(&upl.mu);
        pthread_join(upl_thread, NULL);
        upl_running = false;
    }
}

static int
answered(void)
{
    pthread_mutex_lock(&upl.mu);
    int n = upl.n;
    pthread_mutex_unlock(&upl.mu);
    return n;
}

/* ---------------------------------------------------------------- helpers */

/*
** The PostgreSQL databases restored into, dropped only after the source server stopped: a
** DROP DATABASE waits for every backend of the cluster, and one of a busy server's idle
** connections can sit blocked writing notifications it is not reading.
*/
static char restored_dbs[8][64];
static unsigned n_restored;

static void
drop_later(const char *pgdb)
{
    if (pgdb[0] && n_restored < 8) {
        snprintf(restored_dbs[n_restored++], sizeof restored_dbs[0], "%s", pgdb);
    }
}

static unsigned walk_n;

static int
walk_count(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)path;
    (void)st;
    (void)ftw;
    walk_n += FTW_F == flag;
    return 0;
}

/* The objects in a blob directory's objects/. */
static unsigned
objects_in(const char *dir)
{
    char p[PATH_MAX + 32];
    snprintf(p, sizeof p, "%s/blobs/objects", dir);
    walk_n = 0;
    assert_int_equal(nftw(p, walk_count, 16, FTW_PHYS), 0);
    return walk_n;
}

/* "blobs: R referenced, C copied" of a backup's output: C. */
static long
copied_of(const char *out)
{
    const char *at = strstr(out, " referenced, ");
    assert_non_null(at);
    return strtol(at + strlen(" referenced, "), NULL, 10);
}

static char *
backup_run(const char *bk)
{
    return TH_RUN(0, "backup", "--data", srv.dir, "--out", bk);
}

/*
** Restore bk into a new directory under work (its path into dir); with PostgreSQL a fresh
** database (name into pgdb, connection into store).  The exit status; output into *out.
*/
static int
restore_run(const char *bk,
            const char *name,
            char *dir,
            size_t len,
            char *pgdb,
            char *store,
            char **out)
{
    snprintf(dir, len, "%s/%s", work, name);
    pgdb[0] = store[0] = '\0';
    if (th_store_pg()) {
        assert_int_equal(th_store_new(pgdb, 64, store, 1024), 0);
        const char *args[] = { "restore", "--from", bk, "--data", dir, "--store", store, NULL };
        return th_run(args, out);
    }
    const char *args[] = { "restore", "--from", bk, "--data", dir, NULL };
    return th_run(args, out);
}

/* ---------------------------------------------------------------- tests */

static void
test_help(void **state)
{
    (void)state;
    char *out = TH_RUN(0, "backup", "--help");
    assert_non_null(strstr(out, "usage: wenming backup --data DIR --out BACKUPDIR"));
    free(out);
    out = TH_RUN(0, "restore", "--help");
    assert_non_null(strstr(out, "usage: wenming restore --from BACKUPDIR --data NEW"));
    free(out);
    out = TH_RUN(0, "--help");
    assert_non_null(strstr(out, "backup"));
    assert_non_null(strstr(out, "restore"));
    free(out);
    free(TH_RUN(2, "backup", "--data", srv.dir)); /* no --out */
    free(TH_RUN(2, "restore", "--from", work));   /* no --data */
    char inside[PATH_MAX + 32];
    snprintf(inside, sizeof inside, "%s/backup", srv.dir);
    out = TH_RUN(1, "backup", "--data", srv.dir, "--out", inside);
    assert_non_null(strstr(out, "inside the data directory"));
    free(out);
    rmdir(inside);
}

/* The manifest names the store kind, and every blob entry is named by its SHA-256. */
static void
check_manifest(const char *bk)
{
    char p[PATH_MAX + 32];
    snprintf(p, sizeof p, "%s/manifest.json", bk);
    json_t *m = json_load_file(p, 0, NULL);
    assert_non_null(m);
    assert_string_equal(th_jstr(m, "format"), "wenming-backup/1");
    assert_string_equal(th_jstr(m, "store"), th_store_pg() ? "postgresql" : "sqlite");
    assert_true(th_jint(m, "schema_version") > 0);
    size_t i, blobs = 0;
    json_t *e;
    json_array_foreach(json_object_get(m, "files"), i, e)
    {
        const char *path = th_jstr(e, "path");
        assert_int_equal(strlen(th_jstr(e, "sha256")), 64);
        if (0 == strncmp(path, "blobs/objects/", 14)) {
            assert_string_equal(path + strlen(path) - 64, th_jstr(e, "sha256"));
            blobs++;
        }
    }
    assert_true(blobs > 0);
    json_decref(m);
}

/* Every upload of want[0..n) downloads byte-identical from the server on the restored data. */
static void
check_restored(struct th_server *rs, const struct upl_done *want, int n)
{
    struct th_cred a;
    assert_int_equal(th_login(rs, "admin", TH_DEMO_PW, &a), 201);
    for (int i = 0; i < n; i++) {
        char path[128];
        snprintf(path, sizeof path, "/api/v1/documents/%lld/content", (long long)want[i].id);
        struct th_resp *r = th_api(rs, "GET", path, &a, TH_COOKIE, NULL);
        th_assert_status(r, 200);
        char sha[65];
        sha256_hex(r->body, r->len, sha);
        assert_int_equal(r->len, want[i].len);
        assert_string_equal(sha, want[i].sha);
        th_resp_free(r);
    }
}

static void
test_backup_while_uploading(void **state)
{
    (void)state;
    char bk[PATH_MAX];
    snprintf(bk, sizeof bk, "%s/backup", work);
    assert_int_equal(pthread_create(&upl_thread, NULL, uploader, NULL), 0);
    upl_running = true;
    for (int i = 0; i < 600 && answered() < 5; i++) {
        usleep(50000);
    }
    /* what was answered before the backup started */
    pthread_mutex_lock(&upl.mu);
    int before = upl.n;
    struct upl_done *want = malloc(sizeof *want * (size_t)(before ? before : 1));
    memcpy(want, upl.done, sizeof *want * (size_t)before);
    pthread_mutex_unlock(&upl.mu);
    assert_true(before >= 5);
    char *out = backup_run(bk);
    int during = answered() - before;
    usleep(300000); /* and a little after */
    uploader_stop();
    assert_int_equal(upl.failed, 0);
    print_message("backup: %d uploads answered before it, %d during it\n%s", before, during, out);
    assert_non_null(strstr(out, "wrote "));
    assert_true(copied_of(out) >= before);
    free(out);
    check_manifest(bk);

    /* restore, verify, serve */
    char dir[PATH_MAX], pgdb[64], store[1024];
    out = NULL;
    int rc = restore_run(bk, "restored", dir, sizeof dir, pgdb, store, &out);
    if (0 != rc) {
        print_error("restore: exit %d\n%s\n", rc, out ? out : "");
    }
    assert_int_equal(rc, 0);
    assert_non_null(strstr(out, "audit log intact"));
    assert_non_null(strstr(out, ": 0 missing, 0 corrupt"));
    free(out);
    free(TH_RUN(0, "verify", "audit", "--data", dir));
    free(TH_RUN(0, "verify", "blobs", "--data", dir));
    struct th_server rs;
    memset(&rs, 0, sizeof rs);
    rs.out_fd = -1;
    snprintf(rs.dir, sizeof rs.dir, "%s", dir);
    snprintf(rs.pgdb, sizeof rs.pgdb, "%s", pgdb);
    snprintf(rs.store, sizeof rs.store, "%s", store);
    assert_int_equal(th_server_start(&rs, NULL), 0);
    check_restored(&rs, want, before);
    assert_int_equal(th_server_stop(&rs), 0);
    free(TH_RUN(0, "verify", "audit", "--data", dir)); /* still, after serving */
    drop_later(rs.pgdb);
    rs.pgdb[0] = '\0';
    th_server_destroy(&rs);
    free(want);

    /* into a directory that is not empty: refused, nothing touched */
    out = NULL;
    rc = restore_run(bk, "", dir, sizeof dir, pgdb, store, &out);
    assert_int_equal(rc, 1);
    assert_non_null(strstr(out, "not empty"));
    free(out);
    drop_later(pgdb);
}

static void
test_incremental(void **state)
{
    (void)state;
    char bk[PATH_MAX], url[400];
    snprintf(bk, sizeof bk, "%s/backup", work);
    leaf_url(url, sizeof url);
    CURL *h = curl_easy_init();
    struct upl_done d;
    assert_true(upload_one(h, url, "备份之后一", 12345, &d) > 0);
    assert_true(upload_one(h, url, "备份之后二", 23456, &d) > 0);
    curl_easy_cleanup(h);
    unsigned objs = objects_in(bk);
    char *out = backup_run(bk);
    long copied = copied_of(out);
    free(out);
    /* exactly the objects that appeared; at least the two new uploads */
    assert_int_equal(objects_in(bk), objs + (unsigned)copied);
    assert_true(copied >= 2);
    out = backup_run(bk);
    assert_int_equal(copied_of(out), 0);
    assert_non_null(strstr(out, " 0 copied (0 bytes)"));
    free(out);
    /* one snapshot directory remains: the manifest's */
    DIR *dd = opendir(bk);
    assert_non_null(dd);
    unsigned snaps = 0;
    struct dirent *e;
    while ((e = readdir(dd))) {
        snaps += 0 == strncmp(e->d_name, "snap-", 5);
    }
    closedir(dd);
    assert_int_equal(snaps, 1);
}

/* A blob changed in the backup: the restore names it and fails. */
static void
test_corrupt_refused(void **state)
{
    (void)state;
    char bk[PATH_MAX], p[PATH_MAX + 200];
    snprintf(bk, sizeof bk, "%s/backup", work);
    pthread_mutex_lock(&upl.mu);
    const char *sha = upl.done[0].sha;
    pthread_mutex_unlock(&upl.mu);
    snprintf(p, sizeof p, "%s/blobs/objects/%.2s/%.2s/%s", bk, sha, sha + 2, sha);
    assert_int_equal(chmod(p, 0640), 0);
    FILE *f = fopen(p, "r+b");
    assert_non_null(f);
    assert_int_equal(fseek(f, 100, SEEK_SET), 0);
    fputc('#', f);
    fclose(f);
    char dir[PATH_MAX], pgdb[64], store[1024], *out = NULL;
    int rc = restore_run(bk, "restored-corrupt", dir, sizeof dir, pgdb, store, &out);
    assert_int_equal(rc, 1);
    assert_non_null(strstr(out, "corrupt"));
    assert_non_null(strstr(out, sha));
    free(out);
    drop_later(pgdb);
}

/* A blob missing from the data directory: the backup is written, names it, exits 1. */
static void
test_missing_blob_reported(void **state)
{
    (void)state;
    char bk[PATH_MAX], p[PATH_MAX + 200], aside[PATH_MAX + 220];
    snprintf(bk, sizeof bk, "%s/backup-missing", work);
    pthread_mutex_lock(&upl.mu);
    char sha[65];
    snprintf(sha, sizeof sha, "%s", upl.done[1].sha);
    pthread_mutex_unlock(&upl.mu);
    snprintf(p, sizeof p, "%s/blobs/objects/%.2s/%.2s/%s", srv.dir, sha, sha + 2, sha);
    snprintf(aside, sizeof aside, "%s.aside", p);
    assert_int_equal(rename(p, aside), 0);
    char *out = TH_RUN(1, "backup", "--data", srv.dir, "--out", bk);
    assert_non_null(strstr(out, "1 blobs the store refers to are missing or corrupt"));
    free(out);
    assert_int_equal(rename(aside, p), 0);
    snprintf(p, sizeof p, "%s/manifest.json", bk);
    json_t *m = json_load_file(p, 0, NULL);
    assert_non_null(m);
    json_t *missing = json_object_get(m, "missing");
    assert_int_equal(json_array_size(missing), 1);
    assert_string_equal(th_jstr(json_array_get(missing, 0), "sha"), sha);
    json_decref(m);
}

/* ---------------------------------------------------------------- setup */

static int
group_setup(void **state)
{
    (void)state;
    const char *tmp = getenv("TMPDIR");
    snprintf(work, sizeof work, "%s/wm-backup-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (NULL == mkdtemp(work) || th_server_create(&srv, "threads = 2") ||
        th_server_start(&srv, NULL) || 201 != th_login(&srv, "admin", TH_DEMO_PW, &admin) ||
        201 != th_login(&srv, "unitadmin", TH_DEMO_PW, &unitadmin) ||
        th_make_token(&srv, &unitadmin, "backup") <= 0) {
        return -1;
    }
    unit1 = th_unit_id(&srv, &admin, "DEMO001");
    return unit1 && th_archive_create(&srv, &admin, unit1, YEAR) ? 0 : -1;
}

static int
group_teardown(void **state)
{
    (void)state;
    uploader_stop(); /* when a test failed while it ran */
    int rc = th_server_finish(&srv);
    for (unsigned i = 0; i < n_restored; i++) {
        th_store_drop(restored_dbs[i]);
    }
    char cmd[PATH_MAX + 32];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", work);
    if (0 != system(cmd)) {
        rc = -1;
    }
    return rc;
}

int
main(int argc, char **argv)
{
    if (!th_init(argc, argv) || sodium_init() < 0) {
        return 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_help),
        cmocka_unit_test(test_backup_while_uploading),
        cmocka_unit_test(test_incremental),
        cmocka_unit_test(test_corrupt_refused),
        cmocka_unit_test(test_missing_blob_reported),
    };
    int failed = cmocka_run_group_tests_name("backup", tests, group_setup, group_teardown);
    th_done();
    return failed + th_teardown_failures;
}
