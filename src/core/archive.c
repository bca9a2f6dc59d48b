/*
** archive.c — the electronic creation archive: one per unit and year on a published
** edition; its folders are the edition's indicators; documents live in leaves, numbered
** per leaf ("01:主题"), with versions that point at blobs.
**
** Who writes: platform and office staff within their jurisdiction, a unit's archivist in
** its unit, and a department's staff (unit_member) only in the leaves whose responsible
** departments include its own.  Leaders (unit_viewer) and evaluators read.  Deleting moves
** to the trash; unit_admin restores within 30 days, office staff any time; only the
** platform operator purges, and every step is audited.
*/
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tx.h"
#include "wm_media.h"
#include "wm_core.h"

#define TRASH_RESTORE_DAYS 30
#define WM_DOC_TITLE_MAX 200 /* characters of a title (题名) */

static char *code_pattern;

void
wm_archive_set_code_pattern(const char *pattern)
{
    free(code_pattern);
    code_pattern = pattern && *pattern ? wm_strdup(pattern) : NULL;
}

char *
wm_doc_display_name(const json_t *doc)
{
    return wm_asprintf("%02lld:%s", (long long)jsi(doc, "serial"), jss(doc, "title"));
}

char *
wm_doc_archival_code(const json_t *doc, const char *unit_code, int64_t year)
{
    const char *p = code_pattern ? code_pattern : "{unit}-{year}-{code}-{serial}";
    struct wm_buf b = {0};
    while (*p) {
        if (wm_startswith(p, "{unit}")) {
            wm_buf_adds(&b, unit_code);
            p += 6;
        } else if (wm_startswith(p, "{year}")) {
            wm_buf_printf(&b, "%lld", (long long)year);
            p += 6;
        } else if (wm_startswith(p, "{code}")) {
            wm_buf_adds(&b, jss(doc, "indicator_code"));
            p += 6;
        } else if (wm_startswith(p, "{serial}")) {
            /* the number given with the code, kept in the trash and after re-ordering */
            int64_t n = jsi(doc, "code_serial") > 0 ? jsi(doc, "code_serial") : jsi(doc, "serial");
            wm_buf_printf(&b, "%02lld", (long long)n);
            p += 8;
        } else {
            wm_buf_addc(&b, *p++);
        }
    }
    return wm_buf_steal(&b);
}

/* ---------------------------------------------------------------- archives */

int64_t
wm_archive_current_year(void)
{
    time_t t = (time_t)(wm_now() + 8 * 3600); /* China Standard Time, no DST */
    struct tm tm;
    gmtime_r(&t, &tm);
    return tm.tm_year + 1900;
}

json_t *
wm_archive_editions(struct wm_db *db, const json_t *unit, int64_t year, int64_t *default_id)
{
    struct wm_fw_scope s = {.caller_path = jss(unit, "path"), .scope = "/-/", .drafts = false};
    struct wm_page pg = {.limit = 500, .kind = "published"};
    json_t *a = db->ops->edition_list(db, &s, &pg);
    int64_t def = db->ops->archive_default_for(db, jss(unit, "path"), year);
    int64_t newest = 0, newest_at = -1;
    bool def_applies = false;
    size_t i;
    json_t *e;
    json_array_foreach(a, i, e)
    {
        if (jsi(e, "published_at") >= newest_at) {
            newest_at = jsi(e, "published_at");
            newest = jsi(e, "id");
        }
        def_applies = def_applies || jsi(e, "id") == def;
    }
    /* The year's default set by the nearest office, else the newest published edition. */
    *default_id = def && def_applies ? def : newest;
    return a ? a : json_array();
}

static bool
may_write_unit(const struct wm_actor *a)
{
    return wm_actor_is(a, WM_ROLES_STAFF | WM_ROLE_BIT(WM_ROLE_UNIT_ADMIN) |
                              WM_ROLE_BIT(WM_ROLE_UNIT_MEMBER));
}

bool
wm_archive_may_create(const struct wm_actor *a)
{
    return may_write_unit(a);
}

json_t *
wm_archive_open(struct wm_db *db, const struct wm_actor *a, int64_t unit_id, int64_t year,
                struct wm_fail *f)
{
    json_t *unit = wm_unit_get_scoped(db, a, unit_id, NULL);
    if (NULL == unit) {
        wm_read_fail(db, f, NULL, _("单位不存在"));
        return NULL;
    }
    if (!wm_year_readable(db, a, unit_id, year)) { /* an evaluator: a materials year only */
        json_decref(unit);
        wm_read_fail(db, f, NULL, _("档案不存在"));
        return NULL;
    }
    json_t *ar = db->ops->archive_get(db, unit_id, year);
    if (NULL == ar) {
        wm_read_fail(db, f, "year", _("该年度档案尚未建立"));
    } else {
        json_object_set(ar, "unit_name", json_object_get(unit, "name"));
        json_object_set(ar, "unit_code", json_object_get(unit, "code"));
        json_object_set(ar, "unit_path", json_object_get(unit, "path"));
        json_object_set(ar, "unit_depts", json_object_get(unit, "depts"));
    }
    json_decref(unit);
    return ar;
}

