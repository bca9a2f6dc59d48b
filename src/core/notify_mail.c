/*
** notify_mail.c — the daily e-mail digest (issue 9): one message per person a day listing
** the notifications written for the e-mail since the last one, sent through SMTP with
** libcurl, by the job "notify.digest" on the job queue; and the daily jobs' schedule.
**
** Never twice, and what a retry does: a digest is first RECORDED (notify_digest, state
** sending, with its Message-ID) together with the notifications it carries, in one
** transaction; only then is the message handed to the SMTP server; once the server accepted
** it the digest is marked sent.  A notification is in at most one digest, so it is never in
** two messages.  A send that fails leaves the digest waiting: the job fails and the queue
** runs it again later, which sends the SAME digest (same items, same Message-ID) again, and
** makes new digests only from what is in none.  The one window left is a crash (or a lost
** store) between the server's acceptance and the mark: the next run sends that digest once
** more, with the same Message-ID, which mail systems use to drop duplicates.  A sender holds
** a digest (lease) while it sends it, so two runs (two servers, the CLI beside the server)
** never send one at once.
**
** Nothing is sent while smtp_host is empty; the notifications wait (at most a week:
** older ones are not mailed).  The SMTP password is never logged.
*/
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <sodium.h>

#include "tx.h"
#include "wm_core.h"

#define DIGEST_WINDOW   (7 * 86400) /* older notifications are not mailed */
#define DIGEST_BATCH    100
#define DIGEST_LEASE    600        /* seconds a sender holds a digest */
#define DIGEST_LIST_MAX 100        /* items a message lists (the rest: "and n more") */
#define CST             (8 * 3600) /* Asia/Shanghai: UTC+8, no DST */

static struct {
    char *smtp_host, *smtp_user, *smtp_password, *smtp_from, *base_url;
    unsigned smtp_port;
    bool smtp_starttls;
    unsigned hour;
} mc = {.smtp_port = 587, .smtp_starttls = true, .hour = 7};

static char *
dup_or_null(const char *s)
{
    return s && *s ? wm_strdup(s) : NULL;
}

/* ---------------------------------------------------------------- the message */

static void
b64(struct wm_buf *b, const unsigned char *p, size_t n)
{
    size_t len = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL);
    char *out = wm_malloc(len);
    sodium_bin2base64(out, len, p, n, sodium_base64_VARIANT_ORIGINAL);
    wm_buf_adds(b, out);
    free(out);
}

/* A header value as RFC 2047 encoded words (UTF-8, base64), each at most 75 characters,
** split between characters, folded onto continuation lines. */
static void
encoded_words(struct wm_buf *b, const char *s)
{
    size_t n = strlen(s), i = 0;
    while (i < n) {
        size_t take = n - i < 45 ? n - i : 45;
        while (take < n - i && take > 0 && 0x80 == ((unsigned char)s[i + take] & 0xc0)) {
            take--; /* not inside a character */
        }
        if (i) {
            wm_buf_adds(b, "\r\n ");
        }
        wm_buf_adds(b, "=?UTF-8?B?");
        b64(b, (const unsigned char *)s + i, take);
        wm_buf_adds(b, "?=");
        i += take;
    }
}

/* "https://site" + path, or the path alone without base_url. */
static void
full_link(struct wm_buf *b, const char *path)
{
    if (mc.base_url) {
        size_t l = strlen(mc.base_url);
        wm_buf_add(b, mc.base_url, l && '/' == mc.base_url[l - 1] ? l - 1 : l);
    }
    wm_buf_adds(b, path);
}

/* "2026-12-02 07:00" in Asia/Shanghai */
static void
cst_time(char out[32], int64_t t)
{
    time_t tt = (time_t)(t + CST);
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, 32, "%Y-%m-%d %H:%M", &tm);
}

