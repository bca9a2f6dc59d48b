/*
** test_http_cluster.c — two `wenming serve` processes on one PostgreSQL database and one
** data directory (the blob store a shared file system holds in production), as behind a
** load balancer:
**   - 8 concurrent uploaders into one leaf, half through each server: serials 01..N
**     without gaps or duplicates, and every answered upload downloadable from the OTHER
**     server, byte for byte;
**   - a session or API token made on one server is valid on the other, and a logout or a
**     revocation on one is honoured by the other (its caches follow the store);
**   - afterwards `wenming verify audit` and `wenming verify blobs` are clean.
** PostgreSQL only: skips (77) without WM_TEST_PG (the harness runs with WM_TEST_STORE=pg).
** WM_TEST_CLUSTER_SQLITE=1 (with WM_TEST_STORE=sqlite) runs it on one shared SQLite file.
*/
#include "config.h"

#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
/* clang-format on */

#include "harness.h"

enum { UPLOADERS = 8, EACH = 3, N = UPLOADERS * EACH };

static const int year = 2025;
static const char leaf[] = "1.1.1";

/* The two servers: a owns the data directory and the database; b shares them. */
static struct th_server a, b;
static struct th_cred admin, member;
static int64_t unit;

static int
cluster_setup(void **state)
{
    (void)state;
    if (th_server_create(&a, NULL) || th_server_start(&a, NULL)) {
        return -1;
    }
    /* the second server: the same directory (so the same wenming.conf, hence the same
    ** database), its own process and port; it must not remove what a owns */
    b = a;
    b.pid = 0;
    b.out_fd = -1;
    b.pgdb[0] = '\0';
    if (th_server_start(&b, NULL)) {
        return -1;
    }
    if (201 != th_login(&a, "admin", TH_DEMO_PW, &admin) ||
        th_make_token(&a, &admin, "cluster") <= 0 ||
        201 != th_login(&b, "member", TH_DEMO_PW, &member) ||
        th_make_token(&b, &member, "cluster") <= 0) {
        return -1;
    }
    unit = th_unit_id(&a, &admin, "DEMO001");
    return unit > 0 && th_archive_create(&b, &admin, unit, year) ? 0 : -1;
}

static int
cluster_teardown(void **state)
{
    (void)state;
    int rc = 0;
    if (b.pid && th_server_stop(&b)) {
        fprintf(stderr, "the second server did not shut down gracefully\n");
        th_teardown_failures++;
        rc = -1;
    }
    if (a.dir[0] && th_server_finish(&a)) {
        rc = -1;
    }
    return rc;
}

/* ---------------------------------------------------------------- sessions and tokens */

/* GET /api/v1/me on s as c with flags: the status. */
static long
me(const struct th_server *s, const struct th_cred *c, unsigned flags)
{
    struct th_resp *r = th_api(s, "GET", "/api/v1/me", c, flags, NULL);
    long st = r->status;
    th_resp_free(r);
    return st;
}

/* Wait (bounded) until s answers /me as c with want: a change on the other server reaches
** this one's caches by a notification, normally within milliseconds. */
static long
me_until(const struct th_server *s, const struct th_cred *c, unsigned flags, long want)
{
    long st = 0;
    for (int i = 0; i < 500 && want != (st = me(s, c, flags)); i++) {
        struct timespec ts = { 0, 20 * 1000 * 1000 };
        nanosleep(&ts, NULL);
    }
    return st;
}

static void
test_session_on_both(void **state)
{
    (void)state;
    struct th_cred c;
    /* a session made on a answers on b (and the other way round) */
    assert_int_equal(th_login(&a, "office", TH_DEMO_PW, &c), 201);
    assert_int_equal(me(&b, &c, TH_SESSION), 200);
    assert_int_equal(me(&a, &c, TH_SESSION), 200);
    /* a cookie write through b with a's CSRF token */
    struct th_resp *r = th_api(&b, "POST", "/api/v1/tokens", &c, TH_SESSION,
                               "{\"name\":\"made-on-b\"}");
    th_assert_status(r, 201);
    th_resp_free(r);
    /* logged out on b: a refuses the cookie too */
    r = th_api(&b, "DELETE", "/api/v1/session", &c, TH_SESSION, NULL);
    assert_true(200 == r->status || 204 == r->status);
    th_resp_free(r);
    assert_int_equal(me_until(&a, &c, TH_SESSION, 401), 401);
    assert_int_equal(me(&b, &c, TH_SESSION), 401);

    /* a token made on b answers on a; revoked on a, b refuses it */
    struct th_cred t;
    assert_int_equal(th_login(&b, "district", TH_DEMO_PW, &t), 201);
    int64_t tid = th_make_token(&b, &t, "cluster-token");
    assert_true(tid > 0);
    assert_int_equal(me(&a, &t, TH_BEARER), 200);
    assert_int_equal(me(&b, &t, TH_BEARER), 200); /* b has it cached now */
    char path[64];
    snprintf(path, sizeof path, "/api/v1/tokens/%lld", (long long)tid);
    r = th_api(&a, "DELETE", path, &t, TH_SESSION, NULL);
    assert_true(200 == r->status || 204 == r->status);
    th_resp_free(r);
    assert_int_equal(me(&a, &t, TH_BEARER), 401);
    assert_int_equal(me_until(&b, &t, TH_BEARER, 401), 401);
}

