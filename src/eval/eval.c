/*
** eval.c — the scoring engine (wm_eval.h): points parsing, one leaf under its rule, the
** plan of a standard's leaves, totals, reconciliation and ranking.  Integers only.
*/
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wm_eval.h"
#include "banned.h"

const struct wm_fw_scoring WM_EVAL_DEFAULT_GRADES = {
    .rule = WM_FW_RULE_GRADE,
    .has_grades = true,
    .ngrades = 4,
    .grade_letter = { 'A', 'B', 'C', 'D' },
    .grade = { 100, 80, 60, 0 },
};

static void ev_why(char *why, size_t len, const char *fmt, ...) WM_PRINTF(3, 4);

static void
ev_why(char *why, size_t len, const char *fmt, ...)
{
    if (why == NULL || len == 0) {
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, len, fmt, ap);
    va_end(ap);
}

/* ---------------------------------------------------------------- points as text */

/* Skip one blank (ASCII space/tab or U+3000 IDEOGRAPHIC SPACE); bytes consumed or 0. */
static size_t
ev_blank(const unsigned char *p)
{
    if (*p == ' ' || *p == '\t') {
        return 1;
    }
    if (p[0] == 0xE3 && p[1] == 0x80 && p[2] == 0x80) {
        return 3;
    }
    return 0;
}

/*
** One character of a number: an ASCII char, or its full-width form (U+FF01..U+FF5E are
** ASCII 0x21..0x7E + 0xFEE0).  Returns the ASCII character and sets *n to the bytes used,
** or 0 for anything else.
*/
static char
ev_numch(const unsigned char *p, size_t *n)
{
    if (*p >= 0x21 && *p < 0x7F) {
        *n = 1;
        return (char)*p;
    }
    if (p[0] == 0xEF && (p[1] == 0xBC || p[1] == 0xBD) && p[2] >= 0x80 && p[2] <= 0xBF) {
        unsigned cp = 0xF000u | ((unsigned)(p[1] & 0x3F) << 6) | (unsigned)(p[2] & 0x3F);
        if (cp >= 0xFF01 && cp <= 0xFF5E) {
            *n = 3;
            return (char)(cp - 0xFEE0);
        }
    }
    if (p[0] == 0xE2 && p[1] == 0x88 && p[2] == 0x92) { /* U+2212 MINUS SIGN */
        *n = 3;
        return '-';
    }
    *n = 0;
    return 0;
}

bool
wm_eval_parse_points(const char *s, int64_t *out)
{
    if (s == NULL) {
        return false;
    }
    const unsigned char *p = (const unsigned char *)s;
    size_t n;
    while ((n = ev_blank(p)) > 0) {
        p += n;
    }
    bool neg = false;
    char c = ev_numch(p, &n);
    if (c == '-' || c == '+') {
        neg = c == '-';
        p += n;
        c = ev_numch(p, &n);
    }
    int64_t ip = 0;
    unsigned ndig = 0, nfrac = 0;
    int64_t fr = 0;
    while (c >= '0' && c <= '9') {
        if (ip > WM_FW_MAX_SCORE / 100) {
            return false;
        }
        ip = ip * 10 + (c - '0');
        ndig++;
        p += n;
        c = ev_numch(p, &n);
    }
    if (c == '.') {
        p += n;
        c = ev_numch(p, &n);
        while (c >= '0' && c <= '9') {
            if (nfrac == 2) {
                return false; /* more than two decimals */
            }
            fr = fr * 10 + (c - '0');
            nfrac++;
            p += n;
            c = ev_numch(p, &n);
        }
    }
    if (ndig + nfrac == 0) {
        return false;
    }
    while ((n = ev_blank(p)) > 0) {
        p += n;
    }
    if (*p != '\0') {
        return false;
    }
    if (nfrac == 1) {
        fr *= 10;
    }
    int64_t v = ip * 100 + fr;
    if (v > WM_FW_MAX_SCORE) {
        return false;
    }
    *out = neg ? -v : v;
    return true;
}

const char *
wm_eval_format_points(int64_t v, char out[32])
{
    return wm_fw_score_format(v, out);
}

