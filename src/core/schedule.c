/*
** schedule.c — the routine-upload schedule (动态管理): a leaf's frequency gives the periods
** of a year (M1–M12, Q1–Q4, H1/H2, Y, once), each period a deadline (its last day plus the
** office's offset), and the leaf's documents a state per period: met, due soon, overdue or
** not yet due.
**
** Dates are calendar dates of Asia/Shanghai held as day numbers (days since 1970-01-01),
** computed with Y-M-D arithmetic on the proleptic Gregorian calendar: never through the
** server's time zone (mktime, localtime).  Only wm_day_today() reads the clock; everything
** else takes "today" as a parameter, so the arithmetic is tested with a table of cases.
*/
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "tx.h"
#include "wm_core.h"
#include "wm_framework.h"

/* ---------------------------------------------------------------- calendar dates */

bool
wm_leap_year(int64_t y)
{
    return (0 == y % 4 && 0 != y % 100) || 0 == y % 400;
}

int
wm_month_days(int64_t y, int m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12) {
        return 0;
    }
    return 2 == m && wm_leap_year(y) ? 29 : days[m - 1];
}

/* Days from civil (H. Hinnant's algorithm): eras of 400 years (146097 days) starting on
** March 1st, so that the leap day is the last day of its year. */
int64_t
wm_day_from_ymd(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;                                  /* 0 .. 399 */
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1; /* 0 .. 365 */
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;          /* 0 .. 146096 */
    return era * 146097 + doe - 719468;
}

void
wm_day_ymd(int64_t day, int64_t *y, int *m, int *d)
{
    day += 719468;
    int64_t era = (day >= 0 ? day : day - 146096) / 146097;
    int64_t doe = day - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int mm = (int)(mp < 10 ? mp + 3 : mp - 9);
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = mm;
    *y = yoe + era * 400 + (mm <= 2);
}

bool
wm_day_parse(const char *s, int64_t *day)
{
    int v[3] = {0, 0, 0};
    static const int len[3] = {4, 2, 2};
    if (NULL == s) {
        return false;
    }
    for (int k = 0; k < 3; k++) {
        for (int i = 0; i < len[k]; i++, s++) {
            if (*s < '0' || *s > '9') {
                return false;
            }
            v[k] = v[k] * 10 + (*s - '0');
        }
        if (*s++ != (k < 2 ? '-' : '\0')) {
            return false;
        }
    }
    if (v[0] < 1 || v[2] < 1 || v[2] > wm_month_days(v[0], v[1])) {
        return false; /* wm_month_days is 0 for a month outside 1..12 */
    }
    *day = wm_day_from_ymd(v[0], v[1], v[2]);
    return true;
}

void
wm_day_format(int64_t day, char out[WM_DAY_LEN])
{
    int64_t y;
    int m, d;
    wm_day_ymd(day, &y, &m, &d);
    if (y < 0 || y > 9999) {
        y = y < 0 ? 0 : 9999; /* out of the format's range: never from a parsed date */
    }
    snprintf(out, WM_DAY_LEN, "%04d-%02d-%02d", (int)y, m, d);
}

int64_t
wm_day_today(void)
{
    /* China Standard Time is UTC+8 all year (no DST since 1991): the date of wm_now() + 8 h. */
    int64_t t = wm_now() + 8 * 3600;
    return (t >= 0 ? t : t - 86399) / 86400;
}

/* ---------------------------------------------------------------- periods */

/* "M1".."M12", "Q1".., "H1", "H2", "Y", "once" from the first month, months and kind. */
static void
period_set(struct wm_period *p, const char *key, int64_t year, int m0, int months, int offset)
{
    int m1 = m0 + months - 1;
    snprintf(p->key, sizeof p->key, "%s", key);
    p->start = wm_day_from_ymd(year, m0, 1);
    p->end = wm_day_from_ymd(year, m1, wm_month_days(year, m1));
    p->deadline = p->end + offset;
}

