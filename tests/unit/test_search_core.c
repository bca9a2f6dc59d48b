/*
** test_search_core.c — search through the service layer over a real store (issue 11): the
** writers keep the index current (create, trash, restore, new version, guidance, edition
** publish), wm_search's scope isolation of hits, totals and facets between the platform, a
** district office and a unit, 繁简 folding, filters refused in words, the job
** search.extract with a fake extractor (text found; a hostile file recorded as failed and
** not tried again), and the rebuild.
**
** WM_TEST_STORE chooses the store as in test_jobs.c: unset or "sqlite" is a SQLite file;
** "pg" a fresh database on the server named by WM_TEST_PG (exit 77 when it is unset).
*/
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../pgdb.h"
#include "tdir.h"

#include "wm_blob.h"
#include "wm_core.h"
#include "wm_extract.h"

static bool g_pg;

struct fx {
    char dir[64];
    char dbname[64];
    char store[1024];
    struct wm_db *db;
    struct wm_blobstore *blobs;
    struct wm_principal *admin, *office, *district, *evaluator, *unit; /* unit: of A1 */
    int64_t city, dist_a, dist_b, unit_a1, unit_a2, unit_b1, unit_c;
    json_t *ar_a1, *ar_a2, *ar_b1, *ar_c;
    char leaf[64];
};

#define ACT(who) (&(struct wm_actor){.p = (who), .request_id = "test", .addr = "127.0.0.1"})

/* The fake extractor: the text it writes, or the failure it gives. */
static enum wm_err extract_with = WM_OK;
static const char *extract_text = "";
static int extract_calls;
static bool extract_real; /* wm_extract_file itself (the parsers, in this process) */

static enum wm_err
fake_extract(const char *src, const char *mime, const char *dst, char *err, size_t errlen)
{
    extract_calls++;
    if (extract_real) {
        return wm_extract_file(src, mime, dst, err, errlen);
    }
    if (WM_OK != extract_with) {
        snprintf(err, errlen, "damaged file");
        return extract_with;
    }
    FILE *fp = fopen(dst, "w");
    assert_non_null(fp);
    fputs(extract_text, fp);
    fclose(fp);
    return WM_OK;
}

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
org_by_code(struct wm_db *db, const char *code)
{
    json_t *u = db->ops->org_get_by_code(db, code);
    assert_non_null(u);
    int64_t id = json_integer_value(json_object_get(u, "id"));
    json_decref(u);
    return id;
}

static int64_t
parent_of(struct wm_db *db, int64_t id)
{
    json_t *o = db->ops->org_get(db, id);
    assert_non_null(o);
    int64_t p = json_integer_value(json_object_get(o, "parent_id"));
    json_decref(o);
    return p;
}

static json_t *
archive(struct fx *f, int64_t unit)
{
    struct wm_fail fl = {0};
    int64_t year = wm_archive_current_year(), aid;
    json_t *ar = f->db->ops->archive_get(f->db, unit, year);
    if (NULL == ar) {
        assert_int_equal(wm_archive_create(f->db, ACT(NULL), unit, year, 0, &aid, &fl), WM_OK);
    }
    json_decref(ar);
    ar = wm_archive_open(f->db, ACT(NULL), unit, year, &fl);
    assert_non_null(ar);
    return ar;
}

/* Store content in the blob store; its sha into sha. */
static void
put_blob(struct fx *f, const char *content, char sha[65])
{
    struct wm_blob_writer *w = NULL;
    char err[256];
    assert_int_equal(wm_blob_writer_new(f->blobs, 0, &w, err, sizeof err), WM_OK);
    assert_int_equal(wm_blob_write(w, content, strlen(content)), WM_OK);
    assert_int_equal(wm_blob_commit(w, sha, NULL, NULL, err, sizeof err), WM_OK);
}

static int64_t
add_doc(struct fx *f, const json_t *ar, const char *title, const char *sha)
{
    struct wm_fail fl = {0};
    struct wm_doc_meta m = {.title = title, .keywords = "测试"};
    struct wm_upload up = {.sha = sha, .size = 10, .mime = "application/pdf", .kind = "text",
                           .ext = "pdf", .filename = "x.pdf"};
    int64_t id = 0;
    assert_int_equal(wm_doc_create(f->db, ACT(NULL), ar, f->leaf, &m, &up, &id, &fl), WM_OK);
    return id;
}

