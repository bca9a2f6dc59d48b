/*
** db_int.h — what both backends share (db.c): the rules of a subtree's path range and of
** a substring filter's LIKE pattern, written once.
*/
#ifndef WM_DB_INT_H
#define WM_DB_INT_H

#include "wm_db.h"

/*
** The range [lo, hi) of materialized paths in the subtree at scope: "/1/4/" covers
** "/1/4/..." and nothing else; hi is lo with its final '/' replaced by '0' (the next byte),
** so path columns compare bytewise (COLLATE "C" on PostgreSQL).  NULL, "" and "/" mean no
** path condition: lo and hi are NULL, and the SQL reads "(lo IS NULL OR (path >= lo AND
** path < hi))".  Free with wm_db_range_free().
*/
struct wm_db_range {
    char *lo, *hi;
};
struct wm_db_range wm_db_range_of(const char *scope);
void wm_db_range_free(struct wm_db_range *r);

/** The LIKE pattern "%q%" for a substring filter, with %, _ and the backslash escaped by a
** backslash (the SQL says ESCAPE '\'); NULL for no filter (q NULL or empty).  Caller frees. */
char *wm_db_like_of(const char *q);

/* An embedded migration (NNNN-name.sql, made into C by the build). */
struct wm_embedded {
    const char *name;
    const unsigned char *data;
    size_t len;
};
/** The number of a migration, from the four digits its name starts with (panics on a
** name without them: a build mistake). */
int wm_db_migration_number(const struct wm_embedded *m);

#endif /* WM_DB_INT_H */
