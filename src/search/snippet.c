/*
** snippet.c — the piece of a text shown under a search hit (wm_sq_snippet, wm_search.h).
**
** The text is tokenized as the index does; a token that matches one of the query's
** positive tokens (not under a NOT, not glue) is a hit, as the byte range of the source it
** came from (a lone Han character that matched a bigram as a prefix marks only that
** character).  Overlapping or touching ranges merge (道德 + 德讲 + 讲堂 -> 道德讲堂).  The
** window of max_chars characters holding the most hits is chosen, starting a little
** before its first hit; the text's beginning when there is none.  Invalid UTF-8 bytes are
** skipped, control characters become spaces and runs of white space one space, so every
** segment is valid UTF-8 for the JSON.
*/
/* clang-format off */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wm_search.h"
#include "wm_util.h"
#include "sq_int.h"
#include "banned.h"
/* clang-format on */

/** At most this many hits are gathered (a common word in a long text). */
#define SN_MAX_HITS 20000
/** The window is looked for within this many bytes after the first hit (a long text's
** snippet costs what reading to there does). */
#define SN_SCAN_AFTER (64 * 1024)

struct range {
    size_t bs, be; /* bytes [bs, be) */
    size_t cs, ce; /* characters [cs, ce) */
};

struct snip {
    const char *text;
    size_t len;
    const struct sq_tok **want; /* the positive query tokens */
    size_t nwant;
    struct range *hits;
    size_t nhits, cap;
};

static void
want_collect(struct snip *S, const struct sq_node *n, bool positive, size_t *cap)
{
    switch (n->kind) {
    case SQ_PHRASE:
        if (positive) {
            for (size_t i = 0; i < n->n; i++) {
                if (n->toks[i].glue) {
                    continue;
                }
                if (S->nwant == *cap) {
                    *cap = *cap ? 2 * *cap : 8;
                    S->want = wm_realloc(S->want, *cap * sizeof *S->want);
                }
                S->want[S->nwant++] = &n->toks[i];
            }
        }
        break;
    case SQ_NOT:
        want_collect(S, n->kids[0], !positive, cap);
        break;
    default:
        for (size_t i = 0; i < n->n; i++) {
            want_collect(S, n->kids[i], positive, cap);
        }
        break;
    }
}

static int
hit_collect(void *ctx, const char *tok, size_t len, size_t start, size_t end, unsigned flags)
{
    struct snip *S = ctx;
    /* a match of the whole token, or of its first character only (年 in 年度) */
    bool any = false, whole = false;
    for (size_t i = 0; i < S->nwant && !whole; i++) {
        if (sq_tok_match(S->want[i], tok, len)) {
            any = true;
            whole = !S->want[i]->single || (flags & WM_TOK_SINGLE);
        }
    }
    if (!any) {
        return 0;
    }
    if (!whole) {
        size_t i = start;
        bool bad;
        (void)sq_utf8_next((const unsigned char *)S->text, S->len, &i, &bad);
        end = i;
    }
    if (S->nhits && start <= S->hits[S->nhits - 1].be) {
        /* tokens come in order of their start: overlapping or touching ranges merge */
        if (end > S->hits[S->nhits - 1].be) {
            S->hits[S->nhits - 1].be = end;
        }
        return 0;
    }
    if (S->nhits >= SN_MAX_HITS || (S->nhits && start - S->hits[0].bs > SN_SCAN_AFTER)) {
        return 1;
    }
    if (S->nhits == S->cap) {
        S->cap = S->cap ? 2 * S->cap : 16;
        S->hits = wm_realloc(S->hits, S->cap * sizeof *S->hits);
    }
    S->hits[S->nhits++] = (struct range){ start, end, 0, 0 };
    return 0;
}

/* The segments being written: the current one's text and whether it is a hit. */
struct out {
    json_t *arr;
    struct wm_buf cur;
    bool cur_hit;
    bool last_space; /* the last character written was a space (or nothing yet) */
};

/* Append the segment {"text": text, "hit": hit} (text is valid UTF-8). */
static void
out_segment(json_t *arr, const char *text, size_t len, bool hit)
{
    json_t *seg = json_object();
    json_object_set_new(seg, "text", json_stringn(text, len));
    json_object_set_new(seg, "hit", json_boolean(hit));
    json_array_append_new(arr, seg);
}

