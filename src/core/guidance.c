/*
** guidance.c — guidance conversations (指导意见 / 在线指导, issue 9): one conversation per
** unit × year × leaf between the office whose jurisdiction holds the unit and the unit,
** next to the material it is about.  Messages are text with an optional attachment (a
** blob of the content-addressed store; the client's file name is kept as its display name,
** never a path); each account has a read marker, and the other side's messages after it
** are unread.
**
** Who: reading is everyone who sees the unit's archive except evaluators (a unit's
** viewers read only); posting is the unit's unit_admin and unit_member accounts and office
** staff (and platform admins) whose jurisdiction holds the unit; closing and reopening is
** office staff.  A closed conversation takes no messages until it is reopened.  Out of
** the caller's scope: 404.  Every post, close and reopen is audited in its own transaction
** (guidance.post, guidance.close, guidance.reopen); a post notifies the other side (kind
** "guidance": the unit's writers, or the offices above the unit) in the same transaction.
*/
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tx.h"
#include "wm_blob.h"
#include "wm_core.h"

/* ---------------------------------------------------------------- rules */

static bool
is_evaluator(const struct wm_actor *a)
{
    return a->p && WM_ROLE_EVALUATOR == a->p->role;
}

bool
wm_guidance_may_post(const struct wm_actor *a)
{
    return wm_actor_is(a, WM_ROLES_STAFF | WM_ROLE_BIT(WM_ROLE_UNIT_ADMIN) |
                              WM_ROLE_BIT(WM_ROLE_UNIT_MEMBER));
}

bool
wm_guidance_may_close(const struct wm_actor *a)
{
    return wm_actor_is(a, WM_ROLES_STAFF);
}

const char *
wm_guidance_side(const struct wm_actor *a)
{
    return wm_actor_is(a, WM_ROLES_STAFF) ? "office" : "unit";
}

/* A message's text: valid UTF-8 of at most WM_GUIDANCE_TEXT_MAX characters; lines and tabs
** allowed but no other control character. */
static bool
text_ok(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p < 0x20 && '\n' != *p && '\r' != *p && '\t' != *p) || 0x7f == *p) {
            return false;
        }
    }
    return wm_utf8_valid(s, strlen(s)) && wm_utf8_len(s) <= WM_GUIDANCE_TEXT_MAX;
}

/* The code must be a leaf of the archive's edition (else 404, as any unknown path). */
static enum wm_err
leaf_check(struct wm_db *db, const json_t *archive, const char *code, struct wm_fail *f)
{
    json_t *inds = db->ops->ind_list(db, jsi(archive, "edition_id"), true);
    if (NULL == inds) {
        if (!wm_db_failed(db)) {
            db->status = WM_QS_HARD; /* a list is never "no row" */
        }
        return wm_read_fail(db, f, NULL, NULL);
    }
    bool found = false;
    size_t i;
    json_t *x;
    json_array_foreach(inds, i, x)
    {
        found = found || wm_streq(jss(x, "code"), code);
    }
    json_decref(inds);
    return found ? WM_OK
                 : wm_fail_set(f, WM_E_NOT_FOUND, NULL, "%s", _("该档案没有这个末级指标"));
}

/* Whether the caller may see the archive (from wm_archive_open) at all: evaluators never
** see conversations; an archive object of another scope is not found either. */
static enum wm_err
sees(struct wm_db *db, const struct wm_actor *a, const json_t *archive, const char *code,
     struct wm_fail *f)
{
    const char *path = jss(archive, "unit_path");
    if (is_evaluator(a) || !*path || !wm_startswith(path, wm_scope_path(a))) {
        return wm_fail_set(f, WM_E_NOT_FOUND, NULL, "%s", _("单位不存在"));
    }
    return leaf_check(db, archive, code, f);
}

