/*
** query.c — the query language people type into the search box (wm_search.h): parsed once
** into a tree of phrases under AND, OR and NOT, then compiled to an FTS5 MATCH expression
** (SQLite) or to tsquery text (PostgreSQL), and evaluated directly on a text
** (wm_sq_matches, the reference both stores are checked against).
**
** Lexing.  White space (ASCII and U+3000) separates terms.  A term is a bare word or a
** quoted phrase ("…", “…”, 「…」, 『…』; an unclosed quote runs to the end).  ( ) and
** （ ） group; | ｜ and the word OR are "or"; the word AND is optional; the word NOT, or
** - － at the start of a term, excludes.  A trailing * ＊ after a word or a closing quote
** makes the last token a prefix.  Unbalanced parentheses are forgiven, as are dangling
** operators (OR at the end, NOT before nothing).
**
** Precedence: NOT > AND > OR.  A term's tokens (wm_search_tokenize, query mode) form a
** phrase; a term with no token (punctuation) is dropped.
**
** Positions.  When indexing, each Han run ends with its last character as a token of its
** own (道德讲堂 -> 道德 德讲 讲堂 堂), so a phrase that goes on after a Han run of two or
** more characters (报告2024, "文明，创建") must step over that token: the compiler puts
** the run's last character into the phrase (报告 告 2024), marked as glue.
*/
/* clang-format off */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "wm_search.h"
#include "wm_util.h"
#include "sq_int.h"
#include "banned.h"
/* clang-format on */

/** How deep parentheses and NOTs may nest. */
#define SQ_MAX_DEPTH 32

#define SQ_ERR_EMPTY "请输入要查找的字词"
#define SQ_ERR_LONG  "检索词太长"
#define SQ_ERR_MANY  "检索词太多"
#define SQ_ERR_DEEP  "检索式的括号或排除嵌套太深"
#define SQ_ERR_NEG   "检索式不能只有排除的词"

/* ---------------------------------------------------------------- tree */

static void
node_free(struct sq_node *n)
{
    if (!n) {
        return;
    }
    if (SQ_PHRASE == n->kind) {
        for (size_t i = 0; i < n->n; i++) {
            free(n->toks[i].s);
        }
        free(n->toks);
    } else {
        for (size_t i = 0; i < n->n; i++) {
            node_free(n->kids[i]);
        }
        free(n->kids);
    }
    free(n);
}

void
wm_sq_free(struct wm_sq *q)
{
    if (q) {
        node_free(q->root);
        free(q);
    }
}

/* Children being gathered for an AND or an OR. */
struct kids {
    struct sq_node **v;
    size_t n, cap;
};

static void
kids_push(struct kids *k, struct sq_node *n)
{
    if (k->n == k->cap) {
        k->cap = k->cap ? 2 * k->cap : 4;
        k->v = wm_realloc(k->v, k->cap * sizeof *k->v);
    }
    k->v[k->n++] = n;
}

/* Add n under an AND or OR being built: a child of the same kind gives its children. */
static void
kids_add(struct kids *k, enum sq_kind kind, struct sq_node *n)
{
    if (!n) {
        return;
    }
    if (n->kind == kind) {
        for (size_t i = 0; i < n->n; i++) {
            kids_push(k, n->kids[i]);
        }
        free(n->kids);
        free(n);
        return;
    }
    kids_push(k, n);
}

/* The AND or OR of the gathered children: NULL for none, the child for one. */
static struct sq_node *
kids_make(struct kids *k, enum sq_kind kind)
{
    if (0 == k->n) {
        free(k->v);
        return NULL;
    }
    if (1 == k->n) {
        struct sq_node *n = k->v[0];
        free(k->v);
        return n;
    }
    struct sq_node *n = wm_calloc(1, sizeof *n);
    n->kind = kind;
    n->n = k->n;
    n->kids = k->v;
    return n;
}

static struct sq_node *
make_not(struct sq_node *x)
{
    if (!x) {
        return NULL;
    }
    if (SQ_NOT == x->kind) { /* NOT NOT x is x */
        struct sq_node *inner = x->kids[0];
        free(x->kids);
        free(x);
        return inner;
    }
    struct sq_node *n = wm_calloc(1, sizeof *n);
    n->kind = SQ_NOT;
    n->n = 1;
    n->kids = wm_malloc(sizeof *n->kids);
    n->kids[0] = x;
    return n;
}

