/*
** org.c — the jurisdiction tree: offices, units and their departments, and the bulk
** import of units from a table.
**
** Who may do what: only the platform operator (admin) creates, renames and moves offices;
** admin and office staff create and edit units within their jurisdiction; a unit's
** archivist (unit_admin) manages its own unit's departments.
*/
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "tx.h"
#include "wm_core.h"
#include "wm_table.h"

#define NAME_MAX_CHARS 100
#define DEPTS_MAX 50

json_t *
wm_org_get_scoped(struct wm_db *db, const struct wm_actor *a, int64_t id, struct wm_fail *f)
{
    json_t *o = db->ops->org_get(db, id);
    if (NULL == o) {
        wm_read_fail(db, f, NULL, NULL);
        return NULL;
    }
    if (!wm_scope_sees(a, o)) {
        json_decref(o);
        wm_fail_set(f, WM_E_NOT_FOUND, NULL, "%s", "");
        return NULL;
    }
    return o;
}

static enum wm_err
need_admin(const struct wm_actor *a, struct wm_fail *f)
{
    if (!wm_actor_is(a, WM_ROLE_BIT(WM_ROLE_ADMIN))) {
        return wm_fail_set(f, WM_E_FORBIDDEN, NULL, "%s", _("只有系统管理员可以管理文明办机构"));
    }
    return WM_OK;
}

static enum wm_err
org_create_once(struct wm_db *db, const struct wm_actor *a, int64_t parent_id, const char *name,
                int64_t *id, struct wm_fail *f)
{
    enum wm_err e;
    if (WM_OK != (e = need_admin(a, f))) {
        return e;
    }
    if (!wm_valid_text(name, NAME_MAX_CHARS)) {
        return wm_fail_set(f, WM_E_BAD_REQUEST, "name", "%s", _("名称须为1至100个字符，且不含控制字符"));
    }
    if (WM_OK != (e = tx_begin(db, f))) {
        return e;
    }
    json_t *parent = parent_id ? db->ops->org_get(db, parent_id) : NULL;
    json_t *dup = NULL;
    if (parent_id && NULL == parent) {
        e = wm_read_fail(db, f, "parent_id", _("上级机构不存在"));
    } else if (parent && !wm_streq(jss(parent, "kind"), "office")) {
        e = wm_fail_set(f, WM_E_BAD_REQUEST, "parent_id", "%s", _("上级必须是文明办机构"));
    } else if (NULL != (dup = db->ops->org_find_name(db, parent_id, name))) {
        e = wm_fail_set(f, WM_E_CONFLICT, "name", "%s", _("同一上级下已有同名机构"));
    } else if (WM_QS_ONE !=
               db->ops->org_insert(db, parent_id, "office", name, NULL, NULL, wm_now(), id)) {
        e = wm_write_fail(db, f, "name", _("同一上级下已有同名机构"), _("无法保存机构"));
    } else {
        json_t *o = db->ops->org_get(db, *id);
        e = wm_audit(db, a, "org.create", "org", *id, jss(o, "path"), NULL, o);
        json_decref(o);
    }
    json_decref(parent);
    json_decref(dup);
    return tx_end(db, e, f);
}

enum wm_err
wm_org_create(struct wm_db *db, const struct wm_actor *a, int64_t parent_id, const char *name,
              int64_t *id, struct wm_fail *f)
{
    enum wm_err e;
    TX_RETRY(e, org_create_once(db, a, parent_id, name, id, f));
    return e;
}

