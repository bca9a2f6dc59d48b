/*
** api_review.c — the review of documents over JSON (issue 9): submit one document, a leaf
** or a selection; approve or return (with guidance) one document or approve many; a
** document's history; the office's queue.  The rules are src/core/review.c's.
*/
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "handlers.h"

/* The body's "ids" (an array of integers, the only key besides those in extra); NULL
** when a 400 has been queued.  *n how many; caller frees. */
static int64_t *
body_ids(struct wm_req *r, size_t *n, const char *extra)
{
    json_t *ids = json_object_get(r->json, "ids");
    size_t keys = 1 + (extra && json_object_get(r->json, extra) ? 1 : 0);
    if (!json_is_array(ids) || keys != json_object_size(r->json)) {
        wm_reply_err(r, WM_E_BAD_REQUEST, "ids", _("请提交 {\"ids\": [文件编号, ...]}"));
        return NULL;
    }
    size_t i;
    json_t *v;
    *n = json_array_size(ids);
    int64_t *arr = wm_calloc(*n ? *n : 1, sizeof *arr);
    json_array_foreach(ids, i, v)
    {
        if (!json_is_integer(v)) {
            free(arr);
            wm_reply_err(r, WM_E_BAD_REQUEST, "ids", _("ids 须为整数"));
            return NULL;
        }
        arr[i] = json_integer_value(v);
    }
    return arr;
}

/* The document after a change, as GET /documents/{id} shows it. */
static void
reply_doc(struct wm_req *r)
{
    json_t *d = wm_req_document(r);
    if (d) {
        wm_reply_json(r, 200, wm_api_doc(d, js(d, "unit_code"), ji(d, "year")));
    }
}

void
api_document_submit(struct wm_req *r)
{
    struct wm_fail f = {0};
    if (WM_OK != wm_review_submit(r->db, &r->actor, &r->ids[0], 1, &f)) {
        wm_reply_fail(r, &f);
        return;
    }
    reply_doc(r);
}

void
api_document_approve(struct wm_req *r)
{
    struct wm_fail f = {0};
    if (WM_OK != wm_review_verdict(r->db, &r->actor, &r->ids[0], 1, true, NULL, &f)) {
        wm_reply_fail(r, &f);
        return;
    }
    reply_doc(r);
}

void
api_document_return(struct wm_req *r)
{
    /* Guidance is text of several lines: checked by the core, not as a one-line field. */
    json_t *c = json_object_get(r->json, "comment");
    if (json_object_size(r->json) > (c ? 1u : 0u) ||
        (c && (!json_is_string(c) || strlen(json_string_value(c)) != json_string_length(c)))) {
        wm_reply_err(r, WM_E_BAD_REQUEST, "comment", _("请提交 {\"comment\": 指导意见}"));
        return;
    }
    struct wm_fail f = {0};
    if (WM_OK != wm_review_verdict(r->db, &r->actor, &r->ids[0], 1, false,
                                   wm_jstr(r, "comment"), &f)) {
        wm_reply_fail(r, &f);
        return;
    }
    reply_doc(r);
}

void
api_leaf_submit(struct wm_req *r)
{
    json_t *ar = wm_req_archive(r);
    if (NULL == ar) {
        return;
    }
    struct wm_fail f = {0};
    size_t n = 0;
    if (WM_OK != wm_review_submit_leaf(r->db, &r->actor, ar, r->segs[0], &n, &f)) {
        wm_reply_fail(r, &f);
    } else {
        wm_reply_json(r, 200, json_pack("{s:b, s:I}", "ok", 1, "submitted", (json_int_t)n));
    }
    json_decref(ar);
}

void
api_reviews_submit(struct wm_req *r)
{
    size_t n = 0;
    int64_t *ids = body_ids(r, &n, NULL);
    if (NULL == ids) {
        return;
    }
    struct wm_fail f = {0};
    if (WM_OK != wm_review_submit(r->db, &r->actor, ids, n, &f)) {
        wm_reply_fail(r, &f);
    } else {
        wm_reply_json(r, 200, json_pack("{s:b, s:I}", "ok", 1, "submitted", (json_int_t)n));
    }
    free(ids);
}

/* Approve or return many documents with one comment (required to return). */
static void
reviews_verdict(struct wm_req *r, bool approve)
{
    size_t n = 0;
    int64_t *ids = body_ids(r, &n, "comment");
    if (NULL == ids) {
        return;
    }
    json_t *c = json_object_get(r->json, "comment");
    if (c && (!json_is_string(c) || strlen(json_string_value(c)) != json_string_length(c))) {
        free(ids);
        wm_reply_err(r, WM_E_BAD_REQUEST, "comment", _("comment 须为文本"));
        return;
    }
    struct wm_fail f = {0};
    if (WM_OK != wm_review_verdict(r->db, &r->actor, ids, n, approve, json_string_value(c), &f)) {
        wm_reply_fail(r, &f);
    } else {
        wm_reply_json(r, 200, json_pack("{s:b, s:I}", "ok", 1, approve ? "approved" : "returned",
                                        (json_int_t)n));
    }
    free(ids);
}

