/*
** sq_int.h — what token.c, query.c and snippet.c share: the parsed query's tree and the one
** UTF-8 decoder of src/search (an invalid byte reads as U+FFFD, one byte each).
**
** A query is a tree of phrases under AND, OR and NOT.  A phrase is the tokens of one term
** (a bare word or a quoted phrase) in order: they must sit at consecutive positions.  The
** parser keeps the tree normalised: no empty node, no AND/OR with one child, no AND under
** AND nor OR under OR, no NOT under NOT, and every NOT has a positive sibling under an AND.
*/
#ifndef WM_SQ_INT_H
#define WM_SQ_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

enum sq_kind {
    SQ_PHRASE,
    SQ_AND,
    SQ_OR,
    SQ_NOT
};

struct sq_tok {
    char *s;     /* the folded token, NUL-terminated */
    size_t len;  /* its length in bytes */
    bool prefix; /* matches every token that starts with s */
    bool single; /* a lone Han character (the query tokenizer's WM_TOK_SINGLE) */
    bool glue;   /* the last character of a Han run, put in so that the phrase's positions
                 ** line up with the index (which ends each run with that character): not
                 ** a token the user asked for, so never highlighted */
};

struct sq_node {
    enum sq_kind kind;
    size_t n;              /* tokens (phrase) or children (AND, OR: >= 2; NOT: 1) */
    struct sq_tok *toks;   /* SQ_PHRASE */
    struct sq_node **kids; /* SQ_AND, SQ_OR, SQ_NOT */
};

struct wm_sq {
    struct sq_node *root;
};

/* Decode one code point at s[*i] (n bytes in all) and advance *i; an invalid byte decodes
** as 0xFFFD and advances by one (*bad set). */
static inline unsigned
sq_utf8_next(const unsigned char *s, size_t n, size_t *i, bool *bad)
{
    size_t k = *i;
    unsigned c = s[k];
    *bad = false;
    if (c < 0x80) {
        *i = k + 1;
        return c;
    }
    unsigned need, min;
    if (0xC0 == (c & 0xE0)) {
        need = 1, min = 0x80, c &= 0x1F;
    } else if (0xE0 == (c & 0xF0)) {
        need = 2, min = 0x800, c &= 0x0F;
    } else if (0xF0 == (c & 0xF8)) {
        need = 3, min = 0x10000, c &= 0x07;
    } else {
        goto invalid;
    }
    if (k + need >= n) {
        goto invalid;
    }
    for (unsigned j = 1; j <= need; j++) {
        if (0x80 != (s[k + j] & 0xC0)) {
            goto invalid;
        }
        c = (c << 6) | (s[k + j] & 0x3F);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) {
        goto invalid;
    }
    *i = k + need + 1;
    return c;
invalid:
    *i = k + 1;
    *bad = true;
    return 0xFFFD;
}

/* Whether a text token (len bytes) matches the query token t. */
static inline bool
sq_tok_match(const struct sq_tok *t, const char *tok, size_t len)
{
    if (t->prefix) {
        return len >= t->len && 0 == memcmp(tok, t->s, t->len);
    }
    return len == t->len && 0 == memcmp(tok, t->s, t->len);
}

#endif /* WM_SQ_INT_H */
