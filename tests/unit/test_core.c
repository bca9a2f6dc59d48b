/*
** test_core.c — the service layer over a real SQLite store: scopes, the org tree, units,
** users and their permissions, logins and lockout, sessions, the audit chain, bulk import.
*/
#include "config.h"
#include <ctype.h>
#include <ftw.h>
#include <sys/stat.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tdir.h"
#include <sodium.h>
#include <sqlite3.h>

#include "wm_core.h"
#include "wm_table.h"

struct fx {
    char dir[64];
    struct wm_db *db;
    int64_t city, district, unit_city, unit_district;
    struct wm_principal *admin, *office, *district_office, *unitadmin, *member, *evaluator;
};

static const struct wm_auth_policy pol = {
    .lockout_attempts = 5, .lockout_window = 900, .lockout_duration = 900,
    .session_idle = 1800, .session_lifetime = 43200};

static struct wm_principal *
load_user(struct wm_db *db, const char *name)
{
    json_t *u = db->ops->user_get_auth(db, name);
    assert_non_null(u);
    struct wm_principal *p = wm_principal_load(db, json_integer_value(json_object_get(u, "id")));
    json_decref(u);
    assert_non_null(p);
    return p;
}

static int64_t
unit_id(struct wm_db *db, const char *code)
{
    json_t *u = db->ops->org_get_by_code(db, code);
    assert_non_null(u);
    int64_t id = json_integer_value(json_object_get(u, "id"));
    json_decref(u);
    return id;
}

static int
setup(void **state)
{
    struct fx *f = wm_calloc(1, sizeof *f);
    char err[256], *gen = NULL;
    tdir_make(f->dir, sizeof f->dir, "core");
    wm_password_set_cost(1, 8 * 1024 * 1024);
    assert_int_equal(wm_init_data_dir(f->dir, NULL, "admin", "Admin-Pass1", &gen, err, sizeof err), 0);
    assert_null(gen);
    f->db = wm_db_open(NULL, f->dir, false, err, sizeof err);
    assert_non_null(f->db);
    json_t *accounts = NULL;
    assert_int_equal(wm_demo_seed(f->db, &accounts, err, sizeof err), 0);
    assert_int_equal(json_array_size(accounts), 6);
    json_decref(accounts);
    f->admin = load_user(f->db, "admin");
    f->office = load_user(f->db, "office");
    f->district_office = load_user(f->db, "district");
    f->unitadmin = load_user(f->db, "unitadmin");
    f->member = load_user(f->db, "member");
    f->evaluator = load_user(f->db, "evaluator");
    f->city = f->office->org_id;
    f->district = f->district_office->org_id;
    f->unit_city = unit_id(f->db, "DEMO001");      /* under the city office */
    f->unit_district = unit_id(f->db, "DEMO013");  /* under 东城区 (13th unit, i%3 == 0) */
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    struct fx *f = *state;
    wm_principal_free(f->admin);
    wm_principal_free(f->office);
    wm_principal_free(f->district_office);
    wm_principal_free(f->unitadmin);
    wm_principal_free(f->member);
    wm_principal_free(f->evaluator);
    f->db->ops->close(f->db);
    tdir_remove(f->dir);
    free(f);
    return 0;
}

#define ACT(who) (&(struct wm_actor){.p = (who), .request_id = "test", .addr = "127.0.0.1"})

static void
test_scopes(void **state)
{
    struct fx *f = *state;
    json_t *o;
    /* the city office sees both units; the district only its own subtree */
    o = wm_unit_get_scoped(f->db, ACT(f->office), f->unit_district, NULL);
    assert_non_null(o);
    json_decref(o);
    assert_null(wm_unit_get_scoped(f->db, ACT(f->district_office), f->unit_city, NULL));
    o = wm_unit_get_scoped(f->db, ACT(f->district_office), f->unit_district, NULL);
    assert_non_null(o);
    json_decref(o);
    /* a unit account sees its own unit only */
    o = wm_unit_get_scoped(f->db, ACT(f->member), f->unit_city, NULL);
    assert_non_null(o);
    assert_true(json_array_size(json_object_get(o, "depts")) >= 3);
    json_decref(o);
    assert_null(wm_unit_get_scoped(f->db, ACT(f->member), f->unit_district, NULL));
    /* an evaluator sees no unit until a round assigns one */
    assert_null(wm_unit_get_scoped(f->db, ACT(f->evaluator), f->unit_city, NULL));
    /* lists are scoped too */
    struct wm_page pg = {.scope = wm_scope_path(ACT(f->district_office)), .limit = 200,
                         .kind = "unit"};
    json_t *a = f->db->ops->org_list(f->db, &pg);
    size_t i;
    json_t *u;
    assert_true(json_array_size(a) > 0);
    json_array_foreach(a, i, u)
    {
        assert_true(wm_startswith(json_string_value(json_object_get(u, "path")),
                                  f->district_office->org_path));
    }
    json_decref(a);
    pg.scope = wm_scope_path(ACT(f->evaluator));
    a = f->db->ops->org_list(f->db, &pg);
    assert_int_equal(json_array_size(a), 0);
    json_decref(a);
    assert_int_equal(f->db->ops->org_count(f->db, "/", "unit", NULL), 30);
}

static void
test_org_tree(void **state)
{
    struct fx *f = *state;
    struct wm_fail fl = {0};
    int64_t a, b;
    assert_int_equal(wm_org_create(f->db, ACT(f->admin), f->city, "甲区文明办", &a, &fl), WM_OK);
    assert_int_equal(wm_org_create(f->db, ACT(f->admin), a, "甲区乙街道文明办", &b, &fl), WM_OK);
    /* office staff cannot create offices */
    assert_int_equal(wm_org_create(f->db, ACT(f->office), f->city, "x", &b, &fl), WM_E_FORBIDDEN);
    /* the same name twice under one parent */
    assert_int_equal(wm_org_create(f->db, ACT(f->admin), f->city, "甲区文明办", &b, &fl),
                     WM_E_CONFLICT);
    /* a unit under b, then move a under its own descendant: refused */
    struct wm_unit_in in = {.parent_id = b, .name = "乙街道某社区", .code = "T-ORG-1",
                            .type = "社区"};
    int64_t u;
    assert_int_equal(wm_unit_create(f->db, ACT(f->office), &in, &u, &fl), WM_OK);
    assert_int_equal(wm_org_update(f->db, ACT(f->admin), a, NULL, b, &fl), WM_E_BAD_REQUEST);
    assert_string_equal(fl.field, "parent_id");
    assert_int_equal(wm_org_update(f->db, ACT(f->admin), a, NULL, a, &fl), WM_E_BAD_REQUEST);
    /* a valid move rewrites every path below in one go */
    assert_int_equal(wm_org_update(f->db, ACT(f->admin), a, NULL, f->district, &fl), WM_OK);
    json_t *uo = f->db->ops->org_get(f->db, u);
    char *want = wm_asprintf("%s%lld/%lld/%lld/", f->district_office->org_path, (long long)a,
                             (long long)b, (long long)u);
    assert_string_equal(json_string_value(json_object_get(uo, "path")), want);
    free(want);
    json_decref(uo);
    /* and the district office now sees the unit */
    uo = wm_unit_get_scoped(f->db, ACT(f->district_office), u, NULL);
    assert_non_null(uo);
    json_decref(uo);
}

/* issue 12, wplan: the start day of a unit's creation work (wm_work_start_day, read by the
** cadences of meetings and inspections): the unit's creation day until one is set. */
static void
test_work_start_day(void **state)
{
    struct fx *f = *state;
    struct wm_fail fl = {0};
    int64_t u = f->unit_city;
    json_t *o = f->db->ops->org_get(f->db, u);
    int64_t created = (json_integer_value(json_object_get(o, "created_at")) + 8 * 3600) / 86400;
    json_decref(o);
    assert_int_equal(wm_work_start_day(f->db, u), created);
    json_t *s = wm_work_settings(f->db, u);
    assert_false(json_is_true(json_object_get(s, "start_on_set")));
    assert_true(json_is_true(json_object_get(s, "inspect_weekly")));
    json_decref(s);
    struct wm_work_settings_in in = {.start_on = "2026-03-01", .inspect_weekly = true};
    assert_int_equal(wm_work_settings_put(f->db, ACT(f->member), u, &in, &fl), WM_E_FORBIDDEN);
    assert_int_equal(wm_work_settings_put(f->db, ACT(f->unitadmin), u, &in, &fl), WM_OK);
    assert_int_equal(wm_work_start_day(f->db, u), wm_day_from_ymd(2026, 3, 1));
    in.start_on = "";
    assert_int_equal(wm_work_settings_put(f->db, ACT(f->unitadmin), u, &in, &fl), WM_OK);
    assert_int_equal(wm_work_start_day(f->db, u), created);
    assert_null(wm_work_settings(f->db, 999999));
    assert_int_equal(wm_work_start_day(f->db, 999999), 0);
}

static void
test_units(void **state)
{
    struct fx *f = *state;
    struct wm_fail fl = {0};
    int64_t id;
    json_t *depts = json_pack("[s, s]", "办公室", "工会");
    struct wm_unit_in in = {.parent_id = f->city, .name = "x'); DROP TABLE org;--",
                            .code = "T-U-1", .type = "企业", .depts = depts};
    assert_int_equal(wm_unit_create(f->db, ACT(f->office), &in, &id, &fl), WM_OK);
    json_t *u = wm_unit_get_scoped(f->db, ACT(f->office), id, NULL);
    assert_string_equal(json_string_value(json_object_get(u, "name")), "x'); DROP TABLE org;--");
    assert_int_equal(json_array_size(json_object_get(u, "depts")), 2);
    json_decref(u);
    /* duplicate code */
    in.name = "另一个单位";
    assert_int_equal(wm_unit_create(f->db, ACT(f->office), &in, &id, &fl), WM_E_CONFLICT);
    assert_string_equal(fl.field, "code");
    /* bad fields */
    in.code = "T-U-2";
    in.type = "公司";
    assert_int_equal(wm_unit_create(f->db, ACT(f->office), &in, &id, &fl), WM_E_BAD_REQUEST);
    assert_string_equal(fl.field, "type");
    in.type = "企业";
    in.name = "tab\there";
    assert_int_equal(wm_unit_create(f->db, ACT(f->office), &in, &id, &fl), WM_E_BAD_REQUEST);
    char longname[400] = {0};
    for (int i = 0; i < 101; i++) {
        memcpy(longname + 3 * i, "文", 3);
    }
    in.name = longname;
    assert_int_equal(wm_unit_create(f->db, ACT(f->office), &in, &id, &fl), WM_E_BAD_REQUEST);
    in.name = "正常单位";
    in.code = "a/b";
    assert_int_equal(wm_unit_create(f->db, ACT(f->office), &in, &id, &fl), WM_E_BAD_REQUEST);
    /* duplicate departments in one request */
    json_decref(depts);
    depts = json_pack("[s, s]", "工会", "工会");
    in.code = "T-U-3";
    in.depts = depts;
    assert_int_equal(wm_unit_create(f->db, ACT(f->office), &in, &id, &fl), WM_E_BAD_REQUEST);
    json_decref(depts);
    in.depts = NULL;
    /* the district office cannot create under the city office: not found, not forbidden */
    assert_int_equal(wm_unit_create(f->db, ACT(f->district_office), &in, &id, &fl),
                     WM_E_NOT_FOUND);
    /* unit accounts create no units */
    assert_int_equal(wm_unit_create(f->db, ACT(f->unitadmin), &in, &id, &fl), WM_E_FORBIDDEN);
    /* unit_admin manages its own departments, not another unit's */
    int64_t d;
    assert_int_equal(wm_dept_add(f->db, ACT(f->unitadmin), f->unit_city, "新科室", &d, &fl), WM_OK);
    assert_int_equal(wm_dept_add(f->db, ACT(f->unitadmin), f->unit_city, "新科室", &d, &fl),
                     WM_E_CONFLICT);
    assert_int_equal(wm_dept_add(f->db, ACT(f->unitadmin), f->unit_district, "x", &d, &fl),
                     WM_E_NOT_FOUND);
    assert_int_equal(wm_dept_add(f->db, ACT(f->member), f->unit_city, "y", &d, &fl),
                     WM_E_FORBIDDEN);
}

