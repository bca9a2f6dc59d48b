/*
** blob_store.c — opening the store, reading objects, fixity checks, temp-file cleanup.
*/
/* clang-format off */
#include "blob_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "banned.h"
/* clang-format on */

#define WM_BLOB_READSZ ((size_t)1024 * 1024)

struct wm_blobstore *
wm_blob_open(const char *dir, char *err, size_t errlen)
{
    struct wm_blobstore *s = wm_calloc(1, sizeof *s);
    s->dir = wm_strdup(dir);
    s->objects = wm_asprintf("%s/objects", dir);
    s->tmp = wm_asprintf("%s/tmp", dir);
    const char *const paths[] = { s->objects, s->tmp };
    for (size_t i = 0; i < WM_ARRAY_LEN(paths); i++) {
        int rc = wm_mkdirs(paths[i], 0750);
        struct stat st;
        if (rc) {
            snprintf(err, errlen, "%s: %s", paths[i], strerror(-rc));
            goto fail;
        }
        if (stat(paths[i], &st) || !S_ISDIR(st.st_mode)) {
            snprintf(err, errlen, "%s: not a directory", paths[i]);
            goto fail;
        }
        if (access(paths[i], W_OK | X_OK)) {
            snprintf(err, errlen, "%s: %s", paths[i], strerror(errno));
            goto fail;
        }
    }
    return s;
fail:
    wm_blob_close(s);
    return NULL;
}

void
wm_blob_close(struct wm_blobstore *s)
{
    if (s) {
        free(s->dir);
        free(s->objects);
        free(s->tmp);
        free(s);
    }
}

const char *
wm_blob_dir(const struct wm_blobstore *s)
{
    return s->dir;
}

bool
wm_blob_sha_valid(const char *sha)
{
    if (NULL == sha) {
        return false;
    }
    for (size_t i = 0; i < 64; i++) {
        char c = sha[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            return false; /* also stops at a NUL before 64 */
        }
    }
    return '\0' == sha[64];
}

bool
wm_blob_objpath(const struct wm_blobstore *s, const char *sha, char *buf, size_t len)
{
    int n = snprintf(buf, len, "%s/%.2s/%.2s/%s", s->objects, sha, sha + 2, sha);
    return n > 0 && (size_t)n < len;
}

bool
wm_blob_path(const struct wm_blobstore *s, const char *sha, char *buf, size_t len)
{
    return wm_blob_sha_valid(sha) && wm_blob_objpath(s, sha, buf, len);
}

bool
wm_blob_relpath(const char *sha, char *buf, size_t len)
{
    if (!wm_blob_sha_valid(sha)) {
        return false;
    }
    int n = snprintf(buf, len, "objects/%.2s/%.2s/%s", sha, sha + 2, sha);
    return n > 0 && (size_t)n < len;
}

enum wm_err
wm_blob_probe(const struct wm_blobstore *s, char *err, size_t errlen)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/probe-XXXXXX", s->tmp);
    int fd = mkstemp(path);
    if (fd < 0) {
        snprintf(err, errlen, "cannot create a file in %s: %s", s->tmp, strerror(errno));
        return WM_E_UNAVAILABLE;
    }
    close(fd);
    if (unlink(path)) {
        snprintf(err, errlen, "cannot remove %s: %s", path, strerror(errno));
        return WM_E_UNAVAILABLE;
    }
    if (access(s->objects, W_OK | X_OK)) {
        snprintf(err, errlen, "%s is not writable: %s", s->objects, strerror(errno));
        return WM_E_UNAVAILABLE;
    }
    return WM_OK;
}

int
wm_blob_open_fd(const struct wm_blobstore *s, const char *sha)
{
    char path[4096];
    if (!wm_blob_path(s, sha, path, sizeof path)) {
        errno = EINVAL;
        return -1;
    }
    return open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
}

