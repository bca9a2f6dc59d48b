/*
** wm_http.h — the HTTP layer over libmicrohttpd: the route table's types, the
** per-request context, body parsing and replies.
**
** Life of a request: MHD calls the access handler first with no body.  There the route is
** matched (404/405 with Allow), the caller authenticated (cookie or bearer token), the
** role checked against the route's roles (403) and Content-Length against the route's
** body limit (413) — all before any body byte is read.  Later calls buffer the body; the
** last call parses it (JSON, form or multipart), checks the CSRF token and runs the
** handler, which queues exactly one reply through the wm_reply_* functions.  The context
** is freed in the completion callback, which also writes the access-log line.
*/
#ifndef WM_HTTP_H
#define WM_HTTP_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>
#include <microhttpd.h>

#include "wm_core.h"
#include "wm_db.h"
#include "wm_util.h"

enum wm_method {
    WM_GET = 1,
    WM_HEAD = 2,
    WM_POST = 4,
    WM_PUT = 8,
    WM_PATCH = 16,
    WM_DELETE = 32,
};

/** The HTTP name of a method ("GET" …), "OTHER" for anything else. */
const char *wm_method_name(enum wm_method m);

enum wm_route_flags {
    WM_R_AUTH = 1,        /* a logged-in caller is required (401, or a redirect for pages) */
    WM_R_CSRF = 2,        /* a state change: cookie callers must present the CSRF token */
    WM_R_HTML = 4,        /* a page: errors render as HTML, anonymous callers go to /login */
    WM_R_JSON = 8,        /* the body is JSON (application/json) */
    WM_R_FORM = 16,       /* the body is a form (urlencoded or multipart) */
    WM_R_PWCHANGE = 32,   /* allowed while the caller must still change the password */
    WM_R_PRECSRF = 64,    /* anonymous form: double-submit token against a pre-login cookie */
    WM_R_RAW = 128,       /* with WM_R_FORM: a body that is not a form is kept raw in r->body */
    WM_R_UPLOAD = 256,    /* multipart files stream through the upload ops, never into memory */
    WM_R_PACKAGE = 512,   /* with WM_R_UPLOAD: the file is an archive package (a ZIP) */
    /* issue 13, totp: allowed while a cookie caller must still enrol its second factor */
    WM_R_TOTP = 1024,
};

struct wm_req;
typedef void (*wm_handler)(struct wm_req *r);

struct wm_route {
    unsigned methods;    /* WM_GET | ...; GET routes also answer HEAD */
    const char *pattern; /* "/api/v1/units/{id}": {id} matches a positive integer, {s} any
                            segment, a final "*" the rest of the path */
    wm_handler fn;
    unsigned flags;
    unsigned roles; /* WM_ROLE_BIT()s allowed; 0 = anyone (anonymous too unless WM_R_AUTH) */
    size_t max_body; /* 0 = the configured default */
};

/* The route table (routes/routes.c), terminated by a NULL pattern. */
extern const struct wm_route wm_routes[];
/** The table the server dispatches from (routes/ registers wm_routes at startup). */
void wm_http_set_routes(const struct wm_route *table);

