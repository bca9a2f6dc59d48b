/*
** server.c — the daemon and the life of a request (see wm_http.h for the overview).
**
** Threading: MHD's internal thread pool with poll(); a connection stays on one worker, so
** each worker lazily opens its own store connection (wm_db_thread).  Shutdown quiesces
** the listening socket, waits for in-flight requests, then stops the daemon.
**
** Hostile clients (issue 7): bodies are bounded per route before a byte is read, JSON is
** parsed under wm_json_parse's limits (values, depth, estimated memory), a large request gives
** its memory back to the system when it ends (malloc_trim), one address may hold only
** max_connections_per_ip connections, and a watchdog thread shuts down connections whose
** headers or body trickle past request_timeout (libmicrohttpd's own timeout is an idle
** timeout, which every trickled byte renews).  The client address is the TCP peer, or
** what a trusted proxy says in X-Forwarded-For / X-Real-IP.
*/
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <malloc.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>

#include "wm_http.h"
#include "wm_json.h"

struct wm_server {
    struct MHD_Daemon *d;
    struct wm_server_opts opts;
    unsigned port;
};

static struct wm_server_opts g_opts;
static atomic_int g_inflight;

const struct wm_server_opts *
wm_server_options(void)
{
    return &g_opts;
}

unsigned
wm_http_inflight(void)
{
    int n = atomic_load(&g_inflight);
    return n > 0 ? (unsigned)n : 0;
}

static int64_t
now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* ---------------------------------------------------------------- IP throttle */

struct ip_slot {
    char addr[64];
    int64_t since;
    unsigned fails;
};
static struct ip_slot ip_slots[512];
static pthread_mutex_t ip_lock = PTHREAD_MUTEX_INITIALIZER;

bool
wm_ip_throttled(const char *addr, bool record_failure)
{
    uint32_t h = 2166136261u;
    for (const char *p = addr; *p; p++) {
        h = (h ^ (unsigned char)*p) * 16777619u;
    }
    struct ip_slot *s = &ip_slots[h % WM_ARRAY_LEN(ip_slots)];
    int64_t now = wm_now();
    bool throttled;
    pthread_mutex_lock(&ip_lock);
    if (!wm_streq(s->addr, addr) || now - s->since > (int64_t)g_opts.ip_window) {
        snprintf(s->addr, sizeof s->addr, "%s", addr);
        s->since = now;
        s->fails = 0;
    }
    if (record_failure) {
        s->fails++;
    }
    throttled = g_opts.ip_attempts && s->fails >= g_opts.ip_attempts;
    pthread_mutex_unlock(&ip_lock);
    return throttled;
}

/* ---------------------------------------------------------------- addresses, proxies */

/* An address in binary: IPv4 as AF_INET (4 bytes of a), IPv6 as AF_INET6 (16 bytes); an
** IPv4-mapped IPv6 address (::ffff:a.b.c.d) is taken as the IPv4 address it carries. */
struct ipaddr {
    int family;
    unsigned char a[16];
};

/* A trusted proxy: an address with a prefix length (a CIDR range). */
struct ipnet {
    struct ipaddr ip;
    unsigned bits;
};

static struct ipnet *g_trusted;
static size_t g_ntrusted;
static struct ipnet *g_metrics_allow; /* who may read GET /metrics */
static size_t g_nmetrics_allow;

static void
ip_unmap(struct ipaddr *ip)
{
    static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (AF_INET6 == ip->family && 0 == memcmp(ip->a, mapped, 12)) {
        memmove(ip->a, ip->a + 12, 4);
        memset(ip->a + 4, 0, 12);
        ip->family = AF_INET;
    }
}

static bool
ip_parse(const char *s, struct ipaddr *ip)
{
    memset(ip, 0, sizeof *ip);
    if (1 == inet_pton(AF_INET, s, ip->a)) {
        ip->family = AF_INET;
        return true;
    }
    if (1 == inet_pton(AF_INET6, s, ip->a)) {
        ip->family = AF_INET6;
        ip_unmap(ip);
        return true;
    }
    return false;
}

static bool
ip_of_sockaddr(const struct sockaddr *sa, struct ipaddr *ip)
{
    memset(ip, 0, sizeof *ip);
    if (NULL == sa) {
        return false;
    }
    if (AF_INET == sa->sa_family) {
        ip->family = AF_INET;
        memcpy(ip->a, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, 4);
        return true;
    }
    if (AF_INET6 == sa->sa_family) {
        ip->family = AF_INET6;
        memcpy(ip->a, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, 16);
        ip_unmap(ip);
        return true;
    }
    return false;
}

static void
ip_format(const struct ipaddr *ip, char *out, size_t len)
{
    if (NULL == inet_ntop(ip->family, ip->a, out, (socklen_t)len)) {
        snprintf(out, len, "-");
    }
}

static bool
ip_in_net(const struct ipaddr *ip, const struct ipnet *n)
{
    if (ip->family != n->ip.family) {
        return false;
    }
    unsigned full = n->bits / 8, rest = n->bits % 8;
    if (memcmp(ip->a, n->ip.a, full)) {
        return false;
    }
    if (rest) {
        unsigned char mask = (unsigned char)(0xffu << (8 - rest));
        return (ip->a[full] & mask) == (n->ip.a[full] & mask);
    }
    return true;
}

static bool
ip_in_nets(const struct ipaddr *ip, const struct ipnet *nets, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (ip_in_net(ip, &nets[i])) {
            return true;
        }
    }
    return false;
}

static bool
ip_trusted(const struct ipaddr *ip)
{
    return ip_in_nets(ip, g_trusted, g_ntrusted);
}

/* "127.0.0.1, ::1, 10.0.0.0/8" (the configuration key named key) into *nets.  -1 with err
** filled on a bad entry. */
static int
nets_parse(const char *key, const char *list, struct ipnet **nets, size_t *count, char *err,
           size_t errlen)
{
    struct ipnet *list_nets = NULL; /* the list being built */
    size_t nlist = 0;
    free(*nets);
    *nets = NULL;
    *count = 0;
    for (const char *s = list ? list : ""; *s;) {
        size_t n = strcspn(s, ", \t");
        if (0 == n) {
            s++;
            continue;
        }
        char tok[80];
        struct ipnet net = {0};
        int64_t bits = -1;
        bool ok = n < sizeof tok;
        if (ok) {
            memcpy(tok, s, n);
            tok[n] = '\0';
            char *slash = strchr(tok, '/');
            if (slash) {
                *slash = '\0';
                ok = wm_parse_i64(slash + 1, 0, 128, &bits);
            }
            ok = ok && ip_parse(tok, &net.ip);
        }
        unsigned maxbits = AF_INET == net.ip.family ? 32 : 128;
        if (!ok || bits > (int64_t)maxbits) {
            snprintf(err, errlen,
                     "%s: bad entry '%.*s' (use addresses or CIDR ranges, e.g. "
                     "127.0.0.1, ::1, 10.0.0.0/8)",
                     key, (int)(n > 80 ? 80 : n), s);
            free(list_nets);
            return -1;
        }
        net.bits = bits < 0 ? maxbits : (unsigned)bits;
        list_nets = wm_realloc(list_nets, (nlist + 1) * sizeof *list_nets);
        list_nets[nlist++] = net;
        s += n;
    }
    *nets = list_nets;
    *count = nlist;
    return 0;
}