static enum wm_err
org_update_once(struct wm_db *db, const struct wm_actor *a, int64_t id, const char *name,
                int64_t new_parent, struct wm_fail *f)
{
    enum wm_err e;
    if (NULL != name && !wm_valid_text(name, NAME_MAX_CHARS)) {
        return wm_fail_set(f, WM_E_BAD_REQUEST, "name", "%s", _("名称须为1至100个字符，且不含控制字符"));
    }
    if (WM_OK != (e = tx_begin(db, f))) {
        return e;
    }
    json_t *o = wm_org_get_scoped(db, a, id, NULL), *p = NULL, *after = NULL;
    if (NULL == o) {
        e = wm_read_fail(db, f, NULL, _("机构不存在"));
        goto done;
    }
    bool is_unit = wm_streq(jss(o, "kind"), "unit");
    if (WM_OK != (e = is_unit ? (wm_actor_is(a, WM_ROLES_STAFF)
                                     ? WM_OK
                                     : wm_fail_set(f, WM_E_FORBIDDEN, NULL, "%s",
                                                   _("没有权限修改此单位")))
                              : need_admin(a, f))) {
        goto done;
    }
    if (new_parent && new_parent != jsi(o, "parent_id")) {
        p = wm_org_get_scoped(db, a, new_parent, NULL);
        if (NULL == p) {
            e = wm_read_fail(db, f, "parent_id", _("上级机构不存在"));
            goto done;
        }
        if (!wm_streq(jss(p, "kind"), "office")) {
            e = wm_fail_set(f, WM_E_BAD_REQUEST, "parent_id", "%s", _("上级必须是文明办机构"));
            goto done;
        }
        if (wm_startswith(jss(p, "path"), jss(o, "path"))) {
            e = wm_fail_set(f, WM_E_BAD_REQUEST, "parent_id", "%s",
                            _("不能把机构移到它自己或它的下级之下"));
            goto done;
        }
        if (0 == jsi(o, "parent_id")) {
            e = wm_fail_set(f, WM_E_BAD_REQUEST, "parent_id", "%s", _("根机构不能移动"));
            goto done;
        }
        if (WM_QS_ONE != db->ops->org_move(db, id, new_parent)) {
            e = wm_fail_set(f, WM_E_INTERNAL, NULL, "%s", _("无法移动机构"));
            goto done;
        }
    }
    if (name) {
        enum wm_qs qs = db->ops->org_update(db, id, name, NULL, NULL);
        if (qs < 0) {
            e = wm_fail_set(f, WM_QS_CONFLICT == qs ? WM_E_CONFLICT : WM_E_INTERNAL, "name", "%s",
                            _("无法保存名称"));
            goto done;
        }
    }
    after = db->ops->org_get(db, id);
    /* moved: the search index knows its units by their paths */
    if (new_parent && WM_OK != (e = wm_search_sync_subtree(db, jss(after, "path"), f))) {
        goto done;
    }
    e = wm_audit(db, a, is_unit ? "unit.update" : "org.update", "org", id, jss(after, "path"), o,
                 after);
done:
    json_decref(o);
    json_decref(p);
    json_decref(after);
    return tx_end(db, e, f);
}

enum wm_err
wm_org_update(struct wm_db *db, const struct wm_actor *a, int64_t id, const char *name,
              int64_t new_parent, struct wm_fail *f)
{
    enum wm_err e;
    TX_RETRY(e, org_update_once(db, a, id, name, new_parent, f));
    return e;
}

/* ---------------------------------------------------------------- units */

json_t *
wm_unit_get_scoped(struct wm_db *db, const struct wm_actor *a, int64_t id, struct wm_fail *f)
{
    json_t *o = db->ops->org_get(db, id);
    if (NULL == o) {
        wm_read_fail(db, f, NULL, NULL);
        return NULL;
    }
    /* an evaluator sees a unit assigned to their group while its round is evaluating */
    if (!wm_scope_sees(a, o) && !wm_eval_access(db, a, id, 0)) {
        json_decref(o);
        wm_fail_set(f, WM_E_NOT_FOUND, NULL, "%s", "");
        return NULL;
    }
    if (!wm_streq(jss(o, "kind"), "unit")) {
        json_decref(o);
        wm_fail_set(f, WM_E_NOT_FOUND, NULL, "%s", "");
        return NULL;
    }
    if (o) {
        json_t *d = db->ops->dept_list(db, id);
        if (NULL == d) {
            json_decref(o);
            wm_read_fail(db, f, NULL, NULL);
            return NULL; /* a unit's departments are never "no row": an empty list */
        }
        json_object_set_new(o, "depts", d);
    }
    return o;
}

