/*
** test_blob.c — the blob store: streaming writes and their hash, deduplication, the size
** limit, abort, injected faults (ENOSPC, EIO, rename failure, short writes, EINTR), fixity
** (corrupt, missing, stray), concurrent writers, stale temp cleanup, sha validation.
*/
/* clang-format off */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "tdir.h"

#include "wm_blob.h"
#include "wm_util.h"

#include "banned.h"

/* clang-format on */

struct fx {
    char dir[64];
    struct wm_blobstore *s;
};

static int
setup(void **state)
{
    struct fx *f = wm_calloc(1, sizeof *f);
    tdir_make(f->dir, sizeof f->dir, "blob");
    char err[256] = "";
    char *blobs = wm_asprintf("%s/blobs", f->dir);
    f->s = wm_blob_open(blobs, err, sizeof err);
    free(blobs);
    assert_non_null(f->s);
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    struct fx *f = *state;
    wm_blob_set_fault(NULL);
    wm_blob_close(f->s);
    tdir_remove(f->dir);
    free(f);
    return 0;
}

/* Regular files under dir (recursively). */
static int files_counted;

static int
count_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)p;
    (void)st;
    (void)ftw;
    if (FTW_F == flag) {
        files_counted++;
    }
    return 0;
}

static int
count_files(struct fx *f, const char *sub)
{
    char *p = wm_asprintf("%s/%s", wm_blob_dir(f->s), sub);
    files_counted = 0;
    nftw(p, count_one, 16, FTW_PHYS);
    free(p);
    return files_counted;
}

static unsigned char *
pattern(size_t n, unsigned seed)
{
    unsigned char *p = wm_malloc(n ? n : 1);
    uint32_t x = seed * 2654435761u + 1;
    for (size_t i = 0; i < n; i++) {
        x = x * 1103515245u + 12345u;
        p[i] = (unsigned char)(x >> 16);
    }
    return p;
}

/* Write [p, p+n) in uneven chunks and commit. */
static enum wm_err
store(struct fx *f, const unsigned char *p, size_t n, char sha[65], bool *existed)
{
    struct wm_blob_writer *w;
    char err[256];
    enum wm_err rc = wm_blob_writer_new(f->s, 0, &w, err, sizeof err);
    assert_int_equal(rc, WM_OK);
    static const size_t chunks[] = { 7, 65536, 1, 1048579, 333, 524288, 100000 };
    size_t off = 0;
    for (size_t i = 0; off < n; i++) {
        size_t k = chunks[i % WM_ARRAY_LEN(chunks)];
        k = k < n - off ? k : n - off;
        rc = wm_blob_write(w, p + off, k);
        if (rc) {
            wm_blob_abort(w);
            return rc;
        }
        off += k;
    }
    uint64_t size = 0;
    rc = wm_blob_commit(w, sha, &size, existed, err, sizeof err);
    if (WM_OK == rc) {
        assert_int_equal(size, n);
    }
    return rc;
}

static void
test_write_hash(void **state)
{
    struct fx *f = *state;
    size_t n = 3 * 1024 * 1024 + 17;
    unsigned char *p = pattern(n, 1);
    char want[65], sha[65];
    wm_sha256_hex(p, n, want);

    struct wm_blob_writer *w;
    char err[256];
    assert_int_equal(wm_blob_writer_new(f->s, 0, &w, err, sizeof err), WM_OK);
    assert_int_equal(count_files(f, "tmp"), 1);
    assert_int_equal(wm_blob_write(w, p, 10), WM_OK);
    assert_int_equal(wm_blob_write(w, p + 10, n - 10), WM_OK);
    size_t hn;
    const unsigned char *head = wm_blob_head(w, &hn);
    assert_int_equal(hn, WM_BLOB_HEAD_MAX);
    assert_memory_equal(head, p, hn);
    assert_int_equal(wm_blob_received(w), n);
    bool existed = true;
    uint64_t size = 0;
    assert_int_equal(wm_blob_commit(w, sha, &size, &existed, err, sizeof err), WM_OK);
    assert_string_equal(sha, want);
    assert_int_equal(size, n);
    assert_false(existed);
    assert_int_equal(count_files(f, "tmp"), 0);
    assert_int_equal(count_files(f, "objects"), 1);

    /* it is where it says, with the content */
    char path[4096];
    assert_true(wm_blob_path(f->s, sha, path, sizeof path));
    char expect_tail[80];
    snprintf(expect_tail, sizeof expect_tail, "/objects/%.2s/%.2s/%s", sha, sha + 2, sha);
    assert_non_null(strstr(path, expect_tail));
    assert_true(wm_blob_exists(f->s, sha));
    uint64_t sz;
    assert_int_equal(wm_blob_size(f->s, sha, &sz), WM_OK);
    assert_int_equal(sz, n);
    int fd = wm_blob_open_fd(f->s, sha);
    assert_true(fd >= 0);
    unsigned char *back = wm_malloc(n + 1);
    ssize_t r = pread(fd, back, n + 1, 0);
    assert_int_equal(r, (ssize_t)n);
    assert_memory_equal(back, p, n);
    close(fd);
    free(back);
    free(p);

    /* same content through other chunk sizes: the same object */
    p = pattern(n, 1);
    assert_int_equal(store(f, p, n, sha, &existed), WM_OK);
    assert_string_equal(sha, want);
    assert_true(existed);
    assert_int_equal(count_files(f, "objects"), 1);
    assert_int_equal(count_files(f, "tmp"), 0);
    free(p);
}

