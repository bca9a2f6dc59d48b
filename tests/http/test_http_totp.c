/*
** test_http_totp.c — two-factor sign-in and password expiry over real HTTP (issue 13, totp),
** against `wenming serve` with totp_required = office and password_max_age_days = 30.  Codes
** are computed here with the core's own RFC 6238 function from the secret the page shows.
**
**   enrol      /account/2fa: start, the secret and QR on the page, a wrong code refused, a
**              right one enables it and shows 10 recovery codes once
**   signin     the JSON sign-in needs "totp" (401 naming it), a wrong code is refused,
**              audited (login.fail, reason totp) and counted toward the lockout, a replayed
**              code is refused, a recovery code works once, the page's second step
**              (/login/2fa) opens a session only with a code, a bearer token needs none;
**              disable with the password and a recovery code
**   lockout    wrong codes alone lock the account (429 even with the right code)
**   required   an office account (totp_required) must enrol before any other page (303 to
**              /account/2fa) or API call (403 naming totp); it cannot disable; the admin's
**              reset (audited) ends its sessions and it must enrol again; its bearer token
**              made before stays usable
**   cli        `wenming user reset-2fa` clears an account's factor (the lost-phone admin)
**   expiry     a password older than 30 days (the column aged in the store) must be changed
**              first (403, redirect to /password, the page names the 30 days); after the
**              change everything works again
*/
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* cmocka.h needs these before it (clang-format would sort them after it). */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
/* clang-format on */

#include "harness.h"
#include "wm_core.h"

#define PW "Totp-Pass-2026"
#define PRE "pre0123456789abcdefghij"

static struct th_server srv;
static struct th_cred admin;

static int
group_setup(void **state)
{
    (void)state;
    if (th_server_create(&srv, "totp_required = office\npassword_max_age_days = 30\n") ||
        th_server_start(&srv, NULL)) {
        return -1;
    }
    th_login_full(&srv, "admin", TH_DEMO_PW, &admin);
    return 0;
}

static int
group_teardown(void **state)
{
    (void)state;
    return th_server_finish(&srv);
}

/* ---------------------------------------------------------------- helpers */

/* An account the test owns (admin makes it with password PW). */
static int64_t
mk_user(const char *name, const char *role, int64_t org)
{
    json_t *b = json_pack("{s:s, s:s, s:s, s:I, s:s}", "username", name, "display_name", name,
                          "role", role, "org_id", (json_int_t)org, "password", PW);
    char *body = th_jdump(b);
    struct th_resp *r = th_api(&srv, "POST", "/api/v1/users", &admin, TH_BEARER, body);
    free(body);
    th_assert_status(r, 201);
    int64_t id = th_jint(r->json, "id");
    th_resp_free(r);
    return id;
}

/* One enrolled account: its secret and the last step used. */
struct acct {
    char secret[64];
    int64_t last;
};

/* The next code of a: a step after the last used, within the window around now. */
static void
next_code(struct acct *a, char out[8])
{
    unsigned char key[WM_TOTP_SECRET_BYTES];
    assert_true(wm_totp_key(a->secret, key));
    int64_t cur = wm_totp_step((int64_t)time(NULL));
    int64_t s = a->last + 1 > cur - 1 ? a->last + 1 : cur - 1;
    assert_true(s <= cur + 1); /* at most three codes per 30 s */
    snprintf(out, 8, "%06u", (unsigned)wm_totp_code(key, sizeof key, (uint64_t)s, 6));
    a->last = s;
}

/* The last code used again (a replay). */
static void
same_code(const struct acct *a, char out[8])
{
    unsigned char key[WM_TOTP_SECRET_BYTES];
    assert_true(wm_totp_key(a->secret, key));
    snprintf(out, 8, "%06u", (unsigned)wm_totp_code(key, sizeof key, (uint64_t)a->last, 6));
}