static int
setup(void **state)
{
    struct fx *f = wm_calloc(1, sizeof *f);
    char err[256], *gen = NULL;
    tdir_make(f->dir, sizeof f->dir, "searchcore");
    if (g_pg) {
        assert_int_equal(pgdb_create(f->dbname, sizeof f->dbname, f->store, sizeof f->store), 0);
    } else {
        snprintf(f->store, sizeof f->store, "sqlite");
    }
    wm_password_set_cost(1, 8 * 1024 * 1024);
    assert_int_equal(wm_init_data_dir(f->dir, f->store, "admin", "Admin-Pass1", &gen, err,
                                      sizeof err),
                     0);
    free(gen);
    f->db = wm_db_open(f->store, f->dir, false, err, sizeof err);
    assert_non_null(f->db);
    char bdir[128];
    snprintf(bdir, sizeof bdir, "%s/blobs", f->dir);
    f->blobs = wm_blob_open(bdir, err, sizeof err);
    assert_non_null(f->blobs);
    wm_jobs_reset();
    const struct wm_jobs_env env = {.blobs = f->blobs, .extract_make = fake_extract};
    wm_jobs_register_builtin(&env);
    extract_with = WM_OK;
    extract_text = "";
    extract_calls = 0;
    extract_real = false;
    json_t *accounts = NULL;
    assert_int_equal(wm_demo_seed(f->db, &accounts, err, sizeof err), 0);
    json_decref(accounts);
    f->admin = load_user(f->db, "admin");
    f->office = load_user(f->db, "office");
    f->district = load_user(f->db, "district"); /* 东城区: district A */
    f->evaluator = load_user(f->db, "evaluator");
    f->city = f->office->org_id;
    f->dist_a = f->district->org_id;
    f->unit_a1 = org_by_code(f->db, "DEMO013"); /* 青山镇, 东城区 */
    f->unit_a2 = org_by_code(f->db, "DEMO016"); /* 朝阳街道, 东城区 */
    f->unit_b1 = org_by_code(f->db, "DEMO014"); /* 柳河镇, 西湖区 */
    f->unit_c = org_by_code(f->db, "DEMO001");  /* 市司法局, right below the city */
    f->dist_b = parent_of(f->db, f->unit_b1);
    assert_int_equal(parent_of(f->db, f->unit_a1), f->dist_a);
    assert_int_equal(parent_of(f->db, f->unit_a2), f->dist_a);
    assert_int_not_equal(f->dist_a, f->dist_b);
    /* a unit account of A1 */
    struct wm_user_in in = {.username = "a1member", .display_name = "青山镇 张", .password =
                            "Member-Pass1", .role = "unit_member", .org_id = f->unit_a1};
    struct wm_fail fl = {0};
    int64_t uid;
    assert_int_equal(wm_user_create(f->db, ACT(NULL), &in, &uid, &gen, &fl), WM_OK);
    free(gen);
    f->unit = load_user(f->db, "a1member");
    f->ar_a1 = archive(f, f->unit_a1);
    f->ar_a2 = archive(f, f->unit_a2);
    f->ar_b1 = archive(f, f->unit_b1);
    f->ar_c = archive(f, f->unit_c);
    json_t *leaves = f->db->ops->ind_list(
        f->db, json_integer_value(json_object_get(f->ar_a1, "edition_id")), true);
    assert_true(json_array_size(leaves) > 0);
    snprintf(f->leaf, sizeof f->leaf, "%s",
             json_string_value(json_object_get(json_array_get(leaves, 0), "code")));
    json_decref(leaves);
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    struct fx *f = *state;
    wm_principal_free(f->admin);
    wm_principal_free(f->office);
    wm_principal_free(f->district);
    wm_principal_free(f->evaluator);
    wm_principal_free(f->unit);
    json_decref(f->ar_a1);
    json_decref(f->ar_a2);
    json_decref(f->ar_b1);
    json_decref(f->ar_c);
    f->db->ops->close(f->db);
    wm_blob_close(f->blobs);
    if (g_pg) {
        (void)pgdb_drop(f->dbname);
    }
    tdir_remove(f->dir);
    wm_jobs_reset();
    free(f);
    return 0;
}

