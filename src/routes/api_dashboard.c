/*
** api_dashboard.c — the office's home as JSON (issue 9): the numbers of /home for office
** and admin accounts, and the lists they link to, within the caller's jurisdiction.
**
**   GET /api/v1/dashboard            the review backlog, overdue periods, inactive units
**   GET /api/v1/dashboard/overdue    units with overdue periods (?district=&unit_type=)
**   GET /api/v1/dashboard/inactive   units whose accounts have not logged in (?days=30)
**
** Common arguments: district (an office within the caller's jurisdiction), unit_type,
** year (default this year), today (YYYY-MM-DD, default today in China), offset (days from
** a period's end to its deadline, default 10), count_submitted (0/1), days (inactive).
*/
#include "config.h"

#include "handlers.h"

void
api_dashboard_get(struct wm_req *r)
{
    struct wm_dash_query q;
    if (!wm_req_dash_query(r, &q)) {
        return;
    }
    struct wm_fail f = {0};
    json_t *d = wm_dashboard(r->db, &r->actor, &q, &f);
    if (NULL == d) {
        wm_reply_fail(r, &f);
        return;
    }
    wm_reply_json(r, 200, wm_api_dashboard(d));
}

void
api_dashboard_overdue_get(struct wm_req *r)
{
    struct wm_dash_query q;
    if (!wm_req_dash_query(r, &q)) {
        return;
    }
    struct wm_fail f = {0};
    json_t *rows = wm_overdue_units(r->db, &r->actor, &q, &f);
    if (NULL == rows) {
        wm_reply_fail(r, &f);
        return;
    }
    wm_reply_json(r, 200, json_pack("{s:o}", "items", rows));
}

void
api_dashboard_inactive_get(struct wm_req *r)
{
    struct wm_dash_query q;
    if (!wm_req_dash_query(r, &q)) {
        return;
    }
    struct wm_fail f = {0};
    json_t *rows = wm_units_inactive(r->db, &r->actor, &q, &f);
    if (NULL == rows) {
        wm_reply_fail(r, &f);
        return;
    }
    wm_reply_json(r, 200, json_pack("{s:o}", "items", wm_api_inactive_units(rows)));
}

/* end of api_dashboard.c */
