/*
** framework.c — evaluation standards (测评体系) in the store: import into draft editions,
** publication (after which an edition is immutable), reading within scope, deletion of
** drafts.  Parsing, validation and export are the framework library's (src/framework).
**
** Who reads what: every account reads the published editions of the offices on its path
** to the root (a unit reads its city's and district's standards); office staff and admins
** also read drafts of the offices within their jurisdiction, and only they import,
** publish and delete.
*/
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "tx.h"
#include "wm_core.h"
#include "wm_framework.h"

void
wm_fw_scope_of(const struct wm_actor *a, struct wm_fw_scope *s)
{
    s->caller_path = a->p ? a->p->org_path : "/";
    s->scope = wm_scope_path(a);
    s->drafts = wm_actor_is(a, WM_ROLES_STAFF);
}

json_t *
wm_edition_get_scoped(struct wm_db *db, const struct wm_actor *a, int64_t id, bool with_document,
                      struct wm_fail *f)
{
    json_t *e = db->ops->edition_get(db, id, with_document);
    if (NULL == e) {
        wm_read_fail(db, f, NULL, NULL);
        return NULL;
    }
    struct wm_fw_scope s;
    wm_fw_scope_of(a, &s);
    const char *path = jss(e, "org_path");
    bool published = wm_streq(jss(e, "status"), "published");
    bool on_path = wm_startswith(s.caller_path, path);
    bool in_scope = wm_startswith(path, s.scope);
    if (!((published && (on_path || in_scope)) || (in_scope && s.drafts))) {
        json_decref(e);
        wm_fail_set(f, WM_E_NOT_FOUND, NULL, "%s", "");
        return NULL;
    }
    return e;
}

struct wm_fw *
wm_edition_parse(const json_t *edition)
{
    const char *doc = jss(edition, "document");
    struct wm_fw *fw = NULL;
    struct wm_fw_report rep = {0};
    if (WM_OK != wm_fw_parse_json(doc, strlen(doc), &fw, &rep)) {
        wm_log(WM_LOG_ERROR, "stored edition %lld does not parse",
               (long long)jsi(edition, "id"));
        fw = NULL;
    }
    wm_fw_report_free(&rep);
    return fw;
}

/* JSON text of a string list, or NULL when empty. */
static char *
list_json(char **items, size_t n)
{
    if (0 == n) {
        return NULL;
    }
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++) {
        json_array_append_new(a, json_string(items[i]));
    }
    char *s = json_dumps(a, JSON_COMPACT);
    json_decref(a);
    return s;
}

static enum wm_err
store_indicators(struct wm_db *db, int64_t edition_id, const struct wm_fw *fw)
{
    if (WM_QS_HARD == db->ops->ind_clear(db, edition_id)) {
        return WM_E_INTERNAL;
    }
    for (size_t i = 0; i < fw->nall; i++) {
        const struct wm_ind *ind = fw->all[i];
        char *depts = list_json(ind->dept, ind->ndept);
        char *media = NULL;
        if (ind->nmedia) {
            json_t *m = json_array();
            for (size_t k = 0; k < ind->nmedia; k++) {
                json_array_append_new(m, json_string(wm_fw_media_name(ind->media[k])));
            }
            media = json_dumps(m, JSON_COMPACT);
            json_decref(m);
        }
        struct wm_ind_row r = {
            .code = ind->code,
            .parent_code = ind->parent ? ind->parent->code : NULL,
            .seq = (int64_t)i,
            .depth = (int)ind->depth,
            .leaf = ind->leaf,
            .title = ind->title,
            .requirement = ind->requirement,
            .materials = ind->materials,
            .has_score = ind->has_score,
            .score = ind->score,
            .veto = ind->has_veto && ind->veto,
            .depts = depts,
            .media = media,
            .frequency = ind->frequency ? wm_fw_freq_name(ind->frequency) : NULL,
            .min_documents = ind->has_min_documents ? ind->min_documents : -1,
        };
        enum wm_qs qs = db->ops->ind_insert(db, edition_id, &r);
        free(depts);
        free(media);
        if (WM_QS_ONE != qs) {
            return WM_E_INTERNAL;
        }
    }
    return WM_OK;
}

/* {"errors": [issue...], "warnings": [issue...], "truncated": b} from the library's report. */
static json_t *
report_json(const struct wm_fw_report *rep)
{
    json_t *raw = wm_fw_report_to_json(rep), *errors = json_array(), *warnings = json_array();
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(raw, "issues"), i, x)
    {
        bool err = wm_streq(jss(x, "severity"), "error");
        json_array_append(err ? errors : warnings, x);
    }
    json_t *out = json_pack("{s:o, s:o, s:O}", "errors", errors, "warnings", warnings,
                            "truncated", json_object_get(raw, "truncated"));
    json_decref(raw);
    return out;
}

