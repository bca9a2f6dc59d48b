/*
** wm_check_pdf.h — the report of a DA/T 70 四性检测 (issue 13, dat70) as a PDF, rendered by
** the `wenming-compile` helper from the report itself (src/core/archive_check.c:
** {"kind": "archive.check", "standard", "archive": {unit_name, unit_code, year},
** "started_at", "finished_at", "passed", "scope", "required_metadata", "properties": [{name,
** passed, checked, failed, items [{code, serial, title, version, reason}], rules, notes}]}),
** on the plain A4 sheet of wm_sheet.h.
*/
#ifndef WM_CHECK_PDF_H
#define WM_CHECK_PDF_H

#include <jansson.h>

#include "wm_util.h"

/** Write the PDF to out_path; *pages (may be NULL) the number of pages.  WM_E_BAD_REQUEST
** for a spec that is not a report (no properties), WM_E_INTERNAL with err otherwise. */
enum wm_err wm_check_pdf(const json_t *spec, const char *out_path, int *pages, char *err,
                         size_t errlen) WM_MUST_CHECK;

#endif /* WM_CHECK_PDF_H */