/* ---------------------------------------------------------------- terms */

struct qtok {
    char *s;
    size_t len, start, end;
    unsigned flags;
};

struct qtoks {
    struct qtok *v;
    size_t n, cap;
};

static int
collect_tok(void *ctx, const char *tok, size_t len, size_t start, size_t end, unsigned flags)
{
    struct qtoks *t = ctx;
    if (t->n == t->cap) {
        t->cap = t->cap ? 2 * t->cap : 8;
        t->v = wm_realloc(t->v, t->cap * sizeof *t->v);
    }
    t->v[t->n++] = (struct qtok){ wm_strndup(tok, len), len, start, end, flags };
    return 0;
}

/* Byte length of the first UTF-8 character of the folded token s (valid UTF-8). */
static size_t
first_char_len(const char *s, size_t len)
{
    size_t i = 0;
    bool bad;
    (void)sq_utf8_next((const unsigned char *)s, len, &i, &bad);
    return i;
}

/* The phrase of one term (len bytes at s), or NULL when it has no token. */
static struct sq_node *
make_phrase(const char *s, size_t len, bool prefix)
{
    struct qtoks t = { 0 };
    (void)wm_search_tokenize(s, len, WM_TOK_QUERY, collect_tok, &t);
    if (0 == t.n) {
        free(t.v);
        return NULL;
    }
    struct sq_node *n = wm_calloc(1, sizeof *n);
    n->kind = SQ_PHRASE;
    n->toks = wm_calloc(2 * t.n, sizeof *n->toks);
    for (size_t i = 0; i < t.n; i++) {
        struct qtok *q = &t.v[i];
        bool single = 0 != (q->flags & WM_TOK_SINGLE);
        n->toks[n->n++] = (struct sq_tok){ q->s, q->len, single, single, false };
        /* a bigram that ends its run, with more of the phrase after it: the index has the
        ** run's last character next */
        bool bigram = (q->flags & WM_TOK_HAN) && !single;
        if (bigram && i + 1 < t.n) {
            struct qtok *nx = &t.v[i + 1];
            bool same_run =
                (nx->flags & WM_TOK_HAN) && !(nx->flags & WM_TOK_SINGLE) && nx->start < q->end;
            if (!same_run) {
                size_t f = first_char_len(q->s, q->len);
                n->toks[n->n++] = (struct sq_tok){ wm_strndup(q->s + f, q->len - f), q->len - f,
                                                   false, false, true };
            }
        }
    }
    if (prefix) {
        n->toks[n->n - 1].prefix = true;
    }
    free(t.v);
    return n;
}

/* ---------------------------------------------------------------- lexing */

enum lx_kind {
    LX_END,
    LX_TERM,
    LX_OR,
    LX_AND,
    LX_NOT,
    LX_LP,
    LX_RP
};

struct lx {
    enum lx_kind kind;
    const char *s; /* LX_TERM: the term's text */
    size_t len;
    bool prefix;
};

struct lexer {
    const unsigned char *s;
    size_t n, i;
    struct lx *v; /* all the lexemes, then LX_END */
    size_t nv, cap, at;
};

static void
lx_push(struct lexer *L, struct lx x)
{
    if (L->nv == L->cap) {
        L->cap = L->cap ? 2 * L->cap : 16;
        L->v = wm_realloc(L->v, L->cap * sizeof *L->v);
    }
    L->v[L->nv++] = x;
}

static bool
is_space(unsigned c)
{
    return ' ' == c || '\t' == c || '\n' == c || '\r' == c || '\f' == c || '\v' == c ||
           0x3000 == c || 0xA0 == c;
}

static bool
is_star(unsigned c)
{
    return '*' == c || 0xFF0A == c;
}

/* The closing quote of an opening one, or 0 when c opens none. */
static unsigned
quote_close(unsigned c)
{
    switch (c) {
    case '"':
        return '"';
    case 0x201C: /* “ */
        return 0x201D;
    case 0x300C: /* 「 */
        return 0x300D;
    case 0x300E: /* 『 */
        return 0x300F;
    default:
        return 0;
    }
}

/* What ends a bare word. */
static bool
ends_word(unsigned c)
{
    return is_space(c) || '(' == c || ')' == c || 0xFF08 == c || 0xFF09 == c || '|' == c ||
           0xFF5C == c || quote_close(c);
}