/* Search as who for q (kind may be NULL); the answer (caller frees), asserting success. */
static json_t *
search(struct fx *f, const struct wm_principal *who, const char *q, const char *kind)
{
    struct wm_fail fl = {0};
    const struct wm_search_params p = {.q = q, .kind = kind};
    json_t *r = wm_search(f->db, ACT(who), &p, &fl);
    if (NULL == r) {
        fail_msg("search %s: %s", q, fl.msg);
    }
    return r;
}

static int64_t
total(struct fx *f, const struct wm_principal *who, const char *q, const char *kind)
{
    json_t *r = search(f, who, q, kind);
    int64_t n = json_integer_value(json_object_get(r, "total"));
    assert_int_equal(json_array_size(json_object_get(r, "hits")), n < 20 ? n : 20);
    json_decref(r);
    return n;
}

/* The count of value in the facet name of a search answer (0: absent). */
static int64_t
facet_count(const json_t *r, const char *name, json_int_t value)
{
    json_t *arr = json_object_get(json_object_get(r, "facets"), name), *x;
    size_t i;
    json_array_foreach(arr, i, x)
    {
        json_t *v = json_object_get(x, "value");
        if (json_is_integer(v) && json_integer_value(v) == value) {
            return json_integer_value(json_object_get(x, "count"));
        }
    }
    return 0;
}

static int64_t
facet_str(const json_t *r, const char *name, const char *value, const char **label)
{
    json_t *arr = json_object_get(json_object_get(r, "facets"), name), *x;
    size_t i;
    json_array_foreach(arr, i, x)
    {
        if (0 == strcmp(json_string_value(json_object_get(x, "value")) ?: "", value)) {
            if (label) {
                *label = json_string_value(json_object_get(x, "label"));
            }
            return json_integer_value(json_object_get(x, "count"));
        }
    }
    return 0;
}

/* Whether any hit of r belongs to a unit other than those listed (0-terminated). */
static bool
only_units(const json_t *r, const int64_t *units)
{
    json_t *x;
    size_t i;
    json_array_foreach(json_object_get(r, "hits"), i, x)
    {
        json_t *u = json_object_get(x, "unit");
        if (json_is_null(u)) {
            continue;
        }
        bool ok = false;
        for (const int64_t *p = units; *p; p++) {
            ok = ok || json_integer_value(json_object_get(u, "id")) == *p;
        }
        if (!ok) {
            return false;
        }
    }
    return true;
}

static void
seed_docs(struct fx *f, int64_t ids[4])
{
    char s1[65], s2[65], s3[65], s4[65];
    put_blob(f, "a1", s1);
    put_blob(f, "a2", s2);
    put_blob(f, "b1", s3);
    put_blob(f, "c", s4);
    ids[0] = add_doc(f, f->ar_a1, "玄鸟星图活动通知", s1);
    ids[1] = add_doc(f, f->ar_a2, "玄鳥星圖活動記錄", s2); /* traditional */
    ids[2] = add_doc(f, f->ar_b1, "玄鸟星图总结", s3);
    ids[3] = add_doc(f, f->ar_c, "玄鸟星图简报", s4);
    struct wm_fail fl = {0};
    assert_int_equal(wm_guidance_post(f->db, ACT(f->district), f->ar_a1, f->leaf,
                                      "请补充玄鸟星图活动的照片", NULL, NULL, &fl),
                     WM_OK);
}