bool
wm_req_metrics_allowed(struct wm_req *r)
{
    struct ipaddr ip;
    return ip_parse(r->addr, &ip) && ip_in_nets(&ip, g_metrics_allow, g_nmetrics_allow);
}

/* Every X-Forwarded-For header of the request, joined with commas in order. */
static enum MHD_Result
collect_xff(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    struct wm_buf *b = cls;
    (void)kind;
    if (key && value && 0 == strcasecmp(key, "X-Forwarded-For")) {
        wm_buf_printf(b, "%s%s", b->len ? "," : "", value);
    }
    return MHD_YES;
}

/*
** The client behind a trusted proxy: X-Forwarded-For walked from the right (each proxy
** appends the address it received from), skipping trusted proxies; the first address that
** is not one is the client.  Without that header, X-Real-IP.  An entry that is not an
** address stops the walk at the last address that was verified.
*/
static void
forwarded_client(struct MHD_Connection *conn, struct ipaddr *ip)
{
    struct wm_buf b = {0};
    MHD_get_connection_values(conn, MHD_HEADER_KIND, collect_xff, &b);
    if (b.len) {
        char *s = b.data;
        size_t end = b.len;
        while (end > 0) {
            size_t start = end;
            while (start > 0 && ',' != s[start - 1]) {
                start--;
            }
            s[end] = '\0';
            char *tok = wm_trim(s + start);
            struct ipaddr hop;
            if (!ip_parse(tok, &hop)) {
                break;
            }
            *ip = hop;
            if (!ip_trusted(&hop)) {
                break;
            }
            end = start ? start - 1 : 0;
        }
    } else {
        const char *real = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-Real-IP");
        struct ipaddr hop;
        char tmp[80];
        if (real && strlen(real) < sizeof tmp) {
            snprintf(tmp, sizeof tmp, "%s", real);
            if (ip_parse(wm_trim(tmp), &hop)) {
                *ip = hop;
            }
        }
    }
    wm_buf_free(&b);
}

/* ---------------------------------------------------------------- connections */

/*
** Every open connection has a slot (its socket context): the per-address count for
** max_connections_per_ip, and the phase the watchdog judges.  Slots are linked in one list
** under g_conn_lock; the phase fields are atomics the request's thread updates.
*/
enum conn_phase {
    PH_WAIT,  /* waiting for a request's headers (since the connection opened or the last
                 request ended) */
    PH_BODY,  /* receiving a body */
    PH_BUSY,  /* handling or sending: no deadline (the idle timeout still holds) */
};

struct conn_slot {
    struct conn_slot *prev, *next;
    MHD_socket fd;
    struct ipaddr ip;
    char addr[64];
    bool counted;         /* in the per-address count (trusted proxies are not) */
    bool cut;             /* shut down by the watchdog */
    atomic_bool got_line; /* the request line of the current request has arrived */
    atomic_int phase;
    atomic_bool by_rate;  /* a large body: judged by upload_min_rate, not the deadline */
    _Atomic int64_t since_us;
    _Atomic uint64_t bytes;
};

struct ip_count {
    struct ip_count *next;
    struct ipaddr ip;
    unsigned n;
};

static pthread_mutex_t g_conn_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t g_wd_cond = PTHREAD_COND_INITIALIZER;
static struct conn_slot *g_conns;
static struct ip_count *g_ipc[1024];
static bool g_wd_stop;
static pthread_t g_wd;
static bool g_wd_running;
static atomic_uint g_refused_per_ip;

static struct ip_count **
ipc_find(const struct ipaddr *ip)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < sizeof ip->a; i++) {
        h = (h ^ ip->a[i]) * 16777619u;
    }
    struct ip_count **pp = &g_ipc[h % WM_ARRAY_LEN(g_ipc)];
    while (*pp && !((*pp)->ip.family == ip->family && 0 == memcmp((*pp)->ip.a, ip->a, 16))) {
        pp = &(*pp)->next;
    }
    return pp;
}

/* The accept policy: refuse a connection from an address that holds its share already. */
static enum MHD_Result
on_accept(void *cls, const struct sockaddr *sa, socklen_t len)
{
    struct ipaddr ip;
    (void)cls;
    (void)len;
    if (0 == g_opts.max_connections_per_ip || !ip_of_sockaddr(sa, &ip) || ip_trusted(&ip)) {
        return MHD_YES;
    }
    pthread_mutex_lock(&g_conn_lock);
    struct ip_count *c = *ipc_find(&ip);
    bool full = c && c->n >= g_opts.max_connections_per_ip;
    pthread_mutex_unlock(&g_conn_lock);
    if (full) {
        /* One line per 100 refusals: a flood must not flood the log too. */
        if (0 == atomic_fetch_add(&g_refused_per_ip, 1) % 100) {
            char a[64];
            ip_format(&ip, a, sizeof a);
            wm_log(WM_LOG_WARN, "refused a connection from %s: it holds %u already "
                   "(max_connections_per_ip)", a, g_opts.max_connections_per_ip);
        }
        return MHD_NO;
    }
    return MHD_YES;
}

static void
on_connection(void *cls, struct MHD_Connection *conn, void **ctx,
              enum MHD_ConnectionNotificationCode code)
{
    (void)cls;
    if (MHD_CONNECTION_NOTIFY_STARTED == code) {
        struct conn_slot *c = wm_calloc(1, sizeof *c);
        const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
        c->fd = ci ? ci->connect_fd : MHD_INVALID_SOCKET;
        ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
        if (ci && ip_of_sockaddr(ci->client_addr, &c->ip)) {
            ip_format(&c->ip, c->addr, sizeof c->addr);
            c->counted = !ip_trusted(&c->ip);
        } else {
            snprintf(c->addr, sizeof c->addr, "-");
        }
        atomic_store(&c->phase, PH_WAIT);
        atomic_store(&c->since_us, now_us());
        pthread_mutex_lock(&g_conn_lock);
        c->next = g_conns;
        if (g_conns) {
            g_conns->prev = c;
        }
        g_conns = c;
        if (c->counted) {
            struct ip_count **pp = ipc_find(&c->ip);
            if (NULL == *pp) {
                *pp = wm_calloc(1, sizeof **pp);
                (*pp)->ip = c->ip;
            }
            (*pp)->n++;
        }
        pthread_mutex_unlock(&g_conn_lock);
        *ctx = c;
        return;
    }
    struct conn_slot *c = *ctx;
    if (NULL == c) {
        return;
    }
    pthread_mutex_lock(&g_conn_lock);
    if (c->prev) {
        c->prev->next = c->next;
    } else {
        g_conns = c->next;
    }
    if (c->next) {
        c->next->prev = c->prev;
    }
    if (c->counted) {
        struct ip_count **pp = ipc_find(&c->ip);
        if (*pp && 0 == --(*pp)->n) {
            struct ip_count *dead = *pp;
            *pp = dead->next;
            free(dead);
        }
    }
    pthread_mutex_unlock(&g_conn_lock);
    free(c);
    *ctx = NULL;
}

