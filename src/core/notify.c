/*
** notify.c — notifications (issue 9): who is told what, in the inbox and by e-mail.
**
** A change that someone should hear about (a document returned or approved, a guidance
** reply, a period due soon or overdue, a featured item) calls wm_notify_unit, _office or
** _user inside its own write transaction, so the notification exists exactly when the
** change does.  The store writes one row per recipient with the recipient's preference
** for the kind (inbox on/off, e-mail on/off) as it is then; nobody with both off gets a
** row.  The daily digest (the job "notify.digest") mails what was written for the e-mail.
*/
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tx.h"
#include "wm_core.h"

const char *const wm_notify_kinds[] = {"returned", "due_soon", "overdue",
                                       "approved", "guidance", "featured",
                                       "declaration", "visit", "title",
                                       "rectification", /* issue 12, work_rect */
                                       NULL};

bool
wm_notify_kind_valid(const char *kind)
{
    for (size_t i = 0; kind && wm_notify_kinds[i]; i++) {
        if (wm_streq(kind, wm_notify_kinds[i])) {
            return true;
        }
    }
    return false;
}

const char *
wm_notify_kind_label(const char *kind)
{
    static const struct {
        const char *kind;
        const char *label;
    } labels[] = {
        {"returned", N_("文件被退回")}, {"approved", N_("文件审核通过")},
        {"guidance", N_("指导意见回复")}, {"due_soon", N_("即将到期")},
        {"overdue", N_("已逾期")},      {"featured", N_("经验做法入选")},
        {"declaration", N_("测评申报")}, {"visit", N_("测评走访通知")},
        {"title", N_("文明称号")},
        {"rectification", N_("整改项")}, /* issue 12, work_rect */
    };
    for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++) {
        if (wm_streq(kind, labels[i].kind)) {
            return _(labels[i].label);
        }
    }
    return kind ? kind : "";
}

static int
notify(struct wm_db *db, enum wm_notify_to to, int64_t target, const char *kind,
       const char *otype, int64_t oid, const char *text, const char *link, int64_t except_user)
{
    if (!wm_notify_kind_valid(kind) || NULL == text) {
        wm_log(WM_LOG_ERROR, "internal: notification of unknown kind '%s'", kind ? kind : "");
        return -1;
    }
    const struct wm_notify_in in = {
        .kind = kind,
        .object_type = otype,
        .object_id = otype ? oid : 0,
        .text = text,
        .link = link,
        .except_user = except_user,
    };
    int64_t n = 0;
    enum wm_qs qs = db->ops->notify_insert(db, to, target, &in, wm_now(), &n);
    return WM_QS_ONE == qs ? 0 : -1;
}

int
wm_notify_unit(struct wm_db *db, int64_t unit_id, const char *kind, const char *otype,
               int64_t oid, const char *text, const char *link, int64_t except_user)
{
    return notify(db, WM_NOTIFY_UNIT, unit_id, kind, otype, oid, text, link, except_user);
}

int
wm_notify_office(struct wm_db *db, int64_t unit_id, const char *kind, const char *otype,
                 int64_t oid, const char *text, const char *link, int64_t except_user)
{
    return notify(db, WM_NOTIFY_OFFICE, unit_id, kind, otype, oid, text, link, except_user);
}

int
wm_notify_user(struct wm_db *db, int64_t user_id, const char *kind, const char *otype,
               int64_t oid, const char *text, const char *link, int64_t except_user)
{
    return notify(db, WM_NOTIFY_USER, user_id, kind, otype, oid, text, link, except_user);
}

/* ---------------------------------------------------------------- the caller's inbox */

/* The caller's own account (inboxes are personal: nobody reads another's). */
static int64_t
own_id(const struct wm_actor *a)
{
    return a && a->p ? a->p->user_id : 0;
}