size_t
wm_sched_periods(const char *frequency, int64_t year, int offset,
                 struct wm_period out[WM_SCHED_PERIODS_MAX])
{
    char key[8];
    size_t n = 0;
    if (offset < 0 || offset > WM_SCHED_OFFSET_MAX || year < 1 || year > 9999) {
        return 0;
    }
    /* The store holds the normalised name; a label as written (每季度) is accepted too. */
    switch (wm_fw_freq_parse(frequency)) {
    case WM_FW_FREQ_MONTHLY:
        for (int m = 1; m <= 12; m++) {
            snprintf(key, sizeof key, "M%d", m);
            period_set(&out[n++], key, year, m, 1, offset);
        }
        break;
    case WM_FW_FREQ_QUARTERLY:
        for (int q = 1; q <= 4; q++) {
            snprintf(key, sizeof key, "Q%d", q);
            period_set(&out[n++], key, year, 3 * q - 2, 3, offset);
        }
        break;
    case WM_FW_FREQ_HALF_YEARLY:
        period_set(&out[n++], "H1", year, 1, 6, offset);
        period_set(&out[n++], "H2", year, 7, 6, offset);
        break;
    case WM_FW_FREQ_YEARLY:
        period_set(&out[n++], "Y", year, 1, 12, offset);
        break;
    case WM_FW_FREQ_ONCE:
        /* once in the archive's year: the year is its period */
        period_set(&out[n++], "once", year, 1, 12, offset);
        break;
    case WM_FW_FREQ_NONE:
        break;
    }
    return n;
}

const char *
wm_period_label(const char *key)
{
    static const struct {
        const char *key, *label;
    } labels[] = {
        {"M1", "1月"},        {"M2", "2月"},        {"M3", "3月"},       {"M4", "4月"},
        {"M5", "5月"},        {"M6", "6月"},        {"M7", "7月"},       {"M8", "8月"},
        {"M9", "9月"},        {"M10", "10月"},      {"M11", "11月"},     {"M12", "12月"},
        {"Q1", "第一季度"},   {"Q2", "第二季度"},   {"Q3", "第三季度"},  {"Q4", "第四季度"},
        {"H1", "上半年"},     {"H2", "下半年"},     {"Y", "全年"},       {"once", "一次"},
    };
    for (size_t i = 0; i < WM_ARRAY_LEN(labels); i++) {
        if (wm_streq(key, labels[i].key)) {
            return _(labels[i].label);
        }
    }
    return key;
}

/* ---------------------------------------------------------------- states */

const char *
wm_sched_state_name(enum wm_sched_state s)
{
    switch (s) {
    case WM_SCHED_MET:
        return "met";
    case WM_SCHED_DUE_SOON:
        return "due_soon";
    case WM_SCHED_OVERDUE:
        return "overdue";
    case WM_SCHED_NOT_DUE:
        break;
    }
    return "not_due";
}

const char *
wm_sched_state_label(enum wm_sched_state s)
{
    switch (s) {
    case WM_SCHED_MET:
        return _("已完成");
    case WM_SCHED_DUE_SOON:
        return _("即将到期");
    case WM_SCHED_OVERDUE:
        return _("已逾期");
    case WM_SCHED_NOT_DUE:
        break;
    }
    return _("未到期");
}

bool
wm_sched_doc_counts(const json_t *doc, const struct wm_period *p, bool count_submitted)
{
    const char *status = jss(doc, "status");
    int64_t day;
    if (!wm_streq(status, "approved") && !(count_submitted && wm_streq(status, "submitted"))) {
        return false; /* a draft or a returned document meets nothing */
    }
    /* A document without a date formed (or with one that is not a date) counts for no
    ** period: the date says which period it serves, the upload time does not. */
    if (!wm_day_parse(json_string_value(json_object_get(doc, "date_formed")), &day)) {
        return false;
    }
    return day >= p->start && day <= p->end;
}

