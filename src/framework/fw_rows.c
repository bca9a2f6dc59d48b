/*
** fw_rows.c — frameworks as rows: import from a wm_table (CSV/XLSX, parent implied by the
** code), export to CSV (UTF-8 with BOM) and XLSX (libxlsxwriter).
*/
#include "fw_priv.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <strings.h>
#include <xlsxwriter.h>

#include "banned.h"

enum fw_col {
    FW_C_CODE = 0,
    FW_C_TITLE,
    FW_C_REQUIREMENT,
    FW_C_MATERIALS,
    FW_C_SCORE,
    FW_C_SCORING,
    FW_C_METHODS,
    FW_C_VETO,
    FW_C_DEPTS,
    FW_C_MEDIA,
    FW_C_FREQUENCY,
    FW_C_MIN_DOCUMENTS,
    FW_C__COUNT
};

static const char *const fw_col_names[FW_C__COUNT] = {
    "code",    "title", "requirement", "materials", "score",     "scoring",
    "methods", "veto",  "depts",       "media",     "frequency", "min_documents",
};

/* Header aliases, already normalised (ASCII lower case, no spaces, '_' or '-'). */
static const struct {
    const char *alias;
    enum fw_col col;
} fw_col_aliases[] = {
    { "code", FW_C_CODE },
    { "编码", FW_C_CODE },
    { "編碼", FW_C_CODE },
    { "代码", FW_C_CODE },
    { "代碼", FW_C_CODE },
    { "序号", FW_C_CODE },
    { "序號", FW_C_CODE },
    { "指标编码", FW_C_CODE },
    { "指標編碼", FW_C_CODE },
    { "title", FW_C_TITLE },
    { "指标", FW_C_TITLE },
    { "指標", FW_C_TITLE },
    { "名称", FW_C_TITLE },
    { "名稱", FW_C_TITLE },
    { "标题", FW_C_TITLE },
    { "標題", FW_C_TITLE },
    { "指标名称", FW_C_TITLE },
    { "指標名稱", FW_C_TITLE },
    { "requirement", FW_C_REQUIREMENT },
    { "测评内容", FW_C_REQUIREMENT },
    { "測評內容", FW_C_REQUIREMENT },
    { "要求", FW_C_REQUIREMENT },
    { "测评要求", FW_C_REQUIREMENT },
    { "測評要求", FW_C_REQUIREMENT },
    { "materials", FW_C_MATERIALS },
    { "材料", FW_C_MATERIALS },
    { "佐证材料", FW_C_MATERIALS },
    { "佐證材料", FW_C_MATERIALS },
    { "score", FW_C_SCORE },
    { "分值", FW_C_SCORE },
    { "分数", FW_C_SCORE },
    { "分數", FW_C_SCORE },
    { "scoring", FW_C_SCORING },
    { "评分", FW_C_SCORING },
    { "評分", FW_C_SCORING },
    { "计分方式", FW_C_SCORING },
    { "計分方式", FW_C_SCORING },
    { "评分方式", FW_C_SCORING },
    { "評分方式", FW_C_SCORING },
    { "methods", FW_C_METHODS },
    { "method", FW_C_METHODS },
    { "测评方法", FW_C_METHODS },
    { "測評方法", FW_C_METHODS },
    { "测评方式", FW_C_METHODS },
    { "測評方式", FW_C_METHODS },
    { "方式", FW_C_METHODS },
    { "方法", FW_C_METHODS },
    { "veto", FW_C_VETO },
    { "一票否决", FW_C_VETO },
    { "一票否決", FW_C_VETO },
    { "depts", FW_C_DEPTS },
    { "dept", FW_C_DEPTS },
    { "责任部门", FW_C_DEPTS },
    { "責任部門", FW_C_DEPTS },
    { "科室", FW_C_DEPTS },
    { "部门", FW_C_DEPTS },
    { "部門", FW_C_DEPTS },
    { "media", FW_C_MEDIA },
    { "媒体", FW_C_MEDIA },
    { "媒體", FW_C_MEDIA },
    { "载体", FW_C_MEDIA },
    { "載體", FW_C_MEDIA },
    { "frequency", FW_C_FREQUENCY },
    { "频次", FW_C_FREQUENCY },
    { "頻次", FW_C_FREQUENCY },
    { "频率", FW_C_FREQUENCY },
    { "頻率", FW_C_FREQUENCY },
    { "mindocuments", FW_C_MIN_DOCUMENTS },
    { "mindocs", FW_C_MIN_DOCUMENTS },
    { "最少件数", FW_C_MIN_DOCUMENTS },
    { "最少件數", FW_C_MIN_DOCUMENTS },
};

/* ---------------------------------------------------------------- cell helpers */

