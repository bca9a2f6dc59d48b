/*
** test_http_accounts.c — accounts and the audit log over real HTTP, against `wenming serve`.
**
**   tokens   an API token made before a password change (own, through the API and the
**            /password page), a reset (PATCH, the account page, `wenming user passwd` while
**            the server runs) or a disable / re-enable answers 401 after it; the page and
**            the API say how many tokens were revoked
**   audit    the audit page in Chinese (action names, object names with links), its filters
**            (action, person, date range) kept by the pager, the API's filters, and the
**            admin's XLSX export of the filtered rows (read back with wenming's table reader)
**   caps     imports that would run for minutes inside one request are refused with the
**            limit named: 5,001 units, a standard of 5,001 leaves
*/
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* cmocka.h needs these before it (clang-format would sort them after it). */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
/* clang-format on */

#include <archive.h>
#include <archive_entry.h>

#include "harness.h"
#include "wm_table.h"

static struct th_server srv;
static struct th_cred admin, office;
static int64_t unit_id; /* a unit of the city office (for new accounts) */

static struct th_resp *
api_json(const char *method, const char *path, const struct th_cred *c, json_t *body_steal)
{
    char *body = body_steal ? th_jdump(body_steal) : NULL;
    struct th_resp *r = th_api(&srv, method, path, c, th_auth(c), body);
    free(body);
    return r;
}

static int
group_setup(void **state)
{
    (void)state;
    if (th_server_create(&srv, NULL) || th_server_start(&srv, NULL)) {
        return -1;
    }
    th_login_full(&srv, "admin", TH_DEMO_PW, &admin);
    th_login_full(&srv, "office", TH_DEMO_PW, &office);
    struct th_resp *r = th_api(&srv, "GET", "/api/v1/units?limit=1", &office, TH_BEARER, NULL);
    unit_id = th_jint(json_array_get(json_object_get(r->json, "items"), 0), "id");
    th_resp_free(r);
    return unit_id > 0 ? 0 : -1;
}

static int
group_teardown(void **state)
{
    (void)state;
    return th_server_finish(&srv);
}

/* A new unit_viewer account made by the office with password TH_DEMO_PW, logged in with a
** session and an API token in c; its id. */
static int64_t
new_account(const char *username, const char *display, struct th_cred *c)
{
    json_t *b = json_pack("{s:s, s:s, s:s, s:I, s:s}", "username", username, "display_name",
                          display, "role", "unit_viewer", "org_id", (json_int_t)unit_id,
                          "password", TH_DEMO_PW);
    struct th_resp *r = api_json("POST", "/api/v1/users", &office, b);
    th_assert_status(r, 201);
    int64_t id = th_jint(r->json, "id");
    th_resp_free(r);
    th_login_full(&srv, username, TH_DEMO_PW, c);
    /* the token works (twice: the second answer may come from a worker's cache) */
    for (int i = 0; i < 2; i++) {
        r = th_api(&srv, "GET", "/api/v1/me", c, TH_BEARER, NULL);
        th_assert_status(r, 200);
        th_resp_free(r);
    }
    return id;
}

static void
assert_token_dead(const struct th_cred *c)
{
    struct th_resp *r = th_api(&srv, "GET", "/api/v1/me", c, TH_BEARER, NULL);
    th_assert_error(r, 401, "unauthorized", NULL);
    th_resp_free(r);
}

/* The page a redirect with a flash message leads to, fetched with that message's cookie. */
static struct th_resp *
follow_flash(struct th_resp *redirect, const struct th_cred *c)
{
    char value[1024], attrs[256], cookies[1100];
    assert_true(th_set_cookie(redirect, "wm_flash", value, sizeof value, attrs, sizeof attrs));
    snprintf(cookies, sizeof cookies, "wm_flash=%s", value);
    const char *loc = th_header(redirect, "Location");
    assert_non_null(loc);
    struct th_req q = {.method = "GET", .path = loc, .cred = c, .flags = TH_COOKIE,
                       .cookies = cookies};
    return th_do(&srv, &q);
}

/* ================================================================ tokens */

