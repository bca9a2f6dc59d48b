/*
** test_http_api.c — the JSON API and the pages over real HTTP, against `wenming serve`.
**
** Groups, each with its own server and data directory:
**   auth      logging in and out, wrong passwords, lockout, bearer tokens, CSRF, cookies
**   clock     a server on a fake clock (WM_FAKE_NOW): session expiry, lockout expiry, and
**             the per-address login throttle
**   data      units, scopes, the org tree, accounts and first-login password change, bulk
**             import (UTF-8 and GBK), the audit log — and last, with the server stopped, a
**             tampered audit log that `wenming verify audit` must catch
**   bad       bad input of every kind: the server answers with the right status and the
**             JSON error shape, and is still alive at the end
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <iconv.h>
#include <xlsxwriter.h>

/* cmocka.h needs these before it (clang-format would sort them after it). */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
/* clang-format on */

#include "harness.h"

static struct th_server srv;
static struct th_cred admin, office, district, evaluator, unitadmin, member, leader;

static struct th_resp *
api_json(const char *method, const char *path, const struct th_cred *c, json_t *body_steal)
{
    char *body = body_steal ? th_jdump(body_steal) : NULL;
    struct th_resp *r = th_api(&srv, method, path, c, th_auth(c), body);
    free(body);
    return r;
}

static struct th_resp *
get(const char *path, const struct th_cred *c)
{
    return th_api(&srv, "GET", path, c, th_auth(c), NULL);
}

static int
start_server(const char *extra_conf, const char *const *env)
{
    if (th_server_create(&srv, extra_conf) || th_server_start(&srv, env)) {
        return -1;
    }
    return 0;
}

static int
group_teardown(void **state)
{
    (void)state;
    return th_server_finish(&srv);
}

/* The last test of a group: SIGTERM ends the server with exit status 0. */
static void
test_graceful_stop(void **state)
{
    (void)state;
    assert_int_equal(th_server_stop(&srv), 0);
}

/* Create a unit as c; the new id (asserts 201). */
static int64_t
make_unit(const struct th_cred *c, const char *name, const char *code, int64_t parent)
{
    json_t *b = json_pack("{s:s, s:s, s:s}", "name", name, "code", code, "type", "机关");
    if (parent) {
        json_object_set_new(b, "parent_id", json_integer(parent));
    }
    struct th_resp *r = api_json("POST", "/api/v1/units", c, b);
    th_assert_status(r, 201);
    int64_t id = th_jint(r->json, "id");
    th_resp_free(r);
    assert_true(id > 0);
    return id;
}

/* The id of the office named name (as admin). */
static int64_t
office_id(const char *name)
{
    struct th_resp *r = get("/api/v1/orgs?kind=office&limit=200", &admin);
    th_assert_status(r, 200);
    int64_t id = 0;
    size_t i;
    json_t *o;
    json_array_foreach(json_object_get(r->json, "items"), i, o)
    {
        if (0 == strcmp(th_jstr(o, "name"), name)) {
            id = th_jint(o, "id");
        }
    }
    th_resp_free(r);
    assert_true(id > 0);
    return id;
}

/* ================================================================ auth */

static int
auth_setup(void **state)
{
    (void)state;
    if (start_server(NULL, NULL)) {
        return -1;
    }
    if (201 != th_login(&srv, "admin", TH_DEMO_PW, &admin) ||
        201 != th_login(&srv, "office", TH_DEMO_PW, &office)) {
        return -1;
    }
    return 0;
}

static void
test_login_logout(void **state)
{
    (void)state;
    struct th_cred c;
    char value[256], attrs[256];
    const char *body = "{\"username\":\"office\",\"password\":\"" TH_DEMO_PW "\"}";
    struct th_resp *r = th_api(&srv, "POST", "/api/v1/session", NULL, 0, body);
    th_assert_status(r, 201);
    assert_true(th_set_cookie(r, "wm_session", value, sizeof value, attrs, sizeof attrs));
    assert_true(strlen(value) >= 32);
    assert_non_null(strstr(attrs, "HttpOnly"));
    assert_non_null(strstr(attrs, "SameSite=Lax"));
    assert_non_null(strstr(attrs, "Path=/"));
    assert_string_equal(th_jstr(json_object_get(r->json, "user"), "username"), "office");
    assert_string_equal(th_jstr(json_object_get(r->json, "user"), "role"), "office");
    assert_true(strlen(th_jstr(r->json, "csrf")) >= 16);
    assert_null(json_object_get(json_object_get(r->json, "user"), "pwhash"));
    memset(&c, 0, sizeof c);
    snprintf(c.cookie, sizeof c.cookie, "%s", value);
    snprintf(c.csrf, sizeof c.csrf, "%s", th_jstr(r->json, "csrf"));
    th_resp_free(r);

    /* The cookie authenticates; /me tells who and repeats the CSRF token. */
    r = th_api(&srv, "GET", "/api/v1/me", &c, TH_COOKIE, NULL);
    th_assert_status(r, 200);
    assert_string_equal(th_jstr(r->json, "username"), "office");
    assert_string_equal(th_jstr(r->json, "csrf"), c.csrf);
    assert_false(json_is_true(json_object_get(r->json, "must_change_password")));
    th_resp_free(r);

    /* Logging out needs the CSRF token, then ends the session and clears the cookie. */
    r = th_api(&srv, "DELETE", "/api/v1/session", &c, TH_COOKIE, NULL);
    th_assert_error(r, 403, "forbidden", "csrf");
    th_resp_free(r);
    r = th_api(&srv, "DELETE", "/api/v1/session", &c, TH_SESSION, NULL);
    th_assert_status(r, 200);
    assert_true(th_set_cookie(r, "wm_session", value, sizeof value, attrs, sizeof attrs));
    assert_string_equal(value, "");
    assert_non_null(strstr(attrs, "Max-Age=0"));
    th_resp_free(r);
    r = th_api(&srv, "GET", "/api/v1/me", &c, TH_COOKIE, NULL);
    th_assert_error(r, 401, "unauthorized", NULL);
    th_resp_free(r);

    /* Without any credentials. */
    r = th_api(&srv, "GET", "/api/v1/me", NULL, 0, NULL);
    th_assert_error(r, 401, "unauthorized", NULL);
    th_resp_free(r);
}

static void
test_page_login(void **state)
{
    (void)state;
    char pre[128], cookies[256], sess[256], form[512];
    struct th_req q = { .method = "GET", .path = "/login" };
    struct th_resp *r = th_do(&srv, &q);
    th_assert_status(r, 200);
    assert_true(th_set_cookie(r, "wm_pre", pre, sizeof pre, NULL, 0));
    assert_non_null(strstr(r->body, pre)); /* the double-submit token in the form */
    th_resp_free(r);

    /* Without the pre-login cookie the form is refused. */
    snprintf(form, sizeof form, "csrf=%s&username=office&password=%s&next=/units", pre, TH_DEMO_PW);
    struct th_req p = { .method = "POST",
                        .path = "/login",
                        .ctype = "application/x-www-form-urlencoded",
                        .body = form,
                        .len = strlen(form) };
    r = th_do(&srv, &p);
    th_assert_status(r, 403);
    th_resp_free(r);

    snprintf(cookies, sizeof cookies, "wm_pre=%s", pre);
    p.cookies = cookies;
    r = th_do(&srv, &p);
    th_assert_status(r, 303);
    assert_string_equal(th_header(r, "Location"), "/units");
    assert_true(th_set_cookie(r, "wm_session", sess, sizeof sess, NULL, 0));
    th_resp_free(r);

    /* An open redirect is not followed. */
    snprintf(form, sizeof form, "csrf=%s&username=office&password=%s&next=//evil.example/", pre,
             TH_DEMO_PW);
    p.len = strlen(form);
    r = th_do(&srv, &p);
    th_assert_status(r, 303);
    assert_string_equal(th_header(r, "Location"), "/home");
    th_resp_free(r);

    /* A wrong password shows the form again with 401. */
    snprintf(form, sizeof form, "csrf=%s&username=office&password=wrong", pre);
    p.len = strlen(form);
    r = th_do(&srv, &p);
    th_assert_status(r, 401);
    assert_non_null(strstr(th_header(r, "Content-Type"), "text/html"));
    th_resp_free(r);

    /* The page session works for pages; anonymous callers are sent to /login. */
    struct th_cred c = { 0 };
    snprintf(c.cookie, sizeof c.cookie, "%s", sess);
    q.path = "/home";
    q.cred = &c;
    q.flags = TH_COOKIE;
    r = th_do(&srv, &q);
    th_assert_status(r, 200);
    assert_non_null(strstr(r->body, "市文明办 王主任"));
    th_resp_free(r);
    q.cred = NULL;
    q.flags = 0;
    r = th_do(&srv, &q);
    th_assert_status(r, 303);
    assert_string_equal(th_header(r, "Location"), "/login?next=%2Fhome");
    th_resp_free(r);
}

static void
test_wrong_password(void **state)
{
    (void)state;
    struct th_resp *a = th_api(&srv, "POST", "/api/v1/session", NULL, 0,
                               "{\"username\":\"evaluator\",\"password\":\"not-the-password\"}");
    struct th_resp *b =
        th_api(&srv, "POST", "/api/v1/session", NULL, 0,
               "{\"username\":\"no-such-user-4711\",\"password\":\"not-the-password\"}");
    th_assert_error(a, 401, "unauthorized", NULL);
    th_assert_error(b, 401, "unauthorized", NULL);
    json_t *ea = json_object_get(a->json, "error"), *eb = json_object_get(b->json, "error");
    assert_string_equal(th_jstr(ea, "message"), th_jstr(eb, "message"));
    assert_false(th_set_cookie(a, "wm_session", NULL, 0, NULL, 0));
    th_resp_free(a);
    th_resp_free(b);

    /* Missing fields are a bad request, not a login attempt. */
    struct th_resp *r = th_api(&srv, "POST", "/api/v1/session", NULL, 0, "{\"username\":\"x\"}");
    th_assert_error(r, 400, "bad_request", "password");
    th_resp_free(r);
}

static void
test_lockout(void **state)
{
    (void)state;
    /* A throwaway account, so that the lockout does not disturb other tests. */
    json_t *u =
        json_pack("{s:s, s:s, s:s, s:I, s:s}", "username", "lockme", "display_name", "锁定测试",
                  "role", "evaluator", "org_id", (json_int_t)office.org_id, "password", TH_DEMO_PW);
    struct th_resp *r = api_json("POST", "/api/v1/users", &office, u);
    th_assert_status(r, 201);
    th_resp_free(r);

    const char *names[] = { "lockme", "made-up-user-0815" };
    char msg[2][2][256];
    for (int n = 0; n < 2; n++) {
        char body[256];
        for (int i = 0; i < 5; i++) {
            snprintf(body, sizeof body, "{\"username\":\"%s\",\"password\":\"wrong-%d\"}", names[n],
                     i);
            r = th_api(&srv, "POST", "/api/v1/session", NULL, 0, body);
            th_assert_error(r, 401, "unauthorized", NULL);
            snprintf(msg[n][0], sizeof msg[n][0], "%s",
                     th_jstr(json_object_get(r->json, "error"), "message"));
            th_resp_free(r);
        }
        /* Locked: even the right password is refused now. */
        snprintf(body, sizeof body, "{\"username\":\"%s\",\"password\":\"%s\"}", names[n],
                 TH_DEMO_PW);
        r = th_api(&srv, "POST", "/api/v1/session", NULL, 0, body);
        th_assert_error(r, 429, "rate_limited", NULL);
        assert_false(th_set_cookie(r, "wm_session", NULL, 0, NULL, 0));
        snprintf(msg[n][1], sizeof msg[n][1], "%s",
                 th_jstr(json_object_get(r->json, "error"), "message"));
        th_resp_free(r);
    }
    /* The made-up name behaves exactly like the real one. */
    assert_string_equal(msg[0][0], msg[1][0]);
    assert_string_equal(msg[0][1], msg[1][1]);

    /* Another account is not affected. */
    struct th_cred c;
    assert_int_equal(th_login(&srv, "leader", TH_DEMO_PW, &c), 201);
}

