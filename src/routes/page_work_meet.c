/*
** page_work_meet.c — the creation work (issue 12): meeting kinds and cadence, meetings, minutes and photos filed into the archive, filing (wm_work_file) and work_link.
*/
#include "config.h"

#include "handlers.h"