static enum wm_err
archive_create_once(struct wm_db *db, const struct wm_actor *a, int64_t unit_id, int64_t year,
                    int64_t edition_id, int64_t *id, struct wm_fail *f)
{
    enum wm_err e;
    int64_t max = wm_archive_current_year() + 1;
    if (!may_write_unit(a)) {
        return wm_fail_set(f, WM_E_FORBIDDEN, NULL, "%s", _("没有权限建立创建档案"));
    }
    if (year < WM_ARCHIVE_YEAR_MIN || year > max) {
        return wm_fail_set(f, WM_E_BAD_REQUEST, "year", _("年度须在 %d 至 %lld 之间"),
                           WM_ARCHIVE_YEAR_MIN, (long long)max);
    }
    if (WM_OK != (e = tx_begin(db, f))) {
        return e;
    }
    json_t *unit = wm_unit_get_scoped(db, a, unit_id, NULL), *eds = NULL, *ar = NULL;
    if (NULL == unit) {
        e = wm_read_fail(db, f, NULL, _("单位不存在"));
        goto done;
    }
    if (NULL != (ar = db->ops->archive_get(db, unit_id, year))) {
        e = wm_fail_set(f, WM_E_CONFLICT, "year", _("%lld 年度的创建档案已经建立"), (long long)year);
        goto done;
    }
    if (wm_db_failed(db)) {
        e = wm_read_fail(db, f, NULL, NULL);
        goto done;
    }
    int64_t def = 0;
    eds = wm_archive_editions(db, unit, year, &def);
    if (edition_id) {
        bool found = false;
        size_t i;
        json_t *x;
        json_array_foreach(eds, i, x)
        {
            found = found || jsi(x, "id") == edition_id;
        }
        if (!found) {
            e = wm_fail_set(f, WM_E_BAD_REQUEST, "edition_id", "%s",
                            _("须选择一个适用于本单位的已发布测评体系"));
            goto done;
        }
    } else {
        edition_id = def;
    }
    if (0 == edition_id) {
        e = wm_fail_set(f, WM_E_BAD_REQUEST, "edition_id", "%s",
                        _("尚无已发布的测评体系，无法建立创建档案"));
    } else if (WM_QS_ONE != db->ops->archive_insert(db, unit_id, year, edition_id, wm_now(), id)) {
        e = wm_write_fail(db, f, "year", _("该年度的创建档案已存在"), _("无法建立创建档案"));
    } else {
        ar = db->ops->archive_get(db, unit_id, year);
        e = wm_audit(db, a, "archive.create", "archive", *id, jss(unit, "path"), NULL, ar);
    }
done:
    json_decref(ar);
    json_decref(eds);
    json_decref(unit);
    return tx_end(db, e, f);
}

enum wm_err
wm_archive_create(struct wm_db *db, const struct wm_actor *a, int64_t unit_id, int64_t year,
                  int64_t edition_id, int64_t *id, struct wm_fail *f)
{
    enum wm_err e;
    TX_RETRY(e, archive_create_once(db, a, unit_id, year, edition_id, id, f));
    return e;
}

static enum wm_err
archive_delete_once(struct wm_db *db, const struct wm_actor *a, int64_t unit_id, int64_t year,
                    struct wm_fail *f)
{
    enum wm_err e;
    if (!wm_actor_is(a, WM_ROLES_STAFF)) {
        return wm_fail_set(f, WM_E_FORBIDDEN, NULL, "%s", _("只有文明办可以删除创建档案"));
    }
    if (WM_OK != (e = tx_begin(db, f))) {
        return e;
    }
    json_t *unit = wm_unit_get_scoped(db, a, unit_id, NULL), *ar = NULL;
    int64_t n = 0;
    if (NULL == unit) {
        e = wm_read_fail(db, f, NULL, _("单位不存在"));
    } else if (NULL == (ar = db->ops->archive_get(db, unit_id, year))) {
        e = wm_read_fail(db, f, "year", _("该年度档案尚未建立"));
    } else if ((n = db->ops->archive_doc_total(db, jsi(ar, "id"))) < 0) {
        e = wm_fail_set(f, WM_E_INTERNAL, NULL, "%s", _("无法删除"));
    } else if (n > 0) {
        e = wm_fail_set(f, WM_E_CONFLICT, "year",
                        _("档案中还有 %lld 件文件（含回收站中的），不能删除；只能删除误建的空档案"),
                        (long long)n);
    } else if (WM_OK != (e = wm_search_drop_archive(db, jss(unit, "path"), jsi(ar, "id"), f))) {
        /* its conversations go with it */
    } else if (WM_QS_ONE != db->ops->archive_delete(db, jsi(ar, "id"))) {
        e = wm_fail_set(f, WM_E_CONFLICT, "year", "%s", _("档案中还有文件，不能删除"));
    } else {
        e = wm_audit(db, a, "archive.delete", "archive", jsi(ar, "id"), jss(unit, "path"), ar, NULL);
    }
    json_decref(ar);
    json_decref(unit);
    return tx_end(db, e, f);
}

enum wm_err
wm_archive_delete(struct wm_db *db, const struct wm_actor *a, int64_t unit_id, int64_t year,
                  struct wm_fail *f)
{
    enum wm_err e;
    TX_RETRY(e, archive_delete_once(db, a, unit_id, year, f));
    return e;
}

