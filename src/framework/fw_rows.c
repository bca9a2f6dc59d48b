/*
** fw_rows.c — frameworks as rows: import from a wm_table (CSV/XLSX, parent implied by the
** code, or by level columns 一级指标/二级指标/… as published standards lay them out),
** export to CSV (UTF-8 with BOM) and XLSX (libxlsxwriter).
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
    { "指标内容", FW_C_REQUIREMENT },
    { "指標內容", FW_C_REQUIREMENT },
    { "考核内容", FW_C_REQUIREMENT },
    { "考核內容", FW_C_REQUIREMENT },
    { "测评内容及标准", FW_C_REQUIREMENT },
    { "測評內容及標準", FW_C_REQUIREMENT },
    { "考核要求", FW_C_REQUIREMENT },
    { "工作要求", FW_C_REQUIREMENT },
    { "具体要求", FW_C_REQUIREMENT },
    { "具體要求", FW_C_REQUIREMENT },
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
    { "佐证资料", FW_C_MATERIALS },
    { "佐證資料", FW_C_MATERIALS },
    { "应提供材料", FW_C_MATERIALS },
    { "應提供材料", FW_C_MATERIALS },
    { "台账资料", FW_C_MATERIALS },
    { "臺賬資料", FW_C_MATERIALS },
    { "台賬資料", FW_C_MATERIALS },
    { "备查资料", FW_C_MATERIALS },
    { "備查資料", FW_C_MATERIALS },
    { "档案材料", FW_C_MATERIALS },
    { "檔案材料", FW_C_MATERIALS },
    { "材料清单", FW_C_MATERIALS },
    { "材料清單", FW_C_MATERIALS },
    { "佐证材料清单", FW_C_MATERIALS },
    { "佐證材料清單", FW_C_MATERIALS },
    { "台账材料", FW_C_MATERIALS },
    { "臺賬材料", FW_C_MATERIALS },
    { "台賬材料", FW_C_MATERIALS },
    { "应备材料", FW_C_MATERIALS },
    { "應備材料", FW_C_MATERIALS },
    { "score", FW_C_SCORE },
    { "分值", FW_C_SCORE },
    { "分数", FW_C_SCORE },
    { "分數", FW_C_SCORE },
    { "标准分", FW_C_SCORE },
    { "標準分", FW_C_SCORE },
    { "标准分值", FW_C_SCORE },
    { "標準分值", FW_C_SCORE },
    { "满分", FW_C_SCORE },
    { "滿分", FW_C_SCORE },
    { "基本分", FW_C_SCORE },
    { "赋分", FW_C_SCORE },
    { "賦分", FW_C_SCORE },
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
    { "考核方法", FW_C_METHODS },
    { "考核方式", FW_C_METHODS },
    { "检查方法", FW_C_METHODS },
    { "檢查方法", FW_C_METHODS },
    { "检查方式", FW_C_METHODS },
    { "檢查方式", FW_C_METHODS },
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
    { "牵头单位", FW_C_DEPTS },
    { "牽頭單位", FW_C_DEPTS },
    { "责任单位", FW_C_DEPTS },
    { "責任單位", FW_C_DEPTS },
    { "牵头部门", FW_C_DEPTS },
    { "牽頭部門", FW_C_DEPTS },
    { "责任科室", FW_C_DEPTS },
    { "責任科室", FW_C_DEPTS },
    { "牵头科室", FW_C_DEPTS },
    { "牽頭科室", FW_C_DEPTS },
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

/*
** Columns that published standards carry beside the indicators but that a framework does
** not keep (remarks, the evaluators' own score sheet columns, free-text scoring notes):
** ignored with a warning, so that a real sheet imports without editing.
*/
static const char *const fw_ignored_headers[] = {
    "备注", "備註", "说明", "說明", "评分标准", "評分標準", "测评标准", "測評標準", "评分细则",
    "評分細則", "考核标准", "考核標準", "得分", "自评分", "自評分", "自评得分", "自評得分",
    "扣分说明", "扣分說明", "扣分原因", "测评得分", "測評得分", "实得分", "實得分", "计分方法",
    "計分方法", "评分方法", "評分方法", "评分标准及方法", "評分標準及方法", "扣分标准", "扣分標準",
    "测评依据", "測評依據", "评分说明", "評分說明", NULL,
};

static char *fw_norm_header(const char *s);

static bool
fw_header_ignored(const char *cell)
{
    char *h = fw_norm_header(cell ? cell : "");
    bool hit = false;
    for (int pass = 0; pass < 2 && !hit; pass++) {
        if (pass == 1 && !wm_table_cut_bracket(h)) {
            break;
        }
        for (int i = 0; fw_ignored_headers[i] && !hit; i++) {
            hit = wm_streq(h, fw_ignored_headers[i]);
        }
    }
    free(h);
    return hit;
}

/*
** Level columns of standards laid out without a code column: 一级指标 | 二级指标 | … with
** the higher levels' cells filled on the first row of their group only (merged cells).
** The rank orders them; 测评项目 is below any numbered level, and a title column, when the
** header also has level columns, is the deepest level of all (FW_RANK_TITLE).
*/
#define FW_RANK_TITLE 7
#define FW_MAX_LEVELS 7 /* ranks 1..7; a requirement leaf below them makes depth 8 */
#define FW_MAX_LCOLS (FW_MAX_LEVELS + 1) /* and 测评内容 when it groups 测评标准 rows */
#define FW_MAX_MARKS 16                  /* method columns ticked with √ */

