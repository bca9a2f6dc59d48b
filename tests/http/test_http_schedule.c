/*
** test_http_schedule.c — the routine-upload schedule of an archive over real HTTP:
** GET /api/v1/units/{id}/archives/{year}/schedule against `wenming serve --demo`.
**
** Documents with dates formed are uploaded into a monthly and a quarterly leaf of the demo
** standard; their review status is set in the store behind the server's back (the review
** routes are another part of issue 9).  The states depend on today's date, so the years
** are chosen to make them certain whatever the day the test runs: two years back every
** deadline has passed (met or overdue), next year none is within 14 days (met or not yet
** due); in the current year the expectations are computed here, independently of the
** server (libc's timegm), from today's date in Asia/Shanghai.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* cmocka.h needs these before it (clang-format would sort them after it). */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */

#include "harness.h"

static struct th_server srv;
static struct th_cred admin, unitadmin, member, leader, evaluator;
static int64_t unit1, unit2;     /* DEMO001 市司法局, DEMO002 */
static int this_year;            /* in Asia/Shanghai */
static char monthly[32], quarterly[32]; /* a leaf of each frequency in the demo standard */

/* ---------------------------------------------------------------- dates (libc, UTC) */

/* Today in Asia/Shanghai (UTC+8) as days since the epoch; *year its year. */
static int64_t
today_cst(int *year)
{
    time_t t = time(NULL) + 8 * 3600;
    struct tm tm;
    gmtime_r(&t, &tm);
    if (year) {
        *year = tm.tm_year + 1900;
    }
    return (int64_t)(t / 86400);
}

/* The day number of y-m-d (m and d normalised by timegm: d 0 is the month's day before). */
static int64_t
days_of(int y, int m, int d)
{
    struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d};
    return (int64_t)(timegm(&tm) / 86400);
}

static void
fmt_day(int64_t days, char out[16])
{
    time_t t = (time_t)(days * 86400);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 16, "%Y-%m-%d", &tm);
}

/* ---------------------------------------------------------------- helpers */

static struct th_resp *
get(const char *path, const struct th_cred *c)
{
    return th_api(&srv, "GET", path, c, c ? th_auth(c) : 0, NULL);
}

static struct th_resp *
schedule(const struct th_cred *c, int64_t unit, int year)
{
    char path[128];
    snprintf(path, sizeof path, "/api/v1/units/%lld/archives/%d/schedule", (long long)unit, year);
    return get(path, c);
}

/* Upload a small PDF into a leaf of DEMO001's year as unitadmin, dated date (NULL: no date
** formed), and give it status (the store's column: draft, submitted, approved, returned). */
static int64_t
upload_dated(int year, const char *leaf, const char *date, const char *status)
{
    static int serial;
    char path[200], tag[32], sql[128];
    snprintf(tag, sizeof tag, "sched-%d", ++serial);
    snprintf(path, sizeof path, "/api/v1/units/%lld/archives/%d/indicators/%s/documents",
             (long long)unit1, year, leaf);
    struct bytes pdf = pdf_make(tag, 300);
    struct th_file f = {.name = "a.pdf", .data = pdf.p, .len = pdf.n};
    const char *fields[] = {"title", tag, date ? "date_formed" : NULL, date, NULL};
    struct th_resp *r = th_upload(&srv, path, &unitadmin, 0, &f, 1, fields);
    th_assert_status(r, 201);
    int64_t id = th_jint(json_array_get(json_object_get(r->json, "items"), 0), "id");
    th_resp_free(r);
    free(pdf.p);
    assert_true(id > 0);
    snprintf(sql, sizeof sql, "UPDATE document SET status = '%s' WHERE id = %lld", status,
             (long long)id);
    assert_int_equal(th_store_exec(&srv, sql), 0);
    return id;
}

/* The schedule's entry of a leaf (borrowed from s), failing when absent. */
static json_t *
leaf_of(json_t *s, const char *code)
{
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(s, "leaves"), i, x)
    {
        if (0 == strcmp(th_jstr(x, "code"), code)) {
            return x;
        }
    }
    fail_msg("leaf %s not in the schedule", code);
    return NULL;
}