static void
test_users(void **state)
{
    struct fx *f = *state;
    struct wm_fail fl = {0};
    int64_t id;
    char *gen = NULL;
    struct wm_user_in in = {.username = "newadmin", .display_name = "新管理员",
                            .role = "unit_admin", .org_id = f->unit_city};
    assert_int_equal(wm_user_create(f->db, ACT(f->office), &in, &id, &gen, &fl), WM_OK);
    assert_non_null(gen);
    assert_true(wm_password_ok(gen));
    json_t *u = f->db->ops->user_get(f->db, id);
    assert_int_equal(json_integer_value(json_object_get(u, "must_change_pw")), 1);
    assert_null(json_object_get(u, "pwhash"));
    json_decref(u);
    free(gen);
    /* duplicate username */
    assert_int_equal(wm_user_create(f->db, ACT(f->office), &in, &id, &gen, &fl), WM_E_CONFLICT);
    /* office staff cannot make operators; unit_admin cannot make unit_admins */
    in.username = "x1";
    in.role = "admin";
    in.org_id = f->city;
    assert_int_equal(wm_user_create(f->db, ACT(f->office), &in, &id, &gen, &fl), WM_E_FORBIDDEN);
    in.role = "unit_admin";
    in.org_id = f->unit_city;
    assert_int_equal(wm_user_create(f->db, ACT(f->unitadmin), &in, &id, &gen, &fl),
                     WM_E_FORBIDDEN);
    /* an office role on a unit, or a unit role on an office */
    in.role = "office";
    assert_int_equal(wm_user_create(f->db, ACT(f->admin), &in, &id, &gen, &fl), WM_E_BAD_REQUEST);
    /* out of scope org */
    in.role = "unit_member";
    in.org_id = f->unit_district;
    assert_int_equal(wm_user_create(f->db, ACT(f->unitadmin), &in, &id, &gen, &fl),
                     WM_E_NOT_FOUND);
    /* weak passwords */
    in.org_id = f->unit_city;
    in.password = "short1A";
    assert_int_equal(wm_user_create(f->db, ACT(f->unitadmin), &in, &id, &gen, &fl),
                     WM_E_BAD_REQUEST);
    in.password = "alllowercase";
    assert_int_equal(wm_user_create(f->db, ACT(f->unitadmin), &in, &id, &gen, &fl),
                     WM_E_BAD_REQUEST);
    in.password = "Lower-and-1";
    in.username = "bad name";
    assert_int_equal(wm_user_create(f->db, ACT(f->unitadmin), &in, &id, &gen, &fl),
                     WM_E_BAD_REQUEST);
    in.username = "member2";
    assert_int_equal(wm_user_create(f->db, ACT(f->unitadmin), &in, &id, &gen, &fl), WM_OK);
    assert_null(gen);
    /* self-disable refused; manager disables; the disabled account cannot log in */
    assert_int_equal(wm_user_update(f->db, ACT(f->unitadmin), f->unitadmin->user_id, NULL, 1, -1,
                                    NULL, &fl),
                     WM_E_FORBIDDEN);
    assert_int_equal(wm_user_update(f->db, ACT(f->unitadmin), id, NULL, 1, -1, NULL, &fl), WM_OK);
    char *tok = NULL, *csrf = NULL;
    int64_t uid;
    assert_int_equal(wm_login(f->db, &pol, "member2", "Lower-and-1", "1.2.3.4", "t", &tok, &csrf,
                              &uid),
                     WM_E_UNAUTHORIZED);
    assert_null(wm_principal_load(f->db, id));
    /* password change: own needs the old one */
    assert_int_equal(wm_user_set_password(f->db, ACT(f->member), f->member->user_id, "wrong",
                                          "New-Pass-2026", NULL, &fl),
                     WM_E_BAD_REQUEST);
    /* changing one's own password ends one's other sessions, not the current one */
    char *t1 = NULL, *t2 = NULL, *c1 = NULL, *c2 = NULL;
    int64_t u1, u2;
    assert_int_equal(wm_login(f->db, &pol, "member", "Demo-2026", "1.1.1.1", "t", &t1, &c1, &u1), WM_OK);
    assert_int_equal(wm_login(f->db, &pol, "member", "Demo-2026", "1.1.1.2", "t", &t2, &c2, &u2), WM_OK);
    struct wm_actor me = {.p = f->member, .request_id = "t", .addr = "1.1.1.1", .session = t1};
    assert_int_equal(wm_user_set_password(f->db, &me, f->member->user_id, "Demo-2026",
                                          "New-Pass-2026", NULL, &fl),
                     WM_OK);
    int64_t who;
    char *cs = NULL;
    assert_int_equal(wm_session_check(f->db, &pol, t1, &who, &cs), WM_OK);
    free(cs);
    cs = NULL;
    assert_int_equal(wm_session_check(f->db, &pol, t2, &who, &cs), WM_E_UNAUTHORIZED);
    free(t1);
    free(t2);
    free(c1);
    free(c2);
}

static void
test_login_lockout(void **state)
{
    struct fx *f = *state;
    char *tok = NULL, *csrf = NULL;
    int64_t uid = 0;
    assert_int_equal(wm_login(f->db, &pol, "leader", "Demo-2026", "1.1.1.1", "t", &tok, &csrf,
                              &uid),
                     WM_OK);
    assert_non_null(tok);
    int64_t who = 0;
    char *c2 = NULL;
    assert_int_equal(wm_session_check(f->db, &pol, tok, &who, &c2), WM_OK);
    assert_int_equal(who, uid);
    assert_string_equal(c2, csrf);
    free(c2);
    /* idle timeout */
    char fake[32];
    snprintf(fake, sizeof fake, "%lld", (long long)(wm_now() + 1801));
    setenv("WM_FAKE_NOW", fake, 1);
    assert_int_equal(wm_session_check(f->db, &pol, tok, &who, &c2), WM_E_UNAUTHORIZED);
    unsetenv("WM_FAKE_NOW");
    /* and the expired session is gone for good */
    assert_int_equal(wm_session_check(f->db, &pol, tok, &who, &c2), WM_E_UNAUTHORIZED);
    assert_int_equal(wm_session_check(f->db, &pol, "forged", &who, &c2), WM_E_UNAUTHORIZED);
    free(tok);
    free(csrf);
    /* five failures lock the account; a made-up name behaves the same */
    const char *names[] = {"leader", "nobody-here"};
    for (int n = 0; n < 2; n++) {
        for (int i = 0; i < 5; i++) {
            assert_int_equal(wm_login(f->db, &pol, names[n], "wrong", "1.1.1.1", "t", &tok, &csrf,
                                      &uid),
                             WM_E_UNAUTHORIZED);
        }
        assert_int_equal(wm_login(f->db, &pol, names[n], n ? "x" : "Demo-2026", "1.1.1.1", "t",
                                  &tok, &csrf, &uid),
                         WM_E_RATE_LIMITED);
    }
    /* failures spread over the window still lock for the whole duration after the last */
    const char *spread = "spread-name";
    int64_t t0 = wm_now();
    for (int i = 0; i < 5; i++) {
        snprintf(fake, sizeof fake, "%lld", (long long)(t0 + i * 200)); /* 0 .. 800 s */
        setenv("WM_FAKE_NOW", fake, 1);
        assert_int_equal(wm_login(f->db, &pol, spread, "x", "1.1.1.1", "t", &tok, &csrf, &uid),
                         WM_E_UNAUTHORIZED);
    }
    snprintf(fake, sizeof fake, "%lld", (long long)(t0 + 800 + 600)); /* 10 min after the last */
    setenv("WM_FAKE_NOW", fake, 1);
    assert_int_equal(wm_login(f->db, &pol, spread, "x", "1.1.1.1", "t", &tok, &csrf, &uid),
                     WM_E_RATE_LIMITED);
    snprintf(fake, sizeof fake, "%lld", (long long)(t0 + 800 + 901));
    setenv("WM_FAKE_NOW", fake, 1);
    assert_int_equal(wm_login(f->db, &pol, spread, "x", "1.1.1.1", "t", &tok, &csrf, &uid),
                     WM_E_UNAUTHORIZED);
    unsetenv("WM_FAKE_NOW");
    /* after the lock's duration the account opens again */
    snprintf(fake, sizeof fake, "%lld", (long long)(wm_now() + 901));
    setenv("WM_FAKE_NOW", fake, 1);
    assert_int_equal(wm_login(f->db, &pol, "leader", "Demo-2026", "1.1.1.1", "t", &tok, &csrf,
                              &uid),
                     WM_OK);
    unsetenv("WM_FAKE_NOW");
    free(tok);
    free(csrf);
}

static void
test_tokens(void **state)
{
    struct fx *f = *state;
    struct wm_fail fl = {0};
    int64_t id;
    char *secret = NULL;
    assert_int_equal(wm_token_create(f->db, ACT(f->office), "脚本", &id, &secret, &fl), WM_OK);
    assert_true(wm_startswith(secret, "wm_"));
    assert_int_equal(wm_token_check(f->db, secret), f->office->user_id);
    /* the cached principal: the same answer twice, then gone with the account's change
    ** made through another connection */
    for (int i = 0; i < 2; i++) {
        struct wm_principal *p = wm_token_principal(f->db, secret);
        assert_non_null(p);
        assert_string_equal(p->username, "office");
        wm_principal_free(p);
    }
    char err[256];
    struct wm_db *other = wm_db_open(NULL, f->dir, false, err, sizeof err);
    assert_non_null(other);
    int64_t gone = -1;
    assert_int_equal(wm_user_update(other, ACT(f->admin), f->office->user_id, NULL, 1, -1, &gone,
                                    &fl),
                     WM_OK);
    assert_int_equal(gone, 1);
    assert_null(wm_token_principal(f->db, secret));
    assert_int_equal(wm_user_update(other, ACT(f->admin), f->office->user_id, NULL, 0, -1, &gone,
                                    &fl),
                     WM_OK);
    assert_int_equal(gone, 0);
    /* re-enabled, but the token was revoked with the disabling: it stays dead */
    assert_null(wm_token_principal(f->db, secret));
    /* a password reset revokes the account's tokens, cached principals included */
    free(secret);
    assert_int_equal(wm_token_create(f->db, ACT(f->office), "脚本2", &id, &secret, &fl), WM_OK);
    for (int i = 0; i < 2; i++) {
        struct wm_principal *p = wm_token_principal(f->db, secret);
        assert_non_null(p);
        wm_principal_free(p);
    }
    assert_int_equal(wm_user_set_password(other, ACT(f->admin), f->office->user_id, NULL,
                                          "Reset-Pass-2026", &gone, &fl),
                     WM_OK);
    assert_int_equal(gone, 1);
    assert_null(wm_token_principal(f->db, secret));
    other->ops->close(other);
    free(secret);
    assert_int_equal(wm_token_create(f->db, ACT(f->office), "脚本3", &id, &secret, &fl), WM_OK);
    /* someone else cannot revoke it */
    assert_int_equal(wm_token_revoke(f->db, ACT(f->member), id, &fl), WM_E_NOT_FOUND);
    assert_int_equal(wm_token_revoke(f->db, ACT(f->office), id, &fl), WM_OK);
    assert_int_equal(wm_token_check(f->db, secret), 0);
    assert_null(wm_token_principal(f->db, secret));
    assert_int_equal(wm_token_check(f->db, "wm_nonsense"), 0);
    free(secret);
}