void
api_reviews_approve(struct wm_req *r)
{
    reviews_verdict(r, true);
}

void
api_reviews_return(struct wm_req *r)
{
    reviews_verdict(r, false);
}

void
api_document_history(struct wm_req *r)
{
    struct wm_fail f = {0};
    json_t *h = wm_review_history(r->db, &r->actor, r->ids[0], &f);
    if (NULL == h) {
        wm_reply_fail(r, &f);
        return;
    }
    wm_api_versions(json_object_get(h, "versions"));
    wm_api_review_events(json_object_get(h, "events"));
    wm_reply_json(r, 200, h);
}

void
api_reviews_get(struct wm_req *r)
{
    struct wm_review_query q = {
        .state = wm_req_arg(r, "state"),
        .indicator = wm_req_arg(r, "indicator"),
        .media = wm_req_arg(r, "media"),
        .unit_type = wm_req_arg(r, "unit_type"),
    };
    if (!wm_req_int(r, "unit", 0, INT64_MAX, &q.unit_id) ||
        !wm_req_int(r, "district", 0, INT64_MAX, &q.district_id) ||
        !wm_req_int(r, "submitter", 0, INT64_MAX, &q.submitter) ||
        !wm_req_int(r, "age", 0, 36500, &q.age_days) ||
        !wm_req_int(r, "age_max", 0, 36500, &q.age_max_days) ||
        !wm_req_window(r, 50, &q.limit, &q.offset)) {
        return;
    }
    struct wm_fail f = {0};
    json_t *rows = wm_review_queue(r->db, &r->actor, &q, &f);
    if (NULL == rows) {
        wm_reply_fail(r, &f);
        return;
    }
    wm_reply_json(r, 200, wm_api_window(wm_api_review_queue(rows), q.limit, q.offset));
}

/* ---------------------------------------------------------------- office settings */

/* Times of a settings answer as RFC 3339 (own.updated_at). */
static json_t *
settings_repr(json_t *s)
{
    json_t *own = json_object_get(s, "own");
    json_t *at = json_object_get(own, "updated_at");
    if (json_is_integer(at)) {
        char t[32];
        wm_time_rfc3339(json_integer_value(at), t);
        json_object_set_new(own, "updated_at", json_string(t));
    }
    return s;
}

void
api_org_review_settings_get(struct wm_req *r)
{
    struct wm_fail f = {0};
    json_t *s = wm_office_settings_get(r->db, &r->actor, r->ids[0], &f);
    wm_reply_read(r, 200, s ? settings_repr(s) : NULL, &f);
}

void
api_org_review_settings_put(struct wm_req *r)
{
    static const struct wm_jfield spec[] = {
        {"offset_days", WM_J_INT, false, WM_SCHED_OFFSET_MAX},
        {"count_submitted", WM_J_BOOL, false, 0},
        {"returns_limit", WM_J_INT, false, WM_RETURNS_LIMIT_MAX},
        {NULL, 0, false, 0},
    };
    if (!wm_json_check(r, spec)) {
        return;
    }
    struct wm_fail f = {0};
    json_t *cur = wm_office_settings_get(r->db, &r->actor, r->ids[0], &f);
    if (NULL == cur) {
        wm_reply_fail(r, &f);
        return;
    }
    /* what the body leaves out stays as it is in effect now */
    json_t *eff = json_object_get(cur, "effective");
    struct wm_review_settings in = {
        .offset_days = (int)wm_jint(r, "offset_days", ji(eff, "offset_days")),
        .count_submitted = json_object_get(r->json, "count_submitted")
                               ? json_is_true(json_object_get(r->json, "count_submitted"))
                               : json_is_true(json_object_get(eff, "count_submitted")),
        .returns_limit = (int)wm_jint(r, "returns_limit", ji(eff, "returns_limit")),
    };
    json_decref(cur);
    if (WM_OK != wm_office_settings_set(r->db, &r->actor, r->ids[0], &in, &f)) {
        wm_reply_fail(r, &f);
        return;
    }
    json_t *s = wm_office_settings_get(r->db, &r->actor, r->ids[0], &f);
    wm_reply_read(r, 200, s ? settings_repr(s) : NULL, &f);
}

/* end of api_review.c */