static struct conn_slot *
conn_slot(struct MHD_Connection *conn)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return ci ? ci->socket_context : NULL;
}

static void
conn_phase(struct conn_slot *c, enum conn_phase ph)
{
    if (c) {
        atomic_store(&c->since_us, now_us());
        atomic_store(&c->bytes, 0);
        atomic_store(&c->phase, (int)ph);
        if (PH_WAIT == ph) {
            atomic_store(&c->got_line, false);
        }
    }
}

/* The request line has arrived (MHD's URI logger; it must return the initial con_cls). */
static void *
on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
    struct conn_slot *c = conn_slot(conn);
    (void)cls;
    (void)uri;
    if (c) {
        atomic_store(&c->since_us, now_us()); /* the headers' deadline runs from here */
        atomic_store(&c->got_line, true);
    }
    return NULL;
}

/*
** The watchdog: twice a second, shut down the socket of every connection past its
** deadline (libmicrohttpd then sees the end of the stream and closes the connection,
** aborting its request).  A slot leaves the list, under the lock, before libmicrohttpd
** closes its socket, so the descriptor shut down here is always still that connection's.
*/
static void *
watchdog(void *arg)
{
    (void)arg;
    int64_t limit = (int64_t)g_opts.request_timeout * 1000000;
    /* Before a request line, a connection may idle as long as connection_timeout allows
    ** (libmicrohttpd closes a silent one then); one whose request line trickles is cut
    ** request_timeout later. */
    int64_t idle = (int64_t)g_opts.connection_timeout * 1000000 + limit;
    pthread_mutex_lock(&g_conn_lock);
    while (!g_wd_stop) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts); /* the condition's clock */
        ts.tv_nsec += 500000000;
        if (ts.tv_nsec >= 1000000000) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000;
        }
        pthread_cond_timedwait(&g_wd_cond, &g_conn_lock, &ts);
        int64_t now = now_us();
        for (struct conn_slot *c = g_conns; c && !g_wd_stop; c = c->next) {
            int ph = atomic_load(&c->phase);
            int64_t age = now - atomic_load(&c->since_us);
            const char *why = NULL;
            bool got_line = atomic_load(&c->got_line);
            if (c->cut || PH_BUSY == ph || age <= (PH_WAIT == ph && !got_line ? idle : limit)) {
                continue;
            }
            if (PH_WAIT == ph) {
                why = got_line ? "request headers not complete" : "no request line";
            } else if (!atomic_load(&c->by_rate)) {
                why = "request body not complete";
            } else if ((double)atomic_load(&c->bytes) <
                       (double)g_opts.upload_min_rate * (double)age / 1e6) {
                why = "upload slower than upload_min_rate";
            }
            if (NULL == why) {
                continue;
            }
            c->cut = true;
            wm_log(WM_LOG_WARN, "closing a connection from %s: %s within %u s", c->addr, why,
                   (unsigned)((PH_WAIT == ph && !got_line ? idle : limit) / 1000000));
            if (MHD_INVALID_SOCKET != c->fd) {
                shutdown(c->fd, SHUT_RDWR);
            }
        }
    }
    pthread_mutex_unlock(&g_conn_lock);
    return NULL;
}

/* ---------------------------------------------------------------- routing */

static enum wm_method
method_of(const char *m)
{
    static const struct {
        const char *name;
        enum wm_method m;
    } tab[] = {{"GET", WM_GET},     {"HEAD", WM_HEAD},   {"POST", WM_POST},
               {"PUT", WM_PUT},     {"PATCH", WM_PATCH}, {"DELETE", WM_DELETE}};
    for (size_t i = 0; i < WM_ARRAY_LEN(tab); i++) {
        if (wm_streq(m, tab[i].name)) {
            return tab[i].m;
        }
    }
    return 0;
}

const char *
wm_method_name(enum wm_method m)
{
    switch (m) {
    case WM_GET:
        return "GET";
    case WM_HEAD:
        return "HEAD";
    case WM_POST:
        return "POST";
    case WM_PUT:
        return "PUT";
    case WM_PATCH:
        return "PATCH";
    case WM_DELETE:
        return "DELETE";
    }
    return "OTHER";
}

/* Match path against pattern, filling r's parameters on success. */
static bool
route_match(const char *pattern, const char *path, struct wm_req *r)
{
    const char *p = pattern, *s = path;
    unsigned nids = 0, nsegs = 0;
    int64_t ids[4];
    const char *segs[4];
    size_t seglens[4];
    while (*p && *s) {
        if ('*' == *p) {
            s += strlen(s);
            p++;
            break;
        }
        if ('{' == *p) {
            const char *close = strchr(p, '}');
            size_t n = strcspn(s, "/");
            if (NULL == close || 0 == n) {
                return false;
            }
            if (0 == strncmp(p, "{id}", 4)) {
                char tmp[24];
                int64_t v;
                if (n >= sizeof tmp || nids >= 4) {
                    return false;
                }
                memcpy(tmp, s, n);
                tmp[n] = '\0';
                if (!wm_parse_i64(tmp, 1, INT64_MAX, &v) || '+' == tmp[0]) {
                    return false;
                }
                ids[nids++] = v;
            } else {
                if (nsegs >= 4) {
                    return false;
                }
                segs[nsegs] = s;
                seglens[nsegs++] = n;
            }
            p = close + 1;
            s += n;
            continue;
        }
        if (*p != *s) {
            return false;
        }
        p++;
        s++;
    }
    if ('*' == *p) {
        p++;
    }
    if (*p || *s) {
        return false;
    }
    if (r) {
        memcpy(r->ids, ids, sizeof ids);
        r->nids = nids;
        for (unsigned i = 0; i < nsegs; i++) {
            r->segs[i] = wm_strndup(segs[i], seglens[i]);
        }
        r->nsegs = nsegs;
    }
    return true;
}

static bool
path_ok(const char *path)
{
    size_t n = strlen(path);
    if (n == 0 || n > 2048 || '/' != path[0] || !wm_utf8_valid(path, n) || wm_has_control(path) ||
        strchr(path, '\\')) {
        return false;
    }
    /* No "." or ".." segment, however it was encoded (MHD has decoded the path). */
    for (const char *s = path; s; s = strchr(s + 1, '/')) {
        const char *seg = s + 1;
        size_t len = strcspn(seg, "/");
        if ((1 == len && '.' == seg[0]) || (2 == len && 0 == strncmp(seg, "..", 2))) {
            return false;
        }
    }
    return true;
}

