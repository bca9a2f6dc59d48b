/*
** api_orgs.c — the jurisdiction tree, units, departments and the audit log over JSON.
*/
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "handlers.h"
#include "wm_table.h"

/* A list page, or why the list could not be read. */
static void
reply_list(struct wm_req *r, json_t *items, unsigned limit, const struct wm_fail *f)
{
    wm_reply_read(r, 200, items ? wm_api_page(items, limit) : NULL, f);
}

/* JSON text of a page of orgs, as the API answers it. */
static char *
orgs_text(json_t *rows, unsigned limit)
{
    return wm_api_text(wm_api_page(wm_api_orgs(rows), limit));
}

/* A page of orgs: the hot path of list reads, answered from the cache while nothing
** changed in the store. */
static void
reply_orgs(struct wm_req *r, struct wm_page *pg)
{
    struct wm_fail f = {0};
    char *text = wm_org_list_text(r->db, &r->actor, pg, orgs_text, &f);
    if (NULL == text) {
        wm_reply_fail(r, &f);
        return;
    }
    wm_reply_json_text(r, 200, text);
}

void
api_orgs_get(struct wm_req *r)
{
    struct wm_page pg;
    if (!wm_req_page(r, &pg, 50)) {
        return;
    }
    pg.scope = wm_scope_path(&r->actor);
    const char *kind = wm_req_arg(r, "kind");
    if (kind && !wm_streq(kind, "office") && !wm_streq(kind, "unit")) {
        wm_reply_err(r, WM_E_BAD_REQUEST, "kind", _("kind 须为 office 或 unit"));
        return;
    }
    pg.kind = kind;
    reply_orgs(r, &pg);
}

void
api_orgs_post(struct wm_req *r)
{
    static const struct wm_jfield spec[] = {
        {"name", WM_J_STR, true, 100}, {"parent_id", WM_J_INT, true, 0}, {NULL}};
    struct wm_fail f = {0};
    int64_t id;
    if (!wm_json_check(r, spec)) {
        return;
    }
    if (WM_OK != wm_org_create(r->db, &r->actor, wm_jint(r, "parent_id", 0), wm_jstr(r, "name"),
                               &id, &f)) {
        wm_reply_fail(r, &f);
        return;
    }
    wm_reply_read(r, 201, wm_api_org(wm_org_get_scoped(r->db, &r->actor, id, &f)), &f);
}

void
api_org_get(struct wm_req *r)
{
    struct wm_fail f = {0};
    wm_reply_read(r, 200, wm_api_org(wm_org_get_scoped(r->db, &r->actor, r->ids[0], &f)), &f);
}

void
api_org_patch(struct wm_req *r)
{
    static const struct wm_jfield spec[] = {
        {"name", WM_J_STR, false, 100}, {"parent_id", WM_J_INT, false, 0}, {NULL}};
    struct wm_fail f = {0};
    if (!wm_json_check(r, spec)) {
        return;
    }
    if (WM_OK != wm_org_update(r->db, &r->actor, r->ids[0], wm_jstr(r, "name"),
                               wm_jint(r, "parent_id", 0), &f)) {
        wm_reply_fail(r, &f);
        return;
    }
    wm_reply_read(r, 200, wm_api_org(wm_org_get_scoped(r->db, &r->actor, r->ids[0], &f)), &f);
}

/* ---------------------------------------------------------------- units */

void
api_units_get(struct wm_req *r)
{
    struct wm_page pg;
    if (!wm_req_page(r, &pg, 50)) {
        return;
    }
    pg.scope = wm_scope_path(&r->actor);
    pg.kind = "unit";
    pg.type = wm_req_arg(r, "type");
    reply_orgs(r, &pg);
}

static const struct wm_jfield unit_spec[] = {
    {"name", WM_J_STR, false, 100},      {"code", WM_J_STR, false, 64},
    {"type", WM_J_STR, false, 20},       {"parent_id", WM_J_INT, false, 0},
    {"depts", WM_J_STRARRAY, false, 50}, {NULL}};

