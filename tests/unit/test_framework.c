/*
** test_framework.c — unit tests of src/framework (wm_framework.h): exact scores, JSON,
** CSV and XLSX import/export and their equality, every validation error with its line and
** field, limits, vocabularies, diff.
**
** Fixtures live in tests/data/frameworks; the directory comes from $WM_FW_TESTDATA (set by
** meson) or argv[1].
*/
#include "wm_framework.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* clang-format off: cmocka needs these first */
#include <setjmp.h>
#include <cmocka.h>
/* clang-format on */

#include "banned.h"

static const char *datadir = "tests/data/frameworks";

static char *
read_fixture(const char *name, size_t *len)
{
    char *path = wm_asprintf("%s/%s", datadir, name);
    char *data = wm_read_file(path, len);
    if (data == NULL) {
        fail_msg("cannot read %s", path);
    }
    free(path);
    return data;
}

static struct wm_fw *
parse_ok(const char *text)
{
    struct wm_fw_report rep = { 0 };
    struct wm_fw *fw = NULL;
    enum wm_err rc = wm_fw_parse_json(text, strlen(text), &fw, &rep);
    if (rc != WM_OK) {
        char *t = wm_fw_report_text(&rep);
        print_error("%s", t);
        free(t);
    }
    assert_int_equal(rc, WM_OK);
    assert_non_null(fw);
    assert_int_equal(rep.nerrors, 0);
    wm_fw_report_free(&rep);
    return fw;
}

/* The report must hold an error (or warning) at line with field, whose message contains
** needle. */
static void
expect_issue(const struct wm_fw_report *rep,
             enum wm_fw_severity sev,
             unsigned line,
             const char *code,
             const char *field,
             const char *needle)
{
    for (size_t i = 0; i < rep->nissues; i++) {
        const struct wm_fw_issue *is = &rep->issues[i];
        if (is->severity == sev && is->line == line &&
            (field == NULL ? is->field == NULL : (is->field && strcmp(is->field, field) == 0)) &&
            (code == NULL || (is->code && strcmp(is->code, code) == 0)) &&
            strstr(is->message, needle) != NULL) {
            return;
        }
    }
    char *t = wm_fw_report_text(rep);
    fail_msg("no issue at line %u field %s code %s containing \"%s\"; got:\n%s", line,
             field ? field : "(null)", code ? code : "(null)", needle, t);
    free(t);
}

/* Parse JSON that must fail; returns the report (caller frees). */
static struct wm_fw_report
parse_bad(const char *text)
{
    struct wm_fw_report rep = { 0 };
    struct wm_fw *fw = (struct wm_fw *)1;
    enum wm_err rc = wm_fw_parse_json(text, strlen(text), &fw, &rep);
    assert_int_equal(rc, WM_E_BAD_REQUEST);
    assert_null(fw);
    assert_true(rep.nerrors > 0);
    return rep;
}

static struct wm_fw_report
rows_bad(const char *csv)
{
    struct wm_fw_report rep = { 0 };
    struct wm_fw *fw = (struct wm_fw *)1;
    enum wm_err rc = wm_fw_parse_rows(csv, strlen(csv), WM_TABLE_CSV, "n", "v", NULL, &fw, &rep);
    assert_int_equal(rc, WM_E_BAD_REQUEST);
    assert_null(fw);
    assert_true(rep.nerrors > 0);
    return rep;
}

#define HEAD "{\"format\": \"wenming-framework/1\", \"name\": \"t\", \"version\": \"1\",\n"

/* ---------------------------------------------------------------- scores */

static void
test_score_parse_format(void **state)
{
    int64_t v = -1;
    char buf[32];
    assert_true(wm_fw_score_parse("0.5", &v));
    assert_int_equal(v, 50);
    assert_true(wm_fw_score_parse("7", &v));
    assert_int_equal(v, 700);
    assert_true(wm_fw_score_parse("0.25", &v));
    assert_int_equal(v, 25);
    assert_true(wm_fw_score_parse("1.50", &v));
    assert_int_equal(v, 150);
    assert_true(wm_fw_score_parse("0.200", &v));
    assert_int_equal(v, 20);
    assert_true(wm_fw_score_parse("0.30000000000000004", &v));
    assert_int_equal(v, 30);
    assert_true(wm_fw_score_parse("0", &v));
    assert_int_equal(v, 0);
    v = 4242;
    assert_false(wm_fw_score_parse("-1", &v));
    assert_false(wm_fw_score_parse("abc", &v));
    assert_false(wm_fw_score_parse("0.333", &v));
    assert_false(wm_fw_score_parse("", &v));
    assert_false(wm_fw_score_parse("1e3", &v));
    assert_false(wm_fw_score_parse(".5", &v));
    assert_false(wm_fw_score_parse("1.", &v));
    assert_false(wm_fw_score_parse(" 1", &v));
    assert_false(wm_fw_score_parse("99999999999999", &v));
    assert_int_equal(v, 4242);

    assert_string_equal(wm_fw_score_format(700, buf), "7");
    assert_string_equal(wm_fw_score_format(50, buf), "0.5");
    assert_string_equal(wm_fw_score_format(25, buf), "0.25");
    assert_string_equal(wm_fw_score_format(1005, buf), "10.05");
    assert_string_equal(wm_fw_score_format(0, buf), "0");
    assert_string_equal(wm_fw_score_format(10 + 20, buf), "0.3");
}

/* 0.1 + 0.2 totals 0.3 exactly, and the export prints 0.1, not 0.1000000000000001. */
static void
test_point_one_plus_point_two(void **state)
{
    struct wm_fw *fw = parse_ok(HEAD "\"indicators\": [{\"code\": \"1\", \"title\": \"a\", "
                                     "\"children\": [{\"code\": \"1.1\", \"title\": \"x\", "
                                     "\"score\": 0.1}, {\"code\": \"1.2\", \"title\": \"y\", "
                                     "\"score\": 0.2}]}]}");
    char buf[32];
    const struct wm_ind *one = wm_fw_find(fw, "1");
    assert_non_null(one);
    assert_int_equal(one->total, 30);
    assert_string_equal(wm_fw_score_format(one->total, buf), "0.3");
    assert_int_equal(fw->total, 30);
    assert_int_equal(wm_fw_find(fw, "1.1")->score, 10);
    assert_int_equal(wm_fw_find(fw, "1.2")->score, 20);
    size_t len;
    char *out = wm_fw_export_json(fw, &len);
    assert_non_null(strstr(out, "\"score\": 0.1\n"));
    assert_non_null(strstr(out, "\"score\": 0.2\n"));
    assert_null(strstr(out, "0000"));
    char *csv = wm_fw_export_csv(fw, NULL);
    assert_non_null(strstr(csv, "\r\n1.1,x,,,0.1,"));
    free(csv);
    free(out);
    wm_fw_free(fw);
}