int64_t
wm_eval_div_round(int64_t num, int64_t den)
{
    if (den <= 0) {
        return 0;
    }
    if (num >= 0) {
        return (num + den / 2) / den;
    }
    return -((-num + den / 2) / den);
}

/* ---------------------------------------------------------------- one leaf */

int64_t
wm_eval_leaf_cap(const struct wm_ind *leaf)
{
    const struct wm_fw_scoring *sc = &leaf->scoring;
    switch (sc->rule) {
    case WM_FW_RULE_BONUS:
        return sc->has_cap ? sc->cap : (leaf->has_score ? leaf->score : 0);
    case WM_FW_RULE_NEGATIVE:
        return sc->has_cap ? sc->cap : (leaf->has_score ? leaf->score : INT64_MAX);
    case WM_FW_RULE_NONE:
    case WM_FW_RULE_POINTS:
    case WM_FW_RULE_GRADE:
        break;
    }
    return leaf->has_score ? leaf->score : 0;
}

bool
wm_eval_leaf_scorable(const struct wm_ind *leaf)
{
    return leaf->scoring.rule != WM_FW_RULE_NONE || leaf->has_score;
}

/* True when s has something other than blanks. */
static bool
ev_nonblank(const char *s)
{
    if (s == NULL) {
        return false;
    }
    const unsigned char *p = (const unsigned char *)s;
    while (*p != '\0') {
        size_t n = ev_blank(p);
        if (n == 0 && *p != '\r' && *p != '\n') {
            return true;
        }
        p += n ? n : 1;
    }
    return false;
}

static bool
ev_reason_ok(const char *s, const char *code, const char *what, char *why, size_t len)
{
    if (!ev_nonblank(s)) {
        ev_why(why, len, "指标 %s：%s必须填写原因", code, what);
        return false;
    }
    size_t n = strlen(s);
    if (!wm_utf8_valid(s, n)) {
        ev_why(why, len, "指标 %s：%s的原因不是有效的文字", code, what);
        return false;
    }
    if (wm_utf8_len(s) > WM_EVAL_MAX_REASON) {
        ev_why(why, len, "指标 %s：%s的原因超过 %d 字", code, what, WM_EVAL_MAX_REASON);
        return false;
    }
    return true;
}

static const char *
ev_rule_zh(enum wm_fw_rule r)
{
    switch (r) {
    case WM_FW_RULE_POINTS:
        return "扣分项";
    case WM_FW_RULE_GRADE:
        return "分档项";
    case WM_FW_RULE_BONUS:
        return "加分项";
    case WM_FW_RULE_NEGATIVE:
        return "减分项";
    case WM_FW_RULE_NONE:
        break;
    }
    return "指标";
}

enum wm_err
wm_eval_check_value(const struct wm_ind *leaf, int64_t value, char *why, size_t len)
{
    char a[32], b[32];
    const char *code = leaf->code;
    if (!wm_eval_leaf_scorable(leaf)) {
        ev_why(why, len, "指标 %s 不计分，不能填写得分", code);
        return WM_E_BAD_REQUEST;
    }
    int64_t cap = wm_eval_leaf_cap(leaf);
    switch (leaf->scoring.rule) {
    case WM_FW_RULE_BONUS:
        if (value < 0) {
            ev_why(why, len, "指标 %s 是加分项，加分不能为负数", code);
            return WM_E_BAD_REQUEST;
        }
        if (value > cap) {
            ev_why(why, len, "指标 %s 的加分 %s 超过上限 %s 分", code,
                   wm_eval_format_points(value, a), wm_eval_format_points(cap, b));
            return WM_E_BAD_REQUEST;
        }
        return WM_OK;
    case WM_FW_RULE_NEGATIVE:
        if (value > 0) {
            ev_why(why, len, "指标 %s 是减分项，得分应为负数或 0（如 -%s）", code,
                   wm_eval_format_points(value, a));
            return WM_E_BAD_REQUEST;
        }
        if (cap != INT64_MAX && -value > cap) {
            ev_why(why, len, "指标 %s 的减分 %s 超过上限 %s 分", code,
                   wm_eval_format_points(-value, a), wm_eval_format_points(cap, b));
            return WM_E_BAD_REQUEST;
        }
        if (-value > WM_FW_MAX_SCORE) {
            ev_why(why, len, "指标 %s 的减分过大", code);
            return WM_E_BAD_REQUEST;
        }
        return WM_OK;
    case WM_FW_RULE_NONE:
    case WM_FW_RULE_POINTS:
    case WM_FW_RULE_GRADE:
        break;
    }
    if (value < 0) {
        ev_why(why, len, "指标 %s 的得分不能为负数", code);
        return WM_E_BAD_REQUEST;
    }
    if (value > cap) {
        ev_why(why, len, "指标 %s 的得分 %s 超过该项分值 %s 分", code,
               wm_eval_format_points(value, a), wm_eval_format_points(cap, b));
        return WM_E_BAD_REQUEST;
    }
    return WM_OK;
}

