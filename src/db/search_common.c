/*
** search_common.c — what both stores' search ops share (db_int.h): the tag words that put
** scope and filters inside the full-text index, the tag condition of a query, facets
** counted one match at a time, and the order of ranked candidates.
*/
#include "config.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "db_int.h"

/* ---------------------------------------------------------------- tags */

/* tag := pfx letter hex(value); a value too long for one token (WM_TOK_WORD_MAX) is
** hashed: letter 'x' 16 hex digits (x is not a hex digit, so the two never collide). */
static void
tag_hex(struct wm_buf *b, const char *pfx, char letter, const char *v, size_t n)
{
    wm_buf_adds(b, pfx);
    wm_buf_addc(b, letter);
    if (2 * n <= 48) {
        char hex[100];
        wm_hex((const unsigned char *)v, n, hex);
        wm_buf_add(b, hex, 2 * n);
        return;
    }
    wm_buf_printf(b, "x%016llx", (unsigned long long)wm_fnv1a(v, n));
}

static void
sep_add(struct wm_buf *b, const char *sep)
{
    if (b->len) {
        wm_buf_adds(b, sep);
    }
}

/* The id of the last org of a path ("/1/4/" -> 4); 0 when there is none. */
static int64_t
path_last(const char *path)
{
    int64_t last = 0, cur = 0;
    bool in = false;
    for (const char *p = path; p && *p; p++) {
        if (*p >= '0' && *p <= '9') {
            cur = in ? cur * 10 + (*p - '0') : *p - '0';
            in = true;
            if (cur > (int64_t)1 << 52) {
                return 0;
            }
        } else {
            if (in) {
                last = cur;
            }
            in = false;
        }
    }
    return in ? cur : last;
}

char *
wm_stags_row(const struct wm_search_row *r, const char *pfx, const char *sep)
{
    struct wm_buf b = {0};
    int64_t cur = 0;
    bool in = false;
    for (const char *p = r->org_path ? r->org_path : ""; ; p++) {
        if (*p >= '0' && *p <= '9') {
            cur = in ? cur * 10 + (*p - '0') : *p - '0';
            in = true;
            continue;
        }
        if (in) {
            sep_add(&b, sep);
            wm_buf_printf(&b, "%ss%lld", pfx, (long long)cur);
        }
        in = false;
        if ('\0' == *p) {
            break;
        }
    }
    if (r->kind) {
        sep_add(&b, sep);
        tag_hex(&b, pfx, 'k', r->kind, strlen(r->kind));
        if (wm_streq(r->kind, "indicator")) {
            sep_add(&b, sep);
            wm_buf_printf(&b, "%sp%lld", pfx, (long long)path_last(r->org_path));
        }
    }
    if (r->unit_id > 0) {
        sep_add(&b, sep);
        wm_buf_printf(&b, "%su%lld", pfx, (long long)r->unit_id);
    }
    if (r->year > 0) {
        sep_add(&b, sep);
        wm_buf_printf(&b, "%sy%lld", pfx, (long long)r->year);
    }
    if (r->unit_type && r->unit_type[0]) {
        sep_add(&b, sep);
        tag_hex(&b, pfx, 't', r->unit_type, strlen(r->unit_type));
    }
    if (r->media && r->media[0]) {
        sep_add(&b, sep);
        tag_hex(&b, pfx, 'm', r->media, strlen(r->media));
    }
    if (r->state && r->state[0]) {
        sep_add(&b, sep);
        tag_hex(&b, pfx, 'r', r->state, strlen(r->state));
    }
    if (r->indicator_code && r->indicator_code[0]) {
        const char *c = r->indicator_code;
        size_t n = strlen(c);
        for (size_t i = 1; i <= n; i++) {
            if (i == n || '.' == c[i]) {
                sep_add(&b, sep);
                tag_hex(&b, pfx, 'i', c, i);
            }
        }
    }
    return wm_buf_steal(&b);
}

/* One tag term of a query. */
static void
qtag(struct wm_buf *b, bool tsq, const char *fmt_tag)
{
    if (tsq) {
        wm_buf_printf(b, "'~%s'", fmt_tag);
    } else {
        wm_buf_adds(b, fmt_tag);
    }
}

static void
qand(struct wm_buf *b, bool tsq)
{
    if (b->len) {
        wm_buf_adds(b, tsq ? " & " : " AND ");
    }
}

static void
qtag_hex(struct wm_buf *b, bool tsq, char letter, const char *v, size_t n)
{
    struct wm_buf t = {0};
    tag_hex(&t, "", letter, v, n);
    qand(b, tsq);
    qtag(b, tsq, wm_buf_str(&t));
    wm_buf_free(&t);
}

