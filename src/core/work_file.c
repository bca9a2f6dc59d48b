/*
** work_file.c — the creation work's shared contracts (issue 12, part wmeet): the cadence
** of a year's periods (wm_work_cadence, with the unit's start day) and the filing of a
** record's file into the unit's archive (wm_work_file, wm_work_file_path) with the links
** that name a document's source (wm_work_links, wm_work_source).
**
** The cadence is arithmetic over days (wm_sched_periods for months, quarters, halves and
** the year; weeks here).  Filing puts a record's file into the leaf of the unit's archive
** for the year with the record's right standing for the leaf (wm_doc_create_filed), and
** names the record as the document's source (work_link).  A record filed again files a
** new version of its document, which takes the record's title when it changed.
*/
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tx.h"
#include "wm_blob.h"
#include "wm_core.h"
#include "wm_media.h"

/* ---------------------------------------------------------------- cadence */

/* Monday 0 .. Sunday 6 of a day number (day 0, 1970-01-01, was a Thursday). */
static int
weekday(int64_t day)
{
    return (int)(((day + 3) % 7 + 7) % 7);
}

/* The weeks, Monday to Sunday, whose Monday is in the year: "W1".."W53". */
static size_t
cadence_weeks(int64_t year, struct wm_cadence out[WM_CADENCE_MAX])
{
    int64_t jan1 = wm_day_from_ymd(year, 1, 1), next = wm_day_from_ymd(year + 1, 1, 1);
    size_t n = 0;
    for (int64_t mon = jan1 + (7 - weekday(jan1)) % 7; mon < next && n < WM_CADENCE_MAX;
         mon += 7, n++) {
        snprintf(out[n].key, sizeof out[n].key, "W%zu", n + 1);
        out[n].start = mon;
        out[n].end = mon + 6;
    }
    return n;
}

/* The periods of a named cadence, keys and days only (0: "none" or unknown). */
static size_t
cadence_periods(const char *period, int64_t year, struct wm_cadence out[WM_CADENCE_MAX])
{
    static const char *const named[] = { "monthly", "quarterly", "half-yearly", "yearly" };
    if (NULL == period || year < 1 || year > 9998) {
        return 0;
    }
    if (wm_streq(period, "weekly")) {
        return cadence_weeks(year, out);
    }
    for (size_t i = 0; i < WM_ARRAY_LEN(named); i++) {
        if (wm_streq(period, named[i])) {
            struct wm_period p[WM_SCHED_PERIODS_MAX];
            size_t n = wm_sched_periods(period, year, 0, p);
            for (size_t k = 0; k < n; k++) {
                memcpy(out[k].key, p[k].key, sizeof out[k].key);
                out[k].start = p[k].start;
                out[k].end = p[k].end;
            }
            return n;
        }
    }
    return 0;
}

size_t
wm_work_cadence(const char *period,
                int min_count,
                int64_t year,
                int64_t start_day,
                int64_t today,
                const int64_t *days,
                size_t ndays,
                struct wm_cadence out[WM_CADENCE_MAX])
{
    size_t n = cadence_periods(period, year, out);
    for (size_t i = 0; i < n; i++) {
        struct wm_cadence *c = &out[i];
        c->owed = c->start < start_day ? 0 : min_count;
        c->held = 0;
        for (size_t k = 0; k < ndays; k++) {
            c->held += days[k] >= c->start && days[k] <= c->end;
        }
        c->current = today >= c->start && today <= c->end;
        c->late = c->held < c->owed && c->end < today;
    }
    return n;
}

/* ---------------------------------------------------------------- filing (work_link) */

/* Whether the actor files records of this unit: its unit_admin and unit_member, or the
** command line and jobs acting for nobody. */
static bool
may_file(const struct wm_actor *a, int64_t unit_id)
{
    if (NULL == a->p) {
        return true;
    }
    return wm_actor_is(a, WM_ROLE_BIT(WM_ROLE_UNIT_ADMIN) | WM_ROLE_BIT(WM_ROLE_UNIT_MEMBER)) &&
           a->p->org_id == unit_id;
}

/* The archive of the unit's year, or WM_E_CONFLICT saying to create it. */
static json_t *
file_archive(struct wm_db *db,
             const struct wm_actor *a,
             int64_t unit_id,
             int64_t year,
             struct wm_fail *f)
{
    struct wm_fail rf = { 0 };
    json_t *ar = wm_archive_open(db, a, unit_id, year, &rf);
    if (NULL == ar && WM_E_NOT_FOUND == rf.err) {
        wm_fail_set(f, WM_E_CONFLICT, "year",
                    _("%lld 年度档案尚未建立，未能归档；请先建立该年度档案"), (long long)year);
    } else if (NULL == ar && f) {
        *f = rf;
    }
    return ar;
}