static unsigned
peek_cp(const struct lexer *L, size_t at, size_t *next)
{
    bool bad;
    *next = at;
    return sq_utf8_next(L->s, L->n, next, &bad);
}

static void
lex(struct lexer *L)
{
    bool term_start = true; /* a '-' here excludes */
    while (L->i < L->n) {
        size_t at = L->i, nx;
        unsigned c = peek_cp(L, at, &nx);
        if (is_space(c)) {
            L->i = nx;
            term_start = true;
            continue;
        }
        if ('(' == c || 0xFF08 == c) {
            lx_push(L, (struct lx){ LX_LP, NULL, 0, false });
            L->i = nx;
            term_start = true;
            continue;
        }
        if (')' == c || 0xFF09 == c) {
            lx_push(L, (struct lx){ LX_RP, NULL, 0, false });
            L->i = nx;
            term_start = true;
            continue;
        }
        if ('|' == c || 0xFF5C == c) {
            lx_push(L, (struct lx){ LX_OR, NULL, 0, false });
            L->i = nx;
            term_start = true;
            continue;
        }
        if (term_start && ('-' == c || 0xFF0D == c) && nx < L->n) {
            size_t nn;
            unsigned d = peek_cp(L, nx, &nn);
            if (!is_space(d)) {
                lx_push(L, (struct lx){ LX_NOT, NULL, 0, false });
                L->i = nx;
                continue; /* still at a term's start: "--a" is NOT NOT a */
            }
        }
        unsigned close = quote_close(c);
        if (close) {
            size_t from = nx, j = nx, to = L->n, after = L->n;
            while (j < L->n) {
                size_t k;
                unsigned d = peek_cp(L, j, &k);
                if (d == close || (0x201D == close && '"' == d)) {
                    to = j;
                    after = k;
                    break;
                }
                j = k;
            }
            bool prefix = false;
            while (after < L->n) {
                size_t k;
                if (!is_star(peek_cp(L, after, &k))) {
                    break;
                }
                prefix = true;
                after = k;
            }
            lx_push(L, (struct lx){ LX_TERM, (const char *)L->s + from, to - from, prefix });
            L->i = after;
            term_start = false;
            continue;
        }
        /* a bare word */
        size_t j = at, last_star = L->n; /* where the trailing stars begin */
        bool in_stars = false;
        while (j < L->n) {
            size_t k;
            unsigned d = peek_cp(L, j, &k);
            if (ends_word(d)) {
                break;
            }
            if (is_star(d)) {
                if (!in_stars) {
                    last_star = j;
                    in_stars = true;
                }
            } else {
                in_stars = false;
            }
            j = k;
        }
        size_t end = in_stars ? last_star : j;
        const char *w = (const char *)L->s + at;
        size_t wl = end - at;
        if (!in_stars && 2 == wl && 0 == memcmp(w, "OR", 2)) {
            lx_push(L, (struct lx){ LX_OR, NULL, 0, false });
        } else if (!in_stars && 3 == wl && 0 == memcmp(w, "AND", 3)) {
            lx_push(L, (struct lx){ LX_AND, NULL, 0, false });
        } else if (!in_stars && 3 == wl && 0 == memcmp(w, "NOT", 3)) {
            lx_push(L, (struct lx){ LX_NOT, NULL, 0, false });
        } else {
            lx_push(L, (struct lx){ LX_TERM, w, wl, in_stars });
        }
        L->i = j;
        term_start = false;
    }
    lx_push(L, (struct lx){ LX_END, NULL, 0, false });
}

/* ---------------------------------------------------------------- parsing */

struct parser {
    struct lexer L;
    const char *err; /* the first error */
    size_t terms;    /* phrases made so far */
};

static enum lx_kind
peek(const struct parser *P)
{
    return P->L.v[P->L.at].kind;
}

static struct sq_node *parse_or(struct parser *P, unsigned depth);

