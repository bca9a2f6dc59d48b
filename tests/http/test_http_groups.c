/*
** test_http_groups.c — evaluation groups, assignments, visits and the evaluators' access to
** assigned units' archives (测评组, 走访; issue 10) over real HTTP against `wenming serve
** --demo`: group changes and who may make them; the own-district rule; the 12-hour notice
** (11 h 59 min refused with the earliest allowed time, 12 h 01 min accepted); the unit's
** notification in its inbox and the e-mail sent at once (an SMTP sink on 127.0.0.1); the
** unit's home showing the visit; an evaluator reading an assigned unit's archive of a
** materials year only while the round is evaluating, nothing else, and writing nothing.
**
** The demo: the city office holds 市司法局 (DEMO001) directly; 东城区文明办 (the account
** district) holds 青山镇 (DEMO013); 西湖区文明办 holds 柳河镇 (DEMO014).  The evaluator account
** is at the city office; an evaluator of 东城区 is made here.  Entries are written into the
** store directly (accepted rechecks): declarations have their own tests (http_rounds).
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* cmocka.h needs these before it (clang-format would sort them after it). */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
/* clang-format on */

#include "harness.h"
#include "smtp_sink.h"

static struct th_server srv;
static struct smtp_sink *sink;
static struct th_cred admin, office, district, evaluator, dceval, unitadmin, qsadmin, qsmember;
static int64_t unit1, qingshan, liuhe, edition;
static unsigned seq;

static struct th_resp *
api(const char *method, const char *path, const struct th_cred *c, json_t *body_steal)
{
    char *body = body_steal ? th_jdump(body_steal) : NULL;
    struct th_resp *r = th_api(&srv, method, path, c, th_auth(c), body);
    free(body);
    return r;
}

static void
want(const char *method, const char *path, const struct th_cred *c, json_t *body_steal,
     long status)
{
    struct th_resp *r = api(method, path, c, body_steal);
    th_assert_status(r, status);
    th_resp_free(r);
}

static struct th_resp *
page(const char *path, const struct th_cred *c)
{
    struct th_req q = {.method = "GET", .path = path, .cred = c, .flags = TH_COOKIE};
    return th_do(&srv, &q);
}

static long
page_status(const char *path, const struct th_cred *c)
{
    struct th_resp *r = page(path, c);
    long st = r->status;
    th_resp_free(r);
    return st;
}

static long
api_status(const char *method, const char *path, const struct th_cred *c)
{
    struct th_resp *r = api(method, path, c, NULL);
    long st = r->status;
    th_resp_free(r);
    return st;
}

/* One integer the store answers (th_store_query); -1 when none. */
static int64_t
sql_int(const char *fmt, ...)
{
    char sql[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sql, sizeof sql, fmt, ap);
    va_end(ap);
    char *out = NULL;
    int rc = th_store_query(&srv, sql, &out);
    int64_t v = (0 == rc && out && *out) ? strtoll(out, NULL, 10) : -1;
    free(out);
    return v;
}

static void
url_decode(const char *s, char *out, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; s[i] && k + 1 < n; i++) {
        if ('%' == s[i] && s[i + 1] && s[i + 2]) {
            char h[3] = {s[i + 1], s[i + 2], 0};
            out[k++] = (char)strtol(h, NULL, 16);
            i += 2;
        } else {
            out[k++] = '+' == s[i] ? ' ' : s[i];
        }
    }
    out[k] = '\0';
}

/*
** A form POST as c: want_ok true expects the success redirect ("ok="); false expects the
** redirect with an error whose message (the flash cookie) contains msg (NULL: any).  A
** number > 0 as want_status expects that status instead (403, 404).
*/
static void
form_at(const char *path, const struct th_cred *c, const char *fields, long want_status,
        bool want_ok, const char *msg, int line)
{
    struct th_resp *r = th_form(&srv, path, c, fields);
    if (want_status > 0) {
        if (r->status != want_status) {
            fprintf(stderr, "line %d: POST %s: HTTP %ld, want %ld\n", line, path, r->status,
                    want_status);
        }
        th_assert_status(r, want_status);
        th_resp_free(r);
        return;
    }
    const char *loc = th_header(r, "Location");
    char value[2048] = "", attrs[256], text[2048] = "";
    if (th_set_cookie(r, "wm_flash", value, sizeof value, attrs, sizeof attrs)) {
        url_decode(value, text, sizeof text);
    }
    if (303 != r->status || NULL == loc || NULL == strstr(loc, want_ok ? "ok=" : "err=") ||
        (msg && NULL == strstr(text, msg))) {
        fprintf(stderr, "line %d: POST %s [%s]: HTTP %ld, Location %s, message %s\n", line,
                path, fields, r->status, loc ? loc : "-", text);
        fail();
    }
    th_resp_free(r);
}
#define FORM_OK(path, c, fields)       form_at(path, c, fields, 0, true, NULL, __LINE__)
#define FORM_ERR(path, c, fields, msg) form_at(path, c, fields, 0, false, msg, __LINE__)
#define FORM_STATUS(path, c, fields, st) form_at(path, c, fields, st, false, NULL, __LINE__)

