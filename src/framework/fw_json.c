/*
** fw_json.c — `wenming-framework/1` JSON: parse (with line numbers for every issue) and
** export (key order as imported, so that import → export reproduces the document).
**
** jansson parses and validates the text; it keeps no positions, so a small scanner walks
** the (then known valid) text once more and records the line of every object member and
** array element, in document order, which is also jansson's iteration order.
*/
#include "fw_priv.h"

#include <stdlib.h>
#include <string.h>

#include "wm_json.h"
#include "banned.h"

/* ---------------------------------------------------------------- positions */

struct fw_pos {
    unsigned line, col;
    size_t n;
    struct fw_pos *kids; /* members or elements, in document order */
};

struct fw_scan {
    const char *p, *end, *bol;
    unsigned line;
};

#define FW_SCAN_MAX_DEPTH 48 /* deeper values are skipped without positions */

static void
fw_pos_free(struct fw_pos *p)
{
    for (size_t i = 0; i < p->n; i++) {
        fw_pos_free(&p->kids[i]);
    }
    free(p->kids);
}

static void
fw_scan_ws(struct fw_scan *s)
{
    while (s->p < s->end) {
        char c = *s->p;
        if (c == '\n') {
            s->line++;
            s->bol = s->p + 1;
        } else if (c != ' ' && c != '\t' && c != '\r') {
            return;
        }
        s->p++;
    }
}

static void
fw_scan_string(struct fw_scan *s)
{
    s->p++; /* opening quote */
    while (s->p < s->end && *s->p != '"') {
        if (*s->p == '\\' && s->p + 1 < s->end) {
            s->p++;
        }
        s->p++;
    }
    if (s->p < s->end) {
        s->p++;
    }
}

/* Skip a value without recording positions (iterative; counts lines). */
static void
fw_scan_skip(struct fw_scan *s)
{
    size_t nest = 0;
    do {
        fw_scan_ws(s);
        if (s->p >= s->end) {
            return;
        }
        char c = *s->p;
        if (c == '"') {
            fw_scan_string(s);
        } else if (c == '{' || c == '[') {
            nest++;
            s->p++;
        } else if (c == '}' || c == ']') {
            if (nest > 0) {
                nest--;
            }
            s->p++;
        } else {
            s->p++;
        }
    } while (nest > 0);
}

static void
fw_scan_value(struct fw_scan *s, struct fw_pos *pos, unsigned depth)
{
    fw_scan_ws(s);
    pos->line = s->line;
    pos->col = (unsigned)(s->p - s->bol) + 1;
    if (s->p >= s->end) {
        return;
    }
    char open = *s->p;
    if (open != '{' && open != '[') {
        if (open == '"') {
            fw_scan_string(s);
        } else {
            while (s->p < s->end && *s->p != '\0' && strchr(",]} \t\r\n", *s->p) == NULL) {
                s->p++;
            }
        }
        return;
    }
    if (depth >= FW_SCAN_MAX_DEPTH) {
        fw_scan_skip(s);
        return;
    }
    char close = open == '{' ? '}' : ']';
    size_t cap = 0;
    s->p++;
    for (;;) {
        fw_scan_ws(s);
        if (s->p >= s->end) {
            return;
        }
        if (*s->p == close) {
            s->p++;
            return;
        }
        if (*s->p == ',') {
            s->p++;
            continue;
        }
        if (pos->n == cap) {
            cap = cap ? cap * 2 : 8;
            pos->kids = wm_realloc(pos->kids, cap * sizeof(*pos->kids));
        }
        const char *before = s->p;
        struct fw_pos *kid = &pos->kids[pos->n++];
        memset(kid, 0, sizeof(*kid));
        if (open == '{') {
            unsigned kl = s->line, kc = (unsigned)(s->p - s->bol) + 1;
            if (*s->p != '"') {
                return; /* not valid JSON: jansson would have refused it */
            }
            fw_scan_string(s);
            fw_scan_ws(s);
            if (s->p < s->end && *s->p == ':') {
                s->p++;
            }
            fw_scan_value(s, kid, depth + 1);
            kid->line = kl;
            kid->col = kc;
        } else {
            fw_scan_value(s, kid, depth + 1);
        }
        if (s->p == before) {
            s->p++; /* never loop on a byte the scanner does not expect */
        }
    }
}

