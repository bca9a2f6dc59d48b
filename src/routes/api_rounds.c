/*
** api_rounds.c — evaluation rounds over JSON (测评, issue 10): the rounds the caller sees,
** create, read, change, move between states; the entries (申报, 复查) with the declaration
** flow; the declaration statistics.  The rules are src/core/rounds.c's; the
** representations are repr.c's (wm_api_round, wm_api_entry).
*/
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "handlers.h"

/* ---------------------------------------------------------------- rounds */

void
api_rounds_get(struct wm_req *r)
{
    unsigned limit = 0, offset = 0;
    if (!wm_req_window(r, 100, &limit, &offset)) {
        return;
    }
    struct wm_fail f = {0};
    json_t *rows = wm_round_list(r->db, &r->actor, wm_req_arg(r, "state"), limit, offset, &f);
    if (NULL == rows) {
        wm_reply_fail(r, &f);
        return;
    }
    wm_reply_json(r, 200, wm_api_window(wm_api_rounds(rows), limit, offset));
}

void
api_rounds_post(struct wm_req *r)
{
    struct wm_fail f = {0};
    int64_t id = 0;
    if (WM_OK != wm_round_create(r->db, &r->actor, r->json, &id, &f)) {
        wm_reply_fail(r, &f);
        return;
    }
    json_t *round = wm_round_get_scoped(r->db, &r->actor, id, &f);
    wm_reply_read(r, 201, wm_api_round(round), &f);
}

void
api_round_get(struct wm_req *r)
{
    struct wm_fail f = {0};
    json_t *round = wm_round_get_scoped(r->db, &r->actor, r->ids[0], &f);
    wm_reply_read(r, 200, wm_api_round(round), &f);
}

void
api_round_patch(struct wm_req *r)
{
    struct wm_fail f = {0};
    if (WM_OK != wm_round_update(r->db, &r->actor, r->ids[0], r->json, &f)) {
        wm_reply_fail(r, &f);
        return;
    }
    json_t *round = wm_round_get_scoped(r->db, &r->actor, r->ids[0], &f);
    wm_reply_read(r, 200, wm_api_round(round), &f);
}

void
api_round_state_post(struct wm_req *r)
{
    json_t *to = json_object_get(r->json, "to"), *why = json_object_get(r->json, "reason");
    if (!json_is_string(to) || (why && !json_is_null(why) && !json_is_string(why))) {
        wm_reply_err(r, WM_E_BAD_REQUEST, "to", _("请提交 {\"to\": 目标状态, \"reason\": 原因}"));
        return;
    }
    struct wm_fail f = {0};
    if (WM_OK != wm_round_transition(r->db, &r->actor, r->ids[0], json_string_value(to),
                                     json_string_value(why), &f)) {
        wm_reply_fail(r, &f);
        return;
    }
    json_t *round = wm_round_get_scoped(r->db, &r->actor, r->ids[0], &f);
    wm_reply_read(r, 200, wm_api_round(round), &f);
}

/* ---------------------------------------------------------------- entries */

/* The round ids[0] the caller sees; NULL: replied (404). */
static json_t *
req_round(struct wm_req *r)
{
    struct wm_fail f = {0};
    json_t *round = wm_round_get_scoped(r->db, &r->actor, r->ids[0], &f);
    if (NULL == round) {
        wm_reply_fail(r, &f);
    }
    return round;
}

void
api_round_entries_get(struct wm_req *r)
{
    unsigned limit = 0, offset = 0;
    if (!wm_req_window(r, 200, &limit, &offset)) {
        return;
    }
    json_t *round = req_round(r);
    if (NULL == round) {
        return;
    }
    struct wm_entry_filter flt = {.state = wm_req_arg(r, "state"),
                                  .kind = wm_req_arg(r, "kind"),
                                  .unit_type = wm_req_arg(r, "unit_type"),
                                  .limit = limit,
                                  .offset = offset};
    flt.state = flt.state && *flt.state ? flt.state : NULL;
    flt.kind = flt.kind && *flt.kind ? flt.kind : NULL;
    flt.unit_type = flt.unit_type && *flt.unit_type ? flt.unit_type : NULL;
    struct wm_fail f = {0};
    json_t *rows = wm_entry_list(r->db, &r->actor, round, &flt, &f);
    json_decref(round);
    if (NULL == rows) {
        wm_reply_fail(r, &f);
        return;
    }
    wm_reply_json(r, 200, wm_api_window(wm_api_entries(rows), limit, offset));
}