static void
test_own_password_api(void **state)
{
    (void)state;
    struct th_cred c;
    new_account("tok-own-api", "令牌甲", &c);
    struct th_resp *r =
        th_api(&srv, "POST", "/api/v1/me/password", &c, TH_SESSION,
               "{\"old_password\":\"" TH_DEMO_PW "\",\"password\":\"Other-Pass-2026\"}");
    th_assert_status(r, 200);
    assert_int_equal(th_jint(r->json, "tokens_revoked"), 1);
    th_resp_free(r);
    assert_token_dead(&c);
    /* the session that changed it stays */
    r = th_api(&srv, "GET", "/api/v1/me", &c, TH_COOKIE, NULL);
    th_assert_status(r, 200);
    th_resp_free(r);
}

static void
test_own_password_page(void **state)
{
    (void)state;
    struct th_cred c;
    new_account("tok-own-page", "令牌乙", &c);
    struct th_resp *r = th_form(&srv, "/password", &c,
                                "old_password=" TH_DEMO_PW
                                "&password=Other-Pass-2026&password2=Other-Pass-2026");
    th_assert_status(r, 303);
    struct th_resp *p = follow_flash(r, &c);
    th_assert_status(p, 200);
    assert_non_null(strstr(p->body, "密码已修改；该账号的 1 个 API 令牌已撤销，请重新创建。"));
    th_resp_free(p);
    th_resp_free(r);
    assert_token_dead(&c);
}

static void
test_reset_api(void **state)
{
    (void)state;
    struct th_cred c;
    int64_t id = new_account("tok-reset-api", "令牌丙", &c);
    char path[64];
    snprintf(path, sizeof path, "/api/v1/users/%lld", (long long)id);
    struct th_resp *r =
        api_json("PATCH", path, &office, json_pack("{s:s}", "password", "Reset-Pass-2026"));
    th_assert_status(r, 200);
    assert_int_equal(th_jint(r->json, "tokens_revoked"), 1);
    th_resp_free(r);
    assert_token_dead(&c);
    /* nothing left to revoke the second time */
    r = api_json("PATCH", path, &office, json_pack("{s:s}", "password", "Reset-Pass-2027"));
    th_assert_status(r, 200);
    assert_int_equal(th_jint(r->json, "tokens_revoked"), 0);
    th_resp_free(r);
}

static void
test_reset_page(void **state)
{
    (void)state;
    struct th_cred c;
    int64_t id = new_account("tok-reset-page", "令牌丁", &c);
    char path[64];
    snprintf(path, sizeof path, "/users/%lld", (long long)id);
    struct th_resp *r = th_form(&srv, path, &admin, "action=reset");
    th_assert_status(r, 200);
    assert_non_null(strstr(r->body, "密码已重置；该账号的 1 个 API 令牌已撤销，请重新创建。"));
    th_resp_free(r);
    assert_token_dead(&c);
}

static void
test_reset_cli(void **state)
{
    (void)state;
    struct th_cred c;
    new_account("tok-reset-cli", "令牌戊", &c);
    setenv("WENMING_PASSWORD", "Cli-Pass-2026", 1);
    const char *args[] = {"user", "passwd", "--data", srv.dir, "tok-reset-cli", NULL};
    char *out = NULL;
    int rc = th_run(args, &out);
    unsetenv("WENMING_PASSWORD");
    if (rc) {
        print_error("user passwd: %s\n", out);
    }
    assert_int_equal(rc, 0);
    assert_non_null(strstr(out, "revoked 1 API token"));
    free(out);
    /* written by another process: the server's cached principal must not outlive it */
    assert_token_dead(&c);
}

