/*
** api_work_overview.c — the creation work (issue 12): the unit's plan/do/check/act view and the office's overview across its jurisdiction (XLSX).
**
**   GET /api/v1/units/{id}/work/summary?year=   a unit's year (wm_work_summary)
**   GET /api/v1/work/overview?year=&district=&unit_type=&sort=overdue&limit=&offset=
**                                               one row per unit of the jurisdiction, the
**                                               totals per district and of the whole
*/
#include "config.h"

#include "handlers.h"

void
api_work_summary_get(struct wm_req *r)
{
    int64_t year = 0;
    if (!wm_req_int(r, "year", 2000, 9999, &year)) {
        return;
    }
    struct wm_fail f = {0};
    json_t *s = wm_work_summary(r->db, &r->actor, r->ids[0], year, &f);
    if (NULL == s) {
        wm_reply_fail(r, &f);
        return;
    }
    wm_reply_json(r, 200, s);
}

void
api_work_overview_get(struct wm_req *r)
{
    struct wm_work_ov_query q;
    if (!wm_req_work_ov_query(r, &q, WM_WORK_OV_API_LIMIT)) {
        return;
    }
    struct wm_fail f = {0};
    json_t *ov = wm_work_overview(r->db, &r->actor, &q, &f);
    if (NULL == ov) {
        wm_reply_fail(r, &f);
        return;
    }
    wm_reply_json(r, 200, ov);
}

/* end of api_work_overview.c */
