/*
** api_work_overview.c — the creation work (issue 12): the unit's plan/do/check/act view and the office's overview across its jurisdiction (XLSX).
*/
#include "config.h"

#include "handlers.h"
