/*
** test_http_work_inspect.c — responsibility areas, inspections and the weekly bulletin
** (issue 12, work_inspect) over real HTTP against `wenming serve --demo`: who reads and who
** writes (a department's user inspects only its own department's areas), a finding that
** opens a rectification item, a photo filed into the inspection leaf, the weekly bulletin
** built by its job (its PDF's text read with pdftotext), filed as a document, and built
** again as a new version of it; the pages.
**
** The demo jurisdiction: the city office (account office) holds 市司法局 (DEMO001: its
** unitadmin, member — of the department 办公室 — and leader, a unit_viewer); the account
** district belongs to 东城区文明办, which holds 青山镇 (DEMO013) but not 市司法局.  The
** inspections are held today (the year's archive of 市司法局 exists in the demo).
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* cmocka.h needs these before it (clang-format would sort them after it). */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
/* clang-format on */

#include "harness.h"

#define PHOTO_LEAF    "1.1.1"
#define BULLETIN_LEAF "1.1.2"

static struct th_server srv;
static struct th_cred admin, office, district, evaluator, unitadmin, member, leader, qsadmin;
static int64_t unit1, qingshan;
static int64_t dept_office, dept_hr; /* 市司法局's 办公室 (member's) and 人教科 */
static int64_t area_door, area_hr;   /* 办公室's 大门口, 人教科's 档案室 */

static struct th_resp *
api(const char *method, const char *path, const struct th_cred *c, json_t *body_steal)
{
    char *body = body_steal ? th_jdump(body_steal) : NULL;
    struct th_resp *r = th_api(&srv, method, path, c, th_auth(c), body);
    free(body);
    return r;
}

static void
want(const char *method, const char *path, const struct th_cred *c, json_t *body_steal, long st)
{
    struct th_resp *r = api(method, path, c, body_steal);
    th_assert_status(r, st);
    th_resp_free(r);
}

static void
upath(char *out, size_t n, int64_t unit, const char *what)
{
    snprintf(out, n, "/api/v1/units/%lld/work/%s", (long long)unit, what);
}

/* The id of the unit's department named name. */
static int64_t
dept_id(int64_t unit, const char *name)
{
    char path[96];
    snprintf(path, sizeof path, "/api/v1/units/%lld/depts", (long long)unit);
    struct th_resp *r = api("GET", path, &admin, NULL);
    th_assert_status(r, 200);
    json_t *items = json_is_array(r->json) ? r->json : json_object_get(r->json, "items");
    int64_t id = 0;
    size_t i;
    json_t *d;
    json_array_foreach(items, i, d)
    {
        if (0 == strcmp(th_jstr(d, "name"), name)) {
            id = th_jint(d, "id");
        }
    }
    th_resp_free(r);
    return id;
}

static int64_t
area_new(const char *name, const char *category, int64_t dept)
{
    char path[96];
    upath(path, sizeof path, unit1, "areas");
    struct th_resp *r = api("POST", path, &unitadmin,
                            json_pack("{s:s, s:s, s:I}", "name", name, "category", category,
                                      "dept_id", (json_int_t)dept));
    th_assert_status(r, 201);
    assert_string_equal(th_jstr(r->json, "name"), name);
    assert_int_equal(th_jint(r->json, "dept_id"), dept);
    assert_true(json_is_true(json_object_get(r->json, "active")));
    int64_t id = th_jint(r->json, "id");
    th_resp_free(r);
    return id;
}

/* An inspection of one area as JSON by c; the answer (caller frees). */
static struct th_resp *
inspect(const struct th_cred *c, int64_t unit, int64_t area, const char *result, const char *note)
{
    char path[96];
    upath(path, sizeof path, unit, "inspections");
    return api("POST", path, c,
               json_pack("{s:s, s:[{s:I, s:s, s:s}]}", "note", "周检", "checks", "area_id",
                         (json_int_t)area, "result", result, "note", note));
}

/* ---------------------------------------------------------------- areas */