static const struct fw_pos *
fw_kid(const struct fw_pos *p, size_t i)
{
    return p != NULL && i < p->n ? &p->kids[i] : NULL;
}

static unsigned
fw_line(const struct fw_pos *p, unsigned fallback)
{
    return p != NULL && p->line > 0 ? p->line : fallback;
}

/* ---------------------------------------------------------------- parsing */

struct fw_jctx {
    struct wm_fw_report *rep;
};

static int
fw_key_lookup(const char *const *names, int n, const char *key)
{
    for (int i = 0; i < n; i++) {
        if (strcmp(names[i], key) == 0) {
            return i;
        }
    }
    return -1;
}

/* A JSON value in an error message (short). Caller frees. */
static char *
fw_j_show(const json_t *v)
{
    char *s = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
    if (s == NULL) {
        return wm_strdup("?");
    }
    if (strlen(s) > 60) {
        memcpy(s + 56, "...", 4);
    }
    char *r = wm_strdup(s);
    free(s);
    return r;
}

static void
fw_j_bad_score(struct fw_jctx *c,
               unsigned line,
               const char *code,
               const char *field,
               const json_t *v)
{
    char *shown = fw_j_show(v);
    if (!json_is_number(v)) {
        fw_issue(c->rep, WM_FW_ERROR, line, 0, code, field, "应为数字，而不是 %s", shown);
    } else if (json_number_value(v) < 0) {
        fw_issue(c->rep, WM_FW_ERROR, line, 0, code, field, "不能为负数：%s", shown);
    } else {
        fw_issue(c->rep, WM_FW_ERROR, line, 0, code, field,
                 "数值无效：%s（最多两位小数，不超过 %d）", shown, WM_FW_MAX_SCORE / 100);
    }
    free(shown);
}

/* A text value: string, not blank when !allow_blank, no control characters except line
** breaks and tabs when multiline. Returns a copy or NULL after an error. */
static char *
fw_j_text(struct fw_jctx *c,
          const json_t *v,
          unsigned line,
          const char *code,
          const char *field,
          bool allow_blank,
          bool multiline)
{
    if (!json_is_string(v)) {
        fw_issue(c->rep, WM_FW_ERROR, line, 0, code, field, "应为字符串");
        return NULL;
    }
    const char *s = json_string_value(v);
    if (!allow_blank && fw_blank(s)) {
        fw_issue(c->rep, WM_FW_ERROR, line, 0, code, field, "不能为空");
        return NULL;
    }
    if (fw_has_ctl(s, multiline)) {
        fw_issue(c->rep, WM_FW_ERROR, line, 0, code, field, "含有控制字符");
        return NULL;
    }
    return wm_strdup(s);
}

/* Array of texts; calls add for each. Returns false after an error. */
static bool
fw_j_list(struct fw_jctx *c,
          const json_t *v,
          const struct fw_pos *pos,
          unsigned line,
          const char *code,
          const char *field,
          struct wm_ind *ind,
          void (*add)(struct fw_jctx *, struct wm_ind *, const char *, unsigned, const char *))
{
    if (!json_is_array(v)) {
        fw_issue(c->rep, WM_FW_ERROR, line, 0, code, field, "应为字符串数组");
        return false;
    }
    bool ok = true;
    for (size_t i = 0; i < json_array_size(v); i++) {
        unsigned l = fw_line(fw_kid(pos, i), line);
        char *s = fw_j_text(c, json_array_get(v, i), l, code, field, false, false);
        if (s == NULL) {
            ok = false;
            continue;
        }
        add(c, ind, s, l, code);
        free(s);
    }
    return ok;
}

static void
fw_j_add_method(struct fw_jctx *c, struct wm_ind *ind, const char *s, unsigned l, const char *code)
{
    fw_ind_add_method(ind, s);
}

static void
fw_j_add_dept(struct fw_jctx *c, struct wm_ind *ind, const char *s, unsigned l, const char *code)
{
    fw_ind_add_dept(ind, s);
}

static void
fw_j_add_media(struct fw_jctx *c, struct wm_ind *ind, const char *s, unsigned l, const char *code)
{
    enum wm_fw_media m = wm_fw_media_parse(s);
    if (m == 0) {
        fw_issue(c->rep, WM_FW_ERROR, l, 0, code, "media",
                 "未知的载体“%s”（应为 text、photo 或 audiovisual，即文字、图片、音像）", s);
        return;
    }
    fw_ind_add_media(ind, s, m);
}

