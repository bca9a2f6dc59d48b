/*
** test_http_archive.c — the electronic creation archive (issue 4) over real HTTP, against
** `wenming serve --demo`.
**
** Groups, each with its own server and data directory:
**   archive  uploads (one, several, concurrent, the same file twice), the bad input of the
**            issue (0 bytes, an executable named .pdf, hostile file names, truncated
**            multipart, no boundary), scope by role and
**            department, downloads with Range, versions, metadata, move, order, trash,
**            completeness, the standard package (export → read with libarchive → import
**            into another unit → byte-identical) and hostile packages (zip-slip, not a ZIP)
**   limit    a server with upload_max = 100000: a larger file is refused with 413 and
**            nothing is stored
**   disconnect  a server with connection_timeout = 2: clients that go away mid-upload
**            leave no temp file and no document
**
** Each test works in a year of its own, so its serials start at 01 whatever ran before.
** Demo data (src/core/init.c): unit 市司法局 DEMO001 (unitadmin; member of 办公室; leader),
** DEMO002 another unit of the city; the archive takes the newest demo standard, whose leaf
** 1.1.1 belongs to 办公室, 1.1.2 to 办公室 and 人教科, 2.1.1 to 人教科, 1.1.3 to nobody.
*/
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <ftw.h>
#include <locale.h>
#include <poll.h>
#include <sodium.h>

/* cmocka.h needs these before it (clang-format would sort them after it). */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
/* clang-format on */

#include "harness.h"

static struct th_server srv;
static struct th_cred admin, office, unitadmin, member, leader;
static int64_t unit1, unit2; /* DEMO001 市司法局, DEMO002 */

/* ---------------------------------------------------------------- bytes */

static void
sha256_hex(const void *p, size_t n, char out[65])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, p, n);
    for (size_t i = 0; i < sizeof h; i++) {
        snprintf(out + 2 * i, 3, "%02x", h[i]);
    }
}

static struct bytes
file_read(const char *path)
{
    struct bytes b = { 0 };
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        bytes_add(&b, chunk, n);
    }
    fclose(f);
    return b;
}

static struct th_resp *
api(const char *method, const char *path, const struct th_cred *c, json_t *body_steal)
{
    char *body = body_steal ? th_jdump(body_steal) : NULL;
    struct th_resp *r = th_api(&srv, method, path, c, th_auth(c), body);
    free(body);
    return r;
}

static void
leaf_path(char *out, size_t len, int64_t unit, int year, const char *leaf, const char *what)
{
    snprintf(out, len, "/api/v1/units/%lld/archives/%d/indicators/%s/%s", (long long)unit, year,
             leaf, what);
}

/* Upload files into a leaf as c, with fields ("name", "value", ..., NULL). */
static struct th_resp *
upload(const struct th_cred *c,
       int64_t unit,
       int year,
       const char *leaf,
       const struct th_file *files,
       size_t n,
       const char *const *fields)
{
    char path[200];
    leaf_path(path, sizeof path, unit, year, leaf, "documents");
    return th_upload(&srv, path, c, 0, files, n, fields);
}

/* Upload one file as c and expect 201: the new document's id. */
static int64_t
upload1(const struct th_cred *c,
        int64_t unit,
        int year,
        const char *leaf,
        const char *name,
        const void *data,
        size_t len)
{
    struct th_file f = { .name = name, .data = data, .len = len };
    struct th_resp *r = upload(c, unit, year, leaf, &f, 1, NULL);
    th_assert_status(r, 201);
    int64_t id = th_jint(json_array_get(json_object_get(r->json, "items"), 0), "id");
    th_resp_free(r);
    assert_true(id > 0);
    return id;
}

/* Upload a fresh PDF tagged tag: its id. */
static int64_t
upload_pdf(const struct th_cred *c, int64_t unit, int year, const char *leaf, const char *name)
{
    struct bytes b = pdf_make(name, 200);
    int64_t id = upload1(c, unit, year, leaf, name, b.p, b.n);
    free(b.p);
    return id;
}

/* The documents of a leaf (as admin), in serial order: a new reference. */
static json_t *
leaf_docs(int64_t unit, int year, const char *leaf)
{
    char path[200];
    leaf_path(path, sizeof path, unit, year, leaf, "documents");
    struct th_resp *r = api("GET", path, &admin, NULL);
    th_assert_status(r, 200);
    json_t *items = json_incref(json_object_get(r->json, "items"));
    th_resp_free(r);
    assert_true(json_is_array(items));
    return items;
}

/* The serial of document id in a leaf listing, 0 when absent. */
static int64_t
serial_of(const json_t *docs, int64_t id)
{
    size_t i;
    json_t *d;
    json_array_foreach(docs, i, d)
    {
        if (th_jint(d, "id") == id) {
            return th_jint(d, "serial");
        }
    }
    return 0;
}

/* The serials of a listing are exactly 1..n in order. */
static void
assert_serials_dense(const json_t *docs)
{
    size_t i;
    json_t *d;
    json_array_foreach(docs, i, d)
    {
        if (th_jint(d, "serial") != (int64_t)i + 1) {
            print_error("serial %lld at position %zu: %s\n", (long long)th_jint(d, "serial"), i,
                        th_jstr(d, "name"));
        }
        assert_int_equal(th_jint(d, "serial"), i + 1);
    }
}

static struct th_resp *
doc_get(const char *what, int64_t id, const struct th_cred *c)
{
    char path[128];
    snprintf(path, sizeof path, "/api/v1/documents/%lld%s", (long long)id, what);
    return api("GET", path, c, NULL);
}

/* GET a document's content with extra request headers (NULL-terminated, may be NULL). */
static struct th_resp *
content_get(int64_t id, const char *query, const char *const *headers)
{
    char path[128];
    snprintf(path, sizeof path, "/api/v1/documents/%lld/content%s", (long long)id,
             query ? query : "");
    struct th_req q = {
        .method = "GET", .path = path, .cred = &admin, .flags = TH_BEARER, .headers = headers
    };
    return th_do(&srv, &q);
}

static void
assert_alive(void)
{
    struct th_resp *r = api("GET", "/api/v1/me", &admin, NULL);
    th_assert_status(r, 200);
    th_resp_free(r);
}

/* ---------------------------------------------------------------- the data directory */

static unsigned
count_files(const char *dir)
{
    DIR *d = opendir(dir);
    unsigned n = 0;
    struct dirent *e;
    if (NULL == d) {
        return 0;
    }
    while ((e = readdir(d))) {
        n += '.' != e->d_name[0];
    }
    closedir(d);
    return n;
}

static unsigned
tmp_files(void)
{
    char p[PATH_MAX + 16];
    snprintf(p, sizeof p, "%s/blobs/tmp", srv.dir);
    return count_files(p);
}

/* Wait up to ms for blobs/tmp to hold want files: how many it holds. */
static unsigned
tmp_wait(unsigned want, int ms)
{
    unsigned n = tmp_files();
    for (int i = 0; i < ms / 20 && n != want; i++) {
        usleep(20000);
        n = tmp_files();
    }
    return n;
}

/* The data directory's files: stray ones (outside blobs/objects, not the server's own) and
** the objects. */
static unsigned walk_objects, walk_strays;
static char walk_stray[PATH_MAX];
static size_t walk_base;

static bool
is_sha(const char *s)
{
    size_t n = 0;
    for (; s[n]; n++) {
        if (!((s[n] >= '0' && s[n] <= '9') || (s[n] >= 'a' && s[n] <= 'f'))) {
            return false;
        }
    }
    return 64 == n;
}

static int
walk_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    const char *rel = path + walk_base;
    const char *base = path + ftw->base;
    if (FTW_F != flag && FTW_SL != flag) {
        return 0;
    }
    if (0 == strncmp(rel, "/blobs/objects/", 15) && is_sha(base)) {
        walk_objects++;
        return 0;
    }
    /* Thumbnails made in the background: thumbs/ab/cd/<sha>.jpg, and one being written by a
    ** job still running (its atomic write's <sha>.jpg.tmp.XXXXXX, renamed when done). */
    if (0 == strncmp(rel, "/thumbs/", 8) && strlen(base) >= 68 && 0 == strncmp(base + 64, ".jpg", 4) &&
        (68 == strlen(base) || (79 == strlen(base) && 0 == strncmp(base + 68, ".tmp.", 5)))) {
        char sha[65];
        memcpy(sha, base, 64);
        sha[64] = '\0';
        if (is_sha(sha)) {
            return 0;
        }
    }
    /* The text of a file being read for the search index by a job still running (issue 11):
    ** the helper's output in the scratch directory, removed when the job ends. */
    if (0 == strncmp(rel, "/tmp/wenming-extract-", 21)) {
        return 0;
    }
    /* The server's own files at the top: configuration, log, audit anchor, database and its
    ** journals. */
    bool own = 1 == ftw->level &&
               (0 == strcmp(base, "wenming.conf") || 0 == strcmp(base, "server.log") ||
                0 == strncmp(base, "audit-head", 10) ||
                strstr(base, ".db") || strstr(base, ".sqlite") || strstr(base, "-wal") ||
                strstr(base, "-shm") || strstr(base, "-journal"));
    if (!own) {
        walk_strays++;
        snprintf(walk_stray, sizeof walk_stray, "%s", rel);
    }
    return 0;
}

static void
walk_data(void)
{
    walk_objects = walk_strays = 0;
    walk_stray[0] = '\0';
    walk_base = strlen(srv.dir);
    assert_int_equal(nftw(srv.dir, walk_one, 16, FTW_PHYS), 0);
}

static unsigned
object_count(void)
{
    walk_data();
    return walk_objects;
}

/* No file of the data directory is outside the blob store's objects (but the server's own),
** and nothing named like the hostile names appeared next to it. */
static void
assert_no_strays(void)
{
    /* A request's temp file goes when the request completes, just after its answer. */
    assert_int_equal(tmp_wait(0, 2000), 0);
    walk_data();
    if (walk_strays) {
        print_error("stray file in the data directory: %s\n", walk_stray);
    }
    assert_int_equal(walk_strays, 0);
    char p[PATH_MAX + 32];
    struct stat st;
    snprintf(p, sizeof p, "%s/../evil.pdf", srv.dir);
    assert_int_not_equal(stat(p, &st), 0);
    assert_int_not_equal(stat("evil.pdf", &st), 0);
}

/* ---------------------------------------------------------------- raw HTTP */

static int
raw_connect(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)srv.port) };
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_true(fd >= 0);
    assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    return fd;
}

static void
raw_send(int fd, const void *p, size_t n)
{
    const char *c = p;
    while (n) {
        ssize_t w = send(fd, c, n, MSG_NOSIGNAL);
        assert_true(w > 0);
        c += w;
        n -= (size_t)w;
    }
}

/* The head of a multipart upload request into a leaf with the given Content-Type and
** Content-Length. */
static void
raw_head(struct bytes *req, int year, const char *leaf, const char *ctype, size_t clen)
{
    char path[200];
    leaf_path(path, sizeof path, unit1, year, leaf, "documents");
    bytes_addf(req,
               "POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer %s\r\n"
               "Content-Type: %s\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n",
               path, unitadmin.token, ctype, clen);
}

/* ---------------------------------------------------------------- setup */

static int
archive_setup(void **state)
{
    (void)state;
    if (th_server_create(&srv, NULL) || th_server_start(&srv, NULL)) {
        return -1;
    }

    struct {
        const char *user;
        struct th_cred *c;
    } who[] = { { "admin", &admin },
                { "office", &office },
                { "unitadmin", &unitadmin },
                { "member", &member },
                { "leader", &leader } };

    for (size_t i = 0; i < sizeof who / sizeof who[0]; i++) {
        if (201 != th_login(&srv, who[i].user, TH_DEMO_PW, who[i].c) ||
            th_make_token(&srv, who[i].c, "archive") <= 0) {
            return -1;
        }
    }
    unit1 = th_unit_id(&srv, &admin, "DEMO001");
    unit2 = th_unit_id(&srv, &admin, "DEMO002");
    /* The years the tests work in: archives are created explicitly, never by opening one. */
    for (int year = 2001; year <= 2016; year++) {
        if (!th_archive_create(&srv, &admin, unit1, year) ||
            !th_archive_create(&srv, &admin, unit2, year)) {
            return -1;
        }
    }
    return unit1 && unit2 ? 0 : -1;
}

static int
group_teardown(void **state)
{
    (void)state;
    return th_server_finish(&srv);
}

static void
test_graceful_stop(void **state)
{
    (void)state;
    assert_int_equal(th_server_stop(&srv), 0);
}

/* ---------------------------------------------------------------- uploads */

static void
test_upload_pdf(void **state)
{
    (void)state;
    const int year = 2001;
    struct bytes pdf = pdf_make("主题", 1000);
    char sha[65];
    sha256_hex(pdf.p, pdf.n, sha);
    struct th_file f = { .name = "会议纪要.pdf", .data = pdf.p, .len = pdf.n };
    const char *fields[] = { "title",     "主题",   "date_formed", "2026-03-01",   "keywords",
                             "动员;规划", "author", "办公室 张三", "dept",         "办公室",
                             "retention", "30年",   "remarks",     "第一次\n会议", NULL };
    struct th_resp *r = upload(&unitadmin, unit1, year, "1.1.1", &f, 1, fields);
    th_assert_status(r, 201);
    json_t *d = json_array_get(json_object_get(r->json, "items"), 0);
    assert_int_equal(json_array_size(json_object_get(r->json, "items")), 1);
    assert_string_equal(th_jstr(d, "name"), "01:主题");
    assert_string_equal(th_jstr(d, "archival_code"), "DEMO001-2001-1.1.1-01");
    assert_string_equal(th_jstr(d, "title"), "主题");
    assert_string_equal(th_jstr(d, "date_formed"), "2026-03-01");
    assert_string_equal(th_jstr(d, "keywords"), "动员;规划");
    assert_string_equal(th_jstr(d, "author"), "办公室 张三");
    assert_string_equal(th_jstr(d, "dept"), "办公室");
    assert_string_equal(th_jstr(d, "retention"), "30年");
    assert_string_equal(th_jstr(d, "remarks"), "第一次\n会议");
    assert_string_equal(th_jstr(d, "media"), "text");
    assert_string_equal(th_jstr(d, "mime"), "application/pdf");
    assert_string_equal(th_jstr(d, "filename"), "会议纪要.pdf");
    assert_string_equal(th_jstr(d, "sha"), sha);
    assert_int_equal(th_jint(d, "size"), pdf.n);
    assert_int_equal(th_jint(d, "version"), 1);
    int64_t id = th_jint(d, "id");
    th_resp_free(r);

    /* Without a title, the file name without its extension. */
    int64_t id2 = upload_pdf(&unitadmin, unit1, year, "1.1.1", "创建动员会照片说明.pdf");
    r = doc_get("", id2, &unitadmin);
    th_assert_status(r, 200);
    assert_string_equal(th_jstr(r->json, "name"), "02:创建动员会照片说明");
    assert_string_equal(th_jstr(r->json, "archival_code"), "DEMO001-2001-1.1.1-02");
    th_resp_free(r);

    /* The document reads back, for the leader too (a reader of the unit). */
    r = doc_get("", id, &leader);
    th_assert_status(r, 200);
    assert_string_equal(th_jstr(r->json, "name"), "01:主题");
    th_resp_free(r);
    r = content_get(id, NULL, NULL);
    th_assert_status(r, 200);
    assert_int_equal(r->len, pdf.n);
    assert_memory_equal(r->body, pdf.p, pdf.n);
    th_resp_free(r);
    free(pdf.p);
}