static void
test_bearer_tokens(void **state)
{
    (void)state;
    struct th_cred c;
    assert_int_equal(th_login(&srv, "member", TH_DEMO_PW, &c), 201);
    int64_t id = th_make_token(&srv, &c, "同步脚本");
    assert_true(id > 0);
    assert_true(0 == strncmp(c.token, "wm_", 3));

    /* The token authenticates by itself (no cookie, no CSRF token). */
    struct th_resp *r = th_api(&srv, "GET", "/api/v1/me", &c, TH_BEARER, NULL);
    th_assert_status(r, 200);
    assert_string_equal(th_jstr(r->json, "username"), "member");
    assert_null(json_object_get(r->json, "csrf"));
    th_resp_free(r);
    r = th_api(&srv, "POST", "/api/v1/tokens", &c, TH_BEARER, "{\"name\":\"second\"}");
    th_assert_status(r, 201);
    int64_t id2 = th_jint(r->json, "id");
    th_resp_free(r);

    /* Listed by name, never with the secret. */
    r = th_api(&srv, "GET", "/api/v1/tokens", &c, TH_BEARER, NULL);
    th_assert_status(r, 200);
    bool found = false;
    size_t i;
    json_t *t;
    json_array_foreach(json_object_get(r->json, "items"), i, t)
    {
        if (th_jint(t, "id") == id) {
            found = true;
            assert_string_equal(th_jstr(t, "name"), "同步脚本");
        }
    }
    assert_true(found);
    assert_null(strstr(r->body, c.token));
    assert_null(strstr(r->body, c.token + 3));
    th_resp_free(r);

    /* Another user cannot revoke it. */
    char path[64];
    snprintf(path, sizeof path, "/api/v1/tokens/%lld", (long long)id);
    r = th_api(&srv, "DELETE", path, &office, TH_SESSION, NULL);
    th_assert_error(r, 404, "not_found", NULL);
    th_resp_free(r);

    /* Revoked: the token no longer authenticates, and is no anonymous pass either. */
    r = th_api(&srv, "DELETE", path, &c, TH_SESSION, NULL);
    th_assert_status(r, 200);
    th_resp_free(r);
    r = th_api(&srv, "GET", "/api/v1/me", &c, TH_BEARER, NULL);
    th_assert_error(r, 401, "unauthorized", NULL);
    th_resp_free(r);
    r = th_api(&srv, "DELETE", "/api/v1/session", &c, TH_BEARER, NULL);
    th_assert_error(r, 401, "unauthorized", NULL);
    th_resp_free(r);
    r = th_api(&srv, "DELETE", path, &c, TH_SESSION, NULL);
    th_assert_error(r, 404, "not_found", NULL);
    th_resp_free(r);

    /* The other token still works; garbage tokens do not. */
    snprintf(path, sizeof path, "/api/v1/tokens/%lld", (long long)id2);
    const char *bad[] = {
        "Authorization: Bearer ", "Authorization: Bearer wm_nonsense",
        "Authorization: Basic b2ZmaWNlOkRlbW8tMjAyNg==",
        "Authorization: Bearer wm_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        const char *h[] = { bad[k], NULL };
        struct th_req q = { .method = "GET", .path = "/api/v1/me", .headers = h };
        r = th_do(&srv, &q);
        th_assert_error(r, 401, "unauthorized", NULL);
        th_resp_free(r);
    }
}

static void
test_csrf(void **state)
{
    (void)state;
    const char *body = "{\"name\":\"csrf-test\"}";
    /* Cookie without the token: refused before the handler runs. */
    struct th_resp *r = th_api(&srv, "POST", "/api/v1/tokens", &office, TH_COOKIE, body);
    th_assert_error(r, 403, "forbidden", "csrf");
    th_resp_free(r);
    /* A wrong token. */
    struct th_cred wrong = office;
    snprintf(wrong.csrf, sizeof wrong.csrf, "%s", admin.csrf);
    r = th_api(&srv, "POST", "/api/v1/tokens", &wrong, TH_SESSION, body);
    th_assert_error(r, 403, "forbidden", "csrf");
    th_resp_free(r);
    /* The right one. */
    r = th_api(&srv, "POST", "/api/v1/tokens", &office, TH_SESSION, body);
    th_assert_status(r, 201);
    struct th_cred bearer = { 0 };
    snprintf(bearer.token, sizeof bearer.token, "%s", th_jstr(r->json, "token"));
    th_resp_free(r);
    /* A bearer token needs none. */
    r = th_api(&srv, "POST", "/api/v1/tokens", &bearer, TH_BEARER, body);
    th_assert_status(r, 201);
    th_resp_free(r);
    /* A page form without the csrf field. */
    struct th_req q = { .method = "POST",
                        .path = "/account/tokens",
                        .cred = &office,
                        .flags = TH_COOKIE,
                        .ctype = "application/x-www-form-urlencoded",
                        .body = "name=x",
                        .len = 6 };
    r = th_do(&srv, &q);
    th_assert_status(r, 403);
    assert_non_null(strstr(th_header(r, "Content-Type"), "text/html"));
    th_resp_free(r);
    r = th_form(&srv, "/account/tokens", &office, "name=page-token");
    th_assert_status(r, 200);
    assert_non_null(strstr(r->body, "wm_"));
    th_resp_free(r);
}