/* ---------------------------------------------------------------- round trips */

static void
roundtrip_json(const char *text, size_t len)
{
    struct wm_fw_report rep = { 0 };
    struct wm_fw *fw = NULL, *fw2 = NULL;
    assert_int_equal(wm_fw_parse_json(text, len, &fw, &rep), WM_OK);
    size_t l1, l2;
    char *out1 = wm_fw_export_json(fw, &l1);
    assert_int_equal(wm_fw_parse_json(out1, l1, &fw2, &rep), WM_OK);
    char *out2 = wm_fw_export_json(fw2, &l2);
    assert_int_equal(l1, l2);
    assert_memory_equal(out1, out2, l1);
    assert_true(wm_fw_equal(fw, fw2));

    /* import → export equals the input modulo white space */
    json_error_t je;
    json_t *a = json_loadb(text, len, 0, &je), *b = json_loadb(out1, l1, 0, &je);
    assert_non_null(a);
    assert_non_null(b);
    assert_true(json_equal(a, b));
    json_t *c = wm_fw_to_json(fw);
    assert_true(json_equal(a, c));
    /* and in the same key order: compact dumps are byte-identical */
    char *da = json_dumps(a, JSON_COMPACT | JSON_REAL_PRECISION(15));
    char *db = json_dumps(b, JSON_COMPACT | JSON_REAL_PRECISION(15));
    assert_string_equal(da, db);
    free(da);
    free(db);
    json_decref(a);
    json_decref(b);
    json_decref(c);
    free(out1);
    free(out2);
    wm_fw_free(fw);
    wm_fw_free(fw2);
    wm_fw_report_free(&rep);
}

static void
test_seed(void **state)
{
    size_t len;
    char *text = read_fixture("seed-archive-scope.json", &len);
    struct wm_fw_report rep = { 0 };
    struct wm_fw *fw = NULL;
    assert_int_equal(wm_fw_parse_json(text, len, &fw, &rep), WM_OK);
    assert_int_equal(rep.nerrors, 0);
    assert_int_equal(rep.nwarnings, 0);
    assert_string_equal(fw->name, "文明單位創建檔案資料歸檔範圍");
    assert_string_equal(fw->version, "seed");
    assert_int_equal(fw->ntop, 7);
    assert_int_equal(fw->nleaves, 26);
    assert_int_equal(fw->nall, 33);
    assert_int_equal(fw->total, 0);
    const struct wm_ind *i = wm_fw_find(fw, "4.4");
    assert_non_null(i);
    assert_string_equal(i->title, "干群關係");
    assert_int_equal(i->ndept, 3);
    assert_string_equal(i->dept[2], "監察室");
    assert_true(i->leaf);
    assert_int_equal(i->depth, 2);
    assert_false(i->has_score);
    assert_string_equal(i->parent->code, "4");
    i = wm_fw_find(fw, "1.2");
    assert_int_equal(i->frequency, WM_FW_FREQ_HALF_YEARLY);
    i = wm_fw_find(fw, "7.1");
    assert_int_equal(i->nmedia, 3);
    assert_int_equal(i->media[0], WM_FW_MEDIA_PHOTO);
    assert_int_equal(i->media[1], WM_FW_MEDIA_AUDIOVISUAL);
    assert_int_equal(i->media[2], WM_FW_MEDIA_TEXT);
    i = wm_fw_find(fw, "5");
    assert_false(i->leaf);
    assert_int_equal(i->nchildren, 3);
    assert_null(wm_fw_find(fw, "8"));
    wm_fw_free(fw);
    wm_fw_report_free(&rep);
    roundtrip_json(text, len);
    free(text);
}

static struct wm_fw *
load_synthetic(void)
{
    size_t len;
    char *text = read_fixture("synthetic-city-100.json", &len);
    struct wm_fw_report rep = { 0 };
    struct wm_fw *fw = NULL;
    assert_int_equal(wm_fw_parse_json(text, len, &fw, &rep), WM_OK);
    assert_int_equal(rep.nerrors, 0);
    assert_int_equal(rep.nwarnings, 0);
    wm_fw_report_free(&rep);
    free(text);
    return fw;
}