static void
test_disable_enable(void **state)
{
    (void)state;
    struct th_cred c;
    int64_t id = new_account("tok-disable", "令牌己", &c);
    char path[64];
    snprintf(path, sizeof path, "/users/%lld", (long long)id);
    struct th_resp *r = th_form(&srv, path, &office, "action=disable");
    th_assert_status(r, 303);
    struct th_resp *p = follow_flash(r, &office);
    assert_non_null(strstr(p->body, "账号已停用；该账号的 1 个 API 令牌已撤销，请重新创建。"));
    th_resp_free(p);
    th_resp_free(r);
    assert_token_dead(&c);
    snprintf(path, sizeof path, "/api/v1/users/%lld", (long long)id);
    r = api_json("PATCH", path, &office, json_pack("{s:b}", "disabled", 0));
    th_assert_status(r, 200);
    assert_false(th_jint(r->json, "disabled"));
    th_resp_free(r);
    assert_token_dead(&c); /* re-enabled: the old token stays dead */
    /* PATCH disabled:false on an enabled account revokes nothing */
    struct th_cred again;
    th_login_full(&srv, "tok-disable", TH_DEMO_PW, &again);
    r = api_json("PATCH", path, &office, json_pack("{s:b}", "disabled", 0));
    th_assert_status(r, 200);
    assert_int_equal(th_jint(r->json, "tokens_revoked"), 0);
    th_resp_free(r);
    r = th_api(&srv, "GET", "/api/v1/me", &again, TH_BEARER, NULL);
    th_assert_status(r, 200);
    th_resp_free(r);
}

/* ================================================================ audit */

/* Today's date in China Standard Time, as the filters take it. */
static void
today(char out[16], int days)
{
    time_t t = time(NULL) + 8 * 3600 + days * 86400;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 16, "%Y-%m-%d", &tm);
}

/* The table body of an audit page (the select list above it names every action). */
static const char *
tbody(const struct th_resp *r)
{
    const char *t = strstr(r->body, "<tbody>");
    assert_non_null(t);
    return t;
}

static void
test_audit_page(void **state)
{
    (void)state;
    struct th_resp *r = th_api(&srv, "GET", "/audit", &admin, TH_COOKIE, NULL);
    th_assert_status(r, 200);
    const char *t = tbody(r);
    assert_non_null(strstr(t, ">登录</td>"));
    assert_non_null(strstr(t, ">新建账号</td>"));
    assert_null(strstr(t, ">session.create<"));
    assert_null(strstr(t, "user #"));
    assert_non_null(strstr(r->body, "<option value=\"user.create\">新建账号</option>"));
    assert_non_null(strstr(r->body, "href=\"/audit.xlsx\""));
    assert_non_null(strstr(r->body, "href=\"/audit.csv\""));
    th_resp_free(r);
    /* by action: only new accounts, each named and linked to its page */
    r = th_api(&srv, "GET", "/audit?action=user.create", &admin, TH_COOKIE, NULL);
    th_assert_status(r, 200);
    t = tbody(r);
    assert_null(strstr(t, ">登录</td>"));
    assert_non_null(strstr(t, ">新建账号</td>"));
    assert_non_null(strstr(t, "令牌甲（tok-own-api）</a>"));
    assert_non_null(strstr(t, "<a href=\"/users/"));
    assert_non_null(strstr(r->body, "<option value=\"user.create\" selected>"));
    th_resp_free(r);
    /* by person: the office's entries only */
    r = th_api(&srv, "GET", "/audit?user=office", &admin, TH_COOKIE, NULL);
    th_assert_status(r, 200);
    t = tbody(r);
    assert_non_null(strstr(t, ">office</a>"));
    assert_null(strstr(t, ">admin</a>"));
    th_resp_free(r);
    /* by dates: today has entries, a day in 2000 none, a bad date is refused in words */
    char d[16], tomorrow[16], path[200];
    today(d, 0);
    today(tomorrow, 1);
    snprintf(path, sizeof path, "/audit?from=%s&to=%s", d, d);
    r = th_api(&srv, "GET", path, &admin, TH_COOKIE, NULL);
    th_assert_status(r, 200);
    assert_non_null(strstr(tbody(r), ">登录</td>"));
    th_resp_free(r);
    snprintf(path, sizeof path, "/audit?from=%s", tomorrow);
    r = th_api(&srv, "GET", path, &admin, TH_COOKIE, NULL);
    assert_non_null(strstr(tbody(r), "没有符合条件的记录"));
    th_resp_free(r);
    r = th_api(&srv, "GET", "/audit?from=2000-01-01&to=2000-01-02", &admin, TH_COOKIE, NULL);
    assert_non_null(strstr(tbody(r), "没有符合条件的记录"));
    th_resp_free(r);
    r = th_api(&srv, "GET", "/audit?from=2026-02-30", &admin, TH_COOKIE, NULL);
    th_assert_status(r, 400);
    assert_non_null(strstr(r->body, "起始日期须写成"));
    th_resp_free(r);
    /* the pager keeps every filter */
    snprintf(path, sizeof path, "/audit?limit=1&action=session.create&from=%s&to=%s", d, d);
    r = th_api(&srv, "GET", path, &admin, TH_COOKIE, NULL);
    th_assert_status(r, 200);
    const char *pager = strstr(r->body, "class=\"pager\"");
    assert_non_null(pager);
    assert_non_null(strstr(pager, "action=session.create"));
    assert_non_null(strstr(pager, "from="));
    assert_non_null(strstr(pager, "to="));
    th_resp_free(r);
    /* the office sees the page but no export */
    r = th_api(&srv, "GET", "/audit", &office, TH_COOKIE, NULL);
    th_assert_status(r, 200);
    assert_null(strstr(r->body, "/audit.xlsx"));
    th_resp_free(r);
}

