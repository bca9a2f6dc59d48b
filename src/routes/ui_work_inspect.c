/*
** ui_work_inspect.c — an inspection of responsibility areas (issue 12) as a request gives
** it, shared by api_work_inspect.c and page_work_inspect.c: a JSON body {held_on,
** inspector_id, inspector_name, note, checks: [{area_id, result, note}]}, or a form
** (urlencoded or multipart) with held_on, inspector_name, note and for each area of the
** unit result_ID ("pass", "fix"; empty: not inspected), note_ID and the file photo_ID.
** The rules are src/core/work_inspect.c's.
*/
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "handlers.h"

/* The checks and their photos, one block (freed with the checks). */
static struct wm_work_check_in *
checks_new(size_t n, struct wm_upload **ups)
{
    size_t k = n ? n : 1;
    char *p = wm_calloc(1, k * (sizeof(struct wm_work_check_in) + sizeof(struct wm_upload)));
    *ups = (struct wm_upload *)(p + k * sizeof(struct wm_work_check_in));
    return (struct wm_work_check_in *)p;
}

static bool
json_checks(struct wm_req *r, struct wm_work_inspection_in *in)
{
    json_t *list = json_object_get(r->json, "checks");
    if (!json_is_array(list)) {
        wm_reply_err(r, WM_E_BAD_REQUEST, "checks", _("checks 须为数组"));
        return false;
    }
    struct wm_upload *ups;
    struct wm_work_check_in *c = checks_new(json_array_size(list), &ups);
    in->checks = c;
    size_t i;
    json_t *x;
    json_array_foreach(list, i, x)
    {
        json_t *note = json_object_get(x, "note");
        if (!json_is_integer(json_object_get(x, "area_id")) ||
            !json_is_string(json_object_get(x, "result")) || (note && !json_is_string(note))) {
            wm_reply_err(r, WM_E_BAD_REQUEST, "checks",
                         _("每项检查须为 {\"area_id\": 责任区, \"result\": \"pass\" 或 \"fix\", "
                           "\"note\": 说明}"));
            return false;
        }
        c[i].area_id = ji(x, "area_id");
        c[i].result = js(x, "result");
        c[i].note = note ? json_string_value(note) : NULL;
    }
    in->nchecks = json_array_size(list);
    return true;
}

static bool
json_read(struct wm_req *r, struct wm_work_inspection_in *in)
{
    static const char *const keys[] = {"held_on", "inspector_id", "inspector_name", "note",
                                       "checks", NULL};
    const char *k;
    json_t *v;
    json_object_foreach(r->json, k, v)
    {
        bool known = false;
        for (size_t i = 0; keys[i]; i++) {
            known = known || wm_streq(keys[i], k);
        }
        bool str = !wm_streq(k, "inspector_id") && !wm_streq(k, "checks");
        if (!known || (str && !json_is_string(v) && !json_is_null(v)) ||
            (wm_streq(k, "inspector_id") && !json_is_integer(v) && !json_is_null(v))) {
            wm_reply_err(r, WM_E_BAD_REQUEST, k, _("该字段不可用或类型不对"));
            return false;
        }
    }
    in->held_on = wm_jstr(r, "held_on");
    in->inspector_id = wm_jint(r, "inspector_id", 0);
    in->inspector_name = wm_jstr(r, "inspector_name");
    in->note = wm_jstr(r, "note");
    return json_checks(r, in);
}

/* One area's fields of the form: a check when result_ID is given. -1: replied. */
static int
form_area(struct wm_req *r, const json_t *area, struct wm_work_check_in *c, struct wm_upload *up)
{
    char key[48];
    snprintf(key, sizeof key, "result_%lld", (long long)ji(area, "id"));
    const char *res = wm_form(r, key);
    if (NULL == res || 0 == *res) {
        return 0;
    }
    c->area_id = ji(area, "id");
    c->result = res;
    snprintf(key, sizeof key, "note_%lld", (long long)ji(area, "id"));
    c->note = wm_form(r, key);
    snprintf(key, sizeof key, "photo_%lld", (long long)ji(area, "id"));
    int have = wm_uploads_field(r, key, WM_WORK_PHOTO_MAX, up);
    if (have < 0) {
        return -1;
    }
    c->photo = have > 0 ? up : NULL;
    return 1;
}

static bool
form_read(struct wm_req *r, int64_t unit_id, struct wm_work_inspection_in *in)
{
    struct wm_fail f = {0};
    json_t *areas = wm_work_areas(r->db, &r->actor, unit_id, false, &f);
    if (NULL == areas) {
        wm_reply_fail(r, &f);
        return false;
    }
    struct wm_upload *ups;
    struct wm_work_check_in *c = checks_new(json_array_size(areas), &ups);
    in->checks = c;
    in->held_on = wm_form(r, "held_on");
    in->inspector_name = wm_form(r, "inspector_name");
    in->note = wm_form(r, "note");
    const char *iid = wm_form(r, "inspector_id");
    in->inspector_id = iid && *iid ? strtoll(iid, NULL, 10) : 0;
    size_t i, n = 0;
    json_t *a;
    bool ok = true;
    json_array_foreach(areas, i, a)
    {
        int got = ok ? form_area(r, a, &c[n], &ups[n]) : 0;
        ok = got >= 0;
        n += got > 0;
    }
    in->nchecks = n;
    json_decref(areas);
    return ok;
}

bool
ui_work_inspection_read(struct wm_req *r, int64_t unit_id, struct wm_work_inspection_in *in)
{
    memset(in, 0, sizeof *in);
    in->unit_id = unit_id;
    if (r->json) {
        return json_read(r, in);
    }
    return form_read(r, unit_id, in);
}

void
ui_work_inspection_free(struct wm_work_inspection_in *in)
{
    free((void *)in->checks);
    in->checks = NULL;
}

/* end of ui_work_inspect.c */
