/*
** test_http_work_meet.c — the creation work's meetings (issue 12) over real HTTP against
** `wenming serve --demo`, on SQLite and PostgreSQL: who reads and who writes meeting kinds
** and meetings, typed minutes filed as a PDF document in the kind's leaf (its text read
** back with pdftotext; edited minutes a new version of the same document), photos uploaded
** and filed, a meeting that cannot be filed saying why, the cadence per kind through the
** API on a pinned today (a missing quarter overdue; nothing owed before the unit's start
** day) and the pages.
**
** The demo jurisdiction: the city office (account office) holds 市司法局 (DEMO001: its
** unitadmin, member and leader accounts; leader is a unit_viewer); the account district
** belongs to 东城区文明办, which holds 青山镇 (DEMO013) but not 市司法局.  A unit_admin of
** 青山镇 is made here.
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

#define YEAR 2025
#define LEAF "1.1.1"

static struct th_server srv;
static struct th_cred admin, office, district, evaluator, unitadmin, member, leader, qsadmin;
static int64_t unit1;    /* DEMO001 市司法局, under the city office */
static int64_t qingshan; /* DEMO013 青山镇, 东城区 */

static struct th_resp *
api(const char *method, const char *path, const struct th_cred *c, json_t *body_steal)
{
    char *body = body_steal ? th_jdump(body_steal) : NULL;
    struct th_resp *r = th_api(&srv, method, path, c, th_auth(c), body);
    free(body);
    return r;
}

static void
api_want(const char *method,
         const char *path,
         const struct th_cred *c,
         json_t *body_steal,
         long want)
{
    struct th_resp *r = api(method, path, c, body_steal);
    th_assert_status(r, want);
    th_resp_free(r);
}

/* The unit's kinds (200 expected); caller decrefs. */
static json_t *
kinds_of(const struct th_cred *c, int64_t unit)
{
    char path[96];
    snprintf(path, sizeof path, "/api/v1/units/%lld/work/meeting-kinds", (long long)unit);
    struct th_resp *r = api("GET", path, c, NULL);
    th_assert_status(r, 200);
    json_t *items = json_incref(json_object_get(r->json, "items"));
    th_resp_free(r);
    return items;
}

/* The id of DEMO001's kind named name. */
static int64_t
kind_id(const char *name)
{
    json_t *ks = kinds_of(&unitadmin, unit1);
    int64_t id = 0;
    size_t i;
    json_t *k;
    json_array_foreach(ks, i, k)
    {
        id = 0 == strcmp(th_jstr(k, "name"), name) ? th_jint(k, "id") : id;
    }
    json_decref(ks);
    assert_true(id > 0);
    return id;
}

static void
kind_patch(int64_t id, json_t *body_steal, long want)
{
    char path[64];
    snprintf(path, sizeof path, "/api/v1/work/meeting-kinds/%lld", (long long)id);
    api_want("PATCH", path, &unitadmin, body_steal, want);
}

/* A meeting of DEMO001 recorded by its unitadmin (201 expected): its id. */
static int64_t
meeting_new(int64_t kind, const char *day, const char *title, const char *minutes)
{
    char path[96];
    snprintf(path, sizeof path, "/api/v1/units/%lld/work/meetings", (long long)unit1);
    struct th_resp *r = api("POST", path, &unitadmin,
                            json_pack("{s:I, s:s, s:s, s:s, s:s, s:s}", "kind_id", (json_int_t)kind,
                                      "held_on", day, "title", title, "place", "三楼会议室",
                                      "attendees", "张三、李四、王五", "minutes", minutes));
    th_assert_status(r, 201);
    int64_t id = th_jint(r->json, "id");
    th_resp_free(r);
    assert_true(id > 0);
    return id;
}

static json_t *
meeting_get(int64_t id, const struct th_cred *c)
{
    char path[64];
    snprintf(path, sizeof path, "/api/v1/work/meetings/%lld", (long long)id);
    struct th_resp *r = api("GET", path, c, NULL);
    th_assert_status(r, 200);
    json_t *m = json_incref(r->json);
    th_resp_free(r);
    return m;
}

