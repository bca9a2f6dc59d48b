/*
** work_rect.c — the creation work (issue 12): the rectification loop (整改项, 四心质量环 精心改进).
**
** An item is a problem of a unit (at a leaf of the year's archive, or '' when it is not
** tied to one) from a source: an evaluation's deduction (results.c, through the same store
** op), an inspection's finding (work_inspect.c calls wm_rect_open), an office's returned
** document (source 'review') or the leadership's own archive check ('self_check').  Its
** department writes the corrective action and the preventive measure, attaches evidence
** and marks it done; the unit's leadership (unit_admin) verifies it (closed) or sends it
** back (open again, with a note), or closes it without correction with a reason.
**
** Who: unit_admin writes every item of its unit; a department's unit_member writes the
** measures of its own department's items, attaches their evidence and marks them done;
** unit_viewer reads; office staff and admins read their jurisdiction's items and never
** write them (403); evaluators see none (403).  Out of scope: 404.  Every change is
** audited in its transaction (rectification.open, .update, .done, .verify, .reject,
** .close); the department's users and the unit's admins are told of a new item, the
** department of one sent back.
*/
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tx.h"
#include "wm_core.h"

#define RECT_TEXT_MAX 2000 /* characters of a problem, a measure or a note */

static const char *const rect_sources[] = { "evaluation", "inspection", "review", "self_check",
                                            NULL };

/* ---------------------------------------------------------------- validation */

/* A text of the item: valid UTF-8 of 1..RECT_TEXT_MAX characters, not only blanks, lines
** allowed, no other control character. */
static bool
text_ok(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p < 0x20 && '\n' != *p && '\r' != *p && '\t' != *p) || 0x7f == *p) {
            return false;
        }
    }
    if (!wm_utf8_valid(s, strlen(s)) || strspn(s, " \t\r\n") == strlen(s)) {
        return false;
    }
    size_t n = wm_utf8_len(s);
    return n > 0 && n <= RECT_TEXT_MAX;
}

/* An optional text (NULL or "": none) given for field. */
static enum wm_err
optional_text(const char *s, const char *field, struct wm_fail *f)
{
    if (NULL == s || '\0' == *s || text_ok(s)) {
        return WM_OK;
    }
    return wm_fail_set(f, WM_E_BAD_REQUEST, field, _("内容超过 %d 个字符或含有无效字符"),
                       RECT_TEXT_MAX);
}

static bool
source_ok(const char *s)
{
    for (size_t i = 0; s && rect_sources[i]; i++) {
        if (wm_streq(s, rect_sources[i])) {
            return true;
        }
    }
    return false;
}

/* The checks that need no store: problem, source, year, due day, the measures. */
static enum wm_err
new_check(const struct wm_rect_new *in, struct wm_fail *f)
{
    int64_t day;
    enum wm_err e;
    if (NULL == in->problem || !text_ok(in->problem)) {
        return wm_fail_set(f, WM_E_BAD_REQUEST, "problem", _("请填写问题（至多 %d 个字符）"),
                           RECT_TEXT_MAX);
    }
    if (!source_ok(in->source)) {
        return wm_fail_set(f, WM_E_BAD_REQUEST, "source", "%s",
                           _("来源须为 evaluation、inspection、review 或 self_check"));
    }
    if (in->year < 2000 || in->year > 2100) {
        return wm_fail_set(f, WM_E_BAD_REQUEST, "year", "%s", _("年度须在 2000 至 2100 之间"));
    }
    if (in->due_on && *in->due_on && !wm_day_parse(in->due_on, &day)) {
        return wm_fail_set(f, WM_E_BAD_REQUEST, "due_on", "%s",
                           _("整改期限须为日期（YYYY-MM-DD）"));
    }
    if (WM_OK != (e = optional_text(in->corrective, "corrective", f))) {
        return e;
    }
    return optional_text(in->preventive, "preventive", f);
}

enum wm_err
wm_rect_dept_check(struct wm_db *db, int64_t unit_id, int64_t dept_id, struct wm_fail *f)
{
    if (0 == dept_id) {
        return WM_OK;
    }
    json_t *d = db->ops->dept_get(db, dept_id);
    if (NULL == d && wm_db_failed(db)) {
        return wm_read_fail(db, f, NULL, NULL);
    }
    bool ok = d && jsi(d, "unit_id") == unit_id;
    json_decref(d);
    return ok ? WM_OK
              : wm_fail_set(f, WM_E_BAD_REQUEST, "dept_id", "%s", _("科室不属于该单位"));
}