bool
wm_blob_exists(const struct wm_blobstore *s, const char *sha)
{
    char path[4096];
    struct stat st;
    return wm_blob_path(s, sha, path, sizeof path) && 0 == lstat(path, &st) && S_ISREG(st.st_mode);
}

enum wm_err
wm_blob_size(const struct wm_blobstore *s, const char *sha, uint64_t *size)
{
    char path[4096];
    struct stat st;
    if (!wm_blob_path(s, sha, path, sizeof path)) {
        return WM_E_BAD_REQUEST;
    }
    if (lstat(path, &st) || !S_ISREG(st.st_mode)) {
        return WM_E_NOT_FOUND;
    }
    *size = (uint64_t)st.st_size;
    return WM_OK;
}

/* ---------------------------------------------------------------- fixity */

const char *
wm_blob_status_name(enum wm_blob_status st)
{
    switch (st) {
    case WM_BLOB_OK:
        return "ok";
    case WM_BLOB_MISSING:
        return "missing";
    case WM_BLOB_CORRUPT:
        return "corrupt";
    case WM_BLOB_UNREADABLE:
        return "unreadable";
    case WM_BLOB_STRAY:
        return "stray";
    }
    return "?";
}

/* Hash the object at path; *bytes gets the length read. */
static enum wm_blob_status
verify_path(const char *path, const char *sha, uint64_t *bytes, char *err, size_t errlen)
{
    *bytes = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        if (ENOENT == errno) {
            snprintf(err, errlen, "not stored");
            return WM_BLOB_MISSING;
        }
        snprintf(err, errlen, "open: %s", strerror(errno));
        return WM_BLOB_UNREADABLE;
    }
    struct stat st;
    if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "not a regular file");
        close(fd);
        return WM_BLOB_UNREADABLE;
    }
    (void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    unsigned char *buf = wm_malloc(WM_BLOB_READSZ);
    struct wm_sha256 *h = wm_sha256_new();
    enum wm_blob_status rc = WM_BLOB_OK;
    for (;;) {
        ssize_t r = read(fd, buf, WM_BLOB_READSZ);
        if (r < 0) {
            if (EINTR == errno) {
                continue;
            }
            snprintf(err, errlen, "read: %s", strerror(errno));
            rc = WM_BLOB_UNREADABLE;
            break;
        }
        if (0 == r) {
            break;
        }
        wm_sha256_update(h, buf, (size_t)r);
        *bytes += (uint64_t)r;
    }
    char hex[65];
    wm_sha256_final_hex(h, hex);
    if (WM_BLOB_OK == rc && !wm_streq(hex, sha)) {
        snprintf(err, errlen, "content hashes to %s", hex);
        rc = WM_BLOB_CORRUPT;
    } else if (WM_BLOB_OK == rc) {
        snprintf(err, errlen, "%s", "");
    }
    /* a fixity pass should not push the working set out of the page cache */
    (void)posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
    free(buf);
    close(fd);
    return rc;
}

enum wm_blob_status
wm_blob_verify_one(const struct wm_blobstore *s, const char *sha, char *err, size_t errlen)
{
    char path[4096];
    char dummy[8];
    uint64_t bytes;
    if (NULL == err) {
        err = dummy;
        errlen = sizeof dummy;
    }
    if (!wm_blob_path(s, sha, path, sizeof path)) {
        snprintf(err, errlen, "malformed sha");
        return WM_BLOB_MISSING;
    }
    return verify_path(path, sha, &bytes, err, errlen);
}

static void
count(struct wm_blob_counts *c, enum wm_blob_status st)
{
    switch (st) {
    case WM_BLOB_OK:
        c->ok++;
        break;
    case WM_BLOB_MISSING:
        c->missing++;
        break;
    case WM_BLOB_CORRUPT:
        c->corrupt++;
        break;
    case WM_BLOB_UNREADABLE:
        c->unreadable++;
        break;
    case WM_BLOB_STRAY:
        c->stray++;
        break;
    }
}

