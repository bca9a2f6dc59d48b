/*
** test_search.c — the search tokenizer (bigrams, single characters, words, folding).
*/
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "wm_search.h"
#include "wm_util.h"

struct toks {
    struct wm_buf b;
    const char *src;
};

static int
collect(void *ctx, const char *tok, size_t len, size_t start, size_t end, unsigned flags)
{
    struct toks *t = ctx;
    if (t->b.len) {
        wm_buf_addc(&t->b, ' ');
    }
    wm_buf_add(&t->b, tok, len);
    if (flags & WM_TOK_SINGLE) {
        wm_buf_addc(&t->b, '$');
    }
    /* the source range is inside the text and starts on a character */
    assert_true(start < end);
    assert_true(0x80 != ((unsigned char)t->src[start] & 0xC0));
    return 0;
}

static char *
toks(const char *text, enum wm_tok_mode mode)
{
    struct toks t = {{0}, text};
    assert_int_equal(0, wm_search_tokenize(text, strlen(text), mode, collect, &t));
    return wm_buf_steal(&t.b);
}

#define TOKS(text, mode, want)                \
    do {                                      \
        char *got_ = toks(text, mode);        \
        assert_string_equal(got_, want);      \
        free(got_);                           \
    } while (0)

static void
test_bigrams(void **state)
{
    (void)state;
    TOKS("道德讲堂", WM_TOK_INDEX, "道德 德讲 讲堂 堂$");
    TOKS("道德讲堂", WM_TOK_QUERY, "道德 德讲 讲堂");
    TOKS("档", WM_TOK_INDEX, "档$");
    TOKS("档", WM_TOK_QUERY, "档$");
    TOKS("文明，创建", WM_TOK_INDEX, "文明 明$ 创建 建$");
}

static void
test_words_and_widths(void **state)
{
    (void)state;
    TOKS("2024年度 PDF报告", WM_TOK_INDEX, "2024 年度 度$ pdf 报告 告$");
    TOKS("ＰＤＦ２０２４", WM_TOK_INDEX, "pdf2024");
    TOKS("Hello-World_v2.0", WM_TOK_QUERY, "hello world v2 0");
    TOKS("", WM_TOK_INDEX, "");
    TOKS("，。！  ", WM_TOK_INDEX, "");
}

static void
test_traditional(void **state)
{
    (void)state;
    TOKS("檔案", WM_TOK_INDEX, "档案 案$");
    TOKS("學雷鋒志願服務", WM_TOK_QUERY, "学雷 雷锋 锋志 志愿 愿服 服务");
    char *f = wm_search_fold("創建檔案ＡＢＣ", strlen("創建檔案ＡＢＣ"));
    assert_string_equal(f, "创建档案abc");
    free(f);
    assert_int_equal(wm_search_fold_cp(0x6A94 /* 檔 */), 0x6863 /* 档 */);
    /* folding is idempotent: the store folds a query's tokens again */
    for (unsigned c = 0x3400; c < 0xFB00; c++) {
        unsigned once = wm_search_fold_cp(c);
        assert_int_equal(wm_search_fold_cp(once), once);
    }
}

static void
test_invalid_utf8(void **state)
{
    (void)state;
    const char bad[] = "\xE6\x96\xff文明\xC0\x80" "ab\xF0\x9F";
    struct toks t = {{0}, bad};
    assert_int_equal(0, wm_search_tokenize(bad, sizeof bad - 1, WM_TOK_INDEX, collect, &t));
    assert_string_equal(t.b.data, "文明 明$ ab");
    wm_buf_free(&t.b);
}

/* ---------------------------------------------------------------- queries */

/* The FTS5 and tsquery texts of q; both NULL-safe to compare. */
#define COMPILES(q, want_fts5, want_ts)                         \
    do {                                                        \
        char err_[128];                                         \
        struct wm_sq *sq_ = wm_sq_parse(q, err_, sizeof err_);  \
        if (!sq_) {                                             \
            fail_msg("%s: %s", q, err_);                        \
        }                                                       \
        char *f_ = wm_sq_fts5(sq_, NULL);                       \
        char *t_ = wm_sq_tsquery(sq_);                          \
        assert_string_equal(f_, want_fts5);                     \
        assert_string_equal(t_, want_ts);                       \
        free(f_);                                               \
        free(t_);                                               \
        wm_sq_free(sq_);                                        \
    } while (0)

#define REFUSED(q, want_err)                                    \
    do {                                                        \
        char err_[128];                                         \
        struct wm_sq *sq_ = wm_sq_parse(q, err_, sizeof err_);  \
        assert_null(sq_);                                       \
        assert_string_equal(err_, want_err);                    \
    } while (0)

