/*
** test_eval.c — unit tests of src/eval (wm_eval.h, wm_eval_render.h): leaf arithmetic as
** published standards write it (decimals, grade tables, bonus caps, negative lists,
** deductions floored at zero, vetoes), points text, totals, reconciliation, ranking, and
** the PDF/XLSX renderers.
**
** `test_eval --bench` prints the time of reconciling and ranking 2,000 units × 150 leaves ×
** 3 evaluators instead of running the tests.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "wm_compile.h"
#include "wm_eval.h"
#include "wm_eval_render.h"
#include "wm_table.h"

/* cmocka needs setjmp.h first */
/* clang-format off */
#include <setjmp.h>
#include <cmocka.h>
/* clang-format on */

#include "banned.h"

/* A standard as published ones write it: decimals, two grade tables, bonus, negative, veto. */
static const char *STD =
    "{\"format\":\"wenming-framework/1\",\"name\":\"测试标准\",\"indicators\":["
    "{\"code\":\"1\",\"title\":\"组织管理\",\"children\":["
    " {\"code\":\"1.1\",\"title\":\"专题研究\",\"score\":2.5,\"scoring\":{\"rule\":\"points\"}},"
    " {\"code\":\"1.2\",\"title\":\"年度计划\",\"score\":3,"
    "  \"scoring\":{\"rule\":\"grade\",\"grades\":{\"A\":1,\"B\":0.8,\"C\":0.6,\"D\":0}}},"
    " {\"code\":\"1.3\",\"title\":\"领导小组\",\"score\":0.5}]},"
    "{\"code\":\"2\",\"title\":\"道德建设\",\"children\":["
    " {\"code\":\"2.1\",\"title\":\"道德讲堂\",\"score\":15,"
    "  \"scoring\":{\"rule\":\"grade\",\"grades\":{\"A\":1,\"B\":0.85,\"C\":0.7,\"D\":0.5}}},"
    " {\"code\":\"2.2\",\"title\":\"上级表彰\",\"score\":2,\"scoring\":{\"rule\":\"bonus\",\"cap\":1.5}},"
    " {\"code\":\"2.3\",\"title\":\"未给档次表\",\"score\":1.25,\"scoring\":{\"rule\":\"grade\"}}]},"
    "{\"code\":\"3\",\"title\":\"安全稳定\",\"children\":["
    " {\"code\":\"3.1\",\"title\":\"重大安全责任事故\",\"veto\":true},"
    " {\"code\":\"3.2\",\"title\":\"负面清单\",\"scoring\":{\"rule\":\"negative\",\"cap\":5},\"veto\":true},"
    " {\"code\":\"3.3\",\"title\":\"治安\",\"score\":7.5,\"scoring\":{\"rule\":\"points\"}}]}"
    "]}";

static struct wm_fw *
std_fw(void)
{
    struct wm_fw *fw = NULL;
    struct wm_fw_report rep = { 0 };
    enum wm_err rc = wm_fw_parse_json(STD, strlen(STD), &fw, &rep);
    if (rc != WM_OK) {
        char *t = wm_fw_report_text(&rep);
        print_error("%s", t);
        free(t);
    }
    assert_int_equal(rc, WM_OK);
    wm_fw_report_free(&rep);
    return fw;
}

static const struct wm_ind *
leaf(const struct wm_fw *fw, const char *code)
{
    const struct wm_ind *l = wm_fw_find(fw, code);
    assert_non_null(l);
    return l;
}

/* Score a leaf and expect success: returns the value. */
static int64_t
ok_leaf(const struct wm_ind *l, const struct wm_eval_input *in)
{
    struct wm_eval_leaf_result r;
    char why[WM_EVAL_WHY] = "";
    enum wm_err rc = wm_eval_leaf(l, in, &r, why, sizeof(why));
    if (rc != WM_OK) {
        print_error("%s: %s\n", l->code, why);
    }
    assert_int_equal(rc, WM_OK);
    assert_true(r.scored);
    return r.value;
}

/* Score a leaf and expect refusal with a message containing @a part. */
static void
bad_leaf(const struct wm_ind *l, const struct wm_eval_input *in, const char *part)
{
    struct wm_eval_leaf_result r;
    char why[WM_EVAL_WHY] = "";
    assert_int_equal(wm_eval_leaf(l, in, &r, why, sizeof(why)), WM_E_BAD_REQUEST);
    assert_false(r.scored);
    if (strstr(why, part) == NULL || strstr(why, l->code) == NULL) {
        fail_msg("message \"%s\" lacks \"%s\" or the code %s", why, part, l->code);
    }
}

static void
test_parse_points(void **state)
{
    (void)state;

    static const struct {
        const char *s;
        int64_t v;
    } good[] = {
        { "0", 0 },
        { "2", 200 },
        { "0.5", 50 },
        { "1.25", 125 },
        { "-0.5", -50 },
        { "+1", 100 },
        { ".5", 50 },
        { "2.", 200 },
        { "0.50", 50 },
        { " 7.5 ", 750 },
        { "２", 200 },
        { "０．５", 50 },
        { "－１．２５", -125 },
        { "\xE3\x80\x80"
          "3\xE3\x80\x80",
          300 },
        { "1000000", 100000000 },
        { "\xE2\x88\x92"
          "2",
          -200 },
    };

    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        int64_t v = -999;
        if (!wm_eval_parse_points(good[i].s, &v)) {
            fail_msg("\"%s\" refused", good[i].s);
        }
        assert_int_equal(v, good[i].v);
    }
    static const char *bad[] = { "",     " ",        "0.125", "1.2.3",      "abc",
                                 "1e2",  "--1",      "1-",    "1,5",        ".",
                                 "-",    "1 2",      "0x10",  "1000000.01", "99999999999999999999",
                                 "２分", "\xEF\xBC", NULL };
    for (size_t i = 0; bad[i] != NULL; i++) {
        int64_t v = -999;
        if (wm_eval_parse_points(bad[i], &v)) {
            fail_msg("\"%s\" accepted as %lld", bad[i], (long long)v);
        }
        assert_int_equal(v, -999);
    }
    int64_t v;
    assert_false(wm_eval_parse_points(NULL, &v));
    char buf[32];
    assert_string_equal(wm_eval_format_points(-50, buf), "-0.5");
    assert_string_equal(wm_eval_format_points(125, buf), "1.25");
    assert_string_equal(wm_eval_format_points(700, buf), "7");
}

static void
test_rounding(void **state)
{
    (void)state;
    assert_int_equal(wm_eval_div_round(200, 3), 67);  /* 0.666… */
    assert_int_equal(wm_eval_div_round(75, 2), 38);   /* 0.375 half up */
    assert_int_equal(wm_eval_div_round(-75, 2), -38); /* half away from zero */
    assert_int_equal(wm_eval_div_round(100, 3), 33);
    assert_int_equal(wm_eval_div_round(-100, 3), -33);
}