static void
test_upload_several(void **state)
{
    (void)state;
    const int year = 2002;
    struct bytes a = pdf_make("甲", 300), b = pdf_make("乙", 300), c = pdf_make("丙", 300);
    struct th_file f[] = { { .name = "甲.pdf", .data = a.p, .len = a.n },
                           { .name = "乙.pdf", .data = b.p, .len = b.n },
                           { .name = "丙.pdf", .data = c.p, .len = c.n } };
    /* A title for several files is not used: each is titled by its own name. */
    const char *fields[] = { "title", "同一主题", "keywords", "批量", NULL };
    struct th_resp *r = upload(&unitadmin, unit1, year, "1.1.1", f, 3, fields);
    th_assert_status(r, 201);
    json_t *items = json_object_get(r->json, "items");
    assert_int_equal(json_array_size(items), 3);
    static const char *const names[] = { "01:甲", "02:乙", "03:丙" };
    for (size_t i = 0; i < 3; i++) {
        json_t *d = json_array_get(items, i);
        assert_string_equal(th_jstr(d, "name"), names[i]);
        assert_int_equal(th_jint(d, "serial"), i + 1);
        assert_string_equal(th_jstr(d, "keywords"), "批量");
    }
    assert_string_equal(th_jstr(json_array_get(items, 2), "archival_code"),
                        "DEMO001-2002-1.1.1-03");
    th_resp_free(r);
    json_t *docs = leaf_docs(unit1, year, "1.1.1");
    assert_int_equal(json_array_size(docs), 3);
    assert_serials_dense(docs);
    json_decref(docs);
    free(a.p);
    free(b.p);
    free(c.p);
}

/* A transfer of the concurrent test. */
struct xfer {
    CURL *h;
    curl_mime *mime;
    struct curl_slist *hl;
    struct bytes body;
    struct bytes pdf;
    long status;
};

static size_t
xfer_write(char *p, size_t size, size_t n, void *ud)
{
    bytes_add(ud, p, size * n);
    return size * n;
}

/* Add one multipart upload of f by c to url to the multi handle m. */
static void
xfer_start(CURLM *m, struct xfer *x, const char *url, const struct th_cred *c,
           const struct th_file *f)
{
    char auth[256];
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", c->token);
    x->h = curl_easy_init();
    assert_non_null(x->h);
    x->mime = th_mime_new(x->h, c, TH_BEARER, f, 1, NULL);
    x->hl = curl_slist_append(NULL, auth);
    x->hl = curl_slist_append(x->hl, "Expect:");
    curl_easy_setopt(x->h, CURLOPT_URL, url);
    curl_easy_setopt(x->h, CURLOPT_MIMEPOST, x->mime);
    curl_easy_setopt(x->h, CURLOPT_HTTPHEADER, x->hl);
    curl_easy_setopt(x->h, CURLOPT_WRITEFUNCTION, xfer_write);
    curl_easy_setopt(x->h, CURLOPT_WRITEDATA, &x->body);
    curl_easy_setopt(x->h, CURLOPT_TIMEOUT, 60L);
    curl_easy_setopt(x->h, CURLOPT_NOSIGNAL, 1L);
    curl_multi_add_handle(m, x->h);
}

/* Run every transfer of m to its end. */
static void
xfers_run(CURLM *m)
{
    int running = 1;
    while (running) {
        assert_int_equal(curl_multi_perform(m, &running), CURLM_OK);
        if (running) {
            assert_int_equal(curl_multi_poll(m, NULL, 0, 1000, NULL), CURLM_OK);
        }
    }
}

/* x's status (printed with its body when it is not want); x's handles are released. */
static void
xfer_finish(CURLM *m, struct xfer *x, long want, const char *what, int i)
{
    curl_easy_getinfo(x->h, CURLINFO_RESPONSE_CODE, &x->status);
    if (want != x->status) {
        print_error("%s %d: HTTP %ld %.*s\n", what, i, x->status, (int)x->body.n,
                    x->body.p ? x->body.p : "");
    }
    curl_multi_remove_handle(m, x->h);
    curl_easy_cleanup(x->h);
    curl_mime_free(x->mime);
    curl_slist_free_all(x->hl);
}

static void
test_upload_concurrent(void **state)
{
    (void)state;

    enum {
        N = 8
    };

    const int year = 2003;
    char url[300], path[200];
    struct xfer x[N];
    CURLM *m = curl_multi_init();
    assert_non_null(m);
    /* The archive exists first: the test is about the serials, not its creation. */
    snprintf(path, sizeof path, "/api/v1/units/%lld/archives/%d", (long long)unit1, year);
    struct th_resp *r = api("GET", path, &unitadmin, NULL);
    th_assert_status(r, 200);
    th_resp_free(r);
    leaf_path(path, sizeof path, unit1, year, "1.1.1", "documents");
    snprintf(url, sizeof url, "%s%s", srv.base, path);
    memset(x, 0, sizeof x);
    for (int i = 0; i < N; i++) {
        char tag[32];
        snprintf(tag, sizeof tag, "并发%d", i);
        x[i].pdf = pdf_make(tag, 200000); /* large enough to overlap in the server */
        struct th_file f = { .name = tag, .data = x[i].pdf.p, .len = x[i].pdf.n };
        xfer_start(m, &x[i], url, &member, &f);
    }
    xfers_run(m);
    int64_t ids[N];
    for (int i = 0; i < N; i++) {
        xfer_finish(m, &x[i], 201, "upload", i);
        assert_int_equal(x[i].status, 201);
        json_t *j = json_loadb(x[i].body.p, x[i].body.n, 0, NULL);
        ids[i] = th_jint(json_array_get(json_object_get(j, "items"), 0), "id");
        json_decref(j);
        free(x[i].body.p);
        free(x[i].pdf.p);
    }
    curl_multi_cleanup(m);
    json_t *docs = leaf_docs(unit1, year, "1.1.1");
    assert_int_equal(json_array_size(docs), N);
    assert_serials_dense(docs);
    for (int i = 0; i < N; i++) {
        assert_true(serial_of(docs, ids[i]) >= 1);
        for (int k = 0; k < i; k++) {
            assert_true(ids[k] != ids[i]);
        }
    }
    json_decref(docs);
}

static void
test_same_file_twice(void **state)
{
    (void)state;
    const int year = 2004;
    struct bytes pdf = pdf_make("同一文件", 5000);
    char sha[65], obj[PATH_MAX + 200];
    sha256_hex(pdf.p, pdf.n, sha);
    unsigned before = object_count();
    int64_t a = upload1(&unitadmin, unit1, year, "1.1.1", "一.pdf", pdf.p, pdf.n);
    int64_t b = upload1(&unitadmin, unit1, year, "1.1.1", "二.pdf", pdf.p, pdf.n);
    assert_true(a != b);
    struct th_resp *ra = doc_get("", a, &unitadmin), *rb = doc_get("", b, &unitadmin);
    th_assert_status(ra, 200);
    th_assert_status(rb, 200);
    assert_string_equal(th_jstr(ra->json, "sha"), sha);
    assert_string_equal(th_jstr(rb->json, "sha"), sha);
    assert_string_equal(th_jstr(ra->json, "name"), "01:一");
    assert_string_equal(th_jstr(rb->json, "name"), "02:二");
    th_resp_free(ra);
    th_resp_free(rb);
    /* One blob, at its content address. */
    assert_int_equal(object_count(), before + 1);
    snprintf(obj, sizeof obj, "%s/blobs/objects/%.2s/%.2s/%s", srv.dir, sha, sha + 2, sha);
    struct bytes stored = file_read(obj);
    assert_int_equal(stored.n, pdf.n);
    assert_memory_equal(stored.p, pdf.p, pdf.n);
    free(stored.p);
    free(pdf.p);
}

/* ---------------------------------------------------------------- bad input */

static void
test_empty_file(void **state)
{
    (void)state;
    const int year = 2005;
    unsigned before = object_count();
    struct th_file f = { .name = "空.pdf", .data = "", .len = 0 };
    struct th_resp *r = upload(&unitadmin, unit1, year, "1.1.1", &f, 1, NULL);
    th_assert_error(r, 400, "bad_request", "file");
    th_resp_free(r);
    /* No file at all is refused too. */
    const char *fields[] = { "title", "没有文件", NULL };
    r = upload(&unitadmin, unit1, year, "1.1.1", NULL, 0, fields);
    th_assert_error(r, 400, "bad_request", "file");
    th_resp_free(r);
    json_t *docs = leaf_docs(unit1, year, "1.1.1");
    assert_int_equal(json_array_size(docs), 0);
    json_decref(docs);
    assert_int_equal(object_count(), before);
    assert_int_equal(tmp_wait(0, 2000), 0);
}

static void
test_executable_named_pdf(void **state)
{
    (void)state;
    const int year = 2005;
    unsigned before = object_count();
    struct bytes exe = file_read(th_bin());
    struct th_file f = { .name = "报告.pdf", .data = exe.p, .len = exe.n };
    struct th_resp *r = upload(&unitadmin, unit1, year, "1.1.2", &f, 1, NULL);
    th_assert_error(r, 415, "unsupported_media", "file");
    /* The message names the type found in the bytes, in words a person knows, and the one
    ** the name claims; no media type codes. */
    const char *msg = th_jstr(json_object_get(r->json, "error"), "message");
    if (NULL == strstr(msg, "文件内容是 Linux 可执行程序，不是 PDF 文档") ||
        strstr(msg, "application/")) {
        print_error("415 message does not say the detected type in words: %s\n", msg);
        fail();
    }
    th_resp_free(r);
    /* With a good file in the same request: nothing of it is stored either. */
    struct bytes pdf = pdf_make("好文件", 300);
    struct th_file two[] = { { .name = "好.pdf", .data = pdf.p, .len = pdf.n },
                             { .name = "坏.pdf", .data = exe.p, .len = exe.n } };
    r = upload(&unitadmin, unit1, year, "1.1.2", two, 2, NULL);
    th_assert_error(r, 415, "unsupported_media", "file");
    th_resp_free(r);
    json_t *docs = leaf_docs(unit1, year, "1.1.2");
    assert_int_equal(json_array_size(docs), 0);
    json_decref(docs);
    assert_int_equal(object_count(), before);
    assert_int_equal(tmp_wait(0, 2000), 0);
    free(pdf.p);
    free(exe.p);
}

static void
test_hostile_names(void **state)
{
    (void)state;
    const int year = 2005;
    char longname[1200];
    size_t o = 0;
    for (int i = 0; i < 296; i++) { /* 300 characters with ".pdf" */
        const char *ch = i % 2 ? "档" : "a";
        o += (size_t)snprintf(longname + o, sizeof longname - o, "%s", ch);
    }
    snprintf(longname + o, sizeof longname - o, ".pdf");

    static const struct {
        const char *name;     /* sent */
        const char *filename; /* expected metadata name (NULL: only checked to be safe) */
        const char *title;    /* expected title (NULL: only checked) */
    } cases[] = {
        { "../../evil.pdf", "evil.pdf", "evil" },
        { "..\\..\\evil.pdf", "evil.pdf", "evil" },
        { "/etc/evil.pdf", "evil.pdf", "evil" },
        { "a\x01"
          "b\x1f"
          "c.pdf",
          "a_b_c.pdf", "a_b_c" },
        { "报告😀🎉.pdf", "报告😀🎉.pdf", "报告😀🎉" },
        { "創建檔案与检查报告.pdf", "創建檔案与检查报告.pdf", "創建檔案与检查报告" },
        { NULL, NULL, NULL }, /* the long name */
    };

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *name = cases[i].name ? cases[i].name : longname;
        struct bytes pdf = pdf_make(name, 200);
        struct th_file f = { .name = name, .data = pdf.p, .len = pdf.n };
        struct th_resp *r = upload(&unitadmin, unit1, year, "1.1.3", &f, 1, NULL);
        th_assert_status(r, 201);
        json_t *d = json_array_get(json_object_get(r->json, "items"), 0);
        const char *fn = th_jstr(d, "filename"), *title = th_jstr(d, "title");
        if (cases[i].filename) {
            assert_string_equal(fn, cases[i].filename);
        }
        if (cases[i].title) {
            assert_string_equal(title, cases[i].title);
        } else {
            /* a long name gives its first 200 characters as the title, not 未命名 */
            size_t chars = 0;
            for (const char *p = title; *p; p++) {
                chars += 0x80 != ((unsigned char)*p & 0xc0);
            }
            assert_int_equal(chars, 200);
            assert_memory_equal(title, longname, strlen(title));
        }
        /* Always text: no separators, no controls, a bounded length, a title. */
        assert_null(strchr(fn, '/'));
        assert_null(strchr(fn, '\\'));
        for (const char *p = fn; *p; p++) {
            assert_true((unsigned char)*p >= 0x20 && 0x7f != *p);
        }
        assert_true(strlen(fn) <= 600);
        assert_true(title[0] != '\0' && strlen(title) <= 800);
        /* The content reads back whatever the name was. */
        struct th_resp *c = content_get(th_jint(d, "id"), NULL, NULL);
        th_assert_status(c, 200);
        assert_int_equal(c->len, pdf.n);
        assert_memory_equal(c->body, pdf.p, pdf.n);
        const char *cd = th_header(c, "Content-Disposition");
        assert_non_null(cd);
        assert_non_null(strstr(cd, "filename*=UTF-8''"));
        assert_null(strchr(strstr(cd, "filename*=UTF-8''") + 17, '/'));
        th_resp_free(c);
        th_resp_free(r);
        free(pdf.p);
    }
    json_t *docs = leaf_docs(unit1, year, "1.1.3");
    assert_int_equal(json_array_size(docs), sizeof cases / sizeof cases[0]);
    assert_serials_dense(docs);
    json_decref(docs);

    /* A NUL inside the quoted file name (only a raw request can send it). */
    struct bytes body = { 0 }, req = { 0 };
    static const char nul_name[] = "nul\0evil.pdf";
    struct bytes pdf = pdf_make("nul", 200);
    bytes_addf(&body, "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"");
    bytes_add(&body, nul_name, sizeof nul_name - 1);
    bytes_addf(&body, "\"\r\nContent-Type: application/pdf\r\n\r\n");
    bytes_add(&body, pdf.p, pdf.n);
    bytes_addf(&body, "\r\n--XyZ--\r\n");
    raw_head(&req, year, "1.1.3", "multipart/form-data; boundary=XyZ", body.n);
    bytes_add(&req, body.p, body.n);
    struct th_resp *r = th_raw(&srv, req.p, req.n);
    assert_true(201 == r->status || 400 == r->status);
    if (201 == r->status) {
        const char *fn = th_jstr(json_array_get(json_object_get(r->json, "items"), 0), "filename");
        for (const char *p = fn; *p; p++) {
            assert_true((unsigned char)*p >= 0x20);
        }
        assert_null(strchr(fn, '/'));
    }
    th_resp_free(r);
    free(body.p);
    free(req.p);
    free(pdf.p);
    assert_alive();
    assert_int_equal(tmp_wait(0, 2000), 0);
    assert_no_strays();
}

static void
test_truncated_multipart(void **state)
{
    (void)state;
    const int year = 2005;
    struct bytes pdf = pdf_make("截断", 3000);
    struct bytes body = { 0 }, req = { 0 };
    bytes_addf(&body, "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; "
                      "filename=\"截断.pdf\"\r\nContent-Type: application/pdf\r\n\r\n");
    bytes_add(&body, pdf.p, pdf.n);
    /* The body stops inside the file: no closing boundary ever comes. */
    raw_head(&req, year, "1.2.1", "multipart/form-data; boundary=XyZ", body.n);
    bytes_add(&req, body.p, body.n);
    struct th_resp *r = th_raw(&srv, req.p, req.n);
    th_assert_error(r, 400, "bad_request", NULL);
    th_resp_free(r);
    /* Cut inside the part's headers. */
    req.n = 0;
    raw_head(&req, year, "1.2.1", "multipart/form-data; boundary=XyZ", 40);
    bytes_add(&req, body.p, 40);
    r = th_raw(&srv, req.p, req.n);
    th_assert_error(r, 400, "bad_request", NULL);
    th_resp_free(r);
    /* A multipart Content-Type without its boundary. */
    bytes_addf(&body, "\r\n--XyZ--\r\n");
    req.n = 0;
    raw_head(&req, year, "1.2.1", "multipart/form-data", body.n);
    bytes_add(&req, body.p, body.n);
    r = th_raw(&srv, req.p, req.n);
    th_assert_error(r, 400, "bad_request", NULL);
    th_resp_free(r);
    /* The same body with its boundary is fine: the refusals above were about the form. */
    req.n = 0;
    raw_head(&req, year, "1.2.1", "multipart/form-data; boundary=XyZ", body.n);
    bytes_add(&req, body.p, body.n);
    r = th_raw(&srv, req.p, req.n);
    th_assert_status(r, 201);
    th_resp_free(r);
    json_t *docs = leaf_docs(unit1, year, "1.2.1");
    assert_int_equal(json_array_size(docs), 1);
    json_decref(docs);
    assert_alive();
    assert_int_equal(tmp_wait(0, 2000), 0);
    free(body.p);
    free(req.p);
    free(pdf.p);
}

