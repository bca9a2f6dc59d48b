/*
** work_plan.c — the creation work (issue 12): leadership group and office, duties, the annual plan, stages and tasks, unit settings.
*/
#include "config.h"

#include "wm_core.h"