json_t *
wm_notify_inbox(struct wm_db *db, const struct wm_actor *a, bool unread_only, unsigned limit,
                unsigned offset, struct wm_fail *f)
{
    if (0 == own_id(a)) {
        wm_fail_set(f, WM_E_NOT_FOUND, NULL, "%s", _("命令行没有消息"));
        return NULL;
    }
    json_t *rows = db->ops->notify_list(db, own_id(a), unread_only,
                                        limit ? limit : WM_NOTIFY_PAGE, offset);
    if (NULL == rows) {
        if (!wm_db_failed(db)) {
            db->status = WM_QS_HARD; /* a list is never "no row" */
        }
        wm_read_fail(db, f, NULL, NULL);
    }
    return rows;
}

/* The unread counts this thread read last (every page header and GET /api/v1/me shows
** one), each valid while the store's generation is what it was when it was read. */
static _Thread_local struct {
    const struct wm_db *db;
    int64_t user, gen, n;
} unread_seen[8];
static _Thread_local unsigned unread_next;

int64_t
wm_notify_unread_count(struct wm_db *db, const struct wm_actor *a)
{
    int64_t user = own_id(a), gen;
    if (0 == user) {
        return 0;
    }
    bool versioned = db->ops->generation(db, &gen);
    for (unsigned i = 0; versioned && i < WM_ARRAY_LEN(unread_seen); i++) {
        if (unread_seen[i].db == db && unread_seen[i].user == user && unread_seen[i].gen == gen) {
            return unread_seen[i].n;
        }
    }
    int64_t n = db->ops->notify_unread(db, user);
    if (wm_db_failed(db)) {
        return -1;
    }
    if (versioned) {
        unsigned i = unread_next++ % WM_ARRAY_LEN(unread_seen);
        unread_seen[i].db = db;
        unread_seen[i].user = user;
        unread_seen[i].gen = gen;
        unread_seen[i].n = n;
    }
    return n;
}

static enum wm_err
read_once(struct wm_db *db, int64_t user, const int64_t *ids, size_t n, bool all,
          int64_t *changed, struct wm_fail *f)
{
    enum wm_err e;
    *changed = 0;
    if (WM_OK != (e = tx_begin(db, f))) {
        return e;
    }
    int64_t now = wm_now();
    for (size_t i = 0; i < (all ? 1 : n) && WM_OK == e; i++) {
        int64_t k = 0;
        enum wm_qs qs = db->ops->notify_read(db, user, all ? 0 : ids[i], now, &k);
        if (qs < 0) {
            e = wm_write_fail(db, f, NULL, NULL, _("无法标记为已读"));
        }
        *changed += k;
    }
    return tx_end(db, e, f);
}

enum wm_err
wm_notify_mark_read(struct wm_db *db, const struct wm_actor *a, const int64_t *ids, size_t n,
                    bool all, int64_t *changed, struct wm_fail *f)
{
    int64_t dummy = 0;
    changed = changed ? changed : &dummy;
    *changed = 0;
    if (0 == own_id(a)) {
        return wm_fail_set(f, WM_E_NOT_FOUND, NULL, "%s", _("命令行没有消息"));
    }
    if (!all && 0 == n) {
        return wm_fail_set(f, WM_E_BAD_REQUEST, "ids", "%s", _("请至少选择一条消息"));
    }
    if (n > WM_NOTIFY_READ_MAX) {
        return wm_fail_set(f, WM_E_BAD_REQUEST, "ids", _("一次最多标记 %d 条消息"),
                           WM_NOTIFY_READ_MAX);
    }
    /* Marking read is not audited: it changes nothing anyone else sees (as a session's
    ** last use is not). */
    enum wm_err e;
    TX_RETRY(e, read_once(db, own_id(a), ids, n, all, changed, f));
    return e;
}

/* ---------------------------------------------------------------- preferences */

bool
wm_email_valid(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    const char *at = s ? strchr(s, '@') : NULL;
    if (n < 3 || n > 254 || NULL == at || at == s || strchr(at + 1, '@') ||
        NULL == strchr(at + 1, '.') || '.' == at[1] || '.' == s[n - 1]) {
        return false;
    }
    for (const char *p = s; *p; p++) {
        unsigned char c = (unsigned char)*p;
        /* printable ASCII without what would break a header or an SMTP command */
        if (c <= 0x20 || c >= 0x7f || strchr("<>()[]\\,;:\"", c)) {
            return false;
        }
    }
    return true;
}