static void
test_audit_api(void **state)
{
    (void)state;
    char d[16], path[200];
    today(d, 0);
    snprintf(path, sizeof path, "/api/v1/audit?action=token.revoke_all&from=%s&to=%s&limit=200",
             d, d);
    struct th_resp *r = th_api(&srv, "GET", path, &admin, TH_BEARER, NULL);
    th_assert_status(r, 200);
    json_t *items = json_object_get(r->json, "items");
    assert_true(json_array_size(items) >= 5); /* one per revocation above */
    size_t i;
    json_t *x;
    json_array_foreach(items, i, x)
    {
        assert_string_equal(th_jstr(x, "action"), "token.revoke_all");
        assert_string_equal(th_jstr(x, "action_label"), "撤销账号的全部 API 令牌");
    }
    th_resp_free(r);
    /* "token." is every token action; "token.revoke" alone is not token.revoke_all */
    r = th_api(&srv, "GET", "/api/v1/audit?action=token.&limit=200", &admin, TH_BEARER, NULL);
    bool create = false, all = false;
    json_array_foreach(json_object_get(r->json, "items"), i, x)
    {
        create = create || 0 == strcmp(th_jstr(x, "action"), "token.create");
        all = all || 0 == strcmp(th_jstr(x, "action"), "token.revoke_all");
    }
    assert_true(create && all);
    th_resp_free(r);
    r = th_api(&srv, "GET", "/api/v1/audit?action=token.revoke&limit=200", &admin, TH_BEARER, NULL);
    json_array_foreach(json_object_get(r->json, "items"), i, x)
    {
        assert_string_equal(th_jstr(x, "action"), "token.revoke");
    }
    th_resp_free(r);
    r = th_api(&srv, "GET", "/api/v1/audit?to=tomorrow", &admin, TH_BEARER, NULL);
    th_assert_error(r, 400, "bad_request", "to");
    th_resp_free(r);
}

/* One entry of a ZIP in memory, NUL-terminated (caller frees); NULL when absent. */
static char *
zip_entry(const void *zip, size_t len, const char *name)
{
    struct archive *a = archive_read_new();
    struct archive_entry *e;
    char *out = NULL;
    archive_read_support_format_zip(a);
    if (ARCHIVE_OK != archive_read_open_memory(a, zip, len)) {
        archive_read_free(a);
        return NULL;
    }
    while (NULL == out && ARCHIVE_OK == archive_read_next_header(a, &e)) {
        if (0 != strcmp(archive_entry_pathname(e), name)) {
            continue;
        }
        struct bytes b = {0};
        char buf[8192];
        la_ssize_t got;
        while ((got = archive_read_data(a, buf, sizeof buf)) > 0) {
            bytes_add(&b, buf, (size_t)got);
        }
        bytes_add(&b, "", 1);
        out = b.p;
    }
    archive_read_free(a);
    return out;
}

