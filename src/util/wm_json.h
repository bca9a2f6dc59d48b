/*
** wm_json.h — parsing JSON that came from outside, with a bound on what the parse may
** cost, decided before it allocates.
**
** jansson builds the whole tree: an empty object "{}" is 2 bytes of input and about 220
** bytes of memory, so 16 MB of "[{},{},...]" cost 1.2 GB.  wm_json_parse first scans the
** text without allocating — values, nesting and string bytes counted outside and inside
** strings — and refuses a document over the limits, the memory limit applying to an
** upper estimate of what jansson will allocate for that text.  (Failing jansson's
** allocations instead is not safe: jansson 2.14 frees a stray pointer when a string's
** allocation fails.)  The parse then runs with jansson's allocator set to a counting
** wrapper of malloc/free, so the real cost is known afterwards.
*/
#ifndef WM_JSON_H
#define WM_JSON_H

#include <stddef.h>

#include <jansson.h>

struct wm_json_limits {
    size_t max_values;  /* objects, arrays, strings, numbers and literals */
    unsigned max_depth; /* nesting of arrays and objects */
    size_t max_alloc;   /* bytes jansson may need for the tree (estimated from above) */
};

enum wm_json_why {
    WM_JSON_OK = 0,
    WM_JSON_SYNTAX, /* not JSON: err says where */
    WM_JSON_VALUES, /* more values than max_values */
    WM_JSON_DEPTH,  /* nested deeper than max_depth */
    WM_JSON_MEMORY, /* the tree would need more than max_alloc bytes */
};

/* What a document costs: the scan's counts and estimate, and what the parse allocated. */
struct wm_json_cost {
    size_t values;
    unsigned depth;
    size_t estimate;  /* upper estimate of jansson's allocations, in bytes */
    size_t allocated; /* bytes jansson allocated while parsing (0 when not parsed) */
};

/** Install the counting allocator in jansson (once; wm_json_parse calls it too). */
void wm_json_init(void);

/**
** Parse data[0..len) with jansson flags under lim.  NULL when refused: *why says why
** (err is filled for WM_JSON_SYNTAX; err may be NULL).  cost, when not NULL, receives
** the counts (as far as the scan went) and the allocation.
*/
json_t *wm_json_parse(const char *data, size_t len, size_t flags, const struct wm_json_limits *lim,
                      json_error_t *err, enum wm_json_why *why, struct wm_json_cost *cost);

#endif /* WM_JSON_H */
