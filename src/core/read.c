/*
** read.c — reads in the caller's scope for the handlers, the pages and the command line:
** lists, counts and the objects an audit entry names.  Each tells "no row" (or out of
** sight: WM_E_NOT_FOUND) from a store error (WM_E_INTERNAL, WM_E_UNAVAILABLE when busy).
*/
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "tx.h"
#include "wm_core.h"

_Thread_local bool wm_tx_lost;

bool
tx_again(unsigned *attempt)
{
    if (!wm_tx_lost) {
        return false;
    }
    if (++*attempt >= WM_TX_ATTEMPTS) {
        wm_log(WM_LOG_WARN, "a transaction lost a race %u times: store busy, giving up", *attempt);
        return false;
    }
    wm_db_backoff(*attempt);
    return true;
}

/* A list op's answer: NULL is always a store error (an empty list is []). */
static json_t *
listed(struct wm_db *db, json_t *rows, struct wm_fail *f)
{
    if (NULL == rows) {
        if (!wm_db_failed(db)) {
            db->status = WM_QS_HARD; /* a backend that did not say: still not "no row" */
        }
        wm_read_fail(db, f, NULL, NULL);
    }
    return rows;
}

/* A list's subtree: pg->scope when it lies within the caller's scope (a narrower list),
** the caller's scope when it is NULL; false (not found) when it lies outside. */
static bool
narrow(const struct wm_actor *a, struct wm_page *pg, struct wm_fail *f)
{
    const char *scope = wm_scope_path(a);
    if (NULL == pg->scope || '\0' == *pg->scope) {
        pg->scope = scope;
    } else if (!wm_startswith(pg->scope, scope)) {
        wm_fail_set(f, WM_E_NOT_FOUND, NULL, "%s", "");
        return false;
    }
    return true;
}

json_t *
wm_org_list(struct wm_db *db, const struct wm_actor *a, struct wm_page *pg, struct wm_fail *f)
{
    return narrow(a, pg, f) ? listed(db, db->ops->org_list(db, pg), f) : NULL;
}

char *
wm_org_list_text(struct wm_db *db, const struct wm_actor *a, struct wm_page *pg,
                 char *(*render)(json_t *rows, unsigned limit), struct wm_fail *f)
{
    if (!narrow(a, pg, f)) {
        return NULL;
    }
    char *key = wm_asprintf("org|%s|%lld|%s|%s|%s|%u", pg->scope, (long long)pg->after,
                            pg->kind ? pg->kind : "", pg->q ? pg->q : "",
                            pg->type ? pg->type : "", pg->limit);
    char *text = wm_cache_get(db, key);
    int64_t gen;
    if (NULL == text) {
        /* the generation before the read, so that a change during it invalidates the entry;
        ** without one (a store error) the page is read but not cached */
        bool cacheable = db->ops->generation(db, &gen);
        json_t *rows = listed(db, db->ops->org_list(db, pg), f);
        text = rows ? render(rows, pg->limit) : NULL;
        if (text && cacheable) {
            wm_cache_put(key, text, gen);
        }
    }
    free(key);
    return text;
}

int64_t
wm_org_count(struct wm_db *db, const struct wm_actor *a, const char *path, const char *kind,
             const char *type, struct wm_fail *f)
{
    const char *scope = wm_scope_path(a);
    if (path && !wm_startswith(path, scope)) {
        wm_fail_set(f, WM_E_NOT_FOUND, NULL, "%s", "");
        return -1;
    }
    int64_t n = db->ops->org_count(db, path ? path : scope, kind, type);
    if (n < 0) {
        wm_read_fail(db, f, NULL, NULL);
    }
    return n;
}

json_t *
wm_dept_get_scoped(struct wm_db *db, const struct wm_actor *a, int64_t id, struct wm_fail *f)
{
    json_t *d = db->ops->dept_get(db, id);
    if (NULL == d) {
        wm_read_fail(db, f, NULL, NULL);
        return NULL;
    }
    json_t *unit = wm_org_get_scoped(db, a, jsi(d, "unit_id"), f);
    if (NULL == unit) {
        json_decref(d);
        return NULL;
    }
    json_object_set(d, "unit_name", json_object_get(unit, "name"));
    json_decref(unit);
    return d;
}

json_t *
wm_user_list(struct wm_db *db, const struct wm_actor *a, struct wm_page *pg, struct wm_fail *f)
{
    return narrow(a, pg, f) ? listed(db, db->ops->user_list(db, pg), f) : NULL;
}

