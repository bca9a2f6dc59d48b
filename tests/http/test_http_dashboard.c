/*
** test_http_dashboard.c — the office's home (issue 9) over real HTTP against
** `wenming serve --demo`: the review backlog and its age, overdue periods per district and
** unit type, units that have not logged in, the lists they link to, and the schedule
** summary they are read from.
**
** The summary is kept at write time (src/core/schedule.c, wm_sched_touch): after a random
** sequence of uploads, date changes, submissions, approvals, returns, new versions, moves,
** deletions and restores, every met period it holds is the one the schedule API (computed
** from the documents) shows met, its counters add up, `wenming sched rebuild` finds nothing
** to change, and the dashboard's overdue count of each archive is the number of overdue
** periods the schedule API shows.
**
** The demo jurisdiction: the city office (account office) holds 市司法局 (DEMO001)
** directly, and three district offices; the account district belongs to 东城区文明办, which
** holds 青山镇 (DEMO013) but not 柳河镇 (DEMO014, 西湖区).  The archives are of 2020, so
** every deadline has passed whatever the day the test runs.
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

#define YEAR  2020
#define STEPS 160

static struct th_server srv;
static struct th_cred admin, office, district, unitadmin;
static int64_t units[3];    /* DEMO001 (the city's), DEMO013 (东城区), DEMO014 (西湖区) */
static int64_t archives[3]; /* their archives of YEAR */
static int64_t xihu;        /* 西湖区文明办, the office above 柳河镇 */
static char leaves[3][32];  /* a monthly leaf and two quarterly ones */
static unsigned seq;

static struct th_resp *
api(const char *method, const char *path, const struct th_cred *c, json_t *body_steal)
{
    char *body = body_steal ? th_jdump(body_steal) : NULL;
    struct th_resp *r = th_api(&srv, method, path, c, th_auth(c), body);
    free(body);
    return r;
}

static json_t *
get_json(const char *path, const struct th_cred *c)
{
    struct th_resp *r = api("GET", path, c, NULL);
    th_assert_status(r, 200);
    json_t *j = json_incref(r->json);
    th_resp_free(r);
    return j;
}

static const char *
user_table(void)
{
    return th_store_pg() ? "\"user\"" : "user";
}

/* ---------------------------------------------------------------- the random sequence */

struct doc {
    int64_t id;
    int unit; /* index into units[] */
};
static struct doc docs[STEPS];
static size_t ndocs;

static int64_t
upload(int u, const char *leaf)
{
    char path[160], tag[32];
    snprintf(path, sizeof path, "/api/v1/units/%lld/archives/%d/indicators/%s/documents",
             (long long)units[u], YEAR, leaf);
    snprintf(tag, sizeof tag, "工作台 %u", ++seq);
    struct bytes b = pdf_make(tag, 600);
    struct th_file f = {.name = "材料.pdf", .data = b.p, .len = b.n};
    struct th_resp *r = th_upload(&srv, path, &admin, 0, &f, 1, NULL);
    th_assert_status(r, 201);
    int64_t id = th_jint(json_array_get(json_object_get(r->json, "items"), 0), "id");
    th_resp_free(r);
    free(b.p);
    return id;
}

static void
new_version(int64_t id)
{
    char path[96], tag[32];
    snprintf(path, sizeof path, "/api/v1/documents/%lld/versions", (long long)id);
    snprintf(tag, sizeof tag, "新版本 %u", ++seq);
    struct bytes b = pdf_make(tag, 600);
    struct th_file f = {.name = "材料.pdf", .data = b.p, .len = b.n};
    th_resp_free(th_upload(&srv, path, &admin, 0, &f, 1, NULL));
    free(b.p);
}

/* A date formed: mostly in YEAR, sometimes the year before (no period of the archive). */
static void
set_date(int64_t id)
{
    char path[64], day[16];
    snprintf(path, sizeof path, "/api/v1/documents/%lld", (long long)id);
    snprintf(day, sizeof day, "%d-%02d-%02d", 0 == rand() % 8 ? YEAR - 1 : YEAR,
             1 + rand() % 12, 1 + rand() % 28);
    th_resp_free(api("PATCH", path, &admin, json_pack("{s:s}", "date_formed", day)));
}