static enum wm_err
unit_check(const struct wm_unit_in *in, bool creating, struct wm_fail *f)
{
    if ((creating || in->name) && !wm_valid_text(in->name, NAME_MAX_CHARS)) {
        return wm_fail_set(f, WM_E_BAD_REQUEST, "name", "%s", _("单位名称须为1至100个字符，且不含控制字符"));
    }
    if ((creating || in->code) && !wm_valid_unit_code(in->code)) {
        return wm_fail_set(f, WM_E_BAD_REQUEST, "code", "%s",
                           _("单位代码须为1至64个字母、数字、点、下划线或连字符"));
    }
    if ((creating || in->type) && !wm_unit_type_valid(in->type)) {
        return wm_fail_set(f, WM_E_BAD_REQUEST, "type", "%s",
                           _("单位类型须为：机关、企业、事业单位、学校、乡镇、街道、村、社区、窗口单位之一"));
    }
    if (in->depts && !json_is_array(in->depts)) {
        return wm_fail_set(f, WM_E_BAD_REQUEST, "depts", "%s", _("科室须为名称列表"));
    }
    if (json_array_size(in->depts) > DEPTS_MAX) {
        /* As the API's limit; also keeps the check for repeats below cheap. */
        return wm_fail_set(f, WM_E_BAD_REQUEST, "depts", _("科室最多 %d 个"), DEPTS_MAX);
    }
    size_t i;
    json_t *d;
    json_array_foreach(in->depts, i, d)
    {
        if (!wm_valid_text(json_string_value(d), 50)) {
            return wm_fail_set(f, WM_E_BAD_REQUEST, "depts", "%s", _("科室名称须为1至50个字符"));
        }
        for (size_t j = 0; j < i; j++) {
            if (wm_streq(json_string_value(json_array_get(in->depts, j)), json_string_value(d))) {
                return wm_fail_set(f, WM_E_BAD_REQUEST, "depts", _("科室 %s 重复"),
                                   json_string_value(d));
            }
        }
    }
    return WM_OK;
}

/* Inside a transaction: create one unit (checks scope, parent, code). */
static enum wm_err
unit_create_tx(struct wm_db *db, const struct wm_actor *a, const struct wm_unit_in *in,
               int64_t *id, struct wm_fail *f)
{
    enum wm_err e = WM_OK;
    json_t *parent = wm_org_get_scoped(db, a, in->parent_id, NULL), *dup = NULL, *after = NULL;
    if (NULL == parent) {
        e = wm_read_fail(db, f, "parent_id", _("所属文明办不存在"));
    } else if (!wm_streq(jss(parent, "kind"), "office")) {
        e = wm_fail_set(f, WM_E_BAD_REQUEST, "parent_id", "%s", _("单位必须隶属于文明办机构"));
    } else if (NULL != (dup = db->ops->org_get_by_code(db, in->code))) {
        e = wm_fail_set(f, WM_E_CONFLICT, "code", _("单位代码 %s 已被使用"), in->code);
    } else {
        enum wm_qs qs =
            db->ops->org_insert(db, in->parent_id, "unit", in->name, in->code, in->type, wm_now(), id);
        if (WM_QS_CONFLICT == qs) {
            e = wm_fail_set(f, WM_E_CONFLICT, "code", _("单位代码 %s 已被使用"), in->code);
        } else if (WM_QS_ONE != qs) {
            e = wm_fail_set(f, WM_E_INTERNAL, NULL, "%s", _("无法保存单位"));
        }
    }
    size_t i;
    json_t *d;
    json_array_foreach(in->depts, i, d)
    {
        int64_t did;
        if (WM_OK != e) {
            break;
        }
        enum wm_qs qs = db->ops->dept_insert(db, *id, json_string_value(d), &did);
        if (WM_QS_CONFLICT == qs) {
            e = wm_fail_set(f, WM_E_BAD_REQUEST, "depts", _("科室 %s 重复"), json_string_value(d));
        } else if (WM_QS_ONE != qs) {
            e = wm_fail_set(f, WM_E_INTERNAL, NULL, "%s", _("无法保存科室"));
        }
    }
    if (WM_OK == e) {
        after = wm_unit_get_scoped(db, a, *id, NULL);
        e = wm_audit(db, a, "unit.create", "org", *id, jss(after, "path"), NULL, after);
    }
    if (WM_OK == e) {
        e = wm_meeting_kinds_default(db, a, *id, jss(after, "path"), f);
    }
    json_decref(parent);
    json_decref(dup);
    json_decref(after);
    return e;
}

