/*
** test_framework.c — unit tests of src/framework (wm_framework.h): exact scores, JSON,
** CSV and XLSX import/export and their equality, every validation error with its line and
** field, limits, vocabularies, diff.
**
** Fixtures live in tests/data/frameworks; the directory comes from $WM_FW_TESTDATA (set by
** meson) or argv[1].
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <xlsxwriter.h>

#include "wm_framework.h"

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

/* One part of an XLSX file (a ZIP), NUL-terminated; NULL when absent. */
static char *
xlsx_part(const char *path, const char *part)
{
    struct archive *a = archive_read_new();
    archive_read_support_format_zip(a);
    assert_int_equal(archive_read_open_filename(a, path, 65536), ARCHIVE_OK);
    struct archive_entry *e;
    char *out = NULL;
    while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
        if (strcmp(archive_entry_pathname(e), part) == 0) {
            size_t n = (size_t)archive_entry_size(e);
            out = wm_malloc(n + 1);
            assert_int_equal(archive_read_data(a, out, n), (la_ssize_t)n);
            out[n] = '\0';
            break;
        }
    }
    archive_read_free(a);
    return out;
}

/* Titles and requirements starting = + - @ are exported neutralised (a leading ') in CSV
** and XLSX, numbers are not, and both read back as they were. */
static void
test_formula_neutralised(void **state)
{
    (void)state;
    struct wm_fw *fw = parse_ok(
        HEAD "\"indicators\": [{\"code\": \"1\", \"title\": \"=HYPERLINK(\\\"http://x\\\")\", "
             "\"children\": [{\"code\": \"1.1\", \"title\": \"+1 加分\", \"score\": 2, "
             "\"requirement\": \"=cmd|' /C calc'!A0\"}, {\"code\": \"1.2\", "
             "\"title\": \"-2 扣分\", \"score\": 3, \"requirement\": \"@SUM(A1:A9)\"}]}]}");
    char *csv = wm_fw_export_csv(fw, NULL);
    assert_non_null(strstr(csv, "\r\n1,\"'=HYPERLINK(\"\"http://x\"\")\","));
    assert_non_null(strstr(csv, "\r\n1.1,'+1 加分,'=cmd|' /C calc'!A0,,2,"));
    assert_non_null(strstr(csv, "\r\n1.2,'-2 扣分,'@SUM(A1:A9),,3,"));
    assert_null(strstr(csv, ",=")); /* no cell starts with = */
    assert_null(strstr(csv, ",+"));
    assert_null(strstr(csv, ",-"));
    assert_null(strstr(csv, ",@"));
    struct wm_fw_report rep = { 0 };
    struct wm_fw *back = NULL;
    assert_int_equal(wm_fw_parse_any(csv, strlen(csv), fw->name, fw->version, fw->source, &back,
                                     &rep),
                     WM_OK);
    assert_true(wm_fw_equal(fw, back));
    assert_string_equal(wm_fw_find(back, "1.2")->title, "-2 扣分");
    wm_fw_free(back);
    back = NULL;

    char dir[] = "/tmp/wm_fw_test_XXXXXX";
    assert_non_null(mkdtemp(dir));
    char *path = wm_asprintf("%s/fw.xlsx", dir);
    char err[256] = "";
    assert_int_equal(wm_fw_export_xlsx(fw, path, err, sizeof(err)), WM_OK);
    char *strings = xlsx_part(path, "xl/sharedStrings.xml");
    assert_non_null(strings);
    assert_non_null(strstr(strings, "<t>'=HYPERLINK(\"http://x\")</t>"));
    assert_non_null(strstr(strings, "<t>'+1 加分</t>"));
    assert_non_null(strstr(strings, "<t>'-2 扣分</t>"));
    assert_non_null(strstr(strings, "<t>'@SUM(A1:A9)</t>"));
    assert_non_null(strstr(strings, "<t>'=cmd|' /C calc'!A0</t>"));
    assert_null(strstr(strings, "<t>="));
    assert_null(strstr(strings, "<t>-"));
    size_t len;
    char *data = wm_read_file(path, &len);
    assert_int_equal(wm_fw_parse_any(data, len, fw->name, fw->version, fw->source, &back, &rep),
                     WM_OK);
    assert_true(wm_fw_equal(fw, back));
    free(data);
    free(strings);
    unlink(path);
    rmdir(dir);
    free(path);
    free(csv);
    wm_fw_free(back);
    wm_fw_free(fw);
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
    assert_non_null(strstr(t, "错误：第 4 行 [1.1] score：应为数字"));
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

/* ---------------------------------------------------------------- level columns */

/* Parse CSV or XLSX rows that must succeed. */
static struct wm_fw *
rows_ok(const char *data, size_t len, enum wm_table_fmt fmt, struct wm_fw_report *rep)
{
    struct wm_fw *fw = NULL;
    enum wm_err rc = wm_fw_parse_rows(data, len, fmt, "n", "v", NULL, &fw, rep);
    if (rc != WM_OK) {
        char *t = wm_fw_report_text(rep);
        print_error("%s", t);
        free(t);
    }
    assert_int_equal(rc, WM_OK);
    assert_non_null(fw);
    return fw;
}

/* The indicator with that code has that title, score (-1: none) and parent (NULL: top). */
static const struct wm_ind *
expect_ind(const struct wm_fw *fw,
           const char *code,
           const char *title,
           int64_t score,
           const char *parent)
{
    const struct wm_ind *ind = wm_fw_find(fw, code);
    if (ind == NULL) {
        fail_msg("no indicator %s", code);
    }
    assert_string_equal(ind->title, title);
    if (score < 0) {
        assert_false(ind->has_score);
    } else {
        assert_true(ind->has_score);
        assert_int_equal(ind->score, score);
    }
    if (parent == NULL) {
        assert_null(ind->parent);
    } else {
        assert_non_null(ind->parent);
        assert_string_equal(ind->parent->code, parent);
    }
    return ind;
}

/* The tree of level-columns.csv (and of the same sheet as XLSX). */
static void
expect_level_tree(const struct wm_fw *fw)
{
    assert_int_equal(fw->ntop, 3);
    assert_int_equal(fw->nall, 18);
    assert_int_equal(fw->nleaves, 10);
    assert_int_equal(fw->total, 3000);
    expect_ind(fw, "1", "组织领导", 1000, NULL);
    expect_ind(fw, "1.1", "创建规划", -1, "1");
    const struct wm_ind *a = expect_ind(fw, "1.1.1", "专题研究", 200, "1.1");
    assert_true(a->leaf);
    assert_string_equal(a->requirement, "党委（党组）每年专题研究文明创建工作不少于2次。");
    assert_int_equal(a->nmethods, 2);
    assert_string_equal(a->methods[0].code, "docs");
    assert_string_equal(a->methods[1].code, "report");
    assert_int_equal(a->ndept, 1);
    assert_string_equal(a->dept[0], "办公室");
    expect_ind(fw, "1.1.2", "年度計劃", 150, "1.1");
    expect_ind(fw, "1.2", "工作機制", -1, "1");
    const struct wm_ind *b = expect_ind(fw, "1.2.1", "领导小组", 300, "1.2");
    assert_int_equal(b->ndept, 2);
    assert_string_equal(b->methods[0].code, "site");
    expect_ind(fw, "1.2.2", "督查考核", 350, "1.2");
    expect_ind(fw, "2", "思想道德建设", 1500, NULL);
    expect_ind(fw, "2.1", "理論學習", -1, "2");
    const struct wm_ind *c = expect_ind(fw, "2.1.1", "中心组学习", 400, "2.1");
    assert_null(c->requirement);
    expect_ind(fw, "2.1.2", "學習強國", 200, "2.1");
    expect_ind(fw, "2.2", "道德实践", 900, "2");
    const struct wm_ind *d = expect_ind(fw, "2.2.1", "志愿服务", 500, "2.2");
    assert_string_equal(d->methods[1].code, "survey");
    expect_ind(fw, "2.2.2", "道德讲堂", 400, "2.2");
    const struct wm_ind *e = expect_ind(fw, "3", "创建环境", -1, NULL);
    assert_int_equal(e->total, 500);
    expect_ind(fw, "3.1", "公共秩序", 500, "3");
    expect_ind(fw, "3.1.1", "环境卫生", 250, "3.1");
    const struct wm_ind *f = expect_ind(fw, "3.1.2", "公益广告", 250, "3.1");
    assert_string_equal(f->requirement, "醒目位置设置公益广告。");
    assert_int_equal(wm_fw_find(fw, "2.1")->total, 600);
}

/* Layout (a): 一级指标 | 二级指标 | 三级指标 | 测评内容 … with merged-style empty cells,
** numbering prefixes, scores in level titles, a title line above the header. */
static void
test_levels_csv(void **state)
{
    size_t len;
    char *csv = read_fixture("level-columns.csv", &len);
    struct wm_fw_report rep = { 0 };
    struct wm_fw *fw = rows_ok(csv, len, WM_TABLE_CSV, &rep);
    assert_int_equal(rep.nissues, 0);
    expect_level_tree(fw);
    /* lines are the source lines: header on line 2, a blank line 7 */
    assert_int_equal(wm_fw_find(fw, "1")->line, 3);
    assert_int_equal(wm_fw_find(fw, "1.1.1")->line, 3);
    assert_int_equal(wm_fw_find(fw, "1.1.2")->line, 4);
    assert_int_equal(wm_fw_find(fw, "1.2")->line, 5);
    assert_int_equal(wm_fw_find(fw, "2")->line, 8);
    assert_int_equal(wm_fw_find(fw, "3.1.2")->line, 13);

    /* the export of the import is a code-column CSV that imports to the same tree */
    size_t l2;
    char *csv2 = wm_fw_export_csv(fw, &l2);
    assert_non_null(strstr(csv2, "\r\n1.1.2,年度計劃,制定年度创建工作计划并分解任务。,,1.5,"));
    struct wm_fw *fw2 = rows_ok(csv2, l2, WM_TABLE_CSV, &rep);
    assert_true(wm_fw_equal(fw, fw2));

    /* the same sheet filled down (every level cell repeated) gives the same tree */
    struct wm_buf b = { 0 };
    char *copy = wm_strdup(csv);
    char prev[3][256] = { "", "", "" };
    for (char *ln = copy, *next; ln != NULL && *ln != '\0'; ln = next) {
        next = strchr(ln, '\n');
        if (next != NULL) {
            *next++ = '\0';
        }
        if (*ln == '\0') {
            continue;
        }
        char *f[3], *p = ln;
        for (int i = 0; i < 3; i++) {
            f[i] = p;
            p = strchr(p, ',');
            assert_non_null(p);
            *p++ = '\0';
        }
        for (int i = 0; i < 3; i++) {
            if (f[i][0] != '\0') {
                snprintf(prev[i], sizeof(prev[i]), "%s", f[i]);
                for (int j = i + 1; j < 3; j++) {
                    prev[j][0] = '\0';
                }
            }
            wm_buf_printf(&b, "%s,", prev[i]);
        }
        wm_buf_printf(&b, "%s\n", p);
    }
    free(copy);
    struct wm_fw *fw3 = rows_ok(b.data, b.len, WM_TABLE_CSV, &rep);
    assert_true(wm_fw_equal(fw, fw3));
    assert_int_equal(rep.nerrors, 0);

    wm_buf_free(&b);
    wm_fw_free(fw3);
    wm_fw_free(fw2);
    free(csv2);
    wm_fw_free(fw);
    free(csv);
    wm_fw_report_free(&rep);
}

/* 测评项目 | 测评内容 | 测评标准 | 测评方法 | 分值, a 测评内容 cell spanning two 测评标准
** rows with scores of their own: 测评内容 is a level, 测评标准 the items. */
static void
test_levels_items(void **state)
{
    (void)state;
    const char *csv = "浙江省文明单位测评体系（2024年版）,,,,\n"
                      "测评项目,测评内容,测评标准,测评方法,分值\n"
                      "一、思想道德建设,1.理论学习,建立理论学习中心组学习制度。,查阅资料,5\n"
                      ",,开展“学习强国”学习活动。,查阅资料,3\n"
                      ",2.核心价值观,设置社会主义核心价值观公益广告。,实地查看,4\n"
                      "二、精神文明创建,3.创建组织,成立创建领导小组。,查阅资料,6\n";
    struct wm_fw_report rep = { 0 };
    struct wm_fw *fw = rows_ok(csv, strlen(csv), WM_TABLE_CSV, &rep);
    assert_int_equal(rep.nissues, 0); /* 测评标准 is used, so not reported as ignored */
    assert_int_equal(fw->nleaves, 4);
    assert_int_equal(fw->total, 1800);
    expect_ind(fw, "1", "思想道德建设", -1, NULL);
    expect_ind(fw, "1.1", "理论学习", -1, "1");
    const struct wm_ind *a = expect_ind(fw, "1.1.1", "建立理论学习中心组学习制度", 500, "1.1");
    assert_string_equal(a->requirement, "建立理论学习中心组学习制度。");
    assert_string_equal(a->methods[0].code, "docs");
    expect_ind(fw, "1.1.2", "开展“学习强国”学习活动", 300, "1.1");
    const struct wm_ind *b = expect_ind(fw, "1.2", "核心价值观", 400, "1");
    assert_string_equal(b->requirement, "设置社会主义核心价值观公益广告。");
    assert_string_equal(b->methods[0].code, "site");
    expect_ind(fw, "2.1", "创建组织", 600, "2");
    wm_fw_free(fw);
    wm_fw_report_free(&rep);

    /* without a 测评内容 column, 测评标准 is the requirement */
    const char *only = "一级指标,二级指标,测评标准,分值\n"
                       "思想道德建设,理论学习,建立学习制度。,4\n";
    struct wm_fw_report rep1 = { 0 };
    fw = rows_ok(only, strlen(only), WM_TABLE_CSV, &rep1);
    assert_int_equal(rep1.nissues, 0);
    assert_string_equal(expect_ind(fw, "1.1", "理论学习", 400, "1")->requirement, "建立学习制度。");
    wm_fw_free(fw);
    wm_fw_report_free(&rep1);

    /* 测评标准 rows that only continue a 测评内容's scoring notes stay ignored */
    const char *notes = "测评项目,测评内容,分值,测评标准,测评方法\n"
                        "思想道德建设,建立学习制度。,5,未建立扣2分,查阅资料\n"
                        ",,,学习少于12次扣1分,\n"
                        ",设置公益广告。,4,未设置不得分,实地查看\n";
    struct wm_fw_report rep2 = { 0 };
    fw = rows_ok(notes, strlen(notes), WM_TABLE_CSV, &rep2);
    assert_int_equal(fw->nleaves, 2);
    expect_ind(fw, "1.1", "建立学习制度", 500, "1");
    expect_issue(&rep2, WM_FW_WARNING, 1, NULL, "测评标准", "已忽略");
    wm_fw_free(fw);
    wm_fw_report_free(&rep2);
}

/* Methods as columns ticked per row: headed 实地查看 | 听取汇报 | 审阅资料 directly, or
** under a 测评方法 cell merged over them (a two-row header); with codes or levels. */
static void
test_method_marks(void **state)
{
    (void)state;
    const char *two = "测评项目,测评内容,分值,测评方法,,\n"
                      ",,,实地查看,听取汇报,审阅资料\n"
                      "一、组织领导,1.成立创建领导小组。,5,,√,✓\n"
                      ",2.制定年度创建计划。,5,×,,√\n"
                      "二、环境建设,3.办公环境整洁有序。,10,●,,\n";
    struct wm_fw_report rep = { 0 };
    struct wm_fw *fw = rows_ok(two, strlen(two), WM_TABLE_CSV, &rep);
    assert_int_equal(rep.nissues, 0);
    assert_int_equal(fw->nleaves, 3);
    assert_int_equal(wm_fw_find(fw, "1")->line, 3); /* the sub-header row is no data */
    const struct wm_ind *a = expect_ind(fw, "1.1", "成立创建领导小组", 500, "1");
    assert_int_equal(a->nmethods, 2);
    assert_string_equal(a->methods[0].code, "report");
    assert_string_equal(a->methods[1].code, "docs");
    const struct wm_ind *b = expect_ind(fw, "1.2", "制定年度创建计划", 500, "1");
    assert_int_equal(b->nmethods, 1); /* × is no tick */
    assert_string_equal(b->methods[0].code, "docs");
    const struct wm_ind *e = expect_ind(fw, "2", "环境建设", 1000, NULL);
    assert_int_equal(e->nmethods, 1);
    assert_string_equal(e->methods[0].code, "site");
    wm_fw_free(fw);
    wm_fw_report_free(&rep);

    const char *one = "code,title,score,實地查看,问卷调查\n1,组织领导,,,\n1.1,领导小组,5,√,是\n";
    struct wm_fw_report rep2 = { 0 };
    fw = rows_ok(one, strlen(one), WM_TABLE_CSV, &rep2);
    assert_int_equal(rep2.nissues, 0);
    const struct wm_ind *c = expect_ind(fw, "1.1", "领导小组", 500, "1");
    assert_int_equal(c->nmethods, 2);
    assert_string_equal(c->methods[0].code, "site");
    assert_string_equal(c->methods[1].code, "survey");
    assert_int_equal(expect_ind(fw, "1", "组织领导", -1, NULL)->nmethods, 0);
    wm_fw_free(fw);
    wm_fw_report_free(&rep2);

    /* a control character in a sheet's list cell is refused, as in JSON (found by
    ** fuzz_framework: the sheet stored what its own JSON export could not read back) */
    const char *ctl = "code,title,methods,requirement\n1,组织领导,\v合计,\"第一行\n第二行\"\n";
    struct wm_fw_report rep3 = { 0 };
    struct wm_fw *bad = NULL;
    assert_int_equal(wm_fw_parse_rows(ctl, strlen(ctl), WM_TABLE_CSV, "n", "v", NULL, &bad, &rep3),
                     WM_E_BAD_REQUEST);
    assert_null(bad);
    assert_int_equal(rep3.nerrors, 1);
    expect_issue(&rep3, WM_FW_ERROR, 2, "1", "methods", "含有控制字符");
    wm_fw_report_free(&rep3);
}

/* Header names as published sheets vary them: a unit in brackets, 考核/指标 wording, the
** leading department, a materials list; scoring notes ignored with a warning. */
static void
test_header_variants(void **state)
{
    (void)state;
    const char *csv = "编码,指标名称,考核内容,分值（分）,考核方法,牵头单位,材料清单,计分方法\n"
                      "1,组织领导,,10,,,,\n"
                      "1.1,领导小组,成立领导小组。,10,查阅资料,办公室,成立文件,缺一项扣2分\n";
    struct wm_fw_report rep = { 0 };
    struct wm_fw *fw = rows_ok(csv, strlen(csv), WM_TABLE_CSV, &rep);
    assert_int_equal(rep.nwarnings, 1);
    expect_issue(&rep, WM_FW_WARNING, 1, NULL, "计分方法", "已忽略");
    const struct wm_ind *a = expect_ind(fw, "1.1", "领导小组", 1000, "1");
    assert_string_equal(a->requirement, "成立领导小组。");
    assert_string_equal(a->materials, "成立文件");
    assert_string_equal(a->methods[0].code, "docs");
    assert_int_equal(a->ndept, 1);
    assert_string_equal(a->dept[0], "办公室");
    wm_fw_free(fw);
    wm_fw_report_free(&rep);

    const char *alt = "一级指标,二级指标,滿分,測評內容及標準,備註（說明）\n组织,学习,5,学习制度。,\n";
    struct wm_fw_report rep2 = { 0 };
    fw = rows_ok(alt, strlen(alt), WM_TABLE_CSV, &rep2);
    expect_issue(&rep2, WM_FW_WARNING, 1, NULL, "備註（說明）", "已忽略");
    const struct wm_ind *b = expect_ind(fw, "1.1", "学习", 500, "1");
    assert_string_equal(b->requirement, "学习制度。");
    wm_fw_free(fw);
    wm_fw_report_free(&rep2);

    /* a bracket alone names nothing */
    struct wm_fw_report bad = rows_bad("编码,名称,（分）\n1,a,1\n");
    expect_issue(&bad, WM_FW_ERROR, 1, NULL, "（分）", "未知的列“（分）”");
    wm_fw_report_free(&bad);
}

/* A ZIP holding word/document.xml = body; caller frees. */
static unsigned char *
docx_make(const char *body, size_t *outlen)
{
    size_t cap = strlen(body) + 4096, used = 0;
    unsigned char *buf = wm_malloc(cap);
    struct archive *a = archive_write_new();
    assert_int_equal(archive_write_set_format_zip(a), ARCHIVE_OK);
    assert_int_equal(archive_write_open_memory(a, buf, cap, &used), ARCHIVE_OK);
    struct archive_entry *e = archive_entry_new();
    archive_entry_set_pathname(e, "word/document.xml");
    archive_entry_set_size(e, (la_int64_t)strlen(body));
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    assert_int_equal(archive_write_header(a, e), ARCHIVE_OK);
    assert_int_equal(archive_write_data(a, body, strlen(body)), (la_ssize_t)strlen(body));
    archive_entry_free(e);
    assert_int_equal(archive_write_close(a), ARCHIVE_OK);
    archive_write_free(a);
    *outlen = used;
    return buf;
}

#define WTC(x) "<w:tc><w:p><w:r><w:t>" x "</w:t></w:r></w:p></w:tc>"
#define WSPAN(n, x)                                                                          \
    "<w:tc><w:tcPr><w:gridSpan w:val=\"" #n "\"/></w:tcPr><w:p><w:r><w:t>" x "</w:t></w:r>" \
    "</w:p></w:tc>"

/* A standard published as a Word table: 序号 | 测评项目 | 测评内容 | 分值, each part headed
** by a row across the table (一、组织领导（10分）), the table split over two pages with its
** header repeated, a 合计 row. */
static void
test_docx_sections(void **state)
{
    (void)state;
    static const char body[] =
        "<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">"
        "<w:body><w:p><w:r><w:t>某市文明单位测评细则</w:t></w:r></w:p><w:tbl>"
        "<w:tr>" WTC("序号") WTC("测评项目") WTC("测评内容") WTC("分值") "</w:tr>"
        "<w:tr>" WSPAN(4, "一、组织领导（10分）") "</w:tr>"
        "<w:tr>" WTC("1") WTC("领导小组") WTC("成立创建领导小组。") WTC("5") "</w:tr>"
        "<w:tr>" WTC("2") WTC("创建规划") WTC("制定创建规划。") WTC("5") "</w:tr>"
        "</w:tbl><w:tbl>"
        "<w:tr>" WTC("序号") WTC("测评项目") WTC("测评内容") WTC("分值") "</w:tr>"
        "<w:tr>" WSPAN(4, "二、环境建设（5分）") "</w:tr>"
        "<w:tr>" WTC("3") WTC("环境卫生") WTC("办公环境整洁。") WTC("5") "</w:tr>"
        "<w:tr>" WSPAN(3, "合计") WTC("15") "</w:tr>"
        "</w:tbl></w:body></w:document>";
    size_t n;
    unsigned char *docx = docx_make(body, &n);
    struct wm_fw *fw = NULL;
    struct wm_fw_report rep = { 0 };
    enum wm_err rc = wm_fw_parse_rows(docx, n, WM_TABLE_XLSX, "n", "v", NULL, &fw, &rep);
    if (rc != WM_OK) {
        char *t = wm_fw_report_text(&rep);
        print_error("%s", t);
        free(t);
    }
    assert_int_equal(rc, WM_OK);
    assert_int_equal(fw->ntop, 2);
    assert_int_equal(fw->nleaves, 3);
    assert_int_equal(fw->total, 1500);
    expect_ind(fw, "1", "组织领导", 1000, NULL);
    const struct wm_ind *a = expect_ind(fw, "1.1", "领导小组", 500, "1");
    assert_string_equal(a->requirement, "成立创建领导小组。");
    expect_ind(fw, "1.2", "创建规划", 500, "1");
    expect_ind(fw, "2", "环境建设", 500, NULL);
    expect_ind(fw, "2.1", "环境卫生", 500, "2");
    expect_issue(&rep, WM_FW_WARNING, 7, NULL, NULL, "合计行不是指标");
    wm_fw_free(fw);
    wm_fw_report_free(&rep);
    free(docx);
}

/* A workbook of one standard per sheet (机关, 学校 …): the first is read, and the report says
** the others were not; a workbook of one standard and a cover sheet says nothing of it. */
static void
test_sheets_several(void **state)
{
    (void)state;
    char dir[256];
    assert_int_equal(wm_scratch_dir("wm-fw-sheets", dir, sizeof dir), 0);
    char *path = wm_asprintf("%s/two.xlsx", dir);
    for (int two = 0; two < 2; two++) {
        lxw_workbook *wb = workbook_new(path);
        assert_non_null(wb);
        lxw_worksheet *cover = workbook_add_worksheet(wb, "封面");
        worksheet_write_string(cover, 0, 0, "文明单位测评体系", NULL);
        static const char *const sheets[] = { "文明机关", "文明校园" };
        for (int k = 0; k < 1 + two; k++) {
            lxw_worksheet *ws = workbook_add_worksheet(wb, sheets[k]);
            worksheet_write_string(ws, 0, 0, "编码", NULL);
            worksheet_write_string(ws, 0, 1, "指标", NULL);
            worksheet_write_string(ws, 0, 2, "分值", NULL);
            worksheet_write_string(ws, 1, 0, "1", NULL);
            worksheet_write_string(ws, 1, 1, k ? "校园环境" : "机关作风", NULL);
            worksheet_write_number(ws, 1, 2, 10, NULL);
        }
        assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
        size_t len;
        char *bytes = wm_read_file(path, &len);
        assert_non_null(bytes);
        struct wm_fw_report rep = { 0 };
        struct wm_fw *fw = rows_ok(bytes, len, WM_TABLE_XLSX, &rep);
        expect_ind(fw, "1", "机关作风", 1000, NULL);
        if (two) {
            expect_issue(&rep, WM_FW_WARNING, 0, NULL, NULL, "有 2 个工作表像测评体系");
        } else {
            assert_int_equal(rep.nissues, 0);
        }
        wm_fw_free(fw);
        wm_fw_report_free(&rep);
        free(bytes);
    }
    unlink(path);
    free(path);
    rmdir(dir);
}

/* Score and scoring cells written as words, as published sheets do: the number or rule they
** give, and the words kept after the requirement, with a warning; a rule's own syntax and
** a word that gives no number stay errors. */
static void
test_score_words(void **state)
{
    (void)state;
    const char *csv = "编码,指标,测评内容,分值,计分方式\n"
                      "1,组织,成立领导小组。,10,每缺一项扣1分\n"
                      "2,环境,,5分（每项1分）,\n"
                      "3,安全,,10/项,\n"
                      "4,加分,获得表彰。,加分项,\n";
    struct wm_fw_report rep = { 0 };
    struct wm_fw *fw = rows_ok(csv, strlen(csv), WM_TABLE_CSV, &rep);
    assert_int_equal(rep.nwarnings, 4);
    const struct wm_ind *a = expect_ind(fw, "1", "组织", 1000, NULL);
    assert_int_equal(a->scoring.rule, WM_FW_RULE_POINTS);
    assert_string_equal(a->requirement, "成立领导小组。\n计分：每缺一项扣1分");
    expect_issue(&rep, WM_FW_WARNING, 2, "1", "scoring", "按扣分计");
    const struct wm_ind *b = expect_ind(fw, "2", "环境", 500, NULL);
    assert_string_equal(b->requirement, "分值：5分（每项1分）");
    expect_issue(&rep, WM_FW_WARNING, 3, "2", "score", "按 5 分计");
    expect_ind(fw, "3", "安全", 1000, NULL);
    const struct wm_ind *d = expect_ind(fw, "4", "加分", -1, NULL);
    assert_int_equal(d->scoring.rule, WM_FW_RULE_BONUS);
    expect_issue(&rep, WM_FW_WARNING, 5, "4", "score", "按加分项处理");
    wm_fw_free(fw);
    wm_fw_report_free(&rep);

    struct wm_fw_report bad = rows_bad("编码,指标,分值,计分方式\n1,a,四分,\n2,b,1,percent\n");
    expect_issue(&bad, WM_FW_ERROR, 2, "1", "score", "“四分”无效");
    expect_issue(&bad, WM_FW_ERROR, 3, "2", "scoring", "未知的评分规则“percent”");
    wm_fw_report_free(&bad);
}

/* A total row (合计, checked against the indicators) and note rows (说明：…, 注：…) end
** published tables: skipped with a warning, in both layouts; 注重… is a title. */
static void
test_total_rows(void **state)
{
    (void)state;
    const char *lv = "一级指标,二级指标,分值\n"
                     "注重实效,理论学习,5\n"
                     ",核心价值观,4\n"
                     "小计,,9\n"
                     "创建组织,领导小组,6\n"
                     "合  计,,20分\n"
                     "说明：本体系适用于全省各级文明单位。,,\n";
    struct wm_fw_report rep = { 0 };
    struct wm_fw *fw = rows_ok(lv, strlen(lv), WM_TABLE_CSV, &rep);
    assert_int_equal(fw->ntop, 2);
    assert_int_equal(fw->nleaves, 3);
    assert_int_equal(fw->total, 1500);
    expect_ind(fw, "1", "注重实效", -1, NULL);
    expect_ind(fw, "2.1", "领导小组", 600, "2");
    expect_issue(&rep, WM_FW_WARNING, 4, NULL, NULL, "小计行不是指标");
    expect_issue(&rep, WM_FW_WARNING, 6, NULL, NULL, "合计行不是指标");
    expect_issue(&rep, WM_FW_WARNING, 7, NULL, NULL, "说明行不是指标");
    expect_issue(&rep, WM_FW_WARNING, 6, NULL, "score", "合计行的分值 20 与各指标分值之和 15 不一致");
    wm_fw_free(fw);
    wm_fw_report_free(&rep);

    /* with a code column: the total agrees, so no mismatch is reported */
    const char *cd = "code,title,score\n1,理论学习,5\n1.1,学习制度,5\n合计,,5\n注：本表由市文明办解释。\n";
    struct wm_fw_report rep2 = { 0 };
    fw = rows_ok(cd, strlen(cd), WM_TABLE_CSV, &rep2);
    assert_int_equal(fw->nall, 2);
    assert_int_equal(rep2.nwarnings, 2);
    expect_issue(&rep2, WM_FW_WARNING, 4, NULL, NULL, "合计行不是指标");
    expect_issue(&rep2, WM_FW_WARNING, 5, NULL, NULL, "说明行不是指标");
    wm_fw_free(fw);
    wm_fw_report_free(&rep2);
}

/* The same standard as an XLSX sheet whose first two levels are real merged cells. */
static void
test_levels_xlsx(void **state)
{
    static const char *const rows[][7] = {
        { "一、组织领导（10分）", "（一）创建规划", "1.专题研究",
          "党委（党组）每年专题研究文明创建工作不少于2次。", "2", "材料审核;听取汇报", "办公室" },
        { "", "", "2、年度計劃", "制定年度创建工作计划并分解任务。", "1.5", "审阅资料", "办公室" },
        { "", "（二）工作機制", "(1) 领导小组",
          "成立由主要负责同志任组长的创建工作领导小组；明确职责分工。", "3", "实地查看",
          "办公室;人事科" },
        { "", "", "② 督查考核", "建立督查考核机制，定期通报。", "3.5", "材料审核", "督查室" },
        { "二、思想道德建设 (共15分)", "（一）理論學習", "1.中心组学习", "", "4", "查阅资料",
          "宣传科" },
        { "", "", "2.學習強國", "干部职工学习强国平均积分达标。", "2", "网上申报", "宣传科" },
        { "", "（二）道德实践(9分)", "1.志愿服务", "开展志愿服务活动每月不少于1次。", "5",
          "实地考察;问卷调查", "工会" },
        { "", "", "2.道德讲堂", "每季度举办道德讲堂。", "4", "实地考察", "工会" },
        { "三、创建环境", "（一）公共秩序 5分", "A1 环境卫生", "办公区域整洁有序。", "2.5",
          "实地查看", "后勤科" },
        { "", "", "A2 公益广告", "醒目位置设置公益广告。", "2.5", "实地查看", "后勤科" },
    };
    static const char *const head[7] = { "一级指标", "二级指标", "三级指标", "测评内容",
                                         "分值",     "测评方法", "责任部门" };
    /* merged ranges: {first data row, last data row} per level-1 and level-2 group */
    static const int l1[][2] = { { 0, 3 }, { 4, 7 }, { 8, 9 } };
    static const int l2[][2] = { { 0, 1 }, { 2, 3 }, { 4, 5 }, { 6, 7 }, { 8, 9 } };
    char dir[] = "/tmp/wm_fw_levels_XXXXXX";
    assert_non_null(mkdtemp(dir));
    char *path = wm_asprintf("%s/levels.xlsx", dir);
    lxw_workbook *wb = workbook_new(path);
    assert_non_null(wb);
    lxw_worksheet *ws = workbook_add_worksheet(wb, "测评体系");
    lxw_format *wrap = workbook_add_format(wb);
    format_set_text_wrap(wrap);
    assert_int_equal(worksheet_merge_range(ws, 0, 0, 0, 6, "某市文明单位测评体系", NULL),
                     LXW_NO_ERROR);
    for (lxw_col_t k = 0; k < 7; k++) {
        assert_int_equal(worksheet_write_string(ws, 1, k, head[k], NULL), LXW_NO_ERROR);
    }
    for (size_t g = 0; g < WM_ARRAY_LEN(l1); g++) {
        assert_int_equal(worksheet_merge_range(ws, (lxw_row_t)(2 + l1[g][0]), 0,
                                               (lxw_row_t)(2 + l1[g][1]), 0, rows[l1[g][0]][0],
                                               wrap),
                         LXW_NO_ERROR);
    }
    for (size_t g = 0; g < WM_ARRAY_LEN(l2); g++) {
        assert_int_equal(worksheet_merge_range(ws, (lxw_row_t)(2 + l2[g][0]), 1,
                                               (lxw_row_t)(2 + l2[g][1]), 1, rows[l2[g][0]][1],
                                               wrap),
                         LXW_NO_ERROR);
    }
    for (size_t r = 0; r < WM_ARRAY_LEN(rows); r++) {
        for (lxw_col_t k = 2; k < 7; k++) {
            lxw_row_t xr = (lxw_row_t)(r + 2);
            if (rows[r][k][0] == '\0') {
                continue;
            }
            if (k == 4) {
                assert_int_equal(worksheet_write_number(ws, xr, k, strtod(rows[r][k], NULL), NULL),
                                 LXW_NO_ERROR);
            } else {
                assert_int_equal(worksheet_write_string(ws, xr, k, rows[r][k], NULL), LXW_NO_ERROR);
            }
        }
    }
    assert_int_equal(workbook_close(wb), LXW_NO_ERROR);

    size_t len;
    char *data = wm_read_file(path, &len);
    assert_non_null(data);
    struct wm_fw_report rep = { 0 };
    struct wm_fw *fx = rows_ok(data, len, WM_TABLE_XLSX, &rep);
    assert_int_equal(rep.nissues, 0);
    expect_level_tree(fx);
    /* sheet rows: title 1, header 2, data from 3 */
    assert_int_equal(wm_fw_find(fx, "1")->line, 3);
    assert_int_equal(wm_fw_find(fx, "1.2.2")->line, 6);
    assert_int_equal(wm_fw_find(fx, "2")->line, 7);
    assert_int_equal(wm_fw_find(fx, "3.1.2")->line, 12);

    /* equal to the CSV of the same standard */
    size_t clen;
    char *csv = read_fixture("level-columns.csv", &clen);
    struct wm_fw *fc = rows_ok(csv, clen, WM_TABLE_CSV, &rep);
    assert_true(wm_fw_equal(fc, fx));

    wm_fw_free(fc);
    free(csv);
    wm_fw_free(fx);
    free(data);
    unlink(path);
    rmdir(dir);
    free(path);
    wm_fw_report_free(&rep);
}

/* Only 一级指标 and 测评内容: a group of several rows is a folder whose leaves are titled
** from their requirement; a group of one row is itself the leaf. */
static void
test_levels_two(void **state)
{
    const char *csv = "一级指标,测评内容,分值\n"                                       /* 1 */
                      "一、组织建设（5分）,成立创建工作领导小组，主要领导任组长。,2\n" /* 2 */
                      ",制定创建规划和年度计划；任务分解到科室。,1.5\n"                /* 3 */
                      ",建立创建工作台账，资料齐全、归档规范，做到有据可查、有档可依、有人负责、"
                      "有章可循，全面规范,1.5\n"                /* 4 */
                      "二、道德建設,开展道德模范评选活动,0.3\n" /* 5 */
                      ",（1）每月组织志願服務活动,0.2\n"        /* 6 */
                      "三、网络文明,加强网络文明建设。,2\n";    /* 7 */
    struct wm_fw_report rep = { 0 };
    struct wm_fw *fw = rows_ok(csv, strlen(csv), WM_TABLE_CSV, &rep);
    assert_int_equal(rep.nissues, 0);
    assert_int_equal(fw->ntop, 3);
    assert_int_equal(fw->nleaves, 6);
    expect_ind(fw, "1", "组织建设", 500, NULL);
    const struct wm_ind *a =
        expect_ind(fw, "1.1", "成立创建工作领导小组，主要领导任组长", 200, "1");
    assert_string_equal(a->requirement, "成立创建工作领导小组，主要领导任组长。");
    assert_int_equal(a->line, 2);
    const struct wm_ind *b = expect_ind(fw, "1.2", "制定创建规划和年度计划", 150, "1");
    assert_string_equal(b->requirement, "制定创建规划和年度计划；任务分解到科室。");
    const struct wm_ind *c = expect_ind(
        fw, "1.3",
        "建立创建工作台账，资料齐全、归档规范，做到有据可查、有档可依、有人负责、有章可…", 150,
        "1");
    assert_string_equal(c->requirement, "建立创建工作台账，资料齐全、归档规范，做到有据可查、有档"
                                        "可依、有人负责、有章可循，全面规范");
    assert_int_equal(c->line, 4);
    const struct wm_ind *d = expect_ind(fw, "2", "道德建設", -1, NULL);
    assert_int_equal(d->total, 50); /* 0.3 + 0.2, exactly */
    expect_ind(fw, "2.1", "开展道德模范评选活动", 30, "2");
    expect_ind(fw, "2.2", "每月组织志願服務活动", 20, "2");
    const struct wm_ind *e = expect_ind(fw, "3", "网络文明", 200, NULL);
    assert_true(e->leaf);
    assert_string_equal(e->requirement, "加强网络文明建设。");
    assert_int_equal(fw->total, 750);
    wm_fw_free(fw);
    wm_fw_report_free(&rep);
}

/* Numbering prefixes and trailing scores of level titles, one 测评项目 column. */
static void
test_levels_titles(void **state)
{
    static const char *const cases[][3] = {
        /* cell, title, score ("" for none) */
        { "一、组织领导", "组织领导", "" },
        { "十二．思想道德", "思想道德", "" },
        { "（三）创建规划", "创建规划", "" },
        { "(4)专题研究", "专题研究", "" },
        { "（15）年度计划", "年度计划", "" },
        { "5.領導小組", "領導小組", "" },
        { "6、督查考核", "督查考核", "" },
        { "7) 公益广告", "公益广告", "" },
        { "8 环境卫生", "环境卫生", "" },
        { "⑨道德讲堂", "道德讲堂", "" },
        { "⑽志愿服务", "志愿服务", "" },
        { "Ⅺ 网络文明", "网络文明", "" },
        { "A1 文明单位", "文明单位", "" },
        { "B12、文明家庭", "文明家庭", "" },
        { "C．文明校园", "文明校园", "" },
        { "1.2.3 学习强国", "学习强国", "" },
        { "1.2.4学习平台", "学习平台", "" },
        { "一票否决事项", "一票否决事项", "" },
        { "2024年度计划", "2024年度计划", "" },
        { "100%覆盖", "100%覆盖", "" },
        { "五四青年节活动", "五四青年节活动", "" },
        { "ABC 管理", "ABC 管理", "" },
        { "组织领导（10分）", "组织领导", "10" },
        { "组织领导 (共 12 分)", "组织领导", "12" },
        { "组织领导（满分：0.5分）", "组织领导", "0.5" },
        { "二、组织领导15分", "组织领导", "15" },
        { "\"三、组织\n领导\n（20分）\"", "组织领导", "20" }, /* a wrapped cell reads on */
        { "\"四、PDF\n文件\"", "PDF 文件", "" },
        { "得分情况", "得分情况", "" },
        { "（10分）", "（10分）", "" },
        { "组织领导（重点）", "组织领导（重点）", "" },
        { "①", "①", "" },
    };
    struct wm_buf b = { 0 };
    wm_buf_adds(&b, "测评项目,测评方法\n");
    for (size_t i = 0; i < WM_ARRAY_LEN(cases); i++) {
        wm_buf_printf(&b, "%s,实地考察\n", cases[i][0]);
    }
    struct wm_fw_report rep = { 0 };
    struct wm_fw *fw = rows_ok(b.data, b.len, WM_TABLE_CSV, &rep);
    assert_int_equal(fw->ntop, WM_ARRAY_LEN(cases));
    for (size_t i = 0; i < WM_ARRAY_LEN(cases); i++) {
        const struct wm_ind *ind = fw->top[i];
        char code[16];
        snprintf(code, sizeof(code), "%zu", i + 1);
        assert_string_equal(ind->code, code);
        assert_string_equal(ind->title, cases[i][1]);
        if (cases[i][2][0] == '\0') {
            assert_false(ind->has_score);
        } else {
            int64_t v;
            assert_true(wm_fw_score_parse(cases[i][2], &v));
            assert_true(ind->has_score);
            assert_int_equal(ind->score, v);
        }
        assert_true(ind->leaf);
        assert_int_equal(ind->nmethods, 1);
    }
    wm_fw_free(fw);
    wm_buf_free(&b);
    wm_fw_report_free(&rep);
}

/* Codes: numbering that forms dotted codes is kept; 序号 columns that are mere numbering are
** ignored in favour of the level columns; 序号 codes that fit the levels make the tree. */
static void
test_levels_codes(void **state)
{
    struct wm_fw_report rep = { 0 };
    /* level cells numbered 1 / 1.1 / 1.1.1 with gaps: the numbers are the codes */
    const char *numbered = "一级指标,二级指标,三级指标,分值\n"
                           "1 组织管理,1.1 创建规划,1.1.1 专题研究,2\n"
                           ",,1.1.3 年度计划,1\n"
                           ",1.3 工作机制,1.3.1 领导小组,1\n"
                           "2 思想道德,2.1 理论学习,2.1.1 中心组学习,1\n";
    struct wm_fw *fw = rows_ok(numbered, strlen(numbered), WM_TABLE_CSV, &rep);
    expect_ind(fw, "1", "组织管理", -1, NULL);
    expect_ind(fw, "1.1.3", "年度计划", 100, "1.1");
    expect_ind(fw, "1.3.1", "领导小组", 100, "1.3");
    expect_ind(fw, "2.1.1", "中心组学习", 100, "2.1");
    assert_null(wm_fw_find(fw, "1.2"));
    wm_fw_free(fw);

    /* numbering that does not nest (1. under 1.) gives positional codes */
    const char *flat = "一级指标,二级指标,分值\n"
                       "1.组织管理,1.创建规划,2\n"
                       ",2.年度计划,1\n"
                       "2.思想道德,1.理论学习,1\n";
    fw = rows_ok(flat, strlen(flat), WM_TABLE_CSV, &rep);
    expect_ind(fw, "1.2", "年度计划", 100, "1");
    expect_ind(fw, "2.1", "理论学习", 100, "2");
    wm_fw_free(fw);

    /* a 序号 column of running numbers beside level columns: the levels make the tree */
    const char *running = "序号,一级指标,二级指标,测评内容,分值\n"
                          "1,组织管理,创建规划,制定规划。,2\n"
                          "2,,年度计划,制定计划。,1\n"
                          "3,思想道德,理论学习,组织学习。,1\n";
    fw = rows_ok(running, strlen(running), WM_TABLE_CSV, &rep);
    expect_ind(fw, "1", "组织管理", -1, NULL);
    expect_ind(fw, "1.2", "年度计划", 100, "1");
    expect_ind(fw, "2.1", "理论学习", 100, "2");
    wm_fw_free(fw);

    /* 序号 with 一 / （一） numbering: the same */
    const char *chinese = "序号,一级指标,二级指标,分值\n"
                          "一,组织管理,,\n"
                          "（一）,,创建规划,2\n"
                          "（二）,,年度计划,1\n";
    fw = rows_ok(chinese, strlen(chinese), WM_TABLE_CSV, &rep);
    expect_ind(fw, "1", "组织管理", -1, NULL);
    expect_ind(fw, "1.1", "创建规划", 200, "1");
    expect_ind(fw, "1.2", "年度计划", 100, "1");
    assert_int_equal(wm_fw_find(fw, "1.2")->line, 4);
    wm_fw_free(fw);

    /* a header row carrying the folder's score: it describes the folder itself */
    const char *header_rows = "一级指标,二级指标,测评内容,分值\n"
                              "组织管理（8分）,,,6\n"
                              ",创建规划,制定规划。,2\n"
                              ",年度计划,制定计划。,1\n";
    fw = rows_ok(header_rows, strlen(header_rows), WM_TABLE_CSV, &rep);
    expect_ind(fw, "1", "组织管理", 600, NULL); /* the 分值 cell wins over the title */
    expect_ind(fw, "1.1", "创建规划", 200, "1");
    assert_int_equal(fw->nleaves, 2);
    wm_fw_free(fw);

    /* 序号 codes that fit the level columns: one row per node, the code path */
    const char *staggered = "序号,一级指标,二级指标,分值\n"
                            "1,组织管理（3分）,,\n"
                            "1.1,,创建规划,2\n"
                            "1.5,,年度计划,1\n";
    fw = rows_ok(staggered, strlen(staggered), WM_TABLE_CSV, &rep);
    expect_ind(fw, "1", "组织管理", 300, NULL);
    expect_ind(fw, "1.5", "年度计划", 100, "1");
    wm_fw_free(fw);

    /* and with a single 测评项目 column, codes of any depth title from it */
    const char *single = "编码,测评项目,测评内容\n"
                         "1,一、组织管理,\n"
                         "1.1,创建规划,制定规划。\n"
                         "1.1.1,专题研究,每年研究。\n";
    fw = rows_ok(single, strlen(single), WM_TABLE_CSV, &rep);
    expect_ind(fw, "1", "组织管理", -1, NULL);
    const struct wm_ind *x = expect_ind(fw, "1.1.1", "专题研究", -1, "1.1");
    assert_string_equal(x->requirement, "每年研究。");
    wm_fw_free(fw);

    /* a level column below 测评项目: the title column is the deepest level */
    const char *titled = "测评项目,指标名称,分值\n"
                         "文明单位,组织领导,1\n"
                         ",思想道德,2\n";
    fw = rows_ok(titled, strlen(titled), WM_TABLE_CSV, &rep);
    expect_ind(fw, "1.2", "思想道德", 200, "1");
    wm_fw_free(fw);

    assert_int_equal(rep.nerrors, 0);
    wm_fw_report_free(&rep);
}

/* Errors in the level layout still name the source line and the field. */
static void
test_levels_errors(void **state)
{
    const char *csv = "一级指标,二级指标,三级指标,测评内容,分值,载体\n"      /* 1 */
                      "一、组织领导,（一）创建规划,1.专题研究,研究。,2,\n"   /* 2 */
                      ",,2.年度计划,计划。,1,\n"                             /* 3 */
                      ",（二）工作机制,1.领导小组,成立。,3,\n"               /* 4 */
                      "二、思想道德,（一）理论学习,1.中心组学习,学习。,4,\n" /* 5 */
                      ",,2.学习强国,积分。,2,\n"                             /* 6 */
                      ",,3.道德讲堂,讲堂。,四分,\n"                          /* 7 */
                      ",,4.志愿服务,服务。,-1,录像\n"                        /* 8 */
                      ",,,,1,\n";                                            /* 9 */
    struct wm_fw_report rep = rows_bad(csv);
    expect_issue(&rep, WM_FW_ERROR, 7, "2.1.3", "score", "“四分”无效");
    /* row 9 continues the (merged) 三级指标 of row 8, so 志愿服务 holds two leaves: row 8's
    ** titled from its requirement, and row 9's, which has a score but no title at all */
    expect_issue(&rep, WM_FW_ERROR, 8, "2.1.4.1", "score", "不能为负数");
    expect_issue(&rep, WM_FW_ERROR, 8, "2.1.4.1", "media", "未知的载体“录像”");
    expect_issue(&rep, WM_FW_ERROR, 9, "2.1.4.2", "title", "标题不能为空");
    assert_int_equal(rep.nerrors, 4);
    wm_fw_report_free(&rep);

    rep = rows_bad("一级指标,二级指标,颜色\n甲,乙,红\n");
    expect_issue(&rep, WM_FW_ERROR, 1, NULL, "颜色", "未知的列“颜色”");
    assert_int_equal(rep.nerrors, 1);
    wm_fw_report_free(&rep);
    rep = rows_bad("一级指标,一級指標,测评内容\n甲,乙,丙\n");
    expect_issue(&rep, WM_FW_ERROR, 1, NULL, "一級指標", "重复");
    wm_fw_report_free(&rep);
    rep = rows_bad("一级指标,测评内容\n");
    expect_issue(&rep, WM_FW_ERROR, 1, NULL, NULL, "没有任何指标行");
    wm_fw_report_free(&rep);
    rep = rows_bad("测评内容,分值\n甲,1\n");
    expect_issue(&rep, WM_FW_ERROR, 1, NULL, "code", "缺少编码列");
    wm_fw_report_free(&rep);
    /* more than 5,000 leaves is refused as for the code column */
    struct wm_buf b = { 0 };
    wm_buf_adds(&b, "一级指标,测评内容\n甲,要求0\n");
    for (int i = 1; i <= WM_FW_MAX_LEAVES; i++) {
        wm_buf_printf(&b, ",要求%d\n", i);
    }
    rep = rows_bad(b.data);
    expect_issue(&rep, WM_FW_ERROR, WM_FW_MAX_LEAVES + 2, "1.5001", "code", "末级指标超过");
    wm_fw_report_free(&rep);
    wm_buf_free(&b);
}

/* Mutated level-layout tables never crash or leak; accepted ones are well-formed and their
** CSV export imports again. */
static void
test_levels_mutations(void **state)
{
    static const char *const tokens[] = {
        "（",       "）",   "(",        ")",    "分",       "10分",         "一",
        "十",       "、",   ".",        "．",   "1",        "1.1",          "0.5",
        ",",        ",,",   "\n",       "\"",   " ",        "\xE3\x80\x80", "①",
        "Ⅻ",        "A1",   "。",       "；",   "满分：",   "一级指标",     "二级指标",
        "测评项目", "序号", "测评内容", "分值", "\xE2\x80", "\t",
    };
    size_t len;
    char *fixture = read_fixture("level-columns.csv", &len);
    const char *seeds[] = {
        fixture,
        "一级指标,测评内容,分值\n一、甲（5分）,要求一。,2\n,要求二；其余,1\n二、乙,要求三,1\n",
        "序号,一级指标,二级指标,分值\n1,甲（3分）,,\n1.1,,乙,2\n1.2,,丙,1\n",
        "测评项目,测评方法\n①甲,实地考察\n(2)乙（1分）,座谈\n",
    };
    unsigned long seed = 12345;
    struct wm_buf b = { 0 };
    int accepted = 0;
    for (int iter = 0; iter < 3000; iter++) {
        seed = seed * 6364136223846793005UL + 1442695040888963407UL;
        const char *src = seeds[(seed >> 33) % WM_ARRAY_LEN(seeds)];
        wm_buf_reset(&b);
        wm_buf_adds(&b, src);
        int edits = 1 + (int)((seed >> 40) % 6);
        for (int e = 0; e < edits; e++) {
            seed = seed * 6364136223846793005UL + 1442695040888963407UL;
            size_t at = b.len ? (size_t)(seed >> 20) % b.len : 0;
            const char *tok = tokens[(seed >> 50) % WM_ARRAY_LEN(tokens)];
            struct wm_buf nb = { 0 };
            wm_buf_adds(&nb, "");
            if (at > 0) {
                wm_buf_add(&nb, b.data, at);
            }
            if ((seed >> 45) % 3 != 0) {
                wm_buf_adds(&nb, tok);
            }
            size_t skip = (seed >> 47) % 3 == 0 ? (size_t)((seed >> 10) % 8) : 0;
            if (at + skip > b.len) {
                skip = b.len - at;
            }
            if (b.len > at + skip) {
                wm_buf_add(&nb, b.data + at + skip, b.len - at - skip);
            }
            wm_buf_free(&b);
            b = nb;
        }
        struct wm_fw_report rep = { 0 };
        struct wm_fw *fw = NULL;
        enum wm_err rc =
            wm_fw_parse_rows(wm_buf_str(&b), b.len, WM_TABLE_CSV, "n", "v", NULL, &fw, &rep);
        assert_true(rc == WM_OK ? fw != NULL && rep.nerrors == 0 : fw == NULL && rep.nerrors > 0);
        if (fw != NULL) {
            accepted++;
            for (size_t i = 0; i < fw->nall; i++) {
                assert_ptr_equal(wm_fw_find(fw, fw->all[i]->code), fw->all[i]);
                assert_true(fw->all[i]->depth <= WM_FW_MAX_DEPTH);
                assert_non_null(fw->all[i]->title);
            }
            size_t lc;
            char *csv = wm_fw_export_csv(fw, &lc);
            struct wm_fw *fw2 = NULL;
            wm_fw_report_reset(&rep);
            if (wm_fw_parse_rows(csv, lc, WM_TABLE_CSV, "n", "v", NULL, &fw2, &rep) == WM_OK) {
                assert_int_equal(fw2->nall, fw->nall);
                wm_fw_free(fw2);
            }
            free(csv);
            wm_fw_free(fw);
        }
        wm_fw_report_free(&rep);
    }
    assert_true(accepted > 100); /* the success path is exercised, not only errors */
    wm_buf_free(&b);
    free(fixture);
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

/* Columns of real score sheets that a framework does not keep: a warning, not an error. */
static void
test_ignored_columns(void **state)
{
    (void)state;
    const char *csv = "序号,测评项目,测评内容,评分标准,分值,备注,自评得分\n"
                      "1,组织领导,,,,,\n"
                      "1.1,创建规划,制定创建规划,未制定扣1分,2,,\n";
    struct wm_fw *fw = NULL;
    struct wm_fw_report rep = {0};
    assert_int_equal(wm_fw_parse_rows(csv, strlen(csv), WM_TABLE_CSV, "标准", "1", NULL, &fw, &rep),
                     WM_OK);
    assert_int_equal(rep.nerrors, 0);
    assert_int_equal(rep.nwarnings, 3);
    const struct wm_ind *leaf = wm_fw_find(fw, "1.1");
    assert_non_null(leaf);
    assert_string_equal(leaf->title, "创建规划");
    assert_int_equal(leaf->score, 200);
    wm_fw_free(fw);
    wm_fw_report_free(&rep);
}

/* Scores as published standards write them: units, full-width digits, dashes for none. */
static void
test_score_cells(void **state)
{
    (void)state;
    const char *csv = "code,title,score\n"
                      "1,甲,10分\n"
                      "1.1,乙,2 分\n"
                      "1.2,丙,２．５\n"
                      "1.3,丁,—\n"
                      "1.4,戊,／\n"
                      "1.5,己,0.5分\n";
    struct wm_fw *fw = NULL;
    struct wm_fw_report rep = {0};
    assert_int_equal(wm_fw_parse_rows(csv, strlen(csv), WM_TABLE_CSV, "标准", "1", NULL, &fw, &rep),
                     WM_OK);
    assert_int_equal(rep.nerrors, 0);
    assert_int_equal(wm_fw_find(fw, "1")->score, 1000);
    assert_int_equal(wm_fw_find(fw, "1.1")->score, 200);
    assert_int_equal(wm_fw_find(fw, "1.2")->score, 250);
    assert_false(wm_fw_find(fw, "1.3")->has_score);
    assert_false(wm_fw_find(fw, "1.4")->has_score);
    assert_int_equal(wm_fw_find(fw, "1.5")->score, 50);
    wm_fw_free(fw);
    wm_fw_report_free(&rep);
    /* still refused: words, negatives, three decimals */
    const char *bad = "code,title,score\n1,甲,十分\n2,乙,-1分\n3,丙,0.125\n";
    assert_int_equal(wm_fw_parse_rows(bad, strlen(bad), WM_TABLE_CSV, "标准", "1", NULL, &fw, &rep),
                     WM_E_BAD_REQUEST);
    assert_int_equal(rep.nerrors, 3);
    wm_fw_report_free(&rep);
}

/* A workbook that opens with an explanation sheet: the standard is found on the next one. */
static void
test_xlsx_cover_sheet(void **state)
{
    (void)state;
    char path[] = "/tmp/wm_fw_cover_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    lxw_workbook *wb = workbook_new(path);
    lxw_worksheet *cover = workbook_add_worksheet(wb, "填表说明");
    worksheet_write_string(cover, 0, 0, "本表为某市文明单位测评体系，请勿修改表头", NULL);
    lxw_worksheet *data = workbook_add_worksheet(wb, "测评体系");
    worksheet_write_string(data, 0, 0, "编码", NULL);
    worksheet_write_string(data, 0, 1, "指标", NULL);
    worksheet_write_string(data, 0, 2, "分值", NULL);
    worksheet_write_string(data, 1, 0, "1", NULL);
    worksheet_write_string(data, 1, 1, "组织领导", NULL);
    worksheet_write_string(data, 1, 2, "10", NULL);
    worksheet_write_string(data, 2, 0, "1.1", NULL);
    worksheet_write_string(data, 2, 1, "创建规划", NULL);
    worksheet_write_string(data, 2, 2, "10", NULL);
    assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
    size_t len;
    char *bytes = wm_read_file(path, &len);
    assert_non_null(bytes);
    unlink(path);
    struct wm_fw *fw = NULL;
    struct wm_fw_report rep = {0};
    assert_int_equal(wm_fw_parse_rows(bytes, len, WM_TABLE_AUTO, "标准", "1", NULL, &fw, &rep),
                     WM_OK);
    assert_int_equal(fw->nleaves, 1);
    assert_string_equal(wm_fw_find(fw, "1.1")->title, "创建规划");
    wm_fw_free(fw);
    wm_fw_report_free(&rep);
    free(bytes);
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
        cmocka_unit_test(test_levels_csv),
        cmocka_unit_test(test_levels_xlsx),
        cmocka_unit_test(test_levels_two),
        cmocka_unit_test(test_levels_items),
        cmocka_unit_test(test_total_rows),
        cmocka_unit_test(test_method_marks),
        cmocka_unit_test(test_header_variants),
        cmocka_unit_test(test_docx_sections),
        cmocka_unit_test(test_sheets_several),
        cmocka_unit_test(test_score_words),
        cmocka_unit_test(test_levels_titles),
        cmocka_unit_test(test_levels_codes),
        cmocka_unit_test(test_levels_errors),
        cmocka_unit_test(test_levels_mutations),
        cmocka_unit_test(test_vocabularies),
        cmocka_unit_test(test_diff),
        cmocka_unit_test(test_formula_neutralised),
        cmocka_unit_test(test_structure),
        cmocka_unit_test(test_ignored_columns),
        cmocka_unit_test(test_score_cells),
        cmocka_unit_test(test_xlsx_cover_sheet),
    };
    return cmocka_run_group_tests_name("framework", tests, NULL, NULL);
}

/* end of test_framework.c */
