/*
** init.c — creating a data directory, and the demo jurisdiction.
*/
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "tx.h"
#include "wm_core.h"

int
wm_init_data_dir(const char *dir, const char *store, const char *admin, const char *password,
                 char **generated, char *err, size_t errlen)
{
    *generated = NULL;
    bool embedded = wm_db_store_is_sqlite(store);
    char *dbpath = wm_asprintf("%s/wenming.db", dir);
    char *blobs = wm_asprintf("%s/blobs", dir);
    char *confp = wm_asprintf("%s/wenming.conf", dir);
    struct wm_db *db = NULL;
    int rc = -1, r;
    if (embedded && 0 == access(dbpath, F_OK)) {
        snprintf(err, errlen, "%s already exists: this data directory is initialised", dbpath);
        goto cleanup;
    }
    char pwmsg[160];
    if (password && WM_PW_OK != wm_password_check(password, pwmsg, sizeof pwmsg)) {
        snprintf(err, errlen, "the admin password breaks the password policy: %s", pwmsg);
        goto cleanup;
    }
    if (!wm_valid_username(admin)) {
        snprintf(err, errlen, "bad admin name '%s': use 2-64 letters, digits or . _ - @", admin);
        goto cleanup;
    }
    if (0 != (r = wm_mkdirs(dir, 0750)) || 0 != (r = wm_mkdirs(blobs, 0750))) {
        snprintf(err, errlen, "cannot create %s: %s", dir, strerror(-r));
        goto cleanup;
    }
    db = wm_db_open(store, dir, true, err, errlen);
    if (NULL == db) {
        goto cleanup;
    }
    if (!embedded && 0 != db->ops->schema_version(db)) {
        snprintf(err, errlen, "the PostgreSQL database is not empty (schema version %d): "
                              "initialise into an empty database",
                 db->ops->schema_version(db));
        goto cleanup;
    }
    if (0 != access(confp, F_OK)) {
        char *tmpl = wm_conf_template();
        const char *line = strstr(tmpl, "\nstore = sqlite\n");
        if (!embedded && line) { /* the template's default store line names this one */
            char *t = wm_asprintf("%.*s\nstore = %s\n%s", (int)(line - tmpl), tmpl, store,
                                  line + strlen("\nstore = sqlite\n"));
            free(tmpl);
            tmpl = t;
        }
        r = wm_write_atomic(confp, tmpl, strlen(tmpl), 0640);
        free(tmpl);
        if (r) {
            snprintf(err, errlen, "cannot write %s: %s", confp, strerror(-r));
            goto cleanup;
        }
    }
    int from, to;
    if (WM_QS_ONE != db->ops->migrate(db, &from, &to)) {
        snprintf(err, errlen, "cannot create the schema in %s",
                 embedded ? dbpath : "the PostgreSQL database");
        goto cleanup;
    }
    struct wm_actor cli = {.p = NULL, .request_id = "init", .addr = "cli"};
    struct wm_fail f = {0};
    int64_t root, uid;
    if (WM_OK != wm_org_create(db, &cli, 0, "平台", &root, &f)) {
        snprintf(err, errlen, "cannot create the root org: %s", f.msg);
        goto cleanup;
    }
    struct wm_user_in in = {.username = admin, .display_name = "系统管理员",
                            .password = password, .role = "admin", .org_id = root};
    if (WM_OK != wm_user_create(db, &cli, &in, &uid, generated, &f)) {
        snprintf(err, errlen, "cannot create the admin account: %s", f.msg);
        goto cleanup;
    }
    rc = 0;
cleanup:
    if (db) {
        db->ops->close(db);
    }
    free(dbpath);
    free(blobs);
    free(confp);
    return rc;
}

/* ---------------------------------------------------------------- demo data */

struct wm_embedded {
    const char *name;
    const unsigned char *data;
    size_t len;
};
extern const struct wm_embedded wm_demo_frameworks[];

static const char *const demo_districts[] = {"东城区文明办", "西湖区文明办", "高新区文明办"};

static const struct {
    const char *name;
    const char *type;
} demo_units[] = {
    {"市司法局", "机关"},        {"市教育局", "机关"},          {"市税务局", "机关"},
    {"市供电公司", "企业"},      {"市自来水公司", "企业"},      {"城投集团", "企业"},
    {"市人民医院", "事业单位"},  {"市图书馆", "事业单位"},      {"市疾控中心", "事业单位"},
    {"第一中学", "学校"},        {"实验小学", "学校"},          {"职业技术学院", "学校"},
    {"青山镇", "乡镇"},          {"柳河镇", "乡镇"},            {"石桥乡", "乡镇"},
    {"朝阳街道", "街道"},        {"西湖街道", "街道"},          {"科技园街道", "街道"},
    {"青山村", "村"},            {"柳河村", "村"},              {"石桥村", "村"},
    {"和平社区", "社区"},        {"幸福里社区", "社区"},        {"创新社区", "社区"},
    {"政务服务中心", "窗口单位"}, {"火车站", "窗口单位"},        {"公交总公司", "窗口单位"},
    {"市博物馆", "事业单位"},    {"区卫健局", "机关"},          {"湖滨公园管理处", "事业单位"},
};