static void
test_disconnect_mid_upload(void **state)
{
    (void)state;
    const int year = 2005;
    struct bytes pdf = pdf_make("断开", 400000);
    struct bytes body = { 0 }, req = { 0 };
    bytes_addf(&body, "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; "
                      "filename=\"断开.pdf\"\r\nContent-Type: application/pdf\r\n\r\n");
    bytes_add(&body, pdf.p, pdf.n);
    /* Announce 20 MB, send the head and 400 KB, then go away; three times. */
    raw_head(&req, year, "1.2.2", "multipart/form-data; boundary=XyZ", 20u << 20);
    bytes_add(&req, body.p, body.n);
    char path[96];
    snprintf(path, sizeof path, "/api/v1/units/%lld/archives/%d", (long long)unit1, year);
    struct th_resp *r = api("GET", path, &unitadmin, NULL); /* the year's archive */
    th_assert_status(r, 200);
    th_resp_free(r);
    unsigned before = object_count();
    for (int round = 0; round < 3; round++) {
        int fd = raw_connect();
        raw_send(fd, req.p, req.n);
        /* The upload is under way: its temp file exists. */
        assert_int_equal(tmp_wait(1, 3000), 1);
        close(fd);
        /* The temp file goes away, no document and no object appear.  The server should
        ** notice at once; libmicrohttpd 0.9.75 (epoll, thread pool) sometimes misses a close
        ** that arrives while it is still reading a burst and keeps the connection in
        ** CLOSE-WAIT until connection_timeout (2 s in this group), so allow for that. */
        if (0 != tmp_wait(0, 1000)) {
            print_message("note: the server noticed the client's close only by the connection "
                          "timeout (round %d)\n",
                          round);
            assert_int_equal(tmp_wait(0, 6000), 0);
        }
        json_t *docs = leaf_docs(unit1, year, "1.2.2");
        assert_int_equal(json_array_size(docs), 0);
        json_decref(docs);
        assert_int_equal(object_count(), before);
    }
    assert_alive();
    free(body.p);
    free(req.p);
    free(pdf.p);
}

/* ---------------------------------------------------------------- scope */

static void
test_scope(void **state)
{
    (void)state;
    const int year = 2006;
    struct bytes pdf = pdf_make("权限", 300);
    struct th_file f = { .name = "权限.pdf", .data = pdf.p, .len = pdf.n };
    /* The unit's archivist creates the year's archive. */
    int64_t own = upload1(&unitadmin, unit1, year, "2.1.1", "人教科.pdf", pdf.p, pdf.n);
    /* The member (办公室) writes in 1.1.1 and 1.1.2, not in 人教科's 2.1.1 nor in 1.1.3. */
    struct th_resp *r = upload(&member, unit1, year, "2.1.1", &f, 1, NULL);
    th_assert_error(r, 403, "forbidden", NULL);
    th_resp_free(r);
    r = upload(&member, unit1, year, "1.1.3", &f, 1, NULL);
    th_assert_error(r, 403, "forbidden", NULL);
    th_resp_free(r);
    int64_t mine = upload1(&member, unit1, year, "1.1.2", "办公室.pdf", pdf.p, pdf.n);
    (void)upload1(&member, unit1, year, "1.1.1", "办公室2.pdf", pdf.p, pdf.n);
    /* ... nor edits, moves or deletes a document of another department's leaf. */
    char path[128];
    snprintf(path, sizeof path, "/api/v1/documents/%lld", (long long)own);
    r = api("PATCH", path, &member, json_pack("{s:s}", "keywords", "x"));
    th_assert_error(r, 403, "forbidden", NULL);
    th_resp_free(r);
    r = api("DELETE", path, &member, NULL);
    th_assert_error(r, 403, "forbidden", NULL);
    th_resp_free(r);
    snprintf(path, sizeof path, "/api/v1/documents/%lld/move", (long long)mine);
    r = api("POST", path, &member, json_pack("{s:s}", "code", "2.1.1"));
    th_assert_error(r, 403, "forbidden", NULL);
    th_resp_free(r);
    /* The leader reads but never writes. */
    r = upload(&leader, unit1, year, "1.1.1", &f, 1, NULL);
    th_assert_error(r, 403, "forbidden", NULL);
    th_resp_free(r);
    r = doc_get("/content", own, &leader);
    th_assert_status(r, 200);
    th_resp_free(r);
    /* Another unit's archive does not exist for the unit's people. */
    r = upload(&unitadmin, unit2, year, "1.1.1", &f, 1, NULL);
    th_assert_error(r, 404, "not_found", NULL);
    th_resp_free(r);
    r = upload(&member, unit2, year, "1.1.1", &f, 1, NULL);
    th_assert_error(r, 404, "not_found", NULL);
    th_resp_free(r);
    snprintf(path, sizeof path, "/api/v1/units/%lld/archives/%d", (long long)unit2, year);
    r = api("GET", path, &unitadmin, NULL);
    th_assert_error(r, 404, "not_found", NULL);
    th_resp_free(r);
    /* A code that is not a leaf of the edition, and a year out of range. */
    r = upload(&unitadmin, unit1, year, "1.1", &f, 1, NULL);
    th_assert_error(r, 404, "not_found", NULL);
    th_resp_free(r);
    r = upload(&unitadmin, unit1, year, "9.9.9", &f, 1, NULL);
    th_assert_error(r, 404, "not_found", NULL);
    th_resp_free(r);
    r = upload(&unitadmin, unit1, 1800, "1.1.1", &f, 1, NULL);
    th_assert_error(r, 404, "not_found", NULL);
    th_resp_free(r);
    /* A leader cannot open a year nobody has started. */
    snprintf(path, sizeof path, "/api/v1/units/%lld/archives/%d", (long long)unit1, year + 50);
    r = api("GET", path, &leader, NULL);
    th_assert_error(r, 404, "not_found", NULL);
    th_resp_free(r);
    /* The office reads the unit's documents. */
    r = doc_get("", mine, &office);
    th_assert_status(r, 200);
    th_resp_free(r);
    free(pdf.p);
}

/* ---------------------------------------------------------------- documents */

/* An image gets a JPEG thumbnail, made in the background; until then, and for a PDF
** without poppler's help, the answer is the document icon. */
static void
test_thumbnail(void **state)
{
    (void)state;
    static const unsigned char png[] = { 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4, 0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0xda, 0x63, 0xfc, 0xcf, 0xc0, 0x50, 0x0f, 0x00, 0x04, 0x85, 0x01, 0x80, 0x84, 0xa9, 0x8c, 0x21, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82 };
    int64_t id = upload1(&unitadmin, unit1, 2002, "1.1.1", "照片.png", png, sizeof png);
    struct th_resp *r = NULL;
    bool jpeg = false;
    for (int i = 0; i < 1200 && !jpeg; i++) { /* up to 60 s: slow under sanitizers and load */
        th_resp_free(r);
        r = doc_get("/thumbnail", id, &unitadmin);
        th_assert_status(r, 200);
        const char *ct = th_header(r, "Content-Type");
        jpeg = ct && 0 == strcmp(ct, "image/jpeg");
        if (!jpeg) {
            assert_string_equal(ct, "image/svg+xml");
            usleep(50000);
        }
    }
    assert_true(jpeg);
    assert_true(r->len > 3);
    assert_int_equal((unsigned char)r->body[0], 0xFF); /* JPEG SOI */
    assert_int_equal((unsigned char)r->body[1], 0xD8);
    th_resp_free(r);
}

/* Every access to a document is audited; a later part of the same file is not a new one. */
static void
test_download_audited(void **state)
{
    (void)state;
    struct bytes pdf = pdf_make("审计", 3000);
    int64_t id = upload1(&unitadmin, unit1, 2003, "1.1.1", "审计.pdf", pdf.p, pdf.n);
    free(pdf.p);
    struct th_resp *r = content_get(id, NULL, NULL);
    th_assert_status(r, 200);
    th_resp_free(r);
    const char *later[] = { "Range: bytes=100-200", NULL };
    r = content_get(id, NULL, later);
    th_assert_status(r, 206);
    th_resp_free(r);
    r = th_api(&srv, "GET", "/api/v1/audit?action=document.download&limit=200", &admin, TH_BEARER, NULL);
    th_assert_status(r, 200);
    size_t hits = 0, i;
    json_t *e;
    json_array_foreach(json_object_get(r->json, "items"), i, e)
    {
        hits += th_jint(e, "object_id") == id;
    }
    assert_int_equal(hits, 1);
    th_resp_free(r);
}

/* A full disk: the upload answers 503 with the cause, and nothing is left behind. */
static void
test_disk_full(void **state)
{
    (void)state;
    struct th_server full;
    const char *env[] = {"WENMING_TEST_FAULT=disk-full", NULL};
    assert_int_equal(th_server_create(&full, NULL), 0);
    assert_int_equal(th_server_start(&full, env), 0);
    struct th_cred ua;
    memset(&ua, 0, sizeof ua);
    th_login_full(&full, "unitadmin", TH_DEMO_PW, &ua);
    struct bytes pdf = pdf_make("满盘", 200000);
    struct th_file f = { .name = "满盘.pdf", .data = pdf.p, .len = pdf.n };
    assert_true(th_archive_create(&full, &ua, ua.org_id, 2004));
    char path[200];
    snprintf(path, sizeof path, "/api/v1/units/%lld/archives/2004/indicators/1.1.1/documents",
             (long long)ua.org_id);
    struct th_resp *r = th_upload(&full, path, &ua, 0, &f, 1, NULL);
    th_assert_error(r, 503, "unavailable", "file");
    assert_non_null(strstr(th_jstr(json_object_get(r->json, "error"), "message"), "磁盘空间不足"));
    th_resp_free(r);
    free(pdf.p);
    /* nothing in the leaf, nothing in the store */
    snprintf(path, sizeof path, "/api/v1/units/%lld/archives/2004/indicators/1.1.1/documents",
             (long long)ua.org_id);
    r = th_api(&full, "GET", path, &ua, TH_BEARER, NULL);
    th_assert_status(r, 200);
    assert_int_equal(json_array_size(json_object_get(r->json, "items")), 0);
    th_resp_free(r);
    char cmd[PATH_MAX + 64];
    snprintf(cmd, sizeof cmd, "test -z \"$(find '%s/blobs' -type f)\"", full.dir);
    assert_int_equal(system(cmd), 0);
    assert_int_equal(th_server_stop(&full), 0);
    th_server_destroy(&full);
}

static void
test_range(void **state)
{
    (void)state;
    const int year = 2007;
    struct bytes pdf = pdf_make("范围", 5000);
    /* A PDF named .txt: the type comes from the bytes. */
    int64_t id = upload1(&unitadmin, unit1, year, "1.1.1", "说明 文件.txt", pdf.p, pdf.n);
    struct th_resp *r = content_get(id, NULL, NULL);
    th_assert_status(r, 200);
    assert_int_equal(r->len, pdf.n);
    assert_memory_equal(r->body, pdf.p, pdf.n);
    assert_string_equal(th_header(r, "Content-Type"), "application/pdf");
    assert_string_equal(th_header(r, "Accept-Ranges"), "bytes");
    const char *cd = th_header(r, "Content-Disposition");
    assert_non_null(cd);
    assert_non_null(strstr(cd, "attachment"));
    /* the document's name with the extension of its type, never the client's .txt */
    assert_non_null(strstr(cd, "filename*=UTF-8''%E8%AF%B4%E6%98%8E%20%E6%96%87%E4%BB%B6.pdf"));
    assert_non_null(strstr(cd, "filename=\"DEMO001-2007-1.1.1-"));
    th_resp_free(r);

    char want[96];
    const char *h1[] = { "Range: bytes=0-3", NULL };
    r = content_get(id, NULL, h1);
    th_assert_status(r, 206);
    assert_int_equal(r->len, 4);
    assert_memory_equal(r->body, "%PDF", 4);
    snprintf(want, sizeof want, "bytes 0-3/%zu", pdf.n);
    assert_string_equal(th_header(r, "Content-Range"), want);
    th_resp_free(r);

    const char *h2[] = { "Range: bytes=-4", NULL };
    r = content_get(id, NULL, h2);
    th_assert_status(r, 206);
    assert_int_equal(r->len, 4);
    assert_memory_equal(r->body, pdf.p + pdf.n - 4, 4);
    snprintf(want, sizeof want, "bytes %zu-%zu/%zu", pdf.n - 4, pdf.n - 1, pdf.n);
    assert_string_equal(th_header(r, "Content-Range"), want);
    th_resp_free(r);

    char h3v[64];
    snprintf(h3v, sizeof h3v, "Range: bytes=100-");
    const char *h3[] = { h3v, NULL };
    r = content_get(id, NULL, h3);
    th_assert_status(r, 206);
    assert_int_equal(r->len, pdf.n - 100);
    assert_memory_equal(r->body, pdf.p + 100, pdf.n - 100);
    th_resp_free(r);

    snprintf(h3v, sizeof h3v, "Range: bytes=%zu-", pdf.n);
    r = content_get(id, NULL, h3);
    th_assert_status(r, 416);
    snprintf(want, sizeof want, "bytes */%zu", pdf.n);
    assert_string_equal(th_header(r, "Content-Range"), want);
    th_resp_free(r);
    const char *h4[] = { "Range: bytes=9-3", NULL };
    r = content_get(id, NULL, h4);
    th_assert_status(r, 416);
    th_resp_free(r);

    /* Inline for the preview. */
    r = content_get(id, "?inline=1", NULL);
    th_assert_status(r, 200);
    assert_true(0 == strncmp(th_header(r, "Content-Disposition"), "inline", 6));
    th_resp_free(r);
    /* HEAD agrees with GET and sends no body; the connection stays usable. */
    char path[96];
    snprintf(path, sizeof path, "/api/v1/documents/%lld/content", (long long)id);
    r = th_api(&srv, "HEAD", path, &admin, TH_BEARER, NULL);
    th_assert_status(r, 200);
    assert_int_equal(r->len, 0);
    th_resp_free(r);
    assert_alive();
    free(pdf.p);
}

static void
test_versions(void **state)
{
    (void)state;
    const int year = 2008;
    struct bytes v1 = pdf_make("第一版", 700), v2 = pdf_make("第二版", 900);
    int64_t id = upload1(&unitadmin, unit1, year, "1.1.1", "方案.pdf", v1.p, v1.n);
    char path[128];
    snprintf(path, sizeof path, "/api/v1/documents/%lld/versions", (long long)id);
    struct th_file f = { .name = "方案(修订).pdf", .data = v2.p, .len = v2.n };
    struct th_resp *r = th_upload(&srv, path, &member, 0, &f, 1, NULL);
    th_assert_status(r, 201);
    assert_int_equal(th_jint(r->json, "version"), 2);
    assert_string_equal(th_jstr(r->json, "name"), "01:方案"); /* the title stays */
    th_resp_free(r);
    r = api("GET", path, &leader, NULL);
    th_assert_status(r, 200);
    json_t *items = json_object_get(r->json, "items");
    assert_int_equal(json_array_size(items), 2);
    char s1[65], s2[65];
    sha256_hex(v1.p, v1.n, s1);
    sha256_hex(v2.p, v2.n, s2);
    for (size_t i = 0; i < 2; i++) {
        json_t *v = json_array_get(items, i);
        assert_string_equal(th_jstr(v, "sha"), 2 == th_jint(v, "version") ? s2 : s1);
    }
    th_resp_free(r);
    r = content_get(id, NULL, NULL);
    th_assert_status(r, 200);
    assert_int_equal(r->len, v2.n);
    assert_memory_equal(r->body, v2.p, v2.n);
    th_resp_free(r);
    r = content_get(id, "?version=1", NULL);
    th_assert_status(r, 200);
    assert_int_equal(r->len, v1.n);
    assert_memory_equal(r->body, v1.p, v1.n);
    assert_non_null(strstr(th_header(r, "Content-Disposition"), "%E6%96%B9%E6%A1%88.pdf"));
    th_resp_free(r);
    r = content_get(id, "?version=3", NULL);
    th_assert_error(r, 404, "not_found", "version");
    th_resp_free(r);
    r = content_get(id, "?version=abc", NULL);
    th_assert_error(r, 400, "bad_request", "version");
    th_resp_free(r);
    /* One file per new version; not an executable either. */
    struct th_file two[] = { f, f };
    r = th_upload(&srv, path, &unitadmin, 0, two, 2, NULL);
    th_assert_error(r, 400, "bad_request", "file");
    th_resp_free(r);
    struct th_file empty = { .name = "空.pdf", .data = "", .len = 0 };
    r = th_upload(&srv, path, &unitadmin, 0, &empty, 1, NULL);
    th_assert_error(r, 400, "bad_request", "file");
    th_resp_free(r);
    r = th_upload(&srv, path, &leader, 0, &f, 1, NULL);
    th_assert_error(r, 403, "forbidden", NULL);
    th_resp_free(r);
    r = api("GET", path, &admin, NULL);
    assert_int_equal(json_array_size(json_object_get(r->json, "items")), 2);
    th_resp_free(r);
    free(v1.p);
    free(v2.p);
}