static void
test_query_compile(void **state)
{
    (void)state;
    COMPILES("道德讲堂", "\"道德\" + \"德讲\" + \"讲堂\"", "'道德' <-> '德讲' <-> '讲堂'");
    COMPILES("年", "\"年\" *", "'年':*");
    COMPILES("2024年", "\"2024\" + \"年\" *", "'2024' <-> '年':*");
    COMPILES("2024年 PDF", "\"2024\" + \"年\" * AND \"pdf\"", "'2024' <-> '年':* & 'pdf'");
    COMPILES("檔案", "\"档案\"", "'档案'");
    COMPILES("文明 OR 创建", "\"文明\" OR \"创建\"", "'文明' | '创建'");
    COMPILES("文明 | 创建 档案", "\"文明\" OR (\"创建\" AND \"档案\")",
             "'文明' | ('创建' & '档案')");
    COMPILES("(文明 OR 创建) 档案", "(\"文明\" OR \"创建\") AND \"档案\"",
             "('文明' | '创建') & '档案'");
    COMPILES("文明 -创建", "\"文明\" NOT \"创建\"", "'文明' & !'创建'");
    COMPILES("-创建 文明", "\"文明\" NOT \"创建\"", "'文明' & !'创建'");
    COMPILES("(a -b) OR c", "(\"a\" NOT \"b\") OR \"c\"", "('a' & !'b') | 'c'");
    COMPILES("『文明』＊ 學", "\"文明\" * AND \"学\" *", "'文明':* & '学':*");
    COMPILES("NOT 创建 文明 AND 档案", "(\"文明\" AND \"档案\") NOT \"创建\"",
             "'文明' & '档案' & !'创建'");
    COMPILES("文明 -道德讲堂", "\"文明\" NOT \"道德\" + \"德讲\" + \"讲堂\"",
             "'文明' & !('道德' <-> '德讲' <-> '讲堂')");
    COMPILES("pdf*", "\"pdf\" *", "'pdf':*");
    COMPILES("\"创建 文明\"", "\"创建\" + \"建\" + \"文明\"", "'创建' <-> '建' <-> '文明'");
    COMPILES("报告2024", "\"报告\" + \"告\" + \"2024\"", "'报告' <-> '告' <-> '2024'");
    COMPILES("“学雷锋”　「志愿」", "\"学雷\" + \"雷锋\" AND \"志愿\"",
             "'学雷' <-> '雷锋' & '志愿'");
    COMPILES("（文明｜创建）　－档案", "(\"文明\" OR \"创建\") NOT \"档案\"",
             "('文明' | '创建') & !'档案'");
    COMPILES("\"hello world\"*", "\"hello\" + \"world\" *", "'hello' <-> 'world':*");
    COMPILES("a -(b c)", "\"a\" NOT (\"b\" AND \"c\")", "'a' & !('b' & 'c')");
    /* forgiven: unbalanced quotes and parentheses, dangling operators, punctuation */
    COMPILES("((文明 创建", "\"文明\" AND \"创建\"", "'文明' & '创建'");
    COMPILES("文明) 创建)", "\"文明\" AND \"创建\"", "'文明' & '创建'");
    COMPILES("\"文明 创建", "\"文明\" + \"明\" + \"创建\"", "'文明' <-> '明' <-> '创建'");
    COMPILES("OR 文明 OR", "\"文明\"", "'文明'");
    COMPILES("文明 NOT", "\"文明\"", "'文明'");
    COMPILES("文明 ，。 ()", "\"文明\"", "'文明'");
    COMPILES("--文明", "\"文明\"", "'文明'");
    COMPILES("or and not", "\"or\" AND \"and\" AND \"not\"", "'or' & 'and' & 'not'");
    /* columns */
    char err[128];
    struct wm_sq *q = wm_sq_parse("文明 -创建", err, sizeof err);
    assert_non_null(q);
    char *f = wm_sq_fts5(q, "{title body}");
    assert_string_equal(f, "{title body} : (\"文明\" NOT \"创建\")");
    free(f);
    char *t = wm_sq_tsquery_weights(q, "A");
    assert_string_equal(t, "'文明':A & !'创建':A");
    free(t);
    wm_sq_free(q);
    q = wm_sq_parse("2024年 pdf", err, sizeof err);
    t = wm_sq_tsquery_weights(q, "BAx");
    assert_string_equal(t, "'2024':AB <-> '年':*AB & 'pdf':AB");
    free(t);
    t = wm_sq_tsquery_weights(q, "");
    assert_string_equal(t, "'2024' <-> '年':* & 'pdf'");
    free(t);
    wm_sq_free(q);
}

