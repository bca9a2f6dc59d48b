/*
** test_schedule.c — the schedule arithmetic of routine uploads (schedule.c), from tables of
** cases: calendar dates (leap years 2024, 2100, 2000), the periods of every frequency with
** their deadlines (month ends, offsets that cross into the next year), and the state of a
** period around its deadline and the due-soon window, with documents dated on the period's
** boundaries, undated ones, and submitted ones counted or not.
*/
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

/* ---------------------------------------------------------------- calendar */

static void
test_leap_years(void **state)
{
    (void)state;
    static const struct {
        int64_t y;
        bool leap;
        int feb;
    } t[] = {
        {2024, true, 29}, {2100, false, 28}, {2000, true, 29}, {2023, false, 28},
        {1900, false, 28}, {2400, true, 29}, {2025, false, 28}, {2028, true, 29},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        assert_int_equal(t[i].leap, wm_leap_year(t[i].y));
        assert_int_equal(t[i].feb, wm_month_days(t[i].y, 2));
    }
    assert_int_equal(31, wm_month_days(2024, 1));
    assert_int_equal(30, wm_month_days(2024, 4));
    assert_int_equal(30, wm_month_days(2024, 6));
    assert_int_equal(30, wm_month_days(2024, 9));
    assert_int_equal(30, wm_month_days(2024, 11));
    assert_int_equal(31, wm_month_days(2024, 12));
    assert_int_equal(0, wm_month_days(2024, 0));
    assert_int_equal(0, wm_month_days(2024, 13));
}

static void
test_day_numbers(void **state)
{
    (void)state;
    assert_int_equal(0, wm_day_from_ymd(1970, 1, 1));
    assert_int_equal(-1, wm_day_from_ymd(1969, 12, 31));
    assert_int_equal(11016, wm_day_from_ymd(2000, 2, 29));
    assert_int_equal(11017, wm_day_from_ymd(2000, 3, 1));
    /* Every day from 1900 to 2200: the next day number is the next calendar day, and the
    ** text form goes there and back. */
    int64_t d = wm_day_from_ymd(1900, 1, 1), n = 0;
    for (int64_t y = 1900; y <= 2200; y++) {
        for (int m = 1; m <= 12; m++) {
            for (int dd = 1; dd <= wm_month_days(y, m); dd++, d++, n++) {
                int64_t yy;
                int mm, dy;
                char s[WM_DAY_LEN], want[32];
                assert_int_equal(d, wm_day_from_ymd(y, m, dd));
                wm_day_ymd(d, &yy, &mm, &dy);
                assert_int_equal(y, yy);
                assert_int_equal(m, mm);
                assert_int_equal(dd, dy);
                wm_day_format(d, s);
                snprintf(want, sizeof want, "%04d-%02d-%02d", (int)y, m, dd);
                assert_string_equal(want, s);
                int64_t back = -1;
                assert_true(wm_day_parse(s, &back));
                assert_int_equal(d, back);
            }
        }
    }
    assert_int_equal(n, 301 * 365 + 73); /* 1900..2200: 73 leap years (not 1900, 2100, 2200) */
}

static void
test_day_parse(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "2023-02-29", "2100-02-29", "2024-02-30", "2024-04-31", "2024-13-01", "2024-00-10",
        "2024-01-00", "2024-1-01",  "2024-01-1",  "24-01-01",   "2024-01-01x", "2024/01/01",
        "2024-01-01 ", " 2024-01-01", "",         "0000-01-01", "２０２４-01-01", "2024-01-32",
    };
    int64_t d;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (wm_day_parse(bad[i], &d)) {
            fail_msg("accepted: \"%s\"", bad[i]);
        }
    }
    assert_false(wm_day_parse(NULL, &d));
    assert_true(wm_day_parse("2000-02-29", &d));
    assert_true(wm_day_parse("2024-02-29", &d));
    assert_true(wm_day_parse("2100-02-28", &d));
    assert_true(wm_day_parse("9999-12-31", &d));
}

