/*
** pg_work_overview.c — the PostgreSQL backend's operations of the creation work (issue 12,
** migration 0018): the unit's plan/do/check/act view and the office's overview across its jurisdiction (XLSX).
*/
#include "config.h"

#include "pg_helper.h"

void
pg_fill_work_overview_ops(struct wm_db_ops *ops)
{
    (void)ops;
}
