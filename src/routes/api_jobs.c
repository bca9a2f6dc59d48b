/*
** api_jobs.c — the job queue over the API: GET /api/v1/jobs (staff, within scope),
** GET /api/v1/jobs/{id} (staff within scope, and whoever started the job: an import's
** client polls it), POST /api/v1/jobs/{id}/retry (staff; audited in src/core).
*/
#include "config.h"

#include "handlers.h"

void
api_jobs_get(struct wm_req *r)
{
    struct wm_page pg;
    struct wm_fail f = {0};
    if (!wm_req_page(r, &pg, 50)) {
        return;
    }
    const char *state = wm_req_arg(r, "state");
    json_t *rows = wm_jobs_list(r->db, &r->actor, state && *state ? state : NULL, &pg, &f);
    if (NULL == rows) {
        wm_reply_fail(r, &f);
        return;
    }
    json_t *items = json_array();
    size_t i;
    json_t *x;
    json_array_foreach(rows, i, x)
    {
        json_array_append_new(items, wm_job_api(x));
    }
    json_decref(rows);
    wm_reply_json(r, 200, wm_api_page(items, pg.limit));
}

void
api_job_get(struct wm_req *r)
{
    struct wm_fail f = {0};
    json_t *row = wm_job_get_scoped(r->db, &r->actor, r->ids[0], &f);
    if (NULL == row) {
        if (wm_db_failed(r->db)) {
            f.err = WM_E_INTERNAL;
        }
        wm_reply_fail(r, &f);
        return;
    }
    json_t *o = wm_job_api(row);
    json_decref(row);
    wm_reply_json(r, 200, o);
}

void
api_job_retry_post(struct wm_req *r)
{
    struct wm_fail f = {0};
    if (WM_OK != wm_job_retry(r->db, &r->actor, r->ids[0], &f)) {
        wm_reply_fail(r, &f);
        return;
    }
    json_t *row = wm_job_get_scoped(r->db, &r->actor, r->ids[0], &f);
    json_t *o = row ? wm_job_api(row) : NULL;
    json_decref(row);
    wm_reply_read(r, 200, o, &f);
}

/* end of api_jobs.c */