/* ---------------------------------------------------------------- concurrent uploads */

struct uploader {
    const struct th_server *s;    /* where this one uploads */
    const struct th_server *other; /* where its documents are read back */
    int who;
    struct bytes pdf[EACH];
    long status[EACH];
    int64_t id[EACH];
    char fail[512]; /* what went wrong, for the main thread to report */
};

static size_t
collect(char *p, size_t size, size_t n, void *ud)
{
    bytes_add(ud, p, size * n);
    return size * n;
}

/* One uploader: EACH files into the leaf through its server, one after the other.  No
** cmocka assertion here (this is not the test's thread): the main thread checks. */
static void *
uploader_run(void *p)
{
    struct uploader *u = p;
    char url[300], auth[256];
    snprintf(url, sizeof url, "%s/api/v1/units/%lld/archives/%d/indicators/%s/documents",
             u->s->base, (long long)unit, year, leaf);
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", member.token);
    for (int k = 0; k < EACH; k++) {
        char tag[48];
        snprintf(tag, sizeof tag, "集群%d-%d", u->who, k);
        u->pdf[k] = pdf_make(tag, 150000); /* large enough to overlap in the servers */
        CURL *h = curl_easy_init();
        if (NULL == h) {
            snprintf(u->fail, sizeof u->fail, "curl_easy_init failed");
            return NULL;
        }
        struct th_file f = { .name = tag, .data = u->pdf[k].p, .len = u->pdf[k].n };
        curl_mime *mime = th_mime_new(h, &member, TH_BEARER, &f, 1, NULL);
        struct curl_slist *hl = curl_slist_append(NULL, auth);
        hl = curl_slist_append(hl, "Expect:");
        struct bytes body = { 0 };
        curl_easy_setopt(h, CURLOPT_URL, url);
        curl_easy_setopt(h, CURLOPT_MIMEPOST, mime);
        curl_easy_setopt(h, CURLOPT_HTTPHEADER, hl);
        curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect);
        curl_easy_setopt(h, CURLOPT_WRITEDATA, &body);
        curl_easy_setopt(h, CURLOPT_TIMEOUT, 120L);
        curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
        CURLcode cc = curl_easy_perform(h);
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &u->status[k]);
        if (CURLE_OK == cc && 201 == u->status[k]) {
            json_t *j = json_loadb(body.p ? body.p : "", body.n, 0, NULL);
            u->id[k] = th_jint(json_array_get(json_object_get(j, "items"), 0), "id");
            json_decref(j);
        } else if ('\0' == u->fail[0]) {
            snprintf(u->fail, sizeof u->fail, "upload %d via %s: %s, HTTP %ld: %.*s", k,
                     u->s->base, curl_easy_strerror(cc), u->status[k],
                     (int)(body.n < 300 ? body.n : 300), body.p ? body.p : "");
        }
        free(body.p);
        curl_slist_free_all(hl);
        curl_mime_free(mime);
        curl_easy_cleanup(h);
    }
    return NULL;
}