enum wm_sched_state
wm_sched_state(const struct wm_period *p, const json_t *docs, bool count_submitted,
               int64_t today, int64_t *n)
{
    int64_t met = 0;
    size_t i;
    json_t *d;
    json_array_foreach(docs, i, d)
    {
        met += wm_sched_doc_counts(d, p, count_submitted);
    }
    if (n) {
        *n = met;
    }
    if (met > 0) {
        return WM_SCHED_MET;
    }
    if (today > p->deadline) {
        return WM_SCHED_OVERDUE; /* the deadline day itself is still in time */
    }
    return p->deadline - today <= WM_SCHED_SOON_DAYS ? WM_SCHED_DUE_SOON : WM_SCHED_NOT_DUE;
}

json_t *
wm_sched_leaf(const char *frequency, int64_t year, const json_t *docs,
              const struct wm_sched_opts *o, int64_t today)
{
    struct wm_period per[WM_SCHED_PERIODS_MAX];
    size_t n = wm_sched_periods(frequency, year, o->offset, per);
    if (0 == n) {
        return NULL;
    }
    json_t *out = json_array();
    for (size_t i = 0; i < n; i++) {
        char start[WM_DAY_LEN], end[WM_DAY_LEN], deadline[WM_DAY_LEN];
        int64_t count;
        enum wm_sched_state s = wm_sched_state(&per[i], docs, o->count_submitted, today, &count);
        wm_day_format(per[i].start, start);
        wm_day_format(per[i].end, end);
        wm_day_format(per[i].deadline, deadline);
        json_array_append_new(out, json_pack("{s:s, s:s, s:s, s:s, s:s, s:I}", "period",
                                             per[i].key, "start", start, "end", end, "deadline",
                                             deadline, "state", wm_sched_state_name(s),
                                             "documents", (json_int_t)count));
    }
    return out;
}

/* ---------------------------------------------------------------- the read */

enum wm_sched_state
wm_sched_leaf_summary(const json_t *periods)
{
    bool met = false, soon = false;
    size_t i;
    json_t *p;
    json_array_foreach(periods, i, p)
    {
        const char *s = jss(p, "state");
        if (wm_streq(s, "overdue")) {
            return WM_SCHED_OVERDUE; /* the most urgent state wins */
        }
        soon = soon || wm_streq(s, "due_soon");
        met = met || wm_streq(s, "met");
    }
    return soon ? WM_SCHED_DUE_SOON : met ? WM_SCHED_MET : WM_SCHED_NOT_DUE;
}

json_t *
wm_archive_schedule(struct wm_db *db, const struct wm_actor *a, const json_t *archive,
                    const struct wm_sched_opts *o, const char *today, struct wm_fail *f)
{
    int64_t day;
    if (NULL == today) {
        day = wm_day_today();
    } else if (!wm_day_parse(today, &day)) {
        wm_fail_set(f, WM_E_BAD_REQUEST, "today", "%s", _("日期须为 YYYY-MM-DD"));
        return NULL;
    }
    if (o->offset < 0 || o->offset > WM_SCHED_OFFSET_MAX) {
        wm_fail_set(f, WM_E_BAD_REQUEST, "offset", _("截止日偏移须为 0 到 %d 天"),
                    WM_SCHED_OFFSET_MAX);
        return NULL;
    }
    /* the documents first: wm_archive_docs checks that the archive is in the caller's sight */
    json_t *docs = wm_archive_docs(db, a, archive, NULL, false, f);
    if (NULL == docs) {
        return NULL;
    }
    return wm_archive_schedule_of(db, archive, docs, o, day, f);
}

