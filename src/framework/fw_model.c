/*
** fw_model.c — the framework model: allocation, vocabularies, exact scores, reports,
** structural checks shared by the importers, lookup, equality and diff.
*/
#include "fw_priv.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <math.h>
#include <strings.h>

#include "banned.h"

const char *const fw_key_names[FW_K__COUNT] = {
    "code", "title", "requirement", "materials", "score",         "scoring",  "methods",
    "veto", "dept",  "media",       "frequency", "min_documents", "children",
};

const char *const fw_dkey_names[FW_D__COUNT] = {
    "format", "name", "version", "source", "indicators",
};

const char *const fw_skey_names[FW_S__COUNT] = {
    "rule",
    "grades",
    "cap",
};

/* ---------------------------------------------------------------- vocabularies */

struct fw_word {
    const char *label;
    int value;
};

static const struct {
    const char *label;
    const char *code;
} fw_methods[] = {
    { "site", "site" },          { "实地考察", "site" },      { "实地查看", "site" },
    { "實地考察", "site" },      { "實地查看", "site" },      { "现场查看", "site" },
    { "現場查看", "site" },      { "report", "report" },      { "听取汇报", "report" },
    { "聽取匯報", "report" },    { "聽取彙報", "report" },    { "docs", "docs" },
    { "材料审核", "docs" },      { "材料審核", "docs" },      { "审阅资料", "docs" },
    { "審閱資料", "docs" },      { "查阅资料", "docs" },      { "查閱資料", "docs" },
    { "survey", "survey" },      { "问卷调查", "survey" },    { "問卷調查", "survey" },
    { "问卷测评", "survey" },    { "問卷測評", "survey" },    { "interview", "interview" },
    { "个别座谈", "interview" }, { "個別座談", "interview" }, { "座谈", "interview" },
    { "座談", "interview" },     { "online", "online" },      { "网上申报", "online" },
    { "網上申報", "online" },
};

static const struct fw_word fw_media_words[] = {
    { "text", WM_FW_MEDIA_TEXT },
    { "文字", WM_FW_MEDIA_TEXT },
    { "photo", WM_FW_MEDIA_PHOTO },
    { "图片", WM_FW_MEDIA_PHOTO },
    { "圖片", WM_FW_MEDIA_PHOTO },
    { "照片", WM_FW_MEDIA_PHOTO },
    { "audiovisual", WM_FW_MEDIA_AUDIOVISUAL },
    { "音像", WM_FW_MEDIA_AUDIOVISUAL },
    { "音视频", WM_FW_MEDIA_AUDIOVISUAL },
    { "音視頻", WM_FW_MEDIA_AUDIOVISUAL },
};

static const struct fw_word fw_freq_words[] = {
    { "once", WM_FW_FREQ_ONCE },          { "一次", WM_FW_FREQ_ONCE },
    { "一次性", WM_FW_FREQ_ONCE },        { "monthly", WM_FW_FREQ_MONTHLY },
    { "每月", WM_FW_FREQ_MONTHLY },       { "按月", WM_FW_FREQ_MONTHLY },
    { "月度", WM_FW_FREQ_MONTHLY },       { "quarterly", WM_FW_FREQ_QUARTERLY },
    { "每季度", WM_FW_FREQ_QUARTERLY },   { "按季度", WM_FW_FREQ_QUARTERLY },
    { "每季", WM_FW_FREQ_QUARTERLY },     { "按季", WM_FW_FREQ_QUARTERLY },
    { "季度", WM_FW_FREQ_QUARTERLY },     { "half-yearly", WM_FW_FREQ_HALF_YEARLY },
    { "半年", WM_FW_FREQ_HALF_YEARLY },   { "每半年", WM_FW_FREQ_HALF_YEARLY },
    { "按半年", WM_FW_FREQ_HALF_YEARLY }, { "半年度", WM_FW_FREQ_HALF_YEARLY },
    { "yearly", WM_FW_FREQ_YEARLY },      { "每年", WM_FW_FREQ_YEARLY },
    { "按年", WM_FW_FREQ_YEARLY },        { "年度", WM_FW_FREQ_YEARLY },
    { "每年度", WM_FW_FREQ_YEARLY },
};