static void
out_flush(struct out *o)
{
    if (o->cur.len) {
        out_segment(o->arr, o->cur.data, o->cur.len, o->cur_hit);
    }
    wm_buf_reset(&o->cur);
}

static void
out_ellipsis(struct out *o)
{
    out_flush(o);
    out_segment(o->arr, "…", strlen("…"), false);
}

static void
out_char(struct out *o, const char *p, size_t n, unsigned c, bool hit)
{
    bool space = c < 0x20 || 0x7F == c || ' ' == c || 0x3000 == c || 0xA0 == c ||
                 (c >= 0x80 && c < 0xA0) || 0x2028 == c || 0x2029 == c;
    if (space) {
        if (o->last_space) {
            return;
        }
        p = " ", n = 1;
    }
    if (hit != o->cur_hit) {
        out_flush(o);
        o->cur_hit = hit;
    }
    wm_buf_add(&o->cur, p, n);
    o->last_space = space;
}

json_t *
wm_sq_snippet(const struct wm_sq *q, const char *text, size_t len, size_t max_chars)
{
    json_t *arr = json_array();
    if (!text || !len || !max_chars) {
        return arr;
    }
    struct snip S = { text, len, NULL, 0, NULL, 0, 0 };
    size_t wcap = 0;
    if (q && q->root) {
        want_collect(&S, q->root, true, &wcap);
    }
    if (S.nwant) {
        (void)wm_search_tokenize(text, len, WM_TOK_INDEX, hit_collect, &S);
    }

    /* where each hit starts and ends in characters: scan up to the last hit's end */
    const unsigned char *s = (const unsigned char *)text;
    size_t c = 0, i = 0, h = 0, hb = 0; /* hb: 0 looking for hits[h].bs, 1 for .be */
    while (h < S.nhits) {
        if (i >= (hb ? S.hits[h].be : S.hits[h].bs) || i >= len) {
            if (hb) {
                S.hits[h++].ce = c;
            } else {
                S.hits[h].cs = c;
            }
            hb ^= 1;
            continue;
        }
        bool bad;
        (void)sq_utf8_next(s, len, &i, &bad);
        c += !bad;
    }

    /* the window [ws, we) in characters: the most hits, the first such cluster */
    size_t lead = max_chars / 5;
    size_t ws = 0;
    if (S.nhits) {
        size_t best = 0, best_n = 0, j = 0;
        for (size_t k = 0; k < S.nhits; k++) {
            size_t lim = S.hits[k].cs + (max_chars - lead);
            if (j < k) {
                j = k;
            }
            while (j < S.nhits && S.hits[j].ce <= lim) {
                j++;
            }
            size_t cnt = j > k ? j - k : 1;
            if (cnt > best_n) {
                best_n = cnt, best = k;
            }
        }
        ws = S.hits[best].cs > lead ? S.hits[best].cs - lead : 0;
    }
    /* go on counting to the window's end: a text that ends sooner pulls the window back */
    size_t we = ws + max_chars;
    while (i < len && c < we) {
        bool bad;
        (void)sq_utf8_next(s, len, &i, &bad);
        c += !bad;
    }
    if (c < we) {
        we = c;
        ws = we > max_chars ? we - max_chars : 0;
    }
    bool more = false; /* a character after the window */
    while (i < len && !more) {
        bool bad;
        (void)sq_utf8_next(s, len, &i, &bad);
        more = !bad;
    }

    /* the segments */
    struct out o = { arr, { 0 }, false, true };
    if (ws > 0) {
        out_ellipsis(&o);
    }
    c = 0;
    h = 0;
    for (i = 0; i < len && c < we;) {
        size_t at = i;
        bool bad;
        unsigned cp = sq_utf8_next(s, len, &i, &bad);
        if (bad) {
            continue;
        }
        if (c >= ws) {
            while (h < S.nhits && S.hits[h].be <= at) {
                h++;
            }
            bool hit = h < S.nhits && at >= S.hits[h].bs;
            out_char(&o, text + at, i - at, cp, hit);
        }
        c++;
    }
    /* a trailing space before the cut says nothing */
    if (o.cur.len && !o.cur_hit && ' ' == o.cur.data[o.cur.len - 1]) {
        o.cur.data[--o.cur.len] = '\0';
    }
    out_flush(&o);
    if (more) {
        out_ellipsis(&o);
    }
    wm_buf_free(&o.cur);
    free(S.want);
    free(S.hits);
    return arr;
}

/* end of snippet.c */