/* The period of a leaf's entry by key (borrowed). */
static json_t *
period_of(json_t *leaf, const char *key)
{
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(leaf, "periods"), i, x)
    {
        if (0 == strcmp(th_jstr(x, "period"), key)) {
            return x;
        }
    }
    fail_msg("period %s not in leaf %s", key, th_jstr(leaf, "code"));
    return NULL;
}

static void
check_period(json_t *leaf, const char *key, const char *state, int64_t documents)
{
    json_t *p = period_of(leaf, key);
    if (strcmp(th_jstr(p, "state"), state) || th_jint(p, "documents") != documents) {
        char *d = th_jdump(p);
        fail_msg("leaf %s %s: %s, want state %s with %lld documents", th_jstr(leaf, "code"), key,
                 d, state, (long long)documents);
    }
}

static void
check_dates(json_t *leaf, const char *key, const char *start, const char *end,
            const char *deadline)
{
    json_t *p = period_of(leaf, key);
    assert_string_equal(th_jstr(p, "start"), start);
    assert_string_equal(th_jstr(p, "end"), end);
    assert_string_equal(th_jstr(p, "deadline"), deadline);
}

/* ---------------------------------------------------------------- setup */

static int
setup(void **state)
{
    (void)state;
    if (th_server_create(&srv, NULL) || th_server_start(&srv, NULL)) {
        return -1;
    }
    struct {
        const char *user;
        struct th_cred *c;
    } who[] = {{"admin", &admin},   {"unitadmin", &unitadmin}, {"member", &member},
               {"leader", &leader}, {"evaluator", &evaluator}};
    for (size_t i = 0; i < sizeof who / sizeof who[0]; i++) {
        if (201 != th_login(&srv, who[i].user, TH_DEMO_PW, who[i].c) ||
            th_make_token(&srv, who[i].c, "schedule") <= 0) {
            return -1;
        }
    }
    unit1 = th_unit_id(&srv, &admin, "DEMO001");
    unit2 = th_unit_id(&srv, &admin, "DEMO002");
    today_cst(&this_year);
    if (!unit1 || !unit2 || !th_archive_create(&srv, &unitadmin, unit1, this_year - 2) ||
        !th_archive_create(&srv, &unitadmin, unit1, this_year + 1)) {
        return -1;
    }
    /* a monthly and a quarterly leaf of the standard the archives take */
    char path[96];
    snprintf(path, sizeof path, "/api/v1/units/%lld/archives/%d", (long long)unit1, this_year);
    struct th_resp *r = get(path, &admin);
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(r->json, "indicators"), i, x)
    {
        const char *f = th_jstr(x, "frequency");
        char *slot = 0 == strcmp(f, "monthly") ? monthly
                     : 0 == strcmp(f, "quarterly") ? quarterly
                                                   : NULL;
        if (slot && '\0' == *slot && th_jint(x, "leaf")) {
            snprintf(slot, sizeof monthly, "%s", th_jstr(x, "code"));
        }
    }
    th_resp_free(r);
    if ('\0' == *monthly || '\0' == *quarterly) {
        fprintf(stderr, "the demo standard has no monthly or no quarterly leaf\n");
        return -1;
    }
    return 0;
}

static int
teardown(void **state)
{
    (void)state;
    return th_server_finish(&srv);
}

static void
test_graceful_stop(void **state)
{
    (void)state;
    assert_int_equal(th_server_stop(&srv), 0);
}

/* ---------------------------------------------------------------- tests */