static void
test_audit_export(void **state)
{
    (void)state;
    /* a display name that a spreadsheet would run as a formula */
    struct th_cred c;
    new_account("tok-formula", "=HYPERLINK(\"http://x\",\"点我\")", &c);
    struct th_resp *r =
        th_api(&srv, "GET", "/audit.xlsx?action=user.create", &admin, TH_COOKIE, NULL);
    th_assert_status(r, 200);
    assert_non_null(strstr(th_header(r, "Content-Type"), "spreadsheetml"));
    assert_non_null(strstr(th_header(r, "Content-Disposition"), ".xlsx"));
    struct wm_table *t = NULL;
    char err[256];
    assert_int_equal(wm_table_read(r->body, r->len, WM_TABLE_XLSX, &t, err, sizeof err), 0);
    assert_true(t->nrows >= 8); /* the header and every account made here */
    const struct wm_row *h = &t->rows[0];
    assert_string_equal(wm_row_cell(h, 0), "序号");
    assert_string_equal(wm_row_cell(h, 3), "操作");
    assert_string_equal(wm_row_cell(h, 6), "对象");
    bool named = false;
    for (size_t i = 1; i < t->nrows; i++) {
        const struct wm_row *row = &t->rows[i];
        assert_string_equal(wm_row_cell(row, 3), "新建账号");
        assert_string_equal(wm_row_cell(row, 4), "user.create");
        named = named || 0 == strcmp(wm_row_cell(row, 6), "令牌甲（tok-own-api）");
    }
    assert_true(named);
    wm_table_free(t);
    /* the cell as Excel sees it (the reader above takes the apostrophe off again) */
    char *strings = zip_entry(r->body, r->len, "xl/sharedStrings.xml");
    assert_non_null(strings);
    assert_non_null(strstr(strings, ">'=HYPERLINK("));
    assert_null(strstr(strings, ">=HYPERLINK("));
    assert_non_null(strstr(strings, ">新建账号<"));
    free(strings);
    th_resp_free(r);
    /* a date range with nothing in it: the header alone */
    r = th_api(&srv, "GET", "/audit.xlsx?from=2000-01-01&to=2000-01-01", &admin, TH_COOKIE, NULL);
    th_assert_status(r, 200);
    assert_int_equal(wm_table_read(r->body, r->len, WM_TABLE_XLSX, &t, err, sizeof err), 0);
    assert_int_equal(t->nrows, 1);
    wm_table_free(t);
    th_resp_free(r);
    /* the admin's only */
    r = th_api(&srv, "GET", "/audit.xlsx", &office, TH_COOKIE, NULL);
    th_assert_status(r, 403);
    th_resp_free(r);
}

