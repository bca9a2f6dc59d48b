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

/* A text of the item: valid UTF-8 of 1..RECT_TEXT_MAX characters, lines allowed, no other
** control character. */
static bool
text_ok(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p < 0x20 && '\n' != *p && '\r' != *p && '\t' != *p) || 0x7f == *p) {
            return false;
        }
    }
    if (!wm_utf8_valid(s, strlen(s))) {
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

/* Who may open an item of the unit: staff of its jurisdiction (any source), its unit_admin,
** and its unit_member for an inspection's finding (the inspection of the department's own
** areas).  403 for a role that never may, 404 for a unit out of sight. */
static enum wm_err
open_right(struct wm_db *db, const struct wm_actor *a, const struct wm_rect_new *in,
           json_t **unit, struct wm_fail *f)
{
    *unit = NULL;
    bool member = wm_actor_is(a, WM_ROLE_BIT(WM_ROLE_UNIT_MEMBER));
    if (!wm_actor_is(a, WM_ROLES_STAFF | WM_ROLE_BIT(WM_ROLE_UNIT_ADMIN)) &&
        !(member && wm_streq(in->source, "inspection"))) {
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
    struct wm_rect_in ri = { .unit_id = in->unit_id,
                             .year = in->year,
                             .indicator_code = in->indicator_code ? in->indicator_code : "",
                             .problem = in->problem,
                             .source = in->source,
                             .source_id = in->source_id,
                             .due_on = in->due_on && *in->due_on ? in->due_on : NULL,
                             .dept_id = in->dept_id,
                             .corrective = in->corrective && *in->corrective ? in->corrective : NULL,
                             .preventive = in->preventive && *in->preventive ? in->preventive : NULL };
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
    if (WM_OK == (e = wm_rect_tell(db, a, after, "declaration", line, f))) {
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

/* end of work_rect.c */