static void
doc_op(int64_t id, const char *method, const char *what, json_t *body)
{
    char path[96];
    snprintf(path, sizeof path, "/api/v1/documents/%lld%s%s", (long long)id, *what ? "/" : "",
             what);
    th_resp_free(api(method, path, &admin, body)); /* a refusal (the wrong state) is fine */
}

static void
random_step(void)
{
    int op = rand() % 10;
    if (0 == ndocs || op < 2) {
        int u = rand() % 3;
        int64_t id = upload(u, leaves[rand() % 3]);
        docs[ndocs++] = (struct doc){.id = id, .unit = u};
        if (rand() % 4) {
            set_date(id);
        }
        return;
    }
    int64_t id = docs[(size_t)rand() % ndocs].id;
    switch (op) {
    case 2:
        set_date(id);
        break;
    case 3:
    case 4:
        doc_op(id, "POST", "submit", NULL);
        break;
    case 5:
    case 6:
        doc_op(id, "POST", "approve", NULL);
        break;
    case 7:
        doc_op(id, "POST", "return", json_pack("{s:s}", "comment", "请补充会议记录"));
        break;
    case 8:
        if (rand() % 2) {
            doc_op(id, "POST", "move", json_pack("{s:s}", "code", leaves[rand() % 3]));
        } else {
            new_version(id);
        }
        break;
    default:
        if (rand() % 2) {
            doc_op(id, "DELETE", "", NULL);
        } else {
            doc_op(id, "POST", "restore", NULL);
        }
        break;
    }
}

/* ---------------------------------------------------------------- comparisons */

static int
cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Lines of text, sorted, joined again (comparable as sets). */
static char *
sorted_lines(const char *text)
{
    char *copy = strdup(text ? text : ""), *v[4096];
    size_t n = 0;
    for (char *l = copy, *e; *l && n < 4096; l = e) {
        e = strchr(l, '\n');
        e = e ? (*e = '\0', e + 1) : l + strlen(l);
        if (*l) {
            v[n++] = l;
        }
    }
    qsort(v, n, sizeof *v, cmp_str);
    struct bytes out = {0};
    for (size_t i = 0; i < n; i++) {
        bytes_addf(&out, "%s\n", v[i]);
    }
    free(copy);
    char *s = out.p ? out.p : strdup("");
    return s;
}

/* What the schedule API (computed from the documents) shows for an archive: the met
** periods as "code/period" lines into *met, and how many periods are overdue. */
static int64_t
schedule_of(int u, char **met)
{
    char path[128];
    snprintf(path, sizeof path, "/api/v1/units/%lld/archives/%d/schedule", (long long)units[u],
             YEAR);
    json_t *s = get_json(path, &admin);
    struct bytes b = {0};
    int64_t overdue = 0;
    size_t i, j;
    json_t *leaf, *p;
    json_array_foreach(json_object_get(s, "leaves"), i, leaf)
    {
        json_array_foreach(json_object_get(leaf, "periods"), j, p)
        {
            if (0 == strcmp(th_jstr(p, "state"), "met")) {
                bytes_addf(&b, "%s/%s\n", th_jstr(leaf, "code"), th_jstr(p, "period"));
            }
            overdue += 0 == strcmp(th_jstr(p, "state"), "overdue");
        }
    }
    json_decref(s);
    *met = sorted_lines(b.p);
    free(b.p);
    return overdue;
}

static char *
query(const char *sql)
{
    char *out = NULL;
    assert_int_equal(th_store_query(&srv, sql, &out), 0);
    return out;
}

/* The whole summary as text (for before/after a rebuild). */
static char *
summary_dump(void)
{
    char *raw = query("SELECT archive_id, indicator_code, period, met_approved, met_submitted "
                      "FROM sched_met");
    char *a = sorted_lines(raw);
    free(raw);
    raw = query("SELECT archive_id, period, met_approved, met_submitted FROM sched_count "
                "WHERE met_approved <> 0 OR met_submitted <> 0");
    char *b = sorted_lines(raw);
    free(raw);
    struct bytes out = {0};
    bytes_addf(&out, "%s--\n%s", a, b);
    free(a);
    free(b);
    return out.p;
}

