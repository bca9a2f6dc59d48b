/*
** review.c — the review of documents (issue 9): a unit submits a document, a leaf or a
** selection; the office whose jurisdiction holds the unit approves it or returns it with
** guidance.  States: draft → submitted → approved | returned; a returned document is
** submitted again, and a new version of any document makes it a draft again (the verdicts
** name the exact version they apply to, so an approved version stays visible as approved
** in the history).
**
** Who: submitting is writing (wm_doc_may_write: the unit's archivist, a department's staff
** in its leaves, office staff); verdicts are office staff and platform admins, on units
** within their jurisdiction (a district office its district, the city office every unit
** below it).  Evaluators and units do not review.  Every change is audited in its own
** transaction, all documents of a batch in one (all of them change, or none).
*/
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tx.h"
#include "wm_core.h"

#define REVIEW_COMMENT_MAX 2000 /* characters of guidance */
#define REVIEW_BATCH_MAX 1000   /* documents in one request */

/* Guidance: valid UTF-8 of at most REVIEW_COMMENT_MAX characters, lines and tabs allowed
** but no other control character. */
static bool
comment_ok(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p < 0x20 && '\n' != *p && '\r' != *p && '\t' != *p) || 0x7f == *p) {
            return false;
        }
    }
    return wm_utf8_valid(s, strlen(s)) && wm_utf8_len(s) <= REVIEW_COMMENT_MAX;
}

static bool
may_review(const struct wm_actor *a)
{
    return wm_actor_is(a, WM_ROLES_STAFF);
}

/* The state a document is in, as the audit entry records it. */
static json_t *
state_of(const json_t *doc, const char *status, const char *comment)
{
    json_t *o = json_pack("{s:s, s:I}", "status", status, "version",
                          (json_int_t)jsi(doc, "version"));
    if (comment) {
        json_object_set_new(o, "comment", json_string(comment));
    }
    return o;
}

/* The leaf a submitter was last found allowed to write into (a batch's documents often share
** one: the edition's indicators are read once per leaf, not once per document). */
struct may_cache {
    int64_t archive_id;
    char code[64];
};

/* Tell the unit's writers of a verdict (inside the verdict's transaction). */
static int
tell_unit(struct wm_db *db, const struct wm_actor *a, const json_t *doc, const char *name,
          const char *to, const char *comment)
{
    bool approved = wm_streq(to, "approved");
    char link[48];
    snprintf(link, sizeof link, "/documents/%lld", (long long)jsi(doc, "id"));
    char *text = approved ? (comment ? wm_asprintf(_("文件《%s》已审核通过，意见：%s"), name,
                                                   comment)
                                     : wm_asprintf(_("文件《%s》已审核通过"), name))
                          : wm_asprintf(_("文件《%s》被退回，指导意见：%s"), name,
                                        comment ? comment : "");
    int rc = wm_notify_unit(db, jsi(doc, "unit_id"), approved ? "approved" : "returned",
                            "document", jsi(doc, "id"), text, link, a->p ? a->p->user_id : 0);
    free(text);
    return rc;
}