static void
test_points_rule(void **state)
{
    (void)state;
    struct wm_fw *fw = std_fw();
    const struct wm_ind *l = leaf(fw, "1.1"); /* 2.5 points */
    struct wm_eval_deduction d[] = { { "会议纪要缺失", 50 }, { "未召开动员会", 25 } };
    struct wm_eval_input in = { .ndeductions = 2, .deductions = d };
    assert_int_equal(ok_leaf(l, &in), 175); /* 2.5 − 0.5 − 0.25 */
    /* deductions floored at zero */
    struct wm_eval_deduction big[] = { { "无规划", 200 }, { "无记录", 100 } };
    struct wm_eval_input in2 = { .ndeductions = 2, .deductions = big };
    struct wm_eval_leaf_result r;
    char why[WM_EVAL_WHY];
    assert_int_equal(wm_eval_leaf(l, &in2, &r, why, sizeof(why)), WM_OK);
    assert_int_equal(r.value, 0);
    assert_true(r.capped);
    assert_int_equal(r.deducted, 300);
    /* explicit value within 0..max */
    struct wm_eval_input v = { .has_value = true, .value = 250 };
    assert_int_equal(ok_leaf(l, &v), 250);
    v.value = 0;
    assert_int_equal(ok_leaf(l, &v), 0);
    v.value = 251;
    bad_leaf(l, &v, "超过该项分值 2.5 分");
    v.value = -1;
    bad_leaf(l, &v, "不能为负数");
    /* explicit value and deductions must agree */
    struct wm_eval_input both = {
        .has_value = true, .value = 175, .ndeductions = 2, .deductions = d
    };
    assert_int_equal(ok_leaf(l, &both), 175);
    both.value = 200;
    bad_leaf(l, &both, "不一致");
    /* bad deductions */
    struct wm_eval_deduction neg[] = { { "原因", -50 } };
    struct wm_eval_input in3 = { .ndeductions = 1, .deductions = neg };
    bad_leaf(l, &in3, "应大于 0");
    struct wm_eval_deduction noreason[] = { { "  \xE3\x80\x80 ", 50 } };
    in3.deductions = noreason;
    bad_leaf(l, &in3, "必须填写原因");
    struct wm_eval_deduction nullreason[] = { { NULL, 50 } };
    in3.deductions = nullreason;
    bad_leaf(l, &in3, "必须填写原因");
    /* a grade on a points leaf */
    struct wm_eval_input g = { .grade = 'A' };
    bad_leaf(l, &g, "不能选择档次");
    /* nothing entered: unscored, not an error */
    struct wm_eval_input none = { 0 };
    assert_int_equal(wm_eval_leaf(l, &none, &r, why, sizeof(why)), WM_OK);
    assert_false(r.scored);
    /* a leaf without rule but with a score scores as points */
    const struct wm_ind *l13 = leaf(fw, "1.3");
    struct wm_eval_deduction q[] = { { "缺一次", 25 } };
    struct wm_eval_input in4 = { .ndeductions = 1, .deductions = q };
    assert_int_equal(ok_leaf(l13, &in4), 25);
    /* veto on a leaf that is not a veto item */
    struct wm_eval_input vt = { .veto = true, .veto_reason = "事故" };
    bad_leaf(l, &vt, "不是一票否决项");
    wm_fw_free(fw);
}

static void
test_grade_rule(void **state)
{
    (void)state;
    struct wm_fw *fw = std_fw();
    const struct wm_ind *l12 = leaf(fw, "1.2"); /* 3 points, A=1 B=0.8 C=0.6 D=0 */
    struct wm_eval_input in = { .grade = 'A' };
    assert_int_equal(ok_leaf(l12, &in), 300);
    in.grade = 'B';
    assert_int_equal(ok_leaf(l12, &in), 240);
    in.grade = 'c';
    assert_int_equal(ok_leaf(l12, &in), 180);
    in.grade = 'D';
    assert_int_equal(ok_leaf(l12, &in), 0);
    in.grade = 'E';
    bad_leaf(l12, &in, "没有档次“E”");
    const struct wm_ind *l21 = leaf(fw, "2.1"); /* 15 points, 1/0.85/0.7/0.5 */
    in.grade = 'B';
    assert_int_equal(ok_leaf(l21, &in), 1275);
    in.grade = 'C';
    assert_int_equal(ok_leaf(l21, &in), 1050);
    in.grade = 'D';
    assert_int_equal(ok_leaf(l21, &in), 750);
    /* no table: the default A=1 B=0.8 C=0.6 D=0, rounded half up (1.25 × 0.8 = 1, × 0.6 = 0.75) */
    const struct wm_ind *l23 = leaf(fw, "2.3");
    in.grade = 'B';
    assert_int_equal(ok_leaf(l23, &in), 100);
    in.grade = 'C';
    assert_int_equal(ok_leaf(l23, &in), 75);
    /* a value instead of a grade, deductions on a grade leaf */
    struct wm_eval_input v = { .has_value = true, .value = 100 };
    bad_leaf(l12, &v, "请选择档次");
    struct wm_eval_deduction d[] = { { "x", 10 } };
    struct wm_eval_input dd = { .ndeductions = 1, .deductions = d };
    bad_leaf(l12, &dd, "应选择档次");
    /* a stored value agreeing with the grade */
    struct wm_eval_input both = { .grade = 'B', .has_value = true, .value = 240 };
    assert_int_equal(ok_leaf(l12, &both), 240);
    both.value = 250;
    bad_leaf(l12, &both, "不一致");
    wm_fw_free(fw);
}

/* Half-up rounding of a grade: 2.5 × 0.85 = 2.125 → 2.13 */
static void
test_grade_rounding(void **state)
{
    (void)state;
    static const char *doc =
        "{\"format\":\"wenming-framework/1\",\"name\":\"n\",\"indicators\":[{\"code\":\"1\",\"title\":\"t\","
        "\"score\":2.5,\"scoring\":{\"rule\":\"grade\",\"grades\":{\"A\":1,\"B\":0.85,\"C\":0.7}}}]}";
    struct wm_fw *fw = NULL;
    assert_int_equal(wm_fw_parse_json(doc, strlen(doc), &fw, NULL), WM_OK);
    struct wm_eval_input in = { .grade = 'B' };
    assert_int_equal(ok_leaf(leaf(fw, "1"), &in), 213);
    in.grade = 'C';
    assert_int_equal(ok_leaf(leaf(fw, "1"), &in), 175);
    in.grade = 'D'; /* not in this table */
    bad_leaf(leaf(fw, "1"), &in, "可选：A、B、C");
    wm_fw_free(fw);
}

static void
test_bonus_rule(void **state)
{
    (void)state;
    struct wm_fw *fw = std_fw();
    const struct wm_ind *l = leaf(fw, "2.2"); /* score 2, cap 1.5 */
    assert_int_equal(wm_eval_leaf_cap(l), 150);
    struct wm_eval_input in = { .has_value = true, .value = 150 };
    assert_int_equal(ok_leaf(l, &in), 150);
    in.value = 50;
    assert_int_equal(ok_leaf(l, &in), 50);
    in.value = 175;
    bad_leaf(l, &in, "超过上限 1.5 分");
    in.value = -50;
    bad_leaf(l, &in, "不能为负数");
    /* items summed and held at the cap */
    struct wm_eval_deduction items[] = { { "省级表彰", 100 },
                                         { "市级表彰", 50 },
                                         { "区级表彰", 50 } };
    struct wm_eval_input it = { .ndeductions = 3, .deductions = items };
    struct wm_eval_leaf_result r;
    char why[WM_EVAL_WHY];
    assert_int_equal(wm_eval_leaf(l, &it, &r, why, sizeof(why)), WM_OK);
    assert_int_equal(r.value, 150);
    assert_true(r.capped);
    wm_fw_free(fw);
}

static void
test_negative_rule(void **state)
{
    (void)state;
    struct wm_fw *fw = std_fw();
    const struct wm_ind *l = leaf(fw, "3.2"); /* cap 5, veto */
    struct wm_eval_deduction d[] = { { "违纪一人次", 200 }, { "通报批评", 150 } };
    struct wm_eval_input in = { .ndeductions = 2, .deductions = d };
    assert_int_equal(ok_leaf(l, &in), -350);
    struct wm_eval_deduction many[] = { { "a", 200 }, { "b", 200 }, { "c", 200 } };
    struct wm_eval_input in2 = { .ndeductions = 3, .deductions = many };
    assert_int_equal(ok_leaf(l, &in2), -500); /* capped at 5 */
    struct wm_eval_input v = { .has_value = true, .value = -250 };
    assert_int_equal(ok_leaf(l, &v), -250);
    v.value = 100;
    bad_leaf(l, &v, "应为负数或 0");
    v.value = -501;
    bad_leaf(l, &v, "超过上限 5 分");
    /* veto with and without reason */
    struct wm_eval_input vt = { .veto = true, .veto_reason = "发生重大违纪案件" };
    struct wm_eval_leaf_result r;
    char why[WM_EVAL_WHY];
    assert_int_equal(wm_eval_leaf(l, &vt, &r, why, sizeof(why)), WM_OK);
    assert_true(r.veto);
    assert_false(r.scored);
    vt.veto_reason = " ";
    bad_leaf(l, &vt, "一票否决必须填写原因");
    /* a veto-only leaf: no value, veto allowed */
    const struct wm_ind *l31 = leaf(fw, "3.1");
    assert_false(wm_eval_leaf_scorable(l31));
    struct wm_eval_input vt2 = { .veto = true, .veto_reason = "重大安全事故" };
    assert_int_equal(wm_eval_leaf(l31, &vt2, &r, why, sizeof(why)), WM_OK);
    assert_true(r.veto);
    struct wm_eval_input val = { .has_value = true, .value = 0 };
    bad_leaf(l31, &val, "不计分");
    wm_fw_free(fw);
}