static void
test_forged_cookie(void **state)
{
    (void)state;
    struct th_cred forged = { 0 };
    char value[64];
    snprintf(forged.cookie, sizeof forged.cookie, "%s",
             "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    snprintf(forged.csrf, sizeof forged.csrf, "%s", office.csrf);
    struct th_resp *r = th_api(&srv, "GET", "/api/v1/me", &forged, TH_COOKIE, NULL);
    th_assert_error(r, 401, "unauthorized", NULL);
    assert_true(th_set_cookie(r, "wm_session", value, sizeof value, NULL, 0));
    assert_string_equal(value, ""); /* dropped */
    th_resp_free(r);
    /* A state change with a forged cookie and somebody's CSRF token is anonymous. */
    r = th_api(&srv, "POST", "/api/v1/tokens", &forged, TH_SESSION, "{\"name\":\"x\"}");
    th_assert_error(r, 401, "unauthorized", NULL);
    th_resp_free(r);
    /* A page: treated as anonymous, sent to the login page. */
    struct th_req q = { .method = "GET", .path = "/units", .cred = &forged, .flags = TH_COOKIE };
    r = th_do(&srv, &q);
    th_assert_status(r, 303);
    assert_non_null(strstr(th_header(r, "Location"), "/login"));
    th_resp_free(r);
    /* Oversized and odd cookie values. */
    char big[200];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    snprintf(forged.cookie, sizeof forged.cookie, "%s", big);
    r = th_api(&srv, "GET", "/api/v1/me", &forged, TH_COOKIE, NULL);
    th_assert_error(r, 401, "unauthorized", NULL);
    th_resp_free(r);
    snprintf(forged.cookie, sizeof forged.cookie, "%s", "%00%ff\"");
    r = th_api(&srv, "GET", "/api/v1/me", &forged, TH_COOKIE, NULL);
    th_assert_error(r, 401, "unauthorized", NULL);
    th_resp_free(r);
}

static void
test_head_me(void **state)
{
    (void)state;
    struct th_req q = {
        .method = "HEAD", .path = "/api/v1/me", .cred = &office, .flags = TH_COOKIE | TH_HEAD
    };
    struct th_resp *r = th_do(&srv, &q);
    th_assert_status(r, 200);
    assert_int_equal(r->len, 0);
    assert_non_null(strstr(th_header(r, "Content-Type"), "application/json"));
    th_resp_free(r);
    /* The same over a raw socket: no body bytes follow the header block. */
    char req[512];
    snprintf(req, sizeof req,
             "HEAD /api/v1/me HTTP/1.1\r\nHost: x\r\nCookie: wm_session=%s\r\n"
             "Connection: close\r\n\r\n",
             office.cookie);
    r = th_raw(&srv, req, strlen(req));
    th_assert_status(r, 200);
    assert_int_equal(r->len, 0);
    th_resp_free(r);
}

/* ================================================================ clock */

static long long clock_t0;

static char env_now[64];

static int
clock_setup(void **state)
{
    (void)state;
    clock_t0 = (long long)time(NULL);
    snprintf(env_now, sizeof env_now, "WM_FAKE_NOW=%lld", clock_t0);
    const char *env[] = { env_now, NULL };
    return start_server("ip_attempts = 8", env);
}

static int
clock_restart(long long offset)
{
    int rc = th_server_stop(&srv);
    if (rc) {
        return rc;
    }
    snprintf(env_now, sizeof env_now, "WM_FAKE_NOW=%lld", clock_t0 + offset);
    const char *env[] = { env_now, NULL };
    return th_server_start(&srv, env);
}

static void
test_session_expiry(void **state)
{
    (void)state;
    struct th_cred c;
    th_login_full(&srv, "office", TH_DEMO_PW, &c);
    struct th_resp *r = th_api(&srv, "GET", "/api/v1/me", &c, TH_COOKIE, NULL);
    th_assert_status(r, 200);
    th_resp_free(r);

    /* Idle for longer than session_idle (1800 s by default). */
    assert_int_equal(clock_restart(1801), 0);
    r = th_api(&srv, "GET", "/api/v1/me", &c, TH_COOKIE, NULL);
    th_assert_error(r, 401, "unauthorized", NULL);
    char value[64];
    assert_true(th_set_cookie(r, "wm_session", value, sizeof value, NULL, 0));
    assert_string_equal(value, "");
    th_resp_free(r);
    struct th_req q = { .method = "GET", .path = "/home", .cred = &c, .flags = TH_COOKIE };
    r = th_do(&srv, &q);
    th_assert_status(r, 303);
    th_resp_free(r);
    /* API tokens do not expire with the session. */
    r = th_api(&srv, "GET", "/api/v1/me", &c, TH_BEARER, NULL);
    th_assert_status(r, 200);
    th_resp_free(r);
}

static void
test_lockout_expiry(void **state)
{
    (void)state;
    struct th_cred c;
    char body[128];
    for (int i = 0; i < 5; i++) {
        snprintf(body, sizeof body, "{\"username\":\"member\",\"password\":\"bad%d\"}", i);
        struct th_resp *r = th_api(&srv, "POST", "/api/v1/session", NULL, 0, body);
        th_assert_status(r, 401);
        th_resp_free(r);
    }
    assert_int_equal(th_login(&srv, "member", TH_DEMO_PW, &c), 429);
    /* After the lockout window the account opens again. */
    assert_int_equal(clock_restart(1801 + 901), 0);
    assert_int_equal(th_login(&srv, "member", TH_DEMO_PW, &c), 201);
}

static void
test_ip_throttle(void **state)
{
    (void)state;
    struct th_cred c;
    /* Eight failures from one address (ip_attempts = 8), each for a different name. */
    for (int i = 0; i < 8; i++) {
        char body[128];
        snprintf(body, sizeof body, "{\"username\":\"ghost%d\",\"password\":\"x\"}", i);
        struct th_resp *r = th_api(&srv, "POST", "/api/v1/session", NULL, 0, body);
        th_assert_error(r, 401, "unauthorized", NULL);
        th_resp_free(r);
    }
    /* Now the address is throttled, whatever the account. */
    struct th_resp *r = th_api(&srv, "POST", "/api/v1/session", NULL, 0,
                               "{\"username\":\"office\",\"password\":\"" TH_DEMO_PW "\"}");
    th_assert_error(r, 429, "rate_limited", NULL);
    th_resp_free(r);
    assert_int_equal(th_login(&srv, "admin", TH_DEMO_PW, &c), 429);
}

/* ================================================================ data */

static int64_t unit1, unit2, unit_east, city, east, west;

static int
data_setup(void **state)
{
    (void)state;
    if (start_server(NULL, NULL)) {
        return -1;
    }

    struct {
        const char *name;
        struct th_cred *c;
    } who[] = { { "admin", &admin },         { "office", &office },       { "district", &district },
                { "evaluator", &evaluator }, { "unitadmin", &unitadmin }, { "member", &member },
                { "leader", &leader } };

    for (size_t i = 0; i < sizeof who / sizeof who[0]; i++) {
        if (201 != th_login(&srv, who[i].name, TH_DEMO_PW, who[i].c) ||
            th_make_token(&srv, who[i].c, "tests") <= 0) {
            return -1;
        }
    }
    return 0;
}

static void
data_ids(void)
{
    if (unit1) {
        return;
    }
    unit1 = th_unit_id(&srv, &admin, "DEMO001");
    unit2 = th_unit_id(&srv, &admin, "DEMO002");
    unit_east = th_unit_id(&srv, &admin, "DEMO013"); /* 青山镇, under 东城区文明办 */
    city = office_id("某市文明办");
    east = office_id("东城区文明办");
    west = office_id("西湖区文明办");
    assert_true(unit1 > 0 && unit2 > 0 && unit_east > 0);
    assert_int_equal(unitadmin.org_id, unit1);
    assert_int_equal(district.org_id, east);
}

static void
test_unit_crud(void **state)
{
    (void)state;
    data_ids();
    json_t *b = json_pack("{s:s, s:s, s:s, s:[s,s]}", "name", "市档案馆", "code", "CRUD-001",
                          "type", "事业单位", "depts", "办公室", "档案科");
    struct th_resp *r = api_json("POST", "/api/v1/units", &office, b);
    th_assert_status(r, 201);
    int64_t id = th_jint(r->json, "id");
    assert_string_equal(th_jstr(r->json, "name"), "市档案馆");
    assert_string_equal(th_jstr(r->json, "code"), "CRUD-001");
    assert_int_equal(th_jint(r->json, "parent_id"), city); /* the office's own org */
    assert_int_equal(json_array_size(json_object_get(r->json, "depts")), 2);
    th_resp_free(r);

    /* The same code again: conflict, whatever the name or office. */
    b = json_pack("{s:s, s:s, s:s, s:I}", "name", "另一个", "code", "CRUD-001", "type", "机关",
                  "parent_id", (json_int_t)east);
    r = api_json("POST", "/api/v1/units", &office, b);
    th_assert_error(r, 409, "conflict", "code");
    th_resp_free(r);

    char path[64];
    snprintf(path, sizeof path, "/api/v1/units/%lld", (long long)id);
    r = get(path, &office);
    th_assert_status(r, 200);
    assert_string_equal(th_jstr(r->json, "type"), "事业单位");
    th_resp_free(r);
    r = api_json("PATCH", path, &office,
                 json_pack("{s:s, s:s}", "name", "市档案馆(新)", "type", "机关"));
    th_assert_status(r, 200);
    assert_string_equal(th_jstr(r->json, "name"), "市档案馆(新)");
    assert_string_equal(th_jstr(r->json, "type"), "机关");
    th_resp_free(r);
    /* Renaming the code onto another unit's code: conflict. */
    r = api_json("PATCH", path, &office, json_pack("{s:s}", "code", "DEMO002"));
    th_assert_error(r, 409, "conflict", "code");
    th_resp_free(r);

    /* Departments: add, duplicate, delete. */
    snprintf(path, sizeof path, "/api/v1/units/%lld/depts", (long long)id);
    r = api_json("POST", path, &office, json_pack("{s:s}", "name", "宣传科"));
    th_assert_status(r, 201);
    int64_t dept = th_jint(r->json, "id");
    th_resp_free(r);
    r = api_json("POST", path, &office, json_pack("{s:s}", "name", "宣传科"));
    th_assert_error(r, 409, "conflict", "name");
    th_resp_free(r);
    r = get(path, &office);
    th_assert_status(r, 200);
    assert_int_equal(json_array_size(json_object_get(r->json, "items")), 3);
    th_resp_free(r);
    snprintf(path, sizeof path, "/api/v1/units/%lld/depts/%lld", (long long)id, (long long)dept);
    r = th_api(&srv, "DELETE", path, &office, TH_BEARER, NULL);
    th_assert_status(r, 200);
    th_resp_free(r);
    r = th_api(&srv, "DELETE", path, &office, TH_BEARER, NULL);
    th_assert_error(r, 404, "not_found", NULL);
    th_resp_free(r);
    /* A dept of another unit through this unit's path. */
    r = get("/api/v1/units/1/depts", &office);
    th_assert_error(r, 404, "not_found", NULL);
    th_resp_free(r);

    /* Roles that may not create units. */
    const struct th_cred *no[] = { &evaluator, &unitadmin, &member, &leader };
    for (size_t i = 0; i < 4; i++) {
        r = api_json("POST", "/api/v1/units", no[i],
                     json_pack("{s:s, s:s, s:s}", "name", "x", "code", "NOPE-1", "type", "机关"));
        th_assert_error(r, 403, "forbidden", NULL);
        th_resp_free(r);
    }
    /* The district office cannot create a unit under the city office. */
    r = api_json("POST", "/api/v1/units", &district,
                 json_pack("{s:s, s:s, s:s, s:I}", "name", "x", "code", "NOPE-2", "type", "机关",
                           "parent_id", (json_int_t)city));
    th_assert_error(r, 404, "not_found", "parent_id");
    th_resp_free(r);
}

static void
test_unit_scope(void **state)
{
    (void)state;
    data_ids();
    char own[64], other[64], eastp[64];
    snprintf(own, sizeof own, "/api/v1/units/%lld", (long long)unit1);
    snprintf(other, sizeof other, "/api/v1/units/%lld", (long long)unit2);
    snprintf(eastp, sizeof eastp, "/api/v1/units/%lld", (long long)unit_east);
    const struct th_cred *unit_roles[] = { &unitadmin, &member, &leader };
    for (size_t i = 0; i < 3; i++) {
        struct th_resp *r = get(own, unit_roles[i]);
        th_assert_status(r, 200);
        assert_string_equal(th_jstr(r->json, "code"), "DEMO001");
        th_resp_free(r);
        r = get(other, unit_roles[i]);
        th_assert_error(r, 404, "not_found", NULL);
        th_resp_free(r);
        /* Lists show only their own unit. */
        r = get("/api/v1/units?limit=200", unit_roles[i]);
        th_assert_status(r, 200);
        assert_int_equal(json_array_size(json_object_get(r->json, "items")), 1);
        th_resp_free(r);
    }
    /* The district office sees its subtree, not the city's own units. */
    struct th_resp *r = get(eastp, &district);
    th_assert_status(r, 200);
    th_resp_free(r);
    r = get(own, &district);
    th_assert_error(r, 404, "not_found", NULL);
    th_resp_free(r);
    r = api_json("PATCH", own, &district, json_pack("{s:s}", "type", "机关"));
    th_assert_error(r, 404, "not_found", NULL);
    th_resp_free(r);
    char p[80];
    snprintf(p, sizeof p, "/api/v1/orgs/%lld", (long long)west);
    r = get(p, &district);
    th_assert_error(r, 404, "not_found", NULL);
    th_resp_free(r);
    r = get("/api/v1/units?limit=200", &district);
    th_assert_status(r, 200);
    size_t i;
    json_t *u;
    json_array_foreach(json_object_get(r->json, "items"), i, u)
    {
        assert_int_equal(th_jint(u, "parent_id"), east);
    }
    assert_true(json_array_size(json_object_get(r->json, "items")) >= 1);
    th_resp_free(r);
    /* The evaluator sees no unit outside a round. */
    r = get(own, &evaluator);
    th_assert_error(r, 404, "not_found", NULL);
    th_resp_free(r);
    /* Paging: limit and cursor. */
    r = get("/api/v1/units?limit=5", &office);
    th_assert_status(r, 200);
    assert_int_equal(json_array_size(json_object_get(r->json, "items")), 5);
    const char *next = json_string_value(json_object_get(r->json, "next"));
    assert_non_null(next);
    snprintf(p, sizeof p, "/api/v1/units?limit=5&cursor=%s", next);
    int64_t last = th_jint(json_array_get(json_object_get(r->json, "items"), 4), "id");
    th_resp_free(r);
    r = get(p, &office);
    th_assert_status(r, 200);
    int64_t first = th_jint(json_array_get(json_object_get(r->json, "items"), 0), "id");
    assert_true(first != last);
    th_resp_free(r);
}

static void
test_org_move(void **state)
{
    (void)state;
    data_ids();
    char p[64];
    snprintf(p, sizeof p, "/api/v1/orgs/%lld", (long long)city);
    /* Under its own child. */
    struct th_resp *r =
        api_json("PATCH", p, &admin, json_pack("{s:I}", "parent_id", (json_int_t)east));
    th_assert_error(r, 400, "bad_request", "parent_id");
    th_resp_free(r);
    /* Under a deeper descendant: a new office under 东城区. */
    r = api_json(
        "POST", "/api/v1/orgs", &admin,
        json_pack("{s:s, s:I}", "name", "东城区某街道文明办", "parent_id", (json_int_t)east));
    th_assert_status(r, 201);
    int64_t grandchild = th_jint(r->json, "id");
    th_resp_free(r);
    r = api_json("PATCH", p, &admin, json_pack("{s:I}", "parent_id", (json_int_t)grandchild));
    th_assert_error(r, 400, "bad_request", "parent_id");
    th_resp_free(r);
    /* Under itself. */
    snprintf(p, sizeof p, "/api/v1/orgs/%lld", (long long)east);
    r = api_json("PATCH", p, &admin, json_pack("{s:I}", "parent_id", (json_int_t)east));
    th_assert_error(r, 400, "bad_request", "parent_id");
    th_resp_free(r);
    /* Under a unit. */
    r = api_json("PATCH", p, &admin, json_pack("{s:I}", "parent_id", (json_int_t)unit1));
    th_assert_error(r, 400, "bad_request", "parent_id");
    th_resp_free(r);
    /* The tree is unchanged. */
    r = get(p, &admin);
    th_assert_status(r, 200);
    assert_int_equal(th_jint(r->json, "parent_id"), city);
    th_resp_free(r);
    /* A legal move, and back. */
    snprintf(p, sizeof p, "/api/v1/orgs/%lld", (long long)grandchild);
    r = api_json("PATCH", p, &admin, json_pack("{s:I}", "parent_id", (json_int_t)west));
    th_assert_status(r, 200);
    assert_int_equal(th_jint(r->json, "parent_id"), west);
    th_resp_free(r);
    /* Office staff may not rename or move offices. */
    r = api_json("PATCH", p, &office, json_pack("{s:s}", "name", "改名"));
    th_assert_error(r, 403, "forbidden", NULL);
    th_resp_free(r);
    r = api_json("POST", "/api/v1/orgs", &office,
                 json_pack("{s:s, s:I}", "name", "x", "parent_id", (json_int_t)city));
    th_assert_error(r, 403, "forbidden", NULL);
    th_resp_free(r);
}

static void
test_initial_password(void **state)
{
    (void)state;
    data_ids();
    int64_t unit = make_unit(&office, "首登测试单位", "FIRST-001", 0);
    json_t *b = json_pack("{s:s, s:s, s:s, s:I}", "username", "firstlogin", "display_name",
                          "首次登录", "role", "unit_admin", "org_id", (json_int_t)unit);
    struct th_resp *r = api_json("POST", "/api/v1/users", &office, b);
    th_assert_status(r, 201);
    char initial[128];
    snprintf(initial, sizeof initial, "%s", th_jstr(r->json, "initial_password"));
    assert_true(strlen(initial) >= 8);
    assert_null(json_object_get(r->json, "pwhash"));
    int64_t uid = th_jint(r->json, "id");
    th_resp_free(r);
    /* Shown once: not in the account's JSON afterwards. */
    char p[64];
    snprintf(p, sizeof p, "/api/v1/users/%lld", (long long)uid);
    r = get(p, &office);
    th_assert_status(r, 200);
    assert_null(strstr(r->body, initial));
    th_resp_free(r);

    struct th_cred c;
    assert_int_equal(th_login(&srv, "firstlogin", initial, &c), 201);
    r = th_api(&srv, "GET", "/api/v1/me", &c, TH_COOKIE, NULL);
    th_assert_status(r, 200);
    assert_true(json_is_true(json_object_get(r->json, "must_change_password")));
    th_resp_free(r);
    /* Everything else answers 403 until the password is changed. */
    const char *paths[] = { "/api/v1/units", "/api/v1/orgs", "/api/v1/tokens", "/api/v1/users", p };
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        r = th_api(&srv, "GET", paths[i], &c, TH_COOKIE, NULL);
        th_assert_error(r, 403, "forbidden", "password");
        th_resp_free(r);
    }
    r = th_api(&srv, "POST", "/api/v1/tokens", &c, TH_SESSION, "{\"name\":\"x\"}");
    th_assert_error(r, 403, "forbidden", "password");
    th_resp_free(r);
    struct th_req q = { .method = "GET", .path = "/home", .cred = &c, .flags = TH_COOKIE };
    r = th_do(&srv, &q);
    th_assert_status(r, 303);
    assert_string_equal(th_header(r, "Location"), "/password");
    th_resp_free(r);

    /* Wrong old password, weak new password, then right. */
    json_t *pw = json_pack("{s:s, s:s}", "old_password", "wrong", "password", "New-Passw0rd");
    char *body = th_jdump(pw);
    r = th_api(&srv, "POST", "/api/v1/me/password", &c, TH_SESSION, body);
    free(body);
    th_assert_error(r, 400, "bad_request", "old_password");
    th_resp_free(r);
    body = th_jdump(json_pack("{s:s, s:s}", "old_password", initial, "password", "short"));
    r = th_api(&srv, "POST", "/api/v1/me/password", &c, TH_SESSION, body);
    free(body);
    th_assert_error(r, 400, "bad_request", "password");
    th_resp_free(r);
    body = th_jdump(json_pack("{s:s, s:s}", "old_password", initial, "password", "New-Passw0rd"));
    r = th_api(&srv, "POST", "/api/v1/me/password", &c, TH_COOKIE, body);
    th_assert_error(r, 403, "forbidden", "csrf");
    th_resp_free(r);
    r = th_api(&srv, "POST", "/api/v1/me/password", &c, TH_SESSION, body);
    free(body);
    th_assert_status(r, 200);
    th_resp_free(r);
    /* Now the session works for everything its role allows. */
    r = th_api(&srv, "GET", "/api/v1/units", &c, TH_COOKIE, NULL);
    th_assert_status(r, 200);
    assert_int_equal(json_array_size(json_object_get(r->json, "items")), 1);
    th_resp_free(r);
    r = th_api(&srv, "GET", "/api/v1/me", &c, TH_COOKIE, NULL);
    assert_false(json_is_true(json_object_get(r->json, "must_change_password")));
    th_resp_free(r);
    struct th_cred c2;
    assert_int_equal(th_login(&srv, "firstlogin", initial, &c2), 401);
    assert_int_equal(th_login(&srv, "firstlogin", "New-Passw0rd", &c2), 201);
}

