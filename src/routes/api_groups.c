/*
** api_groups.c — a round's evaluation groups (测评组), assignments and visits over JSON
** (issue 10): the same operations as page_groups.c, for scripts.  The rules are
** src/core/groups.c's; the representations repr.c's (wm_api_group, wm_api_visit).
*/
#include "config.h"

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

/* The round ids[0] if the caller sees it (404) and runs it (403), as the core asks before
** it looks at the body; false: replied. */
static bool
owner_first(struct wm_req *r)
{
    json_t *round = req_round(r);
    if (NULL == round) {
        return false;
    }
    bool own = wm_round_is_owner(&r->actor, round);
    json_decref(round);
    if (!own) {
        wm_reply_err(r, WM_E_FORBIDDEN, NULL, _("只有组织测评的文明办可以管理测评组"));
    }
    return own;
}

/* The group gid of the round as the caller sees it (a row of wm_group_list, with its
** members and entries); NULL: replied (404, or the failure). */
static json_t *
group_of(struct wm_req *r, const json_t *round, int64_t gid)
{
    struct wm_fail f = { 0 };
    json_t *gs = wm_group_list(r->db, &r->actor, round, &f);
    if (NULL == gs) {
        wm_reply_fail(r, &f);
        return NULL;
    }
    json_t *found = NULL;
    size_t i;
    json_t *g;
    json_array_foreach(gs, i, g)
    {
        if (json_integer_value(json_object_get(g, "id")) == gid) {
            found = json_incref(g);
        }
    }
    json_decref(gs);
    if (NULL == found) {
        wm_reply_err(r, WM_E_NOT_FOUND, NULL, _("测评组不存在"));
    }
    return found;
}

/* Reply status with the group gid of the round ids[0]. */
static void
reply_group(struct wm_req *r, unsigned status, int64_t gid)
{
    json_t *round = req_round(r);
    if (NULL == round) {
        return;
    }
    json_t *g = group_of(r, round, gid);
    json_decref(round);
    if (g) {
        wm_reply_json(r, status, wm_api_group(g));
    }
}

/* GET /api/v1/rounds/{id}/groups: {items: [group]} (office staff: all; evaluators: theirs) */
void
api_round_groups_get(struct wm_req *r)
{
    json_t *round = req_round(r);
    if (NULL == round) {
        return;
    }
    struct wm_fail f = { 0 };
    json_t *gs = wm_group_list(r->db, &r->actor, round, &f);
    json_decref(round);
    if (NULL == gs) {
        wm_reply_fail(r, &f);
        return;
    }
    wm_reply_json(r, 200, json_pack("{s:o}", "items", wm_api_groups(gs)));
}

/* POST /api/v1/rounds/{id}/groups {name, leader_id}: 201 the group */
void
api_round_groups_post(struct wm_req *r)
{
    static const struct wm_jfield spec[] = {
        { "name", WM_J_STR, true, 100 },
        { "leader_id", WM_J_INT, true, INT64_MAX },
        { NULL },
    };
    if (!owner_first(r)) {
        return;
    }
    if (!wm_json_check(r, spec)) {
        return;
    }
    struct wm_fail f = { 0 };
    int64_t id = 0;
    if (WM_OK != wm_group_create(r->db, &r->actor, r->ids[0], wm_jstr(r, "name"),
                                 wm_jint(r, "leader_id", 0), &id, &f)) {
        wm_reply_fail(r, &f);
        return;
    }
    reply_group(r, 201, id);
}

/* PATCH /api/v1/rounds/{id}/groups/{id} {name?, leader_id?}: the group */
void
api_round_group_patch(struct wm_req *r)
{
    static const struct wm_jfield spec[] = {
        { "name", WM_J_STR, false, 100 },
        { "leader_id", WM_J_INT, false, INT64_MAX },
        { NULL },
    };
    if (!owner_first(r)) {
        return;
    }
    if (!wm_json_check(r, spec)) {
        return;
    }
    json_t *round = req_round(r);
    if (NULL == round) {
        return;
    }
    json_t *g = group_of(r, round, r->ids[1]);
    json_decref(round);
    if (NULL == g) {
        return;
    }
    const char *name = wm_jstr(r, "name");
    const char *was = json_string_value(json_object_get(g, "name"));
    char *keep = wm_strdup(name ? name : was ? was : "");
    int64_t leader = wm_jint(r, "leader_id", json_integer_value(json_object_get(g, "leader_id")));
    json_decref(g);
    struct wm_fail f = { 0 };
    enum wm_err e = wm_group_update(r->db, &r->actor, r->ids[0], r->ids[1], keep, leader, &f);
    free(keep);
    if (WM_OK != e) {
        wm_reply_fail(r, &f);
        return;
    }
    reply_group(r, 200, r->ids[1]);
}