enum wm_err
wm_rect_leaf_check(struct wm_db *db, int64_t unit_id, int64_t year, const char *code,
                   struct wm_fail *f)
{
    if (NULL == code || '\0' == *code) {
        return WM_OK;
    }
    json_t *ar = db->ops->archive_get(db, unit_id, year);
    json_t *inds = ar ? db->ops->ind_list(db, jsi(ar, "edition_id"), true) : NULL;
    bool found = false;
    size_t i;
    json_t *x;
    json_array_foreach(inds, i, x)
    {
        found = found || wm_streq(jss(x, "code"), code);
    }
    json_decref(inds);
    json_decref(ar);
    if (wm_db_failed(db)) {
        return wm_read_fail(db, f, NULL, NULL);
    }
    return found ? WM_OK
                 : wm_fail_set(f, WM_E_BAD_REQUEST, "indicator_code",
                               _("指标 %s 不是 %lld 年度档案的末级指标"), code, (long long)year);
}

/* ---------------------------------------------------------------- rights */

/* Who may open an item of the unit: its unit_admin (any source), its unit_member for an
** inspection's finding (the inspection of the department's own areas), staff of its
** jurisdiction for an evaluation's deduction (the office never writes the unit's own
** loop).  403 for a role that never may, 404 for a unit out of sight. */
static enum wm_err
open_right(struct wm_db *db, const struct wm_actor *a, const struct wm_rect_new *in,
           json_t **unit, struct wm_fail *f)
{
    *unit = NULL;
    bool member = wm_actor_is(a, WM_ROLE_BIT(WM_ROLE_UNIT_MEMBER));
    bool staff = wm_actor_is(a, WM_ROLES_STAFF);
    if (!wm_actor_is(a, WM_ROLE_BIT(WM_ROLE_UNIT_ADMIN)) &&
        !(member && wm_streq(in->source, "inspection")) &&
        !(staff && (NULL == a->p || wm_streq(in->source, "evaluation")))) {
        return wm_fail_set(f, WM_E_FORBIDDEN, NULL, "%s", _("没有权限开具整改项"));
    }
    *unit = wm_unit_get_scoped(db, a, in->unit_id, NULL);
    if (NULL == *unit) {
        return wm_read_fail(db, f, NULL, _("单位不存在"));
    }
    if (member && in->dept_id && in->dept_id != a->p->dept_id) {
        return wm_fail_set(f, WM_E_FORBIDDEN, "dept_id", "%s", _("只能为本科室开具整改项"));
    }
    return WM_OK;
}

/* ---------------------------------------------------------------- telling people */

/* The first characters of a text, for a notification line. */
static char *
text_head(const char *s, size_t chars)
{
    char *t = wm_strdup(s);
    size_t n = 0;
    for (char *p = t; *p; p++) {
        if (0x80 != ((unsigned char)*p & 0xc0) && ++n > chars) {
            memcpy(p, "…", sizeof "…");
            break;
        }
        if ('\n' == *p || '\r' == *p) {
            *p = ' ';
        }
    }
    return t;
}

enum wm_err
wm_rect_tell(struct wm_db *db, const struct wm_actor *a, const json_t *item, const char *kind,
             const char *line, struct wm_fail *f)
{
    json_t *people = db->ops->rect_people(db, jsi(item, "unit_id"), jsi(item, "dept_id"));
    if (NULL == people) {
        return wm_write_fail(db, f, NULL, NULL, NULL);
    }
    char link[40];
    snprintf(link, sizeof link, "/rectifications/%lld", (long long)jsi(item, "id"));
    int64_t me = a && a->p ? a->p->user_id : 0;
    enum wm_err e = WM_OK;
    size_t i;
    json_t *x;
    json_array_foreach(people, i, x)
    {
        if (WM_OK == e && 0 != wm_notify_user(db, jsi(x, "id"), kind, "rectification",
                                              jsi(item, "id"), line, link, me)) {
            e = wm_write_fail(db, f, NULL, NULL, NULL);
        }
    }
    json_decref(people);
    return e;
}

/* ---------------------------------------------------------------- open */

/* An empty optional text is none (NULL). */
static const char *
or_null(const char *s)
{
    return s && *s ? s : NULL;
}