static void
test_user_roles(void **state)
{
    (void)state;
    data_ids();
    /* unit_admin: member and viewer accounts of its own unit only. */
    json_t *b = json_pack("{s:s, s:s, s:s, s:I}", "username", "ua-made-member", "display_name",
                          "科员", "role", "unit_member", "org_id", (json_int_t)unit1);
    struct th_resp *r = api_json("POST", "/api/v1/users", &unitadmin, b);
    th_assert_status(r, 201);
    assert_non_null(json_object_get(r->json, "initial_password"));
    th_resp_free(r);
    b = json_pack("{s:s, s:s, s:s, s:I}", "username", "ua-made-ua", "display_name", "x", "role",
                  "unit_admin", "org_id", (json_int_t)unit1);
    r = api_json("POST", "/api/v1/users", &unitadmin, b);
    th_assert_error(r, 403, "forbidden", "role");
    th_resp_free(r);
    /* ... and not in another unit. */
    b = json_pack("{s:s, s:s, s:s, s:I}", "username", "ua-made-other", "display_name", "x", "role",
                  "unit_member", "org_id", (json_int_t)unit2);
    r = api_json("POST", "/api/v1/users", &unitadmin, b);
    th_assert_error(r, 404, "not_found", "org_id");
    th_resp_free(r);
    /* Office staff cannot create operators. */
    b = json_pack("{s:s, s:s, s:s, s:I}", "username", "office-made-admin", "display_name", "x",
                  "role", "admin", "org_id", (json_int_t)city);
    r = api_json("POST", "/api/v1/users", &office, b);
    th_assert_error(r, 403, "forbidden", "role");
    th_resp_free(r);
    /* Members and viewers manage nobody. */
    b = json_pack("{s:s, s:s, s:s, s:I}", "username", "m-made", "display_name", "x", "role",
                  "unit_member", "org_id", (json_int_t)unit1);
    r = api_json("POST", "/api/v1/users", &member, b);
    th_assert_error(r, 403, "forbidden", NULL);
    th_resp_free(r);
    /* Duplicate user names. */
    b = json_pack("{s:s, s:s, s:s, s:I}", "username", "ua-made-member", "display_name", "科员",
                  "role", "unit_member", "org_id", (json_int_t)unit1);
    r = api_json("POST", "/api/v1/users", &office, b);
    th_assert_error(r, 409, "conflict", "username");
    th_resp_free(r);
    /* Disabling an account ends its sessions and tokens' use. */
    struct th_cred victim;
    b = json_pack("{s:s, s:s, s:s, s:I, s:s}", "username", "to-disable", "display_name", "x",
                  "role", "unit_viewer", "org_id", (json_int_t)unit1, "password", TH_DEMO_PW);
    r = api_json("POST", "/api/v1/users", &unitadmin, b);
    th_assert_status(r, 201);
    char p[64];
    snprintf(p, sizeof p, "/api/v1/users/%lld", (long long)th_jint(r->json, "id"));
    th_resp_free(r);
    th_login_full(&srv, "to-disable", TH_DEMO_PW, &victim);
    r = api_json("PATCH", p, &unitadmin, json_pack("{s:b}", "disabled", 1));
    th_assert_status(r, 200);
    th_resp_free(r);
    r = th_api(&srv, "GET", "/api/v1/me", &victim, TH_COOKIE, NULL);
    th_assert_error(r, 401, "unauthorized", NULL);
    th_resp_free(r);
    r = th_api(&srv, "GET", "/api/v1/me", &victim, TH_BEARER, NULL);
    th_assert_error(r, 401, "unauthorized", NULL);
    th_resp_free(r);
    assert_int_equal(th_login(&srv, "to-disable", TH_DEMO_PW, &victim), 401);
    /* Nobody disables themselves. */
    snprintf(p, sizeof p, "/api/v1/users/%lld", (long long)unitadmin.user_id);
    r = api_json("PATCH", p, &unitadmin, json_pack("{s:b}", "disabled", 1));
    th_assert_error(r, 403, "forbidden", NULL);
    th_resp_free(r);
}

/* Brief: a unit_admin cannot create an office account: 403, whichever org it names. */
static void
test_unitadmin_no_office_account(void **state)
{
    (void)state;
    data_ids();
    json_t *b;
    struct th_resp *r;
    b = json_pack("{s:s, s:s, s:s, s:I}", "username", "ua-made-office", "display_name", "x", "role",
                  "office", "org_id", (json_int_t)unit1);
    r = api_json("POST", "/api/v1/users", &unitadmin, b);
    th_assert_error(r, 403, "forbidden", NULL);
    th_resp_free(r);
    b = json_pack("{s:s, s:s, s:s, s:I}", "username", "ua-made-office2", "display_name", "x",
                  "role", "office", "org_id", (json_int_t)city);
    r = api_json("POST", "/api/v1/users", &unitadmin, b);
    th_assert_error(r, 403, "forbidden", NULL);
    th_resp_free(r);
}

/* A multipart import of csv (len bytes) as c, with optional skip_bad. */
static struct th_resp *
import_csv(const struct th_cred *c, const char *csv, size_t len, bool skip_bad)
{
    CURL *tmp = curl_easy_init();
    curl_mime *m = curl_mime_init(tmp);
    curl_mimepart *part = curl_mime_addpart(m);
    curl_mime_name(part, "file");
    curl_mime_filename(part, "units.csv");
    curl_mime_type(part, "text/csv");
    curl_mime_data(part, csv, len);
    if (skip_bad) {
        part = curl_mime_addpart(m);
        curl_mime_name(part, "skip_bad");
        curl_mime_data(part, "1", CURL_ZERO_TERMINATED);
    }
    struct th_req q = {
        .method = "POST", .path = "/api/v1/units/import", .cred = c, .flags = th_auth(c), .mime = m
    };
    struct th_resp *r = th_do(&srv, &q);
    curl_mime_free(m);
    curl_easy_cleanup(tmp);
    return r;
}

static void
test_import(void **state)
{
    (void)state;
    data_ids();
    static const char good[] = "单位名称,单位代码,单位类型,所属文明办,科室\n"
                               "导入甲局,IMPA-001,机关,,办公室、工会\n"
                               "导入乙公司,IMPA-002,企业,东城区文明办,办公室\n"
                               "导入丙学校,IMPA-003,学校,某市文明办,\n";
    struct th_resp *r = import_csv(&office, good, strlen(good), false);
    th_assert_status(r, 200);
    assert_int_equal(th_jint(r->json, "imported"), 3);
    assert_int_equal(json_array_size(json_object_get(r->json, "errors")), 0);
    th_resp_free(r);
    assert_int_equal(th_count_units(&srv, &office, "IMPA-"), 3);
    char p[64];
    snprintf(p, sizeof p, "/api/v1/units/%lld", (long long)th_unit_id(&srv, &office, "IMPA-002"));
    r = get(p, &office);
    th_assert_status(r, 200);
    assert_string_equal(th_jstr(r->json, "name"), "导入乙公司");
    assert_int_equal(th_jint(r->json, "parent_id"), east);
    th_resp_free(r);
    snprintf(p, sizeof p, "/api/v1/units/%lld", (long long)th_unit_id(&srv, &office, "IMPA-001"));
    r = get(p, &office);
    assert_int_equal(json_array_size(json_object_get(r->json, "depts")), 2);
    assert_int_equal(th_jint(r->json, "parent_id"), city);
    th_resp_free(r);

    /* One bad row: 400, the row named, nothing imported. */
    static const char bad[] = "单位名称,单位代码,单位类型,所属文明办,科室\n"
                              "导入丁局,IMPB-001,机关,,\n"
                              "导入戊局,IMPB-002,火星,,\n"
                              "导入己局,IMPB-003,机关,,\n";
    r = import_csv(&office, bad, strlen(bad), false);
    th_assert_status(r, 400);
    json_t *errs = json_object_get(r->json, "errors");
    assert_int_equal(json_array_size(errs), 1);
    assert_int_equal(th_jint(json_array_get(errs, 0), "row"), 3);
    assert_string_equal(th_jstr(json_array_get(errs, 0), "field"), "type");
    assert_true(strlen(th_jstr(json_array_get(errs, 0), "reason")) > 0);
    assert_int_equal(th_jint(r->json, "imported"), 0);
    th_resp_free(r);
    assert_int_equal(th_count_units(&srv, &office, "IMPB-"), 0);

    /* skip_bad: the good rows go in. */
    r = import_csv(&office, bad, strlen(bad), true);
    th_assert_status(r, 200);
    assert_int_equal(th_jint(r->json, "imported"), 2);
    assert_int_equal(th_jint(r->json, "skipped"), 1);
    th_resp_free(r);
    assert_int_equal(th_count_units(&srv, &office, "IMPB-"), 2);

    /* A register as offices keep it: headers with notes in brackets and spaces, a title
    ** line, a blank row, a total and a note at the end; none of those is a unit.  A dry run says how many rows would go in. */
    static const char reg[] = "2026年文明单位创建名册,,,\n"
                              "单位名称（全称）,统一社会信用代码（18位）,单位 性质,科室\n"
                              "名册甲局,IMPR-001,机关单位,办公室\n"
                              ",,,\n"
                              "名册乙校,IMPR-002,中学,\n"
                              "合  计：2家,,,\n"
                              "备注：按单位性质排序。,,,\n";
    r = import_csv(&office, reg, strlen(reg), false);
    th_assert_status(r, 200);
    assert_int_equal(th_jint(r->json, "imported"), 2);
    assert_int_equal(th_jint(r->json, "valid"), 2);
    assert_int_equal(json_array_size(json_object_get(r->json, "errors")), 0);
    th_resp_free(r);
    assert_int_equal(th_count_units(&srv, &office, "IMPR-"), 2);

    /* Errors of several kinds: a duplicate code in the file and in the store, an office out
    ** of scope, a name too long. */
    static const char mixed[] = "单位名称,单位代码,单位类型,所属文明办\n"
                                "重复甲,IMPC-001,机关,\n"
                                "重复乙,IMPC-001,机关,\n"
                                "已有,DEMO001,机关,\n"
                                "无此办,IMPC-002,机关,不存在的文明办\n";
    r = import_csv(&district, mixed, strlen(mixed), false);
    th_assert_status(r, 400);
    errs = json_object_get(r->json, "errors");
    assert_int_equal(json_array_size(errs), 3);
    assert_int_equal(th_jint(json_array_get(errs, 0), "row"), 3);
    assert_string_equal(th_jstr(json_array_get(errs, 0), "field"), "code");
    assert_int_equal(th_jint(json_array_get(errs, 1), "row"), 4);
    assert_string_equal(th_jstr(json_array_get(errs, 1), "field"), "code");
    assert_int_equal(th_jint(json_array_get(errs, 2), "row"), 5);
    assert_string_equal(th_jstr(json_array_get(errs, 2), "field"), "office");
    th_resp_free(r);
    assert_int_equal(th_count_units(&srv, &office, "IMPC-"), 0);

    /* Unit roles may not import. */
    r = import_csv(&unitadmin, good, strlen(good), false);
    th_assert_error(r, 403, "forbidden", NULL);
    th_resp_free(r);
}

/* n rows of four cells into ws (an empty cell left empty). */
static void
sheet_rows(lxw_worksheet *ws, const char *const (*rows)[4], int n)
{
    for (int i = 0; i < n; i++) {
        for (int k = 0; k < 4; k++) {
            if (rows[i][k][0]) {
                worksheet_write_string(ws, (lxw_row_t)i, (lxw_col_t)k, rows[i][k], NULL);
            }
        }
    }
}

