/*
** pg_work_inspect.c — the PostgreSQL backend's operations of the creation work (issue 12,
** migration 0018): responsibility areas, weekly inspections, findings, the weekly bulletin PDF.
*/
#include "config.h"

#include "pg_helper.h"

void
pg_fill_work_inspect_ops(struct wm_db_ops *ops)
{
    (void)ops;
}
