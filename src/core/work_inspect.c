/*
** work_inspect.c — the creation work (issue 12): responsibility areas, weekly inspections,
** findings, the weekly bulletin PDF.
**
** A unit's departments each look after responsibility areas (责任区: 公共场所, 门前三包,
** 室内卫生, 办公秩序 …).  An inspection records, on a day, each area's result: 合格 'pass'
** or 需整改 'fix' with a note and an optional photo.  A finding opens a rectification item
** (wm_rect_open) and a photo becomes a document of the unit's inspection leaf (wm_work_file),
** both inside the inspection's transaction: the inspection, its items, its photos and its
** audit entry are one change.  An area once inspected is never deleted: it is retired.
**
** The weekly bulletin (一周一通报) of a week is built by the job "work.bulletin": the week's
** inspections become a JSON spec that the `wenming-compile` helper renders as a PDF (the
** server links no cairo), filed into the bulletin leaf; built again, it is a new version of
** the same document (work_bulletin.document_id).
**
** Who: see wm_core.h.  Out of scope (and evaluators always): 404.
*/
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tx.h"
#include "wm_blob.h"
#include "wm_core.h"

/* ---------------------------------------------------------------- rules */

static bool
is_evaluator(const struct wm_actor *a)
{
    return a->p && WM_ROLE_EVALUATOR == a->p->role;
}

static bool
own_unit(const struct wm_actor *a, int64_t unit_id)
{
    return a->p && a->p->org_id == unit_id;
}

bool
wm_work_inspect_may_admin(const struct wm_actor *a, int64_t unit_id)
{
    return wm_actor_is(a, WM_ROLE_BIT(WM_ROLE_UNIT_ADMIN)) && own_unit(a, unit_id);
}

bool
wm_work_inspect_may_check(const struct wm_actor *a, const json_t *area)
{
    int64_t unit_id = jsi(area, "unit_id");
    if (wm_work_inspect_may_admin(a, unit_id)) {
        return true;
    }
    return wm_actor_is(a, WM_ROLE_BIT(WM_ROLE_UNIT_MEMBER)) && own_unit(a, unit_id) &&
           a->p->dept_id && a->p->dept_id == jsi(area, "dept_id");
}

/* The unit (with "depts") if the caller sees it; evaluators never do. */
static json_t *
unit_of(struct wm_db *db, const struct wm_actor *a, int64_t unit_id, struct wm_fail *f)
{
    if (is_evaluator(a)) {
        wm_fail_set(f, WM_E_NOT_FOUND, NULL, "%s", _("单位不存在"));
        return NULL;
    }
    return wm_unit_get_scoped(db, a, unit_id, f);
}

/* A store read that gave NULL for a list: always a store error. */
static json_t *
list_fail(struct wm_db *db, struct wm_fail *f)
{
    if (!wm_db_failed(db)) {
        db->status = WM_QS_HARD;
    }
    wm_read_fail(db, f, NULL, NULL);
    return NULL;
}

/* A note: valid UTF-8, lines allowed, no other control character, at most max characters. */
static bool
note_ok(const char *s, size_t max)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p < 0x20 && '\n' != *p && '\r' != *p && '\t' != *p) || 0x7f == *p) {
            return false;
        }
    }
    return wm_utf8_valid(s, strlen(s)) && wm_utf8_len(s) <= max;
}

/* The text as stored: without bidi and zero-width characters, trimmed (caller frees). */
static char *
clean(const char *s)
{
    char *own = wm_strip_invisible(wm_strdup(s ? s : ""));
    size_t n = strlen(own);
    while (n && strchr(" \t\r\n", own[n - 1])) {
        own[--n] = 0;
    }
    size_t lead = strspn(own, " \t\r\n");
    memmove(own, own + lead, n - lead + 1);
    return own;
}

/* Whether dept_id is a department of the unit (a unit with "depts"). */
static bool
dept_of(const json_t *unit, int64_t dept_id)
{
    size_t i;
    json_t *d;
    json_array_foreach(json_object_get(unit, "depts"), i, d)
    {
        if (jsi(d, "id") == dept_id) {
            return true;
        }
    }
    return false;
}

/* ---------------------------------------------------------------- reads */

json_t *
wm_work_areas(struct wm_db *db, const struct wm_actor *a, int64_t unit_id, bool all,
              struct wm_fail *f)
{
    json_t *unit = unit_of(db, a, unit_id, f);
    if (NULL == unit) {
        return NULL;
    }
    json_decref(unit);
    json_t *rows = db->ops->work_area_list(db, unit_id, !all);
    return rows ? rows : list_fail(db, f);
}

json_t *
wm_work_area(struct wm_db *db, const struct wm_actor *a, int64_t id, struct wm_fail *f)
{
    json_t *area = db->ops->work_area_get(db, id);
    if (NULL == area) {
        wm_read_fail(db, f, NULL, _("责任区不存在"));
        return NULL;
    }
    json_t *unit = unit_of(db, a, jsi(area, "unit_id"), f);
    if (NULL == unit) {
        json_decref(area);
        return NULL;
    }
    json_decref(unit);
    return area;
}

int64_t
wm_work_week_of(int64_t day)
{
    /* day 0 (1970-01-01) was a Thursday: Monday is 3 days before a day ≡ 0 (mod 7) */
    int64_t dow = ((day + 3) % 7 + 7) % 7; /* 0 Monday .. 6 Sunday */
    return day - dow;
}