/* A register kept one sheet per district, as offices keep them: a cover sheet, then a sheet
** per district, each with its own title line and header (in its own column order).  Every
** sheet is imported; an error names its sheet, on the page too. */
static void
test_import_sheets(void **state)
{
    (void)state;
    data_ids();
    char path[sizeof srv.dir + 32];
    snprintf(path, sizeof path, "%s/register-sheets.xlsx", srv.dir);
    lxw_workbook *wb = workbook_new(path);
    worksheet_write_string(workbook_add_worksheet(wb, "填表说明"), 0, 0, "每区一页", NULL);
    /* a summary sheet first, holding units the districts' sheets hold again */
    static const char *const rs[][4] = {{"单位名称", "单位代码", "单位类型", "所属文明办"},
                                        {"分页甲局", "SHEET-001", "机关", "东城区文明办"},
                                        {"分页丙社区", "SHEET-003", "社区", "西湖区文明办"}};
    sheet_rows(workbook_add_worksheet(wb, "汇总"), rs, 3);
    /* a title line above the header */
    static const char *const ra[][4] = {{"2026年文明单位名册（东城区）", "", "", ""},
                                        {"单位名称", "单位代码", "单位类型", "所属文明办"},
                                        {"分页甲局", "SHEET-001", "机关", "东城区文明办"},
                                        {"分页乙校", "SHEET-002", "学校", "东城区文明办"}};
    sheet_rows(workbook_add_worksheet(wb, "东城区"), ra, 4);
    /* its own column order */
    static const char *const rb[][4] = {{"单位代码", "单位名称", "所属文明办", "单位类型"},
                                        {"SHEET-003", "分页丙社区", "西湖区文明办", "社区"},
                                        {"SHEET-004", "分页丁企业", "西湖区文明办", ""}};
    sheet_rows(workbook_add_worksheet(wb, "西湖区"), rb, 3);
    assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    char *data = malloc(1 << 20);
    size_t len = fread(data, 1, 1 << 20, fp);
    fclose(fp);
    unlink(path);
    /* the last row of the second district has no type: named with its sheet (4) and row;
    ** the units the summary holds are read once */
    struct th_resp *r = import_csv(&office, data, len, false);
    th_assert_status(r, 400);
    assert_int_equal(th_jint(r->json, "imported"), 0);
    assert_int_equal(th_jint(r->json, "valid"), 3);
    assert_int_equal(th_jint(r->json, "repeated"), 2);
    json_t *errs = json_object_get(r->json, "errors");
    assert_int_equal(json_array_size(errs), 1);
    assert_int_equal(th_jint(json_array_get(errs, 0), "sheet"), 4);
    assert_int_equal(th_jint(json_array_get(errs, 0), "row"), 3);
    th_resp_free(r);
    /* the page names the sheet with the row */
    struct th_file f = {.name = "名册.xlsx", .data = data, .len = len};
    r = th_upload(&srv, "/units/import", &office, TH_COOKIE, &f, 1, NULL);
    assert_non_null(strstr(r->body, "<td>工作表 4：3</td>"));
    assert_non_null(strstr(r->body, "id=\"import-repeated\""));
    th_resp_free(r);
    r = import_csv(&office, data, len, true);
    th_assert_status(r, 200);
    assert_int_equal(th_jint(r->json, "imported"), 3);
    th_resp_free(r);
    free(data);
    /* the second district's, read by its own header, is there with its office */
    r = get("/api/v1/orgs?q=%E5%88%86%E9%A1%B5%E4%B8%99", &office);
    th_assert_status(r, 200);
    assert_non_null(strstr(r->body, "SHEET-003"));
    assert_non_null(strstr(r->body, "分页丙社区"));
    th_resp_free(r);
}

static void
test_import_gbk(void **state)
{
    (void)state;
    data_ids();
    static const char utf8[] = "单位名称,单位代码,单位类型,所属文明办,科室\r\n"
                               "鑫磊机械厂,GBK-001,企业,东城区文明办,办公室、质检科\r\n"
                               "龍泉社区居委会,GBK-002,社区,,\r\n";
    char gbk[512];
    iconv_t cd = iconv_open("GBK", "UTF-8");
    assert_true(cd != (iconv_t)-1);
    char *in = (char *)utf8, *out = gbk;
    size_t inl = strlen(utf8), outl = sizeof gbk;
    assert_true(iconv(cd, &in, &inl, &out, &outl) != (size_t)-1);
    iconv_close(cd);
    size_t len = sizeof gbk - outl;
    assert_true(len < strlen(utf8)); /* really re-encoded */

    struct th_resp *r = import_csv(&office, gbk, len, false);
    th_assert_status(r, 200);
    assert_int_equal(th_jint(r->json, "imported"), 2);
    th_resp_free(r);
    char p[64];
    snprintf(p, sizeof p, "/api/v1/units/%lld", (long long)th_unit_id(&srv, &office, "GBK-001"));
    r = get(p, &office);
    th_assert_status(r, 200);
    assert_string_equal(th_jstr(r->json, "name"), "鑫磊机械厂");
    assert_int_equal(th_jint(r->json, "parent_id"), east);
    json_t *d = json_object_get(r->json, "depts");
    assert_int_equal(json_array_size(d), 2);
    assert_string_equal(th_jstr(json_array_get(d, 1), "name"), "质检科");
    th_resp_free(r);
    snprintf(p, sizeof p, "/api/v1/units/%lld", (long long)th_unit_id(&srv, &office, "GBK-002"));
    r = get(p, &office);
    th_assert_status(r, 200);
    assert_string_equal(th_jstr(r->json, "name"), "龍泉社区居委会");
    assert_string_equal(th_jstr(r->json, "type"), "社区");
    th_resp_free(r);
}

static void
test_audit(void **state)
{
    (void)state;
    data_ids();
    /* Office: sees unit.create entries, all within its jurisdiction. */
    struct th_resp *r = get("/api/v1/orgs?kind=office&limit=200", &admin);
    char city_path[64] = "", east_path[64] = "";
    size_t i;
    json_t *o;
    json_array_foreach(json_object_get(r->json, "items"), i, o)
    {
        if (th_jint(o, "id") == city) {
            snprintf(city_path, sizeof city_path, "%s", th_jstr(o, "path"));
        } else if (th_jint(o, "id") == east) {
            snprintf(east_path, sizeof east_path, "%s", th_jstr(o, "path"));
        }
    }
    th_resp_free(r);
    assert_true(city_path[0] && east_path[0]);

    r = get("/api/v1/audit?action=unit.create&limit=200", &office);
    th_assert_status(r, 200);
    json_t *items = json_object_get(r->json, "items");
    assert_true(json_array_size(items) >= 30);
    json_array_foreach(items, i, o)
    {
        assert_string_equal(th_jstr(o, "action"), "unit.create");
        assert_true(0 == strncmp(th_jstr(o, "org_path"), city_path, strlen(city_path)));
    }
    assert_non_null(strstr(r->body, "CRUD-001")); /* this test run's unit is there */
    th_resp_free(r);
    /* The district office: only its subtree, nothing of the city's own units. */
    r = get("/api/v1/audit?limit=200", &district);
    th_assert_status(r, 200);
    items = json_object_get(r->json, "items");
    assert_true(json_array_size(items) >= 1);
    json_array_foreach(items, i, o)
    {
        assert_true(0 == strncmp(th_jstr(o, "org_path"), east_path, strlen(east_path)));
    }
    assert_null(strstr(r->body, "DEMO001"));
    th_resp_free(r);
    /* Unit roles and evaluators: no audit log. */
    const struct th_cred *no[] = { &unitadmin, &member, &leader, &evaluator };
    for (size_t k = 0; k < 4; k++) {
        r = get("/api/v1/audit", no[k]);
        th_assert_error(r, 403, "forbidden", NULL);
        th_resp_free(r);
    }
}

static void
test_audit_tamper(void **state)
{
    (void)state;
    char *out = NULL;
    /* Run with the server stopped (this is the group's last test). */
    assert_int_equal(th_server_stop(&srv), 0);
    const char *verify[] = { "verify", "audit", "--data", srv.dir, NULL };
    int rc = th_run(verify, &out);
    if (0 != rc) {
        print_error("verify before tampering: %s\n", out);
    }
    assert_int_equal(rc, 0);
    assert_non_null(strstr(out, "intact"));
    free(out);

    /* an attacker turns the append-only trigger off and edits an entry */
    assert_int_equal(th_store_exec(&srv, th_store_pg()
                                              ? "ALTER TABLE audit DISABLE TRIGGER USER; "
                                                "UPDATE audit SET summary='x' WHERE id=3"
                                              : "DROP TRIGGER audit_no_update; "
                                                "UPDATE audit SET summary='x' WHERE id=3"),
                     0);
    rc = th_run(verify, &out);
    if (1 != rc || NULL == strstr(out, "entry 3")) {
        print_error("verify after tampering: exit %d: %s\n", rc, out);
    }
    assert_int_equal(rc, 1);
    assert_non_null(strstr(out, "entry 3"));
    free(out);
}

/* ================================================================ bad input */

static int
bad_setup(void **state)
{
    (void)state;
    if (start_server(NULL, NULL)) {
        return -1;
    }
    if (201 != th_login(&srv, "admin", TH_DEMO_PW, &admin) ||
        th_make_token(&srv, &admin, "tests") <= 0 ||
        201 != th_login(&srv, "office", TH_DEMO_PW, &office) ||
        th_make_token(&srv, &office, "tests") <= 0) {
        return -1;
    }
    return 0;
}

/* One request that must fail with status/code/field. */
struct bad_case {
    const char *method;
    const char *path;
    const char *ctype;
    const char *body;
    size_t len; /* 0: strlen(body) */
    long status;
    const char *code;
    const char *field;
};

static void
run_bad_cases(const struct bad_case *cases, size_t n, const struct th_cred *c)
{
    for (size_t i = 0; i < n; i++) {
        const struct bad_case *k = &cases[i];
        struct th_req q = { .method = k->method,
                            .path = k->path,
                            .cred = c,
                            .flags = th_auth(c),
                            .ctype = k->ctype ? k->ctype : (k->body ? "application/json" : NULL),
                            .body = k->body,
                            .len = k->body ? (k->len ? k->len : strlen(k->body)) : 0 };
        struct th_resp *r = th_do(&srv, &q);
        if (r->status != k->status) {
            print_error("case %zu: %s %s %.80s\n", i, k->method, k->path, k->body ? k->body : "");
        }
        th_assert_error(r, k->status, k->code, k->field);
        th_resp_free(r);
    }
}

static void
test_bad_json(void **state)
{
    (void)state;
    struct th_resp *r = th_api(&srv, "POST", "/api/v1/units", &office, TH_BEARER,
                               "{\n  \"name\": \"x\",\n  \"code\": \"J-1\",\n}");
    th_assert_error(r, 400, "bad_request", "body");
    const char *msg = th_jstr(json_object_get(r->json, "error"), "message");
    if (!strstr(msg, "第4行") || !strstr(msg, "列")) {
        print_error("message does not name line 4 and a column: %s\n", msg);
        fail();
    }
    th_resp_free(r);
    static const struct bad_case cases[] = {
        { "POST", "/api/v1/units", NULL, "{\"name\": \"x\",", 0, 400, "bad_request", "body" },
        { "POST", "/api/v1/units", NULL, "{", 0, 400, "bad_request", "body" },
        { "POST", "/api/v1/units", NULL, "nonsense", 0, 400, "bad_request", "body" },
        { "POST", "/api/v1/units", NULL, "[]", 0, 400, "bad_request", "body" },
        { "POST", "/api/v1/units", NULL, "\"a string\"", 0, 400, "bad_request", "body" },
        { "POST", "/api/v1/units", NULL, "null", 0, 400, "bad_request", "body" },
        { "POST", "/api/v1/units", NULL, "{\"name\":\"a\",\"name\":\"b\"}", 0, 400, "bad_request",
          "body" },
        { "POST", "/api/v1/units", NULL, "{\"name\":\"a\"} trailing", 0, 400, "bad_request",
          "body" },
        { "POST", "/api/v1/units", NULL, "{\"name\":\"\\ud800\"}", 0, 400, "bad_request", NULL },
        { "PATCH", "/api/v1/orgs/2", NULL, "{\"name\": }", 0, 400, "bad_request", "body" },
        { "POST", "/api/v1/session", NULL, "{\"username\": \"office\", \"password\": ", 0, 400,
          "bad_request", "body" },
    };
    run_bad_cases(cases, sizeof cases / sizeof cases[0], &office);
    /* Deep nesting: refused by the pre-scan before jansson allocates (issue 7). */
    size_t depth = 1000;
    char *deep = malloc(2 * depth + 1);
    assert_non_null(deep);
    memset(deep, '[', depth);
    memset(deep + depth, ']', depth);
    deep[2 * depth] = '\0';
    r = th_api(&srv, "POST", "/api/v1/units", &office, TH_BEARER, deep);
    th_assert_error(r, 413, "too_large", "body");
    th_resp_free(r);
    free(deep);
}

static void
test_unknown_fields(void **state)
{
    (void)state;
    static const struct bad_case cases[] = {
        { "POST", "/api/v1/units", NULL,
          "{\"name\":\"x\",\"code\":\"UF-1\",\"type\":\"机关\",\"bogus\":1}", 0, 400, "bad_request",
          "bogus" },
        { "POST", "/api/v1/tokens", NULL, "{\"name\":\"x\",\"scope\":\"all\"}", 0, 400,
          "bad_request", "scope" },
        { "POST", "/api/v1/session", NULL,
          "{\"username\":\"office\",\"password\":\"" TH_DEMO_PW "\",\"remember\":true}", 0, 400,
          "bad_request", "remember" },
        { "PATCH", "/api/v1/units/6", NULL, "{\"Name\":\"x\"}", 0, 400, "bad_request", "Name" },
        { "PATCH", "/api/v1/units/6", NULL, "{\"depts\":[\"x\"]}", 0, 400, "bad_request", "depts" },
        { "POST", "/api/v1/users", NULL,
          "{\"username\":\"u1\",\"display_name\":\"x\",\"role\":\"unit_member\",\"org_id\":6,"
          "\"is_admin\":true}",
          0, 400, "bad_request", "is_admin" },
    };
    run_bad_cases(cases, sizeof cases / sizeof cases[0], &office);
}