static const char *const demo_depts[] = {"办公室", "人教科", "监察室", "工会", "团委", "妇委会"};

/* The one password of every demo account: printed by `serve --demo`, never for real use. */
#define DEMO_PASSWORD "Demo-2026"

static int
demo_user(struct wm_db *db, const struct wm_actor *cli, const char *username, const char *name,
          const char *role, int64_t org, int64_t dept, json_t *accounts, char *err, size_t errlen)
{
    struct wm_user_in in = {.username = username, .display_name = name,
                            .password = DEMO_PASSWORD, .role = role, .org_id = org,
                            .dept_id = dept};
    struct wm_fail f = {0};
    int64_t id;
    char *gen = NULL;
    if (WM_OK != wm_user_create(db, cli, &in, &id, &gen, &f)) {
        snprintf(err, errlen, "demo account %s: %s", username, f.msg);
        return -1;
    }
    free(gen);
    json_array_append_new(accounts, json_pack("{s:s, s:s, s:s}", "username", username, "role",
                                              role, "password", DEMO_PASSWORD));
    return 0;
}

/*
** The demo's evaluation round (issue 10): the city's round on the 100-point standard, open
** for declarations, with 市教育局 declared and 青山镇 recommended by 东城区 (so that the
** round's pages show something); 市司法局 (the demo unitadmin's unit) has not declared yet.
** Written in one transaction with its audit entry, without notifications.
*/
static int
demo_round(struct wm_db *db, const struct wm_actor *cli, int64_t city, int64_t edition,
           int64_t declared_unit, int64_t recommended_unit, char *err, size_t errlen)
{
    json_t *office = db->ops->org_get(db, city);
    if (NULL == office) {
        snprintf(err, errlen, "demo round: the city office is missing");
        return -1;
    }
    int64_t year = wm_archive_current_year(), now = wm_now(), id = 0, e1 = 0, e2 = 0;
    char start[16], end[16];
    snprintf(start, sizeof start, "%04lld-03-01", (long long)year);
    snprintf(end, sizeof end, "%04lld-12-31", (long long)year);
    struct wm_round_in in = {.name = "第十五届市文明单位测评（演示）",
                             .level = "市级",
                             .office_id = city,
                             .scope_path = json_string_value(json_object_get(office, "path")),
                             .edition_id = edition,
                             .window_start = start,
                             .window_end = end,
                             .years_from = year - 2,
                             .years_to = year,
                             .unit_types = "[]",
                             .pass_threshold = 8500,
                             .reconcile = "mean"};
    struct wm_entry_upd c1 = {.contact_name = "市教育局 孙老师", .contact_phone = "0571-88000001",
                              .district_rank = -1};
    struct wm_entry_upd c2 = {.contact_name = "青山镇 党政办 钱", .contact_phone = "0571-88000002",
                              .district_rank = 1, .district_note = "创建氛围浓厚，材料齐全"};
    bool ok = WM_QS_ONE == db->ops->begin(db, true) &&
              WM_QS_ONE == db->ops->round_insert(db, &in, now, &id) &&
              WM_QS_ONE == db->ops->round_set_state(db, id, "draft", "open", now) &&
              WM_QS_ONE == db->ops->entry_insert(db, id, declared_unit, "declare", "declared", now,
                                                 &e1) &&
              WM_QS_ONE == db->ops->entry_update(db, e1, &c1, now) &&
              WM_QS_ONE == db->ops->entry_insert(db, id, recommended_unit, "declare",
                                                 "recommended", now, &e2) &&
              WM_QS_ONE == db->ops->entry_update(db, e2, &c2, now);
    json_t *after = ok ? json_pack("{s:s, s:s, s:I}", "name", in.name, "state", "open",
                                   "entries", (json_int_t)2)
                       : NULL;
    ok = ok && WM_OK == wm_audit(db, cli, "round.create", "round", id, in.scope_path, NULL, after);
    json_decref(after);
    ok = ok && WM_QS_ONE == db->ops->commit(db);
    if (!ok) {
        db->ops->rollback(db);
        snprintf(err, errlen, "demo round: the store refused it");
    }
    json_decref(office);
    return ok ? 0 : -1;
}

