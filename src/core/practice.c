/*
** practice.c — good practice (经验做法, issue 9): the office features an approved document
** of a unit in its jurisdiction with a note and a category; every account whose sight
** overlaps the featuring office's jurisdiction finds it on the 经验交流 page and may preview
** and download exactly the featured version (read-only: nothing else of that unit becomes
** visible); the office builds a 经验交流汇编 from selected items, one PDF made by the job
** "practice.compile" (the composer runs in the `wenming-compile` helper, src/compile).
**
** Sight of an item: the caller's scope holds the item's unit, or the featuring office's
** subtree holds the caller's scope.  So a unit of district A sees what district A's office
** and the city office featured, never what district B's office featured; an office sees
** the items of its jurisdiction and what the offices above it featured.  Evaluators see
** none.  Featuring, editing and withdrawing: office staff and admins whose jurisdiction
** holds the unit; editing and withdrawing also need the featuring office within the
** caller's jurisdiction (a district does not withdraw what the city featured).  A
** compilation is seen as an item is, through the office that made it.
*/
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tx.h"
#include "wm_blob.h"
#include "wm_core.h"

/* ---------------------------------------------------------------- sight */

static bool
sees(const struct wm_actor *a, const char *unit_path, const char *office_path)
{
    if (wm_actor_is(a, WM_ROLE_BIT(WM_ROLE_EVALUATOR))) {
        return false;
    }
    const char *scope = wm_scope_path(a);
    return wm_startswith(unit_path, scope) || (*office_path && wm_startswith(scope, office_path));
}

bool
wm_practice_may_manage(const struct wm_actor *a, const json_t *item)
{
    const char *scope = wm_scope_path(a);
    return wm_actor_is(a, WM_ROLES_STAFF) && wm_startswith(jss(item, "office_path"), scope) &&
           wm_startswith(jss(item, "unit_path"), scope);
}

/* The office an actor features and compiles for: its own org. */
static int64_t
office_of(const struct wm_actor *a)
{
    return a->p ? a->p->org_id : 0;
}

/* Trimmed text without invisible characters (caller frees; NULL stays NULL). */
static char *
clean(const char *s)
{
    if (NULL == s) {
        return NULL;
    }
    char *own = wm_strip_invisible(wm_strdup(s));
    size_t lead = strspn(own, " \t\r\n"), n = strlen(own + lead);
    memmove(own, own + lead, n + 1);
    while (n > 0 && strchr(" \t\r\n", own[n - 1])) {
        own[--n] = '\0';
    }
    return own;
}

/* A note: valid UTF-8 of 1..max characters, lines allowed, no other control character. */
static bool
note_ok(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p < 0x20 && '\n' != *p && '\r' != *p && '\t' != *p) || 0x7f == *p) {
            return false;
        }
    }
    size_t n = wm_utf8_valid(s, strlen(s)) ? wm_utf8_len(s) : 0;
    return n >= 1 && n <= WM_PRACTICE_NOTE_MAX;
}

static enum wm_err
check_fields(const char *note, const char *category, bool required, struct wm_fail *f)
{
    if ((required || note) && (NULL == note || !note_ok(note))) {
        return wm_fail_set(f, WM_E_BAD_REQUEST, "note", _("推荐说明须为 1 至 %d 个字符"),
                           WM_PRACTICE_NOTE_MAX);
    }
    if ((required || category) &&
        (NULL == category || !wm_valid_text(category, WM_PRACTICE_CATEGORY_MAX))) {
        return wm_fail_set(f, WM_E_BAD_REQUEST, "category", _("类别须为 1 至 %d 个字符"),
                           WM_PRACTICE_CATEGORY_MAX);
    }
    return WM_OK;
}

/* What the audit entry records of an item. */
static json_t *
state_of(const json_t *item, const char *note, const char *category)
{
    return json_pack("{s:I, s:I, s:s, s:s}", "document_id", (json_int_t)jsi(item, "document_id"),
                     "version", (json_int_t)jsi(item, "version"), "note", note, "category",
                     category);
}

/* ---------------------------------------------------------------- reads */

