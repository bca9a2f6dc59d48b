/*
** wm_bulletin_pdf.h — a unit's weekly bulletin of the inspections (一周一通报, issue 12) as
** a PDF, rendered by the `wenming-compile` helper from the spec the job "work.bulletin"
** writes (src/core/work_inspect.c):
**   {"kind": "work.bulletin", "title", "unit", "from", "to",
**    "inspections": [{"held_on", "inspector", "note",
**                     "checks": [{"area", "category", "dept", "result", "note"}]}],
**    "findings": [{"held_on", "dept", "area", "note"}],
**    "depts": [{"dept", "checks", "pass", "fix"}]}
** A4 portrait on the sheet of wm_sheet.h: the heading, the unit and the week, the counts
** per department, the findings (需整改) with department and note, then each inspection
** with each area's result.
*/
#ifndef WM_BULLETIN_PDF_H
#define WM_BULLETIN_PDF_H

#include <jansson.h>

#include "wm_util.h"

/** Write the PDF to out_path; *pages (may be NULL) the number of pages.  WM_E_BAD_REQUEST
** for a spec that is not one (no title or no inspections), WM_E_INTERNAL with err
** otherwise. */
enum wm_err wm_bulletin_pdf(const json_t *spec,
                            const char *out_path,
                            int *pages,
                            char *err,
                            size_t errlen) WM_MUST_CHECK;

#endif /* WM_BULLETIN_PDF_H */
