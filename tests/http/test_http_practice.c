/*
** test_http_practice.c — good practice (经验做法, issue 9) over real HTTP against
** `wenming serve --demo`: featuring (only approved documents, only office staff of the
** jurisdiction), who sees a featured item (the units under the featuring office, not those
** of another district), the featured document's content for them while everything else of
** that unit stays out of sight, filters, withdrawal, the 经验交流 page and its forms, and
** the 经验交流汇编: a job makes the PDF, whose text (pdftotext) holds the cover title and the
** item's title.
**
** The demo jurisdiction: the city office (account office) holds 市司法局 (DEMO001)
** directly and three district offices; 东城区文明办 (account district) holds 青山镇
** (DEMO013); 柳河镇 (DEMO014) is 西湖区's.  The test adds a second unit of 东城区, an account
** for each unit (and for 青山镇, which is told when its document is featured) and an office
** account of 西湖区.
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

#define YEAR 2021

static struct th_server srv;
static struct th_cred admin, office, district, xihu, evaluator, member, dc2, lh, qs;
static int64_t unit1;    /* DEMO001 市司法局, under the city office */
static int64_t qingshan; /* DEMO013 青山镇, 东城区 */
static int64_t dcunit;   /* a second unit of 东城区 (account dc2) */
static int64_t liuhe;    /* DEMO014 柳河镇, 西湖区 (account lh) */
static unsigned seq;

static struct th_resp *
api(const char *method, const char *path, const struct th_cred *c, json_t *body_steal)
{
    char *body = body_steal ? th_jdump(body_steal) : NULL;
    struct th_resp *r = th_api(&srv, method, path, c, th_auth(c), body);
    free(body);
    return r;
}

static void
api_want(const char *method, const char *path, const struct th_cred *c, json_t *body_steal,
         long want)
{
    struct th_resp *r = api(method, path, c, body_steal);
    th_assert_status(r, want);
    th_resp_free(r);
}

/* Upload a file titled title into leaf 1.1.1 of unit (as admin): its id. */
static int64_t
upload_file(int64_t unit, const char *title, const char *name, const void *data, size_t len)
{
    char path[160];
    snprintf(path, sizeof path, "/api/v1/units/%lld/archives/%d/indicators/1.1.1/documents",
             (long long)unit, YEAR);
    struct th_file f = {.name = name, .data = data, .len = len};
    struct th_resp *r = th_upload(&srv, path, &admin, TH_BEARER, &f, 1, NULL);
    th_assert_status(r, 201);
    int64_t id = th_jint(json_array_get(json_object_get(r->json, "items"), 0), "id");
    th_resp_free(r);
    assert_true(id > 0);
    snprintf(path, sizeof path, "/api/v1/documents/%lld", (long long)id);
    api_want("PATCH", path, &admin, json_pack("{s:s}", "title", title), 200);
    return id;
}

/* Upload a fresh PDF (of no page) titled title into leaf 1.1.1 of unit: its id. */
static int64_t
upload(int64_t unit, const char *title)
{
    char tag[32];
    snprintf(tag, sizeof tag, "经验 %u", ++seq);
    struct bytes b = pdf_make(tag, 600);
    int64_t id = upload_file(unit, title, "材料.pdf", b.p, b.n);
    free(b.p);
    return id;
}

/* A one-page PDF that says text (poppler rebuilds the missing cross-reference table). */
static struct bytes
pdf_page(const char *text)
{
    struct bytes b = {0}, content = {0};
    bytes_addf(&content, "BT /F1 24 Tf 72 700 Td (%s) Tj ET", text);
    bytes_addf(&b, "%%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
                   "2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
                   "3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R"
                   "/Resources<</Font<</F1 5 0 R>>>>>>endobj\n"
                   "4 0 obj<</Length %zu>>stream\n%s\nendstream endobj\n"
                   "5 0 obj<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>endobj\n"
                   "trailer<</Root 1 0 R>>\n%%%%EOF\n",
               content.n, content.p);
    free(content.p);
    return b;
}