enum wm_err
wm_eval_leaf(const struct wm_ind *leaf,
             const struct wm_eval_input *in,
             struct wm_eval_leaf_result *out,
             char *why,
             size_t len)
{
    char a[32], b[32];
    const char *code = leaf->code;
    enum wm_fw_rule rule = leaf->scoring.rule;
    struct wm_eval_leaf_result r = { 0 };
    memset(out, 0, sizeof(*out));

    /* veto */
    if (in->veto) {
        if (!leaf->veto) {
            ev_why(why, len, "指标 %s 不是一票否决项", code);
            return WM_E_BAD_REQUEST;
        }
        if (!ev_reason_ok(in->veto_reason, code, "一票否决", why, len)) {
            return WM_E_BAD_REQUEST;
        }
        r.veto = true;
    }

    /* the kinds of input against the rule */
    bool has_ded = in->ndeductions > 0;
    if (in->ndeductions > 0 && in->deductions == NULL) {
        ev_why(why, len, "指标 %s：扣分明细缺失", code);
        return WM_E_BAD_REQUEST;
    }
    if (in->grade != 0 && rule != WM_FW_RULE_GRADE) {
        ev_why(why, len, "指标 %s 是%s，不能选择档次", code, ev_rule_zh(rule));
        return WM_E_BAD_REQUEST;
    }
    if (!wm_eval_leaf_scorable(leaf)) {
        if (in->has_value || has_ded) {
            ev_why(why, len, "指标 %s 不计分，不能填写得分或扣分", code);
            return WM_E_BAD_REQUEST;
        }
        *out = r;
        return WM_OK;
    }
    if (rule == WM_FW_RULE_GRADE) {
        if (has_ded) {
            ev_why(why, len, "指标 %s 是分档项，应选择档次而不是扣分", code);
            return WM_E_BAD_REQUEST;
        }
        if (in->grade == 0) {
            if (in->has_value) {
                ev_why(why, len, "指标 %s 是分档项，请选择档次（A、B、C、D）", code);
                return WM_E_BAD_REQUEST;
            }
            *out = r;
            return WM_OK;
        }
        const struct wm_fw_scoring *table =
            leaf->scoring.ngrades > 0 ? &leaf->scoring : &WM_EVAL_DEFAULT_GRADES;
        int64_t frac = wm_fw_grade(table, in->grade);
        if (frac < 0) {
            struct wm_buf lb = { 0 };
            for (unsigned i = 0; i < table->ngrades; i++) {
                wm_buf_printf(&lb, "%s%c", i ? "、" : "", table->grade_letter[i]);
            }
            unsigned char g = (unsigned char)in->grade;
            if (g >= 0x21 && g < 0x7F) {
                ev_why(why, len, "指标 %s 没有档次“%c”（可选：%s）", code, (char)g,
                       lb.data ? lb.data : "");
            } else {
                ev_why(why, len, "指标 %s 的档次无效（可选：%s）", code, lb.data ? lb.data : "");
            }
            wm_buf_free(&lb);
            return WM_E_BAD_REQUEST;
        }
        int64_t max = wm_eval_leaf_cap(leaf);
        r.value = wm_eval_div_round(max * frac, 100);
        if (in->has_value && in->value != r.value) {
            ev_why(why, len, "指标 %s：得分 %s 与档次 %c 的得分 %s 不一致", code,
                   wm_eval_format_points(in->value, a), (char)(in->grade & ~0x20),
                   wm_eval_format_points(r.value, b));
            return WM_E_BAD_REQUEST;
        }
        r.scored = true;
        *out = r;
        return WM_OK;
    }

    int64_t cap = wm_eval_leaf_cap(leaf);
    if (has_ded) {
        const char *what = rule == WM_FW_RULE_BONUS ? "加分" : "扣分";
        if (in->ndeductions > WM_EVAL_MAX_DEDUCTIONS) {
            ev_why(why, len, "指标 %s 的%s超过 %d 条", code, what, WM_EVAL_MAX_DEDUCTIONS);
            return WM_E_BAD_REQUEST;
        }
        int64_t sum = 0;
        for (size_t i = 0; i < in->ndeductions; i++) {
            const struct wm_eval_deduction *d = &in->deductions[i];
            if (d->points <= 0) {
                ev_why(why, len, "指标 %s 第 %zu 条%s的分数应大于 0", code, i + 1, what);
                return WM_E_BAD_REQUEST;
            }
            if (d->points > WM_FW_MAX_SCORE) {
                ev_why(why, len, "指标 %s 第 %zu 条%s的分数过大", code, i + 1, what);
                return WM_E_BAD_REQUEST;
            }
            if (!ev_reason_ok(d->reason, code, what, why, len)) {
                return WM_E_BAD_REQUEST;
            }
            sum += d->points;
        }
        r.deducted = sum;
        switch (rule) {
        case WM_FW_RULE_BONUS:
            r.value = sum > cap ? cap : sum;
            r.capped = sum > cap;
            break;
        case WM_FW_RULE_NEGATIVE:
            r.value = -(sum > cap ? cap : sum);
            r.capped = sum > cap;
            break;
        case WM_FW_RULE_NONE:
        case WM_FW_RULE_POINTS:
        case WM_FW_RULE_GRADE:
            r.value = sum >= cap ? 0 : cap - sum;
            r.capped = sum > cap;
            break;
        }
        if (in->has_value && in->value != r.value) {
            ev_why(why, len, "指标 %s：得分 %s 与%s计算的得分 %s 不一致", code,
                   wm_eval_format_points(in->value, a), what, wm_eval_format_points(r.value, b));
            return WM_E_BAD_REQUEST;
        }
        r.scored = true;
        *out = r;
        return WM_OK;
    }
    if (in->has_value) {
        enum wm_err e = wm_eval_check_value(leaf, in->value, why, len);
        if (e != WM_OK) {
            return e;
        }
        r.value = in->value;
        r.scored = true;
    }
    *out = r;
    return WM_OK;
}