/* Every query argument must be valid UTF-8 without control characters. */
static enum MHD_Result
arg_check(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    const char **bad = cls;
    (void)kind;
    if ((key && (!wm_utf8_valid(key, strlen(key)) || wm_has_control(key))) ||
        (value && (!wm_utf8_valid(value, strlen(value)) || wm_has_control(value)))) {
        *bad = key && wm_utf8_valid(key, strlen(key)) && !wm_has_control(key) ? key : "query";
        return MHD_NO;
    }
    return MHD_YES;
}

static void
allow_header(struct wm_req *r, unsigned methods)
{
    static const char *names[] = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"};
    struct wm_buf b = {0};
    if (methods & WM_GET) {
        methods |= WM_HEAD;
    }
    for (unsigned i = 0; i < 6; i++) {
        if (methods & (1u << i)) {
            wm_buf_printf(&b, "%s%s", b.len ? ", " : "", names[i]);
        }
    }
    wm_req_add_header(r, "Allow", wm_buf_str(&b));
    wm_buf_free(&b);
}

/* ---------------------------------------------------------------- request life */

static const char *
cookie_value(struct wm_req *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, name);
}

const char *
wm_req_cookie(struct wm_req *r, const char *name)
{
    return cookie_value(r, name);
}

static const struct wm_route *g_routes;

void
wm_http_set_routes(const struct wm_route *table)
{
    g_routes = table;
    wm_metrics_init(table);
}

static void
req_authenticate(struct wm_req *r)
{
    const char *authz = wm_req_header(r, MHD_HTTP_HEADER_AUTHORIZATION);
    int64_t uid = 0;
    if (authz) {
        if (0 == strncasecmp(authz, "Bearer ", 7)) {
            r->who = wm_token_principal(r->db, authz + 7);
        }
        if (NULL == r->who && wm_db_failed(r->db)) {
            /* the store failed, not the token: say so (500/503) */
            wm_reply_err(r, WM_QS_SOFT == r->db->status ? WM_E_UNAVAILABLE : WM_E_INTERNAL,
                         NULL, NULL);
            return;
        }
        if (NULL == r->who) {
            wm_reply_err(r, WM_E_UNAUTHORIZED, NULL, _("令牌无效、已吊销，或账号已停用"));
            return;
        }
        r->actor.p = r->who;
        return;
    } else {
        const char *cookie = cookie_value(r, "wm_session");
        char *csrf = NULL;
        enum wm_err se = cookie ? wm_session_check(r->db, &g_opts.auth, cookie, &uid, &csrf)
                                : WM_E_UNAUTHORIZED;
        if (WM_OK == se) {
            r->session_token = wm_strdup(cookie);
            r->actor.session = r->session_token;
            r->csrf = csrf;
            r->via_cookie = true;
        } else if (WM_E_INTERNAL == se || WM_E_UNAVAILABLE == se) {
            /* the store failed, not the cookie: keep it, and say so (500/503) */
            wm_reply_err(r, se, NULL, NULL);
            return;
        } else if (cookie) {
            /* A forged or expired cookie: drop it, carry on as anonymous. */
            wm_req_set_cookie(r, "wm_session", "", 0);
            uid = 0;
        }
    }
    if (uid) {
        r->who = wm_principal_load(r->db, uid);
        if (NULL == r->who && wm_db_failed(r->db)) {
            wm_reply_err(r, WM_QS_SOFT == r->db->status ? WM_E_UNAVAILABLE : WM_E_INTERNAL,
                         NULL, NULL);
            return;
        }
        if (NULL == r->who && authz) {
            wm_reply_err(r, WM_E_UNAUTHORIZED, NULL, _("账号已停用"));
        }
    }
    r->actor.p = r->who;
}

static void
redirect_login(struct wm_req *r)
{
    struct wm_buf b = {0};
    wm_buf_adds(&b, "/login?next=");
    wm_url_encode(&b, r->path);
    wm_reply_redirect(r, wm_buf_str(&b));
    wm_buf_free(&b);
}

static bool
has_body(struct wm_req *r)
{
    const char *cl = wm_req_header(r, MHD_HTTP_HEADER_CONTENT_LENGTH);
    return (cl && !wm_streq(cl, "0")) || wm_req_header(r, MHD_HTTP_HEADER_TRANSFER_ENCODING);
}

/* A body on a route that takes none is read and dropped, up to this size. */
#define WM_NO_BODY_MAX ((size_t)8192)
/* Form fields in one request (urlencoded or multipart). */
#define WM_FORM_MAX_FIELDS 10000
/* Bodies up to this size have request_timeout to arrive; larger ones (imports, uploads)
** are judged by their average rate (upload_min_rate). */
#define WM_BODY_BY_RATE ((size_t)1 << 20)
/* What parsing a request's JSON body may cost (wm_json.h). */
static const struct wm_json_limits req_json_limits = {
    .max_values = 500000, .max_depth = 32, .max_alloc = (size_t)64 << 20};

static bool
route_takes_body(const struct wm_route *rt)
{
    return rt && (rt->flags & (WM_R_JSON | WM_R_FORM));
}

/* The route's own limit, else the default for its kind of body. */
static size_t
req_max_body(const struct wm_req *r)
{
    const struct wm_route *rt = r->route;
    if (rt && rt->max_body) {
        return rt->max_body;
    }
    if (!route_takes_body(rt)) {
        return WM_NO_BODY_MAX;
    }
    return (rt->flags & WM_R_FORM) ? g_opts.max_body : g_opts.max_json_body;
}

static bool is_streamed(struct wm_req *r);

/* A request whose body or parse took this much memory trims the heap when it ends. */
#define WM_TRIM_AFTER ((size_t)1 << 20)

/* The limit of a body held in memory: an upload route's own limit is for multipart files
** streamed to disk; anything else sent to it is buffered, so max_body holds. */
static size_t
req_max_buffered(struct wm_req *r)
{
    size_t m = req_max_body(r);
    if (r->route && (r->route->flags & WM_R_UPLOAD) && !is_streamed(r) && m > g_opts.max_body) {
        m = g_opts.max_body;
    }
    return m;
}

/* Header checks before anything else: a request whose body length is ambiguous (two
** Content-Length headers, or one with Transfer-Encoding) is refused, and its connection
** closed, since a proxy in front may have framed the body differently. */
struct hdr_counts {
    unsigned cl, te;
};

static enum MHD_Result
count_framing(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    struct hdr_counts *c = cls;
    (void)kind;
    (void)value;
    if (key && 0 == strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH)) {
        c->cl++;
    } else if (key && 0 == strcasecmp(key, MHD_HTTP_HEADER_TRANSFER_ENCODING)) {
        c->te++;
    }
    return MHD_YES;
}