static void
test_areas(void **state)
{
    (void)state;
    char path[96], one[64];
    upath(path, sizeof path, unit1, "areas");
    area_door = area_new("大门口", "门前三包", dept_office);
    area_hr = area_new("档案室", "室内卫生", dept_hr);
    assert_int_equal(th_audit_count(&srv, &admin, "work.area.create"), 2);
    /* the same name again, a department of another unit, no name */
    struct th_resp *r = api("POST", path, &unitadmin, json_pack("{s:s}", "name", "大门口"));
    th_assert_error(r, 409, "conflict", "name");
    th_resp_free(r);
    int64_t other = dept_id(qingshan, "办公室");
    assert_true(other > 0);
    r = api("POST", path, &unitadmin, json_pack("{s:s, s:I}", "name", "后院", "dept_id",
                                                (json_int_t)other));
    th_assert_error(r, 400, "bad_request", "dept_id");
    th_resp_free(r);
    want("POST", path, &unitadmin, json_pack("{s:s}", "category", "x"), 400);
    /* only the unit's admin manages them */
    want("POST", path, &member, json_pack("{s:s}", "name", "走廊"), 403);
    want("POST", path, &leader, json_pack("{s:s}", "name", "走廊"), 403);
    want("POST", path, &office, json_pack("{s:s}", "name", "走廊"), 403);
    char qs[96];
    upath(qs, sizeof qs, unit1, "areas");
    want("POST", qs, &qsadmin, json_pack("{s:s}", "name", "走廊"), 404);
    /* readers: the unit's accounts, the office above it; not the district, not evaluators */
    want("GET", path, &member, NULL, 200);
    want("GET", path, &leader, NULL, 200);
    want("GET", path, &office, NULL, 200);
    want("GET", path, &district, NULL, 404);
    want("GET", path, &evaluator, NULL, 404);
    want("GET", path, &qsadmin, NULL, 404);
    r = api("GET", path, &leader, NULL);
    assert_int_equal(json_array_size(json_object_get(r->json, "items")), 2);
    th_resp_free(r);
    /* a change: retired areas stay (listed with ?all=1) */
    int64_t yard = area_new("后院", "公共场所", 0);
    snprintf(one, sizeof one, "/api/v1/work/areas/%lld", (long long)yard);
    want("PATCH", one, &member, json_pack("{s:b}", "active", 0), 403);
    r = api("PATCH", one, &unitadmin, json_pack("{s:b, s:s}", "active", 0, "name", "后院停车场"));
    th_assert_status(r, 200);
    assert_false(json_is_true(json_object_get(r->json, "active")));
    assert_string_equal(th_jstr(r->json, "name"), "后院停车场");
    th_resp_free(r);
    want("PATCH", one, &unitadmin, json_pack("{s:s}", "name", "大门口"), 409);
    assert_int_equal(th_audit_count(&srv, &admin, "work.area.update"), 1);
    r = api("GET", path, &unitadmin, NULL);
    assert_int_equal(json_array_size(json_object_get(r->json, "items")), 2);
    th_resp_free(r);
    char all[128];
    snprintf(all, sizeof all, "%s?all=1", path);
    r = api("GET", all, &unitadmin, NULL);
    assert_int_equal(json_array_size(json_object_get(r->json, "items")), 3);
    th_resp_free(r);
    /* a department that still looks after an area is not removed: 409, not 500 */
    char dpath[96];
    snprintf(dpath, sizeof dpath, "/api/v1/units/%lld/depts/%lld", (long long)unit1,
             (long long)dept_hr);
    want("DELETE", dpath, &unitadmin, NULL, 409);
    /* a retired area is not inspected */
    r = inspect(&unitadmin, unit1, yard, "pass", "");
    th_assert_error(r, 400, "bad_request", "area_id");
    th_resp_free(r);
}

/* ---------------------------------------------------------------- inspections */

/* The rectification item of source inspection with source_id check, as c sees the list. */
static json_t *
rect_of(const struct th_cred *c, int64_t check)
{
    struct th_resp *r = api("GET", "/api/v1/rectifications", c, NULL);
    th_assert_status(r, 200);
    json_t *found = NULL;
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(r->json, "items"), i, x)
    {
        if (0 == strcmp(th_jstr(x, "source"), "inspection") && th_jint(x, "source_id") == check) {
            found = json_incref(x);
        }
    }
    th_resp_free(r);
    return found;
}