static void
test_wrong_types(void **state)
{
    (void)state;
    static const struct bad_case cases[] = {
        { "POST", "/api/v1/units", NULL, "{\"name\":5,\"code\":\"T-1\",\"type\":\"机关\"}", 0, 400,
          "bad_request", "name" },
        { "POST", "/api/v1/units", NULL,
          "{\"name\":\"x\",\"code\":\"T-1\",\"type\":\"机关\",\"parent_id\":\"2\"}", 0, 400,
          "bad_request", "parent_id" },
        { "POST", "/api/v1/units", NULL,
          "{\"name\":\"x\",\"code\":\"T-1\",\"type\":\"机关\",\"parent_id\":-2}", 0, 400,
          "bad_request", "parent_id" },
        { "POST", "/api/v1/units", NULL,
          "{\"name\":\"x\",\"code\":\"T-1\",\"type\":\"机关\",\"parent_id\":2.5}", 0, 400,
          "bad_request", "parent_id" },
        { "POST", "/api/v1/units", NULL,
          "{\"name\":\"x\",\"code\":\"T-1\",\"type\":\"机关\",\"depts\":\"办公室\"}", 0, 400,
          "bad_request", "depts" },
        { "POST", "/api/v1/units", NULL,
          "{\"name\":\"x\",\"code\":\"T-1\",\"type\":\"机关\",\"depts\":[1]}", 0, 400,
          "bad_request", "depts" },
        { "POST", "/api/v1/units", NULL, "{\"name\":null,\"code\":\"T-1\",\"type\":\"机关\"}", 0,
          400, "bad_request", "name" },
        { "POST", "/api/v1/units", NULL, "{\"name\":[\"x\"],\"code\":\"T-1\",\"type\":\"机关\"}", 0,
          400, "bad_request", "name" },
        { "POST", "/api/v1/units", NULL, "{\"name\":{},\"code\":\"T-1\",\"type\":\"机关\"}", 0, 400,
          "bad_request", "name" },
        { "POST", "/api/v1/units", NULL, "{\"name\":\"x\",\"code\":true,\"type\":\"机关\"}", 0, 400,
          "bad_request", "code" },
        { "POST", "/api/v1/units", NULL, "{\"name\":\"x\",\"code\":\"T-1\",\"type\":\"火星\"}", 0,
          400, "bad_request", "type" },
        { "POST", "/api/v1/units", NULL, "{\"name\":\"x\",\"type\":\"机关\"}", 0, 400,
          "bad_request", "code" },
        { "POST", "/api/v1/units", NULL, "{\"name\":\"x\",\"code\":\"a b\",\"type\":\"机关\"}", 0,
          400, "bad_request", "code" },
        { "POST", "/api/v1/units", NULL, "{\"name\":\" x\",\"code\":\"T-1\",\"type\":\"机关\"}", 0,
          400, "bad_request", "name" },
        { "POST", "/api/v1/units", NULL, "{\"name\":\"\",\"code\":\"T-1\",\"type\":\"机关\"}", 0,
          400, "bad_request", "name" },
        { "POST", "/api/v1/units", NULL,
          "{\"name\":\"a\\u0000b\",\"code\":\"T-1\",\"type\":\"机关\"}", 0, 400, "bad_request",
          "body" },
        { "POST", "/api/v1/units", NULL,
          "{\"name\":\"a\\u0007b\",\"code\":\"T-1\",\"type\":\"机关\"}", 0, 400, "bad_request",
          "name" },
        { "POST", "/api/v1/units", NULL, "{\"name\":\"a\\nb\",\"code\":\"T-1\",\"type\":\"机关\"}",
          0, 400, "bad_request", "name" },
        { "PATCH", "/api/v1/users/2", NULL, "{\"disabled\":\"yes\"}", 0, 400, "bad_request",
          "disabled" },
        { "PATCH", "/api/v1/users/2", NULL, "{\"dept_id\":\"1\"}", 0, 400, "bad_request",
          "dept_id" },
        { "POST", "/api/v1/session", NULL, "{\"username\":1,\"password\":2}", 0, 400, "bad_request",
          "username" },
        { "POST", "/api/v1/units/6/depts", NULL, "{\"name\":false}", 0, 400, "bad_request",
          "name" },
    };
    run_bad_cases(cases, sizeof cases / sizeof cases[0], &office);
    /* An integer beyond int64. */
    struct th_resp *r = th_api(
        &srv, "POST", "/api/v1/units", &office, TH_BEARER,
        "{\"name\":\"x\",\"code\":\"T-2\",\"type\":\"机关\",\"parent_id\":99999999999999999999999}");
    th_assert_error(r, 400, "bad_request", NULL);
    th_resp_free(r);
    r = th_api(
        &srv, "POST", "/api/v1/units", &office, TH_BEARER,
        "{\"name\":\"x\",\"code\":\"T-2\",\"type\":\"机关\",\"parent_id\":9007199254740993}");
    th_assert_error(r, 404, "not_found", "parent_id");
    th_resp_free(r);
}

/* n copies of the UTF-8 character ch (caller frees). */
static char *
repeat(const char *ch, size_t n)
{
    size_t l = strlen(ch);
    char *s = malloc(l * n + 1);
    assert_non_null(s);
    for (size_t i = 0; i < n; i++) {
        memcpy(s + i * l, ch, l);
    }
    s[l * n] = '\0';
    return s;
}

static void
test_long_strings(void **state)
{
    (void)state;
    char *n101 = repeat("文", 101), *n100 = repeat("文", 100), *c65 = repeat("A", 65);
    char *t51 = repeat("令", 51), *huge = repeat("x", 1000000);
    struct th_resp *r =
        api_json("POST", "/api/v1/units", &office,
                 json_pack("{s:s, s:s, s:s}", "name", n101, "code", "LONG-1", "type", "机关"));
    th_assert_error(r, 400, "bad_request", "name");
    th_resp_free(r);
    r = api_json("POST", "/api/v1/units", &office,
                 json_pack("{s:s, s:s, s:s}", "name", n100, "code", "LONG-1", "type", "机关"));
    th_assert_status(r, 201);
    assert_string_equal(th_jstr(r->json, "name"), n100);
    th_resp_free(r);
    r = api_json("POST", "/api/v1/units", &office,
                 json_pack("{s:s, s:s, s:s}", "name", "x", "code", c65, "type", "机关"));
    th_assert_error(r, 400, "bad_request", "code");
    th_resp_free(r);
    r = api_json("POST", "/api/v1/tokens", &office, json_pack("{s:s}", "name", t51));
    th_assert_error(r, 400, "bad_request", "name");
    th_resp_free(r);
    /* A long value within the route's body limit is refused by its field; a body over the
    ** limit (64 KiB for JSON, 8 KiB for a login) before it is read. */
    huge[30000] = '\0';
    r = api_json("POST", "/api/v1/units", &office,
                 json_pack("{s:s, s:s, s:s}", "name", huge, "code", "LONG-2", "type", "机关"));
    th_assert_error(r, 400, "bad_request", "name");
    th_resp_free(r);
    huge[30000] = 'x';
    r = api_json("POST", "/api/v1/units", &office,
                 json_pack("{s:s, s:s, s:s}", "name", huge, "code", "LONG-2", "type", "机关"));
    th_assert_refused_large(r);
    th_resp_free(r);
    huge[5000] = '\0';
    r = api_json("POST", "/api/v1/session", NULL,
                 json_pack("{s:s, s:s}", "username", huge, "password", "x"));
    th_assert_error(r, 400, "bad_request", "username");
    th_resp_free(r);
    huge[5000] = 'x';
    r = api_json("POST", "/api/v1/session", NULL,
                 json_pack("{s:s, s:s}", "username", huge, "password", "x"));
    th_assert_refused_large(r);
    th_resp_free(r);
    r = api_json("PATCH", "/api/v1/orgs/2", &admin, json_pack("{s:s}", "name", n101));
    th_assert_error(r, 400, "bad_request", "name");
    th_resp_free(r);
    free(n101);
    free(n100);
    free(c65);
    free(t51);
    free(huge);
}

static void
test_invalid_utf8(void **state)
{
    (void)state;
    /* In a JSON body: jansson refuses it. */
    static const char body[] = "{\"name\":\"\xff\xfe\",\"code\":\"U8-1\",\"type\":\"机关\"}";
    static const char over[] = "{\"name\":\"\xc0\xaf\",\"code\":\"U8-1\",\"type\":\"机关\"}";
    static const char cut[] = "{\"name\":\"\xe6\x96\",\"code\":\"U8-1\",\"type\":\"机关\"}";
    static const struct bad_case cases[] = {
        { "POST", "/api/v1/units", NULL, body, 0, 400, "bad_request", "body" },
        { "POST", "/api/v1/units", NULL, over, 0, 400, "bad_request", "body" },
        { "POST", "/api/v1/units", NULL, cut, 0, 400, "bad_request", "body" },
        /* In the path. */
        { "GET", "/api/v1/units/%ff", NULL, NULL, 0, 400, "bad_request", "path" },
        { "GET", "/api/v1/%c0%ae%c0%ae/units", NULL, NULL, 0, 400, "bad_request", "path" },
    };
    run_bad_cases(cases, sizeof cases / sizeof cases[0], &office);
    /* In a form field (a page). */
    struct th_resp *r = th_form(&srv, "/units", &office, "name=%ff%fe&code=U8-2&type=x");
    th_assert_status(r, 400);
    th_resp_free(r);
}

static void
test_invalid_utf8_query(void **state)
{
    (void)state;
    struct th_resp *r;
    /* In a query argument: refused, not silently dropped (which would list everything). */
    r = get("/api/v1/units?q=%ff%fe", &office);
    th_assert_error(r, 400, "bad_request", "q");
    th_resp_free(r);
    r = get("/api/v1/users?q=%e6%96", &office);
    th_assert_error(r, 400, "bad_request", "q");
    th_resp_free(r);
}

static void
test_oversize(void **state)
{
    (void)state;
    /* The declared length alone is refused before any body byte is read. */
    char req[512];
    snprintf(req, sizeof req,
             "POST /api/v1/units HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
             "Content-Type: application/json\r\nContent-Length: %d\r\n\r\n{",
             office.token, 17 * 1024 * 1024);
    struct th_resp *r = th_raw(&srv, req, strlen(req));
    th_assert_error(r, 413, "too_large", NULL);
    th_resp_free(r);
    /* The import route allows 32 MiB: 33 MiB is too much there. */
    snprintf(req, sizeof req,
             "POST /api/v1/units/import HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
             "Content-Type: multipart/form-data; boundary=x\r\nContent-Length: %d\r\n\r\n",
             office.token, 33 * 1024 * 1024);
    r = th_raw(&srv, req, strlen(req));
    th_assert_error(r, 413, "too_large", NULL);
    th_resp_free(r);
    /* Even anonymous callers get 401 first, never a read body. */
    snprintf(req, sizeof req,
             "POST /api/v1/units HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
             "Content-Length: %d\r\n\r\n",
             17 * 1024 * 1024);
    r = th_raw(&srv, req, strlen(req));
    th_assert_error(r, 401, "unauthorized", NULL);
    th_resp_free(r);
    /* A bad Content-Length. */
    snprintf(req, sizeof req,
             "POST /api/v1/units HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
             "Content-Type: application/json\r\nContent-Length: -5\r\nConnection: close\r\n\r\n",
             office.token);
    r = th_raw(&srv, req, strlen(req));
    assert_true(400 == r->status || 413 == r->status);
    th_resp_free(r);

    /* A real 17 MiB body, with Content-Length and chunked. */
    size_t big = 17u * 1024 * 1024;
    char *body = malloc(big);
    assert_non_null(body);
    memset(body, ' ', big);
    body[0] = '{';
    body[big - 1] = '}';
    struct th_req q = { .method = "POST",
                        .path = "/api/v1/units",
                        .cred = &office,
                        .flags = TH_BEARER,
                        .ctype = "application/json",
                        .body = body,
                        .len = big };
    r = th_do(&srv, &q);
    th_assert_refused_large(r);
    th_resp_free(r);
    q.flags |= TH_CHUNKED;
    r = th_do(&srv, &q);
    th_assert_refused_large(r);
    th_resp_free(r);
    /* Just over the JSON default (max_json_body, 64 KiB) is refused too; 60 KiB of
    ** whitespace in a JSON object is within it: parsed, then checked. */
    q.flags = TH_BEARER;
    q.len = 64u * 1024 + 1;
    body[q.len - 1] = '}';
    r = th_do(&srv, &q);
    th_assert_refused_large(r);
    th_resp_free(r);
    body[q.len - 1] = ' ';
    q.len = 60u * 1024;
    body[q.len - 1] = '}';
    r = th_do(&srv, &q);
    th_assert_error(r, 400, "bad_request", "name");
    th_resp_free(r);
    free(body);
}