/* One document's event inside the caller's transaction: checks scope, permission and
** state, records the event and the audit entry. */
static enum wm_err
review_one(struct wm_db *db, const struct wm_actor *a, int64_t id, const char *action,
           const char *comment, struct may_cache *mc, struct wm_fail *f)
{
    json_t *doc = wm_doc_get_scoped(db, a, id, NULL);
    if (NULL == doc) {
        return wm_read_fail(db, f, "ids", _("文件不存在"));
    }
    enum wm_err e = WM_OK;
    const char *status = jss(doc, "status");
    const char *to = NULL;
    bool submit = wm_streq(action, "submit");
    json_t *ar = NULL, *before = NULL, *after = NULL;
    char *name = wm_doc_display_name(doc);
    if (json_is_integer(json_object_get(doc, "deleted_at"))) {
        e = wm_fail_set(f, WM_E_CONFLICT, "ids", _("文件 %s 在回收站中"), name);
        goto done;
    }
    if (submit) {
        const char *code = jss(doc, "indicator_code");
        bool known = mc->archive_id == jsi(doc, "archive_id") && wm_streq(mc->code, code);
        if (!known && NULL == (ar = db->ops->archive_get(db, jsi(doc, "unit_id"),
                                                         jsi(doc, "year")))) {
            e = wm_read_fail(db, f, NULL, _("档案数据不完整"));
            if (WM_E_NOT_FOUND == e) {
                e = wm_fail_set(f, WM_E_INTERNAL, NULL, "%s", _("档案数据不完整"));
            }
            goto done;
        }
        if (!known && WM_OK != (e = wm_doc_may_write(db, a, ar, code, f))) {
            goto done;
        }
        if (!known && strlen(code) < sizeof mc->code) {
            mc->archive_id = jsi(doc, "archive_id");
            memcpy(mc->code, code, strlen(code) + 1);
        }
        if (wm_streq(status, "submitted")) {
            e = wm_fail_set(f, WM_E_CONFLICT, "ids", _("文件 %s 已提交，正在等待审核"), name);
            goto done;
        }
        if (wm_streq(status, "approved")) {
            e = wm_fail_set(f, WM_E_CONFLICT, "ids",
                            _("文件 %s 已审核通过，如需修改请上传新版本"), name);
            goto done;
        }
        to = "submitted";
    } else {
        if (!may_review(a)) {
            e = wm_fail_set(f, WM_E_FORBIDDEN, NULL, "%s", _("只有文明办可以审核文件"));
            goto done;
        }
        if (!wm_streq(status, "submitted")) {
            e = wm_fail_set(f, WM_E_CONFLICT, "ids", _("文件 %s 尚未提交审核，不能%s"), name,
                            wm_streq(action, "approve") ? _("审核通过") : _("退回"));
            goto done;
        }
        to = wm_streq(action, "approve") ? "approved" : "returned";
    }
    int64_t rid = 0;
    enum wm_qs qs = db->ops->review_insert(db, id, jsi(doc, "version"), action, status, to,
                                           a->p ? a->p->user_id : 0, comment, wm_now(), &rid);
    if (WM_QS_NONE == qs) { /* changed by another writer since it was read */
        e = wm_fail_set(f, WM_E_CONFLICT, "ids", _("文件 %s 的状态刚被他人更改，请刷新后重试"),
                        name);
        goto done;
    }
    if (WM_QS_ONE != qs) {
        e = wm_write_fail(db, f, "comment", _("退回时须填写指导意见"), _("无法保存审核结果"));
        goto done;
    }
    /* the leaf's schedule summary: an approval (or a submission, or their undoing) may
    ** meet a period or stop meeting it */
    if (WM_OK != (e = wm_sched_touch(db, jsi(doc, "archive_id"), jss(doc, "indicator_code"),
                                     f)) ||
        WM_OK != (e = wm_search_sync_document(db, id, f))) {
        goto done;
    }
    before = state_of(doc, status, NULL);
    after = state_of(doc, to, comment);
    e = wm_audit(db, a, submit ? "document.submit"
                               : (wm_streq(action, "approve") ? "document.approve"
                                                               : "document.return"),
                 "document", id, jss(doc, "unit_path"), before, after);
    if (WM_OK == e && !submit && 0 != tell_unit(db, a, doc, name, to, comment)) {
        e = wm_write_fail(db, f, NULL, NULL, _("无法写入通知"));
    }
done:
    free(name);
    json_decref(doc);
    json_decref(ar);
    json_decref(before);
    json_decref(after);
    return e;
}

struct batch {
    const int64_t *ids;
    size_t n;
    const char *action;
    const char *comment;
};

static enum wm_err
batch_once(struct wm_db *db, const struct wm_actor *a, const struct batch *b, struct wm_fail *f)
{
    enum wm_err e;
    struct may_cache mc = {0};
    if (WM_OK != (e = tx_begin(db, f))) {
        return e;
    }
    for (size_t i = 0; i < b->n && WM_OK == e; i++) {
        bool dup = false;
        for (size_t j = 0; j < i && !dup; j++) {
            dup = b->ids[j] == b->ids[i];
        }
        if (!dup) {
            e = review_one(db, a, b->ids[i], b->action, b->comment, &mc, f);
        }
    }
    return tx_end(db, e, f);
}

static enum wm_err
batch_run(struct wm_db *db, const struct wm_actor *a, const struct batch *b, struct wm_fail *f)
{
    if (0 == b->n) {
        return wm_fail_set(f, WM_E_BAD_REQUEST, "ids", "%s", _("请至少选择一个文件"));
    }
    if (b->n > REVIEW_BATCH_MAX) {
        return wm_fail_set(f, WM_E_BAD_REQUEST, "ids", _("一次最多处理 %d 个文件"),
                           REVIEW_BATCH_MAX);
    }
    enum wm_err e;
    TX_RETRY(e, batch_once(db, a, b, f));
    return e;
}

enum wm_err
wm_review_submit(struct wm_db *db, const struct wm_actor *a, const int64_t *ids, size_t n,
                 struct wm_fail *f)
{
    const struct batch b = {.ids = ids, .n = n, .action = "submit"};
    return batch_run(db, a, &b, f);
}