/* The meeting once its typed minutes are filed as the document (a bounded number of polls:
** the job runs in the server), with at least versions versions of it. */
static json_t *
meeting_filed(int64_t id, int versions)
{
    for (int i = 0; i < 3000; i++) {
        json_t *m = meeting_get(id, &unitadmin);
        int64_t doc = th_jint(m, "minutes_document_id");
        if (0 == strcmp(th_jstr(m, "minutes_state"), "filed") && doc > 0) {
            char path[80];
            snprintf(path, sizeof path, "/api/v1/documents/%lld/versions", (long long)doc);
            struct th_resp *r = api("GET", path, &unitadmin, NULL);
            th_assert_status(r, 200);
            bool enough = json_array_size(json_object_get(r->json, "items")) >= (size_t)versions;
            th_resp_free(r);
            if (enough) {
                return m;
            }
        }
        json_decref(m);
        usleep(20000);
    }
    th_server_log_tail(&srv, 30);
    fail_msg("the minutes of meeting %lld were never filed", (long long)id);
    return NULL;
}

/* ---------------------------------------------------------------- tests */

static void
test_permissions(void **state)
{
    (void)state;
    char kinds[96], meetings[96], path[96];
    snprintf(kinds, sizeof kinds, "/api/v1/units/%lld/work/meeting-kinds", (long long)unit1);
    snprintf(meetings, sizeof meetings, "/api/v1/units/%lld/work/meetings", (long long)unit1);
    /* the defaults, made with the unit */
    json_t *ks = kinds_of(&leader, unit1);
    assert_int_equal(json_array_size(ks), 3);
    assert_string_equal(th_jstr(json_array_get(ks, 0), "name"), "领导小组会议");
    assert_string_equal(th_jstr(json_array_get(ks, 0), "period"), "quarterly");
    assert_string_equal(th_jstr(json_array_get(ks, 1), "name"), "工作分析会");
    assert_string_equal(th_jstr(json_array_get(ks, 1), "period"), "monthly");
    assert_string_equal(th_jstr(json_array_get(ks, 2), "name"), "半年总结会");
    assert_string_equal(th_jstr(json_array_get(ks, 2), "period"), "half-yearly");
    assert_int_equal(th_jint(json_array_get(ks, 2), "min_count"), 1);
    json_decref(ks);
    json_decref(kinds_of(&member, unit1));
    json_decref(kinds_of(&office, unit1));
    json_decref(kinds_of(&admin, unit1));
    /* out of scope: another district's office, another unit's admin, an evaluator */
    api_want("GET", kinds, &district, NULL, 404);
    api_want("GET", kinds, &qsadmin, NULL, 404);
    api_want("GET", kinds, &evaluator, NULL, 404);
    api_want("GET", meetings, &evaluator, NULL, 404);
    /* only the unit's admin writes */
    int64_t lead = kind_id("领导小组会议");
    json_t *body = json_pack("{s:I, s:s, s:s}", "kind_id", (json_int_t)lead, "held_on",
                             "2025-03-02", "title", "权限测试会");
    api_want("POST", meetings, &member, json_incref(body), 403);
    api_want("POST", meetings, &leader, json_incref(body), 403);
    api_want("POST", meetings, &office, json_incref(body), 403);
    api_want("POST", meetings, &qsadmin, json_incref(body), 404);
    api_want("POST", kinds, &member, json_pack("{s:s}", "name", "x"), 403);
    /* a kind of another unit, a bad day or no title: 400 naming the field */
    json_t *qk = kinds_of(&qsadmin, qingshan);
    struct th_resp *r = api("POST", meetings, &unitadmin,
                            json_pack("{s:I, s:s, s:s}", "kind_id",
                                      (json_int_t)th_jint(json_array_get(qk, 0), "id"), "held_on",
                                      "2025-03-02", "title", "x"));
    th_assert_error(r, 400, "bad_request", "kind_id");
    th_resp_free(r);
    json_decref(qk);
    r = api("POST", meetings, &unitadmin,
            json_pack("{s:I, s:s, s:s}", "kind_id", (json_int_t)lead, "held_on", "2025-02-30",
                      "title", "x"));
    th_assert_error(r, 400, "bad_request", "held_on");
    th_resp_free(r);
    int64_t id = 0;
    r = api("POST", meetings, &unitadmin, body);
    th_assert_status(r, 201);
    id = th_jint(r->json, "id");
    assert_string_equal(th_jstr(r->json, "kind_name"), "领导小组会议");
    th_resp_free(r);
    snprintf(path, sizeof path, "/api/v1/work/meetings/%lld", (long long)id);
    json_decref(meeting_get(id, &leader));
    json_decref(meeting_get(id, &member));
    json_decref(meeting_get(id, &office));
    api_want("GET", path, &district, NULL, 404);
    api_want("GET", path, &evaluator, NULL, 404);
    api_want("GET", path, &qsadmin, NULL, 404);
    api_want("PATCH", path, &member, json_pack("{s:s}", "place", "x"), 403);
    api_want("PATCH", path, &qsadmin, json_pack("{s:s}", "place", "x"), 404);
    api_want("PATCH", path, &unitadmin, json_pack("{s:s}", "place", "二楼会议室"), 200);
    json_t *m = meeting_get(id, &leader);
    assert_string_equal(th_jstr(m, "place"), "二楼会议室");
    assert_string_equal(th_jstr(m, "title"), "权限测试会");
    json_decref(m);
    /* a kind's leaf must be a leaf of the year's archive */
    r = api("PATCH", "/api/v1/work/meeting-kinds/999999", &unitadmin,
            json_pack("{s:i}", "min_count", 2));
    th_assert_status(r, 404);
    th_resp_free(r);
    snprintf(path, sizeof path, "/api/v1/work/meeting-kinds/%lld", (long long)lead);
    r = api("PATCH", path, &unitadmin, json_pack("{s:s, s:i}", "leaf_code", "9.9.9", "year", YEAR));
    th_assert_error(r, 400, "bad_request", "leaf_code");
    th_resp_free(r);
    r = api("PATCH", path, &unitadmin, json_pack("{s:s, s:i}", "leaf_code", LEAF, "year", 2019));
    th_assert_error(r, 400, "bad_request", "leaf_code"); /* no archive for 2019 */
    th_resp_free(r);
    api_want("PATCH", path, &office, json_pack("{s:i}", "min_count", 2), 403);
    r = api("POST", kinds, &unitadmin,
            json_pack("{s:s, s:s}", "name", "领导小组会议", "period", "monthly"));
    th_assert_status(r, 409);
    th_resp_free(r);
    /* audited */
    r = api("GET", "/api/v1/audit?action=work.meeting.create", &admin, NULL);
    th_assert_status(r, 200);
    assert_true(json_array_size(json_object_get(r->json, "items")) >= 1);
    th_resp_free(r);
}