static struct sq_node *
parse_unary(struct parser *P, unsigned depth)
{
    if (depth > SQ_MAX_DEPTH) {
        P->err = SQ_ERR_DEEP;
        return NULL;
    }
    const struct lx *x = &P->L.v[P->L.at];
    switch (x->kind) {
    case LX_NOT: {
        P->L.at++;
        struct sq_node *n = parse_unary(P, depth + 1);
        return make_not(n);
    }
    case LX_LP: {
        P->L.at++;
        struct sq_node *n = parse_or(P, depth + 1);
        if (LX_RP == peek(P)) {
            P->L.at++;
        }
        return n;
    }
    case LX_TERM: {
        P->L.at++;
        struct sq_node *n = make_phrase(x->s, x->len, x->prefix);
        if (n && ++P->terms > WM_SQ_MAX_TERMS) {
            P->err = SQ_ERR_MANY;
        }
        return n;
    }
    case LX_AND: /* NOT AND a: the AND is dropped */
        P->L.at++;
        return NULL;
    default: /* OR, ), the end: left for the caller */
        return NULL;
    }
}

static struct sq_node *
parse_and(struct parser *P, unsigned depth)
{
    struct kids k = { 0 };
    for (;;) {
        enum lx_kind t = peek(P);
        if (LX_END == t || LX_OR == t || LX_RP == t || P->err) {
            break;
        }
        if (LX_AND == t) {
            P->L.at++;
            continue;
        }
        kids_add(&k, SQ_AND, parse_unary(P, depth));
    }
    return kids_make(&k, SQ_AND);
}

static struct sq_node *
parse_or(struct parser *P, unsigned depth)
{
    struct kids k = { 0 };
    for (;;) {
        kids_add(&k, SQ_OR, parse_and(P, depth));
        if (LX_OR != peek(P) || P->err) {
            break;
        }
        P->L.at++;
    }
    return kids_make(&k, SQ_OR);
}

/* Whether n is positive (finds something by itself); false for NOT x.  Sets P->err for a
** NOT that has no positive sibling under an AND. */
static bool
check_neg(struct parser *P, const struct sq_node *n)
{
    switch (n->kind) {
    case SQ_PHRASE:
        return true;
    case SQ_NOT:
        if (!check_neg(P, n->kids[0])) {
            P->err = SQ_ERR_NEG;
        }
        return false;
    case SQ_AND: {
        bool any = false;
        for (size_t i = 0; i < n->n; i++) {
            any |= check_neg(P, n->kids[i]);
        }
        if (!any) {
            P->err = SQ_ERR_NEG;
        }
        return true;
    }
    case SQ_OR:
        for (size_t i = 0; i < n->n; i++) {
            if (!check_neg(P, n->kids[i])) {
                P->err = SQ_ERR_NEG;
            }
        }
        return true;
    }
    return true;
}

static void
set_err(char *err, size_t errlen, const char *msg)
{
    if (err && errlen) {
        size_t n = strlen(msg);
        if (n >= errlen) {
            n = errlen - 1;
            while (n > 0 && 0x80 == ((unsigned char)msg[n] & 0xC0)) {
                n--; /* never cut a character */
            }
        }
        memcpy(err, msg, n);
        err[n] = '\0';
    }
}

struct wm_sq *
wm_sq_parse(const char *q, char *err, size_t errlen)
{
    set_err(err, errlen, "");
    if (!q) {
        set_err(err, errlen, SQ_ERR_EMPTY);
        return NULL;
    }
    size_t n = strlen(q);
    if (n > WM_SQ_MAX_LEN) {
        set_err(err, errlen, SQ_ERR_LONG);
        return NULL;
    }
    struct parser P = { { (const unsigned char *)q, n, 0, NULL, 0, 0, 0 }, NULL, 0 };
    lex(&P.L);
    struct kids k = { 0 };
    for (;;) {
        kids_add(&k, SQ_AND, parse_or(&P, 0));
        if (P.err || LX_RP != peek(&P)) {
            break;
        }
        P.L.at++; /* a ) without its ( is forgiven */
    }
    struct sq_node *root = kids_make(&k, SQ_AND);
    free(P.L.v);
    if (!P.err && !root) {
        P.err = SQ_ERR_EMPTY;
    }
    if (!P.err && !check_neg(&P, root)) {
        P.err = SQ_ERR_NEG;
    }
    if (P.err) {
        node_free(root);
        set_err(err, errlen, P.err);
        return NULL;
    }
    struct wm_sq *s = wm_calloc(1, sizeof *s);
    s->root = root;
    return s;
}

/* ---------------------------------------------------------------- FTS5 */

static void fts5_node(struct wm_buf *b, const struct sq_node *n);

/* n, in parentheses unless it is a phrase. */
static void
fts5_operand(struct wm_buf *b, const struct sq_node *n)
{
    if (SQ_PHRASE == n->kind) {
        fts5_node(b, n);
    } else {
        wm_buf_addc(b, '(');
        fts5_node(b, n);
        wm_buf_addc(b, ')');
    }
}