/* The whole message (headers and a base64 body), CRLF line ends. */
static char *
message_of(const json_t *d, const json_t *items, int64_t now)
{
    struct wm_buf body = {0}, m = {0};
    size_t i, n = json_array_size(items);
    json_t *x;
    char t[32];
    cst_time(t, now);
    wm_buf_printf(&body,
                  _("%s，您好：\n\n以下是文明创建动态管理系统中给您的 %zu 条新消息（截至 %s）：\n"),
                  jss(d, "display_name"), n, t);
    json_array_foreach(items, i, x)
    {
        if (i == DIGEST_LIST_MAX) {
            wm_buf_printf(&body, _("\n……还有 %zu 条，请登录查看。\n"), n - i);
            break;
        }
        cst_time(t, jsi(x, "at"));
        wm_buf_printf(&body, "\n%zu. 【%s】%s\n   %s\n", i + 1,
                      wm_notify_kind_label(jss(x, "kind")), t, jss(x, "text"));
        if (jss(x, "link")[0]) {
            wm_buf_adds(&body, "   ");
            full_link(&body, jss(x, "link"));
            wm_buf_adds(&body, "\n");
        }
    }
    wm_buf_adds(&body, _("\n查看全部消息："));
    full_link(&body, "/inbox");
    wm_buf_adds(&body, _("\n不想收到某类邮件，可在“我的账号”中修改消息与邮件设置："));
    full_link(&body, "/account");
    wm_buf_adds(&body, _("\n\n（本邮件由系统自动发送，请勿直接回复。）\n"));

    char subject[256];
    snprintf(subject, sizeof subject, _("【文明创建】您有 %zu 条新消息"), n);
    char date[64];
    time_t tt = (time_t)(now + CST);
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0800", &tm);
    wm_buf_printf(&m, "Date: %s\r\nFrom: ", date);
    encoded_words(&m, _("文明创建动态管理系统"));
    wm_buf_printf(&m, " <%s>\r\nTo: <%s>\r\nSubject: ", mc.smtp_from, jss(d, "address"));
    encoded_words(&m, subject);
    wm_buf_printf(&m, "\r\nMessage-ID: %s\r\nMIME-Version: 1.0\r\n"
                      "Content-Type: text/plain; charset=UTF-8\r\n"
                      "Content-Transfer-Encoding: base64\r\nAuto-Submitted: auto-generated\r\n\r\n",
                  jss(d, "message_id"));
    /* the body in lines of 76 base64 characters (57 bytes each) */
    const unsigned char *p = (const unsigned char *)(body.data ? body.data : "");
    for (size_t off = 0; off < body.len; off += 57) {
        b64(&m, p + off, body.len - off < 57 ? body.len - off : 57);
        wm_buf_adds(&m, "\r\n");
    }
    wm_buf_free(&body);
    return wm_buf_steal(&m);
}

/* ---------------------------------------------------------------- SMTP */

struct upload {
    const char *p;
    size_t left;
};

static size_t
read_cb(char *buf, size_t size, size_t nitems, void *cls)
{
    struct upload *u = cls;
    size_t n = size * nitems < u->left ? size * nitems : u->left;
    memcpy(buf, u->p, n);
    u->p += n;
    u->left -= n;
    return n;
}

/* Hand one message to the SMTP server: 0, or -1 with why (never the password). */
static int
smtp_send(const char *to, const char *msg, char *why, size_t whylen)
{
    CURL *c = curl_easy_init();
    if (NULL == c) {
        snprintf(why, whylen, "libcurl: cannot start");
        return -1;
    }
    char url[512], from[300], rcpt[300], err[CURL_ERROR_SIZE] = "";
    snprintf(url, sizeof url, "smtp://%s:%u", mc.smtp_host, mc.smtp_port);
    snprintf(from, sizeof from, "<%s>", mc.smtp_from);
    snprintf(rcpt, sizeof rcpt, "<%s>", to);
    struct curl_slist *rcpts = curl_slist_append(NULL, rcpt);
    struct upload up = { .p = msg, .left = strlen(msg) };
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp");
    curl_easy_setopt(c, CURLOPT_USE_SSL,
                     (long)(mc.smtp_starttls ? CURLUSESSL_ALL : CURLUSESSL_NONE));
    if (mc.smtp_user) {
        curl_easy_setopt(c, CURLOPT_USERNAME, mc.smtp_user);
        curl_easy_setopt(c, CURLOPT_PASSWORD, mc.smtp_password ? mc.smtp_password : "");
    }
    curl_easy_setopt(c, CURLOPT_MAIL_FROM, from);
    curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpts);
    curl_easy_setopt(c, CURLOPT_READFUNCTION, read_cb);
    curl_easy_setopt(c, CURLOPT_READDATA, &up);
    curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 20L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 120L);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, err);
    CURLcode rc = curl_easy_perform(c);
    long code = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
    curl_slist_free_all(rcpts);
    curl_easy_cleanup(c);
    if (CURLE_OK != rc) {
        snprintf(why, whylen, "SMTP %s:%u: %s (%ld)", mc.smtp_host, mc.smtp_port,
                 err[0] ? err : curl_easy_strerror(rc), code);
        return -1;
    }
    return 0;
}