/*
** Two years back every deadline has passed: a period is met by an approved document dated
** inside it (on its first or last day too), else overdue; a submitted document, a draft and
** an undated document meet nothing.  The response lists every leaf with a frequency.
*/
static void
test_past_year(void **state)
{
    (void)state;
    int y = this_year - 2;
    char d[32], e[32], dl[32];
    snprintf(d, sizeof d, "%d-03-31", y);
    upload_dated(y, monthly, d, "approved"); /* M3's last day */
    snprintf(d, sizeof d, "%d-04-01", y);
    upload_dated(y, monthly, d, "approved"); /* M4's first day */
    snprintf(d, sizeof d, "%d-05-15", y);
    upload_dated(y, monthly, d, "submitted"); /* not counted: the office counts approved ones */
    snprintf(d, sizeof d, "%d-06-10", y);
    upload_dated(y, monthly, d, "draft");
    upload_dated(y, monthly, NULL, "approved"); /* no date formed: no period */
    snprintf(d, sizeof d, "%d-12-31", y);
    upload_dated(y, quarterly, d, "approved"); /* Q4's last day */
    snprintf(d, sizeof d, "%d-01-01", y + 1);
    upload_dated(y, quarterly, d, "approved"); /* the next year: not this archive's Q4 */

    struct th_resp *r = schedule(&unitadmin, unit1, y);
    th_assert_status(r, 200);
    json_t *s = r->json;
    assert_int_equal(th_jint(s, "year"), y);
    assert_int_equal(th_jint(s, "unit_id"), unit1);
    assert_int_equal(th_jint(s, "offset_days"), 10);
    assert_true(json_is_false(json_object_get(s, "count_submitted")));
    fmt_day(today_cst(NULL), e);
    assert_string_equal(th_jstr(s, "today"), e); /* (a run across midnight in Shanghai fails) */

    /* every leaf with a frequency, with the periods of its frequency */
    char path[96];
    snprintf(path, sizeof path, "/api/v1/units/%lld/archives/%d", (long long)unit1, y);
    struct th_resp *t = get(path, &unitadmin);
    th_assert_status(t, 200);
    size_t i, n = 0;
    json_t *x;
    json_array_foreach(json_object_get(t->json, "indicators"), i, x)
    {
        static const struct {
            const char *f;
            size_t n;
        } per[] = {{"monthly", 12}, {"quarterly", 4}, {"half-yearly", 2}, {"yearly", 1},
                   {"once", 1}};
        const char *f = th_jstr(x, "frequency");
        if (!th_jint(x, "leaf") || '\0' == *f) {
            continue;
        }
        n++;
        json_t *l = leaf_of(s, th_jstr(x, "code"));
        assert_string_equal(th_jstr(l, "frequency"), f);
        assert_string_equal(th_jstr(l, "title"), th_jstr(x, "title"));
        for (size_t k = 0; k < sizeof per / sizeof per[0]; k++) {
            if (0 == strcmp(per[k].f, f)) {
                assert_int_equal(json_array_size(json_object_get(l, "periods")), per[k].n);
            }
        }
    }
    assert_true(n >= 2);
    assert_int_equal(json_array_size(json_object_get(s, "leaves")), n);
    th_resp_free(t);

    json_t *m = leaf_of(s, monthly);
    for (int k = 1; k <= 12; k++) {
        char key[8];
        snprintf(key, sizeof key, "M%d", k);
        check_period(m, key, 3 == k || 4 == k ? "met" : "overdue", 3 == k || 4 == k ? 1 : 0);
    }
    /* February's end, in a leap year or not; December's deadline in the next January */
    bool leap = (0 == y % 4 && 0 != y % 100) || 0 == y % 400;
    snprintf(d, sizeof d, "%d-02-01", y);
    snprintf(e, sizeof e, "%d-02-%d", y, leap ? 29 : 28);
    snprintf(dl, sizeof dl, "%d-03-10", y);
    check_dates(m, "M2", d, e, dl);
    snprintf(d, sizeof d, "%d-12-01", y);
    snprintf(e, sizeof e, "%d-12-31", y);
    snprintf(dl, sizeof dl, "%d-01-10", y + 1);
    check_dates(m, "M12", d, e, dl);

    json_t *q = leaf_of(s, quarterly);
    check_period(q, "Q1", "overdue", 0);
    check_period(q, "Q2", "overdue", 0);
    check_period(q, "Q3", "overdue", 0);
    check_period(q, "Q4", "met", 1);
    snprintf(d, sizeof d, "%d-10-01", y);
    check_dates(q, "Q4", d, e, dl);

    /* the unit's other readers see the same */
    struct th_resp *r2 = schedule(&leader, unit1, y);
    th_assert_status(r2, 200);
    check_period(leaf_of(r2->json, quarterly), "Q4", "met", 1);
    th_resp_free(r2);
    r2 = schedule(&member, unit1, y);
    th_assert_status(r2, 200);
    check_period(leaf_of(r2->json, monthly), "M4", "met", 1);
    th_resp_free(r2);
    th_resp_free(r);
}