static void
test_inspection(void **state)
{
    (void)state;
    /* a department's user inspects its own area; a finding opens an item */
    struct th_resp *r = inspect(&member, unit1, area_door, "fix", "地面有烟头");
    th_assert_status(r, 201);
    int64_t id = th_jint(r->json, "id");
    assert_int_equal(th_jint(r->json, "fixes"), 1);
    assert_string_equal(th_jstr(r->json, "inspector_name"), "市司法局 办公室 刘");
    json_t *c = json_array_get(json_object_get(r->json, "checks"), 0);
    assert_string_equal(th_jstr(c, "result"), "fix");
    assert_string_equal(th_jstr(c, "dept_name"), "办公室");
    int64_t check = th_jint(c, "id");
    assert_true(th_jint(c, "rect_id") > 0);
    th_resp_free(r);
    json_t *item = rect_of(&unitadmin, check);
    assert_non_null(item);
    assert_non_null(strstr(th_jstr(item, "problem"), "大门口"));
    assert_non_null(strstr(th_jstr(item, "problem"), "地面有烟头"));
    assert_int_equal(th_jint(item, "dept_id"), dept_office);
    json_decref(item);
    assert_int_equal(th_audit_count(&srv, &admin, "work.inspection.create"), 1);
    /* another department's area: 403, and nothing stored */
    r = inspect(&member, unit1, area_hr, "pass", "");
    th_assert_error(r, 403, "forbidden", "area_id");
    th_resp_free(r);
    assert_int_equal(th_audit_count(&srv, &admin, "work.inspection.create"), 1);
    /* the unit's admin inspects any area; viewers and offices never record; another unit:
    ** not found */
    r = inspect(&unitadmin, unit1, area_hr, "pass", "");
    th_assert_status(r, 201);
    th_resp_free(r);
    r = inspect(&leader, unit1, area_door, "pass", "");
    th_assert_status(r, 403);
    th_resp_free(r);
    r = inspect(&office, unit1, area_door, "pass", "");
    th_assert_status(r, 403);
    th_resp_free(r);
    r = inspect(&qsadmin, unit1, area_door, "pass", "");
    th_assert_status(r, 404);
    th_resp_free(r);
    /* a result that is not one, an area of another unit */
    r = inspect(&unitadmin, unit1, area_door, "ok", "");
    th_assert_error(r, 400, "bad_request", "result");
    th_resp_free(r);
    /* reads */
    char one[64], list[96];
    snprintf(one, sizeof one, "/api/v1/work/inspections/%lld", (long long)id);
    upath(list, sizeof list, unit1, "inspections");
    want("GET", one, &leader, NULL, 200);
    want("GET", one, &office, NULL, 200);
    want("GET", one, &district, NULL, 404);
    want("GET", one, &evaluator, NULL, 404);
    want("GET", list, &evaluator, NULL, 404);
    r = api("GET", list, &leader, NULL);
    th_assert_status(r, 200);
    assert_int_equal(json_array_size(json_object_get(r->json, "items")), 2);
    th_resp_free(r);
}

/* ---------------------------------------------------------------- photos and the bulletin */

static void
set_leaves(void)
{
    char sql[256];
    snprintf(sql, sizeof sql,
             "INSERT INTO work_unit(unit_id, inspection_leaf, bulletin_leaf, updated_at) "
             "VALUES (%lld, '%s', '%s', 1)",
             (long long)unit1, PHOTO_LEAF, BULLETIN_LEAF);
    assert_int_equal(th_store_exec(&srv, sql), 0);
}

/* A multipart inspection of the door with a photo, as c. */
static struct th_resp *
inspect_photo(const struct th_cred *c)
{
    char path[96], res[32], note[32], photo[32];
    upath(path, sizeof path, unit1, "inspections");
    snprintf(res, sizeof res, "result_%lld", (long long)area_door);
    snprintf(note, sizeof note, "note_%lld", (long long)area_door);
    snprintf(photo, sizeof photo, "photo_%lld", (long long)area_door);
    const char *fields[] = {res, "fix", note, "垃圾桶满溢", "inspector_name", "刘检查", NULL};
    struct th_file f = {.field = photo, .name = "门口.png", .data = th_png1,
                        .len = sizeof th_png1};
    return th_upload(&srv, path, c, 0, &f, 1, fields);
}

