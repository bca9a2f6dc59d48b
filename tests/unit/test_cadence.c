/*
** test_cadence.c — the cadence of the creation work (wm_work_cadence, work_meet.c): the
** periods of each name (quarters, months, halves, the year, weeks Monday to Sunday whose
** Monday is in the year), what each owes (min_count; nothing for a period that began
** before the unit's start day), what was held (days outside the year ignored), and which
** period is late, current or still to come on a pinned today.
*/
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "wm_core.h"

static int64_t
day(const char *s)
{
    int64_t d = 0;
    if (!wm_day_parse(s, &d)) {
        fail_msg("not a date: %s", s);
    }
    return d;
}

static void
assert_day(const char *want, int64_t d)
{
    char s[WM_DAY_LEN];
    wm_day_format(d, s);
    assert_string_equal(want, s);
}

static void
test_quarters(void **state)
{
    (void)state;
    struct wm_cadence c[WM_CADENCE_MAX];
    int64_t held[] = {day("2026-02-10"), day("2026-03-31"), day("2026-07-01")};
    size_t n = wm_work_cadence("quarterly", 1, 2026, day("2026-01-01"), day("2026-08-15"), held,
                               3, c);
    assert_int_equal(4, n);
    assert_string_equal("Q1", c[0].key);
    assert_day("2026-01-01", c[0].start);
    assert_day("2026-03-31", c[0].end);
    assert_day("2026-10-01", c[3].start);
    assert_day("2026-12-31", c[3].end);
    /* Q1 two held (the 31st of March is inside it); Q2 none: late; Q3 current; Q4 future */
    assert_int_equal(2, c[0].held);
    assert_false(c[0].late);
    assert_int_equal(0, c[1].held);
    assert_int_equal(1, c[1].owed);
    assert_true(c[1].late);
    assert_false(c[1].current);
    assert_int_equal(1, c[2].held);
    assert_true(c[2].current);
    assert_false(c[2].late);
    assert_int_equal(0, c[3].held);
    assert_false(c[3].late);
    assert_false(c[3].current);
}

static void
test_months_min_count(void **state)
{
    (void)state;
    struct wm_cadence c[WM_CADENCE_MAX];
    int64_t held[] = {day("2026-01-05"), day("2026-01-20"), day("2026-02-28")};
    size_t n = wm_work_cadence("monthly", 2, 2026, day("2025-06-01"), day("2026-03-01"), held, 3,
                               c);
    assert_int_equal(12, n);
    assert_string_equal("M2", c[1].key);
    assert_day("2026-02-28", c[1].end);
    assert_int_equal(2, c[0].owed);
    assert_int_equal(2, c[0].held);
    assert_false(c[0].late); /* two of two */
    assert_int_equal(1, c[1].held);
    assert_true(c[1].late);  /* one of two, and February is over on 1 March */
    assert_true(c[2].current);
    assert_false(c[2].late);
    assert_false(c[11].late);
}

static void
test_weeks(void **state)
{
    (void)state;
    struct wm_cadence c[WM_CADENCE_MAX];
    /* 2026-01-01 is a Thursday: the first week is the one of Monday 5 January; the last
    ** starts on Monday 28 December and ends in 2027 */
    int64_t held[] = {day("2026-01-04"), day("2026-01-11"), day("2027-01-02")};
    size_t n = wm_work_cadence("weekly", 1, 2026, day("2026-01-01"), day("2026-01-14"), held, 3, c);
    assert_int_equal(52, n);
    assert_string_equal("W1", c[0].key);
    assert_day("2026-01-05", c[0].start);
    assert_day("2026-01-11", c[0].end);
    assert_int_equal(1, c[0].held); /* the 4th is in no week of 2026 */
    assert_false(c[0].late);
    assert_true(c[1].current);
    assert_string_equal("W52", c[51].key);
    assert_day("2026-12-28", c[51].start);
    assert_day("2027-01-03", c[51].end);
    assert_int_equal(1, c[51].held); /* 2 January 2027 is in the year's last week */
    /* 2024 began on a Monday and has 53 Mondays */
    assert_int_equal(53, wm_work_cadence("weekly", 1, 2024, 0, 0, NULL, 0, c));
    assert_day("2024-01-01", c[0].start);
    assert_day("2024-12-30", c[52].start);
}

static void
test_joins_mid_year(void **state)
{
    (void)state;
    struct wm_cadence c[WM_CADENCE_MAX];
    /* a unit that starts on 15 May owes nothing for Q1 and Q2 (which began before it) */
    size_t n = wm_work_cadence("quarterly", 1, 2026, day("2026-05-15"), day("2026-12-01"), NULL,
                               0, c);
    assert_int_equal(4, n);
    assert_int_equal(0, c[0].owed);
    assert_false(c[0].late);
    assert_int_equal(0, c[1].owed);
    assert_false(c[1].late);
    assert_int_equal(1, c[2].owed);
    assert_true(c[2].late);
    assert_true(c[3].current);
    assert_false(c[3].late);
    /* half-yearly: H1 owes nothing; yearly: the year began before it too */
    n = wm_work_cadence("half-yearly", 1, 2026, day("2026-05-15"), day("2026-12-01"), NULL, 0, c);
    assert_int_equal(2, n);
    assert_string_equal("H1", c[0].key);
    assert_int_equal(0, c[0].owed);
    assert_int_equal(1, c[1].owed);
    n = wm_work_cadence("yearly", 1, 2026, day("2026-05-15"), day("2027-01-10"), NULL, 0, c);
    assert_int_equal(1, n);
    assert_string_equal("Y", c[0].key);
    assert_int_equal(0, c[0].owed);
    assert_false(c[0].late);
}

static void
test_outside_and_none(void **state)
{
    (void)state;
    struct wm_cadence c[WM_CADENCE_MAX];
    int64_t held[] = {day("2025-12-31"), day("2027-01-01"), day("2026-12-31")};
    size_t n = wm_work_cadence("yearly", 1, 2026, day("2020-01-01"), day("2027-02-01"), held, 3,
                               c);
    assert_int_equal(1, n);
    assert_int_equal(1, c[0].held); /* only the one inside the year */
    assert_false(c[0].late);
    n = wm_work_cadence("half-yearly", 1, 2026, 0, day("2027-02-01"), held, 3, c);
    assert_int_equal(0, c[0].held);
    assert_true(c[0].late);
    assert_int_equal(1, c[1].held);
    assert_false(c[1].late);
    assert_int_equal(0, wm_work_cadence("none", 1, 2026, 0, 0, held, 3, c));
    assert_int_equal(0, wm_work_cadence("once", 1, 2026, 0, 0, held, 3, c));
    assert_int_equal(0, wm_work_cadence("fortnightly", 1, 2026, 0, 0, held, 3, c));
    assert_int_equal(0, wm_work_cadence(NULL, 1, 2026, 0, 0, held, 3, c));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_quarters),       cmocka_unit_test(test_months_min_count),
        cmocka_unit_test(test_weeks),          cmocka_unit_test(test_joins_mid_year),
        cmocka_unit_test(test_outside_and_none),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* end of test_cadence.c */
