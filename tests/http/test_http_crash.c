/*
** test_http_crash.c — nothing answered is lost (issue 13): a real `wenming serve` takes
** concurrent uploads and edits from several threads (new documents, new versions, metadata
** edits, moves between leaves, moves to the trash and back) and is killed with SIGKILL at a
** random moment; with the server down `wenming verify blobs` and `wenming verify audit` must
** be clean on its data directory; the server must start again on it, with no temp file of
** an upload left, and then every change answered 2xx before the kill must be there: each
** document where it was put, with the metadata it was answered with, each version with the
** SHA-256 of the bytes sent (the versions of the round downloaded and hashed; every version
** once more at the end).  A request the kill cut off may have happened or not, but wholly:
** a document nobody was answered for must be one of the uploads in flight, complete; an
** edit in flight shows its old or its new values, never a mix.  10 rounds (WM_CRASH_ROUNDS);
** the kill delays come from a seed printed at the start (WM_CRASH_SEED=N replays them).
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
#include <time.h>
#include <unistd.h>

#include <setjmp.h> /* before cmocka.h */
#include <sodium.h>

/* clang-format off */
#include <cmocka.h>
/* clang-format on */

#include "harness.h"

#define YEAR     2007
#define WORKERS  4
#define MAX_DOCS 8192
#define MAX_VERS 12
#define NLEAVES  3

static const char *const leaves[NLEAVES] = { "1.1.1", "1.1.2", "2.1.1" };

static struct th_server srv;
static struct th_cred unitadmin;
static int64_t unit1;
static unsigned rounds = 10;
static uint64_t seed;

/* ---------------------------------------------------------------- what was answered */

struct ver {
    char sha[65];
    size_t len;
};

enum op { OP_NONE, OP_UPLOAD, OP_VERSION, OP_EDIT, OP_MOVE, OP_TRASH, OP_RESTORE, OP_N };
static const char *const op_names[OP_N] = { "-",    "upload", "version", "edit",
                                             "move", "trash",  "restore" };

/*
** A document as its answers left it.  Only its owner thread changes it while the workers
** run; the main thread reads it after joining them.  pend is the request the kill cut off
** (its outcome unknown), with the values it would have set.
*/
struct doc {
    int64_t id;
    int owner;
    char code[16];
    bool trashed;
    char title[64], remarks[64];
    int nver;
    struct ver v[MAX_VERS];
    int checked; /* versions 1..checked were downloaded and hashed */
    enum op pend;
    char ptitle[64], premarks[64], pcode[16];
    struct ver pv;
};

static struct doc docs[MAX_DOCS];
static int ndocs;
static pthread_mutex_t docs_mu = PTHREAD_MUTEX_INITIALIZER;

/* An upload of a new document the kill cut off (one per worker at most). */
struct pend_upload {
    bool on;
    char code[16];
    struct ver v;
};

struct worker {
    int no;
    pthread_t t;
    uint64_t rng;
    int round;
    unsigned answered[OP_N];
    unsigned errors; /* answers that were not the expected 2xx, transfers failed before the kill */
    struct pend_upload pu;
    enum op cut; /* the operation the kill cut off (OP_NONE: it stopped between requests) */
};

static struct worker workers[WORKERS];
static volatile int killed; /* set just before the kill (atomics below) */
static volatile int stop;

/* ---------------------------------------------------------------- helpers */

static uint64_t
rnd(uint64_t *s) /* splitmix64 */
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static unsigned
rnd_below(uint64_t *s, unsigned n)
{
    return (unsigned)(rnd(s) % n);
}

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

