/*
** pkg.c — the standard archive package of a unit: export of one or more years as a
** streamed ZIP (folders by indicator, files "NN：主题.ext", manifests, BagIt, an offline
** index.html — the layout is the archive library's), and import of such a package, or of
** any folder tree whose folder names carry indicator codes and/or titles, into the leaves
** of a year's archive with a report per file.
*/
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tx.h"
#include "wm_archive.h"
#include "wm_blob.h"
#include "wm_core.h"
#include "wm_media.h"

static const char *
media_zh(const char *m)
{
    return wm_streq(m, "photo") ? "图片" : wm_streq(m, "audiovisual") ? "音像" : "文字";
}

/* The extension of a document for export: the one of its detected type (a PDF named
** "evil.hta" is exported as .pdf), never the client's name's; "bin" for a type without one. */
static char *
doc_ext(const json_t *d)
{
    const char *e = wm_media_type_ext(jss(d, "mime"));
    return wm_strdup(*e ? e + 1 : "bin");
}

/* Folder path of every indicator: code -> "top/1 思想/1.1 规划". */
static json_t *
folder_paths(const char *top, json_t *inds)
{
    json_t *paths = json_object();
    size_t i;
    json_t *x;
    json_array_foreach(inds, i, x)
    {
        const char *parent = json_string_value(json_object_get(x, "parent_code"));
        const char *base = parent ? json_string_value(json_object_get(paths, parent)) : top;
        char *folder = wm_pkg_folder_name(jss(x, "code"), jss(x, "title"));
        char *comp = wm_pkg_component(folder, WM_PKG_COMPONENT_MAX);
        char *p = wm_asprintf("%s/%s", base ? base : top, comp);
        json_object_set_new(paths, jss(x, "code"), json_string(p));
        free(p);
        free(comp);
        free(folder);
    }
    return paths;
}

json_t *
wm_export_plan(struct wm_db *db, const struct wm_actor *a, int64_t unit_id, const int64_t *years,
               size_t nyears, bool ascii_colon, struct wm_fail *f)
{
    json_t *unit = wm_unit_get_scoped(db, a, unit_id);
    if (NULL == unit) {
        wm_fail_set(f, WM_E_NOT_FOUND, NULL, "%s", _("单位不存在"));
        return NULL;
    }
    json_t *plan = json_object(), *dirs = json_array(), *files = json_array();
    json_int_t total = 0;
    for (size_t y = 0; y < nyears; y++) {
        json_t *ar = db->ops->archive_get(db, unit_id, years[y]);
        if (NULL == ar) {
            continue;
        }
        char *top = wm_pkg_top_name(jss(unit, "name"), (int)years[y]);
        char *topc = wm_pkg_component(top, WM_PKG_COMPONENT_MAX);
        json_array_append_new(dirs, json_string(topc));
        json_t *inds = db->ops->ind_list(db, jsi(ar, "edition_id"), false);
        json_t *paths = folder_paths(topc, inds), *titles = json_object();
        size_t i;
        json_t *x;
        json_array_foreach(inds, i, x)
        {
            json_array_append(dirs, json_object_get(paths, jss(x, "code")));
            json_object_set(titles, jss(x, "code"), json_object_get(x, "title"));
        }
        json_t *docs = db->ops->doc_list(db, jsi(ar, "id"), NULL, false);
        json_array_foreach(docs, i, x)
        {
            char *ext = doc_ext(x);
            char *name = wm_pkg_doc_name((unsigned)jsi(x, "serial"), jss(x, "title"), ext, ascii_colon);
            const char *dir = json_string_value(json_object_get(paths, jss(x, "indicator_code")));
            char *path = wm_asprintf("%s/%s", dir ? dir : topc, name);
            char *code = wm_doc_archival_code(x, jss(unit, "code"), years[y]);
            json_t *e = json_pack("{s:s, s:s, s:I, s:s, s:s, s:I, s:s, s:s, s:s, s:s, s:s, s:s, "
                                  "s:s, s:s, s:s, s:s, s:I}",
                                  "path", path, "unit", jss(unit, "name"), "year",
                                  (json_int_t)years[y], "code", jss(x, "indicator_code"),
                                  "indicator_title",
                                  json_string_value(json_object_get(titles, jss(x, "indicator_code"))) ?: "",
                                  "serial", (json_int_t)jsi(x, "serial"), "title", jss(x, "title"),
                                  "date_formed", jss(x, "date_formed"), "media", media_zh(jss(x, "media")),
                                  "dept", jss(x, "dept"), "author", jss(x, "author"), "keywords",
                                  jss(x, "keywords"), "retention", jss(x, "retention"),
                                  "archival_code", code, "sha", jss(x, "sha"), "mime", jss(x, "mime"),
                                  "size", (json_int_t)jsi(x, "size"));
            json_object_set_new(e, "mtime", json_integer(jsi(x, "updated_at")));
            json_array_append_new(files, e);
            total += jsi(x, "size");
            free(code);
            free(path);
            free(name);
            free(ext);
        }
        json_decref(docs);
        json_decref(paths);
        json_decref(titles);
        json_decref(inds);
        json_decref(ar);
        free(top);
        free(topc);
    }
    if (0 == json_array_size(dirs)) {
        json_decref(plan);
        json_decref(dirs);
        json_decref(files);
        json_decref(unit);
        wm_fail_set(f, WM_E_NOT_FOUND, "years", "%s", _("所选年度没有创建档案"));
        return NULL;
    }
    json_object_set_new(plan, "unit", json_string(jss(unit, "name")));
    json_object_set_new(plan, "dirs", dirs);
    json_object_set_new(plan, "files", files);
    json_object_set_new(plan, "total", json_integer(total));
    json_object_set_new(plan, "ascii_colon", json_boolean(ascii_colon));
    json_decref(unit);
    return plan;
}

