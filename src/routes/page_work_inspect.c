/*
** page_work_inspect.c — the creation work (issue 12): responsibility areas, weekly inspections, findings, the weekly bulletin PDF.
*/
#include "config.h"

#include "handlers.h"