static void
test_synthetic(void **state)
{
    struct wm_fw *fw = load_synthetic();
    char buf[32];
    assert_int_equal(fw->total, 10000);
    assert_int_equal(fw->nleaves, 14);
    assert_int_equal(fw->nall, 23);

    const struct wm_ind *i = wm_fw_find(fw, "1.1.1");
    assert_int_equal(i->depth, 3);
    assert_int_equal(i->score, 250);
    assert_string_equal(wm_fw_score_format(i->score, buf), "2.5");
    assert_int_equal(i->scoring.rule, WM_FW_RULE_POINTS);
    assert_int_equal(i->nmethods, 2);
    assert_string_equal(i->methods[0].label, "材料审核");
    assert_string_equal(i->methods[0].code, "docs");
    assert_string_equal(i->methods[1].code, "site");
    assert_true(i->has_veto);
    assert_false(i->veto);
    assert_int_equal(i->frequency, WM_FW_FREQ_QUARTERLY);
    assert_int_equal(i->min_documents, 1);
    assert_string_equal(i->materials, "会议纪要、动员会照片");

    i = wm_fw_find(fw, "1.1.2");
    assert_int_equal(i->scoring.rule, WM_FW_RULE_GRADE);
    assert_int_equal(i->scoring.ngrades, 4);
    assert_int_equal(wm_fw_grade(&i->scoring, 'A'), 100);
    assert_int_equal(wm_fw_grade(&i->scoring, 'B'), 80);
    assert_int_equal(wm_fw_grade(&i->scoring, 'C'), 60);
    assert_int_equal(wm_fw_grade(&i->scoring, 'D'), 0);
    i = wm_fw_find(fw, "2.2.1");
    assert_int_equal(wm_fw_grade(&i->scoring, 'B'), 85);
    assert_int_equal(i->media[0], WM_FW_MEDIA_AUDIOVISUAL);
    assert_string_equal(i->media_label[0], "音像");
    assert_string_equal(i->methods[1].code, "interview");

    i = wm_fw_find(fw, "2.2.2");
    assert_int_equal(i->scoring.rule, WM_FW_RULE_BONUS);
    assert_true(i->scoring.has_cap);
    assert_int_equal(i->scoring.cap, 200);
    assert_false(wm_ind_counts(i));
    assert_int_equal(wm_fw_find(fw, "2.2")->total, 1500); /* the bonus does not count */
    i = wm_fw_find(fw, "3.2.3");
    assert_int_equal(i->scoring.rule, WM_FW_RULE_NEGATIVE);
    assert_int_equal(i->scoring.cap, 500);
    assert_string_equal(i->methods[1].label, "查看台账");
    assert_null(i->methods[1].code);

    /* unknown label kept verbatim, traditional labels mapped */
    i = wm_fw_find(fw, "2.1.2");
    assert_string_equal(i->methods[0].label, "查看台账");
    assert_null(i->methods[0].code);
    assert_string_equal(i->methods[1].code, "survey");
    assert_string_equal(wm_fw_find(fw, "1.2.1")->methods[0].code, "site");
    assert_int_equal(wm_fw_find(fw, "1.2.1")->media[0], WM_FW_MEDIA_PHOTO);
    assert_string_equal(wm_fw_find(fw, "1.2.3")->methods[0].code, "online");
    assert_string_equal(wm_fw_find(fw, "1.1.3")->methods[1].code, "interview");

    /* two veto items */
    unsigned vetoes = 0;
    for (size_t k = 0; k < fw->nall; k++) {
        vetoes += fw->all[k]->veto;
    }
    assert_int_equal(vetoes, 2);
    assert_true(wm_fw_find(fw, "3.2.2")->veto);
    assert_false(wm_fw_find(fw, "3.2.2")->has_score);

    /* totals per level */
    assert_int_equal(wm_fw_find(fw, "1")->total, 2000);
    assert_int_equal(wm_fw_find(fw, "1.2")->total, 1200);
    assert_int_equal(wm_fw_find(fw, "3.2")->total, 2500);
    assert_string_equal(fw->all[0]->code, "1");
    assert_string_equal(fw->all[1]->code, "1.1");
    assert_string_equal(fw->all[2]->code, "1.1.1");

    /* key order preserved: 1.1.3 has title before code, 2.2.1 grades before rule */
    char *out = wm_fw_export_json(fw, NULL);
    const char *t = strstr(out, "\"title\": \"创建领导小组\"");
    const char *c = strstr(out, "\"code\": \"1.1.3\"");
    assert_non_null(t);
    assert_non_null(c);
    assert_true(t < c);
    assert_non_null(strstr(out, "\"score\": 11.7,"));
    assert_non_null(strstr(out, "\"B\": 0.85,"));
    free(out);
    wm_fw_free(fw);

    size_t len;
    char *text = read_fixture("synthetic-city-100.json", &len);
    roundtrip_json(text, len);
    free(text);
}

static void
test_csv_equals_json(void **state)
{
    struct wm_fw *fj = load_synthetic();
    size_t len;
    char *csv = read_fixture("synthetic-city-100.csv", &len);
    struct wm_fw_report rep = { 0 };
    struct wm_fw *fc = NULL;
    enum wm_err rc =
        wm_fw_parse_rows(csv, len, WM_TABLE_CSV, fj->name, fj->version, fj->source, &fc, &rep);
    if (rc != WM_OK) {
        char *t = wm_fw_report_text(&rep);
        print_error("%s", t);
        free(t);
    }
    assert_int_equal(rc, WM_OK);
    assert_int_equal(rep.nissues, 0);
    assert_true(wm_fw_equal(fj, fc));
    assert_int_equal(wm_fw_find(fc, "2.2.1")->line, 16);
    assert_int_equal(wm_fw_find(fc, "2.2.2")->line, 18); /* after a blank row */
    assert_int_equal(fc->total, 10000);

    /* export JSON framework as CSV, import again */
    size_t l2;
    char *csv2 = wm_fw_export_csv(fj, &l2);
    assert_memory_equal(csv2,
                        "\xEF\xBB\xBF"
                        "code,title,requirement,materials,score,scoring,"
                        "methods,veto,depts,media,frequency,min_documents\r\n",
                        96);
    assert_non_null(strstr(csv2, "\r\n1.1.2,创建规划与年度计划,,,3,\"grade:A=1,B=0.8,C=0.6,D=0\","
                                 "审阅资料,,办公室;人教科,text,yearly,\r\n"));
    struct wm_fw *fc2 = NULL;
    assert_int_equal(
        wm_fw_parse_rows(csv2, l2, WM_TABLE_AUTO, fj->name, fj->version, fj->source, &fc2, &rep),
        WM_OK);
    assert_true(wm_fw_equal(fj, fc2));
    /* and the CSV of the CSV import is the same text */
    char *csv3 = wm_fw_export_csv(fc2, NULL);
    assert_string_equal(csv2, csv3);
    free(csv3);

    /* a difference is noticed */
    struct wm_fw *fc3 = NULL;
    char *p = strstr(csv2, ",11.7,");
    assert_non_null(p);
    p[4] = '6';
    assert_int_equal(wm_fw_parse_any(csv2, l2, fj->name, fj->version, fj->source, &fc3, &rep),
                     WM_OK);
    assert_false(wm_fw_equal(fj, fc3));
    assert_int_equal(wm_fw_find(fc3, "1.2.1")->score, 1160);
    assert_int_equal(rep.nwarnings, 0);

    wm_fw_free(fc3);
    wm_fw_free(fc2);
    free(csv2);
    wm_fw_free(fc);
    free(csv);
    wm_fw_free(fj);
    wm_fw_report_free(&rep);
}

static void
test_xlsx_roundtrip(void **state)
{
    struct wm_fw *fj = load_synthetic();
    char dir[] = "/tmp/wm_fw_test_XXXXXX";
    assert_non_null(mkdtemp(dir));
    char *path = wm_asprintf("%s/fw.xlsx", dir);
    char err[256] = "";
    assert_int_equal(wm_fw_export_xlsx(fj, path, err, sizeof(err)), WM_OK);
    size_t len;
    char *data = wm_read_file(path, &len);
    assert_non_null(data);
    assert_true(len > 1000);
    assert_memory_equal(data, "PK\3\4", 4);
    struct wm_fw_report rep = { 0 };
    struct wm_fw *fx = NULL;
    enum wm_err rc = wm_fw_parse_any(data, len, fj->name, fj->version, fj->source, &fx, &rep);
    if (rc != WM_OK) {
        char *t = wm_fw_report_text(&rep);
        print_error("%s", t);
        free(t);
    }
    assert_int_equal(rc, WM_OK);
    assert_true(wm_fw_equal(fj, fx));
    assert_int_equal(wm_fw_find(fx, "1.2.2")->score, 10);
    assert_int_equal(wm_fw_find(fx, "1.2.1")->score, 1170);
    assert_int_equal(wm_fw_find(fx, "1.1.1")->line, 4); /* sheet row: header is row 1 */

    /* the seed as well */
    size_t slen;
    char *seed = read_fixture("seed-archive-scope.json", &slen);
    struct wm_fw *fs = NULL, *fs2 = NULL;
    assert_int_equal(wm_fw_parse_json(seed, slen, &fs, &rep), WM_OK);
    assert_int_equal(wm_fw_export_xlsx(fs, path, err, sizeof(err)), WM_OK);
    free(data);
    data = wm_read_file(path, &len);
    assert_int_equal(
        wm_fw_parse_rows(data, len, WM_TABLE_XLSX, fs->name, fs->version, fs->source, &fs2, &rep),
        WM_OK);
    assert_true(wm_fw_equal(fs, fs2));

    /* an unwritable path is an error, not a crash */
    assert_int_equal(wm_fw_export_xlsx(fs, "/nonexistent-dir/x.xlsx", err, sizeof(err)),
                     WM_E_INTERNAL);
    assert_true(strlen(err) > 0);

    wm_fw_free(fs);
    wm_fw_free(fs2);
    free(seed);
    unlink(path);
    rmdir(dir);
    free(path);
    free(data);
    wm_fw_free(fx);
    wm_fw_free(fj);
    wm_fw_report_free(&rep);
}