/* The dashboard's overdue count of each archive (0 when not listed). */
static int64_t
dash_overdue(const json_t *items, int64_t archive_id)
{
    size_t i;
    json_t *x;
    json_array_foreach(items, i, x)
    {
        if (th_jint(x, "archive_id") == archive_id) {
            return th_jint(x, "overdue");
        }
    }
    return 0;
}

/* ---------------------------------------------------------------- tests */

/* The summary equals the direct computation after a random sequence of writes. */
static void
test_summary_matches(void **state)
{
    (void)state;
    srand(20261202);
    for (int i = 0; i < STEPS; i++) {
        random_step();
    }
    char sql[256];
    char path[128];
    snprintf(path, sizeof path, "/api/v1/dashboard/overdue?year=%d", YEAR);
    json_t *ov = get_json(path, &admin);
    for (int u = 0; u < 3; u++) {
        char *met = NULL;
        int64_t overdue = schedule_of(u, &met);
        snprintf(sql, sizeof sql,
                 "SELECT indicator_code || '/' || period FROM sched_met WHERE archive_id = %lld "
                 "AND met_approved = 1",
                 (long long)archives[u]);
        char *raw = query(sql), *got = sorted_lines(raw);
        if (strcmp(met, got)) {
            fprintf(stderr, "archive %lld: the schedule shows met\n%s\nthe summary holds\n%s\n",
                    (long long)archives[u], met, got);
        }
        assert_string_equal(met, got);
        assert_int_equal(dash_overdue(json_object_get(ov, "items"), archives[u]), overdue);
        assert_true(overdue > 0); /* three leaves cannot all be met by chance */
        free(raw);
        free(got);
        free(met);
    }
    json_decref(ov);
    /* the counters add up to the leaves' flags */
    char *bad = query("SELECT count(*) FROM sched_count c WHERE c.met_approved <> "
                      "(SELECT count(*) FROM sched_met m WHERE m.archive_id = c.archive_id AND "
                      "m.period = c.period AND m.met_approved = 1) OR c.met_submitted <> "
                      "(SELECT count(*) FROM sched_met m WHERE m.archive_id = c.archive_id AND "
                      "m.period = c.period AND m.met_submitted = 1)");
    assert_string_equal(bad, "0\n");
    free(bad);
    bad = query("SELECT count(*) FROM sched_met m WHERE NOT EXISTS (SELECT 1 FROM sched_count c "
                "WHERE c.archive_id = m.archive_id AND c.period = m.period)");
    assert_string_equal(bad, "0\n");
    free(bad);
    /* a rebuild from the documents (submitted ones too) changes nothing */
    char *before = summary_dump();
    char *out = TH_RUN(0, "sched", "rebuild", "--data", srv.dir);
    free(out);
    char *after = summary_dump();
    assert_string_equal(before, after);
    free(before);
    free(after);
}