json_t *
wm_archive_tree(struct wm_db *db, const json_t *archive, struct wm_fail *f)
{
    json_t *inds = db->ops->ind_list(db, jsi(archive, "edition_id"), false);
    json_t *counts = inds ? db->ops->doc_counts(db, jsi(archive, "id")) : NULL;
    if (NULL == counts) { /* lists are never "no row": the store failed */
        json_decref(inds);
        wm_fail_set(f, WM_QS_SOFT == db->status ? WM_E_UNAVAILABLE : WM_E_INTERNAL, NULL, "%s",
                    "");
        return NULL;
    }
    json_t *by_code = json_object();
    size_t i;
    json_t *x;
    json_array_foreach(counts, i, x)
    {
        json_object_set(by_code, jss(x, "code"), x);
    }
    int64_t leaves = 0, complete = 0, docs = 0, optional = 0;
    json_array_foreach(inds, i, x)
    {
        /* Stored lists are JSON text: give them back as arrays. */
        static const char *const lists[] = {"depts", "media"};
        for (int k = 0; k < 2; k++) {
            const char *t = jss(x, lists[k]);
            json_t *v = *t ? json_loads(t, 0, NULL) : NULL;
            json_object_set_new(x, lists[k], v ? v : json_array());
        }
        if (!jsi(x, "leaf")) {
            continue;
        }
        json_t *c = json_object_get(by_code, jss(x, "code"));
        int64_t n = c ? jsi(c, "n") : 0;
        json_int_t need = json_is_integer(json_object_get(x, "min_documents"))
                              ? jsi(x, "min_documents")
                              : 1;
        if (need < 0) {
            need = 0;
        }
        json_t *present = json_array(), *missing = json_array();
        size_t k;
        json_t *m;
        json_array_foreach(json_object_get(x, "media"), k, m)
        {
            const char *kind = json_string_value(m);
            if (NULL == kind) {
                continue;
            }
            bool has = c && jsi(c, kind) > 0;
            if (has) {
                json_array_append_new(present, json_string(kind));
            } else {
                json_array_append_new(missing, json_pack("{s:s}", "kind", kind));
            }
        }
        /* A leaf requires something when it asks for documents or for a kind of them;
        ** one that asks for nothing is neither met nor unmet, and not counted. */
        bool required = need > 0 || json_array_size(json_object_get(x, "media")) > 0;
        if (n < need) {
            json_array_insert_new(missing, 0, json_pack("{s:s, s:I}", "kind", "documents",
                                                         "count", (json_int_t)(need - n)));
        }
        bool ok = required && 0 == json_array_size(missing);
        json_object_set_new(x, "documents", json_integer(n));
        json_object_set_new(x, "required", json_integer(need));
        json_object_set_new(x, "requires", json_boolean(required));
        json_object_set_new(x, "media_present", present);
        json_object_set_new(x, "missing", missing);
        json_object_set_new(x, "complete", json_boolean(ok));
        if (required) {
            leaves++;
            complete += ok;
        } else {
            optional++;
        }
        docs += n;
    }
    json_decref(by_code);
    json_decref(counts);
    return json_pack("{s:o, s:I, s:I, s:I, s:I, s:I}", "indicators", inds ? inds : json_array(),
                     "leaves", (json_int_t)leaves, "complete", (json_int_t)complete,
                     "optional_leaves", (json_int_t)optional, "documents", (json_int_t)docs,
                     "percent",
                     (json_int_t)(leaves ? (complete * 100 + leaves / 2) / leaves : 0));
}

static enum wm_err
archive_set_default_once(struct wm_db *db, const struct wm_actor *a, int64_t office_id, int64_t year,
                         int64_t edition_id, struct wm_fail *f)
{
    enum wm_err e;
    if (!wm_actor_is(a, WM_ROLES_STAFF)) {
        return wm_fail_set(f, WM_E_FORBIDDEN, NULL, "%s", _("只有文明办可以设置默认测评体系"));
    }
    if (year < 1990 || year > 2100) {
        return wm_fail_set(f, WM_E_BAD_REQUEST, "year", "%s", _("年度无效"));
    }
    if (WM_OK != (e = tx_begin(db, f))) {
        return e;
    }
    json_t *org = wm_org_get_scoped(db, a, office_id, NULL), *ed = NULL;
    if (NULL == org) {
        e = wm_read_fail(db, f, "office_id", _("文明办机构不存在"));
    } else if (!wm_streq(jss(org, "kind"), "office")) {
        e = wm_fail_set(f, WM_E_NOT_FOUND, "office_id", "%s", _("文明办机构不存在"));
    } else if (NULL == (ed = wm_edition_get_scoped(db, a, edition_id, false, NULL)) &&
               wm_db_failed(db)) {
        e = wm_read_fail(db, f, NULL, NULL);
    } else if (NULL == ed || !wm_streq(jss(ed, "status"), "published")) {
        e = wm_fail_set(f, WM_E_BAD_REQUEST, "edition_id", "%s", _("须选择一个已发布的测评体系版本"));
    } else if (WM_QS_ONE != db->ops->archive_default_set(db, office_id, year, edition_id)) {
        e = wm_fail_set(f, WM_E_INTERNAL, NULL, "%s", _("无法保存"));
    } else {
        json_t *sum = json_pack("{s:I, s:I}", "year", (json_int_t)year, "edition_id",
                                (json_int_t)edition_id);
        e = wm_audit(db, a, "archive.default", "org", office_id, jss(org, "path"), NULL, sum);
        json_decref(sum);
    }
    json_decref(org);
    json_decref(ed);
    return tx_end(db, e, f);
}

enum wm_err
wm_archive_set_default(struct wm_db *db, const struct wm_actor *a, int64_t office_id, int64_t year,
                       int64_t edition_id, struct wm_fail *f)
{
    enum wm_err e;
    TX_RETRY(e, archive_set_default_once(db, a, office_id, year, edition_id, f));
    return e;
}

/* ---------------------------------------------------------------- documents */

static bool
valid_date(const char *s)
{
    int y, m, d;
    char tail;
    for (int i = 0; i < 10; i++) {
        bool dash = 4 == i || 7 == i;
        if (dash ? '-' != s[i] : !isdigit((unsigned char)s[i])) {
            return false;
        }
    }
    if ('\0' != s[10] || 3 != sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail)) {
        return false;
    }
    static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return y >= 1900 && y <= 2200 && m >= 1 && m <= 12 && d >= 1 && d <= days[m - 1] &&
           !(2 == m && 29 == d && !((0 == y % 4 && 0 != y % 100) || 0 == y % 400));
}