static void
doc_act(int64_t id, const char *what, const struct th_cred *c)
{
    char path[96];
    snprintf(path, sizeof path, "/api/v1/documents/%lld/%s", (long long)id, what);
    api_want("POST", path, c, NULL, 200);
}

/* A document submitted (by admin) and approved by c. */
static int64_t
approved(int64_t unit, const char *title, const struct th_cred *c)
{
    int64_t id = upload(unit, title);
    doc_act(id, "submit", &admin);
    doc_act(id, "approve", c);
    return id;
}

/* POST /api/v1/documents/{id}/feature as c: the answer. */
static struct th_resp *
feature(int64_t doc, const struct th_cred *c, const char *note, const char *category)
{
    char path[96];
    snprintf(path, sizeof path, "/api/v1/documents/%lld/feature", (long long)doc);
    return api("POST", path, c, json_pack("{s:s, s:s}", "note", note, "category", category));
}

static int64_t
feature_ok(int64_t doc, const struct th_cred *c, const char *note, const char *category)
{
    struct th_resp *r = feature(doc, c, note, category);
    th_assert_status(r, 201);
    int64_t id = th_jint(r->json, "id");
    assert_int_equal(th_jint(r->json, "document_id"), doc);
    assert_non_null(strchr(th_jstr(r->json, "at"), 'T')); /* RFC 3339 */
    assert_null(json_object_get(r->json, "unit_path"));
    assert_null(json_object_get(r->json, "office_path"));
    th_resp_free(r);
    return id;
}

/* Whether GET /api/v1/practice[query] as c lists item id. */
static bool
lists(const struct th_cred *c, const char *query, int64_t id)
{
    char path[256];
    snprintf(path, sizeof path, "/api/v1/practice%s", query);
    struct th_resp *r = api("GET", path, c, NULL);
    th_assert_status(r, 200);
    bool found = false;
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(r->json, "items"), i, x)
    {
        found = found || th_jint(x, "id") == id;
    }
    th_resp_free(r);
    return found;
}

static void
item_get_want(int64_t id, const char *suffix, const struct th_cred *c, long want)
{
    char path[96];
    snprintf(path, sizeof path, "/api/v1/practice/%lld%s", (long long)id, suffix);
    api_want("GET", path, c, NULL, want);
}

/* ---------------------------------------------------------------- tests */