json_t *
wm_practice_get(struct wm_db *db, const struct wm_actor *a, int64_t id, struct wm_fail *f)
{
    json_t *it = db->ops->featured_get(db, id);
    if (NULL == it) {
        wm_read_fail(db, f, NULL, _("该经验做法不存在"));
        return NULL;
    }
    /* withdrawn: gone for everyone (the office finds it in the audit log) */
    if (!sees(a, jss(it, "unit_path"), jss(it, "office_path")) || jsi(it, "withdrawn")) {
        json_decref(it);
        wm_fail_set(f, WM_E_NOT_FOUND, NULL, "%s", _("该经验做法不存在"));
        return NULL;
    }
    return it;
}

/* A list of rows is never "no row": NULL is the store's error. */
static json_t *
listed(struct wm_db *db, json_t *rows, struct wm_fail *f)
{
    if (NULL == rows) {
        if (!wm_db_failed(db)) {
            db->status = WM_QS_HARD;
        }
        wm_read_fail(db, f, NULL, NULL);
    }
    return rows;
}

json_t *
wm_practice_list(struct wm_db *db, const struct wm_actor *a, const struct wm_practice_query *q,
                 struct wm_fail *f)
{
    if (wm_actor_is(a, WM_ROLE_BIT(WM_ROLE_EVALUATOR))) {
        return json_array();
    }
    struct wm_featured_filter flt = {
        .scope = wm_scope_path(a),
        .indicator = q && q->indicator && *q->indicator ? q->indicator : NULL,
        .unit_type = q && q->unit_type && *q->unit_type ? q->unit_type : NULL,
        .category = q && q->category && *q->category ? q->category : NULL,
        .document_id = q ? q->document_id : 0,
        .live_docs = true,
        .limit = q && q->limit ? q->limit : 100,
        .offset = q ? q->offset : 0,
    };
    return listed(db, db->ops->featured_list(db, &flt), f);
}

/* ---------------------------------------------------------------- writes */

struct feature_in {
    int64_t doc_id;
    const char *note, *category;
    int64_t *id;
};

static enum wm_err
feature_once(struct wm_db *db, const struct wm_actor *a, const struct feature_in *in,
             struct wm_fail *f)
{
    enum wm_err e;
    if (WM_OK != (e = tx_begin(db, f))) {
        return e;
    }
    json_t *doc = wm_doc_get_scoped(db, a, in->doc_id, NULL), *after = NULL;
    char *name = NULL;
    if (NULL == doc) {
        e = wm_read_fail(db, f, NULL, _("文件不存在"));
        goto done;
    }
    name = wm_doc_display_name(doc);
    if (json_is_integer(json_object_get(doc, "deleted_at"))) {
        e = wm_fail_set(f, WM_E_CONFLICT, NULL, _("文件 %s 在回收站中，不能设为经验做法"), name);
        goto done;
    }
    if (!wm_streq(jss(doc, "status"), "approved")) {
        e = wm_fail_set(f, WM_E_CONFLICT, NULL,
                        _("只有审核通过的文件才能设为经验做法（文件 %s 当前未审核通过）"), name);
        goto done;
    }
    int64_t version = jsi(doc, "version");
    enum wm_qs qs = db->ops->featured_insert(db, in->doc_id, version, office_of(a), in->note,
                                             in->category, a->p ? a->p->user_id : 0, wm_now(),
                                             in->id);
    if (WM_QS_ONE != qs) {
        e = wm_write_fail(db, f, NULL, _("该文件已是经验做法"), _("无法保存经验做法"));
        goto done;
    }
    after = json_pack("{s:I, s:I, s:s, s:s}", "document_id", (json_int_t)in->doc_id, "version",
                      (json_int_t)version, "note", in->note, "category", in->category);
    e = wm_audit(db, a, "practice.feature", "featured", *in->id, jss(doc, "unit_path"), NULL,
                 after);
    if (WM_OK == e) { /* the unit is told (its writers), in this transaction */
        char *text = wm_asprintf(_("文件 %s 被%s设为经验做法"), name,
                                 a->p && a->p->org_name ? a->p->org_name : _("文明办"));
        char *link = wm_asprintf("/practice#item-%lld", (long long)*in->id);
        if (0 != wm_notify_unit(db, jsi(doc, "unit_id"), "featured", "featured", *in->id, text,
                                link, a->p ? a->p->user_id : 0)) {
            e = wm_write_fail(db, f, NULL, NULL, _("无法发送通知"));
        }
        free(text);
        free(link);
    }
done:
    free(name);
    json_decref(doc);
    json_decref(after);
    return tx_end(db, e, f);
}