enum wm_err
wm_doc_meta_check(const struct wm_doc_meta *m, struct wm_fail *f)
{
    if (m->title && !wm_valid_text(m->title, WM_DOC_TITLE_MAX)) {
        return wm_fail_set(f, WM_E_BAD_REQUEST, "title", "%s",
                           _("题名须为1至200个字符，首尾不能是空格，且不含控制字符"));
    }
    if (m->date_formed && *m->date_formed && !valid_date(m->date_formed)) {
        return wm_fail_set(f, WM_E_BAD_REQUEST, "date_formed", "%s", _("形成日期须为 YYYY-MM-DD"));
    }
    if (m->media && !wm_streq(m->media, "text") && !wm_streq(m->media, "photo") &&
        !wm_streq(m->media, "audiovisual")) {
        return wm_fail_set(f, WM_E_BAD_REQUEST, "media", "%s",
                           _("载体须为 text（文字）、photo（图片）或 audiovisual（音像）"));
    }
    if (m->retention && !wm_streq(m->retention, "永久") && !wm_streq(m->retention, "30年") &&
        !wm_streq(m->retention, "10年")) {
        return wm_fail_set(f, WM_E_BAD_REQUEST, "retention", "%s", _("保管期限须为 永久、30年 或 10年"));
    }
    const struct {
        const char *name, *label, *v;
        size_t max;
    } texts[] = {{"dept", N_("责任部门"), m->dept, 50},
                 {"author", N_("责任者"), m->author, 50},
                 {"keywords", N_("主题词"), m->keywords, 200},
                 {"remarks", N_("备注"), m->remarks, 1000}};
    for (size_t i = 0; i < WM_ARRAY_LEN(texts); i++) {
        if (texts[i].v && *texts[i].v &&
            (!wm_utf8_valid(texts[i].v, strlen(texts[i].v)) || wm_utf8_len(texts[i].v) > texts[i].max ||
             (wm_has_control(texts[i].v) && !wm_streq(texts[i].name, "remarks")))) {
            return wm_fail_set(f, WM_E_BAD_REQUEST, texts[i].name,
                               _("%s超过 %zu 个字符或含有无效字符"), _(texts[i].label),
                               texts[i].max);
        }
    }
    return WM_OK;
}

/* The leaf row of the archive's edition, or NULL (not a leaf: not found). */
static json_t *
leaf_of(struct wm_db *db, const json_t *archive, const char *code)
{
    json_t *inds = db->ops->ind_list(db, jsi(archive, "edition_id"), true);
    json_t *found = NULL;
    size_t i;
    json_t *x;
    json_array_foreach(inds, i, x)
    {
        if (wm_streq(jss(x, "code"), code)) {
            found = json_incref(x);
            break;
        }
    }
    json_decref(inds);
    return found;
}

enum wm_err
wm_doc_may_write(struct wm_db *db, const struct wm_actor *a, const json_t *archive, const char *code,
                 struct wm_fail *f)
{
    if (!may_write_unit(a)) {
        return wm_fail_set(f, WM_E_FORBIDDEN, NULL, "%s", _("没有权限上传或修改档案"));
    }
    json_t *leaf = leaf_of(db, archive, code);
    if (NULL == leaf) {
        return wm_fail_set(f, WM_E_NOT_FOUND, "code", _("指标 %s 不是该档案的末级指标"), code);
    }
    enum wm_err e = WM_OK;
    if (wm_actor_is(a, WM_ROLE_BIT(WM_ROLE_UNIT_MEMBER))) {
        /* A department's staff writes only where its department is responsible. */
        json_t *dept = a->p->dept_id ? db->ops->dept_get(db, a->p->dept_id) : NULL;
        const char *mine = dept ? jss(dept, "name") : NULL;
        json_t *depts = json_loads(jss(leaf, "depts"), 0, NULL);
        bool ok = false;
        size_t i;
        json_t *d;
        json_array_foreach(depts, i, d)
        {
            ok = ok || (mine && wm_streq(json_string_value(d), mine));
        }
        if (!ok) {
            /* Say who is responsible: "本指标由 办公室、工会 负责，您所在的 人教科 不能上传" */
            struct wm_buf names = {0};
            json_array_foreach(depts, i, d)
            {
                wm_buf_printf(&names, "%s%s", i ? "、" : "", json_string_value(d));
            }
            e = wm_fail_set(f, WM_E_FORBIDDEN, "code", _("本指标由 %s 负责，您所在的 %s 不能上传"),
                            names.len ? wm_buf_str(&names) : _("单位创建办"),
                            mine ? mine : _("（未分配科室）"));
            wm_buf_free(&names);
        }
        json_decref(depts);
        json_decref(dept);
    }
    json_decref(leaf);
    return e;
}

/* The check before a document is stored or changed: the normal one (wm_doc_may_write), or
** for a creation-work record's file (filed, wm_work_file) only that the actor writes a
** unit's archive and the leaf is one of the archive's — the right over the record, which
** the caller checked, stands for the leaf's department. */
static enum wm_err
doc_may_write_as(struct wm_db *db, const struct wm_actor *a, const json_t *archive,
                 const char *code, bool filed, struct wm_fail *f)
{
    if (!filed) {
        return wm_doc_may_write(db, a, archive, code, f);
    }
    if (!may_write_unit(a)) {
        return wm_fail_set(f, WM_E_FORBIDDEN, NULL, "%s", _("没有权限上传或修改档案"));
    }
    json_t *leaf = leaf_of(db, archive, code);
    if (NULL == leaf) {
        return wm_fail_set(f, WM_E_NOT_FOUND, "code", _("指标 %s 不是该档案的末级指标"), code);
    }
    json_decref(leaf);
    return WM_OK;
}

/* The text fields a user gives a document, copied into own[] without bidi and zero-width
** characters (wm_strip_invisible), m pointing at the copies; free own[] afterwards. */
#define META_TEXTS 5
static void
meta_strip(struct wm_doc_meta *m, char *own[META_TEXTS])
{
    const char **fields[META_TEXTS] = {&m->title, &m->dept, &m->author, &m->keywords,
                                       &m->remarks};
    for (size_t i = 0; i < META_TEXTS; i++) {
        own[i] = *fields[i] ? wm_strip_invisible(wm_strdup(*fields[i])) : NULL;
        *fields[i] = own[i];
    }
}