static void
test_deductions_json(void **state)
{
    (void)state;
    json_t *j = json_loads(
        "[{\"reason\":\"会议纪要缺失\",\"points\":50},{\"reason\":\"x\",\"points\":25}]", 0, NULL);
    struct wm_eval_deduction *d = NULL;
    size_t n = 0;
    char why[WM_EVAL_WHY] = "";
    assert_int_equal(wm_eval_deductions_from_json(j, &d, &n, why, sizeof(why)), WM_OK);
    assert_int_equal(n, 2);
    assert_string_equal(d[0].reason, "会议纪要缺失");
    assert_int_equal(d[1].points, 25);
    json_t *back = wm_eval_deductions_to_json(d, n);
    assert_true(json_equal(back, j));
    json_decref(back);
    free(d);
    json_decref(j);
    static const char *bad[] = { "{}",
                                 "[1]",
                                 "[{\"reason\":\"x\",\"points\":0.5}]",
                                 "[{\"reason\":1,\"points\":5}]",
                                 "[{\"reason\":\"x\"}]",
                                 NULL };
    for (size_t i = 0; bad[i] != NULL; i++) {
        j = json_loads(bad[i], JSON_DECODE_ANY, NULL);
        assert_non_null(j);
        assert_int_equal(wm_eval_deductions_from_json(j, &d, &n, why, sizeof(why)),
                         WM_E_BAD_REQUEST);
        assert_null(d);
        json_decref(j);
    }
    assert_int_equal(wm_eval_deductions_from_json(NULL, &d, &n, why, sizeof(why)), WM_OK);
    assert_int_equal(n, 0);
    j = json_null();
    assert_int_equal(wm_eval_deductions_from_json(j, &d, &n, why, sizeof(why)), WM_OK);
    assert_int_equal(n, 0);
}

/*
** The synthetic city standard of tests/data/frameworks (100 points, every rule, decimals
** such as 2.5, 11.7, 0.1): full marks give exactly its total, and its rules score as written.
*/
static void
test_published_standard(void **state)
{
    (void)state;
    const char *dir = getenv("WM_FW_TESTDATA");
    char *path = wm_asprintf("%s/synthetic-city-100.json", dir ? dir : "tests/data/frameworks");
    size_t len = 0;
    char *data = wm_read_file(path, &len);
    if (data == NULL) {
        fail_msg("cannot read %s", path);
    }
    struct wm_fw *fw = NULL;
    assert_int_equal(wm_fw_parse_json(data, len, &fw, NULL), WM_OK);
    free(data);
    free(path);
    struct wm_eval_plan *p = wm_eval_plan_new(fw);
    assert_int_equal(fw->total, 10000);
    struct wm_eval_value *v = wm_calloc(p->nleaves, sizeof(*v));
    char why[WM_EVAL_WHY] = "";
    for (size_t i = 0; i < p->nleaves; i++) {
        const struct wm_ind *l = p->leaf[i];
        struct wm_eval_input in = { 0 };
        if (l->scoring.rule == WM_FW_RULE_GRADE) {
            in.grade = 'A';
        } else if (l->scoring.rule == WM_FW_RULE_NEGATIVE || !wm_eval_leaf_scorable(l)) {
            continue;
        } else if (l->scoring.rule == WM_FW_RULE_BONUS) {
            in.has_value = true; /* bonus stays out of full marks */
            in.value = 0;
        } else {
            in.has_value = true;
            in.value = wm_eval_leaf_cap(l);
        }
        struct wm_eval_leaf_result r;
        assert_int_equal(wm_eval_leaf(l, &in, &r, why, sizeof(why)), WM_OK);
        v[i] = (struct wm_eval_value){ .set = r.scored, .value = r.value };
    }
    struct wm_eval_totals t;
    wm_eval_totals(p, v, &t);
    assert_int_equal(t.total, 10000);
    for (size_t k = 0; k < p->ntop; k++) {
        assert_int_equal(t.subtotal[k], wm_ind_max(fw->top[k]));
    }
    wm_eval_totals_free(&t);
    /* 1.2.1 is 11.7 points: two deductions of 0.25 and 0.1 leave 11.35 */
    const struct wm_ind *l121 = wm_fw_find(fw, "1.2.1");
    struct wm_eval_deduction d[] = { { "场所未挂牌", 25 }, { "经费台账不全", 10 } };
    struct wm_eval_input in = { .ndeductions = 2, .deductions = d };
    assert_int_equal(ok_leaf(l121, &in), 1135);
    /* 2.2.1 is 15 points graded 1/0.85/0.7/0.5 */
    in = (struct wm_eval_input){ .grade = 'B' };
    assert_int_equal(ok_leaf(wm_fw_find(fw, "2.2.1"), &in), 1275);
    /* 2.2.2 bonus capped at 2, 3.2.3 negative list capped at 5 and a veto item */
    in = (struct wm_eval_input){ .has_value = true, .value = 250 };
    bad_leaf(wm_fw_find(fw, "2.2.2"), &in, "超过上限 2 分");
    struct wm_eval_deduction neg[] = { { "违纪", 300 }, { "通报", 300 } };
    in = (struct wm_eval_input){
        .ndeductions = 2, .deductions = neg, .veto = true, .veto_reason = "严重违纪"
    };
    struct wm_eval_leaf_result r;
    assert_int_equal(wm_eval_leaf(wm_fw_find(fw, "3.2.3"), &in, &r, why, sizeof(why)), WM_OK);
    assert_int_equal(r.value, -500);
    assert_true(r.veto);
    /* 1.2.2 has a score (0.1) but no rule: scored as points */
    in = (struct wm_eval_input){ .has_value = true, .value = 10 };
    assert_int_equal(ok_leaf(wm_fw_find(fw, "1.2.2"), &in), 10);
    in.value = 20;
    bad_leaf(wm_fw_find(fw, "1.2.2"), &in, "超过该项分值 0.1 分");
    free(v);
    wm_eval_plan_free(p);
    wm_fw_free(fw);
}

static void
test_plan_totals(void **state)
{
    (void)state;
    struct wm_fw *fw = std_fw();
    struct wm_eval_plan *p = wm_eval_plan_new(fw);
    assert_int_equal(p->nleaves, 9);
    assert_int_equal(p->ntop, 3);
    assert_int_equal(wm_eval_plan_index(p, "1.1"), 0);
    assert_int_equal(wm_eval_plan_index(p, "3.3"), 8);
    assert_int_equal(wm_eval_plan_index(p, "2"), -1);
    assert_int_equal(wm_eval_plan_index(p, "9"), -1);
    assert_int_equal(p->top[wm_eval_plan_index(p, "2.2")], 1);
    struct wm_eval_value v[9] = { 0 };
    v[0] = (struct wm_eval_value){ .set = true, .value = 175 }; /* 1.1 */
    v[1] = (struct wm_eval_value){ .set = true, .value = 240 }; /* 1.2 */
    /* 1.3 unset */
    v[3] = (struct wm_eval_value){ .set = true, .value = 1275 }; /* 2.1 */
    v[4] = (struct wm_eval_value){ .set = true, .value = 150 };  /* 2.2 bonus */
    v[5] = (struct wm_eval_value){ .set = true, .value = 75 };   /* 2.3 */
    /* 3.1 veto-only, unset: not counted */
    v[7] = (struct wm_eval_value){ .set = true, .value = -350 }; /* 3.2 negative */
    v[8] = (struct wm_eval_value){ .set = true, .value = 750 };  /* 3.3 */
    struct wm_eval_totals t;
    wm_eval_totals(p, v, &t);
    assert_int_equal(t.base, 175 + 240 + 1275 + 75 + 750);
    assert_int_equal(t.bonus, 150);
    assert_int_equal(t.negative, 350);
    assert_int_equal(t.total, 2515 + 150 - 350);
    assert_int_equal(t.ntop, 3);
    assert_int_equal(t.subtotal[0], 415);
    assert_int_equal(t.subtotal[1], 1500);
    assert_int_equal(t.subtotal[2], 400);
    assert_int_equal(t.scored, 7);
    assert_int_equal(t.unscored, 1);
    assert_false(t.veto);
    wm_eval_totals_free(&t);
    /* a veto; a total never below zero */
    struct wm_eval_value w[9] = { 0 };
    w[6].veto = true;
    w[7] = (struct wm_eval_value){ .set = true, .value = -500 };
    wm_eval_totals(p, w, &t);
    assert_true(t.veto);
    assert_int_equal(t.total, 0);
    assert_int_equal(t.subtotal[2], -500);
    assert_int_equal(t.unscored, 7);
    wm_eval_totals_free(&t);
    wm_eval_plan_free(p);
    wm_fw_free(fw);
}