static void
test_defaults_made_with_unit(void **state)
{
    (void)state;
    size_t before = th_audit_count(&srv, &admin, "work.meeting_kind.defaults");
    /* reading, even by the office, writes nothing */
    json_decref(kinds_of(&office, unit1));
    json_decref(kinds_of(&unitadmin, unit1));
    assert_int_equal(th_audit_count(&srv, &admin, "work.meeting_kind.defaults"), before);
    /* a new unit has them at once, audited with its creation */
    struct th_resp *r = api("POST", "/api/v1/units", &office,
                            json_pack("{s:s, s:s, s:s, s:I}", "name", "会议类型测试单位", "code",
                                      "MEET-KINDS-1", "type", "机关", "parent_id",
                                      (json_int_t)office.org_id));
    th_assert_status(r, 201);
    int64_t u = th_jint(r->json, "id");
    th_resp_free(r);
    assert_int_equal(th_audit_count(&srv, &admin, "work.meeting_kind.defaults"), before + 1);
    json_t *ks = kinds_of(&office, u);
    assert_int_equal(json_array_size(ks), 3);
    assert_string_equal(th_jstr(json_array_get(ks, 0), "name"), "领导小组会议");
    json_decref(ks);
    assert_int_equal(th_audit_count(&srv, &admin, "work.meeting_kind.defaults"), before + 1);
}