/* Today in Asia/Shanghai, whatever the server's time zone: UTC+8 from the clock. */
static void
test_today(void **state)
{
    (void)state;
    static const struct {
        const char *utc_day;
        int64_t secs; /* into that UTC day */
        const char *want;
    } t[] = {
        {"2024-12-31", 15 * 3600 + 3599, "2024-12-31"}, /* 23:59:59 in Shanghai */
        {"2024-12-31", 16 * 3600, "2025-01-01"},        /* midnight in Shanghai */
        {"2024-02-28", 16 * 3600, "2024-02-29"},
        {"2023-02-28", 16 * 3600, "2023-03-01"},
        {"2024-06-30", 0, "2024-06-30"},
        {"2024-06-30", 86399, "2024-07-01"},
    };
    const char *tz = getenv("TZ");
    char *saved = tz ? strdup(tz) : NULL;
    setenv("TZ", "America/New_York", 1); /* a server elsewhere changes nothing */
    tzset();
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        char now[32], got[WM_DAY_LEN];
        snprintf(now, sizeof now, "%lld", (long long)(day(t[i].utc_day) * 86400 + t[i].secs));
        setenv("WM_FAKE_NOW", now, 1);
        wm_day_format(wm_day_today(), got);
        assert_string_equal(t[i].want, got);
    }
    unsetenv("WM_FAKE_NOW");
    if (saved) {
        setenv("TZ", saved, 1);
        free(saved);
    } else {
        unsetenv("TZ");
    }
    tzset();
}

/* ---------------------------------------------------------------- periods */

struct pcase {
    const char *freq;
    int64_t year;
    int offset;
    size_t count; /* periods of the frequency */
    size_t idx;   /* the one checked */
    const char *key, *start, *end, *deadline;
};