int
wm_export_write(const json_t *plan, struct wm_blobstore *bs,
                int (*write_cb)(void *cls, const void *p, size_t n), void *cls, char *err,
                size_t errlen)
{
    struct wm_pkg_opts o = {.ascii_colon = json_is_true(json_object_get(plan, "ascii_colon")),
                            .organization = jss(plan, "unit"),
                            .description = "文明单位创建档案 (wenming)",
                            .total_hint = (uint64_t)jsi(plan, "total")};
    struct wm_pkg_writer *w = wm_pkg_writer_new(write_cb, cls, &o);
    int rc = 0;
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(plan, "dirs"), i, x)
    {
        if (0 == rc && wm_pkg_add_dir(w, json_string_value(x))) {
            rc = -1;
        }
    }
    json_array_foreach(json_object_get(plan, "files"), i, x)
    {
        if (rc) {
            break;
        }
        int fd = wm_blob_open_fd(bs, jss(x, "sha"));
        if (fd < 0) {
            snprintf(err, errlen, "blob %s of %s is missing", jss(x, "sha"), jss(x, "path"));
            rc = -1;
            break;
        }
        struct wm_pkg_meta m = {.unit = jss(x, "unit"), .year = (int)jsi(x, "year"),
                                .indicator_code = jss(x, "code"),
                                .indicator_title = jss(x, "indicator_title"),
                                .serial = (unsigned)jsi(x, "serial"), .title = jss(x, "title"),
                                .date_formed = jss(x, "date_formed"), .media = jss(x, "media"),
                                .department = jss(x, "dept"), .author = jss(x, "author"),
                                .keywords = jss(x, "keywords"), .retention = jss(x, "retention"),
                                .archival_code = jss(x, "archival_code"), .sha256 = jss(x, "sha"),
                                .content_type = jss(x, "mime")};
        if (wm_pkg_add_file_fd(w, jss(x, "path"), fd, (uint64_t)jsi(x, "size"),
                               (time_t)jsi(x, "mtime"), &m)) {
            rc = -1;
        }
        close(fd);
    }
    if (0 == rc) {
        rc = wm_pkg_finish(w, err, errlen);
    } else if (!err[0]) {
        snprintf(err, errlen, "%s", wm_pkg_writer_error(w));
    }
    wm_pkg_writer_free(w);
    return rc;
}

/* ---------------------------------------------------------------- import */