static void
test_feature_rules(void **state)
{
    (void)state;
    int64_t d = upload(qingshan, "未审核的材料");
    /* not approved: a conflict that says why */
    struct th_resp *r = feature(d, &district, "好", "阅读推广");
    th_assert_status(r, 409);
    assert_non_null(strstr(r->body, "审核通过"));
    th_resp_free(r);
    doc_act(d, "submit", &admin);
    r = feature(d, &district, "好", "阅读推广");
    th_assert_status(r, 409);
    th_resp_free(r);
    doc_act(d, "approve", &district);
    /* units and evaluators do not feature; another district's office does not see it */
    r = feature(d, &member, "好", "阅读推广");
    th_assert_status(r, 403);
    th_resp_free(r);
    r = feature(d, &evaluator, "好", "阅读推广");
    th_assert_status(r, 403);
    th_resp_free(r);
    r = feature(d, &xihu, "好", "阅读推广");
    th_assert_status(r, 404);
    th_resp_free(r);
    /* fields: required, bounded */
    r = feature(d, &district, "", "阅读推广");
    th_assert_error(r, 400, "bad_request", "note");
    th_resp_free(r);
    char path[96];
    snprintf(path, sizeof path, "/api/v1/documents/%lld/feature", (long long)d);
    api_want("POST", path, &district, json_pack("{s:s}", "note", "缺类别"), 400);
    /* featured once; a second time is a conflict */
    int64_t id = feature_ok(d, &district, "做法新颖", "阅读推广");
    r = feature(d, &office, "再次", "阅读推广");
    th_assert_status(r, 409);
    th_resp_free(r);
    /* edit: the note changes, the city may edit what a district below it featured, the
    ** district's peer (xihu) does not see it */
    snprintf(path, sizeof path, "/api/v1/practice/%lld", (long long)id);
    r = api("PATCH", path, &district, json_pack("{s:s}", "note", "改过的推荐说明"));
    th_assert_status(r, 200);
    assert_string_equal(th_jstr(r->json, "note"), "改过的推荐说明");
    assert_string_equal(th_jstr(r->json, "category"), "阅读推广");
    th_resp_free(r);
    api_want("PATCH", path, &office, json_pack("{s:s}", "category", "阅读推广"), 200);
    api_want("PATCH", path, &xihu, json_pack("{s:s}", "note", "x"), 404);
    api_want("PATCH", path, &dc2, json_pack("{s:s}", "note", "x"), 403);
    /* the unit is told */
    r = api("GET", "/api/v1/notifications", &qs, NULL);
    th_assert_status(r, 200);
    bool told = false;
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(r->json, "items"), i, x)
    {
        told = told || 0 == strcmp(th_jstr(x, "kind"), "featured");
    }
    assert_true(told);
    th_resp_free(r);
    /* audited */
    r = api("GET", "/api/v1/audit?action=practice.feature", &admin, NULL);
    th_assert_status(r, 200);
    assert_true(json_array_size(json_object_get(r->json, "items")) > 0);
    th_resp_free(r);
}