static void
test_unknown_routes_and_methods(void **state)
{
    (void)state;
    static const struct bad_case cases[] = {
        { "GET", "/api/v1/nope", NULL, NULL, 0, 404, "not_found", NULL },
        { "GET", "/api/v2/units", NULL, NULL, 0, 404, "not_found", NULL },
        { "POST", "/api/v1/nope", NULL, "{}", 0, 404, "not_found", NULL },
        { "GET", "/api/v1/units/abc", NULL, NULL, 0, 404, "not_found", NULL },
        { "GET", "/api/v1/units/0", NULL, NULL, 0, 404, "not_found", NULL },
        { "GET", "/api/v1/units/-1", NULL, NULL, 0, 404, "not_found", NULL },
        { "GET", "/api/v1/units/+6", NULL, NULL, 0, 404, "not_found", NULL },
        { "GET", "/api/v1/units/6.0", NULL, NULL, 0, 404, "not_found", NULL },
        { "GET", "/api/v1/units/99999999999999999999999", NULL, NULL, 0, 404, "not_found", NULL },
        { "GET", "/api/v1/units/9223372036854775807", NULL, NULL, 0, 404, "not_found", NULL },
        { "GET", "/api/v1/units/", NULL, NULL, 0, 404, "not_found", NULL },
        { "GET", "/api/v1/units//depts", NULL, NULL, 0, 404, "not_found", NULL },
        { "GET", "/api/v1/units/6/", NULL, NULL, 0, 404, "not_found", NULL },
        { "GET", "/api/v1/me/", NULL, NULL, 0, 404, "not_found", NULL },
        { "GET", "/API/V1/ME", NULL, NULL, 0, 404, "not_found", NULL },
        { "GET", "/api/v1/orgs/1/x", NULL, NULL, 0, 404, "not_found", NULL },
    };
    run_bad_cases(cases, sizeof cases / sizeof cases[0], &office);

    static const struct {
        const char *method, *path, *allow;
    } m405[] = {
        { "PUT", "/api/v1/units", "GET, HEAD, POST" },
        { "DELETE", "/api/v1/units", "GET, HEAD, POST" },
        { "DELETE", "/api/v1/me", "GET, HEAD" },
        { "PATCH", "/api/v1/session", "POST, DELETE" },
        { "GET", "/api/v1/session", "POST, DELETE" },
        { "PUT", "/api/v1/units/6", "GET, HEAD, PATCH" },
        { "POST", "/api/v1/audit", "GET, HEAD" },
        { "GET", "/api/v1/units/import", "POST" },
        { "DELETE", "/api/v1/tokens", "GET, HEAD, POST" },
    };

    for (size_t i = 0; i < sizeof m405 / sizeof m405[0]; i++) {
        struct th_resp *r = th_api(&srv, m405[i].method, m405[i].path, &office, TH_BEARER, NULL);
        th_assert_error(r, 405, "method_not_allowed", NULL);
        const char *allow = th_header(r, "Allow");
        if (NULL == allow || 0 != strcmp(allow, m405[i].allow)) {
            print_error("%s %s: Allow: %s, want %s\n", m405[i].method, m405[i].path,
                        allow ? allow : "(none)", m405[i].allow);
            fail();
        }
        th_resp_free(r);
    }
    /* Anonymous callers get the same 405 (the method is wrong whoever asks). */
    struct th_resp *r = th_api(&srv, "PUT", "/api/v1/units", NULL, 0, NULL);
    th_assert_error(r, 405, "method_not_allowed", NULL);
    th_resp_free(r);
    /* A method no route knows. */
    r = th_api(&srv, "OPTIONS", "/api/v1/units", &office, TH_BEARER, NULL);
    assert_true(405 == r->status || 501 == r->status);
    th_resp_free(r);
    r = th_api(&srv, "BREW", "/api/v1/units", &office, TH_BEARER, NULL);
    assert_true(405 == r->status || 501 == r->status || 400 == r->status);
    th_resp_free(r);
    /* A page that does not exist answers HTML. */
    const char *h[] = { "Accept: text/html", NULL };
    struct th_req q = { .method = "GET", .path = "/nope", .headers = h };
    r = th_do(&srv, &q);
    th_assert_status(r, 404);
    assert_non_null(strstr(th_header(r, "Content-Type"), "text/html"));
    th_resp_free(r);
    /* Unsupported content types. */
    struct th_req t = { .method = "POST",
                        .path = "/api/v1/units",
                        .cred = &office,
                        .flags = TH_BEARER,
                        .ctype = "text/plain",
                        .body = "{\"name\":\"x\"}",
                        .len = 12 };
    r = th_do(&srv, &t);
    th_assert_error(r, 415, "unsupported_media", "Content-Type");
    th_resp_free(r);
    t.ctype = "application/x-www-form-urlencoded";
    r = th_do(&srv, &t);
    th_assert_error(r, 415, "unsupported_media", "Content-Type");
    th_resp_free(r);
    t.path = "/api/v1/units/import";
    t.ctype = "application/json";
    r = th_do(&srv, &t);
    th_assert_error(r, 415, "unsupported_media", "Content-Type");
    th_resp_free(r);
}

static void
test_paging_args(void **state)
{
    (void)state;
    char *q201 = repeat("q", 201);
    char p[300];
    snprintf(p, sizeof p, "/api/v1/units?q=%s", q201);
    free(q201);
    struct bad_case cases[] = {
        { "GET", "/api/v1/units?limit=0", NULL, NULL, 0, 400, "bad_request", "limit" },
        { "GET", "/api/v1/units?limit=201", NULL, NULL, 0, 400, "bad_request", "limit" },
        { "GET", "/api/v1/units?limit=abc", NULL, NULL, 0, 400, "bad_request", "limit" },
        { "GET", "/api/v1/units?limit=-1", NULL, NULL, 0, 400, "bad_request", "limit" },
        { "GET", "/api/v1/units?limit=1e2", NULL, NULL, 0, 400, "bad_request", "limit" },
        { "GET", "/api/v1/units?cursor=abc", NULL, NULL, 0, 400, "bad_request", "cursor" },
        { "GET", "/api/v1/units?cursor=-5", NULL, NULL, 0, 400, "bad_request", "cursor" },
        { "GET", "/api/v1/orgs?kind=planet", NULL, NULL, 0, 400, "bad_request", "kind" },
        { "GET", p, NULL, NULL, 0, 400, "bad_request", "q" },
    };
    run_bad_cases(cases, sizeof cases / sizeof cases[0], &office);
}

static void
test_traversal(void **state)
{
    (void)state;
    static const char *paths[] = {
        "/static/../wenming.db",
        "/static/%2e%2e/%2e%2e/etc/passwd",
        "/api/v1/units/..%2f..%2f",
        "/static/..%2fwenming.db",
        "/static/%2e%2e%2fwenming.db",
        "/static/%2E%2E/wenming.conf",
        "/static/./wenming.css/../../wenming.db",
        "/static/wenming.db",
        "/static/wenming.conf",
        "/static//etc/passwd",
        "/static/%2fetc%2fpasswd",
        "/static/..%5cwenming.db",
        "/static/..\\wenming.db",
        "/%2e%2e/wenming.db",
        "/static/%252e%252e/wenming.db",
        "/static/%c0%ae%c0%ae/wenming.db",
        "/../../../../etc/passwd",
        "/api/v1/../../wenming.db",
        "/static/blobs",
        "/static/server.log",
    };
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        struct th_req q = {
            .method = "GET", .path = paths[i], .cred = &office, .flags = TH_COOKIE
        };
        struct th_resp *r = th_do(&srv, &q);
        bool ok = (400 == r->status || 404 == r->status) && NULL == strstr(r->body, "SQLite") &&
                  NULL == strstr(r->body, "root:") && NULL == strstr(r->body, "pwhash");
        if (!ok) {
            print_error("GET %s: HTTP %ld (want 400 or 404): %.200s\n", paths[i], r->status,
                        r->body);
        }
        assert_true(ok);
        th_resp_free(r);
    }
    /* The same over a raw socket, where no client normalises anything. */
    static const char *raw[] = {
        "GET /static/../wenming.db HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        "GET /static/%2e%2e/%2e%2e/etc/passwd HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        "GET ../wenming.db HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        "GET http://x/static/../wenming.db HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    };
    for (size_t i = 0; i < sizeof raw / sizeof raw[0]; i++) {
        struct th_resp *r = th_raw(&srv, raw[i], strlen(raw[i]));
        if (200 == r->status || NULL != strstr(r->body, "SQLite")) {
            print_error("raw %zu: HTTP %ld\n", i, r->status);
            fail();
        }
        th_resp_free(r);
    }
    /* The real static files still work. */
    struct th_req q = { .method = "GET", .path = "/static/wenming.css" };
    struct th_resp *r = th_do(&srv, &q);
    th_assert_status(r, 200);
    th_resp_free(r);
}

static void
test_sql_metacharacters(void **state)
{
    (void)state;
    static const char *evil[] = {
        "x'); DROP TABLE org;--",
        "Robert'); DROP TABLE user;--",
        "1' OR '1'='1",
        "\"; DELETE FROM audit; --",
        "a%b_c\\d",
        "'||(SELECT pwhash FROM user LIMIT 1)||'",
    };
    char code[32], p[128];
    for (size_t i = 0; i < sizeof evil / sizeof evil[0]; i++) {
        /* Unit name and department names. */
        snprintf(code, sizeof code, "SQL-%zu", i);
        json_t *b = json_pack("{s:s, s:s, s:s, s:[s]}", "name", evil[i], "code", code, "type",
                              "机关", "depts", evil[i]);
        struct th_resp *r = api_json("POST", "/api/v1/units", &office, b);
        th_assert_status(r, 201);
        int64_t id = th_jint(r->json, "id");
        assert_string_equal(th_jstr(r->json, "name"), evil[i]);
        assert_string_equal(th_jstr(json_array_get(json_object_get(r->json, "depts"), 0), "name"),
                            evil[i]);
        th_resp_free(r);
        snprintf(p, sizeof p, "/api/v1/units/%lld", (long long)id);
        r = get(p, &office);
        th_assert_status(r, 200);
        assert_string_equal(th_jstr(r->json, "name"), evil[i]);
        th_resp_free(r);
        /* Found by searching for exactly that text, and only that unit. */
        assert_int_equal(th_count_units(&srv, &office, evil[i]), 1);
        /* A dept added later, an account's display name, a token name, an org name. */
        snprintf(p, sizeof p, "/api/v1/units/%lld/depts", (long long)id);
        char dname[64];
        snprintf(dname, sizeof dname, "%.40s#2", evil[i]);
        r = api_json("POST", p, &office, json_pack("{s:s}", "name", dname));
        th_assert_status(r, 201);
        assert_string_equal(th_jstr(r->json, "name"), dname);
        th_resp_free(r);
        char uname[32];
        snprintf(uname, sizeof uname, "sql-user-%zu", i);
        r = api_json("POST", "/api/v1/users", &office,
                     json_pack("{s:s, s:s, s:s, s:I}", "username", uname, "display_name", evil[i],
                               "role", "unit_member", "org_id", (json_int_t)id));
        th_assert_status(r, 201);
        assert_string_equal(th_jstr(r->json, "display_name"), evil[i]);
        th_resp_free(r);
        r = api_json("POST", "/api/v1/tokens", &office, json_pack("{s:s}", "name", evil[i]));
        th_assert_status(r, 201);
        assert_string_equal(th_jstr(r->json, "name"), evil[i]);
        th_resp_free(r);
        r = api_json(
            "POST", "/api/v1/orgs", &admin,
            json_pack("{s:s, s:I}", "name", evil[i], "parent_id", (json_int_t)admin.org_id));
        th_assert_status(r, 201);
        assert_string_equal(th_jstr(r->json, "name"), evil[i]);
        th_resp_free(r);
        /* Filters with metacharacters. */
        char enc[256], fp[400];
        th_urlenc(evil[i], enc, sizeof enc);
        snprintf(fp, sizeof fp, "/api/v1/audit?action=%s", enc);
        r = get(fp, &office);
        th_assert_status(r, 200);
        th_resp_free(r);
        snprintf(fp, sizeof fp, "/api/v1/users?q=%s", enc);
        r = get(fp, &office);
        th_assert_status(r, 200);
        assert_int_equal(json_array_size(json_object_get(r->json, "items")), 1);
        th_resp_free(r);
        snprintf(fp, sizeof fp, "/api/v1/units?type=%s", enc);
        r = get(fp, &office);
        th_assert_status(r, 200);
        assert_int_equal(json_array_size(json_object_get(r->json, "items")), 0);
        th_resp_free(r);
    }
    /* LIKE wildcards are literal in searches. */
    assert_int_equal(th_count_units(&srv, &office, "%"), 1);
    assert_int_equal(th_count_units(&srv, &office, "_"), 1);
    assert_int_equal(th_count_units(&srv, &office, "\\"), 1);
    /* Every table is still there. */
    assert_true(th_count_units(&srv, &office, "DEMO") >= 30);
    struct th_resp *r = get("/api/v1/users?limit=200", &admin);
    th_assert_status(r, 200);
    assert_true(json_array_size(json_object_get(r->json, "items")) >= 7);
    th_resp_free(r);
    r = get("/api/v1/audit?limit=5", &admin);
    th_assert_status(r, 200);
    assert_int_equal(json_array_size(json_object_get(r->json, "items")), 5);
    th_resp_free(r);
}