/* The backlog by age, for the city office and a district office, and the queue's filters
** that its links carry give the same numbers. */
static void
test_backlog(void **state)
{
    (void)state;
    /* every submitted document gets a known age: 1, 5, 10 or 20 days */
    static const int ages[] = {1, 5, 10, 20};
    json_t *q = get_json("/api/v1/reviews?state=submitted&limit=200", &admin);
    json_t *items = json_object_get(q, "items");
    assert_true(json_array_size(items) >= 4);
    int64_t want[2][5] = {{0}}; /* [city, district][total, lt3, d3_7, d7_14, gt14] */
    int64_t now = (int64_t)time(NULL);
    size_t i;
    json_t *x;
    json_array_foreach(items, i, x)
    {
        char sql[160];
        int k = (int)(i % 4);
        snprintf(sql, sizeof sql, "UPDATE document SET status_at = %lld WHERE id = %lld",
                 (long long)(now - ages[k] * 86400 - 60), (long long)th_jint(x, "id"));
        assert_int_equal(th_store_exec(&srv, sql), 0);
        for (int s = 0; s < 2; s++) {
            if (0 == s || th_jint(x, "unit_id") == units[1]) {
                want[s][0]++;
                want[s][1 + k]++;
            }
        }
    }
    json_decref(q);
    static const char *const keys[] = {"total", "lt3", "d3_7", "d7_14", "gt14"};
    static const char *const links[] = {"", "&age_max=3", "&age=3&age_max=7",
                                        "&age=7&age_max=14", "&age=14"};
    const struct th_cred *who[2] = {&office, &district};
    for (int s = 0; s < 2; s++) {
        json_t *d = get_json("/api/v1/dashboard", who[s]);
        json_t *bl = json_object_get(d, "backlog");
        for (int k = 0; k < 5; k++) {
            assert_int_equal(th_jint(bl, keys[k]), want[s][k]);
            char path[128];
            snprintf(path, sizeof path, "/api/v1/reviews?state=submitted&limit=200%s", links[k]);
            json_t *page = get_json(path, who[s]);
            assert_int_equal(json_array_size(json_object_get(page, "items")), want[s][k]);
            json_decref(page);
        }
        assert_non_null(strchr(th_jstr(bl, "oldest"), 'T')); /* RFC 3339 */
        json_decref(d);
    }
    /* the page shows the numbers with the links */
    struct th_req rq = {.method = "GET", .path = "/home", .cred = &office, .flags = TH_COOKIE};
    struct th_resp *r = th_do(&srv, &rq);
    th_assert_status(r, 200);
    char frag[160];
    snprintf(frag, sizeof frag,
             "href=\"/reviews?state=submitted&amp;age=3&amp;age_max=7\"><span class=\"n\">%lld<",
             (long long)want[0][2]);
    assert_non_null(strstr(r->body, frag));
    snprintf(frag, sizeof frag, "href=\"/reviews?state=submitted\"><span class=\"n\">%lld<",
             (long long)want[0][0]);
    assert_non_null(strstr(r->body, frag));
    th_resp_free(r);
}

