/*
** sq_work_overview.c — the SQLite backend's operations of the creation work (issue 12, migration
** 0018): the unit's plan/do/check/act view and the office's overview across its jurisdiction (XLSX).
*/
#include "config.h"

#include "sq_helper.h"

void sq_fill_work_overview_ops(struct wm_db_ops *ops);

void
sq_fill_work_overview_ops(struct wm_db_ops *ops)
{
    (void)ops;
}
