/*
** api_work_plan.c — the creation work (issue 12) over JSON: the unit's settings of it, the
** leadership group and its office (members, duties, the group on a day), the annual plan
** with its stages, and its tasks.  The rules are src/core/work_plan.c's; the
** representations (times RFC 3339) are here.
*/
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "handlers.h"

/* ---------------------------------------------------------------- representations */

static void
rfc3339_of(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    if (json_is_integer(v) && json_integer_value(v) > 0) {
        char t[32];
        wm_time_rfc3339(json_integer_value(v), t);
        json_object_set_new(o, k, json_string(t));
    } else if (v) {
        json_object_set_new(o, k, json_null());
    }
}

static json_t *
repr_member(json_t *m)
{
    rfc3339_of(m, "created_at");
    rfc3339_of(m, "ended_at");
    return m;
}

static json_t *
repr_each(json_t *items, json_t *(*one)(json_t *))
{
    size_t i;
    json_t *x;
    json_array_foreach(items, i, x)
    {
        one(x);
    }
    return items;
}

static json_t *
repr_duty(json_t *d)
{
    if (json_is_object(d)) {
        rfc3339_of(d, "created_at");
    }
    return d;
}

static json_t *
repr_group(json_t *g)
{
    if (NULL == g) {
        return NULL;
    }
    repr_each(json_object_get(g, "group"), repr_member);
    repr_each(json_object_get(g, "office"), repr_member);
    json_t *h = json_object_get(g, "history");
    repr_each(json_object_get(h, "members"), repr_member);
    repr_each(json_object_get(json_object_get(h, "duties"), "group"), repr_duty);
    repr_each(json_object_get(json_object_get(h, "duties"), "office"), repr_duty);
    repr_duty(json_object_get(json_object_get(g, "duties"), "group"));
    repr_duty(json_object_get(json_object_get(g, "duties"), "office"));
    return g;
}

static json_t *
repr_task(json_t *t)
{
    if (t) {
        rfc3339_of(t, "created_at");
        rfc3339_of(t, "updated_at");
        rfc3339_of(t, "done_at");
    }
    return t;
}

static json_t *
repr_settings(json_t *s)
{
    if (s) {
        rfc3339_of(s, "updated_at");
    }
    return s;
}

static json_t *
repr_plan(json_t *p)
{
    if (p) {
        rfc3339_of(p, "updated_at");
    }
    return p;
}

/* ---------------------------------------------------------------- bodies */

/*
** Check the body against spec, the multi-line texts named in texts apart (strings with
** no NUL; the core checks their characters and length) and the key skip (NULL: none; the
** caller checks it): false when a 400 was queued.
*/
static bool
body_check(struct wm_req *r, const struct wm_jfield *spec, const char *const *texts,
           const char *skip)
{
    json_t *rest = json_copy(r->json);
    if (skip) {
        json_object_del(rest, skip);
    }
    for (size_t i = 0; texts[i]; i++) {
        json_t *v = json_object_get(r->json, texts[i]);
        if (v && (!json_is_string(v) ||
                  strlen(json_string_value(v)) != json_string_length(v))) {
            json_decref(rest);
            wm_reply_err(r, WM_E_BAD_REQUEST, texts[i], _("须为字符串"));
            return false;
        }
        json_object_del(rest, texts[i]);
    }
    json_t *all = r->json;
    r->json = rest;
    bool ok = wm_json_check(r, spec);
    r->json = all;
    json_decref(rest);
    return ok;
}

/* The string array member k as a vector of borrowed strings (*n of them; free the vector). */
static const char **
str_vec(struct wm_req *r, const char *k, size_t *n)
{
    json_t *a = json_object_get(r->json, k);
    *n = json_array_size(a);
    const char **v = calloc(*n + 1, sizeof *v);
    for (size_t i = 0; i < *n; i++) {
        v[i] = json_string_value(json_array_get(a, i));
    }
    return v;
}

/* ---------------------------------------------------------------- settings */

static void
reply_settings(struct wm_req *r, unsigned status)
{
    struct wm_fail f = {0};
    wm_reply_read(r, status, repr_settings(wm_work_settings_get(r->db, &r->actor, r->ids[0], &f)),
                  &f);
}

