/*
** api_scoring.c — score sheets over JSON (测评评分, issue 10): the caller's sheet of an
** entry, one leaf's score (PUT), many at once (POST: the offline draft), submission, the
** leader's reopen, the round's progress, the reconciliation with the leader's decisions,
** and the lock.  The rules are src/core/scoring.c's; the representations repr.c's
** (wm_api_sheet, wm_api_score, wm_api_progress, wm_api_reconcile).
**
** The batch (POST …/sheet) applies per leaf: every valid leaf is saved, every refused one
** is reported ({saved, refused, results: [{code, status, error, field}], submitted}); the
** answer is 200 even when some leaves were refused, so that an offline draft keeps what it
** could not save and shows why.
*/
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "handlers.h"

/* The round of r->ids[0] the caller sees, or NULL (replied). */
static json_t *
round_of(struct wm_req *r)
{
    struct wm_fail f = { 0 };
    json_t *round = wm_round_get_scoped(r->db, &r->actor, r->ids[0], &f);
    if (NULL == round) {
        wm_reply_fail(r, &f);
    }
    return round;
}

static void
reply_sheet(struct wm_req *r, json_t *round, unsigned status)
{
    struct wm_fail f = { 0 };
    json_t *v = wm_sheet_view(r->db, &r->actor, round, r->ids[1], &f);
    wm_reply_read(r, status, wm_api_sheet(v), &f);
}

void
api_sheet_get(struct wm_req *r)
{
    json_t *round = round_of(r);
    if (round) {
        reply_sheet(r, round, 200);
        json_decref(round);
    }
}

void
api_sheet_score_put(struct wm_req *r)
{
    json_t *round = round_of(r);
    if (NULL == round) {
        return;
    }
    struct wm_fail f = { 0 };
    json_t *out = NULL;
    if (WM_OK != wm_score_set(r->db, &r->actor, round, r->ids[1], r->segs[0], r->json, &out, &f)) {
        wm_reply_fail(r, &f);
    } else {
        wm_reply_json(r, 200, wm_api_score(out));
    }
    json_decref(round);
}

void
api_sheet_post(struct wm_req *r)
{
    json_t *round = round_of(r);
    if (NULL == round) {
        return;
    }
    struct wm_fail f = { 0 };
    json_t *report = NULL;
    if (WM_OK != wm_score_batch(r->db, &r->actor, round, r->ids[1], r->json, &report, &f)) {
        wm_reply_fail(r, &f);
    } else {
        wm_reply_json(r, 200, report);
    }
    json_decref(round);
}

void
api_sheet_submit_post(struct wm_req *r)
{
    json_t *round = round_of(r);
    if (NULL == round) {
        return;
    }
    struct wm_fail f = { 0 };
    if (WM_OK != wm_sheet_submit(r->db, &r->actor, round, r->ids[1], &f)) {
        wm_reply_fail(r, &f);
    } else {
        reply_sheet(r, round, 200);
    }
    json_decref(round);
}

void
api_sheet_reopen_post(struct wm_req *r)
{
    json_t *round = round_of(r);
    if (NULL == round) {
        return;
    }
    struct wm_fail f = { 0 };
    if (WM_OK != wm_sheet_reopen(r->db, &r->actor, round, r->ids[1], r->ids[2], &f)) {
        wm_reply_fail(r, &f);
    } else {
        json_t *v = wm_reconcile_view(r->db, &r->actor, round, r->ids[1], &f);
        wm_reply_read(r, 200, wm_api_reconcile(v), &f);
    }
    json_decref(round);
}

void
api_round_progress_get(struct wm_req *r)
{
    json_t *round = round_of(r);
    if (NULL == round) {
        return;
    }
    struct wm_fail f = { 0 };
    json_t *p = wm_round_progress(r->db, &r->actor, round, &f);
    wm_reply_read(r, 200, wm_api_progress(p), &f);
    json_decref(round);
}

void
api_reconcile_get(struct wm_req *r)
{
    json_t *round = round_of(r);
    if (NULL == round) {
        return;
    }
    struct wm_fail f = { 0 };
    json_t *v = wm_reconcile_view(r->db, &r->actor, round, r->ids[1], &f);
    wm_reply_read(r, 200, wm_api_reconcile(v), &f);
    json_decref(round);
}

void
api_reconcile_post(struct wm_req *r)
{
    json_t *round = round_of(r);
    if (NULL == round) {
        return;
    }
    struct wm_fail f = { 0 };
    if (WM_OK != wm_reconcile_decide(r->db, &r->actor, round, r->ids[1], r->json, &f)) {
        wm_reply_fail(r, &f);
    } else {
        json_t *v = wm_reconcile_view(r->db, &r->actor, round, r->ids[1], &f);
        wm_reply_read(r, 200, wm_api_reconcile(v), &f);
    }
    json_decref(round);
}

void
api_entry_lock_post(struct wm_req *r)
{
    json_t *round = round_of(r);
    if (NULL == round) {
        return;
    }
    struct wm_fail f = { 0 };
    if (WM_OK != wm_entry_lock(r->db, &r->actor, round, r->ids[1], &f)) {
        wm_reply_fail(r, &f);
    } else {
        json_t *v = wm_reconcile_view(r->db, &r->actor, round, r->ids[1], &f);
        wm_reply_read(r, 200, wm_api_reconcile(v), &f);
    }
    json_decref(round);
}

void
api_entry_unlock_post(struct wm_req *r)
{
    json_t *round = round_of(r);
    if (NULL == round) {
        return;
    }
    json_t *why = json_object_get(r->json, "reason");
    struct wm_fail f = { 0 };
    if (WM_OK != wm_entry_unlock(r->db, &r->actor, round, r->ids[1], json_string_value(why), &f)) {
        wm_reply_fail(r, &f);
    } else {
        json_t *v = wm_reconcile_view(r->db, &r->actor, round, r->ids[1], &f);
        wm_reply_read(r, 200, wm_api_reconcile(v), &f);
    }
    json_decref(round);
}

/* end of api_scoring.c */
