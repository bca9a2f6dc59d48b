/*
** api_ops.c — for the people who run wenming (issue 13): GET /healthz for a load balancer or
** a monitor, and GET /metrics for Prometheus.
**
** /healthz needs no login and says nothing secret: each check is "ok" or a short cause
** (the full cause, with paths, goes to the log).  /metrics answers only the addresses of
** metrics_allow (others get the same 404 as an unknown path); it reads the HTTP layer's
** counters (src/http/metrics.c), two counts from the store and the free disk space.
*/
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "handlers.h"
#include "wm_blob.h"

/* ---------------------------------------------------------------- checks */

static bool
check_store(struct wm_req *r, json_t *checks)
{
    struct wm_fail f = { 0 };
    if (WM_OK != wm_store_ping(r->db, &f)) {
        wm_log(WM_LOG_WARN, "healthz: the store does not answer: %s", f.msg);
        json_object_set_new(checks, "store", json_string("store does not answer"));
        return false;
    }
    json_object_set_new(checks, "store", json_string("ok"));
    return true;
}

static bool
check_blobs(json_t *checks)
{
    char err[512] = "";
    if (NULL == wm_app.blobs || WM_OK != wm_blob_probe(wm_app.blobs, err, sizeof err)) {
        wm_log(WM_LOG_WARN, "healthz: blob directory: %s", err);
        json_object_set_new(checks, "blobs", json_string("blob directory not writable"));
        return false;
    }
    json_object_set_new(checks, "blobs", json_string("ok"));
    return true;
}

static bool
check_disk(json_t *checks)
{
    uint64_t free_bytes = 0, min = wm_app.health_min_free;
    if (NULL == wm_app.data_dir || wm_fs_free_bytes(wm_app.data_dir, &free_bytes)) {
        json_object_set_new(checks, "disk", json_string("free space unknown"));
        return false;
    }
    if (free_bytes < min) {
        json_object_set_new(checks, "disk",
                            json_sprintf("%llu MiB free, below %llu MiB",
                                         (unsigned long long)(free_bytes >> 20),
                                         (unsigned long long)(min >> 20)));
        return false;
    }
    json_object_set_new(checks, "disk", json_string("ok"));
    return true;
}

void
api_healthz(struct wm_req *r)
{
    json_t *checks = json_object();
    bool ok = check_store(r, checks);
    ok = check_blobs(checks) && ok;
    ok = check_disk(checks) && ok;
    wm_req_add_header(r, "Cache-Control", "no-store");
    wm_reply_json(r, ok ? 200 : 503,
                  json_pack("{s:s, s:o}", "status", ok ? "ok" : "fail", "checks", checks));
}

/* ---------------------------------------------------------------- metrics */

static int64_t
count_of(const json_t *rows, const char *what, const char *state)
{
    size_t i;
    json_t *o;
    json_array_foreach(rows, i, o)
    {
        if (wm_streq(js(o, "what"), what) && wm_streq(js(o, "state"), state)) {
            return ji(o, "n");
        }
    }
    return 0;
}

/* Open sessions and jobs by state; wenming_store_up 0 (and neither) when the store fails. */
static void
render_store(struct wm_req *r, struct wm_buf *b)
{
    static const char *const states[] = { "queued", "running", "done", "failed" };
    struct wm_fail f = { 0 };
    json_t *rows = wm_metrics_counts(r->db, wm_policy(), wm_now(), &f);
    wm_metrics_family(b, "wenming_store_up", "gauge", "1 when the store answered this scrape.");
    wm_buf_printf(b, "wenming_store_up %d\n", rows ? 1 : 0);
    if (NULL == rows) {
        return;
    }
    wm_metrics_family(b, "wenming_sessions_open", "gauge",
                      "Signed-in sessions neither idle nor past their lifetime.");
    wm_buf_printf(b, "wenming_sessions_open %lld\n", (long long)count_of(rows, "session", "open"));
    wm_metrics_family(b, "wenming_jobs", "gauge",
                      "Background jobs by state (failed: failed for good, awaiting a retry).");
    for (size_t i = 0; i < WM_ARRAY_LEN(states); i++) {
        wm_buf_printf(b, "wenming_jobs{state=\"%s\"} %lld\n", states[i],
                      (long long)count_of(rows, "job", states[i]));
    }
    json_decref(rows);
}

static void
render_disk(struct wm_buf *b)
{
    uint64_t free_bytes = 0;
    if (NULL == wm_app.data_dir || wm_fs_free_bytes(wm_app.data_dir, &free_bytes)) {
        return;
    }
    wm_metrics_family(b, "wenming_disk_free_bytes", "gauge",
                      "Bytes free for wenming on the data directory's file system.");
    wm_buf_printf(b, "wenming_disk_free_bytes %llu\n", (unsigned long long)free_bytes);
}

void
api_metrics(struct wm_req *r)
{
    if (!wm_req_metrics_allowed(r)) {
        wm_reply_err(r, WM_E_NOT_FOUND, NULL, _("没有这个页面或接口"));
        return;
    }
    struct wm_buf b = { 0 };
    wm_metrics_render_http(&b);
    render_store(r, &b);
    render_disk(&b);
    wm_req_add_header(r, "Cache-Control", "no-store");
    wm_reply_data(r, 200, "text/plain; version=0.0.4; charset=utf-8", wm_buf_str(&b), b.len, true);
    wm_buf_free(&b);
}

/* end of api_ops.c */
