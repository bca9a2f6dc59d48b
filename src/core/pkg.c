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
#include "wm_search.h"

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
    json_t *unit = wm_unit_get_scoped(db, a, unit_id, NULL);
    if (NULL == unit) {
        wm_read_fail(db, f, NULL, _("单位不存在"));
        return NULL;
    }
    json_t *plan = json_object(), *dirs = json_array(), *files = json_array();
    json_t *reports = json_array(); /* issue 13, dat70 */
    json_int_t total = 0;
    for (size_t y = 0; y < nyears; y++) {
        json_t *ar = wm_year_readable(db, a, unit_id, years[y])
                         ? db->ops->archive_get(db, unit_id, years[y])
                         : NULL;
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
                                  "date_formed", jss(x, "date_formed"), "media", wm_media_name(jss(x, "media")),
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
        /* issue 13, dat70: the archive's latest 四性检测 report at the package root */
        json_t *chk = db->ops->archive_check_last(db, jsi(ar, "id"), true);
        static const char *const kinds[2][3] = {{"pdf_sha", "pdf", "pdf_size"},
                                                {"json_sha", "json", "json_size"}};
        for (int k = 0; chk && k < 2; k++) {
            const char *sha = jss(chk, kinds[k][0]);
            if ('\0' == *sha) {
                continue;
            }
            char *p = 1 == nyears ? wm_asprintf("%s.%s", WM_CHECK_REPORT_NAME, kinds[k][1])
                                  : wm_asprintf("%s_%lld.%s", WM_CHECK_REPORT_NAME,
                                                (long long)years[y], kinds[k][1]);
            json_array_append_new(reports, json_pack("{s:s, s:s, s:I, s:I}", "path", p, "sha", sha,
                                                     "size", (json_int_t)jsi(chk, kinds[k][2]),
                                                     "mtime", (json_int_t)jsi(chk, "finished_at")));
            total += jsi(chk, kinds[k][2]);
            free(p);
        }
        json_decref(chk);
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
        json_decref(reports);
        json_decref(unit);
        wm_fail_set(f, WM_E_NOT_FOUND, "years", "%s", _("所选年度没有创建档案"));
        return NULL;
    }
    json_object_set_new(plan, "unit", json_string(jss(unit, "name")));
    json_object_set_new(plan, "dirs", dirs);
    json_object_set_new(plan, "files", files);
    json_object_set_new(plan, "reports", reports);
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
    return wm_export_write_with(plan, bs, NULL, 0, write_cb, cls, err, errlen);
}

/* Add the blob of plan entry x ({path, sha, size, mtime}) to the package at its path, with
** its manifest metadata m (NULL: none); -1 with err set when the blob is missing. */
static int
add_blob(struct wm_pkg_writer *w, struct wm_blobstore *bs, const json_t *x,
         const struct wm_pkg_meta *m, char *err, size_t errlen)
{
    int fd = wm_blob_open_fd(bs, jss(x, "sha"));
    if (fd < 0) {
        snprintf(err, errlen, "blob %s of %s is missing", jss(x, "sha"), jss(x, "path"));
        return -1;
    }
    int rc = wm_pkg_add_file_fd(w, jss(x, "path"), fd, (uint64_t)jsi(x, "size"),
                                (time_t)jsi(x, "mtime"), m) ? -1 : 0;
    close(fd);
    return rc;
}