/* The checks of an inspection, each with its photo's document when it has one. */
static json_t *
checks_of(struct wm_db *db, int64_t inspection_id)
{
    json_t *checks = db->ops->work_inspection_checks(db, inspection_id);
    json_t *links = checks ? wm_work_links(db, "inspection", inspection_id) : NULL;
    size_t i, k;
    json_t *c, *l;
    json_array_foreach(checks, i, c)
    {
        json_t *photo = json_null();
        json_array_foreach(links, k, l)
        {
            if (jsi(l, "document_id") == jsi(c, "photo_document_id")) {
                photo = json_deep_copy(l);
            }
        }
        json_object_set_new(c, "photo", photo);
    }
    json_decref(links);
    return checks;
}

json_t *
wm_work_inspection(struct wm_db *db, const struct wm_actor *a, int64_t id, struct wm_fail *f)
{
    json_t *ins = db->ops->work_inspection_get(db, id);
    if (NULL == ins) {
        wm_read_fail(db, f, NULL, _("检查记录不存在"));
        return NULL;
    }
    json_t *unit = unit_of(db, a, jsi(ins, "unit_id"), f);
    if (NULL == unit) {
        json_decref(ins);
        return NULL;
    }
    json_decref(unit);
    json_t *checks = checks_of(db, id);
    if (NULL == checks) {
        json_decref(ins);
        return list_fail(db, f);
    }
    json_object_set_new(ins, "checks", checks);
    return ins;
}

json_t *
wm_work_inspections(struct wm_db *db, const struct wm_actor *a, int64_t unit_id,
                    const char *from, const char *to, struct wm_fail *f)
{
    int64_t d;
    if ((from && *from && !wm_day_parse(from, &d)) || (to && *to && !wm_day_parse(to, &d))) {
        wm_fail_set(f, WM_E_BAD_REQUEST, from && *from && !wm_day_parse(from, &d) ? "from" : "to",
                    "%s", _("日期须为 YYYY-MM-DD"));
        return NULL;
    }
    json_t *unit = unit_of(db, a, unit_id, f);
    if (NULL == unit) {
        return NULL;
    }
    json_decref(unit);
    json_t *rows = db->ops->work_inspection_list(db, unit_id, from && *from ? from : NULL,
                                                 to && *to ? to : NULL, 0);
    return rows ? rows : list_fail(db, f);
}

/* ---------------------------------------------------------------- areas */

/* Validate a new or changed area against its unit (with "depts"); in: the merged values. */
static enum wm_err
area_check(const json_t *unit, const struct wm_work_area_in *in, struct wm_fail *f)
{
    if (!wm_valid_text(in->name, WM_WORK_AREA_NAME_MAX)) {
        return wm_fail_set(f, WM_E_BAD_REQUEST, "name", _("责任区名称须为 1 至 %d 个字符"),
                           WM_WORK_AREA_NAME_MAX);
    }
    if (*in->category && !wm_valid_text(in->category, WM_WORK_AREA_NAME_MAX)) {
        return wm_fail_set(f, WM_E_BAD_REQUEST, "category", _("类别须为 1 至 %d 个字符"),
                           WM_WORK_AREA_NAME_MAX);
    }
    if (in->dept_id && !dept_of(unit, in->dept_id)) {
        return wm_fail_set(f, WM_E_BAD_REQUEST, "dept_id", "%s", _("责任部门不是本单位的部门"));
    }
    if (in->position < 0 || in->position > 100000) {
        return wm_fail_set(f, WM_E_BAD_REQUEST, "position", "%s", _("排序号须在 0 至 100000 之间"));
    }
    return WM_OK;
}

/* The role check after the scope check: 404 out of sight, 403 for a role that may not. */
static json_t *
admin_unit(struct wm_db *db, const struct wm_actor *a, int64_t unit_id, const char *what,
           struct wm_fail *f)
{
    json_t *unit = unit_of(db, a, unit_id, f);
    if (unit && !wm_work_inspect_may_admin(a, unit_id)) {
        wm_fail_set(f, WM_E_FORBIDDEN, NULL, "%s", what);
        json_decref(unit);
        return NULL;
    }
    return unit;
}

static json_t *
area_json(const struct wm_work_area_in *in)
{
    return json_pack("{s:s, s:s, s:I, s:b, s:I}", "name", in->name, "category", in->category,
                     "dept_id", (json_int_t)in->dept_id, "active", in->active != 0, "position",
                     (json_int_t)in->position);
}

static enum wm_err
area_create_once(struct wm_db *db, const struct wm_actor *a, int64_t unit_id,
                 const struct wm_work_area_in *in, int64_t *id, struct wm_fail *f)
{
    enum wm_err e = tx_begin(db, f);
    if (WM_OK != e) {
        return e;
    }
    json_t *unit = admin_unit(db, a, unit_id, _("只有本单位管理员可以设置责任区"), f);
    if (NULL == unit) {
        e = f->err;
    } else if (WM_OK == (e = area_check(unit, in, f))) {
        enum wm_qs qs = db->ops->work_area_insert(db, unit_id, in, wm_now(), id);
        if (WM_QS_NONE == qs) {
            e = wm_fail_set(f, WM_E_CONFLICT, "name", "%s", _("本单位已有同名的责任区"));
        } else if (WM_QS_ONE != qs) {
            e = wm_write_fail(db, f, NULL, NULL, _("无法保存责任区"));
        } else {
            e = wm_audit_new(db, a, "work.area.create", "work_area", *id, jss(unit, "path"),
                             NULL, area_json(in));
        }
    }
    json_decref(unit);
    return tx_end(db, e, f);
}

