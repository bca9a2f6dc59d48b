/*
** pg_search.c — the PostgreSQL backend's full-text search (issue 11).
*/
#include "config.h"

#include "pg_helper.h"

void
pg_fill_search_ops(struct wm_db_ops *ops)
{
    (void)ops;
}