/*
** One request of a worker on its own handle: JSON body or a multipart body, bearer token.
** The HTTP status (0 when the transfer failed: the server is gone), the answer's JSON into
** *out when wanted (caller releases).
*/
static long
wreq(CURL *h, const char *method, const char *path, const char *json, curl_mime *mime, json_t **out)
{
    char url[512], auth[256];
    snprintf(url, sizeof url, "%s%s", srv.base, path);
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", unitadmin.token);
    struct curl_slist *hl = curl_slist_append(NULL, auth);
    hl = curl_slist_append(hl, "Expect:");
    if (json) {
        hl = curl_slist_append(hl, "Content-Type: application/json");
    }
    struct bytes body = { 0 };
    curl_easy_reset(h);
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
    if (mime) {
        curl_easy_setopt(h, CURLOPT_MIMEPOST, mime);
    } else if (json) {
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, json);
    } else if (0 == strcmp(method, "POST")) {
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, 0L);
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, "");
    }
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hl);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, body_write);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &body);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, 60L);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    long status = 0;
    if (CURLE_OK == curl_easy_perform(h)) {
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    }
    if (out) {
        *out = body.p ? json_loadb(body.p, body.n, 0, NULL) : NULL;
    }
    if (status && (status < 200 || status > 299)) {
        fprintf(stderr, "%s %s: HTTP %ld %.*s\n", method, path, status, (int)body.n,
                body.p ? body.p : "");
    }
    curl_slist_free_all(hl);
    free(body.p);
    return status;
}

/* A PDF made unique by its tag: mostly small, one in twelve large enough to be cut off
** while it streams. */
static struct bytes
make_content(struct worker *w, const char *what, int n)
{
    char tag[96];
    snprintf(tag, sizeof tag, "crash r%d w%d %s %d %llx", w->round, w->no, what, n,
             (unsigned long long)rnd(&w->rng));
    size_t size = 0 == rnd_below(&w->rng, 12) ? 256 * 1024 + rnd_below(&w->rng, 1280 * 1024)
                                                : 600 + rnd_below(&w->rng, 40 * 1024);
    return pdf_make(tag, size);
}

/* A transfer failed: before the kill that is an error; after it, the end of the round. */
static void
cut_off(struct worker *w, enum op op)
{
    if (!__atomic_load_n(&killed, __ATOMIC_SEQ_CST)) {
        fprintf(stderr, "worker %d: %s failed before the kill\n", w->no, op_names[op]);
        w->errors++;
    }
    w->cut = op;
}

/* ---------------------------------------------------------------- the operations */

/* Upload a new document into a random leaf: its index in docs into *at.  false: the worker
** stops. */
static bool
do_upload(struct worker *w, CURL *h, int *at)
{
    const char *code = leaves[rnd_below(&w->rng, NLEAVES)];
    char path[256];
    snprintf(path, sizeof path, "/api/v1/units/%lld/archives/%d/indicators/%s/documents",
             (long long)unit1, YEAR, code);
    struct bytes pdf = make_content(w, "doc", (int)w->answered[OP_UPLOAD]);
    char name[64];
    snprintf(name, sizeof name, "崩溃测试%d-%u.pdf", w->no, w->answered[OP_UPLOAD]);
    struct th_file f = { .name = name, .data = pdf.p, .len = pdf.n };
    curl_mime *mime = th_mime_new(h, &unitadmin, TH_BEARER, &f, 1, NULL);
    struct ver v;
    sha256_hex(pdf.p, pdf.n, v.sha);
    v.len = pdf.n;
    free(pdf.p);
    /* recorded as in flight before it is sent */
    w->pu.on = true;
    snprintf(w->pu.code, sizeof w->pu.code, "%s", code);
    w->pu.v = v;
    json_t *j = NULL;
    long st = wreq(h, "POST", path, NULL, mime, &j);
    curl_mime_free(mime);
    bool go_on = true;
    if (201 == st) {
        w->pu.on = false;
        json_t *d = json_array_get(json_object_get(j, "items"), 0);
        pthread_mutex_lock(&docs_mu);
        *at = ndocs < MAX_DOCS ? ndocs++ : -1;
        pthread_mutex_unlock(&docs_mu);
        struct doc *x = *at >= 0 ? &docs[*at] : NULL;
        if (NULL == x || th_jint(d, "id") <= 0 || 0 != strcmp(th_jstr(d, "sha"), v.sha)) {
            fprintf(stderr, "worker %d: upload answered 201 but %s\n", w->no,
                    x ? "not with its id and SHA-256" : "the test's table is full");
            w->errors++;
            go_on = false;
        } else {
            memset(x, 0, sizeof *x);
            x->id = th_jint(d, "id");
            x->owner = w->no;
            snprintf(x->code, sizeof x->code, "%s", code);
            snprintf(x->title, sizeof x->title, "%s", th_jstr(d, "title"));
            snprintf(x->remarks, sizeof x->remarks, "%s", th_jstr(d, "remarks"));
            x->nver = 1;
            x->v[0] = v;
            w->answered[OP_UPLOAD]++;
        }
    } else if (0 == st) {
        cut_off(w, OP_UPLOAD);
        go_on = false;
    } else {
        w->pu.on = false;
        w->errors++;
        go_on = false;
    }
    json_decref(j);
    return go_on;
}