static void
test_scope_and_facets(void **state)
{
    struct fx *f = *state;
    int64_t ids[4];
    seed_docs(f, ids);

    /* the platform: four documents and the conversation */
    json_t *r = search(f, f->admin, "玄鸟星图", NULL);
    assert_int_equal(json_integer_value(json_object_get(r, "total")), 5);
    assert_int_equal(facet_str(r, "kind", "document", NULL), 4);
    const char *label = NULL;
    assert_int_equal(facet_str(r, "kind", "guidance", &label), 1);
    assert_string_equal(label, "指导");
    /* districts: A has three (two documents, the conversation), B one; the unit right
    ** below the city is in none */
    assert_int_equal(facet_count(r, "district", f->dist_a), 3);
    assert_int_equal(facet_count(r, "district", f->dist_b), 1);
    assert_int_equal(facet_count(r, "district", f->unit_c), 0);
    assert_int_equal(facet_count(r, "unit", f->unit_c), 1);
    assert_int_equal(facet_count(r, "unit", f->unit_a1), 2);
    /* a hit: its page, its unit's name, a snippet with the hit marked */
    json_t *h, *doc_hit = NULL;
    size_t i;
    json_array_foreach(json_object_get(r, "hits"), i, h)
    {
        if (json_integer_value(json_object_get(h, "id")) == ids[2] &&
            0 == strcmp(json_string_value(json_object_get(h, "kind")), "document")) {
            doc_hit = h;
        }
    }
    assert_non_null(doc_hit);
    char url[64];
    snprintf(url, sizeof url, "/documents/%lld", (long long)ids[2]);
    assert_string_equal(json_string_value(json_object_get(doc_hit, "url")), url);
    assert_string_equal(json_string_value(json_object_get(json_object_get(doc_hit, "unit"), "name")),
                        "柳河镇");
    json_t *snip = json_object_get(doc_hit, "snippet");
    bool marked = false;
    json_array_foreach(snip, i, h)
    {
        marked = marked || json_is_true(json_object_get(h, "hit"));
    }
    assert_true(marked);
    json_decref(r);

    /* district A's office: its two units only, in hits, totals and facets */
    r = search(f, f->district, "玄鸟星图", NULL);
    assert_int_equal(json_integer_value(json_object_get(r, "total")), 3);
    assert_true(only_units(r, (const int64_t[]){f->unit_a1, f->unit_a2, 0}));
    assert_int_equal(facet_count(r, "unit", f->unit_b1), 0);
    assert_int_equal(facet_count(r, "unit", f->unit_c), 0);
    assert_int_equal(facet_str(r, "kind", "document", NULL), 2);
    assert_int_equal(json_array_size(json_object_get(json_object_get(r, "facets"), "district")),
                     0); /* its units are right below it */
    json_decref(r);

    /* the unit account of A1: its own document and conversation */
    r = search(f, f->unit, "玄鸟星图", NULL);
    assert_int_equal(json_integer_value(json_object_get(r, "total")), 2);
    assert_true(only_units(r, (const int64_t[]){f->unit_a1, 0}));
    assert_int_equal(facet_count(r, "unit", f->unit_a2), 0);
    json_decref(r);

    /* evaluators see no unit's material */
    assert_int_equal(total(f, f->evaluator, "玄鸟星图", NULL), 0);

    /* 繁简: the traditional query finds the simplified titles, and the other way round */
    assert_int_equal(total(f, f->admin, "玄鳥星圖", "document"), 4);
    assert_int_equal(total(f, f->district, "活動", "document"), 2);

    /* filters: a district out of scope is not found; bad values are refused by field */
    struct wm_fail fl = {0};
    struct wm_search_params p = {.q = "玄鸟", .district_id = f->dist_b};
    assert_null(wm_search(f->db, ACT(f->district), &p, &fl));
    assert_int_equal(fl.err, WM_E_NOT_FOUND);
    p.district_id = f->dist_a;
    r = wm_search(f->db, ACT(f->admin), &p, &fl);
    assert_non_null(r);
    assert_int_equal(json_integer_value(json_object_get(r, "total")), 3);
    json_decref(r);
    p = (struct wm_search_params){.q = "玄鸟", .year = 5};
    assert_null(wm_search(f->db, ACT(f->admin), &p, &fl));
    assert_int_equal(fl.err, WM_E_BAD_REQUEST);
    assert_string_equal(fl.field, "year");
    p = (struct wm_search_params){.q = "玄鸟", .kind = "blob"};
    assert_null(wm_search(f->db, ACT(f->admin), &p, &fl));
    assert_string_equal(fl.field, "kind");
    p = (struct wm_search_params){.q = "玄鸟", .from = "2024-13-01"};
    assert_null(wm_search(f->db, ACT(f->admin), &p, &fl));
    assert_string_equal(fl.field, "from");
    p = (struct wm_search_params){.q = "  "};
    assert_null(wm_search(f->db, ACT(f->admin), &p, &fl));
    assert_int_equal(fl.err, WM_E_BAD_REQUEST);
}