static void
test_import(void **state)
{
    struct fx *f = *state;
    struct wm_fail fl = {0};
    struct wm_table *t = NULL;
    char err[256];
    json_t *rep = NULL;
    const char *csv = "单位名称,单位代码,单位类型,所属文明办,科室\n"
                      "导入一号,IMP-1,机关,,办公室、工会\n"
                      "导入二号,IMP-2,学校,东城区文明办,\n"
                      "导入三号,IMP-3,公司,,\n"
                      "导入四号,IMP-1,机关,,\n"
                      "导入五号,IMP-5,村,不存在的文明办,\n";
    assert_int_equal(wm_table_read(csv, strlen(csv), WM_TABLE_CSV, &t, err, sizeof err), 0);
    /* bad rows: nothing imported */
    assert_int_equal(wm_unit_import(f->db, ACT(f->office), t, f->city, false, false, &rep, &fl),
                     WM_OK);
    json_t *errors = json_object_get(rep, "errors");
    assert_int_equal(json_array_size(errors), 3);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(errors, 0), "row")), 4);
    assert_string_equal(json_string_value(json_object_get(json_array_get(errors, 0), "field")),
                        "type");
    assert_int_equal(json_integer_value(json_object_get(json_array_get(errors, 1), "row")), 5);
    assert_string_equal(json_string_value(json_object_get(json_array_get(errors, 1), "field")),
                        "code");
    assert_string_equal(json_string_value(json_object_get(json_array_get(errors, 2), "field")),
                        "office");
    assert_false(json_is_true(json_object_get(rep, "committed")));
    json_t *none = f->db->ops->org_get_by_code(f->db, "IMP-1");
    assert_null(none);
    json_decref(rep);
    /* skip_bad imports the good ones */
    assert_int_equal(wm_unit_import(f->db, ACT(f->office), t, f->city, true, false, &rep, &fl),
                     WM_OK);
    assert_int_equal(json_integer_value(json_object_get(rep, "imported")), 2);
    json_decref(rep);
    json_t *u2 = f->db->ops->org_get_by_code(f->db, "IMP-2");
    assert_non_null(u2);
    assert_int_equal(json_integer_value(json_object_get(u2, "parent_id")), f->district);
    json_decref(u2);
    int64_t imp1 = unit_id(f->db, "IMP-1");
    json_t *d = f->db->ops->dept_list(f->db, imp1);
    assert_int_equal(json_array_size(d), 2);
    json_decref(d);
    /* the district office cannot import into the city office */
    assert_int_equal(wm_unit_import(f->db, ACT(f->unitadmin), t, f->city, true, false, &rep, &fl),
                     WM_E_FORBIDDEN);
    wm_table_free(t);
}

/* Registers as people keep them: other header names, type synonyms, GBK text. */
static void
test_import_real_headers(void **state)
{
    struct fx *f = *state;
    struct wm_fail fl = {0};
    struct wm_table *t = NULL;
    char err[256];
    json_t *rep = NULL;
    const char *csv = "2026年文明单位名册,,,,\n"
                      "序号,单位名称,统一社会信用代码,单位性质,所属区\n"
                      "1,某某中学,91330100MA2XXXX01,中学,东城区文明办\n"
                      "2,某某镇政府,11330100MB0XXXX02,机关单位,\n"
                      "3,某某社区,R3,社区居委会,\n";
    assert_int_equal(wm_table_read(csv, strlen(csv), WM_TABLE_CSV, &t, err, sizeof err), 0);
    assert_int_equal(wm_unit_import(f->db, ACT(f->office), t, f->city, false, false, &rep, &fl),
                     WM_OK);
    assert_int_equal(json_array_size(json_object_get(rep, "errors")), 0);
    assert_int_equal(json_integer_value(json_object_get(rep, "imported")), 3);
    json_decref(rep);
    json_t *u = f->db->ops->org_get_by_code(f->db, "91330100MA2XXXX01");
    assert_string_equal(json_string_value(json_object_get(u, "type")), "学校");
    assert_int_equal(json_integer_value(json_object_get(u, "parent_id")), f->district);
    json_decref(u);
    u = f->db->ops->org_get_by_code(f->db, "R3");
    assert_string_equal(json_string_value(json_object_get(u, "type")), "社区");
    json_decref(u);
    wm_table_free(t);
}

static void
test_audit_chain(void **state)
{
    struct fx *f = *state;
    char why[256];
    int64_t n = 0;
    assert_int_equal(wm_audit_verify(f->db, &n, why, sizeof why), 0);
    assert_true(n > 30);
    /* edit one row behind the application's back: the chain names it */
    char *path = wm_asprintf("%s/wenming.db", f->dir);
    sqlite3 *h;
    assert_int_equal(sqlite3_open(path, &h), SQLITE_OK);
    assert_int_not_equal(sqlite3_exec(h, "UPDATE audit SET summary = 'x' WHERE id = 5", NULL, NULL,
                                      NULL),
                         SQLITE_OK); /* the trigger refuses */
    assert_int_equal(sqlite3_exec(h,
                                  "DROP TRIGGER audit_no_update; "
                                  "UPDATE audit SET summary = '{}' WHERE id = 5",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    assert_int_equal(wm_audit_verify(f->db, &n, why, sizeof why), 5);
    assert_non_null(strstr(why, "5"));
    /* removing a row breaks the link of the next one */
    assert_int_equal(sqlite3_exec(h,
                                  "DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE id <= 5",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    assert_int_equal(wm_audit_verify(f->db, &n, why, sizeof why), 6);
    sqlite3_close(h);
    free(path);
}

static const char fw_json[] =
    "{\"format\": \"wenming-framework/1\", \"name\": \"测试标准\", \"version\": \"1\",\n"
    " \"indicators\": [{\"code\": \"1\", \"title\": \"组织\", \"score\": 10, \"children\": [\n"
    "   {\"code\": \"1.1\", \"title\": \"规划\", \"score\": 6, \"dept\": [\"办公室\"],\n"
    "    \"media\": [\"text\", \"photo\"], \"min_documents\": 2},\n"
    "   {\"code\": \"1.2\", \"title\": \"培训\", \"score\": 4, \"dept\": [\"人教科\"]}]}]}\n";

static void
test_frameworks(void **state)
{
    struct fx *f = *state;
    struct wm_fail fl = {0};
    json_t *rep = NULL, *prev = NULL;
    int64_t ed = 0, ed2 = 0;
    struct wm_fw_in in = {.data = fw_json, .len = strlen(fw_json), .office_id = f->city};
    /* dry run: a preview, nothing stored */
    in.dry_run = true;
    assert_int_equal(wm_framework_import(f->db, ACT(f->office), &in, &ed, &rep, &prev, &fl), WM_OK);
    assert_int_equal(json_integer_value(json_object_get(prev, "leaves")), 2);
    assert_string_equal(json_string_value(json_object_get(prev, "total")), "10");
    json_decref(rep);
    json_decref(prev);
    assert_int_equal(ed, 0);
    /* units and evaluators cannot import */
    in.dry_run = false;
    assert_int_equal(wm_framework_import(f->db, ACT(f->unitadmin), &in, &ed, &rep, NULL, &fl),
                     WM_E_FORBIDDEN);
    json_decref(rep);
    /* a draft: the office reads it, the district and the unit do not */
    assert_int_equal(wm_framework_import(f->db, ACT(f->office), &in, &ed, &rep, NULL, &fl), WM_OK);
    json_decref(rep);
    json_t *e = wm_edition_get_scoped(f->db, ACT(f->office), ed, false, NULL);
    assert_non_null(e);
    assert_string_equal(json_string_value(json_object_get(e, "status")), "draft");
    json_decref(e);
    assert_null(wm_edition_get_scoped(f->db, ACT(f->district_office), ed, false, NULL));
    assert_null(wm_edition_get_scoped(f->db, ACT(f->member), ed, false, NULL));
    /* the same version again replaces the draft */
    assert_int_equal(wm_framework_import(f->db, ACT(f->office), &in, &ed2, &rep, NULL, &fl), WM_OK);
    json_decref(rep);
    assert_int_equal(ed2, ed);
    /* publish: now every account on the path reads it, and it is immutable */
    assert_int_equal(wm_edition_publish(f->db, ACT(f->district_office), ed, &fl), WM_E_NOT_FOUND);
    assert_int_equal(wm_edition_publish(f->db, ACT(f->office), ed, &fl), WM_OK);
    e = wm_edition_get_scoped(f->db, ACT(f->member), ed, true, NULL);
    assert_non_null(e);
    json_decref(e);
    assert_int_equal(wm_framework_import(f->db, ACT(f->office), &in, &ed2, &rep, NULL, &fl),
                     WM_E_CONFLICT);
    json_decref(rep);
    assert_int_equal(wm_edition_delete(f->db, ACT(f->office), ed, &fl), WM_E_CONFLICT);
    assert_int_equal(wm_edition_publish(f->db, ACT(f->office), ed, &fl), WM_E_CONFLICT);
    /* a bad document: errors with lines, nothing stored */
    const char *bad = "{\"format\": \"wenming-framework/1\", \"name\": \"x\",\n"
                      " \"indicators\": [{\"code\": \"1\", \"title\": \"\", \"bogus\": 1}]}";
    struct wm_fw_in bin = {.data = bad, .len = strlen(bad), .office_id = f->city};
    assert_int_equal(wm_framework_import(f->db, ACT(f->office), &bin, &ed2, &rep, NULL, &fl),
                     WM_E_BAD_REQUEST);
    assert_true(json_array_size(json_object_get(rep, "errors")) >= 2);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(json_object_get(rep, "errors"), 0),
                                                        "line")),
                     2);
    json_decref(rep);
    /* the stored indicator rows */
    json_t *leaves = f->db->ops->ind_list(f->db, ed, true);
    assert_int_equal(json_array_size(leaves), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(leaves, 0), "depts")),
                        "[\"办公室\"]");
    json_decref(leaves);
}