/* The per-request context. */
struct wm_req {
    struct MHD_Connection *conn;
    const struct wm_route *route;
    enum wm_method method;
    char *path;         /* decoded path, without the query */
    int64_t ids[4];     /* the {id} parameters in order */
    char *segs[4];      /* the {s} parameters in order */
    unsigned nids, nsegs;
    char rid[40];       /* request id */
    char addr[64];      /* client address */
    int64_t start_us;
    bool first_done;
    /* body */
    struct wm_buf body;
    bool body_too_large;
    json_t *json;       /* parsed JSON body (WM_R_JSON) */
    json_t *form;       /* form fields: name -> string (WM_R_FORM) */
    char *field_key;    /* the multipart text field being received, and its bytes so far */
    struct wm_buf field;
    struct wm_buf file; /* the uploaded file of a multipart form (first file field) */
    char *file_name;    /* its client-side name (metadata only, never a path) */
    char *file_field;
    /* caller */
    struct wm_principal *who; /* NULL when anonymous */
    struct wm_actor actor;
    char *session_token;      /* raw cookie value when authenticated by cookie */
    char *csrf;               /* the session's CSRF token (cookie callers) */
    bool via_cookie;
    struct wm_db *db;
    /* reply */
    struct MHD_Response *resp;
    unsigned status;
    uint64_t bytes;
    json_t *headers; /* extra response headers: name -> string (Set-Cookie may repeat) */
    struct wm_buf setcookies;
    void *hctx;
    void (*hctx_free)(void *);
    /* streamed multipart (WM_R_UPLOAD) */
    struct MHD_PostProcessor *pp;
    void *ufile;          /* the file being received, from the upload ops */
    bool stream_bad;      /* malformed or truncated multipart */
    uint64_t streamed;    /* body bytes seen */
    /* bounds */
    int64_t content_length; /* announced, -1 when none */
    uint64_t received;      /* body bytes received (kept or dropped) */
    unsigned nfields;       /* form fields seen */
    bool form_overflow;     /* more than the form field limit */
    size_t json_cost;       /* bytes the JSON body's parse allocated */
};

/*
** How WM_R_UPLOAD routes receive files: begin() when a file field starts (returns the
** route's handle), data() for each chunk, end() when it is complete.  The route keeps its
** files in r->hctx and releases unfinished ones in r->hctx_free (which also runs when the
** client disconnects mid-upload).
*/
struct wm_upload_ops {
    void *(*begin)(struct wm_req *r, const char *field, const char *filename);
    void (*data)(struct wm_req *r, void *file, const char *p, size_t n);
    void (*end)(struct wm_req *r, void *file);
};
void wm_http_set_upload_ops(const struct wm_upload_ops *ops);

/*
** How an error is shown to a browser (a route with WM_R_HTML): the page chrome belongs to
** the routes, which register the renderer at startup.  Until one is registered (or when
** fn is NULL) a bare HTML page with the status and the message goes out.
*/
typedef void (*wm_error_page_fn)(struct wm_req *r, unsigned status, const char *code,
                                 const char *message, const char *detail);
void wm_http_set_error_page(wm_error_page_fn fn);

/* ---------------------------------------------------------------- server */

struct wm_server_opts {
    const char *listen; /* "127.0.0.1:8080" */
    unsigned threads;
    unsigned max_connections;
    unsigned max_connections_per_ip; /* 0 = no limit; trusted proxies are exempt */
    unsigned connection_timeout;     /* idle seconds */
    unsigned request_timeout;        /* seconds for headers, and a non-upload body (0 = none) */
    unsigned upload_min_rate;        /* bytes/s an upload body averages after request_timeout */
    size_t max_body;                 /* form bodies, routes without their own limit */
    size_t max_json_body;            /* JSON bodies, routes without their own limit */
    const char *trusted_proxies;     /* addresses/CIDRs whose X-Forwarded-For is believed */
    const char *metrics_allow;       /* addresses/CIDRs that may read GET /metrics */
    bool cookie_secure;
    unsigned ip_attempts;
    unsigned ip_window;
    struct wm_auth_policy auth;
};

struct wm_server;
/** Start listening; NULL with err filled on failure. */
struct wm_server *wm_server_start(const struct wm_server_opts *o, char *err, size_t errlen);
/** The bound port (useful with port 0). */
unsigned wm_server_port(const struct wm_server *s);
/** Stop accepting, let in-flight requests finish (up to timeout_s), stop. */
void wm_server_stop(struct wm_server *s, unsigned timeout_s);
/** The options the server runs with (for handlers). */
const struct wm_server_opts *wm_server_options(void);
/** Requests in flight now (received, handled or being answered). */
unsigned wm_http_inflight(void);
/** Whether the client (r->addr: behind a trusted proxy, the client it forwards for) is in
** metrics_allow. */
bool wm_req_metrics_allowed(struct wm_req *r);

