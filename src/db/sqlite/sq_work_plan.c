/*
** sq_work_plan.c — the SQLite backend's operations of the creation work (issue 12, migration
** 0018): leadership group and office, duties, the annual plan, stages and tasks, unit settings.
*/
#include "config.h"

#include "sq_helper.h"

void sq_fill_work_plan_ops(struct wm_db_ops *ops);

void
sq_fill_work_plan_ops(struct wm_db_ops *ops)
{
    (void)ops;
}
