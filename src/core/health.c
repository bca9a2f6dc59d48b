/*
** health.c — what GET /healthz and GET /metrics ask of the store (issue 13): a trivial
** query that shows the store answers, and the counts of jobs by state and of open sessions.
** Reads only; nothing here is audited.
*/
#include "config.h"

#include "wm_core.h"

enum wm_err
wm_store_ping(struct wm_db *db, struct wm_fail *f)
{
    if (db->ops->schema_version(db) < 0) {
        return wm_read_fail(db, f, NULL, NULL);
    }
    return WM_OK;
}

json_t *
wm_metrics_counts(struct wm_db *db,
                  const struct wm_auth_policy *pol,
                  int64_t now,
                  struct wm_fail *f)
{
    json_t *rows = db->ops->metrics_counts(db, now - (int64_t)pol->session_idle,
                                           now - (int64_t)pol->session_lifetime);
    if (NULL == rows) {
        (void)wm_read_fail(db, f, NULL, NULL);
    }
    return rows;
}

/* end of health.c */
