/*
** test_http_leaf_page.c — the unit-side pages of issue 9 over real HTTP against
** `wenming serve --demo`: the leaf page (requirement, score, frequency, each period's
** state, each document's review state with the guidance it was returned with, submit
** forms), the archive tree (schedule marks with their legend, review counts, a member's
** department's leaves by default and all with ?all=1), and the unit's home (overdue
** periods, returned documents with their guidance, completeness by top-level indicator).
**
** Review states are set through the API (submit, approve, return), as the office does.
** The demo's synthetic standard: 1.1.1 is quarterly for 办公室 (the member's department,
** 2.5 points), 2.1.1 quarterly for 人教科, 3.1.1 monthly for 办公室; top-level 3 holds the
** leaves 3.1.1, 3.2.1, 3.2.2 and 3.2.3, of which only 3.1.1 has a frequency.
**
** Dates: the leaf page works on the year two years back (every deadline has passed, so
** every state is certain); the home works on the current year, and what it must list is
** computed here from today's date in Asia/Shanghai (libc's timegm), independently of the
** server.
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
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */

#include "harness.h"

static struct th_server srv;
static struct th_cred admin, office, unitadmin, member, leader;
static int64_t unit1, unit2; /* DEMO001 市司法局 (the unit accounts), DEMO002 */
static int this_year;        /* in Asia/Shanghai */
static int past;             /* this_year - 2: every deadline has passed */

/* ---------------------------------------------------------------- dates (libc, UTC) */

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

/* The day number of y-m-d (d 0: the last day of the month before). */
static int64_t
days_of(int y, int m, int d)
{
    struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d};
    return (int64_t)(timegm(&tm) / 86400);
}

/* ---------------------------------------------------------------- helpers */

static struct th_resp *
page(const char *path, const struct th_cred *c)
{
    return th_api(&srv, "GET", path, c, TH_COOKIE, NULL);
}

/* Upload a small PDF titled title, dated date (NULL: none), into a leaf of unit's year as
** c: its id. */
static int64_t
upload(const struct th_cred *c, int64_t unit, int year, const char *leaf, const char *title,
       const char *date)
{
    static int serial;
    char path[200], tag[32];
    snprintf(tag, sizeof tag, "leafpage-%d", ++serial);
    snprintf(path, sizeof path, "/api/v1/units/%lld/archives/%d/indicators/%s/documents",
             (long long)unit, year, leaf);
    struct bytes pdf = pdf_make(tag, 300);
    struct th_file f = {.name = "a.pdf", .data = pdf.p, .len = pdf.n};
    const char *fields[] = {"title", title, date ? "date_formed" : NULL, date, NULL};
    struct th_resp *r = th_upload(&srv, path, c, 0, &f, 1, fields);
    th_assert_status(r, 201);
    int64_t id = th_jint(json_array_get(json_object_get(r->json, "items"), 0), "id");
    th_resp_free(r);
    free(pdf.p);
    assert_true(id > 0);
    return id;
}

/* POST /api/v1/documents/{id}/<what> as c (body: NULL or JSON text), expecting 200. */
static void
review(int64_t id, const char *what, const struct th_cred *c, const char *body)
{
    char path[96];
    snprintf(path, sizeof path, "/api/v1/documents/%lld/%s", (long long)id, what);
    struct th_resp *r = th_api(&srv, "POST", path, c, th_auth(c), body);
    th_assert_status(r, 200);
    th_resp_free(r);
}

static void
submit(int64_t id)
{
    review(id, "submit", &unitadmin, NULL);
}

static void
approve(int64_t id)
{
    submit(id);
    review(id, "approve", &office, NULL);
}

static void
give_back(int64_t id, const char *guidance)
{
    submit(id);
    char *body = th_jdump(json_pack("{s:s}", "comment", guidance)); /* takes the object */
    review(id, "return", &office, body);
    free(body);
}

