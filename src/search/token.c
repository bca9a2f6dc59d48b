/*
** token.c — the tokenizer both stores index with (wm_search.h): Han runs as overlapping
** bigrams (plus each run's last character when indexing), Latin and digits as lower-cased
** words, full-width folded to half-width, traditional folded to simplified.
*/
/* clang-format off */
#include "config.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <opencc/opencc.h>

#include "sq_int.h"
#include "wm_search.h"
#include "wm_util.h"
#include "banned.h"
/* clang-format on */

/* ---------------------------------------------------------------- UTF-8 */

static size_t
utf8_put(char *out, unsigned c)
{
    if (c < 0x80) {
        out[0] = (char)c;
        return 1;
    }
    if (c < 0x800) {
        out[0] = (char)(0xC0 | (c >> 6));
        out[1] = (char)(0x80 | (c & 0x3F));
        return 2;
    }
    if (c < 0x10000) {
        out[0] = (char)(0xE0 | (c >> 12));
        out[1] = (char)(0x80 | ((c >> 6) & 0x3F));
        out[2] = (char)(0x80 | (c & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (c >> 18));
    out[1] = (char)(0x80 | ((c >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((c >> 6) & 0x3F));
    out[3] = (char)(0x80 | (c & 0x3F));
    return 4;
}

/* ---------------------------------------------------------------- folding */

/* Traditional -> simplified for the Basic Multilingual Plane's ideographs, from OpenCC's
** t2s configuration applied to each character alone (so the folding never depends on the
** neighbours, as a phrase table would): 0 where the character stays. */
#define FOLD_LO 0x3400u
#define FOLD_HI 0xFAFFu
static uint16_t *fold_table;
static pthread_once_t fold_once = PTHREAD_ONCE_INIT;

static void
fold_build(void)
{
    uint16_t *t = calloc(FOLD_HI - FOLD_LO + 1, sizeof *t);
    if (!t) {
        return;
    }
    opencc_t cc = opencc_open(OPENCC_DEFAULT_CONFIG_TRAD_TO_SIMP);
    if ((opencc_t)-1 == cc) {
        wm_log(WM_LOG_WARN, "search: OpenCC's t2s table is missing: 繁简 folding is off");
        __atomic_store_n(&fold_table, t, __ATOMIC_RELEASE);
        return;
    }
    for (unsigned c = FOLD_LO; c <= FOLD_HI; c++) {
        if (c >= 0xA000 && c < 0xF900) {
            continue;
        }
        char in[4];
        size_t n = utf8_put(in, c);
        char *out = opencc_convert_utf8(cc, in, n);
        if (!out) {
            continue;
        }
        size_t i = 0, on = strlen(out);
        bool bad = false;
        unsigned s = on ? sq_utf8_next((const unsigned char *)out, on, &i, &bad) : 0;
        /* one BMP code point, and a different one */
        if (i == on && s != c && s >= 0x80 && s < 0x10000 && 0xFFFD != s) {
            t[c - FOLD_LO] = (uint16_t)s;
        }
        opencc_convert_utf8_free(out);
    }
    opencc_close(cc);
    /* folding twice must give what folding once gave (a query's tokens are folded again
    ** by the store's tokenizer): follow each chain to its end */
    for (unsigned c = FOLD_LO; c <= FOLD_HI; c++) {
        unsigned s = t[c - FOLD_LO];
        for (int hop = 0; s && hop < 8 && s >= FOLD_LO && s <= FOLD_HI && t[s - FOLD_LO] &&
                          t[s - FOLD_LO] != c;
             hop++) {
            s = t[s - FOLD_LO];
        }
        t[c - FOLD_LO] = (uint16_t)s;
    }
    __atomic_store_n(&fold_table, t, __ATOMIC_RELEASE);
}

unsigned
wm_search_fold_cp(unsigned cp)
{
    if (cp < 0x80) {
        return cp >= 'A' && cp <= 'Z' ? cp + 32 : cp;
    }
    if (cp >= 0xFF01 && cp <= 0xFF5E) { /* full-width ASCII */
        cp -= 0xFEE0;
        return cp >= 'A' && cp <= 'Z' ? cp + 32 : cp;
    }
    if (0x3000 == cp) {
        return ' ';
    }
    if ((cp >= 0xC0 && cp <= 0xDE && 0xD7 != cp)) { /* Latin-1 capitals */
        return cp + 32;
    }
    if (cp >= FOLD_LO && cp <= FOLD_HI) {
        const uint16_t *t = __atomic_load_n(&fold_table, __ATOMIC_ACQUIRE);
        if (!t) {
            pthread_once(&fold_once, fold_build);
            t = __atomic_load_n(&fold_table, __ATOMIC_ACQUIRE);
        }
        if (t && t[cp - FOLD_LO]) {
            return t[cp - FOLD_LO];
        }
    }
    return cp;
}

void
wm_search_warm(void)
{
    pthread_once(&fold_once, fold_build);
}

bool
wm_search_is_han(unsigned cp)
{
    return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
           (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x20000 && cp <= 0x3134F) ||
           0x3007 == cp || (cp >= 0x3041 && cp <= 0x30FF && 0x30FB != cp) ||
           (cp >= 0xAC00 && cp <= 0xD7AF);
}

/* A letter or digit of a word (after folding). */
static bool
is_word(unsigned cp)
{
    return (cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9') ||
           (cp >= 0xDF && cp <= 0x24F && 0xF7 != cp) || (cp >= 0x370 && cp <= 0x52F);
}

char *
wm_search_fold(const char *text, size_t len)
{
    /* a folded character never takes more bytes than its source (full-width forms take
    ** 3, their ASCII 1; t2s stays in the 3-byte block) */
    char *out = wm_malloc(len + 1);
    size_t i = 0, o = 0;
    while (i < len) {
        size_t at = i;
        bool bad;
        unsigned c = sq_utf8_next((const unsigned char *)text, len, &i, &bad);
        if (bad) {
            continue; /* an invalid byte is dropped */
        }
        char buf[4];
        size_t n = utf8_put(buf, wm_search_fold_cp(c));
        if (n > i - at) { /* never: but never overflow either */
            n = utf8_put(buf, c);
        }
        memcpy(out + o, buf, n);
        o += n;
    }
    out[o] = '\0';
    return out;
}

/* ---------------------------------------------------------------- tokenizing */

int
wm_search_tokenize(const char *text, size_t len, enum wm_tok_mode mode, wm_tok_fn cb, void *ctx)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t i = 0;
    /* the Han run: the previous character, folded, and where it was */
    char prev[4];
    size_t prev_n = 0, prev_start = 0, prev_end = 0, run = 0;
    /* the word being read */
    char word[WM_TOK_WORD_MAX + 4];
    size_t word_n = 0, word_start = 0, word_end = 0;
    int rc = 0;

#define END_RUN()                                                                          \
    do {                                                                                   \
        if (run && (WM_TOK_INDEX == mode || 1 == run)) {                                   \
            rc = cb(ctx, prev, prev_n, prev_start, prev_end, WM_TOK_HAN | WM_TOK_SINGLE); \
            if (rc) {                                                                      \
                return rc;                                                                 \
            }                                                                              \
        }                                                                                  \
        run = 0;                                                                           \
    } while (0)
#define END_WORD()                                                     \
    do {                                                               \
        if (word_n) {                                                  \
            rc = cb(ctx, word, word_n, word_start, word_end, 0);       \
            if (rc) {                                                  \
                return rc;                                             \
            }                                                          \
        }                                                              \
        word_n = 0;                                                    \
    } while (0)

    while (i < len) {
        size_t at = i;
        bool bad;
        unsigned c = wm_search_fold_cp(sq_utf8_next(s, len, &i, &bad));
        if (wm_search_is_han(c)) {
            END_WORD();
            char cur[4];
            size_t cur_n = utf8_put(cur, c);
            if (run) {
                char bi[8];
                memcpy(bi, prev, prev_n);
                memcpy(bi + prev_n, cur, cur_n);
                rc = cb(ctx, bi, prev_n + cur_n, prev_start, i, WM_TOK_HAN);
                if (rc) {
                    return rc;
                }
            }
            memcpy(prev, cur, cur_n);
            prev_n = cur_n, prev_start = at, prev_end = i;
            run++;
        } else if (is_word(c)) {
            END_RUN();
            if (!word_n) {
                word_start = at;
            }
            char buf[4];
            size_t n = utf8_put(buf, c);
            if (word_n + n <= WM_TOK_WORD_MAX) {
                memcpy(word + word_n, buf, n);
                word_n += n;
                word_end = i;
            }
        } else {
            END_RUN();
            END_WORD();
        }
    }
    END_RUN();
    END_WORD();
#undef END_RUN
#undef END_WORD
    return 0;
}

static int
count_tok(void *ctx, const char *tok, size_t len, size_t start, size_t end, unsigned flags)
{
    (void)tok, (void)len, (void)start, (void)end, (void)flags;
    (*(int64_t *)ctx)++;
    return 0;
}

int64_t
wm_search_ntokens(const char *text, size_t len)
{
    int64_t n = 0;
    (void)wm_search_tokenize(text, len, WM_TOK_INDEX, count_tok, &n);
    return n;
}

/* end of token.c */