/* clang-format off */
static const struct pcase pcases[] = {
    /* monthly: month ends, February in leap and common years */
    {"monthly", 2024, 10, 12, 0,  "M1",  "2024-01-01", "2024-01-31", "2024-02-10"},
    {"monthly", 2024, 10, 12, 1,  "M2",  "2024-02-01", "2024-02-29", "2024-03-10"},
    {"monthly", 2023, 10, 12, 1,  "M2",  "2023-02-01", "2023-02-28", "2023-03-10"},
    {"monthly", 2100, 10, 12, 1,  "M2",  "2100-02-01", "2100-02-28", "2100-03-10"},
    {"monthly", 2000, 10, 12, 1,  "M2",  "2000-02-01", "2000-02-29", "2000-03-10"},
    {"monthly", 2024, 10, 12, 3,  "M4",  "2024-04-01", "2024-04-30", "2024-05-10"},
    {"monthly", 2024, 10, 12, 8,  "M9",  "2024-09-01", "2024-09-30", "2024-10-10"},
    {"monthly", 2024, 10, 12, 10, "M11", "2024-11-01", "2024-11-30", "2024-12-10"},
    {"monthly", 2024, 10, 12, 11, "M12", "2024-12-01", "2024-12-31", "2025-01-10"},
    /* offsets over a month end: 0, 1 day past February, 30 days from January */
    {"monthly", 2024, 0,  12, 1,  "M2",  "2024-02-01", "2024-02-29", "2024-02-29"},
    {"monthly", 2024, 1,  12, 1,  "M2",  "2024-02-01", "2024-02-29", "2024-03-01"},
    {"monthly", 2023, 1,  12, 1,  "M2",  "2023-02-01", "2023-02-28", "2023-03-01"},
    {"monthly", 2024, 30, 12, 0,  "M1",  "2024-01-01", "2024-01-31", "2024-03-01"},
    {"monthly", 2023, 30, 12, 0,  "M1",  "2023-01-01", "2023-01-31", "2023-03-02"},
    {"monthly", 2100, 30, 12, 0,  "M1",  "2100-01-01", "2100-01-31", "2100-03-02"},
    {"monthly", 2000, 30, 12, 0,  "M1",  "2000-01-01", "2000-01-31", "2000-03-01"},
    {"monthly", 2024, 31, 12, 11, "M12", "2024-12-01", "2024-12-31", "2025-01-31"},
    {"monthly", 2024, 32, 12, 11, "M12", "2024-12-01", "2024-12-31", "2025-02-01"},
    {"每月",    2024, 10, 12, 6,  "M7",  "2024-07-01", "2024-07-31", "2024-08-10"},
    {"按月",    2024, 10, 12, 7,  "M8",  "2024-08-01", "2024-08-31", "2024-09-10"},
    {"月度",    2024, 10, 12, 0,  "M1",  "2024-01-01", "2024-01-31", "2024-02-10"},
    /* quarterly */
    {"quarterly", 2024, 10, 4, 0, "Q1", "2024-01-01", "2024-03-31", "2024-04-10"},
    {"quarterly", 2024, 10, 4, 1, "Q2", "2024-04-01", "2024-06-30", "2024-07-10"},
    {"quarterly", 2024, 10, 4, 2, "Q3", "2024-07-01", "2024-09-30", "2024-10-10"},
    {"quarterly", 2024, 10, 4, 3, "Q4", "2024-10-01", "2024-12-31", "2025-01-10"},
    {"quarterly", 2100, 10, 4, 3, "Q4", "2100-10-01", "2100-12-31", "2101-01-10"},
    {"quarterly", 2024, 0,  4, 3, "Q4", "2024-10-01", "2024-12-31", "2024-12-31"},
    {"quarterly", 2024, 1,  4, 3, "Q4", "2024-10-01", "2024-12-31", "2025-01-01"},
    {"每季度",  2025, 10, 4, 0, "Q1", "2025-01-01", "2025-03-31", "2025-04-10"},
    {"季度",    2025, 10, 4, 1, "Q2", "2025-04-01", "2025-06-30", "2025-07-10"},
    {"按季",    2025, 10, 4, 2, "Q3", "2025-07-01", "2025-09-30", "2025-10-10"},
    {"Quarterly", 2025, 10, 4, 3, "Q4", "2025-10-01", "2025-12-31", "2026-01-10"},
    /* half-yearly */
    {"half-yearly", 2024, 10, 2, 0, "H1", "2024-01-01", "2024-06-30", "2024-07-10"},
    {"half-yearly", 2024, 10, 2, 1, "H2", "2024-07-01", "2024-12-31", "2025-01-10"},
    {"半年",        2000, 10, 2, 1, "H2", "2000-07-01", "2000-12-31", "2001-01-10"},
    {"每半年",      2100, 10, 2, 0, "H1", "2100-01-01", "2100-06-30", "2100-07-10"},
    /* yearly and once: the year; 366 days after 2024-12-31 (2025 has 365) */
    {"yearly", 2025, 10,  1, 0, "Y",    "2025-01-01", "2025-12-31", "2026-01-10"},
    {"每年",   2024, 10,  1, 0, "Y",    "2024-01-01", "2024-12-31", "2025-01-10"},
    {"年度",   2024, 366, 1, 0, "Y",    "2024-01-01", "2024-12-31", "2026-01-01"},
    {"yearly", 2023, 366, 1, 0, "Y",    "2023-01-01", "2023-12-31", "2024-12-31"},
    {"once",   2024, 10,  1, 0, "once", "2024-01-01", "2024-12-31", "2025-01-10"},
    {"一次",   2100, 10,  1, 0, "once", "2100-01-01", "2100-12-31", "2101-01-10"},
    {"一次性", 2000, 59,  1, 0, "once", "2000-01-01", "2000-12-31", "2001-02-28"},
    {"once",   2000, 60,  1, 0, "once", "2000-01-01", "2000-12-31", "2001-03-01"},
};
/* clang-format on */

static void
test_periods(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof pcases / sizeof pcases[0]; i++) {
        const struct pcase *c = &pcases[i];
        struct wm_period p[WM_SCHED_PERIODS_MAX];
        char s[WM_DAY_LEN], e[WM_DAY_LEN], d[WM_DAY_LEN];
        size_t n = wm_sched_periods(c->freq, c->year, c->offset, p);
        if (n != c->count) {
            fail_msg("case %zu (%s %lld): %zu periods, want %zu", i, c->freq, (long long)c->year,
                     n, c->count);
        }
        wm_day_format(p[c->idx].start, s);
        wm_day_format(p[c->idx].end, e);
        wm_day_format(p[c->idx].deadline, d);
        if (strcmp(c->key, p[c->idx].key) || strcmp(c->start, s) || strcmp(c->end, e) ||
            strcmp(c->deadline, d)) {
            fail_msg("case %zu (%s %lld +%d): %s %s..%s deadline %s, want %s %s..%s deadline %s",
                     i, c->freq, (long long)c->year, c->offset, p[c->idx].key, s, e, d, c->key,
                     c->start, c->end, c->deadline);
        }
    }
}