static int64_t
add_doc(struct fx *f, const struct wm_principal *who, const json_t *ar, const char *code,
        const char *title, const char *sha, enum wm_err want)
{
    struct wm_fail fl = {0};
    struct wm_doc_meta m = {.title = title};
    struct wm_upload up = {.sha = sha, .size = 10, .mime = "application/pdf", .kind = "text",
                           .ext = "pdf", .filename = "x.pdf"};
    int64_t id = 0;
    assert_int_equal(wm_doc_create(f->db, ACT(who), ar, code, &m, &up, &id, &fl), want);
    return id;
}

static void
assert_serials(struct fx *f, const json_t *ar, const char *code, const char *want)
{
    json_t *docs = f->db->ops->doc_list(f->db, json_integer_value(json_object_get(ar, "id")), code,
                                        false);
    struct wm_buf b = {0};
    size_t i;
    json_t *d;
    json_array_foreach(docs, i, d)
    {
        wm_buf_printf(&b, "%s%lld:%s", i ? "," : "",
                      (long long)json_integer_value(json_object_get(d, "serial")),
                      json_string_value(json_object_get(d, "title")));
    }
    assert_string_equal(wm_buf_str(&b), want);
    wm_buf_free(&b);
    json_decref(docs);
}

static void
test_archive_documents(void **state)
{
    struct fx *f = *state;
    struct wm_fail fl = {0};
    json_t *rep = NULL;
    int64_t ed = 0;
    struct wm_fw_in in = {.data = fw_json, .len = strlen(fw_json), .office_id = f->city};
    assert_int_equal(wm_framework_import(f->db, ACT(f->office), &in, &ed, &rep, NULL, &fl), WM_OK);
    json_decref(rep);
    assert_int_equal(wm_edition_publish(f->db, ACT(f->office), ed, &fl), WM_OK);
    /* the default edition of the year decides the archive's standard */
    assert_int_equal(wm_archive_set_default(f->db, ACT(f->unitadmin), f->city, 2025, ed, &fl),
                     WM_E_FORBIDDEN);
    assert_int_equal(wm_archive_set_default(f->db, ACT(f->office), f->city, 2025, ed, &fl), WM_OK);
    /* opening a year never creates it: only the explicit act does, by a writer, once */
    int64_t aid = 0;
    assert_null(wm_archive_open(f->db, ACT(f->unitadmin), f->unit_city, 2025, &fl));
    assert_int_equal(fl.err, WM_E_NOT_FOUND);
    assert_null(f->db->ops->archive_get(f->db, f->unit_city, 2025));
    assert_int_equal(wm_archive_create(f->db, ACT(f->evaluator), f->unit_city, 2025, 0, &aid, &fl),
                     WM_E_FORBIDDEN);
    /* years outside 2000 .. next year are refused in words */
    assert_int_equal(wm_archive_create(f->db, ACT(f->unitadmin), f->unit_city, 1999, 0, &aid, &fl),
                     WM_E_BAD_REQUEST);
    assert_non_null(strstr(fl.msg, "2000"));
    assert_int_equal(wm_archive_create(f->db, ACT(f->unitadmin), f->unit_city,
                                       wm_archive_current_year() + 2, 0, &aid, &fl),
                     WM_E_BAD_REQUEST);
    assert_int_equal(wm_archive_create(f->db, ACT(f->unitadmin), f->unit_city, 2025, ed + 1000,
                                       &aid, &fl),
                     WM_E_BAD_REQUEST);
    assert_string_equal(fl.field, "edition_id");
    assert_int_equal(wm_archive_create(f->db, ACT(f->unitadmin), f->unit_district, 2025, 0, &aid,
                                       &fl),
                     WM_E_NOT_FOUND);
    assert_int_equal(wm_archive_create(f->db, ACT(f->member), f->unit_city, 2025, 0, &aid, &fl),
                     WM_OK);
    assert_int_equal(wm_archive_create(f->db, ACT(f->unitadmin), f->unit_city, 2025, 0, &aid, &fl),
                     WM_E_CONFLICT);
    json_t *ar = wm_archive_open(f->db, ACT(f->unitadmin), f->unit_city, 2025, &fl);
    assert_non_null(ar);
    assert_int_equal(json_integer_value(json_object_get(ar, "edition_id")), ed);
    assert_null(wm_archive_open(f->db, ACT(f->unitadmin), f->unit_district, 2025, &fl));
    assert_int_equal(fl.err, WM_E_NOT_FOUND);
    /* an empty one made by mistake: the office deletes it, a unit cannot */
    assert_int_equal(wm_archive_create(f->db, ACT(f->unitadmin), f->unit_city, 2024, ed, &aid, &fl),
                     WM_OK);
    assert_int_equal(wm_archive_delete(f->db, ACT(f->unitadmin), f->unit_city, 2024, &fl),
                     WM_E_FORBIDDEN);
    assert_int_equal(wm_archive_delete(f->db, ACT(f->office), f->unit_city, 2024, &fl), WM_OK);
    assert_null(f->db->ops->archive_get(f->db, f->unit_city, 2024));
    assert_int_equal(wm_archive_delete(f->db, ACT(f->office), f->unit_city, 2024, &fl),
                     WM_E_NOT_FOUND);
    const char *sha1 = "1111111111111111111111111111111111111111111111111111111111111111";
    const char *sha2 = "2222222222222222222222222222222222222222222222222222222222222222";
    /* the member (办公室) writes into 1.1, not into 1.2 (人教科), nor into a folder */
    int64_t a = add_doc(f, f->member, ar, "1.1", "甲", sha1, WM_OK);
    add_doc(f, f->member, ar, "1.2", "乙", sha1, WM_E_FORBIDDEN);
    add_doc(f, f->unitadmin, ar, "1", "丙", sha1, WM_E_NOT_FOUND);
    int64_t b = add_doc(f, f->unitadmin, ar, "1.1", "乙", sha2, WM_OK);
    int64_t c = add_doc(f, f->unitadmin, ar, "1.1", "丙", sha1, WM_OK);
    assert_serials(f, ar, "1.1", "1:甲,2:乙,3:丙");
    json_t *d = f->db->ops->doc_get(f->db, c);
    char *code = wm_doc_archival_code(d, "DEMO001", 2025), *name = wm_doc_display_name(d);
    assert_string_equal(code, "DEMO001-2025-1.1-03");
    assert_string_equal(name, "03:丙");
    free(code);
    free(name);
    json_decref(d);
    /* completeness: 1.1 needs 2 documents with text and photo: count ok, photo missing,
    ** and says so; 1.2 (one document by default) lacks one */
    json_t *tree = wm_archive_tree(f->db, ar, NULL);
    assert_int_equal(json_integer_value(json_object_get(tree, "leaves")), 2);
    assert_int_equal(json_integer_value(json_object_get(tree, "complete")), 0);
    assert_int_equal(json_integer_value(json_object_get(tree, "documents")), 3);
    assert_int_equal(json_integer_value(json_object_get(tree, "percent")), 0);
    size_t ti;
    json_t *tx;
    int seen = 0;
    json_array_foreach(json_object_get(tree, "indicators"), ti, tx)
    {
        const char *tc = json_string_value(json_object_get(tx, "code"));
        json_t *miss = json_object_get(tx, "missing");
        if (0 == strcmp(tc, "1.1")) {
            assert_false(json_is_true(json_object_get(tx, "complete")));
            assert_int_equal(json_array_size(miss), 1);
            assert_string_equal(json_string_value(json_object_get(json_array_get(miss, 0), "kind")),
                                "photo");
            seen++;
        } else if (0 == strcmp(tc, "1.2")) {
            assert_int_equal(json_array_size(miss), 1);
            assert_string_equal(json_string_value(json_object_get(json_array_get(miss, 0), "kind")),
                                "documents");
            assert_int_equal(json_integer_value(json_object_get(json_array_get(miss, 0), "count")), 1);
            seen++;
        }
    }
    assert_int_equal(seen, 2);
    json_decref(tree);
    /* an archive that holds documents is not deleted, not even by the office */
    assert_int_equal(wm_archive_delete(f->db, ACT(f->office), f->unit_city, 2025, &fl),
                     WM_E_CONFLICT);
    /* archival codes: b is 1.1-02; trashed it keeps it, and restored it has it still, while
    ** the display serials close the gap; a new document takes a new number, never b's */
    json_t *db0 = f->db->ops->doc_get(f->db, b);
    char *code_b = wm_doc_archival_code(db0, "DEMO001", 2025);
    assert_string_equal(code_b, "DEMO001-2025-1.1-02");
    json_decref(db0);
    /* delete closes the gap; restore appends; reorder; move renumbers both leaves */
    assert_int_equal(wm_doc_delete(f->db, ACT(f->unitadmin), b, &fl), WM_OK);
    assert_serials(f, ar, "1.1", "1:甲,2:丙");
    db0 = f->db->ops->doc_get(f->db, b);
    char *code_t = wm_doc_archival_code(db0, "DEMO001", 2025);
    assert_string_equal(code_t, code_b); /* not "…-00" */
    free(code_t);
    json_decref(db0);
    int64_t e4 = add_doc(f, f->unitadmin, ar, "1.1", "丁", sha2, WM_OK);
    db0 = f->db->ops->doc_get(f->db, e4);
    code_t = wm_doc_archival_code(db0, "DEMO001", 2025);
    assert_string_equal(code_t, "DEMO001-2025-1.1-04");
    free(code_t);
    json_decref(db0);
    assert_int_equal(wm_doc_delete(f->db, ACT(f->unitadmin), e4, &fl), WM_OK);
    assert_int_equal(wm_doc_purge(f->db, ACT(f->admin), e4, &fl), WM_OK);
    assert_int_equal(wm_doc_restore(f->db, ACT(f->member), b, &fl), WM_E_FORBIDDEN);
    assert_int_equal(wm_doc_restore(f->db, ACT(f->unitadmin), b, &fl), WM_OK);
    assert_serials(f, ar, "1.1", "1:甲,2:丙,3:乙");
    db0 = f->db->ops->doc_get(f->db, b);
    code_t = wm_doc_archival_code(db0, "DEMO001", 2025);
    assert_string_equal(code_t, code_b); /* restored: its code back */
    free(code_t);
    json_decref(db0);
    /* a number once given is not given again, not even after a purge */
    int64_t e5 = add_doc(f, f->unitadmin, ar, "1.1", "戊", sha2, WM_OK);
    db0 = f->db->ops->doc_get(f->db, e5);
    code_t = wm_doc_archival_code(db0, "DEMO001", 2025);
    assert_string_equal(code_t, "DEMO001-2025-1.1-05");
    free(code_t);
    json_decref(db0);
    assert_int_equal(wm_doc_delete(f->db, ACT(f->unitadmin), e5, &fl), WM_OK);
    assert_int_equal(wm_doc_purge(f->db, ACT(f->admin), e5, &fl), WM_OK);
    int64_t order[] = {b, a, c};
    assert_int_equal(wm_doc_reorder(f->db, ACT(f->unitadmin), ar, "1.1", order, 3, &fl), WM_OK);
    assert_serials(f, ar, "1.1", "1:乙,2:甲,3:丙");
    db0 = f->db->ops->doc_get(f->db, b);
    code_t = wm_doc_archival_code(db0, "DEMO001", 2025);
    assert_string_equal(code_t, code_b); /* re-ordering changes display serials, not codes */
    free(code_t);
    free(code_b);
    json_decref(db0);
    int64_t partial[] = {b, a};
    assert_int_equal(wm_doc_reorder(f->db, ACT(f->unitadmin), ar, "1.1", partial, 2, &fl),
                     WM_E_BAD_REQUEST);
    assert_serials(f, ar, "1.1", "1:乙,2:甲,3:丙");
    assert_int_equal(wm_doc_move(f->db, ACT(f->unitadmin), a, "1.2", &fl), WM_OK);
    assert_serials(f, ar, "1.1", "1:乙,2:丙");
    assert_serials(f, ar, "1.2", "1:甲");
    /* the trash: unit_admin restores within 30 days only; purge is the admin's */
    assert_int_equal(wm_doc_delete(f->db, ACT(f->unitadmin), c, &fl), WM_OK);
    char fake[32];
    snprintf(fake, sizeof fake, "%lld", (long long)(wm_now() + 31 * 86400));
    setenv("WM_FAKE_NOW", fake, 1);
    assert_int_equal(wm_doc_restore(f->db, ACT(f->unitadmin), c, &fl), WM_E_FORBIDDEN);
    unsetenv("WM_FAKE_NOW");
    assert_int_equal(wm_doc_purge(f->db, ACT(f->office), c, &fl), WM_E_FORBIDDEN);
    assert_int_equal(wm_doc_purge(f->db, ACT(f->admin), c, &fl), WM_OK);
    assert_null(f->db->ops->doc_get(f->db, c));
    /* metadata checks name the field */
    struct wm_doc_meta m = {.date_formed = "2025-02-30"};
    assert_int_equal(wm_doc_update(f->db, ACT(f->unitadmin), a, &m, &fl), WM_E_BAD_REQUEST);
    assert_string_equal(fl.field, "date_formed");
    m.date_formed = "2020-01- 1";
    assert_int_equal(wm_doc_update(f->db, ACT(f->unitadmin), a, &m, &fl), WM_E_BAD_REQUEST);
    m.date_formed = "2024-02-29";
    m.retention = "5年";
    assert_int_equal(wm_doc_update(f->db, ACT(f->unitadmin), a, &m, &fl), WM_E_BAD_REQUEST);
    assert_string_equal(fl.field, "retention");
    m.retention = "30年";
    assert_int_equal(wm_doc_update(f->db, ACT(f->unitadmin), a, &m, &fl), WM_OK);
    /* another unit's documents are not found */
    assert_null(wm_doc_get_scoped(f->db, ACT(f->district_office), a, NULL));
    json_decref(ar);
}

