/*
** sq_work_rect.c — the SQLite backend's operations of the creation work (issue 12, migration
** 0018): the rectification loop (整改项): sources, corrective and preventive measures, evidence, verification.
*/
#include "config.h"

#include "sq_helper.h"

void sq_fill_work_rect_ops(struct wm_db_ops *ops);

void
sq_fill_work_rect_ops(struct wm_db_ops *ops)
{
    (void)ops;
}