/* The first call: everything that can be decided before the body is read. */
static void
req_first(struct wm_req *r, const char *url, const char *method)
{
    r->method = method_of(method);
    r->path = wm_strdup(url);
    struct hdr_counts hc = {0};
    MHD_get_connection_values(r->conn, MHD_HEADER_KIND, count_framing, &hc);
    if (hc.cl > 1 || (hc.cl && hc.te) || hc.te > 1) {
        wm_req_add_header(r, MHD_HTTP_HEADER_CONNECTION, "close");
        wm_reply_err(r, WM_E_BAD_REQUEST, "Content-Length",
                     _("请求头 Content-Length 重复，或与 Transfer-Encoding 同时出现"));
        return;
    }
    if (!path_ok(r->path)) {
        wm_reply_err(r, WM_E_BAD_REQUEST, "path", _("路径无效"));
        return;
    }
    const char *bad_arg = NULL;
    MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, arg_check, &bad_arg);
    if (bad_arg) {
        char *field = wm_strdup(bad_arg);
        wm_reply_err(r, WM_E_BAD_REQUEST, field, _("查询参数须为有效的 UTF-8 文本"));
        free(field);
        return;
    }
    unsigned allowed = 0;
    static const struct wm_route none[] = {{0}};
    for (const struct wm_route *rt = g_routes ? g_routes : none; rt->pattern; rt++) {
        if (!route_match(rt->pattern, r->path, NULL)) {
            continue;
        }
        unsigned m = rt->methods | ((rt->methods & WM_GET) ? WM_HEAD : 0);
        allowed |= m;
        if (r->method & m) {
            r->route = rt;
            route_match(rt->pattern, r->path, r);
            break;
        }
    }
    if (NULL == r->route) {
        if (allowed) {
            allow_header(r, allowed);
            wm_reply_err(r, WM_E_METHOD, NULL, NULL);
        } else {
            wm_reply_err(r, WM_E_NOT_FOUND, NULL, _("没有这个页面或接口"));
        }
        return;
    }
    r->db = wm_db_thread();
    if (NULL == r->db) {
        wm_reply_err(r, WM_E_UNAVAILABLE, NULL, _("数据库暂不可用"));
        return;
    }
    req_authenticate(r);
    if (r->resp) {
        return;
    }
    const struct wm_route *rt = r->route;
    if ((rt->flags & WM_R_AUTH) && NULL == r->who) {
        if (rt->flags & WM_R_HTML) {
            redirect_login(r);
        } else {
            wm_reply_err(r, WM_E_UNAUTHORIZED, NULL, NULL);
        }
        return;
    }
    if (r->who && r->who->must_change_pw && !(rt->flags & WM_R_PWCHANGE)) {
        if (rt->flags & WM_R_HTML) {
            wm_reply_redirect(r, "/password");
        } else {
            wm_reply_err(r, WM_E_FORBIDDEN, "password", _("请先修改初始密码"));
        }
        return;
    }
    /* issue 13, totp: signed in with a password that has expired, or without the second
    ** factor its role requires.  Only sessions: API tokens stay single-factor. */
    if (r->who && r->via_cookie && r->who->pw_expired && !(rt->flags & WM_R_PWCHANGE)) {
        if (rt->flags & WM_R_HTML) {
            wm_reply_redirect(r, "/password");
        } else {
            wm_reply_err(r, WM_E_FORBIDDEN, "password", _("密码已过期，请先修改密码"));
        }
        return;
    }
    if (r->who && r->via_cookie && r->who->totp_enrol &&
        !(rt->flags & (WM_R_PWCHANGE | WM_R_TOTP))) {
        if (rt->flags & WM_R_HTML) {
            wm_reply_redirect(r, "/account/2fa");
        } else {
            wm_reply_err(r, WM_E_FORBIDDEN, "totp",
                         _("您的角色必须使用两步验证：请先在 /account/2fa 页面完成设置"));
        }
        return;
    }
    if (rt->roles && (NULL == r->who || !(rt->roles & WM_ROLE_BIT(r->who->role)))) {
        wm_reply_err(r, WM_E_FORBIDDEN, NULL, NULL);
        return;
    }
    const char *cl = wm_req_header(r, MHD_HTTP_HEADER_CONTENT_LENGTH);
    int64_t len = 0;
    if (cl && (!wm_parse_i64(cl, 0, INT64_MAX, &len))) {
        wm_reply_err(r, WM_E_BAD_REQUEST, "Content-Length", NULL);
        return;
    }
    if ((uint64_t)len > req_max_buffered(r)) {
        wm_reply_err(r, WM_E_TOO_LARGE, NULL, NULL);
        return;
    }
    r->content_length = cl ? len : -1;
    /* A body where none is expected is dropped as it arrives, as long as it is small. */
}

/* ---------------------------------------------------------------- bodies */

/* Put the multipart text field received so far into r->form; a value that is not UTF-8
** becomes null and is refused later. */
static void
form_flush(struct wm_req *r)
{
    if (NULL == r->field_key) {
        return;
    }
    json_t *v = json_stringn(r->field.data ? r->field.data : "", r->field.len);
    json_object_set_new(r->form, r->field_key, v ? v : json_null());
    free(r->field_key);
    r->field_key = NULL;
    wm_buf_free(&r->field);
}

/* Append a chunk of a multipart form field (fields arrive in pieces, with off increasing):
** collected in r->field, so that a long field costs its length, not its length squared. */
static void
form_append(struct wm_req *r, const char *key, const char *data, uint64_t off, size_t size)
{
    if (0 == off || NULL == r->field_key || !wm_streq(r->field_key, key)) {
        form_flush(r);
        if (++r->nfields > WM_FORM_MAX_FIELDS) {
            r->form_overflow = true;
            return;
        }
        r->field_key = wm_strdup(key);
    }
    if (r->field_key) {
        wm_buf_add(&r->field, data, size);
    }
}

static const struct wm_upload_ops *upload_ops;

void
wm_http_set_upload_ops(const struct wm_upload_ops *ops)
{
    upload_ops = ops;
}

static bool
is_streamed(struct wm_req *r)
{
    const char *ct = wm_req_header(r, MHD_HTTP_HEADER_CONTENT_TYPE);
    return r->route && (r->route->flags & WM_R_UPLOAD) && upload_ops && ct &&
           0 == strncasecmp(ct, "multipart/form-data", 19);
}

static void
stream_end_file(struct wm_req *r)
{
    if (r->ufile) {
        upload_ops->end(r, r->ufile);
        r->ufile = NULL;
    }
}

/* The post processor's iterator for streamed uploads: files go to the upload ops chunk by
** chunk; other fields are small and collected in r->form. */
static enum MHD_Result
stream_iter(void *cls, enum MHD_ValueKind kind, const char *key, const char *filename,
            const char *ctype, const char *enc, const char *data, uint64_t off, size_t size)
{
    struct wm_req *r = cls;
    (void)kind;
    (void)ctype;
    (void)enc;
    if (NULL == key) {
        return MHD_NO;
    }
    if (filename) {
        if (0 == off || NULL == r->ufile) {
            stream_end_file(r);
            r->ufile = upload_ops->begin(r, key, filename);
        }
        if (r->ufile && size) {
            upload_ops->data(r, r->ufile, data, size);
        }
        return MHD_YES;
    }
    stream_end_file(r);
    if (off + size > 65536) {
        r->stream_bad = true; /* a form field, not a file: keep it small */
        return MHD_YES;
    }
    form_append(r, key, data, off, size);
    return MHD_YES;
}