/* The cache of read results follows every write: this connection's and another's. */
static void
test_list_cache(void **state)
{
    struct fx *f = *state;
    struct wm_fail fl = {0};
    char err[256];
    struct wm_db *other = wm_db_open(NULL, f->dir, false, err, sizeof err);
    assert_non_null(other);
    int64_t gen, g2;
    assert_true(f->db->ops->generation(f->db, &gen));
    assert_true(f->db->ops->generation(f->db, &g2));
    assert_int_equal(gen, g2); /* nothing changed */
    wm_cache_put("k", "text one", gen);
    char *a = wm_cache_get(f->db, "k");
    assert_non_null(a);
    assert_string_equal(a, "text one");
    free(a);
    assert_null(wm_cache_get(f->db, "other key"));
    /* a write by this connection */
    int64_t id;
    struct wm_unit_in in = {.parent_id = f->city, .name = "缓存一", .code = "C-1", .type = "村"};
    assert_int_equal(wm_unit_create(f->db, ACT(f->office), &in, &id, &fl), WM_OK);
    assert_null(wm_cache_get(f->db, "k"));
    assert_true(f->db->ops->generation(f->db, &gen));
    wm_cache_put("k", "text two", gen);
    a = wm_cache_get(f->db, "k");
    assert_string_equal(a, "text two");
    free(a);
    /* a write by another connection */
    in.name = "缓存二";
    in.code = "C-2";
    assert_int_equal(wm_unit_create(other, ACT(f->office), &in, &id, &fl), WM_OK);
    assert_null(wm_cache_get(f->db, "k"));
    assert_true(f->db->ops->generation(f->db, &g2));
    assert_true(g2 != gen);
    other->ops->close(other);
}

static void
test_validation(void **state)
{
    (void)state;
    assert_true(wm_password_ok("Abcdefg1"));
    assert_true(wm_password_ok("abcdefg1!"));
    assert_false(wm_password_ok("abcdefgh"));
    assert_false(wm_password_ok("Abc1!"));
    assert_true(wm_valid_text("文明单位", 4));
    assert_false(wm_valid_text("文明单位", 3));
    assert_false(wm_valid_text(" lead", 10));
    assert_false(wm_valid_text("", 10));
    assert_false(wm_valid_text("\xff", 10));
    assert_true(wm_valid_username("user.name@x"));
    assert_false(wm_valid_username("a"));
    assert_false(wm_valid_username("用户"));
    char *p = wm_password_generate();
    assert_true(wm_password_ok(p));
    char *h = wm_password_hash(p);
    assert_true(wm_password_verify(h, p));
    assert_false(wm_password_verify(h, "nope"));
    assert_true(wm_startswith(h, "$argon2id$"));
    free(h);
    free(p);
}

/* The password policy: each rule named, the sentence saying the configured numbers. */
static void
test_password_policy(void **state)
{
    (void)state;
    char msg[160];
    /* the defaults: 8 characters of 3 classes */
    assert_int_equal(wm_password_check("Abcdefg1", msg, sizeof msg), WM_PW_OK);
    assert_string_equal(msg, "");
    assert_int_equal(wm_password_check("Abc1!", msg, sizeof msg), WM_PW_LENGTH);
    assert_string_equal(msg, "密码至少需要 8 个字符");
    assert_int_equal(wm_password_check("abcdefgh", msg, sizeof msg), WM_PW_CLASSES);
    assert_string_equal(msg, "密码需包含大写字母、小写字母、数字、符号中的至少 3 类");
    assert_int_equal(wm_password_check("Ab1\xff\xfe" "0000", msg, sizeof msg), WM_PW_FORM);
    assert_int_equal(wm_password_check(NULL, NULL, 0), WM_PW_FORM);
    /* 12 characters of all 4 classes; characters are code points, not bytes */
    wm_password_set_policy(12, 4);
    assert_int_equal(wm_password_check("Abcdefg1!", msg, sizeof msg), WM_PW_LENGTH);
    assert_string_equal(msg, "密码至少需要 12 个字符");
    assert_int_equal(wm_password_check("Abcdefghijk1", msg, sizeof msg), WM_PW_CLASSES);
    assert_string_equal(msg, "密码需包含大写字母、小写字母、数字、符号中的至少 4 类");
    assert_int_equal(wm_password_check("Abcdefghij1!", msg, sizeof msg), WM_PW_OK);
    assert_int_equal(wm_password_check("Ab1!文明文明文明文明", msg, sizeof msg), WM_PW_OK);
    assert_int_equal(wm_password_check("Ab1!文明文明", msg, sizeof msg), WM_PW_LENGTH);
    assert_false(wm_password_ok("Abcdefghijk1"));
    /* the generated password meets any policy (length and a symbol when 4 classes) */
    for (int i = 0; i < 20; i++) {
        char *g = wm_password_generate();
        assert_true(wm_password_ok(g));
        assert_true(strlen(g) >= 16);
        free(g);
    }
    wm_password_set_policy(40, 4);
    char *g = wm_password_generate();
    assert_int_equal(strlen(g), 40);
    assert_true(wm_password_ok(g));
    free(g);
    /* one class of anything, 1 character (clamped: never 0) */
    wm_password_set_policy(0, 0);
    assert_int_equal(wm_password_check("a", msg, sizeof msg), WM_PW_OK);
    assert_int_equal(wm_password_check("", msg, sizeof msg), WM_PW_LENGTH);
    wm_password_set_policy(WM_PW_MIN_LENGTH_DEFAULT, WM_PW_CLASSES_DEFAULT);
    assert_false(wm_password_ok("abcdefgh"));
    /* the history rule: the current hash and the newest N - 1 old ones */
    char *h0 = wm_password_hash("Zero-Pass-1"), *h1 = wm_password_hash("One-Pass-1"),
         *h2 = wm_password_hash("Two-Pass-1");
    json_t *old = json_pack("[{s:s},{s:s}]", "pwhash", h1, "pwhash", h2); /* newest first */
    assert_int_equal(wm_password_check_history("Zero-Pass-1", h0, old, msg, sizeof msg), WM_PW_OK);
    wm_password_set_history(2);
    assert_int_equal(wm_password_check_history("Zero-Pass-1", h0, old, msg, sizeof msg),
                     WM_PW_HISTORY);
    assert_string_equal(msg, "不能与最近 2 次使用过的密码相同");
    assert_int_equal(wm_password_check_history("One-Pass-1", h0, old, msg, sizeof msg),
                     WM_PW_HISTORY);
    assert_int_equal(wm_password_check_history("Two-Pass-1", h0, old, msg, sizeof msg), WM_PW_OK);
    assert_string_equal(msg, "");
    wm_password_set_history(3);
    assert_int_equal(wm_password_check_history("Two-Pass-1", h0, old, msg, sizeof msg),
                     WM_PW_HISTORY);
    assert_int_equal(wm_password_check_history("New-Pass-1", h0, NULL, msg, sizeof msg), WM_PW_OK);
    wm_password_set_history(0);
    json_decref(old);
    free(h0);
    free(h1);
    free(h2);
}

/* ---------------------------------------------------------------- audit action names */

static json_t *audit_codes; /* every action code found in a wm_audit() call of src/ */

/* The string literals of the wm_audit( calls in text that look like action codes. */
static void
scan_audit_calls(const char *text)
{
    for (const char *p = strstr(text, "wm_audit("); p; p = strstr(p + 1, "wm_audit(")) {
        if (p > text && (isalnum((unsigned char)p[-1]) || '_' == p[-1])) {
            continue;
        }
        const char *q = p + strlen("wm_audit(");
        int depth = 1;
        while (*q && depth > 0) {
            if ('"' == *q) {
                const char *e = q + 1;
                while (*e && '"' != *e) {
                    e += '\\' == *e && e[1] ? 2 : 1;
                }
                size_t n = (size_t)(e - q - 1);
                char lit[80];
                if (n < sizeof lit) {
                    memcpy(lit, q + 1, n);
                    lit[n] = '\0';
                    size_t k = strspn(lit, "abcdefghijklmnopqrstuvwxyz_");
                    if (k > 0 && '.' == lit[k] && lit[k + 1] &&
                        strspn(lit + k + 1, "abcdefghijklmnopqrstuvwxyz_") == strlen(lit + k + 1)) {
                        json_array_append_new(audit_codes, json_string(lit));
                    }
                }
                q = *e ? e + 1 : e;
                continue;
            }
            depth += '(' == *q ? 1 : (')' == *q ? -1 : 0);
            q++;
        }
    }
}

static int
scan_file(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    size_t n = strlen(path);
    if (FTW_F == type && n > 2 && 0 == strcmp(path + n - 2, ".c") &&
        NULL == strstr(path, "/core/audit.c")) {
        size_t len;
        char *text = wm_read_file(path, &len);
        if (text) {
            scan_audit_calls(text);
            free(text);
        }
    }
    return 0;
}

