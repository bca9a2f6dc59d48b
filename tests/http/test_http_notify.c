/*
** test_http_notify.c — notifications (issue 9) over real HTTP against `wenming serve --demo`:
** the inbox (a return and an approval tell the unit's writers, the unread count in every
** page's header, marking read), the preferences (the inbox off: nothing in it), the daily
** e-mail digest through an SMTP sink this test starts on 127.0.0.1 (one message per
** person, the subject in Chinese as RFC 2047 words, nothing twice, a refused message sent
** once by the retry, nothing while smtp_host is unset), and the deadline scan (due soon and
** overdue told once).  The jobs are run with `wenming notify run` (the server runs no jobs
** here, so that a changed wenming.conf is what the jobs read).
**
** The demo jurisdiction: the city office (account office) holds 市司法局 (DEMO001) with the
** accounts unitadmin, member (department 办公室) and leader (unit_viewer).
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
#include "smtp_sink.h"

#define YEAR      2020
#define SCAN_YEAR 2021

static struct th_server srv;
static struct smtp_sink *sink;
static struct th_cred admin, office, unitadmin, member, leader;
static int64_t unit1; /* DEMO001 市司法局 */
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
api_want(const char *method, const char *path, const struct th_cred *c, json_t *body_steal,
         long want)
{
    struct th_resp *r = api(method, path, c, body_steal);
    th_assert_status(r, want);
    th_resp_free(r);
}

/* A fresh PDF uploaded by member into 1.1.1 of DEMO001's YEAR and submitted: its id. */
static int64_t
submitted_doc(void)
{
    char path[160], tag[32];
    snprintf(path, sizeof path, "/api/v1/units/%lld/archives/%d/indicators/1.1.1/documents",
             (long long)unit1, YEAR);
    snprintf(tag, sizeof tag, "通知 %u", ++seq);
    struct bytes b = pdf_make(tag, 600);
    struct th_file f = {.name = "会议纪要.pdf", .data = b.p, .len = b.n};
    struct th_resp *r = th_upload(&srv, path, &member, 0, &f, 1, NULL);
    free(b.p);
    th_assert_status(r, 201);
    int64_t id = th_jint(json_array_get(json_object_get(r->json, "items"), 0), "id");
    th_resp_free(r);
    snprintf(path, sizeof path, "/api/v1/documents/%lld/submit", (long long)id);
    api_want("POST", path, &member, NULL, 200);
    return id;
}

/* The office returns document id with comment. */
static void
doc_return(int64_t id, const char *comment)
{
    char path[96];
    snprintf(path, sizeof path, "/api/v1/documents/%lld/return", (long long)id);
    api_want("POST", path, &office, json_pack("{s:s}", "comment", comment), 200);
}

/* c's notifications (the whole first page of 200, newest first); *unread the count. */
static json_t *
inbox(const struct th_cred *c, bool unread_only, int64_t *unread)
{
    struct th_resp *r = api("GET", unread_only ? "/api/v1/notifications?unread=1&limit=200"
                                               : "/api/v1/notifications?limit=200",
                            c, NULL);
    th_assert_status(r, 200);
    if (unread) {
        *unread = th_jint(r->json, "unread");
    }
    json_t *items = json_incref(json_object_get(r->json, "items"));
    th_resp_free(r);
    return items;
}

/* The notification of c about document id of kind, or NULL (borrowed from *list, which
** the caller frees). */
static json_t *
find(const struct th_cred *c, const char *kind, const char *link, json_t **list)
{
    *list = inbox(c, false, NULL);
    size_t i;
    json_t *x;
    json_array_foreach(*list, i, x)
    {
        if (0 == strcmp(th_jstr(x, "kind"), kind) && 0 == strcmp(th_jstr(x, "link"), link)) {
            return x;
        }
    }
    return NULL;
}

/* A page as c (cookie); the answer. */
static struct th_resp *
page(const char *path, const struct th_cred *c)
{
    struct th_req q = {.method = "GET", .path = path, .cred = c, .flags = TH_COOKIE};
    return th_do(&srv, &q);
}