static void
stream_chunk(struct wm_req *r, const char *data, size_t n)
{
    if (NULL == r->form) {
        r->form = json_object();
    }
    if (NULL == r->pp) {
        r->pp = MHD_create_post_processor(r->conn, 65536, stream_iter, r);
        if (NULL == r->pp) {
            r->stream_bad = true;
            return;
        }
    }
    if (!r->stream_bad && MHD_YES != MHD_post_process(r->pp, data, n)) {
        r->stream_bad = true;
    }
}

/* The last call of a streamed upload: a body that does not end its multipart properly is
** truncated or malformed. */
static void
stream_finish(struct wm_req *r)
{
    if (r->pp) {
        if (MHD_YES != MHD_destroy_post_processor(r->pp)) {
            r->stream_bad = true;
        }
        r->pp = NULL;
    } else if (NULL == r->form) {
        r->form = json_object();
    }
    stream_end_file(r);
    form_flush(r);
    const char *k;
    json_t *v;
    json_object_foreach(r->form, k, v)
    {
        if (!json_is_string(v)) {
            r->stream_bad = true;
        }
    }
}

static const char *
content_type(struct wm_req *r)
{
    const char *ct = wm_req_header(r, MHD_HTTP_HEADER_CONTENT_TYPE);
    return ct ? ct : "";
}

static bool
form_urlencoded_parse(struct wm_req *r)
{
    const char *s = wm_buf_str(&r->body);
    while (*s) {
        size_t n = strcspn(s, "&");
        const char *eq = memchr(s, '=', n);
        if (eq && ++r->nfields > WM_FORM_MAX_FIELDS) {
            r->form_overflow = true;
            return true;
        }
        if (eq) {
            char *k = wm_url_decode(s, (size_t)(eq - s), true);
            char *v = wm_url_decode(eq + 1, n - (size_t)(eq + 1 - s), true);
            bool ok = k && v && wm_utf8_valid(k, strlen(k)) && wm_utf8_valid(v, strlen(v));
            if (ok) {
                json_object_set_new(r->form, k, json_string(v));
            }
            free(k);
            free(v);
            if (!ok) {
                return false;
            }
        }
        s += n;
        if ('&' == *s) {
            s++;
        }
    }
    return true;
}

static enum MHD_Result
multipart_iter(void *cls, enum MHD_ValueKind kind, const char *key, const char *filename,
               const char *ctype, const char *enc, const char *data, uint64_t off, size_t size)
{
    struct wm_req *r = cls;
    (void)kind;
    (void)ctype;
    (void)enc;
    if (NULL == key) {
        return MHD_NO;
    }
    if (filename) {
        if (NULL == r->file_field) {
            r->file_field = wm_strdup(key);
            r->file_name = wm_strdup(filename);
        }
        if (wm_streq(r->file_field, key)) {
            wm_buf_add(&r->file, data, size);
        }
        return MHD_YES;
    }
    form_append(r, key, data, off, size);
    return MHD_YES;
}

/* Parse the buffered body by its content type.  false: a reply has been queued. */
static bool
req_parse_body(struct wm_req *r)
{
    const struct wm_route *rt = r->route;
    const char *ct = content_type(r);
    if (r->body_too_large) {
        wm_reply_err(r, WM_E_TOO_LARGE, NULL, NULL);
        return false;
    }
    if (is_streamed(r)) {
        stream_finish(r);
        if (r->form_overflow) {
            goto too_many_fields;
        }
        if (r->stream_bad) {
            wm_reply_err(r, WM_E_BAD_REQUEST, "body", _("multipart 表单格式错误或不完整"));
            return false;
        }
        return true;
    }
    if (!(rt->flags & (WM_R_JSON | WM_R_FORM)) || (WM_GET | WM_HEAD | WM_DELETE) & r->method) {
        return true;
    }
    if ((rt->flags & WM_R_RAW) && 0 != strncasecmp(ct, "multipart/form-data", 19) &&
        0 != strncasecmp(ct, "application/x-www-form-urlencoded", 33)) {
        return true; /* the handler reads r->body as it is */
    }
    if ((rt->flags & WM_R_JSON) &&
        (0 == strncasecmp(ct, "application/json", 16) || (0 == r->body.len && !(rt->flags & WM_R_FORM)))) {
        if (0 == r->body.len) {
            r->json = json_object();
            return true;
        }
        json_error_t je;
        enum wm_json_why why;
        struct wm_json_cost cost;
        r->json = wm_json_parse(r->body.data, r->body.len, JSON_REJECT_DUPLICATES,
                                &req_json_limits, &je, &why, &cost);
        r->json_cost = cost.allocated;
        if (NULL == r->json) {
            char *d = NULL;
            switch (why) {
            case WM_JSON_VALUES:
                d = wm_asprintf(_("JSON 请求体过于复杂：值超过 %zu 个"),
                                req_json_limits.max_values);
                break;
            case WM_JSON_DEPTH:
                d = wm_asprintf(_("JSON 请求体嵌套超过 %u 层"), req_json_limits.max_depth);
                break;
            case WM_JSON_MEMORY:
                d = wm_asprintf(_("JSON 请求体解析所需内存超过 %zu MB"),
                                req_json_limits.max_alloc >> 20);
                break;
            default:
                d = wm_asprintf(_("JSON 格式错误（第%d行第%d列）：%s"), je.line, je.column,
                                je.text);
                wm_reply_err(r, WM_E_BAD_REQUEST, "body", d);
                free(d);
                return false;
            }
            wm_reply_err(r, WM_E_TOO_LARGE, "body", d);
            free(d);
            return false;
        }
        if (!json_is_object(r->json)) {
            wm_reply_err(r, WM_E_BAD_REQUEST, "body", _("请求体须为 JSON 对象"));
            return false;
        }
        return true;
    }
    if (rt->flags & WM_R_FORM) {
        r->form = json_object();
        if (0 == strncasecmp(ct, "application/x-www-form-urlencoded", 33)) {
            if (!form_urlencoded_parse(r)) {
                wm_reply_err(r, WM_E_BAD_REQUEST, "body", _("表单编码无效"));
                return false;
            }
            if (r->form_overflow) {
                goto too_many_fields;
            }
            return true;
        }
        if (0 == strncasecmp(ct, "multipart/form-data", 19)) {
            struct MHD_PostProcessor *pp =
                MHD_create_post_processor(r->conn, 65536, multipart_iter, r);
            bool ok = NULL != pp;
            if (ok && r->body.len) {
                ok = MHD_YES == MHD_post_process(pp, r->body.data, r->body.len);
            }
            if (pp && MHD_YES != MHD_destroy_post_processor(pp)) {
                ok = false;
            }
            form_flush(r);
            const char *k;
            json_t *v;
            json_object_foreach(r->form, k, v)
            {
                if (!json_is_string(v)) {
                    ok = false;
                }
            }
            if (r->form_overflow) {
                goto too_many_fields;
            }
            if (!ok || strstr(ct, "boundary=") == NULL) {
                wm_reply_err(r, WM_E_BAD_REQUEST, "body", _("multipart 表单格式错误"));
                return false;
            }
            return true;
        }
    }
    wm_reply_err(r, WM_E_UNSUPPORTED_MEDIA, "Content-Type",
                 (rt->flags & WM_R_JSON) ? _("请求体须为 application/json")
                                         : _("请求体须为表单"));
    return false;
too_many_fields:;
    char *d = wm_asprintf(_("表单字段超过 %d 个"), WM_FORM_MAX_FIELDS);
    wm_reply_err(r, WM_E_TOO_LARGE, "body", d);
    free(d);
    return false;
}

