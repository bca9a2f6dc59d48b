/*
** api_work_inspect.c — the creation work (issue 12) over JSON: a unit's responsibility
** areas (责任区), its inspections (JSON, or multipart with a photo per area: see
** ui_work_inspect.c) and its weekly bulletins (一周一通报).  The rules are
** src/core/work_inspect.c's; the representations are repr.c's.
*/
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "handlers.h"

/* ---------------------------------------------------------------- areas */

static json_t *
areas_repr(json_t *rows)
{
    size_t i;
    json_t *o;
    json_array_foreach(rows, i, o)
    {
        wm_api_work_area(o);
    }
    return rows;
}

void
api_work_areas_get(struct wm_req *r)
{
    struct wm_fail f = {0};
    const char *all = wm_req_arg(r, "all");
    json_t *rows = wm_work_areas(r->db, &r->actor, r->ids[0], all && wm_streq(all, "1"), &f);
    if (NULL == rows) {
        wm_reply_fail(r, &f);
        return;
    }
    wm_reply_json(r, 200, json_pack("{s:o}", "items", areas_repr(rows)));
}

static const struct wm_jfield area_fields[] = {
    {"name", WM_J_STR, false, WM_WORK_AREA_NAME_MAX},
    {"category", WM_J_STR, false, WM_WORK_AREA_NAME_MAX},
    {"dept_id", WM_J_INT, false, INT64_MAX},
    {"active", WM_J_BOOL, false, 0},
    {"position", WM_J_INT, false, 100000},
    {NULL, WM_J_STR, false, 0},
};

/* The patch of a JSON body (absent: kept). */
static struct wm_work_area_patch
area_patch(struct wm_req *r)
{
    json_t *active = json_object_get(r->json, "active");
    json_t *dept = json_object_get(r->json, "dept_id");
    return (struct wm_work_area_patch){
        .name = wm_jstr(r, "name"),
        .category = wm_jstr(r, "category"),
        .dept_id = dept ? (json_is_integer(dept) ? json_integer_value(dept) : 0) : -1,
        .active = active ? json_is_true(active) : -1,
        .position = wm_jint(r, "position", -1),
    };
}

static void
reply_area(struct wm_req *r, int64_t id, unsigned status)
{
    struct wm_fail f = {0};
    json_t *a = wm_work_area(r->db, &r->actor, id, &f);
    wm_reply_read(r, status, wm_api_work_area(a), &f);
}

void
api_work_areas_post(struct wm_req *r)
{
    if (!wm_json_check(r, area_fields)) {
        return;
    }
    struct wm_work_area_patch p = area_patch(r);
    if (NULL == p.name) {
        wm_reply_err(r, WM_E_BAD_REQUEST, "name", _("请填写责任区名称"));
        return;
    }
    struct wm_fail f = {0};
    int64_t id = 0;
    if (WM_OK != wm_work_area_create(r->db, &r->actor, r->ids[0], &p, &id, &f)) {
        wm_reply_fail(r, &f);
        return;
    }
    reply_area(r, id, 201);
}

void
api_work_area_patch(struct wm_req *r)
{
    if (!wm_json_check(r, area_fields)) {
        return;
    }
    struct wm_work_area_patch p = area_patch(r);
    struct wm_fail f = {0};
    if (WM_OK != wm_work_area_update(r->db, &r->actor, r->ids[0], &p, &f)) {
        wm_reply_fail(r, &f);
        return;
    }
    reply_area(r, r->ids[0], 200);
}

/* ---------------------------------------------------------------- inspections */

static void
reply_inspection(struct wm_req *r, int64_t id, unsigned status)
{
    struct wm_fail f = {0};
    json_t *o = wm_work_inspection(r->db, &r->actor, id, &f);
    wm_reply_read(r, status, wm_api_work_inspection(o), &f);
}

void
api_work_inspections_get(struct wm_req *r)
{
    struct wm_fail f = {0};
    json_t *rows = wm_work_inspections(r->db, &r->actor, r->ids[0], wm_req_arg(r, "from"),
                                       wm_req_arg(r, "to"), &f);
    if (NULL == rows) {
        wm_reply_fail(r, &f);
        return;
    }
    size_t i;
    json_t *o;
    json_array_foreach(rows, i, o)
    {
        wm_api_work_inspection(o);
    }
    wm_reply_json(r, 200, json_pack("{s:o}", "items", rows));
}

void
api_work_inspections_post(struct wm_req *r)
{
    struct wm_work_inspection_in in;
    if (!ui_work_inspection_read(r, r->ids[0], &in)) {
        ui_work_inspection_free(&in);
        return;
    }
    struct wm_fail f = {0};
    int64_t id = 0;
    if (WM_OK != wm_work_inspection_create(r->db, &r->actor, &in, &id, &f)) {
        wm_reply_fail(r, &f);
    } else {
        reply_inspection(r, id, 201);
    }
    ui_work_inspection_free(&in);
}

void
api_work_inspection_get(struct wm_req *r)
{
    reply_inspection(r, r->ids[0], 200);
}

/* ---------------------------------------------------------------- bulletins */

void
api_work_bulletins_get(struct wm_req *r)
{
    struct wm_fail f = {0};
    json_t *rows = wm_work_bulletins(r->db, &r->actor, r->ids[0], &f);
    if (NULL == rows) {
        wm_reply_fail(r, &f);
        return;
    }
    size_t i;
    json_t *o;
    json_array_foreach(rows, i, o)
    {
        wm_api_work_bulletin(o);
    }
    wm_reply_json(r, 200, json_pack("{s:o}", "items", rows));
}

void
api_work_bulletins_post(struct wm_req *r)
{
    static const struct wm_jfield fields[] = {{"week", WM_J_STR, true, 10},
                                              {NULL, WM_J_STR, false, 0}};
    if (!wm_json_check(r, fields)) {
        return;
    }
    struct wm_fail f = {0};
    int64_t id = 0, job = 0;
    if (WM_OK !=
        wm_work_bulletin_build(r->db, &r->actor, r->ids[0], wm_jstr(r, "week"), &id, &job, &f)) {
        wm_reply_fail(r, &f);
        return;
    }
    json_t *b = wm_api_work_bulletin(wm_work_bulletin(r->db, &r->actor, id, &f));
    if (b) {
        json_object_set_new(b, "job", json_pack("{s:I}", "id", (json_int_t)job));
    }
    wm_reply_read(r, 202, b, &f);
}

void
api_work_bulletin_get(struct wm_req *r)
{
    struct wm_fail f = {0};
    json_t *b = wm_work_bulletin(r->db, &r->actor, r->ids[0], &f);
    wm_reply_read(r, 200, wm_api_work_bulletin(b), &f);
}

/* end of api_work_inspect.c */