/* ---------------------------------------------------------------- the digest job */

struct mark {
    int64_t id;
    const char *why;
    int64_t until;
    enum wm_qs qs;
    bool take;
};

static enum wm_err
mark_tx(struct wm_db *db, void *cls)
{
    struct mark *k = cls;
    int64_t now = wm_now();
    k->qs = k->take ? db->ops->notify_digest_take(db, k->id, now, now + DIGEST_LEASE)
                    : db->ops->notify_digest_done(db, k->id, k->why, now);
    return k->qs < 0 ? (WM_QS_SOFT == k->qs ? WM_E_UNAVAILABLE : WM_E_INTERNAL) : WM_OK;
}

struct create {
    const json_t *row;
    int64_t since;
    enum wm_qs qs;
};

static enum wm_err
create_tx(struct wm_db *db, void *cls)
{
    struct create *c = cls;
    char *rnd = wm_random_token(12);
    const char *at = mc.smtp_from ? strrchr(mc.smtp_from, '@') : NULL;
    char *mid = wm_asprintf("<wm-digest-%lld-%s@%s>", (long long)jsi(c->row, "user_id"), rnd,
                            at && at[1] ? at + 1 : "wenming.invalid");
    int64_t id = 0, n = 0;
    c->qs = db->ops->notify_digest_create(db, jsi(c->row, "user_id"), jss(c->row, "email"), mid,
                                          c->since, wm_now(), &id, &n);
    free(mid);
    free(rnd);
    return c->qs < 0 ? (WM_QS_SOFT == c->qs ? WM_E_UNAVAILABLE : WM_E_INTERNAL) : WM_OK;
}

/* Record a digest for everyone with something new; how many. */
static enum wm_err
digests_make(struct wm_db *db, int64_t *made, struct wm_fail *f)
{
    int64_t since = wm_now() - DIGEST_WINDOW;
    for (;;) {
        json_t *rows = db->ops->notify_pending(db, since, DIGEST_BATCH);
        if (NULL == rows) {
            db->status = wm_db_failed(db) ? db->status : WM_QS_HARD;
            return wm_read_fail(db, f, NULL, NULL);
        }
        size_t i, k = 0;
        json_t *r;
        json_array_foreach(rows, i, r)
        {
            if (!wm_email_valid(jss(r, "email"))) {
                continue; /* never stored by wenming: someone wrote the table */
            }
            struct create c = {.row = r, .since = since};
            enum wm_err e = wm_db_run_tx(db, create_tx, &c);
            if (WM_OK != e) {
                json_decref(rows);
                return wm_fail_set(f, e, NULL, "%s", _("无法记录邮件摘要"));
            }
            k += WM_QS_ONE == c.qs;
        }
        size_t got = json_array_size(rows);
        json_decref(rows);
        *made += (int64_t)k;
        if (got < DIGEST_BATCH || 0 == k) {
            return WM_OK;
        }
    }
}