const char *
wm_fw_method_code(const char *label)
{
    if (label == NULL) {
        return NULL;
    }
    for (size_t i = 0; i < WM_ARRAY_LEN(fw_methods); i++) {
        if (strcasecmp(label, fw_methods[i].label) == 0) {
            return fw_methods[i].code;
        }
    }
    return NULL;
}

static int
fw_word_lookup(const struct fw_word *w, size_t n, const char *label)
{
    if (label == NULL) {
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        if (strcasecmp(label, w[i].label) == 0) {
            return w[i].value;
        }
    }
    return 0;
}

enum wm_fw_media
wm_fw_media_parse(const char *label)
{
    return (enum wm_fw_media)fw_word_lookup(fw_media_words, WM_ARRAY_LEN(fw_media_words), label);
}

enum wm_fw_freq
wm_fw_freq_parse(const char *label)
{
    return (enum wm_fw_freq)fw_word_lookup(fw_freq_words, WM_ARRAY_LEN(fw_freq_words), label);
}

const char *
wm_fw_rule_name(enum wm_fw_rule r)
{
    switch (r) {
    case WM_FW_RULE_POINTS:
        return "points";
    case WM_FW_RULE_GRADE:
        return "grade";
    case WM_FW_RULE_BONUS:
        return "bonus";
    case WM_FW_RULE_NEGATIVE:
        return "negative";
    case WM_FW_RULE_NONE:
        break;
    }
    return NULL;
}

const char *
wm_fw_media_name(enum wm_fw_media m)
{
    switch (m) {
    case WM_FW_MEDIA_TEXT:
        return "text";
    case WM_FW_MEDIA_PHOTO:
        return "photo";
    case WM_FW_MEDIA_AUDIOVISUAL:
        return "audiovisual";
    }
    return "text";
}

const char *
wm_fw_freq_name(enum wm_fw_freq f)
{
    switch (f) {
    case WM_FW_FREQ_ONCE:
        return "once";
    case WM_FW_FREQ_MONTHLY:
        return "monthly";
    case WM_FW_FREQ_QUARTERLY:
        return "quarterly";
    case WM_FW_FREQ_HALF_YEARLY:
        return "half-yearly";
    case WM_FW_FREQ_YEARLY:
        return "yearly";
    case WM_FW_FREQ_NONE:
        break;
    }
    return NULL;
}

int
fw_grade_index(char c)
{
    if (c >= 'A' && c <= 'D') {
        return c - 'A';
    }
    if (c >= 'a' && c <= 'd') {
        return c - 'a';
    }
    return -1;
}

int64_t
wm_fw_grade(const struct wm_fw_scoring *s, char letter)
{
    int want = fw_grade_index(letter);
    for (unsigned i = 0; s != NULL && want >= 0 && i < s->ngrades; i++) {
        if (fw_grade_index(s->grade_letter[i]) == want) {
            return s->grade[i];
        }
    }
    return -1;
}

/* ---------------------------------------------------------------- scores */