static long
transition(int64_t id, const char *to)
{
    char path[64];
    snprintf(path, sizeof path, "/api/v1/rounds/%lld/state", (long long)id);
    struct th_resp *r = api("POST", path, &office, json_pack("{s:s}", "to", to));
    long st = r->status;
    th_resp_free(r);
    return st;
}

/* An open round of the city's standard (materials 2024–2025). */
static int64_t
round_new(bool no_own_district)
{
    char name[64];
    snprintf(name, sizeof name, "测评组测试 %u", ++seq);
    struct th_resp *r = api("POST", "/api/v1/rounds", &office,
                            json_pack("{s:s, s:s, s:I, s:s, s:s, s:i, s:i, s:s, s:b}", "name",
                                      name, "level", "市级", "edition_id", (json_int_t)edition,
                                      "window_start", "2026-03-01", "window_end", "2026-04-30",
                                      "years_from", 2024, "years_to", 2025, "pass_threshold",
                                      "85", "no_own_district", no_own_district));
    th_assert_status(r, 201);
    int64_t id = th_jint(r->json, "id");
    th_resp_free(r);
    assert_int_equal(transition(id, "open"), 200);
    return id;
}

/* An accepted recheck of unit in the round (written into the store); its id. */
static int64_t
entry_add(int64_t round, int64_t unit)
{
    char sql[256];
    snprintf(sql, sizeof sql,
             "INSERT INTO round_entry(round_id, unit_id, kind, state, created_at, updated_at) "
             "VALUES (%lld, %lld, 'recheck', 'accepted', 1, 1)",
             (long long)round, (long long)unit);
    assert_int_equal(th_store_exec(&srv, sql), 0);
    return sql_int("SELECT id FROM round_entry WHERE round_id = %lld AND unit_id = %lld",
                   (long long)round, (long long)unit);
}

static int64_t
group_id(int64_t round, const char *name)
{
    return sql_int("SELECT id FROM eval_group WHERE round_id = %lld AND name = '%s'",
                   (long long)round, name);
}

/* The office makes a group of the round led by leader; its id. */
static int64_t
group_new(int64_t round, const char *name, const struct th_cred *leader)
{
    char path[64], fields[256], enc[128];
    snprintf(path, sizeof path, "/rounds/%lld/groups", (long long)round);
    th_urlenc(name, enc, sizeof enc);
    snprintf(fields, sizeof fields, "name=%s&leader_id=%lld", enc, (long long)leader->user_id);
    FORM_OK(path, &office, fields);
    int64_t id = group_id(round, name);
    assert_true(id > 0);
    return id;
}

static void
assign(int64_t round, int64_t entry, int64_t group, const char *err)
{
    char path[64], fields[96];
    snprintf(path, sizeof path, "/rounds/%lld/assign", (long long)round);
    snprintf(fields, sizeof fields, "entry_id=%lld&group_id=%lld", (long long)entry,
             (long long)group);
    if (err) {
        FORM_ERR(path, &office, fields, err);
    } else {
        FORM_OK(path, &office, fields);
    }
}

static void
member(int64_t round, int64_t group, const struct th_cred *who, bool remove, const char *err)
{
    char path[96], fields[96];
    snprintf(path, sizeof path, "/rounds/%lld/groups/%lld/members", (long long)round,
             (long long)group);
    snprintf(fields, sizeof fields, "user_id=%lld%s", (long long)who->user_id,
             remove ? "&remove=1" : "");
    if (err) {
        FORM_ERR(path, &office, fields, err);
    } else {
        FORM_OK(path, &office, fields);
    }
}

/* ---------------------------------------------------------------- groups */