/* /audit.csv: the same filters and columns as /audit.xlsx, UTF-8 with a BOM, RFC 4180. */
static void
test_audit_export_csv(void **state)
{
    (void)state;
    struct th_cred c;
    new_account("tok-csv", "=SUM(1,2) \"引号\"", &c);
    struct th_resp *r =
        th_api(&srv, "GET", "/audit.csv?action=user.create", &admin, TH_COOKIE, NULL);
    th_assert_status(r, 200);
    assert_non_null(strstr(th_header(r, "Content-Type"), "text/csv"));
    assert_non_null(strstr(th_header(r, "Content-Disposition"), ".csv"));
    assert_true(r->len > 3);
    assert_memory_equal(r->body, "\xEF\xBB\xBF", 3);
    assert_int_equal(0, strncmp(r->body + 3, "序号,时间,操作人,操作,操作代码,对象类型,对象,来源地址,"
                                             "请求编号\r\n", strlen("序号,时间,操作人,操作,操作代码,"
                                                                    "对象类型,对象,来源地址,请求编号\r\n")));
    /* the formula guarded and the comma and quotes quoted */
    assert_non_null(strstr(r->body, ",\"'=SUM(1,2) \"\"引号\"\""));
    assert_null(strstr(r->body, ",=SUM("));
    assert_null(strstr(r->body, ",\"=SUM("));
    struct wm_table *t = NULL;
    char err[256];
    assert_int_equal(wm_table_read(r->body, r->len, WM_TABLE_CSV, &t, err, sizeof err), 0);
    assert_true(t->nrows >= 3);
    assert_string_equal(wm_row_cell(&t->rows[0], 0), "序号");
    assert_string_equal(wm_row_cell(&t->rows[0], 8), "请求编号");
    bool named = false, formula = false;
    for (size_t i = 1; i < t->nrows; i++) {
        const struct wm_row *row = &t->rows[i];
        assert_string_equal(wm_row_cell(row, 3), "新建账号");
        assert_string_equal(wm_row_cell(row, 4), "user.create");
        assert_true(atoll(wm_row_cell(row, 0)) > 0);
        named = named || 0 == strcmp(wm_row_cell(row, 6), "令牌甲（tok-own-api）");
        formula = formula || 0 == strncmp(wm_row_cell(row, 6), "=SUM(1,2) \"引号\"", strlen("=SUM(1,2) \"引号\""));
    }
    assert_true(named);
    assert_true(formula); /* the reader takes the guard off again */
    wm_table_free(t);
    th_resp_free(r);
    /* a date range with nothing in it: the header alone */
    r = th_api(&srv, "GET", "/audit.csv?from=2000-01-01&to=2000-01-01", &admin, TH_COOKIE, NULL);
    th_assert_status(r, 200);
    assert_int_equal(wm_table_read(r->body, r->len, WM_TABLE_CSV, &t, err, sizeof err), 0);
    assert_int_equal(t->nrows, 1);
    wm_table_free(t);
    th_resp_free(r);
    /* the admin's only */
    r = th_api(&srv, "GET", "/audit.csv", &office, TH_COOKIE, NULL);
    th_assert_status(r, 403);
    th_resp_free(r);
}

/* ================================================================ import caps */

static void
test_unit_import_cap(void **state)
{
    (void)state;
    struct bytes csv = {0};
    bytes_addf(&csv, "单位名称,单位代码,单位类型\n");
    for (int i = 0; i < 5001; i++) {
        bytes_addf(&csv, "上限测试单位%d,CAP-%05d,机关\n", i, i);
    }
    struct th_file f = {.name = "big.csv", .data = csv.p, .len = csv.n};
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    struct th_resp *r =
        th_upload(&srv, "/api/v1/units/import", &office, TH_BEARER, &f, 1, NULL);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    th_assert_error(r, 400, "bad_request", "file");
    assert_non_null(strstr(r->body, "一次最多导入 5000 个单位，此文件有 5001 行"));
    th_resp_free(r);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    print_message("a 5,001-row unit import refused in %.2f s\n", secs);
    assert_true(secs < 10);
    /* the page says it too */
    r = th_upload(&srv, "/units/import", &office, TH_COOKIE, &f, 1, NULL);
    th_assert_status(r, 400);
    assert_non_null(strstr(r->body, "一次最多导入 5000 个单位"));
    th_resp_free(r);
    /* nothing was imported */
    r = th_api(&srv, "GET", "/api/v1/units?q=CAP-00001", &office, TH_BEARER, NULL);
    assert_int_equal(json_array_size(json_object_get(r->json, "items")), 0);
    th_resp_free(r);
    free(csv.p);
}

/* A standard is capped by its parser (5,000 leaves): 5,001 are refused at once, the row and
** the limit named. */
static void
test_framework_cap(void **state)
{
    (void)state;
    struct bytes csv = {0};
    bytes_addf(&csv, "code,title,score\n");
    for (int i = 1; i <= 5001; i++) {
        bytes_addf(&csv, "%d,指标%d,1\n", i, i);
    }
    struct th_file f = {.name = "big.csv", .data = csv.p, .len = csv.n};
    const char *fields[] = {"name", "上限测试体系", NULL};
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    struct th_resp *r = th_upload(&srv, "/api/v1/frameworks", &office, TH_BEARER, &f, 1, fields);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    th_assert_error(r, 400, "bad_request", "file");
    if (NULL == strstr(r->body, "末级指标超过 5000 个")) {
        print_error("%s\n", r->body);
    }
    assert_non_null(strstr(r->body, "末级指标超过 5000 个"));
    th_resp_free(r);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    print_message("a 5,001-leaf standard refused in %.2f s\n", secs);
    assert_true(secs < 10);
    free(csv.p);
}