bool
wm_fw_score_parse(const char *s, int64_t *out)
{
    if (s == NULL || !isdigit((unsigned char)s[0])) {
        return false;
    }
    const char *p = s;
    int64_t ip = 0;
    unsigned nint = 0;
    while (isdigit((unsigned char)*p)) {
        if (++nint > 12) {
            return false;
        }
        ip = ip * 10 + (*p - '0');
        p++;
    }
    int64_t frac = 0;
    unsigned nfrac = 0, nmore = 0;
    bool extra = false;
    if (*p == '.') {
        p++;
        if (!isdigit((unsigned char)*p)) {
            return false;
        }
        while (isdigit((unsigned char)*p)) {
            if (nfrac < 2) {
                frac = frac * 10 + (*p - '0');
                nfrac++;
            } else {
                if (*p != '0') {
                    extra = true;
                }
                if (++nmore > 40) {
                    return false;
                }
            }
            p++;
        }
    }
    if (*p != '\0') {
        return false;
    }
    if (nfrac == 1) {
        frac *= 10;
    }
    int64_t v = ip * 100 + frac;
    if (extra) {
        /* A binary-float artefact ("0.30000000000000004") rounds to hundredths; a
        ** genuinely finer value ("0.333") is refused. */
        errno = 0;
        double x = strtod(s, NULL) * 100.0;
        double r = nearbyint(x);
        if (errno != 0 || fabs(x - r) > 1e-6) {
            return false;
        }
        v = (int64_t)r;
    }
    if (v < 0 || v > WM_FW_MAX_SCORE) {
        return false;
    }
    *out = v;
    return true;
}

const char *
wm_fw_score_format(int64_t v, char out[32])
{
    const char *sign = v < 0 ? "-" : "";
    uint64_t a = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    unsigned long long ip = (unsigned long long)(a / 100);
    unsigned fr = (unsigned)(a % 100);
    if (fr == 0) {
        snprintf(out, 32, "%s%llu", sign, ip);
    } else if (fr % 10 == 0) {
        snprintf(out, 32, "%s%llu.%u", sign, ip, fr / 10);
    } else {
        snprintf(out, 32, "%s%llu.%02u", sign, ip, fr);
    }
    return out;
}

bool
fw_score_from_json(const json_t *v, int64_t *out, bool *is_real)
{
    int64_t r;
    if (json_is_integer(v)) {
        json_int_t i = json_integer_value(v);
        if (i < 0 || i > WM_FW_MAX_SCORE / 100) {
            return false;
        }
        r = (int64_t)i * 100;
        *is_real = false;
    } else if (json_is_real(v)) {
        double x = json_real_value(v) * 100.0;
        if (!(x >= 0.0) || x > (double)WM_FW_MAX_SCORE + 0.5) {
            return false;
        }
        double n = nearbyint(x);
        if (fabs(x - n) > 1e-6) {
            return false;
        }
        r = (int64_t)n;
        *is_real = true;
    } else {
        return false;
    }
    *out = r;
    return true;
}

json_t *
fw_score_to_json(int64_t v, bool real)
{
    if (v % 100 == 0 && !real) {
        return json_integer((json_int_t)(v / 100));
    }
    /* v / 100.0 is the double nearest the decimal; printed with 15 significant digits
    ** (WM_FW_JSON_FLAGS) it reads back as the same decimal. */
    return json_real((double)v / 100.0);
}

/* ---------------------------------------------------------------- reports */

void
fw_issue(struct wm_fw_report *r,
         enum wm_fw_severity sev,
         unsigned line,
         unsigned col,
         const char *code,
         const char *field,
         const char *fmt,
         ...)
{
    if (sev == WM_FW_ERROR) {
        r->nerrors++;
        if (r->nerrors > WM_FW_MAX_ERRORS) {
            r->truncated = true;
            return;
        }
    } else {
        r->nwarnings++;
        if (r->nwarnings > WM_FW_MAX_WARNINGS) {
            r->truncated = true;
            return;
        }
    }
    r->issues = wm_realloc(r->issues, (r->nissues + 1) * sizeof(*r->issues));
    struct wm_fw_issue *is = &r->issues[r->nissues++];
    struct wm_buf b = { 0 };
    va_list ap;
    va_start(ap, fmt);
    wm_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    is->severity = sev;
    is->line = line;
    is->column = col;
    is->code = code != NULL ? wm_strdup(code) : NULL;
    is->field = field != NULL ? wm_strdup(field) : NULL;
    is->message = wm_buf_steal(&b);
}

