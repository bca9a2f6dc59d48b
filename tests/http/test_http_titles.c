/*
** test_http_titles.c — the title register (文明称号, issue 10) over real HTTP against
** `wenming serve --demo`: imports (a good CSV and XLSX with every date form, a file with
** two bad rows that imports nothing, on the API and the page), scope (a district office does
** not see the city's units' titles: 404), state changes with a reason (audited), expiry by
** `wenming title expire` and the daily job, and the export.
**
** The demo jurisdiction: the city office (account office) holds 市司法局 (DEMO001, accounts
** unitadmin, member, leader) directly; the account district belongs to 东城区文明办, which
** holds 青山镇 (DEMO013) but not 市司法局.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

/* cmocka.h needs these before it (clang-format would sort them after it). */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
/* clang-format on */

#include <xlsxwriter.h>

#include "harness.h"

static struct th_server srv;
static struct th_cred admin, office, district, evaluator, unitadmin, member;
static int64_t unit1;    /* DEMO001 市司法局, under the city office */
static int64_t qingshan; /* DEMO013 青山镇, 东城区 */

static struct th_resp *
api(const char *method, const char *path, const struct th_cred *c, const char *body)
{
    return th_api(&srv, method, path, c, th_auth(c), body);
}

/* A whole file into memory (caller frees); NULL on failure. */
static char *
slurp(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    if (NULL == fp) {
        return NULL;
    }
    struct bytes b = {0};
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, fp)) > 0) {
        bytes_add(&b, buf, n);
    }
    fclose(fp);
    *len = b.n;
    return b.p;
}

static long
status_of(const char *method, const char *path, const struct th_cred *c, const char *body)
{
    struct th_resp *r = api(method, path, c, body);
    long st = r->status;
    th_resp_free(r);
    return st;
}

/* POST /api/v1/titles/import with file (as c): the answer. */
static struct th_resp *
import(const struct th_cred *c, const char *name, const void *data, size_t len)
{
    struct th_file f = {.name = name, .data = data, .len = len};
    return th_upload(&srv, "/api/v1/titles/import", c, 0, &f, 1, NULL);
}

/* How many titles c sees with the query (?…, may be ""). */
static size_t
count(const struct th_cred *c, const char *query)
{
    char path[512];
    snprintf(path, sizeof path, "/api/v1/titles?limit=200%s%s", *query ? "&" : "", query);
    struct th_resp *r = api("GET", path, c, NULL);
    th_assert_status(r, 200);
    size_t n = json_array_size(json_object_get(r->json, "items"));
    th_resp_free(r);
    return n;
}

/* The one title c sees with ?q=text (asserts exactly one); caller decrefs. */
static json_t *
one(const struct th_cred *c, const char *q)
{
    struct bytes p = {0};
    bytes_add(&p, "/api/v1/titles?q=", 17);
    for (const unsigned char *s = (const unsigned char *)q; *s; s++) {
        char h[4];
        snprintf(h, sizeof h, "%%%02X", *s);
        bytes_add(&p, h, 3);
    }
    struct th_resp *r = api("GET", p.p, c, NULL);
    free(p.p);
    th_assert_status(r, 200);
    json_t *items = json_object_get(r->json, "items");
    if (1 != json_array_size(items)) {
        fprintf(stderr, "q=%s: %s\n", q, r->body);
    }
    assert_int_equal(json_array_size(items), 1);
    json_t *t = json_incref(json_array_get(items, 0));
    th_resp_free(r);
    return t;
}

static int64_t
title_make(const struct th_cred *c, int64_t unit, const char *title, const char *until)
{
    char body[512];
    snprintf(body, sizeof body,
             "{\"unit_id\": %lld, \"title\": \"%s\", \"level\": \"市级\", "
             "\"award_doc\": \"某文明委〔2021〕3号\", \"awarded_on\": \"2021-03-05\", "
             "\"valid_until\": \"%s\"}",
             (long long)unit, title, until);
    struct th_resp *r = api("POST", "/api/v1/titles", c, body);
    th_assert_status(r, 201);
    int64_t id = th_jint(r->json, "id");
    th_resp_free(r);
    return id;
}

/* ---------------------------------------------------------------- imports */