/* The unread count the page header shows (0 when there is no badge). */
static long
header_count(const struct th_cred *c)
{
    struct th_resp *r = page("/home", c);
    th_assert_status(r, 200);
    assert_non_null(strstr(r->body, "href=\"/inbox\""));
    const char *b = strstr(r->body, "id=\"unread-count\"");
    long n = 0;
    if (b) {
        const char *gt = strchr(b, '>');
        assert_non_null(gt);
        n = strtol(gt + 1, NULL, 10);
    }
    th_resp_free(r);
    return n;
}

/* The errors tidy finds in a page (0 when tidy is not installed). */
static int
tidy_errors(const struct th_resp *r)
{
    if (0 != system("command -v tidy >/dev/null 2>&1")) {
        return 0;
    }
    char path[] = "/tmp/wm-notify-tidy-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, r->body, r->len), (ssize_t)r->len);
    close(fd);
    char cmd[128], line[1024];
    snprintf(cmd, sizeof cmd, "tidy -q -e %s 2>&1", path);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    int errors = 0;
    while (fgets(line, sizeof line, p)) {
        if (strstr(line, "Error:")) {
            errors++;
            fprintf(stderr, "tidy: %s", line);
        }
    }
    pclose(p);
    unlink(path);
    return errors;
}

/* ---------------------------------------------------------------- inbox */

static void
test_return_inbox(void **state)
{
    (void)state;
    int64_t id = submitted_doc();
    char link[64];
    snprintf(link, sizeof link, "/documents/%lld", (long long)id);
    int64_t before = 0;
    json_decref(inbox(&member, false, &before));
    doc_return(id, "请补充会议签到表<签字页>");
    /* the unit's writers are told, with the document and the guidance */
    json_t *list;
    json_t *n = find(&member, "returned", link, &list);
    assert_non_null(n);
    assert_non_null(strstr(th_jstr(n, "text"), "请补充会议签到表<签字页>"));
    assert_non_null(strstr(th_jstr(n, "text"), "会议纪要"));
    assert_string_equal(th_jstr(n, "object_type"), "document");
    assert_int_equal(th_jint(n, "object_id"), id);
    assert_string_equal(th_jstr(n, "kind_label"), "文件被退回");
    assert_true(json_is_null(json_object_get(n, "read_at")));
    assert_non_null(strstr(th_jstr(n, "at"), "T")); /* RFC 3339 */
    int64_t nid = th_jint(n, "id");
    json_decref(list);
    int64_t unread = 0;
    json_decref(inbox(&member, true, &unread));
    assert_int_equal(unread, before + 1);
    assert_non_null(find(&unitadmin, "returned", link, &list));
    json_decref(list);
    /* not the unit's viewer, not the office that returned it */
    assert_null(find(&leader, "returned", link, &list));
    json_decref(list);
    assert_null(find(&office, "returned", link, &list));
    json_decref(list);
    /* the header of every page counts it and links to the inbox; /api/v1/me too */
    assert_int_equal(header_count(&member), unread);
    struct th_resp *me = api("GET", "/api/v1/me", &member, NULL);
    th_assert_status(me, 200);
    assert_int_equal(th_jint(me->json, "unread_notifications"), unread);
    th_resp_free(me);
    struct th_resp *r = page("/inbox", &member);
    th_assert_status(r, 200);
    assert_non_null(strstr(r->body, "请补充会议签到表&lt;签字页&gt;"));
    assert_null(strstr(r->body, "<签字页>"));
    char href[96];
    snprintf(href, sizeof href, "name=\"to\" value=\"%s\"", link); /* opening marks it read */
    assert_non_null(strstr(r->body, href));
    assert_non_null(strstr(r->body, "name=\"csrf\""));
    assert_int_equal(tidy_errors(r), 0); /* a page with unread rows (forms in cells) */
    th_resp_free(r);
    /* mark it read on the page: without the CSRF token refused */
    char fields[64];
    snprintf(fields, sizeof fields, "id=%lld", (long long)nid);
    struct th_cred nocsrf = member;
    nocsrf.csrf[0] = '\0';
    r = th_form(&srv, "/inbox/read", &nocsrf, fields);
    assert_int_equal(r->status, 403);
    th_resp_free(r);
    r = th_form(&srv, "/inbox/read", &member, fields);
    th_assert_status(r, 303);
    th_resp_free(r);
    json_decref(inbox(&member, true, &unread));
    assert_int_equal(unread, before);
    assert_int_equal(header_count(&member), unread);
    n = find(&member, "returned", link, &list);
    assert_false(json_is_null(json_object_get(n, "read_at")));
    json_decref(list);
    r = page("/inbox", &member);
    snprintf(href, sizeof href, "href=\"%s\"", link); /* read: a plain link */
    assert_non_null(strstr(r->body, href));
    assert_int_equal(tidy_errors(r), 0);
    th_resp_free(r);
    /* someone else's id changes nothing; all read through the API */
    api_want("POST", "/api/v1/notifications/read", &leader,
             json_pack("{s:[I]}", "ids", (json_int_t)nid), 200);
    r = api("POST", "/api/v1/notifications/read", &unitadmin, json_pack("{s:b}", "all", 1));
    th_assert_status(r, 200);
    assert_true(th_jint(r->json, "read") >= 1);
    assert_int_equal(th_jint(r->json, "unread"), 0);
    th_resp_free(r);
    assert_int_equal(header_count(&unitadmin), 0);
    r = api("POST", "/api/v1/notifications/read", &member, json_pack("{s:b}", "all", 0));
    th_assert_error(r, 400, "bad_request", "ids");
    th_resp_free(r);
    r = api("GET", "/api/v1/notifications?limit=x", &member, NULL);
    th_assert_error(r, 400, "bad_request", "limit");
    th_resp_free(r);
    /* an approval is told too */
    int64_t ok = submitted_doc();
    char path[96];
    snprintf(path, sizeof path, "/api/v1/documents/%lld/approve", (long long)ok);
    api_want("POST", path, &office, NULL, 200);
    snprintf(link, sizeof link, "/documents/%lld", (long long)ok);
    n = find(&member, "approved", link, &list);
    assert_non_null(n);
    /* opened from the inbox: marked read, and on to the document (never another site) */
    snprintf(fields, sizeof fields, "id=%lld&to=%%2Fdocuments%%2F%lld", (long long)th_jint(n, "id"),
             (long long)ok);
    json_decref(list);
    r = th_form(&srv, "/inbox/read", &member, fields);
    th_assert_status(r, 303);
    assert_string_equal(th_header(r, "Location"), link);
    th_resp_free(r);
    n = find(&member, "approved", link, &list);
    assert_false(json_is_null(json_object_get(n, "read_at")));
    json_decref(list);
    snprintf(fields, sizeof fields, "id=%lld&to=%%2F%%2Fevil.example", (long long)nid);
    r = th_form(&srv, "/inbox/read", &member, fields);
    th_assert_status(r, 303);
    assert_non_null(strstr(th_header(r, "Location"), "/inbox?"));
    th_resp_free(r);
}