/* An operation on one of the worker's documents.  false: the worker stops. */
static bool
do_doc_op(struct worker *w, CURL *h, struct doc *x, enum op op)
{
    char path[128], body[256];
    const char *method = "POST", *json = NULL;
    curl_mime *mime = NULL;
    int n = (int)w->answered[op];
    x->pend = op;
    switch (op) {
    case OP_VERSION: {
        snprintf(path, sizeof path, "/api/v1/documents/%lld/versions", (long long)x->id);
        struct bytes pdf = make_content(w, "version", n);
        struct th_file f = { .name = "新版本.pdf", .data = pdf.p, .len = pdf.n };
        mime = th_mime_new(h, &unitadmin, TH_BEARER, &f, 1, NULL);
        sha256_hex(pdf.p, pdf.n, x->pv.sha);
        x->pv.len = pdf.n;
        free(pdf.p);
        break;
    }
    case OP_EDIT:
        snprintf(path, sizeof path, "/api/v1/documents/%lld", (long long)x->id);
        snprintf(x->ptitle, sizeof x->ptitle, "题名 r%d w%d %d", w->round, w->no, n);
        snprintf(x->premarks, sizeof x->premarks, "备注 r%d w%d %d", w->round, w->no, n);
        snprintf(body, sizeof body, "{\"title\":\"%s\",\"remarks\":\"%s\"}", x->ptitle,
                 x->premarks);
        method = "PATCH";
        json = body;
        break;
    case OP_MOVE: {
        /* to one of the other leaves */
        unsigned k = rnd_below(&w->rng, NLEAVES - 1), at = 0;
        const char *to = NULL;
        for (int i = 0; i < NLEAVES && NULL == to; i++) {
            if (0 != strcmp(leaves[i], x->code) && at++ == k) {
                to = leaves[i];
            }
        }
        snprintf(x->pcode, sizeof x->pcode, "%s", to);
        snprintf(path, sizeof path, "/api/v1/documents/%lld/move", (long long)x->id);
        snprintf(body, sizeof body, "{\"code\":\"%s\"}", to);
        json = body;
        break;
    }
    case OP_TRASH:
        snprintf(path, sizeof path, "/api/v1/documents/%lld", (long long)x->id);
        method = "DELETE";
        break;
    case OP_RESTORE:
        snprintf(path, sizeof path, "/api/v1/documents/%lld/restore", (long long)x->id);
        break;
    default:
        return false;
    }
    json_t *j = NULL;
    long st = wreq(h, method, path, json, mime, &j);
    curl_mime_free(mime);
    bool go_on = true;
    if (0 == st) {
        cut_off(w, op);
        go_on = false;
    } else if ((OP_VERSION == op ? 201 : 200) != st) {
        w->errors++;
        x->pend = OP_NONE;
        go_on = false;
    } else {
        x->pend = OP_NONE;
        w->answered[op]++;
        switch (op) {
        case OP_VERSION:
            if (th_jint(j, "version") != x->nver + 1 || 0 != strcmp(th_jstr(j, "sha"), x->pv.sha)) {
                fprintf(stderr, "worker %d: version %d of %lld answered as %lld\n", w->no,
                        x->nver + 1, (long long)x->id, (long long)th_jint(j, "version"));
                w->errors++;
                go_on = false;
            }
            x->v[x->nver++] = x->pv;
            break;
        case OP_EDIT:
            memcpy(x->title, x->ptitle, sizeof x->title);
            memcpy(x->remarks, x->premarks, sizeof x->remarks);
            break;
        case OP_MOVE:
            memcpy(x->code, x->pcode, sizeof x->code);
            break;
        case OP_TRASH:
            x->trashed = true;
            break;
        case OP_RESTORE:
            x->trashed = false;
            break;
        default:
            break;
        }
    }
    json_decref(j);
    return go_on;
}