/* ---------------------------------------------------------------- JSON validation */

static void
test_json_malformed(void **state)
{
    const char *text = "{\n"
                       "  \"format\": \"wenming-framework/1\",\n"
                       "  \"name\": \"x\"\n"
                       "  \"indicators\": []\n"
                       "}\n";
    struct wm_fw_report rep = parse_bad(text);
    assert_int_equal(rep.nissues, 1);
    assert_int_equal(rep.issues[0].line, 4);
    assert_int_equal(rep.issues[0].column, 14);
    assert_non_null(strstr(rep.issues[0].message, "JSON 格式错误（第 4 行第 14 列）"));
    wm_fw_report_free(&rep);

    /* a duplicate key is refused by jansson with its position */
    rep = parse_bad(HEAD "\"indicators\": [{\"code\": \"1\", \"title\": \"a\",\n"
                         "\"title\": \"b\"}]}");
    assert_int_equal(rep.issues[0].line, 3);
    assert_non_null(strstr(rep.issues[0].message, "duplicate"));
    wm_fw_report_free(&rep);

    /* empty input, a non-object, a truncated document */
    rep = parse_bad("");
    assert_non_null(strstr(rep.issues[0].message, "JSON 格式错误"));
    wm_fw_report_free(&rep);
    rep = parse_bad("[1, 2]");
    expect_issue(&rep, WM_FW_ERROR, 1, NULL, NULL, "文档应为 JSON 对象");
    wm_fw_report_free(&rep);
    rep = parse_bad(HEAD "\"indicators\": [");
    assert_int_equal(rep.issues[0].line, 2);
    wm_fw_report_free(&rep);

    /* a NUL byte outside strings */
    static const char nul[] = HEAD "\"indicators\": [{\"code\": \"1\", \"title\": \"t\",\n"
                                   "\"score\": 5\0}]}";
    struct wm_fw *fw = (struct wm_fw *)1;
    rep = (struct wm_fw_report){ 0 };
    assert_int_equal(wm_fw_parse_json(nul, sizeof(nul) - 1, &fw, &rep), WM_E_BAD_REQUEST);
    assert_null(fw);
    expect_issue(&rep, WM_FW_ERROR, 3, NULL, NULL, "NUL");
    wm_fw_report_free(&rep);
}

static void
test_json_errors(void **state)
{
    /* one document, many errors, all reported with their lines */
    const char *text =
        "{\"format\": \"wenming-framework/1\", \"name\": \"t\",\n"                      /* 1 */
        "\"indicators\": [\n"                                                           /* 2 */
        " {\"code\": \"1\", \"title\": \"一\", \"score\": 7, \"children\": [\n"         /* 3 */
        "   {\"code\": \"1.1\", \"title\": \"a\", \"score\": \"abc\"},\n"               /* 4 */
        "   {\"code\": \"1.1\", \"title\": \"b\", \"score\": -1},\n"                    /* 5 */
        "   {\"code\": \"1.2\", \"title\": \"\", \"frequency\": \"weekly\"},\n"         /* 6 */
        "   {\"code\": \"1.3\", \"title\": \"c\", \"media\": [\"text\",\n"              /* 7 */
        "      \"video\"], \"scoring\": {\"rule\": \"percent\"}},\n"                    /* 8 */
        "   {\"code\": \"1.4\", \"title\": \"d\", \"scoring\": {\"rule\": \"grade\",\n" /* 9 */
        "      \"grades\": {\"A\": 1.2, \"E\": 0}}},\n"                                 /* 10 */
        "   {\"code\": \"2.1\", \"title\": \"e\"},\n"                                   /* 11 */
        "   {\"code\": \"1..5\", \"title\": \"f\"},\n"                                  /* 12 */
        "   {\"code\": \"1.6\", \"title\": \"g\", \"scroe\": 1},\n"                     /* 13 */
        "   {\"code\": \"1.7\", \"title\": \"h\", \"score\": 0.005,\n"                  /* 14 */
        "    \"veto\": \"yes\", \"min_documents\": 1.5, \"dept\": [\"\"]},\n"           /* 15 */
        "   {\"code\": \"1.8\"},\n"                                                     /* 16 */
        "   {\"code\": \"1.9\", \"title\": \"i\", \"scoring\": {\"rule\": \"points\", \"cap\": 1}}\n" /* 17 */
        " ]},\n"                                      /* 18 */
        " {\"code\": \"1.1.1\", \"title\": \"j\"},\n" /* 19 */
        " {\"title\": \"k\", \"extra\": true}\n"      /* 20 */
        "]}\n";
    struct wm_fw_report rep = parse_bad(text);
    expect_issue(&rep, WM_FW_ERROR, 4, "1.1", "score", "应为数字");
    expect_issue(&rep, WM_FW_ERROR, 5, "1.1", "code", "重复（第 4 行已有）");
    expect_issue(&rep, WM_FW_ERROR, 5, "1.1", "score", "不能为负数");
    expect_issue(&rep, WM_FW_ERROR, 6, "1.2", "title", "不能为空");
    expect_issue(&rep, WM_FW_ERROR, 6, "1.2", "frequency", "未知的频次“weekly”");
    expect_issue(&rep, WM_FW_ERROR, 8, "1.3", "media", "未知的载体“video”");
    expect_issue(&rep, WM_FW_ERROR, 8, "1.3", "scoring.rule", "未知的评分规则 \"percent\"");
    expect_issue(&rep, WM_FW_ERROR, 10, "1.4", "scoring.grades.A", "0 到 1 之间");
    expect_issue(&rep, WM_FW_ERROR, 10, "1.4", "scoring.grades.E", "未知档次");
    expect_issue(&rep, WM_FW_ERROR, 11, "2.1", "code", "与上级编码“1”不符");
    expect_issue(&rep, WM_FW_ERROR, 12, "1..5", "code", "格式不正确");
    expect_issue(&rep, WM_FW_ERROR, 13, "1.6", "scroe", "未知字段“scroe”");
    expect_issue(&rep, WM_FW_ERROR, 14, "1.7", "score", "数值无效");
    expect_issue(&rep, WM_FW_ERROR, 15, "1.7", "veto", "true 或 false");
    expect_issue(&rep, WM_FW_ERROR, 15, "1.7", "min_documents", "整数");
    expect_issue(&rep, WM_FW_ERROR, 15, "1.7", "dept", "不能为空");
    expect_issue(&rep, WM_FW_ERROR, 16, "1.8", "title", "缺少标题");
    expect_issue(&rep, WM_FW_ERROR, 17, "1.9", "scoring.cap", "只有 bonus 和 negative");
    expect_issue(&rep, WM_FW_ERROR, 19, "1.1.1", "code", "不应含“.”");
    expect_issue(&rep, WM_FW_ERROR, 20, NULL, "code", "缺少编码");
    expect_issue(&rep, WM_FW_ERROR, 20, NULL, "extra", "未知字段“extra”");
    assert_int_equal(rep.nerrors, 21);
    assert_int_equal(rep.nerrors, rep.nissues);
    assert_false(rep.truncated);

    json_t *j = wm_fw_report_to_json(&rep);
    assert_int_equal(json_integer_value(json_object_get(j, "errors")), 21);
    json_t *first = json_array_get(json_object_get(j, "issues"), 0);
    assert_string_equal(json_string_value(json_object_get(first, "severity")), "error");
    assert_int_equal(json_integer_value(json_object_get(first, "line")), 4);
    assert_string_equal(json_string_value(json_object_get(first, "field")), "score");
    json_decref(j);
    char *t = wm_fw_report_text(&rep);
    assert_non_null(strstr(t, "错误: 第 4 行 [1.1] score: 应为数字"));
    free(t);
    wm_fw_report_free(&rep);

    /* document-level errors */
    rep = parse_bad("{\"format\": \"wenming-framework/2\",\n\"nmae\": \"x\", \"indicators\": []}");
    expect_issue(&rep, WM_FW_ERROR, 1, NULL, "format", "wenming-framework/1");
    expect_issue(&rep, WM_FW_ERROR, 2, NULL, "nmae", "未知字段");
    expect_issue(&rep, WM_FW_ERROR, 1, NULL, "name", "缺少");
    expect_issue(&rep, WM_FW_ERROR, 2, NULL, "indicators", "非空");
    wm_fw_report_free(&rep);
    rep = parse_bad("{\"name\": \"x\"}");
    expect_issue(&rep, WM_FW_ERROR, 1, NULL, "format", "缺少");
    expect_issue(&rep, WM_FW_ERROR, 1, NULL, "indicators", "缺少");
    wm_fw_report_free(&rep);
}