static void
test_import_csv(void **state)
{
    (void)state;
    /* a title line above the header, dates as clerks write them, a unit by name, a state */
    static const char csv[] =
        "2020年文明称号名册,,,,,,\n"
        "单位代码,单位名称,称号,级别,授予文件,授予日期,有效期至,状态,备注\n"
        "DEMO001,,导入甲称号,市级,某文明委〔2018〕3号,2018-03-05,2099-03-04,,首批\n"
        "DEMO002,,导入乙称号,区级,,2021/3/5,2099年3月4日,保留,\n"
        ",青山镇,导入丙称号,市级,,2021年3月5日,,撤销,\n"
        "DEMO001,,导入丁称号,市级,,20190105,2020.1.4,,\n";
    struct th_resp *r = import(&office, "titles.csv", csv, sizeof csv - 1);
    th_assert_status(r, 200);
    assert_int_equal(th_jint(r->json, "imported"), 4);
    assert_int_equal(json_array_size(json_object_get(r->json, "errors")), 0);
    assert_true(json_is_true(json_object_get(r->json, "committed")));
    th_resp_free(r);
    json_t *t = one(&office, "导入甲称号");
    assert_string_equal(th_jstr(t, "unit_code"), "DEMO001");
    assert_string_equal(th_jstr(t, "award_doc"), "某文明委〔2018〕3号");
    assert_string_equal(th_jstr(t, "awarded_on"), "2018-03-05");
    assert_string_equal(th_jstr(t, "valid_until"), "2099-03-04");
    assert_string_equal(th_jstr(t, "state"), "kept");
    assert_string_equal(th_jstr(t, "state_label"), "保留");
    assert_string_equal(th_jstr(t, "note"), "首批");
    assert_non_null(strchr(th_jstr(t, "created_at"), 'T')); /* RFC 3339 */
    json_decref(t);
    t = one(&office, "导入乙称号");
    assert_string_equal(th_jstr(t, "awarded_on"), "2021-03-05");
    assert_string_equal(th_jstr(t, "valid_until"), "2099-03-04");
    json_decref(t);
    t = one(&office, "导入丙称号");
    assert_int_equal(th_jint(t, "unit_id"), qingshan);
    assert_string_equal(th_jstr(t, "awarded_on"), "2021-03-05");
    assert_string_equal(th_jstr(t, "state"), "revoked");
    json_decref(t);
    /* valid until a day long past: stored expired */
    t = one(&office, "导入丁称号");
    assert_string_equal(th_jstr(t, "awarded_on"), "2019-01-05");
    assert_string_equal(th_jstr(t, "valid_until"), "2020-01-04");
    assert_string_equal(th_jstr(t, "state"), "expired");
    json_decref(t);
    /* the same file again: every row is a duplicate now, nothing more imported */
    r = import(&office, "titles.csv", csv, sizeof csv - 1);
    th_assert_status(r, 400);
    assert_int_equal(json_array_size(json_object_get(r->json, "errors")), 4);
    th_resp_free(r);
}