static char *
status_of(int64_t id)
{
    char path[64];
    snprintf(path, sizeof path, "/api/v1/documents/%lld", (long long)id);
    struct th_resp *r = th_api(&srv, "GET", path, &admin, th_auth(&admin), NULL);
    th_assert_status(r, 200);
    char *s = strdup(th_jstr(r->json, "status"));
    th_resp_free(r);
    return s;
}

static void
assert_doc_status(int64_t id, const char *want)
{
    char *s = status_of(id);
    assert_string_equal(s, want);
    free(s);
}

/* Whether body has the text s. */
static void
has(const struct th_resp *r, const char *s)
{
    if (NULL == strstr(r->body, s)) {
        fail_msg("the page lacks %s", s);
    }
}

static void
lacks(const struct th_resp *r, const char *s)
{
    if (NULL != strstr(r->body, s)) {
        fail_msg("the page has %s", s);
    }
}

/* The element (from its '<' to the next '>') that holds attribute text attr; NULL if none. */
static char *
element_with(const struct th_resp *r, const char *attr)
{
    const char *at = strstr(r->body, attr);
    if (NULL == at) {
        return NULL;
    }
    const char *s = at;
    while (s > r->body && '<' != *s) {
        s--;
    }
    const char *e = strchr(at, '>');
    return e ? strndup(s, (size_t)(e - s + 1)) : NULL;
}