static void
test_patch(void **state)
{
    (void)state;
    const int year = 2009;
    int64_t id = upload_pdf(&unitadmin, unit1, year, "1.1.1", "旧题.pdf");
    char path[96];
    snprintf(path, sizeof path, "/api/v1/documents/%lld", (long long)id);
    struct th_resp *r = api("PATCH", path, &member,
                            json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "title", "新的主题",
                                      "date_formed", "2024-02-29", "keywords", "学习", "retention",
                                      "10年", "author", "李四", "media", "photo"));
    th_assert_status(r, 200);
    assert_string_equal(th_jstr(r->json, "name"), "01:新的主题");
    assert_string_equal(th_jstr(r->json, "date_formed"), "2024-02-29");
    assert_string_equal(th_jstr(r->json, "keywords"), "学习");
    assert_string_equal(th_jstr(r->json, "retention"), "10年");
    assert_string_equal(th_jstr(r->json, "author"), "李四");
    assert_string_equal(th_jstr(r->json, "media"), "photo");
    th_resp_free(r);

    static const struct {
        const char *field, *value;
    } bad[] = { { "date_formed", "2026-02-30" },
                { "date_formed", "2023-02-29" },
                { "date_formed", "2026/03/01" },
                { "date_formed", "20260301" },
                { "retention", "5年" },
                { "retention", "forever" },
                { "media", "video" },
                { "title", "" } };

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        r = api("PATCH", path, &unitadmin, json_pack("{s:s}", bad[i].field, bad[i].value));
        if (0 == strcmp(bad[i].field, "title") && 200 == r->status) {
            /* An empty title may be read as "unchanged": it must not blank the name. */
            assert_string_equal(th_jstr(r->json, "title"), "新的主题");
        } else {
            th_assert_error(r, 400, "bad_request", bad[i].field);
        }
        th_resp_free(r);
    }
    r = api("PATCH", path, &unitadmin, json_pack("{s:s}", "title", "控制\x01字符"));
    th_assert_error(r, 400, "bad_request", "title");
    th_resp_free(r);
    /* An upload's refused field is named in words (题名, 责任者, not title, author), the
    ** message in full-width punctuation. */
    {
        struct bytes p1 = pdf_make("字段", 200);
        struct th_file f1 = { .name = "字段.pdf", .data = p1.p, .len = p1.n };
        char author[200];
        size_t alen = 0;
        for (int i = 0; i < 51; i++) { /* 51 × "李" (3 bytes each) */
            memcpy(author + alen, "李", 3);
            alen += 3;
        }
        author[alen] = '\0';
        const char *bad_author[] = { "author", author, NULL };
        const char *bad_title[] = { "title", "控制\x01字符", NULL };
        const char *const *sets[] = { bad_author, bad_title };
        const char *words[] = { "责任者", "题名" };
        for (size_t k = 0; k < 2; k++) {
            r = upload(&unitadmin, unit1, year, "1.1.1", &f1, 1, sets[k]);
            th_assert_error(r, 400, "bad_request", sets[k][0]);
            const char *msg = th_jstr(json_object_get(r->json, "error"), "message");
            assert_non_null(strstr(msg, words[k]));
            assert_null(strstr(msg, sets[k][0]));
            assert_null(strchr(msg, ','));
            th_resp_free(r);
        }
        free(p1.p);
    }
    /* Nothing of the refused edits stuck. */
    r = doc_get("", id, &unitadmin);
    assert_string_equal(th_jstr(r->json, "date_formed"), "2024-02-29");
    assert_string_equal(th_jstr(r->json, "retention"), "10年");
    th_resp_free(r);
    /* A bad date on upload is refused the same way, and nothing is stored. */
    struct bytes pdf = pdf_make("坏日期", 200);
    struct th_file f = { .name = "坏日期.pdf", .data = pdf.p, .len = pdf.n };
    const char *fields[] = { "date_formed", "2026-13-01", NULL };
    r = upload(&unitadmin, unit1, year, "1.1.1", &f, 1, fields);
    th_assert_error(r, 400, "bad_request", "date_formed");
    th_resp_free(r);
    const char *fields2[] = { "retention", "100年", NULL };
    r = upload(&unitadmin, unit1, year, "1.1.1", &f, 1, fields2);
    th_assert_error(r, 400, "bad_request", "retention");
    th_resp_free(r);
    json_t *docs = leaf_docs(unit1, year, "1.1.1");
    assert_int_equal(json_array_size(docs), 1);
    json_decref(docs);
    free(pdf.p);
}

static void
test_move(void **state)
{
    (void)state;
    const int year = 2010;
    int64_t a = upload_pdf(&unitadmin, unit1, year, "1.1.1", "甲.pdf");
    int64_t b = upload_pdf(&unitadmin, unit1, year, "1.1.1", "乙.pdf");
    int64_t c = upload_pdf(&unitadmin, unit1, year, "1.1.1", "丙.pdf");
    int64_t x = upload_pdf(&unitadmin, unit1, year, "1.1.2", "子.pdf");
    int64_t y = upload_pdf(&unitadmin, unit1, year, "1.1.2", "丑.pdf");
    char path[96];
    snprintf(path, sizeof path, "/api/v1/documents/%lld/move", (long long)b);
    struct th_resp *r = api("POST", path, &member, json_pack("{s:s}", "code", "1.1.2"));
    th_assert_status(r, 200);
    assert_string_equal(th_jstr(r->json, "indicator_code"), "1.1.2");
    assert_string_equal(th_jstr(r->json, "name"), "03:乙");
    assert_string_equal(th_jstr(r->json, "archival_code"), "DEMO001-2010-1.1.2-03");
    th_resp_free(r);
    json_t *from = leaf_docs(unit1, year, "1.1.1"), *to = leaf_docs(unit1, year, "1.1.2");
    assert_int_equal(json_array_size(from), 2);
    assert_int_equal(json_array_size(to), 3);
    assert_serials_dense(from);
    assert_serials_dense(to);
    assert_int_equal(serial_of(from, a), 1);
    assert_int_equal(serial_of(from, c), 2);
    assert_int_equal(serial_of(to, x), 1);
    assert_int_equal(serial_of(to, y), 2);
    assert_int_equal(serial_of(to, b), 3);
    json_decref(from);
    json_decref(to);
    /* Not to a non-leaf nor to a code the edition does not have. */
    r = api("POST", path, &unitadmin, json_pack("{s:s}", "code", "1.1"));
    th_assert_error(r, 404, "not_found", NULL);
    th_resp_free(r);
    r = api("POST", path, &unitadmin, json_pack("{s:s}", "code", "../1.1.1"));
    assert_true(400 == r->status || 404 == r->status);
    th_resp_free(r);
    r = api("POST", path, &unitadmin, json_pack("{s:i}", "code", 5));
    th_assert_error(r, 400, "bad_request", "code");
    th_resp_free(r);
    /* Moving into the leaf it is in changes nothing. */
    r = api("POST", path, &unitadmin, json_pack("{s:s}", "code", "1.1.2"));
    th_assert_status(r, 200);
    assert_int_equal(th_jint(r->json, "serial"), 3);
    th_resp_free(r);
}

static void
test_reorder(void **state)
{
    (void)state;
    const int year = 2011;
    int64_t a = upload_pdf(&unitadmin, unit1, year, "1.1.1", "甲.pdf");
    int64_t b = upload_pdf(&unitadmin, unit1, year, "1.1.1", "乙.pdf");
    int64_t c = upload_pdf(&unitadmin, unit1, year, "1.1.1", "丙.pdf");
    char path[200];
    leaf_path(path, sizeof path, unit1, year, "1.1.1", "order");
    struct th_resp *r =
        api("POST", path, &member,
            json_pack("{s:[I,I,I]}", "ids", (json_int_t)c, (json_int_t)a, (json_int_t)b));
    th_assert_status(r, 200);
    json_t *items = json_object_get(r->json, "items");
    assert_int_equal(json_array_size(items), 3);
    assert_int_equal(th_jint(json_array_get(items, 0), "id"), c);
    assert_string_equal(th_jstr(json_array_get(items, 0), "name"), "01:丙");
    assert_string_equal(th_jstr(json_array_get(items, 1), "name"), "02:甲");
    assert_string_equal(th_jstr(json_array_get(items, 2), "name"), "03:乙");
    /* a new order changes the display serials, never an archival code: 乙 keeps -02 */
    assert_string_equal(th_jstr(json_array_get(items, 2), "archival_code"),
                        "DEMO001-2011-1.1.1-02");
    th_resp_free(r);
    /* Refused: a missing one, a repeated one, a foreign one, not integers, no list. */
    json_t *bad[] = {
        json_pack("{s:[I,I]}", "ids", (json_int_t)a, (json_int_t)b),
        json_pack("{s:[I,I,I]}", "ids", (json_int_t)a, (json_int_t)a, (json_int_t)b),
        json_pack("{s:[I,I,I,I]}", "ids", (json_int_t)a, (json_int_t)b, (json_int_t)c,
                  (json_int_t)999999),
        json_pack("{s:[s,s,s]}", "ids", "1", "2", "3"),
        json_pack("{s:I}", "ids", (json_int_t)a),
        json_pack("{s:[I,I,I], s:i}", "ids", (json_int_t)a, (json_int_t)b, (json_int_t)c, "x", 1),
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        r = api("POST", path, &unitadmin, bad[i]);
        th_assert_error(r, 400, "bad_request", "ids");
        th_resp_free(r);
    }
    json_t *docs = leaf_docs(unit1, year, "1.1.1");
    assert_int_equal(serial_of(docs, c), 1);
    assert_int_equal(serial_of(docs, a), 2);
    assert_int_equal(serial_of(docs, b), 3);
    json_decref(docs);
    /* the audit page names the archive re-ordered (not "年度档案 #7"), with a link */
    r = th_api(&srv, "GET", "/audit?action=document.reorder", &admin, TH_COOKIE, NULL);
    th_assert_status(r, 200);
    char want[160];
    snprintf(want, sizeof want, "<a href=\"/units/%lld/archives/%d\">市司法局 %d 年度档案</a>",
             (long long)unit1, year, year);
    assert_non_null(strstr(r->body, want));
    th_resp_free(r);
    /* an older re-order entry (no unit, no year in it): the archive is looked up by its id */
    char apath[96];
    snprintf(apath, sizeof apath, "/api/v1/units/%lld/archives/%d", (long long)unit1, year);
    r = api("GET", apath, &office, NULL);
    th_assert_status(r, 200);
    long long arch_id = (long long)th_jint(r->json, "id");
    th_resp_free(r);
    char sql[600];
    snprintf(sql, sizeof sql,
             "INSERT INTO audit(at, user_id, username, action, object_type, object_id, "
             "org_path, summary, request_id, addr, prev_hash, hash) SELECT at, user_id, "
             "username, 'document.reorder', 'archive', %lld, org_path, "
             "'{\"after\":{\"code\":\"9.9.9\"}}', 'old-entry', addr, hash, hash FROM audit "
             "ORDER BY id DESC LIMIT 1",
             arch_id);
    assert_int_equal(th_store_exec(&srv, sql), 0);
    r = th_api(&srv, "GET", "/audit?action=document.reorder", &admin, TH_COOKIE, NULL);
    const char *old = strstr(r->body, "old-entry");
    assert_non_null(old);
    const char *row = old;
    while (row > r->body && 0 != strncmp(row, "<tr>", 4)) {
        row--;
    }
    const char *hit = strstr(row, want);
    assert_true(hit && hit < old);
    assert_null(strstr(r->body, "年度档案 #"));
    th_resp_free(r);
    r = api("POST", path, &leader,
            json_pack("{s:[I,I,I]}", "ids", (json_int_t)a, (json_int_t)b, (json_int_t)c));
    th_assert_error(r, 403, "forbidden", NULL);
    th_resp_free(r);
}

static json_t *
trash_list(int year)
{
    char path[128];
    snprintf(path, sizeof path, "/api/v1/units/%lld/archives/%d/trash", (long long)unit1, year);
    struct th_resp *r = api("GET", path, &unitadmin, NULL);
    th_assert_status(r, 200);
    json_t *items = json_incref(json_object_get(r->json, "items"));
    th_resp_free(r);
    return items;
}

static void
test_trash(void **state)
{
    (void)state;
    const int year = 2012;
    int64_t a = upload_pdf(&unitadmin, unit1, year, "1.1.1", "甲.pdf");
    int64_t b = upload_pdf(&unitadmin, unit1, year, "1.1.1", "乙.pdf");
    int64_t c = upload_pdf(&unitadmin, unit1, year, "1.1.1", "丙.pdf");
    char path[96], rpath[96], ppath[96];
    snprintf(path, sizeof path, "/api/v1/documents/%lld", (long long)b);
    snprintf(rpath, sizeof rpath, "/api/v1/documents/%lld/restore", (long long)b);
    snprintf(ppath, sizeof ppath, "/api/v1/documents/%lld/purge", (long long)b);
    /* Not in the trash yet: nothing to restore or purge. */
    struct th_resp *r = api("POST", rpath, &unitadmin, NULL);
    th_assert_error(r, 404, "not_found", NULL);
    th_resp_free(r);
    r = api("POST", ppath, &admin, NULL);
    th_assert_error(r, 404, "not_found", NULL);
    th_resp_free(r);
    r = api("DELETE", path, &member, NULL);
    th_assert_status(r, 200);
    th_resp_free(r);
    r = api("DELETE", path, &member, NULL);
    th_assert_error(r, 404, "not_found", NULL);
    th_resp_free(r);
    json_t *trash = trash_list(year), *docs = leaf_docs(unit1, year, "1.1.1");
    assert_int_equal(json_array_size(trash), 1);
    assert_int_equal(th_jint(json_array_get(trash, 0), "id"), b);
    /* each trashed document with its 档号, as it was given (API and page) */
    r = doc_get("", b, &unitadmin);
    th_assert_status(r, 200);
    const char *tcode = th_jstr(json_array_get(trash, 0), "archival_code");
    assert_non_null(strstr(tcode, "DEMO001-2012-1.1.1-"));
    assert_string_equal(tcode, th_jstr(r->json, "archival_code"));
    assert_null(json_object_get(json_array_get(trash, 0), "unit_path"));
    th_resp_free(r);
    char tpage[96], tcell[160];
    snprintf(tpage, sizeof tpage, "/units/%lld/archives/%d/trash", (long long)unit1, year);
    snprintf(tcell, sizeof tcell, "data-label=\"档号\" class=\"code\">%s</td>", tcode);
    r = th_api(&srv, "GET", tpage, &unitadmin, TH_COOKIE, NULL);
    th_assert_status(r, 200);
    assert_non_null(strstr(r->body, "<th>档号</th>"));
    assert_non_null(strstr(r->body, tcell));
    th_resp_free(r);
    assert_int_equal(json_array_size(docs), 2);
    assert_int_equal(serial_of(docs, b), 0);
    assert_int_equal(serial_of(docs, a), 1);
    assert_int_equal(serial_of(docs, c), 2);
    json_decref(trash);
    json_decref(docs);
    /* A trashed document cannot take a new version. */
    char vpath[96];
    snprintf(vpath, sizeof vpath, "/api/v1/documents/%lld/versions", (long long)b);
    struct bytes pdf = pdf_make("回收站", 200);
    struct th_file f = { .name = "新版.pdf", .data = pdf.p, .len = pdf.n };
    r = th_upload(&srv, vpath, &unitadmin, 0, &f, 1, NULL);
    th_assert_error(r, 409, "conflict", NULL);
    th_resp_free(r);
    free(pdf.p);
    /* The member and the leader do not restore; the unit's archivist does. */
    r = api("POST", rpath, &member, NULL);
    th_assert_error(r, 403, "forbidden", NULL);
    th_resp_free(r);
    r = api("POST", rpath, &leader, NULL);
    th_assert_error(r, 403, "forbidden", NULL);
    th_resp_free(r);
    r = api("POST", rpath, &unitadmin, NULL);
    th_assert_status(r, 200);
    assert_string_equal(th_jstr(r->json, "name"), "03:乙"); /* back, last */
    th_resp_free(r);
    trash = trash_list(year);
    docs = leaf_docs(unit1, year, "1.1.1");
    assert_int_equal(json_array_size(trash), 0);
    assert_int_equal(json_array_size(docs), 3);
    assert_serials_dense(docs);
    assert_int_equal(serial_of(docs, b), 3);
    json_decref(trash);
    json_decref(docs);
    /* Trash again: the office may not purge, the platform operator does. */
    r = api("DELETE", path, &unitadmin, NULL);
    th_assert_status(r, 200);
    th_resp_free(r);
    r = api("POST", ppath, &office, NULL);
    th_assert_error(r, 403, "forbidden", NULL);
    th_resp_free(r);
    r = api("POST", ppath, &unitadmin, NULL);
    th_assert_error(r, 403, "forbidden", NULL);
    th_resp_free(r);
    r = api("POST", ppath, &admin, NULL);
    th_assert_status(r, 200);
    th_resp_free(r);
    r = api("GET", path, &admin, NULL);
    th_assert_error(r, 404, "not_found", NULL);
    th_resp_free(r);
    r = api("POST", rpath, &office, NULL);
    th_assert_error(r, 404, "not_found", NULL);
    th_resp_free(r);
    trash = trash_list(year);
    assert_int_equal(json_array_size(trash), 0);
    json_decref(trash);
    docs = leaf_docs(unit1, year, "1.1.1");
    assert_int_equal(json_array_size(docs), 2);
    assert_serials_dense(docs);
    json_decref(docs);
    /* The office restores too. */
    snprintf(path, sizeof path, "/api/v1/documents/%lld", (long long)a);
    snprintf(rpath, sizeof rpath, "/api/v1/documents/%lld/restore", (long long)a);
    r = api("DELETE", path, &unitadmin, NULL);
    th_assert_status(r, 200);
    th_resp_free(r);
    r = api("POST", rpath, &office, NULL);
    th_assert_status(r, 200);
    assert_string_equal(th_jstr(r->json, "name"), "02:甲");
    th_resp_free(r);
    /* The purge is in the audit log. */
    r = api("GET", "/api/v1/audit?limit=200", &admin, NULL);
    th_assert_status(r, 200);
    assert_non_null(strstr(r->body, "document.purge"));
    th_resp_free(r);
}