struct imp {
    struct wm_db *db;
    const struct wm_actor *a;
    struct wm_blobstore *bs;
    const char *allowed; /* the upload policy: types (NULL = default) ... */
    uint64_t max_file;   /* ... and the largest file */
    json_t *archive;
    json_t *inds; /* indicators of the edition */
    json_t *report;
    unsigned imported, skipped;
    int fatal;
    char fatal_msg[256];
};

static void
imp_report(struct imp *c, const char *path, const char *status, const char *code,
           const char *reason, int64_t doc)
{
    json_t *e = json_pack("{s:s, s:s}", "path", path, "status", status);
    if (code) {
        json_object_set_new(e, "code", json_string(code));
    }
    if (reason) {
        json_object_set_new(e, "reason", json_string(reason));
    }
    if (doc) {
        json_object_set_new(e, "document_id", json_integer(doc));
    }
    json_array_append_new(c->report, e);
    if (wm_streq(status, "imported")) {
        c->imported++;
    } else {
        c->skipped++;
    }
}

/* The indicator a folder name stands for: by code when it carries one the edition has,
** else by its title (under the parent found so far, or anywhere when unique). */
static const json_t *
match_folder(struct imp *c, const char *name, const char *parent)
{
    char *code = NULL, *title = NULL;
    const json_t *found = NULL;
    if (!wm_pkg_parse_folder(name, &code, &title)) {
        return NULL;
    }
    size_t i;
    json_t *x;
    json_array_foreach(c->inds, i, x)
    {
        if (code && wm_streq(jss(x, "code"), code)) {
            found = x;
            break;
        }
    }
    if (NULL == found && title) {
        unsigned hits = 0;
        json_array_foreach(c->inds, i, x)
        {
            const char *pc = json_string_value(json_object_get(x, "parent_code"));
            bool under = parent ? wm_streq(pc, parent) : true;
            if (under && wm_streq(jss(x, "title"), title)) {
                found = x;
                hits++;
            }
        }
        if (hits > 1) {
            found = NULL;
        }
    }
    free(code);
    free(title);
    return found;
}

static int
imp_entry(void *cls, const struct wm_pkg_entry *e, struct wm_pkg_stream *s)
{
    struct imp *c = cls;
    if (e->refusal) {
        imp_report(c, e->name, "skipped", NULL, e->reason ? e->reason : _("不安全的条目"), 0);
        return 0;
    }
    if (e->ncomp < 2) {
        imp_report(c, e->path, "skipped", NULL, _("文件不在任何指标文件夹中"), 0);
        return 0;
    }
    /* Walk the folders; the top folder of a package ("单位_年度_创建档案") is skipped. */
    const json_t *ind = NULL;
    size_t start = 0;
    char *tu = NULL;
    int ty;
    if (wm_pkg_parse_top(e->comp[0], &tu, &ty)) {
        start = 1;
    }
    free(tu);
    for (size_t k = start; k + 1 < e->ncomp; k++) {
        const json_t *m = match_folder(c, e->comp[k], ind ? jss(ind, "code") : NULL);
        if (m) {
            ind = m;
        }
    }
    if (NULL == ind || !jsi(ind, "leaf")) {
        imp_report(c, e->path, "skipped", ind ? jss(ind, "code") : NULL,
                   ind ? _("文件夹对应的不是末级指标") : _("找不到与文件夹名称对应的指标"), 0);
        return 0;
    }
    const char *code = jss(ind, "code");
    unsigned serial = 0;
    char *title = NULL, *ext = NULL;
    (void)wm_pkg_parse_doc_name(e->comp[e->ncomp - 1], &serial, &title, &ext);
    /* Stream the content into the blob store, sniff it, and keep it if it is allowed. */
    char err[256];
    struct wm_blob_writer *w = NULL;
    if (WM_OK != wm_blob_writer_new(c->bs, c->max_file, &w, err, sizeof err)) {
        snprintf(c->fatal_msg, sizeof c->fatal_msg, "%s", err);
        free(title);
        free(ext);
        return c->fatal = 1;
    }
    char buf[65536];
    ssize_t n;
    enum wm_err we = WM_OK;
    while ((n = wm_pkg_stream_read(s, buf, sizeof buf)) > 0 && WM_OK == we) {
        we = wm_blob_write(w, buf, (size_t)n);
    }
    struct wm_media_info mi;
    int fd = -1;
    const char *why = NULL;
    char refusal[400];
    if (n < 0) {
        why = wm_pkg_stream_error(s);
    } else if (WM_OK != we) {
        why = _("文件过大或无法写入");
    } else if (0 == wm_blob_received(w)) {
        why = _("空文件");
    } else if (WM_OK != wm_blob_writer_fd(w, &fd) || WM_OK != wm_media_sniff_fd(fd, &mi)) {
        why = _("无法识别文件类型");
    } else if (!wm_media_allowed(&mi, c->allowed)) {
        wm_media_refusal(&mi, e->comp[e->ncomp - 1], refusal, sizeof refusal);
        why = refusal;
    }
    if (why) {
        wm_blob_abort(w);
        imp_report(c, e->path, "skipped", code, why, 0);
        free(title);
        free(ext);
        return 0;
    }
    char sha[65];
    uint64_t size;
    bool existed;
    if (WM_OK != wm_blob_commit(w, sha, &size, &existed, err, sizeof err)) {
        snprintf(c->fatal_msg, sizeof c->fatal_msg, "%s", err);
        free(title);
        free(ext);
        return c->fatal = 1;
    }
    const char *leafname = e->comp[e->ncomp - 1];
    struct wm_upload up = {.sha = sha, .size = size, .mime = mi.mime, .kind = mi.kind,
                           .ext = mi.ext, .filename = leafname};
    struct wm_doc_meta meta = {.title = title && *title ? title : NULL};
    struct wm_fail f = {0};
    int64_t id = 0;
    if (WM_OK != wm_doc_create(c->db, c->a, c->archive, code, &meta, &up, &id, &f)) {
        imp_report(c, e->path, "skipped", code, f.msg, 0);
    } else {
        imp_report(c, e->path, "imported", code, NULL, id);
    }
    free(title);
    free(ext);
    return 0;
}