static void
report(wm_blob_verify_fn cb,
       void *ctx,
       struct wm_blob_counts *c,
       const char *name,
       enum wm_blob_status st,
       const char *detail)
{
    count(c, st);
    if (cb) {
        cb(ctx, name, st, detail);
    }
}

static bool
is_hex2(const char *n)
{
    return strlen(n) == 2 && ((n[0] >= '0' && n[0] <= '9') || (n[0] >= 'a' && n[0] <= 'f')) &&
           ((n[1] >= '0' && n[1] <= '9') || (n[1] >= 'a' && n[1] <= 'f'));
}

static int
skip_dots(const struct dirent *d)
{
    return !(wm_streq(d->d_name, ".") || wm_streq(d->d_name, ".."));
}

/* scandir with sorting; -1 with the cause in err. */
static int
list_dir(const char *path, struct dirent ***out, char *err, size_t errlen)
{
    int n = scandir(path, out, skip_dots, alphasort);
    if (n < 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
    }
    return n;
}

static void
free_list(struct dirent **l, int n)
{
    for (int i = 0; i < n; i++) {
        free(l[i]);
    }
    free(l);
}

static bool
is_dir(const char *path)
{
    struct stat st;
    return 0 == lstat(path, &st) && S_ISDIR(st.st_mode);
}

/* wm_blob_verify_all walks the objects tree with wm_blob_list_tree: one walker of the
** fan-out for verification and for the orphan listing. */
struct verify_walk {
    const struct wm_blobstore *s;
    wm_blob_verify_fn cb;
    void *ctx;
    struct wm_blob_counts *c;
};

static void
verify_one(void *ctx, const char *name, bool stray, int64_t mtime)
{
    (void)mtime;
    struct verify_walk *w = ctx;
    char path[4096], detail[160];
    if (stray || !wm_blob_path(w->s, name, path, sizeof path)) {
        report(w->cb, w->ctx, w->c, name, WM_BLOB_STRAY, "not named like an object");
        return;
    }
    uint64_t bytes = 0;
    enum wm_blob_status st = verify_path(path, name, &bytes, detail, sizeof detail);
    w->c->bytes += bytes;
    report(w->cb, w->ctx, w->c, name, st, detail);
}

enum wm_err
wm_blob_verify_all(const struct wm_blobstore *s,
                   wm_blob_verify_fn cb,
                   void *ctx,
                   struct wm_blob_counts *counts,
                   char *err,
                   size_t errlen)
{
    struct wm_blob_counts local;
    struct verify_walk w = {s, cb, ctx, counts ? counts : &local};
    memset(w.c, 0, sizeof *w.c);
    if (!is_dir(s->objects)) {
        snprintf(err, errlen, "%s: %s", s->objects, strerror(ENOENT));
        return WM_E_INTERNAL;
    }
    return wm_blob_list_tree(s->objects, "", verify_one, &w, err, errlen);
}

void
wm_blob_verify_list(const struct wm_blobstore *s,
                    const char *const *shas,
                    size_t n,
                    wm_blob_verify_fn cb,
                    void *ctx,
                    struct wm_blob_counts *counts)
{
    struct wm_blob_counts local;
    struct wm_blob_counts *c = counts ? counts : &local;
    memset(c, 0, sizeof *c);
    char detail[160];
    char path[4096];
    for (size_t i = 0; i < n; i++) {
        enum wm_blob_status st;
        uint64_t bytes = 0;
        if (!wm_blob_path(s, shas[i], path, sizeof path)) {
            snprintf(detail, sizeof detail, "malformed sha");
            st = WM_BLOB_MISSING;
        } else {
            st = verify_path(path, shas[i], &bytes, detail, sizeof detail);
        }
        c->bytes += bytes;
        report(cb, ctx, c, shas[i] ? shas[i] : "(null)", st, detail);
    }
}

/* ---------------------------------------------------------------- maintenance */