/* ---------------------------------------------------------------- preferences */

static void
test_prefs(void **state)
{
    (void)state;
    struct th_resp *r = api("GET", "/api/v1/me/notification-prefs", &member, NULL);
    th_assert_status(r, 200);
    assert_true(json_is_null(json_object_get(r->json, "email")));
    json_t *p = json_object_get(json_object_get(r->json, "prefs"), "returned");
    assert_true(json_is_true(json_object_get(p, "inbox")));
    assert_true(json_is_true(json_object_get(p, "email")));
    assert_non_null(json_object_get(json_object_get(r->json, "prefs"), "overdue"));
    th_resp_free(r);
    /* bad input */
    r = api("PUT", "/api/v1/me/notification-prefs", &member,
            json_pack("{s:s}", "email", "not an address"));
    th_assert_error(r, 400, "bad_request", "email");
    th_resp_free(r);
    r = api("PUT", "/api/v1/me/notification-prefs", &member,
            json_pack("{s:{s:{s:b}}}", "prefs", "nonsense", "inbox", 0));
    th_assert_error(r, 400, "bad_request", "prefs");
    th_resp_free(r);
    r = api("PUT", "/api/v1/me/notification-prefs", &member,
            json_pack("{s:{s:{s:i}}}", "prefs", "returned", "inbox", 0));
    th_assert_error(r, 400, "bad_request", "prefs");
    th_resp_free(r);
    /* the inbox off for returns (the e-mail stays on): a return leaves nothing in it */
    r = api("PUT", "/api/v1/me/notification-prefs", &member,
            json_pack("{s:{s:{s:b}}}", "prefs", "returned", "inbox", 0));
    th_assert_status(r, 200);
    p = json_object_get(json_object_get(r->json, "prefs"), "returned");
    assert_true(json_is_false(json_object_get(p, "inbox")));
    assert_true(json_is_true(json_object_get(p, "email")));
    th_resp_free(r);
    int64_t id = submitted_doc();
    doc_return(id, "格式不规范");
    char link[64];
    snprintf(link, sizeof link, "/documents/%lld", (long long)id);
    json_t *list;
    assert_null(find(&member, "returned", link, &list));
    json_decref(list);
    assert_non_null(find(&unitadmin, "returned", link, &list)); /* a person's own choice */
    json_decref(list);
    /* the /account page: the section, and its form (every kind from the boxes) */
    r = page("/account", &member);
    th_assert_status(r, 200);
    assert_non_null(strstr(r->body, "action=\"/account/notifications\""));
    assert_non_null(strstr(r->body, "name=\"email_returned\" value=\"1\""));
    assert_int_equal(tidy_errors(r), 0);
    th_resp_free(r);
    r = th_form(&srv, "/account/notifications", &member,
                "email=member%40example.org&inbox_approved=1&email_approved=1&inbox_returned=1"
                "&email_returned=1&inbox_due_soon=1&email_due_soon=1&inbox_overdue=1"
                "&email_overdue=1&inbox_guidance=1&email_guidance=1&email_featured=1");
    th_assert_status(r, 303);
    th_resp_free(r);
    r = api("GET", "/api/v1/me/notification-prefs", &member, NULL);
    assert_string_equal(th_jstr(r->json, "email"), "member@example.org");
    p = json_object_get(json_object_get(r->json, "prefs"), "featured");
    assert_true(json_is_false(json_object_get(p, "inbox")));
    assert_true(json_is_true(json_object_get(p, "email")));
    p = json_object_get(json_object_get(r->json, "prefs"), "returned");
    assert_true(json_is_true(json_object_get(p, "inbox")));
    th_resp_free(r);
    r = th_form(&srv, "/account/notifications", &member, "email=bad");
    assert_int_equal(r->status, 303);
    assert_non_null(strstr(th_header(r, "Location"), "err="));
    th_resp_free(r);
}

