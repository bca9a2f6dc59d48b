/*
** generate.c — what the server itself knows of thumbnails, without any image code: the
** types a thumbnail can be asked for, the on-disk layout thumbs_dir/ab/cd/<sha>.jpg, and
** making one (wm_thumb_generate, run by the "thumbnail" job in src/core/jobs_kinds.c)
** with the `wenming-thumb` helper program as a child under CPU-time and memory limits.
*/
/* clang-format off */
#include "wm_thumb.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>


#include "banned.h"
/* clang-format on */

bool
wm_thumb_mime_ok(const char *mime)
{
    static const char *const types[] = {"application/pdf", "image/jpeg", "image/png",
                                        "image/gif",       "image/webp", "image/tiff",
                                        "image/heic",      "image/heif", NULL};
    for (int i = 0; mime && types[i]; i++) {
        if (wm_streq(mime, types[i])) {
            return true;
        }
    }
    return false;
}

/* ---------------------------------------------------------------- the helper program */

static char *thumb_helper;

void
wm_thumb_set_helper(const char *helper_path)
{
    free(thumb_helper);
    thumb_helper = helper_path ? wm_strdup(helper_path) : NULL;
}

enum wm_err
wm_thumb_make_spawned(const char *src_path, const char *mime, const char *dst_path,
                      unsigned max_px, char *err, size_t errlen)
{
    if (NULL == thumb_helper) {
        snprintf(err, errlen, "no thumbnail helper program configured");
        return WM_E_UNAVAILABLE;
    }
    char px[16];
    snprintf(px, sizeof px, "%u", max_px);
    char *const argv[] = {thumb_helper, (char *)src_path, (char *)mime, (char *)dst_path, px, NULL};
    int code;
    enum wm_err e = wm_spawn_wait(argv, "thumbnail helper", &code, err, errlen);
    if (WM_OK != e || 0 == code) {
        return e;
    }
    return 3 == code ? WM_E_UNSUPPORTED_MEDIA : WM_E_BAD_REQUEST;
}

bool
wm_thumb_sha_valid(const char *sha)
{
    if (NULL == sha) {
        return false;
    }
    size_t i = 0;
    for (; sha[i]; i++) {
        char c = sha[i];
        if (i >= 64 || !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            return false;
        }
    }
    return 64 == i;
}

bool
wm_thumb_path(const char *thumbs_dir, const char *sha, char *buf, size_t len)
{
    if (buf && len) {
        buf[0] = '\0';
    }
    if (NULL == thumbs_dir || NULL == buf || !wm_thumb_sha_valid(sha)) {
        return false;
    }
    int n = snprintf(buf, len, "%s/%.2s/%.2s/%s.jpg", thumbs_dir, sha, sha + 2, sha);
    if (n < 0 || (size_t)n >= len) {
        if (len) {
            buf[0] = '\0';
        }
        return false;
    }
    struct stat st;
    return 0 == stat(buf, &st) && S_ISREG(st.st_mode);
}

enum wm_err
wm_thumb_generate(const char *thumbs_dir, const char *sha, const char *src_path, const char *mime,
                  unsigned max_px, wm_thumb_maker maker, bool *made, char *err, size_t errlen)
{
    char path[PATH_MAX];
    if (made) {
        *made = false;
    }
    if (!wm_thumb_sha_valid(sha) || NULL == src_path || !wm_thumb_mime_ok(mime)) {
        snprintf(err, errlen, "not a thumbnail request");
        return WM_E_BAD_REQUEST;
    }
    if (wm_thumb_path(thumbs_dir, sha, path, sizeof path)) {
        return WM_OK;
    }
    if ('\0' == path[0]) {
        snprintf(err, errlen, "path too long under %s", thumbs_dir);
        return WM_E_INTERNAL;
    }
    char *sub = wm_asprintf("%s/%.2s/%.2s", thumbs_dir, sha, sha + 2);
    int rc = wm_mkdirs(sub, 0750);
    if (rc) {
        snprintf(err, errlen, "mkdir %s: %s", sub, strerror(-rc));
        free(sub);
        return WM_E_INTERNAL;
    }
    free(sub);
    enum wm_err e = maker(src_path, mime, path, max_px, err, errlen);
    if (WM_OK == e && made) {
        *made = true;
    }
    return e;
}

/* end of generate.c */