static void
test_reconcile_mean(void **state)
{
    (void)state;
    struct wm_fw *fw = std_fw();
    struct wm_eval_plan *p = wm_eval_plan_new(fw);
    struct wm_eval_value a[9] = { 0 }, b[9] = { 0 }, c[9] = { 0 };
    /* 1.1: 1.00, 0.50, 0.50 → 0.67 */
    a[0] = (struct wm_eval_value){ .set = true, .value = 100 };
    b[0] = (struct wm_eval_value){ .set = true, .value = 50 };
    c[0] = (struct wm_eval_value){ .set = true, .value = 50 };
    /* 1.3: 0.25 and 0.50 (the third did not score) → 0.38 */
    a[2] = (struct wm_eval_value){ .set = true, .value = 25 };
    b[2] = (struct wm_eval_value){ .set = true, .value = 50 };
    /* 3.2: −0.25, −0.50 → −0.38; only one vetoes → flagged */
    a[7] = (struct wm_eval_value){ .set = true, .value = -25, .veto = true };
    b[7] = (struct wm_eval_value){ .set = true, .value = -50 };
    /* 3.3: 7.5, 5, 6 → spread 2.5 flagged at threshold 2 */
    a[8] = (struct wm_eval_value){ .set = true, .value = 750 };
    b[8] = (struct wm_eval_value){ .set = true, .value = 500 };
    c[8] = (struct wm_eval_value){ .set = true, .value = 600 };
    const struct wm_eval_value *sheets[] = { a, b, c };
    struct wm_eval_recon r[9];
    char why[WM_EVAL_WHY] = "";
    assert_int_equal(wm_eval_reconcile(p, 3, sheets, WM_EVAL_MEAN, 200, NULL, r, why, sizeof(why)),
                     WM_OK);
    assert_true(r[0].final.set);
    assert_int_equal(r[0].final.value, 67);
    assert_int_equal(r[0].n, 3);
    assert_int_equal(r[0].spread, 50);
    assert_false(r[0].flagged);
    assert_int_equal(r[2].final.value, 38);
    assert_int_equal(r[2].n, 2);
    assert_int_equal(r[7].final.value, -38);
    assert_true(r[7].final.veto);
    assert_int_equal(r[7].nveto, 1);
    assert_true(r[7].flagged);
    assert_int_equal(r[8].final.value, 617); /* 18.5 / 3 = 6.1666… */
    assert_int_equal(r[8].min, 500);
    assert_int_equal(r[8].max, 750);
    assert_int_equal(r[8].spread, 250);
    assert_true(r[8].flagged);
    assert_false(r[1].final.set);
    assert_int_equal(r[1].n, 0);
    assert_false(r[1].flagged);
    /* at the threshold is not above it */
    assert_int_equal(wm_eval_reconcile(p, 3, sheets, WM_EVAL_MEAN, 250, NULL, r, why, sizeof(why)),
                     WM_OK);
    assert_false(r[8].flagged);
    struct wm_eval_value fin[9];
    wm_eval_recon_values(p, r, fin);
    assert_int_equal(fin[0].value, 67);
    assert_true(fin[7].veto);
    wm_eval_plan_free(p);
    wm_fw_free(fw);
}

static void
test_reconcile_leader(void **state)
{
    (void)state;
    struct wm_fw *fw = std_fw();
    struct wm_eval_plan *p = wm_eval_plan_new(fw);
    struct wm_eval_value a[9] = { 0 }, b[9] = { 0 }, lead[9] = { 0 };
    a[0] = (struct wm_eval_value){ .set = true, .value = 100 };
    b[0] = (struct wm_eval_value){ .set = true, .value = 200 };
    lead[0] = (struct wm_eval_value){ .set = true, .value = 200 };
    lead[6] = (struct wm_eval_value){ .veto = true };
    const struct wm_eval_value *sheets[] = { a, b };
    struct wm_eval_recon r[9];
    char why[WM_EVAL_WHY] = "";
    assert_int_equal(wm_eval_reconcile(p, 2, sheets, WM_EVAL_LEADER, 50, lead, r, why, sizeof(why)),
                     WM_OK);
    assert_int_equal(r[0].final.value, 200);
    assert_int_equal(r[0].mean, 150);
    assert_true(r[0].flagged);
    assert_true(r[6].final.veto);
    assert_false(r[1].final.set);
    /* out of bounds: above the leaf's points, a bonus over its cap, veto on a non-veto leaf */
    lead[0].value = 300;
    assert_int_equal(wm_eval_reconcile(p, 2, sheets, WM_EVAL_LEADER, 50, lead, r, why, sizeof(why)),
                     WM_E_BAD_REQUEST);
    assert_non_null(strstr(why, "1.1"));
    lead[0].value = 200;
    lead[4] = (struct wm_eval_value){ .set = true, .value = 200 };
    assert_int_equal(wm_eval_reconcile(p, 2, sheets, WM_EVAL_LEADER, 50, lead, r, why, sizeof(why)),
                     WM_E_BAD_REQUEST);
    assert_non_null(strstr(why, "超过上限"));
    lead[4].value = 100;
    lead[8].veto = true;
    assert_int_equal(wm_eval_reconcile(p, 2, sheets, WM_EVAL_LEADER, 50, lead, r, why, sizeof(why)),
                     WM_E_BAD_REQUEST);
    assert_non_null(strstr(why, "不是一票否决项"));
    assert_int_equal(wm_eval_reconcile(p, 2, sheets, WM_EVAL_LEADER, 50, NULL, r, why, sizeof(why)),
                     WM_E_BAD_REQUEST);
    enum wm_eval_how h;
    assert_true(wm_eval_how_parse("leader", &h));
    assert_int_equal(h, WM_EVAL_LEADER);
    assert_false(wm_eval_how_parse("median", &h));
    assert_string_equal(wm_eval_how_name(WM_EVAL_MEAN), "mean");
    wm_eval_plan_free(p);
    wm_fw_free(fw);
}

static void
test_rank(void **state)
{
    (void)state;
    struct wm_eval_rank_entry e[] = {
        { .name = "丙单位", .has_total = true, .total = 9000 },
        { .name = "甲单位", .has_total = true, .total = 9500 },
        { .name = "乙单位", .has_total = true, .total = 9000 },
        { .name = "丁单位", .has_total = true, .total = 9900, .veto = true },
        { .name = "戊单位", .has_total = true, .total = 8000 },
        { .name = "己单位" },
        { .name = "庚单位", .has_total = true, .total = 8500 },
    };
    size_t n = sizeof(e) / sizeof(e[0]);
    size_t order[7];
    wm_eval_rank(e, n, 8500, order);
    assert_int_equal(e[1].rank, 1);
    assert_int_equal(e[0].rank, 2);
    assert_int_equal(e[2].rank, 2);
    assert_int_equal(e[6].rank, 4);
    assert_int_equal(e[4].rank, 5);
    assert_int_equal(e[3].rank, 6); /* vetoed after the others */
    assert_int_equal(e[5].rank, 0);
    assert_true(e[1].pass);
    assert_true(e[6].pass); /* total == threshold */
    assert_false(e[4].pass);
    assert_false(e[3].pass); /* vetoed whatever its total */
    assert_false(e[5].pass);
    /* display order: rank, then name (byte order: 丙 U+4E19 before 乙 U+4E59) */
    size_t want[] = { 1, 0, 2, 6, 4, 3, 5 };
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(order[i], want[i]);
    }
    wm_eval_rank(NULL, 0, 0, NULL);
}

/* ---------------------------------------------------------------- documents */

static char tmpdir[] = "/tmp/wm-eval-XXXXXX";