/* ---------------------------------------------------------------- the digest */

static int
b64val(char c)
{
    const char *t = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const char *p = c ? strchr(t, c) : NULL;
    return p ? (int)(p - t) : -1;
}

/* Decode base64 text of n characters (other characters skipped) onto out. */
static void
b64_decode(const char *s, size_t n, struct bytes *out)
{
    unsigned acc = 0;
    int bits = 0;
    for (size_t i = 0; i < n && '=' != s[i]; i++) {
        int v = b64val(s[i]);
        if (v < 0) {
            continue;
        }
        acc = (acc << 6) | (unsigned)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            char c = (char)((acc >> bits) & 0xff);
            bytes_add(out, &c, 1);
        }
    }
}

/* The decoded Subject of a message (RFC 2047 UTF-8 B words, folded); caller frees. */
static char *
subject_of(const char *msg)
{
    struct bytes out = {0};
    const char *p = strstr(msg, "\r\nSubject: ");
    assert_non_null(p);
    p += 11;
    for (;;) {
        assert_int_equal(strncmp(p, "=?UTF-8?B?", 10), 0);
        const char *end = strstr(p + 10, "?=");
        assert_non_null(end);
        b64_decode(p + 10, (size_t)(end - p - 10), &out);
        p = end + 2;
        if (0 != strncmp(p, "\r\n ", 3)) {
            break;
        }
        p += 3;
    }
    bytes_add(&out, "", 1);
    return out.p;
}

/* The decoded text body of a message; caller frees. */
static char *
body_of(const char *msg)
{
    assert_non_null(strstr(msg, "Content-Transfer-Encoding: base64\r\n"));
    const char *p = strstr(msg, "\r\n\r\n");
    assert_non_null(p);
    struct bytes out = {0};
    b64_decode(p + 4, strlen(p + 4), &out);
    bytes_add(&out, "", 1);
    return out.p;
}

/* Messages accepted since index from that went to address. */
static size_t
sent_to(size_t from, const char *address, size_t *last)
{
    size_t n = 0, total = smtp_sink_count(sink);
    for (size_t i = from; i < total; i++) {
        char *rc = smtp_sink_rcpt(sink, i);
        if (0 == strcmp(rc, address)) {
            n++;
            *last = i;
        }
        free(rc);
    }
    return n;
}