/* {"email": text|null, "prefs": {kind: {"inbox": bool, "email": bool}}} */
static json_t *
prefs_json(const json_t *user, const json_t *rows)
{
    json_t *prefs = json_object();
    for (size_t i = 0; wm_notify_kinds[i]; i++) {
        bool inbox = true, email = true;
        size_t j;
        json_t *r;
        json_array_foreach(rows, j, r)
        {
            if (wm_streq(jss(r, "kind"), wm_notify_kinds[i])) {
                inbox = 0 != jsi(r, "inbox");
                email = 0 != jsi(r, "email");
            }
        }
        json_object_set_new(prefs, wm_notify_kinds[i],
                            json_pack("{s:b, s:b}", "inbox", inbox, "email", email));
    }
    const char *addr = json_string_value(json_object_get(user, "email"));
    return json_pack("{s:o, s:o}", "email", addr ? json_string(addr) : json_null(), "prefs",
                     prefs);
}

static json_t *
prefs_read(struct wm_db *db, int64_t user, struct wm_fail *f)
{
    json_t *u = db->ops->user_email_get(db, user);
    json_t *rows = u ? db->ops->notify_prefs(db, user) : NULL;
    if (NULL == rows) {
        if (u && !wm_db_failed(db)) {
            db->status = WM_QS_HARD;
        }
        wm_read_fail(db, f, NULL, _("账号不存在"));
        json_decref(u);
        return NULL;
    }
    json_t *out = prefs_json(u, rows);
    json_decref(u);
    json_decref(rows);
    return out;
}

json_t *
wm_notify_prefs_get(struct wm_db *db, const struct wm_actor *a, struct wm_fail *f)
{
    if (0 == own_id(a)) {
        wm_fail_set(f, WM_E_NOT_FOUND, NULL, "%s", _("命令行没有消息设置"));
        return NULL;
    }
    return prefs_read(db, own_id(a), f);
}

struct prefs_set {
    bool set_email;
    const char *email;
    const struct wm_notify_pref *p;
    size_t n;
};

static enum wm_err
prefs_once(struct wm_db *db, const struct wm_actor *a, const struct prefs_set *in,
           struct wm_fail *f)
{
    enum wm_err e;
    if (WM_OK != (e = tx_begin(db, f))) {
        return e;
    }
    int64_t user = own_id(a);
    json_t *before = prefs_read(db, user, f);
    if (NULL == before) {
        return tx_end(db, wm_read_fail(db, f, NULL, _("账号不存在")), f);
    }
    if (in->set_email && WM_QS_ONE != db->ops->user_email_set(db, user, in->email)) {
        e = wm_write_fail(db, f, "email", NULL, _("无法保存邮箱地址"));
    }
    json_t *old = json_object_get(before, "prefs");
    for (size_t i = 0; i < in->n && WM_OK == e; i++) {
        json_t *cur = json_object_get(old, in->p[i].kind);
        bool inbox = in->p[i].inbox < 0 ? json_is_true(json_object_get(cur, "inbox"))
                                        : 0 != in->p[i].inbox;
        bool email = in->p[i].email < 0 ? json_is_true(json_object_get(cur, "email"))
                                        : 0 != in->p[i].email;
        if (db->ops->notify_pref_set(db, user, in->p[i].kind, inbox, email) < 0) {
            e = wm_write_fail(db, f, "prefs", NULL, _("无法保存消息设置"));
        }
    }
    json_t *after = WM_OK == e ? prefs_read(db, user, f) : NULL;
    if (WM_OK == e && NULL == after) {
        e = wm_read_fail(db, f, NULL, NULL);
    }
    if (WM_OK == e) {
        /* the address is personal: the audit entry says whether there is one */
        json_object_set_new(before, "email", json_boolean(json_is_string(
                                                 json_object_get(before, "email"))));
        json_object_set_new(after, "email", json_boolean(json_is_string(
                                                json_object_get(after, "email"))));
        e = wm_audit(db, a, "user.notify_prefs", "user", user, a->p->org_path, before, after);
    }
    json_decref(before);
    json_decref(after);
    return tx_end(db, e, f);
}