static void
test_groups(void **state)
{
    (void)state;
    int64_t round = round_new(false);
    int64_t e1 = entry_add(round, unit1);
    char path[96], fields[160];
    snprintf(path, sizeof path, "/rounds/%lld/groups", (long long)round);
    int64_t g = group_new(round, "第一测评组", &evaluator);
    /* the leader is a member */
    assert_int_equal(sql_int("SELECT count(*) FROM eval_group_member WHERE group_id = %lld "
                             "AND user_id = %lld",
                             (long long)g, (long long)evaluator.user_id),
                     1);
    /* a name taken, a leader who is no evaluator, no leader */
    snprintf(fields, sizeof fields, "name=%%E7%%AC%%AC%%E4%%B8%%80%%E6%%B5%%8B%%E8%%AF%%84%%E7%%BB%%84"
                                    "&leader_id=%lld", (long long)evaluator.user_id);
    FORM_ERR(path, &office, fields, "同名");
    snprintf(fields, sizeof fields, "name=x&leader_id=%lld", (long long)unitadmin.user_id);
    FORM_ERR(path, &office, fields, "不是可用的测评员账号");
    FORM_ERR(path, &office, "name=x", "账号不存在");
    /* who may: the round's office only (a district office sees the round: 403), never an
    ** evaluator or a unit (403) */
    snprintf(fields, sizeof fields, "name=y&leader_id=%lld", (long long)evaluator.user_id);
    FORM_STATUS(path, &district, fields, 403);
    FORM_STATUS(path, &evaluator, fields, 403);
    FORM_STATUS(path, &unitadmin, fields, 403);
    /* members: add, remove; the leader stays */
    member(round, g, &dceval, false, NULL);
    member(round, g, &dceval, false, "已是该组成员");
    member(round, g, &unitadmin, false, "不是可用的测评员账号");
    member(round, g, &dceval, true, NULL);
    member(round, g, &evaluator, true, "组长不能移出");
    /* rename and a new leader (who joins); a name taken */
    int64_t g2 = group_new(round, "第二测评组", &evaluator);
    char gpath[96];
    snprintf(gpath, sizeof gpath, "/rounds/%lld/groups/%lld", (long long)round, (long long)g2);
    snprintf(fields, sizeof fields, "name=%%E4%%B9%%99%%E7%%BB%%84&leader_id=%lld",
             (long long)dceval.user_id);
    FORM_STATUS(gpath, &district, fields, 403);
    FORM_OK(gpath, &office, fields);
    assert_int_equal(group_id(round, "乙组"), g2);
    assert_int_equal(sql_int("SELECT leader_id FROM eval_group WHERE id = %lld", (long long)g2),
                     dceval.user_id);
    assert_int_equal(sql_int("SELECT count(*) FROM eval_group_member WHERE group_id = %lld",
                             (long long)g2),
                     2);
    snprintf(fields, sizeof fields, "name=%%E7%%AC%%AC%%E4%%B8%%80%%E6%%B5%%8B%%E8%%AF%%84%%E7%%BB%%84"
                                    "&leader_id=%lld", (long long)dceval.user_id);
    FORM_ERR(gpath, &office, fields, "同名");
    /* assignment of an accepted entry */
    assign(round, e1, g, NULL);
    assert_int_equal(sql_int("SELECT group_id FROM round_entry WHERE id = %lld", (long long)e1), g);
    char sql[160];
    snprintf(sql, sizeof sql, "UPDATE round_entry SET state = 'declared' WHERE unit_id = %lld "
             "AND round_id = %lld", (long long)liuhe, (long long)round);
    int64_t e2 = entry_add(round, liuhe);
    assert_int_equal(th_store_exec(&srv, sql), 0);
    assign(round, e2, g, "尚未受理");
    assign(round, e1, 999999, "测评组不存在");
    /* the page: the office's forms; the evaluator sees their group; units 403 */
    struct th_resp *r = page(path, &office);
    th_assert_status(r, 200);
    assert_non_null(strstr(r->body, "第一测评组"));
    assert_non_null(strstr(r->body, "新建测评组"));
    assert_non_null(strstr(r->body, "市司法局"));
    th_resp_free(r);
    r = page(path, &evaluator);
    th_assert_status(r, 200);
    assert_non_null(strstr(r->body, "第一测评组"));
    assert_null(strstr(r->body, "新建测评组"));
    th_resp_free(r);
    assert_int_equal(page_status(path, &unitadmin), 403);
    /* audited */
    assert_true(sql_int("SELECT count(*) FROM audit WHERE action = 'round.group.create'") >= 1);
    assert_true(sql_int("SELECT count(*) FROM audit WHERE action = 'round.entry.assign'") >= 1);
    assert_true(sql_int("SELECT count(*) FROM audit WHERE action = 'round.group.member_add'") >= 1);
    /* delete: the entries return to no group */
    snprintf(path, sizeof path, "/rounds/%lld/groups/%lld/delete", (long long)round,
             (long long)g);
    FORM_STATUS(path, &district, "", 403);
    FORM_OK(path, &office, "");
    assert_int_equal(sql_int("SELECT count(*) FROM round_entry WHERE id = %lld AND group_id IS NULL",
                             (long long)e1),
                     1);
    /* a round past evaluating takes no changes */
    assert_int_equal(transition(round, "evaluating"), 200);
    assert_int_equal(transition(round, "locked"), 200);
    snprintf(path, sizeof path, "/rounds/%lld/groups", (long long)round);
    snprintf(fields, sizeof fields, "name=z&leader_id=%lld", (long long)evaluator.user_id);
    FORM_ERR(path, &office, fields, "只有申报中或测评中的测评");
}

/* ---------------------------------------------------------------- own district */