/* Every action code the sources write has a Chinese name and a place in the page's select
** list (a new wm_audit() call with a new code fails here until audit.c names it). */
static void
test_audit_action_names(void **state)
{
    (void)state;
    audit_codes = json_array();
    assert_int_equal(nftw(WM_SOURCE_DIR "/src", scan_file, 16, FTW_PHYS), 0);
    assert_true(json_array_size(audit_codes) >= 30);
    size_t i;
    json_t *c;
    json_array_foreach(audit_codes, i, c)
    {
        const char *code = json_string_value(c);
        const char *label = wm_audit_action_label(code);
        if (NULL == label) {
            fail_msg("audit action '%s' has no Chinese name in src/core/audit.c", code);
        }
        bool listed = false;
        for (int k = 0; wm_audit_actions[k]; k++) {
            listed = listed || 0 == strcmp(wm_audit_actions[k], code);
        }
        if (!listed) {
            fail_msg("audit action '%s' is missing from wm_audit_actions", code);
        }
    }
    for (int k = 0; wm_audit_actions[k]; k++) {
        assert_non_null(wm_audit_action_label(wm_audit_actions[k]));
    }
    assert_string_equal(wm_audit_action_label("session.create"), "登录");
    assert_null(wm_audit_action_label("no.such"));
    json_decref(audit_codes);
}

/* ---------------------------------------------------------------- store failures */

/* A wrapped ops table: the real backend, with some operations made to fail the way a store
** fails (db->status says HARD or SOFT), counting the calls. */
static struct wm_db_ops failing_ops;
static const struct wm_db_ops *real_ops;
static enum wm_qs fail_as;  /* the status the failing operations report */
static unsigned fail_times; /* how many calls fail (then the real op runs); UINT_MAX: all */
static unsigned fail_calls;

static bool
fail_now(struct wm_db *db)
{
    fail_calls++;
    if (fail_times > 0) {
        fail_times -= UINT32_MAX == fail_times ? 0 : 1;
        db->status = fail_as;
        return true;
    }
    return false;
}

static json_t *
failing_org_get(struct wm_db *db, int64_t id)
{
    return fail_now(db) ? NULL : real_ops->org_get(db, id);
}

static json_t *
failing_doc_get(struct wm_db *db, int64_t id)
{
    return fail_now(db) ? NULL : real_ops->doc_get(db, id);
}

static json_t *
failing_user_get(struct wm_db *db, int64_t id)
{
    return fail_now(db) ? NULL : real_ops->user_get(db, id);
}

static json_t *
failing_org_list(struct wm_db *db, const struct wm_page *pg)
{
    return fail_now(db) ? NULL : real_ops->org_list(db, pg);
}

static enum wm_qs
failing_org_insert(struct wm_db *db, int64_t parent_id, const char *kind, const char *name,
                   const char *code, const char *type, int64_t now, int64_t *id)
{
    if (fail_now(db)) {
        return fail_as;
    }
    return real_ops->org_insert(db, parent_id, kind, name, code, type, now, id);
}

/* Another writer's office of the same name, not yet committed when the check looked. */
static json_t *
racing_org_find_name(struct wm_db *db, int64_t parent_id, const char *name)
{
    (void)db;
    (void)parent_id;
    (void)name;
    return NULL;
}

/* Which operations fail. */
enum { FAIL_READS = 1, FAIL_INSERT = 2, RACE_NAME = 4 };

static void
wrap_ops(struct fx *f, unsigned which, enum wm_qs as, unsigned times)
{
    if (f->db->ops != &failing_ops) {
        real_ops = f->db->ops;
    }
    failing_ops = *real_ops;
    if (which & FAIL_READS) {
        failing_ops.org_get = failing_org_get;
        failing_ops.doc_get = failing_doc_get;
        failing_ops.user_get = failing_user_get;
        failing_ops.org_list = failing_org_list;
    }
    if (which & FAIL_INSERT) {
        failing_ops.org_insert = failing_org_insert;
    }
    if (which & RACE_NAME) {
        failing_ops.org_find_name = racing_org_find_name;
    }
    f->db->ops = &failing_ops;
    fail_as = as;
    fail_times = times;
    fail_calls = 0;
}

static void
unwrap_ops(struct fx *f)
{
    f->db->ops = real_ops;
}

/* Two offices of one name under one parent at once: the service layer's check passes for
** both (neither sees the other's row yet); the store refuses the second, and the caller
** gets the same 409 as when the check caught it, not an internal error. */
static void
test_write_conflict_race(void **state)
{
    struct fx *f = *state;
    struct wm_fail fl = {0};
    int64_t id = 0, id2 = 0;
    assert_int_equal(wm_org_create(f->db, ACT(f->admin), f->city, "同名区文明办", &id, &fl), WM_OK);
    assert_int_equal(wm_org_create(f->db, ACT(f->admin), f->city, "同名区文明办", &id2, &fl),
                     WM_E_CONFLICT); /* caught by the check */
    memset(&fl, 0, sizeof fl);
    wrap_ops(f, RACE_NAME, WM_QS_ONE, 0);
    assert_int_equal(wm_org_create(f->db, ACT(f->admin), f->city, "同名区文明办", &id2, &fl),
                     WM_E_CONFLICT); /* caught by the store */
    assert_string_equal(fl.field, "name");
    unwrap_ops(f);
    assert_false(f->db->ops->in_tx(f->db));
}

/* A read whose store fails answers an internal error (503 when busy), never "not found". */
static void
test_read_store_error(void **state)
{
    struct fx *f = *state;
    struct wm_fail fl = {0};
    struct wm_page pg = {.limit = 10};
    /* a row that does not exist is "not found" */
    assert_null(wm_org_get_scoped(f->db, ACT(f->admin), 999999, &fl));
    assert_int_equal(fl.err, WM_E_NOT_FOUND);
    /* the same read when the store fails */
    wrap_ops(f, FAIL_READS, WM_QS_HARD, UINT32_MAX);
    memset(&fl, 0, sizeof fl);
    assert_null(wm_org_get_scoped(f->db, ACT(f->admin), f->city, &fl));
    assert_int_equal(fl.err, WM_E_INTERNAL);
    assert_int_equal(wm_err_status(fl.err), 500);
    memset(&fl, 0, sizeof fl);
    assert_null(wm_unit_get_scoped(f->db, ACT(f->office), f->unit_city, &fl));
    assert_int_equal(fl.err, WM_E_INTERNAL);
    memset(&fl, 0, sizeof fl);
    assert_null(wm_user_get_scoped(f->db, ACT(f->admin), f->office->user_id, &fl));
    assert_int_equal(fl.err, WM_E_INTERNAL);
    memset(&fl, 0, sizeof fl);
    assert_null(wm_doc_get_scoped(f->db, ACT(f->admin), 1, &fl));
    assert_int_equal(fl.err, WM_E_INTERNAL);
    memset(&fl, 0, sizeof fl);
    assert_null(wm_org_list(f->db, ACT(f->admin), &pg, &fl));
    assert_int_equal(fl.err, WM_E_INTERNAL);
    memset(&fl, 0, sizeof fl);
    assert_null(wm_archive_list(f->db, ACT(f->office), f->unit_city, &fl));
    assert_int_equal(fl.err, WM_E_INTERNAL);
    /* a write that reads first: the store's failure, not "机构不存在" */
    memset(&fl, 0, sizeof fl);
    assert_int_equal(wm_org_update(f->db, ACT(f->admin), f->city, "改名", 0, &fl), WM_E_INTERNAL);
    /* busy: 503 */
    wrap_ops(f, FAIL_READS, WM_QS_SOFT, UINT32_MAX);
    memset(&fl, 0, sizeof fl);
    assert_null(wm_unit_get_scoped(f->db, ACT(f->office), f->unit_city, &fl));
    assert_int_equal(fl.err, WM_E_UNAVAILABLE);
    assert_int_equal(wm_err_status(fl.err), 503);
    unwrap_ops(f);
    /* and the store is fine again */
    json_t *o = wm_org_get_scoped(f->db, ACT(f->admin), f->city, &fl);
    assert_non_null(o);
    json_decref(o);
}

/* A transaction that loses a race is run again; one that keeps losing answers 503. */
static void
test_write_retry(void **state)
{
    struct fx *f = *state;
    struct wm_fail fl = {0};
    int64_t id = 0;
    /* lost once: run again, and stored once */
    wrap_ops(f, FAIL_INSERT, WM_QS_SOFT, 1);
    assert_int_equal(wm_org_create(f->db, ACT(f->admin), f->city, "重试的机构", &id, &fl), WM_OK);
    assert_int_equal(fail_calls, 2);
    unwrap_ops(f);
    json_t *o = f->db->ops->org_find_name(f->db, f->city, "重试的机构");
    assert_non_null(o);
    assert_int_equal(json_integer_value(json_object_get(o, "id")), id);
    json_decref(o);
    /* lost every time: a bounded number of attempts, then unavailable (503), nothing stored */
    wrap_ops(f, FAIL_INSERT, WM_QS_SOFT, UINT32_MAX);
    memset(&fl, 0, sizeof fl);
    assert_int_equal(wm_org_create(f->db, ACT(f->admin), f->city, "总是失败", &id, &fl),
                     WM_E_UNAVAILABLE);
    assert_int_equal(fl.err, WM_E_UNAVAILABLE);
    assert_int_equal(wm_err_status(fl.err), 503);
    assert_int_equal(fail_calls, WM_DB_TX_TRIES);
    /* a hard failure is not retried */
    wrap_ops(f, FAIL_INSERT, WM_QS_HARD, UINT32_MAX);
    memset(&fl, 0, sizeof fl);
    assert_int_equal(wm_org_create(f->db, ACT(f->admin), f->city, "总是失败", &id, &fl),
                     WM_E_INTERNAL);
    assert_int_equal(fail_calls, 1);
    unwrap_ops(f);
    assert_null(f->db->ops->org_find_name(f->db, f->city, "总是失败"));
    assert_false(f->db->ops->in_tx(f->db));
}

/* An audit entry that cannot be written fails the change: nothing of it stays. */