long
wm_blob_gc_tmp(const struct wm_blobstore *s, int64_t older_than, char *err, size_t errlen)
{
    DIR *d = opendir(s->tmp);
    if (NULL == d) {
        snprintf(err, errlen, "%s: %s", s->tmp, strerror(errno));
        return -1;
    }
    int64_t cutoff = wm_now() - older_than;
    long removed = 0;
    struct dirent *e;
    errno = 0;
    while ((e = readdir(d)) != NULL) {
        struct stat st;
        if ('.' == e->d_name[0] && ('\0' == e->d_name[1] || wm_streq(e->d_name, ".."))) {
            continue;
        }
        if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) || !S_ISREG(st.st_mode) ||
            (int64_t)st.st_mtime > cutoff) {
            continue;
        }
        if (unlinkat(dirfd(d), e->d_name, 0)) {
            wm_log(WM_LOG_WARN, "blob: gc %s/%s: %s", s->tmp, e->d_name, strerror(errno));
            continue;
        }
        wm_log(WM_LOG_INFO, "blob: removed stale temp file %s/%s (%lld bytes)", s->tmp, e->d_name,
               (long long)st.st_size);
        removed++;
    }
    closedir(d);
    return removed;
}

enum wm_err
wm_blob_remove(const struct wm_blobstore *s, const char *sha)
{
    char path[4096];
    if (!wm_blob_path(s, sha, path, sizeof path)) {
        return WM_E_BAD_REQUEST;
    }
    if (unlink(path) && ENOENT != errno) {
        wm_log(WM_LOG_WARN, "blob: remove %s: %s", path, strerror(errno));
        return WM_E_INTERNAL;
    }
    return WM_OK;
}

const char *
wm_blob_objects_dir(const struct wm_blobstore *s)
{
    return s->objects;
}

/* A file's modification time (0 when it cannot be read). */
static int64_t
mtime_of(const char *path)
{
    struct stat st;
    return lstat(path, &st) ? 0 : (int64_t)st.st_mtime;
}

enum wm_err
wm_blob_list_tree(const char *root, const char *suffix, wm_blob_list_fn cb, void *ctx, char *err,
                  size_t errlen)
{
    struct dirent **l1 = NULL;
    if (!is_dir(root)) {
        return WM_OK;
    }
    int n1 = list_dir(root, &l1, err, errlen);
    if (n1 < 0) {
        return WM_E_INTERNAL;
    }
    size_t sl = strlen(suffix);
    enum wm_err rc = WM_OK;
    for (int i = 0; i < n1 && WM_OK == rc; i++) {
        const char *a = l1[i]->d_name;
        char *pa = wm_asprintf("%s/%s", root, a);
        if (!is_hex2(a) || !is_dir(pa)) {
            cb(ctx, a, true, mtime_of(pa));
            free(pa);
            continue;
        }
        struct dirent **l2 = NULL;
        int n2 = list_dir(pa, &l2, err, errlen);
        if (n2 < 0) {
            rc = WM_E_INTERNAL;
        }
        for (int j = 0; j < n2 && WM_OK == rc; j++) {
            const char *b = l2[j]->d_name;
            char *pb = wm_asprintf("%s/%s", pa, b);
            char *rel2 = wm_asprintf("%s/%s", a, b);
            struct dirent **l3 = NULL;
            int n3 = 0;
            if (!is_hex2(b) || !is_dir(pb)) {
                cb(ctx, rel2, true, mtime_of(pb));
            } else if ((n3 = list_dir(pb, &l3, err, errlen)) < 0) {
                rc = WM_E_INTERNAL;
            }
            for (int k = 0; k < n3; k++) {
                const char *f = l3[k]->d_name;
                size_t fl = strlen(f);
                char *pf = wm_asprintf("%s/%s", pb, f);
                char sha[65] = "";
                if (64 + sl == fl && 0 == strcmp(f + 64, suffix)) {
                    memcpy(sha, f, 64);
                    sha[64] = '\0';
                }
                struct stat st;
                bool reg = 0 == lstat(pf, &st) && S_ISREG(st.st_mode);
                if (reg && wm_blob_sha_valid(sha) && 0 == memcmp(sha, a, 2) &&
                    0 == memcmp(sha + 2, b, 2)) {
                    cb(ctx, sha, false, (int64_t)st.st_mtime);
                } else {
                    char *rel3 = wm_asprintf("%s/%s", rel2, f);
                    cb(ctx, rel3, true, reg ? (int64_t)st.st_mtime : 0);
                    free(rel3);
                }
                free(pf);
            }
            if (n3 > 0) {
                free_list(l3, n3);
            }
            free(rel2);
            free(pb);
        }
        if (n2 >= 0) {
            free_list(l2, n2);
        }
        free(pa);
    }
    free_list(l1, n1);
    return rc;
}