static void
meta_own_free(char *own[META_TEXTS])
{
    for (size_t i = 0; i < META_TEXTS; i++) {
        free(own[i]);
    }
}

char *
wm_upload_filename(const struct wm_upload *up, char **notice)
{
    bool changed = false;
    char *clean = wm_strip_invisible(wm_strdup(up->filename ? up->filename : ""));
    const char *given = clean;
    char *name = wm_media_name_fix(given, up->mime ? up->mime : "", &changed);
    if (notice) {
        *notice = NULL;
        if (changed && *given && given[wm_media_name_ext(given)]) {
            *notice = wm_asprintf(_("文件名“%s”的扩展名与内容（%s）不符，已改为“%s”"), given,
                                  wm_media_type_label(up->mime), name);
        } else if (changed && *given) {
            *notice = wm_asprintf(_("文件名“%s”没有扩展名，已按内容（%s）改为“%s”"), given,
                                  wm_media_type_label(up->mime), name);
        }
    }
    free(clean);
    return name;
}

static enum wm_err
doc_create_once(struct wm_db *db, const struct wm_actor *a, const json_t *archive, const char *code,
                const struct wm_doc_meta *meta, const struct wm_upload *up, bool filed,
                int64_t *id, struct wm_fail *f)
{
    enum wm_err e;
    struct wm_doc_meta m = *meta;
    char *title = NULL, *own[META_TEXTS];
    if (NULL == m.title || '\0' == *m.title) {
        /* The title defaults from the file name, without its extension. */
        title = wm_strip_invisible(
            wm_strdup(up->filename && *up->filename ? up->filename : _("未命名")));
        title[wm_media_name_ext(title)] = '\0';
        /* A long name gives its first 200 characters, not 未命名. */
        size_t chars = 0;
        for (char *p = title; *p; p++) {
            if (0x80 != ((unsigned char)*p & 0xc0) && ++chars > WM_DOC_TITLE_MAX) {
                *p = '\0';
                break;
            }
        }
        wm_trim(title);
        if (!wm_valid_text(title, WM_DOC_TITLE_MAX)) {
            free(title);
            title = wm_strdup(_("未命名"));
        }
        m.title = title;
    }
    if (NULL == m.media || '\0' == *m.media) {
        m.media = up->kind && *up->kind ? up->kind : "text";
    }
    /* Inside the caller's transaction (a package import: all documents or none), join it. */
    bool own_tx = !db->ops->in_tx(db);
    meta_strip(&m, own);
    if (WM_OK != (e = wm_doc_meta_check(&m, f)) || (own_tx && WM_OK != (e = tx_begin(db, f)))) {
        meta_own_free(own);
        free(title);
        return e;
    }
    int64_t serial = 0, n = 0;
    json_t *after = NULL;
    char *fname = wm_upload_filename(up, NULL);
    if (WM_OK != (e = doc_may_write_as(db, a, archive, code, filed, f))) {
        goto done;
    }
    if (WM_QS_ONE != db->ops->blob_upsert(db, up->sha, (int64_t)up->size, up->mime, wm_now()) ||
        WM_QS_ONE != db->ops->doc_insert(db, jsi(archive, "id"), code, &m, a->p ? a->p->user_id : 0,
                                         wm_now(), id, &serial) ||
        WM_QS_ONE != db->ops->version_insert(db, *id, up->sha, fname, a->p ? a->p->user_id : 0,
                                             wm_now(), &n)) {
        e = wm_fail_set(f, WM_E_INTERNAL, NULL, "%s", _("无法保存文件"));
        goto done;
    }
    if (WM_OK != (e = wm_search_sync_document(db, *id, f))) {
        goto done;
    }
    after = db->ops->doc_get(db, *id);
    e = wm_audit(db, a, "document.create", "document", *id, jss(archive, "unit_path"), NULL, after);
done:
    json_decref(after);
    free(fname);
    meta_own_free(own);
    free(title);
    return own_tx ? tx_end(db, e, f) : e;
}

enum wm_err
wm_doc_create(struct wm_db *db, const struct wm_actor *a, const json_t *archive, const char *code,
              const struct wm_doc_meta *meta, const struct wm_upload *up, int64_t *id,
              struct wm_fail *f)
{
    enum wm_err e;
    TX_RETRY(e, doc_create_once(db, a, archive, code, meta, up, false, id, f));
    return e;
}

enum wm_err
wm_doc_create_filed(struct wm_db *db, const struct wm_actor *a, const json_t *archive,
                    const char *code, const struct wm_doc_meta *meta,
                    const struct wm_upload *up, int64_t *id, struct wm_fail *f)
{
    enum wm_err e;
    TX_RETRY(e, doc_create_once(db, a, archive, code, meta, up, true, id, f));
    return e;
}

json_t *
wm_doc_get_scoped(struct wm_db *db, const struct wm_actor *a, int64_t id, struct wm_fail *f)
{
    json_t *d = db->ops->doc_get(db, id);
    if (NULL == d) {
        wm_read_fail(db, f, NULL, NULL);
        return NULL;
    }
    json_t *unit = wm_unit_get_scoped(db, a, jsi(d, "unit_id"), f);
    if (NULL == unit) {
        json_decref(d);
        return NULL;
    }
    json_decref(unit);
    if (!wm_year_readable(db, a, jsi(d, "unit_id"), jsi(d, "year"))) {
        json_decref(d); /* an evaluator: documents of a materials year only */
        wm_read_fail(db, f, NULL, NULL);
        return NULL;
    }
    return d;
}