/* The row a new item is stored as. */
static struct wm_rect_in
row_of(const struct wm_rect_new *in)
{
    return (struct wm_rect_in){ .unit_id = in->unit_id,
                                .year = in->year,
                                .indicator_code = in->indicator_code ? in->indicator_code : "",
                                .problem = in->problem,
                                .source = in->source,
                                .source_id = in->source_id,
                                .due_on = or_null(in->due_on),
                                .dept_id = in->dept_id,
                                .corrective = or_null(in->corrective),
                                .preventive = or_null(in->preventive) };
}

static enum wm_err
open_once(struct wm_db *db, const struct wm_actor *a, const struct wm_rect_new *in, int64_t *id,
          struct wm_fail *f)
{
    bool own_tx = !db->ops->in_tx(db);
    enum wm_err e = own_tx ? tx_begin(db, f) : WM_OK;
    if (WM_OK != e) {
        return e;
    }
    json_t *unit = NULL, *after = NULL;
    if (WM_OK != (e = open_right(db, a, in, &unit, f)) ||
        WM_OK != (e = wm_rect_dept_check(db, in->unit_id, in->dept_id, f)) ||
        WM_OK != (e = wm_rect_leaf_check(db, in->unit_id, in->year, in->indicator_code, f))) {
        goto done;
    }
    const struct wm_rect_in ri = row_of(in);
    enum wm_qs qs = db->ops->rect_insert(db, &ri, a && a->p ? a->p->user_id : 0, wm_now(), id);
    if (WM_QS_CONFLICT == qs) {
        e = wm_fail_set(f, WM_E_CONFLICT, "source_id", "%s", _("该来源已就此指标开具整改项"));
        goto done;
    }
    if (WM_QS_ONE != qs || NULL == (after = db->ops->rect_get(db, *id))) {
        e = wm_write_fail(db, f, NULL, NULL, _("无法保存整改项"));
        goto done;
    }
    char *head = text_head(in->problem, 40);
    char *line = wm_asprintf(_("新的整改项（%s）：%s"), jss(unit, "name"), head);
    if (WM_OK == (e = wm_rect_tell(db, a, after, "rectification", line, f))) {
        e = wm_audit(db, a, "rectification.open", "rectification", *id, jss(unit, "path"), NULL,
                     after);
    }
    free(line);
    free(head);
done:
    json_decref(after);
    json_decref(unit);
    return own_tx ? tx_end(db, e, f) : e;
}

enum wm_err
wm_rect_open(struct wm_db *db, const struct wm_actor *a, const struct wm_rect_new *in, int64_t *id,
             struct wm_fail *f)
{
    int64_t unused = 0;
    id = id ? id : &unused;
    *id = 0;
    enum wm_err e = new_check(in, f);
    if (WM_OK != e) {
        return e;
    }
    TX_RETRY(e, open_once(db, a, in, id, f));
    return e;
}

/* ---------------------------------------------------------------- reading */

/* An item the actor sees, or NULL with f: evaluators 403, out of scope 404. */
json_t *
wm_rect_get(struct wm_db *db, const struct wm_actor *a, int64_t id, struct wm_fail *f)
{
    if (wm_actor_is(a, WM_ROLE_BIT(WM_ROLE_EVALUATOR))) {
        wm_fail_set(f, WM_E_FORBIDDEN, NULL, "%s", _("测评员不查看整改项"));
        return NULL;
    }
    json_t *r = db->ops->rect_get(db, id);
    if (NULL == r) {
        wm_read_fail(db, f, NULL, _("整改项不存在"));
        return NULL;
    }
    if (!wm_startswith(jss(r, "unit_path"), wm_scope_path(a))) {
        json_decref(r);
        wm_fail_set(f, WM_E_NOT_FOUND, NULL, "%s", _("整改项不存在"));
        return NULL;
    }
    return r;
}