static const struct {
    const char *alias;
    unsigned rank;
} fw_level_aliases[] = {
    { "一级指标", 1 }, { "一級指標", 1 }, { "一级", 1 },     { "一級", 1 },     { "二级指标", 2 },
    { "二級指標", 2 }, { "二级", 2 },     { "二級", 2 },     { "三级指标", 3 }, { "三級指標", 3 },
    { "三级", 3 },     { "三級", 3 },     { "四级指标", 4 }, { "四級指標", 4 }, { "四级", 4 },
    { "四級", 4 },     { "五级指标", 5 }, { "五級指標", 5 }, { "五级", 5 },     { "五級", 5 },
    { "测评项目", 6 }, { "測評項目", 6 }, { "考核项目", 6 }, { "考核項目", 6 },
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

/* ---------------------------------------------------------------- titles of level cells */

/* The code point at s and its length in bytes (0 at the end; 1 for a stray byte). */
static uint32_t
fw_cp(const char *s, size_t *len)
{
    const unsigned char *p = (const unsigned char *)s;
    if (p[0] < 0x80) {
        *len = p[0] != 0;
        return p[0];
    }
    if ((p[0] & 0xE0) == 0xC0 && (p[1] & 0xC0) == 0x80) {
        *len = 2;
        return ((uint32_t)(p[0] & 0x1F) << 6) | (p[1] & 0x3F);
    }
    if ((p[0] & 0xF0) == 0xE0 && (p[1] & 0xC0) == 0x80 && (p[2] & 0xC0) == 0x80) {
        *len = 3;
        return ((uint32_t)(p[0] & 0x0F) << 12) | ((uint32_t)(p[1] & 0x3F) << 6) | (p[2] & 0x3F);
    }
    if ((p[0] & 0xF8) == 0xF0 && (p[1] & 0xC0) == 0x80 && (p[2] & 0xC0) == 0x80 &&
        (p[3] & 0xC0) == 0x80) {
        *len = 4;
        return ((uint32_t)(p[0] & 0x07) << 18) | ((uint32_t)(p[1] & 0x3F) << 12) |
               ((uint32_t)(p[2] & 0x3F) << 6) | (p[3] & 0x3F);
    }
    *len = 1;
    return 0xFFFD;
}

static bool
fw_is_cn_digit(uint32_t cp)
{
    static const uint32_t digits[] = {
        0x4E00, 0x4E8C, 0x4E09, 0x56DB, 0x4E94, 0x516D, 0x4E03, 0x516B,
        0x4E5D, 0x5341, 0x767E, 0x96F6, 0x3007, 0x4E24, 0x5169
    }; /* 一…十 百 零 〇 两 兩 */
    for (size_t i = 0; i < WM_ARRAY_LEN(digits); i++) {
        if (cp == digits[i]) {
            return true;
        }
    }
    return false;
}

static bool
fw_is_cjk(uint32_t cp)
{
    return (cp >= 0x3400 && cp <= 0x9FFF) || (cp >= 0xF900 && cp <= 0xFAFF) ||
           (cp >= 0x20000 && cp <= 0x2FFFF);
}

/* '.', '、', '．' */
static bool
fw_is_dot(uint32_t cp)
{
    return cp == '.' || cp == 0x3001 || cp == 0xFF0E;
}

static bool
fw_is_space(uint32_t cp)
{
    return cp == ' ' || cp == '\t' || cp == 0x3000;
}

/* What may end a number: a dot, a space or a closing parenthesis. */
static bool
fw_is_numsep(uint32_t cp)
{
    return fw_is_dot(cp) || fw_is_space(cp) || cp == ')' || cp == 0xFF09;
}

/* Runs of white space (ASCII, line breaks of multi-line cells) as one space, trimmed at both
** ends (U+3000 too); a run with a line break between two Chinese characters (or full-width
** punctuation) goes altogether, as a cell wrapped by hand reads on; NULL when nothing is
** left. */
static char *
fw_squash(const char *s)
{
    struct wm_buf b = { 0 };
    bool space = false, brk = false;
    for (const char *p = s; *p; p++) {
        if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n') {
            space = true;
            brk = brk || *p == '\r' || *p == '\n';
            continue;
        }
        bool wide = (unsigned char)*p >= 0x80 && b.len > 0 &&
                    (unsigned char)b.data[b.len - 1] >= 0x80;
        if (space && b.len > 0 && !(brk && wide)) {
            wm_buf_addc(&b, ' ');
        }
        space = brk = false;
        wm_buf_addc(&b, *p);
    }
    char *raw = wm_buf_steal(&b);
    char *t = fw_trim_dup(raw);
    free(raw);
    return t;
}

/* One run of 1..3 ASCII digits at p, optionally followed by ".digits" runs; returns the end
** (p itself when there is no digit) and whether a dot was taken. */
static const char *
fw_digits(const char *p, bool *dotted)
{
    *dotted = false;
    for (;;) {
        size_t n = 0;
        while (n < 4 && isdigit((unsigned char)p[n])) {
            n++;
        }
        if (n == 0 || n > 3) {
            return NULL;
        }
        p += n;
        if (p[0] == '.' && isdigit((unsigned char)p[1])) {
            *dotted = true;
            p++;
            continue;
        }
        return p;
    }
}

/*
** Skip a numbering prefix at the start of a title: 一、 （一） (1) 1. 1、 1) 1.1 ① ⑴ ⒈ Ⅰ A1
** A、.  Returns the text after it and the separators that follow it, or s itself when there
** is no prefix or nothing follows it.  *pcode receives a copy of a numeric prefix ("1",
** "1.2.3") that could be an indicator code, else NULL.
*/
static const char *
fw_strip_number(const char *s, char **pcode)
{
    size_t l;
    const char *p = s, *num_end = NULL;
    uint32_t cp = fw_cp(p, &l);
    bool dotted;

    *pcode = NULL;
    if (cp == '(' || cp == 0xFF08) {
        p += l;
        unsigned n = 0;
        for (cp = fw_cp(p, &l); n < 4 && (fw_is_cn_digit(cp) || (cp >= '0' && cp <= '9'));
             cp = fw_cp(p, &l)) {
            p += l;
            n++;
        }
        if (n == 0 || (cp != ')' && cp != 0xFF09)) {
            return s;
        }
    } else if ((cp >= 0x2460 && cp <= 0x249B) || (cp >= 0x24EB && cp <= 0x24FF) ||
               (cp >= 0x2776 && cp <= 0x2793) || (cp >= 0x2160 && cp <= 0x217F)) {
        /* ① ⑴ ⒈ ⓫ ❶ Ⅰ */
    } else if (fw_is_cn_digit(cp)) {
        unsigned n = 0;
        while (n < 4 && fw_is_cn_digit(cp)) {
            p += l;
            n++;
            cp = fw_cp(p, &l);
        }
        if (!fw_is_dot(cp)) {
            return s; /* 一票否决, 五四 … are words, not numbers */
        }
    } else if (cp < 0x80 && isdigit((int)cp)) {
        const char *q = fw_digits(p, &dotted);
        if (q == NULL) {
            return s;
        }
        p = q;
        cp = fw_cp(p, &l);
        if (!fw_is_numsep(cp) && !(dotted && fw_is_cjk(cp))) {
            return s; /* 2024年, 100% … */
        }
        num_end = p;
        l = 0;
    } else if (cp < 0x80 && isalpha((int)cp)) {
        unsigned n = 0;
        while (n < 3 && isalpha((unsigned char)p[n])) {
            n++;
        }
        if (n > 2) {
            return s;
        }
        p += n;
        if (isdigit((unsigned char)*p)) {
            const char *q = fw_digits(p, &dotted);
            if (q == NULL) {
                return s;
            }
            p = q;
            cp = fw_cp(p, &l);
            if (!fw_is_numsep(cp) && !fw_is_cjk(cp)) {
                return s;
            }
        } else {
            cp = fw_cp(p, &l);
            if (n != 1 || !fw_is_dot(cp)) {
                return s;
            }
        }
        l = 0;
    } else {
        return s;
    }
    p += l;
    for (cp = fw_cp(p, &l); cp != 0 && fw_is_numsep(cp); cp = fw_cp(p, &l)) {
        p += l;
    }
    if (*p == '\0') {
        return s;
    }
    if (num_end != NULL) {
        *pcode = wm_strndup(s, (size_t)(num_end - s));
    }
    return p;
}

/* p after optional spaces (ASCII or U+3000) */
static const char *
fw_skip_spaces(const char *p)
{
    size_t l;
    while (fw_is_space(fw_cp(p, &l))) {
        p += l;
    }
    return p;
}