/* With WM_EVAL_KEEP=DIR, keep a document there for a look. */
static void
keep(const struct wm_buf *b, const char *name)
{
    const char *dir = getenv("WM_EVAL_KEEP");
    if (dir != NULL) {
        char *path = wm_asprintf("%s/%s", dir, name);
        char err[256];
        assert_int_equal(wm_eval_save(b->data, b->len, -1, path, err, sizeof(err)), WM_OK);
        free(path);
    }
}

/* The text of a PDF (pages first..last, 0: all) or NULL when pdftotext is missing. */
static char *
pdf_text(const struct wm_buf *pdf, int first, int last)
{
    if (access("/usr/bin/pdftotext", X_OK) != 0) {
        return NULL;
    }
    char *path = wm_asprintf("%s/t.pdf", tmpdir);
    char err[256];
    assert_int_equal(wm_eval_save(pdf->data, pdf->len, -1, path, err, sizeof(err)), WM_OK);
    char *cmd = first > 0 ? wm_asprintf("/usr/bin/pdftotext -enc UTF-8 -f %d -l %d '%s' -", first,
                                        last, path)
                          : wm_asprintf("/usr/bin/pdftotext -enc UTF-8 '%s' -", path);
    FILE *p = popen(cmd, "r");
    free(cmd);
    assert_non_null(p);
    struct wm_buf b = { 0 };
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, p)) > 0) {
        wm_buf_add(&b, chunk, n);
    }
    assert_int_equal(pclose(p), 0);
    free(path);
    char *t = wm_strdup(wm_buf_str(&b));
    wm_buf_free(&b);
    return t;
}

/* s without white space: pdftotext joins CJK and digits ("第 1 页" reads "第1页"). */
static char *
squeeze(const char *s)
{
    struct wm_buf b = { 0 };
    for (; *s; s++) {
        if (*s != ' ' && *s != '\n' && *s != '\t' && *s != '\f' && *s != '\r') {
            wm_buf_addc(&b, *s);
        }
    }
    return wm_buf_steal(&b);
}

static void
has(const char *text, const char *part)
{
    char *t = squeeze(text), *q = squeeze(part);
    if (strstr(t, q) == NULL) {
        fail_msg("\"%s\" not in:\n%s", part, text);
    }
    free(t);
    free(q);
}

/* Whether some cell of the table equals s. */
static bool
table_has(const struct wm_table *t, const char *s)
{
    for (size_t r = 0; r < t->nrows; r++) {
        for (size_t c = 0; c < t->rows[r].ncells; c++) {
            if (strcmp(t->rows[r].cells[c], s) == 0) {
                return true;
            }
        }
    }
    return false;
}

/* The cell right of the first cell equal to label in a table, searching column col. */
static const char *
table_at(const struct wm_table *t, const char *label, int col)
{
    for (size_t r = 0; r < t->nrows; r++) {
        for (size_t c = 0; c < t->rows[r].ncells; c++) {
            if (strcmp(t->rows[r].cells[c], label) == 0) {
                return wm_row_cell(&t->rows[r], col);
            }
        }
    }
    return NULL;
}

static struct wm_table *
read_xlsx(const struct wm_buf *b)
{
    struct wm_table *t = NULL;
    char err[256] = "";
    if (wm_table_read(b->data, b->len, WM_TABLE_XLSX, &t, err, sizeof(err)) != 0) {
        fail_msg("XLSX does not read back: %s", err);
    }
    return t;
}

/* A filled sheet of STD: total 23.15 (see test_plan_totals), a formula-like comment. */
static void
fill_sheet(const struct wm_eval_plan *p, struct wm_eval_doc_leaf *l)
{
    static const struct wm_eval_deduction d11[] = { { "会议纪要缺失", 50 },
                                                    { "未召开动员会", 25 } };
    static const struct wm_eval_deduction d32[] = { { "违纪一人次", 200 }, { "通报批评", 150 } };
    memset(l, 0, p->nleaves * sizeof(*l));
    l[0] = (struct wm_eval_doc_leaf){ .set = true,
                                      .value = 175,
                                      .method = "实地考察",
                                      .comment = "=HYPERLINK(\"x\")",
                                      .ndeductions = 2,
                                      .deductions = d11 };
    l[1] =
        (struct wm_eval_doc_leaf){ .set = true, .value = 240, .grade = 'B', .method = "查阅资料" };
    l[3] = (struct wm_eval_doc_leaf){ .set = true, .value = 1275, .grade = 'B' };
    l[4] = (struct wm_eval_doc_leaf){ .set = true, .value = 150 };
    l[5] = (struct wm_eval_doc_leaf){ .set = true, .value = 75, .grade = 'C' };
    l[7] = (struct wm_eval_doc_leaf){
        .set = true, .value = -350, .ndeductions = 2, .deductions = d32
    };
    l[8] = (struct wm_eval_doc_leaf){ .set = true, .value = 750, .comment = "台账齐全" };
}

static void
test_sheet_documents(void **state)
{
    (void)state;
    struct wm_fw *fw = std_fw();
    struct wm_eval_plan *p = wm_eval_plan_new(fw);
    struct wm_eval_doc_leaf l[9];
    fill_sheet(p, l);
    struct wm_eval_doc_sheet d = { .round = "第十五届市文明单位测评",
                                   .unit = "市第一中学",
                                   .unit_code = "u001",
                                   .evaluators = "张三、李四",
                                   .note = "二人平均",
                                   .plan = p,
                                   .leaves = l,
                                   .has_threshold = true,
                                   .threshold = 2000 };
    struct wm_buf pdf = { 0 };
    int pages = 0;
    char err[256] = "";
    assert_int_equal(wm_eval_pdf_sheet(&d, &pdf, &pages, err, sizeof(err)), WM_OK);
    assert_true(pdf.len > 1000);
    keep(&pdf, "sheet.pdf");
    assert_memory_equal(pdf.data, "%PDF", 4);
    char *text = pdf_text(&pdf, 0, 0);
    if (text != NULL) {
        has(text, "市第一中学");
        has(text, "第十五届市文明单位测评");
        has(text, "23.15"); /* the total */
        has(text, "第 1 页");
        has(text, "共 1 页");
        has(text, "会议纪要缺失");
        has(text, "合格");
        free(text);
    }
    wm_buf_free(&pdf);

    struct wm_buf x = { 0 };
    assert_int_equal(wm_eval_xlsx_sheet(&d, &x, err, sizeof(err)), WM_OK);
    struct wm_table *t = read_xlsx(&x);
    for (size_t i = 0; i < p->nleaves; i++) {
        if (!table_has(t, p->leaf[i]->code)) {
            fail_msg("leaf %s not in the XLSX", p->leaf[i]->code);
        }
    }
    assert_true(table_has(t, "市第一中学"));
    assert_string_equal(table_at(t, "总分", 5), "23.15");
    assert_string_equal(table_at(t, "减分", 5), "-3.5");
    assert_string_equal(table_at(t, "测评结果", 5), "合格");
    /* the formula-like comment came back as text (the reader takes the apostrophe off) */
    assert_true(table_has(t, "=HYPERLINK(\"x\")"));
    wm_table_free(t);
    wm_buf_free(&x);

    /* a veto fails the unit whatever its total */
    l[6] = (struct wm_eval_doc_leaf){ .veto = true, .veto_reason = "发生重大安全责任事故" };
    assert_int_equal(wm_eval_xlsx_sheet(&d, &x, err, sizeof(err)), WM_OK);
    t = read_xlsx(&x);
    assert_string_equal(table_at(t, "一票否决", 5), "是");
    assert_string_equal(table_at(t, "测评结果", 5), "不合格");
    wm_table_free(t);
    wm_buf_free(&x);

    /* missing unit */
    d.unit = NULL;
    assert_int_equal(wm_eval_pdf_sheet(&d, &pdf, NULL, err, sizeof(err)), WM_E_BAD_REQUEST);
    assert_int_equal(wm_eval_xlsx_sheet(&d, &x, err, sizeof(err)), WM_E_BAD_REQUEST);
    wm_buf_free(&pdf);
    wm_buf_free(&x);
    wm_eval_plan_free(p);
    wm_fw_free(fw);
}

static struct wm_fw *big_fw(size_t nleaves);

