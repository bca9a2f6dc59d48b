/*
** wm_plan_pdf.h — a unit's annual plan of the creation work (年度工作计划, issue 12) as a
** PDF, rendered by the `wenming-compile` helper from the spec the server writes
** (src/core/work_plan.c):
**   {"kind": "work.plan", "unit", "year", "title", "goals": text,
**    "stages": [{"name", "starts_on", "ends_on"}],
**    "depts": [{"name", "tasks": [{"title", "person", "due_on", "state": "open"|"done"}]}]}
** A4 portrait on the sheet of wm_sheet.h: the heading, the unit and year, the goals, the
** stages with their dates, then the tasks grouped by department.
*/
#ifndef WM_PLAN_PDF_H
#define WM_PLAN_PDF_H

#include <jansson.h>

#include "wm_util.h"

/** Write the PDF to out_path; *pages (may be NULL) the number of pages.  WM_E_BAD_REQUEST
** for a spec that is not one (no title), WM_E_INTERNAL with err otherwise. */
enum wm_err wm_plan_pdf(const json_t *spec,
                        const char *out_path,
                        int *pages,
                        char *err,
                        size_t errlen) WM_MUST_CHECK;

#endif /* WM_PLAN_PDF_H */
