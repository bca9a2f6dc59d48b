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

/* ---------------------------------------------------------------- orphans */

struct orph {
    json_t *found; /* [{name, stray, thumb, outside}] */
    int64_t cutoff;
    bool thumb;
    bool outside; /* files of the store outside objects/ and tmp/ */
};

static void
orph_cb(void *cls, const char *name, bool stray, int64_t mtime)
{
    struct orph *o = cls;
    if (mtime > o->cutoff || (o->thumb && stray)) {
        return; /* young (an upload may be about to refer to it); a thumbnail being made */
    }
    json_array_append_new(o->found, json_pack("{s:s, s:b, s:b, s:b}", "name", name, "stray",
                                              stray, "thumb", o->thumb, "outside", o->outside));
}

/* Add the packages of the imports still waiting, running or failed (a retry needs them)
** to set: they are stored as blobs that no version refers to yet.  false on a store error. */
static bool
ref_packages(struct wm_db *db, json_t *set)
{
    struct wm_page pg = {.limit = 200, .kind = "archive.import"};
    for (;;) {
        json_t *rows = db->ops->job_list(db, "queued,running,failed", &pg);
        if (NULL == rows) {
            return false;
        }
        size_t i;
        json_t *x;
        json_array_foreach(rows, i, x)
        {
            json_t *pl = json_loads(jss(x, "payload"), 0, NULL);
            const char *sha = json_string_value(json_object_get(pl, "sha"));
            if (sha) {
                json_object_set(set, sha, json_true());
            }
            json_decref(pl);
            pg.after = jsi(x, "id");
        }
        size_t n = json_array_size(rows);
        json_decref(rows);
        if (n < pg.limit) {
            return true;
        }
    }
}

/* The set of shas that some version refers to, and the packages of unfinished imports;
** NULL when it cannot be read. */
static json_t *
ref_set(struct wm_db *db)
{
    json_t *rows = db->ops->version_shas(db);
    if (NULL == rows) {
        return NULL;
    }
    json_t *set = json_object();
    size_t i;
    json_t *x;
    json_array_foreach(rows, i, x)
    {
        json_object_set(set, jss(x, "sha"), json_true());
    }
    json_decref(rows);
    if (!ref_packages(db, set)) {
        json_decref(set);
        return NULL;
    }
    return set;
}

json_t *
wm_blob_refs(struct wm_db *db)
{
    return ref_set(db);
}

json_t *
wm_orphans_run(struct wm_db *db, struct wm_blobstore *bs, const char *thumbs_dir, const char *qdir,
               int64_t grace, void (*print)(const char *what, const char *name, const char *detail))
{
    json_t *refs = ref_set(db);
    if (NULL == refs) {
        return NULL;
    }
    struct orph o = {.found = json_array(), .cutoff = wm_now() - grace};
    char err[512] = "";
    enum wm_err e = wm_blob_list_tree(wm_blob_objects_dir(bs), "", orph_cb, &o, err, sizeof err);
    if (WM_OK == e && thumbs_dir) {
        o.thumb = true;
        e = wm_blob_list_tree(thumbs_dir, ".jpg", orph_cb, &o, err, sizeof err);
    }
    if (WM_OK == e) { /* blobs/zz/x: no object, no upload; a stray too */
        o.thumb = false;
        o.outside = true;
        e = wm_blob_list_outside(bs, orph_cb, &o, err, sizeof err);
    }
    if (WM_OK != e) {
        wm_log(WM_LOG_ERROR, "orphans: %s", err);
        json_decref(refs);
        json_decref(o.found);
        return NULL;
    }
    char *qblobs = qdir ? wm_asprintf("%s/blobs", qdir) : NULL;
    char *qthumbs = qdir ? wm_asprintf("%s/thumbs", qdir) : NULL;
    char *qout = qdir ? wm_asprintf("%s/blobs-outside", qdir) : NULL;
    json_int_t orphans = 0, thumbs = 0, strays = 0, moved = 0, failed = 0;
    json_t *moved_list = json_array();
    size_t i;
    json_t *x;
    json_array_foreach(o.found, i, x)
    {
        const char *name = jss(x, "name");
        bool stray = json_is_true(json_object_get(x, "stray"));
        bool thumb = json_is_true(json_object_get(x, "thumb"));
        bool outside = json_is_true(json_object_get(x, "outside"));
        if (!stray && json_object_get(refs, name)) {
            continue;
        }
        char *rel = stray ? wm_strdup(name)
                          : wm_asprintf("%.2s/%.2s/%s%s", name, name + 2, name, thumb ? ".jpg" : "");
        const char *what = stray ? "stray" : thumb ? "orphan-thumbnail" : "orphan";
        const char *detail = outside ? "outside objects/ and tmp/ of the blob store"
                             : stray ? "not named like an object"
                             : thumb ? "a thumbnail of no document version"
                                     : "no document version refers to it";
        if (stray) {
            strays++;
        } else if (thumb) {
            thumbs++;
        } else {
            orphans++;
        }
        if (print) {
            print(what, rel, detail);
        }
        if (qdir) {
            const char *root = thumb ? thumbs_dir : outside ? wm_blob_dir(bs)
                                                            : wm_blob_objects_dir(bs);
            const char *to = thumb ? qthumbs : outside ? qout : qblobs;
            if (WM_OK == wm_blob_move_aside(root, rel, to, false, err, sizeof err)) {
                moved++;
                if (!stray && !thumb) {
                    json_array_append_new(moved_list, json_string(name));
                }
            } else {
                failed++;
                if (print) {
                    print("not-moved", rel, err);
                }
            }
        }
        free(rel);
    }
    /* An upload may have come to refer to one while it was being moved: put those back. */
    if (json_array_size(moved_list)) {
        json_t *now = ref_set(db);
        json_array_foreach(moved_list, i, x)
        {
            const char *sha = json_string_value(x);
            if (now && json_object_get(now, sha)) {
                char *rel = wm_asprintf("%.2s/%.2s/%s", sha, sha + 2, sha);
                if (WM_OK == wm_blob_move_aside(wm_blob_objects_dir(bs), rel, qblobs, true, err,
                                                sizeof err)) {
                    moved--;
                    orphans--;
                } else {
                    wm_log(WM_LOG_ERROR, "orphans: %s is referenced again but stays in %s: %s",
                           sha, qblobs, err);
                    failed++;
                }
                free(rel);
            }
        }
        json_decref(now);
    }
    json_decref(moved_list);
    free(qblobs);
    free(qthumbs);
    free(qout);
    json_decref(refs);
    json_decref(o.found);
    wm_log(orphans || thumbs || strays ? WM_LOG_WARN : WM_LOG_INFO,
           "orphans: %lld blobs, %lld thumbnails, %lld stray files; %lld moved aside",
           (long long)orphans, (long long)thumbs, (long long)strays, (long long)moved);
    return json_pack("{s:I, s:I, s:I, s:I, s:I}", "orphans", orphans, "thumbnails", thumbs,
                     "strays", strays, "moved", moved, "failed", failed);
}

/* end of fixity.c */