enum wm_err
wm_review_verdict(struct wm_db *db, const struct wm_actor *a, const int64_t *ids, size_t n,
                  bool approve, const char *comment, struct wm_fail *f)
{
    if (!may_review(a)) {
        return wm_fail_set(f, WM_E_FORBIDDEN, NULL, "%s", _("只有文明办可以审核文件"));
    }
    /* without bidi and zero-width characters, as every text a user gives */
    char *own = comment ? wm_strip_invisible(wm_strdup(comment)) : NULL;
    if (own && 0 == own[strspn(own, " \t\r\n")]) {
        free(own); /* blank guidance is none */
        own = NULL;
    }
    enum wm_err e;
    if (!approve && NULL == own) {
        e = wm_fail_set(f, WM_E_BAD_REQUEST, "comment", "%s", _("退回时须填写指导意见"));
    } else if (own && !comment_ok(own)) {
        e = wm_fail_set(f, WM_E_BAD_REQUEST, "comment", _("指导意见超过 %d 个字符或含有无效字符"),
                        REVIEW_COMMENT_MAX);
    } else {
        const struct batch b = {.ids = ids, .n = n, .action = approve ? "approve" : "return",
                                .comment = own};
        e = batch_run(db, a, &b, f);
    }
    free(own);
    return e;
}

/* The leaf's documents that may be submitted now (draft or returned), in serial order. */
static enum wm_err
leaf_once(struct wm_db *db, const struct wm_actor *a, const json_t *archive, const char *code,
          size_t *count, struct wm_fail *f)
{
    enum wm_err e;
    *count = 0;
    if (WM_OK != (e = tx_begin(db, f))) {
        return e;
    }
    if (WM_OK != (e = wm_doc_may_write(db, a, archive, code, f))) {
        return tx_end(db, e, f);
    }
    struct may_cache mc = {.archive_id = jsi(archive, "id")};
    snprintf(mc.code, sizeof mc.code, "%s", strlen(code) < sizeof mc.code ? code : "");
    json_t *docs = db->ops->doc_list(db, jsi(archive, "id"), code, false);
    if (NULL == docs) {
        e = wm_read_fail(db, f, NULL, NULL);
        if (WM_E_NOT_FOUND == e) {
            e = wm_fail_set(f, WM_E_INTERNAL, NULL, "%s", _("数据库读取失败"));
        }
        return tx_end(db, e, f);
    }
    size_t i;
    json_t *d;
    json_array_foreach(docs, i, d)
    {
        const char *st = jss(d, "status");
        if (WM_OK == e && (wm_streq(st, "draft") || wm_streq(st, "returned"))) {
            e = review_one(db, a, jsi(d, "id"), "submit", NULL, &mc, f);
            *count += WM_OK == e;
        }
    }
    json_decref(docs);
    if (WM_OK == e && 0 == *count) {
        e = wm_fail_set(f, WM_E_CONFLICT, "code", "%s",
                        _("该指标下没有可提交的文件（草稿或被退回的文件）"));
    }
    return tx_end(db, e, f);
}

enum wm_err
wm_review_submit_leaf(struct wm_db *db, const struct wm_actor *a, const json_t *archive,
                      const char *code, size_t *count, struct wm_fail *f)
{
    enum wm_err e;
    TX_RETRY(e, leaf_once(db, a, archive, code, count, f));
    return e;
}

json_t *
wm_review_history(struct wm_db *db, const struct wm_actor *a, int64_t doc_id, struct wm_fail *f)
{
    json_t *doc = wm_doc_get_scoped(db, a, doc_id, f);
    if (NULL == doc) {
        return NULL;
    }
    json_t *versions = db->ops->version_list(db, doc_id);
    json_t *events = versions ? db->ops->review_list(db, doc_id) : NULL;
    if (NULL == events) {
        if (!wm_db_failed(db)) {
            db->status = WM_QS_HARD; /* a list is never "no row" */
        }
        wm_read_fail(db, f, NULL, NULL);
        json_decref(doc);
        json_decref(versions);
        return NULL;
    }
    /* The latest verdict names the version it applies to: an approved version stays
    ** approved in the history after a newer version was uploaded. */
    json_t *approved = json_null();
    size_t i;
    json_t *ev;
    json_array_foreach(events, i, ev)
    {
        if (wm_streq(jss(ev, "action"), "approve")) {
            json_decref(approved);
            approved = json_integer(jsi(ev, "version"));
        }
    }
    json_array_foreach(versions, i, ev)
    {
        int64_t n = jsi(ev, "version");
        json_t *last = NULL; /* the latest event on this version */
        size_t j;
        json_t *x;
        json_array_foreach(events, j, x)
        {
            if (jsi(x, "version") == n) {
                last = x;
            }
        }
        json_object_set_new(ev, "review",
                            last ? json_string(jss(last, "action")) : json_null());
    }
    json_t *out = json_pack("{s:I, s:s, s:I, s:o, s:o, s:o}", "id", (json_int_t)doc_id, "status",
                            jss(doc, "status"), "version", (json_int_t)jsi(doc, "version"),
                            "approved_version", approved, "versions", versions, "events", events);
    json_decref(doc);
    return out;
}

