/*
** test_http_search.c — full-text search (issue 11) over real HTTP against `wenming serve
** --demo`, whose job queue runs the wenming-extract helper (built next to wenming): the
** text inside an uploaded PDF (tests/data/search-zh.pdf: Chinese text set by cairo and
** pango with an embedded font) and DOCX (made here) is found once the "search.extract" job
** has read it; 繁 finds 简 and back; one-, two- and four-character queries; mixed Chinese
** and Latin (2024年 PDF); scope isolation between two units and two districts, including
** the total and the facets; bad queries and filters (400); GET needs no CSRF token; the
** /search page (hits with <mark>, facets, escaping, the messages); the header's search
** box; `wenming search reindex` and `wenming search --help`.
**
** The demo jurisdiction: 青山镇 (DEMO013) in 东城区 (the demo account district), 柳河镇
** (DEMO014) in 西湖区; the unit admins of both and an office account of 西湖区 are made
** here.  The words searched for (琥珀湾, 翡翠岛, 珊瑚礁) are in no demo standard, so the
** counts are exactly the documents uploaded here.
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

static struct th_server srv;
static struct th_cred admin, office, district, unitadmin, qsadmin, lhadmin, xhoffice;
static int64_t qingshan, liuhe; /* DEMO013 (东城区), DEMO014 (西湖区) */
static int64_t xihu;            /* 西湖区文明办 */
static int64_t doc_pdf, doc_docx, doc_liuhe;

/* ---------------------------------------------------------------- helpers */

static struct th_resp *
api(const char *method, const char *path, const struct th_cred *c, json_t *body_steal)
{
    char *body = body_steal ? th_jdump(body_steal) : NULL;
    struct th_resp *r = th_api(&srv, method, path, c, th_auth(c), body);
    free(body);
    return r;
}

/* GET /api/v1/search?q=<q encoded><more> as c: the response (caller frees). */
static struct th_resp *
search_raw(const struct th_cred *c, const char *q, const char *more)
{
    char enc[4096], path[4400];
    th_urlenc(q, enc, sizeof enc);
    snprintf(path, sizeof path, "/api/v1/search?q=%s%s", enc, more ? more : "");
    return api("GET", path, c, NULL);
}

/* The same, expecting 200: the answer (caller decrefs). */
static json_t *
search(const struct th_cred *c, const char *q, const char *more)
{
    struct th_resp *r = search_raw(c, q, more);
    th_assert_status(r, 200);
    json_t *j = json_incref(r->json);
    th_resp_free(r);
    assert_true(json_is_array(json_object_get(j, "hits")));
    assert_true(json_is_object(json_object_get(j, "facets")));
    return j;
}

/* The hit of document id in a search answer, or NULL. */
static const json_t *
hit_of(const json_t *res, int64_t id)
{
    size_t i;
    json_t *h;
    json_array_foreach(json_object_get(res, "hits"), i, h)
    {
        if (0 == strcmp(th_jstr(h, "kind"), "document") && th_jint(h, "id") == id) {
            return h;
        }
    }
    return NULL;
}

/* Whether the search for q (as c, with more) finds document id. */
static bool
finds(const struct th_cred *c, const char *q, const char *more, int64_t id)
{
    json_t *res = search(c, q, more);
    bool found = NULL != hit_of(res, id);
    if (!found) {
        char *s = json_dumps(res, JSON_COMPACT);
        print_error("'%s'%s did not find document %lld: %.600s\n", q, more ? more : "",
                    (long long)id, s);
        free(s);
    }
    json_decref(res);
    return found;
}

/* The count of facet key's entry whose value is v (number or string), 0 when absent. */
static int64_t
facet_count(const json_t *res, const char *key, int64_t v)
{
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(json_object_get(res, "facets"), key), i, e)
    {
        const json_t *val = json_object_get(e, "value");
        int64_t n = json_is_integer(val) ? json_integer_value(val)
                    : json_is_string(val) ? strtoll(json_string_value(val), NULL, 10)
                                          : -1;
        if (n == v) {
            return th_jint(e, "count");
        }
    }
    return 0;
}

/* The label of facet key's entry whose value is the string v, NULL when absent. */
static const char *
facet_label(const json_t *res, const char *key, const char *v)
{
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(json_object_get(res, "facets"), key), i, e)
    {
        if (0 == strcmp(th_jstr(e, "value"), v)) {
            return th_jstr(e, "label");
        }
    }
    return NULL;
}

/* Whether every hit's unit is unit. */
static bool
all_in_unit(const json_t *res, int64_t unit)
{
    size_t i;
    json_t *h;
    json_array_foreach(json_object_get(res, "hits"), i, h)
    {
        if (th_jint(json_object_get(h, "unit"), "id") != unit) {
            return false;
        }
    }
    return true;
}

/* Whether some snippet segment of the hit is a hit whose text contains s. */
static bool
snippet_marks(const json_t *hit, const char *s)
{
    size_t i;
    json_t *seg;
    json_array_foreach(json_object_get(hit, "snippet"), i, seg)
    {
        if (json_is_true(json_object_get(seg, "hit")) && strstr(th_jstr(seg, "text"), s)) {
            return true;
        }
    }
    return false;
}

static struct bytes
file_read(const char *path)
{
    struct bytes b = {0};
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        bytes_add(&b, chunk, n);
    }
    fclose(f);
    return b;
}