enum wm_err
wm_practice_feature(struct wm_db *db, const struct wm_actor *a, int64_t doc_id, const char *note,
                    const char *category, int64_t *id, struct wm_fail *f)
{
    *id = 0;
    if (!wm_actor_is(a, WM_ROLES_STAFF) || NULL == a->p) {
        return wm_fail_set(f, WM_E_FORBIDDEN, NULL, "%s", _("只有文明办可以设立经验做法"));
    }
    char *n = clean(note), *c = clean(category);
    enum wm_err e = check_fields(n, c, true, f);
    if (WM_OK == e) {
        const struct feature_in in = {.doc_id = doc_id, .note = n, .category = c, .id = id};
        TX_RETRY_CLEAN(e, feature_once(db, a, &in, f), *id = 0);
    }
    free(n);
    free(c);
    return e;
}

/* Edit (note or category non-NULL) or withdraw (both NULL) an item in a transaction. */
static enum wm_err
change_once(struct wm_db *db, const struct wm_actor *a, int64_t id, const char *note,
            const char *category, bool withdraw, struct wm_fail *f)
{
    enum wm_err e;
    if (WM_OK != (e = tx_begin(db, f))) {
        return e;
    }
    json_t *it = wm_practice_get(db, a, id, f), *before = NULL, *after = NULL;
    if (NULL == it) {
        e = f && WM_OK != f->err ? f->err : WM_E_NOT_FOUND;
        goto done;
    }
    if (!wm_practice_may_manage(a, it)) {
        e = wm_fail_set(f, WM_E_FORBIDDEN, NULL, "%s",
                        _("只有设立该经验做法的文明办（或其上级）可以修改或撤下"));
        goto done;
    }
    enum wm_qs qs = withdraw ? db->ops->featured_withdraw(db, id, a->p ? a->p->user_id : 0,
                                                          wm_now())
                             : db->ops->featured_update(db, id, note, category, wm_now());
    if (WM_QS_NONE == qs) {
        e = wm_fail_set(f, WM_E_CONFLICT, NULL, "%s", _("该经验做法刚被他人撤下，请刷新"));
        goto done;
    }
    if (WM_QS_ONE != qs) {
        e = wm_write_fail(db, f, NULL, NULL, _("无法保存经验做法"));
        goto done;
    }
    before = state_of(it, jss(it, "note"), jss(it, "category"));
    if (!withdraw) {
        after = state_of(it, note ? note : jss(it, "note"), category ? category : jss(it, "category"));
    }
    e = wm_audit(db, a, withdraw ? "practice.withdraw" : "practice.update", "featured", id,
                 jss(it, "unit_path"), before, after);
done:
    json_decref(it);
    json_decref(before);
    json_decref(after);
    return tx_end(db, e, f);
}

enum wm_err
wm_practice_update(struct wm_db *db, const struct wm_actor *a, int64_t id, const char *note,
                   const char *category, struct wm_fail *f)
{
    if (!wm_actor_is(a, WM_ROLES_STAFF)) {
        return wm_fail_set(f, WM_E_FORBIDDEN, NULL, "%s", _("只有文明办可以修改经验做法"));
    }
    char *n = clean(note), *c = clean(category);
    enum wm_err e = check_fields(n, c, false, f);
    if (WM_OK == e && NULL == n && NULL == c) {
        e = wm_fail_set(f, WM_E_BAD_REQUEST, NULL, "%s", _("请填写推荐说明或类别"));
    }
    if (WM_OK == e) {
        TX_RETRY(e, change_once(db, a, id, n, c, false, f));
    }
    free(n);
    free(c);
    return e;
}