/* POST /api/v1/session with totp (NULL: none); fills c on 201.  The answer (caller frees). */
static struct th_resp *
api_login(const char *user, const char *pw, const char *totp, struct th_cred *c)
{
    json_t *b = json_pack("{s:s, s:s}", "username", user, "password", pw);
    if (totp) {
        json_object_set_new(b, "totp", json_string(totp));
    }
    char *body = th_jdump(b);
    struct th_resp *r = th_api(&srv, "POST", "/api/v1/session", NULL, 0, body);
    free(body);
    if (c) {
        memset(c, 0, sizeof *c);
        snprintf(c->username, sizeof c->username, "%s", user);
    }
    if (c && 201 == r->status) {
        (void)th_set_cookie(r, "wm_session", c->cookie, sizeof c->cookie, NULL, 0);
        snprintf(c->csrf, sizeof c->csrf, "%s", th_jstr(r->json, "csrf"));
        c->user_id = th_jint(json_object_get(r->json, "user"), "id");
    }
    return r;
}

/* The text after marker up to the next '<' (caller frees), NULL when absent. */
static char *
html_after(const char *html, const char *marker)
{
    const char *p = strstr(html, marker);
    if (NULL == p) {
        return NULL;
    }
    p += strlen(marker);
    const char *e = strchr(p, '<');
    return e ? strndup(p, (size_t)(e - p)) : NULL;
}

/* The recovery codes of a page (at most 16), their number. */
static size_t
page_codes(const char *html, char codes[16][32])
{
    const char *p = strstr(html, "id=\"recovery-codes\">"), *end = p ? strstr(p, "</ol>") : NULL;
    size_t n = 0;
    while (p && end && n < 16 && (p = strstr(p, "<code class=\"secret\">")) && p < end) {
        p += strlen("<code class=\"secret\">");
        const char *e = strchr(p, '<');
        snprintf(codes[n++], 32, "%.*s", (int)(e - p), p);
    }
    return n;
}