static void
qtag_num(struct wm_buf *b, bool tsq, char letter, int64_t v)
{
    char t[32];
    snprintf(t, sizeof t, "%c%lld", letter, (long long)v);
    qand(b, tsq);
    qtag(b, tsq, t);
}

static bool
is_root(const char *path)
{
    return NULL == path || '\0' == path[0] || wm_streq(path, "/");
}

char *
wm_stags_query(const struct wm_search_q *q, bool tsq)
{
    struct wm_buf b = {0};
    if (!is_root(q->scope)) {
        char t[32];
        snprintf(t, sizeof t, "s%lld", (long long)path_last(q->scope));
        if (q->caller_path && q->caller_path[0]) {
            /* (in scope) OR (an indicator published by an office on the caller's path) */
            wm_buf_adds(&b, "(");
            qtag(&b, tsq, t);
            wm_buf_adds(&b, tsq ? " | (" : " OR (");
            struct wm_buf k = {0};
            tag_hex(&k, "", 'k', "indicator", 9);
            qtag(&b, tsq, wm_buf_str(&k));
            wm_buf_free(&k);
            wm_buf_adds(&b, tsq ? " & (" : " AND (");
            int64_t cur = 0;
            bool in = false, first = true;
            for (const char *p = q->caller_path;; p++) {
                if (*p >= '0' && *p <= '9') {
                    cur = in ? cur * 10 + (*p - '0') : *p - '0';
                    in = true;
                    continue;
                }
                if (in) {
                    if (!first) {
                        wm_buf_adds(&b, tsq ? " | " : " OR ");
                    }
                    first = false;
                    snprintf(t, sizeof t, "p%lld", (long long)cur);
                    qtag(&b, tsq, t);
                }
                in = false;
                if ('\0' == *p) {
                    break;
                }
            }
            if (first) {
                qtag(&b, tsq, "p0");
            }
            wm_buf_adds(&b, ")))");
        } else {
            qtag(&b, tsq, t);
        }
    }
    if (q->kind && q->kind[0]) {
        qtag_hex(&b, tsq, 'k', q->kind, strlen(q->kind));
    }
    if (q->unit_id > 0) {
        qtag_num(&b, tsq, 'u', q->unit_id);
    }
    if (!is_root(q->within)) {
        qtag_num(&b, tsq, 's', path_last(q->within));
    }
    if (q->unit_type && q->unit_type[0]) {
        qtag_hex(&b, tsq, 't', q->unit_type, strlen(q->unit_type));
    }
    if (q->year > 0) {
        qtag_num(&b, tsq, 'y', q->year);
    }
    if (q->indicator && q->indicator[0]) {
        qtag_hex(&b, tsq, 'i', q->indicator, strlen(q->indicator));
    }
    if (q->media && q->media[0]) {
        qtag_hex(&b, tsq, 'm', q->media, strlen(q->media));
    }
    if (q->state && q->state[0]) {
        qtag_hex(&b, tsq, 'r', q->state, strlen(q->state));
    }
    if (0 == b.len) {
        return NULL;
    }
    return wm_buf_steal(&b);
}

/* Operators and spaces of tsquery text: what is not a lexeme. */
static bool
tsq_op(char c)
{
    return ' ' == c || '\t' == c || '\n' == c || '&' == c || '|' == c || '!' == c ||
           '(' == c || ')' == c || '<' == c || '>' == c || ':' == c || '\'' == c;
}

char *
wm_stsq_title(const char *tsq)
{
    struct wm_buf b = {0};
    const char *p = tsq ? tsq : "";
    while (*p) {
        if ('<' == *p) { /* <->, <N> */
            const char *e = strchr(p, '>');
            size_t n = e ? (size_t)(e - p + 1) : strlen(p);
            wm_buf_add(&b, p, n);
            p += n;
            continue;
        }
        bool lexeme = false;
        if ('\'' == *p) {
            const char *s = p++;
            while (*p) {
                if ('\\' == *p && p[1]) {
                    p += 2;
                } else if ('\'' == *p && '\'' == p[1]) {
                    p += 2;
                } else if ('\'' == *p) {
                    p++;
                    break;
                } else {
                    p++;
                }
            }
            wm_buf_add(&b, s, (size_t)(p - s));
            lexeme = true;
        } else if (!tsq_op(*p)) {
            const char *s = p;
            while (*p && !tsq_op(*p)) {
                p++;
            }
            wm_buf_add(&b, s, (size_t)(p - s));
            lexeme = true;
        } else {
            wm_buf_addc(&b, *p++);
            continue;
        }
        if (lexeme) {
            /* its weights become A; a prefix stays one */
            bool star = false;
            if (':' == *p) {
                p++;
                while (*p && strchr("*ABCDabcd", *p)) {
                    star |= '*' == *p;
                    p++;
                }
            }
            wm_buf_adds(&b, star ? ":*A" : ":A");
        }
    }
    return wm_buf_steal(&b);
}