json_t *
wm_token_list(struct wm_db *db, const struct wm_actor *a, struct wm_fail *f)
{
    if (NULL == a->p) {
        return json_array(); /* the command line holds no tokens */
    }
    return listed(db, db->ops->token_list(db, a->p->user_id), f);
}

json_t *
wm_audit_list(struct wm_db *db, const struct wm_actor *a, struct wm_page *pg,
              const struct wm_audit_filter *flt, struct wm_fail *f)
{
    return narrow(a, pg, f) ? listed(db, db->ops->audit_list(db, pg, flt), f) : NULL;
}

json_t *
wm_fixity_last(struct wm_db *db, const struct wm_actor *a, struct wm_fail *f)
{
    if (!wm_actor_is(a, WM_ROLES_STAFF)) {
        wm_fail_set(f, WM_E_NOT_FOUND, NULL, "%s", "");
        return NULL;
    }
    json_t *x = db->ops->fixity_last(db);
    if (NULL == x) {
        wm_read_fail(db, f, NULL, NULL);
    }
    return x;
}

json_t *
wm_edition_list(struct wm_db *db, const struct wm_actor *a, const struct wm_page *pg,
                struct wm_fail *f)
{
    struct wm_fw_scope s;
    wm_fw_scope_of(a, &s);
    return listed(db, db->ops->edition_list(db, &s, pg), f);
}

json_t *
wm_edition_indicators(struct wm_db *db, const struct wm_actor *a, int64_t edition_id,
                      bool leaves_only, struct wm_fail *f)
{
    json_t *ed = wm_edition_get_scoped(db, a, edition_id, false, f);
    if (NULL == ed) {
        return NULL;
    }
    json_decref(ed);
    return listed(db, db->ops->ind_list(db, edition_id, leaves_only), f);
}

json_t *
wm_archive_list(struct wm_db *db, const struct wm_actor *a, int64_t unit_id, struct wm_fail *f)
{
    json_t *u = wm_unit_get_scoped(db, a, unit_id, f);
    if (NULL == u) {
        return NULL;
    }
    json_decref(u);
    json_t *l = listed(db, db->ops->archive_list(db, unit_id), f);
    if (l && a->p && WM_ROLE_EVALUATOR == a->p->role) { /* the materials years only */
        json_t *out = json_array();
        size_t i;
        json_t *x;
        json_array_foreach(l, i, x)
        {
            if (wm_eval_access(db, a, unit_id, jsi(x, "year"))) {
                json_array_append(out, x);
            }
        }
        json_decref(l);
        l = out;
    }
    return l;
}

/* An archive object from wm_archive_open carries its unit's path: still in sight? */
static bool
archive_seen(struct wm_db *db, const struct wm_actor *a, const json_t *archive, struct wm_fail *f)
{
    bool evaluator = a->p && WM_ROLE_EVALUATOR == a->p->role;
    if ('\0' == *jss(archive, "unit_path") ||
        (evaluator ? !wm_eval_access(db, a, jsi(archive, "unit_id"), jsi(archive, "year"))
                   : !wm_startswith(jss(archive, "unit_path"), wm_scope_path(a)))) {
        wm_fail_set(f, WM_E_NOT_FOUND, NULL, "%s", "");
        return false;
    }
    return true;
}

json_t *
wm_archive_docs(struct wm_db *db, const struct wm_actor *a, const json_t *archive,
                const char *code, bool trash, struct wm_fail *f)
{
    if (!archive_seen(db, a, archive, f)) {
        return NULL;
    }
    return listed(db, db->ops->doc_list(db, jsi(archive, "id"), code, trash), f);
}

int64_t
wm_archive_doc_total(struct wm_db *db, const struct wm_actor *a, const json_t *archive,
                     struct wm_fail *f)
{
    if (!archive_seen(db, a, archive, f)) {
        return -1;
    }
    int64_t n = db->ops->archive_doc_total(db, jsi(archive, "id"));
    if (n < 0) {
        wm_read_fail(db, f, NULL, NULL);
    }
    return n;
}

json_t *
wm_archive_defaults(struct wm_db *db, const struct wm_actor *a, int64_t office_id,
                    struct wm_fail *f)
{
    json_t *o = wm_org_get_scoped(db, a, office_id, f);
    if (NULL == o) {
        return NULL;
    }
    json_decref(o);
    return listed(db, db->ops->archive_defaults(db, office_id), f);
}