json_t *
wm_rect_find(struct wm_db *db, const struct wm_actor *a, const struct wm_rect_query *q,
             struct wm_fail *f)
{
    char today[WM_DAY_LEN];
    wm_day_format(q->today ? q->today : wm_day_today(), today);
    struct wm_rect_filter rf = { .state = q->state && *q->state ? q->state : NULL,
                                 .source = q->source && *q->source ? q->source : NULL,
                                 .dept_id = q->dept_id,
                                 .year = q->year,
                                 .unit_id = q->unit_id,
                                 .late_before = q->overdue ? today : NULL,
                                 .limit = q->limit ? q->limit : 50,
                                 .offset = q->offset };
    if (wm_actor_is(a, WM_ROLES_UNIT)) {
        rf.unit_id = a->p->org_id;
    } else if (wm_actor_is(a, WM_ROLES_STAFF)) {
        rf.scope = wm_scope_path(a);
    } else {
        wm_fail_set(f, WM_E_FORBIDDEN, NULL, "%s", _("测评员不查看整改项"));
        return NULL;
    }
    json_t *l = db->ops->rect_list(db, &rf);
    if (NULL == l) {
        wm_read_fail(db, f, NULL, NULL);
    }
    return l;
}

bool
wm_rect_overdue(const json_t *item, int64_t today)
{
    int64_t due;
    return wm_streq(jss(item, "state"), "open") && wm_day_parse(jss(item, "due_on"), &due) &&
           due < today;
}

json_t *
wm_rect_history(struct wm_db *db, const json_t *item)
{
    json_t *h = db->ops->rect_history(db, jsi(item, "id"), jss(item, "unit_path"));
    size_t i;
    json_t *x;
    json_array_foreach(h, i, x)
    {
        const char *label = wm_audit_action_label(jss(x, "action"));
        json_object_set_new(x, "label", json_string(label ? label : jss(x, "action")));
    }
    return h;
}

/* ---------------------------------------------------------------- rights */

unsigned
wm_rect_may(const struct wm_actor *a, const json_t *item)
{
    if (NULL == a->p) {
        return WM_RECT_MAY_ALL;
    }
    if (a->p->org_id != jsi(item, "unit_id")) {
        return 0;
    }
    if (WM_ROLE_UNIT_ADMIN == a->p->role) {
        return WM_RECT_MAY_ALL;
    }
    if (WM_ROLE_UNIT_MEMBER == a->p->role && a->p->dept_id &&
        a->p->dept_id == jsi(item, "dept_id")) {
        return WM_RECT_MAY_ANSWER;
    }
    return 0;
}

/* The item for a change by the actor needing right @a need, in one of the states (NULL:
** any): 404 out of sight, 403 without the right, 409 in another state. */
static enum wm_err
item_for(struct wm_db *db, const struct wm_actor *a, int64_t id, unsigned need,
         const char *const *states, json_t **item, struct wm_fail *f)
{
    *item = wm_rect_get(db, a, id, f);
    if (NULL == *item) {
        return f ? f->err : WM_E_NOT_FOUND;
    }
    if (need != (wm_rect_may(a, *item) & need)) {
        return wm_fail_set(f, WM_E_FORBIDDEN, NULL, "%s",
                           WM_RECT_MAY_ANSWER == need ? _("只有责任科室或单位管理员可以办理该整改项")
                                                      : _("只有单位管理员可以办理该整改项"));
    }
    bool ok = NULL == states;
    for (size_t i = 0; states && states[i]; i++) {
        ok = ok || wm_streq(jss(*item, "state"), states[i]);
    }
    if (!ok) {
        return wm_fail_set(f, WM_E_CONFLICT, "state", _("整改项当前为“%s”，不能这样办理"),
                           wm_rect_state_label(jss(*item, "state")));
    }
    return WM_OK;
}

static const char *const live_states[] = { "open", "done", NULL };
static const char *const open_state[] = { "open", NULL };
static const char *const done_state[] = { "done", NULL };

/* Audit the change of item (before) to its row now, and tell people when line is given. */
static enum wm_err
after_change(struct wm_db *db, const struct wm_actor *a, const json_t *before, const char *action,
             const char *kind, const char *line, struct wm_fail *f)
{
    int64_t id = jsi(before, "id");
    json_t *after = db->ops->rect_get(db, id);
    if (NULL == after) {
        return wm_write_fail(db, f, NULL, NULL, _("无法保存整改项"));
    }
    enum wm_err e = line ? wm_rect_tell(db, a, after, kind, line, f) : WM_OK;
    if (WM_OK == e) {
        e = wm_audit(db, a, action, "rectification", id, jss(before, "unit_path"),
                     (json_t *)before, after);
    }
    json_decref(after);
    return e;
}

/* ---------------------------------------------------------------- the item's page */