const char *
wm_eval_rule_label(enum wm_fw_rule r)
{
    switch (r) {
    case WM_FW_RULE_POINTS:
        return "扣分";
    case WM_FW_RULE_GRADE:
        return "分档";
    case WM_FW_RULE_BONUS:
        return "加分";
    case WM_FW_RULE_NEGATIVE:
        return "减分";
    case WM_FW_RULE_NONE:
        break;
    }
    return "";
}

void
wm_eval_rule_words(const struct wm_ind *leaf, struct wm_buf *b)
{
    char a[32], c[32];
    int64_t cap = wm_eval_leaf_cap(leaf);
    size_t start = b->len;
    switch (leaf->scoring.rule) {
    case WM_FW_RULE_GRADE: {
        const struct wm_fw_scoring *t =
            leaf->scoring.ngrades > 0 ? &leaf->scoring : &WM_EVAL_DEFAULT_GRADES;
        wm_buf_printf(b, "分档评分（满分 %s 分）：", wm_eval_format_points(cap, a));
        for (unsigned i = 0; i < t->ngrades; i++) {
            wm_buf_printf(b, "%s%c 档 %s 分（×%s）", i ? "、" : "", t->grade_letter[i],
                          wm_eval_format_points(wm_eval_div_round(cap * t->grade[i], 100), a),
                          wm_eval_format_points(t->grade[i], c));
        }
        break;
    }
    case WM_FW_RULE_BONUS:
        wm_buf_printf(b, "加分项：最多加 %s 分", wm_eval_format_points(cap, a));
        break;
    case WM_FW_RULE_NEGATIVE:
        if (cap == INT64_MAX) {
            wm_buf_adds(b, "减分项：按负面清单逐项减分");
        } else {
            wm_buf_printf(b, "减分项：按负面清单逐项减分，最多减 %s 分",
                          wm_eval_format_points(cap, a));
        }
        break;
    case WM_FW_RULE_POINTS:
    case WM_FW_RULE_NONE:
        if (leaf->has_score) {
            wm_buf_printf(b, "满分 %s 分，按扣分项逐项扣减，扣完为止",
                          wm_eval_format_points(cap, a));
        }
        break;
    }
    if (leaf->veto) {
        wm_buf_adds(b, b->len > start ? "；一票否决项：出现即不合格" : "一票否决项：出现即不合格");
    }
    if (b->len == start) {
        wm_buf_adds(b, "不计分");
    }
}

