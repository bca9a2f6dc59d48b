/*
** test_http_password.c — the password policy of wenming.conf over real HTTP, against
** `wenming serve` started with password_min_length = 12, password_classes = 4 and
** password_history = 2.
**
**   api    a new account (POST /api/v1/users), the admin's reset (PATCH /api/v1/users/{id})
**          and one's own change (POST /api/v1/me/password) answer 400 naming the broken
**          rule in Chinese; a password that meets it is taken
**   page   the /password page says exactly which rule the new password breaks
**   history password_history = 2: the current password and the one before are refused
**          (own change, page, admin's reset), the one before those is taken again
*/
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <limits.h>
#include <string.h>

/* cmocka.h needs these before it (clang-format would sort them after it). */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
/* clang-format on */

#include "harness.h"

#define MSG_LENGTH  "密码至少需要 12 个字符"
#define MSG_CLASSES "密码需包含大写字母、小写字母、数字、符号中的至少 4 类"
#define MSG_HISTORY "不能与最近 2 次使用过的密码相同"
#define GOOD_PW     "Good-Pass-2026x"

static struct th_server srv;
static struct th_cred admin, office;
static int64_t unit_id;

static int
group_setup(void **state)
{
    (void)state;
    /* the demo data first (its accounts' "Demo-2026" is under this policy), then the keys */
    if (th_server_create(&srv, NULL) || th_server_start(&srv, NULL) || th_server_stop(&srv)) {
        return -1;
    }
    char conf[PATH_MAX + 32];
    snprintf(conf, sizeof conf, "%s/wenming.conf", srv.dir);
    FILE *f = fopen(conf, "a");
    if (NULL == f) {
        return -1;
    }
    fputs("password_min_length = 12\npassword_classes = 4\npassword_history = 2\n", f);
    if (fclose(f) || th_server_start(&srv, NULL)) {
        return -1;
    }
    th_login_full(&srv, "admin", TH_DEMO_PW, &admin);
    th_login_full(&srv, "office", TH_DEMO_PW, &office);
    struct th_resp *r = th_api(&srv, "GET", "/api/v1/units?limit=1", &office, TH_BEARER, NULL);
    unit_id = th_jint(json_array_get(json_object_get(r->json, "items"), 0), "id");
    th_resp_free(r);
    return unit_id > 0 ? 0 : -1;
}

static int
group_teardown(void **state)
{
    (void)state;
    return th_server_finish(&srv);
}

/* POST /api/v1/users as the office with this password. */
static struct th_resp *
create(const char *username, const char *pw)
{
    json_t *b = json_pack("{s:s, s:s, s:s, s:I, s:s}", "username", username, "display_name",
                          "口令测试", "role", "unit_viewer", "org_id", (json_int_t)unit_id,
                          "password", pw);
    char *body = th_jdump(b);
    struct th_resp *r = th_api(&srv, "POST", "/api/v1/users", &office, TH_BEARER, body);
    free(body);
    return r;
}

static void
assert_rule(struct th_resp *r, const char *msg)
{
    th_assert_status(r, 400);
    assert_non_null(strstr(r->body, msg));
    assert_non_null(strstr(r->body, "\"password\""));
    th_resp_free(r);
}

static void
test_api(void **state)
{
    (void)state;
    /* 9 characters of 4 classes: too short; 13 of 3 classes: too few classes */
    assert_rule(create("pw-api", "Abc-12345"), MSG_LENGTH);
    assert_rule(create("pw-api", "abcdefghijk1!"), MSG_CLASSES);
    struct th_resp *r = create("pw-api", GOOD_PW);
    th_assert_status(r, 201);
    int64_t id = th_jint(r->json, "id");
    th_resp_free(r);
    assert_true(id > 0);
    /* the admin's reset */
    char path[64];
    snprintf(path, sizeof path, "/api/v1/users/%lld", (long long)id);
    assert_rule(th_api(&srv, "PATCH", path, &office, TH_BEARER, "{\"password\":\"Short-1a\"}"),
                MSG_LENGTH);
    assert_rule(th_api(&srv, "PATCH", path, &office, TH_BEARER,
                       "{\"password\":\"ALLUPPERCASE-2026\"}"),
                MSG_CLASSES);
    /* one's own change */
    struct th_cred c;
    th_login_full(&srv, "pw-api", GOOD_PW, &c);
    assert_rule(th_api(&srv, "POST", "/api/v1/me/password", &c, TH_SESSION,
                       "{\"old_password\":\"" GOOD_PW "\",\"password\":\"Ab-1\"}"),
                MSG_LENGTH);
    assert_rule(th_api(&srv, "POST", "/api/v1/me/password", &c, TH_SESSION,
                       "{\"old_password\":\"" GOOD_PW "\",\"password\":\"nouppercase-2026\"}"),
                MSG_CLASSES);
    r = th_api(&srv, "POST", "/api/v1/me/password", &c, TH_SESSION,
               "{\"old_password\":\"" GOOD_PW "\",\"password\":\"Better-Pass-2026\"}");
    th_assert_status(r, 200);
    th_resp_free(r);
}