/*
** A score at the end of a title: "…（10分）", "…(共10分)", "…（满分：0.5分）", "… 10分".  On
** success the title is cut before it (trailing spaces too) and true is returned; the title
** is never left empty.
*/
static bool
fw_strip_score(char *t, int64_t *score)
{
    static const char *const words[] = { "满分", "滿分", "总分", "總分", "合计", "合計",
                                         "共计", "共計", "分值", "共",   "计",   "計" };
    static const char fen[] = "\xE5\x88\x86"; /* 分 */
    size_t n = strlen(t);
    char *cut = NULL;
    const char *num = NULL, *num_end = NULL;

    if (n > 0 && (t[n - 1] == ')' || (n >= 3 && memcmp(t + n - 3, "\xEF\xBC\x89", 3) == 0))) {
        char *close = t[n - 1] == ')' ? t + n - 1 : t + n - 3;
        char *open = NULL;
        size_t olen = 0;
        for (char *p = t; p < close; p++) {
            if (*p == '(') {
                open = p;
                olen = 1;
            } else if (memcmp(p, "\xEF\xBC\x88", 3) == 0) {
                open = p;
                olen = 3;
            }
        }
        if (open == NULL) {
            return false;
        }
        const char *p = fw_skip_spaces(open + olen);
        for (size_t i = 0; i < WM_ARRAY_LEN(words); i++) {
            if (strncmp(p, words[i], strlen(words[i])) == 0) {
                p += strlen(words[i]);
                break;
            }
        }
        if (*p == ':') {
            p++;
        } else if (strncmp(p, "\xEF\xBC\x9A", 3) == 0) {
            p += 3;
        }
        num = fw_skip_spaces(p);
        num_end = num;
        while (isdigit((unsigned char)*num_end) || *num_end == '.') {
            num_end++;
        }
        p = fw_skip_spaces(num_end);
        if (strncmp(p, fen, 3) != 0 || fw_skip_spaces(p + 3) != close) {
            return false;
        }
        cut = open;
    } else if (n > 3 && memcmp(t + n - 3, fen, 3) == 0) {
        num_end = t + n - 3;
        num = num_end;
        while (num > t && (isdigit((unsigned char)num[-1]) || num[-1] == '.')) {
            num--;
        }
        cut = (char *)num;
    } else {
        return false;
    }
    if (num == num_end || !isdigit((unsigned char)*num)) {
        return false;
    }
    char *digits = wm_strndup(num, (size_t)(num_end - num));
    int64_t v;
    bool ok = wm_fw_score_parse(digits, &v);
    free(digits);
    if (!ok) {
        return false;
    }
    /* the title without it, trailing spaces dropped */
    char *e = cut;
    for (;;) {
        if (e > t && (e[-1] == ' ' || e[-1] == '\t')) {
            e--;
        } else if (e - t >= 3 && fw_is_u3000(e - 3)) {
            e -= 3;
        } else {
            break;
        }
    }
    if (e == t) {
        return false;
    }
    *e = '\0';
    *score = v;
    return true;
}

/*
** The title of a level cell: line breaks folded, numbering prefix and a trailing score
** removed.  *pcode as fw_strip_number(); *has_score and *score from a trailing score.
*/
static char *
fw_level_title(const char *raw, char **pcode, bool *has_score, int64_t *score)
{
    char *sq = fw_squash(raw);
    *pcode = NULL;
    *has_score = false;
    if (sq == NULL) {
        return wm_strdup("");
    }
    char *t = wm_strdup(fw_strip_number(sq, pcode));
    free(sq);
    *has_score = fw_strip_score(t, score);
    return t;
}

#define FW_REQ_TITLE_MAX 40 /* characters of a title taken from a requirement */

/*
** The title of a leaf that has only a requirement: its first sentence (up to '。', '；' or
** ';') without a numbering prefix, at most FW_REQ_TITLE_MAX characters ("…" ends a cut).
*/
static char *
fw_req_title(const char *req)
{
    char *sq = fw_squash(req);
    char *pc = NULL;
    if (sq == NULL) {
        return NULL;
    }
    const char *s = fw_strip_number(sq, &pc);
    free(pc);
    const char *end = s + strlen(s);
    static const char *const stops[] = { "\xE3\x80\x82", "\xEF\xBC\x9B", ";" };
    for (size_t i = 0; i < WM_ARRAY_LEN(stops); i++) {
        const char *q = strstr(s, stops[i]);
        if (q != NULL && q > s && q < end) {
            end = q;
        }
    }
    size_t nchars = 0, l;
    const char *p = s;
    while (p < end && nchars < FW_REQ_TITLE_MAX) {
        fw_cp(p, &l);
        p += l;
        nchars++;
    }
    struct wm_buf b = { 0 };
    if (p < end) {
        /* too long: FW_REQ_TITLE_MAX - 1 characters and an ellipsis */
        p = s;
        for (size_t i = 0; i + 1 < FW_REQ_TITLE_MAX; i++) {
            fw_cp(p, &l);
            p += l;
        }
        wm_buf_add(&b, s, (size_t)(p - s));
        wm_buf_adds(&b, "\xE2\x80\xA6");
    } else {
        wm_buf_add(&b, s, (size_t)(end - s));
    }
    free(sq);
    char *raw = wm_buf_steal(&b);
    char *t = fw_trim_dup(raw);
    free(raw);
    return t;
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
    int lcol[FW_MAX_LCOLS]; /* level columns, highest level first */
    unsigned nlevels;
    int mcol[FW_MAX_MARKS]; /* columns headed by a method (实地查看 …), ticked per row */
    const char *mlabel[FW_MAX_MARKS];
    unsigned nmarks;
    bool has_total; /* a total row with a score: total, on total_line */
    int64_t total;
    unsigned total_line;
};

static char *fw_score_cell(const char *cell);

/*
** Skip a row that is no indicator (blank silently, a total or a note with a warning); a
** total's score is kept in c->total, to be checked against the indicators' once the tree
** is made.
*/
static bool
fw_row_skip(struct fw_rctx *c, const struct wm_row *row, unsigned line)
{
    enum wm_row_kind kind = wm_table_row_kind(row);
    if (kind == WM_ROW_DATA || kind == WM_ROW_BLANK) {
        return kind == WM_ROW_BLANK;
    }
    if (kind == WM_ROW_NOTE) {
        fw_issue(c->rep, WM_FW_WARNING, line, 0, NULL, NULL, "说明行不是指标，已跳过");
        return true;
    }
    fw_issue(c->rep, WM_FW_WARNING, line, 0, NULL, NULL, "%s行不是指标，已跳过",
             kind == WM_ROW_TOTAL ? "合计" : "小计");
    char *cell = c->col[FW_C_SCORE] >= 0 ? fw_trim_dup(wm_row_cell(row, c->col[FW_C_SCORE]))
                                          : NULL;
    char *norm = cell ? fw_score_cell(cell) : NULL;
    int64_t v;
    if (kind == WM_ROW_TOTAL && norm && wm_fw_score_parse(norm, &v)) {
        c->has_total = true;
        c->total = v;
        c->total_line = line;
    }
    free(norm);
    free(cell);
    return true;
}

/* The total row's score against the framework's (after fw_finish). */
static void
fw_check_total(const struct fw_rctx *c, const struct wm_fw *fw)
{
    if (c->has_total && fw != NULL && fw->total != c->total) {
        char a[32], b[32];
        fw_issue(c->rep, WM_FW_WARNING, c->total_line, 0, NULL, "score",
                 "合计行的分值 %s 与各指标分值之和 %s 不一致", wm_fw_score_format(c->total, a),
                 wm_fw_score_format(fw->total, b));
    }
}

/* The row's deepest non-blank level cell, trimmed, or NULL; *level gets its 1-based rank
** among the level columns (0 when none). */
static char *
fw_row_deepest(const struct fw_rctx *c, const struct wm_row *row, unsigned *level)
{
    *level = 0;
    for (unsigned i = c->nlevels; i-- > 0;) {
        char *s = fw_trim_dup(wm_row_cell(row, c->lcol[i]));
        if (s != NULL) {
            *level = i + 1;
            return s;
        }
    }
    return NULL;
}

static void
fw_fill_fields(struct fw_rctx *c, struct wm_ind *ind, char *cell[FW_C__COUNT], unsigned line);