static void
test_error_cap(void **state)
{
    struct wm_buf b = { 0 };
    wm_buf_adds(&b, HEAD "\"indicators\": [\n");
    for (int i = 1; i <= 150; i++) {
        wm_buf_printf(&b, "%s{\"code\": \"%d\", \"title\": \"t\", \"score\": -%d}\n",
                      i > 1 ? "," : "", i, i);
    }
    wm_buf_adds(&b, "]}");
    struct wm_fw_report rep = parse_bad(b.data);
    assert_int_equal(rep.nerrors, 150);
    assert_int_equal(rep.nissues, WM_FW_MAX_ERRORS);
    assert_true(rep.truncated);
    assert_int_equal(rep.issues[99].line, 102);
    char *t = wm_fw_report_text(&rep);
    assert_non_null(strstr(t, "共 150 个错误"));
    free(t);
    wm_fw_report_free(&rep);
    wm_buf_free(&b);
}

static void
test_sum_warning(void **state)
{
    struct wm_fw_report rep = { 0 };
    struct wm_fw *fw = NULL;
    const char *text = HEAD "\"indicators\": [\n"
                            "{\"code\": \"1\", \"title\": \"a\", \"score\": 7, \"children\": [\n"
                            " {\"code\": \"1.1\", \"title\": \"x\", \"score\": 4.5},\n"
                            " {\"code\": \"1.2\", \"title\": \"y\", \"score\": 4},\n"
                            " {\"code\": \"1.3\", \"title\": \"z\", \"score\": 3,\n"
                            "  \"scoring\": {\"rule\": \"bonus\"}}]},\n"
                            "{\"code\": \"2\", \"title\": \"b\", \"score\": 2, \"children\": [\n"
                            " {\"code\": \"2.1\", \"title\": \"x\", \"score\": 2},\n"
                            " {\"code\": \"2.2\", \"title\": \"y\", \"score\": 5,\n"
                            "  \"scoring\": {\"rule\": \"negative\", \"cap\": 5}}]}]}";
    assert_int_equal(wm_fw_parse_json(text, strlen(text), &fw, &rep), WM_OK);
    assert_non_null(fw);
    assert_int_equal(rep.nerrors, 0);
    assert_int_equal(rep.nwarnings, 1);
    expect_issue(&rep, WM_FW_WARNING, 3, "1", "score",
                 "下级指标分值合计 8.5 分，超过本级分值 7 分");
    assert_int_equal(wm_fw_find(fw, "1")->total, 850);
    assert_int_equal(wm_fw_find(fw, "2")->total, 200);
    assert_int_equal(fw->total, 900);
    wm_fw_free(fw);
    wm_fw_report_free(&rep);
}

static char *
gen_leaves(size_t nleaves, size_t per_folder)
{
    struct wm_buf b = { 0 };
    wm_buf_adds(&b, HEAD "\"indicators\": [\n");
    size_t folders = (nleaves + per_folder - 1) / per_folder, made = 0;
    for (size_t f = 1; f <= folders; f++) {
        wm_buf_printf(&b, "%s{\"code\": \"%zu\", \"title\": \"一级%zu\", \"children\": [\n",
                      f > 1 ? "," : "", f, f);
        for (size_t l = 1; l <= per_folder && made < nleaves; l++, made++) {
            wm_buf_printf(&b,
                          "%s{\"code\": \"%zu.%zu\", \"title\": \"末级指标%zu\", \"score\": "
                          "0.5, \"methods\": [\"实地考察\"], \"frequency\": \"yearly\"}\n",
                          l > 1 ? "," : "", f, l, made);
        }
        wm_buf_adds(&b, "]}\n");
    }
    wm_buf_adds(&b, "]}\n");
    return wm_buf_steal(&b);
}

