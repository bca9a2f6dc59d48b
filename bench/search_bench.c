/*
** search_bench.c — the search index at scale (bench/search.sh runs it; issue 11).
**
** Generates N documents (a title and a 500-character Chinese body each, words drawn with
** a Zipf-like frequency from a vocabulary made of the 3,755 common characters of GB2312's
** first level, so that common bigrams are common), indexes them with the store's own
** search_put (SQLite, transactions of 5,000 rows), merged as the nightly search.merge job
** does (wm_search_merge, timed and counted in ours), and, as the reference, into a plain
** FTS5 table with the trigram tokenizer (same rows, same pragmas, same batches), timing
** the inserts of each alone; then compares the files' sizes.
**
** Queries: Q random two- and four-character strings cut from random documents (half
** each), through search_query (ranked, first page of 20, total and facets), as the
** administrator and scoped to one unit (scope and caller_path of a random unit): p50 and
** p99, as the server runs them (the walk back bounded: WM_SEARCH_SPAN; how many answers
** were partial), and for comparison the admin's without that bound.  Recall: a store of
** the first S documents alone, every match of each query asked for (candidates, count_cap
** and limit above S, no bound) and compared, as a set, with a LIKE scan of search_doc's
** title and body.
**
** Usage: search_bench [--docs N] [--queries Q] [--sample S] [--dir DIR] [--keep]
**        search_bench --reuse DIR --docs N [--queries Q]   (the queries again on a kept DIR)
**        --no-ref: no trigram reference (no build and size ratios; a quicker store to keep)
**        --span N: the walk's first step (WENMING_SEARCH_SPAN); --no-span: no bound
**        --merge (with --reuse): merge the kept index's parts first (search.merge)
*/
#include "config.h"

#include <errno.h>
#include <iconv.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "wm_core.h"
#include "wm_db.h"
#include "wm_util.h"

/* ---------------------------------------------------------------- random text */

static uint64_t
rnd_next(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *s = x;
    return x * 0x2545F4914F6CDD1Du;
}

static double
rnd_unit(uint64_t *s)
{
    return (double)(rnd_next(s) >> 11) / 9007199254740992.0;
}

#define NCHARS_MAX 4000
#define NWORDS 6000

static char chars[NCHARS_MAX][4];
static size_t nchars;
static char words[NWORDS][16];
static double word_cdf[NWORDS];

/* The first level of GB2312 (rows 16-55: 3,755 characters), decoded with iconv. */
static void
load_chars(void)
{
    iconv_t cd = iconv_open("UTF-8", "GB2312");
    if ((iconv_t)-1 == cd) {
        fprintf(stderr, "search_bench: iconv has no GB2312\n");
        exit(1);
    }
    for (unsigned row = 0xB0; row <= 0xD7; row++) {
        for (unsigned col = 0xA1; col <= 0xFE; col++) {
            if (0xD7 == row && col > 0xF9) {
                break;
            }
            char in[2] = {(char)row, (char)col}, out[8];
            char *ip = in, *op = out;
            size_t il = 2, ol = sizeof out;
            if ((size_t)-1 == iconv(cd, &ip, &il, &op, &ol) || op - out != 3) {
                continue;
            }
            memcpy(chars[nchars], out, 3);
            chars[nchars][3] = '\0';
            if (++nchars == NCHARS_MAX) {
                break;
            }
        }
    }
    iconv_close(cd);
}

/* Zipf-like: the weight of rank r is 1 / (r + 1)^s. */
static void
zipf_cdf(double *cdf, size_t n, double s)
{
    double sum = 0;
    for (size_t i = 0; i < n; i++) {
        sum += 1.0 / pow((double)(i + 1), s);
        cdf[i] = sum;
    }
    for (size_t i = 0; i < n; i++) {
        cdf[i] /= sum;
    }
}