/* 150 leaves with long comments: several pages, each with its head and number. */
static void
test_sheet_pages(void **state)
{
    (void)state;
    struct wm_fw *fw = big_fw(150);
    assert_non_null(fw);
    struct wm_eval_plan *p = wm_eval_plan_new(fw);
    struct wm_eval_doc_leaf *l = wm_calloc(p->nleaves, sizeof(*l));
    /* every 7th leaf has a long comment between markers 始N始 … 终N终 */
    char **longc = wm_calloc(p->nleaves, sizeof(*longc));
    for (size_t i = 0; i < p->nleaves; i++) {
        l[i].set = true;
        l[i].value = wm_eval_leaf_cap(p->leaf[i]);
        if (i % 7 == 0) {
            struct wm_buf b = { 0 };
            wm_buf_printf(&b, "始%zu始", i);
            for (int k = 0; k < 8; k++) {
                wm_buf_adds(&b, "现场查看创建阵地，台账记录基本齐全，部分活动照片缺少说明。");
            }
            wm_buf_printf(&b, "终%zu终", i);
            longc[i] = wm_buf_steal(&b);
        }
        l[i].comment = longc[i] != NULL ? longc[i] : "好";
    }
    struct wm_eval_doc_sheet d = {
        .round = "第十五届市文明单位测评", .unit = "某某街道办事处", .plan = p, .leaves = l
    };
    struct wm_buf pdf = { 0 };
    int pages = 0;
    char err[256];
    assert_int_equal(wm_eval_pdf_sheet(&d, &pdf, &pages, err, sizeof(err)), WM_OK);
    keep(&pdf, "long.pdf");
    assert_true(pages >= 3);
    char want[64];
    size_t seen = 0;
    for (int pg = 1; pg <= pages; pg++) {
        char *text = pdf_text(&pdf, pg, pg);
        if (text == NULL) {
            break;
        }
        has(text, "第十五届市文明单位测评");
        has(text, "某某街道办事处");
        snprintf(want, sizeof want, "第 %d 页 共 %d 页", pg, pages);
        has(text, want);
        has(text, "扣分明细"); /* the column heads repeat */
        /* rows are whole: a long comment's two ends are on the same page */
        char *sq = squeeze(text);
        for (size_t i = 0; i < p->nleaves; i += 7) {
            char a[32], z[32];
            snprintf(a, sizeof a, "始%zu始", i);
            snprintf(z, sizeof z, "终%zu终", i);
            if ((strstr(sq, a) != NULL) != (strstr(sq, z) != NULL)) {
                fail_msg("leaf %zu's row is split at page %d", i, pg);
            }
            seen += strstr(sq, a) != NULL;
        }
        free(sq);
        free(text);
    }
    if (pages > 0 && access("/usr/bin/pdftotext", X_OK) == 0) {
        assert_int_equal(seen, (p->nleaves + 6) / 7); /* each long row once */
    }
    wm_buf_free(&pdf);
    /* the blank sheet of the same standard */
    assert_int_equal(wm_eval_pdf_blank(&d, &pdf, &pages, err, sizeof(err)), WM_OK);
    assert_true(pages >= 2);
    wm_buf_free(&pdf);
    for (size_t i = 0; i < p->nleaves; i++) {
        free(longc[i]);
    }
    free(longc);
    free(l);
    wm_eval_plan_free(p);
    wm_fw_free(fw);
}

static void
test_blank_documents(void **state)
{
    (void)state;
    static const char *doc =
        "{\"format\":\"wenming-framework/1\",\"name\":\"某市文明单位测评标准\",\"indicators\":["
        "{\"code\":\"1\",\"title\":\"组织管理\",\"children\":["
        " {\"code\":\"1.1\",\"title\":\"专题研究\",\"requirement\":\"党委专题研究创建工作\","
        "  \"score\":2.5,\"scoring\":{\"rule\":\"points\"}},"
        " {\"code\":\"1.2\",\"title\":\"年度计划\",\"score\":3,"
        "  \"scoring\":{\"rule\":\"grade\",\"grades\":{\"A\":1,\"B\":0.8,\"C\":0.6,\"D\":0}}},"
        " {\"code\":\"1.3\",\"title\":\"表彰\",\"score\":2,\"scoring\":{\"rule\":\"bonus\",\"cap\":1.5}},"
        " {\"code\":\"1.4\",\"title\":\"负面清单\",\"scoring\":{\"rule\":\"negative\",\"cap\":5},\"veto\":true}]}]}";
    struct wm_fw *fw = NULL;
    assert_int_equal(wm_fw_parse_json(doc, strlen(doc), &fw, NULL), WM_OK);
    struct wm_eval_plan *p = wm_eval_plan_new(fw);
    struct wm_buf w = { 0 };
    wm_eval_rule_words(p->leaf[1], &w);
    assert_string_equal(
        wm_buf_str(&w),
        "分档评分（满分 3 分）：A 档 3 分（×1）、B 档 2.4 分（×0.8）、C 档 1.8 分（×0.6）、D 档 0 分（×0）");
    wm_buf_reset(&w);
    wm_eval_rule_words(p->leaf[3], &w);
    assert_string_equal(wm_buf_str(&w),
                        "减分项：按负面清单逐项减分，最多减 5 分；一票否决项：出现即不合格");
    wm_buf_free(&w);
    struct wm_eval_doc_sheet d = { .round = "第十五届市文明单位测评", .plan = p };
    struct wm_buf pdf = { 0 };
    int pages = 0;
    char err[256];
    assert_int_equal(wm_eval_pdf_blank(&d, &pdf, &pages, err, sizeof(err)), WM_OK);
    keep(&pdf, "blank.pdf");
    char *text = pdf_text(&pdf, 0, 0);
    if (text != NULL) {
        has(text, "党委专题研究创建工作");
        has(text, "最多加 1.5 分");
        has(text, "第 1 页");
        free(text);
    }
    wm_buf_free(&pdf);
    struct wm_buf x = { 0 };
    assert_int_equal(wm_eval_xlsx_blank(&d, &x, err, sizeof(err)), WM_OK);
    struct wm_table *t = read_xlsx(&x);
    assert_true(table_has(t, "1.4"));
    assert_true(table_has(t, "党委专题研究创建工作"));
    assert_true(table_has(t, "满分 2.5 分，按扣分项逐项扣减，扣完为止"));
    wm_table_free(t);
    wm_buf_free(&x);
    wm_eval_plan_free(p);
    wm_fw_free(fw);
}