/* The link to the leaf page a conversation belongs to (caller frees). */
static char *
leaf_link(const json_t *archive, const char *code)
{
    struct wm_buf b = {0};
    wm_buf_printf(&b, "/units/%lld/archives/%lld/leaf/", (long long)jsi(archive, "unit_id"),
                  (long long)jsi(archive, "year"));
    wm_url_encode(&b, code);
    return wm_buf_steal(&b);
}

/* ---------------------------------------------------------------- reads */

json_t *
wm_guidance_get(struct wm_db *db, const struct wm_actor *a, const json_t *archive,
                const char *code, struct wm_fail *f)
{
    if (WM_OK != sees(db, a, archive, code, f)) {
        return NULL;
    }
    json_t *g = db->ops->guidance_get(db, jsi(archive, "id"), code);
    if (NULL == g && wm_db_failed(db)) {
        wm_read_fail(db, f, NULL, NULL);
        return NULL;
    }
    int64_t id = g ? jsi(g, "id") : 0;
    json_t *msgs = id ? db->ops->guidance_messages(db, id) : json_array();
    int64_t last_read = id && a->p ? db->ops->guidance_read_get(db, id, a->p->user_id) : 0;
    if (NULL == msgs || wm_db_failed(db)) {
        if (!wm_db_failed(db)) {
            db->status = WM_QS_HARD;
        }
        wm_read_fail(db, f, NULL, NULL);
        json_decref(g);
        json_decref(msgs);
        return NULL;
    }
    const char *side = wm_guidance_side(a);
    int64_t unread = 0;
    size_t i;
    json_t *m;
    json_array_foreach(msgs, i, m)
    {
        bool u = jsi(m, "id") > last_read && !wm_streq(jss(m, "side"), side);
        unread += u;
        json_object_set_new(m, "unread", json_boolean(u));
    }
    bool open = NULL == g || wm_streq(jss(g, "state"), "open");
    json_t *out = json_pack(
        "{s:I, s:I, s:I, s:s, s:s, s:I, s:I, s:I, s:s, s:b, s:b, s:o}", "id", (json_int_t)id,
        "unit_id", (json_int_t)jsi(archive, "unit_id"), "year", (json_int_t)jsi(archive, "year"),
        "code", code, "state", open ? "open" : "closed", "created_at",
        (json_int_t)(g ? jsi(g, "created_at") : 0), "updated_at",
        (json_int_t)(g ? jsi(g, "updated_at") : 0), "unread", (json_int_t)unread, "side", side,
        "may_post", wm_guidance_may_post(a) && open, "may_close", wm_guidance_may_close(a),
        "messages", msgs);
    json_object_set_new(out, "last_read", json_integer(last_read));
    json_decref(g);
    return out;
}

json_t *
wm_guidance_list(struct wm_db *db, const struct wm_actor *a, const struct wm_guidance_query *q,
                 struct wm_fail *f)
{
    const char *state = q->state && *q->state ? q->state : "open";
    if (!wm_streq(state, "open") && !wm_streq(state, "closed") && !wm_streq(state, "all")) {
        wm_fail_set(f, WM_E_BAD_REQUEST, "state", "%s", _("state 须为 open、closed 或 all"));
        return NULL;
    }
    if (is_evaluator(a)) {
        wm_fail_set(f, WM_E_FORBIDDEN, NULL, "%s", _("测评员不参与在线指导"));
        return NULL;
    }
    json_t *unit = NULL;
    if (q->unit_id && NULL == (unit = wm_org_get_scoped(db, a, q->unit_id, f))) {
        return NULL;
    }
    json_decref(unit);
    struct wm_guidance_filter flt = {
        .scope = wm_scope_path(a),
        .state = wm_streq(state, "all") ? NULL : state,
        .unit_id = q->unit_id,
        .user_id = a->p ? a->p->user_id : 0,
        .side = wm_guidance_side(a),
        .unread_only = q->unread_only,
        .limit = q->limit ? q->limit : 100,
        .offset = q->offset,
    };
    json_t *rows = db->ops->guidance_list(db, &flt);
    if (NULL == rows) {
        if (!wm_db_failed(db)) {
            db->status = WM_QS_HARD;
        }
        wm_read_fail(db, f, NULL, NULL);
    }
    return rows;
}