static void
test_photo(void **state)
{
    (void)state;
    /* no inspection leaf set: refused, saying what to set */
    struct th_resp *r = inspect_photo(&member);
    th_assert_error(r, 409, "conflict", "photo");
    assert_non_null(strstr(r->body, "末级指标"));
    th_resp_free(r);
    char path[96];
    upath(path, sizeof path, unit1, "bulletins");
    r = api("POST", path, &unitadmin, json_pack("{s:s}", "week", "2026-12-01"));
    th_assert_error(r, 409, "conflict", "bulletin_leaf");
    th_resp_free(r);
    set_leaves();
    r = inspect_photo(&member);
    th_assert_status(r, 201);
    assert_string_equal(th_jstr(r->json, "inspector_name"), "刘检查");
    json_t *c = json_array_get(json_object_get(r->json, "checks"), 0);
    int64_t doc = th_jint(c, "photo_document_id");
    assert_true(doc > 0);
    assert_true(json_is_object(json_object_get(c, "photo")));
    th_resp_free(r);
    char dpath[64];
    snprintf(dpath, sizeof dpath, "/api/v1/documents/%lld", (long long)doc);
    r = api("GET", dpath, &unitadmin, NULL);
    th_assert_status(r, 200);
    assert_string_equal(th_jstr(r->json, "indicator_code"), PHOTO_LEAF);
    th_resp_free(r);
}

/* Build this week's bulletin and wait for it: the bulletin (caller decrefs). */
static json_t *
build(const char *day)
{
    char path[96];
    upath(path, sizeof path, unit1, "bulletins");
    struct th_resp *r = api("POST", path, &unitadmin, json_pack("{s:s}", "week", day));
    th_assert_status(r, 202);
    int64_t id = th_jint(r->json, "id"), job = th_jint(json_object_get(r->json, "job"), "id");
    assert_string_equal(th_jstr(r->json, "state"), "pending");
    assert_true(id > 0 && job > 0);
    th_resp_free(r);
    th_job_wait_done(&srv, &unitadmin, job);
    char one[64];
    snprintf(one, sizeof one, "/api/v1/work/bulletins/%lld", (long long)id);
    r = api("GET", one, &leader, NULL);
    th_assert_status(r, 200);
    json_t *b = json_incref(r->json);
    th_resp_free(r);
    assert_string_equal(th_jstr(b, "state"), "done");
    return b;
}