enum wm_err
wm_practice_withdraw(struct wm_db *db, const struct wm_actor *a, int64_t id, struct wm_fail *f)
{
    if (!wm_actor_is(a, WM_ROLES_STAFF)) {
        return wm_fail_set(f, WM_E_FORBIDDEN, NULL, "%s", _("只有文明办可以撤下经验做法"));
    }
    enum wm_err e;
    TX_RETRY(e, change_once(db, a, id, NULL, NULL, true, f));
    return e;
}

enum wm_err
wm_practice_download(struct wm_db *db, const struct wm_actor *a, const json_t *item,
                     struct wm_fail *f)
{
    /* the access is to the document, as every download is */
    json_t *doc = json_pack("{s:I, s:s}", "id", (json_int_t)jsi(item, "document_id"),
                            "unit_path", jss(item, "unit_path"));
    enum wm_err e = wm_doc_download(db, a, doc, jsi(item, "version"), f);
    json_decref(doc);
    return e;
}

/* ---------------------------------------------------------------- compilations */

json_t *
wm_compilation_get(struct wm_db *db, const struct wm_actor *a, int64_t id, struct wm_fail *f)
{
    json_t *c = db->ops->compilation_get(db, id);
    if (NULL == c) {
        wm_read_fail(db, f, NULL, _("该汇编不存在"));
        return NULL;
    }
    if (!sees(a, jss(c, "office_path"), jss(c, "office_path"))) {
        json_decref(c);
        wm_fail_set(f, WM_E_NOT_FOUND, NULL, "%s", _("该汇编不存在"));
        return NULL;
    }
    return c;
}

json_t *
wm_compilation_list(struct wm_db *db, const struct wm_actor *a, struct wm_fail *f)
{
    if (wm_actor_is(a, WM_ROLE_BIT(WM_ROLE_EVALUATOR))) {
        return json_array();
    }
    return listed(db, db->ops->compilation_list(db, wm_scope_path(a), 100), f);
}

struct compile_in {
    const char *title;
    const int64_t *ids;
    size_t n;
    int64_t *id, *job_id;
};

static enum wm_err
compile_once(struct wm_db *db, const struct wm_actor *a, const struct compile_in *in,
             struct wm_fail *f)
{
    enum wm_err e;
    if (WM_OK != (e = tx_begin(db, f))) {
        return e;
    }
    json_t *office = db->ops->org_get(db, office_of(a)), *after = NULL;
    if (NULL == office) {
        e = wm_read_fail(db, f, NULL, NULL);
        e = WM_E_NOT_FOUND == e ? wm_fail_set(f, WM_E_INTERNAL, NULL, "%s", _("账号所属机构不存在"))
                                : e;
        goto done;
    }
    enum wm_qs qs = db->ops->compilation_insert(db, in->title, office_of(a), a->p->user_id,
                                                wm_now(), in->id);
    if (WM_QS_ONE != qs) {
        e = wm_write_fail(db, f, NULL, NULL, _("无法保存汇编"));
        goto done;
    }
    int64_t seq = 0;
    for (size_t i = 0; i < in->n && WM_OK == e; i++) {
        bool dup = false;
        for (size_t j = 0; j < i && !dup; j++) {
            dup = in->ids[j] == in->ids[i];
        }
        if (dup) {
            continue;
        }
        json_t *it = wm_practice_get(db, a, in->ids[i], NULL);
        if (NULL == it) { /* out of sight, as everywhere: 404 */
            char msg[96];
            snprintf(msg, sizeof msg, _("经验做法 %lld 不存在或已撤下"), (long long)in->ids[i]);
            e = wm_read_fail(db, f, "items", msg);
        } else if (json_is_integer(json_object_get(it, "deleted_at"))) {
            e = wm_fail_set(f, WM_E_BAD_REQUEST, "items", _("经验做法 %lld 的文件已删除"),
                            (long long)in->ids[i]);
        } else if (WM_QS_ONE != db->ops->compilation_item_insert(db, *in->id, ++seq,
                                                                  in->ids[i])) {
            e = wm_write_fail(db, f, NULL, NULL, _("无法保存汇编"));
        }
        json_decref(it);
    }
    if (WM_OK != e) {
        goto done;
    }
    json_t *payload = json_pack("{s:I}", "compilation_id", (json_int_t)*in->id);
    e = wm_job_submit(db, a, "practice.compile", payload, jss(office, "path"), NULL, in->job_id,
                      f);
    json_decref(payload);
    if (WM_OK != e) {
        goto done;
    }
    if (WM_QS_ONE != db->ops->compilation_set(db, *in->id, "queued", *in->job_id, NULL, -1, NULL,
                                              wm_now())) {
        e = wm_write_fail(db, f, NULL, NULL, _("无法保存汇编"));
        goto done;
    }
    after = json_pack("{s:s, s:I, s:I}", "title", in->title, "items", (json_int_t)seq, "job_id",
                      (json_int_t)*in->job_id);
    e = wm_audit(db, a, "practice.compile", "compilation", *in->id, jss(office, "path"), NULL,
                 after);
done:
    json_decref(office);
    json_decref(after);
    return tx_end(db, e, f);
}