/* A standard published as a Word document goes in through the API as a spreadsheet does:
** its table read, section rows heading their parts, the 合计 row reported. */
static void
test_framework_docx(void **state)
{
    (void)state;
#define WTC(x) "<w:tc><w:p><w:r><w:t>" x "</w:t></w:r></w:p></w:tc>"
    static const char body[] =
        "<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">"
        "<w:body><w:tbl><w:tr>" WTC("序号") WTC("测评项目") WTC("测评内容") WTC("分值") "</w:tr>"
        "<w:tr><w:tc><w:tcPr><w:gridSpan w:val=\"4\"/></w:tcPr><w:p><w:r><w:t>一、组织领导"
        "</w:t></w:r></w:p></w:tc></w:tr>"
        "<w:tr>" WTC("1") WTC("领导小组") WTC("成立领导小组。") WTC("10") "</w:tr>"
        "<w:tr>" WTC("2") WTC("创建规划") WTC("制定创建规划。") WTC("5") "</w:tr>"
        "<w:tr>" WTC("合计") WTC("") WTC("") WTC("15") "</w:tr>"
        "</w:tbl></w:body></w:document>";
#undef WTC
    const char *names[] = {"word/document.xml"};
    struct bytes part = {.p = (char *)body, .n = sizeof body - 1};
    struct bytes docx = th_zip_make(names, &part, 1);
    struct th_file f = {.name = "某市测评细则.docx", .data = docx.p, .len = docx.n};
    const char *fields[] = {"name", "Word 测评细则", NULL};
    struct th_resp *r = th_upload(&srv, "/api/v1/frameworks", &office, TH_BEARER, &f, 1, fields);
    if (201 != r->status) {
        print_error("%s\n", r->body);
    }
    th_assert_status(r, 201);
    assert_string_equal(th_jstr(r->json, "total"), "15");
    assert_non_null(strstr(r->body, "合计行不是指标"));
    th_resp_free(r);
    free(docx.p);
}

/* A JSON body that is not an object ([] or "x") is no framework: 400 saying the body must
** be a wenming-framework/1 object, not that a CSV lacks its name. */
static void
test_framework_not_object(void **state)
{
    (void)state;
    static const char *const bodies[] = {"[]", "\"x\"", " [{}]", "42", "null"};
    for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
        struct th_resp *r = th_api(&srv, "POST", "/api/v1/frameworks", &office, TH_BEARER,
                                   bodies[i]);
        th_assert_error(r, 400, "bad_request", "body");
        assert_non_null(strstr(r->body, "wenming-framework/1"));
        assert_non_null(strstr(r->body, "JSON 对象"));
        assert_null(strstr(r->body, "CSV"));
        th_resp_free(r);
    }
    /* an object still reaches the parser (which names what is wrong with it) */
    struct th_resp *r =
        th_api(&srv, "POST", "/api/v1/frameworks", &office, TH_BEARER, "  {\"format\":1}");
    assert_int_equal(r->status, 400);
    assert_null(strstr(r->body, "JSON 对象（以 { 开头）"));
    th_resp_free(r);
}