static enum wm_err
unit_create_once(struct wm_db *db, const struct wm_actor *a, const struct wm_unit_in *in,
                 int64_t *id, struct wm_fail *f)
{
    enum wm_err e;
    if (!wm_actor_is(a, WM_ROLES_STAFF)) {
        return wm_fail_set(f, WM_E_FORBIDDEN, NULL, "%s", _("没有权限创建单位"));
    }
    if (WM_OK != (e = unit_check(in, true, f)) || WM_OK != (e = tx_begin(db, f))) {
        return e;
    }
    return tx_end(db, unit_create_tx(db, a, in, id, f), f);
}

enum wm_err
wm_unit_create(struct wm_db *db, const struct wm_actor *a, const struct wm_unit_in *in,
               int64_t *id, struct wm_fail *f)
{
    enum wm_err e;
    TX_RETRY(e, unit_create_once(db, a, in, id, f));
    return e;
}

static enum wm_err
unit_update_once(struct wm_db *db, const struct wm_actor *a, int64_t id, const struct wm_unit_in *in,
                 struct wm_fail *f)
{
    enum wm_err e;
    if (WM_OK != (e = unit_check(in, false, f)) || WM_OK != (e = tx_begin(db, f))) {
        return e;
    }
    json_t *before = wm_unit_get_scoped(db, a, id, NULL), *after = NULL, *dup = NULL;
    if (NULL == before) {
        e = wm_read_fail(db, f, NULL, _("单位不存在"));
    } else if (!wm_actor_is(a, WM_ROLES_STAFF)) {
        e = wm_fail_set(f, WM_E_FORBIDDEN, NULL, "%s", _("没有权限修改此单位"));
    } else if (in->code && NULL != (dup = db->ops->org_get_by_code(db, in->code)) &&
               jsi(dup, "id") != id) {
        e = wm_fail_set(f, WM_E_CONFLICT, "code", _("单位代码 %s 已被使用"), in->code);
    } else {
        enum wm_qs qs = db->ops->org_update(db, id, in->name, in->code, in->type);
        if (qs < 0) {
            e = wm_fail_set(f, WM_QS_CONFLICT == qs ? WM_E_CONFLICT : WM_E_INTERNAL, "code", "%s",
                            _("无法保存单位"));
        }
    }
    if (WM_OK == e && in->parent_id && in->parent_id != jsi(before, "parent_id")) {
        json_t *p = wm_org_get_scoped(db, a, in->parent_id, NULL);
        if (NULL == p) {
            e = wm_read_fail(db, f, "parent_id", _("所属文明办不存在"));
        } else if (!wm_streq(jss(p, "kind"), "office")) {
            e = wm_fail_set(f, WM_E_BAD_REQUEST, "parent_id", "%s", _("单位必须隶属于文明办机构"));
        } else if (WM_QS_ONE != db->ops->org_move(db, id, in->parent_id)) {
            e = wm_fail_set(f, WM_E_INTERNAL, NULL, "%s", _("无法移动单位"));
        }
        json_decref(p);
    }
    if (WM_OK == e) {
        after = db->ops->org_get(db, id);
        json_object_del(before, "depts");
        /* its path or type: what the search index filters and scopes by */
        if (!wm_streq(jss(before, "path"), jss(after, "path")) ||
            !wm_streq(jss(before, "type"), jss(after, "type"))) {
            e = wm_search_sync_subtree(db, jss(after, "path"), f);
        }
    }
    if (WM_OK == e) {
        e = wm_audit(db, a, "unit.update", "org", id, jss(after, "path"), before, after);
    }
    json_decref(before);
    json_decref(after);
    json_decref(dup);
    return tx_end(db, e, f);
}

enum wm_err
wm_unit_update(struct wm_db *db, const struct wm_actor *a, int64_t id, const struct wm_unit_in *in,
               struct wm_fail *f)
{
    enum wm_err e;
    TX_RETRY(e, unit_update_once(db, a, id, in, f));
    return e;
}