static void
test_writers_keep_it_current(void **state)
{
    struct fx *f = *state;
    struct wm_fail fl = {0};
    int64_t ids[4];
    seed_docs(f, ids);
    /* the trash: gone from the index; restored: back */
    assert_int_equal(wm_doc_delete(f->db, ACT(f->admin), ids[2], &fl), WM_OK);
    assert_int_equal(total(f, f->admin, "玄鸟星图", "document"), 3);
    assert_int_equal(wm_doc_restore(f->db, ACT(f->admin), ids[2], &fl), WM_OK);
    assert_int_equal(total(f, f->admin, "玄鸟星图", "document"), 4);
    /* metadata */
    struct wm_doc_meta m = {.remarks = "白泽备注"};
    assert_int_equal(wm_doc_update(f->db, ACT(f->admin), ids[0], &m, &fl), WM_OK);
    assert_int_equal(total(f, f->unit, "白泽", NULL), 1);
    /* a new version whose file's text is known already */
    char sha[65];
    put_blob(f, "new version", sha);
    assert_int_equal(f->db->ops->blob_upsert(f->db, sha, 11, "application/pdf", wm_now()),
                     WM_QS_ONE);
    assert_int_equal(f->db->ops->blob_text_put(f->db, sha, "done", "会议纪要：青龙白虎朱雀玄武",
                                               NULL, wm_now()),
                     WM_QS_ONE);
    assert_int_equal(total(f, f->admin, "朱雀", NULL), 0);
    struct wm_upload up = {.sha = sha, .size = 11, .mime = "application/pdf", .kind = "text",
                           .ext = "pdf", .filename = "v2.pdf"};
    assert_int_equal(wm_doc_new_version(f->db, ACT(f->admin), ids[3], &up, &fl), WM_OK);
    json_t *r = search(f, f->admin, "朱雀", NULL);
    assert_int_equal(json_integer_value(json_object_get(r, "total")), 1);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(json_object_get(r, "hits"),
                                                                       0),
                                                        "id")),
                     ids[3]);
    json_decref(r);
    assert_int_equal(total(f, f->district, "朱雀", NULL), 0); /* not A's */
    /* guidance closed: its state is a filter */
    assert_int_equal(wm_guidance_set_open(f->db, ACT(f->district), f->ar_a1, f->leaf, false, &fl),
                     WM_OK);
    struct wm_search_params p = {.q = "玄鸟星图", .state = "closed"};
    r = wm_search(f->db, ACT(f->district), &p, &fl);
    assert_non_null(r);
    assert_int_equal(json_integer_value(json_object_get(r, "total")), 1);
    json_decref(r);
    /* a published edition's indicators: seen by every account below its office */
    static const char fw[] =
        "{\"format\": \"wenming-framework/1\", \"name\": \"麒麟标准\", \"version\": \"2025版\",\n"
        " \"indicators\": [{\"code\": \"1\", \"title\": \"麒麟组织\", \"children\": [\n"
        "   {\"code\": \"1.1\", \"title\": \"规划\", \"requirement\": \"建立麒麟工作台账\"}]}]}\n";
    struct wm_fw_in in = {.data = fw, .len = strlen(fw), .office_id = f->dist_b};
    json_t *rep = NULL;
    int64_t ed = 0;
    assert_int_equal(wm_framework_import(f->db, ACT(f->admin), &in, &ed, &rep, NULL, &fl), WM_OK);
    json_decref(rep);
    assert_int_equal(total(f, f->admin, "麒麟", "indicator"), 0); /* a draft */
    assert_int_equal(wm_edition_publish(f->db, ACT(f->admin), ed, &fl), WM_OK);
    r = search(f, f->admin, "麒麟", "indicator");
    assert_int_equal(json_integer_value(json_object_get(r, "total")), 2);
    json_t *h = json_array_get(json_object_get(r, "hits"), 0);
    assert_true(json_is_null(json_object_get(h, "unit")));
    assert_int_equal(json_integer_value(json_object_get(h, "year")), 2025);
    assert_non_null(strstr(json_string_value(json_object_get(h, "url")), "/frameworks/"));
    json_decref(r);
    /* published by district B: not district A's, nor a unit of A's */
    assert_int_equal(total(f, f->district, "麒麟", NULL), 0);
    assert_int_equal(total(f, f->unit, "麒麟", NULL), 0);
    /* purge: gone for good */
    assert_int_equal(wm_doc_delete(f->db, ACT(f->admin), ids[1], &fl), WM_OK);
    assert_int_equal(wm_doc_purge(f->db, ACT(f->admin), ids[1], &fl), WM_OK);
    assert_int_equal(total(f, f->admin, "玄鸟星图", "document"), 3);
    /* an empty archive deleted: its conversations leave the index with it */
    int64_t aid = 0, u17 = org_by_code(f->db, "DEMO017");
    assert_int_equal(wm_archive_create(f->db, ACT(NULL), u17, wm_archive_current_year(),
                                       json_integer_value(json_object_get(f->ar_a1, "edition_id")),
                                       &aid, &fl),
                     WM_OK);
    json_t *ar = archive(f, u17);
    assert_int_equal(wm_guidance_post(f->db, ACT(f->admin), ar, f->leaf, "饕餮留言", NULL, NULL,
                                      &fl),
                     WM_OK);
    assert_int_equal(total(f, f->admin, "饕餮", "guidance"), 1);
    assert_int_equal(wm_archive_delete(f->db, ACT(f->admin),
                                       json_integer_value(json_object_get(ar, "unit_id")),
                                       json_integer_value(json_object_get(ar, "year")), &fl),
                     WM_OK);
    json_decref(ar);
    assert_int_equal(total(f, f->admin, "饕餮", NULL), 0);
    /* the rebuild gives the same answers */
    json_t *res = wm_search_reindex(f->db, NULL, NULL, &fl);
    assert_non_null(res);
    assert_int_equal(json_integer_value(json_object_get(res, "documents")),
                     f->db->ops->search_src_count(f->db, "document"));
    json_decref(res);
    assert_int_equal(total(f, f->admin, "玄鸟星图", "document"), 3);
    assert_int_equal(total(f, f->admin, "麒麟", "indicator"), 2);
    assert_int_equal(total(f, f->district, "玄鸟星图", NULL), 2);
    assert_int_equal(total(f, f->admin, "朱雀", NULL), 1);
}