/* Load a visible document and its archive, and check the actor may write its leaf (as
** doc_may_write_as). */
static enum wm_err
doc_for_change_as(struct wm_db *db, const struct wm_actor *a, int64_t id, bool filed,
                  json_t **doc, json_t **ar, struct wm_fail *f)
{
    *ar = NULL;
    *doc = wm_doc_get_scoped(db, a, id, NULL);
    if (NULL == *doc) {
        return wm_read_fail(db, f, NULL, _("文件不存在"));
    }
    *ar = db->ops->archive_get(db, jsi(*doc, "unit_id"), jsi(*doc, "year"));
    if (NULL == *ar) {
        return wm_fail_set(f, WM_E_INTERNAL, NULL, "%s", _("档案数据不完整"));
    }
    return doc_may_write_as(db, a, *ar, jss(*doc, "indicator_code"), filed, f);
}

static enum wm_err
doc_for_change(struct wm_db *db, const struct wm_actor *a, int64_t id, json_t **doc, json_t **ar,
               struct wm_fail *f)
{
    return doc_for_change_as(db, a, id, false, doc, ar, f);
}

static enum wm_err
doc_new_version_once(struct wm_db *db, const struct wm_actor *a, int64_t id, const struct wm_upload *up,
                     bool filed, struct wm_fail *f)
{
    enum wm_err e;
    json_t *doc = NULL, *ar = NULL, *after = NULL;
    int64_t n;
    /* Inside the caller's transaction (wm_work_file), join it. */
    bool own_tx = !db->ops->in_tx(db);
    if (own_tx && WM_OK != (e = tx_begin(db, f))) {
        return e;
    }
    if (WM_OK != (e = doc_for_change_as(db, a, id, filed, &doc, &ar, f))) {
        goto done;
    }
    if (json_is_integer(json_object_get(doc, "deleted_at"))) {
        e = wm_fail_set(f, WM_E_CONFLICT, NULL, "%s", _("文件在回收站中"));
        goto done;
    }
    if (wm_streq(jss(doc, "sha"), up->sha)) {
        e = wm_fail_set(f, WM_E_CONFLICT, "file", "%s",
                        _("新上传的文件与当前版本内容完全相同，未保存为新版本"));
        goto done;
    }
    char *fname = wm_upload_filename(up, NULL);
    if (WM_QS_ONE != db->ops->blob_upsert(db, up->sha, (int64_t)up->size, up->mime, wm_now()) ||
        WM_QS_ONE != db->ops->version_insert(db, id, up->sha, fname, a->p ? a->p->user_id : 0,
                                             wm_now(), &n)) {
        free(fname);
        e = wm_fail_set(f, WM_E_INTERNAL, NULL, "%s", _("无法保存文件"));
        goto done;
    }
    free(fname);
    /* A new version needs review again (the verdicts name the versions they apply to). */
    if (!wm_streq(jss(doc, "status"), "draft") &&
        WM_QS_ONE != db->ops->doc_set_status(db, id, "draft", wm_now())) {
        e = wm_write_fail(db, f, NULL, NULL, _("无法保存文件"));
        goto done;
    }
    if (!wm_streq(jss(doc, "status"), "draft") &&
        WM_OK != (e = wm_sched_touch(db, jsi(ar, "id"), jss(doc, "indicator_code"), f))) {
        goto done;
    }
    if (WM_OK != (e = wm_search_sync_document(db, id, f))) {
        goto done;
    }
    after = db->ops->doc_get(db, id);
    e = wm_audit(db, a, "document.version", "document", id, jss(doc, "unit_path"), doc, after);
done:
    json_decref(doc);
    json_decref(ar);
    json_decref(after);
    return own_tx ? tx_end(db, e, f) : e;
}

enum wm_err
wm_doc_new_version(struct wm_db *db, const struct wm_actor *a, int64_t id, const struct wm_upload *up,
                   struct wm_fail *f)
{
    enum wm_err e;
    TX_RETRY(e, doc_new_version_once(db, a, id, up, false, f));
    return e;
}

enum wm_err
wm_doc_new_version_filed(struct wm_db *db, const struct wm_actor *a, int64_t id,
                         const struct wm_upload *up, struct wm_fail *f)
{
    enum wm_err e;
    TX_RETRY(e, doc_new_version_once(db, a, id, up, true, f));
    return e;
}

static enum wm_err
doc_update_once(struct wm_db *db, const struct wm_actor *a, int64_t id,
                const struct wm_doc_meta *given, bool filed, struct wm_fail *f)
{
    enum wm_err e;
    json_t *doc = NULL, *ar = NULL, *after = NULL;
    struct wm_doc_meta clean = *given, *m = &clean;
    char *own[META_TEXTS];
    meta_strip(&clean, own);
    /* Inside the caller's transaction (wm_work_file), join it. */
    bool own_tx = !db->ops->in_tx(db);
    if (WM_OK != (e = wm_doc_meta_check(m, f)) || (own_tx && WM_OK != (e = tx_begin(db, f)))) {
        meta_own_free(own);
        return e;
    }
    if (WM_OK == (e = doc_for_change_as(db, a, id, filed, &doc, &ar, f))) {
        if (WM_QS_ONE != db->ops->doc_update(db, id, m, wm_now())) {
            e = wm_fail_set(f, WM_E_INTERNAL, NULL, "%s", _("无法保存"));
        } else if (m->date_formed && !json_is_integer(json_object_get(doc, "deleted_at")) &&
                   WM_OK != (e = wm_sched_touch(db, jsi(ar, "id"), jss(doc, "indicator_code"),
                                                f))) {
            /* the date formed says which period the document serves */
        } else if (WM_OK == (e = wm_search_sync_document(db, id, f))) {
            after = db->ops->doc_get(db, id);
            e = wm_audit(db, a, "document.update", "document", id, jss(doc, "unit_path"), doc, after);
        }
    }
    json_decref(doc);
    json_decref(ar);
    json_decref(after);
    meta_own_free(own);
    return own_tx ? tx_end(db, e, f) : e;
}