/* A minimal DOCX whose body holds the paragraphs (free .p). */
static struct bytes
docx_make(const char *const *paras, size_t n)
{
    struct bytes parts[3] = {{0}, {0}, {0}};
    bytes_addf(&parts[0],
               "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
               "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
               "<Default Extension=\"rels\" ContentType=\"application/"
               "vnd.openxmlformats-package.relationships+xml\"/>"
               "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
               "<Override PartName=\"/word/document.xml\" ContentType=\"application/"
               "vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/></Types>");
    bytes_addf(&parts[1],
               "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
               "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/"
               "relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats"
               ".org/officeDocument/2006/relationships/officeDocument\" "
               "Target=\"word/document.xml\"/></Relationships>");
    bytes_addf(&parts[2], "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
                          "<w:document xmlns:w=\"http://schemas.openxmlformats.org/"
                          "wordprocessingml/2006/main\"><w:body>");
    for (size_t i = 0; i < n; i++) {
        bytes_addf(&parts[2], "<w:p><w:r><w:t>%s</w:t></w:r></w:p>", paras[i]);
    }
    bytes_addf(&parts[2], "</w:body></w:document>");
    static const char *const names[] = {"[Content_Types].xml", "_rels/.rels",
                                        "word/document.xml"};
    struct bytes z = th_zip_make(names, parts, 3);
    for (int i = 0; i < 3; i++) {
        free(parts[i].p);
    }
    return z;
}

/* Upload one file into leaf 1.1.1 of unit's YEAR as admin, titled title: the document. */
static int64_t
upload(int64_t unit, const char *name, const void *data, size_t len, const char *title)
{
    char path[160];
    snprintf(path, sizeof path, "/api/v1/units/%lld/archives/%d/indicators/1.1.1/documents",
             (long long)unit, YEAR);
    struct th_file f = {.name = name, .data = data, .len = len};
    const char *fields[] = {"title", title, NULL};
    struct th_resp *r = th_upload(&srv, path, &admin, 0, &f, 1, fields);
    th_assert_status(r, 201);
    int64_t id = th_jint(json_array_get(json_object_get(r->json, "items"), 0), "id");
    th_resp_free(r);
    assert_true(id > 0);
    return id;
}

/* Wait (up to 120 s) until admin's search for q finds document id: the text of its file has
** been read by the search.extract job. */
static bool
await_found(const char *q, int64_t id)
{
    for (int i = 0; i < 600; i++) {
        struct th_resp *r = search_raw(&admin, q, NULL);
        bool found = 200 == r->status && NULL != hit_of(r->json, id);
        th_resp_free(r);
        if (found) {
            return true;
        }
        usleep(200 * 1000);
    }
    return false;
}

/* An account of org (role) logged in with a token. */
static int
make_user(const char *username, const char *role, int64_t org, struct th_cred *c)
{
    struct th_resp *r = api("POST", "/api/v1/users", &admin,
                            json_pack("{s:s, s:s, s:s, s:s, s:I}", "username", username,
                                      "display_name", username, "password", TH_DEMO_PW, "role",
                                      role, "org_id", (json_int_t)org));
    long st = r->status;
    th_resp_free(r);
    if (201 != st || 201 != th_login(&srv, username, TH_DEMO_PW, c) ||
        th_make_token(&srv, c, "search") <= 0) {
        fprintf(stderr, "cannot make account %s (%ld)\n", username, st);
        return -1;
    }
    return 0;
}