/* The periods of a year tile it: no gap, no overlap, from Jan 1 to Dec 31. */
static void
test_periods_tile(void **state)
{
    (void)state;
    static const char *const freqs[] = {"monthly", "quarterly", "half-yearly", "yearly", "once"};
    static const int64_t years[] = {2000, 2023, 2024, 2100};
    for (size_t f = 0; f < sizeof freqs / sizeof freqs[0]; f++) {
        for (size_t y = 0; y < sizeof years / sizeof years[0]; y++) {
            struct wm_period p[WM_SCHED_PERIODS_MAX];
            size_t n = wm_sched_periods(freqs[f], years[y], WM_SCHED_OFFSET_DEFAULT, p);
            assert_true(n > 0);
            assert_int_equal(wm_day_from_ymd(years[y], 1, 1), p[0].start);
            assert_int_equal(wm_day_from_ymd(years[y], 12, 31), p[n - 1].end);
            for (size_t i = 0; i < n; i++) {
                assert_true(p[i].start <= p[i].end);
                assert_int_equal(p[i].end + WM_SCHED_OFFSET_DEFAULT, p[i].deadline);
                if (i > 0) {
                    assert_int_equal(p[i - 1].end + 1, p[i].start);
                }
            }
        }
    }
}

static void
test_periods_none(void **state)
{
    (void)state;
    struct wm_period p[WM_SCHED_PERIODS_MAX];
    assert_int_equal(0, wm_sched_periods(NULL, 2024, 10, p));
    assert_int_equal(0, wm_sched_periods("", 2024, 10, p));
    assert_int_equal(0, wm_sched_periods("weekly", 2024, 10, p));
    assert_int_equal(0, wm_sched_periods("每周", 2024, 10, p));
    assert_int_equal(0, wm_sched_periods("monthly", 2024, -1, p));
    assert_int_equal(0, wm_sched_periods("monthly", 2024, WM_SCHED_OFFSET_MAX + 1, p));
    assert_int_equal(12, wm_sched_periods("monthly", 2024, WM_SCHED_OFFSET_MAX, p));
    assert_int_equal(0, wm_sched_periods("monthly", 0, 10, p));
    assert_int_equal(0, wm_sched_periods("monthly", 10000, 10, p));
    assert_string_equal("第四季度", wm_period_label("Q4"));
    assert_string_equal("12月", wm_period_label("M12"));
    assert_string_equal("下半年", wm_period_label("H2"));
    assert_string_equal("全年", wm_period_label("Y"));
    assert_string_equal("X9", wm_period_label("X9"));
}

/* ---------------------------------------------------------------- states */

struct doc {
    const char *date; /* NULL: no date formed */
    const char *status;
};

struct scase {
    const char *what;
    const char *freq;
    int64_t year;
    size_t idx; /* the period */
    int offset;
    bool count_submitted;
    const char *today;
    struct doc docs[3]; /* up to three; status NULL ends */
    const char *want;
    int64_t met_by;
};

#define NODOCS {{NULL, NULL}}
#define APPROVED(d) {{d, "approved"}}

