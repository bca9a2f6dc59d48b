/*
** api_work_rect.c — the creation work (issue 12) over JSON: the rectification loop (整改项).
**
**   GET   /api/v1/rectifications            ?state=&source=&dept_id=&year=&overdue=1&unit_id=
**   POST  /api/v1/rectifications            {source: "self_check", year, problem,
**                                            indicator_code?, dept_id?, due_on?, corrective?,
**                                            preventive?} or {source: "review", document_id,
**                                            dept_id?, due_on?}: the unit_admin opens one
**   GET   /api/v1/rectifications/{id}       the item, its evidence, history, next steps
**   PATCH /api/v1/rectifications/{id}       {problem, corrective, preventive, dept_id, due_on}
**   POST  /api/v1/rectifications/{id}/done  {note?}
**   POST  /api/v1/rectifications/{id}/verify {accept: bool, note?}
**   POST  /api/v1/rectifications/{id}/close {note}
**   POST  /api/v1/rectifications/{id}/evidence  multipart files (filed into the archive), or
**                                            JSON {document_id} (a document of the unit cited)
**
** The rules are src/core/work_rect.c's; the representation is repr.c's.
*/
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "handlers.h"

/* ---------------------------------------------------------------- the body */

/* A body's keys: 's' a string (multi-line texts: the core checks them), 'i' an integer
** (>= 0), 'b' a boolean. */
struct key {
    const char *name;
    char type;
};

/* Unknown keys and wrong types are a 400 naming the key; false when one was queued. */
static bool
body_ok(struct wm_req *r, const struct key *keys)
{
    const char *k;
    json_t *v;
    json_object_foreach(r->json, k, v)
    {
        const struct key *x = keys;
        while (x->name && !wm_streq(x->name, k)) {
            x++;
        }
        bool ok = x->name && (('s' == x->type && json_is_string(v) &&
                               strlen(json_string_value(v)) == json_string_length(v)) ||
                              ('i' == x->type && json_is_integer(v) && json_integer_value(v) >= 0) ||
                              ('b' == x->type && json_is_boolean(v)));
        if (!ok) {
            char *d = x->name ? wm_asprintf(_("字段 %s 的类型不对"), k)
                              : wm_asprintf(_("未知字段 %s"), k);
            wm_reply_err(r, WM_E_BAD_REQUEST, k, d);
            free(d);
            return false;
        }
    }
    return true;
}

static const char *
jtext(struct wm_req *r, const char *k)
{
    return json_string_value(json_object_get(r->json, k));
}

/* Reply with the item as its page shows it (status 200 or 201). */
static void
reply_item(struct wm_req *r, int64_t id, unsigned status)
{
    struct wm_fail f = { 0 };
    json_t *o = wm_rect_detail(r->db, &r->actor, id, &f);
    wm_reply_read(r, status, o ? wm_api_rectification(o) : NULL, &f);
}

/* After a change: the item, or why it failed. */
static void
reply_change(struct wm_req *r, enum wm_err e, const struct wm_fail *f)
{
    if (WM_OK != e) {
        wm_reply_fail(r, f);
        return;
    }
    reply_item(r, r->ids[0], 200);
}

/* ---------------------------------------------------------------- list, open, read */

void
api_rectifications_get(struct wm_req *r)
{
    struct wm_rect_query q = { .state = wm_req_arg(r, "state"), .source = wm_req_arg(r, "source") };
    int64_t overdue = 0;
    if (!wm_req_window(r, 50, &q.limit, &q.offset) ||
        !wm_req_int(r, "dept_id", 0, INT64_MAX, &q.dept_id) ||
        !wm_req_int(r, "unit_id", 0, INT64_MAX, &q.unit_id) ||
        !wm_req_int(r, "year", 0, 2100, &q.year) || !wm_req_int(r, "overdue", 0, 1, &overdue)) {
        return;
    }
    q.overdue = 1 == overdue;
    struct wm_fail f = { 0 };
    json_t *l = wm_rect_find(r->db, &r->actor, &q, &f);
    wm_reply_read(r, 200, l ? wm_api_page(wm_api_rectifications(l), q.limit) : NULL, &f);
}