enum wm_err
wm_eval_deductions_from_json(const json_t *arr,
                             struct wm_eval_deduction **out,
                             size_t *n,
                             char *why,
                             size_t len)
{
    *out = NULL;
    *n = 0;
    if (arr == NULL || json_is_null(arr)) {
        return WM_OK;
    }
    if (!json_is_array(arr)) {
        ev_why(why, len, "扣分明细应为数组");
        return WM_E_BAD_REQUEST;
    }
    size_t m = json_array_size(arr);
    if (m > WM_EVAL_MAX_DEDUCTIONS) {
        ev_why(why, len, "扣分明细超过 %d 条", WM_EVAL_MAX_DEDUCTIONS);
        return WM_E_BAD_REQUEST;
    }
    if (m == 0) {
        return WM_OK;
    }
    struct wm_eval_deduction *d = wm_calloc(m, sizeof(*d));
    for (size_t i = 0; i < m; i++) {
        const json_t *o = json_array_get(arr, i);
        const json_t *r = json_object_get(o, "reason");
        const json_t *p = json_object_get(o, "points");
        if (!json_is_object(o) || (r != NULL && !json_is_string(r) && !json_is_null(r)) ||
            !json_is_integer(p)) {
            ev_why(why, len,
                   "第 %zu 条扣分应为 {\"reason\": 原因, \"points\": 分数（百分之一分的整数）}",
                   i + 1);
            free(d);
            return WM_E_BAD_REQUEST;
        }
        d[i].reason = json_string_value(r);
        d[i].points = (int64_t)json_integer_value(p);
    }
    *out = d;
    *n = m;
    return WM_OK;
}

json_t *
wm_eval_deductions_to_json(const struct wm_eval_deduction *d, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++) {
        json_array_append_new(a, json_pack("{s:s, s:I}", "reason", d[i].reason ? d[i].reason : "",
                                           "points", (json_int_t)d[i].points));
    }
    return a;
}

/* ---------------------------------------------------------------- plan */

struct ev_code_ix {
    const char *code;
    size_t i;
};

static int
ev_cmp_code_ix(const void *a, const void *b)
{
    return strcmp(((const struct ev_code_ix *)a)->code, ((const struct ev_code_ix *)b)->code);
}