static void
test_own_district(void **state)
{
    (void)state;
    int64_t round = round_new(true);
    int64_t eq = entry_add(round, qingshan), el = entry_add(round, liuhe);
    /* a city evaluator has no district: scores 青山镇 */
    int64_t g = group_new(round, "城区组", &evaluator);
    assign(round, eq, g, NULL);
    /* an evaluator of 东城区 may not join a group that scores 青山镇 (东城区) */
    member(round, g, &dceval, false, "青山镇");
    member(round, g, &dceval, false, "东城区 测评员");
    /* their own group: 青山镇 refused (naming both), 柳河镇 (西湖区) taken */
    int64_t g2 = group_new(round, "东城组", &dceval);
    assign(round, eq, g2, "本测评不允许测评员评本辖区的单位");
    assign(round, eq, g2, "东城区 测评员");
    assign(round, el, g2, NULL);
    /* the same without the rule */
    int64_t free_round = round_new(false);
    int64_t fq = entry_add(free_round, qingshan);
    int64_t fg = group_new(free_round, "东城组", &dceval);
    assign(free_round, fq, fg, NULL);
    /* the page states the rule */
    char path[64];
    snprintf(path, sizeof path, "/rounds/%lld/groups", (long long)round);
    struct th_resp *r = page(path, &office);
    th_assert_status(r, 200);
    assert_non_null(strstr(r->body, "不允许测评员评本辖区的单位"));
    th_resp_free(r);
}

/* ---------------------------------------------------------------- visits */

/* "YYYY-MM-DDTHH:MM" (China Standard Time) of unix t; url-encoded colon. */
static void
cst_field(int64_t t, char *out, size_t n)
{
    time_t tt = (time_t)(t + 8 * 3600);
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, n, "%Y-%m-%dT%H%%3A%M", &tm);
}

static void
cst_text(int64_t t, char *out, size_t n)
{
    time_t tt = (time_t)(t + 8 * 3600);
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, n, "%Y-%m-%d %H:%M", &tm);
}

/* Messages to address accepted since index from (waiting up to 20 s for at least one). */
static size_t
mail_to(size_t from, const char *address, size_t *last)
{
    for (int i = 0; i < 200; i++) {
        size_t n = 0, total = smtp_sink_count(sink);
        for (size_t k = from; k < total; k++) {
            char *rc = smtp_sink_rcpt(sink, k);
            if (rc && strstr(rc, address)) {
                n++;
                *last = k;
            }
            free(rc);
        }
        if (n) {
            return n;
        }
        usleep(100 * 1000);
    }
    return 0;
}

static int
b64val(char c)
{
    const char *t = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const char *p = c ? strchr(t, c) : NULL;
    return p ? (int)(p - t) : -1;
}

/* The decoded body of a message; caller frees. */
static char *
body_of(const char *msg)
{
    const char *p = strstr(msg, "\r\n\r\n");
    assert_non_null(p);
    struct bytes out = {0};
    unsigned acc = 0;
    int bits = 0;
    for (p += 4; *p && '=' != *p; p++) {
        int v = b64val(*p);
        if (v < 0) {
            continue;
        }
        acc = (acc << 6) | (unsigned)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            char c = (char)((acc >> bits) & 0xff);
            bytes_add(&out, &c, 1);
        }
    }
    bytes_add(&out, "", 1);
    return out.p;
}