json_t *
wm_guidance_attachment(struct wm_db *db, const struct wm_actor *a, int64_t msg_id,
                       struct wm_fail *f)
{
    json_t *m = db->ops->guidance_msg_get(db, msg_id);
    if (NULL == m) {
        wm_read_fail(db, f, NULL, _("附件不存在"));
        return NULL;
    }
    json_t *unit = is_evaluator(a) ? NULL : wm_org_get_scoped(db, a, jsi(m, "unit_id"), NULL);
    if (NULL == unit || !json_is_string(json_object_get(m, "sha"))) {
        if (NULL == unit) {
            wm_read_fail(db, f, NULL, _("附件不存在"));
        } else {
            wm_fail_set(f, WM_E_NOT_FOUND, NULL, "%s", _("附件不存在"));
        }
        json_decref(unit);
        json_decref(m);
        return NULL;
    }
    json_decref(unit);
    return m;
}

/* ---------------------------------------------------------------- writes */

struct post {
    const json_t *archive;
    const char *code;
    const char *text;
    const struct wm_upload *up;
    const char *filename;
    int64_t *msg_id;
};

static enum wm_err
post_once(struct wm_db *db, const struct wm_actor *a, const struct post *p, struct wm_fail *f)
{
    enum wm_err e;
    int64_t gid = 0, now = wm_now();
    const char *side = wm_guidance_side(a);
    json_t *g = NULL, *after = NULL;
    if (WM_OK != (e = tx_begin(db, f))) {
        return e;
    }
    if (WM_OK != (e = sees(db, a, p->archive, p->code, f))) {
        goto done;
    }
    if (WM_QS_ONE != db->ops->guidance_upsert(db, jsi(p->archive, "id"), p->code, now, &gid) ||
        NULL == (g = db->ops->guidance_get(db, jsi(p->archive, "id"), p->code))) {
        e = wm_write_fail(db, f, NULL, NULL, _("无法保存指导意见"));
        goto done;
    }
    if (!wm_streq(jss(g, "state"), "open")) {
        e = wm_fail_set(f, WM_E_CONFLICT, "state", "%s",
                        _("该指导对话已关闭，需由文明办重新打开后才能继续留言"));
        goto done;
    }
    if (p->up && WM_QS_ONE != db->ops->blob_upsert(db, p->up->sha, (int64_t)p->up->size,
                                                    p->up->mime, now)) {
        e = wm_write_fail(db, f, NULL, NULL, _("无法保存附件"));
        goto done;
    }
    int64_t uid = a->p ? a->p->user_id : 0;
    if (WM_QS_ONE != db->ops->guidance_msg_insert(db, gid, uid, side, p->text,
                                                  p->up ? p->up->sha : NULL, p->filename, now,
                                                  p->msg_id) ||
        (uid && WM_QS_ONE != db->ops->guidance_read_set(db, gid, uid, *p->msg_id))) {
        e = wm_write_fail(db, f, NULL, NULL, _("无法保存指导意见"));
        goto done;
    }
    if (WM_OK != (e = wm_search_sync_guidance(db, gid, f))) {
        goto done;
    }
    after = json_pack("{s:I, s:I, s:I, s:s, s:s, s:s}", "message", (json_int_t)*p->msg_id,
                      "unit_id", (json_int_t)jsi(p->archive, "unit_id"), "year",
                      (json_int_t)jsi(p->archive, "year"), "code", p->code, "side", side, "text",
                      p->text);
    if (p->up) {
        json_object_set_new(after, "attachment",
                            json_pack("{s:s, s:s, s:I}", "name", p->filename, "sha", p->up->sha,
                                      "size", (json_int_t)p->up->size));
    }
    e = wm_audit(db, a, "guidance.post", "guidance", gid, jss(p->archive, "unit_path"), NULL,
                 after);
    if (WM_OK != e) {
        goto done;
    }
    /* The other side hears of it, in this transaction (a notice that cannot be written
    ** fails the post). */
    char *link = leaf_link(p->archive, p->code);
    char *what = wm_streq(side, "office")
                     ? wm_asprintf(_("文明办对 %lld 年度测评内容 %s 提出了指导意见"),
                                   (long long)jsi(p->archive, "year"), p->code)
                     : wm_asprintf(_("%s 在 %lld 年度测评内容 %s 的指导对话中留言"),
                                   jss(p->archive, "unit_name"),
                                   (long long)jsi(p->archive, "year"), p->code);
    int rc = wm_streq(side, "office")
                 ? wm_notify_unit(db, jsi(p->archive, "unit_id"), "guidance", "guidance", gid,
                                  what, link, uid)
                 : wm_notify_office(db, jsi(p->archive, "unit_id"), "guidance", "guidance", gid,
                                    what, link, uid);
    if (0 != rc) {
        e = wm_write_fail(db, f, NULL, NULL, _("无法发送通知"));
    }
    free(what);
    free(link);
done:
    json_decref(g);
    json_decref(after);
    return tx_end(db, e, f);
}