/* ---------------------------------------------------------------- facets */

json_t *
wm_sind_titles(json_t *rows)
{
    if (NULL == rows) {
        return NULL;
    }
    json_t *out = json_object(), *row;
    size_t i;
    json_array_foreach(rows, i, row)
    {
        const char *code = json_string_value(json_object_get(row, "indicator_code"));
        json_t *titles = json_object_get(out, code);
        if (NULL == titles) {
            json_object_set_new(out, code, titles = json_array());
        }
        if (json_array_size(titles) < WM_SIND_TITLES_MAX) {
            json_array_append(titles, json_object_get(row, "title"));
        }
    }
    json_decref(rows);
    return out;
}

void
wm_sfacets_init(struct wm_sfacets *f, const char *under)
{
    memset(f, 0, sizeof *f);
    f->under = under && under[0] ? under : NULL;
}

/* How much of code the indicator facet counts: its top level, or with a filter the level
** below the filter (the filter itself for a code that is the filter). */
static size_t
facet_code_len(const char *code, const char *under)
{
    size_t u = under ? strlen(under) : 0;
    if (u && 0 == strncmp(code, under, u) && '.' == code[u]) {
        return u + 1 + strcspn(code + u + 1, ".");
    }
    if (u && wm_streq(code, under)) {
        return u;
    }
    return strcspn(code, ".");
}


/* The entry of key (made with count 0 when new). */
static struct wm_sfent *
fm_get(struct wm_sfmap *m, const char *k, size_t n)
{
    if (2 * (m->n + 1) > m->cap) {
        size_t cap = m->cap ? 2 * m->cap : 16;
        struct wm_sfent *e = wm_calloc(cap, sizeof *e);
        for (size_t i = 0; i < m->cap; i++) {
            if (m->e[i].key) {
                size_t j = wm_fnv1a(m->e[i].key, m->e[i].len) & (cap - 1);
                while (e[j].key) {
                    j = (j + 1) & (cap - 1);
                }
                e[j] = m->e[i];
            }
        }
        free(m->e);
        m->e = e;
        m->cap = cap;
    }
    size_t j = wm_fnv1a(k, n) & (m->cap - 1);
    while (m->e[j].key && !(m->e[j].len == n && 0 == memcmp(m->e[j].key, k, n))) {
        j = (j + 1) & (m->cap - 1);
    }
    if (NULL == m->e[j].key) {
        m->e[j].key = wm_strndup(k, n);
        m->e[j].len = n;
        m->n++;
    }
    return &m->e[j];
}

static void
fm_count(struct wm_sfmap *m, const char *k, size_t n)
{
    fm_get(m, k, n)->count++;
}

static void
fm_free(struct wm_sfmap *m)
{
    for (size_t i = 0; i < m->cap; i++) {
        free(m->e[i].key);
        free(m->e[i].path);
    }
    free(m->e);
    memset(m, 0, sizeof *m);
}

void
wm_sfacets_add(struct wm_sfacets *f, const char *kind, int64_t year, const char *unit_type,
               const char *media, const char *state, const char *indicator_code,
               int64_t unit_id, const char *org_path)
{
    if (kind) {
        fm_count(&f->kind, kind, strlen(kind));
    }
    if (year > 0) {
        fm_count(&f->year, (const char *)&year, sizeof year);
    }
    if (unit_type) {
        fm_count(&f->unit_type, unit_type, strlen(unit_type));
    }
    if (media) {
        fm_count(&f->media, media, strlen(media));
    }
    if (state) {
        fm_count(&f->state, state, strlen(state));
    }
    if (indicator_code && indicator_code[0]) {
        fm_count(&f->indicator, indicator_code, facet_code_len(indicator_code, f->under));
    }
    if (unit_id > 0) {
        struct wm_sfent *e = fm_get(&f->unit, (const char *)&unit_id, sizeof unit_id);
        if (0 == e->count++) {
            e->unit_id = unit_id;
            e->path = wm_strdup(org_path ? org_path : "");
        }
    }
}

static int
fent_cmp(const void *a, const void *b)
{
    const struct wm_sfent *x = *(struct wm_sfent *const *)a, *y = *(struct wm_sfent *const *)b;
    if (x->count != y->count) {
        return x->count > y->count ? -1 : 1;
    }
    if (x->unit_id != y->unit_id) {
        return x->unit_id < y->unit_id ? -1 : 1;
    }
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->key, y->key, n);
    return c ? c : (x->len > y->len) - (x->len < y->len);
}