static bool
fw_is_u3000(const char *p)
{
    return (unsigned char)p[0] == 0xE3 && (unsigned char)p[1] == 0x80 &&
           (unsigned char)p[2] == 0x80;
}

/* Copy of s without leading/trailing white space (ASCII or U+3000); NULL when blank. */
static char *
fw_trim_dup(const char *s)
{
    const char *b = s;
    for (;;) {
        if (*b == ' ' || *b == '\t' || *b == '\r' || *b == '\n') {
            b++;
        } else if (fw_is_u3000(b)) {
            b += 3;
        } else {
            break;
        }
    }
    const char *e = b + strlen(b);
    for (;;) {
        if (e > b && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n')) {
            e--;
        } else if (e - b >= 3 && fw_is_u3000(e - 3)) {
            e -= 3;
        } else {
            break;
        }
    }
    if (e == b) {
        return NULL;
    }
    return wm_strndup(b, (size_t)(e - b));
}

/* Header normalisation: BOM dropped, ASCII folded, spaces/'_'/'-'/U+3000 removed. */
static char *
fw_norm_header(const char *s)
{
    struct wm_buf b = { 0 };
    if (strncmp(s, "\xEF\xBB\xBF", 3) == 0) {
        s += 3;
    }
    while (*s) {
        if (*s == ' ' || *s == '\t' || *s == '_' || *s == '-' || *s == '\r' || *s == '\n') {
            s++;
        } else if (fw_is_u3000(s)) {
            s += 3;
        } else {
            wm_buf_addc(&b, (char)tolower((unsigned char)*s));
            s++;
        }
    }
    return wm_buf_steal(&b);
}

/* Length of a list separator at p, or 0. */
static size_t
fw_sep_len(const char *p)
{
    if (*p == ';' || *p == ',' || *p == '|' || *p == '/') {
        return 1;
    }
    static const char *const wide[] = { "\xEF\xBC\x9B", "\xEF\xBC\x8C", "\xE3\x80\x81",
                                        "\xEF\xBD\x9C", "\xEF\xBC\x8F" };
    for (size_t i = 0; i < WM_ARRAY_LEN(wide); i++) {
        if (strncmp(p, wide[i], 3) == 0) {
            return 3;
        }
    }
    return 0;
}

/* Split a list cell; returns the number of items, *items to free with fw_items_free. */
static size_t
fw_split(const char *cell, char ***items)
{
    size_t n = 0;
    *items = NULL;
    const char *start = cell, *p = cell;
    for (;;) {
        size_t sl = *p ? fw_sep_len(p) : 0;
        if (*p == '\0' || sl > 0) {
            char *part = wm_strndup(start, (size_t)(p - start));
            char *t = fw_trim_dup(part);
            free(part);
            if (t != NULL) {
                *items = wm_realloc(*items, (n + 1) * sizeof(**items));
                (*items)[n++] = t;
            }
            if (*p == '\0') {
                break;
            }
            p += sl;
            start = p;
        } else {
            p++;
        }
    }
    return n;
}

static void
fw_items_free(char **items, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(items[i]);
    }
    free(items);
}

static bool
fw_has_ctl(const char *s, bool multiline)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p < 0x20 && !(multiline && (*p == '\n' || *p == '\r' || *p == '\t'))) || *p == 0x7F) {
            return true;
        }
    }
    return false;
}

/* ---------------------------------------------------------------- cell parsers */

static enum wm_fw_rule
fw_rule_word(const char *w)
{
    static const struct {
        const char *w;
        enum wm_fw_rule r;
    } words[] = {
        { "points", WM_FW_RULE_POINTS },     { "扣分", WM_FW_RULE_POINTS },
        { "扣分制", WM_FW_RULE_POINTS },     { "grade", WM_FW_RULE_GRADE },
        { "分档", WM_FW_RULE_GRADE },        { "分檔", WM_FW_RULE_GRADE },
        { "bonus", WM_FW_RULE_BONUS },       { "加分", WM_FW_RULE_BONUS },
        { "加分项", WM_FW_RULE_BONUS },      { "加分項", WM_FW_RULE_BONUS },
        { "negative", WM_FW_RULE_NEGATIVE }, { "减分", WM_FW_RULE_NEGATIVE },
        { "減分", WM_FW_RULE_NEGATIVE },     { "减分项", WM_FW_RULE_NEGATIVE },
        { "減分項", WM_FW_RULE_NEGATIVE },   { "负面清单", WM_FW_RULE_NEGATIVE },
        { "負面清單", WM_FW_RULE_NEGATIVE },
    };

    for (size_t i = 0; i < WM_ARRAY_LEN(words); i++) {
        if (strcasecmp(w, words[i].w) == 0) {
            return words[i].r;
        }
    }
    return WM_FW_RULE_NONE;
}

