/*
** blob_copy.c — one object from a store into another (backup into a backup directory's
** blobs/, restore out of it): through a writer of the target, so the copy is made as an
** upload is (temp file, fsync, rename, directory fsync) and its content is hashed on the
** way and must hash to its name.
*/
/* clang-format off */
#include "blob_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "banned.h"
/* clang-format on */

#define COPY_CHUNK ((size_t)512 * 1024)

/* Stream fd into w; WM_OK or the failure (in err). */
static enum wm_err
copy_stream(int fd, struct wm_blob_writer *w, char *err, size_t errlen)
{
    char *buf = wm_malloc(COPY_CHUNK);
    enum wm_err e = WM_OK;
    for (;;) {
        ssize_t n = read(fd, buf, COPY_CHUNK);
        if (n < 0 && EINTR == errno) {
            continue;
        }
        if (n < 0) {
            snprintf(err, errlen, "read: %s", strerror(errno));
            e = WM_E_INTERNAL;
            break;
        }
        if (0 == n) {
            break;
        }
        e = wm_blob_write(w, buf, (size_t)n);
        if (WM_OK != e) {
            snprintf(err, errlen, "%s", wm_blob_writer_error(w));
            break;
        }
    }
    free(buf);
    return e;
}

enum wm_err
wm_blob_copy_fd(struct wm_blobstore *dst,
                int fd,
                const char *sha,
                uint64_t *size,
                bool *copied,
                char *err,
                size_t errlen)
{
    *copied = false;
    *size = 0;
    if (!wm_blob_sha_valid(sha)) {
        snprintf(err, errlen, "not an object name: %.80s", sha);
        return WM_E_BAD_REQUEST;
    }
    struct wm_blob_writer *w = NULL;
    enum wm_err e = wm_blob_writer_new(dst, 0, &w, err, errlen);
    if (WM_OK == e) {
        e = copy_stream(fd, w, err, errlen);
    }
    if (WM_OK != e) {
        wm_blob_abort(w);
        return e;
    }
    char got[65];
    bool existed = false;
    e = wm_blob_commit(w, got, size, &existed, err, errlen);
    if (WM_OK != e) {
        return e;
    }
    if (!wm_streq(got, sha)) {
        if (!existed && WM_OK != wm_blob_remove(dst, got)) { /* the corrupt content */
            wm_log(WM_LOG_WARN, "blob copy: cannot remove %s", got);
        }
        snprintf(err, errlen, "%s: corrupt (its content hashes to %.12s…)", sha, got);
        return WM_E_CONFLICT;
    }
    *copied = !existed;
    return WM_OK;
}

/* end of blob_copy.c */