static bool
looks_like_json(const void *data, size_t len)
{
    const unsigned char *p = data;
    size_t i = 0;
    if (len >= 3 && 0xEF == p[0] && 0xBB == p[1] && 0xBF == p[2]) {
        i = 3;
    }
    while (i < len && (' ' == p[i] || '\t' == p[i] || '\r' == p[i] || '\n' == p[i])) {
        i++;
    }
    return i < len && '{' == p[i];
}

static enum wm_err
framework_import_once(struct wm_db *db, const struct wm_actor *a, const struct wm_fw_in *in,
                      int64_t *edition_id, json_t **report, json_t **preview, struct wm_fail *f)
{
    struct wm_fw *fw = NULL;
    struct wm_fw_report rep = {0};
    enum wm_err e;
    *report = NULL;
    if (preview) {
        *preview = NULL;
    }
    if (!wm_actor_is(a, WM_ROLES_STAFF)) {
        return wm_fail_set(f, WM_E_FORBIDDEN, NULL, "%s", _("只有文明办和系统管理员可以导入测评体系"));
    }
    if (in->name && !wm_valid_text(in->name, 200)) {
        return wm_fail_set(f, WM_E_BAD_REQUEST, "name", "%s", _("名称须为1至200个字符"));
    }
    if (in->version && !wm_valid_text(in->version, 50)) {
        return wm_fail_set(f, WM_E_BAD_REQUEST, "version", "%s", _("版本须为1至50个字符"));
    }
    if (looks_like_json(in->data, in->len)) {
        e = wm_fw_parse_json(in->data, in->len, &fw, &rep);
    } else {
        if (NULL == in->name) {
            return wm_fail_set(f, WM_E_BAD_REQUEST, "name", "%s",
                               _("导入 CSV、XLSX 或 Word 表格时须填写测评体系名称"));
        }
        e = wm_fw_parse_rows(in->data, in->len, WM_TABLE_AUTO, in->name,
                             in->version ? in->version : "1", in->source, &fw, &rep);
    }
    *report = report_json(&rep);
    if (WM_OK != e) {
        wm_fw_report_free(&rep);
        wm_fw_free(fw);
        return wm_fail_set(f, e, "file", "%s",
                           WM_E_TOO_LARGE == e ? _("文件过大") : _("测评体系有错误，未保存"));
    }
    wm_fw_report_free(&rep);
    /* Arguments override what the document says. */
    if (in->name) {
        free(fw->name);
        fw->name = wm_strdup(in->name);
    }
    if (in->version) {
        free(fw->version);
        fw->version = wm_strdup(in->version);
    }
    const char *name = fw->name ? fw->name : "", *version = fw->version ? fw->version : "1";
    if (!wm_valid_text(name, 200)) {
        wm_fw_free(fw);
        return wm_fail_set(f, WM_E_BAD_REQUEST, "name", "%s", _("测评体系缺少名称"));
    }
    char total[32];
    if (preview) {
        *preview = json_pack("{s:o, s:I, s:s}", "document", wm_fw_to_json(fw), "leaves",
                             (json_int_t)fw->nleaves, "total", wm_fw_score_format(fw->total, total));
    }
    if (in->dry_run) {
        wm_fw_free(fw);
        return WM_OK;
    }
    size_t doclen;
    char *doc = wm_fw_export_json(fw, &doclen);
    int64_t office = in->office_id ? in->office_id : (a->p ? a->p->org_id : 0);
    json_t *org = NULL, *fwrow = NULL, *after = NULL;
    if (WM_OK != (e = tx_begin(db, f))) {
        free(doc);
        wm_fw_free(fw);
        return e;
    }
    org = office ? wm_org_get_scoped(db, a, office, NULL) : NULL;
    if (NULL == org) {
        e = wm_read_fail(db, f, "office_id", _("所属文明办不存在"));
        goto done;
    }
    if (!wm_streq(jss(org, "kind"), "office")) {
        e = wm_fail_set(f, WM_E_BAD_REQUEST, "office_id", "%s", _("测评体系须属于文明办机构"));
        goto done;
    }
    int64_t fw_id;
    fwrow = db->ops->fw_find(db, jsi(org, "id"), name);
    if (fwrow) {
        fw_id = jsi(fwrow, "id");
    } else if (WM_QS_ONE != db->ops->fw_insert(db, jsi(org, "id"), name, wm_now(), &fw_id)) {
        e = wm_write_fail(db, f, "name", _("同名测评体系正在由他人导入，请稍后重试"),
                          _("无法保存测评体系"));
        goto done;
    }
    /* The same version again: replace the draft, refuse a published edition. */
    json_t *ed = db->ops->edition_find(db, fw_id, version);
    int64_t existing = ed ? jsi(ed, "id") : 0;
    bool existing_published = ed && wm_streq(jss(ed, "status"), "published");
    json_decref(ed);
    if (existing && existing_published) {
        e = wm_fail_set(f, WM_E_CONFLICT, "version", _("%s 的 %s 版已发布，不可修改；请使用新的版本号"),
                        name, version);
        goto done;
    }
    if (existing) {
        *edition_id = existing;
        if (WM_QS_ONE !=
            db->ops->edition_replace(db, existing, fw->source, doc, (int64_t)fw->nleaves, fw->total)) {
            e = wm_fail_set(f, WM_E_INTERNAL, NULL, "%s", _("无法保存测评体系"));
            goto done;
        }
    } else if (WM_QS_ONE != db->ops->edition_insert(db, fw_id, version, fw->source, doc,
                                                    (int64_t)fw->nleaves, fw->total,
                                                    a->p ? a->p->user_id : 0, wm_now(),
                                                    edition_id)) {
        e = wm_write_fail(db, f, "version", _("该版本正在由他人导入，请稍后重试"),
                          _("无法保存测评体系"));
        goto done;
    }
    if (WM_OK != (e = store_indicators(db, *edition_id, fw))) {
        wm_fail_set(f, e, NULL, "%s", _("无法保存指标"));
        goto done;
    }
    after = db->ops->edition_get(db, *edition_id, false);
    e = wm_audit(db, a, existing ? "framework.replace" : "framework.import", "edition",
                 *edition_id, jss(org, "path"), NULL, after);
done:
    json_decref(org);
    json_decref(fwrow);
    json_decref(after);
    free(doc);
    wm_fw_free(fw);
    return tx_end(db, e, f);
}