/* An XLSX register as Excel writes it: real date cells (serial numbers) beside text dates. */
static void
test_import_xlsx(void **state)
{
    (void)state;
    char path[] = "/tmp/wm-titles-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    lxw_workbook *wb = workbook_new(path);
    lxw_worksheet *ws = workbook_add_worksheet(wb, "称号");
    lxw_format *df = workbook_add_format(wb);
    format_set_num_format(df, "yyyy/m/d");
    const char *head[] = {"单位代码", "称号", "级别", "授予日期", "有效期至"};
    for (int k = 0; k < 5; k++) {
        worksheet_write_string(ws, 0, (lxw_col_t)k, head[k], NULL);
    }
    lxw_datetime aw = {.year = 2021, .month = 3, .day = 5};
    lxw_datetime until = {.year = 2099, .month = 12, .day = 31};
    worksheet_write_string(ws, 1, 0, "DEMO003", NULL);
    worksheet_write_string(ws, 1, 1, "表格甲称号", NULL);
    worksheet_write_string(ws, 1, 2, "市级", NULL);
    worksheet_write_datetime(ws, 1, 3, &aw, df);
    worksheet_write_datetime(ws, 1, 4, &until, df);
    worksheet_write_string(ws, 2, 0, "DEMO004", NULL);
    worksheet_write_string(ws, 2, 1, "表格乙称号", NULL);
    worksheet_write_string(ws, 2, 2, "区级", NULL);
    worksheet_write_string(ws, 2, 3, "2021/3/5", NULL);
    worksheet_write_number(ws, 2, 4, 73050, df); /* 2099-12-31 as a plain number cell */
    assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
    size_t len = 0;
    char *data = slurp(path, &len);
    unlink(path);
    assert_non_null(data);
    struct th_resp *r = import(&admin, "称号.xlsx", data, len);
    free(data);
    th_assert_status(r, 200);
    assert_int_equal(th_jint(r->json, "imported"), 2);
    th_resp_free(r);
    json_t *t = one(&admin, "表格甲称号");
    assert_string_equal(th_jstr(t, "awarded_on"), "2021-03-05");
    assert_string_equal(th_jstr(t, "valid_until"), "2099-12-31");
    json_decref(t);
    t = one(&admin, "表格乙称号");
    assert_string_equal(th_jstr(t, "awarded_on"), "2021-03-05");
    assert_string_equal(th_jstr(t, "valid_until"), "2099-12-31");
    json_decref(t);
}

/* Write a workbook of a cover sheet and the given sheets (name, then rows of 5 cells, NULL
** after the last row); its bytes (caller frees). */
static char *
workbook(const char *const *names, const char *const (*const *rows)[5], size_t n, size_t *len)
{
    char path[sizeof srv.dir + 32];
    snprintf(path, sizeof path, "%s/sheets.xlsx", srv.dir); /* the test server's own directory */
    lxw_workbook *wb = workbook_new(path);
    worksheet_write_string(workbook_add_worksheet(wb, "说明"), 0, 0, "每区一页", NULL);
    for (size_t k = 0; k < n; k++) {
        lxw_worksheet *ws = workbook_add_worksheet(wb, names[k]);
        for (lxw_row_t i = 0; rows[k][i][0]; i++) {
            for (lxw_col_t c = 0; c < 5; c++) {
                worksheet_write_string(ws, i, c, rows[k][i][c], NULL);
            }
        }
    }
    assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
    char *data = slurp(path, len);
    unlink(path);
    assert_non_null(data);
    return data;
}

/* A list kept one sheet per district beside a summary sheet: every sheet read by its own
** header (its own column order), the summary's titles not twice, an error named with its
** sheet. */
static void
test_import_sheets(void **state)
{
    (void)state;
    static const char *const sum[][5] = {{"单位代码", "称号", "级别", "授予日期", "有效期至"},
                                         {"DEMO007", "分表甲称号", "市级", "2021-03-05", ""},
                                         {NULL}};
    static const char *const east[][5] = {{"2021年文明单位（东城区）", "", "", "", ""},
                                          {"单位代码", "称号", "级别", "授予日期", "有效期至"},
                                          {"DEMO007", "分表甲称号", "市级", "2021-03-05", ""},
                                          {"DEMO008", "分表乙称号", "区级", "2021-03-05", ""},
                                          {NULL}};
    static const char *const west_bad[][5] = {{"称号", "单位代码", "授予日期", "级别", "备注"},
                                              {"分表丙称号", "DEMO009", "2021-02-30", "区级", ""},
                                              {NULL}};
    static const char *const west[][5] = {{"称号", "单位代码", "授予日期", "级别", "备注"},
                                          {"分表丙称号", "DEMO009", "2021-03-05", "区级", ""},
                                          {NULL}};
    const char *const names[] = {"汇总", "东城区", "西湖区"};
    const char *const (*bad[])[5] = {sum, east, west_bad};
    const char *const (*good[])[5] = {sum, east, west};
    size_t len = 0;
    char *data = workbook(names, bad, 3, &len);
    struct th_resp *r = import(&office, "分区.xlsx", data, len);
    free(data);
    th_assert_status(r, 400);
    json_t *errors = json_object_get(r->json, "errors");
    assert_int_equal(json_array_size(errors), 1);
    json_t *e0 = json_array_get(errors, 0);
    assert_int_equal(th_jint(e0, "sheet"), 4);
    assert_int_equal(th_jint(e0, "row"), 2);
    assert_non_null(strstr(th_jstr(e0, "message"), "工作表 4 第 2 行“授予日期”列"));
    th_resp_free(r);
    data = workbook(names, good, 3, &len);
    const char *const dry[] = {"dry_run", "1", NULL};
    struct th_file f = {.name = "分区.xlsx", .data = data, .len = len};
    r = th_upload(&srv, "/api/v1/titles/import", &office, 0, &f, 1, dry);
    th_assert_status(r, 200);
    assert_int_equal(th_jint(r->json, "rows"), 4);
    assert_int_equal(th_jint(r->json, "repeated"), 1);
    assert_int_equal(json_array_size(json_object_get(r->json, "errors")), 0);
    th_resp_free(r);
    /* the page imports it and says the summary's title was read once */
    r = th_upload(&srv, "/titles/import", &office, TH_COOKIE, &f, 1, NULL);
    th_assert_status(r, 303);
    char flash[1024], attrs[256];
    assert_true(th_set_cookie(r, "wm_flash", flash, sizeof flash, attrs, sizeof attrs));
    assert_non_null(strstr(flash, "%E5%8F%A6%E6%9C%89")); /* 另有 */
    th_resp_free(r);
    free(data);
    json_t *t = one(&admin, "分表丙称号");
    assert_string_equal(th_jstr(t, "level"), "区级");
    json_decref(t);
}