struct wm_eval_plan *
wm_eval_plan_new(const struct wm_fw *fw)
{
    struct wm_eval_plan *p = wm_calloc(1, sizeof(*p));
    p->fw = fw;
    p->ntop = fw->ntop;
    size_t n = 0;
    for (size_t i = 0; i < fw->nall; i++) {
        n += fw->all[i]->leaf;
    }
    p->leaf = wm_calloc(n ? n : 1, sizeof(*p->leaf));
    p->top = wm_calloc(n ? n : 1, sizeof(*p->top));
    p->by_code = wm_calloc(n ? n : 1, sizeof(*p->by_code));
    size_t t = 0;
    for (size_t i = 0; i < fw->nall; i++) {
        const struct wm_ind *ind = fw->all[i];
        if (ind->depth == 1) {
            for (t = 0; t < fw->ntop && fw->top[t] != ind; t++) {
            }
        }
        if (ind->leaf) {
            p->leaf[p->nleaves] = ind;
            p->top[p->nleaves] = t;
            p->by_code[p->nleaves] = p->nleaves;
            p->nleaves++;
        }
    }
    struct ev_code_ix *ix = wm_calloc(p->nleaves ? p->nleaves : 1, sizeof(*ix));
    for (size_t i = 0; i < p->nleaves; i++) {
        ix[i].code = p->leaf[i]->code;
        ix[i].i = i;
    }
    qsort(ix, p->nleaves, sizeof(*ix), ev_cmp_code_ix);
    for (size_t i = 0; i < p->nleaves; i++) {
        p->by_code[i] = ix[i].i;
    }
    free(ix);
    return p;
}

void
wm_eval_plan_free(struct wm_eval_plan *p)
{
    if (p == NULL) {
        return;
    }
    free(p->leaf);
    free(p->top);
    free(p->by_code);
    free(p);
}

ptrdiff_t
wm_eval_plan_index(const struct wm_eval_plan *p, const char *code)
{
    if (code == NULL) {
        return -1;
    }
    size_t lo = 0, hi = p->nleaves;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(p->leaf[p->by_code[mid]]->code, code);
        if (c == 0) {
            return (ptrdiff_t)p->by_code[mid];
        }
        if (c < 0) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return -1;
}

/* ---------------------------------------------------------------- totals */

void
wm_eval_totals(const struct wm_eval_plan *p,
               const struct wm_eval_value *v,
               struct wm_eval_totals *out)
{
    memset(out, 0, sizeof(*out));
    out->ntop = p->ntop;
    out->subtotal = wm_calloc(p->ntop ? p->ntop : 1, sizeof(*out->subtotal));
    for (size_t i = 0; i < p->nleaves; i++) {
        const struct wm_ind *leaf = p->leaf[i];
        if (v[i].veto) {
            out->veto = true;
        }
        if (!wm_eval_leaf_scorable(leaf)) {
            continue;
        }
        if (!v[i].set) {
            out->unscored++;
            continue;
        }
        out->scored++;
        int64_t x = v[i].value;
        switch (leaf->scoring.rule) {
        case WM_FW_RULE_BONUS:
            out->bonus += x;
            break;
        case WM_FW_RULE_NEGATIVE:
            out->negative -= x;
            break;
        case WM_FW_RULE_NONE:
        case WM_FW_RULE_POINTS:
        case WM_FW_RULE_GRADE:
            out->base += x;
            break;
        }
        out->subtotal[p->top[i]] += x;
    }
    int64_t t = out->base + out->bonus - out->negative;
    out->total = t < 0 ? 0 : t;
}

void
wm_eval_totals_free(struct wm_eval_totals *t)
{
    if (t != NULL) {
        free(t->subtotal);
        t->subtotal = NULL;
        t->ntop = 0;
    }
}

/* ---------------------------------------------------------------- reconciliation */

const char *
wm_eval_how_name(enum wm_eval_how h)
{
    return h == WM_EVAL_LEADER ? "leader" : "mean";
}

bool
wm_eval_how_parse(const char *s, enum wm_eval_how *out)
{
    if (wm_streq(s, "mean")) {
        *out = WM_EVAL_MEAN;
        return true;
    }
    if (wm_streq(s, "leader")) {
        *out = WM_EVAL_LEADER;
        return true;
    }
    return false;
}