static void
fts5_node(struct wm_buf *b, const struct sq_node *n)
{
    switch (n->kind) {
    case SQ_PHRASE:
        for (size_t i = 0; i < n->n; i++) {
            if (i) {
                wm_buf_adds(b, " + ");
            }
            wm_buf_addc(b, '"');
            for (size_t j = 0; j < n->toks[i].len; j++) {
                char c = n->toks[i].s[j];
                if ('"' == c) {
                    wm_buf_addc(b, '"');
                }
                wm_buf_addc(b, c);
            }
            wm_buf_addc(b, '"');
            if (n->toks[i].prefix) {
                wm_buf_adds(b, " *");
            }
        }
        break;
    case SQ_OR:
        for (size_t i = 0; i < n->n; i++) {
            if (i) {
                wm_buf_adds(b, " OR ");
            }
            fts5_operand(b, n->kids[i]);
        }
        break;
    case SQ_NOT: /* only under an AND (check_neg): never here */
        fts5_operand(b, n->kids[0]);
        break;
    case SQ_AND: {
        /* FTS5's NOT is binary: (the positive ones) NOT (x) NOT (y) */
        size_t pos = 0, neg = 0;
        for (size_t i = 0; i < n->n; i++) {
            if (SQ_NOT == n->kids[i]->kind) {
                neg++;
            } else {
                pos++;
            }
        }
        bool wrap = neg && pos > 1;
        if (wrap) {
            wm_buf_addc(b, '(');
        }
        size_t k = 0;
        for (size_t i = 0; i < n->n; i++) {
            if (SQ_NOT != n->kids[i]->kind) {
                if (k++) {
                    wm_buf_adds(b, " AND ");
                }
                fts5_operand(b, n->kids[i]);
            }
        }
        if (wrap) {
            wm_buf_addc(b, ')');
        }
        for (size_t i = 0; i < n->n; i++) {
            if (SQ_NOT == n->kids[i]->kind) {
                wm_buf_adds(b, " NOT ");
                fts5_operand(b, n->kids[i]->kids[0]);
            }
        }
        break;
    }
    }
}

char *
wm_sq_fts5(const struct wm_sq *q, const char *columns)
{
    struct wm_buf b = { 0 };
    if (columns && *columns) {
        wm_buf_adds(&b, columns);
        wm_buf_adds(&b, " : (");
    }
    fts5_node(&b, q->root);
    if (columns && *columns) {
        wm_buf_addc(&b, ')');
    }
    return wm_buf_steal(&b);
}

/* ---------------------------------------------------------------- tsquery */

static void ts_node(struct wm_buf *b, const struct sq_node *n, const char *w);

/* n as an operand of & or |: parenthesised unless a phrase (<-> binds tighter). */
static void
ts_operand(struct wm_buf *b, const struct sq_node *n, const char *w)
{
    if (SQ_AND == n->kind || SQ_OR == n->kind) {
        wm_buf_addc(b, '(');
        ts_node(b, n, w);
        wm_buf_addc(b, ')');
    } else {
        ts_node(b, n, w);
    }
}

static void
ts_node(struct wm_buf *b, const struct sq_node *n, const char *w)
{
    switch (n->kind) {
    case SQ_PHRASE:
        for (size_t i = 0; i < n->n; i++) {
            if (i) {
                wm_buf_adds(b, " <-> ");
            }
            wm_buf_addc(b, '\'');
            for (size_t j = 0; j < n->toks[i].len; j++) {
                char c = n->toks[i].s[j];
                if ('\'' == c) {
                    wm_buf_addc(b, '\'');
                } else if ('\\' == c) {
                    wm_buf_addc(b, '\\');
                }
                wm_buf_addc(b, c);
            }
            wm_buf_addc(b, '\'');
            if (n->toks[i].prefix || *w) {
                wm_buf_addc(b, ':');
            }
            if (n->toks[i].prefix) {
                wm_buf_addc(b, '*');
            }
            wm_buf_adds(b, w);
        }
        break;
    case SQ_NOT: {
        const struct sq_node *x = n->kids[0];
        wm_buf_addc(b, '!');
        /* ! binds tighter than <->: a phrase of several tokens goes in parentheses */
        if (SQ_PHRASE == x->kind && 1 == x->n) {
            ts_node(b, x, w);
        } else {
            wm_buf_addc(b, '(');
            ts_node(b, x, w);
            wm_buf_addc(b, ')');
        }
        break;
    }
    case SQ_OR:
        for (size_t i = 0; i < n->n; i++) {
            if (i) {
                wm_buf_adds(b, " | ");
            }
            ts_operand(b, n->kids[i], w);
        }
        break;
    case SQ_AND: {
        /* the positive ones first, as in FTS5 */
        size_t k = 0;
        for (int neg = 0; neg < 2; neg++) {
            for (size_t i = 0; i < n->n; i++) {
                if ((SQ_NOT == n->kids[i]->kind) == (bool)neg) {
                    if (k++) {
                        wm_buf_adds(b, " & ");
                    }
                    ts_operand(b, n->kids[i], w);
                }
            }
        }
        break;
    }
    }
}