/* Words of a published sheet kept with the indicator: "计分：每缺一项扣1分" on a line of its
** own after the requirement. */
static void
fw_keep_note(struct wm_ind *ind, const char *label, const char *text)
{
    char *r = ind->requirement ? wm_asprintf("%s\n%s：%s", ind->requirement, label, text)
                               : wm_asprintf("%s：%s", label, text);
    free(ind->requirement);
    ind->requirement = r;
}

/* Has s a byte outside ASCII (words of a sheet, not a rule's or a number's syntax)? */
static bool
fw_has_wide(const char *s)
{
    for (; *s; s++) {
        if ((unsigned char)*s >= 0x80) {
            return true;
        }
    }
    return false;
}

/* The number a score cell starts with when words follow it ("5分（每项1分）", "10/项"), as
** text (caller frees), or NULL. */
static char *
fw_score_lead(const char *norm)
{
    size_t n = 0;
    while (isdigit((unsigned char)norm[n]) || (n > 0 && norm[n] == '.')) {
        n++;
    }
    return n > 0 && norm[n] != '\0' ? wm_strndup(norm, n) : NULL;
}

/* Does a ticked method cell say yes (√, ✓, ●, 是 …; anything but blank or a no)? */
static bool
fw_mark_set(const char *cell)
{
    static const char *const no[] = { "×", "✗", "✘", "否", "无", "無", "-", "—", "/",
                                      "／", "0", "n", "no", NULL };
    char *t = fw_trim_dup(cell ? cell : "");
    bool set = t != NULL;
    for (int i = 0; set && no[i]; i++) {
        set = strcasecmp(t, no[i]) != 0;
    }
    free(t);
    return set;
}

/*
** The row's cells of the fields from..FW_C__COUNT-1, trimmed (NULL when blank or absent);
** with method columns (实地查看 | 听取汇报 | 审阅资料 ticked √) and no methods cell, the
** methods are the ticked columns' labels.
*/
static void
fw_read_cells(const struct fw_rctx *c, const struct wm_row *row, int from,
              char *cell[FW_C__COUNT])
{
    for (int k = from; k < FW_C__COUNT; k++) {
        cell[k] = c->col[k] >= 0 ? fw_trim_dup(wm_row_cell(row, c->col[k])) : NULL;
    }
    if (cell[FW_C_METHODS] != NULL || c->nmarks == 0) {
        return;
    }
    struct wm_buf b = { 0 };
    for (unsigned i = 0; i < c->nmarks; i++) {
        if (fw_mark_set(wm_row_cell(row, c->mcol[i]))) {
            wm_buf_printf(&b, "%s%s", b.len ? "、" : "", c->mlabel[i]);
        }
    }
    cell[FW_C_METHODS] = b.len ? wm_buf_steal(&b) : NULL;
    wm_buf_free(&b);
}

/*
** One data row into a new node, or NULL when the row cannot take part in the tree.  With
** level columns (and codes that fit them) the title is the row's deepest level cell.
*/
static struct wm_ind *
fw_row_ind(struct fw_rctx *c, const struct wm_row *row, unsigned line)
{
    char *cell[FW_C__COUNT] = { NULL };
    struct wm_ind *ind = NULL;
    bool has_tscore = false;
    int64_t tscore = 0;
    fw_read_cells(c, row, 0, cell);
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

    if (c->nlevels > 0) {
        unsigned level;
        char *raw = fw_row_deepest(c, row, &level);
        free(cell[FW_C_TITLE]);
        cell[FW_C_TITLE] = NULL;
        if (raw != NULL) {
            char *pcode = NULL;
            cell[FW_C_TITLE] = fw_level_title(raw, &pcode, &has_tscore, &tscore);
            free(pcode);
            free(raw);
        }
    }
    if (cell[FW_C_TITLE] == NULL) {
        fw_issue(c->rep, WM_FW_ERROR, line, 0, code, "title", "标题不能为空");
        ind->title = wm_strdup("");
    } else if (fw_has_ctl(cell[FW_C_TITLE], false)) {
        fw_issue(c->rep, WM_FW_ERROR, line, 0, code, "title", "含有控制字符");
    } else {
        ind->title = cell[FW_C_TITLE];
        cell[FW_C_TITLE] = NULL;
    }
    fw_fill_fields(c, ind, cell, line);
    if (has_tscore && !ind->has_score) {
        ind->has_score = true;
        ind->score = tscore;
    }

cleanup:
    for (int k = 0; k < FW_C__COUNT; k++) {
        free(cell[k]);
    }
    return ind;
}

/*
** A score cell as people write it in published standards: "2", "2分", "2 分", "２．５",
** "2.0分"; a dash, a slash or 无 means no score (NULL).  Returns the plain number text
** (caller frees) for wm_fw_score_parse, which judges it.
*/
static char *
fw_score_cell(const char *cell)
{
    static const char *const none[] = {"—", "——", "－", "–", "/", "／", "无", "無", "-", NULL};
    struct wm_buf b = {0};
    for (const char *p = cell; *p;) {
        /* full-width digits and point */
        if (0 == strncmp(p, "．", 3)) {
            wm_buf_addc(&b, '.');
            p += 3;
        } else if ((unsigned char)p[0] == 0xEF && (unsigned char)p[1] == 0xBC &&
                   (unsigned char)p[2] >= 0x90 && (unsigned char)p[2] <= 0x99) {
            wm_buf_addc(&b, (char)('0' + ((unsigned char)p[2] - 0x90)));
            p += 3;
        } else {
            wm_buf_addc(&b, *p++);
        }
    }
    char *t = wm_buf_steal(&b);
    wm_trim(t);
    for (int i = 0; none[i]; i++) {
        if (wm_streq(t, none[i])) {
            free(t);
            return NULL;
        }
    }
    size_t n = strlen(t);
    if (n > 3 && 0 == strcmp(t + n - 3, "分")) {
        t[n - 3] = '\0';
        wm_trim(t);
    }
    return t;
}