static void
test_leaf_limit(void **state)
{
    char *text = gen_leaves(5000, 100);
    struct wm_fw *fw = parse_ok(text);
    assert_int_equal(fw->nleaves, 5000);
    assert_int_equal(fw->total, 250000);
    assert_string_equal(wm_fw_find(fw, "50.100")->title, "末级指标4999");
    /* CSV of 5,000 leaves imports too */
    size_t len;
    char *csv = wm_fw_export_csv(fw, &len);
    struct wm_fw *fc = NULL;
    struct wm_fw_report rep = { 0 };
    assert_int_equal(wm_fw_parse_rows(csv, len, WM_TABLE_CSV, "t", "1", NULL, &fc, &rep), WM_OK);
    assert_true(wm_fw_equal(fw, fc));
    wm_fw_free(fc);
    free(csv);
    wm_fw_free(fw);
    free(text);

    text = gen_leaves(5001, 100);
    rep = parse_bad(text);
    assert_int_equal(rep.nerrors, 1);
    /* the 5,001st leaf is 51.1: 2 header lines, 50 folders of 102 lines, 51's own line */
    expect_issue(&rep, WM_FW_ERROR, 2 + 50 * 102 + 2, "51.1", "code", "末级指标超过 5000 个");
    wm_fw_report_free(&rep);
    free(text);
}

static char *
gen_depth(unsigned depth)
{
    struct wm_buf b = { 0 }, code = { 0 };
    wm_buf_adds(&b, HEAD "\"indicators\": [\n");
    for (unsigned d = 1; d <= depth; d++) {
        wm_buf_adds(&code, d == 1 ? "1" : ".1");
        wm_buf_printf(&b, "{\"code\": \"%s\", \"title\": \"第%u级\"%s\n", code.data, d,
                      d < depth ? ", \"children\": [" : "");
    }
    for (unsigned d = 1; d <= depth; d++) {
        wm_buf_adds(&b, d < depth ? "}]" : "}");
    }
    wm_buf_adds(&b, "]}\n");
    wm_buf_free(&code);
    return wm_buf_steal(&b);
}

static void
test_depth_limit(void **state)
{
    char *text = gen_depth(8);
    struct wm_fw *fw = parse_ok(text);
    const struct wm_ind *deep = wm_fw_find(fw, "1.1.1.1.1.1.1.1");
    assert_non_null(deep);
    assert_int_equal(deep->depth, 8);
    assert_true(deep->leaf);
    wm_fw_free(fw);
    free(text);

    text = gen_depth(9);
    struct wm_fw_report rep = parse_bad(text);
    assert_int_equal(rep.nerrors, 1);
    expect_issue(&rep, WM_FW_ERROR, 2 + 9, "1.1.1.1.1.1.1.1.1", "children", "层级超过 8 级");
    wm_fw_report_free(&rep);
    free(text);

    /* CSV: a code of nine segments */
    rep = rows_bad("code,title\n1,a\n1.1,b\n1.1.1.1.1.1.1.1.1,c\n");
    expect_issue(&rep, WM_FW_ERROR, 4, "1.1.1.1.1.1.1.1.1", "code", "层级超过 8 级");
    wm_fw_report_free(&rep);

    /* absurd nesting stays an error, without a crash */
    struct wm_buf b = { 0 };
    wm_buf_adds(&b, HEAD "\"indicators\": [");
    for (int i = 0; i < 1500; i++) {
        wm_buf_adds(&b, "{\"code\": \"1\", \"title\": \"t\", \"children\": [");
    }
    for (int i = 0; i < 1500; i++) {
        wm_buf_adds(&b, "]}");
    }
    wm_buf_adds(&b, "]}");
    rep = parse_bad(b.data);
    wm_fw_report_free(&rep);
    wm_buf_free(&b);
}

/* ---------------------------------------------------------------- CSV validation */

static void
test_csv_errors(void **state)
{
    const char *csv = "code,title,score,scoring,veto,media,frequency,min_documents,depts\n" /* 1 */
                      "1,一级,10,,,,,,\n"                                                   /* 2 */
                      "1.1,甲,-1,,,,,,\n"                                                   /* 3 */
                      "1.1,乙,abc,,,,,,\n"                                                  /* 4 */
                      "1.2,,1,,,,,,\n"                                                      /* 5 */
                      "2.1,丙,1,,,,,,\n"                                                    /* 6 */
                      "1.3,丁,1,percent,maybe,video,weekly,-2,\n"                           /* 7 */
                      "1.4,戊,1,\"grade:A=1,B=1.5\",,,,,\n"                                 /* 8 */
                      "1.a-b,己,1,,,,,,\n"                                                  /* 9 */
                      "2.1.1,庚,1,,,,,,\n"                                                  /* 10 */
                      "1.5,辛,1,bonus:x,,,,,\n";                                            /* 11 */
    struct wm_fw_report rep = rows_bad(csv);
    expect_issue(&rep, WM_FW_ERROR, 3, "1.1", "score", "不能为负数");
    expect_issue(&rep, WM_FW_ERROR, 4, "1.1", "score", "“abc”无效");
    expect_issue(&rep, WM_FW_ERROR, 4, "1.1", "code", "重复（第 3 行已有）");
    expect_issue(&rep, WM_FW_ERROR, 5, "1.2", "title", "标题不能为空");
    expect_issue(&rep, WM_FW_ERROR, 6, "2.1", "code", "上级指标“2”不存在");
    expect_issue(&rep, WM_FW_ERROR, 7, "1.3", "scoring", "未知的评分规则“percent”");
    expect_issue(&rep, WM_FW_ERROR, 7, "1.3", "veto", "“maybe”");
    expect_issue(&rep, WM_FW_ERROR, 7, "1.3", "media", "未知的载体“video”");
    expect_issue(&rep, WM_FW_ERROR, 7, "1.3", "frequency", "未知的频次“weekly”");
    expect_issue(&rep, WM_FW_ERROR, 7, "1.3", "min_documents", "“-2”");
    expect_issue(&rep, WM_FW_ERROR, 8, "1.4", "scoring", "档次 B 的比例“1.5”应在 0 到 1 之间");
    expect_issue(&rep, WM_FW_ERROR, 9, "1.a-b", "code", "格式不正确");
    expect_issue(&rep, WM_FW_ERROR, 11, "1.5", "scoring", "上限“x”无效");
    /* 2.1.1's parent 2.1 is itself orphaned: reported once, at 2.1 */
    assert_int_equal(rep.nerrors, 13);
    wm_fw_report_free(&rep);

    rep = rows_bad("编码,名称,分值,颜色\n1,a,1,red\n");
    expect_issue(&rep, WM_FW_ERROR, 1, NULL, "颜色", "未知的列“颜色”");
    wm_fw_report_free(&rep);
    rep = rows_bad("title,score\na,1\n");
    expect_issue(&rep, WM_FW_ERROR, 1, NULL, "code", "缺少编码列");
    wm_fw_report_free(&rep);
    rep = rows_bad("code,title\n");
    expect_issue(&rep, WM_FW_ERROR, 1, NULL, NULL, "没有任何指标行");
    wm_fw_report_free(&rep);
    rep = rows_bad("code,title,code\n1,a,1\n");
    expect_issue(&rep, WM_FW_ERROR, 1, NULL, "code", "重复");
    wm_fw_report_free(&rep);
    rep = rows_bad("");
    assert_int_equal(rep.nerrors, 1);
    wm_fw_report_free(&rep);
}