/* DELETE /api/v1/rounds/{id}/groups/{id}: {"deleted": id}; its entries return to no group */
void
api_round_group_delete(struct wm_req *r)
{
    struct wm_fail f = { 0 };
    if (WM_OK != wm_group_delete(r->db, &r->actor, r->ids[0], r->ids[1], &f)) {
        wm_reply_fail(r, &f);
        return;
    }
    wm_reply_json(r, 200, json_pack("{s:I}", "deleted", (json_int_t)r->ids[1]));
}

/* POST /api/v1/rounds/{id}/groups/{id}/members {user_id, remove?}: the group */
void
api_round_group_members_post(struct wm_req *r)
{
    static const struct wm_jfield spec[] = {
        { "user_id", WM_J_INT, true, INT64_MAX },
        { "remove", WM_J_BOOL, false, 0 },
        { NULL },
    };
    if (!owner_first(r)) {
        return;
    }
    if (!wm_json_check(r, spec)) {
        return;
    }
    bool remove = json_is_true(json_object_get(r->json, "remove"));
    struct wm_fail f = { 0 };
    if (WM_OK != wm_group_member(r->db, &r->actor, r->ids[0], r->ids[1], wm_jint(r, "user_id", 0),
                                 !remove, &f)) {
        wm_reply_fail(r, &f);
        return;
    }
    reply_group(r, 200, r->ids[1]);
}

/* POST /api/v1/rounds/{id}/entries/{id}/group {group_id (0 or null: none)}: the entry */
void
api_round_entry_group_post(struct wm_req *r)
{
    if (!owner_first(r)) {
        return;
    }
    json_t *gid = json_object_get(r->json, "group_id");
    if (!json_is_object(r->json) || json_object_size(r->json) != 1 ||
        !(json_is_integer(gid) || json_is_null(gid)) ||
        (json_is_integer(gid) && json_integer_value(gid) < 0)) {
        wm_reply_err(r, WM_E_BAD_REQUEST, "group_id",
                     _("请提交 {\"group_id\": 测评组编号或 null}"));
        return;
    }
    struct wm_fail f = { 0 };
    if (WM_OK != wm_entry_assign(r->db, &r->actor, r->ids[0], r->ids[1],
                                 json_is_integer(gid) ? json_integer_value(gid) : 0, &f)) {
        wm_reply_fail(r, &f);
        return;
    }
    json_t *round = req_round(r);
    if (NULL == round) {
        return;
    }
    json_t *e = wm_entry_get_scoped(r->db, &r->actor, round, r->ids[1], false, &f);
    json_decref(round);
    if (NULL == e) {
        wm_reply_fail(r, &f);
        return;
    }
    wm_reply_json(r, 200, wm_api_entry(e));
}

/* ---------------------------------------------------------------- visits */

/* A visit's start from the body: "YYYY-MM-DDTHH:MM[:SS]" in China Standard Time, with or
** without the offset "+08:00"; 0 when absent or not such a time (the core says why). */
static int64_t
body_time(struct wm_req *r)
{
    const char *s = wm_jstr(r, "starts_at");
    if (NULL == s) {
        return 0;
    }
    char t[32];
    size_t n = strlen(s);
    if (n >= sizeof t) {
        return 0;
    }
    memcpy(t, s, n + 1);
    if (n > 6 && 0 == strcmp(t + n - 6, "+08:00")) {
        t[n - 6] = '\0';
    }
    return wm_cst_parse(t);
}

/* A string member of the body, "" when absent. */
static const char *
opt_str(struct wm_req *r, const char *name)
{
    const char *s = wm_jstr(r, name);
    return s ? s : "";
}