static void
notify_run(int want)
{
    char *out = TH_RUN(want, "notify", "run", "--data", srv.dir);
    free(out);
}

static void
test_digest(void **state)
{
    (void)state;
    /* member has an address (test_prefs); unitadmin gets one now */
    api_want("PUT", "/api/v1/me/notification-prefs", &unitadmin,
             json_pack("{s:s}", "email", "unitadmin@example.org"), 200);
    int64_t id = submitted_doc();
    doc_return(id, "请补充活动照片");
    size_t from = smtp_sink_count(sink), last = 0;
    notify_run(0);
    /* one message to each, with the item, its link on base_url, a Chinese subject */
    assert_int_equal(sent_to(from, "member@example.org", &last), 1);
    char *msg = smtp_sink_data(sink, last), *from_addr = smtp_sink_from(sink, last);
    assert_string_equal(from_addr, "wenming@example.org");
    free(from_addr);
    assert_non_null(strstr(msg, "\r\nTo: <member@example.org>\r\n"));
    assert_non_null(strstr(msg, "\r\nMessage-ID: <wm-digest-"));
    char *subject = subject_of(msg);
    assert_non_null(strstr(subject, "【文明创建】您有 "));
    assert_non_null(strstr(subject, "条新消息"));
    char *body = body_of(msg);
    char want[96];
    snprintf(want, sizeof want, "https://wm.example.org/documents/%lld", (long long)id);
    assert_non_null(strstr(body, "请补充活动照片"));
    assert_non_null(strstr(body, want));
    assert_non_null(strstr(body, "【文件被退回】"));
    free(subject);
    free(body);
    free(msg);
    assert_int_equal(sent_to(from, "unitadmin@example.org", &last), 1);
    /* nobody else: no address, nothing new */
    assert_int_equal(smtp_sink_count(sink) - from, 2);
    /* a second run sends nothing again */
    from = smtp_sink_count(sink);
    notify_run(0);
    assert_int_equal(smtp_sink_count(sink), from);
    /* what was read in the inbox before the digest is not mailed */
    id = submitted_doc();
    doc_return(id, "已在站内查看");
    api_want("POST", "/api/v1/notifications/read", &unitadmin, json_pack("{s:b}", "all", 1), 200);
    notify_run(0);
    assert_int_equal(sent_to(from, "unitadmin@example.org", &last), 0);
    assert_int_equal(sent_to(from, "member@example.org", &last), 1);
}

static void
test_digest_retry(void **state)
{
    (void)state;
    int64_t id = submitted_doc();
    doc_return(id, "请重新扫描");
    size_t from = smtp_sink_count(sink), last = 0;
    /* the server refuses: the job fails (the queue retries it later), nothing accepted */
    smtp_sink_refuse(sink, 451);
    char *out = TH_RUN(1, "notify", "run", "--data", srv.dir);
    assert_non_null(strstr(out, "451"));
    free(out);
    assert_int_equal(smtp_sink_count(sink), from);
    /* accepted again: the retry sends it once, with the item */
    smtp_sink_refuse(sink, 0);
    notify_run(0);
    assert_int_equal(sent_to(from, "member@example.org", &last), 1);
    char *msg = smtp_sink_data(sink, last);
    char *body = body_of(msg);
    assert_non_null(strstr(body, "请重新扫描"));
    free(body);
    free(msg);
    assert_int_equal(smtp_sink_count(sink) - from, 2); /* member and unitadmin */
    notify_run(0);
    assert_int_equal(smtp_sink_count(sink) - from, 2);
}

/* With smtp_host empty nothing is sent; the notifications wait for the next digest. */
static void
test_smtp_unset(void **state)
{
    (void)state;
    char conf[4200];
    snprintf(conf, sizeof conf, "%s/wenming.conf", srv.dir);
    FILE *f = fopen(conf, "a");
    assert_non_null(f);
    long at = ftell(f);
    fputs("smtp_host =\n", f);
    fclose(f);
    int64_t id = submitted_doc();
    doc_return(id, "邮件稍后发送");
    size_t from = smtp_sink_count(sink), last = 0;
    notify_run(0);
    assert_int_equal(smtp_sink_count(sink), from);
    assert_int_equal(truncate(conf, at), 0);
    /* without a sender address the digest fails for good, saying why, and sends nothing */
    f = fopen(conf, "a");
    assert_non_null(f);
    fputs("smtp_from =\n", f);
    fclose(f);
    char *out = TH_RUN(1, "notify", "run", "--data", srv.dir);
    assert_non_null(strstr(out, "smtp_from"));
    free(out);
    assert_int_equal(smtp_sink_count(sink), from);
    assert_int_equal(truncate(conf, at), 0);
    notify_run(0);
    assert_int_equal(sent_to(from, "member@example.org", &last), 1);
}