enum wm_err
wm_guidance_post(struct wm_db *db, const struct wm_actor *a, const json_t *archive,
                 const char *code, const char *text, const struct wm_upload *up,
                 int64_t *msg_id, struct wm_fail *f)
{
    if (!wm_guidance_may_post(a)) {
        /* evaluators do not see conversations at all; viewers read only */
        if (is_evaluator(a)) {
            return wm_fail_set(f, WM_E_NOT_FOUND, NULL, "%s", _("单位不存在"));
        }
        return wm_fail_set(f, WM_E_FORBIDDEN, NULL, "%s", _("您的账号只能查看指导意见，不能留言"));
    }
    /* without bidi and zero-width characters, as every text a user gives */
    char *own = wm_strip_invisible(wm_strdup(text ? text : ""));
    if (0 == own[strspn(own, " \t\r\n")]) {
        own[0] = 0; /* blank is none */
    }
    enum wm_err e = WM_OK;
    char *fname = NULL;
    if (0 == *own && NULL == up) {
        e = wm_fail_set(f, WM_E_BAD_REQUEST, "text", "%s", _("请填写指导意见或留言内容"));
    } else if (!text_ok(own)) {
        e = wm_fail_set(f, WM_E_BAD_REQUEST, "text", _("内容超过 %d 个字符或含有无效字符"),
                        WM_GUIDANCE_TEXT_MAX);
    } else if (up && up->size > WM_GUIDANCE_FILE_MAX) {
        e = wm_fail_set(f, WM_E_TOO_LARGE, "file", _("附件不能超过 %d MB"),
                        (int)(WM_GUIDANCE_FILE_MAX >> 20));
    } else if (up && !wm_blob_sha_valid(up->sha)) {
        e = wm_fail_set(f, WM_E_BAD_REQUEST, "file", "%s", _("附件无效"));
    }
    if (WM_OK == e && up) {
        fname = wm_upload_filename(up, NULL);
        if (0 == fname[0] || '.' == fname[0]) { /* a name that is only an extension */
            char *named = wm_asprintf("%s%s", _("附件"), fname);
            free(fname);
            fname = named;
        }
    }
    if (WM_OK == e) {
        int64_t id = 0;
        const struct post p = {.archive = archive, .code = code, .text = own, .up = up,
                               .filename = fname, .msg_id = msg_id ? msg_id : &id};
        TX_RETRY(e, post_once(db, a, &p, f));
    }
    free(fname);
    free(own);
    return e;
}