static void
test_visits(void **state)
{
    (void)state;
    int64_t round = round_new(false);
    int64_t eq = entry_add(round, qingshan), e1 = entry_add(round, unit1);
    int64_t g = group_new(round, "走访组", &evaluator);
    member(round, g, &dceval, false, NULL);
    assign(round, eq, g, NULL);
    want("PUT", "/api/v1/me/notification-prefs", &qsadmin,
         json_pack("{s:s}", "email", "qs@example.org"), 200);
    /* another account of the unit turned the e-mail of visits off: never mailed */
    want("PUT", "/api/v1/me/notification-prefs", &qsmember,
         json_pack("{s:s, s:{s:{s:b, s:b}}}", "email", "qm@example.org", "prefs", "visit",
                   "inbox", 1, "email", 0),
         200);
    char path[96], fields[256], when[48], text[32];
    snprintf(path, sizeof path, "/rounds/%lld/visits", (long long)round);
    int64_t now = (int64_t)time(NULL);
    /* 11 h 59 min ahead: refused, naming the earliest allowed time */
    cst_field(now + 12 * 3600 - 60, when, sizeof when);
    snprintf(fields, sizeof fields, "entry_id=%lld&starts_at=%s&place=x", (long long)eq, when);
    FORM_ERR(path, &office, fields, "须至少提前 12 小时通知被测评单位：最早可安排在 ");
    /* 12 h 01 min ahead (the next whole minute after it): accepted */
    int64_t t = (now + 12 * 3600 + 60 + 59) / 60 * 60;
    cst_field(t, when, sizeof when);
    cst_text(t, text, sizeof text);
    size_t from = smtp_sink_count(sink), last = 0;
    snprintf(fields, sizeof fields,
             "entry_id=%lld&starts_at=%s&place=%%E9%%95%%87%%E6%%94%%BF%%E5%%BA%%9C&note=n",
             (long long)eq, when);
    FORM_OK(path, &office, fields);
    int64_t vid = sql_int("SELECT max(id) FROM visit WHERE entry_id = %lld", (long long)eq);
    assert_int_equal(sql_int("SELECT starts_at FROM visit WHERE id = %lld", (long long)vid), t);
    /* the unit's inbox */
    struct th_resp *r = api("GET", "/api/v1/notifications?limit=50", &qsadmin, NULL);
    th_assert_status(r, 200);
    bool found = false;
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(r->json, "items"), i, x)
    {
        found = found || (0 == strcmp(th_jstr(x, "kind"), "visit") &&
                          strstr(th_jstr(x, "text"), text) && strstr(th_jstr(x, "text"), "镇政府"));
    }
    th_resp_free(r);
    assert_true(found);
    /* the e-mail at once (the job queue of the server), not the next day's digest */
    assert_int_equal(mail_to(from, "qs@example.org", &last), 1);
    char *msg = smtp_sink_data(sink, last);
    char *body = body_of(msg);
    assert_non_null(strstr(body, "青山镇"));
    assert_non_null(strstr(body, text));
    assert_non_null(strstr(body, "镇政府"));
    free(body);
    free(msg);
    /* the unit's home shows it */
    r = page("/home", &qsadmin);
    th_assert_status(r, 200);
    assert_non_null(strstr(r->body, "即将到来的测评走访"));
    assert_non_null(strstr(r->body, text));
    th_resp_free(r);
    /* and on its round entry */
    char epath[64];
    snprintf(epath, sizeof epath, "/rounds/%lld/entries", (long long)round);
    r = page(epath, &qsadmin);
    th_assert_status(r, 200);
    assert_non_null(strstr(r->body, "round-visits"));
    assert_non_null(strstr(r->body, text));
    th_resp_free(r);
    /* another unit sees nothing of it */
    r = page(path, &unitadmin);
    th_assert_status(r, 200);
    assert_null(strstr(r->body, "青山镇"));
    th_resp_free(r);
    /* rescheduling follows the same rule */
    char vpath[128];
    snprintf(vpath, sizeof vpath, "/rounds/%lld/visits/%lld", (long long)round, (long long)vid);
    cst_field(now + 3600, when, sizeof when);
    snprintf(fields, sizeof fields, "starts_at=%s", when);
    FORM_ERR(vpath, &office, fields, "最早可安排在");
    cst_field(t + 3600, when, sizeof when);
    snprintf(fields, sizeof fields, "starts_at=%s&place=p", when);
    from = smtp_sink_count(sink);
    FORM_OK(vpath, &evaluator, fields); /* the group's leader */
    assert_int_equal(sql_int("SELECT starts_at FROM visit WHERE id = %lld", (long long)vid),
                     t + 3600);
    assert_int_equal(mail_to(from, "qs@example.org", &last), 1);
    /* a member who does not lead, a unit, a leader for an entry not in the group: refused */
    FORM_STATUS(vpath, &dceval, fields, 403);
    FORM_STATUS(vpath, &qsadmin, fields, 403);
    snprintf(fields, sizeof fields, "entry_id=%lld&starts_at=%s", (long long)e1, when);
    FORM_STATUS(path, &evaluator, fields, 403);
    snprintf(fields, sizeof fields, "entry_id=1&starts_at=%s", when); /* round 1's entry */
    FORM_ERR(path, &office, fields, "参评单位不存在");
    snprintf(fields, sizeof fields, "entry_id=%lld&starts_at=tomorrow", (long long)eq);
    FORM_ERR(path, &office, fields, "走访时间须为北京时间");
    /* the evaluators' list and home */
    r = page(path, &dceval);
    th_assert_status(r, 200);
    assert_non_null(strstr(r->body, "青山镇"));
    th_resp_free(r);
    /* cancel: the unit is told; cancelled twice is refused */
    char cpath[160];
    snprintf(cpath, sizeof cpath, "%s/cancel", vpath);
    FORM_STATUS(cpath, &dceval, "", 403);
    from = smtp_sink_count(sink);
    FORM_OK(cpath, &office, "");
    FORM_ERR(cpath, &office, "", "已取消");
    assert_int_equal(mail_to(from, "qs@example.org", &last), 1);
    r = page(path, &qsadmin);
    th_assert_status(r, 200);
    assert_non_null(strstr(r->body, "已取消"));
    th_resp_free(r);
    r = page("/home", &qsadmin);
    th_assert_status(r, 200);
    assert_null(strstr(r->body, "即将到来的测评走访"));
    th_resp_free(r);
    assert_true(sql_int("SELECT count(*) FROM audit WHERE action = 'round.visit.cancel'") >= 1);
    size_t none = 0;
    for (size_t k = 0; k < smtp_sink_count(sink); k++) {
        char *rc = smtp_sink_rcpt(sink, k);
        none += rc && strstr(rc, "qm@example.org");
        free(rc);
    }
    assert_int_equal(none, 0);
}

/* ---------------------------------------------------------------- evaluator access */