enum wm_err
wm_work_area_create(struct wm_db *db, const struct wm_actor *a, int64_t unit_id,
                    const struct wm_work_area_patch *p, int64_t *id, struct wm_fail *f)
{
    char *name = clean(p->name), *cat = clean(p->category);
    const struct wm_work_area_in in = {.dept_id = p->dept_id > 0 ? p->dept_id : 0,
                                       .name = name, .category = cat,
                                       .active = p->active < 0 ? 1 : p->active != 0,
                                       .position = p->position < 0 ? 0 : p->position};
    int64_t own = 0;
    enum wm_err e;
    TX_RETRY(e, area_create_once(db, a, unit_id, &in, id ? id : &own, f));
    free(name);
    free(cat);
    return e;
}

/* The area's values with the patch applied (strings: the patch's, cleaned, or the row's). */
static struct wm_work_area_in
area_merge(const json_t *row, const struct wm_work_area_patch *p, char **name, char **cat)
{
    *name = p->name ? clean(p->name) : wm_strdup(jss(row, "name"));
    *cat = p->category ? clean(p->category) : wm_strdup(jss(row, "category"));
    return (struct wm_work_area_in){
        .dept_id = p->dept_id >= 0 ? p->dept_id : jsi(row, "dept_id"),
        .name = *name,
        .category = *cat,
        .active = p->active >= 0 ? p->active != 0 : jsi(row, "active"),
        .position = p->position >= 0 ? p->position : jsi(row, "position"),
    };
}

static enum wm_err
area_update_once(struct wm_db *db, const struct wm_actor *a, int64_t id,
                 const struct wm_work_area_patch *p, struct wm_fail *f)
{
    enum wm_err e = tx_begin(db, f);
    if (WM_OK != e) {
        return e;
    }
    char *name = NULL, *cat = NULL;
    json_t *unit = NULL, *row = wm_work_area(db, a, id, f);
    if (NULL == row ||
        NULL == (unit = admin_unit(db, a, jsi(row, "unit_id"), _("只有本单位管理员可以修改责任区"), f))) {
        e = f->err;
        goto done;
    }
    struct wm_work_area_in in = area_merge(row, p, &name, &cat);
    if (WM_OK != (e = area_check(unit, &in, f))) {
        goto done;
    }
    enum wm_qs qs = db->ops->work_area_update(db, id, &in);
    if (WM_QS_NONE == qs) {
        e = wm_fail_set(f, WM_E_CONFLICT, "name", "%s", _("本单位已有同名的责任区"));
    } else if (WM_QS_ONE != qs) {
        e = wm_write_fail(db, f, NULL, NULL, _("无法保存责任区"));
    } else {
        json_t *before = json_pack("{s:O, s:O, s:O, s:b, s:O}", "name", json_object_get(row, "name"),
                                   "category", json_object_get(row, "category"), "dept_id",
                                   json_object_get(row, "dept_id"), "active",
                                   jsi(row, "active") != 0, "position",
                                   json_object_get(row, "position"));
        e = wm_audit_new(db, a, "work.area.update", "work_area", id, jss(unit, "path"), before,
                         area_json(&in));
    }
done:
    free(name);
    free(cat);
    json_decref(unit);
    json_decref(row);
    return tx_end(db, e, f);
}

enum wm_err
wm_work_area_update(struct wm_db *db, const struct wm_actor *a, int64_t id,
                    const struct wm_work_area_patch *p, struct wm_fail *f)
{
    enum wm_err e;
    TX_RETRY(e, area_update_once(db, a, id, p, f));
    return e;
}

/* ---------------------------------------------------------------- inspections */

/* The inspector: an account of the unit (its name), a name, or the caller. */
static enum wm_err
inspector_of(struct wm_db *db, const struct wm_actor *a, const struct wm_work_inspection_in *in,
             int64_t *uid, char **name, struct wm_fail *f)
{
    char *given = clean(in->inspector_name);
    *uid = in->inspector_id;
    if (0 == *uid && 0 == *given && a->p) {
        *uid = a->p->user_id;
    }
    if (*uid) {
        struct wm_principal *p = wm_principal_load(db, *uid);
        bool ok = p && p->org_id == in->unit_id;
        if (ok && 0 == *given) {
            free(given);
            given = wm_strdup(p->display_name);
        }
        wm_principal_free(p);
        if (!ok) {
            free(given);
            return wm_fail_set(f, WM_E_BAD_REQUEST, "inspector_id", "%s",
                               _("检查人须为本单位的账号"));
        }
    }
    if (!wm_valid_text(given, WM_WORK_AREA_NAME_MAX)) {
        free(given);
        return wm_fail_set(f, WM_E_BAD_REQUEST, "inspector_name", "%s", _("请填写检查人"));
    }
    *name = given;
    return WM_OK;
}