json_t *
wm_doc_versions(struct wm_db *db, const struct wm_actor *a, int64_t doc_id, struct wm_fail *f)
{
    json_t *d = wm_doc_get_scoped(db, a, doc_id, f);
    if (NULL == d) {
        return NULL;
    }
    json_decref(d);
    return listed(db, db->ops->version_list(db, doc_id), f);
}

/* {"name": name} with "href" when link is not NULL (both taken). */
static json_t *
named(char *name, char *link)
{
    json_t *o = json_pack("{s:s}", "name", name);
    if (link) {
        json_object_set_new(o, "href", json_string(link));
    }
    free(name);
    free(link);
    return o;
}

/* The archive an audit entry names: as the entry recorded it (after; a delete has only
** before), else the archive as it is now; linked only while it still exists. */
static json_t *
audit_archive(struct wm_db *db, const struct wm_actor *a, int64_t id, const json_t *sum,
              struct wm_fail *f)
{
    const json_t *rec = json_object_get(sum, "after");
    json_t *now = NULL, *u = NULL, *out = NULL;
    if (0 == jsi(rec, "year")) {
        rec = json_object_get(sum, "before");
    }
    if (0 == jsi(rec, "year") && NULL == (rec = now = db->ops->archive_by_id(db, id))) {
        wm_read_fail(db, f, NULL, NULL);
        return NULL;
    }
    int64_t unit = jsi(rec, "unit_id"), year = jsi(rec, "year");
    json_decref(now);
    now = NULL;
    if (0 == unit || 0 == year) {
        wm_fail_set(f, WM_E_NOT_FOUND, NULL, "%s", "");
        return NULL;
    }
    if (NULL == (u = wm_unit_get_scoped(db, a, unit, f))) {
        return NULL;
    }
    now = db->ops->archive_get(db, unit, year);
    if (NULL == now && wm_db_failed(db)) {
        wm_read_fail(db, f, NULL, NULL);
    } else {
        out = named(wm_asprintf(_("%s %lld 年度档案"), jss(u, "name"), (long long)year),
                    now && jsi(now, "id") == id
                        ? wm_asprintf("/units/%lld/archives/%lld", (long long)unit, (long long)year)
                        : NULL);
    }
    json_decref(now);
    json_decref(u);
    return out;
}

/* A guidance conversation an audit entry names (guidance.c records the unit, the year and
** the leaf in "after"): the unit's leaf page, while the caller sees the unit. */
static json_t *
audit_guidance(struct wm_db *db, const struct wm_actor *a, const json_t *sum, struct wm_fail *f)
{
    const json_t *rec = json_object_get(sum, "after");
    int64_t unit = jsi(rec, "unit_id"), year = jsi(rec, "year");
    const char *code = jss(rec, "code");
    json_t *u = NULL;
    if (0 == unit || 0 == year || !*code) {
        wm_fail_set(f, WM_E_NOT_FOUND, NULL, "%s", "");
        return NULL;
    }
    if (NULL == (u = wm_unit_get_scoped(db, a, unit, f))) {
        return NULL;
    }
    struct wm_buf b = {0};
    wm_buf_printf(&b, "/units/%lld/archives/%lld/leaf/", (long long)unit, (long long)year);
    wm_url_encode(&b, code);
    json_t *out = named(wm_asprintf(_("%s %lld 年度 %s 的指导对话"), jss(u, "name"),
                                    (long long)year, code),
                        wm_buf_steal(&b));
    json_decref(u);
    return out;
}