static void
test_sight(void **state)
{
    (void)state;
    int64_t d = approved(qingshan, "青山镇读书月活动", &district);
    int64_t other = upload(qingshan, "青山镇未推荐的材料");
    int64_t id = feature_ok(d, &district, "东城区推荐", "阅读推广");
    /* the city's own unit, featured by the city: every unit of the city sees it */
    int64_t dc = approved(unit1, "市司法局普法做法", &office);
    int64_t cid = feature_ok(dc, &office, "全市推荐", "普法宣传");
    /* the district's item: its units and the offices above, not another district's unit */
    assert_true(lists(&district, "", id));
    assert_true(lists(&office, "", id));
    assert_true(lists(&admin, "", id));
    assert_true(lists(&dc2, "", id));
    assert_false(lists(&lh, "", id));
    assert_false(lists(&xihu, "", id));
    assert_false(lists(&member, "", id));
    assert_false(lists(&evaluator, "", id));
    /* the city's item: every unit below the city */
    assert_true(lists(&lh, "", cid));
    assert_true(lists(&dc2, "", cid));
    assert_true(lists(&member, "", cid));
    assert_true(lists(&district, "", cid));
    /* the featured document, read-only, for a unit of the same district */
    item_get_want(id, "", &dc2, 200);
    char path[96];
    snprintf(path, sizeof path, "/api/v1/practice/%lld/content", (long long)id);
    struct th_resp *r = api("GET", path, &dc2, NULL);
    th_assert_status(r, 200);
    assert_non_null(strstr(r->body, "%PDF-"));
    assert_string_equal(th_header(r, "Content-Type"), "application/pdf");
    assert_non_null(strstr(th_header(r, "Content-Disposition"), "filename*=UTF-8''"));
    th_resp_free(r);
    item_get_want(id, "/thumbnail", &dc2, 200);
    /* nothing else of that unit: not the document itself, not another of its documents, not
    ** its archive */
    snprintf(path, sizeof path, "/api/v1/documents/%lld/content", (long long)d);
    api_want("GET", path, &dc2, NULL, 404);
    snprintf(path, sizeof path, "/api/v1/documents/%lld/content", (long long)other);
    api_want("GET", path, &dc2, NULL, 404);
    snprintf(path, sizeof path, "/api/v1/documents/%lld", (long long)other);
    api_want("GET", path, &dc2, NULL, 404);
    snprintf(path, sizeof path, "/api/v1/units/%lld/archives/%d", (long long)qingshan, YEAR);
    api_want("GET", path, &dc2, NULL, 404);
    /* another district's unit: nothing */
    item_get_want(id, "", &lh, 404);
    item_get_want(id, "/content", &lh, 404);
    item_get_want(id, "/thumbnail", &lh, 404);
    item_get_want(id, "", &evaluator, 404);
    item_get_want(cid, "/content", &lh, 200);
    /* filters: indicator (a leaf, or every leaf below a code), unit type, category */
    assert_true(lists(&district, "?indicator=1.1.1", id));
    assert_true(lists(&district, "?indicator=1.1.", id));
    assert_false(lists(&district, "?indicator=9.9.9", id));
    assert_true(lists(&district, "?unit_type=%E4%B9%A1%E9%95%87", id));   /* 乡镇 */
    assert_false(lists(&district, "?unit_type=%E6%9C%BA%E5%85%B3", id));  /* 机关 */
    assert_true(lists(&district, "?category=%E9%98%85%E8%AF%BB%E6%8E%A8%E5%B9%BF", id));
    assert_false(lists(&district, "?category=%E6%99%AE%E6%B3%95%E5%AE%A3%E4%BC%A0", id));
    assert_true(lists(&district, "?category=%E6%99%AE%E6%B3%95%E5%AE%A3%E4%BC%A0", cid));
    api_want("GET", "/api/v1/practice?limit=x", &district, NULL, 400);
    /* withdrawn: gone from the lists and the content; only staff withdraw */
    snprintf(path, sizeof path, "/api/v1/practice/%lld", (long long)cid);
    api_want("DELETE", path, &member, NULL, 403);
    api_want("DELETE", path, &district, NULL, 403); /* the city featured it */
    api_want("DELETE", path, &office, NULL, 200);
    api_want("DELETE", path, &office, NULL, 404);
    assert_false(lists(&member, "", cid));
    assert_false(lists(&office, "", cid));
    item_get_want(cid, "/content", &lh, 404);
    /* featured again after the withdrawal */
    int64_t again = feature_ok(dc, &office, "再次推荐", "普法宣传");
    assert_true(again != cid);
    assert_true(lists(&lh, "", again));
}