enum wm_err
wm_notify_digest_run(struct wm_db *db, json_t **result, struct wm_fail *f)
{
    if (NULL == mc.smtp_host) {
        if (result) {
            *result = json_pack("{s:I, s:I, s:s}", "digests", (json_int_t)0, "sent",
                                (json_int_t)0, "skipped", "smtp_host is not set");
        }
        return WM_OK;
    }
    if (NULL == mc.smtp_from || !wm_email_valid(mc.smtp_from)) {
        /* a setting to mend, not a passing failure: failed for good, shown in /admin/jobs */
        return wm_fail_set(f, WM_E_BAD_REQUEST, "smtp_from", "%s",
                           _("wenming.conf 的 smtp_from（发件地址）未设置或无效，邮件未发送"));
    }
    int64_t made = 0, sent = 0, failed = 0;
    char first_why[256] = "";
    enum wm_err e = digests_make(db, &made, f);
    json_t *tried = json_object(); /* digest ids tried in this run */
    while (WM_OK == e) {
        json_t *open = db->ops->notify_digest_open(db, DIGEST_BATCH);
        if (NULL == open) {
            db->status = wm_db_failed(db) ? db->status : WM_QS_HARD;
            e = wm_read_fail(db, f, NULL, NULL);
            break;
        }
        size_t i, fresh = 0;
        json_t *d;
        json_array_foreach(open, i, d)
        {
            char key[32];
            snprintf(key, sizeof key, "%lld", (long long)jsi(d, "id"));
            if (json_object_get(tried, key) || WM_OK != e) {
                continue;
            }
            json_object_set_new(tried, key, json_true());
            fresh++;
            struct mark take = {.id = jsi(d, "id"), .take = true};
            if (WM_OK != (e = wm_db_run_tx(db, mark_tx, &take))) {
                wm_fail_set(f, e, NULL, "%s", _("无法记录邮件摘要"));
                break;
            }
            if (WM_QS_ONE != take.qs) {
                continue; /* another sender has it */
            }
            json_t *items = db->ops->notify_digest_items(db, take.id);
            if (NULL == items) {
                db->status = wm_db_failed(db) ? db->status : WM_QS_HARD;
                e = wm_read_fail(db, f, NULL, NULL);
                break;
            }
            char *msg = message_of(d, items, wm_now());
            char why[256] = "";
            int rc = smtp_send(jss(d, "address"), msg, why, sizeof why);
            free(msg);
            json_decref(items);
            struct mark done = {.id = take.id, .why = rc ? why : NULL};
            if (rc) {
                failed++;
                wm_log(WM_LOG_WARN, "digest %lld to user %lld: %s", (long long)take.id,
                       (long long)jsi(d, "user_id"), why);
                if (!first_why[0]) {
                    snprintf(first_why, sizeof first_why, "%s", why);
                }
            } else {
                sent++;
            }
            if (WM_OK != (e = wm_db_run_tx(db, mark_tx, &done))) {
                /* sent but not marked: the next run sends it again (same Message-ID) */
                wm_fail_set(f, e, NULL, "%s", _("邮件已发出，但无法记录"));
            }
        }
        json_decref(open);
        if (0 == fresh) {
            break;
        }
    }
    json_decref(tried);
    if (result) {
        *result = json_pack("{s:I, s:I, s:I}", "digests", (json_int_t)made, "sent",
                            (json_int_t)sent, "failed", (json_int_t)failed);
    }
    if (WM_OK == e && failed) {
        /* retried by the queue: the waiting digests go out then, the sent ones never again */
        e = wm_fail_set(f, WM_E_UNAVAILABLE, NULL, _("%lld 封邮件未能发出：%s"),
                        (long long)failed, first_why);
    }
    return e;
}

/* ---------------------------------------------------------------- a visit notice at once */

/* The message of a visit notice (scheduled, rescheduled, cancelled) to one account. */
static char *
visit_message(const json_t *v, const json_t *u, const char *what, int64_t now)
{
    struct wm_buf body = {0}, m = {0};
    char t[32], subject[256];
    cst_time(t, jsi(v, "starts_at"));
    bool cancel = wm_streq(what, "cancelled");
    wm_buf_printf(&body, _("%s，您好：\n\n"), jss(u, "display_name"));
    if (cancel) {
        wm_buf_printf(&body, _("“%s”对%s原定于 %s（北京时间）的测评走访已取消。\n"),
                      jss(v, "round_name"), jss(v, "unit_name"), t);
        snprintf(subject, sizeof subject, _("【文明创建】测评走访已取消：%s"), t);
    } else {
        wm_buf_printf(&body, _("“%s”测评组将于 %s（北京时间）到%s走访%s。\n"),
                      jss(v, "round_name"), t, jss(v, "unit_name"),
                      wm_streq(what, "rescheduled") ? _("（时间已调整）") : "");
        if (jss(v, "place")[0]) {
            wm_buf_printf(&body, _("地点：%s\n"), jss(v, "place"));
        }
        if (jss(v, "note")[0]) {
            wm_buf_printf(&body, _("说明：%s\n"), jss(v, "note"));
        }
        snprintf(subject, sizeof subject, _("【文明创建】测评走访通知：%s"), t);
    }
    wm_buf_adds(&body, _("\n详情："));
    char path[64];
    snprintf(path, sizeof path, "/rounds/%lld/visits", (long long)jsi(v, "round_id"));
    full_link(&body, path);
    wm_buf_adds(&body, _("\n\n（本邮件由系统自动发送，请勿直接回复。）\n"));
    char date[64];
    time_t tt = (time_t)(now + CST);
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0800", &tm);
    char *rnd = wm_random_token(12);
    const char *at = strrchr(mc.smtp_from, '@');
    wm_buf_printf(&m, "Date: %s\r\nFrom: ", date);
    encoded_words(&m, _("文明创建动态管理系统"));
    wm_buf_printf(&m, " <%s>\r\nTo: <%s>\r\nSubject: ", mc.smtp_from, jss(u, "email"));
    encoded_words(&m, subject);
    wm_buf_printf(&m, "\r\nMessage-ID: <wm-visit-%lld-%s@%s>\r\nMIME-Version: 1.0\r\n"
                      "Content-Type: text/plain; charset=UTF-8\r\n"
                      "Content-Transfer-Encoding: base64\r\nAuto-Submitted: auto-generated\r\n\r\n",
                  (long long)jsi(v, "id"), rnd, at && at[1] ? at + 1 : "wenming.invalid");
    free(rnd);
    const unsigned char *p = (const unsigned char *)(body.data ? body.data : "");
    for (size_t off = 0; off < body.len; off += 57) {
        b64(&m, p + off, body.len - off < 57 ? body.len - off : 57);
        wm_buf_adds(&m, "\r\n");
    }
    wm_buf_free(&body);
    return wm_buf_steal(&m);
}

