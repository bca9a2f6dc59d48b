/*
** work_rect.c — the creation work (issue 12): the rectification loop (整改项): sources, corrective and preventive measures, evidence, verification.
*/
#include "config.h"

#include "wm_core.h"