/* The title the record (kind, ref_id) filed document_id under (caller frees); NULL when
** no live link names it, the link kept none, or on a store error. */
static char *
filed_title(struct wm_db *db, const char *kind, int64_t ref_id, int64_t document_id)
{
    json_t *links = db->ops->work_link_list(db, kind, ref_id), *l;
    char *out = NULL;
    size_t i;
    json_array_foreach(links, i, l)
    {
        if (jsi(l, "document_id") == document_id) {
            const char *t = jss(l, "filed_title");
            out = t ? wm_strdup(t) : NULL;
            break;
        }
    }
    json_decref(links);
    return out;
}

/* A new document, or a new version of *document_id when it is a live document (the same
** bytes again: left as it is), renamed (wm_doc_update_filed, audited) when the record's
** title changed since it was filed (filed: that title; NULL, the document's own): a name
** given by hand in the archive stays while the record's title does not change. */
static enum wm_err
file_document(struct wm_db *db,
              const struct wm_actor *a,
              const json_t *ar,
              const char *code,
              const struct wm_doc_meta *meta,
              const struct wm_upload *up,
              const char *filed,
              int64_t *document_id,
              struct wm_fail *f)
{
    json_t *doc = *document_id ? db->ops->doc_get(db, *document_id) : NULL;
    enum wm_err e;
    if (doc && !json_is_integer(json_object_get(doc, "deleted_at")) &&
        jsi(doc, "archive_id") == jsi(ar, "id") && wm_streq(jss(doc, "indicator_code"), code)) {
        e = wm_streq(jss(doc, "sha"), up->sha)
                ? WM_OK
                : wm_doc_new_version_filed(db, a, *document_id, up, f);
        const char *was = filed ? filed : jss(doc, "title");
        if (WM_OK == e && meta->title && !wm_streq(was, meta->title) &&
            !wm_streq(jss(doc, "title"), meta->title)) {
            const struct wm_doc_meta rename = {.title = meta->title};
            e = wm_doc_update_filed(db, a, *document_id, &rename, f);
        }
    } else {
        *document_id = 0;
        e = wm_doc_create_filed(db, a, ar, code, meta, up, document_id, f);
    }
    json_decref(doc);
    return e;
}

static enum wm_err
work_file_once(struct wm_db *db,
               const struct wm_actor *a,
               int64_t unit_id,
               int64_t year,
               const char *code,
               const struct wm_doc_meta *meta,
               const struct wm_upload *up,
               const char *kind,
               int64_t ref_id,
               const char *role,
               int64_t *document_id,
               struct wm_fail *f)
{
    enum wm_err e;
    if (!may_file(a, unit_id)) {
        return wm_fail_set(f, WM_E_FORBIDDEN, NULL, "%s", _("没有权限向该单位的档案归档"));
    }
    if (NULL == code || '\0' == *code) {
        return wm_fail_set(f, WM_E_CONFLICT, "leaf_code", "%s", _("未设置归档指标，未能归档"));
    }
    bool own_tx = !db->ops->in_tx(db);
    if (own_tx && WM_OK != (e = tx_begin(db, f))) {
        return e;
    }
    json_t *ar = file_archive(db, a, unit_id, year, f);
    char *filed = ar && *document_id ? filed_title(db, kind, ref_id, *document_id) : NULL;
    if (NULL == ar) {
        e = f ? f->err : WM_E_CONFLICT;
    } else if (WM_E_NOT_FOUND ==
               (e = file_document(db, a, ar, code, meta, up, filed, document_id, f))) {
        e = wm_fail_set(f, WM_E_CONFLICT, "leaf_code",
                        _("指标 %s 不是 %lld 年度档案的末级指标，未能归档；请重新设置归档指标"),
                        code, (long long)year);
    } else if (WM_OK == e &&
               (db->ops->work_link_insert(db, kind, ref_id, *document_id, role, wm_now()) < 0 ||
                (meta->title && db->ops->work_link_filed(db, kind, ref_id, *document_id,
                                                         meta->title) < 0))) {
        e = wm_write_fail(db, f, NULL, NULL, _("无法保存归档记录"));
    }
    free(filed);
    json_decref(ar);
    return own_tx ? tx_end(db, e, f) : e;
}