static void
test_csv_forms(void **state)
{
    const char *csv =
        " CODE ,Title,Min Documents,SCORING,veto,depts,Media,frequency,methods\n"
        "A,甲,3,扣分,√,办公室，工会｜团委／妇委会,文字、圖片,每季度,實地考察;聽取匯報\n"
        "A.1,乙,,加分：2,yes,,audiovisual,按年,審閱資料、查閱資料\n"
        "A.2,丙,,减分:5,FALSE,,,一次,\"問卷調查,網上申報\"\n"
        "A.3,丁,,negative,0,,,每月,其他方式\n"
        "A.4,戊,,分档,1,,,半年,个别座谈\n";
    struct wm_fw_report rep = { 0 };
    struct wm_fw *fw = NULL;
    enum wm_err rc = wm_fw_parse_rows(csv, strlen(csv), WM_TABLE_CSV, "n", "v", NULL, &fw, &rep);
    if (rc != WM_OK) {
        char *t = wm_fw_report_text(&rep);
        print_error("%s", t);
        free(t);
    }
    assert_int_equal(rc, WM_OK);
    const struct wm_ind *a = wm_fw_find(fw, "A");
    assert_int_equal(a->min_documents, 3);
    assert_int_equal(a->scoring.rule, WM_FW_RULE_POINTS);
    assert_true(a->veto);
    assert_int_equal(a->ndept, 4);
    assert_string_equal(a->dept[1], "工会");
    assert_string_equal(a->dept[3], "妇委会");
    assert_int_equal(a->nmedia, 2);
    assert_int_equal(a->media[1], WM_FW_MEDIA_PHOTO);
    assert_int_equal(a->frequency, WM_FW_FREQ_QUARTERLY);
    assert_string_equal(a->methods[0].code, "site");
    assert_string_equal(a->methods[1].code, "report");
    const struct wm_ind *b = wm_fw_find(fw, "A.1");
    assert_int_equal(b->scoring.rule, WM_FW_RULE_BONUS);
    assert_int_equal(b->scoring.cap, 200);
    assert_int_equal(b->media[0], WM_FW_MEDIA_AUDIOVISUAL);
    assert_int_equal(b->frequency, WM_FW_FREQ_YEARLY);
    assert_string_equal(b->methods[0].code, "docs");
    assert_string_equal(b->methods[1].code, "docs");
    const struct wm_ind *c = wm_fw_find(fw, "A.2");
    assert_int_equal(c->scoring.rule, WM_FW_RULE_NEGATIVE);
    assert_int_equal(c->scoring.cap, 500);
    assert_true(c->has_veto);
    assert_false(c->veto);
    assert_int_equal(c->frequency, WM_FW_FREQ_ONCE);
    assert_int_equal(c->nmethods, 2);
    assert_string_equal(c->methods[0].code, "survey");
    assert_string_equal(c->methods[1].code, "online");
    const struct wm_ind *d = wm_fw_find(fw, "A.3");
    assert_false(d->scoring.has_cap);
    assert_string_equal(d->methods[0].label, "其他方式");
    assert_null(d->methods[0].code);
    assert_int_equal(d->frequency, WM_FW_FREQ_MONTHLY);
    const struct wm_ind *e = wm_fw_find(fw, "A.4");
    assert_int_equal(e->scoring.rule, WM_FW_RULE_GRADE);
    assert_int_equal(e->scoring.ngrades, 0);
    assert_int_equal(e->frequency, WM_FW_FREQ_HALF_YEARLY);
    assert_string_equal(e->methods[0].code, "interview");
    assert_true(e->veto);
    /* the JSON export of a CSV import parses back to the same framework */
    size_t len;
    char *j = wm_fw_export_json(fw, &len);
    struct wm_fw *fw2 = parse_ok(j);
    assert_true(wm_fw_equal(fw, fw2));
    wm_fw_free(fw2);
    free(j);
    wm_fw_free(fw);
    wm_fw_report_free(&rep);
}

/* A GBK-encoded CSV is converted (by wm_table) and the report says so. */
static void
test_csv_gbk(void **state)
{
    /* "code,title\n1,组织管理\n" with the title in GBK */
    const char csv[] = "code,title\n1,\xD7\xE9\xD6\xAF\xB9\xDC\xC0\xED\n";
    struct wm_fw_report rep = { 0 };
    struct wm_fw *fw = NULL;
    assert_int_equal(
        wm_fw_parse_rows(csv, sizeof(csv) - 1, WM_TABLE_CSV, "n", "v", NULL, &fw, &rep), WM_OK);
    assert_string_equal(wm_fw_find(fw, "1")->title, "组织管理");
    assert_int_equal(rep.nwarnings, 1);
    expect_issue(&rep, WM_FW_WARNING, 0, NULL, NULL, "GB18030");
    wm_fw_free(fw);
    wm_fw_report_free(&rep);
}

/* ---------------------------------------------------------------- vocabularies, diff */