/* Every file under root/rel (rel "" for root itself), recursively, to cb as a stray;
** at the store's top, objects/ and tmp/ are skipped. */
static enum wm_err
walk_outside(const char *root, const char *rel, int depth, wm_blob_list_fn cb, void *ctx,
             char *err, size_t errlen)
{
    char *dir = *rel ? wm_asprintf("%s/%s", root, rel) : wm_strdup(root);
    struct dirent **l = NULL;
    int n = list_dir(dir, &l, err, errlen);
    enum wm_err rc = n < 0 ? WM_E_INTERNAL : WM_OK;
    for (int i = 0; i < n && WM_OK == rc; i++) {
        const char *e = l[i]->d_name;
        if (!*rel && (wm_streq(e, "objects") || wm_streq(e, "tmp"))) {
            continue;
        }
        char *r2 = *rel ? wm_asprintf("%s/%s", rel, e) : wm_strdup(e);
        char *p = wm_asprintf("%s/%s", dir, e);
        if (is_dir(p) && depth < 32) {
            rc = walk_outside(root, r2, depth + 1, cb, ctx, err, errlen);
        } else if (!is_dir(p)) {
            cb(ctx, r2, true, mtime_of(p));
        }
        free(p);
        free(r2);
    }
    if (n > 0) {
        free_list(l, n);
    }
    free(dir);
    return rc;
}

enum wm_err
wm_blob_list_outside(const struct wm_blobstore *s, wm_blob_list_fn cb, void *ctx, char *err,
                     size_t errlen)
{
    return walk_outside(s->dir, "", 0, cb, ctx, err, errlen);
}

enum wm_err
wm_blob_move_aside(const char *root, const char *rel, const char *qdir, bool back, char *err,
                   size_t errlen)
{
    if ('\0' == rel[0] || '/' == rel[0] || strstr(rel, "..")) {
        snprintf(err, errlen, "%s: not a path inside the store", rel);
        return WM_E_INTERNAL;
    }
    char *from = wm_asprintf("%s/%s", back ? qdir : root, rel);
    char *to = wm_asprintf("%s/%s", back ? root : qdir, rel);
    char *parent = wm_strdup(to);
    *strrchr(parent, '/') = '\0';
    enum wm_err rc = WM_OK;
    int m = wm_mkdirs(parent, 0750);
    if (m) {
        snprintf(err, errlen, "%s: %s", parent, strerror(-m));
        rc = WM_E_INTERNAL;
    } else if (0 == access(to, F_OK)) {
        snprintf(err, errlen, "%s: already exists", to);
        rc = WM_E_INTERNAL;
    } else if (rename(from, to)) {
        snprintf(err, errlen, "%s -> %s: %s", from, to, strerror(errno));
        rc = WM_E_INTERNAL;
    } else {
        wm_log(WM_LOG_INFO, "blob: moved %s to %s", from, to);
    }
    free(parent);
    free(from);
    free(to);
    return rc;
}

/* end of blob_store.c */
