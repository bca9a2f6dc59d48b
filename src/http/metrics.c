/*
** metrics.c — the server's own counters for GET /metrics (issue 13), in the Prometheus text
** exposition format (version 0.0.4).
**
** Requests are counted per route of the table (its pattern, never the raw path, so the
** number of series is bounded by the table) and per method, by status class, with a latency
** histogram of fixed buckets; requests that matched no route count under "(unmatched)".
** Every counter is a relaxed atomic written by the request's own thread in the completion
** callback: no lock on the request path.  A scrape reads them one by one, so a scrape taken
** while requests finish may see a bucket one ahead of its count; Prometheus accepts that.
*/
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <stdatomic.h>

#include "wm_http.h"

/* Upper bounds of the latency buckets in microseconds, and as Prometheus writes them. */
static const int64_t bucket_us[] = { 5000,   10000,   25000,   50000,   100000,  250000,
                                     500000, 1000000, 2500000, 5000000, 10000000 };
static const char *const bucket_le[] = { "0.005", "0.01", "0.025", "0.05", "0.1", "0.25",
                                         "0.5",   "1",    "2.5",   "5",    "10" };
#define NBUCKETS (sizeof bucket_us / sizeof bucket_us[0])
/* GET HEAD POST PUT PATCH DELETE, and any other method (only unmatched requests have one). */
#define NMETHODS 7
/* Status classes 1xx..5xx; [0] holds requests that ended without a status (aborted). */
#define NCLASSES 6

struct series {
    _Atomic uint64_t by_class[NCLASSES];
    _Atomic uint64_t bucket[NBUCKETS]; /* not cumulative: rendered cumulative */
    _Atomic uint64_t count;
    _Atomic uint64_t sum_us;
};

static const struct wm_route *g_table;
static size_t g_nroutes;        /* series rows: g_nroutes + 1 (the last: unmatched) */
static struct series *g_series; /* [(route) * NMETHODS + method] */
static _Atomic uint64_t g_bytes_in, g_bytes_out;
static int64_t g_started;

void
wm_metrics_init(const struct wm_route *table)
{
    size_t n = 0;
    while (table && table[n].pattern) {
        n++;
    }
    free(g_series);
    g_table = table;
    g_nroutes = n;
    g_series = wm_calloc((n + 1) * NMETHODS, sizeof *g_series);
    g_started = (int64_t)time(NULL);
}

static unsigned
method_index(enum wm_method m)
{
    for (unsigned i = 0; i < NMETHODS - 1; i++) {
        if ((unsigned)m == 1u << i) {
            return i;
        }
    }
    return NMETHODS - 1;
}

static const char *
method_label(unsigned i)
{
    return NMETHODS - 1 == i ? "OTHER" : wm_method_name((enum wm_method)(1u << i));
}

void
wm_metrics_request(const struct wm_route *rt,
                   enum wm_method m,
                   unsigned status,
                   int64_t us,
                   uint64_t bytes_in,
                   uint64_t bytes_out)
{
    if (NULL == g_series) {
        return;
    }
    size_t row =
        rt && rt >= g_table && rt < g_table + g_nroutes ? (size_t)(rt - g_table) : g_nroutes;
    struct series *s = &g_series[row * NMETHODS + method_index(m)];
    unsigned cls = status >= 100 && status < 600 ? status / 100 : 0;
    atomic_fetch_add_explicit(&s->by_class[cls], 1, memory_order_relaxed);
    for (size_t i = 0; i < NBUCKETS; i++) {
        if (us <= bucket_us[i]) {
            atomic_fetch_add_explicit(&s->bucket[i], 1, memory_order_relaxed);
            break;
        }
    }
    atomic_fetch_add_explicit(&s->count, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&s->sum_us, us > 0 ? (uint64_t)us : 0, memory_order_relaxed);
    atomic_fetch_add_explicit(&g_bytes_in, bytes_in, memory_order_relaxed);
    atomic_fetch_add_explicit(&g_bytes_out, bytes_out, memory_order_relaxed);
}

/* A label value: backslash, double quote and newline escaped. */
static void
label_value(struct wm_buf *b, const char *s)
{
    for (; *s; s++) {
        if ('\\' == *s || '"' == *s) {
            wm_buf_printf(b, "\\%c", *s);
        } else if ('\n' == *s) {
            wm_buf_adds(b, "\\n");
        } else {
            wm_buf_add(b, s, 1);
        }
    }
}