/* Evaluation rounds (issue 10): the vocabularies, who sees the demo's round, rechecks. */
static void
test_rounds(void **state)
{
    struct fx *f = *state;
    struct wm_fail fl = {0};
    assert_string_equal(wm_round_next_state("draft"), "open");
    assert_string_equal(wm_round_prev_state("publicity"), "locked");
    assert_null(wm_round_next_state("closed"));
    assert_null(wm_round_prev_state("draft"));
    assert_null(wm_round_next_state("bogus"));
    assert_string_equal(wm_unit_type_category("事业单位"), "文明单位");
    assert_string_equal(wm_unit_type_category("村"), "文明村");
    assert_string_equal(wm_unit_type_category("窗口单位"), "窗口单位");
    assert_string_equal(wm_unit_type_category("工厂"), "其他");
    assert_string_equal(wm_round_state_label("evaluating"), "测评中");
    /* the demo's round: open, over the city */
    json_t *r = wm_round_get_scoped(f->db, ACT(f->office), 1, &fl);
    assert_non_null(r);
    assert_true(wm_round_in_state(r, "open"));
    assert_false(wm_round_in_state(r, "draft"));
    assert_true(wm_round_is_owner(ACT(f->office), r));
    assert_false(wm_round_is_owner(ACT(f->district_office), r));
    assert_false(wm_round_is_owner(ACT(f->admin), r));
    assert_true(wm_round_admits(r, "村"));
    json_t *o = wm_round_get_scoped(f->db, ACT(f->member), 1, NULL);
    assert_non_null(o);
    json_decref(o);
    o = wm_round_get_scoped(f->db, ACT(f->district_office), 1, NULL);
    assert_non_null(o);
    json_decref(o);
    /* an evaluator: only once in a group of the round */
    assert_null(wm_round_get_scoped(f->db, ACT(f->evaluator), 1, &fl));
    assert_int_equal(fl.err, WM_E_NOT_FOUND);
    int64_t g = 0;
    assert_int_equal(f->db->ops->group_insert(f->db, 1, "第一组", f->evaluator->user_id, 1, &g),
                     WM_QS_ONE);
    assert_int_equal(f->db->ops->group_member_add(f->db, g, f->evaluator->user_id), WM_QS_ONE);
    o = wm_round_get_scoped(f->db, ACT(f->evaluator), 1, NULL);
    assert_non_null(o);
    json_decref(o);
    /* rechecks: accepted at once; a unit with an entry already and an office are skipped */
    int64_t west = unit_id(f->db, "DEMO014"), ids[] = {f->unit_city, west, f->unit_district,
                                                       f->city, f->unit_city};
    size_t added = 0;
    assert_int_equal(f->db->ops->begin(f->db, true), WM_QS_ONE);
    assert_int_equal(wm_round_add_rechecks(f->db, ACT(f->office), r, ids, 5, &added), 0);
    assert_int_equal(f->db->ops->commit(f->db), WM_QS_ONE);
    assert_int_equal(added, 2);
    o = f->db->ops->entry_find(f->db, 1, west);
    assert_non_null(o);
    assert_string_equal(json_string_value(json_object_get(o, "kind")), "recheck");
    assert_string_equal(json_string_value(json_object_get(o, "state")), "accepted");
    json_decref(o);
    o = f->db->ops->entry_find(f->db, 1, f->unit_district); /* the demo's declaration, kept */
    assert_string_equal(json_string_value(json_object_get(o, "kind")), "declare");
    json_decref(o);
    json_decref(r);
    /* a district's round takes no unit outside it */
    json_t *in = json_pack("{s:s, s:s, s:I, s:s, s:s, s:i, s:i, s:s}", "name", "东城区测评",
                           "level", "区级", "edition_id", (json_int_t)1, "window_start",
                           "2026-03-01", "window_end", "2026-04-30", "years_from", 2024,
                           "years_to", 2025, "pass_threshold", "0");
    int64_t id = 0;
    struct wm_audit_filter af = {.action = "round.recheck"};
    struct wm_page pg = {.limit = 50};
    json_t *before = wm_audit_list(f->db, ACT(f->admin), &pg, &af, NULL);
    assert_int_equal(json_array_size(before), 1);
    json_decref(before);
    assert_int_equal(wm_round_create(f->db, ACT(f->district_office), in, &id, &fl), WM_OK);
    json_decref(in);
    r = wm_round_get_scoped(f->db, ACT(f->district_office), id, NULL);
    assert_non_null(r);
    int64_t chaoyang = unit_id(f->db, "DEMO016"), two[] = {f->unit_city, chaoyang};
    assert_int_equal(f->db->ops->begin(f->db, true), WM_QS_ONE);
    assert_int_equal(wm_round_add_rechecks(f->db, NULL, r, two, 2, &added), 0);
    assert_int_equal(f->db->ops->commit(f->db), WM_QS_ONE);
    assert_int_equal(added, 1);
    o = f->db->ops->entry_find(f->db, id, f->unit_city);
    assert_null(o);
    o = f->db->ops->entry_find(f->db, id, chaoyang);
    assert_non_null(o);
    json_decref(o);
    json_decref(r);
    /* the city's unit never sees the district's round */
    assert_null(wm_round_get_scoped(f->db, ACT(f->member), id, NULL));
}

static void
test_audit_failure_fails_change(void **state)
{
    struct fx *f = *state;
    struct wm_fail fl = {0};
    int64_t id = 0, before = 0, after = 0;
    char path[128], *err = NULL;
    sqlite3 *h;
    snprintf(path, sizeof path, "%s/wenming.db", f->dir);
    assert_int_equal(sqlite3_open(path, &h), SQLITE_OK);
    assert_int_equal(sqlite3_exec(h, "CREATE TRIGGER audit_refuses BEFORE INSERT ON audit "
                                     "BEGIN SELECT RAISE(ABORT, 'audit is full'); END",
                                  NULL, NULL, &err),
                     SQLITE_OK);
    assert_int_equal(wm_audit_verify(f->db, &before, path, sizeof path), 0);
    /* an office, a unit, an account, a department: none is stored without its entry */
    assert_int_not_equal(wm_org_create(f->db, ACT(f->admin), f->city, "无审计机构", &id, &fl), WM_OK);
    assert_int_equal(fl.err, WM_E_INTERNAL);
    assert_null(f->db->ops->org_find_name(f->db, f->city, "无审计机构"));
    struct wm_unit_in in = {.parent_id = f->city, .name = "无审计单位", .code = "NOAUDIT1",
                            .type = "机关"};
    assert_int_not_equal(wm_unit_create(f->db, ACT(f->office), &in, &id, &fl), WM_OK);
    json_t *u = f->db->ops->org_get_by_code(f->db, "NOAUDIT1");
    assert_null(u);
    struct wm_user_in ui = {.username = "noaudit", .display_name = "无审计", .password = "Xy-12345678",
                            .role = "unit_member", .org_id = f->unit_city};
    char *gen = NULL;
    assert_int_not_equal(wm_user_create(f->db, ACT(f->office), &ui, &id, &gen, &fl), WM_OK);
    assert_null(gen);
    assert_null(f->db->ops->user_get_auth(f->db, "noaudit"));
    assert_int_not_equal(wm_dept_add(f->db, ACT(f->office), f->unit_city, "无审计科", &id, &fl), WM_OK);
    json_t *depts = f->db->ops->dept_list(f->db, f->unit_city);
    size_t i;
    json_t *d;
    json_array_foreach(depts, i, d)
    {
        assert_string_not_equal(json_string_value(json_object_get(d, "name")), "无审计科");
    }
    json_decref(depts);
    assert_false(f->db->ops->in_tx(f->db));
    /* the log is as it was, and intact */
    assert_int_equal(wm_audit_verify(f->db, &after, path, sizeof path), 0);
    assert_int_equal(after, before);
    assert_int_equal(sqlite3_exec(h, "DROP TRIGGER audit_refuses", NULL, NULL, &err), SQLITE_OK);
    sqlite3_close(h);
    /* with the log writable again the same change goes through */
    assert_int_equal(wm_org_create(f->db, ACT(f->admin), f->city, "无审计机构", &id, &fl), WM_OK);
}

/* Titles (issue 10): a round's decisions (wm_title_decide: 授予, 保留, 撤销, in the caller's
** transaction or its own, audited) and the units due for a recheck (wm_titles_due). */
static void
test_title_decide(void **state)
{
    struct fx *f = *state;
    struct wm_fail fl = {0};
    int64_t t1 = 0, t2 = 0, x = 0;
    /* a round that does not exist: refused on round_id (title.round_id refers to it) */
    assert_int_equal(wm_title_decide(f->db, ACT(f->office), f->unit_district, 999, "授予",
                                     "第十五届市级文明单位", "市级", NULL, "2024-12-20", NULL,
                                     NULL, &t1, &fl),
                     WM_E_BAD_REQUEST);
    assert_string_equal(fl.field, "round_id");
    /* 授予: a kept title with the round (the demo's round 1) */
    assert_int_equal(wm_title_decide(f->db, ACT(f->office), f->unit_district, 1, "授予",
                                     "第十五届市级文明单位", "市级", "某文明委〔2024〕1号",
                                     "2024-12-20", "2027-12-31", NULL, &t1, &fl),
                     WM_OK);
    json_t *t = wm_title_get_scoped(f->db, ACT(f->office), t1, &fl);
    assert_non_null(t);
    assert_string_equal(json_string_value(json_object_get(t, "state")), "kept");
    assert_int_equal(json_integer_value(json_object_get(t, "round_id")), 1);
    assert_string_equal(json_string_value(json_object_get(t, "award_doc")), "某文明委〔2024〕1号");
    json_decref(t);
    /* a district office decides only within its jurisdiction; units and evaluators never */
    assert_int_equal(wm_title_decide(f->db, ACT(f->district_office), f->unit_city, 1, "授予",
                                     "第十五届市级文明单位", "市级", NULL, "2024-12-20", NULL,
                                     NULL, &x, &fl),
                     WM_E_NOT_FOUND);
    assert_int_equal(wm_title_decide(f->db, ACT(f->unitadmin), f->unit_city, 1, "award", "x",
                                     "市级", NULL, "2024-12-20", NULL, NULL, &x, &fl),
                     WM_E_FORBIDDEN);
    assert_int_equal(wm_title_decide(f->db, ACT(f->office), f->unit_city, 1, "表彰", "x", "市级",
                                     NULL, "2024-12-20", NULL, NULL, &x, &fl),
                     WM_E_BAD_REQUEST);
    assert_string_equal(fl.field, "decision");
    /* 保留 needs the new valid_until; it extends the current title and keeps it */
    assert_int_equal(wm_title_decide(f->db, ACT(f->office), f->unit_district, 1, "保留", NULL,
                                     NULL, NULL, NULL, NULL, NULL, &x, &fl),
                     WM_E_BAD_REQUEST);
    assert_string_equal(fl.field, "valid_until");
    assert_int_equal(wm_title_decide(f->db, ACT(f->office), f->unit_district, 1, "keep", NULL,
                                     "市级", NULL, NULL, "2030-12-31", "复查合格", &t2, &fl),
                     WM_OK);
    assert_int_equal(t2, t1);
    t = wm_title_get_scoped(f->db, ACT(f->office), t1, &fl);
    assert_string_equal(json_string_value(json_object_get(t, "valid_until")), "2030-12-31");
    assert_string_equal(json_string_value(json_object_get(t, "state")), "kept");
    json_decref(t);
    /* 撤销 needs a reason */
    assert_int_equal(wm_title_decide(f->db, ACT(f->office), f->unit_district, 1, "撤销", NULL,
                                     NULL, NULL, NULL, NULL, "", &x, &fl),
                     WM_E_BAD_REQUEST);
    assert_string_equal(fl.field, "reason");
    /* in the caller's transaction: rolled back with it */
    assert_int_equal(f->db->ops->begin(f->db, true), WM_QS_ONE);
    assert_int_equal(wm_title_decide(f->db, ACT(f->office), f->unit_district, 1, "撤销", NULL,
                                     NULL, NULL, NULL, NULL, "复查不合格", &x, &fl),
                     WM_OK);
    f->db->ops->rollback(f->db);
    t = wm_title_get_scoped(f->db, ACT(f->office), t1, &fl);
    assert_string_equal(json_string_value(json_object_get(t, "state")), "kept");
    json_decref(t);
    assert_int_equal(wm_title_decide(f->db, ACT(f->office), f->unit_district, 1, "revoke", NULL,
                                     NULL, NULL, NULL, NULL, "复查不合格", &x, &fl),
                     WM_OK);
    t = wm_title_get_scoped(f->db, ACT(f->office), t1, &fl);
    assert_string_equal(json_string_value(json_object_get(t, "state")), "revoked");
    assert_string_equal(json_string_value(json_object_get(t, "reason")), "复查不合格");
    json_decref(t);
    /* nothing left to keep or revoke */
    assert_int_equal(wm_title_decide(f->db, ACT(f->office), f->unit_district, 1, "撤销", NULL,
                                     NULL, NULL, NULL, NULL, "再次", &x, &fl),
                     WM_E_NOT_FOUND);
    /* each decision is in the audit log with the round and the reason */
    struct wm_page pg = {.limit = 10};
    struct wm_audit_filter af = {.action = "title.decide"};
    json_t *log = wm_audit_list(f->db, ACT(f->admin), &pg, &af, &fl);
    assert_int_equal(json_array_size(log), 3);
    const char *sum = json_string_value(json_object_get(json_array_get(log, 0), "summary"));
    assert_non_null(strstr(sum, "复查不合格"));
    assert_non_null(strstr(sum, "\"round_id\":1"));
    json_decref(log);
}