/* Today in Asia/Shanghai as YYYY-MM-DD. */
static void
today(char out[11])
{
    time_t t = time(NULL) + 8 * 3600;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

static void
test_bulletin(void **state)
{
    (void)state;
    char day[11];
    today(day);
    char path[96];
    upath(path, sizeof path, unit1, "bulletins");
    want("POST", path, &member, json_pack("{s:s}", "week", day), 403);
    want("POST", path, &leader, json_pack("{s:s}", "week", day), 403);
    want("POST", path, &unitadmin, json_pack("{s:s}", "week", "2026-13-01"), 400);
    json_t *b = build(day);
    int64_t doc = th_jint(b, "document_id");
    assert_true(doc > 0);
    assert_true(th_jint(b, "id") > 0);
    /* the PDF lists the week's findings with their departments */
    char cpath[96];
    snprintf(cpath, sizeof cpath, "/api/v1/documents/%lld/content", (long long)doc);
    struct th_resp *r = api("GET", cpath, &unitadmin, NULL);
    th_assert_status(r, 200);
    char *text = th_pdf_text(r->body, r->len);
    th_resp_free(r);
    if (text) {
        assert_non_null(strstr(text, "一周一通报"));
        assert_non_null(strstr(text, "市司法局"));
        assert_non_null(strstr(text, "地面有烟头"));
        assert_non_null(strstr(text, "垃圾桶满溢"));
        assert_non_null(strstr(text, "大门口"));
        assert_non_null(strstr(text, "办公室"));
        assert_non_null(strstr(text, "人教科"));
        free(text);
    }
    char dpath[64];
    snprintf(dpath, sizeof dpath, "/api/v1/documents/%lld", (long long)doc);
    r = api("GET", dpath, &unitadmin, NULL);
    th_assert_status(r, 200);
    assert_string_equal(th_jstr(r->json, "indicator_code"), BULLETIN_LEAF);
    th_resp_free(r);
    /* a new finding, built again: a new version of the same document */
    r = inspect(&unitadmin, unit1, area_hr, "fix", "档案柜未上锁");
    th_assert_status(r, 201);
    th_resp_free(r);
    json_t *again = build(day);
    assert_int_equal(th_jint(again, "id"), th_jint(b, "id"));
    assert_int_equal(th_jint(again, "document_id"), doc);
    char vpath[96];
    snprintf(vpath, sizeof vpath, "/api/v1/documents/%lld/versions", (long long)doc);
    r = api("GET", vpath, &unitadmin, NULL);
    th_assert_status(r, 200);
    json_t *vs = json_is_array(r->json) ? r->json : json_object_get(r->json, "items");
    assert_int_equal(json_array_size(vs), 2);
    th_resp_free(r);
    r = api("GET", cpath, &unitadmin, NULL);
    text = th_pdf_text(r->body, r->len);
    th_resp_free(r);
    if (text) {
        assert_non_null(strstr(text, "档案柜未上锁"));
        free(text);
    }
    assert_int_equal(th_audit_count(&srv, &admin, "work.bulletin.build"), 2);
    /* reads */
    r = api("GET", path, &office, NULL);
    th_assert_status(r, 200);
    assert_int_equal(json_array_size(json_object_get(r->json, "items")), 1);
    th_resp_free(r);
    want("GET", path, &evaluator, NULL, 404);
    want("GET", path, &district, NULL, 404);
    char one[64];
    snprintf(one, sizeof one, "/api/v1/work/bulletins/%lld", (long long)th_jint(b, "id"));
    want("GET", one, &evaluator, NULL, 404);
    json_decref(again);
    json_decref(b);
}

/* ---------------------------------------------------------------- pages */

static void
page_want(const char *path, const struct th_cred *c, long st, const char *has)
{
    struct th_resp *r = th_do(&srv, &(struct th_req){.method = "GET", .path = path, .cred = c,
                                                     .flags = TH_COOKIE});
    th_assert_status(r, st);
    if (has) {
        assert_non_null(strstr(r->body, has));
    }
    th_resp_free(r);
}

static void
test_pages(void **state)
{
    (void)state;
    char areas[64], list[64], form[80];
    snprintf(areas, sizeof areas, "/units/%lld/work/areas", (long long)unit1);
    snprintf(list, sizeof list, "/units/%lld/work/inspections", (long long)unit1);
    snprintf(form, sizeof form, "/units/%lld/work/inspections/new", (long long)unit1);
    page_want(areas, &unitadmin, 200, "area-new");
    page_want(areas, &leader, 200, "大门口");
    page_want(areas, &evaluator, 404, NULL);
    page_want(list, &unitadmin, 200, "生成本周通报");
    page_want(list, &office, 200, "已生成");
    page_want(list, &evaluator, 404, NULL);
    /* the member's form: its own department's areas only, the camera */
    struct th_resp *r = th_do(&srv, &(struct th_req){.method = "GET", .path = form,
                                                     .cred = &member, .flags = TH_COOKIE});
    th_assert_status(r, 200);
    assert_non_null(strstr(r->body, "大门口"));
    assert_null(strstr(r->body, "档案室"));
    assert_non_null(strstr(r->body, "capture=\"environment\""));
    th_resp_free(r);
    page_want(form, &leader, 403, NULL);
    /* the form posted: off to the inspection's page */
    char res[32];
    snprintf(res, sizeof res, "result_%lld", (long long)area_door);
    const char *fields[] = {res, "pass", NULL};
    char post[64];
    snprintf(post, sizeof post, "/units/%lld/work/inspections", (long long)unit1);
    r = th_upload(&srv, post, &member, TH_COOKIE, NULL, 0, fields);
    th_assert_status(r, 303);
    assert_non_null(strstr(th_header(r, "Location"), "/work/inspections/"));
    th_resp_free(r);
}

/* ---------------------------------------------------------------- a finding to its close */

/*
** The loop of the issue end to end: an inspection's finding opens a rectification item for
** the area's department; the department writes the corrective and preventive measures,
** uploads a photo of the corrected place as evidence (filed into the archive: the item has
** no leaf, so the unit's inspection leaf serves as its rect_leaf) and marks it done; the
** leadership verifies it and it is closed (已验收).
*/
static void
test_finding_to_close(void **state)
{
    (void)state;
    char sql[160];
    snprintf(sql, sizeof sql, "UPDATE work_unit SET rect_leaf = '%s' WHERE unit_id = %lld",
             PHOTO_LEAF, (long long)unit1);
    assert_int_equal(th_store_exec(&srv, sql), 0);
    struct th_resp *r = inspect(&member, unit1, area_door, "fix", "消防通道堆放纸箱");
    th_assert_status(r, 201);
    int64_t check = th_jint(json_array_get(json_object_get(r->json, "checks"), 0), "id");
    th_resp_free(r);
    json_t *item = rect_of(&member, check);
    assert_non_null(item);
    int64_t id = th_jint(item, "id");
    assert_string_equal(th_jstr(item, "state"), "open");
    json_decref(item);
    char path[96];
    snprintf(path, sizeof path, "/api/v1/rectifications/%lld", (long long)id);
    /* done before a corrective measure is written: refused */
    char step[128];
    snprintf(step, sizeof step, "%s/done", path);
    want("POST", step, &member, json_pack("{s:s}", "note", "已清理"), 400);
    want("PATCH", path, &member,
         json_pack("{s:s, s:s}", "corrective", "纸箱已清走", "preventive", "每日下班前巡查通道"),
         200);
    snprintf(step, sizeof step, "%s/evidence", path);
    struct th_file f = {.field = "file", .name = "通道.png", .data = th_png1,
                        .len = sizeof th_png1};
    const char *const fields[] = {"title", "整改后的消防通道", NULL};
    r = th_upload(&srv, step, &member, th_auth(&member), &f, 1, fields);
    th_assert_status(r, 201);
    int64_t doc = th_jint(json_array_get(json_object_get(r->json, "evidence"), 0), "document_id");
    assert_true(doc > 0);
    th_resp_free(r);
    char dpath[64];
    snprintf(dpath, sizeof dpath, "/api/v1/documents/%lld", (long long)doc);
    r = api("GET", dpath, &unitadmin, NULL);
    th_assert_status(r, 200);
    assert_string_equal(th_jstr(r->json, "indicator_code"), PHOTO_LEAF);
    th_resp_free(r);
    snprintf(step, sizeof step, "%s/done", path);
    want("POST", step, &member, json_pack("{s:s}", "note", "已清理"), 200);
    snprintf(step, sizeof step, "%s/verify", path);
    want("POST", step, &member, json_pack("{s:b}", "accept", 1), 403);
    want("POST", step, &unitadmin, json_pack("{s:b, s:s}", "accept", 1, "note", "复查合格"), 200);
    r = api("GET", path, &leader, NULL);
    th_assert_status(r, 200);
    assert_string_equal(th_jstr(r->json, "state"), "verified");
    assert_string_equal(th_jstr(r->json, "source"), "inspection");
    assert_string_equal(th_jstr(r->json, "corrective"), "纸箱已清走");
    assert_string_equal(th_jstr(r->json, "preventive"), "每日下班前巡查通道");
    assert_int_equal(json_array_size(json_object_get(r->json, "evidence")), 1);
    th_resp_free(r);
}

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
               {"evaluator", &evaluator}, {"unitadmin", &unitadmin}, {"member", &member},
               {"leader", &leader}};
    for (size_t i = 0; i < sizeof who / sizeof who[0]; i++) {
        if (201 != th_login(&srv, who[i].user, TH_DEMO_PW, who[i].c) ||
            th_make_token(&srv, who[i].c, "work") <= 0) {
            return -1;
        }
    }
    unit1 = th_unit_id(&srv, &admin, "DEMO001");
    qingshan = th_unit_id(&srv, &admin, "DEMO013");
    dept_office = dept_id(unit1, "办公室");
    dept_hr = dept_id(unit1, "人教科");
    if (0 == unit1 || 0 == qingshan || 0 == dept_office || 0 == dept_hr) {
        return -1;
    }
    /* the admin of 青山镇 */
    struct th_resp *r = api("POST", "/api/v1/users", &admin,
                            json_pack("{s:s, s:s, s:s, s:s, s:I}", "username", "qsadmin",
                                      "display_name", "青山镇 创建办 吴", "password", TH_DEMO_PW,
                                      "role", "unit_admin", "org_id", (json_int_t)qingshan));
    long st = r->status;
    th_resp_free(r);
    if (201 != st || 201 != th_login(&srv, "qsadmin", TH_DEMO_PW, &qsadmin) ||
        th_make_token(&srv, &qsadmin, "work") <= 0) {
        return -1;
    }
    return 0;
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
        cmocka_unit_test(test_areas),
        cmocka_unit_test(test_inspection),
        cmocka_unit_test(test_photo),
        cmocka_unit_test(test_bulletin),
        cmocka_unit_test(test_finding_to_close),
        cmocka_unit_test(test_pages),
    };
    int failed = cmocka_run_group_tests_name("work_inspect", tests, setup, teardown);
    th_done();
    return failed + th_teardown_failures;
}

/* end of test_http_work_inspect.c */