void
api_rectifications_post(struct wm_req *r)
{
    static const struct key keys[] = {
        { "source", 's' },     { "year", 'i' },       { "problem", 's' },
        { "indicator_code", 's' }, { "dept_id", 'i' }, { "due_on", 's' },
        { "corrective", 's' }, { "preventive", 's' }, { "document_id", 'i' },
        { NULL, 0 },
    };
    if (!body_ok(r, keys)) {
        return;
    }
    const char *source = jtext(r, "source");
    struct wm_fail f = { 0 };
    int64_t id = 0;
    enum wm_err e;
    if (wm_streq(source, "review")) {
        e = wm_rect_from_review(r->db, &r->actor, wm_jint(r, "document_id", 0),
                                jtext(r, "due_on"), wm_jint(r, "dept_id", 0), &id, &f);
    } else if (wm_streq(source, "self_check")) {
        struct wm_rect_new in = { .unit_id = r->actor.p ? r->actor.p->org_id : 0,
                                  .year = wm_jint(r, "year", 0),
                                  .indicator_code = jtext(r, "indicator_code"),
                                  .problem = jtext(r, "problem"),
                                  .source = "self_check",
                                  .dept_id = wm_jint(r, "dept_id", 0),
                                  .due_on = jtext(r, "due_on"),
                                  .corrective = jtext(r, "corrective"),
                                  .preventive = jtext(r, "preventive") };
        e = wm_rect_open(r->db, &r->actor, &in, &id, &f);
    } else {
        e = wm_fail_set(&f, WM_E_BAD_REQUEST, "source", "%s",
                        _("来源须为 self_check（自查）或 review（退回意见）"));
    }
    if (WM_OK != e) {
        wm_reply_fail(r, &f);
        return;
    }
    reply_item(r, id, 201);
}

void
api_rectification_get(struct wm_req *r)
{
    reply_item(r, r->ids[0], 200);
}

/* ---------------------------------------------------------------- the loop */

void
api_rectification_patch(struct wm_req *r)
{
    static const struct key keys[] = {
        { "problem", 's' },    { "corrective", 's' }, { "preventive", 's' },
        { "dept_id", 'i' },    { "due_on", 's' },     { NULL, 0 },
    };
    if (!body_ok(r, keys)) {
        return;
    }
    struct wm_rect_change c = { .problem = jtext(r, "problem"),
                                .corrective = jtext(r, "corrective"),
                                .preventive = jtext(r, "preventive"),
                                .due_on = jtext(r, "due_on"),
                                .dept_id = wm_jint(r, "dept_id", -1) };
    struct wm_fail f = { 0 };
    reply_change(r, wm_rect_update(r->db, &r->actor, r->ids[0], &c, &f), &f);
}

void
api_rectification_done_post(struct wm_req *r)
{
    static const struct key keys[] = { { "note", 's' }, { NULL, 0 } };
    if (!body_ok(r, keys)) {
        return;
    }
    struct wm_fail f = { 0 };
    reply_change(r, wm_rect_done(r->db, &r->actor, r->ids[0], jtext(r, "note"), &f), &f);
}

void
api_rectification_verify_post(struct wm_req *r)
{
    static const struct key keys[] = { { "accept", 'b' }, { "note", 's' }, { NULL, 0 } };
    if (!body_ok(r, keys)) {
        return;
    }
    json_t *accept = json_object_get(r->json, "accept");
    if (!json_is_boolean(accept)) {
        wm_reply_err(r, WM_E_BAD_REQUEST, "accept", _("请说明是否通过验收（accept: true/false）"));
        return;
    }
    struct wm_fail f = { 0 };
    reply_change(r,
                 wm_rect_verify(r->db, &r->actor, r->ids[0], json_is_true(accept),
                                jtext(r, "note"), &f),
                 &f);
}

void
api_rectification_close_post(struct wm_req *r)
{
    static const struct key keys[] = { { "note", 's' }, { NULL, 0 } };
    if (!body_ok(r, keys)) {
        return;
    }
    struct wm_fail f = { 0 };
    reply_change(r, wm_rect_close(r->db, &r->actor, r->ids[0], jtext(r, "note"), &f), &f);
}

/* ---------------------------------------------------------------- evidence */

void
api_rectification_evidence_post(struct wm_req *r)
{
    struct wm_fail f = { 0 };
    enum wm_err e;
    if (r->json) {
        static const struct key keys[] = { { "document_id", 'i' }, { NULL, 0 } };
        if (!body_ok(r, keys)) {
            return;
        }
        e = wm_rect_evidence_link(r->db, &r->actor, r->ids[0], wm_jint(r, "document_id", 0), &f);
    } else {
        /* Scope and right before the files are committed: a refused upload stores nothing. */
        json_t *item = wm_rect_get(r->db, &r->actor, r->ids[0], &f);
        if (NULL == item) {
            wm_reply_fail(r, &f);
            return;
        }
        unsigned may = wm_rect_may(&r->actor, item);
        json_decref(item);
        if (0 == (may & WM_RECT_MAY_ANSWER)) {
            wm_reply_err(r, WM_E_FORBIDDEN, NULL, _("只有责任科室或单位管理员可以办理该整改项"));
            return;
        }
        if (!ui_rect_evidence_files(r, r->ids[0], &f, &e)) {
            return;
        }
    }
    if (WM_OK != e) {
        wm_reply_fail(r, &f);
        return;
    }
    reply_item(r, r->ids[0], 201);
}

/* end of api_work_rect.c */