enum wm_err
wm_notify_prefs_set(struct wm_db *db, const struct wm_actor *a, bool set_email,
                    const char *email, const struct wm_notify_pref *p, size_t n,
                    struct wm_fail *f)
{
    if (0 == own_id(a)) {
        return wm_fail_set(f, WM_E_NOT_FOUND, NULL, "%s", _("命令行没有消息设置"));
    }
    if (set_email && email && *email && !wm_email_valid(email)) {
        return wm_fail_set(f, WM_E_BAD_REQUEST, "email", "%s",
                           _("邮箱地址格式不正确，例如 zhang@example.org"));
    }
    for (size_t i = 0; i < n; i++) {
        if (!wm_notify_kind_valid(p[i].kind)) {
            return wm_fail_set(f, WM_E_BAD_REQUEST, "prefs", _("未知的消息类型 %s"),
                               p[i].kind ? p[i].kind : "");
        }
    }
    const struct prefs_set in = {
        .set_email = set_email,
        .email = email && *email ? email : NULL,
        .p = p,
        .n = n,
    };
    enum wm_err e;
    TX_RETRY(e, prefs_once(db, a, &in, f));
    return e;
}

/* ---------------------------------------------------------------- deadlines (the daily scan) */

/* One due-soon or overdue period of a leaf, to tell the unit about once. */
struct due {
    char key[160];
    char *text;
    char link[160];
    const char *kind;
};

/* The periods of an archive that are due soon or overdue on today (its schedule read as
** the platform). */
static size_t
dues_of(struct wm_db *db, const json_t *row, const char *today, struct due **out,
        struct wm_fail *f)
{
    static const struct wm_actor sys = {.p = NULL, .request_id = "notify.schedule",
                                        .addr = "job"};
    *out = NULL;
    json_t *ar = wm_archive_open(db, &sys, jsi(row, "unit_id"), jsi(row, "year"), f);
    if (NULL == ar) {
        return 0;
    }
    /* the settings of the office nearest above the unit */
    struct wm_sched_opts o;
    json_t *sched = WM_OK == wm_sched_opts_for(db, ar, &o, f)
                        ? wm_archive_schedule(db, &sys, ar, &o, today, f)
                        : NULL;
    int64_t now_day = 0;
    if (!wm_day_parse(today, &now_day)) {
        now_day = wm_day_today();
    }
    size_t n = 0, cap = 0;
    struct due *d = NULL;
    size_t i, j;
    json_t *leaf, *p;
    json_array_foreach(json_object_get(sched, "leaves"), i, leaf)
    {
        json_array_foreach(json_object_get(leaf, "periods"), j, p)
        {
            const char *st = jss(p, "state");
            bool soon = wm_streq(st, "due_soon");
            int64_t deadline = 0;
            if (!soon &&
                (!wm_streq(st, "overdue") || !wm_day_parse(jss(p, "deadline"), &deadline) ||
                 now_day - deadline > WM_NOTIFY_OVERDUE_DAYS)) {
                continue; /* long overdue: the schedule shows it; no flood of old news */
            }
            if (n == cap) {
                cap = cap ? 2 * cap : 16;
                d = wm_realloc(d, cap * sizeof *d);
            }
            struct due *x = &d[n++];
            x->kind = soon ? "due_soon" : "overdue";
            snprintf(x->key, sizeof x->key, "sched:%lld:%s:%s:%s", (long long)jsi(ar, "id"),
                     jss(leaf, "code"), jss(p, "period"), x->kind);
            snprintf(x->link, sizeof x->link, "/units/%lld/archives/%lld/leaf/%s",
                     (long long)jsi(ar, "unit_id"), (long long)jsi(ar, "year"), jss(leaf, "code"));
            x->text = wm_asprintf(
                soon ? _("%lld 年度 %s %s：%s的材料将于 %s 截止，请及时上传并提交审核")
                     : _("%lld 年度 %s %s：%s的材料已逾期（截止日 %s），请尽快上传并提交审核"),
                (long long)jsi(ar, "year"), jss(leaf, "code"), jss(leaf, "title"),
                wm_period_label(jss(p, "period")), jss(p, "deadline"));
        }
    }
    json_decref(sched);
    json_decref(ar);
    *out = d;
    return n;
}