/* clang-format off */
static const struct scase scases[] = {
    /* Q1 2024: deadline 2024-04-10; due soon from 2024-03-27 (14 days ahead) */
    {"long before",          "quarterly", 2024, 0, 10, false, "2024-01-01", NODOCS, "not_due", 0},
    {"before the year",      "quarterly", 2024, 0, 10, false, "2023-12-31", NODOCS, "not_due", 0},
    {"15 days ahead",        "quarterly", 2024, 0, 10, false, "2024-03-26", NODOCS, "not_due", 0},
    {"14 days ahead",        "quarterly", 2024, 0, 10, false, "2024-03-27", NODOCS, "due_soon", 0},
    {"period's last day",    "quarterly", 2024, 0, 10, false, "2024-03-31", NODOCS, "due_soon", 0},
    {"day before deadline",  "quarterly", 2024, 0, 10, false, "2024-04-09", NODOCS, "due_soon", 0},
    {"deadline day",         "quarterly", 2024, 0, 10, false, "2024-04-10", NODOCS, "due_soon", 0},
    {"day after deadline",   "quarterly", 2024, 0, 10, false, "2024-04-11", NODOCS, "overdue", 0},
    {"next year",            "quarterly", 2024, 0, 10, false, "2025-06-01", NODOCS, "overdue", 0},
    /* Q4 2024: deadline 2025-01-10, across the year end */
    {"Q4 15 days ahead",     "quarterly", 2024, 3, 10, false, "2024-12-26", NODOCS, "not_due", 0},
    {"Q4 14 days ahead",     "quarterly", 2024, 3, 10, false, "2024-12-27", NODOCS, "due_soon", 0},
    {"Q4 deadline day",      "quarterly", 2024, 3, 10, false, "2025-01-10", NODOCS, "due_soon", 0},
    {"Q4 day after",         "quarterly", 2024, 3, 10, false, "2025-01-11", NODOCS, "overdue", 0},
    /* M2 2024 with offset 0: the deadline is Feb 29 */
    {"M2 leap deadline",     "monthly",   2024, 1, 0,  false, "2024-02-29", NODOCS, "due_soon", 0},
    {"M2 leap day after",    "monthly",   2024, 1, 0,  false, "2024-03-01", NODOCS, "overdue", 0},
    {"M2 common day after",  "monthly",   2023, 1, 0,  false, "2023-03-01", NODOCS, "overdue", 0},
    {"M2 common deadline",   "monthly",   2023, 1, 0,  false, "2023-02-28", NODOCS, "due_soon", 0},
    {"M2 2100 deadline",     "monthly",   2100, 1, 10, false, "2100-03-10", NODOCS, "due_soon", 0},
    {"M2 2100 day after",    "monthly",   2100, 1, 10, false, "2100-03-11", NODOCS, "overdue", 0},
    {"M12 deadline",         "monthly",   2024, 11, 10, false, "2025-01-10", NODOCS, "due_soon", 0},
    {"M12 day after",        "monthly",   2024, 11, 10, false, "2025-01-11", NODOCS, "overdue", 0},
    {"H2 day after",         "half-yearly", 2024, 1, 10, false, "2025-01-11", NODOCS, "overdue", 0},
    {"Y deadline",           "yearly",    2024, 0, 10, false, "2025-01-10", NODOCS, "due_soon", 0},
    {"Y 15 days ahead",      "yearly",    2024, 0, 10, false, "2024-12-26", NODOCS, "not_due", 0},
    {"once day after",       "once",      2024, 0, 10, false, "2025-01-11", NODOCS, "overdue", 0},
    /* documents on the period's boundaries */
    {"first day",            "quarterly", 2024, 0, 10, false, "2024-06-01", APPROVED("2024-01-01"), "met", 1},
    {"last day",             "quarterly", 2024, 0, 10, false, "2024-06-01", APPROVED("2024-03-31"), "met", 1},
    {"day after the end",    "quarterly", 2024, 0, 10, false, "2024-06-01", APPROVED("2024-04-01"), "overdue", 0},
    {"next period's first",  "quarterly", 2024, 1, 10, false, "2024-06-01", APPROVED("2024-04-01"), "met", 1},
    {"day before the start", "quarterly", 2024, 0, 10, false, "2024-06-01", APPROVED("2023-12-31"), "overdue", 0},
    {"Q4 last day",          "quarterly", 2024, 3, 10, false, "2025-02-01", APPROVED("2024-12-31"), "met", 1},
    {"Q4 in January",        "quarterly", 2024, 3, 10, false, "2025-01-05", APPROVED("2025-01-05"), "due_soon", 0},
    {"leap day",             "monthly",   2024, 1, 10, false, "2024-04-01", APPROVED("2024-02-29"), "met", 1},
    {"M3 not by Feb 29",     "monthly",   2024, 2, 10, false, "2024-04-01", APPROVED("2024-02-29"), "due_soon", 0},
    {"met early",            "monthly",   2024, 11, 10, false, "2024-12-02", APPROVED("2024-12-01"), "met", 1},
    {"met late: dated in",   "monthly",   2024, 0, 10, false, "2024-09-01", APPROVED("2024-01-15"), "met", 1},
    {"two documents",        "half-yearly", 2024, 0, 10, false, "2024-07-01",
     {{"2024-01-01", "approved"}, {"2024-06-30", "approved"}, {"2024-07-01", "approved"}}, "met", 2},
    /* undated documents, and dates that are not dates */
    {"undated",              "yearly",    2024, 0, 10, false, "2025-02-01", {{NULL, "approved"}}, "overdue", 0},
    {"empty date",           "yearly",    2024, 0, 10, false, "2025-02-01", {{"", "approved"}}, "overdue", 0},
    {"not a date",           "yearly",    2024, 0, 10, false, "2025-02-01", {{"2024-02-30", "approved"}}, "overdue", 0},
    {"undated and dated",    "yearly",    2024, 0, 10, false, "2025-02-01",
     {{NULL, "approved"}, {"2024-05-05", "approved"}}, "met", 1},
    /* review states: approved counts; submitted only when the office says so */
    {"submitted",            "quarterly", 2024, 1, 10, false, "2024-07-11", {{"2024-05-01", "submitted"}}, "overdue", 0},
    {"submitted counted",    "quarterly", 2024, 1, 10, true,  "2024-07-11", {{"2024-05-01", "submitted"}}, "met", 1},
    {"draft",                "quarterly", 2024, 1, 10, true,  "2024-07-01", {{"2024-05-01", "draft"}}, "due_soon", 0},
    {"returned",             "quarterly", 2024, 1, 10, true,  "2024-07-01", {{"2024-05-01", "returned"}}, "due_soon", 0},
    {"no status",            "quarterly", 2024, 1, 10, true,  "2024-07-01", {{"2024-05-01", ""}}, "due_soon", 0},
    {"mixed",                "quarterly", 2024, 1, 10, false, "2024-07-01",
     {{"2024-05-01", "draft"}, {"2024-05-02", "submitted"}, {"2024-06-30", "approved"}}, "met", 1},
    {"mixed, submitted too", "quarterly", 2024, 1, 10, true,  "2024-07-01",
     {{"2024-05-01", "draft"}, {"2024-05-02", "submitted"}, {"2024-06-30", "approved"}}, "met", 2},
};
/* clang-format on */