json_t *
wm_audit_object(struct wm_db *db, const struct wm_actor *a, const char *type, int64_t id,
                const json_t *summary, struct wm_fail *f)
{
    json_t *o = NULL, *out = NULL;
    if (id <= 0) {
        wm_fail_set(f, WM_E_NOT_FOUND, NULL, "%s", "");
        return NULL;
    }
    if (wm_streq(type, "archive")) {
        return audit_archive(db, a, id, summary, f);
    }
    if (wm_streq(type, "guidance")) {
        return audit_guidance(db, a, summary, f);
    }
    if (wm_streq(type, "user") && (o = wm_user_get_scoped(db, a, id, f))) {
        out = named(wm_asprintf("%s（%s）", jss(o, "display_name"), jss(o, "username")),
                    wm_asprintf("/users/%lld", (long long)id));
    } else if (wm_streq(type, "org") && (o = wm_org_get_scoped(db, a, id, f))) {
        out = named(wm_strdup(jss(o, "name")),
                    wm_streq(jss(o, "kind"), "unit") ? wm_asprintf("/units/%lld", (long long)id)
                                                      : NULL);
    } else if (wm_streq(type, "dept") && (o = wm_dept_get_scoped(db, a, id, f))) {
        out = named(wm_asprintf("%s · %s", jss(o, "unit_name"), jss(o, "name")),
                    wm_asprintf("/units/%lld", (long long)jsi(o, "unit_id")));
    } else if (wm_streq(type, "document") && (o = wm_doc_get_scoped(db, a, id, f))) {
        out = named(wm_asprintf("%s · %s", jss(o, "unit_name"), jss(o, "title")),
                    wm_asprintf("/documents/%lld", (long long)id));
    } else if (wm_streq(type, "edition") && (o = wm_edition_get_scoped(db, a, id, false, f))) {
        out = named(wm_asprintf("%s %s", jss(o, "name"), jss(o, "version")),
                    wm_asprintf("/frameworks/%lld", (long long)id));
    } else if (wm_streq(type, "featured") && (o = wm_practice_get(db, a, id, f))) {
        out = named(wm_asprintf("%s · %s", jss(o, "unit_name"), jss(o, "title")),
                    wm_asprintf("/practice#item-%lld", (long long)id));
    } else if (wm_streq(type, "compilation") && (o = wm_compilation_get(db, a, id, f))) {
        out = named(wm_strdup(jss(o, "title")), wm_strdup("/practice"));
    } else if (wm_streq(type, "round") && (o = wm_round_get_scoped(db, a, id, f))) {
        out = named(wm_strdup(jss(o, "name")), wm_asprintf("/rounds/%lld", (long long)id));
    } else if (wm_streq(type, "round_entry") && (o = db->ops->entry_get(db, id)) &&
               wm_startswith(jss(o, "unit_path"), wm_scope_path(a))) {
        out = named(wm_strdup(jss(o, "unit_name")),
                    wm_asprintf("/rounds/%lld/entries", (long long)jsi(o, "round_id")));
    } else if (wm_streq(type, "title") && (o = wm_title_get_scoped(db, a, id, f))) {
        out = named(wm_asprintf("%s · %s", jss(o, "unit_name"), jss(o, "title")),
                    wm_asprintf("/titles?unit=%lld#title-%lld", (long long)jsi(o, "unit_id"),
                                (long long)id));
    } else if (NULL == o && (NULL == f || WM_OK == f->err)) {
        wm_fail_set(f, WM_E_NOT_FOUND, NULL, "%s", ""); /* a type without a page */
    }
    json_decref(o);
    return out;
}

/* ---------------------------------------------------------------- writes of reads */

enum wm_err
wm_doc_download(struct wm_db *db, const struct wm_actor *a, const json_t *doc, int64_t version,
                struct wm_fail *f)
{
    enum wm_err e;
    json_t *sum = json_pack("{s:I}", "version", (json_int_t)(version ? version : jsi(doc, "version")));
    TX_RETRY_BEGIN(db, e, f)
    {
        e = wm_audit(db, a, "document.download", "document", jsi(doc, "id"),
                     jss(doc, "unit_path"), NULL, sum);
    }
    TX_RETRY_END(db, e, f);
    json_decref(sum);
    return e;
}

enum wm_err
wm_archive_export_record(struct wm_db *db, const struct wm_actor *a, int64_t unit_id, int64_t year,
                         int64_t files, struct wm_fail *f)
{
    enum wm_err e;
    json_t *u = wm_unit_get_scoped(db, a, unit_id, f);
    if (NULL == u) {
        return f ? f->err : wm_read_fail(db, NULL, NULL, NULL);
    }
    json_t *sum = json_pack("{s:I, s:I}", "year", (json_int_t)year, "files", (json_int_t)files);
    TX_RETRY_BEGIN(db, e, f)
    {
        e = wm_audit(db, a, "archive.export", "org", unit_id, jss(u, "path"), NULL, sum);
    }
    TX_RETRY_END(db, e, f);
    json_decref(sum);
    json_decref(u);
    return e;
}

bool
wm_tx_abandon(struct wm_db *db)
{
    if (NULL == db || !db->ops->in_tx(db)) {
        return false;
    }
    db->ops->rollback(db);
    return true;
}

/* end of read.c */