static void
test_minutes_filed(void **state)
{
    (void)state;
    int64_t lead = kind_id("领导小组会议");
    kind_patch(lead, json_pack("{s:s, s:i}", "leaf_code", LEAF, "year", YEAR), 200);
    int64_t id = meeting_new(
        lead, "2025-03-02", "第一季度领导小组会议",
        "一、传达上级文件精神。\n二、部署第二季度创建工作，各科室对照测评体系逐项落实。");
    json_t *m = meeting_filed(id, 1);
    int64_t doc = th_jint(m, "minutes_document_id");
    json_t *docs = json_object_get(m, "documents");
    assert_int_equal(json_array_size(docs), 1);
    assert_int_equal(th_jint(json_array_get(docs, 0), "document_id"), doc);
    assert_string_equal(th_jstr(json_array_get(docs, 0), "role"), "minutes");
    assert_string_equal(th_jstr(json_array_get(docs, 0), "indicator_code"), LEAF);
    json_decref(m);
    /* in the archive's leaf, under its name */
    char path[160];
    snprintf(path, sizeof path, "/api/v1/units/%lld/archives/%d/indicators/%s/documents",
             (long long)unit1, YEAR, LEAF);
    struct th_resp *r = api("GET", path, &leader, NULL);
    th_assert_status(r, 200);
    bool found = false;
    size_t i;
    json_t *d;
    json_array_foreach(json_object_get(r->json, "items"), i, d)
    {
        if (th_jint(d, "id") == doc) {
            found = true;
            assert_string_equal(th_jstr(d, "title"), "会议纪要：第一季度领导小组会议");
            assert_string_equal(th_jstr(d, "date_formed"), "2025-03-02");
            assert_non_null(strstr(th_jstr(d, "name"), "会议纪要：第一季度领导小组会议"));
        }
    }
    th_resp_free(r);
    assert_true(found);
    char *text = th_doc_pdf_text(&srv, &unitadmin, doc);
    if (text) {
        assert_non_null(strstr(text, "会议纪要"));
        assert_non_null(strstr(text, "第一季度领导小组会议"));
        assert_non_null(strstr(text, "三楼会议室"));
        assert_non_null(strstr(text, "张三、李四、王五"));
        assert_non_null(strstr(text, "传达上级文件精神"));
        free(text);
    }
    /* edited minutes: a new version of the same document */
    snprintf(path, sizeof path, "/api/v1/work/meetings/%lld", (long long)id);
    api_want("PATCH", path, &unitadmin,
             json_pack("{s:s}", "minutes", "三、会议决定增设志愿服务岗。"), 200);
    m = meeting_filed(id, 2);
    assert_int_equal(th_jint(m, "minutes_document_id"), doc);
    assert_int_equal(json_array_size(json_object_get(m, "documents")), 1);
    json_decref(m);
    text = th_doc_pdf_text(&srv, &unitadmin, doc);
    if (text) {
        assert_non_null(strstr(text, "增设志愿服务岗"));
        assert_null(strstr(text, "传达上级文件精神"));
        free(text);
    }
    /* a new title: a new version of the same document, which takes the new title */
    api_want("PATCH", path, &unitadmin, json_pack("{s:s}", "title", "第一季度领导小组扩大会议"),
             200);
    m = meeting_filed(id, 3);
    assert_int_equal(th_jint(m, "minutes_document_id"), doc);
    json_decref(m);
    snprintf(path, sizeof path, "/api/v1/documents/%lld", (long long)doc);
    r = th_api(&srv, "GET", path, &unitadmin, th_auth(&unitadmin), NULL);
    th_assert_status(r, 200);
    assert_string_equal(th_jstr(r->json, "title"), "会议纪要：第一季度领导小组扩大会议");
    th_resp_free(r);
    /* the document's page names its source */
    snprintf(path, sizeof path, "/documents/%lld", (long long)doc);
    struct th_req q = { .method = "GET", .path = path, .cred = &leader, .flags = TH_COOKIE };
    r = th_do(&srv, &q);
    th_assert_status(r, 200);
    char link[64];
    snprintf(link, sizeof link, "href=\"/work/meetings/%lld\"", (long long)id);
    assert_non_null(strstr(r->body, "来源："));
    assert_non_null(strstr(r->body, link));
    assert_non_null(strstr(r->body, "会议：2025-03-02 领导小组会议"));
    th_resp_free(r);
}

