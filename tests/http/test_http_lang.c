/*
** test_http_lang.c — the UI language: Simplified Chinese by default, Traditional Chinese
** with `lang = zh_TW` in wenming.conf (the catalog generated at build time), and a
** refused unknown language.
*/
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

static void
test_default_simplified(void **state)
{
    (void)state;
    struct th_server s;
    assert_int_equal(th_server_create(&s, NULL), 0);
    assert_int_equal(th_server_start(&s, NULL), 0);
    struct th_req q = {.method = "GET", .path = "/login"};
    struct th_resp *r = th_do(&s, &q);
    assert_int_equal(r->status, 200);
    assert_non_null(strstr(r->body, "<h1>登录</h1>"));
    th_resp_free(r);
    assert_int_equal(th_server_stop(&s), 0);
    th_server_destroy(&s);
}

static void
test_traditional(void **state)
{
    (void)state;
    struct th_server s;
    assert_int_equal(th_server_create(&s, "lang = zh_TW\n"), 0);
    assert_int_equal(th_server_start(&s, NULL), 0);
    struct th_req q = {.method = "GET", .path = "/login"};
    struct th_resp *r = th_do(&s, &q);
    assert_int_equal(r->status, 200);
    assert_non_null(strstr(r->body, "<h1>登錄</h1>"));
    assert_non_null(strstr(r->body, "文明創建動態管理系統"));
    th_resp_free(r);
    /* API messages too */
    r = th_api(&s, "POST", "/api/v1/session", NULL, 0, "{\"username\":\"x\",\"password\":\"y\"}");
    assert_int_equal(r->status, 401);
    assert_non_null(strstr(r->body, "用戶名或密碼錯誤"));
    th_resp_free(r);
    assert_int_equal(th_server_stop(&s), 0);
    th_server_destroy(&s);
}

static void
test_unknown_language_refused(void **state)
{
    (void)state;
    struct th_server s;
    assert_int_equal(th_server_create(&s, "lang = fr\n"), 0);
    assert_int_not_equal(th_server_start(&s, NULL), 0);
    th_server_destroy(&s);
}

int
main(int argc, char **argv)
{
    if (!th_init(argc, argv)) {
        return 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default_simplified),
        cmocka_unit_test(test_traditional),
        cmocka_unit_test(test_unknown_language_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* end of test_http_lang.c */