static void
test_titles_due(void **state)
{
    struct fx *f = *state;
    struct wm_fail fl = {0};
    int64_t id = 0;
    /* 青山镇 (东城区): a 市级 title ending 2024-03-04; 市司法局 (the city's): one ending 2026 */
    struct wm_title_in a = {.unit_id = f->unit_district, .title = "第十四届市级文明单位",
                            .level = "市级", .awarded_on = "2021-03-05",
                            .valid_until = "2024-03-04"};
    assert_int_equal(wm_title_add(f->db, ACT(f->office), &a, &id, &fl), WM_OK);
    struct wm_title_in b = {.unit_id = f->unit_city, .title = "第十四届市级文明单位",
                            .level = "市级", .awarded_on = "2023-03-05",
                            .valid_until = "2026-03-04"};
    assert_int_equal(wm_title_add(f->db, ACT(f->office), &b, &id, &fl), WM_OK);
    /* a round of 2024 rechecks titles ending within its year: 青山镇 (now expired) only */
    json_t *d = wm_titles_due(f->db, "/", "市级", "2023-01-01", "2024-12-31", &fl);
    assert_non_null(d);
    assert_int_equal(json_array_size(d), 1);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(d, 0), "unit_id")),
                     f->unit_district);
    json_decref(d);
    /* a round of 2026 within 东城区: nothing (the city's unit is outside it) */
    char *dpath = NULL;
    {
        json_t *o = f->db->ops->org_get(f->db, f->district);
        dpath = wm_strdup(json_string_value(json_object_get(o, "path")));
        json_decref(o);
    }
    d = wm_titles_due(f->db, dpath, "市级", "2025-01-01", "2026-12-31", &fl);
    assert_int_equal(json_array_size(d), 0);
    json_decref(d);
    d = wm_titles_due(f->db, "/", NULL, "2025-01-01", "2026-12-31", &fl);
    assert_int_equal(json_array_size(d), 1);
    json_decref(d);
    free(dpath);
    assert_null(wm_titles_due(f->db, "/", NULL, NULL, "2026/12/31", &fl));
    assert_int_equal(fl.err, WM_E_BAD_REQUEST);
}

/* Visit times (groups.c): China Standard Time text and back, invalid times refused. */
static void
test_cst_times(void **state)
{
    (void)state;
    /* 2026-05-08 09:30 +08:00 = 2026-05-08 01:30 UTC */
    assert_int_equal(wm_cst_parse("2026-05-08 09:30"), 1778203800);
    assert_int_equal(wm_cst_parse("2026-05-08T09:30"), 1778203800);
    assert_int_equal(wm_cst_parse("2026-05-08T09:30:00"), 1778203800);
    char t[32];
    wm_cst_format(t, 1778203800);
    assert_string_equal(t, "2026-05-08 09:30");
    wm_cst_format(t, 1778203800 - 10 * 3600); /* the day before in China */
    assert_string_equal(t, "2026-05-07 23:30");
    static const char *const bad[] = {"",           "tomorrow",         "2026-02-30 09:00",
                                      "2026-05-08", "2026-05-08 24:00", "2026-05-08 09:60",
                                      "2026-13-01 09:00", "2026-05-08 09:30x", "1999-05-08 09:30"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(wm_cst_parse(bad[i]), 0);
    }
    assert_int_equal(wm_cst_parse(NULL), 0);
}

/* issue 12, wmeet: a creation-work record's file filed into the archive (wm_work_file): the
** record's right stands for the leaf's department (a member of 办公室 files into 人教科's
** 1.2, which an upload of theirs may not), a new version of the same document, its source,
** and 409 saying what to set when the year has no archive or the code is no leaf. */
static void
test_work_file(void **state)
{
    struct fx *f = *state;
    struct wm_fail fl = {0};
    json_t *rep = NULL;
    int64_t ed = 0, aid = 0, doc = 0, d2 = 0;
    struct wm_fw_in in = {.data = fw_json, .len = strlen(fw_json), .office_id = f->city};
    assert_int_equal(wm_framework_import(f->db, ACT(f->office), &in, &ed, &rep, NULL, &fl), WM_OK);
    json_decref(rep);
    assert_int_equal(wm_edition_publish(f->db, ACT(f->office), ed, &fl), WM_OK);
    assert_int_equal(wm_archive_create(f->db, ACT(f->unitadmin), f->unit_city, 2025, ed, &aid, &fl),
                     WM_OK);
    json_t *ar = wm_archive_open(f->db, ACT(f->unitadmin), f->unit_city, 2025, &fl);
    const char *sha1 = "1111111111111111111111111111111111111111111111111111111111111111";
    const char *sha2 = "2222222222222222222222222222222222222222222222222222222222222222";
    struct wm_doc_meta m = {.title = "检查照片", .date_formed = "2025-03-02"};
    struct wm_upload up = {.sha = sha1, .size = 10, .mime = "image/png", .kind = "photo",
                           .ext = "png", .filename = "a.png"};
    add_doc(f, f->member, ar, "1.2", "乙", sha1, WM_E_FORBIDDEN);
    assert_int_equal(wm_work_file(f->db, ACT(f->member), f->unit_city, 2025, "1.2", &m, &up,
                                  "inspection", 7, "photo", &doc, &fl),
                     WM_OK);
    assert_true(doc > 0);
    json_t *d = f->db->ops->doc_get(f->db, doc);
    assert_string_equal(json_string_value(json_object_get(d, "indicator_code")), "1.2");
    assert_string_equal(json_string_value(json_object_get(d, "media")), "photo");
    json_decref(d);
    /* again with *document_id: a new version of it; the same bytes: left as it is */
    up.sha = sha2;
    d2 = doc;
    assert_int_equal(wm_work_file(f->db, ACT(f->member), f->unit_city, 2025, "1.2", &m, &up,
                                  "inspection", 7, "photo", &d2, &fl),
                     WM_OK);
    assert_int_equal(d2, doc);
    assert_int_equal(wm_work_file(f->db, ACT(f->member), f->unit_city, 2025, "1.2", &m, &up,
                                  "inspection", 7, "photo", &d2, &fl),
                     WM_OK);
    json_t *vs = f->db->ops->version_list(f->db, doc);
    assert_int_equal(json_array_size(vs), 2);
    json_decref(vs);
    json_t *links = wm_work_links(f->db, "inspection", 7);
    assert_int_equal(json_array_size(links), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(links, 0), "name")),
                        "01:检查照片");
    json_decref(links);
    json_t *src = wm_work_source(f->db, doc);
    assert_string_equal(json_string_value(json_object_get(src, "kind")), "inspection");
    assert_string_equal(json_string_value(json_object_get(src, "role")), "photo");
    assert_non_null(strstr(json_string_value(json_object_get(src, "href")), "/work/inspections"));
    json_decref(src);
    assert_null(wm_work_source(f->db, 999999));
    /* what cannot be filed says what to set; another unit's account, the office may not */
    d2 = 0;
    assert_int_equal(wm_work_file(f->db, ACT(f->member), f->unit_city, 2024, "1.2", &m, &up,
                                  "inspection", 7, "photo", &d2, &fl),
                     WM_E_CONFLICT);
    assert_non_null(strstr(fl.msg, "2024 年度档案尚未建立"));
    assert_int_equal(wm_work_file(f->db, ACT(f->member), f->unit_city, 2025, "9.9", &m, &up,
                                  "inspection", 7, "photo", &d2, &fl),
                     WM_E_CONFLICT);
    assert_string_equal(fl.field, "leaf_code");
    assert_int_equal(wm_work_file(f->db, ACT(f->member), f->unit_city, 2025, NULL, &m, &up,
                                  "inspection", 7, "photo", &d2, &fl),
                     WM_E_CONFLICT);
    assert_int_equal(wm_work_file(f->db, ACT(f->office), f->unit_city, 2025, "1.2", &m, &up,
                                  "inspection", 7, "photo", &d2, &fl),
                     WM_E_FORBIDDEN);
    assert_int_equal(wm_work_file(f->db, ACT(f->unitadmin), f->unit_district, 2025, "1.2", &m,
                                  &up, "inspection", 7, "photo", &d2, &fl),
                     WM_E_FORBIDDEN);
    json_decref(ar);
}

int
main(void)
{
    if (sodium_init() < 0) {
        return 1;
    }
    wm_log_set_level(WM_LOG_ERROR);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_validation), cmocka_unit_test(test_password_policy),
        cmocka_unit_test(test_audit_action_names),
        cmocka_unit_test_setup_teardown(test_scopes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rounds, setup, teardown),
        cmocka_unit_test(test_cst_times),
        cmocka_unit_test_setup_teardown(test_read_store_error, setup, teardown),
        cmocka_unit_test_setup_teardown(test_write_conflict_race, setup, teardown),
        cmocka_unit_test_setup_teardown(test_write_retry, setup, teardown),
        cmocka_unit_test_setup_teardown(test_audit_failure_fails_change, setup, teardown),
        cmocka_unit_test_setup_teardown(test_org_tree, setup, teardown),
        cmocka_unit_test_setup_teardown(test_units, setup, teardown),
        cmocka_unit_test_setup_teardown(test_users, setup, teardown),
        cmocka_unit_test_setup_teardown(test_login_lockout, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tokens, setup, teardown),
        cmocka_unit_test_setup_teardown(test_import, setup, teardown),
        cmocka_unit_test_setup_teardown(test_audit_chain, setup, teardown),
        cmocka_unit_test_setup_teardown(test_import_real_headers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_frameworks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_list_cache, setup, teardown),
        cmocka_unit_test_setup_teardown(test_archive_documents, setup, teardown),
        cmocka_unit_test_setup_teardown(test_work_file, setup, teardown), /* issue 12, wmeet */
        cmocka_unit_test_setup_teardown(test_title_decide, setup, teardown),
        cmocka_unit_test_setup_teardown(test_titles_due, setup, teardown),
        cmocka_unit_test_setup_teardown(test_work_start_day, setup, teardown), /* issue 12 */
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* end of test_core.c */