/*
** "points" | "grade" | "grade:A=1,B=0.8" | "A=1,B=0.8,C=0.6,D=0" | "bonus:2" |
** "negative:5", with Chinese rule words and ':' or '：'.  On error writes a message.
*/
static bool
fw_scoring_parse(const char *cell, struct wm_fw_scoring *sc, char *err, size_t errlen)
{
    bool ok = false;
    char *rule = NULL, *param = NULL;
    char **items = NULL;
    size_t nitems = 0;
    const char *colon = strchr(cell, ':');
    const char *wide = strstr(cell, "\xEF\xBC\x9A");
    size_t clen = 1;
    if (wide != NULL && (colon == NULL || wide < colon)) {
        colon = wide;
        clen = 3;
    }
    if (colon != NULL) {
        char *r = wm_strndup(cell, (size_t)(colon - cell));
        rule = fw_trim_dup(r);
        free(r);
        param = fw_trim_dup(colon + clen);
    } else if (strchr(cell, '=') != NULL) {
        rule = wm_strdup("grade");
        param = wm_strdup(cell);
    } else {
        rule = wm_strdup(cell);
    }
    sc->rule = fw_rule_word(rule != NULL ? rule : "");
    if (sc->rule == WM_FW_RULE_NONE) {
        snprintf(err, errlen,
                 "未知的评分规则“%s”（应为 points/扣分、grade/分档、bonus/加分 或 negative/减分）",
                 cell);
        goto cleanup;
    }
    if (param == NULL) {
        ok = true;
        goto cleanup;
    }
    if (sc->rule == WM_FW_RULE_POINTS) {
        snprintf(err, errlen, "points 规则不带参数：“%s”", cell);
        goto cleanup;
    }
    if (sc->rule == WM_FW_RULE_BONUS || sc->rule == WM_FW_RULE_NEGATIVE) {
        if (!wm_fw_score_parse(param, &sc->cap)) {
            snprintf(err, errlen, "上限“%s”无效：应为非负数，最多两位小数", param);
            goto cleanup;
        }
        sc->has_cap = true;
        ok = true;
        goto cleanup;
    }
    sc->has_grades = true;
    nitems = fw_split(param, &items);
    for (size_t i = 0; i < nitems; i++) {
        char *eq = strchr(items[i], '=');
        if (eq == NULL) {
            eq = strchr(items[i], ':');
        }
        if (eq == NULL) {
            snprintf(err, errlen, "档次“%s”应写成 A=1 的形式", items[i]);
            goto cleanup;
        }
        *eq = '\0';
        char *l = fw_trim_dup(items[i]);
        char *v = fw_trim_dup(eq + 1);
        int gi = l != NULL && strlen(l) == 1 ? fw_grade_index(l[0]) : -1;
        int64_t frac = 0;
        bool good = gi >= 0 && v != NULL && wm_fw_score_parse(v, &frac) && frac <= 100 &&
                    wm_fw_grade(sc, l[0]) < 0 && sc->ngrades < 4;
        if (!good) {
            if (gi < 0) {
                snprintf(err, errlen, "未知档次“%s”（应为 A、B、C、D）", l ? l : "");
            } else if (wm_fw_grade(sc, l[0]) >= 0) {
                snprintf(err, errlen, "档次 %c 重复", (char)toupper((unsigned char)l[0]));
            } else {
                snprintf(err, errlen, "档次 %c 的比例“%s”应在 0 到 1 之间（最多两位小数）",
                         (char)toupper((unsigned char)l[0]), v ? v : "");
            }
            free(l);
            free(v);
            goto cleanup;
        }
        sc->grade_letter[sc->ngrades] = (char)toupper((unsigned char)l[0]);
        sc->grade[sc->ngrades] = frac;
        sc->ngrades++;
        free(l);
        free(v);
    }
    ok = true;

cleanup:
    fw_items_free(items, nitems);
    free(rule);
    free(param);
    return ok;
}

static int
fw_veto_parse(const char *s)
{
    static const char *const yes[] = { "是", "yes", "y", "true", "1", "√", "✓", "✔", "否决" };
    static const char *const no[] = { "否", "no", "n", "false", "0", "×", "✗", "✘" };
    for (size_t i = 0; i < WM_ARRAY_LEN(yes); i++) {
        if (strcasecmp(s, yes[i]) == 0) {
            return 1;
        }
    }
    for (size_t i = 0; i < WM_ARRAY_LEN(no); i++) {
        if (strcasecmp(s, no[i]) == 0) {
            return 0;
        }
    }
    return -1;
}