static void
test_photos_and_unfiled(void **state)
{
    (void)state;
    int64_t lead = kind_id("领导小组会议");
    kind_patch(lead, json_pack("{s:s, s:i}", "leaf_code", LEAF, "year", YEAR), 200);
    int64_t id = meeting_new(lead, "2025-06-20", "第二季度领导小组会议", "");
    char path[80];
    snprintf(path, sizeof path, "/api/v1/work/meetings/%lld/files", (long long)id);
    struct th_file f = {
        .field = "photo", .name = "会场.png", .data = th_png1, .len = sizeof th_png1
    };
    struct th_resp *r = th_upload(&srv, path, &member, 0, &f, 1, NULL);
    th_assert_status(r, 403);
    th_resp_free(r);
    r = th_upload(&srv, path, &unitadmin, 0, &f, 1, NULL);
    th_assert_status(r, 201);
    json_t *docs = json_object_get(r->json, "documents");
    assert_int_equal(json_array_size(docs), 1);
    assert_string_equal(th_jstr(json_array_get(docs, 0), "role"), "photo");
    assert_string_equal(th_jstr(json_array_get(docs, 0), "indicator_code"), LEAF);
    assert_string_equal(th_jstr(r->json, "minutes_state"), "none");
    th_resp_free(r);
    /* a kind without a leaf: the meeting is kept, not filed, and says what to set */
    int64_t half = kind_id("半年总结会");
    int64_t un = meeting_new(half, "2025-07-01", "上半年总结会", "上半年工作总结。");
    json_t *m = meeting_get(un, &leader);
    assert_false(json_is_true(json_object_get(m, "fileable")));
    assert_string_equal(th_jstr(m, "minutes_state"), "unfiled");
    assert_non_null(strstr(th_jstr(m, "unfiled_reason"), "未设置归档指标"));
    json_decref(m);
    snprintf(path, sizeof path, "/api/v1/work/meetings/%lld/files", (long long)un);
    r = th_upload(&srv, path, &unitadmin, 0, &f, 1, NULL);
    th_assert_status(r, 409);
    th_resp_free(r);
    /* a year without an archive: says so */
    int64_t old = meeting_new(lead, "2024-05-06", "往年会议", "");
    m = meeting_get(old, &leader);
    assert_non_null(strstr(th_jstr(m, "unfiled_reason"), "2024 年度档案尚未建立"));
    json_decref(m);
    /* the meeting's page says it too */
    snprintf(path, sizeof path, "/work/meetings/%lld", (long long)un);
    struct th_req q = { .method = "GET", .path = path, .cred = &unitadmin, .flags = TH_COOKIE };
    r = th_do(&srv, &q);
    th_assert_status(r, 200);
    assert_non_null(strstr(r->body, "未归档："));
    assert_non_null(strstr(r->body, "未设置归档指标"));
    th_resp_free(r);
    /* the leaf set on the kind: its meeting's typed minutes are filed without a second step */
    kind_patch(half, json_pack("{s:s, s:i}", "leaf_code", LEAF, "year", YEAR), 200);
    m = meeting_filed(un, 1);
    assert_true(json_is_true(json_object_get(m, "fileable")));
    assert_int_equal(json_array_size(json_object_get(m, "documents")), 1);
    json_decref(m);
}

/* The periods of the kind named name in a cadence answer. */
static const json_t *
cadence_kind(const json_t *cad, const char *name)
{
    size_t i;
    json_t *k;
    json_array_foreach(json_object_get(cad, "kinds"), i, k)
    {
        if (0 == strcmp(th_jstr(k, "name"), name)) {
            return k;
        }
    }
    fail_msg("no kind %s", name);
    return NULL;
}