int
wm_export_write_with(const json_t *plan, struct wm_blobstore *bs,
                     const struct wm_pkg_extra *extra, size_t nextra,
                     int (*write_cb)(void *cls, const void *p, size_t n), void *cls, char *err,
                     size_t errlen)
{
    struct wm_pkg_opts o = {.ascii_colon = json_is_true(json_object_get(plan, "ascii_colon")),
                            .organization = jss(plan, "unit"),
                            .description = "文明单位创建档案（wenming）",
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
        struct wm_pkg_meta m = {.unit = jss(x, "unit"), .year = (int)jsi(x, "year"),
                                .indicator_code = jss(x, "code"),
                                .indicator_title = jss(x, "indicator_title"),
                                .serial = (unsigned)jsi(x, "serial"), .title = jss(x, "title"),
                                .date_formed = jss(x, "date_formed"), .media = jss(x, "media"),
                                .department = jss(x, "dept"), .author = jss(x, "author"),
                                .keywords = jss(x, "keywords"), .retention = jss(x, "retention"),
                                .archival_code = jss(x, "archival_code"), .sha256 = jss(x, "sha"),
                                .content_type = jss(x, "mime")};
        if (0 == rc) {
            rc = add_blob(w, bs, x, &m, err, errlen);
        }
    }
    /* issue 13, dat70: the 四性检测 reports, without manifest metadata (no documents) */
    json_array_foreach(json_object_get(plan, "reports"), i, x)
    {
        if (0 == rc) {
            rc = add_blob(w, bs, x, NULL, err, errlen);
        }
    }
    for (size_t k = 0; 0 == rc && k < nextra; k++) {
        if (wm_pkg_add_bytes(w, extra[k].path, extra[k].data, extra[k].len)) {
            rc = -1;
        }
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

/* A file checked and written to the blob store, to be stored as a document once every
** entry of the package has been read. */
struct pending {
    json_t *entry; /* its line of the report (borrowed from the report) */
    char *code, *title, *filename, *mime, *kind, *ext;
    char sha[65];
    uint64_t size;
};

struct imp {
    struct wm_db *db;
    const struct wm_actor *a;
    struct wm_blobstore *bs;
    const char *allowed; /* the upload policy: types (NULL = default) ... */
    uint64_t max_file;   /* ... and the largest file */
    json_t *archive;
    json_t *inds;     /* indicators of the edition (with "ftitle": the title folded) */
    json_t *folders;  /* "parent\tfolder name" -> the code it stands for, or null */
    json_t *existing; /* "code\tsha" of the live documents before the import */
    json_t *fresh;    /* shas of objects this import wrote (not there before) */
    json_t *report;
    const char *name; /* the package's name, for the audit entry */
    struct pending *pend;
    size_t npend, cappend;
    int fatal;
    char fatal_msg[256];
    uint64_t seen_bytes; /* declared sizes of the entries read: a job's progress */
    unsigned seen;
};

static json_t *
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
    return e;
}

static void
pending_free(struct pending *p)
{
    free(p->code);
    free(p->title);
    free(p->filename);
    free(p->mime);
    free(p->kind);
    free(p->ext);
}

/* Is code below (at any depth) the indicator parent? */
static bool
code_below(const char *code, const char *parent)
{
    size_t n = strlen(parent);
    return 0 == strncmp(code, parent, n) && '.' == code[n];
}

static const json_t *
ind_by_code(const struct imp *c, const char *code)
{
    size_t i;
    json_t *x;
    json_array_foreach(c->inds, i, x)
    {
        if (wm_streq(jss(x, "code"), code)) {
            return x;
        }
    }
    return NULL;
}

/* The one indicator titled @a ftitle (folded: 繁简, full-width) below parent (its children
** first, then any depth) or, without a parent, anywhere; NULL when none or several. */
static const json_t *
ind_by_title(const struct imp *c, const char *ftitle, const char *parent)
{
    for (int pass = parent ? 0 : 1; pass < 2; pass++) {
        const json_t *found = NULL;
        unsigned hits = 0;
        size_t i;
        json_t *x;
        json_array_foreach(c->inds, i, x)
        {
            const char *pc = json_string_value(json_object_get(x, "parent_code"));
            bool under = NULL == parent          ? true
                         : 0 == pass             ? wm_streq(pc, parent)
                                                 : code_below(jss(x, "code"), parent);
            if (under && wm_streq(jss(x, "ftitle"), ftitle)) {
                found = x;
                hits++;
            }
        }
        if (hits) {
            return 1 == hits ? found : NULL;
        }
    }
    return NULL;
}

/*
** The indicator a folder name stands for, below the one its parent folder stands for (when
** any): by code when the edition has it there and the title (if any) agrees; else by title,
** folded (a traditional-script folder finds its simplified indicator); else a code that is
** the folder's number among its siblings ("1.专题研究" or "（1）中心组学习" below 2.1:
** 2.1.1); else the code however the title reads.  Answers are kept per parent and name.
*/
static const json_t *
match_folder(struct imp *c, const char *name, const char *parent)
{
    char *key = wm_asprintf("%s\t%s", parent ? parent : "", name);
    json_t *memo = json_object_get(c->folders, key);
    if (memo) {
        free(key);
        return json_is_string(memo) ? ind_by_code(c, json_string_value(memo)) : NULL;
    }
    char *code = NULL, *title = NULL, *ftitle = NULL;
    const json_t *found = NULL;
    if (wm_pkg_parse_folder(name, &code, &title)) {
        ftitle = title ? wm_search_fold(title, strlen(title)) : NULL;
        const json_t *bc = code ? ind_by_code(c, code) : NULL;
        if (bc && parent && !code_below(code, parent)) {
            bc = NULL; /* not there: a number among siblings, below */
        }
        if (bc && (NULL == ftitle || wm_streq(jss(bc, "ftitle"), ftitle))) {
            found = bc;
        }
        if (NULL == found && ftitle) {
            found = ind_by_title(c, ftitle, parent);
        }
        if (NULL == found && code && parent) {
            char *local = wm_asprintf("%s.%s", parent, code);
            found = ind_by_code(c, local);
            free(local);
        }
        if (NULL == found) {
            found = bc;
        }
    }
    json_object_set_new(c->folders, key, found ? json_string(jss(found, "code")) : json_null());
    free(key);
    free(code);
    free(title);
    free(ftitle);
    return found;
}

/* Whether a live document of leaf @a code already has this content. */
static bool
imp_exists(const struct imp *c, const char *code, const char *sha)
{
    char *key = wm_asprintf("%s\t%s", code, sha);
    bool yes = NULL != json_object_get(c->existing, key);
    free(key);
    return yes;
}

static int
imp_entry(void *cls, const struct wm_pkg_entry *e, struct wm_pkg_stream *s)
{
    struct imp *c = cls;
    struct wm_job *job = wm_job_current(); /* an import run as a job reports its progress */
    if (job) {
        const json_t *pl = json_object_get(wm_job_row(job), "payload");
        json_t *p = json_loads(json_string_value(pl), 0, NULL);
        json_int_t total = json_integer_value(json_object_get(p, "size"));
        json_decref(p);
        (void)wm_job_progress(job, json_pack("{s:s, s:i, s:I, s:I}", "phase", "read", "files",
                                             (int)c->seen, "bytes", (json_int_t)c->seen_bytes,
                                             "total", total),
                              false);
    }
    c->seen++;
    c->seen_bytes += e->size;
    if (e->refusal) {
        imp_report(c, e->name, "skipped", NULL, e->reason ? e->reason : _("不安全的条目"), 0);
        return 0;
    }
    if (e->ncomp < 2 && wm_startswith(e->comp[0], WM_CHECK_REPORT_NAME)) {
        /* issue 13, dat70: the exported archive's 四性检测 report is no document */
        imp_report(c, e->path, "skipped", NULL, _("四性检测报告，不作为文件导入"), 0);
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
    free(ext);
    wm_strip_invisible(title); /* as for an uploaded name: no bidi or zero-width characters */
    /* Stream the content into the blob store, sniff it, and keep it if it is allowed. */
    char err[256];
    struct wm_blob_writer *w = NULL;
    if (WM_OK != wm_blob_writer_new(c->bs, c->max_file, &w, err, sizeof err)) {
        snprintf(c->fatal_msg, sizeof c->fatal_msg, "%s", err);
        imp_report(c, e->path, "refused", code, err, 0);
        free(title);
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
        /* The reader refuses the whole package (a bomb, damaged data): it ends the walk. */
        wm_blob_abort(w);
        imp_report(c, e->path, "refused", code, wm_pkg_stream_error(s), 0);
        free(title);
        return 0;
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
        return 0;
    }
    char sha[65];
    uint64_t size;
    bool existed;
    if (WM_OK != wm_blob_commit(w, sha, &size, &existed, err, sizeof err)) {
        snprintf(c->fatal_msg, sizeof c->fatal_msg, "%s", err);
        imp_report(c, e->path, "refused", code, err, 0);
        free(title);
        return c->fatal = 1;
    }
    if (!existed) {
        json_array_append_new(c->fresh, json_string(sha));
    }
    /* What would refuse the document later is checked now, so the store step cannot fail
    ** on it: the same content already in the leaf, the right to write there, the title. */
    struct wm_doc_meta meta = {.title = title && *title ? title : NULL};
    struct wm_fail f = {0};
    if (imp_exists(c, code, sha)) {
        imp_report(c, e->path, "skipped", code, _("已存在，跳过"), 0);
    } else if (WM_OK != wm_doc_may_write(c->db, c->a, c->archive, code, &f) ||
               WM_OK != wm_doc_meta_check(&meta, &f)) {
        imp_report(c, e->path, "skipped", code, f.msg, 0);
    } else {
        if (c->npend == c->cappend) {
            c->cappend = c->cappend ? 2 * c->cappend : 64;
            c->pend = wm_realloc(c->pend, c->cappend * sizeof *c->pend);
        }
        struct pending *p = &c->pend[c->npend++];
        *p = (struct pending){.entry = imp_report(c, e->path, "pending", code, NULL, 0),
                              .code = wm_strdup(code), .title = meta.title ? wm_strdup(title) : NULL,
                              .filename = wm_strip_invisible(wm_strdup(e->comp[e->ncomp - 1])),
                              .mime = wm_strdup(mi.mime), .kind = wm_strdup(mi.kind),
                              .ext = wm_strdup(mi.ext), .size = size};
        memcpy(p->sha, sha, sizeof p->sha);
    }
    free(title);
    return 0;
}

/* The live documents of the archive, as "code\tsha" keys. */
static void
imp_load_existing(struct imp *c)
{
    json_object_clear(c->existing);
    json_t *docs = c->db->ops->doc_list(c->db, jsi(c->archive, "id"), NULL, false);
    size_t i;
    json_t *x;
    json_array_foreach(docs, i, x)
    {
        char *key = wm_asprintf("%s\t%s", jss(x, "indicator_code"), jss(x, "sha"));
        json_object_set_new(c->existing, key, json_true());
        free(key);
    }
    json_decref(docs);
}

/* The import's own audit entry (counts as the report has them now: a file still pending
** is imported), written inside the transaction that stores the documents. */
static enum wm_err
imp_audit(struct imp *c)
{
    int imported = 0, skipped = 0, refused = 0;
    size_t i;
    json_t *x;
    json_array_foreach(c->report, i, x)
    {
        const char *st = jss(x, "status");
        imported += wm_streq(st, "pending");
        skipped += wm_streq(st, "skipped");
        refused += wm_streq(st, "refused");
    }
    json_t *sum = json_pack("{s:I, s:I, s:s, s:i, s:i, s:i}", "unit_id",
                            (json_int_t)jsi(c->archive, "unit_id"), "year",
                            (json_int_t)jsi(c->archive, "year"), "package", c->name, "imported",
                            imported, "skipped", skipped, "refused", refused);
    enum wm_err e = wm_audit(c->db, c->a, "archive.import", "archive", jsi(c->archive, "id"),
                             jss(c->archive, "unit_path"), NULL, sum);
    json_decref(sum);
    return e;
}

static int
code_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Hold every leaf the pending documents go to, in code order (two imports never wait for
** each other crosswise). */
static enum wm_err
imp_hold_leaves(struct imp *c, struct wm_fail *f)
{
    const char **codes = wm_calloc(c->npend ? c->npend : 1, sizeof *codes);
    for (size_t i = 0; i < c->npend; i++) {
        codes[i] = c->pend[i].code;
    }
    qsort(codes, c->npend, sizeof *codes, code_cmp);
    enum wm_err e = WM_OK;
    for (size_t i = 0; i < c->npend && WM_OK == e; i++) {
        if (i > 0 && wm_streq(codes[i], codes[i - 1])) {
            continue;
        }
        enum wm_qs qs = c->db->ops->leaf_hold(c->db, jsi(c->archive, "id"), codes[i]);
        if (WM_QS_ONE != qs) {
            e = wm_fail_set(f, WM_QS_SOFT == qs ? WM_E_UNAVAILABLE : WM_E_INTERNAL, NULL, "%s",
                            _("数据库暂不可用"));
        }
    }
    free(codes);
    return e;
}

/* Store every pending document in one transaction: WM_OK, or nothing stored.  Run again
** when the transaction lost a race (imp_store), so every entry starts pending. */
static enum wm_err
imp_store_once(struct imp *c, struct wm_fail *f)
{
    for (size_t i = 0; i < c->npend; i++) {
        json_object_set_new(c->pend[i].entry, "status", json_string("pending"));
        json_object_del(c->pend[i].entry, "reason");
        json_object_del(c->pend[i].entry, "document_id");
    }
    enum wm_err e = tx_begin(c->db, f);
    if (WM_OK != e) {
        return e;
    }
    /* Again inside the transaction, with the leaves held: an import of the same package
    ** running at the same time may have stored these files since they were read. */
    e = imp_hold_leaves(c, f);
    if (WM_OK != e) {
        return tx_end(c->db, e, f);
    }
    imp_load_existing(c);
    for (size_t i = 0; i < c->npend && WM_OK == e; i++) {
        struct pending *p = &c->pend[i];
        if (imp_exists(c, p->code, p->sha)) {
            json_object_set_new(p->entry, "status", json_string("skipped"));
            json_object_set_new(p->entry, "reason", json_string(_("已存在，跳过")));
            continue;
        }
        struct wm_upload up = {.sha = p->sha, .size = p->size, .mime = p->mime, .kind = p->kind,
                               .ext = p->ext, .filename = p->filename};
        struct wm_doc_meta meta = {.title = p->title};
        int64_t id = 0;
        e = wm_doc_create(c->db, c->a, c->archive, p->code, &meta, &up, &id, f);
        if (WM_OK == e) {
            json_object_set_new(p->entry, "document_id", json_integer(id));
        } else {
            json_object_set_new(p->entry, "status", json_string("refused"));
            json_object_set_new(p->entry, "reason", json_string(f->msg));
        }
    }
    if (WM_OK == e && WM_OK != (e = imp_audit(c))) {
        e = wm_fail_set(f, e, NULL, "%s", _("无法写入审计日志"));
    }
    return tx_end(c->db, e, f);
}

static enum wm_err
imp_store(struct imp *c, struct wm_fail *f)
{
    enum wm_err e;
    TX_RETRY(e, imp_store_once(c, f));
    return e;
}

/* Remove the objects this import wrote that no document version refers to (those of
** skipped files, or all of them when nothing was stored). */
static void
imp_clean_blobs(struct imp *c)
{
    if (0 == json_array_size(c->fresh)) {
        return;
    }
    json_t *refs = c->db->ops->version_shas(c->db);
    if (NULL == refs) {
        return; /* cannot tell: keep them (verify blobs will list them) */
    }
    json_t *set = json_object();
    size_t i;
    json_t *x;
    json_array_foreach(refs, i, x)
    {
        json_object_set(set, jss(x, "sha"), json_true());
    }
    json_array_foreach(c->fresh, i, x)
    {
        const char *sha = json_string_value(x);
        if (NULL == json_object_get(set, sha) && WM_OK != wm_blob_remove(c->bs, sha)) {
            wm_log(WM_LOG_WARN, "import: could not remove unreferenced blob %s", sha);
        }
    }
    json_decref(set);
    json_decref(refs);
}

enum wm_err
wm_archive_import(struct wm_db *db, const struct wm_actor *a, struct wm_blobstore *bs,
                  const json_t *archive, const char *path, json_t **report, struct wm_fail *f)
{
    return wm_archive_import_policy(db, a, bs, archive, path, NULL, NULL, 0, report, f);
}

enum wm_err
wm_archive_import_policy(struct wm_db *db, const struct wm_actor *a, struct wm_blobstore *bs,
                         const json_t *archive, const char *path, const char *name,
                         const char *allowed, uint64_t max_file, json_t **report,
                         struct wm_fail *f)
{
    if (NULL == name) {
        const char *slash = strrchr(path, '/');
        name = slash ? slash + 1 : path;
    }
    *report = NULL;
    if (!wm_actor_is(a, WM_ROLES_STAFF | WM_ROLE_BIT(WM_ROLE_UNIT_ADMIN))) {
        return wm_fail_set(f, WM_E_FORBIDDEN, NULL, "%s", _("没有权限导入档案"));
    }
    struct imp c = {.db = db, .a = a, .bs = bs, .archive = (json_t *)archive,
                    .allowed = allowed, .name = name, .max_file = max_file ? max_file : (uint64_t)4 << 30,
                    .report = json_array(), .fresh = json_array(), .existing = json_object()};
    c.inds = db->ops->ind_list(db, jsi(archive, "edition_id"), false);
    c.folders = json_object();
    size_t i;
    json_t *x;
    json_array_foreach(c.inds, i, x)
    {
        const char *t = jss(x, "title");
        char *ft = wm_search_fold(t, strlen(t));
        json_object_set_new(x, "ftitle", json_string(ft));
        free(ft);
    }
    imp_load_existing(&c);
    struct wm_pkg_limits lim;
    wm_pkg_limits_default(&lim);
    char err[256] = "";
    int rc = wm_pkg_read_each(path, &lim, imp_entry, &c, err, sizeof err);
    enum wm_err e = WM_OK;
    const char *why = NULL;
    if (c.fatal) {
        why = c.fatal_msg;
        e = wm_fail_set(f, WM_E_UNAVAILABLE, NULL, _("无法保存文件，未导入任何文件：%s"), why);
    } else if (rc) {
        why = err;
        e = wm_fail_set(f, WM_E_BAD_REQUEST, "file", _("档案包被拒绝，未导入任何文件：%s"), why);
    } else if (c.npend > 0 && WM_OK != (e = imp_store(&c, f))) {
        why = f->msg;
    } else if (0 == c.npend) {
        /* nothing to store (every file skipped or refused): the import is still audited */
        TX_RETRY_BEGIN(db, e, f)
        {
            if (WM_OK != (e = imp_audit(&c))) {
                e = wm_fail_set(f, e, NULL, "%s", _("无法写入审计日志"));
            }
        }
        TX_RETRY_END(db, e, f);
        if (WM_OK != e) {
            why = f->msg;
        }
    }
    unsigned imported = 0, skipped = 0;
    json_array_foreach(c.report, i, x)
    {
        if (!wm_streq(jss(x, "status"), "pending")) {
            skipped += wm_streq(jss(x, "status"), "skipped");
            continue;
        }
        if (WM_OK == e) {
            json_object_set_new(x, "status", json_string("imported"));
            imported++;
        } else {
            json_object_set_new(x, "status", json_string("not_imported"));
            if (NULL == json_object_get(x, "reason")) {
                json_object_set_new(x, "reason", json_string(_("档案包被拒绝，本文件未导入")));
            }
        }
    }
    imp_clean_blobs(&c);
    *report = json_pack("{s:i, s:i, s:b, s:o}", "imported", (int)imported, "skipped", (int)skipped,
                        "refused", WM_OK != e, "files", c.report);
    if (why) {
        json_object_set_new(*report, "reason", json_string(why));
    }
    for (size_t k = 0; k < c.npend; k++) {
        pending_free(&c.pend[k]);
    }
    free(c.pend);
    json_decref(c.inds);
    json_decref(c.folders);
    json_decref(c.existing);
    json_decref(c.fresh);
    return e;
}


/* end of pkg.c */