/*
** The job "notify.visit" {visit_id, what}: one message at once to each enabled account of
** the visited unit (unit_admin, unit_member) with an address whose e-mail preference for
** the kind visit is on.  The accounts already sent to
** are kept in the job's progress, so a retry after a failed send mails only the rest.
*/
static enum wm_err
run_visit(struct wm_db *db, struct wm_job *job, const json_t *payload, json_t **result,
          struct wm_fail *f)
{
    if (NULL == mc.smtp_host) {
        *result = json_pack("{s:I, s:s}", "sent", (json_int_t)0, "skipped", "smtp_host is not set");
        return WM_OK;
    }
    if (NULL == mc.smtp_from || !wm_email_valid(mc.smtp_from)) {
        return wm_fail_set(f, WM_E_BAD_REQUEST, "smtp_from", "%s",
                           _("wenming.conf 的 smtp_from（发件地址）未设置或无效，邮件未发送"));
    }
    const char *what = json_string_value(json_object_get(payload, "what"));
    json_t *v = db->ops->visit_get(db, jsi(payload, "visit_id"));
    if (NULL == v) {
        return wm_db_failed(db) ? wm_read_fail(db, f, NULL, NULL)
                                : wm_fail_set(f, WM_E_NOT_FOUND, NULL, "%s", _("走访安排不存在"));
    }
    json_t *unit = db->ops->org_get(db, jsi(v, "unit_id"));
    struct wm_page pg = {.scope = unit ? jss(unit, "path") : "/-/", .limit = 1000};
    json_t *users = unit ? db->ops->user_list(db, &pg) : NULL;
    json_decref(unit);
    if (NULL == users) {
        json_decref(v);
        db->status = wm_db_failed(db) ? db->status : WM_QS_HARD;
        return wm_read_fail(db, f, NULL, NULL);
    }
    json_t *done = json_object();
    const json_t *row = job ? wm_job_row(job) : NULL;
    json_t *prog = json_is_object(json_object_get(row, "progress"))
                       ? json_incref(json_object_get(row, "progress"))
                       : json_loads(jss(row, "progress"), 0, NULL);
    if (json_is_object(json_object_get(prog, "sent"))) {
        json_object_update(done, json_object_get(prog, "sent"));
    }
    json_decref(prog);
    int64_t sent = 0, failed = 0;
    char first_why[256] = "";
    size_t i;
    json_t *x;
    json_array_foreach(users, i, x)
    {
        char key[32];
        snprintf(key, sizeof key, "%lld", (long long)jsi(x, "id"));
        if (jsi(x, "org_id") != jsi(v, "unit_id") || json_object_get(done, key) ||
            !(wm_streq(jss(x, "role"), "unit_admin") || wm_streq(jss(x, "role"), "unit_member"))) {
            continue;
        }
        json_t *u = db->ops->user_email_get(db, jsi(x, "id"));
        if (NULL == u || jsi(u, "disabled") || !wm_email_valid(jss(u, "email"))) {
            json_decref(u);
            continue;
        }
        /* the person's choice for the kind visit (no row: on) */
        json_t *prefs = db->ops->notify_prefs(db, jsi(x, "id"));
        bool off = false;
        size_t k;
        json_t *p;
        json_array_foreach(prefs, k, p)
        {
            off = off || (wm_streq(jss(p, "kind"), "visit") && 0 == jsi(p, "email"));
        }
        json_decref(prefs);
        if (off) {
            json_decref(u);
            continue;
        }
        char *msg = visit_message(v, u, what ? what : "scheduled", wm_now());
        char why[256] = "";
        if (smtp_send(jss(u, "email"), msg, why, sizeof why)) {
            failed++;
            wm_log(WM_LOG_WARN, "visit notice %lld to user %lld: %s", (long long)jsi(v, "id"),
                   (long long)jsi(x, "id"), why);
            if (!first_why[0]) {
                snprintf(first_why, sizeof first_why, "%s", why);
            }
        } else {
            sent++;
            json_object_set_new(done, key, json_true());
        }
        free(msg);
        json_decref(u);
    }
    json_decref(users);
    json_decref(v);
    if (job && failed) {
        (void)wm_job_progress(job, json_pack("{s:O}", "sent", done), true);
    }
    json_decref(done);
    *result = json_pack("{s:I, s:I}", "sent", (json_int_t)sent, "failed", (json_int_t)failed);
    if (failed) {
        return wm_fail_set(f, WM_E_UNAVAILABLE, NULL, _("%lld 封邮件未能发出：%s"),
                           (long long)failed, first_why);
    }
    return WM_OK;
}