/* The flash message a redirect carries, shown on the page it names. */
static struct th_resp *
follow_flash(struct th_resp *redirect, const struct th_cred *c)
{
    char value[1024], attrs[256], cookies[1100];
    assert_true(th_set_cookie(redirect, "wm_flash", value, sizeof value, attrs, sizeof attrs));
    snprintf(cookies, sizeof cookies, "wm_flash=%s", value);
    const char *loc = th_header(redirect, "Location");
    assert_non_null(loc);
    struct th_req q = {.method = "GET", .path = loc, .cred = c, .flags = TH_COOKIE,
                       .cookies = cookies};
    return th_do(&srv, &q);
}

static void
page_says(const struct th_cred *c, const char *old, const char *pw, const char *msg)
{
    char fields[256];
    snprintf(fields, sizeof fields, "old_password=%s&password=%s&password2=%s", old, pw, pw);
    struct th_resp *r = th_form(&srv, "/password", c, fields);
    th_assert_status(r, 303);
    assert_non_null(strstr(th_header(r, "Location"), "/password"));
    struct th_resp *p = follow_flash(r, c);
    th_assert_status(p, 200);
    assert_non_null(strstr(p->body, msg));
    th_resp_free(p);
    th_resp_free(r);
}

static void
test_page(void **state)
{
    (void)state;
    struct th_resp *r = create("pw-page", GOOD_PW);
    th_assert_status(r, 201);
    th_resp_free(r);
    struct th_cred c;
    th_login_full(&srv, "pw-page", GOOD_PW, &c);
    page_says(&c, GOOD_PW, "Abc-12345", MSG_LENGTH);
    page_says(&c, GOOD_PW, "abcdefghijk1!", MSG_CLASSES);
    /* a good one is taken */
    r = th_form(&srv, "/password", &c,
                "old_password=" GOOD_PW "&password=Better-Pass-2026&password2=Better-Pass-2026");
    th_assert_status(r, 303);
    struct th_resp *p = follow_flash(r, &c);
    assert_non_null(strstr(p->body, "密码已修改"));
    th_resp_free(p);
    th_resp_free(r);
}

/* password_history = 2: not the current password nor the one before it; older is fine. */
static void
test_history(void **state)
{
    (void)state;
    struct th_resp *r = create("pw-hist", GOOD_PW);
    th_assert_status(r, 201);
    int64_t id = th_jint(r->json, "id");
    th_resp_free(r);
    struct th_cred c;
    th_login_full(&srv, "pw-hist", GOOD_PW, &c);
#define CHANGE(from, to)                                                                       \
    th_api(&srv, "POST", "/api/v1/me/password", &c, TH_SESSION,                               \
           "{\"old_password\":\"" from "\",\"password\":\"" to "\"}")
    /* the current one */
    assert_rule(CHANGE(GOOD_PW, GOOD_PW), MSG_HISTORY);
    r = CHANGE(GOOD_PW, "Second-Pass-2026");
    th_assert_status(r, 200);
    th_resp_free(r);
    /* the one before */
    assert_rule(CHANGE("Second-Pass-2026", GOOD_PW), MSG_HISTORY);
    r = CHANGE("Second-Pass-2026", "Third-Pass-2026");
    th_assert_status(r, 200);
    th_resp_free(r);
    /* the page says so too */
    page_says(&c, "Third-Pass-2026", "Second-Pass-2026", MSG_HISTORY);
    /* the admin's reset keeps to the rule as well */
    char path[64];
    snprintf(path, sizeof path, "/api/v1/users/%lld", (long long)id);
    assert_rule(th_api(&srv, "PATCH", path, &office, TH_BEARER,
                       "{\"password\":\"Third-Pass-2026\"}"),
                MSG_HISTORY);
    /* three back is allowed again */
    r = CHANGE("Third-Pass-2026", GOOD_PW);
    th_assert_status(r, 200);
    th_resp_free(r);
#undef CHANGE
}

int
main(int argc, char **argv)
{
    if (!th_init(argc, argv)) {
        return 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_api),
        cmocka_unit_test(test_page),
        cmocka_unit_test(test_history),
    };
    int rc = cmocka_run_group_tests_name("http_password", tests, group_setup, group_teardown);
    th_done();
    return rc + th_teardown_failures;
}