/* ---------------------------------------------------------------- the deadline scan */

/* c's notifications of kind whose link names the leaf page of the SCAN_YEAR archive. */
static size_t
scan_items(const struct th_cred *c, const char *kind)
{
    char pre[96];
    snprintf(pre, sizeof pre, "/units/%lld/archives/%d/leaf/", (long long)unit1, SCAN_YEAR);
    json_t *list = inbox(c, false, NULL);
    size_t n = 0, i;
    json_t *x;
    json_array_foreach(list, i, x)
    {
        n += 0 == strcmp(th_jstr(x, "kind"), kind) &&
             0 == strncmp(th_jstr(x, "link"), pre, strlen(pre));
    }
    json_decref(list);
    return n;
}

static void
test_schedule_scan(void **state)
{
    (void)state;
    assert_true(th_archive_create(&srv, &admin, unit1, SCAN_YEAR));
    /* 5 April: March's and the first quarter's deadlines (10 April) are near, January's and
    ** February's have passed */
    char *out = TH_RUN(0, "notify", "run", "--data", srv.dir, "--date", "2021-04-05");
    assert_non_null(strstr(out, "notify.schedule"));
    free(out);
    size_t soon = scan_items(&member, "due_soon"), over = scan_items(&member, "overdue");
    assert_true(soon > 0);
    assert_true(over > 0);
    assert_int_equal(scan_items(&leader, "due_soon"), 0);
    json_t *list = inbox(&member, false, NULL);
    size_t i;
    json_t *x;
    bool quarter = false;
    json_array_foreach(list, i, x)
    {
        if (0 == strcmp(th_jstr(x, "kind"), "due_soon") &&
            strstr(th_jstr(x, "text"), "第一季度")) {
            quarter = true;
            assert_non_null(strstr(th_jstr(x, "text"), "2021-04-10"));
        }
    }
    json_decref(list);
    assert_true(quarter);
    /* a second run on the same day tells nothing new */
    free(TH_RUN(0, "notify", "run", "--data", srv.dir, "--date", "2021-04-05"));
    assert_int_equal(scan_items(&member, "due_soon"), soon);
    assert_int_equal(scan_items(&member, "overdue"), over);
    /* a later day: what was due soon is overdue now, told once more */
    free(TH_RUN(0, "notify", "run", "--data", srv.dir, "--date", "2021-04-20"));
    assert_true(scan_items(&member, "overdue") > over);
    out = TH_RUN(2, "notify", "run", "--data", srv.dir, "--date", "2021-02-30");
    free(out);
}

static void
test_graceful_stop(void **state)
{
    (void)state;
    assert_int_equal(th_server_stop(&srv), 0);
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
             "smtp_from = wenming@example.org\nbase_url = https://wm.example.org/\n"
             "job_workers = 0\n", /* the jobs run in `wenming notify run` only */
             smtp_sink_port(sink));
    if (th_server_create(&srv, conf) || th_server_start(&srv, NULL)) {
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
            th_make_token(&srv, who[i].c, "notify") <= 0) {
            return -1;
        }
    }
    unit1 = th_unit_id(&srv, &admin, "DEMO001");
    if (0 == unit1 || !th_archive_create(&srv, &admin, unit1, YEAR)) {
        return -1;
    }
    return 0;
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
        cmocka_unit_test(test_return_inbox), cmocka_unit_test(test_prefs),
        cmocka_unit_test(test_digest),       cmocka_unit_test(test_digest_retry),
        cmocka_unit_test(test_smtp_unset),   cmocka_unit_test(test_schedule_scan),
        cmocka_unit_test(test_graceful_stop),
    };
    int failed = cmocka_run_group_tests_name("notify", tests, setup, teardown);
    th_done();
    return failed + th_teardown_failures;
}

/* end of test_http_notify.c */