void
wm_fw_report_reset(struct wm_fw_report *r)
{
    if (r == NULL) {
        return;
    }
    for (size_t i = 0; i < r->nissues; i++) {
        free(r->issues[i].code);
        free(r->issues[i].field);
        free(r->issues[i].message);
    }
    free(r->issues);
    r->issues = NULL;
    r->nissues = 0;
    r->nerrors = 0;
    r->nwarnings = 0;
    r->truncated = false;
}

void
wm_fw_report_free(struct wm_fw_report *r)
{
    wm_fw_report_reset(r);
}

json_t *
wm_fw_report_to_json(const struct wm_fw_report *r)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < r->nissues; i++) {
        const struct wm_fw_issue *is = &r->issues[i];
        json_t *o = json_object();
        json_object_set_new(o, "severity",
                            json_string(is->severity == WM_FW_ERROR ? "error" : "warning"));
        json_object_set_new(o, "line", json_integer(is->line));
        if (is->column > 0) {
            json_object_set_new(o, "column", json_integer(is->column));
        }
        json_object_set_new(o, "code", is->code ? json_string(is->code) : json_null());
        json_object_set_new(o, "field", is->field ? json_string(is->field) : json_null());
        json_object_set_new(o, "message", json_string(is->message));
        json_array_append_new(arr, o);
    }
    json_t *root = json_object();
    json_object_set_new(root, "errors", json_integer((json_int_t)r->nerrors));
    json_object_set_new(root, "warnings", json_integer((json_int_t)r->nwarnings));
    json_object_set_new(root, "truncated", json_boolean(r->truncated));
    json_object_set_new(root, "issues", arr);
    return root;
}

char *
wm_fw_report_text(const struct wm_fw_report *r)
{
    struct wm_buf b = { 0 };
    for (size_t i = 0; i < r->nissues; i++) {
        const struct wm_fw_issue *is = &r->issues[i];
        wm_buf_adds(&b, is->severity == WM_FW_ERROR ? "错误：" : "警告：");
        if (is->line > 0) {
            wm_buf_printf(&b, "第 %u 行", is->line);
            if (is->column > 0) {
                wm_buf_printf(&b, "第 %u 列", is->column);
            }
            wm_buf_addc(&b, ' ');
        }
        if (is->code != NULL) {
            wm_buf_printf(&b, "[%s] ", is->code);
        }
        if (is->field != NULL) {
            wm_buf_printf(&b, "%s：", is->field);
        }
        wm_buf_adds(&b, is->message);
        wm_buf_addc(&b, '\n');
    }
    if (r->truncated) {
        wm_buf_printf(&b, "（共 %zu 个错误、%zu 个警告，仅列出前 %zu 个）\n", r->nerrors,
                      r->nwarnings, r->nissues);
    }
    return wm_buf_steal(&b);
}

/* ---------------------------------------------------------------- nodes */

struct wm_ind *
fw_ind_new(void)
{
    return wm_calloc(1, sizeof(struct wm_ind));
}

void
fw_ind_free(struct wm_ind *ind)
{
    if (ind == NULL) {
        return;
    }
    for (size_t i = 0; i < ind->nchildren; i++) {
        fw_ind_free(ind->children[i]);
    }
    free(ind->children);
    free(ind->code);
    free(ind->title);
    free(ind->requirement);
    free(ind->materials);
    for (size_t i = 0; i < ind->nmethods; i++) {
        free(ind->methods[i].label);
    }
    free(ind->methods);
    for (size_t i = 0; i < ind->ndept; i++) {
        free(ind->dept[i]);
    }
    free(ind->dept);
    for (size_t i = 0; i < ind->nmedia; i++) {
        free(ind->media_label[i]);
    }
    free(ind->media);
    free(ind->media_label);
    free(ind->frequency_label);
    free(ind);
}

void
fw_ind_add_child(struct wm_ind *parent, struct wm_ind *child)
{
    parent->children =
        wm_realloc(parent->children, (parent->nchildren + 1) * sizeof(*parent->children));
    parent->children[parent->nchildren++] = child;
    child->parent = parent;
}