void
api_work_settings_get(struct wm_req *r)
{
    reply_settings(r, 200);
}

void
api_work_settings_put(struct wm_req *r)
{
    static const struct wm_jfield spec[] = {
        {"start_on", WM_J_STR, false, 10},        {"bulletin_leaf", WM_J_STR, false, 100},
        {"inspection_leaf", WM_J_STR, false, 100}, {"plan_leaf", WM_J_STR, false, 100},
        {"rect_leaf", WM_J_STR, false, 100},      {"inspect_weekly", WM_J_BOOL, false, 0},
        {NULL},
    };
    static const char *const none[] = {NULL};
    if (!body_check(r, spec, none, NULL)) {
        return;
    }
    json_t *w = json_object_get(r->json, "inspect_weekly");
    const struct wm_work_settings_in in = {
        .start_on = wm_jstr(r, "start_on"), .bulletin_leaf = wm_jstr(r, "bulletin_leaf"),
        .inspection_leaf = wm_jstr(r, "inspection_leaf"), .plan_leaf = wm_jstr(r, "plan_leaf"),
        .rect_leaf = wm_jstr(r, "rect_leaf"), .inspect_weekly = NULL == w || json_is_true(w),
    };
    struct wm_fail f = {0};
    if (WM_OK != wm_work_settings_put(r->db, &r->actor, r->ids[0], &in, &f)) {
        wm_reply_fail(r, &f);
    } else {
        reply_settings(r, 200);
    }
}

/* ---------------------------------------------------------------- group and office */

static void
reply_group(struct wm_req *r, int64_t unit_id, const char *on, unsigned status)
{
    struct wm_fail f = {0};
    wm_reply_read(r, status, repr_group(wm_work_group(r->db, &r->actor, unit_id, on, &f)), &f);
}

void
api_work_group_get(struct wm_req *r)
{
    reply_group(r, r->ids[0], wm_req_arg(r, "on"), 200);
}

static void
reply_member(struct wm_req *r, int64_t id, unsigned status)
{
    struct wm_fail f = {0};
    json_t *m = wm_work_member_get(r->db, &r->actor, id, &f);
    wm_reply_read(r, status, m ? repr_member(m) : NULL, &f);
}

void
api_work_members_post(struct wm_req *r)
{
    static const struct wm_jfield spec[] = {
        {"body", WM_J_STR, true, 10},     {"role", WM_J_STR, true, 10},
        {"user_id", WM_J_INT, false, 0},  {"name", WM_J_STR, false, WM_WORK_NAME_MAX},
        {"post", WM_J_STR, false, WM_WORK_NAME_MAX}, {"from_on", WM_J_STR, false, 10},
        {NULL},
    };
    static const char *const none[] = {NULL};
    if (!body_check(r, spec, none, NULL)) {
        return;
    }
    const struct wm_work_member_in in = {
        .body = wm_jstr(r, "body"), .role = wm_jstr(r, "role"),
        .user_id = wm_jint(r, "user_id", 0), .name = wm_jstr(r, "name"),
        .post = wm_jstr(r, "post"), .from_on = wm_jstr(r, "from_on"),
    };
    struct wm_fail f = {0};
    int64_t id = 0;
    if (WM_OK != wm_work_member_add(r->db, &r->actor, r->ids[0], &in, &id, &f)) {
        wm_reply_fail(r, &f);
        return;
    }
    reply_member(r, id, 201);
}

void
api_work_member_end_post(struct wm_req *r)
{
    static const struct wm_jfield spec[] = {{"to_on", WM_J_STR, false, 10}, {NULL}};
    static const char *const none[] = {NULL};
    if (!body_check(r, spec, none, NULL)) {
        return;
    }
    struct wm_fail f = {0};
    int64_t unit_id = 0;
    if (WM_OK != wm_work_member_end(r->db, &r->actor, r->ids[0], wm_jstr(r, "to_on"), &unit_id,
                                    &f)) {
        wm_reply_fail(r, &f);
        return;
    }
    reply_member(r, r->ids[0], 200);
}