/* The visit vid of the round as the caller sees it; NULL: replied. */
static json_t *
visit_of(struct wm_req *r, int64_t vid)
{
    json_t *round = req_round(r);
    if (NULL == round) {
        return NULL;
    }
    struct wm_fail f = { 0 };
    json_t *vs = wm_visit_list(r->db, &r->actor, round, false, &f);
    json_decref(round);
    if (NULL == vs) {
        wm_reply_fail(r, &f);
        return NULL;
    }
    json_t *found = NULL;
    size_t i;
    json_t *v;
    json_array_foreach(vs, i, v)
    {
        if (json_integer_value(json_object_get(v, "id")) == vid) {
            found = json_incref(v);
        }
    }
    json_decref(vs);
    if (NULL == found) {
        wm_reply_err(r, WM_E_NOT_FOUND, NULL, _("走访安排不存在"));
    }
    return found;
}

static void
reply_visit(struct wm_req *r, unsigned status, int64_t vid)
{
    json_t *v = visit_of(r, vid);
    if (v) {
        wm_reply_json(r, status, wm_api_visit(v));
    }
}

static const struct wm_jfield visit_spec[] = {
    { "entry_id", WM_J_INT, false, INT64_MAX },
    { "starts_at", WM_J_STR, false, 32 },
    { "place", WM_J_STR, false, 200 },
    { "note", WM_J_STR, false, 1000 },
    { NULL },
};

/* GET /api/v1/rounds/{id}/visits: {items: [visit]} by start (?upcoming=1: scheduled ones
** from now on) */
void
api_round_visits_get(struct wm_req *r)
{
    json_t *round = req_round(r);
    if (NULL == round) {
        return;
    }
    const char *up = wm_req_arg(r, "upcoming");
    struct wm_fail f = { 0 };
    json_t *vs = wm_visit_list(r->db, &r->actor, round, up && 0 == strcmp(up, "1"), &f);
    json_decref(round);
    if (NULL == vs) {
        wm_reply_fail(r, &f);
        return;
    }
    wm_reply_json(r, 200, json_pack("{s:o}", "items", wm_api_visits(vs)));
}

/* POST /api/v1/rounds/{id}/visits {entry_id, starts_at, place?, note?}: 201 the visit */
void
api_round_visits_post(struct wm_req *r)
{
    if (!wm_json_check(r, visit_spec)) {
        return;
    }
    struct wm_fail f = { 0 };
    int64_t id = 0;
    if (WM_OK != wm_visit_schedule(r->db, &r->actor, r->ids[0], wm_jint(r, "entry_id", 0),
                                   body_time(r), opt_str(r, "place"), opt_str(r, "note"), &id,
                                   &f)) {
        wm_reply_fail(r, &f);
        return;
    }
    reply_visit(r, 201, id);
}

/* PATCH /api/v1/rounds/{id}/visits/{id} {starts_at, place?, note?}: the visit */
void
api_round_visit_patch(struct wm_req *r)
{
    if (!wm_json_check(r, visit_spec)) {
        return;
    }
    if (json_object_get(r->json, "entry_id")) {
        wm_reply_err(r, WM_E_BAD_REQUEST, "entry_id", _("走访的单位不能修改"));
        return;
    }
    json_t *v = visit_of(r, r->ids[1]);
    if (NULL == v) {
        return;
    }
    const char *place = wm_jstr(r, "place"), *note = wm_jstr(r, "note");
    const char *was_place = json_string_value(json_object_get(v, "place"));
    const char *was_note = json_string_value(json_object_get(v, "note"));
    char *p = wm_strdup(place ? place : was_place ? was_place : "");
    char *n = wm_strdup(note ? note : was_note ? was_note : "");
    int64_t at = wm_jstr(r, "starts_at") ? body_time(r)
                                         : json_integer_value(json_object_get(v, "starts_at"));
    json_decref(v);
    struct wm_fail f = { 0 };
    enum wm_err e = wm_visit_reschedule(r->db, &r->actor, r->ids[0], r->ids[1], at, p, n, &f);
    free(p);
    free(n);
    if (WM_OK != e) {
        wm_reply_fail(r, &f);
        return;
    }
    reply_visit(r, 200, r->ids[1]);
}

/* POST /api/v1/rounds/{id}/visits/{id}/cancel: the visit (cancelled) */
void
api_round_visit_cancel_post(struct wm_req *r)
{
    struct wm_fail f = { 0 };
    if (WM_OK != wm_visit_cancel(r->db, &r->actor, r->ids[0], r->ids[1], &f)) {
        wm_reply_fail(r, &f);
        return;
    }
    reply_visit(r, 200, r->ids[1]);
}

/* end of api_groups.c */