static void
fw_j_scoring(struct fw_jctx *c,
             struct wm_ind *ind,
             const json_t *v,
             const struct fw_pos *pos,
             unsigned line,
             const char *code)
{
    struct wm_fw_scoring *sc = &ind->scoring;
    if (!json_is_object(v)) {
        fw_issue(c->rep, WM_FW_ERROR, line, 0, code, "scoring",
                 "应为对象，如 {\"rule\": \"points\"}");
        return;
    }
    const char *key;
    json_t *val;
    size_t i = 0;
    unsigned grades_line = line, cap_line = line;
    bool have_rule = false;
    enum wm_fw_rule rule = WM_FW_RULE_POINTS;
    json_object_foreach((json_t *)v, key, val)
    {
        const struct fw_pos *kp = fw_kid(pos, i++);
        unsigned l = fw_line(kp, line);
        int k = fw_key_lookup(fw_skey_names, FW_S__COUNT, key);
        if (k < 0) {
            char *f = wm_asprintf("scoring.%s", key);
            fw_issue(c->rep, WM_FW_ERROR, l, 0, code, f, "未知字段“%s”", key);
            free(f);
            continue;
        }
        sc->korder[sc->nkorder++] = (unsigned char)k;
        if (k == FW_S_RULE) {
            have_rule = true;
            const char *r = json_string_value(val);
            if (r != NULL && strcmp(r, "points") == 0) {
                rule = WM_FW_RULE_POINTS;
            } else if (r != NULL && strcmp(r, "grade") == 0) {
                rule = WM_FW_RULE_GRADE;
            } else if (r != NULL && strcmp(r, "bonus") == 0) {
                rule = WM_FW_RULE_BONUS;
            } else if (r != NULL && strcmp(r, "negative") == 0) {
                rule = WM_FW_RULE_NEGATIVE;
            } else {
                char *shown = fw_j_show(val);
                fw_issue(c->rep, WM_FW_ERROR, l, 0, code, "scoring.rule",
                         "未知的评分规则 %s（应为 points、grade、bonus 或 negative）", shown);
                free(shown);
            }
        } else if (k == FW_S_GRADES) {
            grades_line = l;
            sc->has_grades = true;
            if (!json_is_object(val)) {
                fw_issue(c->rep, WM_FW_ERROR, l, 0, code, "scoring.grades",
                         "应为对象，如 {\"A\": 1, \"B\": 0.8}");
                continue;
            }
            const char *gk;
            json_t *gv;
            size_t gi = 0;
            json_object_foreach(val, gk, gv)
            {
                unsigned gl = fw_line(fw_kid(kp, gi++), l);
                char *f = wm_asprintf("scoring.grades.%s", gk);
                int64_t frac;
                bool real;
                if (strlen(gk) != 1 || gk[0] < 'A' || gk[0] > 'D') {
                    fw_issue(c->rep, WM_FW_ERROR, gl, 0, code, f, "未知档次“%s”（应为 A、B、C、D）",
                             gk);
                } else if (!fw_score_from_json(gv, &frac, &real) || frac > 100) {
                    char *shown = fw_j_show(gv);
                    fw_issue(c->rep, WM_FW_ERROR, gl, 0, code, f,
                             "档次比例应为 0 到 1 之间的数（最多两位小数），而不是 %s", shown);
                    free(shown);
                } else {
                    if (real) {
                        ind->realmask |= (unsigned char)FW_REAL_GRADE(sc->ngrades);
                    }
                    sc->grade_letter[sc->ngrades] = gk[0];
                    sc->grade[sc->ngrades] = frac;
                    sc->ngrades++;
                }
                free(f);
            }
        } else {
            cap_line = l;
            bool real;
            if (!fw_score_from_json(val, &sc->cap, &real)) {
                fw_j_bad_score(c, l, code, "scoring.cap", val);
            } else {
                sc->has_cap = true;
                if (real) {
                    ind->realmask |= FW_REAL_CAP;
                }
            }
        }
    }
    if (!have_rule) {
        fw_issue(c->rep, WM_FW_ERROR, line, 0, code, "scoring.rule", "缺少评分规则 rule");
    }
    sc->rule = rule;
    if (sc->has_grades && rule != WM_FW_RULE_GRADE) {
        fw_issue(c->rep, WM_FW_ERROR, grades_line, 0, code, "scoring.grades",
                 "只有 grade 规则可以设置 grades");
    }
    if (sc->has_cap && rule != WM_FW_RULE_BONUS && rule != WM_FW_RULE_NEGATIVE) {
        fw_issue(c->rep, WM_FW_ERROR, cap_line, 0, code, "scoring.cap",
                 "只有 bonus 和 negative 规则可以设置 cap");
    }
}