/* Enrol c through /account/2fa (start, read the secret, a wrong code, the right one): the
** secret into a, the recovery codes into codes. */
static size_t
enrol_page(struct th_cred *c, struct acct *a, char codes[16][32])
{
    struct th_resp *r = th_do(&srv, &(struct th_req){.method = "GET", .path = "/account/2fa",
                                                     .cred = c, .flags = TH_COOKIE});
    th_assert_status(r, 200);
    assert_non_null(strstr(r->body, "action=\"/account/2fa/start\""));
    th_resp_free(r);
    r = th_form(&srv, "/account/2fa/start", c, "");
    th_assert_status(r, 303);
    th_resp_free(r);
    r = th_do(&srv, &(struct th_req){.method = "GET", .path = "/account/2fa", .cred = c,
                                     .flags = TH_COOKIE});
    th_assert_status(r, 200);
    char *secret = html_after(r->body, "id=\"totp-secret\">");
    assert_non_null(secret);
    assert_int_equal(strlen(secret), 32);
    assert_non_null(strstr(r->body, "<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert_null(strstr(r->body, "<script>")); /* no inline script (CSP) */
    snprintf(a->secret, sizeof a->secret, "%s", secret);
    a->last = 0;
    free(secret);
    th_resp_free(r);
    /* a wrong code: back to the page with the reason, still not on */
    r = th_form(&srv, "/account/2fa/confirm", c, "code=000000");
    th_assert_status(r, 303);
    assert_non_null(strstr(th_header(r, "Location"), "err=1"));
    th_resp_free(r);
    char code[8], field[32];
    next_code(a, code);
    if (0 == strcmp(code, "000000")) {
        next_code(a, code);
    }
    snprintf(field, sizeof field, "code=%s", code);
    r = th_form(&srv, "/account/2fa/confirm", c, field);
    th_assert_status(r, 200);
    size_t n = page_codes(r->body, codes);
    assert_int_equal(n, WM_RECOVERY_CODES);
    th_resp_free(r);
    /* shown once: the page now says it is on, without the codes or the secret */
    r = th_do(&srv, &(struct th_req){.method = "GET", .path = "/account/2fa", .cred = c,
                                     .flags = TH_COOKIE});
    th_assert_status(r, 200);
    assert_non_null(strstr(r->body, "id=\"totp-state\">已启用"));
    assert_null(strstr(r->body, codes[0]));
    assert_null(strstr(r->body, a->secret));
    th_resp_free(r);
    return n;
}

/* Does the audit log hold action on account uid whose summary contains what? */
static bool
audited(const char *action, int64_t uid, const char *what)
{
    char path[160];
    snprintf(path, sizeof path, "/api/v1/audit?action=%s&limit=200", action);
    struct th_resp *r = th_api(&srv, "GET", path, &admin, TH_BEARER, NULL);
    th_assert_status(r, 200);
    bool found = false;
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(r->json, "items"), i, x)
    {
        char *d = json_dumps(x, JSON_COMPACT);
        if (0 == strcmp(th_jstr(x, "action"), action) && th_jint(x, "object_id") == uid &&
            (NULL == what || strstr(d, what))) {
            found = true;
        }
        free(d);
    }
    th_resp_free(r);
    return found;
}

/* ---------------------------------------------------------------- tests */

/* A new account (name, role, org) signed in with a session into c; its id. */
static int64_t
new_session(const char *name, const char *role, int64_t org, struct th_cred *c)
{
    int64_t uid = mk_user(name, role, org);
    struct th_resp *r = api_login(name, PW, NULL, c);
    th_assert_status(r, 201);
    th_resp_free(r);
    return uid;
}

/* Enrol c (account username) through the API: start, the secret and its otpauth URI from the
** pending state, confirm with a code; the secret into a, the first of the ten recovery codes
** into first (may be NULL). */
static void
enrol_api(const struct th_cred *c, const char *username, struct acct *a, char first[32])
{
    struct th_resp *r = th_api(&srv, "POST", "/api/v1/me/totp/start", c, TH_SESSION, NULL);
    th_assert_status(r, 200);
    json_t *pend = json_object_get(r->json, "pending");
    *a = (struct acct){.last = 0};
    snprintf(a->secret, sizeof a->secret, "%s", th_jstr(pend, "secret"));
    char want[96], code[8], body[64];
    snprintf(want, sizeof want, "otpauth://totp/wenming:%s?secret=", username);
    assert_non_null(strstr(th_jstr(pend, "uri"), want));
    th_resp_free(r);
    next_code(a, code);
    snprintf(body, sizeof body, "{\"code\": \"%s\"}", code);
    r = th_api(&srv, "POST", "/api/v1/me/totp/confirm", c, TH_SESSION, body);
    th_assert_status(r, 200);
    json_t *codes = json_object_get(r->json, "recovery_codes");
    assert_int_equal(json_array_size(codes), 10);
    if (first) {
        snprintf(first, 32, "%s", json_string_value(json_array_get(codes, 0)));
    }
    th_resp_free(r);
}

static void
test_enrol_and_signin(void **state)
{
    (void)state;
    struct th_cred c;
    int64_t uid = new_session("t2fa-a", "unit_member", 6, &c);
    struct th_resp *r;
    struct acct a;
    char codes[16][32], code[8];
    enrol_page(&c, &a, codes);
    assert_true(audited("totp.enable", uid, NULL));
    /* the API's view of the account: on, and never the secret */
    r = th_api(&srv, "GET", "/api/v1/me/totp", &c, TH_SESSION, NULL);
    th_assert_status(r, 200);
    assert_true(json_is_true(json_object_get(r->json, "enabled")));
    assert_int_equal(th_jint(r->json, "recovery_left"), 10);
    assert_null(strstr(r->body, a.secret));
    th_resp_free(r);
    r = th_api(&srv, "GET", "/api/v1/users?q=t2fa-a", &admin, TH_BEARER, NULL);
    th_assert_status(r, 200);
    assert_null(strstr(r->body, a.secret));
    assert_non_null(strstr(r->body, "\"totp_enabled_at\":\"20"));
    th_resp_free(r);

    /* the password alone opens nothing: 401 naming the field */
    struct th_cred s;
    r = api_login("t2fa-a", PW, NULL, &s);
    th_assert_error(r, 401, "unauthorized", "totp");
    assert_non_null(strstr(th_jstr(json_object_get(r->json, "error"), "message"), "两步验证"));
    assert_false(th_set_cookie(r, "wm_session", s.cookie, sizeof s.cookie, NULL, 0) &&
                 s.cookie[0]);
    th_resp_free(r);
    /* a wrong code: refused, audited with the reason, counted */
    r = api_login("t2fa-a", PW, "123456", NULL);
    th_assert_error(r, 401, "unauthorized", "totp");
    th_resp_free(r);
    assert_true(audited("login.fail", uid, "totp"));
    /* the right code: a session */
    next_code(&a, code);
    r = api_login("t2fa-a", PW, code, &s);
    th_assert_status(r, 201);
    th_resp_free(r);
    r = th_api(&srv, "GET", "/api/v1/me", &s, TH_SESSION, NULL);
    th_assert_status(r, 200);
    assert_true(json_is_true(json_object_get(r->json, "totp_enabled")));
    th_resp_free(r);
    /* the same code again: a replay, refused */
    same_code(&a, code);
    r = api_login("t2fa-a", PW, code, NULL);
    th_assert_error(r, 401, "unauthorized", "totp");
    th_resp_free(r);
    /* a recovery code (typed in capitals): once */
    char upper[32];
    for (size_t i = 0; i <= strlen(codes[0]); i++) {
        char ch = codes[0][i];
        upper[i] = (char)(ch >= 'a' && ch <= 'z' ? ch - 32 : ch);
    }
    r = api_login("t2fa-a", PW, upper, NULL);
    th_assert_status(r, 201);
    th_resp_free(r);
    r = api_login("t2fa-a", PW, codes[0], NULL);
    th_assert_error(r, 401, "unauthorized", "totp");
    th_resp_free(r);

    /* the page: the password leads to the second step, without a session */
    char body[256];
    snprintf(body, sizeof body, "csrf=%s&username=t2fa-a&password=%s&next=%%2Faccount", PRE, PW);
    r = th_do(&srv, &(struct th_req){.method = "POST", .path = "/login", .cookies = "wm_pre=" PRE,
                                     .ctype = "application/x-www-form-urlencoded", .body = body,
                                     .len = strlen(body)});
    th_assert_status(r, 303);
    assert_non_null(strstr(th_header(r, "Location"), "/login/2fa"));
    char pending[160], cookie[256];
    assert_true(th_set_cookie(r, "wm_2fa", pending, sizeof pending, NULL, 0));
    char tmp[128];
    assert_false(th_set_cookie(r, "wm_session", tmp, sizeof tmp, NULL, 0) && tmp[0]);
    th_resp_free(r);
    snprintf(cookie, sizeof cookie, "wm_pre=%s; wm_2fa=%s", PRE, pending);
    r = th_do(&srv, &(struct th_req){.method = "GET", .path = "/login/2fa", .cookies = cookie});
    th_assert_status(r, 200);
    assert_non_null(strstr(r->body, "name=\"code\""));
    th_resp_free(r);
    /* a wrong code: the form again; the right one: the session, to next */
    snprintf(body, sizeof body, "csrf=%s&code=654321&next=%%2Faccount", PRE);
    r = th_do(&srv, &(struct th_req){.method = "POST", .path = "/login/2fa", .cookies = cookie,
                                     .ctype = "application/x-www-form-urlencoded", .body = body,
                                     .len = strlen(body)});
    th_assert_status(r, 401);
    th_resp_free(r);
    next_code(&a, code);
    snprintf(body, sizeof body, "csrf=%s&code=%s&next=%%2Faccount", PRE, code);
    r = th_do(&srv, &(struct th_req){.method = "POST", .path = "/login/2fa", .cookies = cookie,
                                     .ctype = "application/x-www-form-urlencoded", .body = body,
                                     .len = strlen(body)});
    th_assert_status(r, 303);
    assert_string_equal(th_header(r, "Location"), "/account");
    struct th_cred p;
    memset(&p, 0, sizeof p);
    assert_true(th_set_cookie(r, "wm_session", p.cookie, sizeof p.cookie, NULL, 0));
    th_resp_free(r);
    r = th_do(&srv, &(struct th_req){.method = "GET", .path = "/account", .cred = &p,
                                     .flags = TH_COOKIE});
    th_assert_status(r, 200);
    th_resp_free(r);
    /* the pending step is spent: the same cookie again goes back to /login */
    r = th_do(&srv, &(struct th_req){.method = "POST", .path = "/login/2fa", .cookies = cookie,
                                     .ctype = "application/x-www-form-urlencoded", .body = body,
                                     .len = strlen(body)});
    th_assert_status(r, 303);
    assert_non_null(strstr(th_header(r, "Location"), "/login"));
    th_resp_free(r);

    /* a bearer token (single-factor): no code needed */
    assert_true(th_make_token(&srv, &s, "script") > 0);
    r = th_api(&srv, "GET", "/api/v1/me", &s, TH_BEARER, NULL);
    th_assert_status(r, 200);
    th_resp_free(r);

    /* disable: the password and a recovery code; wrong password refused */
    snprintf(body, sizeof body, "password=wrong&code=%s", codes[1]);
    r = th_form(&srv, "/account/2fa/disable", &s, body);
    th_assert_status(r, 303);
    assert_non_null(strstr(th_header(r, "Location"), "err=1"));
    th_resp_free(r);
    snprintf(body, sizeof body, "password=%s&code=%s", PW, codes[1]);
    r = th_form(&srv, "/account/2fa/disable", &s, body);
    th_assert_status(r, 303);
    assert_non_null(strstr(th_header(r, "Location"), "ok=1"));
    th_resp_free(r);
    assert_true(audited("totp.disable", uid, NULL));
    r = api_login("t2fa-a", PW, NULL, NULL);
    th_assert_status(r, 201);
    th_resp_free(r);
}

static void
test_recovery_regenerate(void **state)
{
    (void)state;
    struct th_cred c;
    (void)new_session("t2fa-r", "unit_member", 6, &c);
    struct th_resp *r;
    struct acct a;
    char codes[16][32], fresh[16][32], code[8], body[64];
    enrol_page(&c, &a, codes);
    next_code(&a, code);
    snprintf(body, sizeof body, "code=%s", code);
    r = th_form(&srv, "/account/2fa/recovery", &c, body);
    th_assert_status(r, 200);
    assert_int_equal(page_codes(r->body, fresh), 10);
    th_resp_free(r);
    /* the old codes are gone, the new ones work */
    r = api_login("t2fa-r", PW, codes[2], NULL);
    th_assert_error(r, 401, "unauthorized", "totp");
    th_resp_free(r);
    r = api_login("t2fa-r", PW, fresh[2], NULL);
    th_assert_status(r, 201);
    th_resp_free(r);
}

/* The same through the API: enrol, new recovery codes with a current code (the old ones
** stop working), turn it off with the password and a recovery code. */
static void
test_api_recovery_and_disable(void **state)
{
    (void)state;
    struct th_cred c;
    int64_t uid = new_session("t2fa-api", "unit_member", 6, &c);
    struct th_resp *r;
    struct acct a;
    char code[8], body[160], old[32];
    enrol_api(&c, "t2fa-api", &a, old);
    /* new recovery codes: a wrong code is refused naming the field, a current one answers 10 */
    r = th_api(&srv, "POST", "/api/v1/me/totp/recovery", &c, TH_SESSION, "{\"code\": \"000000\"}");
    th_assert_error(r, 400, "bad_request", "code");
    th_resp_free(r);
    next_code(&a, code);
    snprintf(body, sizeof body, "{\"code\": \"%s\"}", code);
    r = th_api(&srv, "POST", "/api/v1/me/totp/recovery", &c, TH_SESSION, body);
    th_assert_status(r, 200);
    json_t *codes = json_object_get(r->json, "recovery_codes");
    assert_int_equal(json_array_size(codes), 10);
    char fresh[32];
    snprintf(fresh, sizeof fresh, "%s", json_string_value(json_array_get(codes, 3)));
    th_resp_free(r);
    r = api_login("t2fa-api", PW, old, NULL);
    th_assert_error(r, 401, "unauthorized", "totp");
    th_resp_free(r);
    /* turned off: the wrong password is refused, then the password and a recovery code */
    snprintf(body, sizeof body, "{\"password\": \"wrong-%s\", \"code\": \"%s\"}", PW, fresh);
    r = th_api(&srv, "POST", "/api/v1/me/totp/disable", &c, TH_SESSION, body);
    th_assert_error(r, 400, "bad_request", "password");
    th_resp_free(r);
    snprintf(body, sizeof body, "{\"password\": \"%s\", \"code\": \"%s\"}", PW, fresh);
    r = th_api(&srv, "POST", "/api/v1/me/totp/disable", &c, TH_SESSION, body);
    th_assert_status(r, 200);
    th_resp_free(r);
    r = th_api(&srv, "GET", "/api/v1/me/totp", &c, TH_SESSION, NULL);
    th_assert_status(r, 200);
    assert_true(json_is_false(json_object_get(r->json, "enabled")));
    th_resp_free(r);
    assert_true(audited("totp.disable", uid, NULL));
    /* the password alone signs in again */
    r = api_login("t2fa-api", PW, NULL, NULL);
    th_assert_status(r, 201);
    th_resp_free(r);
}

static void
test_lockout(void **state)
{
    (void)state;
    struct th_cred c;
    (void)new_session("t2fa-l", "unit_member", 6, &c);
    struct th_resp *r;
    struct acct a;
    char codes[16][32], code[8];
    enrol_page(&c, &a, codes);
    /* five wrong codes (the default lockout_attempts) with the right password */
    for (int i = 0; i < 5; i++) {
        r = api_login("t2fa-l", PW, "999999", NULL);
        assert_true(401 == r->status);
        th_resp_free(r);
    }
    next_code(&a, code);
    r = api_login("t2fa-l", PW, code, NULL);
    th_assert_status(r, 429);
    th_resp_free(r);
    r = api_login("t2fa-l", PW, codes[0], NULL);
    th_assert_status(r, 429);
    th_resp_free(r);
}

static void
test_required_and_reset(void **state)
{
    (void)state;
    int64_t uid = mk_user("t2fa-o", "office", admin.org_id);
    struct th_cred c;
    struct th_resp *r = api_login("t2fa-o", PW, NULL, &c);
    th_assert_status(r, 201);
    assert_true(json_is_true(json_object_get(json_object_get(r->json, "user"),
                                             "totp_enrol_required")));
    th_resp_free(r);
    /* nothing else before enrolment: the API says why, pages go to the setting */
    r = th_api(&srv, "GET", "/api/v1/orgs", &c, TH_SESSION, NULL);
    th_assert_error(r, 403, "forbidden", "totp");
    th_resp_free(r);
    r = th_api(&srv, "POST", "/api/v1/tokens", &c, TH_SESSION, "{\"name\": \"x\"}");
    th_assert_error(r, 403, "forbidden", "totp");
    th_resp_free(r);
    static const char *const pages[] = {"/home", "/units", "/account", "/audit"};
    for (size_t i = 0; i < 4; i++) {
        r = th_do(&srv, &(struct th_req){.method = "GET", .path = pages[i], .cred = &c,
                                         .flags = TH_COOKIE});
        th_assert_status(r, 303);
        assert_string_equal(th_header(r, "Location"), "/account/2fa");
        th_resp_free(r);
    }
    r = th_do(&srv, &(struct th_req){.method = "GET", .path = "/account/2fa", .cred = &c,
                                     .flags = TH_COOKIE});
    th_assert_status(r, 200);
    assert_non_null(strstr(r->body, "您的角色必须使用两步验证"));
    th_resp_free(r);
    /* enrol through the API */
    struct acct a;
    char body[64];
    enrol_api(&c, "t2fa-o", &a, NULL);
    r = th_api(&srv, "GET", "/api/v1/orgs", &c, TH_SESSION, NULL);
    th_assert_status(r, 200);
    th_resp_free(r);
    /* a token made now stays usable whatever happens to the second factor */
    assert_true(th_make_token(&srv, &c, "office-script") > 0);
    /* its role requires it: cannot be turned off */
    snprintf(body, sizeof body, "password=%s&code=123456", PW);
    r = th_form(&srv, "/account/2fa/disable", &c, body);
    th_assert_status(r, 403);
    th_resp_free(r);
    /* the admin's reset: audited, the sessions end, enrol again at the next sign-in */
    char path[96];
    snprintf(path, sizeof path, "/users/%lld", (long long)uid);
    r = th_do(&srv, &(struct th_req){.method = "GET", .path = path, .cred = &admin,
                                     .flags = TH_COOKIE});
    th_assert_status(r, 200);
    assert_non_null(strstr(r->body, "/2fa/reset"));
    th_resp_free(r);
    snprintf(path, sizeof path, "/api/v1/users/%lld/totp/reset", (long long)uid);
    r = th_api(&srv, "POST", path, &admin, TH_BEARER, NULL);
    th_assert_status(r, 200);
    th_resp_free(r);
    assert_true(audited("totp.reset", uid, NULL));
    r = th_api(&srv, "GET", "/api/v1/me", &c, TH_SESSION, NULL);
    th_assert_status(r, 401);
    th_resp_free(r);
    r = th_api(&srv, "GET", "/api/v1/orgs", &c, TH_BEARER, NULL);
    th_assert_status(r, 200); /* the bearer token: single-factor, still usable */
    th_resp_free(r);
    r = api_login("t2fa-o", PW, NULL, &c); /* no code asked: not enrolled any more */
    th_assert_status(r, 201);
    assert_true(json_is_true(json_object_get(json_object_get(r->json, "user"),
                                             "totp_enrol_required")));
    th_resp_free(r);
    r = th_api(&srv, "GET", "/api/v1/orgs", &c, TH_SESSION, NULL);
    th_assert_error(r, 403, "forbidden", "totp");
    th_resp_free(r);
    /* a unit account may not reset an office's */
    struct th_cred ua;
    assert_int_equal(th_login(&srv, "unitadmin", TH_DEMO_PW, &ua), 201);
    r = th_api(&srv, "POST", path, &ua, TH_SESSION, NULL);
    assert_true(403 == r->status || 404 == r->status);
    th_resp_free(r);
}

/* The operator's way back in: `wenming user reset-2fa` clears an enrolled account's factor. */
static void
test_cli_reset(void **state)
{
    (void)state;
    struct th_cred c;
    int64_t uid = new_session("t2fa-c", "unit_member", 6, &c);
    struct th_resp *r;
    struct acct a;
    char codes[16][32];
    enrol_page(&c, &a, codes);
    r = api_login("t2fa-c", PW, NULL, NULL);
    th_assert_error(r, 401, "unauthorized", "totp");
    th_resp_free(r);
    char *out = TH_RUN(0, "user", "reset-2fa", "--help");
    assert_non_null(strstr(out, "usage: wenming user reset-2fa"));
    free(out);
    out = TH_RUN(0, "user", "reset-2fa", "--data", srv.dir, "t2fa-c");
    assert_non_null(strstr(out, "t2fa-c"));
    free(out);
    free(TH_RUN(1, "user", "reset-2fa", "--data", srv.dir, "nobody-here"));
    assert_true(audited("totp.reset", uid, NULL));
    r = th_api_await(&srv, "GET", "/api/v1/me", &c, TH_SESSION, NULL, 401); /* sessions ended */
    th_assert_status(r, 401);
    th_resp_free(r);
    r = api_login("t2fa-c", PW, NULL, NULL);
    th_assert_status(r, 201);
    th_resp_free(r);
}

static void
test_password_expiry(void **state)
{
    (void)state;
    int64_t uid = mk_user("t2fa-e", "unit_member", 6);
    struct th_cred c;
    struct th_resp *r = api_login("t2fa-e", PW, NULL, &c);
    th_assert_status(r, 201);
    assert_false(json_is_true(json_object_get(json_object_get(r->json, "user"),
                                              "password_expired")));
    th_resp_free(r);
    r = th_api(&srv, "GET", "/api/v1/orgs", &c, TH_SESSION, NULL);
    th_assert_status(r, 200);
    th_resp_free(r);
    /* 31 days old: aged in the store (no sleeping) */
    char sql[160];
    snprintf(sql, sizeof sql, "UPDATE \"user\" SET pw_set_at = %lld WHERE id = %lld",
             (long long)time(NULL) - 31 * 86400, (long long)uid);
    assert_int_equal(th_store_exec(&srv, sql), 0);
    r = th_api_await(&srv, "GET", "/api/v1/orgs", &c, TH_SESSION, NULL, 403);
    th_assert_error(r, 403, "forbidden", "password");
    th_resp_free(r);
    r = th_do(&srv, &(struct th_req){.method = "GET", .path = "/home", .cred = &c,
                                     .flags = TH_COOKIE});
    th_assert_status(r, 303);
    assert_string_equal(th_header(r, "Location"), "/password");
    th_resp_free(r);
    r = th_do(&srv, &(struct th_req){.method = "GET", .path = "/password", .cred = &c,
                                     .flags = TH_COOKIE});
    th_assert_status(r, 200);
    assert_non_null(strstr(r->body, "超过 30 天"));
    th_resp_free(r);
    /* a new sign-in is sent the same way */
    struct th_cred c2;
    r = api_login("t2fa-e", PW, NULL, &c2);
    th_assert_status(r, 201);
    assert_true(json_is_true(json_object_get(json_object_get(r->json, "user"),
                                             "password_expired")));
    th_resp_free(r);
    /* the page names the rule a new password breaks (wm_password_check) */
    r = th_form(&srv, "/password", &c, "old_password=" PW "&password=short&password2=short");
    th_assert_status(r, 303);
    assert_non_null(strstr(th_header(r, "Location"), "err=1"));
    th_resp_free(r);
    r = th_api(&srv, "POST", "/api/v1/me/password", &c, TH_SESSION,
               "{\"old_password\": \"" PW "\", \"password\": \"Totp-Pass-2027\"}");
    th_assert_status(r, 200);
    th_resp_free(r);
    r = th_api(&srv, "GET", "/api/v1/orgs", &c, TH_SESSION, NULL);
    th_assert_status(r, 200);
    th_resp_free(r);
    snprintf(sql, sizeof sql, "/api/v1/users/%lld", (long long)uid);
    r = th_api(&srv, "GET", sql, &admin, TH_BEARER, NULL);
    th_assert_status(r, 200);
    char today[16];
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(today, sizeof today, "%Y-%m-%d", &tm);
    assert_true(0 == strncmp(th_jstr(r->json, "pw_set_at"), today, 10));
    th_resp_free(r);
}

int
main(int argc, char **argv)
{
    if (!th_init(argc, argv)) {
        return 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_enrol_and_signin),  cmocka_unit_test(test_recovery_regenerate),
        cmocka_unit_test(test_api_recovery_and_disable),
        cmocka_unit_test(test_lockout),           cmocka_unit_test(test_required_and_reset),
        cmocka_unit_test(test_cli_reset),         cmocka_unit_test(test_password_expiry),
    };
    int rc = cmocka_run_group_tests(tests, group_setup, group_teardown);
    th_done();
    return rc + th_teardown_failures;
}

/* end of test_http_totp.c */