/* The form of each check before anything is written. */
static enum wm_err
checks_valid(const struct wm_work_inspection_in *in, struct wm_fail *f)
{
    if (0 == in->nchecks) {
        return wm_fail_set(f, WM_E_BAD_REQUEST, "checks", "%s", _("请至少检查一个责任区"));
    }
    if (in->nchecks > WM_WORK_CHECKS_MAX) {
        return wm_fail_set(f, WM_E_BAD_REQUEST, "checks", _("一次检查最多 %d 个责任区"),
                           WM_WORK_CHECKS_MAX);
    }
    for (size_t i = 0; i < in->nchecks; i++) {
        const struct wm_work_check_in *c = &in->checks[i];
        for (size_t k = 0; k < i; k++) {
            if (in->checks[k].area_id == c->area_id) {
                return wm_fail_set(f, WM_E_BAD_REQUEST, "checks", "%s", _("同一责任区只能检查一次"));
            }
        }
        if (!wm_streq(c->result, "pass") && !wm_streq(c->result, "fix")) {
            return wm_fail_set(f, WM_E_BAD_REQUEST, "result", "%s",
                               _("检查结果须为“合格”或“需整改”"));
        }
        if (c->note && !note_ok(c->note, WM_WORK_NOTE_MAX)) {
            return wm_fail_set(f, WM_E_BAD_REQUEST, "note", _("说明超过 %d 个字符或含有无效字符"),
                               WM_WORK_NOTE_MAX);
        }
        if (c->photo && !wm_streq(c->photo->kind, "photo")) {
            return wm_fail_set(f, WM_E_UNSUPPORTED_MEDIA, "photo", "%s", _("检查照片须为图片"));
        }
        if (c->photo && c->photo->size > WM_WORK_PHOTO_MAX) {
            return wm_fail_set(f, WM_E_TOO_LARGE, "photo", _("照片不能超过 %d MB"),
                               (int)(WM_WORK_PHOTO_MAX >> 20));
        }
    }
    return WM_OK;
}

/* What one inspection writes, shared by its steps. */
struct ins {
    const struct wm_work_inspection_in *in;
    const json_t *unit;
    int64_t day;
    int64_t inspector_id;
    const char *inspector_name;
    char *leaf;     /* the inspection leaf (NULL: none set) */
    int64_t *id;
    json_t *summary; /* the audit's "after" */
};

/* Each area must be an active area of the unit the caller may inspect. */
static enum wm_err
check_area(struct wm_db *db, const struct wm_actor *a, const struct ins *x,
           const struct wm_work_check_in *c, json_t **area, struct wm_fail *f)
{
    *area = db->ops->work_area_get(db, c->area_id);
    if (NULL == *area || jsi(*area, "unit_id") != x->in->unit_id) {
        if (wm_db_failed(db)) {
            return wm_read_fail(db, f, NULL, NULL);
        }
        return wm_fail_set(f, WM_E_BAD_REQUEST, "area_id", "%s", _("责任区不是本单位的"));
    }
    if (!jsi(*area, "active")) {
        return wm_fail_set(f, WM_E_BAD_REQUEST, "area_id", _("责任区“%s”已停用"),
                           jss(*area, "name"));
    }
    if (!wm_work_inspect_may_check(a, *area)) {
        return wm_fail_set(f, WM_E_FORBIDDEN, "area_id", _("您只能检查本部门的责任区，“%s”不是"),
                           jss(*area, "name"));
    }
    if (c->photo && NULL == x->leaf) {
        return wm_fail_set(f, WM_E_CONFLICT, "photo", "%s",
                           _("本单位尚未设置检查照片归档的末级指标，请单位管理员在创建工作设置中设置；"
                             "不带照片可以直接保存"));
    }
    return WM_OK;
}

/* A finding's rectification item: the area's department, due a week after the day. */
static enum wm_err
open_item(struct wm_db *db, const struct wm_actor *a, const struct ins *x, const json_t *area,
          const struct wm_work_check_in *c, int64_t check_id, struct wm_fail *f)
{
    char due[WM_DAY_LEN];
    wm_day_format(x->day + 7, due);
    int64_t y;
    int m, d;
    wm_day_ymd(x->day, &y, &m, &d);
    char *problem = c->note && *c->note ? wm_asprintf("%s：%s", jss(area, "name"), c->note)
                                        : wm_asprintf(_("%s：检查需整改"), jss(area, "name"));
    const struct wm_rect_new r = {.unit_id = x->in->unit_id, .year = y, .indicator_code = "",
                                  .problem = problem, .source = "inspection",
                                  .source_id = check_id, .dept_id = jsi(area, "dept_id"),
                                  .due_on = due};
    int64_t rid = 0;
    enum wm_err e = wm_rect_open(db, a, &r, &rid, f);
    free(problem);
    return e;
}

/* A photo: a document of the inspection leaf, linked to the inspection and the check. */
static enum wm_err
file_photo(struct wm_db *db, const struct wm_actor *a, const struct ins *x, const json_t *area,
           const struct wm_work_check_in *c, int64_t check_id, struct wm_fail *f)
{
    char day[WM_DAY_LEN];
    wm_day_format(x->day, day);
    int64_t y;
    int m, d;
    wm_day_ymd(x->day, &y, &m, &d);
    char *title = wm_asprintf(_("%s 责任区检查照片：%s"), day, jss(area, "name"));
    const struct wm_doc_meta meta = {.title = title, .date_formed = day, .media = "photo",
                                     .dept = json_string_value(json_object_get(area, "dept_name")),
                                     .author = x->inspector_name};
    int64_t doc = 0;
    enum wm_err e = wm_work_file(db, a, x->in->unit_id, y, x->leaf, &meta, c->photo,
                                 "inspection", *x->id, "photo", &doc, f);
    if (WM_OK == e && WM_QS_ONE != db->ops->work_check_set_photo(db, check_id, doc)) {
        e = wm_write_fail(db, f, NULL, NULL, _("无法保存检查照片"));
    }
    free(title);
    return e;
}