/* The leaf code's entry of an archive answer. */
static json_t *
ind_of(const json_t *archive, const char *code)
{
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(archive, "indicators"), i, x)
    {
        if (0 == strcmp(th_jstr(x, "code"), code)) {
            return x;
        }
    }
    fail_msg("no indicator %s in the archive", code);
    return NULL;
}

static void
test_completeness(void **state)
{
    (void)state;
    const int year = 2013;
    char path[96];
    snprintf(path, sizeof path, "/api/v1/units/%lld/archives/%d", (long long)unit1, year);
    struct th_resp *r = api("GET", path, &unitadmin, NULL);
    th_assert_status(r, 200);
    assert_string_equal(th_jstr(r->json, "unit_code"), "DEMO001");
    assert_int_equal(th_jint(r->json, "year"), year);
    int64_t leaves = th_jint(r->json, "leaves"), complete0 = th_jint(r->json, "complete");
    int64_t pct0 = th_jint(r->json, "percent");
    assert_true(leaves > 3);
    assert_int_equal(th_jint(r->json, "documents"), 0);
    json_t *l = ind_of(r->json, "1.1.1");
    assert_int_equal(th_jint(l, "documents"), 0);
    assert_int_equal(th_jint(l, "required"), 1);
    assert_false(json_is_true(json_object_get(l, "complete")));
    assert_int_equal(json_array_size(json_object_get(l, "media")), 2); /* text, photo */
    assert_string_equal(json_string_value(json_array_get(json_object_get(l, "depts"), 0)),
                        "办公室");
    /* what it lacks, by kind: one document, text and photo */
    json_t *miss = json_object_get(l, "missing");
    assert_int_equal(json_array_size(miss), 3);
    assert_string_equal(th_jstr(json_array_get(miss, 0), "kind"), "documents");
    assert_int_equal(th_jint(json_array_get(miss, 0), "count"), 1);
    /* a leaf that asks for nothing (a bonus item, minimum 0) is not counted as met */
    json_t *opt = ind_of(r->json, "2.2.2");
    assert_false(json_is_true(json_object_get(opt, "requires")));
    assert_false(json_is_true(json_object_get(opt, "complete")));
    assert_true(th_jint(r->json, "optional_leaves") >= 1);
    assert_int_equal(complete0, 0); /* no files: nothing is complete, 0% */
    assert_int_equal(pct0, 0);
    th_resp_free(r);
    /* A PDF: the count is met, the photo is still missing. */
    (void)upload_pdf(&member, unit1, year, "1.1.1", "纪要.pdf");
    r = api("GET", path, &leader, NULL);
    th_assert_status(r, 200);
    l = ind_of(r->json, "1.1.1");
    assert_int_equal(th_jint(l, "documents"), 1);
    assert_int_equal(json_array_size(json_object_get(l, "media_present")), 1);
    assert_false(json_is_true(json_object_get(l, "complete")));
    th_resp_free(r);
    /* A photo completes it; 1.1.2 (text, one document) too. */
    int64_t photo = upload1(&member, unit1, year, "1.1.1", "动员会.png", th_png1, sizeof th_png1);
    r = doc_get("", photo, &member);
    assert_string_equal(th_jstr(r->json, "media"), "photo");
    assert_string_equal(th_jstr(r->json, "mime"), "image/png");
    th_resp_free(r);
    (void)upload_pdf(&member, unit1, year, "1.1.2", "计划.pdf");
    r = api("GET", path, &leader, NULL);
    th_assert_status(r, 200);
    l = ind_of(r->json, "1.1.1");
    assert_int_equal(th_jint(l, "documents"), 2);
    assert_true(json_is_true(json_object_get(l, "complete")));
    assert_true(json_is_true(json_object_get(ind_of(r->json, "1.1.2"), "complete")));
    assert_int_equal(th_jint(r->json, "documents"), 3);
    assert_int_equal(th_jint(r->json, "complete"), complete0 + 2);
    assert_int_equal(th_jint(r->json, "percent"), ((complete0 + 2) * 100 + leaves / 2) / leaves);
    assert_true(th_jint(r->json, "percent") > pct0);
    th_resp_free(r);
    /* The unit's list of archives has the year. */
    snprintf(path, sizeof path, "/api/v1/units/%lld/archives", (long long)unit1);
    r = api("GET", path, &leader, NULL);
    th_assert_status(r, 200);
    bool found = false;
    size_t i;
    json_t *a;
    json_array_foreach(json_object_get(r->json, "items"), i, a)
    {
        found = found || th_jint(a, "year") == year;
    }
    assert_true(found);
    th_resp_free(r);
    /* The page shows the tree, what leaves still lack in words, and which are optional. */
    snprintf(path, sizeof path, "/units/%lld/archives/%d", (long long)unit1, year);
    r = th_api(&srv, "GET", path, &leader, TH_COOKIE, NULL);
    th_assert_status(r, 200);
    assert_non_null(strstr(r->body, "专题研究与创建动员"));
    assert_non_null(strstr(r->body, "还缺："));
    assert_non_null(strstr(r->body, "不作要求"));
    assert_null(strstr(r->body, "本科室")); /* the leader has no department */
    th_resp_free(r);
    /* A department's staff sees its department's leaves marked. */
    r = th_api(&srv, "GET", path, &member, TH_COOKIE, NULL);
    th_assert_status(r, 200);
    assert_non_null(strstr(r->body, "本科室"));
    th_resp_free(r);
}

/* ---------------------------------------------------------------- the package */

/* One entry of a ZIP read back. */
struct zentry {
    char *path;
    struct bytes data;
    bool dir;
    time_t mtime; /* from the extended timestamp (UTC) */
};

struct zip {
    struct zentry *e;
    size_t n;
};

static void
zip_free(struct zip *z)
{
    for (size_t i = 0; i < z->n; i++) {
        free(z->e[i].path);
        free(z->e[i].data.p);
    }
    free(z->e);
    z->e = NULL;
    z->n = 0;
}

static void
zip_read(const void *p, size_t n, struct zip *z)
{
    struct archive *a = archive_read_new();
    struct archive_entry *e;
    memset(z, 0, sizeof *z);
    archive_read_support_format_zip(a);
    assert_int_equal(archive_read_open_memory(a, p, n), ARCHIVE_OK);
    int rc;
    while (ARCHIVE_OK == (rc = archive_read_next_header(a, &e))) {
        struct zentry *ne = realloc(z->e, (z->n + 1) * sizeof *ne);
        assert_non_null(ne);
        z->e = ne;
        struct zentry *x = &z->e[z->n++];
        memset(x, 0, sizeof *x);
        const char *name = archive_entry_pathname_utf8(e);
        if (NULL == name) {
            name = archive_entry_pathname(e);
        }
        assert_non_null(name);
        x->path = strdup(name);
        x->dir = AE_IFDIR == archive_entry_filetype(e);
        x->mtime = archive_entry_mtime(e);
        char buf[65536];
        la_ssize_t got;
        while ((got = archive_read_data(a, buf, sizeof buf)) > 0) {
            bytes_add(&x->data, buf, (size_t)got);
        }
        assert_true(got == 0);
    }
    if (ARCHIVE_EOF != rc) {
        print_error("libarchive: %s\n", archive_error_string(a));
    }
    assert_int_equal(rc, ARCHIVE_EOF);
    archive_read_free(a);
}

/* ---------------------------------------------------------------- creating a year */

/* The id of the newest audit entry: a read that wrote something moves it. */
static int64_t
audit_head(void)
{
    struct th_resp *r = th_api(&srv, "GET", "/api/v1/audit?limit=1", &admin, TH_BEARER, NULL);
    th_assert_status(r, 200);
    int64_t id = th_jint(json_array_get(json_object_get(r->json, "items"), 0), "id");
    th_resp_free(r);
    assert_true(id > 0);
    return id;
}

/* How many archives the unit has (as admin). */
static size_t
archive_count(int64_t unit)
{
    char path[96];
    snprintf(path, sizeof path, "/api/v1/units/%lld/archives", (long long)unit);
    struct th_resp *r = api("GET", path, &admin, NULL);
    th_assert_status(r, 200);
    size_t n = json_array_size(json_object_get(r->json, "items"));
    th_resp_free(r);
    return n;
}

/* The current year as the server counts it (China Standard Time). */
static int
this_year(void)
{
    time_t t = time(NULL) + 8 * 3600;
    struct tm tm;
    gmtime_r(&t, &tm);
    return tm.tm_year + 1900;
}

/* A GET never writes: a missing year answers 404 (API and page) and creates nothing, also
** when the office merely looks at the unit. */
static void
test_get_never_creates(void **state)
{
    (void)state;
    char path[128];
    size_t before = archive_count(unit1);
    int64_t head = audit_head();
    const int next = this_year() + 1;
    const int years[] = { next, 2031, 1999 };
    const struct th_cred *who[] = { &office, &unitadmin, &member, &admin };
    for (size_t w = 0; w < sizeof who / sizeof who[0]; w++) {
        for (size_t i = 0; i < sizeof years / sizeof years[0]; i++) {
            snprintf(path, sizeof path, "/api/v1/units/%lld/archives/%d", (long long)unit1,
                     years[i]);
            struct th_resp *r = api("GET", path, who[w], NULL);
            th_assert_error(r, 404, "not_found", NULL);
            if (next == years[i]) {
                assert_non_null(strstr(r->body, "该年度档案尚未建立"));
            }
            th_resp_free(r);
            snprintf(path, sizeof path, "/units/%lld/archives/%d", (long long)unit1, years[i]);
            r = th_api(&srv, "GET", path, who[w], TH_COOKIE, NULL);
            th_assert_status(r, 404);
            assert_non_null(strstr(r->body, "该年度档案尚未建立"));
            /* writers may create it from here (a year in range), with the year chosen */
            bool form = NULL != strstr(r->body, "id=\"archive-create\"");
            assert_true(form == (next == years[i]));
            th_resp_free(r);
            snprintf(path, sizeof path, "/units/%lld/archives/%d/leaf/1.1.1", (long long)unit1,
                     years[i]);
            r = th_api(&srv, "GET", path, who[w], TH_COOKIE, NULL);
            th_assert_status(r, 404);
            th_resp_free(r);
        }
    }
    /* the unit's page, as the office and the unit see it */
    snprintf(path, sizeof path, "/units/%lld", (long long)unit1);
    struct th_resp *r = th_api(&srv, "GET", path, &office, TH_COOKIE, NULL);
    th_assert_status(r, 200);
    assert_non_null(strstr(r->body, "id=\"archive-create\""));
    th_resp_free(r);
    r = th_api(&srv, "GET", path, &leader, TH_COOKIE, NULL);
    th_assert_status(r, 200);
    assert_null(strstr(r->body, "id=\"archive-create\"")); /* a leader does not create */
    th_resp_free(r);
    /* the page of an older year in range (2000) offers that very year, chosen: its button
    ** must not create next year's archive */
    snprintf(path, sizeof path, "/units/%lld/archives/2000", (long long)unit1);
    r = th_api(&srv, "GET", path, &unitadmin, TH_COOKIE, NULL);
    th_assert_status(r, 404);
    assert_non_null(strstr(r->body, "id=\"archive-create\""));
    assert_non_null(strstr(r->body, "<option value=\"2000\" selected>"));
    th_resp_free(r);
    /* an upload into a missing year is refused; it does not create the year either */
    struct bytes pdf = pdf_make("无档案", 300);
    struct th_file f = { .name = "无档案.pdf", .data = pdf.p, .len = pdf.n };
    r = upload(&unitadmin, unit1, next, "1.1.1", &f, 1, NULL);
    th_assert_error(r, 404, "not_found", NULL);
    th_resp_free(r);
    free(pdf.p);
    assert_int_equal(archive_count(unit1), before);
    assert_int_equal(audit_head(), head);
}