void
api_work_duties_put(struct wm_req *r)
{
    static const struct wm_jfield spec[] = {{"set_on", WM_J_STR, false, 10}, {NULL}};
    static const char *const texts[] = {"text", NULL};
    if (!body_check(r, spec, texts, NULL)) {
        return;
    }
    if (!json_object_get(r->json, "text")) {
        wm_reply_err(r, WM_E_BAD_REQUEST, "text", _("缺少字段 text"));
        return;
    }
    struct wm_fail f = {0};
    if (WM_OK != wm_work_duty_set(r->db, &r->actor, r->ids[0], r->segs[0], wm_jstr(r, "text"),
                                  wm_jstr(r, "set_on"), &f)) {
        wm_reply_fail(r, &f);
    } else {
        reply_group(r, r->ids[0], NULL, 200);
    }
}

/* ---------------------------------------------------------------- the plan */

static void
reply_plan(struct wm_req *r, unsigned status)
{
    struct wm_fail f = {0};
    wm_reply_read(r, status, repr_plan(wm_work_plan_get(r->db, &r->actor, r->ids[0], r->ids[1],
                                                        &f)),
                  &f);
}

void
api_work_plan_get(struct wm_req *r)
{
    reply_plan(r, 200);
}

/* The stages of the body: [{name, starts_on, ends_on}] (borrowed strings); false: replied. */
static bool
stages_of(struct wm_req *r, struct wm_work_stage **out, size_t *n)
{
    json_t *a = json_object_get(r->json, "stages");
    *n = json_array_size(a);
    *out = calloc(*n + 1, sizeof **out);
    if (a && (!json_is_array(a) || *n > WM_WORK_STAGES_MAX)) {
        wm_reply_err(r, WM_E_BAD_REQUEST, "stages", _("stages 须为阶段数组"));
        return false;
    }
    for (size_t i = 0; i < *n; i++) {
        json_t *s = json_array_get(a, i);
        (*out)[i].name = json_string_value(json_object_get(s, "name"));
        (*out)[i].starts_on = json_string_value(json_object_get(s, "starts_on"));
        (*out)[i].ends_on = json_string_value(json_object_get(s, "ends_on"));
        if (!json_is_object(s) || json_object_size(s) != 3 || !(*out)[i].name ||
            !(*out)[i].starts_on || !(*out)[i].ends_on) {
            wm_reply_err(r, WM_E_BAD_REQUEST, "stages",
                         _("每个阶段须为 {name, starts_on, ends_on}"));
            return false;
        }
    }
    return true;
}

void
api_work_plan_put(struct wm_req *r)
{
    static const struct wm_jfield spec[] = {{"title", WM_J_STR, true, WM_WORK_NAME_MAX},
                                            {NULL}};
    static const char *const texts[] = {"goals", NULL};
    struct wm_work_stage *st = NULL;
    size_t n = 0;
    if (body_check(r, spec, texts, "stages") && stages_of(r, &st, &n)) {
        const struct wm_work_plan_in in = {.title = wm_jstr(r, "title"),
                                           .goals = wm_jstr(r, "goals"), .stages = st,
                                           .nstages = n};
        struct wm_fail f = {0};
        if (WM_OK != wm_work_plan_save(r->db, &r->actor, r->ids[0], r->ids[1], &in, &f)) {
            wm_reply_fail(r, &f);
        } else {
            reply_plan(r, 200);
        }
    }
    free(st);
}

/* ---------------------------------------------------------------- tasks */

static const struct wm_jfield task_spec[] = {
    {"year", WM_J_INT, false, 2100},
    {"title", WM_J_STR, false, WM_WORK_NAME_MAX},
    {"dept_id", WM_J_INT, false, 0},
    {"person_id", WM_J_INT, false, 0},
    {"person_name", WM_J_STR, false, WM_WORK_NAME_MAX},
    {"due_on", WM_J_STR, false, 10},
    {"leaves", WM_J_STRARRAY, false, WM_WORK_LEAVES_MAX},
    {NULL},
};
static const char *const task_texts[] = {"detail", NULL};

/* The task of the body: absent strings NULL, absent ids -1 (kept by an update). */
static void
task_in_of(struct wm_req *r, struct wm_work_task_in *in, const char ***leaves)
{
    *in = (struct wm_work_task_in){
        .year = wm_jint(r, "year", 0), .title = wm_jstr(r, "title"),
        .detail = wm_jstr(r, "detail"), .dept_id = wm_jint(r, "dept_id", -1),
        .person_id = wm_jint(r, "person_id", -1), .person_name = wm_jstr(r, "person_name"),
        .due_on = wm_jstr(r, "due_on"),
        .set_leaves = NULL != json_object_get(r->json, "leaves"),
    };
    *leaves = str_vec(r, "leaves", &in->nleaves);
    in->leaves = *leaves;
}