enum wm_err
wm_compilation_create(struct wm_db *db, const struct wm_actor *a, const char *title,
                      const int64_t *ids, size_t n, int64_t *id, int64_t *job_id,
                      struct wm_fail *f)
{
    *id = *job_id = 0;
    if (!wm_actor_is(a, WM_ROLES_STAFF) || NULL == a->p) {
        return wm_fail_set(f, WM_E_FORBIDDEN, NULL, "%s", _("只有文明办可以编制经验交流汇编"));
    }
    if (0 == n) {
        return wm_fail_set(f, WM_E_BAD_REQUEST, "items", "%s", _("请至少选择一项经验做法"));
    }
    if (n > WM_PRACTICE_COMPILE_MAX) {
        return wm_fail_set(f, WM_E_BAD_REQUEST, "items", _("一本汇编最多收录 %d 项"),
                           WM_PRACTICE_COMPILE_MAX);
    }
    char *t = clean(title);
    enum wm_err e = WM_OK;
    if (NULL == t || !wm_valid_text(t, WM_PRACTICE_TITLE_MAX)) {
        e = wm_fail_set(f, WM_E_BAD_REQUEST, "title", _("标题须为 1 至 %d 个字符"),
                        WM_PRACTICE_TITLE_MAX);
    } else {
        const struct compile_in in = {.title = t, .ids = ids, .n = n, .id = id, .job_id = job_id};
        TX_RETRY_CLEAN(e, compile_once(db, a, &in, f), *id = *job_id = 0);
    }
    free(t);
    return e;
}

/* ---------------------------------------------------------------- the job */

static struct wm_jobs_env penv;

/* Record the compilation's state in a transaction of its own (the job runs outside one). */
static enum wm_err
set_state(struct wm_db *db, int64_t id, const char *state, const char *sha, uint64_t size,
          int64_t pages, const char *error)
{
    enum wm_err e;
    struct wm_fail f = {0};
    TX_RETRY_BEGIN(db, e, &f)
    {
        e = WM_OK;
        if (sha && WM_QS_ONE != db->ops->blob_upsert(db, sha, (int64_t)size, "application/pdf",
                                                      wm_now())) {
            e = wm_write_fail(db, &f, NULL, NULL, "blob");
        }
        if (WM_OK == e && WM_QS_ONE != db->ops->compilation_set(db, id, state, 0, sha, pages,
                                                                 error, wm_now())) {
            e = wm_write_fail(db, &f, NULL, NULL, "compilation");
        }
    }
    TX_RETRY_END(db, e, &f);
    return e;
}

/* The kind of an item's document for the composer, preparing an image's rendition. */
static const char *
item_file(const json_t *it, const char *tmp, size_t i, char *file, size_t len)
{
    const char *mime = jss(it, "mime"), *sha = jss(it, "sha");
    char src[1024];
    file[0] = '\0';
    if (!wm_blob_path(penv.blobs, sha, src, sizeof src) || !wm_blob_exists(penv.blobs, sha)) {
        return "missing";
    }
    if (wm_streq(mime, "application/pdf")) {
        snprintf(file, len, "%s", src);
        return "pdf";
    }
    if (wm_startswith(mime, "image/") && penv.thumb_make) {
        char err[256] = "";
        snprintf(file, len, "%s/item-%zu.jpg", tmp, i);
        if (WM_OK == penv.thumb_make(src, mime, file, WM_PRACTICE_IMAGE_PX, err, sizeof err)) {
            return "image";
        }
        wm_log(WM_LOG_WARN, "compile: image %s: %s", sha, err);
        file[0] = '\0';
    }
    return "none";
}