static json_t *
docs_json(const struct doc *d, size_t max)
{
    json_t *a = json_array();
    for (size_t i = 0; i < max && d[i].status; i++) {
        json_t *o = json_pack("{s:s}", "status", d[i].status);
        json_object_set_new(o, "date_formed", d[i].date ? json_string(d[i].date) : json_null());
        json_array_append_new(a, o);
    }
    return a;
}

static void
test_states(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof scases / sizeof scases[0]; i++) {
        const struct scase *c = &scases[i];
        struct wm_period p[WM_SCHED_PERIODS_MAX];
        size_t n = wm_sched_periods(c->freq, c->year, c->offset, p);
        assert_true(c->idx < n);
        json_t *docs = docs_json(c->docs, 3);
        int64_t met = -1;
        enum wm_sched_state s = wm_sched_state(&p[c->idx], docs, c->count_submitted,
                                               day(c->today), &met);
        if (strcmp(c->want, wm_sched_state_name(s)) || met != c->met_by) {
            fail_msg("case %zu (%s): %s by %lld, want %s by %lld", i, c->what,
                     wm_sched_state_name(s), (long long)met, c->want, (long long)c->met_by);
        }
        json_decref(docs);
    }
    assert_string_equal("已完成", wm_sched_state_label(WM_SCHED_MET));
    assert_string_equal("即将到期", wm_sched_state_label(WM_SCHED_DUE_SOON));
    assert_string_equal("已逾期", wm_sched_state_label(WM_SCHED_OVERDUE));
    assert_string_equal("未到期", wm_sched_state_label(WM_SCHED_NOT_DUE));
}