static struct wm_ind *fw_j_ind(struct fw_jctx *c,
                               const json_t *o,
                               const struct fw_pos *pos,
                               unsigned line,
                               const struct wm_ind *parent,
                               unsigned depth,
                               const char *where);

static void
fw_j_children(struct fw_jctx *c,
              struct wm_ind *ind,
              const json_t *v,
              const struct fw_pos *pos,
              unsigned line,
              const char *where)
{
    ind->has_children = true;
    if (!json_is_array(v)) {
        fw_issue(c->rep, WM_FW_ERROR, line, 0, ind->code, "children", "应为指标数组");
        return;
    }
    if (json_array_size(v) > 0 && ind->depth >= WM_FW_MAX_DEPTH) {
        const json_t *first = json_array_get(v, 0);
        const char *cc = json_string_value(json_object_get(first, "code"));
        fw_issue(c->rep, WM_FW_ERROR, fw_line(fw_kid(pos, 0), line), 0, cc, "children",
                 "指标层级超过 %d 级", WM_FW_MAX_DEPTH);
        return;
    }
    for (size_t i = 0; i < json_array_size(v); i++) {
        char *w = wm_asprintf("%s.children[%zu]", where, i);
        const struct fw_pos *kp = fw_kid(pos, i);
        struct wm_ind *child =
            fw_j_ind(c, json_array_get(v, i), kp, fw_line(kp, line), ind, ind->depth + 1, w);
        free(w);
        if (child != NULL) {
            fw_ind_add_child(ind, child);
        }
    }
}

static void
fw_j_check_code(struct fw_jctx *c, struct wm_ind *ind, const struct wm_ind *parent, unsigned line)
{
    const char *code = ind->code;
    if (!fw_code_valid(code)) {
        fw_issue(c->rep, WM_FW_ERROR, line, 0, code, "code",
                 "编码“%s”格式不正确：应为以“.”分隔的数字或字母段，如 1.2.3（不超过 %d 字节）",
                 code, WM_FW_MAX_CODE);
        return;
    }
    if (parent == NULL) {
        if (fw_code_depth(code) != 1) {
            fw_issue(c->rep, WM_FW_ERROR, line, 0, code, "code", "一级指标的编码“%s”不应含“.”",
                     code);
        }
        return;
    }
    if (parent->code == NULL || !fw_code_valid(parent->code)) {
        return;
    }
    size_t pl = strlen(parent->code);
    if (strncmp(code, parent->code, pl) != 0 || code[pl] != '.' ||
        strchr(code + pl + 1, '.') != NULL) {
        fw_issue(c->rep, WM_FW_ERROR, line, 0, code, "code",
                 "编码“%s”与上级编码“%s”不符（应为 %s.序号）", code, parent->code, parent->code);
    }
}

