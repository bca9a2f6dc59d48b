/*
** test_html_valid.c — every page, as each kind of account sees it, is well-formed HTML:
** tidy reports no errors (its warnings about HTML5 attributes it does not know, such as
** aria-current and minlength, are not errors).  After cgit's t0010-validate-html.
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
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"

static struct th_server srv;

static int
group_setup(void **state)
{
    (void)state;
    return th_server_create(&srv, NULL) || th_server_start(&srv, NULL) ? -1 : 0;
}

static int
group_teardown(void **state)
{
    (void)state;
    th_server_destroy(&srv);
    return 0;
}

/* The number of errors tidy finds in html. */
static int
tidy_errors(const char *html, size_t len, const char *what)
{
    char path[] = "/tmp/wm-tidy-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, html, len), (ssize_t)len);
    close(fd);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "tidy -q -e %s 2>&1", path);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    char line[1024];
    int errors = 0;
    while (fgets(line, sizeof line, p)) {
        if (strstr(line, "Error:")) {
            errors++;
            print_error("%s: %s", what, line);
        }
    }
    pclose(p);
    unlink(path);
    return errors;
}

static void
test_pages_valid(void **state)
{
    (void)state;
    if (0 != system("command -v tidy >/dev/null 2>&1")) {
        skip();
    }
    static const char *const users[] = {"admin",  "office", "unitadmin",
                                        "member", "leader", "evaluator"};
    /* The demo's archive of this year (created with the demo data), and a year without one
    ** (its page offers the form that creates it). */
    time_t t = time(NULL) + 8 * 3600;
    struct tm tm;
    gmtime_r(&t, &tm);
    int year = tm.tm_year + 1900;
    char ar[6][64];
    snprintf(ar[0], sizeof ar[0], "/units/6/archives/%d", year);
    snprintf(ar[1], sizeof ar[1], "/units/6/archives/%d/leaf/1.1.1", year);
    snprintf(ar[2], sizeof ar[2], "/units/6/archives/%d/trash", year);
    snprintf(ar[3], sizeof ar[3], "/units/6/archives/%d/import", year);
    snprintf(ar[4], sizeof ar[4], "/units/6/archives/%d", year + 1);
    snprintf(ar[5], sizeof ar[5], "/units/6/archives/%d?all=1", year); /* all the leaves */
        /* A document submitted for review (returned once, with a comment, and submitted again):
    ** its page with the history, and the review view. */
    struct th_cred adm;
    memset(&adm, 0, sizeof adm);
    th_login_full(&srv, "admin", TH_DEMO_PW, &adm);
    char up[96], act[96], doc[2][48];
    snprintf(up, sizeof up, "/api/v1/units/6/archives/%d/indicators/1.1.1/documents", year);
    struct bytes pdf = pdf_make("html-valid", 300);
    struct th_file file = {.name = "a.pdf", .data = pdf.p, .len = pdf.n};
    struct th_resp *ur = th_upload(&srv, up, &adm, 0, &file, 1, NULL);
    th_assert_status(ur, 201);
    long long did = (long long)th_jint(json_array_get(json_object_get(ur->json, "items"), 0), "id");
    th_resp_free(ur);
    free(pdf.p);
    static const char *const steps[][2] = {
        {"submit", NULL}, {"return", "{\"comment\":\"<b>请补充</b>\"}"}, {"submit", NULL}};
    for (size_t i = 0; i < 3; i++) {
        snprintf(act, sizeof act, "/api/v1/documents/%lld/%s", did, steps[i][0]);
        struct th_resp *sr = th_api(&srv, "POST", act, &adm, th_auth(&adm), steps[i][1]);
        th_assert_status(sr, 200);
        th_resp_free(sr);
    }
    /* A round (issue 10) with a group, an assigned unit and a visit: its groups and visits
    ** pages, the evaluator's and the unit's homes with them. */
    char rpages[2][48];
    {
        struct th_cred oc, ec;
        memset(&oc, 0, sizeof oc);
        memset(&ec, 0, sizeof ec);
        assert_int_equal(th_login(&srv, "office", TH_DEMO_PW, &oc), 201);
        assert_int_equal(th_login(&srv, "evaluator", TH_DEMO_PW, &ec), 201);
        struct th_resp *fr = th_api(&srv, "GET", "/api/v1/frameworks?limit=50", &oc, TH_SESSION,
                                    NULL);
        long long ed = 0;
        size_t k;
        json_t *e;
        json_array_foreach(json_object_get(fr->json, "items"), k, e)
        {
            const char *total = th_jstr(e, "total");
            if (total && 0 == strcmp(total, "100") &&
                0 == strcmp(th_jstr(e, "status"), "published")) {
                ed = (long long)th_jint(e, "id");
            }
        }
        th_resp_free(fr);
        char body[512], path[96], fields[160], when[32];
        snprintf(body, sizeof body,
                 "{\"name\":\"第十五届测评\",\"level\":\"市级\",\"edition_id\":%lld,"
                 "\"window_start\":\"2026-03-01\",\"window_end\":\"2026-04-30\","
                 "\"years_from\":%d,\"years_to\":%d,\"pass_threshold\":\"85\","
                 "\"no_own_district\":true}",
                 ed, year - 1, year);
        fr = th_api(&srv, "POST", "/api/v1/rounds", &oc, TH_SESSION, body);
        th_assert_status(fr, 201);
        long long rid = (long long)th_jint(fr->json, "id");
        th_resp_free(fr);
        snprintf(path, sizeof path, "/api/v1/rounds/%lld/state", rid);
        fr = th_api(&srv, "POST", path, &oc, TH_SESSION, "{\"to\":\"open\"}");
        th_assert_status(fr, 200);
        th_resp_free(fr);
        snprintf(body, sizeof body,
                 "INSERT INTO round_entry(round_id, unit_id, kind, state, created_at, updated_at) "
                 "VALUES (%lld, 6, 'recheck', 'accepted', 1, 1)", rid);
        assert_int_equal(th_store_exec(&srv, body), 0);
        snprintf(path, sizeof path, "/rounds/%lld/groups", rid);
        snprintf(fields, sizeof fields, "name=%%E7%%94%%B2&leader_id=%lld", (long long)ec.user_id);
        fr = th_form(&srv, path, &oc, fields);
        th_assert_status(fr, 303);
        th_resp_free(fr);
        char *eid = NULL, *gid = NULL;
        snprintf(body, sizeof body, "SELECT id FROM round_entry WHERE round_id = %lld", rid);
        assert_int_equal(th_store_query(&srv, body, &eid), 0);
        snprintf(body, sizeof body, "SELECT id FROM eval_group WHERE round_id = %lld", rid);
        assert_int_equal(th_store_query(&srv, body, &gid), 0);
        long long entry = strtoll(eid, NULL, 10), group = strtoll(gid, NULL, 10);
        free(eid);
        free(gid);
        snprintf(path, sizeof path, "/rounds/%lld/assign", rid);
        snprintf(fields, sizeof fields, "entry_id=%lld&group_id=%lld", entry, group);
        fr = th_form(&srv, path, &oc, fields);
        th_assert_status(fr, 303);
        th_resp_free(fr);
        time_t vt = time(NULL) + 8 * 3600 + 2 * 86400;
        struct tm vtm;
        gmtime_r(&vt, &vtm);
        strftime(when, sizeof when, "%Y-%m-%dT%H%%3A%M", &vtm);
        snprintf(path, sizeof path, "/rounds/%lld/visits", rid);
        snprintf(fields, sizeof fields, "entry_id=%lld&starts_at=%s&place=%%3Cb%%3E", entry,
                 when);
        fr = th_form(&srv, path, &oc, fields);
        th_assert_status(fr, 303);
        assert_non_null(strstr(th_header(fr, "Location"), "ok="));
        th_resp_free(fr);
        snprintf(rpages[0], sizeof rpages[0], "/rounds/%lld/groups", rid);
        snprintf(rpages[1], sizeof rpages[1], "/rounds/%lld/visits", rid);
    }
    snprintf(doc[0], sizeof doc[0], "/documents/%lld", did);
    snprintf(doc[1], sizeof doc[1], "/reviews/%lld", did);
    /* issue 12, wmeet: a meeting of unit 6 with markup in its text, the unit's meetings */
    char meet[2][64];
    /* issue 12, winspect: an area of unit 6 (the member's department) and an inspection of
    ** it with a finding, as the unit's admin */
    char wpage[48];
    /* issue 12, work_rect: an open item and a done one of unit 6 (its pages show the forms
    ** of every next step), and the filtered list */
    char rect[3][64];
    {
        struct th_cred ua;
        memset(&ua, 0, sizeof ua);
        th_login_full(&srv, "unitadmin", TH_DEMO_PW, &ua);
        struct th_resp *mr = th_api(&srv, "GET", "/api/v1/units/6/work/meeting-kinds", &ua,
                                    th_auth(&ua), NULL);
        th_assert_status(mr, 200);
        long long kind = (long long)th_jint(json_array_get(json_object_get(mr->json, "items"), 0),
                                            "id");
        th_resp_free(mr);
        char mb[300];
        snprintf(mb, sizeof mb,
                 "{\"kind_id\":%lld,\"held_on\":\"%d-03-02\",\"title\":\"<b>第一季度</b>会\","
                 "\"place\":\"会议室\",\"attendees\":\"张三\\n李四\",\"minutes\":\"一、<i>传达</i>\"}",
                 kind, year);
        mr = th_api(&srv, "POST", "/api/v1/units/6/work/meetings", &ua, th_auth(&ua), mb);
        th_assert_status(mr, 201);
        snprintf(meet[0], sizeof meet[0], "/work/meetings/%lld", (long long)th_jint(mr->json, "id"));
        th_resp_free(mr);
        snprintf(meet[1], sizeof meet[1], "/units/6/work/meetings?year=%d", year);
        struct th_resp *wr = th_api(&srv, "GET", "/api/v1/units/6/depts", &ua, th_auth(&ua), NULL);
        json_t *dl = json_is_array(wr->json) ? wr->json : json_object_get(wr->json, "items");
        char wb[256];
        snprintf(wb, sizeof wb, "{\"name\":\"<b>大门口</b>\",\"category\":\"门前三包\","
                 "\"dept_id\":%lld}", (long long)th_jint(json_array_get(dl, 0), "id"));
        th_resp_free(wr);
        wr = th_api(&srv, "POST", "/api/v1/units/6/work/areas", &ua, th_auth(&ua), wb);
        th_assert_status(wr, 201);
        long long area = (long long)th_jint(wr->json, "id");
        th_resp_free(wr);
        snprintf(wb, sizeof wb, "{\"note\":\"<i>周检</i>\",\"checks\":[{\"area_id\":%lld,"
                 "\"result\":\"fix\",\"note\":\"<b>烟头</b>\"}]}", area);
        wr = th_api(&srv, "POST", "/api/v1/units/6/work/inspections", &ua, th_auth(&ua), wb);
        th_assert_status(wr, 201);
        snprintf(wpage, sizeof wpage, "/work/inspections/%lld", (long long)th_jint(wr->json, "id"));
        th_resp_free(wr);
        for (int i = 0; i < 2; i++) {
            char rb[300];
            snprintf(rb, sizeof rb,
                     "{\"source\":\"self_check\",\"year\":%d,\"indicator_code\":\"1.1.1\","
                     "\"problem\":\"<b>门前</b>堆放杂物\\n第二行\",\"corrective\":\"清理\","
                     "\"due_on\":\"2020-01-01\"}",
                     year);
            struct th_resp *rr = th_api(&srv, "POST", "/api/v1/rectifications", &ua, th_auth(&ua),
                                        rb);
            th_assert_status(rr, 201);
            snprintf(rect[i], sizeof rect[i], "/rectifications/%lld",
                     (long long)th_jint(rr->json, "id"));
            th_resp_free(rr);
        }
        char dp[96];
        snprintf(dp, sizeof dp, "/api/v1%s/done", rect[1]);
        struct th_resp *rr = th_api(&srv, "POST", dp, &ua, th_auth(&ua), "{\"note\":\"已清理\"}");
        th_assert_status(rr, 200);
        th_resp_free(rr);
        snprintf(rect[2], sizeof rect[2], "/rectifications?overdue=1&source=self_check&year=%d",
                 year);
    }
    /* issue 13, dat70: the 四性检测 page of the demo archive, before and after a run */
    char chk[64];
    snprintf(chk, sizeof chk, "/units/6/archives/%d/check", year);
    {
        struct th_req q = {.method = "GET", .path = chk, .cred = &adm, .flags = TH_COOKIE};
        struct th_resp *cr = th_do(&srv, &q);
        th_assert_status(cr, 200);
        assert_int_equal(tidy_errors(cr->body, cr->len, "the 四性检测 page, never run"), 0);
        th_resp_free(cr);
    }
    {
        char cp[96];
        snprintf(cp, sizeof cp, "/api/v1/units/6/archives/%d/check", year);
        struct th_resp *cr = th_api(&srv, "POST", cp, &adm, th_auth(&adm), NULL);
        th_assert_status(cr, 202);
        th_resp_free(cr);
        for (int k = 0; k < 600; k++) {
            cr = th_api(&srv, "GET", cp, &adm, th_auth(&adm), NULL);
            bool running = 0 == strcmp(th_jstr(cr->json, "state"), "running");
            th_resp_free(cr);
            if (!running) {
                break;
            }
            struct timespec ts = {0, 100 * 1000 * 1000};
            nanosleep(&ts, NULL);
        }
    }
    const char *const pages[] = {
        /* issue 12, wmeet */
        "/units/6/work/meetings", meet[0], meet[1],
        "/login", "/home", "/orgs", "/units", "/units/6", "/units/import", "/users", "/users/2",
        "/account", "/inbox", "/inbox?unread=1", "/audit", "/practice", "/frameworks", "/frameworks/1", "/frameworks/2", ar[0], ar[1],
        ar[2], ar[3], ar[4], ar[5], "/password", "/no-such-page", "/units/999999", "/overdue",
        "/inactive", "/overdue?unit_type=%E5%AD%A6%E6%A0%A1", "/guidance",
        "/guidance?state=closed", "/reviews",
        /* search (issue 11): the empty page, hits with facets, a filter on, a bad query */
        "/search", "/search?q=%E6%96%87%E6%98%8E", "/search?q=%E6%96%87%E6%98%8E&kind=indicator",
        "/search?q=%E6%96%87%E6%98%8E&year=2025&from=2025-01-01", "/search?q=%22%22",
        "/search?q=%E6%96%87%E6%98%8E&year=abc",
        "/orgs/2/review-settings", doc[0], doc[1], "/titles", "/titles?state=revoked&q=%3Cb%3E",
        /* the demo's round (issue 10): open, with a declared and a recommended entry */
        "/rounds", "/rounds/1", "/rounds/1/entries", "/rounds/1/entries?state=declared",
        "/rounds/1/stats", "/rounds/999999", "/rounds/1/results", "/rounds/1/objections",
        "/rectifications", "/rectifications?state=open", rpages[0], rpages[1],
        /* the creation work (issue 12, wplan), with the records made below */
        "/units/6/work/group", "/units/6/work/group?on=2020-01-01", "/units/6/work/plan",
        "/units/6/work/tasks", "/units/6/work/tasks?state=overdue", "/units/6/work/settings",
        /* issue 12, woverview: a unit's hub, the office's overview (filtered, by overdue) */
        "/units/6/work", "/units/6/work?year=2025", "/work/overview",
        "/work/overview?sort=overdue&unit_type=%E5%AD%A6%E6%A0%A1",
        /* issue 12, winspect: areas, inspections by week, the phone form, one inspection */
        "/units/6/work/areas", "/units/6/work/inspections", "/units/6/work/inspections/new",
        wpage,
        /* issue 12, work_rect */
        rect[0], rect[1], rect[2],
        /* issue 13, totp: the second factor not yet set up (its other states below) */
        "/account/2fa",
        /* issue 13, dat70 */
        chk};
    /* a title of unit 6 (shown on /titles and on /units/6) */
    struct th_resp *tr = th_api(&srv, "POST", "/api/v1/titles", &adm, th_auth(&adm),
                                "{\"unit_id\": 6, \"title\": \"第十四届<b>市级</b>文明单位\", "
                                "\"level\": \"市级\", \"award_doc\": \"某文明委〔2021〕3号\", "
                                "\"awarded_on\": \"2021-03-05\", \"valid_until\": \"2024-03-04\"}");
    th_assert_status(tr, 201);
    th_resp_free(tr);
    /* The leaf page with a guidance conversation in it (messages of both sides). */
    struct th_cred gc;
    memset(&gc, 0, sizeof gc);
    assert_int_equal(th_login(&srv, "member", TH_DEMO_PW, &gc), 201);
    char gpath[96];
    snprintf(gpath, sizeof gpath, "/api/v1/units/6/archives/%d/indicators/1.1.1/guidance", year);
    struct th_resp *gr = th_api(&srv, "POST", gpath, &gc, TH_SESSION,
                                "{\"text\":\"请问 <b>本项</b> 要交哪些材料？\\n谢谢\"}");
    th_assert_status(gr, 201);
    th_resp_free(gr);
    assert_int_equal(th_login(&srv, "office", TH_DEMO_PW, &gc), 201);
    gr = th_api(&srv, "POST", gpath, &gc, TH_SESSION, "{\"text\":\"会议纪要和照片。\"}");
    th_assert_status(gr, 201);
    th_resp_free(gr);
    /* Scoring (issue 10): a round evaluating with unit 6 in a group the evaluator leads and
    ** scores in (the group made in the store: its API is another part of the issue). */
    struct th_cred ev, off;
    memset(&ev, 0, sizeof ev);
    memset(&off, 0, sizeof off);
    th_login_full(&srv, "evaluator", TH_DEMO_PW, &ev);
    th_login_full(&srv, "office", TH_DEMO_PW, &off);
    struct th_resp *fr = th_api(&srv, "GET", "/api/v1/frameworks?limit=50", &off, th_auth(&off),
                                NULL);
    long long edition = 0;
    size_t fi;
    json_t *fe;
    json_array_foreach(json_object_get(fr->json, "items"), fi, fe)
    {
        if (0 == strcmp(th_jstr(fe, "total"), "100") &&
            0 == strcmp(th_jstr(fe, "status"), "published")) {
            edition = (long long)th_jint(fe, "id");
        }
    }
    th_resp_free(fr);
    char body[600], sql[1200], sc[3][96];
    snprintf(body, sizeof body,
             "{\"name\":\"评分页面测评\",\"level\":\"市级\",\"edition_id\":%lld,"
             "\"window_start\":\"2026-03-01\",\"window_end\":\"2026-04-30\","
             "\"years_from\":%d,\"years_to\":%d,\"pass_threshold\":\"60\"}",
             edition, year - 1, year);
    fr = th_api(&srv, "POST", "/api/v1/rounds", &off, th_auth(&off), body);
    th_assert_status(fr, 201);
    long long rid = (long long)th_jint(fr->json, "id");
    th_resp_free(fr);
    snprintf(act, sizeof act, "/api/v1/rounds/%lld/state", rid);
    fr = th_api(&srv, "POST", act, &off, th_auth(&off), "{\"to\":\"open\"}");
    th_assert_status(fr, 200);
    th_resp_free(fr);
    snprintf(sql, sizeof sql,
             "INSERT INTO eval_group(round_id, name, leader_id, created_at) SELECT %lld, '第一组', "
             "id, 0 FROM \"user\" WHERE username = 'evaluator'; "
             "INSERT INTO eval_group_member(group_id, user_id) SELECT g.id, g.leader_id FROM "
             "eval_group g WHERE g.round_id = %lld; "
             "INSERT INTO round_entry(round_id, unit_id, kind, state, group_id, created_at, "
             "updated_at) SELECT %lld, 6, 'recheck', 'accepted', id, 0, 0 FROM eval_group "
             "WHERE round_id = %lld;",
             rid, rid, rid, rid);
    assert_int_equal(th_store_exec(&srv, sql), 0);
    fr = th_api(&srv, "POST", act, &off, th_auth(&off), "{\"to\":\"evaluating\"}");
    th_assert_status(fr, 200);
    th_resp_free(fr);
    char *eid_text = NULL;
    snprintf(sql, sizeof sql, "SELECT id FROM round_entry WHERE round_id = %lld", rid);
    assert_int_equal(th_store_query(&srv, sql, &eid_text), 0);
    long long eid = strtoll(eid_text ? eid_text : "0", NULL, 10);
    free(eid_text);
    snprintf(act, sizeof act, "/api/v1/rounds/%lld/entries/%lld/sheet", rid, eid);
    snprintf(body, sizeof body,
             "{\"scores\":[{\"code\":\"1.1.1\",\"deductions\":[{\"reason\":\"<b>缺</b>纪要\","
             "\"points\":\"0.5\"}],\"evidence\":[%lld],\"comment\":\"<i>好</i>\"},"
             "{\"code\":\"1.1.2\",\"grade\":\"B\"},{\"code\":\"3.2.2\",\"veto\":true,"
             "\"veto_reason\":\"事故\"}]}",
             did);
    fr = th_api(&srv, "POST", act, &ev, th_auth(&ev), body);
    th_assert_status(fr, 200);
    assert_int_equal(th_jint(fr->json, "saved"), 3);
    th_resp_free(fr);
    snprintf(sc[0], sizeof sc[0], "/rounds/%lld/entries/%lld/sheet", rid, eid);
    snprintf(sc[1], sizeof sc[1], "/rounds/%lld/progress", rid);
    snprintf(sc[2], sizeof sc[2], "/rounds/%lld/entries/%lld/reconcile", rid, eid);
    int errors = 0, checked = 0;
    for (size_t i = 0; i < 3; i++) {
        struct th_req q = {.method = "GET", .path = sc[i], .cred = &ev, .flags = TH_COOKIE};
        struct th_resp *r = th_do(&srv, &q);
        th_assert_status(r, 200);
        char what[200];
        snprintf(what, sizeof what, "%.100s as evaluator", sc[i]);
        errors += tidy_errors(r->body, r->len, what);
        checked++;
        th_resp_free(r);
    }
    /* The creation work of unit 6 (issue 12, wplan): a plan with stages, a group with a
    ** member by account and one by name, duties, and an overdue task of the member's
    ** department (its home lists it), all with markup in the text. */
    {
        struct th_cred ua;
        memset(&ua, 0, sizeof ua);
        th_login_full(&srv, "unitadmin", TH_DEMO_PW, &ua);
        struct th_resp *dr = th_api(&srv, "GET", "/api/v1/units/6/depts", &ua, th_auth(&ua), NULL);
        json_t *dl = json_is_array(dr->json) ? dr->json : json_object_get(dr->json, "items");
        long long dept = (long long)th_jint(json_array_get(dl, 0), "id");
        th_resp_free(dr);
        char wb[600], wp[96];
        snprintf(wp, sizeof wp, "/api/v1/units/6/work/plans/%d", year);
        snprintf(wb, sizeof wb,
                 "{\"title\":\"<b>计划</b>\",\"goals\":\"创成<i>文明单位</i>\\n巩固\","
                 "\"stages\":[{\"name\":\"宣传发动\",\"starts_on\":\"%d-01-01\","
                 "\"ends_on\":\"%d-12-31\"}]}",
                 year, year);
        const char *const calls[][3] = {
            {"PUT", wp, wb},
            {"POST", "/api/v1/units/6/work/members",
             "{\"body\":\"group\",\"role\":\"leader\",\"name\":\"<b>张</b>\","
             "\"post\":\"局长\",\"from_on\":\"2019-01-01\"}"},
            {"POST", "/api/v1/units/6/work/members",
             "{\"body\":\"office\",\"role\":\"director\",\"name\":\"李\"}"},
            {"PUT", "/api/v1/units/6/work/duties/group", "{\"text\":\"<b>统筹</b>\\n研究\"}"},
        };
        for (size_t i = 0; i < sizeof calls / sizeof calls[0]; i++) {
            struct th_resp *wr = th_api(&srv, calls[i][0], calls[i][1], &ua, th_auth(&ua),
                                        calls[i][2]);
            assert_true(200 == wr->status || 201 == wr->status);
            th_resp_free(wr);
        }
        snprintf(wb, sizeof wb,
                 "{\"year\":%d,\"title\":\"<b>宣传栏</b>\",\"dept_id\":%lld,"
                 "\"due_on\":\"%d-01-01\",\"leaves\":[\"1.1.1\"]}",
                 year, dept, year);
        struct th_resp *wr = th_api(&srv, "POST", "/api/v1/units/6/work/tasks", &ua,
                                    th_auth(&ua), wb);
        th_assert_status(wr, 201);
        th_resp_free(wr);
    }
    for (size_t u = 0; u < sizeof users / sizeof users[0]; u++) {
        struct th_cred c;
        memset(&c, 0, sizeof c);
        assert_int_equal(th_login(&srv, users[u], TH_DEMO_PW, &c), 201);
        for (size_t i = 0; i < sizeof pages / sizeof pages[0]; i++) {
            struct th_req q = {.method = "GET", .path = pages[i], .cred = &c, .flags = TH_COOKIE};
            struct th_resp *r = th_do(&srv, &q);
            if (r->len && strstr(r->body, "<!DOCTYPE html>")) {
                char what[160];
                snprintf(what, sizeof what, "%s as %s", pages[i], users[u]);
                errors += tidy_errors(r->body, r->len, what);
                checked++;
            }
            th_resp_free(r);
        }
    }
    /* issue 13, totp: /account/2fa with an enrolment waiting (the QR code as inline SVG),
    ** and the second step of signing in (/login/2fa, shown while a wm_2fa cookie is there) */
    {
        struct th_cred tc;
        memset(&tc, 0, sizeof tc);
        assert_int_equal(th_login(&srv, "evaluator", TH_DEMO_PW, &tc), 201);
        struct th_resp *r = th_form(&srv, "/account/2fa/start", &tc, "");
        th_assert_status(r, 303);
        th_resp_free(r);
        r = th_do(&srv, &(struct th_req){.method = "GET", .path = "/account/2fa", .cred = &tc,
                                         .flags = TH_COOKIE});
        th_assert_status(r, 200);
        assert_non_null(strstr(r->body, "<svg"));
        errors += tidy_errors(r->body, r->len, "/account/2fa (enrolling) as evaluator");
        checked++;
        th_resp_free(r);
        r = th_do(&srv, &(struct th_req){.method = "GET", .path = "/login/2fa",
                                         .cookies = "wm_2fa=1.x"});
        th_assert_status(r, 200);
        errors += tidy_errors(r->body, r->len, "/login/2fa");
        checked++;
        th_resp_free(r);
    }
    assert_int_equal(errors, 0);
    assert_true(checked >= 60); /* pages, error pages and 403 pages of five accounts */
    /* and tidy does find errors: a broken page is caught */
    static const char broken[] = "<!DOCTYPE html><html><head><title>x</title></head><body>"
                                 "<bogus>x</bogus></body></html>";
    assert_true(tidy_errors(broken, sizeof broken - 1, "a broken page (expected)") > 0);
}

int
main(int argc, char **argv)
{
    if (!th_init(argc, argv)) {
        return 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pages_valid),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}

/* end of test_html_valid.c */