static void
test_vocabularies(void **state)
{
    static const char *const trad[][2] = {
        { "實地考察", "site" },      { "實地查看", "site" },   { "聽取匯報", "report" },
        { "材料審核", "docs" },      { "審閱資料", "docs" },   { "查閱資料", "docs" },
        { "問卷調查", "survey" },    { "問卷測評", "survey" }, { "個別座談", "interview" },
        { "網上申報", "online" },    { "实地考察", "site" },   { "实地查看", "site" },
        { "听取汇报", "report" },    { "材料审核", "docs" },   { "审阅资料", "docs" },
        { "查阅资料", "docs" },      { "问卷调查", "survey" }, { "问卷测评", "survey" },
        { "个别座谈", "interview" }, { "座谈", "interview" },  { "网上申报", "online" },
    };
    for (size_t i = 0; i < WM_ARRAY_LEN(trad); i++) {
        const char *c = wm_fw_method_code(trad[i][0]);
        assert_non_null(c);
        assert_string_equal(c, trad[i][1]);
    }
    assert_null(wm_fw_method_code("查看台账"));
    assert_int_equal(wm_fw_media_parse("圖片"), WM_FW_MEDIA_PHOTO);
    assert_int_equal(wm_fw_media_parse("图片"), WM_FW_MEDIA_PHOTO);
    assert_int_equal(wm_fw_media_parse("文字"), WM_FW_MEDIA_TEXT);
    assert_int_equal(wm_fw_media_parse("音像"), WM_FW_MEDIA_AUDIOVISUAL);
    assert_int_equal(wm_fw_media_parse("video"), 0);
    assert_int_equal(wm_fw_freq_parse("按季度"), WM_FW_FREQ_QUARTERLY);
    assert_int_equal(wm_fw_freq_parse("每半年"), WM_FW_FREQ_HALF_YEARLY);
    assert_int_equal(wm_fw_freq_parse("按年"), WM_FW_FREQ_YEARLY);
    assert_int_equal(wm_fw_freq_parse("half-yearly"), WM_FW_FREQ_HALF_YEARLY);
    assert_int_equal(wm_fw_freq_parse("weekly"), WM_FW_FREQ_NONE);
    assert_string_equal(wm_fw_freq_name(WM_FW_FREQ_HALF_YEARLY), "half-yearly");
    assert_string_equal(wm_fw_rule_name(WM_FW_RULE_NEGATIVE), "negative");
    assert_string_equal(wm_fw_media_name(WM_FW_MEDIA_AUDIOVISUAL), "audiovisual");
}

static void
test_diff(void **state)
{
    struct wm_fw *a = load_synthetic();
    size_t len;
    char *text = read_fixture("synthetic-city-100.json", &len);
    json_error_t je;
    json_t *doc = json_loadb(text, len, 0, &je);
    /* change 1.1.1's score and methods, drop 3.1.1, add 3.1.2 */
    json_t *l111 = json_array_get(
        json_object_get(
            json_array_get(
                json_object_get(json_array_get(json_object_get(doc, "indicators"), 0), "children"),
                0),
            "children"),
        0);
    json_object_set_new(l111, "score", json_real(2.4));
    json_array_append_new(json_object_get(l111, "methods"), json_string("问卷调查"));
    json_t *c31 = json_object_get(
        json_array_get(
            json_object_get(json_array_get(json_object_get(doc, "indicators"), 2), "children"), 0),
        "children");
    json_t *n = json_deep_copy(json_array_get(c31, 0));
    json_object_set_new(n, "code", json_string("3.1.2"));
    json_array_remove(c31, 0);
    json_array_append_new(c31, n);
    char *t2 = json_dumps(doc, 0);
    struct wm_fw *b = parse_ok(t2);

    json_t *d = wm_fw_diff(a, b);
    json_t *counts = json_object_get(d, "counts");
    assert_int_equal(json_integer_value(json_object_get(counts, "added")), 1);
    assert_int_equal(json_integer_value(json_object_get(counts, "removed")), 1);
    assert_int_equal(json_integer_value(json_object_get(counts, "changed")), 1);
    json_t *ch = json_array_get(json_object_get(d, "changed"), 0);
    assert_string_equal(json_string_value(json_object_get(ch, "code")), "1.1.1");
    json_t *fields = json_object_get(ch, "fields");
    assert_int_equal(json_array_size(fields), 2);
    assert_string_equal(json_string_value(json_array_get(fields, 0)), "score");
    assert_string_equal(json_string_value(json_array_get(fields, 1)), "methods");
    assert_true(json_real_value(json_object_get(json_object_get(ch, "before"), "score")) == 2.5);
    assert_true(json_real_value(json_object_get(json_object_get(ch, "after"), "score")) == 2.4);
    assert_string_equal(
        json_string_value(json_object_get(json_array_get(json_object_get(d, "added"), 0), "code")),
        "3.1.2");
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(json_object_get(d, "removed"), 0), "code")),
                        "3.1.1");
    json_decref(d);

    d = wm_fw_diff(a, a);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(d, "counts"), "changed")),
                     0);
    assert_int_equal(json_array_size(json_object_get(d, "added")), 0);
    json_decref(d);

    wm_fw_free(b);
    free(t2);
    json_decref(doc);
    free(text);
    wm_fw_free(a);
}

/* The structure's invariants on a parsed framework. */
static void
test_structure(void **state)
{
    struct wm_fw *fw = load_synthetic();
    size_t leaves = 0;
    for (size_t i = 0; i < fw->nall; i++) {
        const struct wm_ind *ind = fw->all[i];
        assert_ptr_equal(wm_fw_find(fw, ind->code), ind);
        assert_int_equal(ind->leaf, ind->nchildren == 0);
        leaves += ind->leaf;
        if (ind->parent != NULL) {
            assert_int_equal(ind->depth, ind->parent->depth + 1);
            assert_true(wm_startswith(ind->code, ind->parent->code));
        } else {
            assert_int_equal(ind->depth, 1);
        }
    }
    assert_int_equal(leaves, fw->nleaves);
    assert_null(wm_fw_find(fw, ""));
    assert_null(wm_fw_find(fw, "1.1.9"));
    wm_fw_free(fw);
}

int
main(int argc, char **argv)
{
    const char *d = getenv("WM_FW_TESTDATA");
    if (argc > 1) {
        datadir = argv[1];
    } else if (d != NULL && d[0] != '\0') {
        datadir = d;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_score_parse_format),
        cmocka_unit_test(test_point_one_plus_point_two),
        cmocka_unit_test(test_seed),
        cmocka_unit_test(test_synthetic),
        cmocka_unit_test(test_csv_equals_json),
        cmocka_unit_test(test_xlsx_roundtrip),
        cmocka_unit_test(test_json_malformed),
        cmocka_unit_test(test_json_errors),
        cmocka_unit_test(test_error_cap),
        cmocka_unit_test(test_sum_warning),
        cmocka_unit_test(test_leaf_limit),
        cmocka_unit_test(test_depth_limit),
        cmocka_unit_test(test_csv_errors),
        cmocka_unit_test(test_csv_forms),
        cmocka_unit_test(test_csv_gbk),
        cmocka_unit_test(test_vocabularies),
        cmocka_unit_test(test_diff),
        cmocka_unit_test(test_structure),
    };
    return cmocka_run_group_tests_name("framework", tests, NULL, NULL);
}

/* end of test_framework.c */