enum wm_err
wm_framework_import(struct wm_db *db, const struct wm_actor *a, const struct wm_fw_in *in,
                    int64_t *edition_id, json_t **report, json_t **preview, struct wm_fail *f)
{
    enum wm_err e;
    TX_RETRY_CLEAN(e, framework_import_once(db, a, in, edition_id, report, preview, f),
                   (json_decref(*report), preview ? json_decref(*preview) : (void)0));
    return e;
}

/* A draft or published edition the actor may change (office staff within scope). */
static enum wm_err
edition_for_change(struct wm_db *db, const struct wm_actor *a, int64_t id, json_t **ed,
                   struct wm_fail *f)
{
    *ed = wm_edition_get_scoped(db, a, id, false, NULL);
    if (NULL == *ed) {
        return wm_read_fail(db, f, NULL, _("测评体系不存在"));
    }
    if (!wm_actor_is(a, WM_ROLES_STAFF) || !wm_startswith(jss(*ed, "org_path"), wm_scope_path(a))) {
        return wm_fail_set(f, WM_E_FORBIDDEN, NULL, "%s", _("没有权限修改此测评体系"));
    }
    if (!wm_streq(jss(*ed, "status"), "draft")) {
        return wm_fail_set(f, WM_E_CONFLICT, "status", "%s", _("已发布的版本不可修改"));
    }
    return WM_OK;
}

static enum wm_err
edition_publish_once(struct wm_db *db, const struct wm_actor *a, int64_t id, struct wm_fail *f)
{
    enum wm_err e;
    json_t *ed = NULL, *after = NULL;
    if (WM_OK != (e = tx_begin(db, f))) {
        return e;
    }
    if (WM_OK == (e = edition_for_change(db, a, id, &ed, f))) {
        if (WM_QS_ONE != db->ops->edition_publish(db, id, wm_now())) {
            e = wm_fail_set(f, WM_E_INTERNAL, NULL, "%s", _("无法发布"));
        } else if (WM_OK == (e = wm_search_sync_edition(db, id, f))) {
            after = db->ops->edition_get(db, id, false);
            e = wm_audit(db, a, "framework.publish", "edition", id, jss(ed, "org_path"), ed, after);
        }
    }
    json_decref(ed);
    json_decref(after);
    return tx_end(db, e, f);
}

enum wm_err
wm_edition_publish(struct wm_db *db, const struct wm_actor *a, int64_t id, struct wm_fail *f)
{
    enum wm_err e;
    TX_RETRY(e, edition_publish_once(db, a, id, f));
    return e;
}

static enum wm_err
edition_delete_once(struct wm_db *db, const struct wm_actor *a, int64_t id, struct wm_fail *f)
{
    enum wm_err e;
    json_t *ed = NULL;
    if (WM_OK != (e = tx_begin(db, f))) {
        return e;
    }
    if (WM_OK == (e = edition_for_change(db, a, id, &ed, f))) {
        if (WM_QS_ONE != db->ops->edition_delete(db, id)) {
            e = wm_fail_set(f, WM_E_INTERNAL, NULL, "%s", _("无法删除"));
        } else {
            e = wm_audit(db, a, "framework.delete", "edition", id, jss(ed, "org_path"), ed, NULL);
        }
    }
    json_decref(ed);
    return tx_end(db, e, f);
}

enum wm_err
wm_edition_delete(struct wm_db *db, const struct wm_actor *a, int64_t id, struct wm_fail *f)
{
    enum wm_err e;
    TX_RETRY(e, edition_delete_once(db, a, id, f));
    return e;
}

/* end of framework.c */