char *
wm_sq_tsquery_weights(const struct wm_sq *q, const char *weights)
{
    /* only the letters A to D, each once, in order */
    char w[5];
    size_t k = 0;
    for (char c = 'A'; c <= 'D'; c++) {
        if (weights && strchr(weights, c)) {
            w[k++] = c;
        }
    }
    w[k] = '\0';
    struct wm_buf b = { 0 };
    ts_node(&b, q->root, w);
    return wm_buf_steal(&b);
}

char *
wm_sq_tsquery(const struct wm_sq *q)
{
    return wm_sq_tsquery_weights(q, NULL);
}

/* ---------------------------------------------------------------- evaluation */

/* A text's tokens, in order (the index's positions). */
struct ttoks {
    struct wm_buf arena;
    size_t *off, *len;
    size_t n, cap;
};

static int
collect_text(void *ctx, const char *tok, size_t len, size_t start, size_t end, unsigned flags)
{
    (void)start, (void)end, (void)flags;
    struct ttoks *t = ctx;
    if (t->n == t->cap) {
        t->cap = t->cap ? 2 * t->cap : 64;
        t->off = wm_realloc(t->off, t->cap * sizeof *t->off);
        t->len = wm_realloc(t->len, t->cap * sizeof *t->len);
    }
    t->off[t->n] = t->arena.len;
    t->len[t->n] = len;
    t->n++;
    wm_buf_add(&t->arena, tok, len);
    return 0;
}

static bool
phrase_at(const struct ttoks *t, const struct sq_node *n, size_t p)
{
    for (size_t k = 0; k < n->n; k++) {
        if (!sq_tok_match(&n->toks[k], t->arena.data + t->off[p + k], t->len[p + k])) {
            return false;
        }
    }
    return true;
}

static bool
eval(const struct ttoks *t, const struct sq_node *n)
{
    switch (n->kind) {
    case SQ_PHRASE:
        for (size_t p = 0; p + n->n <= t->n; p++) {
            if (phrase_at(t, n, p)) {
                return true;
            }
        }
        return false;
    case SQ_NOT:
        return !eval(t, n->kids[0]);
    case SQ_AND:
        for (size_t i = 0; i < n->n; i++) {
            if (!eval(t, n->kids[i])) {
                return false;
            }
        }
        return true;
    case SQ_OR:
        for (size_t i = 0; i < n->n; i++) {
            if (eval(t, n->kids[i])) {
                return true;
            }
        }
        return false;
    }
    return false;
}

bool
wm_sq_matches_fields(const struct wm_sq *q, const char *const *texts, const size_t *lens, size_t n)
{
    if (!q || !q->root) {
        return false;
    }
    struct ttoks t = { 0 };
    for (size_t i = 0; i < n; i++) {
        if (i) {
            /* between two fields, an empty token: it matches no query token, so no
            ** phrase goes across */
            (void)collect_text(&t, "", 0, 0, 0, 0);
        }
        if (texts[i]) {
            (void)wm_search_tokenize(texts[i], lens[i], WM_TOK_INDEX, collect_text, &t);
        }
    }
    bool ok = eval(&t, q->root);
    wm_buf_free(&t.arena);
    free(t.off);
    free(t.len);
    return ok;
}

bool
wm_sq_matches(const struct wm_sq *q, const char *text, size_t len)
{
    const char *texts[1] = { text };
    size_t lens[1] = { text ? len : 0 };
    return wm_sq_matches_fields(q, texts, lens, 1);
}

/* end of query.c */