static void
test_import_bad_rows(void **state)
{
    (void)state;
    /* lines 3 and 5 are wrong (a day that does not exist; a unit that does not exist) */
    static const char csv[] = "单位代码,称号,级别,授予日期,有效期至\n"
                              "DEMO005,坏文件甲,市级,2021-03-05,2099-03-04\n"
                              "DEMO005,坏文件乙,市级,2021-02-30,2099-03-04\n"
                              "DEMO006,坏文件丙,市级,2021-03-05,\n"
                              "NOPE-1,坏文件丁,市级,2021-03-05,2099-03-04\n"
                              "合计：4项,,,,\n"; /* a total row is no title, nor an error */
    size_t before = count(&admin, "");
    struct th_resp *r = import(&office, "bad.csv", csv, sizeof csv - 1);
    th_assert_status(r, 400);
    json_t *errors = json_object_get(r->json, "errors");
    assert_int_equal(json_array_size(errors), 2);
    json_t *e0 = json_array_get(errors, 0), *e1 = json_array_get(errors, 1);
    assert_int_equal(th_jint(e0, "row"), 3);
    assert_string_equal(th_jstr(e0, "column"), "授予日期");
    assert_string_equal(th_jstr(e0, "field"), "awarded_on");
    assert_non_null(strstr(th_jstr(e0, "message"), "第 3 行“授予日期”列"));
    assert_int_equal(th_jint(e1, "row"), 5);
    assert_string_equal(th_jstr(e1, "column"), "单位代码");
    assert_non_null(strstr(th_jstr(e1, "message"), "第 5 行“单位代码”列"));
    assert_int_equal(th_jint(r->json, "imported"), 0);
    assert_false(json_is_true(json_object_get(r->json, "committed")));
    th_resp_free(r);
    /* nothing imported, not even the good rows */
    assert_int_equal(count(&admin, ""), before);
    assert_int_equal(count(&admin, "q=%E5%9D%8F%E6%96%87%E4%BB%B6"), 0); /* 坏文件 */
    /* the page shows the per-row report and keeps the import form open */
    struct th_file f = {.name = "bad.csv", .data = csv, .len = sizeof csv - 1};
    r = th_upload(&srv, "/titles/import", &office, TH_COOKIE, &f, 1, NULL);
    th_assert_status(r, 400);
    assert_non_null(strstr(r->body, "没有导入任何称号"));
    assert_non_null(strstr(r->body, "<td>3</td><td>授予日期</td>"));
    assert_non_null(strstr(r->body, "<td>5</td><td>单位代码</td>"));
    th_resp_free(r);
    assert_int_equal(count(&admin, ""), before);
    /* a district office cannot import a city unit's title: a row error */
    static const char foreign[] = "单位代码,称号,级别,授予日期\nDEMO001,越权称号,市级,2021-03-05\n";
    r = import(&district, "f.csv", foreign, sizeof foreign - 1);
    th_assert_status(r, 400);
    assert_int_equal(th_jint(json_array_get(json_object_get(r->json, "errors"), 0), "row"), 2);
    th_resp_free(r);
    /* a file that is no register at all; a dry run imports nothing */
    static const char junk[] = "a,b\n1,2\n";
    r = import(&office, "junk.csv", junk, sizeof junk - 1);
    th_assert_status(r, 400);
    th_resp_free(r);
    static const char good[] = "单位代码,称号,级别,授予日期\nDEMO005,试导称号,市级,2021-03-05\n";
    struct th_file g = {.name = "g.csv", .data = good, .len = sizeof good - 1};
    const char *const dry[] = {"dry_run", "1", NULL};
    r = th_upload(&srv, "/api/v1/titles/import", &office, 0, &g, 1, dry);
    th_assert_status(r, 200);
    assert_true(json_is_true(json_object_get(r->json, "dry_run")));
    th_resp_free(r);
    assert_int_equal(count(&admin, ""), before);
    /* the page imports a good file and says how many */
    r = th_upload(&srv, "/titles/import", &office, TH_COOKIE, &g, 1, NULL);
    th_assert_status(r, 303);
    th_resp_free(r);
    assert_int_equal(count(&admin, ""), before + 1);
}