char *
fw_scoring_cell(const struct wm_fw_scoring *s)
{
    const char *name = wm_fw_rule_name(s->rule);
    if (name == NULL) {
        return NULL;
    }
    struct wm_buf b = { 0 };
    char num[32];
    wm_buf_adds(&b, name);
    if (s->rule == WM_FW_RULE_GRADE && s->ngrades > 0) {
        wm_buf_addc(&b, ':');
        for (unsigned i = 0; i < s->ngrades; i++) {
            wm_buf_printf(&b, "%s%c=%s", i ? "," : "", s->grade_letter[i],
                          wm_fw_score_format(s->grade[i], num));
        }
    } else if (s->has_cap) {
        wm_buf_printf(&b, ":%s", wm_fw_score_format(s->cap, num));
    }
    return wm_buf_steal(&b);
}

/* ---------------------------------------------------------------- import */

struct fw_rctx {
    struct wm_fw_report *rep;
    int col[FW_C__COUNT];
};

/* One data row into a new node, or NULL when the row cannot take part in the tree. */
static struct wm_ind *
fw_row_ind(struct fw_rctx *c, const struct wm_row *row, unsigned line)
{
    char *cell[FW_C__COUNT] = { NULL };
    struct wm_ind *ind = NULL;
    char err[256];
    for (int k = 0; k < FW_C__COUNT; k++) {
        if (c->col[k] >= 0) {
            cell[k] = fw_trim_dup(wm_row_cell(row, c->col[k]));
        }
    }
    const char *code = cell[FW_C_CODE];
    if (code == NULL) {
        fw_issue(c->rep, WM_FW_ERROR, line, 0, NULL, "code", "缺少编码");
        goto cleanup;
    }
    if (!fw_code_valid(code)) {
        fw_issue(c->rep, WM_FW_ERROR, line, 0, code, "code",
                 "编码“%s”格式不正确：应为以“.”分隔的数字或字母段，如 1.2.3（不超过 %d 字节）",
                 code, WM_FW_MAX_CODE);
        goto cleanup;
    }
    if (fw_code_depth(code) > WM_FW_MAX_DEPTH) {
        fw_issue(c->rep, WM_FW_ERROR, line, 0, code, "code", "指标层级超过 %d 级（编码“%s”）",
                 WM_FW_MAX_DEPTH, code);
        goto cleanup;
    }
    ind = fw_ind_new();
    ind->line = line;
    ind->code = cell[FW_C_CODE];
    cell[FW_C_CODE] = NULL;
    code = ind->code;

    if (cell[FW_C_TITLE] == NULL) {
        fw_issue(c->rep, WM_FW_ERROR, line, 0, code, "title", "标题不能为空");
        ind->title = wm_strdup("");
    } else if (fw_has_ctl(cell[FW_C_TITLE], false)) {
        fw_issue(c->rep, WM_FW_ERROR, line, 0, code, "title", "含有控制字符");
    } else {
        ind->title = cell[FW_C_TITLE];
        cell[FW_C_TITLE] = NULL;
    }
    ind->requirement = cell[FW_C_REQUIREMENT];
    cell[FW_C_REQUIREMENT] = NULL;
    ind->materials = cell[FW_C_MATERIALS];
    cell[FW_C_MATERIALS] = NULL;

    if (cell[FW_C_SCORE] != NULL) {
        const char *s = cell[FW_C_SCORE];
        if (wm_fw_score_parse(s, &ind->score)) {
            ind->has_score = true;
        } else if (s[0] == '-') {
            fw_issue(c->rep, WM_FW_ERROR, line, 0, code, "score", "分值不能为负数：“%s”", s);
        } else {
            fw_issue(c->rep, WM_FW_ERROR, line, 0, code, "score",
                     "分值“%s”无效：应为非负数，最多两位小数", s);
        }
    }
    if (cell[FW_C_SCORING] != NULL) {
        if (!fw_scoring_parse(cell[FW_C_SCORING], &ind->scoring, err, sizeof(err))) {
            fw_issue(c->rep, WM_FW_ERROR, line, 0, code, "scoring", "%s", err);
            ind->scoring.rule = WM_FW_RULE_NONE;
        }
    }
    char **items;
    size_t n;
    if (cell[FW_C_METHODS] != NULL) {
        n = fw_split(cell[FW_C_METHODS], &items);
        for (size_t i = 0; i < n; i++) {
            fw_ind_add_method(ind, items[i]);
        }
        ind->has_methods = n > 0;
        fw_items_free(items, n);
    }
    if (cell[FW_C_VETO] != NULL) {
        int v = fw_veto_parse(cell[FW_C_VETO]);
        if (v < 0) {
            fw_issue(c->rep, WM_FW_ERROR, line, 0, code, "veto",
                     "一票否决应为 是/否（yes/no、true/false、1/0），而不是“%s”", cell[FW_C_VETO]);
        } else {
            ind->has_veto = true;
            ind->veto = v == 1;
        }
    }
    if (cell[FW_C_DEPTS] != NULL) {
        n = fw_split(cell[FW_C_DEPTS], &items);
        for (size_t i = 0; i < n; i++) {
            fw_ind_add_dept(ind, items[i]);
        }
        ind->has_dept = n > 0;
        fw_items_free(items, n);
    }
    if (cell[FW_C_MEDIA] != NULL) {
        n = fw_split(cell[FW_C_MEDIA], &items);
        for (size_t i = 0; i < n; i++) {
            enum wm_fw_media m = wm_fw_media_parse(items[i]);
            if (m == 0) {
                fw_issue(c->rep, WM_FW_ERROR, line, 0, code, "media",
                         "未知的载体“%s”（应为 text、photo 或 audiovisual，即文字、图片、音像）",
                         items[i]);
            } else {
                fw_ind_add_media(ind, items[i], m);
            }
        }
        ind->has_media = ind->nmedia > 0;
        fw_items_free(items, n);
    }
    if (cell[FW_C_FREQUENCY] != NULL) {
        ind->frequency = wm_fw_freq_parse(cell[FW_C_FREQUENCY]);
        if (ind->frequency == WM_FW_FREQ_NONE) {
            fw_issue(c->rep, WM_FW_ERROR, line, 0, code, "frequency",
                     "未知的频次“%s”（应为 once、monthly、quarterly、half-yearly 或 yearly，"
                     "即一次、每月、每季度、每半年、每年）",
                     cell[FW_C_FREQUENCY]);
        } else {
            ind->frequency_label = cell[FW_C_FREQUENCY];
            cell[FW_C_FREQUENCY] = NULL;
        }
    }
    if (cell[FW_C_MIN_DOCUMENTS] != NULL) {
        int64_t v;
        if (wm_fw_score_parse(cell[FW_C_MIN_DOCUMENTS], &v) && v % 100 == 0 &&
            v / 100 <= WM_FW_MAX_MIN_DOCS) {
            ind->has_min_documents = true;
            ind->min_documents = v / 100;
        } else {
            fw_issue(c->rep, WM_FW_ERROR, line, 0, code, "min_documents",
                     "最少件数应为 0 到 %d 之间的整数，而不是“%s”", WM_FW_MAX_MIN_DOCS,
                     cell[FW_C_MIN_DOCUMENTS]);
        }
    }

cleanup:
    for (int k = 0; k < FW_C__COUNT; k++) {
        free(cell[k]);
    }
    return ind;
}