void
api_units_post(struct wm_req *r)
{
    struct wm_fail f = {0};
    int64_t id;
    if (!wm_json_check(r, unit_spec)) {
        return;
    }
    struct wm_unit_in in = {.parent_id = wm_jint(r, "parent_id", 0),
                            .name = wm_jstr(r, "name"),
                            .code = wm_jstr(r, "code"),
                            .type = wm_jstr(r, "type"),
                            .depts = json_object_get(r->json, "depts")};
    if (0 == in.parent_id && r->who && WM_ROLE_OFFICE == r->who->role) {
        in.parent_id = r->who->org_id;
    }
    if (WM_OK != wm_unit_create(r->db, &r->actor, &in, &id, &f)) {
        wm_reply_fail(r, &f);
        return;
    }
    wm_reply_read(r, 201, wm_api_org(wm_unit_get_scoped(r->db, &r->actor, id, &f)), &f);
}

void
api_unit_get(struct wm_req *r)
{
    struct wm_fail f = {0};
    wm_reply_read(r, 200, wm_api_org(wm_unit_get_scoped(r->db, &r->actor, r->ids[0], &f)), &f);
}

void
api_unit_patch(struct wm_req *r)
{
    struct wm_fail f = {0};
    if (!wm_json_check(r, unit_spec)) {
        return;
    }
    if (json_object_get(r->json, "depts")) {
        wm_reply_err(r, WM_E_BAD_REQUEST, "depts", _("科室请通过 /depts 接口增删"));
        return;
    }
    struct wm_unit_in in = {.parent_id = wm_jint(r, "parent_id", 0),
                            .name = wm_jstr(r, "name"),
                            .code = wm_jstr(r, "code"),
                            .type = wm_jstr(r, "type")};
    if (WM_OK != wm_unit_update(r->db, &r->actor, r->ids[0], &in, &f)) {
        wm_reply_fail(r, &f);
        return;
    }
    wm_reply_read(r, 200, wm_api_org(wm_unit_get_scoped(r->db, &r->actor, r->ids[0], &f)), &f);
}

/* POST multipart: file=<csv|xlsx>, optional parent_id, skip_bad, dry_run. */
void
api_units_import_post(struct wm_req *r)
{
    struct wm_table *t = NULL;
    struct wm_fail f = {0};
    json_t *report = NULL;
    int64_t parent = 0;
    const char *ps = wm_form(r, "parent_id");
    if (ps && *ps && !wm_parse_i64(ps, 1, INT64_MAX, &parent)) {
        wm_reply_err(r, WM_E_BAD_REQUEST, "parent_id", NULL);
        return;
    }
    if (0 == parent && r->who && WM_ROLE_OFFICE == r->who->role) {
        parent = r->who->org_id;
    }
    if (!wm_req_table(r, &t)) {
        return;
    }
    bool skip = wm_streq(wm_form(r, "skip_bad"), "true") || wm_streq(wm_form(r, "skip_bad"), "1");
    bool dry = wm_streq(wm_form(r, "dry_run"), "true") || wm_streq(wm_form(r, "dry_run"), "1");
    enum wm_err e = wm_unit_import(r->db, &r->actor, t, parent, skip, dry, &report, &f);
    wm_table_free(t);
    if (WM_OK != e) {
        wm_reply_fail(r, &f);
        return;
    }
    bool bad = json_array_size(json_object_get(report, "errors")) > 0;
    wm_reply_json(r, bad && !skip && !dry ? 400 : 200, report);
}

void
api_unit_depts_get(struct wm_req *r)
{
    struct wm_fail f = {0};
    json_t *u = wm_unit_get_scoped(r->db, &r->actor, r->ids[0], &f);
    if (NULL == u) {
        wm_reply_fail(r, &f);
        return;
    }
    json_t *d = json_incref(json_object_get(u, "depts"));
    json_decref(u);
    wm_reply_json(r, 200, wm_api_page(d, 0));
}

void
api_unit_depts_post(struct wm_req *r)
{
    static const struct wm_jfield spec[] = {{"name", WM_J_STR, true, 50}, {NULL}};
    struct wm_fail f = {0};
    int64_t id;
    if (!wm_json_check(r, spec)) {
        return;
    }
    if (WM_OK != wm_dept_add(r->db, &r->actor, r->ids[0], wm_jstr(r, "name"), &id, &f)) {
        wm_reply_fail(r, &f);
        return;
    }
    wm_reply_read(r, 201, wm_dept_get_scoped(r->db, &r->actor, id, &f), &f);
}