enum wm_err
wm_doc_update(struct wm_db *db, const struct wm_actor *a, int64_t id,
              const struct wm_doc_meta *given, struct wm_fail *f)
{
    enum wm_err e;
    TX_RETRY(e, doc_update_once(db, a, id, given, false, f));
    return e;
}

enum wm_err
wm_doc_update_filed(struct wm_db *db, const struct wm_actor *a, int64_t id,
                    const struct wm_doc_meta *meta, struct wm_fail *f)
{
    enum wm_err e;
    TX_RETRY(e, doc_update_once(db, a, id, meta, true, f));
    return e;
}

static enum wm_err
doc_move_once(struct wm_db *db, const struct wm_actor *a, int64_t id, const char *code, struct wm_fail *f)
{
    enum wm_err e;
    json_t *doc = NULL, *ar = NULL, *after = NULL;
    if (WM_OK != (e = tx_begin(db, f))) {
        return e;
    }
    if (WM_OK != (e = doc_for_change(db, a, id, &doc, &ar, f)) ||
        WM_OK != (e = wm_doc_may_write(db, a, ar, code, f))) {
        goto done;
    }
    if (json_is_integer(json_object_get(doc, "deleted_at"))) {
        e = wm_fail_set(f, WM_E_CONFLICT, NULL, "%s", _("文件在回收站中"));
        goto done;
    }
    if (wm_streq(code, jss(doc, "indicator_code"))) {
        goto done;
    }
    if (WM_QS_ONE != db->ops->doc_move(db, id, code, wm_now()) ||
        WM_QS_ONE != db->ops->leaf_renumber(db, jsi(ar, "id"), jss(doc, "indicator_code"))) {
        e = wm_fail_set(f, WM_E_INTERNAL, NULL, "%s", _("无法移动"));
        goto done;
    }
    /* both leaves: the one it left and the one it joined (held in code order) */
    const char *from = jss(doc, "indicator_code");
    bool first_from = strcmp(from, code) < 0;
    if (WM_OK != (e = wm_sched_touch(db, jsi(ar, "id"), first_from ? from : code, f)) ||
        WM_OK != (e = wm_sched_touch(db, jsi(ar, "id"), first_from ? code : from, f))) {
        goto done;
    }
    if (WM_OK != (e = wm_search_sync_document(db, id, f))) {
        goto done;
    }
    after = db->ops->doc_get(db, id);
    e = wm_audit(db, a, "document.move", "document", id, jss(doc, "unit_path"), doc, after);
done:
    json_decref(doc);
    json_decref(ar);
    json_decref(after);
    return tx_end(db, e, f);
}

enum wm_err
wm_doc_move(struct wm_db *db, const struct wm_actor *a, int64_t id, const char *code, struct wm_fail *f)
{
    enum wm_err e;
    TX_RETRY(e, doc_move_once(db, a, id, code, f));
    return e;
}

static enum wm_err
doc_delete_once(struct wm_db *db, const struct wm_actor *a, int64_t id, struct wm_fail *f)
{
    enum wm_err e;
    json_t *doc = NULL, *ar = NULL;
    if (WM_OK != (e = tx_begin(db, f))) {
        return e;
    }
    if (WM_OK == (e = doc_for_change(db, a, id, &doc, &ar, f))) {
        enum wm_qs qs = db->ops->doc_trash(db, id, a->p ? a->p->user_id : 0, wm_now());
        if (WM_QS_NONE == qs) {
            e = wm_fail_set(f, WM_E_NOT_FOUND, NULL, "%s", _("文件已在回收站中"));
        } else if (WM_QS_ONE != qs) {
            e = wm_fail_set(f, WM_E_INTERNAL, NULL, "%s", _("无法删除文件"));
        } else if (WM_QS_ONE != db->ops->leaf_renumber(db, jsi(ar, "id"), jss(doc, "indicator_code"))) {
            e = wm_fail_set(f, WM_E_INTERNAL, NULL, "%s", _("无法重新编号"));
        } else if (WM_OK != (e = wm_sched_touch(db, jsi(ar, "id"), jss(doc, "indicator_code"),
                                                f))) {
            /* a document in the trash meets nothing */
        } else if (WM_OK == (e = wm_search_sync_document(db, id, f))) {
            e = wm_audit(db, a, "document.delete", "document", id, jss(doc, "unit_path"), doc, NULL);
        }
    }
    json_decref(doc);
    json_decref(ar);
    return tx_end(db, e, f);
}

enum wm_err
wm_doc_delete(struct wm_db *db, const struct wm_actor *a, int64_t id, struct wm_fail *f)
{
    enum wm_err e;
    TX_RETRY(e, doc_delete_once(db, a, id, f));
    return e;
}