static int
fw_cmp_node_code(const void *a, const void *b, void *ctx)
{
    struct wm_ind *const *v = ctx;
    size_t ia = *(const size_t *)a, ib = *(const size_t *)b;
    int c = strcmp(v[ia]->code, v[ib]->code);
    if (c != 0) {
        return c;
    }
    return ia < ib ? -1 : ia > ib;
}

/* Index (into v) of the node with that code among the sorted unique idx, or -1. */
static long
fw_lookup(struct wm_ind *const *v, const size_t *idx, size_t n, const char *code)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(code, v[idx[mid]]->code);
        if (c == 0) {
            return (long)idx[mid];
        }
        if (c < 0) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    return -1;
}

enum wm_err
wm_fw_parse_table(const struct wm_table *t,
                  const char *name,
                  const char *version,
                  const char *source,
                  struct wm_fw **out,
                  struct wm_fw_report *rep)
{
    struct wm_fw_report local = { 0 };
    struct fw_rctx c = { .rep = rep != NULL ? rep : &local };
    size_t errors0 = c.rep->nerrors;
    struct wm_ind **nodes = NULL;
    size_t nnodes = 0, *idx = NULL, nidx = 0;
    long *parent = NULL;
    signed char *alive = NULL;
    struct wm_fw *fw = NULL;
    enum wm_err rc = WM_E_BAD_REQUEST;

