/*
** wm_json.h — parsing JSON that came from outside, with a bound on what the parse may
** cost before it allocates.
**
** jansson builds the whole tree: an empty object "{}" is 2 bytes of input and about 200
** bytes of memory, so 16 MB of "[{},{},...]" cost 1.2 GB.  wm_json_parse first scans the
** text without allocating (values and nesting counted outside strings) and refuses a
** document over the limits; then it parses with a per-thread allocation budget (jansson's
** allocator is set to a counting wrapper of malloc/free, active only inside this call),
** so no shape of input can make a parse cost more than lim->max_alloc bytes.
*/
#ifndef WM_JSON_H
#define WM_JSON_H

#include <stddef.h>

#include <jansson.h>

struct wm_json_limits {
    size_t max_values;  /* arrays, objects, members and scalars (counted generously) */
    unsigned max_depth; /* nesting of arrays and objects */
    size_t max_alloc;   /* bytes jansson may allocate for the tree */
};

enum wm_json_why {
    WM_JSON_OK = 0,
    WM_JSON_SYNTAX, /* not JSON: err says where */
    WM_JSON_VALUES, /* more values than max_values */
    WM_JSON_DEPTH,  /* nested deeper than max_depth */
    WM_JSON_MEMORY, /* the tree would need more than max_alloc bytes */
};

/** Install the counting allocator in jansson (once; wm_json_parse calls it too). */
void wm_json_init(void);

/**
** Parse data[0..len) with jansson flags under lim.  NULL when refused: *why says why
** (err is filled for WM_JSON_SYNTAX; err may be NULL).  *cost, when cost is not NULL,
** receives the bytes jansson allocated for the parse.
*/
json_t *wm_json_parse(const char *data, size_t len, size_t flags, const struct wm_json_limits *lim,
                      json_error_t *err, enum wm_json_why *why, size_t *cost);

#endif /* WM_JSON_H */