/* ---------------------------------------------------------------- scope and state */

static void
test_scope(void **state)
{
    (void)state;
    int64_t city_t = title_make(&office, unit1, "范围甲称号", "2099-12-31");
    int64_t qs_t = title_make(&district, qingshan, "范围乙称号", "2099-12-31");
    char p1[64], p2[64], u1[64];
    snprintf(p1, sizeof p1, "/api/v1/titles/%lld", (long long)city_t);
    snprintf(p2, sizeof p2, "/api/v1/titles/%lld", (long long)qs_t);
    snprintf(u1, sizeof u1, "/api/v1/units/%lld/titles", (long long)unit1);
    /* 东城区 sees its own unit's title, not the city's: 404, never 403 */
    assert_int_equal(status_of("GET", p2, &district, NULL), 200);
    assert_int_equal(status_of("GET", p1, &district, NULL), 404);
    assert_int_equal(status_of("GET", u1, &district, NULL), 404);
    assert_int_equal(status_of("PATCH", p1, &district, "{\"note\":\"x\"}"), 404);
    assert_int_equal(status_of("POST", "/api/v1/titles", &district,
                               "{\"unit_id\": 1, \"title\": \"x\", \"level\": \"市级\", "
                               "\"awarded_on\": \"2021-03-05\"}"),
                     404);
    /* an awarding round that does not exist (or is not the caller's): 400 on round_id */
    char body[256];
    snprintf(body, sizeof body,
             "{\"unit_id\": %lld, \"title\": \"范围丙称号\", \"level\": \"市级\", "
             "\"awarded_on\": \"2021-03-05\", \"round_id\": 999999}",
             (long long)qingshan);
    struct th_resp *rr = api("POST", "/api/v1/titles", &district, body);
    th_assert_status(rr, 400);
    assert_string_equal(th_jstr(json_object_get(rr->json, "error"), "field"), "round_id");
    th_resp_free(rr);
    assert_int_equal(count(&district, "q=%E8%8C%83%E5%9B%B4"), 1); /* 范围 */
    assert_int_equal(count(&office, "q=%E8%8C%83%E5%9B%B4"), 2);
    /* the unit sees its own, read only */
    assert_int_equal(status_of("GET", p1, &member, NULL), 200);
    assert_int_equal(status_of("GET", p2, &member, NULL), 404);
    assert_int_equal(status_of("GET", u1, &member, NULL), 200);
    assert_int_equal(status_of("PATCH", p1, &unitadmin, "{\"note\":\"x\"}"), 403);
    assert_int_equal(count(&member, "q=%E8%8C%83%E5%9B%B4"), 1);
    /* evaluators see no titles */
    assert_int_equal(status_of("GET", p1, &evaluator, NULL), 403);
    assert_int_equal(status_of("GET", "/api/v1/titles", &evaluator, NULL), 403);
    /* the unit's page shows its history; the register page its own only */
    char up[64];
    snprintf(up, sizeof up, "/units/%lld", (long long)unit1);
    struct th_req q = {.method = "GET", .path = up, .cred = &member, .flags = TH_COOKIE};
    struct th_resp *r = th_do(&srv, &q);
    th_assert_status(r, 200);
    assert_non_null(strstr(r->body, "范围甲称号"));
    th_resp_free(r);
    q.path = "/titles";
    r = th_do(&srv, &q);
    th_assert_status(r, 200);
    assert_non_null(strstr(r->body, "范围甲称号"));
    assert_null(strstr(r->body, "范围乙称号"));
    assert_null(strstr(r->body, "action=\"/titles/import\"")); /* no forms for a unit */
    th_resp_free(r);
    /* PATCH: fields edited, dates checked */
    r = api("PATCH", p1, &office, "{\"note\": \"复查\", \"valid_until\": \"2098-01-01\"}");
    th_assert_status(r, 200);
    assert_string_equal(th_jstr(r->json, "note"), "复查");
    assert_string_equal(th_jstr(r->json, "valid_until"), "2098-01-01");
    th_resp_free(r);
    assert_int_equal(status_of("PATCH", p1, &office, "{\"valid_until\": \"2020-02-30\"}"), 400);
    assert_int_equal(status_of("PATCH", p1, &office, "{\"valid_until\": \"2000-01-01\"}"), 400);
    /* filters: level, state, valid until */
    assert_int_equal(count(&office, "q=%E8%8C%83%E5%9B%B4&until_to=2098-12-31"), 1);
    assert_int_equal(count(&office, "q=%E8%8C%83%E5%9B%B4&until_from=2099-01-01"), 1);
    assert_int_equal(count(&office, "q=%E8%8C%83%E5%9B%B4&state=%E4%BF%9D%E7%95%99"), 2);
    assert_int_equal(status_of("GET", "/api/v1/titles?state=nope", &office, NULL), 400);
    assert_int_equal(status_of("GET", "/api/v1/titles?until_to=2099-13-01", &office, NULL), 400);
}