static int64_t
upload(int64_t unit, int year)
{
    char path[160], tag[32];
    snprintf(path, sizeof path, "/api/v1/units/%lld/archives/%d/indicators/1.1.1/documents",
             (long long)unit, year);
    snprintf(tag, sizeof tag, "材料 %u", ++seq);
    struct bytes b = pdf_make(tag, 600);
    struct th_file f = {.name = "会议纪要.pdf", .data = b.p, .len = b.n};
    struct th_resp *r = th_upload(&srv, path, &admin, 0, &f, 1, NULL);
    free(b.p);
    th_assert_status(r, 201);
    int64_t id = th_jint(json_array_get(json_object_get(r->json, "items"), 0), "id");
    th_resp_free(r);
    return id;
}

/* What the evaluator gets for each read of qingshan (in and out of the materials years). */
static void
reads(int64_t doc_in, int64_t doc_out, long in, long out)
{
    char p[160];
    snprintf(p, sizeof p, "/api/v1/units/%lld/archives/2024", (long long)qingshan);
    assert_int_equal(api_status("GET", p, &evaluator), in);
    snprintf(p, sizeof p, "/units/%lld/archives/2024", (long long)qingshan);
    assert_int_equal(page_status(p, &evaluator), in);
    snprintf(p, sizeof p, "/units/%lld/archives/2024/leaf/1.1.1", (long long)qingshan);
    assert_int_equal(page_status(p, &evaluator), in);
    snprintf(p, sizeof p, "/api/v1/units/%lld/archives/2024/indicators/1.1.1/documents",
             (long long)qingshan);
    assert_int_equal(api_status("GET", p, &evaluator), in);
    snprintf(p, sizeof p, "/api/v1/documents/%lld", (long long)doc_in);
    assert_int_equal(api_status("GET", p, &evaluator), in);
    snprintf(p, sizeof p, "/api/v1/documents/%lld/content", (long long)doc_in);
    assert_int_equal(api_status("GET", p, &evaluator), in);
    snprintf(p, sizeof p, "/documents/%lld", (long long)doc_in);
    assert_int_equal(page_status(p, &evaluator), in);
    /* outside the materials years, another unit: never */
    snprintf(p, sizeof p, "/api/v1/units/%lld/archives/2023", (long long)qingshan);
    assert_int_equal(api_status("GET", p, &evaluator), out);
    snprintf(p, sizeof p, "/units/%lld/archives/2023", (long long)qingshan);
    assert_int_equal(page_status(p, &evaluator), out);
    snprintf(p, sizeof p, "/api/v1/documents/%lld", (long long)doc_out);
    assert_int_equal(api_status("GET", p, &evaluator), out);
    snprintf(p, sizeof p, "/api/v1/documents/%lld/content", (long long)doc_out);
    assert_int_equal(api_status("GET", p, &evaluator), out);
    snprintf(p, sizeof p, "/api/v1/units/%lld/archives/2024", (long long)liuhe);
    assert_int_equal(api_status("GET", p, &evaluator), 404);
}

static void
test_eval_access(void **state)
{
    (void)state;
    int64_t round = round_new(false);
    int64_t eq = entry_add(round, qingshan);
    int64_t g = group_new(round, "评资料组", &evaluator);
    assign(round, eq, g, NULL);
    assert_true(th_archive_create(&srv, &admin, qingshan, 2024));
    assert_true(th_archive_create(&srv, &admin, qingshan, 2023));
    assert_true(th_archive_create(&srv, &admin, liuhe, 2024));
    int64_t d24 = upload(qingshan, 2024), d23 = upload(qingshan, 2023);
    /* before evaluating: nothing */
    reads(d24, d23, 404, 404);
    assert_int_equal(transition(round, "evaluating"), 200);
    /* while evaluating: the materials years of the assigned unit, read-only */
    reads(d24, d23, 200, 404);
    char p[160];
    snprintf(p, sizeof p, "/api/v1/units/%lld/archives", (long long)qingshan);
    struct th_resp *r = api("GET", p, &evaluator, NULL);
    th_assert_status(r, 200);
    assert_non_null(strstr(r->body, "2024"));
    assert_null(strstr(r->body, "\"year\":2023"));
    th_resp_free(r);
    snprintf(p, sizeof p, "/api/v1/documents/%lld", (long long)d24);
    want("PATCH", p, &evaluator, json_pack("{s:s}", "title", "改"), 403);
    want("DELETE", p, &evaluator, NULL, 403);
    snprintf(p, sizeof p, "/api/v1/documents/%lld/submit", (long long)d24);
    want("POST", p, &evaluator, NULL, 403);
    snprintf(p, sizeof p, "/api/v1/units/%lld/archives", (long long)qingshan);
    want("POST", p, &evaluator, json_pack("{s:i}", "year", 2025), 403);
    /* the evaluator's home: the unit, its materials years, the score sheet */
    r = page("/home", &evaluator);
    th_assert_status(r, 200);
    assert_non_null(strstr(r->body, "青山镇"));
    snprintf(p, sizeof p, "/units/%lld/archives/2024", (long long)qingshan);
    assert_non_null(strstr(r->body, p));
    snprintf(p, sizeof p, "/rounds/%lld/entries/%lld/sheet", (long long)round, (long long)eq);
    assert_non_null(strstr(r->body, p));
    th_resp_free(r);
    /* reads are audited as everyone's (the download of the content) */
    assert_true(sql_int("SELECT count(*) FROM audit WHERE action = 'document.download' "
                        "AND user_id = %lld",
                        (long long)evaluator.user_id) >= 1);
    /* an evaluator of another group: nothing */
    snprintf(p, sizeof p, "/api/v1/documents/%lld", (long long)d24);
    assert_int_equal(api_status("GET", p, &dceval), 404);
    /* after the scores are locked: nothing again */
    assert_int_equal(transition(round, "locked"), 200);
    reads(d24, d23, 404, 404);
}