static void
test_small_and_empty(void **state)
{
    struct fx *f = *state;
    char sha[65];
    bool existed;
    assert_int_equal(store(f, (const unsigned char *)"", 0, sha, &existed), WM_OK);
    assert_string_equal(sha, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    assert_int_equal(store(f, (const unsigned char *)"abc", 3, sha, &existed), WM_OK);
    assert_string_equal(sha, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assert_false(existed);
    assert_int_equal(count_files(f, "objects"), 2);
    assert_int_equal(wm_blob_verify_one(f->s, sha, NULL, 0), WM_BLOB_OK);
}

/* A file the server made (a generated PDF) stored by its path, its first bytes handed back;
** a path that cannot be read fails without an object. */
static void
test_store_path(void **state)
{
    struct fx *f = *state;
    char *path = wm_asprintf("%s/made.txt", f->dir);
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite("abc", 1, 3, fp), 3);
    assert_int_equal(fclose(fp), 0);
    char sha[65], err[256] = "", head[2];
    size_t hn = sizeof head;
    uint64_t size = 0;
    assert_int_equal(wm_blob_store_path(f->s, path, head, &hn, sha, &size, err, sizeof err),
                     WM_OK);
    assert_string_equal(sha, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assert_int_equal(size, 3);
    assert_int_equal(hn, 2);
    assert_memory_equal(head, "ab", 2);
    assert_int_equal(count_files(f, "objects"), 1);
    free(path);
    path = wm_asprintf("%s/missing.pdf", f->dir);
    assert_int_equal(wm_blob_store_path(f->s, path, NULL, NULL, sha, &size, err, sizeof err),
                     WM_E_INTERNAL);
    assert_non_null(strstr(err, "missing.pdf"));
    assert_int_equal(count_files(f, "objects"), 1);
    free(path);
}

/* Issue 13: the object's path as nginx's alias sees it, and the health probe. */
static void
test_relpath_probe(void **state)
{
    struct fx *f = *state;
    char sha[65], rel[160], abs[4096], want[4200];
    bool existed;
    assert_int_equal(store(f, (const unsigned char *)"abc", 3, sha, &existed), WM_OK);
    assert_true(wm_blob_relpath(sha, rel, sizeof rel));
    assert_string_equal(rel, "objects/ba/78/"
                             "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assert_true(wm_blob_path(f->s, sha, abs, sizeof abs));
    snprintf(want, sizeof want, "%s/%s", wm_blob_dir(f->s), rel);
    assert_string_equal(abs, want);
    assert_false(wm_blob_relpath("../../etc/passwd", rel, sizeof rel));
    assert_false(wm_blob_relpath(sha, rel, 20)); /* too small */
    char err[256] = "";
    assert_int_equal(wm_blob_probe(f->s, err, sizeof err), WM_OK);
    assert_int_equal(count_files(f, "tmp"), 0); /* the probe's file is gone */
    /* tmp/ that is a file (permission bits do not stop root): unavailable, with the cause */
    char tmp[4200], aside[4200];
    snprintf(tmp, sizeof tmp, "%s/tmp", wm_blob_dir(f->s));
    snprintf(aside, sizeof aside, "%s/tmp.aside", wm_blob_dir(f->s));
    assert_int_equal(rename(tmp, aside), 0);
    FILE *fp = fopen(tmp, "w");
    assert_non_null(fp);
    fclose(fp);
    assert_int_equal(wm_blob_probe(f->s, err, sizeof err), WM_E_UNAVAILABLE);
    assert_non_null(strstr(err, "cannot create a file"));
    assert_int_equal(unlink(tmp), 0);
    assert_int_equal(rename(aside, tmp), 0);
    assert_int_equal(wm_blob_probe(f->s, err, sizeof err), WM_OK);
}

static void
test_dedup(void **state)
{
    struct fx *f = *state;
    unsigned char *p = pattern(100000, 2);
    char a[65], b[65];
    bool ea = true, eb = false;
    assert_int_equal(store(f, p, 100000, a, &ea), WM_OK);
    assert_int_equal(store(f, p, 100000, b, &eb), WM_OK);
    assert_string_equal(a, b);
    assert_false(ea);
    assert_true(eb);
    assert_int_equal(count_files(f, "objects"), 1);
    assert_int_equal(count_files(f, "tmp"), 0);
    free(p);
}

static void
test_too_large(void **state)
{
    struct fx *f = *state;
    struct wm_blob_writer *w;
    char err[256] = "";
    assert_int_equal(wm_blob_writer_new(f->s, 1000, &w, err, sizeof err), WM_OK);
    unsigned char buf[600];
    memset(buf, 'x', sizeof buf);
    assert_int_equal(wm_blob_write(w, buf, 600), WM_OK);
    assert_int_equal(wm_blob_write(w, buf, 400), WM_OK); /* exactly the limit */
    assert_int_equal(wm_blob_write(w, buf, 1), WM_E_TOO_LARGE);
    assert_int_equal(count_files(f, "tmp"), 0); /* gone at once */
    for (int i = 0; i < 1000; i++) {
        assert_int_equal(wm_blob_write(w, buf, sizeof buf), WM_E_TOO_LARGE);
    }
    assert_int_equal(wm_blob_received(w), 1001 + 1000 * sizeof buf);
    char sha[65];
    assert_int_equal(wm_blob_commit(w, sha, NULL, NULL, err, sizeof err), WM_E_TOO_LARGE);
    assert_non_null(strstr(err, "1000"));
    assert_int_equal(count_files(f, "objects"), 0);
    assert_int_equal(count_files(f, "tmp"), 0);

    /* the limit itself is accepted */
    assert_int_equal(wm_blob_writer_new(f->s, 1000, &w, err, sizeof err), WM_OK);
    assert_int_equal(wm_blob_write(w, buf, 600), WM_OK);
    assert_int_equal(wm_blob_write(w, buf, 400), WM_OK);
    assert_int_equal(wm_blob_commit(w, sha, NULL, NULL, err, sizeof err), WM_OK);
    assert_int_equal(count_files(f, "objects"), 1);
}

static void
test_abort(void **state)
{
    struct fx *f = *state;
    struct wm_blob_writer *w;
    char err[256];
    assert_int_equal(wm_blob_writer_new(f->s, 0, &w, err, sizeof err), WM_OK);
    unsigned char *p = pattern(2000000, 3);
    assert_int_equal(wm_blob_write(w, p, 2000000), WM_OK);
    assert_int_equal(count_files(f, "tmp"), 1);
    wm_blob_abort(w);
    wm_blob_abort(NULL);
    assert_int_equal(count_files(f, "tmp"), 0);
    assert_int_equal(count_files(f, "objects"), 0);
    free(p);
}

/* ---------------------------------------------------------------- faults */

static const char *fault_op;
static int fault_errno;
static int fault_calls;
static int fault_after; /* let this many matching calls through first */

static int
fault_hook(const char *op, size_t n)
{
    (void)n;
    if (wm_streq(op, fault_op)) {
        fault_calls++;
        if (fault_calls > fault_after) {
            return fault_errno;
        }
    }
    return 0;
}

static void
arm(const char *op, int e, int after)
{
    fault_op = op;
    fault_errno = e;
    fault_calls = 0;
    fault_after = after;
    wm_blob_set_fault(fault_hook);
}

static void
test_fault_enospc(void **state)
{
    struct fx *f = *state;
    char err[256] = "";
    unsigned char *p = pattern(4000000, 4);

    /* during streaming: the second flush fails */
    arm("write", ENOSPC, 1);
    struct wm_blob_writer *w;
    assert_int_equal(wm_blob_writer_new(f->s, 0, &w, err, sizeof err), WM_OK);
    enum wm_err rc = WM_OK;
    for (size_t off = 0; off < 4000000 && WM_OK == rc; off += 100000) {
        rc = wm_blob_write(w, p + off, 100000);
    }
    assert_int_equal(rc, WM_E_UNAVAILABLE);
    assert_non_null(strstr(wm_blob_writer_error(w), "磁盘空间不足"));
    assert_int_equal(count_files(f, "tmp"), 0);
    assert_int_equal(wm_blob_write(w, p, 10), WM_E_UNAVAILABLE);
    assert_int_equal(wm_blob_commit(w, NULL, NULL, NULL, err, sizeof err), WM_E_UNAVAILABLE);
    assert_non_null(strstr(err, "磁盘空间不足"));
    assert_non_null(strstr(err, strerror(ENOSPC)));

    /* at commit: the buffered tail cannot be written */
    arm("write", ENOSPC, 0);
    assert_int_equal(wm_blob_writer_new(f->s, 0, &w, err, sizeof err), WM_OK);
    assert_int_equal(wm_blob_write(w, p, 1000), WM_OK);
    assert_int_equal(wm_blob_commit(w, NULL, NULL, NULL, err, sizeof err), WM_E_UNAVAILABLE);
    assert_non_null(strstr(err, "磁盘空间不足"));
    assert_int_equal(count_files(f, "tmp"), 0);
    assert_int_equal(count_files(f, "objects"), 0);
    free(p);
}

static void
test_fault_fsync_eio(void **state)
{
    struct fx *f = *state;
    char err[256] = "";
    arm("fsync", EIO, 0);
    struct wm_blob_writer *w;
    assert_int_equal(wm_blob_writer_new(f->s, 0, &w, err, sizeof err), WM_OK);
    assert_int_equal(wm_blob_write(w, "hello", 5), WM_OK);
    assert_int_equal(wm_blob_commit(w, NULL, NULL, NULL, err, sizeof err), WM_E_INTERNAL);
    assert_non_null(strstr(err, "fsync"));
    assert_non_null(strstr(err, strerror(EIO)));
    assert_int_equal(count_files(f, "tmp"), 0);
    assert_int_equal(count_files(f, "objects"), 0);
}

static void
test_fault_rename(void **state)
{
    struct fx *f = *state;
    char err[256] = "";
    arm("rename", EACCES, 0);
    struct wm_blob_writer *w;
    assert_int_equal(wm_blob_writer_new(f->s, 0, &w, err, sizeof err), WM_OK);
    assert_int_equal(wm_blob_write(w, "hello", 5), WM_OK);
    assert_int_equal(wm_blob_commit(w, NULL, NULL, NULL, err, sizeof err), WM_E_INTERNAL);
    assert_non_null(strstr(err, "rename"));
    assert_non_null(strstr(err, strerror(EACCES)));
    assert_int_equal(count_files(f, "tmp"), 0);
    assert_int_equal(count_files(f, "objects"), 0);
    wm_blob_set_fault(NULL);
    char sha[65];
    bool existed = true;
    assert_int_equal(store(f, (const unsigned char *)"hello", 5, sha, &existed), WM_OK);
    assert_false(existed);
}

static void
test_fault_fsync_dir(void **state)
{
    struct fx *f = *state;
    char err[256] = "";
    /* creating objects/ab: its parent cannot be synced, so the object is not made */
    arm("fsync_dir", EIO, 0);
    struct wm_blob_writer *w;
    assert_int_equal(wm_blob_writer_new(f->s, 0, &w, err, sizeof err), WM_OK);
    assert_int_equal(wm_blob_write(w, "hello", 5), WM_OK);
    assert_int_equal(wm_blob_commit(w, NULL, NULL, NULL, err, sizeof err), WM_E_INTERNAL);
    assert_non_null(strstr(err, "mkdir"));
    assert_int_equal(count_files(f, "tmp"), 0);
    assert_int_equal(count_files(f, "objects"), 0);

    /* after the rename (other content, new fan-out directories: the third dir fsync) */
    arm("fsync_dir", EIO, 2);
    assert_int_equal(wm_blob_writer_new(f->s, 0, &w, err, sizeof err), WM_OK);
    assert_int_equal(wm_blob_write(w, "world", 5), WM_OK);
    assert_int_equal(wm_blob_commit(w, NULL, NULL, NULL, err, sizeof err), WM_E_INTERNAL);
    assert_int_equal(fault_calls, 3);
    assert_non_null(strstr(err, "fsync_dir"));
    assert_int_equal(count_files(f, "tmp"), 0);
    /* the object is complete and correct: it stays (another upload may share it) */
    assert_int_equal(count_files(f, "objects"), 1);
}

/* Short writes of at most 1000 bytes, and EINTR every third call. */
static int short_calls;

static int
short_hook(const char *op, size_t n)
{
    (void)n;
    if (!wm_streq(op, "write")) {
        return 0;
    }
    short_calls++;
    return 0 == short_calls % 3 ? EINTR : -1000;
}

static void
test_short_writes_eintr(void **state)
{
    struct fx *f = *state;
    size_t n = 1500000;
    unsigned char *p = pattern(n, 5);
    char want[65], sha[65];
    wm_sha256_hex(p, n, want);
    short_calls = 0;
    wm_blob_set_fault(short_hook);
    bool existed;
    assert_int_equal(store(f, p, n, sha, &existed), WM_OK);
    wm_blob_set_fault(NULL);
    assert_true(short_calls > 1000);
    assert_string_equal(sha, want);
    assert_int_equal(wm_blob_verify_one(f->s, sha, NULL, 0), WM_BLOB_OK);
    free(p);
}

/* ---------------------------------------------------------------- fixity */

struct seen {
    int n;
    char names[8][80];
    enum wm_blob_status st[8];
};

static void
on_verify(void *ctx, const char *name, enum wm_blob_status st, const char *detail)
{
    struct seen *s = ctx;
    (void)detail;
    if (s->n < 8) {
        snprintf(s->names[s->n], sizeof s->names[0], "%s", name);
        s->st[s->n] = st;
    }
    s->n++;
}

static void
test_verify(void **state)
{
    struct fx *f = *state;
    char a[65], b[65], c[65];
    bool e;
    assert_int_equal(store(f, (const unsigned char *)"first", 5, a, &e), WM_OK);
    assert_int_equal(store(f, (const unsigned char *)"second", 6, b, &e), WM_OK);
    unsigned char *big = pattern(3000000, 6);
    assert_int_equal(store(f, big, 3000000, c, &e), WM_OK);
    free(big);

    struct wm_blob_counts k;
    char err[256];
    assert_int_equal(wm_blob_verify_all(f->s, NULL, NULL, &k, err, sizeof err), WM_OK);
    assert_int_equal(k.ok, 3);
    assert_int_equal(k.corrupt + k.missing + k.stray + k.unreadable, 0);
    assert_int_equal(k.bytes, 3000011);

    /* flip one byte in the middle of the big object */
    char path[4096];
    assert_true(wm_blob_path(f->s, c, path, sizeof path));
    chmod(path, 0640);
    int fd = open(path, O_RDWR);
    assert_true(fd >= 0);
    unsigned char byte;
    assert_int_equal(pread(fd, &byte, 1, 1500000), 1);
    byte ^= 0x01;
    assert_int_equal(pwrite(fd, &byte, 1, 1500000), 1);
    close(fd);
    assert_int_equal(wm_blob_verify_one(f->s, c, err, sizeof err), WM_BLOB_CORRUPT);
    assert_non_null(strstr(err, "hashes to"));

    /* remove another, and leave a stray file */
    assert_true(wm_blob_path(f->s, a, path, sizeof path));
    assert_int_equal(unlink(path), 0);
    assert_int_equal(wm_blob_verify_one(f->s, a, NULL, 0), WM_BLOB_MISSING);
    char *stray = wm_asprintf("%s/objects/zz-notes.txt", wm_blob_dir(f->s));
    assert_int_equal(wm_write_atomic(stray, "x", 1, 0640), 0);
    free(stray);

    struct seen s = { 0 };
    assert_int_equal(wm_blob_verify_all(f->s, on_verify, &s, &k, err, sizeof err), WM_OK);
    assert_int_equal(k.ok, 1);
    assert_int_equal(k.corrupt, 1);
    assert_int_equal(k.stray, 1);
    assert_int_equal(k.missing, 0); /* a walk cannot know what is missing */
    assert_int_equal(s.n, 3);

    /* the list variant reports the missing one (and a malformed name) */
    const char *list[] = { a, b, c, "../../../etc/passwd" };
    memset(&s, 0, sizeof s);
    wm_blob_verify_list(f->s, list, 4, on_verify, &s, &k);
    assert_int_equal(k.ok, 1);
    assert_int_equal(k.missing, 2);
    assert_int_equal(k.corrupt, 1);
    assert_int_equal(s.n, 4);
    assert_string_equal(s.names[0], a);
    assert_int_equal(s.st[0], WM_BLOB_MISSING);
    assert_int_equal(s.st[1], WM_BLOB_OK);
    assert_int_equal(s.st[2], WM_BLOB_CORRUPT);
    assert_string_equal(wm_blob_status_name(s.st[2]), "corrupt");
}

static void
test_dedup_heals_wrong_size(void **state)
{
    struct fx *f = *state;
    char sha[65];
    bool e;
    assert_int_equal(store(f, (const unsigned char *)"content", 7, sha, &e), WM_OK);
    char path[4096];
    assert_true(wm_blob_path(f->s, sha, path, sizeof path));
    assert_int_equal(truncate(path, 3), 0);
    assert_int_equal(wm_blob_verify_one(f->s, sha, NULL, 0), WM_BLOB_CORRUPT);
    assert_int_equal(store(f, (const unsigned char *)"content", 7, sha, &e), WM_OK);
    assert_false(e); /* replaced, not deduplicated against a damaged copy */
    assert_int_equal(wm_blob_verify_one(f->s, sha, NULL, 0), WM_BLOB_OK);
    assert_int_equal(count_files(f, "tmp"), 0);
}

/* ---------------------------------------------------------------- concurrency */

struct thr {
    struct fx *f;
    const unsigned char *p;
    size_t n;
    char sha[65];
    bool existed;
    enum wm_err rc;
    pthread_barrier_t *bar;
};

static void *
thr_main(void *arg)
{
    struct thr *t = arg;
    struct wm_blob_writer *w;
    char err[256];
    t->rc = wm_blob_writer_new(t->f->s, 0, &w, err, sizeof err);
    if (t->rc) {
        return NULL;
    }
    for (size_t off = 0; off < t->n; off += 65536) {
        size_t k = t->n - off < 65536 ? t->n - off : 65536;
        if ((t->rc = wm_blob_write(w, t->p + off, k)) != WM_OK) {
            wm_blob_abort(w);
            return NULL;
        }
    }
    pthread_barrier_wait(t->bar); /* commit as close together as possible */
    t->rc = wm_blob_commit(w, t->sha, NULL, &t->existed, err, sizeof err);
    return NULL;
}

static void
test_concurrent_same_content(void **state)
{
    struct fx *f = *state;
    for (int round = 0; round < 5; round++) {
        size_t n = 2 * 1024 * 1024 + (size_t)round;
        unsigned char *p = pattern(n, 7 + (unsigned)round);
        pthread_barrier_t bar;
        pthread_barrier_init(&bar, NULL, 4);
        struct thr t[4];
        pthread_t th[4];
        for (int i = 0; i < 4; i++) {
            t[i] = (struct thr){ .f = f, .p = p, .n = n, .bar = &bar };
            assert_int_equal(pthread_create(&th[i], NULL, thr_main, &t[i]), 0);
        }
        int fresh = 0;
        for (int i = 0; i < 4; i++) {
            pthread_join(th[i], NULL);
            assert_int_equal(t[i].rc, WM_OK);
            assert_string_equal(t[i].sha, t[0].sha);
            fresh += !t[i].existed;
        }
        assert_int_equal(fresh, 1);
        pthread_barrier_destroy(&bar);
        assert_int_equal(wm_blob_verify_one(f->s, t[0].sha, NULL, 0), WM_BLOB_OK);
        free(p);
    }
    assert_int_equal(count_files(f, "objects"), 5);
    assert_int_equal(count_files(f, "tmp"), 0);
}

/* ---------------------------------------------------------------- gc and validation */

static void
collect_outside(void *ctx, const char *name, bool stray, int64_t mtime)
{
    (void)mtime;
    assert_true(stray);
    struct wm_buf *b = ctx;
    wm_buf_printf(b, "%s;", name);
}

/* Files of the store outside objects/ and tmp/ are listed (as strays); the objects, the
** temp files and the directories themselves are not. */
static void
test_list_outside(void **state)
{
    struct fx *f = *state;
    char err[256];
    struct wm_blob_writer *w;
    char sha[65];
    uint64_t size;
    bool existed;
    assert_int_equal(wm_blob_writer_new(f->s, 0, &w, err, sizeof err), WM_OK);
    assert_int_equal(wm_blob_write(w, "an object", 9), WM_OK);
    assert_int_equal(wm_blob_commit(w, sha, &size, &existed, err, sizeof err), WM_OK);
    char *p1 = wm_asprintf("%s/zz/x", wm_blob_dir(f->s));
    char *p2 = wm_asprintf("%s/notes.txt", wm_blob_dir(f->s));
    char *p3 = wm_asprintf("%s/tmp/up-live", wm_blob_dir(f->s));
    char *d1 = wm_asprintf("%s/zz", wm_blob_dir(f->s));
    char *d2 = wm_asprintf("%s/empty/dir", wm_blob_dir(f->s));
    assert_int_equal(wm_mkdirs(d1, 0750), 0);
    assert_int_equal(wm_mkdirs(d2, 0750), 0);
    assert_int_equal(wm_write_atomic(p1, "x", 1, 0640), 0);
    assert_int_equal(wm_write_atomic(p2, "x", 1, 0640), 0);
    assert_int_equal(wm_write_atomic(p3, "x", 1, 0640), 0);
    struct wm_buf b = {0};
    assert_int_equal(wm_blob_list_outside(f->s, collect_outside, &b, err, sizeof err), WM_OK);
    assert_string_equal(wm_buf_str(&b), "notes.txt;zz/x;");
    wm_buf_free(&b);
    free(p1);
    free(p2);
    free(p3);
    free(d1);
    free(d2);
}

static void
test_gc_tmp(void **state)
{
    struct fx *f = *state;
    char *old = wm_asprintf("%s/tmp/up-crashed", wm_blob_dir(f->s));
    char *fresh = wm_asprintf("%s/tmp/up-recent", wm_blob_dir(f->s));
    assert_int_equal(wm_write_atomic(old, "left by a crash", 15, 0640), 0);
    assert_int_equal(wm_write_atomic(fresh, "still uploading", 15, 0640), 0);
    struct timespec ts[2] = { { .tv_sec = wm_now() - 7200 }, { .tv_sec = wm_now() - 7200 } };
    assert_int_equal(utimensat(AT_FDCWD, old, ts, 0), 0);
    struct wm_blob_writer *w;
    char err[256];
    assert_int_equal(wm_blob_writer_new(f->s, 0, &w, err, sizeof err), WM_OK);
    assert_int_equal(wm_blob_write(w, "live", 4), WM_OK);

    assert_int_equal(wm_blob_gc_tmp(f->s, 3600, err, sizeof err), 1);
    assert_int_equal(access(old, F_OK), -1);
    assert_int_equal(access(fresh, F_OK), 0);
    assert_int_equal(count_files(f, "tmp"), 2);
    assert_int_equal(wm_blob_gc_tmp(f->s, 3600, err, sizeof err), 0);
    assert_int_equal(wm_blob_commit(w, NULL, NULL, NULL, err, sizeof err), WM_OK);
    assert_int_equal(count_files(f, "tmp"), 1);
    free(old);
    free(fresh);
}

static void
test_sha_validation(void **state)
{
    struct fx *f = *state;
    static const char *const bad[] = {
        "",
        "../../../../etc/passwd",
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85",   /* 63 */
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b8555", /* 65 */
        "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855",  /* upper */
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85/",
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85g",
    };
    char path[4096];
    uint64_t sz;
    for (size_t i = 0; i < WM_ARRAY_LEN(bad); i++) {
        assert_false(wm_blob_sha_valid(bad[i]));
        errno = 0;
        assert_int_equal(wm_blob_open_fd(f->s, bad[i]), -1);
        assert_int_equal(errno, EINVAL);
        assert_false(wm_blob_path(f->s, bad[i], path, sizeof path));
        assert_false(wm_blob_exists(f->s, bad[i]));
        assert_int_equal(wm_blob_size(f->s, bad[i], &sz), WM_E_BAD_REQUEST);
    }
    assert_false(wm_blob_sha_valid(NULL));
    const char *absent = "0000000000000000000000000000000000000000000000000000000000000000";
    assert_true(wm_blob_sha_valid(absent));
    errno = 0;
    assert_int_equal(wm_blob_open_fd(f->s, absent), -1);
    assert_int_equal(errno, ENOENT);
    assert_int_equal(wm_blob_size(f->s, absent, &sz), WM_E_NOT_FOUND);
    assert_false(wm_blob_path(f->s, absent, path, 20)); /* too small a buffer */
}

static void
test_writer_fd(void **state)
{
    struct fx *f = *state;
    struct wm_blob_writer *w;
    char err[256];
    assert_int_equal(wm_blob_writer_new(f->s, 0, &w, err, sizeof err), WM_OK);
    assert_int_equal(wm_blob_write(w, "0123456789", 10), WM_OK);
    int fd;
    assert_int_equal(wm_blob_writer_fd(w, &fd), WM_OK);
    char back[16] = "";
    assert_int_equal(pread(fd, back, sizeof back, 0), 10);
    assert_memory_equal(back, "0123456789", 10);
    assert_int_equal(wm_blob_write(w, "ab", 2), WM_OK);
    char sha[65], want[65];
    wm_sha256_hex("0123456789ab", 12, want);
    assert_int_equal(wm_blob_commit(w, sha, NULL, NULL, err, sizeof err), WM_OK);
    assert_string_equal(sha, want);
}

/* wm_blob_copy_fd (backup, restore): a copy into another store under its name; content that
** does not hash to the name given is refused and leaves nothing behind. */
static void
test_copy_fd(void **state)
{
    struct fx *f = *state;
    unsigned char *p = pattern(300000, 7);
    char sha[65], err[256];
    assert_int_equal(store(f, p, 300000, sha, NULL), WM_OK);
    char *ddir = wm_asprintf("%s/copy", f->dir);
    struct wm_blobstore *d = wm_blob_open(ddir, err, sizeof err);
    assert_non_null(d);
    uint64_t size = 0;
    bool copied = false;
    int fd = wm_blob_open_fd(f->s, sha);
    assert_true(fd >= 0);
    assert_int_equal(wm_blob_copy_fd(d, fd, sha, &size, &copied, err, sizeof err), WM_OK);
    close(fd);
    assert_true(copied);
    assert_int_equal(size, 300000);
    assert_int_equal(wm_blob_verify_one(d, sha, err, sizeof err), WM_BLOB_OK);
    /* again: already there, not copied */
    fd = wm_blob_open_fd(f->s, sha);
    assert_int_equal(wm_blob_copy_fd(d, fd, sha, &size, &copied, err, sizeof err), WM_OK);
    close(fd);
    assert_false(copied);
    /* the content of another name: refused, nothing left in the target */
    char other[65];
    wm_sha256_hex("other", 5, other);
    fd = wm_blob_open_fd(f->s, sha);
    assert_int_equal(wm_blob_copy_fd(d, fd, other, &size, &copied, err, sizeof err),
                     WM_E_CONFLICT);
    close(fd);
    assert_non_null(strstr(err, "corrupt"));
    assert_false(wm_blob_exists(d, other));
    struct wm_blob_counts c;
    assert_int_equal(wm_blob_verify_all(d, NULL, NULL, &c, err, sizeof err), WM_OK);
    assert_int_equal(c.ok, 1);
    wm_blob_close(d);
    free(ddir);
    free(p);
}

static void
test_open_errors(void **state)
{
    (void)state;
    char err[256] = "";
    assert_null(wm_blob_open("/proc/version/blobs", err, sizeof err));
    assert_true(strlen(err) > 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_write_hash, setup, teardown),
        cmocka_unit_test_setup_teardown(test_small_and_empty, setup, teardown),
        cmocka_unit_test_setup_teardown(test_store_path, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dedup, setup, teardown),
        cmocka_unit_test_setup_teardown(test_too_large, setup, teardown),
        cmocka_unit_test_setup_teardown(test_abort, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fault_enospc, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fault_fsync_eio, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fault_rename, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fault_fsync_dir, setup, teardown),
        cmocka_unit_test_setup_teardown(test_short_writes_eintr, setup, teardown),
        cmocka_unit_test_setup_teardown(test_verify, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dedup_heals_wrong_size, setup, teardown),
        cmocka_unit_test_setup_teardown(test_concurrent_same_content, setup, teardown),
        cmocka_unit_test_setup_teardown(test_copy_fd, setup, teardown), /* backups, issue 13 */
        cmocka_unit_test_setup_teardown(test_gc_tmp, setup, teardown),
        cmocka_unit_test_setup_teardown(test_list_outside, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sha_validation, setup, teardown),
        cmocka_unit_test_setup_teardown(test_writer_fd, setup, teardown),
        cmocka_unit_test_setup_teardown(test_relpath_probe, setup, teardown), /* issue 13 */
        cmocka_unit_test(test_open_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* end of test_blob.c */