/* The id of the org named name (as admin), 0 when absent. */
static int64_t
org_named(const char *name)
{
    struct th_resp *r = api("GET", "/api/v1/orgs?limit=200", &admin, NULL);
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

/* A page as c (session cookie only, no CSRF token): the response (caller frees). */
static struct th_resp *
page(const struct th_cred *c, const char *path)
{
    struct th_cred s = *c;
    s.token[0] = '\0';
    return th_api(&srv, "GET", path, &s, TH_COOKIE, NULL);
}

/* ---------------------------------------------------------------- tests */

/* The text inside the PDF and the DOCX, found once extracted, with the hit marked. */
static void
test_text_in_files(void **state)
{
    (void)state;
    json_t *res = search(&admin, "琥珀湾", NULL);
    const json_t *h = hit_of(res, doc_pdf);
    assert_non_null(h);
    assert_true(snippet_marks(h, "琥珀湾"));
    assert_int_equal(th_jint(json_object_get(h, "unit"), "id"), qingshan);
    assert_int_equal(th_jint(h, "year"), YEAR);
    assert_string_equal(th_jstr(h, "indicator_code"), "1.1.1");
    assert_string_equal(th_jstr(h, "title"), "珊瑚礁制度汇编");
    assert_non_null(strstr(th_jstr(h, "url"), "/documents/"));
    json_decref(res);
    /* the DOCX holds traditional characters; a simplified query finds them */
    res = search(&admin, "翡翠岛学雷锋", NULL);
    h = hit_of(res, doc_docx);
    assert_non_null(h);
    assert_true(snippet_marks(h, "翡翠"));
    json_decref(res);
    /* the page's title (not the file) is matched too, and a document without text still is */
    assert_true(finds(&admin, "珊瑚礁", NULL, doc_liuhe));
}

/* 繁 finds 简 and 简 finds 繁. */
static void
test_traditional_simplified(void **state)
{
    (void)state;
    /* the PDF is simplified */
    assert_true(finds(&admin, "琥珀灣", NULL, doc_pdf));
    assert_true(finds(&admin, "檔案管理制度", NULL, doc_pdf));
    assert_true(finds(&admin, "档案管理制度", NULL, doc_pdf));
    /* the DOCX is traditional */
    assert_true(finds(&admin, "翡翠島", NULL, doc_docx));
    assert_true(finds(&admin, "翡翠岛", NULL, doc_docx));
    assert_true(finds(&admin, "志愿服务队", NULL, doc_docx));
    assert_true(finds(&admin, "志願服務隊", NULL, doc_docx));
    /* and neither finds the other document */
    json_t *res = search(&admin, "翡翠島", NULL);
    assert_null(hit_of(res, doc_pdf));
    json_decref(res);
}

/* One character (a prefix: also where it is not at the end of a run), two, four. */
static void
test_query_lengths(void **state)
{
    (void)state;
    assert_true(finds(&admin, "琥", NULL, doc_pdf));  /* the first character of 琥珀湾 */
    assert_true(finds(&admin, "湾", NULL, doc_pdf));  /* before 文明 in the same run */
    assert_true(finds(&admin, "翡翠", NULL, doc_docx));
    char more[64];
    snprintf(more, sizeof more, "&unit=%lld", (long long)qingshan);
    assert_true(finds(&admin, "文明实践", more, doc_pdf));
    assert_true(finds(&admin, "琥珀湾文", NULL, doc_pdf));
    json_t *res = search(&admin, "琥", NULL);
    assert_null(hit_of(res, doc_docx));
    json_decref(res);
    /* a four-character phrase is a phrase: the characters apart do not match */
    res = search(&admin, "琥珀实践", NULL);
    assert_null(hit_of(res, doc_pdf));
    json_decref(res);
}

/* Mixed Chinese and Latin: 2024年 PDF finds the DOCX whose text says 2024年 … PDF, not the
** PDF of 2023年. */
static void
test_mixed(void **state)
{
    (void)state;
    char more[64];
    snprintf(more, sizeof more, "&unit=%lld", (long long)qingshan);
    json_t *res = search(&admin, "2024年 PDF", more);
    assert_non_null(hit_of(res, doc_docx));
    assert_null(hit_of(res, doc_pdf));
    json_decref(res);
    res = search(&admin, "2023年", more);
    assert_non_null(hit_of(res, doc_pdf));
    assert_null(hit_of(res, doc_docx));
    json_decref(res);
    /* full-width forms fold: ２０２４年 ＰＤＦ */
    assert_true(finds(&admin, "２０２４年 ＰＤＦ", more, doc_docx));
}

/* Two units and two districts: no hit, count or facet from outside the caller's scope. */
static void
test_scope(void **state)
{
    (void)state;
    const char *more = "&kind=document";
    json_t *res = search(&admin, "珊瑚礁", more);
    assert_int_equal(th_jint(res, "total"), 3);
    assert_int_equal(facet_count(res, "unit", qingshan), 2);
    assert_int_equal(facet_count(res, "unit", liuhe), 1);
    /* the platform's one city: its districts are the facet (not the city itself) */
    assert_int_equal(facet_count(res, "district", xihu), 1);
    assert_int_equal(facet_count(res, "district", district.org_id), 2);
    json_decref(res);
    /* the city office: its districts (the offices right below it) as a facet */
    res = search(&office, "珊瑚礁", more);
    assert_int_equal(th_jint(res, "total"), 3);
    assert_int_equal(facet_count(res, "district", xihu), 1);
    assert_int_equal(facet_count(res, "district", district.org_id), 2);
    json_decref(res);
    /* the unit of 青山镇 sees its two, nothing of 柳河镇 */
    struct {
        const struct th_cred *c;
        int64_t total, unit_in, unit_out;
        const char *foreign[2]; /* names of the other side */
    } cases[] = {
        {&qsadmin, 2, qingshan, liuhe, {"柳河镇", "西湖区"}},
        {&lhadmin, 1, liuhe, qingshan, {"青山镇", "东城区"}},
        {&district, 2, qingshan, liuhe, {"柳河镇", "西湖区"}},
        {&xhoffice, 1, liuhe, qingshan, {"青山镇", "东城区"}},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct th_resp *r = search_raw(cases[i].c, "珊瑚礁", more);
        th_assert_status(r, 200);
        if (th_jint(r->json, "total") != cases[i].total) {
            print_error("case %zu: %.800s\n", i, r->body);
        }
        assert_int_equal(th_jint(r->json, "total"), cases[i].total);
        assert_int_equal(json_array_size(json_object_get(r->json, "hits")), cases[i].total);
        assert_true(all_in_unit(r->json, cases[i].unit_in));
        assert_int_equal(facet_count(r->json, "unit", cases[i].unit_in), cases[i].total);
        assert_int_equal(facet_count(r->json, "unit", cases[i].unit_out), 0);
        /* not even a name of the other side anywhere in the answer */
        assert_null(strstr(r->body, cases[i].foreign[0]));
        assert_null(strstr(r->body, cases[i].foreign[1]));
        th_resp_free(r);
        /* asking for the other side by filter gives nothing */
        char f[96];
        snprintf(f, sizeof f, "%s&unit=%lld", more, (long long)cases[i].unit_out);
        r = search_raw(cases[i].c, "珊瑚礁", f);
        if (200 == r->status) {
            assert_int_equal(th_jint(r->json, "total"), 0);
            assert_int_equal(json_array_size(json_object_get(r->json, "hits")), 0);
        } else {
            th_assert_status(r, 404);
        }
        th_resp_free(r);
    }
    /* a district office asking for the other district */
    char f[96];
    snprintf(f, sizeof f, "%s&district=%lld", more, (long long)xihu);
    struct th_resp *r = search_raw(&district, "珊瑚礁", f);
    if (200 == r->status) {
        assert_int_equal(th_jint(r->json, "total"), 0);
    } else {
        th_assert_status(r, 404);
    }
    th_resp_free(r);
    /* a unit of the city office (市司法局) sees neither */
    res = search(&unitadmin, "珊瑚礁", more);
    assert_int_equal(th_jint(res, "total"), 0);
    assert_int_equal(json_array_size(json_object_get(res, "hits")), 0);
    json_decref(res);
    /* filters: the unit, the district, the year, the media */
    snprintf(f, sizeof f, "%s&unit=%lld", more, (long long)qingshan);
    res = search(&admin, "珊瑚礁", f);
    assert_int_equal(th_jint(res, "total"), 2);
    json_decref(res);
    snprintf(f, sizeof f, "%s&district=%lld", more, (long long)xihu);
    res = search(&admin, "珊瑚礁", f);
    assert_int_equal(th_jint(res, "total"), 1);
    assert_non_null(hit_of(res, doc_liuhe));
    json_decref(res);
    res = search(&admin, "珊瑚礁", "&kind=document&year=2019");
    assert_int_equal(th_jint(res, "total"), 0);
    json_decref(res);
    res = search(&admin, "珊瑚礁", "&kind=indicator");
    assert_int_equal(th_jint(res, "total"), 0);
    json_decref(res);
    static const struct {
        const char *more;
        int64_t total;
    } filters[] = {
        {"&kind=document&unit_type=%E4%B9%A1%E9%95%87", 3}, /* 乡镇 */
        {"&kind=document&unit_type=%E6%9C%BA%E5%85%B3", 0}, /* 机关 */
        {"&kind=document&year=2025", 3},
        {"&kind=document&media=text", 3},
        {"&kind=document&media=photo", 0},
        {"&kind=document&state=draft", 3},
        {"&kind=document&state=approved", 0},
        {"&kind=document&indicator=1", 3},
        {"&kind=document&indicator=2", 0},
    };
    for (size_t i = 0; i < sizeof filters / sizeof filters[0]; i++) {
        res = search(&admin, "珊瑚礁", filters[i].more);
        if (th_jint(res, "total") != filters[i].total) {
            print_error("%s: total %lld\n", filters[i].more, (long long)th_jint(res, "total"));
        }
        assert_int_equal(th_jint(res, "total"), filters[i].total);
        json_decref(res);
    }
    /* the indicator facet: top-level codes named by their indicator; with an indicator
    ** filter, the codes one level below it (the documents are in 1.1.1) */
    const struct th_cred *who[] = {&admin, &qsadmin};
    for (size_t k = 0; k < 2; k++) {
        res = search(who[k], "珊瑚礁", "&kind=document");
        assert_true(facet_count(res, "indicator", 1) > 0);
        const char *l = facet_label(res, "indicator", "1");
        assert_non_null(l); /* the title alone (the page shows the code beside it) */
        assert_true(*l && '1' != l[0]);
        if (0 == k) { /* the demo's two standards name indicator 1 differently */
            assert_non_null(strstr(l, "／"));
        }
        assert_null(facet_label(res, "indicator", "1.1"));
        json_decref(res);
        res = search(who[k], "珊瑚礁", "&kind=document&indicator=1");
        assert_null(facet_label(res, "indicator", "1"));
        /* the filter itself is named too (for its chip) */
        const char *fl = th_jstr(json_object_get(res, "filter_labels"), "indicator");
        assert_true(*fl && '1' != fl[0]);
        l = facet_label(res, "indicator", "1.1");
        assert_non_null(l);
        assert_true(*l && '1' != l[0]);
        json_decref(res);
        res = search(who[k], "珊瑚礁", "&kind=document&indicator=1.1");
        assert_non_null(facet_label(res, "indicator", "1.1.1"));
        json_decref(res);
    }
}

/* Bad queries and filters: 400 with the error JSON naming the argument. */
static void
test_bad_request(void **state)
{
    (void)state;
    struct th_resp *r = api("GET", "/api/v1/search", &admin, NULL);
    th_assert_error(r, 400, "bad_request", "q");
    th_resp_free(r);
    static const char *const empties[] = {"\"\"", "-", "()", "*", "NOT"};
    for (size_t i = 0; i < sizeof empties / sizeof empties[0]; i++) {
        r = search_raw(&admin, empties[i], NULL);
        if (400 != r->status) {
            print_error("q=%s: %ld %.300s\n", empties[i], r->status, r->body);
        }
        th_assert_status(r, 400);
        assert_string_equal(th_jstr(json_object_get(r->json, "error"), "code"), "bad_request");
        th_resp_free(r);
    }
    static const struct {
        const char *more, *field;
    } bad[] = {
        {"&kind=files", "kind"},   {"&year=abc", "year"},        {"&unit=-1", "unit"},
        {"&district=x", "district"}, {"&media=video", "media"},   {"&state=gone", "state"},
        {"&from=2025-13-01", "from"}, {"&to=2025-02-30", "to"},   {"&page=0", "page"},
        {"&per_page=1000", "per_page"}, {"&from=2025-03-01&to=2025-02-01", "to"},
        {"&before=0", "before"},      {"&before=-5", "before"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        r = search_raw(&admin, "文明", bad[i].more);
        th_assert_error(r, 400, "bad_request", bad[i].field);
        th_resp_free(r);
    }
    /* a page too far says so (it said "1 to 500", which was neither bound) */
    r = search_raw(&admin, "文明", "&page=99999");
    th_assert_error(r, 400, "bad_request", "page");
    assert_non_null(strstr(r->body, "页码过大"));
    th_resp_free(r);
    r = search_raw(&admin, "文明", "&page=x");
    th_assert_error(r, 400, "bad_request", "page");
    assert_non_null(strstr(r->body, "页码须为正整数"));
    th_resp_free(r);
    /* too long */
    char longq[1200];
    memset(longq, 'a', sizeof longq - 1);
    longq[sizeof longq - 1] = '\0';
    for (size_t i = 10; i < sizeof longq - 1; i += 11) {
        longq[i] = ' ';
    }
    r = search_raw(&admin, longq, NULL);
    th_assert_error(r, 400, "bad_request", "q");
    th_resp_free(r);
}

/* The store's own query syntax typed by a user (FTS5 operators and column filters, tsquery
** operators, SQL) is looked for as text: 200 with whatever the words match, never a 500, and
** a column filter never reaches the tag column (no hit for a tag word). */
static void
test_syntax_is_text(void **state)
{
    (void)state;
    static const char *const qs[] = {
        "NEAR(a b)", "title:x", "{title}:x", "{tags}:s1", "^a", "a OR", "a AND", "x' OR 1=1 --",
        "'a' & !'b'", "a:*", "(((((a", "\"a", "s1", "u1 k646f63756d656e74", "a + b", "*a",
    };
    for (size_t i = 0; i < sizeof qs / sizeof qs[0]; i++) {
        struct th_resp *r = search_raw(&admin, qs[i], NULL);
        if (200 != r->status) {
            print_error("q=%s: %ld %.300s\n", qs[i], r->status, r->body);
        }
        th_assert_status(r, 200);
        if (0 == strcmp(qs[i], "s1") || 0 == strcmp(qs[i], "{tags}:s1")) {
            /* every row carries the tag s1 (the root office): a user's word never matches it */
            assert_int_equal(0, json_integer_value(json_object_get(r->json, "total")));
        }
        th_resp_free(r);
    }
}

/* GET needs no CSRF token (a cookie alone), and a caller who is not signed in gets 401. */
static void
test_auth(void **state)
{
    (void)state;
    struct th_cred s = qsadmin;
    s.token[0] = '\0';
    s.csrf[0] = '\0';
    struct th_resp *r = th_api(&srv, "GET", "/api/v1/search?q=%E7%8F%8A%E7%91%9A%E7%A4%81", &s,
                               TH_COOKIE, NULL);
    th_assert_status(r, 200);
    assert_int_equal(th_jint(r->json, "total"), 2);
    th_resp_free(r);
    struct th_req q = {.method = "GET", .path = "/api/v1/search?q=%E7%8F%8A%E7%91%9A%E7%A4%81"};
    r = th_do(&srv, &q);
    th_assert_error(r, 401, "unauthorized", NULL);
    th_resp_free(r);
    q.path = "/search?q=%E7%8F%8A%E7%91%9A%E7%A4%81";
    r = th_do(&srv, &q);
    th_assert_status(r, 303);
    th_resp_free(r);
}

/* The page: hits with <mark>, facets with counts linking to filters, escaping, the total,
** the messages for no query, a bad query and no hits; the header's box on every page. */
static void
test_page(void **state)
{
    (void)state;
    /* the indicator facet: the code and the indicator's title; under a filter, the level
    ** below it */
    struct th_resp *r = page(&admin, "/search?q=%E7%8F%8A%E7%91%9A%E7%A4%81&indicator=1");
    th_assert_status(r, 200);
    const char *li = strstr(r->body, "data-value=\"1.1\"><code>1.1</code> ");
    assert_non_null(li);
    assert_true('<' != li[strlen("data-value=\"1.1\"><code>1.1</code> ")]);
    assert_null(strstr(r->body, "data-value=\"1\">"));
    const char *chip = strstr(r->body, "<li data-key=\"indicator\"><span>测评内容：1 ");
    assert_non_null(chip);
    assert_true('<' != chip[strlen("<li data-key=\"indicator\"><span>测评内容：1 ")]);
    th_resp_free(r);
    r = page(&admin, "/search?q=%E7%90%A5%E7%8F%80%E6%B9%BE"); /* 琥珀湾 */
    th_assert_status(r, 200);
    assert_non_null(strstr(r->body, "<mark>琥珀湾</mark>"));
    assert_non_null(strstr(r->body, "id=\"search-facets\""));
    assert_non_null(strstr(r->body, "id=\"search-hits\""));
    char want[160];
    snprintf(want, sizeof want, "data-id=\"%lld\"", (long long)doc_pdf);
    assert_non_null(strstr(r->body, want));
    assert_non_null(strstr(r->body, "青山镇"));
    assert_non_null(strstr(r->body, "value=\"琥珀湾\"")); /* the box keeps the query */
    assert_non_null(strstr(r->body, "<h1>搜索：琥珀湾</h1>"));
    th_resp_free(r);
    /* facets: counts, a link per value adding the filter */
    r = page(&admin, "/search?q=%E7%8F%8A%E7%91%9A%E7%A4%81&kind=document"); /* 珊瑚礁 */
    th_assert_status(r, 200);
    assert_non_null(strstr(r->body, "共 3 条结果"));
    snprintf(want, sizeof want, "unit=%lld\" data-value=\"%lld\"", (long long)qingshan,
             (long long)qingshan);
    assert_non_null(strstr(r->body, want));
    /* the DOCX's title has markup in it: shown as text, never as markup */
    assert_non_null(strstr(r->body, "&lt;b&gt;"));
    assert_null(strstr(r->body, "<b>志愿"));
    assert_null(strstr(r->body, "<mark><b>"));
    th_resp_free(r);
    /* a filter on: shown, with a link that removes it; the count follows */
    char path[200];
    snprintf(path, sizeof path, "/search?q=%%E7%%8F%%8A%%E7%%91%%9A%%E7%%A4%%81&kind=document&unit=%lld",
             (long long)qingshan);
    r = page(&admin, path);
    th_assert_status(r, 200);
    assert_non_null(strstr(r->body, "共 2 条结果"));
    assert_non_null(strstr(r->body, "id=\"search-filters\""));
    assert_non_null(strstr(r->body, "href=\"/search?q=%E7%8F%8A%E7%91%9A%E7%A4%81&amp;kind=document\" class=\"remove\""));
    th_resp_free(r);
    /* a unit's user: the count of its own only */
    r = page(&qsadmin, "/search?q=%E7%8F%8A%E7%91%9A%E7%A4%81&kind=document");
    th_assert_status(r, 200);
    assert_non_null(strstr(r->body, "共 2 条结果"));
    assert_null(strstr(r->body, "柳河镇"));
    th_resp_free(r);
    /* the query is escaped in the box */
    r = page(&admin, "/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E");
    assert_null(strstr(r->body, "<script>alert"));
    th_resp_free(r);
    /* no query: the box and what it searches */
    r = page(&admin, "/search");
    th_assert_status(r, 200);
    assert_non_null(strstr(r->body, "id=\"search-start\""));
    th_resp_free(r);
    /* a query with nothing to look for: 400, the message, the form kept */
    r = page(&admin, "/search?q=%22%22&kind=document");
    th_assert_status(r, 400);
    assert_non_null(strstr(r->body, "id=\"search-error\""));
    assert_non_null(strstr(r->body, "id=\"search-form\""));
    assert_non_null(strstr(r->body, "name=\"kind\" value=\"document\""));
    th_resp_free(r);
    r = page(&admin, "/search?q=x&year=abc&kind=document");
    th_assert_status(r, 400);
    assert_non_null(strstr(r->body, "年度须为四位数字"));
    /* the bad filter is not carried on by the form, and a link goes on without it */
    assert_null(strstr(r->body, "name=\"year\" value=\"abc\""));
    assert_non_null(strstr(r->body, "href=\"/search?q=x&amp;kind=document\" id=\"search-drop\""));
    th_resp_free(r);
    /* no hits */
    r = page(&admin, "/search?q=%E9%BA%92%E9%BA%9F%E5%B4%96"); /* 麒麟崖 */
    th_assert_status(r, 200);
    assert_non_null(strstr(r->body, "id=\"search-empty\""));
    assert_non_null(strstr(r->body, "共 0 条结果"));
    th_resp_free(r);
    /* the header's box on every page, for every signed-in role */
    const struct th_cred *who[] = {&admin, &district, &qsadmin, &unitadmin};
    for (size_t i = 0; i < sizeof who / sizeof who[0]; i++) {
        r = page(who[i], "/home");
        th_assert_status(r, 200);
        assert_non_null(strstr(r->body, "<form class=\"top-search\" method=\"get\" "
                                        "action=\"/search\" role=\"search\""));
        assert_non_null(strstr(r->body, "name=\"q\""));
        assert_non_null(strstr(r->body, "<label for=\"top-q\""));
        th_resp_free(r);
    }
    /* and not on the login page */
    struct th_req q = {.method = "GET", .path = "/login"};
    r = th_do(&srv, &q);
    assert_null(strstr(r->body, "top-search"));
    th_resp_free(r);
}

/* Pages of hits: per_page, page, the last page short. */
static void
test_pages(void **state)
{
    (void)state;
    json_t *a = search(&admin, "珊瑚礁", "&kind=document&per_page=2");
    json_t *b = search(&admin, "珊瑚礁", "&kind=document&per_page=2&page=2");
    assert_int_equal(th_jint(a, "total"), 3);
    assert_int_equal(json_array_size(json_object_get(a, "hits")), 2);
    assert_int_equal(json_array_size(json_object_get(b, "hits")), 1);
    assert_int_equal(th_jint(b, "page"), 2);
    assert_int_equal(th_jint(b, "per_page"), 2);
    /* three different documents over the two pages */
    int64_t ids[3] = {th_jint(json_array_get(json_object_get(a, "hits"), 0), "id"),
                      th_jint(json_array_get(json_object_get(a, "hits"), 1), "id"),
                      th_jint(json_array_get(json_object_get(b, "hits"), 0), "id")};
    assert_true(ids[0] != ids[1] && ids[1] != ids[2] && ids[0] != ids[2]);
    json_decref(a);
    json_decref(b);
    struct th_resp *r = page(&admin, "/search?q=%E7%8F%8A%E7%91%9A%E7%A4%81&kind=document&per_page=2");
    th_assert_status(r, 200);
    assert_non_null(strstr(r->body, "page=2\" rel=\"next\""));
    th_resp_free(r);
}

/* A document moved to the trash leaves the index; restored, it is back. */
static void
test_trash(void **state)
{
    (void)state;
    char path[96];
    snprintf(path, sizeof path, "/api/v1/documents/%lld", (long long)doc_liuhe);
    struct th_resp *r = api("DELETE", path, &admin, NULL);
    assert_true(r->status == 200 || r->status == 204);
    th_resp_free(r);
    json_t *res = search(&admin, "珊瑚礁", "&kind=document");
    assert_null(hit_of(res, doc_liuhe));
    assert_int_equal(th_jint(res, "total"), 2);
    json_decref(res);
    snprintf(path, sizeof path, "/api/v1/documents/%lld/restore", (long long)doc_liuhe);
    r = api("POST", path, &admin, NULL);
    assert_true(r->status == 200 || r->status == 204);
    th_resp_free(r);
    assert_true(finds(&admin, "珊瑚礁", "&kind=document", doc_liuhe));
}

/* `wenming search reindex` rebuilds the index (the hits stay the same), with a summary;
** `wenming search --help` says what it does. */
static void
test_cli(void **state)
{
    (void)state;
    char *out = TH_RUN(0, "search", "--help");
    assert_non_null(strstr(out, "wenming search reindex"));
    free(out);
    out = TH_RUN(0, "search", "reindex", "--help");
    assert_non_null(strstr(out, "--data DIR"));
    free(out);
    out = TH_RUN(0, "search", "reindex", "--data", srv.dir);
    assert_non_null(strstr(out, "indexed "));
    assert_non_null(strstr(out, " documents"));
    assert_non_null(strstr(out, "merged the search index in ")); /* a reindex ends merged */
    free(out);
    /* merged already: nothing to do; the help says when the server does it */
    out = TH_RUN(0, "search", "merge", "--data", srv.dir);
    assert_non_null(strstr(out, "merged the search index in 0 steps"));
    free(out);
    out = TH_RUN(0, "search", "merge", "--help");
    assert_non_null(strstr(out, "02:30"));
    free(out);
    out = TH_RUN(2, "search", "merge", "--data", srv.dir, "extra");
    free(out);
    /* the server keeps the nightly job queued */
    struct th_resp *r = NULL;
    bool queued = false;
    for (int i = 0; i < 100 && !queued; i++) {
        th_resp_free(r);
        r = api("GET", "/api/v1/jobs?state=queued", &admin, NULL);
        queued = NULL != strstr(r->body, "\"search.merge\"");
        if (!queued) {
            usleep(50 * 1000);
        }
    }
    assert_true(queued);
    th_resp_free(r);
    r = page(&admin, "/admin/jobs"); /* named there in words */
    th_assert_status(r, 200);
    assert_non_null(strstr(r->body, "全文索引整理"));
    th_resp_free(r);
    assert_true(finds(&admin, "琥珀湾", NULL, doc_pdf));
    assert_true(finds(&admin, "翡翠島", NULL, doc_docx));
    json_t *res = search(&qsadmin, "珊瑚礁", "&kind=document");
    assert_int_equal(th_jint(res, "total"), 2);
    json_decref(res);
    out = TH_RUN(2, "search", "reindex", "--data", srv.dir, "extra");
    free(out);
}

/* A search stops going back once the newest documents hold a page of matches (the walk's
** first step set small by WENMING_SEARCH_SPAN): partial, with next_before to go on; the
** page says so and links on; before= reaches the rest, and nothing twice. */
static void
test_partial(void **state)
{
    (void)state;
    assert_int_equal(th_server_stop(&srv), 0);
    const char *const env[] = {"WENMING_SEARCH_SPAN=3", NULL};
    assert_int_equal(th_server_start(&srv, env), 0);
    /* enough that the step which first holds a page (20) never holds them all, however the
    ** store spaces its ids (PostgreSQL's sequence skips on every upsert) */
    enum { N = 100 };
    for (int i = 1; i <= N; i++) {
        char title[64], body[32];
        snprintf(title, sizeof title, "海豚湾简报第%d期", i);
        snprintf(body, sizeof body, "第%d期\n", i);
        (void)upload(qingshan, "简报.txt", body, strlen(body), title);
    }
    /* answer after answer, each going on from the one before: every document once, the
    ** first answers partial with at least a page, the last whole */
    json_t *all = json_object();
    char more[64] = "&per_page=100";
    int64_t first_next = 0;
    int answers = 0;
    for (bool partial = true; partial; answers++) {
        assert_true(answers < 10);
        json_t *a = search(&admin, "海豚湾", more);
        int64_t na = th_jint(a, "total");
        assert_int_equal(json_array_size(json_object_get(a, "hits")), (size_t)na);
        size_t i;
        json_t *h;
        json_array_foreach(json_object_get(a, "hits"), i, h) {
            char id[32];
            snprintf(id, sizeof id, "%lld", (long long)th_jint(h, "id"));
            assert_null(json_object_get(all, id));
            json_object_set_new(all, id, json_true());
        }
        partial = json_is_true(json_object_get(a, "partial"));
        if (partial) {
            assert_true(json_is_true(json_object_get(a, "capped")));
            assert_true(na >= 20);
            int64_t next = th_jint(a, "next_before");
            assert_true(next > 0);
            first_next = first_next ? first_next : next;
            snprintf(more, sizeof more, "&per_page=100&before=%lld", (long long)next);
        } else {
            assert_null(json_object_get(a, "next_before"));
        }
        json_decref(a);
    }
    assert_true(answers >= 2);
    assert_int_equal(json_object_size(all), N);
    json_decref(all);
    int64_t next = first_next;
    /* the unit sees its own the same way */
    json_t *a = search(&qsadmin, "海豚湾", NULL);
    assert_true(json_is_true(json_object_get(a, "partial")));
    json_decref(a);
    /* the page: the count says where it looked, and a link goes on */
    struct th_resp *r = page(&admin, "/search?q=%E6%B5%B7%E8%B1%9A%E6%B9%BE");
    th_assert_status(r, 200);
    assert_non_null(strstr(r->body, "较新的文档中有"));
    assert_non_null(strstr(r->body, "data-capped=\"true\""));
    char href[96];
    snprintf(href, sizeof href, "/search?q=%%E6%%B5%%B7%%E8%%B1%%9A%%E6%%B9%%BE&amp;before=%lld",
             (long long)next);
    const char *link = strstr(r->body, "id=\"search-more\"");
    assert_non_null(link);
    assert_non_null(strstr(link, href));
    th_resp_free(r);
    snprintf(href, sizeof href, "/search?q=%%E6%%B5%%B7%%E8%%B1%%9A%%E6%%B9%%BE&before=%lld",
             (long long)next);
    r = page(&admin, href);
    th_assert_status(r, 200);
    assert_non_null(strstr(r->body, "data-key=\"before\""));
    assert_non_null(strstr(r->body, "id=\"search-hits\""));
    th_resp_free(r);
    /* a bad bound is named */
    r = search_raw(&admin, "海豚湾", "&before=abc");
    th_assert_error(r, 400, "bad_request", "before");
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
    } who[] = {{"admin", &admin}, {"office", &office}, {"district", &district},
               {"unitadmin", &unitadmin}};
    for (size_t i = 0; i < sizeof who / sizeof who[0]; i++) {
        if (201 != th_login(&srv, who[i].user, TH_DEMO_PW, who[i].c) ||
            th_make_token(&srv, who[i].c, "search") <= 0) {
            return -1;
        }
    }
    qingshan = th_unit_id(&srv, &admin, "DEMO013");
    liuhe = th_unit_id(&srv, &admin, "DEMO014");
    xihu = org_named("西湖区文明办");
    if (0 == qingshan || 0 == liuhe || 0 == xihu ||
        make_user("qsadmin", "unit_admin", qingshan, &qsadmin) ||
        make_user("lhadmin", "unit_admin", liuhe, &lhadmin) ||
        make_user("xhoffice", "office", xihu, &xhoffice) ||
        !th_archive_create(&srv, &admin, qingshan, YEAR) ||
        !th_archive_create(&srv, &admin, liuhe, YEAR)) {
        return -1;
    }
    struct bytes pdf = file_read(WM_TEST_DATA "/search-zh.pdf");
    doc_pdf = upload(qingshan, "制度.pdf", pdf.p, pdf.n, "珊瑚礁制度汇编");
    free(pdf.p);
    static const char *const paras[] = {"翡翠島學雷鋒志願服務隊",
                                        "2024年度工作要点（PDF版另附）"};
    struct bytes docx = docx_make(paras, 2);
    doc_docx = upload(qingshan, "志愿服务.docx", docx.p, docx.n, "珊瑚礁<b>志愿</b>服务");
    free(docx.p);
    struct bytes other = pdf_make("liuhe", 300);
    doc_liuhe = upload(liuhe, "材料.pdf", other.p, other.n, "珊瑚礁柳河镇材料");
    free(other.p);
    /* the job queue reads the files' text (wenming-extract) */
    if (!await_found("琥珀湾", doc_pdf) || !await_found("翡翠岛", doc_docx)) {
        fprintf(stderr, "the text of the uploaded files was not indexed\n");
        th_server_log_tail(&srv, 40);
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
        cmocka_unit_test(test_text_in_files),
        cmocka_unit_test(test_traditional_simplified),
        cmocka_unit_test(test_query_lengths),
        cmocka_unit_test(test_mixed),
        cmocka_unit_test(test_scope),
        cmocka_unit_test(test_bad_request),
        cmocka_unit_test(test_syntax_is_text),
        cmocka_unit_test(test_auth),
        cmocka_unit_test(test_page),
        cmocka_unit_test(test_pages),
        cmocka_unit_test(test_trash),
        cmocka_unit_test(test_cli),
        cmocka_unit_test(test_partial),
        cmocka_unit_test(test_graceful_stop),
    };
    int failed = cmocka_run_group_tests_name("search", tests, setup, teardown);
    th_done();
    return failed + th_teardown_failures;
}

/* end of test_http_search.c */