/* Created by an explicit act of a writer, once, in a sane year; deleted by the office while
** empty (the trash included); both audited. */
static void
test_create_delete(void **state)
{
    (void)state;
    char path[128];
    snprintf(path, sizeof path, "/api/v1/units/%lld/archives", (long long)unit1);
    /* years out of range, in words */
    struct th_resp *r = api("POST", path, &unitadmin, json_pack("{s:i}", "year", 1999));
    th_assert_error(r, 400, "bad_request", "year");
    assert_non_null(strstr(r->body, "2000"));
    th_resp_free(r);
    r = api("POST", path, &unitadmin, json_pack("{s:i}", "year", this_year() + 2));
    th_assert_error(r, 400, "bad_request", "year");
    th_resp_free(r);
    /* not every role, not another unit, not an edition that does not apply */
    r = api("POST", path, &leader, json_pack("{s:i}", "year", 2017));
    th_assert_status(r, 403);
    th_resp_free(r);
    char other[128];
    snprintf(other, sizeof other, "/api/v1/units/%lld/archives", (long long)unit2);
    r = api("POST", other, &unitadmin, json_pack("{s:i}", "year", 2017));
    th_assert_error(r, 404, "not_found", NULL);
    th_resp_free(r);
    r = api("POST", path, &unitadmin, json_pack("{s:i, s:i}", "year", 2017, "edition_id", 999999));
    th_assert_error(r, 400, "bad_request", "edition_id");
    th_resp_free(r);
    /* a department's staff may start the year; the answer is the archive with its tree */
    r = api("POST", path, &member, json_pack("{s:i}", "year", 2017));
    th_assert_status(r, 201);
    assert_int_equal(th_jint(r->json, "year"), 2017);
    assert_true(th_jint(r->json, "edition_id") > 0);
    assert_true(json_array_size(json_object_get(r->json, "indicators")) > 0);
    th_resp_free(r);
    r = api("POST", path, &unitadmin, json_pack("{s:i}", "year", 2017));
    th_assert_error(r, 409, NULL, "year");
    th_resp_free(r);
    /* deleting: office staff only */
    snprintf(path, sizeof path, "/api/v1/units/%lld/archives/2017", (long long)unit1);
    r = api("DELETE", path, &unitadmin, NULL);
    th_assert_status(r, 403);
    th_resp_free(r);
    r = api("DELETE", path, &office, NULL);
    th_assert_status(r, 200);
    th_resp_free(r);
    r = api("GET", path, &office, NULL);
    th_assert_error(r, 404, "not_found", NULL);
    th_resp_free(r);
    r = api("DELETE", path, &office, NULL);
    th_assert_error(r, 404, "not_found", NULL);
    th_resp_free(r);
    /* one document, even in the trash, keeps the archive */
    assert_true(th_archive_create(&srv, &unitadmin, unit1, 2018));
    int64_t id = upload_pdf(&unitadmin, unit1, 2018, "1.1.1", "误建.pdf");
    snprintf(path, sizeof path, "/api/v1/documents/%lld", (long long)id);
    r = api("DELETE", path, &unitadmin, NULL);
    th_assert_status(r, 200);
    th_resp_free(r);
    snprintf(path, sizeof path, "/api/v1/units/%lld/archives/2018", (long long)unit1);
    r = api("DELETE", path, &office, NULL);
    th_assert_error(r, 409, "conflict", "year");
    assert_non_null(strstr(r->body, "回收站"));
    th_resp_free(r);
    /* both acts are in the audit log */
    r = th_api(&srv, "GET", "/api/v1/audit?action=archive.&limit=50", &admin, TH_BEARER, NULL);
    th_assert_status(r, 200);
    bool created = false, deleted = false;
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(r->json, "items"), i, e)
    {
        created = created || 0 == strcmp(th_jstr(e, "action"), "archive.create");
        deleted = deleted || 0 == strcmp(th_jstr(e, "action"), "archive.delete");
    }
    assert_true(created && deleted);
    th_resp_free(r);
    /* the audit page names the deleted archive from the entry (no link: it is gone) */
    r = th_api(&srv, "GET", "/audit?action=archive.delete", &admin, TH_COOKIE, NULL);
    th_assert_status(r, 200);
    assert_non_null(strstr(r->body, "市司法局 2017 年度档案</td>"));
    assert_null(strstr(r->body, "年度档案 #"));
    th_resp_free(r);

    /* The pages: the unit's form creates the year, the office deletes it from its page. */
    snprintf(path, sizeof path, "/units/%lld/archives", (long long)unit1);
    r = th_form(&srv, path, &unitadmin, "year=2019");
    th_assert_status(r, 303);
    char want[96];
    snprintf(want, sizeof want, "/units/%lld/archives/2019", (long long)unit1);
    assert_non_null(strstr(th_header(r, "Location"), want));
    th_resp_free(r);
    r = th_form(&srv, path, &unitadmin, "year=2019");
    assert_true(303 == r->status && strstr(th_header(r, "Location"), "err=")); /* exists */
    th_resp_free(r);
    r = th_form(&srv, path, &unitadmin, "year=1980");
    assert_true(303 == r->status && strstr(th_header(r, "Location"), "err="));
    th_resp_free(r);
    snprintf(path, sizeof path, "/units/%lld/archives/2019", (long long)unit1);
    r = th_api(&srv, "GET", path, &unitadmin, TH_COOKIE, NULL);
    th_assert_status(r, 200);
    assert_null(strstr(r->body, "/delete\"")); /* only the office deletes */
    th_resp_free(r);
    r = th_api(&srv, "GET", path, &office, TH_COOKIE, NULL);
    th_assert_status(r, 200);
    assert_non_null(strstr(r->body, "/delete\""));
    th_resp_free(r);
    snprintf(path, sizeof path, "/units/%lld/archives/2019/delete", (long long)unit1);
    r = th_form(&srv, path, &office, NULL);
    th_assert_status(r, 303);
    assert_null(strstr(th_header(r, "Location"), "err="));
    th_resp_free(r);
    snprintf(path, sizeof path, "/api/v1/units/%lld/archives/2019", (long long)unit1);
    r = api("GET", path, &office, NULL);
    th_assert_status(r, 404);
    th_resp_free(r);
}

/* A %PDF- polyglot named evil.hta: stored, served and exported as .pdf, and the user is told;
** a shell script named .pdf is refused in words. */
static void
test_name_follows_bytes(void **state)
{
    (void)state;
    const int year = 2020;
    assert_true(th_archive_create(&srv, &unitadmin, unit1, year));
    struct bytes pdf = pdf_make("多语种", 400);
    struct th_file f = { .name = "evil.hta", .data = pdf.p, .len = pdf.n };
    struct th_resp *r = upload(&unitadmin, unit1, year, "1.2.1", &f, 1, NULL);
    th_assert_status(r, 201);
    json_t *d = json_array_get(json_object_get(r->json, "items"), 0);
    int64_t id = th_jint(d, "id");
    assert_string_equal(th_jstr(d, "filename"), "evil.pdf");
    assert_string_equal(th_jstr(d, "title"), "evil");
    assert_non_null(strstr(th_jstr(d, "notice"), "evil.pdf"));
    assert_non_null(strstr(th_jstr(d, "notice"), "PDF 文档"));
    char code[96];
    snprintf(code, sizeof code, "%s", th_jstr(d, "archival_code"));
    th_resp_free(r);
    r = content_get(id, NULL, NULL);
    th_assert_status(r, 200);
    const char *cd = th_header(r, "Content-Disposition");
    assert_null(strstr(cd, "hta"));
    assert_null(strstr(cd, "download"));
    assert_non_null(strstr(cd, "filename*=UTF-8''evil.pdf"));
    char ascii[160];
    snprintf(ascii, sizeof ascii, "filename=\"%s.pdf\"", code);
    assert_non_null(strstr(cd, ascii));
    th_resp_free(r);
    /* a name that agrees is kept, and nobody is told anything */
    f.name = "通知.PDF";
    r = upload(&unitadmin, unit1, year, "1.2.1", &f, 1, NULL);
    th_assert_status(r, 201);
    d = json_array_get(json_object_get(r->json, "items"), 0);
    assert_string_equal(th_jstr(d, "filename"), "通知.PDF");
    assert_null(json_object_get(d, "notice"));
    th_resp_free(r);
    /* a shell script named like a PDF: refused, said in words */
    static const char sh[] = "#!/bin/sh\necho hello\nrm -rf /tmp/x\n";
    f = (struct th_file){ .name = "通知.pdf", .data = sh, .len = sizeof sh - 1 };
    r = upload(&unitadmin, unit1, year, "1.2.1", &f, 1, NULL);
    th_assert_error(r, 415, NULL, "file");
    assert_non_null(strstr(r->body, "文件内容是 shell 脚本，不是 PDF 文档"));
    assert_null(strstr(r->body, "text/x-shellscript"));
    th_resp_free(r);
    /* the package names it .pdf, never .hta (also in index.html) */
    char path[128];
    snprintf(path, sizeof path, "/api/v1/units/%lld/archives/%d/export.zip", (long long)unit1, year);
    r = api("GET", path, &unitadmin, NULL);
    th_assert_status(r, 200);
    /* the package's ASCII fallback name is the unit's code and the year; the UTF-8 name is
    ** 单位_年度_创建档案.zip */
    assert_non_null(strstr(th_header(r, "Content-Disposition"), "filename=\"DEMO001-2020.zip\""));
    assert_non_null(strstr(th_header(r, "Content-Disposition"),
                           "filename*=UTF-8''%E5%B8%82%E5%8F%B8%E6%B3%95%E5%B1%80_2020_%E5%88%9B%E5%BB%BA%E6%A1%A3%E6%A1%88.zip"));
    struct zip z;
    zip_read(r->body, r->len, &z);
    bool found = false;
    for (size_t i = 0; i < z.n; i++) {
        assert_null(strstr(z.e[i].path, ".hta"));
        found = found || (strstr(z.e[i].path, "evil.pdf") && !z.e[i].dir);
        if (strstr(z.e[i].path, "index.html") && z.e[i].data.p) {
            bytes_add(&z.e[i].data, "", 1);
            assert_null(strstr(z.e[i].data.p, ".hta"));
        }
    }
    assert_true(found);
    zip_free(&z);
    th_resp_free(r);
    free(pdf.p);
}

static const struct zentry *
zip_find(const struct zip *z, const char *path)
{
    for (size_t i = 0; i < z->n; i++) {
        if (0 == strcmp(z->e[i].path, path)) {
            return &z->e[i];
        }
    }
    return NULL;
}

static struct bytes export_zip; /* the package of test_export, for test_import */
static struct bytes export_doc; /* the bytes of its document 01：主题.pdf */
static const int export_year = 2014;

#define TOP     "data/市司法局_2014_创建档案"
#define LEAF111 TOP "/1 组织管理/1.1 创建规划/1.1.1 专题研究与创建动员"

static void
test_export(void **state)
{
    (void)state;
    const int year = export_year;
    export_doc = pdf_make("主题", 4000);
    struct th_file f = { .name = "x.pdf", .data = export_doc.p, .len = export_doc.n };
    const char *fields[] = {
        "title", "主题", "date_formed", "2014-05-04", "keywords", "动员", NULL
    };
    struct th_resp *r = upload(&unitadmin, unit1, year, "1.1.1", &f, 1, fields);
    th_assert_status(r, 201);
    th_resp_free(r);
    (void)upload1(&unitadmin, unit1, year, "1.1.1", "动员会.png", th_png1, sizeof th_png1);
    struct bytes plan = pdf_make("规划", 2500);
    (void)upload1(&member, unit1, year, "1.1.2", "年度计划.pdf", plan.p, plan.n);
    char path[128];
    snprintf(path, sizeof path, "/api/v1/units/%lld/archives/%d/export.zip", (long long)unit1,
             year);
    r = api("GET", path, &leader, NULL);
    th_assert_status(r, 200);
    assert_string_equal(th_header(r, "Content-Type"), "application/zip");
    assert_non_null(strstr(th_header(r, "Content-Disposition"), "filename*=UTF-8''"));
    assert_true(r->len > 4 && 0 == memcmp(r->body, "PK\x03\x04", 4));
    export_zip.n = 0;
    free(export_zip.p);
    export_zip.p = NULL;
    bytes_add(&export_zip, r->body, r->len);
    th_resp_free(r);

    struct zip z;
    zip_read(export_zip.p, export_zip.n, &z);
    /* The tag files, the folders nested by level, the documents "NN：主题.ext". */
    static const char *const must[] = { "bagit.txt",
                                        "bag-info.txt",
                                        "manifest-sha256.txt",
                                        "manifest.csv",
                                        "manifest.json",
                                        "index.html",
                                        TOP "/",
                                        TOP "/1 组织管理/",
                                        TOP "/1 组织管理/1.1 创建规划/",
                                        LEAF111 "/",
                                        TOP "/2 思想道德建设/2.1 理论学习/2.1.1 中心组学习/" };
    for (size_t i = 0; i < sizeof must / sizeof must[0]; i++) {
        const struct zentry *e = zip_find(&z, must[i]);
        if (NULL == e && '/' == must[i][strlen(must[i]) - 1]) {
            /* A folder may also be implied by its files only. */
            char bare[512];
            snprintf(bare, sizeof bare, "%.*s", (int)strlen(must[i]) - 1, must[i]);
            e = zip_find(&z, bare);
        }
        if (NULL == e) {
            print_error("package lacks %s; it has:\n", must[i]);
            for (size_t k = 0; k < z.n; k++) {
                print_error("  %s\n", z.e[k].path);
            }
        }
        assert_non_null(e);
    }
    const struct zentry *doc = zip_find(&z, LEAF111 "/01：主题.pdf");
    assert_non_null(doc);
    assert_int_equal(doc->data.n, export_doc.n);
    assert_memory_equal(doc->data.p, export_doc.p, export_doc.n);
    assert_non_null(zip_find(&z, LEAF111 "/02：动员会.png"));
    doc = zip_find(&z, TOP "/1 组织管理/1.1 创建规划/1.1.2 创建规划与年度计划/01：年度计划.pdf");
    assert_non_null(doc);
    assert_memory_equal(doc->data.p, plan.p, plan.n);
    /* No name that leaves the package. */
    for (size_t i = 0; i < z.n; i++) {
        assert_true('/' != z.e[i].path[0]);
        assert_null(strstr(z.e[i].path, "../"));
    }
    /* bagit.txt, and every manifest line matches the SHA-256 of its file. */
    const struct zentry *bagit = zip_find(&z, "bagit.txt");
    assert_non_null(strstr(bagit->data.p, "BagIt-Version: 1.0"));
    const struct zentry *man = zip_find(&z, "manifest-sha256.txt");
    unsigned lines = 0;
    for (char *line = man->data.p; line && *line;) {
        char *nl = strchr(line, '\n');
        if (nl) {
            *nl = '\0';
        }
        size_t ll = strlen(line);
        if (ll && '\r' == line[ll - 1]) {
            line[--ll] = '\0';
        }
        if (ll) {
            assert_true(ll > 66 && ' ' == line[64] && ' ' == line[65]);
            const struct zentry *f2 = zip_find(&z, line + 66);
            if (NULL == f2) {
                print_error("manifest names a file the package lacks: %s\n", line + 66);
            }
            assert_non_null(f2);
            char sha[65];
            sha256_hex(f2->data.p ? f2->data.p : "", f2->data.n, sha);
            assert_memory_equal(line, sha, 64);
            lines++;
        }
        line = nl ? nl + 1 : NULL;
    }
    assert_int_equal(lines, 3);
    /* The manifests carry the metadata. */
    const struct zentry *mj = zip_find(&z, "manifest.json"), *mc = zip_find(&z, "manifest.csv");
    json_t *j = json_loadb(mj->data.p, mj->data.n, 0, NULL);
    assert_non_null(j);
    assert_non_null(strstr(mj->data.p, "DEMO001-2014-1.1.1-01"));
    assert_non_null(strstr(mj->data.p, "2014-05-04"));
    json_decref(j);
    assert_non_null(strstr(mc->data.p, "主题"));
    assert_non_null(strstr(mc->data.p, "DEMO001-2014-1.1.2-01"));
    const struct zentry *ix = zip_find(&z, "index.html");
    assert_non_null(strstr(ix->data.p, "<html"));
    assert_non_null(strstr(ix->data.p, "专题研究与创建动员"));
    /* Times: the DOS fields hold the server's local time (TZ; China Standard Time when
    ** unset, as the pages show), index.html too; 目录.xlsx lists the files. */
    const struct zentry *bag = zip_find(&z, "bagit.txt");
    assert_non_null(bag);
    struct tm tm;
    if (getenv("TZ")) {
        localtime_r(&bag->mtime, &tm);
    } else {
        time_t cst = bag->mtime + 8 * 3600;
        gmtime_r(&cst, &tm);
        assert_non_null(strstr(ix->data.p, "(UTC+0800)"));
    }
    const unsigned char *lfh = (const unsigned char *)export_zip.p; /* bagit.txt is first */
    unsigned dos_time = lfh[10] | (unsigned)lfh[11] << 8, dos_date = lfh[12] | (unsigned)lfh[13] << 8;
    assert_int_equal(dos_time >> 11, tm.tm_hour);
    assert_int_equal((dos_time >> 5) & 63, tm.tm_min);
    assert_int_equal(dos_date & 31, tm.tm_mday);
    const struct zentry *cat = zip_find(&z, "目录.xlsx");
    assert_non_null(cat);
    assert_true(cat->data.n > 1000 && 0 == memcmp(cat->data.p, "PK\x03\x04", 4));
    zip_free(&z);

    /* --ascii-colon: "01:主题.pdf". */
    snprintf(path, sizeof path, "/api/v1/units/%lld/archives/%d/export.zip?ascii_colon=1",
             (long long)unit1, year);
    r = api("GET", path, &admin, NULL);
    th_assert_status(r, 200);
    zip_read(r->body, r->len, &z);
    assert_non_null(zip_find(&z, LEAF111 "/01:主题.pdf"));
    zip_free(&z);
    th_resp_free(r);
    /* HEAD: headers only, and the connection serves the next request. */
    r = th_api(&srv, "HEAD", path, &admin, TH_BEARER, NULL);
    th_assert_status(r, 200);
    assert_string_equal(th_header(r, "Content-Type"), "application/zip");
    th_resp_free(r);
    assert_alive();
    /* A year without an archive, another unit's archive. */
    snprintf(path, sizeof path, "/api/v1/units/%lld/archives/%d/export.zip", (long long)unit1,
             year + 70);
    r = api("GET", path, &unitadmin, NULL);
    th_assert_error(r, 404, "not_found", NULL);
    th_resp_free(r);
    snprintf(path, sizeof path, "/api/v1/units/%lld/archives/%d/export.zip", (long long)unit2,
             year);
    r = api("GET", path, &unitadmin, NULL);
    th_assert_error(r, 404, "not_found", NULL);
    th_resp_free(r);
    free(plan.p);
}

