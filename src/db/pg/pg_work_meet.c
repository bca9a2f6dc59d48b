/*
** pg_work_meet.c — the PostgreSQL backend's operations of the creation work (issue 12,
** migration 0018): meeting kinds and cadence, meetings, minutes and photos filed into the archive, filing (wm_work_file) and work_link.
*/
#include "config.h"

#include "pg_helper.h"

void
pg_fill_work_meet_ops(struct wm_db_ops *ops)
{
    (void)ops;
}
