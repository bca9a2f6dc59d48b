/*
** json.c — bounded JSON parsing (see wm_json.h).
*/
#include "wm_json.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* Counting of the parse running on this thread; inactive outside wm_json_parse. */
static _Thread_local struct {
    bool on;
    size_t used;
} counter;

static void *
counting_malloc(size_t n)
{
    if (counter.on) {
        counter.used += n;
    }
    return malloc(n);
}

static void
counting_free(void *p)
{
    free(p);
}

static void
install(void)
{
    /* Plain malloc and free underneath: memory jansson allocated before this runs is
    ** freed correctly after it. */
    json_set_alloc_funcs(counting_malloc, counting_free);
}

void
wm_json_init(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, install);
}

/*
** Upper estimates of jansson 2.14's allocations (64-bit glibc, 16 bytes of chunk overhead
** included), by token: an object is its struct and an 8-bucket table; a member (one ':')
** its pair, with room for the bucket table's doublings; an array its struct and first
** table; an element separator (',') its slot, with the table's doublings; a string its
** struct and, twice, its bytes (the lexer's copy and the value; a key's bytes are copied
** into the pair); a number or literal its struct.  The lexer's buffer grows to the longest
** token, by doubling.  tests/unit/test_util.c checks the estimate against the count.
*/
enum {
    EST_BASE = 4096,
    EST_OBJECT = 256,
    EST_MEMBER = 160,
    EST_ARRAY = 128,
    EST_COMMA = 32,
    EST_STRING = 96,
    EST_SCALAR = 64,
};

static enum wm_json_why
prescan(const char *s, size_t n, const struct wm_json_limits *lim, struct wm_json_cost *c)
{
    size_t objects = 0, arrays = 0, strings = 0, scalars = 0, colons = 0, commas = 0;
    size_t str_bytes = 0, longest = 0, cur = 0;
    unsigned depth = 0;
    bool in_str = false, in_scalar = false;
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        if (in_str) {
            if ('\\' == ch) {
                i++;
                cur += 2;
            } else if ('"' == ch) {
                in_str = false;
                str_bytes += cur;
                longest = cur > longest ? cur : longest;
            } else {
                cur++;
            }
            continue;
        }
        bool is_value = false;
        bool scalar_char = false;
        switch (ch) {
        case '"':
            in_str = true;
            cur = 0;
            strings++;
            is_value = true;
            break;
        case '{':
        case '[':
            if (++depth > c->depth) {
                c->depth = depth;
                if (depth > lim->max_depth) {
                    return WM_JSON_DEPTH;
                }
            }
            *('{' == ch ? &objects : &arrays) += 1;
            is_value = true;
            break;
        case '}':
        case ']':
            depth -= depth > 0;
            break;
        case ',':
            commas++;
            break;
        case ':':
            colons++;
            break;
        case ' ':
        case '\t':
        case '\n':
        case '\r':
            break;
        default: /* a number or a literal (or stray text, which jansson refuses) */
            scalar_char = true;
            if (!in_scalar) {
                scalars++;
                is_value = true;
                cur = 0;
            }
            cur++; /* the lexer buffers a number whole */
            longest = cur > longest ? cur : longest;
            break;
        }
        in_scalar = scalar_char;
        if (is_value && ++c->values > lim->max_values) {
            return WM_JSON_VALUES;
        }
    }
    if (in_str) {
        longest = cur > longest ? cur : longest; /* unterminated: still buffered */
    }
    c->estimate = EST_BASE + EST_OBJECT * objects + EST_MEMBER * colons + EST_ARRAY * arrays +
                  EST_COMMA * commas + EST_STRING * strings + EST_SCALAR * scalars +
                  2 * str_bytes + 4 * longest;
    return c->estimate > lim->max_alloc ? WM_JSON_MEMORY : WM_JSON_OK;
}

json_t *
wm_json_parse(const char *data, size_t len, size_t flags, const struct wm_json_limits *lim,
              json_error_t *err, enum wm_json_why *why, struct wm_json_cost *cost)
{
    json_error_t local_err;
    struct wm_json_cost local_cost;
    wm_json_init();
    if (NULL == err) {
        err = &local_err;
    }
    if (NULL == cost) {
        cost = &local_cost;
    }
    memset(err, 0, sizeof *err);
    memset(cost, 0, sizeof *cost);
    *why = prescan(data, len, lim, cost);
    if (WM_JSON_OK != *why) {
        return NULL;
    }
    counter.on = true;
    counter.used = 0;
    json_t *v = json_loadb(data, len, flags, err);
    counter.on = false;
    cost->allocated = counter.used;
    if (NULL == v) {
        *why = WM_JSON_SYNTAX;
    }
    return v;
}

/* end of json.c */