static struct th_resp *
import(const struct th_cred *c, int64_t unit, int year, const char *name, const void *p, size_t n)
{
    char path[128];
    snprintf(path, sizeof path, "/api/v1/units/%lld/archives/%d/import", (long long)unit, year);
    struct th_file f = { .name = name, .data = p, .len = n };
    return th_upload(&srv, path, c, 0, &f, 1, NULL);
}

static const json_t *
report_entry(const json_t *report, const char *suffix)
{
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(report, "files"), i, x)
    {
        const char *p = th_jstr(x, "path");
        size_t pl = strlen(p), sl = strlen(suffix);
        if (pl >= sl && 0 == strcmp(p + pl - sl, suffix)) {
            return x;
        }
    }
    return NULL;
}

static void
test_import_roundtrip(void **state)
{
    (void)state;
    assert_non_null(export_zip.p);
    struct th_resp *r =
        import(&office, unit2, export_year, "package.zip", export_zip.p, export_zip.n);
    th_assert_status(r, 200);
    assert_int_equal(th_jint(r->json, "imported"), 3);
    const json_t *e = report_entry(r->json, "01：主题.pdf");
    assert_non_null(e);
    assert_string_equal(th_jstr(e, "status"), "imported");
    assert_string_equal(th_jstr(e, "code"), "1.1.1");
    int64_t id = th_jint(e, "document_id");
    assert_true(id > 0);
    th_resp_free(r);
    r = doc_get("", id, &office);
    th_assert_status(r, 200);
    assert_int_equal(th_jint(r->json, "unit_id"), unit2);
    assert_string_equal(th_jstr(r->json, "name"), "01:主题");
    assert_string_equal(th_jstr(r->json, "archival_code"), "DEMO002-2014-1.1.1-01");
    th_resp_free(r);
    r = content_get(id, NULL, NULL);
    th_assert_status(r, 200);
    assert_int_equal(r->len, export_doc.n);
    assert_memory_equal(r->body, export_doc.p, export_doc.n);
    th_resp_free(r);
    /* Every document of the source reads the same in the copy. */
    static const char *const leaves[] = { "1.1.1", "1.1.2" };
    for (size_t k = 0; k < 2; k++) {
        json_t *src = leaf_docs(unit1, export_year, leaves[k]);
        json_t *dst = leaf_docs(unit2, export_year, leaves[k]);
        assert_int_equal(json_array_size(src), json_array_size(dst));
        for (size_t i = 0; i < json_array_size(src); i++) {
            json_t *s = json_array_get(src, i), *d = json_array_get(dst, i);
            assert_string_equal(th_jstr(s, "sha"), th_jstr(d, "sha"));
            assert_string_equal(th_jstr(s, "name"), th_jstr(d, "name"));
        }
        json_decref(src);
        json_decref(dst);
    }
    /* The unit's people cannot import: the member not at all, the archivist not elsewhere. */
    r = import(&member, unit1, export_year, "p.zip", export_zip.p, export_zip.n);
    th_assert_error(r, 403, "forbidden", NULL);
    th_resp_free(r);
    r = import(&unitadmin, unit2, export_year, "p.zip", export_zip.p, export_zip.n);
    th_assert_error(r, 404, "not_found", NULL);
    th_resp_free(r);
    assert_no_strays();
}

static void
test_import_hostile(void **state)
{
    (void)state;
    const int year = 2015;
    struct bytes pdf = pdf_make("邪恶", 300), good = pdf_make("正常", 300);
    const char *names[] = { "../evil.pdf", "/tmp/evil-abs.pdf", "1.1.1/../../evil.pdf",
                            "1.1.1/正常.pdf", "没有这个指标/x.pdf" };
    struct bytes datas[] = { pdf, pdf, pdf, good, pdf };
    struct bytes zip = th_zip_make(names, datas, 5);
    struct th_resp *r = import(&office, unit2, year, "slip.zip", zip.p, zip.n);
    th_assert_status(r, 200);
    assert_int_equal(th_jint(r->json, "imported"), 1);
    const json_t *ok = report_entry(r->json, "正常.pdf");
    assert_non_null(ok);
    assert_string_equal(th_jstr(ok, "status"), "imported");
    assert_string_equal(th_jstr(ok, "code"), "1.1.1");
    size_t i;
    json_t *x;
    unsigned skipped = 0;
    json_array_foreach(json_object_get(r->json, "files"), i, x)
    {
        if (0 == strcmp(th_jstr(x, "status"), "imported")) {
            continue;
        }
        assert_string_equal(th_jstr(x, "status"), "skipped");
        assert_true(th_jstr(x, "reason")[0] != '\0');
        skipped++;
    }
    assert_int_equal(skipped, 4);
    assert_int_equal(th_jint(r->json, "skipped"), 4);
    th_resp_free(r);
    json_t *docs = leaf_docs(unit2, year, "1.1.1");
    assert_int_equal(json_array_size(docs), 1);
    assert_string_equal(th_jstr(json_array_get(docs, 0), "name"), "01:正常");
    json_decref(docs);
    struct stat st;
    assert_int_not_equal(stat("/tmp/evil-abs.pdf", &st), 0);
    assert_no_strays();

    /* Not a ZIP: a PDF, random bytes, nothing. */
    r = import(&office, unit2, year, "doc.zip", pdf.p, pdf.n);
    assert_true(415 == r->status || 400 == r->status);
    th_assert_error(r, r->status, NULL, "file");
    th_resp_free(r);
    char noise[4096];
    for (size_t k = 0; k < sizeof noise; k++) {
        noise[k] = (char)(k * 7919 % 251);
    }
    r = import(&office, unit2, year, "noise.zip", noise, sizeof noise);
    assert_true(415 == r->status || 400 == r->status);
    th_resp_free(r);
    /* A ZIP cut in half. */
    r = import(&office, unit2, year, "half.zip", export_zip.p, export_zip.n / 2);
    assert_true(415 == r->status || 400 == r->status || 200 == r->status);
    th_resp_free(r);
    char path[128];
    snprintf(path, sizeof path, "/api/v1/units/%lld/archives/%d/import", (long long)unit2, year);
    const char *fields[] = { "x", "y", NULL };
    r = th_upload(&srv, path, &office, 0, NULL, 0, fields);
    th_assert_error(r, 400, "bad_request", "file");
    th_resp_free(r);
    docs = leaf_docs(unit2, year, "1.1.1");
    assert_int_equal(json_array_size(docs), 1);
    json_decref(docs);
    assert_int_equal(tmp_wait(0, 2000), 0);
    assert_alive();
    free(zip.p);
    free(pdf.p);
    free(good.p);
}

/* Five good files then a zip bomb: refused as a whole with a report naming the bomb, and
** nothing stored (no document, no object left behind); the same again changes nothing. */
static void
test_import_all_or_nothing(void **state)
{
    (void)state;
    const char *leaf = "1.1.2";
    json_t *docs = leaf_docs(unit2, export_year, leaf);
    size_t before_docs = json_array_size(docs);
    json_decref(docs);
    unsigned before_objects = object_count();
    const char *names[6] = { "1.1.2/好一.pdf", "1.1.2/好二.pdf", "1.1.2/好三.pdf",
                             "1.1.2/好四.pdf", "1.1.2/好五.pdf", "1.1.2/炸弹.pdf" };
    struct bytes datas[6];
    for (int k = 0; k < 5; k++) {
        char tag[32];
        snprintf(tag, sizeof tag, "全有或全无 %d", k);
        datas[k] = pdf_make(tag, 400 + 50 * (size_t)k);
    }
    datas[5] = pdf_make("炸弹", (size_t)6 << 20); /* deflates far beyond 200:1 */
    struct bytes zip = th_zip_make(names, datas, 6);
    assert_true(zip.n < ((size_t)1 << 20));
    for (int round = 0; round < 2; round++) {
        struct th_resp *r = import(&office, unit2, export_year, "bomb.zip", zip.p, zip.n);
        assert_true(r->status >= 400 && r->status < 500);
        const json_t *err = json_object_get(r->json, "error");
        assert_non_null(err);
        assert_non_null(strstr(th_jstr(err, "message"), "压缩炸弹"));
        const json_t *rep = json_object_get(err, "report");
        assert_non_null(rep);
        assert_int_equal(th_jint(rep, "imported"), 0);
        assert_true(json_is_true(json_object_get(rep, "refused")));
        const json_t *bomb = report_entry(rep, "炸弹.pdf");
        assert_non_null(bomb);
        assert_string_equal(th_jstr(bomb, "status"), "refused");
        assert_non_null(strstr(th_jstr(bomb, "reason"), "压缩炸弹"));
        const json_t *good = report_entry(rep, "好三.pdf");
        assert_non_null(good);
        assert_string_equal(th_jstr(good, "status"), "not_imported");
        assert_null(json_object_get(good, "document_id"));
        th_resp_free(r);
        docs = leaf_docs(unit2, export_year, leaf);
        assert_int_equal(json_array_size(docs), before_docs);
        json_decref(docs);
        assert_int_equal(object_count(), before_objects);
        assert_no_strays();
    }
    /* The import page shows the same report, with the entry at fault. */
    char path[128];
    snprintf(path, sizeof path, "/units/%lld/archives/%d/import", (long long)unit2, export_year);
    struct th_file f = { .name = "bomb.zip", .data = zip.p, .len = zip.n };
    struct th_resp *r = th_upload(&srv, path, &office, TH_COOKIE, &f, 1, NULL);
    assert_true(r->status >= 400 && r->status < 500);
    assert_non_null(strstr(r->body, "炸弹.pdf"));
    assert_non_null(strstr(r->body, "压缩炸弹"));
    assert_non_null(strstr(r->body, "未导入"));
    th_resp_free(r);
    docs = leaf_docs(unit2, export_year, leaf);
    assert_int_equal(json_array_size(docs), before_docs);
    json_decref(docs);
    assert_int_equal(object_count(), before_objects);
    /* Without the bomb the five go in, in one import; a retry stores nothing new. */
    struct bytes five = th_zip_make(names, datas, 5);
    for (int round = 0; round < 2; round++) {
        r = import(&office, unit2, export_year, "five.zip", five.p, five.n);
        th_assert_status(r, 200);
        assert_int_equal(th_jint(r->json, "imported"), round ? 0 : 5);
        assert_int_equal(th_jint(r->json, "skipped"), round ? 5 : 0);
        const json_t *e = report_entry(r->json, "好一.pdf");
        assert_non_null(e);
        assert_string_equal(th_jstr(e, "status"), round ? "skipped" : "imported");
        if (round) {
            assert_string_equal(th_jstr(e, "reason"), "已存在，跳过");
        }
        th_resp_free(r);
        /* one archive.import entry per import, with its counts and the package's name */
        r = th_api(&srv, "GET", "/api/v1/audit?action=archive.import&limit=1", &admin,
                   TH_BEARER, NULL);
        th_assert_status(r, 200);
        const json_t *ent = json_array_get(json_object_get(r->json, "items"), 0);
        assert_non_null(ent);
        assert_string_equal(th_jstr(ent, "action_label"), "导入档案包");
        const json_t *aft = json_object_get(json_object_get(ent, "summary"), "after");
        assert_string_equal(th_jstr(aft, "package"), "five.zip");
        assert_int_equal(th_jint(aft, "imported"), round ? 0 : 5);
        assert_int_equal(th_jint(aft, "skipped"), round ? 5 : 0);
        assert_int_equal(th_jint(aft, "refused"), 0);
        assert_int_equal(th_jint(aft, "year"), export_year);
        th_resp_free(r);
        docs = leaf_docs(unit2, export_year, leaf);
        assert_int_equal(json_array_size(docs), before_docs + 5);
        json_decref(docs);
        assert_int_equal(object_count(), before_objects + 5);
    }
    assert_no_strays();
    for (int k = 0; k < 6; k++) {
        free(datas[k].p);
    }
    free(zip.p);
    free(five.p);
}

/* Bidi and zero-width characters ("invoice\u202Efdp.exe", which reads as invoiceexe.pdf)
** leave an uploaded name, the title made from it, the text fields a user types, and the
** names of a package's entries. */
static void
test_invisible_chars(void **state)
{
    (void)state;
    struct bytes pdf = pdf_make("从右到左", 300);
    struct th_file f = { .name = "invoice\u202Efdp.pdf", .data = pdf.p, .len = pdf.n };
    struct th_resp *r = upload(&office, unit2, export_year, "1.2.1", &f, 1, NULL);
    th_assert_status(r, 201);
    json_t *d = json_array_get(json_object_get(r->json, "items"), 0);
    int64_t id = th_jint(d, "id");
    assert_string_equal(th_jstr(d, "filename"), "invoicefdp.pdf");
    assert_string_equal(th_jstr(d, "title"), "invoicefdp");
    th_resp_free(r);
    r = doc_get("", id, &admin);
    assert_string_equal(th_jstr(r->json, "title"), "invoicefdp");
    th_resp_free(r);
    /* a title and the other fields given with the upload, and changed later */
    struct bytes pdf2 = pdf_make("从右到左二", 320);
    f = (struct th_file){ .name = "\u200B通知\uFEFF.pdf", .data = pdf2.p, .len = pdf2.n };
    const char *fields[] = { "title", "发票\u202Egpj.exe", "author", "办\u2066公\u2069室\u200E",
                             NULL };
    r = upload(&office, unit2, export_year, "1.2.1", &f, 1, fields);
    th_assert_status(r, 201);
    d = json_array_get(json_object_get(r->json, "items"), 0);
    int64_t id2 = th_jint(d, "id");
    assert_string_equal(th_jstr(d, "filename"), "通知.pdf");
    assert_string_equal(th_jstr(d, "title"), "发票gpj.exe");
    assert_string_equal(th_jstr(d, "author"), "办公室");
    th_resp_free(r);
    char path[96];
    snprintf(path, sizeof path, "/api/v1/documents/%lld", (long long)id2);
    r = api("PATCH", path, &office,
            json_pack("{s:s, s:s, s:s, s:s}", "title", "\u202D报告\u202C", "keywords",
                      "文明\u200D创建", "remarks", "备注\u061C", "dept", "\u200F科室"));
    th_assert_status(r, 200);
    th_resp_free(r);
    r = doc_get("", id2, &admin);
    assert_string_equal(th_jstr(r->json, "title"), "报告");
    assert_string_equal(th_jstr(r->json, "keywords"), "文明创建");
    assert_string_equal(th_jstr(r->json, "remarks"), "备注");
    assert_string_equal(th_jstr(r->json, "dept"), "科室");
    th_resp_free(r);
    /* a package's entry */
    const char *names[1] = { "1.2.1/清单\u202Efdp.exe.pdf" };
    struct bytes datas[1] = { pdf_make("包内从右到左", 340) };
    struct bytes zip = th_zip_make(names, datas, 1);
    r = import(&office, unit2, export_year, "bidi.zip", zip.p, zip.n);
    th_assert_status(r, 200);
    assert_int_equal(th_jint(r->json, "imported"), 1);
    int64_t id3 = th_jint(json_array_get(json_object_get(r->json, "files"), 0), "document_id");
    th_resp_free(r);
    r = doc_get("", id3, &admin);
    th_assert_status(r, 200);
    assert_null(strstr(r->body, "\u202E"));
    assert_null(strstr(r->body, "\\u202e"));
    assert_non_null(strstr(th_jstr(r->json, "title"), "清单fdp"));
    th_resp_free(r);
    free(zip.p);
    free(datas[0].p);
    free(pdf.p);
    free(pdf2.p);
}