/* Remove the pictures item_file made in the directory (wm_compile_end removes the rest). */
static void
remove_items(const char *dir, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char *p = wm_asprintf("%s/item-%zu.jpg", dir, i);
        unlink(p);
        free(p);
    }
}

static enum wm_err
run_compile(struct wm_db *db, struct wm_job *job, const json_t *payload, json_t **result,
            struct wm_fail *f)
{
    int64_t cid = jsi(payload, "compilation_id");
    json_t *c = db->ops->compilation_get(db, cid);
    if (NULL == c) {
        return wm_db_failed(db) ? wm_read_fail(db, f, NULL, NULL)
                                : wm_fail_set(f, WM_E_NOT_FOUND, NULL, "%s", _("该汇编不存在"));
    }
    json_t *rows = db->ops->compilation_items(db, cid);
    if (NULL == rows) {
        json_decref(c);
        return wm_fail_set(f, WM_E_UNAVAILABLE, NULL, "%s", _("数据库读取失败"));
    }
    enum wm_err e = set_state(db, cid, "running", NULL, 0, -1, NULL);
    struct wm_compile cc = {.dir = ""};
    size_t n = json_array_size(rows);
    if (WM_OK == e) {
        e = wm_compile_begin(&cc, "wenming-compile", f);
    }
    if (WM_OK == e) {
        (void)wm_job_progress(job, json_pack("{s:s, s:I}", "phase", "compose", "items",
                                             (json_int_t)n),
                              true);
        int64_t y;
        int m, d;
        wm_day_ymd(wm_day_today(), &y, &m, &d);
        char *date = wm_asprintf("%lld年%d月%d日", (long long)y, m, d);
        json_t *spec = json_pack("{s:s, s:s, s:s, s:[]}", "title", jss(c, "title"), "office",
                                 jss(c, "office_name"), "date", date, "items");
        free(date);
        json_t *list = json_object_get(spec, "items");
        size_t i;
        json_t *it;
        json_array_foreach(rows, i, it)
        {
            char file[sizeof cc.dir + 32];
            const char *kind = item_file(it, cc.dir, i, file, sizeof file);
            char *ind = wm_asprintf("%s %s", jss(it, "indicator_code"), jss(it, "indicator_title"));
            json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "title", jss(it, "title"),
                                  "unit", jss(it, "unit_name"), "indicator", ind, "category",
                                  jss(it, "category"), "note", jss(it, "note"), "date_formed",
                                  jss(it, "date_formed"), "kind", kind);
            if (*file) {
                json_object_set_new(o, "file", json_string(file));
            }
            json_array_append_new(list, o);
            free(ind);
        }
        char sha[65];
        uint64_t size = 0;
        if (WM_OK == (e = wm_compile_run(&cc, penv.compile_make, spec, JSON_COMPACT, _("汇编"),
                                         f)) &&
            WM_OK == (e = wm_compile_store(&cc, penv.blobs, _("汇编"), sha, &size, f))) {
            if (WM_OK != (e = set_state(db, cid, "done", sha, size, cc.pages, NULL))) {
                wm_fail_set(f, e, NULL, "%s", _("无法保存汇编状态"));
            } else {
                *result = json_pack("{s:I, s:s, s:I, s:i}", "compilation_id", (json_int_t)cid,
                                    "sha", sha, "size", (json_int_t)size, "pages", cc.pages);
            }
        }
        json_decref(spec);
        remove_items(cc.dir, n);
    }
    wm_compile_end(&cc);
    if (WM_OK != e) {
        (void)set_state(db, cid, "failed", NULL, 0, -1, f && *f->msg ? f->msg : "error");
    }
    json_decref(rows);
    json_decref(c);
    return e;
}

void
wm_practice_register_jobs(const struct wm_jobs_env *env)
{
    penv = *env;
    const struct wm_job_kind k = {.kind = "practice.compile", .run = run_compile,
                                  .max_attempts = 3, .backoff = 30};
    wm_jobs_register(&k);
}

/* end of practice.c */