static void
test_html_escaping(void **state)
{
    (void)state;
    const char *xss = "<script>alert(1)</script>";
    const char *attr = "\" onmouseover=\"alert(2)";
    int64_t id = make_unit(&office, xss, "XSS-1", 0);
    int64_t id2 = make_unit(&office, attr, "XSS-2", 0);
    char p[64];
    snprintf(p, sizeof p, "/units/%lld", (long long)id);
    struct th_req q = { .method = "GET", .path = p, .cred = &office, .flags = TH_COOKIE };
    struct th_resp *r = th_do(&srv, &q);
    th_assert_status(r, 200);
    assert_non_null(strstr(th_header(r, "Content-Type"), "text/html"));
    assert_null(strstr(r->body, "<script>alert"));
    assert_non_null(strstr(r->body, "&lt;script&gt;alert(1)&lt;/script&gt;"));
    th_resp_free(r);
    snprintf(p, sizeof p, "/units/%lld", (long long)id2);
    r = th_do(&srv, &q);
    th_assert_status(r, 200);
    assert_null(strstr(r->body, "\" onmouseover=\""));
    assert_non_null(strstr(r->body, "&quot; onmouseover=&quot;alert(2)"));
    th_resp_free(r);
    /* In lists, in the search box echo, and in flash messages. */
    q.path = "/units?q=%3Cscript%3E";
    r = th_do(&srv, &q);
    th_assert_status(r, 200);
    assert_null(strstr(r->body, "<script>alert"));
    assert_null(strstr(r->body, "value=\"<script>"));
    th_resp_free(r);
    q.path = "/home?ok=%3Cscript%3Ealert(3)%3C%2Fscript%3E&err=%3Cimg%20src%3Dx%3E";
    r = th_do(&srv, &q);
    th_assert_status(r, 200);
    assert_null(strstr(r->body, "<script>alert(3)"));
    assert_null(strstr(r->body, "<img src=x>"));
    /* A crafted link puts no words on the page: messages come from our own cookie. */
    assert_null(strstr(r->body, "alert(3)"));
    th_resp_free(r);
    q.path = "/home?ok=1";
    q.cookies = "wm_flash=ok.%3Cscript%3Ealert(5)%3C%2Fscript%3E";
    r = th_do(&srv, &q);
    th_assert_status(r, 200);
    assert_null(strstr(r->body, "<script>alert(5)"));
    assert_non_null(strstr(r->body, "&lt;script&gt;alert(5)"));
    th_resp_free(r);
    q.cookies = NULL;
    q.path = "/login?next=%22%3E%3Cscript%3Ealert(4)%3C/script%3E";
    q.cred = NULL;
    q.flags = 0;
    r = th_do(&srv, &q);
    th_assert_status(r, 200);
    assert_null(strstr(r->body, "<script>alert(4)"));
    th_resp_free(r);
    /* The JSON API returns the text as it was stored. */
    snprintf(p, sizeof p, "/api/v1/units/%lld", (long long)id);
    r = get(p, &office);
    assert_string_equal(th_jstr(r->json, "name"), xss);
    assert_non_null(strstr(th_header(r, "Content-Type"), "application/json"));
    assert_string_equal(th_header(r, "X-Content-Type-Options"), "nosniff");
    th_resp_free(r);
}

static void
test_bad_forms(void **state)
{
    (void)state;
    /* A page form without the csrf field. */
    struct th_req q = { .method = "POST",
                        .path = "/units",
                        .cred = &office,
                        .flags = TH_COOKIE,
                        .ctype = "application/x-www-form-urlencoded",
                        .body = "name=x&code=FORM-1&type=%E6%9C%BA%E5%85%B3&parent_id=2",
                        .len = 0 };
    q.len = strlen(q.body);
    struct th_resp *r = th_do(&srv, &q);
    th_assert_status(r, 403);
    th_resp_free(r);
    /* A malformed multipart body, a missing boundary, no file, an empty file, garbage. */
    static const char garbage[] = "--x\r\nContent-Disposition: form-data\r\n\r\nzzz";
    const char *ctypes[] = { "multipart/form-data; boundary=x", "multipart/form-data" };
    for (size_t i = 0; i < 2; i++) {
        struct th_req m = { .method = "POST",
                            .path = "/api/v1/units/import",
                            .cred = &office,
                            .flags = TH_BEARER,
                            .ctype = ctypes[i],
                            .body = garbage,
                            .len = sizeof garbage - 1 };
        r = th_do(&srv, &m);
        th_assert_error(r, 400, "bad_request", NULL);
        th_resp_free(r);
    }
    r = import_csv(&office, "", 0, false);
    th_assert_error(r, 400, "bad_request", "file");
    th_resp_free(r);
    static const char bin[] = "PK\x03\x04\x00\x01\x02garbage\xff\xfe";
    r = import_csv(&office, bin, sizeof bin - 1, false);
    th_assert_error(r, 400, "bad_request", "file");
    th_resp_free(r);
    static const char nohdr[] = "a,b,c\n1,2,3\n";
    r = import_csv(&office, nohdr, strlen(nohdr), false);
    th_assert_error(r, 400, "bad_request", "file");
    th_resp_free(r);
    static const char quotes[] = "单位名称,单位代码,单位类型\n\"unterminated,Q-1,机关\n";
    r = import_csv(&office, quotes, strlen(quotes), false);
    assert_true(400 == r->status);
    th_resp_free(r);
    /* A form field that is not UTF-8. */
    r = th_form(&srv, "/account/tokens", &office, "name=%C0%AF");
    th_assert_status(r, 400);
    th_resp_free(r);
    /* The request id: a sane one is echoed, a bad one replaced. */
    const char *h1[] = { "X-Request-Id: test-req_1.2", NULL };
    struct th_req g = { .method = "GET",
                        .path = "/api/v1/units/0",
                        .cred = &office,
                        .flags = TH_BEARER,
                        .headers = h1 };
    r = th_do(&srv, &g);
    th_assert_error(r, 404, "not_found", NULL);
    assert_string_equal(th_header(r, "X-Request-Id"), "test-req_1.2");
    assert_string_equal(th_jstr(json_object_get(r->json, "error"), "request_id"), "test-req_1.2");
    th_resp_free(r);
    const char *h2[] = { "X-Request-Id: <script>", NULL };
    g.headers = h2;
    r = th_do(&srv, &g);
    assert_string_not_equal(th_header(r, "X-Request-Id"), "<script>");
    assert_string_equal(th_jstr(json_object_get(r->json, "error"), "request_id"),
                        th_header(r, "X-Request-Id"));
    th_resp_free(r);
    /* A very long path. */
    char *longp = repeat("a", 3000);
    longp[0] = '/';
    g.path = longp;
    g.headers = NULL;
    r = th_do(&srv, &g);
    assert_true(r->status >= 400 && r->status < 500);
    th_resp_free(r);
    free(longp);
}

static void
test_conflicts(void **state)
{
    (void)state;
    make_unit(&office, "冲突测试", "DUP-1", 0);
    struct th_resp *r =
        api_json("POST", "/api/v1/units", &admin,
                 json_pack("{s:s, s:s, s:s, s:I}", "name", "冲突测试二", "code", "DUP-1", "type",
                           "企业", "parent_id", (json_int_t)office.org_id));
    th_assert_error(r, 409, "conflict", "code");
    th_resp_free(r);
    /* Codes are compared exactly: a different case is another code. */
    make_unit(&office, "冲突测试三", "dup-1", 0);
    /* Same office name under one parent. */
    r = api_json(
        "POST", "/api/v1/orgs", &admin,
        json_pack("{s:s, s:I}", "name", "东城区文明办", "parent_id", (json_int_t)office.org_id));
    th_assert_error(r, 409, "conflict", "name");
    th_resp_free(r);
    /* The org tree cannot be bent into a cycle. */
    r = get("/api/v1/orgs?kind=office&limit=200", &admin);
    int64_t child = 0;
    size_t i;
    json_t *o;
    json_array_foreach(json_object_get(r->json, "items"), i, o)
    {
        if (th_jint(o, "parent_id") == office.org_id) {
            child = th_jint(o, "id");
        }
    }
    th_resp_free(r);
    assert_true(child > 0);
    char p[64];
    snprintf(p, sizeof p, "/api/v1/orgs/%lld", (long long)office.org_id);
    r = api_json("PATCH", p, &admin, json_pack("{s:I}", "parent_id", (json_int_t)child));
    th_assert_error(r, 400, "bad_request", "parent_id");
    th_resp_free(r);
    /* The root does not move. */
    r = api_json("PATCH", "/api/v1/orgs/1", &admin,
                 json_pack("{s:I}", "parent_id", (json_int_t)child));
    th_assert_error(r, 400, "bad_request", "parent_id");
    th_resp_free(r);
}

static void
test_still_alive(void **state)
{
    (void)state;
    struct th_resp *r = get("/api/v1/me", &office);
    th_assert_status(r, 200);
    assert_string_equal(th_jstr(r->json, "username"), "office");
    th_resp_free(r);
    r = th_api(&srv, "GET", "/api/v1/me", &office, TH_COOKIE, NULL);
    th_assert_status(r, 200);
    th_resp_free(r);
}

int
main(int argc, char **argv)
{
    if (!th_init(argc, argv)) {
        return 1;
    }
    const struct CMUnitTest auth[] = {
        cmocka_unit_test(test_login_logout),   cmocka_unit_test(test_page_login),
        cmocka_unit_test(test_wrong_password), cmocka_unit_test(test_lockout),
        cmocka_unit_test(test_bearer_tokens),  cmocka_unit_test(test_csrf),
        cmocka_unit_test(test_forged_cookie),  cmocka_unit_test(test_head_me),
        cmocka_unit_test(test_graceful_stop),
    };
    const struct CMUnitTest clock[] = {
        cmocka_unit_test(test_session_expiry),
        cmocka_unit_test(test_lockout_expiry),
        cmocka_unit_test(test_ip_throttle),
        cmocka_unit_test(test_graceful_stop),
    };
    const struct CMUnitTest data[] = {
        cmocka_unit_test(test_unit_crud),  cmocka_unit_test(test_unit_scope),
        cmocka_unit_test(test_org_move),   cmocka_unit_test(test_initial_password),
        cmocka_unit_test(test_user_roles), cmocka_unit_test(test_unitadmin_no_office_account),
        cmocka_unit_test(test_import),     cmocka_unit_test(test_import_sheets),
        cmocka_unit_test(test_import_gbk),
        cmocka_unit_test(test_audit),      cmocka_unit_test(test_audit_tamper),
    };
    const struct CMUnitTest bad[] = {
        cmocka_unit_test(test_bad_json),
        cmocka_unit_test(test_unknown_fields),
        cmocka_unit_test(test_wrong_types),
        cmocka_unit_test(test_long_strings),
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_invalid_utf8_query),
        cmocka_unit_test(test_oversize),
        cmocka_unit_test(test_unknown_routes_and_methods),
        cmocka_unit_test(test_paging_args),
        cmocka_unit_test(test_traversal),
        cmocka_unit_test(test_sql_metacharacters),
        cmocka_unit_test(test_html_escaping),
        cmocka_unit_test(test_bad_forms),
        cmocka_unit_test(test_conflicts),
        cmocka_unit_test(test_still_alive),
        cmocka_unit_test(test_graceful_stop),
    };
    int failed = 0;
    failed += cmocka_run_group_tests_name("auth", auth, auth_setup, group_teardown);
    failed += cmocka_run_group_tests_name("clock", clock, clock_setup, group_teardown);
    failed += cmocka_run_group_tests_name("data", data, data_setup, group_teardown);
    failed += cmocka_run_group_tests_name("bad", bad, bad_setup, group_teardown);
    th_done();
    return failed + th_teardown_failures;
}