/* ---------------------------------------------------------------- setup */

static bool
user_new(const char *username, const char *display, const char *role, int64_t org,
         struct th_cred *c)
{
    struct th_resp *r = api("POST", "/api/v1/users", &admin,
                            json_pack("{s:s, s:s, s:s, s:s, s:I}", "username", username,
                                      "display_name", display, "password", TH_DEMO_PW, "role",
                                      role, "org_id", (json_int_t)org));
    long st = r->status;
    th_resp_free(r);
    return 201 == st && 201 == th_login(&srv, username, TH_DEMO_PW, c) &&
           th_make_token(&srv, c, "groups") > 0;
}

/* ---------------------------------------------------------------- the same over JSON */

/* "YYYY-MM-DDTHH:MM+08:00" of t (China Standard Time). */
static void
cst_rfc(int64_t t, char *out, size_t n)
{
    time_t x = (time_t)(t + 8 * 3600);
    struct tm tm;
    gmtime_r(&x, &tm);
    strftime(out, n, "%Y-%m-%dT%H:%M+08:00", &tm);
}

static void
test_api(void **state)
{
    (void)state;
    int64_t round = round_new(false);
    int64_t eq = entry_add(round, qingshan);
    char path[128], epath[128];
    /* create a group */
    snprintf(path, sizeof path, "/api/v1/rounds/%lld/groups", (long long)round);
    want("POST", path, &unitadmin,
         json_pack("{s:s, s:I}", "name", "接口组", "leader_id", (json_int_t)evaluator.user_id), 403);
    want("POST", path, &office, json_pack("{s:s}", "name", "接口组"), 400);
    struct th_resp *r = api("POST", path, &office,
                            json_pack("{s:s, s:I}", "name", "接口组", "leader_id",
                                      (json_int_t)evaluator.user_id));
    th_assert_status(r, 201);
    int64_t g = th_jint(r->json, "id");
    assert_true(g > 0);
    assert_string_equal(th_jstr(r->json, "name"), "接口组");
    assert_int_equal(json_array_size(json_object_get(r->json, "member_list")), 1);
    assert_non_null(strchr(th_jstr(r->json, "created_at"), 'T'));
    th_resp_free(r);
    /* add a member, rename */
    char gpath[160];
    snprintf(gpath, sizeof gpath, "%s/%lld", path, (long long)g);
    char mpath[192];
    snprintf(mpath, sizeof mpath, "%s/members", gpath);
    r = api("POST", mpath, &office, json_pack("{s:I}", "user_id", (json_int_t)dceval.user_id));
    th_assert_status(r, 200);
    assert_int_equal(json_array_size(json_object_get(r->json, "member_list")), 2);
    th_resp_free(r);
    r = api("PATCH", gpath, &office, json_pack("{s:s}", "name", "接口一组"));
    th_assert_status(r, 200);
    assert_string_equal(th_jstr(r->json, "name"), "接口一组");
    th_resp_free(r);
    /* the evaluator sees its group */
    r = api("GET", path, &evaluator, NULL);
    th_assert_status(r, 200);
    assert_int_equal(json_array_size(json_object_get(r->json, "items")), 1);
    th_resp_free(r);
    /* assign the entry */
    snprintf(epath, sizeof epath, "/api/v1/rounds/%lld/entries/%lld/group", (long long)round,
             (long long)eq);
    want("POST", epath, &office, json_pack("{s:s}", "group_id", "x"), 400);
    r = api("POST", epath, &office, json_pack("{s:I}", "group_id", (json_int_t)g));
    th_assert_status(r, 200);
    assert_int_equal(th_jint(r->json, "group_id"), g);
    th_resp_free(r);
    /* a visit 11 h 59 min ahead: refused with the reason; 12 h 01 min: scheduled */
    snprintf(path, sizeof path, "/api/v1/rounds/%lld/visits", (long long)round);
    char when[48];
    int64_t now = (int64_t)time(NULL);
    cst_rfc(now + 12 * 3600 - 60, when, sizeof when);
    r = api("POST", path, &evaluator,
            json_pack("{s:I, s:s, s:s}", "entry_id", (json_int_t)eq, "starts_at", when, "place",
                      "会议室"));
    th_assert_status(r, 400);
    assert_string_equal(th_jstr(json_object_get(r->json, "error"), "field"), "starts_at");
    assert_non_null(strstr(r->body, "须至少提前 12 小时通知被测评单位"));
    th_resp_free(r);
    cst_rfc(now + 12 * 3600 + 60, when, sizeof when);
    r = api("POST", path, &evaluator,
            json_pack("{s:I, s:s, s:s}", "entry_id", (json_int_t)eq, "starts_at", when, "place",
                      "会议室"));
    th_assert_status(r, 201);
    int64_t v = th_jint(r->json, "id");
    assert_string_equal(th_jstr(r->json, "state"), "scheduled");
    assert_string_equal(th_jstr(r->json, "place"), "会议室");
    assert_non_null(strchr(th_jstr(r->json, "starts_at"), 'T'));
    th_resp_free(r);
    /* the unit sees it */
    r = api("GET", path, &qsadmin, NULL);
    th_assert_status(r, 200);
    assert_int_equal(json_array_size(json_object_get(r->json, "items")), 1);
    th_resp_free(r);
    /* move it a day later, then cancel */
    char vpath[192];
    snprintf(vpath, sizeof vpath, "%s/%lld", path, (long long)v);
    cst_rfc(now + 36 * 3600, when, sizeof when);
    r = api("PATCH", vpath, &evaluator, json_pack("{s:s}", "starts_at", when));
    th_assert_status(r, 200);
    assert_string_equal(th_jstr(r->json, "place"), "会议室");
    th_resp_free(r);
    snprintf(vpath, sizeof vpath, "%s/%lld/cancel", path, (long long)v);
    want("POST", vpath, &qsadmin, NULL, 403);
    r = api("POST", vpath, &evaluator, NULL);
    th_assert_status(r, 200);
    assert_string_equal(th_jstr(r->json, "state"), "cancelled");
    th_resp_free(r);
    /* delete the group: the entry returns to none */
    want("DELETE", gpath, &office, NULL, 200);
    assert_int_equal(sql_int("SELECT coalesce(group_id, 0) FROM round_entry WHERE id = %lld",
                             (long long)eq),
                     0);
}