static struct wm_ind *
fw_j_ind(struct fw_jctx *c,
         const json_t *o,
         const struct fw_pos *pos,
         unsigned line,
         const struct wm_ind *parent,
         unsigned depth,
         const char *where)
{
    if (!json_is_object(o)) {
        fw_issue(c->rep, WM_FW_ERROR, line, 0, NULL, where, "指标应为 JSON 对象");
        return NULL;
    }
    struct wm_ind *ind = fw_ind_new();
    ind->line = line;
    ind->depth = depth;
    ind->parent = (struct wm_ind *)parent;
    const char *code = json_string_value(json_object_get(o, "code"));
    const char *key;
    json_t *v;
    size_t i = 0;
    const json_t *children = NULL;
    const struct fw_pos *children_pos = NULL;
    unsigned children_line = line;
    json_object_foreach((json_t *)o, key, v)
    {
        const struct fw_pos *kp = fw_kid(pos, i++);
        unsigned l = fw_line(kp, line);
        int k = fw_key_lookup(fw_key_names, FW_K__COUNT, key);
        if (k < 0) {
            fw_issue(c->rep, WM_FW_ERROR, l, 0, code, key, "未知字段“%s”（位于 %s）", key, where);
            continue;
        }
        ind->korder[ind->nkorder++] = (unsigned char)k;
        bool real;
        switch ((enum fw_key)k) {
        case FW_K_CODE:
            if (!json_is_string(v)) {
                fw_issue(c->rep, WM_FW_ERROR, l, 0, NULL, "code", "编码应为字符串（位于 %s）",
                         where);
                break;
            }
            ind->code = wm_strdup(code);
            fw_j_check_code(c, ind, parent, l);
            break;
        case FW_K_TITLE:
            ind->title = fw_j_text(c, v, l, code, "title", false, false);
            break;
        case FW_K_REQUIREMENT:
            ind->requirement = fw_j_text(c, v, l, code, "requirement", true, true);
            break;
        case FW_K_MATERIALS:
            ind->materials = fw_j_text(c, v, l, code, "materials", true, true);
            break;
        case FW_K_SCORE:
            if (!fw_score_from_json(v, &ind->score, &real)) {
                fw_j_bad_score(c, l, code, "score", v);
            } else {
                ind->has_score = true;
                if (real) {
                    ind->realmask |= FW_REAL_SCORE;
                }
            }
            break;
        case FW_K_SCORING:
            fw_j_scoring(c, ind, v, kp, l, code);
            break;
        case FW_K_METHODS:
            ind->has_methods = true;
            fw_j_list(c, v, kp, l, code, "methods", ind, fw_j_add_method);
            break;
        case FW_K_VETO:
            if (!json_is_boolean(v)) {
                fw_issue(c->rep, WM_FW_ERROR, l, 0, code, "veto", "应为 true 或 false");
                break;
            }
            ind->has_veto = true;
            ind->veto = json_is_true(v);
            break;
        case FW_K_DEPT:
            ind->has_dept = true;
            fw_j_list(c, v, kp, l, code, "dept", ind, fw_j_add_dept);
            break;
        case FW_K_MEDIA:
            ind->has_media = true;
            fw_j_list(c, v, kp, l, code, "media", ind, fw_j_add_media);
            break;
        case FW_K_FREQUENCY: {
            char *f = fw_j_text(c, v, l, code, "frequency", false, false);
            if (f == NULL) {
                break;
            }
            ind->frequency = wm_fw_freq_parse(f);
            if (ind->frequency == WM_FW_FREQ_NONE) {
                fw_issue(c->rep, WM_FW_ERROR, l, 0, code, "frequency",
                         "未知的频次“%s”（应为 once、monthly、quarterly、half-yearly 或 yearly）",
                         f);
                free(f);
                break;
            }
            ind->frequency_label = f;
            break;
        }
        case FW_K_MIN_DOCUMENTS:
            if (!json_is_integer(v) || json_integer_value(v) < 0 ||
                json_integer_value(v) > WM_FW_MAX_MIN_DOCS) {
                char *shown = fw_j_show(v);
                fw_issue(c->rep, WM_FW_ERROR, l, 0, code, "min_documents",
                         "应为 0 到 %d 之间的整数，而不是 %s", WM_FW_MAX_MIN_DOCS, shown);
                free(shown);
                break;
            }
            ind->has_min_documents = true;
            ind->min_documents = (int64_t)json_integer_value(v);
            break;
        case FW_K_CHILDREN:
            children = v;
            children_pos = kp;
            children_line = l;
            break;
        case FW_K__COUNT:
            break;
        }
    }
    if (json_object_get(o, "code") == NULL) {
        fw_issue(c->rep, WM_FW_ERROR, line, 0, NULL, "code", "缺少编码 code（位于 %s）", where);
    }
    if (json_object_get(o, "title") == NULL) {
        fw_issue(c->rep, WM_FW_ERROR, line, 0, code, "title", "缺少标题 title（位于 %s）", where);
    }
    if (children != NULL) {
        /* children after the node's own fields, so that ind->code is known */
        fw_j_children(c, ind, children, children_pos, children_line, where);
    }
    return ind;
}