static enum wm_err
dept_manage_check(struct wm_db *db, const struct wm_actor *a, int64_t unit_id, json_t **unit,
                  struct wm_fail *f)
{
    *unit = wm_unit_get_scoped(db, a, unit_id, NULL);
    if (NULL == *unit) {
        return wm_read_fail(db, f, NULL, _("单位不存在"));
    }
    if (!wm_actor_is(a, WM_ROLES_STAFF | WM_ROLE_BIT(WM_ROLE_UNIT_ADMIN))) {
        return wm_fail_set(f, WM_E_FORBIDDEN, NULL, "%s", _("没有权限管理科室"));
    }
    return WM_OK;
}

static enum wm_err
dept_add_once(struct wm_db *db, const struct wm_actor *a, int64_t unit_id, const char *name,
              int64_t *id, struct wm_fail *f)
{
    enum wm_err e;
    if (!wm_valid_text(name, 50)) {
        return wm_fail_set(f, WM_E_BAD_REQUEST, "name", "%s", _("科室名称须为1至50个字符"));
    }
    if (WM_OK != (e = tx_begin(db, f))) {
        return e;
    }
    json_t *unit = NULL;
    if (WM_OK == (e = dept_manage_check(db, a, unit_id, &unit, f))) {
        enum wm_qs qs = db->ops->dept_insert(db, unit_id, name, id);
        if (WM_QS_CONFLICT == qs) {
            e = wm_fail_set(f, WM_E_CONFLICT, "name", "%s", _("该单位已有同名科室"));
        } else if (WM_QS_ONE != qs) {
            e = wm_fail_set(f, WM_E_INTERNAL, NULL, "%s", _("无法保存科室"));
        } else {
            json_t *d = db->ops->dept_get(db, *id);
            e = wm_audit(db, a, "dept.create", "dept", *id, jss(unit, "path"), NULL, d);
            json_decref(d);
        }
    }
    json_decref(unit);
    return tx_end(db, e, f);
}

enum wm_err
wm_dept_add(struct wm_db *db, const struct wm_actor *a, int64_t unit_id, const char *name,
            int64_t *id, struct wm_fail *f)
{
    enum wm_err e;
    TX_RETRY(e, dept_add_once(db, a, unit_id, name, id, f));
    return e;
}

static enum wm_err
dept_remove_once(struct wm_db *db, const struct wm_actor *a, int64_t unit_id, int64_t dept_id,
                 struct wm_fail *f)
{
    enum wm_err e;
    if (WM_OK != (e = tx_begin(db, f))) {
        return e;
    }
    json_t *unit = NULL, *d = NULL;
    if (WM_OK == (e = dept_manage_check(db, a, unit_id, &unit, f))) {
        d = db->ops->dept_get(db, dept_id);
        enum wm_qs qs;
        if (NULL == d) {
            e = wm_read_fail(db, f, NULL, _("科室不存在"));
        } else if (jsi(d, "unit_id") != unit_id) {
            e = wm_fail_set(f, WM_E_NOT_FOUND, NULL, "%s", _("科室不存在"));
        } else if (WM_QS_CONFLICT == (qs = db->ops->dept_delete(db, dept_id))) {
            e = wm_fail_set(f, WM_E_CONFLICT, NULL, "%s",
                            _("科室下还有账号，或仍被创建工作的任务等记录引用，不能删除"));
        } else if (WM_QS_ONE != qs) {
            e = wm_fail_set(f, WM_E_INTERNAL, NULL, "%s", _("无法删除科室"));
        } else {
            e = wm_audit(db, a, "dept.delete", "dept", dept_id, jss(unit, "path"), d, NULL);
        }
    }
    json_decref(unit);
    json_decref(d);
    return tx_end(db, e, f);
}

enum wm_err
wm_dept_remove(struct wm_db *db, const struct wm_actor *a, int64_t unit_id, int64_t dept_id,
               struct wm_fail *f)
{
    enum wm_err e;
    TX_RETRY(e, dept_remove_once(db, a, unit_id, dept_id, f));
    return e;
}

/* ---------------------------------------------------------------- bulk import */

static const char *const col_name[] = {"name", "单位名称", "單位名稱", "名称", "名稱", "单位全称",
                                       "單位全稱", NULL};
static const char *const col_code[] = {"code", "单位代码", "單位代碼", "代码", "代碼", "编码",
                                       "统一社会信用代码", "統一社會信用代碼", "信用代码",
                                       "社会信用代码", "社會信用代碼", "组织机构代码",
                                       "組織機構代碼", NULL};