static void
test_compilation(void **state)
{
    (void)state;
    int64_t d = approved(qingshan, "青山镇志愿服务方案", &district);
    int64_t id = feature_ok(d, &district, "志愿服务常态化", "志愿服务");
    /* units do not compile; an item out of sight is not found; no items, no title: 400 */
    api_want("POST", "/api/v1/practice/compilations", &dc2,
             json_pack("{s:s, s:[I]}", "title", "汇编", "items", (json_int_t)id), 403);
    api_want("POST", "/api/v1/practice/compilations", &xihu,
             json_pack("{s:s, s:[I]}", "title", "汇编", "items", (json_int_t)id), 404);
    api_want("POST", "/api/v1/practice/compilations", &district,
             json_pack("{s:s, s:[]}", "title", "汇编", "items"), 400);
    api_want("POST", "/api/v1/practice/compilations", &district,
             json_pack("{s:s, s:[I]}", "title", "", "items", (json_int_t)id), 400);
    /* a PDF with a page of text, and a photo: their pages are in the compilation */
    struct bytes page = pdf_page("Original page of the plan");
    int64_t dp = upload_file(qingshan, "青山镇志愿服务台账", "台账.pdf", page.p, page.n);
    free(page.p);
    doc_act(dp, "submit", &admin);
    doc_act(dp, "approve", &district);
    int64_t ph = upload_file(qingshan, "青山镇志愿服务照片", "照片.png", th_png1, sizeof th_png1);
    doc_act(ph, "submit", &admin);
    doc_act(ph, "approve", &district);
    int64_t ip = feature_ok(dp, &district, "台账规范", "志愿服务");
    int64_t ii = feature_ok(ph, &district, "照片生动", "志愿服务");
    struct th_resp *r =
        api("POST", "/api/v1/practice/compilations", &district,
            json_pack("{s:s, s:[I,I,I,I]}", "title", "东城区经验交流汇编", "items", (json_int_t)id,
                      (json_int_t)ip, (json_int_t)id, (json_int_t)ii));
    th_assert_status(r, 202);
    int64_t cid = th_jint(r->json, "id");
    int64_t job = th_jint(json_object_get(r->json, "job"), "id");
    assert_int_equal(th_jint(r->json, "items"), 3); /* a repeat counts once */
    assert_true(cid > 0 && job > 0);
    th_resp_free(r);
    th_job_wait_done(&srv, &district, job);
    char path[128];
    snprintf(path, sizeof path, "/api/v1/practice/compilations/%lld", (long long)cid);
    r = api("GET", path, &district, NULL);
    th_assert_status(r, 200);
    assert_string_equal(th_jstr(r->json, "state"), "done");
    /* cover, contents; the PDF of no page: its note; the page of text: note and page; the
    ** photo: note and image */
    assert_int_equal(th_jint(r->json, "pages"), 2 + 1 + 2 + 2);
    assert_null(json_object_get(r->json, "office_path"));
    th_resp_free(r);
    /* the district's units see it and download it; another district's do not */
    api_want("GET", path, &dc2, NULL, 200);
    api_want("GET", path, &lh, NULL, 404);
    r = api("GET", "/api/v1/practice/compilations", &lh, NULL);
    th_assert_status(r, 200);
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(r->json, "items"), i, x)
    {
        assert_true(th_jint(x, "id") != cid);
    }
    th_resp_free(r);
    snprintf(path, sizeof path, "/api/v1/practice/compilations/%lld/download", (long long)cid);
    api_want("GET", path, &lh, NULL, 404);
    r = api("GET", path, &dc2, NULL);
    th_assert_status(r, 200);
    assert_string_equal(th_header(r, "Content-Type"), "application/pdf");
    /* 经验交流汇编.pdf, RFC 5987 */
    assert_non_null(strstr(th_header(r, "Content-Disposition"),
                           "filename*=UTF-8''%E7%BB%8F%E9%AA%8C%E4%BA%A4%E6%B5%81%E6%B1%87%E7%BC%96.pdf"));
    assert_int_equal(memcmp(r->body, "%PDF-", 5), 0);
    char *text = th_pdf_text(r->body, r->len);
    th_resp_free(r);
    if (text) {
        assert_non_null(strstr(text, "东城区经验交流汇编"));
        assert_non_null(strstr(text, "青山镇志愿服务方案"));
        assert_non_null(strstr(text, "志愿服务常态化"));
        assert_non_null(strstr(text, "东城区文明办"));
        assert_non_null(strstr(text, "青山镇志愿服务照片"));
        /* rendered by poppler (pdftotext may split the first letter off: kerning) */
        assert_non_null(strstr(text, "riginal page of the plan"));
        free(text);
    }
    r = api("GET", "/api/v1/audit?action=practice.compile", &admin, NULL);
    th_assert_status(r, 200);
    assert_true(json_array_size(json_object_get(r->json, "items")) > 0);
    th_resp_free(r);
}