/* 5,000 units are within the cap; two such imports make more entries than one workbook
** holds, and the export says it was cut. */
static void
test_at_cap_and_export_cut(void **state)
{
    (void)state;
    for (int round = 0; round < 2; round++) {
        struct bytes csv = {0};
        bytes_addf(&csv, "单位名称,单位代码,单位类型\n");
        for (int i = 0; i < 5000; i++) {
            bytes_addf(&csv, "满额单位%d-%d,FULL-%d-%05d,机关\n", round, i, round, i);
        }
        struct th_file f = {.name = "full.csv", .data = csv.p, .len = csv.n};
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        struct th_resp *r =
            th_upload(&srv, "/api/v1/units/import", &office, TH_BEARER, &f, 1, NULL);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        th_assert_status(r, 200);
        assert_int_equal(th_jint(r->json, "imported"), 5000);
        th_resp_free(r);
        free(csv.p);
        print_message("5,000 units imported in %.2f s\n",
                      (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    struct th_resp *r = th_api(&srv, "GET", "/audit.xlsx", &admin, TH_COOKIE, NULL);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    th_assert_status(r, 200);
    print_message("audit export of 10,000 rows in %.2f s\n",
                  (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
    struct wm_table *t = NULL;
    char err[256];
    assert_int_equal(wm_table_read(r->body, r->len, WM_TABLE_XLSX, &t, err, sizeof err), 0);
    assert_int_equal(t->nrows, 1 + 10000 + 1); /* the header, the rows, the note */
    assert_non_null(strstr(wm_row_cell(&t->rows[t->nrows - 1], 0), "仅导出了最新的 10000 条记录"));
    assert_string_equal(wm_row_cell(&t->rows[1], 3), "批量导入单位"); /* newest first */
    wm_table_free(t);
    th_resp_free(r);
}

/* A store that fails while a request authenticates answers 500, not 401: the token or the
** cookie was not at fault, and a client must not drop it.  (Runs last: it breaks the store.) */
static void
test_store_failure_not_unauthorized(void **state)
{
    (void)state;
    struct th_cred c = {0};
    th_login_full(&srv, "office", TH_DEMO_PW, &c);
    struct th_resp *r = th_api(&srv, "GET", "/api/v1/me", &c, TH_BEARER, NULL);
    assert_int_equal(r->status, 200);
    th_resp_free(r);
    /* (a DROP is no change of rows: on PostgreSQL say that something changed, as any
    ** write of rows does, so that the servers' caches look again) */
    assert_int_equal(th_store_exec(&srv, th_store_pg() ? "DROP TABLE api_token; NOTIFY wm_change"
                                                       : "DROP TABLE api_token"),
                     0);
    r = th_api_await(&srv, "GET", "/api/v1/me", &c, TH_BEARER, NULL, 500);
    assert_int_equal(r->status, 500);
    assert_string_equal(th_jstr(json_object_get(r->json, "error"), "code"), "internal");
    th_resp_free(r);
    /* the session still works: only the token table is gone */
    r = th_api(&srv, "GET", "/api/v1/me", &c, TH_SESSION, NULL);
    assert_int_equal(r->status, 200);
    th_resp_free(r);
    assert_int_equal(th_store_exec(&srv, th_store_pg() ? "DROP TABLE session CASCADE; NOTIFY wm_change"
                                                       : "DROP TABLE session"),
                     0);
    r = th_api_await(&srv, "GET", "/api/v1/me", &c, TH_SESSION, NULL, 500);
    assert_int_equal(r->status, 500);
    assert_null(th_header(r, "Set-Cookie")); /* the cookie is kept */
    th_resp_free(r);
}

int
main(int argc, char **argv)
{
    if (!th_init(argc, argv)) {
        return 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_own_password_api), cmocka_unit_test(test_own_password_page),
        cmocka_unit_test(test_reset_api),        cmocka_unit_test(test_reset_page),
        cmocka_unit_test(test_reset_cli),        cmocka_unit_test(test_disable_enable),
        cmocka_unit_test(test_audit_page),       cmocka_unit_test(test_audit_api),
        cmocka_unit_test(test_audit_export),     cmocka_unit_test(test_audit_export_csv),
        cmocka_unit_test(test_unit_import_cap),
        cmocka_unit_test(test_framework_cap),    cmocka_unit_test(test_at_cap_and_export_cut),
        cmocka_unit_test(test_framework_docx),
        cmocka_unit_test(test_framework_not_object),
        cmocka_unit_test(test_store_failure_not_unauthorized),
    };
    int rc = cmocka_run_group_tests(tests, group_setup, group_teardown);
    th_done();
    return rc + th_teardown_failures;
}

/* end of test_http_accounts.c */