static const char *const col_type[] = {"type", "单位类型", "單位類型", "类型", "類型", "类别",
                                       "单位性质", "單位性質", "单位类别", "單位類別", NULL};
static const char *const col_office[] = {"office", "所属文明办", "所屬文明辦", "上级", "所属",
                                         "所属区", "所属区县", "所属地区", "辖区", NULL};
static const char *const col_depts[] = {"depts", "科室", "部门", "部門", "departments", NULL};

/* Unit types as registers write them, to the types of DESIGN.md (import only: the API
** takes the exact names). */
static const struct {
    const char *from, *to;
} type_synonyms[] = {
    {"機關", "机关"},         {"机关单位", "机关"},     {"党政机关", "机关"},
    {"行政机关", "机关"},     {"企業", "企业"},         {"企业单位", "企业"},
    {"国有企业", "企业"},     {"国企", "企业"},         {"民营企业", "企业"},
    {"事業單位", "事业单位"}, {"事业", "事业单位"},     {"學校", "学校"},
    {"中学", "学校"},         {"小学", "学校"},         {"中小学", "学校"},
    {"高校", "学校"},         {"大学", "学校"},         {"幼儿园", "学校"},
    {"鄉鎮", "乡镇"},         {"镇", "乡镇"},           {"乡", "乡镇"},
    {"街道办", "街道"},       {"街道办事处", "街道"},   {"村委会", "村"},
    {"行政村", "村"},         {"社區", "社区"},         {"居委会", "社区"},
    {"社区居委会", "社区"},   {"窗口", "窗口单位"},     {"窗口單位", "窗口单位"},
    {"服务窗口", "窗口单位"},
};

static const char *
type_of(const char *t)
{
    for (size_t i = 0; i < WM_ARRAY_LEN(type_synonyms); i++) {
        if (wm_streq(t, type_synonyms[i].from)) {
            return type_synonyms[i].to;
        }
    }
    return t;
}

static int
find_col(const struct wm_row *h, const char *const *names)
{
    for (int i = 0; names[i]; i++) {
        int c = wm_table_col(h, names[i]);
        if (c >= 0) {
            return c;
        }
    }
    return -1;
}

static const char *
cell(const struct wm_row *r, int c)
{
    return (c >= 0 && (size_t)c < r->ncells) ? r->cells[c] : "";
}

/* An error of the row r (with its sheet when the table joins several). */
static void
report_error(json_t *errors, const struct wm_row *r, const char *field, const char *reason)
{
    json_t *e = json_pack("{s:i, s:s, s:s}", "row", (int)r->line, "field", field, "reason",
                          reason);
    if (r->sheet) {
        json_object_set_new(e, "sheet", json_integer(r->sheet));
    }
    json_array_append_new(errors, e);
}

/* Split "办公室、工会;团委" into a JSON array of trimmed names. */
static json_t *
split_list(const char *s)
{
    json_t *a = json_array();
    char *copy = wm_strdup(s);
    static const char *const seps[] = {"、", "，", "；", ",", ";", "|", NULL};
    /* One pass, each separator to a newline (in place: the text only gets shorter). */
    char *out = copy;
    for (const char *p = copy; *p;) {
        size_t n = 0;
        for (int i = 0; seps[i] && 0 == n; i++) {
            if (wm_startswith(p, seps[i])) {
                n = strlen(seps[i]);
            }
        }
        if (n) {
            *out++ = '\n';
            p += n;
        } else {
            *out++ = *p++;
        }
    }
    *out = '\0';
    char *save = NULL;
    for (char *t = strtok_r(copy, "\n", &save); t; t = strtok_r(NULL, "\n", &save)) {
        wm_trim(t);
        if (*t) {
            json_array_append_new(a, json_string(t));
        }
    }
    free(copy);
    return a;
}

/* The header row of a unit register: the first of the first five rows naming the three
** needed columns (registers often open with a title line); -1 when there is none. */
static long
import_header_row(const struct wm_table *t)
{
    for (size_t r = 0; r < t->nrows && r < 5; r++) {
        if (find_col(&t->rows[r], col_name) >= 0 && find_col(&t->rows[r], col_code) >= 0 &&
            find_col(&t->rows[r], col_type) >= 0) {
            return (long)r;
        }
    }
    return -1;
}

