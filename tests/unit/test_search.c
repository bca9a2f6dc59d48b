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

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bigrams),
        cmocka_unit_test(test_words_and_widths),
        cmocka_unit_test(test_traditional),
        cmocka_unit_test(test_invalid_utf8),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