enum wm_err
wm_fw_parse_json(const void *data, size_t len, struct wm_fw **out, struct wm_fw_report *rep)
{
    struct wm_fw_report local = { 0 };
    struct fw_jctx c = { rep != NULL ? rep : &local };
    struct wm_fw *fw = NULL;
    json_t *root = NULL;
    struct fw_pos pos = { 0 };
    size_t errors0 = c.rep->nerrors;
    enum wm_err rc = WM_E_BAD_REQUEST;
    const char *text = data;

    *out = NULL;
    if (len > WM_FW_MAX_INPUT) {
        fw_issue(c.rep, WM_FW_ERROR, 0, 0, NULL, NULL, "文件过大（超过 %zu MB）",
                 WM_FW_MAX_INPUT >> 20);
        rc = WM_E_TOO_LARGE;
        goto cleanup;
    }
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
        text += 3;
        len -= 3;
    }
    const char *nul = memchr(text, '\0', len);
    if (nul != NULL) {
        unsigned nl = 1;
        for (const char *q = text; q < nul; q++) {
            nl += *q == '\n';
        }
        fw_issue(c.rep, WM_FW_ERROR, nl, 0, NULL, NULL, "JSON 中含有 NUL 字节（第 %u 行）", nl);
        goto cleanup;
    }
    json_error_t jerr;
    /* Bounded before jansson allocates (wm_json.h): "[{},{},...]" must not cost gigabytes. */
    static const struct wm_json_limits lim = {
        .max_values = 1000000, .max_depth = 64, .max_alloc = (size_t)256 << 20};
    enum wm_json_why why;
    root = wm_json_parse(text, len, JSON_REJECT_DUPLICATES, &lim, &jerr, &why, NULL);
    if (root == NULL && why != WM_JSON_SYNTAX) {
        fw_issue(c.rep, WM_FW_ERROR, 0, 0, NULL, NULL, "%s",
                 why == WM_JSON_VALUES  ? "JSON 过于复杂：值超过 1000000 个"
                 : why == WM_JSON_DEPTH ? "JSON 嵌套超过 64 层"
                                        : "JSON 解析所需内存超过 256 MB");
        rc = why == WM_JSON_DEPTH ? WM_E_BAD_REQUEST : WM_E_TOO_LARGE;
        goto cleanup;
    }
    if (root == NULL) {
        fw_issue(c.rep, WM_FW_ERROR, jerr.line > 0 ? (unsigned)jerr.line : 0,
                 jerr.column > 0 ? (unsigned)jerr.column : 0, NULL, NULL,
                 "JSON 格式错误（第 %d 行第 %d 列）：%s", jerr.line, jerr.column, jerr.text);
        goto cleanup;
    }
    struct fw_scan s = { text, text + len, text, 1 };
    fw_scan_value(&s, &pos, 0);

    if (!json_is_object(root)) {
        fw_issue(c.rep, WM_FW_ERROR, 1, 0, NULL, NULL, "文档应为 JSON 对象");
        goto cleanup;
    }
    fw = wm_calloc(1, sizeof(*fw));
    const char *key;
    json_t *v;
    size_t i = 0;
    const json_t *inds = NULL;
    const struct fw_pos *inds_pos = NULL;
    unsigned inds_line = 1;
    json_object_foreach(root, key, v)
    {
        const struct fw_pos *kp = fw_kid(&pos, i++);
        unsigned l = fw_line(kp, 1);
        int k = fw_key_lookup(fw_dkey_names, FW_D__COUNT, key);
        if (k < 0) {
            fw_issue(c.rep, WM_FW_ERROR, l, 0, NULL, key, "未知字段“%s”", key);
            continue;
        }
        fw->korder[fw->nkorder++] = (unsigned char)k;
        switch ((enum fw_dkey)k) {
        case FW_D_FORMAT:
            if (!json_is_string(v) || strcmp(json_string_value(v), WM_FW_FORMAT) != 0) {
                char *shown = fw_j_show(v);
                fw_issue(c.rep, WM_FW_ERROR, l, 0, NULL, "format", "格式应为 \"%s\"，而不是 %s",
                         WM_FW_FORMAT, shown);
                free(shown);
            }
            break;
        case FW_D_NAME:
            fw->name = fw_j_text(&c, v, l, NULL, "name", false, false);
            break;
        case FW_D_VERSION:
            fw->version = fw_j_text(&c, v, l, NULL, "version", false, false);
            break;
        case FW_D_SOURCE:
            fw->source = fw_j_text(&c, v, l, NULL, "source", true, true);
            break;
        case FW_D_INDICATORS:
            inds = v;
            inds_pos = kp;
            inds_line = l;
            break;
        case FW_D__COUNT:
            break;
        }
    }
    if (json_object_get(root, "format") == NULL) {
        fw_issue(c.rep, WM_FW_ERROR, 1, 0, NULL, "format", "缺少 \"format\": \"%s\"", WM_FW_FORMAT);
    }
    if (json_object_get(root, "name") == NULL) {
        fw_issue(c.rep, WM_FW_ERROR, 1, 0, NULL, "name", "缺少测评体系名称 name");
    }
    if (inds == NULL) {
        fw_issue(c.rep, WM_FW_ERROR, 1, 0, NULL, "indicators", "缺少指标列表 indicators");
    } else if (!json_is_array(inds) || json_array_size(inds) == 0) {
        fw_issue(c.rep, WM_FW_ERROR, inds_line, 0, NULL, "indicators", "应为非空的指标数组");
    } else {
        for (size_t k = 0; k < json_array_size(inds); k++) {
            char *w = wm_asprintf("indicators[%zu]", k);
            const struct fw_pos *kp = fw_kid(inds_pos, k);
            struct wm_ind *ind =
                fw_j_ind(&c, json_array_get(inds, k), kp, fw_line(kp, inds_line), NULL, 1, w);
            free(w);
            if (ind != NULL) {
                fw_top_add(fw, ind);
            }
        }
    }
    fw_finish(fw, c.rep);
    if (c.rep->nerrors == errors0) {
        *out = fw;
        fw = NULL;
        rc = WM_OK;
    }