    *out = NULL;
    for (int k = 0; k < FW_C__COUNT; k++) {
        c.col[k] = -1;
    }
    if (t == NULL || t->nrows == 0) {
        fw_issue(c.rep, WM_FW_ERROR, 0, 0, NULL, NULL, "文件为空：缺少表头行");
        goto cleanup;
    }
    const struct wm_row *hdr = &t->rows[0];
    unsigned hline = hdr->line ? hdr->line : 1;
    for (size_t i = 0; i < hdr->ncells && i < (size_t)WM_TABLE_MAX_COLS; i++) {
        char *h = fw_norm_header(hdr->cells[i]);
        if (h[0] == '\0') {
            free(h);
            continue;
        }
        int col = -1;
        for (size_t a = 0; a < WM_ARRAY_LEN(fw_col_aliases); a++) {
            if (strcmp(h, fw_col_aliases[a].alias) == 0) {
                col = (int)fw_col_aliases[a].col;
                break;
            }
        }
        if (col < 0) {
            fw_issue(c.rep, WM_FW_ERROR, hline, 0, NULL, hdr->cells[i],
                     "未知的列“%s”（可用的列：code、title、requirement、materials、score、scoring、"
                     "methods、veto、depts、media、frequency、min_documents）",
                     hdr->cells[i]);
        } else if (c.col[col] >= 0) {
            fw_issue(c.rep, WM_FW_ERROR, hline, 0, NULL, fw_col_names[col], "列“%s”重复",
                     hdr->cells[i]);
        } else {
            c.col[col] = (int)i;
        }
        free(h);
    }
    if (c.col[FW_C_CODE] < 0) {
        fw_issue(c.rep, WM_FW_ERROR, hline, 0, NULL, "code", "缺少编码列 code（编码）");
    }
    if (c.col[FW_C_TITLE] < 0) {
        fw_issue(c.rep, WM_FW_ERROR, hline, 0, NULL, "title", "缺少标题列 title（指标）");
    }
    if (c.rep->nerrors > errors0) {
        goto cleanup;
    }

    nodes = wm_calloc(t->nrows, sizeof(*nodes));
    for (size_t r = 1; r < t->nrows; r++) {
        const struct wm_row *row = &t->rows[r];
        bool blank = true;
        for (size_t i = 0; blank && i < row->ncells; i++) {
            char *s = fw_trim_dup(row->cells[i]);
            blank = s == NULL;
            free(s);
        }
        if (blank) {
            continue;
        }
        struct wm_ind *ind = fw_row_ind(&c, row, row->line ? row->line : (unsigned)r + 1);
        if (ind != NULL) {
            nodes[nnodes++] = ind;
        }
    }
    if (nnodes == 0 && c.rep->nerrors == errors0) {
        fw_issue(c.rep, WM_FW_ERROR, hline, 0, NULL, NULL, "没有任何指标行");
    }

    /* sort by code, drop duplicates */
    idx = wm_malloc((nnodes + 1) * sizeof(*idx));
    size_t *all = wm_malloc((nnodes + 1) * sizeof(*all));
    for (size_t i = 0; i < nnodes; i++) {
        all[i] = i;
    }
    qsort_r(all, nnodes, sizeof(*all), fw_cmp_node_code, nodes);
    alive = wm_calloc(nnodes + 1, 1);
    for (size_t i = 0; i < nnodes; i++) {
        struct wm_ind *ind = nodes[all[i]];
        if (nidx > 0 && strcmp(nodes[idx[nidx - 1]]->code, ind->code) == 0) {
            fw_issue(c.rep, WM_FW_ERROR, ind->line, 0, ind->code, "code",
                     "编码“%s”重复（第 %u 行已有）", ind->code, nodes[idx[nidx - 1]]->line);
            alive[all[i]] = -1;
            continue;
        }
        idx[nidx++] = all[i];
    }
    free(all);

    /* parents, by increasing depth: a node lives when its parent lives */
    parent = wm_malloc((nnodes + 1) * sizeof(*parent));
    for (unsigned d = 1; d <= WM_FW_MAX_DEPTH; d++) {
        for (size_t i = 0; i < nnodes; i++) {
            struct wm_ind *ind = nodes[i];
            if (alive[i] < 0 || fw_code_depth(ind->code) != d) {
                continue;
            }
            if (d == 1) {
                parent[i] = -1;
                alive[i] = 1;
                continue;
            }
            char *pc = wm_strndup(ind->code, (size_t)(strrchr(ind->code, '.') - ind->code));
            long p = fw_lookup(nodes, idx, nidx, pc);
            if (p < 0) {
                fw_issue(c.rep, WM_FW_ERROR, ind->line, 0, ind->code, "code", "上级指标“%s”不存在",
                         pc);
                alive[i] = -1;
            } else if (alive[p] != 1) {
                alive[i] = -1; /* the ancestor's error is reported already */
            } else {
                parent[i] = p;
                alive[i] = 1;
            }
            free(pc);
        }
    }