void
fw_top_add(struct wm_fw *fw, struct wm_ind *ind)
{
    fw->top = wm_realloc(fw->top, (fw->ntop + 1) * sizeof(*fw->top));
    fw->top[fw->ntop++] = ind;
    ind->parent = NULL;
}

void
fw_ind_add_media(struct wm_ind *ind, const char *label, enum wm_fw_media m)
{
    ind->media = wm_realloc(ind->media, (ind->nmedia + 1) * sizeof(*ind->media));
    ind->media_label = wm_realloc(ind->media_label, (ind->nmedia + 1) * sizeof(*ind->media_label));
    ind->media[ind->nmedia] = m;
    ind->media_label[ind->nmedia] = wm_strdup(label);
    ind->nmedia++;
}

void
fw_ind_add_method(struct wm_ind *ind, const char *label)
{
    ind->methods = wm_realloc(ind->methods, (ind->nmethods + 1) * sizeof(*ind->methods));
    ind->methods[ind->nmethods].label = wm_strdup(label);
    ind->methods[ind->nmethods].code = wm_fw_method_code(label);
    ind->nmethods++;
}

void
fw_ind_add_dept(struct wm_ind *ind, const char *label)
{
    ind->dept = wm_realloc(ind->dept, (ind->ndept + 1) * sizeof(*ind->dept));
    ind->dept[ind->ndept++] = wm_strdup(label);
}

bool
fw_ind_has(const struct wm_ind *ind, enum fw_key k)
{
    switch (k) {
    case FW_K_CODE:
        return ind->code != NULL;
    case FW_K_TITLE:
        return ind->title != NULL;
    case FW_K_REQUIREMENT:
        return ind->requirement != NULL;
    case FW_K_MATERIALS:
        return ind->materials != NULL;
    case FW_K_SCORE:
        return ind->has_score;
    case FW_K_SCORING:
        return ind->scoring.rule != WM_FW_RULE_NONE;
    case FW_K_METHODS:
        return ind->has_methods;
    case FW_K_VETO:
        return ind->has_veto;
    case FW_K_DEPT:
        return ind->has_dept;
    case FW_K_MEDIA:
        return ind->has_media;
    case FW_K_FREQUENCY:
        return ind->frequency_label != NULL;
    case FW_K_MIN_DOCUMENTS:
        return ind->has_min_documents;
    case FW_K_CHILDREN:
        return ind->has_children || ind->nchildren > 0;
    case FW_K__COUNT:
        break;
    }
    return false;
}

void
wm_fw_free(struct wm_fw *fw)
{
    if (fw == NULL) {
        return;
    }
    for (size_t i = 0; i < fw->ntop; i++) {
        fw_ind_free(fw->top[i]);
    }
    free(fw->top);
    free(fw->all);
    free(fw->by_code);
    free(fw->name);
    free(fw->version);
    free(fw->source);
    free(fw);
}

bool
fw_code_valid(const char *code)
{
    size_t n = strlen(code);
    if (n == 0 || n > WM_FW_MAX_CODE) {
        return false;
    }
    bool seg_empty = true;
    for (const char *p = code; *p; p++) {
        if (*p == '.') {
            if (seg_empty) {
                return false;
            }
            seg_empty = true;
        } else if (isalnum((unsigned char)*p)) {
            seg_empty = false;
        } else {
            return false;
        }
    }
    return !seg_empty;
}

unsigned
fw_code_depth(const char *code)
{
    unsigned d = 1;
    for (const char *p = code; *p; p++) {
        if (*p == '.') {
            d++;
        }
    }
    return d;
}

/* Has s a control character (line breaks and tabs allowed when multiline)? */
bool
fw_has_ctl(const char *s, bool multiline)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p < 0x20 && !(multiline && (*p == '\n' || *p == '\r' || *p == '\t'))) || *p == 0x7F) {
            return true;
        }
    }
    return false;
}