/* One sheet of a register: its header row (its data the rows after it, up to end) and the
** columns that header names. */
struct reg_sheet {
    size_t header, end;
    int c_name, c_code, c_type, c_office, c_depts;
};

/* The sheets of t (rows of one sheet number are one sheet), *n of them; caller frees. */
static struct reg_sheet *
reg_sheets(const struct wm_table *t, size_t *n)
{
    struct reg_sheet *v = NULL;
    *n = 0;
    for (size_t i = 0; i < t->nrows;) {
        size_t end = wm_table_sheet_end(t, i);
        struct wm_table part = {.nrows = end - i, .rows = t->rows + i};
        long header = import_header_row(&part);
        const struct wm_row *h = &t->rows[i + (header >= 0 ? (size_t)header : 0)];
        v = wm_realloc(v, (*n + 1) * sizeof *v);
        v[(*n)++] = (struct reg_sheet){.header = i + (header >= 0 ? (size_t)header : 0),
                                       .end = end,
                                       .c_name = find_col(h, col_name),
                                       .c_code = find_col(h, col_code),
                                       .c_type = find_col(h, col_type),
                                       .c_office = find_col(h, col_office),
                                       .c_depts = find_col(h, col_depts)};
        i = end;
    }
    return v;
}

bool
wm_unit_table_fits(const struct wm_table *t, void *cls)
{
    (void)cls;
    return import_header_row(t) >= 0;
}

/* A unit import under way: what each row adds to. */
struct reg_import {
    struct wm_db *db;
    const struct wm_actor *a;
    int64_t default_office;
    json_t *errors, *seen; /* seen: the codes of the file so far, {name, sheet} */
    unsigned imported, skipped, repeated; /* repeated: a unit again on a later sheet */
    struct wm_fail *f;
};

/* One data row of sheet sg: created, or its error reported (WM_OK both); else the store's
** error (f set). */
static enum wm_err
reg_row(struct reg_import *im, const struct reg_sheet *sg, const struct wm_row *r)
{
    enum wm_err e = WM_OK;
    struct wm_unit_in in = {.name = cell(r, sg->c_name), .code = cell(r, sg->c_code),
                            .type = type_of(cell(r, sg->c_type)), .parent_id = im->default_office};
    const char *office = cell(r, sg->c_office);
    json_t *depts = split_list(cell(r, sg->c_depts));
    in.depts = depts;
    struct wm_fail rf = {0};
    bool bad = false;
    if (WM_OK != unit_check(&in, true, &rf)) {
        report_error(im->errors, r, rf.field, rf.msg);
        bad = true;
    } else if (json_object_get(im->seen, in.code)) {
        /* a summary sheet beside the districts' (汇总 and 东城区 …) holds each unit twice:
        ** the same unit again on another sheet is left out, not an error */
        const json_t *was = json_object_get(im->seen, in.code);
        if (r->sheet != (unsigned)jsi(was, "sheet") && wm_streq(jss(was, "name"), in.name)) {
            im->repeated++;
            json_decref(depts);
            return WM_OK;
        }
        report_error(im->errors, r, "code", _("单位代码在文件中重复"));
        bad = true;
    }
    if (!bad && office[0]) {
        /* The office column names an office in the caller's scope, by name. */
        struct wm_page pg = {.scope = wm_scope_path(im->a), .limit = 200, .q = office,
                             .kind = "office"};
        json_t *found = im->db->ops->org_list(im->db, &pg), *match = NULL;
        size_t k;
        json_t *o;
        json_array_foreach(found, k, o)
        {
            if (wm_streq(jss(o, "name"), office)) {
                match = o;
            }
        }
        if (match) {
            in.parent_id = jsi(match, "id");
        } else {
            report_error(im->errors, r, "office", _("找不到该文明办（或不在管辖范围内）"));
            bad = true;
        }
        json_decref(found);
    }
    if (!bad && 0 == in.parent_id) {
        report_error(im->errors, r, "office", _("未指定所属文明办"));
        bad = true;
    }
    if (!bad) {
        json_object_set_new(im->seen, in.code,
                            json_pack("{s:s, s:I}", "name", in.name, "sheet",
                                      (json_int_t)r->sheet));
        int64_t id;
        /* Every check that can fail for a row runs before its first insert (unit_check
        ** above, parent and code in unit_create_tx), so a bad row leaves nothing. */
        enum wm_err re = unit_create_tx(im->db, im->a, &in, &id, &rf);
        if (WM_E_CONFLICT == re || WM_E_BAD_REQUEST == re || WM_E_NOT_FOUND == re) {
            report_error(im->errors, r, rf.field, rf.msg);
            bad = true;
        } else if (WM_OK != re) {
            e = wm_fail_set(im->f, re, NULL, "%s", rf.msg);
        } else {
            im->imported++;
        }
    }
    if (bad) {
        im->skipped++;
    }
    json_decref(depts);
    return e;
}