static bool
csrf_ok(struct wm_req *r)
{
    const struct wm_route *rt = r->route;
    if (rt->flags & WM_R_PRECSRF) {
        const char *c = cookie_value(r, "wm_pre");
        const char *f = wm_form(r, "csrf");
        return c && f && strlen(c) >= 16 && wm_secure_streq(c, f);
    }
    if (!(rt->flags & WM_R_CSRF) || !r->via_cookie) {
        return true;
    }
    const char *t = wm_req_header(r, "X-CSRF-Token");
    if (NULL == t) {
        t = wm_form(r, "csrf");
    }
    return t && r->csrf && wm_secure_streq(t, r->csrf);
}

static void
req_dispatch(struct wm_req *r)
{
    if (!req_parse_body(r)) {
        return;
    }
    if (!csrf_ok(r)) {
        wm_reply_err(r, WM_E_FORBIDDEN, "csrf", _("安全令牌缺失或无效，请刷新页面后重试"));
        return;
    }
    r->route->fn(r);
    if (wm_tx_abandon(r->db)) {
        WM_BREAK(!"transaction left open by handler");
    }
    if (NULL == r->resp) {
        WM_BREAK(!"handler queued no reply");
        wm_reply_err(r, WM_E_INTERNAL, NULL, NULL);
    }
}

static enum MHD_Result
req_queue(struct wm_req *r)
{
    const char *k;
    json_t *v;
    MHD_add_response_header(r->resp, "X-Request-Id", r->rid);
    json_object_foreach(r->headers, k, v)
    {
        MHD_add_response_header(r->resp, k, json_string_value(v));
    }
    for (const char *s = wm_buf_str(&r->setcookies); *s;) {
        size_t n = strcspn(s, "\n");
        char *c = wm_strndup(s, n);
        MHD_add_response_header(r->resp, MHD_HTTP_HEADER_SET_COOKIE, c);
        free(c);
        s += n + ('\n' == s[n]);
    }
    enum MHD_Result ret = MHD_queue_response(r->conn, r->status, r->resp);
    MHD_destroy_response(r->resp);
    r->resp = NULL;
    return ret;
}

static void
req_set_id(struct wm_req *r)
{
    const char *in = wm_req_header(r, "X-Request-Id");
    size_t n = in ? strlen(in) : 0;
    bool ok = n > 0 && n < sizeof r->rid;
    for (size_t i = 0; ok && i < n; i++) {
        ok = (in[i] >= '0' && in[i] <= '9') || (in[i] >= 'a' && in[i] <= 'z') ||
             (in[i] >= 'A' && in[i] <= 'Z') || strchr("-_.", in[i]);
    }
    if (ok) {
        snprintf(r->rid, sizeof r->rid, "%s", in);
        return;
    }
    /* A random per-thread prefix and a counter: unique, and no system call per request. */
    static _Thread_local char prefix[12];
    static _Thread_local uint64_t counter;
    if ('\0' == prefix[0]) {
        char *t = wm_random_token(8);
        snprintf(prefix, sizeof prefix, "%.10s", t);
        free(t);
    }
    snprintf(r->rid, sizeof r->rid, "%s-%llx", prefix, (unsigned long long)++counter);
}

/* The client's address: the TCP peer, or, when the peer is a trusted proxy, the client
** it forwards for (forwarded_client).  Used by the login throttle, the audit log and the
** access log. */
static void
req_client_addr(struct wm_req *r)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    struct ipaddr ip;
    snprintf(r->addr, sizeof r->addr, "-");
    if (ci && ip_of_sockaddr(ci->client_addr, &ip)) {
        if (g_ntrusted && ip_trusted(&ip)) {
            forwarded_client(r->conn, &ip);
        }
        ip_format(&ip, r->addr, sizeof r->addr);
    }
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
           const char *version, const char *upload_data, size_t *upload_size, void **con_cls)
{
    struct wm_req *r = *con_cls;
    (void)cls;
    (void)version;
    if (NULL == r) {
        r = wm_calloc(1, sizeof *r);
        *con_cls = r;
        atomic_fetch_add(&g_inflight, 1);
        r->conn = conn;
        r->start_us = now_us();
        r->headers = json_object();
        req_set_id(r);
        req_client_addr(r);
        wm_log_set_request_id(r->rid);
        r->actor.request_id = r->rid;
        r->actor.addr = r->addr;
        r->content_length = -1;
        req_first(r, url, method);
        struct conn_slot *c = conn_slot(conn);
        if (c) {
            conn_phase(c, PH_BODY);
            atomic_store(&c->by_rate, is_streamed(r) || req_max_buffered(r) > WM_BODY_BY_RATE);
        }
        /* An early error with a body pending: answer now so the body is never read. */
        if (r->resp && has_body(r)) {
            return req_queue(r);
        }
        return MHD_YES;
    }
    wm_log_set_request_id(r->rid);
    if (*upload_size) {
        struct conn_slot *c = conn_slot(conn);
        if (c) {
            atomic_fetch_add(&c->bytes, *upload_size);
        }
        r->received += *upload_size;
        if (NULL == r->resp && !r->body_too_large && is_streamed(r)) {
            r->streamed += *upload_size;
            if (r->streamed > req_max_body(r)) {
                r->body_too_large = true;
            } else {
                stream_chunk(r, upload_data, *upload_size);
            }
        } else if (NULL == r->resp && !r->body_too_large) {
            if (r->received > req_max_buffered(r)) {
                r->body_too_large = true;
                wm_buf_free(&r->body);
            } else if (route_takes_body(r->route)) {
                if (NULL == r->body.data && r->content_length > 0) {
                    /* One allocation of the announced size, not a doubling series. */
                    wm_buf_reserve(&r->body, (size_t)r->content_length);
                }
                wm_buf_add(&r->body, upload_data, *upload_size);
            }
        }
        *upload_size = 0;
        return MHD_YES;
    }
    conn_phase(conn_slot(conn), PH_BUSY);
    if (NULL == r->resp) {
        req_dispatch(r);
    }
    return req_queue(r);
}