static enum wm_err
one_check(struct wm_db *db, const struct wm_actor *a, const struct ins *x,
          const struct wm_work_check_in *c, struct wm_fail *f)
{
    json_t *area = NULL;
    int64_t cid = 0;
    enum wm_err e = check_area(db, a, x, c, &area, f);
    if (WM_OK == e &&
        WM_QS_ONE != db->ops->work_check_insert(db, *x->id, c->area_id, c->result, c->note, &cid)) {
        e = wm_write_fail(db, f, NULL, NULL, _("无法保存检查结果"));
    }
    if (WM_OK == e && wm_streq(c->result, "fix")) {
        e = open_item(db, a, x, area, c, cid, f);
    }
    if (WM_OK == e && c->photo) {
        e = file_photo(db, a, x, area, c, cid, f);
    }
    if (WM_OK == e) {
        json_array_append_new(json_object_get(x->summary, "checks"),
                              json_pack("{s:I, s:s, s:s, s:s}", "area_id", (json_int_t)c->area_id,
                                        "area", jss(area, "name"), "result", c->result, "note",
                                        c->note ? c->note : ""));
    }
    json_decref(area);
    return e;
}

static enum wm_err
inspection_once(struct wm_db *db, const struct wm_actor *a, struct ins *x, struct wm_fail *f)
{
    enum wm_err e = tx_begin(db, f);
    if (WM_OK != e) {
        return e;
    }
    char day[WM_DAY_LEN];
    wm_day_format(x->day, day);
    json_t *leaves = db->ops->work_inspect_leaves(db, x->in->unit_id);
    const char *leaf = json_string_value(json_object_get(leaves, "inspection_leaf"));
    x->leaf = leaf && *leaf ? wm_strdup(leaf) : NULL;
    json_decref(leaves);
    x->summary = json_pack("{s:s, s:s, s:s, s:[]}", "held_on", day, "inspector",
                           x->inspector_name, "note", x->in->note ? x->in->note : "", "checks");
    if (wm_db_failed(db)) {
        e = wm_read_fail(db, f, NULL, NULL);
    } else if (WM_QS_ONE != db->ops->work_inspection_insert(db, x->in->unit_id, day,
                                                            x->inspector_id, x->inspector_name,
                                                            x->in->note, a->p ? a->p->user_id : 0,
                                                            wm_now(), x->id)) {
        e = wm_write_fail(db, f, NULL, NULL, _("无法保存检查记录"));
    }
    for (size_t i = 0; WM_OK == e && i < x->in->nchecks; i++) {
        e = one_check(db, a, x, &x->in->checks[i], f);
    }
    if (WM_OK == e) {
        e = wm_audit(db, a, "work.inspection.create", "work_inspection", *x->id,
                     jss(x->unit, "path"), NULL, x->summary);
    }
    json_decref(x->summary);
    x->summary = NULL;
    free(x->leaf);
    x->leaf = NULL;
    return tx_end(db, e, f);
}

/* Scope and role before the form: 404 out of sight, 403 for a role that never records. */
static json_t *
recorder_unit(struct wm_db *db, const struct wm_actor *a, int64_t unit_id, struct wm_fail *f)
{
    json_t *unit = unit_of(db, a, unit_id, f);
    bool may = wm_work_inspect_may_admin(a, unit_id) ||
               (wm_actor_is(a, WM_ROLE_BIT(WM_ROLE_UNIT_MEMBER)) && own_unit(a, unit_id));
    if (unit && !may) {
        wm_fail_set(f, WM_E_FORBIDDEN, NULL, "%s", _("只有本单位的管理员和部门账号可以记录检查"));
        json_decref(unit);
        return NULL;
    }
    return unit;
}

enum wm_err
wm_work_inspection_create(struct wm_db *db, const struct wm_actor *a,
                          const struct wm_work_inspection_in *in, int64_t *id, struct wm_fail *f)
{
    json_t *unit = recorder_unit(db, a, in->unit_id, f);
    if (NULL == unit) {
        return f->err;
    }
    struct ins x = {.in = in, .unit = unit, .id = id};
    enum wm_err e = WM_OK;
    char *name = NULL, *note = clean(in->note);
    if (in->held_on && *in->held_on && !wm_day_parse(in->held_on, &x.day)) {
        e = wm_fail_set(f, WM_E_BAD_REQUEST, "held_on", "%s", _("检查日期须为 YYYY-MM-DD"));
    } else if (!(in->held_on && *in->held_on)) {
        x.day = wm_day_today();
    }
    if (WM_OK == e && x.day > wm_day_today()) {
        e = wm_fail_set(f, WM_E_BAD_REQUEST, "held_on", "%s", _("检查日期不能晚于今天"));
    }
    if (WM_OK == e && !note_ok(note, WM_WORK_NOTE_MAX)) {
        e = wm_fail_set(f, WM_E_BAD_REQUEST, "note", _("备注超过 %d 个字符或含有无效字符"),
                        WM_WORK_NOTE_MAX);
    }
    if (WM_OK == e && WM_OK == (e = checks_valid(in, f)) &&
        WM_OK == (e = inspector_of(db, a, in, &x.inspector_id, &name, f))) {
        struct wm_work_inspection_in own = *in;
        own.note = note;
        x.in = &own;
        x.inspector_name = name;
        int64_t tmp = 0;
        x.id = id ? id : &tmp;
        TX_RETRY_CLEAN(e, inspection_once(db, a, &x, f), *x.id = 0);
    }
    free(name);
    free(note);
    json_decref(unit);
    return e;
}