/* Tidy finds no error in a page (skipped when tidy is not installed); html_valid checks
** the demo's pages, this the same pages with documents, marks and guidance in them. */
static void
assert_tidy(const struct th_resp *r, const char *what)
{
    if (0 != system("command -v tidy >/dev/null 2>&1")) {
        return;
    }
    char path[] = "/tmp/wm-leafpage-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, r->body, r->len), (ssize_t)r->len);
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
    assert_int_equal(errors, 0);
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
               {"unitadmin", &unitadmin},
               {"member", &member},
               {"leader", &leader}};
    for (size_t i = 0; i < sizeof who / sizeof who[0]; i++) {
        if (201 != th_login(&srv, who[i].user, TH_DEMO_PW, who[i].c) ||
            th_make_token(&srv, who[i].c, "leafpage") <= 0) {
            return -1;
        }
    }
    unit1 = th_unit_id(&srv, &admin, "DEMO001");
    unit2 = th_unit_id(&srv, &admin, "DEMO002");
    today_cst(&this_year);
    past = this_year - 2;
    if (!unit1 || !unit2 || !th_archive_create(&srv, &unitadmin, unit1, past)) {
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

/* ---------------------------------------------------------------- the leaf page */

static int64_t approved_id, returned_id, submitted_id, draft_id;

/*
** 1.1.1 two years back: Q1 met by an approved document; Q2's only document was returned
** (with guidance), Q3's is still submitted (the office counts approved ones): overdue, as
** Q4 without any.  The page shows what the standard asks, each period's state, each
** document's review state, the guidance, and the submit forms to those who may write.
*/
static void
test_leaf_page(void **state)
{
    (void)state;
    char d[16], path[128];
    snprintf(d, sizeof d, "%d-02-15", past);
    approved_id = upload(&member, unit1, past, "1.1.1", "<b>粗体</b>会议纪要", d);
    approve(approved_id);
    snprintf(d, sizeof d, "%d-05-10", past);
    returned_id = upload(&member, unit1, past, "1.1.1", "二季度动员会", d);
    give_back(returned_id, "请补充签到表<i>和照片</i>");
    snprintf(d, sizeof d, "%d-08-01", past);
    submitted_id = upload(&member, unit1, past, "1.1.1", "三季度纪要", d);
    submit(submitted_id);
    draft_id = upload(&member, unit1, past, "1.1.1", "未注日期的草稿", NULL);

    snprintf(path, sizeof path, "/units/%lld/archives/%d/leaf/1.1.1", (long long)unit1, past);
    struct th_resp *r = page(path, &member);
    th_assert_status(r, 200);
    /* what the standard asks */
    has(r, "党委（党组）专题研究创建工作");
    has(r, "会议纪要、动员会照片");
    has(r, "2.5 分");
    has(r, "每季度");
    has(r, "办公室");
    /* each period's state, in words too */
    has(r, "data-period=\"Q1\" data-state=\"met\"");
    has(r, "data-period=\"Q2\" data-state=\"overdue\"");
    has(r, "data-period=\"Q3\" data-state=\"overdue\"");
    has(r, "data-period=\"Q4\" data-state=\"overdue\"");
    has(r, "第一季度");
    has(r, "已完成");
    has(r, "已逾期");
    char end[16];
    snprintf(end, sizeof end, "%d-04-10", past); /* Q1's deadline: its end plus 10 days */
    has(r, end);
    /* each document's review state, the guidance escaped, the title escaped */
    has(r, "review approved");
    has(r, "review returned");
    has(r, "review submitted");
    has(r, "review draft");
    has(r, "请补充签到表&lt;i&gt;和照片&lt;/i&gt;");
    lacks(r, "请补充签到表<i>");
    has(r, "&lt;b&gt;粗体&lt;/b&gt;会议纪要");
    lacks(r, "<b>粗体</b>");
    /* the counts, and the submit forms: one per draft or returned document, and the leaf's */
    has(r, "1 待审");
    has(r, "1 退回");
    char form[160];
    snprintf(form, sizeof form, "action=\"/units/%lld/archives/%d/leaf/1.1.1/submit\"",
             (long long)unit1, past);
    has(r, form);
    has(r, "id=\"leaf-submit\"");
    snprintf(form, sizeof form, "action=\"/documents/%lld/submit\"", (long long)draft_id);
    has(r, form);
    snprintf(form, sizeof form, "action=\"/documents/%lld/submit\"", (long long)returned_id);
    has(r, form);
    snprintf(form, sizeof form, "action=\"/documents/%lld/submit\"", (long long)approved_id);
    lacks(r, form);
    assert_tidy(r, "the leaf page");
    th_resp_free(r);
    /* The leader reads the same page without any submit form. */
    r = page(path, &leader);
    th_assert_status(r, 200);
    has(r, "data-period=\"Q1\" data-state=\"met\"");
    has(r, "请补充签到表&lt;i&gt;");
    lacks(r, "/submit\"");
    th_resp_free(r);
}

/* The forms submit (CSRF required): one document, then the rest of the leaf. */
static void
test_leaf_submit_forms(void **state)
{
    (void)state;
    char path[128], want[128];
    snprintf(path, sizeof path, "/documents/%lld/submit", (long long)draft_id);
    /* without the CSRF field: refused, nothing changes */
    struct th_cred nocsrf = member;
    nocsrf.csrf[0] = '\0';
    struct th_resp *r = th_form(&srv, path, &nocsrf, "");
    th_assert_status(r, 403);
    th_resp_free(r);
    assert_doc_status(draft_id, "draft");
    r = th_form(&srv, path, &member, "back=leaf");
    th_assert_status(r, 303);
    snprintf(want, sizeof want, "/units/%lld/archives/%d/leaf/1.1.1", (long long)unit1, past);
    const char *loc = th_header(r, "Location");
    assert_non_null(loc);
    assert_non_null(strstr(loc, want));
    assert_non_null(strstr(loc, "ok="));
    th_resp_free(r);
    assert_doc_status(draft_id, "submitted");
    /* again: it is submitted already, said on the document's page (no back=leaf) */
    r = th_form(&srv, path, &member, "");
    th_assert_status(r, 303);
    assert_non_null(strstr(th_header(r, "Location"), "err="));
    snprintf(want, sizeof want, "/documents/%lld", (long long)draft_id);
    assert_non_null(strstr(th_header(r, "Location"), want));
    th_resp_free(r);
    /* the leaf: the returned one is left */
    snprintf(path, sizeof path, "/units/%lld/archives/%d/leaf/1.1.1/submit", (long long)unit1,
             past);
    r = th_form(&srv, path, &member, "");
    th_assert_status(r, 303);
    assert_non_null(strstr(th_header(r, "Location"), "ok="));
    th_resp_free(r);
    assert_doc_status(returned_id, "submitted");
    assert_doc_status(approved_id, "approved");
    /* nothing left to submit */
    r = th_form(&srv, path, &member, "");
    th_assert_status(r, 303);
    assert_non_null(strstr(th_header(r, "Location"), "err="));
    th_resp_free(r);
    /* the leader (a viewer) may not */
    r = th_form(&srv, path, &leader, "");
    th_assert_status(r, 403);
    th_resp_free(r);
}

/* ---------------------------------------------------------------- the tree */

static void
test_tree(void **state)
{
    (void)state;
    char path[128];
    /* a document in 人教科's leaf, so that leaf has a review count */
    int64_t other = upload(&unitadmin, unit1, past, "2.1.1", "人教科材料", NULL);
    submit(other);
    snprintf(path, sizeof path, "/units/%lld/archives/%d", (long long)unit1, past);
    /* The leader (no department) sees every leaf, marked, with the legend. */
    struct th_resp *r = page(path, &leader);
    th_assert_status(r, 200);
    has(r, "id=\"sched-legend\"");
    has(r, "已逾期");
    has(r, "即将到期");
    has(r, "未到期");
    char *leaf = element_with(r, "data-code=\"1.1.1\"");
    assert_non_null(leaf);
    free(leaf);
    has(r, "data-code=\"2.1.1\"");
    /* 1.1.1: Q1 met, the others overdue → overdue; 3 submitted (after the forms above) and
    ** 1 approved */
    const char *at = strstr(r->body, "data-code=\"1.1.1\"");
    const char *next = strstr(at, "data-code=\"1.1.2\"");
    assert_non_null(next);
    char *part = strndup(at, (size_t)(next - at));
    assert_non_null(strstr(part, "sched overdue"));
    assert_non_null(strstr(part, "3 待审"));
    assert_non_null(strstr(part, "1 通过"));
    free(part);
    lacks(r, "dept-switch");
    assert_tidy(r, "the tree");
    th_resp_free(r);
    /* The member (办公室) sees its department's leaves: 2.1.1 (人教科) is not there. */
    r = page(path, &member);
    th_assert_status(r, 200);
    has(r, "data-code=\"1.1.1\"");
    has(r, "data-code=\"3.1.1\"");
    lacks(r, "data-code=\"2.1.1\"");
    lacks(r, "data-code=\"1.2.2\"");
    has(r, "id=\"dept-switch\"");
    has(r, "?all=1");
    has(r, "本科室");
    assert_tidy(r, "the tree of a department");
    th_resp_free(r);
    /* ... and every leaf with ?all=1 (other branches folded). */
    snprintf(path, sizeof path, "/units/%lld/archives/%d?all=1", (long long)unit1, past);
    r = page(path, &member);
    th_assert_status(r, 200);
    has(r, "data-code=\"1.1.1\"");
    has(r, "data-code=\"2.1.1\"");
    has(r, "data-code=\"1.2.2\"");
    has(r, "正在显示全部测评内容");
    th_resp_free(r);
}

/* ---------------------------------------------------------------- the home */

/*
** The current year: 3.1.1 (monthly) has an approved document in January and a returned one
** in February; the home lists every month whose deadline has passed except January as
** overdue, the returned document with its guidance, and completeness numbers that match.
*/
static void
test_home(void **state)
{
    (void)state;
    char d[16], want[96];
    snprintf(d, sizeof d, "%d-01-20", this_year);
    int64_t jan = upload(&member, unit1, this_year, "3.1.1", "一月卫生检查", d);
    approve(jan);
    snprintf(d, sizeof d, "%d-02-20", this_year);
    int64_t feb = upload(&member, unit1, this_year, "3.1.1", "二月<script>检查", d);
    give_back(feb, "照片不清晰，请重新拍摄");
    struct th_resp *r = page("/home", &member);
    th_assert_status(r, 200);
    /* overdue and due soon: computed here */
    int64_t today = today_cst(NULL);
    int64_t due = 1; /* January: met */
    int64_t over = 0;
    for (int m = 1; m <= 12; m++) {
        int64_t deadline = days_of(this_year, m + 1, 0) + 10;
        snprintf(want, sizeof want, "data-code=\"3.1.1\" data-period=\"M%d\"", m);
        if (1 == m) {
            lacks(r, want); /* met: nothing to do */
        } else if (today > deadline) {
            snprintf(want, sizeof want,
                     "data-code=\"3.1.1\" data-period=\"M%d\" data-state=\"overdue\"", m);
            has(r, want);
            due++;
            over++;
        } else if (deadline - today <= 14) {
            snprintf(want, sizeof want,
                     "data-code=\"3.1.1\" data-period=\"M%d\" data-state=\"due_soon\"", m);
            has(r, want);
        } else {
            lacks(r, want);
        }
    }
    /* the counts at the top: a count in its state's colour (months of 3.1.1 alone are
    ** overdue by now), and one returned document */
    if (over) {
        has(r, "<a class=\"stat overdue\" href=\"#home-due\"><span class=\"n\">");
    }
    has(r, "<a class=\"stat returned\" href=\"#home-returned\"><span class=\"n\">1</span>");
    /* the returned document with its guidance, escaped */
    has(r, "id=\"home-returned\"");
    has(r, "照片不清晰，请重新拍摄");
    has(r, "二月&lt;script&gt;检查");
    lacks(r, "二月<script>");
    char link[64];
    snprintf(link, sizeof link, "href=\"/documents/%lld\"", (long long)feb);
    has(r, link);
    /* the conversations' place */
    has(r, "id=\"home-guidance\"");
    /* completeness of top-level 3: 4 leaves, 1 with an approved document; periods met 1 of
    ** those due (January and every month whose deadline passed) */
    snprintf(want, sizeof want,
             "data-code=\"3\" data-leaves=\"4\" data-approved=\"1\" data-met=\"1\" "
             "data-due=\"%lld\"",
             (long long)due);
    has(r, want);
    has(r, "data-code=\"1\" data-leaves=\"6\" data-approved=\"0\"");
    assert_tidy(r, "the unit's home");
    /* The member's list is its department's (办公室): 1.2.2 (monthly, no department) is not
    ** in it; with ?all=1 it is, as in the leader's (a viewer without a department). */
    bool jan_over = today > days_of(this_year, 2, 0) + 10;
    has(r, "id=\"home-dept-switch\"");
    if (jan_over) {
        lacks(r, "data-code=\"1.2.2\" data-period=\"M1\"");
    }
    th_resp_free(r);
    r = page("/home?all=1", &member);
    th_assert_status(r, 200);
    has(r, "正在显示全部测评内容");
    if (jan_over) {
        has(r, "data-code=\"1.2.2\" data-period=\"M1\" data-state=\"overdue\"");
    }
    th_resp_free(r);
    r = page("/home", &leader);
    th_assert_status(r, 200);
    has(r, "照片不清晰，请重新拍摄");
    has(r, want);
    lacks(r, "home-dept-switch");
    if (jan_over) {
        has(r, "data-code=\"1.2.2\" data-period=\"M1\" data-state=\"overdue\"");
    }
    th_resp_free(r);
    /* An office's home is not the unit's. */
    r = page("/home", &office);
    th_assert_status(r, 200);
    lacks(r, "id=\"home-due\"");
    /* its counts: a zero is muted, never in the accent colour (a bucket of the backlog is
    ** empty: nothing waits over 14 days) */
    has(r, "<span class=\"n zero\">0</span>");
    lacks(r, "<span class=\"n\">0</span>");
    th_resp_free(r);
}

/*
** At the turn of the year last year's last deadlines are still ahead: on a server whose
** clock (WM_FAKE_NOW) says 2031-01-05 in Asia/Shanghai, the home lists 2030's December
** (monthly 3.1.1) and fourth quarter (1.1.1), due on 2031-01-10, as due soon, and none of
** 2030's periods whose deadline passed in 2030.
*/
static void
test_home_year_turn(void **state)
{
    (void)state;
    struct th_server s2;
    char env_now[64];
    /* 2031-01-05 00:00 in Asia/Shanghai */
    snprintf(env_now, sizeof env_now, "WM_FAKE_NOW=%lld",
             (long long)(days_of(2031, 1, 5) * 86400 - 8 * 3600));
    const char *env[] = {env_now, NULL};
    assert_int_equal(th_server_create(&s2, NULL), 0);
    assert_int_equal(th_server_start(&s2, env), 0);
    struct th_cred ua, mem;
    memset(&ua, 0, sizeof ua);
    memset(&mem, 0, sizeof mem);
    assert_int_equal(th_login(&s2, "unitadmin", TH_DEMO_PW, &ua), 201);
    assert_int_equal(th_login(&s2, "member", TH_DEMO_PW, &mem), 201);
    assert_true(th_make_token(&s2, &ua, "turn") > 0);
    int64_t u = th_unit_id(&s2, &ua, "DEMO001");
    assert_true(u > 0);
    assert_true(th_archive_create(&s2, &ua, u, 2030));
    struct th_resp *r = th_api(&s2, "GET", "/home", &mem, TH_COOKIE, NULL);
    th_assert_status(r, 200);
    has(r, "data-code=\"3.1.1\" data-period=\"M12\" data-state=\"due_soon\"");
    has(r, "data-code=\"1.1.1\" data-period=\"Q4\" data-state=\"due_soon\"");
    has(r, "2030 年");
    has(r, "2031-01-10");
    lacks(r, "data-period=\"M11\"");
    lacks(r, "data-period=\"Q3\"");
    char link[96];
    snprintf(link, sizeof link, "href=\"/units/%lld/archives/2030/leaf/3.1.1\"", (long long)u);
    has(r, link);
    assert_tidy(r, "the unit's home at the turn of the year");
    th_resp_free(r);
    assert_int_equal(th_server_finish(&s2), 0);
}

/* ---------------------------------------------------------------- scope */

static void
test_other_unit(void **state)
{
    (void)state;
    char path[128];
    snprintf(path, sizeof path, "/units/%lld/archives/%d", (long long)unit2, this_year);
    struct th_resp *r = page(path, &member);
    th_assert_status(r, 404);
    th_resp_free(r);
    snprintf(path, sizeof path, "/units/%lld/archives/%d/leaf/1.1.1", (long long)unit2,
             this_year);
    r = page(path, &member);
    th_assert_status(r, 404);
    th_resp_free(r);
    snprintf(path, sizeof path, "/units/%lld/archives/%d/leaf/1.1.1/submit", (long long)unit2,
             this_year);
    r = th_form(&srv, path, &member, "");
    th_assert_status(r, 404);
    th_resp_free(r);
    /* a document of the other unit: 404, and it stays a draft */
    int64_t theirs = upload(&admin, unit2, this_year, "1.1.1", "别的单位", NULL);
    snprintf(path, sizeof path, "/documents/%lld/submit", (long long)theirs);
    r = th_form(&srv, path, &member, "");
    th_assert_status(r, 404);
    th_resp_free(r);
    assert_doc_status(theirs, "draft");
    /* the office sees the other unit's leaf */
    snprintf(path, sizeof path, "/units/%lld/archives/%d/leaf/1.1.1", (long long)unit2,
             this_year);
    r = page(path, &office);
    th_assert_status(r, 200);
    has(r, "别的单位");
    th_resp_free(r);
}

int
main(int argc, char **argv)
{
    if (!th_init(argc, argv)) {
        return 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_leaf_page),  cmocka_unit_test(test_leaf_submit_forms),
        cmocka_unit_test(test_tree),       cmocka_unit_test(test_home),
        cmocka_unit_test(test_other_unit), cmocka_unit_test(test_home_year_turn),
        cmocka_unit_test(test_graceful_stop),
    };
    int failed = cmocka_run_group_tests_name("leaf_page", tests, setup, teardown);
    th_done();
    return failed + th_teardown_failures;
}

/* end of test_http_leaf_page.c */
