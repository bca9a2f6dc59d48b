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

/* end of api_rounds.c */