/* ---------------------------------------------------------------- the daily jobs */

int64_t
wm_notify_next_at(int64_t t, unsigned hour, unsigned minute)
{
    int64_t day = (t + CST) / 86400;
    int64_t at = day * 86400 - CST + (int64_t)hour * 3600 + (int64_t)minute * 60;
    return at > t ? at : at + 86400;
}

static int64_t
next_scan(int64_t last, int64_t now)
{
    return wm_notify_next_at(last > 0 ? last : now, mc.hour, 0);
}

static int64_t
next_digest(int64_t last, int64_t now)
{
    return wm_notify_next_at(last > 0 ? last : now, mc.hour, 15); /* after the scan */
}

static enum wm_err
run_schedule(struct wm_db *db, struct wm_job *job, const json_t *payload, json_t **result,
             struct wm_fail *f)
{
    (void)job;
    const char *date = json_string_value(json_object_get(payload, "date"));
    return wm_notify_schedule_scan(db, date, result, f);
}

static enum wm_err
run_digest(struct wm_db *db, struct wm_job *job, const json_t *payload, json_t **result,
           struct wm_fail *f)
{
    (void)job;
    (void)payload;
    return wm_notify_digest_run(db, result, f);
}

void
wm_notify_register(const struct wm_notify_conf *c)
{
    free(mc.smtp_host);
    free(mc.smtp_user);
    free(mc.smtp_password);
    free(mc.smtp_from);
    free(mc.base_url);
    mc.smtp_host = dup_or_null(c->smtp_host);
    mc.smtp_user = dup_or_null(c->smtp_user);
    mc.smtp_password = dup_or_null(c->smtp_password);
    mc.smtp_from = dup_or_null(c->smtp_from);
    mc.base_url = dup_or_null(c->base_url);
    mc.smtp_port = c->smtp_port ? c->smtp_port : 587;
    mc.smtp_starttls = c->smtp_starttls;
    mc.hour = c->digest_hour < 24 ? c->digest_hour : 7;
    if (mc.smtp_host) {
        curl_global_init(CURL_GLOBAL_DEFAULT);
    }
    const struct wm_job_kind scan = {.kind = "notify.schedule", .run = run_schedule,
                                     .max_attempts = 5, .backoff = 300, .next_run = next_scan};
    const struct wm_job_kind digest = {.kind = "notify.digest", .run = run_digest,
                                       .max_attempts = 8, .backoff = 300, .backoff_max = 3600,
                                       .next_run = next_digest};
    const struct wm_job_kind visit = {.kind = "notify.visit", .run = run_visit,
                                      .max_attempts = 8, .backoff = 60, .backoff_max = 3600};
    wm_jobs_register(&scan);
    wm_jobs_register(&digest);
    wm_jobs_register(&visit);
}

/* end of notify_mail.c */