void
api_round_entry_get(struct wm_req *r)
{
    json_t *round = req_round(r);
    if (NULL == round) {
        return;
    }
    struct wm_fail f = {0};
    json_t *e = wm_entry_get_scoped(r->db, &r->actor, round, r->ids[1], true, &f);
    json_decref(round);
    wm_reply_read(r, 200, wm_api_entry(e), &f);
}

void
api_round_declaration_get(struct wm_req *r)
{
    json_t *round = req_round(r);
    if (NULL == round) {
        return;
    }
    struct wm_fail f = {0};
    json_t *e = wm_entry_own(r->db, &r->actor, round, true, &f);
    json_decref(round);
    wm_reply_read(r, 200, wm_api_entry(e), &f);
}

void
api_round_declaration_put(struct wm_req *r)
{
    json_t *round = req_round(r);
    if (NULL == round) {
        return;
    }
    struct wm_fail f = {0};
    int64_t id = 0;
    if (WM_OK != wm_entry_save(r->db, &r->actor, round, r->json, &id, &f)) {
        wm_reply_fail(r, &f);
    } else {
        json_t *e = wm_entry_get_scoped(r->db, &r->actor, round, id, true, &f);
        wm_reply_read(r, 200, wm_api_entry(e), &f);
    }
    json_decref(round);
}

/* POST /api/v1/rounds/{id}/entries/{id}/ACTION with {rank, note} (recommend) or {reason}. */
static void
entry_act(struct wm_req *r, const char *action)
{
    json_t *body = r->json ? r->json : NULL;
    json_t *rank = json_object_get(body, "rank");
    json_t *text = json_object_get(body, wm_streq(action, "recommend") ? "note" : "reason");
    if ((rank && !json_is_integer(rank)) || (text && !json_is_null(text) && !json_is_string(text))) {
        wm_reply_err(r, WM_E_BAD_REQUEST, rank && !json_is_integer(rank) ? "rank" : "reason",
                     _("rank 须为整数，note、reason 须为文本"));
        return;
    }
    json_t *round = req_round(r);
    if (NULL == round) {
        return;
    }
    struct wm_fail f = {0};
    if (WM_OK != wm_entry_act(r->db, &r->actor, round, r->ids[1], action,
                              rank ? json_integer_value(rank) : 0, json_string_value(text), &f)) {
        wm_reply_fail(r, &f);
    } else {
        json_t *e = wm_entry_get_scoped(r->db, &r->actor, round, r->ids[1], true, &f);
        wm_reply_read(r, 200, wm_api_entry(e), &f);
    }
    json_decref(round);
}

void
api_round_entry_declare_post(struct wm_req *r)
{
    entry_act(r, "declare");
}

void
api_round_entry_withdraw_post(struct wm_req *r)
{
    entry_act(r, "withdraw");
}

void
api_round_entry_recommend_post(struct wm_req *r)
{
    entry_act(r, "recommend");
}

void
api_round_entry_accept_post(struct wm_req *r)
{
    entry_act(r, "accept");
}

void
api_round_entry_reject_post(struct wm_req *r)
{
    entry_act(r, "reject");
}

/* ---------------------------------------------------------------- statistics */

void
api_round_stats_get(struct wm_req *r)
{
    json_t *round = req_round(r);
    if (NULL == round) {
        return;
    }
    struct wm_fail f = {0};
    json_t *st = wm_round_stats(r->db, &r->actor, round, &f);
    json_decref(round);
    wm_reply_read(r, 200, st, &f);
}

void
api_round_stats_xlsx_get(struct wm_req *r)
{
    json_t *round = req_round(r);
    if (NULL == round) {
        return;
    }
    struct wm_fail f = {0};
    json_t *st = wm_round_stats(r->db, &r->actor, round, &f);
    if (NULL == st) {
        wm_reply_fail(r, &f);
    } else {
        ui_round_stats_xlsx(r, round, st);
    }
    json_decref(st);
    json_decref(round);
}

/* end of api_rounds.c */