enum wm_err
wm_work_file(struct wm_db *db,
             const struct wm_actor *a,
             int64_t unit_id,
             int64_t year,
             const char *code,
             const struct wm_doc_meta *meta,
             const struct wm_upload *up,
             const char *kind,
             int64_t ref_id,
             const char *role,
             int64_t *document_id,
             struct wm_fail *f)
{
    enum wm_err e;
    int64_t given = *document_id;
    if (db->ops->in_tx(db)) {
        return work_file_once(db, a, unit_id, year, code, meta, up, kind, ref_id, role, document_id,
                              f);
    }
    TX_RETRY_CLEAN(
        e, work_file_once(db, a, unit_id, year, code, meta, up, kind, ref_id, role, document_id, f),
        *document_id = given);
    return e;
}

enum wm_err
wm_work_file_path(struct wm_db *db,
                  struct wm_blobstore *blobs,
                  const struct wm_actor *a,
                  int64_t unit_id,
                  int64_t year,
                  const char *code,
                  const struct wm_doc_meta *meta,
                  const char *path,
                  const char *filename,
                  const char *kind,
                  int64_t ref_id,
                  const char *role,
                  int64_t *document_id,
                  struct wm_fail *f)
{
    char sha[65], err[512] = "";
    uint64_t size = 0;
    struct wm_media_info mi;
    unsigned char *head = wm_malloc(WM_MEDIA_HEAD_MAX);
    size_t hn = WM_MEDIA_HEAD_MAX;
    enum wm_err e = wm_blob_store_path(blobs, path, head, &hn, sha, &size, err, sizeof err);
    if (WM_OK == e && WM_OK != wm_media_sniff(head, hn, &mi)) {
        snprintf(err, sizeof err, "%s", mi.desc);
        e = WM_E_INTERNAL;
    }
    free(head);
    if (WM_OK != e) {
        wm_log(WM_LOG_WARN, "work file %s: %s", path, err);
        return wm_fail_set(f, WM_E_UNAVAILABLE, NULL, "%s", _("无法保存文件"));
    }
    struct wm_upload up = { .sha = sha,
                            .size = size,
                            .mime = mi.mime,
                            .kind = *mi.kind ? mi.kind : "text",
                            .ext = mi.ext,
                            .filename = filename };
    return wm_work_file(db, a, unit_id, year, code, meta, &up, kind, ref_id, role, document_id, f);
}

json_t *
wm_work_links(struct wm_db *db, const char *kind, int64_t ref_id)
{
    json_t *rows = db->ops->work_link_list(db, kind, ref_id);
    size_t i;
    json_t *x;
    json_array_foreach(rows, i, x)
    {
        char *name = wm_doc_display_name(x);
        json_object_set_new(x, "name", json_string(name));
        free(name);
        json_object_del(x, "filed_title"); /* the filing's own (file_document) */
    }
    return rows;
}

/* The Chinese name of a record kind and the page that shows the record. */
static void
source_names(const json_t *l, const char **name, char **href)
{
    static const struct {
        const char *kind, *name, *page;
    } kinds[] = {
        { "meeting", "会议", NULL },           { "plan", "年度计划", "plan" },
        { "task", "工作任务", "tasks" },       { "inspection", "检查", "inspections" },
        { "bulletin", "通报", "inspections" }, { "rectification", "整改", NULL },
    };

    int64_t id = jsi(l, "ref_id"), unit = jsi(l, "unit_id");
    *name = jss(l, "kind");
    *href = NULL;
    for (size_t i = 0; i < WM_ARRAY_LEN(kinds); i++) {
        if (wm_streq(jss(l, "kind"), kinds[i].kind)) {
            *name = _(kinds[i].name);
            *href = kinds[i].page
                        ? wm_asprintf("/units/%lld/work/%s", (long long)unit, kinds[i].page)
                    : wm_streq(kinds[i].kind, "meeting")
                        ? wm_asprintf("/work/meetings/%lld", (long long)id)
                        : wm_asprintf("/rectifications/%lld", (long long)id);
        }
    }
}

json_t *
wm_work_source(struct wm_db *db, int64_t document_id)
{
    json_t *l = db->ops->work_link_of_document(db, document_id);
    if (NULL == l) {
        return NULL;
    }
    const char *name;
    char *href;
    source_names(l, &name, &href);
    const char *detail = jss(l, "detail");
    char *label = wm_asprintf("%s：%s", name, detail && *detail ? detail : "");
    json_t *o = json_pack("{s:s, s:I, s:s, s:s, s:s?}", "kind", jss(l, "kind"), "ref_id",
                          (json_int_t)jsi(l, "ref_id"), "role", jss(l, "role"), "label", label,
                          "href", href);
    free(label);
    free(href);
    json_decref(l);
    return o;
}

/* end of work_file.c */