/* The schedule from the archive's live documents (taken: freed here), on day. */
json_t *
wm_archive_schedule_of(struct wm_db *db, const json_t *archive, json_t *docs,
                       const struct wm_sched_opts *o, int64_t day, struct wm_fail *f)
{
    char today_s[WM_DAY_LEN];
    if (o->offset < 0 || o->offset > WM_SCHED_OFFSET_MAX) {
        json_decref(docs);
        wm_fail_set(f, WM_E_BAD_REQUEST, "offset", _("截止日偏移须为 0 到 %d 天"),
                    WM_SCHED_OFFSET_MAX);
        return NULL;
    }
    json_t *inds = db->ops->ind_list(db, jsi(archive, "edition_id"), true);
    if (NULL == inds) { /* a list is never "no row": the store failed */
        json_decref(docs);
        wm_fail_set(f, WM_QS_SOFT == db->status ? WM_E_UNAVAILABLE : WM_E_INTERNAL, NULL, "%s",
                    "");
        return NULL;
    }
    /* the documents per leaf (doc_list gives them ordered by indicator code) */
    json_t *by_code = json_object();
    size_t i;
    json_t *x;
    json_array_foreach(docs, i, x)
    {
        const char *code = jss(x, "indicator_code");
        json_t *list = json_object_get(by_code, code);
        if (NULL == list) {
            json_object_set_new(by_code, code, list = json_array());
        }
        json_array_append(list, x);
    }
    /* The most returns of a document per leaf, when the office limits them. */
    json_t *returns = o->returns_limit > 0 ? db->ops->review_return_counts(db, jsi(archive, "id"))
                                           : json_array();
    if (NULL == returns) {
        json_decref(by_code);
        json_decref(inds);
        json_decref(docs);
        wm_fail_set(f, WM_QS_SOFT == db->status ? WM_E_UNAVAILABLE : WM_E_INTERNAL, NULL, "%s",
                    "");
        return NULL;
    }
    json_t *leaves = json_array(), *none = json_array();
    json_array_foreach(inds, i, x)
    {
        const json_t *mine = json_object_get(by_code, jss(x, "code"));
        json_t *periods = wm_sched_leaf(jss(x, "frequency"), jsi(archive, "year"),
                                        mine ? mine : none, o, day);
        if (periods) { /* a leaf without a frequency has no schedule */
            json_t *leaf = json_pack("{s:O, s:O, s:s, s:o}", "code", json_object_get(x, "code"),
                                     "title", json_object_get(x, "title"), "frequency",
                                     wm_fw_freq_name(wm_fw_freq_parse(jss(x, "frequency"))),
                                     "periods", periods);
            int64_t most = 0;
            size_t k;
            json_t *rc;
            json_array_foreach(returns, k, rc)
            {
                if (wm_streq(jss(rc, "indicator_code"), jss(x, "code")) &&
                    jsi(rc, "returns") > most) {
                    most = jsi(rc, "returns");
                }
            }
            if (wm_returns_exceeded(most, o->returns_limit)) {
                char why[160];
                snprintf(why, sizeof why, _("有文件被退回 %lld 次，超过本年度允许的 %d 次"),
                         (long long)most, o->returns_limit);
                json_object_set_new(leaf, "not_met", json_true());
                json_object_set_new(leaf, "not_met_reason", json_string(why));
            }
            json_array_append_new(leaves, leaf);
        }
    }
    json_decref(returns);
    json_decref(none);
    json_decref(by_code);
    json_decref(inds);
    json_decref(docs);
    wm_day_format(day, today_s);
    return json_pack("{s:I, s:I, s:s, s:i, s:b, s:i, s:o}", "unit_id",
                     (json_int_t)jsi(archive, "unit_id"), "year", (json_int_t)jsi(archive, "year"),
                     "today", today_s, "offset_days", o->offset, "count_submitted",
                     o->count_submitted, "returns_limit", o->returns_limit, "leaves", leaves);
}

/* ---------------------------------------------------------------- the summary */

static enum wm_err
sched_fail(struct wm_db *db, struct wm_fail *f)
{
    if (WM_QS_SOFT == db->status) {
        return wm_fail_set(f, WM_E_UNAVAILABLE, NULL, "%s", _("数据库繁忙，请稍后再试"));
    }
    if (!wm_db_failed(db)) {
        db->status = WM_QS_HARD;
    }
    return wm_fail_set(f, WM_E_INTERNAL, NULL, "%s", _("无法更新进度统计"));
}

