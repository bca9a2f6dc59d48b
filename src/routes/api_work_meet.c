/*
** api_work_meet.c — the creation work's meetings over JSON (issue 12): a unit's meeting
** kinds (read, add, change), its meetings (list by year and kind, record, read, change),
** the files of a meeting (photos and a minutes file, multipart: filed into the kind's leaf)
** and the cadence per kind for a year.  The rules are src/core/work_meet.c's; the
** representations (times RFC 3339) are repr.c's.
*/
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "handlers.h"

/* ---------------------------------------------------------------- meeting kinds */

static const struct wm_jfield kind_spec[] = {
    { "name", WM_J_STR, false, 50 },        { "period", WM_J_STR, false, 20 },
    { "min_count", WM_J_INT, false, 100 },  { "leaf_code", WM_J_STR, false, 64 },
    { "position", WM_J_INT, false, 10000 }, { "active", WM_J_BOOL, false, 0 },
    { "year", WM_J_INT, false, 9999 },      { NULL },
};

void
api_work_meeting_kinds_get(struct wm_req *r)
{
    struct wm_fail f = { 0 };
    json_t *kinds = wm_meeting_kinds(r->db, &r->actor, r->ids[0], &f);
    wm_reply_read(r, 200, kinds ? json_pack("{s:o}", "items", wm_api_meeting_kinds(kinds)) : NULL,
                  &f);
}

/* POST /api/v1/units/{id}/work/meeting-kinds {name, period, min_count?, leaf_code?,
** position?, active?, year?} */
void
api_work_meeting_kinds_post(struct wm_req *r)
{
    struct wm_fail f = { 0 };
    int64_t id = 0;
    if (!wm_json_check(r, kind_spec)) {
        return;
    }
    if (WM_OK != wm_meeting_kind_create(r->db, &r->actor, r->ids[0], r->json, &id, &f)) {
        wm_reply_fail(r, &f);
        return;
    }
    wm_reply_read(r, 201, wm_api_meeting_kind(wm_meeting_kind_get(r->db, &r->actor, id, &f)), &f);
}

/* PATCH /api/v1/work/meeting-kinds/{id}: any of the fields above. */
void
api_work_meeting_kind_patch(struct wm_req *r)
{
    struct wm_fail f = { 0 };
    if (!wm_json_check(r, kind_spec)) {
        return;
    }
    if (WM_OK != wm_meeting_kind_update(r->db, &r->actor, r->ids[0], r->json, &f)) {
        wm_reply_fail(r, &f);
        return;
    }
    wm_reply_read(r, 200, wm_api_meeting_kind(wm_meeting_kind_get(r->db, &r->actor, r->ids[0], &f)),
                  &f);
}

/* ---------------------------------------------------------------- meetings */

static const struct wm_jfield meeting_spec[] = {
    { "kind_id", WM_J_INT, false, INT64_MAX }, { "held_on", WM_J_STR, false, 10 },
    { "title", WM_J_STR, false, 200 },         { "place", WM_J_STR, false, 200 },
    { "attendees", WM_J_STR, false, 20000 },   { "minutes", WM_J_STR, false, 20000 },
    { NULL },
};

/* GET /api/v1/units/{id}/work/meetings?year=&kind= */
void
api_work_meetings_get(struct wm_req *r)
{
    int64_t year = 0, kind = 0;
    struct wm_fail f = { 0 };
    if (!wm_req_int(r, "year", WM_ARCHIVE_YEAR_MIN, 9999, &year) ||
        !wm_req_int(r, "kind", 1, INT64_MAX, &kind)) {
        return;
    }
    json_t *rows = wm_meetings(r->db, &r->actor, r->ids[0], year, kind, &f);
    wm_reply_read(r, 200, rows ? json_pack("{s:o}", "items", wm_api_meetings(rows)) : NULL, &f);
}

static void
reply_meeting(struct wm_req *r, unsigned status, int64_t id)
{
    struct wm_fail f = { 0 };
    wm_reply_read(r, status, wm_api_meeting(wm_meeting_get(r->db, &r->actor, id, &f)), &f);
}

/* POST /api/v1/units/{id}/work/meetings {kind_id, held_on, title, place?, attendees?,
** minutes?} */
void
api_work_meetings_post(struct wm_req *r)
{
    struct wm_fail f = { 0 };
    int64_t id = 0;
    if (!wm_json_check(r, meeting_spec)) {
        return;
    }
    if (WM_OK != wm_meeting_create(r->db, &r->actor, r->ids[0], r->json, &id, &f)) {
        wm_reply_fail(r, &f);
        return;
    }
    reply_meeting(r, 201, id);
}

void
api_work_meeting_get(struct wm_req *r)
{
    reply_meeting(r, 200, r->ids[0]);
}

/* PATCH /api/v1/work/meetings/{id}: any of the fields above. */
void
api_work_meeting_patch(struct wm_req *r)
{
    struct wm_fail f = { 0 };
    if (!wm_json_check(r, meeting_spec)) {
        return;
    }
    if (WM_OK != wm_meeting_update(r->db, &r->actor, r->ids[0], r->json, &f)) {
        wm_reply_fail(r, &f);
        return;
    }
    reply_meeting(r, 200, r->ids[0]);
}

/* POST /api/v1/work/meetings/{id}/files (multipart): files named "photo" or "minutes", or
** "file" with a field "role" (photo, the default, or minutes).  201 with the meeting. */
void
api_work_meeting_files_post(struct wm_req *r)
{
    struct wm_fail f = { 0 };
    if (ui_meeting_files(r, r->ids[0], &f) < 0) {
        return;
    }
    if (WM_OK != f.err) {
        wm_reply_fail(r, &f);
        return;
    }
    reply_meeting(r, 201, r->ids[0]);
}

/* GET /api/v1/units/{id}/work/meetings/cadence?year=&today= */
void
api_work_meetings_cadence_get(struct wm_req *r)
{
    int64_t year = wm_archive_current_year(), today = wm_day_today();
    const char *t = wm_req_arg(r, "today");
    struct wm_fail f = { 0 };
    if (!wm_req_int(r, "year", WM_ARCHIVE_YEAR_MIN, 9999, &year)) {
        return;
    }
    if (t && *t && !wm_day_parse(t, &today)) {
        wm_reply_err(r, WM_E_BAD_REQUEST, "today", _("日期须为 YYYY-MM-DD"));
        return;
    }
    wm_reply_read(r, 200, wm_meeting_cadence(r->db, &r->actor, r->ids[0], year, today, &f), &f);
}

/* end of api_work_meet.c */