static void
test_pages(void **state)
{
    (void)state;
    int64_t d = approved(qingshan, "<b>青山镇</b>文明实践", &district);
    /* the document page offers the form to the office, not to a unit */
    char path[96];
    snprintf(path, sizeof path, "/documents/%lld", (long long)d);
    struct th_req q = {.method = "GET", .path = path, .cred = &district, .flags = TH_COOKIE};
    struct th_resp *r = th_do(&srv, &q);
    th_assert_status(r, 200);
    assert_non_null(strstr(r->body, "/feature\""));
    th_resp_free(r);
    /* the form: without CSRF refused, with it featured */
    char fields[256];
    snprintf(path, sizeof path, "/documents/%lld/feature", (long long)d);
    struct th_req nocsrf = {.method = "POST", .path = path, .cred = &district, .flags = TH_COOKIE,
                            .ctype = "application/x-www-form-urlencoded",
                            .body = "note=x&category=y", .len = 17};
    r = th_do(&srv, &nocsrf);
    th_assert_status(r, 403);
    th_resp_free(r);
    snprintf(fields, sizeof fields, "note=%s&category=%s", "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
             "%E6%96%87%E6%98%8E%E5%AE%9E%E8%B7%B5");
    r = th_form(&srv, path, &district, fields);
    th_assert_status(r, 303);
    assert_null(strstr(th_header(r, "Location"), "err="));
    th_resp_free(r);
    /* the 经验交流 page of a unit of the district: the item, escaped, no forms */
    q = (struct th_req){.method = "GET", .path = "/practice", .cred = &dc2, .flags = TH_COOKIE};
    r = th_do(&srv, &q);
    th_assert_status(r, 200);
    assert_non_null(strstr(r->body, "&lt;b&gt;青山镇&lt;/b&gt;文明实践"));
    assert_non_null(strstr(r->body, "&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert_null(strstr(r->body, "<script>alert"));
    assert_null(strstr(r->body, "action=\"/practice/compilations\""));
    assert_non_null(strstr(r->body, "/content?inline=1"));
    th_resp_free(r);
    /* another district's unit does not see it */
    q.cred = &lh;
    r = th_do(&srv, &q);
    th_assert_status(r, 200);
    assert_null(strstr(r->body, "文明实践"));
    th_resp_free(r);
    /* the office: the compile form with its CSRF field, and the item's checkbox */
    q.cred = &district;
    q.path = "/practice?category=%E6%96%87%E6%98%8E%E5%AE%9E%E8%B7%B5";
    r = th_do(&srv, &q);
    th_assert_status(r, 200);
    assert_non_null(strstr(r->body, "action=\"/practice/compilations\""));
    assert_non_null(strstr(r->body, "name=\"csrf\""));
    const char *box = strstr(r->body, "name=\"item-");
    assert_non_null(box);
    int64_t item = strtoll(box + strlen("name=\"item-"), NULL, 10);
    assert_true(item > 0);
    th_resp_free(r);
    /* build a compilation from the page: off to the job's page */
    snprintf(fields, sizeof fields, "title=%s&item-%lld=1", "%E9%A1%B5%E9%9D%A2%E6%B1%87%E7%BC%96",
             (long long)item);
    r = th_form(&srv, "/practice/compilations", &district, fields);
    th_assert_status(r, 303);
    assert_non_null(strstr(th_header(r, "Location"), "/jobs/"));
    th_resp_free(r);
    r = th_form(&srv, "/practice/compilations", &district, "title=x");
    th_assert_status(r, 303);
    assert_non_null(strstr(th_header(r, "Location"), "err="));
    th_resp_free(r);
    /* edit from the page: a unit may not, the office may; a blank note is refused */
    snprintf(path, sizeof path, "/practice/%lld", (long long)item);
    r = th_form(&srv, path, &dc2, "note=x");
    th_assert_status(r, 403);
    th_resp_free(r);
    r = th_form(&srv, path, &district, "note=%E6%94%B9%E8%BF%87");
    th_assert_status(r, 303);
    assert_null(strstr(th_header(r, "Location"), "err="));
    th_resp_free(r);
    r = th_form(&srv, path, &district, "note=");
    th_assert_status(r, 303);
    assert_non_null(strstr(th_header(r, "Location"), "err="));
    th_resp_free(r);
    snprintf(path, sizeof path, "/api/v1/practice/%lld", (long long)item);
    r = api("GET", path, &dc2, NULL);
    th_assert_status(r, 200);
    assert_string_equal(th_jstr(r->json, "note"), "改过");
    th_resp_free(r);
    /* withdraw from the page */
    snprintf(path, sizeof path, "/practice/%lld/withdraw", (long long)item);
    r = th_form(&srv, path, &dc2, "");
    th_assert_status(r, 403);
    th_resp_free(r);
    r = th_form(&srv, path, &district, "");
    th_assert_status(r, 303);
    th_resp_free(r);
    assert_false(lists(&dc2, "", item));
}

static void
test_graceful_stop(void **state)
{
    (void)state;
    assert_int_equal(th_server_stop(&srv), 0);
}

/* A unit_member account of unit: logged in, with a token. */
static bool
account(const char *name, const char *role, int64_t org, struct th_cred *c)
{
    json_t *body = json_pack("{s:s, s:s, s:s, s:I, s:s}", "username", name, "display_name", name,
                             "role", role, "org_id", (json_int_t)org, "password", TH_DEMO_PW);
    struct th_resp *r = api("POST", "/api/v1/users", &admin, body);
    bool ok = 201 == r->status;
    th_resp_free(r);
    return ok && 201 == th_login(&srv, name, TH_DEMO_PW, c) && th_make_token(&srv, c, "t") > 0;
}

static int64_t
office_id(const char *name)
{
    struct th_resp *r = api("GET", "/api/v1/orgs?kind=office&limit=200", &admin, NULL);
    int64_t id = 0;
    size_t i;
    json_t *o;
    json_array_foreach(json_object_get(r->json, "items"), i, o)
    {
        if (0 == strcmp(th_jstr(o, "name"), name)) {
            id = th_jint(o, "id");
        }
    }
    th_resp_free(r);
    return id;
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
    } who[] = {{"admin", &admin},         {"office", &office}, {"district", &district},
               {"evaluator", &evaluator}, {"member", &member}};
    for (size_t i = 0; i < sizeof who / sizeof who[0]; i++) {
        if (201 != th_login(&srv, who[i].user, TH_DEMO_PW, who[i].c) ||
            th_make_token(&srv, who[i].c, "practice") <= 0) {
            return -1;
        }
    }
    unit1 = th_unit_id(&srv, &admin, "DEMO001");
    qingshan = th_unit_id(&srv, &admin, "DEMO013");
    liuhe = th_unit_id(&srv, &admin, "DEMO014");
    int64_t dongcheng = office_id("东城区文明办"), xihuo = office_id("西湖区文明办");
    struct th_resp *r = api("POST", "/api/v1/units", &admin,
                            json_pack("{s:s, s:s, s:s, s:I}", "name", "东城区实验小学", "code",
                                      "PRACTICE-1", "type", "学校", "parent_id",
                                      (json_int_t)dongcheng));
    dcunit = 201 == r->status ? th_jint(r->json, "id") : 0;
    th_resp_free(r);
    if (0 == unit1 || 0 == qingshan || 0 == liuhe || 0 == dcunit || 0 == xihuo ||
        !account("dc2", "unit_member", dcunit, &dc2) ||
        !account("qsmember", "unit_member", qingshan, &qs) ||
        !account("lhmember", "unit_member", liuhe, &lh) ||
        !account("xihu", "office", xihuo, &xihu) ||
        !th_archive_create(&srv, &admin, unit1, YEAR) ||
        !th_archive_create(&srv, &admin, qingshan, YEAR)) {
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
        cmocka_unit_test(test_feature_rules),
        cmocka_unit_test(test_sight),
        cmocka_unit_test(test_compilation),
        cmocka_unit_test(test_pages),
        cmocka_unit_test(test_graceful_stop),
    };
    int failed = cmocka_run_group_tests_name("practice", tests, setup, teardown);
    th_done();
    return failed + th_teardown_failures;
}

/* end of test_http_practice.c */