/* ---------------------------------------------------------------- bulletins */

static struct wm_jobs_env benv;

static void
bulletin_week(json_t *b)
{
    int64_t d;
    if (b && wm_day_parse(jss(b, "week_on"), &d)) {
        char end[WM_DAY_LEN];
        wm_day_format(d + 6, end);
        json_object_set_new(b, "week_end", json_string(end));
    }
}

json_t *
wm_work_bulletin(struct wm_db *db, const struct wm_actor *a, int64_t id, struct wm_fail *f)
{
    json_t *b = db->ops->work_bulletin_get(db, id);
    if (NULL == b) {
        wm_read_fail(db, f, NULL, _("通报不存在"));
        return NULL;
    }
    json_t *unit = unit_of(db, a, jsi(b, "unit_id"), f);
    if (NULL == unit) {
        json_decref(b);
        return NULL;
    }
    json_decref(unit);
    bulletin_week(b);
    return b;
}

json_t *
wm_work_bulletins(struct wm_db *db, const struct wm_actor *a, int64_t unit_id, struct wm_fail *f)
{
    json_t *unit = unit_of(db, a, unit_id, f);
    if (NULL == unit) {
        return NULL;
    }
    json_decref(unit);
    json_t *rows = db->ops->work_bulletin_list(db, unit_id);
    if (NULL == rows) {
        return list_fail(db, f);
    }
    size_t i;
    json_t *b;
    json_array_foreach(rows, i, b)
    {
        bulletin_week(b);
    }
    return rows;
}

struct build {
    int64_t unit_id;
    const char *week;
    int64_t *id;
    int64_t *job_id;
};

static enum wm_err
build_once(struct wm_db *db, const struct wm_actor *a, const struct build *in, struct wm_fail *f)
{
    enum wm_err e = tx_begin(db, f);
    if (WM_OK != e) {
        return e;
    }
    json_t *unit = admin_unit(db, a, in->unit_id, _("只有本单位管理员可以生成通报"), f);
    json_t *leaves = unit ? db->ops->work_inspect_leaves(db, in->unit_id) : NULL;
    const char *leaf = json_string_value(json_object_get(leaves, "bulletin_leaf"));
    if (NULL == unit) {
        e = f->err;
    } else if (wm_db_failed(db)) {
        e = wm_read_fail(db, f, NULL, NULL);
    } else if (NULL == leaf || !*leaf) {
        e = wm_fail_set(f, WM_E_CONFLICT, "bulletin_leaf", "%s",
                        _("本单位尚未设置一周一通报归档的末级指标，请先在创建工作设置中设置"));
    } else if (WM_QS_ONE != db->ops->work_bulletin_upsert(db, in->unit_id, in->week,
                                                          a->p ? a->p->user_id : 0, wm_now(),
                                                          in->id)) {
        e = wm_write_fail(db, f, NULL, NULL, _("无法保存通报"));
    } else {
        /* one job of a bulletin at a time (two at once would both file a new document);
        ** asked again while its job waits: that job, which has not read the week yet */
        char key[48];
        snprintf(key, sizeof key, "bulletin:%lld", (long long)*in->id);
        json_t *payload = json_pack("{s:I}", "bulletin_id", (json_int_t)*in->id);
        e = wm_job_submit(db, a, "work.bulletin", payload, jss(unit, "path"), key, in->job_id,
                          f);
        json_decref(payload);
        if (WM_OK == e && 0 == *in->job_id &&
            db->ops->job_waiting(db, "work.bulletin", key, in->job_id) < 0) {
            e = wm_write_fail(db, f, NULL, NULL, _("无法保存通报"));
        }
    }
    if (WM_OK == e) {
        e = wm_audit_new(db, a, "work.bulletin.build", "work_bulletin", *in->id,
                         jss(unit, "path"), NULL,
                         json_pack("{s:s, s:s, s:I}", "week_on", in->week, "leaf", leaf,
                                   "job_id", (json_int_t)*in->job_id));
    }
    json_decref(leaves);
    json_decref(unit);
    return tx_end(db, e, f);
}

enum wm_err
wm_work_bulletin_build(struct wm_db *db, const struct wm_actor *a, int64_t unit_id,
                       const char *day, int64_t *id, int64_t *job_id, struct wm_fail *f)
{
    int64_t d;
    if (NULL == day || !wm_day_parse(day, &d)) {
        return wm_fail_set(f, WM_E_BAD_REQUEST, "week", "%s", _("请给出这一周中的一天（YYYY-MM-DD）"));
    }
    char week[WM_DAY_LEN];
    wm_day_format(wm_work_week_of(d), week);
    int64_t own = 0, job = 0;
    const struct build in = {.unit_id = unit_id, .week = week, .id = id ? id : &own,
                             .job_id = job_id ? job_id : &job};
    enum wm_err e;
    TX_RETRY_CLEAN(e, build_once(db, a, &in, f), *in.id = *in.job_id = 0);
    return e;
}