static void
test_query_errors(void **state)
{
    (void)state;
    REFUSED("", "请输入要查找的字词");
    REFUSED("   　 ", "请输入要查找的字词");
    REFUSED("，。！？ ()", "请输入要查找的字词");
    REFUSED(NULL, "请输入要查找的字词");
    REFUSED("-文明", "检索式不能只有排除的词");
    REFUSED("NOT 文明 -创建", "检索式不能只有排除的词");
    REFUSED("文明 OR -创建", "检索式不能只有排除的词");
    REFUSED("文明 (-创建 OR -档案)", "检索式不能只有排除的词");
    char *lng = wm_malloc(WM_SQ_MAX_LEN + 2);
    memset(lng, 'a', WM_SQ_MAX_LEN + 1);
    lng[WM_SQ_MAX_LEN + 1] = '\0';
    REFUSED(lng, "检索词太长");
    lng[WM_SQ_MAX_LEN] = '\0';
    struct wm_sq *q = wm_sq_parse(lng, NULL, 0);
    assert_non_null(q);
    wm_sq_free(q);
    free(lng);
    struct wm_buf many = { 0 };
    for (int i = 0; i < WM_SQ_MAX_TERMS; i++) {
        wm_buf_adds(&many, "年 ");
    }
    q = wm_sq_parse(many.data, NULL, 0);
    assert_non_null(q);
    wm_sq_free(q);
    wm_buf_adds(&many, "月，。");
    REFUSED(many.data, "检索词太多");
    wm_buf_free(&many);
    struct wm_buf deep = { 0 };
    for (int i = 0; i < 40; i++) {
        wm_buf_addc(&deep, '(');
    }
    wm_buf_adds(&deep, "文明");
    REFUSED(deep.data, "检索式的括号或排除嵌套太深");
    wm_buf_free(&deep);
    /* a short error buffer gets whole characters */
    char small[8];
    assert_null(wm_sq_parse("", small, sizeof small));
    assert_string_equal(small, "请输");
}

static bool
matches(const char *q, const char *text)
{
    char err[128];
    struct wm_sq *sq = wm_sq_parse(q, err, sizeof err);
    if (!sq) {
        fail_msg("%s: %s", q, err);
    }
    bool m = wm_sq_matches(sq, text, strlen(text));
    wm_sq_free(sq);
    return m;
}

static void
test_query_matches(void **state)
{
    (void)state;
    /* traditional finds simplified and back */
    assert_true(matches("檔案", "单位档案管理办法"));
    assert_true(matches("档案", "單位檔案管理辦法"));
    assert_true(matches("學雷鋒", "开展学雷锋志愿服务活动"));
    assert_false(matches("档案", "单位文件管理"));
    /* one, two and four characters */
    assert_true(matches("年", "2024年度报告"));
    assert_true(matches("度", "2024年度报告")); /* inside a run */
    assert_true(matches("告", "2024年度报告")); /* a run's last character */
    assert_false(matches("月", "2024年度报告"));
    assert_true(matches("文明", "创建文明城市"));
    assert_false(matches("文明", "文化明天"));
    assert_true(matches("道德讲堂", "举办道德讲堂活动"));
    assert_false(matches("道德讲堂", "道德与讲堂"));
    assert_false(matches("道德讲堂", "讲堂道德"));
    /* mixed Chinese and Latin */
    assert_true(matches("2024年 PDF", "关于2024年度的PDF文件"));
    assert_true(matches("2024年 pdf", "ＰＤＦ：２０２４年"));
    assert_false(matches("2024年 PDF", "关于2023年度的PDF文件"));
    assert_true(matches("报告2024", "年度报告2024版"));
    assert_false(matches("报告2024", "年度报告 2023 2024版"));
    /* phrase against AND */
    assert_true(matches("\"文明 创建\"", "文明，创建"));
    assert_false(matches("\"文明 创建\"", "文明城市的创建"));
    assert_true(matches("文明 创建", "文明城市的创建"));
    assert_false(matches("文明 创建", "文明城市"));
    /* OR, NOT, prefix */
    assert_true(matches("档案 OR 文件", "文件管理"));
    assert_true(matches("档案 | 文件", "档案管理"));
    assert_false(matches("档案 OR 文件", "资料管理"));
    assert_true(matches("管理 -档案", "文件管理"));
    assert_false(matches("管理 -档案", "档案管理"));
    assert_false(matches("管理 NOT (文件 OR 档案)", "文件管理"));
    assert_true(matches("管理 NOT (文件 OR 档案)", "资料管理"));
    assert_true(matches("(档案 OR 文件) 管理 -资料", "文件管理"));
    assert_true(matches("pdf*", "the PDFs"));
    assert_false(matches("pdf", "the PDFs"));
    assert_false(matches("pdfs*", "the PDF"));
    assert_true(matches("\"hello wor\"*", "Hello, World!"));
    assert_false(matches("\"hello wor\"", "Hello, World!"));
    /* fields: AND across them, a phrase inside one */
    struct wm_sq *q = wm_sq_parse("文明 创建", NULL, 0);
    struct wm_sq *ph = wm_sq_parse("\"文明 创建\"", NULL, 0);
    const char *f[2] = { "全国文明", "创建城市" };
    size_t fl[2] = { strlen(f[0]), strlen(f[1]) };
    assert_true(wm_sq_matches_fields(q, f, fl, 2));
    assert_false(wm_sq_matches_fields(ph, f, fl, 2));
    assert_true(wm_sq_matches(ph, "全国文明，创建城市", strlen("全国文明，创建城市")));
    /* a phrase's blank stands for a break in the Han run: 文明创建 is another run */
    assert_false(wm_sq_matches(ph, "全国文明创建城市", strlen("全国文明创建城市")));
    wm_sq_free(q);
    wm_sq_free(ph);
    /* invalid UTF-8 in the text is a separator */
    assert_true(matches("文明", "\xff文明\xc0"));
    assert_false(matches("文明", "文\xff明"));
}