    fw = wm_calloc(1, sizeof(*fw));
    fw->name = name ? wm_strdup(name) : NULL;
    fw->version = version ? wm_strdup(version) : NULL;
    fw->source = source ? wm_strdup(source) : NULL;
    for (size_t i = 0; i < nnodes; i++) {
        if (alive[i] != 1) {
            continue;
        }
        if (parent[i] < 0) {
            fw_top_add(fw, nodes[i]);
        } else {
            fw_ind_add_child(nodes[parent[i]], nodes[i]);
            nodes[parent[i]]->has_children = true;
        }
    }
    for (size_t i = 0; i < nnodes; i++) {
        if (alive[i] != 1) {
            fw_ind_free(nodes[i]);
        }
        nodes[i] = NULL;
    }
    fw_finish(fw, c.rep);
    if (c.rep->nerrors == errors0) {
        *out = fw;
        fw = NULL;
        rc = WM_OK;
    }

cleanup:
    wm_fw_free(fw);
    free(nodes);
    free(idx);
    free(parent);
    free(alive);
    wm_fw_report_free(&local);
    return rc;
}

enum wm_err
wm_fw_parse_rows(const void *data,
                 size_t len,
                 enum wm_table_fmt fmt,
                 const char *name,
                 const char *version,
                 const char *source,
                 struct wm_fw **out,
                 struct wm_fw_report *rep)
{
    struct wm_fw_report local = { 0 };
    struct wm_fw_report *r = rep != NULL ? rep : &local;
    struct wm_table *t = NULL;
    char err[512] = "";
    enum wm_err rc;

    *out = NULL;
    if (wm_table_read(data, len, fmt, &t, err, sizeof(err)) != 0) {
        fw_issue(r, WM_FW_ERROR, 0, 0, NULL, NULL, "无法读取表格：%s", err);
        rc = WM_E_BAD_REQUEST;
        goto cleanup;
    }
    if (t->converted_from != NULL) {
        fw_issue(r, WM_FW_WARNING, 0, 0, NULL, NULL,
                 "文件编码为 %s 而不是 UTF-8，已自动转换；请核对文字是否正确", t->converted_from);
    }
    rc = wm_fw_parse_table(t, name, version, source, out, r);

cleanup:
    wm_table_free(t);
    wm_fw_report_free(&local);
    return rc;
}

enum wm_err
wm_fw_parse_any(const void *data,
                size_t len,
                const char *name,
                const char *version,
                const char *source,
                struct wm_fw **out,
                struct wm_fw_report *rep)
{
    const unsigned char *p = data;
    size_t i = 0;
    if (len >= 4 && memcmp(p, "PK\3\4", 4) == 0) {
        return wm_fw_parse_rows(data, len, WM_TABLE_XLSX, name, version, source, out, rep);
    }
    if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) {
        i = 3;
    }
    while (i < len && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n')) {
        i++;
    }
    if (i < len && p[i] == '{') {
        return wm_fw_parse_json(data, len, out, rep);
    }
    return wm_fw_parse_rows(data, len, WM_TABLE_CSV, name, version, source, out, rep);
}

/* ---------------------------------------------------------------- export */

/* The cells of one indicator row (FW_C__COUNT strings, "" when absent); caller frees. */
static void
fw_row_cells(const struct wm_ind *ind, char *cells[FW_C__COUNT])
{
    char num[32];
    struct wm_buf b = { 0 };
    cells[FW_C_CODE] = wm_strdup(ind->code);
    cells[FW_C_TITLE] = wm_strdup(ind->title);
    cells[FW_C_REQUIREMENT] = wm_strdup(ind->requirement ? ind->requirement : "");
    cells[FW_C_MATERIALS] = wm_strdup(ind->materials ? ind->materials : "");
    cells[FW_C_SCORE] = wm_strdup(ind->has_score ? wm_fw_score_format(ind->score, num) : "");
    char *sc = fw_scoring_cell(&ind->scoring);
    cells[FW_C_SCORING] = sc ? sc : wm_strdup("");
    for (size_t i = 0; i < ind->nmethods; i++) {
        wm_buf_printf(&b, "%s%s", i ? ";" : "", ind->methods[i].label);
    }
    cells[FW_C_METHODS] = wm_buf_steal(&b);
    cells[FW_C_VETO] = wm_strdup(ind->has_veto ? (ind->veto ? "是" : "否") : "");
    for (size_t i = 0; i < ind->ndept; i++) {
        wm_buf_printf(&b, "%s%s", i ? ";" : "", ind->dept[i]);
    }
    cells[FW_C_DEPTS] = wm_buf_steal(&b);
    for (size_t i = 0; i < ind->nmedia; i++) {
        wm_buf_printf(&b, "%s%s", i ? ";" : "", ind->media_label[i]);
    }
    cells[FW_C_MEDIA] = wm_buf_steal(&b);
    cells[FW_C_FREQUENCY] = wm_strdup(ind->frequency_label ? ind->frequency_label : "");
    if (ind->has_min_documents) {
        cells[FW_C_MIN_DOCUMENTS] = wm_asprintf("%lld", (long long)ind->min_documents);
    } else {
        cells[FW_C_MIN_DOCUMENTS] = wm_strdup("");
    }
}