/* ---------------------------------------------------------------- the bulletin's job */

/* The result in words. */
static const char *
result_label(const char *r)
{
    return wm_streq(r, "fix") ? _("需整改") : _("合格");
}

/* Count one check into the per-department table {dept: {checks, pass, fix}}. */
static void
dept_count(json_t *depts, const json_t *c)
{
    const char *name = json_string_value(json_object_get(c, "dept_name"));
    name = name ? name : _("未指定部门");
    json_t *d = json_object_get(depts, name);
    if (NULL == d) {
        d = json_pack("{s:s, s:i, s:i, s:i}", "dept", name, "checks", 0, "pass", 0, "fix", 0);
        json_object_set_new(depts, name, d);
    }
    const char *k = wm_streq(jss(c, "result"), "fix") ? "fix" : "pass";
    json_object_set_new(d, "checks", json_integer(jsi(d, "checks") + 1));
    json_object_set_new(d, k, json_integer(jsi(d, k) + 1));
}

/* One inspection of the spec, counting its checks and findings. */
static json_t *
spec_inspection(const json_t *ins, const json_t *checks, json_t *findings, json_t *depts)
{
    json_t *list = json_array();
    size_t i;
    json_t *c;
    json_array_foreach(checks, i, c)
    {
        const char *dept = json_string_value(json_object_get(c, "dept_name"));
        json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:s, s:s}", "area",
                                              jss(c, "area_name"), "category", jss(c, "category"),
                                              "dept", dept ? dept : "", "result",
                                              result_label(jss(c, "result")), "note",
                                              jss(c, "note")));
        dept_count(depts, c);
        if (wm_streq(jss(c, "result"), "fix")) {
            json_array_append_new(findings,
                                  json_pack("{s:s, s:s, s:s, s:s}", "held_on", jss(ins, "held_on"),
                                            "dept", dept ? dept : _("未指定部门"), "area",
                                            jss(c, "area_name"), "note", jss(c, "note")));
        }
    }
    return json_pack("{s:s, s:s, s:s, s:o}", "held_on", jss(ins, "held_on"), "inspector",
                     jss(ins, "inspector_name"), "note", jss(ins, "note"), "checks", list);
}

/* The bulletin's spec for `wenming-compile` (kind "work.bulletin"), or NULL (store). */
static json_t *
bulletin_spec(struct wm_db *db, const json_t *unit, const char *from, const char *to)
{
    json_t *rows = db->ops->work_inspection_list(db, jsi(unit, "id"), from, to, 0);
    if (NULL == rows) {
        return NULL;
    }
    json_t *list = json_array(), *findings = json_array(), *depts = json_object();
    for (size_t i = json_array_size(rows); i-- > 0;) { /* oldest first */
        json_t *ins = json_array_get(rows, i);
        json_t *checks = db->ops->work_inspection_checks(db, jsi(ins, "id"));
        if (NULL == checks) {
            json_decref(rows);
            json_decref(list);
            json_decref(findings);
            json_decref(depts);
            return NULL;
        }
        json_array_append_new(list, spec_inspection(ins, checks, findings, depts));
        json_decref(checks);
    }
    json_t *counts = json_array();
    const char *k;
    json_t *v;
    json_object_foreach(depts, k, v)
    {
        json_array_append(counts, v);
    }
    json_decref(depts);
    json_decref(rows);
    char *title = wm_asprintf(_("%s一周一通报"), jss(unit, "name"));
    json_t *spec = json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:o}", "kind", "work.bulletin",
                             "title", title, "unit", jss(unit, "name"), "from", from, "to", to,
                             "inspections", list, "findings", findings, "depts", counts);
    free(title);
    return spec;
}

/* Render the spec into the blob store: *sha and *size of the PDF. */
static enum wm_err
bulletin_render(const json_t *spec, char sha[65], uint64_t *size, struct wm_fail *f)
{
    struct wm_compile c;
    enum wm_err e = wm_compile_begin(&c, "wenming-bulletin", f);
    if (WM_OK != e) {
        return e;
    }
    if (WM_OK == (e = wm_compile_run(&c, benv.compile_make, spec, JSON_COMPACT, _("通报"), f))) {
        e = wm_compile_store(&c, benv.blobs, _("通报"), sha, size, f);
    }
    wm_compile_end(&c);
    return e;
}