/* The one search.extract job there is (NULL: none). */
static json_t *
extract_job(struct fx *f)
{
    json_t *jobs = f->db->ops->job_list(f->db, NULL, &(struct wm_page){.limit = 100}), *x, *out = NULL;
    size_t i;
    json_array_foreach(jobs, i, x)
    {
        if (0 == strcmp(json_string_value(json_object_get(x, "kind")), "search.extract")) {
            assert_null(out);
            out = json_incref(x);
        }
    }
    json_decref(jobs);
    return out;
}

static void
test_extract_job(void **state)
{
    struct fx *f = *state;
    char sha[65];
    /* a file whose text the extractor reads: queued by the create, found after the job */
    put_blob(f, "scanned", sha);
    extract_text = "扫描件中的文字：獬豸公正";
    int64_t id = add_doc(f, f->ar_a1, "扫描件", sha);
    json_t *j = extract_job(f);
    assert_non_null(j);
    json_decref(j);
    assert_int_equal(total(f, f->unit, "獬豸", NULL), 0);
    assert_true(wm_jobs_run_one(f->db, "w1"));
    assert_int_equal(extract_calls, 1);
    json_t *r = search(f, f->unit, "獬豸", NULL);
    assert_int_equal(json_integer_value(json_object_get(r, "total")), 1);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(json_object_get(r, "hits"),
                                                                       0),
                                                        "id")),
                     id);
    json_decref(r);
    json_t *t = f->db->ops->blob_text_get(f->db, sha);
    assert_string_equal(json_string_value(json_object_get(t, "state")), "done");
    json_decref(t);
    /* the same content again: its text is known, nothing queued */
    add_doc(f, f->ar_a2, "扫描件副本", sha);
    assert_false(wm_jobs_run_one(f->db, "w1"));
    assert_int_equal(total(f, f->admin, "獬豸", NULL), 2);
}