static void
test_cadence(void **state)
{
    (void)state;
    char path[128], kinds[96];
    snprintf(kinds, sizeof kinds, "/api/v1/units/%lld/work/meeting-kinds", (long long)unit1);
    struct th_resp *r = api(
        "POST", kinds, &unitadmin,
        json_pack("{s:s, s:s, s:i}", "name", "季度测试会", "period", "quarterly", "min_count", 1));
    th_assert_status(r, 201);
    int64_t k = th_jint(r->json, "id");
    th_resp_free(r);
    meeting_new(k, "2025-02-10", "一季度测试会", "");
    meeting_new(k, "2025-07-05", "三季度测试会", "");
    meeting_new(k, "2024-12-31", "去年的测试会", "");
    snprintf(path, sizeof path, "/api/v1/units/%lld/work/meetings/cadence?year=%d&today=2025-08-15",
             (long long)unit1, YEAR);
    /* the unit was made today: it owes nothing for 2025 */
    r = api("GET", path, &leader, NULL);
    th_assert_status(r, 200);
    const json_t *c = cadence_kind(r->json, "季度测试会");
    assert_int_equal(th_jint(c, "owed"), 0);
    assert_int_equal(th_jint(c, "late"), 0);
    th_resp_free(r);
    /* its creation work started on 1 January 2025 (the settings wplan edits) */
    char sql[160];
    snprintf(sql, sizeof sql,
             "INSERT INTO work_unit(unit_id, start_on, updated_at) VALUES (%lld, '2025-01-01', 0)",
             (long long)unit1);
    assert_int_equal(th_store_exec(&srv, sql), 0);
    r = api("GET", path, &office, NULL);
    th_assert_status(r, 200);
    assert_string_equal(th_jstr(r->json, "today"), "2025-08-15");
    assert_string_equal(th_jstr(r->json, "start_on"), "2025-01-01");
    c = cadence_kind(r->json, "季度测试会");
    assert_int_equal(th_jint(c, "owed"), 4);
    assert_int_equal(th_jint(c, "meetings"), 2); /* 2024's is not counted */
    assert_int_equal(th_jint(c, "late"), 1);
    const json_t *ps = json_object_get(c, "periods");
    assert_int_equal(json_array_size(ps), 4);
    static const char *const want[][3] = {
        { "Q1", "met", "1" }, { "Q2", "late", "0" }, { "Q3", "met", "1" }, { "Q4", "future", "0" }
    };
    for (size_t i = 0; i < 4; i++) {
        const json_t *p = json_array_get(ps, i);
        assert_string_equal(th_jstr(p, "period"), want[i][0]);
        assert_string_equal(th_jstr(p, "state"), want[i][1]);
        assert_int_equal(th_jint(p, "held"), strtol(want[i][2], NULL, 10));
        assert_int_equal(th_jint(p, "owed"), 1);
        assert_int_equal(json_is_true(json_object_get(p, "late")), 1 == i);
        assert_int_equal(json_is_true(json_object_get(p, "current")), 2 == i);
    }
    assert_string_equal(th_jstr(json_array_get(ps, 1), "start"), "2025-04-01");
    assert_string_equal(th_jstr(json_array_get(ps, 1), "end"), "2025-06-30");
    /* the monthly analysis meetings: none held, so January to July are late */
    c = cadence_kind(r->json, "工作分析会");
    assert_int_equal(th_jint(c, "late"), 7);
    th_resp_free(r);
    api_want("GET", path, &evaluator, NULL, 404);
    api_want("GET", path, &district, NULL, 404);
    snprintf(path, sizeof path, "/api/v1/units/%lld/work/meetings/cadence?today=2025-13-01",
             (long long)unit1);
    api_want("GET", path, &leader, NULL, 400);
    /* the list by year and kind */
    snprintf(path, sizeof path, "/api/v1/units/%lld/work/meetings?year=%d&kind=%lld",
             (long long)unit1, YEAR, (long long)k);
    r = api("GET", path, &member, NULL);
    th_assert_status(r, 200);
    assert_int_equal(json_array_size(json_object_get(r->json, "items")), 2);
    assert_string_equal(th_jstr(json_array_get(json_object_get(r->json, "items"), 0), "held_on"),
                        "2025-07-05");
    th_resp_free(r);
    /* the page marks the missing quarter 逾期 (a year that is over) */
    snprintf(path, sizeof path, "/units/%lld/work/meetings?year=%d", (long long)unit1, YEAR);
    struct th_req q = { .method = "GET", .path = path, .cred = &leader, .flags = TH_COOKIE };
    r = th_do(&srv, &q);
    th_assert_status(r, 200);
    assert_non_null(strstr(r->body, "季度测试会"));
    assert_non_null(strstr(r->body, "period-late"));
    assert_non_null(strstr(r->body, "逾期"));
    assert_null(strstr(r->body, "action=\"/units/")); /* a viewer gets no forms */
    th_resp_free(r);
    q.cred = &unitadmin;
    r = th_do(&srv, &q);
    th_assert_status(r, 200);
    snprintf(path, sizeof path, "action=\"/units/%lld/work/meetings\"", (long long)unit1);
    assert_non_null(strstr(r->body, path));
    th_resp_free(r);
}

