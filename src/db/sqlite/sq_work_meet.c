/*
** sq_work_meet.c — the SQLite backend's operations of the creation work (issue 12, migration
** 0018): meeting kinds and cadence, meetings, minutes and photos filed into the archive, filing (wm_work_file) and work_link.
*/
#include "config.h"

#include "sq_helper.h"

void sq_fill_work_meet_ops(struct wm_db_ops *ops);

void
sq_fill_work_meet_ops(struct wm_db_ops *ops)
{
    (void)ops;
}