json_t *
wm_review_queue(struct wm_db *db, const struct wm_actor *a, const struct wm_review_query *q,
                struct wm_fail *f)
{
    struct wm_review_filter flt = {
        .scope = wm_scope_path(a),
        .status = q->state && *q->state ? q->state : "submitted",
        .unit_id = q->unit_id,
        .indicator = q->indicator && *q->indicator ? q->indicator : NULL,
        .media = q->media && *q->media ? q->media : NULL,
        .unit_type = q->unit_type && *q->unit_type ? q->unit_type : NULL,
        .actor_id = q->submitter,
        .before = q->age_days > 0 ? wm_now() - q->age_days * 86400 : 0,
        .after = q->age_max_days > 0 ? wm_now() - q->age_max_days * 86400 : 0,
        .limit = q->limit ? q->limit : 100,
        .offset = q->offset,
        .key_dir = q->key_dir,
        .key_at = q->key_at,
        .key_id = q->key_id,
    };
    if (!wm_streq(flt.status, "submitted") && !wm_streq(flt.status, "approved") &&
        !wm_streq(flt.status, "returned")) {
        wm_fail_set(f, WM_E_BAD_REQUEST, "state", "%s",
                    _("state 须为 submitted、approved 或 returned"));
        return NULL;
    }
    json_t *district = NULL;
    if (q->district_id) {
        district = wm_org_get_scoped(db, a, q->district_id, f);
        if (NULL == district) {
            return NULL;
        }
        flt.scope = jss(district, "path");
    }
    json_t *rows = db->ops->review_queue(db, &flt);
    json_decref(district);
    if (NULL == rows) {
        if (!wm_db_failed(db)) {
            db->status = WM_QS_HARD;
        }
        wm_read_fail(db, f, NULL, NULL);
        return NULL;
    }
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r)
    {
        char *name = wm_doc_display_name(r);
        json_object_set_new(r, "name", json_string(name));
        free(name);
        json_object_del(r, "unit_path");
    }
    return rows;
}

/* The first document of the queue q with the keyset dir after (at, id); 0 when none. */
static enum wm_err
queue_first(struct wm_db *db, const struct wm_actor *a, const struct wm_review_query *q, int dir,
            int64_t at, int64_t id, int64_t *out, struct wm_fail *f)
{
    struct wm_review_query k = *q;
    k.limit = 1;
    k.offset = 0;
    k.key_dir = dir;
    k.key_at = at;
    k.key_id = id;
    json_t *rows = wm_review_queue(db, a, &k, f);
    if (NULL == rows) {
        return f ? f->err : WM_E_INTERNAL;
    }
    *out = jsi(json_array_get(rows, 0), "id");
    json_decref(rows);
    return WM_OK;
}

enum wm_err
wm_review_neighbours(struct wm_db *db, const struct wm_actor *a, const struct wm_review_query *q,
                     int64_t doc_id, int64_t *prev, int64_t *next, bool *queued,
                     struct wm_fail *f)
{
    *prev = *next = 0;
    *queued = false;
    json_t *doc = wm_doc_get_scoped(db, a, doc_id, f);
    if (NULL == doc) {
        return f ? f->err : WM_E_NOT_FOUND;
    }
    bool submitted = wm_streq(jss(doc, "status"), "submitted") &&
                     !json_is_integer(json_object_get(doc, "deleted_at"));
    json_decref(doc);
    json_t *events = submitted ? db->ops->review_list(db, doc_id) : NULL;
    if (submitted && NULL == events) {
        if (!wm_db_failed(db)) {
            db->status = WM_QS_HARD; /* a list is never "no row" */
        }
        return wm_read_fail(db, f, NULL, NULL);
    }
    /* its place: the time of its latest event (the submission: the document's status_at)
    ** and its id, as the queue orders by */
    json_t *last = json_array_get(events, json_array_size(events) - 1);
    enum wm_err e;
    if (last) {
        *queued = true;
        e = queue_first(db, a, q, 1, jsi(last, "at"), doc_id, next, f);
        if (WM_OK == e) {
            e = queue_first(db, a, q, -1, jsi(last, "at"), doc_id, prev, f);
        }
    } else {
        e = queue_first(db, a, q, 0, 0, 0, next, f);
        if (WM_OK == e && *next == doc_id) {
            *next = 0;
        }
    }
    json_decref(events);
    return e;
}

/* end of review.c */
