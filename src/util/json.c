/*
** json.c — bounded JSON parsing (see wm_json.h).
*/
#include "wm_json.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* The budget of the parse running on this thread; inactive outside wm_json_parse. */
static _Thread_local struct {
    bool on, hit;
    size_t left, used;
} budget;

static void *
counting_malloc(size_t n)
{
    if (budget.on) {
        if (n > budget.left) {
            budget.hit = true;
            return NULL; /* jansson gives up the parse and frees what it built */
        }
        budget.left -= n;
        budget.used += n;
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

/* Count values and nesting outside strings without allocating.  Every '{', '[', ',' and
** ':' starts or separates a value, so their number (plus one) bounds the values from
** above: "[{},{}]" counts 5 for 3 values, which errs on the safe side. */
static enum wm_json_why
prescan(const char *s, size_t n, const struct wm_json_limits *lim)
{
    size_t values = 1;
    unsigned depth = 0;
    bool in_str = false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (in_str) {
            if ('\\' == c) {
                i++;
            } else if ('"' == c) {
                in_str = false;
            }
            continue;
        }
        switch (c) {
        case '"':
            in_str = true;
            break;
        case '{':
        case '[':
            if (++depth > lim->max_depth) {
                return WM_JSON_DEPTH;
            }
            values++;
            break;
        case '}':
        case ']':
            if (depth) {
                depth--;
            }
            break;
        case ',':
        case ':':
            values++;
            break;
        default:
            continue;
        }
        if (values > lim->max_values) {
            return WM_JSON_VALUES;
        }
    }
    return WM_JSON_OK;
}

json_t *
wm_json_parse(const char *data, size_t len, size_t flags, const struct wm_json_limits *lim,
              json_error_t *err, enum wm_json_why *why, size_t *cost)
{
    json_error_t local;
    wm_json_init();
    if (NULL == err) {
        err = &local;
    }
    memset(err, 0, sizeof *err);
    if (cost) {
        *cost = 0;
    }
    *why = prescan(data, len, lim);
    if (WM_JSON_OK != *why) {
        return NULL;
    }
    budget.on = true;
    budget.hit = false;
    budget.left = lim->max_alloc;
    budget.used = 0;
    json_t *v = json_loadb(data, len, flags, err);
    budget.on = false;
    if (cost) {
        *cost = budget.used;
    }
    if (budget.hit) {
        json_decref(v); /* NULL in practice: jansson stops at the first failed allocation */
        *why = WM_JSON_MEMORY;
        return NULL;
    }
    if (NULL == v) {
        *why = WM_JSON_SYNTAX;
    }
    return v;
}

/* end of json.c */