/*
** The fields of an indicator other than code and title from a row's cells (trimmed, NULL
** when blank); cells taken over are set to NULL, the caller frees the rest.  Issues name
** @a line and the indicator's code.
*/
static void
fw_fill_fields(struct fw_rctx *c, struct wm_ind *ind, char *cell[FW_C__COUNT], unsigned line)
{
    const char *code = ind->code;
    char err[256];
    for (int k = FW_C_REQUIREMENT; k < FW_C__COUNT; k++) {
        if (cell[k] != NULL &&
            fw_has_ctl(cell[k], k == FW_C_REQUIREMENT || k == FW_C_MATERIALS)) {
            fw_issue(c->rep, WM_FW_ERROR, line, 0, code, fw_col_names[k], "含有控制字符");
            free(cell[k]);
            cell[k] = NULL;
        }
    }
    ind->requirement = cell[FW_C_REQUIREMENT];
    cell[FW_C_REQUIREMENT] = NULL;
    ind->materials = cell[FW_C_MATERIALS];
    cell[FW_C_MATERIALS] = NULL;

    enum wm_fw_rule implied = WM_FW_RULE_NONE; /* a score cell reading 加分项 */
    if (cell[FW_C_SCORE] != NULL) {
        const char *s = cell[FW_C_SCORE];
        char *norm = fw_score_cell(s), *lead = NULL;
        if (NULL == norm) {
            /* "—", "/", "无": the standard gives no score for this item */
        } else if (wm_fw_score_parse(norm, &ind->score)) {
            ind->has_score = true;
        } else if (s[0] == '-') {
            fw_issue(c->rep, WM_FW_ERROR, line, 0, code, "score", "分值不能为负数：“%s”", s);
        } else if (NULL != (lead = fw_score_lead(norm)) && wm_fw_score_parse(lead, &ind->score)) {
            /* "5分（每项1分）", "10/项": the number, and the words kept */
            ind->has_score = true;
            fw_keep_note(ind, "分值", s);
            fw_issue(c->rep, WM_FW_WARNING, line, 0, code, "score",
                     "分值“%s”按 %s 分计，原文附在测评内容之后", s, lead);
        } else if (NULL != strstr(s, "加分") || NULL != strstr(s, "減分") ||
                   NULL != strstr(s, "减分")) {
            implied = NULL != strstr(s, "加分") ? WM_FW_RULE_BONUS : WM_FW_RULE_NEGATIVE;
            fw_keep_note(ind, "分值", s);
            fw_issue(c->rep, WM_FW_WARNING, line, 0, code, "score",
                     "分值“%s”不是数字：按%s项处理，原文附在测评内容之后", s,
                     implied == WM_FW_RULE_BONUS ? "加分" : "减分");
        } else {
            fw_issue(c->rep, WM_FW_ERROR, line, 0, code, "score",
                     "分值“%s”无效：应为非负数，最多两位小数", s);
        }
        free(lead);
        free(norm);
    }
    if (cell[FW_C_SCORING] != NULL) {
        const char *s = cell[FW_C_SCORING];
        if (!fw_scoring_parse(s, &ind->scoring, err, sizeof(err))) {
            memset(&ind->scoring, 0, sizeof(ind->scoring));
            if (fw_has_wide(s)) {
                /* the words of a published sheet ("每缺一项扣1分"): the rule they name, and
                ** the words kept */
                ind->scoring.rule = strstr(s, "加分")                        ? WM_FW_RULE_BONUS
                                    : strstr(s, "减分") || strstr(s, "減分") ? WM_FW_RULE_NEGATIVE
                                    : strstr(s, "扣")                        ? WM_FW_RULE_POINTS
                                                                             : WM_FW_RULE_NONE;
                fw_keep_note(ind, "计分", s);
                fw_issue(c->rep, WM_FW_WARNING, line, 0, code, "scoring",
                         "计分方式“%s”不是评分规则的写法%s，原文附在测评内容之后", s,
                         ind->scoring.rule == WM_FW_RULE_POINTS     ? "：按扣分计"
                         : ind->scoring.rule == WM_FW_RULE_BONUS    ? "：按加分项计"
                         : ind->scoring.rule == WM_FW_RULE_NEGATIVE ? "：按减分项计"
                                                                    : "");
            } else {
                fw_issue(c->rep, WM_FW_ERROR, line, 0, code, "scoring", "%s", err);
            }
        }
    } else if (implied != WM_FW_RULE_NONE) {
        ind->scoring.rule = implied;
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

/* ---------------------------------------------------------------- level columns */

/*
** A node of the level layout while the rows are read: the group of a level cell, or a row
** with content (a leaf candidate).  The tree is shaped once all rows are in, because a level
** cell that spans one row of content is a leaf while one spanning several is a folder.
*/
struct fw_lv {
    struct fw_lv **kids; /* level nodes and content rows, in row order */
    size_t nkids;
    char *raw;          /* level node: the cell as written (trimmed); NULL for a row */
    size_t row;         /* table row: where the level node opens, or the content row */
    unsigned line;      /* source line of that row */
    unsigned depth;     /* 1 at the top level; 0 for the root */
    bool consumed;      /* a row whose cells describe its level node itself */
    struct wm_ind *ind; /* the indicator made of it (owned by the framework); else NULL */
    char *pcode;        /* numeric prefix of the level cell that may serve as code */
    bool has_tscore;    /* a score written in the level cell ("（10分）") */
    int64_t tscore;
    long field_row; /* table row whose cells give ind its fields, or -1 */
};

static struct fw_lv *
fw_lv_new(struct fw_lv *parent, size_t row, unsigned line, char *raw)
{
    struct fw_lv *n = wm_calloc(1, sizeof(*n));
    n->raw = raw;
    n->row = row;
    n->line = line;
    n->depth = parent->depth + 1;
    n->field_row = -1;
    parent->kids = wm_realloc(parent->kids, (parent->nkids + 1) * sizeof(*parent->kids));
    parent->kids[parent->nkids++] = n;
    return n;
}

/* Free the kids of n (not n itself). */
static void
fw_lv_free_kids(struct fw_lv *n)
{
    for (size_t i = 0; i < n->nkids; i++) {
        fw_lv_free_kids(n->kids[i]);
        free(n->kids[i]->raw);
        free(n->kids[i]->pcode);
        free(n->kids[i]);
    }
    free(n->kids);
    n->kids = NULL;
    n->nkids = 0;
}

/* Has the row a cell that describes an indicator (requirement … min_documents)? */
static bool
fw_row_has_content(const struct fw_rctx *c, const struct wm_row *row)
{
    for (int k = FW_C_REQUIREMENT; k < FW_C__COUNT; k++) {
        if (c->col[k] >= 0 && !fw_blank(wm_row_cell(row, c->col[k]))) {
            return true;
        }
    }
    for (unsigned i = 0; i < c->nmarks; i++) {
        if (fw_mark_set(wm_row_cell(row, c->mcol[i]))) {
            return true;
        }
    }
    return false;
}

/*
** Make the indicators of n's kids and attach them (to n->ind, or to the framework's top
** level for the root).  A level node whose only content is the row that opened it is a
** leaf with that row's fields; otherwise it is a folder, the opening row describes the
** folder itself when it has no requirement, and every other content row is a leaf titled
** from its requirement.
*/
static void
fw_lv_shape(struct fw_rctx *c, const struct wm_table *t, struct fw_lv *n, struct wm_fw *fw)
{
    for (size_t i = 0; i < n->nkids; i++) {
        struct fw_lv *k = n->kids[i];
        if (k->consumed) {
            continue;
        }
        k->ind = fw_ind_new();
        k->ind->line = k->line;
        if (n->ind != NULL) {
            fw_ind_add_child(n->ind, k->ind);
            n->ind->has_children = true;
        } else {
            fw_top_add(fw, k->ind);
        }
        if (k->raw == NULL) {
            const char *req = wm_row_cell(&t->rows[k->row], c->col[FW_C_REQUIREMENT]);
            k->ind->title = fw_req_title(req); /* NULL: reported when the code is known */
            k->field_row = (long)k->row;
            continue;
        }
        k->ind->title = fw_level_title(k->raw, &k->pcode, &k->has_tscore, &k->tscore);
        bool leaf = true;
        for (size_t j = 0; j < k->nkids; j++) {
            if (k->kids[j]->raw != NULL || k->kids[j]->row != k->row) {
                leaf = false;
            }
        }
        for (size_t j = 0; j < k->nkids; j++) {
            struct fw_lv *r = k->kids[j];
            if (r->raw != NULL || r->row != k->row || k->field_row >= 0) {
                continue;
            }
            if (leaf || fw_blank(wm_row_cell(&t->rows[r->row], c->col[FW_C_REQUIREMENT]))) {
                r->consumed = true;
                k->field_row = (long)r->row;
            }
        }
        fw_lv_shape(c, t, k, fw);
    }
}

/*
** Codes of n's descendants: the numeric prefixes of the level cells when @a numbered (false
** as soon as one is missing or does not extend its parent's code by one segment), else by
** position ("2", "2.1", "2.1.3").  Rows titled from their requirement are numbered by
** position either way.
*/
static bool
fw_lv_codes(struct fw_lv *n, const char *parent, bool numbered)
{
    size_t pos = 0;
    for (size_t i = 0; i < n->nkids; i++) {
        struct fw_lv *k = n->kids[i];
        if (k->ind == NULL) {
            continue;
        }
        pos++;
        char *code;
        if (numbered && k->raw != NULL) {
            if (k->pcode == NULL || !fw_code_valid(k->pcode) ||
                fw_code_depth(k->pcode) != k->depth) {
                return false;
            }
            if (parent != NULL &&
                (!wm_startswith(k->pcode, parent) || k->pcode[strlen(parent)] != '.')) {
                return false;
            }
            code = wm_strdup(k->pcode);
        } else if (parent != NULL) {
            code = wm_asprintf("%s.%zu", parent, pos);
        } else {
            code = wm_asprintf("%zu", pos);
        }
        free(k->ind->code);
        k->ind->code = code;
        if (!fw_lv_codes(k, code, numbered)) {
            return false;
        }
    }
    return true;
}

static void
fw_lv_collect_codes(const struct fw_lv *n, const char ***v, size_t *len)
{
    for (size_t i = 0; i < n->nkids; i++) {
        const struct fw_lv *k = n->kids[i];
        if (k->ind != NULL) {
            *v = wm_realloc(*v, (*len + 1) * sizeof(**v));
            (*v)[(*len)++] = k->ind->code;
            fw_lv_collect_codes(k, v, len);
        }
    }
}

static int
fw_cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Are the codes of the tree unique? */
static bool
fw_lv_codes_unique(const struct fw_lv *root)
{
    const char **v = NULL;
    size_t n = 0;
    bool ok = true;
    fw_lv_collect_codes(root, &v, &n);
    if (n > 1) {
        qsort(v, n, sizeof(*v), fw_cmp_str);
    }
    for (size_t i = 1; i < n && ok; i++) {
        ok = strcmp(v[i - 1], v[i]) != 0;
    }
    free(v);
    return ok;
}

/* Titles checked and fields filled, now that the codes are known. */
static void
fw_lv_fill(struct fw_rctx *c, const struct wm_table *t, struct fw_lv *n)
{
    for (size_t i = 0; i < n->nkids; i++) {
        struct fw_lv *k = n->kids[i];
        if (k->ind == NULL) {
            continue;
        }
        struct wm_ind *ind = k->ind;
        if (ind->title == NULL) {
            fw_issue(c->rep, WM_FW_ERROR, k->line, 0, ind->code, "title",
                     "标题不能为空：该行各级指标都是空的，也没有测评内容");
            ind->title = wm_strdup("");
        } else if (fw_has_ctl(ind->title, false)) {
            fw_issue(c->rep, WM_FW_ERROR, k->line, 0, ind->code, "title", "含有控制字符");
        }
        if (k->field_row >= 0) {
            const struct wm_row *row = &t->rows[k->field_row];
            char *cell[FW_C__COUNT] = { NULL };
            fw_read_cells(c, row, FW_C_REQUIREMENT, cell);
            fw_fill_fields(c, ind, cell, row->line ? row->line : (unsigned)k->field_row + 1);
            for (int f = 0; f < FW_C__COUNT; f++) {
                free(cell[f]);
            }
        }
        if (k->has_tscore && !ind->has_score) {
            ind->has_score = true;
            ind->score = k->tscore;
        }
        fw_lv_fill(c, t, k);
    }
}

/*
** A section row, as Word tables head each part: one cell across the table ("一、组织领导
** （20分）"), read as that row's only filled cell when it is in the first column or the
** code column (序号) and in no level, field or method column.  Its text (caller frees), or
** NULL.
*/
static char *
fw_row_section(const struct fw_rctx *c, const struct wm_row *row)
{
    int only = -1;
    for (size_t i = 0; i < row->ncells; i++) {
        if (!fw_blank(row->cells[i])) {
            if (only >= 0) {
                return NULL;
            }
            only = (int)i;
        }
    }
    if (only < 0 || (only != 0 && only != c->col[FW_C_CODE])) {
        return NULL; /* a cell across the table starts at its first column */
    }
    for (unsigned i = 0; i < c->nlevels; i++) {
        if (c->lcol[i] == only) {
            return NULL;
        }
    }
    for (int k = FW_C_TITLE; k < FW_C__COUNT; k++) {
        if (c->col[k] == only) {
            return NULL;
        }
    }
    for (unsigned i = 0; i < c->nmarks; i++) {
        if (c->mcol[i] == only) {
            return NULL;
        }
    }
    return fw_trim_dup(row->cells[only]);
}

/*
** The tree of a table with level columns and no usable code column: a non-blank level
** cell opens a node at its level under the deepest open higher one (closing deeper ones);
** a blank one, or one repeating the open node's text (filled down), continues it.  Each
** row with content attaches to the deepest open node; fw_lv_shape() decides the rest.
*/
static void
fw_levels_build(struct fw_rctx *c, const struct wm_table *t, size_t first, struct wm_fw *fw)
{
    struct fw_lv root = { .field_row = -1 };
    struct fw_lv *open[FW_MAX_LCOLS] = { NULL };
    struct fw_lv *top = &root; /* the section row's node, or the root */

    for (size_t r = first; r < t->nrows; r++) {
        const struct wm_row *row = &t->rows[r];
        unsigned line = row->line ? row->line : (unsigned)r + 1;
        if (fw_row_skip(c, row, line)) {
            continue;
        }
        char *section = fw_row_section(c, row);
        if (section != NULL) {
            top = fw_lv_new(&root, r, line, section);
            for (unsigned j = 0; j < c->nlevels; j++) {
                open[j] = NULL;
            }
            continue;
        }
        bool opened = false;
        for (unsigned i = 0; i < c->nlevels; i++) {
            char *cell = fw_trim_dup(wm_row_cell(row, c->lcol[i]));
            if (cell == NULL) {
                continue;
            }
            if (!opened && open[i] != NULL && strcmp(open[i]->raw, cell) == 0) {
                free(cell);
                continue;
            }
            struct fw_lv *parent = top;
            for (unsigned j = i; j-- > 0;) {
                if (open[j] != NULL) {
                    parent = open[j];
                    break;
                }
            }
            open[i] = fw_lv_new(parent, r, line, cell);
            for (unsigned j = i + 1; j < c->nlevels; j++) {
                open[j] = NULL;
            }
            opened = true;
        }
        if (fw_row_has_content(c, row)) {
            struct fw_lv *anchor = top;
            for (unsigned j = c->nlevels; j-- > 0;) {
                if (open[j] != NULL) {
                    anchor = open[j];
                    break;
                }
            }
            fw_lv_new(anchor, r, line, NULL);
        }
    }
    fw_lv_shape(c, t, &root, fw);
    if (!fw_lv_codes(&root, NULL, true) || !fw_lv_codes_unique(&root)) {
        bool ok = fw_lv_codes(&root, NULL, false);
        (void)ok; /* positional codes always fit */
    }
    fw_lv_fill(c, t, &root);
    fw_lv_free_kids(&root);
}

/*
** With a code column and level columns both: the codes make the tree (each row a node,
** titled by its deepest level cell) only when every row has a valid code whose depth is
** the level of that cell (any depth with a single level column), the codes are unique and
** every parent is present.  Otherwise they are mere numbering (1, 2, 3 … or 一, （一）) and
** the tree comes from the level columns.
*/
static bool
fw_codes_usable(const struct fw_rctx *c, const struct wm_table *t, size_t first)
{
    char **codes = wm_calloc(t->nrows + 1, sizeof(*codes));
    size_t n = 0;
    bool ok = true;
    for (size_t r = first; r < t->nrows && ok; r++) {
        const struct wm_row *row = &t->rows[r];
        if (wm_table_row_kind(row) != WM_ROW_DATA) {
            continue;
        }
        char *code = fw_trim_dup(wm_row_cell(row, c->col[FW_C_CODE]));
        unsigned level;
        char *title = fw_row_deepest(c, row, &level);
        free(title);
        if (code == NULL || !fw_code_valid(code) || fw_code_depth(code) > WM_FW_MAX_DEPTH ||
            level == 0 || (c->nlevels > 1 && fw_code_depth(code) != level)) {
            free(code);
            ok = false;
            break;
        }
        codes[n++] = code;
    }
    if (ok && n > 1) {
        qsort(codes, n, sizeof(*codes), fw_cmp_str);
    }
    for (size_t i = 0; ok && i < n; i++) {
        if (i > 0 && strcmp(codes[i - 1], codes[i]) == 0) {
            ok = false;
            break;
        }
        char *dot = strrchr(codes[i], '.');
        if (dot != NULL) {
            char *pc = wm_strndup(codes[i], (size_t)(dot - codes[i]));
            ok = bsearch(&pc, codes, n, sizeof(*codes), fw_cmp_str) != NULL;
            free(pc);
        }
    }
    for (size_t i = 0; i < n; i++) {
        free(codes[i]);
    }
    free(codes);
    return ok;
}

/* Is the header 测评标准 (or 考核标准), the standard's own words for each item? */
static bool
fw_standard_named(const char *header)
{
    static const char *const names[] = { "测评标准", "測評標準", "考核标准", "考核標準", NULL };
    char *h = fw_norm_header(header);
    bool named = false;
    for (int i = 0; names[i] && !named; i++) {
        named = wm_streq(h, names[i]);
    }
    free(h);
    return named;
}

/*
** Standards of another layout: 测评项目 | 测评内容 | 测评标准 | 测评方法 | 分值, where a
** 测评内容 cell (merged) spans several 测评标准 rows, each an item with a score or a
** method of its own.  There 测评内容 is a level and 测评标准 the items' requirement.  Where
** the 测评标准 rows under a 测评内容 only continue its scoring notes (nothing else of their
** own), the column stays ignored.  True when column col of the rows from first holds items.
*/
static bool
fw_standard_items(const struct fw_rctx *c, const struct wm_table *t, size_t first,
                  const char *header, int col)
{
    if (!fw_standard_named(header) || c->col[FW_C_REQUIREMENT] < 0) {
        return false;
    }
    for (size_t r = first; r < t->nrows; r++) {
        const struct wm_row *row = &t->rows[r];
        if (!fw_blank(wm_row_cell(row, c->col[FW_C_REQUIREMENT])) ||
            fw_blank(wm_row_cell(row, col)) || wm_table_row_kind(row) != WM_ROW_DATA) {
            continue;
        }
        for (int k = FW_C_REQUIREMENT + 1; k < FW_C__COUNT; k++) {
            if (c->col[k] >= 0 && !fw_blank(wm_row_cell(row, c->col[k]))) {
                return true;
            }
        }
    }
    return false;
}

/* A header cell naming a method (实地查看, 听取汇报 …): column col is ticked per row. */
static bool
fw_method_header(struct fw_rctx *c, const char *cell, int col)
{
    char *h = fw_trim_dup(cell);
    bool method = h != NULL && wm_fw_method_code(h) != NULL && c->nmarks < FW_MAX_MARKS;
    free(h);
    if (method) {
        c->mcol[c->nmarks] = col;
        c->mlabel[c->nmarks++] = cell;
    }
    return method;
}

/*
** A two-row header: 测评方法 over the columns 实地查看 | 听取汇报 | 审阅资料 of the row
** below (merged across them).  True when row hrow + 1 names methods under the 测评方法
** column and the blank header cells after it, and nothing else: those become method
** columns and the row is no data.
*/
static bool
fw_method_subheader(struct fw_rctx *c, const struct wm_table *t, size_t hrow)
{
    int mc = c->col[FW_C_METHODS];
    if (mc < 0 || hrow + 1 >= t->nrows) {
        return false;
    }
    const struct wm_row *hdr = &t->rows[hrow], *sub = &t->rows[hrow + 1];
    size_t end = (size_t)mc + 1;
    while (end < sub->ncells && fw_blank(wm_row_cell(hdr, (int)end))) {
        end++;
    }
    struct fw_rctx probe = *c;
    probe.nmarks = c->nmarks;
    for (size_t i = 0; i < sub->ncells; i++) {
        bool blank = fw_blank(sub->cells[i]);
        if (i < (size_t)mc || i >= end) {
            if (!blank) {
                return false;
            }
        } else if (!blank && !fw_method_header(&probe, sub->cells[i], (int)i)) {
            return false;
        }
    }
    if (probe.nmarks == c->nmarks) {
        return false;
    }
    *c = probe;
    c->col[FW_C_METHODS] = -1;
    return true;
}

/* Header cell → column (or -1) and level rank (or 0); false when the cell is empty once
** normalised. */
static bool
fw_header_kind(const char *cell, int *col, unsigned *rank)
{
    char *h = fw_norm_header(cell);
    bool named = h[0] != '\0';
    *col = -1;
    *rank = 0;
    /* as written, then without a trailing bracket: 分值（分）, 分值(100分) */
    for (int pass = 0; pass < 2 && *col < 0 && *rank == 0; pass++) {
        if (pass == 1 && !wm_table_cut_bracket(h)) {
            break;
        }
        for (size_t a = 0; a < WM_ARRAY_LEN(fw_col_aliases); a++) {
            if (strcmp(h, fw_col_aliases[a].alias) == 0) {
                *col = (int)fw_col_aliases[a].col;
                break;
            }
        }
        for (size_t a = 0; *col < 0 && a < WM_ARRAY_LEN(fw_level_aliases); a++) {
            if (strcmp(h, fw_level_aliases[a].alias) == 0) {
                *rank = fw_level_aliases[a].rank;
                break;
            }
        }
    }
    free(h);
    return named;
}

/*
** The header row: the first of the first few rows with at least two known column names, so
** that a title line above the header ("××市文明城市测评体系") is skipped; else row 0.
*/
static size_t
fw_header_row_or_none(const struct wm_table *t, bool *found)
{
    *found = false;
    for (size_t r = 0; r < t->nrows && r < 5; r++) {
        const struct wm_row *row = &t->rows[r];
        unsigned known = 0;
        for (size_t i = 0; i < row->ncells && i < (size_t)WM_TABLE_MAX_COLS; i++) {
            int col;
            unsigned rank;
            if (fw_header_kind(row->cells[i], &col, &rank)) {
                known += col >= 0 || rank > 0;
            }
        }
        if (known >= 2) {
            *found = true;
            return r;
        }
    }
    return 0;
}

static size_t
fw_header_row(const struct wm_table *t)
{
    bool found;
    return fw_header_row_or_none(t, &found);
}

/* Whether a sheet looks like a standard (a header with known columns in its first rows). */
static bool
fw_sheet_fits(const struct wm_table *t, void *cls)
{
    bool found;
    (void)cls;
    (void)fw_header_row_or_none(t, &found);
    return found;
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
    size_t hrow = fw_header_row(t);
    const struct wm_row *hdr = &t->rows[hrow];
    unsigned hline = hdr->line ? hdr->line : (unsigned)hrow + 1;
    int rank_col[FW_MAX_LEVELS + 1], ignored[WM_TABLE_MAX_COLS];
    size_t nignored = 0;
    for (unsigned i = 0; i <= FW_MAX_LEVELS; i++) {
        rank_col[i] = -1;
    }
    for (size_t i = 0; i < hdr->ncells && i < (size_t)WM_TABLE_MAX_COLS; i++) {
        int col;
        unsigned rank;
        if (!fw_header_kind(hdr->cells[i], &col, &rank)) {
            continue;
        }
        if (col < 0 && rank == 0 && fw_header_ignored(hdr->cells[i])) {
            ignored[nignored++] = (int)i; /* reported below, unless it holds the items */
        } else if (col < 0 && rank == 0 && fw_method_header(&c, hdr->cells[i], (int)i)) {
            /* a method column, ticked per row */
        } else if (col < 0 && rank == 0) {
            fw_issue(c.rep, WM_FW_ERROR, hline, 0, NULL, hdr->cells[i],
                     "未知的列“%s”（可用的列：code、title、requirement、materials、score、scoring、"
                     "methods、veto、depts、media、frequency、min_documents，或一级指标、二级指标"
                     "……五级指标、测评项目）",
                     hdr->cells[i]);
        } else if (col < 0) {
            if (rank_col[rank] >= 0) {
                fw_issue(c.rep, WM_FW_ERROR, hline, 0, NULL, hdr->cells[i], "列“%s”重复",
                         hdr->cells[i]);
            } else {
                rank_col[rank] = (int)i;
            }
        } else if (c.col[col] >= 0) {
            fw_issue(c.rep, WM_FW_ERROR, hline, 0, NULL, fw_col_names[col], "列“%s”重复",
                     hdr->cells[i]);
        } else {
            c.col[col] = (int)i;
        }
    }
    size_t first = hrow + 1; /* the first data row */
    if (fw_method_subheader(&c, t, hrow)) {
        first++;
    }
    int items = -1; /* the 测评标准 column when it holds the items (fw_standard_items) */
    for (size_t k = 0; k < nignored; k++) {
        if (c.col[FW_C_REQUIREMENT] < 0 && fw_standard_named(hdr->cells[ignored[k]])) {
            /* no 测评内容 column: 测评标准 is what is required */
            c.col[FW_C_REQUIREMENT] = ignored[k];
            continue;
        }
        if (items < 0 && fw_standard_items(&c, t, first, hdr->cells[ignored[k]], ignored[k])) {
            items = ignored[k];
            continue;
        }
        fw_issue(c.rep, WM_FW_WARNING, hline, 0, NULL, hdr->cells[ignored[k]],
                 "列“%s”不属于测评体系的字段，已忽略", hdr->cells[ignored[k]]);
    }
    for (unsigned rank = 1; rank <= FW_MAX_LEVELS; rank++) {
        if (rank_col[rank] >= 0) {
            c.lcol[c.nlevels++] = rank_col[rank];
        }
    }
    if (c.nlevels > 0 && c.col[FW_C_TITLE] >= 0) {
        c.lcol[c.nlevels++] = c.col[FW_C_TITLE]; /* FW_RANK_TITLE: the deepest level */
    }
    if (items >= 0) {
        /* 测评内容 groups the items: the deepest level; 测评标准 is their requirement */
        c.lcol[c.nlevels++] = c.col[FW_C_REQUIREMENT];
        c.col[FW_C_REQUIREMENT] = items;
    }
    bool levels =
        c.nlevels > 0 &&
        (c.col[FW_C_CODE] < 0 || (c.rep->nerrors == errors0 && !fw_codes_usable(&c, t, first)));
    if (!levels && c.col[FW_C_CODE] < 0) {
        fw_issue(c.rep, WM_FW_ERROR, hline, 0, NULL, "code",
                 "缺少编码列 code（编码），也没有一级指标、二级指标……等各级指标列");
    }
    if (!levels && c.nlevels == 0 && c.col[FW_C_TITLE] < 0) {
        fw_issue(c.rep, WM_FW_ERROR, hline, 0, NULL, "title", "缺少标题列 title（指标）");
    }
    if (c.rep->nerrors > errors0) {
        goto cleanup;
    }
    if (levels) {
        fw = wm_calloc(1, sizeof(*fw));
        fw->name = name ? wm_strdup(name) : NULL;
        fw->version = version ? wm_strdup(version) : NULL;
        fw->source = source ? wm_strdup(source) : NULL;
        fw_levels_build(&c, t, first, fw);
        if (fw->ntop == 0 && c.rep->nerrors == errors0) {
            fw_issue(c.rep, WM_FW_ERROR, hline, 0, NULL, NULL, "没有任何指标行");
        }
        fw_finish(fw, c.rep);
        fw_check_total(&c, fw);
        if (c.rep->nerrors == errors0) {
            *out = fw;
            fw = NULL;
            rc = WM_OK;
        }
        goto cleanup;
    }

    nodes = wm_calloc(t->nrows, sizeof(*nodes));
    for (size_t r = first; r < t->nrows; r++) {
        const struct wm_row *row = &t->rows[r];
        unsigned line = row->line ? row->line : (unsigned)r + 1;
        if (fw_row_skip(&c, row, line)) {
            continue;
        }
        struct wm_ind *ind = fw_row_ind(&c, row, line);
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
    fw_check_total(&c, fw);
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
    unsigned sheets = 0;
    if (wm_table_read_fitting_n(data, len, fmt, fw_sheet_fits, NULL, &t, &sheets, err,
                                sizeof(err)) != 0) {
        fw_issue(r, WM_FW_ERROR, 0, 0, NULL, NULL, "无法读取表格：%s", err);
        rc = WM_E_BAD_REQUEST;
        goto cleanup;
    }
    if (t->converted_from != NULL) {
        fw_issue(r, WM_FW_WARNING, 0, 0, NULL, NULL,
                 "文件编码为 %s 而不是 UTF-8，已自动转换；请核对文字是否正确", t->converted_from);
    }
    /* a workbook of several standards (one per unit type, say) is not one standard */
    if (sheets > 1) {
        fw_issue(r, WM_FW_WARNING, 0, 0, NULL, NULL,
                 "工作簿中有 %u 个工作表像测评体系，只导入了第一个；其他工作表请另存为单独的文件后"
                 "分别导入",
                 sheets);
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

/* A CSV cell; a text cell goes through wm_cell_text (no formula injection). */
static void
fw_csv_cell(struct wm_buf *b, const char *s, bool text)
{
    struct wm_buf tmp = { 0 };
    if (text) {
        s = wm_cell_text(s, &tmp);
    }
    if (strpbrk(s, ",\"\r\n") == NULL && s[0] != ' ' && (s[0] == '\0' || s[strlen(s) - 1] != ' ')) {
        wm_buf_adds(b, s);
        wm_buf_free(&tmp);
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
    wm_buf_free(&tmp);
}

/* The number columns; every other one is text. */
static bool
fw_col_is_number(int k)
{
    return k == FW_C_SCORE || k == FW_C_MIN_DOCUMENTS;
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
            fw_csv_cell(&b, cells[k], !fw_col_is_number(k));
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
                struct wm_buf tmp = { 0 };
                le = worksheet_write_string(ws, r, (lxw_col_t)k, wm_cell_text(cells[k], &tmp),
                                            k == FW_C_CODE ? text : NULL);
                wm_buf_free(&tmp);
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