bool
fw_blank(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n') {
            p++;
        } else if (p[0] == 0xE3 && p[1] == 0x80 && p[2] == 0x80) { /* U+3000 */
            p += 3;
        } else {
            return false;
        }
    }
    return true;
}

/* ---------------------------------------------------------------- finishing */

int64_t
wm_ind_max(const struct wm_ind *ind)
{
    return ind->has_score ? ind->score : ind->total;
}

bool
wm_ind_counts(const struct wm_ind *ind)
{
    return ind->scoring.rule != WM_FW_RULE_BONUS && ind->scoring.rule != WM_FW_RULE_NEGATIVE;
}

static void
fw_collect(struct wm_fw *fw, struct wm_ind **v, size_t n, size_t *cap)
{
    for (size_t i = 0; i < n; i++) {
        if (fw->nall == *cap) {
            *cap = *cap ? *cap * 2 : 64;
            fw->all = wm_realloc(fw->all, *cap * sizeof(*fw->all));
        }
        struct wm_ind *ind = v[i];
        ind->depth = ind->parent ? ind->parent->depth + 1 : 1;
        ind->leaf = ind->nchildren == 0;
        fw->all[fw->nall++] = ind;
        fw_collect(fw, ind->children, ind->nchildren, cap);
    }
}

static int
fw_cmp_idx(const void *a, const void *b, void *ctx)
{
    const struct wm_fw *fw = ctx;
    size_t ia = *(const size_t *)a, ib = *(const size_t *)b;
    int c = strcmp(fw->all[ia]->code, fw->all[ib]->code);
    if (c != 0) {
        return c;
    }
    return ia < ib ? -1 : ia > ib;
}

void
fw_finish(struct wm_fw *fw, struct wm_fw_report *rep)
{
    size_t cap = 0;
    free(fw->all);
    fw->all = NULL;
    fw->nall = 0;
    fw_collect(fw, fw->top, fw->ntop, &cap);

    fw->nleaves = 0;
    for (size_t i = 0; i < fw->nall; i++) {
        struct wm_ind *ind = fw->all[i];
        if (ind->leaf && ++fw->nleaves == WM_FW_MAX_LEAVES + 1) {
            fw_issue(rep, WM_FW_ERROR, ind->line, 0, ind->code, "code", "末级指标超过 %d 个",
                     WM_FW_MAX_LEAVES);
        }
    }
    if (fw->nall > WM_FW_MAX_NODES) {
        fw_issue(rep, WM_FW_ERROR, fw->all[WM_FW_MAX_NODES]->line, 0, NULL, "code",
                 "指标总数超过 %d 个", WM_FW_MAX_NODES);
    }

    /* code index and duplicates */
    size_t *idx = wm_malloc((fw->nall + 1) * sizeof(*idx));
    size_t n = 0;
    for (size_t i = 0; i < fw->nall; i++) {
        if (fw->all[i]->code != NULL) {
            idx[n++] = i;
        }
    }
    qsort_r(idx, n, sizeof(*idx), fw_cmp_idx, fw);
    free(fw->by_code);
    fw->by_code = wm_malloc((n + 1) * sizeof(*fw->by_code));
    fw->nby_code = 0;
    for (size_t i = 0; i < n; i++) {
        struct wm_ind *ind = fw->all[idx[i]];
        if (fw->nby_code > 0 && strcmp(fw->by_code[fw->nby_code - 1]->code, ind->code) == 0) {
            fw_issue(rep, WM_FW_ERROR, ind->line, 0, ind->code, "code",
                     "编码“%s”重复（第 %u 行已有）", ind->code,
                     fw->by_code[fw->nby_code - 1]->line);
            continue;
        }
        fw->by_code[fw->nby_code++] = ind;
    }
    free(idx);

    /* totals, children before parents */
    for (size_t i = fw->nall; i-- > 0;) {
        struct wm_ind *ind = fw->all[i];
        if (ind->leaf) {
            ind->total = ind->has_score ? ind->score : 0;
            continue;
        }
        int64_t t = 0;
        for (size_t k = 0; k < ind->nchildren; k++) {
            if (wm_ind_counts(ind->children[k])) {
                t += wm_ind_max(ind->children[k]);
            }
        }
        ind->total = t;
    }
    fw->total = 0;
    for (size_t i = 0; i < fw->ntop; i++) {
        if (wm_ind_counts(fw->top[i])) {
            fw->total += wm_ind_max(fw->top[i]);
        }
    }
    for (size_t i = 0; i < fw->nall; i++) {
        struct wm_ind *ind = fw->all[i];
        if (!ind->leaf && ind->has_score && ind->total > ind->score) {
            char a[32], b[32];
            fw_issue(rep, WM_FW_WARNING, ind->line, 0, ind->code, "score",
                     "下级指标分值合计 %s 分，超过本级分值 %s 分",
                     wm_fw_score_format(ind->total, a), wm_fw_score_format(ind->score, b));
        }
    }
}