cleanup:
    wm_fw_free(fw);
    json_decref(root);
    fw_pos_free(&pos);
    wm_fw_report_free(&local);
    return rc;
}

/* ---------------------------------------------------------------- export */

static json_t *
fw_scoring_to_json(const struct wm_ind *ind)
{
    const struct wm_fw_scoring *sc = &ind->scoring;
    json_t *o = json_object();
    bool done[FW_S__COUNT] = { false };
    unsigned char order[FW_S__COUNT * 2];
    unsigned n = 0;
    for (unsigned i = 0; i < sc->nkorder; i++) {
        order[n++] = sc->korder[i];
    }
    for (unsigned k = 0; k < FW_S__COUNT; k++) {
        order[n++] = (unsigned char)k;
    }
    for (unsigned i = 0; i < n; i++) {
        unsigned k = order[i];
        if (done[k]) {
            continue;
        }
        done[k] = true;
        if (k == FW_S_RULE) {
            json_object_set_new(o, "rule", json_string(wm_fw_rule_name(sc->rule)));
        } else if (k == FW_S_GRADES && (sc->has_grades || sc->ngrades > 0)) {
            json_t *g = json_object();
            for (unsigned gi = 0; gi < sc->ngrades; gi++) {
                char letter[2] = { sc->grade_letter[gi], '\0' };
                json_object_set_new(
                    g, letter, fw_score_to_json(sc->grade[gi], ind->realmask & FW_REAL_GRADE(gi)));
            }
            json_object_set_new(o, "grades", g);
        } else if (k == FW_S_CAP && sc->has_cap) {
            json_object_set_new(o, "cap", fw_score_to_json(sc->cap, ind->realmask & FW_REAL_CAP));
        }
    }
    return o;
}

static json_t *
fw_strings_to_json(char *const *v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++) {
        json_array_append_new(a, json_string(v[i]));
    }
    return a;
}