enum wm_err
wm_eval_reconcile(const struct wm_eval_plan *p,
                  size_t nsheets,
                  const struct wm_eval_value *const *sheets,
                  enum wm_eval_how how,
                  int64_t threshold,
                  const struct wm_eval_value *leader,
                  struct wm_eval_recon *out,
                  char *why,
                  size_t len)
{
    if (how == WM_EVAL_LEADER && leader == NULL) {
        ev_why(why, len, "组长尚未给出裁定");
        return WM_E_BAD_REQUEST;
    }
    if (threshold < 0) {
        threshold = 0;
    }
    for (size_t i = 0; i < p->nleaves; i++) {
        struct wm_eval_recon r = { 0 };
        int64_t sum = 0;
        for (size_t s = 0; s < nsheets; s++) {
            const struct wm_eval_value *v = &sheets[s][i];
            if (v->veto) {
                r.nveto++;
            }
            if (!v->set) {
                continue;
            }
            if (r.n == 0 || v->value < r.min) {
                r.min = v->value;
            }
            if (r.n == 0 || v->value > r.max) {
                r.max = v->value;
            }
            sum += v->value;
            r.n++;
        }
        if (r.n > 0) {
            r.mean = wm_eval_div_round(sum, (int64_t)r.n);
            r.spread = r.max - r.min;
        }
        r.flagged = r.spread > threshold || (r.nveto > 0 && r.nveto < nsheets);
        if (how == WM_EVAL_MEAN) {
            r.final.set = r.n > 0;
            r.final.value = r.mean;
            r.final.veto = r.nveto > 0;
        } else {
            const struct wm_eval_value *d = &leader[i];
            if (d->set) {
                enum wm_err e = wm_eval_check_value(p->leaf[i], d->value, why, len);
                if (e != WM_OK) {
                    return e;
                }
            }
            if (d->veto && !p->leaf[i]->veto) {
                ev_why(why, len, "指标 %s 不是一票否决项", p->leaf[i]->code);
                return WM_E_BAD_REQUEST;
            }
            r.final = *d;
            if (!d->set) {
                r.final.value = 0;
            }
        }
        out[i] = r;
    }
    return WM_OK;
}

void
wm_eval_recon_values(const struct wm_eval_plan *p,
                     const struct wm_eval_recon *r,
                     struct wm_eval_value *v)
{
    for (size_t i = 0; i < p->nleaves; i++) {
        v[i] = r[i].final;
    }
}

/* ---------------------------------------------------------------- ranking */

struct ev_rank_key {
    const struct wm_eval_rank_entry *e;
    size_t i;
};

/* 0: scored, not vetoed; 1: scored, vetoed; 2: no total */
static int
ev_rank_class(const struct wm_eval_rank_entry *e)
{
    return !e->has_total ? 2 : e->veto ? 1 : 0;
}

/* Rank order only (no tiebreak): 0 when the two share a rank. */
static int
ev_rank_cmp_score(const struct wm_eval_rank_entry *a, const struct wm_eval_rank_entry *b)
{
    int ca = ev_rank_class(a), cb = ev_rank_class(b);
    if (ca != cb) {
        return ca < cb ? -1 : 1;
    }
    if (ca == 2 || a->total == b->total) {
        return 0;
    }
    return a->total > b->total ? -1 : 1;
}

static int
ev_rank_cmp(const void *pa, const void *pb)
{
    const struct ev_rank_key *a = pa, *b = pb;
    int c = ev_rank_cmp_score(a->e, b->e);
    if (c != 0) {
        return c;
    }
    c = strcmp(a->e->name ? a->e->name : "", b->e->name ? b->e->name : "");
    if (c != 0) {
        return c;
    }
    return a->i < b->i ? -1 : a->i > b->i;
}

void
wm_eval_rank(struct wm_eval_rank_entry *e, size_t n, int64_t threshold, size_t *order)
{
    struct ev_rank_key *k = wm_calloc(n ? n : 1, sizeof(*k));
    for (size_t i = 0; i < n; i++) {
        k[i].e = &e[i];
        k[i].i = i;
    }
    qsort(k, n, sizeof(*k), ev_rank_cmp);
    for (size_t j = 0; j < n; j++) {
        struct wm_eval_rank_entry *x = &e[k[j].i];
        if (!x->has_total) {
            x->rank = 0;
        } else if (j > 0 && ev_rank_cmp_score(k[j - 1].e, x) == 0) {
            x->rank = e[k[j - 1].i].rank;
        } else {
            x->rank = (unsigned)(j + 1);
        }
        x->pass = x->has_total && !x->veto && x->total >= threshold;
        if (order != NULL) {
            order[j] = k[j].i;
        }
    }
    free(k);
}
