/*
** fuzz_search.c — fuzz target for the search box: wm_sq_parse() on arbitrary bytes, both
** compilers, wm_sq_matches(), wm_sq_snippet() and wm_search_tokenize().
**
** Promises checked (abort on a broken one):
** - a refused query has a message in valid UTF-8; an accepted one compiles to non-empty
**   FTS5 and tsquery texts in valid UTF-8 with balanced parentheses and quotes;
** - a query without an exclusion (no NOT left in its tree) matches its own text;
** - a snippet of any bytes is an array of non-empty valid UTF-8 segments with a boolean
**   "hit", at most max_chars characters besides the "…" segments;
** - the tokenizer's tokens are non-empty valid UTF-8, inside the input, start on a
**   character, and come in order of their start.
**
** With clang: a libFuzzer target (-fsanitize=fuzzer).  With -DWM_FUZZ_REPLAY: a plain
** program that runs the files named on the command line, or else WM_FUZZ_ITERS (default
** 20000) mutations of the embedded seeds, seeded by WM_FUZZ_SEED (meson test
** 'fuzz_search_replay').
*/
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "wm_search.h"
#include "wm_util.h"
#include "banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fuzz_check(bool ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_search: invariant failed: %s\n", what);
        abort();
    }
}

/* Parentheses balanced outside double quotes (FTS5) or single quotes (tsquery), and
** every quote closed. */
static bool
balanced(const char *s, char quote)
{
    int depth = 0;
    bool in = false;
    for (; *s; s++) {
        if (*s == quote) {
            in = !in;
        } else if (!in && '(' == *s) {
            depth++;
        } else if (!in && ')' == *s) {
            if (--depth < 0) {
                return false;
            }
        }
    }
    return 0 == depth && !in;
}

struct tokcheck {
    const uint8_t *data;
    size_t size, last_start;
};

static int
tok_cb(void *ctx, const char *tok, size_t len, size_t start, size_t end, unsigned flags)
{
    struct tokcheck *c = ctx;
    fuzz_check(len > 0 && wm_utf8_valid(tok, len), "token is valid UTF-8");
    fuzz_check(start < end && end <= c->size, "token range inside the text");
    fuzz_check(0x80 != (c->data[start] & 0xC0), "token starts on a character");
    fuzz_check(start >= c->last_start, "tokens in order of their start");
    fuzz_check((flags & WM_TOK_HAN) || len <= WM_TOK_WORD_MAX, "word length");
    c->last_start = start;
    return 0;
}

/* Whether the tree has a NOT left: its text need not match it then.  The compiled FTS5
** text says: every NOT is written as " NOT ". */
static bool
has_not(const char *fts5)
{
    return NULL != strstr(fts5, " NOT ");
}

static void
fuzz_snippet(const struct wm_sq *q, const uint8_t *data, size_t size, size_t max)
{
    json_t *a = wm_sq_snippet(q, (const char *)data, size, max);
    fuzz_check(json_is_array(a), "snippet is an array");
    size_t i, chars = 0;
    json_t *seg;
    json_array_foreach(a, i, seg)
    {
        const char *t = json_string_value(json_object_get(seg, "text"));
        fuzz_check(t && t[0] && wm_utf8_valid(t, strlen(t)), "segment text");
        fuzz_check(json_is_boolean(json_object_get(seg, "hit")), "segment hit");
        if (strcmp(t, "…")) {
            chars += wm_utf8_len(t);
        } else {
            fuzz_check(json_is_false(json_object_get(seg, "hit")), "… is no hit");
        }
    }
    fuzz_check(chars <= max, "snippet length");
    json_decref(a);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 8192) {
        return 0;
    }
    struct tokcheck tc = { data, size, 0 };
    (void)wm_search_tokenize((const char *)data, size, WM_TOK_INDEX, tok_cb, &tc);
    tc.last_start = 0;
    (void)wm_search_tokenize((const char *)data, size, WM_TOK_QUERY, tok_cb, &tc);

    char *s = wm_strndup((const char *)data, size); /* up to the first NUL */
    char err[128];
    struct wm_sq *q = wm_sq_parse(s, err, sizeof err);
    if (!q) {
        fuzz_check(err[0] && wm_utf8_valid(err, strlen(err)), "error message");
        fuzz_snippet(NULL, data, size, 1 + size % 97);
        free(s);
        return 0;
    }
    char *f = wm_sq_fts5(q, NULL);
    char *fc = wm_sq_fts5(q, "{title body}");
    char *t = wm_sq_tsquery(q);
    fuzz_check(f[0] && wm_utf8_valid(f, strlen(f)) && balanced(f, '"'), "fts5 text");
    fuzz_check(wm_startswith(fc, "{title body} : (") && balanced(fc, '"'), "fts5 columns");
    fuzz_check(t[0] && wm_utf8_valid(t, strlen(t)) && balanced(t, '\''), "tsquery text");
    if (!has_not(f)) {
        fuzz_check(wm_sq_matches(q, s, strlen(s)), "a query matches its own text");
    }
    (void)wm_sq_matches(q, (const char *)data, size);
    fuzz_snippet(q, data, size, 1 + size % 97);
    fuzz_snippet(q, (const uint8_t *)s, strlen(s), 8);
    free(f);
    free(fc);
    free(t);
    wm_sq_free(q);
    free(s);
    return 0;
}