static void
test_state_changes(void **state)
{
    (void)state;
    int64_t id = title_make(&office, unit1, "状态称号", "2099-12-31");
    char p[64], sp[80];
    snprintf(p, sizeof p, "/api/v1/titles/%lld", (long long)id);
    snprintf(sp, sizeof sp, "/api/v1/titles/%lld/state", (long long)id);
    /* a reason is required */
    assert_int_equal(status_of("POST", sp, &office, "{\"state\": \"revoked\"}"), 400);
    assert_int_equal(status_of("POST", sp, &office, "{\"state\": \"revoked\", \"reason\": \"\"}"),
                     400);
    assert_int_equal(status_of("POST", sp, &office, "{\"state\": \"gone\", \"reason\": \"x\"}"),
                     400);
    assert_int_equal(status_of("POST", sp, &unitadmin, "{\"state\": \"revoked\", \"reason\": \"x\"}"),
                     403);
    struct th_resp *r = api("POST", sp, &office, "{\"state\": \"撤销\", \"reason\": \"发生重大安全事故\"}");
    th_assert_status(r, 200);
    assert_string_equal(th_jstr(r->json, "state"), "revoked");
    assert_string_equal(th_jstr(r->json, "reason"), "发生重大安全事故");
    th_resp_free(r);
    /* the unit is told (kind title) */
    r = api("GET", "/api/v1/notifications?limit=50", &unitadmin, NULL);
    th_assert_status(r, 200);
    bool told = false;
    size_t i;
    json_t *n;
    json_array_foreach(json_object_get(r->json, "items"), i, n)
    {
        told = told || (0 == strcmp(th_jstr(n, "kind"), "title") &&
                        th_jint(n, "object_id") == id &&
                        strstr(th_jstr(n, "text"), "称号“状态称号”已被撤销：发生重大安全事故"));
    }
    assert_true(told);
    th_resp_free(r);
    /* the same state again: a conflict */
    assert_int_equal(status_of("POST", sp, &office, "{\"state\": \"revoked\", \"reason\": \"再次\"}"),
                     409);
    /* reinstated by the page's form */
    char form[160];
    snprintf(form, sizeof form, "/titles/%lld/state", (long long)id);
    r = th_form(&srv, form, &office, "state=kept&reason=%E5%A4%8D%E6%A0%B8%E6%9C%89%E8%AF%AF");
    th_assert_status(r, 303);
    th_resp_free(r);
    r = api("GET", p, &office, NULL);
    assert_string_equal(th_jstr(r->json, "state"), "kept");
    assert_string_equal(th_jstr(r->json, "reason"), "复核有误");
    th_resp_free(r);
    /* set expired by hand: an edit of its note leaves it so; a new valid_until decides */
    r = api("POST", sp, &office, "{\"state\": \"expired\", \"reason\": \"提前终止\"}");
    th_assert_status(r, 200);
    th_resp_free(r);
    r = api("PATCH", p, &office, "{\"note\": \"备注\"}");
    th_assert_status(r, 200);
    assert_string_equal(th_jstr(r->json, "state"), "expired");
    th_resp_free(r);
    r = api("PATCH", p, &office, "{\"valid_until\": \"2099-06-30\"}");
    th_assert_status(r, 200);
    assert_string_equal(th_jstr(r->json, "state"), "kept");
    th_resp_free(r);
    /* the three changes in the audit log with their reasons */
    r = api("GET", "/api/v1/audit?action=title.state", &admin, NULL);
    th_assert_status(r, 200);
    assert_int_equal(json_array_size(json_object_get(r->json, "items")), 3);
    assert_non_null(strstr(r->body, "发生重大安全事故"));
    th_resp_free(r);
    /* a title whose valid_until passed cannot simply be kept */
    snprintf(form, sizeof form, "UPDATE title SET valid_until = '2020-01-01', state = 'expired' "
                                "WHERE id = %lld", (long long)id);
    assert_int_equal(th_store_exec(&srv, form), 0);
    assert_int_equal(status_of("POST", sp, &office, "{\"state\": \"kept\", \"reason\": \"x\"}"),
                     400);
}