enum wm_err
wm_sched_touch(struct wm_db *db, int64_t archive_id, const char *code, struct wm_fail *f)
{
    /* The leaf held first: what is read below stays true until the commit, so two writers
    ** into one leaf move its counters one after the other. */
    if (WM_QS_ONE != db->ops->leaf_hold(db, archive_id, code)) {
        return sched_fail(db, f);
    }
    json_t *docs = db->ops->sched_leaf_docs(db, archive_id, code);
    if (NULL == docs) {
        return sched_fail(db, f);
    }
    json_t *old = NULL;
    enum wm_err e = WM_OK;
    struct wm_period per[WM_SCHED_PERIODS_MAX];
    size_t n = 0;
    json_t *first = json_array_get(docs, 0);
    if (first) { /* a leaf of the edition: with or without a frequency */
        n = wm_sched_periods(jss(first, "frequency"), jsi(first, "year"), 0, per);
    }
    old = db->ops->sched_met_list(db, archive_id, code);
    if (NULL == old) {
        json_decref(docs);
        return sched_fail(db, f);
    }
    /* each period of the leaf, then what the summary held for periods it no longer has */
    for (size_t i = 0; i < n + json_array_size(old) && WM_OK == e; i++) {
        const char *key;
        int ap = 0, sub = 0, oap = 0, osub = 0;
        if (i < n) {
            key = per[i].key;
            size_t j;
            json_t *d;
            json_array_foreach(docs, j, d)
            {
                ap = ap || wm_sched_doc_counts(d, &per[i], false);
                sub = sub || wm_sched_doc_counts(d, &per[i], true);
            }
        } else {
            key = jss(json_array_get(old, i - n), "period");
            bool seen = false;
            for (size_t k = 0; k < n && !seen; k++) {
                seen = wm_streq(per[k].key, key);
            }
            if (seen) {
                continue;
            }
        }
        size_t j;
        json_t *o;
        json_array_foreach(old, j, o)
        {
            if (wm_streq(jss(o, "period"), key)) {
                oap = 0 != jsi(o, "met_approved");
                osub = 0 != jsi(o, "met_submitted");
            }
        }
        if ((ap != oap || sub != osub) &&
            WM_QS_ONE != db->ops->sched_met_set(db, archive_id, code, key, ap, sub, ap - oap,
                                                sub - osub)) {
            e = sched_fail(db, f);
        }
    }
    json_decref(old);
    json_decref(docs);
    return e;
}

static enum wm_err
rebuild_once(struct wm_db *db, int64_t archive_id, struct wm_fail *f)
{
    enum wm_err e;
    if (WM_OK != (e = tx_begin(db, f))) {
        return e;
    }
    json_t *ar = db->ops->archive_by_id(db, archive_id);
    json_t *inds = ar ? db->ops->ind_list(db, jsi(ar, "edition_id"), true) : NULL;
    if (NULL == inds) {
        e = wm_db_failed(db) ? sched_fail(db, f) : WM_OK; /* the archive is gone */
    } else if (WM_QS_ONE != db->ops->sched_clear(db, archive_id)) {
        e = sched_fail(db, f);
    } else {
        size_t i;
        json_t *x;
        json_array_foreach(inds, i, x)
        {
            if (WM_OK == e && WM_FW_FREQ_NONE != wm_fw_freq_parse(jss(x, "frequency"))) {
                e = wm_sched_touch(db, archive_id, jss(x, "code"), f);
            }
        }
    }
    json_decref(inds);
    json_decref(ar);
    return tx_end(db, e, f);
}

enum wm_err
wm_sched_rebuild(struct wm_db *db, int64_t archive_id, struct wm_fail *f)
{
    enum wm_err e;
    TX_RETRY(e, rebuild_once(db, archive_id, f));
    return e;
}

int
wm_sched_rebuild_all(struct wm_db *db, int64_t *n, struct wm_fail *f)
{
    *n = 0;
    json_t *ids = db->ops->sched_archives(db);
    if (NULL == ids) {
        sched_fail(db, f);
        return -1;
    }
    size_t i;
    json_t *x;
    json_array_foreach(ids, i, x)
    {
        if (WM_OK != wm_sched_rebuild(db, jsi(x, "id"), f)) {
            json_decref(ids);
            return -1;
        }
        (*n)++;
    }
    json_decref(ids);
    return 0;
}

/* end of schedule.c */