static void
test_summary_documents(void **state)
{
    (void)state;
    struct wm_fw *fw = std_fw();
    struct wm_eval_plan *p = wm_eval_plan_new(fw);
    static const int64_t s1[] = { 415, 1500, 400 }, s2[] = { 500, 1600, 750 },
                         s3[] = { 100, 100, 100 };
    struct wm_eval_rank_entry e[] = {
        { .name = "市第一中学", .has_total = true, .total = 2465 },
        { .name = "某某街道办事处", .has_total = true, .total = 2850 },
        { .name = "+市医院", .has_total = true, .total = 300, .veto = true },
        { .name = "区图书馆" },
    };
    size_t order[4];
    wm_eval_rank(e, 4, 2000, order);
    const int64_t *subs[] = { s1, s2, s3, NULL };
    const char *types[] = { "文明校园", "文明街道", "文明单位", "文明单位" };
    struct wm_eval_doc_row rows[4];
    for (size_t i = 0; i < 4; i++) {
        size_t k = order[i];
        rows[i] = (struct wm_eval_doc_row){ .rank = e[k].rank,
                                            .unit = e[k].name,
                                            .unit_type = types[k],
                                            .district = "某区",
                                            .has_total = e[k].has_total,
                                            .total = e[k].total,
                                            .subtotal = subs[k],
                                            .veto = e[k].veto,
                                            .pass = e[k].pass };
    }
    struct wm_eval_doc_summary d = { .round = "第十五届市文明单位测评",
                                     .title = "测评排名表",
                                     .scope = "某区",
                                     .plan = p,
                                     .has_threshold = true,
                                     .threshold = 2000,
                                     .nrows = 4,
                                     .rows = rows };
    struct wm_buf pdf = { 0 };
    int pages = 0;
    char err[256];
    assert_int_equal(wm_eval_pdf_summary(&d, &pdf, &pages, err, sizeof(err)), WM_OK);
    keep(&pdf, "summary.pdf");
    assert_int_equal(pages, 1);
    char *text = pdf_text(&pdf, 0, 0);
    if (text != NULL) {
        has(text, "测评排名表");
        has(text, "某某街道办事处");
        has(text, "28.5");
        has(text, "1 组织管理");
        has(text, "不合格");
        has(text, "第 1 页 共 1 页");
        free(text);
    }
    wm_buf_free(&pdf);
    struct wm_buf x = { 0 };
    assert_int_equal(wm_eval_xlsx_summary(&d, &x, err, sizeof(err)), WM_OK);
    struct wm_table *t = read_xlsx(&x);
    /* columns: 名次 单位 类型 区县 1 2 3 总分 否决 结果 */
    assert_string_equal(table_at(t, "某某街道办事处", 0), "1");
    assert_string_equal(table_at(t, "某某街道办事处", 7), "28.5");
    assert_string_equal(table_at(t, "某某街道办事处", 9), "合格");
    assert_string_equal(table_at(t, "+市医院", 8), "是");
    assert_string_equal(table_at(t, "+市医院", 9), "不合格");
    assert_string_equal(table_at(t, "区图书馆", 9), "未评分");
    assert_string_equal(table_at(t, "市第一中学", 5), "15");
    wm_table_free(t);
    /* saved to a descriptor and to a path */
    char *path = wm_asprintf("%s/rank.xlsx", tmpdir);
    assert_int_equal(wm_eval_save(x.data, x.len, -1, path, err, sizeof(err)), WM_OK);
    size_t n = 0;
    char *back = wm_read_file(path, &n);
    assert_int_equal(n, x.len);
    free(back);
    FILE *fp = fopen(path, "wb");
    assert_int_equal(wm_eval_save(x.data, 10, fileno(fp), NULL, err, sizeof(err)), WM_OK);
    fclose(fp);
    back = wm_read_file(path, &n);
    assert_int_equal(n, 10);
    free(back);
    unlink(path);
    free(path);
    wm_buf_free(&x);
    wm_eval_plan_free(p);
    wm_fw_free(fw);
}

/* The server's way: a JSON spec rendered in-process and by the wenming-compile helper. */
static void
test_specs(void **state)
{
    (void)state;
    struct wm_fw *fw = std_fw();
    struct wm_eval_plan *p = wm_eval_plan_new(fw);
    struct wm_eval_doc_leaf l[9];
    fill_sheet(p, l);
    l[6] = (struct wm_eval_doc_leaf){ .veto = true, .veto_reason = "发生重大安全责任事故" };
    struct wm_eval_doc_sheet d = { .round = "第十五届市文明单位测评",
                                   .unit = "市第一中学",
                                   .evaluators = "张三",
                                   .plan = p,
                                   .leaves = l,
                                   .has_threshold = true,
                                   .threshold = 2000 };
    json_t *spec = wm_eval_sheet_spec(&d, false);
    assert_string_equal(json_string_value(json_object_get(spec, "kind")), "eval.sheet");
    struct wm_buf pdf = { 0 };
    int pages = 0;
    char err[512] = "";
    enum wm_err rc = wm_eval_pdf_spec(spec, &pdf, &pages, err, sizeof(err));
    if (rc != WM_OK) {
        fail_msg("%s", err);
    }
    char *text = pdf_text(&pdf, 0, 0);
    if (text != NULL) {
        has(text, "市第一中学");
        has(text, "23.15");
        has(text, "发生重大安全责任事故");
        has(text, "不合格"); /* vetoed */
        has(text, "第 1 页");
        free(text);
    }
    wm_buf_free(&pdf);

    /* through the helper program, as a job would run it */
    const char *helper = getenv("WM_COMPILE_HELPER");
    if (helper != NULL && access(helper, X_OK) == 0) {
        wm_compile_set_helper(helper);
        char *sp = wm_asprintf("%s/spec.json", tmpdir), *out = wm_asprintf("%s/out.pdf", tmpdir);
        assert_int_equal(json_dump_file(spec, sp, JSON_COMPACT), 0);
        rc = wm_compile_spawned(sp, out, &pages, err, sizeof(err));
        if (rc != WM_OK) {
            fail_msg("wenming-compile: %s", err);
        }
        assert_true(pages >= 1);
        size_t n = 0;
        char *data = wm_read_file(out, &n);
        assert_non_null(data);
        struct wm_buf b = { .data = data, .len = n, .cap = n };
        text = pdf_text(&b, 0, 0);
        if (text != NULL) {
            has(text, "市第一中学");
            has(text, "23.15");
            free(text);
        }
        free(data);
        /* a spec with an unknown leaf is refused (exit 2 → bad request) */
        json_t *leaves = json_object_get(spec, "leaves");
        json_object_set_new(json_array_get(leaves, 0), "code", json_string("9.9"));
        assert_int_equal(json_dump_file(spec, sp, JSON_COMPACT), 0);
        assert_int_equal(wm_compile_spawned(sp, out, NULL, err, sizeof(err)), WM_E_BAD_REQUEST);
        unlink(sp);
        unlink(out);
        char *side = wm_asprintf("%s.json", out);
        unlink(side);
        free(side);
        free(sp);
        free(out);
        wm_compile_set_helper(NULL);
    }
    json_decref(spec);

    /* the blank sheet and a summary */
    spec = wm_eval_sheet_spec(&d, true);
    assert_null(json_object_get(spec, "leaves"));
    assert_int_equal(wm_eval_pdf_spec(spec, &pdf, &pages, err, sizeof(err)), WM_OK);
    wm_buf_free(&pdf);
    json_decref(spec);
    static const int64_t sub[] = { 415, 1500, 400 };
    struct wm_eval_doc_row rows[] = {
        { .rank = 1,
          .unit = "某某街道办事处",
          .has_total = true,
          .total = 2315,
          .subtotal = sub,
          .pass = true },
        { .unit = "区图书馆" },
    };
    struct wm_eval_doc_summary sd = {
        .round = "第十五届市文明单位测评", .plan = p, .nrows = 2, .rows = rows
    };
    spec = wm_eval_summary_spec(&sd);
    assert_int_equal(wm_eval_pdf_spec(spec, &pdf, &pages, err, sizeof(err)), WM_OK);
    text = pdf_text(&pdf, 0, 0);
    if (text != NULL) {
        has(text, "某某街道办事处");
        has(text, "23.15");
        has(text, "未评分");
        free(text);
    }
    wm_buf_free(&pdf);
    /* bad specs */
    json_object_set_new(json_array_get(json_object_get(spec, "rows"), 0), "subtotals",
                        json_pack("[i]", 1));
    assert_int_equal(wm_eval_pdf_spec(spec, &pdf, &pages, err, sizeof(err)), WM_E_BAD_REQUEST);
    json_object_set_new(spec, "kind", json_string("eval.other"));
    assert_int_equal(wm_eval_pdf_spec(spec, &pdf, &pages, err, sizeof(err)), WM_E_BAD_REQUEST);
    json_object_set_new(spec, "standard", json_pack("{s:s}", "format", "x"));
    json_object_set_new(spec, "kind", json_string("eval.summary"));
    assert_int_equal(wm_eval_pdf_spec(spec, &pdf, &pages, err, sizeof(err)), WM_E_BAD_REQUEST);
    assert_int_equal(pdf.len, 0);
    json_decref(spec);
    wm_eval_plan_free(p);
    wm_fw_free(fw);
}

/* ---------------------------------------------------------------- a round's size */

struct big {
    struct wm_fw *fw;
    struct wm_eval_plan *p;
    size_t nunits, nev;
    struct wm_eval_value *v; /* [unit][ev][leaf] */
};