static size_t
zipf_pick(const double *cdf, size_t n, uint64_t *s)
{
    double u = rnd_unit(s);
    size_t lo = 0, hi = n - 1;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (cdf[mid] < u) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

static double char_cdf[NCHARS_MAX];

static void
make_vocab(void)
{
    uint64_t s = 0x9E3779B97F4A7C15u;
    load_chars();
    /* a character's rank is random (GB2312 orders them by pinyin) */
    for (size_t i = nchars - 1; i > 0; i--) {
        size_t j = rnd_next(&s) % (i + 1);
        char t[4];
        memcpy(t, chars[i], 4);
        memcpy(chars[i], chars[j], 4);
        memcpy(chars[j], t, 4);
    }
    zipf_cdf(char_cdf, nchars, 0.9);
    for (size_t w = 0; w < NWORDS; w++) {
        double u = rnd_unit(&s);
        int len = u < 0.2 ? 1 : u < 0.75 ? 2 : u < 0.9 ? 3 : 4;
        words[w][0] = '\0';
        for (int k = 0; k < len; k++) {
            memcpy(words[w] + 3 * k, chars[zipf_pick(char_cdf, nchars, &s)], 4);
        }
    }
    zipf_cdf(word_cdf, NWORDS, 1.0);
}

struct doc {
    char title[128];
    char body[2048];
    char path[48];
    char day[16];
    int64_t unit, year;
    const char *media, *state;
};

static const char *const medias[] = {"text", "photo", "audiovisual"};
static const char *const states[] = {"draft", "submitted", "approved", "returned"};
static const char *const title_ends[] = {"通知", "简报", "总结", "方案", "报告", "照片"};

#define NUNITS 1000
#define NDISTRICTS 10

static void
unit_path(int64_t unit, char *out, size_t n)
{
    /* city 1; districts 2..11; units 100.. */
    snprintf(out, n, "/1/%lld/%lld/", (long long)(2 + unit % NDISTRICTS), (long long)(100 + unit));
}

/* Document k, the same every time it is made. */
static void
make_doc(int64_t k, struct doc *d)
{
    uint64_t s = 0x51A7E5ull ^ ((uint64_t)(k + 1) * 0x9E3779B97F4A7C15u);
    for (int i = 0; i < 4; i++) {
        (void)rnd_next(&s);
    }
    /* title: 6..14 characters of words and an ending */
    size_t tl = 0, tchars = 6 + rnd_next(&s) % 9, nc = 0;
    while (nc < tchars) {
        const char *w = words[zipf_pick(word_cdf, NWORDS, &s)];
        size_t n = strlen(w);
        memcpy(d->title + tl, w, n);
        tl += n;
        nc += n / 3;
    }
    const char *e = title_ends[rnd_next(&s) % 6];
    memcpy(d->title + tl, e, strlen(e) + 1);
    /* body: 500 characters, punctuation included */
    size_t bl = 0;
    nc = 0;
    while (nc < 500) {
        double u = rnd_unit(&s);
        const char *w = u < 0.10 ? "，" : u < 0.13 ? "。" : words[zipf_pick(word_cdf, NWORDS, &s)];
        size_t n = strlen(w);
        if (nc + n / 3 > 500) {
            n = 3 * (500 - nc);
        }
        memcpy(d->body + bl, w, n);
        bl += n;
        nc += n / 3;
    }
    d->body[bl] = '\0';
    d->unit = (int64_t)((k * 7919) % NUNITS);
    unit_path(d->unit, d->path, sizeof d->path);
    d->year = 2019 + k % 6;
    snprintf(d->day, sizeof d->day, "%lld-%02d-%02d", (long long)d->year, (int)(1 + k % 12),
             (int)(1 + k % 28));
    d->media = medias[k % 3];
    d->state = states[k % 4];
}

/* ---------------------------------------------------------------- timing */

static double
now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* The thread's CPU time: what a query costs whatever else the machine runs. */
static double
cpu_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int
dbl_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double
pct(double *v, size_t n, double p)
{
    qsort(v, n, sizeof *v, dbl_cmp);
    size_t i = (size_t)(p * (double)(n - 1) + 0.5);
    return v[i < n ? i : n - 1];
}

static void
die_sql(sqlite3 *h, const char *what)
{
    fprintf(stderr, "search_bench: %s: %s\n", what, sqlite3_errmsg(h));
    exit(1);
}

static void
raw_exec(sqlite3 *h, const char *sql)
{
    char *msg = NULL;
    if (SQLITE_OK != sqlite3_exec(h, sql, NULL, NULL, &msg)) {
        fprintf(stderr, "search_bench: %s: %s\n", sql, msg ? msg : "?");
        exit(1);
    }
}

static int64_t
file_size(const char *path)
{
    struct stat st;
    return 0 == stat(path, &st) ? (int64_t)st.st_size : 0;
}

static struct wm_db *
open_store(const char *dir)
{
    char err[512] = "";
    if (0 != wm_mkdirs(dir, 0700)) {
        fprintf(stderr, "search_bench: cannot make %s\n", dir);
        exit(1);
    }
    struct wm_db *db = wm_db_open("sqlite", dir, true, err, sizeof err);
    int from, to;
    if (NULL == db || WM_QS_ONE != db->ops->migrate(db, &from, &to)) {
        fprintf(stderr, "search_bench: cannot open the store in %s: %s\n", dir, err);
        exit(1);
    }
    return db;
}

#define BATCH 5000

/* Index docs [0, n) into db (timed) and, when ref is set, into the reference (timed). */
static void
build(struct wm_db *db, sqlite3 *ref, int64_t n, double *t_ours, double *t_ref)
{
    struct doc *d = wm_calloc(BATCH, sizeof *d);
    sqlite3_stmt *ins = NULL;
    if (ref && SQLITE_OK != sqlite3_prepare_v2(ref, "INSERT INTO ref(rowid, title, body) "
                                                    "VALUES (?1, ?2, ?3)", -1, &ins, NULL)) {
        die_sql(ref, "prepare");
    }
    *t_ours = *t_ref = 0;
    double last = now_s();
    for (int64_t at = 0; at < n; at += BATCH) {
        int64_t m = n - at < BATCH ? n - at : BATCH;
        for (int64_t i = 0; i < m; i++) {
            make_doc(at + i, &d[i]);
        }
        double t0 = now_s();
        if (WM_QS_ONE != db->ops->begin(db, true)) {
            fprintf(stderr, "search_bench: begin failed\n");
            exit(1);
        }
        for (int64_t i = 0; i < m; i++) {
            struct wm_search_row r = {"document", at + i + 1, d[i].path, 100 + d[i].unit,
                                      "学校", d[i].year, NULL, d[i].media, d[i].state,
                                      d[i].day, d[i].title, d[i].body};
            if (WM_QS_ONE != db->ops->search_put(db, &r, 1)) {
                fprintf(stderr, "search_bench: search_put failed\n");
                exit(1);
            }
        }
        if (WM_QS_ONE != db->ops->commit(db)) {
            fprintf(stderr, "search_bench: commit failed\n");
            exit(1);
        }
        double t1 = now_s();
        *t_ours += t1 - t0;
        if (ref) {
            raw_exec(ref, "BEGIN");
            for (int64_t i = 0; i < m; i++) {
                sqlite3_reset(ins);
                sqlite3_bind_int64(ins, 1, at + i + 1);
                sqlite3_bind_text(ins, 2, d[i].title, -1, SQLITE_STATIC);
                sqlite3_bind_text(ins, 3, d[i].body, -1, SQLITE_STATIC);
                if (SQLITE_DONE != sqlite3_step(ins)) {
                    die_sql(ref, "insert");
                }
            }
            raw_exec(ref, "COMMIT");
            *t_ref += now_s() - t1;
        }
        if (now_s() - last > 30) {
            last = now_s();
            fprintf(stderr, "  ... %lld of %lld documents (%.0f s ours, %.0f s trigram)\n",
                    (long long)(at + m), (long long)n, *t_ours, *t_ref);
        }
    }
    sqlite3_finalize(ins);
    free(d);
}

/* The index's parts merged as the server's nightly search.merge job does (wm_search_merge):
** its time, in seconds. */
static double
merge(struct wm_db *db, int64_t *steps)
{
    struct wm_fail f = {0};
    double t0 = now_s();
    if (WM_OK != wm_search_merge(db, NULL, NULL, steps, &f)) {
        fprintf(stderr, "search_bench: merge failed: %s\n", f.msg);
        exit(1);
    }
    return now_s() - t0;
}

/* Q queries: two or four Han characters cut from random documents. */
static char (*make_queries(int64_t ndocs, size_t nq))[16]
{
    char (*q)[16] = wm_calloc(nq, sizeof *q);
    uint64_t s = 0xC0FFEEu;
    struct doc *d = wm_calloc(1, sizeof *d);
    for (size_t i = 0; i < nq;) {
        make_doc((int64_t)(rnd_next(&s) % (uint64_t)ndocs), d);
        size_t want = i % 2 ? 4 : 2, len = strlen(d->body) / 3;
        size_t at = rnd_next(&s) % (len - want);
        bool ok = true;
        for (size_t k = 0; k < want; k++) {
            const char *c = d->body + 3 * (at + k);
            if (0 == memcmp(c, "，", 3) || 0 == memcmp(c, "。", 3)) {
                ok = false;
            }
        }
        if (ok) {
            memcpy(q[i], d->body + 3 * at, 3 * want);
            q[i][3 * want] = '\0';
            i++;
        }
    }
    free(d);
    return q;
}

struct qstat {
    double p50, p99, cpu50, cpu99, mean_total;
    double cpu99_2, cpu99_4; /* CPU time p99 of the two- and of the four-character queries */
    size_t capped, over;     /* over: queries above 20 ms of wall time */
    size_t partial;          /* answers that stopped going back (wm_search_q.span) */
};

/* The walk's bound of every query (wm_search_q.span): 0, the default; --no-span: none. */
static unsigned q_span;

static void
run_queries(struct wm_db *db, char (*qs)[16], size_t nq, bool scoped, struct qstat *st)
{
    double *t = wm_calloc(nq, sizeof *t), *cpu = wm_calloc(nq, sizeof *cpu);
    uint64_t s = 0xBEEFu;
    double tot = 0;
    st->capped = st->partial = 0;
    for (size_t i = 0; i < nq; i++) {
        char f[64], ft[80], path[48];
        snprintf(f, sizeof f, "\"%s\"", qs[i]);
        snprintf(ft, sizeof ft, "{title} : \"%s\"", qs[i]);
        struct wm_search_q q = {0};
        q.fts5 = f;
        q.fts5_title = ft;
        q.span = q_span;
        if (scoped) {
            unit_path((int64_t)(rnd_next(&s) % NUNITS), path, sizeof path);
            q.scope = path;
            q.caller_path = path;
        }
        double t0 = now_s(), c0 = cpu_s();
        json_t *r = db->ops->search_query(db, &q);
        t[i] = (now_s() - t0) * 1000;
        cpu[i] = (cpu_s() - c0) * 1000;
        if (NULL == r) {
            fprintf(stderr, "search_bench: search_query failed for %s\n", qs[i]);
            exit(1);
        }
        tot += (double)json_integer_value(json_object_get(r, "total"));
        if (getenv("WM_BENCH_SLOW") && t[i] > atof(getenv("WM_BENCH_SLOW"))) {
            fprintf(stderr, "slow%s: %s %.1f ms, total %lld\n", scoped ? " (unit)" : "", qs[i],
                    t[i], (long long)json_integer_value(json_object_get(r, "total")));
        }
        st->capped += json_is_true(json_object_get(r, "capped"));
        st->partial += json_is_true(json_object_get(r, "partial"));
        json_decref(r);
    }
    double *c2 = wm_calloc(nq, sizeof *c2), *c4 = wm_calloc(nq, sizeof *c4);
    size_t n2 = 0, n4 = 0;
    st->over = 0;
    for (size_t i = 0; i < nq; i++) {
        if (strlen(qs[i]) <= 6) {
            c2[n2++] = cpu[i];
        } else {
            c4[n4++] = cpu[i];
        }
        st->over += t[i] > 20;
    }
    st->cpu99_2 = n2 ? pct(c2, n2, 0.99) : 0;
    st->cpu99_4 = n4 ? pct(c4, n4, 0.99) : 0;
    free(c2);
    free(c4);
    st->mean_total = tot / (double)nq;
    st->p50 = pct(t, nq, 0.5);
    st->p99 = pct(t, nq, 0.99);
    st->cpu50 = pct(cpu, nq, 0.5);
    st->cpu99 = pct(cpu, nq, 0.99);
    free(t);
    free(cpu);
}

static int
id_cmp(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

int
main(int argc, char **argv)
{
    int64_t ndocs = 1000000, sample = 50000;
    size_t nq = 1000;
    const char *dir = NULL;
    bool keep = false, reuse = false, noref = false, remerge = false;
    for (int i = 1; i < argc; i++) {
        if (0 == strcmp(argv[i], "--docs") && i + 1 < argc) {
            ndocs = strtoll(argv[++i], NULL, 10);
        } else if (0 == strcmp(argv[i], "--queries") && i + 1 < argc) {
            nq = (size_t)strtoll(argv[++i], NULL, 10);
        } else if (0 == strcmp(argv[i], "--sample") && i + 1 < argc) {
            sample = strtoll(argv[++i], NULL, 10);
        } else if (0 == strcmp(argv[i], "--dir") && i + 1 < argc) {
            dir = argv[++i];
        } else if (0 == strcmp(argv[i], "--reuse") && i + 1 < argc) {
            dir = argv[++i];
            reuse = keep = true;
        } else if (0 == strcmp(argv[i], "--keep")) {
            keep = true;
        } else if (0 == strcmp(argv[i], "--span") && i + 1 < argc) {
            q_span = (unsigned)strtoul(argv[++i], NULL, 10);
        } else if (0 == strcmp(argv[i], "--no-span")) {
            q_span = UINT_MAX;
        } else if (0 == strcmp(argv[i], "--no-ref")) {
            noref = true;
        } else if (0 == strcmp(argv[i], "--merge")) {
            remerge = true;
        } else {
            fprintf(stderr, "usage: search_bench [--docs N] [--queries Q] [--sample S] "
                            "[--dir DIR] [--keep] [--no-ref] [--span N | --no-span] [--merge]\n");
            return 2;
        }
    }
    if (ndocs < 100 || nq < 2) {
        fprintf(stderr, "search_bench: --docs >= 100, --queries >= 2\n");
        return 2;
    }
    if (sample > ndocs) {
        sample = ndocs;
    }
    wm_log_set_level(WM_LOG_ERROR);
    char tmpl[] = "/var/tmp/wm-search-bench-XXXXXX";
    char *work = dir ? wm_strdup(dir) : NULL;
    if (!work) {
        if (!mkdtemp(tmpl)) {
            perror("mkdtemp");
            return 1;
        }
        work = wm_strdup(tmpl);
    }
    make_vocab();
    printf("search bench: %lld documents (title + 500-character body), %zu queries, "
           "recall sample %lld, in %s\n",
           (long long)ndocs, nq, (long long)sample, work);
    fflush(stdout);

    /* the index and the reference */
    char *odir = wm_asprintf("%s/ours", work), *rpath = wm_asprintf("%s/trigram.db", work);
    struct wm_db *db = NULL;
    char *opath = wm_asprintf("%s/wenming.db", odir);
    if (reuse) {
        goto queries;
    }
    db = open_store(odir);
    sqlite3 *ref = NULL;
    if (!noref) {
        if (SQLITE_OK != sqlite3_open(rpath, &ref)) {
            die_sql(ref, "open the reference");
        }
        raw_exec(ref, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                      "CREATE VIRTUAL TABLE ref USING fts5(title, body, tokenize='trigram')");
    }
    double t_ours, t_ref;
    build(db, ref, ndocs, &t_ours, &t_ref);
    int64_t steps = 0;
    double t_merge = merge(db, &steps);
    t_ours += t_merge;
    if (ref) {
        raw_exec(ref, "PRAGMA wal_checkpoint(TRUNCATE)");
        sqlite3_close(ref);
    }
    db->ops->close(db);
    {
        sqlite3 *h = NULL;
        sqlite3_open(opath, &h);
        raw_exec(h, "PRAGMA wal_checkpoint(TRUNCATE)");
        sqlite3_close(h);
    }
    int64_t s_ours = file_size(opath), s_ref = noref ? 0 : file_size(rpath);
    printf("merge:  the index's parts merged into one (the nightly search.merge job) in "
           "%.1f s, %lld steps, counted in ours\n",
           t_merge, (long long)steps);
    if (noref) {
        printf("build:  ours %.1f s, %.1f MB (no reference)\n", t_ours, (double)s_ours / 1e6);
    } else {
        printf("build:  ours %.1f s, trigram FTS5 %.1f s: ratio %.2f (target <= 1.0)\n",
               t_ours, t_ref, t_ours / t_ref);
        printf("size:   ours %.1f MB, trigram FTS5 %.1f MB: ratio %.2f (target <= 1.0)\n",
               (double)s_ours / 1e6, (double)s_ref / 1e6, (double)s_ours / (double)s_ref);
    }
    fflush(stdout);

    /* queries, ranked, first page */
queries:
    db = open_store(odir);
    if (reuse && remerge) {
        int64_t n = 0;
        double t = merge(db, &n);
        printf("merge:  %.1f s, %lld steps\n", t, (long long)n);
    }
    char(*qs)[16] = make_queries(ndocs, nq);
    struct qstat warm, admin, unit, whole;
    run_queries(db, qs, nq < 100 ? nq : 100, false, &warm); /* the page cache */
    run_queries(db, qs, nq, false, &admin);
    run_queries(db, qs, nq, true, &unit);
    printf("query (admin): p50 %.2f ms, p99 %.2f ms (target p99 <= 20 ms); CPU time p50 "
           "%.2f ms, p99 %.2f ms; mean total %.0f, %zu capped, %zu partial\n",
           admin.p50, admin.p99, admin.cpu50, admin.cpu99, admin.mean_total, admin.capped,
           admin.partial);
    printf("query (unit):  p50 %.2f ms, p99 %.2f ms; CPU time p50 %.2f ms, p99 %.2f ms; "
           "mean total %.1f\n",
           unit.p50, unit.p99, unit.cpu50, unit.cpu99, unit.mean_total);
    printf("unit / admin:  p50 %.2f, p99 %.2f; CPU time p50 %.2f, p99 %.2f (target <= 1.5)\n",
           unit.p50 / admin.p50, unit.p99 / admin.p99, unit.cpu50 / admin.cpu50,
           unit.cpu99 / admin.cpu99);
    printf("admin by length: CPU time p99 %.2f ms (two characters), %.2f ms (four); %zu of %zu "
           "queries over 20 ms\n",
           admin.cpu99_2, admin.cpu99_4, admin.over, nq);
    if (UINT_MAX != q_span) {
        /* for comparison: the same queries walking on to count_cap matches or the oldest */
        unsigned span = q_span;
        q_span = UINT_MAX;
        run_queries(db, qs, nq, false, &whole);
        q_span = span;
        printf("without the walk's bound (admin): p50 %.2f ms, p99 %.2f ms; CPU time p99 "
               "%.2f ms; mean total %.0f; %zu of %zu queries over 20 ms\n",
               whole.p50, whole.p99, whole.cpu99, whole.mean_total, whole.over, nq);
    }
    fflush(stdout);
    db->ops->close(db);

    if (reuse) {
        free(qs);
        return 0;
    }
    /* recall on a sample store */
    char *sdir = wm_asprintf("%s/sample", work);
    struct wm_db *sdb = open_store(sdir);
    double t_s, t_none;
    build(sdb, NULL, sample, &t_s, &t_none);
    char *spath = wm_asprintf("%s/wenming.db", sdir);
    sqlite3 *h = NULL;
    sqlite3_open(spath, &h);
    sqlite3_stmt *like = NULL;
    if (SQLITE_OK != sqlite3_prepare_v2(h, "SELECT id FROM search_doc WHERE instr(title, ?1) > 0 "
                                           "OR instr(body, ?1) > 0 ORDER BY id",
                                        -1, &like, NULL)) {
        die_sql(h, "prepare the scan");
    }
    size_t found = 0, expected = 0, bad = 0;
    for (size_t i = 0; i < nq; i++) {
        char f[64], ft[80];
        snprintf(f, sizeof f, "\"%s\"", qs[i]);
        snprintf(ft, sizeof ft, "{title} : \"%s\"", qs[i]);
        struct wm_search_q q = {0};
        q.fts5 = f;
        q.fts5_title = ft;
        q.candidates = q.count_cap = q.limit = (unsigned)sample + 1;
        q.span = UINT_MAX; /* every match */
        json_t *r = sdb->ops->search_query(sdb, &q);
        json_t *hits = json_object_get(r, "hits");
        size_t n = json_array_size(hits);
        int64_t *a = wm_calloc(n + 1, sizeof *a);
        for (size_t k = 0; k < n; k++) {
            a[k] = json_integer_value(json_object_get(json_array_get(hits, k), "id"));
        }
        qsort(a, n, sizeof *a, id_cmp);
        sqlite3_reset(like);
        sqlite3_bind_text(like, 1, qs[i], -1, SQLITE_STATIC);
        size_t k = 0, m = 0;
        bool same = true;
        while (SQLITE_ROW == sqlite3_step(like)) {
            int64_t id = sqlite3_column_int64(like, 0);
            m++;
            if (k < n && a[k] == id) {
                k++;
            } else {
                same = false;
            }
        }
        if (k != n) {
            same = false;
        }
        found += k;
        expected += m;
        if (!same) {
            bad++;
            if (bad <= 5) {
                fprintf(stderr, "recall: %s: index %zu, scan %zu\n", qs[i], n, m);
            }
        }
        free(a);
        json_decref(r);
    }
    sqlite3_finalize(like);
    sqlite3_close(h);
    sdb->ops->close(sdb);
    printf("recall: %zu queries on %lld documents: %zu of %zu scan matches found "
           "(%.2f%%), %zu queries whose sets differ (must be 0)\n",
           nq, (long long)sample, found, expected,
           expected ? 100.0 * (double)found / (double)expected : 100.0, bad);
    if (!keep) {
        char *cmd = wm_asprintf("rm -rf '%s'", work);
        if (0 != system(cmd)) {
            fprintf(stderr, "search_bench: could not remove %s\n", work);
        }
        free(cmd);
    } else {
        printf("kept: %s\n", work);
    }
    free(qs);
    free(odir);
    free(rpath);
    free(opath);
    free(sdir);
    free(spath);
    free(work);
    return bad ? 1 : 0;
}
