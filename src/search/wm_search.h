/*
** wm_search.h — Chinese full-text search: the one tokenizer both stores index with, the
** query language people type, and the snippets shown under a hit (issue 11).
**
** Tokens.  Han text has no spaces, so a run of Han characters (CJK ideographs, Extension A
** and the compatibility block, 〇, kana, hangul) becomes its overlapping bigrams: 道德讲堂 ->
** 道德 德讲 讲堂.  When indexing, each run also ends with its last character as a token of
** its own (讲堂 ... 堂), so that every character of the text is the first character of some
** token: a one-character query is then a prefix query (堂*), and matches wherever the
** character occurs, at the end of a run or not, with half the tokens of indexing every
** character twice.  Latin letters and digits make lower-cased words.  Full-width forms fold
** to half-width (ＰＤＦ -> pdf, ２０２４ -> 2024), and traditional characters fold to simplified
** ones character by character with OpenCC's table (檔案 -> 档案) at index and at query time,
** so either script finds the other.
**
** SQLite registers wm_search_tokenize as the FTS5 tokenizer "wenming"; PostgreSQL stores the
** same tokens as a tsvector.  Same tokens, same query, same answers on both stores.
*/
#ifndef WM_SEARCH_H
#define WM_SEARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

/** Longest Latin/digit word kept whole, in bytes (longer ones are cut). */
#define WM_TOK_WORD_MAX 64
/** Longest query accepted, in bytes. */
#define WM_SQ_MAX_LEN 1024
/** Most terms (words and phrases) in a query: each is a look-up in the index. */
#define WM_SQ_MAX_TERMS 64

enum wm_tok_mode {
    WM_TOK_INDEX, /* a document's text: bigrams plus each run's last character */
    WM_TOK_QUERY  /* a term of a query: bigrams only; a one-character run alone */
};

enum {
    WM_TOK_HAN = 1,   /* the token comes from a Han run (a bigram or a single character) */
    WM_TOK_SINGLE = 2 /* a single Han character: a run's last (index) or a lone one (query) */
};

/**
** Called for each token in order (the order is the token's position).  tok is the folded
** token (UTF-8, not NUL-terminated, len bytes); [start, end) is the byte range of the
** source text it came from.  Return non-zero to stop: wm_search_tokenize returns it.
*/
typedef int (*wm_tok_fn)(void *ctx, const char *tok, size_t len, size_t start, size_t end,
                         unsigned flags);

/** Tokenize len bytes of UTF-8 text (invalid bytes are separators).  0, or what cb returned. */
int wm_search_tokenize(const char *text, size_t len, enum wm_tok_mode mode, wm_tok_fn cb,
                       void *ctx);

/** How many tokens wm_search_tokenize makes of the text in index mode (the length a
** ranking divides by: what FTS5 records for the column). */
int64_t wm_search_ntokens(const char *text, size_t len);

/** The simplified form of a code point (itself when it has none).  Thread-safe; the table
** is built from OpenCC's t2s on first use. */
unsigned wm_search_fold_cp(unsigned cp);
/** Build the folding table now (OpenCC, some 30 ms) rather than in the first search: a
** server calls it before it listens. */
void wm_search_warm(void);
/** Whether cp is a character of a Han run (see above). */
bool wm_search_is_han(unsigned cp);
/** A folded copy of UTF-8 text (full-width to half-width, traditional to simplified, Latin
** lower-cased), the same length or shorter; the caller frees it. */
char *wm_search_fold(const char *text, size_t len);

/* ---------------------------------------------------------------- queries (query.c) */

/**
** A parsed query.  The syntax: words and Chinese runs (all must match), "a quoted phrase"
** (also “…”, 「…」, 『…』), OR or | between two terms or groups, AND (optional), NOT or a
** leading - before a term or group, parentheses (also full-width), and a trailing * after
** a word or a closing quote for a prefix (文明*, pdf*).  White space is ASCII or U+3000.
** Precedence: NOT > AND > OR.  Unbalanced quotes and parentheses and dangling operators
** are forgiven, never an error.
**
** Each term goes through wm_search_tokenize in query mode, and its tokens form a phrase
** (consecutive positions): 道德讲堂 is 道德 德讲 讲堂 in a row, 2024年 is 2024 then 年*.  A
** lone Chinese character is a prefix token.  A term without a token (punctuation) is
** dropped.  When a phrase goes on after a Han run of two or more characters (报告2024), the
** run's last character is put in between (报告 告 2024), as the index has it there.
*/
struct wm_sq;

/** Parse q; NULL with a message in err (Chinese, for the user; err may be NULL) when it has
** no term to look for ("请输入要查找的字词"), is longer than WM_SQ_MAX_LEN ("检索词太长"),
** has more than WM_SQ_MAX_TERMS terms ("检索词太多"), nests parentheses or NOTs deeper
** than 32 ("检索式的括号或排除嵌套太深"), or excludes without anything to find: every
** NOT must sit under an AND with a positive term beside it ("检索式不能只有排除的词";
** "a -b" is fine, "-b" and "a OR -b" are not). */
struct wm_sq *wm_sq_parse(const char *q, char *err, size_t errlen);
void wm_sq_free(struct wm_sq *q);
/** The FTS5 MATCH expression of q over the columns (e.g. "{title body}"; NULL: every
** column); the caller frees it.  Each token is a quoted string, a phrase joins them with
** " + ", a prefix token has " *" after it; FTS5's NOT is binary: "a b -c" is
** ("a" AND "b") NOT "c".  With columns: "{title body} : (...)". */
char *wm_sq_fts5(const struct wm_sq *q, const char *columns);
/** The tsquery text of q (to cast with ::tsquery, not to_tsquery: the tokens are already
** folded); the caller frees it: 'a' <-> 'b' for a phrase, 'a':* a prefix, & | ! ( ). */
char *wm_sq_tsquery(const struct wm_sq *q);
/** The same with every token restricted to the tsvector's weights (letters of "ABCD"; NULL
** or "": any): 'a':A, 'b':*A.  With the title's tokens weighted A in a row's tsvector,
** wm_sq_tsquery_weights(q, "A") answers what wm_sq_fts5(q, "{title}") does. */
char *wm_sq_tsquery_weights(const struct wm_sq *q, const char *weights);
/** Whether q matches text (the reference the stores are checked against: true when the
** text's tokens, wm_search_tokenize in index mode, satisfy the query). */
bool wm_sq_matches(const struct wm_sq *q, const char *text, size_t len);
/** The same for a row of n fields (title, body): AND, OR and NOT over all of them, but a
** phrase must lie inside one field, as in FTS5's columns (a PostgreSQL tsvector of several
** fields must leave a gap in the positions between them to answer the same). */
bool wm_sq_matches_fields(const struct wm_sq *q, const char *const *texts, const size_t *lens,
                          size_t n);

/**
** A snippet of text around the best cluster of q's hits, at most max_chars characters:
** [{"text": "...", "hit": false}, {"text": "档案", "hit": true}, ...], with "…" text
** segments where the text was cut.  A text without a hit gives its beginning.  A hit is a
** token matching one of q's tokens that is not excluded (a lone character marks just that
** character); overlapping and touching hits merge into one segment (道德讲堂).  Invalid
** UTF-8 is skipped, control characters and runs of white space become one space, so every
** text is valid UTF-8.  q may be NULL; max_chars 0 or an empty text give [].  The caller
** owns the array.
*/
json_t *wm_sq_snippet(const struct wm_sq *q, const char *text, size_t len, size_t max_chars);

#endif /* WM_SEARCH_H */