/* The next steps the actor may take, by the item's state and the actor's right. */
static json_t *
next_steps(const struct wm_actor *a, const json_t *item)
{
    unsigned may = wm_rect_may(a, item);
    const char *st = jss(item, "state");
    bool live = wm_streq(st, "open") || wm_streq(st, "done");
    json_t *l = json_array();
    if (live && (may & WM_RECT_MAY_ANSWER)) {
        json_array_append_new(l, json_string("measures"));
        json_array_append_new(l, json_string("evidence"));
    }
    if (wm_streq(st, "open") && (may & WM_RECT_MAY_ANSWER)) {
        json_array_append_new(l, json_string("done"));
    }
    if (live && (may & WM_RECT_MAY_DECIDE)) {
        json_array_append_new(l, json_string("update"));
        json_array_append_new(l, json_string("close"));
    }
    if (wm_streq(st, "done") && (may & WM_RECT_MAY_DECIDE)) {
        json_array_append_new(l, json_string("verify"));
    }
    return l;
}

json_t *
wm_rect_detail(struct wm_db *db, const struct wm_actor *a, int64_t id, struct wm_fail *f)
{
    json_t *r = wm_rect_get(db, a, id, f);
    if (NULL == r) {
        return NULL;
    }
    json_t *ev = wm_work_links(db, "rectification", id);
    json_t *h = ev ? wm_rect_history(db, r) : NULL;
    if (NULL == h) {
        json_decref(ev);
        json_decref(r);
        if (!wm_db_failed(db)) {
            db->status = WM_QS_HARD; /* a list is never "no row" */
        }
        wm_read_fail(db, f, NULL, NULL);
        return NULL;
    }
    json_object_set_new(r, "evidence", ev);
    json_object_set_new(r, "history", h);
    json_object_set_new(r, "actions", next_steps(a, r));
    return r;
}

/* ---------------------------------------------------------------- update */

/* An optional text given ("" clears it) or the item's. */
static const char *
keep_or(const char *given, const json_t *item, const char *k)
{
    const char *v = given ? given : json_string_value(json_object_get(item, k));
    return v && *v ? v : NULL;
}

/* What a department member changes: corrective and preventive only (403 otherwise). */
static enum wm_err
change_right(const struct wm_actor *a, const json_t *item, const struct wm_rect_change *c,
             struct wm_fail *f)
{
    if (WM_RECT_MAY_ALL == (wm_rect_may(a, item) & WM_RECT_MAY_ALL)) {
        return WM_OK;
    }
    if (c->problem || c->due_on || c->dept_id >= 0) {
        return wm_fail_set(f, WM_E_FORBIDDEN, c->problem ? "problem" : c->due_on ? "due_on"
                                                                                   : "dept_id",
                           "%s", _("责任科室只能填写整改措施和预防措施"));
    }
    return WM_OK;
}

static enum wm_err
change_check(const struct wm_rect_change *c, struct wm_fail *f)
{
    int64_t day;
    enum wm_err e;
    if (c->problem && !text_ok(c->problem)) {
        return wm_fail_set(f, WM_E_BAD_REQUEST, "problem", _("请填写问题（至多 %d 个字符）"),
                           RECT_TEXT_MAX);
    }
    if (c->due_on && *c->due_on && !wm_day_parse(c->due_on, &day)) {
        return wm_fail_set(f, WM_E_BAD_REQUEST, "due_on", "%s",
                           _("整改期限须为日期（YYYY-MM-DD）"));
    }
    if (WM_OK != (e = optional_text(c->corrective, "corrective", f))) {
        return e;
    }
    return optional_text(c->preventive, "preventive", f);
}

static enum wm_err
update_once(struct wm_db *db, const struct wm_actor *a, int64_t id, const struct wm_rect_change *c,
            struct wm_fail *f)
{
    enum wm_err e = tx_begin(db, f);
    if (WM_OK != e) {
        return e;
    }
    json_t *item = NULL;
    if (WM_OK != (e = item_for(db, a, id, WM_RECT_MAY_ANSWER, live_states, &item, f)) ||
        WM_OK != (e = change_right(a, item, c, f)) ||
        WM_OK != (e = wm_rect_dept_check(db, jsi(item, "unit_id"), c->dept_id > 0 ? c->dept_id : 0,
                                         f))) {
        goto done;
    }
    struct wm_rect_upd u = { .problem = c->problem ? c->problem : jss(item, "problem"),
                             .corrective = keep_or(c->corrective, item, "corrective"),
                             .preventive = keep_or(c->preventive, item, "preventive"),
                             .dept_id = c->dept_id >= 0 ? c->dept_id : jsi(item, "dept_id"),
                             .due_on = keep_or(c->due_on, item, "due_on") };
    if (WM_QS_ONE != db->ops->rect_update(db, id, &u, wm_now())) {
        e = wm_write_fail(db, f, NULL, NULL, _("无法保存整改项"));
        goto done;
    }
    e = after_change(db, a, item, "rectification.update", NULL, NULL, f);
done:
    json_decref(item);
    return tx_end(db, e, f);
}