/* A file name longer than the 600 bytes kept is cut at a character boundary before its
** extension: a Chinese name after an ASCII character (so that byte 600 falls inside a
** character) keeps its characters and its ".pdf", and no notice claims it had no
** extension. */
static void
test_long_name(void **state)
{
    (void)state;
    char name[1024] = "1";
    size_t len = 1;
    for (int i = 0; i < 300; i++, len += 3) {
        memcpy(name + len, "长", 3);
    }
    memcpy(name + len, ".pdf", 5);
    struct bytes pdf = pdf_make("很长的文件名", 360);
    struct th_file f = { .name = name, .data = pdf.p, .len = pdf.n };
    struct th_resp *r = upload(&office, unit2, export_year, "1.2.1", &f, 1, NULL);
    th_assert_status(r, 201);
    json_t *d = json_array_get(json_object_get(r->json, "items"), 0);
    const char *fn = th_jstr(d, "filename");
    size_t n = strlen(fn);
    /* "1", then whole 长 (three bytes each), then ".pdf" */
    assert_true(n <= 600 && n > 500);
    assert_int_equal((n - 1 - 4) % 3, 0);
    assert_int_equal(fn[0], '1');
    for (size_t i = 1; i + 4 < n; i += 3) {
        assert_memory_equal(fn + i, "长", 3);
    }
    assert_string_equal(fn + n - 4, ".pdf");
    json_t *notice = json_object_get(d, "notice");
    assert_true(NULL == notice || json_is_null(notice));
    th_resp_free(r);
    free(pdf.p);
}

/* The same package imported by several requests at once: each file is stored once. */
static void
test_import_concurrent(void **state)
{
    (void)state;

    enum {
        N = 4,
        FILES = 5
    };

    const char *leaf = "2.1.1";
    const char *names[FILES] = { "2.1.1/并发一.pdf", "2.1.1/并发二.pdf", "2.1.1/并发三.pdf",
                                 "2.1.1/并发四.pdf", "2.1.1/并发五.pdf" };
    struct bytes datas[FILES];
    for (int k = 0; k < FILES; k++) {
        char tag[32];
        snprintf(tag, sizeof tag, "并发导入 %d", k);
        datas[k] = pdf_make(tag, 1000);
        /* large enough for the requests to overlap, and not compressible (no bomb) */
        uint32_t v = 2166136261u + (uint32_t)k;
        for (int b = 0; b < 300000; b++) {
            v = v * 1103515245u + 12345u;
            unsigned char c = (unsigned char)(v >> 16);
            bytes_add(&datas[k], &c, 1);
        }
    }
    struct bytes zip = th_zip_make(names, datas, FILES);
    json_t *docs = leaf_docs(unit2, export_year, leaf);
    size_t before = json_array_size(docs);
    json_decref(docs);
    char url[300];
    snprintf(url, sizeof url, "%s/api/v1/units/%lld/archives/%d/import", srv.base,
             (long long)unit2, export_year);
    struct xfer x[N];
    memset(x, 0, sizeof x);
    CURLM *m = curl_multi_init();
    assert_non_null(m);
    for (int i = 0; i < N; i++) {
        struct th_file f = { .name = "pkg.zip", .data = zip.p, .len = zip.n };
        xfer_start(m, &x[i], url, &office, &f);
    }
    xfers_run(m);
    int64_t imported = 0, skipped = 0;
    for (int i = 0; i < N; i++) {
        xfer_finish(m, &x[i], 200, "import", i);
        assert_int_equal(x[i].status, 200);
        json_t *j = json_loadb(x[i].body.p, x[i].body.n, 0, NULL);
        imported += th_jint(j, "imported");
        skipped += th_jint(j, "skipped");
        json_decref(j);
        free(x[i].body.p);
    }
    curl_multi_cleanup(m);
    assert_int_equal(imported, FILES);
    assert_int_equal(skipped, (N - 1) * FILES);
    docs = leaf_docs(unit2, export_year, leaf);
    assert_int_equal(json_array_size(docs), before + FILES);
    json_decref(docs);
    assert_no_strays();
    for (int k = 0; k < FILES; k++) {
        free(datas[k].p);
    }
    free(zip.p);
}

/* The same package imported twice: the second time every file is already there. */
static void
test_import_retry_idempotent(void **state)
{
    (void)state;
    assert_non_null(export_zip.p);
    json_t *a = leaf_docs(unit2, export_year, "1.1.1");
    unsigned objects = object_count();
    struct th_resp *r =
        import(&office, unit2, export_year, "package.zip", export_zip.p, export_zip.n);
    th_assert_status(r, 200);
    assert_int_equal(th_jint(r->json, "imported"), 0);
    assert_int_equal(th_jint(r->json, "skipped"), 3);
    const json_t *e = report_entry(r->json, "01：主题.pdf");
    assert_non_null(e);
    assert_string_equal(th_jstr(e, "status"), "skipped");
    assert_string_equal(th_jstr(e, "reason"), "已存在，跳过");
    th_resp_free(r);
    json_t *b = leaf_docs(unit2, export_year, "1.1.1");
    assert_int_equal(json_array_size(a), json_array_size(b));
    assert_int_equal(object_count(), objects);
    json_decref(a);
    json_decref(b);
    assert_no_strays();
}

/* ---------------------------------------------------------------- the size limit */

static int
small_setup(const char *conf)
{
    if (th_server_create(&srv, conf) || th_server_start(&srv, NULL) ||
        201 != th_login(&srv, "unitadmin", TH_DEMO_PW, &unitadmin) ||
        201 != th_login(&srv, "admin", TH_DEMO_PW, &admin) ||
        th_make_token(&srv, &unitadmin, "limit") <= 0 ||
        th_make_token(&srv, &admin, "limit") <= 0) {
        return -1;
    }
    unit1 = th_unit_id(&srv, &admin, "DEMO001");
    return unit1 && th_archive_create(&srv, &admin, unit1, 2005) &&
                   th_archive_create(&srv, &admin, unit1, 2016)
               ? 0
               : -1;
}

static int
limit_setup(void **state)
{
    (void)state;
    return small_setup("upload_max = 100000");
}

static int
timeout_setup(void **state)
{
    (void)state;
    return small_setup("connection_timeout = 2");
}

static void
test_size_limit(void **state)
{
    (void)state;
    const int year = 2016;
    struct bytes big = pdf_make("过大", 150000), small = pdf_make("刚好", 90000);
    unsigned before = object_count();
    struct th_file f = { .name = "过大.pdf", .data = big.p, .len = big.n };
    struct th_resp *r = upload(&unitadmin, unit1, year, "1.1.1", &f, 1, NULL);
    th_assert_error(r, 413, NULL, "file");
    th_resp_free(r);
    /* With a small file first in the same request: nothing at all. */
    struct th_file two[] = { { .name = "刚好.pdf", .data = small.p, .len = small.n }, f };
    r = upload(&unitadmin, unit1, year, "1.1.1", two, 2, NULL);
    th_assert_error(r, 413, NULL, "file");
    th_resp_free(r);
    json_t *docs = leaf_docs(unit1, year, "1.1.1");
    assert_int_equal(json_array_size(docs), 0);
    json_decref(docs);
    assert_int_equal(object_count(), before);
    assert_int_equal(tmp_wait(0, 2000), 0);
    /* Within the limit: stored. */
    (void)upload1(&unitadmin, unit1, year, "1.1.1", "刚好.pdf", small.p, small.n);
    assert_int_equal(object_count(), before + 1);
    /* A new version over the limit is refused the same way. */
    docs = leaf_docs(unit1, year, "1.1.1");
    char path[96];
    snprintf(path, sizeof path, "/api/v1/documents/%lld/versions",
             (long long)th_jint(json_array_get(docs, 0), "id"));
    json_decref(docs);
    r = th_upload(&srv, path, &unitadmin, 0, &f, 1, NULL);
    th_assert_error(r, 413, NULL, "file");
    th_resp_free(r);
    assert_int_equal(object_count(), before + 1);
    assert_int_equal(tmp_wait(0, 2000), 0);
    assert_alive();
    free(big.p);
    free(small.p);
}

/* ---------------------------------------------------------------- times */

/* A time of the API: RFC 3339, "2026-11-27T11:00:00Z" (or with a numeric offset). */
static void
assert_time_at(const json_t *o, const char *key, const char *file, int line)
{
    const char *s = json_string_value(json_object_get(o, key));
    bool ok = s && strlen(s) >= 20 && 'T' == s[10] && '-' == s[4] && '-' == s[7] &&
              ':' == s[13] && ':' == s[16];
    for (size_t i = 0; ok && i < 19; i++) {
        ok = (4 == i || 7 == i || 10 == i || 13 == i || 16 == i) || isdigit((unsigned char)s[i]);
    }
    ok = ok && (0 == strcmp(s + 19, "Z") ||
                (6 == strlen(s + 19) && strchr("+-", s[19]) && ':' == s[22]));
    if (!ok) {
        char *dump = th_jdump(json_incref((json_t *)o));
        print_error("%s: \"%s\" is not an RFC 3339 time in %s\n", key, s ? s : "(none)", dump);
        free(dump);
        _fail(file, line);
    }
}
#define assert_time(o, key) assert_time_at((o), (key), __FILE__, __LINE__)

/* GET path as c: the answer's JSON (a new reference). */
static json_t *
get_json(const char *path, const struct th_cred *c)
{
    struct th_resp *r = api("GET", path, c, NULL);
    th_assert_status(r, 200);
    json_t *j = json_incref(r->json);
    th_resp_free(r);
    return j;
}

/* The first item of a list answer. */
static const json_t *
first_item(const json_t *page)
{
    const json_t *x = json_array_get(json_object_get(page, "items"), 0);
    assert_non_null(x);
    return x;
}

/* Every resource's times go out as RFC 3339, never as Unix seconds: orgs and units, users,
** tokens, editions (published_at), archives, documents (deleted_at), versions, audit entries. */
static void
test_api_times(void **state)
{
    (void)state;
    const int year = 2022;
    char path[160];
    assert_true(th_archive_create(&srv, &admin, unit1, year));
    int64_t d = upload_pdf(&unitadmin, unit1, year, "1.1.1", "时间.pdf");
    /* a document, alive and in the trash */
    snprintf(path, sizeof path, "/api/v1/documents/%lld", (long long)d);
    json_t *j = get_json(path, &unitadmin);
    assert_time(j, "created_at");
    assert_time(j, "updated_at");
    assert_true(json_is_null(json_object_get(j, "deleted_at")));
    json_decref(j);
    snprintf(path, sizeof path, "/api/v1/units/%lld/archives/%d/indicators/1.1.1/documents",
             (long long)unit1, year);
    j = get_json(path, &unitadmin);
    assert_time(first_item(j), "created_at");
    json_decref(j);
    snprintf(path, sizeof path, "/api/v1/documents/%lld/versions", (long long)d);
    j = get_json(path, &unitadmin);
    assert_time(first_item(j), "created_at");
    json_decref(j);
    snprintf(path, sizeof path, "/api/v1/documents/%lld", (long long)d);
    struct th_resp *r = api("DELETE", path, &unitadmin, NULL);
    th_assert_status(r, 200);
    th_resp_free(r);
    j = get_json(path, &unitadmin);
    assert_time(j, "deleted_at");
    json_decref(j);
    json_t *trash = trash_list(year);
    assert_time(json_array_get(trash, 0), "deleted_at");
    json_decref(trash);
    /* the archive, one and listed */
    snprintf(path, sizeof path, "/api/v1/units/%lld/archives/%d", (long long)unit1, year);
    j = get_json(path, &unitadmin);
    assert_time(j, "created_at");
    json_decref(j);
    snprintf(path, sizeof path, "/api/v1/units/%lld/archives", (long long)unit1);
    j = get_json(path, &unitadmin);
    assert_time(first_item(j), "created_at");
    json_decref(j);
    /* orgs and units */
    j = get_json("/api/v1/orgs", &admin);
    assert_time(first_item(j), "created_at");
    json_decref(j);
    snprintf(path, sizeof path, "/api/v1/orgs/%lld", (long long)admin.org_id);
    j = get_json(path, &admin);
    assert_time(j, "created_at");
    json_decref(j);
    j = get_json("/api/v1/units", &office);
    assert_time(first_item(j), "created_at");
    json_decref(j);
    snprintf(path, sizeof path, "/api/v1/units/%lld", (long long)unit1);
    j = get_json(path, &office);
    assert_time(j, "created_at");
    json_decref(j);
    /* users */
    j = get_json("/api/v1/users", &admin);
    assert_time(first_item(j), "created_at");
    json_decref(j);
    snprintf(path, sizeof path, "/api/v1/users/%lld", (long long)member.user_id);
    j = get_json(path, &admin);
    assert_time(j, "created_at");
    json_decref(j);
    /* tokens: last_used is a time once the token was used (null before) */
    r = th_api(&srv, "GET", "/api/v1/tokens", &admin, TH_BEARER, NULL);
    th_assert_status(r, 200);
    assert_time(first_item(r->json), "created_at");
    assert_false(json_is_integer(json_object_get(first_item(r->json), "last_used")));
    if (!json_is_null(json_object_get(first_item(r->json), "last_used"))) {
        assert_time(first_item(r->json), "last_used");
    }
    th_resp_free(r);
    /* editions: the demo's are published */
    j = get_json("/api/v1/frameworks?status=published", &office);
    assert_time(first_item(j), "created_at");
    assert_time(first_item(j), "published_at");
    const json_t *ed = first_item(j);
    snprintf(path, sizeof path, "/api/v1/frameworks/%lld", (long long)th_jint(ed, "id"));
    json_decref(j);
    j = get_json(path, &office);
    assert_time(j, "published_at");
    json_decref(j);
    /* audit entries */
    j = get_json("/api/v1/audit", &admin);
    assert_time(first_item(j), "at");
    assert_time(first_item(j), "time");
    json_decref(j);
}

int
main(int argc, char **argv)
{
    if (!th_init(argc, argv) || sodium_init() < 0) {
        return 1;
    }
    (void)setlocale(LC_CTYPE, "C.UTF-8");
    const struct CMUnitTest archive[] = {
        cmocka_unit_test(test_upload_pdf),
        cmocka_unit_test(test_upload_several),
        cmocka_unit_test(test_upload_concurrent),
        cmocka_unit_test(test_same_file_twice),
        cmocka_unit_test(test_empty_file),
        cmocka_unit_test(test_executable_named_pdf),
        cmocka_unit_test(test_hostile_names),
        cmocka_unit_test(test_truncated_multipart),
        cmocka_unit_test(test_scope),
        cmocka_unit_test(test_thumbnail),
        cmocka_unit_test(test_download_audited),
        cmocka_unit_test(test_disk_full),
        cmocka_unit_test(test_range),
        cmocka_unit_test(test_versions),
        cmocka_unit_test(test_patch),
        cmocka_unit_test(test_move),
        cmocka_unit_test(test_reorder),
        cmocka_unit_test(test_trash),
        cmocka_unit_test(test_api_times),
        cmocka_unit_test(test_completeness),
        cmocka_unit_test(test_get_never_creates),
        cmocka_unit_test(test_create_delete),
        cmocka_unit_test(test_name_follows_bytes),
        cmocka_unit_test(test_export),
        cmocka_unit_test(test_import_roundtrip),
        cmocka_unit_test(test_import_hostile),
        cmocka_unit_test(test_import_retry_idempotent),
        cmocka_unit_test(test_import_all_or_nothing),
        cmocka_unit_test(test_import_concurrent),
        cmocka_unit_test(test_invisible_chars),
        cmocka_unit_test(test_long_name),
        cmocka_unit_test(test_graceful_stop),
    };
    const struct CMUnitTest limit[] = {
        cmocka_unit_test(test_size_limit),
        cmocka_unit_test(test_graceful_stop),
    };
    const struct CMUnitTest timeout[] = {
        cmocka_unit_test(test_disconnect_mid_upload),
        cmocka_unit_test(test_graceful_stop),
    };
    int failed = 0;
    failed += cmocka_run_group_tests_name("archive", archive, archive_setup, group_teardown);
    failed += cmocka_run_group_tests_name("limit", limit, limit_setup, group_teardown);
    failed += cmocka_run_group_tests_name("disconnect", timeout, timeout_setup, group_teardown);
    free(export_zip.p);
    free(export_doc.p);
    th_done();
    return failed + th_teardown_failures;
}