/* Next year no deadline is within 14 days: met, or not yet due. */
static void
test_next_year(void **state)
{
    (void)state;
    int y = this_year + 1;
    char d[32];
    snprintf(d, sizeof d, "%d-01-15", y);
    upload_dated(y, monthly, d, "approved");
    struct th_resp *r = schedule(&unitadmin, unit1, y);
    th_assert_status(r, 200);
    json_t *m = leaf_of(r->json, monthly);
    check_period(m, "M1", "met", 1);
    for (int k = 2; k <= 12; k++) {
        char key[8];
        snprintf(key, sizeof key, "M%d", k);
        check_period(m, key, "not_due", 0);
    }
    json_t *q = leaf_of(r->json, quarterly);
    for (int k = 1; k <= 4; k++) {
        char key[8];
        snprintf(key, sizeof key, "Q%d", k);
        check_period(q, key, "not_due", 0);
    }
    th_resp_free(r);
}

/*
** This year (the demo archive, no documents in the monthly leaf): each month's state as
** computed here from today in Asia/Shanghai: overdue after the deadline (the month's end +
** 10 days), due soon within 14 days of it, else not yet due.  Asked again when the date
** changed during the request.
*/
static void
test_this_year(void **state)
{
    (void)state;
    for (int attempt = 0; attempt < 3; attempt++) {
        int64_t before = today_cst(NULL);
        struct th_resp *r = schedule(&unitadmin, unit1, this_year);
        int64_t after = today_cst(NULL);
        th_assert_status(r, 200);
        if (before != after) {
            th_resp_free(r);
            continue;
        }
        json_t *m = leaf_of(r->json, monthly);
        for (int k = 1; k <= 12; k++) {
            char key[8], dl[16];
            snprintf(key, sizeof key, "M%d", k);
            int64_t deadline = days_of(this_year, k + 1, 10); /* day 0 is the month's end */
            const char *want = before > deadline          ? "overdue"
                               : deadline - before <= 14 ? "due_soon"
                                                          : "not_due";
            check_period(m, key, want, 0);
            fmt_day(deadline, dl);
            assert_string_equal(th_jstr(period_of(m, key), "deadline"), dl);
        }
        th_resp_free(r);
        return;
    }
    fail_msg("the date kept changing");
}

/* Read like the archive: out of scope or no such year is 404, without a login 401. */
static void
test_scope(void **state)
{
    (void)state;
    struct th_resp *r = schedule(&unitadmin, unit2, this_year); /* another unit */
    th_assert_error(r, 404, "not_found", NULL);
    th_resp_free(r);
    r = schedule(&evaluator, unit1, this_year); /* no assignment */
    th_assert_status(r, 404);
    th_resp_free(r);
    r = schedule(&unitadmin, unit1, 2001); /* no archive that year */
    th_assert_status(r, 404);
    th_resp_free(r);
    r = schedule(NULL, unit1, this_year);
    th_assert_status(r, 401);
    th_resp_free(r);
    r = schedule(&admin, unit2, this_year);
    th_assert_status(r, 200);
    th_resp_free(r);
}

int
main(int argc, char **argv)
{
    if (!th_init(argc, argv)) {
        return 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_past_year), cmocka_unit_test(test_next_year),
        cmocka_unit_test(test_this_year), cmocka_unit_test(test_scope),
        cmocka_unit_test(test_graceful_stop),
    };
    int failed = cmocka_run_group_tests_name("schedule", tests, setup, teardown);
    th_done();
    return failed + th_teardown_failures;
}

/* end of test_http_schedule.c */