enum wm_err
wm_rect_update(struct wm_db *db, const struct wm_actor *a, int64_t id,
               const struct wm_rect_change *c, struct wm_fail *f)
{
    enum wm_err e = change_check(c, f);
    if (WM_OK != e) {
        return e;
    }
    TX_RETRY(e, update_once(db, a, id, c, f));
    return e;
}

/* ---------------------------------------------------------------- states */

/* One step of the loop: the item in one of states, the actor with right need, moved to
** @a to with the note; audited action; people told with line (NULL: nobody). */
struct step {
    unsigned need;
    const char *const *states;
    const char *to;
    const char *action;
    const char *kind;
    const char *line; /* the start of the line, the problem's head follows */
};

static enum wm_err
step_once(struct wm_db *db, const struct wm_actor *a, int64_t id, const struct step *sp,
          const char *note, struct wm_fail *f)
{
    enum wm_err e = tx_begin(db, f);
    if (WM_OK != e) {
        return e;
    }
    json_t *item = NULL;
    if (WM_OK != (e = item_for(db, a, id, sp->need, sp->states, &item, f))) {
        goto done;
    }
    if (wm_streq(sp->to, "done") && NULL == keep_or(NULL, item, "corrective")) {
        e = wm_fail_set(f, WM_E_BAD_REQUEST, "corrective", "%s", _("请先填写整改措施"));
        goto done;
    }
    struct wm_rect_step st = { .from = jss(item, "state"),
                               .to = sp->to,
                               .note = note && *note ? note : NULL,
                               .user_id = a->p ? a->p->user_id : 0 };
    enum wm_qs qs = db->ops->rect_step(db, id, &st, wm_now());
    if (WM_QS_NONE == qs) { /* another writer moved it since it was read */
        e = wm_fail_set(f, WM_E_CONFLICT, "state", "%s", _("整改项已被他人办理，请刷新后重试"));
        goto done;
    }
    if (WM_QS_ONE != qs) {
        e = wm_write_fail(db, f, NULL, NULL, _("无法保存整改项"));
        goto done;
    }
    char *head = text_head(jss(item, "problem"), 40);
    char *line = sp->line ? wm_asprintf("%s%s", sp->line, head) : NULL;
    e = after_change(db, a, item, sp->action, sp->kind, line, f);
    free(line);
    free(head);
done:
    json_decref(item);
    return tx_end(db, e, f);
}

static enum wm_err
run_step(struct wm_db *db, const struct wm_actor *a, int64_t id, const struct step *sp,
         const char *note, bool note_required, struct wm_fail *f)
{
    if (note_required && (NULL == note || '\0' == *note)) {
        return wm_fail_set(f, WM_E_BAD_REQUEST, "note", "%s", _("请填写说明"));
    }
    enum wm_err e = optional_text(note, "note", f);
    if (WM_OK != e) {
        return e;
    }
    TX_RETRY(e, step_once(db, a, id, sp, note, f));
    return e;
}

enum wm_err
wm_rect_done(struct wm_db *db, const struct wm_actor *a, int64_t id, const char *note,
             struct wm_fail *f)
{
    static const struct step sp = { WM_RECT_MAY_ANSWER, open_state, "done", "rectification.done",
                                    "rectification", N_("整改项已完成，待验收：") };
    struct step s = sp;
    s.line = _(sp.line);
    return run_step(db, a, id, &s, note, false, f);
}

enum wm_err
wm_rect_verify(struct wm_db *db, const struct wm_actor *a, int64_t id, bool accept,
               const char *note, struct wm_fail *f)
{
    static const struct step ok = { WM_RECT_MAY_ALL, done_state, "verified", "rectification.verify",
                                    "rectification", N_("整改项已验收：") };
    static const struct step back = { WM_RECT_MAY_ALL, done_state, "open", "rectification.reject",
                                      "rectification", N_("整改项未通过验收，请重新整改：") };
    struct step s = accept ? ok : back;
    s.line = _(s.line);
    return run_step(db, a, id, &s, note, !accept, f);
}