static int
setup(void **state)
{
    (void)state;
    sink = smtp_sink_start();
    if (NULL == sink) {
        return -1;
    }
    char conf[512];
    snprintf(conf, sizeof conf,
             "smtp_host = 127.0.0.1\nsmtp_port = %u\nsmtp_starttls = no\n"
             "smtp_from = wenming@example.org\nbase_url = https://wm.example.org/\n",
             smtp_sink_port(sink));
    if (th_server_create(&srv, conf) || th_server_start(&srv, NULL)) {
        return -1;
    }
    struct {
        const char *user;
        struct th_cred *c;
    } who[] = {{"admin", &admin},         {"office", &office},       {"district", &district},
               {"evaluator", &evaluator}, {"unitadmin", &unitadmin}};
    for (size_t i = 0; i < sizeof who / sizeof who[0]; i++) {
        if (201 != th_login(&srv, who[i].user, TH_DEMO_PW, who[i].c) ||
            th_make_token(&srv, who[i].c, "groups") <= 0) {
            return -1;
        }
    }
    unit1 = th_unit_id(&srv, &admin, "DEMO001");
    qingshan = th_unit_id(&srv, &admin, "DEMO013");
    liuhe = th_unit_id(&srv, &admin, "DEMO014");
    if (0 == unit1 || 0 == qingshan || 0 == liuhe ||
        !user_new("qsadmin", "青山镇 创建办", "unit_admin", qingshan, &qsadmin) ||
        !user_new("qsmember", "青山镇 创建员", "unit_member", qingshan, &qsmember) ||
        !user_new("dceval", "东城区 测评员", "evaluator", district.org_id, &dceval)) {
        return -1;
    }
    /* the demo's 100-point standard */
    struct th_resp *r = api("GET", "/api/v1/frameworks?limit=50", &office, NULL);
    json_t *x;
    size_t i;
    json_array_foreach(json_object_get(r->json, "items"), i, x)
    {
        const char *total = th_jstr(x, "total");
        if (total && 0 == strcmp(total, "100") && 0 == strcmp(th_jstr(x, "status"), "published")) {
            edition = th_jint(x, "id");
        }
    }
    th_resp_free(r);
    return edition ? 0 : -1;
}

static int
teardown(void **state)
{
    (void)state;
    int rc = th_server_finish(&srv);
    smtp_sink_stop(sink);
    sink = NULL;
    return rc;
}

int
main(int argc, char **argv)
{
    if (!th_init(argc, argv)) {
        return 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_groups),
        cmocka_unit_test(test_own_district),
        cmocka_unit_test(test_visits),
        cmocka_unit_test(test_api),
        cmocka_unit_test(test_eval_access),
    };
    int failed = cmocka_run_group_tests_name("groups", tests, setup, teardown);
    th_done();
    return failed + th_teardown_failures;
}