static void *
worker_main(void *arg)
{
    struct worker *w = arg;
    CURL *h = curl_easy_init();
    int mine[MAX_DOCS / WORKERS], nmine = 0;
    pthread_mutex_lock(&docs_mu);
    for (int i = 0; i < ndocs && nmine < MAX_DOCS / WORKERS; i++) {
        if (docs[i].owner == w->no) {
            mine[nmine++] = i;
        }
    }
    pthread_mutex_unlock(&docs_mu);
    while (!__atomic_load_n(&stop, __ATOMIC_SEQ_CST)) {
        unsigned dice = rnd_below(&w->rng, 100);
        if (nmine < 3 || dice < 30) {
            int at = -1;
            if (!do_upload(w, h, &at)) {
                break;
            }
            if (nmine < MAX_DOCS / WORKERS) {
                mine[nmine++] = at;
            }
            continue;
        }
        struct doc *x = &docs[mine[rnd_below(&w->rng, (unsigned)nmine)]];
        enum op op;
        if (x->trashed) {
            op = OP_RESTORE;
        } else if (dice < 55) {
            op = OP_EDIT;
        } else if (dice < 75) {
            op = x->nver < MAX_VERS - 1 ? OP_VERSION : OP_EDIT;
        } else if (dice < 88) {
            op = OP_MOVE;
        } else {
            op = OP_TRASH;
        }
        if (!do_doc_op(w, h, x, op)) {
            break;
        }
    }
    curl_easy_cleanup(h);
    return NULL;
}

/* ---------------------------------------------------------------- checks after a restart */

static json_t *
list_get(const char *what)
{
    char path[256];
    if (what) {
        snprintf(path, sizeof path, "/api/v1/units/%lld/archives/%d/indicators/%s/documents",
                 (long long)unit1, YEAR, what);
    } else {
        snprintf(path, sizeof path, "/api/v1/units/%lld/archives/%d/trash", (long long)unit1,
                 YEAR);
    }
    struct th_resp *r = th_api(&srv, "GET", path, &unitadmin, TH_BEARER, NULL);
    th_assert_status(r, 200);
    json_t *items = json_incref(json_object_get(r->json, "items"));
    assert_true(json_is_array(items));
    th_resp_free(r);
    return items;
}

/* Download version n of document id (0: the current one): its bytes hash to want. */
static void
check_content(int64_t id, int n, const struct ver *want)
{
    char path[128];
    snprintf(path, sizeof path, "/api/v1/documents/%lld/content%s", (long long)id,
             n ? "?version=" : "");
    if (n) {
        snprintf(path + strlen(path), sizeof path - strlen(path), "%d", n);
    }
    struct th_resp *r = th_api(&srv, "GET", path, &unitadmin, TH_BEARER, NULL);
    th_assert_status(r, 200);
    char sha[65];
    sha256_hex(r->body, r->len, sha);
    if (r->len != want->len || 0 != strcmp(sha, want->sha)) {
        print_error("document %lld version %d: %zu bytes hashing to %s, sent %zu bytes hashing "
                    "to %s\n",
                    (long long)id, n, r->len, sha, want->len, want->sha);
    }
    assert_int_equal(r->len, want->len);
    assert_string_equal(sha, want->sha);
    th_resp_free(r);
}

/* The versions list of x: exactly its versions, each with the SHA-256 of what was sent. */
static void
check_versions(const struct doc *x)
{
    char path[128];
    snprintf(path, sizeof path, "/api/v1/documents/%lld/versions", (long long)x->id);
    struct th_resp *r = th_api(&srv, "GET", path, &unitadmin, TH_BEARER, NULL);
    th_assert_status(r, 200);
    json_t *items = json_object_get(r->json, "items");
    assert_int_equal(json_array_size(items), x->nver);
    size_t i;
    json_t *v;
    json_array_foreach(items, i, v)
    {
        int64_t n = th_jint(v, "version");
        assert_true(n >= 1 && n <= x->nver);
        assert_string_equal(th_jstr(v, "sha"), x->v[n - 1].sha);
    }
    th_resp_free(r);
}