/* Overdue per district and unit type: a district office sees its district only; the page
** shows what the API says, each number a link to the filtered list. */
static void
test_overdue_scope(void **state)
{
    (void)state;
    char path[160];
    snprintf(path, sizeof path, "/api/v1/dashboard?year=%d", YEAR);
    json_t *city = get_json(path, &office), *dist = get_json(path, &district);
    int64_t per[3];
    for (int u = 0; u < 3; u++) {
        char *met = NULL;
        per[u] = schedule_of(u, &met);
        free(met);
    }
    /* the district office: its own district only, its one archive of YEAR */
    json_t *ov = json_object_get(dist, "overdue");
    assert_int_equal(th_jint(ov, "total"), per[1]);
    assert_int_equal(json_array_size(json_object_get(ov, "by_district")), 1);
    /* the city office: at least the three archives, each in its district's row */
    ov = json_object_get(city, "overdue");
    assert_true(th_jint(ov, "total") >= per[0] + per[1] + per[2]);
    int64_t sum = 0;
    size_t i;
    json_t *g;
    json_array_foreach(json_object_get(ov, "by_district"), i, g)
    {
        sum += th_jint(g, "overdue");
        if (th_jint(g, "district_id") == xihu) {
            assert_true(th_jint(g, "overdue") >= per[2]);
        }
    }
    assert_int_equal(sum, th_jint(ov, "total"));
    sum = 0;
    json_array_foreach(json_object_get(ov, "by_unit_type"), i, g)
    {
        sum += th_jint(g, "overdue");
    }
    assert_int_equal(sum, th_jint(ov, "total"));
    json_decref(city);
    json_decref(dist);
    /* another district is not the district office's: 404, as everything out of scope */
    snprintf(path, sizeof path, "/api/v1/dashboard?district=%lld", (long long)xihu);
    struct th_resp *r = api("GET", path, &district, NULL);
    th_assert_status(r, 404);
    th_resp_free(r);
    snprintf(path, sizeof path, "/api/v1/dashboard/overdue?year=%d&district=%lld", YEAR,
             (long long)xihu);
    r = api("GET", path, &district, NULL);
    th_assert_status(r, 404);
    th_resp_free(r);
    /* the lists: the district office's holds 青山镇, never 柳河镇 */
    snprintf(path, sizeof path, "/api/v1/dashboard/overdue?year=%d", YEAR);
    json_t *l = get_json(path, &district);
    assert_int_equal(dash_overdue(json_object_get(l, "items"), archives[1]), per[1]);
    assert_int_equal(dash_overdue(json_object_get(l, "items"), archives[2]), 0);
    json_decref(l);
    snprintf(path, sizeof path, "/overdue?year=%d", YEAR);
    struct th_req rq = {.method = "GET", .path = path, .cred = &district, .flags = TH_COOKIE};
    r = th_do(&srv, &rq);
    th_assert_status(r, 200);
    assert_non_null(strstr(r->body, "青山镇"));
    assert_null(strstr(r->body, "柳河镇"));
    th_resp_free(r);
    /* the home page (this year) shows the API's numbers of this year, linked */
    json_t *d = get_json("/api/v1/dashboard", &office);
    rq.path = "/home";
    rq.cred = &office;
    r = th_do(&srv, &rq);
    th_assert_status(r, 200);
    json_array_foreach(json_object_get(json_object_get(d, "overdue"), "by_district"), i, g)
    {
        char frag[128];
        snprintf(frag, sizeof frag, "href=\"/overdue?district=%lld\">%lld</a>",
                 (long long)th_jint(g, "district_id"), (long long)th_jint(g, "overdue"));
        if (NULL == strstr(r->body, frag)) {
            fprintf(stderr, "the home page lacks %s\n", frag);
        }
        assert_non_null(strstr(r->body, frag));
    }
    json_array_foreach(json_object_get(json_object_get(d, "overdue"), "by_unit_type"), i, g)
    {
        char frag[160], enc[96];
        th_urlenc(th_jstr(g, "unit_type") ? th_jstr(g, "unit_type") : "", enc, sizeof enc);
        snprintf(frag, sizeof frag, "href=\"/overdue?unit_type=%s\">%lld</a>", enc,
                 (long long)th_jint(g, "overdue"));
        assert_non_null(strstr(r->body, frag));
    }
    th_resp_free(r);
    json_decref(d);
}

/* Units whose accounts have not logged in for 30 days (those without accounts too). */
static void
test_inactive(void **state)
{
    (void)state;
    char sql[512];
    int64_t now = (int64_t)time(NULL);
    /* everybody logged in yesterday, but 柳河镇's accounts 40 days ago */
    snprintf(sql, sizeof sql, "UPDATE %s SET last_login_at = %lld", user_table(),
             (long long)(now - 86400));
    assert_int_equal(th_store_exec(&srv, sql), 0);
    snprintf(sql, sizeof sql, "UPDATE %s SET last_login_at = %lld WHERE org_id = %lld",
             user_table(), (long long)(now - 40 * 86400), (long long)units[2]);
    assert_int_equal(th_store_exec(&srv, sql), 0);
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM org o WHERE o.kind = 'unit' AND NOT EXISTS (SELECT 1 FROM %s "
             "u WHERE u.org_id = o.id AND u.last_login_at >= %lld)",
             user_table(), (long long)(now - 30 * 86400));
    char *n = query(sql);
    json_t *d = get_json("/api/v1/dashboard", &office);
    char got[32];
    snprintf(got, sizeof got, "%lld\n",
             (long long)th_jint(json_object_get(d, "inactive"), "units"));
    assert_string_equal(got, n);
    free(n);
    json_decref(d);
    json_t *l = get_json("/api/v1/dashboard/inactive?days=30", &office);
    bool seen = false;
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(l, "items"), i, x)
    {
        if (th_jint(x, "id") == units[2]) {
            seen = true;
            /* null: never (a unit without accounts) */
            const char *at = json_string_value(json_object_get(x, "last_login_at"));
            assert_true(NULL == at || NULL != strchr(at, 'T'));
        }
        assert_true(th_jint(x, "id") != units[0]); /* 市司法局 has accounts */
    }
    assert_true(seen);
    json_decref(l);
    /* the district office does not see 柳河镇 */
    l = get_json("/api/v1/dashboard/inactive", &district);
    json_array_foreach(json_object_get(l, "items"), i, x)
    {
        assert_true(th_jint(x, "id") != units[2]);
    }
    json_decref(l);
    struct th_req rq = {.method = "GET", .path = "/inactive", .cred = &office, .flags = TH_COOKIE};
    struct th_resp *r = th_do(&srv, &rq);
    th_assert_status(r, 200);
    assert_non_null(strstr(r->body, "柳河镇"));
    th_resp_free(r);
    /* a login is recorded */
    struct th_cred again;
    memset(&again, 0, sizeof again);
    assert_int_equal(th_login(&srv, "unitadmin", TH_DEMO_PW, &again), 201);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM %s WHERE id = %lld AND last_login_at >= %lld",
             user_table(), (long long)again.user_id, (long long)now - 5);
    n = query(sql);
    assert_string_equal(n, "1\n");
    free(n);
}