static void
fw_csv_cell(struct wm_buf *b, const char *s)
{
    if (strpbrk(s, ",\"\r\n") == NULL && s[0] != ' ' && (s[0] == '\0' || s[strlen(s) - 1] != ' ')) {
        wm_buf_adds(b, s);
        return;
    }
    wm_buf_addc(b, '"');
    for (; *s; s++) {
        if (*s == '"') {
            wm_buf_addc(b, '"');
        }
        wm_buf_addc(b, *s);
    }
    wm_buf_addc(b, '"');
}

char *
wm_fw_export_csv(const struct wm_fw *fw, size_t *len)
{
    struct wm_buf b = { 0 };
    wm_buf_adds(&b, "\xEF\xBB\xBF");
    for (int k = 0; k < FW_C__COUNT; k++) {
        wm_buf_printf(&b, "%s%s", k ? "," : "", fw_col_names[k]);
    }
    wm_buf_adds(&b, "\r\n");
    for (size_t i = 0; i < fw->nall; i++) {
        char *cells[FW_C__COUNT];
        fw_row_cells(fw->all[i], cells);
        for (int k = 0; k < FW_C__COUNT; k++) {
            if (k > 0) {
                wm_buf_addc(&b, ',');
            }
            fw_csv_cell(&b, cells[k]);
            free(cells[k]);
        }
        wm_buf_adds(&b, "\r\n");
    }
    if (len != NULL) {
        *len = b.len;
    }
    return wm_buf_steal(&b);
}

enum wm_err
wm_fw_export_xlsx(const struct wm_fw *fw, const char *path, char *err, size_t errlen)
{
    enum wm_err rc = WM_E_INTERNAL;
    lxw_workbook *wb = workbook_new(path);
    lxw_error le = LXW_NO_ERROR;
    if (wb == NULL) {
        snprintf(err, errlen, "无法创建 XLSX 文件 %s", path);
        wm_log(WM_LOG_ERROR, "framework: workbook_new(%s) failed", path);
        return WM_E_INTERNAL;
    }
    lxw_worksheet *ws = workbook_add_worksheet(wb, "测评体系");
    lxw_format *bold = workbook_add_format(wb);
    format_set_bold(bold);
    lxw_format *text = workbook_add_format(wb);
    format_set_num_format(text, "@");
    static const double widths[FW_C__COUNT] = { 10, 24, 48, 36, 8, 24, 24, 8, 20, 16, 12, 12 };
    for (int k = 0; k < FW_C__COUNT && ws != NULL; k++) {
        worksheet_set_column(ws, (lxw_col_t)k, (lxw_col_t)k, widths[k],
                             k == FW_C_CODE ? text : NULL);
        le = worksheet_write_string(ws, 0, (lxw_col_t)k, fw_col_names[k], bold);
    }
    for (size_t i = 0; i < fw->nall && ws != NULL && le == LXW_NO_ERROR; i++) {
        const struct wm_ind *ind = fw->all[i];
        lxw_row_t r = (lxw_row_t)(i + 1);
        char *cells[FW_C__COUNT];
        fw_row_cells(ind, cells);
        for (int k = 0; k < FW_C__COUNT; k++) {
            if (cells[k][0] == '\0' || le != LXW_NO_ERROR) {
                continue;
            }
            if (k == FW_C_SCORE) {
                le = worksheet_write_number(ws, r, (lxw_col_t)k, (double)ind->score / 100.0, NULL);
            } else if (k == FW_C_MIN_DOCUMENTS) {
                le = worksheet_write_number(ws, r, (lxw_col_t)k, (double)ind->min_documents, NULL);
            } else {
                le = worksheet_write_string(ws, r, (lxw_col_t)k, cells[k],
                                            k == FW_C_CODE ? text : NULL);
            }
        }
        for (int k = 0; k < FW_C__COUNT; k++) {
            free(cells[k]);
        }
    }
    if (ws == NULL) {
        snprintf(err, errlen, "无法创建工作表");
    } else if (le != LXW_NO_ERROR) {
        snprintf(err, errlen, "写入 XLSX 失败：%s", lxw_strerror(le));
    }
    lxw_error ce = workbook_close(wb);
    if (ws == NULL || le != LXW_NO_ERROR) {
        goto cleanup;
    }
    if (ce != LXW_NO_ERROR) {
        snprintf(err, errlen, "保存 XLSX 失败：%s", lxw_strerror(ce));
        wm_log(WM_LOG_ERROR, "framework: workbook_close(%s): %s", path, lxw_strerror(ce));
        goto cleanup;
    }
    rc = WM_OK;

cleanup:
    return rc;
}

/* end of fw_rows.c */