/* ---------------------------------------------------------------- metrics (metrics.c) */

/** Size the counters for a route table (wm_http_set_routes calls it). */
void wm_metrics_init(const struct wm_route *table);
/** Count a finished request (the completion callback): its route (NULL: none matched),
** method, status (0: none), duration and body bytes in and out.  Lock-free. */
void wm_metrics_request(const struct wm_route *rt, enum wm_method m, unsigned status, int64_t us,
                        uint64_t bytes_in, uint64_t bytes_out);
/** "# HELP name help" and "# TYPE name type" lines of a metric family. */
void wm_metrics_family(struct wm_buf *b, const char *name, const char *type, const char *help);
/** The HTTP layer's metrics in the Prometheus text format: requests by route, method and
** status class, latency histograms, body bytes, requests in flight, the start time. */
void wm_metrics_render_http(struct wm_buf *b);

/* ---------------------------------------------------------------- request helpers */

/** A query argument (valid UTF-8, else NULL), borrowed. */
const char *wm_req_arg(struct wm_req *r, const char *name);
/** A request header, borrowed. */
const char *wm_req_header(struct wm_req *r, const char *name);
/** A form field (valid UTF-8, trimmed), borrowed; NULL when absent. */
const char *wm_form(struct wm_req *r, const char *name);
/** Page parameters from ?limit=&cursor= (limit 1..200, default dflt). false: replied 400. */
bool wm_req_page(struct wm_req *r, struct wm_page *pg, unsigned dflt);
/** Record an IP-level failed login; true when the address is now throttled. */
bool wm_ip_throttled(const char *addr, bool record_failure);

/*
** Declarative JSON body checks: each field names a key, its type and limits; unknown keys
** are an error naming the key, as is a missing required key or a wrong type.
*/
enum wm_jtype { WM_J_STR, WM_J_INT, WM_J_BOOL, WM_J_STRARRAY };
struct wm_jfield {
    const char *name;
    enum wm_jtype type;
    bool required;
    size_t max; /* strings: max code points; ints: max value; arrays: max items */
};
/** Check r->json against spec; false when a 400 has been queued. */
bool wm_json_check(struct wm_req *r, const struct wm_jfield *spec);
/** Borrowed string member of the body (NULL when absent). */
const char *wm_jstr(struct wm_req *r, const char *name);
/** Integer member of the body, dflt when absent. */
int64_t wm_jint(struct wm_req *r, const char *name, int64_t dflt);

/* ---------------------------------------------------------------- replies */

/** Withdraw a queued reply (not yet sent) so that another, an error, can go instead. */
void wm_reply_drop(struct wm_req *r);
void wm_reply_json(struct wm_req *r, unsigned status, json_t *body_steal);
/** A reply of JSON text made elsewhere (the store), stolen. */
void wm_reply_json_text(struct wm_req *r, unsigned status, char *text_steal);
/** The JSON text of body, as it is (routes/repr.c has rendered its times); steals body. */
char *wm_api_text(json_t *body_steal);
/** An error as JSON or as an HTML page, by the route. detail may be NULL. */
void wm_reply_err(struct wm_req *r, enum wm_err e, const char *field, const char *detail);
void wm_reply_fail(struct wm_req *r, const struct wm_fail *f);
/** A finished HTML document (body stolen). */
void wm_reply_html(struct wm_req *r, unsigned status, struct wm_buf *body);
void wm_reply_redirect(struct wm_req *r, const char *location);
void wm_reply_data(struct wm_req *r, unsigned status, const char *ctype, const void *data,
                   size_t len, bool copy);
/** Add a response header (copied). */
void wm_req_add_header(struct wm_req *r, const char *name, const char *value);
void wm_req_set_cookie(struct wm_req *r, const char *name, const char *value, int max_age);
/** The value of the request's cookie name (borrowed), NULL when absent (issue 13, totp). */
const char *wm_req_cookie(struct wm_req *r, const char *name);

#endif /* WM_HTTP_H */