enum wm_err
wm_archive_import(struct wm_db *db, const struct wm_actor *a, struct wm_blobstore *bs,
                  const json_t *archive, const char *path, json_t **report, struct wm_fail *f)
{
    return wm_archive_import_policy(db, a, bs, archive, path, NULL, 0, report, f);
}

enum wm_err
wm_archive_import_policy(struct wm_db *db, const struct wm_actor *a, struct wm_blobstore *bs,
                         const json_t *archive, const char *path, const char *allowed,
                         uint64_t max_file, json_t **report, struct wm_fail *f)
{
    struct imp c = {.db = db, .a = a, .bs = bs, .archive = (json_t *)archive,
                    .allowed = allowed, .max_file = max_file ? max_file : (uint64_t)4 << 30,
                    .report = json_array()};
    *report = NULL;
    if (!wm_actor_is(a, WM_ROLES_STAFF | WM_ROLE_BIT(WM_ROLE_UNIT_ADMIN))) {
        json_decref(c.report);
        return wm_fail_set(f, WM_E_FORBIDDEN, NULL, "%s", _("没有权限导入档案"));
    }
    c.inds = db->ops->ind_list(db, jsi(archive, "edition_id"), false);
    struct wm_pkg_limits lim;
    wm_pkg_limits_default(&lim);
    char err[256] = "";
    int rc = wm_pkg_read_each(path, &lim, imp_entry, &c, err, sizeof err);
    json_decref(c.inds);
    if (c.fatal) {
        json_decref(c.report);
        return wm_fail_set(f, WM_E_UNAVAILABLE, NULL, "%s", c.fatal_msg);
    }
    if (rc) {
        *report = json_pack("{s:i, s:i, s:o}", "imported", (int)c.imported, "skipped",
                            (int)c.skipped, "files", c.report);
        return wm_fail_set(f, WM_E_BAD_REQUEST, "file", _("无法读取档案包:%s"), err);
    }
    *report = json_pack("{s:i, s:i, s:o}", "imported", (int)c.imported, "skipped", (int)c.skipped,
                        "files", c.report);
    return WM_OK;
}

/* end of pkg.c */