enum wm_err
wm_rect_close(struct wm_db *db, const struct wm_actor *a, int64_t id, const char *note,
              struct wm_fail *f)
{
    static const struct step sp = { WM_RECT_MAY_ALL, live_states, "closed", "rectification.close",
                                    NULL, NULL };
    return run_step(db, a, id, &sp, note, true, f);
}

/* ---------------------------------------------------------------- evidence */

/* The leaf evidence of the item is filed into: its own, else the unit's rect_leaf. */
static char *
evidence_leaf(struct wm_db *db, const json_t *item)
{
    if (*jss(item, "indicator_code")) {
        return wm_strdup(jss(item, "indicator_code"));
    }
    json_t *w = db->ops->rect_unit_leaf(db, jsi(item, "unit_id"));
    char *code = w && *jss(w, "rect_leaf") ? wm_strdup(jss(w, "rect_leaf")) : NULL;
    json_decref(w);
    return code;
}

static enum wm_err
evidence_once(struct wm_db *db, const struct wm_actor *a, int64_t id, const struct wm_doc_meta *meta,
              const struct wm_upload *up, int64_t *doc_id, struct wm_fail *f)
{
    enum wm_err e = tx_begin(db, f);
    if (WM_OK != e) {
        return e;
    }
    json_t *item = NULL;
    char *code = NULL;
    *doc_id = 0;
    if (WM_OK != (e = item_for(db, a, id, WM_RECT_MAY_ANSWER, live_states, &item, f))) {
        goto done;
    }
    code = evidence_leaf(db, item);
    if (NULL == code) {
        e = wm_fail_set(f, WM_E_CONFLICT, "leaf_code", "%s",
                        _("该整改项未关联指标，单位也未设置整改佐证的归档指标；请先在创建工作设置中设置"));
        goto done;
    }
    struct wm_doc_meta m = *meta;
    m.dept = m.dept && *m.dept ? m.dept : json_string_value(json_object_get(item, "dept_name"));
    if (WM_OK != (e = wm_work_file(db, a, jsi(item, "unit_id"), jsi(item, "year"), code, &m, up,
                                   "rectification", id, "evidence", doc_id, f))) {
        goto done;
    }
    json_t *sum = json_pack("{s:I, s:I, s:s}", "id", (json_int_t)id, "document_id",
                            (json_int_t)*doc_id, "leaf", code);
    e = wm_audit_new(db, a, "rectification.evidence", "rectification", id, jss(item, "unit_path"),
                     NULL, sum);
done:
    free(code);
    json_decref(item);
    return tx_end(db, e, f);
}

enum wm_err
wm_rect_evidence_file(struct wm_db *db, const struct wm_actor *a, int64_t id,
                      const struct wm_doc_meta *meta, const struct wm_upload *up, int64_t *doc_id,
                      struct wm_fail *f)
{
    enum wm_err e;
    TX_RETRY_CLEAN(e, evidence_once(db, a, id, meta, up, doc_id, f), *doc_id = 0);
    return e;
}

static enum wm_err
link_once(struct wm_db *db, const struct wm_actor *a, int64_t id, int64_t doc_id,
          struct wm_fail *f)
{
    enum wm_err e = tx_begin(db, f);
    if (WM_OK != e) {
        return e;
    }
    json_t *item = NULL, *doc = NULL;
    if (WM_OK != (e = item_for(db, a, id, WM_RECT_MAY_ANSWER, live_states, &item, f))) {
        goto done;
    }
    doc = db->ops->doc_get(db, doc_id);
    if (NULL == doc || jsi(doc, "unit_id") != jsi(item, "unit_id") ||
        json_is_integer(json_object_get(doc, "deleted_at"))) {
        e = wm_db_failed(db) ? wm_read_fail(db, f, NULL, NULL)
                             : wm_fail_set(f, WM_E_BAD_REQUEST, "document_id", "%s",
                                           _("佐证须为本单位档案中的文件"));
        goto done;
    }
    enum wm_qs qs = db->ops->work_link_insert(db, "rectification", id, doc_id, "evidence", wm_now());
    if (WM_QS_NONE == qs) {
        e = wm_fail_set(f, WM_E_CONFLICT, "document_id", "%s", _("该文件已是佐证"));
        goto done;
    }
    if (WM_QS_ONE != qs) {
        e = wm_write_fail(db, f, NULL, NULL, _("无法保存佐证"));
        goto done;
    }
    json_t *sum = json_pack("{s:I, s:I}", "id", (json_int_t)id, "document_id", (json_int_t)doc_id);
    e = wm_audit_new(db, a, "rectification.evidence", "rectification", id, jss(item, "unit_path"),
                     NULL, sum);
done:
    json_decref(doc);
    json_decref(item);
    return tx_end(db, e, f);
}