/* kind: 0 text, 1 integer (an int64_t key), 2 unit */
static json_t *
facet_array(struct wm_sfmap *m, int kind)
{
    struct wm_sfent **v = wm_calloc(m->n ? m->n : 1, sizeof *v);
    size_t n = 0;
    for (size_t i = 0; i < m->cap; i++) {
        if (m->e[i].key) {
            if (1 == kind) { /* order years by value among equal counts */
                memcpy(&m->e[i].unit_id, m->e[i].key, sizeof(int64_t));
            }
            v[n++] = &m->e[i];
        }
    }
    qsort(v, n, sizeof *v, fent_cmp);
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *o;
        if (2 == kind) {
            o = json_pack("{sI ss sI}", "unit_id", (json_int_t)v[i]->unit_id, "org_path",
                          v[i]->path, "count", (json_int_t)v[i]->count);
        } else if (1 == kind) {
            o = json_pack("{sI sI}", "value", (json_int_t)v[i]->unit_id, "count",
                          (json_int_t)v[i]->count);
        } else {
            o = json_pack("{ss% sI}", "value", v[i]->key, v[i]->len, "count",
                          (json_int_t)v[i]->count);
        }
        json_array_append_new(a, o);
    }
    free(v);
    return a;
}

json_t *
wm_sfacets_done(struct wm_sfacets *f)
{
    json_t *o = json_pack("{so so so so so so so}", "kind", facet_array(&f->kind, 0), "year",
                          facet_array(&f->year, 1), "unit_type", facet_array(&f->unit_type, 0),
                          "media", facet_array(&f->media, 0), "state",
                          facet_array(&f->state, 0), "indicator", facet_array(&f->indicator, 0),
                          "unit", facet_array(&f->unit, 2));
    wm_sfacets_free(f);
    return o;
}

void
wm_sfacets_free(struct wm_sfacets *f)
{
    fm_free(&f->kind);
    fm_free(&f->year);
    fm_free(&f->unit_type);
    fm_free(&f->media);
    fm_free(&f->state);
    fm_free(&f->indicator);
    fm_free(&f->unit);
}

/* ---------------------------------------------------------------- ranking */

static int
cand_cmp(const void *a, const void *b)
{
    const struct wm_scand *x = a, *y = b;
    if (x->score != y->score) {
        return x->score > y->score ? -1 : 1;
    }
    return x->id > y->id ? -1 : x->id < y->id;
}

void
wm_scand_sort(struct wm_scand *c, size_t n)
{
    if (n > 1) {
        qsort(c, n, sizeof *c, cand_cmp);
    }
}

int64_t
wm_srank(double score)
{
    if (!isfinite(score)) {
        return 0;
    }
    double v = score * 1e6;
    if (v > 9e18 || v < -9e18) {
        return 0;
    }
    return (int64_t)(v + (v >= 0 ? 0.5 : -0.5));
}

/* ---------------------------------------------------------------- the walk's bound */

/* The oldest id of the walk's next step back: the first covers the WM_SEARCH_SPAN newest
** ids (below ceil), each next one goes twice as far back as the one before.  0: to the
** oldest. */
static int64_t
step_floor(const struct wm_swalk *s, int64_t floor)
{
    if (UINT_MAX == s->q->span) {
        return 0;
    }
    int64_t span = s->q->span ? s->q->span : WM_SEARCH_SPAN;
    int64_t top = s->ceil - 1 < s->max_id ? s->ceil - 1 : s->max_id; /* the newest walked */
    if (floor > 0) {
        span = 2 * (top - floor + 1);
    }
    return top - span + 1 > 0 ? top - span + 1 : 0;
}

void
wm_swalk_init(struct wm_swalk *s, const struct wm_search_q *q, int64_t max_id)
{
    s->q = q;
    s->ceil = q->before > 0 ? q->before : INT64_MAX;
    s->max_id = max_id;
    s->floor = 0;
    s->step = step_floor(s, 0);
}

bool
wm_swalk_stop(struct wm_swalk *s, int64_t id, int64_t n)
{
    while (s->step > 0 && id < s->step) {
        if (n >= (s->q->least ? s->q->least : WM_SEARCH_LEAST)) {
            s->floor = s->step;
            return true;
        }
        s->step = step_floor(s, s->step);
    }
    return false;
}

int64_t
wm_swalk_end(struct wm_swalk *s, bool full)
{
    if (!full) {
        return s->floor; /* stopped, or ran out (0) */
    }
    s->floor = s->step;
    return s->floor;
}

/* end of search_common.c */