static enum wm_err
doc_restore_once(struct wm_db *db, const struct wm_actor *a, int64_t id, struct wm_fail *f)
{
    enum wm_err e;
    if (WM_OK != (e = tx_begin(db, f))) {
        return e;
    }
    json_t *doc = wm_doc_get_scoped(db, a, id, NULL), *after = NULL;
    if (NULL == doc && wm_db_failed(db)) {
        e = wm_read_fail(db, f, NULL, NULL);
    } else if (NULL == doc || !json_is_integer(json_object_get(doc, "deleted_at"))) {
        e = wm_fail_set(f, WM_E_NOT_FOUND, NULL, "%s", _("回收站中没有这个文件"));
    } else if (wm_actor_is(a, WM_ROLE_BIT(WM_ROLE_UNIT_ADMIN)) &&
               wm_now() - jsi(doc, "deleted_at") > TRASH_RESTORE_DAYS * 86400) {
        e = wm_fail_set(f, WM_E_FORBIDDEN, NULL, "%s", _("已超过 30 天，请联系文明办恢复"));
    } else if (!wm_actor_is(a, WM_ROLES_STAFF | WM_ROLE_BIT(WM_ROLE_UNIT_ADMIN))) {
        e = wm_fail_set(f, WM_E_FORBIDDEN, NULL, "%s", _("没有权限恢复文件"));
    } else if (WM_QS_ONE != db->ops->doc_restore(db, id, wm_now())) {
        e = wm_fail_set(f, WM_E_INTERNAL, NULL, "%s", _("无法恢复"));
    } else if (WM_OK != (e = wm_sched_touch(db, jsi(doc, "archive_id"),
                                            jss(doc, "indicator_code"), f))) {
        /* back from the trash, it meets its periods again */
    } else if (WM_OK == (e = wm_search_sync_document(db, id, f))) {
        after = db->ops->doc_get(db, id);
        e = wm_audit(db, a, "document.restore", "document", id, jss(doc, "unit_path"), doc, after);
    }
    json_decref(doc);
    json_decref(after);
    return tx_end(db, e, f);
}

enum wm_err
wm_doc_restore(struct wm_db *db, const struct wm_actor *a, int64_t id, struct wm_fail *f)
{
    enum wm_err e;
    TX_RETRY(e, doc_restore_once(db, a, id, f));
    return e;
}

static enum wm_err
doc_purge_once(struct wm_db *db, const struct wm_actor *a, int64_t id, struct wm_fail *f)
{
    enum wm_err e;
    if (WM_OK != (e = tx_begin(db, f))) {
        return e;
    }
    json_t *doc = wm_doc_get_scoped(db, a, id, NULL);
    if (NULL == doc && wm_db_failed(db)) {
        e = wm_read_fail(db, f, NULL, NULL);
    } else if (NULL == doc || !json_is_integer(json_object_get(doc, "deleted_at"))) {
        e = wm_fail_set(f, WM_E_NOT_FOUND, NULL, "%s", _("回收站中没有这个文件"));
    } else if (!wm_actor_is(a, WM_ROLE_BIT(WM_ROLE_ADMIN))) {
        e = wm_fail_set(f, WM_E_FORBIDDEN, NULL, "%s", _("只有系统管理员可以彻底删除"));
    } else if (WM_QS_ONE != db->ops->doc_purge(db, id)) {
        e = wm_fail_set(f, WM_E_INTERNAL, NULL, "%s", _("无法删除"));
    } else if (WM_OK == (e = wm_search_sync_document(db, id, f))) {
        e = wm_audit(db, a, "document.purge", "document", id, jss(doc, "unit_path"), doc, NULL);
    }
    json_decref(doc);
    return tx_end(db, e, f);
}

enum wm_err
wm_doc_purge(struct wm_db *db, const struct wm_actor *a, int64_t id, struct wm_fail *f)
{
    enum wm_err e;
    TX_RETRY(e, doc_purge_once(db, a, id, f));
    return e;
}

static int
cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static enum wm_err
doc_reorder_once(struct wm_db *db, const struct wm_actor *a, const json_t *archive, const char *code,
                 const int64_t *ids, size_t n, struct wm_fail *f)
{
    enum wm_err e;
    /* Each document once: a repeated id would leave another one's serial as it was.  Sorted
    ** copy, so that a long list costs n log n, not n squared. */
    int64_t *sorted = wm_calloc(n ? n : 1, sizeof *sorted);
    memcpy(sorted, ids, n * sizeof *sorted);
    qsort(sorted, n, sizeof *sorted, cmp_i64);
    bool repeated = false;
    for (size_t i = 1; i < n && !repeated; i++) {
        repeated = sorted[i - 1] == sorted[i];
    }
    free(sorted);
    if (repeated) {
        return wm_fail_set(f, WM_E_BAD_REQUEST, "ids", "%s",
                           _("须按新顺序列出该指标下的全部文件，每个一次"));
    }
    if (WM_OK != (e = tx_begin(db, f))) {
        return e;
    }
    if (WM_OK == (e = wm_doc_may_write(db, a, archive, code, f))) {
        if (WM_QS_ONE != db->ops->doc_reorder(db, jsi(archive, "id"), code, ids, n)) {
            e = wm_fail_set(f, WM_E_BAD_REQUEST, "ids", "%s",
                            _("须按新顺序列出该指标下的全部文件，每个一次"));
        } else {
            /* unit and year: the audit page names the archive ("市司法局 2026 年度档案") */
            json_t *sum = json_pack("{s:I, s:I, s:s, s:I}", "unit_id", jsi(archive, "unit_id"),
                                    "year", jsi(archive, "year"), "code", code, "count",
                                    (json_int_t)n);
            e = wm_audit(db, a, "document.reorder", "archive", jsi(archive, "id"),
                         jss(archive, "unit_path"), NULL, sum);
            json_decref(sum);
        }
    }
    return tx_end(db, e, f);
}

enum wm_err
wm_doc_reorder(struct wm_db *db, const struct wm_actor *a, const json_t *archive, const char *code,
               const int64_t *ids, size_t n, struct wm_fail *f)
{
    enum wm_err e;
    TX_RETRY(e, doc_reorder_once(db, a, archive, code, ids, n, f));
    return e;
}

const char *
wm_media_name(const char *m)
{
    return wm_streq(m, "photo") ? N_("图片") : wm_streq(m, "audiovisual") ? N_("音像") : N_("文字");
}

const char *
wm_media_label(const char *m)
{
    return _(wm_media_name(m));
}

const char *
wm_doc_state_label(const char *status)
{
    return wm_streq(status, "submitted") ? _("待审核")
           : wm_streq(status, "approved") ? _("已通过")
           : wm_streq(status, "returned") ? _("已退回")
                                          : _("草稿");
}

/* end of archive.c */