static void
reply_task(struct wm_req *r, int64_t id, unsigned status)
{
    struct wm_fail f = {0};
    wm_reply_read(r, status, repr_task(wm_work_task_get(r->db, &r->actor, id, &f)), &f);
}

void
api_work_tasks_get(struct wm_req *r)
{
    const char *y = wm_req_arg(r, "year"), *d = wm_req_arg(r, "dept");
    int64_t year = 0, dept = 0;
    if (y && *y && !wm_parse_i64(y, 1, 9999, &year)) {
        wm_reply_err(r, WM_E_BAD_REQUEST, "year", _("年度须为整数"));
        return;
    }
    if (d && *d && !wm_parse_i64(d, 1, INT64_MAX, &dept)) {
        wm_reply_err(r, WM_E_BAD_REQUEST, "dept", _("科室须为科室编号"));
        return;
    }
    const struct wm_work_task_query q = {.year = year, .dept_id = dept,
                                         .state = wm_req_arg(r, "state")};
    struct wm_fail f = {0};
    json_t *rows = wm_work_tasks(r->db, &r->actor, r->ids[0], &q, &f);
    if (NULL == rows) {
        wm_reply_fail(r, &f);
        return;
    }
    wm_reply_json(r, 200, json_pack("{s:o}", "items", repr_each(rows, repr_task)));
}

void
api_work_tasks_post(struct wm_req *r)
{
    if (!body_check(r, task_spec, task_texts, NULL)) {
        return;
    }
    struct wm_work_task_in in;
    const char **leaves = NULL;
    task_in_of(r, &in, &leaves);
    in.dept_id = in.dept_id < 0 ? 0 : in.dept_id;
    in.person_id = in.person_id < 0 ? 0 : in.person_id;
    if (0 == in.year) {
        int64_t y;
        int m, d;
        wm_day_ymd(wm_day_today(), &y, &m, &d);
        in.year = y;
    }
    struct wm_fail f = {0};
    int64_t id = 0;
    if (WM_OK != wm_work_task_create(r->db, &r->actor, r->ids[0], &in, &id, &f)) {
        wm_reply_fail(r, &f);
    } else {
        reply_task(r, id, 201);
    }
    free(leaves);
}

void
api_work_task_get(struct wm_req *r)
{
    reply_task(r, r->ids[0], 200);
}

void
api_work_task_patch(struct wm_req *r)
{
    if (!body_check(r, task_spec, task_texts, NULL)) {
        return;
    }
    if (json_object_get(r->json, "year")) {
        wm_reply_err(r, WM_E_BAD_REQUEST, "year", _("任务的年度不能修改"));
        return;
    }
    struct wm_work_task_in in;
    const char **leaves = NULL;
    task_in_of(r, &in, &leaves);
    struct wm_fail f = {0};
    if (WM_OK != wm_work_task_update(r->db, &r->actor, r->ids[0], &in, &f)) {
        wm_reply_fail(r, &f);
    } else {
        reply_task(r, r->ids[0], 200);
    }
    free(leaves);
}

void
api_work_task_done_post(struct wm_req *r)
{
    static const struct wm_jfield spec[] = {{NULL}};
    static const char *const texts[] = {"note", NULL};
    if (!body_check(r, spec, texts, NULL)) {
        return;
    }
    struct wm_fail f = {0};
    if (WM_OK != wm_work_task_done(r->db, &r->actor, r->ids[0], wm_jstr(r, "note"), &f)) {
        wm_reply_fail(r, &f);
    } else {
        reply_task(r, r->ids[0], 200);
    }
}

void
api_work_task_reopen_post(struct wm_req *r)
{
    struct wm_fail f = {0};
    if (WM_OK != wm_work_task_reopen(r->db, &r->actor, r->ids[0], &f)) {
        wm_reply_fail(r, &f);
    } else {
        reply_task(r, r->ids[0], 200);
    }
}

/* end of api_work_plan.c */