/* The snippet as "[text]{hit}..." for comparison. */
static char *
snippet(const char *q, const char *text, size_t len, size_t max)
{
    struct wm_sq *sq = wm_sq_parse(q, NULL, 0);
    assert_non_null(sq);
    json_t *a = wm_sq_snippet(sq, text, len, max);
    wm_sq_free(sq);
    assert_true(json_is_array(a));
    struct wm_buf b = { 0 };
    size_t i;
    json_t *seg;
    json_array_foreach(a, i, seg)
    {
        const char *t = json_string_value(json_object_get(seg, "text"));
        json_t *hit = json_object_get(seg, "hit");
        assert_non_null(t);
        assert_true(json_is_boolean(hit));
        assert_true(wm_utf8_valid(t, strlen(t)));
        assert_true(t[0] != '\0');
        wm_buf_printf(&b, json_is_true(hit) ? "{%s}" : "[%s]", t);
    }
    json_decref(a);
    return wm_buf_steal(&b);
}

#define SNIPPET(q, text, max, want)                                \
    do {                                                           \
        char *got_ = snippet(q, text, strlen(text), max);          \
        assert_string_equal(got_, want);                           \
        free(got_);                                                \
    } while (0)

static void
test_snippet(void **state)
{
    (void)state;
    /* the whole text fits: hits marked, bigrams merged */
    SNIPPET("道德讲堂", "本周举办道德讲堂活动。", 40, "[本周举办]{道德讲堂}[活动。]");
    SNIPPET("檔案", "單位档案", 40, "[單位]{档案}");
    SNIPPET("年", "2024年度", 40, "[2024]{年}[度]");
    SNIPPET("年 年度", "2024年度", 40, "[2024]{年度}");
    SNIPPET("2024年 PDF", "2024年度的PDF文件", 40, "{2024年}[度的]{PDF}[文件]");
    SNIPPET("pdf*", "two PDFs", 40, "[two ]{PDFs}");
    /* a NOT's words are not hits */
    SNIPPET("文明 -城市", "文明城市", 40, "{文明}[城市]");
    /* no hit: the beginning */
    SNIPPET("档案", "一二三四五六七八九十", 4, "[一二三四][…]");
    /* the window goes to the cluster of hits, with ellipses where cut */
    SNIPPET("档案 管理",
            "档案在开头。一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十"
            "这里讲档案管理的办法，档案管理很重要。一二三四五六七八九十",
            20, "[…][十这里讲]{档案管理}[的办法，]{档案管理}[很重要。][…]");
    /* a hit near the end: the window is pulled back to be whole */
    SNIPPET("档案", "一二三四五六七八九十档案", 6, "[…][七八九十]{档案}");
    SNIPPET("档案", "一二三四五六七八九十档案。", 3, "[…]{档案}[。]");
    /* newlines and runs of blanks become one space */
    SNIPPET("文明", "第一行\n\n  文明\t城市", 40, "[第一行 ]{文明}[ 城市]");
    /* invalid UTF-8 is skipped, never cut inside a character */
    const char bad[] = "\xff\xfe文\xe6明\xc0\x80档案\xe6\x96";
    char *got = snippet("档案", bad, sizeof bad - 1, 40);
    assert_string_equal(got, "[文明]{档案}");
    free(got);
    json_t *none = wm_sq_snippet(NULL, "一二三四五", strlen("一二三四五"), 3);
    assert_int_equal(json_array_size(none), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(none, 0), "text")),
                        "一二三");
    json_decref(none);
    got = snippet("档案", "", 0, 40);
    assert_string_equal(got, "");
    free(got);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bigrams),
        cmocka_unit_test(test_words_and_widths),
        cmocka_unit_test(test_traditional),
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_query_compile),
        cmocka_unit_test(test_query_errors),
        cmocka_unit_test(test_query_matches),
        cmocka_unit_test(test_snippet),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