/* ---------------------------------------------------------------- expiry */

static void
test_expire(void **state)
{
    (void)state;
    int64_t a = title_make(&office, unit1, "到期甲称号", "2099-12-31");
    int64_t b = title_make(&office, qingshan, "到期乙称号", "2099-12-31");
    (void)b;
    char sql[160];
    snprintf(sql, sizeof sql, "UPDATE title SET valid_until = '2021-01-01' WHERE id = %lld",
             (long long)a);
    assert_int_equal(th_store_exec(&srv, sql), 0);
    json_t *t = one(&office, "到期甲称号");
    assert_string_equal(th_jstr(t, "state"), "kept"); /* until the expiry runs */
    json_decref(t);
    /* a date before its end: nothing to do; today: it expires, audited */
    char *out = TH_RUN(2, "title", "expire", "--data", srv.dir, "--date", "2020-06-01x");
    free(out);
    out = TH_RUN(0, "title", "expire", "--data", srv.dir, "--date", "2020-06-01");
    assert_non_null(strstr(out, "0 titles expired"));
    free(out);
    out = TH_RUN(0, "title", "expire", "--data", srv.dir);
    assert_non_null(strstr(out, "1 titles expired"));
    free(out);
    t = one(&office, "到期甲称号");
    assert_string_equal(th_jstr(t, "state"), "expired");
    assert_string_equal(th_jstr(t, "state_label"), "过期");
    json_decref(t);
    t = one(&office, "到期乙称号");
    assert_string_equal(th_jstr(t, "state"), "kept");
    json_decref(t);
    struct th_resp *r = api("GET", "/api/v1/audit?action=title.expire", &admin, NULL);
    assert_int_equal(json_array_size(json_object_get(r->json, "items")), 1);
    th_resp_free(r);
    /* the server keeps the daily job queued */
    bool queued = false;
    for (int i = 0; i < 100 && !queued; i++) {
        r = api("GET", "/api/v1/jobs?state=queued", &admin, NULL);
        queued = NULL != strstr(r->body, "\"title.expire\"");
        th_resp_free(r);
        if (!queued) {
            usleep(50 * 1000);
        }
    }
    assert_true(queued);
    /* the command's help is there */
    out = TH_RUN(0, "title", "expire", "--help");
    assert_non_null(strstr(out, "00:05"));
    free(out);
}