enum wm_err
wm_rect_evidence_link(struct wm_db *db, const struct wm_actor *a, int64_t id, int64_t doc_id,
                      struct wm_fail *f)
{
    enum wm_err e;
    TX_RETRY(e, link_once(db, a, id, doc_id, f));
    return e;
}

/* ---------------------------------------------------------------- sources */

json_t *
wm_rect_returned(struct wm_db *db, const struct wm_actor *a, int64_t unit_id, struct wm_fail *f)
{
    json_t *unit = wm_unit_get_scoped(db, a, unit_id, f);
    if (NULL == unit) {
        return NULL;
    }
    json_decref(unit);
    struct wm_review_filter rf = { .status = "returned", .unit_id = unit_id, .limit = 200 };
    json_t *docs = db->ops->review_queue(db, &rf);
    struct wm_rect_filter kf = { .unit_id = unit_id, .source = "review", .limit = 1000 };
    json_t *items = docs ? db->ops->rect_list(db, &kf) : NULL;
    if (NULL == items) {
        json_decref(docs);
        if (!wm_db_failed(db)) {
            db->status = WM_QS_HARD; /* a list is never "no row" */
        }
        wm_read_fail(db, f, NULL, NULL);
        return NULL;
    }
    size_t i, k;
    json_t *d, *r;
    json_array_foreach(docs, i, d)
    {
        json_array_foreach(items, k, r)
        {
            if (jsi(r, "source_id") == jsi(d, "review_id")) {
                json_object_set_new(d, "rectification_id", json_integer(jsi(r, "id")));
            }
        }
    }
    json_decref(items);
    return docs;
}

static enum wm_err
review_once(struct wm_db *db, const struct wm_actor *a, int64_t doc_id, const char *due_on,
            int64_t dept_id, int64_t *id, struct wm_fail *f)
{
    enum wm_err e = tx_begin(db, f);
    if (WM_OK != e) {
        return e;
    }
    json_t *doc = wm_doc_get_scoped(db, a, doc_id, f);
    json_t *events = doc ? db->ops->review_list(db, doc_id) : NULL;
    json_t *last = json_array_get(events, json_array_size(events) - 1);
    if (NULL == doc) {
        e = f ? f->err : WM_E_NOT_FOUND;
    } else if (!wm_streq(jss(doc, "status"), "returned") || !wm_streq(jss(last, "action"), "return")) {
        e = wm_fail_set(f, WM_E_CONFLICT, "document_id", "%s", _("该文件未被退回"));
    } else {
        struct wm_rect_new in = { .unit_id = jsi(doc, "unit_id"),
                                  .year = jsi(doc, "year"),
                                  .indicator_code = jss(doc, "indicator_code"),
                                  .problem = jss(last, "comment"),
                                  .source = "review",
                                  .source_id = jsi(last, "id"),
                                  .dept_id = dept_id,
                                  .due_on = due_on };
        e = new_check(&in, f);
        e = WM_OK == e ? open_once(db, a, &in, id, f) : e;
    }
    json_decref(events);
    json_decref(doc);
    return tx_end(db, e, f);
}

enum wm_err
wm_rect_from_review(struct wm_db *db, const struct wm_actor *a, int64_t doc_id, const char *due_on,
                    int64_t dept_id, int64_t *id, struct wm_fail *f)
{
    int64_t unused = 0;
    id = id ? id : &unused;
    if (a->p && WM_ROLE_UNIT_ADMIN != a->p->role) {
        return wm_fail_set(f, WM_E_FORBIDDEN, NULL, "%s", _("只有单位管理员可以据退回意见开具整改项"));
    }
    enum wm_err e;
    TX_RETRY(e, review_once(db, a, doc_id, due_on, dept_id, id, f));
    return e;
}

/* end of work_rect.c */