static json_t *
fw_key_to_json(const struct wm_ind *ind, enum fw_key k, bool with_children)
{
    switch (k) {
    case FW_K_CODE:
        return json_string(ind->code);
    case FW_K_TITLE:
        return json_string(ind->title);
    case FW_K_REQUIREMENT:
        return json_string(ind->requirement);
    case FW_K_MATERIALS:
        return json_string(ind->materials);
    case FW_K_SCORE:
        return fw_score_to_json(ind->score, ind->realmask & FW_REAL_SCORE);
    case FW_K_SCORING:
        return fw_scoring_to_json(ind);
    case FW_K_METHODS: {
        json_t *a = json_array();
        for (size_t i = 0; i < ind->nmethods; i++) {
            json_array_append_new(a, json_string(ind->methods[i].label));
        }
        return a;
    }
    case FW_K_VETO:
        return json_boolean(ind->veto);
    case FW_K_DEPT:
        return fw_strings_to_json(ind->dept, ind->ndept);
    case FW_K_MEDIA:
        return fw_strings_to_json(ind->media_label, ind->nmedia);
    case FW_K_FREQUENCY:
        return json_string(ind->frequency_label);
    case FW_K_MIN_DOCUMENTS:
        return json_integer((json_int_t)ind->min_documents);
    case FW_K_CHILDREN: {
        json_t *a = json_array();
        for (size_t i = 0; i < ind->nchildren; i++) {
            json_array_append_new(a, fw_ind_to_json(ind->children[i], with_children));
        }
        return a;
    }
    case FW_K__COUNT:
        break;
    }
    return json_null();
}

json_t *
fw_ind_to_json(const struct wm_ind *ind, bool with_children)
{
    json_t *o = json_object();
    bool done[FW_K__COUNT] = { false };
    unsigned char order[FW_K__COUNT * 2 + 16];
    unsigned n = 0;
    for (unsigned i = 0; i < ind->nkorder && i < 16; i++) {
        order[n++] = ind->korder[i];
    }
    for (unsigned k = 0; k < FW_K__COUNT; k++) {
        order[n++] = (unsigned char)k;
    }
    for (unsigned i = 0; i < n; i++) {
        enum fw_key k = (enum fw_key)order[i];
        if (done[k]) {
            continue;
        }
        done[k] = true;
        if (!fw_ind_has(ind, k) || (k == FW_K_CHILDREN && !with_children)) {
            continue;
        }
        json_object_set_new(o, fw_key_names[k], fw_key_to_json(ind, k, with_children));
    }
    return o;
}

json_t *
wm_fw_to_json(const struct wm_fw *fw)
{
    json_t *root = json_object();
    bool done[FW_D__COUNT] = { false };
    unsigned char order[FW_D__COUNT * 2 + 8];
    unsigned n = 0;
    for (unsigned i = 0; i < fw->nkorder && i < 8; i++) {
        order[n++] = fw->korder[i];
    }
    for (unsigned k = 0; k < FW_D__COUNT; k++) {
        order[n++] = (unsigned char)k;
    }
    for (unsigned i = 0; i < n; i++) {
        enum fw_dkey k = (enum fw_dkey)order[i];
        if (done[k]) {
            continue;
        }
        done[k] = true;
        switch (k) {
        case FW_D_FORMAT:
            json_object_set_new(root, "format", json_string(WM_FW_FORMAT));
            break;
        case FW_D_NAME:
            if (fw->name != NULL) {
                json_object_set_new(root, "name", json_string(fw->name));
            }
            break;
        case FW_D_VERSION:
            if (fw->version != NULL) {
                json_object_set_new(root, "version", json_string(fw->version));
            }
            break;
        case FW_D_SOURCE:
            if (fw->source != NULL) {
                json_object_set_new(root, "source", json_string(fw->source));
            }
            break;
        case FW_D_INDICATORS: {
            json_t *a = json_array();
            for (size_t t = 0; t < fw->ntop; t++) {
                json_array_append_new(a, fw_ind_to_json(fw->top[t], true));
            }
            json_object_set_new(root, "indicators", a);
            break;
        }
        case FW_D__COUNT:
            break;
        }
    }
    return root;
}

char *
wm_fw_export_json(const struct wm_fw *fw, size_t *len)
{
    json_t *root = wm_fw_to_json(fw);
    char *s = json_dumps(root, WM_FW_JSON_FLAGS);
    json_decref(root);
    if (s == NULL) {
        wm_panic("json_dumps: out of memory");
    }
    struct wm_buf b = { 0 };
    wm_buf_adds(&b, s);
    wm_buf_addc(&b, '\n');
    free(s);
    if (len != NULL) {
        *len = b.len;
    }
    return wm_buf_steal(&b);
}

/* end of fw_json.c */