static enum wm_err
state_once(struct wm_db *db, const struct wm_actor *a, const json_t *archive, const char *code,
           bool open, struct wm_fail *f)
{
    enum wm_err e;
    const char *to = open ? "open" : "closed";
    if (WM_OK != (e = tx_begin(db, f))) {
        return e;
    }
    json_t *g = NULL, *before = NULL, *after = NULL;
    if (WM_OK != (e = sees(db, a, archive, code, f))) {
        goto done;
    }
    g = db->ops->guidance_get(db, jsi(archive, "id"), code);
    if (NULL == g) {
        e = wm_read_fail(db, f, NULL, _("该指标还没有指导对话"));
        goto done;
    }
    enum wm_qs qs = db->ops->guidance_set_state(db, jsi(g, "id"), to, wm_now());
    if (WM_QS_NONE == qs) {
        e = wm_fail_set(f, WM_E_CONFLICT, "state", "%s",
                        open ? _("该指导对话没有关闭") : _("该指导对话已经关闭"));
        goto done;
    }
    if (WM_QS_ONE != qs) {
        e = wm_write_fail(db, f, NULL, NULL, _("无法保存指导对话的状态"));
        goto done;
    }
    if (WM_OK != (e = wm_search_sync_guidance(db, jsi(g, "id"), f))) {
        goto done;
    }
    before = json_pack("{s:s}", "state", jss(g, "state"));
    after = json_pack("{s:s, s:I, s:I, s:s}", "state", to, "unit_id",
                      (json_int_t)jsi(archive, "unit_id"), "year", (json_int_t)jsi(archive, "year"),
                      "code", code);
    e = wm_audit(db, a, open ? "guidance.reopen" : "guidance.close", "guidance", jsi(g, "id"),
                 jss(archive, "unit_path"), before, after);
done:
    json_decref(g);
    json_decref(before);
    json_decref(after);
    return tx_end(db, e, f);
}

enum wm_err
wm_guidance_set_open(struct wm_db *db, const struct wm_actor *a, const json_t *archive,
                     const char *code, bool open, struct wm_fail *f)
{
    if (is_evaluator(a)) {
        return wm_fail_set(f, WM_E_NOT_FOUND, NULL, "%s", _("单位不存在"));
    }
    if (!wm_guidance_may_close(a)) {
        return wm_fail_set(f, WM_E_FORBIDDEN, NULL, "%s", _("只有文明办可以关闭或重新打开指导对话"));
    }
    enum wm_err e;
    TX_RETRY(e, state_once(db, a, archive, code, open, f));
    return e;
}

static enum wm_err
read_once(struct wm_db *db, const struct wm_actor *a, const json_t *archive, const char *code,
          struct wm_fail *f)
{
    enum wm_err e;
    if (WM_OK != (e = tx_begin(db, f))) {
        return e;
    }
    json_t *g = NULL, *msgs = NULL;
    if (WM_OK != (e = sees(db, a, archive, code, f))) {
        goto done;
    }
    g = db->ops->guidance_get(db, jsi(archive, "id"), code);
    if (NULL == g) {
        e = wm_db_failed(db) ? wm_read_fail(db, f, NULL, NULL) : WM_OK; /* nothing to read */
        goto done;
    }
    msgs = db->ops->guidance_messages(db, jsi(g, "id"));
    if (NULL == msgs) {
        e = wm_write_fail(db, f, NULL, NULL, _("数据库读取失败"));
        goto done;
    }
    size_t n = json_array_size(msgs);
    if (n && a->p &&
        WM_QS_ONE != db->ops->guidance_read_set(db, jsi(g, "id"), a->p->user_id,
                                                jsi(json_array_get(msgs, n - 1), "id"))) {
        e = wm_write_fail(db, f, NULL, NULL, _("无法保存已读标记"));
    }
done:
    json_decref(g);
    json_decref(msgs);
    return tx_end(db, e, f);
}

enum wm_err
wm_guidance_mark_read(struct wm_db *db, const struct wm_actor *a, const json_t *archive,
                      const char *code, struct wm_fail *f)
{
    if (is_evaluator(a)) {
        return wm_fail_set(f, WM_E_NOT_FOUND, NULL, "%s", _("单位不存在"));
    }
    enum wm_err e;
    TX_RETRY(e, read_once(db, a, archive, code, f));
    return e;
}

/* end of guidance.c */