static void
dues_free(struct due *d, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(d[i].text);
    }
    free(d);
}

/* Tell the unit of each due it was not told of yet (one transaction for the archive). */
static enum wm_err
dues_tell(struct wm_db *db, int64_t unit_id, int64_t archive_id, const struct due *d, size_t n,
          int64_t *told, struct wm_fail *f)
{
    enum wm_err e;
    int64_t k = 0;
    TX_RETRY_BEGIN(db, e, f)
    {
        k = 0;
        int64_t now = wm_now();
        for (size_t i = 0; i < n && WM_OK == e; i++) {
            enum wm_qs qs = db->ops->notify_once(db, d[i].key, now);
            if (qs < 0) {
                e = wm_write_fail(db, f, NULL, NULL, _("无法写入提醒"));
            } else if (WM_QS_ONE == qs) {
                if (0 != wm_notify_unit(db, unit_id, d[i].kind, "archive", archive_id, d[i].text,
                                        d[i].link, 0)) {
                    e = wm_write_fail(db, f, NULL, NULL, _("无法写入提醒"));
                }
                k++;
            }
        }
    }
    TX_RETRY_END(db, e, f);
    if (WM_OK == e) {
        *told += k;
    }
    return e;
}

enum wm_err
wm_notify_schedule_scan(struct wm_db *db, const char *date, json_t **result, struct wm_fail *f)
{
    int64_t day;
    if (NULL == date || 0 == *date) {
        day = wm_day_today();
    } else if (!wm_day_parse(date, &day)) {
        return wm_fail_set(f, WM_E_BAD_REQUEST, "date", "%s", _("日期须为 YYYY-MM-DD"));
    }
    char today[WM_DAY_LEN];
    wm_day_format(day, today);
    int64_t y;
    int m, dd;
    wm_day_ymd(day, &y, &m, &dd);
    /* last year's archive too: its last periods' deadlines fall in this year */
    int64_t after = 0, archives = 0, told = 0;
    enum wm_err e = WM_OK;
    struct wm_job *job = wm_job_current();
    for (;;) {
        json_t *rows = db->ops->notify_archives(db, y - 1, y, after, 200);
        if (NULL == rows) {
            db->status = wm_db_failed(db) ? db->status : WM_QS_HARD;
            return wm_read_fail(db, f, NULL, NULL);
        }
        size_t i;
        json_t *r;
        json_array_foreach(rows, i, r)
        {
            after = jsi(r, "id");
            struct wm_fail one = {0};
            struct due *d = NULL;
            size_t n = dues_of(db, r, today, &d, &one);
            if (WM_OK != one.err && WM_E_NOT_FOUND != one.err) {
                e = wm_fail_set(f, one.err, NULL, "%s", one.msg); /* the store: try again */
            } else if (n) {
                enum wm_err x = dues_tell(db, jsi(r, "unit_id"), jsi(r, "id"), d, n, &told, &one);
                if (WM_OK != x) {
                    e = wm_fail_set(f, x, NULL, "%s", one.msg);
                }
            }
            dues_free(d, n);
            archives++;
        }
        size_t got = json_array_size(rows);
        json_decref(rows);
        if (job) {
            (void)wm_job_progress(job, json_pack("{s:I, s:I}", "archives", (json_int_t)archives,
                                                 "notified", (json_int_t)told),
                                  false);
        }
        if (got < 200 || WM_OK != e) {
            break;
        }
    }
    if (result) {
        *result = json_pack("{s:s, s:I, s:I}", "date", today, "archives", (json_int_t)archives,
                            "notified", (json_int_t)told);
    }
    return e;
}

/* end of notify.c */