/* {method="GET",route="/api/v1/orgs" — the caller closes the braces. */
static void
series_labels(struct wm_buf *b, size_t row, unsigned m)
{
    wm_buf_printf(b, "{method=\"%s\",route=\"", method_label(m));
    label_value(b, row < g_nroutes ? g_table[row].pattern : "(unmatched)");
    wm_buf_adds(b, "\"");
}

void
wm_metrics_family(struct wm_buf *b, const char *name, const char *type, const char *help)
{
    wm_buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void
render_requests(struct wm_buf *b)
{
    static const char *const cls[NCLASSES] = { "none", "1xx", "2xx", "3xx", "4xx", "5xx" };
    wm_metrics_family(b, "wenming_http_requests_total", "counter",
                      "HTTP requests by route pattern, method and status class.");
    for (size_t i = 0; i < (g_nroutes + 1) * NMETHODS; i++) {
        for (unsigned c = 0; c < NCLASSES; c++) {
            uint64_t n = atomic_load_explicit(&g_series[i].by_class[c], memory_order_relaxed);
            if (n) {
                wm_buf_adds(b, "wenming_http_requests_total");
                series_labels(b, i / NMETHODS, (unsigned)(i % NMETHODS));
                wm_buf_printf(b, ",code=\"%s\"} %llu\n", cls[c], (unsigned long long)n);
            }
        }
    }
}

static void
render_histogram(struct wm_buf *b, size_t i)
{
    const struct series *s = &g_series[i];
    uint64_t count = atomic_load_explicit(&s->count, memory_order_relaxed), cum = 0;
    if (0 == count) {
        return;
    }
    for (size_t k = 0; k < NBUCKETS; k++) {
        cum += atomic_load_explicit(&s->bucket[k], memory_order_relaxed);
        wm_buf_adds(b, "wenming_http_request_duration_seconds_bucket");
        series_labels(b, i / NMETHODS, (unsigned)(i % NMETHODS));
        wm_buf_printf(b, ",le=\"%s\"} %llu\n", bucket_le[k], (unsigned long long)cum);
    }
    if (count < cum) {
        count = cum; /* a request counted in its bucket and not yet in the count */
    }
    uint64_t sum = atomic_load_explicit(&s->sum_us, memory_order_relaxed);
    wm_buf_adds(b, "wenming_http_request_duration_seconds_bucket");
    series_labels(b, i / NMETHODS, (unsigned)(i % NMETHODS));
    wm_buf_printf(b, ",le=\"+Inf\"} %llu\n", (unsigned long long)count);
    wm_buf_adds(b, "wenming_http_request_duration_seconds_sum");
    series_labels(b, i / NMETHODS, (unsigned)(i % NMETHODS));
    wm_buf_printf(b, "} %llu.%06llu\n", (unsigned long long)(sum / 1000000),
                  (unsigned long long)(sum % 1000000));
    wm_buf_adds(b, "wenming_http_request_duration_seconds_count");
    series_labels(b, i / NMETHODS, (unsigned)(i % NMETHODS));
    wm_buf_printf(b, "} %llu\n", (unsigned long long)count);
}

void
wm_metrics_render_http(struct wm_buf *b)
{
    if (NULL == g_series) {
        return;
    }
    render_requests(b);
    wm_metrics_family(b, "wenming_http_request_duration_seconds", "histogram",
                      "Time from a request's first byte to the end of its reply, by route.");
    for (size_t i = 0; i < (g_nroutes + 1) * NMETHODS; i++) {
        render_histogram(b, i);
    }
    wm_metrics_family(b, "wenming_http_received_bytes_total", "counter",
                      "Request body bytes received (uploads, imports, forms).");
    wm_buf_printf(b, "wenming_http_received_bytes_total %llu\n",
                  (unsigned long long)atomic_load(&g_bytes_in));
    wm_metrics_family(b, "wenming_http_sent_bytes_total", "counter",
                      "Response body bytes sent by wenming (not those nginx sends for it).");
    wm_buf_printf(b, "wenming_http_sent_bytes_total %llu\n",
                  (unsigned long long)atomic_load(&g_bytes_out));
    wm_metrics_family(b, "wenming_http_requests_in_flight", "gauge",
                      "Requests being received, handled or answered now.");
    wm_buf_printf(b, "wenming_http_requests_in_flight %u\n", wm_http_inflight());
    wm_metrics_family(b, "process_start_time_seconds", "gauge",
                      "Start time of the process since the Unix epoch in seconds.");
    wm_buf_printf(b, "process_start_time_seconds %lld\n", (long long)g_started);
}

/* end of metrics.c */