/* ---------------------------------------------------------------- queries */

static int
fw_cmp_code(const void *key, const void *elem)
{
    return strcmp((const char *)key, (*(struct wm_ind *const *)elem)->code);
}

const struct wm_ind *
wm_fw_find(const struct wm_fw *fw, const char *code)
{
    if (fw == NULL || code == NULL || fw->nby_code == 0) {
        return NULL;
    }
    struct wm_ind **p = bsearch(code, fw->by_code, fw->nby_code, sizeof(*fw->by_code), fw_cmp_code);
    return p != NULL ? *p : NULL;
}

static bool
fw_opt_eq(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "") == 0;
}

static bool
fw_scoring_eq(const struct wm_fw_scoring *a, const struct wm_fw_scoring *b)
{
    if (a->rule != b->rule || a->has_cap != b->has_cap || (a->has_cap && a->cap != b->cap)) {
        return false;
    }
    if (a->ngrades != b->ngrades) {
        return false;
    }
    for (char c = 'A'; c <= 'D'; c++) {
        if (wm_fw_grade(a, c) != wm_fw_grade(b, c)) {
            return false;
        }
    }
    return true;
}

/* Bit (1 << fw_key) for each field that differs (children and code not compared). */
static unsigned
fw_ind_diff_mask(const struct wm_ind *a, const struct wm_ind *b)
{
    unsigned m = 0;
    if (!fw_opt_eq(a->title, b->title)) {
        m |= 1u << FW_K_TITLE;
    }
    if (!fw_opt_eq(a->requirement, b->requirement)) {
        m |= 1u << FW_K_REQUIREMENT;
    }
    if (!fw_opt_eq(a->materials, b->materials)) {
        m |= 1u << FW_K_MATERIALS;
    }
    if (a->has_score != b->has_score || (a->has_score && a->score != b->score)) {
        m |= 1u << FW_K_SCORE;
    }
    if (!fw_scoring_eq(&a->scoring, &b->scoring)) {
        m |= 1u << FW_K_SCORING;
    }
    bool same = a->nmethods == b->nmethods;
    for (size_t i = 0; same && i < a->nmethods; i++) {
        same = strcmp(a->methods[i].label, b->methods[i].label) == 0;
    }
    if (!same) {
        m |= 1u << FW_K_METHODS;
    }
    if (a->has_veto != b->has_veto || a->veto != b->veto) {
        m |= 1u << FW_K_VETO;
    }
    same = a->ndept == b->ndept;
    for (size_t i = 0; same && i < a->ndept; i++) {
        same = strcmp(a->dept[i], b->dept[i]) == 0;
    }
    if (!same) {
        m |= 1u << FW_K_DEPT;
    }
    same = a->nmedia == b->nmedia;
    for (size_t i = 0; same && i < a->nmedia; i++) {
        same = a->media[i] == b->media[i];
    }
    if (!same) {
        m |= 1u << FW_K_MEDIA;
    }
    if (a->frequency != b->frequency) {
        m |= 1u << FW_K_FREQUENCY;
    }
    if (a->has_min_documents != b->has_min_documents || a->min_documents != b->min_documents) {
        m |= 1u << FW_K_MIN_DOCUMENTS;
    }
    return m;
}