/* File the PDF (a new version of the bulletin's document when it has one) and mark it done. */
static enum wm_err
bulletin_file(struct wm_db *db, const struct wm_actor *a, const json_t *b, const json_t *spec,
              const char *leaf, const char sha[65], uint64_t size, struct wm_fail *f)
{
    int64_t y;
    int m, d;
    int64_t day = 0;
    if (!wm_day_parse(jss(b, "week_on"), &day)) {
        day = wm_day_today();
    }
    wm_day_ymd(day, &y, &m, &d);
    char *title = wm_asprintf(_("一周一通报（%s 至 %s）"), jss(spec, "from"), jss(spec, "to"));
    char *fname = wm_asprintf(_("一周一通报-%s.pdf"), jss(spec, "from"));
    const struct wm_upload up = {.sha = sha, .size = size, .mime = "application/pdf",
                                 .kind = "text", .ext = "pdf", .filename = fname};
    const struct wm_doc_meta meta = {.title = title, .date_formed = jss(spec, "to"),
                                     .media = "text", .author = jss(spec, "unit")};
    enum wm_err e;
    TX_RETRY_BEGIN(db, e, f)
    {
        int64_t doc = jsi(b, "document_id");
        e = WM_OK;
        if (WM_QS_ONE != db->ops->blob_upsert(db, sha, (int64_t)size, "application/pdf", wm_now())) {
            e = wm_write_fail(db, f, NULL, NULL, "blob");
        }
        if (WM_OK == e) {
            e = wm_work_file(db, a, jsi(b, "unit_id"), y, leaf, &meta, &up, "bulletin",
                             jsi(b, "id"), "bulletin", &doc, f);
        }
        if (WM_OK == e &&
            WM_QS_ONE != db->ops->work_bulletin_set(db, jsi(b, "id"), "done", NULL, doc, wm_now())) {
            e = wm_write_fail(db, f, NULL, NULL, _("无法保存通报"));
        }
    }
    TX_RETRY_END(db, e, f);
    free(title);
    free(fname);
    return e;
}

/* Record a failure in a transaction of its own (the job runs outside one). */
static void
bulletin_failed(struct wm_db *db, int64_t id, const char *why)
{
    enum wm_err e;
    struct wm_fail f = {0};
    TX_RETRY_BEGIN(db, e, &f)
    {
        e = WM_QS_ONE == db->ops->work_bulletin_set(db, id, "failed", why, 0, wm_now())
                ? WM_OK
                : wm_write_fail(db, &f, NULL, NULL, "bulletin");
    }
    TX_RETRY_END(db, e, &f);
}

/* The bulletin's actor: the account that asked for it. */
static enum wm_err
bulletin_run(struct wm_db *db, const struct wm_actor *a, const json_t *b, json_t **result,
             struct wm_fail *f)
{
    json_t *unit = db->ops->org_get(db, jsi(b, "unit_id"));
    json_t *leaves = db->ops->work_inspect_leaves(db, jsi(b, "unit_id"));
    const char *leaf = json_string_value(json_object_get(leaves, "bulletin_leaf"));
    int64_t day = 0;
    if (!wm_day_parse(jss(b, "week_on"), &day)) {
        day = wm_day_today();
    }
    char to[WM_DAY_LEN];
    wm_day_format(day + 6, to);
    json_t *spec = unit ? bulletin_spec(db, unit, jss(b, "week_on"), to) : NULL;
    enum wm_err e = WM_OK;
    char sha[65] = "";
    uint64_t size = 0;
    if (NULL == spec) {
        e = wm_db_failed(db) ? wm_read_fail(db, f, NULL, NULL)
                             : wm_fail_set(f, WM_E_NOT_FOUND, NULL, "%s", _("单位不存在"));
    } else if (NULL == leaf || !*leaf) {
        e = wm_fail_set(f, WM_E_CONFLICT, "bulletin_leaf", "%s",
                        _("本单位尚未设置一周一通报归档的末级指标"));
    } else if (WM_OK == (e = bulletin_render(spec, sha, &size, f))) {
        e = bulletin_file(db, a, b, spec, leaf, sha, size, f);
    }
    if (WM_OK == e) {
        *result = json_pack("{s:I, s:s, s:I}", "bulletin_id", (json_int_t)jsi(b, "id"), "sha",
                            sha, "size", (json_int_t)size);
    }
    json_decref(spec);
    json_decref(leaves);
    json_decref(unit);
    return e;
}

static enum wm_err
run_bulletin(struct wm_db *db, struct wm_job *job, const json_t *payload, json_t **result,
             struct wm_fail *f)
{
    int64_t id = jsi(payload, "bulletin_id");
    json_t *b = db->ops->work_bulletin_get(db, id);
    if (NULL == b) {
        return wm_db_failed(db) ? wm_read_fail(db, f, NULL, NULL)
                                : wm_fail_set(f, WM_E_NOT_FOUND, NULL, "%s", _("通报不存在"));
    }
    int64_t uid = jsi(wm_job_row(job), "created_by");
    struct wm_principal *p = uid ? wm_principal_load(db, uid) : NULL;
    char rid[32];
    snprintf(rid, sizeof rid, "job-%lld", (long long)wm_job_id(job));
    struct wm_actor a = {.p = p, .request_id = rid, .addr = "job"};
    enum wm_err e;
    if (NULL == p) {
        e = wm_fail_set(f, wm_db_failed(db) ? WM_E_UNAVAILABLE : WM_E_FORBIDDEN, NULL, "%s",
                        _("发起生成的账号已不存在或已停用"));
    } else {
        e = bulletin_run(db, &a, b, result, f);
    }
    if (WM_OK != e) {
        bulletin_failed(db, id, *f->msg ? f->msg : _("生成失败"));
    }
    wm_principal_free(p);
    json_decref(b);
    return e;
}

void
wm_work_inspect_register_jobs(const struct wm_jobs_env *env)
{
    benv = *env;
    const struct wm_job_kind k = {.kind = "work.bulletin", .run = run_bulletin,
                                  .max_attempts = 3, .backoff = 30};
    wm_jobs_register(&k);
}

/* end of work_inspect.c */