static bool
row_title_is(const json_t *row, const char *title, const char *remarks)
{
    return 0 == strcmp(th_jstr(row, "title"), title) &&
           0 == strcmp(th_jstr(row, "remarks"), remarks);
}

/*
** The listing's row of x against what x was answered, the cut-off request of x either
** applied wholly or not at all; x then becomes what the row shows.  true when the
** cut-off request was applied.
*/
static bool
check_row(struct doc *x, const json_t *row, const char *listed_in)
{
    bool applied = false;
    bool trashed = NULL == listed_in;
    /* where it is: its leaf, or the trash */
    if (OP_TRASH == x->pend || OP_RESTORE == x->pend) {
        applied = trashed != x->trashed;
    } else if (trashed != x->trashed) {
        print_error("document %lld: answered as %s, found %s\n", (long long)x->id,
                    x->trashed ? "in the trash" : "not in the trash",
                    trashed ? "in the trash" : "in its leaf");
        fail();
    }
    const char *code = th_jstr(row, "indicator_code");
    if (OP_MOVE == x->pend && 0 == strcmp(code, x->pcode)) {
        applied = true;
        memcpy(x->code, x->pcode, sizeof x->code);
    }
    if (0 != strcmp(code, x->code)) {
        print_error("document %lld: answered in leaf %s, found in %s\n", (long long)x->id,
                    x->code, code);
    }
    assert_string_equal(code, x->code);
    if (listed_in) {
        assert_string_equal(listed_in, x->code);
    }
    /* the metadata: the answered values, or wholly the cut-off edit's */
    if (OP_EDIT == x->pend && row_title_is(row, x->ptitle, x->premarks)) {
        applied = true;
        memcpy(x->title, x->ptitle, sizeof x->title);
        memcpy(x->remarks, x->premarks, sizeof x->remarks);
    }
    if (!row_title_is(row, x->title, x->remarks)) {
        print_error("document %lld: answered with title \"%s\" remarks \"%s\", found \"%s\" "
                    "\"%s\"\n",
                    (long long)x->id, x->title, x->remarks, th_jstr(row, "title"),
                    th_jstr(row, "remarks"));
        fail();
    }
    /* the current version and its blob as recorded */
    int64_t n = th_jint(row, "version");
    if (OP_VERSION == x->pend && n == x->nver + 1 && 0 == strcmp(th_jstr(row, "sha"), x->pv.sha)) {
        applied = true;
        x->v[x->nver++] = x->pv;
    }
    if (n != x->nver) {
        print_error("document %lld: %d versions answered, its current one is %lld\n",
                    (long long)x->id, x->nver, (long long)n);
    }
    assert_int_equal(n, x->nver);
    assert_string_equal(th_jstr(row, "sha"), x->v[n - 1].sha);
    assert_int_equal(th_jint(row, "size"), x->v[n - 1].len);
    x->trashed = trashed;
    x->pend = OP_NONE;
    return applied;
}

static struct doc *
doc_by_id(int64_t id)
{
    for (int i = 0; i < ndocs; i++) {
        if (docs[i].id == id) {
            return &docs[i];
        }
    }
    return NULL;
}

/* A document nobody was answered for: it must be an upload the kill cut off, whole. */
static void
adopt(const json_t *row, const char *listed_in)
{
    int64_t id = th_jint(row, "id");
    const char *sha = th_jstr(row, "sha");
    for (int w = 0; w < WORKERS; w++) {
        struct pend_upload *pu = &workers[w].pu;
        if (pu->on && 0 == strcmp(sha, pu->v.sha)) {
            assert_non_null(listed_in); /* new documents are not in the trash */
            assert_string_equal(listed_in, pu->code);
            assert_int_equal(th_jint(row, "version"), 1);
            assert_int_equal(th_jint(row, "size"), pu->v.len);
            assert_true(ndocs < MAX_DOCS);
            struct doc *x = &docs[ndocs++];
            memset(x, 0, sizeof *x);
            x->id = id;
            x->owner = w;
            snprintf(x->code, sizeof x->code, "%s", pu->code);
            snprintf(x->title, sizeof x->title, "%s", th_jstr(row, "title"));
            snprintf(x->remarks, sizeof x->remarks, "%s", th_jstr(row, "remarks"));
            x->nver = 1;
            x->v[0] = pu->v;
            pu->on = false;
            return;
        }
    }
    print_error("document %lld (%s, %s) is none of the uploads answered or cut off\n",
                (long long)id, th_jstr(row, "name"), sha);
    fail();
}