static void
test_uploads_through_both(void **state)
{
    (void)state;
    struct uploader u[UPLOADERS];
    pthread_t t[UPLOADERS];
    memset(u, 0, sizeof u);
    for (int i = 0; i < UPLOADERS; i++) {
        u[i].who = i;
        u[i].s = i % 2 ? &b : &a;
        u[i].other = i % 2 ? &a : &b;
        assert_int_equal(pthread_create(&t[i], NULL, uploader_run, &u[i]), 0);
    }
    for (int i = 0; i < UPLOADERS; i++) {
        pthread_join(t[i], NULL);
    }
    int answered = 0;
    for (int i = 0; i < UPLOADERS; i++) {
        if (u[i].fail[0]) {
            print_error("uploader %d: %s\n", i, u[i].fail);
        }
        for (int k = 0; k < EACH; k++) {
            answered += 201 == u[i].status[k];
        }
    }
    if (answered != N) {
        th_server_log_tail(&a, 40);
    }
    assert_int_equal(answered, N);

    /* the leaf, as each server lists it: serials 1..N, names 01..N, each id once */
    const struct th_server *both[] = { &a, &b };
    char path[200];
    snprintf(path, sizeof path, "/api/v1/units/%lld/archives/%d/indicators/%s/documents",
             (long long)unit, year, leaf);
    for (int s = 0; s < 2; s++) {
        struct th_resp *r = th_api(both[s], "GET", path, &admin, TH_BEARER, NULL);
        th_assert_status(r, 200);
        json_t *items = json_object_get(r->json, "items");
        assert_int_equal(json_array_size(items), N);
        size_t i;
        json_t *d;
        json_array_foreach(items, i, d)
        {
            char want[16];
            snprintf(want, sizeof want, "%02d:", (int)i + 1);
            if (th_jint(d, "serial") != (int64_t)i + 1 ||
                0 != strncmp(th_jstr(d, "name"), want, 3)) {
                print_error("position %zu: serial %lld, name %s\n", i,
                            (long long)th_jint(d, "serial"), th_jstr(d, "name"));
            }
            assert_int_equal(th_jint(d, "serial"), (int64_t)i + 1);
            assert_int_equal(strncmp(th_jstr(d, "name"), want, 3), 0);
            int found = 0;
            for (int w = 0; w < UPLOADERS; w++) {
                for (int k = 0; k < EACH; k++) {
                    found += u[w].id[k] == th_jint(d, "id");
                }
            }
            assert_int_equal(found, 1);
        }
        th_resp_free(r);
    }

    /* every answered upload, read back from the server that did not take it */
    for (int i = 0; i < UPLOADERS; i++) {
        for (int k = 0; k < EACH; k++) {
            snprintf(path, sizeof path, "/api/v1/documents/%lld/content", (long long)u[i].id[k]);
            struct th_resp *r = th_api(u[i].other, "GET", path, &admin, TH_BEARER, NULL);
            th_assert_status(r, 200);
            assert_int_equal(r->len, u[i].pdf[k].n);
            assert_memory_equal(r->body, u[i].pdf[k].p, u[i].pdf[k].n);
            th_resp_free(r);
            free(u[i].pdf[k].p);
        }
    }
}

/* Both servers stopped: the audit chain and the blob store are clean. */
static void
test_verify_after(void **state)
{
    (void)state;
    assert_int_equal(th_server_stop(&b), 0);
    assert_int_equal(th_server_stop(&a), 0);
    char *out = NULL;
    const char *audit[] = { "verify", "audit", "--data", a.dir, NULL };
    int rc = th_run(audit, &out);
    if (0 != rc || NULL == strstr(out, "intact")) {
        print_error("verify audit: exit %d: %s\n", rc, out);
    }
    assert_int_equal(rc, 0);
    assert_non_null(strstr(out, "intact"));
    free(out);
    const char *blobs[] = { "verify", "blobs", "--data", a.dir, NULL };
    rc = th_run(blobs, &out);
    if (0 != rc || NULL == strstr(out, "0 missing, 0 corrupt")) {
        print_error("verify blobs: exit %d: %s\n", rc, out);
    }
    assert_int_equal(rc, 0);
    assert_non_null(strstr(out, "0 missing, 0 corrupt"));
    assert_non_null(strstr(out, "0 orphan blobs"));
    free(out);
}

int
main(int argc, char **argv)
{
    if (!th_init(argc, argv)) {
        return 1;
    }
    /* WM_TEST_CLUSTER_SQLITE=1 runs it on one SQLite file shared by the two processes
    ** (to debug the test itself without PostgreSQL). */
    if (!th_store_pg() && NULL == getenv("WM_TEST_CLUSTER_SQLITE")) {
        printf("two servers need the PostgreSQL store (WM_TEST_STORE=pg): skipped\n");
        th_done();
        return 77;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_session_on_both),
        cmocka_unit_test(test_uploads_through_both),
        cmocka_unit_test(test_verify_after),
    };
    int failed = cmocka_run_group_tests(tests, cluster_setup, cluster_teardown);
    th_done();
    return failed || th_teardown_failures ? 1 : 0;
}

/* end of test_http_cluster.c */