/* The command line import: the report per row, nothing imported on a bad row. */
static void
test_cli_import(void **state)
{
    (void)state;
    char path[] = "/tmp/wm-titles-cli-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    static const char bad[] = "单位代码,称号,级别,授予日期\nDEMO007,命令甲称号,市级,2021-03-05\n"
                              "DEMO007,命令乙称号,,2021-03-05\n";
    assert_int_equal(write(fd, bad, sizeof bad - 1), (ssize_t)(sizeof bad - 1));
    close(fd);
    char *out = TH_RUN(1, "title", "import", "--data", srv.dir, path);
    assert_non_null(strstr(out, ":3: 级别:"));
    assert_non_null(strstr(out, "0 imported"));
    free(out);
    assert_int_equal(count(&admin, "q=%E5%91%BD%E4%BB%A4"), 0); /* 命令 */
    fd = open(path, O_WRONLY | O_TRUNC);
    static const char good[] = "单位代码,称号,级别,授予日期\nDEMO007,命令甲称号,市级,2021-03-05\n";
    assert_int_equal(write(fd, good, sizeof good - 1), (ssize_t)(sizeof good - 1));
    close(fd);
    out = TH_RUN(0, "title", "import", "--data", srv.dir, path);
    assert_non_null(strstr(out, "1 imported"));
    free(out);
    unlink(path);
    assert_int_equal(count(&admin, "q=%E5%91%BD%E4%BB%A4"), 1);
}

/* The export: the filtered list as a workbook. */
static void
test_export(void **state)
{
    (void)state;
    struct th_resp *r = api("GET", "/api/v1/titles.xlsx?state=kept", &office, NULL);
    th_assert_status(r, 200);
    assert_true(r->len > 100);
    assert_int_equal(memcmp(r->body, "PK", 2), 0);
    const char *cd = th_header(r, "Content-Disposition");
    assert_non_null(cd);
    assert_non_null(strstr(cd, ".xlsx"));
    th_resp_free(r);
    assert_int_equal(status_of("GET", "/api/v1/titles.xlsx", &evaluator, NULL), 403);
}

/* ---------------------------------------------------------------- setup */

static int
setup(void **state)
{
    (void)state;
    if (th_server_create(&srv, NULL) || th_server_start(&srv, NULL)) {
        return -1;
    }
    struct {
        const char *user;
        struct th_cred *c;
    } who[] = {{"admin", &admin},         {"office", &office},       {"district", &district},
               {"evaluator", &evaluator}, {"unitadmin", &unitadmin}, {"member", &member}};
    for (size_t i = 0; i < sizeof who / sizeof who[0]; i++) {
        if (201 != th_login(&srv, who[i].user, TH_DEMO_PW, who[i].c) ||
            th_make_token(&srv, who[i].c, "titles") <= 0) {
            return -1;
        }
    }
    unit1 = th_unit_id(&srv, &admin, "DEMO001");
    qingshan = th_unit_id(&srv, &admin, "DEMO013");
    return 0 == unit1 || 0 == qingshan ? -1 : 0;
}

static int
teardown(void **state)
{
    (void)state;
    return th_server_finish(&srv);
}

int
main(int argc, char **argv)
{
    if (!th_init(argc, argv)) {
        return 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_import_csv),      cmocka_unit_test(test_import_xlsx),
        cmocka_unit_test(test_import_sheets),
        cmocka_unit_test(test_import_bad_rows), cmocka_unit_test(test_scope),
        cmocka_unit_test(test_state_changes),   cmocka_unit_test(test_expire),
        cmocka_unit_test(test_cli_import),      cmocka_unit_test(test_export),
    };
    int failed = cmocka_run_group_tests_name("http_titles", tests, setup, teardown);
    th_done();
    return failed + th_teardown_failures;
}

/* end of test_http_titles.c */