/* A unit's account gets its own home, not this one; bad arguments are refused. */
static void
test_unit_home(void **state)
{
    (void)state;
    struct th_req rq = {.method = "GET", .path = "/home", .cred = &unitadmin, .flags = TH_COOKIE};
    struct th_resp *r = th_do(&srv, &rq);
    th_assert_status(r, 200);
    assert_null(strstr(r->body, "id=\"backlog\""));
    assert_null(strstr(r->body, "/overdue"));
    th_resp_free(r);
    r = api("GET", "/api/v1/dashboard", &unitadmin, NULL);
    th_assert_status(r, 403);
    th_resp_free(r);
    r = api("GET", "/api/v1/dashboard?year=abc", &office, NULL);
    th_assert_error(r, 400, "bad_request", "year");
    th_resp_free(r);
    r = api("GET", "/api/v1/dashboard?offset=999", &office, NULL);
    th_assert_error(r, 400, "bad_request", "offset");
    th_resp_free(r);
    /* a unit type with markup is text on the page */
    rq.path = "/overdue?unit_type=%3Cscript%3E";
    rq.cred = &office;
    r = th_do(&srv, &rq);
    th_assert_status(r, 200);
    assert_null(strstr(r->body, "<script>"));
    th_resp_free(r);
}

/* Each unit is counted with the review settings of its own office: 西湖区 counts submitted
** documents, the city does not; the city's dashboard agrees with each unit's schedule. */
static void
test_settings_per_unit(void **state)
{
    (void)state;
    /* submitted documents of 柳河镇 (西湖区) in every month of the monthly leaf */
    for (int m = 1; m <= 12; m++) {
        int64_t id = upload(2, leaves[0]);
        char path[64], day[16];
        snprintf(path, sizeof path, "/api/v1/documents/%lld", (long long)id);
        snprintf(day, sizeof day, "%d-%02d-15", YEAR, m);
        struct th_resp *r = api("PATCH", path, &admin, json_pack("{s:s}", "date_formed", day));
        th_assert_status(r, 200);
        th_resp_free(r);
        doc_op(id, "POST", "submit", NULL);
    }
    char *met = NULL;
    int64_t before = schedule_of(2, &met);
    free(met);
    char set[96], list[96];
    snprintf(set, sizeof set, "/api/v1/orgs/%lld/review-settings", (long long)xihu);
    struct th_resp *r = api("PUT", set, &admin, json_pack("{s:b}", "count_submitted", 1));
    th_assert_status(r, 200);
    th_resp_free(r);
    int64_t after = schedule_of(2, &met);
    free(met);
    assert_true(after < before); /* the submitted months count there now */
    int64_t city_unit = schedule_of(0, &met);
    free(met);
    snprintf(list, sizeof list, "/api/v1/dashboard/overdue?year=%d", YEAR);
    json_t *l = get_json(list, &office);
    assert_int_equal(dash_overdue(json_object_get(l, "items"), archives[2]), after);
    assert_int_equal(dash_overdue(json_object_get(l, "items"), archives[0]), city_unit);
    json_decref(l);
    /* a "what if" the caller asks for applies to every unit */
    snprintf(list, sizeof list, "/api/v1/dashboard/overdue?year=%d&count_submitted=0", YEAR);
    l = get_json(list, &office);
    assert_int_equal(dash_overdue(json_object_get(l, "items"), archives[2]), before);
    json_decref(l);
    r = api("PUT", set, &admin, json_pack("{s:b}", "count_submitted", 0));
    th_assert_status(r, 200);
    th_resp_free(r);
}