/* The files left in blobs/tmp (after a start: none). */
static unsigned
tmp_files(void)
{
    char p[PATH_MAX + 16];
    snprintf(p, sizeof p, "%s/blobs/tmp", srv.dir);
    DIR *d = opendir(p);
    assert_non_null(d);
    unsigned n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if ('.' != e->d_name[0]) {
            print_error("left in blobs/tmp: %s\n", e->d_name);
            n++;
        }
    }
    closedir(d);
    return n;
}

/*
** Everything the server shows against what was answered: each leaf's and the trash's
** listing (every document where it belongs, serials 1..n, no document nobody asked for),
** the versions of the documents changed since the last check, their new versions
** downloaded; with all, every version of every document downloaded.  The number of
** cut-off requests that turned out applied.
*/
static unsigned
check_all(bool all)
{
    bool *seen = calloc(MAX_DOCS, sizeof *seen);
    unsigned applied = 0;
    for (int l = 0; l <= NLEAVES; l++) {
        const char *code = l < NLEAVES ? leaves[l] : NULL;
        json_t *items = list_get(code), *row;
        size_t i;
        json_array_foreach(items, i, row)
        {
            if (code) {
                assert_int_equal(th_jint(row, "serial"), (int64_t)i + 1);
            }
            struct doc *x = doc_by_id(th_jint(row, "id"));
            if (NULL == x) {
                adopt(row, code);
                applied++;
                x = doc_by_id(th_jint(row, "id"));
                assert_non_null(x);
            } else {
                assert_false(seen[x - docs]);
                applied += check_row(x, row, code);
            }
            seen[x - docs] = true;
        }
        json_decref(items);
    }
    for (int i = 0; i < ndocs; i++) {
        struct doc *x = &docs[i];
        if (!seen[i]) {
            print_error("document %lld (answered: leaf %s%s, %d versions) is gone\n",
                        (long long)x->id, x->code, x->trashed ? ", in the trash" : "", x->nver);
            fail();
        }
        if (all || x->checked < x->nver) {
            check_versions(x);
            for (int n = all ? 1 : x->checked + 1; n <= x->nver; n++) {
                check_content(x->id, n, &x->v[n - 1]);
            }
            x->checked = x->nver;
        }
    }
    /* the cut-off uploads that did not happen are forgotten */
    for (int w = 0; w < WORKERS; w++) {
        workers[w].pu.on = false;
    }
    free(seen);
    return applied;
}

/* ---------------------------------------------------------------- the test */

static void
verify_clean(int round)
{
    char *out = TH_RUN(0, "verify", "blobs", "--data", srv.dir);
    if (NULL == strstr(out, ": 0 missing, 0 corrupt")) {
        print_error("round %d: verify blobs:\n%s\n", round, out);
        fail();
    }
    free(out);
    free(TH_RUN(0, "verify", "audit", "--data", srv.dir));
}