static struct wm_fw *
big_fw(size_t nleaves)
{
    struct wm_buf b = { 0 };
    wm_buf_adds(&b, "{\"format\":\"wenming-framework/1\",\"name\":\"n\",\"indicators\":[");
    for (size_t t = 0; t < 10; t++) {
        wm_buf_printf(&b, "%s{\"code\":\"%zu\",\"title\":\"一级%zu\",\"children\":[", t ? "," : "",
                      t + 1, t + 1);
        for (size_t i = 0; i < nleaves / 10; i++) {
            if (i % 5 == 4) {
                wm_buf_printf(&b,
                              "%s{\"code\":\"%zu.%zu\",\"title\":\"项\",\"score\":1,"
                              "\"scoring\":{\"rule\":\"grade\",\"grades\":{\"A\":1,\"B\":0.85,"
                              "\"C\":0.7,\"D\":0.5}}}",
                              i ? "," : "", t + 1, i + 1);
            } else {
                wm_buf_printf(&b,
                              "%s{\"code\":\"%zu.%zu\",\"title\":\"项\",\"score\":0.5,"
                              "\"scoring\":{\"rule\":\"points\"}}",
                              i ? "," : "", t + 1, i + 1);
            }
        }
        wm_buf_adds(&b, "]}");
    }
    wm_buf_adds(&b, "]}");
    struct wm_fw *fw = NULL;
    if (wm_fw_parse_json(b.data, b.len, &fw, NULL) != WM_OK) {
        fw = NULL;
    }
    wm_buf_free(&b);
    return fw;
}

static void
big_build(struct big *g, size_t nunits, size_t nleaves, size_t nev)
{
    g->fw = big_fw(nleaves);
    assert_non_null(g->fw);
    g->p = wm_eval_plan_new(g->fw);
    assert_int_equal(g->p->nleaves, nleaves);
    g->nunits = nunits;
    g->nev = nev;
    g->v = wm_calloc(nunits * nev * nleaves, sizeof(*g->v));
    uint64_t x = 0x9E3779B97F4A7C15u;
    for (size_t u = 0; u < nunits; u++) {
        for (size_t e = 0; e < nev; e++) {
            for (size_t i = 0; i < nleaves; i++) {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                int64_t cap = wm_eval_leaf_cap(g->p->leaf[i]);
                struct wm_eval_value *v = &g->v[(u * nev + e) * nleaves + i];
                v->set = true;
                v->value = (int64_t)(x % (uint64_t)(cap / 25 + 1)) * 25;
            }
        }
    }
}

static void
big_free(struct big *g)
{
    free(g->v);
    wm_eval_plan_free(g->p);
    wm_fw_free(g->fw);
}

/* Reconcile and total every unit, then rank them; returns the sum of totals (a check). */
static int64_t
big_run(struct big *g, struct wm_eval_rank_entry *rank, size_t *order)
{
    size_t nl = g->p->nleaves;
    struct wm_eval_recon *r = wm_calloc(nl, sizeof(*r));
    struct wm_eval_value *fin = wm_calloc(nl, sizeof(*fin));
    const struct wm_eval_value **sheets = wm_calloc(g->nev, sizeof(*sheets));
    int64_t sum = 0;
    for (size_t u = 0; u < g->nunits; u++) {
        for (size_t e = 0; e < g->nev; e++) {
            sheets[e] = &g->v[(u * g->nev + e) * nl];
        }
        char why[WM_EVAL_WHY];
        assert_int_equal(
            wm_eval_reconcile(g->p, g->nev, sheets, WM_EVAL_MEAN, 50, NULL, r, why, sizeof(why)),
            WM_OK);
        wm_eval_recon_values(g->p, r, fin);
        struct wm_eval_totals t;
        wm_eval_totals(g->p, fin, &t);
        rank[u] =
            (struct wm_eval_rank_entry){ .name = "单位", .has_total = true, .total = t.total };
        sum += t.total;
        wm_eval_totals_free(&t);
    }
    wm_eval_rank(rank, g->nunits, 6000, order);
    free(sheets);
    free(fin);
    free(r);
    return sum;
}

static void
test_round_size(void **state)
{
    (void)state;
    struct big g;
    big_build(&g, 2000, 150, 3);
    struct wm_eval_rank_entry *rank = wm_calloc(g.nunits, sizeof(*rank));
    size_t *order = wm_calloc(g.nunits, sizeof(*order));
    int64_t sum = big_run(&g, rank, order);
    assert_true(sum > 0);
    /* the display order is by total, descending, and ranks follow it */
    for (size_t i = 1; i < g.nunits; i++) {
        assert_true(rank[order[i - 1]].total >= rank[order[i]].total);
        assert_true(rank[order[i - 1]].rank <= rank[order[i]].rank);
    }
    assert_int_equal(rank[order[0]].rank, 1);
    free(order);
    free(rank);
    big_free(&g);
}

static int
bench(void)
{
    struct big g;
    struct timespec t0, t1, t2;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    big_build(&g, 2000, 150, 3);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    struct wm_eval_rank_entry *rank = wm_calloc(g.nunits, sizeof(*rank));
    size_t *order = wm_calloc(g.nunits, sizeof(*order));
    int64_t sum = big_run(&g, rank, order);
    clock_gettime(CLOCK_MONOTONIC, &t2);
    double build = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
    double run = (double)(t2.tv_sec - t1.tv_sec) * 1e3 + (double)(t2.tv_nsec - t1.tv_nsec) / 1e6;
    printf("eval_engine: 2000 units x 150 leaves x 3 evaluators: reconcile + totals + rank "
           "%.1f ms (input built in %.1f ms; checksum %lld)\n",
           run, build, (long long)sum);
    /* the ranking of the whole round as PDF and XLSX */
    struct wm_eval_doc_row *rows = wm_calloc(g.nunits, sizeof(*rows));
    for (size_t i = 0; i < g.nunits; i++) {
        const struct wm_eval_rank_entry *x = &rank[order[i]];
        rows[i] = (struct wm_eval_doc_row){ .rank = x->rank,
                                            .unit = "某某市某某区某某街道办事处",
                                            .unit_type = "文明单位",
                                            .district = "某区",
                                            .has_total = true,
                                            .total = x->total,
                                            .pass = x->pass };
    }
    struct wm_eval_doc_summary d = {
        .round = "第十五届市文明单位测评", .plan = g.p, .nrows = g.nunits, .rows = rows
    };
    struct wm_buf pdf = { 0 }, xlsx = { 0 };
    int pages = 0;
    char err[256] = "";
    clock_gettime(CLOCK_MONOTONIC, &t1);
    enum wm_err e1 = wm_eval_pdf_summary(&d, &pdf, &pages, err, sizeof(err));
    clock_gettime(CLOCK_MONOTONIC, &t2);
    double tp = (double)(t2.tv_sec - t1.tv_sec) * 1e3 + (double)(t2.tv_nsec - t1.tv_nsec) / 1e6;
    enum wm_err e2 = wm_eval_xlsx_summary(&d, &xlsx, err, sizeof(err));
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double tx = (double)(t1.tv_sec - t2.tv_sec) * 1e3 + (double)(t1.tv_nsec - t2.tv_nsec) / 1e6;
    printf("eval_engine: ranking of 2000 units: PDF %d pages %zu KB in %.0f ms (%s); XLSX %zu KB "
           "in %.0f ms (%s)\n",
           pages, pdf.len / 1024, tp, e1 == WM_OK ? "ok" : err, xlsx.len / 1024, tx,
           e2 == WM_OK ? "ok" : err);
    wm_buf_free(&pdf);
    wm_buf_free(&xlsx);
    free(rows);
    free(order);
    free(rank);
    big_free(&g);
    return e1 == WM_OK && e2 == WM_OK ? 0 : 1;
}

int
main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--bench") == 0) {
        return bench();
    }
    /* clang-format off */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_points),
        cmocka_unit_test(test_rounding),
        cmocka_unit_test(test_points_rule),
        cmocka_unit_test(test_grade_rule),
        cmocka_unit_test(test_grade_rounding),
        cmocka_unit_test(test_bonus_rule),
        cmocka_unit_test(test_negative_rule),
        cmocka_unit_test(test_deductions_json),
        cmocka_unit_test(test_published_standard),
        cmocka_unit_test(test_plan_totals),
        cmocka_unit_test(test_reconcile_mean),
        cmocka_unit_test(test_reconcile_leader),
        cmocka_unit_test(test_rank),
        cmocka_unit_test(test_round_size),
        cmocka_unit_test(test_sheet_documents),
        cmocka_unit_test(test_sheet_pages),
        cmocka_unit_test(test_blank_documents),
        cmocka_unit_test(test_summary_documents),
        cmocka_unit_test(test_specs),
    };
    /* clang-format on */
    if (mkdtemp(tmpdir) == NULL) {
        return 1;
    }
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    rmdir(tmpdir);
    return rc;
}