static void
test_extract_hostile(void **state)
{
    struct fx *f = *state;
    char sha[65];
    put_blob(f, "hostile", sha);
    extract_with = WM_E_BAD_REQUEST;
    int64_t id = add_doc(f, f->ar_a1, "坏文件", sha);
    assert_true(wm_jobs_run_one(f->db, "w1"));
    assert_int_equal(extract_calls, 1);
    /* recorded as failed, the job failed for good: not tried again */
    json_t *t = f->db->ops->blob_text_get(f->db, sha);
    assert_non_null(t);
    assert_string_equal(json_string_value(json_object_get(t, "state")), "failed");
    assert_non_null(strstr(json_string_value(json_object_get(t, "error")), "damaged"));
    json_decref(t);
    json_t *j = extract_job(f);
    assert_string_equal(json_string_value(json_object_get(j, "state")), "failed");
    json_decref(j);
    assert_false(wm_jobs_run_one(f->db, "w1"));
    /* a new sync of the document queues nothing (its failure is known) */
    struct wm_fail fl = {0};
    assert_int_equal(wm_doc_update(f->db, ACT(f->admin), id, &(struct wm_doc_meta){.remarks = "x"},
                                   &fl),
                     WM_OK);
    assert_false(wm_jobs_run_one(f->db, "w1"));
    assert_int_equal(extract_calls, 1);
    /* still found by its metadata */
    assert_int_equal(total(f, f->admin, "坏文件", NULL), 1);
}

static void
test_moves_and_rebuild(void **state)
{
    struct fx *f = *state;
    struct wm_fail fl = {0};
    int64_t ids[4];
    seed_docs(f, ids);
    /* a unit of district A moves to district B: its documents and conversation follow */
    assert_int_equal(total(f, f->district, "玄鸟星图", NULL), 3);
    const struct wm_unit_in in = {.parent_id = f->dist_b};
    assert_int_equal(wm_unit_update(f->db, ACT(f->admin), f->unit_a1, &in, &fl), WM_OK);
    assert_int_equal(total(f, f->district, "玄鸟星图", NULL), 1); /* A2's document only */
    struct wm_search_params p = {.q = "玄鸟星图", .district_id = f->dist_b};
    json_t *r = wm_search(f->db, ACT(f->admin), &p, &fl);
    assert_non_null(r);
    assert_int_equal(json_integer_value(json_object_get(r, "total")), 3);
    json_decref(r);
    /* its type is a filter: changed, the index follows */
    const struct wm_unit_in ty = {.type = "社区"};
    assert_int_equal(wm_unit_update(f->db, ACT(f->admin), f->unit_a1, &ty, &fl), WM_OK);
    p = (struct wm_search_params){.q = "玄鸟星图", .unit_type = "社区"};
    r = wm_search(f->db, ACT(f->admin), &p, &fl);
    assert_non_null(r);
    assert_int_equal(json_integer_value(json_object_get(r, "total")), 2);
    json_decref(r);
    /* a whole office moves (district B under district A): its units' rows follow */
    assert_int_equal(wm_org_update(f->db, ACT(f->admin), f->dist_b, NULL, f->dist_a, &fl), WM_OK);
    assert_int_equal(total(f, f->district, "玄鸟星图", NULL), 4);
    /* the rebuild: everything again, and one extraction queued per file without text */
    json_t *res = wm_search_reindex(f->db, NULL, NULL, &fl);
    assert_non_null(res);
    assert_int_equal(json_integer_value(json_object_get(res, "guidance")), 1);
    assert_true(json_integer_value(json_object_get(res, "indicators")) > 0);
    assert_int_equal(json_integer_value(json_object_get(res, "extractions_queued")), 4);
    json_decref(res);
    assert_int_equal(total(f, f->district, "玄鸟星图", NULL), 4);
    assert_int_equal(total(f, f->admin, "玄鸟星图", NULL), 5);
}

static int64_t merge_clock;

static int64_t
merge_now(void)
{
    return merge_clock;
}