#ifdef WM_FUZZ_REPLAY

static const char *const fuzz_seeds[] = {
    "道德讲堂",
    "年",
    "2024年 PDF",
    "檔案 OR 文件",
    "(文明 | 创建) -档案",
    "NOT 资料 管理 AND 办法",
    "\"学雷锋 志愿\"*",
    "“文明，创建”　「志愿」",
    "（文明｜创建）　－档案",
    "报告2024 pdf*",
    "((((文明",
    "文明)) \"创建",
    "-文明",
    "a -(b -(c d)) OR e",
    "ＰＤＦ２０２４ 學雷鋒",
    "\xff\xfe文\xe6明\xc0\x80",
    "第一行\n\n  文明\t城市，道德讲堂活动。档案管理的办法",
};

static const char *const fuzz_tokens[] = {
    " ",
    "\xE3\x80\x80",
    "(",
    ")",
    "\xEF\xBC\x88",
    "\xEF\xBC\x89",
    "|",
    "OR",
    "AND",
    "NOT",
    "-",
    "\xEF\xBC\x8D",
    "*",
    "\"",
    "\xE2\x80\x9C",
    "\xE2\x80\x9D",
    "\xE3\x80\x8C",
    "\xE3\x80\x8D",
    "文",
    "明",
    "檔",
    "案",
    "a",
    "2024",
    "\xFF",
    "\xE6\x96",
    "\n",
    "，",
    "ＰＤＦ",
    "\xF0\xA0\x80\x80",
};

#    include "fz_replay.h"

static void
fuzz_mutate(struct wm_buf *b)
{
    size_t pos = b->len ? (size_t)(fz_rand() % (b->len + 1)) : 0;
    switch (fz_rand() % 5) {
    case 0: /* flip a byte */
        if (b->len > 0) {
            b->data[pos % b->len] ^= (char)(1u << (fz_rand() % 8));
        }
        break;
    case 1: /* delete a range */
        if (pos < b->len) {
            size_t n = 1 + (size_t)(fz_rand() % (b->len - pos));
            memmove(b->data + pos, b->data + pos + n, b->len - pos - n);
            b->len -= n;
            b->data[b->len] = '\0';
        }
        break;
    case 2: { /* duplicate a range */
        size_t n = b->len > pos ? (size_t)(fz_rand() % (b->len - pos + 1)) % 32 : 0;
        wm_buf_reserve(b, n + 1);
        memmove(b->data + pos + n, b->data + pos, b->len - pos);
        b->len += n;
        b->data[b->len] = '\0';
        break;
    }
    default: { /* insert a token */
        const char *t = fuzz_tokens[fz_rand() % WM_ARRAY_LEN(fuzz_tokens)];
        size_t n = strlen(t);
        wm_buf_reserve(b, n + 1);
        memmove(b->data + pos + n, b->data + pos, b->len - pos);
        memcpy(b->data + pos, t, n);
        b->len += n;
        b->data[b->len] = '\0';
        break;
    }
    }
}

int
main(int argc, char **argv)
{
    if (argc > 1) {
        return fz_replay_files(argc, argv);
    }
    unsigned runs = 0;
    for (size_t s = 0; s < WM_ARRAY_LEN(fuzz_seeds); s++) {
        LLVMFuzzerTestOneInput((const uint8_t *)fuzz_seeds[s], strlen(fuzz_seeds[s]));
        runs++;
    }
    unsigned long iters = fz_env("WM_FUZZ_ITERS", 20000);
    fz_seed_from_env();
    for (unsigned long i = 0; i < iters; i++) {
        struct wm_buf b = { 0 };
        wm_buf_adds(&b, fuzz_seeds[fz_rand() % WM_ARRAY_LEN(fuzz_seeds)]);
        unsigned n = 1 + (unsigned)(fz_rand() % 6);
        for (unsigned k = 0; k < n; k++) {
            fuzz_mutate(&b);
        }
        LLVMFuzzerTestOneInput((const uint8_t *)wm_buf_str(&b), b.len);
        wm_buf_free(&b);
        runs++;
    }
    printf("%u inputs ok\n", runs);
    return 0;
}

#endif /* WM_FUZZ_REPLAY */

/* end of fuzz_search.c */
