/*
** api_results.c — a round's results over the API (issue 10): the ranked results with
** filters, one entry's result, the documents (ranking and score sheet, XLSX and PDF), the
** publicity list (公示), objections (异议) and answers, title decisions, rectification
** items opened from deductions (their list and loop: api_work_rect.c).  The rules and who
** sees what are src/core/results.c's.
*/
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "handlers.h"

/* The round ids[0] the caller sees; NULL: replied (404). */
static json_t *
req_round(struct wm_req *r)
{
    struct wm_fail f = { 0 };
    json_t *round = wm_round_get_scoped(r->db, &r->actor, r->ids[0], &f);
    if (NULL == round) {
        wm_reply_fail(r, &f);
    }
    return round;
}

bool
wm_req_results_q(struct wm_req *r, struct wm_results_q *q, unsigned dflt)
{
    memset(q, 0, sizeof *q);
    q->pass = -1;
    if (!wm_req_window(r, dflt, &q->limit, &q->offset)) {
        return false;
    }
    const char *d = wm_req_arg(r, "district"), *t = wm_req_arg(r, "unit_type");
    const char *p = wm_req_arg(r, "pass");
    if (d && *d) {
        char *end = NULL;
        long long v = strtoll(d, &end, 10);
        if (!end || *end || v <= 0) {
            wm_reply_err(r, WM_E_BAD_REQUEST, "district", _("district 须为辖区的编号"));
            return false;
        }
        q->district_id = v;
    }
    q->unit_type = t && *t ? t : NULL;
    const char *so = wm_req_arg(r, "sort");
    if (so && *so && !wm_streq(so, "rank")) {
        if (!wm_streq(so, "district") && !wm_streq(so, "type") && !wm_streq(so, "code")) {
            wm_reply_err(r, WM_E_BAD_REQUEST, "sort", _("sort 须为 rank、district、type 或 code"));
            return false;
        }
        q->sort = so;
    }
    if (p && *p) {
        if (!wm_streq(p, "1") && !wm_streq(p, "0")) {
            wm_reply_err(r, WM_E_BAD_REQUEST, "pass", _("pass 须为 1（合格）或 0（不合格）"));
            return false;
        }
        q->pass = wm_streq(p, "1") ? 1 : 0;
    }
    return true;
}

void
api_round_results_get(struct wm_req *r)
{
    struct wm_results_q q;
    if (!wm_req_results_q(r, &q, 50)) {
        return;
    }
    json_t *round = req_round(r);
    if (NULL == round) {
        return;
    }
    struct wm_fail f = { 0 };
    json_t *res = wm_results(r->db, &r->actor, round, &q, &f);
    json_decref(round);
    wm_reply_read(r, 200, wm_api_results(res), &f);
}

static void
results_doc(struct wm_req *r, bool pdf)
{
    json_t *round = req_round(r);
    if (NULL == round) {
        return;
    }
    struct wm_results_q q = { .pass = -1, .limit = 100000 };
    struct wm_fail f = { 0 };
    json_t *res = wm_results(r->db, &r->actor, round, &q, &f);
    if (NULL == res) {
        wm_reply_fail(r, &f);
    } else {
        ui_results_doc(r, round, json_object_get(res, "items"), pdf);
    }
    json_decref(res);
    json_decref(round);
}

void
api_round_results_xlsx_get(struct wm_req *r)
{
    results_doc(r, false);
}

void
api_round_results_pdf_get(struct wm_req *r)
{
    results_doc(r, true);
}

void
api_round_entry_result_get(struct wm_req *r)
{
    json_t *round = req_round(r);
    if (NULL == round) {
        return;
    }
    struct wm_fail f = { 0 };
    json_t *row = wm_result_of_entry(r->db, &r->actor, round, r->ids[1], &f);
    json_decref(round);
    wm_reply_read(r, 200, wm_api_result_row(row), &f);
}

static void
sheet_doc(struct wm_req *r, bool pdf)
{
    json_t *round = req_round(r);
    if (NULL == round) {
        return;
    }
    struct wm_fail f = { 0 };
    json_t *row = wm_result_of_entry(r->db, &r->actor, round, r->ids[1], &f);
    if (NULL == row) {
        wm_reply_fail(r, &f);
    } else if (!json_is_true(json_object_get(row, "locked"))) {
        wm_reply_err(r, WM_E_CONFLICT, NULL, _("这个单位的评分尚未锁定"));
    } else {
        ui_sheet_doc(r, round, row, pdf);
    }
    json_decref(row);
    json_decref(round);
}