/* The nightly job search.merge: scheduled at 02:30 (Asia/Shanghai), it merges the index's
** parts (the documents' writes made several) and the answers stay the same. */
static void
test_merge_job(void **state)
{
    struct fx *f = *state;
    int64_t ids[4];
    seed_docs(f, ids);
    int64_t before = total(f, f->admin, "玄鸟星图", NULL);
    assert_true(before > 0);
    merge_clock = 1767225600; /* 2026-01-01 00:00 UTC: 08:00 in Asia/Shanghai */
    wm_jobs_set_clock(merge_now);
    wm_jobs_schedule(f->db);
    struct wm_page pg = {.limit = 50, .kind = "search.merge"};
    json_t *l = f->db->ops->job_list(f->db, "queued", &pg);
    assert_int_equal(json_array_size(l), 1);
    int64_t at = json_integer_value(json_object_get(json_array_get(l, 0), "run_after"));
    json_decref(l);
    assert_int_equal(at, 1767225600 + 18 * 3600 + 30 * 60); /* 02:30 the next day there */
    merge_clock = at;
    while (wm_jobs_run_one(f->db, "w")) {
    }
    l = f->db->ops->job_list(f->db, "done", &pg);
    assert_int_equal(json_array_size(l), 1);
    json_t *job = f->db->ops->job_get(
        f->db, json_integer_value(json_object_get(json_array_get(l, 0), "id")));
    json_t *res = json_loads(json_string_value(json_object_get(job, "result")), 0, NULL);
    assert_true(json_integer_value(json_object_get(res, "steps")) >= 1);
    json_decref(res);
    json_decref(job);
    json_decref(l);
    wm_jobs_set_clock(NULL);
    assert_int_equal(total(f, f->admin, "玄鸟星图", NULL), before);
    /* merged: a run now has nothing to do */
    struct wm_fail fl = {0};
    int64_t steps = -1;
    assert_int_equal(wm_search_merge(f->db, NULL, NULL, &steps, &fl), WM_OK);
    assert_int_equal(steps, 0);
}

static void
test_extract_real(void **state)
{
    struct fx *f = *state;
    char sha[65];
    /* a UTF-8 text file, through the real extractor (in this process) */
    extract_real = true;
    put_blob(f, "会议记录\n本次会议讨论了垃圾分类宣传方案。\n", sha);
    struct wm_fail fl = {0};
    struct wm_doc_meta m = {.title = "会议记录"};
    struct wm_upload up = {.sha = sha, .size = 10, .mime = "text/plain", .kind = "text",
                           .ext = "txt", .filename = "记录.txt"};
    int64_t id = 0;
    assert_int_equal(wm_doc_create(f->db, ACT(NULL), f->ar_b1, f->leaf, &m, &up, &id, &fl), WM_OK);
    assert_int_equal(total(f, f->admin, "垃圾分类", NULL), 0);
    assert_true(wm_jobs_run_one(f->db, "w1"));
    json_t *r = search(f, f->admin, "垃圾分类", NULL);
    assert_int_equal(json_integer_value(json_object_get(r, "total")), 1);
    json_t *h = json_array_get(json_object_get(r, "hits"), 0);
    assert_int_equal(json_integer_value(json_object_get(h, "id")), id);
    /* the snippet is from the file's text, the hit marked */
    struct wm_buf b = {0};
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(h, "snippet"), i, x)
    {
        if (json_is_true(json_object_get(x, "hit"))) {
            wm_buf_adds(&b, json_string_value(json_object_get(x, "text")));
        }
    }
    assert_non_null(strstr(wm_buf_str(&b), "垃圾"));
    wm_buf_free(&b);
    json_decref(r);
    assert_int_equal(total(f, f->district, "垃圾分类", NULL), 0); /* district B's */
}

int
main(void)
{
    const char *store = getenv("WM_TEST_STORE");
    if (store && *store && 0 != strcmp(store, "sqlite")) {
        if (0 != strcmp(store, "pg") && 0 != strcmp(store, "postgresql")) {
            setenv("WM_TEST_PG", store, 1);
        }
        if (NULL == pgdb_server()) {
            printf("search core tests on PostgreSQL: WM_TEST_PG is not set, skipped\n");
            return 77;
        }
        g_pg = true;
    }
    wm_log_set_level(WM_LOG_ERROR);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_scope_and_facets, setup, teardown),
        cmocka_unit_test_setup_teardown(test_writers_keep_it_current, setup, teardown),
        cmocka_unit_test_setup_teardown(test_extract_job, setup, teardown),
        cmocka_unit_test_setup_teardown(test_extract_hostile, setup, teardown),
        cmocka_unit_test_setup_teardown(test_moves_and_rebuild, setup, teardown),
        cmocka_unit_test_setup_teardown(test_merge_job, setup, teardown),
        cmocka_unit_test_setup_teardown(test_extract_real, setup, teardown),
    };
    return g_pg ? cmocka_run_group_tests_name("search_core_pg", tests, NULL, NULL)
                : cmocka_run_group_tests_name("search_core", tests, NULL, NULL);
}

/* end of test_search_core.c */