/* The leaf's schedule as the API shows it. */
static void
test_leaf_json(void **state)
{
    (void)state;
    struct doc d[] = {{"2024-02-10", "approved"}, {"2024-05-20", "submitted"}, {NULL, NULL}};
    json_t *docs = docs_json(d, 3);
    struct wm_sched_opts o = {.offset = WM_SCHED_OFFSET_DEFAULT, .count_submitted = false};
    json_t *per = wm_sched_leaf("每季度", 2024, docs, &o, day("2024-07-05"));
    assert_non_null(per);
    char *text = json_dumps(per, JSON_COMPACT);
    assert_string_equal(
        "[{\"period\":\"Q1\",\"start\":\"2024-01-01\",\"end\":\"2024-03-31\","
        "\"deadline\":\"2024-04-10\",\"state\":\"met\",\"documents\":1},"
        "{\"period\":\"Q2\",\"start\":\"2024-04-01\",\"end\":\"2024-06-30\","
        "\"deadline\":\"2024-07-10\",\"state\":\"due_soon\",\"documents\":0},"
        "{\"period\":\"Q3\",\"start\":\"2024-07-01\",\"end\":\"2024-09-30\","
        "\"deadline\":\"2024-10-10\",\"state\":\"not_due\",\"documents\":0},"
        "{\"period\":\"Q4\",\"start\":\"2024-10-01\",\"end\":\"2024-12-31\","
        "\"deadline\":\"2025-01-10\",\"state\":\"not_due\",\"documents\":0}]",
        text);
    free(text);
    json_decref(per);
    o.count_submitted = true;
    per = wm_sched_leaf("quarterly", 2024, docs, &o, day("2024-07-05"));
    assert_string_equal("met", json_string_value(json_object_get(json_array_get(per, 1), "state")));
    json_decref(per);
    assert_null(wm_sched_leaf("", 2024, docs, &o, day("2024-07-05")));
    json_decref(docs);
}

/* The daily jobs' moments: hour:minute in Asia/Shanghai after a time (UTC+8, no DST). */
static void
test_next_at(void **state)
{
    (void)state;
    static const struct {
        int64_t t;
        unsigned hour, minute;
        int64_t want;
    } cases[] = {
        /* 2026-12-02 22:59:59 UTC = 06:59:59 on the 3rd in Shanghai: 07:00 that day */
        {1796252399, 7, 0, 1796252400},
        /* exactly 07:00: the next day's */
        {1796252400, 7, 0, 1796252400 + 86400},
        /* 07:00:01 asking for 07:15: the same day's */
        {1796252401, 7, 15, 1796252400 + 900},
        /* 16:00 UTC = midnight in Shanghai: 00:00 the next day */
        {1796227200, 0, 0, 1796227200 + 86400},
        /* a year's end: 2026-12-31 23:30 Shanghai → 2027-01-01 07:00 */
        {1798731000, 7, 0, 1798758000},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_int_equal(wm_notify_next_at(cases[i].t, cases[i].hour, cases[i].minute),
                         cases[i].want);
    }
}

/* The office's returns limit: a document may be returned limit times in a year; one more
** return marks its leaf not met (0: no limit).  And the settings as schedule options. */
static void
test_returns_limit(void **state)
{
    (void)state;
    static const struct {
        int64_t returns;
        int limit;
        bool exceeded;
    } cases[] = {
        {0, 0, false},  {5, 0, false},  {0, 1, false}, {1, 1, false}, {2, 1, true},
        {3, 1, true},   {2, 2, false},  {3, 2, true},  {99, 99, false}, {100, 99, true},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        if (wm_returns_exceeded(cases[i].returns, cases[i].limit) != cases[i].exceeded) {
            fail_msg("returns %lld, limit %d: want %s", (long long)cases[i].returns,
                     cases[i].limit, cases[i].exceeded ? "exceeded" : "within");
        }
    }
    struct wm_review_settings s;
    wm_review_settings_default(&s);
    assert_int_equal(s.offset_days, WM_SCHED_OFFSET_DEFAULT);
    assert_false(s.count_submitted);
    assert_int_equal(s.returns_limit, 0);
    assert_int_equal(s.from_org_id, 0);
    s = (struct wm_review_settings){.offset_days = 30, .count_submitted = true, .returns_limit = 1};
    struct wm_sched_opts o;
    wm_sched_opts_of(&s, &o);
    assert_int_equal(o.offset, 30);
    assert_true(o.count_submitted);
    assert_int_equal(o.returns_limit, 1);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_leap_years),   cmocka_unit_test(test_day_numbers),
        cmocka_unit_test(test_day_parse),    cmocka_unit_test(test_today),
        cmocka_unit_test(test_periods),      cmocka_unit_test(test_periods_tile),
        cmocka_unit_test(test_periods_none), cmocka_unit_test(test_states),
        cmocka_unit_test(test_leaf_json),    cmocka_unit_test(test_next_at),
        cmocka_unit_test(test_returns_limit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* end of test_schedule.c */