static void
test_page_forms(void **state)
{
    (void)state;
    char path[96], fields[400];
    int64_t lead = kind_id("领导小组会议");
    snprintf(path, sizeof path, "/units/%lld/work/meetings", (long long)unit1);
    snprintf(
        fields, sizeof fields,
        "kind_id=%lld&held_on=2025-10-09&title=%%E7%%AC%%AC%%E5%%9B%%9B%%E5%%AD%%A3%%E5%%BA%%A6"
        "&place=&attendees=&minutes=",
        (long long)lead);
    struct th_resp *r = th_form(&srv, path, &unitadmin, fields);
    th_assert_status(r, 303);
    assert_non_null(strstr(th_header(r, "Location"), "/work/meetings/"));
    th_resp_free(r);
    /* a bad day goes back with the message */
    snprintf(fields, sizeof fields, "kind_id=%lld&held_on=x&title=t", (long long)lead);
    r = th_form(&srv, path, &unitadmin, fields);
    th_assert_status(r, 303);
    assert_non_null(strstr(th_header(r, "Location"), "err=1"));
    th_resp_free(r);
    r = th_form(&srv, path, &leader, fields);
    th_assert_status(r, 403);
    th_resp_free(r);
}

static void
test_graceful_stop(void **state)
{
    (void)state;
    assert_int_equal(th_server_stop(&srv), 0);
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
    } who[] = { { "admin", &admin },         { "office", &office },       { "district", &district },
                { "evaluator", &evaluator }, { "unitadmin", &unitadmin }, { "member", &member },
                { "leader", &leader } };

    for (size_t i = 0; i < sizeof who / sizeof who[0]; i++) {
        if (201 != th_login(&srv, who[i].user, TH_DEMO_PW, who[i].c) ||
            th_make_token(&srv, who[i].c, "meet") <= 0) {
            return -1;
        }
    }
    unit1 = th_unit_id(&srv, &admin, "DEMO001");
    qingshan = th_unit_id(&srv, &admin, "DEMO013");
    if (0 == unit1 || 0 == qingshan || !th_archive_create(&srv, &admin, unit1, YEAR)) {
        return -1;
    }
    struct th_resp *r = api("POST", "/api/v1/users", &admin,
                            json_pack("{s:s, s:s, s:s, s:s, s:I}", "username", "qsadmin",
                                      "display_name", "青山镇 创建办", "password", TH_DEMO_PW,
                                      "role", "unit_admin", "org_id", (json_int_t)qingshan));
    long st = r->status;
    th_resp_free(r);
    if (201 != st || 201 != th_login(&srv, "qsadmin", TH_DEMO_PW, &qsadmin) ||
        th_make_token(&srv, &qsadmin, "meet") <= 0) {
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
        cmocka_unit_test(test_permissions),        cmocka_unit_test(test_defaults_made_with_unit),
        cmocka_unit_test(test_minutes_filed),
        cmocka_unit_test(test_photos_and_unfiled), cmocka_unit_test(test_cadence),
        cmocka_unit_test(test_page_forms),         cmocka_unit_test(test_graceful_stop),
    };
    int failed = cmocka_run_group_tests_name("work_meet", tests, setup, teardown);
    th_done();
    return failed + th_teardown_failures;
}

/* end of test_http_work_meet.c */
