/*
** test_html.c — the escaping writer: %s always escapes, %r is raw, numbers are exact.
*/
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "wm_html.h"

static void
test_escape(void **state)
{
    (void)state;
    struct wm_buf b = {0};
    wm_h(&b, "<p title=\"%s\">%s</p>", "\"x' onload=", "<script>alert(1)</script>&");
    assert_string_equal(b.data, "<p title=\"&quot;x&#39; onload=\">&lt;script&gt;alert(1)&lt;/"
                                "script&gt;&amp;</p>");
    wm_buf_reset(&b);
    wm_h(&b, "%r|%s|%d|%u|%I|%U|%%", "<b>raw</b>", (const char *)NULL, -3, 4u, (int64_t)1 << 40,
         "a b/文");
    assert_string_equal(b.data, "<b>raw</b>||-3|4|1099511627776|a%20b%2F%E6%96%87|%");
    wm_buf_free(&b);
}

static void
test_hundredths(void **state)
{
    (void)state;
    const struct {
        int64_t v;
        const char *s;
    } cases[] = {{0, "0"}, {700, "7"}, {50, "0.5"}, {25, "0.25"}, {30, "0.3"}, {1005, "10.05"},
                 {-150, "-1.5"}, {10 + 20, "0.3"}};
    for (size_t i = 0; i < WM_ARRAY_LEN(cases); i++) {
        struct wm_buf b = {0};
        wm_html_hundredths(&b, cases[i].v);
        assert_string_equal(b.data, cases[i].s);
        wm_buf_free(&b);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escape),
        cmocka_unit_test(test_hundredths),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* end of test_html.c */