void
api_round_entry_sheet_xlsx_get(struct wm_req *r)
{
    sheet_doc(r, false);
}

void
api_round_entry_sheet_pdf_get(struct wm_req *r)
{
    sheet_doc(r, true);
}

void
api_round_publicity_get(struct wm_req *r)
{
    json_t *round = req_round(r);
    if (NULL == round) {
        return;
    }
    struct wm_fail f = { 0 };
    json_t *p = wm_publicity(r->db, &r->actor, round, &f);
    json_decref(round);
    wm_reply_read(r, 200, wm_api_results(p), &f);
}

/* ---------------------------------------------------------------- objections */

void
api_round_objections_get(struct wm_req *r)
{
    json_t *round = req_round(r);
    if (NULL == round) {
        return;
    }
    struct wm_fail f = { 0 };
    json_t *l = wm_objection_list(r->db, &r->actor, round, wm_req_arg(r, "state"), &f);
    json_decref(round);
    wm_reply_read(r, 200, l ? wm_api_objections(l) : NULL, &f);
}

void
api_round_objections_post(struct wm_req *r)
{
    json_t *round = req_round(r);
    if (NULL == round) {
        return;
    }
    json_t *text = json_object_get(r->json, "text"), *eid = json_object_get(r->json, "entry_id");
    if (!json_is_string(text) || (eid && !json_is_null(eid) && !json_is_integer(eid))) {
        json_decref(round);
        wm_reply_err(r, WM_E_BAD_REQUEST, "text",
                     _("请提交 {\"text\": 异议内容, \"entry_id\": 所涉单位的申报（可省略）}"));
        return;
    }
    struct wm_fail f = { 0 };
    int64_t id = 0;
    enum wm_err e = wm_objection_lodge(r->db, &r->actor, round,
                                       json_is_integer(eid) ? json_integer_value(eid) : 0,
                                       json_string_value(text), &id, &f);
    json_decref(round);
    if (WM_OK != e) {
        wm_reply_fail(r, &f);
        return;
    }
    wm_reply_read(r, 201, wm_api_objection(r->db->ops->objection_get(r->db, id)), &f);
}

void
api_round_objection_answer_post(struct wm_req *r)
{
    json_t *round = req_round(r);
    if (NULL == round) {
        return;
    }
    json_t *ans = json_object_get(r->json, "answer");
    if (!json_is_string(ans)) {
        json_decref(round);
        wm_reply_err(r, WM_E_BAD_REQUEST, "answer", _("请提交 {\"answer\": 答复}"));
        return;
    }
    struct wm_fail f = { 0 };
    enum wm_err e =
        wm_objection_answer(r->db, &r->actor, round, r->ids[1], json_string_value(ans), &f);
    json_decref(round);
    if (WM_OK != e) {
        wm_reply_fail(r, &f);
        return;
    }
    wm_reply_read(r, 200, wm_api_objection(r->db->ops->objection_get(r->db, r->ids[1])), &f);
}

/* ---------------------------------------------------------------- titles, rectification */

static const char *
jtext(const json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

void
api_round_titles_post(struct wm_req *r)
{
    json_t *round = req_round(r);
    if (NULL == round) {
        return;
    }
    struct wm_titles_in in = { .title = jtext(r->json, "title"),
                               .award_doc = jtext(r->json, "award_doc"),
                               .awarded_on = jtext(r->json, "awarded_on"),
                               .valid_until = jtext(r->json, "valid_until") };
    struct wm_fail f = { 0 };
    json_t *report = NULL;
    enum wm_err e = wm_results_titles(r->db, &r->actor, round, &in, &report, &f);
    json_decref(round);
    if (WM_OK != e) {
        wm_reply_fail(r, &f);
        return;
    }
    wm_reply_json(r, 200, report);
}

void
api_round_rectifications_post(struct wm_req *r)
{
    json_t *round = req_round(r);
    if (NULL == round) {
        return;
    }
    json_t *eid = json_object_get(r->json, "entry_id");
    struct wm_fail f = { 0 };
    int64_t n = 0;
    enum wm_err e = wm_results_rectify(r->db, &r->actor, round,
                                       json_is_integer(eid) ? json_integer_value(eid) : 0,
                                       jtext(r->json, "due_on"), &n, &f);
    json_decref(round);
    if (WM_OK != e) {
        wm_reply_fail(r, &f);
        return;
    }
    wm_reply_json(r, 200, json_pack("{s:I}", "opened", (json_int_t)n));
}

/* end of api_results.c */