static void
test_kill_rounds(void **state)
{
    (void)state;
    uint64_t rs = seed;
    unsigned total[OP_N] = { 0 };
    for (unsigned round = 0; round < rounds; round++) {
        /* a kill after 50 ms .. 2.5 s of traffic */
        unsigned delay_ms = 50 + rnd_below(&rs, 2450);
        __atomic_store_n(&killed, 0, __ATOMIC_SEQ_CST);
        __atomic_store_n(&stop, 0, __ATOMIC_SEQ_CST);
        for (int w = 0; w < WORKERS; w++) {
            struct worker *k = &workers[w];
            memset(k->answered, 0, sizeof k->answered);
            k->no = w;
            k->rng = seed ^ (0x1000003ULL * (round + 1)) ^ (0x9e37ULL * (unsigned)(w + 1));
            k->round = (int)round;
            k->cut = OP_NONE;
            k->pu.on = false;
            assert_int_equal(pthread_create(&k->t, NULL, worker_main, k), 0);
        }
        usleep(delay_ms * 1000);
        __atomic_store_n(&killed, 1, __ATOMIC_SEQ_CST);
        int krc = th_server_kill(&srv);
        __atomic_store_n(&stop, 1, __ATOMIC_SEQ_CST);
        unsigned errors = 0, answered = 0, cut = 0;
        char cutlist[256] = "";
        for (int w = 0; w < WORKERS; w++) {
            pthread_join(workers[w].t, NULL);
            errors += workers[w].errors;
            for (int o = 1; o < OP_N; o++) {
                answered += workers[w].answered[o];
                total[o] += workers[w].answered[o];
            }
            if (OP_NONE != workers[w].cut) {
                cut++;
                snprintf(cutlist + strlen(cutlist), sizeof cutlist - strlen(cutlist), " %s",
                         op_names[workers[w].cut]);
            }
        }
        assert_int_equal(krc, 0); /* it was running until the kill */
        assert_int_equal(errors, 0);

        /* down: the data directory is consistent as the crash left it */
        verify_clean((int)round);

        /* up again, on the same data */
        if (0 != th_server_start(&srv, NULL)) {
            print_error("round %d: the server does not start after the kill\n", round);
            fail();
        }
        assert_int_equal(tmp_files(), 0);
        unsigned applied = check_all(round + 1 == rounds);
        print_message("round %u: killed after %u ms; %u changes answered, %u cut off (%s), "
                      "%u of those applied; %d documents\n",
                      round + 1, delay_ms, answered, cut, cut ? cutlist + 1 : "none", applied,
                      ndocs);
    }
    print_message("answered in all: %u uploads, %u versions, %u edits, %u moves, %u to the "
                  "trash, %u restored\n",
                  total[OP_UPLOAD], total[OP_VERSION], total[OP_EDIT], total[OP_MOVE],
                  total[OP_TRASH], total[OP_RESTORE]);
    assert_true(total[OP_UPLOAD] > 0 && total[OP_EDIT] > 0);
    /* and it still shuts down gracefully */
    assert_int_equal(th_server_stop(&srv), 0);
    verify_clean((int)rounds);
}

/* ---------------------------------------------------------------- setup */

static int
group_setup(void **state)
{
    (void)state;
    struct th_cred admin;
    if (th_server_create(&srv, "threads = 4\njob_workers = 1\nfixity_hours = 0") ||
        th_server_start(&srv, NULL) || 201 != th_login(&srv, "admin", TH_DEMO_PW, &admin) ||
        201 != th_login(&srv, "unitadmin", TH_DEMO_PW, &unitadmin) ||
        th_make_token(&srv, &unitadmin, "crash") <= 0) {
        return -1;
    }
    unit1 = th_unit_id(&srv, &admin, "DEMO001");
    return unit1 && th_archive_create(&srv, &admin, unit1, YEAR) ? 0 : -1;
}

static int
group_teardown(void **state)
{
    (void)state;
    __atomic_store_n(&stop, 1, __ATOMIC_SEQ_CST);
    return th_server_finish(&srv);
}

int
main(int argc, char **argv)
{
    if (!th_init(argc, argv) || sodium_init() < 0) {
        return 1;
    }
    const char *s = getenv("WM_CRASH_SEED"), *n = getenv("WM_CRASH_ROUNDS");
    seed = s && *s ? strtoull(s, NULL, 10) : ((uint64_t)time(NULL) << 16) ^ (uint64_t)getpid();
    if (n && *n) {
        rounds = (unsigned)strtoul(n, NULL, 10);
    }
    printf("crash test: seed %llu, %u rounds (replay the kill delays with WM_CRASH_SEED=%llu)\n",
           (unsigned long long)seed, rounds, (unsigned long long)seed);
    fflush(stdout);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kill_rounds),
    };
    int failed = cmocka_run_group_tests_name("crash", tests, group_setup, group_teardown);
    th_done();
    return failed + th_teardown_failures;
}