void
api_unit_dept_delete(struct wm_req *r)
{
    struct wm_fail f = {0};
    if (WM_OK != wm_dept_remove(r->db, &r->actor, r->ids[0], r->ids[1], &f)) {
        wm_reply_fail(r, &f);
        return;
    }
    wm_reply_json(r, 200, json_pack("{s:b}", "ok", 1));
}

/* ---------------------------------------------------------------- users */

void
api_users_get(struct wm_req *r)
{
    struct wm_page pg;
    if (!wm_req_page(r, &pg, 50)) {
        return;
    }
    pg.scope = wm_scope_path(&r->actor);
    pg.kind = wm_req_arg(r, "role");
    struct wm_fail f = {0};
    reply_list(r, wm_api_users(wm_user_list(r->db, &r->actor, &pg, &f)), pg.limit, &f);
}

void
api_users_post(struct wm_req *r)
{
    static const struct wm_jfield spec[] = {
        {"username", WM_J_STR, true, 64}, {"display_name", WM_J_STR, true, 50},
        {"password", WM_J_STR, false, 256}, {"role", WM_J_STR, true, 20},
        {"org_id", WM_J_INT, true, 0},     {"dept_id", WM_J_INT, false, 0},
        {NULL}};
    struct wm_fail f = {0};
    int64_t id;
    char *gen = NULL;
    if (!wm_json_check(r, spec)) {
        return;
    }
    struct wm_user_in in = {.username = wm_jstr(r, "username"),
                            .display_name = wm_jstr(r, "display_name"),
                            .password = wm_jstr(r, "password"),
                            .role = wm_jstr(r, "role"),
                            .org_id = wm_jint(r, "org_id", 0),
                            .dept_id = wm_jint(r, "dept_id", 0)};
    if (WM_OK != wm_user_create(r->db, &r->actor, &in, &id, &gen, &f)) {
        wm_reply_fail(r, &f);
        return;
    }
    json_t *u = wm_api_user(wm_user_get_scoped(r->db, &r->actor, id, &f));
    if (gen && u) {
        json_object_set_new(u, "initial_password", json_string(gen));
    }
    free(gen);
    wm_reply_read(r, 201, u, &f);
}

void
api_user_get(struct wm_req *r)
{
    struct wm_fail f = {0};
    wm_reply_read(r, 200, wm_api_user(wm_user_get_scoped(r->db, &r->actor, r->ids[0], &f)), &f);
}

void
api_user_patch(struct wm_req *r)
{
    static const struct wm_jfield spec[] = {{"display_name", WM_J_STR, false, 50},
                                            {"disabled", WM_J_BOOL, false, 0},
                                            {"dept_id", WM_J_INT, false, 0},
                                            {"password", WM_J_STR, false, 256},
                                            {NULL}};
    struct wm_fail f = {0};
    if (!wm_json_check(r, spec)) {
        return;
    }
    json_t *dis = json_object_get(r->json, "disabled");
    int disabled = dis ? (json_is_true(dis) ? 1 : 0) : -1;
    const char *pw = wm_jstr(r, "password");
    int64_t by_pw = 0, by_state = 0;
    if (pw && WM_OK != wm_user_set_password(r->db, &r->actor, r->ids[0], NULL, pw, &by_pw, &f)) {
        wm_reply_fail(r, &f);
        return;
    }
    if ((wm_jstr(r, "display_name") || dis || json_object_get(r->json, "dept_id") || !pw) &&
        WM_OK != wm_user_update(r->db, &r->actor, r->ids[0], wm_jstr(r, "display_name"), disabled,
                                wm_jint(r, "dept_id", -1), &by_state, &f)) {
        wm_reply_fail(r, &f);
        return;
    }
    json_t *u = wm_api_user(wm_user_get_scoped(r->db, &r->actor, r->ids[0], &f));
    if (u) {
        json_object_set_new(u, "tokens_revoked", json_integer(by_pw + by_state));
    }
    wm_reply_read(r, 200, u, &f);
}

/* ---------------------------------------------------------------- audit */

void
api_audit_get(struct wm_req *r)
{
    struct wm_page pg;
    struct wm_audit_filter flt;
    if (!wm_req_page(r, &pg, 50) || !wm_req_audit_filter(r, &flt)) {
        return;
    }
    struct wm_fail f = {0};
    reply_list(r, wm_api_audit_rows(wm_audit_list(r->db, &r->actor, &pg, &flt, &f)), pg.limit, &f);
}

/* end of api_orgs.c */