static void
on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
             enum MHD_RequestTerminationCode toe)
{
    struct wm_req *r = *con_cls;
    (void)cls;
    if (NULL == r) {
        return;
    }
    wm_log_set_request_id(r->rid);
    conn_phase(conn_slot(conn), PH_WAIT);
    int64_t us = now_us() - r->start_us;
    wm_metrics_request(r->route, r->method, r->status, us, r->received, r->bytes);
    wm_log_buffered(us > 1000000 ? WM_LOG_WARN : WM_LOG_INFO, "%s %s %s %u %llu %.1fms%s%s", r->addr,
           wm_method_name(r->method), r->path ? r->path : "-", r->status,
           (unsigned long long)r->bytes, (double)us / 1000.0,
           MHD_REQUEST_TERMINATED_COMPLETED_OK == toe ? "" : " aborted",
           us > 1000000 ? " slow" : "");
    /* A request that needed much memory gives it back to the system now: glibc keeps
    ** freed memory in the thread's arena otherwise, and each worker keeps its own. */
    bool big = r->body.cap >= WM_TRIM_AFTER || r->json_cost >= WM_TRIM_AFTER ||
               r->file.cap >= WM_TRIM_AFTER;
    if (r->pp) {
        MHD_destroy_post_processor(r->pp);
    }
    if (r->hctx_free) {
        r->hctx_free(r->hctx);
    }
    if (r->resp) {
        MHD_destroy_response(r->resp);
    }
    for (unsigned i = 0; i < r->nsegs; i++) {
        free(r->segs[i]);
    }
    free(r->path);
    wm_buf_free(&r->body);
    wm_buf_free(&r->file);
    wm_buf_free(&r->setcookies);
    free(r->file_name);
    free(r->file_field);
    json_decref(r->json);
    json_decref(r->form);
    free(r->field_key);
    wm_buf_free(&r->field);
    json_decref(r->headers);
    wm_principal_free(r->who);
    free(r->session_token);
    free(r->csrf);
    free(r);
    *con_cls = NULL;
    if (big) {
        malloc_trim(0);
    }
    wm_log_set_request_id(NULL);
    atomic_fetch_sub(&g_inflight, 1);
}

static void
on_mhd_log(void *cls, const char *fmt, va_list ap)
{
    char msg[512];
    (void)cls;
    vsnprintf(msg, sizeof msg, fmt, ap);
    wm_log(WM_LOG_WARN, "microhttpd: %s", msg);
}

/* ---------------------------------------------------------------- lifecycle */

static int
parse_listen(const char *listen, struct sockaddr_in *sa, char *err, size_t errlen)
{
    const char *colon = strrchr(listen, ':');
    int64_t port;
    memset(sa, 0, sizeof *sa);
    sa->sin_family = AF_INET;
    char host[64];
    if (NULL == colon || (size_t)(colon - listen) >= sizeof host ||
        !wm_parse_i64(colon + 1, 0, 65535, &port)) {
        snprintf(err, errlen, "bad listen address '%s': use HOST:PORT, e.g. 127.0.0.1:8080",
                 listen);
        return -1;
    }
    memcpy(host, listen, (size_t)(colon - listen));
    host[colon - listen] = '\0';
    if (wm_streq(host, "localhost")) {
        snprintf(host, sizeof host, "127.0.0.1");
    }
    if (1 != inet_pton(AF_INET, host[0] ? host : "0.0.0.0", &sa->sin_addr)) {
        snprintf(err, errlen, "bad listen address '%s': HOST must be an IPv4 address", listen);
        return -1;
    }
    sa->sin_port = htons((uint16_t)port);
    return 0;
}

struct wm_server *
wm_server_start(const struct wm_server_opts *o, char *err, size_t errlen)
{
    struct sockaddr_in sa;
    if (parse_listen(o->listen, &sa, err, errlen)) {
        return NULL;
    }
    if (nets_parse("trusted_proxies", o->trusted_proxies, &g_trusted, &g_ntrusted, err,
                   errlen) ||
        nets_parse("metrics_allow", o->metrics_allow, &g_metrics_allow, &g_nmetrics_allow, err,
                   errlen)) {
        return NULL;
    }
    g_opts = *o;
    wm_json_init();
    /* Large blocks (bodies, big trees) come from mmap and go back to the system when freed;
    ** a fixed threshold also stops glibc from raising it after the first large free. */
    mallopt(M_MMAP_THRESHOLD, 256 * 1024);
    struct wm_server *s = wm_calloc(1, sizeof *s);
    s->opts = *o;
    unsigned threads = o->threads;
    if (0 == threads) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        threads = n > 0 ? (unsigned)(2 * n) : 2;
    }
    s->d = MHD_start_daemon(
        /* poll, not epoll: with epoll, libmicrohttpd 0.9.75 sometimes missed a client that
        ** went away mid-upload until the connection timeout (its temp file stayed that long);
        ** poll saw every one, at the same request rate (bench/http_read.sh). */
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL | MHD_USE_ITC | MHD_USE_ERROR_LOG |
            MHD_ALLOW_SUSPEND_RESUME,
        0, on_accept, NULL, on_request, NULL, MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, NULL,
        MHD_OPTION_NOTIFY_CONNECTION, on_connection, NULL, MHD_OPTION_URI_LOG_CALLBACK, on_uri,
        NULL,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
        MHD_OPTION_THREAD_POOL_SIZE, threads, MHD_OPTION_CONNECTION_LIMIT,
        o->max_connections, MHD_OPTION_CONNECTION_TIMEOUT, o->connection_timeout,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(32 * 1024), MHD_OPTION_LISTEN_BACKLOG_SIZE,
        1024u, MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL, MHD_OPTION_END);
    if (NULL == s->d) {
        snprintf(err, errlen, "cannot listen on %s: %s (is the port in use?)", o->listen,
                 strerror(errno ? errno : EADDRINUSE));
        free(s);
        return NULL;
    }
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
    s->port = di ? di->port : ntohs(sa.sin_port);
    g_wd_stop = false;
    g_wd_running = o->request_timeout && 0 == pthread_create(&g_wd, NULL, watchdog, NULL);
    return s;
}

unsigned
wm_server_port(const struct wm_server *s)
{
    return s->port;
}

void
wm_server_stop(struct wm_server *s, unsigned timeout_s)
{
    if (NULL == s) {
        return;
    }
    MHD_socket fd = MHD_quiesce_daemon(s->d);
    int64_t deadline = now_us() + (int64_t)timeout_s * 1000000;
    while (atomic_load(&g_inflight) > 0 && now_us() < deadline) {
        usleep(20000);
    }
    if (g_wd_running) {
        pthread_mutex_lock(&g_conn_lock);
        g_wd_stop = true;
        pthread_cond_signal(&g_wd_cond);
        pthread_mutex_unlock(&g_conn_lock);
        pthread_join(g_wd, NULL);
        g_wd_running = false;
    }
    MHD_stop_daemon(s->d);
    if (fd != MHD_INVALID_SOCKET) {
        close(fd);
    }
    free(s);
    wm_log_flush(); /* the access log's last lines */
}

/* end of server.c */
