/*
** fixity.c — re-hash every blob the store refers to and record the result: missing and
** corrupt objects are named (first 100), counts kept, the run stored for the admin's page.
** Runs from `wenming verify blobs` and periodically from a background thread of `serve`.
*/
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tx.h"
#include "wm_blob.h"
#include "wm_core.h"

struct fix_ctx {
    json_t *problems;
    void (*print)(const char *sha, const char *status, const char *detail);
};

static void
fix_cb(void *cls, const char *name, enum wm_blob_status st, const char *detail)
{
    struct fix_ctx *c = cls;
    if (WM_BLOB_OK == st) {
        return;
    }
    if (c->print) {
        c->print(name, wm_blob_status_name(st), detail);
    }
    if (json_array_size(c->problems) < 100) {
        json_array_append_new(c->problems, json_pack("{s:s, s:s, s:s}", "sha", name, "status",
                                                     wm_blob_status_name(st), "detail",
                                                     detail ? detail : ""));
    }
}

json_t *
wm_fixity_run(struct wm_db *db, struct wm_blobstore *blobs,
              void (*print)(const char *sha, const char *status, const char *detail))
{
    int64_t started = wm_now();
    json_t *rows = db->ops->blob_list(db);
    if (NULL == rows) {
        return NULL;
    }
    size_t n = json_array_size(rows);
    const char **shas = wm_calloc(n ? n : 1, sizeof *shas);
    for (size_t i = 0; i < n; i++) {
        shas[i] = json_string_value(json_object_get(json_array_get(rows, i), "sha"));
    }
    struct fix_ctx c = {.problems = json_array(), .print = print};
    struct wm_blob_counts counts = {0};
    wm_blob_verify_list(blobs, shas, n, fix_cb, &c, &counts);
    free(shas);
    json_decref(rows);
    int64_t bad = (int64_t)(counts.corrupt + counts.unreadable);
    char *detail = json_dumps(c.problems, JSON_COMPACT);
    (void)db->ops->fixity_insert(db, started, wm_now(), (int64_t)n, (int64_t)counts.missing, bad,
                                 detail);
    free(detail);
    wm_log(counts.missing || bad ? WM_LOG_ERROR : WM_LOG_INFO,
           "fixity: %zu blobs checked, %llu missing, %lld corrupt", n,
           (unsigned long long)counts.missing, (long long)bad);
    return json_pack("{s:I, s:I, s:I, s:I, s:o}", "checked", (json_int_t)n, "missing",
                     (json_int_t)counts.missing, "corrupt", (json_int_t)bad, "bytes",
                     (json_int_t)counts.bytes, "problems", c.problems);
}

/* end of fixity.c */