static bool
fw_list_eq(struct wm_ind *const *a, size_t na, struct wm_ind *const *b, size_t nb)
{
    if (na != nb) {
        return false;
    }
    for (size_t i = 0; i < na; i++) {
        if (strcmp(a[i]->code, b[i]->code) != 0 || fw_ind_diff_mask(a[i], b[i]) != 0 ||
            !fw_list_eq(a[i]->children, a[i]->nchildren, b[i]->children, b[i]->nchildren)) {
            return false;
        }
    }
    return true;
}

bool
wm_fw_equal(const struct wm_fw *a, const struct wm_fw *b)
{
    if (a == NULL || b == NULL) {
        return a == b;
    }
    return fw_opt_eq(a->name, b->name) && fw_opt_eq(a->version, b->version) &&
           fw_opt_eq(a->source, b->source) && fw_list_eq(a->top, a->ntop, b->top, b->ntop);
}

static json_t *
fw_code_title(const struct wm_ind *ind)
{
    json_t *o = json_object();
    json_object_set_new(o, "code", json_string(ind->code));
    json_object_set_new(o, "title", json_string(ind->title));
    return o;
}

json_t *
wm_fw_diff(const struct wm_fw *from, const struct wm_fw *to)
{
    json_t *added = json_array(), *removed = json_array(), *changed = json_array();
    for (size_t i = 0; i < from->nall; i++) {
        const struct wm_ind *a = from->all[i];
        if (!a->leaf) {
            continue;
        }
        const struct wm_ind *b = wm_fw_find(to, a->code);
        if (b == NULL || !b->leaf) {
            json_array_append_new(removed, fw_code_title(a));
            continue;
        }
        unsigned m = fw_ind_diff_mask(a, b);
        if (m == 0) {
            continue;
        }
        json_t *o = fw_code_title(b);
        json_t *fields = json_array(), *before = json_object(), *after = json_object();
        json_t *ja = fw_ind_to_json(a, false), *jb = fw_ind_to_json(b, false);
        for (int k = 0; k < FW_K__COUNT; k++) {
            if (!(m & (1u << k))) {
                continue;
            }
            const char *key = fw_key_names[k];
            json_array_append_new(fields, json_string(key));
            json_t *va = json_object_get(ja, key), *vb = json_object_get(jb, key);
            json_object_set(before, key, va ? va : json_null());
            json_object_set(after, key, vb ? vb : json_null());
        }
        json_decref(ja);
        json_decref(jb);
        json_object_set_new(o, "fields", fields);
        json_object_set_new(o, "before", before);
        json_object_set_new(o, "after", after);
        json_array_append_new(changed, o);
    }
    for (size_t i = 0; i < to->nall; i++) {
        const struct wm_ind *b = to->all[i];
        if (!b->leaf) {
            continue;
        }
        const struct wm_ind *a = wm_fw_find(from, b->code);
        if (a == NULL || !a->leaf) {
            json_array_append_new(added, fw_code_title(b));
        }
    }
    json_t *counts = json_object();
    json_object_set_new(counts, "added", json_integer((json_int_t)json_array_size(added)));
    json_object_set_new(counts, "removed", json_integer((json_int_t)json_array_size(removed)));
    json_object_set_new(counts, "changed", json_integer((json_int_t)json_array_size(changed)));
    json_t *root = json_object();
    json_object_set_new(root, "added", added);
    json_object_set_new(root, "removed", removed);
    json_object_set_new(root, "changed", changed);
    json_object_set_new(root, "counts", counts);
    return root;
}

/* end of fw_model.c */