int
wm_demo_seed(struct wm_db *db, json_t **accounts, char *err, size_t errlen)
{
    struct wm_actor cli = {.p = NULL, .request_id = "demo", .addr = "cli"};
    struct wm_fail f = {0};
    int64_t city, district[3], first_unit = 0, second_unit = 0, town_unit = 0, round_ed = 0;
    json_t *root = db->ops->org_find_name(db, 0, "平台");
    *accounts = json_array();
    if (NULL == root) {
        snprintf(err, errlen, "the data directory has no root org");
        return -1;
    }
    int64_t root_id = jsi(root, "id");
    json_decref(root);
    if (WM_OK != wm_org_create(db, &cli, root_id, "某市文明办", &city, &f)) {
        snprintf(err, errlen, "demo city office: %s", f.msg);
        return -1;
    }
    for (int i = 0; i < 3; i++) {
        if (WM_OK != wm_org_create(db, &cli, city, demo_districts[i], &district[i], &f)) {
            snprintf(err, errlen, "demo district office: %s", f.msg);
            return -1;
        }
    }
    for (size_t i = 0; i < WM_ARRAY_LEN(demo_units); i++) {
        char code[32];
        snprintf(code, sizeof code, "DEMO%03zu", i + 1);
        json_t *depts = json_array();
        for (size_t d = 0; d < 3 + i % 4; d++) {
            json_array_append_new(depts, json_string(demo_depts[d]));
        }
        struct wm_unit_in in = {.parent_id = i < 12 ? city : district[i % 3],
                                .name = demo_units[i].name, .code = code,
                                .type = demo_units[i].type, .depts = depts};
        int64_t id;
        enum wm_err e = wm_unit_create(db, &cli, &in, &id, &f);
        json_decref(depts);
        if (WM_OK != e) {
            snprintf(err, errlen, "demo unit %s: %s", demo_units[i].name, f.msg);
            return -1;
        }
        if (0 == i) {
            first_unit = id;
        } else if (1 == i) {
            second_unit = id;
        } else if (12 == i) {
            town_unit = id; /* 青山镇, 东城区 */
        }
    }
    /* The standards: the seed's archive scope and a synthetic 100-point city standard,
    ** both published by the city office. */
    for (const struct wm_embedded *e = wm_demo_frameworks; e->name; e++) {
        struct wm_fw_in fin = {.data = e->data, .len = e->len, .office_id = city};
        json_t *rep = NULL;
        int64_t ed;
        enum wm_err fe = wm_framework_import(db, &cli, &fin, &ed, &rep, NULL, &f);
        json_decref(rep);
        if (WM_OK != fe || WM_OK != wm_edition_publish(db, &cli, ed, &f)) {
            snprintf(err, errlen, "demo framework %s: %s", e->name, f.msg);
            return -1;
        }
        if (strstr(e->name, "synthetic")) {
            round_ed = ed; /* the demo round's standard */
        }
    }
    json_t *depts = db->ops->dept_list(db, first_unit);
    int64_t office_dept = jsi(json_array_get(depts, 0), "id");
    json_decref(depts);
    if (demo_user(db, &cli, "office", "市文明办 王主任", "office", city, 0, *accounts, err, errlen) ||
        demo_user(db, &cli, "district", "东城区文明办 李科长", "office", district[0], 0, *accounts,
                  err, errlen) ||
        demo_user(db, &cli, "evaluator", "测评组 赵老师", "evaluator", city, 0, *accounts, err,
                  errlen) ||
        demo_user(db, &cli, "unitadmin", "市司法局 创建办 陈", "unit_admin", first_unit, 0,
                  *accounts, err, errlen) ||
        demo_user(db, &cli, "member", "市司法局 办公室 刘", "unit_member", first_unit, office_dept,
                  *accounts, err, errlen) ||
        demo_user(db, &cli, "leader", "市司法局 局长 周", "unit_viewer", first_unit, 0, *accounts,
                  err, errlen)) {
        return -1;
    }
    /* This year's archives of the first two units, created as a unit does it (explicitly:
    ** opening a year never creates one). */
    int64_t year = wm_archive_current_year(), aid;
    if (WM_OK != wm_archive_create(db, &cli, first_unit, year, 0, &aid, &f) ||
        WM_OK != wm_archive_create(db, &cli, second_unit, year, 0, &aid, &f)) {
        snprintf(err, errlen, "demo archive: %s", f.msg);
        return -1;
    }
    return demo_round(db, &cli, city, round_ed, second_unit, town_unit, err, errlen);
}

/* end of init.c */