static enum wm_err
unit_import_once(struct wm_db *db, const struct wm_actor *a, const struct wm_table *t,
                 int64_t default_office, bool skip_bad, bool dry_run, json_t **report,
                 struct wm_fail *f)
{
    enum wm_err e;
    *report = NULL;
    if (!wm_actor_is(a, WM_ROLES_STAFF)) {
        return wm_fail_set(f, WM_E_FORBIDDEN, NULL, "%s", _("没有权限导入单位"));
    }
    if (NULL == t || t->nrows < 1) {
        return wm_fail_set(f, WM_E_BAD_REQUEST, "file", "%s", _("文件是空的"));
    }
    /* (Registers often open with a title line such as "2026年文明单位名册"; one kept a
    ** sheet per district is read as one table, each sheet with its own header.) */
    size_t nseg = 0;
    struct reg_sheet *seg = reg_sheets(t, &nseg);
    for (size_t k = 0; k < nseg; k++) {
        if (seg[k].c_name < 0 || seg[k].c_code < 0 || seg[k].c_type < 0) {
            free(seg);
            return wm_fail_set(
                f, WM_E_BAD_REQUEST, "file", "%s",
                _("表头须包含 单位名称（name）、单位代码（code）、单位类型（type）列"));
        }
    }
    if (WM_OK != (e = tx_begin(db, f))) {
        free(seg);
        return e;
    }
    struct reg_import im = {db, a, default_office, json_array(), json_object(), 0, 0, 0, f};
    for (size_t k = 0; k < nseg && WM_OK == e; k++) {
        for (size_t i = seg[k].header + 1; i < seg[k].end && WM_OK == e; i++) {
            if (WM_ROW_DATA == wm_table_row_kind(&t->rows[i])) { /* not blank, 合计, 备注 */
                e = reg_row(&im, &seg[k], &t->rows[i]);
            }
        }
    }
    free(seg);
    json_decref(im.seen);
    json_t *errors = im.errors;
    if (WM_OK == e) {
        *report = json_pack(
            "{s:i, s:i, s:i, s:i, s:o, s:b, s:b}", "imported",
            (skip_bad || 0 == json_array_size(errors)) && !dry_run ? (int)im.imported : 0,
            "valid", (int)im.imported, "skipped", (int)im.skipped, "repeated", (int)im.repeated,
            "errors", errors, "dry_run", dry_run, "committed", false);
        errors = NULL;
        if (dry_run || (!skip_bad && json_array_size(json_object_get(*report, "errors")))) {
            db->ops->rollback(db);
            return WM_OK;
        }
        json_t *sum =
            json_pack("{s:i, s:i}", "imported", (int)im.imported, "skipped", (int)im.skipped);
        e = wm_audit(db, a, "unit.import", "org", 0, wm_scope_path(a), NULL, sum);
        json_decref(sum);
        json_object_set_new(*report, "committed", json_boolean(WM_OK == e));
    }
    json_decref(errors);
    return tx_end(db, e, f);
}

enum wm_err
wm_unit_import(struct wm_db *db, const struct wm_actor *a, const struct wm_table *t,
               int64_t default_office, bool skip_bad, bool dry_run, json_t **report,
               struct wm_fail *f)
{
    enum wm_err e;
    TX_RETRY_CLEAN(e, unit_import_once(db, a, t, default_office, skip_bad, dry_run, report, f),
                   json_decref(*report));
    return e;
}

/* end of org.c */