static void
test_graceful_stop(void **state)
{
    (void)state;
    assert_int_equal(th_server_stop(&srv), 0);
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
    } who[] = {{"admin", &admin},
               {"office", &office},
               {"district", &district},
               {"unitadmin", &unitadmin}};
    for (size_t i = 0; i < sizeof who / sizeof who[0]; i++) {
        if (201 != th_login(&srv, who[i].user, TH_DEMO_PW, who[i].c) ||
            th_make_token(&srv, who[i].c, "dashboard") <= 0) {
            return -1;
        }
    }
    static const char *const codes[] = {"DEMO001", "DEMO013", "DEMO014"};
    for (int u = 0; u < 3; u++) {
        units[u] = th_unit_id(&srv, &admin, codes[u]);
        if (0 == units[u] || !th_archive_create(&srv, &admin, units[u], YEAR)) {
            return -1;
        }
        char path[96];
        snprintf(path, sizeof path, "/api/v1/units/%lld/archives/%d", (long long)units[u], YEAR);
        struct th_resp *r = api("GET", path, &admin, NULL);
        archives[u] = th_jint(r->json, "id");
        if (0 == u) { /* a monthly and two quarterly leaves */
            size_t i;
            json_t *x;
            int nq = 0;
            json_array_foreach(json_object_get(r->json, "indicators"), i, x)
            {
                const char *f = th_jstr(x, "frequency");
                if (!th_jint(x, "leaf") || NULL == f) {
                    continue;
                }
                if (0 == strcmp(f, "monthly") && '\0' == *leaves[0]) {
                    snprintf(leaves[0], sizeof leaves[0], "%s", th_jstr(x, "code"));
                } else if (0 == strcmp(f, "quarterly") && nq < 2) {
                    snprintf(leaves[1 + nq++], sizeof leaves[0], "%s", th_jstr(x, "code"));
                }
            }
        }
        th_resp_free(r);
        if (0 == archives[u]) {
            return -1;
        }
    }
    if ('\0' == *leaves[0] || '\0' == *leaves[2]) {
        fprintf(stderr, "the demo standard lacks a monthly or two quarterly leaves\n");
        return -1;
    }
    char path[64];
    snprintf(path, sizeof path, "/api/v1/units/%lld", (long long)units[2]);
    struct th_resp *r = api("GET", path, &admin, NULL);
    xihu = th_jint(r->json, "parent_id");
    th_resp_free(r);
    return xihu ? 0 : -1;
}

static int
teardown(void **state)
{
    (void)state;
    return th_server_finish(&srv);
}

int
main(int argc, char **argv)
{
    if (!th_init(argc, argv)) {
        return 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_summary_matches), cmocka_unit_test(test_backlog),
        cmocka_unit_test(test_overdue_scope),   cmocka_unit_test(test_inactive),
        cmocka_unit_test(test_unit_home),       cmocka_unit_test(test_settings_per_unit),
        cmocka_unit_test(test_graceful_stop),
    };
    int failed = cmocka_run_group_tests_name("dashboard", tests, setup, teardown);
    th_done();
    return failed + th_teardown_failures;
}

/* end of test_http_dashboard.c */
