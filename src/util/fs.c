/*
** fs.c — atomic file writes (temp file, fsync, rename, directory fsync), whole-file reads,
** mkdir -p, and the clock.
*/
#include "wm_util.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

int64_t
wm_now(void)
{
    const char *fake = getenv("WM_FAKE_NOW");
    int64_t v;
    if (fake && wm_parse_i64(fake, 0, INT64_MAX, &v)) {
        return v;
    }
    return (int64_t)time(NULL);
}

void
wm_time_rfc3339(int64_t t, char out[32])
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int
fsync_dir_of(const char *path)
{
    char *copy = wm_strdup(path);
    int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    free(copy);
    if (fd < 0) {
        return -errno;
    }
    int rc = fsync(fd) ? -errno : 0;
    close(fd);
    return rc;
}

int
wm_write_atomic(const char *path, const void *p, size_t n, unsigned mode)
{
    char *tmp = wm_asprintf("%s.tmp.XXXXXX", path);
    int fd = mkstemp(tmp);
    int rc = 0;
    if (fd < 0) {
        rc = -errno;
        goto cleanup;
    }
    const char *c = p;
    size_t left = n;
    while (left) {
        ssize_t w = write(fd, c, left);
        if (w < 0) {
            if (EINTR == errno) {
                continue;
            }
            rc = -errno;
            break;
        }
        c += w;
        left -= (size_t)w;
    }
    if (0 == rc && fchmod(fd, (mode_t)mode)) {
        rc = -errno;
    }
    if (0 == rc && fsync(fd)) {
        rc = -errno;
    }
    if (close(fd) && 0 == rc) {
        rc = -errno;
    }
    if (0 == rc && rename(tmp, path)) {
        rc = -errno;
    }
    if (0 != rc) {
        unlink(tmp);
    } else {
        rc = fsync_dir_of(path);
    }
cleanup:
    free(tmp);
    return rc;
}

char *
wm_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (NULL == f) {
        return NULL;
    }
    struct wm_buf b = {0};
    char chunk[65536];
    size_t r;
    while ((r = fread(chunk, 1, sizeof chunk, f)) > 0) {
        wm_buf_add(&b, chunk, r);
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        wm_buf_free(&b);
        errno = EIO;
        return NULL;
    }
    if (len) {
        *len = b.len;
    }
    return wm_buf_steal(&b);
}

int
wm_mkdirs(const char *path, unsigned mode)
{
    char *p = wm_strdup(path);
    int rc = 0;
    for (char *s = p + 1;; s++) {
        if ('/' == *s || '\0' == *s) {
            char save = *s;
            *s = '\0';
            if (mkdir(p, (mode_t)mode) && EEXIST != errno) {
                rc = -errno;
                break;
            }
            *s = save;
            if ('\0' == save) {
                break;
            }
        }
    }
    free(p);
    return rc;
}

int
wm_fs_free_bytes(const char *path, uint64_t *bytes)
{
    struct statvfs sv;
    if (statvfs(path, &sv)) {
        return -errno;
    }
    *bytes = (uint64_t)sv.f_bavail * (uint64_t)sv.f_frsize;
    return 0;
}

/* end of fs.c */

/* ---------------------------------------------------------------- scratch */

static char *scratch_dir; /* set once at start-up, before threads */

void
wm_scratch_set(const char *dir)
{
    free(scratch_dir);
    scratch_dir = dir && dir[0] ? wm_strdup(dir) : NULL;
}

/* DIR/PREFIX-XXXXXX into path; false (errno ENAMETOOLONG) when it does not fit. */
static bool
scratch_template(const char *prefix, char *path, size_t len)
{
    const char *dir = scratch_dir;
    if (NULL == dir) {
        dir = getenv("TMPDIR");
    }
    if (NULL == dir || '\0' == dir[0]) {
        dir = "/tmp";
    }
    int n = snprintf(path, len, "%s/%s-XXXXXX", dir, prefix);
    if (n < 0 || (size_t)n >= len) {
        errno = ENAMETOOLONG;
        return false;
    }
    return true;
}

int
wm_scratch_file(const char *prefix, char *path, size_t len)
{
    return scratch_template(prefix, path, len) ? mkostemp(path, O_CLOEXEC) : -1;
}

int
wm_scratch_dir(const char *prefix, char *path, size_t len)
{
    return scratch_template(prefix, path, len) && mkdtemp(path) ? 0 : -1;
}
